//===--- Library.h - questions about library entities ----------*- C++ -*-===//
//
// Answers "what is this?" for declarations, types and expressions, using a
// ModelSet (lib/Models.h): is this call a spawn, is this type a stop token or
// a thread class, is this call a cancellation point, a reference wrapper or a
// move, what does this co_spawn completion token do. One documented method
// per question, in the manner of clazy's QtUtils.h: the analyses and checks
// ask here and never quote a library name (test/models/no-library-names.test).
// Each answer is exactly what the models say; a fact missing from the models
// is not known (docs/models.md lists the built-in ones).
//
//===----------------------------------------------------------------------===//
#ifndef TASKLEAK_LIB_LIBRARY_H
#define TASKLEAK_LIB_LIBRARY_H

#include "lib/Models.h"

#include "clang/AST/Decl.h"
#include "clang/AST/Expr.h"
#include "clang/AST/ExprCXX.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"

#include <memory>
#include <optional>

namespace taskleak {

/// True when \p D's fully qualified name is \p QualifiedName, ignoring inline
/// namespaces (`std::__1::thread` is `std::thread`) and `extern "C"` blocks.
/// Class template specializations and their members match the template's name.
/// A name `*::x` matches any declaration named x, wherever it is declared.
bool matchesQualifiedName(const clang::NamedDecl *D,
                          llvm::StringRef QualifiedName);

/// A set of model names, indexed by their last component so that most
/// declarations are rejected by one hash lookup.
class NameSet {
public:
  NameSet() = default;
  explicit NameSet(const std::vector<std::string> &Names);
  void insert(const std::string &Name);
  /// The first name of the set that \p D matches, or null.
  const std::string *match(const clang::NamedDecl *D) const;
  bool contains(const clang::NamedDecl *D) const { return match(D); }

private:
  llvm::StringMap<std::vector<std::string>> ByLast;
};

class Library {
public:
  explicit Library(const ModelSet &Models);
  Library(const Library &) = delete;
  Library &operator=(const Library &) = delete;

  const ModelSet &models() const { return Models; }

  /// The library of the built-in models alone (one per thread), for the
  /// questions of code that is not given the translation unit's Library
  /// yet; such code does not see a user's `.taskleak.yaml`.
  static const Library &builtin();

  // --- Spawns --------------------------------------------------------------

  /// The spawn model for a call of \p Callee, if it is a spawn function.
  const SpawnModel *spawnFunction(const clang::FunctionDecl *Callee) const;
  /// The spawn model for a constructor of \p Class, if it starts a thread.
  const SpawnModel *spawnClass(const clang::CXXRecordDecl *Class) const;

  /// Whether \p Arg, at the callable position of a spawn of \p M, is an
  /// optional leading argument (std::async's launch policy, a QThreadPool
  /// pointer for QtConcurrent::run): the callable is then the next one.
  bool isOptionalLeadingArg(const SpawnModel &M, const clang::Expr *Arg) const;
  /// The class a spawn factory call builds (`threads.emplace_back(f)`: the
  /// container's element; `std::make_unique<std::thread>(f)`), or null. The
  /// caller asks spawnClass() whether it is one.
  /// With \p MayTakeNoArguments, also a factory call without arguments
  /// (`std::make_shared<Chan>()`: a channel needs none, a thread does).
  const clang::CXXRecordDecl *
  builtByFactory(const clang::CallExpr *Call,
                 bool MayTakeNoArguments = false) const;
  /// The names of the spawn factories, for matchers (hasAnyName): member
  /// names and the last component of function names.
  std::vector<std::string> spawnFactoryNames() const;
  /// A member spawn factory's name (emplace_back, emplace_front).
  bool isSpawnFactoryMember(llvm::StringRef Name) const;

  // --- Thread classes --------------------------------------------------------

