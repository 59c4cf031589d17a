//===--- SyncObjects.cpp - channels and wait groups a function owns --------===//
#include "lib/SyncObjects.h"
#include "lib/Parents.h"
#include "lib/AstNav.h"
#include "lib/TripCounts.h"

#include "clang/AST/ParentMapContext.h"
#include "clang/AST/StmtCXX.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallPtrSet.h"

using namespace clang;

namespace taskleak {

namespace {

class Collector {
public:
  Collector(const VarDecl *Var, const Library &Lib, ASTContext &Ctx,
            SyncObject &Out, bool CopiesShareState)
      : Var(Var), Lib(Lib), Ctx(Ctx), Out(Out),
        CopiesShareState(CopiesShareState) {}

  void run(const FunctionDecl *Owner, const Stmt *Body) {
    Scope = Owner->getBody();
    findSpawns(Body, 1, SymbolicCount::constant(1));
    Frame F{Owner, SyncOp::Where::Owner, std::nullopt, 0, 0};
    walk(Body, F);
    // Task functions that receive the object through a parameter.
    for (const auto &[Param, Tasks] : AliasParams) {
      const auto *Fn = dyn_cast<FunctionDecl>(Param->getDeclContext());
      if (!Fn || !Fn->getBody() || !WalkedFunctions.insert(Fn).second)
        continue;
      Frame TF{Fn, SyncOp::Where::Task, merge(Tasks), 0, 0};
      const Stmt *Saved = Scope;
      Scope = Fn->getBody();
      walk(Fn->getBody(), TF);
      Scope = Saved;
    }
  }

private:
  struct Frame {
    const FunctionDecl *Function;
    SyncOp::Where In;
    std::optional<unsigned> Task;
    unsigned Loops;
    unsigned Branches;
    const Stmt *Loop = nullptr;
    unsigned BranchesAtLoop = 0;
    std::optional<SymbolicCount> Runs = SymbolicCount::constant(1);
  };

  bool isObject(const Expr *E) const {
    if (!E)
      return false;
    E = E->IgnoreParenImpCasts();
    if (const auto *U = dyn_cast<UnaryOperator>(E);
        U && U->getOpcode() == UO_Deref)
      E = U->getSubExpr()->IgnoreParenImpCasts();
    const auto *DRE = dyn_cast<DeclRefExpr>(E);
    if (!DRE)
      return false;
    if (DRE->getDecl() == Var)
      return true;
    const auto *P = dyn_cast<ParmVarDecl>(DRE->getDecl());
    return P && AliasParams.count(P);
  }

  /// `std::ref(v)`, `&v`, `v` as an argument bound to a task function.
  const DeclRefExpr *passedObject(const Expr *Arg) const {
    for (int Guard = 0; Arg && Guard < 8; ++Guard) {
      Arg = Arg->IgnoreParenImpCasts();
      if (const auto *MT = dyn_cast<MaterializeTemporaryExpr>(Arg)) {
        Arg = MT->getSubExpr();
        continue;
      }
      if (const auto *BT = dyn_cast<CXXBindTemporaryExpr>(Arg)) {
        Arg = BT->getSubExpr();
        continue;
      }
      if (const auto *CE = dyn_cast<CXXConstructExpr>(Arg);
          CE && CE->getNumArgs() == 1) {
        Arg = CE->getArg(0);
        continue;
      }
      if (const auto *U = dyn_cast<UnaryOperator>(Arg);
          U && U->getOpcode() == UO_AddrOf) {
        Arg = U->getSubExpr();
        continue;
      }
      if (const auto *Call = dyn_cast<CallExpr>(Arg)) {
        const FunctionDecl *FD = Call->getDirectCallee();
        if (FD && Lib.isReferenceWrapperCall(Call)) {
          Arg = Call->getArg(0);
          continue;
        }
        return nullptr;
      }
      break;
    }
    const auto *DRE = dyn_cast_or_null<DeclRefExpr>(Arg);
    return DRE && DRE->getDecl() == Var ? DRE : nullptr;
  }

