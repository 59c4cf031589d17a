//===--- InferredModelsTest.cpp - channel models read off user classes ----===//
#include "lib/InferredModels.h"

#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/Frontend/ASTUnit.h"
#include "clang/Tooling/Tooling.h"

#include "test/unit/ParseCode.h"

#include <gtest/gtest.h>

using namespace clang;
using namespace clang::ast_matchers;
using namespace taskleak;

namespace {

const char *Prelude = R"cc(
namespace std {
struct mutex {};
template <class M> struct unique_lock { unique_lock(M &); };
struct condition_variable {
  template <class L> void wait(L &);
  template <class L, class P> void wait(L &, P);
  template <class L, class D, class P> bool wait_for(L &, D, P);
  void notify_one();
};
} // namespace std
)cc";

const CXXRecordDecl *classQ(ASTUnit &AST) {
  auto M = match(cxxRecordDecl(hasName("Q"), isDefinition()).bind("q"),
                 AST.getASTContext());
  return M.empty() ? nullptr : M.front().getNodeAs<CXXRecordDecl>("q");
}

std::optional<WaitGroupModel> inferGroup(const std::string &Code) {
  auto AST = test::parseCode(std::string(Prelude) + Code);
  return inferWaitGroupModel(classQ(*AST));
}

/// The inferred model of the class `Q` (or of `Q<int>` when \p Template),
/// declared by \p Code after a tiny <mutex>/<condition_variable> stand-in.
std::optional<ChannelModel> infer(const std::string &Code,
                                  bool Template = false) {
  // An object of the specialization instantiates the class.
  std::string Use = Template ? "Q<int> use(1);" : "Q *use;";
  auto AST = test::parseCode(std::string(Prelude) + Code + "\n" + Use + "\n");
  auto M = match(varDecl(hasName("use")).bind("v"), AST->getASTContext());
  const auto *V = M.front().getNodeAs<VarDecl>("v");
  QualType T = V->getType();
  return inferChannelModel(T->isPointerType() ? T->getPointeeCXXRecordDecl()
                                              : T->getAsCXXRecordDecl());
}

TEST(InferredChannel, BoundedBlockingQueue) {
  auto M = infer(R"cc(
    template <class T> class Q {
    public:
      explicit Q(unsigned long cap);
      void send(T v) { std::unique_lock<std::mutex> l(m); full.wait(l, [] { return true; }); }
      T recv() { std::unique_lock<std::mutex> l(m); full.wait(l); return T(); }
      bool try_recv(T &) { return false; }
      void close() {}
    private:
      std::mutex m;
      std::condition_variable full;
    };)cc",
                 /*Template=*/true);
  ASSERT_TRUE(M);
  EXPECT_TRUE(M->Inferred);
  EXPECT_EQ(M->CapacityArg, 0u);
  EXPECT_EQ(M->Send, std::vector<std::string>{"send"});
  EXPECT_EQ(M->Receive, (std::vector<std::string>{"recv", "try_recv"}));
  EXPECT_EQ(M->TryReceive, std::vector<std::string>{"try_recv"});
  EXPECT_EQ(M->Close, std::vector<std::string>{"close"});
}

TEST(InferredChannel, CapacityPositionAndNonBlockingPop) {
  auto M = infer(R"cc(
    class Q {
    public:
      Q(const char *name, int cap = 4);
      void push(int) { std::unique_lock<std::mutex> l(m); while (true) cv.wait(l); }
      int pop() { return 0; }  // never waits: a try-receive
    private:
      std::mutex m;
      std::condition_variable cv;
    };)cc");
  ASSERT_TRUE(M);
  EXPECT_EQ(M->CapacityArg, 1u);
  EXPECT_EQ(M->TryReceive, std::vector<std::string>{"pop"});
}

