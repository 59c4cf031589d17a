//===--- Session.cpp - what every check shares in one translation unit ----===//
#include "lib/Session.h"

#include <map>
#include <mutex>
#include <tuple>

namespace taskleak {

namespace {
using SessionKey = std::tuple<const void *, std::string, std::string, unsigned>;

struct Registry {
  std::mutex Mu;
  std::map<SessionKey, std::weak_ptr<Session>> Live;
};

Registry &registry() {
  static Registry R;
  return R;
}
} // namespace

std::shared_ptr<Session> Session::acquire(const void *Scope,
                                          llvm::StringRef MainFile,
                                          const SessionOptions &Options) {
  SessionKey Key{Scope, MainFile.str(), Options.ModelFile,
                 std::min(Options.CallDepth, MaxCallDepth)};
  Registry &R = registry();
  std::lock_guard<std::mutex> Lock(R.Mu);
  for (auto It = R.Live.begin(); It != R.Live.end();)
    It = It->second.expired() ? R.Live.erase(It) : std::next(It);
  std::weak_ptr<Session> &Slot = R.Live[Key];
  if (std::shared_ptr<Session> S = Slot.lock())
    return S;
  auto S = std::make_shared<Session>(MainFile, Options);
  Slot = S;
  return S;
}

Session::Session(llvm::StringRef MainFile, const SessionOptions &Opts)
    : Options(Opts) {
  Options.CallDepth = std::min(Options.CallDepth, MaxCallDepth);
  ModelError Err;
  if (std::shared_ptr<const ModelSet> Models =
          modelsFor(MainFile.str(), Options.ModelFile, Err))
    Lib.emplace(*Models);
  else
    Error = Err;
}

TaskAnalysis &Session::analysis(clang::ASTContext &C) {
  assert(Lib && "callers check library() first");
  if (!Analysis || Ctx != &C) {
    Awareness.reset();
    Ctx = &C;
    Analysis = std::make_unique<TaskAnalysis>(*Lib, C, Options.CallDepth);
  }
  return *Analysis;
}

StopAwareness &Session::stopAwareness(clang::ASTContext &C) {
  TaskAnalysis &A = analysis(C);
  if (!Awareness)
    Awareness = std::make_unique<StopAwareness>(A, C);
  return *Awareness;
}

} // namespace taskleak
