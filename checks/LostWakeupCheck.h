//===--- LostWakeupCheck.h - taskleak ---------------------------*- C++ -*-===//
#ifndef TASKLEAK_CHECKS_LOSTWAKEUPCHECK_H
#define TASKLEAK_CHECKS_LOSTWAKEUPCHECK_H

#include "checks/TaskleakCheck.h"
#include "lib/LostWakeup.h"

namespace taskleak {

/// Finds condition-variable wake-ups that can be lost: a wait condition written
/// without the waiter's mutex before the notify, a notify before the write, or
/// a notify_one on close when several threads wait.
///
/// For the user-facing documentation see: docs/checks/lost-wakeup.md
class LostWakeupCheck : public TaskleakCheck {
public:
  LostWakeupCheck(llvm::StringRef Name, clang::tidy::ClangTidyContext *Context);
  void storeOptions(clang::tidy::ClangTidyOptions::OptionMap &Opts) override;
  void registerMatchers(clang::ast_matchers::MatchFinder *Finder) override;
  void
  check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;

private:
  /// One diagnostic builder per kind of finding (lib/LostWakeup.h); each
  /// warns with its notes and fix-it.
  void reportWriteWithoutMutex(const LostWakeupFinding &F);
  void reportNotifyBeforeWrite(const LostWakeupFinding &F);
  void reportNeverNotified(const LostWakeupFinding &F);
  void reportNotifyOneOnClose(const LostWakeupFinding &F);
  void noteWaiter(const LostWakeupFinding &F);

  const bool TimedWaits;
};

} // namespace taskleak

#endif
