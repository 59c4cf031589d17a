//===--- LoopCaptures.cpp - iteration variables a task holds by reference --===//
#include "lib/LoopCaptures.h"
#include "lib/Expressions.h"
#include "lib/SyncObjects.h"

#include "clang/AST/ParentMapContext.h"
#include "clang/AST/StmtCXX.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/StringExtras.h"

#include <functional>

using namespace clang;

namespace taskleak {

namespace {

/// The single parent of a node (the first one in a template instantiation).
DynTypedNode parentOf(const DynTypedNode &N, ASTContext &Ctx) {
  DynTypedNodeList Ps = Ctx.getParents(N);
  return Ps.empty() ? DynTypedNode() : Ps[0];
}

template <typename T> DynTypedNode parentOf(const T &N, ASTContext &Ctx) {
  return parentOf(DynTypedNode::create(N), Ctx);
}

/// Nodes that end a walk up the tree: what is inside runs at another time.
bool isFunctionBoundary(const DynTypedNode &N) {
  return N.get<LambdaExpr>() || N.get<FunctionDecl>() || N.get<BlockDecl>() ||
         N.get<BlockExpr>() || N.get<CapturedStmt>();
}

/// A statement that repeats its body; `do ... while (0)` (a macro's
/// statement wrapper) does not.
bool isRepeatingLoop(const Stmt *S, ASTContext &Ctx) {
  if (const auto *D = dyn_cast<DoStmt>(S)) {
    bool Value = true;
    const Expr *C = D->getCond();
    return !(C && !C->isValueDependent() &&
             C->EvaluateAsBooleanCondition(Value, Ctx) && !Value);
  }
  return isa<WhileStmt>(S) || isa<ForStmt>(S) || isa<CXXForRangeStmt>(S);
}

const Stmt *loopBody(const Stmt *S) {
  if (const auto *F = dyn_cast<ForStmt>(S))
    return F->getBody();
  if (const auto *R = dyn_cast<CXXForRangeStmt>(S))
    return R->getBody();
  if (const auto *W = dyn_cast<WhileStmt>(S))
    return W->getBody();
  if (const auto *D = dyn_cast<DoStmt>(S))
    return D->getBody();
  return nullptr;
}

/// A loop that runs its body at most once: a constant trip count of 0 or 1,
/// or a `while` whose condition folds to false.
bool runsAtMostOnce(const Stmt *Loop, ASTContext &Ctx) {
  if (isa<ForStmt>(Loop) || isa<CXXForRangeStmt>(Loop))
    if (std::optional<uint64_t> N = constantTripCount(Loop, Ctx))
      return *N <= 1;
  if (const auto *W = dyn_cast<WhileStmt>(Loop)) {
    bool Value = true;
    const Expr *C = W->getCond();
    return C && !C->isValueDependent() &&
           C->EvaluateAsBooleanCondition(Value, Ctx) && !Value;
  }
  return false;
}

/// Calls `F` on every DeclRefExpr to \p D in \p S, nested lambdas included.
/// A nested lambda's plain captures (`[&u]`, `[u]`) are not uses of their own:
/// its body names what it uses; init-captures (`[x = std::move(u)]`) are.
void forEachRef(const Stmt *S, const ValueDecl *D,
                llvm::function_ref<void(const DeclRefExpr *)> F) {
  if (!S)
    return;
  if (const auto *DRE = dyn_cast<DeclRefExpr>(S); DRE && DRE->getDecl() == D)
    F(DRE);
  if (const auto *L = dyn_cast<LambdaExpr>(S)) {
    for (auto C = L->capture_begin(); C != L->capture_end(); ++C)
      if (L->isInitCapture(C) && C->capturesVariable())
        if (const auto *VD = dyn_cast<VarDecl>(C->getCapturedVar()))
          forEachRef(VD->getInit(), D, F);
    forEachRef(L->getBody(), D, F);
    return;
  }
  for (const Stmt *Child : S->children())
    forEachRef(Child, D, F);
}

/// The expression above \p E, skipping parentheses.
const Expr *parentExprSkippingParens(const Expr *E, ASTContext &Ctx) {
  DynTypedNode P = parentOf(*E, Ctx);
  while (const auto *PE = P.get<ParenExpr>())
    P = parentOf(*PE, Ctx);
  return P.get<Expr>();
}

/// A use that neither reads nor writes the object: an unevaluated operand, a
/// constant, or its address compared with another.
bool isHarmlessUse(const DeclRefExpr *DRE, ASTContext &Ctx) {
  if (DRE->isNonOdrUse() != NOUR_None)
    return true;
  const auto *Addr =
      dyn_cast_or_null<UnaryOperator>(parentExprSkippingParens(DRE, Ctx));
  if (!Addr || Addr->getOpcode() != UO_AddrOf)
    return false;
  const Expr *Up = Addr;
  for (int Guard = 0; Guard < 8; ++Guard) {
    const Expr *P = parentExprSkippingParens(Up, Ctx);
    if (!P)
      return false;
    if (const auto *Cast = dyn_cast<ImplicitCastExpr>(P)) {
      Up = Cast;
      continue;
    }
    const auto *BO = dyn_cast<BinaryOperator>(P);
    return BO && BO->isComparisonOp();
  }
  return false;
}

/// The first use of \p D in \p S that reads or writes it.
const DeclRefExpr *firstRealUse(const Stmt *S, const ValueDecl *D,
                                ASTContext &Ctx) {
  const DeclRefExpr *First = nullptr;
  forEachRef(S, D, [&](const DeclRefExpr *DRE) {
    if (!First && !isHarmlessUse(DRE, Ctx))
      First = DRE;
  });
  return First;
}

/// Whether the loop \p F writes \p V (in its condition, increment or body).
bool loopWrites(const ForStmt *F, const VarDecl *V, ASTContext &Ctx) {
  bool Written = false;
  for (const Stmt *Part : {static_cast<const Stmt *>(F->getCond()),
                           static_cast<const Stmt *>(F->getInc()),
                           F->getBody()})
    forEachRef(Part, V, [&](const DeclRefExpr *DRE) {
      if (!Written && !isHarmlessUse(DRE, Ctx) && !isReadOnlyUse(DRE, Ctx))
        Written = true;
    });
  return Written;
}

bool declares(const Stmt *Init, const VarDecl *V) {
  if (const auto *DS = dyn_cast_or_null<DeclStmt>(Init))
    for (const Decl *D : DS->decls())
      if (D == V)
        return true;
  return false;
}

/// Strips what does not change which object an argument denotes.
const Expr *stripArg(const Expr *E) {
  // A copy of a std::reference_wrapper denotes the same object.
  return ignoreWrappers(E, ExplicitCasts | CopyConstructions);
}

bool isRefWrapperCall(const CallExpr *Call) {
  const FunctionDecl *FD = Call ? Call->getDirectCallee() : nullptr;
  return FD && Call->getNumArgs() == 1 &&
         (matchesQualifiedName(FD, "std::ref") ||
          matchesQualifiedName(FD, "std::cref") ||
          matchesQualifiedName(FD, "boost::ref") ||
          matchesQualifiedName(FD, "boost::cref"));
}

/// The local variable (or structured binding) \p E names, if any.
const ValueDecl *namedLocal(const Expr *E) {
  const auto *DRE = dyn_cast_or_null<DeclRefExpr>(E ? E->IgnoreParenImpCasts() : nullptr);
  if (!DRE)
    return nullptr;
  if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl()))
    return VD->hasLocalStorage() ? VD : nullptr;
  return dyn_cast<BindingDecl>(DRE->getDecl());
}

