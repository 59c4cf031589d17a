//===--- Diagnostics.h - clang-tidy diagnostics as JSON, merged ----------===//
//
// A worker (a child process, or the driver itself) analyses one translation
// unit with clang-tidy's engine and hands its diagnostics back as JSON; the
// result cache stores the same JSON. The JSON keeps every field of a
// clang::tidy::ClangTidyError (byte offsets, ranges, fix-its, notes), so the
// driver rebuilds the exact errors and prints, fixes and exports them with
// clang-tidy's own functions: the text output is clang-tidy's, byte for byte.
//
//===----------------------------------------------------------------------===//
#ifndef TASKLEAK_TOOLS_DIAGNOSTICS_H
#define TASKLEAK_TOOLS_DIAGNOSTICS_H

#include "clang-tidy/ClangTidyDiagnosticConsumer.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"

#include <memory>
#include <string>
#include <vector>

namespace taskleak {
namespace driver {

using clang::tidy::ClangTidyError;

/// A position in a source file: 1-based line, 1-based byte column.
struct Position {
  unsigned Line = 0;
  unsigned Column = 0;
};

/// Source files read from disk once, for positions and line text.
class SourceFiles {
public:
  /// The file's contents, or null when it cannot be read. \p Path must be
  /// absolute (see absolutePath).
  const llvm::MemoryBuffer *get(llvm::StringRef Path);
  /// The line and byte column of \p Offset; {0, 0} when unknown.
  Position position(llvm::StringRef Path, unsigned Offset);
  /// The text of line \p Line (1-based) without its line break.
  llvm::StringRef lineText(llvm::StringRef Path, unsigned Line);

private:
  struct File {
    std::unique_ptr<llvm::MemoryBuffer> Buffer;
    std::vector<unsigned> LineStarts;
  };
  File *load(llvm::StringRef Path);
  llvm::StringMap<File> Files;
};

/// \p Path made absolute against \p BuildDirectory (the compile command's
/// directory, in which clang-tidy's engine reported it), without `.`/`..`.
std::string absolutePath(llvm::StringRef Path, llvm::StringRef BuildDirectory);

/// The diagnostics of one TU as JSON. Line and column fields are added for
/// readers of the JSON (computed with \p Sources); reading ignores them.
llvm::json::Array diagnosticsToJSON(const std::vector<ClangTidyError> &Errors,
                                    SourceFiles &Sources);
/// The inverse of diagnosticsToJSON. False when \p Value is malformed.
bool diagnosticsFromJSON(const llvm::json::Value &Value,
                         std::vector<ClangTidyError> &Errors);

/// Replaces each path of \p Errors (locations, ranges, fix-its) that is not
/// its file's real path -- a header reached through `..` or a symbolic link
/// -- by the real path, so that one file is reported, fingerprinted and
/// de-duplicated under one name. Clean absolute and relative paths stay as
/// clang-tidy prints them.
void useRealPaths(std::vector<ClangTidyError> &Errors);

/// Merges the diagnostics of several TUs the way clang-tidy's engine merges
/// those of the files of one run: sorted by file, offset, check and message,
/// duplicates (a header's diagnostic seen from two TUs) kept once, and
/// fix-its of different diagnostics that overlap are withdrawn.
std::vector<ClangTidyError>
mergeDiagnostics(std::vector<std::vector<ClangTidyError>> PerUnit);

} // namespace driver
} // namespace taskleak

#endif
