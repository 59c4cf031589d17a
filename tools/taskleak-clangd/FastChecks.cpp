//===--- FastChecks.cpp - the taskleak checks count as fast in clangd
//------===//
//
// clangd runs a clang-tidy check only when its built-in list (generated from
// clangd's own timings) says the check is fast, unless the configuration
// says `FastCheckFilter: Loose` or `None`. The taskleak checks are not on
// that list, so with clangd's default they would be enabled and silently
// never run. They are timed by bench/ (the driver's per-TU cost), so in our
// own clangd they count as fast: the link wraps clangd's
// isFastTidyCheck(llvm::StringRef) (-Wl,--wrap, see CMakeLists.txt; it is
// called from ParsedAST.cpp and ConfigCompile.cpp, defined in
// TidyProvider.cpp) and answers "fast" for the checks of the manifest; every
// other check gets clangd's own answer. Same symbol in clangd 19 and 22.
//
//===----------------------------------------------------------------------===//
#include "checks/Manifest.h"

#include "llvm/ADT/StringRef.h"

#include <optional>

#define TASKLEAK_REAL_IS_FAST                                                  \
  __real__ZN5clang6clangd15isFastTidyCheckEN4llvm9StringRefE
#define TASKLEAK_WRAP_IS_FAST                                                  \
  __wrap__ZN5clang6clangd15isFastTidyCheckEN4llvm9StringRefE

#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wreturn-type-c-linkage"
// The C++ function std::optional<bool> clang::clangd::isFastTidyCheck(
// llvm::StringRef) under its mangled name: same arguments and result.
// NOLINTBEGIN(readability-identifier-naming,bugprone-reserved-identifier)
extern "C" std::optional<bool> TASKLEAK_REAL_IS_FAST(llvm::StringRef Check);

extern "C" std::optional<bool> TASKLEAK_WRAP_IS_FAST(llvm::StringRef Check) {
  if (taskleak::findCheck(Check))
    return true;
  return TASKLEAK_REAL_IS_FAST(Check);
}
// NOLINTEND(readability-identifier-naming,bugprone-reserved-identifier)
#pragma clang diagnostic pop
