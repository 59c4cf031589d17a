//===--- Cache.cpp - the result cache -------------------------------------===//
#include "tools/taskleak/Cache.h"
#include "taskleak/Version.h"

#include <utility>

#include "lib/Models.h"

#include "clang/Basic/SourceManager.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendAction.h"
#include "clang/Lex/PPCallbacks.h"
#include "clang/Lex/Preprocessor.h"
#include "clang/Tooling/ArgumentsAdjusters.h"
#include "clang/Tooling/Tooling.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/BLAKE3.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"

#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace clang;
using namespace clang::tidy;
using namespace llvm;

namespace taskleak {
namespace driver {

namespace {

/// Feeds \p S and a separator, so that ("ab","c") and ("a","bc") differ.
void feed(BLAKE3 &H, StringRef S) {
  H.update(std::to_string(S.size()));
  H.update(":");
  H.update(S);
}

void feedFile(BLAKE3 &H, StringRef Path) {
  feed(H, Path);
  if (auto Buffer = MemoryBuffer::getFile(Path, /*IsText=*/false,
                                          /*RequiresNullTerminator=*/false))
    feed(H, (*Buffer)->getBuffer());
  else
    feed(H, "<missing>");
}

/// Records the files the preprocessor enters, in order.
class EnteredFiles : public PPCallbacks {
public:
  explicit EnteredFiles(std::vector<FileID> &Files) : Files(Files) {}
  void LexedFileChanged(FileID FID, LexedFileChangeReason Reason,
                        SrcMgr::CharacteristicKind, FileID,
                        SourceLocation) override {
    if (Reason == LexedFileChangeReason::EnterFile && Seen.insert(FID).second)
      Files.push_back(FID);
  }

private:
  std::vector<FileID> &Files;
  DenseSet<FileID> Seen;
};

/// Preprocesses the TU, hashing its token stream and then the name and the
/// contents of every file it entered.
class HashingAction : public PreprocessorFrontendAction {
public:
  HashingAction(BLAKE3 &H, StringMap<uint64_t> &Sizes) : H(H), Sizes(Sizes) {}

protected:
  void ExecuteAction() override {
    const CompilerInstance &CI = getCompilerInstance();
    Preprocessor &PP = CI.getPreprocessor();
    const SourceManager &SM = CI.getSourceManager();
    std::vector<FileID> Files;
    PP.addPPCallbacks(std::make_unique<EnteredFiles>(Files));
    PP.EnterMainSourceFile();
    Token Tok;
    SmallString<256> Buffer;
    do {
      PP.Lex(Tok);
      H.update(StringRef(tok::getTokenName(Tok.getKind())));
      // Tokens made in scratch space (__TIME__, __DATE__, stringizing,
      // pasting) are left out: they follow from the files, which are hashed,
      // or would make every run a miss.
      if (!Tok.isAnnotation() && Tok.isNot(tok::eof) &&
          !SM.isWrittenInScratchSpace(SM.getSpellingLoc(Tok.getLocation()))) {
        bool Invalid = false;
        const StringRef Spelling = PP.getSpelling(Tok, Buffer, &Invalid);
        feed(H, Invalid ? StringRef("<invalid>") : Spelling);
      }
    } while (Tok.isNot(tok::eof));
    const FileID Main = SM.getMainFileID();
    if (std::find(Files.begin(), Files.end(), Main) == Files.end())
      Files.insert(Files.begin(), Main);
    for (const FileID FID : Files) {
      OptionalFileEntryRef FE = SM.getFileEntryRefForID(FID);
      feed(H, FE ? FE->getName() : StringRef("<buffer>"));
      bool Invalid = false;
      const StringRef Data = SM.getBufferData(FID, &Invalid);
      feed(H, Invalid ? StringRef("<invalid>") : Data);
      if (FE && !Invalid)
        recordFile(*FE, Data.size());
    }
  }

private:
  /// The file under the absolute path it was entered by (ClangTool runs in
  /// the compile command's directory) and under its real path.
  void recordFile(FileEntryRef FE, uint64_t Size) {
    SmallString<256> Current;
    (void)sys::fs::current_path(Current);
    Sizes[absolutePath(FE.getName(), Current)] = Size;
    const StringRef Real = FE.getFileEntry().tryGetRealPathName();
    if (!Real.empty())
      Sizes[absolutePath(Real, Current)] = Size;
  }

