//===--- TaskBody.cpp - spawn sites and the bodies they run ----------------===//
#include "lib/TaskBody.h"
#include "lib/Parents.h"
#include "lib/Expressions.h"

#include "clang/AST/DeclTemplate.h"
#include "clang/AST/ParentMapContext.h"
#include "clang/AST/StmtCXX.h"

using namespace clang;

namespace taskleak {

const Stmt *userBody(const FunctionDecl *FD) {
  const FunctionDecl *Def = nullptr;
  if (!FD || !FD->hasBody(Def) || !Def)
    return nullptr;
  const Stmt *Body = Def->getBody();
  if (const auto *Coro = dyn_cast_or_null<CoroutineBodyStmt>(Body))
    return Coro->getBody();
  return Body;
}

const Stmt *TaskCallable::body() const { return userBody(Function); }

/// Strips what does not change which callable an expression denotes.
static const Expr *strip(const Expr *E, const Library &Lib) {
  for (int Guard = 0; E && Guard < 32; ++Guard) {
    const Expr *Next = ignoreWrappers(E, FunctionalCasts);
    if (Next != E) {
      // looked through parentheses, casts and temporaries
    } else if (const auto *CE = dyn_cast<CXXConstructExpr>(Next)) {
      // A copy or move of the callable (decay-copy into the thread), or a
      // std::function made from it.
      if (CE->getNumArgs() == 1 && CE->getConstructor() &&
          (CE->getConstructor()->isCopyOrMoveConstructor() ||
           Lib.isCallableWrapper(CE->getConstructor()->getParent())))
        Next = CE->getArg(0);
    } else if (const auto *Conv = dyn_cast<CXXMemberCallExpr>(Next);
               Conv && isa_and_nonnull<CXXConversionDecl>(Conv->getMethodDecl())) {
      // A captureless lambda converted to a function pointer.
      Next = Conv->getImplicitObjectArgument();
    } else if (const auto *UO = dyn_cast<UnaryOperator>(Next);
               UO && UO->getOpcode() == UO_Plus) {
      Next = UO->getSubExpr(); // +[] { ... }
    } else if (const auto *Call = dyn_cast<CallExpr>(Next)) {
      if (Call->getNumArgs() == 1 && Call->isCallToStdMove())
        Next = Call->getArg(0);
      else if (const FunctionDecl *FD = Call->getDirectCallee();
               FD && Call->getNumArgs() == 1 &&
               (Lib.isMoveFunction(FD) || Lib.isReferenceWrapperCall(Call)))
        Next = Call->getArg(0);
    }
    if (Next == E)
      return E;
    E = Next;
  }
  return E;
}

static const CXXMethodDecl *callOperatorOf(const CXXRecordDecl *RD) {
  if (!RD || !RD->hasDefinition())
    return nullptr;
  RD = RD->getDefinition();
  if (RD->isLambda())
    return RD->getLambdaCallOperator();
  DeclarationName Call =
      RD->getASTContext().DeclarationNames.getCXXOperatorName(OO_Call);
  for (const NamedDecl *ND : RD->lookup(Call)) {
    if (const auto *M = dyn_cast<CXXMethodDecl>(ND))
      return M;
    if (const auto *FT = dyn_cast<FunctionTemplateDecl>(ND))
      return dyn_cast<CXXMethodDecl>(FT->getTemplatedDecl());
  }
  return nullptr;
}

TaskCallable resolveCallable(const Expr *E, const Library &Lib,
                             ASTContext & /*Ctx*/) {
  TaskCallable C;
  C.LambdaIsInline = true;
  for (int Guard = 0; E && Guard < 16; ++Guard) {
    E = strip(E, Lib);
    if (const auto *L = dyn_cast<LambdaExpr>(E)) {
      C.Lambda = L;
      C.Function = L->getCallOperator();
      return C;
    }
    if (const auto *DRE = dyn_cast<DeclRefExpr>(E)) {
      if (const auto *FD = dyn_cast<FunctionDecl>(DRE->getDecl())) {
        C.Function = FD;
        return C;
      }
      if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl())) {
        // A callable held in a variable: follow its initializer, unless it
        // is a parameter (its value comes from elsewhere).
        if (!isa<ParmVarDecl>(VD) && VD->getInit() &&
            !VD->getType()->isPointerType()) {
          C.LambdaIsInline = false;
          E = VD->getInit();
          continue;
        }
        if (!isa<ParmVarDecl>(VD) && VD->getInit() &&
            VD->getType().isConstQualified()) { // const function pointer
          C.LambdaIsInline = false;
          E = VD->getInit();
          continue;
        }
        if (const CXXMethodDecl *Op = callOperatorOf(
                VD->getType().getNonReferenceType()->getAsCXXRecordDecl())) {
          C.LambdaIsInline = false;
          C.Function = Op;
          return C;
        }
      }
      return C;
    }
    if (const auto *UO = dyn_cast<UnaryOperator>(E)) {
      if (UO->getOpcode() == UO_AddrOf) {
        E = UO->getSubExpr();
        continue;
      }
      return C;
    }
    if (const auto *Call = dyn_cast<CallExpr>(E)) {
      const FunctionDecl *FD = Call->getDirectCallee();
      if (FD && Call->getNumArgs() >= 1 && Lib.isBinder(FD)) {
        for (unsigned I = 1; I < Call->getNumArgs(); ++I)
          C.BoundArgs.push_back(Call->getArg(I));
        E = Call->getArg(0);
        continue;
      }
    }
    // A functor object: its operator().
    if (const CXXMethodDecl *Op =
            callOperatorOf(E->getType().getNonReferenceType()->getAsCXXRecordDecl())) {
      C.Function = Op;
      return C;
    }
    return C;
  }
  return C;
}

