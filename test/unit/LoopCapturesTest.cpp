//===--- LoopCapturesTest.cpp - iteration variables a task holds by reference ===//
#include "lib/Library.h"
#include "lib/LoopCaptures.h"
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
class thread {
public:
  thread();
  template <class F, class... A> explicit thread(F &&f, A &&...a) {}
  void join();
  void detach();
};
template <class T> struct reference_wrapper { T *p; operator T &() const; };
template <class T> reference_wrapper<T> ref(T &t);
}
}
struct Text { Text(); Text(const Text &); const char *c_str() const; };
struct Owned { Owned(); Owned(const Owned &) = delete; };
void use(int);
void use_text(const Text &);
void take(int &);
int n;
int items[8];
Text texts[8];
)";

std::unique_ptr<ASTUnit> parse(const std::string &Code) {
  return test::parseCode(std::string(Prelude) + Code);
}

/// The findings for the first std::thread constructed in f(), as
/// "name:kind" strings (kind: P per iteration, I induction, B body local).
std::vector<std::string> findings(const std::string &Body) {
  auto AST = parse("void f() {\n" + Body + "\n}\n");
  ASTContext &Ctx = AST->getASTContext();
  auto M = match(cxxConstructExpr(hasDeclaration(cxxConstructorDecl(
                                      ofClass(hasName("::std::thread")))),
                                  unless(argumentCountIs(0)))
                     .bind("spawn"),
                 Ctx);
  std::vector<std::string> Out;
  EXPECT_FALSE(M.empty()) << Body;
  if (M.empty())
    return Out;
  Library Lib(ModelSet::builtins());
  std::optional<SpawnSite> S =
      matchSpawn(Lib, M.front().getNodeAs<Expr>("spawn"), Ctx);
  EXPECT_TRUE(S.has_value());
  if (!S)
    return Out;
  for (const IterationCapture &C : iterationCapturesByReference(*S, Ctx)) {
    const char *Kind = C.Scope.Kind == IterationVarKind::PerIteration ? "P"
                       : C.Scope.Kind == IterationVarKind::Induction  ? "I"
                       : C.Scope.Kind == IterationVarKind::WrittenEachIteration
                           ? "W"
                           : "B";
    Out.push_back(C.Ref.Var->getName().str() + ":" + Kind);
  }
  return Out;
}

using V = std::vector<std::string>;

TEST(LoopCaptures, IterationScopes) {
  EXPECT_EQ(findings("for (int x : items) std::thread([&x] { use(x); }).detach();"),
            V{"x:P"});
  EXPECT_EQ(findings("for (int i = 0; i < n; ++i) std::thread([&] { use(i); }).detach();"),
            V{"i:I"});
  EXPECT_EQ(findings("while (n) { int k = n--; std::thread([&k] { use(k); }).detach(); }"),
            V{"k:B"});
  // The variable of an outer loop, spawned from an inner one.
  EXPECT_EQ(findings("for (int x : items) for (int j = 0; j < 2; ++j) "
                     "std::thread([&x] { use(x); }).detach();"),
            V{"x:P"});
}

// Issue 9: the C form, declared before the loop and written every round.
TEST(LoopCaptures, WrittenEachIteration) {
  EXPECT_EQ(findings("int i; for (i = 0; i < n; ++i) "
                     "std::thread([&i] { use(i); }).detach();"),
            V{"i:I"});
  EXPECT_EQ(findings("int k; while (n) { k = n--; "
                     "std::thread([&k] { use(k); }).detach(); }"),
            V{"k:W"});
  EXPECT_EQ(findings("int k; while ((k = n--) > 0) "
                     "std::thread([&k] { use(k); }).detach();"),
            V{"k:W"});
  // Written only in a branch, or never in the loop.
  EXPECT_EQ(findings("int k = 0; while (n--) { if (n == 2) k = n; "
                     "std::thread([&k] { use(k); }).detach(); }"),
            V{});
  EXPECT_EQ(findings("int k = n; while (n--) "
                     "std::thread([&k] { use(k); }).detach();"),
            V{});
}

