//===--- Diagnostics.cpp - clang-tidy diagnostics as JSON, merged --------===//
#include "tools/taskleak/Diagnostics.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <algorithm>
#include <limits>
#include <optional>
#include <tuple>

using namespace llvm;
using clang::tooling::DiagnosticMessage;
using clang::tooling::FileByteRange;
using clang::tooling::Replacement;

namespace taskleak {
namespace driver {

// --- Source files -----------------------------------------------------------

SourceFiles::File *SourceFiles::load(StringRef Path) {
  auto It = Files.find(Path);
  if (It != Files.end())
    return It->second.Buffer ? &It->second : nullptr;
  File &F = Files[Path];
  auto Buffer = MemoryBuffer::getFile(Path, /*IsText=*/false,
                                      /*RequiresNullTerminator=*/false);
  if (!Buffer)
    return nullptr;
  F.Buffer = std::move(*Buffer);
  const StringRef Text = F.Buffer->getBuffer();
  F.LineStarts.push_back(0);
  for (size_t I = 0; I < Text.size(); ++I)
    if (Text[I] == '\n')
      F.LineStarts.push_back(I + 1);
  return &F;
}

const MemoryBuffer *SourceFiles::get(StringRef Path) {
  File *F = load(Path);
  return F ? F->Buffer.get() : nullptr;
}

Position SourceFiles::position(StringRef Path, unsigned Offset) {
  File *F = load(Path);
  if (!F || Offset > F->Buffer->getBufferSize())
    return {};
  auto It =
      std::upper_bound(F->LineStarts.begin(), F->LineStarts.end(), Offset);
  const unsigned Line = It - F->LineStarts.begin();
  return {Line, Offset - F->LineStarts[Line - 1] + 1};
}

StringRef SourceFiles::lineText(StringRef Path, unsigned Line) {
  File *F = load(Path);
  if (!F || Line == 0 || Line > F->LineStarts.size())
    return "";
  const StringRef Text = F->Buffer->getBuffer();
  const size_t Begin = F->LineStarts[Line - 1];
  const size_t End =
      Line < F->LineStarts.size() ? F->LineStarts[Line] - 1 : Text.size();
  StringRef L = Text.slice(Begin, End);
  if (L.ends_with("\r"))
    L = L.drop_back();
  return L;
}

std::string absolutePath(StringRef Path, StringRef BuildDirectory) {
  SmallString<256> Abs;
  if (sys::path::is_absolute(Path) || BuildDirectory.empty()) {
    Abs = Path;
  } else {
    Abs = BuildDirectory;
    sys::path::append(Abs, Path);
  }
  sys::path::remove_dots(Abs, /*remove_dot_dot=*/true);
  return std::string(Abs.str());
}

// --- JSON -------------------------------------------------------------------

namespace {

const char *levelName(ClangTidyError::Level L) {
  switch (L) {
  case ClangTidyError::Error:
    return "error";
  case ClangTidyError::Remark:
    return "remark";
  case ClangTidyError::Warning:
    break;
  }
  return "warning";
}

json::Object messageToJSON(const DiagnosticMessage &M, StringRef BuildDir,
                           SourceFiles &Sources) {
  json::Object O{
      {"text", M.Message}, {"file", M.FilePath}, {"offset", M.FileOffset}};
  if (!M.FilePath.empty()) {
    const Position P =
        Sources.position(absolutePath(M.FilePath, BuildDir), M.FileOffset);
    if (P.Line) {
      O["line"] = P.Line;
      O["column"] = P.Column;
    }
  }
  json::Array Ranges;
  for (const FileByteRange &R : M.Ranges)
    Ranges.push_back(json::Object{
        {"file", R.FilePath}, {"offset", R.FileOffset}, {"length", R.Length}});
  if (!Ranges.empty())
    O["ranges"] = std::move(Ranges);
  // Replacements of every file, sorted by file for a deterministic order.
  std::vector<StringRef> FixFiles;
  for (const auto &Entry : M.Fix)
    FixFiles.push_back(Entry.getKey());
  llvm::sort(FixFiles);
  json::Array Fixes;
  for (const StringRef File : FixFiles)
    for (const Replacement &R : M.Fix.find(File)->second)
      Fixes.push_back(json::Object{{"file", R.getFilePath()},
                                   {"offset", R.getOffset()},
                                   {"length", R.getLength()},
                                   {"text", R.getReplacementText()}});
  if (!Fixes.empty())
    O["fixes"] = std::move(Fixes);
  return O;
}

/// An offset or length that fits the unsigned fields of clang's diagnostics.
bool inRange(std::optional<int64_t> V) {
  return V && *V >= 0 && *V <= std::numeric_limits<unsigned>::max();
}

bool messageFromJSON(const json::Value *V, DiagnosticMessage &M) {
  const json::Object *O = V ? V->getAsObject() : nullptr;
  if (!O)
    return false;
  auto Text = O->getString("text");
  auto File = O->getString("file");
  auto Offset = O->getInteger("offset");
  if (!Text || !File || !inRange(Offset))
    return false;
  M.Message = Text->str();
  M.FilePath = File->str();
  M.FileOffset = *Offset;
  if (const json::Array *Ranges = O->getArray("ranges"))
    for (const json::Value &RV : *Ranges) {
      const json::Object *R = RV.getAsObject();
      if (!R)
        return false;
      auto RFile = R->getString("file");
      auto ROffset = R->getInteger("offset");
      auto RLength = R->getInteger("length");
      if (!RFile || !inRange(ROffset) || !inRange(RLength))
        return false;
      FileByteRange Range;
      Range.FilePath = RFile->str();
      Range.FileOffset = *ROffset;
      Range.Length = *RLength;
      M.Ranges.push_back(std::move(Range));
    }
  if (const json::Array *Fixes = O->getArray("fixes"))
    for (const json::Value &FV : *Fixes) {
      const json::Object *F = FV.getAsObject();
      if (!F)
        return false;
      auto FFile = F->getString("file");
      auto FOffset = F->getInteger("offset");
      auto FLength = F->getInteger("length");
      auto FText = F->getString("text");
      if (!FFile || !inRange(FOffset) || !inRange(FLength) || !FText)
        return false;
      const Replacement R(*FFile, *FOffset, *FLength, *FText);
      if (llvm::Error E = M.Fix[*FFile].add(R)) {
        consumeError(std::move(E));
        return false;
      }
    }
  return true;
}

} // namespace

json::Array diagnosticsToJSON(const std::vector<ClangTidyError> &Errors,
                              SourceFiles &Sources) {
  json::Array Out;
  for (const ClangTidyError &E : Errors) {
    json::Array Notes;
    for (const DiagnosticMessage &N : E.Notes)
      Notes.push_back(messageToJSON(N, E.BuildDirectory, Sources));
    json::Object O{
        {"check", E.DiagnosticName},
        {"level", levelName(E.DiagLevel)},
        {"buildDirectory", E.BuildDirectory},
        {"message", messageToJSON(E.Message, E.BuildDirectory, Sources)},
        {"notes", std::move(Notes)}};
    if (E.IsWarningAsError)
      O["warningAsError"] = true;
    if (!E.EnabledDiagnosticAliases.empty())
      O["aliases"] = json::Array(E.EnabledDiagnosticAliases);
    Out.push_back(std::move(O));
  }
  return Out;
}

bool diagnosticsFromJSON(const json::Value &Value,
                         std::vector<ClangTidyError> &Errors) {
  const json::Array *A = Value.getAsArray();
  if (!A)
    return false;
  for (const json::Value &V : *A) {
    const json::Object *O = V.getAsObject();
    if (!O)
      return false;
    auto Check = O->getString("check");
    auto Level = O->getString("level");
    auto BuildDir = O->getString("buildDirectory");
    if (!Check || !Level || !BuildDir)
      return false;
    const ClangTidyError::Level L = *Level == "error" ? ClangTidyError::Error
                                    : *Level == "remark"
                                        ? ClangTidyError::Remark
                                        : ClangTidyError::Warning;
    ClangTidyError E(*Check, L, *BuildDir,
                     O->getBoolean("warningAsError").value_or(false));
    if (!messageFromJSON(O->get("message"), E.Message))
      return false;
    if (const json::Array *Notes = O->getArray("notes"))
      for (const json::Value &N : *Notes) {
        DiagnosticMessage M;
        if (!messageFromJSON(&N, M))
          return false;
        E.Notes.push_back(std::move(M));
      }
    if (const json::Array *Aliases = O->getArray("aliases"))
      for (const json::Value &AV : *Aliases)
        if (auto S = AV.getAsString())
          E.EnabledDiagnosticAliases.push_back(S->str());
    Errors.push_back(std::move(E));
  }
  return true;
}

// --- Real paths -------------------------------------------------------------

namespace {

class RealPaths {
public:
  /// \p Path itself, or its real path when that differs from the clean
  /// absolute spelling of \p Path.
  std::string get(StringRef Path, StringRef BuildDir) {
    if (Path.empty())
      return "";
    const std::string Abs = absolutePath(Path, BuildDir);
    auto [It, New] = Cache.try_emplace(Abs);
    if (New) {
      SmallString<256> Real;
      It->second = !sys::fs::real_path(Abs, Real) && Real.str() != Abs
                       ? std::string(Real.str())
                       : std::string();
    }
    if (!It->second.empty())
      return It->second;
    return Abs == Path || !sys::path::is_absolute(Path) ? Path.str() : Abs;
  }

