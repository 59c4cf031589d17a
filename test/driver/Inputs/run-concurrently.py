#!/usr/bin/env python3
"""run-concurrently.py PREFIX N -- COMMAND...: starts N copies of COMMAND at
once; copy i writes PREFIX.i.out and PREFIX.i.err, and PREFIX.status gets a
line "i: exit STATUS" for each."""
import subprocess
import sys

prefix, n, command = sys.argv[1], int(sys.argv[2]), sys.argv[4:]
procs = []
for i in range(n):
    out = open("%s.%d.out" % (prefix, i), "w")
    err = open("%s.%d.err" % (prefix, i), "w")
    procs.append(subprocess.Popen(command, stdout=out, stderr=err))
with open(prefix + ".status", "w") as status:
    for i, p in enumerate(procs):
        status.write("%d: exit %d\n" % (i, p.wait()))
