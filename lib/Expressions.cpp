//===--- Expressions.cpp - looking through expression wrappers ------------===//
#include "lib/Expressions.h"

#include "clang/AST/DeclCXX.h"
#include "clang/AST/ExprCXX.h"

using namespace clang;

namespace taskleak {

const Expr *ignoreWrappers(const Expr *E, unsigned Kinds) {
  for (int Guard = 0; E && Guard < 32; ++Guard) {
    const Expr *Next = (Kinds & ExplicitCasts) ? E->IgnoreParenCasts()
                                               : E->IgnoreParenImpCasts();
    if (const auto *EWC = dyn_cast<ExprWithCleanups>(Next))
      Next = EWC->getSubExpr();
    else if (const auto *MT = dyn_cast<MaterializeTemporaryExpr>(Next))
      Next = MT->getSubExpr();
    else if (const auto *BT = dyn_cast<CXXBindTemporaryExpr>(Next))
      Next = BT->getSubExpr();
    else if (const auto *FC = dyn_cast<CXXFunctionalCastExpr>(Next);
             FC && (Kinds & FunctionalCasts))
      Next = FC->getSubExpr();
    else if (const auto *CE = dyn_cast<CXXConstructExpr>(Next);
             CE && (Kinds & CopyConstructions) && CE->getNumArgs() == 1 &&
             CE->getConstructor() &&
             CE->getConstructor()->isCopyOrMoveConstructor())
      Next = CE->getArg(0);
    if (Next == E)
      return E;
    E = Next;
  }
  return E;
}

} // namespace taskleak
