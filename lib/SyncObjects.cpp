//===--- SyncObjects.cpp - channels and wait groups a function owns --------===//
#include "lib/SyncObjects.h"

#include "clang/AST/ParentMapContext.h"
#include "clang/AST/StmtCXX.h"
#include "clang/Analysis/CFG.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SmallPtrSet.h"

using namespace clang;

namespace taskleak {

std::optional<int64_t> integerConstant(const Expr *E, const ASTContext &Ctx) {
  if (!E || E->isValueDependent() || E->isTypeDependent())
    return std::nullopt;
  Expr::EvalResult R;
  if (!E->EvaluateAsInt(R, Ctx))
    return std::nullopt;
  return R.Val.getInt().getExtValue();
}

static const VarDecl *loopVar(const Stmt *Init) {
  if (const auto *DS = dyn_cast_or_null<DeclStmt>(Init))
    if (DS->isSingleDecl())
      return dyn_cast<VarDecl>(DS->getSingleDecl());
  return nullptr;
}

static bool refersTo(const Expr *E, const VarDecl *V) {
  const auto *DRE = dyn_cast_or_null<DeclRefExpr>(E ? E->IgnoreParenImpCasts() : nullptr);
  return DRE && DRE->getDecl() == V;
}

std::optional<uint64_t> constantTripCount(const Stmt *Loop, ASTContext &Ctx) {
  if (const auto *F = dyn_cast<ForStmt>(Loop)) {
    const VarDecl *I = loopVar(F->getInit());
    if (!I || !I->getInit() || !I->getType()->isIntegerType())
      return std::nullopt;
    std::optional<int64_t> Begin = integerConstant(I->getInit(), Ctx);
    const auto *Cond = dyn_cast_or_null<BinaryOperator>(
        F->getCond() ? F->getCond()->IgnoreParenImpCasts() : nullptr);
    if (!Begin || !Cond || !refersTo(Cond->getLHS(), I))
      return std::nullopt;
    std::optional<int64_t> End = integerConstant(Cond->getRHS(), Ctx);
    if (!End)
      return std::nullopt;
    // The increment must be ++i, i++ or i += 1, and i not written in the body.
    const Expr *Inc = F->getInc() ? F->getInc()->IgnoreParenImpCasts() : nullptr;
    bool StepOne = false;
    if (const auto *U = dyn_cast_or_null<UnaryOperator>(Inc))
      StepOne = U->isIncrementOp() && refersTo(U->getSubExpr(), I);
    else if (const auto *B = dyn_cast_or_null<CompoundAssignOperator>(Inc))
      StepOne = B->getOpcode() == BO_AddAssign && refersTo(B->getLHS(), I) &&
                integerConstant(B->getRHS(), Ctx) == 1;
    if (!StepOne)
      return std::nullopt;
    int64_t N;
    switch (Cond->getOpcode()) {
    case BO_LT:
    case BO_NE:
      N = *End - *Begin;
      break;
    case BO_LE:
      N = *End - *Begin + 1;
      break;
    default:
      return std::nullopt;
    }
    return N < 0 ? 0 : static_cast<uint64_t>(N);
  }
  if (const auto *R = dyn_cast<CXXForRangeStmt>(Loop)) {
    QualType T = R->getRangeInit()->getType().getNonReferenceType();
    if (const auto *CAT = Ctx.getAsConstantArrayType(T))
      return CAT->getSize().getZExtValue();
    if (const auto *Spec = dyn_cast_or_null<ClassTemplateSpecializationDecl>(
            T->getAsCXXRecordDecl()))
      if (matchesQualifiedName(Spec, "std::array") &&
          Spec->getTemplateArgs().size() == 2 &&
          Spec->getTemplateArgs()[1].getKind() == TemplateArgument::Integral)
        return Spec->getTemplateArgs()[1].getAsIntegral().getZExtValue();
    if (const auto *IL = dyn_cast<InitListExpr>(
            R->getRangeInit()->IgnoreImplicit()))
      return IL->getNumInits();
    if (const auto *SIL = dyn_cast<CXXStdInitializerListExpr>(
            R->getRangeInit()->IgnoreImplicit()))
      if (const auto *IL = dyn_cast<InitListExpr>(
              SIL->getSubExpr()->IgnoreImplicit()))
        return IL->getNumInits();
  }
  return std::nullopt;
}

namespace {

class Collector {
public:
  Collector(const VarDecl *Var, const Library &Lib, ASTContext &Ctx,
            SyncObject &Out, bool CopiesShareState)
      : Var(Var), Lib(Lib), Ctx(Ctx), Out(Out),
        CopiesShareState(CopiesShareState) {}

