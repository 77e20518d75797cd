#!/usr/bin/env bash
# Data management over HTTP (issue 12, docs/daten-im-browser.md): the API
# and the form routes of /daten with curl against a running server.
#   - anonymous uploads are refused (401) and change nothing;
#   - every malformed file of tests/malformed is answered 422 with its
#     line and column by POST /api/v1/imports and by ?check=1, and the
#     export stays byte for byte the same;
#   - ?check=1 of a valid file: 200, the change summary, nothing written;
#   - a valid import: 201 with the new Datenstand, which the overview's
#     footer and /daten show at once;
#   - the browser form: /daten/pruefen shows FILE:LINE:COLUMN, the line
#     and the caret (422), a good file gives a one-time token that
#     /daten/einlesen imports once (303), a second use is 410;
#   - rollback (POST /daten/zuruecksetzen): the export equals the first
#     Datenstand again and /daten lists the rollback;
#   - upload limit (--max-upload 1: 413) and too many files (413).
# The admin token (role verwaltung, no CSRF: a bearer token) stands for a
# signed-in user here; roles, sessions and CSRF are the accounts' tests.
# Usage: bash run_daten.sh AMPEL_BINARY SOURCE_DIR [BUILD_DIR]
set -u
bin=$(realpath "$1"); src=$(realpath "$2")
if ! command -v curl >/dev/null; then
  echo "daten: übersprungen: curl fehlt"; exit 77
fi
work=$(mktemp -d); pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT
cd "$work" || exit 1
export LC_ALL=C.UTF-8
pass=0; fail=0
ok() { pass=$((pass+1)); }
bad() { fail=$((fail+1)); echo "FAIL: $*"; }
E="$src/examples/gelsenkirchen"
"$bin" --db d.db import "$E"/*.csv >/dev/null || { echo "FAIL: base import"; exit 1; }
"$bin" --db d.db export -o v1.csv || exit 1
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >tok
T=$(cat tok)
"$bin" --db d.db serve --port 0 --admin-token-file tok --max-upload 1 \
  >srv.out 2>srv.err &
pid=$!
url=
for _ in $(seq 50); do
  url=$(grep -o 'http://[^ ]*/' srv.out 2>/dev/null | head -1)
  [ -n "$url" ] && break; sleep 0.1
done
[ -n "$url" ] || { echo "FAIL: server startet nicht"; cat srv.err; exit 1; }
auth=(-H "Authorization: Bearer $T")
code() { curl -s -o body -w '%{http_code}' "$@"; }
same_export() { # same_export FILE WHAT
  "$bin" --db d.db export -o now.csv
  if cmp -s "$1" now.csv; then ok; else bad "$2: Daten verändert"; fi
}

# ---- anonymous ---------------------------------------------------------
printf 'Gebiet;Kennzahl;Zeitraum;Wert\nGE;schulen_anzahl;2024/25;80\n' >gut.csv
c=$(code -F "dateien=@gut.csv" "${url}api/v1/imports")
[ "$c" = 401 ] && ok || bad "anonym: $c statt 401"
c=$(code -F "dateien=@gut.csv" "${url}daten/pruefen")
[ "$c" = 401 ] && ok || bad "anonym /daten/pruefen: $c statt 401"
c=$(code "${url}daten")
[ "$c" = 401 ] && ok || bad "anonym /daten: $c statt 401"
same_export v1.csv anonym