/// The arguments of a spawn call after the callable.
llvm::ArrayRef<const Expr *> callArgs(const Expr *Call) {
  if (const auto *CE = dyn_cast<CXXConstructExpr>(Call))
    return llvm::ArrayRef<const Expr *>(CE->getArgs(), CE->getNumArgs());
  if (const auto *C = dyn_cast<CallExpr>(Call))
    return llvm::ArrayRef<const Expr *>(C->getArgs(), C->getNumArgs());
  return {};
}

/// `&Class::method`: the first bound argument is the object.
bool isMemberPointer(const Expr *Callable) {
  const auto *UO = dyn_cast_or_null<UnaryOperator>(stripArg(Callable));
  if (!UO || UO->getOpcode() != UO_AddrOf)
    return false;
  const auto *DRE = dyn_cast<DeclRefExpr>(UO->getSubExpr()->IgnoreParens());
  const auto *M = DRE ? dyn_cast<CXXMethodDecl>(DRE->getDecl()) : nullptr;
  return M && M->isInstance();
}

/// The parameter of the task function that receives bound argument \p Arg,
/// when the mapping is certain (no std::bind in between).
const ParmVarDecl *paramFor(const SpawnSite &S, const Expr *Arg) {
  const FunctionDecl *Fn = S.Task.Function;
  if (!Fn || Fn->isVariadic())
    return nullptr;
  // The definition's parameters are the ones its body names.
  if (const FunctionDecl *Def = nullptr; Fn->hasBody(Def) && Def)
    Fn = Def;
  if (S.Model->Kind == SpawnKind::CoSpawn) {
    // The arguments of the coroutine call.
    const auto *Call = dyn_cast_or_null<CallExpr>(stripArg(S.CallableArg));
    if (!Call || isa<CXXOperatorCallExpr>(Call))
      return nullptr;
    for (unsigned I = 0; I < Call->getNumArgs(); ++I)
      if (Call->getArg(I) == Arg)
        return I < Fn->getNumParams() ? Fn->getParamDecl(I) : nullptr;
    return nullptr;
  }
  llvm::ArrayRef<const Expr *> Args = callArgs(S.Call);
  unsigned CallableIndex = Args.size();
  for (unsigned I = 0; I < Args.size(); ++I)
    if (Args[I] == S.CallableArg)
      CallableIndex = I;
  // Every bound argument must be an argument of the spawn itself.
  if (S.Task.BoundArgs.size() + CallableIndex + 1 != Args.size())
    return nullptr;
  int Index = -1;
  for (unsigned I = CallableIndex + 1; I < Args.size(); ++I)
    if (Args[I] == Arg)
      Index = static_cast<int>(I - CallableIndex - 1);
  if (Index < 0)
    return nullptr;
  if (isMemberPointer(S.CallableArg))
    --Index;
  if (S.Model->Kind == SpawnKind::JThread && Fn->getNumParams() >= 1 &&
      Library::isStdStopTokenOrSource(Fn->getParamDecl(0)->getType()))
    ++Index;
  if (Index < 0 || static_cast<unsigned>(Index) >= Fn->getNumParams())
    return nullptr;
  return Fn->getParamDecl(Index);
}

// --- What holds the task, what waits for it ------------------------------

