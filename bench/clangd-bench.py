#!/usr/bin/env python3
"""The editor path: taskleak-clangd's time to first diagnostics, and to the
diagnostics after an edit, with the taskleak checks on and off.

    bench/clangd-bench.py [--runs N] [--server BIN] FILE -- FLAGS...

For each FILE (one per call), in a fresh temporary folder holding a copy of
it and a compile_flags.txt with FLAGS (include paths are made absolute):

  on   a .clangd that adds the taskleak checks (`Diagnostics: ClangTidy: Add:
       taskleak-*`, FastCheckFilter: None, so clangd runs them as it would
       for a user who asks for them);
  off  the same server with `--clang-tidy=false`.

Each run starts the server, opens the file and takes the time from didOpen to
its first textDocument/publishDiagnostics ("open": preamble, parse, checks),
then appends a comment line (didChange) and takes the time to the next
publishDiagnostics ("edit": the main file again, the preamble reused). The
median of --runs runs (default 3) is printed for on and off, and their ratio.
The client is test/clangd/lsp_client.py's. Standard library only.
"""
import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "test" / "clangd"))
import lsp_client  # noqa: E402

CLANGD_ON = """\
Diagnostics:
  ClangTidy:
    Add: [taskleak-*]
    FastCheckFilter: None
"""


def absolute_flags(flags, cwd):
    out = []
    for f in flags:
        for p in ("-I", "-isystem"):
            if f.startswith(p) and len(f) > len(p) and not os.path.isabs(f[len(p):]):
                f = p + os.path.join(cwd, f[len(p):])
        out.append(f)
    return out


def one_run(server_bin, source, flags, checks_on, timeout):
    root = tempfile.mkdtemp(prefix="taskleak-clangd-bench-")
    try:
        name = os.path.basename(source)
        path = os.path.join(root, name)
        shutil.copy(source, path)
        with open(os.path.join(root, "compile_flags.txt"), "w") as f:
            f.write("\n".join(flags) + "\n")
        if checks_on:
            with open(os.path.join(root, ".clangd"), "w") as f:
                f.write(CLANGD_ON)
        argv = [server_bin, "--log=error", "--background-index=false"]
        if not checks_on:
            argv.append("--clang-tidy=false")
        env = dict(os.environ)
        env.pop("CLANGD_FLAGS", None)
        env["XDG_CONFIG_HOME"] = os.path.join(root, ".xdg-config")
        server = lsp_client.Server(argv, root, env, None,
                                   time.monotonic() + timeout)
        uri = lsp_client.uri_of(path)
        server.request("initialize", {"processId": os.getpid(),
                                      "rootUri": lsp_client.uri_of(root),
                                      "capabilities": {}})
        server.notify("initialized", {})
        text = open(path, encoding="utf-8", errors="replace").read()
        start = time.monotonic()
        server.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "cpp", "version": 1, "text": text}})
        server.wait_notification("textDocument/publishDiagnostics",
                                 lambda p: p.get("uri") == uri)
        opened = time.monotonic() - start
        start = time.monotonic()
        server.notify("textDocument/didChange", {
            "textDocument": {"uri": uri, "version": 2},
            "contentChanges": [{"text": text + "\n// edited\n"}]})
        server.wait_notification(
            "textDocument/publishDiagnostics",
            lambda p: p.get("uri") == uri and p.get("version", 2) == 2)
        edited = time.monotonic() - start
        server.request("shutdown", None)
        server.notify("exit", None)
        server.proc.wait(timeout=30)
        return opened, edited
    finally:
        shutil.rmtree(root, ignore_errors=True)


def main():
    argv = sys.argv[1:]
    flags = []
    if "--" in argv:
        i = argv.index("--")
        argv, flags = argv[:i], argv[i + 1:]
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--server", default=str(REPO / "build" / "bin" / "taskleak-clangd"))
    ap.add_argument("--timeout", type=float, default=600)
    args = ap.parse_args(argv)
    source = os.path.abspath(args.file)
    flags = absolute_flags(flags, os.getcwd())
    results = {}
    # Interleaved, so that a change in the machine's load hits both alike.
    for _ in range(args.runs):
        for on in (False, True):
            results.setdefault(on, []).append(
                one_run(args.server, source, flags, on, args.timeout))
    med = {on: (statistics.median(r[0] for r in rs), statistics.median(r[1] for r in rs))
           for on, rs in results.items()}
    print("%-40s %8s %8s %7s   %8s %8s %7s" % ("TU (median of %d)" % args.runs,
          "open off", "open on", "ratio", "edit off", "edit on", "ratio"))
    print("%-40s %8.2f %8.2f %6.2fx   %8.2f %8.2f %6.2fx" % (
        os.path.basename(source)[:40], med[False][0], med[True][0],
        med[True][0] / med[False][0], med[False][1], med[True][1],
        med[True][1] / med[False][1]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
