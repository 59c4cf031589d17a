//===--- LoopCapturesFix.cpp - by-value capture fix-its -------------------===//
//
// byValueFixes (lib/LoopCaptures.h): make a by-reference capture of an
// iteration variable a copy where that is provably safe.
//
//===----------------------------------------------------------------------===//
#include "lib/AstNav.h"
#include "lib/LoopCaptures.h"
#include "lib/VariableUses.h"

#include "clang/AST/DeclCXX.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/StmtCXX.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"
#include "llvm/ADT/StringExtras.h"

using namespace clang;

namespace taskleak {

namespace {

/// Whether \p L's body (captures of nested lambdas included) only reads
/// \p V, so that a by-value capture compiles and behaves the same.
bool lambdaOnlyReads(const LambdaExpr *L, const VarDecl *V, ASTContext &Ctx) {
  bool OK = true;
  forEachRef(L->getBody(), V, [&](const DeclRefExpr *DRE) {
    if (OK && !isHarmlessUse(DRE, Ctx) && !isReadOnlyUse(DRE, Ctx))
      OK = false;
  });
  return OK;
}

bool safeToCopyInto(const LambdaExpr *L, const ValueDecl *V, ASTContext &Ctx) {
  const auto *VD = dyn_cast<VarDecl>(V);
  return VD && !isa<DecompositionDecl>(VD) && VD->getIdentifier() &&
         isCopyable(VD->getType()) && inFile(L->getBeginLoc()) &&
         inFile(L->getEndLoc()) && lambdaOnlyReads(L, VD, Ctx);
}

} // namespace

llvm::SmallVector<std::optional<FixIts>, 2>
byValueFixes(llvm::ArrayRef<IterationCapture> Captures, const SpawnSite &S,
             ASTContext &Ctx) {
  llvm::SmallVector<std::optional<FixIts>, 2> Out(Captures.size());
  const SourceManager &SM = Ctx.getSourceManager();
  const LangOptions &LO = Ctx.getLangOpts();
  // A coroutine lambda keeps its captures in the closure, not in the
  // coroutine frame: a copy would dangle as well.
  const LambdaExpr *L = S.Task.LambdaIsInline && S.Task.Lambda &&
                                !isa_and_nonnull<CoroutineBodyStmt>(
                                    S.Task.Lambda->getCallOperator()->getBody())
                            ? S.Task.Lambda
                            : nullptr;
  std::string Implicit;
  int FirstImplicit = -1;
  for (unsigned I = 0; I < Captures.size(); ++I) {
    const TaskReference &R = Captures[I].Ref;
    switch (R.Kind) {
    case ReferenceKind::ExplicitCapture: {
      if (!L || !R.Capture || L->isInitCapture(R.Capture) ||
          R.Capture->isPackExpansion() || !safeToCopyInto(L, R.Var, Ctx))
        break;
      // The `&` before the name.
      SourceLocation NameLoc = R.Capture->getLocation();
      if (!inFile(NameLoc))
        break;
      bool Invalid = false;
      const char *Name = SM.getCharacterData(NameLoc, &Invalid);
      if (Invalid)
        break;
      FileID FID = SM.getFileID(NameLoc);
      const char *Start = SM.getBufferData(FID).data();
      const char *Amp = Name;
      while (Amp > Start && llvm::isSpace(Amp[-1]))
        --Amp;
      if (Amp == Start || Amp[-1] != '&')
        break;
      --Amp;
      SourceLocation AmpLoc = NameLoc.getLocWithOffset(-(Name - Amp));
      Out[I] = FixIts{FixItHint::CreateRemoval(
          CharSourceRange::getCharRange(AmpLoc, NameLoc))};
      break;
    }
    case ReferenceKind::ImplicitCapture: {
      if (!L || L->getCaptureDefault() != LCD_ByRef ||
          !inFile(L->getCaptureDefaultLoc()) || !safeToCopyInto(L, R.Var, Ctx))
        break;
      Implicit += ", " + R.Var->getName().str();
      if (FirstImplicit < 0)
        FirstImplicit = static_cast<int>(I);
      break;
    }
    case ReferenceKind::StdRef: {
      SpawnKind K = S.Model->Kind;
      const auto *VD = dyn_cast_or_null<VarDecl>(R.Var);
      const auto *Call = dyn_cast_or_null<CallExpr>(R.Arg);
      if ((K != SpawnKind::StdThread && K != SpawnKind::JThread &&
           K != SpawnKind::Async) ||
          !VD || isa<DecompositionDecl>(VD) || !R.Param || !Call ||
          !isCopyable(VD->getType()))
        break;
      QualType PT = R.Param->getType();
      if (PT->isDependentType() ||
          (PT->isReferenceType() &&
           !(PT->isLValueReferenceType() &&
             PT.getNonReferenceType().isConstQualified() &&
             !PT.getNonReferenceType().isVolatileQualified())))
        break;
      const Expr *Inner = Call->getArg(0)->IgnoreParenImpCasts();
      if (!inFile(Call->getBeginLoc()) || !inFile(Call->getEndLoc()) ||
          !inFile(Inner->getBeginLoc()) || !inFile(Inner->getEndLoc()))
        break;
      StringRef Text = Lexer::getSourceText(
          CharSourceRange::getTokenRange(Inner->getSourceRange()), SM, LO);
      if (Text.empty())
        break;
      Out[I] = FixIts{FixItHint::CreateReplacement(
          CharSourceRange::getTokenRange(Call->getSourceRange()), Text)};
      break;
    }
    default:
      break;
    }
  }
  if (FirstImplicit >= 0)
    Out[FirstImplicit] = FixIts{FixItHint::CreateInsertion(
        L->getCaptureDefaultLoc().getLocWithOffset(1), Implicit)};
  return Out;
}

} // namespace taskleak
