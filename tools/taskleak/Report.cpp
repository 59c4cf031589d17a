//===--- Report.cpp - findings with positions, fingerprints, JSON, SARIF --===//
#include "tools/taskleak/Report.h"
#include "checks/Manifest.h"
#include "taskleak/Version.h"
#include "tools/taskleak/Worker.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/BLAKE3.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"

using namespace llvm;
using clang::tooling::DiagnosticMessage;
using clang::tooling::Replacement;

// Set with -DTASKLEAK_INFORMATION_URI=... / -DTASKLEAK_CHECK_DOCS_URI=... at
// configure time (tools/taskleak/CMakeLists.txt); empty: not in the SARIF.
#ifndef TASKLEAK_INFORMATION_URI
#define TASKLEAK_INFORMATION_URI ""
#endif
#ifndef TASKLEAK_CHECK_DOCS_URI
#define TASKLEAK_CHECK_DOCS_URI ""
#endif

namespace taskleak {
namespace driver {

namespace {

struct CheckDoc {
  const char *Name;
  const char *Markdown;
};
// docs/checks/<name>.md of every check, embedded at build time.
const CheckDoc CheckDocs[] = {
#include "CheckDocs.inc"
    {nullptr, nullptr}};

StringRef docOf(StringRef Check) {
  for (const CheckDoc &D : CheckDocs)
    if (D.Name && Check == D.Name)
      return D.Markdown;
  return "";
}

bool isIdentChar(char C) { return isAlnum(C) || C == '_'; }

/// The byte offset just after the token at \p Offset: an identifier or
/// keyword, else one character.
unsigned tokenEnd(const MemoryBuffer *Buffer, unsigned Offset) {
  const StringRef Text = Buffer->getBuffer();
  if (Offset >= Text.size() || Text[Offset] == '\n' || Text[Offset] == '\r')
    return Offset;
  unsigned End = Offset;
  if (isIdentChar(Text[End])) {
    while (End < Text.size() && isIdentChar(Text[End]))
      ++End;
    return End;
  }
  return Offset + 1;
}

std::string relativeTo(StringRef Path, StringRef Root, bool &Inside) {
  Inside = false;
  if (Root.empty() || Path.empty())
    return Path.str();
  SmallString<256> Prefix(Root);
  if (!Prefix.ends_with("/"))
    Prefix += '/';
  if (!Path.starts_with(Prefix))
    return Path.str();
  Inside = true;
  return Path.drop_front(Prefix.size()).str();
}

std::string normalizedLine(StringRef Line) {
  std::string Out;
  for (const char C : Line)
    if (!isSpace(C))
      Out += C;
  return Out;
}

/// 1-based column in UTF-16 code units (SARIF's default column kind) of the
/// 1-based byte column \p ByteColumn of \p Line.
unsigned utf16Column(StringRef Line, unsigned ByteColumn) {
  if (ByteColumn == 0)
    return 0;
  unsigned Units = 0;
  for (unsigned I = 0; I + 1 < ByteColumn; ++I) {
    const unsigned char C = I < Line.size() ? Line[I] : ' ';
    if ((C & 0xC0) == 0x80)
      continue; // a continuation byte
    Units += C >= 0xF0 ? 2 : 1;
  }
  return Units + 1;
}

std::string percentEncode(StringRef Path) {
  std::string Out;
  for (unsigned char C : Path) {
    const char Ch = static_cast<char>(C);
    if (isAlnum(Ch) || StringRef("-._~/").contains(Ch))
      Out += Ch;
    else
      Out += "%" + toHex(StringRef(reinterpret_cast<const char *>(&C), 1));
  }
  return Out;
}

json::Array fixesJSON(const ClangTidyError &E) {
  json::Array Fixes;
  std::vector<StringRef> Files;
  for (const auto &Entry : E.Message.Fix)
    Files.push_back(Entry.getKey());
  llvm::sort(Files);
  for (const StringRef File : Files)
    for (const Replacement &R : E.Message.Fix.find(File)->second)
      Fixes.push_back(json::Object{
          {"file", absolutePath(R.getFilePath(), E.BuildDirectory)},
          {"offset", R.getOffset()},
          {"length", R.getLength()},
          {"text", R.getReplacementText()}});
  return Fixes;
}

} // namespace

StringRef taskleakVersion() { return TASKLEAK_VERSION_STRING; }

std::vector<Finding> makeFindings(const std::vector<ClangTidyError> &Errors,
                                  StringRef Root, SourceFiles &Sources) {
  std::vector<Finding> Out;
  StringMap<unsigned> Occurrences;
  for (const ClangTidyError &E : Errors) {
    Finding F;
    F.Error = &E;
    F.IsCompilerError = E.DiagLevel == ClangTidyError::Error ||
                        E.DiagnosticName == "clang-tidy-config";
    const DiagnosticMessage &M = E.Message;
    if (!M.FilePath.empty()) {
      F.File = absolutePath(M.FilePath, E.BuildDirectory);
      F.RelPath = relativeTo(F.File, Root, F.InRoot);
      F.Offset = F.EndOffset = M.FileOffset;
      F.Start = Sources.position(F.File, M.FileOffset);
      for (const auto &R : M.Ranges)
        if (absolutePath(R.FilePath, E.BuildDirectory) == F.File &&
            R.FileOffset == M.FileOffset && R.Length > 0)
          F.EndOffset = R.FileOffset + R.Length;
      if (F.EndOffset == F.Offset)
        if (const MemoryBuffer *B = Sources.get(F.File))
          F.EndOffset = tokenEnd(B, F.Offset);
      F.End = Sources.position(F.File, F.EndOffset);
    }
    for (const DiagnosticMessage &N : E.Notes) {
      NoteLocation L;
      L.Message = N.Message;
      if (!N.FilePath.empty()) {
        L.File = absolutePath(N.FilePath, E.BuildDirectory);
        L.Offset = N.FileOffset;
        L.Start = Sources.position(L.File, N.FileOffset);
      }
      F.Notes.push_back(std::move(L));
    }
    const std::string Line = normalizedLine(
        F.Start.Line ? Sources.lineText(F.File, F.Start.Line) : M.Message);
    const std::string Key = E.DiagnosticName + "\n" + F.RelPath + "\n" + Line;
    const unsigned Index = Occurrences[Key]++;
    BLAKE3 H;
    H.update(Key + "\n" + std::to_string(Index));
    F.Fingerprint = toHex(H.final(), /*LowerCase=*/true).substr(0, 32);
    Out.push_back(std::move(F));
  }
  return Out;
}

// --- Baselines
// ----------------------------------------------------------------

bool readBaseline(StringRef Path, StringSet<> &Fingerprints,
                  std::string &Error) {
  Expected<json::Value> V = readJSONFile(Path);
  if (!V) {
    Error = toString(V.takeError());
    return false;
  }
  const json::Object *O = V->getAsObject();
  const json::Array *Findings = O ? O->getArray("findings") : nullptr;
  if (!Findings || O->getInteger("version") != 1) {
    Error = Path.str() + ": not a taskleak baseline (version 1)";
    return false;
  }
  for (const json::Value &F : *Findings) {
    const json::Object *FO = F.getAsObject();
    auto FP = FO ? FO->getString("fingerprint") : std::nullopt;
    if (!FP) {
      Error = Path.str() + ": a finding without a fingerprint";
      return false;
    }
    Fingerprints.insert(*FP);
  }
  return true;
}

Error writeBaseline(StringRef Path, const std::vector<Finding> &Findings) {
  std::vector<const Finding *> Sorted;
  for (const Finding &F : Findings)
    if (!F.IsCompilerError)
      Sorted.push_back(&F);
  llvm::sort(Sorted, [](const Finding *A, const Finding *B) {
    return std::tie(A->RelPath, A->Start.Line, A->Error->DiagnosticName,
                    A->Fingerprint) < std::tie(B->RelPath, B->Start.Line,
                                               B->Error->DiagnosticName,
                                               B->Fingerprint);
  });
  json::Array Out;
  for (const Finding *F : Sorted)
    Out.push_back(json::Object{{"fingerprint", F->Fingerprint},
                               {"check", F->Error->DiagnosticName},
                               {"path", F->RelPath},
                               {"line", F->Start.Line},
                               {"message", F->Error->Message.Message}});
  json::Object Doc{{"version", 1},
                   {"tool", "taskleak " + taskleakVersion().str()},
                   {"findings", std::move(Out)}};
  std::string Text;
  raw_string_ostream OS(Text);
  OS << formatv("{0:2}", json::Value(std::move(Doc))) << "\n";
  OS.flush();
  return writeFileAtomically(Path, Text);
}

// --- taskleak's JSON ---------------------------------------------------------

void writeJSONReport(raw_ostream &OS, const std::vector<Finding> &Findings,
                     StringRef Root, const RunSummary &Summary) {
  json::Array Items, Errors;
  for (const Finding &F : Findings) {
    const ClangTidyError &E = *F.Error;
    json::Object O{{"check", E.DiagnosticName},
                   {"level", F.IsCompilerError ? "error" : "warning"},
                   {"message", E.Message.Message}};
    if (!F.File.empty()) {
      O["file"] = F.File;
      O["path"] = F.RelPath;
      O["offset"] = F.Offset;
      if (F.Start.Line) {
        O["line"] = F.Start.Line;
        O["column"] = F.Start.Column;
        O["endLine"] = F.End.Line;
        O["endColumn"] = F.End.Column;
      }
    }
    O["fingerprint"] = F.Fingerprint;
    json::Array Notes;
    for (const NoteLocation &N : F.Notes) {
      json::Object NO{{"message", N.Message}};
      if (!N.File.empty()) {
        NO["file"] = N.File;
        NO["offset"] = N.Offset;
        if (N.Start.Line) {
          NO["line"] = N.Start.Line;
          NO["column"] = N.Start.Column;
        }
      }
      Notes.push_back(std::move(NO));
    }
    O["notes"] = std::move(Notes);
    O["fixes"] = fixesJSON(E);
    (F.IsCompilerError ? Errors : Items).push_back(std::move(O));
  }
  json::Object PerCheck;
  for (const auto &[Check, Count] : Summary.PerCheck)
    PerCheck[Check] = Count;
  json::Object S{{"files", Summary.Files},
                 {"findings", Summary.Findings},
                 {"errors", Summary.Errors},
                 {"suppressedByBaseline", Summary.Suppressed},
                 {"perCheck", std::move(PerCheck)},
                 {"seconds", std::round(Summary.Seconds * 100) / 100}};
  if (Summary.CacheUsed)
    S["cache"] = json::Object{{"hits", Summary.CacheHits},
                              {"misses", Summary.CacheMisses}};
  if (!Summary.Shard.empty())
    S["shard"] = Summary.Shard;
  json::Object Doc{{"tool", json::Object{{"name", "taskleak"},
                                         {"version", taskleakVersion()}}},
                   {"root", Root},
                   {"translationUnits", json::Array(Summary.UnitFiles)},
                   {"findings", std::move(Items)},
                   {"errors", std::move(Errors)},
                   {"summary", std::move(S)}};
  OS << formatv("{0:2}", json::Value(std::move(Doc))) << "\n";
}

// --- SARIF 2.1.0
// --------------------------------------------------------------

namespace {

class SarifWriter {
public:
  SarifWriter(StringRef Root, SourceFiles &Sources)
      : Root(Root), Sources(Sources) {}

