#!/usr/bin/env bash
# HTTP tests of `ampel serve` against the real binary on 127.0.0.1 with an
# ephemeral port: every page and API endpoint, docs/api.md examples, bad
# parameters (400), unknown keys (404), limits (414/413), security headers,
# escaping with a hostile dataset, admin upload (tests/e2e/http_test.py).
# Usage: bash run_http.sh AMPEL_BINARY SOURCE_DIR BUILD_DIR
set -u
bin=$1; src=$2; build=$3
if ! "$bin" serve --help >/dev/null 2>&1; then
  echo "http: übersprungen: dieses ampel hat kein 'serve'"; exit 77
fi
if [ ! -x /usr/bin/python3 ]; then
  echo "http: übersprungen: /usr/bin/python3 fehlt"; exit 77
fi
work="$build/http-test"
rm -rf "$work"; mkdir -p "$work"
exec /usr/bin/python3 "$src/tests/e2e/http_test.py" "$bin" "$src" "$work"
