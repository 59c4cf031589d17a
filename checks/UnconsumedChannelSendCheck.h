//===--- UnconsumedChannelSendCheck.h - taskleak ---------------*- C++ -*-===//
#ifndef TASKLEAK_CHECKS_UNCONSUMEDCHANNELSENDCHECK_H
#define TASKLEAK_CHECKS_UNCONSUMEDCHANNELSENDCHECK_H

#include "checks/TaskleakCheck.h"
#include "lib/ChannelSends.h"

namespace taskleak {

/// Finds sends on a channel that may block forever because nobody will
/// receive them: nothing receives from the channel at all, or the function
/// that owns it can return without receiving what its tasks send.
///
/// For the user-facing documentation see:
/// docs/checks/unconsumed-channel-send.md
class UnconsumedChannelSendCheck : public TaskleakCheck {
public:
  using TaskleakCheck::TaskleakCheck;
  void registerMatchers(clang::ast_matchers::MatchFinder *Finder) override;
  void check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;

private:
  void report(const BlockedSends &F, const Library &Lib,
              clang::ASTContext &Ctx);
  void reportMember(const BlockedSends &F);
};

} // namespace taskleak

#endif
