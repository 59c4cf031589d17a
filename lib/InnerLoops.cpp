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

#include <functional>

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
    bool Outside = false;
    std::function<void(const Stmt *)> Look = [&](const Stmt *S) {
      if (!S || Outside)
        return;
      if (isa<CallExpr>(S) && !isa<CXXOperatorCallExpr>(S))
        Outside = true;
      else if (isa<MemberExpr>(S) &&
               isa<FieldDecl>(cast<MemberExpr>(S)->getMemberDecl()))
        Outside = true;
      else if (const auto *Ref = dyn_cast<DeclRefExpr>(S))
        if (const auto *V = dyn_cast<VarDecl>(Ref->getDecl()))
          Outside = !V->hasLocalStorage() || V->getType()->isReferenceType() ||
                    setFromCall(Loop, V);
      for (const Stmt *Child : S->children())
        Look(Child);
    };
    Look(Cond);
    return Outside;
  }

  // `V = f(...)` (or `V = g(f(...))`) somewhere in the loop.
  static bool setFromCall(const Stmt *Loop, const VarDecl *V) {
    bool Found = false;
    std::function<bool(const Stmt *)> HasCall = [&](const Stmt *S) {
      if (!S)
        return false;
      if (isa<CallExpr>(S) && !isa<CXXOperatorCallExpr>(S))
        return true;
      for (const Stmt *Child : S->children())
        if (HasCall(Child))
          return true;
      return false;
    };
    std::function<void(const Stmt *)> Look = [&](const Stmt *S) {
      if (!S || Found)
        return;
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
      if (LHS) {
        const auto *Ref = dyn_cast<DeclRefExpr>(LHS->IgnoreParenImpCasts());
        if (Ref && Ref->getDecl() == V && HasCall(RHS))
          Found = true;
      }
      for (const Stmt *Child : S->children())
        Look(Child);
    };
    Look(Loop);
    return Found;
  }

  // The loop (or a function it calls) sleeps.
  bool sleeps(const Stmt *S, unsigned Depth) {
    if (!S || isa<LambdaExpr>(S))
      return false;
    if (const auto *Call = dyn_cast<CallExpr>(S)) {
      if (Lib.sleepModel(Call))
        return true;
      if (const FunctionDecl *Def = followable(Call, Depth))
        if (sleeps(userBody(Def), Depth + 1))
          return true;
    }
    for (const Stmt *Child : S->children())
      if (sleeps(Child, Depth))
        return true;
    return false;
  }

  // The loop reads the handle or reaches a cancellation point, directly or
  // in the functions it calls.
  bool consults(const Stmt *Loop) {
    if (TA.reachesCancellationPoint(Loop, CancelMode::AwaitCancels))
      return true;
    llvm::DenseSet<const FunctionDecl *> Seen;
    std::function<bool(const Stmt *, unsigned)> Reads = [&](const Stmt *S,
                                                            unsigned Depth) {
      if (!S)
        return false;
      if (refersTo(S, Handle))
        return true;
      if (const auto *Call = dyn_cast<CallExpr>(S))
        if (const FunctionDecl *Def = followable(Call, Depth))
          if (Seen.insert(Def).second && Reads(userBody(Def), Depth + 1))
            return true;
      for (const Stmt *Child : S->children())
        if (Reads(Child, Depth))
          return true;
      return false;
    };
    return Reads(Loop, 0);
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
  std::function<void(const Stmt *)> Look = [&](const Stmt *S) {
    if (!S || Found || isa<LambdaExpr>(S))
      return;
    if (refersTo(S, Handle)) {
      Found = cast<Expr>(S);
      return;
    }
    for (const Stmt *Child : S->children())
      Look(Child);
  };
  Look(conditionOf(Outer));
  if (!Found)
    Look(Outer);
  return Found;
}

} // namespace taskleak
