//===--- LostWakeupFinder.h - the lost wake-up search, inside -*- C++ -*-===//
//
// The search behind lib/LostWakeup.h, shared by its three files (not a
// public header): the facts of the translation unit (the waits, what their
// conditions read, the writes of it: LostWakeupFacts.cpp), order and locks
// (what follows a statement, whether a mutex is held there:
// LostWakeupOrder.cpp), and the rules that turn them into findings
// (LostWakeup.cpp).
//
//===----------------------------------------------------------------------===//
#ifndef TASKLEAK_LIB_LOSTWAKEUPFINDER_H
#define TASKLEAK_LIB_LOSTWAKEUPFINDER_H

#include "lib/LostWakeup.h"
#include "lib/TaskBody.h"

#include "clang/AST/DeclCXX.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringSet.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace taskleak {
namespace lostwakeup {

using clang::ASTContext;
using clang::CallExpr;
using clang::CXXMemberCallExpr;
using clang::Decl;
using clang::DeclStmt;
using clang::Expr;
using clang::FunctionDecl;
using clang::LambdaExpr;
using clang::SourceLocation;
using clang::SourceManager;
using clang::Stmt;
using clang::ValueDecl;
using clang::VarDecl;

using SyncOp = Library::SyncOp;

inline const Decl *canon(const ValueDecl *D) {
  return D ? D->getCanonicalDecl() : nullptr;
}

/// Whether the mutex a guard or lock() names (\p K) may be the waiter's
/// \p Mutex: the same declaration, or one that may alias it (a parameter, a
/// reference or pointer, an expression with no name). Two distinct fields or
/// globals held by value are different mutexes.
bool mayBeSame(const ValueDecl *K, const ValueDecl *Mutex);

/// Whether \p S names \p D (a reference to it anywhere inside).
bool namesDecl(const Stmt *S, const ValueDecl *D);

/// A wait on a condition variable and what its condition reads.
struct WaitInfo {
  const CallExpr *Call = nullptr;
  SourceLocation Loc; ///< the wait member's name
  const FunctionDecl *FD = nullptr;
  const ValueDecl *CondVar = nullptr;
  const ValueDecl *Mutex = nullptr;
  llvm::SmallVector<const ValueDecl *, 4> Reads;
  /// The predicate's function, whose writes are not the writer's.
  const FunctionDecl *Predicate = nullptr;
  bool Timed = false;
};

/// A write of a variable some wait condition reads.
struct WriteInfo {
  const Expr *E = nullptr;
  const FunctionDecl *FD = nullptr;
  const ValueDecl *Var = nullptr;
  bool BoolLiteral = false; ///< sets a constant true/false (a close)
  bool Value = false;       ///< that constant
  /// A member call (`push`, `pop`, `clear`): it may make the condition
  /// false as well as true.
  bool MemberCall = false;
};

/// What comes first after a statement.
enum class Event : std::uint8_t { None, Notify, Acquire };

class Finder {
public:
  Finder(TaskAnalysis &TA, ASTContext &Ctx, bool TimedWaits)
      : TA(TA), Lib(TA.library()), Ctx(Ctx), SM(Ctx.getSourceManager()),
        TimedWaits(TimedWaits) {}

  std::vector<LostWakeupFinding> run();

private:
  // --- Facts ---------------------------------------------------------------
  void collectFunctions();
  void collectWait(const CallExpr *Call, const Expr *Object,
                   const FunctionDecl *FD, bool Timed);
  std::optional<bool> wakingValue(const WaitInfo &W, const ValueDecl *V);
  void neverNotifiedRule(const WriteInfo &Wr,
                         std::vector<LostWakeupFinding> &Out);
  void addReads(const Stmt *S, const FunctionDecl *Waiter, unsigned Depth,
                llvm::SmallVectorImpl<const ValueDecl *> &Out,
                llvm::DenseSet<const FunctionDecl *> &Seen);
  const ValueDecl *sharedVariable(const Expr *E,
                                  const FunctionDecl *Waiter) const;
  const ValueDecl *mutexOfLock(const Expr *Lock, const FunctionDecl *FD,
                               const VarDecl **Guard) const;
  const ValueDecl *guardedMutex(const VarDecl *Guard, const ValueDecl *Mutex,
                                bool *Deferred) const;
  std::optional<WriteInfo> writeOf(const Expr *E) const;

