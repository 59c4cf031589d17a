//===--- Matchers.h - AST matchers built from the models --------*- C++ -*-===//
#ifndef TASKLEAK_LIB_MATCHERS_H
#define TASKLEAK_LIB_MATCHERS_H

#include "lib/Library.h"

#include "clang/ASTMatchers/ASTMatchers.h"

namespace taskleak {

/// Calls and constructions that may start a task, bound to "spawn". A cheap
/// pre-filter on names: matchSpawn() makes the real decision.
clang::ast_matchers::StatementMatcher spawnCandidate(const Library &Lib);

/// Local variables whose type is a modelled channel (\p Channels) or wait
/// group, bound to "var".
clang::ast_matchers::DeclarationMatcher syncObjectCandidate(const Library &Lib,
                                                           bool Channels);

/// Function definitions outside system headers that may be task bodies on
/// their own: coroutines and functions taking a stop token, bound to "func".
clang::ast_matchers::DeclarationMatcher taskFunctionCandidate();

/// Local variables (not parameters) and data members of a thread class
/// (lib/ThreadLifetime.h) outside system headers, bound to "thread".
clang::ast_matchers::DeclarationMatcher
threadObjectCandidate(const Library &Lib);

/// Calls of a thread class's detach member (`thread-classes:` models) on an
/// object of that class outside system headers, bound to "detach".
/// A detach: a detach member of a thread class, or a call of a
/// `detach-functions:` function (pthread_detach(tid)).
clang::ast_matchers::StatementMatcher detachCandidate(const Library &Lib);

} // namespace taskleak

#endif
