//===--- TaskleakMain.cpp - the taskleak driver ----------------------------===//
//
//   taskleak [options] <source files> [-- <compiler flags>]
//   taskleak -p <build-dir> [source files]
//
// clang-tidy's engine with the taskleak checks linked in. Output is
// clang-tidy's text format. Exit status: 0 clean, 1 findings, 2 usage,
// configuration or parse errors.
//
//===----------------------------------------------------------------------===//
#include "lib/Models.h"

#include "clang-tidy/ClangTidy.h"
#include "clang-tidy/ClangTidyDiagnosticConsumer.h"
#include "clang-tidy/ClangTidyOptions.h"
#include "clang/Tooling/ArgumentsAdjusters.h"
#include "clang/Tooling/CommonOptionsParser.h"
#include "clang/Tooling/CompilationDatabase.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/VirtualFileSystem.h"
#include "llvm/Support/raw_ostream.h"

using namespace clang;
using namespace clang::tidy;
using namespace llvm;

extern volatile int TaskleakModuleAnchorSource;
static int LLVM_ATTRIBUTE_UNUSED TaskleakModuleAnchor =
    TaskleakModuleAnchorSource;

namespace {

enum ExitStatus { Clean = 0, Findings = 1, Failure = 2 };

cl::OptionCategory Category("taskleak options");

cl::opt<std::string> BuildPath(
    "p", cl::desc("The build directory holding compile_commands.json."),
    cl::Optional, cl::cat(Category));
cl::list<std::string> SourcePaths(cl::Positional,
                                  cl::desc("<source0> [... <sourceN>]"),
                                  cl::ZeroOrMore, cl::cat(Category));
cl::list<std::string> ArgsAfter(
    "extra-arg", cl::desc("An argument to append to the compiler command line."),
    cl::cat(Category));
cl::list<std::string> ArgsBefore(
    "extra-arg-before",
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
cl::opt<bool> Quiet("quiet", cl::desc("Do not print the summary line."),
                    cl::init(false), cl::cat(Category));
cl::opt<std::string> ExportFixes(
    "export-fixes",
    cl::desc("Write the fixes to this YAML file, in clang-tidy's format."),
    cl::init(""), cl::cat(Category));

const char Overview[] =
    "taskleak finds leaked threads, coroutines and tasks in C++.\n";

} // namespace

int main(int argc, const char **argv) {
  InitLLVM X(argc, argv);
  cl::HideUnrelatedOptions(Category);
  // Compiler flags after `--` make a fixed compilation database.
  int Argc = argc;
  std::string DBError;
  std::unique_ptr<tooling::CompilationDatabase> DB =
      tooling::FixedCompilationDatabase::loadFromCommandLine(Argc, argv, DBError);
  if (!cl::ParseCommandLineOptions(Argc, argv, Overview, &errs()))
    return Failure;
  // The analysis runs in each compile command's directory: a relative model
  // file must be resolved against the directory taskleak was started in.
  if (!ConfigFile.empty()) {
    SmallString<256> Abs(ConfigFile.getValue());
    sys::fs::make_absolute(Abs);
    ConfigFile = std::string(Abs.str());
  }
  if (!DB && !BuildPath.empty()) {
    DB = tooling::CompilationDatabase::autoDetectFromDirectory(BuildPath, DBError);
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

  ClangTidyOptions Defaults = ClangTidyOptions::getDefaults();
  Defaults.Checks = "-*,taskleak-*";
  ClangTidyOptions Overrides;
  // .clang-tidy files may configure taskleak's options, but the checks to run
  // are ours to decide: a project's lint profile must not switch us off.
  Overrides.Checks = Checks.empty() ? "-*,taskleak-*" : "-*," + Checks;
  if (!ConfigFile.empty())
    Overrides.CheckOptions["ModelFile"] =
        ClangTidyOptions::ClangTidyValue(ConfigFile.getValue());
  auto FS = makeIntrusiveRefCnt<vfs::OverlayFileSystem>(vfs::getRealFileSystem());
  auto Provider = std::make_unique<FileOptionsProvider>(
      ClangTidyGlobalOptions(), Defaults, Overrides, FS);

  std::vector<std::string> Files(SourcePaths.begin(), SourcePaths.end());
  if (Files.empty() && DB && !ListChecks)
    Files = DB->getAllFiles();

  {
    // A --checks glob that matches nothing (a typo) must not pass silently.
    std::string File = Files.empty() ? "dummy.cpp" : Files.front();
    std::vector<std::string> Enabled =
        getCheckNames(Provider->getOptions(File), false);
    if (Enabled.empty()) {
      errs() << "taskleak: --checks='" << Checks
             << "' enables no check (taskleak --list-checks lists them)\n";
      return Failure;
    }
    if (ListChecks) {
      outs() << "Enabled checks:";
      for (const std::string &Name : Enabled)
        outs() << "\n    " << Name;
      outs() << "\n\n";
      return Clean;
    }
  }
  if (Files.empty()) {
    errs() << "taskleak: no source files (give files, or -p with a "
              "compile_commands.json)\n";
    return Failure;
  }

  // Check every model file that applies before analysing anything: a broken
  // model stops the run with the file, line and column of the problem.
  for (const std::string &File : Files) {
    taskleak::ModelError Err;
    if (!taskleak::modelsFor(File, ConfigFile, Err)) {
      errs() << Err.str() << "\n";
      return Failure;
    }
  }

  ClangTidyContext Context(std::move(Provider));
  std::vector<ClangTidyError> Errors =
      runClangTidy(Context, *DB, Files, FS, Fix, /*EnableCheckProfile=*/false);

  unsigned CompileErrors = 0, Warnings = 0;
  for (const ClangTidyError &E : Errors) {
    if (E.DiagLevel == ClangTidyError::Error)
      ++CompileErrors;
    else if (E.DiagLevel == ClangTidyError::Warning)
      ++Warnings;
  }
  // Never apply edits to a file that did not compile: its AST is a guess.
  FixBehaviour Behaviour = Fix && CompileErrors == 0 ? FB_Fix : FB_NoFix;
  if (Fix && CompileErrors)
    errs() << "taskleak: not applying fixes: " << CompileErrors
           << " compiler error(s)\n";
  unsigned WarningsAsErrors = 0;
  handleErrors(Errors, Context, Behaviour, WarningsAsErrors, FS);

  if (!ExportFixes.empty()) {
    std::error_code EC;
    raw_fd_ostream OS(ExportFixes, EC, sys::fs::OF_None);
    if (EC) {
      errs() << "taskleak: cannot write " << ExportFixes << ": "
             << EC.message() << "\n";
      return Failure;
    }
    exportReplacements(Files.size() == 1 ? Files.front() : "", Errors, OS);
  }

  if (!Quiet)
    errs() << Warnings << " finding(s), " << CompileErrors
           << " error(s) in " << Files.size() << " file(s)\n";
  if (CompileErrors)
    return Failure;
  return Warnings ? Findings : Clean;
}
