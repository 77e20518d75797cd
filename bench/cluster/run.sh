#!/usr/bin/env bash
# Benchmark: ampel's clustering core vs SciPy's linkage, side by side.
#
#   bench/cluster/run.sh [AMPEL_BUILD_DIR] [OUT_DIR]
#
# AMPEL_BUILD_DIR holds libampel.a (default: build/ in the source tree);
# OUT_DIR gets the driver, the matrices and the trees (default:
# bench/out/cluster, ignored by git). Both tools cluster the rows of the
# same random matrices (11,000 x 20 and 2,000 x 50, written once to files)
# with every method: Euclidean distances + linkage, in a fresh process
# each, measured with /usr/bin/time -v (wall time, peak RSS). The "in-proc"
# column is the time of the clustering call alone (no start-up, no file
# reading, no Python import); "cpu" is user + system time. The last column
# compares the trees: largest relative difference of the sorted heights,
# and whether ids and sizes of the linkage matrices are identical; "ratio"
# is ampel / SciPy (wall, then CPU).
#
# Then end to end (issue 15): `ampel heatmap --tree` on a database of
# 11,000 areas x 20 indicators (bench/import/gen.py, one period) against
# pandas read_csv + pivot + the same 0-1 scaling + SciPy pdist + linkage +
# both CSV files written (e2e_peer.py), each a fresh process, with the
# trees compared. Needs AMPEL_BUILD_DIR/ampel. E2E=0 skips this part;
# METHODS and SIZES narrow the runs.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SRC="$(cd "$HERE/../.." && pwd)"
BUILD="${1:-$SRC/build}"
OUT="${2:-$SRC/bench/out/cluster}"
PY=/usr/bin/python3
METHODS="${METHODS:-complete average single ward}"
SIZES="${SIZES:-11000x20 2000x50}"

if [ ! -x /usr/bin/time ]; then
  echo "run.sh: /usr/bin/time missing: apt-get install time" >&2
  exit 1
fi
if [ ! -f "$BUILD/libampel.a" ]; then
  echo "run.sh: $BUILD/libampel.a missing: build the library first" >&2
  exit 1
fi
mkdir -p "$OUT"
make -s -C "$HERE" AMPEL_BUILD="$BUILD" OUT="$OUT" >/dev/null

# One measured run: prints "SECONDS_IN_PROC WALL_SECONDS CPU_SECONDS
# PEAK_MB" (CPU = user + system; steadier than wall on a busy machine).
measure() {
  local log="$OUT/time.log" line inproc wall cpu rss
  line=$(/usr/bin/time -v -o "$log" "$@")
  inproc=$(echo "$line" | awk 'NR == 1 {print $5}')
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$log" |
    awk -F: '{ if (NF == 3) print $1*3600 + $2*60 + $3;
               else print $1*60 + $2 }')
  cpu=$(awk -F': ' '/(User|System) time \(seconds\)/ {s += $2}
    END {printf "%.2f", s}' "$log")
  rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2/1024}' \
    "$log")
  echo "${inproc:--} $wall $cpu $rss"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b;
  else printf "-" }'; }

echo "in process: clustering call alone ($(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
printf '%-8s %-8s | %6s %6s %6s %6s | %6s %6s %6s %6s | %5s %5s | %s\n' \
  data method wall cpu in-proc RSS-MB wall cpu in-proc RSS-MB wall cpu \
  "heights / Z"
printf '%-17s | %-27s | %-27s | %-11s |\n' "" "ampel (seconds, MB)" \
  "scipy (seconds, MB)" "ratio"
printf '%.0s-' {1..112}
echo
for size in $SIZES; do
  rows=${size%x*}
  cols=${size#*x}
  mat="$OUT/x_$size.f64"
  [ -f "$mat" ] || "$PY" "$HERE/bench_scipy.py" gen "$mat" "$rows" "$cols" 42
  for m in $METHODS; do
    za="$OUT/z_ampel_${size}_$m.f64"
    zs="$OUT/z_scipy_${size}_$m.f64"
    read -r a_in a_wall a_cpu a_rss < <(measure "$OUT/bench_cluster" "$mat" \
      "$rows" "$cols" "$m" "$za")
    read -r s_in s_wall s_cpu s_rss < <(measure "$PY" \
      "$HERE/bench_scipy.py" run "$mat" "$rows" "$cols" "$m" "$zs")
    cmp=$("$PY" "$HERE/bench_scipy.py" compare "$za" "$zs" "$rows")
    printf '%-8s %-8s | %6.2f %6.2f %6.2f %6s | %6.2f %6.2f %6.2f %6s | %5s %5s | %s\n' \
      "$size" "$m" "$a_wall" "$a_cpu" "$a_in" "$a_rss" \
      "$s_wall" "$s_cpu" "$s_in" "$s_rss" "$(ratio "$a_wall" "$s_wall")" \
      "$(ratio "$a_cpu" "$s_cpu")" "$cmp"
  done
done

[ "${E2E:-1}" = 1 ] || exit 0
if [ ! -x "$BUILD/ampel" ]; then
  echo "run.sh: $BUILD/ampel missing: no end-to-end runs" >&2
  exit 0
fi
E="$OUT/e2e"
if [ ! -f "$E/hm.db" ]; then
  rm -rf "$E" && mkdir -p "$E"
  "$PY" "$SRC/bench/import/gen.py" "$E" --areas 11000 --indicators 20 \
    --periods 1 >/dev/null
  "$BUILD/ampel" --db "$E/hm.db.tmp" import "$E/areas.csv" \
    "$E/indicators.csv" >/dev/null
  "$BUILD/ampel" --db "$E/hm.db.tmp" import "$E/values.csv" >/dev/null
  mv "$E/hm.db.tmp" "$E/hm.db"
fi
echo
echo "end to end: ampel heatmap --tree vs pandas + SciPy (11000 areas x 20 indicators)"
printf '%-8s | %6s %6s %6s | %6s %6s %6s | %5s %5s | %s\n' method wall cpu \
  RSS-MB wall cpu RSS-MB wall cpu "tree"
printf '%-8s | %-20s | %-20s | %-11s |\n' "" "ampel (s, MB)" \
  "pandas+scipy (s, MB)" "ratio"
printf '%.0s-' {1..84}
echo
for m in $METHODS; do
  read -r _ a_wall a_cpu a_rss < <(measure "$BUILD/ampel" --db "$E/hm.db" \
    heatmap --linkage "$m" -o "$E/hm_$m.csv" --tree "$E/tree_ampel_$m.csv")
  read -r _ s_wall s_cpu s_rss < <(measure "$PY" "$HERE/e2e_peer.py" \
    "$E/values.csv" "$E/indicators.csv" "$m" "$E/tree_peer_$m.csv" \
    "$E/mat_peer_$m.csv")
  cmp=$("$PY" "$HERE/e2e_peer.py" compare "$E/tree_ampel_$m.csv" \
    "$E/tree_peer_$m.csv")
  printf '%-8s | %6.2f %6.2f %6s | %6.2f %6.2f %6s | %5s %5s | %s\n' "$m" \
    "$a_wall" "$a_cpu" "$a_rss" "$s_wall" "$s_cpu" "$s_rss" \
    "$(ratio "$a_wall" "$s_wall")" "$(ratio "$a_cpu" "$s_cpu")" "$cmp"
done
