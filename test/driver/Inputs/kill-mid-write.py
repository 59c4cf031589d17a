#!/usr/bin/env python3
"""kill-mid-write.py DIR -- COMMAND...

Runs COMMAND and kills it with SIGKILL as soon as a temporary file of
taskleak's writer (".<name>.taskleak-XXXXXXXX") appears in DIR, that is in
the middle of writing a file there. Prints "killed mid-write" or, when the
command ended before any temporary file was seen, "not killed", and removes
the temporary file a SIGKILL leaves behind (nothing can remove it then).
"""
import os
import signal
import subprocess
import sys
import time

directory, command = sys.argv[1], sys.argv[3:]


def temporaries():
    return [n for n in os.listdir(directory) if ".taskleak-" in n]


p = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
deadline = time.time() + 120
killed = False
while p.poll() is None and time.time() < deadline:
    if temporaries():
        p.send_signal(signal.SIGKILL)
        killed = True
        break
    time.sleep(0.0005)
p.wait()
print("killed mid-write" if killed else "not killed")
for n in temporaries():
    os.unlink(os.path.join(directory, n))
