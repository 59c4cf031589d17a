//===--- Expressions.cpp - looking through expression wrappers ------------===//
#include "lib/Expressions.h"

#include "clang/AST/DeclCXX.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/IgnoreExpr.h"

using namespace clang;

namespace taskleak {

static Expr *ignoreBindTemporarySingleStep(Expr *E) {
  if (auto *BT = dyn_cast<CXXBindTemporaryExpr>(E))
    return BT->getSubExpr();
  return E;
}

static Expr *ignoreFunctionalCastSingleStep(Expr *E) {
  if (auto *FC = dyn_cast<CXXFunctionalCastExpr>(E))
    return FC->getSubExpr();
  return E;
}

static Expr *ignoreCopyConstructionSingleStep(Expr *E) {
  if (auto *CE = dyn_cast<CXXConstructExpr>(E);
      CE && CE->getNumArgs() == 1 && CE->getConstructor() &&
      CE->getConstructor()->isCopyOrMoveConstructor())
    return CE->getArg(0);
  return E;
}

static Expr *identity(Expr *E) { return E; }

const Expr *ignoreWrappers(const Expr *E, unsigned Kinds) {
  if (!E)
    return nullptr;
  // Parentheses, then casts (implicit ones, or all), full-expressions
  // (ExprWithCleanups), MaterializeTemporaryExpr, bound temporaries, and the
  // optional kinds, to a fixed point (clang/AST/IgnoreExpr.h).
  auto Copies = (Kinds & CopyConstructions) ? ignoreCopyConstructionSingleStep
                                            : identity;
  if (Kinds & ExplicitCasts)
    return IgnoreExprNodes(E, IgnoreParensSingleStep, IgnoreCastsSingleStep,
                           ignoreBindTemporarySingleStep, Copies);
  auto Functional =
      (Kinds & FunctionalCasts) ? ignoreFunctionalCastSingleStep : identity;
  return IgnoreExprNodes(E, IgnoreParensSingleStep,
                         IgnoreImplicitCastsExtraSingleStep,
                         ignoreBindTemporarySingleStep, Functional, Copies);
}

} // namespace taskleak