  // --- Order and locks -----------------------------------------------------
  bool isBefore(const Stmt *A, const Stmt *B) const {
    return SM.isBeforeInTranslationUnit(A->getBeginLoc(), B->getBeginLoc());
  }
  /// Calls \p F on the statements after \p S in its block and the blocks
  /// around it, in order, up to the body of its function; F returns true
  /// to stop.
  void forEachAfter(const Stmt *S, llvm::function_ref<bool(const Stmt *)> F);
  const void *heldAt(const Stmt *S, const ValueDecl *Mutex);
  const void *firstBefore(const Stmt *S, llvm::ArrayRef<const Stmt *> Chain,
                          const Stmt *Body,
                          llvm::function_ref<const void *(const Stmt *)> F);
  bool guardLockedAt(const VarDecl *VD, const DeclStmt *DS, const Stmt *S,
                     const Stmt *Body, bool Deferred);
  const VarDecl *guardHolding(const Stmt *Child, const Stmt *S,
                              const ValueDecl *Mutex, const Stmt *Body);
  const CallExpr *unknownLockCall(const Stmt *Child,
                                  const ValueDecl *Mutex) const;
  const CXXMemberCallExpr *lockedByCall(const Stmt *S, const ValueDecl *Mutex,
                                        const Stmt *Body) const;
  bool heldOnEntry(const FunctionDecl *FD, const ValueDecl *Mutex,
                   unsigned Depth);
  bool onlyFromConstructors(const FunctionDecl *FD, unsigned Depth);
  const CXXMemberCallExpr *
  notifyAfterCallers(const FunctionDecl *FD, const WaitInfo &W, unsigned Depth);
  const FunctionDecl *rootOf(const FunctionDecl *FD);
  bool reaches(const FunctionDecl *Task, const FunctionDecl *Target);
  Event eventOf(const Stmt *X, const WaitInfo &W, unsigned Depth,
                const CXXMemberCallExpr **Notify, bool NotifyOnly);
  Event firstEventAfter(const Stmt *S, const WaitInfo &W,
                        const CXXMemberCallExpr **Notify, bool NotifyOnly);
  bool isNotifyOf(const Stmt *X, const ValueDecl *CondVar) const;
  bool afterJoinOrBeforeSpawn(const WriteInfo &W);

  // --- Rules ---------------------------------------------------------------
  void writeRules(const WriteInfo &Wr, std::vector<LostWakeupFinding> &Out);
  bool isWait(const Stmt *Y) const;
  const CXXMemberCallExpr *notifyBeforeWrite(const WriteInfo &Wr,
                                             const WaitInfo &W);
  void notifyOneRule(std::vector<LostWakeupFinding> &Out);
  struct CloseWrite {
    const Expr *E = nullptr;
    const ValueDecl *Var = nullptr;
    bool AlsoAll = false; ///< the function also notifies every waiter
  };
  CloseWrite closeBefore(const CXXMemberCallExpr *N, const ValueDecl *CV,
                         const FunctionDecl *FD);
  bool handedBack(const ValueDecl *CV, const ValueDecl *ClosedVar);
  bool severalWaiters(const ValueDecl *CV, LostWakeupFinding &F);
  void notifyOneAt(const CXXMemberCallExpr *N, const FunctionDecl *FD,
                   std::vector<LostWakeupFinding> &Out);
  void fixWrite(LostWakeupFinding &F, const WriteInfo &Wr);

  TaskAnalysis &TA;
  const Library &Lib;
  ASTContext &Ctx;
  const SourceManager &SM;
  const bool TimedWaits;
  std::vector<const FunctionDecl *> Functions;
  std::vector<WaitInfo> Waits;
  llvm::DenseMap<const Decl *, llvm::SmallVector<unsigned, 2>> WaitsReading;
  llvm::DenseMap<
      const FunctionDecl *,
      llvm::SmallVector<std::pair<const CallExpr *, const FunctionDecl *>, 2>>
      Callers;
  llvm::DenseSet<const FunctionDecl *> Predicates;
  llvm::DenseMap<const FunctionDecl *, const LambdaExpr *> Lambdas;
  std::vector<SpawnSite> Spawns;
  /// Names called where a template leaves the callee unresolved: such a
  /// function may have callers that are not in Callers.
  llvm::StringSet<> UnresolvedCalls;
  bool mayHaveHiddenCallers(const FunctionDecl *FD) const {
    return FD->getIdentifier() && UnresolvedCalls.count(FD->getName());
  }
};

} // namespace lostwakeup
} // namespace taskleak

#endif
