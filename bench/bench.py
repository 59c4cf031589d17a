#!/usr/bin/env python3
"""Wall time of taskleak against a plain `clang++ -fsyntax-only`, per TU.

Run it through bench/run.sh; see bench/README.md. Standard library only.

    bench/run.sh [BUILD_DIR]        (default BUILD_DIR: build)

Environment:
    TASKLEAK        taskleak binary (default: BUILD_DIR/bin/taskleak)
    TASKLEAK_ARGS   extra taskleak options put before the file, shell-split
    CLANGXX         compiler to compare against (default: clang++-19)
    BENCH_RUNS      runs per TU and tool; the best one counts (default: 3)
    BENCH_TIMEOUT   seconds one run may take before the TU is skipped (600)
"""

import json
import os
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EXAMPLE_SRC = REPO / "examples" / "iot-collector" / "src"
HEAVY_STD = REPO / "bench" / "heavy_std.cpp"
# Sources of this repository that include Clang headers; flags come from the
# build's compile_commands.json.
REPO_GLOBS = ["lib/*.cpp", "checks/*.cpp", "tools/taskleak/*.cpp"]

# Compiler options with a separate argument that only matter for producing
# objects or dependency files.
DROP_WITH_ARG = {"-o", "-MF", "-MT", "-MQ"}
DROP_ALONE = {"-c", "-MD", "-MMD", "-MP", "-fsyntax-only"}


def die(message, status=2):
    print(f"bench: {message}", file=sys.stderr)
    sys.exit(status)


def rel(path):
    try:
        return str(Path(path).resolve().relative_to(REPO))
    except ValueError:
        return str(path)


def flags_from_entry(entry):
    """Compiler flags of a compile_commands.json entry, without the compiler,
    the source file, output and dependency-file options."""
    if "arguments" in entry:
        args = list(entry["arguments"])
    else:
        args = shlex.split(entry["command"])
    directory = Path(entry.get("directory", "."))
    source = (directory / entry["file"]).resolve()
    flags = []
    i = 1  # args[0] is the compiler
    while i < len(args):
        arg = args[i]
        if arg == "--":
            break  # only inputs follow
        if arg in DROP_WITH_ARG:
            i += 2
            continue
        if arg in DROP_ALONE or (arg.startswith("-o") and len(arg) > 2):
            i += 1
            continue
        if not arg.startswith("-") and (directory / arg).resolve() == source:
            i += 1
            continue
        flags.append(arg)
        i += 1
    return flags


def load_database(build_dir):
    db_path = build_dir / "compile_commands.json"
    if not db_path.is_file():
        return None, db_path
    try:
        entries = json.loads(db_path.read_text())
    except (OSError, ValueError) as err:
        die(f"cannot read {db_path}: {err}")
    db = {}
    for entry in entries:
        directory = Path(entry.get("directory", "."))
        db[(directory / entry["file"]).resolve()] = entry
    return db, db_path


def collect_tus(db, db_path, example_db):
    """[(display name, source, flags or None, working dir, why-not)]"""
    tus = []
    for src in sorted(EXAMPLE_SRC.glob("*.cpp")):
        entry = example_db.get(src.resolve()) if example_db else None
        if entry:
            tus.append((rel(src), src, flags_from_entry(entry),
                        Path(entry.get("directory", ".")), None))
        else:
            tus.append((rel(src), src,
                        ["-std=c++20", "-Wall", "-Wextra", f"-I{EXAMPLE_SRC}"],
                        REPO, None))
    tus.append((rel(HEAVY_STD), HEAVY_STD, ["-std=c++20"], REPO, None))
    for pattern in REPO_GLOBS:
        for src in sorted(REPO.glob(pattern)):
            entry = db.get(src.resolve()) if db else None
            if entry is None:
                why = (f"no entry in {db_path}" if db is not None
                       else f"{db_path} not found")
                tus.append((rel(src), src, None, REPO, why))
            else:
                tus.append((rel(src), src, flags_from_entry(entry),
                            Path(entry.get("directory", ".")), None))
    return tus


def timed(cmd, cwd, timeout):
    """(seconds, exit status, stderr); status None means timed out."""
    start = time.perf_counter()
    try:
        proc = subprocess.run(cmd, cwd=cwd, stdin=subprocess.DEVNULL,
                              stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, timeout=timeout)
    except subprocess.TimeoutExpired:
        return time.perf_counter() - start, None, b""
    except OSError as err:
        return time.perf_counter() - start, 127, str(err).encode()
    return time.perf_counter() - start, proc.returncode, proc.stderr


