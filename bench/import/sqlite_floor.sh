#!/usr/bin/env bash
# The floor of the row layout (issue 15 item 1): how long SQLite itself
# takes to write workload A's 10 M observations when nothing else is done,
# i.e. no CSV, no key lookups, no stage, no history: one INSERT ... SELECT
# from generate_series, already in key order, into the `observation` table
# of schema version 6 (WITHOUT ROWID, primary key plus the partial index of
# current rows), one transaction, WAL, synchronous=FULL as ampel writes.
# Compare with DuckDB's read_csv of the same rows (bench/import/run.sh).
# Usage: bench/import/sqlite_floor.sh [ROWS]   (needs the sqlite3 CLI)
set -euo pipefail
rows=${1:-10000000}
here=$(cd "$(dirname "$0")" && pwd)
out=${BENCH_OUT:-$here/../out/import}; mkdir -p "$out"
rm -f "$out/floor.db"*
sqlite3 "$out/floor.db" <<SQL
PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA cache_size=-262144;
CREATE TABLE observation(indicator INTEGER NOT NULL, period INTEGER NOT
 NULL, area INTEGER NOT NULL, ds_from INTEGER NOT NULL, ds_to INTEGER,
 value REAL, numerator REAL, denominator REAL, flag INTEGER NOT NULL
 DEFAULT 0, PRIMARY KEY(indicator, period, area, ds_from)) WITHOUT ROWID;
CREATE INDEX observation_current ON observation(indicator, period, area)
 WHERE ds_to IS NULL;
.timer on
BEGIN;
INSERT INTO observation SELECT value / 200000, (value / 10000) % 20,
 value % 10000, 2, NULL, value * 0.37, NULL, NULL, 0
 FROM generate_series(0, $rows - 1);
COMMIT;
SQL
echo "database: $(du -h "$out/floor.db" | cut -f1), $rows rows"
