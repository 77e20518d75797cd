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

# ---- roles and CSRF with accounts (issue 12) ----------------------------
# leser may not check or import (session with CSRF, or an API token): 403;
# redaktion with the session cookie but without the CSRF token: 403; with
# it: allowed. Nothing changes on any refusal.
printf 'lesen-lesen-1\n' | "$bin" --db d.db user add lea --role leser >/dev/null
printf 'redaktion-123\n' | "$bin" --db d.db user add rudi --role redaktion \
  >/dev/null
sess() { # sess NAME PASSWORD JAR: signs in, prints the CSRF token
  curl -s -c "$3" -H 'Content-Type: application/json' \
    --data "{\"benutzer\": \"$1\", \"passwort\": \"$2\"}" \
    "${url}api/v1/session" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf"])'
}
cl=$(sess lea lesen-lesen-1 lea.jar)
c=$(code -b lea.jar -H "X-CSRF-Token: $cl" -F "dateien=@gut.csv" \
  "${url}api/v1/imports")
[ "$c" = 403 ] && ok || bad "leser mit Sitzung: $c statt 403"
c=$(code -b lea.jar -F "csrf=$cl" -F "dateien=@gut.csv" "${url}daten/pruefen")
[ "$c" = 403 ] && ok || bad "leser /daten/pruefen: $c statt 403"
lt=$("$bin" --db d.db token add lea-job --user lea 2>/dev/null)
c=$(code -H "Authorization: Bearer $lt" -F "dateien=@gut.csv" \
  "${url}api/v1/imports")
[ "$c" = 403 ] && ok || bad "leser mit API-Schlüssel: $c statt 403"
cr=$(sess rudi redaktion-123 rudi.jar)
c=$(code -b rudi.jar -F "dateien=@gut.csv" "${url}api/v1/imports")
[ "$c" = 403 ] && ok || bad "redaktion ohne X-CSRF-Token: $c statt 403"
c=$(code -b rudi.jar -F "dateien=@gut.csv" "${url}daten/pruefen")
[ "$c" = 403 ] && ok || bad "redaktion Formular ohne csrf: $c statt 403"
same_export v1.csv "abgewiesene Rollen"
c=$(code -b rudi.jar -H "X-CSRF-Token: $cr" -F "dateien=@gut.csv" \
  "${url}api/v1/imports?check=1")
[ "$c" = 200 ] && ok || bad "redaktion mit X-CSRF-Token (Prüfen): $c statt 200"
same_export v1.csv "Prüfen als redaktion"

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

# ---- ?datenstand=N and --datenstand N (the current one is 4) ---------------
c=$(code "${url}?datenstand=2")
[ "$c" = 200 ] && grep -q 'Datenstand 2 vom [^<]*früherer Stand (aktuell: Datenstand 4)' body &&
  grep -q 'class="hinweis frueher"' body && ok ||
  bad "/?datenstand=2: $c $(grep -o 'Datenstand [0-9] vom[^<]*' body | head -1)"
# the navigation and the links of the page keep the Datenstand, GET forms too
grep -q 'href="/bedarf?datenstand=2"' body && grep -q 'href="/gebiet/GE-M-SCH?datenstand=2"' body &&
  grep -q '<input type="hidden" name="datenstand" value="2">' body &&
  ! grep -q 'href="/static/ampel.css?' body && ok || bad "Links ohne datenstand=2"
c=$(code "${url}api/v1/values?area=GE&indicator=schulen_anzahl&period=2024/25&datenstand=2")
[ "$c" = 200 ] && grep -q '"value": 800' body && ok || bad "API datenstand=2: $c $(head -c 300 body)"
c=$(code "${url}api/v1/values?area=GE&indicator=schulen_anzahl&period=2024/25")
grep -q '"value": 79' body && ok || bad "API aktuell: $(head -c 300 body)"
curl -s "${url}download/werte.csv?datenstand=2" >dl2.csv
"$bin" --db d.db --datenstand 2 export -o cli2.csv
cmp -s cli2.csv v2.csv && ok || bad "--datenstand 2 export ≠ Export von Datenstand 2"
cmp -s dl2.csv v2.csv && ok || bad "/download/werte.csv?datenstand=2 ≠ Export von Datenstand 2"
curl -s "${url}?datenstand=4" | grep -q 'Datenstand 4 vom' && ok || bad "?datenstand=4"
curl -s "${url}?datenstand=0" | grep -q 'früherer Stand' && bad "?datenstand=0 früher" || ok
for v in x -1 1.5 9999999999999; do
  c=$(code "${url}?datenstand=$v")
  [ "$c" = 400 ] && grep -q 'datenstand: Nummer eines Datenstands erwartet' body && ok ||
    bad "?datenstand=$v: $c statt 400"
