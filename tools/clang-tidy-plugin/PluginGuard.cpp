//===--- PluginGuard.cpp - refuse to run in the wrong clang-tidy -----------===//
//
// A clang-tidy plugin built for another LLVM major loads, lists its checks and
// silently reports nothing: the AST it is given has another layout. When the
// plugin is loaded we find the major of the LLVM/Clang libraries of the host
// process and stop loudly when it is not the one we were built against.
//
//===----------------------------------------------------------------------===//
#include "clang/Basic/Version.inc"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <link.h>
#include <string>

namespace {

/// The major of a loaded libLLVM / libclang-cpp, from its file name
/// (libLLVM.so.19.1, libLLVM-19.so, libclang-cpp.so.19.1); 0 when none.
int hostMajorFromLibraries() {
  int Major = 0;
  dl_iterate_phdr(
      [](dl_phdr_info *Info, size_t, void *Data) -> int {
        const char *Name = Info->dlpi_name ? Info->dlpi_name : "";
        const char *Base = std::strrchr(Name, '/');
        Base = Base ? Base + 1 : Name;
        for (const char *Prefix :
             {"libLLVM.so.", "libLLVM-", "libclang-cpp.so."}) {
          size_t N = std::strlen(Prefix);
          if (std::strncmp(Base, Prefix, N) == 0 && Base[N] >= '0' &&
              Base[N] <= '9') {
            *static_cast<int *>(Data) = std::atoi(Base + N);
            return 1;
          }
        }
        return 0;
      },
      &Major);
  return Major;
}

/// The major from clang::getClangFullVersion() of a statically linked host.
int hostMajorFromSymbol() {
  using VersionFn = std::string (*)();
  void *Sym = dlsym(RTLD_DEFAULT, "_ZN5clang19getClangFullVersionB5cxx11Ev");
  if (!Sym)
    return 0;
  std::string V = reinterpret_cast<VersionFn>(Sym)();
  size_t Pos = V.find("version ");
  return Pos == std::string::npos ? 0 : std::atoi(V.c_str() + Pos + 8);
}

struct Guard {
  Guard() {
    int Host = hostMajorFromLibraries();
    if (!Host)
      Host = hostMajorFromSymbol();
    if (Host && Host != CLANG_VERSION_MAJOR) {
      std::fprintf(stderr,
                   "error: the taskleak clang-tidy plugin was built for "
                   "clang-tidy %d but is loaded into clang-tidy %d; it would "
                   "find nothing. Use clang-tidy-%d, or rebuild taskleak "
                   "against LLVM %d.\n",
                   CLANG_VERSION_MAJOR, Host, CLANG_VERSION_MAJOR, Host);
      std::fflush(stderr);
      std::_Exit(2);
    }
  }
} TheGuard;

} // namespace
