//===--- ThreadLifetime.cpp - where a thread object starts and ends
//--------===//
//
// The uses of a thread object (lib/ThreadLifetime.h): what each reference
// to a local or member thread does to it (spawn, join, detach, move away,
// nothing, escape), following helpers that join a thread given by
// reference. The searches over them live in ThreadJoins.cpp (joinable
// exits, unjoined members) and ThreadDetach.cpp (detached threads).
//
//===----------------------------------------------------------------------===//
#include "lib/ThreadLifetime.h"
#include "lib/Expressions.h"
#include "lib/Parents.h"
#include "lib/ThreadUses.h"

#include "lib/AstNav.h"
#include "lib/CfgPaths.h"

#include "clang/AST/ParentMapContext.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/AST/StmtCXX.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/SmallPtrSet.h"

using namespace clang;

namespace taskleak {

using namespace threadlife;

bool ThreadObject::escapes() const { return firstEscape() != nullptr; }

const ThreadUse *ThreadObject::firstEscape() const {
  for (const ThreadUse &U : Uses)
    if (U.Kind == ThreadUseKind::Escape)
      return &U;
  return nullptr;
}

bool ThreadObject::released() const {
  for (const ThreadUse &U : Uses)
    if (U.Kind == ThreadUseKind::Join || U.Kind == ThreadUseKind::Detach ||
        U.Kind == ThreadUseKind::MoveOut)
      return true;
  return false;
}

/// Strips what does not change which object or construction an expression
/// denotes.
const Expr *threadlife::stripObject(const Expr *E) {
  return ignoreWrappers(E, FunctionalCasts);
}

/// The construction of a thread with a task: a constructor of a thread class
/// with arguments that is not a copy or move.
const CXXConstructExpr *threadlife::startedThread(const Expr *E,
                                                  const Library &Lib) {
  const auto *CE = dyn_cast_or_null<CXXConstructExpr>(stripObject(E));
  if (!CE || CE->getNumArgs() == 0 || !CE->getConstructor() ||
      CE->getConstructor()->isCopyOrMoveConstructor() ||
      isa<CXXDefaultArgExpr>(CE->getArg(0)) || !Lib.threadClass(CE->getType()))
    return nullptr;
  return CE;
}

static bool helperJoins(const FunctionDecl *FD, unsigned Param,
                        const Library &Lib, ASTContext &Ctx, unsigned Depth);

/// A member call on the object (\p Cur, the base of \p ME): join, detach,
/// swap, a const or stop member.
static ThreadUse classifyMemberCall(const MemberExpr *ME, const Expr *Cur,
                                    const Expr *Use, const Library &Lib,
                                    ASTContext &Ctx) {
  if (ME->getBase()->IgnoreParenImpCasts() != Cur->IgnoreParenImpCasts())
    return {ThreadUseKind::Escape, Use};
  const auto *Method = dyn_cast<CXXMethodDecl>(ME->getMemberDecl());
  auto MP = getParents(Ctx, *ME);
  const auto *Call = MP.size() == 1 ? MP[0].get<CXXMemberCallExpr>() : nullptr;
  if (!Method || !Call || !Method->getIdentifier())
    return {ThreadUseKind::Escape, Use};
  const StringRef Name = Method->getName();
  const ThreadClass *Class = Lib.threadClass(Cur->getType());
  if (Class && Library::isJoin(*Class, Name))
    return {ThreadUseKind::Join, Call};
  if (Class && Library::isDetach(*Class, Name))
    return {ThreadUseKind::Detach, Call};
  if (Name == "swap")
    return {ThreadUseKind::MoveOut, Call};
  if (Method->isConst() || (Class && Library::isRequestStop(*Class, Name)) ||
      Name == "get_stop_source")
    return {ThreadUseKind::Neutral, Call};
  return {ThreadUseKind::Escape, Use};
}

/// A call that is given the object (\p Cur): std::move, swap, a const
/// reference parameter, a helper that joins it.
static ThreadUse classifyCallArg(const CallExpr *Call, const Expr *Cur,
                                 const Expr *Use, const Library &Lib,
                                 ASTContext &Ctx, unsigned Depth) {
  const FunctionDecl *FD = Call->getDirectCallee();
  if (Call->getNumArgs() == 1 && Lib.isMoveFunction(FD))
    return {ThreadUseKind::MoveOut, Call};
  if (FD && FD->getIdentifier() && FD->getName() == "swap")
    return {ThreadUseKind::MoveOut, Call};
  if (FD && !isa<CXXOperatorCallExpr>(Call)) {
    for (unsigned I = 0; I < Call->getNumArgs() && I < FD->getNumParams(); ++I)
      if (Call->getArg(I)->IgnoreParenImpCasts() ==
          Cur->IgnoreParenImpCasts()) {
        const QualType PT = FD->getParamDecl(I)->getType();
        if (PT->isReferenceType() &&
            PT.getNonReferenceType().isConstQualified())
          return {ThreadUseKind::Neutral, Call};
        // A helper of the translation unit that takes the thread by
        // reference and joins it on every path.
        if (PT->isLValueReferenceType() && Depth < 3 &&
            helperJoins(FD, I, Lib, Ctx, Depth + 1))
          return {ThreadUseKind::Join, Call};
      }
  }
  return {ThreadUseKind::Escape, Use};
}

/// What the use \p Use (a DeclRefExpr or MemberExpr naming the object) does.
static ThreadUse classifyUse(const Expr *Use, const Library &Lib,
                             ASTContext &Ctx, unsigned Depth) {
  const Expr *Cur = Use;
  for (int Guard = 0; Guard < 8; ++Guard) {
    DynTypedNodeList Parents = getParents(Ctx, *Cur);
    if (Parents.size() != 1)
      return {ThreadUseKind::Escape, Use};
    const Expr *P = Parents[0].get<Expr>();
    if (!P) {
      // `std::thread &r = t;` binds a reference; anything else we do not
      // model.
      return {ThreadUseKind::Escape, Use};
    }
    if (isa<ParenExpr>(P)) {
      Cur = P;
      continue;
    }
    if (const auto *ICE = dyn_cast<ImplicitCastExpr>(P)) {
      if (ICE->getCastKind() == CK_NoOp ||
          ICE->getCastKind() == CK_LValueToRValue) {
        Cur = P;
        continue;
      }
      return {ThreadUseKind::Escape, Use};
    }
    if (const auto *ME = dyn_cast<MemberExpr>(P))
      return classifyMemberCall(ME, Cur, Use, Lib, Ctx);
    if (const auto *CE = dyn_cast<CXXConstructExpr>(P)) {
      // The implicit move of `return t;` (or a move constructor reached
      // through a cast to an rvalue).
      if (CE->getConstructor() &&
          CE->getConstructor()->isMoveConstructor() && CE->getNumArgs() == 1 &&
          Cur->isXValue())
        return {ThreadUseKind::MoveOut, CE};
      return {ThreadUseKind::Escape, Use};
    }
    if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(P)) {
      if (Op->getOperator() == OO_Equal && Op->getNumArgs() == 2 &&
          Op->getArg(0)->IgnoreParenImpCasts() == Cur->IgnoreParenImpCasts()) {
        if (const CXXConstructExpr *Started = startedThread(Op->getArg(1), Lib))
          return {ThreadUseKind::Spawn, Op, Started};
        // Another thread moved in: its state is not known here.
        return {ThreadUseKind::Neutral, Op};
      }
      return {ThreadUseKind::Escape, Use};
    }
    if (const auto *Call = dyn_cast<CallExpr>(P))
      return classifyCallArg(Call, Cur, Use, Lib, Ctx, Depth);
    return {ThreadUseKind::Escape, Use};
  }
  return {ThreadUseKind::Escape, Use};
}

