//===--- ThreadLifetime.h - where a thread object starts and ends -*- C++
//-*-===//
//
// For one thread object (a local variable or a data member of a thread
// class): where it is given a task, where it is joined, detached or moved
// away, whether it escapes to code we cannot see, and whether some path leaves
// its scope while it may still be joinable. For a detach: the spawn that
// started the detached thread, whether its task runs until it is stopped (or
// forever), and whether it uses the spawner's object or locals by reference.
//
// What each thread class does in its destructor is library knowledge: the
// `thread-classes:` models of the translation unit's Library (std::thread
// terminates, std::jthread requests a stop and joins, boost::thread detaches).
//
//===----------------------------------------------------------------------===//
#ifndef TASKLEAK_LIB_THREADLIFETIME_H
#define TASKLEAK_LIB_THREADLIFETIME_H

#include "lib/Library.h"
#include "lib/TaskAnalysis.h"
#include "lib/TaskBody.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/ExprCXX.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>

namespace taskleak {

/// What destroying a joinable object of a thread class does, and the thread
/// classes themselves: the `thread-classes:` models (lib/Models.h).
using ThreadDestructor = JoinableDestructor;
using ThreadClass = ThreadClassModel;

/// What a use of a thread object does to it.
enum class ThreadUseKind {
  Spawn,   ///< construction with a task, or assignment of a started thread
  Join,    ///< join()
  Detach,  ///< detach()
  MoveOut, ///< std::move(t), `return t`, swap: another object owns it now
  Neutral, ///< joinable(), get_id(), a const reference: changes nothing
  Escape,  ///< anything we do not understand: assume it is handled there
};

struct ThreadUse {
  ThreadUseKind Kind;
  /// The expression that does it: the constructor call or `operator=` (a
  /// spawn), the member call, the std::move/swap call or the implicit move,
  /// or the use that escapes.
  const clang::Expr *E;
  /// For a spawn: the expression that starts the thread (the constructor
  /// call of the thread class).
  const clang::Expr *Started = nullptr;
};

/// A thread object and every use of it that we can see.
struct ThreadObject {
  const clang::ValueDecl *Decl = nullptr; ///< VarDecl or FieldDecl
  const ThreadClass *Class = nullptr;
  /// For a local: its function (a lambda's call operator for a local of a
  /// lambda).
  const clang::FunctionDecl *Owner = nullptr;
  llvm::SmallVector<ThreadUse, 4> Uses;

