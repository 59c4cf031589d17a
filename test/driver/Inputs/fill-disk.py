#!/usr/bin/env python3
"""fill-disk.py FILE: writes FILE until its file system is full."""
import errno
import sys

with open(sys.argv[1], "wb", buffering=0) as f:
    block = b"\0" * 4096
    try:
        while True:
            f.write(block)
    except OSError as e:
        if e.errno not in (errno.ENOSPC, errno.EFBIG):
            raise
