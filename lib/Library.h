//===--- Library.h - questions about library entities ----------*- C++ -*-===//
//
// Answers "what is this?" for declarations, types and expressions, using a
// ModelSet: is this call a spawn, is this type a stop token, is this call a
// cancellation point, what does this co_spawn completion token do.
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

namespace taskleak {

/// True when \p D's fully qualified name is \p QualifiedName, ignoring inline
/// namespaces (`std::__1::thread` is `std::thread`) and `extern "C"` blocks.
/// Class template specializations and their members match the template's name.
bool matchesQualifiedName(const clang::NamedDecl *D,
                          llvm::StringRef QualifiedName);

class Library {
public:
  explicit Library(const ModelSet &Models);

  const ModelSet &models() const { return Models; }

  /// The spawn model for a call of \p Callee, if it is a spawn function.
  const SpawnModel *spawnFunction(const clang::FunctionDecl *Callee) const;
  /// The spawn model for a constructor of \p Class, if it starts a thread.
  const SpawnModel *spawnClass(const clang::CXXRecordDecl *Class) const;

  /// A type that carries a stop request into a task (std::stop_token,
  /// std::stop_source, std::stop_callback, configured stop-token types),
  /// looking through references, pointers, smart pointers and
  /// std::reference_wrapper.
  bool isStopTokenType(clang::QualType T) const;
  /// std::stop_token or std::stop_source (both have stop_requested()).
  static bool isStdStopTokenOrSource(clang::QualType T);

  /// A function (or variable, for asio's `this_coro::cancellation_state`)
  /// that checks for a stop request.
  bool isCancellationPoint(const clang::NamedDecl *D) const;

  /// A call that is a cancellation point by itself: a modelled function, or a
  /// call that is passed a stop token (condition_variable_any::wait(lock,
  /// token, pred), a helper we cannot see that takes the token).
  bool isCancellationCall(const clang::CallExpr *Call) const;

  /// std::atomic<bool>, std::atomic_flag (through references).
  static bool isAtomicFlagType(clang::QualType T);

  CompletionTokenKind classifyCompletionToken(const clang::Expr *Token) const;

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

private:
  bool anyNameMatches(const llvm::StringMap<std::vector<std::string>> &Index,
                      const clang::NamedDecl *D) const;

  ModelSet Models;
  // Model names indexed by their last component, so that most declarations
  // are rejected by one hash lookup.
  llvm::StringMap<std::vector<const SpawnModel *>> SpawnFunctions, SpawnClasses;
  llvm::StringMap<std::vector<std::string>> StopTokens, CancellationPoints;
  llvm::StringMap<std::vector<const ChannelModel *>> Channels;
  llvm::StringMap<std::vector<const WaitGroupModel *>> WaitGroups;
  llvm::StringMap<std::vector<const BlockingWaitModel *>> BlockingWaits;
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
