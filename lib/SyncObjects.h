//===--- SyncObjects.h - channels and wait groups a function owns -*- C++ -*-===//
//
// A channel or wait group that is a local variable of a function, and all
// that happens to it there and in the tasks the function starts: which tasks
// use it (by-reference lambda capture, or std::ref/& bound to a parameter of a
// task function), how many times each task is started, every member call on
// it with its context (loop, branch), and whether it escapes to code we cannot
// see (then the checks say nothing).
//
//===----------------------------------------------------------------------===//
#ifndef TASKLEAK_LIB_SYNCOBJECTS_H
#define TASKLEAK_LIB_SYNCOBJECTS_H

#include "lib/Library.h"
#include "lib/TaskBody.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/ExprCXX.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>

namespace taskleak {

/// A task started by the owner that uses the object.
struct SyncTask {
  SpawnSite Site;
  /// Every spawn that starts this same body (a lambda variable or a task
  /// function started twice); Site is the first of them.
  llvm::SmallVector<const clang::Expr *, 2> Spawns;
  /// How many times the body runs, over all its spawns: 1, a constant trip
  /// count, or 0 when it is not statically known (a loop without constant
  /// bounds, a branch).
  unsigned Instances = 1;
};

/// A member call on the object.
struct SyncOp {
  enum Where { InOwner = -1, InOtherLambda = -2 };
  const clang::CXXMemberCallExpr *Call = nullptr;
  llvm::StringRef Method;
  const clang::FunctionDecl *Function = nullptr; ///< the function holding it
  int Task = InOwner; ///< index into SyncObject::Tasks, or a Where
  bool InLoop = false;      ///< inside a loop of its function
  bool Conditional = false; ///< inside a branch of its function
};

struct SyncObject {
  const clang::VarDecl *Var = nullptr;
  const clang::FunctionDecl *Owner = nullptr;
  bool Escapes = false;
  llvm::SmallVector<SyncTask, 4> Tasks;
  llvm::SmallVector<SyncOp, 8> Ops;
};

/// Collects the facts about local variable \p Var. None when \p Var is not a
/// local of a function with a body.
std::optional<SyncObject> analyzeSyncObject(const clang::VarDecl *Var,
                                            const Library &Lib,
                                            clang::ASTContext &Ctx);

/// The trip count of a loop with constant bounds (`for (int i = 0; i < 4;
/// ++i)`, a range-for over an array of known size); none otherwise.
std::optional<uint64_t> constantTripCount(const clang::Stmt *Loop,
                                          clang::ASTContext &Ctx);

/// An integer constant, if \p E folds to one.
std::optional<int64_t> integerConstant(const clang::Expr *E,
                                       const clang::ASTContext &Ctx);

/// A path through a function to its exit.
struct ExitPath {
  /// The return or throw the path leaves by; null when it falls off the end.
  /// With PathSearchOptions::UntilScopeEndOf: the statement that ends the
  /// variable's scope on this path (a return, break, continue or goto, or
  /// the block whose closing brace the path reaches).
  const clang::Stmt *Exit = nullptr;
};

/// What a path search looks for, beyond the defaults of
/// findPathWithoutCredit.
struct PathSearchOptions {
  /// See findPathWithoutCredit.
  bool LoopsRunOnce = false;
  /// When set, a path ends where this local variable goes out of scope (its
  /// implicit destructor in the CFG: a return, break, continue or goto out
  /// of its block, or the end of the block) instead of at the function's
  /// exit; a path that reaches the exit without leaving the scope that way
  /// (a throw) does not count. The CFG is then built with every expression
  /// as an element, so that \p From may be any expression.
  const clang::VarDecl *UntilScopeEndOf = nullptr;
  /// When set, taking branch \p Taken of the condition \p Cond makes the
  /// credit unnecessary on that path (e.g. the false branch of
  /// `t.joinable()`: a thread that is not joinable needs no join).
  llvm::function_ref<bool(const clang::Expr *Cond, bool Taken)> SettlesBranch;
  /// With UntilScopeEndOf: when set and false for the statement that ends
  /// the scope on a path (see ExitPath::Exit), that path does not count.
  llvm::function_ref<bool(const clang::Stmt *Exit)> AcceptsExit;
};

/// Searches the CFG of \p Fn for a path from just after \p From (a statement
/// of the body; null: the entry) to the exit on which the statements passed
/// total less than \p Needed credit; \p Credit gives each statement's credit
/// (e.g. 1 per receive, Needed or more for a close). A `for` loop with a
/// constant non-zero trip count that contains a credited statement never
/// takes its exit edge (its first round runs; the CFG does not know that
/// `i < 3` holds for `i = 0`); with \p LoopsRunOnce, any such loop.
/// Returns the first such path found, if any.
std::optional<ExitPath>
findPathWithoutCredit(const clang::FunctionDecl *Fn, const clang::Stmt *From,
                      unsigned Needed,
                      llvm::function_ref<unsigned(const clang::Stmt *)> Credit,
                      clang::ASTContext &Ctx, bool LoopsRunOnce = false);

/// The same search with more options (a variable's scope end instead of the
/// function's exit, branches that settle the need).
std::optional<ExitPath>
findPathWithoutCredit(const clang::FunctionDecl *Fn, const clang::Stmt *From,
                      unsigned Needed,
                      llvm::function_ref<unsigned(const clang::Stmt *)> Credit,
                      clang::ASTContext &Ctx, const PathSearchOptions &Options);

} // namespace taskleak

#endif