  void findSpawns(const Stmt *S, std::optional<unsigned> Instances,
                  std::optional<SymbolicCount> Sym) {
    if (!S)
      return;
    if (isa<CallExpr>(S) || isa<CXXConstructExpr>(S)) {
      if (std::optional<SpawnSite> Site = matchSpawn(Lib, cast<Expr>(S), Ctx)) {
        unsigned Index = Out.Tasks.size();
        Out.Tasks.push_back({*Site, {Site->Call}, Instances, Sym});
        if (Site->Task.Lambda)
          LambdaTasks[Site->Task.Lambda].push_back(Index);
        else if (const FunctionDecl *Fn = Site->Task.Function) {
          unsigned Offset =
              isa<CXXMethodDecl>(Fn) && cast<CXXMethodDecl>(Fn)->isInstance()
                  ? 1
                  : 0;
          for (unsigned I = 0; I < Site->Task.BoundArgs.size(); ++I)
            if (const DeclRefExpr *DRE = passedObject(Site->Task.BoundArgs[I])) {
              Passed.insert(DRE);
              const ParmVarDecl *P = I >= Offset && I - Offset < Fn->getNumParams()
                                         ? Fn->getParamDecl(I - Offset)
                                         : nullptr;
              bool ByValue = P && !P->getType()->isReferenceType() &&
                             !P->getType()->isPointerType();
              if (P && (!ByValue || CopiesShareState))
                AliasParams[P].push_back(Index);
              else
                Out.Escapes = true;
            }
        }
      }
    }
    std::optional<unsigned> Inner = Instances;
    std::optional<SymbolicCount> InnerSym = Sym;
    if (isRepeatingLoop(S, Ctx)) {
      std::optional<uint64_t> N = constantTripCount(S, Ctx);
      // A loop that never runs counts as unknown, like any other.
      Inner = N && *N && Instances ? std::optional<unsigned>(
                                         *Instances * static_cast<unsigned>(*N))
                                   : std::nullopt;
      std::optional<SymbolicCount> Trips = symbolicTripCount(S, Scope, Ctx);
      InnerSym = Trips && Sym ? multiplyCounts(*Sym, *Trips) : std::nullopt;
    } else if (isa<IfStmt>(S) || isa<SwitchStmt>(S) ||
               isa<ConditionalOperator>(S)) {
      Inner = std::nullopt; // a spawn that may not happen
      InnerSym = std::nullopt;
    }
    if (const auto *L = dyn_cast<LambdaExpr>(S)) {
      // In lambdas: count unknown.
      findSpawns(L->getBody(), std::nullopt, std::nullopt);
      return;
    }
    for (const Stmt *Child : S->children()) {
      // The condition of an if is evaluated once; only its branches may not.
      if (const auto *If = dyn_cast<IfStmt>(S); If && Child == If->getCond()) {
        findSpawns(Child, Instances, Sym);
        continue;
      }
      findSpawns(Child, Inner, InnerSym);
    }
  }

  /// One body started by several spawns (one lambda variable, two threads)
  /// is one task whose instances add up; returns its index.
  unsigned merge(llvm::ArrayRef<unsigned> Indices) {
    SyncTask &First = Out.Tasks[Indices.front()];
    for (unsigned I : Indices.drop_front()) {
      const SyncTask &Other = Out.Tasks[I];
      First.Spawns.push_back(Other.Site.Call);
      First.Instances = First.Instances && Other.Instances
                            ? std::optional<unsigned>(*First.Instances +
                                                      *Other.Instances)
                            : std::nullopt;
      First.SymInstances =
          First.SymInstances && Other.SymInstances
              ? addCounts(*First.SymInstances, *Other.SymInstances)
              : std::nullopt;
    }
    return Indices.front();
  }

