//===--- TaskleakModule.cpp - registers the taskleak checks ----------------===//
//
// Registers every check of checks/Checks.def as taskleak-<name>. A check added
// to the manifest without its header included here does not compile.
//
//===----------------------------------------------------------------------===//
#include "checks/BlockingWaitIgnoresStopTokenCheck.h"
#include "checks/DetachedThreadCheck.h"
#include "checks/LoopVariableCapturedByReferenceCheck.h"
#include "checks/LoopWithoutCancellationCheck.h"
#include "checks/LostWakeupCheck.h"
#include "checks/SpawnWithoutStopTokenCheck.h"
#include "checks/UnconsumedChannelSendCheck.h"
#include "checks/UnjoinedThreadCheck.h"
#include "checks/WaitGroupMismatchCheck.h"

// clang-tidy's module registry, wherever this LLVM major has it.
#include "lib/LLVMCompat.h"

namespace taskleak {

class TaskleakModule : public clang::tidy::ClangTidyModule {
public:
  void addCheckFactories(clang::tidy::ClangTidyCheckFactories &F) override {
#define TASKLEAK_CHECK(Name, Class, Summary, HasFixIts)                        \
  F.registerCheck<Class>("taskleak-" Name);
#include "checks/Checks.def"
  }
};

} // namespace taskleak

static clang::tidy::ClangTidyModuleRegistry::Add<taskleak::TaskleakModule>
    X("taskleak-module", "Finds leaked threads, coroutines and tasks.");

// Referenced by front ends that link the checks statically, so that the
// linker keeps this registration.
volatile int TaskleakModuleAnchorSource = 0;
