//===--- ThreadDetach.cpp - detached threads and who can stop them --------===//
//
// The detaches of lib/ThreadLifetime.h: the spawn behind a detach() or
// pthread_detach(), the spawner's state its task borrows by reference, who
// can still stop the task once the thread object is given up
// (stopHandleFate), and the retry loop around a spawn and its detach.
//
//===----------------------------------------------------------------------===//
#include "lib/AstNav.h"
#include "lib/CfgPaths.h"
#include "lib/Expressions.h"
#include "lib/Parents.h"
#include "lib/ThreadLifetime.h"
#include "lib/ThreadUses.h"

#include "clang/AST/ParentMapContext.h"
#include "clang/AST/StmtCXX.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/SmallPtrSet.h"

using namespace clang;

namespace taskleak {

using namespace threadlife;

/// `pthread_detach(tid)`: the last spawn before it in its function whose
/// thread-id argument is `&tid`.
static std::optional<DetachedThread>
resolveDetachFunction(const CallExpr *Detach, const Library &Lib,
                      ASTContext &Ctx) {
  const auto *Id = dyn_cast<DeclRefExpr>(stripObject(Detach->getArg(0)));
  const auto *Tid = Id ? dyn_cast<VarDecl>(Id->getDecl()) : nullptr;
  const FunctionDecl *Fn = enclosingFunction(Detach, Ctx);
  if (!Tid || !Tid->hasLocalStorage() || !Fn || !Fn->getBody())
    return std::nullopt;
  const SourceManager &SM = Ctx.getSourceManager();
  std::optional<SpawnSite> Last;
  forEachStmt(
      Fn->getBody(),
      [&](const Stmt *S) {
        const auto *Call = dyn_cast<CallExpr>(S);
        if (!Call || Call->getNumArgs() == 0 ||
            !SM.isBeforeInTranslationUnit(Call->getBeginLoc(),
                                          Detach->getBeginLoc()))
          return;
        const auto *Addr =
            dyn_cast<UnaryOperator>(stripObject(Call->getArg(0)));
        const auto *Ref =
            Addr && Addr->getOpcode() == UO_AddrOf
                ? dyn_cast<DeclRefExpr>(stripObject(Addr->getSubExpr()))
                : nullptr;
        if (!Ref || Ref->getDecl() != Tid)
          return;
        if (std::optional<SpawnSite> Site = matchSpawn(Lib, Call, Ctx);
            Site && Site->Model && Site->Model->Kind == SpawnKind::Pthread &&
            (!Last || SM.isBeforeInTranslationUnit(Last->Call->getBeginLoc(),
                                                   Call->getBeginLoc())))
          Last = Site;
      },
      LambdaBodies::Skip);
  if (!Last)
    return std::nullopt;
  DetachedThread Out;
  Out.Detach = Detach;
  Out.Object = Tid;
  Out.Spawn = *Last;
  return Out;
}

std::optional<DetachedThread>
resolveDetach(const CallExpr *Detach, const Library &Lib, ASTContext &Ctx) {
  if (const auto *Call = dyn_cast_or_null<CallExpr>(Detach);
      Call && !isa<CXXMemberCallExpr>(Call) && Call->getNumArgs() == 1 &&
      Lib.isDetachFunction(Call->getDirectCallee()))
    return resolveDetachFunction(Call, Lib, Ctx);
  const auto *Member = dyn_cast_or_null<CXXMemberCallExpr>(Detach);
  if (!Member || !Member->getImplicitObjectArgument())
    return std::nullopt;
  const Expr *Obj = stripObject(Member->getImplicitObjectArgument());
  DetachedThread Out;
  Out.Detach = Detach;
  Out.Class = Lib.threadClass(Obj->getType());
  if (!Out.Class)
    return std::nullopt;
  const CXXConstructExpr *Started = startedThread(Obj, Lib);
  if (!Started) {
    // A named object: the last spawn of it before the detach, in the same
    // function.
    const ValueDecl *D = nullptr;
    if (const auto *DRE = dyn_cast<DeclRefExpr>(Obj))
      D = dyn_cast<VarDecl>(DRE->getDecl());
    else if (const auto *ME = dyn_cast<MemberExpr>(Obj);
             ME && isa<CXXThisExpr>(ME->getBase()->IgnoreParenImpCasts()))
      D = dyn_cast<FieldDecl>(ME->getMemberDecl());
    const FunctionDecl *Fn = enclosingFunction(Detach, Ctx);
    if (!D || !Fn || !Fn->getBody())
      return std::nullopt;
    ThreadObject T;
    T.Decl = D;
    if (const auto *VD = dyn_cast<VarDecl>(D))
      if (const CXXConstructExpr *Init = startedThread(VD->getInit(), Lib))
        T.Uses.push_back({ThreadUseKind::Spawn, Init, Init});
    collectUses(D, Fn->getBody(), Lib, Ctx, T);
    sortUses(T, Ctx.getSourceManager());
    const SourceManager &SM = Ctx.getSourceManager();
    for (const ThreadUse &U : T.Uses)
      if (U.Kind == ThreadUseKind::Spawn &&
          SM.isBeforeInTranslationUnit(U.E->getBeginLoc(),
                                       Detach->getBeginLoc()))
        Started = cast<CXXConstructExpr>(U.Started);
    Out.Object = D;
  }
  if (!Started)
    return std::nullopt;
  std::optional<SpawnSite> Site = matchSpawn(Lib, Started, Ctx);
  if (!Site)
    return std::nullopt;
  Out.Spawn = *Site;
  return Out;
}

/// A local of a function that dies with it: not static, not a reference
/// (capturing a reference by reference refers to what it is bound to).
static bool isDyingLocal(const ValueDecl *D) {
  const auto *VD = dyn_cast_or_null<VarDecl>(D);
  return VD && VD->hasLocalStorage() && !VD->getType()->isReferenceType();
}

std::optional<BorrowedState> borrowedState(const SpawnSite &S) {
  if (!S.Lib)
    return std::nullopt;
  const Library &Lib = *S.Lib;
  if (const LambdaExpr *L = S.Task.Lambda) {
    for (const LambdaCapture &C : L->captures())
      if (C.getCaptureKind() == LCK_ByCopy && C.capturesVariable() &&
          Lib.keepsAlive(C.getCapturedVar()->getType()))
        return std::nullopt; // it keeps the object alive
    for (const FieldDecl *F : L->getLambdaClass()->fields())
      if (Lib.keepsAlive(F->getType()))
        return std::nullopt; // an init-capture of a shared_ptr
    for (const LambdaCapture &C : L->captures()) {
      if (C.getCaptureKind() == LCK_This)
        return BorrowedState{nullptr, C.getLocation()};
      if (C.getCaptureKind() == LCK_ByRef && C.capturesVariable() &&
          isDyingLocal(C.getCapturedVar()))
        return BorrowedState{C.getCapturedVar(), C.getLocation()};
    }
  }
  for (const Expr *Arg : S.Task.BoundArgs) {
    const Expr *A = stripObject(Arg);
    if (isa<CXXThisExpr>(A))
      return BorrowedState{nullptr, Arg->getBeginLoc(), false};
    if (const auto *U = dyn_cast<UnaryOperator>(A);
        U && U->getOpcode() == UO_AddrOf)
      A = stripObject(U->getSubExpr());
    else if (const auto *Call = dyn_cast<CallExpr>(A);
             Call && Lib.isReferenceWrapperCall(Call))
      A = stripObject(Call->getArg(0));
    else
      continue;
    if (const auto *DRE = dyn_cast<DeclRefExpr>(A);
        DRE && isDyingLocal(DRE->getDecl()))
      return BorrowedState{DRE->getDecl(), Arg->getBeginLoc(), false};
  }
  return std::nullopt;
}

namespace {

/// Follows the handles a stop test reads to where they live.
class StopHandleFinder {
public:
  StopHandleFinder(const DetachedThread &D, const LongRunningLoop &L,
                   const Library &Lib, ASTContext &Ctx)
      : D(D), L(L), Lib(Lib), Ctx(Ctx),
        Spawner(enclosingFunction(D.Detach, Ctx)) {}

