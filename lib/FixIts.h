//===--- FixIts.h - edits shared by the checks ------------------*- C++ -*-===//
#ifndef TASKLEAK_LIB_FIXITS_H
#define TASKLEAK_LIB_FIXITS_H

#include "clang/AST/ASTContext.h"
#include "clang/Basic/Diagnostic.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>

namespace taskleak {

using FixIts = llvm::SmallVector<clang::FixItHint, 4>;

/// Rewrites the header of an endless loop (`while (true)`, `for (;;)`,
/// `do ... while (true)`) to run while \p Token has no stop request. None when
/// the header is written in a macro or has init/increment parts.
std::optional<FixIts> stopRequestedLoopHeader(const clang::Stmt *Loop,
                                              llvm::StringRef Token);

/// The name of a std::stop_token/std::stop_source that the body of \p FD can
/// use: a named parameter, or a variable its lambda captures.
std::optional<std::string> stopTokenInScope(const clang::FunctionDecl *FD);

} // namespace taskleak

#endif
