#!/usr/bin/env bash
# script.umschluessel - `ampel umschluessel` (issue 14): a conversion key
# from polygon overlaps against the hand computation on a small reform
# city (by area and by inhabitant points, slivers dropped, the key
# importable), located errors, and Berlin's Prognoseräume 2020 → 2021
# against the published old→new matches (tests/umschluessel_check.py).
# Called by ctest as: bash run_umschluessel.sh AMPEL_BINARY SOURCE_DIR BUILD_DIR
set -u
bin=$(realpath "$1"); src=$(realpath "$2"); build=${3:-/tmp}
export LC_ALL=C.UTF-8
exec /usr/bin/python3 "$src/tests/umschluessel_check.py" "$bin" "$src" \
  "$build/umschluessel"
