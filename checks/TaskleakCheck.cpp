//===--- TaskleakCheck.cpp - what every taskleak check shares --------------===//
#include "checks/TaskleakCheck.h"

namespace taskleak {

TaskleakCheck::TaskleakCheck(llvm::StringRef Name,
                             clang::tidy::ClangTidyContext *Context)
    : ClangTidyCheck(Name, Context),
      ModelFile(Options.getLocalOrGlobal("ModelFile", "")),
      CallDepth(Options.getLocalOrGlobal("CallDepth", 3U)) {}

void TaskleakCheck::storeOptions(
    clang::tidy::ClangTidyOptions::OptionMap &Opts) {
  Options.store(Opts, "ModelFile", ModelFile);
  Options.store(Opts, "CallDepth", CallDepth);
}

const Library *TaskleakCheck::library() {
  if (Lib)
    return &*Lib;
  if (ModelsFailed)
    return nullptr;
  ModelError Err;
  const ModelSet *Models =
      modelsFor(getCurrentMainFile().str(), ModelFile, Err);
  if (!Models) {
    ModelsFailed = true;
    reportModelError(Err);
    return nullptr;
  }
  Lib.emplace(*Models);
  return &*Lib;
}

TaskAnalysis &TaskleakCheck::analysis(clang::ASTContext &Ctx) {
  assert(library() && "callers check library() first");
  if (!Analysis)
    Analysis = std::make_unique<TaskAnalysis>(*library(), Ctx, CallDepth);
  return *Analysis;
}

void TaskleakCheck::onEndOfTranslationUnit() { Analysis.reset(); }

} // namespace taskleak
