//===--- LongRunningLoops.cpp - does this task run until it is stopped? ---===//
//
// TaskAnalysis::longRunningLoop: the loop that keeps a task alive until a
// stop flag or stop request ends it, or forever.
//
//===----------------------------------------------------------------------===//
#include "lib/AstNav.h"
#include "lib/Expressions.h"
#include "lib/TaskAnalysis.h"
#include "lib/TripCounts.h"

#include "clang/AST/ExprCXX.h"
#include "clang/AST/StmtCXX.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallPtrSet.h"

using namespace clang;

namespace taskleak {

namespace {

class LongRunningFinder {
public:
  LongRunningFinder(TaskAnalysis &A, ASTContext &Ctx, unsigned CallDepth)
      : A(A), Ctx(Ctx), CallDepth(CallDepth) {}

  std::optional<LongRunningLoop> inFunction(const FunctionDecl *FD,
                                            unsigned Depth) {
    if (!FD || Depth > CallDepth || !A.isAnalysable(FD) ||
        !Visited.insert(FD->getCanonicalDecl()).second)
      return std::nullopt;
    return inStmt(userBody(FD), FD, Depth);
  }

private:
  std::optional<LongRunningLoop> inStmt(const Stmt *S, const FunctionDecl *FD,
                                        unsigned Depth) {
    if (!S || isa<LambdaExpr>(S))
      return std::nullopt; // a nested lambda runs when someone calls it
    if (isLoop(S)) {
      if (std::optional<LongRunningLoop> L = classify(S, FD))
        return L;
    }
    if (const auto *Call = dyn_cast<CallExpr>(S))
      if (std::optional<LongRunningLoop> L =
              inFunction(Call->getDirectCallee(), Depth + 1))
        return L;
    for (const Stmt *Child : S->children())
      if (std::optional<LongRunningLoop> L = inStmt(Child, FD, Depth))
        return L;
    return std::nullopt;
  }

  std::optional<LongRunningLoop> classify(const Stmt *Loop,
                                          const FunctionDecl *FD) {
    if (isa<CXXForRangeStmt>(Loop))
      return std::nullopt;
    if (A.hasConstantTrueCondition(Loop)) {
      if (!A.hasWayOut(Loop))
        return LongRunningLoop{Loop, FD, nullptr};
      const Expr *Guard = nullptr;
      if (waysOutOnlyOnStop(Loop, FD, Guard) && Guard)
        return LongRunningLoop{Loop, FD, Guard};
      return std::nullopt;
    }
    const Expr *Cond = loopCondition(Loop);
    if (!Cond || !onlyOnStop(Cond, false, FD, 0))
      return std::nullopt;
    const Expr *Guard = nullptr;
    if (A.hasWayOut(Loop) && !waysOutOnlyOnStop(Loop, FD, Guard))
      return std::nullopt;
    return LongRunningLoop{Loop, FD, Cond};
  }

  /// Every way out of \p Loop is inside an `if` whose condition is a stop
  /// test on the side that leaves; \p Guard is the first `if` of the loop
  /// (outside nested lambdas, in source order) with a stop test.
  bool waysOutOnlyOnStop(const Stmt *Loop, const FunctionDecl *FD,
                         const Expr *&Guard) {
    Guard = firstStopTest(Loop, FD);
    auto EndsProcess = [this](const CallExpr *C) { return A.endsProcess(C); };
    return !forEachWayOut(
        Loop,
        [&](const Stmt *, ArrayRef<BranchStep> Path) {
          return llvm::none_of(Path, [&](const BranchStep &B) {
            return B.If->getCond() &&
                   onlyOnStop(B.If->getCond(), B.Then, FD, 0);
          });
        },
        EndsProcess);
  }

  const Expr *firstStopTest(const Stmt *S, const FunctionDecl *FD) {
    if (!S || isa<LambdaExpr>(S))
      return nullptr;
    if (const auto *If = dyn_cast<IfStmt>(S)) {
      if (const Expr *InCond = firstStopTest(If->getCond(), FD))
        return InCond;
      const Expr *Cond = If->getCond();
      if (Cond &&
          (onlyOnStop(Cond, true, FD, 0) || onlyOnStop(Cond, false, FD, 0)))
        return Cond;
      if (const Expr *InThen = firstStopTest(If->getThen(), FD))
        return InThen;
      return firstStopTest(If->getElse(), FD);
    }
    for (const Stmt *Child : S->children())
      if (const Expr *Found = firstStopTest(Child, FD))
        return Found;
    return nullptr;
  }