  /// The thread-class model of \p T (not through references or pointers).
  const ThreadClassModel *threadClass(clang::QualType T) const;
  const ThreadClassModel *threadClass(const clang::CXXRecordDecl *RD) const;
  /// The model of the thread class named \p Name (a replacement's), or null.
  const ThreadClassModel *threadClassNamed(llvm::StringRef Name) const;
  /// Every thread class of the models.
  const std::vector<ThreadClassModel> &threadClasses() const {
    return Models.ThreadClasses;
  }
  /// Whether \p Member of a thread class is one of its joins, detaches,
  /// joinable queries or stop requests.
  static bool isJoin(const ThreadClassModel &C, llvm::StringRef Member);
  static bool isDetach(const ThreadClassModel &C, llvm::StringRef Member);
  static bool isJoinableQuery(const ThreadClassModel &C, llvm::StringRef Member);
  static bool isRequestStop(const ThreadClassModel &C, llvm::StringRef Member);
  /// A stop request of a thread class that passes a stop token to its task
  /// (std::jthread's request_stop), which stop sources share.
  bool isRequestStopName(llvm::StringRef Member) const;
  /// Whether destroying an object of \p T waits for the task: a modelled
  /// blocking destructor (std::jthread; a std::future only when \p FromAsync).
  bool hasBlockingDestructor(const clang::CXXRecordDecl *RD,
                             bool FromAsync) const;

  // --- Stop requests ---------------------------------------------------------

  /// A type that carries a stop request into a task (std::stop_token,
  /// std::stop_source, std::stop_callback, configured stop-token types),
  /// looking through references, pointers, smart pointers and
  /// std::reference_wrapper.
  bool isStopTokenType(clang::QualType T) const;
  /// The kind of the stop-token type \p T gives access to (through
  /// references, pointers and handles), if it is one.
  std::optional<StopTokenKind> stopTokenKind(clang::QualType T) const;
  /// The kind of the stop-token class \p RD itself.
  std::optional<StopTokenKind>
  stopTokenKind(const clang::CXXRecordDecl *RD) const;
  /// A stop token or source: a type with the stop-query members.
  bool isStopTokenOrSource(clang::QualType T) const;
  /// The same question of the built-in models (std::stop_token and
  /// std::stop_source): only for the fix-its that write std's own
  /// std::stop_token parameter (lib/FixIts.cpp).
  static bool isStdStopTokenOrSource(clang::QualType T) {
    return builtin().isStopTokenOrSource(T);
  }
  /// A std::stop_callback-like type: run by a stop request, no way to see one.
  bool isStopCallbackType(clang::QualType T) const;
  /// A member name that asks whether a stop was requested (stop_requested,
  /// isInterruptionRequested), exactly.
  bool isStopQueryName(llvm::StringRef Member) const;
  /// A call of a member on a stop-token type whose name contains a stop
  /// query (`token.stop_requested()`).
  bool isStopQueryOnToken(const clang::CXXMemberCallExpr *Call) const;
  /// A blocking wait that also takes a stop token after its first argument
  /// (\p WaitName as Library::blockingWait names it).
  bool takesStopToken(llvm::StringRef WaitName) const;

  /// A function (or variable, for asio's `this_coro::cancellation_state`)
  /// that checks for a stop request.
  bool isCancellationPoint(const clang::NamedDecl *D) const;

  /// A call that is a cancellation point by itself: a modelled function, or a
  /// call that is passed a stop token (condition_variable_any::wait(lock,
  /// token, pred), a helper we cannot see that takes the token).
  bool isCancellationCall(const clang::CallExpr *Call) const;

  /// A modelled stop-flag type (`atomic-flags:`), through references.
  bool isStopFlagType(clang::QualType T) const;

  /// What a co_spawn completion token means (`completion-tokens:`); a lambda
  /// or function is a callback.
  CompletionTokenKind classifyCompletionToken(const clang::Expr *Token) const;
  /// A co_await operand (stripped of wrappers) that completes whatever
  /// happens: a timer wait, a reschedule, the executor query.
  bool isUncancellableAwait(const clang::Expr *Operand) const;

  // --- Helpers looked through ------------------------------------------------

