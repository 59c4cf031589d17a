//===--- JThread.h - std::thread to a stop-aware thread ---------*- C++ -*-===//
//
// The remedy of taskleak-spawn-without-stop-token: the thread class becomes
// its stop-aware replacement from the thread-class models (std::thread ->
// std::jthread), the lambda takes the stop token, the task's endless loops
// run while no stop is requested, and a stop request comes before each join.
// None unless every piece is provably safe (C++20, `std::thread t(...)` with
// an inline lambda and no bound arguments, every use of the variable known).
//
//===----------------------------------------------------------------------===//
#ifndef TASKLEAK_LIB_FIXITS_JTHREAD_H
#define TASKLEAK_LIB_FIXITS_JTHREAD_H

#include "lib/FixIts.h"
#include "lib/Library.h"
#include "lib/TaskAnalysis.h"
#include "lib/TaskBody.h"

#include "clang/AST/ASTContext.h"
#include "llvm/ADT/ArrayRef.h"

#include <optional>

namespace taskleak {

std::optional<FixIts> jthreadFix(const Library &Lib, const SpawnSite &S,
                                 llvm::ArrayRef<UncancellableLoop> Loops,
                                 clang::ASTContext &Ctx);

} // namespace taskleak

#endif
