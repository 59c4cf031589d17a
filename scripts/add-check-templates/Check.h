//===--- @CLASS@.h - taskleak @PAD_H@-*- C++ -*-===//
#ifndef TASKLEAK_CHECKS_@GUARD@_H
#define TASKLEAK_CHECKS_@GUARD@_H

#include "checks/TaskleakCheck.h"

namespace taskleak {

@SUMMARY_COMMENT@
///
/// For the user-facing documentation see: docs/checks/@NAME@.md
class @CLASS@ : public TaskleakCheck {
public:
  using TaskleakCheck::TaskleakCheck;
  void registerMatchers(clang::ast_matchers::MatchFinder *Finder) override;
  void check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;
};

} // namespace taskleak

#endif
