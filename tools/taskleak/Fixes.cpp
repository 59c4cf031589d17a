//===--- Fixes.cpp - print the diagnostics and apply their fixes ----------===//
#include "tools/taskleak/Fixes.h"
#include "lib/LLVMCompat.h"
#include "tools/taskleak/AtomicFile.h"

#include "clang-tidy/ClangTidy.h"
#include "clang/Basic/Diagnostic.h"
#include "clang/Basic/DiagnosticOptions.h"
#include "clang/Basic/FileManager.h"
#include "clang/Basic/LangOptions.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Format/Format.h"
#include "clang/Rewrite/Core/Rewriter.h"
#include "clang/Tooling/Core/Replacement.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <optional>

using namespace clang;
using namespace clang::tidy;
using namespace llvm;

namespace taskleak {
namespace driver {

namespace {

/// The text of clang's note_fixit_applied / note_fixit_failed.
constexpr StringRef FixApplied = "FIX-IT applied suggested code changes";
constexpr StringRef FixFailed = "FIX-IT unable to apply suggested code changes";

struct FileEdits {
  std::string BuildDir;
  tooling::Replacements Replaces;
};

/// The replacements of a run, chosen and merged as clang-tidy's reporter
/// does, and the FIX-IT notes that show them.
struct ChosenFixes {
  StringMap<FileEdits> Files; ///< by absolute path
  std::vector<std::vector<tooling::DiagnosticMessage>> Notes; ///< per error
  unsigned Total = 0;
  unsigned Applied = 0;
};

/// \p Path made absolute against \p BuildDir, as clang's FileManager makes
/// it (no dots removed: the name must match the one clang-tidy prints).
std::string absoluteIn(StringRef Path, StringRef BuildDir) {
  SmallString<256> P(Path);
  if (!sys::path::is_absolute(P)) {
    SmallString<256> Dir(BuildDir);
    if (Dir.empty())
      (void)sys::fs::current_path(Dir);
    sys::path::append(Dir, P);
    P = Dir;
  }
  return std::string(P.str());
}

/// Adds \p R to \p Edits; on a conflict, shifts it past the edits already
/// there when its length survives, as clang-tidy does. True when it was added.
bool addReplacement(tooling::Replacements &Edits, tooling::Replacement R) {
  Error Err = Edits.add(R);
  if (!Err)
    return true;
  errs() << "Trying to resolve conflict: " << toString(std::move(Err)) << "\n";
  const unsigned NewOffset = Edits.getShiftedCodePosition(R.getOffset());
  const unsigned NewLength =
      Edits.getShiftedCodePosition(R.getOffset() + R.getLength()) - NewOffset;
  if (NewLength != R.getLength()) {
    errs() << "Can't resolve conflict, skipping the replacement.\n";
    return false;
  }
  R = tooling::Replacement(R.getFilePath(), NewOffset, NewLength,
                           R.getReplacementText());
  Edits = Edits.merge(tooling::Replacements(R));
  return true;
}

ChosenFixes chooseFixes(const std::vector<ClangTidyError> &Errors) {
  ChosenFixes C;
  C.Notes.resize(Errors.size());
  for (size_t I = 0; I < Errors.size(); ++I) {
    const ClangTidyError &E = Errors[I];
    const StringMap<tooling::Replacements> *Fix = getFixIt(E, /*AnyFix=*/false);
    if (!Fix)
      continue;
    for (const auto &FileAndEdits : *Fix)
      for (const tooling::Replacement &Repl : FileAndEdits.second) {
        ++C.Total;
        if (!Repl.isApplicable())
          continue;
        const std::string Path =
            absoluteIn(Repl.getFilePath(), E.BuildDirectory);
        FileEdits &Entry = C.Files[Path];
        const bool Added = addReplacement(
            Entry.Replaces,
            tooling::Replacement(Path, Repl.getOffset(), Repl.getLength(),
                                 Repl.getReplacementText()));
        C.Applied += Added;
        tooling::DiagnosticMessage Note;
        Note.Message = (Added ? FixApplied : FixFailed).str();
        Note.FilePath = Path;
        Note.FileOffset = Repl.getOffset();
        C.Notes[I].push_back(std::move(Note));
        Entry.BuildDir = E.BuildDirectory;
      }
  }
  return C;
}

/// The fixed contents of \p File, as clang-tidy computes them (cleanup and
/// formatting with the file's FormatStyle); nothing when the file is
/// unchanged or cannot be fixed (the reason is printed).
std::optional<std::string>
fixedContents(StringRef File, const tooling::Replacements &Edits,
              ClangTidyContext &Context,
              const IntrusiveRefCntPtr<vfs::FileSystem> &FS, bool &Failed) {
  ErrorOr<std::unique_ptr<MemoryBuffer>> Buffer = FS->getBufferForFile(File);
  if (!Buffer) {
    errs() << "Can't get buffer for file " << File << ": "
           << Buffer.getError().message() << "\n";
    Failed = true;
    return std::nullopt;
  }
  const StringRef Code = (*Buffer)->getBuffer();
  for (const tooling::Replacement &R : Edits)
    if (R.getOffset() > Code.size() ||
        R.getLength() > Code.size() - R.getOffset()) {
      errs() << "Can't apply replacements for file " << File
             << ": an edit lies outside the file\n";
      Failed = true;
      return std::nullopt;
    }
  Expected<format::FormatStyle> Style = format::getStyle(
      *Context.getOptionsForFile(File).FormatStyle, File, "none");
  if (!Style) {
    errs() << toString(Style.takeError()) << "\n";
    return std::nullopt;
  }
  Expected<tooling::Replacements> Cleaned =
      format::cleanupAroundReplacements(Code, Edits, *Style);
  if (!Cleaned) {
    errs() << toString(Cleaned.takeError()) << "\n";
    return std::nullopt;
  }
  tooling::Replacements Final = std::move(*Cleaned);
  if (Expected<tooling::Replacements> Formatted =
          format::formatReplacements(Code, Final, *Style))
    Final = std::move(*Formatted);
  else
    errs() << toString(Formatted.takeError()) << ". Skipping formatting.\n";

  // A Rewriter over the file, as clang-tidy's, so that an edit that cannot
  // be applied is skipped the same way.
  IgnoringDiagConsumer Ignore;
  compat::Diagnostics DiagsHolder(&Ignore);
  DiagnosticsEngine &Diags = DiagsHolder.engine();
  FileManager Files(FileSystemOptions(), FS);
  SourceManager SM(Diags, Files);
  const LangOptions LangOpts;
  Rewriter Rewrite(SM, LangOpts);
  if (!tooling::applyAllReplacements(Final, Rewrite))
    errs() << "Can't apply replacements for file " << File << "\n";
  for (auto I = Rewrite.buffer_begin(); I != Rewrite.buffer_end(); ++I) {
    std::string Text;
    raw_string_ostream OS(Text);
    I->second.write(OS);
    OS.flush();
    if (Text != Code)
      return Text;
  }
  return std::nullopt;
}

/// Writes every fixed file to a temporary file, and renames them over the
/// originals only when all were written. False (each error printed) when a
/// file could not be fixed.
bool writeFixedFiles(const ChosenFixes &C, ClangTidyContext &Context,
                     const IntrusiveRefCntPtr<vfs::FileSystem> &FS) {
  bool Failed = false;
  std::vector<AtomicFile> Pending;
  for (const auto &Entry : C.Files) {
    std::optional<std::string> Text = fixedContents(
        Entry.first(), Entry.second.Replaces, Context, FS, Failed);
    if (!Text)
      continue;
    Expected<AtomicFile> F =
        AtomicFile::create(Entry.first(), {/*RequireWritable=*/true});
    Error E = F ? F->write(*Text) : F.takeError();
    if (E) {
      errs() << "taskleak: " << toString(std::move(E)) << "\n";
      Failed = true;
      continue;
    }
    Pending.push_back(std::move(*F));
  }
  if (Failed) {
    errs() << "taskleak: not applying fixes: no file was changed\n";
    return false; // the destructors remove the temporary files
  }
  for (AtomicFile &F : Pending)
    if (Error E = F.commit()) {
      errs() << "taskleak: " << toString(std::move(E)) << "\n";
      Failed = true;
    }
  return !Failed;
}

} // namespace

bool printAndFix(const std::vector<ClangTidyError> &Errors,
                 ClangTidyContext &Context, bool ApplyFixes,
                 const IntrusiveRefCntPtr<vfs::FileSystem> &FS) {
  unsigned WarningsAsErrors = 0;
  if (!ApplyFixes) {
    handleErrors(Errors, Context, FB_NoFix, WarningsAsErrors, FS);
    return true;
  }
  const ChosenFixes C = chooseFixes(Errors);
  // clang-tidy reports each edit by a note right after its diagnostic.
  std::vector<ClangTidyError> Shown = Errors;
  for (size_t I = 0; I < Shown.size(); ++I) {
    if (C.Notes[I].empty())
      continue; // (SmallVector::insert of nothing self-moves its elements)
    SmallVector<tooling::DiagnosticMessage, 1> Notes(C.Notes[I].begin(),
                                                     C.Notes[I].end());
    Notes.append(Errors[I].Notes.begin(), Errors[I].Notes.end());
    Shown[I].Notes = std::move(Notes);
  }
  handleErrors(Shown, Context, FB_NoFix, WarningsAsErrors, FS);
  if (C.Total == 0)
    return true;
  if (!writeFixedFiles(C, Context, FS))
    return false;
  errs() << "taskleak applied " << C.Applied << " of " << C.Total
         << " suggested fixes.\n";
  return true;
}

} // namespace driver
} // namespace taskleak
