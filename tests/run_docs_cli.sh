#!/usr/bin/env bash
# docs/cli.md must be exactly what scripts/gen-cli-doc makes from the
# binary's help texts (the manual and --help never disagree).
set -u
bin=$1; src=$2
if diff -u "$src/docs/cli.md" <(bash "$src/scripts/gen-cli-doc" "$bin"); then
  echo "docs-cli: 1 passed, 0 failed"
else
  echo "docs/cli.md ist veraltet: scripts/gen-cli-doc build/ampel > docs/cli.md"
  echo "docs-cli: 0 passed, 1 failed"; exit 1
fi
