//===--- TaskleakMain.cpp - the taskleak driver
//----------------------------===//
//
//   taskleak [options] <source files> [-- <compiler flags>]
//   taskleak -p <build-dir> [source files]
//
// clang-tidy's engine with the taskleak checks linked in. Each translation
// unit is analysed on its own (Worker.h): in this process when there is one,
// in up to -j child processes otherwise (Scheduler.h), with a result cache
// (Cache.h). The diagnostics of all TUs are merged (Diagnostics.h) and then
// printed, fixed and exported by clang-tidy's own functions, so the text
// output is clang-tidy's; --format=json|sarif write reports (Report.h).
// Exit status: 0 clean, 1 findings, 2 usage, configuration or parse errors.
//
//===----------------------------------------------------------------------===//
#include "checks/Manifest.h"
#include "lib/LLVMCompat.h"
#include "lib/Models.h"
#include "tools/taskleak/Cache.h"
#include "tools/taskleak/Diagnostics.h"
#include "tools/taskleak/Fixes.h"
#include "tools/taskleak/Options.h"
#include "tools/taskleak/Report.h"
#include "tools/taskleak/Scheduler.h"
#include "tools/taskleak/Worker.h"

#include "clang-tidy/ClangTidy.h"
#include "clang-tidy/ClangTidyDiagnosticConsumer.h"
#include "clang-tidy/ClangTidyOptions.h"
#include "clang/Tooling/ArgumentsAdjusters.h"
#include "clang/Tooling/CommonOptionsParser.h"
#include "clang/Tooling/CompilationDatabase.h"
#include "clang/Tooling/Tooling.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Regex.h"
#include "llvm/Support/Threading.h"
#include "llvm/Support/VirtualFileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <fcntl.h>
#include <optional>
#include <unistd.h>

using namespace clang;
using namespace clang::tidy;
using namespace llvm;
using namespace taskleak::driver;
using namespace taskleak::driver::flags;

extern volatile int TaskleakModuleAnchorSource;
static int LLVM_ATTRIBUTE_UNUSED TaskleakModuleAnchor =
    TaskleakModuleAnchorSource;

