#!/usr/bin/env bash
# PostgreSQL gives the same results as SQLite (issue 11).
#
# Starts a throwaway server (tests/pg/pg-start, 127.0.0.1, a free port below
# 32768), imports the Gelsenkirchen example and tests/parity/*.csv into
# SQLite and into PostgreSQL, and compares `export`, `lights --level
# Stadtteil` and `list areas|indicators|periods` byte for byte. Then every
# file of tests/malformed/ goes against PostgreSQL (on tests/malformed/base):
# import and check exit 1 with the expected message
# (tests/malformed/expected/NAME.stderr) and the export is unchanged.
# Geometry: the Gelsenkirchen outline (examples/gelsenkirchen/geometrie.txt,
# as scripts/make-example-db) and tests/malformed_geo/base (two districts,
# one neighbour pair, imported twice) go into both engines; their maps
# (SVG) must be the same bytes. Every tests/malformed_geo file then goes
# against PostgreSQL: exit 1, the expected message, the map unchanged.
# `versions` lists the same Datenstände (ids, times, digests, counts).
# Real data, when ../shared/data is there: Köln's 86 Stadtteile 2005-2012
# and Berlin's 536 Planungsräume (MSS 2021), made as the real-data tests
# make them; export, heatmap tree (CSV, SciPy numbering) and matrix,
# lights and the MSS index compared byte for byte.
# Stops the server at the end (trap). Exit 77 when PostgreSQL is missing.
set -u
bin=$(realpath "$1"); src=$(realpath "$2")
work=$(mktemp -d)
trap 'bash "$src/tests/pg/pg-stop" "$work/pg"; rm -rf "$work"' EXIT
export SOURCE_DATE_EPOCH=1767225600 LC_ALL=C.UTF-8
urls=$(bash "$src/tests/pg/pg-start" "$work/pg" gelsenkirchen parity mal geo koeln berlin)
rc=$?
[ $rc = 77 ] && exit 77
[ $rc = 0 ] || { echo "FAIL: PostgreSQL startet nicht"; exit 1; }
mapfile -t url <<<"$urls"
pass=0; fail=0
ok() { pass=$((pass+1)); }
bad() { echo "FAIL $*"; fail=$((fail+1)); }
cd "$work" || exit 1

# same: DATASET PG_URL FILES... - import into both, compare the outputs
same() {
  local name=$1 pg=$2 c; shift 2
  "$bin" --db "$name.db" import "$@" >"$name.sq.imp" 2>&1 ||
    { bad "$name: SQLite-Import"; return; }
  if "$bin" --db "$pg" import "$@" >"$name.pg.imp" 2>&1; then ok; else
    bad "$name: PostgreSQL-Import"; cat "$name.pg.imp"; return; fi
  cmp -s "$name.sq.imp" "$name.pg.imp" && ok ||
    bad "$name: Import-Meldung weicht ab"
  for c in "export -o -" "lights --level Stadtteil -o -" "list areas" \
           "list indicators" "list periods" "heatmap --level Stadtteil -o -" \
           "index --level Stadtteil -o -" "correlate --level Stadtteil -o -" \
           "allocate --level Stadtteil --format json -o -"; do
    # shellcheck disable=SC2086
    "$bin" --db "$name.db" $c >sq.out 2>&1; local r1=$?
    # shellcheck disable=SC2086
    "$bin" --db "$pg" $c >pg.out 2>&1; local r2=$?
    if [ $r1 = $r2 ] && cmp -s sq.out pg.out; then ok; else
      bad "$name: '$c' weicht ab (exit $r1/$r2)"; diff sq.out pg.out | head -5
    fi
  done
}
g="$src/examples/gelsenkirchen"
same gelsenkirchen "${url[0]}" "$g/gebiete.csv" "$g/kennzahlen.csv" "$g/werte.csv"
# a second import of the values: a new Datenstand, the same data
"$bin" --db "${url[0]}" import "$g/werte.csv" >/dev/null 2>&1 &&
  "$bin" --db gelsenkirchen.db import "$g/werte.csv" >/dev/null 2>&1 &&
  "$bin" --db "${url[0]}" export -o - | cmp -s - <("$bin" --db gelsenkirchen.db export -o -) &&
  ok || bad "gelsenkirchen: zweiter Import"

