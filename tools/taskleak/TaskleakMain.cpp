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
#include "lib/Models.h"
#include "tools/taskleak/Cache.h"
#include "tools/taskleak/Diagnostics.h"
#include "tools/taskleak/Fixes.h"
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
#include "llvm/Support/Threading.h"
#include "llvm/Support/VirtualFileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <cstdint>
#include <fcntl.h>
#include <unistd.h>

using namespace clang;
using namespace clang::tidy;
using namespace llvm;
using namespace taskleak::driver;

extern volatile int TaskleakModuleAnchorSource;
static int LLVM_ATTRIBUTE_UNUSED TaskleakModuleAnchor =
    TaskleakModuleAnchorSource;

namespace {

enum ExitStatus : std::uint8_t { Clean = 0, Findings = 1, Failure = 2 };
enum class OutputFormat : std::uint8_t { Text, JSON, SARIF };

cl::OptionCategory Category("taskleak options");

cl::opt<std::string>
    BuildPath("p",
              cl::desc("The build directory holding compile_commands.json."),
              cl::Optional, cl::cat(Category));
cl::list<std::string> SourcePaths(cl::Positional,
                                  cl::desc("<source0> [... <sourceN>]"),
                                  cl::ZeroOrMore, cl::cat(Category));
cl::list<std::string>
    ArgsAfter("extra-arg",
              cl::desc("An argument to append to the compiler command line."),
              cl::cat(Category));
cl::list<std::string>
    ArgsBefore("extra-arg-before",
               cl::desc("An argument to prepend to the compiler command line."),
               cl::cat(Category));
cl::opt<std::string> Checks(
    "checks",
    cl::desc("Comma-separated globs of checks to run (default: taskleak-*)."),
    cl::init(""), cl::cat(Category));
cl::opt<bool> Fix("fix", cl::desc("Apply the suggested fixes."),
                  cl::init(false), cl::cat(Category));
cl::opt<bool> ListChecks("list-checks",
                         cl::desc("List the enabled checks and exit."),
                         cl::init(false), cl::cat(Category));
cl::opt<std::string> ConfigFile(
    "config-file",
    cl::desc("The YAML model file (default: the nearest .taskleak.yaml of\n"
             "each source file)."),
    cl::init(""), cl::cat(Category));
cl::opt<std::string> HeaderFilter(
    "header-filter",
    cl::desc("Also report findings in the headers whose path matches this\n"
             "regular expression (as clang-tidy's --header-filter; default:\n"
             "the HeaderFilterRegex of .clang-tidy, else main files only)."),
    cl::init(""), cl::cat(Category));
cl::opt<bool> Quiet("quiet",
                    cl::desc("Do not print the summary or the progress line."),
                    cl::init(false), cl::cat(Category));
cl::opt<std::string> ExportFixes(
    "export-fixes",
    cl::desc("Write the fixes to this YAML file, in clang-tidy's format."),
    cl::init(""), cl::cat(Category));
cl::opt<unsigned>
    Jobs("j",
         cl::desc("Analyse N translation units at a time, each in its own\n"
                  "process (default: 0, one per CPU)."),
         cl::value_desc("N"), cl::init(0), cl::Prefix, cl::cat(Category));
cl::opt<OutputFormat> Format(
    "format", cl::desc("The report format (default: text):"),
    cl::values(clEnumValN(OutputFormat::Text, "text",
                          "clang-tidy's diagnostics, with source lines"),
               clEnumValN(OutputFormat::JSON, "json", "taskleak's JSON report"),
               clEnumValN(OutputFormat::SARIF, "sarif",
                          "SARIF 2.1.0 (GitHub code scanning)")),
    cl::init(OutputFormat::Text), cl::cat(Category));
cl::opt<std::string>
    OutputFile("o",
               cl::desc("Write the report to FILE instead of stdout. With\n"
                        "--format=json or sarif, stdout then shows the text."),
               cl::value_desc("FILE"), cl::init(""), cl::cat(Category));
cl::opt<std::string> SourceRoot(
    "source-root",
    cl::desc("Paths in SARIF and JSON reports and in fingerprints are\n"
             "relative to this directory (default: the current directory;\n"
             "alias: --sarif-root)."),
    cl::value_desc("DIR"), cl::init(""), cl::cat(Category));
cl::alias SarifRoot("sarif-root", cl::desc("Alias for --source-root."),
                    cl::aliasopt(SourceRoot), cl::cat(Category));
cl::opt<std::string>
    Baseline("baseline",
             cl::desc("Report and fail only on findings that are not in this\n"
                      "baseline file (see --write-baseline)."),
             cl::value_desc("FILE"), cl::init(""), cl::cat(Category));
cl::opt<std::string> WriteBaseline(
    "write-baseline",
    cl::desc("Record every finding of this run in FILE, and exit 0 unless\n"
             "a file did not compile."),
    cl::value_desc("FILE"), cl::init(""), cl::cat(Category));
cl::opt<bool> NoCache("no-cache", cl::desc("Do not use the result cache."),
                      cl::init(false), cl::cat(Category));
cl::opt<std::string> CacheDir(
    "cache-dir",
    cl::desc("The result cache directory (default: .taskleak-cache in the\n"
             "directory of compile_commands.json, with -p only)."),
    cl::value_desc("DIR"), cl::init(""), cl::cat(Category));
cl::opt<std::string> Shard(
    "shard",
    cl::desc("Analyse only shard K of N: the files, sorted by path, whose\n"
             "index i (from 0) has i % N == K - 1."),
    cl::value_desc("K/N"), cl::init(""), cl::cat(Category));

// The child processes of a parallel run (Scheduler.h).
cl::opt<std::string> InternalWorker("internal-worker", cl::Hidden, cl::init(""),
                                    cl::cat(Category));
cl::opt<std::string> InternalResult("internal-result", cl::Hidden, cl::init(""),
                                    cl::cat(Category));

const char Overview[] =
    "taskleak finds leaked threads, coroutines and tasks in C++.\n";

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

} // namespace