  void walk(const Stmt *S, Frame F) {
    if (!S)
      return;
    if (const auto *L = dyn_cast<LambdaExpr>(S)) {
      for (const LambdaCapture &C : L->captures())
        if (C.capturesVariable() && C.getCapturedVar() == Var &&
            C.getCaptureKind() == LCK_ByCopy && !CopiesShareState)
          Out.Escapes = true; // a copy is another object
      for (const Expr *Init : L->capture_inits()) {
        // A by-reference capture names the object; a by-copy capture copies
        // it (checked above).
        const Expr *Captured = Init ? Init->IgnoreImplicit() : nullptr;
        if (const auto *CE = dyn_cast_or_null<CXXConstructExpr>(Captured);
            CE && CE->getNumArgs() == 1)
          Captured = CE->getArg(0);
        if (!isObject(Captured))
          walk(Init, F);
      }
      auto It = LambdaTasks.find(L);
      Frame Inner{L->getCallOperator(), SyncOp::Where::OtherLambda,
                  std::nullopt, 0, 0};
      if (It != LambdaTasks.end()) {
        Inner.In = SyncOp::Where::Task;
        Inner.Task = merge(It->second);
      }
      walk(L->getBody(), Inner);
      return;
    }
    if (const auto *MC = dyn_cast<CXXMemberCallExpr>(S)) {
      if (isObject(MC->getImplicitObjectArgument()) && MC->getMethodDecl() &&
          MC->getMethodDecl()->getIdentifier()) {
        Out.Ops.push_back({MC, MC->getMethodDecl()->getName(), F.Function, F.In,
                           F.Task, F.Loops > 0, F.Branches > 0, F.Loop, F.Loops,
                           F.Branches > F.BranchesAtLoop, F.Runs});
        for (const Expr *Arg : MC->arguments())
          walk(Arg, F);
        return;
      }
    }
    if (const auto *DRE = dyn_cast<DeclRefExpr>(S)) {
      if (isObject(DRE) && !Passed.count(DRE))
        Out.Escapes = true; // used in a way we do not model
      return;
    }
    if (isRepeatingLoop(S, Ctx)) {
      Frame Inner = F;
      ++Inner.Loops;
      Inner.Loop = S;
      Inner.BranchesAtLoop = F.Branches;
      std::optional<SymbolicCount> Trips = symbolicTripCount(S, Scope, Ctx);
      Inner.Runs =
          Trips && F.Runs ? multiplyCounts(*F.Runs, *Trips) : std::nullopt;
      for (const Stmt *Child : S->children())
        walk(Child, Inner);
      return;
    }
    if (isa<IfStmt>(S) || isa<SwitchStmt>(S) || isa<ConditionalOperator>(S) ||
        isa<BinaryConditionalOperator>(S)) {
      Frame Inner = F;
      ++Inner.Branches;
      for (const Stmt *Child : S->children()) {
        const auto *If = dyn_cast<IfStmt>(S);
        walk(Child, If && Child == If->getCond() ? F : Inner);
      }
      return;
    }
    if (const auto *BO = dyn_cast<BinaryOperator>(S); BO && BO->isLogicalOp()) {
      walk(BO->getLHS(), F);
      Frame Inner = F;
      ++Inner.Branches;
      walk(BO->getRHS(), Inner);
      return;
    }
    for (const Stmt *Child : S->children())
      walk(Child, F);
  }

  const VarDecl *Var;
  const Library &Lib;
  ASTContext &Ctx;
  SyncObject &Out;
  bool CopiesShareState;
  llvm::DenseMap<const LambdaExpr *, llvm::SmallVector<unsigned, 2>>
      LambdaTasks;
  llvm::DenseMap<const ParmVarDecl *, llvm::SmallVector<unsigned, 2>>
      AliasParams;
  llvm::SmallPtrSet<const DeclRefExpr *, 4> Passed;
  llvm::SmallPtrSet<const FunctionDecl *, 4> WalkedFunctions;
  /// The body of the function being walked, where symbolic counts are read.
  const Stmt *Scope = nullptr;
};

} // namespace

std::optional<SyncObject> analyzeSyncObject(const VarDecl *Var,
                                            const Library &Lib,
                                            ASTContext &Ctx) {
  // A copyable channel is a handle (Go's channels, a shared_ptr to a queue):
  // a by-copy capture is the same channel. Wait groups and non-copyable
  // channels are values: a copy would be another object.
  const CXXRecordDecl *RD = Var->getType()->getAsCXXRecordDecl();
  bool CopiesShareState = false;
  if (RD && RD->hasDefinition() && Lib.channelModel(Var->getType())) {
    RD = RD->getDefinition();
    bool UserCopy = false;
    for (const CXXConstructorDecl *C : RD->ctors())
      if (C->isCopyConstructor() && !C->isImplicit()) {
        UserCopy = true;
        CopiesShareState |= !C->isDeleted();
      }
    if (!UserCopy)
      CopiesShareState = !RD->defaultedCopyConstructorIsDeleted();
  }
  if (!Var || !Var->isLocalVarDecl() || Var->isStaticLocal())
    return std::nullopt;
  const auto *Owner = dyn_cast_or_null<FunctionDecl>(Var->getParentFunctionOrMethod());
  if (!Owner || !Owner->getBody() || Owner->isDependentContext())
    return std::nullopt;
  SyncObject Out;
  Out.Var = Var;
  Out.Owner = Owner;
  // Only the variable's own scope can use it: spawns in loops around that
  // scope start tasks for other instances of the variable.
  const Stmt *Scope = Owner->getBody();
  DynTypedNodeList Parents = getParents(Ctx, *Var);
  if (Parents.size() == 1)
    if (const auto *DS = Parents[0].get<DeclStmt>()) {
      DynTypedNodeList Up = getParents(Ctx, *DS);
      if (Up.size() == 1)
        if (const auto *Block = Up[0].get<CompoundStmt>())
          Scope = Block;
    }
  Collector(Var, Lib, Ctx, Out, CopiesShareState).run(Owner, Scope);
  return Out;
}

} // namespace taskleak
