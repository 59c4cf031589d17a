//===--- ModelsTest.cpp - model files and their errors ---------------------===//
#include "lib/Models.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

using namespace taskleak;

namespace {

const char *IssueExample = R"(spawn:
  - function: "golike::go"       # qualified name of a function that starts a task
    callable-arg: 0               # which argument is the task's callable
channels:
  - type: "golike::Chan"          # qualified class (template) name
    send: [send]
    receive: [recv, try_recv]
    close: [close]
    capacity-arg: 0               # constructor argument giving the buffer size; absent or 0 = unbuffered
wait-groups:
  - type: "golike::WaitGroup"
    add: [Add]
    done: [Done]
    wait: [Wait]
cancellation-points:
  - "golike::Context::cancelled"  # calls that check for a stop request
stop-tokens:
  - "golike::Context"             # types that carry a stop request into a task
)";

TEST(ModelYAML, AcceptsTheDocumentedFormat) {
  ModelSet M;
  ModelError E;
  ASSERT_TRUE(parseModelYAML(IssueExample, "m.yaml", M, E)) << E.str();
  ASSERT_EQ(M.Spawns.size(), 1u);
  EXPECT_EQ(M.Spawns[0].Name, "golike::go");
  EXPECT_EQ(M.Spawns[0].CallableArg, 0u);
  EXPECT_FALSE(M.Spawns[0].IsConstructor);
  ASSERT_EQ(M.Channels.size(), 1u);
  EXPECT_EQ(M.Channels[0].Type, "golike::Chan");
  EXPECT_EQ(M.Channels[0].Receive,
            (std::vector<std::string>{"recv", "try_recv"}));
  EXPECT_EQ(M.Channels[0].CapacityArg, 0u);
  ASSERT_EQ(M.WaitGroups.size(), 1u);
  EXPECT_EQ(M.WaitGroups[0].Done, std::vector<std::string>{"Done"});
  EXPECT_EQ(M.CancellationPoints,
            std::vector<std::string>{"golike::Context::cancelled"});
  EXPECT_EQ(M.StopTokenTypes, std::vector<std::string>{"golike::Context"});
}

TEST(ModelYAML, EmptyFileIsAnEmptyModel) {
  ModelSet M;
  ModelError E;
  EXPECT_TRUE(parseModelYAML("", "m.yaml", M, E));
  EXPECT_TRUE(M.Spawns.empty());
  EXPECT_TRUE(parseModelYAML("# only a comment\n", "m.yaml", M, E));
}

TEST(ModelYAML, UnknownTopLevelKeyNamesLineAndColumn) {
  ModelSet M;
  ModelError E;
  EXPECT_FALSE(parseModelYAML("spawn: []\nspwan:\n  - function: f\n", "m.yaml",
                              M, E));
  EXPECT_EQ(E.File, "m.yaml");
  EXPECT_EQ(E.Line, 2u);
  EXPECT_EQ(E.Column, 1u);
  EXPECT_NE(E.Message.find("unknown key 'spwan'"), std::string::npos);
  EXPECT_EQ(E.str().rfind("m.yaml:2:1: error: ", 0), 0u) << E.str();
}

TEST(ModelYAML, UnknownNestedKey) {
  ModelSet M;
  ModelError E;
  EXPECT_FALSE(parseModelYAML(
      "spawn:\n  - function: f\n    callable_arg: 1\n", "m.yaml", M, E));
  EXPECT_EQ(E.Line, 3u);
  EXPECT_EQ(E.Column, 5u);
  EXPECT_NE(E.Message.find("callable_arg"), std::string::npos);
}