  /// `std::ref(x)`, `boost::cref(x)`: a one-argument reference-wrapper call.
  bool isReferenceWrapperCall(const clang::CallExpr *Call) const;
  /// The model name of the reference wrapper \p Call calls, for diagnostics
  /// ("std::cref"); empty when it is none.
  std::string referenceWrapperName(const clang::CallExpr *Call) const;
  /// `std::move(x)`, `std::forward<T>(x)`, `boost::move(x)`.
  bool isMoveFunction(const clang::FunctionDecl *FD) const;
  /// `std::addressof(x)`, `std::begin(x)`: gives access to x's object.
  bool isObjectAccessor(const clang::FunctionDecl *FD) const;
  /// A binder: `std::bind(f, args...)`, `std::bind_front`, `boost::bind`.
  bool isBinder(const clang::FunctionDecl *FD) const;
  /// A callable wrapper constructed from a callable (std::function).
  bool isCallableWrapper(const clang::CXXRecordDecl *RD) const;
  /// An algorithm calling its last argument per element (std::for_each).
  bool isForEachAlgorithm(const clang::FunctionDecl *FD) const;
  /// The element count of a fixed-size array class (std::array<T, N>).
  std::optional<uint64_t> fixedArraySize(clang::QualType T) const;
  /// A free function that blocks until another thread acts (sem_wait).
  bool isBlockingFunction(const clang::FunctionDecl *FD) const;
  /// The name of a free function that waits for a thread to end
  /// (pthread_join), by its last component.
  bool isJoinFunctionName(llvm::StringRef Name) const;
  /// A function that ends the whole process (`process-exits:`: abort, exit,
  /// std::terminate, assert's __assert_fail): a call of it leaves no loop
  /// for the leak question, whatever its `[[noreturn]]`.
  bool isProcessExit(const clang::FunctionDecl *FD) const;
  /// A free function that detaches the thread whose id is its first
  /// argument (`detach-functions:`: pthread_detach).
  bool isDetachFunction(const clang::FunctionDecl *FD) const;
  /// The model of the sleep that \p Call calls (`sleeps:`), if it is one.
  const SleepModel *sleepModel(const clang::CallExpr *Call) const;

  // --- Handles ---------------------------------------------------------------

  /// The handle model of \p RD (a smart pointer or wrapper), if any.
  const HandleModel *handle(const clang::CXXRecordDecl *RD) const;
  /// The record a value of \p T gives access to: through references,
  /// pointers, arrays and the handles that give access (shared, unique,
  /// reference, optional).
  const clang::CXXRecordDecl *accessedRecord(clang::QualType T) const;
  /// A copy of a value of \p T refers to the same object: a pointer, or a
  /// shared, weak or reference handle.
  bool isAliasingHandleType(clang::QualType T) const;
  /// Holding a value of \p T keeps the object alive (a shared handle).
  bool keepsAlive(clang::QualType T) const;
  /// The type of the object a value of \p T owns, when \p T is a shared or
  /// unique handle (`std::shared_ptr<Chan>`: `Chan`); null otherwise.
  clang::QualType ownedObjectType(clang::QualType T) const;

  // --- Library code ----------------------------------------------------------

  /// \p Name is an opaque (library) namespace.
  bool isOpaqueNamespace(llvm::StringRef Name) const;
  /// \p D is declared in an opaque namespace (its outermost namespace is
  /// one): library code, never analysed as the program's own.
  bool inOpaqueNamespace(const clang::Decl *D) const;

  /// The channel / wait-group model of a type (through references and
  /// pointers), if it is one. A class without a configured model may still
  /// be a channel: a bounded blocking queue defined in the translation unit
  /// (lib/InferredModels.h); likewise a wait group or latch.
  const ChannelModel *channelModel(clang::QualType T) const;
  /// Whether a receive on a channel of model \p M may return without a value
  /// (try_pop, recv_for, a receive that does not wait).
  static bool isTryReceive(const ChannelModel &M, llvm::StringRef Method);
  /// Whether a send may return instead of blocking (try_send, push_wait_for).
  static bool isTrySend(llvm::StringRef Method);
  const WaitGroupModel *waitGroupModel(clang::QualType T) const;

