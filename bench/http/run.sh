#!/usr/bin/env bash
# Load benchmark of `ampel serve` (not a timed test): wrk with 64
# connections for 20 s against / and a /gebiet/... page of the Gelsenkirchen
# example; requests/s, p50/p99 latency, errors and peak RSS. Beside it nginx
# serves the very same page bytes as static files: the practical ceiling.
# Everything runs on 127.0.0.1 and stops by itself.
# Usage: bench/http/run.sh AMPEL_BINARY [OUTDIR]   (DURATION=20 CONNS=64)
set -euo pipefail
bin=$(realpath "$1")
src=$(cd "$(dirname "$0")/../.." && pwd)
out=$(realpath -m "${2:-$src/bench/out/http}")
dur=${DURATION:-20}; conns=${CONNS:-64}; threads=$(nproc)
command -v wrk >/dev/null || { echo "wrk fehlt (apt-get install wrk)"; exit 1; }
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$nginx_bin" ] || { echo "nginx fehlt (apt-get install nginx)"; exit 1; }
rm -rf "$out"; mkdir -p "$out/www/gebiet" "$out/nginx/logs"
"$src/scripts/make-example-db" "$bin" "$out" >/dev/null

"$bin" --db "$out/ampel.db" serve --port 0 >"$out/serve.out" 2>/dev/null &
spid=$!
nginx_pid=""
cleanup() {
  kill "$spid" 2>/dev/null || true
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap cleanup EXIT
for _ in $(seq 50); do grep -q http "$out/serve.out" 2>/dev/null && break; sleep 0.1; done
base=$(grep -o 'http://127.0.0.1:[0-9]*' "$out/serve.out")
page=/gebiet/GE-M-SCH
curl -sf "$base/" -o "$out/www/index.html"
curl -sf "$base$page" -o "$out/www/gebiet/GE-M-SCH"

port2=$(( 20000 + RANDOM % 20000 ))
cat > "$out/nginx/nginx.conf" <<CONF
worker_processes $threads;
pid $out/nginx/nginx.pid;
error_log $out/nginx/logs/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  default_type text/html;
  server {
    listen 127.0.0.1:$port2;
    root $out/www;
    location / { try_files \$uri \$uri/index.html =404; }
  }
}
CONF
"$nginx_bin" -p "$out/nginx" -c "$out/nginx/nginx.conf" -g 'daemon off;' &
nginx_pid=$!
sleep 0.5

# wrk → "req/s p50 p99 errors"
measure() {
  wrk -t "$threads" -c "$conns" -d "${dur}s" --latency "$1" >"$out/wrk.txt" 2>&1
  awk '
    /Requests\/sec/ {rps=$2}
    /^ +50%/ {p50=$2} /^ +99%/ {p99=$2}
    /Non-2xx/ {err+=$NF}
    /Socket errors/ {gsub(",",""); err+=$4+$6+$8+$10}
    END {printf "%s %s %s %d\n", rps, p50, p99, err}' "$out/wrk.txt"
}
rss_kib() { # peak RSS (VmHWM) of the given pids, summed
  local s=0
  for p in "$@"; do
    v=$(awk '/VmHWM/ {print $2}' "/proc/$p/status" 2>/dev/null || echo 0)
    s=$((s + ${v:-0}))
  done
  echo "$s"
}
nginx_pids() { pgrep -P "$nginx_pid" | tr '\n' ' '; echo "$nginx_pid"; }

{
  echo "ampel serve vs. nginx (statische Kopie derselben Bytes)"
  echo "wrk: $threads Threads, $conns Verbindungen, ${dur} s je Messung; $(nproc) Kerne"
  echo "Seitengrößen: / $(stat -c %s "$out/www/index.html") B, $page $(stat -c %s "$out/www/gebiet/GE-M-SCH") B"
  printf '%-8s %-22s %10s %9s %9s %7s\n' server url req/s p50 p99 fehler
  for u in / "$page"; do
    read -r rps p50 p99 err < <(measure "$base$u")
    printf '%-8s %-22s %10s %9s %9s %7s\n' ampel "$u" "$rps" "$p50" "$p99" "$err"
    read -r rps p50 p99 err < <(measure "http://127.0.0.1:$port2$u")
    printf '%-8s %-22s %10s %9s %9s %7s\n' nginx "$u" "$rps" "$p50" "$p99" "$err"
  done
  echo "Spitzen-RSS: ampel $(( $(rss_kib "$spid") / 1024 )) MiB," \
       "nginx (alle Prozesse) $(( $(rss_kib $(nginx_pids)) / 1024 )) MiB"
} | tee "$out/result.txt"