# ---- malformed files: 422 with line and column, nothing changed ---------
n=0
for f in "$src"/tests/malformed/*.csv "$src"/tests/malformed/*.xlsx; do
  name=$(basename "$f")
  [ -f "$src/tests/malformed/${name%.*}.args" ] && continue # CLI options
  for q in "" "?check=1"; do
    c=$(code "${auth[@]}" -F "dateien=@$f" "${url}api/v1/imports$q")
    if [ "$c" != 422 ]; then bad "$name$q: $c statt 422"; continue; fi
    if grep -q '"ok": false' body && grep -q "\"file\": \"$name\"" body &&
      grep -qE '"line": [0-9]+, "column": [0-9]+' body; then ok; else
      bad "$name$q: Antwort ohne Datei/Zeile/Spalte: $(head -c 300 body)"; fi
  done
  n=$((n+1))
done
[ "$n" -ge 20 ] && ok || bad "nur $n fehlerhafte Dateien gefunden"
# a file with a known position: line 2, column 27
printf 'Gebiet;Kennzahl;Zeitraum;Wert\nGE;schulen_anzahl;2024/25;viele\n' >fehler.csv
c=$(code "${auth[@]}" -F "dateien=@fehler.csv" "${url}api/v1/imports")
[ "$c" = 422 ] && grep -q '"line": 2, "column": 27' body && ok ||
  bad "fehler.csv: $c $(head -c 300 body)"
same_export v1.csv "fehlerhafte Dateien"

# ---- check: 200 and the summary, nothing written -------------------------
printf 'Gebiet;Kennzahl;Zeitraum;Wert\nGE;schulen_anzahl;2024/25;800\nGE-M;schulen_anzahl;2024/25;29\n' >neu.csv
c=$(code "${auth[@]}" -F "dateien=@neu.csv" "${url}api/v1/imports?check=1")
[ "$c" = 200 ] && grep -q '"ok": true' body &&
  grep -q '"values_changed": 2' body && grep -q '"values_factor_10": 1' body &&
  ok || bad "check: $c $(head -c 400 body)"
same_export v1.csv "check=1"

# ---- import: 201, the new Datenstand shown at once -----------------------
c=$(code "${auth[@]}" -F "dateien=@neu.csv" "${url}api/v1/imports")
[ "$c" = 201 ] && grep -q '"datenstand": 2' body && ok ||
  bad "import: $c $(head -c 300 body)"
curl -s "${url}" >page.html
grep -q 'Datenstand 2 vom' page.html && ok || bad "Übersicht zeigt Datenstand 2 nicht"
c=$(code "${auth[@]}" "${url}api/v1/imports")
[ "$c" = 200 ] && grep -q '"id": 2, .*"kind": "import", "user": "admin"' body &&
  ok || bad "GET /api/v1/imports: $c $(head -c 300 body)"
"$bin" --db d.db export -o v2.csv

# ---- the browser form -------------------------------------------------------
c=$(code "${auth[@]}" -F "dateien=@fehler.csv" "${url}daten/pruefen")
[ "$c" = 422 ] && grep -q 'fehler.csv:2:27' body &&
  grep -q 'GE;schulen_anzahl;2024/25;viele' body &&
  grep -qE '^ {26}<span class="caret">\^</span>' body && ok ||
  bad "/daten/pruefen mit Fehler: $c"
printf 'Gebiet;Kennzahl;Zeitraum;Wert\nGE;schulen_anzahl;2024/25;81\n' >gut.csv
c=$(code "${auth[@]}" -F "dateien=@gut.csv" "${url}daten/pruefen")
tok=$(grep -o 'name="token" value="[0-9a-f]*"' body | grep -o '[0-9a-f]\{64\}')
[ "$c" = 200 ] && [ -n "$tok" ] && grep -q 'Geänderte Werte: 1' body && ok ||
  bad "/daten/pruefen: $c, Token '$tok'"
same_export v2.csv "/daten/pruefen"
c=$(curl -s -o body -D head -w '%{http_code}' "${auth[@]}" \
  --data "token=$tok" "${url}daten/einlesen")
[ "$c" = 303 ] && grep -qi '^location: /daten?eingelesen=3' head && ok ||
  bad "/daten/einlesen: $c $(cat head)"
c=$(code "${auth[@]}" --data "token=$tok" "${url}daten/einlesen")
[ "$c" = 410 ] && ok || bad "Token zweimal: $c statt 410"
c=$(code "${auth[@]}" "${url}daten")
[ "$c" = 200 ] && grep -q 'href="/?datenstand=3">3</a>' body &&
  grep -q 'gut.csv <code' body && ok || bad "/daten listet Datenstand 3 nicht"

# ---- rollback ------------------------------------------------------------------
c=$(curl -s -o body -D head -w '%{http_code}' "${auth[@]}" \
  --data "datenstand=1" "${url}daten/zuruecksetzen")
[ "$c" = 303 ] && grep -qi '^location: /daten?zurueckgesetzt=4' head && ok ||
  bad "zurücksetzen: $c $(cat body)"
same_export v1.csv "nach dem Zurücksetzen (wie Datenstand 1)"
c=$(code "${auth[@]}" "${url}api/v1/imports")
grep -q '"id": 4, .*"kind": "rollback", "user": "admin", "parent": 1' body &&
  ok || bad "Zurücksetzen nicht in der Liste: $(head -c 300 body)"
curl -s "${url}" | grep -q 'Datenstand 4 vom' && ok || bad "Übersicht zeigt Datenstand 4 nicht"
c=$(code "${auth[@]}" --data "datenstand=99" "${url}daten/zuruecksetzen")
[ "$c" = 400 ] && grep -q 'unbekannter Datenstand 99' body && ok ||
  bad "zurücksetzen auf 99: $c"
c=$(code "${auth[@]}" --data "datenstand=abc" "${url}daten/zuruecksetzen")
[ "$c" = 400 ] && ok || bad "zurücksetzen auf abc: $c"

# ---- limits ---------------------------------------------------------------------
head -c 1500000 /dev/zero | tr '\0' 'a' >gross.csv
c=$(code "${auth[@]}" -F "dateien=@gross.csv" "${url}api/v1/imports")
[ "$c" = 413 ] && ok || bad "1,5 MB bei --max-upload 1: $c statt 413"
files=()
for i in $(seq 9); do cp gut.csv "g$i.csv"; files+=(-F "dateien=@g$i.csv"); done
c=$(code "${auth[@]}" "${files[@]}" "${url}api/v1/imports")
[ "$c" = 413 ] && grep -q 'zu viele Dateien' body && ok ||
  bad "9 Dateien: $c statt 413"
c=$(code "${auth[@]}" -F "dateien=@gut.csv" -F "dateien=@gut.csv" "${url}api/v1/imports")
[ "$c" = 422 ] && ok || bad "doppelte Datei: $c statt 422"
c=$(code "${auth[@]}" -H 'Content-Type: text/plain' --data 'x' "${url}api/v1/imports")
[ "$c" = 400 ] && ok || bad "kein Formular: $c statt 400"
same_export v1.csv "Grenzen"

echo "daten: $pass passed, $fail failed"
[ "$fail" = 0 ]
