//===--- @CLASS@.cpp - taskleak @PAD_CPP@===//
//
// A check is a matcher, one call into lib/ and one diagnostic builder: the
// questions ("is this a spawn, what does its task run, does it reach a
// cancellation point") are answered by lib/, the library facts by the models.
// Start from this skeleton, which reports every spawn whose task body is
// visible, and narrow it to what the check is about.
//
//===----------------------------------------------------------------------===//
#include "checks/@CLASS@.h"

#include "lib/Matchers.h"
#include "lib/TaskBody.h"

using namespace clang;
using namespace clang::ast_matchers;

namespace taskleak {

void @CLASS@::registerMatchers(MatchFinder *Finder) {
  if (const Library *Lib = library())
    Finder->addMatcher(spawnCandidate(*Lib), this);
}

void @CLASS@::check(const MatchFinder::MatchResult &Result) {
  const auto *E = Result.Nodes.getNodeAs<Expr>("spawn");
  const Library *Lib = library();
  if (!E || !Lib)
    return;
  std::optional<SpawnSite> Site = matchSpawn(*Lib, E, *Result.Context);
  if (!Site || !Site->Task.body())
    return; // a body we cannot see gives no diagnostic
  // TODO: ask lib/ the question of this check and return unless the answer
  // is a finding; a fix-it comes from lib/fixits/.
  diag(E->getBeginLoc(), "task spawned by '%0' TODO: say what is wrong")
      << Site->Name;
}

} // namespace taskleak
