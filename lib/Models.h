//===--- Models.h - taskleak library models --------------------*- C++ -*-===//
//
// What the analyses know about concurrency libraries, as data: which calls
// start a task, which types carry a stop request, which calls are
// cancellation points, which types are channels, wait groups and thread
// classes, which calls block until woken, which helpers pass a callable or an
// object through. The built-in knowledge of std, POSIX threads,
// Boost.Thread/Asio/Fiber, Abseil and Qt is the YAML file
// lib/models/builtin.taskleak.yaml, embedded at build time and read by the
// same loader (lib/ModelLoader.cpp) as a user's `.taskleak.yaml`; every key
// is documented in docs/models.md (a unit test checks it). The analyses ask
// their questions through lib/Library.h, never by quoting a library name.
//
//===----------------------------------------------------------------------===//
#ifndef TASKLEAK_LIB_MODELS_H
#define TASKLEAK_LIB_MODELS_H

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace taskleak {

/// The libraries taskleak knows how to start tasks with.
enum class SpawnKind {
  StdThread,   ///< std::thread (and boost::thread): a constructor
  JThread,     ///< std::jthread: a constructor that may pass a stop token
  Async,       ///< std::async: optional launch policy, then the callable
  Pthread,     ///< pthread_create(thread, attr, fn, arg)
  CoSpawn,     ///< (boost::)asio::co_spawn(executor, coroutine, token)
  QtRun,       ///< QtConcurrent::run([pool,] callable, args...)
  Function,    ///< any other function: callable at CallableArg
};

struct SpawnModel {
  std::string Name;         ///< qualified function or class name
  SpawnKind Kind = SpawnKind::Function;
  bool IsConstructor = false;
  unsigned CallableArg = 0;
  /// Types of an optional argument before the callable (std::async's
  /// std::launch policy, QtConcurrent::run's QThreadPool *): when the
  /// argument at CallableArg has one of them, the callable is the next one.
  std::vector<std::string> OptionalLeadingArgs;
};

struct ChannelModel {
  std::string Type;
  std::vector<std::string> Send, Receive, Close;
  std::optional<unsigned> CapacityArg;
  /// Values the buffer holds, relative to the capacity argument: Boost.Fiber's
  /// buffered_channel(n) holds n - 1.
  int CapacityAdjust = 0;
  /// Receives that may return without a value although their names do not
  /// say so (see namesGiveUpOperation): set for inferred models.
  std::vector<std::string> TryReceive;
  /// Read off a user class (lib/InferredModels.h), not configured: a missing
  /// capacity argument means its default, not an unbuffered channel.
  bool Inferred = false;
};

struct WaitGroupModel {
  std::string Type;
  std::vector<std::string> Add, Done, Wait;
  /// The constructor argument giving the initial count (latches, barriers,
  /// counters); absent for Go-like groups that start at zero and use Add.
  std::optional<unsigned> CountArg;
  /// The count is per phase (std::barrier): each participant arrives once a
  /// phase, so decrements are not compared with the count.
  bool Phased = false;
};

/// A type whose member functions block until another party wakes them (a
/// condition variable, a semaphore, a future, a thread handle). Only waits
/// without a deadline are listed: a timed wait ends by itself. Channel
/// receives and wait-group waits are blocking waits too; they come from the
/// channel and wait-group models (Library::blockingWait).
struct BlockingWaitModel {
  std::string Type;               ///< qualified class (template) name
  std::vector<std::string> Wait;  ///< members that block without a deadline
  /// Members that wake a blocked waiter (notify_all, release, close; for a
  /// std::jthread request_stop, which makes its task end).
  std::vector<std::string> Wake;
};

/// A condition variable (`condition-variables:`): its waits take the lock (a
/// lock guard, or the mutex itself) as their first argument and an optional
/// predicate as their last; its notifies wake one or every waiter. Read by
/// taskleak-lost-wakeup, which pairs each wait with the mutex it uses.
struct ConditionVariableModel {
  std::string Type;                   ///< qualified class (template) name
  std::vector<std::string> Wait;      ///< waits without a deadline
  std::vector<std::string> TimedWait; ///< waits that also end by a timeout
  std::vector<std::string> NotifyOne, NotifyAll;
};

/// A mutex (`mutexes:`): the members that acquire and release it, and the
/// lock guard class template a fix-it writes for it (`Guard<Type> lk(m);`).
struct MutexModel {
  std::string Type;
  std::vector<std::string> Lock, Unlock;
  std::string Guard; ///< empty: no fix-it writes a guard for this mutex
};

/// A lock guard (`lock-guards:`): holds the mutexes its constructor is given
/// (by reference or pointer) from its construction to its destruction,
/// unless it is constructed with one of the defer tags; its unlock members
/// release them early and its lock members take them again.
struct LockGuardModel {
  std::string Type;
  std::vector<std::string> Lock, Unlock;
  std::vector<std::string> DeferTags; ///< tag types that leave it unlocked
};

/// How a sleep function's argument says how long it sleeps.
enum class SleepUnit {
  Seconds,      ///< an integer count of seconds (sleep)
  Milliseconds, ///< an integer count of milliseconds
  Microseconds, ///< an integer count of microseconds (usleep)
  Nanoseconds,  ///< an integer count of nanoseconds
  /// A duration class template <Rep, Period> whose Period is a ratio
  /// template <Num, Den> and whose first field is the count
  /// (std::chrono::duration, boost::chrono::duration).
  Duration,
  /// A time point: the deadline `now() + d` sleeps for d, any other one for
  /// a time that is not a constant.
  TimePoint,
  /// A pointer to a struct {seconds, nanoseconds} (nanosleep's timespec).
  Timespec,
};

/// A function that suspends the calling thread for a while and that nothing
/// but the passing of time ends (no stop request, no interruption).
struct SleepModel {
  std::string Function; ///< qualified function name
  unsigned Arg = 0;     ///< the argument that says how long
  SleepUnit Unit = SleepUnit::Duration;
};

/// What destroying a joinable object of a thread class does.
enum class JoinableDestructor {
  Terminates, ///< std::thread: std::terminate
  Joins,      ///< std::jthread: request_stop() then join()
  Detaches,   ///< boost::thread (Boost.Thread's default, version 2)
};

/// A class whose objects own a thread of execution.
struct ThreadClassModel {
  std::string Type; ///< qualified class name
  JoinableDestructor Destructor = JoinableDestructor::Terminates;
  std::vector<std::string> Join, Detach, Joinable, RequestStop;
  /// The stop-aware class a fix-it replaces this one with (std::thread ->
  /// std::jthread); empty when there is none.
  std::string Replacement;
  /// The stop-token type this class passes to its task as first argument
  /// when the callable takes one (std::jthread: std::stop_token).
  std::string StopToken;
  /// The process-ending function its destructor calls on a joinable thread
  /// (std::terminate), for diagnostics.
  std::string TerminateFunction;
};

/// What a stop-token type is.
enum class StopTokenKind {
  Handle,   ///< carries a stop request; its members are not known
  Token,    ///< observes a stop request (std::stop_token)
  Source,   ///< requests and observes a stop (std::stop_source)
  Callback, ///< runs when a stop is requested (std::stop_callback)
};

struct StopTokenModel {
  std::string Type; ///< qualified class name
  StopTokenKind Kind = StopTokenKind::Handle;
};

/// What a smart pointer or wrapper does with the object it refers to.
enum class HandleKind {
  Shared,    ///< shares ownership: keeps the object alive; copies alias
  Weak,      ///< refers without keeping alive; copies alias; no direct access
  Unique,    ///< owns alone: gives access; not copied
  Reference, ///< refers without owning: gives access; copies alias
  Optional,  ///< holds the object by value: gives access
};

struct HandleModel {
  std::string Type; ///< qualified class template name
  HandleKind Kind = HandleKind::Shared;
};

/// A function that builds a callable from another (std::bind: callable
/// first, bound arguments after), or a class that wraps one
/// (std::function, constructed from the callable).
struct CallableAdapterModel {
  std::string Name;
  bool IsType = false;
};

/// A call that builds an object of a spawn class from its arguments: a
/// container's emplace_back (the container's first template argument) or a
/// factory such as make_unique<T> (its first template argument).
struct SpawnFactoryModel {
  std::string Name;      ///< member name, or (qualified) function name
  bool IsMember = false;
};

/// A co_await operand that completes whatever happens and so never observes
/// a cancellation: a timer wait, a reschedule (post, dispatch, defer), the
/// executor query.
struct UncancellableAwaitModel {
  enum Kind { Function, Member, Variable } K = Function;
  std::string Name; ///< function, member or variable name
  /// For a member: a word the class name contains (case-insensitive).
  std::string ClassNameContains;
};

/// A type whose destructor waits until its task has ended.
struct BlockingDestructorModel {
  std::string Type;
  /// Only when the object comes from a spawn of kind async (a std::future
  /// blocks in its destructor only when std::async made it).
  bool FromAsyncOnly = false;
};

/// What a co_spawn completion token means for the spawned coroutine.
enum class CompletionTokenKind {
  Detached,          ///< asio::detached: nobody waits, nobody cancels
  Callback,          ///< a lambda or function handler: nobody cancels
  Awaited,           ///< use_awaitable: the spawner awaits it and its
                     ///< cancellation propagates
  CancellationBound, ///< bind_cancellation_slot(...): a slot is bound
  Other,             ///< unknown: assume it is handled
};

/// A completion token type (detached_t), or a function making one
/// (bind_cancellation_slot), and what it means.
struct CompletionTokenModel {
  std::string Name;
  bool IsFunction = false;
  CompletionTokenKind Means = CompletionTokenKind::Other;
};

/// A complete set of models: the built-ins merged with at most one user file.
struct ModelSet {
  std::vector<SpawnModel> Spawns;
  std::vector<ChannelModel> Channels;
  std::vector<WaitGroupModel> WaitGroups;
  std::vector<BlockingWaitModel> BlockingWaits;
  std::vector<std::string> CancellationPoints; ///< qualified function names
  std::vector<std::string> StopTokenTypes;     ///< qualified class names
  /// What each stop-token type is (one entry per StopTokenTypes entry).
  std::vector<StopTokenModel> StopTokens;
  std::vector<ThreadClassModel> ThreadClasses;
  /// Functions returning a reference wrapper of their argument (std::ref).
  std::vector<std::string> ReferenceWrappers;
  std::vector<HandleModel> Handles;
  std::vector<CallableAdapterModel> CallableAdapters;
  std::vector<SpawnFactoryModel> SpawnFactories;
  std::vector<UncancellableAwaitModel> UncancellableAwaits;
  /// Member names that ask whether a stop was requested (stop_requested).
  std::vector<std::string> StopQueries;
  std::vector<BlockingDestructorModel> BlockingDestructors;
  /// Outermost namespaces of library code: never analysed as the program's
  /// own code, and no model is read off their classes.
  std::vector<std::string> OpaqueNamespaces;
  /// Functions that return their argument as it came or as an rvalue
  /// (std::move, std::forward): the result denotes the same object.
  std::vector<std::string> MoveFunctions;
  /// Functions whose result gives access to their argument's object
  /// (std::addressof, std::begin).
  std::vector<std::string> ObjectAccessors;
  /// Algorithms that call their last argument for each element of the range
  /// given by the first (std::for_each).
  std::vector<std::string> ForEachAlgorithms;
  /// Class templates whose second template argument is the element count
  /// (std::array).
  std::vector<std::string> FixedSizeArrays;
  /// Types a stop flag may have: a class, or `Name<bool>` for the bool
  /// specialization of a template (std::atomic_flag, std::atomic<bool>).
  std::vector<std::string> AtomicFlags;
  /// Free functions that block until another thread acts, without a deadline
  /// (pthread_cond_wait, sem_wait).
  std::vector<std::string> BlockingFunctions;
  /// Free functions that wait until a thread has ended (pthread_join).
  std::vector<std::string> JoinFunctions;
  /// Free functions that detach a thread given its id (pthread_detach).
  std::vector<std::string> DetachFunctions;
  /// Functions that end the whole process (abort, exit, std::terminate, the
  /// failure branch of assert): not a way out of a task's endless loop.
  std::vector<std::string> ProcessExits;
  /// Blocking waits (`Type::member`) that also take a stop token after
  /// their first argument (std::condition_variable_any::wait(lock, token,
  /// pred)): the fix-it of blocking-wait-ignores-stop-token passes it.
  std::vector<std::string> StopTokenWaits;
  /// Sleeps a stop request cannot cut short (`sleeps:`).
  std::vector<SleepModel> Sleeps;
  /// Condition variables, mutexes and lock guards (taskleak-lost-wakeup).
  std::vector<ConditionVariableModel> ConditionVariables;
  std::vector<MutexModel> Mutexes;
  std::vector<LockGuardModel> LockGuards;
  std::vector<CompletionTokenModel> CompletionTokens;
  std::string SourceFile; ///< the user file, if any

  /// The built-in library knowledge (lib/models/builtin.taskleak.yaml).
  static const ModelSet &builtins();
  /// The same, shared (what modelsFor returns when no model file applies).
  static std::shared_ptr<const ModelSet> sharedBuiltins();
  /// Adds every entry of \p Other to this set.
  void append(const ModelSet &Other);
};

/// A problem in a model file, located at a line and column (1-based).
struct ModelError {
  std::string File;
  unsigned Line = 0;
  unsigned Column = 0;
  std::string Message;
  /// "file:line:col: error: message", clang's format.
  std::string str() const;
};

/// Parses a YAML model. Unknown keys, wrong types and malformed YAML are
/// errors: returns false and fills \p Err.
bool parseModelYAML(const std::string &Text, const std::string &FileName,
                    ModelSet &Out, ModelError &Err);

/// Reads and parses a model file.
bool loadModelFile(const std::string &Path, ModelSet &Out, ModelError &Err);

/// The `.taskleak.yaml` nearest to \p SourceFile: in its directory or the
/// closest parent. Empty when there is none.
std::string findModelFile(const std::string &SourceFile);

/// The models that apply to \p MainFile: the built-ins plus \p ExplicitFile
/// when given, else the nearest `.taskleak.yaml`. Results are cached per model
/// file (and its modification time and size); safe to call from several
/// threads: the result is shared, so a reload by another thread never frees
/// it. Returns null and fills \p Err when the model file is invalid, is a
/// directory or a dangling symbolic link, or does not exist.
std::shared_ptr<const ModelSet> modelsFor(const std::string &MainFile,
                                          const std::string &ExplicitFile,
                                          ModelError &Err);

/// The text of lib/models/builtin.taskleak.yaml, as embedded at build time.
const char *builtinModelText();

/// One key of the model grammar: \p Section is empty for a top-level key,
/// else the top-level key whose entries take it.
struct GrammarKey {
  const char *Section;
  const char *Key;
};
/// Every key the loader accepts (docs/models.md documents each).
std::vector<GrammarKey> modelGrammar();

/// What a front end does with a model error. The default prints the error and
/// exits with status 2 (clang-tidy and the driver: never a silent default);
/// clangd installs a handler that keeps the server alive.
using ModelErrorHandler = void (*)(const ModelError &);
void setModelErrorHandler(ModelErrorHandler Handler);
void reportModelError(const ModelError &Err);

} // namespace taskleak

#endif
