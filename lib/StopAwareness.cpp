//===--- StopAwareness.cpp - can a stop request wake this wait? ------------===//
#include "lib/StopAwareness.h"
#include "lib/AstNav.h"
#include "lib/Expressions.h"
#include "lib/InferredModels.h"
#include "lib/InnerLoops.h"
#include "lib/Parents.h"

#include "clang/AST/DeclCXX.h"
#include "clang/AST/LambdaCapture.h"
#include "clang/AST/ParentMapContext.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/AST/StmtCXX.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"

#include <functional>

using namespace clang;

namespace taskleak {

// --- Small helpers ----------------------------------------------------------

static const Expr *strip(const Expr *E) { return ignoreWrappers(E); }

/// One step from an object expression towards the entity it belongs to:
/// `*p`, `p->`, `v[i]`, `a.b` -> `p`, `p`, `v`, `a`.
static const Expr *objectBase(const Expr *E) {
  if (const auto *U = dyn_cast<UnaryOperator>(E))
    if (U->getOpcode() == UO_Deref || U->getOpcode() == UO_AddrOf)
      return U->getSubExpr();
  if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(E))
    if ((Op->getOperator() == OO_Arrow || Op->getOperator() == OO_Star ||
         Op->getOperator() == OO_Subscript) &&
        Op->getNumArgs() >= 1)
      return Op->getArg(0);
  if (const auto *AS = dyn_cast<ArraySubscriptExpr>(E))
    return AS->getBase();
  return nullptr;
}

/// The class of an object expression, through a pointer.
static const CXXRecordDecl *recordOf(QualType T) {
  T = T.getNonReferenceType();
  if (T->isPointerType())
    T = T->getPointeeType();
  return T->getAsCXXRecordDecl();
}

bool isStopRequestedCall(const Library &Lib, const Expr *E) {
  const auto *Call = dyn_cast_or_null<CallExpr>(strip(E));
  if (!Call)
    return false;
  if (Lib.isCancellationPoint(Call->getDirectCallee()))
    return true;
  if (const auto *MC = dyn_cast<CXXMemberCallExpr>(Call))
    return Lib.isStopQueryOnToken(MC);
  return false;
}

// --- Stop handles
// -------------------------------------------------------------

std::optional<StopHandle> StopAwareness::stopHandle(const Library &Lib,
                                                    const FunctionDecl *FD) {
  if (!FD)
    return std::nullopt;
  auto IsHandle = [&](const VarDecl *V) {
    if (!V || !V->getIdentifier() || !Lib.isStopTokenType(V->getType()))
      return false;
    // A stop_callback is something a stop request runs, not a way to
    // observe one.
    return !Lib.isStopCallbackType(V->getType());
  };
  for (const ParmVarDecl *P : FD->parameters())
    if (IsHandle(P))
      return StopHandle{P, P->getLocation(), false};
  if (const auto *M = dyn_cast<CXXMethodDecl>(FD))
    if (M->getParent()->isLambda())
      for (const LambdaCapture &C : M->getParent()->captures())
        if (C.capturesVariable())
          if (const auto *V = dyn_cast<VarDecl>(C.getCapturedVar()))
            if (IsHandle(V))
              return StopHandle{
                  V, C.isImplicit() ? V->getLocation() : C.getLocation(), true};
  return std::nullopt;
}

// --- Objects
// ------------------------------------------------------------------

const ValueDecl *StopAwareness::objectKey(const Expr *Object) {
  const Expr *E = strip(Object);
  for (int Guard = 0; E && Guard < 8; ++Guard) {
    if (const auto *DRE = dyn_cast<DeclRefExpr>(E))
      return DRE->getDecl();
    if (const auto *ME = dyn_cast<MemberExpr>(E))
      return ME->getMemberDecl();
    E = strip(objectBase(E));
  }
  return nullptr;
}

