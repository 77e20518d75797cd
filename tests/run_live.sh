#!/usr/bin/env bash
# The live Datenstand (issue 11): a running `ampel serve` shows a Datenstand
# that another process commits, within 2 seconds and without a restart; the
# footer and the API answer change together, the old Datenstand is never
# mixed in. Runs against SQLite and, when PostgreSQL is installed, against
# a throwaway PostgreSQL (tests/pg/pg-start); without it that half is
# reported as skipped in the closing line.
set -u
bin=$(realpath "$1"); src=$(realpath "$2")
command -v curl >/dev/null || { echo "live: curl fehlt (übersprungen)"; exit 77; }
work=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; bash "$src/tests/pg/pg-stop" "$work/pg" 2>/dev/null; rm -rf "$work"' EXIT
pass=0; fail=0; skip=0
fix="$src/tests/parity"
# The second Datenstand: one changed value (Altmarkt's SGB-II-Quote).
printf 'Gebiet;Kennzahl;Zeitraum;Wert\nP-A;sgb2;2024;31,5\n' >"$work/neu.csv"

# live DB: start a server on DB, import in another process, wait for it.
live() {
  local db=$1 name=$2 port=""
  "$bin" --db "$db" import "$fix/gebiete.csv" "$fix/kennzahlen.csv" \
    "$fix/werte.csv" >/dev/null || { echo "FAIL $name: Einfuhr 1"; fail=$((fail+1)); return; }
  "$bin" --db "$db" serve --port 0 >"$work/$name.out" 2>"$work/$name.err" &
  pid=$!
  for _ in $(seq 50); do
    port=$(sed -n 's|.*http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$work/$name.out")
    [ -n "$port" ] && break; sleep 0.1
  done
  [ -n "$port" ] || { echo "FAIL $name: Server startet nicht"; fail=$((fail+1)); kill $pid; pid=; return; }
  local url="http://127.0.0.1:$port"
  curl -s "$url/api/v1/lights?level=Stadtteil" >"$work/a1.json"
  grep -q '"footer": "Datenstand 1 ' "$work/a1.json" && pass=$((pass+1)) ||
    { echo "FAIL $name: erst Datenstand 1"; fail=$((fail+1)); }
  "$bin" --db "$db" import "$work/neu.csv" >/dev/null ||
    { echo "FAIL $name: Einfuhr 2"; fail=$((fail+1)); }
  local t0 seen=0
  t0=$(date +%s%N)
  while [ $(( ($(date +%s%N) - t0) / 1000000 )) -lt 2000 ]; do
    curl -s "$url/api/v1/lights?level=Stadtteil" >"$work/a2.json"
    if grep -q '"footer": "Datenstand 2 ' "$work/a2.json"; then seen=1; break; fi
    sleep 0.1
  done
  local ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  if [ $seen = 1 ]; then
    pass=$((pass+1)); echo "$name: neuer Datenstand nach $ms ms sichtbar"
  else
    echo "FAIL $name: Datenstand 2 nach 2 s nicht sichtbar"; fail=$((fail+1))
  fi
  # The same answer carries the new value: footer and data belong together.
  python3 - "$work/a2.json" <<'PY' && pass=$((pass+1)) || { echo "FAIL $name: Wert und Datenstand passen nicht"; fail=$((fail+1)); }
import json, sys
d = json.load(open(sys.argv[1]))
v = [c["value"] for a in d["areas"] if a["key"] == "P-A"
     for c in a["cells"] if c["indicator"] == "sgb2"]
sys.exit(0 if d["footer"].startswith("Datenstand 2 ") and v == [31.5] else 1)
PY
  curl -s "$url/" | grep -q "Datenstand 2 vom" && pass=$((pass+1)) ||
    { echo "FAIL $name: Fußzeile der Übersicht"; fail=$((fail+1)); }
  kill $pid; wait $pid 2>/dev/null; pid=
}

live "$work/live.db" sqlite
urls=$(bash "$src/tests/pg/pg-start" "$work/pg" live 2>"$work/pg.err")
rc=$?
if [ $rc = 0 ]; then
  live "$urls" postgresql
elif [ $rc = 77 ]; then
  echo "live: PostgreSQL nicht installiert, dieser Teil übersprungen"; skip=1
else
  echo "FAIL: PostgreSQL startet nicht"; cat "$work/pg.err"; fail=$((fail+1))
fi
echo "live: $pass passed, $fail failed, $skip skipped"
[ $fail = 0 ]
