//===--- LostWakeup.cpp - notifications a waiter can miss -----------------===//
#include "lib/LostWakeup.h"
#include "lib/AstNav.h"
#include "lib/Expressions.h"
#include "lib/StopAwareness.h"
#include "lib/TaskBody.h"
#include "lib/TripCounts.h"
#include "lib/fixits/LockWrite.h"

#include "clang/AST/DeclCXX.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringSet.h"

using namespace clang;

namespace taskleak {
namespace {

using SyncOp = Library::SyncOp;

const Decl *canon(const ValueDecl *D) {
  return D ? D->getCanonicalDecl() : nullptr;
}

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

/// A wait on a condition variable and what its condition reads.
struct WaitInfo {
  const CallExpr *Call = nullptr;
  SourceLocation Loc; ///< the wait member's name
  const FunctionDecl *FD = nullptr;
  const ValueDecl *CondVar = nullptr;
  const ValueDecl *Mutex = nullptr;
  llvm::SmallVector<const ValueDecl *, 4> Reads;
  /// The predicate's function, whose writes are not the writer's.
  const FunctionDecl *Predicate = nullptr;
  bool Timed = false;
};

/// A write of a variable some wait condition reads.
struct WriteInfo {
  const Expr *E = nullptr;
  const FunctionDecl *FD = nullptr;
  const ValueDecl *Var = nullptr;
  bool BoolLiteral = false; ///< sets a constant true/false (a close)
  bool Value = false;       ///< that constant
  /// A member call (`push`, `pop`, `clear`): it may make the condition
  /// false as well as true.
  bool MemberCall = false;
};

/// What comes first after a statement.
enum class Event : std::uint8_t { None, Notify, Acquire };

class Finder {
public:
  Finder(TaskAnalysis &TA, ASTContext &Ctx, bool TimedWaits)
      : TA(TA), Lib(TA.library()), Ctx(Ctx), SM(Ctx.getSourceManager()),
        TimedWaits(TimedWaits) {}

  std::vector<LostWakeupFinding> run();

private:
  // --- Facts ---------------------------------------------------------------
  void collectFunctions();
  void collectWait(const CallExpr *Call, const Expr *Object,
                   const FunctionDecl *FD, bool Timed);
  std::optional<bool> wakingValue(const WaitInfo &W, const ValueDecl *V);
  void neverNotifiedRule(const WriteInfo &Wr,
                         std::vector<LostWakeupFinding> &Out);
  void addReads(const Stmt *S, const FunctionDecl *Waiter, unsigned Depth,
                llvm::SmallVectorImpl<const ValueDecl *> &Out,
                llvm::DenseSet<const FunctionDecl *> &Seen);
  const ValueDecl *sharedVariable(const Expr *E,
                                  const FunctionDecl *Waiter) const;
  const ValueDecl *mutexOfLock(const Expr *Lock, const FunctionDecl *FD,
                               const VarDecl **Guard) const;
  const ValueDecl *guardedMutex(const VarDecl *Guard, const ValueDecl *Mutex,
                                bool *Deferred) const;
  std::optional<WriteInfo> writeOf(const Expr *E) const;

  // --- Order and locks -----------------------------------------------------
  bool isBefore(const Stmt *A, const Stmt *B) const {
    return SM.isBeforeInTranslationUnit(A->getBeginLoc(), B->getBeginLoc());
  }
  /// Calls \p F on the statements after \p S in its block and the blocks
  /// around it, in order, up to the body of its function; F returns true
  /// to stop.
  void forEachAfter(const Stmt *S, llvm::function_ref<bool(const Stmt *)> F);
  const void *heldAt(const Stmt *S, const ValueDecl *Mutex);
  const void *firstBefore(const Stmt *S, llvm::ArrayRef<const Stmt *> Chain,
                          const Stmt *Body,
                          llvm::function_ref<const void *(const Stmt *)> F);
  bool guardLockedAt(const VarDecl *VD, const DeclStmt *DS, const Stmt *S,
                     const Stmt *Body, bool Deferred);
  const VarDecl *guardHolding(const Stmt *Child, const Stmt *S,
                              const ValueDecl *Mutex, const Stmt *Body);
  const CallExpr *unknownLockCall(const Stmt *Child,
                                  const ValueDecl *Mutex) const;
  const CXXMemberCallExpr *lockedByCall(const Stmt *S, const ValueDecl *Mutex,
                                        const Stmt *Body) const;
  bool heldOnEntry(const FunctionDecl *FD, const ValueDecl *Mutex,
                   unsigned Depth);
  bool onlyFromConstructors(const FunctionDecl *FD, unsigned Depth);
  const CXXMemberCallExpr *
  notifyAfterCallers(const FunctionDecl *FD, const WaitInfo &W, unsigned Depth);
  const FunctionDecl *rootOf(const FunctionDecl *FD);
  bool reaches(const FunctionDecl *Task, const FunctionDecl *Target);
  Event eventOf(const Stmt *X, const WaitInfo &W, unsigned Depth,
                const CXXMemberCallExpr **Notify, bool NotifyOnly);
  Event firstEventAfter(const Stmt *S, const WaitInfo &W,
                        const CXXMemberCallExpr **Notify, bool NotifyOnly);
  bool isNotifyOf(const Stmt *X, const ValueDecl *CondVar) const;
  bool afterJoinOrBeforeSpawn(const WriteInfo &W);

