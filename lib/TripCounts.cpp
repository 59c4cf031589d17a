//===--- TripCounts.cpp - constant trip counts of loops --------------------===//
#include "lib/TripCounts.h"
#include "lib/Library.h"

#include "clang/AST/DeclTemplate.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/StmtCXX.h"

using namespace clang;

namespace taskleak {

std::optional<int64_t> integerConstant(const Expr *E, const ASTContext &Ctx) {
  if (!E || E->isValueDependent() || E->isTypeDependent())
    return std::nullopt;
  Expr::EvalResult R;
  if (!E->EvaluateAsInt(R, Ctx))
    return std::nullopt;
  return R.Val.getInt().getExtValue();
}

static const VarDecl *loopVar(const Stmt *Init) {
  if (const auto *DS = dyn_cast_or_null<DeclStmt>(Init))
    if (DS->isSingleDecl())
      return dyn_cast<VarDecl>(DS->getSingleDecl());
  return nullptr;
}

static bool refersTo(const Expr *E, const VarDecl *V) {
  const auto *DRE = dyn_cast_or_null<DeclRefExpr>(E ? E->IgnoreParenImpCasts() : nullptr);
  return DRE && DRE->getDecl() == V;
}

std::optional<uint64_t> constantTripCount(const Stmt *Loop, ASTContext &Ctx) {
  if (const auto *F = dyn_cast<ForStmt>(Loop)) {
    const VarDecl *I = loopVar(F->getInit());
    if (!I || !I->getInit() || !I->getType()->isIntegerType())
      return std::nullopt;
    std::optional<int64_t> Begin = integerConstant(I->getInit(), Ctx);
    const auto *Cond = dyn_cast_or_null<BinaryOperator>(
        F->getCond() ? F->getCond()->IgnoreParenImpCasts() : nullptr);
    if (!Begin || !Cond || !refersTo(Cond->getLHS(), I))
      return std::nullopt;
    std::optional<int64_t> End = integerConstant(Cond->getRHS(), Ctx);
    if (!End)
      return std::nullopt;
    // The increment must be ++i, i++ or i += 1, and i not written in the body.
    const Expr *Inc = F->getInc() ? F->getInc()->IgnoreParenImpCasts() : nullptr;
    bool StepOne = false;
    if (const auto *U = dyn_cast_or_null<UnaryOperator>(Inc))
      StepOne = U->isIncrementOp() && refersTo(U->getSubExpr(), I);
    else if (const auto *B = dyn_cast_or_null<CompoundAssignOperator>(Inc))
      StepOne = B->getOpcode() == BO_AddAssign && refersTo(B->getLHS(), I) &&
                integerConstant(B->getRHS(), Ctx) == 1;
    if (!StepOne)
      return std::nullopt;
    int64_t N;
    switch (Cond->getOpcode()) {
    case BO_LT:
    case BO_NE:
      N = *End - *Begin;
      break;
    case BO_LE:
      N = *End - *Begin + 1;
      break;
    default:
      return std::nullopt;
    }
    return N < 0 ? 0 : static_cast<uint64_t>(N);
  }
  if (const auto *R = dyn_cast<CXXForRangeStmt>(Loop)) {
    QualType T = R->getRangeInit()->getType().getNonReferenceType();
    if (const auto *CAT = Ctx.getAsConstantArrayType(T))
      return CAT->getSize().getZExtValue();
    if (std::optional<uint64_t> N = Library::builtin().fixedArraySize(T))
      return N;
    if (const auto *IL = dyn_cast<InitListExpr>(
            R->getRangeInit()->IgnoreImplicit()))
      return IL->getNumInits();
    if (const auto *SIL = dyn_cast<CXXStdInitializerListExpr>(
            R->getRangeInit()->IgnoreImplicit()))
      if (const auto *IL = dyn_cast<InitListExpr>(
              SIL->getSubExpr()->IgnoreImplicit()))
        return IL->getNumInits();
  }
  return std::nullopt;
}

} // namespace taskleak
