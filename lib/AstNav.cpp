//===--- AstNav.cpp - walking the AST: loops, ways out, ancestors ---------===//
#include "lib/AstNav.h"
#include "lib/Parents.h"

#include "clang/AST/StmtCXX.h"
#include "llvm/ADT/SmallPtrSet.h"

#include <algorithm>

using namespace clang;

namespace taskleak {

bool walkStmts(const Stmt *S, llvm::function_ref<WalkStep(const Stmt *)> F,
               LambdaBodies Lambdas) {
  llvm::SmallVector<const Stmt *, 32> Work;
  if (S)
    Work.push_back(S);
  while (!Work.empty()) {
    const Stmt *X = Work.pop_back_val();
    const WalkStep Step = F(X);
    if (Step == WalkStep::Stop)
      return true;
    if (Step == WalkStep::SkipChildren ||
        (Lambdas == LambdaBodies::Skip && isa<LambdaExpr>(X)))
      continue;
    // Pushed in reverse, so that they are visited in source order.
    const size_t First = Work.size();
    for (const Stmt *Child : X->children())
      if (Child)
        Work.push_back(Child);
    std::reverse(Work.begin() + First, Work.end());
  }
  return false;
}

bool anyStmt(const Stmt *S, llvm::function_ref<bool(const Stmt *)> P,
             LambdaBodies Lambdas) {
  return walkStmts(
      S,
      [&](const Stmt *X) { return P(X) ? WalkStep::Stop : WalkStep::Continue; },
      Lambdas);
}

void forEachStmt(const Stmt *S, llvm::function_ref<void(const Stmt *)> F,
                 LambdaBodies Lambdas) {
  walkStmts(
      S,
      [&](const Stmt *X) {
        F(X);
        return WalkStep::Continue;
      },
      Lambdas);
}

bool isLoop(const Stmt *S) {
  return isa_and_nonnull<WhileStmt, ForStmt, DoStmt, CXXForRangeStmt>(S);
}

bool foldsTo(const Expr *C, bool Value, const ASTContext &Ctx) {
  if (!C || C->isValueDependent() || C->isTypeDependent())
    return false;
  bool Result = false;
  return C->EvaluateAsBooleanCondition(Result, Ctx) && Result == Value;
}

/// Whether \p S reads a variable, a member or `this`.
static bool readsState(const Stmt *S) {
  if (!S)
    return false;
  if (isa<DeclRefExpr>(S) &&
      !isa<FunctionDecl, EnumConstantDecl>(cast<DeclRefExpr>(S)->getDecl()))
    return true;
  if (isa<MemberExpr, CXXThisExpr>(S))
    return true;
  for (const Stmt *Child : S->children())
    if (readsState(Child))
      return true;
  return false;
}

bool isRepeatingLoop(const Stmt *S, const ASTContext &Ctx) {
  if (const auto *D = dyn_cast_or_null<DoStmt>(S)) {
    // `do { ... } while (0)` and the spellings macros use to avoid a
    // warning on a constant condition (Boost.Test's `while
    // (::boost::test_tools::tt_detail::dummy_cond())`): a do loop written
    // by a macro whose condition reads no variable runs once.
    if (D->getDoLoc().isMacroID() && D->getRParenLoc().isMacroID() &&
        !readsState(D->getCond()))
      return false;
    return !foldsTo(D->getCond(), false, Ctx);
  }
  return isLoop(S);
}

bool isOpenEndedLoop(const Stmt *S, const ASTContext &Ctx) {
  if (isa_and_nonnull<WhileStmt, DoStmt>(S))
    return isRepeatingLoop(S, Ctx);
  if (const auto *F = dyn_cast_or_null<ForStmt>(S))
    return !F->getCond() || !F->getInc();
  return false;
}

const Stmt *loopBody(const Stmt *Loop) {
  if (const auto *F = dyn_cast_or_null<ForStmt>(Loop))
    return F->getBody();
  if (const auto *R = dyn_cast_or_null<CXXForRangeStmt>(Loop))
    return R->getBody();
  if (const auto *W = dyn_cast_or_null<WhileStmt>(Loop))
    return W->getBody();
  if (const auto *D = dyn_cast_or_null<DoStmt>(Loop))
    return D->getBody();
  return nullptr;
}

const Expr *loopCondition(const Stmt *Loop) {
  if (const auto *W = dyn_cast_or_null<WhileStmt>(Loop))
    return W->getConditionVariable() ? nullptr : W->getCond();
  if (const auto *D = dyn_cast_or_null<DoStmt>(Loop))
    return D->getCond();
  if (const auto *F = dyn_cast_or_null<ForStmt>(Loop))
    return F->getConditionVariable() ? nullptr : F->getCond();
  return nullptr;
}

bool hasConstantTrueCondition(const Stmt *Loop, const ASTContext &Ctx) {
  if (const auto *F = dyn_cast_or_null<ForStmt>(Loop);
      F && !F->getConditionVariable() && !F->getCond())
    return true; // for (;;)
  if (!isa_and_nonnull<WhileStmt, DoStmt, ForStmt>(Loop))
    return false; // a range-for ends with its range
  return foldsTo(loopCondition(Loop), true, Ctx);
}

bool isNoReturnCall(const CallExpr *Call) {
  if (const FunctionDecl *FD = Call->getDirectCallee())
    if (FD->isNoReturn())
      return true;
  QualType T = Call->getCallee()->getType();
  if (const auto *PT = T->getAs<PointerType>())
    T = PT->getPointeeType();
  if (const auto *FT = T->getAs<FunctionType>())
    return FT->getNoReturnAttr();
  return false;
}

namespace {

/// Walks one loop for its ways out.
class WayOutWalker {
public:
  using Callback = llvm::function_ref<bool(const Stmt *, ArrayRef<BranchStep>)>;
  WayOutWalker(Callback F, EndsProcessFn EndsProcess)
      : F(F), EndsProcess(EndsProcess) {}

