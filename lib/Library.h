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
#include "llvm/ADT/StringMap.h"

namespace taskleak {

/// True when \p D's fully qualified name is \p QualifiedName, ignoring inline
/// namespaces (`std::__1::thread` is `std::thread`) and `extern "C"` blocks.
/// Class template specializations and their members match the template's name.
bool matchesQualifiedName(const clang::NamedDecl *D,
                          llvm::StringRef QualifiedName);

/// What a co_spawn completion token means for the spawned coroutine.
enum class CompletionTokenKind {
  Detached,          ///< asio::detached: nobody waits, nobody cancels
  Callback,          ///< a lambda or function handler: nobody cancels
  Awaited,           ///< use_awaitable: the spawner awaits it and its
                     ///< cancellation propagates
  CancellationBound, ///< bind_cancellation_slot(...): a slot is bound
  Other,             ///< unknown: assume it is handled
};

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
  /// pointers), if it is one.
  const ChannelModel *channelModel(clang::QualType T) const;
  const WaitGroupModel *waitGroupModel(clang::QualType T) const;

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
};

} // namespace taskleak

#endif
