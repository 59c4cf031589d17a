//===--- InputGuard.cpp - keep clangd alive on hostile LSP input ----------===//
#include "tools/taskleak-clangd/InputGuard.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <cerrno>
#include <cstdio>
#include <thread>
#include <unistd.h>

using namespace llvm;

namespace taskleak {
namespace clangd {

namespace {

/// The deepest nesting of arrays and objects in \p Text, outside strings,
/// without recursion; stops counting past \p Limit.
unsigned nestingDepth(StringRef Text, unsigned Limit) {
  unsigned Depth = 0, Max = 0;
  bool InString = false, Escaped = false;
  for (const char C : Text) {
    if (InString) {
      if (Escaped)
        Escaped = false;
      else if (C == '\\')
        Escaped = true;
      else if (C == '"')
        InString = false;
      continue;
    }
    if (C == '"')
      InString = true;
    else if (C == '[' || C == '{') {
      Max = std::max(Max, ++Depth);
      if (Max > Limit)
        return Max;
    } else if ((C == ']' || C == '}') && Depth > 0)
      --Depth;
  }
  return Max;
}

std::string frame(StringRef Body) {
  return ("Content-Length: " + Twine(Body.size()) + "\r\n\r\n" + Body).str();
}

bool writeAll(int FD, StringRef Data) {
  while (!Data.empty()) {
    const ssize_t N = ::write(FD, Data.data(), Data.size());
    if (N < 0 && errno == EINTR)
      continue;
    if (N <= 0)
      return false;
    Data = Data.drop_front(static_cast<size_t>(N));
  }
  return true;
}

/// Reads LSP messages from \p In and writes them, or their replacements, to
/// \p Out; closes \p Out at the end of the input.
void pump(std::FILE *In, int Out) {
  std::string Line;
  for (;;) {
    // The header block, kept as it is; Content-Length tells the body.
    std::string Headers;
    std::optional<size_t> Length;
    bool Eof = false;
    for (;;) {
      Line.clear();
      int C;
      while ((C = std::fgetc(In)) != EOF && C != '\n')
        Line.push_back(static_cast<char>(C));
      if (C == EOF) {
        Eof = true;
        break;
      }
      Headers += Line + "\n";
      const StringRef L = StringRef(Line).rtrim("\r");
      if (L.empty())
        break;
      auto [Name, Value] = L.split(':');
      size_t N;
      if (Name.trim().equals_insensitive("content-length") &&
          !Value.trim().getAsInteger(10, N))
        Length = N;
    }
    if (Eof) {
      (void)writeAll(Out, Headers + Line);
      break;
    }
    std::string Body;
    if (Length) {
      Body.resize(*Length);
      Body.resize(std::fread(Body.data(), 1, *Length, In));
    }
    std::string Why;
    std::optional<std::string> Replacement = Length && Body.size() == *Length
                                                 ? replacementFor(Body, Why)
                                                 : std::nullopt;
    if (Replacement) {
      errs() << "taskleak-clangd: replaced an LSP message clangd would stop "
                "on ("
             << Why << ")\n";
      errs().flush();
    }
    if (!writeAll(Out, Replacement ? frame(*Replacement) : Headers + Body))
      break;
    if (Length && Body.size() != *Length)
      break; // the input ended inside a body
  }
  ::close(Out);
}

} // namespace

std::optional<std::string> replacementFor(StringRef Body, std::string &Why) {
  const json::Value Ignored = json::Object{
      {"jsonrpc", "2.0"}, {"method", "$/taskleak/rejectedMessage"}};
  if (nestingDepth(Body, MaxDepth) > MaxDepth) {
    Why = "JSON nested deeper than " + std::to_string(MaxDepth) + " levels";
    return formatv("{0}", Ignored).str();
  }
  Expected<json::Value> V = json::parse(Body);
  if (!V) {
    consumeError(V.takeError()); // clangd logs it and goes on
    return std::nullopt;
  }
  const json::Object *O = V->getAsObject();
  const bool IsJSONRPC = O && O->getString("jsonrpc") == StringRef("2.0");
  const bool HasId = O && O->get("id");
  if (IsJSONRPC && (O->getString("method") || HasId))
    return std::nullopt;
  Why = !O           ? "not a JSON object"
        : !IsJSONRPC ? "not JSON-RPC 2.0"
                     : "neither a method nor an id";
  if (!HasId)
    return formatv("{0}", Ignored).str();
  // clangd answers an unknown method with MethodNotFound, for this id.
  const json::Value Call =
      json::Object{{"jsonrpc", "2.0"},
                   {"id", *O->get("id")},
                   {"method", "$/taskleak/invalidRequest"}};
  return formatv("{0}", Call).str();
}

bool guardStandardInput() {
  int Pipe[2];
  if (::pipe(Pipe) != 0)
    return false;
  const int Original = ::dup(0);
  std::FILE *In = Original >= 0 ? ::fdopen(Original, "rb") : nullptr;
  if (!In || ::dup2(Pipe[0], 0) < 0) {
    if (In)
      std::fclose(In);
    else if (Original >= 0)
      ::close(Original);
    ::close(Pipe[0]);
    ::close(Pipe[1]);
    return false;
  }
  ::close(Pipe[0]);
  std::thread(pump, In, Pipe[1]).detach();
  return true;
}

} // namespace clangd
} // namespace taskleak
