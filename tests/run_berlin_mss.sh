#!/usr/bin/env bash
# Validation of `ampel index --method mss` against the published Berlin
# Monitoring Soziale Stadtentwicklung 2021 (classes of all 536 evaluated
# Planungsräume, z-values, sums and indices). The input files are made at
# test time from ../shared/data by tests/data/berlin/make_berlin.py and
# imported like a German Excel export.
# Usage: run_berlin_mss.sh AMPEL_BINARY SOURCE_DIR [BUILD_DIR]
set -euo pipefail
bin=$(realpath "$1"); src=$(realpath "$2")
data="$src/../shared/data/berlin-mss-2021"
if [ ! -d "$src/../shared/data" ] || [ ! -d "$data" ]; then
  echo "übersprungen: $src/../shared/data/berlin-mss-2021 fehlt"
  exit 77
fi
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
py=/usr/bin/python3
[ -x "$py" ] || { echo "übersprungen: $py fehlt"; exit 77; }
$py "$src/tests/data/berlin/make_berlin.py" make "$data" "$work"
export AMPEL_DB="$work/berlin.db"
"$bin" import "$work/gebiete.csv" "$work/kennzahlen.csv" "$work/werte.csv"
"$bin" index --method mss --status S1,S3,S4 --dynamics D1,D3,D4 \
  --level Planungsraum --period 2020-12-31 -o "$work/mss.csv"
# z per indicator over the same universe: the weighted index's z_ columns
"$bin" index --method weighted --indicators S1,S3,S4,D1,D3,D4 \
  --level Planungsraum --period 2020-12-31 -o "$work/z.csv"
$py "$src/tests/data/berlin/make_berlin.py" check "$data" "$work/mss.csv" \
  "$work/z.csv"
