#!/usr/bin/env python3
"""Verifies everything that names the taskleak checks against checks/Checks.def.

  check_manifest.py <repository root>      report every disagreement, exit 1
  check_manifest.py --self-test <root>     prove that each kind of disagreement
                                           is found, on a scratch copy

For every entry of the manifest: checks/CLASS.h and .cpp exist, the first
paragraph of the class comment is the summary, TaskleakModule.cpp includes the
header; docs/checks/NAME.md exists, opens with the summary, has the fixed
sections and an Options row for each option with its default; a lit test
test/checkers/NAME*.cpp exists, and NAME-fix.cpp exactly when the entry has
fix-its. The README table, docs/usage.md (count, list, the --list-checks
example) and test/driver/list-checks.test list the checks in the manifest's
order with the manifest's summaries; docs/design.md names each class. A doc
page with no entry fails.
"""
import os
import re
import shutil
import sys
import tempfile

SECTIONS = ["Why it matters", "What is reported", "Examples", "Fix-its",
            "Options", "Known limitations"]
NUMBERS = ["zero", "one", "two", "three", "four", "five", "six", "seven",
           "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen",
           "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty"]

STRING = r'"(?:[^"\\]|\\.)*"'
STRINGS = r'((?:%s\s*)+)' % STRING


def literal(text):
    """The value of adjacent C string literals."""
    return "".join(bytes(s[1:-1], "utf-8").decode("unicode_escape")
                   for s in re.findall(STRING, text))


def parse_manifest(root):
    text = open(os.path.join(root, "checks", "Checks.def")).read()
    text = re.sub(r"^//.*$", "", text, flags=re.M)
    checks, options, common = [], [], []
    for m in re.finditer(r'^TASKLEAK_CHECK\((%s),\s*(\w+),\s*%s,\s*(true|false)\)'
                         % (STRING, STRINGS), text, re.M):
        checks.append({"name": literal(m.group(1)), "class": m.group(2),
                       "summary": literal(m.group(3)),
                       "fixits": m.group(4) == "true"})
    for m in re.finditer(r'^TASKLEAK_CHECK_OPTION\((\w+),\s*(\w+),\s*(%s),\s*%s\)'
                         % (STRING, STRINGS), text, re.M):
        options.append({"class": m.group(1), "name": m.group(2),
                        "default": literal(m.group(3)),
                        "doc": literal(m.group(4))})
    for m in re.finditer(r'^TASKLEAK_COMMON_OPTION\((\w+),\s*(%s),\s*%s\)'
                         % (STRING, STRINGS), text, re.M):
        common.append({"name": m.group(1), "default": literal(m.group(2)),
                       "doc": literal(m.group(3))})
    entries = len(re.findall(r"^TASKLEAK_(CHECK|CHECK_OPTION|COMMON_OPTION)\(",
                             text, re.M))
    return checks, options, common, entries


def read(root, *path):
    p = os.path.join(root, *path)
    return open(p).read() if os.path.exists(p) else None


def paragraphs(lines):
    """The paragraphs of \\p lines, each joined on one line."""
    out, cur = [], []
    for line in lines + [""]:
        if line.strip():
            cur.append(line.strip())
        elif cur:
            out.append(" ".join(cur))
            cur = []
    return out


def class_comment(header, cls):
    """The paragraphs of the /// comment right above `class CLS`."""
    lines = header.split("\n")
    for i, line in enumerate(lines):
        if re.match(r"class %s\b" % cls, line):
            j = i
            while j > 0 and lines[j - 1].startswith("///"):
                j -= 1
            return paragraphs([l[3:] for l in lines[j:i]])
    return None


def doc_page(text):
    """(title, first paragraph, section titles) of a check page."""
    lines = text.split("\n")
    title = lines[0] if lines else ""
    body, sections, fence = [], [], False
    for line in lines[1:]:
        if line.startswith("```"):
            fence = not fence
        if not fence and line.startswith("## "):
            sections.append(line[3:].strip())
        elif not sections:
            body.append(line)
    first = paragraphs(body)
    return title, first[0] if first else "", sections


def section(text, title):
    m = re.search(r"^## %s\n(.*?)(?=^## |\Z)" % re.escape(title), text,
                  re.M | re.S)
    return m.group(1) if m else ""


def check_summary(c, errors):
    s = c["summary"]
    where = "checks/Checks.def: %s:" % c["name"]
    if not s.startswith("Finds ") or not s.endswith("."):
        errors.append("%s the summary is one sentence 'Finds ....'" % where)
    if re.search(r"\.\s", s) or "`" in s or "this check" in s.lower():
        errors.append("%s the summary is one plain-text sentence (no '. ', no "
                      "backquotes, not 'this check')" % where)


