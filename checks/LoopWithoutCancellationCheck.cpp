//===--- LoopWithoutCancellationCheck.cpp - taskleak -----------------------===//
#include "checks/LoopWithoutCancellationCheck.h"

#include "lib/FixIts.h"
#include "lib/Matchers.h"
#include "lib/StopAwareness.h"
#include "lib/TaskBody.h"

#include "clang/AST/StmtCXX.h"

using namespace clang;
using namespace clang::ast_matchers;

namespace taskleak {

void LoopWithoutCancellationCheck::registerMatchers(MatchFinder *Finder) {
  const Library *Lib = library();
  if (!Lib)
    return;
  Finder->addMatcher(spawnCandidate(*Lib), this);
  Finder->addMatcher(taskFunctionCandidate(), this);
}

void LoopWithoutCancellationCheck::record(const FunctionDecl *TaskFunction,
                                          const Expr *Spawn, ASTContext &C) {
  Ctx = &C;
  for (const UncancellableLoop &L :
       analysis(C).uncancellableLoops(TaskFunction, CancelMode::AwaitCancels)) {
    Finding &F = Findings[L.Loop];
    F.Function = L.Function;
    if (!F.Spawn)
      F.Spawn = Spawn; // prefer the note at a spawn site
  }
}

void LoopWithoutCancellationCheck::check(const MatchFinder::MatchResult &Result) {
  const Library *Lib = library();
  if (!Lib)
    return;
  if (const auto *E = Result.Nodes.getNodeAs<Expr>("spawn")) {
    std::optional<SpawnSite> Site = matchSpawn(*Lib, E, *Result.Context);
    if (Site && Site->Task.body())
      record(Site->Task.Function, E, *Result.Context);
    return;
  }
  const auto *FD = Result.Nodes.getNodeAs<FunctionDecl>("func");
  if (!FD || FD->isDependentContext() || !FD->getBody())
    return;
  reportBlindInnerLoops(*Lib, FD, *Result.Context);
  bool IsTask = isa<CoroutineBodyStmt>(FD->getBody());
  for (const ParmVarDecl *P : FD->parameters())
    IsTask |= Lib->isStopTokenType(P->getType());
  if (IsTask)
    record(FD, nullptr, *Result.Context);
}

void LoopWithoutCancellationCheck::reportBlindInnerLoops(const Library &Lib,
                                                         const FunctionDecl *FD,
                                                         ASTContext &C) {
  StopAwareness &Awareness = stopAwareness(C);
  std::optional<StopHandle> Handle = StopAwareness::stopHandle(Lib, FD);
  std::optional<FlagStopPath> Flag;
  if (!Handle)
    Flag = Awareness.stopPath().ofTask(FD);
  if (!Handle && !Flag)
    return; // not stop-aware: the first rule's business
  const ValueDecl *HandleDecl = Handle ? Handle->Var : Flag->Flag;
  for (const BlindInnerLoop &B : Awareness.blindInnerLoops(
           FD, Handle ? &*Handle : nullptr, Flag ? &*Flag : nullptr)) {
    if (!ReportedInner.insert(B.Loop->getBeginLoc()).second)
      continue; // another instantiation, or another task calling it
    diag(B.Loop->getBeginLoc(),
         "loop inside the task's stop-aware loop waits for an outside event "
         "and never checks '%0', so a stop request cannot end it")
        << HandleDecl->getName();
    const Expr *Check = handleCheckIn(B.Outer, HandleDecl);
    diag(Check ? Check->getExprLoc() : B.Outer->getBeginLoc(),
         "the task checks '%0' only here", DiagnosticIDs::Note)
        << HandleDecl->getName();
  }
}

void LoopWithoutCancellationCheck::onEndOfTranslationUnit() {
  ReportedInner.clear();
  for (const auto &[Loop, F] : Findings) {
    std::optional<FixIts> Fix;
    std::optional<std::string> Token;
    if (F.Function->getReturnType()->isVoidType() &&
        !isa<CoroutineBodyStmt>(F.Function->getBody()))
      if ((Token = stopTokenInScope(F.Function)))
        Fix = stopRequestedLoopHeader(Loop, *Token);
    {
      DiagnosticBuilder D =
          diag(Loop->getBeginLoc(), "endless loop in a task reaches no "
                                    "cancellation point, so the task can never "
                                    "be stopped");
      if (Fix)
        attachFix(D, *Fix, Loop->getBeginLoc(),
                  "loop until a stop is requested on '" + *Token + "'");
    }
    if (F.Spawn)
      diag(F.Spawn->getBeginLoc(), "task spawned here", DiagnosticIDs::Note);
  }
  Findings.clear();
  TaskleakCheck::onEndOfTranslationUnit();
}

} // namespace taskleak
