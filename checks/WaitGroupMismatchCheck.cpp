//===--- WaitGroupMismatchCheck.cpp - taskleak -----------------------------===//
#include "checks/WaitGroupMismatchCheck.h"

#include "lib/Matchers.h"
#include "lib/WaitGroupCounts.h"
#include "lib/fixits/MoveBeforeSpawn.h"

#include "clang/AST/StmtCXX.h"

using namespace clang;
using namespace clang::ast_matchers;

namespace taskleak {

void WaitGroupMismatchCheck::registerMatchers(MatchFinder *Finder) {
  if (const Library *Lib = library()) {
    Finder->addMatcher(syncObjectCandidate(*Lib, /*Channels=*/false), this);
    Finder->addMatcher(memberSyncObjectCandidate(*Lib, /*Channels=*/false),
                       this);
  }
}

void WaitGroupMismatchCheck::check(const MatchFinder::MatchResult &Result) {
  const Library *Lib = library();
  if (!Lib)
    return;
  std::optional<WaitGroupFindings> F;
  if (const auto *Var = Result.Nodes.getNodeAs<VarDecl>("var"))
    F = findWaitGroupMismatches(Var, *Lib, *Result.Context);
  else if (const auto *Field = Result.Nodes.getNodeAs<FieldDecl>("field"))
    F = findMemberWaitGroupMismatches(Field, *Lib, *Result.Context);
  if (F)
    report(*F, *Result.Context);
}

void WaitGroupMismatchCheck::report(const WaitGroupFindings &F,
                                    ASTContext &Ctx) {
  std::string Name = F.Group->getNameAsString();
  for (const WaitGroupFindings::AddInTask &A : F.AddsInTasks) {
    DiagnosticBuilder D =
        diag(A.Call->getBeginLoc(),
             "'%0' on wait group '%1' is called inside the task it counts, so "
             "it races with '%2'; call it before starting the task")
        << A.Method << Name << F.WaitName;
    if (std::optional<FixIts> Fix = moveBeforeSpawnFix(A.Call, A.Spawn, Ctx))
      attachFix(D, *Fix, A.Spawn.Call->getBeginLoc(),
                ("call '" + A.Method + "' before starting the task").str());
  }
  for (const WaitGroupFindings::TaskCountDown &T : F.Tasks) {
    for (const CXXMemberCallExpr *W : T.EarlyWaits)
      diag(W->getBeginLoc(), "task waits on wait group '%0' before counting "
                             "it down, so the wait can never complete")
          << Name;
    if (!T.SkippedDone)
      continue;
    diag(T.SkippedDone->getBeginLoc(),
         "'%0' on wait group '%1' is not reached on every path through the "
         "task, so '%2' can block forever; call it from a scope guard")
        << T.DoneMethod << Name << F.WaitName;
    SourceLocation NoteAt;
    if (T.Exit)
      NoteAt = T.Exit->getBeginLoc();
    else if (const auto *Body = dyn_cast<CompoundStmt>(T.Task->getBody()))
      NoteAt = Body->getRBracLoc();
    if (NoteAt.isValid())
      diag(NoteAt, "this path leaves the task without calling '%0'",
           DiagnosticIDs::Note)
          << T.DoneMethod;
  }
  if (F.Mismatch)
    reportMismatch(F, *F.Mismatch);
  if (const std::optional<WaitGroupFindings::RoundMismatch> &R = F.Round) {
    const bool Blocks = R->CountedDown < R->Added;
    {
      const DiagnosticBuilder D = diag(
          R->Add->getBeginLoc(),
          Blocks ? "'%0' adds %1 to wait group '%2' in each round of the loop, "
                   "but the tasks started in that round count it down %3 "
                   "%plural{1:time|:times}3, so '%4' blocks forever"
                 : "'%0' adds %1 to wait group '%2' in each round of the loop, "
                   "but the tasks started in that round count it down %3 "
                   "%plural{1:time|:times}3, so the count drops below zero");
      D << R->Method << static_cast<int>(R->Added) << Name
        << static_cast<int>(R->CountedDown);
      if (Blocks)
        D << F.WaitName;
    }
    for (const Expr *S : R->Spawns)
      diag(S->getBeginLoc(), "task counting it down started here",
           DiagnosticIDs::Note);
  }
}

void WaitGroupMismatchCheck::reportMismatch(
    const WaitGroupFindings &F, const WaitGroupFindings::CountMismatch &M) {
  if (!M.CountText.empty()) {
    const DiagnosticBuilder D =
        diag(M.At, M.SymbolicBlocks
                       ? "wait group '%0' is created with a count of %1 but "
                         "is counted down %2 times, so '%3' blocks forever"
                       : "wait group '%0' is created with a count of %1 but "
                         "is counted down %2 times, so the count drops below "
                         "zero");
    D << F.Group->getNameAsString() << M.CountText << M.CountedDownText;
    if (M.SymbolicBlocks)
      D << F.WaitName;
  } else {
    bool Blocks = M.CountedDown < M.Count;
    DiagnosticBuilder D =
        diag(M.At, Blocks ? "wait group '%0' is created with a count of %1 but "
                            "is counted down %2 %plural{1:time|:times}2, so "
                            "'%3' blocks forever"
                          : "wait group '%0' is created with a count of %1 but "
                            "is counted down %2 %plural{1:time|:times}2, so "
                            "the count drops below zero");
    D << F.Group->getNameAsString() << static_cast<int>(M.Count)
      << static_cast<int>(M.CountedDown);
    if (Blocks)
      D << F.WaitName;
    const auto *Lit = dyn_cast<IntegerLiteral>(M.CountExpr->IgnoreParenImpCasts());
    if (Lit && Lit->getBeginLoc().isFileID())
      D << FixItHint::CreateReplacement(Lit->getSourceRange(),
                                        std::to_string(M.CountedDown));
  }
  for (const Expr *S : M.Spawns)
    diag(S->getBeginLoc(), "task counting it down started here",
         DiagnosticIDs::Note);
}

} // namespace taskleak
