#!/usr/bin/env bash
# script.layers - arrows point one way (issue 10, item 5; ARCHITECTURE.md):
# tests/layers/check_layers.py reads the symbol tables of the build's object
# files and lists every call between modules against the direction of the
# layers. First its self-test proves the check can fail (a probe renderer
# that calls compute must be reported, and only that call).
#
# Called by ctest as: bash run_layers.sh AMPEL_BINARY SOURCE_DIR BUILD_DIR
# Prints the check's closing line "layers: N passed, M failed"; exits
# non-zero when the self-test fails or any call goes the wrong way.
set -u
src=$(realpath "${2:?usage: run_layers.sh AMPEL_BINARY SOURCE_DIR BUILD_DIR}")
build=$(realpath "${3:?usage: run_layers.sh AMPEL_BINARY SOURCE_DIR BUILD_DIR}")
py=/usr/bin/python3
[ -x "$py" ] || py=python3
check="$src/tests/layers/check_layers.py"

if ! "$py" "$check" --selftest "$build"; then
  echo "layers: 0 passed, 1 failed (self-test)"
  exit 1
fi
"$py" "$check" "$build"
