//===--- TaskAnalysis.cpp - does a task end, can it be stopped? ------------===//
#include "lib/TaskAnalysis.h"
#include "lib/Expressions.h"

#include "clang/AST/ExprCXX.h"
#include "clang/AST/StmtCXX.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/SmallPtrSet.h"

using namespace clang;

namespace taskleak {

bool TaskAnalysis::isLoop(const Stmt *S) {
  return isa<WhileStmt>(S) || isa<ForStmt>(S) || isa<DoStmt>(S) ||
         isa<CXXForRangeStmt>(S);
}

/// Code of the libraries we model is described by the models, never read:
/// vendored Asio or Boost included with -I is still library code (Asio's
/// use_awaitable has an unreachable `for (;;) {}` after a final co_await).
static bool inModelledLibrary(const Decl *D) {
  const DeclContext *Outer = nullptr;
  for (const DeclContext *C = D->getDeclContext(); C && !C->isTranslationUnit();
       C = C->getParent())
    if (isa<NamespaceDecl>(C))
      Outer = C;
  const auto *NS = dyn_cast_or_null<NamespaceDecl>(Outer);
  if (!NS || !NS->getIdentifier())
    return false;
  StringRef Name = NS->getName();
  return Name == "std" || Name == "boost" || Name == "asio" ||
         Name == "absl" || Name == "QtConcurrent" || Name == "__gnu_cxx" ||
         Name == "folly" || Name == "tbb";
}

bool TaskAnalysis::isAnalysable(const FunctionDecl *FD) const {
  const FunctionDecl *Def = nullptr;
  if (!FD || !FD->hasBody(Def) || !Def || inModelledLibrary(Def))
    return false;
  SourceLocation Loc = Def->getLocation();
  return Loc.isValid() && !Ctx.getSourceManager().isInSystemHeader(Loc);
}

bool TaskAnalysis::hasConstantTrueCondition(const Stmt *Loop) {
  const Expr *Cond = nullptr;
  if (const auto *W = dyn_cast<WhileStmt>(Loop)) {
    if (W->getConditionVariable())
      return false;
    Cond = W->getCond();
  } else if (const auto *D = dyn_cast<DoStmt>(Loop)) {
    Cond = D->getCond();
  } else if (const auto *F = dyn_cast<ForStmt>(Loop)) {
    if (F->getConditionVariable())
      return false;
    Cond = F->getCond();
    if (!Cond)
      return true;
  } else {
    return false; // range-for and anything else ends with its range
  }
  if (!Cond || Cond->isValueDependent() || Cond->isTypeDependent())
    return false;
  bool Result = false;
  return Cond->EvaluateAsBooleanCondition(Result, Ctx) && Result;
}

static bool isNoReturnCall(const CallExpr *Call) {
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
/// Looks for a way out of one loop.
class WayOutFinder {
public:
  bool run(const Stmt *Loop) {
    for (const Stmt *Child : Loop->children())
      if (visit(Child, /*BreakLeaves=*/true))
        return true;
    for (const GotoStmt *G : Gotos)
      if (!Labels.count(G->getLabel()))
        return true;
    return false;
  }

private:
  bool visit(const Stmt *S, bool BreakLeaves) {
    if (!S)
      return false;
    if (isa<BreakStmt>(S))
      return BreakLeaves;
    if (isa<ReturnStmt>(S) || isa<CoreturnStmt>(S) || isa<CXXThrowExpr>(S) ||
        isa<IndirectGotoStmt>(S))
      return true;
    if (const auto *G = dyn_cast<GotoStmt>(S)) {
      Gotos.push_back(G);
      return false;
    }
    if (const auto *L = dyn_cast<LabelStmt>(S))
      Labels.insert(L->getDecl());
    if (const auto *Call = dyn_cast<CallExpr>(S))
      if (isNoReturnCall(Call))
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
    // A break inside a nested loop or switch leaves that one.
    bool Nested = TaskAnalysis::isLoop(S) || isa<SwitchStmt>(S);
    for (const Stmt *Child : S->children())
      if (visit(Child, Nested ? false : BreakLeaves))
        return true;
    return false;
  }

  llvm::SmallPtrSet<const LabelDecl *, 4> Labels;
  llvm::SmallVector<const GotoStmt *, 2> Gotos;
};
} // namespace

bool TaskAnalysis::hasWayOut(const Stmt *Loop) {
  auto It = WayOut.find(Loop);
  if (It != WayOut.end())
    return It->second;
  bool Result = WayOutFinder().run(Loop);
  WayOut[Loop] = Result;
  return Result;
}

static const Expr *stripAwaitOperand(const Expr *E) {
  return ignoreWrappers(E);
}

bool TaskAnalysis::awaitCancels(const Expr *Operand, CancelMode Mode) {
  if (Mode == CancelMode::AwaitCancels)
    return true;
  // Waiting on a timer, or rescheduling, completes whatever happens: a loop
  // of such awaits only ends when someone cancels it. Any other operation
  // (a read, a receive) ends with an error when its source goes away.
  const Expr *E = stripAwaitOperand(Operand);
  if (!E)
    return true;
  if (const auto *DRE = dyn_cast<DeclRefExpr>(E))
    return !(matchesQualifiedName(DRE->getDecl(), "boost::asio::this_coro::executor") ||
             matchesQualifiedName(DRE->getDecl(), "asio::this_coro::executor"));
  const auto *Call = dyn_cast<CallExpr>(E);
  if (!Call || !Call->getDirectCallee() ||
      !Call->getDirectCallee()->getIdentifier())
    return true;
  const FunctionDecl *Callee = Call->getDirectCallee();
  StringRef Name = Callee->getName();
  if (Name == "post" || Name == "dispatch" || Name == "defer")
    return false;
  // Awaiting a coroutine of ours: it cancels if its own awaits do.
  if (isAnalysable(Callee) && userBody(Callee) &&
      isa<CoroutineBodyStmt>(Callee->getDefinition()
                                 ? Callee->getDefinition()->getBody()
                                 : nullptr))
    return functionReachesCancellation(Callee, Mode, 1);
  if (Name == "async_wait")
    if (const auto *MC = dyn_cast<CXXMemberCallExpr>(Call))
      if (const CXXRecordDecl *RD = MC->getRecordDecl())
        if (RD->getIdentifier() && RD->getName().contains_insensitive("timer"))
          return false;
  return true;
}

bool TaskAnalysis::functionReachesCancellation(const FunctionDecl *FD,
                                               CancelMode Mode,
                                               unsigned Depth) {
  if (!isAnalysable(FD) || Depth > CallDepth)
    return false;
  auto Key = std::make_pair(FD->getCanonicalDecl(), static_cast<int>(Mode));
  auto It = FunctionCancels.find(Key);
  if (It != FunctionCancels.end())
    return It->second;
  FunctionCancels[Key] = false; // recursion: assume not while computing
  bool Result = stmtReachesCancellation(userBody(FD), Mode, Depth);
  FunctionCancels[Key] = Result;
  return Result;
}

bool TaskAnalysis::stmtReachesCancellation(const Stmt *S, CancelMode Mode,
                                           unsigned Depth) {
  if (!S)
    return false;
  if (const auto *Call = dyn_cast<CallExpr>(S)) {
    if (Lib.isCancellationCall(Call))
      return true;
    if (functionReachesCancellation(Call->getDirectCallee(), Mode, Depth + 1))
      return true;
  } else if (const auto *Construct = dyn_cast<CXXConstructExpr>(S)) {
    for (const Expr *Arg : Construct->arguments())
      if (Arg && Lib.isStopTokenType(Arg->getType()))
        return true;
    if (functionReachesCancellation(Construct->getConstructor(), Mode,
                                    Depth + 1))
      return true;
  } else if (const auto *DRE = dyn_cast<DeclRefExpr>(S)) {
    if (Lib.isCancellationPoint(DRE->getDecl()))
      return true;
  } else if (const auto *Suspend = dyn_cast<CoroutineSuspendExpr>(S)) {
    if (awaitCancels(Suspend->getOperand(), Mode))
      return true;
    return stmtReachesCancellation(Suspend->getOperand(), Mode, Depth);
  } else if (isa<DependentCoawaitExpr>(S)) {
    if (Mode == CancelMode::AwaitCancels)
      return true;
  }
  // Nested lambdas are searched too: a wait predicate that checks the token
  // makes the wait a cancellation point.
  for (const Stmt *Child : S->children())
    if (stmtReachesCancellation(Child, Mode, Depth))
      return true;
  return false;
}

bool TaskAnalysis::reachesCancellationPoint(const Stmt *S, CancelMode Mode) {
  return stmtReachesCancellation(S, Mode, 0);
}

void TaskAnalysis::collectLoops(const FunctionDecl *FD, CancelMode Mode,
                                unsigned Depth,
                                llvm::SmallPtrSetImpl<const FunctionDecl *> &Seen,
                                llvm::SmallVectorImpl<UncancellableLoop> &Out) {
  if (!isAnalysable(FD) || !Seen.insert(FD->getCanonicalDecl()).second)
    return;
  const FunctionDecl *Def = nullptr;
  FD->hasBody(Def);
  llvm::SmallVector<const Stmt *, 32> Work;
  if (const Stmt *Body = userBody(Def))
    Work.push_back(Body);
  llvm::SmallVector<const FunctionDecl *, 8> Callees;
  while (!Work.empty()) {
    const Stmt *S = Work.pop_back_val();
    if (!S)
      continue;
    if (isLoop(S) && isEndlessLoop(S) && !reachesCancellationPoint(S, Mode)) {
      Out.push_back({S, Def});
      continue; // the outermost endless loop is the finding
    }
    if (isa<LambdaExpr>(S))
      continue; // a nested lambda is another task, or not a task at all
    if (const auto *Call = dyn_cast<CallExpr>(S))
      Callees.push_back(Call->getDirectCallee());
    else if (const auto *Construct = dyn_cast<CXXConstructExpr>(S))
      Callees.push_back(Construct->getConstructor());
    // Push children in reverse so that they are visited in source order.
    llvm::SmallVector<const Stmt *, 8> Children(S->child_begin(),
                                                S->child_end());
    for (auto It = Children.rbegin(); It != Children.rend(); ++It)
      Work.push_back(*It);
  }
  if (Depth >= CallDepth)
    return;
  for (const FunctionDecl *Callee : Callees)
    collectLoops(Callee, Mode, Depth + 1, Seen, Out);
}

llvm::SmallVector<UncancellableLoop, 2>
TaskAnalysis::uncancellableLoops(const FunctionDecl *FD, CancelMode Mode) {
  llvm::SmallVector<UncancellableLoop, 2> Out;
  llvm::SmallPtrSet<const FunctionDecl *, 8> Seen;
  collectLoops(FD, Mode, 0, Seen, Out);
  return Out;
}

bool TaskAnalysis::stmtTouchesStopHandle(const Stmt *S, unsigned Depth) {
  if (!S)
    return false;
  if (const auto *DRE = dyn_cast<DeclRefExpr>(S)) {
    if (Lib.isStopTokenType(DRE->getDecl()->getType()) ||
        Lib.isCancellationPoint(DRE->getDecl()))
      return true;
  } else if (const auto *ME = dyn_cast<MemberExpr>(S)) {
    if (Lib.isStopTokenType(ME->getMemberDecl()->getType()))
      return true;
  } else if (const auto *Call = dyn_cast<CallExpr>(S)) {
    if (Lib.isCancellationCall(Call))
      return true;
    if (Depth < CallDepth && touchesStopHandle(Call->getDirectCallee(), Depth + 1))
      return true;
  }
  for (const Stmt *Child : S->children())
    if (stmtTouchesStopHandle(Child, Depth))
      return true;
  return false;
}

bool TaskAnalysis::touchesStopHandle(const FunctionDecl *FD, unsigned Depth) {
  if (!isAnalysable(FD))
    return false;
  const FunctionDecl *Key = FD->getCanonicalDecl();
  auto It = FunctionTouchesHandle.find(Key);
  if (It != FunctionTouchesHandle.end())
    return It->second;
  FunctionTouchesHandle[Key] = false;
  bool Result = stmtTouchesStopHandle(userBody(FD), Depth);
  FunctionTouchesHandle[Key] = Result;
  return Result;
}

bool TaskAnalysis::hasStopHandle(const SpawnSite &S) {
  if (S.Model && S.Model->Kind == SpawnKind::CoSpawn) {
    CompletionTokenKind K = Lib.classifyCompletionToken(S.CompletionToken);
    if (K != CompletionTokenKind::Detached && K != CompletionTokenKind::Callback)
      return true;
  }
  const FunctionDecl *FD = S.Task.Function;
  if (FD)
    for (const ParmVarDecl *P : FD->parameters())
      if (Lib.isStopTokenType(P->getType()))
        return true;
  if (S.Task.Lambda)
    for (const LambdaCapture &C : S.Task.Lambda->captures())
      if (C.capturesVariable())
        if (const auto *V = dyn_cast<VarDecl>(C.getCapturedVar()))
          if (Lib.isStopTokenType(V->getType()))
            return true;
  for (const Expr *Arg : S.Task.BoundArgs)
    if (Arg && Lib.isStopTokenType(Arg->getType()))
      return true;
  return touchesStopHandle(FD, 0);
}

} // namespace taskleak
