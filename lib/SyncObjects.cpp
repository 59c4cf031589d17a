//===--- SyncObjects.cpp - channels and wait groups a function owns --------===//
#include "lib/SyncObjects.h"
#include "lib/Parents.h"
#include "lib/AstNav.h"
#include "lib/TripCounts.h"

#include "clang/AST/Attr.h"
#include "clang/AST/DeclFriend.h"
#include "clang/AST/ParentMapContext.h"
#include "clang/AST/StmtCXX.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallPtrSet.h"

using namespace clang;

namespace taskleak {

namespace {

class Collector {
public:
  Collector(const ValueDecl *Var, const Library &Lib, ASTContext &Ctx,
            SyncObject &Out, bool CopiesShareState)
      : Var(Var), Lib(Lib), Ctx(Ctx), Out(Out),
        CopiesShareState(CopiesShareState),
        HandleCopiesShare(Out.ThroughHandle && Lib.keepsAlive(Var->getType())) {
  }

  void run(const FunctionDecl *Owner, const Stmt *Body) {
    Scope = Owner->getBody();
    findSpawns(Body, 1, SymbolicCount::constant(1));
    Frame F{Owner, SyncOp::Where::Owner, std::nullopt, 0, 0};
    walk(Body, F);
    walkAliasParams();
  }

  /// A member of a class: every member function (a constructor runs once
  /// per object, any other function an unknown number of times) and the
  /// tasks they start; a member function started as a task
  /// (`std::thread(&C::run, this)`) is that task.
  void runClass(llvm::ArrayRef<const CXXMethodDecl *> Methods) {
    auto Parts = [](const CXXMethodDecl *M) {
      llvm::SmallVector<const Stmt *, 4> Out;
      if (const auto *Ctor = dyn_cast<CXXConstructorDecl>(M))
        for (const CXXCtorInitializer *Init : Ctor->inits())
          if (Init->isWritten())
            Out.push_back(Init->getInit());
      Out.push_back(M->getBody());
      return Out;
    };
    for (const CXXMethodDecl *M : Methods) {
      Scope = M->getBody();
      bool Once = isa<CXXConstructorDecl>(M);
      for (const Stmt *S : Parts(M))
        findSpawns(
            S, Once ? std::optional<unsigned>(1) : std::nullopt,
            Once ? std::optional<SymbolicCount>(SymbolicCount::constant(1))
                 : std::nullopt);
    }
    llvm::DenseMap<const FunctionDecl *, llvm::SmallVector<unsigned, 2>>
        MemberTasks;
    for (unsigned I = 0; I < Out.Tasks.size(); ++I)
      if (const FunctionDecl *Fn = Out.Tasks[I].Site.Task.Function;
          Fn && !Out.Tasks[I].Site.Task.Lambda &&
          llvm::any_of(Methods, [&](const CXXMethodDecl *M) {
            return M->getCanonicalDecl() == Fn->getCanonicalDecl();
          }))
        MemberTasks[Fn->getCanonicalDecl()].push_back(I);
    for (const CXXMethodDecl *M : Methods) {
      Scope = M->getBody();
      Frame F{M, SyncOp::Where::Owner, std::nullopt, 0, 0};
      if (auto It = MemberTasks.find(M->getCanonicalDecl());
          It != MemberTasks.end()) {
        F.In = SyncOp::Where::Task;
        F.Task = merge(It->second);
      }
      WalkedFunctions.insert(M);
      for (const Stmt *S : Parts(M))
        walk(S, F);
    }
    walkAliasParams();
  }

private:
  /// Task functions that receive the object through a parameter.
  void walkAliasParams() {
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

  /// \p D names the object or a handle to it: the variable, a parameter of
  /// a task function it is passed to, a lambda's init-capture of it.
  bool isTracked(const ValueDecl *D) const {
    if (D == Var || AliasVars.count(D))
      return true;
    const auto *P = dyn_cast<ParmVarDecl>(D);
    return P && AliasParams.count(P);
  }

  /// A tracked declaration that is a handle owning the object, not the
  /// object (or a reference or pointer to it).
  bool isHandle(const ValueDecl *D) const {
    return Out.ThroughHandle && !Lib.ownedObjectType(D->getType()).isNull();
  }

  /// A member of this object: `f_`, `this->f_`.
  static const FieldDecl *thisMember(const Expr *E) {
    const auto *ME = dyn_cast_or_null<MemberExpr>(E);
    if (!ME || !isa<CXXThisExpr>(ME->getBase()->IgnoreParenImpCasts()))
      return nullptr;
    return dyn_cast<FieldDecl>(ME->getMemberDecl());
  }

  /// The tracked declaration \p E refers to, whatever it denotes: the
  /// variable, an alias, or (for a member) `this->f_`.
  const ValueDecl *trackedRef(const Expr *E) const {
    E = E ? E->IgnoreParenImpCasts() : nullptr;
    if (const FieldDecl *F = thisMember(E))
      return F == Var ? F : nullptr;
    const auto *DRE = dyn_cast_or_null<DeclRefExpr>(E);
    return DRE && isTracked(DRE->getDecl()) ? DRE->getDecl() : nullptr;
  }

  /// \p E denotes the object: `ch`, `*p`, and through a handle `*h`, `h->`.
  bool isObject(const Expr *E) const {
    if (!E)
      return false;
    E = E->IgnoreParenImpCasts();
    bool Dereferenced = false;
    if (const auto *U = dyn_cast<UnaryOperator>(E);
        U && U->getOpcode() == UO_Deref) {
      E = U->getSubExpr()->IgnoreParenImpCasts();
      Dereferenced = true;
    } else if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(E);
               Op && Out.ThroughHandle && Op->getNumArgs() == 1 &&
               (Op->getOperator() == OO_Arrow ||
                Op->getOperator() == OO_Star)) {
      E = Op->getArg(0)->IgnoreParenImpCasts();
      Dereferenced = true;
    }
    const ValueDecl *D = trackedRef(E);
    return D && (Dereferenced || !isHandle(D));
  }

