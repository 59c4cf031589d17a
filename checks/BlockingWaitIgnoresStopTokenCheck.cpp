//===--- BlockingWaitIgnoresStopTokenCheck.cpp - taskleak
//------------------===//
#include "checks/BlockingWaitIgnoresStopTokenCheck.h"

#include "lib/Matchers.h"

using namespace clang;
using namespace clang::ast_matchers;

namespace taskleak {

void BlockingWaitIgnoresStopTokenCheck::registerMatchers(MatchFinder *Finder) {
  if (!library())
    return;
  Finder->addMatcher(taskFunctionCandidate(), this);
}

void BlockingWaitIgnoresStopTokenCheck::check(
    const MatchFinder::MatchResult &Result) {
  const Library *Lib = library();
  const auto *FD = Result.Nodes.getNodeAs<FunctionDecl>("func");
  if (!Lib || !FD || FD->isDependentContext() || !FD->getBody())
    return;
  std::optional<StopHandle> Handle = StopAwareness::stopHandle(*Lib, FD);
  StopAwareness &Awareness = stopAwareness(*Result.Context);
  if (!Handle) {
    if (auto Path = Awareness.stopPath().ofTask(FD))
      reportFlagWaits(Awareness, FD, *Path);
    return; // no stop token, no stop flag: nothing a wait could observe
  }
  for (const UnwakeableWait &W : Awareness.unwakeableWaits(FD)) {
    SourceLocation Loc = W.Call->getExprLoc();
    if (!Reported.insert(Loc).second)
      continue; // another instantiation of the same template
    {
      DiagnosticBuilder D =
          diag(Loc, "'%0' blocks and a stop request on '%1' cannot wake it, "
                    "so the task may never end")
          << W.Name << Handle->Var->getName();
      if (auto Fix = Awareness.stopTokenWaitFix(W, FD, *Handle))
        for (const FixItHint &H : *Fix)
          D << H;
    }
    diag(Handle->Loc,
         Handle->IsCapture ? "stop requests reach the task through the "
                             "captured '%0'"
                           : "stop requests reach the task through '%0'",
         DiagnosticIDs::Note)
        << Handle->Var->getName();
  }
}

void BlockingWaitIgnoresStopTokenCheck::reportFlagWaits(
    StopAwareness &Awareness, const FunctionDecl *FD, const FlagStopPath &P) {
  for (const UnwakeableWait &W : Awareness.unwakeableWaitsOnFlag(FD, P)) {
    const SourceLocation Loc = W.Call->getExprLoc();
    if (!Reported.insert(Loc).second)
      continue;
    diag(Loc, "'%0' blocks and setting '%1' cannot wake it, so the task may "
              "never end")
        << W.Name << P.Flag->getName();
    diag(P.Write->getExprLoc(),
         "the stop path sets '%0' here but does not wake the wait",
         DiagnosticIDs::Note)
        << P.Flag->getName();
  }
}

void BlockingWaitIgnoresStopTokenCheck::onEndOfTranslationUnit() {
  Reported.clear();
  TaskleakCheck::onEndOfTranslationUnit();
}

} // namespace taskleak