/// A result object (a future) that \p FD got from a call which handed the
/// work to someone else (an RPC, a request to another component, a pool):
/// not one it makes itself, from a spawn (std::async) or from a promise or
/// packaged task of its own (`p.get_future()`).
bool StopAwareness::fromOutsideParty(const VarDecl *VD,
                                     const FunctionDecl *FD) const {
  if (!Lib.isResultObject(recordOf(VD->getType())))
    return false;
  const Expr *Init = VD->getInit();
  if (!Init)
    return false;
  Init = Init->IgnoreImplicit();
  if (const auto *CE = dyn_cast<CXXConstructExpr>(Init);
      CE && CE->getNumArgs() == 1)
    Init = CE->getArg(0)->IgnoreImplicit(); // the copy or move of the result
  const auto *Call = dyn_cast<CallExpr>(Init->IgnoreParens());
  if (!Call || isa<CXXOperatorCallExpr>(Call))
    return false;
  if (const FunctionDecl *Callee = Call->getDirectCallee();
      Callee && Lib.spawnFunction(Callee))
    return false; // a task the function starts itself
  if (const auto *MC = dyn_cast<CXXMemberCallExpr>(Call))
    if (ownedBy(MC->getImplicitObjectArgument(), FD))
      return false; // its own promise or packaged task
  return true;
}

/// An object that belongs to \p FD alone: rooted in a local variable of FD
/// held by value (not a reference, pointer or shared pointer), or in the
/// loop variable of a range-for over such a variable.
bool StopAwareness::ownedBy(const Expr *Object, const FunctionDecl *FD) const {
  const Expr *E = strip(Object);
  for (int Guard = 0; E && Guard < 8; ++Guard) {
    if (const auto *ME = dyn_cast<MemberExpr>(E)) {
      if (ME->isArrow())
        return false; // through a pointer or `this`
      E = strip(ME->getBase());
      continue;
    }
    if (const Expr *Base = objectBase(E)) {
      if (Lib.isAliasingHandleType(strip(Base)->getType()) &&
          !isa<ArraySubscriptExpr>(E) &&
          !(isa<CXXOperatorCallExpr>(E) &&
            cast<CXXOperatorCallExpr>(E)->getOperator() == OO_Subscript))
        return false;
      E = strip(Base);
      continue;
    }
    const auto *DRE = dyn_cast<DeclRefExpr>(E);
    const auto *VD = DRE ? dyn_cast<VarDecl>(DRE->getDecl()) : nullptr;
    if (!VD || isa<ParmVarDecl>(VD) || !VD->isLocalVarDecl() ||
        VD->isStaticLocal() || VD->isInitCapture() ||
        VD->getDeclContext() != FD)
      return false;
    if (!VD->getType()->isReferenceType())
      return !Lib.isAliasingHandleType(VD->getType()) &&
             !fromOutsideParty(VD, FD);
    // `for (auto &t : threads)` over a local container.
    for (const DynTypedNode &P : getParents(Ctx, *VD))
      if (const auto *DS = P.get<DeclStmt>())
        for (const DynTypedNode &PP : getParents(Ctx, *DS))
          if (const auto *RF = PP.get<CXXForRangeStmt>())
            if (RF->getLoopVariable() == VD)
              return ownedBy(RF->getRangeInit(), FD);
    return false;
  }
  return false;
}

// --- What a stop request wakes
// --------------------------------------------------

/// Visits every function and lambda of the translation unit outside system
/// headers once, recording the objects that stop-path code wakes.
class StopPathCollector : public RecursiveASTVisitor<StopPathCollector> {
public:
  StopPathCollector(StopAwareness &SA, const SourceManager &SM)
      : SA(SA), SM(SM) {}
  bool shouldVisitTemplateInstantiations() const { return true; }
  bool TraverseDecl(Decl *D) {
    if (D && !isa<TranslationUnitDecl>(D) && D->getLocation().isValid() &&
        SM.isInSystemHeader(D->getLocation()))
      return true;
    return RecursiveASTVisitor::TraverseDecl(D);
  }
  bool VisitFunctionDecl(FunctionDecl *FD) {
    if (FD->doesThisDeclarationHaveABody())
      SA.scanStopPath(FD, FD->getBody());
    return true;
  }
  bool VisitLambdaExpr(LambdaExpr *L) {
    SA.scanStopPath(L->getCallOperator(), L->getBody());
    return true;
  }

private:
  StopAwareness &SA;
  const SourceManager &SM;
};

void StopAwareness::collectWakeUps() {
  if (Collected)
    return;
  Collected = true;
  StopPathCollector(*this, Ctx.getSourceManager())
      .TraverseDecl(Ctx.getTranslationUnitDecl());
}