int main(int argc, const char **argv) {
  InitLLVM X(argc, argv);
  auto StartTime = std::chrono::steady_clock::now();
  cl::HideUnrelatedOptions(Category);
  cl::SetVersionPrinter(printVersion);
  // Compiler flags after `--` make a fixed compilation database.
  int Argc = argc;
  std::string DBError;
  std::unique_ptr<tooling::CompilationDatabase> DB =
      tooling::FixedCompilationDatabase::loadFromCommandLine(Argc, argv,
                                                             DBError);
  const bool FixedFlags = DB != nullptr;
  if (!cl::ParseCommandLineOptions(Argc, argv, Overview, &errs()))
    return Failure;
  if (!InternalWorker.empty())
    return workerMain(InternalWorker, InternalResult);

  unsigned ShardK = 0, ShardN = 0;
  if (!Shard.empty() && !parseShard(Shard, ShardK, ShardN)) {
    errs() << "taskleak: --shard='" << Shard
           << "' is not K/N with 1 <= K <= N\n";
    return Failure;
  }
  // The analysis runs in each compile command's directory: a relative model
  // file must be resolved against the directory taskleak was started in.
  if (!ConfigFile.empty()) {
    SmallString<256> Abs(ConfigFile.getValue());
    (void)sys::fs::make_absolute(Abs);
    ConfigFile = std::string(Abs.str());
  }
  if (!DB && !BuildPath.empty()) {
    DB = tooling::CompilationDatabase::autoDetectFromDirectory(BuildPath,
                                                               DBError);
    if (!DB) {
      errs() << "taskleak: no compilation database in '" << BuildPath
             << "': " << DBError << "\n";
      return Failure;
    }
  }
  if (!DB && !SourcePaths.empty())
    DB = tooling::CompilationDatabase::autoDetectFromSource(SourcePaths.front(),
                                                            DBError);
  if (!DB && !SourcePaths.empty() && !ListChecks) {
    errs() << "taskleak: no compilation database found for '"
           << SourcePaths.front()
           << "'; analysing without compiler flags (give them after --)\n";
    DB = std::make_unique<tooling::FixedCompilationDatabase>(
        ".", std::vector<std::string>());
  }
  if (DB && (!ArgsBefore.empty() || !ArgsAfter.empty())) {
    auto Adjusted = std::make_unique<tooling::ArgumentsAdjustingCompilations>(
        std::move(DB));
    Adjusted->appendArgumentsAdjuster(tooling::getInsertArgumentAdjuster(
        ArgsBefore, tooling::ArgumentInsertPosition::BEGIN));
    Adjusted->appendArgumentsAdjuster(tooling::getInsertArgumentAdjuster(
        ArgsAfter, tooling::ArgumentInsertPosition::END));
    DB = std::move(Adjusted);
  }

  auto FS =
      makeIntrusiveRefCnt<vfs::OverlayFileSystem>(vfs::getRealFileSystem());
  std::unique_ptr<ClangTidyOptionsProvider> Provider =
      makeOptionsProvider(Checks, ConfigFile, HeaderFilter, FS);

  std::vector<std::string> Files(SourcePaths.begin(), SourcePaths.end());
  if (Files.empty() && DB && !ListChecks) {
    Files = DB->getAllFiles();
    llvm::sort(Files);
  }

  std::vector<std::string> Enabled;
  {
    // A --checks glob that matches nothing (a typo) must not pass silently.
    const std::string File = Files.empty() ? "dummy.cpp" : Files.front();
    Enabled = getCheckNames(Provider->getOptions(File), false);
    if (Enabled.empty()) {
      errs() << "taskleak: --checks='" << Checks
             << "' enables no check (taskleak --list-checks lists them)\n";
      return Failure;
    }
    if (ListChecks) {
      taskleak::printCheckList(outs(), Enabled);
      return Clean;
    }
  }
  if (Files.empty()) {
    errs() << "taskleak: no source files (give files, or -p with a "
              "compile_commands.json)\n";
    return Failure;
  }

  // Absolute paths, as clang's ClangTool makes them; each file once.
  std::vector<std::pair<std::string, std::string>> Units; // absolute, as given
  {
    StringSet<> Seen;
    for (const std::string &File : Files) {
      Expected<std::string> Abs = tooling::getAbsolutePath(*FS, File);
      if (!Abs) {
        errs() << "taskleak: " << File << ": " << toString(Abs.takeError())
               << "\n";
        return Failure;
      }
      if (Seen.insert(*Abs).second)
        Units.emplace_back(*Abs, File);
    }
  }
  if (ShardN) {
    // Deterministic for every job of a CI matrix: sorted by path.
    llvm::sort(Units, [](const auto &A, const auto &B) {
      return A.first < B.first; // unique
    });
    std::vector<std::pair<std::string, std::string>> Mine;
    for (size_t I = 0; I < Units.size(); ++I)
      if (I % ShardN == ShardK - 1)
        Mine.push_back(Units[I]);
    Units = std::move(Mine);
  }

  // Check every model file that applies before analysing anything: a broken
  // model stops the run with the file, line and column of the problem.
  for (const auto &Unit : Units) {
    taskleak::ModelError Err;
    if (!taskleak::modelsFor(Unit.second, ConfigFile, Err)) {
      errs() << Err.str() << "\n";
      return Failure;
    }
  }

  StringSet<> BaselineFingerprints;
  if (!Baseline.empty()) {
    std::string Error;
    if (!readBaseline(Baseline, BaselineFingerprints, Error)) {
      errs() << "taskleak: " << Error << "\n";
      return Failure;
    }
  }

  std::string Root = SourceRoot;
  {
    SmallString<256> Abs(Root.empty() ? "." : Root);
    (void)sys::fs::make_absolute(Abs);
    sys::path::remove_dots(Abs, /*remove_dot_dot=*/true);
    Root = std::string(Abs.str());
  }

  const std::string Executable = sys::fs::getMainExecutable(
      argv[0], reinterpret_cast<void *>(&compileDatabaseDir));
  std::string Cache;
  if (!NoCache) {
    if (!CacheDir.empty())
      Cache = CacheDir;
    else if (!BuildPath.empty() && !FixedFlags) {
      SmallString<256> D(compileDatabaseDir(BuildPath));
      sys::path::append(D, ".taskleak-cache");
      Cache = std::string(D.str());
    }
    if (!Cache.empty()) {
      SmallString<256> Abs(Cache);
      (void)sys::fs::make_absolute(Abs);
      Cache = std::string(Abs.str());
    }
  }
  const std::string ToolId = Cache.empty() ? "" : toolIdentity(Executable);

  std::vector<Job> Work;
  std::vector<std::string> Missing; // files without a compile command
  SmallString<256> CWD;
  (void)sys::fs::current_path(CWD);
  for (const auto &Unit : Units) {
    Job J;
    J.File = Unit.first;
    J.Commands = DB->getCompileCommands(Unit.first);
    for (tooling::CompileCommand &C : J.Commands)
      if (!sys::path::is_absolute(C.Directory)) {
        SmallString<256> D(CWD);
        sys::path::append(D, C.Directory);
        sys::path::remove_dots(D, /*remove_dot_dot=*/true);
        C.Directory = std::string(D.str());
      }
    if (J.Commands.empty()) {
      Missing.push_back(Unit.second);
      continue;
    }
    J.Checks = Checks;
    J.ConfigFile = ConfigFile;
    J.HeaderFilter = HeaderFilter;
    J.Fix = Fix;
    J.CacheDir = Cache;
    J.ToolId = ToolId;
    Work.push_back(std::move(J));
  }

  ScheduleOptions Schedule;
  Schedule.Parallelism =
      Jobs ? Jobs.getValue() : hardware_concurrency().compute_thread_count();
  Schedule.Progress = !Quiet && sys::Process::StandardErrIsDisplayed();
  Schedule.Executable = Executable;
  std::vector<UnitResult> Results = runJobs(Work, Schedule);

  RunSummary Summary;
  Summary.Files = Units.size();
  for (const auto &Unit : Units)
    Summary.UnitFiles.push_back(Unit.first);
  Summary.Shard = ShardN ? Shard.getValue() : "";
  Summary.CacheUsed = !Cache.empty();
  unsigned CompileErrors = 0;
  for (const std::string &File : Missing) {
    errs() << "taskleak: " << File << ": no compile command in the compilation "
           << "database\n";
    ++CompileErrors;
  }
  std::vector<std::vector<ClangTidyError>> PerUnit;
  for (size_t I = 0; I < Results.size(); ++I) {
    UnitResult &R = Results[I];
    if (R.Failed) {
      errs() << "taskleak: " << Work[I].File << ": " << R.FailureReason << "\n";
      ++CompileErrors;
      continue;
    }
    Summary.CacheHits += R.Cache == CacheOutcome::Hit;
    Summary.CacheMisses +=
        R.Cache == CacheOutcome::Miss || R.Cache == CacheOutcome::Uncacheable;
    PerUnit.push_back(std::move(R.Errors));
  }
  std::vector<ClangTidyError> Merged = mergeDiagnostics(std::move(PerUnit));

  // Fingerprints and positions, from the files as analysed (before --fix).
  SourceFiles Sources;
  std::vector<Finding> AllFindings = makeFindings(Merged, Root, Sources);
  if (!WriteBaseline.empty())
    if (Error E = writeBaseline(WriteBaseline, AllFindings)) {
      errs() << "taskleak: " << toString(std::move(E)) << "\n";
      return Failure;
    }
  std::vector<ClangTidyError> Reported;
  std::vector<Finding> ReportedFindings;
  Reported.reserve(Merged.size());
  for (size_t I = 0; I < Merged.size(); ++I) {
    const Finding &F = AllFindings[I];
    if (!F.IsCompilerError && BaselineFingerprints.contains(F.Fingerprint)) {
      ++Summary.Suppressed;
      continue;
    }
    Reported.push_back(Merged[I]);
    ReportedFindings.push_back(F);
    ReportedFindings.back().Error = &Reported.back();
  }

  unsigned Warnings = 0;
  for (const ClangTidyError &E : Reported) {
    if (E.DiagLevel == ClangTidyError::Error)
      ++CompileErrors;
    else if (E.DiagLevel == ClangTidyError::Warning) {
      ++Warnings;
      ++Summary.PerCheck[E.DiagnosticName];
    }
  }
  Summary.Findings = Warnings;
  Summary.Errors = CompileErrors;

  // The report (JSON, SARIF) first: --fix rewrites the files it points into.
  if (Format != OutputFormat::Text) {
    Summary.Seconds = std::chrono::duration<double>(
                          std::chrono::steady_clock::now() - StartTime)
                          .count();
    std::string Text;
    raw_string_ostream OS(Text);
    if (Format == OutputFormat::JSON)
      writeJSONReport(OS, ReportedFindings, Root, Summary);
    else
      writeSARIFReport(OS, ReportedFindings, Enabled, Root, Sources);
    OS.flush();
    if (OutputFile.empty()) {
      outs() << Text;
      outs().flush();
    } else if (Error E = writeFileAtomically(OutputFile, Text)) {
      errs() << "taskleak: " << toString(std::move(E)) << "\n";
      return Failure;
    }
  }

  // Never apply edits to a file that did not compile: its AST is a guess.
  const bool ApplyFixes = Fix && CompileErrors == 0;
  if (Fix && CompileErrors)
    errs() << "taskleak: not applying fixes: " << CompileErrors
           << " compiler error(s)\n";
  ClangTidyContext Context(makeOptionsProvider(Checks, ConfigFile, HeaderFilter, FS));
  if (!Work.empty())
    Context.setCurrentFile(Work.back().File);
  bool WriteFailed = false;
  auto PrintAndFix = [&] {
    WriteFailed |= !printAndFix(Reported, Context, ApplyFixes, FS);
  };
  if (Format == OutputFormat::Text && !OutputFile.empty()) {
    if (Error E = withStdoutTo(OutputFile, PrintAndFix)) {
      errs() << "taskleak: " << toString(std::move(E)) << "\n";
      return Failure;
    }
  } else if (Format == OutputFormat::Text || !OutputFile.empty()) {
    PrintAndFix(); // the text on stdout
  } else if (ApplyFixes) {
    // stdout holds the report
    if (Error E = withStdoutTo("", PrintAndFix)) {
      errs() << "taskleak: " << toString(std::move(E)) << "\n";
      return Failure;
    }
  }
  if (WriteFailed)
    ++CompileErrors;

  if (!ExportFixes.empty()) {
    std::string YAML;
    raw_string_ostream OS(YAML);
    exportReplacements(Units.size() == 1 ? Units.front().second : "", Reported,
                       OS);
    OS.flush();
    if (Error E = writeFileAtomically(ExportFixes, YAML)) {
      errs() << "taskleak: " << toString(std::move(E)) << "\n";
      return Failure;
    }
  }

  if (!Quiet) {
    const double Seconds = std::chrono::duration<double>(
                               std::chrono::steady_clock::now() - StartTime)
                               .count();
    errs() << Warnings << " finding(s), " << CompileErrors << " error(s) in "
           << Units.size() << " file(s)";
    if (ShardN)
      errs() << " (shard " << Shard << ")";
    errs() << format(", %.2fs", Seconds);
    if (Summary.Suppressed)
      errs() << "; " << Summary.Suppressed << " known finding(s) suppressed by "
             << Baseline;
    errs() << "\n";
    for (const auto &[Check, Count] : Summary.PerCheck)
      errs() << "  " << Count << " " << Check << "\n";
    if (Summary.CacheUsed)
      errs() << "cache: " << Summary.CacheHits << " hit, "
             << Summary.CacheMisses << " miss (" << Cache << ")\n";
    if (!WriteBaseline.empty())
      errs() << "taskleak: wrote "
             << llvm::count_if(
                    AllFindings,
                    [](const Finding &F) { return !F.IsCompilerError; })
             << " finding(s) to " << WriteBaseline << "\n";
  }
  if (CompileErrors)
    return Failure;
  if (!WriteBaseline.empty())
    return Clean;
  return Warnings ? Findings : Clean;
}