  StopHandleFate run() {
    // A thread id (pthread_detach): pthread_cancel(tid) can still end the
    // thread when the spawner keeps or uses the id otherwise.
    if (!D.Class && (!D.Object || !onlyUsedBy(D.Object, [&](const Expr *U) {
          return isInside(U, D.Detach, Ctx) || isInside(U, D.Spawn.Call, Ctx);
        })))
      return {StopReach::Unknown, nullptr};
    if (!L.StopTest)
      return {StopReach::Nobody, nullptr};
    const Fate F = ofExpr(L.StopTest, 0);
    switch (F.K) {
    case Kind::Outlives:
      return {StopReach::Outlives, nullptr};
    case Kind::Nobody:
      return {StopReach::Nobody, F.Local};
    default:
      return {StopReach::Unknown, nullptr};
    }
  }

private:
  /// Neutral: a constant, which no one sets.
  enum class Kind : std::uint8_t { Neutral, Nobody, Outlives, Unknown };
  struct Fate {
    Kind K = Kind::Unknown;
    const ValueDecl *Local = nullptr;
  };

  static Fate combine(const Fate &A, const Fate &B) {
    for (const Kind K : {Kind::Outlives, Kind::Unknown, Kind::Nobody})
      if (A.K == K || B.K == K)
        return A.K == K ? A : B;
    return A;
  }

