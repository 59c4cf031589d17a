//===--- SessionTest.cpp - one session per TU, shared by the checks --------===//
#include "lib/Session.h"
#include "lib/TaskAnalysis.h"

#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/ASTMatchers/ASTMatchers.h"

#include "test/unit/ParseCode.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

using namespace clang;
using namespace clang::ast_matchers;
using namespace taskleak;

namespace {

TEST(Session, SharedWithinScopeFileAndOptions) {
  int ScopeA = 0, ScopeB = 0;
  SessionOptions Opts;
  std::shared_ptr<Session> S1 = Session::acquire(&ScopeA, "a.cpp", Opts);
  std::shared_ptr<Session> S2 = Session::acquire(&ScopeA, "a.cpp", Opts);
  EXPECT_EQ(S1, S2);
  ASSERT_NE(S1->library(), nullptr);
  EXPECT_EQ(S1->modelError(), nullptr);
  EXPECT_EQ(S1->callDepth(), DefaultCallDepth);
  // Another scope, another file or other options: another session.
  EXPECT_NE(S1, Session::acquire(&ScopeB, "a.cpp", Opts));
  EXPECT_NE(S1, Session::acquire(&ScopeA, "b.cpp", Opts));
  SessionOptions Shallow;
  Shallow.CallDepth = 1;
  std::shared_ptr<Session> S3 = Session::acquire(&ScopeA, "a.cpp", Shallow);
  EXPECT_NE(S1, S3);
  EXPECT_EQ(S3->callDepth(), 1u);
}

TEST(Session, EndsWhenTheLastHolderDropsIt) {
  int Scope = 0;
  std::weak_ptr<Session> Weak = Session::acquire(&Scope, "a.cpp", {});
  EXPECT_TRUE(Weak.expired());
  std::shared_ptr<Session> S = Session::acquire(&Scope, "a.cpp", {});
  Weak = S;
  S.reset();
  EXPECT_TRUE(Weak.expired());
}

TEST(Session, CallDepthIsCapped) {
  int Scope = 0;
  SessionOptions Deep;
  Deep.CallDepth = 100000;
  EXPECT_EQ(Session::acquire(&Scope, "a.cpp", Deep)->callDepth(),
            MaxCallDepth);
}

TEST(Session, ModelErrorIsKept) {
  int Scope = 0;
  SessionOptions Opts;
  Opts.ModelFile = "/nonexistent/taskleak-model.yaml";
  std::shared_ptr<Session> S = Session::acquire(&Scope, "a.cpp", Opts);
  EXPECT_EQ(S->library(), nullptr);
  ASSERT_NE(S->modelError(), nullptr);
  EXPECT_EQ(S->modelError()->Message, "model file does not exist");
}

TEST(Session, ThreadsOfOneScopeShareOneSession) {
  int Scope = 0;
  std::vector<std::shared_ptr<Session>> Got(8);
  std::vector<std::thread> Threads;
  for (unsigned I = 0; I < Got.size(); ++I)
    Threads.emplace_back(
        [&, I] { Got[I] = Session::acquire(&Scope, "t.cpp", {}); });
  for (std::thread &T : Threads)
    T.join();
  for (const auto &S : Got)
    EXPECT_EQ(S, Got.front());
}

TEST(Session, AnalysesFollowTheAst) {
  auto AST = test::parseCode("void f() {}");
  int Scope = 0;
  std::shared_ptr<Session> S = Session::acquire(&Scope, "input.cc", {});
  TaskAnalysis &A = S->analysis(AST->getASTContext());
  EXPECT_EQ(&A, &S->analysis(AST->getASTContext()));
  EXPECT_EQ(A.callDepth(), DefaultCallDepth);
  EXPECT_EQ(&S->stopAwareness(AST->getASTContext()),
            &S->stopAwareness(AST->getASTContext()));
}

/// A chain of \p N functions f0 -> f1 -> ... (each also calling one further
/// back), a task whose loop calls f0, and an endless loop at the end of the
/// chain.
std::string callChain(unsigned N) {
  std::string Code = "void poll();\n";
  for (unsigned I = 0; I < N; ++I)
    Code += "void f" + std::to_string(I) + "();\n";
  for (unsigned I = 0; I + 1 < N; ++I)
    Code += "void f" + std::to_string(I) + "() { f" + std::to_string(I + 1) +
            "(); f" + std::to_string((7 * I + 3) % N) + "(); }\n";
  Code += "void f" + std::to_string(N - 1) + "() { f0(); for (;;) poll(); }\n";
  Code += "void task() { f0(); }\n";
  return Code;
}

const FunctionDecl *function(ASTUnit &AST, StringRef Name) {
  auto M = match(functionDecl(hasName(Name), isDefinition()).bind("f"),
                 AST.getASTContext());
  return M.empty() ? nullptr : M.front().getNodeAs<FunctionDecl>("f");
}

// Issue 14 item 5: a long chain of calls with a huge CallDepth overflowed
// the stack in the endless-loop collection.
TEST(CallDepth, LongCallChainWithHugeDepth) {
  auto AST = test::parseCode(callChain(20000));
  Library Lib(ModelSet::builtins());
  TaskAnalysis A(Lib, AST->getASTContext(), 1u << 30);
  EXPECT_EQ(A.callDepth(), MaxCallDepth);
  EXPECT_TRUE(A.uncancellableLoops(function(*AST, "task"),
                                   CancelMode::AwaitCancels)
                  .empty()); // the loop is 20000 calls away
  auto Near = test::parseCode(callChain(5));
  TaskAnalysis B(Lib, Near->getASTContext(), 1u << 30);
  EXPECT_EQ(B.uncancellableLoops(function(*Near, "task"),
                                 CancelMode::AwaitCancels)
                .size(),
            1u); // five calls away, found once although f4 calls f0 again
}

} // namespace
