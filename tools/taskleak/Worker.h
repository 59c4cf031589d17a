//===--- Worker.h - analyse one translation unit --------------------------===//
//
// A Job is everything needed to analyse one TU: its compile commands (as the
// driver resolved them, --extra-arg included), the checks, the model file, the
// fix mode and the cache. analyseUnit runs it in this process; with -j N the
// driver runs it in a child process instead (`taskleak --internal-worker=JOB`,
// see Scheduler.h), which writes the UnitResult as JSON. Processes, because
// clang's ClangTool changes the process's working directory and clang-tidy's
// ClangTidyContext is not thread safe.
//
//===----------------------------------------------------------------------===//
#ifndef TASKLEAK_TOOLS_WORKER_H
#define TASKLEAK_TOOLS_WORKER_H

#include "tools/taskleak/AtomicFile.h"
#include "tools/taskleak/Diagnostics.h"

#include "clang-tidy/ClangTidyOptions.h"
#include "clang/Tooling/CompilationDatabase.h"
#include "llvm/Support/VirtualFileSystem.h"

#include <string>
#include <vector>

namespace taskleak {
namespace driver {

struct Job {
  std::string File; ///< absolute path of the main file
  std::vector<clang::tooling::CompileCommand> Commands;
  std::string Checks;     ///< --checks ("" = every taskleak check)
  std::string ConfigFile; ///< --config-file, absolute, or ""
  std::string HeaderFilter; ///< --header-filter ("" = the .clang-tidy's)
  std::string ExcludeHeaderFilter; ///< --exclude-header-filter (likewise)
  std::string LineFilter; ///< --line-filter, clang-tidy's JSON ("" = none)
  bool Fix = false;       ///< --fix (the engine then also takes notes' fix-its)
  std::string CacheDir;   ///< "" = no result cache
  std::string ToolId;     ///< identifies this taskleak build (cache key part)
};

enum class CacheOutcome {
  Off,         ///< no cache in use
  Hit,         ///< findings taken from the cache, nothing parsed
  Miss,        ///< analysed, and stored when the TU compiled
  Uncacheable, ///< the TU does not preprocess: analysed, not stored
};

struct UnitResult {
  std::vector<ClangTidyError> Errors;
  CacheOutcome Cache = CacheOutcome::Off;
  /// The worker process failed (crashed, was killed, or wrote no result).
  bool Failed = false;
  std::string FailureReason;
  /// What the worker process printed (clang's "N warnings generated.").
  std::string Log;
};

/// The options provider of the driver for the configuration of \p Config:
/// the taskleak checks its Checks select (added to the Checks of the
/// .clang-tidy files), its ConfigFile as the ModelFile option, its header
/// filters overriding the .clang-tidy's, its LineFilter; \p UseColor, when
/// given, overrides the .clang-tidy's UseColor.
std::unique_ptr<clang::tidy::ClangTidyOptionsProvider>
makeOptionsProvider(const Job &Config,
                    const llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem> &FS,
                    std::optional<bool> UseColor = std::nullopt);

/// Analyses the job's TU in this process (changes and restores the working
/// directory).
UnitResult analyseUnit(const Job &J);

/// The job as JSON (the worker's input file), and back.
llvm::json::Value jobToJSON(const Job &J);
bool jobFromJSON(const llvm::json::Value &V, Job &J);

/// Writes \p R as the worker's result file; reads it back in the driver.
bool writeResult(llvm::StringRef Path, const Job &J, const UnitResult &R);
bool readResult(llvm::StringRef Path, UnitResult &R, std::string &Error);

/// `taskleak --internal-worker=JOB --internal-result=RESULT`: the child
/// process. Returns its exit status (0: the result was written).
int workerMain(llvm::StringRef JobFile, llvm::StringRef ResultFile);

/// Reads and parses a JSON file.
llvm::Expected<llvm::json::Value> readJSONFile(llvm::StringRef Path);

} // namespace driver
} // namespace taskleak

#endif
