#!/usr/bin/env python3
"""Writes the fuzzer's seed corpus: every ```yaml block of docs/models.md and
every YAML file under test/ (good models and deliberately broken ones).

  seeds.py <repository root> <output directory>
"""
import os
import re
import sys


def main(root, out):
    os.makedirs(out, exist_ok=True)
    n = 0
    docs = open(os.path.join(root, "docs", "models.md")).read()
    for block in re.findall(r"^```ya?ml\n(.*?)^```", docs, re.M | re.S):
        n += 1
        open(os.path.join(out, "doc-%03d.yaml" % n), "w").write(block)
    for top, _, files in os.walk(os.path.join(root, "test")):
        for f in sorted(files):
            if f.endswith((".yaml", ".yml")):
                n += 1
                src = os.path.join(top, f)
                open(os.path.join(out, "test-%03d-%s" % (n, f)), "wb").write(
                    open(src, "rb").read())
    print("seeds.py: %d seeds in %s" % (n, out))
    return 0 if n else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
