//===--- VariableUses.h - what a use of a variable does to it --*- C++ -*-===//
//
// Questions about one use of a local variable, shared by the loop-capture
// analysis and its fix-its: every reference to a declaration in a statement,
// whether a use reads or writes the object (or neither: an unevaluated
// operand, an address compared), whether a copy of a type can be made, and
// which declaration an expression denotes an object of (`threads[i]`,
// `p->x`, `std::move(t)`). Syntactic: no aliasing, no data flow.
//
//===----------------------------------------------------------------------===//
#ifndef TASKLEAK_LIB_VARIABLEUSES_H
#define TASKLEAK_LIB_VARIABLEUSES_H

#include "clang/AST/ASTContext.h"
#include "clang/AST/Expr.h"
#include "llvm/ADT/STLFunctionalExtras.h"

namespace taskleak {

class Library;

/// Calls \p F on every DeclRefExpr to \p D in \p S, nested lambdas
/// included. A nested lambda's plain captures (`[&u]`, `[u]`) are not uses of
/// their own: its body names what it uses; init-captures
/// (`[x = std::move(u)]`) are.
void forEachRef(const clang::Stmt *S, const clang::ValueDecl *D,
                llvm::function_ref<void(const clang::DeclRefExpr *)> F);

/// A use that neither reads nor writes the object: an unevaluated operand, a
/// constant, or its address compared with another.
bool isHarmlessUse(const clang::DeclRefExpr *DRE, clang::ASTContext &Ctx);

/// The first use of \p D in \p S that reads or writes it.
const clang::DeclRefExpr *firstRealUse(const clang::Stmt *S,
                                       const clang::ValueDecl *D,
                                       clang::ASTContext &Ctx);

/// Whether the lvalue \p E (a use of a variable) is only read: converted to
/// an rvalue, bound to a const reference or by-value parameter, the object of
/// a const member function, a non-mutable field that is only read, an
/// unevaluated operand.
bool isReadOnlyUse(const clang::Expr *E, clang::ASTContext &Ctx);

/// Whether a copy of an object of type \p T can be made by a by-value lambda
/// capture or a decay-copy: scalars and trivially copyable types, classes
/// with an accessible, non-deleted copy constructor taking a const
/// reference. Arrays and volatile types are not.
bool isCopyable(clang::QualType T);

/// `std::ref(x)`, `std::cref(x)`, `boost::ref(x)`, `boost::cref(x)`.
bool isRefWrapperCall(const clang::CallExpr *Call, const Library &Lib);

/// The declaration an expression denotes an object of: `t`, `threads[i]`,
/// `threads.back()`, `*p`, `p->`, `this->workers_` (the field), `conn.thread`
/// (`conn`), through std::move/forward/ref and address-of.
const clang::ValueDecl *baseDecl(const clang::Expr *E, const Library &Lib);

} // namespace taskleak

#endif
