//===--- InnerLoops.cpp - inner loops that cannot see a stop request ------===//
#include "lib/InnerLoops.h"

#include "lib/AstNav.h"
#include "lib/Expressions.h"
#include "lib/TaskBody.h"

#include "clang/AST/DeclCXX.h"
#include "clang/AST/Expr.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/StmtCXX.h"
#include "llvm/ADT/DenseSet.h"

using namespace clang;

namespace taskleak {
namespace {

bool refersTo(const Stmt *S, const ValueDecl *D) {
  if (const auto *Ref = dyn_cast<DeclRefExpr>(S))
    return Ref->getDecl() == D;
  if (const auto *ME = dyn_cast<MemberExpr>(S))
    return ME->getMemberDecl() == D;
  return false;
}

const Expr *conditionOf(const Stmt *Loop) {
  if (const auto *W = dyn_cast<WhileStmt>(Loop))
    return W->getCond();
  if (const auto *D = dyn_cast<DoStmt>(Loop))
    return D->getCond();
  if (const auto *F = dyn_cast<ForStmt>(Loop))
    return F->getCond();
  return nullptr;
}

class InnerLoopFinder {
public:
  InnerLoopFinder(TaskAnalysis &TA, const Stmt *Outer, const ValueDecl *Handle)
      : TA(TA), Lib(TA.library()), Outer(Outer), Handle(Handle) {}

  llvm::SmallVector<BlindInnerLoop, 1> run() {
    for (const Stmt *Child : Outer->children())
      visit(Child, 0);
    return std::move(Out);
  }

private:
  // Statements of the stop-aware loop and of the functions it calls.
  void visit(const Stmt *S, unsigned Depth) {
    if (!S || isa<LambdaExpr>(S))
      return; // a lambda made here runs as a task of its own, or later
    if (isLoop(S) && isBlind(S)) {
      Out.push_back({S, Outer});
      return; // its own inner loops are part of the same finding
    }
    if (const auto *Call = dyn_cast<CallExpr>(S))
      if (const FunctionDecl *Def = followable(Call, Depth))
        if (Followed.insert(Def).second)
          visit(userBody(Def), Depth + 1);
    for (const Stmt *Child : S->children())
      visit(Child, Depth);
  }

  const FunctionDecl *followable(const CallExpr *Call, unsigned Depth) const {
    const FunctionDecl *Callee = Call->getDirectCallee();
    if (!Callee || Depth >= TA.callDepth() || !TA.isAnalysable(Callee))
      return nullptr;
    return Callee->getDefinition();
  }

  bool isBlind(const Stmt *Loop) {
    if (isa<CXXForRangeStmt>(Loop))
      return false; // over a range: bounded
    if (const auto *F = dyn_cast<ForStmt>(Loop); F && F->getInc())
      return false; // counted
    const bool ConstantTrue = TA.hasConstantTrueCondition(Loop);
    if (ConstantTrue && !TA.hasWayOut(Loop))
      return false; // endless: loop-without-cancellation's first rule
    if (!ConstantTrue && !conditionFromOutside(Loop))
      return false; // only counters it steps decide
    return sleeps(Loop, 0) && !consults(Loop);
  }

  // Whether the loop's condition reads something that only the outside
  // world changes: a call's result, state that outlives the function (a
  // member, a global, a reference), or a local the loop sets from a call.
  bool conditionFromOutside(const Stmt *Loop) const {
    const Expr *Cond = conditionOf(Loop);
    if (!Cond)
      return true;
    return anyStmt(Cond, [&](const Stmt *S) {
      if (isa<CallExpr>(S) && !isa<CXXOperatorCallExpr>(S))
        return true;
      if (isa<MemberExpr>(S) &&
          isa<FieldDecl>(cast<MemberExpr>(S)->getMemberDecl()))
        return true;
      if (const auto *Ref = dyn_cast<DeclRefExpr>(S))
        if (const auto *V = dyn_cast<VarDecl>(Ref->getDecl()))
          return !V->hasLocalStorage() || V->getType()->isReferenceType() ||
                 setFromCall(Loop, V);
      return false;
    });
  }

