#!/usr/bin/env python3
"""Proves that scripts/add-check creates a check that builds and whose test runs.

  add_check_test.py --source ROOT --work DIR --cxx CXX [--build-type T]
                    [--cxx-flags F] [--launcher CCACHE] [--jobs N]

1. copies the sources of ROOT (what git tracks, with the working tree's
   changes, and new files not ignored) to DIR/src;
2. runs scripts/add-check there for a new check;
3. requires test/manifest/check_manifest.py to find nothing but the one step
   add-check leaves to a person (naming the class in docs/design.md);
4. configures DIR/src/build like the build under test, builds the driver and
   the clang-tidy plugin only, and runs the new lit test, which goes through
   both front ends.
With ccache as the launcher and DIR under ROOT, CCACHE_BASEDIR=ROOT makes the
copy's unchanged sources hit the cache: only the new check and the files that
include the manifest are compiled (about 90 s on two cores). When they would
miss it (the build under test did not compile through ccache, or with another
cache or base directory) the test is skipped, with the reason, instead of
rebuilding everything.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import time

NAME = "probe-added-check"
SUMMARY = ("Finds spawns of a probe check that scripts/add-check created, so "
           "that a test can build it and run its generated test.")
LIT = "/usr/lib/llvm-19/build/utils/lit/lit.py"


def run(cmd, **kw):
    print("add_check_test: $ " + " ".join(cmd), flush=True)
    start = time.time()
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       universal_newlines=True, **kw)
    print("add_check_test:   %.0f s, exit %d" % (time.time() - start,
                                                 p.returncode), flush=True)
    return p


def must(cmd, **kw):
    p = run(cmd, **kw)
    if p.returncode != 0:
        sys.stdout.write(p.stdout)
        sys.exit("add_check_test: failed: " + " ".join(cmd))
    return p


SKIP = 77  # ctest's SKIP_RETURN_CODE for this test


def cache_is_warm(build, env, launcher):
    """Whether the copy's unchanged sources hit ccache (the build under test
    compiled them with the same ccache, CCACHE_BASEDIR above both trees).
    Otherwise the copy would compile everything, tens of minutes on two
    cores: the test is skipped, saying why."""
    if "ccache" not in os.path.basename(launcher or ""):
        print("add_check_test: skipped: the build under test does not compile "
              "through ccache (make check does), so the copy would rebuild "
              "everything")
        return False
    log = os.path.join(build, "ccache-probe.log")
    probe = dict(env, CCACHE_STATSLOG=log)
    must(["cmake", "--build", build, "--target",
          "lib/CMakeFiles/taskleakCore.dir/Models.cpp.o"], env=probe)
    hit = os.path.exists(log) and "cache_hit" in open(log).read()
    if not hit:
        print("add_check_test: skipped: an unchanged source of the copy missed "
              "the ccache (CCACHE_DIR=%s, CCACHE_BASEDIR=%s); build with "
              "`make build` or export them as the build under test had them"
              % (env.get("CCACHE_DIR", "default"), env.get("CCACHE_BASEDIR")))
    return hit


def copy_sources(root, dst):
    files = subprocess.run(
        ["git", "-C", root, "ls-files", "-z", "--cached", "--others",
         "--exclude-standard"], stdout=subprocess.PIPE, check=True).stdout
    for rel in files.decode().split("\0"):
        src = os.path.join(root, rel)
        if not rel or not os.path.isfile(src):
            continue  # deleted in the working tree
        os.makedirs(os.path.dirname(os.path.join(dst, rel)), exist_ok=True)
        shutil.copy2(src, os.path.join(dst, rel))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--source", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--cxx", required=True)
    ap.add_argument("--build-type", default="Release")
    ap.add_argument("--cxx-flags", default="")
    ap.add_argument("--launcher", default="")
    ap.add_argument("--jobs", default="2")
    args = ap.parse_args()
    root, work = os.path.abspath(args.source), os.path.abspath(args.work)
    src, build = os.path.join(work, "src"), os.path.join(work, "src", "build")
    shutil.rmtree(work, ignore_errors=True)
    copy_sources(root, src)

    must([sys.executable, os.path.join(src, "scripts", "add-check"), NAME,
          "--summary", SUMMARY])
    p = run([sys.executable, os.path.join(src, "test", "manifest",
                                          "check_manifest.py"), src])
    left = [l for l in p.stdout.splitlines() if l.startswith("check_manifest:")]
    cls = "ProbeAddedCheckCheck"
    if left != ["check_manifest: docs/design.md: does not name %s" % cls]:
        sys.stdout.write(p.stdout)
        sys.exit("add_check_test: after add-check, the manifest test should "
                 "only ask for %s in docs/design.md" % cls)

    env = dict(os.environ)
    env.setdefault("CCACHE_BASEDIR", root)
    cmake = ["cmake", "-S", src, "-B", build, "-G", "Ninja",
             "-DCMAKE_CXX_COMPILER=" + args.cxx,
             "-DCMAKE_BUILD_TYPE=" + args.build_type,
             "-DCMAKE_CXX_FLAGS=" + args.cxx_flags]
    if args.launcher:
        cmake.append("-DCMAKE_CXX_COMPILER_LAUNCHER=" + args.launcher)
    must(cmake, env=env)
    if not cache_is_warm(build, env, args.launcher):
        return SKIP
    must(["cmake", "--build", build, "-j", args.jobs, "--target", "taskleak",
          "TaskleakTidyPlugin"], env=env)
    p = must([sys.executable, LIT, "-sv", os.path.join(build, "test"),
              "--filter", "checkers/%s\\.cpp" % NAME], env=env)
    if not re.search(r"^\s*Passed\s*:\s*1 ", p.stdout, re.M):
        sys.stdout.write(p.stdout)
        sys.exit("add_check_test: the generated test did not run")
    shutil.rmtree(work, ignore_errors=True)
    print("add_check_test: taskleak-%s builds and its generated test passes" % NAME)
    return 0


if __name__ == "__main__":
    sys.exit(main())
