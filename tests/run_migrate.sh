#!/usr/bin/env bash
# ampel db migrate (issue 11, item 6): a whole installation moves to another
# database and every output stays the same.
#
# SQLite -> SQLite always: the Gelsenkirchen example (built like
# scripts/make-example-db, with its outline and a disclosure setting) and
# tests/parity/*.csv; `export`, `lights --level Stadtteil`, `config list`,
# `list areas|indicators|periods`, `versions` (the whole history: ids,
# times, digests, counts, files) and `map` (footer included: the same
# Datenstand) are compared byte for byte. A non-empty target is refused
# (exit 1, target unchanged). SQLite -> PostgreSQL -> SQLite when
# PostgreSQL is installed (tests/pg/pg-start), else that part is reported
# skipped; a source with geometry moves to PostgreSQL with the same map.
set -u
bin=$(realpath "$1"); src=$(realpath "$2")
work=$(mktemp -d)
pg_dir="$work/pg"
trap '[ -d "$pg_dir/data" ] && bash "$src/tests/pg/pg-stop" "$pg_dir"; rm -rf "$work"' EXIT
export SOURCE_DATE_EPOCH=1767225600 LC_ALL=C.UTF-8
pass=0; fail=0
ok() { pass=$((pass+1)); }
bad() { echo "FAIL $*"; fail=$((fail+1)); }
cd "$work" || exit 1
cmds=("export -o -" "lights --level Stadtteil -o -" "config list"
      "list areas" "list indicators" "list periods")

# same NAME A B: every output of A and B is the same
same() {
  local name=$1 a=$2 b=$3 c
  for c in "${cmds[@]}"; do
    # shellcheck disable=SC2086
    "$bin" --db "$a" $c >a.out 2>&1; local r1=$?
    # shellcheck disable=SC2086
    "$bin" --db "$b" $c >b.out 2>&1; local r2=$?
    if [ $r1 = $r2 ] && cmp -s a.out b.out; then ok; else
      bad "$name: '$c' weicht ab (exit $r1/$r2)"; diff a.out b.out | head -5
    fi
  done
}
# migrate NAME FROM TO: the migration succeeds
migrate() {
  if "$bin" db migrate --from "$2" --to "$3" >mig.out 2>mig.err; then ok; else
    bad "$1: migrate exit $?"; cat mig.err; fi
}
footerless() { sed 's/Datenstand [0-9]* vom [^)]*)//'; }

# ---- SQLite -> SQLite: the example with its outline and a setting -------
bash "$src/scripts/make-example-db" "$bin" gk >/dev/null 2>&1 ||
  { echo "FAIL: Beispiel-Datenbank"; exit 1; }
"$bin" --db gk/ampel.db config set min_count 5 >/dev/null
migrate gelsenkirchen gk/ampel.db copy.db
grep -q "1 Flächen" mig.out && ok || { bad "gelsenkirchen: Flächen"; cat mig.out; }
same gelsenkirchen gk/ampel.db copy.db
"$bin" --db gk/ampel.db map --level Stadtteil -o - >a.svg 2>&1
"$bin" --db copy.db map --level Stadtteil -o - >b.svg 2>&1
grep -q "Datenstand 2 vom" b.svg && cmp -s a.svg b.svg && ok ||
  bad "gelsenkirchen: Karte weicht ab"
# the whole history: the same Datenstände with the same files
"$bin" --db gk/ampel.db versions --format csv >v0.csv
"$bin" --db copy.db versions --format csv >v.csv
n=$(grep -c . v.csv)
[ "$n" = 3 ] && cmp -s v0.csv v.csv && grep -q "gebiete.csv" v.csv &&
  grep -q "stadtgrenze.geojson" v.csv &&
  ok || { bad "gelsenkirchen: Datenstände der Kopie"; diff v0.csv v.csv; }