/// The declaration an expression denotes an object of: `t`, `threads[i]`,
/// `threads.back()`, `*p`, `p->`, `this->workers_` (the field), `conn.thread`
/// (`conn`).
const ValueDecl *baseDecl(const Expr *E) {
  for (int Guard = 0; E && Guard < 16; ++Guard) {
    E = E->IgnoreParenCasts();
    if (const auto *EWC = dyn_cast<ExprWithCleanups>(E)) {
      E = EWC->getSubExpr();
      continue;
    }
    if (const auto *MT = dyn_cast<MaterializeTemporaryExpr>(E)) {
      E = MT->getSubExpr();
      continue;
    }
    if (const auto *BT = dyn_cast<CXXBindTemporaryExpr>(E)) {
      E = BT->getSubExpr();
      continue;
    }
    if (const auto *DRE = dyn_cast<DeclRefExpr>(E))
      return DRE->getDecl();
    if (const auto *ME = dyn_cast<MemberExpr>(E)) {
      if (isa<CXXThisExpr>(ME->getBase()->IgnoreParenImpCasts()))
        return ME->getMemberDecl();
      E = ME->getBase();
      continue;
    }
    if (const auto *AS = dyn_cast<ArraySubscriptExpr>(E)) {
      E = AS->getBase();
      continue;
    }
    if (const auto *UO = dyn_cast<UnaryOperator>(E)) {
      if (UO->getOpcode() != UO_Deref && UO->getOpcode() != UO_AddrOf)
        return nullptr;
      E = UO->getSubExpr();
      continue;
    }
    if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(E)) {
      OverloadedOperatorKind K = Op->getOperator();
      if ((K != OO_Subscript && K != OO_Arrow && K != OO_Star) ||
          Op->getNumArgs() < 1)
        return nullptr;
      E = Op->getArg(0);
      continue;
    }
    if (const auto *MC = dyn_cast<CXXMemberCallExpr>(E)) {
      const CXXMethodDecl *M = MC->getMethodDecl();
      if (!M || !M->getIdentifier())
        return nullptr;
      StringRef N = M->getName();
      if (N != "front" && N != "back" && N != "at" && N != "get" &&
          N != "begin" && N != "end" && N != "cbegin" && N != "cend" &&
          N != "value" && N != "get_future")
        return nullptr;
      E = MC->getImplicitObjectArgument();
      continue;
    }
    if (const auto *Call = dyn_cast<CallExpr>(E)) {
      const FunctionDecl *FD = Call->getDirectCallee();
      if (FD && Call->getNumArgs() >= 1 &&
          (Call->isCallToStdMove() || matchesQualifiedName(FD, "std::forward") ||
           matchesQualifiedName(FD, "std::begin") ||
           matchesQualifiedName(FD, "std::addressof") ||
           isRefWrapperCall(Call))) {
        E = Call->getArg(0);
        continue;
      }
      return nullptr;
    }
    return nullptr;
  }
  return nullptr;
}

bool typeNameContains(QualType T, StringRef Word) {
  T = T.getNonReferenceType();
  if (T->isPointerType())
    T = T->getPointeeType();
  const CXXRecordDecl *RD = T->getAsCXXRecordDecl();
  return RD && RD->getIdentifier() &&
         StringRef(RD->getName()).lower().find(Word) != std::string::npos;
}

/// A call that waits: join*, *wait* (wait_for, arrive_and_wait, sem_wait,
/// WaitForNotification), acquire*, pthread_join, and get/result on a
/// future. \p Object is the object of a member call.
bool isWaitName(StringRef Name, const Expr *Object) {
  std::string L = Name.lower();
  StringRef N(L);
  if (N.starts_with("join") || N.contains("wait") ||
      N.starts_with("acquire") || N == "pthread_join" || N == "join_all" ||
      N == "timed_join" || N.starts_with("try_join"))
    return true;
  return Object && (N == "get" || N == "result") &&
         typeNameContains(Object->getType(), "future");
}

/// Destroying an object of this type waits for the task: a std::jthread, a
/// future of std::async, or something holding them (a container, a smart
/// pointer, an optional).
bool hasBlockingDestructor(QualType T, bool AsyncFuture, int Depth = 0) {
  if (T->isReferenceType() || T->isPointerType() || Depth > 3)
    return false;
  const CXXRecordDecl *RD = T->getAsCXXRecordDecl();
  if (!RD)
    return false;
  if (matchesQualifiedName(RD, "std::jthread"))
    return true;
  if (AsyncFuture && (matchesQualifiedName(RD, "std::future") ||
                      matchesQualifiedName(RD, "std::shared_future")))
    return true;
  if (const auto *Spec = dyn_cast<ClassTemplateSpecializationDecl>(RD))
    for (const TemplateArgument &A : Spec->getTemplateArgs().asArray())
      if (A.getKind() == TemplateArgument::Type &&
          hasBlockingDestructor(A.getAsType(), AsyncFuture, Depth + 1))
        return true;
  return false;
}

enum class Fate { Unknown, Held, Waited, Temporary };
struct FateResult {
  Fate F = Fate::Unknown;
  const ValueDecl *Holder = nullptr;
};

bool isInsertion(StringRef N) {
  return N == "push_back" || N == "emplace_back" || N == "push_front" ||
         N == "emplace_front" || N == "insert" || N == "emplace" ||
         N == "push" || N == "emplace_hint" || N == "try_emplace" ||
         N == "insert_or_assign";
}