/// A call or construction that registers a callable to run on a stop
/// request: it builds (or emplaces into) a stop-token type such as
/// std::stop_callback, and is given a callable.
static bool registersStopCallback(const Library &Lib, const Expr *E,
                                  llvm::SmallVectorImpl<const Expr *> &Args) {
  QualType Built;
  if (const auto *CE = dyn_cast<CXXConstructExpr>(E)) {
    Built = CE->getType();
    Args.append(CE->arg_begin(), CE->arg_end());
  } else if (const auto *MC = dyn_cast<CXXMemberCallExpr>(E)) {
    const CXXMethodDecl *MD = MC->getMethodDecl();
    if (!MD || !MD->getIdentifier() || MD->getName() != "emplace" ||
        !MC->getImplicitObjectArgument())
      return false;
    Built = MC->getImplicitObjectArgument()->getType();
    Args.append(MC->arg_begin(), MC->arg_end());
  } else if (const auto *Call = dyn_cast<CallExpr>(E)) {
    Built = Call->getType(); // std::make_unique<std::stop_callback<F>>(...)
    Args.append(Call->arg_begin(), Call->arg_end());
  } else {
    return false;
  }
  if (Built.isNull() || !Lib.isStopTokenType(Built) || Args.size() < 2)
    return false;
  for (const Expr *A : Args)
    if (A && Lib.isStopTokenType(A->getType()))
      return true;
  return false;
}

/// A call that asks for a stop: `request_stop()` on anything (a stop source,
/// a jthread), or another non-const member call on a stop-token type
/// (`ctx.cancel()` of a YAML type).
static bool requestsStop(const Library &Lib, const CXXMemberCallExpr *MC) {
  const CXXMethodDecl *MD = MC->getMethodDecl();
  if (!MD || !MD->getIdentifier())
    return false;
  if (Lib.isRequestStopName(MD->getName()))
    return true;
  const Expr *Obj = MC->getImplicitObjectArgument();
  return Obj && !MD->isConst() && !isa<CXXConstructorDecl>(MD) &&
         !Lib.isCancellationPoint(MD) && Lib.isStopTokenType(Obj->getType()) &&
         !MD->getName().contains("get_token");
}

void StopAwareness::scanStopPath(const FunctionDecl *FD, const Stmt *Body) {
  if (!Body)
    return;
  (void)FD;
  bool RequestsStop = false;
  forEachStmt(
      Body,
      [&](const Stmt *S) {
        const auto *E = dyn_cast<Expr>(S);
        if (!E || isa<LambdaExpr>(S))
          return;
        if (const auto *MC = dyn_cast<CXXMemberCallExpr>(E))
          RequestsStop |= requestsStop(Lib, MC);
        llvm::SmallVector<const Expr *, 4> Args;
        if (!registersStopCallback(Lib, E, Args))
          return;
        for (const Expr *A : Args) {
          if (!A || Lib.isStopTokenType(A->getType()))
            continue;
          const TaskCallable C = resolveCallable(A, Lib, Ctx);
          if (C.Function)
            addWakersOf(C.body(), 0);
        }
      },
      LambdaBodies::Skip);
  if (RequestsStop)
    addWakersOf(Body, 0);
}

void StopAwareness::addWakersOf(const Stmt *S, unsigned Depth) {
  forEachStmt(
      S,
      [&](const Stmt *X) {
        if (const auto *MC = dyn_cast<CXXMemberCallExpr>(X)) {
          if (Lib.wakesWaiters(MC)) {
            if (const ValueDecl *K = objectKey(MC->getImplicitObjectArgument()))
              WokenObjects.insert(K->getCanonicalDecl());
            if (const CXXRecordDecl *RD =
                    recordOf(strip(MC->getImplicitObjectArgument())->getType()))
              WokenTypes.insert(RD->getCanonicalDecl());
          }
        }
        if (const auto *Call = dyn_cast<CallExpr>(X)) {
          const FunctionDecl *Callee = Call->getDirectCallee();
          if (Depth < CallDepth && TA.isAnalysable(Callee) &&
              ScannedForWakers.insert(Callee->getCanonicalDecl()).second)
            addWakersOf(userBody(Callee), Depth + 1);
        }
      },
      LambdaBodies::Skip);
}

bool StopAwareness::isWokenOnStop(const Expr *Object) {
  collectWakeUps();
  const ValueDecl *K = objectKey(Object);
  if (K && WokenObjects.count(K->getCanonicalDecl()))
    return true;
  // Through a reference or pointer, the object may be any object of its
  // type: one that is woken on stop somewhere is enough.
  bool Indirect = !K || K->getType()->isReferenceType() ||
                  K->getType()->isPointerType() ||
                  Lib.isAliasingHandleType(K->getType());
  if (!Indirect)
    return false;
  const CXXRecordDecl *RD = recordOf(strip(Object)->getType());
  return RD && WokenTypes.count(RD->getCanonicalDecl());
}

