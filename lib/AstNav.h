//===--- AstNav.h - walking the AST: loops, ways out, ancestors -*- C++ -*-===//
//
// The AST navigation every analysis shares, so that they agree on what a loop
// is, what leaves it, and whether one statement is inside another:
//  * loop kinds: a loop statement, a loop that repeats (`do ... while (0)`,
//    a macro's statement wrapper, does not), an open-ended loop (runs until
//    something happens rather than a counted number of times);
//  * the ways out of a loop, with the `if` branches that lead to each;
//  * parents through the ASTContext's parent map (the first parent in a
//    template instantiation), the enclosing function, "is X inside Y";
//  * one statement walk (pre-order, into lambdas or not, stoppable) for
//    every "is there a statement under S that ..." question;
//  * whether a source location can carry a fix-it (written in a file, not a
//    macro expansion).
// Syntactic only: no CFG, no values beyond constant folding.
//
//===----------------------------------------------------------------------===//
#ifndef TASKLEAK_LIB_ASTNAV_H
#define TASKLEAK_LIB_ASTNAV_H

#include "clang/AST/ASTContext.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/ParentMapContext.h"
#include "clang/AST/Stmt.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/SmallVector.h"

#include <cstdint>

namespace taskleak {

// --- Walking statements ----------------------------------------------------

/// Whether a statement walk goes inside lambda expressions. With Skip, the
/// LambdaExpr itself is visited but nothing under it (its captures'
/// initializers and its body run elsewhere: a task, a predicate, a callback).
enum class LambdaBodies : std::uint8_t { Enter, Skip };

/// What the visitor of walkStmts asks for after a statement.
enum class WalkStep : std::uint8_t {
  Continue,     ///< go on, into the statement's children
  SkipChildren, ///< go on, but not into this statement's children
  Stop,         ///< end the walk
};

/// Visits \p S and every statement under it in pre-order, children in
/// source order, null children left out. Iterative: a deep expression does
/// not exhaust the stack. Returns true when \p F stopped the walk.
bool walkStmts(const clang::Stmt *S,
               llvm::function_ref<WalkStep(const clang::Stmt *)> F,
               LambdaBodies Lambdas = LambdaBodies::Enter);

/// Whether \p P holds for \p S or a statement under it (in the order of
/// walkStmts; the first that holds ends the walk).
bool anyStmt(const clang::Stmt *S,
             llvm::function_ref<bool(const clang::Stmt *)> P,
             LambdaBodies Lambdas = LambdaBodies::Enter);

/// Calls \p F on \p S and every statement under it (in the order of
/// walkStmts).
void forEachStmt(const clang::Stmt *S,
                 llvm::function_ref<void(const clang::Stmt *)> F,
                 LambdaBodies Lambdas = LambdaBodies::Enter);

// --- Loops -----------------------------------------------------------------

/// A loop statement: `while`, `do`, `for`, range-`for`.
bool isLoop(const clang::Stmt *S);

/// A loop that may run its body more than once: any loop statement except
/// `do ... while (C)` where C folds to false (a macro's statement wrapper).
bool isRepeatingLoop(const clang::Stmt *S, const clang::ASTContext &Ctx);

/// A repeating loop that runs until something happens, not a counted number
/// of times: `while`, `do`, or a `for` without a condition or an increment
/// (a retry or accept loop). Range-for is counted.
bool isOpenEndedLoop(const clang::Stmt *S, const clang::ASTContext &Ctx);

/// The body of a loop statement; null for anything else.
const clang::Stmt *loopBody(const clang::Stmt *Loop);

/// The condition of a `while`, `do` or `for`; null when it has none, when it
/// declares a variable, or for a range-for.
const clang::Expr *loopCondition(const clang::Stmt *Loop);

/// Whether \p C folds to the constant \p Value (never for dependent code).
bool foldsTo(const clang::Expr *C, bool Value, const clang::ASTContext &Ctx);

/// A `while`/`do`/`for` whose condition is absent (`for (;;)`) or folds to
/// true. Not a range-for, not a condition that declares a variable.
bool hasConstantTrueCondition(const clang::Stmt *Loop,
                              const clang::ASTContext &Ctx);

// --- Ways out of a loop ----------------------------------------------------

/// One `if` branch on the way from a loop down to a statement in it.
struct BranchStep {
  const clang::IfStmt *If = nullptr;
  bool Then = true; ///< the then branch (else: the else branch)
};

/// Whether a noreturn call ends the whole process (abort, exit, assert's
/// failure branch) rather than leaving the loop; null: none does.
using EndsProcessFn = llvm::function_ref<bool(const clang::CallExpr *)>;

/// Calls \p F for every way out of \p Loop: a `break` of this loop (not of a
/// nested loop or switch), `return`, `co_return`, `throw`, an indirect goto,
/// a `goto` to a label outside the loop, a call to a noreturn function that
/// \p EndsProcess does not say ends the process. The `if` branches between
/// the loop and the way out (outermost first) are passed with it. Nested
/// lambdas are not searched (a return there leaves the lambda), except their
/// capture initializers; of a co_await/co_yield only the operand is. Stops
/// and returns true as soon as \p F returns true.
bool forEachWayOut(const clang::Stmt *Loop,
                   llvm::function_ref<bool(const clang::Stmt *WayOut,
                                           llvm::ArrayRef<BranchStep> Branches)>
                       F,
                   EndsProcessFn EndsProcess = nullptr);

/// Whether \p Loop has any way out (see forEachWayOut).
bool hasWayOut(const clang::Stmt *Loop, EndsProcessFn EndsProcess = nullptr);

/// A call to a noreturn function (declared so, or through a pointer to a
/// noreturn function type).
bool isNoReturnCall(const clang::CallExpr *Call);

// --- Parents and ancestors -------------------------------------------------

/// The parent of \p N (the first one in a template instantiation); a null
/// node at the top.
clang::DynTypedNode parentOf(const clang::DynTypedNode &N,
                             clang::ASTContext &Ctx);
template <typename T>
clang::DynTypedNode parentOf(const T &N, clang::ASTContext &Ctx) {
  return parentOf(clang::DynTypedNode::create(N), Ctx);
}

/// Nodes that end a walk up the tree: what is inside them runs at another
/// time (a lambda, a function, a block, a captured statement).
bool isFunctionBoundary(const clang::DynTypedNode &N);

/// The function (or lambda call operator) whose body holds \p S; with
/// \p Chain, the statements from \p S's parent up to that body.
const clang::FunctionDecl *
enclosingFunction(const clang::Stmt *S, clang::ASTContext &Ctx,
                  llvm::SmallVectorImpl<const clang::Stmt *> *Chain = nullptr);

/// Whether \p Inner is \p Outer or inside it, within one function (the walk
/// up from \p Inner stops at the function, not at lambdas).
bool isInside(const clang::Stmt *Inner, const clang::Stmt *Outer,
              clang::ASTContext &Ctx);

// --- Source locations ------------------------------------------------------

/// A location written in a file (valid, not inside a macro expansion): where
/// a fix-it may edit.
inline bool inFile(clang::SourceLocation L) {
  return L.isValid() && L.isFileID();
}

} // namespace taskleak

#endif
