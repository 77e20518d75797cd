#!/usr/bin/env bash
# The server under faults (issue 16): 300 slow clients from five loopback
# addresses while a normal client is served, the per-address limit, the
# request and compute deadlines, a client that leaves, and SIGTERM during
# a long computation (tests/e2e/http_limits_test.py). About 30 s.
# Usage: bash run_http_limits.sh AMPEL_BINARY SOURCE_DIR BUILD_DIR
set -u
bin=$1; src=$2; build=$3
if ! "$bin" serve --help >/dev/null 2>&1; then
  echo "http_limits: übersprungen: dieses ampel hat kein 'serve'"; exit 77
fi
if [ ! -x /usr/bin/python3 ]; then
  echo "http_limits: übersprungen: /usr/bin/python3 fehlt"; exit 77
fi
if ! /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.2", 0))' 2>/dev/null; then
  echo "http_limits: übersprungen: 127.0.0.2 ist keine lokale Adresse"; exit 77
fi
work="$build/http-limits-test"
rm -rf "$work"; mkdir -p "$work"
exec /usr/bin/python3 "$src/tests/e2e/http_limits_test.py" "$bin" "$src" "$work"
