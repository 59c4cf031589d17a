//===--- TripCounts.cpp - constant trip counts of loops --------------------===//
#include "lib/TripCounts.h"
#include "lib/AstNav.h"
#include "lib/Library.h"
#include "lib/Parents.h"

#include "clang/AST/DeclTemplate.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/ParentMapContext.h"
#include "clang/AST/StmtCXX.h"
#include "clang/Basic/SourceManager.h"

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

// ---------------------------------------------------------------------------
// Symbolic counts
// ---------------------------------------------------------------------------

namespace taskleak {

std::string SymbolicCount::str() const {
  if (isConstant())
    return std::to_string(Offset);
  std::string S = Var->getNameAsString();
  if (Size)
    S += ".size()";
  if (Coef != 1)
    S = std::to_string(Coef) + " * " + S;
  if (Offset > 0)
    S += " + " + std::to_string(Offset);
  else if (Offset < 0)
    S += " - " + std::to_string(-Offset);
  return S;
}

std::optional<SymbolicCount> addCounts(const SymbolicCount &A,
                                       const SymbolicCount &B) {
  if (!A.sameSymbol(B))
    return std::nullopt;
  SymbolicCount R = A.isConstant() ? B : A;
  R.Coef = (A.isConstant() ? 0 : A.Coef) + (B.isConstant() ? 0 : B.Coef);
  R.Offset = A.Offset + B.Offset;
  if (R.Coef == 0)
    R = SymbolicCount::constant(R.Offset);
  return R;
}

std::optional<SymbolicCount> multiplyCounts(const SymbolicCount &A,
                                            const SymbolicCount &B) {
  if (!A.isConstant() && !B.isConstant())
    return std::nullopt;
  const SymbolicCount &K = A.isConstant() ? A : B;
  SymbolicCount R = A.isConstant() ? B : A;
  if (R.isConstant())
    return SymbolicCount::constant(K.Offset * R.Offset);
  R.Coef *= K.Offset;
  R.Offset *= K.Offset;
  if (R.Coef == 0)
    return SymbolicCount::constant(0);
  return R;
}

/// Members that give access to elements without changing the size.
static bool isElementAccess(StringRef Name) {
  return Name == "begin" || Name == "end" || Name == "rbegin" ||
         Name == "rend" || Name == "front" || Name == "back" || Name == "at" ||
         Name == "data" || Name == "find";
}

/// Whether the use \p DRE of a variable may modify it (or its size).
static bool mayModify(const DeclRefExpr *DRE, ASTContext &Ctx) {
  const Expr *E = DRE;
  for (int Guard = 0; Guard < 16; ++Guard) {
    const DynTypedNodeList Parents = getParents(Ctx, *E);
    if (Parents.size() != 1)
      return true;
    const DynTypedNode &P = Parents[0];
    if (const auto *VD = P.get<VarDecl>())
      // An implicit range variable of a range-for, a copy, a const alias.
      return !VD->isImplicit() && VD->getType()->isReferenceType() &&
             !VD->getType().getNonReferenceType().isConstQualified();
    if (P.get<LambdaExpr>())
      return false; // a capture: its uses in the body are seen on their own
    const auto *PE = P.get<Expr>();
    if (!PE)
      return P.get<ReturnStmt>() == nullptr && P.get<IfStmt>() == nullptr;
    if (isa<ParenExpr>(PE)) {
      E = PE;
      continue;
    }
    if (const auto *IC = dyn_cast<ImplicitCastExpr>(PE)) {
      if (IC->getCastKind() == CK_LValueToRValue)
        return false;
      E = PE;
      continue;
    }
    if (const auto *ME = dyn_cast<MemberExpr>(PE)) {
      const auto *MD = dyn_cast<CXXMethodDecl>(ME->getMemberDecl());
      if (!MD)
        return true; // a data member: written or not, we do not follow
      return !MD->isConst() &&
             !(MD->getIdentifier() && isElementAccess(MD->getName()));
    }
    if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(PE)) {
      if (Op->getOperator() == OO_Subscript)
        return false;
      const auto *MD = dyn_cast_or_null<CXXMethodDecl>(Op->getCalleeDecl());
      return !MD || !MD->isConst();
    }
    if (const auto *U = dyn_cast<UnaryOperator>(PE))
      return U->isIncrementDecrementOp() || U->getOpcode() == UO_AddrOf;
    if (const auto *B = dyn_cast<BinaryOperator>(PE))
      return B->isAssignmentOp() && B->getLHS()->IgnoreParens() == E;
    auto ParamModifies = [&](const FunctionDecl *FD, unsigned I) {
      if (!FD || I >= FD->getNumParams())
        return true;
      const QualType T = FD->getParamDecl(I)->getType();
      if (T->isPointerType())
        return !T->getPointeeType().isConstQualified();
      return T->isReferenceType() &&
             !T.getNonReferenceType().isConstQualified();
    };
    if (const auto *Call = dyn_cast<CallExpr>(PE)) {
      for (unsigned I = 0; I < Call->getNumArgs(); ++I)
        if (Call->getArg(I)->IgnoreParens() == E)
          return ParamModifies(Call->getDirectCallee(), I);
      return true;
    }
    if (const auto *CE = dyn_cast<CXXConstructExpr>(PE)) {
      for (unsigned I = 0; I < CE->getNumArgs(); ++I)
        if (CE->getArg(I) == E)
          return ParamModifies(CE->getConstructor(), I);
      return true;
    }
    return !isa<CastExpr>(PE) && !isa<InitListExpr>(PE);
  }
  return true;
}

