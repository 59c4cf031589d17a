#!/usr/bin/env python3
"""apply-replacements.py DIR

Runs clang-apply-replacements (LLVM 19) on the YAML fix files in DIR and
exits with its status.
"""
import os
import shutil
import subprocess
import sys

tool = (shutil.which("clang-apply-replacements-19")
        or next((p for p in ["/usr/lib/llvm-19/bin/clang-apply-replacements"]
                 if os.path.exists(p)), None))
if not tool:
    sys.exit("apply-replacements: clang-apply-replacements-19 not found")
sys.exit(subprocess.call([tool, sys.argv[1]]))
