//===--- CfgPaths.cpp - path search over a function's CFG -----------------===//
#include "lib/CfgPaths.h"
#include "lib/Parents.h"
#include "lib/TripCounts.h"

#include "clang/AST/ParentMapContext.h"
#include "clang/AST/StmtCXX.h"
#include "clang/Analysis/CFG.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SmallPtrSet.h"

using namespace clang;

namespace taskleak {

static bool containsCredit(const Stmt *S,
                           llvm::function_ref<unsigned(const Stmt *)> Credit) {
  if (!S)
    return false;
  if (Credit(S))
    return true;
  for (const Stmt *Child : S->children())
    if (containsCredit(Child, Credit))
      return true;
  return false;
}

std::optional<ExitPath>
findPathWithoutCredit(const FunctionDecl *Fn, const Stmt *From, unsigned Needed,
                      llvm::function_ref<unsigned(const Stmt *)> Credit,
                      ASTContext &Ctx, bool LoopsRunOnce) {
  PathSearchOptions Options;
  Options.LoopsRunOnce = LoopsRunOnce;
  return findPathWithoutCredit(Fn, From, Needed, Credit, Ctx, Options);
}

/// The element of \p G where \p From is evaluated: the element that is
/// \p From, or else the first one that is an ancestor of it.
static std::optional<std::pair<const CFGBlock *, unsigned>>
findElement(const CFG &G, const Stmt *From, ASTContext &Ctx) {
  llvm::SmallPtrSet<const Stmt *, 8> Ancestors;
  DynTypedNode Node = DynTypedNode::create(*From);
  for (int Guard = 0; Guard < 16; ++Guard) {
    DynTypedNodeList Parents = getParents(Ctx, Node);
    if (Parents.size() != 1 || !Parents[0].get<Stmt>())
      break;
    Node = Parents[0];
    Ancestors.insert(Node.get<Stmt>());
  }
  std::optional<std::pair<const CFGBlock *, unsigned>> Ancestor;
  for (const CFGBlock *B : G)
    for (unsigned I = 0; I < B->size(); ++I)
      if (std::optional<CFGStmt> CS = (*B)[I].getAs<CFGStmt>()) {
        if (CS->getStmt() == From)
          return std::make_pair(B, I);
        if (!Ancestor && Ancestors.count(CS->getStmt()))
          Ancestor = std::make_pair(B, I);
      }
  return Ancestor;
}

namespace {

/// One search: a depth-first walk over (block, credit so far) states.
class PathSearch {
public:
  PathSearch(unsigned Needed, llvm::function_ref<unsigned(const Stmt *)> Credit,
             ASTContext &Ctx, const PathSearchOptions &Options)
      : Needed(Needed), Credit(Credit), Ctx(Ctx), Options(Options),
        ScopeVar(Options.UntilScopeEndOf) {}

  std::optional<ExitPath> run(const FunctionDecl *Fn, const Stmt *From) {
    CFG::BuildOptions Opts;
    if (ScopeVar) {
      Opts.AddImplicitDtors = true;
      Opts.setAllAlwaysAdd();
    }
    G = CFG::buildCFG(Fn, Fn->getBody(), &Ctx, Opts);
    if (!G || !start(From))
      return std::nullopt;
    while (!Work.empty()) {
      State S = Work.pop_back_val();
      if (S.Block == &G->getExit()) {
        if (ScopeVar) {
          // Left by a throw (the scope's destructors are not in the CFG on
          // that path); the path counts only when asked for.
          if (Options.ThrowLeavesScope &&
              isa_and_nonnull<CXXThrowExpr>(S.Exit) &&
              (!Options.AcceptsExit || Options.AcceptsExit(S.Exit)))
            return ExitPath{S.Exit};
          continue;
        }
        return ExitPath{S.Exit, S.EarlyExit};
      }
      if (S.Block->hasNoReturnElement())
        continue; // abort(), a fatal check: the process ends, nothing waits
      std::optional<ExitPath> Found;
      if (scanBlock(S, Found))
        continue;
      if (Found)
        return Found;
      pushSuccessors(S);
    }
    return std::nullopt;
  }

private:
  struct State {
    const CFGBlock *Block;
    unsigned Index;  // first element to look at
    unsigned Credit; // collected so far, capped at Needed
    const Stmt *Exit;
    const Stmt *EarlyExit = nullptr;
  };

  /// The loop with a credit that \p S (a break or a return) leaves early.
  const Stmt *creditedLoopLeft(const Stmt *S) {
    if (!Options.LoopCredit)
      return nullptr;
    DynTypedNode N = DynTypedNode::create(*S);
    for (int Guard = 0; Guard < 64; ++Guard) {
      const DynTypedNodeList Parents = getParents(Ctx, N);
      if (Parents.size() != 1)
        return nullptr;
      N = Parents[0];
      const Stmt *P = N.get<Stmt>();
      if (!P)
        return nullptr; // a declaration: the function (or a lambda) ends
      if (isa<LambdaExpr>(P))
        return nullptr;
      const bool IsLoop = isa<ForStmt>(P) || isa<CXXForRangeStmt>(P) ||
                          isa<WhileStmt>(P) || isa<DoStmt>(P);
      if (IsLoop && Options.LoopCredit(P))
        return P;
      if (isa<BreakStmt>(S) && (IsLoop || isa<SwitchStmt>(P)))
        return nullptr; // the innermost target of the break is not credited
    }
    return nullptr;
  }

