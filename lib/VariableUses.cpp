//===--- VariableUses.cpp - what a use of a variable does to it -----------===//
#include "lib/VariableUses.h"
#include "lib/AstNav.h"
#include "lib/Library.h"

#include "clang/AST/DeclCXX.h"
#include "clang/AST/ExprCXX.h"

using namespace clang;

namespace taskleak {

/// Calls `F` on every DeclRefExpr to \p D in \p S, nested lambdas included.
/// A nested lambda's plain captures (`[&u]`, `[u]`) are not uses of their own:
/// its body names what it uses; init-captures (`[x = std::move(u)]`) are.
void forEachRef(const Stmt *S, const ValueDecl *D,
                llvm::function_ref<void(const DeclRefExpr *)> F) {
  if (!S)
    return;
  if (const auto *DRE = dyn_cast<DeclRefExpr>(S); DRE && DRE->getDecl() == D)
    F(DRE);
  if (const auto *L = dyn_cast<LambdaExpr>(S)) {
    for (auto C = L->capture_begin(); C != L->capture_end(); ++C)
      if (L->isInitCapture(C) && C->capturesVariable())
        if (const auto *VD = dyn_cast<VarDecl>(C->getCapturedVar()))
          forEachRef(VD->getInit(), D, F);
    forEachRef(L->getBody(), D, F);
    return;
  }
  for (const Stmt *Child : S->children())
    forEachRef(Child, D, F);
}

/// The expression above \p E, skipping parentheses.
static const Expr *parentExprSkippingParens(const Expr *E, ASTContext &Ctx) {
  DynTypedNode P = parentOf(*E, Ctx);
  while (const auto *PE = P.get<ParenExpr>())
    P = parentOf(*PE, Ctx);
  return P.get<Expr>();
}

/// A use that neither reads nor writes the object: an unevaluated operand, a
/// constant, or its address compared with another.
bool isHarmlessUse(const DeclRefExpr *DRE, ASTContext &Ctx) {
  if (DRE->isNonOdrUse() != NOUR_None)
    return true;
  const auto *Addr =
      dyn_cast_or_null<UnaryOperator>(parentExprSkippingParens(DRE, Ctx));
  if (!Addr || Addr->getOpcode() != UO_AddrOf)
    return false;
  const Expr *Up = Addr;
  for (int Guard = 0; Guard < 8; ++Guard) {
    const Expr *P = parentExprSkippingParens(Up, Ctx);
    if (!P)
      return false;
    if (const auto *Cast = dyn_cast<ImplicitCastExpr>(P)) {
      Up = Cast;
      continue;
    }
    const auto *BO = dyn_cast<BinaryOperator>(P);
    return BO && BO->isComparisonOp();
  }
  return false;
}

/// The first use of \p D in \p S that reads or writes it.
const DeclRefExpr *firstRealUse(const Stmt *S, const ValueDecl *D,
                                ASTContext &Ctx) {
  const DeclRefExpr *First = nullptr;
  forEachRef(S, D, [&](const DeclRefExpr *DRE) {
    if (!First && !isHarmlessUse(DRE, Ctx))
      First = DRE;
  });
  return First;
}

bool isRefWrapperCall(const CallExpr *Call, const Library &Lib) {
  const FunctionDecl *FD = Call ? Call->getDirectCallee() : nullptr;
  return FD && Lib.isReferenceWrapperCall(Call);
}

const ValueDecl *baseDecl(const Expr *E, const Library &Lib) {
  for (int Guard = 0; E && Guard < 16; ++Guard) {
    E = E->IgnoreParenCasts();
    if (const auto *EWC = dyn_cast<ExprWithCleanups>(E)) {
      E = EWC->getSubExpr();
      continue;
    }
    if (const auto *MT = dyn_cast<MaterializeTemporaryExpr>(E)) {
      E = MT->getSubExpr();
      continue;
    }
    if (const auto *BT = dyn_cast<CXXBindTemporaryExpr>(E)) {
      E = BT->getSubExpr();
      continue;
    }
    if (const auto *DRE = dyn_cast<DeclRefExpr>(E))
      return DRE->getDecl();
    if (const auto *ME = dyn_cast<MemberExpr>(E)) {
      if (isa<CXXThisExpr>(ME->getBase()->IgnoreParenImpCasts()))
        return ME->getMemberDecl();
      E = ME->getBase();
      continue;
    }
    if (const auto *AS = dyn_cast<ArraySubscriptExpr>(E)) {
      E = AS->getBase();
      continue;
    }
    if (const auto *UO = dyn_cast<UnaryOperator>(E)) {
      if (UO->getOpcode() != UO_Deref && UO->getOpcode() != UO_AddrOf)
        return nullptr;
      E = UO->getSubExpr();
      continue;
    }
    if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(E)) {
      OverloadedOperatorKind K = Op->getOperator();
      if ((K != OO_Subscript && K != OO_Arrow && K != OO_Star) ||
          Op->getNumArgs() < 1)
        return nullptr;
      E = Op->getArg(0);
      continue;
    }
    if (const auto *MC = dyn_cast<CXXMemberCallExpr>(E)) {
      const CXXMethodDecl *M = MC->getMethodDecl();
      if (!M || !M->getIdentifier())
        return nullptr;
      StringRef N = M->getName();
      if (N != "front" && N != "back" && N != "at" && N != "get" &&
          N != "begin" && N != "end" && N != "cbegin" && N != "cend" &&
          N != "value" && N != "get_future")
        return nullptr;
      E = MC->getImplicitObjectArgument();
      continue;
    }
    if (const auto *Call = dyn_cast<CallExpr>(E)) {
      const FunctionDecl *FD = Call->getDirectCallee();
      if (FD && Call->getNumArgs() >= 1 &&
          (Call->isCallToStdMove() || Lib.isMoveFunction(FD) ||
           Lib.isObjectAccessor(FD) || isRefWrapperCall(Call, Lib))) {
        E = Call->getArg(0);
        continue;
      }
      return nullptr;
    }
    return nullptr;
  }
  return nullptr;
}

