//===--- Options.cpp - the taskleak driver's command line -----------------===//
#include "tools/taskleak/Options.h"
#include "lib/LLVMCompat.h"

#include "clang-tidy/ClangTidy.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Regex.h"
#include "llvm/Support/raw_ostream.h"

using namespace clang::tidy;
using namespace llvm;

namespace taskleak {
namespace driver {
namespace flags {

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
    cl::desc("Comma-separated globs of checks to run, instead of the Checks\n"
             "of .clang-tidy (default: taskleak-* and what .clang-tidy says)."),
    cl::init(""), cl::cat(Category));
cl::opt<bool> Fix("fix", cl::desc("Apply the suggested fixes."),
                  cl::init(false), cl::cat(Category));
cl::opt<bool> ListChecks("list-checks",
                         cl::desc("List the enabled checks and exit."),
                         cl::init(false), cl::cat(Category));
cl::opt<std::string> ModelFile(
    "model-file",
    cl::desc("The YAML model file (default: the nearest .taskleak.yaml of\n"
             "each source file)."),
    cl::init(""), cl::cat(Category));
// The old spelling; --config-file means the .clang-tidy file in clang-tidy.
cl::alias ConfigFileAlias("config-file", cl::desc("Alias for --model-file."),
                          cl::aliasopt(ModelFile), cl::Hidden);
cl::opt<std::string> HeaderFilter(
    "header-filter",
    cl::desc("Also report findings in the headers whose path matches this\n"
             "regular expression (as clang-tidy's --header-filter; default:\n"
             "the HeaderFilterRegex of .clang-tidy, else main files only)."),
    cl::init(""), cl::cat(Category));
cl::opt<std::string> ExcludeHeaderFilter(
    "exclude-header-filter",
    cl::desc("Do not report findings in the headers whose path matches\n"
             "this regular expression, even when --header-filter matches\n"
             "them (as clang-tidy's --exclude-header-filter; default: the\n"
             "ExcludeHeaderFilterRegex of .clang-tidy)."),
    cl::init(""), cl::cat(Category));
cl::opt<std::string> LineFilter(
    "line-filter",
    cl::desc("Report only the findings on these lines, in clang-tidy's\n"
             "JSON format: [{\"name\":\"a.cpp\",\"lines\":[[1,3],[5,7]]},\n"
             "{\"name\":\"b.h\"}] reports lines 1-3 and 5-7 of the files\n"
             "whose path ends with a.cpp, and all of b.h."),
    cl::value_desc("JSON"), cl::init(""), cl::cat(Category));
cl::opt<bool> UseColor(
    "use-color",
    cl::desc("Colour the findings (default: when stdout is a terminal\n"
             "that has colours; .clang-tidy's UseColor; as clang-tidy)."),
    cl::init(false), cl::cat(Category));
cl::opt<bool> NoColor("no-color", cl::desc("Do not colour the findings."),
                      cl::init(false), cl::cat(Category));
cl::opt<bool> DumpConfig(
    "dump-config",
    cl::desc("Print the configuration for the first source file (or the\n"
             "current directory) as YAML, as clang-tidy does, and exit."),
    cl::init(false), cl::cat(Category));
cl::opt<bool>
    Stream("stream",
           cl::desc("Print each file's findings as soon as it is analysed\n"
                    "(default when stdout is a terminal; never with --fix,\n"
                    "--format=json|sarif or -o)."),
           cl::init(false), cl::cat(Category));
cl::opt<bool> NoStream(
    "no-stream",
    cl::desc("Print all findings at the end, in the order of the files\n"
             "(default when stdout is not a terminal)."),
    cl::init(false), cl::cat(Category));
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
             "relative to this directory (default: the git work tree of\n"
             "the current directory, else the current directory; alias:\n"
             "--sarif-root). Findings outside it are warned about."),
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
    "taskleak finds leaked threads, coroutines and tasks in C++.\n"
    "\n"
    "  taskleak [options] <files>... -- <compiler flags>\n"
    "      analyse the files with these flags (no compilation database)\n"
    "  taskleak -p <build-dir> [options] [<files>...]\n"
    "      the files (default: every file) of "
    "<build-dir>/compile_commands.json\n"
    "  taskleak [options] <files>...\n"
    "      the compile_commands.json found above the first file\n";

#define TASKLEAK_STRINGIFY2(X) #X
#define TASKLEAK_STRINGIFY(X) TASKLEAK_STRINGIFY2(X)
cl::extrahelp MoreHelp(
    "\nEXIT STATUS:\n"
    "  0  no findings (with --baseline: no new ones; with --write-baseline:\n"
    "     the baseline was written)\n"
    "  1  findings\n"
    "  2  a usage or configuration error (an invalid model, option or\n"
    "     .clang-tidy), or a file that does not compile, has no compile\n"
    "     command or whose analysis crashed\n"
    "\nEXAMPLES:\n"
    "  taskleak -p build\n"
    "      every translation unit of build/compile_commands.json\n"
    "  taskleak --fix worker.cpp -- -std=c++20\n"
    "      one file, applying the suggested fixes\n"
    "  taskleak -p build --format=sarif -o taskleak.sarif "
    "--baseline=taskleak-baseline.json\n"
    "      CI: SARIF for code scanning, failing only on new findings\n"
    "  taskleak "
    "--line-filter='[{\"name\":\"worker.cpp\",\"lines\":[[10,20]]}]' "
    "-p build worker.cpp\n"
    "      only the findings on lines 10 to 20 of worker.cpp\n"
    "\nThe .clang-tidy files of the sources are read as clang-tidy reads them\n"
    "(Checks, CheckOptions, HeaderFilterRegex, ExcludeHeaderFilterRegex,\n"
    "UseColor); the command line wins. --dump-config shows the result.\n"
    "Documentation: /usr/share/doc/taskleak-llvm" TASKLEAK_STRINGIFY(
        LLVM_VERSION_MAJOR) "/docs/usage.md in the package, docs/usage.md in "
                            "the sources.\n");

} // namespace flags

