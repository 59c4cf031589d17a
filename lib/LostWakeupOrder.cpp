//===--- LostWakeupOrder.cpp - what follows a write, what holds a mutex ---===//
//
// Order and locks for the lost wake-up rules: the statements after one in
// its block and the blocks around it, whether a mutex is held at a
// statement (a lock guard in scope, a lock helper the models do not know,
// lock() without unlock(), every caller holding it), the first notification
// or acquisition after a write, and the writes no waiter can see (after a
// join, before a spawn).
//
//===----------------------------------------------------------------------===//
#include "lib/AstNav.h"
#include "lib/Expressions.h"
#include "lib/LostWakeupFinder.h"
#include "lib/StopAwareness.h"

#include "clang/AST/Attr.h"

using namespace clang;

namespace taskleak {
namespace lostwakeup {

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
bool Finder::guardLockedAt(const VarDecl *VD, const DeclStmt *DS, const Stmt *S,
                           const Stmt *Body, bool Deferred) {
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

} // namespace lostwakeup
} // namespace taskleak