TEST(ModelYAML, WrongTypes) {
  ModelSet M;
  ModelError E;
  EXPECT_FALSE(parseModelYAML(
      "spawn:\n  - function: f\n    callable-arg: first\n", "m.yaml", M, E));
  EXPECT_EQ(E.Line, 3u);
  EXPECT_EQ(E.Column, 19u);
  EXPECT_NE(E.Message.find("non-negative integer"), std::string::npos);

  EXPECT_FALSE(parseModelYAML("channels:\n  - type: C\n    send: {a: b}\n",
                              "m.yaml", M, E));
  EXPECT_EQ(E.Line, 3u);
  EXPECT_NE(E.Message.find("'send' must be a list"), std::string::npos);

  EXPECT_FALSE(parseModelYAML("stop-tokens: {a: 1}\n", "m.yaml", M, E));
  EXPECT_EQ(E.Line, 1u);

  EXPECT_FALSE(parseModelYAML("- just\n- a list\n", "m.yaml", M, E));
  EXPECT_NE(E.Message.find("must be a mapping"), std::string::npos);

  EXPECT_FALSE(parseModelYAML("spawn:\n  - callable-arg: 1\n", "m.yaml", M, E));
  EXPECT_NE(E.Message.find("needs a 'function' key"), std::string::npos);

  EXPECT_FALSE(parseModelYAML("spawn:\n  - function: f\n    callable-arg: -1\n",
                              "m.yaml", M, E));
}

TEST(ModelYAML, MalformedYAML) {
  ModelSet M;
  ModelError E;
  EXPECT_FALSE(parseModelYAML("spawn:\n  - function: f\n   bad: [1,\n",
                              "m.yaml", M, E));
  EXPECT_NE(E.Message.find("malformed YAML"), std::string::npos);
  EXPECT_GE(E.Line, 2u);
  EXPECT_FALSE(parseModelYAML("spawn: [a, b\n", "m.yaml", M, E));
  EXPECT_NE(E.Message.find("malformed YAML"), std::string::npos);
}

TEST(ModelYAML, ErrorLeavesOutputUntouched) {
  ModelSet M;
  M.StopTokenTypes = {"keep"};
  ModelError E;
  EXPECT_FALSE(parseModelYAML("stop-tokens: [a]\nbogus: 1\n", "m.yaml", M, E));
  EXPECT_EQ(M.StopTokenTypes, std::vector<std::string>{"keep"});
}

TEST(ModelFiles, NearestFileWins) {
  llvm::SmallString<128> Root;
  ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("taskleak-models", Root));
  llvm::SmallString<128> Sub(Root), SubSub;
  llvm::sys::path::append(Sub, "a", "b");
  ASSERT_FALSE(llvm::sys::fs::create_directories(Sub));
  auto Write = [](llvm::StringRef Path, llvm::StringRef Text) {
    std::error_code EC;
    llvm::raw_fd_ostream OS(Path, EC);
    OS << Text;
  };
  llvm::SmallString<128> Top(Root), Mid(Root), Src(Sub);
  llvm::sys::path::append(Top, ".taskleak.yaml");
  llvm::sys::path::append(Mid, "a", ".taskleak.yaml");
  llvm::sys::path::append(Src, "x.cpp");
  Write(Top, "stop-tokens: [top::T]\n");
  EXPECT_EQ(findModelFile(std::string(Src)), std::string(Top));
  Write(Mid, "stop-tokens: [mid::T]\n");
  EXPECT_EQ(findModelFile(std::string(Src)), std::string(Mid));

  ModelError E;
  const ModelSet *M = modelsFor(std::string(Src), "", E);
  ASSERT_NE(M, nullptr) << E.str();
  EXPECT_EQ(M->StopTokenTypes.back(), "mid::T");
  // The built-ins are always there.
  EXPECT_EQ(M->StopTokenTypes.front(), "std::stop_token");

  // An explicit file wins over discovery.
  const ModelSet *Explicit = modelsFor(std::string(Src), std::string(Top), E);
  ASSERT_NE(Explicit, nullptr);
  EXPECT_EQ(Explicit->StopTokenTypes.back(), "top::T");

  // A broken nearest file is an error, never a silent fallback.
  Write(Mid, "stop-tokens: [mid::T]\nwhat: 1\n");
  EXPECT_EQ(modelsFor(std::string(Src), "", E), nullptr);
  EXPECT_EQ(E.File, std::string(Mid));
  EXPECT_EQ(E.Line, 2u);
  llvm::sys::fs::remove_directories(Root);
}

TEST(ModelFiles, MissingExplicitFile) {
  ModelError E;
  EXPECT_EQ(modelsFor("x.cpp", "/nonexistent/models.yaml", E), nullptr);
  EXPECT_EQ(E.File, "/nonexistent/models.yaml");
}

} // namespace