using namespace flags;

const char *overviewText() { return Overview; }

namespace {

bool validRegex(StringRef Option, StringRef Value) {
  std::string Error;
  if (Value.empty() || Regex(Value).isValid(Error))
    return true;
  errs() << "taskleak: --" << Option << "='" << Value
         << "' is not a valid regular expression: " << Error << "\n";
  return false;
}

} // namespace

bool checkFilterOptions() {
  if (!validRegex("header-filter", HeaderFilter) ||
      !validRegex("exclude-header-filter", ExcludeHeaderFilter))
    return false;
  ClangTidyGlobalOptions Global;
  if (std::error_code EC = parseLineFilter(LineFilter, Global)) {
    errs() << "taskleak: --line-filter='" << LineFilter
           << "' is not a valid line filter: " << EC.message()
           << " (expected clang-tidy's JSON, e.g. "
              "[{\"name\":\"a.cpp\",\"lines\":[[1,3]]}])\n";
    return false;
  }
  return true;
}

Job configuredJob() {
  Job J;
  J.Checks = Checks;
  J.ConfigFile = ModelFile;
  J.HeaderFilter = HeaderFilter;
  J.ExcludeHeaderFilter = ExcludeHeaderFilter;
  J.LineFilter = LineFilter;
  J.Fix = Fix;
  return J;
}

std::optional<bool> colorOption() {
  // Both given: the later one on the command line wins.
  if (UseColor.getNumOccurrences() && NoColor.getNumOccurrences())
    return UseColor.getPosition() > NoColor.getPosition() ? UseColor.getValue()
                                                          : false;
  if (UseColor.getNumOccurrences())
    return UseColor.getValue();
  if (NoColor)
    return false;
  return std::nullopt;
}

bool streamFindings() {
  if (Fix || Format != OutputFormat::Text || !OutputFile.empty())
    return false;
  if (Stream.getNumOccurrences() && NoStream.getNumOccurrences())
    return Stream.getPosition() > NoStream.getPosition();
  if (Stream)
    return true;
  if (NoStream)
    return false;
  return sys::Process::StandardOutIsDisplayed();
}

void dumpConfig(ClangTidyOptionsProvider &Provider, StringRef File) {
  SmallString<256> Path(File.empty() ? StringRef("dummy") : File);
  (void)sys::fs::make_absolute(Path);
  ClangTidyOptions Effective = Provider.getOptions(Path);
  Effective.CheckOptions = compat::checkOptions(Effective);
  outs() << configurationAsText(
                ClangTidyOptions::getDefaults().merge(Effective, 0))
         << "\n";
}

} // namespace driver
} // namespace taskleak