namespace {

/// Every use of one local variable or member.
class UseFinder : public RecursiveASTVisitor<UseFinder> {
public:
  UseFinder(const ValueDecl *D, const Library &Lib, ASTContext &Ctx,
            ThreadObject &Out, unsigned Depth = 0)
      : D(D), Lib(Lib), Ctx(Ctx), Out(Out), Depth(Depth) {}

  bool shouldVisitLambdaBody() const { return true; }
  bool shouldVisitImplicitCode() const { return false; }

  bool TraverseLambdaExpr(LambdaExpr *L) {
    // A lambda that captures the object by reference may do anything
    // with it, whenever it runs: the object escapes.
    for (const LambdaCapture &C : L->captures())
      if (C.capturesVariable() && C.getCapturedVar() == D &&
          C.getCaptureKind() == LCK_ByRef)
        Out.Uses.push_back({ThreadUseKind::Escape, L});
    for (Expr *Init : L->capture_inits())
      if (Init)
        TraverseStmt(Init);
    ++InLambda;
    TraverseStmt(L->getBody());
    --InLambda;
    return true;
  }

  bool VisitDeclRefExpr(DeclRefExpr *E) {
    if (E->getDecl() == D)
      record(E);
    return true;
  }
  bool VisitMemberExpr(MemberExpr *E) {
    if (E->getMemberDecl() == D)
      record(E);
    return true;
  }

private:
  void record(const Expr *E) {
    // Locals used inside a lambda are captured (handled above); members
    // used inside a lambda of a member function are the same member.
    if (InLambda && isa<VarDecl>(D))
      return;
    Out.Uses.push_back(classifyUse(E, Lib, Ctx, Depth));
  }

