//===--- TripCounts.h - constant trip counts of loops ----------*- C++ -*-===//
//
// "How many times does this loop run?" when its bounds are constants: a
// counted `for` over an integer with step one, a range-for over an array,
// a std::array or a braced list. Nothing else (no symbolic bounds, no
// `while` loops), and integer constants by Clang's constant folding.
//
//===----------------------------------------------------------------------===//
#ifndef TASKLEAK_LIB_TRIPCOUNTS_H
#define TASKLEAK_LIB_TRIPCOUNTS_H

#include "clang/AST/ASTContext.h"
#include "clang/AST/Stmt.h"

#include <cstdint>
#include <optional>

namespace taskleak {

/// The trip count of a loop with constant bounds (`for (int i = 0; i < 4;
/// ++i)`, a range-for over an array of known size); none otherwise.
std::optional<uint64_t> constantTripCount(const clang::Stmt *Loop,
                                          clang::ASTContext &Ctx);

/// An integer constant, if \p E folds to one.
std::optional<int64_t> integerConstant(const clang::Expr *E,
                                       const clang::ASTContext &Ctx);

} // namespace taskleak

#endif
