#!/usr/bin/env bash
# Benchmark: taskleak vs. clang++-19 -fsyntax-only, per translation unit.
#   bench/run.sh [BUILD_DIR]     (default: build)
# Environment: TASKLEAK, TASKLEAK_ARGS, CLANGXX, BENCH_RUNS, BENCH_TIMEOUT.
# See bench/README.md.
set -euo pipefail
exec python3 "$(dirname "${BASH_SOURCE[0]}")/bench.py" "$@"
