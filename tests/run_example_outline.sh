#!/usr/bin/env bash
# The Gelsenkirchen outline must be reproducible from ../shared/data by
# examples/gelsenkirchen/make_outline.py, and the example database (tables
# and outline) must build.
set -u
bin=$1; src=$2
if [ ! -x /usr/bin/python3 ]; then echo "übersprungen: /usr/bin/python3 fehlt"; exit 77; fi
partly=
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail=0
bash "$src/scripts/make-example-db" "$bin" "$tmp/db" > "$tmp/log" 2>&1 || { cat "$tmp/log"; fail=1; }
grep -q "Flächen für 1 Gebiet" "$tmp/log" || { echo "FAIL: Stadtgrenze nicht eingelesen"; cat "$tmp/log"; fail=1; }
shared="$src/../shared/data"
if [ -d "$shared" ]; then
  /usr/bin/python3 "$src/examples/gelsenkirchen/make_outline.py" --shared "$shared" --out "$tmp" || fail=1
  cmp -s "$tmp/stadtgrenze.geojson" "$src/examples/gelsenkirchen/stadtgrenze.geojson" ||
    { echo "FAIL: stadtgrenze.geojson weicht vom Skript ab"; fail=1; }
else
  partly="$shared fehlt, Neuerzeugung nicht geprüft"
fi
[ $fail = 0 ] && echo "example-outline: 1 passed, 0 failed" || echo "example-outline: 0 passed, 1 failed"
if [ $fail = 0 ] && [ -n "$partly" ]; then echo "übersprungen (teilweise): $partly"; exit 77; fi
exit $fail
