//===--- AtomicFile.h - the one writer of every file taskleak writes ------===//
//
// Every file the driver writes (a source file fixed by --fix, the text, JSON
// and SARIF reports, --export-fixes, baselines, cache entries, the workers'
// job and result files) goes through this writer:
//
//  * the bytes go to a temporary file in the same directory as the target,
//    which is flushed to disk (fsync) and renamed over the target only when
//    the whole write succeeded; on any error (a full disk, a file size limit,
//    a signal) the target keeps its old content and the temporary file is
//    removed (on a fatal signal too, through llvm::sys::RemoveFileOnSignal);
//  * a symbolic link is followed: its target is replaced and the link stays
//    (with FollowSymlink false, as for cache entries, the link itself, or a
//    FIFO or device in its place, is replaced and nothing outside the
//    directory is touched);
//  * an existing file keeps its permission bits (and its owner and group
//    where the process may set them); a new file gets 0666 less the umask;
//  * a FIFO or a device (-o /dev/stdout) is written directly;
//  * with RequireWritable (--fix), a file that its permission bits or
//    access(2) say is not writable is refused, as an editor would refuse it,
//    instead of being replaced by a writable copy.
//
// Limits: the rename gives the target a new inode, so other hard links to
// the old file keep the old content; extended attributes and ACLs are not
// copied.
//
//===----------------------------------------------------------------------===//
#ifndef TASKLEAK_TOOLS_ATOMICFILE_H
#define TASKLEAK_TOOLS_ATOMICFILE_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <string>
#include <sys/types.h>

namespace taskleak {
namespace driver {

/// How an existing file at the path is treated.
struct WriteOptions {
  /// Refuse a file that is not writable (--fix).
  bool RequireWritable = false;
  /// Replace a symbolic link's target (true) or the link itself (false).
  bool FollowSymlink = true;
  /// fsync before the rename. Off only for the workers' temporary job and
  /// result files, which no crash needs to survive.
  bool Sync = true;
};

/// A file being written in place of a target path. Nothing is visible at the
/// target until commit() succeeds; a destroyed, uncommitted AtomicFile
/// removes its temporary file.
class AtomicFile {
public:
  /// Creates the temporary file beside \p Path (beside its target, when
  /// \p Path is a symbolic link). Errors name \p Path.
  static llvm::Expected<AtomicFile> create(llvm::StringRef Path,
                                           WriteOptions Options = {});

  AtomicFile(AtomicFile &&Other) noexcept;
  AtomicFile &operator=(AtomicFile &&Other) = delete;
  AtomicFile(const AtomicFile &) = delete;
  ~AtomicFile();

  /// The temporary file's descriptor (to write to, or to dup2 onto stdout).
  int fd() const { return FD; }
  /// Writes all of \p Text at the current position.
  llvm::Error write(llvm::StringRef Text);
  /// Flushes the data to disk, sets the permission bits and renames the
  /// temporary file over the target.
  llvm::Error commit();
  /// Removes the temporary file; the target is left as it was.
  void discard();
  /// discard(), and the error "cannot write <path>: [What: ]<EC>" for a
  /// failure seen by the caller (an error of a stream on fd()).
  llvm::Error fail(std::error_code EC, llvm::StringRef What = "");

  /// The path as given, for messages.
  llvm::StringRef path() const { return Path; }

private:
  AtomicFile() = default;

  std::string Path;   ///< as given
  std::string Target; ///< what the rename replaces (a link's target)
  std::string Temp;
  int FD = -1;
  bool Existed = false;
  mode_t Mode = 0;
  uid_t Uid = 0;
  gid_t Gid = 0;
  bool Sync = true;
};

/// Writes \p Text to \p Path through an AtomicFile.
llvm::Error writeFileAtomically(llvm::StringRef Path, llvm::StringRef Text,
                                WriteOptions Options = {});

} // namespace driver
} // namespace taskleak

#endif
