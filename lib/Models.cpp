//===--- Models.cpp - built-in library models and model lookup -------------===//
#include "lib/Models.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdlib>
#include <memory>

namespace taskleak {

std::string ModelError::str() const {
  std::string S;
  llvm::raw_string_ostream OS(S);
  OS << File << ':' << Line << ':' << Column << ": error: " << Message;
  return OS.str();
}

void ModelSet::append(const ModelSet &O) {
  Spawns.insert(Spawns.end(), O.Spawns.begin(), O.Spawns.end());
  Channels.insert(Channels.end(), O.Channels.begin(), O.Channels.end());
  WaitGroups.insert(WaitGroups.end(), O.WaitGroups.begin(), O.WaitGroups.end());
  BlockingWaits.insert(BlockingWaits.end(), O.BlockingWaits.begin(),
                       O.BlockingWaits.end());
  CancellationPoints.insert(CancellationPoints.end(),
                            O.CancellationPoints.begin(),
                            O.CancellationPoints.end());
  StopTokenTypes.insert(StopTokenTypes.end(), O.StopTokenTypes.begin(),
                        O.StopTokenTypes.end());
  if (!O.SourceFile.empty())
    SourceFile = O.SourceFile;
}

static ModelSet makeBuiltins() {
  ModelSet M;
  auto Ctor = [&](const char *Name, SpawnKind K) {
    M.Spawns.push_back({Name, K, /*IsConstructor=*/true, 0});
  };
  auto Fn = [&](const char *Name, SpawnKind K, unsigned Arg) {
    M.Spawns.push_back({Name, K, /*IsConstructor=*/false, Arg});
  };
  Ctor("std::thread", SpawnKind::StdThread);
  Ctor("std::jthread", SpawnKind::JThread);
  Ctor("boost::thread", SpawnKind::StdThread);
  Fn("std::async", SpawnKind::Async, 0);
  Fn("pthread_create", SpawnKind::Pthread, 2);
  Fn("boost::asio::co_spawn", SpawnKind::CoSpawn, 1);
  Fn("asio::co_spawn", SpawnKind::CoSpawn, 1);
  Fn("QThread::create", SpawnKind::Function, 0);
  Fn("QtConcurrent::run", SpawnKind::QtRun, 0);

  M.StopTokenTypes = {"std::stop_token", "std::stop_source",
                      "std::stop_callback"};

  M.CancellationPoints = {
      "std::stop_token::stop_requested",
      "std::stop_source::stop_requested",
      "pthread_testcancel",
      // Boost.Thread interruption points.
      "boost::this_thread::interruption_point",
      "boost::this_thread::interruption_requested",
      "boost::this_thread::sleep_for",
      "boost::this_thread::sleep_until",
      "boost::this_thread::sleep",
      "boost::thread::join",
      "boost::thread::try_join_for",
      "boost::thread::try_join_until",
      "boost::condition_variable::wait",
      "boost::condition_variable::wait_for",
      "boost::condition_variable::wait_until",
      "boost::condition_variable::timed_wait",
      "boost::condition_variable_any::wait",
      "boost::condition_variable_any::wait_for",
      "boost::condition_variable_any::wait_until",
      "boost::condition_variable_any::timed_wait",
      // Qt.
      "QThread::isInterruptionRequested",
      // Asio coroutines consulting their cancellation state.
      "boost::asio::this_coro::cancellation_state",
      "boost::asio::this_coro::throw_if_cancelled",
      "boost::asio::this_coro::reset_cancellation_state",
      "asio::this_coro::cancellation_state",
      "asio::this_coro::throw_if_cancelled",
      "asio::this_coro::reset_cancellation_state",
  };

  auto Chan = [&](const char *Type, std::vector<std::string> Send,
                  std::vector<std::string> Recv, std::vector<std::string> Close,
                  std::optional<unsigned> Cap) {
    ChannelModel C;
    C.Type = Type;
    C.Send = std::move(Send);
    C.Receive = std::move(Recv);
    C.Close = std::move(Close);
    C.CapacityArg = Cap;
    M.Channels.push_back(std::move(C));
  };
  Chan("boost::fibers::buffered_channel", {"push", "try_push", "push_wait_for",
                                           "push_wait_until"},
       {"pop", "try_pop", "pop_wait_for", "pop_wait_until", "value_pop"},
       {"close"}, 0);
  M.Channels.back().CapacityAdjust = -1;
  Chan("boost::fibers::unbuffered_channel",
       {"push", "push_wait_for", "push_wait_until"},
       {"pop", "pop_wait_for", "pop_wait_until", "value_pop"}, {"close"},
       std::nullopt);
  for (const char *NS : {"boost::asio::experimental::", "asio::experimental::"})
    // channel and concurrent_channel are aliases of the basic_ templates in
    // real Asio; the stand-ins some code uses are classes of their own.
    for (const char *T : {"channel", "concurrent_channel", "basic_channel",
                          "basic_concurrent_channel"})
      Chan((std::string(NS) + T).c_str(), {"async_send", "try_send"},
           {"async_receive", "try_receive"}, {"close", "cancel"}, 1);

  auto Group = [&](const char *Type, std::vector<std::string> Done,
                   std::vector<std::string> Wait) {
    M.WaitGroups.push_back({Type, {}, std::move(Done), std::move(Wait), 0});
  };
  Group("std::latch", {"count_down", "arrive_and_wait"}, {"wait", "arrive_and_wait"});
  Group("std::barrier", {"arrive", "arrive_and_wait", "arrive_and_drop"},
        {"wait", "arrive_and_wait"});
  M.WaitGroups.back().Phased = true;
  Group("absl::BlockingCounter", {"DecrementCount"}, {"Wait"});
  Group("boost::latch", {"count_down", "count_down_and_wait"},
        {"wait", "count_down_and_wait"});

  // Blocking waits without a deadline, and what wakes them. The latches and
  // barriers above, and channel receives, are blocking waits through their
  // own models. condition_variable_any::wait(lock, token, pred) is passed a
  // stop token, which makes any call stop-aware (Library::isCancellationCall).
  auto Wait = [&](const char *Type, std::vector<std::string> Waits,
                  std::vector<std::string> Wakes) {
    M.BlockingWaits.push_back({Type, std::move(Waits), std::move(Wakes)});
  };
  Wait("std::condition_variable", {"wait"}, {"notify_one", "notify_all"});
  Wait("std::condition_variable_any", {"wait"}, {"notify_one", "notify_all"});
  Wait("std::counting_semaphore", {"acquire"}, {"release"}); // binary_semaphore too
  Wait("std::future", {"get", "wait"}, {});
  Wait("std::shared_future", {"get", "wait"}, {});
  Wait("std::thread", {"join"}, {});
  Wait("std::jthread", {"join"}, {"request_stop"});
  return M;
}

const ModelSet &ModelSet::builtins() {
  static const ModelSet B = makeBuiltins();
  return B;
}

std::string findModelFile(const std::string &SourceFile) {
  llvm::SmallString<256> Dir(SourceFile);
  llvm::sys::fs::make_absolute(Dir);
  llvm::sys::path::remove_filename(Dir);
  while (!Dir.empty()) {
    llvm::SmallString<256> Candidate(Dir);
    llvm::sys::path::append(Candidate, ".taskleak.yaml");
    if (llvm::sys::fs::is_regular_file(Candidate))
      return std::string(Candidate.str());
    llvm::StringRef Parent = llvm::sys::path::parent_path(Dir);
    if (Parent == Dir)
      break;
    Dir = Parent;
  }
  return {};
}

namespace {
struct CacheEntry {
  llvm::sys::TimePoint<> MTime;
  uint64_t Size = 0;
  std::unique_ptr<ModelSet> Models; // null when the file is invalid
  ModelError Error;
};
} // namespace

/// The working directory when the process (or the plugin) started: a
/// relative model file given on the command line or in a .clang-tidy is meant
/// from there, not from the directory of each compile command.
static const std::string &initialDirectory() {
  static const std::string Dir = [] {
    llvm::SmallString<256> D;
    llvm::sys::fs::current_path(D);
    return std::string(D.str());
  }();
  return Dir;
}
// Recorded when the library is loaded, before any compile command runs.
static const std::string &InitialDirectoryAtLoad = initialDirectory();

const ModelSet *modelsFor(const std::string &MainFile,
                          const std::string &ExplicitFile, ModelError &Err) {
  std::string Path = ExplicitFile.empty() ? findModelFile(MainFile) : ExplicitFile;
  if (!ExplicitFile.empty() && !llvm::sys::path::is_absolute(Path)) {
    llvm::SmallString<256> Abs(initialDirectory());
    llvm::sys::path::append(Abs, Path);
    Path = std::string(Abs.str());
  }
  if (Path.empty())
    return &ModelSet::builtins();

  static std::mutex Mu;
  static llvm::StringMap<CacheEntry> Cache;
  std::lock_guard<std::mutex> Lock(Mu);

  llvm::sys::fs::file_status Status;
  if (llvm::sys::fs::status(Path, Status) ||
      !llvm::sys::fs::is_regular_file(Status)) {
    Err = ModelError{Path, 1, 1, "model file does not exist"};
    return nullptr;
  }
  CacheEntry &E = Cache[Path];
  if (!E.Models && E.Error.Message.empty()) {
    // fall through to load
  } else if (E.MTime == Status.getLastModificationTime() &&
             E.Size == Status.getSize()) {
    if (!E.Models)
      Err = E.Error;
    return E.Models.get();
  }
  E.MTime = Status.getLastModificationTime();
  E.Size = Status.getSize();
  ModelSet User;
  if (!loadModelFile(Path, User, E.Error)) {
    E.Models.reset();
    Err = E.Error;
    return nullptr;
  }
  E.Error = ModelError{};
  E.Models = std::make_unique<ModelSet>(ModelSet::builtins());
  E.Models->append(User);
  return E.Models.get();
}

static void defaultHandler(const ModelError &Err) {
  llvm::errs() << Err.str() << "\n";
  llvm::errs().flush();
  std::exit(2);
}

static ModelErrorHandler Handler = defaultHandler;

void setModelErrorHandler(ModelErrorHandler H) {
  Handler = H ? H : defaultHandler;
}

void reportModelError(const ModelError &Err) { Handler(Err); }

} // namespace taskleak
