//===--- ThreadLifetimeTest.cpp - thread objects, joinable exits -----------===//
#include "lib/ThreadLifetime.h"

#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/Frontend/ASTUnit.h"
#include "clang/Tooling/Tooling.h"

#include "test/unit/ParseCode.h"

#include <gtest/gtest.h>

using namespace clang;
using namespace clang::ast_matchers;
using namespace taskleak;

namespace {

// A stand-in for std::thread: the analysis goes by the qualified name.
const char *Prelude = R"(
namespace std {
class thread {
public:
  thread() noexcept;
  template <class F> explicit thread(F &&f);
  thread(thread &&) noexcept;
  thread &operator=(thread &&) noexcept;
  ~thread();
  bool joinable() const noexcept;
  void join();
  void detach();
};
template <class T> T &&move(T &x) noexcept { return static_cast<T &&>(x); }
} // namespace std
void work();
bool c();
void take(std::thread &o);
)";

std::unique_ptr<ASTUnit> parse(const std::string &Code) {
  return test::parseCode(std::string(Prelude) + Code);
}

std::optional<ThreadObject> local(ASTUnit &AST) {
  auto M = match(varDecl(hasName("t")).bind("v"), AST.getASTContext());
  if (M.empty())
    return std::nullopt;
  return analyzeLocalThread(M.front().getNodeAs<VarDecl>("v"),
                            Library::builtin(), AST.getASTContext());
}

/// A joinable exit together with what it points into: the AST (the exit
/// statement) and the thread object (the spawn use), kept alive as long as
/// the result (issue 14 item 8: they were destroyed before the test read
/// them).
struct ExitOf {
  std::unique_ptr<ASTUnit> AST;
  std::unique_ptr<ThreadObject> Thread;
  std::optional<JoinableExit> Exit;

  explicit operator bool() const { return Exit.has_value(); }
  const JoinableExit *operator->() const { return &*Exit; }
};

ExitOf exitOf(const std::string &Body) {
  ExitOf R;
  R.AST = parse("void f() {\n" + Body + "\n}\n");
  if (std::optional<ThreadObject> T = local(*R.AST)) {
    R.Thread = std::make_unique<ThreadObject>(std::move(*T));
    R.Exit = findJoinableExit(*R.Thread, R.AST->getASTContext());
  }
  return R;
}

TEST(ThreadClass, Table) {
  auto AST = parse("std::thread a;");
  auto M = match(varDecl(hasName("a")).bind("v"), AST->getASTContext());
  const ThreadClass *C = Library::builtin().threadClass(
      M.front().getNodeAs<VarDecl>("v")->getType());
  ASSERT_TRUE(C);
  EXPECT_EQ(C->Destructor, ThreadDestructor::Terminates);
}

TEST(ThreadUses, Classified) {
  auto AST = parse("void f(std::thread &o) { std::thread t(work); "
                   "if (t.joinable()) t.join(); t.detach(); "
                   "o = std::move(t); t = std::thread(work); take(t); }");
  std::optional<ThreadObject> T = local(*AST);
  ASSERT_TRUE(T);
  std::vector<ThreadUseKind> Kinds;
  for (const ThreadUse &U : T->Uses)
    Kinds.push_back(U.Kind);
  std::vector<ThreadUseKind> Expected = {
      ThreadUseKind::Spawn,   ThreadUseKind::Neutral, ThreadUseKind::Join,
      ThreadUseKind::Detach,  ThreadUseKind::MoveOut, ThreadUseKind::Spawn,
      ThreadUseKind::Escape};
  EXPECT_EQ(Kinds, Expected);
  EXPECT_TRUE(T->escapes());
}

TEST(JoinableExit, EarlyReturn) {
  auto E = exitOf("std::thread t(work); if (c()) return; t.join();");
  ASSERT_TRUE(E);
  EXPECT_TRUE(isa<ReturnStmt>(E->Exit));
}

TEST(JoinableExit, ContinueLeavesLoopBody) {
  auto E = exitOf("while (c()) { std::thread t(work); if (c()) continue; "
                  "t.join(); }");
  ASSERT_TRUE(E);
  EXPECT_TRUE(isa<ContinueStmt>(E->Exit));
}

TEST(JoinableExit, NoneWhenHandled) {
  EXPECT_FALSE(exitOf("std::thread t(work); if (c()) { t.detach(); return; } "
                      "t.join();"));
  EXPECT_FALSE(exitOf("std::thread t(work); if (c()) { if (t.joinable()) "
                      "t.join(); return; } t.join();"));
  EXPECT_FALSE(exitOf("std::thread t(work); take(t); if (c()) return; "
                      "t.join();"));
  EXPECT_FALSE(exitOf("std::thread t(work); while (c()) { if (c()) break; } "
                      "t.join();"));
}

// Issue 9: an uncaught throw statement leaves the scope; one that a try of
// the function catches does not.
TEST(JoinableExit, ThrowLeavesScope) {
  auto E = exitOf("std::thread t(work); if (c()) throw 1; t.join();");
  ASSERT_TRUE(E);
  EXPECT_TRUE(isa<CXXThrowExpr>(E->Exit));
  EXPECT_FALSE(exitOf("std::thread t(work); try { if (c()) throw 1; } "
                      "catch (int) {} t.join();"));
  EXPECT_FALSE(exitOf("std::thread t(work); if (c()) { t.join(); throw 1; } "
                      "t.join();"));
}

TEST(JoinableExit, FallingOffOnlyWhenNeverReleased) {
  auto E = exitOf("std::thread t(work); work();");
  ASSERT_TRUE(E);
  EXPECT_TRUE(isa<CompoundStmt>(E->Exit));
  EXPECT_FALSE(exitOf("std::thread t(work); if (c()) t.join();"));
}

} // namespace
