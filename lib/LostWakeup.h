//===--- LostWakeup.h - notifications a waiter can miss ---------*- C++ -*-===//
//
// A condition-variable wait sleeps until a notification and re-checks its
// condition (the predicate of `cv.wait(lock, pred)`, or the condition of the
// loop `while (!cond) cv.wait(lock);`) under the mutex of its lock. A
// notification is lost when the writer does not serialise with that check:
//  1. the condition is written without the mutex and then notified: the
//     write and the notification can both fall between the waiter's check
//     and its block;
//  2. the notification comes before the write: a waiter that checks in
//     between sleeps through it;
//  3. a close (the constant that makes the predicate true) is never
//     notified: a waiter already asleep never re-checks;
//  4. a close path wakes one waiter (notify_one) when several threads can be
//     waiting: the others never learn about the close.
// The condition variables, mutexes and lock guards come from the models
// (`condition-variables:`, `mutexes:`, `lock-guards:`). Writes are found in
// every function of the translation unit; the mutex counts as held when a
// lock guard of it is in scope (and not unlocked), after a lock() of it
// without an unlock(), or when every caller (CallDepth levels) holds it.
// Order is the order of statements in enclosing blocks: after a write, the
// statements that follow it in its block and in the blocks around it.
//
//===----------------------------------------------------------------------===//
#ifndef TASKLEAK_LIB_LOSTWAKEUP_H
#define TASKLEAK_LIB_LOSTWAKEUP_H

#include "lib/TaskAnalysis.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/ExprCXX.h"
#include "clang/Basic/Diagnostic.h"
#include "llvm/ADT/SmallVector.h"

#include <string>
#include <vector>

namespace taskleak {

/// One lost wake-up.
struct LostWakeupFinding {
  enum Kind {
    WriteWithoutMutex, ///< rule 1: reported at Write, note at Wait
    NotifyBeforeWrite, ///< rule 2: reported at Notify, note at Write
    NeverNotified,     ///< rule 3: reported at Write, note at Wait
    NotifyOneOnClose,  ///< rule 4: reported at Notify, note at OtherWaiter
  } K = WriteWithoutMutex;
  /// The write of the wait condition (rules 1, 2; rule 4: the close write).
  const clang::Expr *Write = nullptr;
  /// The notification after the write (1), before it (2), the notify_one (4).
  const clang::CXXMemberCallExpr *Notify = nullptr;
  /// Rule 1: the notification is in a caller, after the call of the helper
  /// that writes (it gets a note of its own).
  bool NotifyInCaller = false;
  /// The variable the notification is called on (CondVar, or an object
  /// CondVar may refer to).
  const clang::ValueDecl *Notified = nullptr;
  /// Where a wait whose condition reads Variable calls its wait member.
  clang::SourceLocation WaitLoc;
  const clang::ValueDecl *Variable = nullptr;
  const clang::ValueDecl *Mutex = nullptr;
  const clang::ValueDecl *CondVar = nullptr;
  /// Rule 4: why several threads can wait: a spawn in a loop, a second
  /// spawn of the same task, or a wait of another role.
  clang::SourceLocation WaitersLoc;
  enum WaitersKind { SpawnInLoop, SecondSpawn, OtherRole } WK = SpawnInLoop;
  /// The fix-it, when one is safe (rule 1: wrap the write in a lock guard;
  /// rule 4: notify every waiter).
  llvm::SmallVector<clang::FixItHint, 2> Fix;
};

/// The lost wake-ups of the translation unit of \p Ctx. With
/// \p TimedWaits, waits with a deadline (`wait_for` in a loop that re-waits)
/// count as waits too; by default they are a bounded delay, not a hang.
std::vector<LostWakeupFinding>
findLostWakeups(TaskAnalysis &TA, clang::ASTContext &Ctx, bool TimedWaits);

} // namespace taskleak

#endif
