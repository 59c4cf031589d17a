//===--- BlockingWaitIgnoresStopTokenCheck.h - taskleak --------*- C++ -*-===//
#ifndef TASKLEAK_CHECKS_BLOCKINGWAITIGNORESSTOPTOKENCHECK_H
#define TASKLEAK_CHECKS_BLOCKINGWAITIGNORESSTOPTOKENCHECK_H

#include "checks/TaskleakCheck.h"
#include "lib/StopAwareness.h"

#include "llvm/ADT/DenseSet.h"

namespace taskleak {

/// Finds blocking waits and long sleeps in a task that has a stop token or a
/// stop flag which a stop request cannot wake (condition variables,
/// semaphores, futures, joins, latches, channel receives, sleeps), so the task
/// stays blocked after the stop request.
///
/// For the user-facing documentation see:
/// docs/checks/blocking-wait-ignores-stop-token.md
class BlockingWaitIgnoresStopTokenCheck : public TaskleakCheck {
public:
  BlockingWaitIgnoresStopTokenCheck(llvm::StringRef Name,
                                    clang::tidy::ClangTidyContext *Context);
  void storeOptions(clang::tidy::ClangTidyOptions::OptionMap &Opts) override;
  void registerMatchers(clang::ast_matchers::MatchFinder *Finder) override;
  void
  check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;
  void onEndOfTranslationUnit() override;

private:
  void reportFlagWaits(StopAwareness &Awareness, const clang::FunctionDecl *FD,
                       const FlagStopPath &P);
  void reportLongSleeps(StopAwareness &Awareness, const clang::FunctionDecl *FD,
                        const StopHandle *Handle, const FlagStopPath *Flag);
  const unsigned LongSleepMilliseconds;
  llvm::DenseSet<clang::SourceLocation> Reported;
};

} // namespace taskleak

#endif
