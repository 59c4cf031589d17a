//===--- TaskleakCheck.cpp - what every taskleak check shares --------------===//
#include "checks/TaskleakCheck.h"
#include "checks/Manifest.h"

#include "clang-tidy/ClangTidyOptions.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Regex.h"

#include <atomic>

#include <mutex>
#include <vector>

namespace taskleak {

/// The manifest documents the default that lib/TaskAnalysis.h defines.
static constexpr unsigned decimal(llvm::StringRef S) {
  unsigned V = 0;
  for (size_t I = 0; I < S.size(); ++I)
    V = V * 10 + static_cast<unsigned>(S.data()[I] - '0');
  return V;
}
static_assert(decimal(defaults::CallDepth) == DefaultCallDepth,
              "checks/Checks.def and lib/TaskAnalysis.h disagree on the "
              "default CallDepth");

/// `CallDepth`, local or global; a value above MaxCallDepth is a
/// configuration error (one that is not a number is reported by clang-tidy).
static unsigned readCallDepth(const clang::tidy::ClangTidyCheck &Check,
                              const clang::tidy::ClangTidyCheck::OptionsView &Options) {
  unsigned Depth = Options.getLocalOrGlobal("CallDepth", DefaultCallDepth);
  if (Depth <= MaxCallDepth)
    return Depth;
  Check.configurationDiag("invalid configuration value '%0' for option "
                          "'CallDepth'; calls are followed at most %1 levels")
      << Depth << MaxCallDepth;
  return MaxCallDepth;
}

TaskleakCheck::TaskleakCheck(llvm::StringRef Name,
                             clang::tidy::ClangTidyContext *Context)
    : ClangTidyCheck(Name, Context), TidyContext(Context),
      Options_{Options.getLocalOrGlobal("ModelFile", defaults::ModelFile).str(),
               readCallDepth(*this, Options)} {}

static std::atomic<bool> ConfigErrorsInMainFile{false};

void showConfigurationErrorsInMainFile() { ConfigErrorsInMainFile = true; }

static std::atomic<bool> FixesInNotes{false};

void nameFixesInNotes() { FixesInNotes = true; }

void TaskleakCheck::attachFix(clang::DiagnosticBuilder &D,
                              llvm::ArrayRef<clang::FixItHint> Fix,
                              clang::SourceLocation Loc,
                              llvm::StringRef Title) {
  if (!FixesInNotes) {
    for (const clang::FixItHint &H : Fix)
      D << H;
    return;
  }
  if (Fix.empty())
    return;
  {
    // Emits the finding now (the copy takes it over from D): its note must
    // follow it.
    const clang::DiagnosticBuilder Finding(D);
  }
  clang::DiagnosticBuilder Note = diag(Loc, "%0", clang::DiagnosticIDs::Note)
                                  << Title;
  for (const clang::FixItHint &H : Fix)
    Note << H;
}

std::string TaskleakCheck::regexOption(llvm::StringRef Name,
                                       llvm::StringRef Default) {
  std::string Value = Options.get(Name, Default).str();
  std::string Why;
  if (llvm::Regex(Value).isValid(Why))
    return Value;
  const std::string Text = "invalid configuration value '" + Value +
                           "' for option '" + getID().str() + "." + Name.str() +
                           "': not a regular expression (" + Why +
                           "); the option is ignored";
  configurationDiag("%0") << Text;
  ConfigErrors.push_back(Text);
  return "";
}

unsigned TaskleakCheck::unsignedOption(llvm::StringRef Name,
                                       llvm::StringRef Default) {
  return Options.get<unsigned>(Name, decimal(Default));
}

void TaskleakCheck::storeOptions(
    clang::tidy::ClangTidyOptions::OptionMap &Opts) {
  Options.store(Opts, "ModelFile", Options_.ModelFile);
  Options.store(Opts, "CallDepth", Options_.CallDepth);
}

/// A relative \p ModelFile that a committed .clang-tidy set is relative to
/// that file's directory (what a CMAKE_CXX_CLANG_TIDY build, run in the build
/// directory, and any run from elsewhere need): the .clang-tidy files that
/// apply to \p MainFile, nearest first (parents only through
/// InheritParentConfig, as clang-tidy reads them), are searched for the one
/// that gives this value to ModelFile or <check>.ModelFile. A value from the
/// command line (--config) or from clangd's configuration stays relative to
/// the working directory.
static std::string resolveModelFile(llvm::StringRef ModelFile,
                                    llvm::StringRef MainFile,
                                    llvm::StringRef CheckName) {
  if (ModelFile.empty() || llvm::sys::path::is_absolute(ModelFile))
    return ModelFile.str();
  const std::string Local = (CheckName + ".ModelFile").str();
  for (llvm::StringRef Dir = llvm::sys::path::parent_path(MainFile);
       !Dir.empty(); Dir = llvm::sys::path::parent_path(Dir)) {
    llvm::SmallString<256> Config(Dir);
    llvm::sys::path::append(Config, ".clang-tidy");
    if (!llvm::sys::fs::is_regular_file(Config))
      continue;
    auto Text = llvm::MemoryBuffer::getFile(Config);
    if (!Text)
      break;
    auto Parsed = clang::tidy::parseConfiguration(**Text);
    if (!Parsed)
      break; // clang-tidy reports it

    for (const std::string &Key : {Local, std::string("ModelFile")}) {
      auto It = Parsed->CheckOptions.find(Key);
      if (It != Parsed->CheckOptions.end() &&
          It->getValue().Value == ModelFile) {
        llvm::SmallString<256> Abs(Dir);
        llvm::sys::path::append(Abs, ModelFile);
        llvm::sys::path::remove_dots(Abs, /*remove_dot_dot=*/true);
        return std::string(Abs.str());
      }
    }
    if (!Parsed->InheritParentConfig.value_or(false))
      break;
  }
  return ModelFile.str();
}

Session &TaskleakCheck::session() {
  if (!Shared) {
    SessionOptions Opts = Options_;
    Opts.ModelFile =
        resolveModelFile(Opts.ModelFile, getCurrentMainFile(), getID());
    Shared = Session::acquire(TidyContext, getCurrentMainFile(), Opts);
  }
  return *Shared;
}

const Library *TaskleakCheck::library() {
  Session &S = session();
  if (const ModelError *Err = S.modelError(); Err && !ReportedModelError) {
    ReportedModelError = true;
    reportModelError(*Err);
  }
  return S.library();
}

TaskAnalysis &TaskleakCheck::analysis(clang::ASTContext &Ctx) {
  assert(library() && "callers check library() first");
  return session().analysis(Ctx);
}

StopAwareness &TaskleakCheck::stopAwareness(clang::ASTContext &Ctx) {
  assert(library() && "callers check library() first");
  return session().stopAwareness(Ctx);
}

/// Whether \p S's model error is yet to be shown: the first of the TU's
/// checks that share the session shows it, the others do not repeat it.
static bool firstToShow(const std::shared_ptr<Session> &S) {
  static std::mutex Mu;
  static std::vector<std::weak_ptr<Session>> Shown;
  const std::lock_guard<std::mutex> Lock(Mu);
  bool Found = false;
  for (auto It = Shown.begin(); It != Shown.end();) {
    if (It->expired()) {
      It = Shown.erase(It);
      continue;
    }
    Found |= !It->owner_before(S) && !S.owner_before(*It);
    ++It;
  }
  if (!Found)
    Shown.push_back(S);
  return !Found;
}

void TaskleakCheck::registerPPCallbacks(const clang::SourceManager &SM,
                                        clang::Preprocessor *,
                                        clang::Preprocessor *) {
  // A broken model is an error on the analysed file, at its first line: what
  // an editor shows (clangd drops a diagnostic without a location, which is
  // what configurationDiag makes). clang-tidy and the driver have stopped
  // with the error and status 2 by now (reportModelError in library()).
  if (ConfigErrorsInMainFile)
    for (const std::string &Text : ConfigErrors)
      diag(SM.getLocForStartOfFile(SM.getMainFileID()), "%0",
           clang::DiagnosticIDs::Error)
          << Text;
  const ModelError *Err = session().modelError();
  if (!Err || !firstToShow(Shared))
    return;
  diag(SM.getLocForStartOfFile(SM.getMainFileID()),
       "invalid taskleak model %0:%1:%2: %3; the taskleak checks find "
       "nothing in this file until it is fixed",
       clang::DiagnosticIDs::Error)
      << Err->File << Err->Line << Err->Column << Err->Message;
}

void TaskleakCheck::onEndOfTranslationUnit() {
  Shared.reset();
  ReportedModelError = false;
}

} // namespace taskleak
