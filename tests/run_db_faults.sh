#!/usr/bin/env bash
# The database under faults (issue 16), through the `ampel` program:
#  - read-only: a database on a read-only file system (a read-only bind
#    mount in a private mount namespace, `unshare -m`; without it, as a
#    non-root user, chmod a-w on file and directory) is read by export,
#    versions and lights exactly as where it was written; an import is
#    refused with "schreibgeschützt", exit 3, the file unchanged; a
#    read-only copy whose -wal still holds changes is refused with a
#    message naming the -wal instead of being read without them;
#  - disk full: a 1 MiB tmpfs (unshare -m): the import says "der
#    Datenträger ist voll", exit 3, the database as before;
#  - locked: another process holds the write lock: "die Datenbank ist
#    gesperrt", exit 3 (takes the 5 s busy timeout);
#  - damaged, foreign, empty: distinct messages ("beschädigt", "keine
#    SQLite-Datenbank", "eine leere Datei");
#  - a failed import into an existing empty file leaves it at 0 bytes, a
#    check leaves it untouched, a failed import into a new file removes it.
# Sub-cases whose means are missing are reported as skipped; the script
# exits 77 only when every one of them was skipped.
set -u
bin=$(realpath "$1"); src=$(realpath "$2")
py=/usr/bin/python3
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
export LC_ALL=C.UTF-8 SOURCE_DATE_EPOCH=1767225600
fail=0; ran=0; skipped=0
ok() { echo "ok   $1"; }
bad() { echo "FAIL $1"; fail=$((fail+1)); }
skip() { echo "übersprungen: $1"; skipped=$((skipped+1)); }
# expect NAME EXIT TEXT COMMAND...: COMMAND exits EXIT and says TEXT
expect() {
  local name=$1 want=$2 text=$3; shift 3
  ran=$((ran+1))
  out=$("$@" 2>&1); rc=$?
  if [ "$rc" = "$want" ] && grep -qF -- "$text" <<<"$out"; then ok "$name"
  else bad "$name: Exit $rc (erwartet $want), Ausgabe: $(head -3 <<<"$out")"; fi
}
g=$src/tests/golden/export_roundtrip
"$bin" --db base.db import "$g"/gebiete.csv "$g"/kennzahlen.csv \
  "$g"/werte.csv >/dev/null || { echo "FAIL: Einfuhr"; exit 1; }
"$bin" --db base.db export -o base.csv || exit 1
"$bin" --db base.db lights -o - >base-lights.csv 2>/dev/null || exit 1
sum() { sha256sum "$1" | cut -d' ' -f1; }

# ---- read-only -----------------------------------------------------------
mkdir ro; cp base.db ro/ampel.db
can_ns=0
if unshare -m true 2>/dev/null && unshare -m sh -c \
   'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0"' ro 2>/dev/null; then
  can_ns=1
fi
# in_ro CMD...: runs CMD in ro/ with ro/ read-only
in_ro() {
  if [ $can_ns = 1 ]; then
    unshare -m sh -c 'mount --bind ro ro && mount -o remount,bind,ro ro &&
                      cd ro && exec "$@"' sh "$@"
  else
    (cd ro && "$@")
  fi
}
ro_ok=1
if [ $can_ns = 0 ]; then
  if [ "$(id -u)" = 0 ]; then ro_ok=0; skip "schreibgeschützt (root ohne unshare -m)"
  else chmod a-w ro/ampel.db ro; fi
fi
if [ $ro_ok = 1 ]; then
  before=$(sum ro/ampel.db)
  ran=$((ran+1))
  if in_ro "$bin" export -o - >ro-export.csv 2>err.txt &&
     cmp -s ro-export.csv base.csv; then ok "schreibgeschützt: export wie beschreibbar"
  else bad "schreibgeschützt: export: $(cat err.txt)"; fi
  ran=$((ran+1))
  if in_ro "$bin" lights -o - >ro-lights.csv 2>err.txt &&
     cmp -s ro-lights.csv base-lights.csv; then ok "schreibgeschützt: lights"
  else bad "schreibgeschützt: lights: $(cat err.txt)"; fi
  expect "schreibgeschützt: versions" 0 "Datenstand 1" in_ro "$bin" versions
  expect "schreibgeschützt: import abgelehnt" 3 "schreibgeschützt" \
    in_ro "$bin" import "$g"/werte.csv
  ran=$((ran+1))
  [ "$(sum ro/ampel.db)" = "$before" ] && ok "schreibgeschützt: Datei unverändert" ||
    bad "schreibgeschützt: Datei verändert"
  ls ro | grep -q -- '-wal\|-shm' && bad "schreibgeschützt: Begleitdateien angelegt"
  # a copy whose -wal holds changes not yet in the database file
  [ $can_ns = 0 ] && chmod u+w ro
  rm -f ro/ampel.db; cp base.db ro/ampel.db; chmod u+w ro/ampel.db
  "$py" - ro/ampel.db <<'EOF'
import os, sqlite3, sys
con = sqlite3.connect(sys.argv[1])
con.execute("PRAGMA wal_autocheckpoint=0")
con.execute("UPDATE meta SET value=value WHERE 1")
con.execute("INSERT INTO meta(key,value) VALUES('wal_probe','1')")
con.commit()
os._exit(0)  # no close: the -wal keeps the change
EOF
  rm -f ro/ampel.db-shm
  [ $can_ns = 0 ] && chmod a-w ro/ampel.db ro/ampel.db-wal ro
  expect "schreibgeschützt mit -wal: klare Meldung" 3 "ampel.db-wal' enthält noch nicht übernommene" \
    in_ro "$bin" export -o -
  [ $can_ns = 0 ] && chmod -R u+w ro
