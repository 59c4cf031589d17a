//===--- TaskleakModule.cpp - registers the taskleak checks ----------------===//
#include "checks/BlockingWaitIgnoresStopTokenCheck.h"
#include "checks/DetachedThreadCheck.h"
#include "checks/LoopVariableCapturedByReferenceCheck.h"
#include "checks/LoopWithoutCancellationCheck.h"
#include "checks/SpawnWithoutStopTokenCheck.h"
#include "checks/UnconsumedChannelSendCheck.h"
#include "checks/UnjoinedThreadCheck.h"
#include "checks/WaitGroupMismatchCheck.h"

#include "clang-tidy/ClangTidyModule.h"
#include "clang-tidy/ClangTidyModuleRegistry.h"

namespace taskleak {

class TaskleakModule : public clang::tidy::ClangTidyModule {
public:
  void addCheckFactories(clang::tidy::ClangTidyCheckFactories &F) override {
    F.registerCheck<BlockingWaitIgnoresStopTokenCheck>(
        "taskleak-blocking-wait-ignores-stop-token");
    F.registerCheck<LoopVariableCapturedByReferenceCheck>(
        "taskleak-loop-variable-captured-by-reference");
    F.registerCheck<LoopWithoutCancellationCheck>(
        "taskleak-loop-without-cancellation");
    F.registerCheck<SpawnWithoutStopTokenCheck>(
        "taskleak-spawn-without-stop-token");
    F.registerCheck<UnconsumedChannelSendCheck>(
        "taskleak-unconsumed-channel-send");
    F.registerCheck<WaitGroupMismatchCheck>("taskleak-waitgroup-mismatch");
    F.registerCheck<UnjoinedThreadCheck>("taskleak-unjoined-thread");
    F.registerCheck<DetachedThreadCheck>("taskleak-detached-thread");
  }
};

} // namespace taskleak

static clang::tidy::ClangTidyModuleRegistry::Add<taskleak::TaskleakModule>
    X("taskleak-module", "Finds leaked threads, coroutines and tasks.");

// Referenced by front ends that link the checks statically, so that the
// linker keeps this registration.
volatile int TaskleakModuleAnchorSource = 0;