/// What becomes of the value of \p E (a spawn's result, `std::move(t)`):
/// stored in a variable or container, waited for on the spot, destroyed at
/// the end of the full-expression, or something else.
FateResult fateOf(const Expr *E, ASTContext &Ctx) {
  const Expr *Cur = E;
  for (int Guard = 0; Guard < 24; ++Guard) {
    DynTypedNode P = parentOf(*Cur, Ctx);
    if (const auto *VD = P.get<VarDecl>())
      return {Fate::Held, VD};
    const Stmt *PS = P.get<Stmt>();
    if (!PS)
      return {};
    const auto *PE = dyn_cast<Expr>(PS);
    if (!PE) {
      if (isa<ReturnStmt>(PS) || isa<CoreturnStmt>(PS))
        return {};
      return {Fate::Temporary, nullptr}; // an expression statement
    }
    if (isa<ParenExpr>(PE) || isa<ImplicitCastExpr>(PE) ||
        isa<MaterializeTemporaryExpr>(PE) || isa<CXXBindTemporaryExpr>(PE) ||
        isa<ExprWithCleanups>(PE) || isa<CXXFunctionalCastExpr>(PE) ||
        isa<InitListExpr>(PE) || isa<CXXConstructExpr>(PE) ||
        isa<ConditionalOperator>(PE)) {
      Cur = PE;
      continue;
    }
    if (const auto *Cast = dyn_cast<ExplicitCastExpr>(PE)) {
      if (Cast->getType()->isVoidType())
        return {Fate::Temporary, nullptr};
      Cur = PE;
      continue;
    }
    if (isa<CoawaitExpr>(PE) || isa<CoyieldExpr>(PE))
      return {Fate::Waited, nullptr};
    if (const auto *ME = dyn_cast<MemberExpr>(PE)) {
      const auto *Call =
          dyn_cast_or_null<CXXMemberCallExpr>(parentOf(*ME, Ctx).get<Expr>());
      const CXXMethodDecl *M = Call ? Call->getMethodDecl() : nullptr;
      if (M && M->getIdentifier() && isWaitName(M->getName(), Cur))
        return {Fate::Waited, nullptr};
      return {};
    }
    if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(PE)) {
      if (Op->getOperator() == OO_Equal && Op->getNumArgs() == 2 &&
          Op->getArg(1) == Cur)
        return {Fate::Held, baseDecl(Op->getArg(0))};
      return {};
    }
    if (const auto *BO = dyn_cast<BinaryOperator>(PE)) {
      if (BO->getOpcode() == BO_Assign && BO->getRHS() == Cur)
        return {Fate::Held, baseDecl(BO->getLHS())};
      return {};
    }
    if (const auto *MC = dyn_cast<CXXMemberCallExpr>(PE)) {
      const CXXMethodDecl *M = MC->getMethodDecl();
      if (M && M->getIdentifier() && isInsertion(M->getName()))
        return {Fate::Held, baseDecl(MC->getImplicitObjectArgument())};
      return {};
    }
    if (const auto *Call = dyn_cast<CallExpr>(PE)) {
      const FunctionDecl *FD = Call->getDirectCallee();
      if (FD && (Call->isCallToStdMove() ||
                 matchesQualifiedName(FD, "std::forward"))) {
        Cur = PE;
        continue;
      }
      return {};
    }
    return {};
  }
  return {};
}

bool isDescendant(const Stmt *Inner, const Stmt *Outer, ASTContext &Ctx) {
  DynTypedNode N = DynTypedNode::create(*Inner);
  for (int Guard = 0; Guard < 256 && !N.getNodeKind().isNone(); ++Guard) {
    if (N.get<Stmt>() == Outer)
      return true;
    if (N.get<FunctionDecl>())
      return false;
    N = parentOf(N, Ctx);
  }
  return false;
}

/// Every local variable the task names: captured, referenced in the lambda
/// body, or bound as an argument.
void collectShared(const SpawnSite &S, llvm::SmallPtrSetImpl<const ValueDecl *> &Out) {
  std::function<void(const Stmt *)> Walk = [&](const Stmt *St) {
    if (!St)
      return;
    if (const auto *DRE = dyn_cast<DeclRefExpr>(St))
      if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl());
          VD && DRE->refersToEnclosingVariableOrCapture())
        Out.insert(VD);
    // Members of the captured `this`: `done_cv_`, `pending_`.
    if (const auto *ME = dyn_cast<MemberExpr>(St))
      if (isa<CXXThisExpr>(ME->getBase()->IgnoreParenImpCasts()))
        Out.insert(ME->getMemberDecl());
    for (const Stmt *Child : St->children())
      Walk(Child);
  };
  if (const LambdaExpr *L = S.Task.Lambda) {
    for (const LambdaCapture &C : L->captures())
      if (C.capturesVariable())
        Out.insert(C.getCapturedVar());
    for (const Expr *Init : L->capture_inits())
      if (const ValueDecl *D = baseDecl(Init))
        Out.insert(D);
    Walk(L->getBody());
  }
  for (const Expr *Arg : S.Task.BoundArgs)
    if (const ValueDecl *D = baseDecl(Arg))
      Out.insert(D);
}

class WaitSearch {
public:
  WaitSearch(const SpawnSite &S, const Stmt *Region, const ValueDecl *Var,
             ASTContext &Ctx)
      : S(S), Region(Region), Var(Var), Ctx(Ctx) {}

  bool run() {
    bool Async = S.Model->Kind == SpawnKind::Async;
    bool Emplaced = false;
    if (const auto *MC = dyn_cast<CXXMemberCallExpr>(S.Call)) {
      // threads.emplace_back(...), pool.submit(...) (a YAML member spawn).
      if (const ValueDecl *D = baseDecl(MC->getImplicitObjectArgument()))
        addOwner(D);
      const CXXMethodDecl *M = MC->getMethodDecl();
      Emplaced = M && M->getIdentifier() &&
                 (M->getName() == "emplace_back" ||
                  M->getName() == "emplace_front");
    }
    if (S.Model->Kind == SpawnKind::Pthread)
      if (const auto *Call = dyn_cast<CallExpr>(S.Call);
          Call && Call->getNumArgs() >= 1)
        if (const ValueDecl *D = baseDecl(Call->getArg(0)))
          Holders.insert(D);
    FateResult F = fateOf(S.Call, Ctx);
    if (F.F == Fate::Waited)
      return true;
    if (F.F == Fate::Temporary && !Emplaced && S.Call->isPRValue() &&
        hasBlockingDestructor(S.Call->getType(), Async))
      return true;
    if (F.F == Fate::Held && F.Holder)
      addOwner(F.Holder);

    collectShared(S, Shared);
    addAliases(Region);
    addAliases(Region); // an alias of an alias
    if (scan(Region))
      return true;
    return ownersBlockOnDestruction(Async);
  }

private:
  void addOwner(const ValueDecl *D) {
    if (std::find(Owners.begin(), Owners.end(), D) == Owners.end())
      Owners.push_back(D);
    Holders.insert(D);
  }

