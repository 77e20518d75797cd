#!/usr/bin/env bash
# Browser tests of the dashboard (tests/e2e/browser.mjs, and the data
# management of issue 12 in tests/e2e/daten.mjs): Debian chromium
# driven by npm playwright-core, axe-core accessibility check, keyboard
# navigation, phone width, screenshots under BUILD_DIR/screenshots.
# Skips (77) only when chromium or npm is genuinely missing.
# Usage: bash run_browser.sh AMPEL_BINARY SOURCE_DIR BUILD_DIR
set -u
bin=$1; src=$2; build=$3
e2e="$src/tests/e2e"
if [ ! -x /usr/bin/chromium ]; then
  echo "browser: übersprungen: /usr/bin/chromium fehlt (apt-get install chromium)"
  exit 77
fi
if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
  echo "browser: übersprungen: node/npm fehlt (apt-get install npm)"
  exit 77
fi
if ! "$bin" serve --help >/dev/null 2>&1; then
  echo "browser: übersprungen: dieses ampel hat kein 'serve'"; exit 77
fi
if [ ! -f "$e2e/node_modules/playwright-core/package.json" ] ||
   [ ! -f "$e2e/node_modules/axe-core/axe.min.js" ]; then
  # playwright-core never downloads a browser; we use /usr/bin/chromium.
  (cd "$e2e" && npm install --no-package-lock --no-audit --no-fund \
     --loglevel=error) || { echo "browser: npm install fehlgeschlagen"; exit 1; }
fi
work="$build/browser-test"
rm -rf "$work"; mkdir -p "$work"
"$bin" --db "$work/ampel.db" import "$src"/examples/gelsenkirchen/gebiete.csv \
  "$src"/examples/gelsenkirchen/kennzahlen.csv \
  "$src"/examples/gelsenkirchen/werte.csv >/dev/null || exit 1
cp "$work/ampel.db" "$work/daten.db"
node "$e2e/browser.mjs" "$bin" "$work/ampel.db" "$build/screenshots"; rc=$?
# the data management of issue 12 (upload, error, import, rollback) on a
# copy of the same database; its screenshots are docs/bilder/daten-*.png
node "$e2e/daten.mjs" "$bin" "$work/daten.db" "$build/screenshots" || rc=1
exit $rc