// --- The waits of a task
// ------------------------------------------------------

/// Walks up from \p S to the body of its function, calling \p F(parent,
/// child) at each step; stops when \p F returns true (and returns true).
template <typename Fn>
static bool walkUp(ASTContext &Ctx, const Stmt *S, const Stmt *Body, Fn &&F) {
  DynTypedNode Node = DynTypedNode::create(*S);
  for (int Guard = 0; Guard < 64; ++Guard) {
    const Stmt *Child = Node.get<Stmt>();
    if (!Child || Child == Body)
      return false;
    DynTypedNodeList Parents = getParents(Ctx, Node);
    if (Parents.empty())
      return false;
    Node = Parents[0];
    const Stmt *Parent = Node.get<Stmt>();
    if (!Parent)
      return false;
    if (isa<LambdaExpr>(Parent))
      return false;
    if (F(Parent, Child))
      return true;
  }
  return false;
}

bool StopAwareness::onShutdownPath(const CXXMemberCallExpr *Wait,
                                   const FunctionDecl *FD, const Stmt *Body) {
  (void)FD;
  // In the branch taken once a stop was requested.
  if (walkUp(Ctx, Wait, Body, [&](const Stmt *Parent, const Stmt *Child) {
        const auto *If = dyn_cast<IfStmt>(Parent);
        if (!If || !If->getCond())
          return false;
        const Expr *Cond = strip(If->getCond());
        if (Child == If->getThen() && isStopRequestedCall(Lib, Cond))
          return true;
        if (const auto *Not = dyn_cast<UnaryOperator>(Cond))
          if (Not->getOpcode() == UO_LNot && Child == If->getElse() &&
              isStopRequestedCall(Lib, Not->getSubExpr()))
            return true;
        return false;
      }))
    return true;
  // After a loop that checks for a stop request: the task is winding down.
  const SourceManager &SM = Ctx.getSourceManager();
  return anyStmt(
      Body,
      [&](const Stmt *S) {
        if (!isLoop(S) || isInside(Wait, S, Ctx) ||
            !SM.isBeforeInTranslationUnit(S->getEndLoc(), Wait->getBeginLoc()))
          return false;
        return anyStmt(
            S,
            [&](const Stmt *X) {
              const auto *E = dyn_cast<Expr>(X);
              return E && isStopRequestedCall(Lib, E);
            },
            LambdaBodies::Skip);
      },
      LambdaBodies::Skip);
}

bool StopAwareness::guardedByReadiness(const CXXMemberCallExpr *Wait,
                                       const FunctionDecl *FD) {
  const ValueDecl *K = objectKey(Wait->getImplicitObjectArgument());
  if (!K)
    return false;
  auto IsReadinessTest = [&](const Stmt *S) {
    const auto *MC = dyn_cast<CXXMemberCallExpr>(S);
    const CXXMethodDecl *MD = MC ? MC->getMethodDecl() : nullptr;
    if (!MD || !MD->getIdentifier() || MC == Wait ||
        objectKey(MC->getImplicitObjectArgument()) != K)
      return false;
    StringRef N = MD->getName();
    return namesGiveUpOperation(N) || N.contains("ready");
  };
  return walkUp(Ctx, Wait, userBody(FD), [&](const Stmt *Parent, const Stmt *) {
    const Expr *Cond = nullptr;
    if (const auto *If = dyn_cast<IfStmt>(Parent))
      Cond = If->getCond();
    else if (const auto *W = dyn_cast<WhileStmt>(Parent))
      Cond = W->getCond();
    else if (const auto *F = dyn_cast<ForStmt>(Parent))
      Cond = F->getCond();
    else if (const auto *C = dyn_cast<ConditionalOperator>(Parent))
      Cond = C->getCond();
    else if (const auto *B = dyn_cast<BinaryOperator>(Parent))
      Cond = B->isLogicalOp() ? B->getLHS() : nullptr;
    return Cond && anyStmt(Cond, IsReadinessTest, LambdaBodies::Skip);
  });
}

