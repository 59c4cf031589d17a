#!/usr/bin/env python3
"""lsp_client.py -- a minimal LSP client (stdlib only) for testing taskleak-clangd.

    lsp_client.py [options] SOURCE... -- SERVER [SERVER ARGS...]

Starts SERVER as a language server over stdio (in --root, default the first
SOURCE's folder) and opens each SOURCE in turn: waits for its first
textDocument/publishDiagnostics and prints every diagnostic, one a line
(positions are 1-based line:column, like clang's):

    file leak.cpp
    diag 6:15-6:16 warning clang-tidy taskleak-spawn-without-stop-token: <message>
    diagnostics: 1

With --code-actions-for=CODE it asks textDocument/codeAction over each
diagnostic with that code (a CODE ending in * : each code that starts with
the rest) and prints the actions and their edits:

    action quickfix "<title>"
      edit 6:3-6:14 "std::jthread"
    actions: 1

and, with --apply-to=FILE, writes the first SOURCE that has a quick fix, with
that fix's edits applied, to FILE. Finally it shuts the server down (shutdown,
exit) and checks that it exits with status 0 (--stderr-before-shutdown=FILE
first writes what the server has logged so far). The server's stderr goes to
--stderr=FILE (default: this script's stderr). The server gets no user
configuration ($XDG_CONFIG_HOME points into --root) and no $CLANGD_FLAGS.

With --send-raw=BODY (repeatable) it sends BODY as it is, without adding
"jsonrpc", right after the initialization (@deep:N stands for N nested
arrays); for a BODY with an "id" it waits for the answer and prints

    raw reply <id>: error <code>

Everything has a deadline (--timeout, the whole run): when the server dies,
stops answering or sends something malformed, the script says why (with the
server's stderr) and exits 1 -- it never hangs.
"""
import argparse
import json
import os
import queue
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request

SEVERITY = {1: "error", 2: "warning", 3: "info", 4: "hint"}


class Failure(Exception):
    pass


class Server:
    def __init__(self, argv, cwd, env, stderr_sink, deadline):
        self.deadline = deadline
        self.proc = subprocess.Popen(argv, cwd=cwd, env=env,
                                     stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE)
        self.inbox = queue.Queue()
        self.stderr_chunks = []
        self.stderr_sink = stderr_sink
        self.next_id = 0
        threading.Thread(target=self._read_stdout, daemon=True).start()
        self.stderr_thread = threading.Thread(target=self._read_stderr,
                                              daemon=True)
        self.stderr_thread.start()

    # --- Transport. -------------------------------------------------------

    def _read_stdout(self):
        out = self.proc.stdout
        try:
            while True:
                length = None
                while True:
                    line = out.readline()
                    if not line:
                        self.inbox.put(("eof", None))
                        return
                    line = line.strip()
                    if not line:
                        break
                    name, _, value = line.decode("ascii").partition(":")
                    if name.lower() == "content-length":
                        length = int(value)
                if length is None:
                    raise ValueError("message without Content-Length")
                body = out.read(length)
                if len(body) != length:
                    self.inbox.put(("eof", None))
                    return
                self.inbox.put(("message", json.loads(body)))
        except Exception as e:  # report it to the main thread
            self.inbox.put(("error", "bad message from the server: %s" % e))

    def _read_stderr(self):
        for chunk in iter(lambda: self.proc.stderr.readline(), b""):
            self.stderr_chunks.append(chunk)
            if self.stderr_sink:
                self.stderr_sink.write(chunk)
                self.stderr_sink.flush()

    def send(self, message):
        message["jsonrpc"] = "2.0"
        self.send_body(json.dumps(message).encode("utf-8"), message)

    def send_body(self, body, message=None):
        message = message or {}
        try:
            self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body))
            self.proc.stdin.write(body)
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            raise Failure("the server is gone (writing %s)"
                          % message.get("method", "a response"))

    def receive(self, what):
        """The next message; fails at the deadline or when the server dies."""
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise Failure("timed out waiting for %s" % what)
        try:
            kind, payload = self.inbox.get(timeout=remaining)
        except queue.Empty:
            raise Failure("timed out waiting for %s" % what)
        if kind == "eof":
            try:
                status = self.proc.wait(timeout=2)
            except subprocess.TimeoutExpired:
                status = "still running"
            raise Failure("the server closed its output (exit status %s) while "
                          "waiting for %s" % (status, what))
        if kind == "error":
            raise Failure(payload)
        # Requests from the server (registerCapability, configuration, ...)
        # get an empty answer so that it never waits on us.
        if "method" in payload and "id" in payload:
            self.send({"id": payload["id"], "result": None})
        return payload

    # --- JSON-RPC. --------------------------------------------------------

    def request(self, method, params):
        self.next_id += 1
        rid = self.next_id
        self.send({"id": rid, "method": method, "params": params})
        while True:
            msg = self.receive("the answer to %s" % method)
            if msg.get("id") == rid and "method" not in msg:
                if "error" in msg:
                    raise Failure("%s failed: %s" % (method, msg["error"]))
                return msg.get("result")

    def notify(self, method, params):
        self.send({"method": method, "params": params})

    def wait_notification(self, method, accept):
        while True:
            msg = self.receive(method)
            if msg.get("method") == method and "id" not in msg and \
                    accept(msg.get("params", {})):
                return msg["params"]

    def stderr_text(self):
        self.stderr_thread.join(timeout=1)
        return b"".join(self.stderr_chunks).decode("utf-8", "replace")


