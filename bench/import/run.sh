#!/usr/bin/env bash
# Import benchmark: ampel import vs DuckDB read_csv (npm @duckdb/node-api)
# vs pandas read_csv (Debian python3-pandas), side by side in one run:
# wall time, rows/s and peak RSS (GNU time). No timing asserts anywhere.
# Usage: bench/import/run.sh AMPEL_BINARY [AREAS INDICATORS PERIODS]
set -euo pipefail
bin=$(realpath "$1"); A=${2:-10000}; I=${3:-50}; P=${4:-20}
here=$(cd "$(dirname "$0")" && pwd)
out=${BENCH_OUT:-$here/../out/import}; mkdir -p "$out"
rows=$((A * I * P))
if [ ! -f "$out/values-$A-$I-$P.csv" ]; then
  /usr/bin/python3 "$here/gen.py" "$out/gen" --areas "$A" --indicators "$I" --periods "$P"
  mv "$out/gen/values.csv" "$out/values-$A-$I-$P.csv"
  mv "$out/gen/areas.csv" "$out/areas-$A.csv"; mv "$out/gen/indicators.csv" "$out/indicators-$I.csv"
fi
if [ ! -d "$here/node_modules/@duckdb/node-api" ]; then
  (cd "$here" && npm install --no-save --silent @duckdb/node-api@1.5.6-r.1 >/dev/null)
fi
measure() { # name command...
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$out/time.txt" "$@" >"$out/$name.log" 2>&1 || { echo "$name failed:"; cat "$out/$name.log"; return 1; }
  read -r secs kb < "$out/time.txt"
  printf "%-8s %10s s %14s rows/s %10s MiB\n" "$name" "$secs" \
    "$(awk -v r=$rows -v s=$secs 'BEGIN{printf "%.0f", r/s}')" "$(awk -v k=$kb 'BEGIN{printf "%.0f", k/1024}')"
}
echo "rows: $rows ($(du -h "$out/values-$A-$I-$P.csv" | cut -f1) CSV), $(nproc) cores"
rm -f "$out/ampel.db"* "$out/duck.db"*
"$bin" --db "$out/ampel.db" import "$out/areas-$A.csv" "$out/indicators-$I.csv" >/dev/null
measure ampel "$bin" --db "$out/ampel.db" import "$out/values-$A-$I-$P.csv"
measure duckdb node "$here/duckdb_import.mjs" "$out/duck.db" "$out/values-$A-$I-$P.csv"
measure pandas /usr/bin/python3 "$here/pandas_import.py" "$out/values-$A-$I-$P.csv"
echo "(ampel: parse + validate keys + SQLite upsert in one transaction with WAL;"
echo " duckdb: CSV into a columnar table; pandas: CSV into memory, no storage)"