  bool run(const Stmt *Loop) {
    collectLabels(Loop);
    for (const Stmt *Child : Loop->children())
      if (visit(Child, /*BreakLeaves=*/true))
        return true;
    return false;
  }

private:
  void collectLabels(const Stmt *S) {
    if (!S || isa<LambdaExpr>(S))
      return;
    if (const auto *L = dyn_cast<LabelStmt>(S))
      Labels.insert(L->getDecl());
    for (const Stmt *Child : S->children())
      collectLabels(Child);
  }

  bool visit(const Stmt *S, bool BreakLeaves) {
    if (!S)
      return false;
    if (isa<BreakStmt>(S))
      return BreakLeaves && F(S, Branches);
    if (isa<ReturnStmt, CoreturnStmt, CXXThrowExpr, IndirectGotoStmt>(S))
      return F(S, Branches);
    if (const auto *G = dyn_cast<GotoStmt>(S))
      return !Labels.count(G->getLabel()) && F(S, Branches);
    if (const auto *Call = dyn_cast<CallExpr>(S))
      if (isNoReturnCall(Call) && !(EndsProcess && EndsProcess(Call)) &&
          F(S, Branches))
        return true;
    if (const auto *Lambda = dyn_cast<LambdaExpr>(S)) {
      // A return in a nested lambda leaves the lambda, not the loop.
      for (const Expr *Init : Lambda->capture_inits())
        if (visit(Init, BreakLeaves))
          return true;
      return false;
    }
    if (const auto *Suspend = dyn_cast<CoroutineSuspendExpr>(S))
      return visit(Suspend->getOperand(), BreakLeaves);
    const auto *If = dyn_cast<IfStmt>(S);
    // A break inside a nested loop or switch leaves that one.
    bool Inner = BreakLeaves && !isLoop(S) && !isa<SwitchStmt>(S);
    for (const Stmt *Child : S->children()) {
      bool Branch = If && Child && (Child == If->getThen() ||
                                    Child == If->getElse());
      if (Branch)
        Branches.push_back({If, Child == If->getThen()});
      bool Found = visit(Child, Inner);
      if (Branch)
        Branches.pop_back();
      if (Found)
        return true;
    }
    return false;
  }

  Callback F;
  EndsProcessFn EndsProcess;
  llvm::SmallPtrSet<const LabelDecl *, 4> Labels;
  llvm::SmallVector<BranchStep, 4> Branches;
};

} // namespace

bool forEachWayOut(
    const Stmt *Loop,
    llvm::function_ref<bool(const Stmt *, ArrayRef<BranchStep>)> F,
    EndsProcessFn EndsProcess) {
  return Loop && WayOutWalker(F, EndsProcess).run(Loop);
}

bool hasWayOut(const Stmt *Loop, EndsProcessFn EndsProcess) {
  return forEachWayOut(
      Loop, [](const Stmt *, ArrayRef<BranchStep>) { return true; },
      EndsProcess);
}

DynTypedNode parentOf(const DynTypedNode &N, ASTContext &Ctx) {
  DynTypedNodeList Ps = getParents(Ctx, N);
  return Ps.empty() ? DynTypedNode() : Ps[0];
}

bool isFunctionBoundary(const DynTypedNode &N) {
  return N.get<LambdaExpr>() || N.get<FunctionDecl>() || N.get<BlockDecl>() ||
         N.get<BlockExpr>() || N.get<CapturedStmt>();
}

const FunctionDecl *enclosingFunction(const Stmt *S, ASTContext &Ctx,
                                      llvm::SmallVectorImpl<const Stmt *> *Chain) {
  DynTypedNode Node = DynTypedNode::create(*S);
  for (int Guard = 0; Guard < 256; ++Guard) {
    DynTypedNodeList Parents = getParents(Ctx, Node);
    if (Parents.empty())
      return nullptr;
    Node = Parents[0];
    if (const auto *FD = Node.get<FunctionDecl>())
      return FD;
    if (const auto *L = Node.get<LambdaExpr>())
      return L->getCallOperator();
    if (Chain)
      if (const auto *St = Node.get<Stmt>())
        Chain->push_back(St);
  }
  return nullptr;
}

bool isInside(const Stmt *Inner, const Stmt *Outer, ASTContext &Ctx) {
  if (!Inner || !Outer)
    return false;
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

} // namespace taskleak
