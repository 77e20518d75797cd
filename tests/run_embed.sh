#!/usr/bin/env bash
# script.embed - `ampel serve --frame-ancestors` (issue 13), with curl:
#  - without the option: CSP frame-ancestors 'none' and X-Frame-Options DENY;
#  - with 'https://intranet.example https://*.stadt.de:8443': exactly these
#    sources in the CSP, no X-Frame-Options (it cannot name sites), on pages,
#    the API, downloads and error answers alike;
#  - values with ';', ',', a path, a quote, CR/LF, a bare word, double
#    spaces or more than 16 sources are refused (exit 2), nothing starts;
#  - the overview links the German Excel CSV (.csv), which is served with
#    BOM, ';' and decimal comma.
# Called by ctest: bash run_embed.sh AMPEL_BINARY SOURCE_DIR BUILD_DIR
set -u
bin=${1:?}; src=${2:?}
fail() { echo "FAIL: $*" >&2; exit 1; }
command -v curl >/dev/null || { echo "übersprungen: curl fehlt"; exit 77; }
tmp=$(mktemp -d) || fail mktemp
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
export AMPEL_DB="$tmp/e.db" LC_ALL=C.UTF-8
g="$src/tests/golden/kind_counts"
"$bin" import "$g/gebiete.csv" "$g/kennzahlen.csv" "$g/werte.csv" >/dev/null \
  || fail import

# start: prints the URL on its first line
start() {
  "$bin" serve --port 0 "$@" >"$tmp/out" 2>"$tmp/err" &
  pid=$!
  for _ in $(seq 1 100); do
    url=$(grep -o 'http://127\.0\.0\.1:[0-9]*/' "$tmp/out" | head -1)
    [ -n "$url" ] && return 0
    sleep 0.1
  done
  fail "server did not start: $(cat "$tmp/err")"
}
stop() { kill "$pid"; wait "$pid" 2>/dev/null; pid=; }

start
curl -sI "$url" >"$tmp/h0" || fail "curl"
grep -qi "^Content-Security-Policy: .*frame-ancestors 'none';" "$tmp/h0" \
  || fail "default CSP: $(cat "$tmp/h0")"
grep -qi "^X-Frame-Options: DENY" "$tmp/h0" || fail "default XFO missing"
stop

fa='https://intranet.example https://*.stadt.de:8443'
start --frame-ancestors "$fa"
for path in / /api/v1/areas /download/werte.csv /gibt-es-nicht; do
  curl -sI "$url${path#/}" >"$tmp/h1" || fail "curl $path"
  grep -i "^Content-Security-Policy:" "$tmp/h1" |
    grep -qF "frame-ancestors $fa; base-uri" || fail "CSP $path: $(grep -i security "$tmp/h1")"
  ! grep -qi "^X-Frame-Options" "$tmp/h1" || fail "XFO still sent on $path"
done
curl -s "$url" >"$tmp/page.html" || fail "curl /"
grep -q 'href="/download/werte-excel.csv"' "$tmp/page.html" \
  || fail "overview has no link to the Excel CSV"
curl -s "${url}download/werte-excel.csv" -D "$tmp/h2" -o "$tmp/de.csv" \
  || fail "curl csv"
head -c 3 "$tmp/de.csv" | od -An -tx1 | grep -q "ef bb bf" || fail "no BOM"
grep -q "Gebiet;Kennzahl;Zeitraum;Wert;" "$tmp/de.csv" || fail "csv header"
grep -q "^A;sgb2;2024;14,2;.*
$" "$tmp/de.csv" || fail "decimal comma"
grep -qi 'filename="ampel-werte-excel.csv"' "$tmp/h2" || fail "filename"
stop

bad=(
  "https://a.example; script-src *" "https://a.example,https://b.example"
  "https://a.example/pfad" "'none' https://a.example" "a.example"
  "https://a.example  https://b.example" "https://a.example " "javascript:x"
  "https://a\"b.example" "https://" "https://.example" "'self"
  "$(printf 'https://a.example\r\nX-Evil: 1')"
  "$(for i in $(seq 1 17); do printf 'https://h%d.example ' "$i"; done |
    sed 's/ $//')"
)
for v in "${bad[@]}"; do
  # refused before the server starts: exit 2 at once; a server that starts
  # is stopped by timeout (exit 124) and fails the check
  timeout 20 "$bin" serve --port 0 --frame-ancestors "$v" >"$tmp/o" 2>"$tmp/e"
  rc=$?
  [ "$rc" = 2 ] || fail "'$v': exit $rc, expected 2"
  grep -q -- "--frame-ancestors" "$tmp/e" || fail "'$v': $(cat "$tmp/e")"
done
echo "embed: ok (${#bad[@]} bad values refused)"
