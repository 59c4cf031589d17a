//===--- WaitGroupCounts.cpp - wait groups whose count cannot reach zero --===//
#include "lib/WaitGroupCounts.h"
#include "lib/Parents.h"
#include "lib/CfgPaths.h"
#include "lib/SyncObjects.h"
#include "lib/TripCounts.h"

#include "clang/AST/ParentMapContext.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallPtrSet.h"

using namespace clang;

namespace taskleak {

namespace {

enum class GroupOp { Other, Add, Done, Wait, DoneAndWait };

GroupOp classify(const WaitGroupModel &M, StringRef Method) {
  bool Done = llvm::is_contained(M.Done, Method);
  bool Wait = llvm::is_contained(M.Wait, Method);
  if (Done && Wait)
    return GroupOp::DoneAndWait;
  if (Done)
    return GroupOp::Done;
  if (Wait)
    return GroupOp::Wait;
  if (llvm::is_contained(M.Add, Method))
    return GroupOp::Add;
  return GroupOp::Other;
}

bool decrements(GroupOp K) {
  return K == GroupOp::Done || K == GroupOp::DoneAndWait;
}

/// How much one call decrements: its constant argument, 1 without one.
std::optional<int64_t> amount(const SyncOp &Op, const ASTContext &Ctx) {
  if (Op.Call->getNumArgs() == 0)
    return 1;
  return integerConstant(Op.Call->getArg(0), Ctx);
}

class Finder {
public:
  Finder(const SyncObject &Obj, const WaitGroupModel &M, const Library &Lib,
         ASTContext &Ctx, WaitGroupFindings &Out)
      : Obj(Obj), M(M), Lib(Lib), Ctx(Ctx), SM(Ctx.getSourceManager()),
        Out(Out) {
    for (const SyncOp &Op : Obj.Ops) {
      GroupOp K = classify(M, Op.Method);
      GuardDecrements |= decrements(K) && Op.In == SyncOp::Where::OtherLambda;
      AddInTask |= K == GroupOp::Add && Op.In == SyncOp::Where::Task;
    }
  }

  void run(bool CompareCounts = true) {
    addsInTasks();
    countDowns();
    if (CompareCounts && !GuardDecrements && !AddInTask) {
      Out.Mismatch = mismatch();
      if (!Out.Mismatch)
        Out.Round = roundMismatch();
    }
  }

private:
  void addsInTasks() {
    for (const SyncOp &Op : Obj.Ops)
      if (classify(M, Op.Method) == GroupOp::Add &&
          Op.In == SyncOp::Where::Task)
        Out.AddsInTasks.push_back(
            {Op.Call, Op.Method, Obj.Tasks[*Op.Task].Site});
  }

  void countDowns() {
    llvm::SmallPtrSet<const FunctionDecl *, 4> TaskFunctions;
    for (const SyncOp &Op : Obj.Ops)
      if (Op.In == SyncOp::Where::Task && decrements(classify(M, Op.Method)))
        TaskFunctions.insert(Op.Function);
    for (const FunctionDecl *Fn : TaskFunctions) {
      WaitGroupFindings::TaskCountDown T = countDown(Fn);
      if (!T.EarlyWaits.empty() || T.SkippedDone)
        Out.Tasks.push_back(T);
    }
  }

  WaitGroupFindings::TaskCountDown countDown(const FunctionDecl *Fn) {
    WaitGroupFindings::TaskCountDown T;
    T.Task = Fn;
    llvm::SmallVector<const SyncOp *, 4> Dones, Waits;
    for (const SyncOp &Op : Obj.Ops) {
      if (Op.Function != Fn)
        continue;
      GroupOp K = classify(M, Op.Method);
      if (decrements(K))
        Dones.push_back(&Op);
      else if (K == GroupOp::Wait)
        Waits.push_back(&Op);
    }
    llvm::sort(Dones, [&](const SyncOp *A, const SyncOp *B) {
      return SM.isBeforeInTranslationUnit(A->Call->getBeginLoc(),
                                          B->Call->getBeginLoc());
    });
    for (const SyncOp *W : Waits)
      if (SM.isBeforeInTranslationUnit(W->Call->getBeginLoc(),
                                       Dones.back()->Call->getBeginLoc()))
        T.EarlyWaits.push_back(W->Call);
    if (GuardDecrements)
      return T; // a scope guard counts down on every path
    auto Credit = [&](const Stmt *S) -> unsigned {
      return llvm::any_of(Dones, [&](const SyncOp *Op) { return Op->Call == S; })
                 ? 1
                 : 0;
    };
    if (std::optional<ExitPath> Path = findPathWithoutCredit(
            Fn, nullptr, 1, Credit, Ctx, /*LoopsRunOnce=*/true)) {
      T.SkippedDone = Dones.front()->Call;
      T.DoneMethod = Dones.front()->Method;
      T.Exit = Path->Exit;
    }
    return T;
  }