def check_entry(root, c, own, common, errors):
    name, cls = c["name"], c["class"]
    check_summary(c, errors)
    header = read(root, "checks", cls + ".h")
    if header is None or read(root, "checks", cls + ".cpp") is None:
        errors.append("checks/%s.h and checks/%s.cpp: missing for %s"
                      % (cls, cls, name))
    else:
        comment = class_comment(header, cls)
        if not comment or comment[0] != c["summary"]:
            errors.append("checks/%s.h: the class comment's first paragraph is "
                          "not the manifest's summary of %s:\n  %r\n  %r"
                          % (cls, name, comment[0] if comment else None,
                             c["summary"]))
        if "docs/checks/%s.md" % name not in header:
            errors.append("checks/%s.h: does not point to docs/checks/%s.md"
                          % (cls, name))
    module = read(root, "checks", "TaskleakModule.cpp") or ""
    if '#include "checks/%s.h"' % cls not in module:
        errors.append("checks/TaskleakModule.cpp: does not include checks/%s.h"
                      % cls)
    page = read(root, "docs", "checks", name + ".md")
    if page is None:
        errors.append("docs/checks/%s.md: missing (the page of %s)"
                      % (name, name))
    else:
        check_page(name, page, c, own, common, errors)
    tests = [f for f in os.listdir(os.path.join(root, "test", "checkers"))
             if f.startswith(name) and f.endswith(".cpp")
             and re.match(r"^(-[a-z0-9]+)*\.cpp$", f[len(name):])]
    if not tests:
        errors.append("test/checkers/%s*.cpp: no lit test for %s" % (name, name))
    has_fix_test = (name + "-fix.cpp") in tests
    if has_fix_test != c["fixits"]:
        errors.append("test/checkers/%s-fix.cpp: %s, but the manifest says "
                      "HasFixIts=%s" % (name, "exists" if has_fix_test else
                                        "missing", str(c["fixits"]).lower()))


def check_page(name, page, c, own, common, errors):
    where = "docs/checks/%s.md:" % name
    title, first, sections = doc_page(page)
    if title != "# taskleak-" + name:
        errors.append("%s the title is not '# taskleak-%s'" % (where, name))
    if first != c["summary"]:
        errors.append("%s the first paragraph is not the manifest's summary:"
                      "\n  %r\n  %r" % (where, first, c["summary"]))
    wanted = [s for s in SECTIONS]
    got = [s if s != "Fix-it" else "Fix-its" for s in sections if
           (s if s != "Fix-it" else "Fix-its") in SECTIONS]
    if got != wanted:
        errors.append("%s the sections %s are not %s, in that order"
                      % (where, got, wanted))
    options = section(page, "Options")
    for o in common + own:
        row = re.search(r"^\| `%s` \|.*$" % o["name"], options, re.M)
        if not row:
            errors.append("%s the Options table has no row `%s`"
                          % (where, o["name"]))
        elif o in own and "`%s`" % o["default"] not in row.group(0):
            errors.append("%s the Options row of `%s` does not show its "
                          "default `%s`" % (where, o["name"], o["default"]))


def check_readme(root, checks, errors):
    text = section(read(root, "README.md") or "", "Checks")
    rows = re.findall(r"^\| \[`taskleak-([a-z0-9-]+)`\]\(docs/checks/([a-z0-9-]+)"
                      r"\.md\) \| (.*) \|$", text, re.M)
    want = [(c["name"], c["name"], c["summary"]) for c in checks]
    if rows != want:
        errors.append("README.md: the table of '## Checks' is not the "
                      "manifest's (name, page, summary), in its order:\n  %s"
                      % "\n  ".join(difference(rows, want)))


def difference(got, want):
    out = ["missing or different: %r" % (w,) for w in want if w not in got]
    out += ["not in the manifest: %r" % (g,) for g in got if g not in want]
    return out or ["the order differs"]


def list_output(checks):
    lines = ["Enabled checks:"]
    for c in checks:
        lines += ["    taskleak-" + c["name"], "        " + c["summary"]]
    return lines + [""]


def check_usage(root, checks, errors):
    text = read(root, "docs", "usage.md") or ""
    count = NUMBERS[len(checks)] if len(checks) < len(NUMBERS) else str(len(checks))
    if not re.search(r"^taskleak has %s checks" % count, text, re.M):
        errors.append("docs/usage.md: does not open with 'taskleak has %s "
                      "checks'" % count)
    items = re.findall(r"^\* \[`taskleak-([a-z0-9-]+)`\]\(checks/([a-z0-9-]+)\.md\):"
                       r"\n((?:  .*\n)+)", text, re.M)
    got = [(a, b, " ".join(l.strip() for l in s.strip().split("\n")))
           for a, b, s in items]
    want = [(c["name"], c["name"], c["summary"]) for c in checks]
    if got != want:
        errors.append("docs/usage.md: the list of checks is not the "
                      "manifest's (name, page, summary), in its order:\n  %s"
                      % "\n  ".join(difference(got, want)))
    m = re.search(r"^\$ build/bin/taskleak --list-checks\n((?:.+\n)*\n)", text,
                  re.M)
    if not m or m.group(1).split("\n")[:-1] != list_output(checks):
        errors.append("docs/usage.md: the output of '$ build/bin/taskleak "
                      "--list-checks' is not the manifest's list")


