//===--- SyncObjects.h - channels and wait groups a function owns -*- C++ -*-===//
//
// A channel or wait group that is a local variable of a function, and all
// that happens to it there and in the tasks the function starts: which tasks
// use it (by-reference lambda capture, or std::ref/& bound to a parameter of a
// task function), how many times each task is started, every member call on
// it with its context (loop, branch), and whether it escapes to code we cannot
// see (then the checks say nothing).
//
//===----------------------------------------------------------------------===//
#ifndef TASKLEAK_LIB_SYNCOBJECTS_H
#define TASKLEAK_LIB_SYNCOBJECTS_H

#include "lib/Library.h"
#include "lib/TaskBody.h"
#include "lib/TripCounts.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/ExprCXX.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>

namespace taskleak {

/// A task started by the owner that uses the object.
struct SyncTask {
  SpawnSite Site;
  /// Every spawn that starts this same body (a lambda variable or a task
  /// function started twice); Site is the first of them.
  llvm::SmallVector<const clang::Expr *, 2> Spawns;
  /// How many times the body runs, over all its spawns: 1, a constant trip
  /// count, or none when it is not statically known (a loop without constant
  /// bounds, a branch).
  std::optional<unsigned> Instances = 1;
  /// The same as a symbolic count (lib/TripCounts.h): also known when the
  /// spawning loop runs once per element of an unmodified container, or `n`
  /// times; none when not even that is known.
  std::optional<SymbolicCount> SymInstances = SymbolicCount::constant(1);
};

/// A member call on the object.
struct SyncOp {
  /// Where the call runs.
  enum class Where {
    Owner,       ///< in the owner itself
    Task,        ///< in one of SyncObject::Tasks (see Task)
    OtherLambda, ///< in a lambda of the owner that is no task we know
  };
  const clang::CXXMemberCallExpr *Call = nullptr;
  llvm::StringRef Method;
  const clang::FunctionDecl *Function = nullptr; ///< the function holding it
  Where In = Where::Owner;
  /// With Where::Task: the index into SyncObject::Tasks.
  std::optional<unsigned> Task;
  bool InLoop = false;      ///< inside a loop of its function
  bool Conditional = false; ///< inside a branch of its function
  /// The innermost loop of its function around the call, if any; whether
  /// the call is in a branch inside that loop; and how many times the call
  /// runs per run of its function, when known (a product of symbolic trip
  /// counts, lib/TripCounts.h).
  const clang::Stmt *Loop = nullptr;
  unsigned LoopDepth = 0; ///< loops of its function around the call
  bool ConditionalInLoop = false;
  std::optional<SymbolicCount> Runs = SymbolicCount::constant(1);
};

struct SyncObject {
  const clang::VarDecl *Var = nullptr;
  const clang::FunctionDecl *Owner = nullptr;
  bool Escapes = false;
  llvm::SmallVector<SyncTask, 4> Tasks;
  llvm::SmallVector<SyncOp, 8> Ops;
};

/// Collects the facts about local variable \p Var. None when \p Var is not a
/// local of a function with a body.
std::optional<SyncObject> analyzeSyncObject(const clang::VarDecl *Var,
                                            const Library &Lib,
                                            clang::ASTContext &Ctx);

} // namespace taskleak

#endif
