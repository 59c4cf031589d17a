//===--- LostWakeupFacts.cpp - waits, their conditions, writes ------------===//
//
// The facts the lost wake-up rules stand on: the functions of the
// translation unit and their callers, the condition-variable waits with
// their mutex and the variables their condition reads, the spawns, and
// whether an expression writes a variable of some wait condition.
//
//===----------------------------------------------------------------------===//
#include "lib/AstNav.h"
#include "lib/Expressions.h"
#include "lib/LostWakeupFinder.h"
#include "lib/StopAwareness.h"

#include "clang/AST/RecursiveASTVisitor.h"

using namespace clang;

namespace taskleak {
namespace lostwakeup {
namespace {

/// Every function body of the translation unit outside system headers and
/// library namespaces, lambdas included (each is a function of its own).
class FunctionCollector : public RecursiveASTVisitor<FunctionCollector> {
public:
  FunctionCollector(
      const SourceManager &SM, const Library &Lib,
      std::vector<const FunctionDecl *> &Out,
      llvm::DenseMap<const FunctionDecl *, const LambdaExpr *> &Lambdas)
      : SM(SM), Lib(Lib), Out(Out), Lambdas(Lambdas) {}
  bool shouldVisitTemplateInstantiations() const { return true; }
  bool shouldVisitLambdaBody() const { return true; }
  bool TraverseDecl(Decl *D) {
    if (D && !isa<TranslationUnitDecl>(D) && D->getLocation().isValid() &&
        SM.isInSystemHeader(D->getLocation()))
      return true;
    if (D && isa<NamespaceDecl>(D) && Lib.inOpaqueNamespace(D))
      return true;
    return RecursiveASTVisitor::TraverseDecl(D);
  }
  bool VisitFunctionDecl(FunctionDecl *FD) {
    const auto *MD = dyn_cast<CXXMethodDecl>(FD);
    if (FD->doesThisDeclarationHaveABody() &&
        !(MD && MD->getParent()->isLambda()))
      Out.push_back(FD);
    return true;
  }
  bool VisitLambdaExpr(LambdaExpr *L) {
    if (L->getCallOperator()) {
      Out.push_back(L->getCallOperator());
      Lambdas[L->getCallOperator()] = L;
    }
    return true;
  }

private:
  const SourceManager &SM;
  const Library &Lib;
  std::vector<const FunctionDecl *> &Out;
  llvm::DenseMap<const FunctionDecl *, const LambdaExpr *> &Lambdas;
};

} // namespace

/// Whether the mutex a guard or lock() names (\p K) may be the waiter's
/// \p Mutex: the same declaration, or one that may alias it (a parameter, a
/// reference or pointer, an expression with no name). Two distinct fields or
/// globals held by value are different mutexes.
bool mayBeSame(const ValueDecl *K, const ValueDecl *Mutex) {
  if (!K || canon(K) == canon(Mutex))
    return true;
  for (const ValueDecl *D : {K, Mutex}) {
    if (isa<ParmVarDecl>(D) || D->getType()->isReferenceType() ||
        D->getType()->isPointerType())
      return true;
  }
  return false;
}

/// Whether \p S names \p D (a reference to it anywhere inside).
bool namesDecl(const Stmt *S, const ValueDecl *D) {
  return anyStmt(
      S,
      [&](const Stmt *X) {
        if (const auto *DRE = dyn_cast<DeclRefExpr>(X))
          return canon(DRE->getDecl()) == canon(D);
        if (const auto *ME = dyn_cast<MemberExpr>(X))
          return canon(ME->getMemberDecl()) == canon(D);
        return false;
      },
      LambdaBodies::Skip);
}

// --- Facts -------------------------------------------------------------------

void Finder::collectFunctions() {
  FunctionCollector(SM, Lib, Functions, Lambdas)
      .TraverseDecl(Ctx.getTranslationUnitDecl());
  // Templates with an instantiation here: their unresolved calls are
  // resolved (and in Callers) in the instantiation.
  llvm::DenseSet<const FunctionDecl *> Instantiated;
  for (const FunctionDecl *FD : Functions)
    if (const FunctionDecl *Pattern = FD->getTemplateInstantiationPattern())
      Instantiated.insert(Pattern->getCanonicalDecl());
  for (const FunctionDecl *FD : Functions)
    anyStmt(
        userBody(FD),
        [&](const Stmt *S) {
          if (const auto *Call = dyn_cast<CallExpr>(S)) {
            if (const FunctionDecl *Callee = Call->getDirectCallee())
              if (TA.isAnalysable(Callee))
                Callers[Callee->getCanonicalDecl()].push_back({Call, FD});
            SyncOp Op = SyncOp::None;
            const Expr *Object = nullptr;
            if (const auto *MC = dyn_cast<CXXMemberCallExpr>(S)) {
              Op = Lib.syncOp(MC);
              Object = MC->getImplicitObjectArgument();
            } else if (const auto *U = dyn_cast<UnresolvedMemberExpr>(
                           Call->getCallee()->IgnoreParens())) {
              // A wait given a lambda in a template: left unresolved there.
              if (!U->isImplicitAccess() && U->getMemberName().isIdentifier()) {
                Object = U->getBase();
                Op = Lib.syncOp(
                    U->getBaseType(),
                    U->getMemberName().getAsIdentifierInfo()->getName());
              }
            }
            if (Object &&
                (Op == SyncOp::Wait || (TimedWaits && Op == SyncOp::TimedWait)))
              collectWait(Call, Object, FD, Op == SyncOp::TimedWait);
          }
          const bool Hidden = !Instantiated.count(FD->getCanonicalDecl());
          if (const auto *U = dyn_cast<OverloadExpr>(S); U && Hidden)
            if (U->getName().isIdentifier())
              UnresolvedCalls.insert(
                  U->getName().getAsIdentifierInfo()->getName());
          if (const auto *D = dyn_cast<CXXDependentScopeMemberExpr>(S);
              D && Hidden)
            if (D->getMember().isIdentifier())
              UnresolvedCalls.insert(
                  D->getMember().getAsIdentifierInfo()->getName());
          if (const auto *E = dyn_cast<Expr>(S))
            if (isa<CallExpr>(E) || isa<CXXConstructExpr>(E))
              if (std::optional<SpawnSite> Site = matchSpawn(Lib, E, Ctx))
                Spawns.push_back(*Site);
          return false;
        },
        LambdaBodies::Skip);
}

/// The variable of a wait condition that \p E reads: a field, a global, or
/// a local of another function than the waiter's (a capture).
const ValueDecl *Finder::sharedVariable(const Expr *E,
                                        const FunctionDecl *Waiter) const {
  const ValueDecl *D = nullptr;
  if (const auto *ME = dyn_cast<MemberExpr>(E)) {
    D = dyn_cast<FieldDecl>(ME->getMemberDecl());
  } else if (const auto *DRE = dyn_cast<DeclRefExpr>(E)) {
    const auto *VD = dyn_cast<VarDecl>(DRE->getDecl());
    if (!VD || VD->isConstexpr() || isa<ParmVarDecl>(VD))
      return nullptr;
    if (VD->hasGlobalStorage()) {
      D = VD;
    } else {
      // A local of a function around the waiter: captured by a lambda.
      const DeclContext *Owner = VD->getDeclContext();
      for (const DeclContext *DC = Waiter ? Waiter->getParent() : nullptr; DC;
           DC = DC->getParent())
        if (DC == Owner)
          D = VD;
    }
  }
  if (!D)
    return nullptr;
  const QualType T = D->getType().getNonReferenceType();
  if (T.isConstQualified() || Lib.conditionVariable(T) || Lib.mutexModel(T) ||
      Lib.lockGuard(T))
    return nullptr;
  return D;
}

void Finder::addReads(const Stmt *S, const FunctionDecl *Waiter, unsigned Depth,
                      llvm::SmallVectorImpl<const ValueDecl *> &Out,
                      llvm::DenseSet<const FunctionDecl *> &Seen) {
  anyStmt(
      S,
      [&](const Stmt *X) {
        if (const auto *E = dyn_cast<Expr>(X))
          if (const ValueDecl *V = sharedVariable(E, Waiter))
            if (!llvm::is_contained(Out, V->getCanonicalDecl()))
              Out.push_back(cast<ValueDecl>(V->getCanonicalDecl()));
        if (const auto *Call = dyn_cast<CallExpr>(X)) {
          const FunctionDecl *Callee = Call->getDirectCallee();
          if (Depth < TA.callDepth() && TA.isAnalysable(Callee) &&
              Seen.insert(Callee->getCanonicalDecl()).second)
            addReads(userBody(Callee), Waiter, Depth + 1, Out, Seen);
        }
        return false;
      },
      LambdaBodies::Skip);
}

/// The mutexes a lock guard variable is constructed with: \p Mutex when it
/// is one of them (null otherwise, or with no Mutex: the first).
const ValueDecl *Finder::guardedMutex(const VarDecl *Guard,
                                      const ValueDecl *Mutex,
                                      bool *Deferred) const {
  const LockGuardModel *G = Guard ? Lib.lockGuard(Guard->getType()) : nullptr;
  const auto *CE =
      G && Guard->getInit()
          ? dyn_cast<CXXConstructExpr>(ignoreWrappers(Guard->getInit()))
          : nullptr;
  if (!CE)
    return nullptr;
  const ValueDecl *Found = nullptr;
  bool Defer = false;
  for (const Expr *Arg : CE->arguments()) {
    if (Lib.isDeferTag(*G, Arg->getType()))
      Defer = true;
    const Expr *A = ignoreWrappers(Arg);
    if (const auto *U = dyn_cast<UnaryOperator>(A))
      if (U->getOpcode() == UO_AddrOf)
        A = ignoreWrappers(U->getSubExpr());
    if (!Lib.mutexModel(A->getType()))
      continue;
    const ValueDecl *K = StopAwareness::objectKey(A);
    if (!Found && (!Mutex || mayBeSame(K, Mutex)))
      Found = K ? K : Mutex;
  }
  if (Deferred)
    *Deferred = Defer;
  return Found;
}

/// The mutex that the lock argument of a wait stands for: a mutex given
/// directly (`cv.Wait(&mu)`), or a local lock guard's.
const ValueDecl *Finder::mutexOfLock(const Expr *Lock, const FunctionDecl *FD,
                                     const VarDecl **Guard) const {
  const Expr *A = ignoreWrappers(Lock);
  if (const auto *U = dyn_cast<UnaryOperator>(A))
    if (U->getOpcode() == UO_AddrOf)
      A = ignoreWrappers(U->getSubExpr());
  if (Lib.mutexModel(A->getType()))
    return StopAwareness::objectKey(A);
  const auto *DRE = dyn_cast<DeclRefExpr>(A);
  const auto *VD = DRE ? dyn_cast<VarDecl>(DRE->getDecl()) : nullptr;
  if (!VD || !VD->isLocalVarDecl() || VD->getType()->isReferenceType())
    return nullptr;
  (void)FD;
  *Guard = VD;
  return guardedMutex(VD, nullptr, nullptr);
}

void Finder::collectWait(const CallExpr *Call, const Expr *Object,
                         const FunctionDecl *FD, bool Timed) {
  if (Call->getNumArgs() < 1)
    return;
  for (const Expr *Arg : Call->arguments())
    if (Lib.isStopTokenType(Arg->getType()))
      return; // woken by a stop request: its own rules
  WaitInfo W;
  W.Call = Call;
  W.Timed = Timed;
  W.Loc = Call->getExprLoc();
  if (const auto *ME = dyn_cast<MemberExpr>(Call->getCallee()->IgnoreParens()))
    W.Loc = ME->getMemberLoc();
  else if (const auto *U = dyn_cast<UnresolvedMemberExpr>(
               Call->getCallee()->IgnoreParens()))
    W.Loc = U->getMemberLoc();
  W.FD = FD;
  W.CondVar = StopAwareness::objectKey(Object);
  const VarDecl *Guard = nullptr;
  W.Mutex = mutexOfLock(Call->getArg(0), FD, &Guard);
  if (!W.CondVar || !W.Mutex)
    return;
  llvm::DenseSet<const FunctionDecl *> Seen;
  const unsigned N = Call->getNumArgs();
  if (N >= 2) {
    const TaskCallable Pred = resolveCallable(Call->getArg(N - 1), Lib, Ctx);
    if (Pred.Function && Pred.body()) {
      W.Predicate = Pred.Function;
      Predicates.insert(Pred.Function);
      addReads(Pred.body(), FD, 0, W.Reads, Seen);
    }
  }
  if (!W.Predicate) {
    // `while (!cond) cv.wait(lock);` (or `if (!cond) cv.wait(lock);`): the
    // condition of the nearest loop, or `if` whose then-branch holds the
    // wait, checked under the lock (taken outside that statement).
    const Stmt *Loop = nullptr;
    const Expr *Cond = nullptr;
    llvm::SmallVector<const Stmt *, 8> Chain;
    enclosingFunction(Call, Ctx, &Chain);
    for (const Stmt *P : Chain) {
      if (isLoop(P)) {
        Loop = P;
        Cond = loopCondition(P);
        break;
      }
      if (const auto *If = dyn_cast<IfStmt>(P);
          If && If->getThen() && isInside(Call, If->getThen(), Ctx)) {
        Loop = P;
        Cond = If->getConditionVariable() ? nullptr : If->getCond();
        break;
      }
    }
    if (!Cond || isInside(Call, Cond, Ctx))
      return;
    if (Guard) {
      const Stmt *GuardStmt = nullptr;
      anyStmt(
          userBody(FD),
          [&](const Stmt *S) {
            if (const auto *DS = dyn_cast<DeclStmt>(S))
              for (const Decl *D : DS->decls())
                if (D == Guard)
                  GuardStmt = DS;
            return GuardStmt != nullptr;
          },
          LambdaBodies::Skip);
      if (!GuardStmt || isInside(GuardStmt, Loop, Ctx))
        return; // the condition is checked without the mutex
    }
    addReads(Cond, FD, 0, W.Reads, Seen);
  }
  if (W.Reads.empty())
    return;
  const unsigned Index = Waits.size();
  for (const ValueDecl *V : W.Reads)
    WaitsReading[canon(V)].push_back(Index);
  Waits.push_back(std::move(W));
}

static bool isBoolLiteral(const Expr *E) {
  return E && isa<CXXBoolLiteralExpr>(E->IgnoreParenImpCasts());
}

static bool boolValue(const Expr *E) {
  return cast<CXXBoolLiteralExpr>(E->IgnoreParenImpCasts())->getValue();
}

/// A write of a variable of a wait condition: an assignment, `++`/`--`, a
/// non-const member call whose result is not an accessor's (`store`,
/// `exchange`, `fetch_add`, `push`, `clear`).
std::optional<WriteInfo> Finder::writeOf(const Expr *E) const {
  const Expr *Target = nullptr;
  bool Literal = false, Value = false;
  if (const auto *BO = dyn_cast<BinaryOperator>(E)) {
    if (!BO->isAssignmentOp())
      return std::nullopt;
    Target = BO->getLHS();
    Literal = BO->getOpcode() == BO_Assign && isBoolLiteral(BO->getRHS());
    Value = Literal && boolValue(BO->getRHS());
  } else if (const auto *UO = dyn_cast<UnaryOperator>(E)) {
    if (!UO->isIncrementDecrementOp())
      return std::nullopt;
    Target = UO->getSubExpr();
  } else if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(E)) {
    const OverloadedOperatorKind K = Op->getOperator();
    if (!(Op->isAssignmentOp() || K == OO_PlusPlus || K == OO_MinusMinus) ||
        Op->getNumArgs() < 1)
      return std::nullopt;
    Target = Op->getArg(0);
    Literal =
        K == OO_Equal && Op->getNumArgs() == 2 && isBoolLiteral(Op->getArg(1));
    Value = Literal && boolValue(Op->getArg(1));
  } else if (const auto *MC = dyn_cast<CXXMemberCallExpr>(E)) {
    const CXXMethodDecl *MD = MC->getMethodDecl();
    if (!MD || MD->isConst() || isa<CXXConversionDecl>(MD) ||
        !MC->getImplicitObjectArgument())
      return std::nullopt;
    const QualType R = MD->getReturnType();
    const bool Discarded = isa_and_nonnull<CompoundStmt>(
        parentOf(*static_cast<const Stmt *>(E), Ctx).get<Stmt>());
    if (!(R->isVoidType() || R->isScalarType()) || R->isPointerType())
      if (!Discarded)
        return std::nullopt;
    if (Lib.syncOp(MC) != SyncOp::None)
      return std::nullopt;
    Target = MC->getImplicitObjectArgument();
    Literal = MC->getNumArgs() >= 1 && isBoolLiteral(MC->getArg(0));
    Value = Literal && boolValue(MC->getArg(0));
  } else {
    return std::nullopt;
  }
  const ValueDecl *V = StopAwareness::objectKey(Target);
  if (!V || !WaitsReading.count(canon(V)))
    return std::nullopt;
  WriteInfo W;
  W.E = E;
  W.Var = V;
  W.BoolLiteral = Literal;
  W.Value = Value;
  W.MemberCall = isa<CXXMemberCallExpr>(E);
  return W;
}

} // namespace lostwakeup
} // namespace taskleak
