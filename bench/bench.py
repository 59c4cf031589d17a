#!/usr/bin/env python3
"""CPU time and peak memory of taskleak against `clang++ -fsyntax-only` on
the same TUs: the repository's own set, real projects' compile databases
(--real, from projects fetched outside the repository) and synthetic TUs of
growing size (--synthetic). Run it through bench/run.sh; see bench/README.md.
Standard library only.

    bench/run.sh [BUILD_DIR] [--real DB]... [--filter RE] [--per-db N]
                 [--synthetic 25,50,100,200] [--no-own]

Environment:
    TASKLEAK        taskleak binary (default: BUILD_DIR/bin/taskleak)
    TASKLEAK_ARGS   extra taskleak options put before the file, shell-split
    CLANGXX         compiler to compare against (default: clang++-19)
    BENCH_RUNS      runs per TU and tool; the median counts (default: 3)
    BENCH_TIMEOUT   seconds one run may take before the TU is skipped (600)
    BENCH_REAL      more --real databases, colon-separated
"""

import argparse
import json
import re
import tempfile
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


class Run:
    """One run of a command: wall and CPU seconds (user + system, of the
    process and its children), peak resident set size in MiB, exit status
    (None: timed out) and the first bytes of stderr."""

    def __init__(self, wall, cpu, rss_mib, status, stderr):
        self.wall, self.cpu, self.rss, self.status, self.stderr = (
            wall, cpu, rss_mib, status, stderr)


def measured(cmd, cwd, timeout):
    """Like timed(), with CPU time and peak RSS of exactly this child: run it
    in a fresh Python process that reports its child's rusage."""
    probe = [sys.executable, "-c", _PROBE, str(timeout), *cmd]
    start = time.perf_counter()
    try:
        proc = subprocess.run(probe, cwd=cwd, stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              timeout=timeout + 30)
    except subprocess.TimeoutExpired:
        return Run(time.perf_counter() - start, 0.0, 0.0, None, b"")
    wall = time.perf_counter() - start
    try:
        status, cpu, rss = proc.stdout.decode().split()
    except ValueError:
        return Run(wall, 0.0, 0.0, 127, proc.stderr)
    status = None if status == "timeout" else int(status)
    return Run(wall, float(cpu), int(rss) / 1024.0, status, proc.stderr)


# Runs argv[2:] with a timeout of argv[1] seconds and prints "status cpu
# maxrss_kib" of that child, from os.wait4 (getrusage of the one process).
_PROBE = r"""
import os, signal, subprocess, sys
p = subprocess.Popen(sys.argv[2:], stdin=subprocess.DEVNULL,
                     stdout=subprocess.DEVNULL, stderr=sys.stderr)
def expire(*_):
    p.kill()
    _, _, ru = os.wait4(p.pid, 0)
    print("timeout 0 0")
    sys.exit(0)
signal.signal(signal.SIGALRM, expire)
signal.alarm(max(1, int(float(sys.argv[1]))))
_, status, ru = os.wait4(p.pid, 0)
signal.alarm(0)
code = os.waitstatus_to_exitcode(status)
print(code, ru.ru_utime + ru.ru_stime, ru.ru_maxrss)
"""


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


def load_real_databases(paths, pattern, per_db):
    """TUs of the compile databases given with --real / BENCH_REAL: a
    compile_commands.json or a directory holding one."""
    tus = []
    for given in paths:
        db_file = Path(given)
        if db_file.is_dir():
            db_file = db_file / "compile_commands.json"
        if not db_file.is_file():
            die(f"no compile database: {given}")
        try:
            entries = json.loads(db_file.read_text())
        except (OSError, ValueError) as err:
            die(f"cannot read {db_file}: {err}")
        seen, taken = set(), 0
        for entry in entries:
            directory = Path(entry.get("directory", "."))
            src = (directory / entry["file"]).resolve()
            if src in seen or src.suffix not in (".cpp", ".cc", ".cxx", ".c"):
                continue
            if pattern and not re.search(pattern, str(src)):
                continue
            seen.add(src)
            tus.append((str(src), src, flags_from_entry(entry), directory, None))
            taken += 1
            if per_db and taken >= per_db:
                break
    return tus


def synthetic_tus(sizes, workdir):
    tus = []
    for units in sizes:
        out = workdir / f"synthetic-{units}.cpp"
        subprocess.run([sys.executable, str(REPO / "bench" / "synthetic.py"),
                        str(units), str(out)], check=True)
        tus.append((f"synthetic {units} units", out, ["-std=c++20"], workdir, None))
    return tus


def user_lines(clang, flags, src, cwd):
    """Lines of the TU's own code: the source file and every header it
    includes from outside /usr (clang -M lists them)."""
    try:
        proc = subprocess.run([clang, *flags, "-M", "-MG", str(src)], cwd=cwd,
                              stdin=subprocess.DEVNULL, capture_output=True,
                              timeout=120)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if proc.returncode != 0:
        return None
    text = proc.stdout.decode(errors="replace").replace("\\\n", " ")
    deps = text.split(":", 1)[1].split() if ":" in text else []
    total = 0
    for dep in set(deps):
        path = (Path(cwd) / dep).resolve()
        if str(path).startswith("/usr/") or not path.is_file():
            continue
        with open(path, "rb") as f:
            total += sum(1 for _ in f)
    return total