bool isCopyable(QualType T) {
  if (T.isNull() || T->isDependentType() || T.isVolatileQualified() ||
      T->isArrayType() || T->isReferenceType())
    return false;
  const CXXRecordDecl *RD = T->getAsCXXRecordDecl();
  if (!RD)
    return T->isScalarType();
  if (!RD->hasDefinition())
    return false;
  RD = RD->getDefinition();
  if (RD->isAbstract())
    return false;
  if (RD->needsImplicitCopyConstructor())
    return !RD->defaultedCopyConstructorIsDeleted();
  for (const CXXConstructorDecl *C : RD->ctors()) {
    unsigned Quals = 0;
    if (C->isCopyConstructor(Quals) && (Quals & Qualifiers::Const) &&
        !C->isDeleted() && C->getAccess() == AS_public)
      return true;
  }
  return false;
}

bool isReadOnlyUse(const Expr *E, ASTContext &Ctx) {
  for (int Guard = 0; E && Guard < 16; ++Guard) {
    DynTypedNode PN = parentOf(*E, Ctx);
    if (const auto *VD = PN.get<VarDecl>()) // `const T &r = u;`, `T c = u;`
      return VD->getInit() == E && VD->getType()->isLValueReferenceType() &&
             VD->getType().getNonReferenceType().isConstQualified();
    const auto *P = PN.get<Expr>();
    if (!P)
      return false; // a statement (a range-for's range, a discarded use)
    if (isa<ParenExpr>(P)) {
      E = P;
      continue;
    }
    if (const auto *Cast = dyn_cast<ImplicitCastExpr>(P)) {
      switch (Cast->getCastKind()) {
      case CK_LValueToRValue:
        return true;
      case CK_NoOp:
      case CK_DerivedToBase:
      case CK_UncheckedDerivedToBase:
        if (Cast->getType().isConstQualified())
          return true;
        E = P;
        continue;
      default:
        return false;
      }
    }
    if (isa<UnaryExprOrTypeTraitExpr>(P))
      return true;
    if (const auto *ME = dyn_cast<MemberExpr>(P)) {
      if (ME->isArrow())
        return false;
      if (const auto *M = dyn_cast<CXXMethodDecl>(ME->getMemberDecl()))
        return M->isConst();
      if (const auto *F = dyn_cast<FieldDecl>(ME->getMemberDecl())) {
        if (F->isMutable())
          return false;
        E = P;
        continue;
      }
      return false;
    }
    auto ParamIsConstRef = [](QualType PT) {
      return PT->isLValueReferenceType() &&
             PT.getNonReferenceType().isConstQualified() &&
             !PT.getNonReferenceType().isVolatileQualified();
    };
    if (const auto *CE = dyn_cast<CXXConstructExpr>(P)) {
      const CXXConstructorDecl *Ctor = CE->getConstructor();
      for (unsigned I = 0; Ctor && I < CE->getNumArgs(); ++I)
        if (CE->getArg(I) == E)
          return I < Ctor->getNumParams() &&
                 ParamIsConstRef(Ctor->getParamDecl(I)->getType());
      return false;
    }
    if (const auto *Call = dyn_cast<CallExpr>(P)) {
      const FunctionDecl *FD = Call->getDirectCallee();
      if (!FD)
        return false;
      unsigned Offset = 0;
      if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(Call))
        if (const auto *M = dyn_cast<CXXMethodDecl>(FD); M && M->isInstance()) {
          if (Op->getNumArgs() >= 1 && Op->getArg(0) == E)
            return M->isConst();
          Offset = 1;
        }
      for (unsigned I = Offset; I < Call->getNumArgs(); ++I)
        if (Call->getArg(I) == E)
          return I - Offset < FD->getNumParams() &&
                 ParamIsConstRef(FD->getParamDecl(I - Offset)->getType());
      return false;
    }
    return false;
  }
  return false;
}

} // namespace taskleak
