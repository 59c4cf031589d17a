//===--- ModelsTest.cpp - model files and their errors ---------------------===//
#include "lib/Library.h"
#include "lib/Models.h"
#include "test/unit/ParseCode.h"

#include "clang/ASTMatchers/ASTMatchFinder.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <sstream>
#include <thread>

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
  auto M = modelsFor(std::string(Src), "", E);
  ASSERT_NE(M, nullptr) << E.str();
  EXPECT_EQ(M->StopTokenTypes.back(), "mid::T");
  // The built-ins are always there.
  EXPECT_EQ(M->StopTokenTypes.front(), "std::stop_token");

  // An explicit file wins over discovery.
  auto Explicit = modelsFor(std::string(Src), std::string(Top), E);
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

TEST(ModelYAML, ConditionVariablesMutexesAndLockGuards) {
  ModelSet M;
  ModelError E;
  ASSERT_TRUE(parseModelYAML(
      "condition-variables:\n"
      "  - {type: \"rt::Event\", wait: [wait], timed-wait: [wait_ms],\n"
      "     notify-one: [signal], notify-all: [broadcast]}\n"
      "mutexes:\n"
      "  - {type: \"rt::SpinLock\", lock: [acquire], unlock: [release],\n"
      "     guard: \"rt::Guard\"}\n"
      "lock-guards:\n"
      "  - \"rt::Guard\"\n"
      "  - {type: \"rt::Holder\", lock: [lock], unlock: [unlock],\n"
      "     defer-tags: [\"rt::deferred_t\"]}\n",
      "m.yaml", M, E))
      << E.str();
  ASSERT_EQ(M.ConditionVariables.size(), 1u);
  EXPECT_EQ(M.ConditionVariables[0].TimedWait,
            std::vector<std::string>{"wait_ms"});
  EXPECT_EQ(M.ConditionVariables[0].NotifyAll,
            std::vector<std::string>{"broadcast"});
  ASSERT_EQ(M.Mutexes.size(), 1u);
  EXPECT_EQ(M.Mutexes[0].Guard, "rt::Guard");
  ASSERT_EQ(M.LockGuards.size(), 2u);
  EXPECT_EQ(M.LockGuards[0].Type, "rt::Guard");
  EXPECT_TRUE(M.LockGuards[0].Unlock.empty());
  EXPECT_EQ(M.LockGuards[1].DeferTags,
            std::vector<std::string>{"rt::deferred_t"});
  // A condition variable needs its waits; an unknown key names the entry.
  EXPECT_FALSE(parseModelYAML("condition-variables:\n  - type: \"rt::E\"\n",
                              "m.yaml", M, E));
  EXPECT_FALSE(parseModelYAML(
      "mutexes:\n  - {type: \"rt::M\", locks: [a]}\n", "m.yaml", M, E));
  EXPECT_NE(E.Message.find("a mutex entry"), std::string::npos) << E.str();
}