  void apply(DiagnosticMessage &M, StringRef BuildDir) {
    M.FilePath = get(M.FilePath, BuildDir);
    for (FileByteRange &R : M.Ranges)
      R.FilePath = get(R.FilePath, BuildDir);
    if (M.Fix.empty())
      return;
    llvm::StringMap<clang::tooling::Replacements> Fix;
    for (const auto &FileFix : M.Fix)
      for (const Replacement &R : FileFix.getValue()) {
        const std::string P = get(R.getFilePath(), BuildDir);
        consumeError(Fix[P].add(Replacement(P, R.getOffset(), R.getLength(),
                                            R.getReplacementText())));
      }
    M.Fix = std::move(Fix);
  }

private:
  StringMap<std::string> Cache; ///< clean absolute path -> real path or ""
};

} // namespace

void useRealPaths(std::vector<ClangTidyError> &Errors) {
  RealPaths Paths;
  for (ClangTidyError &E : Errors) {
    Paths.apply(E.Message, E.BuildDirectory);
    for (DiagnosticMessage &N : E.Notes)
      Paths.apply(N, E.BuildDirectory);
  }
}

// --- Merging ----------------------------------------------------------------

namespace {

auto orderKey(const ClangTidyError &E) {
  return std::tie(E.Message.FilePath, E.Message.FileOffset, E.DiagnosticName,
                  E.Message.Message);
}

struct Interval {
  unsigned Begin, End;
};

bool overlaps(const Interval &A, const Interval &B) {
  if (A.Begin == A.End && B.Begin == B.End)
    return A.Begin == B.Begin; // two insertions at one place: order unknown
  if (A.Begin == A.End)
    return B.Begin < A.Begin && A.Begin < B.End;
  if (B.Begin == B.End)
    return A.Begin < B.Begin && B.Begin < A.End;
  return A.Begin < B.End && B.Begin < A.End;
}

} // namespace

std::vector<ClangTidyError>
mergeDiagnostics(std::vector<std::vector<ClangTidyError>> PerUnit) {
  if (PerUnit.size() == 1)
    return std::move(PerUnit.front()); // already merged by the engine
  // Sorted, the first TU's copy of equal diagnostics first (a stable sort).
  std::vector<ClangTidyError *> Order;
  for (std::vector<ClangTidyError> &Unit : PerUnit)
    for (ClangTidyError &E : Unit)
      Order.push_back(&E);
  std::vector<size_t> Index(Order.size());
  for (size_t I = 0; I < Index.size(); ++I)
    Index[I] = I;
  llvm::sort(Index, [&](size_t A, size_t B) {
    auto KA = orderKey(*Order[A]), KB = orderKey(*Order[B]);
    return KA < KB || (KA == KB && A < B);
  });
  std::vector<ClangTidyError> All;
  for (const size_t I : Index) {
    if (!All.empty() && orderKey(All.back()) == orderKey(*Order[I]))
      continue; // the same diagnostic, seen from another TU
    All.push_back(std::move(*Order[I]));
  }

  // Each TU's engine already withdrew its own overlapping fix-its; two TUs
  // may still propose overlapping edits of a shared header. The first
  // diagnostic (in output order) keeps its fix-it.
  StringMap<std::vector<Interval>> Accepted;
  for (ClangTidyError &E : All) {
    if (E.Message.Fix.empty())
      continue;
    bool Conflict = false;
    for (const auto &FileFix : E.Message.Fix) {
      const std::vector<Interval> &Taken = Accepted[FileFix.getKey()];
      for (const Replacement &R : FileFix.getValue()) {
        const Interval I{R.getOffset(), R.getOffset() + R.getLength()};
        for (const Interval &T : Taken)
          Conflict = Conflict || overlaps(I, T);
      }
    }
    if (Conflict) {
      E.Message.Fix.clear();
      E.Notes.emplace_back(
          "this fix will not be applied because it overlaps with another fix");
      continue;
    }
    for (const auto &FileFix : E.Message.Fix)
      for (const Replacement &R : FileFix.getValue())
        Accepted[FileFix.getKey()].push_back(
            {R.getOffset(), R.getOffset() + R.getLength()});
  }
  return All;
}

} // namespace driver
} // namespace taskleak
