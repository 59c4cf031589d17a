//===--- LoopCaptures.h - iteration variables a task holds by reference -*- C++ -*-===//
//
// "Which variables does this task refer to by reference, whose lifetime (or
// value) ends with the current iteration of a loop around the spawn, and is
// the task waited for before that happens?"
//
// A task refers to a variable by reference when its lambda captures it by
// reference (explicitly, or implicitly with a real use in the body), when the
// spawn passes it through std::ref/std::cref, or its address, or when a
// coroutine started by co_spawn binds it to a reference parameter.
// A variable is tied to one iteration when it is the by-value variable of a
// range-for, a condition variable of a loop, a local of the loop body, or the
// induction variable of a `for` that the loop writes (one object shared by all
// iterations). The task is waited for within the iteration when, after the
// spawn and before the variable's scope ends, something joins or waits on
// what holds the task (the thread or future variable, the container it was
// emplaced or moved into, pthread_join of its id), the object holding it has a
// blocking destructor (std::jthread, a std::async future) and dies within the
// iteration, or the iteration waits on something the task shares with it (a
// latch, a wait group, a condition variable, a promise's future).
//
//===----------------------------------------------------------------------===//
#ifndef TASKLEAK_LIB_LOOPCAPTURES_H
#define TASKLEAK_LIB_LOOPCAPTURES_H

#include "lib/FixIts.h"
#include "lib/Library.h"
#include "lib/TaskBody.h"
#include "lib/VariableUses.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/ExprCXX.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>

namespace taskleak {

/// Why a variable belongs to one iteration of a loop.
enum class IterationVarKind {
  /// A new object each iteration: the variable of a range-for declared by
  /// value (`for (auto u : urls)`), or a loop's condition variable.
  PerIteration,
  /// One object shared by all iterations and written by the loop: a variable
  /// declared in a `for` init statement (`for (int i = 0; ...; ++i)`).
  Induction,
  /// A local variable declared inside the loop body.
  BodyLocal,
  /// One object declared before the loop that every iteration writes (the C
  /// form): assigned by a `for` init statement and written by the loop
  /// (`for (i = 0; ...; ++i)`: reported as Induction), or assigned in the
  /// loop body outside any branch (`sock = accept(...)`, `args.fd = fd`).
  WrittenEachIteration,
};

/// Where a variable lives relative to the loops around a spawn.
struct IterationScope {
  IterationVarKind Kind = IterationVarKind::BodyLocal;
  /// The innermost loop around the spawn whose iteration the variable belongs
  /// to.
  const clang::Stmt *Loop = nullptr;
  /// The statement within which the task must be waited for: the loop body,
  /// or for a body local the statement that holds its declaration (its scope).
  const clang::Stmt *Region = nullptr;
};

/// The iteration scope of \p V seen from \p Spawn (an expression inside the
/// loop, in the same function: a lambda boundary in between ends the search).
/// A variable declared before a loop is tied to its iterations when the loop
/// writes it each time round (IterationVarKind::WrittenEachIteration).
/// None when \p V is not tied to an iteration: declared outside every loop
/// around \p Spawn and not written by one each time round, a reference (it
/// names an object that outlives the loop, e.g. `for (auto &u : urls)`), static
/// or thread-local, a `for` init variable the loop never writes, or the loop
/// runs at most once (constant trip count 0 or 1, `do ... while (0)`).
std::optional<IterationScope> iterationScope(const clang::ValueDecl *V,
                                             const clang::Expr *Spawn,
                                             clang::ASTContext &Ctx);

/// How a task reaches a variable by reference.
enum class ReferenceKind {
  ExplicitCapture, ///< `[&u]` (or an init-capture `[&r = u]`)
  ImplicitCapture, ///< `[&]` and a use of `u` in the body
  StdRef,          ///< `std::ref(u)` / `std::cref(u)` bound to the callable
  AddressOf,       ///< `&u` bound to the callable (pthread_create's argument)
  ReferenceParam,  ///< `u` bound to a reference parameter of a coroutine
};

/// A variable of the spawning function that the task refers to by reference.
struct TaskReference {
  /// The variable as written (a structured binding is itself, not its
  /// decomposition).
  const clang::ValueDecl *Var = nullptr;
  ReferenceKind Kind = ReferenceKind::ExplicitCapture;
  /// Where to report: the capture, the first real use in the body (implicit
  /// capture), the std::ref call, the `&`, the argument.
  clang::SourceLocation Loc;
  /// The lambda capture (capture kinds).
  const clang::LambdaCapture *Capture = nullptr;
  /// The bound argument (std::ref, &, reference parameter).
  const clang::Expr *Arg = nullptr;
  /// The parameter of the task function that receives Arg, when known.
  const clang::ParmVarDecl *Param = nullptr;
};

/// Every local variable that the task of \p S refers to by reference and
/// really uses: a capture used only in an unevaluated operand, as a constant,
/// or to compare its address, does not count, and neither does an argument
/// whose parameter the visible task function never names.
llvm::SmallVector<TaskReference, 4> referencesByReference(const SpawnSite &S,
                                                          clang::ASTContext &Ctx);

/// Whether the task started at \p S is waited for after the spawn and within
/// \p Region (see the file comment for what counts). Waits inside nested
/// lambdas do not count, except the callable of a std::for_each over the
/// container holding the task.
/// When \p Var (the variable the task refers to) is given, a holder with a
/// blocking destructor must be declared after it, so that it dies first.
bool waitedWithin(const SpawnSite &S, const clang::Stmt *Region,
                  const clang::ValueDecl *Var, clang::ASTContext &Ctx);

/// A variable tied to one iteration that the task refers to by reference,
/// while the task can outlive the iteration.
struct IterationCapture {
  TaskReference Ref;
  IterationScope Scope;
};

/// The findings for one spawn: referencesByReference() of \p S whose variable
/// has an iterationScope(), when the task is not waitedWithin() that scope's
/// region. In source order of the references.
llvm::SmallVector<IterationCapture, 2>
iterationCapturesByReference(const SpawnSite &S, clang::ASTContext &Ctx);

/// Fix-its that make each capture of \p Captures (all from spawn \p S) a
/// copy, one entry per capture, none where not provably safe: `[&u]` ->
/// `[u]`, `[&]` -> `[&, u]` (all implicit captures of one lambda go into the
/// first entry that has one), `std::ref(u)` -> `u`. Requires an inline
/// lambda (for captures) outside macros, a copyable variable (not a
/// structured binding, array or volatile) that the lambda only reads, and
/// for std::ref a std::thread/jthread/boost::thread/std::async argument whose
/// parameter takes it by value or by const reference.
llvm::SmallVector<std::optional<FixIts>, 2>
byValueFixes(llvm::ArrayRef<IterationCapture> Captures, const SpawnSite &S,
             clang::ASTContext &Ctx);

} // namespace taskleak

#endif
