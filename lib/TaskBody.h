//===--- TaskBody.h - spawn sites and the bodies they run -------*- C++ -*-===//
//
// "Is this expression a spawn, and what is its task body?"
//
//===----------------------------------------------------------------------===//
#ifndef TASKLEAK_LIB_TASKBODY_H
#define TASKLEAK_LIB_TASKBODY_H

#include "lib/Library.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/ExprCXX.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>
#include <string>

namespace taskleak {

/// The code a task runs.
struct TaskCallable {
  /// The function whose body runs: a lambda's call operator, a function, a
  /// member function, a functor's operator(), or the coroutine.
  const clang::FunctionDecl *Function = nullptr;
  /// The lambda, when the callable is one (inline or through a variable).
  const clang::LambdaExpr *Lambda = nullptr;
  /// True when the lambda is written inline in the spawn call.
  bool LambdaIsInline = false;
  /// Arguments bound to the callable (std::bind, std::thread's extra args).
  llvm::SmallVector<const clang::Expr *, 4> BoundArgs;

  /// The body, or null when it is not visible in this translation unit.
  const clang::Stmt *body() const;
};

/// A place where a task is started.
struct SpawnSite {
  const clang::Expr *Call = nullptr; ///< CallExpr or CXXConstructExpr
  const SpawnModel *Model = nullptr;
  /// The library whose models recognised the spawn (the session's).
  const Library *Lib = nullptr;
  std::string Name;               ///< e.g. "std::thread", "golike::go"
  const clang::Expr *CallableArg = nullptr;
  const clang::Expr *CompletionToken = nullptr; ///< co_spawn only
  TaskCallable Task;
  /// For a std::thread constructed directly into a local variable.
  const clang::VarDecl *ThreadVar = nullptr;
};

/// Recognises a spawn: a constructor of a thread class (directly, through
/// emplace/emplace_back on a container of threads, or make_unique/make_shared),
/// or a call of a spawn function.
std::optional<SpawnSite> matchSpawn(const Library &Lib, const clang::Expr *E,
                                    clang::ASTContext &Ctx);

/// Resolves a callable expression to the function it runs.
TaskCallable resolveCallable(const clang::Expr *E, const Library &Lib,
                             clang::ASTContext &Ctx);

/// The user-written body of a function; for a coroutine, the body inside the
/// compiler-generated coroutine statement.
const clang::Stmt *userBody(const clang::FunctionDecl *FD);

} // namespace taskleak

#endif