/// Whether \p V may be modified in \p Scope at or after \p From.
static bool modifiedAfter(const ValueDecl *V, const Stmt *Scope,
                          SourceLocation From, ASTContext &Ctx) {
  if (!Scope)
    return true;
  const SourceManager &SM = Ctx.getSourceManager();
  return anyStmt(Scope, [&](const Stmt *S) {
    const auto *DRE = dyn_cast<DeclRefExpr>(S);
    return DRE && DRE->getDecl() == V &&
           !SM.isBeforeInTranslationUnit(DRE->getBeginLoc(), From) &&
           mayModify(DRE, Ctx);
  });
}

/// A local or parameter, not a global another thread may change.
static const VarDecl *localVar(const Expr *E) {
  const auto *DRE =
      dyn_cast_or_null<DeclRefExpr>(E ? E->IgnoreParenImpCasts() : nullptr);
  const auto *V = DRE ? dyn_cast<VarDecl>(DRE->getDecl()) : nullptr;
  // A reference parameter names the caller's object, which the caller does
  // not change while it waits in this call; a local reference may alias
  // anything.
  if (!V || !(V->isLocalVarDeclOrParm()) || V->isStaticLocal() ||
      (V->getType()->isReferenceType() && !isa<ParmVarDecl>(V)))
    return nullptr;
  return V;
}

std::optional<SymbolicCount> symbolicCount(const Expr *E, const Stmt *Scope,
                                           ASTContext &Ctx) {
  if (!E || E->isValueDependent() || E->isTypeDependent())
    return std::nullopt;
  if (std::optional<int64_t> K = integerConstant(E, Ctx))
    return SymbolicCount::constant(*K);
  E = E->IgnoreParenImpCasts();
  if (const auto *B = dyn_cast<BinaryOperator>(E)) {
    std::optional<SymbolicCount> L = symbolicCount(B->getLHS(), Scope, Ctx);
    std::optional<SymbolicCount> R = symbolicCount(B->getRHS(), Scope, Ctx);
    if (!L || !R)
      return std::nullopt;
    switch (B->getOpcode()) {
    case BO_Add:
      return addCounts(*L, *R);
    case BO_Sub:
      if (std::optional<SymbolicCount> NegR =
              multiplyCounts(*R, SymbolicCount::constant(-1)))
        return addCounts(*L, *NegR);
      return std::nullopt;
    case BO_Mul:
      return multiplyCounts(*L, *R);
    default:
      return std::nullopt;
    }
  }
  if (const auto *MC = dyn_cast<CXXMemberCallExpr>(E)) {
    const CXXMethodDecl *MD = MC->getMethodDecl();
    const VarDecl *V = localVar(MC->getImplicitObjectArgument());
    if (!MD || !MD->getIdentifier() || MD->getName() != "size" ||
        MC->getNumArgs() != 0 || !V ||
        modifiedAfter(V, Scope, E->getBeginLoc(), Ctx))
      return std::nullopt;
    return SymbolicCount{V, true, 1, 0};
  }
  const VarDecl *V = localVar(E);
  if (!V || !V->getType()->isIntegerType())
    return std::nullopt;
  if (V->getType().isConstQualified() && V->getInit() && !isa<ParmVarDecl>(V))
    return symbolicCount(V->getInit(), Scope, Ctx);
  if (modifiedAfter(V, Scope, E->getBeginLoc(), Ctx))
    return std::nullopt;
  return SymbolicCount{V, false, 1, 0};
}

std::optional<SymbolicCount>
symbolicTripCount(const Stmt *Loop, const Stmt *Scope, ASTContext &Ctx) {
  if (std::optional<uint64_t> N = constantTripCount(Loop, Ctx))
    return SymbolicCount::constant(static_cast<int64_t>(*N));
  if (const auto *R = dyn_cast<CXXForRangeStmt>(Loop)) {
    const VarDecl *V = localVar(R->getRangeInit());
    if (!V || !V->getType().getNonReferenceType()->isRecordType() ||
        modifiedAfter(V, Scope, Loop->getBeginLoc(), Ctx))
      return std::nullopt;
    return SymbolicCount{V, true, 1, 0};
  }
  const auto *F = dyn_cast<ForStmt>(Loop);
  if (!F)
    return std::nullopt;
  const VarDecl *I = loopVar(F->getInit());
  if (!I || !I->getInit() || !I->getType()->isIntegerType())
    return std::nullopt;
  std::optional<int64_t> Begin = integerConstant(I->getInit(), Ctx);
  const auto *Cond = dyn_cast_or_null<BinaryOperator>(
      F->getCond() ? F->getCond()->IgnoreParenImpCasts() : nullptr);
  if (!Begin || !Cond || !refersTo(Cond->getLHS(), I))
    return std::nullopt;
  const Expr *Inc = F->getInc() ? F->getInc()->IgnoreParenImpCasts() : nullptr;
  const auto *U = dyn_cast_or_null<UnaryOperator>(Inc);
  if (!U || !U->isIncrementOp() || !refersTo(U->getSubExpr(), I) ||
      modifiedAfter(I, F->getBody(), F->getBody()->getBeginLoc(), Ctx))
    return std::nullopt;
  std::optional<SymbolicCount> End = symbolicCount(Cond->getRHS(), Scope, Ctx);
  if (!End || End->isConstant())
    return std::nullopt;
  int64_t Extra = 0;
  switch (Cond->getOpcode()) {
  case BO_LT:
  case BO_NE:
    break;
  case BO_LE:
    Extra = 1;
    break;
  default:
    return std::nullopt;
  }
  return addCounts(*End, SymbolicCount::constant(Extra - *Begin));
}

} // namespace taskleak