  /// `auto f = promise.get_future();`: waiting on f waits for the task.
  void addAliases(const Stmt *St) {
    if (!St)
      return;
    if (const auto *DS = dyn_cast<DeclStmt>(St))
      for (const Decl *D : DS->decls())
        if (const auto *VD = dyn_cast<VarDecl>(D); VD && VD->getInit())
          if (const ValueDecl *B = baseDecl(VD->getInit()); B && Shared.count(B))
            Shared.insert(VD);
    if (isa<LambdaExpr>(St))
      return;
    for (const Stmt *Child : St->children())
      addAliases(Child);
  }

  bool isTracked(const Expr *E) const {
    const ValueDecl *D = baseDecl(E);
    return D && (Holders.count(D) || Shared.count(D));
  }

  /// A call that waits on something holding the task or shared with it.
  bool waitsHere(const CallExpr *Call) {
    const FunctionDecl *FD = Call->getDirectCallee();
    if (!FD || !FD->getIdentifier())
      return false;
    const Expr *Object = nullptr;
    if (const auto *MC = dyn_cast<CXXMemberCallExpr>(Call))
      Object = MC->getImplicitObjectArgument();
    if (isWaitName(FD->getName(), Object)) {
      if (Object && isTracked(Object))
        return true;
      for (const Expr *Arg : Call->arguments())
        if (isTracked(Arg))
          return true;
      return false;
    }
    // std::for_each(threads.begin(), threads.end(), std::mem_fn(&std::thread::join))
    if ((matchesQualifiedName(FD, "std::for_each") ||
         matchesQualifiedName(FD, "std::ranges::for_each")) &&
        Call->getNumArgs() >= 2) {
      const ValueDecl *D = baseDecl(Call->getArg(0));
      return D && Holders.count(D) &&
             mentionsWait(Call->getArg(Call->getNumArgs() - 1));
    }
    return false;
  }

  static bool mentionsWait(const Stmt *St) {
    if (!St)
      return false;
    if (const auto *DRE = dyn_cast<DeclRefExpr>(St))
      if (const auto *M = dyn_cast<CXXMethodDecl>(DRE->getDecl());
          M && M->getIdentifier() && isWaitName(M->getName(), nullptr))
        return true;
    if (const auto *Call = dyn_cast<CallExpr>(St))
      if (const FunctionDecl *FD = Call->getDirectCallee();
          FD && FD->getIdentifier() &&
          isWaitName(FD->getName(),
                     isa<CXXMemberCallExpr>(Call)
                         ? cast<CXXMemberCallExpr>(Call)->getImplicitObjectArgument()
                         : nullptr))
        return true;
    for (const Stmt *Child : St->children())
      if (mentionsWait(Child))
        return true;
    return false;
  }

  /// A condition that reads an atomic the task shares: `while (!done) ...`.
  bool pollsSharedAtomic(const Expr *Cond) {
    bool Found = false;
    std::function<void(const Stmt *)> Walk = [&](const Stmt *St) {
      if (!St || Found)
        return;
      if (const auto *E = dyn_cast<Expr>(St))
        if (const ValueDecl *D = baseDecl(E);
            D && Shared.count(D) && typeNameContains(D->getType(), "atomic"))
          Found = true;
      for (const Stmt *Child : St->children())
        Walk(Child);
    };
    Walk(Cond);
    return Found;
  }

  /// Pre-order over the region; only what follows the spawn counts.
  bool scan(const Stmt *St) {
    if (!St)
      return false;
    if (St == S.Call) {
      SeenSpawn = true;
      return false;
    }
    if (!SeenSpawn) {
      for (const Stmt *Child : St->children())
        if (scan(Child))
          return true;
      return false;
    }
    if (isa<LambdaExpr>(St))
      return false;
    if (const auto *R = dyn_cast<CXXForRangeStmt>(St))
      if (const ValueDecl *D = baseDecl(R->getRangeInit());
          D && Holders.count(D))
        Holders.insert(R->getLoopVariable());
    if (const auto *Call = dyn_cast<CallExpr>(St)) {
      if (waitsHere(Call))
        return true;
      if ((Call->isCallToStdMove() ||
           (Call->getDirectCallee() &&
            matchesQualifiedName(Call->getDirectCallee(), "std::forward"))) &&
          Call->getNumArgs() == 1) {
        const ValueDecl *D = baseDecl(Call->getArg(0));
        if (D && std::find(Owners.begin(), Owners.end(), D) != Owners.end()) {
          MovedFrom.insert(D);
          FateResult F = fateOf(Call, Ctx);
          if (F.F == Fate::Waited)
            return true;
          if (F.F == Fate::Held && F.Holder)
            addOwner(F.Holder);
          else
            Escaped = true;
        }
      }
    }
    const Expr *Cond = nullptr;
    if (const auto *W = dyn_cast<WhileStmt>(St))
      Cond = W->getCond();
    else if (const auto *D = dyn_cast<DoStmt>(St))
      Cond = D->getCond();
    else if (const auto *F = dyn_cast<ForStmt>(St))
      Cond = F->getCond();
    if (Cond && pollsSharedAtomic(Cond))
      return true;
    for (const Stmt *Child : St->children())
      if (scan(Child))
        return true;
    return false;
  }

