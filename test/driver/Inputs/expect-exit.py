#!/usr/bin/env python3
"""expect-exit.py STATUS COMMAND [ARGS...]

Runs COMMAND with this process's stdin, stdout and stderr, and succeeds only
when it exits with exactly STATUS (`not` only tells zero from non-zero).
"""
import subprocess
import sys

if len(sys.argv) < 3:
    sys.exit("usage: expect-exit.py STATUS COMMAND [ARGS...]")
expected = int(sys.argv[1])
got = subprocess.call(sys.argv[2:])
if got != expected:
    sys.stderr.write("expect-exit: %s exited with %d, expected %d\n"
                     % (" ".join(sys.argv[2:]), got, expected))
    sys.exit(1)
