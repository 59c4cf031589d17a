//===--- WaitGroupMismatchCheck.cpp - taskleak -----------------------------===//
#include "checks/WaitGroupMismatchCheck.h"

#include "lib/Matchers.h"
#include "lib/CfgPaths.h"
#include "lib/SyncObjects.h"
#include "lib/TripCounts.h"

#include "clang/AST/ParentMapContext.h"
#include "clang/Lex/Lexer.h"
#include "llvm/ADT/STLExtras.h"

using namespace clang;
using namespace clang::ast_matchers;

namespace taskleak {

void WaitGroupMismatchCheck::registerMatchers(MatchFinder *Finder) {
  if (const Library *Lib = library())
    Finder->addMatcher(syncObjectCandidate(*Lib, /*Channels=*/false), this);
}

namespace {

enum class GroupOp { Other, Add, Done, Wait, DoneAndWait };

GroupOp classify(const WaitGroupModel &M, StringRef Method) {
  bool Done = llvm::is_contained(M.Done, Method);
  bool Wait = llvm::is_contained(M.Wait, Method);
  if (Done && Wait)
    return GroupOp::DoneAndWait;
  if (Done)
    return GroupOp::Done;
  if (Wait)
    return GroupOp::Wait;
  if (llvm::is_contained(M.Add, Method))
    return GroupOp::Add;
  return GroupOp::Other;
}

bool decrements(GroupOp K) {
  return K == GroupOp::Done || K == GroupOp::DoneAndWait;
}

/// How much one call decrements: its constant argument, 1 without one.
std::optional<int64_t> amount(const SyncOp &Op, const ASTContext &Ctx) {
  if (Op.Call->getNumArgs() == 0)
    return 1;
  return integerConstant(Op.Call->getArg(0), Ctx);
}

/// The statement that holds \p E directly in a compound statement.
const Stmt *enclosingStatement(const Expr *E, ASTContext &Ctx,
                               const CompoundStmt **Block) {
  DynTypedNode N = DynTypedNode::create(*E);
  for (int Guard = 0; Guard < 16; ++Guard) {
    auto Parents = Ctx.getParents(N);
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

std::string indentationOf(SourceLocation Loc, const SourceManager &SM) {
  StringRef Buffer = SM.getBufferData(SM.getFileID(Loc));
  unsigned Offset = SM.getFileOffset(Loc);
  unsigned LineStart = Offset;
  while (LineStart > 0 && Buffer[LineStart - 1] != '\n')
    --LineStart;
  StringRef Prefix = Buffer.slice(LineStart, Offset);
  return Prefix.find_first_not_of(" \t") == StringRef::npos ? Prefix.str() : "";
}

} // namespace

void WaitGroupMismatchCheck::check(const MatchFinder::MatchResult &Result) {
  const auto *Var = Result.Nodes.getNodeAs<VarDecl>("var");
  const Library *Lib = library();
  if (!Var || !Lib)
    return;
  const WaitGroupModel *M = Lib->waitGroupModel(Var->getType());
  if (!M)
    return;
  ASTContext &Ctx = *Result.Context;
  const SourceManager &SM = Ctx.getSourceManager();
  std::optional<SyncObject> Obj = analyzeSyncObject(Var, *Lib, Ctx);
  if (!Obj || Obj->Escapes)
    return;
  std::string Name = Var->getNameAsString();
  std::string WaitName = M->Wait.empty() ? "wait" : M->Wait.front();

  bool GuardDecrements = false, AddInTask = false;
  for (const SyncOp &Op : Obj->Ops) {
    GroupOp K = classify(*M, Op.Method);
    GuardDecrements |= decrements(K) && Op.Task == SyncOp::InOtherLambda;
    AddInTask |= K == GroupOp::Add && Op.Task >= 0;
  }

  // 1. Add inside the task it counts.
  for (const SyncOp &Op : Obj->Ops) {
    if (classify(*M, Op.Method) != GroupOp::Add || Op.Task < 0)
      continue;
    DiagnosticBuilder D =
        diag(Op.Call->getBeginLoc(),
             "'%0' on wait group '%1' is called inside the task it counts, so "
             "it races with '%2'; call it before starting the task")
        << Op.Method << Name << WaitName;
    // Fix-it: move the statement before the spawn statement.
    const SyncTask &T = Obj->Tasks[Op.Task];
    const LambdaExpr *L = T.Site.Task.Lambda;
    const CompoundStmt *AddBlock = nullptr, *SpawnBlock = nullptr;
    const Stmt *AddStmt = enclosingStatement(Op.Call, Ctx, &AddBlock);
    const Stmt *SpawnStmt = enclosingStatement(T.Site.Call, Ctx, &SpawnBlock);
    bool LiteralArgs = llvm::all_of(Op.Call->arguments(), [](const Expr *A) {
      return isa<IntegerLiteral>(A->IgnoreParenImpCasts()) ||
             isa<CXXDefaultArgExpr>(A);
    });
    if (!L || !T.Site.Task.LambdaIsInline || AddStmt != Op.Call || !AddBlock ||
        AddBlock != L->getBody() || !SpawnStmt || !LiteralArgs ||
        Op.Call->getBeginLoc().isMacroID() || SpawnStmt->getBeginLoc().isMacroID())
      continue;
    // The statement's text, from the call to its semicolon, by offsets.
    FileID FID = SM.getFileID(Op.Call->getBeginLoc());
    StringRef Buffer = SM.getBufferData(FID);
    unsigned Begin = SM.getFileOffset(Op.Call->getBeginLoc());
    unsigned End = SM.getFileOffset(Lexer::getLocForEndOfToken(
        Op.Call->getEndLoc(), 0, SM, Ctx.getLangOpts()));
    unsigned P = End;
    while (P < Buffer.size() && (Buffer[P] == ' ' || Buffer[P] == '\t'))
      ++P;
    if (P >= Buffer.size() || Buffer[P] != ';')
      continue;
    unsigned RemoveBegin = Begin, RemoveEnd = P + 1;
    StringRef CallText = Buffer.slice(Begin, End);
    // Remove the whole line when the statement stands alone on it.
    unsigned LineStart = Begin;
    while (LineStart > 0 && (Buffer[LineStart - 1] == ' ' || Buffer[LineStart - 1] == '\t'))
      --LineStart;
    unsigned After = RemoveEnd;
    while (After < Buffer.size() && (Buffer[After] == ' ' || Buffer[After] == '\t'))
      ++After;
    // (From the end of the previous line, so that the next line is left
    // untouched.)
    if (LineStart > 0 && Buffer[LineStart - 1] == '\n' &&
        After < Buffer.size() && Buffer[After] == '\n') {
      RemoveBegin = LineStart - 1;
      RemoveEnd = After;
    }
    SourceLocation FileStart = SM.getLocForStartOfFile(FID);
    D << FixItHint::CreateRemoval(CharSourceRange::getCharRange(
             FileStart.getLocWithOffset(RemoveBegin),
             FileStart.getLocWithOffset(RemoveEnd)))
      << FixItHint::CreateInsertion(
             SpawnStmt->getBeginLoc(),
             (CallText + ";\n" + indentationOf(SpawnStmt->getBeginLoc(), SM))
                 .str());
  }

  // 2. Done not on every path through a task; 4. wait before counting down.
  llvm::SmallPtrSet<const FunctionDecl *, 4> TaskFunctions;
  for (const SyncOp &Op : Obj->Ops)
    if (Op.Task >= 0 && decrements(classify(*M, Op.Method)))
      TaskFunctions.insert(Op.Function);
  for (const FunctionDecl *Fn : TaskFunctions) {
    llvm::SmallVector<const SyncOp *, 4> Dones, Waits;
    for (const SyncOp &Op : Obj->Ops) {
      if (Op.Function != Fn)
        continue;
      GroupOp K = classify(*M, Op.Method);
      if (decrements(K))
        Dones.push_back(&Op);
      else if (K == GroupOp::Wait)
        Waits.push_back(&Op);
    }
    llvm::sort(Dones, [&](const SyncOp *A, const SyncOp *B) {
      return SM.isBeforeInTranslationUnit(A->Call->getBeginLoc(),
                                          B->Call->getBeginLoc());
    });
    for (const SyncOp *W : Waits)
      if (SM.isBeforeInTranslationUnit(W->Call->getBeginLoc(),
                                       Dones.back()->Call->getBeginLoc()))
        diag(W->Call->getBeginLoc(),
             "task waits on wait group '%0' before counting it down, so the "
             "wait can never complete")
            << Name;
    if (GuardDecrements)
      continue; // a scope guard counts down on every path
    auto Credit = [&](const Stmt *S) -> unsigned {
      return llvm::any_of(Dones, [&](const SyncOp *Op) { return Op->Call == S; })
                 ? 1
                 : 0;
    };
    std::optional<ExitPath> Path = findPathWithoutCredit(Fn, nullptr, 1, Credit, Ctx,
                                                         /*LoopsRunOnce=*/true);
    if (!Path)
      continue;
    diag(Dones.front()->Call->getBeginLoc(),
         "'%0' on wait group '%1' is not reached on every path through the "
         "task, so '%2' can block forever; call it from a scope guard")
        << Dones.front()->Method << Name << WaitName;
    if (Path->Exit)
      diag(Path->Exit->getBeginLoc(),
           "this path leaves the task without calling '%0'", DiagnosticIDs::Note)
          << Dones.front()->Method;
    else if (const auto *Body = dyn_cast<CompoundStmt>(Fn->getBody()))
      diag(Body->getRBracLoc(), "this path leaves the task without calling '%0'",
           DiagnosticIDs::Note)
          << Dones.front()->Method;
  }

  // 3. A constant count that differs from the decrements.
  if (GuardDecrements || AddInTask)
    return;
  const Expr *CountExpr = nullptr;
  SourceLocation CountLoc;
  if (M->CountArg) {
    const auto *CE = dyn_cast_or_null<CXXConstructExpr>(
        Var->getInit() ? Var->getInit()->IgnoreImplicit() : nullptr);
    if (!CE || *M->CountArg >= CE->getNumArgs())
      return;
    CountExpr = CE->getArg(*M->CountArg);
    CountLoc = Var->getLocation();
  } else {
    const SyncOp *TheAdd = nullptr;
    for (const SyncOp &Op : Obj->Ops)
      if (classify(*M, Op.Method) == GroupOp::Add) {
        if (TheAdd || Op.Task != SyncOp::InOwner || Op.InLoop || Op.Conditional ||
            Op.Call->getNumArgs() != 1)
          return;
        TheAdd = &Op;
      }
    if (!TheAdd)
      return;
    CountExpr = TheAdd->Call->getArg(0);
    CountLoc = TheAdd->Call->getBeginLoc();
  }
  std::optional<int64_t> Count = integerConstant(CountExpr, Ctx);
  if (!Count)
    return;
  int64_t Total = 0;
  llvm::SmallVector<const Expr *, 4> Spawns;
  // A barrier's count is per phase: what must match is the number of
  // participants, each arriving once a phase (in a loop of rounds or not).
  llvm::SmallPtrSet<const FunctionDecl *, 4> Participants;
  for (const SyncOp &Op : Obj->Ops) {
    if (!decrements(classify(*M, Op.Method)))
      continue;
    std::optional<int64_t> N = M->Phased ? std::optional<int64_t>(1) : amount(Op, Ctx);
    if (!N || (Op.InLoop && !M->Phased) || Op.Conditional ||
        Op.Task == SyncOp::InOtherLambda)
      return; // not statically known
    if (M->Phased && !Participants.insert(Op.Function).second)
      continue; // one participant arriving again in a later phase
    int64_t Instances = 1;
    if (Op.Task >= 0) {
      Instances = Obj->Tasks[Op.Task].Instances;
      if (!Instances)
        return;
      for (const Expr *Spawn : Obj->Tasks[Op.Task].Spawns)
        if (!llvm::is_contained(Spawns, Spawn))
          Spawns.push_back(Spawn);
    }
    Total += *N * Instances;
  }
  if (Spawns.empty() || Total == *Count)
    return;
  {
    DiagnosticBuilder D =
        Total < *Count
            ? diag(CountLoc, "wait group '%0' is created with a count of %1 but "
                             "is counted down %2 %plural{1:time|:times}2, so "
                             "'%3' blocks forever")
            : diag(CountLoc, "wait group '%0' is created with a count of %1 but "
                             "is counted down %2 %plural{1:time|:times}2, so "
                             "the count drops below zero");
    D << Name << static_cast<int>(*Count) << static_cast<int>(Total);
    if (Total < *Count)
      D << WaitName;
    const auto *Lit = dyn_cast<IntegerLiteral>(CountExpr->IgnoreParenImpCasts());
    if (Lit && Lit->getBeginLoc().isFileID())
      D << FixItHint::CreateReplacement(Lit->getSourceRange(),
                                        std::to_string(Total));
  }
  for (const Expr *S : Spawns)
    diag(S->getBeginLoc(), "task counting it down started here",
         DiagnosticIDs::Note);
}

} // namespace taskleak