  Fate ofExpr(const Expr *E, unsigned Depth) {
    if (!E || Depth > 8)
      return {};
    E = ignoreWrappers(E, FunctionalCasts);
    if (isa<IntegerLiteral, CXXBoolLiteralExpr, CXXNullPtrLiteralExpr>(E))
      return {Kind::Neutral};
    if (const auto *U = dyn_cast<UnaryOperator>(E))
      return U->getOpcode() == UO_LNot ? ofExpr(U->getSubExpr(), Depth + 1)
                                       : Fate{};
    if (const auto *B = dyn_cast<BinaryOperator>(E)) {
      if (!B->isLogicalOp() && !B->isEqualityOp())
        return {};
      return combine(ofExpr(B->getLHS(), Depth + 1),
                     ofExpr(B->getRHS(), Depth + 1));
    }
    if (const auto *MC = dyn_cast<CXXMemberCallExpr>(E)) {
      // A flag's load() or conversion, a token's stop query, or a getter of
      // the object: the handle is the object it is called on.
      const Expr *Obj = MC->getImplicitObjectArgument();
      if (Obj && isa<CXXThisExpr>(ignoreWrappers(Obj)))
        return ofThis();
      return ofExpr(Obj, Depth + 1);
    }
    if (const auto *ME = dyn_cast<MemberExpr>(E)) {
      if (isa<CXXThisExpr>(ignoreWrappers(ME->getBase())))
        return ofThis();
      return {};
    }
    if (const auto *DRE = dyn_cast<DeclRefExpr>(E)) {
      if (isa<EnumConstantDecl>(DRE->getDecl()))
        return {Kind::Neutral};
      if (const auto *V = dyn_cast<VarDecl>(DRE->getDecl()))
        return ofVar(V);
    }
    return {};
  }

  /// A member of the task's object: the spawner's object when the task is
  /// a lambda that captures 'this' or a member function bound to 'this'.
  Fate ofThis() {
    if (const LambdaExpr *Lambda = D.Spawn.Task.Lambda)
      for (const LambdaCapture &C : Lambda->captures())
        if (C.capturesThis())
          return {Kind::Outlives};
    if (!D.Spawn.Task.BoundArgs.empty() &&
        isa<CXXThisExpr>(ignoreWrappers(D.Spawn.Task.BoundArgs.front())))
      return {Kind::Outlives};
    return {};
  }

  /// A local of the spawner: not static, not a reference.
  bool isSpawnerLocal(const ValueDecl *VD) const {
    const auto *V = dyn_cast_or_null<VarDecl>(VD);
    return V && Spawner && V->hasLocalStorage() &&
           !V->getType()->isReferenceType() &&
           V->getParentFunctionOrMethod() == Spawner;
  }

