#!/usr/bin/env bash
# Load while the data changes (issue 16; not a timed test): `ampel serve`
# on 127.0.0.1 answers wrk (or, without wrk, a small Python client) on
# three pages while other processes import new Datenstände every 2 s, half
# through `ampel import` (the server follows the data version), half
# through POST /admin/import. Prints req/s, p50/p99 latency, non-2xx
# answers and socket errors per page, the imports done and seen, and peak
# RSS; then the time of /kennzahl/KEY at 10,000 areas (issue 16 item 3,
# promised: within 2 s). Everything is bounded (DURATION s per page,
# CONNS connections) and stops by itself.
# Usage: bench/http/load.sh AMPEL_BINARY [OUTDIR]  (DURATION=15 CONNS=16)
set -euo pipefail
bin=$(realpath "$1")
src=$(cd "$(dirname "$0")/../.." && pwd)
out=$(realpath -m "${2:-$src/bench/out/http-load}")
dur=${DURATION:-15}; conns=${CONNS:-16}; threads=$(nproc)
rm -rf "$out"; mkdir -p "$out"

# 2,000 areas x 10 indicators x 3 periods, and a second values file with
# every value changed (so each import is a new Datenstand)
python3 "$src/bench/import/gen.py" "$out/data" --areas 500 --indicators 10 \
  --periods 3 >/dev/null
awk -F, 'NR == 1 {print; next} {printf "%s,%s,%s,%.4f\n", $1, $2, $3, $4 + 1}' \
  "$out/data/values.csv" >"$out/data/values-b.csv"
db="$out/load.db"
"$bin" --db "$db" import "$out/data/areas.csv" "$out/data/indicators.csv" \
  "$out/data/values.csv" >/dev/null
token="bench-token-$$-0123456789"
printf '%s\n' "$token" >"$out/token"; chmod 600 "$out/token"

pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

start_server() { # DB LOG [OPTIONS...] -> sets spid, base
  local d=$1 log=$2; shift 2
  "$bin" --db "$d" serve --port 0 "$@" >"$log.out" 2>"$log" &
  spid=$!; pids+=("$spid")
  for _ in $(seq 100); do grep -q http "$log.out" 2>/dev/null && break; sleep 0.1; done
  base=$(grep -o 'http://127.0.0.1:[0-9]*' "$log.out")
}

start_server "$db" "$out/serve.log" --admin-token-file "$out/token"

# the importers: every 2 s a new Datenstand, alternately by the command
# line and by POST /admin/import, until the load has run
total=$((3 * dur + 5))
(
  end=$((SECONDS + total)); i=0
  while [ $SECONDS -lt $end ]; do
    f="$out/data/values.csv"; [ $((i % 2)) = 1 ] && f="$out/data/values-b.csv"
    if [ $((i % 4)) -lt 2 ]; then
      "$bin" --db "$db" import "$f" >/dev/null 2>&1 && echo cli
    else
      curl -sf -o /dev/null -H "Authorization: Bearer $token" \
        --data-binary @"$f" "$base/admin/import?name=werte.csv" && echo http
    fi
    i=$((i + 1)); sleep 2
  done
) >"$out/imports.txt" 2>/dev/null &
pids+=($!)

# wrk -> "req/s p50 p99 non2xx socket_errors"; python otherwise
measure() {
  if command -v wrk >/dev/null; then
    wrk -t "$threads" -c "$conns" -d "${dur}s" --timeout 30s --latency "$1" >"$out/wrk.txt" 2>&1
    awk '
      /Requests\/sec/ {rps=$2}
      /^ +50%/ {p50=$2} /^ +99%/ {p99=$2}
      /Non-2xx/ {n2+=$NF}
      /Socket errors/ {gsub(",",""); se+=$4+$6+$8+$10}
      END {printf "%s %s %s %d %d\n", rps, p50, p99, n2, se}' "$out/wrk.txt"
  else
    python3 - "$1" "$dur" "$conns" <<'PY'
import http.client, sys, threading, time, urllib.parse
url, dur, conns = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
u = urllib.parse.urlsplit(url)
path = u.path + ("?" + u.query if u.query else "")
lat, bad, err, lock = [], [0], [0], threading.Lock()
end = time.time() + dur
def run():
    c = None
    while time.time() < end:
        try:
            c = c or http.client.HTTPConnection(u.hostname, u.port, timeout=30)
            t = time.time(); c.request("GET", path); r = c.getresponse(); r.read()
            with lock:
                lat.append(time.time() - t); bad[0] += r.status != 200
        except Exception:
            with lock: err[0] += 1
            c = None
ts = [threading.Thread(target=run) for _ in range(conns)]
[t.start() for t in ts]; [t.join() for t in ts]
lat.sort()
q = lambda p: "%.1fms" % (1e3 * lat[min(len(lat) - 1, int(p * len(lat)))]) if lat else "-"
print("%.1f %s %s %d %d" % (len(lat) / dur, q(0.5), q(0.99), bad[0], err[0]))
PY
  fi
}
rss_mib() { awk '/VmHWM/ {printf "%d", $2 / 1024}' "/proc/$1/status" 2>/dev/null || echo 0; }

{
  echo "ampel serve unter Last bei laufenden Einfuhren (500 Gebiete x 10 Kennzahlen x 3 Zeiträume)"
  echo "$(command -v wrk >/dev/null && echo wrk || echo Python-Client): $threads Threads, $conns Verbindungen, ${dur} s je Seite; $(nproc) Kerne; alle 2 s eine Einfuhr"
  printf '%-30s %10s %9s %9s %7s %7s\n' seite req/s p50 p99 non-2xx socket
  for u in / /kennzahl/k00 "/api/v1/lights?level=Stadtteil"; do
    read -r rps p50 p99 n2 se < <(measure "$base$u")
    printf '%-30s %10s %9s %9s %7s %7s\n' "$u" "$rps" "$p50" "$p99" "$n2" "$se"
  done
  echo "Einfuhren: $(grep -c cli "$out/imports.txt" || true) über die Befehlszeile, $(grep -c http "$out/imports.txt" || true) über POST /admin/import;" \
       "vom Server nachgeladen: $(grep -c 'neuer Datenstand' "$out/serve.log" || true)"
  echo "Spitzen-RSS ampel: $(rss_mib "$spid") MiB; Zeilen mit Status 5xx im Protokoll: $(grep -cE ' 5[0-9][0-9] [0-9]+ ' "$out/serve.log" || true)"
} | tee "$out/result.txt"
kill "$spid" 2>/dev/null || true

# /kennzahl/KEY at 10,000 areas (every request a new cache key)
python3 "$src/bench/import/gen.py" "$out/big" --areas 10000 --indicators 5 \
  --periods 3 >/dev/null
"$bin" --db "$out/big.db" import "$out/big/areas.csv" "$out/big/indicators.csv" \
  "$out/big/values.csv" >/dev/null
start_server "$out/big.db" "$out/serve-big.log"
{
  printf '/kennzahl/k00 bei 10.000 Gebieten (curl, 5 Anfragen ohne Cache):'
  for i in 1 2 3 4 5; do
    curl -s -o /dev/null -w ' %{time_total}s' "$base/kennzahl/k0$((i % 5))?n=$i"
  done
  echo
} | tee -a "$out/result.txt"
