//===--- LostWakeup.cpp - notifications a waiter can miss -----------------===//
//
// The four rules of lib/LostWakeup.h over the facts (LostWakeupFacts.cpp)
// and the order and locks (LostWakeupOrder.cpp) of the translation unit.
//
//===----------------------------------------------------------------------===//
#include "lib/AstNav.h"
#include "lib/Expressions.h"
#include "lib/LostWakeupFinder.h"
#include "lib/StopAwareness.h"
#include "lib/TripCounts.h"
#include "lib/fixits/LockWrite.h"

using namespace clang;

namespace taskleak {
namespace lostwakeup {

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
  const ValueDecl *CV =
      StopAwareness::objectKey(N->getImplicitObjectArgument());
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

} // namespace lostwakeup

std::vector<LostWakeupFinding>
findLostWakeups(TaskAnalysis &TA, ASTContext &Ctx, bool TimedWaits) {
  return lostwakeup::Finder(TA, Ctx, TimedWaits).run();
}

} // namespace taskleak
