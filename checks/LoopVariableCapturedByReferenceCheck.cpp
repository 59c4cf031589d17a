//===--- LoopVariableCapturedByReferenceCheck.cpp - taskleak ---------------===//
#include "checks/LoopVariableCapturedByReferenceCheck.h"

#include "lib/LoopCaptures.h"
#include "lib/Matchers.h"
#include "lib/TaskBody.h"

using namespace clang;
using namespace clang::ast_matchers;

namespace taskleak {

void LoopVariableCapturedByReferenceCheck::registerMatchers(MatchFinder *Finder) {
  // No hasAncestor(loop) here: it would build the parent map of the whole
  // translation unit for every make_unique or emplace_back. check() asks
  // matchSpawn() first, and only a real spawn looks for its loop.
  if (const Library *Lib = library())
    Finder->addMatcher(spawnCandidate(*Lib), this);
}

/// "loop variable 'u'", "variable 'buf' declared in the loop body".
static std::string describeVariable(const IterationCapture &C) {
  std::string Name = "'" + C.Ref.Var->getName().str() + "'";
  if (C.Scope.Kind == IterationVarKind::BodyLocal)
    return "variable " + Name + " declared in the loop body";
  if (C.Scope.Kind == IterationVarKind::WrittenEachIteration)
    return "variable " + Name;
  return "loop variable " + Name;
}

/// "captures loop variable 'u' by reference", "receives the address of ...".
static std::string describeReference(const IterationCapture &C,
                                     const Library &Lib) {
  std::string What = describeVariable(C);
  switch (C.Ref.Kind) {
  case ReferenceKind::ExplicitCapture:
  case ReferenceKind::ImplicitCapture:
    return "captures " + What + " by reference";
  case ReferenceKind::StdRef: {
    // The reference wrapper called, as the models name it.
    std::string Via =
        Lib.referenceWrapperName(dyn_cast_or_null<CallExpr>(C.Ref.Arg));
    if (Via.empty() && !Lib.models().ReferenceWrappers.empty())
      Via = Lib.models().ReferenceWrappers.front();
    return "receives " + What + " by reference through '" + Via + "'";
  }
  case ReferenceKind::AddressOf:
    return "receives the address of " + What;
  case ReferenceKind::ReferenceParam:
    return "binds " + What + " to reference parameter '" +
           (C.Ref.Param ? C.Ref.Param->getName().str() : std::string()) + "'";
  }
  return "captures " + What + " by reference";
}

void LoopVariableCapturedByReferenceCheck::check(
    const MatchFinder::MatchResult &Result) {
  const auto *E = Result.Nodes.getNodeAs<Expr>("spawn");
  const Library *Lib = library();
  if (!E || !Lib)
    return;
  std::optional<SpawnSite> Site = matchSpawn(*Lib, E, *Result.Context);
  if (!Site)
    return;
  llvm::SmallVector<IterationCapture, 2> Captures =
      iterationCapturesByReference(*Site, *Result.Context);
  if (Captures.empty())
    return;
  llvm::SmallVector<std::optional<FixIts>, 2> Fixes =
      byValueFixes(Captures, *Site, *Result.Context);
  for (unsigned I = 0; I < Captures.size(); ++I) {
    const IterationCapture &C = Captures[I];
    if (!Reported.insert({C.Ref.Loc.getRawEncoding(), C.Ref.Var}).second)
      continue;
    {
      DiagnosticBuilder D =
          diag(C.Ref.Loc, "task spawned by '%0' %1; %2")
          << Site->Name << describeReference(C, *Lib)
          << (C.Scope.Kind == IterationVarKind::WrittenEachIteration
                  ? "the variable is shared by all iterations and each one "
                    "writes it under the task"
              : C.Scope.Kind == IterationVarKind::Induction
                  ? "the variable is shared by all iterations and changes "
                    "under the task"
                  : "the task can outlive the iteration and see a later "
                    "value or a destroyed object");
      if (Fixes[I])
        attachFix(D, *Fixes[I], C.Ref.Loc,
                  ("capture '" + C.Ref.Var->getName() + "' by value").str());
    }
    diag(Site->Call->getBeginLoc(), "task spawned here", DiagnosticIDs::Note);
  }
}

void LoopVariableCapturedByReferenceCheck::onEndOfTranslationUnit() {
  Reported.clear();
  TaskleakCheck::onEndOfTranslationUnit();
}

} // namespace taskleak
