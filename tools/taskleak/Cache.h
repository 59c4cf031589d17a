//===--- Cache.h - the result cache ---------------------------------------===//
//
// One entry per translation unit: <cache-dir>/v1/<ab>/<key>.json holds the
// TU's diagnostics (Diagnostics.h's JSON). The key is a BLAKE3 hash of
//
//  * this taskleak build (its version, LLVM's version, and a hash of the
//    executable itself, so a rebuilt checker never reuses old results),
//  * the effective configuration of the file: clang-tidy's options for it
//    (checks, CheckOptions, ExtraArgs from .clang-tidy files), --fix, and the
//    contents of the model files that can apply (ModelFile, .taskleak.yaml),
//  * every compile command: its directory and final arguments,
//  * a preprocessing-only pass over the TU: the path and the full contents of
//    every file it enters (comments and NOLINTs included, so cached offsets
//    stay exact) and the preprocessed token stream (so __has_include and
//    macros count), without the tokens made in scratch space (__TIME__,
//    __DATE__, # and ##: they follow from the files or change every run).
//
// A hit costs a preprocessing pass and no AST. Entries are written
// atomically (a temporary file and a rename); concurrent runs may share a
// directory. Nothing is ever evicted: delete the directory to reclaim space.
//
//===----------------------------------------------------------------------===//
#ifndef TASKLEAK_TOOLS_CACHE_H
#define TASKLEAK_TOOLS_CACHE_H

#include "tools/taskleak/Worker.h"

#include "clang-tidy/ClangTidyDiagnosticConsumer.h"

#include <optional>
#include <string>

namespace taskleak {
namespace driver {

/// The identity of this taskleak build: version, LLVM version and a hash of
/// the executable at \p ExecutablePath.
std::string toolIdentity(llvm::StringRef ExecutablePath);

/// The cache key of the job's TU, or nothing when it does not preprocess.
std::optional<std::string>
computeCacheKey(const Job &J, clang::tidy::ClangTidyContext &Context,
                const clang::tooling::CompilationDatabase &DB,
                llvm::IntrusiveRefCntPtr<llvm::vfs::OverlayFileSystem> FS);

/// The stored diagnostics of \p Key; false when there are none.
bool cacheLookup(llvm::StringRef Dir, llvm::StringRef Key,
                 std::vector<ClangTidyError> &Errors);
/// Stores \p Errors under \p Key (errors writing it are ignored: the cache is
/// an optimisation).
void cacheStore(llvm::StringRef Dir, llvm::StringRef Key,
                const std::vector<ClangTidyError> &Errors);

} // namespace driver
} // namespace taskleak

#endif
