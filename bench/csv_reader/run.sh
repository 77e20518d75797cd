#!/usr/bin/env bash
# ampel CSV reader vs Debian libcsv (see README.md here).
set -euo pipefail
make -s -C "$(cd "$(dirname "$0")" && pwd)" bench
