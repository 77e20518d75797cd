#!/usr/bin/env bash
# script.lisa - `ampel lisa` against an independent NumPy computation on the
# grid city of tests/fixtures/lisa (tests/lisa_check.py, METHODS.md §12):
# global and local Moran's I, z, lag and quadrants to 1e-12, p-values
# against NumPy permutations, CLI = JSON = API = page, report, pictures.
# Called by ctest as: bash run_lisa.sh AMPEL_BINARY SOURCE_DIR BUILD_DIR
# Without /usr/bin/python3 with NumPy: exit 77 (skipped).
set -u
bin=$(realpath "$1"); src=$(realpath "$2"); build=${3:-/tmp}
py=/usr/bin/python3
if ! "$py" -c 'import numpy' 2>/dev/null; then
  echo "lisa: übersprungen: $py mit numpy fehlt (python3-numpy)"; exit 77
fi
export SOURCE_DATE_EPOCH=1767225600 LC_ALL=C.UTF-8
exec "$py" "$src/tests/lisa_check.py" "$bin" "$src" "$build/lisa"
