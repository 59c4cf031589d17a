//===--- Manifest.h - the checks as data, read from Checks.def --*- C++ -*-===//
//
// What checks/Checks.def says about each check, for the code that lists the
// checks rather than runs them: --list-checks, the SARIF rules[] and the
// option defaults of the check constructors. It answers "what checks exist,
// what does each find, what are its options"; it knows nothing of how a check
// works, and nothing here is read from Markdown at run time.
//
//===----------------------------------------------------------------------===//
#ifndef TASKLEAK_CHECKS_MANIFEST_H
#define TASKLEAK_CHECKS_MANIFEST_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/raw_ostream.h"

#include <string>
#include <vector>

namespace taskleak {

/// One TASKLEAK_CHECK entry.
struct CheckInfo {
  llvm::StringRef Name;    ///< "taskleak-<name>"
  llvm::StringRef Summary; ///< one sentence, plain text
  bool HasFixIts;
};

/// One TASKLEAK_CHECK_OPTION or TASKLEAK_COMMON_OPTION entry.
struct CheckOptionInfo {
  llvm::StringRef Check; ///< "taskleak-<name>"; empty for a common option
  llvm::StringRef Name;
  llvm::StringRef Default;
  llvm::StringRef Doc;
};

/// Every check, sorted by name.
llvm::ArrayRef<CheckInfo> manifestChecks();

/// The entry of check \p Name ("taskleak-..."); null if it has none.
const CheckInfo *findCheck(llvm::StringRef Name);

/// Every option: the common ones first, then each check's own.
llvm::ArrayRef<CheckOptionInfo> manifestOptions();

/// Prints clang-tidy's "Enabled checks:" list of \p Enabled, each name
/// followed by its summary on an indented line (none for a name the manifest
/// does not know).
void printCheckList(llvm::raw_ostream &OS,
                    const std::vector<std::string> &Enabled);

/// The option defaults of the manifest, for the check constructors:
/// `Options.get("IgnoredExitMacros",
///              defaults::UnjoinedThreadCheck::IgnoredExitMacros)`.
namespace defaults {
#define TASKLEAK_CHECK_OPTION(Class, Option, Default, Doc)                     \
  namespace Class {                                                            \
  inline constexpr llvm::StringLiteral Option = Default;                       \
  }
#define TASKLEAK_COMMON_OPTION(Option, Default, Doc)                           \
  inline constexpr llvm::StringLiteral Option = Default;
#include "checks/Checks.def"
} // namespace defaults

} // namespace taskleak

#endif