  BLAKE3 &H;
  StringMap<uint64_t> &Sizes;
};

class HashingActionFactory : public tooling::FrontendActionFactory {
public:
  HashingActionFactory(BLAKE3 &H, StringMap<uint64_t> &Sizes)
      : H(H), Sizes(Sizes) {}
  std::unique_ptr<FrontendAction> create() override {
    return std::make_unique<HashingAction>(H, Sizes);
  }

private:
  BLAKE3 &H;
  StringMap<uint64_t> &Sizes;
};

/// Counts errors and prints nothing: the analysis reports them, if any.
class SilentDiagnostics : public DiagnosticConsumer {};

constexpr StringRef FormatTag = "taskleak-cache-v2";
constexpr StringRef FormatDir = "v2";
constexpr uint64_t MaxEntrySize = 64 << 20;
const WriteOptions NoFollow{/*RequireWritable=*/false,
                            /*FollowSymlink=*/false};

std::string entryPath(StringRef Dir, StringRef Key) {
  SmallString<256> P(Dir);
  sys::path::append(P, FormatDir, Key.take_front(2), Key + ".json");
  return std::string(P.str());
}

/// Opens <Dir>/v2/<ab>/<key>.json for reading without following a symbolic
/// link below \p Dir and without blocking on a FIFO; -1 unless it is a
/// regular file of a sane size.
int openEntry(StringRef Dir, StringRef Key) {
  int At = ::open(Dir.str().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  const std::string Name = (Key + ".json").str();
  const std::string Sub = Key.take_front(2).str();
  for (const char *Component : {FormatDir.data(), Sub.c_str()}) {
    if (At < 0)
      return -1;
    const int Next = ::openat(At, Component,
                              O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    ::close(At);
    At = Next;
  }
  if (At < 0)
    return -1;
  const int FD = ::openat(At, Name.c_str(),
                          O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  ::close(At);
  struct stat St;
  if (FD >= 0 && (::fstat(FD, &St) != 0 || !S_ISREG(St.st_mode) ||
                  static_cast<uint64_t>(St.st_size) > MaxEntrySize)) {
    ::close(FD);
    return -1;
  }
  return FD;
}

/// A real directory (not a symbolic link) at \p Path, created if missing.
bool ensureDirectory(StringRef Path) {
  struct stat St;
  if (::lstat(Path.str().c_str(), &St) != 0 &&
      ::mkdir(Path.str().c_str(), 0777) != 0 && errno != EEXIST)
    return false;
  return ::lstat(Path.str().c_str(), &St) == 0 && S_ISDIR(St.st_mode);
}

/// A message lies in a file the TU entered, inside it.
bool validMessage(const tooling::DiagnosticMessage &M, StringRef BuildDir,
                  const StringMap<uint64_t> &Files) {
  auto Inside = [&](StringRef Path, uint64_t Offset, uint64_t Length) {
    auto It = Files.find(absolutePath(Path, BuildDir));
    return It != Files.end() && Offset <= It->second &&
           Length <= It->second - Offset;
  };
  if (M.FilePath.empty()) {
    if (!M.Ranges.empty() || !M.Fix.empty())
      return false;
  } else if (!Inside(M.FilePath, M.FileOffset, 0)) {
    return false;
  }
  for (const tooling::FileByteRange &R : M.Ranges)
    if (!Inside(R.FilePath, R.FileOffset, R.Length))
      return false;
  for (const auto &FileFix : M.Fix)
    for (const tooling::Replacement &R : FileFix.getValue())
      if (R.getFilePath() != FileFix.getKey() ||
          !Inside(R.getFilePath(), R.getOffset(), R.getLength()))
        return false;
  return true;
}

/// The diagnostics point only into the TU's own files, from one of its
/// compile command directories.
bool validDiagnostics(const std::vector<ClangTidyError> &Errors,
                      const CacheKey &Key, const Job &J) {
  StringSet<> Directories;
  for (const tooling::CompileCommand &C : J.Commands) {
    Directories.insert(C.Directory);
    SmallString<256> Real;
    if (!sys::fs::real_path(C.Directory, Real))
      Directories.insert(Real);
  }
  for (const ClangTidyError &E : Errors) {
    if (!Directories.contains(E.BuildDirectory))
      return false;
    if (!validMessage(E.Message, E.BuildDirectory, Key.Files))
      return false;
    for (const tooling::DiagnosticMessage &N : E.Notes)
      if (!validMessage(N, E.BuildDirectory, Key.Files))
        return false;
  }
  return true;
}

std::optional<std::string> readEntry(StringRef Dir, StringRef Key) {
  const int FD = openEntry(Dir, Key);
  if (FD < 0)
    return std::nullopt;
  std::string Text;
  char Buffer[65536];
  for (;;) {
    const ssize_t N = ::read(FD, Buffer, sizeof(Buffer));
    if (N < 0 && errno == EINTR)
      continue;
    if (N <= 0 || Text.size() + N > MaxEntrySize) {
      if (N != 0)
        Text.clear();
      break;
    }
    Text.append(Buffer, static_cast<size_t>(N));
  }
  // A hit renews the entry's modification time, so that entries no run has
  // used for a while can be found and deleted (docs/ci.md).
  if (!Text.empty())
    (void)::futimens(FD, nullptr);
  ::close(FD);
  if (Text.empty())
    return std::nullopt;
  return Text;
}

} // namespace

std::string toolIdentity(StringRef ExecutablePath) {
  BLAKE3 H;
  feed(H, "taskleak " TASKLEAK_VERSION_STRING);
  feed(H, "LLVM " LLVM_VERSION_STRING);
  feedFile(H, ExecutablePath);
  return toHex(H.final(), /*LowerCase=*/true);
}

std::optional<CacheKey>
computeCacheKey(const Job &J, ClangTidyContext &Context,
                const tooling::CompilationDatabase &DB,
                IntrusiveRefCntPtr<vfs::OverlayFileSystem> FS) {
  BLAKE3 H;
  feed(H, FormatTag);
  feed(H, J.ToolId);
  feed(H, J.File);
  feed(H, J.Fix ? "fix" : "no-fix");
  // Global options, not part of the file's configuration below: the line
  // filter decides which findings the entry holds.
  feed(H, J.LineFilter);
  feed(H, J.ExcludeHeaderFilter);
  const ClangTidyOptions Options = Context.getOptionsForFile(J.File);
  feed(H, configurationAsText(Options));
  // clang-tidy 19 takes some options (HeaderFilterRegex) from the
  // configuration of the working directory, not of the file.
  feed(H, configurationAsText(Context.getOptionsForFile("")));
  // The model files that can apply: a ModelFile option (relative ones are
  // relative to the compile command's directory, where the checks run), and
  // the nearest .taskleak.yaml.
  for (const auto &Option : Options.CheckOptions) {
    const StringRef Name = Option.getKey();
    if (Name != "ModelFile" && !Name.ends_with(".ModelFile"))
      continue;
    const StringRef Value = Option.getValue().Value;
    if (Value.empty())
      continue;
    if (sys::path::is_absolute(Value)) {
      feedFile(H, Value);
      continue;
    }
    for (const tooling::CompileCommand &C : J.Commands) {
      SmallString<256> P(C.Directory);
      sys::path::append(P, Value);
      feedFile(H, P);
    }
  }
  const std::string Nearest = findModelFile(J.File);
  feedFile(H, Nearest.empty() ? StringRef("<no .taskleak.yaml>") : Nearest);
  for (const tooling::CompileCommand &C : J.Commands)
    feed(H, C.Directory);

  // The same argument adjustments as clang-tidy's runClangTidy: ExtraArgs of
  // the file's options, no plugins. The last adjuster sees the final command.
  tooling::ClangTool Tool(
      DB, {J.File}, std::make_shared<PCHContainerOperations>(), std::move(FS));
  Tool.appendArgumentsAdjuster(
      [&Context](const tooling::CommandLineArguments &Args, StringRef File) {
        ClangTidyOptions Opts = Context.getOptionsForFile(File);
        tooling::CommandLineArguments Adjusted = Args;
        if (Opts.ExtraArgsBefore) {
          auto I = Adjusted.begin();
          if (I != Adjusted.end() && !StringRef(*I).starts_with("-"))
            ++I; // the compiler
          Adjusted.insert(I, Opts.ExtraArgsBefore->begin(),
                          Opts.ExtraArgsBefore->end());
        }
        if (Opts.ExtraArgs)
          Adjusted.insert(Adjusted.end(), Opts.ExtraArgs->begin(),
                          Opts.ExtraArgs->end());
        return Adjusted;
      });
  Tool.appendArgumentsAdjuster(tooling::getStripPluginsAdjuster());
  Tool.appendArgumentsAdjuster(
      [&H](const tooling::CommandLineArguments &Args, StringRef) {
        for (const std::string &A : Args)
          feed(H, A);
        return Args;
      });
  SilentDiagnostics Silent;
  Tool.setDiagnosticConsumer(&Silent);
  Tool.setPrintErrorMessage(false);
  CacheKey Result;
  HashingActionFactory Factory(H, Result.Files);
  if (Tool.run(&Factory) != 0)
    return std::nullopt;
  Result.Key = toHex(H.final(), /*LowerCase=*/true);
  return Result;
}

Error prepareCacheDir(StringRef Dir) {
  auto Unusable = [&](std::error_code EC) {
    return createStringError(EC, "cannot use the cache directory " + Dir +
                                     ": " + EC.message());
  };
  if (std::error_code EC = sys::fs::create_directories(Dir))
    return Unusable(EC);
  if (::access(Dir.str().c_str(), W_OK | X_OK) != 0)
    return Unusable(std::error_code(errno, std::generic_category()));
  // Marks the directory as a cache for backup tools and keeps it out of Git.
  SmallString<256> Tag(Dir);
  sys::path::append(Tag, "CACHEDIR.TAG");
  if (sys::fs::exists(Tag))
    return Error::success();
  if (Error E =
          writeFileAtomically(Tag,
                              "Signature: 8a477f597d28d172789f06886806bc55\n"
                              "# This directory is taskleak's result cache "
                              "(taskleak --no-cache to do without).\n",
                              NoFollow)) {
    const std::error_code EC = errorToErrorCode(std::move(E));
    return Unusable(EC);
  }
  SmallString<256> Ignore(Dir);
  sys::path::append(Ignore, ".gitignore");
  consumeError(writeFileAtomically(Ignore, "*\n", NoFollow));
  return Error::success();
}

bool cacheLookup(StringRef Dir, const CacheKey &Key, const Job &J,
                 std::vector<ClangTidyError> &Errors) {
  std::optional<std::string> Text = readEntry(Dir, Key.Key);
  if (!Text)
    return false;
  Expected<json::Value> V = json::parse(*Text);
  if (!V) {
    consumeError(V.takeError());
    return false;
  }
  const json::Object *O = V->getAsObject();
  if (!O || O->getString("format") != FormatTag ||
      O->getString("file") != StringRef(J.File) ||
      O->getString("key") != StringRef(Key.Key))
    return false;
  const json::Value *Diags = O->get("diagnostics");
  std::vector<ClangTidyError> Read;
  if (!Diags || !diagnosticsFromJSON(*Diags, Read) ||
      !validDiagnostics(Read, Key, J))
    return false; // a damaged or foreign entry is a miss, and is overwritten
  Errors = std::move(Read);
  return true;
}

void cacheStore(StringRef Dir, const CacheKey &Key, const Job &J,
                const std::vector<ClangTidyError> &Errors) {
  // What a lookup would refuse is not stored (it would be a miss anyway).
  if (!validDiagnostics(Errors, Key, J))
    return;
  SmallString<256> Sub(Dir);
  sys::path::append(Sub, FormatDir);
  if (!ensureDirectory(Sub))
    return;
  sys::path::append(Sub, StringRef(Key.Key).take_front(2));
  if (!ensureDirectory(Sub))
    return;
  SourceFiles Sources;
  json::Object O{{"format", FormatTag},
                 {"file", J.File},
                 {"key", Key.Key},
                 {"diagnostics", diagnosticsToJSON(Errors, Sources)}};
  std::string Text;
  raw_string_ostream OS(Text);
  OS << formatv("{0:2}", json::Value(std::move(O))) << "\n";
  OS.flush();
  // A failed store is a later miss.
  consumeError(writeFileAtomically(entryPath(Dir, Key.Key), Text, NoFollow));
}

} // namespace driver
} // namespace taskleak
