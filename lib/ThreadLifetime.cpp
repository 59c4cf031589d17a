//===--- ThreadLifetime.cpp - where a thread object starts and ends --------===//
#include "lib/ThreadLifetime.h"
#include "lib/Parents.h"
#include "lib/Expressions.h"

#include "lib/AstNav.h"
#include "lib/CfgPaths.h"

#include "clang/AST/ParentMapContext.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/AST/StmtCXX.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/SmallPtrSet.h"

using namespace clang;

namespace taskleak {

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
static const Expr *stripObject(const Expr *E) {
  return ignoreWrappers(E, FunctionalCasts);
}

/// The construction of a thread with a task: a constructor of a thread class
/// with arguments that is not a copy or move.
static const CXXConstructExpr *startedThread(const Expr *E,
                                             const Library &Lib) {
  const auto *CE = dyn_cast_or_null<CXXConstructExpr>(stripObject(E));
  if (!CE || CE->getNumArgs() == 0 || !CE->getConstructor() ||
      CE->getConstructor()->isCopyOrMoveConstructor() ||
      isa<CXXDefaultArgExpr>(CE->getArg(0)) || !Lib.threadClass(CE->getType()))
    return nullptr;
  return CE;
}

/// What the use \p Use (a DeclRefExpr or MemberExpr naming the object) does.
static bool helperJoins(const FunctionDecl *FD, unsigned Param,
                        const Library &Lib, ASTContext &Ctx, unsigned Depth);
static bool provesNotJoinable(const Expr *Cond, bool Taken,
                              const ValueDecl *Var, const ThreadClass *Class);

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
    if (const auto *ME = dyn_cast<MemberExpr>(P)) {
      if (ME->getBase()->IgnoreParenImpCasts() != Cur->IgnoreParenImpCasts())
        return {ThreadUseKind::Escape, Use};
      const auto *Method = dyn_cast<CXXMethodDecl>(ME->getMemberDecl());
      auto MP = getParents(Ctx, *ME);
      const auto *Call =
          MP.size() == 1 ? MP[0].get<CXXMemberCallExpr>() : nullptr;
      if (!Method || !Call || !Method->getIdentifier())
        return {ThreadUseKind::Escape, Use};
      StringRef Name = Method->getName();
      const ThreadClass *Class = Lib.threadClass(Cur->getType());
      if (Class && Library::isJoin(*Class, Name))
        return {ThreadUseKind::Join, Call};
      if (Class && Library::isDetach(*Class, Name))
        return {ThreadUseKind::Detach, Call};
      if (Name == "swap")
        return {ThreadUseKind::MoveOut, Call};
      if (Method->isConst() ||
          (Class && Library::isRequestStop(*Class, Name)) ||
          Name == "get_stop_source")
        return {ThreadUseKind::Neutral, Call};
      return {ThreadUseKind::Escape, Use};
    }
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
    if (const auto *Call = dyn_cast<CallExpr>(P)) {
      const FunctionDecl *FD = Call->getDirectCallee();
      if (Call->getNumArgs() == 1 && Lib.isMoveFunction(FD))
        return {ThreadUseKind::MoveOut, Call};
      if (FD && FD->getIdentifier() && FD->getName() == "swap")
        return {ThreadUseKind::MoveOut, Call};
      if (FD && !isa<CXXOperatorCallExpr>(Call)) {
        for (unsigned I = 0; I < Call->getNumArgs() && I < FD->getNumParams();
             ++I)
          if (Call->getArg(I)->IgnoreParenImpCasts() ==
              Cur->IgnoreParenImpCasts()) {
            QualType PT = FD->getParamDecl(I)->getType();
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

static void sortUses(ThreadObject &T, const SourceManager &SM) {
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
static bool provesNotJoinable(const Expr *Cond, bool Taken,
                              const ValueDecl *Var, const ThreadClass *Class) {
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

std::optional<JoinableExit>
findJoinableExit(const ThreadObject &T, ASTContext &Ctx,
                 llvm::function_ref<bool(const Stmt *)> Ignore) {
  const auto *Var = dyn_cast_or_null<VarDecl>(T.Decl);
  if (!Var || !T.Owner || T.escapes() ||
      isa<CoroutineBodyStmt>(T.Owner->getBody()))
    return std::nullopt;
  llvm::SmallPtrSet<const Stmt *, 8> Releases;
  for (const ThreadUse &U : T.Uses)
    if (U.Kind == ThreadUseKind::Join || U.Kind == ThreadUseKind::Detach ||
        U.Kind == ThreadUseKind::MoveOut)
      Releases.insert(U.E);
  PathSearchOptions Options;
  Options.UntilScopeEndOf = Var;
  auto Settles = [&](const Expr *Cond, bool Taken) {
    return provesNotJoinable(Cond, Taken, Var, T.Class);
  };
  Options.SettlesBranch = Settles;
  // Falling off the end of the scope past a conditional join is not
  // reported: the condition is often tied to the spawn (`if (async) t =
  // std::thread(...); ... if (async) t.join();`), which the search cannot
  // see. A jump out of the scope, or a thread never released, is.
  bool Released = T.released();
  auto Accepts = [&](const Stmt *Exit) {
    if (Ignore && Ignore(Exit))
      return false;
    return !Released || !isa<CompoundStmt>(Exit);
  };
  Options.AcceptsExit = Accepts;
  Options.ThrowLeavesScope = true;
  for (const ThreadUse &U : T.Uses) {
    if (U.Kind != ThreadUseKind::Spawn)
      continue;
    std::optional<ExitPath> P = findPathWithoutCredit(
        T.Owner, U.E, 1,
        [&](const Stmt *S) { return Releases.count(S) ? 1u : 0u; }, Ctx,
        Options);
    if (P && P->Exit)
      return JoinableExit{&U, P->Exit};
  }
  return std::nullopt;
}

/// A member of \p RD read through 'this' (`running_`, `running_.load()`).
static const FieldDecl *memberFlag(const Expr *E, const CXXRecordDecl &RD) {
  E = ignoreWrappers(E, FunctionalCasts);
  if (const auto *MC = dyn_cast<CXXMemberCallExpr>(E))
    if (MC->getMethodDecl() && MC->getMethodDecl()->isConst() &&
        MC->getNumArgs() <= 1)
      E = ignoreWrappers(MC->getImplicitObjectArgument(), FunctionalCasts);
  const auto *ME = dyn_cast<MemberExpr>(E);
  const auto *F = ME ? dyn_cast<FieldDecl>(ME->getMemberDecl()) : nullptr;
  if (!F || F->getParent() != &RD ||
      !isa<CXXThisExpr>(ME->getBase()->IgnoreParenImpCasts()))
    return nullptr;
  return F;
}

/// Whether \p Cond is made of member flags only (collected in \p Flags),
/// possibly negated, compared with constants, combined with && and ||, or a
/// joinable() query of the thread.
static bool onlyFlags(const Expr *Cond, const CXXRecordDecl &RD,
                      const ThreadObject &T, const FieldDecl *Thread,
                      llvm::SmallPtrSetImpl<const FieldDecl *> &Flags,
                      unsigned Depth = 0) {
  if (!Cond || Depth > 8)
    return false;
  Cond = ignoreWrappers(Cond, FunctionalCasts);
  if (isa<IntegerLiteral, CXXBoolLiteralExpr>(Cond))
    return true;
  if (const auto *U = dyn_cast<UnaryOperator>(Cond))
    return U->getOpcode() == UO_LNot &&
           onlyFlags(U->getSubExpr(), RD, T, Thread, Flags, Depth + 1);
  if (const auto *B = dyn_cast<BinaryOperator>(Cond))
    return (B->isLogicalOp() || B->isEqualityOp()) &&
           onlyFlags(B->getLHS(), RD, T, Thread, Flags, Depth + 1) &&
           onlyFlags(B->getRHS(), RD, T, Thread, Flags, Depth + 1);
  if (provesNotJoinable(Cond, false, Thread, T.Class))
    return true;
  const FieldDecl *F = memberFlag(Cond, RD);
  if (!F || F == Thread)
    return false;
  Flags.insert(F);
  return true;
}

/// \p Fn assigns member \p F (`f_ = ...`, `f_.store(...)`, `f_ op= ...`, a
/// constructor's initializer).
static bool assignsMember(const FunctionDecl *Fn, const FieldDecl *F) {
  const FunctionDecl *Def = nullptr;
  if (!Fn || !Fn->hasBody(Def) || !Def)
    return false;
  if (const auto *Ctor = dyn_cast<CXXConstructorDecl>(Def))
    for (const CXXCtorInitializer *Init : Ctor->inits())
      if (Init->isWritten() && Init->getMember() == F)
        return true;
  auto Names = [&](const Expr *E) {
    const auto *ME =
        dyn_cast_or_null<MemberExpr>(E ? E->IgnoreParenImpCasts() : nullptr);
    return ME && ME->getMemberDecl() == F;
  };
  return anyStmt(Def->getBody(), [&](const Stmt *S) {
    if (const auto *B = dyn_cast<BinaryOperator>(S))
      return B->isAssignmentOp() && Names(B->getLHS());
    if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(S))
      return Op->isAssignmentOp() && Op->getNumArgs() == 2 &&
             Names(Op->getArg(0));
    const auto *MC = dyn_cast<CXXMemberCallExpr>(S);
    return MC && MC->getMethodDecl() && !MC->getMethodDecl()->isConst() &&
           Names(MC->getImplicitObjectArgument());
  });
}

/// Every branch of the destructor \p Dtor (`if`, `?:`) tests only member
/// flags that a function starting the thread also sets (`running_ = true;
/// t_ = std::thread(...)`), or the thread's joinable(); no loop or switch:
/// `if (running_) { running_ = false; t_.join(); }` joins whenever the
/// thread was started, as far as the class says.
static bool branchesOnlyOnSpawnFlags(const FunctionDecl *Dtor,
                                     const CXXRecordDecl &RD,
                                     const ThreadObject &T,
                                     const FieldDecl *Thread, ASTContext &Ctx) {
  llvm::SmallPtrSet<const FieldDecl *, 4> Flags;
  bool Branches = false;
  const bool Other = anyStmt(
      Dtor->getBody(),
      [&](const Stmt *S) {
        const Expr *Cond = nullptr;
        if (const auto *If = dyn_cast<IfStmt>(S))
          Cond = If->getCond();
        else if (const auto *CO = dyn_cast<ConditionalOperator>(S))
          Cond = CO->getCond();
        else if (isLoop(S) || isa<SwitchStmt, BinaryConditionalOperator>(S))
          return true;
        if (!Cond)
          return false;
        Branches = true;
        return !onlyFlags(Cond, RD, T, Thread, Flags);
      },
      LambdaBodies::Skip);
  if (Other || !Branches || Flags.empty())
    return false;
  llvm::SmallPtrSet<const FunctionDecl *, 4> Starters;
  for (const ThreadUse &U : T.Uses)
    if (U.Kind == ThreadUseKind::Spawn)
      if (const FunctionDecl *Fn = enclosingFunction(U.E, Ctx))
        Starters.insert(Fn);
  for (const FieldDecl *F : Flags)
    if (llvm::none_of(Starters, [&](const FunctionDecl *Fn) {
          return assignsMember(Fn, F);
        }))
      return false;
  return true;
}

std::optional<UnjoinedMember> findUnjoinedMember(const ThreadObject &T,
                                                 ASTContext &Ctx) {
  const auto *Field = dyn_cast_or_null<FieldDecl>(T.Decl);
  if (!Field || T.escapes() || !T.released())
    return std::nullopt;
  const auto *RD = dyn_cast<CXXRecordDecl>(Field->getParent());
  // A base class may leave the join to a derived class's destructor.
  if (!RD || (RD->isPolymorphic() && !RD->hasAttr<FinalAttr>()))
    return std::nullopt;
  const ThreadUse *Spawn = nullptr;
  llvm::SmallVector<const ThreadUse *, 4> Joins;
  for (const ThreadUse &U : T.Uses) {
    if (U.Kind == ThreadUseKind::Detach || U.Kind == ThreadUseKind::MoveOut)
      return std::nullopt; // released another way
    if (U.Kind == ThreadUseKind::Spawn && !Spawn)
      Spawn = &U;
    if (U.Kind == ThreadUseKind::Join)
      Joins.push_back(&U);
  }
  if (!Spawn || Joins.empty())
    return std::nullopt;
  // The member functions that join it, directly or through calls on 'this'
  // of other member functions (three levels).
  llvm::SmallPtrSet<const FunctionDecl *, 8> Joining;
  for (const ThreadUse *U : Joins)
    if (const FunctionDecl *Fn = enclosingFunction(U->E, Ctx))
      Joining.insert(Fn->getCanonicalDecl());
  auto CallsJoining = [&](const Stmt *S) {
    const auto *Call = dyn_cast_or_null<CXXMemberCallExpr>(S);
    if (!Call || !Call->getMethodDecl() ||
        !isa<CXXThisExpr>(
            Call->getImplicitObjectArgument()->IgnoreParenImpCasts()))
      return false;
    return Joining.contains(Call->getMethodDecl()->getCanonicalDecl());
  };
  for (int Round = 0; Round < 3; ++Round)
    for (const CXXMethodDecl *M : RD->methods()) {
      const FunctionDecl *Def = nullptr;
      if (Joining.contains(M->getCanonicalDecl()) || !M->hasBody(Def))
        continue;
      if (anyStmt(Def->getBody(), CallsJoining))
        Joining.insert(M->getCanonicalDecl());
    }
  UnjoinedMember Out;
  Out.Spawn = Spawn;
  const CXXDestructorDecl *Dtor = RD->getDestructor();
  const FunctionDecl *DtorDef = nullptr;
  if (Dtor && Dtor->isUserProvided() && Dtor->hasBody(DtorDef) && DtorDef &&
      DtorDef->getBody()) {
    Out.Destructor = cast<CXXDestructorDecl>(DtorDef);
    llvm::SmallPtrSet<const Stmt *, 4> JoinCalls;
    for (const ThreadUse *U : Joins)
      JoinCalls.insert(U->E);
    auto Credit = [&](const Stmt *S) {
      return JoinCalls.count(S) || CallsJoining(S) ? 1u : 0u;
    };
    PathSearchOptions Options;
    auto Settles = [&](const Expr *Cond, bool Taken) {
      return provesNotJoinable(Cond, Taken, Field, T.Class);
    };
    Options.SettlesBranch = Settles;
    if (!findPathWithoutCredit(DtorDef, nullptr, 1, Credit, Ctx, Options))
      return std::nullopt; // joined on every path of the destructor
    if (branchesOnlyOnSpawnFlags(DtorDef, *RD, T, Field, Ctx))
      return std::nullopt; // `if (running_)` with running_ set at the start
    // The join or joining call in the destructor that some path skips.
    // (The last one in source order that no other contains.)
    walkStmts(DtorDef->getBody(), [&](const Stmt *S) {
      if (!Credit(S))
        return WalkStep::Continue;
      Out.Join = S;
      return WalkStep::SkipChildren;
    });
    if (Out.Join) {
      Out.JoinFunction = DtorDef;
      return Out;
    }
  }
  Out.Join = Joins.front()->E;
  Out.JoinFunction = enclosingFunction(Joins.front()->E, Ctx);
  return Out;
}

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
    UseFinder(D, Lib, Ctx, T).TraverseStmt(Fn->getBody());
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
    DynTypedNodeList Parents = getParents(Ctx, Node);
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
