//===--- Models.h - taskleak library models --------------------*- C++ -*-===//
//
// What the analyses know about concurrency libraries: which calls start a task,
// which types carry a stop request, which calls are cancellation points, which
// types are channels and wait groups, which calls block until woken. Built-in knowledge of std, POSIX threads,
// Boost.Thread/Asio/Fiber, Abseil and Qt, plus user models from YAML.
//
//===----------------------------------------------------------------------===//
#ifndef TASKLEAK_LIB_MODELS_H
#define TASKLEAK_LIB_MODELS_H

#include <mutex>
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

/// A complete set of models: the built-ins merged with at most one user file.
struct ModelSet {
  std::vector<SpawnModel> Spawns;
  std::vector<ChannelModel> Channels;
  std::vector<WaitGroupModel> WaitGroups;
  std::vector<BlockingWaitModel> BlockingWaits;
  std::vector<std::string> CancellationPoints; ///< qualified function names
  std::vector<std::string> StopTokenTypes;     ///< qualified class names
  std::string SourceFile;                      ///< the user file, if any

  /// The built-in library knowledge.
  static const ModelSet &builtins();
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
/// file (and its modification time); safe to call from several threads.
/// Returns nullptr and fills \p Err when the model file is invalid.
const ModelSet *modelsFor(const std::string &MainFile,
                          const std::string &ExplicitFile, ModelError &Err);

/// What a front end does with a model error. The default prints the error and
/// exits with status 2 (clang-tidy and the driver: never a silent default);
/// clangd installs a handler that keeps the server alive.
using ModelErrorHandler = void (*)(const ModelError &);
void setModelErrorHandler(ModelErrorHandler Handler);
void reportModelError(const ModelError &Err);

} // namespace taskleak

#endif
