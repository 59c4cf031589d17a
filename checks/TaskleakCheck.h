//===--- TaskleakCheck.h - what every taskleak check shares ----*- C++ -*-===//
//
// The options common to all checks (`ModelFile`, `CallDepth`) and access to
// the per-translation-unit Session (lib/Session.h) that every enabled check
// of the TU shares: the library models of the main file, the TaskAnalysis and
// the StopAwareness analysis. A check takes the session on first use and
// drops it at the end of the TU.
//
//===----------------------------------------------------------------------===//
#ifndef TASKLEAK_CHECKS_TASKLEAKCHECK_H
#define TASKLEAK_CHECKS_TASKLEAKCHECK_H

#include "lib/Library.h"
#include "lib/Session.h"
#include "lib/StopAwareness.h"
#include "lib/TaskAnalysis.h"

#include "clang-tidy/ClangTidyCheck.h"

#include <memory>
#include <string>
#include <vector>

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
  /// Shows a model error as an error on the main file (see the .cpp).
  void registerPPCallbacks(const clang::SourceManager &SM,
                           clang::Preprocessor *PP,
                           clang::Preprocessor *ModuleExpanderPP) override;

protected:
  /// The regular-expression option \p Name (check-local), \p Default when
  /// not set. An invalid one is a configuration error (configurationDiag;
  /// in taskleak-clangd also an error at the main file's first line) and
  /// counts as empty.
  std::string regexOption(llvm::StringRef Name, llvm::StringRef Default);
  /// The unsigned option \p Name (check-local), \p Default (the manifest's
  /// decimal string) when not set; clang-tidy reports a value that is not a
  /// number and uses the default.
  unsigned unsignedOption(llvm::StringRef Name, llvm::StringRef Default);

  /// Attaches the fix-it hints \p Fix to the finding \p D. In front ends
  /// that title a fix with its diagnostic's text (clangd: the whole finding,
  /// for a fix of several edits; see nameFixesInNotes()), they go instead on
  /// a note at \p Loc that says \p Title ("use std::jthread with a stop
  /// token"), right after the finding, as clang-tidy checks name a fix.
  /// Elsewhere they stay on the finding: clang-tidy's --fix (without
  /// --fix-notes), the driver's --fix and --export-fixes apply them there.
  void attachFix(clang::DiagnosticBuilder &D,
                 llvm::ArrayRef<clang::FixItHint> Fix,
                 clang::SourceLocation Loc, llvm::StringRef Title);

  /// The models for the current main file; null when they could not be
  /// loaded (the error has been reported).
  const Library *library();
  /// The shared analyses of the current AST; require library().
  TaskAnalysis &analysis(clang::ASTContext &Ctx);
  StopAwareness &stopAwareness(clang::ASTContext &Ctx);

private:
  Session &session();

  clang::tidy::ClangTidyContext *const TidyContext;
  const SessionOptions Options_;
  std::shared_ptr<Session> Shared;
  bool ReportedModelError = false;
  /// The configuration errors of this check's options, for
  /// showConfigurationErrorsInMainFile().
  std::vector<std::string> ConfigErrors;
};

/// For front ends that drop diagnostics without a location (clangd): the
/// checks' configuration errors are also shown at the main file's first line.
void showConfigurationErrorsInMainFile();

/// For front ends that show a fix under its diagnostic's text (clangd): each
/// check's fixes go on a note that names them (attachFix).
void nameFixesInNotes();

} // namespace taskleak

#endif
