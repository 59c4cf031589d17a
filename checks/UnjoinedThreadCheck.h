//===--- UnjoinedThreadCheck.h - taskleak ----------------------*- C++ -*-===//
#ifndef TASKLEAK_CHECKS_UNJOINEDTHREADCHECK_H
#define TASKLEAK_CHECKS_UNJOINEDTHREADCHECK_H

#include "checks/TaskleakCheck.h"

namespace taskleak {

/// Finds std::thread objects that can be destroyed while still joinable (a
/// local that some path takes out of its scope without a join, detach or move,
/// a private member that no member function joins, detaches or moves), so that
/// their destructor calls std::terminate.
///
/// For the user-facing documentation see: docs/checks/unjoined-thread.md
class UnjoinedThreadCheck : public TaskleakCheck {
public:
  UnjoinedThreadCheck(llvm::StringRef Name,
                      clang::tidy::ClangTidyContext *Context);
  void storeOptions(clang::tidy::ClangTidyOptions::OptionMap &Opts) override;
  void registerMatchers(clang::ast_matchers::MatchFinder *Finder) override;
  void check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;

private:
  /// Exits expanded from macros whose names match are not reported (a test
  /// framework's fatal assertions return from the test function).
  const std::string IgnoredExitMacros;
};

} // namespace taskleak

#endif
