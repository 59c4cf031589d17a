//===--- SpawnWithoutStopTokenCheck.cpp - taskleak -------------------------===//
#include "checks/SpawnWithoutStopTokenCheck.h"

#include "lib/FixIts.h"
#include "lib/Matchers.h"
#include "lib/Parents.h"
#include "lib/TaskBody.h"
#include "lib/fixits/JThread.h"

#include "clang/AST/ParentMapContext.h"

using namespace clang;
using namespace clang::ast_matchers;

namespace taskleak {

void SpawnWithoutStopTokenCheck::registerMatchers(MatchFinder *Finder) {
  if (const Library *Lib = library())
    Finder->addMatcher(spawnCandidate(*Lib), this);
}

void SpawnWithoutStopTokenCheck::check(const MatchFinder::MatchResult &Result) {
  const auto *E = Result.Nodes.getNodeAs<Expr>("spawn");
  const Library *Lib = library();
  if (!E || !Lib)
    return;
  std::optional<SpawnSite> Site = matchSpawn(*Lib, E, *Result.Context);
  if (!Site || !Site->Task.body())
    return; // a body we cannot see gives no diagnostic
  TaskAnalysis &A = analysis(*Result.Context);
  if (!A.isAnalysable(Site->Task.Function) || A.hasStopHandle(*Site))
    return;
  bool IsCoSpawn = Site->Model->Kind == SpawnKind::CoSpawn;
  auto Loops = A.uncancellableLoops(
      Site->Task.Function,
      IsCoSpawn ? CancelMode::TimersDoNotCancel : CancelMode::AwaitCancels);
  if (Loops.empty())
    return;

  std::optional<FixIts> Fix = jthreadFix(*Lib, *Site, Loops, *Result.Context);
  {
    DiagnosticBuilder D =
        IsCoSpawn
            ? diag(E->getBeginLoc(),
                   "coroutine spawned by '%0' runs an endless loop; its "
                   "completion token binds no cancellation slot and it never "
                   "checks its cancellation state")
            : Site->Model->Kind == SpawnKind::JThread
                  ? diag(E->getBeginLoc(),
                         "task spawned by '%0' runs an endless loop but takes "
                         "no %1, so the jthread's stop request never reaches "
                         "it")
                  : diag(E->getBeginLoc(),
                         "task spawned by '%0' runs an endless loop and "
                         "receives no stop token or other cancellation handle");
    D << Site->Name;
    if (!IsCoSpawn && Site->Model->Kind == SpawnKind::JThread) {
      const ThreadClassModel *C = Lib->threadClassNamed(Site->Name);
      D << (C && !C->StopToken.empty() ? C->StopToken : "stop token");
    }
    if (Fix) {
      const ThreadClassModel *From = Lib->threadClassNamed(Site->Name);
      attachFix(
          D, *Fix, E->getBeginLoc(),
          "use " +
              (From ? From->Replacement : std::string("a stop-aware thread")) +
              " with a stop token");
    }
  }
  diag(Loops.front().Loop->getBeginLoc(),
       "loop never exits and reaches no cancellation point",
       DiagnosticIDs::Note);
}

} // namespace taskleak
