//===--- DetachedThreadCheck.h - taskleak ----------------------*- C++ -*-===//
#ifndef TASKLEAK_CHECKS_DETACHEDTHREADCHECK_H
#define TASKLEAK_CHECKS_DETACHEDTHREADCHECK_H

#include "checks/TaskleakCheck.h"

namespace taskleak {

/// Finds detach() calls that make a long-running thread unjoinable where that
/// is a leak or a shutdown hazard: inside a retry, reconnect or accept loop, or
/// when the task uses 'this' or the spawner's locals by reference.
///
/// For the user-facing documentation see: docs/checks/detached-thread.md
class DetachedThreadCheck : public TaskleakCheck {
public:
  using TaskleakCheck::TaskleakCheck;
  void registerMatchers(clang::ast_matchers::MatchFinder *Finder) override;
  void check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;
};

} // namespace taskleak

#endif
