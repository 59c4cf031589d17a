//===--- AnalysisTest.cpp - the core predicates on small ASTs --------------===//
#include "lib/Library.h"
#include "lib/TaskAnalysis.h"
#include "lib/TaskBody.h"

#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/ASTMatchers/ASTMatchers.h"
#include "clang/Frontend/ASTUnit.h"
#include "clang/Tooling/Tooling.h"

#include "test/unit/ParseCode.h"

#include <gtest/gtest.h>

using namespace clang;
using namespace clang::ast_matchers;
using namespace taskleak;

namespace {

// Minimal stand-ins, so the tests need no headers.
const char *Prelude = R"(
namespace std {
inline namespace __1 {
class stop_token { public: bool stop_requested() const; };
class thread {
public:
  thread();
  template <class F, class... A> explicit thread(F &&f, A &&...a) {}
  void join();
  void detach();
};
template <class F, class... A> int bind(F &&, A &&...);
}
}
[[noreturn]] void die();
void work();
bool cond();
)";

std::unique_ptr<ASTUnit> parse(const std::string &Code) {
  return test::parseCode(std::string(Prelude) + Code);
}

/// The first loop of function \p Fn.
const Stmt *firstLoop(ASTUnit &AST, StringRef Fn) {
  auto M = match(stmt(anyOf(whileStmt(), forStmt(), doStmt()),
                      hasAncestor(functionDecl(hasName(Fn))))
                     .bind("loop"),
                 AST.getASTContext());
  return M.empty() ? nullptr : M.front().getNodeAs<Stmt>("loop");
}

struct EndlessCase {
  const char *Body;
  bool Endless;
};

class EndlessLoopTest : public ::testing::TestWithParam<EndlessCase> {};

TEST_P(EndlessLoopTest, Classifies) {
  auto AST = parse(std::string("int x; void f() {\n") + GetParam().Body +
                   "\n}\n");
  const Stmt *Loop = firstLoop(*AST, "f");
  ASSERT_NE(Loop, nullptr);
  Library Lib(ModelSet::builtins());
  TaskAnalysis A(Lib, AST->getASTContext());
  EXPECT_EQ(A.isEndlessLoop(Loop), GetParam().Endless) << GetParam().Body;
}

INSTANTIATE_TEST_SUITE_P(
    Loops, EndlessLoopTest,
    ::testing::Values(
        EndlessCase{"while (true) { work(); }", true},
        EndlessCase{"while (1) work();", true},
        EndlessCase{"for (;;) {}", true},
        EndlessCase{"for (int i = 0;; ++i) work();", true},
        EndlessCase{"do { work(); } while (true);", true},
        EndlessCase{"while (!false) {}", true},
        EndlessCase{"while (cond()) {}", false},
        EndlessCase{"while (x) {}", false},
        EndlessCase{"for (int i = 0; i < 3; ++i) {}", false},
        EndlessCase{"while (true) { if (cond()) break; }", false},
        EndlessCase{"while (true) { if (cond()) return; }", false},
        EndlessCase{"while (true) { if (cond()) throw 1; }", false},
        EndlessCase{"while (true) { if (cond()) die(); }", false},
        EndlessCase{"while (true) { if (cond()) goto out; } out:;", false},
        EndlessCase{"while (true) { again: if (cond()) goto again; }", true},
        // A break of a nested switch or loop does not leave this loop.
        EndlessCase{"while (true) { switch (x) { case 1: break; } }", true},
        EndlessCase{"while (true) { for (;;) { break; } }", true},
        EndlessCase{"while (true) { while (cond()) { if (x) break; } }", true},
        // A return in a nested lambda leaves the lambda.
        EndlessCase{"while (true) { [] { return; }(); }", true},
        EndlessCase{"while (true) { auto l = [] { throw 1; }; }", true}));

TEST(QualifiedName, IgnoresInlineNamespacesOnly) {
  auto AST = parse("namespace mylib { namespace std { class thread {}; } }\n"
                   "class thread {};\n");
  int Std = 0, Global = 0, Mylib = 0, All = 0;
  for (const auto &B : match(cxxRecordDecl(hasName("thread"), isDefinition(),
                                           unless(isImplicit()))
                                 .bind("r"),
                             AST->getASTContext())) {
    const auto *RD = B.getNodeAs<CXXRecordDecl>("r");
    ++All;
    Std += matchesQualifiedName(RD, "std::thread");       // std::__1::thread
    Global += matchesQualifiedName(RD, "::thread");       // ::thread
    Mylib += matchesQualifiedName(RD, "mylib::std::thread");
  }
  EXPECT_EQ(All, 3);
  EXPECT_EQ(Std, 1);
  EXPECT_EQ(Global, 1);
  EXPECT_EQ(Mylib, 1);
}