  json::Object artifactLocation(StringRef File) {
    bool Inside;
    const std::string Rel = relativeTo(File, Root, Inside);
    if (Inside)
      return json::Object{{"uri", percentEncode(Rel)},
                          {"uriBaseId", "%SRCROOT%"}};
    return json::Object{{"uri", "file://" + percentEncode(File)}};
  }

  /// A text region; \p End is exclusive, as SARIF's endColumn.
  json::Object region(StringRef File, Position Start, Position End) {
    json::Object R{
        {"startLine", Start.Line},
        {"startColumn",
         utf16Column(Sources.lineText(File, Start.Line), Start.Column)}};
    if (End.Line) {
      R["endLine"] = End.Line;
      R["endColumn"] =
          utf16Column(Sources.lineText(File, End.Line), End.Column);
    }
    return R;
  }

  json::Object location(StringRef File, Position Start, Position End) {
    json::Object Physical{{"artifactLocation", artifactLocation(File)}};
    if (Start.Line)
      Physical["region"] = region(File, Start, End);
    return json::Object{{"physicalLocation", std::move(Physical)}};
  }

  json::Array fixes(const ClangTidyError &E) {
    std::vector<StringRef> Files;
    for (const auto &Entry : E.Message.Fix)
      Files.push_back(Entry.getKey());
    llvm::sort(Files);
    json::Array Changes;
    for (const StringRef FixFile : Files) {
      const std::string File = absolutePath(FixFile, E.BuildDirectory);
      json::Array Replacements;
      for (const Replacement &R : E.Message.Fix.find(FixFile)->second) {
        const Position Start = Sources.position(File, R.getOffset());
        const Position End =
            Sources.position(File, R.getOffset() + R.getLength());
        if (!Start.Line || !End.Line)
          return {};
        Replacements.push_back(
            json::Object{{"deletedRegion", region(File, Start, End)},
                         {"insertedContent",
                          json::Object{{"text", R.getReplacementText()}}}});
      }
      Changes.push_back(
          json::Object{{"artifactLocation", artifactLocation(File)},
                       {"replacements", std::move(Replacements)}});
    }
    if (Changes.empty())
      return {};
    return json::Array{json::Object{
        {"description",
         json::Object{{"text", "Apply the fix-it of " + E.DiagnosticName}}},
        {"artifactChanges", std::move(Changes)}}};
  }

private:
  std::string Root;
  SourceFiles &Sources;
};

/// A check's SARIF rule: its descriptions from checks/Checks.def, its help
/// from its embedded doc page.
/// A rule's name, which SARIF wants readable and unlike its id (SARIF1001):
/// taskleak-spawn-without-stop-token -> SpawnWithoutStopToken.
std::string ruleName(StringRef Check) {
  if (Check.starts_with("taskleak-"))
    Check = Check.drop_front(strlen("taskleak-"));
  std::string Name;
  bool Upper = true;
  for (const char C : Check) {
    if (!isAlnum(C)) {
      Upper = true;
      continue;
    }
    Name += Upper ? toUpper(C) : C;
    Upper = false;
  }
  return Name.empty() ? "Rule" : Name;
}

json::Object rule(StringRef Check) {
  const CheckInfo *Info = findCheck(Check);
  const std::string Summary = Info ? Info->Summary.str() : Check.str();
  json::Object R{{"id", Check},
                 {"name", ruleName(Check)},
                 {"shortDescription", json::Object{{"text", Summary}}},
                 {"fullDescription", json::Object{{"text", Summary}}},
                 {"defaultConfiguration", json::Object{{"level", "warning"}}}};
  // Every check of the manifest has its page (EmbedDocs.cmake fails the
  // build otherwise); a diagnostic of another name still gets a help text:
  // code scanning shows it with every alert.
  const StringRef Doc = docOf(Check);
  std::string Help =
      Doc.empty() ? Check.str() + ": no documentation page was embedded in "
                                  "this build of taskleak."
                  : Doc.str();
  R["help"] = json::Object{{"text", Help}, {"markdown", Help}};
  const StringRef DocsUri = TASKLEAK_CHECK_DOCS_URI;
  if (!DocsUri.empty() && Check.starts_with("taskleak-"))
    R["helpUri"] =
        DocsUri.str() + Check.drop_front(strlen("taskleak-")).str() + ".md";
  return R;
}

} // namespace

void writeSARIFReport(raw_ostream &OS, const SarifRunInfo &Info,
                      const std::vector<Finding> &Findings,
                      const std::vector<std::string> &Checks, StringRef Root,
                      SourceFiles &Sources) {
  SarifWriter W(Root, Sources);
  std::vector<std::string> RuleIds(Checks);
  for (const Finding &F : Findings)
    if (!F.IsCompilerError &&
        llvm::find(RuleIds, F.Error->DiagnosticName) == RuleIds.end())
      RuleIds.push_back(F.Error->DiagnosticName);
  json::Array Rules;
  for (const std::string &Id : RuleIds)
    Rules.push_back(rule(Id));

  json::Array Results, Notifications;
  for (const Finding &F : Findings) {
    const ClangTidyError &E = *F.Error;
    if (F.IsCompilerError) {
      json::Object N{{"level", "error"},
                     {"message", json::Object{{"text", E.Message.Message}}},
                     {"descriptor", json::Object{{"id", E.DiagnosticName}}}};
      if (!F.File.empty())
        N["locations"] = json::Array{W.location(F.File, F.Start, F.End)};
      Notifications.push_back(std::move(N));
      continue;
    }
    unsigned RuleIndex =
        llvm::find(RuleIds, E.DiagnosticName) - RuleIds.begin();
    json::Object R{{"ruleId", E.DiagnosticName},
                   {"ruleIndex", RuleIndex},
                   {"level", "warning"},
                   {"message", json::Object{{"text", E.Message.Message}}},
                   {"partialFingerprints",
                    json::Object{{"taskleakFingerprint/v1", F.Fingerprint}}}};
    if (!F.File.empty())
      R["locations"] = json::Array{W.location(F.File, F.Start, F.End)};
    json::Array Related;
    for (const NoteLocation &N : F.Notes) {
      json::Object L = N.File.empty() ? json::Object{}
                                      : W.location(N.File, N.Start, Position());
      L["id"] = Related.size();
      L["message"] = json::Object{{"text", N.Message}};
      Related.push_back(std::move(L));
    }
    if (!Related.empty())
      R["relatedLocations"] = std::move(Related);
    json::Array Fixes = W.fixes(E);
    if (!Fixes.empty())
      R["fixes"] = std::move(Fixes);
    Results.push_back(std::move(R));
  }

  json::Object Driver{{"name", "taskleak"},
                      {"fullName", Info.FullName},
                      {"version", taskleakVersion()},
                      {"semanticVersion", taskleakVersion()},
                      {"rules", std::move(Rules)}};
  const StringRef InfoUri = TASKLEAK_INFORMATION_URI;
  if (!InfoUri.empty())
    Driver["informationUri"] = InfoUri;
  json::Object Invocation{{"executionSuccessful", Notifications.empty()}};
  if (!Notifications.empty())
    Invocation["toolExecutionNotifications"] = std::move(Notifications);
  json::Object Run{
      {"tool", json::Object{{"driver", std::move(Driver)}}},
      {"automationDetails", json::Object{{"id", Info.AutomationId}}},
      {"originalUriBaseIds",
       json::Object{
           {"%SRCROOT%",
            json::Object{{"uri", "file://" + percentEncode(Root) +
                                     (Root.ends_with("/") ? "" : "/")}}}}},
      {"columnKind", "utf16CodeUnits"},
      {"invocations", json::Array{std::move(Invocation)}},
      {"results", std::move(Results)}};
  json::Object Doc{{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
                   {"version", "2.1.0"},
                   {"runs", json::Array{std::move(Run)}}};
  OS << formatv("{0:2}", json::Value(std::move(Doc))) << "\n";
}

} // namespace driver
} // namespace taskleak
