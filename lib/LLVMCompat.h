//===--- LLVMCompat.h - the differences between LLVM/Clang 19 and 22 -*- C++ -*-===//
//
// taskleak builds against LLVM/Clang 19 (the default) or 22
// (-DTASKLEAK_LLVM_MAJOR=22, `make LLVM=22`). Every API difference between
// the two that our sources meet is here, behind CLANG_VERSION_MAJOR, so the
// rest of the tree has no version #if:
//
//  * clang-tidy's module registry: clang-tidy/ClangTidyModuleRegistry.h in
//    19; in 22 that header is deprecated (a #warning) and the registry is in
//    clang-tidy/ClangTidyModule.h.
//  * the resource directory clang derives from a binary's location:
//    clang::CompilerInvocation::GetResourcesPath in 19,
//    clang::GetResourcesPath (clang/Options/OptionUtils.h) in 22.
//
// Include it only where one of these is used (it pulls in clang-tidy and
// frontend headers).
//
//===----------------------------------------------------------------------===//
#ifndef TASKLEAK_LIB_LLVMCOMPAT_H
#define TASKLEAK_LIB_LLVMCOMPAT_H

#include "clang/Basic/Version.h"

#include <string>

#if CLANG_VERSION_MAJOR >= 22
#include "clang-tidy/ClangTidyModule.h"
#include "clang/Options/OptionUtils.h"
#else
#include "clang-tidy/ClangTidyModule.h"
#include "clang-tidy/ClangTidyModuleRegistry.h"
#include "clang/Frontend/CompilerInvocation.h"
#endif

namespace taskleak::compat {

/// The resource directory clang (and clangd) derive from the binary \p Argv0.
inline std::string resourcesPath(const char *Argv0, void *MainAddr) {
#if CLANG_VERSION_MAJOR >= 22
  return clang::GetResourcesPath(Argv0, MainAddr);
#else
  return clang::CompilerInvocation::GetResourcesPath(Argv0, MainAddr);
#endif
}

} // namespace taskleak::compat

#endif
