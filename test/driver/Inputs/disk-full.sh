#!/bin/sh
# disk-full.sh TASKLEAK PYTHON DIR OUT: run inside with-limits.py --tmpfs=DIR:...
# Fills the file system of DIR, then has taskleak write every kind of output
# there; prints each exit status and whether the files kept their content.
# What taskleak prints goes to OUT (outside the full file system).
T=$1 PY=$2 D=$3 OUT=$4
IN=$(dirname "$0")
cp "$IN/leak.cpp" "$D/leak.cpp"
echo "old report" > "$D/report.txt"
echo "old report" > "$D/report.json"
"$PY" "$IN/fill-disk.py" "$D/fill"
check() { # name file expected-content-file
  if cmp -s "$2" "$3"; then echo "$1: kept"; else echo "$1: CHANGED"; fi
}
"$T" --fix "$D/leak.cpp" -- -std=c++20 > "$OUT.fix.out" 2> "$OUT.fix.err"
echo "fix: exit $?"
check fix "$D/leak.cpp" "$IN/leak.cpp"
echo "old report" > "$OUT.old"
"$T" --quiet -o "$D/report.txt" "$D/leak.cpp" -- -std=c++20 2> "$OUT.text.err"
echo "text: exit $?"
check text "$D/report.txt" "$OUT.old"
"$T" --quiet --format=json -o "$D/report.json" "$D/leak.cpp" -- -std=c++20 > /dev/null 2> "$OUT.json.err"
echo "json: exit $?"
check json "$D/report.json" "$OUT.old"
"$T" --quiet --export-fixes="$D/fixes.yaml" "$D/leak.cpp" -- -std=c++20 > /dev/null 2> "$OUT.export.err"
echo "export: exit $?"
"$T" --quiet --write-baseline="$D/baseline.json" "$D/leak.cpp" -- -std=c++20 > /dev/null 2> "$OUT.baseline.err"
echo "baseline: exit $?"
rm -f "$D/fill"
echo "left:" $(ls -A "$D")
