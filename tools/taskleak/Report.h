//===--- Report.h - findings with positions, fingerprints, JSON, SARIF ----===//
//
// After the diagnostics of all TUs are merged, each one becomes a Finding:
// its absolute file, its path relative to the source root (--source-root,
// default: the current directory), its line/column range, and a fingerprint
// that identifies it across runs for baselines and GitHub code scanning:
//
//   taskleakFingerprint/v1 = hash(check, path relative to the root,
//                                 the reported line without any whitespace,
//                                 how many earlier findings of that check in
//                                 that file have the same line text)
//
// so a finding keeps its fingerprint when unrelated lines are added, removed
// or moved, or the line is re-indented, and the checkout's location does not
// matter.
//
//===----------------------------------------------------------------------===//
#ifndef TASKLEAK_TOOLS_REPORT_H
#define TASKLEAK_TOOLS_REPORT_H

#include "tools/taskleak/Diagnostics.h"

#include "llvm/ADT/StringSet.h"
#include "llvm/Support/raw_ostream.h"

#include <map>
#include <string>
#include <vector>

namespace taskleak {
namespace driver {

struct NoteLocation {
  std::string Message;
  std::string File; ///< absolute; "" when the note has no location
  unsigned Offset = 0;
  Position Start;
};

struct Finding {
  const ClangTidyError *Error = nullptr;
  bool IsCompilerError = false; ///< level error (e.g. clang-diagnostic-error)
  std::string File;             ///< absolute; "" for a command-line error
  std::string RelPath; ///< relative to the root, or absolute outside it
  bool InRoot = false;
  unsigned Offset = 0, EndOffset = 0;
  Position Start, End; ///< byte columns; End is exclusive
  std::vector<NoteLocation> Notes;
  std::string Fingerprint;
};

/// Findings, in the order of \p Errors (which must stay alive).
std::vector<Finding> makeFindings(const std::vector<ClangTidyError> &Errors,
                                  llvm::StringRef Root, SourceFiles &Sources);

/// Baseline files: the fingerprints of accepted findings.
bool readBaseline(llvm::StringRef Path, llvm::StringSet<> &Fingerprints,
                  std::string &Error);
llvm::Error writeBaseline(llvm::StringRef Path,
                          const std::vector<Finding> &Findings);

struct RunSummary {
  unsigned Files = 0;
  unsigned Findings = 0;
  unsigned Errors = 0;
  unsigned Suppressed = 0;
  std::map<std::string, unsigned> PerCheck;
  double Seconds = 0;
  bool CacheUsed = false;
  unsigned CacheHits = 0, CacheMisses = 0;
  std::string Shard;                  ///< "K/N", or ""
  std::vector<std::string> UnitFiles; ///< the TUs analysed (absolute paths)
};

/// taskleak's own JSON report.
void writeJSONReport(llvm::raw_ostream &OS,
                     const std::vector<Finding> &Findings, llvm::StringRef Root,
                     const RunSummary &Summary);

/// SARIF 2.1.0, as GitHub code scanning takes it. \p Checks are the enabled
/// checks, one rule each.
/// What a SARIF run says about itself beyond its results.
struct SarifRunInfo {
  std::string FullName;     ///< driver.fullName: "taskleak 0.1.0 (LLVM 19.1.7)"
  std::string AutomationId; ///< automationDetails.id: "taskleak/" (+ shard)
};

void writeSARIFReport(llvm::raw_ostream &OS, const SarifRunInfo &Info,
                      const std::vector<Finding> &Findings,
                      const std::vector<std::string> &Checks,
                      llvm::StringRef Root, SourceFiles &Sources);

/// The version of taskleak, e.g. "0.1.0".
llvm::StringRef taskleakVersion();

} // namespace driver
} // namespace taskleak

#endif
