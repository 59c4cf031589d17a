//===--- SyncObjects.h - channels and wait groups a function owns -*- C++
//-*-===//
//
// A channel or wait group that is a local variable of a function (the object
// itself, or a shared or unique handle that owns it: `auto ch =
// std::make_shared<Chan>(2)`, whose copies captured by tasks are the same
// channel), and all
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
  /// The local variable; null for a member (then Field and Class).
  const clang::VarDecl *Var = nullptr;
  const clang::FieldDecl *Field = nullptr;
  const clang::CXXRecordDecl *Class = nullptr;
  /// Var is a shared or unique handle that owns the object (Var->getType()
  /// is the handle's type, not the object's).
  bool ThroughHandle = false;
  /// The function the variable is local to; null for a member.
  const clang::FunctionDecl *Owner = nullptr;
  bool Escapes = false;
  llvm::SmallVector<SyncTask, 4> Tasks;
  llvm::SmallVector<SyncOp, 8> Ops;
};

/// The type of the channel or wait group local \p Var stands for: its own
/// type, or the type of the object it owns when it is a shared or unique
/// handle (Library::ownedObjectType).
clang::QualType syncObjectType(const clang::VarDecl *Var, const Library &Lib);

/// How the object of \p Var is built: its own initializer; for a handle, the
/// `new T(args)` it is given, or a factory call (`std::make_shared<T>(args)`,
/// a `spawn-factories:` model), whose constructor is the one of T that takes
/// that many arguments when only one does.
struct ObjectConstruction {
  /// The construction as written; null when a factory builds the object.
  const clang::CXXConstructExpr *Construct = nullptr;
  const clang::CXXConstructorDecl *Ctor = nullptr;
  /// The arguments: Construct's (default arguments included), or the
  /// factory call's as written.
  llvm::SmallVector<const clang::Expr *, 2> Args;
};
std::optional<ObjectConstruction> objectConstruction(const clang::VarDecl *Var,
                                                     const Library &Lib);

/// Collects the facts about local variable \p Var. None when \p Var is not a
/// local of a function with a body.
std::optional<SyncObject> analyzeSyncObject(const clang::VarDecl *Var,
                                            const Library &Lib,
                                            clang::ASTContext &Ctx);

/// Collects the facts about member \p Field of a class: its member
/// functions own it (a private member, or a protected one of a final class),
/// with SyncOp::Where::Owner for a call in a member function. None when the
/// class cannot be seen whole: a friend, a nested class, a member function
/// template, a member function defined in another translation unit.
std::optional<SyncObject> analyzeMemberSyncObject(const clang::FieldDecl *Field,
                                                  const Library &Lib,
                                                  clang::ASTContext &Ctx);

} // namespace taskleak

#endif
