#!/usr/bin/env python3
"""Runs one taskleak lit test, in the spirit of clang-tidy's check_clang_tidy.py.

  check_taskleak.py [-std=c++20] [-model=FILE] [-check-suffix=S]
                    [-check-options='CallDepth: 1, ...']
                    <source> <check-name> <temp-prefix> [-- <clang args>]

-check-options gives CheckOptions to both front ends: to clang-tidy in
--config, to the driver in a .clang-tidy file beside its copy of the source
(in a directory of its own, <temp-prefix>.opts/).

1. copies <source> without its CHECK lines to <temp>.cpp;
2. runs the taskleak driver on it, then the real clang-tidy-19 with our plugin
   and -fix, and requires both front ends to print the same diagnostics and
   to make the same fixes;
3. FileChecks CHECK-MESSAGES / CHECK-NOTES against the output (any other
   warning or error fails the test) and CHECK-FIXES against the fixed file;
4. compiles the fixed file with clang++, so that every fix-it is proven to
   leave compiling code.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys


def run(cmd, **kw):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, **kw)


def fail(msg, out=None):
    sys.stderr.write("check_taskleak: " + msg + "\n")
    if out is not None:
        sys.stderr.write(out)
    sys.exit(1)


def diag_lines(text, path):
    pat = re.compile(r"^" + re.escape(path) + r":\d+:\d+: (warning|error|note):")
    return [l for l in text.splitlines() if pat.match(l)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--clang-tidy", required=True)
    ap.add_argument("--plugin", required=True)
    ap.add_argument("--taskleak", required=True)
    ap.add_argument("--filecheck", required=True)
    ap.add_argument("--clangxx", required=True)
    ap.add_argument("-std", default="c++20")
    ap.add_argument("-model", default="")
    ap.add_argument("-check-suffix", dest="suffix", default="")
    ap.add_argument("-check-options", dest="options", default="")
    ap.add_argument("--driver-only", action="store_true",
                    help="check the driver alone (sanitized builds: no plugin)")
    ap.add_argument("source")
    ap.add_argument("check")
    ap.add_argument("temp")
    argv = sys.argv[1:]
    extra = []
    if "--" in argv:
        i = argv.index("--")
        argv, extra = argv[:i], argv[i + 1:]
    args = ap.parse_args(argv)

    src = open(args.source).read()
    suffix = "-" + args.suffix if args.suffix else ""
    msg_prefix, note_prefix, fix_prefix = ("CHECK-MESSAGES" + suffix,
                                           "CHECK-NOTES" + suffix,
                                           "CHECK-FIXES" + suffix)

    # Keep line numbers: CHECK lines become empty comments.
    cleaned = re.sub(r"// *CHECK-[A-Z0-9\-]*:[^\r\n]*", "//", src)
    tmp = args.temp + ".cpp"
    os.makedirs(os.path.dirname(os.path.abspath(tmp)), exist_ok=True)
    with open(tmp, "w") as f:
        f.write(cleaned)
    tmp_driver = args.temp + ".driver.cpp"
    if args.options:
        opts_dir = args.temp + ".opts"
        os.makedirs(opts_dir, exist_ok=True)
        tmp_driver = os.path.join(opts_dir, os.path.basename(args.temp) + ".driver.cpp")
        with open(os.path.join(opts_dir, ".clang-tidy"), "w") as f:
            f.write("CheckOptions: {%s}\n" % args.options)
    inputs = os.path.join(os.path.dirname(os.path.abspath(args.source)), "Inputs")
    clang_args = ["-std=" + args.std, "-isystem", inputs] + extra

    # The driver, on a copy, with --fix.
    with open(tmp_driver, "w") as f:
        f.write(cleaned)
    shutil.copy(tmp, tmp_driver)
    dcmd = [args.taskleak, "--checks=" + args.check, "--fix", "--quiet"]
    if args.model:
        dcmd.append("--model-file=" + args.model)
    dcmd += [tmp_driver, "--"] + clang_args
    d = run(dcmd)
    if d.returncode not in (0, 1):
        fail("taskleak failed (%d): %s" % (d.returncode, " ".join(dcmd)),
             d.stdout + d.stderr)

    if args.driver_only:
        # A sanitized build (lit.cfg.py): the driver's output and fixes are
        # the ones checked.
        out = "\n".join(l.replace(tmp_driver, tmp, 1) for l in d.stdout.splitlines()) + "\n"
        with open(args.temp + ".msg", "w") as f:
            f.write(out)
        shutil.copy(tmp_driver, tmp)
    else:
        out = run_clang_tidy(args, tmp, tmp_driver, clang_args, d)
    check_output(args, src, tmp, out, clang_args, msg_prefix, note_prefix, fix_prefix)


def run_clang_tidy(args, tmp, tmp_driver, clang_args, d):
    # clang-tidy with the plugin, with -fix.
    options = [args.options] if args.options else []
    if args.model:
        options.append("ModelFile: '%s'" % args.model)
    config = "{CheckOptions: {%s}}" % ", ".join(options)
    tcmd = [args.clang_tidy, "--load=" + args.plugin, "--checks=-*," + args.check,
            "--config=" + config, "-fix", tmp, "--"] + clang_args
    t = run(tcmd)
    if t.returncode != 0:
        fail("clang-tidy failed (%d): %s" % (t.returncode, " ".join(tcmd)),
             t.stdout + t.stderr)
    out = t.stdout
    with open(args.temp + ".msg", "w") as f:
        f.write(out)

    # The front ends must agree, diagnostic for diagnostic and fix for fix.
    tidy_diags = diag_lines(out, tmp)
    driver_diags = [l.replace(tmp_driver, tmp, 1)
                    for l in diag_lines(d.stdout, tmp_driver)]
    if tidy_diags != driver_diags:
        fail("clang-tidy and taskleak disagree:\n--- clang-tidy\n%s\n--- taskleak\n%s\n"
             % ("\n".join(tidy_diags), "\n".join(driver_diags)))
    if open(tmp).read() != open(tmp_driver).read():
        fail("clang-tidy and taskleak made different fixes (%s vs %s)"
             % (tmp, tmp_driver))
    return out


def check_output(args, src, tmp, out, clang_args, msg_prefix, note_prefix, fix_prefix):
    has_msgs = msg_prefix + ":" in src
    has_notes = note_prefix + ":" in src
    has_fixes = fix_prefix + ":" in src

    def filecheck(input_file, prefix, implicit, strict=False):
        cmd = [args.filecheck, "-input-file=" + input_file, args.source,
               "-check-prefixes=" + prefix]
        if implicit:
            cmd.append("-implicit-check-not=" + implicit)
        if strict:
            cmd.append("-strict-whitespace")
        r = run(cmd)
        if r.returncode != 0:
            fail("FileCheck %s failed:" % prefix, r.stdout + r.stderr +
                 "\n--- output ---\n" + out)

    if has_notes:
        filecheck(args.temp + ".msg", note_prefix, "{{note|warning|error}}:")
    if has_msgs or not has_notes:
        # With no CHECK-MESSAGES at all, this proves the file is silent.
        if has_msgs:
            filecheck(args.temp + ".msg", msg_prefix, "{{warning|error}}:")
        elif diag_lines(out, tmp):
            bad = [l for l in diag_lines(out, tmp) if ": note:" not in l]
            if bad:
                fail("unexpected diagnostics:\n" + "\n".join(bad) + "\n")
    if has_fixes:
        filecheck(tmp, fix_prefix, None, strict=True)

    # The fixed code must still compile.
    c = run([args.clangxx, "-fsyntax-only"] + clang_args + [tmp])
    if c.returncode != 0:
        fail("the fixed file does not compile:", c.stdout + c.stderr)


if __name__ == "__main__":
    main()
