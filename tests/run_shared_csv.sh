#!/usr/bin/env bash
# Every *.csv of the real data in ../shared/data, read by ampel's CSV reader
# (tests/unit/test_shared_csv.c, built as BUILD_DIR/test_shared_csv) and by
# Python's csv module (tests/shared_csv_check.py): record and cell counts
# and a checksum over all cell texts must agree.
# Usage: bash run_shared_csv.sh AMPEL_BINARY SOURCE_DIR BUILD_DIR
# Exit 77 (skipped) when SOURCE_DIR/../shared/data or the test program is
# absent.
set -u
src=$(realpath "$2"); build=$(realpath "$3")
data="$src/../shared/data"
if [ ! -d "$data" ]; then
  echo "übersprungen: $data fehlt"; exit 77
fi
prog="$build/test_shared_csv"
if [ ! -x "$prog" ]; then
  echo "übersprungen: $prog fehlt (cmocka nicht gefunden?)"; exit 77
fi
if [ ! -x /usr/bin/python3 ]; then
  echo "übersprungen: /usr/bin/python3 fehlt"; exit 77
fi
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
if ! AMPEL_SOURCE_DIR="$src" AMPEL_SHARED_CSV_OUT="$work/report.tsv" \
    "$prog"; then
  echo "FAIL: ampel could not read every shared CSV"; exit 1
fi
/usr/bin/python3 "$src/tests/shared_csv_check.py" "$data" "$work/report.tsv"
