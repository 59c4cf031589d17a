//===--- StopAwareness.h - can a stop request wake this wait? ---*- C++ -*-===//
//
// In a task that has a stop handle (a stop-token parameter, a captured stop
// token or source), which blocking waits can a stop request not wake? A
// blocking wait (Library::blockingWait) is woken on stop when it is passed a
// stop token (condition_variable_any::wait(lock, token, pred)), or when the
// code that requests the stop also wakes the object it waits on: a
// std::stop_callback (or any call given a stop token and a callable) whose
// callable notifies/closes/releases it, or a function that calls
// request_stop() and wakes it. Those wake-ups are collected once per
// translation unit.
//
//===----------------------------------------------------------------------===//
#ifndef TASKLEAK_LIB_STOPAWARENESS_H
#define TASKLEAK_LIB_STOPAWARENESS_H

#include "lib/InnerLoops.h"
#include "lib/Sleeps.h"
#include "lib/StopPath.h"
#include "lib/TaskAnalysis.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/ExprCXX.h"
#include "clang/Basic/Diagnostic.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>
#include <string>

namespace taskleak {

/// The variable through which stop requests reach a task function.
struct StopHandle {
  const clang::VarDecl *Var = nullptr; ///< a parameter or a captured variable
  /// The parameter, or the capture in the lambda introducer (the variable's
  /// declaration for an implicit capture).
  clang::SourceLocation Loc;
  bool IsCapture = false;
};

/// A blocking wait that a stop request on the task's handle cannot wake.
struct UnwakeableWait {
  const clang::CXXMemberCallExpr *Call = nullptr;
  std::string Name; ///< e.g. "std::condition_variable::wait"
};

class StopAwareness {
public:
  /// Follows calls as far as \p Analysis does (its CallDepth).
  StopAwareness(TaskAnalysis &Analysis, clang::ASTContext &Ctx)
      : TA(Analysis), Lib(Analysis.library()), Ctx(Ctx),
        CallDepth(Analysis.callDepth()), Path(Analysis, Ctx) {}

  /// The code that stops tasks stopped through a flag (lib/StopPath.h).
  StopPath &stopPath() { return Path; }

  /// For a task stopped through a flag (\p P): the blocking waits inside
  /// the loop that tests the flag that nothing on the stop path wakes. The
  /// same exclusions as unwakeableWaits, and also waits whose arguments
  /// read the flag (a condition-variable predicate on the flag: a lost
  /// wake-up, taskleak-lost-wakeup's finding).
  llvm::SmallVector<UnwakeableWait, 4>
  unwakeableWaitsOnFlag(const clang::FunctionDecl *FD, const FlagStopPath &P);

  /// The sleeps (lib/Sleeps.h) in the loops of \p FD that run until a stop
  /// request: for a task with a stop token (\p Handle), the loops that
  /// consult the token (and the loops inside them); for a task stopped
  /// through a flag (\p Flag), the loop that tests the flag. Those that last
  /// at least \p MinNanoseconds, or for a time that is not a constant, delay
  /// the answer to the stop request by that much.
  llvm::SmallVector<LongSleep, 2> longSleeps(const clang::FunctionDecl *FD,
                                             const StopHandle *Handle,
                                             const FlagStopPath *Flag,
                                             uint64_t MinNanoseconds);

  /// The loops of \p FD that run until a stop request: for a task with a
  /// stop token (\p Handle), the outermost loops that consult the token; for
  /// a task stopped through a flag (\p Flag), the loop that tests the flag.
  llvm::SmallVector<const clang::Stmt *, 2>
  stopAwareLoops(const clang::FunctionDecl *FD, const StopHandle *Handle,
                 const FlagStopPath *Flag);

  /// The loops inside those (lib/InnerLoops.h) that retry until an outside
  /// event and never consult the stop handle.
  llvm::SmallVector<BlindInnerLoop, 1>
  blindInnerLoops(const clang::FunctionDecl *FD, const StopHandle *Handle,
                  const FlagStopPath *Flag);