// --- blocking-waits: ---------------------------------------------------------

TEST(ModelYAML, BlockingWaits) {
  ModelSet M;
  ModelError E;
  ASSERT_TRUE(parseModelYAML("blocking-waits:\n"
                             "  - type: \"rt::Mailbox\"\n"
                             "    wait: [take, await_reply]\n"
                             "    wake: close\n"
                             "  - type: \"rt::Gate\"\n"
                             "    wait: [pass]\n",
                             "m.yaml", M, E))
      << E.str();
  ASSERT_EQ(M.BlockingWaits.size(), 2u);
  EXPECT_EQ(M.BlockingWaits[0].Type, "rt::Mailbox");
  EXPECT_EQ(M.BlockingWaits[0].Wait,
            (std::vector<std::string>{"take", "await_reply"}));
  EXPECT_EQ(M.BlockingWaits[0].Wake, std::vector<std::string>{"close"});
  EXPECT_TRUE(M.BlockingWaits[1].Wake.empty());
  // Appended to the built-ins, which they never replace.
  ModelSet All = ModelSet::builtins();
  size_t Builtin = All.BlockingWaits.size();
  All.append(M);
  EXPECT_EQ(All.BlockingWaits.size(), Builtin + 2);
}

TEST(ModelYAML, BuiltinBlockingWaits) {
  const ModelSet &B = ModelSet::builtins();
  auto Find = [&](const std::string &T) -> const BlockingWaitModel * {
    for (const BlockingWaitModel &W : B.BlockingWaits)
      if (W.Type == T)
        return &W;
    return nullptr;
  };
  for (const char *T : {"std::condition_variable", "std::condition_variable_any",
                        "std::counting_semaphore", "std::future",
                        "std::shared_future", "std::thread", "std::jthread"})
    EXPECT_NE(Find(T), nullptr) << T;
  // Only waits without a deadline: wait_for/wait_until end by themselves.
  for (const BlockingWaitModel &W : B.BlockingWaits)
    for (const std::string &N : W.Wait)
      EXPECT_EQ(N.find("_for"), std::string::npos) << W.Type << "::" << N;
  EXPECT_EQ(Find("std::jthread")->Wake, std::vector<std::string>{"request_stop"});
}

TEST(ModelYAML, BlockingWaitErrorsNameLineAndColumn) {
  ModelSet M;
  ModelError E;
  // An unknown key in an entry.
  EXPECT_FALSE(parseModelYAML("blocking-waits:\n"
                              "  - type: \"rt::Mailbox\"\n"
                              "    wait: [take]\n"
                              "    wakes: [close]\n",
                              "m.yaml", M, E));
  EXPECT_EQ(E.str(), "m.yaml:4:5: error: unknown key 'wakes' in a "
                     "blocking-wait entry (expected type, wait, wake)");
  // 'wait' is required, and must name something.
  EXPECT_FALSE(parseModelYAML("blocking-waits:\n"
                              "  - type: \"rt::Mailbox\"\n"
                              "    wake: [close]\n",
                              "m.yaml", M, E));
  EXPECT_EQ(E.str(),
            "m.yaml:2:5: error: a blocking-wait entry needs a 'wait' key");
  EXPECT_FALSE(parseModelYAML("blocking-waits:\n"
                              "  - type: \"rt::Mailbox\"\n"
                              "    wait: []\n",
                              "m.yaml", M, E));
  EXPECT_EQ(E.str(), "m.yaml:3:11: error: 'wait' must name at least one "
                     "member function");
  // Wrong types.
  EXPECT_FALSE(parseModelYAML("blocking-waits:\n"
                              "  - type: [a, b]\n"
                              "    wait: [take]\n",
                              "m.yaml", M, E));
  EXPECT_EQ(E.Line, 2u);
  EXPECT_EQ(E.Column, 11u);
  EXPECT_NE(E.Message.find("'type' must be a non-empty string"),
            std::string::npos);
  EXPECT_FALSE(parseModelYAML("blocking-waits: {type: x}\n", "m.yaml", M, E));
  EXPECT_EQ(E.str(), "m.yaml:1:17: error: 'blocking-waits' must be a list, "
                     "not a mapping");
}
