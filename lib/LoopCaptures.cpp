//===--- LoopCaptures.cpp - iteration variables a task holds by reference --===//
#include "lib/LoopCaptures.h"
#include "lib/AstNav.h"
#include "lib/Expressions.h"
#include "lib/TripCounts.h"
#include "lib/VariableUses.h"

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

/// A loop that runs its body at most once: a constant trip count of 0 or 1,
/// or a `while` whose condition folds to false.
bool runsAtMostOnce(const Stmt *Loop, ASTContext &Ctx) {
  if (isa<ForStmt>(Loop) || isa<CXXForRangeStmt>(Loop))
    if (std::optional<uint64_t> N = constantTripCount(Loop, Ctx))
      return *N <= 1;
  if (const auto *W = dyn_cast<WhileStmt>(Loop))
    return foldsTo(W->getCond(), false, Ctx);
  return false;
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

/// \p S assigns \p V or a member of it (`v = e`, `v.f = e`, `v op= e`).
bool assigns(const Stmt *S, const VarDecl *V) {
  const auto *E = dyn_cast_or_null<Expr>(S);
  if (!E)
    return false;
  E = E->IgnoreParenImpCasts();
  if (const auto *EWC = dyn_cast<ExprWithCleanups>(E))
    E = EWC->getSubExpr()->IgnoreParenImpCasts();
  const Expr *LHS = nullptr;
  if (const auto *B = dyn_cast<BinaryOperator>(E); B && B->isAssignmentOp())
    LHS = B->getLHS();
  else if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(E);
           Op && Op->isAssignmentOp() && Op->getNumArgs() == 2)
    LHS = Op->getArg(0);
  for (int Guard = 0; LHS && Guard < 8; ++Guard) {
    LHS = LHS->IgnoreParenImpCasts();
    if (const auto *ME = dyn_cast<MemberExpr>(LHS)) {
      if (ME->isArrow())
        return false; // another object
      LHS = ME->getBase();
      continue;
    }
    const auto *DRE = dyn_cast<DeclRefExpr>(LHS);
    return DRE && DRE->getDecl() == V;
  }
  return false;
}

/// The loop \p Loop writes \p V (declared before it) in every iteration:
/// a `for` whose init statement assigns it and that writes it again, or an
/// assignment of it in the loop body outside any branch.
std::optional<IterationVarKind>
writtenEachIteration(const Stmt *Loop, const VarDecl *V, ASTContext &Ctx) {
  if (const auto *F = dyn_cast<ForStmt>(Loop);
      F && assigns(F->getInit(), V) && loopWrites(F, V, Ctx))
    return IterationVarKind::Induction;
  // `while ((sock = accept(...)) >= 0)`: the condition runs every round.
  std::function<bool(const Stmt *)> InCondition = [&](const Stmt *S) {
    if (!S)
      return false;
    if (assigns(S, V))
      return true;
    if (const auto *B = dyn_cast<BinaryOperator>(S); B && B->isLogicalOp())
      return InCondition(B->getLHS()); // the right side may not run
    if (isa<ConditionalOperator, LambdaExpr>(S))
      return false;
    for (const Stmt *Child : S->children())
      if (InCondition(Child))
        return true;
    return false;
  };
  if (!isa<ForStmt>(Loop) && InCondition(loopCondition(Loop)))
    return IterationVarKind::WrittenEachIteration;
  const Stmt *Body = loopBody(Loop);
  if (assigns(Body, V))
    return IterationVarKind::WrittenEachIteration;
  if (const auto *CS = dyn_cast_or_null<CompoundStmt>(Body))
    for (const Stmt *S : CS->body())
      if (assigns(S, V))
        return IterationVarKind::WrittenEachIteration;
  return std::nullopt;
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
      S.Lib->isStopTokenOrSource(Fn->getParamDecl(0)->getType()))
    ++Index;
  if (Index < 0 || static_cast<unsigned>(Index) >= Fn->getNumParams())
    return nullptr;
  return Fn->getParamDecl(Index);
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
      // The C form: declared before the loop, written by every iteration.
      if (!Found && !DeclAncestors.count(Loop))
        if (std::optional<IterationVarKind> K =
                writtenEachIteration(Loop, VD, Ctx))
          Found = IterationScope{*K, Loop, Body};
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
    if (const auto *Call = dyn_cast<CallExpr>(E);
        Call && isRefWrapperCall(Call, *S.Lib)) {
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

} // namespace taskleak
