//===--- MoveBeforeSpawn.cpp - count before starting the task -------------===//
#include "lib/Parents.h"
#include "lib/fixits/MoveBeforeSpawn.h"

#include "clang/AST/ParentMapContext.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"
#include "llvm/ADT/STLExtras.h"

using namespace clang;

namespace taskleak {

/// The statement that holds \p E directly in a compound statement.
static const Stmt *enclosingStatement(const Expr *E, ASTContext &Ctx,
                                      const CompoundStmt **Block) {
  DynTypedNode N = DynTypedNode::create(*E);
  for (int Guard = 0; Guard < 16; ++Guard) {
    auto Parents = getParents(Ctx, N);
    if (Parents.size() != 1)
      return nullptr;
    if (const auto *CS = Parents[0].get<CompoundStmt>()) {
      *Block = CS;
      return N.get<Stmt>();
    }
    if (!Parents[0].get<Expr>() && !Parents[0].get<DeclStmt>() &&
        !Parents[0].get<VarDecl>())
      return nullptr;
    N = Parents[0];
  }
  return nullptr;
}

static std::string indentationOf(SourceLocation Loc, const SourceManager &SM) {
  StringRef Buffer = SM.getBufferData(SM.getFileID(Loc));
  unsigned Offset = SM.getFileOffset(Loc);
  unsigned LineStart = Offset;
  while (LineStart > 0 && Buffer[LineStart - 1] != '\n')
    --LineStart;
  StringRef Prefix = Buffer.slice(LineStart, Offset);
  return Prefix.find_first_not_of(" \t") == StringRef::npos ? Prefix.str() : "";
}

/// Every name in \p E is also visible outside lambda \p L: none is a
/// parameter, local or init-capture of the lambda.
static bool namesOutside(const Stmt *E, const LambdaExpr *L) {
  if (!E)
    return true;
  if (const auto *DRE = dyn_cast<DeclRefExpr>(E)) {
    const auto *V = dyn_cast<VarDecl>(DRE->getDecl());
    if (V &&
        (V->isInitCapture() || V->getDeclContext() == L->getCallOperator()))
      return false;
  }
  return llvm::all_of(E->children(),
                      [&](const Stmt *C) { return namesOutside(C, L); });
}

std::optional<FixIts> moveBeforeSpawnFix(const CXXMemberCallExpr *Add,
                                         const SpawnSite &Spawn,
                                         ASTContext &Ctx) {
  const SourceManager &SM = Ctx.getSourceManager();
  const LambdaExpr *L = Spawn.Task.Lambda;
  const CompoundStmt *AddBlock = nullptr, *SpawnBlock = nullptr;
  const Stmt *AddStmt = enclosingStatement(Add, Ctx, &AddBlock);
  const Stmt *SpawnStmt = enclosingStatement(Spawn.Call, Ctx, &SpawnBlock);
  bool LiteralArgs = llvm::all_of(Add->arguments(), [](const Expr *A) {
    return isa<IntegerLiteral>(A->IgnoreParenImpCasts()) ||
           isa<CXXDefaultArgExpr>(A);
  });
  if (!L || !namesOutside(Add->getImplicitObjectArgument(), L) ||
      !Spawn.Task.LambdaIsInline || AddStmt != Add || !AddBlock ||
      AddBlock != L->getBody() || !SpawnStmt || !LiteralArgs ||
      Add->getBeginLoc().isMacroID() || SpawnStmt->getBeginLoc().isMacroID())
    return std::nullopt;
  // The statement's text, from the call to its semicolon, by offsets.
  FileID FID = SM.getFileID(Add->getBeginLoc());
  StringRef Buffer = SM.getBufferData(FID);
  unsigned Begin = SM.getFileOffset(Add->getBeginLoc());
  unsigned End = SM.getFileOffset(Lexer::getLocForEndOfToken(
      Add->getEndLoc(), 0, SM, Ctx.getLangOpts()));
  unsigned P = End;
  while (P < Buffer.size() && (Buffer[P] == ' ' || Buffer[P] == '\t'))
    ++P;
  if (P >= Buffer.size() || Buffer[P] != ';')
    return std::nullopt;
  unsigned RemoveBegin = Begin, RemoveEnd = P + 1;
  StringRef CallText = Buffer.slice(Begin, End);
  // Remove the whole line when the statement stands alone on it (from the
  // end of the previous line, so that the next line is left untouched).
  unsigned LineStart = Begin;
  while (LineStart > 0 &&
         (Buffer[LineStart - 1] == ' ' || Buffer[LineStart - 1] == '\t'))
    --LineStart;
  unsigned After = RemoveEnd;
  while (After < Buffer.size() && (Buffer[After] == ' ' || Buffer[After] == '\t'))
    ++After;
  if (LineStart > 0 && Buffer[LineStart - 1] == '\n' &&
      After < Buffer.size() && Buffer[After] == '\n') {
    RemoveBegin = LineStart - 1;
    RemoveEnd = After;
  }
  SourceLocation FileStart = SM.getLocForStartOfFile(FID);
  return FixIts{
      FixItHint::CreateRemoval(CharSourceRange::getCharRange(
          FileStart.getLocWithOffset(RemoveBegin),
          FileStart.getLocWithOffset(RemoveEnd))),
      FixItHint::CreateInsertion(
          SpawnStmt->getBeginLoc(),
          (CallText + ";\n" + indentationOf(SpawnStmt->getBeginLoc(), SM))
              .str())};
}

} // namespace taskleak
