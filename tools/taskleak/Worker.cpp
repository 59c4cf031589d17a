//===--- Worker.cpp - analyse one translation unit ------------------------===//
#include "tools/taskleak/Worker.h"
#include "tools/taskleak/Cache.h"
#include "tools/taskleak/RunTidy.h"

#include "checks/Manifest.h"

#include "clang-tidy/ClangTidy.h"
#include "clang-tidy/GlobList.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

using namespace clang;
using namespace clang::tidy;
using namespace llvm;

namespace taskleak {
namespace driver {

namespace {

/// The compile commands of one file, as the driver resolved them.
class CommandsDatabase : public tooling::CompilationDatabase {
public:
  CommandsDatabase(std::string File,
                   std::vector<tooling::CompileCommand> Commands)
      : File(std::move(File)), Commands(std::move(Commands)) {}
  std::vector<tooling::CompileCommand>
  getCompileCommands(StringRef) const override {
    return Commands;
  }
  std::vector<std::string> getAllFiles() const override { return {File}; }
  std::vector<tooling::CompileCommand> getAllCompileCommands() const override {
    return Commands;
  }

private:
  std::string File;
  std::vector<tooling::CompileCommand> Commands;
};

bool hasCompilerError(const std::vector<ClangTidyError> &Errors) {
  for (const ClangTidyError &E : Errors)
    if (E.DiagLevel == ClangTidyError::Error)
      return true;
  return false;
}

const char *outcomeName(CacheOutcome C) {
  switch (C) {
  case CacheOutcome::Hit:
    return "hit";
  case CacheOutcome::Miss:
    return "miss";
  case CacheOutcome::Uncacheable:
    return "uncacheable";
  case CacheOutcome::Off:
    break;
  }
  return "off";
}

/// The options of \p Base, with the checks they enable narrowed to the
/// taskleak checks: clang-tidy's engine here also has the clang-analyzer-*
/// checks, which a project's .clang-tidy may enable for clang-tidy itself.
class TaskleakChecksOnly : public ClangTidyOptionsProvider {
public:
  explicit TaskleakChecksOnly(std::unique_ptr<ClangTidyOptionsProvider> Base)
      : Base(std::move(Base)) {}
  const ClangTidyGlobalOptions &getGlobalOptions() override {
    return Base->getGlobalOptions();
  }
  std::vector<OptionsSource> getRawOptions(StringRef FileName) override {
    std::vector<OptionsSource> Raw = Base->getRawOptions(FileName);
    ClangTidyOptions Merged;
    for (const OptionsSource &S : Raw)
      Merged.mergeWith(S.first, 0);
    const GlobList Enabled(Merged.Checks.value_or(""));
    std::string Only = "-*";
    for (const CheckInfo &C : manifestChecks())
      if (Enabled.contains(C.Name))
        Only += ("," + C.Name).str();
    ClangTidyOptions Narrowed;
    Narrowed.Checks = Only;
    Raw.emplace_back(std::move(Narrowed), "taskleak: only taskleak checks");
    return Raw;
  }

private:
  std::unique_ptr<ClangTidyOptionsProvider> Base;
};

} // namespace

std::unique_ptr<ClangTidyOptionsProvider>
makeOptionsProvider(const Job &Config,
                    const IntrusiveRefCntPtr<vfs::FileSystem> &FS,
                    std::optional<bool> UseColor) {
  ClangTidyOptions Defaults = ClangTidyOptions::getDefaults();
  Defaults.Checks = "-*,taskleak-*";
  ClangTidyOptions Overrides;
  // As clang-tidy: the Checks of the .clang-tidy files that apply are added
  // to the default (all taskleak checks), so a committed `-taskleak-x`
  // switches x off here as in clang-tidy, CMake and clangd (only taskleak
  // checks are linked in: other globs match nothing). --checks wins over
  // every file.
  if (!Config.Checks.empty())
    Overrides.Checks = "-*," + Config.Checks;
  if (!Config.ConfigFile.empty())
    Overrides.CheckOptions["ModelFile"] =
        ClangTidyOptions::ClangTidyValue(Config.ConfigFile);
  if (!Config.HeaderFilter.empty())
    Overrides.HeaderFilterRegex = Config.HeaderFilter;
  if (!Config.ExcludeHeaderFilter.empty())
    Overrides.ExcludeHeaderFilterRegex = Config.ExcludeHeaderFilter;
  Overrides.UseColor = UseColor;
  // The driver has checked the line filter (Options.cpp).
  ClangTidyGlobalOptions Global;
  (void)parseLineFilter(Config.LineFilter, Global);
  return std::make_unique<TaskleakChecksOnly>(
      std::make_unique<FileOptionsProvider>(std::move(Global), Defaults,
                                            Overrides, FS));
}

UnitResult analyseUnit(const Job &J) {
  // ClangTool aborts the process when it cannot enter a command's directory;
  // a stale compilation database is a usage error for this file only.
  for (const tooling::CompileCommand &C : J.Commands)
    if (!sys::fs::is_directory(C.Directory)) {
      UnitResult R;
      R.Failed = true;
      R.FailureReason = "the directory of its compile command, '" +
                        C.Directory + "', does not exist";
      return R;
    }
  auto FS =
      makeIntrusiveRefCnt<vfs::OverlayFileSystem>(vfs::getRealFileSystem());
  ClangTidyContext Context(makeOptionsProvider(J, FS));
  const CommandsDatabase DB(J.File, J.Commands);
  UnitResult R;
  std::optional<CacheKey> Key;
  if (!J.CacheDir.empty()) {
    Key = computeCacheKey(J, Context, DB, FS);
    if (Key) {
      if (cacheLookup(J.CacheDir, *Key, J, R.Errors)) {
        R.Cache = CacheOutcome::Hit;
        return R;
      }
      R.Cache = CacheOutcome::Miss;
    } else {
      R.Cache = CacheOutcome::Uncacheable;
    }
  }
  R.Errors = runTaskleakTidy(Context, DB, {J.File}, FS, J.Fix);
  // A TU that does not compile is analysed again next time: its diagnostics
  // may depend on more than its files (a missing header being installed).
  if (Key && !hasCompilerError(R.Errors))
    cacheStore(J.CacheDir, *Key, J, R.Errors);
  return R;
}

// --- The job and result files
// -------------------------------------------------

json::Value jobToJSON(const Job &J) {
  json::Array Commands;
  for (const tooling::CompileCommand &C : J.Commands)
    Commands.push_back(json::Object{{"directory", C.Directory},
                                    {"file", C.Filename},
                                    {"arguments", json::Array(C.CommandLine)},
                                    {"output", C.Output},
                                    {"heuristic", C.Heuristic}});
  return json::Object{{"file", J.File},
                      {"commands", std::move(Commands)},
                      {"checks", J.Checks},
                      {"configFile", J.ConfigFile},
                      {"headerFilter", J.HeaderFilter},
                      {"excludeHeaderFilter", J.ExcludeHeaderFilter},
                      {"lineFilter", J.LineFilter},
                      {"fix", J.Fix},
                      {"cacheDir", J.CacheDir},
                      {"toolId", J.ToolId}};
}

bool jobFromJSON(const json::Value &V, Job &J) {
  const json::Object *O = V.getAsObject();
  if (!O)
    return false;
  auto File = O->getString("file");
  auto Checks = O->getString("checks");
  auto ConfigFile = O->getString("configFile");
  auto HeaderFilter = O->getString("headerFilter");
  auto ExcludeHeaderFilter = O->getString("excludeHeaderFilter");
  auto LineFilter = O->getString("lineFilter");
  auto Fix = O->getBoolean("fix");
  auto CacheDir = O->getString("cacheDir");
  auto ToolId = O->getString("toolId");
  const json::Array *Commands = O->getArray("commands");
  if (!File || !Checks || !ConfigFile || !HeaderFilter ||
      !ExcludeHeaderFilter || !LineFilter || !Fix || !CacheDir || !ToolId ||
      !Commands)
    return false;
  J.File = File->str();
  J.Checks = Checks->str();
  J.ConfigFile = ConfigFile->str();
  J.HeaderFilter = HeaderFilter->str();
  J.ExcludeHeaderFilter = ExcludeHeaderFilter->str();
  J.LineFilter = LineFilter->str();
  J.Fix = *Fix;
  J.CacheDir = CacheDir->str();
  J.ToolId = ToolId->str();
  for (const json::Value &CV : *Commands) {
    const json::Object *C = CV.getAsObject();
    if (!C)
      return false;
    auto Dir = C->getString("directory");
    auto CFile = C->getString("file");
    auto Output = C->getString("output");
    auto Heuristic = C->getString("heuristic");
    const json::Array *Args = C->getArray("arguments");
    if (!Dir || !CFile || !Output || !Heuristic || !Args)
      return false;
    std::vector<std::string> CommandLine;
    for (const json::Value &A : *Args) {
      auto S = A.getAsString();
      if (!S)
        return false;
      CommandLine.push_back(S->str());
    }
    tooling::CompileCommand Cmd(*Dir, *CFile, std::move(CommandLine), *Output);
    Cmd.Heuristic = Heuristic->str();
    J.Commands.push_back(std::move(Cmd));
  }
  return true;
}

bool writeResult(StringRef Path, const Job &J, const UnitResult &R) {
  SourceFiles Sources;
  json::Object O{{"file", J.File},
                 {"cache", outcomeName(R.Cache)},
                 {"diagnostics", diagnosticsToJSON(R.Errors, Sources)}};
  if (R.Failed)
    O["failure"] = R.FailureReason;
  std::string Text;
  raw_string_ostream OS(Text);
  OS << formatv("{0:2}", json::Value(std::move(O))) << "\n";
  OS.flush();
  WriteOptions Temporary;
  Temporary.Sync = false;
  if (Error E = writeFileAtomically(Path, Text, Temporary)) {
    errs() << "taskleak: worker: " << toString(std::move(E)) << "\n";
    return false;
  }
  return true;
}

bool readResult(StringRef Path, UnitResult &R, std::string &Error) {
  Expected<json::Value> V = readJSONFile(Path);
  if (!V) {
    Error = toString(V.takeError());
    return false;
  }
  const json::Object *O = V->getAsObject();
  const json::Value *Diags = O ? O->get("diagnostics") : nullptr;
  auto Cache = O ? O->getString("cache") : std::nullopt;
  if (!Diags || !Cache || !diagnosticsFromJSON(*Diags, R.Errors)) {
    Error = "malformed result file " + Path.str();
    return false;
  }
  if (auto Failure = O->getString("failure")) {
    R.Failed = true;
    R.FailureReason = Failure->str();
  }
  R.Cache = *Cache == "hit"           ? CacheOutcome::Hit
            : *Cache == "miss"        ? CacheOutcome::Miss
            : *Cache == "uncacheable" ? CacheOutcome::Uncacheable
                                      : CacheOutcome::Off;
  return true;
}

int workerMain(StringRef JobFile, StringRef ResultFile) {
  Expected<json::Value> V = readJSONFile(JobFile);
  if (!V) {
    errs() << "taskleak: worker: " << toString(V.takeError()) << "\n";
    return 2;
  }
  Job J;
  if (!jobFromJSON(*V, J)) {
    errs() << "taskleak: worker: malformed job file " << JobFile << "\n";
    return 2;
  }
  const UnitResult R = analyseUnit(J);
  if (!writeResult(ResultFile, J, R))
    return 2;
  return 0;
}

Expected<json::Value> readJSONFile(StringRef Path) {
  auto Buffer = MemoryBuffer::getFile(Path, /*IsText=*/true);
  if (!Buffer)
    return createStringError(Buffer.getError(),
                             "cannot read " + Path + ": " +
                                 Buffer.getError().message());
  Expected<json::Value> V = json::parse((*Buffer)->getBuffer());
  if (!V)
    return createStringError(inconvertibleErrorCode(),
                             Path + ": " + toString(V.takeError()));
  return V;
}

} // namespace driver
} // namespace taskleak