  /// A member call that blocks until another party wakes it, without a
  /// deadline: a modelled blocking wait (condition variable, semaphore,
  /// future, thread join, YAML `blocking-waits:`), a channel receive other
  /// than a try_/async_/timed one, or a wait of a wait group or latch.
  /// Returns its name for diagnostics ("std::condition_variable::wait"), or
  /// an empty string. Whether the call is passed a stop token is not asked.
  std::string blockingWait(const clang::CXXMemberCallExpr *Call) const;
  /// A member call that wakes the waiters of its object: a modelled wake
  /// (notify_all, release, a jthread's request_stop), a channel close, a
  /// wait-group done.
  bool wakesWaiters(const clang::CXXMemberCallExpr *Call) const;
  /// A result object: a `blocking-waits:` type that nobody wakes but its
  /// producer (no wake members: std::future, std::shared_future, a YAML
  /// future), other than a thread class. Waiting on one returned by a call
  /// waits on whoever the call handed the work to.
  bool isResultObject(const clang::CXXRecordDecl *RD) const;

  // --- Condition variables, mutexes, lock guards ---------------------------

  /// What a member call does on a condition variable, mutex or lock guard.
  enum class SyncOp {
    None,
    Wait,      ///< a condition-variable wait without a deadline
    TimedWait, ///< a condition-variable wait that also ends by a timeout
    NotifyOne,
    NotifyAll,
    Lock,   ///< acquires a mutex (on the mutex, or on a lock guard)
    Unlock, ///< releases it
  };
  /// The condition-variable model of the class \p T gives access to.
  const ConditionVariableModel *conditionVariable(clang::QualType T) const;
  /// The mutex model of the class \p T gives access to (through references
  /// and pointers).
  const MutexModel *mutexModel(clang::QualType T) const;
  /// The lock-guard model of \p T (not through references or pointers).
  const LockGuardModel *lockGuard(clang::QualType T) const;
  /// What \p Call does on a condition variable, a mutex or a lock guard.
  SyncOp syncOp(const clang::CXXMemberCallExpr *Call) const;
  /// What calling \p Member on an object of type \p Object does (for calls
  /// a template leaves unresolved).
  SyncOp syncOp(clang::QualType Object, llvm::StringRef Member) const;
  /// Whether \p T is a defer tag of \p G (the guard does not lock).
  bool isDeferTag(const LockGuardModel &G, clang::QualType T) const;

private:
  SyncOp syncOpOf(const clang::CXXRecordDecl *RD, llvm::StringRef Member) const;
  bool anyNameMatches(const llvm::StringMap<std::vector<std::string>> &Index,
                      const clang::NamedDecl *D) const;

  ModelSet Models;
  NameSet ReferenceWrappers, MoveFunctions, ObjectAccessors, Binders,
      CallableWrappers, ForEachAlgorithms, FixedSizeArrays, BlockingFunctions,
      ProcessExits, DetachFunctions, FunctionFactories, AtomicFlagClasses,
      AtomicFlagTemplates;
  llvm::StringMap<std::vector<const ThreadClassModel *>> ThreadClasses;
  llvm::StringMap<std::vector<const HandleModel *>> Handles;
  llvm::StringMap<std::vector<const StopTokenModel *>> StopTokenKinds;
  // Model names indexed by their last component, so that most declarations
  // are rejected by one hash lookup.
  llvm::StringMap<std::vector<const SpawnModel *>> SpawnFunctions, SpawnClasses;
  llvm::StringMap<std::vector<std::string>> StopTokens, CancellationPoints;
  llvm::StringMap<std::vector<const ChannelModel *>> Channels;
  llvm::StringMap<std::vector<const WaitGroupModel *>> WaitGroups;
  llvm::StringMap<std::vector<const BlockingWaitModel *>> BlockingWaits;
  llvm::StringMap<std::vector<const SleepModel *>> Sleeps;
  llvm::StringMap<std::vector<const ConditionVariableModel *>> CondVars;
  llvm::StringMap<std::vector<const MutexModel *>> Mutexes;
  llvm::StringMap<std::vector<const LockGuardModel *>> LockGuards;
  // Inferred channel models by class (null: not a channel). A Library lives
  // for one translation unit.
  mutable llvm::DenseMap<const clang::CXXRecordDecl *,
                         std::unique_ptr<ChannelModel>>
      InferredChannels;
  mutable llvm::DenseMap<const clang::CXXRecordDecl *,
                         std::unique_ptr<WaitGroupModel>>
      InferredWaitGroups;
};

} // namespace taskleak

#endif
