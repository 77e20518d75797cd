#!/usr/bin/env bash
# The parameter tables of docs/api.md must be exactly what the program's
# one option table gives (scripts/gen-api-doc): API and docs never drift.
set -u
bin=$1; src=$2
if out=$(python3 "$src/scripts/gen-api-doc" "$bin" "$src/docs/api.md") &&
   diff -u "$src/docs/api.md" <(printf '%s\n' "$out"); then
  echo "docs-api: 1 passed, 0 failed"
else
  echo "docs/api.md ist veraltet: scripts/gen-api-doc build/ampel docs/api.md > neu && mv neu docs/api.md"
  echo "docs-api: 0 passed, 1 failed"; exit 1
fi