def median(values):
    values = sorted(values)
    mid = len(values) // 2
    return values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="bench/run.sh",
        description="CPU time and peak memory of taskleak against "
                    "clang++ -fsyntax-only on the same TUs (bench/README.md).")
    parser.add_argument("build_dir", nargs="?", default="build")
    parser.add_argument("--real", action="append", default=[], metavar="DB",
                        help="a compile_commands.json (or its directory) of a "
                             "project outside the repository; repeatable "
                             "(also BENCH_REAL, colon-separated)")
    parser.add_argument("--filter", default=os.environ.get("BENCH_FILTER", ""),
                        help="only the --real TUs whose path matches this regex")
    parser.add_argument("--per-db", type=int, default=0,
                        help="at most this many TUs of each --real database")
    parser.add_argument("--synthetic", default="", metavar="SIZES",
                        help="comma-separated unit counts of bench/synthetic.py "
                             "TUs, e.g. 25,50,100,200")
    parser.add_argument("--no-own", action="store_true",
                        help="leave out the repository's own TU set")
    return parser.parse_args(argv[1:])


def main(argv):
    args = parse_args(argv)
    build_dir = Path(args.build_dir)
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

    tus = []
    if not args.no_own:
        db, db_path = load_database(build_dir)
        if db is None:
            print(f"note: {rel(db_path)} not found; the repository's own TUs "
                  "are skipped", flush=True)
        # `make demo` configures the example into BUILD_DIR/example.
        example_db, _ = load_database(build_dir / "example")
        tus += collect_tus(db, db_path, {**(db or {}), **(example_db or {})})
    real = args.real + [p for p in os.environ.get("BENCH_REAL", "").split(":") if p]
    tus += load_real_databases(real, args.filter, args.per_db)
    tmp = Path(tempfile.mkdtemp(prefix="taskleak-bench-"))
    try:
        if args.synthetic:
            try:
                sizes = [int(x) for x in args.synthetic.split(",") if x]
            except ValueError:
                die("--synthetic takes comma-separated integers")
            tus += synthetic_tus(sizes, tmp)
        return measure_all(tus, clang, taskleak, extra, runs, timeout)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def measure_all(tus, clang, taskleak, extra, runs, timeout):
    print(f"compiler: {clang} -fsyntax-only")
    print(f"taskleak: {taskleak} --no-cache {' '.join(extra)}".rstrip())
    print(f"median of {runs} run(s) per TU and tool; CPU = user + system "
          "seconds; memory = peak RSS in MiB\n")
    name_width = min(60, max(36, max((len(t[0]) for t in tus), default=0)))
    print(f"{'TU':<{name_width}} {'lines':>7} {'cpu':>8} {'cpu':>8} {'cpu':>6} "
          f"{'MiB':>6} {'MiB':>6} {'mem':>6}")
    print(f"{'':<{name_width}} {'(user)':>7} {'compile':>8} {'taskleak':>8} "
          f"{'ratio':>6} {'compile':>6} {'tl':>6} {'ratio':>6}")
    sys.stdout.flush()

    total_compile = total_taskleak = 0.0
    worst_mem = 0.0
    measured_tus = skipped = 0
    for name, src, flags, cwd, why in tus:
        shown = name if len(name) <= name_width else "..." + name[-(name_width - 3):]
        if flags is None:
            print(f"{shown:<{name_width}} skipped: {why}", flush=True)
            skipped += 1
            continue
        compile_cmd = [clang, *flags, "-fsyntax-only", str(src)]
        taskleak_cmd = [taskleak, "--no-cache", *extra, str(src), "--", *flags]
        compiles, analyses = [], []
        problem = None
        for _ in range(runs):
            run = measured(compile_cmd, cwd, timeout)
            if run.status != 0:
                problem = ("compile timed out" if run.status is None else
                           f"compile failed (exit {run.status}): {first_line(run.stderr)}")
                break
            compiles.append(run)
            # Exit status 1 only means that taskleak reported findings.
            run = measured(taskleak_cmd, cwd, timeout)
            if run.status not in (0, 1):
                problem = ("taskleak timed out" if run.status is None else
                           f"taskleak failed (exit {run.status}): {first_line(run.stderr)}")
                break
            analyses.append(run)
        if problem:
            print(f"{shown:<{name_width}} skipped: {problem}", flush=True)
            skipped += 1
            continue
        lines = user_lines(clang, flags, src, cwd)
        c_cpu, t_cpu = median([r.cpu for r in compiles]), median([r.cpu for r in analyses])
        c_rss, t_rss = median([r.rss for r in compiles]), median([r.rss for r in analyses])
        measured_tus += 1
        total_compile += c_cpu
        total_taskleak += t_cpu
        cpu_ratio = t_cpu / c_cpu if c_cpu > 0 else 0.0
        mem_ratio = t_rss / c_rss if c_rss > 0 else 0.0
        worst_mem = max(worst_mem, mem_ratio)
        print(f"{shown:<{name_width}} {lines if lines is not None else '?':>7} "
              f"{c_cpu:8.2f} {t_cpu:8.2f} {cpu_ratio:5.2f}x "
              f"{c_rss:6.0f} {t_rss:6.0f} {mem_ratio:5.2f}x", flush=True)

    print()
    if measured_tus == 0:
        print(f"no TU could be measured ({skipped} skipped)")
        print("taskleak/compile ratio: n/a over 0 TUs")
        return 1
    total_ratio = total_taskleak / total_compile if total_compile > 0 else 0.0
    label = f"total ({measured_tus} TUs, {skipped} skipped)"
    print(f"{label:<{name_width}} {'':>7} {total_compile:8.2f} {total_taskleak:8.2f} "
          f"{total_ratio:5.2f}x")
    print(f"taskleak/compile ratio: {total_ratio:.2f}x over {measured_tus} TUs "
          f"(CPU); largest peak-memory ratio {worst_mem:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
