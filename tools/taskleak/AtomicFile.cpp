//===--- AtomicFile.cpp - the one writer of every file taskleak writes ----===//
#include "tools/taskleak/AtomicFile.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/Errno.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Signals.h"

#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace llvm;

namespace taskleak {
namespace driver {

namespace {

std::error_code lastError() { return {errno, std::generic_category()}; }

/// Flushes the directory entry of a rename (best effort: not every file
/// system lets a directory be opened or synced).
void syncDirectory(StringRef Dir) {
  const int D = ::open(Dir.empty() ? "." : Dir.str().c_str(),
                       O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (D < 0)
    return;
  (void)::fsync(D);
  (void)::close(D);
}

} // namespace

Expected<AtomicFile> AtomicFile::create(StringRef Path, WriteOptions Options) {
  AtomicFile F;
  F.Path = Path.str();
  F.Target = Path.str();
  F.Sync = Options.Sync;
  auto Error = [&](std::error_code EC, const Twine &Why) {
    return createStringError(EC, "cannot write " + Path + ": " + Why);
  };
  struct stat St, Out;
  if (Options.FollowSymlink && !Options.RequireWritable &&
      ::stat(F.Path.c_str(), &St) == 0 && ::fstat(STDOUT_FILENO, &Out) == 0 &&
      St.st_dev == Out.st_dev && St.st_ino == Out.st_ino) {
    // The process's own stdout (-o /dev/stdout, whatever it is): written
    // through it, so that it shares stdout's offset with the text findings
    // instead of overwriting them or replacing the file behind them.
    F.FD = ::dup(STDOUT_FILENO);
    if (F.FD < 0)
      return Error(lastError(), sys::StrError());
    return std::move(F);
  }
  if (Options.FollowSymlink && !Options.RequireWritable &&
      ::stat(F.Path.c_str(), &St) == 0 && !S_ISREG(St.st_mode) &&
      !S_ISDIR(St.st_mode)) {
    // A FIFO or a device (-o /dev/stdout, a pipe): written directly, there
    // is nothing to keep.
    F.FD = ::open(F.Path.c_str(), O_WRONLY | O_CLOEXEC);
    if (F.FD < 0)
      return Error(lastError(), sys::StrError());
    return std::move(F);
  }
  const bool IsLink = ::lstat(F.Path.c_str(), &St) == 0 && S_ISLNK(St.st_mode);
  if (IsLink && Options.FollowSymlink) {
    // Replace the link's target, never the link.
    SmallString<256> Real;
    if (std::error_code EC = sys::fs::real_path(Path, Real))
      return Error(EC, "it is a symbolic link to a file that cannot be "
                       "resolved (" +
                           EC.message() + ")");
    F.Target = std::string(Real.str());
  }
  if (!Options.FollowSymlink &&
      (IsLink || (::lstat(F.Path.c_str(), &St) == 0 && !S_ISREG(St.st_mode) &&
                  !S_ISDIR(St.st_mode)))) {
    // A link, FIFO or device is replaced like a missing file, never opened.
  } else if (::stat(F.Target.c_str(), &St) == 0) {
    if (!S_ISREG(St.st_mode))
      return Error(std::make_error_code(std::errc::invalid_argument),
                   "not a regular file");
    if (Options.RequireWritable &&
        ((St.st_mode & (S_IWUSR | S_IWGRP | S_IWOTH)) == 0 ||
         ::access(F.Target.c_str(), W_OK) != 0))
      return Error(std::make_error_code(std::errc::permission_denied),
                   "the file is read-only");
    F.Existed = true;
    F.Mode = St.st_mode & 07777;
    F.Uid = St.st_uid;
    F.Gid = St.st_gid;
  } else if (errno != ENOENT) {
    return Error(lastError(), sys::StrError());
  }
  SmallString<256> Model(sys::path::parent_path(F.Target));
  sys::path::append(Model,
                    "." + sys::path::filename(F.Target) + ".taskleak-%%%%%%%%");
  SmallString<256> Temp;
  if (std::error_code EC =
          sys::fs::createUniqueFile(Model, F.FD, Temp, sys::fs::OF_None,
                                    sys::fs::all_read | sys::fs::all_write))
    return Error(EC, EC.message());
  F.Temp = std::string(Temp.str());
  (void)sys::RemoveFileOnSignal(F.Temp);
  return std::move(F);
}

AtomicFile::AtomicFile(AtomicFile &&Other) noexcept
    : Path(std::move(Other.Path)), Target(std::move(Other.Target)),
      Temp(std::move(Other.Temp)), FD(Other.FD), Existed(Other.Existed),
      Mode(Other.Mode), Uid(Other.Uid), Gid(Other.Gid), Sync(Other.Sync) {
  Other.FD = -1;
  Other.Temp.clear();
}

AtomicFile::~AtomicFile() { discard(); }

void AtomicFile::discard() {
  if (FD >= 0)
    (void)::close(FD);
  FD = -1;
  if (!Temp.empty()) {
    (void)::unlink(Temp.c_str());
    sys::DontRemoveFileOnSignal(Temp);
    Temp.clear();
  }
}

Error AtomicFile::fail(std::error_code EC, StringRef What) {
  discard();
  std::string Message = "cannot write " + Path + ": ";
  if (!What.empty())
    Message += What.str() + ": ";
  Message += EC.message();
  if (Existed)
    Message += " (the file is unchanged)";
  return createStringError(EC, Message);
}

Error AtomicFile::write(StringRef Text) {
  while (!Text.empty()) {
    const ssize_t N = ::write(FD, Text.data(), Text.size());
    if (N < 0 && errno == EINTR)
      continue;
    if (N <= 0)
      return fail(
          N < 0 ? lastError() : std::make_error_code(std::errc::io_error), "");
    Text = Text.drop_front(static_cast<size_t>(N));
  }
  return Error::success();
}

Error AtomicFile::commit() {
  if (FD < 0)
    return fail(std::make_error_code(std::errc::bad_file_descriptor), "");
  if (Temp.empty()) { // written directly (a FIFO or a device)
    const int Closing = FD;
    FD = -1;
    return ::close(Closing) == 0 ? Error::success() : fail(lastError(), "");
  }
  if (Sync && ::fsync(FD) != 0)
    return fail(lastError(), "");
  if (Existed) {
    // The owner stays where we may keep it (root fixing another user's
    // file); otherwise the file is ours, as with any editor. chown clears
    // set-user-ID bits, so the mode comes after it.
    if (::geteuid() != Uid || ::getegid() != Gid)
      (void)::fchown(FD, Uid, Gid);
    if (::fchmod(FD, Mode) != 0)
      return fail(lastError(), "cannot keep its permissions");
  }
  const int Closing = FD;
  FD = -1;
  if (::close(Closing) != 0)
    return fail(lastError(), "");
  if (::rename(Temp.c_str(), Target.c_str()) != 0)
    return fail(lastError(), "");
  sys::DontRemoveFileOnSignal(Temp);
  Temp.clear();
  if (Sync)
    syncDirectory(sys::path::parent_path(Target));
  return Error::success();
}

Error writeFileAtomically(StringRef Path, StringRef Text,
                          WriteOptions Options) {
  Expected<AtomicFile> F = AtomicFile::create(Path, Options);
  if (!F)
    return F.takeError();
  if (Error E = F->write(Text))
    return E;
  return F->commit();
}

} // namespace driver
} // namespace taskleak