namespace {

enum ExitStatus : std::uint8_t { Clean = 0, Findings = 1, Failure = 2 };

/// The directory holding compile_commands.json, searched from \p Dir upwards
/// like clang's own lookup.
std::string compileDatabaseDir(StringRef Dir) {
  SmallString<256> Abs(Dir);
  (void)sys::fs::make_absolute(Abs);
  sys::path::remove_dots(Abs, /*remove_dot_dot=*/true);
  for (StringRef D = Abs; !D.empty(); D = sys::path::parent_path(D)) {
    SmallString<256> Candidate(D);
    sys::path::append(Candidate, "compile_commands.json");
    if (sys::fs::exists(Candidate))
      return D.str();
  }
  return Abs.str().str();
}

bool parseShard(StringRef Text, unsigned &K, unsigned &N) {
  auto [KText, NText] = Text.split('/');
  return !KText.getAsInteger(10, K) && !NText.getAsInteger(10, N) && N > 0 &&
         K >= 1 && K <= N;
}

/// Runs \p Fn with stdout (file descriptor 1, where clang-tidy's printer
/// writes) sent to \p FD.
void withStdoutTo(int FD, function_ref<void()> Fn) {
  outs().flush();
  const int Saved = dup(1);
  dup2(FD, 1);
  Fn();
  outs().flush();
  dup2(Saved, 1);
  close(Saved);
}

/// Runs \p Fn with stdout sent to \p Path, written atomically; "" sends it
/// to /dev/null. An error (written to stdout's file) names \p Path.
Error withStdoutTo(StringRef Path, function_ref<void()> Fn) {
  if (Path.empty()) {
    const int Null = open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (Null < 0)
      return createStringError(std::error_code(errno, std::generic_category()),
                               "cannot open /dev/null");
    withStdoutTo(Null, Fn);
    close(Null);
    return Error::success();
  }
  Expected<AtomicFile> F = AtomicFile::create(Path);
  if (!F)
    return F.takeError();
  withStdoutTo(F->fd(), Fn);
  if (outs().has_error()) {
    const std::error_code EC = outs().error();
    outs().clear_error();
    return F->fail(EC);
  }
  return F->commit();
}

void printVersion(raw_ostream &OS) {
  OS << "taskleak " << taskleakVersion() << " (LLVM " << LLVM_VERSION_STRING
     << ")\n";
}

// --- The steps of a run
// -------------------------------------------------------

/// Everything a run decided before analysing anything.
struct Plan {
  std::unique_ptr<tooling::CompilationDatabase> DB;
  bool FixedFlags = false; ///< compiler flags were given after `--`
  IntrusiveRefCntPtr<vfs::OverlayFileSystem> FS;
  std::vector<std::string> Enabled; ///< the checks that run
  /// The files to analyse: absolute path, and the path as given.
  std::vector<std::pair<std::string, std::string>> Units;
  unsigned ShardK = 0, ShardN = 0;
  StringSet<> BaselineFingerprints;
  std::string Root;       ///< --source-root, absolute
  std::string Executable; ///< this program, for the workers
  std::string Cache;      ///< the cache directory, "" when off
  std::vector<Job> Work;
  std::vector<std::string> Missing;     ///< files without a compile command
  std::vector<std::string> Nonexistent; ///< files that do not exist
};

/// What the analysis of the units gave.
struct Outcome {
  RunSummary Summary;
  unsigned CompileErrors = 0;
  unsigned Warnings = 0;
  SourceFiles Sources;
  std::vector<ClangTidyError> Merged; ///< the diagnostics of all units
  std::vector<Finding> AllFindings;   ///< of Merged, before the baseline
  std::vector<ClangTidyError> Reported;
  std::vector<Finding> ReportedFindings;
  bool Streamed = false; ///< the text was printed unit by unit (FindingStream)
};

/// The root of the git work tree holding \p Dir (the nearest directory with a
/// .git directory or file), else \p Dir: the default --source-root, so that
/// SARIF paths and fingerprints do not depend on where taskleak is started.
SmallString<256> repositoryRoot(StringRef Dir) {
  for (StringRef D = Dir; !D.empty(); D = sys::path::parent_path(D)) {
    SmallString<256> Git(D);
    sys::path::append(Git, ".git");
    if (sys::fs::exists(Git))
      return SmallString<256>(D);
  }
  return SmallString<256>(Dir);
}

/// Options that only make sense resolved: --shard, a relative --model-file.
bool resolveOptions(Plan &P) {
  if (!Shard.empty() && !parseShard(Shard, P.ShardK, P.ShardN)) {
    errs() << "taskleak: --shard='" << Shard
           << "' is not K/N with 1 <= K <= N\n";
    return false;
  }
  // The analysis runs in each compile command's directory: a relative model
  // file must be resolved against the directory taskleak was started in.
  if (!ModelFile.empty()) {
    SmallString<256> Abs(ModelFile.getValue());
    (void)sys::fs::make_absolute(Abs);
    ModelFile = std::string(Abs.str());
  }
  if (!checkFilterOptions())
    return false;
  SmallString<256> Root(SourceRoot.empty() ? StringRef(".")
                                           : StringRef(SourceRoot));
  (void)sys::fs::make_absolute(Root);
  sys::path::remove_dots(Root, /*remove_dot_dot=*/true);
  if (SourceRoot.empty())
    Root = repositoryRoot(Root);
  P.Root = std::string(Root.str());
  return true;
}

/// The compilation database: flags after `--`, -p, or found from the first
/// source file; --extra-arg(-before) applied to every command.
bool loadCompilationDatabase(Plan &P, std::string DBError) {
  if (!P.DB && !BuildPath.empty()) {
    P.DB = tooling::CompilationDatabase::autoDetectFromDirectory(BuildPath,
                                                                 DBError);
    if (!P.DB) {
      errs() << "taskleak: no compilation database in '" << BuildPath
             << "': " << DBError << "\n";
      return false;
    }
  }
  if (!P.DB && !SourcePaths.empty())
    P.DB = tooling::CompilationDatabase::autoDetectFromSource(
        SourcePaths.front(), DBError);
  if (!P.DB && !SourcePaths.empty() && !ListChecks && !DumpConfig) {
    errs() << "taskleak: no compilation database found for '"
           << SourcePaths.front()
           << "'; analysing without compiler flags (give them after --)\n";
    P.DB = std::make_unique<tooling::FixedCompilationDatabase>(
        ".", std::vector<std::string>());
  }
  if (P.DB && (!ArgsBefore.empty() || !ArgsAfter.empty())) {
    auto Adjusted = std::make_unique<tooling::ArgumentsAdjustingCompilations>(
        std::move(P.DB));
    Adjusted->appendArgumentsAdjuster(tooling::getInsertArgumentAdjuster(
        ArgsBefore, tooling::ArgumentInsertPosition::BEGIN));
    Adjusted->appendArgumentsAdjuster(tooling::getInsertArgumentAdjuster(
        ArgsAfter, tooling::ArgumentInsertPosition::END));
    P.DB = std::move(Adjusted);
  }
  return true;
}

/// The checks --checks enables; with --list-checks, prints them. Returns the
/// exit status when the run ends here.
std::optional<int> selectChecks(Plan &P, StringRef FirstFile) {
  std::unique_ptr<ClangTidyOptionsProvider> Provider =
      makeOptionsProvider(configuredJob(), P.FS, colorOption());
  if (DumpConfig) {
    dumpConfig(*Provider,
               SourcePaths.empty() ? StringRef() : StringRef(SourcePaths[0]));
    return Clean;
  }
  // A --checks glob that matches nothing (a typo) must not pass silently.
  P.Enabled = taskleak::compat::enabledCheckNames(
      Provider->getOptions(FirstFile.empty() ? "dummy.cpp" : FirstFile));
  if (P.Enabled.empty()) {
    if (Checks.empty())
      errs() << "taskleak: the Checks of the .clang-tidy configuration of '"
             << (FirstFile.empty() ? StringRef(".") : FirstFile)
             << "' enable no taskleak check (--checks=... overrides it; "
                "taskleak --list-checks lists them)\n";
    else
      errs() << "taskleak: --checks='" << Checks
             << "' enables no check (taskleak --list-checks lists them)\n";
    return Failure;
  }
  if (ListChecks) {
    taskleak::printCheckList(outs(), P.Enabled);
    return Clean;
  }
  return std::nullopt;
}

/// The files to analyse: absolute paths, as clang's ClangTool makes them,
/// each file once, and only this shard's.
bool planUnits(Plan &P, const std::vector<std::string> &Files) {
  StringSet<> Seen;
  for (const std::string &File : Files) {
    Expected<std::string> Abs = tooling::getAbsolutePath(*P.FS, File);
    if (!Abs) {
      errs() << "taskleak: " << File << ": " << toString(Abs.takeError())
             << "\n";
      return false;
    }
    if (Seen.insert(*Abs).second)
      P.Units.emplace_back(*Abs, File);
  }
  if (!P.ShardN)
    return true;
  // Deterministic for every job of a CI matrix: sorted by path.
  llvm::sort(P.Units, [](const auto &A, const auto &B) {
    return A.first < B.first; // unique
  });
  std::vector<std::pair<std::string, std::string>> Mine;
  for (size_t I = 0; I < P.Units.size(); ++I)
    if (I % P.ShardN == P.ShardK - 1)
      Mine.push_back(P.Units[I]);
  P.Units = std::move(Mine);
  return true;
}

/// Every model file that applies, and the baseline, are read before
/// analysing anything: a broken one stops the run with where it is broken.
bool checkInputs(Plan &P) {
  for (const auto &Unit : P.Units) {
    taskleak::ModelError Err;
    if (!taskleak::modelsFor(Unit.second, ModelFile, Err)) {
      errs() << Err.str() << "\n";
      return false;
    }
  }
  if (Baseline.empty())
    return true;
  std::string Error;
  if (!readBaseline(Baseline, P.BaselineFingerprints, Error)) {
    errs() << "taskleak: " << Error << "\n";
    return false;
  }
  return true;
}

/// The cache directory: --cache-dir, or .taskleak-cache beside the -p
/// database; "" when off or unusable (said once on stderr).
std::string resolveCacheDir(const Plan &P) {
  if (NoCache)
    return "";
  SmallString<256> Dir;
  if (!CacheDir.empty())
    Dir = CacheDir;
  else if (!BuildPath.empty() && !P.FixedFlags) {
    Dir = compileDatabaseDir(BuildPath);
    sys::path::append(Dir, ".taskleak-cache");
  } else
    return "";
  (void)sys::fs::make_absolute(Dir);
  // An unusable cache is reported once; the run goes on without it.
  if (Error E = prepareCacheDir(Dir)) {
    errs() << "taskleak: " << toString(std::move(E))
           << "; analysing without the cache\n";
    return "";
  }
  return std::string(Dir.str());
}

/// One job per unit that has a compile command.
void makeJobs(Plan &P) {
  const std::string ToolId = P.Cache.empty() ? "" : toolIdentity(P.Executable);
  SmallString<256> CWD;
  (void)sys::fs::current_path(CWD);
  for (const auto &Unit : P.Units) {
    // One error naming the file, not clang's three (two without a name).
    if (!sys::fs::exists(Unit.first)) {
      P.Nonexistent.push_back(Unit.first);
      continue;
    }
    Job J = configuredJob();
    J.File = Unit.first;
    J.Commands = P.DB->getCompileCommands(Unit.first);
    for (tooling::CompileCommand &C : J.Commands)
      if (!sys::path::is_absolute(C.Directory)) {
        SmallString<256> D(CWD);
        sys::path::append(D, C.Directory);
        sys::path::remove_dots(D, /*remove_dot_dot=*/true);
        C.Directory = std::string(D.str());
      }
    if (J.Commands.empty()) {
      P.Missing.push_back(Unit.second);
      continue;
    }
    // -p's database infers a command for a file it does not list (clang's
    // interpolating database): say so, with the file it was taken from.
    if (!J.Commands.front().Heuristic.empty())
      errs() << "taskleak: " << Unit.second
             << ": not in the compilation database; analysing it with the "
                "compile command "
             << J.Commands.front().Heuristic << " (its nearest neighbour)\n";
    J.CacheDir = P.Cache;
    J.ToolId = ToolId;
    P.Work.push_back(std::move(J));
  }
}

/// Plans the run from the command line; the exit status when it ends here.
std::optional<int> planRun(Plan &P, std::string DBError) {
  if (!resolveOptions(P) || !loadCompilationDatabase(P, std::move(DBError)))
    return Failure;
  P.FS = makeIntrusiveRefCnt<vfs::OverlayFileSystem>(vfs::getRealFileSystem());
  std::vector<std::string> Files(SourcePaths.begin(), SourcePaths.end());
  if (Files.empty() && P.DB && !ListChecks && !DumpConfig) {
    Files = P.DB->getAllFiles();
    llvm::sort(Files);
  }
  // The configuration of the first file that exists decides the checks.
  auto First = llvm::find_if(
      Files, [](const std::string &F) { return sys::fs::exists(F); });
  if (std::optional<int> Done =
          selectChecks(P, First == Files.end() ? "" : StringRef(*First)))
    return Done;
  if (Files.empty()) {
    errs() << "taskleak: no source files (give files, or -p with a "
              "compile_commands.json)\n";
    return Failure;
  }
  if (!planUnits(P, Files) || !checkInputs(P))
    return Failure;
  P.Cache = resolveCacheDir(P);
  makeJobs(P);
  return std::nullopt;
}

/// With streamFindings(): prints each unit's findings as soon as the unit is
/// done, as the ordered output would print them (without the ones the
/// baseline knows, a header's finding once); printAndFixFiles then prints
/// nothing.
class FindingStream {
public:
  explicit FindingStream(const Plan &P)
      : P(P),
        Context(makeOptionsProvider(configuredJob(), P.FS, colorOption())) {}