  /// The stop handle of \p FD: its first parameter of a stop-token type
  /// (other than a stop_callback), else the first such variable its lambda
  /// captures. Members and globals the function merely uses are not handles.
  static std::optional<StopHandle> stopHandle(const Library &Lib,
                                              const clang::FunctionDecl *FD);

  /// The blocking waits in the body of \p FD (not in nested lambdas, not in
  /// functions it calls) that a stop request cannot wake. Not reported:
  ///  * waits passed a stop token;
  ///  * waits on objects owned by \p FD (a local variable that is not a
  ///    reference, pointer or shared pointer): a local future, thread or
  ///    condition variable stands for work the task started itself, and
  ///    that work is analysed as a task of its own;
  ///  * waits on an object that is woken when a stop is requested
  ///    (isWokenOnStop);
  ///  * waits on the shutdown path: after a loop that checks for a stop
  ///    request, or in the branch of `if (token.stop_requested())`;
  ///  * waits guarded by a readiness test of the same object
  ///    (`if (f.wait_for(0s) == ready) f.get();`, `try_acquire`).
  llvm::SmallVector<UnwakeableWait, 4>
  unwakeableWaits(const clang::FunctionDecl *FD);

  /// Whether the object \p Object (the implicit object of a wait) is woken
  /// when a stop is requested somewhere in the translation unit: a callable
  /// registered together with a stop token (std::stop_callback) wakes it, or
  /// a function that requests a stop wakes it. An object reached through a
  /// reference or pointer parameter is matched by its type.
  bool isWokenOnStop(const clang::Expr *Object);

  /// The variable or member that \p Object names, looking through
  /// parentheses, dereferences, smart pointers and subscripts; null when it
  /// is not a named entity.
  static const clang::ValueDecl *objectKey(const clang::Expr *Object);

  /// The fix for a wait on a std::condition_variable_any with a predicate,
  /// `cv.wait(lock, pred);` -> `if (!cv.wait(lock, st, pred)) return;`, when
  /// \p Handle is a std::stop_token that can be named at the wait (a
  /// parameter or capture of \p FD, not shadowed in its body), \p FD returns
  /// void and is not a coroutine, and the wait is a statement of a block,
  /// written outside macros. None otherwise.
  std::optional<llvm::SmallVector<clang::FixItHint, 3>>
  stopTokenWaitFix(const UnwakeableWait &W, const clang::FunctionDecl *FD,
                   const StopHandle &Handle);

private:
  friend class StopPathCollector;
  void collectWakeUps();
  void scanStopPath(const clang::FunctionDecl *FD, const clang::Stmt *Body);
  void addWakersOf(const clang::Stmt *S, unsigned Depth);
  bool ownedBy(const clang::Expr *Object, const clang::FunctionDecl *FD) const;
  bool fromOutsideParty(const clang::VarDecl *VD,
                        const clang::FunctionDecl *FD) const;
  bool onShutdownPath(const clang::CXXMemberCallExpr *Wait,
                      const clang::FunctionDecl *FD, const clang::Stmt *Body);
  bool guardedByReadiness(const clang::CXXMemberCallExpr *Wait,
                          const clang::FunctionDecl *FD);

  TaskAnalysis &TA;
  const Library &Lib;
  clang::ASTContext &Ctx;
  unsigned CallDepth;
  bool Collected = false;
  llvm::DenseSet<const clang::Decl *> WokenObjects;
  llvm::DenseSet<const clang::CXXRecordDecl *> WokenTypes;
  llvm::DenseSet<const clang::FunctionDecl *> ScannedForWakers;
  StopPath Path;
};

/// True when \p Call is `X.stop_requested()` (or another modelled check for
/// a stop request) on a stop-token type.
bool isStopRequestedCall(const Library &Lib, const clang::Expr *E);

} // namespace taskleak

#endif