  Fate ofVar(const VarDecl *V) {
    const std::optional<StopTokenKind> TK =
        Lib.stopTokenKind(V->getType().getNonReferenceType());
    // The stop token a std::jthread passes to its task: its own source,
    // which nobody can reach once a temporary or local thread object is
    // detached (its destructor no longer requests a stop).
    if (const auto *P = dyn_cast<ParmVarDecl>(V);
        P && L.Function == D.Spawn.Task.Function && D.Class &&
        !D.Class->StopToken.empty() && TK == StopTokenKind::Token &&
        P->getFunctionScopeIndex() == 0 && D.Spawn.Task.BoundArgs.empty()) {
      if (!D.Object)
        return {Kind::Nobody};
      if (isSpawnerLocal(D.Object) && onlyUsedBy(D.Object, [&](const Expr *U) {
            return isInside(U, D.Detach, Ctx);
          }))
        return {Kind::Nobody};
      return {isa<FieldDecl>(D.Object) ? Kind::Outlives : Kind::Unknown};
    }
    if (V->hasGlobalStorage() || V->getType()->isReferenceType())
      return {Kind::Outlives};
    if (isa<ParmVarDecl>(V))
      return {};
    // A token captured by copy (or an init-capture) that was taken from a
    // local stop source of the spawner that nothing else uses: the source
    // dies with the spawner.
    if (TK != StopTokenKind::Token ||
        (!V->isInitCapture() && !isSpawnerLocal(V)))
      return {};
    const auto *Get = dyn_cast_or_null<CXXMemberCallExpr>(
        ignoreWrappers(V->getInit(), CopyConstructions));
    if (!Get || Lib.stopTokenKind(Get->getType()) != StopTokenKind::Token)
      return {};
    const auto *SrcRef = dyn_cast_or_null<DeclRefExpr>(
        ignoreWrappers(Get->getImplicitObjectArgument()));
    const ValueDecl *Src = SrcRef ? SrcRef->getDecl() : nullptr;
    if (!Src || !isSpawnerLocal(Src) ||
        Lib.stopTokenKind(Src->getType()) != StopTokenKind::Source)
      return {};
    // Every use of the source hands out a token (no request_stop, no copy).
    if (!onlyUsedBy(Src, [&](const Expr *U) {
          DynTypedNodeList Ps = getParents(Ctx, *U);
          while (Ps.size() == 1 &&
                 (Ps[0].get<ImplicitCastExpr>() || Ps[0].get<ParenExpr>()))
            Ps = getParents(Ctx, Ps[0]);
          const auto *ME = Ps.size() == 1 ? Ps[0].get<MemberExpr>() : nullptr;
          if (!ME)
            return false;
          auto MPs = getParents(Ctx, *ME);
          const auto *Call =
              MPs.size() == 1 ? MPs[0].get<CXXMemberCallExpr>() : nullptr;
          return Call &&
                 Lib.stopTokenKind(Call->getType()) == StopTokenKind::Token;
        }))
      return {};
    return {Kind::Nobody, Src};
  }

  /// Every reference to \p VD in the spawner satisfies \p Ok.
  bool onlyUsedBy(const ValueDecl *VD,
                  llvm::function_ref<bool(const Expr *)> Ok) const {
    if (!Spawner || !Spawner->getBody())
      return false;
    return !anyStmt(Spawner->getBody(), [&](const Stmt *S) {
      if (const auto *DRE = dyn_cast<DeclRefExpr>(S))
        return DRE->getDecl() == VD && !Ok(DRE);
      if (const auto *LE = dyn_cast<LambdaExpr>(S))
        for (const LambdaCapture &C : LE->captures())
          if (C.capturesVariable() && C.getCapturedVar() == VD &&
              C.getCaptureKind() == LCK_ByRef)
            return true; // the lambda may do anything with it
      return false;
    });
  }

  const DetachedThread &D;
  const LongRunningLoop &L;
  const Library &Lib;
  ASTContext &Ctx;
  const FunctionDecl *Spawner;
};

} // namespace

StopHandleFate stopHandleFate(const DetachedThread &D,
                              const LongRunningLoop &Loop, const Library &Lib,
                              ASTContext &Ctx) {
  return StopHandleFinder(D, Loop, Lib, Ctx).run();
}

/// The innermost open-ended loop around both the detach and the spawn, in
/// the function that holds the detach.
const Stmt *openEndedLoopAround(const Expr *Detach, const Expr *Spawn,
                                ASTContext &Ctx) {
  DynTypedNode Node = DynTypedNode::create(*Detach);
  for (int Guard = 0; Guard < 256; ++Guard) {
    const DynTypedNodeList Parents = getParents(Ctx, Node);
    if (Parents.empty())
      return nullptr;
    Node = Parents[0];
    if (Node.get<Decl>() || Node.get<LambdaExpr>())
      return nullptr; // the function's boundary
    const Stmt *S = Node.get<Stmt>();
    if (S && isLoop(S) && isInside(Spawn, S, Ctx))
      return isOpenEndedLoop(S, Ctx) ? S : nullptr;
  }
  return nullptr;
}

} // namespace taskleak
