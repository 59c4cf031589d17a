//===--- InnerLoops.h - loops blind to a stop request -----------*- C++ -*-===//
//
// A stop-aware task checks its stop handle (a token, a flag) in its loop,
// but a loop inside that loop which retries until an outside event happens
// (`while (!connect()) sleep_for(100ms);`, `for (;;) { if (poll()) break;
// usleep(1000); }`) and never consults the handle keeps the task running
// after the stop request for as long as the event does not come: forever,
// when the peer is gone. Such a loop:
//  * lies in the stop-aware loop's body, or in a function called from it
//    (CallDepth levels; lambdas made there are tasks of their own);
//  * has a way out (a loop with none is an endless loop: the
//    loop-without-cancellation check's first rule);
//  * is not counted: not a range-for, not a `for` with an increment, and its
//    condition, if any, reads a call's result, state another thread can
//    change (a member, a global) or a local the loop sets from a call — not
//    only counters it steps;
//  * waits between tries: it sleeps (`sleeps:` in the models), directly or
//    in a function it calls;
//  * never consults the stop handle: reads no flag/token of the task and
//    reaches no cancellation point (TaskAnalysis), directly or in the
//    functions it calls.
// Only the outermost such loop is reported.
//
//===----------------------------------------------------------------------===//
#ifndef TASKLEAK_LIB_INNERLOOPS_H
#define TASKLEAK_LIB_INNERLOOPS_H

#include "lib/TaskAnalysis.h"

#include "clang/AST/Decl.h"
#include "clang/AST/Stmt.h"
#include "llvm/ADT/SmallVector.h"

namespace taskleak {

/// A loop inside a stop-aware loop that cannot see the stop request.
struct BlindInnerLoop {
  const clang::Stmt *Loop = nullptr;
  /// The stop-aware loop around it (perhaps in a calling function).
  const clang::Stmt *Outer = nullptr;
};

/// The blind inner loops of the stop-aware loop \p Outer, whose task is
/// stopped through \p Handle (the token variable or the flag).
llvm::SmallVector<BlindInnerLoop, 1>
blindInnerLoops(TaskAnalysis &TA, const clang::Stmt *Outer,
                const clang::ValueDecl *Handle);

/// The first place in \p Outer (its condition first) that reads \p Handle,
/// for the note; null when there is none.
const clang::Expr *handleCheckIn(const clang::Stmt *Outer,
                                 const clang::ValueDecl *Handle);

} // namespace taskleak

#endif
