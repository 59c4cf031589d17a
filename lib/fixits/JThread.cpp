//===--- JThread.cpp - std::thread to a stop-aware thread -----------------===//
#include "lib/fixits/JThread.h"

#include "lib/Parents.h"

#include "clang/AST/ParentMapContext.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Lex/Lexer.h"
#include "llvm/Support/Regex.h"

using namespace clang;

namespace taskleak {
namespace {

/// Every use of a local variable, to prove that turning a std::thread into a
/// std::jthread keeps the code compiling and meaning what it meant.
class VarUses : public RecursiveASTVisitor<VarUses> {
public:
  explicit VarUses(const VarDecl *V) : V(V) {}
  bool VisitDeclRefExpr(DeclRefExpr *E) {
    if (E->getDecl() == V)
      Uses.push_back(E);
    return true;
  }
  const VarDecl *V;
  llvm::SmallVector<const DeclRefExpr *, 4> Uses;
};

} // namespace

/// Whether the spawn \p S can take the fix: `std::thread t(...)` or
/// `std::thread t{...}` alone in its declaration, with the type spelled as
/// \p From's, and an inline lambda without parameters, bound arguments or a
/// result as its task.
static bool fixableDeclaration(const SpawnSite &S, const ThreadClassModel &From,
                               ASTContext &Ctx) {
  const VarDecl *VD = S.ThreadVar;
  const LambdaExpr *L = S.Task.Lambda;
  if (!Ctx.getLangOpts().CPlusPlus20 || !VD || !L || !S.Task.LambdaIsInline ||
      !S.Task.BoundArgs.empty() || isa<CXXTemporaryObjectExpr>(S.Call) ||
      !VD->getTypeSourceInfo() || VD->getInitStyle() == VarDecl::CInit)
    return false;
  // One variable per declaration: the type we change is that variable's alone.
  const DynTypedNodeList DeclParents = getParents(Ctx, *VD);
  const auto *DS =
      DeclParents.size() == 1 ? DeclParents[0].get<DeclStmt>() : nullptr;
  if (!DS || !DS->isSingleDecl())
    return false;
  const CXXMethodDecl *Op = L->getCallOperator();
  if (!Op->getReturnType()->isVoidType() || Op->getNumParams() != 0 ||
      Op->isVariadic() || L->getBeginLoc().isMacroID())
    return false;
  // The declared type must be spelled `std::thread`.
  const SourceRange TypeRange =
      VD->getTypeSourceInfo()->getTypeLoc().getSourceRange();
  return !TypeRange.getBegin().isMacroID() &&
         Lexer::getSourceText(CharSourceRange::getTokenRange(TypeRange),
                              Ctx.getSourceManager(),
                              Ctx.getLangOpts()) == From.Type;
}

/// The stop-token parameter \p Param of lambda \p L: inside its parentheses,
/// or as a new parameter list after its introducer.
static std::optional<FixItHint>
tokenParameter(const LambdaExpr *L, const std::string &Param, ASTContext &Ctx) {
  const CXXMethodDecl *Op = L->getCallOperator();
  if (L->hasExplicitParameters()) {
    const TypeLoc TL = Op->getTypeSourceInfo()->getTypeLoc().IgnoreParens();
    auto FTL = TL.getAs<FunctionProtoTypeLoc>();
    if (!FTL || FTL.getLParenLoc().isMacroID())
      return std::nullopt;
    return FixItHint::CreateInsertion(FTL.getLParenLoc().getLocWithOffset(1),
                                      Param);
  }
  const SourceLocation AfterIntroducer =
      Lexer::getLocForEndOfToken(L->getIntroducerRange().getEnd(), 0,
                                 Ctx.getSourceManager(), Ctx.getLangOpts());
  if (AfterIntroducer.isInvalid())
    return std::nullopt;
  return FixItHint::CreateInsertion(AfterIntroducer, "(" + Param + ")");
}

/// A stop request before each join of \p VD; false when a use of it is not
/// a joinable() query or a join that is a statement of its own in a block.
static bool requestStopBeforeJoins(const VarDecl *VD,
                                   const ThreadClassModel &From,
                                   const ThreadClassModel &To, ASTContext &Ctx,
                                   FixIts &Fix) {
  const auto *Owner =
      dyn_cast_or_null<FunctionDecl>(VD->getParentFunctionOrMethod());
  if (!Owner || !Owner->getBody())
    return false;
  VarUses Uses(VD);
  Uses.TraverseStmt(Owner->getBody());
  const std::string Name = VD->getName().str();
  for (const DeclRefExpr *Use : Uses.Uses) {
    // Up through the const-qualifying cast of a call to a const member.
    DynTypedNodeList Parents = getParents(Ctx, *Use);
    while (Parents.size() == 1 && Parents[0].get<ImplicitCastExpr>())
      Parents = getParents(Ctx, Parents[0]);
    const auto *ME =
        Parents.size() == 1 ? Parents[0].get<MemberExpr>() : nullptr;
    if (!ME)
      return false;
    auto MEParents = getParents(Ctx, *ME);
    const auto *Call =
        MEParents.size() == 1 ? MEParents[0].get<CXXMemberCallExpr>() : nullptr;
    if (!Call || !Call->getMethodDecl() ||
        !Call->getMethodDecl()->getIdentifier())
      return false;
    const StringRef Method = Call->getMethodDecl()->getName();
    if (Library::isJoinableQuery(From, Method))
      continue;
    if (!Library::isJoin(From, Method) || Call->getBeginLoc().isMacroID())
      return false;
    auto CallParents = getParents(Ctx, *Call);
    if (CallParents.size() != 1 || !CallParents[0].get<CompoundStmt>())
      return false;
    Fix.push_back(FixItHint::CreateInsertion(
        Call->getBeginLoc(), Name + "." + To.RequestStop.front() + "(); "));
  }
  return true;
}

/// The fix-it: std::thread -> std::jthread, a std::stop_token parameter on
/// the lambda, the loops run while no stop is requested, and a stop request
/// before each join. None unless every piece is provably safe.
std::optional<FixIts> jthreadFix(const Library &Lib, const SpawnSite &S,
                                 llvm::ArrayRef<UncancellableLoop> Loops,
                                 ASTContext &Ctx) {
  const LangOptions &LO = Ctx.getLangOpts();
  const SourceManager &SM = Ctx.getSourceManager();
  // The thread class and its stop-aware replacement, from the models.
  const ThreadClassModel *From = Lib.threadClassNamed(S.Name);
  const ThreadClassModel *To =
      From ? Lib.threadClassNamed(From->Replacement) : nullptr;
  if (!To || To->StopToken.empty() || To->RequestStop.empty() ||
      !fixableDeclaration(S, *From, Ctx))
    return std::nullopt;
  const VarDecl *VD = S.ThreadVar;
  const LambdaExpr *L = S.Task.Lambda;
  // A fresh name for the token.
  const StringRef LambdaText = Lexer::getSourceText(
      CharSourceRange::getTokenRange(L->getSourceRange()), SM, LO);
  const char *Token = "token";
  if (llvm::Regex("(^|[^A-Za-z0-9_])token([^A-Za-z0-9_]|$)").match(LambdaText))
    return std::nullopt;

  FixIts Fix;
  Fix.push_back(FixItHint::CreateReplacement(
      CharSourceRange::getTokenRange(
          VD->getTypeSourceInfo()->getTypeLoc().getSourceRange()),
      To->Type));
  std::optional<FixItHint> Param =
      tokenParameter(L, To->StopToken + " " + Token, Ctx);
  if (!Param)
    return std::nullopt;
  Fix.push_back(*Param);
  for (const UncancellableLoop &Loop : Loops) {
    if (Loop.Function != L->getCallOperator())
      return std::nullopt; // the loop is in a function the token cannot reach
    std::optional<FixIts> Header = stopRequestedLoopHeader(Loop.Loop, Token);
    if (!Header)
      return std::nullopt;
    Fix.append(Header->begin(), Header->end());
  }
  // Uses of the thread: only join() and joinable(), each join a statement of
  // its own in a block, so that a stop request can precede it.
  if (!requestStopBeforeJoins(VD, *From, *To, Ctx, Fix))
    return std::nullopt;
  return Fix;
}

} // namespace taskleak