TEST(InferredChannel, NotAChannel) {
  // The send never waits: an unbounded queue.
  EXPECT_FALSE(infer(R"cc(
    class Q {
    public:
      explicit Q(int cap);
      void push(int) { cv.notify_one(); }
      int pop() { std::unique_lock<std::mutex> l(m); cv.wait(l); return 0; }
    private:
      std::mutex m;
      std::condition_variable cv;
    };)cc"));
  // Only a timed send.
  EXPECT_FALSE(infer(R"cc(
    class Q {
    public:
      explicit Q(int cap);
      bool send_for(int, int d) { std::unique_lock<std::mutex> l(m); return cv.wait_for(l, d, [] { return true; }); }
      int recv() { std::unique_lock<std::mutex> l(m); cv.wait(l); return 0; }
    private:
      std::mutex m;
      std::condition_variable cv;
    };)cc"));
  // No capacity argument.
  EXPECT_FALSE(infer(R"cc(
    class Q {
    public:
      void send(int) { std::unique_lock<std::mutex> l(m); cv.wait(l); }
      int recv() { std::unique_lock<std::mutex> l(m); cv.wait(l); return 0; }
    private:
      std::mutex m;
      std::condition_variable cv;
    };)cc"));
  // No receive.
  EXPECT_FALSE(infer(R"cc(
    class Q {
    public:
      explicit Q(int cap);
      void send(int) { std::unique_lock<std::mutex> l(m); cv.wait(l); }
    private:
      std::mutex m;
      std::condition_variable cv;
    };)cc"));
  // Constructors disagree on where the capacity is.
  EXPECT_FALSE(infer(R"cc(
    class Q {
    public:
      explicit Q(int cap);
      Q(const char *name, int cap);
      void send(int) { std::unique_lock<std::mutex> l(m); cv.wait(l); }
      int recv() { std::unique_lock<std::mutex> l(m); cv.wait(l); return 0; }
    private:
      std::mutex m;
      std::condition_variable cv;
    };)cc"));
}

TEST(InferredWaitGroup, GoLikeAndLatch) {
  auto G = inferGroup(R"cc(
    class Q {
    public:
      void Add(int);
      void Done();
      void Wait() { std::unique_lock<std::mutex> l(m); cv.wait(l); }
    private:
      std::mutex m;
      std::condition_variable cv;
    };)cc");
  ASSERT_TRUE(G);
  EXPECT_EQ(G->Add, std::vector<std::string>{"Add"});
  EXPECT_EQ(G->Done, std::vector<std::string>{"Done"});
  EXPECT_EQ(G->Wait, std::vector<std::string>{"Wait"});
  EXPECT_FALSE(G->CountArg);

  auto L = inferGroup(R"cc(
    class Q {
    public:
      explicit Q(long count);
      void count_down();
      void wait() { std::unique_lock<std::mutex> l(m); cv.wait(l); }
    private:
      std::mutex m;
      std::condition_variable cv;
    };)cc");
  ASSERT_TRUE(L);
  EXPECT_EQ(L->CountArg, 0u);
}

TEST(InferredWaitGroup, NotAWaitGroup) {
  // The wait does not block.
  EXPECT_FALSE(inferGroup(R"cc(
    class Q {
    public:
      void Add(int);
      void Done();
      bool Wait() { return true; }
    };)cc"));
  // Neither an add nor a count.
  EXPECT_FALSE(inferGroup(R"cc(
    class Q {
    public:
      void done();
      void wait() { std::unique_lock<std::mutex> l(m); cv.wait(l); }
    private:
      std::mutex m;
      std::condition_variable cv;
    };)cc"));
}

TEST(InferredChannel, GiveUpNames) {
  for (const char *N : {"try_pop", "recv_for", "pop_wait_until", "timed_receive",
                        "receive_timeout", "push_wait_for"})
    EXPECT_TRUE(namesGiveUpOperation(N)) << N;
  for (const char *N : {"pop", "recv", "receive", "take", "format", "send"})
    EXPECT_FALSE(namesGiveUpOperation(N)) << N;
}

} // namespace
