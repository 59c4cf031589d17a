//===--- Scheduler.h - run the jobs, in parallel processes ----------------===//
//
// One job runs in this process, under an llvm::CrashRecoveryContext: a
// front end or check that crashes (a signal) makes the unit fail with "the
// analysis crashed", as a crashed worker does, instead of killing the run.
// Several run in child processes, at most
// `Parallelism` at a time: `taskleak --internal-worker=<job.json>
// --internal-result=<result.json>`, started with llvm::sys::ExecuteNoWait.
// What a child prints (clang's "N warnings generated.") is collected and
// replayed on stderr in job order, so the log does not depend on timing. On a
// terminal, a progress line shows how many TUs are done. `OnFinished`, when
// set, sees each result as soon as its job is done (in the order the jobs
// finish, with the progress line cleared): the driver streams findings.
//
//===----------------------------------------------------------------------===//
#ifndef TASKLEAK_TOOLS_SCHEDULER_H
#define TASKLEAK_TOOLS_SCHEDULER_H

#include "tools/taskleak/Worker.h"

#include <functional>

namespace taskleak {
namespace driver {

struct ScheduleOptions {
  unsigned Parallelism = 1;
  bool Progress = false;
  std::string Executable; ///< this program, for the child processes
  /// Called with each job's index and result when the job is done.
  std::function<void(size_t, const UnitResult &)> OnFinished;
};

/// The results of \p Jobs, in the same order.
std::vector<UnitResult> runJobs(const std::vector<Job> &Jobs,
                                const ScheduleOptions &Options);

/// Whether a unit analysed in this process crashed. Its half-built state
/// (timers, caches) is still registered: the process must then end without
/// running static destructors (std::_Exit after flushing).
bool recoveredFromCrash();

} // namespace driver
} // namespace taskleak

#endif
