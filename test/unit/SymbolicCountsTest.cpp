//===--- SymbolicCountsTest.cpp - symbolic trip counts and counts ----------===//
#include "lib/ChannelSends.h"
#include "lib/Library.h"
#include "lib/TripCounts.h"

#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/ASTMatchers/ASTMatchers.h"

#include "test/unit/ParseCode.h"

#include <gtest/gtest.h>

using namespace clang;
using namespace clang::ast_matchers;
using namespace taskleak;

namespace {

const char *Prelude = R"(
struct Vec {
  unsigned long size() const;
  int *begin();
  int *end();
  int &operator[](unsigned long);
  void push_back(int);
};
namespace boost::fibers {
template <class T> class buffered_channel {
public:
  explicit buffered_channel(unsigned capacity);
  void push(T v);
  T value_pop();
  void close();
};
}
namespace std {
class thread {
public:
  template <class F> explicit thread(F &&f) {}
  void join();
};
}
bool c();
void use(int);
void take(Vec &);
)";

struct Parsed {
  std::unique_ptr<ASTUnit> AST;
  const FunctionDecl *F = nullptr;
  llvm::SmallVector<const Stmt *, 4> Loops; // in source order
};

/// Parses `void f(Vec &items, int n) { Body }`.
Parsed parse(const std::string &Body) {
  Parsed P;
  P.AST = test::parseCode(std::string(Prelude) +
                          "void f(Vec &items, int n) {\n" + Body + "\n}\n");
  ASTContext &Ctx = P.AST->getASTContext();
  for (const auto &N : match(functionDecl(hasName("f"), isDefinition()).bind("f"), Ctx))
    P.F = N.getNodeAs<FunctionDecl>("f");
  for (const auto &N :
       match(stmt(anyOf(forStmt(), cxxForRangeStmt()), hasAncestor(functionDecl(hasName("f")))).bind("l"), Ctx))
    P.Loops.push_back(N.getNodeAs<Stmt>("l"));
  llvm::sort(P.Loops, [&](const Stmt *A, const Stmt *B) {
    return Ctx.getSourceManager().isBeforeInTranslationUnit(A->getBeginLoc(),
                                                            B->getBeginLoc());
  });
  return P;
}

std::optional<SymbolicCount> trips(Parsed &P, unsigned I) {
  return symbolicTripCount(P.Loops[I], P.F->getBody(), P.AST->getASTContext());
}

TEST(SymbolicCounts, RangeForAndSizeAreTheSame) {
  Parsed P = parse("for (int x : items) use(x); "
                   "for (unsigned long i = 0; i < items.size(); ++i) use(i);");
  std::optional<SymbolicCount> A = trips(P, 0), B = trips(P, 1);
  ASSERT_TRUE(A && B);
  EXPECT_TRUE(*A == *B);
  EXPECT_EQ(A->str(), "items.size()");
}

TEST(SymbolicCounts, SizeMinusOneDiffers) {
  Parsed P = parse("for (int x : items) use(x); "
                   "for (unsigned long i = 1; i < items.size(); ++i) use(i); "
                   "for (unsigned long i = 0; i <= items.size(); ++i) use(i);");
  std::optional<SymbolicCount> A = trips(P, 0), B = trips(P, 1), C = trips(P, 2);
  ASSERT_TRUE(A && B && C);
  EXPECT_FALSE(*A == *B);
  EXPECT_EQ(B->Offset, -1);
  EXPECT_EQ(C->Offset, 1);
  EXPECT_EQ(B->str(), "items.size() - 1");
}

TEST(SymbolicCounts, IntegerBound) {
  Parsed P = parse("for (int i = 0; i < n; ++i) use(i); "
                   "for (int i = 0; i < 2 * n; ++i) use(i);");
  std::optional<SymbolicCount> A = trips(P, 0), B = trips(P, 1);
  ASSERT_TRUE(A && B);
  EXPECT_EQ(A->Coef, 1);
  EXPECT_EQ(B->Coef, 2);
  EXPECT_TRUE(A->sameSymbol(*B));
}

