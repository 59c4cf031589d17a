//===--- DetachedThreadCheck.cpp - taskleak --------------------------------===//
#include "checks/DetachedThreadCheck.h"

#include "checks/Manifest.h"

#include "lib/Matchers.h"
#include "lib/TaskAnalysis.h"
#include "lib/ThreadLifetime.h"

#include "clang/AST/ParentMapContext.h"
#include "clang/AST/StmtCXX.h"

using namespace clang;
using namespace clang::ast_matchers;

namespace taskleak {

DetachedThreadCheck::DetachedThreadCheck(StringRef Name,
                                         tidy::ClangTidyContext *Context)
    : TaskleakCheck(Name, Context),
      ReportEveryLongRunning(Options.get<bool>(
          "ReportEveryLongRunning",
          defaults::DetachedThreadCheck::ReportEveryLongRunning == "true")) {}

void DetachedThreadCheck::storeOptions(
    tidy::ClangTidyOptions::OptionMap &Opts) {
  TaskleakCheck::storeOptions(Opts);
  Options.store(Opts, "ReportEveryLongRunning", ReportEveryLongRunning);
}

void DetachedThreadCheck::registerMatchers(MatchFinder *Finder) {
  if (const Library *Lib = library())
    Finder->addMatcher(detachCandidate(*Lib), this);
}

void DetachedThreadCheck::check(const MatchFinder::MatchResult &Result) {
  ASTContext &Ctx = *Result.Context;
  const auto *Detach = Result.Nodes.getNodeAs<CallExpr>("detach");
  const Library *Lib = library();
  if (!Detach || !Lib)
    return;
  std::optional<DetachedThread> T = resolveDetach(Detach, *Lib, Ctx);
  if (!T || !T->Spawn.Task.body())
    return;
  TaskAnalysis &A = analysis(Ctx);
  if (!A.isAnalysable(T->Spawn.Task.Function))
    return;
  std::optional<LongRunningLoop> Long = A.longRunningLoop(T->Spawn.Task);
  if (!Long)
    return;
  bool Endless = Long->StopTest == nullptr;
  SourceLocation At = Detach->getExprLoc();

  auto Notes = [&](const Stmt *Loop) {
    diag(T->Spawn.Call->getBeginLoc(), "thread started here",
         DiagnosticIDs::Note);
    if (Loop)
      diag(Loop->getBeginLoc(), "this loop starts one more thread each round",
           DiagnosticIDs::Note);
  };
  auto TaskNote = [&] {
    diag(Long->Loop->getBeginLoc(),
         Endless ? "the task's loop never ends"
                 : "the task's loop ends only on a stop request",
         DiagnosticIDs::Note);
  };

  // (a) one more long-lived thread per round of a retry/accept loop.
  if (const Stmt *Loop = openEndedLoopAround(Detach, T->Spawn.Call, Ctx)) {
    diag(At, "detached thread %select{never ends|runs until it is asked to "
             "stop}0 and is started again on every round of the enclosing "
             "loop, so threads that nobody can join pile up")
        << (Endless ? 0 : 1);
    Notes(Loop);
    TaskNote();
    return;
  }

  // (b) a long-running task that borrows the object or the spawner's locals.
  std::optional<BorrowedState> Borrowed =
      borrowedState(T->Spawn);
  if (!Borrowed) {
    // (c) the detach gives up the last handle on a task that nobody can
    // stop any more (or, with ReportEveryLongRunning, on any long-running
    // task).
    const StopHandleFate Fate = stopHandleFate(*T, *Long, *Lib, Ctx);
    if (Fate.Reach == StopReach::Nobody) {
      if (Endless)
        diag(At, "detached thread never ends and the detach gives up the "
                 "last handle on it: nothing can stop it or wait for it");
      else
        diag(At, "detached thread runs until it is asked to stop, but the "
                 "detach gives up the last handle that can ask it: nothing "
                 "can stop it or wait for it");
      Notes(nullptr);
      TaskNote();
      if (Fate.Local)
        diag(Fate.Local->getLocation(),
             "its stop request can only come from '%0', which dies with the "
             "spawner",
             DiagnosticIDs::Note)
            << Fate.Local->getName();
      else if (!Endless)
        diag(T->Spawn.Call->getBeginLoc(),
             "its stop request can only come from the thread object, which "
             "the detach gives up",
             DiagnosticIDs::Note);
      return;
    }
    if (ReportEveryLongRunning) {
      diag(At, "detached thread runs until it is asked to stop; nothing can "
               "wait for it to finish after the stop request");
      Notes(nullptr);
      TaskNote();
    }
    return;
  }
  if (!Borrowed->Local)
    diag(At, "detached thread %select{never ends|runs until it is asked to "
             "stop}0 and uses 'this'; nothing waits for it, so it can run on "
             "after the object is destroyed")
        << (Endless ? 0 : 1);
  else
    diag(At, "detached thread %select{never ends|runs until it is asked to "
             "stop}0 and uses local '%1' by reference; nothing waits for it, "
             "so it can run on after '%1' is destroyed")
        << (Endless ? 0 : 1) << Borrowed->Local->getName();
  Notes(nullptr);
  if (!Borrowed->Local)
    diag(Borrowed->Loc,
         Borrowed->Captured ? "'this' captured here" : "'this' passed here",
         DiagnosticIDs::Note);
  else
    diag(Borrowed->Loc,
         Borrowed->Captured ? "'%0' captured by reference here"
                            : "'%0' passed by reference here",
         DiagnosticIDs::Note)
        << Borrowed->Local->getName();
  TaskNote();
}

} // namespace taskleak
