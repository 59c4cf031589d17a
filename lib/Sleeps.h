//===--- Sleeps.h - how long a sleep lasts, and the long ones ---*- C++ -*-===//
//
// A sleep (`sleeps:` in the models: std::this_thread::sleep_for, usleep, ...)
// ends only when its time is up: a task asleep in the loop of a stop-aware
// task answers a stop request that much later, and a long or unbounded sleep
// keeps stop() hanging in join(). How long a sleep lasts is read off its
// argument when that is a constant (Clang's constant evaluator: `5s`,
// `std::chrono::milliseconds(250)`, a constexpr duration, `now() + 2s`, a
// local timespec initialised with constants and never changed).
//
//===----------------------------------------------------------------------===//
#ifndef TASKLEAK_LIB_SLEEPS_H
#define TASKLEAK_LIB_SLEEPS_H

#include "lib/Models.h"
#include "lib/TaskAnalysis.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Expr.h"
#include "llvm/ADT/SmallVector.h"

#include <cstdint>
#include <optional>
#include <string>

namespace taskleak {

/// A sleep that delays the answer to a stop request.
struct LongSleep {
  const clang::CallExpr *Call = nullptr;
  std::string Name; ///< the model's function name
  /// How long it sleeps; none when that is not a constant.
  std::optional<uint64_t> Nanoseconds;
};

/// How long \p Call (a call of the sleep \p M) sleeps, in nanoseconds, when
/// its argument is a constant; none otherwise (\p Lib tells the other
/// sleeps a timespec may be given to).
std::optional<uint64_t> sleepNanoseconds(const clang::CallExpr *Call,
                                         const SleepModel &M,
                                         const Library &Lib,
                                         clang::ASTContext &Ctx);

/// The sleeps that every round of \p Loop may run — in the loop (not in the
/// lambdas it creates) and in the functions of the translation unit it
/// calls, CallDepth levels — that last at least \p MinNanoseconds or for a
/// time that is not a constant, in source order, each once.
llvm::SmallVector<LongSleep, 2> longSleepsIn(const clang::Stmt *Loop,
                                             TaskAnalysis &TA,
                                             uint64_t MinNanoseconds);

/// "5 s", "250 ms", "1.5 s", for diagnostics.
std::string formatDuration(uint64_t Nanoseconds);

} // namespace taskleak

#endif