TEST(SymbolicCounts, ModifiedLaterIsUnknown) {
  Parsed P = parse("for (int x : items) use(x); items.push_back(1); "
                   "for (int x : items) use(x);");
  EXPECT_FALSE(trips(P, 0));
  EXPECT_TRUE(trips(P, 1)); // nothing changes it after the second loop
}

TEST(SymbolicCounts, ElementAccessIsNoChange) {
  Parsed P = parse("for (int x : items) use(x); items[0] = 1; use(n);");
  EXPECT_TRUE(trips(P, 0));
}

TEST(SymbolicCounts, PassedByReferenceIsUnknown) {
  Parsed P = parse("for (int x : items) use(x); take(items);");
  EXPECT_FALSE(trips(P, 0));
}

TEST(SymbolicCounts, AssignedIntegerIsUnknown) {
  Parsed P = parse("for (int i = 0; i < n; ++i) use(i); n = 3;");
  EXPECT_FALSE(trips(P, 0));
}

TEST(SymbolicCounts, Arithmetic) {
  SymbolicCount N{nullptr, false, 0, 0};
  std::optional<SymbolicCount> Three =
      addCounts(SymbolicCount::constant(1), SymbolicCount::constant(2));
  ASSERT_TRUE(Three);
  EXPECT_TRUE(Three->isConstant());
  EXPECT_EQ(Three->Offset, 3);
  EXPECT_TRUE(N.isConstant());
}

// The channel decisions on these counts.
const VarDecl *channelIn(Parsed &P) {
  auto M = match(varDecl(hasName("v"), unless(parmVarDecl())).bind("v"), P.AST->getASTContext());
  return M.empty() ? nullptr : M.front().getNodeAs<VarDecl>("v");
}

std::optional<BlockedSends> blocked(Parsed &P) {
  static const Library Lib(ModelSet::builtins());
  return findBlockedSends(channelIn(P), Lib, P.AST->getASTContext());
}

TEST(SymbolicChannelSends, OneReceivePerSender) {
  Parsed P = parse("boost::fibers::buffered_channel<int> v(1); "
                   "for (int x : items) { std::thread t([&v, x] { v.push(x); }); t.join(); } "
                   "for (unsigned long i = 0; i < items.size(); ++i) use(v.value_pop());");
  EXPECT_FALSE(blocked(P));
}

TEST(SymbolicChannelSends, OneReceiveTooFew) {
  Parsed P = parse("boost::fibers::buffered_channel<int> v(1); "
                   "for (int x : items) { std::thread t([&v, x] { v.push(x); }); t.join(); } "
                   "for (unsigned long i = 1; i < items.size(); ++i) use(v.value_pop());");
  std::optional<BlockedSends> F = blocked(P);
  ASSERT_TRUE(F);
  EXPECT_EQ(F->Why, BlockedSends::Reason::OwnerReturns);
  EXPECT_EQ(F->EarlyExit, nullptr);
}

TEST(SymbolicChannelSends, BreakIsAnEarlyExit) {
  Parsed P = parse("boost::fibers::buffered_channel<int> v(1); "
                   "std::thread t([&v, n] { for (int i = 0; i < n; ++i) v.push(i); }); "
                   "for (int i = 0; i < n; ++i) { if (v.value_pop() < 0) break; } "
                   "t.join();");
  std::optional<BlockedSends> F = blocked(P);
  ASSERT_TRUE(F);
  ASSERT_NE(F->EarlyExit, nullptr);
  EXPECT_TRUE(isa<BreakStmt>(F->EarlyExit));
}

TEST(SymbolicChannelSends, CloseBeforeBreak) {
  Parsed P = parse("boost::fibers::buffered_channel<int> v(1); "
                   "std::thread t([&v, n] { for (int i = 0; i < n; ++i) v.push(i); }); "
                   "for (int i = 0; i < n; ++i) { if (v.value_pop() < 0) { v.close(); break; } } "
                   "t.join();");
  EXPECT_FALSE(blocked(P));
}

} // namespace