  const ValueDecl *D;
  const Library &Lib;
  ASTContext &Ctx;
  ThreadObject &Out;
  unsigned Depth;
  unsigned InLambda = 0;
};

} // namespace

void threadlife::collectUses(const ValueDecl *D, const Stmt *Body,
                             const Library &Lib, ASTContext &Ctx,
                             ThreadObject &T) {
  UseFinder(D, Lib, Ctx, T).TraverseStmt(const_cast<Stmt *>(Body));
}

/// Whether \p FD, defined in the translation unit outside system headers,
/// joins its reference parameter \p Param on every path (the false branch of
/// `joinable()` aside) and does nothing else with it that we cannot see.
static bool helperJoins(const FunctionDecl *FD, unsigned Param,
                        const Library &Lib, ASTContext &Ctx, unsigned Depth) {
  const FunctionDecl *Def = nullptr;
  if (!FD || !FD->hasBody(Def) || !Def || Def->isDependentContext() ||
      Param >= Def->getNumParams() ||
      Ctx.getSourceManager().isInSystemHeader(Def->getLocation()) ||
      Lib.inOpaqueNamespace(Def))
    return false;
  const ParmVarDecl *P = Def->getParamDecl(Param);
  ThreadObject T;
  T.Decl = P;
  UseFinder(P, Lib, Ctx, T, Depth).TraverseStmt(Def->getBody());
  bool Joins = false;
  for (const ThreadUse &U : T.Uses) {
    if (U.Kind == ThreadUseKind::Escape || U.Kind == ThreadUseKind::Spawn ||
        U.Kind == ThreadUseKind::MoveOut || U.Kind == ThreadUseKind::Detach)
      return false;
    Joins |= U.Kind == ThreadUseKind::Join;
  }
  if (!Joins)
    return false;
  llvm::SmallPtrSet<const Stmt *, 4> JoinCalls;
  for (const ThreadUse &U : T.Uses)
    if (U.Kind == ThreadUseKind::Join)
      JoinCalls.insert(U.E);
  PathSearchOptions Options;
  auto Settles = [&](const Expr *Cond, bool Taken) {
    return provesNotJoinable(
        Cond, Taken, P, Lib.threadClass(P->getType().getNonReferenceType()));
  };
  Options.SettlesBranch = Settles;
  return !findPathWithoutCredit(
      Def, nullptr, 1,
      [&](const Stmt *S) { return JoinCalls.count(S) ? 1u : 0u; }, Ctx,
      Options);
}

void threadlife::sortUses(ThreadObject &T, const SourceManager &SM) {
  llvm::sort(T.Uses, [&](const ThreadUse &A, const ThreadUse &B) {
    return SM.isBeforeInTranslationUnit(A.E->getBeginLoc(), B.E->getBeginLoc());
  });
}

std::optional<ThreadObject>
analyzeLocalThread(const VarDecl *Var, const Library &Lib, ASTContext &Ctx) {
  if (!Var || !Var->isLocalVarDecl() || Var->isStaticLocal() ||
      isa<ParmVarDecl>(Var))
    return std::nullopt;
  const ThreadClass *Class = Lib.threadClass(Var->getType());
  if (!Class)
    return std::nullopt;
  const auto *Owner =
      dyn_cast_or_null<FunctionDecl>(Var->getParentFunctionOrMethod());
  if (!Owner || !Owner->getBody() || Owner->isDependentContext())
    return std::nullopt;
  ThreadObject T;
  T.Decl = Var;
  T.Class = Class;
  T.Owner = Owner;
  if (const CXXConstructExpr *Started = startedThread(Var->getInit(), Lib))
    T.Uses.push_back({ThreadUseKind::Spawn, Started, Started});
  UseFinder(Var, Lib, Ctx, T).TraverseStmt(Owner->getBody());
  sortUses(T, Ctx.getSourceManager());
  return T;
}

