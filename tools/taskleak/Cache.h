//===--- Cache.h - the result cache ---------------------------------------===//
//
// One entry per translation unit: <cache-dir>/v2/<ab>/<key>.json holds the
// TU's diagnostics (Diagnostics.h's JSON). The key is a BLAKE3 hash of
//
//  * this taskleak build (its version, LLVM's version, and a hash of the
//    executable itself, so a rebuilt checker never reuses old results),
//  * the effective configuration of the file: clang-tidy's options for it
//    (checks, CheckOptions, ExtraArgs from .clang-tidy files), --fix,
//    --line-filter and --exclude-header-filter, and the contents of the
//    model files that can apply (ModelFile, .taskleak.yaml),
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
// The cache directory is not trusted (a shared CI cache, a checked-in
// .taskleak-cache/): an entry is used only when
//  * it is a regular file reached without a symbolic link below the cache
//    directory (opened with O_NOFOLLOW and O_NONBLOCK, so a FIFO never
//    blocks), of at most 64 MiB;
//  * its format tag is taskleak-cache-v2 and it names the job's own main
//    file and key;
//  * every diagnostic's build directory is one of the job's compile command
//    directories, and every location, range and fix-it lies inside a file
//    that this TU's own preprocessing entered, within the file's size.
// Anything else is a miss (and is overwritten). Stores never follow a
// symbolic link either: a planted link is replaced, not written through.
//
//===----------------------------------------------------------------------===//
#ifndef TASKLEAK_TOOLS_CACHE_H
#define TASKLEAK_TOOLS_CACHE_H

#include "tools/taskleak/Worker.h"

#include "clang-tidy/ClangTidyDiagnosticConsumer.h"
#include "llvm/ADT/StringMap.h"

#include <optional>
#include <string>

namespace taskleak {
namespace driver {

/// The identity of this taskleak build: version, LLVM version and a hash of
/// the executable at \p ExecutablePath.
std::string toolIdentity(llvm::StringRef ExecutablePath);

/// The key of a TU's entry and what its preprocessing saw: the files it
/// entered (by absolute path and by real path) and their sizes, the only
/// files a valid entry may point into.
struct CacheKey {
  std::string Key;
  llvm::StringMap<uint64_t> Files;
};

/// The cache key of the job's TU, or nothing when it does not preprocess.
std::optional<CacheKey>
computeCacheKey(const Job &J, clang::tidy::ClangTidyContext &Context,
                const clang::tooling::CompilationDatabase &DB,
                llvm::IntrusiveRefCntPtr<llvm::vfs::OverlayFileSystem> FS);

/// Creates \p Dir (and its CACHEDIR.TAG) when needed; an error when it
/// cannot hold the cache (the caller then runs uncached).
llvm::Error prepareCacheDir(llvm::StringRef Dir);

/// The stored diagnostics of \p Key when its entry is valid for the job (see
/// above); false otherwise.
bool cacheLookup(llvm::StringRef Dir, const CacheKey &Key, const Job &J,
                 std::vector<ClangTidyError> &Errors);
/// Stores \p Errors under \p Key (errors writing it are ignored: the cache is
/// an optimisation).
void cacheStore(llvm::StringRef Dir, const CacheKey &Key, const Job &J,
                const std::vector<ClangTidyError> &Errors);

} // namespace driver
} // namespace taskleak

#endif
