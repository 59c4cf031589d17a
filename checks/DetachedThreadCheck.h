//===--- DetachedThreadCheck.h - taskleak ----------------------*- C++ -*-===//
#ifndef TASKLEAK_CHECKS_DETACHEDTHREADCHECK_H
#define TASKLEAK_CHECKS_DETACHEDTHREADCHECK_H

#include "checks/TaskleakCheck.h"

namespace taskleak {

/// Finds detach() calls that make a long-running thread unjoinable where that
/// is a leak or a shutdown hazard: inside a retry, reconnect or accept loop,
/// when the task uses 'this' or the spawner's locals by reference, or when the
/// detach gives up the last handle on a task that never ends.
///
/// For the user-facing documentation see: docs/checks/detached-thread.md
class DetachedThreadCheck : public TaskleakCheck {
public:
  DetachedThreadCheck(llvm::StringRef Name,
                      clang::tidy::ClangTidyContext *Context);
  void storeOptions(clang::tidy::ClangTidyOptions::OptionMap &Opts) override;
  void registerMatchers(clang::ast_matchers::MatchFinder *Finder) override;
  void check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;

private:
  /// Report every detach of a long-running task, also when its stop handle
  /// outlives the spawner (for teams that forbid detach).
  const bool ReportEveryLongRunning;
};

} // namespace taskleak

#endif
