//===--- TripCounts.h - constant trip counts of loops ----------*- C++ -*-===//
//
// "How many times does this loop run?" when its bounds are constants: a
// counted `for` over an integer with step one, a range-for over an array,
// a std::array or a braced list; integer constants by Clang's constant
// folding. Symbolic counts: the same, with one unmodified variable for a
// bound (`i < n`, `i < items.size()`, a range-for over `items`), so that two
// counts can be compared without knowing their value. No `while` loops.
//
//===----------------------------------------------------------------------===//
#ifndef TASKLEAK_LIB_TRIPCOUNTS_H
#define TASKLEAK_LIB_TRIPCOUNTS_H

#include "clang/AST/ASTContext.h"
#include "clang/AST/Stmt.h"

#include <cstdint>
#include <optional>
#include <string>

namespace taskleak {

/// The trip count of a loop with constant bounds (`for (int i = 0; i < 4;
/// ++i)`, a range-for over an array of known size); none otherwise.
std::optional<uint64_t> constantTripCount(const clang::Stmt *Loop,
                                          clang::ASTContext &Ctx);

/// An integer constant, if \p E folds to one.
std::optional<int64_t> integerConstant(const clang::Expr *E,
                                       const clang::ASTContext &Ctx);

/// A count that is a linear expression of at most one symbol:
/// Coef * sym + Offset, where sym is the value of an integer variable or the
/// size of a container variable (`items.size()`, or a range-for over
/// `items`). Without a symbol it is the constant Offset. Two counts with the
/// same symbol are compared by their coefficients and offsets: they are the
/// same expression of the same variable.
struct SymbolicCount {
  const clang::ValueDecl *Var = nullptr; ///< null: a constant
  bool Size = false; ///< sym is the size of Var, not its value
  int64_t Coef = 0;
  int64_t Offset = 0;

  static SymbolicCount constant(int64_t N) { return {nullptr, false, 0, N}; }
  bool isConstant() const { return !Var || Coef == 0; }
  /// Both counts are of the same symbol (or constants).
  bool sameSymbol(const SymbolicCount &O) const {
    return isConstant() || O.isConstant() || (Var == O.Var && Size == O.Size);
  }
  bool operator==(const SymbolicCount &O) const {
    return sameSymbol(O) && Coef == O.Coef && Offset == O.Offset &&
           (isConstant() == O.isConstant());
  }
  /// "items.size() - 1", "2 * n", "3".
  std::string str() const;
};

/// The sum of two counts; none when they have different symbols.
std::optional<SymbolicCount> addCounts(const SymbolicCount &A,
                                       const SymbolicCount &B);
/// The product of two counts; none unless one of them is a constant.
std::optional<SymbolicCount> multiplyCounts(const SymbolicCount &A,
                                            const SymbolicCount &B);

/// \p E as a symbolic count: a constant, an integer variable, a container's
/// `size()`, and sums, differences and constant multiples of them. The
/// variable must not be modified in \p Scope after \p E (an assignment, an
/// increment, a non-const member call other than element access, its
/// address taken, a non-const reference to it); a `const` local stands for
/// its initializer.
std::optional<SymbolicCount> symbolicCount(const clang::Expr *E,
                                           const clang::Stmt *Scope,
                                           clang::ASTContext &Ctx);

/// The trip count of \p Loop as a symbolic count: a constant trip count, a
/// range-for over a container variable, a counted `for` from a constant to
/// a symbolic bound with step one (`i < items.size()`, `i < n`); the same
/// conditions on the variable as symbolicCount. None otherwise.
std::optional<SymbolicCount> symbolicTripCount(const clang::Stmt *Loop,
                                               const clang::Stmt *Scope,
                                               clang::ASTContext &Ctx);

} // namespace taskleak

#endif
