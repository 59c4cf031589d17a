//===--- UnconsumedChannelSendCheck.cpp - taskleak -------------------------===//
#include "checks/UnconsumedChannelSendCheck.h"

#include "lib/Matchers.h"
#include "lib/CfgPaths.h"
#include "lib/SyncObjects.h"
#include "lib/TripCounts.h"

#include "clang/Lex/Lexer.h"
#include "llvm/ADT/STLExtras.h"

using namespace clang;
using namespace clang::ast_matchers;

namespace taskleak {

void UnconsumedChannelSendCheck::registerMatchers(MatchFinder *Finder) {
  if (const Library *Lib = library())
    Finder->addMatcher(syncObjectCandidate(*Lib, /*Channels=*/true), this);
}

namespace {

enum class ChanOp { Other, Send, Receive, TryReceive, Close };

ChanOp classify(const ChannelModel &M, StringRef Method) {
  if (llvm::is_contained(M.Send, Method))
    return Library::isTrySend(Method) ? ChanOp::Other : ChanOp::Send;
  if (llvm::is_contained(M.Close, Method))
    return ChanOp::Close;
  if (llvm::is_contained(M.Receive, Method)) {
    // try_pop, pop_wait_for, try_receive: may return without a value.
    if (Library::isTryReceive(M, Method))
      return ChanOp::TryReceive;
    return ChanOp::Receive;
  }
  return ChanOp::Other;
}

constexpr unsigned Many = 1u << 20; // "not statically known, at least one"

/// The capacity argument as written, or null when it is absent (defaulted).
const Expr *capacityArg(const CXXConstructExpr *CE, unsigned Index) {
  if (!CE || Index >= CE->getNumArgs() || isa<CXXDefaultArgExpr>(CE->getArg(Index)))
    return nullptr;
  return CE->getArg(Index);
}

unsigned explicitArgs(const CXXConstructExpr *CE) {
  unsigned N = 0;
  for (const Expr *A : CE->arguments())
    if (!isa<CXXDefaultArgExpr>(A))
      ++N;
  return N;
}

std::string ownerName(const FunctionDecl *F) {
  if (const auto *M = dyn_cast<CXXMethodDecl>(F); M && M->getParent()->isLambda())
    return "the lambda";
  return F->getNameAsString();
}

} // namespace

void UnconsumedChannelSendCheck::check(const MatchFinder::MatchResult &Result) {
  const auto *Var = Result.Nodes.getNodeAs<VarDecl>("var");
  const Library *Lib = library();
  if (!Var || !Lib)
    return;
  const ChannelModel *M = Lib->channelModel(Var->getType());
  if (!M)
    return; // most candidates: a container with a push_back
  ASTContext &Ctx = *Result.Context;
  std::optional<SyncObject> Obj = analyzeSyncObject(Var, *Lib, Ctx);
  if (!Obj || Obj->Escapes)
    return;

  // The buffer size: the capacity argument, 0 when absent.
  const auto *CE = dyn_cast_or_null<CXXConstructExpr>(
      Var->getInit() ? Var->getInit()->IgnoreImplicit() : nullptr);
  if (!CE)
    return;
  int64_t Capacity = 0;
  const Expr *CapArg = M->CapacityArg ? capacityArg(CE, *M->CapacityArg) : nullptr;
  if (!CapArg && M->Inferred && M->CapacityArg) {
    // A user class: an omitted capacity is its default argument, if any.
    const CXXConstructorDecl *Ctor = CE->getConstructor();
    if (*M->CapacityArg >= CE->getNumArgs() || !Ctor ||
        *M->CapacityArg >= Ctor->getNumParams() ||
        !Ctor->getParamDecl(*M->CapacityArg)->hasDefaultArg())
      return;
    std::optional<int64_t> C = integerConstant(
        Ctor->getParamDecl(*M->CapacityArg)->getDefaultArg(), Ctx);
    if (!C)
      return;
    Capacity = *C;
  } else if (CapArg) {
    std::optional<int64_t> C = integerConstant(CapArg, Ctx);
    if (!C)
      return; // a run-time capacity: no guess
    Capacity = *C + M->CapacityAdjust;
  }

  // Sends, and who else touches the channel.
  llvm::SmallVector<const SyncOp *, 4> Sends, TaskSends;
  unsigned TotalSends = 0, TotalTaskSends = 0;
  bool AnyConsumer = false, ConsumerElsewhere = false;
  auto Add = [](unsigned A, unsigned B) { return std::min(Many, A + B); };
  for (const SyncOp &Op : Obj->Ops) {
    ChanOp K = classify(*M, Op.Method);
    if (K == ChanOp::Send) {
      // At most one per run of its function, unless in a loop.
      unsigned N = Op.InLoop ? Many : 1;
      if (Op.Task >= 0) {
        unsigned Instances = Obj->Tasks[Op.Task].Instances;
        N = Instances ? std::min(Many, N * Instances) : Many;
        TaskSends.push_back(&Op);
        TotalTaskSends = Add(TotalTaskSends, N);
      } else if (Op.Task == SyncOp::InOtherLambda) {
        return; // a lambda we do not know when runs
      }
      Sends.push_back(&Op);
      TotalSends = Add(TotalSends, N);
    } else if (K != ChanOp::Other) {
      AnyConsumer = true;
      if (Op.Task != SyncOp::InOwner)
        ConsumerElsewhere = true; // a receiver task, or a scope guard closing it
    }
  }
  if (Sends.empty())
    return;

  auto Blocks = [&](unsigned Pending) {
    return Pending >= Many ? true : static_cast<int64_t>(Pending) > Capacity;
  };
  auto CapacityFix = [&](unsigned Needed, DiagnosticBuilder &D) {
    if (Needed >= Many || !M->CapacityArg || Var->getLocation().isMacroID())
      return;
    unsigned Index = *M->CapacityArg;
    std::string N = std::to_string(Needed);
    if (CapArg) {
      const auto *Lit = dyn_cast<IntegerLiteral>(CapArg->IgnoreParenImpCasts());
      if (Lit && Lit->getValue() == 0 && Lit->getBeginLoc().isFileID())
        D << FixItHint::CreateReplacement(Lit->getSourceRange(), N);
      return;
    }
    if (explicitArgs(CE) != Index || CE->isListInitialization())
      return;
    const SourceManager &SM = Ctx.getSourceManager();
    if (Index == 0) {
      if (CE->getParenOrBraceRange().isValid())
        return;
      SourceLocation End = Lexer::getLocForEndOfToken(Var->getLocation(), 0, SM,
                                                      Ctx.getLangOpts());
      if (End.isValid())
        D << FixItHint::CreateInsertion(End, "(" + N + ")");
      return;
    }
    SourceLocation End = Lexer::getLocForEndOfToken(
        CE->getArg(Index - 1)->getEndLoc(), 0, SM, Ctx.getLangOpts());
    if (End.isValid() && End.isFileID())
      D << FixItHint::CreateInsertion(End, ", " + N);
  };

  std::string Name = Var->getNameAsString();
  // (a) Nobody ever receives or closes.
  if (!AnyConsumer) {
    if (!Blocks(TotalSends))
      return;
    for (const SyncOp *Op : Sends) {
      DiagnosticBuilder D =
          diag(Op->Call->getBeginLoc(),
               "send on channel '%0' may block forever: nothing receives from "
               "it or closes it")
          << Name;
      if (Op == Sends.front())
        CapacityFix(TotalSends, D);
    }
    return;
  }

  // (b) A path from a sending task's start to the owner's exit that receives
  // fewer values than are pending, and does not close the channel.
  if (ConsumerElsewhere || TaskSends.empty() || !Blocks(TotalTaskSends))
    return;
  unsigned Needed = TotalTaskSends >= Many
                        ? Many
                        : static_cast<unsigned>(TotalTaskSends - Capacity);
  auto Credit = [&](const Stmt *S) -> unsigned {
    for (const SyncOp &Op : Obj->Ops)
      if (Op.Call == S && Op.Task == SyncOp::InOwner) {
        ChanOp K = classify(*M, Op.Method);
        if (K == ChanOp::Close)
          return Many;
        if (K == ChanOp::Receive)
          return Op.InLoop ? Many : 1;
      }
    return 0;
  };
  // The branch on which a try-receive of the owner succeeded has received:
  // `if (ch.try_recv(v))`, `auto v = ch.recv_for(d); if (!v) return;`.
  auto IsTryReceive = [&](const Expr *E) {
    for (const SyncOp &Op : Obj->Ops)
      if (Op.Call == E && Op.Task == SyncOp::InOwner)
        return classify(*M, Op.Method) == ChanOp::TryReceive;
    return false;
  };
  auto Received = [&](const Expr *Cond, bool Taken) {
    const Expr *E = Cond->IgnoreParenImpCasts();
    while (const auto *U = dyn_cast<UnaryOperator>(E)) {
      if (U->getOpcode() != UO_LNot)
        return false;
      Taken = !Taken;
      E = U->getSubExpr()->IgnoreParenImpCasts();
    }
    if (!Taken)
      return false;
    if (const auto *MC = dyn_cast<CXXMemberCallExpr>(E)) {
      if (IsTryReceive(MC))
        return true;
      const CXXMethodDecl *MD = MC->getMethodDecl();
      if (!MD || !(isa<CXXConversionDecl>(MD) ||
                   (MD->getIdentifier() && MD->getName() == "has_value")))
        return false;
      E = MC->getImplicitObjectArgument()->IgnoreParenImpCasts();
    }
    const auto *DR = dyn_cast<DeclRefExpr>(E);
    const auto *V = DR ? dyn_cast<VarDecl>(DR->getDecl()) : nullptr;
    return V && V->getInit() && IsTryReceive(V->getInit()->IgnoreImplicit());
  };
  PathSearchOptions Search;
  Search.SettlesBranch = Received;
  std::optional<ExitPath> Path;
  llvm::SmallPtrSet<const Expr *, 4> Tried;
  for (const SyncOp *Op : TaskSends) {
    const Expr *Spawn = Obj->Tasks[Op->Task].Site.Call;
    if (!Tried.insert(Spawn).second)
      continue;
    Path = findPathWithoutCredit(Obj->Owner, Spawn, Needed, Credit, Ctx, Search);
    if (Path)
      break;
  }
  if (!Path)
    return;
  std::string Owner = ownerName(Obj->Owner);
  for (const SyncOp *Op : TaskSends) {
    {
      DiagnosticBuilder D =
          diag(Op->Call->getBeginLoc(),
               "send on channel '%0' may block forever: '%1' can return "
               "without receiving it or closing the channel")
          << Name << Owner;
      if (Op == TaskSends.front() && TotalTaskSends < Many)
        CapacityFix(TotalTaskSends, D);
    }
    if (Path->Exit)
      diag(Path->Exit->getBeginLoc(),
           "'%0' returns here without receiving from '%1'", DiagnosticIDs::Note)
          << Owner << Name;
    else if (const auto *Body = dyn_cast<CompoundStmt>(Obj->Owner->getBody()))
      diag(Body->getRBracLoc(), "'%0' ends here without receiving from '%1'",
           DiagnosticIDs::Note)
          << Owner << Name;
  }
}

} // namespace taskleak
