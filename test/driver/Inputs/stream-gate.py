#!/usr/bin/env python3
"""stream-gate.py [--pty] [--hold=SECONDS] GATE OUT -- COMMAND [ARGS...]

Makes GATE a FIFO (a header that slow.cpp includes: clang blocks reading it
until someone writes it) and runs COMMAND with its stdout on a pipe, or with
--pty on a pseudo-terminal, and its stderr in OUT.err. It reads what COMMAND
prints until a finding in fast.cpp arrives (at most 120 s), checks that
COMMAND is still running -- slow.cpp cannot have been analysed, its header
was never written -- and only then writes GATE. With --hold, it waits
SECONDS instead, whatever arrives (ordered output: nothing should). COMMAND's
whole stdout goes to OUT; this script prints what it saw and "exit status: N".
"""
import os
import pty
import select
import subprocess
import sys
import time

args = sys.argv[1:]
use_pty = args[0] == "--pty"
if use_pty:
    args = args[1:]
hold = None
if args[0].startswith("--hold="):
    hold = float(args[0][len("--hold="):])
    args = args[1:]
gate, out, sep, command = args[0], args[1], args[2], args[3:]
assert sep == "--" and command
if os.path.lexists(gate):
    os.remove(gate)
os.mkfifo(gate)

if use_pty:
    reader, writer = pty.openpty()
else:
    reader, writer = os.pipe()
with open(out + ".err", "wb") as err:
    proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=writer,
                            stderr=err)
os.close(writer)

data = b""
eof = False


def read_some(timeout):
    global data, eof
    ready, _, _ = select.select([reader], [], [], timeout)
    if not ready:
        return
    try:
        chunk = os.read(reader, 65536)
    except OSError:  # EIO: the child closed the terminal
        chunk = b""
    if not chunk:
        eof = True
    data += chunk


if hold is not None:
    deadline = time.time() + hold
    while not eof and time.time() < deadline:
        read_some(max(0.0, min(1.0, deadline - time.time())))
    print("still running after %g s: %s" % (hold, proc.poll() is None))
else:
    deadline = time.time() + 120
    while not eof and b"fast.cpp:" not in data and time.time() < deadline:
        read_some(1.0)
    if b"fast.cpp:" in data and proc.poll() is None:
        # Let the rest of fast.cpp's findings arrive.
        time.sleep(1.0)
        read_some(0.1)
        print("fast.cpp's findings arrived while slow.cpp was still being "
              "analysed")
    else:
        print("no finding of fast.cpp arrived before slow.cpp was analysed")
before = data
with open(gate, "w") as g:  # unblocks slow.cpp's analysis
    g.write("void gate_work();\n")
while not eof:
    read_some(1.0)
proc.wait()
os.close(reader)
text = data.decode("utf-8", "replace").replace("\r\n", "\n")
with open(out, "w") as f:
    f.write(text)
print("printed before the gate: fast.cpp %s, slow.cpp %s"
      % (b"fast.cpp:" in before, b"slow.cpp:" in before))
print("exit status: %d" % proc.returncode)
