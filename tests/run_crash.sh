#!/usr/bin/env bash
# Crash safety of imports (issue 16): an import that changes every value
# of a database is killed with SIGKILL at 20 random moments (uniform over
# 0 .. 1.5 x the duration of an uninterrupted import, so some kills land
# before, some during and some after the commit). After each kill:
#   - PRAGMA integrity_check says ok (Python's sqlite3, a second SQLite);
#   - `ampel export` equals exactly the export of the old state or of the
#     new state, and the number of Datenstände matches that state (never a
#     mix, never an error);
#   - an import afterwards still works (the database is usable).
# The input comes from bench/import/gen.py (100,000 values; 30,000 under
# the sanitizers, AMPEL_TEST_SANITIZED=1), so an import takes about 0.5-1 s.
# Not part of `make check` (about 30 s); `make test` runs it.
set -u
bin=$(realpath "$1"); src=$(realpath "$2")
py=/usr/bin/python3
if ! "$py" -c 'import sqlite3' 2>/dev/null; then
  echo "übersprungen: $py mit sqlite3 fehlt"; exit 77
fi
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
export LC_ALL=C.UTF-8 SOURCE_DATE_EPOCH=1767225600
if [ -n "${AMPEL_TEST_SANITIZED:-}" ]; then size=(--areas 300 --indicators 10 --periods 10)
else size=(--areas 500 --indicators 20 --periods 10); fi
"$py" "$src/bench/import/gen.py" gen "${size[@]}" || { echo "FAIL gen.py"; exit 1; }
# the new state: every value changed (history rows closed, new rows added)
awk -F, 'NR == 1 { print; next } { printf "%s,%s,%s,%.4f\n", $1, $2, $3, $4 + 1 }' \
  gen/values.csv > gen/values2.csv

"$bin" --db old.db import gen/areas.csv gen/indicators.csv gen/values.csv \
  >/dev/null || { echo "FAIL: Einfuhr des alten Stands"; exit 1; }
"$bin" --db old.db export -o old.csv || exit 1
cp old.db new.db
start=$(date +%s%N)
"$bin" --db new.db import gen/values2.csv >/dev/null ||
  { echo "FAIL: Einfuhr des neuen Stands"; exit 1; }
dur_ms=$(( ($(date +%s%N) - start) / 1000000 ))
"$bin" --db new.db export -o new.csv || exit 1
cmp -s old.csv new.csv && { echo "FAIL: alter und neuer Stand gleich"; exit 1; }
echo "eine ungestörte Einfuhr dauert ${dur_ms} ms"
[ "$dur_ms" -lt 50 ] && dur_ms=50

integrity() { # integrity DB: prints the result of PRAGMA integrity_check
  "$py" - "$1" <<'EOF'
import sqlite3, sys
con = sqlite3.connect(sys.argv[1])
print(";".join(r[0] for r in con.execute("PRAGMA integrity_check")))
con.close()
EOF
}

fail=0; n_old=0; n_new=0
RANDOM=16  # fixed seed: the same kill moments every run
for i in $(seq 1 20); do
  rm -f t.db t.db-wal t.db-shm t.db-journal
  cp old.db t.db
  delay_ms=$(( RANDOM % (dur_ms * 3 / 2 + 1) ))
  "$bin" --db t.db import gen/values2.csv >/dev/null 2>&1 &
  pid=$!
  sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
  kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  ok=$(integrity t.db)
  if [ "$ok" != ok ]; then
    echo "FAIL Lauf $i (nach ${delay_ms} ms): integrity_check: $ok"; fail=$((fail+1)); continue
  fi
  if ! "$bin" --db t.db export -o t.csv 2>err.txt; then
    echo "FAIL Lauf $i (nach ${delay_ms} ms): export: $(cat err.txt)"; fail=$((fail+1)); continue
  fi
  n_ds=$("$bin" --db t.db versions | grep -c '^Datenstand')
  if cmp -s t.csv old.csv && [ "$n_ds" = 1 ]; then
    n_old=$((n_old+1)); state=alt
  elif cmp -s t.csv new.csv && [ "$n_ds" = 2 ]; then
    n_new=$((n_new+1)); state=neu
  else
    echo "FAIL Lauf $i (nach ${delay_ms} ms): weder alter noch neuer Stand" \
         "($n_ds Datenstände)"
    fail=$((fail+1)); continue
  fi
  echo "ok   Lauf $i: nach ${delay_ms} ms beendet: $state"
done
# the database stays usable: an import after the last kill completes
if ! "$bin" --db t.db import gen/values2.csv >/dev/null ||
   ! "$bin" --db t.db export -o t.csv || ! cmp -s t.csv new.csv; then
  echo "FAIL: Einfuhr nach dem Abbruch"; fail=$((fail+1))
fi
echo "crash: 20 Abbrüche: $n_old alter Stand, $n_new neuer Stand, $fail Fehler"
[ "$fail" = 0 ]