  /// `std::ref(v)`, `&v`, `v` as an argument bound to a task function.
  const Expr *passedObject(const Expr *Arg) const {
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
      if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(Arg);
          Op && Out.ThroughHandle && Op->getOperator() == OO_Star &&
          Op->getNumArgs() == 1) {
        Arg = Op->getArg(0);
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
    Arg = Arg ? Arg->IgnoreParenImpCasts() : nullptr;
    if (const FieldDecl *F = thisMember(Arg))
      return F == Var ? Arg : nullptr;
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
            if (const Expr *DRE = passedObject(Site->Task.BoundArgs[I])) {
              Passed.insert(DRE);
              const ParmVarDecl *P = I >= Offset && I - Offset < Fn->getNumParams()
                                         ? Fn->getParamDecl(I - Offset)
                                         : nullptr;
              bool ByValue = P && !P->getType()->isReferenceType() &&
                             !P->getType()->isPointerType();
              // A copy of a handle is the same object if the handle shares
              // it; a copy of the object only if its copies share state.
              bool CopyShares = P && !Lib.ownedObjectType(P->getType()).isNull()
                                    ? HandleCopiesShare
                                    : CopiesShareState;
              if (P && (!ByValue || CopyShares))
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
        if (C.capturesVariable() && C.getCaptureKind() == LCK_ByCopy &&
            isTracked(C.getCapturedVar()) && !copyShares(C.getCapturedVar()))
          Out.Escapes = true; // a copy is another object
      for (const Expr *Init : L->capture_inits()) {
        // A by-reference capture names the object; a by-copy capture copies
        // it (checked above).
        if (!trackedRef(capturedExpr(Init)))
          walk(Init, F);
      }
      // `[c = ch]`, `[c = std::move(h)]`: c is the object too.
      for (const LambdaCapture &C : L->captures()) {
        const auto *V = C.capturesVariable()
                            ? dyn_cast<VarDecl>(C.getCapturedVar())
                            : nullptr;
        if (!V || !V->isInitCapture())
          continue;
        if (const ValueDecl *From = trackedRef(capturedExpr(V->getInit()))) {
          if (From->getType()->isReferenceType() ||
              V->getType()->isReferenceType() || copyShares(From) ||
              movedFrom(V->getInit()))
            AliasVars.insert(V);
          else
            Out.Escapes = true;
        }
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
      if (isTracked(DRE->getDecl()) && !Passed.count(DRE))
        Out.Escapes = true; // used in a way we do not model
      return;
    }
    if (const auto *ME = dyn_cast<MemberExpr>(S); ME && thisMember(ME)) {
      if (thisMember(ME) == Var && !Passed.count(ME))
        Out.Escapes = true;
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

  /// What a lambda capture's initializer copies or moves from: `ch` in
  /// `[ch]`, `[c = ch]`, `[c = std::move(ch)]`.
  const Expr *capturedExpr(const Expr *Init) const {
    const Expr *E = Init ? Init->IgnoreImplicit() : nullptr;
    if (const auto *CE = dyn_cast_or_null<CXXConstructExpr>(E);
        CE && CE->getNumArgs() == 1)
      E = CE->getArg(0)->IgnoreImplicit();
    if (const auto *Call = dyn_cast_or_null<CallExpr>(E);
        Call && Call->getNumArgs() == 1 &&
        Lib.isMoveFunction(Call->getDirectCallee()))
      E = Call->getArg(0);
    return E;
  }

  bool movedFrom(const Expr *Init) const {
    const Expr *E = Init ? Init->IgnoreImplicit() : nullptr;
    if (const auto *CE = dyn_cast_or_null<CXXConstructExpr>(E);
        CE && CE->getNumArgs() == 1)
      E = CE->getArg(0)->IgnoreImplicit();
    const auto *Call = dyn_cast_or_null<CallExpr>(E);
    return Call && Lib.isMoveFunction(Call->getDirectCallee());
  }

  /// A copy of \p D (a tracked declaration) is the same object.
  bool copyShares(const ValueDecl *D) const {
    return isHandle(D) ? HandleCopiesShare : CopiesShareState;
  }

  const ValueDecl *Var;
  const Library &Lib;
  ASTContext &Ctx;
  SyncObject &Out;
  bool CopiesShareState;
  /// Var is a shared handle: its copies own the same object.
  bool HandleCopiesShare;
  llvm::SmallPtrSet<const ValueDecl *, 2> AliasVars;
  llvm::DenseMap<const LambdaExpr *, llvm::SmallVector<unsigned, 2>>
      LambdaTasks;
  llvm::DenseMap<const ParmVarDecl *, llvm::SmallVector<unsigned, 2>>
      AliasParams;
  llvm::SmallPtrSet<const Expr *, 4> Passed;
  llvm::SmallPtrSet<const FunctionDecl *, 4> WalkedFunctions;
  /// The body of the function being walked, where symbolic counts are read.
  const Stmt *Scope = nullptr;
};

} // namespace

/// A copyable channel class is a handle (Go's channels): its copies are
/// the same channel.
static bool copiesShareState(const CXXRecordDecl *RD) {
  bool UserCopy = false, Shares = false;
  for (const CXXConstructorDecl *C : RD->ctors())
    if (C->isCopyConstructor() && !C->isImplicit()) {
      UserCopy = true;
      Shares |= !C->isDeleted();
    }
  return UserCopy ? Shares : !RD->defaultedCopyConstructorIsDeleted();
}

QualType syncObjectType(const VarDecl *Var, const Library &Lib) {
  QualType Owned = Lib.ownedObjectType(Var->getType());
  return Owned.isNull() ? Var->getType() : Owned;
}

/// The constructor of \p RD that a factory call with \p NumArgs arguments
/// runs, when only one (other than the copy and move constructors) can.
static const CXXConstructorDecl *constructorTaking(const CXXRecordDecl *RD,
                                                   unsigned NumArgs) {
  if (!RD || !RD->hasDefinition())
    return nullptr;
  const CXXConstructorDecl *Found = nullptr;
  for (const CXXConstructorDecl *C : RD->getDefinition()->ctors()) {
    if (C->isCopyOrMoveConstructor() || C->isDeleted() ||
        NumArgs < C->getMinRequiredArguments() ||
        (NumArgs > C->getNumParams() && !C->isVariadic()))
      continue;
    if (Found)
      return nullptr;
    Found = C;
  }
  return Found;
}

std::optional<ObjectConstruction> objectConstruction(const VarDecl *Var,
                                                     const Library &Lib) {
  const Expr *E = Var->getInit();
  auto Direct = [](const CXXConstructExpr *CE) {
    ObjectConstruction C;
    C.Construct = CE;
    C.Ctor = CE->getConstructor();
    C.Args.append(CE->arg_begin(), CE->arg_end());
    return C;
  };
  QualType Owned = Lib.ownedObjectType(Var->getType());
  if (Owned.isNull()) {
    const auto *CE =
        dyn_cast_or_null<CXXConstructExpr>(E ? E->IgnoreImplicit() : nullptr);
    return CE ? std::optional<ObjectConstruction>(Direct(CE)) : std::nullopt;
  }
  const CXXRecordDecl *RD = Owned->getAsCXXRecordDecl();
  for (int Guard = 0; E && RD && Guard < 8; ++Guard) {
    E = E->IgnoreImplicit();
    if (const auto *FC = dyn_cast<CXXFunctionalCastExpr>(E)) {
      E = FC->getSubExpr();
      continue;
    }
    if (const auto *New = dyn_cast<CXXNewExpr>(E)) {
      const CXXConstructExpr *CE = New->getConstructExpr();
      return CE ? std::optional<ObjectConstruction>(Direct(CE)) : std::nullopt;
    }
    if (const auto *CE = dyn_cast<CXXConstructExpr>(E)) {
      // The handle's constructor: from `new T(...)`, or a copy or move of
      // a factory's result.
      if (CE->getNumArgs() < 1)
        return std::nullopt;
      E = CE->getArg(0);
      continue;
    }
    if (const auto *Call = dyn_cast<CallExpr>(E)) {
      const CXXRecordDecl *Built =
          Lib.builtByFactory(Call, /*MayTakeNoArguments=*/true);
      if (!Built || Built->getCanonicalDecl() != RD->getCanonicalDecl())
        return std::nullopt;
      ObjectConstruction C;
      C.Ctor = constructorTaking(RD, Call->getNumArgs());
      C.Args.append(Call->arg_begin(), Call->arg_end());
      return C;
    }
    return std::nullopt;
  }
  return std::nullopt;
}

std::optional<SyncObject> analyzeSyncObject(const VarDecl *Var,
                                            const Library &Lib,
                                            ASTContext &Ctx) {
  if (!Var)
    return std::nullopt;
  // A copyable channel is a handle (Go's channels, a shared_ptr to a queue):
  // a by-copy capture is the same channel. Wait groups and non-copyable
  // channels are values: a copy would be another object.
  const QualType ObjType = syncObjectType(Var, Lib);
  const CXXRecordDecl *RD = ObjType->getAsCXXRecordDecl();
  bool CopiesShareState = false;
  if (RD && RD->hasDefinition() && Lib.channelModel(ObjType)) {
    CopiesShareState = copiesShareState(RD->getDefinition());
  }
  if (!Var || !Var->isLocalVarDecl() || Var->isStaticLocal())
    return std::nullopt;
  const auto *Owner = dyn_cast_or_null<FunctionDecl>(Var->getParentFunctionOrMethod());
  if (!Owner || !Owner->getBody() || Owner->isDependentContext())
    return std::nullopt;
  SyncObject Out;
  Out.Var = Var;
  Out.ThroughHandle = ObjType != Var->getType();
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

/// The member functions of \p RD with their bodies, when every one that can
/// touch a private member is defined in this translation unit: no friends,
/// no nested classes, no member function declared here and defined elsewhere.
static std::optional<llvm::SmallVector<const CXXMethodDecl *, 16>>
wholeClass(const CXXRecordDecl *RD) {
  if (!RD || !RD->isThisDeclarationADefinition() || RD->isDependentContext() ||
      isa<ClassTemplateSpecializationDecl>(RD) || RD->isLambda() ||
      RD->isUnion() || RD->hasFriends())
    return std::nullopt;
  llvm::SmallVector<const CXXMethodDecl *, 16> Methods;
  for (const Decl *D : RD->decls()) {
    if (const auto *Nested = dyn_cast<CXXRecordDecl>(D);
        Nested && !Nested->isImplicit())
      return std::nullopt; // a nested class may touch our members too
    if (isa<FunctionTemplateDecl>(D))
      return std::nullopt; // instantiated only where used: not all seen
    const auto *M = dyn_cast<CXXMethodDecl>(D);
    if (!M || M->isImplicit() || M->isDeleted() || M->isDefaulted())
      continue;
    const FunctionDecl *Def = nullptr;
    if (!M->hasBody(Def) || !Def)
      return std::nullopt;
    Methods.push_back(cast<CXXMethodDecl>(Def));
  }
  return Methods;
}

std::optional<SyncObject> analyzeMemberSyncObject(const FieldDecl *Field,
                                                  const Library &Lib,
                                                  ASTContext &Ctx) {
  if (!Field || Field->getAccess() == AS_public)
    return std::nullopt;
  const auto *RD = dyn_cast<CXXRecordDecl>(Field->getParent());
  if (!RD || (Field->getAccess() == AS_protected && !RD->hasAttr<FinalAttr>()))
    return std::nullopt; // a derived class may use it
  std::optional<llvm::SmallVector<const CXXMethodDecl *, 16>> Methods =
      wholeClass(RD);
  if (!Methods || Methods->empty())
    return std::nullopt;
  const CXXRecordDecl *ObjRD = Field->getType()->getAsCXXRecordDecl();
  bool CopiesShareState = false;
  if (ObjRD && ObjRD->hasDefinition() && Lib.channelModel(Field->getType()))
    CopiesShareState = copiesShareState(ObjRD->getDefinition());
  SyncObject Out;
  Out.Field = Field;
  Out.Class = RD;
  Collector(Field, Lib, Ctx, Out, CopiesShareState).runClass(*Methods);
  return Out;
}

} // namespace taskleak
