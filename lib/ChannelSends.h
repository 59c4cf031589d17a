//===--- ChannelSends.h - sends on a channel that may block forever -*- C++
//-*-===//
//
// The decision behind taskleak-unconsumed-channel-send, on the facts of
// lib/SyncObjects: for a local channel (or a local shared or unique handle
// that owns one) with a known capacity (a constant, or
// the default argument of an inferred channel class), the sends that may
// block forever because
//  (a) nothing receives from the channel or closes it, and more values are
//      sent than it buffers; or
//  (b) the owner can return, after starting a sending task, on a path that
//      receives fewer values than the tasks send beyond the capacity and does
//      not close it (lib/CfgPaths).
// A send counts once per run of its function, unboundedly often in a loop,
// times the number of times its task starts. When those counts are
// symbolic (one task per element of an unmodified container, a loop of `n`
// sends; lib/TripCounts.h), a receive loop of the owner with a comparable
// trip count receives exactly that many values: `items.size()` receives
// cover one send per element, `items.size() - 1` leave one send blocked, and
// a `break` or `return` out of such a loop leaves early. A receive loop whose
// conditions test a receive's status (closed, an error code, an empty
// optional) drains the channel, as does any other receive loop. Nothing is said
// when the channel escapes, a send runs in a lambda that is no known task, or
// (b) a receiver runs outside the owner.
//
//===----------------------------------------------------------------------===//
#ifndef TASKLEAK_LIB_CHANNELSENDS_H
#define TASKLEAK_LIB_CHANNELSENDS_H

#include "lib/Library.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/ExprCXX.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>

namespace taskleak {

/// Sends on one channel that may block forever.
struct BlockedSends {
  enum class Reason {
    NoConsumer,   ///< (a) nothing receives from the channel or closes it
    OwnerReturns, ///< (b) the owner can return without receiving them
    NeverClosed,  ///< (c) a member: its class never closes it (see below)
  };
  Reason Why = Reason::NoConsumer;
  const clang::VarDecl *Channel = nullptr;
  /// For a member channel (then Channel and Owner are null).
  const clang::FieldDecl *Member = nullptr;
  const ChannelModel *Model = nullptr;
  const clang::FunctionDecl *Owner = nullptr;
  /// The sends to report, in source order of discovery.
  llvm::SmallVector<const clang::CXXMemberCallExpr *, 4> Sends;
  /// How many values those sends put in the channel, when statically known:
  /// a capacity that lets every send complete.
  std::optional<unsigned> Pending;
  /// OwnerReturns: the return (or throw) the owner leaves by on the path
  /// found; null when the path falls off the end of the owner's body.
  const clang::Stmt *Exit = nullptr;
  /// OwnerReturns: the break or return by which the path leaves a receive
  /// loop before its last round, if it does.
  const clang::Stmt *EarlyExit = nullptr;
};

/// The blocked sends on local channel \p Var; none when its sends cannot
/// block forever, or when we cannot tell.
std::optional<BlockedSends> findBlockedSends(const clang::VarDecl *Var,
                                             const Library &Lib,
                                             clang::ASTContext &Ctx);

/// The capacity argument of the construction of \p Var's channel as written
/// (null when it is defaulted or absent), and the construction itself
/// (lib/SyncObjects.h: the variable's own, or its handle's).
struct ChannelConstruction {
  /// Null when a factory (`std::make_shared<Chan>(8)`) builds the channel.
  const clang::CXXConstructExpr *Construct = nullptr;
  /// The constructor that runs, when known.
  const clang::CXXConstructorDecl *Ctor = nullptr;
  unsigned NumArgs = 0;
  const clang::Expr *CapacityArg = nullptr;
};
std::optional<ChannelConstruction>
channelConstruction(const clang::VarDecl *Var, const ChannelModel &M,
                    const Library &Lib);

/// The blocked sends on member \p Field (lib/SyncObjects.h: the class seen
/// whole owns it), with the capacity every constructor gives it:
///  (a) nothing in the class receives from it or closes it, and more values
///      are sent than it buffers (a send in a member function other than a
///      constructor, or in a task it starts, runs an unknown number of
///      times); or
///  (c) a task of the class sends without bound (a loop whose trip count
///      is not even symbolic: `while (!stop_)`), every receive is in a member
///      function that is neither a task nor the destructor (the class's clients
///      call them), and nothing in the class closes the channel: once the
///      receivers stop, the send blocks forever and the task never ends.
std::optional<BlockedSends>
findBlockedMemberSends(const clang::FieldDecl *Field, const Library &Lib,
                       clang::ASTContext &Ctx);

} // namespace taskleak

#endif
