#!/usr/bin/env bash
# The taskleak driver in CI: how much does the result cache save, and how
# well does -j scale?
#
#   bench/ci-bench.sh [BUILD_DIR]          (default BUILD_DIR: build)
#
# The TUs: examples/iot-collector (its compile_commands.json is made with
# `cmake -S examples/iot-collector -B BUILD_DIR/example` when missing) and this
# repository's own lib/, checks/ and tools/ TUs from
# BUILD_DIR/compile_commands.json, merged into one compilation database in a
# temporary directory. Four runs of `taskleak -p <that directory>`:
#
#   j1      -j1 --no-cache
#   j2      -j2 --no-cache
#   cold    -j2 with an empty cache (--cache-dir in the temporary directory)
#   cached  -j2 again, nothing changed: every TU is a cache hit
#
# It prints the wall and CPU time of each run, `cached/cold` and `j2/j1` (wall
# time), and the load average, since other work on the machine distorts the
# -j ratio. The runs must print the same findings, else the script fails.
# Environment: TASKLEAK (default BUILD_DIR/bin/taskleak), CMAKE (default
# cmake), KEEP_TMP=1 keeps the temporary directory. BUILD_DIR's own
# .taskleak-cache is never used.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${1:-build}"
BUILD_DIR="$(cd "$BUILD_DIR" 2>/dev/null && pwd)" || {
  echo "ci-bench: no build directory '${1:-build}' (build taskleak first)" >&2
  exit 2
}
TASKLEAK="${TASKLEAK:-$BUILD_DIR/bin/taskleak}"
CMAKE="${CMAKE:-cmake}"
[ -x "$TASKLEAK" ] || { echo "ci-bench: $TASKLEAK is not executable" >&2; exit 2; }
[ -f "$BUILD_DIR/compile_commands.json" ] ||
  { echo "ci-bench: no $BUILD_DIR/compile_commands.json" >&2; exit 2; }

if [ ! -f "$BUILD_DIR/example/compile_commands.json" ]; then
  echo "ci-bench: configuring examples/iot-collector into $BUILD_DIR/example" >&2
  "$CMAKE" -S "$REPO/examples/iot-collector" -B "$BUILD_DIR/example" \
    -DCMAKE_CXX_COMPILER=clang++-19 > /dev/null
fi

TMP="$(mktemp -d "${TMPDIR:-/tmp}/taskleak-ci-bench.XXXXXX")"
[ "${KEEP_TMP:-0}" = 1 ] || trap 'rm -rf "$TMP"' EXIT
mkdir -p "$TMP/db"

python3 - "$REPO" "$BUILD_DIR" "$TMP/db/compile_commands.json" <<'PY'
import json, os, sys
repo, build, out = sys.argv[1:]
def load(path):
    entries = json.load(open(path))
    for e in entries:
        e["file"] = os.path.normpath(os.path.join(e["directory"], e["file"]))
    return entries
example = load(os.path.join(build, "example", "compile_commands.json"))
own = [e for e in load(os.path.join(build, "compile_commands.json"))
       if any(e["file"].startswith(os.path.join(repo, d) + os.sep)
              for d in ("lib", "checks", "tools"))]
json.dump(example + own, open(out, "w"), indent=1)
print("ci-bench: %d TUs (%d of examples/iot-collector, %d of lib/ checks/ tools/)"
      % (len(example) + len(own), len(example), len(own)), file=sys.stderr)
PY

# run NAME ARGS...: runs `taskleak -p $TMP/db ARGS` with its output in
# $TMP/NAME.out and .err, and prints its wall and CPU seconds.
run() {
  local name="$1"; shift
  python3 - "$TMP/$name" "$TASKLEAK" -p "$TMP/db" "$@" <<'PY'
import resource, subprocess, sys, time
prefix, cmd = sys.argv[1], sys.argv[2:]
start = time.monotonic()
with open(prefix + ".out", "w") as out, open(prefix + ".err", "w") as err:
    status = subprocess.call(cmd, stdout=out, stderr=err)
wall = time.monotonic() - start
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
if status > 1:
    sys.stderr.write("ci-bench: %s failed with status %d:\n" % (" ".join(cmd), status))
    sys.stderr.write(open(prefix + ".err").read())
    sys.exit(2)
print("%.2f %.2f" % (wall, ru.ru_utime + ru.ru_stime))
PY
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')
read -r j1 j1cpu <<< "$(run j1 -j1 --no-cache)"
read -r j2 j2cpu <<< "$(run j2 -j2 --no-cache)"
read -r cold coldcpu <<< "$(run cold -j2 --cache-dir="$TMP/cache")"
read -r cached cachedcpu <<< "$(run cached -j2 --cache-dir="$TMP/cache")"
load_after=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')

for name in j2 cold cached; do
  if ! cmp -s "$TMP/j1.out" "$TMP/$name.out"; then
    echo "ci-bench: run '$name' printed other findings than run 'j1'" >&2
    diff "$TMP/j1.out" "$TMP/$name.out" | head -20 >&2
    exit 2
  fi
done

# taskleak's summary line and cache line, without the time and the cache path.
summary() {
  grep -E 'finding\(s\)|^cache:' "$TMP/$1.err" |
    sed -e 's/, [0-9.]*s$//' -e 's/ (\/.*)$//' | tr '\n' ' ' | sed 's/ $//'
}
printf '%-7s %8s %8s  %s\n' run wall-s cpu-s "taskleak's summary"
printf '%-7s %8s %8s  %s\n' j1 "$j1" "$j1cpu" "$(summary j1)"
printf '%-7s %8s %8s  %s\n' j2 "$j2" "$j2cpu" "$(summary j2)"
printf '%-7s %8s %8s  %s\n' cold "$cold" "$coldcpu" "$(summary cold)"
printf '%-7s %8s %8s  %s\n' cached "$cached" "$cachedcpu" "$(summary cached)"
python3 - "$j1" "$j2" "$cold" "$cached" "$(nproc)" "$load_before" "$load_after" <<'PY'
import sys
j1, j2, cold, cached = map(float, sys.argv[1:5])
cpus, before, after = sys.argv[5:8]
print("cached/cold ratio: %.3fx (the cached run takes %.1f%% of the cold run's wall time)"
      % (cached / cold, 100 * cached / cold))
print("j2/j1 ratio: %.3fx (wall time; -j2 is %.2fx as fast as -j1)" % (j2 / j1, j1 / j2))
print("%s CPUs; load average before: %s, after: %s" % (cpus, before, after))
PY
