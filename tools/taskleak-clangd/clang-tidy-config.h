//===--- clang-tidy-config.h - stand-in for LLVM's generated header --------===//
//
// clang-tidy/ClangTidyForceLinker.h includes "clang-tidy-config.h", which
// LLVM generates at build time and Debian's libclang-19-dev does not install.
// A quoted include looks next to ClangTidyForceLinker.h first, so this file is
// only used when the real one is missing. Debian's clang-tidy is built with
// the static analyzer; clangd defines CLANG_TIDY_DISABLE_STATIC_ANALYZER_CHECKS
// (and so do we, in CMakeLists.txt), which leaves the MPI module out, exactly
// like Debian's clangd.
//
//===----------------------------------------------------------------------===//
#ifndef TASKLEAK_CLANGD_CLANG_TIDY_CONFIG_H
#define TASKLEAK_CLANGD_CLANG_TIDY_CONFIG_H

#define CLANG_TIDY_ENABLE_STATIC_ANALYZER 1

#endif
