//===--- LoopWithoutCancellationCheck.h - taskleak -------------*- C++ -*-===//
#ifndef TASKLEAK_CHECKS_LOOPWITHOUTCANCELLATIONCHECK_H
#define TASKLEAK_CHECKS_LOOPWITHOUTCANCELLATIONCHECK_H

#include "checks/TaskleakCheck.h"

#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/MapVector.h"

namespace taskleak {

/// Finds endless loops in task bodies (spawned callables, coroutines,
/// functions taking a std::stop_token) that reach no cancellation point, and
/// retry loops inside a stop-aware task's loop that never check its stop
/// handle.
///
/// For the user-facing documentation see:
/// docs/checks/loop-without-cancellation.md
class LoopWithoutCancellationCheck : public TaskleakCheck {
public:
  using TaskleakCheck::TaskleakCheck;
  void registerMatchers(clang::ast_matchers::MatchFinder *Finder) override;
  void check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;
  void onEndOfTranslationUnit() override;

private:
  struct Finding {
    const clang::FunctionDecl *Function = nullptr; ///< holds the loop
    const clang::Expr *Spawn = nullptr;            ///< may be null
  };
  void record(const clang::FunctionDecl *TaskFunction, const clang::Expr *Spawn,
              clang::ASTContext &Ctx);

  /// Loops inside a stop-aware task's loop that retry until an outside
  /// event and never consult the stop handle (lib/InnerLoops.h).
  void reportBlindInnerLoops(const Library &Lib, const clang::FunctionDecl *FD,
                             clang::ASTContext &Ctx);

  llvm::MapVector<const clang::Stmt *, Finding> Findings;
  llvm::DenseSet<clang::SourceLocation> ReportedInner;
  clang::ASTContext *Ctx = nullptr;
};

} // namespace taskleak

#endif