done
c=$(code "${url}kennzahl/schulen_anzahl?datenstand=99")
[ "$c" = 404 ] && grep -q 'unbekannter Datenstand 99 (vorhanden: 1 bis 4)' body && ok ||
  bad "?datenstand=99: $c statt 404"
c=$(code "${url}api/v1/lights?datenstand=99")
[ "$c" = 404 ] && grep -q '"status": 404' body && ok || bad "API datenstand=99: $c"
"$bin" --db d.db --datenstand 99 export -o x.csv 2>err; rc=$?
[ "$rc" = 2 ] && grep -q 'unbekannter Datenstand 99' err && ok || bad "--datenstand 99: $rc"
"$bin" --db d.db --datenstand 2 import gut.csv 2>err; rc=$?
[ "$rc" = 2 ] && grep -q 'nur für lesende Befehle' err && ok || bad "--datenstand beim Import: $rc"
"$bin" --db d.db --datenstand abc list periods 2>err; rc=$?
[ "$rc" = 2 ] && ok || bad "--datenstand abc: $rc"
same_export v1.csv "?datenstand=N"

# ---- /daten/kennzahlen: metadata as a new Datenstand, shown in heatmap/Ampel --
c=$(code "${url}daten/kennzahlen")
[ "$c" = 401 ] && ok || bad "anonym /daten/kennzahlen: $c statt 401"
c=$(code --data "kennzahl=schulen_anzahl&name=X" "${url}daten/kennzahlen")
[ "$c" = 401 ] && ok || bad "anonym POST /daten/kennzahlen: $c statt 401"
c=$(code "${auth[@]}" "${url}daten/kennzahlen")
[ "$c" = 200 ] && grep -q 'href="/daten/kennzahlen?kennzahl=gs_anteil_si_7_9"' body && ok ||
  bad "/daten/kennzahlen: $c"
c=$(code "${auth[@]}" "${url}daten/kennzahlen?kennzahl=gs_anteil_si_7_9")
[ "$c" = 200 ] && grep -q 'name="anzeigen" value="ja" checked' body && ok ||
  bad "Formular gs_anteil_si_7_9: $c"
c=$(code "${auth[@]}" "${url}daten/kennzahlen?kennzahl=gibtsnicht")
[ "$c" = 404 ] && ok || bad "unbekannte Kennzahl: $c statt 404"
curl -s "${url}api/v1/lights" >l_before.json
grep -q '"key": "gs_anteil_si_7_9"' l_before.json && ok || bad "gs_anteil_si_7_9 fehlt schon vorher"
form=(--data-urlencode kennzahl=gs_anteil_si_7_9
  --data-urlencode "name=Anteil SI 7 bis 9 (Grundschulen)" --data-urlencode "einheit=%"
  --data-urlencode "handlungsfeld=Schule" --data-urlencode "definition=Testdefinition"
  --data-urlencode "quelle=Testquelle" -d richtung=hoeher_schlechter -d geheimhaltung=vorgabe)
c=$(curl -s -o body -D head -w '%{http_code}' "${auth[@]}" "${form[@]}" -d anzeigen=nein "${url}daten/kennzahlen")
[ "$c" = 303 ] && grep -qi '^location: /daten/kennzahlen?gespeichert=5' head && ok ||
  bad "Kennzahl speichern: $c $(cat head body | head -c 400)"
curl -s "${url}api/v1/lights" >l_after.json
! grep -q '"key": "gs_anteil_si_7_9"' l_after.json && grep -q 'Datenstand 5 vom' l_after.json &&
  ok || bad "Ampel (API) zeigt die ausgeblendete Kennzahl"
curl -s "${url}api/v1/heatmap" | grep -q 'gs_anteil_si_7_9' && bad "Heatmap (API) zeigt sie" || ok
curl -s "${url}api/v1/lights?indicators=gs_anteil_si_7_9" | grep -q '"key": "gs_anteil_si_7_9"' &&
  ok || bad "ausdrücklich genannt: fehlt"