  void run(const FunctionDecl *Owner, const Stmt *Body) {
    findSpawns(Body, 1);
    Frame F{Owner, SyncOp::InOwner, 0, 0};
    walk(Body, F);
    // Task functions that receive the object through a parameter.
    for (const auto &[Param, Tasks] : AliasParams) {
      const auto *Fn = dyn_cast<FunctionDecl>(Param->getDeclContext());
      if (!Fn || !Fn->getBody() || !WalkedFunctions.insert(Fn).second)
        continue;
      Frame TF{Fn, merge(Tasks), 0, 0};
      walk(Fn->getBody(), TF);
    }
  }

private:
  struct Frame {
    const FunctionDecl *Function;
    int Task;
    unsigned Loops;
    unsigned Branches;
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
        if (FD && Call->getNumArgs() == 1 &&
            (matchesQualifiedName(FD, "std::ref") ||
             matchesQualifiedName(FD, "std::cref") ||
             matchesQualifiedName(FD, "boost::ref"))) {
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

  void findSpawns(const Stmt *S, unsigned Instances) {
    if (!S)
      return;
    if (isa<CallExpr>(S) || isa<CXXConstructExpr>(S)) {
      if (std::optional<SpawnSite> Site = matchSpawn(Lib, cast<Expr>(S), Ctx)) {
        int Index = static_cast<int>(Out.Tasks.size());
        Out.Tasks.push_back({*Site, {Site->Call}, Instances});
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
    unsigned Inner = Instances;
    if (TaskAnalysis_isLoop(S)) {
      std::optional<uint64_t> N = constantTripCount(S, Ctx);
      Inner = N && Instances ? Instances * static_cast<unsigned>(*N) : 0;
    } else if (isa<IfStmt>(S) || isa<SwitchStmt>(S) ||
               isa<ConditionalOperator>(S)) {
      Inner = 0; // a spawn that may not happen
    }
    if (const auto *L = dyn_cast<LambdaExpr>(S)) {
      findSpawns(L->getBody(), 0); // spawns inside lambdas: count unknown
      return;
    }
    for (const Stmt *Child : S->children()) {
      // The condition of an if is evaluated once; only its branches may not.
      if (const auto *If = dyn_cast<IfStmt>(S); If && Child == If->getCond()) {
        findSpawns(Child, Instances);
        continue;
      }
      findSpawns(Child, Inner);
    }
  }

  /// One body started by several spawns (one lambda variable, two threads)
  /// is one task whose instances add up; returns its index.
  int merge(llvm::ArrayRef<int> Indices) {
    SyncTask &First = Out.Tasks[Indices.front()];
    for (int I : Indices.drop_front()) {
      const SyncTask &Other = Out.Tasks[I];
      First.Spawns.push_back(Other.Site.Call);
      First.Instances = First.Instances && Other.Instances
                            ? First.Instances + Other.Instances
                            : 0;
    }
    return Indices.front();
  }

  /// A loop; `do { ... } while (0)` (a macro's statement wrapper) runs once.
  bool TaskAnalysis_isLoop(const Stmt *S) const {
    if (const auto *D = dyn_cast<DoStmt>(S)) {
      bool Result = true;
      const Expr *C = D->getCond();
      return !(C && !C->isValueDependent() &&
               C->EvaluateAsBooleanCondition(Result, Ctx) && !Result);
    }
    return isa<WhileStmt>(S) || isa<ForStmt>(S) || isa<CXXForRangeStmt>(S);
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
      Frame Inner{L->getCallOperator(),
                  It != LambdaTasks.end() ? merge(It->second)
                                          : static_cast<int>(SyncOp::InOtherLambda),
                  0, 0};
      walk(L->getBody(), Inner);
      return;
    }
    if (const auto *MC = dyn_cast<CXXMemberCallExpr>(S)) {
      if (isObject(MC->getImplicitObjectArgument()) && MC->getMethodDecl() &&
          MC->getMethodDecl()->getIdentifier()) {
        Out.Ops.push_back({MC, MC->getMethodDecl()->getName(), F.Function,
                           F.Task, F.Loops > 0, F.Branches > 0});
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
    if (TaskAnalysis_isLoop(S)) {
      Frame Inner = F;
      ++Inner.Loops;
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
  llvm::DenseMap<const LambdaExpr *, llvm::SmallVector<int, 2>> LambdaTasks;
  llvm::DenseMap<const ParmVarDecl *, llvm::SmallVector<int, 2>> AliasParams;
  llvm::SmallPtrSet<const DeclRefExpr *, 4> Passed;
  llvm::SmallPtrSet<const FunctionDecl *, 4> WalkedFunctions;
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
  DynTypedNodeList Parents = Ctx.getParents(*Var);
  if (Parents.size() == 1)
    if (const auto *DS = Parents[0].get<DeclStmt>()) {
      DynTypedNodeList Up = Ctx.getParents(*DS);
      if (Up.size() == 1)
        if (const auto *Block = Up[0].get<CompoundStmt>())
          Scope = Block;
    }
  Collector(Var, Lib, Ctx, Out, CopiesShareState).run(Owner, Scope);
  return Out;
}

static bool containsCredit(const Stmt *S,
                           llvm::function_ref<unsigned(const Stmt *)> Credit) {
  if (!S)
    return false;
  if (Credit(S))
    return true;
  for (const Stmt *Child : S->children())
    if (containsCredit(Child, Credit))
      return true;
  return false;
}

std::optional<ExitPath>
findPathWithoutCredit(const FunctionDecl *Fn, const Stmt *From, unsigned Needed,
                      llvm::function_ref<unsigned(const Stmt *)> Credit,
                      ASTContext &Ctx, bool LoopsRunOnce) {
  PathSearchOptions Options;
  Options.LoopsRunOnce = LoopsRunOnce;
  return findPathWithoutCredit(Fn, From, Needed, Credit, Ctx, Options);
}

/// The element of \p G where \p From is evaluated: the element that is
/// \p From, or else the first one that is an ancestor of it.
static std::optional<std::pair<const CFGBlock *, unsigned>>
findElement(const CFG &G, const Stmt *From, ASTContext &Ctx) {
  llvm::SmallPtrSet<const Stmt *, 8> Ancestors;
  DynTypedNode Node = DynTypedNode::create(*From);
  for (int Guard = 0; Guard < 16; ++Guard) {
    DynTypedNodeList Parents = Ctx.getParents(Node);
    if (Parents.size() != 1 || !Parents[0].get<Stmt>())
      break;
    Node = Parents[0];
    Ancestors.insert(Node.get<Stmt>());
  }
  std::optional<std::pair<const CFGBlock *, unsigned>> Ancestor;
  for (const CFGBlock *B : G)
    for (unsigned I = 0; I < B->size(); ++I)
      if (std::optional<CFGStmt> CS = (*B)[I].getAs<CFGStmt>()) {
        if (CS->getStmt() == From)
          return std::make_pair(B, I);
        if (!Ancestor && Ancestors.count(CS->getStmt()))
          Ancestor = std::make_pair(B, I);
      }
  return Ancestor;
}

std::optional<ExitPath>
findPathWithoutCredit(const FunctionDecl *Fn, const Stmt *From, unsigned Needed,
                      llvm::function_ref<unsigned(const Stmt *)> Credit,
                      ASTContext &Ctx, const PathSearchOptions &Options) {
  if (!Fn || !Fn->getBody() || Needed == 0)
    return std::nullopt;
  const VarDecl *ScopeVar = Options.UntilScopeEndOf;
  CFG::BuildOptions Opts;
  if (ScopeVar) {
    Opts.AddImplicitDtors = true;
    Opts.setAllAlwaysAdd();
  }
  std::unique_ptr<CFG> G =
      CFG::buildCFG(Fn, Fn->getBody(), &Ctx, Opts);
  if (!G)
    return std::nullopt;

  struct State {
    const CFGBlock *Block;
    unsigned Index;  // first element to look at
    unsigned Credit; // collected so far, capped at Needed
    const Stmt *Exit;
  };
  llvm::SmallVector<State, 16> Work;
  if (!From) {
    Work.push_back({&G->getEntry(), 0, 0, nullptr});
  } else if (ScopeVar) {
    if (auto At = findElement(*G, From, Ctx))
      Work.push_back({At->first, At->second + 1, 0, nullptr});
    else
      return std::nullopt;
  } else {
    for (const CFGBlock *B : *G) {
      for (unsigned I = 0; I < B->size(); ++I)
        if (std::optional<CFGStmt> CS = (*B)[I].getAs<CFGStmt>())
          if (CS->getStmt() == From) {
            Work.push_back({B, I + 1, 0, nullptr});
            break;
          }
      if (!Work.empty())
        break;
    }
    if (Work.empty())
      return std::nullopt;
  }
  llvm::DenseSet<std::pair<const CFGBlock *, unsigned>> Seen;
  while (!Work.empty()) {
    State S = Work.pop_back_val();
    if (S.Block == &G->getExit()) {
      if (ScopeVar)
        continue; // left by a throw: exceptional paths are not followed
      return ExitPath{S.Exit};
    }
    if (S.Block->hasNoReturnElement())
      continue; // abort(), a fatal check: the process ends, nothing waits
    bool Satisfied = false;
    for (unsigned I = S.Index; I < S.Block->size(); ++I) {
      if (ScopeVar)
        if (std::optional<CFGAutomaticObjDtor> D =
                (*S.Block)[I].getAs<CFGAutomaticObjDtor>();
            D && D->getVarDecl() == ScopeVar) {
          if (!Options.AcceptsExit || Options.AcceptsExit(D->getTriggerStmt()))
            return ExitPath{D->getTriggerStmt()};
          Satisfied = true; // this way out is not one we report
          break;
        }
      std::optional<CFGStmt> CS = (*S.Block)[I].getAs<CFGStmt>();
      if (!CS)
        continue;
      const Stmt *St = CS->getStmt();
      unsigned C = Credit(St);
      S.Credit = C >= Needed - S.Credit ? Needed : S.Credit + C;
      if (S.Credit >= Needed) {
        Satisfied = true;
        break;
      }
      if (isa<ReturnStmt>(St) || isa<CXXThrowExpr>(St) || isa<CoreturnStmt>(St))
        S.Exit = St;
    }
    if (Satisfied)
      continue;
    // A loop with a constant, non-zero trip count is entered: its first
    // round runs (the CFG does not know `i < 3` holds for `i = 0`).
    bool Entered = false;
    if (const Stmt *T = S.Block->getTerminatorStmt())
      if (isa<ForStmt>(T) || isa<CXXForRangeStmt>(T))
        if (std::optional<uint64_t> N = constantTripCount(T, Ctx);
            N && *N > 0 && (Options.LoopsRunOnce || containsCredit(T, Credit)))
          Entered = true;
    // A branch that settles the need (the false edge of `t.joinable()`).
    const Expr *Cond = nullptr;
    if (Options.SettlesBranch && S.Block->succ_size() == 2)
      Cond = dyn_cast_or_null<Expr>(S.Block->getTerminatorCondition());
    unsigned SuccIndex = 0;
    for (const CFGBlock::AdjacentBlock &Succ : S.Block->succs()) {
      unsigned Index = SuccIndex++;
      if (Entered && Index == 1)
        continue; // the exit edge of the loop
      if (Cond && Options.SettlesBranch(Cond, Index == 0))
        continue;
      const CFGBlock *Next = Succ.getReachableBlock();
      if (!Next || !Seen.insert({Next, S.Credit}).second)
        continue;
      Work.push_back({Next, 0, S.Credit, S.Exit});
    }
  }
  return std::nullopt;
}

} // namespace taskleak