TEST(LoopCaptures, NotTiedToAnIteration) {
  // A reference loop variable names the element.
  EXPECT_EQ(findings("for (int &x : items) std::thread([&x] { use(x); }).detach();"),
            V{});
  // Declared outside the loop.
  EXPECT_EQ(findings("int total = 0; for (int x : items) "
                     "std::thread([&total] { use(total); }).detach();"),
            V{});
  // A for-init variable the loop never writes.
  EXPECT_EQ(findings("for (int i = 0, m = n; i < m; ++i) "
                     "std::thread([&m] { use(m); }).detach();"),
            V{});
  // Runs once.
  EXPECT_EQ(findings("for (int i = 0; i < 1; ++i) std::thread([&] { use(i); }).detach();"),
            V{});
  EXPECT_EQ(findings("do { int k = n; std::thread([&k] { use(k); }).detach(); } while (0);"),
            V{});
  // Static locals live for the program.
  EXPECT_EQ(findings("for (int x : items) { static int s; "
                     "std::thread([&] { use(s); }).detach(); }"),
            V{});
}

TEST(LoopCaptures, OnlyRealUsesCount) {
  EXPECT_EQ(findings("for (int x : items) "
                     "std::thread([&x] { use(sizeof(x)); }).detach();"),
            V{});
  EXPECT_EQ(findings("for (int x : items) "
                     "std::thread([&x] { if (&x == &items[0]) use(0); }).detach();"),
            V{});
  EXPECT_EQ(findings("for (int x : items) std::thread([x] { use(x); }).detach();"),
            V{});
  EXPECT_EQ(findings("for (int i = 0; i < n; ++i) "
                     "std::thread([](int &v) { take(v); }, std::ref(i)).detach();"),
            V{"i:I"});
}

TEST(LoopCaptures, WaitedWithinTheIteration) {
  EXPECT_EQ(findings("for (int x : items) { std::thread t([&x] { use(x); }); t.join(); }"),
            V{});
  EXPECT_EQ(findings("for (int x : items) std::thread([&x] { use(x); }).join();"),
            V{});
  // Joined before the next spawn, not before the variable changes.
  EXPECT_EQ(findings("std::thread t; for (int x : items) { "
                     "t.join(); t = std::thread([&x] { use(x); }); }"),
            V{"x:P"});
  // Joined, but only after the loop.
  EXPECT_EQ(findings("std::thread t; for (int x : items) "
                     "t = std::thread([&x] { use(x); }); t.join();"),
            V{"x:P"});
}

TEST(LoopCaptures, ReadOnlyUses) {
  struct Case {
    const char *Code;
    bool ReadOnly;
  };
  for (const Case &C : {
           Case{"void f() { int v = 0; use(v); }", true},
           Case{"void f() { int v = 0; take(v); }", false},
           Case{"void f() { int v = 0; ++v; }", false},
           Case{"void f() { int v = 0; int *p = &v; (void)p; }", false},
           Case{"void f(Text &t) { Text v = t; use_text(v); }", true},
           Case{"void f(Text &t) { Text v = t; v.c_str(); }", true},
           Case{"void f(Text &t) { Text v = t; Text &r = v; (void)r; }", false},
       }) {
    auto AST = parse(C.Code);
    auto M = match(declRefExpr(to(varDecl(hasName("v")))).bind("r"),
                   AST->getASTContext());
    ASSERT_FALSE(M.empty()) << C.Code;
    EXPECT_EQ(isReadOnlyUse(M.front().getNodeAs<DeclRefExpr>("r"),
                            AST->getASTContext()),
              C.ReadOnly)
        << C.Code;
  }
}

TEST(LoopCaptures, Copyable) {
  auto AST = parse("Text t_; Owned o_; int i_; int a_[2];");
  ASTContext &Ctx = AST->getASTContext();
  auto TypeOf = [&](StringRef Name) {
    auto M = match(varDecl(hasName(Name)).bind("v"), Ctx);
    return M.front().getNodeAs<VarDecl>("v")->getType();
  };
  EXPECT_TRUE(isCopyable(TypeOf("t_")));
  EXPECT_FALSE(isCopyable(TypeOf("o_")));
  EXPECT_TRUE(isCopyable(TypeOf("i_")));
  EXPECT_FALSE(isCopyable(TypeOf("a_")));
}

} // namespace
