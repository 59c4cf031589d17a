//===--- ThreadUses.h - thread-object helpers, inside ---------*- C++ -*-===//
//
// What the three files behind lib/ThreadLifetime.h share (not a public
// header): ThreadLifetime.cpp defines these, ThreadJoins.cpp and
// ThreadDetach.cpp use them.
//
//===----------------------------------------------------------------------===//
#ifndef TASKLEAK_LIB_THREADUSES_H
#define TASKLEAK_LIB_THREADUSES_H

#include "lib/ThreadLifetime.h"

#include "clang/Basic/SourceManager.h"

namespace taskleak {
namespace threadlife {

/// Strips what does not change which object or construction an expression
/// denotes.
const clang::Expr *stripObject(const clang::Expr *E);

/// The construction of a thread with a task: a constructor of a thread class
/// with arguments that is not a copy or move.
const clang::CXXConstructExpr *startedThread(const clang::Expr *E,
                                             const Library &Lib);

/// `t.joinable()` on \p Var, possibly negated: the branch \p Taken of it
/// proves that the thread is not joinable.
bool provesNotJoinable(const clang::Expr *Cond, bool Taken,
                       const clang::ValueDecl *Var, const ThreadClass *Class);

/// Adds to \p T every use of \p D in \p Body (a lambda that captures a
/// local by reference is an escape).
void collectUses(const clang::ValueDecl *D, const clang::Stmt *Body,
                 const Library &Lib, clang::ASTContext &Ctx, ThreadObject &T);

/// Sorts the uses of \p T in source order.
void sortUses(ThreadObject &T, const clang::SourceManager &SM);

} // namespace threadlife
} // namespace taskleak

#endif
