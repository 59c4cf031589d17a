#!/usr/bin/env python3
"""no-library-names.py ROOT

Fails (exit 1, listing file:line) when a quoted library name appears in the
analysis code outside the model layer: every library fact lives in
lib/models/builtin.taskleak.yaml and is read by lib/ModelLoader.cpp; checks
and analyses ask lib/Library.h (docs/models.md). Comments are not code and
are ignored.
"""
import os
import re
import sys

# A string literal starting with a library's namespace or a Qt class.
QUALIFIED = re.compile(r'"(::)?(std|boost|asio|absl|pthread|Q[A-Z]|__gnu|folly|tbb)')
# Library-specific name fragments a check or analysis would match on, in a
# literal that is a name (not prose: "detached thread ..." in a diagnostic).
FRAGMENTS = re.compile(
    r'"[\w:]*(timer|detached|use_awaitable|make_unique|make_shared|'
    r'notify_all|notify_one|jthread|this_coro|co_spawn)[\w:]*"')
# The model layer: the only files that may name a library.
MODEL_LAYER = {"lib/ModelLoader.cpp"}


def code_of(line):
    """The line without its // comment (outside string literals)."""
    out, in_str, i = [], False, 0
    while i < len(line):
        c = line[i]
        if in_str:
            if c == "\\":
                out.append(line[i:i + 2])
                i += 2
                continue
            if c == '"':
                in_str = False
        elif c == '"':
            in_str = True
        elif line.startswith("//", i) or line.startswith("/*", i):
            break
        out.append(c)
        i += 1
    return "".join(out)


def main():
    root = sys.argv[1]
    bad = []
    for sub in ("lib", "checks"):
        for dirpath, _, files in os.walk(os.path.join(root, sub)):
            for name in sorted(files):
                if not name.endswith((".cpp", ".h", ".inc")):
                    continue
                path = os.path.join(dirpath, name)
                rel = os.path.relpath(path, root)
                if rel in MODEL_LAYER:
                    continue
                with open(path, encoding="utf-8") as f:
                    for n, line in enumerate(f, 1):
                        if line.lstrip().startswith(("//", "*", "/*")):
                            continue
                        code = code_of(line)
                        if QUALIFIED.search(code) or FRAGMENTS.search(code):
                            bad.append("%s:%d: %s" % (rel, n, line.strip()))
    for b in bad:
        print(b)
    if bad:
        print("%d line(s) quote a library name outside the model layer: "
              "add the fact to lib/models/builtin.taskleak.yaml and ask "
              "lib/Library.h" % len(bad))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
