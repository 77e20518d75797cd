#!/usr/bin/env bash
# One question, one answer (issue 10): the parity fixture through every
# front-end (tests/parity/parity_check.py).
set -u
bin=$1; src=$2; build=${3:-/tmp}
py=/usr/bin/python3
[ -x "$py" ] || { echo "parity: /usr/bin/python3 fehlt (übersprungen)"; exit 77; }
exec "$py" "$src/tests/parity/parity_check.py" "$bin" "$src" "$build/parity"
