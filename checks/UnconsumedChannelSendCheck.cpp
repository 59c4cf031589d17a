//===--- UnconsumedChannelSendCheck.cpp - taskleak -------------------------===//
#include "checks/UnconsumedChannelSendCheck.h"

#include "lib/ChannelSends.h"
#include "lib/Matchers.h"
#include "lib/fixits/ChannelCapacity.h"

#include "clang/AST/StmtCXX.h"

using namespace clang;
using namespace clang::ast_matchers;

namespace taskleak {

void UnconsumedChannelSendCheck::registerMatchers(MatchFinder *Finder) {
  if (const Library *Lib = library()) {
    Finder->addMatcher(syncObjectCandidate(*Lib, /*Channels=*/true), this);
    Finder->addMatcher(memberSyncObjectCandidate(*Lib, /*Channels=*/true),
                       this);
  }
}

static std::string ownerName(const FunctionDecl *F) {
  if (const auto *M = dyn_cast<CXXMethodDecl>(F);
      M && M->getParent()->isLambda())
    return "the lambda";
  return F->getNameAsString();
}

void UnconsumedChannelSendCheck::check(const MatchFinder::MatchResult &Result) {
  const Library *Lib = library();
  if (!Lib)
    return;
  std::optional<BlockedSends> F;
  if (const auto *Var = Result.Nodes.getNodeAs<VarDecl>("var"))
    F = findBlockedSends(Var, *Lib, *Result.Context);
  else if (const auto *Field = Result.Nodes.getNodeAs<FieldDecl>("field"))
    F = findBlockedMemberSends(Field, *Lib, *Result.Context);
  if (F)
    report(*F, *Lib, *Result.Context);
}

void UnconsumedChannelSendCheck::report(const BlockedSends &F,
                                        const Library &Lib, ASTContext &Ctx) {
  if (F.Member) {
    reportMember(F);
    return;
  }
  std::string Name = F.Channel->getNameAsString();
  std::string Owner = ownerName(F.Owner);
  bool NoConsumer = F.Why == BlockedSends::Reason::NoConsumer;
  for (const CXXMemberCallExpr *Send : F.Sends) {
    {
      DiagnosticBuilder D =
          diag(Send->getBeginLoc(),
               NoConsumer ? "send on channel '%0' may block forever: nothing "
                            "receives from it or closes it"
                          : "send on channel '%0' may block forever: '%1' can "
                            "return without receiving it or closing the "
                            "channel");
      D << Name;
      if (!NoConsumer)
        D << Owner;
      if (Send == F.Sends.front() && F.Pending)
        if (std::optional<FixItHint> Fix =
                channelCapacityFix(F.Channel, *F.Model, Lib, *F.Pending, Ctx))
          attachFix(D, *Fix, F.Channel->getLocation(),
                    "give '" + Name + "' room for " +
                        std::to_string(*F.Pending) +
                        (*F.Pending == 1 ? " value" : " values"));
    }
    if (NoConsumer)
      continue;
    if (F.EarlyExit)
      diag(F.EarlyExit->getBeginLoc(), "the receive loop stops early here",
           DiagnosticIDs::Note);
    if (F.Exit)
      diag(F.Exit->getBeginLoc(),
           "'%0' returns here without receiving from '%1'", DiagnosticIDs::Note)
          << Owner << Name;
    else if (const auto *Body = dyn_cast<CompoundStmt>(F.Owner->getBody()))
      diag(Body->getRBracLoc(), "'%0' ends here without receiving from '%1'",
           DiagnosticIDs::Note)
          << Owner << Name;
  }
}

void UnconsumedChannelSendCheck::reportMember(const BlockedSends &F) {
  std::string Name = F.Member->getNameAsString();
  std::string Class = F.Member->getParent()->getNameAsString();
  for (const CXXMemberCallExpr *Send : F.Sends) {
    if (F.Why == BlockedSends::Reason::NoConsumer)
      diag(Send->getBeginLoc(), "send on channel '%0' may block forever: "
                                "nothing in '%1' receives from it or closes it")
          << Name << Class;
    else
      diag(Send->getBeginLoc(),
           "send on channel '%0' may block forever: nothing in '%1' closes "
           "it, so once its receivers stop the send never returns")
          << Name << Class;
    diag(F.Member->getLocation(), "channel '%0' is a member of '%1'",
         DiagnosticIDs::Note)
        << Name << Class;
  }
}

} // namespace taskleak
