#!/usr/bin/env bash
# Malformed geometry files: each tests/malformed_geo/NAME.geojson (or .kml) must be
# refused by `ampel import` and `ampel check` with its located message
# (tests/malformed_geo/expected/NAME.stderr), exit code 1, and must leave
# the database exactly as it was (same areas and the same stored shapes,
# compared through `ampel map` of the base geometry). NAME.args holds
# options replacing the default `--key-property id --level Bezirk`.
# AMPEL_GOLDEN_UPDATE=1 rewrites the expected messages.
# Skipped (77) while `ampel import` does not read geometry files.
set -u
bin=$(realpath "$1"); src=$(realpath "$2")
dir="$src/tests/malformed_geo"; work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
export SOURCE_DATE_EPOCH=1767225600 LC_ALL=C.UTF-8
if ! "$bin" import --help | grep -q -- --key-property; then
  echo "übersprungen: 'ampel import' liest noch keine Flächen-Dateien"; exit 77
fi
cd "$work"
"$bin" --db base.db import "$dir"/base/*.csv >/dev/null || { echo "FAIL: base import"; exit 1; }
cp "$dir"/base/bezirke.geojson .
"$bin" --db base.db import --key-property id --level Bezirk bezirke.geojson >/dev/null ||
  { echo "FAIL: base geometry"; exit 1; }
"$bin" --db base.db map --level Bezirk --by scaled -o before.svg >/dev/null 2>&1
"$bin" --db base.db list areas --format csv > before.csv
pass=0; fail=0
for f in "$dir"/*.geojson "$dir"/*.kml; do
  name=$(basename "$f"); stem=${name%.*}
  args="--key-property id --level Bezirk"
  [ -f "$dir/$stem.args" ] && args=$(cat "$dir/$stem.args")
  cp base.db t.db; rm -f t.db-wal t.db-shm
  cp "$f" "./$name"
  # shellcheck disable=SC2086
  "$bin" --db t.db import $args "$name" >out.txt 2>err.txt; rc=$?
  # shellcheck disable=SC2086
  "$bin" --db t.db check $args "$name" >/dev/null 2>check.txt; crc=$?
  "$bin" --db t.db map --level Bezirk --by scaled -o after.svg >/dev/null 2>&1
  "$bin" --db t.db list areas --format csv > after.csv
  exp="$dir/expected/$stem.stderr"
  if [ -n "${AMPEL_GOLDEN_UPDATE:-}" ]; then cp err.txt "$exp"; fi
  ok=1
  [ $rc = 1 ] || { echo "FAIL $name: import exit $rc, erwartet 1"; ok=0; }
  [ $crc = 1 ] || { echo "FAIL $name: check exit $crc, erwartet 1"; ok=0; }
  diff -u "$exp" err.txt || { echo "FAIL $name: Meldung weicht ab"; ok=0; }
  grep -q "Fehler" err.txt || { echo "FAIL $name: keine Fehlermeldung"; ok=0; }
  cmp -s before.svg after.svg && cmp -s before.csv after.csv ||
    { echo "FAIL $name: Datenbank wurde verändert"; ok=0; }
  if [ $ok = 1 ]; then pass=$((pass+1)); else fail=$((fail+1)); fi
done
echo "malformed_geo: $pass passed, $fail failed"
[ $fail = 0 ] && [ $pass -gt 0 ]
