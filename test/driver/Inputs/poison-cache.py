#!/usr/bin/env python3
"""poison-cache.py CACHE MODE [ARG]: damages every entry of taskleak's cache
the way a hostile shared cache could.

  foreign-fix FILE   the first diagnostic's fix-it edits FILE
  foreign-file FILE  the first diagnostic points into FILE
  offset             a fix-it far past the end of the file
  negative           a negative offset
  tag                an entry of another format (taskleak-cache-v1)
  symlink DIR        the entry is a symbolic link to a copy in DIR
  dirlink DIR        the entry's directory is a link to a copy in DIR
  fifo               the entry is a FIFO (reading it would block)
"""
import glob
import json
import os
import shutil
import sys

cache, mode = sys.argv[1], sys.argv[2]
arg = sys.argv[3] if len(sys.argv) > 3 else None
entries = sorted(glob.glob(os.path.join(cache, "v2", "*", "*.json")))
if not entries:
    sys.exit("poison-cache: no entries in " + cache)


def rewrite(path, change):
    with open(path) as f:
        entry = json.load(f)
    change(entry)
    with open(path, "w") as f:
        json.dump(entry, f)


def first_message(entry):
    return entry["diagnostics"][0]["message"]


for path in entries:
    if mode == "foreign-fix":
        rewrite(path, lambda e: first_message(e).update(
            fixes=[{"file": arg, "offset": 0, "length": 0, "text": "POISON"}]))
    elif mode == "foreign-file":
        rewrite(path, lambda e: first_message(e).update(file=arg, offset=0))
    elif mode == "offset":
        rewrite(path, lambda e: first_message(e).update(
            fixes=[{"file": first_message(e)["file"], "offset": 1 << 30,
                    "length": 5, "text": "x"}]))
    elif mode == "negative":
        rewrite(path, lambda e: first_message(e).update(offset=-1))
    elif mode == "tag":
        rewrite(path, lambda e: e.update(format="taskleak-cache-v1"))
    elif mode == "symlink":
        copy = os.path.join(arg, os.path.basename(path))
        shutil.copy(path, copy)
        os.unlink(path)
        os.symlink(copy, path)
    elif mode == "dirlink":
        d = os.path.dirname(path)
        if os.path.islink(d) or not os.path.exists(path):
            continue
        copy = os.path.join(arg, os.path.basename(d))
        shutil.copytree(d, copy)
        shutil.rmtree(d)
        os.symlink(copy, d)
    elif mode == "fifo":
        os.unlink(path)
        os.mkfifo(path)
    else:
        sys.exit("poison-cache: unknown mode " + mode)
