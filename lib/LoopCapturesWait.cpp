//===--- LoopCapturesWait.cpp - is the task waited for in the iteration? --===//
//
// waitedWithin (lib/LoopCaptures.h): what holds the task started by a spawn
// (a variable, a container it was emplaced or moved into), what it shares
// with the spawner, and whether something after the spawn joins or waits on
// either before the region ends, or destroys a holder that blocks.
//
//===----------------------------------------------------------------------===//
#include "lib/AstNav.h"
#include "lib/LoopCaptures.h"
#include "lib/VariableUses.h"

#include "clang/AST/ExprCXX.h"
#include "clang/AST/StmtCXX.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/SmallPtrSet.h"

#include <functional>

using namespace clang;

namespace taskleak {

namespace {

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
bool isWaitName(StringRef Name, const Expr *Object, const Library &Lib) {
  std::string L = Name.lower();
  StringRef N(L);
  if (N.starts_with("join") || N.contains("wait") || N.starts_with("acquire") ||
      Lib.isJoinFunctionName(N) || N == "join_all" || N == "timed_join" ||
      N.starts_with("try_join"))
    return true;
  return Object && (N == "get" || N == "result") &&
         typeNameContains(Object->getType(), "future");
}

/// Destroying an object of this type waits for the task: a std::jthread, a
/// future of std::async, or something holding them (a container, a smart
/// pointer, an optional).
bool hasBlockingDestructor(QualType T, bool AsyncFuture, const Library &Lib,
                           int Depth = 0) {
  if (T->isReferenceType() || T->isPointerType() || Depth > 3)
    return false;
  const CXXRecordDecl *RD = T->getAsCXXRecordDecl();
  if (!RD)
    return false;
  if (Lib.hasBlockingDestructor(RD, AsyncFuture))
    return true;
  if (const auto *Spec = dyn_cast<ClassTemplateSpecializationDecl>(RD))
    for (const TemplateArgument &A : Spec->getTemplateArgs().asArray())
      if (A.getKind() == TemplateArgument::Type &&
          hasBlockingDestructor(A.getAsType(), AsyncFuture, Lib, Depth + 1))
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
FateResult fateOf(const Expr *E, const Library &Lib, ASTContext &Ctx) {
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
      if (M && M->getIdentifier() && isWaitName(M->getName(), Cur, Lib))
        return {Fate::Waited, nullptr};
      return {};
    }
    if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(PE)) {
      if (Op->getOperator() == OO_Equal && Op->getNumArgs() == 2 &&
          Op->getArg(1) == Cur)
        return {Fate::Held, baseDecl(Op->getArg(0), Lib)};
      return {};
    }
    if (const auto *BO = dyn_cast<BinaryOperator>(PE)) {
      if (BO->getOpcode() == BO_Assign && BO->getRHS() == Cur)
        return {Fate::Held, baseDecl(BO->getLHS(), Lib)};
      return {};
    }
    if (const auto *MC = dyn_cast<CXXMemberCallExpr>(PE)) {
      const CXXMethodDecl *M = MC->getMethodDecl();
      if (M && M->getIdentifier() && isInsertion(M->getName()))
        return {Fate::Held, baseDecl(MC->getImplicitObjectArgument(), Lib)};
      return {};
    }
    if (const auto *Call = dyn_cast<CallExpr>(PE)) {
      const FunctionDecl *FD = Call->getDirectCallee();
      if (FD && (Call->isCallToStdMove() || Lib.isMoveFunction(FD))) {
        Cur = PE;
        continue;
      }
      return {};
    }
    return {};
  }
  return {};
}

/// Every local variable the task names: captured, referenced in the lambda
/// body, or bound as an argument.
void collectShared(const SpawnSite &S, llvm::SmallPtrSetImpl<const ValueDecl *> &Out) {
  const Library &Lib = *S.Lib;
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
      if (const ValueDecl *D = baseDecl(Init, Lib))
        Out.insert(D);
    Walk(L->getBody());
  }
  for (const Expr *Arg : S.Task.BoundArgs)
    if (const ValueDecl *D = baseDecl(Arg, Lib))
      Out.insert(D);
}

class WaitSearch {
public:
  WaitSearch(const SpawnSite &S, const Stmt *Region, const ValueDecl *Var,
             ASTContext &Ctx)
      : S(S), Lib(*S.Lib), Region(Region), Var(Var), Ctx(Ctx) {}