llvm::SmallVector<UnwakeableWait, 4>
StopAwareness::unwakeableWaits(const FunctionDecl *FD) {
  llvm::SmallVector<UnwakeableWait, 4> Out;
  const Stmt *Body = userBody(FD);
  if (!Body)
    return Out;
  forEachStmt(
      Body,
      [&](const Stmt *S) {
        const auto *MC = dyn_cast<CXXMemberCallExpr>(S);
        if (!MC)
          return;
        std::string Name = Lib.blockingWait(MC);
        if (Name.empty() || Lib.isCancellationCall(MC))
          return; // not a wait, or a stop-aware one (passed a stop token)
        const Expr *Obj = MC->getImplicitObjectArgument();
        if (!Obj || ownedBy(Obj, FD) || isWokenOnStop(Obj) ||
            onShutdownPath(MC, FD, Body) || guardedByReadiness(MC, FD))
          return;
        Out.push_back({MC, std::move(Name)});
      },
      LambdaBodies::Skip);
  return Out;
}

/// Whether \p S reads \p Flag, looking into the bodies of the lambdas in it
/// too (a wait's predicate).
static bool readsFlag(const Stmt *S, const ValueDecl *Flag) {
  return anyStmt(
      S,
      [&](const Stmt *X) {
        if (const auto *L = dyn_cast<LambdaExpr>(X))
          return readsFlag(L->getBody(), Flag);
        const auto *E = dyn_cast<Expr>(X);
        const ValueDecl *K = E && (isa<MemberExpr>(E) || isa<DeclRefExpr>(E))
                                 ? StopAwareness::objectKey(E)
                                 : nullptr;
        return K && K->getCanonicalDecl() == Flag->getCanonicalDecl();
      },
      LambdaBodies::Skip);
}

llvm::SmallVector<UnwakeableWait, 4>
StopAwareness::unwakeableWaitsOnFlag(const FunctionDecl *FD,
                                     const FlagStopPath &P) {
  llvm::SmallVector<UnwakeableWait, 4> Out;
  const Stmt *Body = userBody(FD);
  if (!Body || !P.Loop || !P.Flag)
    return Out;
  forEachStmt(
      P.Loop,
      [&](const Stmt *S) {
        const auto *MC = dyn_cast<CXXMemberCallExpr>(S);
        if (!MC)
          return;
        std::string Name = Lib.blockingWait(MC);
        if (Name.empty() || Lib.isCancellationCall(MC))
          return;
        const Expr *Obj = MC->getImplicitObjectArgument();
        if (!Obj || ownedBy(Obj, FD) || Path.wakes(P.Flag, Obj) ||
            isWokenOnStop(Obj) || guardedByReadiness(MC, FD))
          return;
        for (const Expr *A : MC->arguments())
          if (readsFlag(A, P.Flag))
            return; // the predicate re-checks the flag: a lost wake-up at most
        Out.push_back({MC, std::move(Name)});
      },
      LambdaBodies::Skip);
  return Out;
}

// --- Long sleeps
// --------------------------------------------------------------

llvm::SmallVector<const Stmt *, 2>
StopAwareness::stopAwareLoops(const FunctionDecl *FD, const StopHandle *Handle,
                              const FlagStopPath *Flag) {
  llvm::SmallVector<const Stmt *, 2> Loops;
  if (Flag && Flag->Loop) {
    Loops.push_back(Flag->Loop);
  } else if (Handle && Handle->Var) {
    // The outermost loops that consult the token.
    walkStmts(
        userBody(FD),
        [&](const Stmt *S) {
          if (!isLoop(S) || !anyStmt(
                                S,
                                [&](const Stmt *X) {
                                  const auto *Ref = dyn_cast<DeclRefExpr>(X);
                                  return Ref && Ref->getDecl() == Handle->Var;
                                },
                                LambdaBodies::Skip))
            return WalkStep::Continue;
          Loops.push_back(S);
          return WalkStep::SkipChildren;
        },
        LambdaBodies::Skip);
  }
  return Loops;
}

static const ValueDecl *handleDecl(const StopHandle *Handle,
                                   const FlagStopPath *Flag) {
  if (Flag && Flag->Loop)
    return Flag->Flag;
  return Handle ? Handle->Var : nullptr;
}

llvm::SmallVector<BlindInnerLoop, 1>
StopAwareness::blindInnerLoops(const FunctionDecl *FD, const StopHandle *Handle,
                               const FlagStopPath *Flag) {
  llvm::SmallVector<BlindInnerLoop, 1> Out;
  for (const Stmt *L : stopAwareLoops(FD, Handle, Flag))
    for (const BlindInnerLoop &B :
         taskleak::blindInnerLoops(TA, L, handleDecl(Handle, Flag)))
      Out.push_back(B);
  return Out;
}

