//===--- LLVMCompat.h - LLVM/Clang 19 and 22 differences ------*- C++ -*-===//
//
// taskleak builds against LLVM/Clang 19 (the default) or 22
// (-DTASKLEAK_LLVM_MAJOR=22, `make LLVM=22`). Every API difference between
// the two that our sources meet is here, behind CLANG_VERSION_MAJOR, so the
// rest of the tree has no version #if:
//
//  * clang-tidy's module registry: clang-tidy/ClangTidyModuleRegistry.h in
//    19; in 22 that header is deprecated (a #warning) and the registry is in
//    clang-tidy/ClangTidyModule.h.
//  * the resource directory clang derives from a binary's location:
//    clang::CompilerInvocation::GetResourcesPath in 19,
//    clang::GetResourcesPath (clang/Options/OptionUtils.h) in 22.
//  * clang::tidy::getCheckNames and getCheckOptions take
//    ExperimentalCustomChecks in 22.
//  * DiagnosticsEngine holds its DiagnosticOptions by reference in 22 (they
//    are no longer reference-counted), and ClangTidyContext owns the options
//    of the engine it is given.
//
// Include it only where one of these is used (it pulls in clang-tidy and
// frontend headers).
//
//===----------------------------------------------------------------------===//
#ifndef TASKLEAK_LIB_LLVMCOMPAT_H
#define TASKLEAK_LIB_LLVMCOMPAT_H

#include "clang/Basic/Version.h"

#include <string>

#include "clang-tidy/ClangTidy.h"
#include "clang-tidy/ClangTidyDiagnosticConsumer.h"
#include "clang-tidy/ClangTidyModule.h"
#include "clang/Basic/Diagnostic.h"
#include "clang/Basic/DiagnosticIDs.h"
#include "clang/Basic/DiagnosticOptions.h"
#if CLANG_VERSION_MAJOR >= 22
#include "clang/Options/OptionUtils.h"
#else
#include "clang-tidy/ClangTidyModuleRegistry.h"
#include "clang/Frontend/CompilerInvocation.h"
#endif

#include <memory>
#include <vector>

namespace taskleak::compat {

/// The resource directory clang (and clangd) derive from the binary \p Argv0.
inline std::string resourcesPath(const char *Argv0, void *MainAddr) {
#if CLANG_VERSION_MAJOR >= 22
  return clang::GetResourcesPath(Argv0, MainAddr);
#else
  return clang::CompilerInvocation::GetResourcesPath(Argv0, MainAddr);
#endif
}

/// The checks \p Options enables (no alpha analyzer checks, no custom ones).
inline std::vector<std::string>
enabledCheckNames(const clang::tidy::ClangTidyOptions &Options) {
#if CLANG_VERSION_MAJOR >= 22
  return clang::tidy::getCheckNames(Options, false, false);
#else
  return clang::tidy::getCheckNames(Options, false);
#endif
}

/// The options of the checks \p Options enables, as they store them
/// (clang-tidy's --dump-config).
inline clang::tidy::ClangTidyOptions::OptionMap
checkOptions(const clang::tidy::ClangTidyOptions &Options) {
#if CLANG_VERSION_MAJOR >= 22
  return clang::tidy::getCheckOptions(Options, false, false);
#else
  return clang::tidy::getCheckOptions(Options, false);
#endif
}

/// A DiagnosticsEngine over \p Consumer with default options.
class Diagnostics {
public:
  explicit Diagnostics(clang::DiagnosticConsumer *Consumer)
      : Engine(new clang::DiagnosticIDs(), opts(), Consumer,
               /*ShouldOwnClient=*/false) {}
  clang::DiagnosticsEngine &engine() { return Engine; }

private:
#if CLANG_VERSION_MAJOR >= 22
  clang::DiagnosticOptions &opts() { return Opts; }
  clang::DiagnosticOptions Opts;
#else
  llvm::IntrusiveRefCntPtr<clang::DiagnosticOptions> opts() {
    return new clang::DiagnosticOptions();
  }
#endif
  clang::DiagnosticsEngine Engine;
};

/// A DiagnosticsEngine over \p Consumer installed as \p Context's (which
/// must outlive it).
class ContextDiagnostics {
public:
  ContextDiagnostics(clang::tidy::ClangTidyContext &Context,
                     clang::DiagnosticConsumer *Consumer)
#if CLANG_VERSION_MAJOR >= 22
      : Opts(std::make_unique<clang::DiagnosticOptions>()),
        Engine(new clang::DiagnosticIDs(), *Opts, Consumer,
               /*ShouldOwnClient=*/false) {
    Context.setDiagnosticsEngine(std::move(Opts), &Engine);
  }
#else
      : Engine(new clang::DiagnosticIDs(), new clang::DiagnosticOptions(),
               Consumer, /*ShouldOwnClient=*/false) {
    Context.setDiagnosticsEngine(&Engine);
  }
#endif
  clang::DiagnosticsEngine &engine() { return Engine; }

private:
#if CLANG_VERSION_MAJOR >= 22
  std::unique_ptr<clang::DiagnosticOptions> Opts; ///< moved to the context
#endif
  clang::DiagnosticsEngine Engine;
};

} // namespace taskleak::compat

#endif
