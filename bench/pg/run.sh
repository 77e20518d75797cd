#!/usr/bin/env bash
# PostgreSQL import benchmark (issue 11): workload A (10,000 areas x 50
# indicators x 20 periods = 10 M rows, bench/import/gen.py, fixed seed)
# imported by `ampel import --db postgresql://...` (COPY into a session
# stage, then set-based merge into the versioned observation table, one
# transaction), side by side with `psql \copy` of the same file into a
# plain unindexed table (the floor: PostgreSQL's own bulk load, no keys
# checked, no history). A throwaway server (tests/pg/pg-start) on
# 127.0.0.1; wall time and the client's peak RSS (GNU time), and the
# server backend's peak RSS (VmHWM, sampled). No timing asserts anywhere.
# Usage: bench/pg/run.sh AMPEL_BINARY [AREAS INDICATORS PERIODS]
set -euo pipefail
bin=$(realpath "$1"); A=${2:-10000}; I=${3:-50}; P=${4:-20}
here=$(cd "$(dirname "$0")" && pwd); src=$(cd "$here/../.." && pwd)
out=${BENCH_OUT:-$here/../out/pg}; mkdir -p "$out"
gen="$here/../out/import"; mkdir -p "$gen"
rows=$((A * I * P))
vals="$gen/values-$A-$I-$P.csv"
if [ ! -f "$vals" ]; then
  /usr/bin/python3 "$src/bench/import/gen.py" "$gen/gen" --areas "$A" --indicators "$I" --periods "$P"
  mv "$gen/gen/values.csv" "$vals"
  mv "$gen/gen/areas.csv" "$gen/areas-$A.csv"; mv "$gen/gen/indicators.csv" "$gen/indicators-$I.csv"
fi
pg="$out/server"
[ -d "$pg" ] && bash "$src/tests/pg/pg-stop" "$pg" 2>/dev/null || true
rm -rf "$pg"
mapfile -t url < <(bash "$src/tests/pg/pg-start" "$pg" ampel plain)
trap 'kill $sampler 2>/dev/null || true; bash "$src/tests/pg/pg-stop" "$pg"' EXIT
# the largest VmHWM of any backend of the server, sampled every 0.2 s
sampler=
sample() {
  set +e +o pipefail
  : >"$out/hwm.txt"
  while :; do
    for f in /proc/[0-9]*/status; do
      awk '/^Name:/ { n = $2 } /^VmHWM:/ { if (n == "postgres") print $2 }' "$f" 2>/dev/null
    done | sort -n | tail -1 >>"$out/hwm.txt"
    sleep 0.2
  done
}
measure() { # name command...
  local name=$1; shift
  sample & sampler=$!
  /usr/bin/time -f "%e %M" -o "$out/time.txt" "$@" >"$out/$name.log" 2>&1 ||
    { kill $sampler 2>/dev/null; echo "$name failed:"; cat "$out/$name.log"; return 1; }
  kill $sampler 2>/dev/null || true; wait $sampler 2>/dev/null || true
  read -r secs kb <"$out/time.txt"
  local srv; srv=$(sort -n "$out/hwm.txt" | tail -1)
  printf "%-22s %8s s %12s rows/s %8s MiB client %8s MiB server backend\n" "$name" "$secs" \
    "$(awk -v r=$rows -v s="$secs" 'BEGIN{printf "%.0f", r/s}')" \
    "$(awk -v k="$kb" 'BEGIN{printf "%.0f", k/1024}')" \
    "$(awk -v k="${srv:-0}" 'BEGIN{printf "%.0f", k/1024}')"
}
echo "rows: $rows ($(du -h "$vals" | cut -f1) CSV), $(nproc) cores, PostgreSQL $(psql --version | awk '{print $3}')"
"$bin" --db "${url[0]}" import "$gen/areas-$A.csv" "$gen/indicators-$I.csv" >/dev/null
measure "ampel import (PG)" "$bin" --db "${url[0]}" import "$vals"
measure "ampel re-import same" "$bin" --db "${url[0]}" import "$vals"
psql -q "${url[1]}" -c "CREATE TABLE v(area TEXT, indicator TEXT, period TEXT, value DOUBLE PRECISION)"
measure "psql \\copy (plain)" psql -q "${url[1]}" -c "\\copy v FROM '$vals' CSV HEADER"
psql -At "${url[0]}" -c "SELECT 'ampel schema: ' || pg_size_pretty(sum(pg_total_relation_size(c.oid))) FROM pg_class c JOIN pg_namespace n ON n.oid=c.relnamespace WHERE n.nspname='ampel' AND c.relkind='r'"
psql -At "${url[1]}" -c "SELECT 'plain table: ' || pg_size_pretty(pg_total_relation_size('v'))"
