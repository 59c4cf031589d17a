//===--- BlockingWaitIgnoresStopTokenCheck.cpp - taskleak
//------------------===//
#include "checks/BlockingWaitIgnoresStopTokenCheck.h"

#include "checks/Manifest.h"

#include "lib/Matchers.h"

using namespace clang;
using namespace clang::ast_matchers;

namespace taskleak {

BlockingWaitIgnoresStopTokenCheck::BlockingWaitIgnoresStopTokenCheck(
    StringRef Name, tidy::ClangTidyContext *Context)
    : TaskleakCheck(Name, Context),
      LongSleepMilliseconds(unsignedOption(
          "LongSleepMilliseconds",
          defaults::BlockingWaitIgnoresStopTokenCheck::LongSleepMilliseconds)) {
}

void BlockingWaitIgnoresStopTokenCheck::storeOptions(
    tidy::ClangTidyOptions::OptionMap &Opts) {
  TaskleakCheck::storeOptions(Opts);
  Options.store(Opts, "LongSleepMilliseconds", LongSleepMilliseconds);
}

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
    if (auto Path = Awareness.stopPath().ofTask(FD)) {
      reportFlagWaits(Awareness, FD, *Path);
      reportLongSleeps(Awareness, FD, nullptr, &*Path);
    }
    return; // no stop token, no stop flag: nothing a wait could observe
  }
  reportLongSleeps(Awareness, FD, &*Handle, nullptr);
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
        attachFix(D, *Fix, Loc,
                  ("wait with '" + Handle->Var->getName() +
                   "' and return on a stop request")
                      .str());
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

void BlockingWaitIgnoresStopTokenCheck::reportLongSleeps(
    StopAwareness &Awareness, const FunctionDecl *FD, const StopHandle *Handle,
    const FlagStopPath *Flag) {
  const uint64_t MinNs = uint64_t{LongSleepMilliseconds} * 1'000'000;
  for (const LongSleep &S : Awareness.longSleeps(FD, Handle, Flag, MinNs)) {
    // At the function's name (`sleep_for`, not `std::`).
    const auto *Callee =
        dyn_cast<DeclRefExpr>(S.Call->getCallee()->IgnoreImpCasts());
    const SourceLocation Loc =
        Callee ? Callee->getLocation() : S.Call->getExprLoc();
    if (!Reported.insert(Loc).second)
      continue;
    const std::string How = S.Nanoseconds
                                ? "for " + formatDuration(*S.Nanoseconds)
                                : "for a time that is not a constant";
    if (Handle) {
      diag(Loc, "'%0' sleeps %1 and a stop request on '%2' cannot wake it, "
                "so stopping the task waits for the sleep to end")
          << S.Name << How << Handle->Var->getName();
      diag(Handle->Loc,
           Handle->IsCapture ? "stop requests reach the task through the "
                               "captured '%0'"
                             : "stop requests reach the task through '%0'",
           DiagnosticIDs::Note)
          << Handle->Var->getName();
    } else {
      diag(Loc, "'%0' sleeps %1 and setting '%2' cannot wake it, so stopping "
                "the task waits for the sleep to end")
          << S.Name << How << Flag->Flag->getName();
      diag(Flag->Write->getExprLoc(),
           "the stop path sets '%0' here but cannot cut the sleep short",
           DiagnosticIDs::Note)
          << Flag->Flag->getName();
    }
  }
}

void BlockingWaitIgnoresStopTokenCheck::onEndOfTranslationUnit() {
  Reported.clear();
  TaskleakCheck::onEndOfTranslationUnit();
}

} // namespace taskleak