  /// The constant count and where it is written: the constructor's count
  /// argument, or the owner's single unconditional add.
  bool countExpr(WaitGroupFindings::CountMismatch &C) {
    if (M.CountArg) {
      const VarDecl *Var = Obj.Var;
      std::optional<ObjectConstruction> O = objectConstruction(Var, Lib);
      if (!O || *M.CountArg >= O->Args.size())
        return false;
      C.CountExpr = O->Args[*M.CountArg];
      C.At = Var->getLocation();
      return true;
    }
    const SyncOp *TheAdd = nullptr;
    for (const SyncOp &Op : Obj.Ops)
      if (classify(M, Op.Method) == GroupOp::Add) {
        if (TheAdd || Op.In != SyncOp::Where::Owner || Op.InLoop ||
            Op.Conditional || Op.Call->getNumArgs() != 1)
          return false;
        TheAdd = &Op;
      }
    if (!TheAdd)
      return false;
    C.CountExpr = TheAdd->Call->getArg(0);
    C.At = TheAdd->Call->getBeginLoc();
    return true;
  }

  std::optional<WaitGroupFindings::CountMismatch> mismatch() {
    WaitGroupFindings::CountMismatch C;
    if (!countExpr(C))
      return std::nullopt;
    std::optional<int64_t> Count = integerConstant(C.CountExpr, Ctx);
    if (!Count)
      return symbolicMismatch(C);
    C.Count = *Count;
    // A barrier's count is per phase: what must match is the number of
    // participants, each arriving once a phase (in a loop of rounds or not).
    llvm::SmallPtrSet<const FunctionDecl *, 4> Participants;
    for (const SyncOp &Op : Obj.Ops) {
      if (!decrements(classify(M, Op.Method)))
        continue;
      std::optional<int64_t> N =
          M.Phased ? std::optional<int64_t>(1) : amount(Op, Ctx);
      if (!N || (Op.InLoop && !M.Phased) || Op.Conditional ||
          Op.In == SyncOp::Where::OtherLambda)
        return std::nullopt; // not statically known
      if (M.Phased && !Participants.insert(Op.Function).second)
        continue; // one participant arriving again in a later phase
      int64_t Instances = 1;
      if (Op.In == SyncOp::Where::Task) {
        const SyncTask &Task = Obj.Tasks[*Op.Task];
        if (!Task.Instances)
          return std::nullopt;
        Instances = *Task.Instances;
        for (const Expr *Spawn : Task.Spawns)
          if (!llvm::is_contained(C.Spawns, Spawn))
            C.Spawns.push_back(Spawn);
      }
      C.CountedDown += *N * Instances;
    }
    if (C.Spawns.empty() || C.CountedDown == C.Count)
      return std::nullopt;
    return C;
  }

  /// Whether \p S runs exactly once per round of \p Loop: inside it, with
  /// no other loop, branch or lambda in between.
  bool oncePerRound(const Stmt *S, const Stmt *Loop) {
    DynTypedNode N = DynTypedNode::create(*S);
    for (int Guard = 0; Guard < 64; ++Guard) {
      const DynTypedNodeList Parents = getParents(Ctx, N);
      if (Parents.size() != 1)
        return false;
      const DynTypedNode Child = N;
      N = Parents[0];
      const Stmt *P = N.get<Stmt>();
      if (!P)
        return false;
      if (P == Loop)
        return true;
      if (const auto *If = dyn_cast<IfStmt>(P);
          If && Child.get<Stmt>() == If->getCond())
        continue;
      if (isa<IfStmt>(P) || isa<SwitchStmt>(P) || isa<ConditionalOperator>(P) ||
          isa<BinaryConditionalOperator>(P) || isa<LambdaExpr>(P) ||
          isa<ForStmt>(P) || isa<CXXForRangeStmt>(P) || isa<WhileStmt>(P) ||
          isa<DoStmt>(P))
        return false;
      if (const auto *B = dyn_cast<BinaryOperator>(P); B && B->isLogicalOp())
        return false;
    }
    return false;
  }

  /// 5: the owner's adds in one loop against the count-downs of the tasks
  /// started in the same round.
  std::optional<WaitGroupFindings::RoundMismatch> roundMismatch() {
    if (M.CountArg || M.Phased)
      return std::nullopt;
    WaitGroupFindings::RoundMismatch R;
    const Stmt *Loop = nullptr;
    for (const SyncOp &Op : Obj.Ops) {
      if (classify(M, Op.Method) != GroupOp::Add)
        continue;
      if (Op.In != SyncOp::Where::Owner || !Op.Loop || Op.ConditionalInLoop ||
          (Loop && Op.Loop != Loop) || Op.Call->getNumArgs() != 1)
        return std::nullopt;
      std::optional<int64_t> N = integerConstant(Op.Call->getArg(0), Ctx);
      if (!N || !oncePerRound(Op.Call, Op.Loop))
        return std::nullopt;
      Loop = Op.Loop;
      R.Added += *N;
      if (!R.Add) {
        R.Add = Op.Call;
        R.Method = Op.Method;
      }
    }
    if (!Loop)
      return std::nullopt;
    for (const SyncOp &Op : Obj.Ops) {
      if (!decrements(classify(M, Op.Method)))
        continue;
      std::optional<int64_t> N = amount(Op, Ctx);
      if (!N || Op.In == SyncOp::Where::OtherLambda || !Op.Runs ||
          !Op.Runs->isConstant() || Op.ConditionalInLoop ||
          (Op.Conditional && !Op.Loop))
        return std::nullopt;
      const int64_t Per = *N * Op.Runs->Offset;
      if (Op.In == SyncOp::Where::Owner) {
        if (!oncePerRound(Op.Call, Loop))
          return std::nullopt;
        R.CountedDown += Per;
        continue;
      }
      const SyncTask &Task = Obj.Tasks[*Op.Task];
      for (const Expr *Spawn : Task.Spawns) {
        if (!oncePerRound(Spawn, Loop))
          return std::nullopt; // started elsewhere: not of this round
        R.CountedDown += Per;
        if (!llvm::is_contained(R.Spawns, Spawn))
          R.Spawns.push_back(Spawn);
      }
    }
    if (R.Spawns.empty() || R.CountedDown == R.Added)
      return std::nullopt;
    return R;
  }