  /// Every object that still owns the task dies within the region, after
  /// the variable, and waits for the task when it does.
  bool ownersBlockOnDestruction(bool Async) {
    if (Escaped)
      return false;
    bool Any = false;
    for (const ValueDecl *D : Owners) {
      if (MovedFrom.count(D))
        continue;
      const auto *VD = dyn_cast<VarDecl>(D);
      if (!VD || !VD->hasLocalStorage() ||
          !hasBlockingDestructor(VD->getType(), Async))
        return false;
      DynTypedNode P = parentOf(*VD, Ctx);
      const auto *DS = P.get<DeclStmt>();
      if (!DS || !isDescendant(DS, Region, Ctx))
        return false;
      if (Var && !Ctx.getSourceManager().isBeforeInTranslationUnit(
                     Var->getLocation(), VD->getLocation()))
        return false;
      Any = true;
    }
    return Any;
  }

  const SpawnSite &S;
  const Stmt *Region;
  const ValueDecl *Var;
  ASTContext &Ctx;
  bool SeenSpawn = false;
  bool Escaped = false;
  llvm::SmallVector<const ValueDecl *, 4> Owners; ///< hold the task itself
  llvm::SmallPtrSet<const ValueDecl *, 8> Holders; ///< owners and elements
  llvm::SmallPtrSet<const ValueDecl *, 8> MovedFrom;
  llvm::SmallPtrSet<const ValueDecl *, 16> Shared;
};

bool inFile(SourceLocation L) { return L.isValid() && L.isFileID(); }

/// Whether \p L's body (captures of nested lambdas included) only reads
/// \p V, so that a by-value capture compiles and behaves the same.
bool lambdaOnlyReads(const LambdaExpr *L, const VarDecl *V, ASTContext &Ctx) {
  bool OK = true;
  forEachRef(L->getBody(), V, [&](const DeclRefExpr *DRE) {
    if (OK && !isHarmlessUse(DRE, Ctx) && !isReadOnlyUse(DRE, Ctx))
      OK = false;
  });
  return OK;
}

bool safeToCopyInto(const LambdaExpr *L, const ValueDecl *V, ASTContext &Ctx) {
  const auto *VD = dyn_cast<VarDecl>(V);
  return VD && !isa<DecompositionDecl>(VD) && VD->getIdentifier() &&
         isCopyable(VD->getType(), Ctx) && inFile(L->getBeginLoc()) &&
         inFile(L->getEndLoc()) && lambdaOnlyReads(L, VD, Ctx);
}

} // namespace

// --- Public entry points ---------------------------------------------------

std::optional<IterationScope> iterationScope(const ValueDecl *V,
                                             const Expr *Spawn,
                                             ASTContext &Ctx) {
  const VarDecl *VD = dyn_cast_or_null<VarDecl>(V);
  if (const auto *B = dyn_cast_or_null<BindingDecl>(V))
    VD = dyn_cast_or_null<VarDecl>(B->getDecomposedDecl());
  if (!VD || !Spawn || !VD->hasLocalStorage() || isa<ParmVarDecl>(VD) ||
      VD->getType()->isReferenceType() || VD->isInitCapture())
    return std::nullopt;

  // The statements around the declaration, up to the function: the first
  // is the declaration's scope.
  llvm::SmallPtrSet<const Stmt *, 16> DeclAncestors;
  const Stmt *DeclScope = nullptr;
  {
    DynTypedNode N = parentOf(*VD, Ctx);
    if (N.get<DeclStmt>())
      N = parentOf(N, Ctx);
    for (int Guard = 0; Guard < 256 && !N.getNodeKind().isNone() &&
                        !isFunctionBoundary(N);
         ++Guard) {
      if (const Stmt *St = N.get<Stmt>()) {
        if (!DeclScope)
          DeclScope = St;
        DeclAncestors.insert(St);
      }
      N = parentOf(N, Ctx);
    }
  }

  DynTypedNode Child = DynTypedNode::create(*Spawn);
  for (int Guard = 0; Guard < 256; ++Guard) {
    DynTypedNode N = parentOf(Child, Ctx);
    if (N.getNodeKind().isNone() || isFunctionBoundary(N))
      return std::nullopt;
    const Stmt *Loop = N.get<Stmt>();
    if (Loop && isRepeatingLoop(Loop, Ctx) &&
        Child.get<Stmt>() == loopBody(Loop)) {
      std::optional<IterationScope> Found;
      const Stmt *Body = loopBody(Loop);
      if (const auto *R = dyn_cast<CXXForRangeStmt>(Loop);
          R && R->getLoopVariable() == VD)
        Found = IterationScope{IterationVarKind::PerIteration, Loop, Body};
      else if (const auto *F = dyn_cast<ForStmt>(Loop)) {
        if (F->getConditionVariable() == VD)
          Found = IterationScope{IterationVarKind::PerIteration, Loop, Body};
        else if (declares(F->getInit(), VD)) {
          // One object for the whole loop: only a problem if it changes.
          if (!loopWrites(F, VD, Ctx))
            return std::nullopt;
          Found = IterationScope{IterationVarKind::Induction, Loop, Body};
        }
      } else if (const auto *W = dyn_cast<WhileStmt>(Loop);
                 W && W->getConditionVariable() == VD)
        Found = IterationScope{IterationVarKind::PerIteration, Loop, Body};
      if (!Found && DeclAncestors.count(Body))
        Found = IterationScope{IterationVarKind::BodyLocal, Loop, DeclScope};
      if (Found) {
        if (runsAtMostOnce(Loop, Ctx))
          return std::nullopt;
        return Found;
      }
    }
    Child = N;
  }
  return std::nullopt;
}