def first_line(stderr):
    """The first error line of a tool's stderr, else its first line."""
    lines = [l.strip() for l in stderr.decode(errors="replace").splitlines()
             if l.strip()]
    for line in lines:
        if "error" in line:
            return line[:160]
    return lines[0][:160] if lines else ""


def resolve_taskleak(build_dir):
    tool = os.environ.get("TASKLEAK") or str(build_dir / "bin" / "taskleak")
    found = shutil.which(tool) if os.sep not in tool else tool
    if not found or not os.path.isfile(found) or not os.access(found, os.X_OK):
        die(f"taskleak binary not found: {tool} "
            "(build it first, or set TASKLEAK=/path/to/taskleak)")
    return found


def main(argv):
    if any(a in ("-h", "--help") for a in argv[1:]):
        print(__doc__.strip())
        return 0
    if len(argv) > 2:
        die("usage: bench/run.sh [BUILD_DIR]")
    build_dir = Path(argv[1] if len(argv) > 1 else "build")
    if not build_dir.is_absolute() and not build_dir.exists():
        build_dir = REPO / build_dir  # allow running from anywhere
    build_dir = build_dir.resolve()

    try:
        runs = int(os.environ.get("BENCH_RUNS", "3"))
        timeout = float(os.environ.get("BENCH_TIMEOUT", "600"))
    except ValueError:
        die("BENCH_RUNS must be an integer and BENCH_TIMEOUT a number")
    if runs < 1:
        die("BENCH_RUNS must be at least 1")

    clang = os.environ.get("CLANGXX", "clang++-19")
    if not shutil.which(clang):
        die(f"compiler not found: {clang} (set CLANGXX)")
    taskleak = resolve_taskleak(build_dir)
    extra = shlex.split(os.environ.get("TASKLEAK_ARGS", ""))

    db, db_path = load_database(build_dir)
    if db is None:
        print(f"note: {rel(db_path)} not found; the repository's own TUs "
              "are skipped", flush=True)
    # `make demo` configures the example into BUILD_DIR/example.
    example_db, _ = load_database(build_dir / "example")
    tus = collect_tus(db, db_path, {**(db or {}), **(example_db or {})})

    print(f"compiler: {clang} -fsyntax-only")
    print(f"taskleak: {taskleak} {' '.join(extra)}".rstrip())
    print(f"best of {runs} run(s) per TU, wall time in seconds\n")
    name_width = max(36, max(len(t[0]) for t in tus))
    print(f"{'TU':<{name_width}} {'compile':>9} {'taskleak':>9} {'ratio':>7}")
    sys.stdout.flush()

    total_compile = total_taskleak = 0.0
    measured = skipped = 0
    for name, src, flags, cwd, why in tus:
        if flags is None:
            print(f"{name:<{name_width}} skipped: {why}", flush=True)
            skipped += 1
            continue
        compile_cmd = [clang, *flags, "-fsyntax-only", str(src)]
        taskleak_cmd = [taskleak, *extra, str(src), "--", *flags]
        best_compile = best_taskleak = float("inf")
        problem = None
        for _ in range(runs):
            seconds, status, err = timed(compile_cmd, cwd, timeout)
            if status != 0:
                problem = ("compile timed out" if status is None else
                           f"compile failed (exit {status}): {first_line(err)}")
                break
            best_compile = min(best_compile, seconds)
            # Exit status 1 only means that taskleak reported findings.
            seconds, status, err = timed(taskleak_cmd, cwd, timeout)
            if status not in (0, 1):
                problem = ("taskleak timed out" if status is None else
                           f"taskleak failed (exit {status}): {first_line(err)}")
                break
            best_taskleak = min(best_taskleak, seconds)
        if problem:
            print(f"{name:<{name_width}} skipped: {problem}", flush=True)
            skipped += 1
            continue
        measured += 1
        total_compile += best_compile
        total_taskleak += best_taskleak
        ratio = best_taskleak / best_compile if best_compile > 0 else 0.0
        print(f"{name:<{name_width}} {best_compile:9.3f} {best_taskleak:9.3f} "
              f"{ratio:6.2f}x", flush=True)

    print()
    if measured == 0:
        print(f"no TU could be measured ({skipped} skipped)")
        print("taskleak/compile ratio: n/a over 0 TUs")
        return 1
    total_ratio = total_taskleak / total_compile if total_compile > 0 else 0.0
    label = f"total ({measured} TUs, {skipped} skipped)"
    print(f"{label:<{name_width}} {total_compile:9.3f} {total_taskleak:9.3f} "
          f"{total_ratio:6.2f}x")
    print(f"taskleak/compile ratio: {total_ratio:.2f}x over {measured} TUs")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
