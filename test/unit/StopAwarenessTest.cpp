//===--- StopAwarenessTest.cpp - which waits can a stop request wake? ------===//
#include "lib/Library.h"
#include "lib/StopAwareness.h"
#include "lib/TaskAnalysis.h"

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
class stop_source {
public:
  stop_token get_token() const;
  bool request_stop();
  bool stop_requested() const;
};
template <class F> class stop_callback {
public:
  template <class C> stop_callback(const stop_token &, C &&) {}
};
template <class F> stop_callback(stop_token, F) -> stop_callback<F>;
class mutex {};
template <class M> class unique_lock { public: explicit unique_lock(M &); };
class condition_variable {
public:
  void notify_one();
  void notify_all();
  void wait(unique_lock<mutex> &);
  template <class P> void wait(unique_lock<mutex> &, P) {}
};
class condition_variable_any {
public:
  void notify_all();
  template <class L> void wait(L &) {}
  template <class L, class P> void wait(L &, P) {}
  template <class L, class P> bool wait(L &, stop_token, P) { return true; }
};
template <class T> class future { public: T get(); void wait() const; };
class thread { public: void join(); };
}
}
namespace rt {
template <class T> struct Mailbox { T take(); void close(); };
}
struct Q { std::mutex m; std::condition_variable cv; std::condition_variable_any any; };
)";

std::unique_ptr<ASTUnit> parse(const std::string &Code) {
  return test::parseCode(std::string(Prelude) + Code);
}

const FunctionDecl *function(ASTUnit &AST, StringRef Name) {
  auto M = match(functionDecl(hasName(Name), isDefinition()).bind("f"),
                 AST.getASTContext());
  return M.empty() ? nullptr : M.front().getNodeAs<FunctionDecl>("f");
}

/// The names of the unwakeable waits in function `task`.
std::vector<std::string> waitsIn(const std::string &Code,
                                 const ModelSet &Models = ModelSet::builtins()) {
  auto AST = parse(Code);
  Library Lib(Models);
  TaskAnalysis TA(Lib, AST->getASTContext());
  StopAwareness SA(TA, AST->getASTContext());
  const FunctionDecl *FD = function(*AST, "task");
  EXPECT_TRUE(FD);
  std::vector<std::string> Out;
  if (!FD)
    return Out;
  EXPECT_TRUE(StopAwareness::stopHandle(Lib, FD).has_value());
  for (const UnwakeableWait &W : SA.unwakeableWaits(FD))
    Out.push_back(W.Name);
  return Out;
}

using Names = std::vector<std::string>;

TEST(StopAwareness, PlainWaitIsUnwakeable) {
  EXPECT_EQ(waitsIn("void task(std::stop_token st, Q &q) {\n"
                    "  std::unique_lock<std::mutex> l(q.m); q.cv.wait(l);\n"
                    "}\n"),
            Names{"std::condition_variable::wait"});
}

TEST(StopAwareness, StopTokenOverloadIsWoken) {
  EXPECT_EQ(waitsIn("void task(std::stop_token st, Q &q) {\n"
                    "  std::unique_lock<std::mutex> l(q.m);\n"
                    "  q.any.wait(l, st, [] { return true; });\n"
                    "  q.any.wait(l, [] { return true; });\n"
                    "}\n"),
            Names{"std::condition_variable_any::wait"});
}

TEST(StopAwareness, StopCallbackThatNotifiesWakes) {
  EXPECT_TRUE(waitsIn("void task(std::stop_token st, Q &q) {\n"
                      "  std::stop_callback cb(st, [&] { q.cv.notify_all(); });\n"
                      "  std::unique_lock<std::mutex> l(q.m); q.cv.wait(l);\n"
                      "}\n")
                  .empty());
  // A callback that does something else does not.
  EXPECT_EQ(waitsIn("void log();\n"
                    "void task(std::stop_token st, Q &q) {\n"
                    "  std::stop_callback cb(st, [] { log(); });\n"
                    "  std::unique_lock<std::mutex> l(q.m); q.cv.wait(l);\n"
                    "}\n"),
            Names{"std::condition_variable::wait"});
}