/// The coroutine that co_spawn runs: `co_spawn(ex, session(sock), token)`
/// runs session's body; `co_spawn(ex, [&]() -> awaitable<void> {...}, token)`
/// runs the lambda's.
static TaskCallable resolveCoroutine(const Expr *E, const Library &Lib,
                                     ASTContext &Ctx) {
  const Expr *S = strip(E, Lib);
  if (const auto *Call = dyn_cast<CallExpr>(S)) {
    TaskCallable C;
    if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(Call)) {
      // An immediately invoked lambda or functor.
      C = resolveCallable(Op->getArg(0), Lib, Ctx);
      return C;
    }
    C.Function = Call->getDirectCallee();
    for (const Expr *Arg : Call->arguments())
      C.BoundArgs.push_back(Arg);
    return C;
  }
  return resolveCallable(E, Lib, Ctx);
}

static const VarDecl *directlyInitializedVar(const Expr *E, ASTContext &Ctx) {
  DynTypedNode Node = DynTypedNode::create(*E);
  for (int Guard = 0; Guard < 6; ++Guard) {
    auto Parents = getParents(Ctx, Node);
    if (Parents.size() != 1)
      return nullptr;
    Node = Parents[0];
    if (const auto *VD = Node.get<VarDecl>())
      return VD->isLocalVarDecl() ? VD : nullptr;
    const Expr *PE = Node.get<Expr>();
    if (!PE || !(isa<ExprWithCleanups>(PE) || isa<ImplicitCastExpr>(PE) ||
                 isa<CXXBindTemporaryExpr>(PE) ||
                 isa<MaterializeTemporaryExpr>(PE) ||
                 isa<CXXFunctionalCastExpr>(PE)))
      return nullptr;
  }
  return nullptr;
}

