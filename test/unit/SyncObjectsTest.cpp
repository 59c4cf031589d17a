//===--- SyncObjectsTest.cpp - trip counts and CFG paths -------------------===//
#include "lib/CfgPaths.h"
#include "lib/SyncObjects.h"
#include "lib/TripCounts.h"

#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/Frontend/ASTUnit.h"
#include "clang/Tooling/Tooling.h"

#include "test/unit/ParseCode.h"

#include <gtest/gtest.h>

using namespace clang;
using namespace clang::ast_matchers;
using namespace taskleak;

namespace {

std::unique_ptr<ASTUnit> parse(const std::string &Code) {
  return test::parseCode(Code);
}

std::optional<uint64_t> tripCount(const std::string &Loop) {
  auto AST = parse("int n; int a[7]; void f() {\n" + Loop + "\n}\n");
  auto M = match(stmt(anyOf(forStmt(), cxxForRangeStmt(), whileStmt())).bind("l"),
                 AST->getASTContext());
  if (M.empty())
    return std::nullopt;
  return constantTripCount(M.front().getNodeAs<Stmt>("l"), AST->getASTContext());
}

TEST(TripCount, ConstantBounds) {
  EXPECT_EQ(tripCount("for (int i = 0; i < 4; ++i) {}"), 4u);
  EXPECT_EQ(tripCount("for (int i = 1; i <= 4; i++) {}"), 4u);
  EXPECT_EQ(tripCount("for (int i = 2; i != 5; i += 1) {}"), 3u);
  EXPECT_EQ(tripCount("for (int x : a) {}"), 7u);
}

TEST(TripCount, UnknownBounds) {
  EXPECT_EQ(tripCount("for (int i = 0; i < n; ++i) {}"), std::nullopt);
  EXPECT_EQ(tripCount("for (int i = 0; i < 4; i += 2) {}"), std::nullopt);
  EXPECT_EQ(tripCount("while (n) {}"), std::nullopt);
}

/// Whether f() can reach its exit without calling credit() (counted once per
/// call) at least \p Needed times.
std::optional<ExitPath> pathIn(ASTUnit &AST, unsigned Needed,
                               bool LoopsRunOnce = false) {
  auto &Ctx = AST.getASTContext();
  auto Fns = match(functionDecl(hasName("f"), isDefinition()).bind("f"), Ctx);
  const auto *F = Fns.front().getNodeAs<FunctionDecl>("f");
  auto Calls = match(callExpr(callee(functionDecl(hasName("credit")))).bind("c"), Ctx);
  llvm::SmallPtrSet<const Stmt *, 4> Credits;
  for (const auto &B : Calls)
    Credits.insert(B.getNodeAs<Stmt>("c"));
  return findPathWithoutCredit(
      F, nullptr, Needed,
      [&](const Stmt *S) { return Credits.count(S) ? 1u : 0u; }, Ctx,
      LoopsRunOnce);
}

TEST(Paths, EveryPathCredits) {
  auto AST = parse("void credit(); bool c();\n"
                   "void f() { if (c()) { credit(); return; } credit(); }\n");
  EXPECT_FALSE(pathIn(*AST, 1));
}

TEST(Paths, EarlyReturnSkips) {
  auto AST = parse("void credit(); bool c();\n"
                   "void f() { if (c()) return; credit(); }\n");
  auto P = pathIn(*AST, 1);
  ASSERT_TRUE(P);
  ASSERT_NE(P->Exit, nullptr);
  EXPECT_TRUE(isa<ReturnStmt>(P->Exit));
}

TEST(Paths, ThrowSkips) {
  auto AST = parse("void credit(); bool c();\n"
                   "void f() { if (c()) throw 1; credit(); }\n");
  auto P = pathIn(*AST, 1);
  ASSERT_TRUE(P);
  EXPECT_TRUE(P->Exit && isa<CXXThrowExpr>(P->Exit));
}

TEST(Paths, CountsCredits) {
  auto AST = parse("void credit(); bool c();\n"
                   "void f() { credit(); if (c()) return; credit(); }\n");
  EXPECT_FALSE(pathIn(*AST, 1));
  EXPECT_TRUE(pathIn(*AST, 2));
}

TEST(Paths, ConstantLoopWithCreditRunsItsFirstRound) {
  // The CFG alone has an edge around the loop; a constant non-zero trip
  // count means the first round runs.
  auto AST = parse("void credit();\n"
                   "void f() { for (int i = 0; i < 3; ++i) credit(); }\n");
  EXPECT_FALSE(pathIn(*AST, 1));
  auto Unknown = parse("void credit(); int n;\n"
                       "void f() { for (int i = 0; i < n; ++i) credit(); }\n");
  EXPECT_TRUE(pathIn(*Unknown, 1));
}

TEST(Paths, NoReturnPathsDoNotLeave) {
  auto AST = parse("void credit(); bool c(); [[noreturn]] void die();\n"
                   "void f() { if (c()) die(); credit(); }\n");
  EXPECT_FALSE(pathIn(*AST, 1));
}

} // namespace