TEST(ModelYAML, BuiltinConditionVariables) {
  const ModelSet &B = ModelSet::builtins();
  for (const ConditionVariableModel &C : B.ConditionVariables) {
    EXPECT_FALSE(C.Wait.empty()) << C.Type;
    EXPECT_FALSE(C.NotifyAll.empty()) << C.Type; // the notify_all fix-it
  }
  // Every guard a fix-it writes is a lock guard of the models.
  for (const MutexModel &M : B.Mutexes) {
    if (M.Guard.empty())
      continue;
    bool Known = false;
    for (const LockGuardModel &G : B.LockGuards)
      Known |= G.Type == M.Guard;
    EXPECT_TRUE(Known) << M.Type << " -> " << M.Guard;
  }
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

// --- The built-in file: one grammar with user models -------------------------

namespace {

const SpawnModel *findSpawn(const ModelSet &M, const std::string &Name) {
  for (const SpawnModel &S : M.Spawns)
    if (S.Name == Name)
      return &S;
  return nullptr;
}

} // namespace

TEST(BuiltinModels, ParseWithTheUserGrammar) {
  // The embedded text is an ordinary model file.
  ModelSet M;
  ModelError E;
  ASSERT_TRUE(parseModelYAML(builtinModelText(), "builtin.yaml", M, E))
      << E.str();
  EXPECT_EQ(M.Spawns.size(), ModelSet::builtins().Spawns.size());
  EXPECT_TRUE(ModelSet::builtins().SourceFile.empty());
}

TEST(BuiltinModels, SameFactsAsTheFormerTables) {
  const ModelSet &B = ModelSet::builtins();
  struct Expect {
    const char *Name;
    SpawnKind Kind;
    bool Ctor;
    unsigned Arg;
  } Spawns[] = {{"std::thread", SpawnKind::StdThread, true, 0},
                {"std::jthread", SpawnKind::JThread, true, 0},
                {"boost::thread", SpawnKind::StdThread, true, 0},
                {"std::async", SpawnKind::Async, false, 0},
                {"pthread_create", SpawnKind::Pthread, false, 2},
                {"boost::asio::co_spawn", SpawnKind::CoSpawn, false, 1},
                {"asio::co_spawn", SpawnKind::CoSpawn, false, 1},
                {"QThread::create", SpawnKind::Function, false, 0},
                {"QtConcurrent::run", SpawnKind::QtRun, false, 0}};
  ASSERT_EQ(B.Spawns.size(), std::size(Spawns));
  for (const Expect &X : Spawns) {
    const SpawnModel *S = findSpawn(B, X.Name);
    ASSERT_NE(S, nullptr) << X.Name;
    EXPECT_EQ(S->Kind, X.Kind) << X.Name;
    EXPECT_EQ(S->IsConstructor, X.Ctor) << X.Name;
    EXPECT_EQ(S->CallableArg, X.Arg) << X.Name;
  }
  EXPECT_EQ(findSpawn(B, "std::async")->OptionalLeadingArgs,
            std::vector<std::string>{"std::launch"});
  EXPECT_EQ(B.StopTokenTypes,
            (std::vector<std::string>{"std::stop_token", "std::stop_source",
                                      "std::stop_callback"}));
  EXPECT_EQ(B.CancellationPoints.size(), 26u);
  ASSERT_EQ(B.Channels.size(), 10u);
  EXPECT_EQ(B.Channels[0].CapacityAdjust, -1);
  EXPECT_EQ(B.Channels[0].CapacityArg, 0u);
  EXPECT_FALSE(B.Channels[1].CapacityArg.has_value());
  EXPECT_EQ(B.Channels[9].Type, "asio::experimental::basic_concurrent_channel");
  EXPECT_EQ(B.Channels[9].CapacityArg, 1u);
  ASSERT_EQ(B.WaitGroups.size(), 4u);
  for (const WaitGroupModel &W : B.WaitGroups) {
    EXPECT_EQ(W.CountArg, 0u) << W.Type;
    EXPECT_EQ(W.Phased, W.Type == "std::barrier") << W.Type;
    EXPECT_TRUE(W.Add.empty()) << W.Type;
  }
  EXPECT_EQ(B.BlockingWaits.size(), 7u);
}

TEST(BuiltinModels, OneFactPerQuestion) {
  const ModelSet &B = ModelSet::builtins();
  // The std::ref family, once.
  EXPECT_EQ(B.ReferenceWrappers,
            (std::vector<std::string>{"std::ref", "std::cref", "boost::ref",
                                      "boost::cref"}));
  ASSERT_EQ(B.ThreadClasses.size(), 3u);
  EXPECT_EQ(B.ThreadClasses[0].Type, "std::thread");
  EXPECT_EQ(B.ThreadClasses[0].Destructor, JoinableDestructor::Terminates);
  EXPECT_EQ(B.ThreadClasses[0].Replacement, "std::jthread");
  EXPECT_EQ(B.ThreadClasses[1].StopToken, "std::stop_token");
  EXPECT_EQ(B.ThreadClasses[2].Destructor, JoinableDestructor::Detaches);
  EXPECT_EQ(B.OpaqueNamespaces.size(), 8u);
  EXPECT_EQ(B.StopTokens[2].Kind, StopTokenKind::Callback);
}

// --- Model files that are errors (issue 14, items 9 and 10) ------------------

TEST(ModelYAML, DuplicateKeysAreErrors) {
  ModelSet M;
  ModelError E;
  EXPECT_FALSE(parseModelYAML("stop-tokens: [a]\nspawn: []\nstop-tokens: [b]\n",
                              "m.yaml", M, E));
  EXPECT_EQ(E.str(), "m.yaml:3:1: error: duplicate key 'stop-tokens' in the "
                     "model file (first given at line 1)");
  EXPECT_FALSE(parseModelYAML("spawn:\n"
                              "  - function: f\n"
                              "    callable-arg: 0\n"
                              "    callable-arg: 1\n",
                              "m.yaml", M, E));
  EXPECT_EQ(E.str(), "m.yaml:4:5: error: duplicate key 'callable-arg' in a "
                     "spawn entry (first given at line 3)");
  EXPECT_FALSE(parseModelYAML("channels: [{type: a, type: b}]\n", "m.yaml", M,
                              E));
  EXPECT_EQ(E.Line, 1u);
  EXPECT_NE(E.Message.find("duplicate key 'type' in a channel entry"),
            std::string::npos);
}

TEST(ModelYAML, DocumentsAfterTheFirstAreErrors) {
  ModelSet M;
  ModelError E;
  EXPECT_FALSE(parseModelYAML("stop-tokens: [a]\n---\nstop-tokens: [b]\n",
                              "m.yaml", M, E));
  EXPECT_EQ(E.File, "m.yaml");
  EXPECT_EQ(E.Line, 3u) << E.str();
  EXPECT_NE(E.Message.find("one YAML document"), std::string::npos);
  // A trailing empty document too.
  EXPECT_FALSE(parseModelYAML("stop-tokens: [a]\n---\n", "m.yaml", M, E));
  EXPECT_EQ(E.Line, 2u) << E.str();
  // One explicit document is fine.
  EXPECT_TRUE(parseModelYAML("---\nstop-tokens: [a]\n...\n", "m.yaml", M, E))
      << E.str();
}

namespace {

struct TempDir {
  llvm::SmallString<128> Root;
  TempDir() { llvm::sys::fs::createUniqueDirectory("taskleak-models", Root); }
  ~TempDir() { llvm::sys::fs::remove_directories(Root); }
  std::string path(llvm::StringRef A, llvm::StringRef B = "") const {
    llvm::SmallString<128> P(Root);
    llvm::sys::path::append(P, A);
    if (!B.empty())
      llvm::sys::path::append(P, B);
    return std::string(P.str());
  }
};

void writeFile(const std::string &Path, llvm::StringRef Text) {
  std::error_code EC;
  llvm::raw_fd_ostream OS(Path, EC);
  ASSERT_FALSE(EC) << Path << ": " << EC.message();
  OS << Text;
}

} // namespace

TEST(ModelFiles, DirectoryNamedLikeTheModelIsAnError) {
  TempDir D;
  writeFile(D.path(".taskleak.yaml"), "stop-tokens: [top::T]\n");
  ASSERT_FALSE(llvm::sys::fs::create_directories(D.path("a", ".taskleak.yaml")));
  const std::string Src = D.path("a", "x.cpp");
  // Never skipped for the parent's model.
  EXPECT_EQ(findModelFile(Src), D.path("a", ".taskleak.yaml"));
  ModelError E;
  EXPECT_EQ(modelsFor(Src, "", E), nullptr);
  EXPECT_EQ(E.str(), D.path("a", ".taskleak.yaml") +
                         ":1:1: error: model file is a directory, not a file");
  // Given explicitly, likewise.
  EXPECT_EQ(modelsFor("x.cpp", D.path("a", ".taskleak.yaml"), E), nullptr);
  EXPECT_NE(E.Message.find("is a directory"), std::string::npos);
}

TEST(ModelFiles, DanglingSymlinkIsAnError) {
  TempDir D;
  writeFile(D.path(".taskleak.yaml"), "stop-tokens: [top::T]\n");
  ASSERT_FALSE(llvm::sys::fs::create_directories(D.path("a")));
  ASSERT_FALSE(llvm::sys::fs::create_link(D.path("a", "gone.yaml"),
                                          D.path("a", ".taskleak.yaml")));
  const std::string Src = D.path("a", "x.cpp");
  EXPECT_EQ(findModelFile(Src), D.path("a", ".taskleak.yaml"));
  ModelError E;
  EXPECT_EQ(modelsFor(Src, "", E), nullptr);
  EXPECT_EQ(E.str(), D.path("a", ".taskleak.yaml") +
                         ":1:1: error: model file is a symbolic link to a "
                         "file that does not exist");
  // A symlink to a real file is that file.
  writeFile(D.path("a", "gone.yaml"), "stop-tokens: [a::T]\n");
  auto M = modelsFor(Src, "", E);
  ASSERT_NE(M, nullptr) << E.str();
  EXPECT_EQ(M->StopTokenTypes.back(), "a::T");
}

// --- modelsFor from several threads (issue 14, item 4) -----------------------

TEST(ModelFiles, ConcurrentReloadNeverFreesAResultInUse) {
  TempDir D;
  const std::string Model = D.path("m.yaml");
  writeFile(Model, "stop-tokens: [a::T]\n");
  std::atomic<bool> Stop{false};
  std::atomic<unsigned> Reads{0}, Failures{0};
  auto Reader = [&] {
    while (!Stop) {
      ModelError E;
      std::shared_ptr<const ModelSet> M = modelsFor("x.cpp", Model, E);
      if (!M) { // the writer's file may be half written: an error, not a crash
        ++Failures;
        continue;
      }
      // Read the whole set after another thread may have reloaded it.
      std::this_thread::yield();
      size_t N = 0;
      for (const std::string &T : M->StopTokenTypes)
        N += T.size();
      EXPECT_GT(N, 0u);
      ++Reads;
    }
  };
  std::vector<std::thread> Threads;
  for (int I = 0; I < 4; ++I)
    Threads.emplace_back(Reader);
  // Every rewrite changes the size, so that each read reloads.
  for (int I = 0; I < 300; ++I)
    writeFile(Model, "stop-tokens: [a::T" + std::string(I % 7 + 1, 'x') + "]\n");
  for (int Wait = 0; Reads < 100 && Wait < 10000; ++Wait)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  Stop = true;
  for (std::thread &T : Threads)
    T.join();
  EXPECT_GE(Reads.load(), 100u);
}

// --- docs/models.md documents the grammar and lists the built-ins -----------

namespace {

std::string readDocs() {
  std::ifstream In(std::string(TASKLEAK_SOURCE_DIR) + "/docs/models.md");
  std::stringstream SS;
  SS << In.rdbuf();
  return SS.str();
}

/// The text of the grammar section for top-level key \p Key: from its
/// "### `key:`" heading to the next heading.
std::string grammarSection(const std::string &Docs, const std::string &Key) {
  size_t Begin = Docs.find("### `" + Key + ":`");
  if (Begin == std::string::npos)
    return {};
  size_t End = Docs.find("\n#", Begin + 1);
  return Docs.substr(Begin, End == std::string::npos ? End : End - Begin);
}

} // namespace

TEST(ModelDocs, EveryKeyOfTheGrammarIsDocumented) {
  const std::string Docs = readDocs();
  ASSERT_FALSE(Docs.empty()) << "docs/models.md not found";
  for (const GrammarKey &K : modelGrammar()) {
    if (!*K.Section) {
      EXPECT_FALSE(grammarSection(Docs, K.Key).empty())
          << "docs/models.md has no '### `" << K.Key << ":`' section";
      continue;
    }
    EXPECT_NE(grammarSection(Docs, K.Section).find(std::string("`") + K.Key +
                                                   ":`"),
              std::string::npos)
        << "the '" << K.Section << ":' section of docs/models.md does not "
        << "document its key '" << K.Key << ":'";
  }
}

TEST(ModelDocs, EveryBuiltinEntryIsListed) {
  const std::string Docs = readDocs();
  const ModelSet &B = ModelSet::builtins();
  std::vector<std::string> Names = B.CancellationPoints;
  auto Add = [&](const std::vector<std::string> &L) {
    Names.insert(Names.end(), L.begin(), L.end());
  };
  for (const SpawnModel &S : B.Spawns) {
    Names.push_back(S.Name);
    Add(S.OptionalLeadingArgs);
  }
  for (const ChannelModel &C : B.Channels)
    Names.push_back(C.Type);
  for (const WaitGroupModel &W : B.WaitGroups)
    Names.push_back(W.Type);
  for (const BlockingWaitModel &W : B.BlockingWaits)
    Names.push_back(W.Type);
  for (const ThreadClassModel &T : B.ThreadClasses)
    Names.insert(Names.end(), {T.Type, T.Replacement, T.StopToken,
                               T.TerminateFunction});
  for (const HandleModel &H : B.Handles)
    Names.push_back(H.Type);
  for (const CallableAdapterModel &A : B.CallableAdapters)
    Names.push_back(A.Name);
  for (const SpawnFactoryModel &F : B.SpawnFactories)
    Names.push_back(F.Name);
  for (const UncancellableAwaitModel &A : B.UncancellableAwaits)
    Names.push_back(A.Name);
  for (const BlockingDestructorModel &D : B.BlockingDestructors)
    Names.push_back(D.Type);
  for (const CompletionTokenModel &T : B.CompletionTokens)
    Names.push_back(T.Name);
  for (const ConditionVariableModel &C : B.ConditionVariables)
    Names.push_back(C.Type);
  for (const MutexModel &M : B.Mutexes)
    Names.insert(Names.end(), {M.Type, M.Guard});
  for (const LockGuardModel &G : B.LockGuards) {
    Names.push_back(G.Type);
    Add(G.DeferTags);
  }
  for (const auto *L :
       {&B.StopTokenTypes, &B.ReferenceWrappers, &B.StopQueries,
        &B.OpaqueNamespaces, &B.MoveFunctions, &B.ObjectAccessors,
        &B.ForEachAlgorithms, &B.FixedSizeArrays, &B.AtomicFlags,
        &B.BlockingFunctions, &B.StopTokenWaits, &B.ProcessExits,
        &B.DetachFunctions})
    Add(*L);
  for (const std::string &N : Names)
    if (!N.empty())
      EXPECT_NE(Docs.find("`" + N + "`"), std::string::npos)
          << "docs/models.md does not list the built-in '" << N << "'";
}

// --- Library: one documented question per fact, user models included --------

namespace {

const char *LibraryPrelude = R"(
namespace std {
template <class T> class reference_wrapper {};
template <class T> reference_wrapper<T> ref(T &);
template <class T> reference_wrapper<const T> cref(const T &);
template <class T> class shared_ptr { public: T *operator->(); };
class stop_token { public: bool stop_requested() const; };
class thread { public: template <class F> thread(F) {} void join(); };
}
namespace boost { template <class T> int cref(const T &); }
namespace rt {
class Thread { public: template <class F> Thread(F) {} void wait(); };
template <class T> int hold(T &);
class Ctx { public: bool cancelled(); };
}
namespace vendored { void helper(); }
void use() {
  int x = 0;
  std::ref(x); std::cref(x); boost::cref(x); rt::hold(x);
  std::shared_ptr<std::stop_token> st;
  std::thread t([] {}); rt::Thread r([] {});
}
)";

template <typename T>
const T *first(clang::ASTContext &Ctx, const char *Name) {
  using namespace clang::ast_matchers;
  auto M = match(namedDecl(hasName(Name)).bind("d"), Ctx);
  for (const auto &N : M)
    if (const auto *D = N.getNodeAs<T>("d"))
      return D;
  return nullptr;
}

std::vector<const clang::CallExpr *> callsOf(clang::ASTContext &Ctx,
                                             const char *Callee) {
  using namespace clang::ast_matchers;
  std::vector<const clang::CallExpr *> Out;
  for (const auto &N :
       match(callExpr(callee(functionDecl(hasName(Callee)))).bind("c"), Ctx))
    Out.push_back(N.getNodeAs<clang::CallExpr>("c"));
  return Out;
}

} // namespace