  void print(std::vector<ClangTidyError> Errors, StringRef File) {
    useRealPaths(Errors);
    std::vector<std::vector<ClangTidyError>> One;
    One.push_back(std::move(Errors));
    const std::vector<ClangTidyError> Unit = mergeDiagnostics(std::move(One));
    const std::vector<Finding> Found = makeFindings(Unit, P.Root, Sources);
    std::vector<ClangTidyError> Shown;
    for (size_t I = 0; I < Unit.size(); ++I) {
      const ClangTidyError &E = Unit[I];
      if (!Found[I].IsCompilerError &&
          P.BaselineFingerprints.contains(Found[I].Fingerprint))
        continue;
      const std::string Key =
          absolutePath(E.Message.FilePath, E.BuildDirectory) + ":" +
          std::to_string(E.Message.FileOffset) + ":" + E.DiagnosticName + ":" +
          E.Message.Message;
      if (Printed.insert(Key).second)
        Shown.push_back(E);
    }
    if (Shown.empty())
      return;
    Context.setCurrentFile(File);
    (void)printAndFix(Shown, Context, /*ApplyFixes=*/false, P.FS);
    outs().flush();
  }

private:
  const Plan &P;
  ClangTidyContext Context;
  SourceFiles Sources;
  StringSet<> Printed;
};

/// Runs the jobs and merges their diagnostics; failures count as errors.
void runUnits(const Plan &P, Outcome &O) {
  ScheduleOptions Schedule;
  Schedule.Parallelism =
      Jobs ? Jobs.getValue() : hardware_concurrency().compute_thread_count();
  Schedule.Progress = !Quiet && sys::Process::StandardErrIsDisplayed();
  Schedule.Executable = P.Executable;
  std::optional<FindingStream> Stream;
  if (streamFindings()) {
    Stream.emplace(P);
    O.Streamed = true;
    Schedule.OnFinished = [&](size_t I, const UnitResult &R) {
      if (!R.Failed)
        Stream->print(R.Errors, P.Work[I].File);
    };
  }
  std::vector<UnitResult> Results = runJobs(P.Work, Schedule);

  RunSummary &S = O.Summary;
  S.Files = P.Units.size();
  for (const auto &Unit : P.Units)
    S.UnitFiles.push_back(Unit.first);
  S.Shard = P.ShardN ? Shard.getValue() : "";
  S.CacheUsed = !P.Cache.empty();
  for (const std::string &File : P.Missing) {
    errs() << "taskleak: " << File << ": no compile command in the compilation "
           << "database\n";
    ++O.CompileErrors;
  }
  std::vector<std::vector<ClangTidyError>> PerUnit;
  for (const std::string &File : P.Nonexistent) {
    // As clang says it, counted with the compiler errors.
    ClangTidyError E("clang-diagnostic-error", ClangTidyError::Error, "",
                     /*IsWarningAsError=*/false);
    E.Message.Message = "no such file or directory: '" + File + "'";
    if (Stream)
      Stream->print({E}, File);
    PerUnit.push_back({std::move(E)});
  }
  for (size_t I = 0; I < Results.size(); ++I) {
    UnitResult &R = Results[I];
    if (R.Failed) {
      errs() << "taskleak: " << P.Work[I].File << ": " << R.FailureReason
             << "\n";
      ++O.CompileErrors;
      continue;
    }
    S.CacheHits += R.Cache == CacheOutcome::Hit;
    S.CacheMisses +=
        R.Cache == CacheOutcome::Miss || R.Cache == CacheOutcome::Uncacheable;
    useRealPaths(R.Errors);
    PerUnit.push_back(std::move(R.Errors));
  }
  O.Merged = mergeDiagnostics(std::move(PerUnit));
}

/// Fingerprints (from the files as analysed, before --fix), --write-baseline,
/// and the findings --baseline leaves to report.
bool applyBaseline(const Plan &P, Outcome &O) {
  const std::vector<ClangTidyError> &Merged = O.Merged;
  O.AllFindings = makeFindings(Merged, P.Root, O.Sources);
  if (!WriteBaseline.empty())
    if (Error E = writeBaseline(WriteBaseline, O.AllFindings)) {
      errs() << "taskleak: " << toString(std::move(E)) << "\n";
      return false;
    }
  O.Reported.reserve(Merged.size());
  for (size_t I = 0; I < Merged.size(); ++I) {
    const Finding &F = O.AllFindings[I];
    if (!F.IsCompilerError && P.BaselineFingerprints.contains(F.Fingerprint)) {
      ++O.Summary.Suppressed;
      continue;
    }
    O.Reported.push_back(Merged[I]);
    O.ReportedFindings.push_back(F);
    O.ReportedFindings.back().Error = &O.Reported.back();
  }
  for (const ClangTidyError &E : O.Reported) {
    // clang-tidy's own configuration diagnostics (an invalid option value in
    // .clang-tidy) are configuration errors, not findings.
    if (E.DiagLevel == ClangTidyError::Error ||
        E.DiagnosticName == "clang-tidy-config")
      ++O.CompileErrors;
    else if (E.DiagLevel == ClangTidyError::Warning) {
      ++O.Warnings;
      ++O.Summary.PerCheck[E.DiagnosticName];
    }
  }
  O.Summary.Findings = O.Warnings;
  O.Summary.Errors = O.CompileErrors;
  return true;
}

double secondsSince(std::chrono::steady_clock::time_point Start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - Start)
      .count();
}

