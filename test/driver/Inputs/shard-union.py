#!/usr/bin/env python3
"""shard-union.py ALL.json SHARD1.json ... SHARDN.json

Compares taskleak's JSON reports: the shards' translation units must not
overlap and must together be ALL's, and so must their findings.
"""
import json
import os
import sys


def load(path):
    d = json.load(open(path))
    return d["translationUnits"], [
        (f["file"], f["line"], f["column"], f["check"], f["message"])
        for f in d["findings"]]


all_units, all_findings = load(sys.argv[1])
units, findings = [], []
for k, path in enumerate(sys.argv[2:], 1):
    u, f = load(path)
    print("shard %d: %s" % (k, " ".join(os.path.basename(x) for x in u)))
    units += u
    findings += f
if len(set(units)) != len(units):
    sys.exit("shard-union: a translation unit is in two shards")
if sorted(units) != sorted(all_units):
    sys.exit("shard-union: the shards' translation units are not the whole run's")
if len(set(findings)) != len(findings):
    sys.exit("shard-union: a finding is in two shards")
if sorted(findings) != sorted(all_findings):
    sys.exit("shard-union: the shards' findings are not the whole run's")
print("%d TUs and %d findings in the shards, the same as in the whole run, "
      "no overlap" % (len(units), len(findings)))
