//===--- LoopWithoutCancellationCheck.cpp - taskleak -----------------------===//
#include "checks/LoopWithoutCancellationCheck.h"

#include "lib/FixIts.h"
#include "lib/Matchers.h"
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
  bool IsTask = isa<CoroutineBodyStmt>(FD->getBody());
  for (const ParmVarDecl *P : FD->parameters())
    IsTask |= Lib->isStopTokenType(P->getType());
  if (IsTask)
    record(FD, nullptr, *Result.Context);
}

void LoopWithoutCancellationCheck::onEndOfTranslationUnit() {
  for (const auto &[Loop, F] : Findings) {
    std::optional<FixIts> Fix;
    if (F.Function->getReturnType()->isVoidType() &&
        !isa<CoroutineBodyStmt>(F.Function->getBody()))
      if (std::optional<std::string> Token = stopTokenInScope(F.Function))
        Fix = stopRequestedLoopHeader(Loop, *Token);
    {
      DiagnosticBuilder D =
          diag(Loop->getBeginLoc(), "endless loop in a task reaches no "
                                    "cancellation point, so the task can never "
                                    "be stopped");
      if (Fix)
        for (const FixItHint &H : *Fix)
          D << H;
    }
    if (F.Spawn)
      diag(F.Spawn->getBeginLoc(), "task spawned here", DiagnosticIDs::Note);
  }
  Findings.clear();
  TaskleakCheck::onEndOfTranslationUnit();
}

} // namespace taskleak