llvm::SmallVector<TaskReference, 4> referencesByReference(const SpawnSite &S,
                                                          ASTContext &Ctx) {
  llvm::SmallVector<TaskReference, 4> Out;
  if (const LambdaExpr *L = S.Task.Lambda) {
    for (const LambdaCapture &C : L->captures()) {
      if (!C.capturesVariable())
        continue;
      const ValueDecl *Captured = C.getCapturedVar();
      const ValueDecl *Target = Captured;
      if (const auto *VD = dyn_cast<VarDecl>(Captured); VD && VD->isInitCapture()) {
        // [&r = u]
        if (!VD->getType()->isReferenceType() || !VD->getInit())
          continue;
        Target = namedLocal(VD->getInit());
        if (!Target)
          continue;
      } else if (C.getCaptureKind() != LCK_ByRef) {
        continue;
      }
      const DeclRefExpr *Use = firstRealUse(L->getBody(), Captured, Ctx);
      if (!Use)
        continue;
      TaskReference R;
      R.Var = Target;
      R.Kind = C.isImplicit() ? ReferenceKind::ImplicitCapture
                              : ReferenceKind::ExplicitCapture;
      R.Loc = C.isImplicit() ? Use->getBeginLoc() : C.getLocation();
      R.Capture = &C;
      Out.push_back(R);
    }
  }
  for (const Expr *Arg : S.Task.BoundArgs) {
    const Expr *E = stripArg(Arg);
    TaskReference R;
    R.Arg = E;
    if (const auto *Call = dyn_cast<CallExpr>(E); Call && isRefWrapperCall(Call)) {
      R.Kind = ReferenceKind::StdRef;
      R.Var = namedLocal(Call->getArg(0));
    } else if (const auto *UO = dyn_cast<UnaryOperator>(E);
               UO && UO->getOpcode() == UO_AddrOf) {
      R.Kind = ReferenceKind::AddressOf;
      R.Var = namedLocal(UO->getSubExpr());
    } else if (S.Model->Kind == SpawnKind::CoSpawn) {
      const ParmVarDecl *P = paramFor(S, Arg);
      if (!P || !P->getType()->isReferenceType())
        continue;
      R.Kind = ReferenceKind::ReferenceParam;
      R.Var = namedLocal(E);
    }
    if (!R.Var)
      continue;
    R.Loc = E->getBeginLoc();
    R.Param = paramFor(S, Arg);
    // A visible task function that never names the parameter never uses it.
    if (R.Param && S.Task.body() && !R.Param->isReferenced())
      continue;
    Out.push_back(R);
  }
  return Out;
}

bool waitedWithin(const SpawnSite &S, const Stmt *Region, const ValueDecl *Var,
                  ASTContext &Ctx) {
  if (!Region || !S.Model)
    return false;
  return WaitSearch(S, Region, Var, Ctx).run();
}

llvm::SmallVector<IterationCapture, 2>
iterationCapturesByReference(const SpawnSite &S, ASTContext &Ctx) {
  llvm::SmallVector<IterationCapture, 2> Out;
  if (!S.Call || !S.Model || S.Call->isInstantiationDependent())
    return Out;
  llvm::DenseMap<const Stmt *, bool> Waited; // per region
  for (const TaskReference &R : referencesByReference(S, Ctx)) {
    std::optional<IterationScope> Scope = iterationScope(R.Var, S.Call, Ctx);
    if (!Scope)
      continue;
    auto [It, New] = Waited.try_emplace(Scope->Region, false);
    if (New)
      It->second = waitedWithin(S, Scope->Region, R.Var, Ctx);
    if (!It->second)
      Out.push_back({R, *Scope});
  }
  return Out;
}

bool isCopyable(QualType T, const ASTContext &Ctx) {
  if (T.isNull() || T->isDependentType() || T.isVolatileQualified() ||
      T->isArrayType() || T->isReferenceType())
    return false;
  const CXXRecordDecl *RD = T->getAsCXXRecordDecl();
  if (!RD)
    return T->isScalarType();
  if (!RD->hasDefinition())
    return false;
  RD = RD->getDefinition();
  if (RD->isAbstract())
    return false;
  if (RD->needsImplicitCopyConstructor())
    return !RD->defaultedCopyConstructorIsDeleted();
  for (const CXXConstructorDecl *C : RD->ctors()) {
    unsigned Quals = 0;
    if (C->isCopyConstructor(Quals) && (Quals & Qualifiers::Const) &&
        !C->isDeleted() && C->getAccess() == AS_public)
      return true;
  }
  return false;
}