  bool run() {
    bool Async = S.Model->Kind == SpawnKind::Async;
    bool Emplaced = false;
    if (const auto *MC = dyn_cast<CXXMemberCallExpr>(S.Call)) {
      // threads.emplace_back(...), pool.submit(...) (a YAML member spawn).
      if (const ValueDecl *D = baseDecl(MC->getImplicitObjectArgument(), Lib))
        addOwner(D);
      const CXXMethodDecl *M = MC->getMethodDecl();
      Emplaced =
          M && M->getIdentifier() && Lib.isSpawnFactoryMember(M->getName());
    }
    if (S.Model->Kind == SpawnKind::Pthread)
      if (const auto *Call = dyn_cast<CallExpr>(S.Call);
          Call && Call->getNumArgs() >= 1)
        if (const ValueDecl *D = baseDecl(Call->getArg(0), Lib))
          Holders.insert(D);
    FateResult F = fateOf(S.Call, Lib, Ctx);
    if (F.F == Fate::Waited)
      return true;
    if (F.F == Fate::Temporary && !Emplaced && S.Call->isPRValue() &&
        hasBlockingDestructor(S.Call->getType(), Async, Lib))
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
          if (const ValueDecl *B = baseDecl(VD->getInit(), Lib);
              B && Shared.count(B))
            Shared.insert(VD);
    if (isa<LambdaExpr>(St))
      return;
    for (const Stmt *Child : St->children())
      addAliases(Child);
  }

  bool isTracked(const Expr *E) const {
    const ValueDecl *D = baseDecl(E, Lib);
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
    if (isWaitName(FD->getName(), Object, Lib)) {
      if (Object && isTracked(Object))
        return true;
      for (const Expr *Arg : Call->arguments())
        if (isTracked(Arg))
          return true;
      return false;
    }
    // std::for_each(threads.begin(), threads.end(), std::mem_fn(&std::thread::join))
    if (Lib.isForEachAlgorithm(FD) && Call->getNumArgs() >= 2) {
      const ValueDecl *D = baseDecl(Call->getArg(0), Lib);
      return D && Holders.count(D) &&
             mentionsWait(Call->getArg(Call->getNumArgs() - 1));
    }
    return false;
  }

  bool mentionsWait(const Stmt *St) const {
    if (!St)
      return false;
    if (const auto *DRE = dyn_cast<DeclRefExpr>(St))
      if (const auto *M = dyn_cast<CXXMethodDecl>(DRE->getDecl());
          M && M->getIdentifier() && isWaitName(M->getName(), nullptr, Lib))
        return true;
    if (const auto *Call = dyn_cast<CallExpr>(St))
      if (const FunctionDecl *FD = Call->getDirectCallee();
          FD && FD->getIdentifier() &&
          isWaitName(
              FD->getName(),
              isa<CXXMemberCallExpr>(Call)
                  ? cast<CXXMemberCallExpr>(Call)->getImplicitObjectArgument()
                  : nullptr,
              Lib))
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
        if (const ValueDecl *D = baseDecl(E, Lib);
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
      if (const ValueDecl *D = baseDecl(R->getRangeInit(), Lib);
          D && Holders.count(D))
        Holders.insert(R->getLoopVariable());
    if (const auto *Call = dyn_cast<CallExpr>(St)) {
      if (waitsHere(Call))
        return true;
      if ((Call->isCallToStdMove() ||
           Lib.isMoveFunction(Call->getDirectCallee())) &&
          Call->getNumArgs() == 1) {
        const ValueDecl *D = baseDecl(Call->getArg(0), Lib);
        if (D && std::find(Owners.begin(), Owners.end(), D) != Owners.end()) {
          MovedFrom.insert(D);
          FateResult F = fateOf(Call, Lib, Ctx);
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
          !hasBlockingDestructor(VD->getType(), Async, Lib))
        return false;
      DynTypedNode P = parentOf(*VD, Ctx);
      const auto *DS = P.get<DeclStmt>();
      if (!DS || !isInside(DS, Region, Ctx))
        return false;
      if (Var && !Ctx.getSourceManager().isBeforeInTranslationUnit(
                     Var->getLocation(), VD->getLocation()))
        return false;
      Any = true;
    }
    return Any;
  }

  const SpawnSite &S;
  const Library &Lib;
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

} // namespace

bool waitedWithin(const SpawnSite &S, const Stmt *Region, const ValueDecl *Var,
                  ASTContext &Ctx) {
  if (!Region || !S.Model || !S.Lib)
    return false;
  return WaitSearch(S, Region, Var, Ctx).run();
}

} // namespace taskleak
