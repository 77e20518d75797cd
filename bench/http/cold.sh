#!/usr/bin/env bash
# Cold pages of large installations (issue 15 item 5): for a city of
# AREAS areas x INDICATORS indicators x PERIODS periods (bench/import/gen.py)
# each page is asked once of a freshly started `ampel serve` (nothing
# cached): "cold" is the time from starting the server (which loads the
# database) to the last byte of the page, "page" the request alone (curl),
# and the size. Not a timed test: it prints the figures.
#   bench/http/cold.sh AMPEL [AREAS INDICATORS PERIODS]   (default 2000 20 3)
set -euo pipefail
bin=$(realpath "$1")
A=${2:-2000}; I=${3:-20}; P=${4:-3}
here=$(cd "$(dirname "$0")" && pwd)
out=${BENCH_OUT:-$here/../out/cold}/$A-$I-$P
mkdir -p "$out"
if [ ! -f "$out/a.db" ]; then
  /usr/bin/python3 "$here/../import/gen.py" "$out/gen" --areas "$A" \
    --indicators "$I" --periods "$P" >/dev/null
  "$bin" --db "$out/a.db.tmp" import "$out/gen/areas.csv" \
    "$out/gen/indicators.csv" "$out/gen/values.csv" >/dev/null
  mv "$out/a.db.tmp" "$out/a.db"
fi
area=$(sed -n 3p "$out/gen/areas.csv" | cut -d, -f1)
ind=$(sed -n 2p "$out/gen/indicators.csv" | cut -d, -f1)
echo "cold pages, $A areas x $I indicators x $P periods, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-24s %9s %9s %11s %6s\n' page "cold s" "page s" bytes status
for page in / /bedarf /wechselwirkungen "/kennzahl/$ind" "/gebiet/$area"; do
  t0=$(date +%s.%N)
  "$bin" --db "$out/a.db" serve --port 0 >"$out/serve.out" 2>/dev/null &
  spid=$!
  for _ in $(seq 100); do grep -q http "$out/serve.out" 2>/dev/null && break; sleep 0.05; done
  base=$(grep -o 'http://127.0.0.1:[0-9]*' "$out/serve.out")
  r=$(curl -s -o "$out/page.html" -w '%{time_total} %{size_download} %{http_code}' "$base$page")
  t1=$(date +%s.%N)
  kill "$spid"; wait "$spid" 2>/dev/null || true
  read -r t sz code <<<"$r"
  printf '%-24s %9.3f %9.3f %11s %6s\n' "$page" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" \
    "$t" "$sz" "$code"
done
