//===--- ThreadJoins.cpp - thread objects that may stay joinable ----------===//
//
// The joins of lib/ThreadLifetime.h: a path that takes a local thread out
// of its scope while it may be joinable (findJoinableExit), and a member
// thread that its class joins but not on every path of its destructor
// (findUnjoinedMember), with the destructor shapes that tie a join to the
// spawn by a member flag.
//
//===----------------------------------------------------------------------===//
#include "lib/AstNav.h"
#include "lib/CfgPaths.h"
#include "lib/Expressions.h"
#include "lib/Parents.h"
#include "lib/ThreadLifetime.h"
#include "lib/ThreadUses.h"

#include "clang/AST/Attr.h"
#include "clang/AST/ParentMapContext.h"
#include "clang/AST/StmtCXX.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/SmallPtrSet.h"

using namespace clang;

namespace taskleak {

using namespace threadlife;

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

using JoiningSet = llvm::SmallPtrSet<const FunctionDecl *, 8>;

/// A call on 'this' of a member function in \p Joining.
static bool callsJoining(const Stmt *S, const JoiningSet &Joining) {
  const auto *Call = dyn_cast_or_null<CXXMemberCallExpr>(S);
  if (!Call || !Call->getMethodDecl() ||
      !isa<CXXThisExpr>(
          Call->getImplicitObjectArgument()->IgnoreParenImpCasts()))
    return false;
  return Joining.contains(Call->getMethodDecl()->getCanonicalDecl());
}

/// The member functions of \p RD that join the thread (\p Joins), directly
/// or through calls on 'this' of other member functions (three levels).
static JoiningSet joiningMembers(const CXXRecordDecl &RD,
                                 llvm::ArrayRef<const ThreadUse *> Joins,
                                 ASTContext &Ctx) {
  JoiningSet Joining;
  for (const ThreadUse *U : Joins)
    if (const FunctionDecl *Fn = enclosingFunction(U->E, Ctx))
      Joining.insert(Fn->getCanonicalDecl());
  for (int Round = 0; Round < 3; ++Round)
    for (const CXXMethodDecl *M : RD.methods()) {
      const FunctionDecl *Def = nullptr;
      if (Joining.contains(M->getCanonicalDecl()) || !M->hasBody(Def))
        continue;
      if (anyStmt(Def->getBody(),
                  [&](const Stmt *S) { return callsJoining(S, Joining); }))
        Joining.insert(M->getCanonicalDecl());
    }
  return Joining;
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
  const JoiningSet Joining = joiningMembers(*RD, Joins, Ctx);
  auto CallsJoining = [&](const Stmt *S) { return callsJoining(S, Joining); };
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

} // namespace taskleak