fi

# ---- disk full -----------------------------------------------------------
# disk_full NAME TMPFS_SIZE LABEL GEN_ARGS...: imports generated values into
# a copy of base.db on a tmpfs of TMPFS_SIZE; expects the message, exit 3
# and the database as before
disk_full() {
  local name=$1 size=$2 label=$3
  shift 3
  "$py" "$src/bench/import/gen.py" "gen-$name" "$@" >/dev/null
  mkdir "$name"
  unshare -m sh -c 'mount -t tmpfs -o size=$1 tmpfs $2 &&
    cp base.db $2/ampel.db && cd $2 &&
    { "$0" import ../gen-$2/areas.csv ../gen-$2/indicators.csv \
        ../gen-$2/values.csv
      echo "exit=$?"; "$0" export -o - > ../$2-export.csv; }' \
    "$bin" "$size" "$name" >"$name.txt" 2>&1
  ran=$((ran+1))
  if grep -q "exit=3" "$name.txt" &&
     grep -qF "der Datenträger ist voll" "$name.txt" &&
     grep -qF "nichts wurde gespeichert" "$name.txt" &&
     cmp -s "$name-export.csv" base.csv
  then ok "$label: Meldung, Exit 3, Datenbank wie vorher"
  else bad "$label: $(head -5 "$name.txt")"; fi
}
if [ $can_ns = 1 ] && [ -x "$py" ]; then
  # 300,000 values: about 2.4 MB in blocks, more than the 1 MiB file system
  disk_full full 1m "Datenträger voll" --areas 3000 --indicators 10 \
    --periods 10
  # 1.2 M values: the import hands a batch of 1 M cells to its writer
  # thread (store/sqlite_block.c) and merges the rest itself; the full
  # disk is met when the page cache spills or at the commit, either way
  # after the thread ran: its status and the rollback are checked
  disk_full full2 4m "Datenträger voll nach dem Schreib-Thread" \
    --areas 4000 --indicators 10 --periods 30
else
  skip "Datenträger voll (unshare -m fehlt)"
fi

# ---- locked --------------------------------------------------------------
if [ -x "$py" ]; then
  cp base.db lock.db
  "$py" - lock.db <<'EOF' &
import sqlite3, sys, time
con = sqlite3.connect(sys.argv[1], isolation_level=None)
con.execute("BEGIN IMMEDIATE")
open("locked", "w").close()
time.sleep(9)
con.execute("ROLLBACK")
EOF
  holder=$!
  for _ in $(seq 50); do [ -f locked ] && break; sleep 0.1; done
  expect "gesperrt: Meldung" 3 "die Datenbank ist gesperrt: eine andere Einfuhr läuft" \
    "$bin" --db lock.db import "$g"/werte.csv
  kill "$holder" 2>/dev/null; wait "$holder" 2>/dev/null
else
  skip "gesperrt ($py fehlt)"
fi

# ---- damaged, foreign, empty ---------------------------------------------
cp base.db cut.db; truncate -s 20000 cut.db
expect "abgeschnitten: beschädigt (export)" 3 "die Datenbank ist beschädigt" \
  "$bin" --db cut.db export -o -
expect "abgeschnitten: beschädigt (import)" 3 "die Datenbank ist beschädigt" \
  "$bin" --db cut.db import "$g"/werte.csv
head -c 8192 /dev/urandom > fremd.db
expect "fremde Datei: keine SQLite-Datenbank" 1 "ist keine ampel-Datenbank: die Datei ist keine SQLite-Datenbank" \
  "$bin" --db fremd.db export -o -
: > leer.db
expect "leere Datei: keine ampel-Datenbank" 1 "ist keine ampel-Datenbank (eine leere Datei" \
  "$bin" --db leer.db export -o -

# ---- failed import into an empty or a new file ---------------------------
printf 'area,indicator,period,value\nX,y,2020,abc\n' > bad.csv
expect "leere Datei: Einfuhr scheitert" 1 "nichts wurde gespeichert" \
  "$bin" --db leer.db import bad.csv
ran=$((ran+1))
[ ! -s leer.db ] && [ -f leer.db ] && ! ls leer.db-* >/dev/null 2>&1 &&
  ok "leere Datei: bleibt 0 Bytes" || bad "leere Datei: $(stat -c %s leer.db) Bytes"
expect "leere Datei: check scheitert" 1 "würden nicht eingelesen" \
  "$bin" --db leer.db check bad.csv
ran=$((ran+1))
[ ! -s leer.db ] && ok "leere Datei: check schreibt nichts" ||
  bad "leere Datei: check schrieb $(stat -c %s leer.db) Bytes"
expect "neue Datei: Einfuhr scheitert" 1 "nichts wurde gespeichert" \
  "$bin" --db neu.db import bad.csv
ran=$((ran+1))
ls neu.db* >/dev/null 2>&1 && bad "neue Datei: blieb liegen" || ok "neue Datei: entfernt"

echo "store_faults: $ran geprüft, $fail Fehler, $skipped übersprungen"
[ $fail = 0 ] || exit 1
[ $ran -gt 0 ] || exit 77
