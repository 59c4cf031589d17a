//===--- StopPath.h - the code that asks a task to stop ---------*- C++ -*-===//
//
// A task stopped through a flag (a std::atomic<bool> or bool member or global
// read by the loop that keeps it alive, the notion of
// TaskAnalysis::longRunningLoop) is asked to stop by the functions that write
// that flag: stop(), shutdown(), the destructor. Those functions, followed
// through calls into the translation unit CallDepth levels, are its stop
// path; the objects they notify, close or release are woken on stop.
//
//===----------------------------------------------------------------------===//
#ifndef TASKLEAK_LIB_STOPPATH_H
#define TASKLEAK_LIB_STOPPATH_H

#include "lib/TaskAnalysis.h"

#include "clang/AST/Expr.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"

namespace taskleak {

/// The stop flag of a task and the code that sets it.
struct FlagStopPath {
  /// The flag (a field or a global) the task's loop tests.
  const clang::ValueDecl *Flag = nullptr;
  /// The loop that runs until the flag says stop.
  const clang::Stmt *Loop = nullptr;
  /// The first write of the flag outside the task (an assignment, or a
  /// non-const member call on it).
  const clang::Expr *Write = nullptr;
};

class StopPath {
public:
  StopPath(TaskAnalysis &Analysis, clang::ASTContext &Ctx)
      : TA(Analysis), Ctx(Ctx) {}

  /// The flag stop path of the task function \p FD: its long-running loop
  /// (in its own body) tests a member or global that some other function of
  /// the translation unit writes. None when the loop tests a stop token, a
  /// local, or a flag nothing else writes.
  std::optional<FlagStopPath> ofTask(const clang::FunctionDecl *FD);

  /// Whether the functions writing \p Flag (and the functions they call,
  /// CallDepth levels) notify, close or release \p Object, or an object of
  /// its type when it is reached through a reference or pointer.
  bool wakes(const clang::ValueDecl *Flag, const clang::Expr *Object);

private:
  struct Writers {
    const clang::Expr *FirstWrite = nullptr;
    llvm::SmallVector<const clang::FunctionDecl *, 2> Functions;
  };
  void collect();
  void addWakers(const clang::Stmt *S, unsigned Depth,
                 llvm::DenseSet<const clang::Decl *> &Woken,
                 llvm::DenseSet<const clang::FunctionDecl *> &Seen);

  TaskAnalysis &TA;
  clang::ASTContext &Ctx;
  bool Collected = false;
  llvm::DenseMap<const clang::Decl *, Writers> WritesOf;
  llvm::DenseMap<const clang::Decl *, llvm::DenseSet<const clang::Decl *>>
      WokenBy;
};

/// The field or global that \p E writes: `f = v`, `f.m(...)` for a
/// non-const member m (through `this->` or a plain name); null otherwise.
const clang::ValueDecl *writtenEntity(const clang::Expr *E);

} // namespace taskleak

#endif