  /// \p E can evaluate to \p Value only when a stop flag or stop request
  /// says so.
  bool onlyOnStop(const Expr *E, bool Value, const FunctionDecl *FD,
                  unsigned Depth) {
    if (!E || Depth > 8)
      return false;
    E = ignoreWrappers(E, FunctionalCasts);
    if (const auto *U = dyn_cast<UnaryOperator>(E)) {
      if (U->getOpcode() == UO_LNot)
        return onlyOnStop(U->getSubExpr(), !Value, FD, Depth + 1);
      return false;
    }
    if (const auto *B = dyn_cast<BinaryOperator>(E)) {
      const Expr *L = B->getLHS(), *R = B->getRHS();
      switch (B->getOpcode()) {
      case BO_LAnd:
        return Value ? onlyOnStop(L, true, FD, Depth + 1) ||
                           onlyOnStop(R, true, FD, Depth + 1)
                     : onlyOnStop(L, false, FD, Depth + 1) &&
                           onlyOnStop(R, false, FD, Depth + 1);
      case BO_LOr:
        return Value ? onlyOnStop(L, true, FD, Depth + 1) &&
                           onlyOnStop(R, true, FD, Depth + 1)
                     : onlyOnStop(L, false, FD, Depth + 1) ||
                           onlyOnStop(R, false, FD, Depth + 1);
      case BO_EQ:
      case BO_NE:
        // `stop_ == true`, `state_ != State::Running`
        if (integerConstant(R, Ctx) || isa<DeclRefExpr>(ignoreWrappers(R, FunctionalCasts)))
          return isStopFlag(L, FD, Depth + 1);
        return false;
      default:
        return false;
      }
    }
    return isStopFlag(E, FD, Depth);
  }

  /// A read of a stop flag or a stop-request query, whatever its value.
  bool isStopFlag(const Expr *E, const FunctionDecl *FD, unsigned Depth) {
    E = ignoreWrappers(E, FunctionalCasts);
    if (const auto *MC = dyn_cast<CXXMemberCallExpr>(E)) {
      const CXXMethodDecl *M = MC->getMethodDecl();
      // An atomic's conversion operator.
      if (isa_and_nonnull<CXXConversionDecl>(M))
        return A.library().isStopFlagType(
                   MC->getImplicitObjectArgument()->getType()) &&
               isStopFlag(MC->getImplicitObjectArgument(), FD, Depth + 1);
      if (!M || !M->getIdentifier())
        return false;
      StringRef Name = M->getName();
      const Expr *Obj = MC->getImplicitObjectArgument();
      if (A.library().isStopQueryName(Name))
        return true;
      // A const member of a flag type reads it (`load()`, `test()`).
      if (M->isConst() && Obj && A.library().isStopFlagType(Obj->getType()))
        return isStopFlag(Obj, FD, Depth + 1);
    }
    if (const auto *Call = dyn_cast<CallExpr>(E)) {
      // A getter: `bool running() const { return running_; }`.
      const FunctionDecl *Callee = Call->getDirectCallee();
      if (Callee && Call->getNumArgs() == 0 && A.isAnalysable(Callee))
        if (const auto *Body = dyn_cast_or_null<CompoundStmt>(userBody(Callee));
            Body && Body->size() == 1)
          if (const auto *Ret = dyn_cast<ReturnStmt>(Body->body_front()))
            return Ret->getRetValue() &&
                   onlyOnStop(Ret->getRetValue(), true, Callee, Depth + 1) &&
                   onlyOnStop(Ret->getRetValue(), false, Callee, Depth + 1);
      return false;
    }
    const ValueDecl *D = nullptr;
    if (const auto *DRE = dyn_cast<DeclRefExpr>(E))
      D = DRE->getDecl();
    else if (const auto *ME = dyn_cast<MemberExpr>(E))
      D = ME->getMemberDecl();
    if (!D)
      return false;
    QualType T = D->getType();
    if (A.library().isStopFlagType(T))
      return true;
    if (!T.getNonReferenceType()->isBooleanType() ||
        T.getNonReferenceType().isConstQualified())
      return false;
    if (isa<FieldDecl>(D) || T->isReferenceType() ||
        T.isVolatileQualified())
      return true;
    // A variable that outlives the loop's function: a global, or a local of
    // the spawner captured by reference.
    if (const auto *VD = dyn_cast<VarDecl>(D))
      return VD->hasGlobalStorage() ||
             VD->getParentFunctionOrMethod() != FD;
    return false;
  }

  TaskAnalysis &A;
  ASTContext &Ctx;
  unsigned CallDepth;
  llvm::SmallPtrSet<const FunctionDecl *, 8> Visited;
};

} // namespace

std::optional<LongRunningLoop>
TaskAnalysis::longRunningLoop(const TaskCallable &Task) {
  if (!Task.Function || !Task.body())
    return std::nullopt;
  return LongRunningFinder(*this, Ctx, CallDepth).inFunction(Task.Function, 0);
}

} // namespace taskleak