SarifRunInfo sarifRunInfo(const Plan &P) {
  SarifRunInfo I;
  I.FullName =
      ("taskleak " + taskleakVersion() + " (LLVM " + LLVM_VERSION_STRING + ")")
          .str();
  // GitHub code scanning keeps one analysis per category: each shard its own.
  I.AutomationId = "taskleak/";
  if (P.ShardN)
    I.AutomationId += "shard-" + std::to_string(P.ShardK) + "-of-" +
                      std::to_string(P.ShardN) + "/";
  return I;
}

/// Findings outside the source root get absolute paths (SARIF: file:// URIs,
/// which GitHub code scanning rejects) and fingerprints that depend on where
/// they are: said on stderr whenever paths or fingerprints are written.
void warnOutsideRoot(const Plan &P, const Outcome &O) {
  if (Format == OutputFormat::Text && Baseline.empty() && WriteBaseline.empty())
    return;
  unsigned Outside = 0;
  const Finding *First = nullptr;
  for (const Finding &F : O.AllFindings)
    if (!F.IsCompilerError && !F.File.empty() && !F.InRoot) {
      First = First ? First : &F;
      ++Outside;
    }
  if (!Outside)
    return;
  errs() << "taskleak: warning: " << Outside
         << " finding(s) lie outside the source root '" << P.Root << "' (the "
         << (SourceRoot.empty() ? "default, the git work tree or the current "
                                  "directory"
                                : "--source-root")
         << "), e.g. " << First->File
         << ": they get absolute paths (in SARIF, file:// URIs, which GitHub "
            "code scanning rejects) and fingerprints that depend on where "
            "they are; give --source-root=<a directory holding them>\n";
}

