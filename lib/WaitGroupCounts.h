//===--- WaitGroupCounts.h - wait groups whose count cannot reach zero -*- C++
//-*-===//
//
// The decisions behind taskleak-waitgroup-mismatch, on the facts of
// lib/SyncObjects for a local wait group or latch:
//  1. an add inside the task it counts (it races with the wait);
//  2. a task function with a count-down that some path through it skips
//     (lib/CfgPaths; loops with a constant trip count run their first round),
//     unless a lambda that is no known task (a scope guard) counts down;
//  3. a constant count (the constructor's count argument, or the owner's one
//     unconditional add) that differs from the statically known total of the
//     count-downs of the tasks (each task times its instances; for a phased
//     barrier, one per participant); or a symbolic count (`workers.size()`,
//     `n`) that is not the same expression of the same variable as the
//     count-downs (`workers.size() - 1` against a task per element);
//  4. a task that waits on the group before its last count-down;
//  5. per round of a loop: the constant amount the owner adds in each round
//     against the count-downs of the tasks it starts in that round (each
//     started once a round, directly in the loop's body), when every add and
//     every count-down is of that loop.
// Nothing is said when the group escapes.
//
//===----------------------------------------------------------------------===//
#ifndef TASKLEAK_LIB_WAITGROUPCOUNTS_H
#define TASKLEAK_LIB_WAITGROUPCOUNTS_H

#include "lib/Library.h"
#include "lib/TaskBody.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/ExprCXX.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>
#include <string>

namespace taskleak {

struct WaitGroupFindings {
  /// The local variable, or the data member (findMemberWaitGroupMismatches).
  const clang::NamedDecl *Group = nullptr;
  /// The name of the group's wait, for the messages ("wait", "Wait").
  std::string WaitName;

  /// 1. An add inside the task it counts.
  struct AddInTask {
    const clang::CXXMemberCallExpr *Call = nullptr;
    llvm::StringRef Method;
    SpawnSite Spawn; ///< the spawn of the task
  };
  llvm::SmallVector<AddInTask, 1> AddsInTasks;

  /// 2 and 4, per task function that counts down.
  struct TaskCountDown {
    const clang::FunctionDecl *Task = nullptr;
    /// 4. Waits on the group before the task's last count-down.
    llvm::SmallVector<const clang::CXXMemberCallExpr *, 1> EarlyWaits;
    /// 2. The task's first count-down, when some path skips every one.
    const clang::CXXMemberCallExpr *SkippedDone = nullptr;
    llvm::StringRef DoneMethod;
    /// The return or throw of that path; null when it falls off the end.
    const clang::Stmt *Exit = nullptr;
  };
  llvm::SmallVector<TaskCountDown, 2> Tasks;

  /// 3. A constant count that differs from the count-downs.
  struct CountMismatch {
    clang::SourceLocation At; ///< the group's declaration, or the add
    const clang::Expr *CountExpr = nullptr;
    int64_t Count = 0;
    int64_t CountedDown = 0;
    /// Symbolic counts (lib/TripCounts.h): both sides as written, e.g.
    /// "workers.size() - 1" and "workers.size()"; empty when both are
    /// constants (then Count and CountedDown say it).
    std::string CountText, CountedDownText;
    /// Symbolic: whether the count-downs fall short of the count.
    bool SymbolicBlocks = false;
    /// The spawns of the tasks that count down.
    llvm::SmallVector<const clang::Expr *, 4> Spawns;
  };
  std::optional<CountMismatch> Mismatch;

  /// 5. In a loop, an add per round that differs from the count-downs of
  /// the tasks started in that round.
  struct RoundMismatch {
    const clang::CXXMemberCallExpr *Add = nullptr;
    llvm::StringRef Method;
    int64_t Added = 0;
    int64_t CountedDown = 0;
    llvm::SmallVector<const clang::Expr *, 2> Spawns;
  };
  std::optional<RoundMismatch> Round;

  bool empty() const {
    return AddsInTasks.empty() && Tasks.empty() && !Mismatch && !Round;
  }
};

/// The findings about local wait group \p Var; none when it is not one of a
/// modelled type or it escapes.
std::optional<WaitGroupFindings> findWaitGroupMismatches(
    const clang::VarDecl *Var, const Library &Lib, clang::ASTContext &Ctx);

/// The findings 1, 2 and 4 about member \p Field of a class seen whole
/// (lib/SyncObjects.h analyzeMemberSyncObject): an add inside a task the
/// class starts, a count-down some path through such a task skips, a task
/// that waits before it counts down. The counts (3, 5) are not compared:
/// the class's clients decide how often its member functions run.
std::optional<WaitGroupFindings>
findMemberWaitGroupMismatches(const clang::FieldDecl *Field, const Library &Lib,
                              clang::ASTContext &Ctx);

} // namespace taskleak

#endif
