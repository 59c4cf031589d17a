//===--- StopPath.cpp - the code that asks a task to stop
//------------------===//
#include "lib/StopPath.h"
#include "lib/AstNav.h"
#include "lib/Expressions.h"
#include "lib/StopAwareness.h"
#include "lib/TaskBody.h"

#include "clang/AST/DeclCXX.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Basic/SourceManager.h"

using namespace clang;

namespace taskleak {

/// A field, or a variable with static storage: state that outlives a call.
static const ValueDecl *longLived(const Expr *E) {
  E = ignoreWrappers(E);
  if (const auto *ME = dyn_cast_or_null<MemberExpr>(E))
    return dyn_cast<FieldDecl>(ME->getMemberDecl());
  if (const auto *DRE = dyn_cast_or_null<DeclRefExpr>(E))
    if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl()))
      return VD->hasGlobalStorage() ? VD : nullptr;
  return nullptr;
}

const ValueDecl *writtenEntity(const Expr *E) {
  if (const auto *BO = dyn_cast<BinaryOperator>(E))
    return BO->isAssignmentOp() ? longLived(BO->getLHS()) : nullptr;
  if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(E))
    return Op->isAssignmentOp() && Op->getNumArgs() >= 1
               ? longLived(Op->getArg(0))
               : nullptr;
  if (const auto *MC = dyn_cast<CXXMemberCallExpr>(E)) {
    const CXXMethodDecl *MD = MC->getMethodDecl();
    if (!MD || MD->isConst() || !MC->getImplicitObjectArgument())
      return nullptr;
    return longLived(MC->getImplicitObjectArgument());
  }
  return nullptr;
}

namespace {
class WriteCollector : public RecursiveASTVisitor<WriteCollector> {
public:
  WriteCollector(const SourceManager &SM,
                 llvm::function_ref<void(const FunctionDecl *, const Stmt *)> F)
      : SM(SM), F(F) {}
  bool shouldVisitTemplateInstantiations() const { return true; }
  bool TraverseDecl(Decl *D) {
    if (D && !isa<TranslationUnitDecl>(D) && D->getLocation().isValid() &&
        SM.isInSystemHeader(D->getLocation()))
      return true;
    return RecursiveASTVisitor::TraverseDecl(D);
  }
  bool VisitFunctionDecl(FunctionDecl *FD) {
    if (FD->doesThisDeclarationHaveABody())
      F(FD, FD->getBody());
    return true;
  }
  bool VisitLambdaExpr(LambdaExpr *L) {
    F(L->getCallOperator(), L->getBody());
    return true;
  }

private:
  const SourceManager &SM;
  llvm::function_ref<void(const FunctionDecl *, const Stmt *)> F;
};
} // namespace

void StopPath::collect() {
  if (Collected)
    return;
  Collected = true;
  WriteCollector(Ctx.getSourceManager(), [&](const FunctionDecl *FD,
                                             const Stmt *Body) {
    // A constructor starts the task; it does not stop it.
    if (isa<CXXConstructorDecl>(FD))
      return;
    forEachStmt(
        Body,
        [&](const Stmt *S) {
          const auto *E = dyn_cast<Expr>(S);
          const ValueDecl *W = E ? writtenEntity(E) : nullptr;
          if (!W)
            return;
          Writers &Ws = WritesOf[W->getCanonicalDecl()];
          if (!Ws.FirstWrite)
            Ws.FirstWrite = E;
          if (!llvm::is_contained(Ws.Functions, FD))
            Ws.Functions.push_back(FD);
        },
        LambdaBodies::Skip);
  }).TraverseDecl(Ctx.getTranslationUnitDecl());
}

std::optional<FlagStopPath> StopPath::ofTask(const FunctionDecl *FD) {
  TaskCallable Task;
  Task.Function = FD;
  std::optional<LongRunningLoop> L = TA.longRunningLoop(Task);
  if (!L || !L->StopTest || L->Function != FD)
    return std::nullopt;
  collect();
  std::optional<FlagStopPath> Out;
  forEachStmt(
      L->StopTest,
      [&](const Stmt *S) {
        const auto *E = dyn_cast<Expr>(S);
        const ValueDecl *V = E ? longLived(E) : nullptr;
        if (Out || !V)
          return;
        auto It = WritesOf.find(V->getCanonicalDecl());
        if (It == WritesOf.end())
          return;
        // The stop path is code other than the task itself.
        for (const FunctionDecl *W : It->second.Functions)
          if (W->getCanonicalDecl() != FD->getCanonicalDecl()) {
            const Expr *Write = nullptr;
            forEachStmt(
                userBody(W),
                [&](const Stmt *X) {
                  const auto *XE = dyn_cast<Expr>(X);
                  if (!Write && XE && writtenEntity(XE) &&
                      writtenEntity(XE)->getCanonicalDecl() ==
                          V->getCanonicalDecl())
                    Write = XE;
                },
                LambdaBodies::Skip);
            if (Write) {
              Out = FlagStopPath{V, L->Loop, Write};
              return;
            }
          }
      },
      LambdaBodies::Skip);
  return Out;
}

static const CXXRecordDecl *recordOfType(QualType T) {
  T = T.getNonReferenceType();
  if (T->isPointerType())
    T = T->getPointeeType();
  return T->getAsCXXRecordDecl();
}

void StopPath::addWakers(const Stmt *S, unsigned Depth,
                         llvm::DenseSet<const Decl *> &Woken,
                         llvm::DenseSet<const FunctionDecl *> &Seen) {
  const Library &Lib = TA.library();
  forEachStmt(
      S,
      [&](const Stmt *X) {
        if (const auto *MC = dyn_cast<CXXMemberCallExpr>(X))
          if (Lib.wakesWaiters(MC)) {
            if (const ValueDecl *K =
                    StopAwareness::objectKey(MC->getImplicitObjectArgument()))
              Woken.insert(K->getCanonicalDecl());
            if (const CXXRecordDecl *RD = recordOfType(
                    ignoreWrappers(MC->getImplicitObjectArgument())->getType()))
              Woken.insert(RD->getCanonicalDecl());
          }
        if (const auto *Call = dyn_cast<CallExpr>(X)) {
          const FunctionDecl *Callee = Call->getDirectCallee();
          if (Depth < TA.callDepth() && TA.isAnalysable(Callee) &&
              Seen.insert(Callee->getCanonicalDecl()).second)
            addWakers(userBody(Callee), Depth + 1, Woken, Seen);
        }
      },
      LambdaBodies::Skip);
}

bool StopPath::wakes(const ValueDecl *Flag, const Expr *Object) {
  collect();
  const Decl *Key = Flag->getCanonicalDecl();
  auto It = WokenBy.find(Key);
  if (It == WokenBy.end()) {
    llvm::DenseSet<const Decl *> Woken;
    llvm::DenseSet<const FunctionDecl *> Seen;
    auto W = WritesOf.find(Key);
    if (W != WritesOf.end())
      for (const FunctionDecl *FD : W->second.Functions)
        addWakers(userBody(FD), 0, Woken, Seen);
    It = WokenBy.try_emplace(Key, std::move(Woken)).first;
  }
  const ValueDecl *K = StopAwareness::objectKey(Object);
  if (K && It->second.count(K->getCanonicalDecl()))
    return true;
  const bool Indirect = !K || K->getType()->isReferenceType() ||
                        K->getType()->isPointerType() ||
                        TA.library().isAliasingHandleType(K->getType());
  const CXXRecordDecl *RD = recordOfType(ignoreWrappers(Object)->getType());
  return Indirect && RD && It->second.count(RD->getCanonicalDecl());
}

} // namespace taskleak
