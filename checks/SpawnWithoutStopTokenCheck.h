//===--- SpawnWithoutStopTokenCheck.h - taskleak ---------------*- C++ -*-===//
#ifndef TASKLEAK_CHECKS_SPAWNWITHOUTSTOPTOKENCHECK_H
#define TASKLEAK_CHECKS_SPAWNWITHOUTSTOPTOKENCHECK_H

#include "checks/TaskleakCheck.h"

namespace taskleak {

/// Finds spawns whose task runs an endless loop and receives no stop token or
/// other cancellation handle, so nothing can ever ask it to stop.
///
/// For the user-facing documentation see:
/// docs/checks/spawn-without-stop-token.md
class SpawnWithoutStopTokenCheck : public TaskleakCheck {
public:
  using TaskleakCheck::TaskleakCheck;
  void registerMatchers(clang::ast_matchers::MatchFinder *Finder) override;
  void check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;
};

} // namespace taskleak

#endif
