//===--- Cache.cpp - the result cache -------------------------------------===//
#include "tools/taskleak/Cache.h"

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
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/BLAKE3.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"

using namespace clang;
using namespace clang::tidy;
using namespace llvm;

#ifndef TASKLEAK_VERSION
#define TASKLEAK_VERSION "unknown"
#endif

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
  explicit HashingAction(BLAKE3 &H) : H(H) {}

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
    }
  }

private:
  BLAKE3 &H;
};

class HashingActionFactory : public tooling::FrontendActionFactory {
public:
  explicit HashingActionFactory(BLAKE3 &H) : H(H) {}
  std::unique_ptr<FrontendAction> create() override {
    return std::make_unique<HashingAction>(H);
  }

private:
  BLAKE3 &H;
};

/// Counts errors and prints nothing: the analysis reports them, if any.
class SilentDiagnostics : public DiagnosticConsumer {};

std::string entryPath(StringRef Dir, StringRef Key) {
  SmallString<256> P(Dir);
  sys::path::append(P, "v1", Key.take_front(2), Key + ".json");
  return std::string(P.str());
}

/// Marks \p Dir as a cache for backup tools and keeps it out of Git.
void initCacheDir(StringRef Dir) {
  SmallString<256> Tag(Dir);
  sys::path::append(Tag, "CACHEDIR.TAG");
  if (sys::fs::exists(Tag))
    return;
  // Best effort: the cache works without these two files.
  (void)sys::fs::create_directories(Dir);
  consumeError(writeFileAtomically(Tag, "Signature: 8a477f597d28d172789f06886806bc55\n"
                                 "# This directory is taskleak's result cache "
                                 "(taskleak --no-cache to do without).\n"));
  SmallString<256> Ignore(Dir);
  sys::path::append(Ignore, ".gitignore");
  consumeError(writeFileAtomically(Ignore, "*\n"));
}

} // namespace

std::string toolIdentity(StringRef ExecutablePath) {
  BLAKE3 H;
  feed(H, "taskleak " TASKLEAK_VERSION);
  feed(H, "LLVM " LLVM_VERSION_STRING);
  feedFile(H, ExecutablePath);
  return toHex(H.final(), /*LowerCase=*/true);
}

std::optional<std::string>
computeCacheKey(const Job &J, ClangTidyContext &Context,
                const tooling::CompilationDatabase &DB,
                IntrusiveRefCntPtr<vfs::OverlayFileSystem> FS) {
  BLAKE3 H;
  feed(H, "taskleak-cache-v1");
  feed(H, J.ToolId);
  feed(H, J.File);
  feed(H, J.Fix ? "fix" : "no-fix");
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
  HashingActionFactory Factory(H);
  if (Tool.run(&Factory) != 0)
    return std::nullopt;
  return toHex(H.final(), /*LowerCase=*/true);
}

bool cacheLookup(StringRef Dir, StringRef Key,
                 std::vector<ClangTidyError> &Errors) {
  const std::string Path = entryPath(Dir, Key);
  Expected<json::Value> V = readJSONFile(Path);
  if (!V) {
    consumeError(V.takeError());
    return false;
  }
  const json::Object *O = V->getAsObject();
  const json::Value *Diags = O ? O->get("diagnostics") : nullptr;
  std::vector<ClangTidyError> Read;
  if (!Diags || !diagnosticsFromJSON(*Diags, Read))
    return false; // a damaged entry is a miss, and is overwritten
  Errors = std::move(Read);
  // A hit renews the entry's modification time, so that entries no run has
  // used for a while can be found and deleted (docs/ci.md).
  int FD;
  if (!sys::fs::openFileForWrite(Path, FD, sys::fs::CD_OpenExisting,
                                 sys::fs::OF_Append)) {
    (void)sys::fs::setLastAccessAndModificationTime(
        FD, sys::toTimePoint(time(nullptr)));
    (void)sys::Process::SafelyCloseFileDescriptor(FD);
  }
  return true;
}

void cacheStore(StringRef Dir, StringRef Key,
                const std::vector<ClangTidyError> &Errors) {
  initCacheDir(Dir);
  const std::string Path = entryPath(Dir, Key);
  if (sys::fs::create_directories(sys::path::parent_path(Path)))
    return;
  SourceFiles Sources;
  json::Object O{{"diagnostics", diagnosticsToJSON(Errors, Sources)}};
  std::string Text;
  raw_string_ostream OS(Text);
  OS << formatv("{0:2}", json::Value(std::move(O))) << "\n";
  OS.flush();
  consumeError(writeFileAtomically(Path, Text)); // a failed store: a later miss
}

} // namespace driver
} // namespace taskleak
