//===--- TaskAnalysis.cpp - does a task end, can it be stopped? ------------===//
#include "lib/TaskAnalysis.h"
#include "lib/AstNav.h"
#include "lib/Expressions.h"

#include "clang/AST/ExprCXX.h"
#include "clang/AST/StmtCXX.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/SmallPtrSet.h"

using namespace clang;

namespace taskleak {

bool TaskAnalysis::isAnalysable(const FunctionDecl *FD) const {
  const FunctionDecl *Def = nullptr;
  // Code of the libraries we model is described by the models, never read:
  // vendored Asio or Boost included with -I is still library code (Asio's
  // use_awaitable has an unreachable `for (;;) {}` after a final co_await).
  if (!FD || !FD->hasBody(Def) || !Def || Lib.inOpaqueNamespace(Def))
    return false;
  SourceLocation Loc = Def->getLocation();
  return Loc.isValid() && !Ctx.getSourceManager().isInSystemHeader(Loc);
}

bool TaskAnalysis::hasConstantTrueCondition(const Stmt *Loop) {
  return taskleak::hasConstantTrueCondition(Loop, Ctx);
}

bool TaskAnalysis::hasWayOut(const Stmt *Loop) {
  auto It = WayOut.find(Loop);
  if (It != WayOut.end())
    return It->second;
  auto EndsProcess = [this](const CallExpr *C) { return endsProcess(C); };
  const bool Result = taskleak::hasWayOut(Loop, EndsProcess);
  WayOut[Loop] = Result;
  return Result;
}

bool TaskAnalysis::endsProcess(const CallExpr *Call) {
  if (!Call || !isNoReturnCall(Call))
    return false;
  const FunctionDecl *FD = Call->getDirectCallee();
  return FD && functionEndsProcess(FD, 0);
}

bool TaskAnalysis::functionEndsProcess(const FunctionDecl *FD, unsigned Depth) {
  if (!FD)
    return false;
  if (Lib.isProcessExit(FD))
    return true;
  if (!FD->isNoReturn() || Depth >= CallDepth || !isAnalysable(FD))
    return false;
  auto Key = std::make_pair(FD->getCanonicalDecl(), Depth);
  auto It = FunctionEndsProcess.find(Key);
  if (It != FunctionEndsProcess.end())
    return It->second;
  FunctionEndsProcess[Key] = false; // recursion: assume not while computing
  // `[[noreturn]] void die(msg) { log(msg); std::abort(); }`: it ends the
  // process when it calls a process exit and nothing in it throws or calls a
  // noreturn function that may leave otherwise.
  bool Exits = false;
  const bool Leaves = anyStmt(
      userBody(FD),
      [&](const Stmt *S) {
        if (isa<CXXThrowExpr>(S))
          return true;
        const auto *C = dyn_cast<CallExpr>(S);
        if (!C || !isNoReturnCall(C))
          return false;
        if (!functionEndsProcess(C->getDirectCallee(), Depth + 1))
          return true;
        Exits = true;
        return false;
      },
      LambdaBodies::Skip);
  const bool Result = Exits && !Leaves;
  FunctionEndsProcess[Key] = Result;
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
  if (Lib.isUncancellableAwait(E))
    return false;
  if (isa<DeclRefExpr>(E))
    return true;
  const auto *Call = dyn_cast<CallExpr>(E);
  if (!Call || !Call->getDirectCallee() ||
      !Call->getDirectCallee()->getIdentifier())
    return true;
  const FunctionDecl *Callee = Call->getDirectCallee();
  // Awaiting a coroutine of ours: it cancels if its own awaits do.
  if (isAnalysable(Callee) && userBody(Callee) &&
      isa<CoroutineBodyStmt>(Callee->getDefinition()
                                 ? Callee->getDefinition()->getBody()
                                 : nullptr))
    return functionReachesCancellation(Callee, Mode, 1);
  return true;
}

bool TaskAnalysis::functionReachesCancellation(const FunctionDecl *FD,
                                               CancelMode Mode,
                                               unsigned Depth) {
  if (!isAnalysable(FD) || Depth > CallDepth)
    return false;
  // Keyed by depth too: what a function reaches depends on how many levels
  // are left, and a shared analysis must answer alike in any query order.
  auto Key = std::make_pair(FD->getCanonicalDecl(),
                            static_cast<unsigned>(Mode) * 64 + Depth);
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

/// The outermost endless loops without a cancellation point in the body of
/// \p Def, and the functions it calls, in source order.
void TaskAnalysis::collectLoops(
    const FunctionDecl *Def, CancelMode Mode,
    llvm::SmallVectorImpl<const FunctionDecl *> &Callees,
    llvm::SmallVectorImpl<UncancellableLoop> &Out) {
  walkStmts(
      userBody(Def),
      [&](const Stmt *S) {
        if (isLoop(S) && isEndlessLoop(S) &&
            !reachesCancellationPoint(S, Mode)) {
          Out.push_back({S, Def});
          return WalkStep::SkipChildren; // the outermost endless loop
        }
        if (const auto *Call = dyn_cast<CallExpr>(S))
          Callees.push_back(Call->getDirectCallee());
        else if (const auto *Construct = dyn_cast<CXXConstructExpr>(S))
          Callees.push_back(Construct->getConstructor());
        return WalkStep::Continue;
      },
      LambdaBodies::Skip); // a nested lambda is another task, or none at all
}

llvm::SmallVector<UncancellableLoop, 2>
TaskAnalysis::uncancellableLoops(const FunctionDecl *FD, CancelMode Mode) {
  llvm::SmallVector<UncancellableLoop, 2> Out;
  // Depth-first over the call graph, without recursion (a chain of calls may
  // be long), each function once: a function's loops, then its callees'.
  llvm::SmallPtrSet<const FunctionDecl *, 8> Seen;
  llvm::SmallVector<std::pair<const FunctionDecl *, unsigned>, 16> Stack;
  Stack.push_back({FD, 0});
  while (!Stack.empty()) {
    auto [Fn, Depth] = Stack.pop_back_val();
    if (!isAnalysable(Fn) || !Seen.insert(Fn->getCanonicalDecl()).second)
      continue;
    const FunctionDecl *Def = nullptr;
    Fn->hasBody(Def);
    llvm::SmallVector<const FunctionDecl *, 8> Callees;
    collectLoops(Def, Mode, Callees, Out);
    if (Depth >= CallDepth)
      continue;
    for (auto It = Callees.rbegin(); It != Callees.rend(); ++It)
      Stack.push_back({*It, Depth + 1});
  }
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
  auto Key = std::make_pair(FD->getCanonicalDecl(), Depth);
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
