//===--- TaskleakClangdMain.cpp - clangd 19 with the taskleak checks
//-------===//
//
// clangd cannot load clang-tidy plugins, so this is clangd itself (Debian's
// libclangdMain.a) linked with every clang-tidy module Debian's clangd has
// plus the taskleak checks. Command line and behaviour are clangd's, with
// four differences:
//
//  * a broken library model (.taskleak.yaml) is shown as an error on the
//    analysed file and logged at once to stderr, clangd's log; the taskleak
//    checks find nothing in the files it applies to and the server keeps
//    running (the other front ends exit with status 2);
//  * when no --resource-dir is given and the resource directory clangd would
//    derive from its own location (<bin>/../lib/clang/19) does not exist --
//    a build tree, or an install prefix other than LLVM's -- the resource
//    directory of the LLVM we were built against is passed, so that the
//    compiler's own headers (<stddef.h>, <stdarg.h>, ...) resolve;
//  * each taskleak fix is offered under a short title ("use std::jthread
//    with a stop token"), not under the finding's whole text: the checks
//    put it on a note that names it (TaskleakCheck::attachFix);
//  * a message that would end clangd's session or crash it (valid JSON that
//    is not JSON-RPC, JSON nested 100,000 deep) is answered with a JSON-RPC
//    error or ignored, and the session goes on (InputGuard.h).
//
//===----------------------------------------------------------------------===//
#include "checks/TaskleakCheck.h"
#include "lib/LLVMCompat.h"
#include "lib/Models.h"
#include "tools/taskleak-clangd/InputGuard.h"

// Every clang-tidy module Debian's clangd registers (clangDaemon references
// the same anchors from ParsedAST.cpp; repeating them keeps that true if the
// archive order ever changes).
#include "clang-tidy/ClangTidyForceLinker.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Chrono.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <cstdlib>
#include <mutex>
#include <string>
#include <vector>

// clangd's entry point (clang-tools-extra/clangd/tool/ClangdMain.h, which
// Debian does not install).
namespace clang::clangd {
// NOLINTNEXTLINE(misc-use-internal-linkage): defined in libclangdMain.a
int clangdMain(int, char *[]);
} // namespace clang::clangd

// The taskleak module's registration lives in an object file nothing else
// references.
extern volatile int TaskleakModuleAnchorSource;
static int LLVM_ATTRIBUTE_UNUSED TaskleakModuleAnchor =
    TaskleakModuleAnchorSource;

namespace {

/// Logs a model error in clangd's format (E[hh:mm:ss.mmm] ...) and returns,
/// so that the server keeps running. Each AST build asks once per taskleak
/// check: the same error again within a second is not logged twice.
void logModelError(const taskleak::ModelError &Err) {
  static std::mutex M;
  static std::string Last;
  static std::chrono::steady_clock::time_point LastTime;
  std::string Text = Err.str();
  auto Now = std::chrono::steady_clock::now();
  const std::lock_guard<std::mutex> Lock(M);
  if (Text == Last && Now - LastTime < std::chrono::seconds(1))
    return;
  Last = Text;
  LastTime = Now;
  llvm::errs() << llvm::formatv("E[{0:%H:%M:%S.%L}] taskleak: {1}; the "
                                "taskleak checks find nothing in files this "
                                "model applies to until it is fixed\n",
                                std::chrono::system_clock::now(), Text)
                      .str();
  // clangd makes stderr buffered and flushes it only for its own log lines:
  // without this the line waits for the next one (with --log=error, for the
  // end of the session).
  llvm::errs().flush();
}

bool mentionsResourceDir(llvm::StringRef Arg) {
  Arg = Arg.ltrim('-');
  return Arg == "resource-dir" || Arg.starts_with("resource-dir=");
}

/// Whether --resource-dir is on the command line or in $CLANGD_FLAGS (which
/// clangd reads too).
bool resourceDirGiven(int Argc, char **Argv) {
  for (int I = 1; I < Argc; ++I)
    if (mentionsResourceDir(Argv[I]))
      return true;
  if (const char *Env = std::getenv("CLANGD_FLAGS")) {
    llvm::SmallVector<llvm::StringRef, 8> Words;
    llvm::StringRef(Env).split(Words, ' ', -1, /*KeepEmpty=*/false);
    for (const llvm::StringRef W : Words)
      if (mentionsResourceDir(W.trim("\"'")))
        return true;
  }
  return false;
}

/// Whether clangd reads `---`-delimited messages (--input-style=delimited),
/// which the input guard does not parse.
bool delimitedInput(int Argc, char **Argv) {
  for (int I = 1; I < Argc; ++I) {
    const llvm::StringRef Arg = llvm::StringRef(Argv[I]).ltrim('-');
    if (Arg == "input-style=delimited")
      return true;
  }
  return false;
}

} // namespace

int main(int argc, char **argv) {
  taskleak::setModelErrorHandler(logModelError);
  // clangd drops configurationDiag's diagnostics (they have no location).
  taskleak::showConfigurationErrorsInMainFile();
  // clangd titles a fix of several edits with its finding's whole text: the
  // checks put their fixes on notes that name them.
  taskleak::nameFixesInNotes();
  // clangd 19 ends the session on a valid-JSON message that is not JSON-RPC
  // and crashes on very deep JSON: such messages are replaced first.
  if (!delimitedInput(argc, argv))
    (void)taskleak::clangd::guardStandardInput();

  std::vector<char *> Args(argv, argv + argc);
  std::string ResourceDirFlag;
  if (!resourceDirGiven(argc, argv)) {
    // What clangd derives from its own location (CommandMangler::detect).
    static int StaticForMainAddr;
    const std::string Derived =
        taskleak::compat::resourcesPath(argv[0], (void *)&StaticForMainAddr);
    if (!llvm::sys::fs::is_directory(Derived) &&
        llvm::sys::fs::is_directory(TASKLEAK_CLANG_RESOURCE_DIR)) {
      ResourceDirFlag =
          std::string("--resource-dir=") + TASKLEAK_CLANG_RESOURCE_DIR;
      Args.insert(Args.begin() + 1, ResourceDirFlag.data());
    }
  }
  Args.push_back(nullptr);
  return clang::clangd::clangdMain(static_cast<int>(Args.size()) - 1,
                                   Args.data());
}
