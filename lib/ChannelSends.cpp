//===--- ChannelSends.cpp - sends on a channel that may block forever -----===//
#include "lib/ChannelSends.h"
#include "lib/CfgPaths.h"
#include "lib/SyncObjects.h"
#include "lib/TripCounts.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallPtrSet.h"

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
std::optional<int64_t> capacityOf(const VarDecl *Var, const ChannelModel &M,
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
        N = times(N, Obj.Tasks[*Op.Task].Instances);
        C.TaskSends.push_back(&Op);
        C.TotalTaskSends = add(C.TotalTaskSends, N);
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

/// A path from a sending task's start to the owner's exit that receives
/// fewer than \p Needed values (AllCredit: every value) and does not close
/// the channel.
std::optional<ExitPath> pathWithoutReceive(const SyncObject &Obj,
                                           const ChannelModel &M,
                                           const SendCensus &C,
                                           unsigned Needed, ASTContext &Ctx) {
  auto Credit = [&](const Stmt *S) -> unsigned {
    for (const SyncOp &Op : Obj.Ops)
      if (Op.Call == S && Op.In == SyncOp::Where::Owner) {
        ChanOp K = classify(M, Op.Method);
        if (K == ChanOp::Close)
          return AllCredit;
        if (K == ChanOp::Receive)
          return Op.InLoop ? AllCredit : 1;
      }
    return 0;
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
  std::optional<ExitPath> Path = pathWithoutReceive(*Obj, *M, C, Needed, Ctx);
  if (!Path)
    return std::nullopt;
  Out.Why = BlockedSends::Reason::OwnerReturns;
  Out.Sends = callsOf(C.TaskSends);
  Out.Pending = C.TotalTaskSends;
  Out.Exit = Path->Exit;
  return Out;
}

} // namespace taskleak