def uri_of(path):
    return urllib.parse.urljoin("file:", urllib.request.pathname2url(path))


def pos(p):
    return "%d:%d" % (p["line"] + 1, p["character"] + 1)


def rng(r):
    return "%s-%s" % (pos(r["start"]), pos(r["end"]))


def offset(text, p):
    """Offset of an LSP position; characters are UTF-16 code units, which are
    bytes for the ASCII sources this test uses."""
    lines = text.split("\n")
    return sum(len(l) + 1 for l in lines[:p["line"]]) + p["character"]


def apply_edits(text, edits):
    for e in sorted(edits, key=lambda e: offset(text, e["range"]["start"]),
                    reverse=True):
        start = offset(text, e["range"]["start"])
        end = offset(text, e["range"]["end"])
        text = text[:start] + e["newText"] + text[end:]
    return text


def edits_for(action, uri):
    edit = action.get("edit") or {}
    edits = list((edit.get("changes") or {}).get(uri, []))
    for change in edit.get("documentChanges") or []:
        if change.get("textDocument", {}).get("uri") == uri:
            edits.extend(change.get("edits", []))
    return edits


def code_matches(code, pattern):
    if pattern.endswith("*"):
        return str(code or "").startswith(pattern[:-1])
    return code == pattern


def check_file(server, source, root, code_actions_for):
    """Opens SOURCE, prints its diagnostics and the code actions for those
    with code CODE_ACTIONS_FOR; returns SOURCE with the first quick fix
    applied, or None."""
    with open(source, encoding="utf-8") as f:
        text = f.read()
    uri = uri_of(source)
    print("file %s" % os.path.relpath(source, root))
    server.notify("textDocument/didOpen", {"textDocument": {
        "uri": uri, "languageId": "cpp", "version": 1, "text": text}})
    published = server.wait_notification(
        "textDocument/publishDiagnostics",
        lambda p: p.get("uri") == uri and p.get("version", 1) == 1)
    diags = sorted(published["diagnostics"],
                   key=lambda d: (d["range"]["start"]["line"],
                                  d["range"]["start"]["character"],
                                  str(d.get("code", ""))))
    for d in diags:
        print("diag %s %s %s %s: %s" % (
            rng(d["range"]), SEVERITY.get(d.get("severity"), "?"),
            d.get("source", "?"), d.get("code", "?"),
            d["message"].replace("\n", "\\n")))
    print("diagnostics: %d" % len(diags))

    fixed = None
    for d in diags:
        if not code_actions_for or not code_matches(d.get("code"),
                                                    code_actions_for):
            continue
        actions = server.request("textDocument/codeAction", {
            "textDocument": {"uri": uri},
            "range": d["range"],
            "context": {"diagnostics": [d], "only": ["quickfix"]},
        }) or []
        for a in actions:
            print('action %s "%s"' % (a.get("kind", "?"), a.get("title")))
            edits = edits_for(a, uri)
            for e in sorted(edits, key=lambda e: offset(text, e["range"]["start"])):
                print('  edit %s "%s"' % (rng(e["range"]),
                                          e["newText"].replace("\n", "\\n")))
            if fixed is None and a.get("kind") == "quickfix" and edits:
                fixed = apply_edits(text, edits)
        print("actions: %d" % len(actions))
    server.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    return fixed


