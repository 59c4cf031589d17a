//===--- Models.cpp - built-in library models and model lookup -------------===//
#include "lib/Models.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdlib>
#include <memory>
#include <mutex>

namespace taskleak {

std::string ModelError::str() const {
  std::string S;
  llvm::raw_string_ostream OS(S);
  OS << File << ':' << Line << ':' << Column << ": error: " << Message;
  return OS.str();
}

void ModelSet::append(const ModelSet &O) {
  auto Add = [](auto &To, const auto &From) {
    To.insert(To.end(), From.begin(), From.end());
  };
  Add(Spawns, O.Spawns);
  Add(Channels, O.Channels);
  Add(WaitGroups, O.WaitGroups);
  Add(BlockingWaits, O.BlockingWaits);
  Add(CancellationPoints, O.CancellationPoints);
  Add(StopTokenTypes, O.StopTokenTypes);
  Add(StopTokens, O.StopTokens);
  Add(ThreadClasses, O.ThreadClasses);
  Add(ReferenceWrappers, O.ReferenceWrappers);
  Add(Handles, O.Handles);
  Add(CallableAdapters, O.CallableAdapters);
  Add(SpawnFactories, O.SpawnFactories);
  Add(UncancellableAwaits, O.UncancellableAwaits);
  Add(StopQueries, O.StopQueries);
  Add(BlockingDestructors, O.BlockingDestructors);
  Add(OpaqueNamespaces, O.OpaqueNamespaces);
  Add(MoveFunctions, O.MoveFunctions);
  Add(ObjectAccessors, O.ObjectAccessors);
  Add(ForEachAlgorithms, O.ForEachAlgorithms);
  Add(FixedSizeArrays, O.FixedSizeArrays);
  Add(AtomicFlags, O.AtomicFlags);
  Add(BlockingFunctions, O.BlockingFunctions);
  Add(JoinFunctions, O.JoinFunctions);
  Add(ProcessExits, O.ProcessExits);
  Add(DetachFunctions, O.DetachFunctions);
  Add(StopTokenWaits, O.StopTokenWaits);
  Add(Sleeps, O.Sleeps);
  Add(ConditionVariables, O.ConditionVariables);
  Add(Mutexes, O.Mutexes);
  Add(LockGuards, O.LockGuards);
  Add(CompletionTokens, O.CompletionTokens);
  if (!O.SourceFile.empty())
    SourceFile = O.SourceFile;
}

// lib/models/builtin.taskleak.yaml as a string literal (lib/CMakeLists.txt).
static const char BuiltinModelText[] =
#include "builtin.taskleak.yaml.inc"
    ;

const char *builtinModelText() { return BuiltinModelText; }

static ModelSet parseBuiltins() {
  ModelSet M;
  ModelError Err;
  if (!parseModelYAML(BuiltinModelText, "lib/models/builtin.taskleak.yaml", M,
                      Err)) {
    // The file is tested (test/unit/ModelsTest.cpp): a broken one never ships.
    llvm::errs() << Err.str() << "\n";
    std::abort();
  }
  M.SourceFile.clear();
  return M;
}

std::shared_ptr<const ModelSet> ModelSet::sharedBuiltins() {
  static const std::shared_ptr<const ModelSet> B =
      std::make_shared<const ModelSet>(parseBuiltins());
  return B;
}

const ModelSet &ModelSet::builtins() { return *sharedBuiltins(); }

std::string findModelFile(const std::string &SourceFile) {
  llvm::SmallString<256> Dir(SourceFile);
  llvm::sys::fs::make_absolute(Dir);
  llvm::sys::path::remove_filename(Dir);
  while (!Dir.empty()) {
    llvm::SmallString<256> Candidate(Dir);
    llvm::sys::path::append(Candidate, ".taskleak.yaml");
    // Anything of that name is the model: a directory or a dangling symbolic
    // link is an error (modelsFor), never skipped for a parent's model.
    llvm::sys::fs::file_status Status;
    if (!llvm::sys::fs::status(Candidate, Status, /*Follow=*/false) &&
        Status.type() != llvm::sys::fs::file_type::file_not_found)
      return std::string(Candidate.str());
    llvm::StringRef Parent = llvm::sys::path::parent_path(Dir);
    if (Parent == Dir)
      break;
    Dir.truncate(Parent.size()); // a prefix of Dir: no aliasing copy
  }
  return {};
}

namespace {
struct CacheEntry {
  llvm::sys::TimePoint<> MTime;
  uint64_t Size = 0;
  std::shared_ptr<const ModelSet> Models; // null when the file is invalid
  ModelError Error;
};
} // namespace

/// The working directory when the process (or the plugin) started: a
/// relative model file given on the command line or in a .clang-tidy is meant
/// from there, not from the directory of each compile command.
static const std::string &initialDirectory() {
  static const std::string Dir = [] {
    llvm::SmallString<256> D;
    llvm::sys::fs::current_path(D);
    return std::string(D.str());
  }();
  return Dir;
}
// Recorded when the library is loaded, before any compile command runs.
static const std::string &InitialDirectoryAtLoad = initialDirectory();

/// Why \p Path cannot be read as a model file, or an empty string.
static std::string unusableModelFile(const std::string &Path,
                                     llvm::sys::fs::file_status &Status) {
  namespace fs = llvm::sys::fs;
  if (!fs::status(Path, Status)) {
    if (fs::is_directory(Status))
      return "model file is a directory, not a file";
    if (!fs::is_regular_file(Status))
      return "model file is not a regular file";
    return {};
  }
  fs::file_status Link;
  if (!fs::status(Path, Link, /*Follow=*/false) && fs::is_symlink_file(Link))
    return "model file is a symbolic link to a file that does not exist";
  return "model file does not exist";
}

std::shared_ptr<const ModelSet> modelsFor(const std::string &MainFile,
                                          const std::string &ExplicitFile,
                                          ModelError &Err) {
  std::string Path = ExplicitFile.empty() ? findModelFile(MainFile) : ExplicitFile;
  if (!ExplicitFile.empty() && !llvm::sys::path::is_absolute(Path)) {
    llvm::SmallString<256> Abs(initialDirectory());
    llvm::sys::path::append(Abs, Path);
    Path = std::string(Abs.str());
  }
  if (Path.empty())
    return ModelSet::sharedBuiltins();

  static std::mutex Mu;
  static llvm::StringMap<CacheEntry> Cache;
  std::lock_guard<std::mutex> Lock(Mu);

  llvm::sys::fs::file_status Status;
  std::string Unusable = unusableModelFile(Path, Status);
  if (!Unusable.empty()) {
    Err = ModelError{Path, 1, 1, Unusable};
    return nullptr;
  }
  CacheEntry &E = Cache[Path];
  bool Loaded = E.Models || !E.Error.Message.empty();
  if (Loaded && E.MTime == Status.getLastModificationTime() &&
      E.Size == Status.getSize()) {
    if (!E.Models)
      Err = E.Error;
    return E.Models; // shared: a later reload does not free it under a caller
  }
  E.MTime = Status.getLastModificationTime();
  E.Size = Status.getSize();
  ModelSet User;
  if (!loadModelFile(Path, User, E.Error)) {
    E.Models.reset();
    Err = E.Error;
    return nullptr;
  }
  E.Error = ModelError{};
  auto All = std::make_shared<ModelSet>(ModelSet::builtins());
  All->append(User);
  E.Models = std::move(All);
  return E.Models;
}

static void defaultHandler(const ModelError &Err) {
  llvm::errs() << Err.str() << "\n";
  llvm::errs().flush();
  std::exit(2);
}

static ModelErrorHandler Handler = defaultHandler;

void setModelErrorHandler(ModelErrorHandler H) {
  Handler = H ? H : defaultHandler;
}

void reportModelError(const ModelError &Err) { Handler(Err); }

} // namespace taskleak
