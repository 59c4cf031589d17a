//===--- LoopVariableCapturedByReferenceCheck.h - taskleak -----*- C++ -*-===//
#ifndef TASKLEAK_CHECKS_LOOPVARIABLECAPTUREDBYREFERENCECHECK_H
#define TASKLEAK_CHECKS_LOOPVARIABLECAPTUREDBYREFERENCECHECK_H

#include "checks/TaskleakCheck.h"

#include "llvm/ADT/DenseSet.h"

namespace taskleak {

/// Finds tasks spawned in a loop that refer by reference to a variable of one
/// iteration (a by-value range-for variable, a for induction variable, a local
/// of the loop body) when the iteration does not wait for the task, which can
/// then see a later value or a destroyed object.
///
/// For the user-facing documentation see:
/// docs/checks/loop-variable-captured-by-reference.md
class LoopVariableCapturedByReferenceCheck : public TaskleakCheck {
public:
  using TaskleakCheck::TaskleakCheck;
  void registerMatchers(clang::ast_matchers::MatchFinder *Finder) override;
  void check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;
  void onEndOfTranslationUnit() override;

private:
  /// (report location, variable) pairs already reported: a lambda variable
  /// spawned twice, a template instantiated twice.
  llvm::DenseSet<std::pair<unsigned, const void *>> Reported;
};

} // namespace taskleak

#endif
