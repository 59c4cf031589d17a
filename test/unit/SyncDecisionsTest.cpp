//===--- SyncDecisionsTest.cpp - channel and wait-group findings -----------===//
#include "lib/ChannelSends.h"
#include "lib/Library.h"
#include "lib/WaitGroupCounts.h"

#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/ASTMatchers/ASTMatchers.h"

#include "test/unit/ParseCode.h"

#include <gtest/gtest.h>

using namespace clang;
using namespace clang::ast_matchers;
using namespace taskleak;

namespace {

// Minimal stand-ins of modelled types.
const char *Prelude = R"(
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
class latch {
public:
  explicit latch(long n);
  void count_down(long n = 1);
  void wait() const;
};
class thread {
public:
  template <class F> explicit thread(F &&f) {}
  void join();
};
}
bool c();
template <class T> void take(T &);
)";

struct Parsed {
  std::unique_ptr<ASTUnit> AST;
  const VarDecl *Var = nullptr;
};

/// Parses the body of `void f()` and finds its local `v`.
Parsed parseBody(const std::string &Body) {
  Parsed P;
  P.AST = test::parseCode(std::string(Prelude) + "void f() {\n" + Body + "\n}\n");
  auto M = match(varDecl(hasName("v"), unless(parmVarDecl())).bind("v"), P.AST->getASTContext());
  if (!M.empty())
    P.Var = M.front().getNodeAs<VarDecl>("v");
  return P;
}

std::optional<BlockedSends> blockedSends(Parsed &P) {
  static const Library Lib(ModelSet::builtins());
  return findBlockedSends(P.Var, Lib, P.AST->getASTContext());
}

std::optional<WaitGroupFindings> groupFindings(Parsed &P) {
  static const Library Lib(ModelSet::builtins());
  return findWaitGroupMismatches(P.Var, Lib, P.AST->getASTContext());
}

TEST(ChannelSends, NothingReceives) {
  // A buffered_channel of capacity 2 buffers one value.
  Parsed P = parseBody("boost::fibers::buffered_channel<int> v(2); "
                       "v.push(1); v.push(2);");
  std::optional<BlockedSends> F = blockedSends(P);
  ASSERT_TRUE(F);
  EXPECT_EQ(F->Why, BlockedSends::Reason::NoConsumer);
  EXPECT_EQ(F->Sends.size(), 2u);
  EXPECT_EQ(F->Pending, 2u);
}

TEST(ChannelSends, FitsInTheBuffer) {
  Parsed P = parseBody("boost::fibers::buffered_channel<int> v(4); v.push(1);");
  EXPECT_FALSE(blockedSends(P));
}

TEST(ChannelSends, SendInALoopIsUnbounded) {
  Parsed P = parseBody("boost::fibers::buffered_channel<int> v(64); "
                       "while (c()) v.push(1);");
  std::optional<BlockedSends> F = blockedSends(P);
  ASSERT_TRUE(F);
  EXPECT_EQ(F->Pending, std::nullopt); // no capacity would do
}

TEST(ChannelSends, OwnerReturnsWithoutReceiving) {
  Parsed P = parseBody("boost::fibers::buffered_channel<int> v(2); "
                       "std::thread t([&] { v.push(1); v.push(2); }); "
                       "if (c()) { t.join(); return; } "
                       "v.value_pop(); v.value_pop(); t.join();");
  std::optional<BlockedSends> F = blockedSends(P);
  ASSERT_TRUE(F);
  EXPECT_EQ(F->Why, BlockedSends::Reason::OwnerReturns);
  EXPECT_EQ(F->Sends.size(), 2u);
  ASSERT_NE(F->Exit, nullptr);
  EXPECT_TRUE(isa<ReturnStmt>(F->Exit));
}

TEST(ChannelSends, EscapingChannelIsLeftAlone) {
  Parsed P = parseBody("boost::fibers::buffered_channel<int> v(2); "
                       "v.push(1); v.push(2); take(v);");
  EXPECT_FALSE(blockedSends(P));
}

TEST(WaitGroupCounts, CountDiffersFromCountDowns) {
  Parsed P = parseBody("std::latch v(3); "
                       "std::thread a([&] { v.count_down(); }); "
                       "std::thread b([&] { v.count_down(); }); "
                       "v.wait(); a.join(); b.join();");
  std::optional<WaitGroupFindings> F = groupFindings(P);
  ASSERT_TRUE(F);
  ASSERT_TRUE(F->Mismatch);
  EXPECT_EQ(F->Mismatch->Count, 3);
  EXPECT_EQ(F->Mismatch->CountedDown, 2);
  EXPECT_EQ(F->Mismatch->Spawns.size(), 2u);
  EXPECT_TRUE(F->Tasks.empty());
  EXPECT_EQ(F->WaitName, "wait");
}

TEST(WaitGroupCounts, CountDownSkippedOnSomePath) {
  Parsed P = parseBody("std::latch v(1); "
                       "std::thread a([&] { if (c()) return; v.count_down(); }); "
                       "v.wait(); a.join();");
  std::optional<WaitGroupFindings> F = groupFindings(P);
  ASSERT_TRUE(F);
  ASSERT_EQ(F->Tasks.size(), 1u);
  ASSERT_NE(F->Tasks[0].SkippedDone, nullptr);
  EXPECT_EQ(F->Tasks[0].DoneMethod, "count_down");
  ASSERT_NE(F->Tasks[0].Exit, nullptr);
  EXPECT_TRUE(isa<ReturnStmt>(F->Tasks[0].Exit));
  EXPECT_FALSE(F->Mismatch); // one count-down for a count of one
}

TEST(WaitGroupCounts, WaitBeforeCountDown) {
  Parsed P = parseBody("std::latch v(1); "
                       "std::thread a([&] { v.wait(); v.count_down(); }); "
                       "a.join();");
  std::optional<WaitGroupFindings> F = groupFindings(P);
  ASSERT_TRUE(F);
  ASSERT_EQ(F->Tasks.size(), 1u);
  EXPECT_EQ(F->Tasks[0].EarlyWaits.size(), 1u);
  EXPECT_EQ(F->Tasks[0].SkippedDone, nullptr);
}

TEST(WaitGroupCounts, MatchingCountIsClean) {
  Parsed P = parseBody("std::latch v(2); "
                       "for (int i = 0; i < 2; ++i) "
                       "  std::thread([&] { v.count_down(); }).join(); "
                       "v.wait();");
  std::optional<WaitGroupFindings> F = groupFindings(P);
  ASSERT_TRUE(F);
  EXPECT_TRUE(F->empty());
}

} // namespace