TEST(LibraryQuestions, OneReferenceWrapperFamily) {
  auto AST = test::parseCode(LibraryPrelude);
  clang::ASTContext &Ctx = AST->getASTContext();
  const Library &B = Library::builtin();
  ASSERT_EQ(callsOf(Ctx, "boost::cref").size(), 1u);
  EXPECT_EQ(B.referenceWrapperName(callsOf(Ctx, "boost::cref")[0]),
            "boost::cref");
  EXPECT_EQ(B.referenceWrapperName(callsOf(Ctx, "std::cref")[0]), "std::cref");
  EXPECT_TRUE(B.isReferenceWrapperCall(callsOf(Ctx, "std::ref")[0]));
  EXPECT_FALSE(B.isReferenceWrapperCall(callsOf(Ctx, "rt::hold")[0]));
  // A user's own ref() is one YAML line.
  ModelSet M = ModelSet::builtins();
  ModelSet User;
  ModelError E;
  ASSERT_TRUE(parseModelYAML("reference-wrappers: [\"rt::hold\"]\n", "m.yaml",
                             User, E))
      << E.str();
  M.append(User);
  Library L(M);
  EXPECT_EQ(L.referenceWrapperName(callsOf(Ctx, "rt::hold")[0]), "rt::hold");
}

TEST(LibraryQuestions, ThreadClassesFromTheModels) {
  auto AST = test::parseCode(LibraryPrelude);
  clang::ASTContext &Ctx = AST->getASTContext();
  const auto *Std = first<clang::CXXRecordDecl>(Ctx, "std::thread");
  const auto *Rt = first<clang::CXXRecordDecl>(Ctx, "rt::Thread");
  ASSERT_TRUE(Std && Rt);
  const ThreadClassModel *C = Library::builtin().threadClass(Std);
  ASSERT_NE(C, nullptr);
  EXPECT_EQ(C->Destructor, JoinableDestructor::Terminates);
  EXPECT_EQ(C->TerminateFunction, "std::terminate");
  const ThreadClassModel *R = Library::builtin().threadClassNamed(C->Replacement);
  ASSERT_NE(R, nullptr);
  EXPECT_EQ(R->StopToken, "std::stop_token");
  EXPECT_EQ(Library::builtin().threadClass(Rt), nullptr);
  // The user's Thread wrapper.
  ModelSet M = ModelSet::builtins(), User;
  ModelError E;
  ASSERT_TRUE(parseModelYAML("thread-classes:\n"
                             "  - type: rt::Thread\n"
                             "    destructor: terminates\n"
                             "    join: wait\n",
                             "m.yaml", User, E))
      << E.str();
  M.append(User);
  Library L(M);
  const ThreadClassModel *U = L.threadClass(Rt);
  ASSERT_NE(U, nullptr);
  EXPECT_TRUE(Library::isJoin(*U, "wait"));
  EXPECT_EQ(U->TerminateFunction, "std::terminate"); // the default
}