/// With --baseline: how many of its entries this run's findings matched (none:
/// most likely written under another root).
void reportBaselineMatches(const Plan &P, const Outcome &O) {
  if (Baseline.empty())
    return;
  StringSet<> Matched;
  for (const Finding &F : O.AllFindings)
    if (!F.IsCompilerError && P.BaselineFingerprints.contains(F.Fingerprint))
      Matched.insert(F.Fingerprint);
  const size_t Total = P.BaselineFingerprints.size();
  errs() << "taskleak: " << Matched.size() << " of " << Total
         << " baseline entries matched (" << Baseline << ")";
  if (Total && Matched.empty() && !O.AllFindings.empty())
    errs() << "; none did: was it written under another --source-root? "
              "Fingerprints are relative to '"
           << P.Root << "'";
  errs() << "\n";
}

/// The JSON or SARIF report, on stdout or in -o.
bool writeReport(const Plan &P, Outcome &O,
                 std::chrono::steady_clock::time_point Start) {
  if (Format == OutputFormat::Text)
    return true;
  O.Summary.Seconds = secondsSince(Start);
  std::string Text;
  raw_string_ostream OS(Text);
  if (Format == OutputFormat::JSON)
    writeJSONReport(OS, O.ReportedFindings, P.Root, O.Summary);
  else
    writeSARIFReport(OS, sarifRunInfo(P), O.ReportedFindings, P.Enabled, P.Root,
                     O.Sources);
  OS.flush();
  if (OutputFile.empty()) {
    outs() << Text;
    outs().flush();
    return true;
  }
  if (Error E = writeFileAtomically(OutputFile, Text)) {
    errs() << "taskleak: " << toString(std::move(E)) << "\n";
    return false;
  }
  return true;
}