"$bin" --db d.db lights -o l.csv >/dev/null 2>&1
grep -q 'gs_anteil_si_7_9' l.csv && bad "ampel lights zeigt die ausgeblendete Kennzahl" || ok
"$bin" --db d.db heatmap -o h.json >/dev/null 2>&1
[ -s h.json ] && ! grep -q 'gs_anteil_si_7_9' h.json && ok || bad "ampel heatmap zeigt sie"
curl -s "${url}" | grep -q 'kennzahl/gs_anteil_si_7_9' && bad "Übersicht zeigt sie" || ok
curl -s "${url}kennzahl/gs_anteil_si_7_9" | grep -q 'Anteil SI 7 bis 9 (Grundschulen)' &&
  ok || bad "neuer Name nicht auf der Kennzahlseite"
c=$(code "${auth[@]}" "${url}api/v1/imports")
grep -q '"id": 5, .*"kind": "metadata", "user": "admin"' body && ok ||
  bad "metadata-Datenstand fehlt: $(head -c 300 body)"
c=$(code "${auth[@]}" "${url}daten")
grep -q 'Kennzahlen bearbeitet<br><span class="klein">gs_anteil_si_7_9: Name,[^<]*Definition, Quelle, nicht in Heatmap und Ampel' body &&
  ok || bad "/daten nennt die Änderung nicht"
c=$(curl -s -o body -D head -w '%{http_code}' "${auth[@]}" "${form[@]}" -d anzeigen=nein "${url}daten/kennzahlen")
[ "$c" = 303 ] && grep -qi '^location: /daten/kennzahlen?gespeichert=0' head && ok ||
  bad "unverändert speichern: $c"
c=$(code "${auth[@]}" "${form[@]}" -d anzeigen=vielleicht "${url}daten/kennzahlen")
[ "$c" = 400 ] && ok || bad "anzeigen=vielleicht: $c statt 400"
c=$(code "${auth[@]}" --data "kennzahl=gs_anteil_si_7_9&name=&richtung=neutral&geheimhaltung=ja&anzeigen=ja" "${url}daten/kennzahlen")
[ "$c" = 400 ] && ok || bad "leerer Name: $c statt 400"
c=$(code "${auth[@]}" --data "kennzahl=gibtsnicht&name=X&richtung=neutral&geheimhaltung=ja&anzeigen=ja" "${url}daten/kennzahlen")
[ "$c" = 404 ] && ok || bad "unbekannte Kennzahl speichern: $c statt 404"
c=$(curl -s -o body -D head -w '%{http_code}' "${auth[@]}" "${form[@]}" -d anzeigen=ja "${url}daten/kennzahlen")
[ "$c" = 303 ] && curl -s "${url}api/v1/lights" | grep -q '"key": "gs_anteil_si_7_9"' &&
  ok || bad "wieder einblenden: $c"
"$bin" --db d.db versions | grep -c '^Datenstand' | grep -qx 6 && ok || bad "nicht 6 Datenstände"
same_export v1.csv "Kennzahlen bearbeiten (Werte unverändert)"

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

# ---- areas in the browser: GeoJSON, KML, a zipped Shapefile -----------------
G="$src/tests/malformed_geo"
c=$(code "${auth[@]}" -F "dateien=@$G/base/gebiete.csv" "${url}api/v1/imports")
[ "$c" = 201 ] && ok || bad "Gebiete A/B: $c $(head -c 200 body)"
"$bin" --db d.db export -o g0.csv
n=0
for f in "$G"/*.geojson "$G"/*.kml; do
  name=$(basename "$f"); stem=${name%.*}
  [ -f "$G/$stem.args" ] && continue
  want=$(head -1 "$G/expected/$stem.stderr" | sed -n "s/^ampel: $name:\([0-9]*\):.*/\1/p")
  c=$(code "${auth[@]}" -F "dateien=@$f" -F schluessel=id -F ebene=Bezirk "${url}api/v1/imports")
  if [ "$c" != 422 ] || ! grep -q "\"file\": \"$name\"" body; then
    bad "$name: $c statt 422 $(head -c 200 body)"; continue; fi
  if [ -n "$want" ] && ! grep -q "\"line\": $want," body; then
    bad "$name: Zeile $want fehlt: $(head -c 300 body)"; continue; fi
  ok; n=$((n+1))
done
[ "$n" -ge 10 ] && ok || bad "nur $n fehlerhafte Flächen-Dateien"
c=$(code "${auth[@]}" -F "dateien=@$G/broken_json.geojson" -F schluessel=id "${url}daten/pruefen")
[ "$c" = 422 ] && grep -q 'broken_json.geojson:3:30' body && grep -q 'class="caret"' body && ok ||
  bad "/daten/pruefen Flächen mit Fehler: $c"