TEST(LibraryQuestions, HandlesAndOpaqueNamespaces) {
  auto AST = test::parseCode(LibraryPrelude);
  clang::ASTContext &Ctx = AST->getASTContext();
  const auto *St = first<clang::VarDecl>(Ctx, "st");
  ASSERT_NE(St, nullptr);
  const Library &B = Library::builtin();
  EXPECT_TRUE(B.isStopTokenType(St->getType())); // through shared_ptr
  EXPECT_EQ(B.stopTokenKind(St->getType()), StopTokenKind::Token);
  EXPECT_TRUE(B.keepsAlive(St->getType()));
  EXPECT_TRUE(B.isAliasingHandleType(St->getType()));
  const auto *Helper = first<clang::FunctionDecl>(Ctx, "vendored::helper");
  const auto *Use = first<clang::FunctionDecl>(Ctx, "use");
  EXPECT_FALSE(B.inOpaqueNamespace(Helper));
  EXPECT_FALSE(B.inOpaqueNamespace(Use));
  EXPECT_TRUE(B.inOpaqueNamespace(first<clang::CXXRecordDecl>(Ctx, "std::thread")));
  ModelSet M = ModelSet::builtins(), User;
  ModelError E;
  ASSERT_TRUE(parseModelYAML("opaque-namespaces: [vendored]\n", "m.yaml", User, E));
  M.append(User);
  EXPECT_TRUE(Library(M).inOpaqueNamespace(Helper));
}