  bool escapes() const;
  const ThreadUse *firstEscape() const;
  bool released() const; ///< any join, detach or move-out
};

/// Every use of local variable \p Var (not a parameter, not static) of a
/// thread class, in its scope. None when it is not one, or its function has
/// no body or is a template.
std::optional<ThreadObject> analyzeLocalThread(const clang::VarDecl *Var,
                                               const Library &Lib,
                                               clang::ASTContext &Ctx);

/// Every use of data member \p Field of a thread class, in the member
/// functions, constructor initializers and default member initializer of
/// its class. None unless all of them can be seen: the member is private,
/// the class is not a template and has no friends and no nested classes,
/// and every member function it declares is defined in this translation
/// unit.
std::optional<ThreadObject> analyzeMemberThread(const clang::FieldDecl *Field,
                                                const Library &Lib,
                                                clang::ASTContext &Ctx);

/// How a path leaves a thread variable's scope.
struct JoinableExit {
  const ThreadUse *Spawn = nullptr; ///< where the path starts
  /// The statement that ends the scope on the path: a ReturnStmt,
  /// BreakStmt, ContinueStmt, GotoStmt, CoreturnStmt, CXXThrowExpr, or the
  /// CompoundStmt whose closing brace the path reaches.
  const clang::Stmt *Exit = nullptr;
};

/// A path from a spawn of local \p T to the end of its scope on which it is
/// not joined, detached or moved away. The false branch of `t.joinable()`
/// settles it; paths through noreturn calls and through calls that may throw
/// are not followed; a `throw` statement that no `try` of the function
/// catches leaves the scope. A path that falls off the end of the
/// scope counts only when the object is never joined, detached or moved
/// (a join under a condition may be tied to the spawn by a flag); a return,
/// break, continue or goto always does. None when the object escapes.
/// \p Ignore, when set, drops the paths that leave by the exits it accepts
/// (e.g. returns expanded from a test framework's assertion macros).
std::optional<JoinableExit>
findJoinableExit(const ThreadObject &T, clang::ASTContext &Ctx,
                 llvm::function_ref<bool(const clang::Stmt *)> Ignore = nullptr);

/// A thread member that its class joins, but not on every path of its
/// destructor: the destructor (user-provided) joins it only under a
/// condition other than `joinable()`, or the only joins are in member
/// functions (`stop()`) that the destructor (user-provided or implicit) does
/// not call. Calls on 'this' of member functions that join count as joins
/// (three levels). None when the member escapes, is detached or moved away
/// anywhere, is never started or joined in the class, or the class is
/// polymorphic and not final (a derived class's destructor may join it).
struct UnjoinedMember {
  const ThreadUse *Spawn = nullptr;
  /// The user-provided destructor, if any.
  const clang::CXXDestructorDecl *Destructor = nullptr;
  /// The join (or call of a joining member function) that some path of the
  /// destructor skips, when JoinFunction is the destructor; else the first
  /// join of the class, in JoinFunction.
  const clang::Stmt *Join = nullptr;
  const clang::FunctionDecl *JoinFunction = nullptr;
};
std::optional<UnjoinedMember> findUnjoinedMember(const ThreadObject &T,
                                                 clang::ASTContext &Ctx);

/// The thread a `detach()` call detaches and the spawn that started it:
/// a temporary (`std::thread(f).detach()`), a local variable or a member
/// with a single spawn and no escape.
struct DetachedThread {
  /// The detach member call, or the detach function's call
  /// (`pthread_detach(tid)`).
  const clang::CallExpr *Detach = nullptr;
  /// Null for a detach function (a thread id, no thread object).
  const ThreadClass *Class = nullptr;
  const clang::ValueDecl *Object = nullptr; ///< null for a temporary
  SpawnSite Spawn;
};
/// For `pthread_detach(tid)`: the last pthread spawn before it in the same
/// function that writes the local id `tid` (`pthread_create(&tid, ...)`);
/// Object is then `tid`.
std::optional<DetachedThread> resolveDetach(const clang::CallExpr *Detach,
                                            const Library &Lib,
                                            clang::ASTContext &Ctx);

/// State of the spawning function that a task uses by reference.
struct BorrowedState {
  /// The local variable or parameter of the spawner; null for `this`.
  const clang::ValueDecl *Local = nullptr;
  clang::SourceLocation Loc; ///< the capture or bound argument
  bool Captured = true;      ///< a lambda capture, not a bound argument
};

/// The first use by reference of `this` or of a local of the spawning
/// function by the task of \p S: a lambda capture of `this` (explicit, or implicit through a
/// member) or of a local by reference, a member function bound to `this`,
/// `std::ref(local)` or `&local` as a bound argument. None when a lambda
/// task also captures a std::shared_ptr by copy (it keeps the object alive).
std::optional<BorrowedState> borrowedState(const SpawnSite &S);

/// Who can still ask a detached task to stop once the detach has given up
/// the thread object.
enum class StopReach {
  /// Nobody: the task's loop never ends, or the only handle that can end it
  /// dies with the spawner (a local stop source whose token the task holds)
  /// or with the thread object (a temporary or local std::jthread's own stop
  /// source). The detach gives up the last handle on a task that runs as
  /// long as the process.
  Nobody,
  /// A handle that outlives the spawner: a member of the spawner's object
  /// (a flag that stop() sets), a global, what a reference refers to.
  Outlives,
  /// Anything else (a handle we cannot follow).
  Unknown,
};

struct StopHandleFate {
  StopReach Reach = StopReach::Unknown;
  /// For Nobody with a stop test: the spawner's local that dies with it,
  /// or null when the handle was the thread object's own stop source.
  const clang::ValueDecl *Local = nullptr;
};

/// Who can stop the task of \p D, whose loop \p Loop runs until it is
/// stopped or forever (TaskAnalysis::longRunningLoop): the handles that the
/// loop's stop test reads, followed to where they live.
StopHandleFate stopHandleFate(const DetachedThread &D,
                              const LongRunningLoop &Loop, const Library &Lib,
                              clang::ASTContext &Ctx);

/// The innermost open-ended loop (`while`, `do` other than `do ... while
/// (0)`, a `for` without a condition or increment: a retry or accept loop, not
/// a counted one) around both \p Detach and \p Spawn, in the function that
/// holds \p Detach; null when there is none.
const clang::Stmt *openEndedLoopAround(const clang::Expr *Detach,
                                       const clang::Expr *Spawn,
                                       clang::ASTContext &Ctx);

} // namespace taskleak

#endif
