//===--- TaskleakCheck.h - what every taskleak check shares ----*- C++ -*-===//
//
// Options common to all checks (the model file, how deep calls are followed)
// and the per-translation-unit core objects: the library models that apply to
// the main file and the memoising TaskAnalysis.
//
//===----------------------------------------------------------------------===//
#ifndef TASKLEAK_CHECKS_TASKLEAKCHECK_H
#define TASKLEAK_CHECKS_TASKLEAKCHECK_H

#include "lib/Library.h"
#include "lib/TaskAnalysis.h"

#include "clang-tidy/ClangTidyCheck.h"

#include <memory>
#include <optional>

namespace taskleak {

class TaskleakCheck : public clang::tidy::ClangTidyCheck {
public:
  TaskleakCheck(llvm::StringRef Name, clang::tidy::ClangTidyContext *Context);
  void storeOptions(clang::tidy::ClangTidyOptions::OptionMap &Opts) override;
  bool isLanguageVersionSupported(
      const clang::LangOptions &LangOpts) const override {
    return LangOpts.CPlusPlus11;
  }
  void onEndOfTranslationUnit() override;

protected:
  /// The models for the current main file; null when they could not be
  /// loaded (the error has been reported).
  const Library *library();
  TaskAnalysis &analysis(clang::ASTContext &Ctx);

private:
  const std::string ModelFile;
  const unsigned CallDepth;
  std::optional<Library> Lib;
  bool ModelsFailed = false;
  std::unique_ptr<TaskAnalysis> Analysis;
};

} // namespace taskleak

#endif