// --- Process exits (issue 9): not a way out of an endless loop ---------------

TEST(ModelYAML, ProcessExits) {
  ModelSet M;
  ModelError E;
  ASSERT_TRUE(parseModelYAML("process-exits: [\"app::die\", fatal_exit]\n",
                             "m.yaml", M, E))
      << E.str();
  EXPECT_EQ(M.ProcessExits,
            (std::vector<std::string>{"app::die", "fatal_exit"}));
  // A name list: a mapping is an error with its line and column.
  EXPECT_FALSE(parseModelYAML("process-exits:\n  - {function: abort}\n",
                              "m.yaml", M, E));
  EXPECT_EQ(E.Line, 2u);
  // A single name is a one-element list.
  ASSERT_TRUE(parseModelYAML("process-exits: die\n", "m.yaml", M, E));
  EXPECT_EQ(M.ProcessExits, std::vector<std::string>{"die"});
  // The built-ins: the C and C++ process exits and assert's failure branch.
  const ModelSet &B = ModelSet::builtins();
  for (const char *N : {"abort", "std::abort", "exit", "std::exit",
                        "quick_exit", "_Exit", "std::terminate",
                        "__assert_fail", "__assert_rtn"})
    EXPECT_NE(std::find(B.ProcessExits.begin(), B.ProcessExits.end(), N),
              B.ProcessExits.end())
        << N;
}

