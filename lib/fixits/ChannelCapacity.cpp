//===--- ChannelCapacity.cpp - give a channel room for its sends ----------===//
#include "lib/fixits/ChannelCapacity.h"
#include "lib/ChannelSends.h"

#include "clang/AST/ExprCXX.h"
#include "clang/Lex/Lexer.h"

using namespace clang;

namespace taskleak {

static unsigned explicitArgs(const CXXConstructExpr *CE) {
  unsigned N = 0;
  for (const Expr *A : CE->arguments())
    if (!isa<CXXDefaultArgExpr>(A))
      ++N;
  return N;
}

std::optional<FixItHint>
channelCapacityFix(const VarDecl *Var, const ChannelModel &M,
                   const Library &Lib, unsigned Capacity, ASTContext &Ctx) {
  if (!M.CapacityArg || Var->getLocation().isMacroID())
    return std::nullopt;
  std::optional<ChannelConstruction> C = channelConstruction(Var, M, Lib);
  if (!C)
    return std::nullopt;
  unsigned Index = *M.CapacityArg;
  std::string N = std::to_string(Capacity);
  if (C->CapacityArg) {
    const auto *Lit =
        dyn_cast<IntegerLiteral>(C->CapacityArg->IgnoreParenImpCasts());
    if (Lit && Lit->getValue() == 0 && Lit->getBeginLoc().isFileID())
      return FixItHint::CreateReplacement(Lit->getSourceRange(), N);
    return std::nullopt;
  }
  const CXXConstructExpr *CE = C->Construct;
  if (!CE || explicitArgs(CE) != Index || CE->isListInitialization())
    return std::nullopt;
  const SourceManager &SM = Ctx.getSourceManager();
  if (Index == 0) {
    // `Chan ch;` becomes `Chan ch(N);`; not so the object of a handle.
    if (CE->getParenOrBraceRange().isValid() ||
        !Lib.ownedObjectType(Var->getType()).isNull())
      return std::nullopt;
    SourceLocation End = Lexer::getLocForEndOfToken(Var->getLocation(), 0, SM,
                                                    Ctx.getLangOpts());
    if (End.isValid())
      return FixItHint::CreateInsertion(End, "(" + N + ")");
    return std::nullopt;
  }
  SourceLocation End = Lexer::getLocForEndOfToken(
      CE->getArg(Index - 1)->getEndLoc(), 0, SM, Ctx.getLangOpts());
  if (End.isValid() && End.isFileID())
    return FixItHint::CreateInsertion(End, ", " + N);
  return std::nullopt;
}

} // namespace taskleak
