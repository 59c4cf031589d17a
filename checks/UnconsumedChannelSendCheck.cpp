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
  if (const Library *Lib = library())
    Finder->addMatcher(syncObjectCandidate(*Lib, /*Channels=*/true), this);
}

static std::string ownerName(const FunctionDecl *F) {
  if (const auto *M = dyn_cast<CXXMethodDecl>(F);
      M && M->getParent()->isLambda())
    return "the lambda";
  return F->getNameAsString();
}

void UnconsumedChannelSendCheck::check(const MatchFinder::MatchResult &Result) {
  const auto *Var = Result.Nodes.getNodeAs<VarDecl>("var");
  const Library *Lib = library();
  if (!Var || !Lib)
    return;
  if (std::optional<BlockedSends> F =
          findBlockedSends(Var, *Lib, *Result.Context))
    report(*F, *Lib->channelModel(Var->getType()), *Result.Context);
}

void UnconsumedChannelSendCheck::report(const BlockedSends &F,
                                        const ChannelModel &M,
                                        ASTContext &Ctx) {
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
                channelCapacityFix(F.Channel, M, *F.Pending, Ctx))
          D << *Fix;
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

} // namespace taskleak