TEST(StopAwareness, StopFunctionThatNotifiesWakes) {
  const char *Code = "Q g_q;\n"
                     "std::stop_source g_src;\n"
                     "void stop() { g_src.request_stop(); g_q.cv.notify_all(); }\n"
                     "void task(std::stop_token st) {\n"
                     "  std::unique_lock<std::mutex> l(g_q.m); g_q.cv.wait(l);\n"
                     "}\n";
  EXPECT_TRUE(waitsIn(Code).empty());
  // Notifying without requesting a stop is an ordinary producer.
  EXPECT_EQ(waitsIn("Q g_q;\n"
                    "void push() { g_q.cv.notify_one(); }\n"
                    "void task(std::stop_token st) {\n"
                    "  std::unique_lock<std::mutex> l(g_q.m); g_q.cv.wait(l);\n"
                    "}\n"),
            Names{"std::condition_variable::wait"});
}

TEST(StopAwareness, OwnedObjectsAreChildren) {
  EXPECT_TRUE(waitsIn("void task(std::stop_token st) {\n"
                      "  std::thread t; t.join();\n"
                      "  std::future<int> f; f.get();\n"
                      "}\n")
                  .empty());
  EXPECT_EQ(waitsIn("void task(std::stop_token st, std::thread &t,\n"
                    "          std::future<int> *f) {\n"
                    "  t.join(); f->get();\n"
                    "}\n"),
            (Names{"std::thread::join", "std::future::get"}));
}

TEST(StopAwareness, ShutdownPathIsNotReported) {
  EXPECT_TRUE(waitsIn("void task(std::stop_token st, std::thread &t) {\n"
                      "  while (!st.stop_requested()) {}\n"
                      "  t.join();\n"
                      "}\n")
                  .empty());
  EXPECT_TRUE(waitsIn("void task(std::stop_token st, std::thread &t) {\n"
                      "  if (st.stop_requested()) t.join();\n"
                      "}\n")
                  .empty());
  EXPECT_EQ(waitsIn("void task(std::stop_token st, std::thread &t) {\n"
                    "  if (!st.stop_requested()) t.join();\n"
                    "}\n"),
            Names{"std::thread::join"});
}

TEST(StopAwareness, CapturedHandleAndYamlWaits) {
  ModelSet M = ModelSet::builtins();
  M.BlockingWaits.push_back({"rt::Mailbox", {"take"}, {"close"}});
  EXPECT_EQ(waitsIn("rt::Mailbox<int> box;\n"
                    "void g(std::stop_source src) {\n"
                    "  auto task = [src] { return box.take(); };\n"
                    "  (void)task;\n"
                    "}\n"
                    "void task(std::stop_token st) { box.take(); }\n",
                    M),
            Names{"rt::Mailbox::take"});
  EXPECT_TRUE(waitsIn("rt::Mailbox<int> box;\n"
                      "void task(std::stop_token st) {\n"
                      "  std::stop_callback cb(st, [] { box.close(); });\n"
                      "  box.take();\n"
                      "}\n",
                      M)
                  .empty());
  // Without the model, take() is an ordinary call.
  EXPECT_TRUE(waitsIn("rt::Mailbox<int> box;\n"
                      "void task(std::stop_token st) { box.take(); }\n")
                  .empty());
}

TEST(StopAwareness, HandleOfALambda) {
  auto AST = parse("void g(std::stop_source src, std::stop_token tok) {\n"
                   "  auto a = [src] {};\n"
                   "  auto b = [&] { (void)tok; };\n"
                   "  auto c = [](std::stop_token p) {};\n"
                   "  auto d = [] {};\n"
                   "}\n");
  Library Lib(ModelSet::builtins());
  std::vector<std::string> Handles;
  for (const auto &B : match(lambdaExpr().bind("l"), AST->getASTContext())) {
    const auto *L = B.getNodeAs<LambdaExpr>("l");
    auto H = StopAwareness::stopHandle(Lib, L->getCallOperator());
    Handles.push_back(H ? H->Var->getName().str() : "-");
  }
  EXPECT_EQ(Handles, (Names{"src", "tok", "p", "-"}));
}

} // namespace
