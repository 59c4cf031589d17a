//===--- CfgPaths.h - path search over a function's CFG --------*- C++ -*-===//
//
// "Is there a path from here to the exit (or to the end of a variable's
// scope) on which too little of something happens?" over Clang's CFG of one
// function: a path on which the statements passed total less than a needed
// credit (receives of a channel, count-downs of a wait group, joins of a
// thread). Limits: calls are not followed; of exceptions only `throw`
// statements are seen; loop conditions are not evaluated, except that a
// `for` with a constant non-zero trip count runs its first round.
//
//===----------------------------------------------------------------------===//
#ifndef TASKLEAK_LIB_CFGPATHS_H
#define TASKLEAK_LIB_CFGPATHS_H

#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/AST/Stmt.h"
#include "llvm/ADT/STLFunctionalExtras.h"

#include <optional>

namespace taskleak {

/// A credit that satisfies any need (a close of a channel, a receive in a
/// loop), and a need that only such a credit satisfies.
inline constexpr unsigned AllCredit = ~0u;

/// A path through a function to its exit.
struct ExitPath {
  /// The return or throw the path leaves by; null when it falls off the end.
  /// With PathSearchOptions::UntilScopeEndOf: the statement that ends the
  /// variable's scope on this path (a return, break, continue or goto, or
  /// the block whose closing brace the path reaches).
  const clang::Stmt *Exit = nullptr;
  /// With PathSearchOptions::LoopCredit: the break or return by which the
  /// path left a credited loop early (before its normal exit), if it did.
  const clang::Stmt *EarlyExit = nullptr;
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
  /// With UntilScopeEndOf: a path that leaves the function by a `throw`
  /// statement (one that no enclosing `try` of the function catches; the
  /// CFG leads the others to their handlers) leaves the variable's scope
  /// too: it counts, with the throw as its ExitPath::Exit.
  bool ThrowLeavesScope = false;
  /// With UntilScopeEndOf: when set and false for the statement that ends
  /// the scope on a path (see ExitPath::Exit), that path does not count.
  llvm::function_ref<bool(const clang::Stmt *Exit)> AcceptsExit;
  /// When set: the credit a loop statement gives on its normal exit edge
  /// (its condition found false, after all its rounds), e.g. a loop that
  /// receives once per round over a known trip count. A `break` or `return`
  /// out of such a loop leaves it without that credit (ExitPath::EarlyExit).
  llvm::function_ref<unsigned(const clang::Stmt *Loop)> LoopCredit;
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