/// The text (stdout or -o) and --fix; a file --fix could not write counts
/// as an error. False when -o could not be written.
bool printAndFixFiles(const Plan &P, Outcome &O) {
  if (O.Streamed)
    return true; // printed unit by unit (never with --fix)
  // Never apply edits to a file that did not compile: its AST is a guess.
  const bool ApplyFixes = Fix && O.CompileErrors == 0;
  if (Fix && O.CompileErrors)
    errs() << "taskleak: not applying fixes: " << O.CompileErrors
           << " compiler error(s)\n";
  ClangTidyContext Context(
      makeOptionsProvider(configuredJob(), P.FS, colorOption()));
  if (!P.Work.empty())
    Context.setCurrentFile(P.Work.back().File);
  bool WriteFailed = false;
  auto PrintAndFix = [&] {
    WriteFailed |= !printAndFix(O.Reported, Context, ApplyFixes, P.FS);
  };
  auto Print = [&]() -> Error {
    if (Format == OutputFormat::Text && !OutputFile.empty())
      return withStdoutTo(OutputFile, PrintAndFix);
    if (Format == OutputFormat::Text || !OutputFile.empty())
      PrintAndFix(); // the text on stdout
    else if (ApplyFixes)
      return withStdoutTo("", PrintAndFix); // stdout holds the report
    return Error::success();
  };
  Error E = Print();
  O.CompileErrors += WriteFailed;
  if (E) {
    errs() << "taskleak: " << toString(std::move(E)) << "\n";
    return false;
  }
  return true;
}

