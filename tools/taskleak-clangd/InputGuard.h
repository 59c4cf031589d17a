//===--- InputGuard.h - keep clangd alive on hostile LSP input ------------===//
//
// clangd 19 ends the session when it receives one message that is valid JSON
// but not JSON-RPC 2.0 (not an object, no "jsonrpc": "2.0", or neither a
// method nor an id), and its recursive JSON parser overflows the stack on
// deeply nested input (100,000 levels crash it). taskleak-clangd is what an
// editor talks to, so its input is guarded: a thread reads the LSP messages
// from standard input and hands them to clangd through a pipe that becomes
// file descriptor 0. A message clangd would die on is replaced before clangd
// sees it:
//
//  * a request (it has an "id") by a call of a method no server has, so that
//    clangd itself answers it with a JSON-RPC MethodNotFound error;
//  * anything else by an ignored notification ($/taskleak/rejectedMessage).
//
// Each replacement is logged to stderr (clangd's log). Messages nested
// deeper than MaxDepth are replaced without being parsed. Only the default
// LSP framing (Content-Length headers) is guarded; with
// --input-style=delimited the input goes to clangd unchanged.
//
//===----------------------------------------------------------------------===//
#ifndef TASKLEAK_TOOLS_CLANGD_INPUTGUARD_H
#define TASKLEAK_TOOLS_CLANGD_INPUTGUARD_H

#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>

namespace taskleak {
namespace clangd {

/// Deeper JSON than this is never parsed.
constexpr unsigned MaxDepth = 512;

/// The body clangd should see in place of \p Body, or nothing when \p Body
/// is fine as it is (including invalid JSON, which clangd logs and skips).
/// \p Why says what was wrong.
std::optional<std::string> replacementFor(llvm::StringRef Body,
                                          std::string &Why);

/// Puts the guard between standard input and clangd. False (and nothing
/// changed) when the pipe or the thread cannot be made.
bool guardStandardInput();

} // namespace clangd
} // namespace taskleak

#endif
