#!/usr/bin/env bash
# The NRW-Kreise example must be reproducible from ../shared/data by its
# script, and must import.
set -u
bin=$1; src=$2
shared="$src/../shared/data"
[ -d "$shared" ] || { echo "übersprungen: $shared fehlt"; exit 77; }
[ -x /usr/bin/python3 ] || { echo "übersprungen: /usr/bin/python3 fehlt"; exit 77; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
/usr/bin/python3 "$src/examples/nrw-kreise/make_example.py" --shared "$shared" --out "$tmp" 2>/dev/null || exit 1
fail=0
for f in gebiete.csv kennzahlen.csv werte.csv; do
  cmp -s "$tmp/$f" "$src/examples/nrw-kreise/$f" || { echo "FAIL: $f weicht vom Skript ab"; fail=1; }
done
out=$("$bin" --db "$tmp/t.db" import "$src"/examples/nrw-kreise/*.csv) || fail=1
echo "$out"
echo "$out" | grep -q "59 Gebiete, 8 Kennzahlen, 4240 Werte" || { echo "FAIL: Zählung"; fail=1; }
[ $fail = 0 ] && echo "example-nrw: 1 passed, 0 failed" || echo "example-nrw: 0 passed, 1 failed"
exit $fail