  /// The first state: just after \p From, or the entry.
  bool start(const Stmt *From) {
    if (!From) {
      Work.push_back({&G->getEntry(), 0, 0, nullptr});
      return true;
    }
    if (ScopeVar) {
      std::optional<std::pair<const CFGBlock *, unsigned>> At =
          findElement(*G, From, Ctx);
      if (At)
        Work.push_back({At->first, At->second + 1, 0, nullptr});
      return At.has_value();
    }
    for (const CFGBlock *B : *G)
      for (unsigned I = 0; I < B->size(); ++I)
        if (std::optional<CFGStmt> CS = (*B)[I].getAs<CFGStmt>())
          if (CS->getStmt() == From) {
            Work.push_back({B, I + 1, 0, nullptr});
            return true;
          }
    return false;
  }

  /// Walks the rest of the block of \p S, collecting credit. True when the
  /// path needs no more (enough credit, or a scope end we do not report);
  /// sets \p Found at a scope end that counts.
  bool scanBlock(State &S, std::optional<ExitPath> &Found) {
    for (unsigned I = S.Index; I < S.Block->size(); ++I) {
      if (ScopeVar)
        if (std::optional<CFGAutomaticObjDtor> D =
                (*S.Block)[I].getAs<CFGAutomaticObjDtor>();
            D && D->getVarDecl() == ScopeVar) {
          if (!Options.AcceptsExit || Options.AcceptsExit(D->getTriggerStmt())) {
            Found = ExitPath{D->getTriggerStmt()};
            return false;
          }
          return true; // this way out is not one we report
        }
      std::optional<CFGStmt> CS = (*S.Block)[I].getAs<CFGStmt>();
      if (!CS)
        continue;
      const Stmt *St = CS->getStmt();
      unsigned C = Credit(St);
      S.Credit = C >= Needed - S.Credit ? Needed : S.Credit + C;
      if (S.Credit >= Needed)
        return true;
      if (isa<ReturnStmt>(St) || isa<CXXThrowExpr>(St) ||
          isa<CoreturnStmt>(St)) {
        S.Exit = St;
        if (!S.EarlyExit && creditedLoopLeft(St))
          S.EarlyExit = St;
      }
    }
    return false;
  }

  void pushSuccessors(const State &S) {
    // A loop with a constant, non-zero trip count is entered: its first
    // round runs (the CFG does not know `i < 3` holds for `i = 0`).
    bool Entered = false;
    if (const Stmt *T = S.Block->getTerminatorStmt())
      if (isa<ForStmt>(T) || isa<CXXForRangeStmt>(T))
        if (std::optional<uint64_t> N = constantTripCount(T, Ctx);
            N && *N > 0 && (Options.LoopsRunOnce || containsCredit(T, Credit)))
          Entered = true;
    // A branch that settles the need (the false edge of `t.joinable()`).
    const Expr *Cond = nullptr;
    if (Options.SettlesBranch && S.Block->succ_size() == 2)
      Cond = dyn_cast_or_null<Expr>(S.Block->getTerminatorCondition());
    // A credited loop gives its credit on its exit edge; a break out of it
    // leaves early.
    const Stmt *T = S.Block->getTerminatorStmt();
    unsigned ExitCredit = 0;
    if (Options.LoopCredit && T &&
        (isa<ForStmt>(T) || isa<CXXForRangeStmt>(T) || isa<WhileStmt>(T) ||
         isa<DoStmt>(T)))
      ExitCredit = Options.LoopCredit(T);
    const Stmt *EarlyExit = S.EarlyExit;
    if (!EarlyExit && T && isa<BreakStmt>(T) && creditedLoopLeft(T))
      EarlyExit = T;
    // A thrown exception reaches a handler of the try: the CFG's edge for an
    // exception that no handler matches is not followed (the handlers' types
    // are not compared with the thrown one).
    const bool TryDispatch =
        Options.ThrowLeavesScope && T && isa<CXXTryStmt>(T);
    unsigned SuccIndex = 0;
    for (const CFGBlock::AdjacentBlock &Succ : S.Block->succs()) {
      unsigned Index = SuccIndex++;
      if (TryDispatch && (!Succ.getReachableBlock() ||
                          !isa_and_nonnull<CXXCatchStmt>(
                              Succ.getReachableBlock()->getLabel())))
        continue;
      if (Entered && Index == 1)
        continue; // the exit edge of the loop
      if (Cond && Options.SettlesBranch(Cond, Index == 0))
        continue;
      const CFGBlock *Next = Succ.getReachableBlock();
      unsigned Credit = S.Credit;
      if (Index == 1 && ExitCredit)
        Credit = ExitCredit >= Needed - Credit ? Needed : Credit + ExitCredit;
      if (Credit >= Needed)
        continue;
      if (!Next || !Seen.insert({Next, Credit}).second)
        continue;
      Work.push_back({Next, 0, Credit, S.Exit, EarlyExit});
    }
  }

  unsigned Needed;
  llvm::function_ref<unsigned(const Stmt *)> Credit;
  ASTContext &Ctx;
  const PathSearchOptions &Options;
  const VarDecl *ScopeVar;
  std::unique_ptr<CFG> G;
  llvm::SmallVector<State, 16> Work;
  llvm::DenseSet<std::pair<const CFGBlock *, unsigned>> Seen;
};

} // namespace

std::optional<ExitPath>
findPathWithoutCredit(const FunctionDecl *Fn, const Stmt *From, unsigned Needed,
                      llvm::function_ref<unsigned(const Stmt *)> Credit,
                      ASTContext &Ctx, const PathSearchOptions &Options) {
  if (!Fn || !Fn->getBody() || Needed == 0)
    return std::nullopt;
  return PathSearch(Needed, Credit, Ctx, Options).run(Fn, From);
}

} // namespace taskleak
