//===--- Options.h - the taskleak driver's command line ---------*- C++ -*-===//
//
// Every option of the driver, its --help text, and what the options decide
// before anything is analysed: the checks' configuration that reaches the
// workers through the Job (--checks, --model-file, --header-filter,
// --exclude-header-filter, --line-filter, --fix), colours, whether findings
// are streamed, and --dump-config. TaskleakMain.cpp runs the steps.
//
//===----------------------------------------------------------------------===//
#ifndef TASKLEAK_TOOLS_TASKLEAK_OPTIONS_H
#define TASKLEAK_TOOLS_TASKLEAK_OPTIONS_H

#include "tools/taskleak/Worker.h"

#include "clang-tidy/ClangTidyOptions.h"
#include "llvm/Support/CommandLine.h"

#include <cstdint>
#include <optional>
#include <string>

namespace taskleak {
namespace driver {

enum class OutputFormat : std::uint8_t { Text, JSON, SARIF };

namespace flags {
extern llvm::cl::OptionCategory Category;
extern llvm::cl::opt<std::string> BuildPath;
extern llvm::cl::list<std::string> SourcePaths;
extern llvm::cl::list<std::string> ArgsAfter;
extern llvm::cl::list<std::string> ArgsBefore;
extern llvm::cl::opt<std::string> Checks;
extern llvm::cl::opt<bool> Fix;
extern llvm::cl::opt<bool> ListChecks;
extern llvm::cl::opt<bool> DumpConfig;
extern llvm::cl::opt<std::string> ModelFile;
extern llvm::cl::opt<std::string> HeaderFilter;
extern llvm::cl::opt<std::string> ExcludeHeaderFilter;
extern llvm::cl::opt<std::string> LineFilter;
extern llvm::cl::opt<bool> Quiet;
extern llvm::cl::opt<std::string> ExportFixes;
extern llvm::cl::opt<unsigned> Jobs;
extern llvm::cl::opt<OutputFormat> Format;
extern llvm::cl::opt<std::string> OutputFile;
extern llvm::cl::opt<std::string> SourceRoot;
extern llvm::cl::opt<std::string> Baseline;
extern llvm::cl::opt<std::string> WriteBaseline;
extern llvm::cl::opt<bool> NoCache;
extern llvm::cl::opt<std::string> CacheDir;
extern llvm::cl::opt<std::string> Shard;
extern llvm::cl::opt<std::string> InternalWorker;
extern llvm::cl::opt<std::string> InternalResult;
} // namespace flags

/// The text --help prints above the options.
const char *overviewText();

/// Checks the values of --header-filter, --exclude-header-filter (regular
/// expressions) and --line-filter (clang-tidy's JSON); false, with a message
/// on stderr, when one is invalid.
bool checkFilterOptions();

/// The part of a Job that the command line decides for every unit: the
/// checks, the model file, the filters and --fix.
Job configuredJob();

/// --use-color / --no-color (the last one given wins); nothing when neither
/// was given: then .clang-tidy's UseColor, else colours when stdout is a
/// terminal that has them, as in clang-tidy.
std::optional<bool> colorOption();

/// Whether each unit's findings are printed as soon as it is analysed:
/// --stream / --no-stream, else when stdout is a terminal. Never with
/// --fix (its notes need every unit), a report format or -o.
bool streamFindings();

/// --dump-config: prints the effective configuration for \p File (the
/// first source file, or a file in the current directory) as YAML, as
/// clang-tidy does.
void dumpConfig(clang::tidy::ClangTidyOptionsProvider &Provider,
                llvm::StringRef File);

} // namespace driver
} // namespace taskleak

#endif
