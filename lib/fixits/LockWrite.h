//===--- LockWrite.h - make a write under the waiter's mutex ----*- C++ -*-===//
//
// The remedy of taskleak-lost-wakeup for a wait condition written without the
// mutex: wrap the write in a lock guard of that mutex, so that it cannot fall
// between the waiter's check and its block.
// `stop_ = true;` -> `{ std::lock_guard<std::mutex> lk(m_); stop_ = true; }`
// Only when the write is a statement of a block, written outside macros; the
// mutex can be named there (a member of the class of the method, a global
// of the file scope, a local of the same function); and its model names the
// guard to write (`mutexes:` `guard:`).
//
//===----------------------------------------------------------------------===//
#ifndef TASKLEAK_LIB_FIXITS_LOCKWRITE_H
#define TASKLEAK_LIB_FIXITS_LOCKWRITE_H

#include "lib/FixIts.h"
#include "lib/Library.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Expr.h"

#include <optional>

namespace taskleak {

std::optional<FixIts> lockWriteFix(const clang::Expr *Write,
                                   const clang::FunctionDecl *FD,
                                   const clang::ValueDecl *Mutex,
                                   const Library &Lib, clang::ASTContext &Ctx);

} // namespace taskleak

#endif
