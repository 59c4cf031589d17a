//===--- BlockingWaitIgnoresStopTokenCheck.h - taskleak --------*- C++ -*-===//
#ifndef TASKLEAK_CHECKS_BLOCKINGWAITIGNORESSTOPTOKENCHECK_H
#define TASKLEAK_CHECKS_BLOCKINGWAITIGNORESSTOPTOKENCHECK_H

#include "checks/TaskleakCheck.h"
#include "lib/StopAwareness.h"

#include "llvm/ADT/DenseSet.h"

namespace taskleak {

/// Finds blocking waits in a task that has a stop token which a stop request
/// cannot wake (condition variables, semaphores, futures, joins, latches,
/// channel receives), so the task stays blocked after request_stop().
///
/// For the user-facing documentation see:
/// docs/checks/blocking-wait-ignores-stop-token.md
class BlockingWaitIgnoresStopTokenCheck : public TaskleakCheck {
public:
  using TaskleakCheck::TaskleakCheck;
  void registerMatchers(clang::ast_matchers::MatchFinder *Finder) override;
  void
  check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;
  void onEndOfTranslationUnit() override;

private:
  void reportFlagWaits(StopAwareness &Awareness, const clang::FunctionDecl *FD,
                       const FlagStopPath &P);
  llvm::DenseSet<clang::SourceLocation> Reported;
};

} // namespace taskleak

#endif