/// The spawn site in function g.
std::optional<SpawnSite> spawnIn(ASTUnit &AST, const Library &Lib) {
  auto M = match(cxxConstructExpr(hasAncestor(functionDecl(hasName("g"))))
                     .bind("e"),
                 AST.getASTContext());
  for (const auto &B : M)
    if (auto S = matchSpawn(Lib, B.getNodeAs<Expr>("e"), AST.getASTContext()))
      return S;
  return std::nullopt;
}

struct CallableCase {
  const char *Code;     // defines g() that spawns; the task is `task`
  bool Resolves;
};

class ResolveTest : public ::testing::TestWithParam<CallableCase> {};

TEST_P(ResolveTest, FindsTheBody) {
  auto AST = parse(GetParam().Code);
  Library Lib(ModelSet::builtins());
  auto S = spawnIn(*AST, Lib);
  ASSERT_TRUE(S.has_value()) << GetParam().Code;
  EXPECT_EQ(S->Name, "std::thread");
  EXPECT_EQ(S->Task.body() != nullptr, GetParam().Resolves) << GetParam().Code;
}

INSTANTIATE_TEST_SUITE_P(
    Callables, ResolveTest,
    ::testing::Values(
        CallableCase{"void g() { std::thread t([] { work(); }); }", true},
        CallableCase{"void g() { auto l = [] { work(); }; std::thread t(l); }", true},
        CallableCase{"void task() {} void g() { std::thread t(task); }", true},
        CallableCase{"void task() {} void g() { std::thread t(&task); }", true},
        CallableCase{"struct F { void operator()() {} };\n"
                     "void g() { std::thread t(F{}); }", true},
        CallableCase{"struct S { void run() {} };\n"
                     "void g() { S s; std::thread t(&S::run, &s); }", true},
        CallableCase{"void task(int) {}\n"
                     "void g() { std::thread t(std::bind(task, 1)); }", true},
        CallableCase{"void task();\n" // declared only: not visible
                     "void g() { std::thread t(task); }", false}));

TEST(StopHandle, CapturedTokenIsAHandle) {
  auto AST = parse("void g(std::stop_token st) {\n"
                   "  std::thread t([st] { while (true) work(); });\n"
                   "}\n");
  Library Lib(ModelSet::builtins());
  auto S = spawnIn(*AST, Lib);
  ASSERT_TRUE(S);
  TaskAnalysis A(Lib, AST->getASTContext());
  EXPECT_TRUE(A.hasStopHandle(*S));
}

TEST(StopHandle, NoHandle) {
  auto AST = parse("void g() { std::thread t([] { while (true) work(); }); }\n");
  Library Lib(ModelSet::builtins());
  auto S = spawnIn(*AST, Lib);
  ASSERT_TRUE(S);
  TaskAnalysis A(Lib, AST->getASTContext());
  EXPECT_FALSE(A.hasStopHandle(*S));
  auto Loops = A.uncancellableLoops(S->Task.Function, CancelMode::AwaitCancels);
  EXPECT_EQ(Loops.size(), 1u);
}

TEST(Cancellation, FollowsCallsIntoTheTranslationUnit) {
  auto AST = parse("void check(std::stop_token &t) { if (t.stop_requested()) die(); }\n"
                   "std::stop_token tok;\n"
                   "void step() { check(tok); }\n"
                   "void f() { while (true) { step(); } }\n");
  Library Lib(ModelSet::builtins());
  TaskAnalysis A(Lib, AST->getASTContext());
  const Stmt *Loop = firstLoop(*AST, "f");
  ASSERT_TRUE(Loop);
  EXPECT_TRUE(A.reachesCancellationPoint(Loop, CancelMode::AwaitCancels));
  TaskAnalysis Shallow(Lib, AST->getASTContext(), /*CallDepth=*/0);
  EXPECT_FALSE(Shallow.reachesCancellationPoint(Loop, CancelMode::AwaitCancels));
}

TEST(Cancellation, ConfiguredCancellationPoint) {
  ModelSet M = ModelSet::builtins();
  ModelSet User;
  ModelError E;
  ASSERT_TRUE(parseModelYAML("cancellation-points: [ns::Ctx::cancelled]\n",
                             "m.yaml", User, E));
  M.append(User);
  auto AST = parse("namespace ns { struct Ctx { bool cancelled() const; }; }\n"
                   "void f(ns::Ctx &c) { while (true) { c.cancelled(); } }\n");
  Library Lib(M);
  TaskAnalysis A(Lib, AST->getASTContext());
  const Stmt *Loop = firstLoop(*AST, "f");
  EXPECT_TRUE(A.reachesCancellationPoint(Loop, CancelMode::AwaitCancels));
  Library Builtin(ModelSet::builtins());
  TaskAnalysis B(Builtin, AST->getASTContext());
  EXPECT_FALSE(B.reachesCancellationPoint(Loop, CancelMode::AwaitCancels));
}

} // namespace
