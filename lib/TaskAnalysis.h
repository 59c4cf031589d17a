//===--- TaskAnalysis.h - does a task end, can it be stopped? ---*- C++ -*-===//
//
// The shared analyses behind the checks: endless loops and their ways out,
// reachability of cancellation points (following calls into functions defined
// in the translation unit), and the stop handles a task receives. Results per
// function are memoised for the lifetime of the object (one AST).
//
//===----------------------------------------------------------------------===//
#ifndef TASKLEAK_LIB_TASKANALYSIS_H
#define TASKLEAK_LIB_TASKANALYSIS_H

#include "lib/Library.h"
#include "lib/TaskBody.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Stmt.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/SmallVector.h"

#include <algorithm>
#include <optional>

namespace taskleak {

/// How many levels of calls the analyses follow from a task body, a loop or a
/// stop path into functions defined in the translation unit: the default of
/// the `CallDepth` option, and the most it may be (a larger value is a
/// configuration error; the analyses never follow more).
inline constexpr unsigned DefaultCallDepth = 3;
inline constexpr unsigned MaxCallDepth = 16;

/// What counts as a cancellation point.
enum class CancelMode {
  /// Any co_await/co_yield is one: a suspended coroutine can be destroyed or
  /// resumed with an error (taskleak-loop-without-cancellation).
  AwaitCancels,
  /// A co_await of a timer or a plain reschedule is not: a detached
  /// coroutine that only sleeps between rounds can never be stopped
  /// (taskleak-spawn-without-stop-token on co_spawn).
  TimersDoNotCancel,
};

/// An endless loop that reaches no cancellation point.
struct UncancellableLoop {
  const clang::Stmt *Loop = nullptr;
  const clang::FunctionDecl *Function = nullptr; ///< the function holding it
};

/// A loop that keeps a task alive until it is stopped, or forever.
struct LongRunningLoop {
  const clang::Stmt *Loop = nullptr;
  const clang::FunctionDecl *Function = nullptr; ///< the function holding it
  /// The flag or stop request that ends it (`running_`,
  /// `token.stop_requested()`); null when nothing ends it.
  const clang::Expr *StopTest = nullptr;
};

class TaskAnalysis {
public:
  /// Follows calls \p CallDepth levels (at most MaxCallDepth).
  TaskAnalysis(const Library &Lib, clang::ASTContext &Ctx,
               unsigned CallDepth = DefaultCallDepth)
      : Lib(Lib), Ctx(Ctx), CallDepth(std::min(CallDepth, MaxCallDepth)) {}

  const Library &library() const { return Lib; }
  clang::ASTContext &context() const { return Ctx; }
  unsigned callDepth() const { return CallDepth; }

  /// A loop whose condition is absent or constant true (lib/AstNav.h).
  bool hasConstantTrueCondition(const clang::Stmt *Loop);
  /// A way out of \p Loop (forEachWayOut in lib/AstNav.h), memoised. A call
  /// that ends the process (endsProcess) is none.
  bool hasWayOut(const clang::Stmt *Loop);
  /// A noreturn call that ends the whole process rather than the task: a
  /// modelled process exit (Library::isProcessExit: abort, exit,
  /// std::terminate, assert's __assert_fail), or a noreturn function of the
  /// translation unit that calls one (CallDepth levels) and throws nothing.
  /// A noreturn helper that throws, or whose body is not visible, does not.
  bool endsProcess(const clang::CallExpr *Call);
  bool isEndlessLoop(const clang::Stmt *Loop) {
    return hasConstantTrueCondition(Loop) && !hasWayOut(Loop);
  }

  /// Whether executing \p S may reach a cancellation point (directly or in a
  /// function it calls, CallDepth levels deep).
  bool reachesCancellationPoint(const clang::Stmt *S, CancelMode Mode);

  /// Endless loops without a cancellation point in \p FD and in the
  /// functions it calls (CallDepth levels), outermost loops only, in source
  /// order of discovery. Each function is searched once per query, however
  /// the functions call each other.
  llvm::SmallVector<UncancellableLoop, 2>
  uncancellableLoops(const clang::FunctionDecl *FD, CancelMode Mode);

  /// Whether anything can ask the task started at \p S to stop: a stop-token
  /// parameter, capture, bound argument or referenced entity, or for co_spawn
  /// a completion token that binds or propagates cancellation.
  bool hasStopHandle(const SpawnSite &S);

  /// A loop of the task (in its body, or in a function it calls, CallDepth
  /// levels) that ends only when a stop flag or stop request says so: a
  /// loop with no way out whose condition is constant true (it never ends)
  /// or a stop test, or a constant-true loop whose every way out is guarded
  /// by a stop test. A stop test reads std::atomic<bool>/atomic_flag or bool
  /// state that outlives the loop's function (a member, a global, a
  /// by-reference capture or parameter), or asks a stop token
  /// (`stop_requested()`), possibly negated, compared with a constant or
  /// combined with && and ||. Implemented in lib/LongRunningLoops.cpp.
  std::optional<LongRunningLoop> longRunningLoop(const TaskCallable &Task);

  /// Functions we analyse: with a body we can see, outside system headers.
  bool isAnalysable(const clang::FunctionDecl *FD) const;

private:
  bool stmtReachesCancellation(const clang::Stmt *S, CancelMode Mode,
                               unsigned Depth);
  bool functionReachesCancellation(const clang::FunctionDecl *FD,
                                   CancelMode Mode, unsigned Depth);
  bool awaitCancels(const clang::Expr *Operand, CancelMode Mode);
  void collectLoops(const clang::FunctionDecl *Def, CancelMode Mode,
                    llvm::SmallVectorImpl<const clang::FunctionDecl *> &Callees,
                    llvm::SmallVectorImpl<UncancellableLoop> &Out);
  bool touchesStopHandle(const clang::FunctionDecl *FD, unsigned Depth);
  bool stmtTouchesStopHandle(const clang::Stmt *S, unsigned Depth);
  bool functionEndsProcess(const clang::FunctionDecl *FD, unsigned Depth);

  const Library &Lib;
  clang::ASTContext &Ctx;
  unsigned CallDepth;
  /// Per function, mode and depth; false while being computed (recursion).
  llvm::DenseMap<std::pair<const clang::FunctionDecl *, unsigned>, bool>
      FunctionCancels;
  /// Per function and depth; false while being computed (recursion).
  llvm::DenseMap<std::pair<const clang::FunctionDecl *, unsigned>, bool>
      FunctionTouchesHandle;
  llvm::DenseMap<const clang::Stmt *, bool> WayOut;
  /// Per function and depth; false while being computed (recursion).
  llvm::DenseMap<std::pair<const clang::FunctionDecl *, unsigned>, bool>
      FunctionEndsProcess;
};

} // namespace taskleak

#endif
