//===--- LostWakeupCheck.cpp - taskleak -----------------------------------===//
//
// One question for the whole translation unit (lib/LostWakeup.h): which
// writes of a wait condition, and which notifications, can a waiter miss?
//
//===----------------------------------------------------------------------===//
#include "checks/LostWakeupCheck.h"

#include "checks/Manifest.h"

#include "lib/LostWakeup.h"

using namespace clang;
using namespace clang::ast_matchers;

namespace taskleak {

LostWakeupCheck::LostWakeupCheck(StringRef Name,
                                 tidy::ClangTidyContext *Context)
    : TaskleakCheck(Name, Context),
      TimedWaits(Options.get<bool>(
          "TimedWaits",
          StringRef(defaults::LostWakeupCheck::TimedWaits) == "true")) {}

void LostWakeupCheck::storeOptions(tidy::ClangTidyOptions::OptionMap &Opts) {
  TaskleakCheck::storeOptions(Opts);
  Options.store(Opts, "TimedWaits", TimedWaits);
}

void LostWakeupCheck::registerMatchers(MatchFinder *Finder) {
  if (library())
    Finder->addMatcher(translationUnitDecl().bind("tu"), this);
}

static std::string nameOf(const ValueDecl *D) {
  return D ? D->getName().str() : "";
}

void LostWakeupCheck::check(const MatchFinder::MatchResult &Result) {
  if (!library() || !Result.Nodes.getNodeAs<TranslationUnitDecl>("tu"))
    return;
  // One report per place: another instantiation of the same template finds
  // the same write or notification again.
  llvm::DenseSet<SourceLocation> Reported;
  for (const LostWakeupFinding &F : findLostWakeups(
           analysis(*Result.Context), *Result.Context, TimedWaits)) {
    switch (F.K) {
    case LostWakeupFinding::WriteWithoutMutex:
      if (Reported.insert(F.Write->getBeginLoc()).second)
        reportWriteWithoutMutex(F);
      break;
    case LostWakeupFinding::NotifyBeforeWrite:
      if (Reported.insert(F.Notify->getExprLoc()).second)
        reportNotifyBeforeWrite(F);
      break;
    case LostWakeupFinding::NeverNotified:
      if (Reported.insert(F.Write->getBeginLoc()).second)
        reportNeverNotified(F);
      break;
    case LostWakeupFinding::NotifyOneOnClose:
      if (Reported.insert(F.Notify->getExprLoc()).second)
        reportNotifyOneOnClose(F);
      break;
    }
  }
}

void LostWakeupCheck::noteWaiter(const LostWakeupFinding &F) {
  diag(F.WaitLoc, "the waiter checks '%0' under '%1' here", DiagnosticIDs::Note)
      << nameOf(F.Variable) << nameOf(F.Mutex);
}

void LostWakeupCheck::reportWriteWithoutMutex(const LostWakeupFinding &F) {
  const std::string CV = nameOf(F.CondVar);
  {
    DiagnosticBuilder D =
        diag(F.Write->getBeginLoc(),
             "'%0' is written without holding '%1', so a notification "
             "on '%2' can fall between the waiter's check and its wait "
             "and be lost")
        << nameOf(F.Variable) << nameOf(F.Mutex) << CV;
    attachFix(D, F.Fix, F.Write->getBeginLoc(),
              "write '" + nameOf(F.Variable) + "' under a lock on '" +
                  nameOf(F.Mutex) + "'");
  }
  noteWaiter(F);
  if (F.NotifyInCaller)
    diag(F.Notify->getExprLoc(),
         "'%0' is notified here, after the call, without '%1'",
         DiagnosticIDs::Note)
        << (F.Notified ? F.Notified->getName() : StringRef(CV))
        << nameOf(F.Mutex);
}

void LostWakeupCheck::reportNotifyBeforeWrite(const LostWakeupFinding &F) {
  const std::string Var = nameOf(F.Variable);
  diag(F.Notify->getExprLoc(),
       "'%0' is notified before '%1' is written, so a waiter that checks "
       "'%1' in between sleeps through the notification")
      << nameOf(F.CondVar) << Var;
  diag(F.Write->getBeginLoc(), "'%0' is written here, after the notification",
       DiagnosticIDs::Note)
      << Var;
  noteWaiter(F);
}

void LostWakeupCheck::reportNeverNotified(const LostWakeupFinding &F) {
  diag(F.Write->getBeginLoc(),
       "'%0' is set but nothing notifies '%1' afterwards, so a thread "
       "waiting on '%1' for it is never woken")
      << nameOf(F.Variable) << nameOf(F.CondVar);
  noteWaiter(F);
}

void LostWakeupCheck::reportNotifyOneOnClose(const LostWakeupFinding &F) {
  const std::string CV = nameOf(F.CondVar);
  {
    DiagnosticBuilder D =
        diag(F.Notify->getExprLoc(),
             "setting '%0' wakes only one of the threads waiting on "
             "'%1'; the others sleep through it")
        << nameOf(F.Variable) << CV;
    attachFix(D, F.Fix, F.Notify->getExprLoc(),
              "wake every thread waiting on '" + CV + "'");
  }
  switch (F.WK) {
  case LostWakeupFinding::SpawnInLoop:
    diag(F.WaitersLoc,
         "several threads that wait on '%0' are started here, in a loop",
         DiagnosticIDs::Note)
        << CV;
    break;
  case LostWakeupFinding::SecondSpawn:
    diag(F.WaitersLoc, "another thread that waits on '%0' is started here",
         DiagnosticIDs::Note)
        << CV;
    break;
  case LostWakeupFinding::OtherRole:
    diag(F.WaitersLoc, "'%0' is also waited on here, by another thread",
         DiagnosticIDs::Note)
        << CV;
    break;
  }
}

} // namespace taskleak
