//===--- Expressions.h - looking through expression wrappers ----*- C++ -*-===//
//
// Clang wraps the expressions the analyses care about (a callable, a thread
// object, an awaited operand) in parentheses, implicit casts, temporaries and
// cleanups. One helper looks through them, so that every analysis agrees on
// which expression "is" the value.
//
//===----------------------------------------------------------------------===//

#ifndef TASKLEAK_LIB_EXPRESSIONS_H
#define TASKLEAK_LIB_EXPRESSIONS_H

#include "clang/AST/Expr.h"

namespace taskleak {

/// What ignoreWrappers() looks through besides parentheses, implicit casts,
/// ExprWithCleanups, MaterializeTemporaryExpr and CXXBindTemporaryExpr.
enum WrapperKinds : unsigned {
  OnlyTemporaries = 0,
  FunctionalCasts = 1u << 0,   ///< `T(x)`
  ExplicitCasts = 1u << 1,     ///< static_cast, C-style casts, `T(x)`
  CopyConstructions = 1u << 2, ///< a copy or move constructor's argument
};

/// The expression \p E denotes once the wrappers in \p Kinds (and always
/// parentheses, implicit casts and temporaries) are looked through.
const clang::Expr *ignoreWrappers(const clang::Expr *E,
                                  unsigned Kinds = OnlyTemporaries);

} // namespace taskleak

#endif
