#!/usr/bin/env python3
"""pty-run.py COMMAND [ARGS...]

Runs COMMAND with its stderr on a pseudo-terminal (stdout and stdin on
/dev/null) and prints what it wrote there, with carriage returns shown as
<CR> and escape characters as <ESC>, then "[exit N]".
"""
import os
import pty
import subprocess
import sys

master, slave = pty.openpty()
proc = subprocess.Popen(sys.argv[1:], stdin=subprocess.DEVNULL,
                        stdout=subprocess.DEVNULL, stderr=slave)
os.close(slave)
data = b""
while True:
    try:
        chunk = os.read(master, 4096)
    except OSError:  # EIO: the child closed the terminal
        break
    if not chunk:
        break
    data += chunk
proc.wait()
text = data.decode("utf-8", "replace").replace("\r\n", "\n")
sys.stdout.write(text.replace("\r", "<CR>").replace("\x1b", "<ESC>"))
sys.stdout.write("\n[exit %d]\n" % proc.returncode)
