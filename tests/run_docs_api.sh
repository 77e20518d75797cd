#!/usr/bin/env bash
# The parameter tables of docs/api.md and docs/dashboard.md must be exactly
# what the program's one option table gives (scripts/gen-api-doc): the
# routes and their documentation never drift.
set -u
bin=$1; src=$2
if python3 "$src/scripts/gen-api-doc" "$bin" --check "$src/docs/api.md" \
     "$src/docs/dashboard.md"; then
  echo "docs-api: 1 passed, 0 failed"
else
  echo "docs-api: 0 passed, 1 failed"; exit 1
fi