# geo_same: NAME PG_URL COMMAND... - run on both engines, compare output
geo_same() {
  local name=$1 pg=$2 r1 r2; shift 2
  "$bin" --db "$name.db" "$@" >sq.out 2>&1; r1=$?
  "$bin" --db "$pg" "$@" >pg.out 2>&1; r2=$?
  if [ $r1 = $r2 ] && cmp -s sq.out pg.out && grep -q "<path" sq.out; then
    ok; else bad "$name: '$*' weicht ab (exit $r1/$r2)"; diff sq.out pg.out | head -5; fi
}
# geo_import: NAME PG_URL IMPORT-ARGS... - into both, the same message
geo_import() {
  local name=$1 pg=$2; shift 2
  "$bin" --db "$name.db" import "$@" >sq.imp 2>&1 ||
    { bad "$name: SQLite-Flächenimport"; cat sq.imp; return; }
  "$bin" --db "$pg" import "$@" >pg.imp 2>&1 ||
    { bad "$name: PostgreSQL-Flächenimport"; cat pg.imp; return; }
  cmp -s sq.imp pg.imp && ok || { bad "$name: Flächenimport-Meldung weicht ab"; diff sq.imp pg.imp; }
}
while read -r file opts; do
  case "$file" in ''|'#'*) continue;; esac
  # shellcheck disable=SC2086
  geo_import gelsenkirchen "${url[0]}" "$g/$file" $opts
done <"$g/geometrie.txt"
geo_same gelsenkirchen "${url[0]}" map --level Stadt -o -
geo_same gelsenkirchen "${url[0]}" map --level Stadt --points Stadtteil -o -
geo_same gelsenkirchen "${url[0]}" map --level Stadt --by scaled --palette grau -o -

# Datenstände: the same ids, times, digests, counts of new/changed/removed
# values and files as SQLite (schema version 4 on both engines)
"$bin" --db gelsenkirchen.db versions --format csv >sq.out 2>&1 &&
  "$bin" --db "${url[0]}" versions --format csv >pg.out 2>&1 &&
  cmp -s sq.out pg.out && [ "$(wc -l <pg.out)" -gt 2 ] &&
  cut -d, -f5 pg.out | grep -q '^[1-9]' && ok ||
  { bad "gelsenkirchen: 'versions' weicht ab"; diff sq.out pg.out | head -5; }

