#!/usr/bin/env python3
"""check-clangd.py yes|no PATH: taskleak-clangd is installed at PATH and runs
(yes: it was built), or is absent (no: configured with -DTASKLEAK_CLANGD=OFF)."""
import os
import subprocess
import sys

expected, path = sys.argv[1], sys.argv[2]
if expected == "no":
    if os.path.exists(path):
        sys.exit("%s exists, but taskleak-clangd was not built" % path)
    print("taskleak-clangd: not built, not installed")
    sys.exit(0)
out = subprocess.run([path, "--version"], stdout=subprocess.PIPE,
                     stderr=subprocess.STDOUT, universal_newlines=True)
sys.stdout.write(out.stdout)
if out.returncode != 0 or "clangd version 19" not in out.stdout:
    sys.exit("%s --version failed (status %d)" % (path, out.returncode))