/// Inside the implementation of a spawn function (a YAML `go(F&&)` that
/// starts a std::thread), the task comes from the caller: the call of the
/// spawn function is the spawn site, not the thread inside it.
static bool forwardsOwnSpawnParameter(const Library &Lib, const Expr *Callable) {
  const auto *DRE = dyn_cast<DeclRefExpr>(strip(Callable, Lib));
  const auto *P = DRE ? dyn_cast<ParmVarDecl>(DRE->getDecl()) : nullptr;
  if (!P)
    return false;
  const auto *Owner = dyn_cast<FunctionDecl>(P->getDeclContext());
  return Owner && Lib.spawnFunction(Owner);
}

std::optional<SpawnSite> matchSpawn(const Library &Lib, const Expr *E,
                                    ASTContext &Ctx) {
  SpawnSite S;
  S.Lib = &Lib;
  S.Call = E;
  if (const auto *CE = dyn_cast<CXXConstructExpr>(E)) {
    const CXXConstructorDecl *Ctor = CE->getConstructor();
    if (!Ctor || Ctor->isCopyOrMoveConstructor() || CE->getNumArgs() == 0)
      return std::nullopt;
    S.Model = Lib.spawnClass(Ctor->getParent());
    if (!S.Model)
      return std::nullopt;
    S.CallableArg = CE->getArg(0);
    if (forwardsOwnSpawnParameter(Lib, S.CallableArg))
      return std::nullopt;
    S.Task = resolveCallable(S.CallableArg, Lib, Ctx);
    for (unsigned I = 1; I < CE->getNumArgs(); ++I)
      S.Task.BoundArgs.push_back(CE->getArg(I));
    S.Name = S.Model->Name;
    if (S.Model->Kind == SpawnKind::StdThread)
      S.ThreadVar = directlyInitializedVar(CE, Ctx);
    return S;
  }
  const auto *Call = dyn_cast<CallExpr>(E);
  if (!Call)
    return std::nullopt;
  const FunctionDecl *Callee = Call->getDirectCallee();
  if (!Callee || !Callee->getIdentifier())
    return std::nullopt;

  // threads.emplace_back(callable) on a container of threads;
  // std::make_unique<std::thread>(callable): the spawn factories.
  if (Call->getNumArgs() >= 1) {
    const CXXRecordDecl *Built = Lib.builtByFactory(Call);
    if (Built) {
      S.Model = Lib.spawnClass(Built);
      if (!S.Model)
        return std::nullopt;
      S.CallableArg = Call->getArg(0);
      S.Task = resolveCallable(S.CallableArg, Lib, Ctx);
      for (unsigned I = 1; I < Call->getNumArgs(); ++I)
        S.Task.BoundArgs.push_back(Call->getArg(I));
      S.Name = S.Model->Name;
      return S;
    }
  }

  S.Model = Lib.spawnFunction(Callee);
  if (!S.Model)
    return std::nullopt;
  S.Name = S.Model->Name;
  unsigned Arg = S.Model->CallableArg;
  // std::async's launch policy, QtConcurrent::run's thread pool.
  if (Arg < Call->getNumArgs() &&
      Lib.isOptionalLeadingArg(*S.Model, Call->getArg(Arg)))
    ++Arg;
  if (Arg >= Call->getNumArgs())
    return std::nullopt;
  S.CallableArg = Call->getArg(Arg);
  if (forwardsOwnSpawnParameter(Lib, S.CallableArg))
    return std::nullopt;
  if (S.Model->Kind == SpawnKind::CoSpawn) {
    S.Task = resolveCoroutine(S.CallableArg, Lib, Ctx);
    // The token follows the coroutine; real Asio adds a defaulted constraint
    // parameter after it, which is not the token.
    if (Call->getNumArgs() > Arg + 1 &&
        !isa<CXXDefaultArgExpr>(Call->getArg(Arg + 1)))
      S.CompletionToken = Call->getArg(Arg + 1);
  } else {
    S.Task = resolveCallable(S.CallableArg, Lib, Ctx);
    for (unsigned I = Arg + 1; I < Call->getNumArgs(); ++I)
      S.Task.BoundArgs.push_back(Call->getArg(I));
  }
  return S;
}

} // namespace taskleak
