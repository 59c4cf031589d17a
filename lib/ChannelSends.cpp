//===--- ChannelSends.cpp - sends on a channel that may block forever -----===//
#include "lib/ChannelSends.h"
#include "lib/CfgPaths.h"
#include "lib/SyncObjects.h"
#include "lib/TripCounts.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLExtras.h"

#include "llvm/ADT/SmallPtrSet.h"
#include <functional>

using namespace clang;

namespace taskleak {

namespace {

enum class ChanOp { Other, Send, Receive, TryReceive, Close };

ChanOp classify(const ChannelModel &M, StringRef Method) {
  if (llvm::is_contained(M.Send, Method))
    return Library::isTrySend(Method) ? ChanOp::Other : ChanOp::Send;
  if (llvm::is_contained(M.Close, Method))
    return ChanOp::Close;
  if (llvm::is_contained(M.Receive, Method)) {
    // try_pop, pop_wait_for, try_receive: may return without a value.
    if (Library::isTryReceive(M, Method))
      return ChanOp::TryReceive;
    return ChanOp::Receive;
  }
  return ChanOp::Other;
}

/// A count of values: known, or none for "not statically known, at least
/// one" (a send in a loop, a task started an unknown number of times).
using Count = std::optional<unsigned>;

/// Counts from 2^20 on are as good as unknown.
constexpr unsigned CountLimit = 1u << 20;

Count add(Count A, Count B) {
  if (!A || !B || *A + *B >= CountLimit)
    return std::nullopt;
  return *A + *B;
}

Count times(Count A, Count B) {
  if (!A || !B || static_cast<uint64_t>(*A) * *B >= CountLimit)
    return std::nullopt;
  return *A * *B;
}

/// The channel's buffer size: its capacity argument, 0 when absent; none
/// when it is not a constant.
std::optional<int64_t> capacityOf(const VarDecl * /*Var*/,
                                  const ChannelModel &M,
                                  const ChannelConstruction &C,
                                  const ASTContext &Ctx) {
  const CXXConstructExpr *CE = C.Construct;
  if (!C.CapacityArg && M.Inferred && M.CapacityArg) {
    // A user class: an omitted capacity is its default argument, if any.
    const CXXConstructorDecl *Ctor = CE->getConstructor();
    if (*M.CapacityArg >= CE->getNumArgs() || !Ctor ||
        *M.CapacityArg >= Ctor->getNumParams() ||
        !Ctor->getParamDecl(*M.CapacityArg)->hasDefaultArg())
      return std::nullopt;
    return integerConstant(
        Ctor->getParamDecl(*M.CapacityArg)->getDefaultArg(), Ctx);
  }
  if (C.CapacityArg) {
    std::optional<int64_t> V = integerConstant(C.CapacityArg, Ctx);
    if (!V)
      return std::nullopt; // a run-time capacity: no guess
    return *V + M.CapacityAdjust;
  }
  return 0;
}

/// The sends of a channel and who else touches it.
struct SendCensus {
  llvm::SmallVector<const SyncOp *, 4> Sends, TaskSends;
  Count TotalSends = 0, TotalTaskSends = 0;
  /// TotalTaskSends as a symbolic count (lib/TripCounts.h), when known.
  std::optional<SymbolicCount> SymTaskSends = SymbolicCount::constant(0);
  bool AnyConsumer = false, ConsumerElsewhere = false;
  bool SendInOtherLambda = false;
};

SendCensus census(const SyncObject &Obj, const ChannelModel &M) {
  SendCensus C;
  for (const SyncOp &Op : Obj.Ops) {
    ChanOp K = classify(M, Op.Method);
    if (K == ChanOp::Send) {
      // At most one per run of its function, unless in a loop.
      Count N = Op.InLoop ? Count() : Count(1);
      if (Op.In == SyncOp::Where::Task) {
        const SyncTask &Task = Obj.Tasks[*Op.Task];
        N = times(N, Task.Instances);
        C.TaskSends.push_back(&Op);
        C.TotalTaskSends = add(C.TotalTaskSends, N);
        std::optional<SymbolicCount> Sym =
            Op.Runs && Task.SymInstances && !Op.ConditionalInLoop &&
                    !(Op.Conditional && !Op.Loop)
                ? multiplyCounts(*Op.Runs, *Task.SymInstances)
                : std::nullopt;
        C.SymTaskSends = Sym && C.SymTaskSends
                             ? addCounts(*C.SymTaskSends, *Sym)
                             : std::nullopt;
      } else if (Op.In == SyncOp::Where::OtherLambda) {
        C.SendInOtherLambda = true; // a lambda we do not know when runs
        return C;
      }
      C.Sends.push_back(&Op);
      C.TotalSends = add(C.TotalSends, N);
    } else if (K != ChanOp::Other) {
      C.AnyConsumer = true;
      if (Op.In != SyncOp::Where::Owner)
        C.ConsumerElsewhere = true; // a receiver task, or a scope guard
    }
  }
  return C;
}

/// The owner's calls on the channel that are \p Kind.
bool isOwnerOp(const SyncObject &Obj, const ChannelModel &M, const Stmt *S,
               ChanOp Kind) {
  for (const SyncOp &Op : Obj.Ops)
    if (Op.Call == S && Op.In == SyncOp::Where::Owner)
      return classify(M, Op.Method) == Kind;
  return false;
}

/// Receive loops of the owner whose credit is known: per loop, the values
/// its rounds receive in all (in the units of encodeCount).
using LoopCredits = llvm::DenseMap<const Stmt *, unsigned>;

/// Symbolic counts as path-search credits: Coef units of a symbol plus the
/// offset, so that `n - 1` is less than `n` and `n` less than `n + 1`
/// whatever n is (n is not known, only that it is the same on both sides).
constexpr int64_t SymbolUnit = 1 << 16;

std::optional<unsigned> encodeCount(const SymbolicCount &N) {
  const int64_t Coef = N.isConstant() ? 0 : N.Coef;
  if (Coef < 0 || Coef > 1000 || N.Offset <= -SymbolUnit / 2 ||
      N.Offset >= SymbolUnit / 2)
    return std::nullopt;
  const int64_t V = Coef * SymbolUnit + N.Offset;
  return V < 0 ? 0u : static_cast<unsigned>(V);
}

/// A condition that tests the outcome of a receive (a status enum, a bool,
/// an error code or an optional tested for truth): the loop stops when the
/// channel is closed or drained, not early.
bool testsReceiveStatus(const Expr *Cond, const SyncObject &Obj,
                        const ChannelModel &M) {
  auto IsReceive = [&](const Stmt *S) {
    for (const SyncOp &Op : Obj.Ops)
      if (Op.Call == S) {
        const ChanOp K = classify(M, Op.Method);
        return K == ChanOp::Receive || K == ChanOp::TryReceive;
      }
    return false;
  };
  std::function<bool(const Stmt *)> Contains = [&](const Stmt *S) {
    if (!S)
      return false;
    if (IsReceive(S))
      return true;
    for (const Stmt *Child : S->children())
      if (Contains(Child))
        return true;
    return false;
  };
  auto StatusType = [](QualType T) {
    T = T.getNonReferenceType();
    return T->isEnumeralType() || T->isBooleanType() || T->isRecordType();
  };
  std::function<bool(const Stmt *)> Walk = [&](const Stmt *S) {
    if (!S)
      return false;
    if (const auto *E = dyn_cast<Expr>(S); E && IsReceive(E))
      return StatusType(E->getType());
    if (const auto *DRE = dyn_cast<DeclRefExpr>(S)) {
      const ValueDecl *D = DRE->getDecl();
      const Expr *Init = nullptr;
      if (const auto *V = dyn_cast<VarDecl>(D))
        Init = V->getInit();
      else if (const auto *B = dyn_cast<BindingDecl>(D))
        if (const auto *DD = dyn_cast_or_null<VarDecl>(B->getDecomposedDecl()))
          Init = DD->getInit();
      return Init && Contains(Init) && StatusType(D->getType());
    }
    for (const Stmt *Child : S->children())
      if (Walk(Child))
        return true;
    return false;
  };
  return Walk(Cond);
}

/// Whether \p Loop tests a receive's outcome in a condition of its own.
bool loopTestsReceiveStatus(const Stmt *Loop, const SyncObject &Obj,
                            const ChannelModel &M) {
  std::function<bool(const Stmt *)> Walk = [&](const Stmt *S) {
    if (!S || isa<LambdaExpr>(S))
      return false;
    const Expr *Cond = nullptr;
    if (const auto *If = dyn_cast<IfStmt>(S))
      Cond = If->getCond();
    else if (const auto *W = dyn_cast<WhileStmt>(S))
      Cond = W->getCond();
    else if (const auto *D = dyn_cast<DoStmt>(S))
      Cond = D->getCond();
    else if (const auto *F = dyn_cast<ForStmt>(S))
      Cond = F->getCond();
    else if (const auto *Sw = dyn_cast<SwitchStmt>(S))
      Cond = Sw->getCond();
    if (Cond && testsReceiveStatus(Cond, Obj, M))
      return true;
    for (const Stmt *Child : S->children())
      if (Walk(Child))
        return true;
    return false;
  };
  return Walk(Loop);
}

/// The owner's receive loops that receive a known number of values,
/// comparable with \p Need: a loop with a known trip count whose receives
/// are unconditional rounds (not nested in another loop, no test of a
/// receive's status). When \p Need has a symbol, every other receive loop
/// is assumed to receive enough even when it runs no round (its trip count
/// is not comparable: we cannot tell); otherwise such loops keep the old
/// rule (a receive in a loop drains, but the loop may run no round).
LoopCredits receiveLoopCredits(const SyncObject &Obj, const ChannelModel &M,
                               const SymbolicCount &Need) {
  llvm::DenseMap<const Stmt *, std::optional<SymbolicCount>> Sums;
  for (const SyncOp &Op : Obj.Ops) {
    if (Op.In != SyncOp::Where::Owner || !Op.Loop)
      continue;
    const ChanOp K = classify(M, Op.Method);
    if (K != ChanOp::Receive && K != ChanOp::TryReceive && K != ChanOp::Close)
      continue;
    auto [It, New] = Sums.try_emplace(Op.Loop, SymbolicCount::constant(0));
    std::optional<SymbolicCount> &Sum = It->second;
    if (!Sum)
      continue;
    if (K != ChanOp::Receive || Op.LoopDepth != 1 || Op.ConditionalInLoop ||
        !Op.Runs || !Op.Runs->sameSymbol(Need)) {
      Sum = std::nullopt;
      continue;
    }
    Sum = addCounts(*Sum, *Op.Runs);
  }
  LoopCredits Out;
  for (const auto &[Loop, Sum] : Sums) {
    if (!Sum || loopTestsReceiveStatus(Loop, Obj, M)) {
      if (!Need.isConstant())
        Out[Loop] = AllCredit;
      continue;
    }
    if (std::optional<unsigned> Credit = encodeCount(*Sum))
      if (*Credit)
        Out[Loop] = *Credit;
  }
  return Out;
}

/// A path from a sending task's start to the owner's exit that receives
/// fewer than \p Needed values (AllCredit: every value) and does not close
/// the channel.
std::optional<ExitPath> pathWithoutReceive(const SyncObject &Obj,
                                           const ChannelModel &M,
                                           const SendCensus &C, unsigned Needed,
                                           const LoopCredits &Loops,
                                           ASTContext &Ctx) {
  auto Credit = [&](const Stmt *S) -> unsigned {
    for (const SyncOp &Op : Obj.Ops)
      if (Op.Call == S && Op.In == SyncOp::Where::Owner) {
        ChanOp K = classify(M, Op.Method);
        if (K == ChanOp::Close)
          return AllCredit;
        if (K == ChanOp::Receive) {
          if (auto It = Op.Loop ? Loops.find(Op.Loop) : Loops.end();
              It != Loops.end() && It->second != AllCredit)
            return 0; // credited on the loop's exit edge
          return Op.InLoop ? AllCredit : 1;
        }
      }
    return 0;
  };
  auto LoopCredit = [&](const Stmt *Loop) -> unsigned {
    auto It = Loops.find(Loop);
    return It == Loops.end() ? 0 : It->second;
  };
  // The branch on which a try-receive of the owner succeeded has received:
  // `if (ch.try_recv(v))`, `auto v = ch.recv_for(d); if (!v) return;`.
  auto IsTryReceive = [&](const Expr *E) {
    return isOwnerOp(Obj, M, E, ChanOp::TryReceive);
  };
  auto Received = [&](const Expr *Cond, bool Taken) {
    const Expr *E = Cond->IgnoreParenImpCasts();
    while (const auto *U = dyn_cast<UnaryOperator>(E)) {
      if (U->getOpcode() != UO_LNot)
        return false;
      Taken = !Taken;
      E = U->getSubExpr()->IgnoreParenImpCasts();
    }
    if (!Taken)
      return false;
    if (const auto *MC = dyn_cast<CXXMemberCallExpr>(E)) {
      if (IsTryReceive(MC))
        return true;
      const CXXMethodDecl *MD = MC->getMethodDecl();
      if (!MD || !(isa<CXXConversionDecl>(MD) ||
                   (MD->getIdentifier() && MD->getName() == "has_value")))
        return false;
      E = MC->getImplicitObjectArgument()->IgnoreParenImpCasts();
    }
    const auto *DR = dyn_cast<DeclRefExpr>(E);
    const auto *V = DR ? dyn_cast<VarDecl>(DR->getDecl()) : nullptr;
    return V && V->getInit() && IsTryReceive(V->getInit()->IgnoreImplicit());
  };
  PathSearchOptions Search;
  Search.SettlesBranch = Received;
  if (!Loops.empty())
    Search.LoopCredit = LoopCredit;
  llvm::SmallPtrSet<const Expr *, 4> Tried;
  for (const SyncOp *Op : C.TaskSends) {
    const Expr *Spawn = Obj.Tasks[*Op->Task].Site.Call;
    if (!Tried.insert(Spawn).second)
      continue;
    if (std::optional<ExitPath> Path = findPathWithoutCredit(
            Obj.Owner, Spawn, Needed, Credit, Ctx, Search))
      return Path;
  }
  return std::nullopt;
}

llvm::SmallVector<const CXXMemberCallExpr *, 4>
callsOf(llvm::ArrayRef<const SyncOp *> Ops) {
  llvm::SmallVector<const CXXMemberCallExpr *, 4> Out;
  for (const SyncOp *Op : Ops)
    Out.push_back(Op->Call);
  return Out;
}

} // namespace

std::optional<ChannelConstruction>
channelConstruction(const VarDecl *Var, const ChannelModel &M) {
  const auto *CE = dyn_cast_or_null<CXXConstructExpr>(
      Var->getInit() ? Var->getInit()->IgnoreImplicit() : nullptr);
  if (!CE)
    return std::nullopt;
  ChannelConstruction C;
  C.Construct = CE;
  if (M.CapacityArg && *M.CapacityArg < CE->getNumArgs() &&
      !isa<CXXDefaultArgExpr>(CE->getArg(*M.CapacityArg)))
    C.CapacityArg = CE->getArg(*M.CapacityArg);
  return C;
}

std::optional<BlockedSends> findBlockedSends(const VarDecl *Var,
                                             const Library &Lib,
                                             ASTContext &Ctx) {
  const ChannelModel *M = Var ? Lib.channelModel(Var->getType()) : nullptr;
  if (!M)
    return std::nullopt; // most candidates: a container with a push_back
  std::optional<SyncObject> Obj = analyzeSyncObject(Var, Lib, Ctx);
  if (!Obj || Obj->Escapes)
    return std::nullopt;
  std::optional<ChannelConstruction> Construction = channelConstruction(Var, *M);
  if (!Construction)
    return std::nullopt;
  std::optional<int64_t> Capacity = capacityOf(Var, *M, *Construction, Ctx);
  if (!Capacity)
    return std::nullopt;
  SendCensus C = census(*Obj, *M);
  if (C.SendInOtherLambda || C.Sends.empty())
    return std::nullopt;
  auto Blocks = [&](Count Pending) {
    return !Pending || static_cast<int64_t>(*Pending) > *Capacity;
  };

  BlockedSends Out;
  Out.Channel = Var;
  Out.Owner = Obj->Owner;
  if (!C.AnyConsumer) {
    if (!Blocks(C.TotalSends))
      return std::nullopt;
    Out.Why = BlockedSends::Reason::NoConsumer;
    Out.Sends = callsOf(C.Sends);
    Out.Pending = C.TotalSends;
    return Out;
  }
  if (C.ConsumerElsewhere || C.TaskSends.empty() || !Blocks(C.TotalTaskSends))
    return std::nullopt;
  unsigned Needed = C.TotalTaskSends
                        ? static_cast<unsigned>(*C.TotalTaskSends - *Capacity)
                        : AllCredit;
  // Sends counted symbolically (one per element of a container, `n`): the
  // receive loops with comparable trip counts are credited exactly.
  LoopCredits Loops;
  if (C.SymTaskSends) {
    std::optional<SymbolicCount> Need =
        addCounts(*C.SymTaskSends, SymbolicCount::constant(-*Capacity));
    std::optional<unsigned> Encoded = Need ? encodeCount(*Need) : std::nullopt;
    if (!Encoded || *Encoded == 0)
      return std::nullopt; // nothing is left over the capacity
    Needed = *Encoded;
    Loops = receiveLoopCredits(*Obj, *M, *Need);
  }
  std::optional<ExitPath> Path =
      pathWithoutReceive(*Obj, *M, C, Needed, Loops, Ctx);
  if (!Path)
    return std::nullopt;
  Out.Why = BlockedSends::Reason::OwnerReturns;
  Out.Sends = callsOf(C.TaskSends);
  Out.Pending = C.TotalTaskSends;
  Out.Exit = Path->Exit;
  Out.EarlyExit = Path->EarlyExit;
  return Out;
}

} // namespace taskleak
