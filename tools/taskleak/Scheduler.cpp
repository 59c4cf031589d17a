//===--- Scheduler.cpp - run the jobs, in parallel processes --------------===//
#include "tools/taskleak/Scheduler.h"

#include "llvm/Support/CrashRecoveryContext.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <thread>

using namespace llvm;

namespace taskleak {
namespace driver {

namespace {

class Progress {
public:
  Progress(bool Enabled, size_t Total) : Enabled(Enabled), Total(Total) {}
  void show(size_t Done, StringRef File) {
    if (!Enabled)
      return;
    if (!File.empty())
      Last = sys::path::filename(File).str();
    errs() << "\r\033[K[" << Done << "/" << Total << "] " << Last;
    errs().flush();
    Shown = true;
  }
  void clear() {
    if (Enabled && Shown)
      errs() << "\r\033[K";
    Shown = false;
  }

private:
  bool Enabled;
  size_t Total;
  bool Shown = false;
  std::string Last; // the file that finished last
};

struct Running {
  size_t Index;
  sys::ProcessInfo Process;
};

bool Recovered = false;

/// analyseUnit, with a crash of the front end or of a check (a signal)
/// turned into a failed unit, as a crashed worker process is.
UnitResult analyseInProcess(const Job &J) {
  CrashRecoveryContext::Enable();
  SmallString<256> CWD;
  (void)sys::fs::current_path(CWD);
  UnitResult R;
  CrashRecoveryContext CRC;
  if (CRC.RunSafely([&] { R = analyseUnit(J); }))
    return R;
  // ClangTool may have left the process in the compile command's directory.
  (void)sys::fs::set_current_path(CWD);
  Recovered = true;
  UnitResult Crashed;
  Crashed.Failed = true;
  Crashed.FailureReason = "the analysis crashed";
  return Crashed;
}

std::string slurp(StringRef Path) {
  auto Buffer = MemoryBuffer::getFile(Path, /*IsText=*/true);
  return Buffer ? (*Buffer)->getBuffer().str() : std::string();
}

} // namespace

bool recoveredFromCrash() { return Recovered; }

std::vector<UnitResult> runJobs(const std::vector<Job> &Jobs,
                                const ScheduleOptions &Options) {
  std::vector<UnitResult> Results(Jobs.size());
  if (Jobs.size() == 1 || Options.Executable.empty()) {
    // In this process: clang-tidy's engine exactly as a single run uses it.
    for (size_t I = 0; I < Jobs.size(); ++I) {
      Results[I] = analyseInProcess(Jobs[I]);
      if (Options.OnFinished)
        Options.OnFinished(I, Results[I]);
    }
    return Results;
  }

  SmallString<128> TempDir;
  if (const std::error_code EC =
          sys::fs::createUniqueDirectory("taskleak", TempDir)) {
    errs() << "taskleak: cannot create a temporary directory: " << EC.message()
           << "; analysing in this process\n";
    for (size_t I = 0; I < Jobs.size(); ++I) {
      Results[I] = analyseInProcess(Jobs[I]);
      if (Options.OnFinished)
        Options.OnFinished(I, Results[I]);
    }
    return Results;
  }
  // job-N.json and result-N.json; log-N.txt has what the worker printed.
  auto TempFile = [&](size_t I, StringRef Kind) {
    SmallString<128> P(TempDir);
    sys::path::append(P, Kind + "-" + Twine(I) +
                             (Kind == "log" ? ".txt" : ".json"));
    return std::string(P.str());
  };

  Progress Bar(Options.Progress, Jobs.size());
  std::vector<bool> Finished(Jobs.size(), false);
  std::vector<Running> Active;
  size_t Next = 0, Done = 0, Printed = 0;
  const unsigned Parallelism = std::max(1u, Options.Parallelism);

  auto Start = [&](size_t I) {
    const std::string JobFile = TempFile(I, "job");
    const std::string ResultFile = TempFile(I, "result");
    const std::string LogFile = TempFile(I, "log");
    std::string JobText;
    raw_string_ostream(JobText) << jobToJSON(Jobs[I]);
    WriteOptions Temporary;
    Temporary.Sync = false;
    if (Error E = writeFileAtomically(JobFile, JobText, Temporary)) {
      Results[I].Failed = true;
      Results[I].FailureReason = toString(std::move(E));
      Finished[I] = true;
      ++Done;
      return;
    }
    const std::string JobArg = "--internal-worker=" + JobFile;
    const std::string ResultArg = "--internal-result=" + ResultFile;
    const StringRef Args[] = {Options.Executable, JobArg, ResultArg};
    const std::optional<StringRef> Redirects[] = {
        StringRef(""), StringRef(LogFile), StringRef(LogFile)};
    std::string Error;
    bool ExecutionFailed = false;
    const sys::ProcessInfo PI =
        sys::ExecuteNoWait(Options.Executable, Args, std::nullopt, Redirects,
                           /*MemoryLimit=*/0, &Error, &ExecutionFailed);
    if (ExecutionFailed || PI.Pid == sys::ProcessInfo::InvalidPid) {
      Results[I].Failed = true;
      Results[I].FailureReason = "cannot start a worker: " + Error;
      Finished[I] = true;
      ++Done;
      return;
    }
    Active.push_back({I, PI});
  };

  auto Collect = [&](size_t I, int ReturnCode, StringRef WaitError) {
    UnitResult &R = Results[I];
    std::string Log = slurp(TempFile(I, "log"));
    std::string ReadError;
    if (ReturnCode != 0 || !readResult(TempFile(I, "result"), R, ReadError)) {
      R = UnitResult();
      R.Failed = true;
      if (ReturnCode == -2)
        R.FailureReason = "the analysis crashed" +
                          (WaitError.empty() ? "" : (": " + WaitError).str());
      else if (ReturnCode != 0)
        R.FailureReason = "the analysis failed (worker exit status " +
                          std::to_string(ReturnCode) + ")";
      else
        R.FailureReason = ReadError;
    }
    R.Log = std::move(Log);
    Finished[I] = true;
    ++Done;
  };

  while (Done < Jobs.size()) {
    while (Active.size() < Parallelism && Next < Jobs.size())
      Start(Next++);
    bool Progressed = false;
    for (size_t A = 0; A < Active.size();) {
      std::string Error;
      const sys::ProcessInfo W =
          sys::Wait(Active[A].Process, /*SecondsToWait=*/0, &Error);
      if (W.Pid == 0) { // still running
        ++A;
        continue;
      }
      Collect(Active[A].Index, W.ReturnCode, Error);
      if (Options.OnFinished) {
        Bar.clear();
        Options.OnFinished(Active[A].Index, Results[Active[A].Index]);
      }
      Bar.show(Done, Jobs[Active[A].Index].File);
      Active.erase(std::next(Active.begin(), static_cast<std::ptrdiff_t>(A)));
      Progressed = true;
    }
    // Replay the logs in job order, as far as the jobs are finished.
    bool Cleared = false;
    while (Printed < Jobs.size() && Finished[Printed]) {
      if (!Results[Printed].Log.empty()) {
        if (!Cleared)
          Bar.clear();
        Cleared = true;
        errs() << Results[Printed].Log;
      }
      ++Printed;
    }
    if (Cleared && Done < Jobs.size())
      Bar.show(Done, "");
    if (!Progressed && Done < Jobs.size())
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  Bar.clear();
  errs().flush();
  (void)sys::fs::remove_directories(TempDir);
  return Results;
}

} // namespace driver
} // namespace taskleak