llvm::SmallVector<LongSleep, 2>
StopAwareness::longSleeps(const FunctionDecl *FD, const StopHandle *Handle,
                          const FlagStopPath *Flag, uint64_t MinNanoseconds) {
  // A sleep in an inner loop that cannot see the stop request is part of
  // that loop's finding (taskleak-loop-without-cancellation), not one more.
  const llvm::SmallVector<BlindInnerLoop, 1> Blind =
      blindInnerLoops(FD, Handle, Flag);
  const SourceManager &SM = Ctx.getSourceManager();
  auto InBlindLoop = [&](const CallExpr *Call) {
    return llvm::any_of(Blind, [&](const BlindInnerLoop &B) {
      return SM.isPointWithin(Call->getBeginLoc(), B.Loop->getBeginLoc(),
                              B.Loop->getEndLoc());
    });
  };
  llvm::SmallVector<LongSleep, 2> Out;
  for (const Stmt *L : stopAwareLoops(FD, Handle, Flag))
    for (LongSleep &S : longSleepsIn(L, TA, MinNanoseconds))
      if (!InBlindLoop(S.Call))
        Out.push_back(std::move(S));
  return Out;
}

// --- The fix
// --------------------------------------------------------------------

std::optional<llvm::SmallVector<FixItHint, 3>>
StopAwareness::stopTokenWaitFix(const UnwakeableWait &W, const FunctionDecl *FD,
                                const StopHandle &Handle) {
  const CXXMemberCallExpr *Call = W.Call;
  if (!Lib.takesStopToken(W.Name) || Call->getNumArgs() != 2)
    return std::nullopt;
  // A std::stop_token, by value or reference (not a source, not a pointer).
  const CXXRecordDecl *TokRD = Handle.Var->getType()
                                   .getNonReferenceType()
                                   .getCanonicalType()
                                   ->getAsCXXRecordDecl();
  if (Lib.stopTokenKind(TokRD) != StopTokenKind::Token)
    return std::nullopt;
  if (!FD->getReturnType()->isVoidType() || !FD->getBody() ||
      isa<CoroutineBodyStmt>(FD->getBody()))
    return std::nullopt;
  // The name must mean the handle at the wait: nothing in the body declares
  // the same name.
  StringRef Name = Handle.Var->getName();
  const bool Shadowed = anyStmt(FD->getBody(), [&](const Stmt *S) {
    if (const auto *DS = dyn_cast<DeclStmt>(S))
      for (const Decl *D : DS->decls())
        if (const auto *ND = dyn_cast<NamedDecl>(D))
          if (ND != Handle.Var && ND->getIdentifier() && ND->getName() == Name)
            return true;
    if (const auto *L = dyn_cast<LambdaExpr>(S))
      for (const ParmVarDecl *P : L->getCallOperator()->parameters())
        if (P->getIdentifier() && P->getName() == Name)
          return true;
    return false;
  });
  if (Shadowed)
    return std::nullopt;
  // A statement of a block: the call, possibly inside ExprWithCleanups.
  const Stmt *Full = Call;
  DynTypedNodeList Parents = getParents(Ctx, *Call);
  if (Parents.size() == 1)
    if (const auto *EWC = Parents[0].get<ExprWithCleanups>()) {
      Full = EWC;
      Parents = getParents(Ctx, *EWC);
    }
  if (Parents.size() != 1 || !Parents[0].get<CompoundStmt>())
    return std::nullopt;
  const Expr *Pred = Call->getArg(1);
  SourceLocation Begin = Full->getBeginLoc(), End = Call->getRParenLoc(),
                 PredLoc = Pred->getBeginLoc();
  if (!inFile(Begin) || !inFile(End) || !inFile(PredLoc) ||
      !inFile(Call->getArg(0)->getBeginLoc()))
    return std::nullopt;
  const SourceManager &SM = Ctx.getSourceManager();
  SourceLocation AfterEnd =
      Lexer::getLocForEndOfToken(End, 0, SM, Ctx.getLangOpts());
  if (!inFile(AfterEnd))
    return std::nullopt;
  llvm::SmallVector<FixItHint, 3> Fix;
  Fix.push_back(FixItHint::CreateInsertion(Begin, "if (!"));
  Fix.push_back(FixItHint::CreateInsertion(PredLoc, (Name + ", ").str()));
  Fix.push_back(FixItHint::CreateInsertion(AfterEnd, ") return"));
  return Fix;
}

} // namespace taskleak
