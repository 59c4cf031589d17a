//===--- InferredModels.h - channel models read off user classes -*- C++ -*-===//
//
// Services rarely use a channel library: they write their own bounded
// blocking queue (`Channel<T>`, `BlockingQueue<T>`) with a mutex and two
// condition variables. When such a class is defined in the translation unit
// (outside system headers), its channel model is read off its code instead of
// being configured in YAML:
//
//  * it has a constructor parameter of integral type giving the capacity
//    (the same position in every constructor that takes arguments);
//  * a send: a member function named like one (send, push, put, enqueue,
//    write, produce, push_back) whose body blocks on a condition variable or
//    semaphore without a timeout (a full buffer makes it wait);
//  * a receive: a member function named like one (recv, receive, pop, take,
//    dequeue, read, get, consume, pop_front); one that does not block, or
//    whose name says it gives up (try_*, *_for, *_until, timed_*,
//    *_timeout), is a "try receive";
//  * a close: close, shutdown, cancel, stop.
//
// Anything else, or a class missing a blocking send, a receive or the
// capacity, is not a channel; so is a class in an opaque namespace of the
// models (`opaque-namespaces:`). "Blocks" includes a call of one of the
// models' `blocking-functions:` (pthread_cond_wait, sem_wait). Wait groups
// and latches written in the project are read off the same way
// (inferWaitGroupModel). Configured models always win.
//
//===----------------------------------------------------------------------===//

#ifndef TASKLEAK_LIB_INFERREDMODELS_H
#define TASKLEAK_LIB_INFERREDMODELS_H

#include "lib/Models.h"

#include "clang/AST/DeclCXX.h"
#include "llvm/ADT/StringRef.h"

#include <optional>

namespace taskleak {

/// The channel model of \p RD (a class or a class template specialization,
/// whose template's member definitions are read), if it is a bounded blocking
/// queue as described above.
std::optional<ChannelModel>
inferChannelModel(const clang::CXXRecordDecl *RD,
                  const ModelSet &Models = ModelSet::builtins());

/// The wait-group model of \p RD, if it is a wait group or count-down latch
/// written in the project (defined in the translation unit, outside system
/// headers and library namespaces):
///  * a done: `done`/`Done`, `count_down`/`countDown`/`CountDown`;
///  * a wait: `wait`/`Wait`/`await` that blocks without a timeout (a
///    condition variable or semaphore wait);
///  * and either an add (`add`/`Add`: a Go-like group that starts at zero),
///    or an integral parameter at the same position of every constructor
///    that takes arguments (a latch: the initial count).
std::optional<WaitGroupModel>
inferWaitGroupModel(const clang::CXXRecordDecl *RD,
                    const ModelSet &Models = ModelSet::builtins());

/// Member function names that may make a class an inferred wait group (a
/// pre-filter for matchers: the done names).
llvm::ArrayRef<llvm::StringRef> inferredDoneNames();

/// A member function name that says the operation may return without having
/// sent or received: try_*, timed_*, *_for, *_until, *wait_for*,
/// *wait_until*, *_timeout.
bool namesGiveUpOperation(llvm::StringRef Method);

/// Member function names that may make a class an inferred channel (a cheap
/// pre-filter for matchers).
llvm::ArrayRef<llvm::StringRef> inferredSendNames();

} // namespace taskleak

#endif
