#!/usr/bin/env python3
"""with-limits.py --status=FILE [--fsize=BYTES] [--ignore-sigxfsz] [--tmpfs=DIR:SIZE] -- COMMAND...

Runs COMMAND with a file size limit (RLIMIT_FSIZE: a write past it raises
SIGXFSZ, which kills the process mid-write, or fails with EFBIG when the
signal is ignored) and/or with a small tmpfs mounted on DIR (a full disk),
unmounted afterwards whatever happens. Prints "exit: N" or "signal: NAME"
to FILE and exits 0, so that the caller checks the outcome with FileCheck.
"""
import os
import resource
import signal
import subprocess
import sys

args = sys.argv[1:]
fsize, ignore, tmpfs, status = None, False, None, None
while args and args[0] != "--":
    a = args.pop(0)
    if a.startswith("--fsize="):
        fsize = int(a.split("=", 1)[1])
    elif a.startswith("--status="):
        status = a.split("=", 1)[1]
    elif a == "--ignore-sigxfsz":
        ignore = True
    elif a.startswith("--tmpfs="):
        tmpfs = a.split("=", 1)[1].rsplit(":", 1)
    else:
        sys.exit("with-limits: unknown option " + a)
command = args[1:]


def limit():
    if ignore:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    if fsize is not None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))


mounted = False
try:
    if tmpfs:
        subprocess.check_call(["mount", "-t", "tmpfs", "-o", "size=" + tmpfs[1],
                               "tmpfs", tmpfs[0]])
        mounted = True
    r = subprocess.call(command, preexec_fn=limit)
finally:
    if mounted:
        subprocess.call(["umount", tmpfs[0]])
with open(status, "w") as f:
    if r < 0:
        f.write("signal: %s\n" % signal.Signals(-r).name)
    else:
        f.write("exit: %d\n" % r)
