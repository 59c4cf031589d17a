//===--- Fixes.h - print the diagnostics and apply their fixes ------------===//
//
// --fix: what clang-tidy's handleErrors(FB_Fix) does, byte for byte on
// stdout and in the fixed files, except how the files are written. clang-tidy
// writes each file through Rewriter::overwriteChangedFiles, which on a full
// disk leaves an empty or truncated file behind, replaces a read-only file
// with a writable one and a symbolic link with a regular file. Here:
//
//  * the replacements are chosen and merged as clang-tidy chooses them (the
//    diagnostic's own fix, conflicts resolved by shifting or skipped with
//    clang-tidy's messages), cleaned up and formatted with the file's
//    FormatStyle, and each applied edit is shown by clang-tidy's
//    "FIX-IT applied suggested code changes" note;
//  * the diagnostics are printed by clang-tidy's own handleErrors (FB_NoFix);
//  * every fixed file is first written in full to a temporary file beside it
//    (AtomicFile.h); only when all of them were written are they renamed
//    over the originals. On any error no source file is changed, each file
//    that could not be written is named on stderr, and the caller exits 2.
//
//===----------------------------------------------------------------------===//
#ifndef TASKLEAK_TOOLS_FIXES_H
#define TASKLEAK_TOOLS_FIXES_H

#include "clang-tidy/ClangTidyDiagnosticConsumer.h"
#include "llvm/Support/VirtualFileSystem.h"

#include <vector>

namespace taskleak {
namespace driver {

/// Prints \p Errors on stdout as clang-tidy does; with \p ApplyFixes, also
/// applies their fixes (see above) and prints clang-tidy's summary line on
/// stderr. Returns false when a fixed file could not be written.
bool printAndFix(const std::vector<clang::tidy::ClangTidyError> &Errors,
                 clang::tidy::ClangTidyContext &Context, bool ApplyFixes,
                 const llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem> &FS);

} // namespace driver
} // namespace taskleak

#endif