  // --- Rules ---------------------------------------------------------------
  void writeRules(const WriteInfo &Wr, std::vector<LostWakeupFinding> &Out);
  bool isWait(const Stmt *Y) const;
  const CXXMemberCallExpr *notifyBeforeWrite(const WriteInfo &Wr,
                                             const WaitInfo &W);
  void notifyOneRule(std::vector<LostWakeupFinding> &Out);
  struct CloseWrite {
    const Expr *E = nullptr;
    const ValueDecl *Var = nullptr;
    bool AlsoAll = false; ///< the function also notifies every waiter
  };
  CloseWrite closeBefore(const CXXMemberCallExpr *N, const ValueDecl *CV,
                         const FunctionDecl *FD);
  bool handedBack(const ValueDecl *CV, const ValueDecl *ClosedVar);
  bool severalWaiters(const ValueDecl *CV, LostWakeupFinding &F);
  void notifyOneAt(const CXXMemberCallExpr *N, const FunctionDecl *FD,
                   std::vector<LostWakeupFinding> &Out);
  void fixWrite(LostWakeupFinding &F, const WriteInfo &Wr);

  TaskAnalysis &TA;
  const Library &Lib;
  ASTContext &Ctx;
  const SourceManager &SM;
  const bool TimedWaits;
  std::vector<const FunctionDecl *> Functions;
  std::vector<WaitInfo> Waits;
  llvm::DenseMap<const Decl *, llvm::SmallVector<unsigned, 2>> WaitsReading;
  llvm::DenseMap<
      const FunctionDecl *,
      llvm::SmallVector<std::pair<const CallExpr *, const FunctionDecl *>, 2>>
      Callers;
  llvm::DenseSet<const FunctionDecl *> Predicates;
  llvm::DenseMap<const FunctionDecl *, const LambdaExpr *> Lambdas;
  std::vector<SpawnSite> Spawns;
  /// Names called where a template leaves the callee unresolved: such a
  /// function may have callers that are not in Callers.
  llvm::StringSet<> UnresolvedCalls;
  bool mayHaveHiddenCallers(const FunctionDecl *FD) const {
    return FD->getIdentifier() && UnresolvedCalls.count(FD->getName());
  }
};

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

// --- Order and locks --------------------------------------------------------

void Finder::forEachAfter(const Stmt *S,
                          llvm::function_ref<bool(const Stmt *)> F) {
  llvm::SmallVector<const Stmt *, 8> Chain;
  enclosingFunction(S, Ctx, &Chain);
  const Stmt *Prev = S;
  for (const Stmt *P : Chain) {
    if (const auto *CS = dyn_cast<CompoundStmt>(P)) {
      bool After = false;
      for (const Stmt *Child : CS->body()) {
        if (After && anyStmt(Child, F, LambdaBodies::Skip))
          return;
        if (Child == Prev)
          After = true;
      }
    }
    // A condition is followed by the branches or the body it controls.
    if (const auto *If = dyn_cast<IfStmt>(P)) {
      if (Prev == If->getCond() &&
          (anyStmt(If->getThen(), F, LambdaBodies::Skip) ||
           anyStmt(If->getElse(), F, LambdaBodies::Skip)))
        return;
    } else if (isLoop(P) && Prev == loopCondition(P)) {
      if (anyStmt(loopBody(P), F, LambdaBodies::Skip))
        return;
    }
    if (isa<LambdaExpr>(P))
      return;
    Prev = P;
  }
}

/// Calls \p F on each statement before \p S in its block and in the blocks
/// around it (\p Chain, from enclosingFunction), up to \p Body; returns the
/// first non-null answer.
const void *
Finder::firstBefore(const Stmt *S, llvm::ArrayRef<const Stmt *> Chain,
                    const Stmt *Body,
                    llvm::function_ref<const void *(const Stmt *)> F) {
  const Stmt *Prev = S;
  for (const Stmt *P : Chain) {
    if (const auto *CS = dyn_cast<CompoundStmt>(P))
      for (const Stmt *Child : CS->body()) {
        if (Child == Prev)
          break;
        if (const void *Found = F(Child))
          return Found;
      }
    if (P == Body)
      break;
    Prev = P;
  }
  return nullptr;
}

/// Whether guard \p VD, declared by \p DS, holds its mutex at \p S: the
/// last lock() or unlock() on it before S decides, else whether it was
/// constructed locked (not \p Deferred).
bool Finder::guardLockedAt(const VarDecl *VD, const DeclStmt *DS,
                           const Stmt *S, const Stmt *Body, bool Deferred) {
  bool Held = !Deferred;
  forEachStmt(
      Body,
      [&](const Stmt *X) {
        const auto *MC = dyn_cast<CXXMemberCallExpr>(X);
        if (!MC || !isBefore(DS, MC) || !isBefore(MC, S))
          return;
        const ValueDecl *K =
            StopAwareness::objectKey(MC->getImplicitObjectArgument());
        if (canon(K) != VD->getCanonicalDecl())
          return;
        const SyncOp Op = Lib.syncOp(MC);
        if (Op == SyncOp::Lock)
          Held = true;
        else if (Op == SyncOp::Unlock)
          Held = false;
      },
      LambdaBodies::Skip);
  return Held;
}

/// A lock guard of \p Mutex that \p Child (a statement before \p S)
/// declares and that holds it at S.
const VarDecl *Finder::guardHolding(const Stmt *Child, const Stmt *S,
                                    const ValueDecl *Mutex, const Stmt *Body) {
  const auto *DS = dyn_cast<DeclStmt>(Child);
  if (!DS)
    return nullptr;
  for (const Decl *D : DS->decls()) {
    const auto *VD = dyn_cast<VarDecl>(D);
    if (!VD)
      continue;
    // An object that is not a modelled guard but is given the mutex (a
    // guard of the project's own, a guard of a dependent type): assume it
    // holds it.
    if (!Lib.lockGuard(VD->getType()) && VD->getInit() &&
        !Lib.mutexModel(VD->getType()) && namesDecl(VD->getInit(), Mutex))
      return VD;
    bool Deferred = false;
    if (guardedMutex(VD, Mutex, &Deferred) &&
        guardLockedAt(VD, DS, S, Body, Deferred))
      return VD;
  }
  return nullptr;
}

/// A call in \p Child that the models do not know and that is given
/// \p Mutex (a lock helper, try_lock): assume it leaves the mutex held.
const CallExpr *Finder::unknownLockCall(const Stmt *Child,
                                        const ValueDecl *Mutex) const {
  const CallExpr *Unknown = nullptr;
  anyStmt(
      Child,
      [&](const Stmt *X) {
        const auto *Call = dyn_cast<CallExpr>(X);
        const auto *MC = dyn_cast_or_null<CXXMemberCallExpr>(Call);
        if (!Call || (MC && Lib.syncOp(MC) != SyncOp::None))
          return false;
        for (const Expr *Arg : Call->arguments())
          if (namesDecl(Arg, Mutex))
            Unknown = Call;
        if (MC && canon(StopAwareness::objectKey(
                      MC->getImplicitObjectArgument())) == canon(Mutex))
          Unknown = Call;
        return Unknown != nullptr;
      },
      LambdaBodies::Skip);
  return Unknown;
}

/// m.lock() ... m.unlock() in \p Body: the last of them before \p S, when
/// it is a lock().
const CXXMemberCallExpr *Finder::lockedByCall(const Stmt *S,
                                              const ValueDecl *Mutex,
                                              const Stmt *Body) const {
  const CXXMemberCallExpr *Last = nullptr;
  bool Held = false;
  forEachStmt(
      Body,
      [&](const Stmt *X) {
        const auto *MC = dyn_cast<CXXMemberCallExpr>(X);
        if (!MC || !isBefore(MC, S) ||
            !Lib.mutexModel(MC->getImplicitObjectArgument()
                                ->IgnoreParenImpCasts()
                                ->getType()))
          return;
        const ValueDecl *K =
            StopAwareness::objectKey(MC->getImplicitObjectArgument());
        const SyncOp Op = Lib.syncOp(MC);
        // A lock of what may be the mutex counts; an unlock only of the mutex.
        if (Op == SyncOp::Lock ? !mayBeSame(K, Mutex)
                               : canon(K) != canon(Mutex))
          return;
        if (Op == SyncOp::Lock || Op == SyncOp::Unlock) {
          Held = Op == SyncOp::Lock;
          Last = MC;
        }
      },
      LambdaBodies::Skip);
  return Held ? Last : nullptr;
}

/// What holds \p Mutex at \p S in its function (a lock guard variable, or
/// the lock() call), or null when it is not held.
const void *Finder::heldAt(const Stmt *S, const ValueDecl *Mutex) {
  llvm::SmallVector<const Stmt *, 8> Chain;
  const FunctionDecl *FD = enclosingFunction(S, Ctx, &Chain);
  if (!FD)
    return nullptr;
  const Stmt *Body = userBody(FD);
  // Lock guards declared before S in the blocks around it.
  if (const void *Guard = firstBefore(S, Chain, Body, [&](const Stmt *Child) {
        return guardHolding(Child, S, Mutex, Body);
      }))
    return Guard;
  // A call the models do not know that is given the mutex, in a statement
  // before S of the blocks around it.
  if (const void *Call = firstBefore(S, Chain, Body, [&](const Stmt *Child) {
        return unknownLockCall(Child, Mutex);
      }))
    return Call;
  return lockedByCall(S, Mutex, Body);
}

/// Whether \p FD runs with \p Mutex held from its start: it says so (a
/// thread-safety annotation requiring a capability, a name ending in
/// "Locked"), it is a lambda given to a call together with the mutex or
/// created where the mutex is held, or it has callers in the translation
/// unit and each holds it at the call (or is itself entered with it held),
/// CallDepth levels up.
bool Finder::heldOnEntry(const FunctionDecl *FD, const ValueDecl *Mutex,
                         unsigned Depth) {
  if (!FD || Depth >= TA.callDepth())
    return false;
  if (FD->hasAttr<RequiresCapabilityAttr>())
    return true;
  if (const IdentifierInfo *II = FD->getIdentifier()) {
    const StringRef Name = II->getName();
    if ((Name.ends_with("Locked") || Name.ends_with("_locked")) &&
        !Name.ends_with("Unlocked") && !Name.ends_with("_unlocked"))
      return true;
  }
  if (auto L = Lambdas.find(FD); L != Lambdas.end()) {
    if (heldAt(L->second, Mutex))
      return true;
    DynTypedNode N = parentOf(*static_cast<const Stmt *>(L->second), Ctx);
    for (int Up = 0; Up < 4 && !N.get<CallExpr>() &&
                     !N.get<CXXConstructExpr>() && N.get<Expr>();
         ++Up)
      N = parentOf(N, Ctx);
    if (const auto *E = N.get<Expr>())
      if ((isa<CallExpr>(E) || isa<CXXConstructExpr>(E)) && namesDecl(E, Mutex))
        return true;
    return false;
  }
  // A caller a template hides may hold it.
  if (mayHaveHiddenCallers(FD))
    return true;
  auto It = Callers.find(FD->getCanonicalDecl());
  if (It == Callers.end() || It->second.empty())
    return false;
  for (const auto &[Call, Caller] : It->second)
    if (!heldAt(Call, Mutex) && !heldOnEntry(Caller, Mutex, Depth + 1))
      return false;
  return true;
}

/// Whether every caller of \p FD in the translation unit is a constructor
/// (or only called by constructors): it runs before any waiter exists.
bool Finder::onlyFromConstructors(const FunctionDecl *FD, unsigned Depth) {
  if (!FD || Depth >= TA.callDepth())
    return false;
  auto It = Callers.find(FD->getCanonicalDecl());
  if (It == Callers.end() || It->second.empty())
    return false;
  for (const auto &[Call, Caller] : It->second)
    if (!isa<CXXConstructorDecl>(Caller) &&
        !onlyFromConstructors(Caller, Depth + 1))
      return false;
  return true;
}

/// A notification of the wait's condition variable after a call of \p FD,
/// in a caller that does not hold the mutex there and acquires it not
/// before the notification (CallDepth levels up).
const CXXMemberCallExpr *Finder::notifyAfterCallers(const FunctionDecl *FD,
                                                    const WaitInfo &W,
                                                    unsigned Depth) {
  if (!FD || Depth >= TA.callDepth())
    return nullptr;
  auto It = Callers.find(FD->getCanonicalDecl());
  if (It == Callers.end())
    return nullptr;
  for (const auto &[Call, Caller] : It->second) {
    if (isa<CXXConstructorDecl>(Caller) || Predicates.count(Caller) ||
        heldAt(Call, W.Mutex) || heldOnEntry(Caller, W.Mutex, 0))
      continue;
    const CXXMemberCallExpr *N = nullptr;
    const Event E = firstEventAfter(Call, W, &N, /*NotifyOnly=*/false);
    if (E == Event::Notify)
      return N;
    if (E == Event::None)
      if (const CXXMemberCallExpr *Up =
              notifyAfterCallers(Caller, W, Depth + 1))
        return Up;
  }
  return nullptr;
}

/// The function a thread enters to reach \p FD: the task of a spawn that
/// reaches it, else its only caller (CallDepth levels up), else itself.
const FunctionDecl *Finder::rootOf(const FunctionDecl *FD) {
  for (unsigned D = 0; D < TA.callDepth(); ++D) {
    auto It = Callers.find(FD->getCanonicalDecl());
    if (It == Callers.end() || It->second.empty())
      break;
    const FunctionDecl *Only = It->second.front().second;
    for (const auto &[Call, Caller] : It->second)
      if (Caller->getCanonicalDecl() != Only->getCanonicalDecl()) {
        Only = nullptr; // callers of two functions: no single root
        break;
      }
    if (!Only || Only->getCanonicalDecl() == FD->getCanonicalDecl())
      break;
    FD = Only;
  }
  return FD;
}

bool Finder::isNotifyOf(const Stmt *X, const ValueDecl *CondVar) const {
  const auto *MC = dyn_cast<CXXMemberCallExpr>(X);
  if (!MC)
    return false;
  const SyncOp Op = Lib.syncOp(MC);
  if (Op != SyncOp::NotifyOne && Op != SyncOp::NotifyAll)
    return false;
  const ValueDecl *K =
      StopAwareness::objectKey(MC->getImplicitObjectArgument());
  if (!K || canon(K) == canon(CondVar))
    return K != nullptr;
  // A condition variable held by reference (a worker's `cv_` bound to its
  // pool's) may be the one notified: the same class, one of them a
  // reference, pointer or parameter.
  auto Indirect = [](const ValueDecl *D) {
    return isa<ParmVarDecl>(D) || D->getType()->isReferenceType() ||
           D->getType()->isPointerType();
  };
  const CXXRecordDecl *A = Lib.accessedRecord(K->getType());
  const CXXRecordDecl *B = Lib.accessedRecord(CondVar->getType());
  return (Indirect(K) || Indirect(CondVar)) && A && B &&
         A->getCanonicalDecl() == B->getCanonicalDecl();
}

/// Whether \p X notifies the wait's condition variable or acquires its
/// mutex (itself, or in a function it calls, CallDepth levels).
Event Finder::eventOf(const Stmt *X, const WaitInfo &W, unsigned Depth,
                      const CXXMemberCallExpr **Notify, bool NotifyOnly) {
  if (isNotifyOf(X, W.CondVar)) {
    if (Notify && !*Notify)
      *Notify = cast<CXXMemberCallExpr>(X);
    return Event::Notify;
  }
  if (const auto *DS = dyn_cast<DeclStmt>(X); DS && !NotifyOnly)
    for (const Decl *D : DS->decls()) {
      if (const auto *VD = dyn_cast<VarDecl>(D))
        if (!Lib.lockGuard(VD->getType()) && VD->getInit() &&
            !Lib.mutexModel(VD->getType()) && namesDecl(VD->getInit(), W.Mutex))
          return Event::Acquire; // a guard the models do not know
      bool Deferred = false;
      if (const auto *VD = dyn_cast<VarDecl>(D))
        if (guardedMutex(VD, W.Mutex, &Deferred) && !Deferred)
          return Event::Acquire;
    }
  if (const auto *MC = dyn_cast<CXXMemberCallExpr>(X); MC && !NotifyOnly) {
    if (Lib.syncOp(MC) == SyncOp::Lock) {
      const ValueDecl *K =
          StopAwareness::objectKey(MC->getImplicitObjectArgument());
      if (Lib.mutexModel(MC->getImplicitObjectArgument()
                             ->IgnoreParenImpCasts()
                             ->getType()) &&
          mayBeSame(K, W.Mutex))
        return Event::Acquire;
      if (const auto *G = dyn_cast_or_null<VarDecl>(K))
        if (guardedMutex(G, W.Mutex, nullptr))
          return Event::Acquire;
    }
  }
  if (const auto *Call = dyn_cast<CallExpr>(X); Call && !NotifyOnly) {
    const auto *MC = dyn_cast<CXXMemberCallExpr>(Call);
    if (!MC || Lib.syncOp(MC) == SyncOp::None) {
      for (const Expr *Arg : Call->arguments())
        if (namesDecl(Arg, W.Mutex))
          return Event::Acquire; // a lock helper the models do not know
      if (MC && canon(StopAwareness::objectKey(
                    MC->getImplicitObjectArgument())) == canon(W.Mutex))
        return Event::Acquire; // try_lock(), a member the models do not know
    }
  }
  if (const auto *Call = dyn_cast<CallExpr>(X)) {
    const FunctionDecl *Callee = Call->getDirectCallee();
    if (Depth < TA.callDepth() && TA.isAnalysable(Callee)) {
      Event First = Event::None;
      anyStmt(
          userBody(Callee),
          [&](const Stmt *Y) {
            First = eventOf(Y, W, Depth + 1, Notify, NotifyOnly);
            return First != Event::None;
          },
          LambdaBodies::Skip);
      if (First != Event::None)
        return First;
    }
  }
  return Event::None;
}

Event Finder::firstEventAfter(const Stmt *S, const WaitInfo &W,
                              const CXXMemberCallExpr **Notify,
                              bool NotifyOnly) {
  Event First = Event::None;
  forEachAfter(S, [&](const Stmt *X) {
    First = eventOf(X, W, 0, Notify, NotifyOnly);
    return First != Event::None;
  });
  return First;
}

/// Writes no waiter can see: after a join of a thread in the same function
/// (the waiters are gone), or before a spawn in it (none is there yet).
bool Finder::afterJoinOrBeforeSpawn(const WriteInfo &W) {
  bool Found = false;
  anyStmt(
      userBody(W.FD),
      [&](const Stmt *X) {
        if (const auto *MC = dyn_cast<CXXMemberCallExpr>(X))
          if (isBefore(MC, W.E))
            if (const ThreadClassModel *T = Lib.threadClass(
                    Lib.accessedRecord(MC->getImplicitObjectArgument()
                                           ->IgnoreParenImpCasts()
                                           ->getType())))
              if (MC->getMethodDecl() && MC->getMethodDecl()->getIdentifier() &&
                  Library::isJoin(*T, MC->getMethodDecl()->getName()))
                Found = true;
        return Found;
      },
      LambdaBodies::Skip);
  if (Found)
    return true;
  for (const SpawnSite &S : Spawns)
    if (enclosingFunction(S.Call, Ctx) == W.FD && isBefore(W.E, S.Call))
      return true;
  return false;
}

// --- Rules -------------------------------------------------------------------

/// Whether \p Y blocks: a blocking wait or a wait the models know (also
/// unresolved in a template).
bool Finder::isWait(const Stmt *Y) const {
  if (const auto *MC = dyn_cast<CXXMemberCallExpr>(Y))
    if (!Lib.blockingWait(MC).empty() || Lib.syncOp(MC) == SyncOp::Wait ||
        Lib.syncOp(MC) == SyncOp::TimedWait)
      return true;
  if (const auto *C = dyn_cast<CallExpr>(Y))
    if (const auto *U =
            dyn_cast<UnresolvedMemberExpr>(C->getCallee()->IgnoreParens()))
      return !U->isImplicitAccess() && U->getMemberName().isIdentifier() &&
             Lib.syncOp(U->getBaseType(),
                        U->getMemberName().getAsIdentifierInfo()->getName()) !=
                 SyncOp::None;
  return false;
}

/// Rule 2: a notification of the wait's condition variable before the
/// write \p Wr in its function, that reaches the write with no wait in
/// between and not in the same critical section.
const CXXMemberCallExpr *Finder::notifyBeforeWrite(const WriteInfo &Wr,
                                                   const WaitInfo &W) {
  const CXXMemberCallExpr *Before = nullptr;
  anyStmt(
      userBody(Wr.FD),
      [&](const Stmt *X) {
        if (!isNotifyOf(X, W.CondVar) || !isBefore(X, Wr.E))
          return false;
        // A wait between them starts another round: the write answers some
        // other notification.
        bool Reaches = false, Blocked = false;
        forEachAfter(X, [&](const Stmt *Y) {
          Reaches = Y == Wr.E;
          if (isWait(Y))
            Blocked = true;
          return Reaches || Blocked;
        });
        if (Blocked || !Reaches)
          return false;
        const void *AtNotify = heldAt(X, W.Mutex);
        if (AtNotify && AtNotify == heldAt(Wr.E, W.Mutex))
          return false; // one critical section
        Before = cast<CXXMemberCallExpr>(X);
        return true;
      },
      LambdaBodies::Skip);
  return Before;
}

void Finder::writeRules(const WriteInfo &Wr,
                        std::vector<LostWakeupFinding> &Out) {
  auto It = WaitsReading.find(canon(Wr.Var));
  if (It == WaitsReading.end())
    return;
  for (const unsigned I : It->second) {
    const WaitInfo &W = Waits[I];
    const bool Held = heldAt(Wr.E, W.Mutex) || heldOnEntry(Wr.FD, W.Mutex, 0);
    const CXXMemberCallExpr *Notify = nullptr;
    const Event E = firstEventAfter(Wr.E, W, &Notify, /*NotifyOnly=*/Held);
    if (E == Event::Acquire)
      continue; // serialised with the waiter before the notification
    LostWakeupFinding F;
    F.Write = Wr.E;
    F.WaitLoc = W.Loc;
    F.Variable = Wr.Var;
    F.Mutex = W.Mutex;
    F.CondVar = W.CondVar;
    if (E == Event::Notify) {
      if (Held)
        continue; // written under the mutex, notified after
      F.K = LostWakeupFinding::WriteWithoutMutex;
      F.Notify = Notify;
      fixWrite(F, Wr);
      Out.push_back(std::move(F));
      return;
    }
    // The write is the last word of a helper: a caller that does not hold
    // the mutex and notifies after the call (no fix-it: another caller may
    // call the helper with the mutex held).
    if (!Held && E == Event::None)
      if (const CXXMemberCallExpr *N = notifyAfterCallers(Wr.FD, W, 0)) {
        F.K = LostWakeupFinding::WriteWithoutMutex;
        F.Notify = N;
        F.NotifyInCaller = true;
        F.Notified = StopAwareness::objectKey(N->getImplicitObjectArgument());
        Out.push_back(std::move(F));
        return;
      }
    if (!Held &&
        firstEventAfter(Wr.E, W, nullptr, /*NotifyOnly=*/true) != Event::None)
      continue; // notified after a critical section that follows the write
    // Rule 2: a notification before the write, and none after it. Only
    // for assignments and ++/--: a member call (a container's pop) may as
    // well consume what the waiter waits for.
    if (W.FD == Wr.FD || Wr.MemberCall)
      continue; // the waiter's own update of its condition
    if (const CXXMemberCallExpr *Before = notifyBeforeWrite(Wr, W)) {
      F.K = LostWakeupFinding::NotifyBeforeWrite;
      F.Notify = Before;
      Out.push_back(std::move(F));
      return;
    }
  }
}

/// The value of \p V that makes the predicate of \p W true, when the
/// predicate's body is `return e;` and \p V appears in e only as a truth
/// value, possibly negated, inside `||`/`&&` (`stop_ || !q_.empty()`,
/// `!running_.load()`); none otherwise.
std::optional<bool> Finder::wakingValue(const WaitInfo &W, const ValueDecl *V) {
  const auto *Body = W.Predicate
                         ? dyn_cast_or_null<CompoundStmt>(userBody(W.Predicate))
                         : nullptr;
  if (!Body || Body->size() != 1 || !isa<ReturnStmt>(Body->body_front()))
    return std::nullopt;
  const Expr *Ret = cast<ReturnStmt>(Body->body_front())->getRetValue();
  std::optional<bool> Out;
  bool Unknown = false;
  // Down from the return value; Neg counts the negations passed.
  std::function<void(const Expr *, bool)> Down = [&](const Expr *E, bool Neg) {
    if (!E || Unknown)
      return;
    E = E->IgnoreParenImpCasts();
    if (const auto *U = dyn_cast<UnaryOperator>(E);
        U && U->getOpcode() == UO_LNot)
      return Down(U->getSubExpr(), !Neg);
    if (const auto *B = dyn_cast<BinaryOperator>(E);
        B && (B->getOpcode() == BO_LOr || B->getOpcode() == BO_LAnd)) {
      Down(B->getLHS(), Neg);
      Down(B->getRHS(), Neg);
      return;
    }
    // `v`, `v.load()`, `v.operator bool()`.
    const Expr *Obj = E;
    if (const auto *MC = dyn_cast<CXXMemberCallExpr>(E))
      if (MC->getMethodDecl() && MC->getMethodDecl()->isConst() &&
          MC->getNumArgs() <= 1 && MC->getType()->isBooleanType())
        Obj = MC->getImplicitObjectArgument()->IgnoreParenImpCasts();
    if (isa<MemberExpr>(Obj) || isa<DeclRefExpr>(Obj)) {
      const ValueDecl *K = StopAwareness::objectKey(Obj);
      if (K && canon(K) == canon(V)) {
        if (Out && *Out != !Neg)
          Unknown = true;
        Out = !Neg;
      }
      return;
    }
    if (namesDecl(E, V))
      Unknown = true; // compared, counted, called: no truth value of its own
  };
  Down(Ret, false);
  if (Unknown)
    return std::nullopt;
  return Out;
}

/// Rule 3: a close (a constant written to a variable of a predicate, the
/// value that makes the predicate true) after which nothing notifies the
/// condition variable: not the function, not the functions it calls, not a
/// caller after the call. Only for waits with a predicate and no deadline;
/// a wait whose loop tests the flag is blocking-wait-ignores-stop-token's.
void Finder::neverNotifiedRule(const WriteInfo &Wr,
                               std::vector<LostWakeupFinding> &Out) {
  if (!Wr.BoolLiteral)
    return;
  auto It = WaitsReading.find(canon(Wr.Var));
  if (It == WaitsReading.end())
    return;
  for (const unsigned I : It->second) {
    const WaitInfo &W = Waits[I];
    if (!W.Predicate || W.Timed || W.FD == Wr.FD)
      continue;
    std::optional<bool> Waking = wakingValue(W, Wr.Var);
    if (!Waking || *Waking != Wr.Value)
      continue;
    // The waiter's own thread closing its loop is no stop path.
    bool SameThread = rootOf(Wr.FD) == rootOf(W.FD);
    for (const SpawnSite &S : Spawns)
      if (S.Task.Function && reaches(S.Task.Function, W.FD) &&
          reaches(S.Task.Function, Wr.FD))
        SameThread = true;
    if (SameThread)
      continue;
    // Any notification of the condition variable in the function (before
    // or after, in a callee) or after a call of it.
    const bool Notified = anyStmt(
        userBody(Wr.FD),
        [&](const Stmt *X) {
          return eventOf(X, W, 0, nullptr, /*NotifyOnly=*/true) ==
                 Event::Notify;
        },
        LambdaBodies::Skip);
    if (Notified || mayHaveHiddenCallers(Wr.FD))
      continue;
    if (auto C = Callers.find(Wr.FD->getCanonicalDecl()); C != Callers.end()) {
      bool CallerNotifies = false;
      for (const auto &[Call, Caller] : C->second) {
        const CXXMemberCallExpr *N = nullptr;
        CallerNotifies |=
            firstEventAfter(Call, W, &N, /*NotifyOnly=*/true) == Event::Notify;
      }
      if (CallerNotifies || !C->second.empty())
        continue; // a helper: its callers decide what wakes the waiter
    }
    LostWakeupFinding F;
    F.K = LostWakeupFinding::NeverNotified;
    F.Write = Wr.E;
    F.WaitLoc = W.Loc;
    F.Variable = Wr.Var;
    F.Mutex = W.Mutex;
    F.CondVar = W.CondVar;
    Out.push_back(std::move(F));
    return;
  }
}

/// Whether \p Task reaches \p Target through calls into the translation
/// unit (CallDepth levels), or is it.
bool Finder::reaches(const FunctionDecl *Task, const FunctionDecl *Target) {
  llvm::SmallVector<std::pair<const FunctionDecl *, unsigned>, 8> Work{
      {Task, 0}};
  llvm::DenseSet<const FunctionDecl *> Seen;
  while (!Work.empty()) {
    const FunctionDecl *F = Work.back().first;
    const unsigned D = Work.back().second;
    Work.pop_back();
    if (!F || !Seen.insert(F->getCanonicalDecl()).second)
      continue;
    if (F->getCanonicalDecl() == Target->getCanonicalDecl())
      return true;
    if (D >= TA.callDepth())
      continue;
    anyStmt(
        userBody(F),
        [&](const Stmt *X) {
          if (const auto *C = dyn_cast<CallExpr>(X))
            if (TA.isAnalysable(C->getDirectCallee()))
              Work.push_back({C->getDirectCallee(), D + 1});
          return false;
        },
        LambdaBodies::Skip);
  }
  return false;
}

/// The close before notify_one \p N in \p FD: a constant written to a
/// variable that the waits on \p CV read, with the notify after it; and
/// whether FD also notifies every waiter of CV.
Finder::CloseWrite Finder::closeBefore(const CXXMemberCallExpr *N,
                                       const ValueDecl *CV,
                                       const FunctionDecl *FD) {
  CloseWrite Out;
  forEachStmt(
      userBody(FD),
      [&](const Stmt *Y) {
        if (const auto *MC = dyn_cast<CXXMemberCallExpr>(Y))
          if (Lib.syncOp(MC) == SyncOp::NotifyAll && isNotifyOf(MC, CV))
            Out.AlsoAll = true;
        const auto *E = dyn_cast<Expr>(Y);
        std::optional<WriteInfo> W = E ? writeOf(E) : std::nullopt;
        if (Out.E || !W || !W->BoolLiteral || !isBefore(E, N))
          return;
        bool ReadByCV = false;
        for (const unsigned I : WaitsReading[canon(W->Var)])
          ReadByCV |= canon(Waits[I].CondVar) == canon(CV);
        if (!ReadByCV)
          return;
        bool Follows = false;
        forEachAfter(E, [&](const Stmt *Z) {
          Follows = Z == N;
          return Follows;
        });
        if (Follows) {
          Out.E = E;
          Out.Var = W->Var;
        }
      },
      LambdaBodies::Skip);
  return Out;
}

/// A hand-off, not a close: a waiter on \p CV takes \p ClosedVar back
/// (`ready_ = false` after its wait), so one wake-up is what is meant.
bool Finder::handedBack(const ValueDecl *CV, const ValueDecl *ClosedVar) {
  for (const WaitInfo &W : Waits)
    if (canon(W.CondVar) == canon(CV) &&
        anyStmt(
            userBody(W.FD),
            [&](const Stmt *Y) {
              const auto *E = dyn_cast<Expr>(Y);
              std::optional<WriteInfo> Wr = E ? writeOf(E) : std::nullopt;
              return Wr && canon(Wr->Var) == canon(ClosedVar);
            },
            LambdaBodies::Skip))
      return true;
  return false;
}

/// Several threads wait on \p CV: a task that waits on it started in a loop
/// or by two spawns, or waits in two functions no one task runs. Sets the
/// first wait, where the other waiters come from and why in \p F.
bool Finder::severalWaiters(const ValueDecl *CV, LostWakeupFinding &F) {
  LostWakeupFinding::WaitersKind WK = LostWakeupFinding::SpawnInLoop;
  llvm::SmallVector<const FunctionDecl *, 4> Roots;
  SourceLocation FirstWait, OtherWait, Why;
  for (const WaitInfo &W : Waits) {
    if (canon(W.CondVar) != canon(CV))
      continue;
    if (FirstWait.isInvalid())
      FirstWait = W.Loc;
    const FunctionDecl *Root = nullptr;
    unsigned Starts = 0;
    for (const SpawnSite &S : Spawns) {
      if (!S.Task.Function || !reaches(S.Task.Function, W.FD))
        continue;
      Root = S.Task.Function;
      ++Starts;
      llvm::SmallVector<const Stmt *, 8> SChain;
      enclosingFunction(S.Call, Ctx, &SChain);
      for (const Stmt *P : SChain)
        if (isRepeatingLoop(P, Ctx) && Why.isInvalid()) {
          const std::optional<uint64_t> Trips = constantTripCount(P, Ctx);
          if (!Trips || *Trips > 1) {
            Why = S.Call->getBeginLoc();
            WK = LostWakeupFinding::SpawnInLoop;
          }
        }
      if (Starts == 2 && Why.isInvalid()) {
        Why = S.Call->getBeginLoc();
        WK = LostWakeupFinding::SecondSpawn;
      }
    }
    if (!Root)
      Root = rootOf(W.FD);
    if (!llvm::is_contained(Roots, Root->getCanonicalDecl())) {
      Roots.push_back(Root->getCanonicalDecl());
      if (Roots.size() == 2 && OtherWait.isInvalid())
        OtherWait = W.Loc;
    }
  }
  if (Why.isInvalid() && Roots.size() >= 2) {
    Why = OtherWait;
    WK = LostWakeupFinding::OtherRole;
  }
  if (Why.isInvalid())
    return false;
  F.WaitLoc = FirstWait;
  F.WaitersLoc = Why;
  F.WK = WK;
  return true;
}

/// Rule 4 at one notify_one \p N of \p FD.
void Finder::notifyOneAt(const CXXMemberCallExpr *N, const FunctionDecl *FD,
                         std::vector<LostWakeupFinding> &Out) {
  const ValueDecl *CV = StopAwareness::objectKey(N->getImplicitObjectArgument());
  if (!CV)
    return;
  // Notifying in a loop wakes one waiter per round.
  llvm::SmallVector<const Stmt *, 8> Chain;
  enclosingFunction(N, Ctx, &Chain);
  for (const Stmt *P : Chain)
    if (isRepeatingLoop(P, Ctx))
      return;
  const CloseWrite Close = closeBefore(N, CV, FD);
  if (!Close.E || Close.AlsoAll || handedBack(CV, Close.Var))
    return;
  LostWakeupFinding F;
  if (!severalWaiters(CV, F))
    return;
  F.K = LostWakeupFinding::NotifyOneOnClose;
  F.Notify = N;
  F.Write = Close.E;
  F.Variable = Close.Var;
  F.CondVar = CV;
  const ConditionVariableModel *M =
      Lib.conditionVariable(N->getImplicitObjectArgument()->getType());
  const auto *ME = dyn_cast<MemberExpr>(N->getCallee()->IgnoreParens());
  if (M && !M->NotifyAll.empty() && ME && inFile(ME->getMemberLoc()))
    F.Fix.push_back(FixItHint::CreateReplacement(
        CharSourceRange::getTokenRange(ME->getMemberLoc()),
        M->NotifyAll.front()));
  Out.push_back(std::move(F));
}

/// Rule 4: a close (a constant written to a wait-condition variable) that
/// notifies one waiter when several threads can wait.
void Finder::notifyOneRule(std::vector<LostWakeupFinding> &Out) {
  for (const FunctionDecl *FD : Functions) {
    if (isa<CXXConstructorDecl>(FD))
      continue;
    forEachStmt(
        userBody(FD),
        [&](const Stmt *X) {
          const auto *N = dyn_cast<CXXMemberCallExpr>(X);
          if (N && Lib.syncOp(N) == SyncOp::NotifyOne)
            notifyOneAt(N, FD, Out);
        },
        LambdaBodies::Skip);
  }
}

void Finder::fixWrite(LostWakeupFinding &F, const WriteInfo &Wr) {
  if (std::optional<FixIts> Fix = lockWriteFix(Wr.E, Wr.FD, F.Mutex, Lib, Ctx))
    F.Fix.assign(Fix->begin(), Fix->end());
}

std::vector<LostWakeupFinding> Finder::run() {
  std::vector<LostWakeupFinding> Out;
  collectFunctions();
  if (Waits.empty())
    return Out;
  llvm::DenseSet<const Expr *> Seen;
  for (const FunctionDecl *FD : Functions) {
    // A constructor runs before any waiter exists; a predicate is the
    // waiter's own check.
    if (isa<CXXConstructorDecl>(FD) || Predicates.count(FD))
      continue;
    anyStmt(
        userBody(FD),
        [&](const Stmt *S) {
          const auto *E = dyn_cast<Expr>(S);
          std::optional<WriteInfo> W = E ? writeOf(E) : std::nullopt;
          if (!W || !Seen.insert(E).second)
            return false;
          W->FD = FD;
          if (afterJoinOrBeforeSpawn(*W) || onlyFromConstructors(FD, 0))
            return false;
          const size_t Before = Out.size();
          writeRules(*W, Out);
          if (Out.size() == Before)
            neverNotifiedRule(*W, Out);
          return false;
        },
        LambdaBodies::Skip);
  }
  // One finding per bug: a notification that a write without the mutex
  // already precedes is not reported again for a later write.
  llvm::DenseSet<const CXXMemberCallExpr *> Covered;
  for (const LostWakeupFinding &F : Out)
    if (F.K == LostWakeupFinding::WriteWithoutMutex)
      Covered.insert(F.Notify);
  llvm::erase_if(Out, [&](const LostWakeupFinding &F) {
    return F.K == LostWakeupFinding::NotifyBeforeWrite &&
           Covered.count(F.Notify);
  });
  notifyOneRule(Out);
  return Out;
}

} // namespace

std::vector<LostWakeupFinding>
findLostWakeups(TaskAnalysis &TA, ASTContext &Ctx, bool TimedWaits) {
  return Finder(TA, Ctx, TimedWaits).run();
}

} // namespace taskleak