std::optional<ThreadObject> analyzeMemberThread(const FieldDecl *Field,
                                                const Library &Lib,
                                                ASTContext &Ctx) {
  if (!Field)
    return std::nullopt;
  const ThreadClass *Class = Lib.threadClass(Field->getType());
  const auto *RD = dyn_cast<CXXRecordDecl>(Field->getParent());
  if (!Class || !RD || Field->getAccess() != AS_private ||
      RD->isDependentContext() || isa<ClassTemplateSpecializationDecl>(RD) ||
      RD->isLambda() || RD->hasFriends())
    return std::nullopt;
  ThreadObject T;
  T.Decl = Field;
  T.Class = Class;
  UseFinder Finder(Field, Lib, Ctx, T);
  if (Field->hasInClassInitializer())
    if (const CXXConstructExpr *Started =
            startedThread(Field->getInClassInitializer(), Lib))
      T.Uses.push_back({ThreadUseKind::Spawn, Started, Started});
  for (const Decl *D : RD->decls()) {
    if (const auto *Nested = dyn_cast<CXXRecordDecl>(D)) {
      if (!Nested->isInjectedClassName())
        return std::nullopt; // a nested class may use the member
      continue;
    }
    const FunctionDecl *FD = nullptr;
    if (const auto *FT = dyn_cast<FunctionTemplateDecl>(D))
      FD = FT->getTemplatedDecl();
    else
      FD = dyn_cast<FunctionDecl>(D);
    if (!FD || FD->isImplicit() || FD->isDeleted())
      continue;
    const FunctionDecl *Def = nullptr;
    if (!FD->hasBody(Def) || !Def) {
      if (FD->isDefaulted())
        continue;
      return std::nullopt; // a member function we cannot see
    }
    if (const auto *Ctor = dyn_cast<CXXConstructorDecl>(Def))
      for (const CXXCtorInitializer *Init : Ctor->inits()) {
        if (!Init->isWritten() || !Init->getInit())
          continue;
        if (Init->getMember() == Field)
          if (const CXXConstructExpr *Started =
                  startedThread(Init->getInit(), Lib)) {
            T.Uses.push_back({ThreadUseKind::Spawn, Started, Started});
            continue;
          }
        Finder.TraverseStmt(const_cast<Expr *>(Init->getInit()));
      }
    if (Def->getBody())
      Finder.TraverseStmt(Def->getBody());
  }
  sortUses(T, Ctx.getSourceManager());
  return T;
}

/// `t.joinable()` on \p Var, possibly negated: the branch \p Taken of it
/// proves that the thread is not joinable.
bool threadlife::provesNotJoinable(const Expr *Cond, bool Taken,
                                   const ValueDecl *Var,
                                   const ThreadClass *Class) {
  for (int Guard = 0; Cond && Guard < 8; ++Guard) {
    Cond = Cond->IgnoreParenImpCasts();
    if (const auto *EWC = dyn_cast<ExprWithCleanups>(Cond)) {
      Cond = EWC->getSubExpr();
      continue;
    }
    if (const auto *U = dyn_cast<UnaryOperator>(Cond);
        U && U->getOpcode() == UO_LNot) {
      Cond = U->getSubExpr();
      Taken = !Taken;
      continue;
    }
    break;
  }
  const auto *Call = dyn_cast_or_null<CXXMemberCallExpr>(Cond);
  if (!Call || !Call->getMethodDecl() ||
      !Call->getMethodDecl()->getIdentifier() || !Class ||
      !Library::isJoinableQuery(*Class, Call->getMethodDecl()->getName()))
    return false;
  const Expr *Obj = Call->getImplicitObjectArgument()->IgnoreParenImpCasts();
  if (const auto *ME = dyn_cast<MemberExpr>(Obj))
    return ME->getMemberDecl() == Var &&
           isa<CXXThisExpr>(ME->getBase()->IgnoreParenImpCasts()) && !Taken;
  const auto *DRE = dyn_cast<DeclRefExpr>(Obj);
  return DRE && DRE->getDecl() == Var && !Taken;
}

} // namespace taskleak