TEST(LibraryQuestions, ProcessExits) {
  auto AST = test::parseCode(R"(
extern "C" [[noreturn]] void abort();
extern "C" [[noreturn]] void pthread_exit(void *);
namespace std { using ::abort; [[noreturn]] void terminate() noexcept; }
namespace app { [[noreturn]] void die(const char *); }
void use() { std::abort(); std::terminate(); app::die(""); pthread_exit(0); }
)");
  clang::ASTContext &Ctx = AST->getASTContext();
  const Library &B = Library::builtin();
  EXPECT_TRUE(B.isProcessExit(first<clang::FunctionDecl>(Ctx, "abort")));
  EXPECT_TRUE(
      B.isProcessExit(first<clang::FunctionDecl>(Ctx, "std::terminate")));
  EXPECT_FALSE(B.isProcessExit(first<clang::FunctionDecl>(Ctx, "app::die")));
  EXPECT_FALSE(
      B.isProcessExit(first<clang::FunctionDecl>(Ctx, "pthread_exit")));
  ModelSet M = ModelSet::builtins(), User;
  ModelError E;
  ASSERT_TRUE(parseModelYAML("process-exits: [\"app::die\"]\n", "m.yaml",
                             User, E))
      << E.str();
  M.append(User);
  EXPECT_TRUE(
      Library(M).isProcessExit(first<clang::FunctionDecl>(Ctx, "app::die")));
}