mg="$src/tests/malformed_geo"
"$bin" --db geo.db import "$mg"/base/*.csv >/dev/null &&
  "$bin" --db "${url[3]}" import "$mg"/base/*.csv >/dev/null && ok ||
  bad "geo: Tabellen einlesen"
cp "$mg/base/bezirke.geojson" .
for _ in 1 2; do # the second import replaces shapes and neighbours
  geo_import geo "${url[3]}" --key-property id --level Bezirk bezirke.geojson
done
geo_same geo "${url[3]}" map --level Bezirk -o -
geo_same geo "${url[3]}" map --level Bezirk --by scaled -o -
"$bin" --db "${url[3]}" map --level Bezirk --by scaled -o before.svg >/dev/null 2>&1
for f in "$mg"/*.geojson; do
  name=$(basename "$f"); stem=${name%.*}
  args="--key-property id --level Bezirk"
  [ -f "$mg/$stem.args" ] && args=$(cat "$mg/$stem.args")
  cp "$f" "./$name"
  # shellcheck disable=SC2086
  "$bin" --db "${url[3]}" import $args "$name" >out.txt 2>err.txt; r=$?
  "$bin" --db "${url[3]}" map --level Bezirk --by scaled -o after.svg >/dev/null 2>&1
  good=1
  [ $r = 1 ] || { bad "malformed_geo $name: import exit $r, erwartet 1"; good=0; }
  cmp -s before.svg after.svg || { bad "malformed_geo $name: Karte verändert"; good=0; }
  diff -u "$mg/expected/$stem.stderr" err.txt ||
    { bad "malformed_geo $name: Meldung weicht ab"; good=0; }
  [ $good = 1 ] && ok
done

same parity "${url[1]}" "$src"/tests/parity/*.csv

# Least privilege (docs/betrieb.md): a role that may only SELECT on schema
# ampel reads everything and serves the dashboard, but cannot import.
owner=${url[1]}
reader=$(printf '%s' "$owner" | sed 's|://[^@/]*@|://ampel_leser@|')
if "/usr/lib/postgresql/15/bin/psql" -q -X "$owner" -v ON_ERROR_STOP=1 -c \
  "CREATE ROLE ampel_leser LOGIN; GRANT USAGE ON SCHEMA ampel TO ampel_leser;
   GRANT SELECT ON ALL TABLES IN SCHEMA ampel TO ampel_leser;" >psql.log 2>&1
then
  "$bin" --db "$owner" lights --level Stadtteil -o - >own.out 2>&1
  "$bin" --db "$reader" lights --level Stadtteil -o - >rd.out 2>&1 &&
    cmp -s own.out rd.out && ok || bad "Leserolle: lights weicht ab"
  "$bin" --db "$owner" export -o before_rd.csv
  printf 'Gebiet;Kennzahl;Zeitraum;Wert\nP-A;sgb2;2024;40\n' >rd.csv
  "$bin" --db "$reader" import rd.csv >/dev/null 2>rd.err; r=$?
  "$bin" --db "$owner" export -o after_rd.csv
  [ $r != 0 ] && [ -s rd.err ] && cmp -s before_rd.csv after_rd.csv && ok ||
    { bad "Leserolle: Einfuhr nicht abgewiesen (exit $r)"; cat rd.err; }
  "$bin" --db "$reader" serve --port 0 >serve.out 2>serve.err &
  spid=$!
  port=
  for _ in $(seq 50); do
    port=$(sed -n 's|.*http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' serve.out)
    [ -n "$port" ] && break; sleep 0.1
  done
  if [ -n "$port" ] && curl -sf "http://127.0.0.1:$port/api/v1/lights?level=Stadtteil" >/dev/null &&
     curl -sf "http://127.0.0.1:$port/" | grep -q "Datenstand"; then ok; else
    bad "Leserolle: Dashboard antwortet nicht"; cat serve.err; fi
  kill $spid 2>/dev/null; wait $spid 2>/dev/null
else
  bad "Leserolle anlegen"; cat psql.log
fi

# malformed files against PostgreSQL: one database, checked after each file
dir="$src/tests/malformed"
pg=${url[2]}
"$bin" --db "$pg" import "$dir"/base/*.csv >/dev/null ||
  { bad "malformed: base import"; echo "pg: $pass passed, $fail failed"; exit 1; }
"$bin" --db "$pg" export -o before.csv || exit 1
for f in "$dir"/*.*; do
  case "$f" in *.args) continue;; esac
  name=$(basename "$f"); stem=${name%.*}; args=""
  [ -f "$dir/$stem.args" ] && args=$(cat "$dir/$stem.args")
  cp "$f" "./$name"
  # shellcheck disable=SC2086
  "$bin" --db "$pg" import $args "$name" >out.txt 2>err.txt; r=$?
  # shellcheck disable=SC2086
  "$bin" --db "$pg" check $args "$name" >/dev/null 2>check.txt; cr=$?
  "$bin" --db "$pg" export -o after.csv
  good=1
  [ $r = 1 ] || { bad "malformed $name: import exit $r, erwartet 1"; good=0; }
  [ $cr = 1 ] || { bad "malformed $name: check exit $cr, erwartet 1"; good=0; }
  cmp -s before.csv after.csv || { bad "malformed $name: Datenbank verändert"; good=0; }
  diff -u "$dir/expected/$stem.stderr" err.txt ||
    { bad "malformed $name: Meldung weicht ab"; good=0; }
  [ -s out.txt ] && { bad "malformed $name: Ausgabe auf stdout"; good=0; }
  [ $good = 1 ] && ok
done

# A password in the URL is refused (it would stand in the process list);
# the message names the URL without it.
pw_url=$(printf '%s' "${url[0]}" | sed 's|://\([^@/]*\)@|://\1:geheim@|')
"$bin" --db "$pw_url" list areas >out.txt 2>err.txt; rc=$?
if [ $rc = 2 ] && grep -q "Kennwort in der Adresse" err.txt &&
   ! grep -q geheim err.txt; then ok; else
  bad "Kennwort in der Adresse: Exit $rc"; cat err.txt; fi

# ---- real data ---------------------------------------------------------
# real NAME PG_URL DIR: import DIR/*.csv into both engines, compare outputs
real() {
  local name=$1 pg=$2 dir=$3 c
  "$bin" --db "$name.db" import "$dir"/*.csv >/dev/null 2>&1 &&
    "$bin" --db "$pg" import "$dir"/*.csv >/dev/null 2>&1 && ok ||
    { bad "$name: Einfuhr"; return; }
  for c in "export -o -" "heatmap --level $4 --tree tree.csv -o heat.csv" \
           "lights --level $4 -o -" "list periods"; do
    local r1 r2
    # shellcheck disable=SC2086
    "$bin" --db "$name.db" $c >sq.out 2>&1; r1=$?
    [ -f tree.csv ] && { cat tree.csv heat.csv >>sq.out; rm -f tree.csv heat.csv; }
    # shellcheck disable=SC2086
    "$bin" --db "$pg" $c >pg.out 2>&1; r2=$?
    [ -f tree.csv ] && { cat tree.csv heat.csv >>pg.out; rm -f tree.csv heat.csv; }
    [ $r1 = 0 ] && [ $r2 = 0 ] && [ -s sq.out ] &&
      cmp -s sq.out pg.out && ok ||
      { bad "$name: '$c' weicht ab"; diff sq.out pg.out | head -5; }
  done
}
shared="$src/../shared/data"
if [ -d "$shared/koeln-stadtteile" ] && /usr/bin/python3 -c 'import pandas' 2>/dev/null; then
  /usr/bin/python3 "$src/tests/data/koeln/make_koeln.py" --shared "$shared" --out koeln >/dev/null &&
    real koeln "${url[4]}" koeln Stadtteil
else
  echo "pg: Köln-Daten fehlen, dieser Teil übersprungen"
fi
if [ -d "$shared/berlin-mss-2021" ] && /usr/bin/python3 -c 'import pandas' 2>/dev/null; then
  mkdir -p berlin && /usr/bin/python3 "$src/tests/data/berlin/make_berlin.py" make \
    "$shared/berlin-mss-2021" berlin >/dev/null && real berlin "${url[5]}" berlin Planungsraum
  c="index --method mss --status S1,S3,S4 --dynamics D1,D3,D4 --level Planungsraum --period 2020-12-31 -o -"
  # shellcheck disable=SC2086
  "$bin" --db berlin.db $c >sq.out 2>&1 && "$bin" --db "${url[5]}" $c >pg.out 2>&1 &&
    [ "$(wc -l <sq.out)" -gt 500 ] && cmp -s sq.out pg.out && ok || { bad "berlin: MSS-Index weicht ab"; diff sq.out pg.out | head -5; }
else
  echo "pg: Berlin-Daten fehlen, dieser Teil übersprungen"
fi

echo "pg: $pass passed, $fail failed"
[ $fail = 0 ] && [ $pass -gt 0 ]
