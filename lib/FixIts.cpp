//===--- FixIts.cpp - edits shared by the checks ---------------------------===//
#include "lib/FixIts.h"
#include "lib/AstNav.h"
#include "lib/Library.h"

#include "clang/AST/DeclCXX.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/LambdaCapture.h"
#include "clang/Lex/Lexer.h"

using namespace clang;

namespace taskleak {


/// `true` or a non-zero integer literal, as written: a named constant may be
/// meant to change, so its loop is left alone.
static bool isLiteralTrue(const Expr *C) {
  C = C->IgnoreParenImpCasts();
  if (const auto *B = dyn_cast<CXXBoolLiteralExpr>(C))
    return B->getValue();
  if (const auto *I = dyn_cast<IntegerLiteral>(C))
    return I->getValue() != 0;
  return false;
}

std::optional<FixIts> stopRequestedLoopHeader(const Stmt *Loop,
                                              StringRef Token) {
  std::string Cond = ("!" + Token + ".stop_requested()").str();
  FixIts Fix;
  auto ReplaceCond = [&](const Expr *C) -> bool {
    if (!C || !inFile(C->getBeginLoc()) || !inFile(C->getEndLoc()) ||
        !isLiteralTrue(C))
      return false;
    Fix.push_back(FixItHint::CreateReplacement(
        CharSourceRange::getTokenRange(C->getSourceRange()), Cond));
    return true;
  };
  if (const auto *W = dyn_cast<WhileStmt>(Loop)) {
    if (!inFile(W->getWhileLoc()) || !ReplaceCond(W->getCond()))
      return std::nullopt;
    return Fix;
  }
  if (const auto *D = dyn_cast<DoStmt>(Loop)) {
    if (!inFile(D->getWhileLoc()) || !ReplaceCond(D->getCond()))
      return std::nullopt;
    return Fix;
  }
  if (const auto *F = dyn_cast<ForStmt>(Loop)) {
    if (F->getInit() || F->getInc() || F->getCond() ||
        F->getConditionVariable() || !inFile(F->getForLoc()) ||
        !inFile(F->getRParenLoc()))
      return std::nullopt;
    Fix.push_back(FixItHint::CreateReplacement(
        CharSourceRange::getTokenRange(F->getForLoc(), F->getRParenLoc()),
        "while (" + Cond + ")"));
    return Fix;
  }
  return std::nullopt;
}

std::optional<std::string> stopTokenInScope(const FunctionDecl *FD) {
  if (!FD)
    return std::nullopt;
  for (const ParmVarDecl *P : FD->parameters())
    if (Library::isStdStopTokenOrSource(P->getType()) && P->getIdentifier())
      return P->getName().str();
  if (const auto *M = dyn_cast<CXXMethodDecl>(FD))
    if (M->getParent()->isLambda())
      for (const LambdaCapture &C : M->getParent()->captures())
        if (C.capturesVariable())
          if (const auto *V = dyn_cast<VarDecl>(C.getCapturedVar()))
            if (Library::isStdStopTokenOrSource(V->getType()) &&
                V->getIdentifier())
              return V->getName().str();
  return std::nullopt;
}

} // namespace taskleak
