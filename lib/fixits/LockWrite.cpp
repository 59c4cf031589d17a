//===--- LockWrite.cpp - make a write under the waiter's mutex ------------===//
#include "lib/fixits/LockWrite.h"
#include "lib/AstNav.h"

#include "clang/AST/DeclCXX.h"
#include "clang/AST/ExprCXX.h"
#include "clang/Lex/Lexer.h"

using namespace clang;

namespace taskleak {

/// Whether \p Mutex can be named by its plain name in \p FD.
static bool nameable(const ValueDecl *Mutex, const FunctionDecl *FD) {
  if (const auto *Field = dyn_cast<FieldDecl>(Mutex)) {
    const auto *MD = dyn_cast<CXXMethodDecl>(FD);
    const auto *Owner = dyn_cast<CXXRecordDecl>(Field->getParent());
    return MD && Owner && !MD->isStatic() && !MD->getParent()->isLambda() &&
           (MD->getParent()->getCanonicalDecl() == Owner->getCanonicalDecl() ||
            MD->getParent()->isDerivedFrom(Owner));
  }
  if (const auto *VD = dyn_cast<VarDecl>(Mutex))
    return (VD->hasGlobalStorage() &&
            isa<TranslationUnitDecl>(VD->getDeclContext())) ||
           VD->getDeclContext() == FD;
  return false;
}

std::optional<FixIts> lockWriteFix(const Expr *Write, const FunctionDecl *FD,
                                   const ValueDecl *Mutex, const Library &Lib,
                                   ASTContext &Ctx) {
  if (!Write || !FD || !Mutex ||
      !isa_and_nonnull<CompoundStmt>(
          parentOf(*static_cast<const Stmt *>(Write), Ctx).get<Stmt>()))
    return std::nullopt;
  const QualType T = Mutex->getType().getNonReferenceType();
  const MutexModel *M = Lib.mutexModel(T);
  if (!M || M->Guard.empty() || !nameable(Mutex, FD))
    return std::nullopt;
  const SourceManager &SM = Ctx.getSourceManager();
  const SourceLocation Begin = Write->getBeginLoc();
  const SourceLocation AfterSemi = Lexer::findLocationAfterToken(
      Write->getEndLoc(), tok::semi, SM, Ctx.getLangOpts(),
      /*SkipTrailingWhitespaceAndNewLine=*/false);
  if (!inFile(Begin) || !inFile(Write->getEndLoc()) || AfterSemi.isInvalid())
    return std::nullopt;
  // A guard name the write does not use.
  std::string Name = "lk";
  for (bool Clash = true; Clash;) {
    Clash = false;
    llvm::SmallVector<const Stmt *, 8> Work{Write};
    while (!Work.empty() && !Clash) {
      const Stmt *S = Work.pop_back_val();
      const NamedDecl *D = nullptr;
      if (const auto *DRE = dyn_cast_or_null<DeclRefExpr>(S))
        D = DRE->getDecl();
      if (const auto *ME = dyn_cast_or_null<MemberExpr>(S))
        D = ME->getMemberDecl();
      Clash = D && D->getIdentifier() && D->getName() == Name;
      if (S)
        Work.append(S->child_begin(), S->child_end());
    }
    if (Clash)
      Name += "_";
  }
  PrintingPolicy PP(Ctx.getLangOpts());
  PP.SuppressTagKeyword = true;
  const std::string Guard = M->Guard + "<" +
                            T.getUnqualifiedType().getAsString(PP) + "> " +
                            Name + "(" + Mutex->getName().str() + "); ";
  FixIts Out;
  Out.push_back(FixItHint::CreateInsertion(Begin, "{ " + Guard));
  Out.push_back(FixItHint::CreateInsertion(AfterSemi, " }"));
  return Out;
}

} // namespace taskleak
