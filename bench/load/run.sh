#!/usr/bin/env bash
# Load benchmark (issue 15 item 2): commands on workload A (10,000 areas x
# 50 indicators x 20 periods = 10 M values, bench/import/gen.py) that need
# only a part of the database, side by side with a baseline binary that
# loads everything (e.g. a build of an older commit), in one run: wall
# time, CPU time (user + system, steadier on a busy machine), peak RSS
# (GNU time), and whether both wrote the same bytes. No timed assertions.
#
#   bench/load/run.sh AMPEL [BASELINE_AMPEL]
#
# The database is made once in $BENCH_OUT (default bench/out/load) with
# AMPEL, and once more with the baseline (its own file: a baseline of an
# older schema cannot read a newer one, and each reads what it wrote).
set -euo pipefail
bin=$(realpath "$1")
base=${2:+$(realpath "$2")}
here=$(cd "$(dirname "$0")" && pwd)
out=${BENCH_OUT:-$here/../out/load}
mkdir -p "$out"
db="$out/a.db"
if [ ! -f "$db" ]; then
  /usr/bin/python3 "$here/../import/gen.py" "$out/gen" >/dev/null
  "$bin" --db "$db.tmp" import "$out/gen/areas.csv" "$out/gen/indicators.csv" \
    >/dev/null
  "$bin" --db "$db.tmp" import "$out/gen/values.csv" >/dev/null
  mv "$db.tmp" "$db"
fi
base_db="$out/a-base.db"
if [ -n "$base" ] && [ ! -f "$base_db" ]; then
  "$base" --db "$base_db.tmp" import "$out/gen/areas.csv" \
    "$out/gen/indicators.csv" >/dev/null
  "$base" --db "$base_db.tmp" import "$out/gen/values.csv" >/dev/null
  mv "$base_db.tmp" "$base_db"
fi
# run NAME BINARY ARGS... -> "wall cpu rss_mb"; output in $out/NAME.out
run() {
  local name=$1 b=$2 d=$db
  shift 2
  [ "$name" = base ] && d=$base_db
  /usr/bin/time -f "%e %U %S %M" -o "$out/time.txt" "$b" --db "$d" "$@" \
    >"$out/$name.stdout" 2>&1 || { echo "$name failed"; cat "$out/$name.stdout"; return 1; }
  awk '{printf "%.2f %.2f %.0f", $1, $2 + $3, $4 / 1024}' "$out/time.txt"
}
echo "workload A: $(du -h "$db" | cut -f1) database${base:+ (baseline: $(du -h "$base_db" | cut -f1))}, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-34s | %6s %6s %7s | %6s %6s %7s | %s\n' command wall cpu RSS-MB \
  wall cpu RSS-MB output
printf '%-34s | %-22s | %-22s |\n' "" "ampel (s, MB)" "baseline (s, MB)"
printf '%.0s-' {1..92}; echo
cmp_out() { # both outputs the same?
  if [ -z "$base" ]; then echo "-"; elif cmp -s "$1" "$2"; then echo same; else echo DIFFERS; fi
}
bench() { # LABEL OUTFILE_EXT ARGS...
  local label=$1 ext=$2 a b="- - -"
  shift 2
  local oa="$out/new.$ext" ob="$out/base.$ext"
  a=$(run new "$bin" "$@" ${ext:+-o "$oa"})
  if [ -n "$base" ]; then b=$(run base "$base" "$@" ${ext:+-o "$ob"}); fi
  if [ -z "$ext" ]; then oa="$out/new.stdout"; ob="$out/base.stdout"; fi
  read -r aw ac ar <<<"$a"
  read -r bw bc br <<<"$b"
  printf '%-34s | %6s %6s %7s | %6s %6s %7s | %s\n' "$label" "$aw" "$ac" "$ar" \
    "$bw" "$bc" "$br" "$(cmp_out "$oa" "$ob")"
}
bench "list periods" "" list periods
bench "list areas --format csv" "" list areas --format csv
bench "lights (newest + previous), csv" csv lights
bench "lights --period 2010, csv" csv lights --period 2010
bench "lights, json" json lights
