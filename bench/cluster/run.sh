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
# and whether ids and sizes of the linkage matrices are identical.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SRC="$(cd "$HERE/../.." && pwd)"
BUILD="${1:-$SRC/build}"
OUT="${2:-$SRC/bench/out/cluster}"
PY=/usr/bin/python3
METHODS="complete average single ward"
SIZES="11000x20 2000x50"

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
  inproc=$(echo "$line" | awk '{print $5}')
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$log" |
    awk -F: '{ if (NF == 3) print $1*3600 + $2*60 + $3;
               else print $1*60 + $2 }')
  cpu=$(awk -F': ' '/(User|System) time \(seconds\)/ {s += $2}
    END {printf "%.2f", s}' "$log")
  rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2/1024}' \
    "$log")
  echo "$inproc $wall $cpu $rss"
}

printf '%-8s %-8s | %6s %6s %6s %6s | %6s %6s %6s %6s | %s\n' \
  data method wall cpu in-proc RSS-MB wall cpu in-proc RSS-MB \
  "heights / Z"
printf '%-17s | %-27s | %-27s |\n' "" "ampel (seconds, MB)" \
  "scipy (seconds, MB)"
printf '%.0s-' {1..98}
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
    printf '%-8s %-8s | %6.2f %6.2f %6.2f %6s | %6.2f %6.2f %6.2f %6s | %s\n' \
      "$size" "$m" "$a_wall" "$a_cpu" "$a_in" "$a_rss" \
      "$s_wall" "$s_cpu" "$s_in" "$s_rss" "$cmp"
  done
done