def send_raw(server, raw):
    """Sends RAW unchanged; waits for the answer when it has an id."""
    if raw.startswith("@deep:"):
        n = int(raw.split(":", 1)[1])
        raw = "[" * n + "]" * n
    server.send_body(raw.encode("utf-8"))
    try:
        rid = json.loads(raw).get("id")
    except (ValueError, AttributeError, RecursionError):
        rid = None
    if rid is None:
        return
    while True:
        msg = server.receive("the answer to a raw message")
        if msg.get("id") == rid and "method" not in msg:
            if "error" in msg:
                print("raw reply %s: error %s" % (rid, msg["error"].get("code")))
            else:
                print("raw reply %s: result" % rid)
            return


def run(args, server_argv):
    sources = [os.path.abspath(s) for s in args.sources]
    root = os.path.abspath(args.root or os.path.dirname(sources[0]))
    env = dict(os.environ)
    env.pop("CLANGD_FLAGS", None)
    # No user configuration: only the project's .clangd applies.
    env["XDG_CONFIG_HOME"] = os.path.join(root, ".xdg-config")
    sink = open(args.stderr, "wb") if args.stderr else sys.stderr.buffer
    deadline = time.monotonic() + args.timeout
    try:
        server = Server(server_argv, root, env, sink, deadline)
    except OSError as e:
        sys.stderr.write("lsp_client: FAILED: cannot start %s: %s\n"
                         % (server_argv[0], e))
        return 1
    try:
        server.request("initialize", {
            "processId": os.getpid(),
            "rootUri": uri_of(root),
            "capabilities": {
                "textDocument": {
                    "publishDiagnostics": {"relatedInformation": True},
                    "codeAction": {"codeActionLiteralSupport": {
                        "codeActionKind": {"valueSet": [
                            "", "quickfix", "refactor", "source"]}}},
                },
            },
        })
        server.notify("initialized", {})
        for raw in args.send_raw or []:
            send_raw(server, raw)
        fixed = None
        for source in sources:
            fix = check_file(server, source, root, args.code_actions_for)
            if fixed is None:
                fixed = fix
        if args.stderr_before_shutdown:
            # What the server has written to stderr while running: a log line
            # that only comes out at exit is not there.
            time.sleep(0.5)
            with open(args.stderr_before_shutdown, "w", encoding="utf-8") as f:
                f.write(b"".join(server.stderr_chunks).decode("utf-8", "replace"))
        if args.apply_to:
            if fixed is None:
                raise Failure("no quick fix to apply")
            with open(args.apply_to, "w", encoding="utf-8") as f:
                f.write(fixed)

        server.request("shutdown", None)
        server.notify("exit", None)
        try:
            status = server.proc.wait(timeout=max(1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            raise Failure("the server did not exit after shutdown/exit")
        server.stderr_thread.join(timeout=2)
        print("exit status: %d" % status)
        if status != 0:
            raise Failure("the server exited with status %d" % status)
        return 0
    except Failure as e:
        if server.proc.poll() is None:
            server.proc.kill()
            server.proc.wait()
        sys.stdout.flush()
        sys.stderr.write("lsp_client: FAILED: %s\n" % e)
        if args.stderr:  # otherwise it has been copied already
            sys.stderr.write("--- server stderr ---\n%s" % server.stderr_text())
        return 1
    finally:
        if args.stderr:
            sink.close()


def main():
    argv = sys.argv[1:]
    if "--" not in argv:
        sys.exit("usage: lsp_client.py [options] SOURCE -- SERVER [ARGS...]")
    split = argv.index("--")
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("sources", nargs="+", metavar="SOURCE")
    parser.add_argument("--root", help="the workspace (default: the first SOURCE's folder)")
    parser.add_argument("--code-actions-for", metavar="CODE")
    parser.add_argument("--apply-to", metavar="FILE")
    parser.add_argument("--stderr", metavar="FILE")
    parser.add_argument("--stderr-before-shutdown", metavar="FILE",
                        help="write the server's stderr so far to FILE once "
                        "every SOURCE's diagnostics arrived")
    parser.add_argument("--timeout", type=float, default=30)
    parser.add_argument("--send-raw", action="append", metavar="BODY")
    args = parser.parse_args(argv[:split])
    if not argv[split + 1:]:
        sys.exit("lsp_client.py: no server command after --")
    sys.exit(run(args, argv[split + 1:]))


if __name__ == "__main__":
    main()