def check_list_test(root, checks, errors):
    text = read(root, "test", "driver", "list-checks.test") or ""
    def lines(prefix):
        return [l.split(":", 1)[1].strip() for l in text.split("\n")
                if re.match(r"^%s(-NEXT)?: " % prefix, l)]
    names = ["taskleak-" + c["name"] for c in checks]
    want = ["Enabled checks:"] + [x for c in checks for x in
                                  ("taskleak-" + c["name"], c["summary"])]
    if lines("DRIVER") != want:
        errors.append("test/driver/list-checks.test: the DRIVER lines are not "
                      "the manifest's names and summaries")
    if lines("LIST") != ["Enabled checks:"] + names:
        errors.append("test/driver/list-checks.test: the LIST lines are not "
                      "the manifest's names")
    if lines("ALL") != names:
        errors.append("test/driver/list-checks.test: the ALL lines are not the "
                      "manifest's names")


def verify(root):
    checks, options, common, entries = parse_manifest(root)
    errors = []
    if entries != len(checks) + len(options) + len(common):
        errors.append("checks/Checks.def: %d entries, of which only %d could "
                      "be read" % (entries, len(checks) + len(options) +
                                   len(common)))
    names = [c["name"] for c in checks]
    if names != sorted(set(names)):
        errors.append("checks/Checks.def: the checks are not sorted by name, "
                      "or one is listed twice")
    classes = [c["class"] for c in checks]
    for o in options:
        if o["class"] not in classes:
            errors.append("checks/Checks.def: option %s of %s, which is no "
                          "check" % (o["name"], o["class"]))
    for c in checks:
        own = [o for o in options if o["class"] == c["class"]]
        check_entry(root, c, own, common, errors)
    for page in sorted(os.listdir(os.path.join(root, "docs", "checks"))):
        if page.endswith(".md") and page[:-3] not in names:
            errors.append("docs/checks/%s: no check '%s' in checks/Checks.def"
                          % (page, page[:-3]))
    check_readme(root, checks, errors)
    check_usage(root, checks, errors)
    check_list_test(root, checks, errors)
    design = read(root, "docs", "design.md") or ""
    for c in checks:
        if c["class"] not in design:
            errors.append("docs/design.md: does not name %s" % c["class"])
    return checks, errors


FILES = ["checks", "docs", "README.md", "test/checkers", "test/driver/list-checks.test"]


def self_test(root):
    """Each fault, made on a scratch copy, must be reported."""
    faults = {
        "a page with no entry": lambda d: open(
            os.path.join(d, "docs/checks/no-such-check.md"), "w").write("# x\n"),
        "a header summary that differs": lambda d: edit(
            d, "checks/DetachedThreadCheck.h", "/// Finds detach()",
            "/// Reports detach()"),
        "a page summary that differs": lambda d: edit(
            d, "docs/checks/unjoined-thread.md", "Finds", "Reports"),
        "a missing lit test": lambda d: [os.remove(os.path.join(
            d, "test/checkers", f)) for f in os.listdir(
                os.path.join(d, "test/checkers")) if f.startswith(
                    "detached-thread")],
        "a missing README row": lambda d: edit(
            d, "README.md", "| [`taskleak-detached-thread`]", "| [`x`]"),
        "a wrong count in usage.md": lambda d: edit(
            d, "docs/usage.md", "taskleak has ", "taskleak has 99 "),
        "a check missing from design.md": lambda d: edit(
            d, "docs/design.md", "DetachedThreadCheck", "Detached"),
        "a missing page section": lambda d: edit(
            d, "docs/checks/detached-thread.md", "## Examples", "## Samples"),
        "a stale list-checks test": lambda d: edit(
            d, "test/driver/list-checks.test",
            "DRIVER-NEXT: taskleak-detached-thread", "DRIVER-NEXT: x"),
    }
    failed = []
    for what, make in faults.items():
        with tempfile.TemporaryDirectory() as d:
            for f in FILES:
                src, dst = os.path.join(root, f), os.path.join(d, f)
                os.makedirs(os.path.dirname(dst), exist_ok=True)
                (shutil.copytree if os.path.isdir(src) else shutil.copy)(src, dst)
            make(d)
            _, errors = verify(d)
            if not errors:
                failed.append(what)
    for what in failed:
        sys.stderr.write("check_manifest: self-test: %s is not reported\n" % what)
    return 1 if failed else 0


def edit(d, path, old, new):
    p = os.path.join(d, path)
    text = open(p).read()
    assert old in text, (path, old)
    open(p, "w").write(text.replace(old, new, 1))


def main(argv):
    if len(argv) == 3 and argv[1] == "--self-test":
        return self_test(argv[2])
    if len(argv) != 2:
        sys.stderr.write(__doc__)
        return 2
    checks, errors = verify(argv[1])
    for e in errors:
        sys.stderr.write("check_manifest: " + e + "\n")
    if not checks:
        sys.stderr.write("check_manifest: checks/Checks.def lists no check\n")
        return 1
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
