//===--- WaitGroupMismatchCheck.h - taskleak -------------------*- C++ -*-===//
#ifndef TASKLEAK_CHECKS_WAITGROUPMISMATCHCHECK_H
#define TASKLEAK_CHECKS_WAITGROUPMISMATCHCHECK_H

#include "checks/TaskleakCheck.h"
#include "lib/WaitGroupCounts.h"

namespace taskleak {

/// Finds wait groups and latches whose counter cannot reach zero or races:
/// an add inside the task it counts, a done that some path skips, a constant
/// count that differs from the decrements, a task that waits on a group it
/// must still count down.
///
/// For the user-facing documentation see:
/// docs/checks/waitgroup-mismatch.md
class WaitGroupMismatchCheck : public TaskleakCheck {
public:
  using TaskleakCheck::TaskleakCheck;
  void registerMatchers(clang::ast_matchers::MatchFinder *Finder) override;
  void check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;

private:
  void report(const WaitGroupFindings &F, clang::ASTContext &Ctx);
  void reportMismatch(const WaitGroupFindings &F,
                      const WaitGroupFindings::CountMismatch &M);
};

} // namespace taskleak

#endif