/// --export-fixes, in clang-tidy's YAML.
bool exportFixes(const Plan &P, const Outcome &O) {
  if (ExportFixes.empty())
    return true;
  std::string YAML;
  raw_string_ostream OS(YAML);
  exportReplacements(P.Units.size() == 1 ? P.Units.front().second : "",
                     O.Reported, OS);
  OS.flush();
  if (Error E = writeFileAtomically(ExportFixes, YAML)) {
    errs() << "taskleak: " << toString(std::move(E)) << "\n";
    return false;
  }
  return true;
}

void printSummary(const Plan &P, const Outcome &O, double Seconds) {
  if (Quiet)
    return;
  const RunSummary &S = O.Summary;
  errs() << O.Warnings << " finding(s), " << O.CompileErrors << " error(s) in "
         << P.Units.size() << " file(s)";
  if (P.ShardN)
    errs() << " (shard " << Shard << ")";
  errs() << format(", %.2fs", Seconds);
  if (S.Suppressed)
    errs() << "; " << S.Suppressed << " known finding(s) suppressed by "
           << Baseline;
  errs() << "\n";
  for (const auto &[Check, Count] : S.PerCheck)
    errs() << "  " << Count << " " << Check << "\n";
  if (S.CacheUsed)
    errs() << "cache: " << S.CacheHits << " hit, " << S.CacheMisses << " miss ("
           << P.Cache << ")\n";
  if (!WriteBaseline.empty())
    errs() << "taskleak: wrote "
           << llvm::count_if(
                  O.AllFindings,
                  [](const Finding &F) { return !F.IsCompilerError; })
           << " finding(s) to " << WriteBaseline << "\n";
}

int exitStatus(const Outcome &O) {
  if (O.CompileErrors)
    return Failure;
  if (!WriteBaseline.empty())
    return Clean;
  return O.Warnings ? Findings : Clean;
}

} // namespace

int main(int argc, const char **argv) {
  InitLLVM X(argc, argv);
  const auto Start = std::chrono::steady_clock::now();
  cl::HideUnrelatedOptions(Category);
  cl::SetVersionPrinter(printVersion);
  // Compiler flags after `--` make a fixed compilation database. (Not
  // CommonOptionsParser: it would treat a missing database as an error and
  // has no -j, shards or cache; its -p and -- spellings are kept.)
  int Argc = argc;
  std::string DBError;
  Plan P;
  P.DB = tooling::FixedCompilationDatabase::loadFromCommandLine(Argc, argv,
                                                                DBError);
  P.FixedFlags = P.DB != nullptr;
  if (!cl::ParseCommandLineOptions(Argc, argv, overviewText(), &errs()))
    return Failure;
  if (!InternalWorker.empty())
    return workerMain(InternalWorker, InternalResult);
  P.Executable = sys::fs::getMainExecutable(
      argv[0], reinterpret_cast<void *>(&compileDatabaseDir));
  if (std::optional<int> Done = planRun(P, std::move(DBError)))
    return *Done;

  Outcome O;
  runUnits(P, O);
  if (!applyBaseline(P, O))
    return Failure;
  warnOutsideRoot(P, O);
  reportBaselineMatches(P, O);
  // The report (JSON, SARIF) first: --fix rewrites the files it points into.
  if (!writeReport(P, O, Start) || !printAndFixFiles(P, O) ||
      !exportFixes(P, O))
    return Failure;
  printSummary(P, O, secondsSince(Start));
  const int Status = exitStatus(O);
  if (recoveredFromCrash()) {
    outs().flush();
    errs().flush();
    std::_Exit(Status);
  }
  return Status;
}
