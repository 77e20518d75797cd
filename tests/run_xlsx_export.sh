#!/usr/bin/env bash
# XLSX output (docs/berichte.md): `ampel export -o FILE.xlsx` read back with
# openpyxl and checked against the CSV export and `ampel lights`; `ampel
# template` checked, filled with the example data as a user would, imported
# and exported again: the CSV must equal the one from the CSV import.
# Usage: bash run_xlsx_export.sh AMPEL_BINARY SOURCE_DIR BUILD_DIR
set -u
bin=$(realpath "$1"); src=$(realpath "$2")
/usr/bin/python3 -c "import openpyxl" 2>/dev/null ||
  { echo "xlsx: übersprungen: openpyxl fehlt"; exit 77; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
export SOURCE_DATE_EPOCH=1767225600 LC_ALL=C.UTF-8
ex="$src/examples/gelsenkirchen"
"$src/scripts/make-example-db" "$bin" "$work" >/dev/null || exit 1
a() { "$bin" --db "$work/ampel.db" "$@"; }
fail=0
a export -o "$work/book.xlsx" || fail=1
if [ ! -s "$work/book.xlsx" ] && a export -o "$work/book.xlsx" 2>&1 | grep -q "nicht verfügbar"; then
  echo "xlsx: übersprungen: ohne libxlsxwriter gebaut"; exit 77
fi
a export -o "$work/export.csv" || fail=1
a lights -o "$work/lights.csv" >/dev/null || fail=1
/usr/bin/python3 "$src/tests/xlsx_check.py" export "$work/book.xlsx" \
  "$work/export.csv" "$work/lights.csv" "$ex/kennzahlen.csv" || fail=1
a export --ungeschuetzt -o "$work/x.xlsx" 2>/dev/null
[ $? = 2 ] || { echo "FAIL: --ungeschuetzt with .xlsx accepted"; fail=1; }

# Template round trip.
a template -o "$work/vorlage.xlsx" >/dev/null || fail=1
/usr/bin/python3 "$src/tests/xlsx_check.py" template "$work/vorlage.xlsx" || fail=1
/usr/bin/python3 "$src/tests/xlsx_check.py" fill "$work/vorlage.xlsx" \
  "$work/filled.xlsx" "$ex/gebiete.csv" "$ex/kennzahlen.csv" "$ex/werte.csv" >/dev/null || fail=1
"$bin" --db "$work/t.db" import "$work/filled.xlsx" >/dev/null 2>"$work/imp.err" ||
  { echo "FAIL: import of the filled template"; cat "$work/imp.err"; fail=1; }
"$bin" --db "$work/t.db" export -o "$work/roundtrip.csv" || fail=1
"$bin" --db "$work/t.db" export --ungeschuetzt -o "$work/rt-raw.csv" 2>/dev/null || fail=1
a export --ungeschuetzt -o "$work/raw.csv" 2>/dev/null || fail=1
cmp -s "$work/export.csv" "$work/roundtrip.csv" ||
  { echo "FAIL: template round trip differs"; diff "$work/export.csv" "$work/roundtrip.csv" | head; fail=1; }
cmp -s "$work/raw.csv" "$work/rt-raw.csv" ||
  { echo "FAIL: template round trip (unprotected) differs"; fail=1; }
[ $fail = 0 ] && echo "xlsx: ok" || echo "xlsx: FAILED"
exit $fail