  /// The mismatch of a symbolic count with symbolic count-downs: the same
  /// rules as for constants, on lib/TripCounts' symbolic counts.
  std::optional<WaitGroupFindings::CountMismatch>
  symbolicMismatch(WaitGroupFindings::CountMismatch C) {
    if (M.Phased)
      return std::nullopt;
    std::optional<SymbolicCount> Count =
        symbolicCount(C.CountExpr, Obj.Owner->getBody(), Ctx);
    if (!Count || Count->isConstant())
      return std::nullopt;
    SymbolicCount Total = SymbolicCount::constant(0);
    for (const SyncOp &Op : Obj.Ops) {
      if (!decrements(classify(M, Op.Method)))
        continue;
      std::optional<int64_t> N = amount(Op, Ctx);
      if (!N || !Op.Runs || Op.ConditionalInLoop ||
          (Op.Conditional && !Op.Loop) || Op.In == SyncOp::Where::OtherLambda)
        return std::nullopt; // not statically known
      std::optional<SymbolicCount> Runs =
          multiplyCounts(*Op.Runs, SymbolicCount::constant(*N));
      if (Op.In == SyncOp::Where::Task) {
        const SyncTask &Task = Obj.Tasks[*Op.Task];
        Runs = Runs && Task.SymInstances
                   ? multiplyCounts(*Runs, *Task.SymInstances)
                   : std::nullopt;
        for (const Expr *Spawn : Task.Spawns)
          if (!llvm::is_contained(C.Spawns, Spawn))
            C.Spawns.push_back(Spawn);
      }
      std::optional<SymbolicCount> Sum =
          Runs ? addCounts(Total, *Runs) : std::nullopt;
      if (!Sum)
        return std::nullopt;
      Total = *Sum;
    }
    // Only a difference in the offset is certain: `n` against `n - 1` differ
    // for every n, `n` against `2 * n` only when n is not 0.
    if (C.Spawns.empty() || Total.isConstant() || !Total.sameSymbol(*Count) ||
        Total.Coef != Count->Coef || Total.Offset == Count->Offset)
      return std::nullopt;
    C.CountText = Count->str();
    C.CountedDownText = Total.str();
    C.SymbolicBlocks = Total.Offset < Count->Offset;
    return C;
  }

  const SyncObject &Obj;
  const WaitGroupModel &M;
  const Library &Lib;
  ASTContext &Ctx;
  const SourceManager &SM;
  WaitGroupFindings &Out;
  bool GuardDecrements = false, AddInTask = false;
};

} // namespace

std::optional<WaitGroupFindings>
findWaitGroupMismatches(const VarDecl *Var, const Library &Lib,
                        ASTContext &Ctx) {
  const WaitGroupModel *M =
      Var ? Lib.waitGroupModel(syncObjectType(Var, Lib)) : nullptr;
  if (!M)
    return std::nullopt;
  std::optional<SyncObject> Obj = analyzeSyncObject(Var, Lib, Ctx);
  if (!Obj || Obj->Escapes)
    return std::nullopt;
  WaitGroupFindings Out;
  Out.Group = Var;
  Out.WaitName = M->Wait.empty() ? "wait" : M->Wait.front();
  Finder(*Obj, *M, Lib, Ctx, Out).run();
  return Out;
}

std::optional<WaitGroupFindings>
findMemberWaitGroupMismatches(const FieldDecl *Field, const Library &Lib,
                              ASTContext &Ctx) {
  const WaitGroupModel *M =
      Field ? Lib.waitGroupModel(Field->getType()) : nullptr;
  if (!M || Field->getType()->isReferenceType() ||
      Field->getType()->isPointerType())
    return std::nullopt;
  std::optional<SyncObject> Obj = analyzeMemberSyncObject(Field, Lib, Ctx);
  if (!Obj || Obj->Escapes)
    return std::nullopt;
  WaitGroupFindings Out;
  Out.Group = Field;
  Out.WaitName = M->Wait.empty() ? "wait" : M->Wait.front();
  Finder(*Obj, *M, Lib, Ctx, Out).run(/*CompareCounts=*/false);
  return Out;
}

} // namespace taskleak
