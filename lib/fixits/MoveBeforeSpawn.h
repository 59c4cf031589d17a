//===--- MoveBeforeSpawn.h - count before starting the task ----*- C++ -*-===//
//
// The remedy of taskleak-waitgroup-mismatch for an add inside the task it
// counts: move the add statement out of the task's lambda to just before the
// statement that starts the task. `std::thread t([&] { wg.Add(1); ... });`
// -> `wg.Add(1);\n std::thread t([&] { ... });`. Only for an inline lambda
// whose body holds the add as a statement of its own, with literal
// arguments, outside macros.
//
//===----------------------------------------------------------------------===//
#ifndef TASKLEAK_LIB_FIXITS_MOVEBEFORESPAWN_H
#define TASKLEAK_LIB_FIXITS_MOVEBEFORESPAWN_H

#include "lib/FixIts.h"
#include "lib/TaskBody.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/ExprCXX.h"

#include <optional>

namespace taskleak {

std::optional<FixIts> moveBeforeSpawnFix(const clang::CXXMemberCallExpr *Add,
                                         const SpawnSite &Spawn,
                                         clang::ASTContext &Ctx);

} // namespace taskleak

#endif