# Neighbour pairs: a second move reads them back from the first copy.
b="$src/tests/malformed_geo/base"
"$bin" --db bez.db import "$b"/*.csv >/dev/null 2>&1 &&
  "$bin" --db bez.db import --key-property id --level Bezirk \
    "$b/bezirke.geojson" >/dev/null 2>&1 || bad "Bezirke: Einlesen"
migrate bezirke bez.db bez2.db
grep -q "2 Flächen, 1 Nachbarschaften" mig.out && ok || { bad "bezirke: Nachbarn"; cat mig.out; }
migrate "bezirke weiter" bez2.db bez3.db
grep -q "2 Flächen, 1 Nachbarschaften" mig.out && ok || { bad "bezirke weiter: Nachbarn"; cat mig.out; }
"$bin" --db bez.db map --level Bezirk --by scaled -o - 2>&1 | footerless >a.svg
"$bin" --db bez3.db map --level Bezirk --by scaled -o - 2>&1 | footerless >b.svg
cmp -s a.svg b.svg && grep -q "<path" b.svg && ok || bad "bezirke: Karte weicht ab"

# A non-empty target is refused and stays as it was.
for c in "export -o -" "versions" "config list"; do
  # shellcheck disable=SC2086
  "$bin" --db copy.db $c; done >before.txt 2>&1
"$bin" --db parity.db import "$src"/tests/parity/*.csv >/dev/null 2>&1
"$bin" db migrate --from parity.db --to copy.db >out.txt 2>err.txt; rc=$?
for c in "export -o -" "versions" "config list"; do
  # shellcheck disable=SC2086
  "$bin" --db copy.db $c; done >after.txt 2>&1
if [ $rc = 1 ] && grep -q "Zieldatenbank ist nicht leer" err.txt &&
   cmp -s before.txt after.txt; then ok; else
  bad "nicht leeres Ziel: exit $rc"; cat err.txt; diff before.txt after.txt | head -5; fi

# A failed migration into a new SQLite file leaves no file behind.
"$bin" db migrate --from nirgends.db --to new.db >/dev/null 2>&1; rc=$?
[ $rc != 0 ] && [ ! -e new.db ] && ok || bad "fehlende Quelle: exit $rc"
"$bin" db migrate --from copy.db --to copy.db >/dev/null 2>&1; rc=$?
[ $rc = 2 ] && ok || bad "Quelle = Ziel: exit $rc"

for a in "--from copy.db" "--to x.db" ""; do
  # shellcheck disable=SC2086
  "$bin" db migrate $a >/dev/null 2>err.txt; rc=$?
  [ $rc = 2 ] && grep -q "braucht --from ORT und --to ORT" err.txt && ok ||
    bad "db migrate $a: exit $rc"
done

# ---- SQLite -> SQLite: the parity data ---------------------------------
migrate parity parity.db parity2.db
same parity parity.db parity2.db

# ---- SQLite -> PostgreSQL -> SQLite -------------------------------------
urls=$(bash "$src/tests/pg/pg-start" "$pg_dir" gk geo parity 2>pg.err)
rc=$?
if [ $rc = 77 ]; then
  echo "übersprungen: SQLite -> PostgreSQL -> SQLite (PostgreSQL fehlt)"
elif [ $rc != 0 ]; then
  bad "PostgreSQL startet nicht"; cat pg.err
else
  mapfile -t url <<<"$urls"
  # the tables only (PostgreSQL cannot store geometry yet), a setting
  g="$src/examples/gelsenkirchen"
  "$bin" --db tables.db import "$g"/*.csv >/dev/null 2>&1
  "$bin" --db tables.db config set secondary_suppression nein >/dev/null
  migrate "gk nach PostgreSQL" tables.db "${url[0]}"
  same "gk nach PostgreSQL" tables.db "${url[0]}"
  migrate "gk zurück" "${url[0]}" back.db
  same "gk zurück" tables.db back.db
  migrate "parity nach PostgreSQL" parity.db "${url[2]}"
  same "parity nach PostgreSQL" parity.db "${url[2]}"
  migrate "parity zurück" "${url[2]}" parity3.db
  same "parity zurück" parity.db parity3.db
  # geometry moves too: the same map, footer included, and the same
  # Datenstände
  migrate "Flächen nach PostgreSQL" gk/ampel.db "${url[1]}"
  same "Flächen nach PostgreSQL" gk/ampel.db "${url[1]}"
  "$bin" --db gk/ampel.db map --level Stadt -o - >map1.svg 2>/dev/null
  "$bin" --db "${url[1]}" map --level Stadt -o - >map2.svg 2>/dev/null
  grep -q "<path" map1.svg && cmp -s map1.svg map2.svg && ok ||
    bad "Flächen nach PostgreSQL: Karte weicht ab"
  "$bin" --db gk/ampel.db versions --format csv >v1.csv
  "$bin" --db "${url[1]}" versions --format csv >v2.csv
  cmp -s v1.csv v2.csv && ok ||
    { bad "Flächen nach PostgreSQL: Datenstände"; diff v1.csv v2.csv; }
  # a non-empty PostgreSQL target is refused
  "$bin" db migrate --from parity.db --to "${url[0]}" >out.txt 2>err.txt; rc=$?
  [ $rc = 1 ] && grep -q "nicht leer" err.txt && ok ||
    { bad "nicht leeres PostgreSQL-Ziel: exit $rc"; cat err.txt; }
fi

echo "migrate: $pass passed, $fail failed"
[ $fail = 0 ] && [ $pass -gt 0 ]
