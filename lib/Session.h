//===--- Session.h - what every check shares in one translation unit -*- C++ -*-===//
//
// One Session per translation unit and set of common options: the library
// models that apply to the main file, the memoising TaskAnalysis and the
// StopAwareness analysis of its AST, and the options every check shares
// (`ModelFile`, `CallDepth`). All enabled checks of a TU share one session,
// so each question is answered once per TU, whichever check asks it.
//
// Session::acquire() hands out the session of a scope (a clang-tidy context:
// one TU at a time), main file and options; it is thread-safe (clangd
// analyses files on several threads). The session lives as long as some
// check holds it; a check drops it at the end of the TU.
//
//===----------------------------------------------------------------------===//
#ifndef TASKLEAK_LIB_SESSION_H
#define TASKLEAK_LIB_SESSION_H

#include "lib/Library.h"
#include "lib/Models.h"
#include "lib/StopAwareness.h"
#include "lib/TaskAnalysis.h"

#include "clang/AST/ASTContext.h"
#include "llvm/ADT/StringRef.h"

#include <memory>
#include <optional>
#include <string>

namespace taskleak {

/// The options every check shares.
struct SessionOptions {
  /// The model file (`ModelFile`); empty: the nearest `.taskleak.yaml`.
  std::string ModelFile;
  /// How many levels of calls the analyses follow (`CallDepth`), at most
  /// MaxCallDepth.
  unsigned CallDepth = DefaultCallDepth;
};

class Session {
public:
  /// The session of \p Scope for \p MainFile and \p Options: the one some
  /// check already holds, or a new one (loading the models).
  static std::shared_ptr<Session> acquire(const void *Scope,
                                          llvm::StringRef MainFile,
                                          const SessionOptions &Options);

  Session(llvm::StringRef MainFile, const SessionOptions &Options);

  const SessionOptions &options() const { return Options; }
  unsigned callDepth() const { return Options.CallDepth; }

  /// The models for the main file; null when they could not be loaded.
  const Library *library() const { return Lib ? &*Lib : nullptr; }
  /// Why the models could not be loaded; null when they were.
  const ModelError *modelError() const { return Error ? &*Error : nullptr; }

  /// The analyses of the AST \p Ctx, created on first use (rebuilt when
  /// asked about another AST). Require library().
  TaskAnalysis &analysis(clang::ASTContext &Ctx);
  StopAwareness &stopAwareness(clang::ASTContext &Ctx);

private:
  SessionOptions Options;
  std::optional<Library> Lib;
  std::optional<ModelError> Error;
  clang::ASTContext *Ctx = nullptr;
  std::unique_ptr<TaskAnalysis> Analysis;
  std::unique_ptr<StopAwareness> Awareness;
};

} // namespace taskleak

#endif
