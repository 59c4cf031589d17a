#!/usr/bin/env python3
"""check-clangd.py yes|no PATH [MAJOR]: taskleak-clangd is installed at PATH
and runs as clangd MAJOR (default 19) (yes: it was built), or is absent (no:
configured with -DTASKLEAK_CLANGD=OFF)."""
import os
import subprocess
import sys

expected, path = sys.argv[1], sys.argv[2]
major = sys.argv[3] if len(sys.argv) > 3 else "19"
if expected == "no":
    if os.path.exists(path):
        sys.exit("%s exists, but taskleak-clangd was not built" % path)
    print("taskleak-clangd: not built, not installed")
    sys.exit(0)
out = subprocess.run([path, "--version"], stdout=subprocess.PIPE,
                     stderr=subprocess.STDOUT, universal_newlines=True)
sys.stdout.write(out.stdout)
if out.returncode != 0 or "clangd version %s" % major not in out.stdout:
    sys.exit("%s --version failed (status %d)" % (path, out.returncode))