  // `V = f(...)` (or `V = g(f(...))`) somewhere in the loop.
  static bool setFromCall(const Stmt *Loop, const VarDecl *V) {
    auto HasCall = [](const Stmt *S) {
      return anyStmt(S, [](const Stmt *X) {
        return isa<CallExpr>(X) && !isa<CXXOperatorCallExpr>(X);
      });
    };
    return anyStmt(Loop, [&](const Stmt *S) {
      const Expr *LHS = nullptr, *RHS = nullptr;
      if (const auto *BO = dyn_cast<BinaryOperator>(S);
          BO && BO->isAssignmentOp()) {
        LHS = BO->getLHS();
        RHS = BO->getRHS();
      } else if (const auto *OC = dyn_cast<CXXOperatorCallExpr>(S);
                 OC && OC->isAssignmentOp() && OC->getNumArgs() == 2) {
        LHS = OC->getArg(0);
        RHS = OC->getArg(1);
      }
      if (!LHS)
        return false;
      const auto *Ref = dyn_cast<DeclRefExpr>(LHS->IgnoreParenImpCasts());
      return Ref && Ref->getDecl() == V && HasCall(RHS);
    });
  }

  // The loop (or a function it calls) sleeps.
  bool sleeps(const Stmt *S, unsigned Depth) {
    return anyStmt(
        S,
        [&](const Stmt *X) {
          const auto *Call = dyn_cast<CallExpr>(X);
          if (!Call)
            return false;
          if (Lib.sleepModel(Call))
            return true;
          const FunctionDecl *Def = followable(Call, Depth);
          return Def && sleeps(userBody(Def), Depth + 1);
        },
        LambdaBodies::Skip);
  }

  // The loop reads the handle or reaches a cancellation point, directly or
  // in the functions it calls.
  bool consults(const Stmt *Loop) {
    if (TA.reachesCancellationPoint(Loop, CancelMode::AwaitCancels))
      return true;
    llvm::DenseSet<const FunctionDecl *> Seen;
    return readsHandle(Loop, 0, Seen);
  }

  // \p S, or a function it calls (each once), refers to the handle.
  bool readsHandle(const Stmt *S, unsigned Depth,
                   llvm::DenseSet<const FunctionDecl *> &Seen) {
    return anyStmt(S, [&](const Stmt *X) {
      if (refersTo(X, Handle))
        return true;
      const auto *Call = dyn_cast<CallExpr>(X);
      const FunctionDecl *Def = Call ? followable(Call, Depth) : nullptr;
      return Def && Seen.insert(Def).second &&
             readsHandle(userBody(Def), Depth + 1, Seen);
    });
  }

  TaskAnalysis &TA;
  const Library &Lib;
  const Stmt *Outer;
  const ValueDecl *Handle;
  llvm::DenseSet<const FunctionDecl *> Followed;
  llvm::SmallVector<BlindInnerLoop, 1> Out;
};

} // namespace

llvm::SmallVector<BlindInnerLoop, 1>
blindInnerLoops(TaskAnalysis &TA, const Stmt *Outer, const ValueDecl *Handle) {
  if (!Outer || !Handle)
    return {};
  return InnerLoopFinder(TA, Outer, Handle).run();
}

const Expr *handleCheckIn(const Stmt *Outer, const ValueDecl *Handle) {
  const Expr *Found = nullptr;
  auto Look = [&](const Stmt *S) {
    anyStmt(
        S,
        [&](const Stmt *X) {
          if (refersTo(X, Handle))
            Found = cast<Expr>(X);
          return Found != nullptr;
        },
        LambdaBodies::Skip);
  };
  Look(conditionOf(Outer));
  if (!Found)
    Look(Outer);
  return Found;
}

} // namespace taskleak
