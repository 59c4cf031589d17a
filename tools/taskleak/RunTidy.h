//===--- RunTidy.h - clang-tidy's engine over the project's own code -*- C++ -*-===//
//
// runClangTidy() with one difference: the AST matchers (and Clang's parent
// map, which some analyses consult) cover only the declarations outside
// system headers. taskleak's checks never look at system-header code, so
// the findings are the same; the matchers and the parent map no longer walk
// every node of <thread>, <future>, Boost or Asio. This is what clangd does
// for its clang-tidy checks (the main file's declarations only) and what
// clang-tidy itself does by default from LLVM 21 on.
//
//===----------------------------------------------------------------------===//
#ifndef TASKLEAK_TOOLS_TASKLEAK_RUNTIDY_H
#define TASKLEAK_TOOLS_TASKLEAK_RUNTIDY_H

#include "clang-tidy/ClangTidy.h"
#include "clang/Tooling/CompilationDatabase.h"
#include "llvm/Support/VirtualFileSystem.h"

#include <string>
#include <vector>

namespace taskleak {

std::vector<clang::tidy::ClangTidyError>
runTaskleakTidy(clang::tidy::ClangTidyContext &Context,
                const clang::tooling::CompilationDatabase &Compilations,
                llvm::ArrayRef<std::string> InputFiles,
                llvm::IntrusiveRefCntPtr<llvm::vfs::OverlayFileSystem> BaseFS,
                bool ApplyAnyFix);

} // namespace taskleak

#endif