c=$(code "${auth[@]}" -F "dateien=@$G/base/bezirke.geojson" "${url}api/v1/imports")
[ "$c" = 422 ] && grep -q 'schluessel' body && ok || bad "ohne schluessel: $c statt 422"
c=$(code "${auth[@]}" -F "dateien=@$G/base/bezirke.geojson" -F "dateien=@gut.csv" -F schluessel=id "${url}api/v1/imports")
[ "$c" = 422 ] && grep -q 'einzeln' body && ok || bad "Flächen mit Tabelle: $c statt 422"
same_export g0.csv "fehlerhafte Flächen"
c=$(code "${auth[@]}" -F "dateien=@$G/base/bezirke.geojson" -F schluessel=id -F ebene=Bezirk "${url}daten/pruefen")
tok=$(grep -o 'name="token" value="[0-9a-f]*"' body | grep -o '[0-9a-f]\{64\}')
[ "$c" = 200 ] && [ -n "$tok" ] && grep -q '2 Gebieten zugeordnet' body && ok ||
  bad "/daten/pruefen Flächen: $c"
c=$(curl -s -o body -D head -w '%{http_code}' "${auth[@]}" --data "token=$tok" "${url}daten/einlesen")
[ "$c" = 303 ] && grep -qi '^location: /daten?eingelesen=8' head && ok || bad "Flächen einlesen: $c $(cat head)"
c=$(code "${auth[@]}" "${url}api/v1/imports")
grep -q '"id": 8, .*"kind": "geometry", "user": "admin"' body && ok ||
  bad "geometry-Datenstand fehlt: $(head -c 300 body)"
# a zipped Shapefile (the .shp/.shx/.dbf of tests/regress/issue-16-truncated-dbf)
R="$src/tests/regress/issue-16-truncated-dbf"
if command -v python3 >/dev/null; then
  python3 - "$R" <<'PY'
import sys, zipfile
r = sys.argv[1]
with zipfile.ZipFile("bezirke.zip", "w") as z:
    for e in ("shp", "shx", "dbf"):
        z.write(f"{r}/bezirke.{e}", f"bezirke/bezirke.{e}")
    z.writestr("__MACOSX/bezirke/._bezirke.shp", b"x")
with zipfile.ZipFile("cut.zip", "w") as z:
    for e in ("shp", "shx"):
        z.write(f"{r}/bezirke.{e}", f"bezirke.{e}")
    z.writestr("bezirke.dbf", open(f"{r}/bezirke.dbf", "rb").read()[:-2])
with zipfile.ZipFile("ohne_dbf.zip", "w") as z:
    for e in ("shp", "shx"):
        z.write(f"{r}/bezirke.{e}", f"bezirke.{e}")
PY
  shp=(-F schluessel=id -F ebene=Bezirk -F crs=EPSG:25832)
  c=$(code "${auth[@]}" -F "dateien=@cut.zip" "${shp[@]}" "${url}api/v1/imports")
  [ "$c" = 422 ] && grep -q '"file": "cut.zip/bezirke.dbf", "line": 2' body && ok ||
    bad "abgeschnittene .dbf im ZIP: $c $(head -c 300 body)"
  c=$(code "${auth[@]}" -F "dateien=@ohne_dbf.zip" "${shp[@]}" "${url}api/v1/imports")
  [ "$c" = 422 ] && grep -q 'fehlt die .dbf-Datei' body && ok || bad "ZIP ohne .dbf: $c"
  printf 'kein zip' >kaputt.zip
  c=$(code "${auth[@]}" -F "dateien=@kaputt.zip" "${shp[@]}" "${url}api/v1/imports")
  [ "$c" = 422 ] && grep -q '"line": 1, "column": 1' body && ok || bad "kein ZIP: $c"
  c=$(code "${auth[@]}" -F "dateien=@bezirke.zip" "${shp[@]}" "${url}api/v1/imports?check=1")
  [ "$c" = 200 ] && grep -q '"matched": 2' body && ok || bad "ZIP prüfen: $c $(head -c 300 body)"
  c=$(code "${auth[@]}" -F "dateien=@bezirke.zip" "${shp[@]}" "${url}api/v1/imports")
  [ "$c" = 201 ] && grep -q '"datenstand": 9' body && grep -q '"epsg": 25832' body && ok ||
    bad "ZIP einlesen: $c $(head -c 300 body)"
fi

echo "daten: $pass passed, $fail failed"
[ "$fail" = 0 ]