bool isReadOnlyUse(const Expr *E, ASTContext &Ctx) {
  for (int Guard = 0; E && Guard < 16; ++Guard) {
    DynTypedNode PN = parentOf(*E, Ctx);
    if (const auto *VD = PN.get<VarDecl>()) // `const T &r = u;`, `T c = u;`
      return VD->getInit() == E && VD->getType()->isLValueReferenceType() &&
             VD->getType().getNonReferenceType().isConstQualified();
    const auto *P = PN.get<Expr>();
    if (!P)
      return false; // a statement (a range-for's range, a discarded use)
    if (isa<ParenExpr>(P)) {
      E = P;
      continue;
    }
    if (const auto *Cast = dyn_cast<ImplicitCastExpr>(P)) {
      switch (Cast->getCastKind()) {
      case CK_LValueToRValue:
        return true;
      case CK_NoOp:
      case CK_DerivedToBase:
      case CK_UncheckedDerivedToBase:
        if (Cast->getType().isConstQualified())
          return true;
        E = P;
        continue;
      default:
        return false;
      }
    }
    if (isa<UnaryExprOrTypeTraitExpr>(P))
      return true;
    if (const auto *ME = dyn_cast<MemberExpr>(P)) {
      if (ME->isArrow())
        return false;
      if (const auto *M = dyn_cast<CXXMethodDecl>(ME->getMemberDecl()))
        return M->isConst();
      if (const auto *F = dyn_cast<FieldDecl>(ME->getMemberDecl())) {
        if (F->isMutable())
          return false;
        E = P;
        continue;
      }
      return false;
    }
    auto ParamIsConstRef = [](QualType PT) {
      return PT->isLValueReferenceType() &&
             PT.getNonReferenceType().isConstQualified() &&
             !PT.getNonReferenceType().isVolatileQualified();
    };
    if (const auto *CE = dyn_cast<CXXConstructExpr>(P)) {
      const CXXConstructorDecl *Ctor = CE->getConstructor();
      for (unsigned I = 0; Ctor && I < CE->getNumArgs(); ++I)
        if (CE->getArg(I) == E)
          return I < Ctor->getNumParams() &&
                 ParamIsConstRef(Ctor->getParamDecl(I)->getType());
      return false;
    }
    if (const auto *Call = dyn_cast<CallExpr>(P)) {
      const FunctionDecl *FD = Call->getDirectCallee();
      if (!FD)
        return false;
      unsigned Offset = 0;
      if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(Call))
        if (const auto *M = dyn_cast<CXXMethodDecl>(FD); M && M->isInstance()) {
          if (Op->getNumArgs() >= 1 && Op->getArg(0) == E)
            return M->isConst();
          Offset = 1;
        }
      for (unsigned I = Offset; I < Call->getNumArgs(); ++I)
        if (Call->getArg(I) == E)
          return I - Offset < FD->getNumParams() &&
                 ParamIsConstRef(FD->getParamDecl(I - Offset)->getType());
      return false;
    }
    return false;
  }
  return false;
}

llvm::SmallVector<std::optional<FixIts>, 2>
byValueFixes(llvm::ArrayRef<IterationCapture> Captures, const SpawnSite &S,
             ASTContext &Ctx) {
  llvm::SmallVector<std::optional<FixIts>, 2> Out(Captures.size());
  const SourceManager &SM = Ctx.getSourceManager();
  const LangOptions &LO = Ctx.getLangOpts();
  // A coroutine lambda keeps its captures in the closure, not in the
  // coroutine frame: a copy would dangle as well.
  const LambdaExpr *L = S.Task.LambdaIsInline && S.Task.Lambda &&
                                !isa_and_nonnull<CoroutineBodyStmt>(
                                    S.Task.Lambda->getCallOperator()->getBody())
                            ? S.Task.Lambda
                            : nullptr;
  std::string Implicit;
  int FirstImplicit = -1;
  for (unsigned I = 0; I < Captures.size(); ++I) {
    const TaskReference &R = Captures[I].Ref;
    switch (R.Kind) {
    case ReferenceKind::ExplicitCapture: {
      if (!L || !R.Capture || L->isInitCapture(R.Capture) ||
          R.Capture->isPackExpansion() || !safeToCopyInto(L, R.Var, Ctx))
        break;
      // The `&` before the name.
      SourceLocation NameLoc = R.Capture->getLocation();
      if (!inFile(NameLoc))
        break;
      bool Invalid = false;
      const char *Name = SM.getCharacterData(NameLoc, &Invalid);
      if (Invalid)
        break;
      FileID FID = SM.getFileID(NameLoc);
      const char *Start = SM.getBufferData(FID).data();
      const char *Amp = Name;
      while (Amp > Start && llvm::isSpace(Amp[-1]))
        --Amp;
      if (Amp == Start || Amp[-1] != '&')
        break;
      --Amp;
      SourceLocation AmpLoc = NameLoc.getLocWithOffset(-(Name - Amp));
      Out[I] = FixIts{FixItHint::CreateRemoval(
          CharSourceRange::getCharRange(AmpLoc, NameLoc))};
      break;
    }
    case ReferenceKind::ImplicitCapture: {
      if (!L || L->getCaptureDefault() != LCD_ByRef ||
          !inFile(L->getCaptureDefaultLoc()) || !safeToCopyInto(L, R.Var, Ctx))
        break;
      Implicit += ", " + R.Var->getName().str();
      if (FirstImplicit < 0)
        FirstImplicit = static_cast<int>(I);
      break;
    }
    case ReferenceKind::StdRef: {
      SpawnKind K = S.Model->Kind;
      const auto *VD = dyn_cast_or_null<VarDecl>(R.Var);
      const auto *Call = dyn_cast_or_null<CallExpr>(R.Arg);
      if ((K != SpawnKind::StdThread && K != SpawnKind::JThread &&
           K != SpawnKind::Async) ||
          !VD || isa<DecompositionDecl>(VD) || !R.Param || !Call ||
          !isCopyable(VD->getType(), Ctx))
        break;
      QualType PT = R.Param->getType();
      if (PT->isDependentType() ||
          (PT->isReferenceType() &&
           !(PT->isLValueReferenceType() &&
             PT.getNonReferenceType().isConstQualified() &&
             !PT.getNonReferenceType().isVolatileQualified())))
        break;
      const Expr *Inner = Call->getArg(0)->IgnoreParenImpCasts();
      if (!inFile(Call->getBeginLoc()) || !inFile(Call->getEndLoc()) ||
          !inFile(Inner->getBeginLoc()) || !inFile(Inner->getEndLoc()))
        break;
      StringRef Text = Lexer::getSourceText(
          CharSourceRange::getTokenRange(Inner->getSourceRange()), SM, LO);
      if (Text.empty())
        break;
      Out[I] = FixIts{FixItHint::CreateReplacement(
          CharSourceRange::getTokenRange(Call->getSourceRange()), Text)};
      break;
    }
    default:
      break;
    }
  }
  if (FirstImplicit >= 0)
    Out[FirstImplicit] = FixIts{FixItHint::CreateInsertion(
        L->getCaptureDefaultLoc().getLocWithOffset(1), Implicit)};
  return Out;
}

} // namespace taskleak
