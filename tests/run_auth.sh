#!/usr/bin/env bash
# Accounts, sessions and roles over HTTP (issue 12): sign-in right and
# wrong, 429 with Retry-After after 5 failures (per name and per address),
# the cookie's flags (Secure with an https --public-url), CSRF refused for
# a form and for an API call with the cookie, Bearer API tokens without
# CSRF, leser/redaktion/verwaltung on /verwaltung, --private, the trusted
# proxy header from an allowed and from another address, logout ending the
# session, and the audit log (with no password in it or in the database).
# Runs against SQLite, and against a throwaway PostgreSQL
# (tests/pg/pg-start) when it is installed: there also the store's unit
# tests (unit.test_accounts with AMPEL_TEST_PG_URL) and one session used
# by two server processes. Without PostgreSQL that half is reported as
# skipped in the closing line.
set -u
bin=$(realpath "$1"); src=$(realpath "$2"); build=${3:-}
command -v curl >/dev/null || { echo "auth: curl fehlt (übersprungen)"; exit 77; }
work=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; bash "$src/tests/pg/pg-stop" "$work/pg" 2>/dev/null; rm -rf "$work"' EXIT
export LC_ALL=C.UTF-8
pass=0; fail=0; pgnote="PostgreSQL: übersprungen (nicht installiert)"
ok() { pass=$((pass+1)); }
bad() { echo "FAIL $*"; fail=$((fail+1)); }
fix="$src/tests/parity"
PW_ANNA="Anna-Kennwort-2024"
PW_LEA="Lea-Kennwort-2024"
PW_RITA="Rita-Kennwort-2024"
# The loopback addresses used: 127.0.0.1 (the tests), .2 (not a trusted
# proxy), .3 and .4 (throttling, so the others are never blocked).
curl -s --interface 127.0.0.2 -o /dev/null http://127.0.0.1:1/ 2>/dev/null
if [ $? = 45 ]; then
  echo "auth: kann nicht von 127.0.0.2 senden (übersprungen)"; exit 77
fi

# start NAME DB ARGS...: a server on a free port; sets $url
start() {
  local name=$1 db=$2 port=""; shift 2
  "$bin" --db "$db" serve --port 0 "$@" >"$work/$name.out" 2>"$work/$name.err" &
  pids+=($!)
  for _ in $(seq 80); do
    port=$(sed -n 's|.*http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$work/$name.out")
    [ -n "$port" ] && break; sleep 0.1
  done
  [ -n "$port" ] || { bad "$name: Server startet nicht"; cat "$work/$name.err"; return 1; }
  url="http://127.0.0.1:$port"
}
stop_all() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; pids=(); }

# code ARGS...: the status of one request
code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
# login JAR NAME PW [curl args]: form sign-in, cookie into JAR; prints status
login() { local jar=$1 n=$2 p=$3; shift 3
  curl -s -o /dev/null -w '%{http_code}' -c "$jar" "$@" \
    --data-urlencode "benutzer=$n" --data-urlencode "passwort=$p" \
    --data-urlencode "weiter=/bedarf" "$url/anmelden"; }
# csrf JAR: the CSRF token of the session (from the page header)
csrf() { curl -s -b "$1" "$url/anmelden" | sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' | head -1; }

users() { # DB: the accounts of every run
  local db=$1
  printf '%s\n' "$PW_ANNA" | "$bin" --db "$db" user add anna --role verwaltung >/dev/null &&
  printf '%s\n' "$PW_LEA" | "$bin" --db "$db" user add lea --role leser >/dev/null &&
  printf '%s\n' "$PW_RITA" | "$bin" --db "$db" user add rita --role redaktion >/dev/null &&
  printf '\n' | "$bin" --db "$db" user add sso --role leser >/dev/null
}

run() { # ENGINE DB
  local e=$1 db=$2 h s c tok ra
  "$bin" --db "$db" import "$fix/gebiete.csv" "$fix/kennzahlen.csv" \
    "$fix/werte.csv" >/dev/null || { bad "$e: Einfuhr"; return; }
  users "$db" || { bad "$e: ampel user add"; return; }
  tok=$("$bin" --db "$db" token add nachtlauf --user anna 2>/dev/null)
  [[ $tok =~ ^ampel_[0-9a-f]{64}$ ]] && ok || bad "$e: token add: '$tok'"
  start "$e-plain" "$db" || return

  # ---- sign in: right, wrong; cookie flags -----------------------------------
  h=$(curl -s -D - -o /dev/null --data-urlencode "benutzer=anna" \
      --data-urlencode "passwort=$PW_ANNA" --data-urlencode "weiter=/bedarf" \
      "$url/anmelden" | tr -d '\r')
  grep -q '^HTTP/1.1 303' <<<"$h" && grep -qi '^location: /bedarf$' <<<"$h" && ok ||
    bad "$e: Anmeldung ok -> 303 /bedarf: $h"
  c=$(grep -i '^set-cookie: ampel_session=' <<<"$h")
  [[ $c =~ ampel_session=[0-9a-f]{64}\; ]] && [[ $c == *"; Path=/"* ]] &&
    [[ $c == *"; HttpOnly"* ]] && [[ $c == *"; SameSite=Strict"* ]] &&
    [[ $c != *Secure* ]] && ok || bad "$e: Cookie-Attribute: $c"
  [ "$(login "$work/x" anna falsch-falsch)" = 401 ] && ok || bad "$e: falsches Kennwort nicht 401"
  [ "$(login "$work/x" niemand "$PW_ANNA")" = 401 ] && ok || bad "$e: unbekannter Benutzer nicht 401"
  [ "$(login "$work/x" sso "")" != 303 ] && ok || bad "$e: Benutzer ohne Kennwort angemeldet"
  # the API: JSON in, cookie and CSRF token out
  curl -s -c "$work/api" -H 'Content-Type: application/json' \
    -d "{\"benutzer\":\"rita\",\"passwort\":\"$PW_RITA\"}" "$url/api/v1/session" >"$work/s.json"
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if len(d["csrf"])==64 and d["benutzer"]=="rita" and d["rolle"]=="redaktion" else 1)' "$work/s.json" &&
    grep -q ampel_session "$work/api" && ok || bad "$e: POST /api/v1/session: $(cat "$work/s.json")"
  [ "$(code -H 'Content-Type: application/json' -d '{"benutzer":"rita","passwort":"x"}' "$url/api/v1/session")" = 401 ] &&
    ok || bad "$e: API falsches Kennwort nicht 401"

  # ---- throttling: 5 failures for a name, or from an address --------------------
  for i in 1 2 3 4 5; do login "$work/x" lea "falsch-$i" --interface 127.0.0.3 >/dev/null; done
  h=$(curl -s -D - -o /dev/null --interface 127.0.0.3 --data-urlencode "benutzer=lea" \
      --data-urlencode "passwort=$PW_LEA" "$url/anmelden" | tr -d '\r')
  ra=$(sed -n 's/^[Rr]etry-[Aa]fter: \([0-9]*\)$/\1/p' <<<"$h")
  grep -q '^HTTP/1.1 429' <<<"$h" && [ -n "$ra" ] && [ "$ra" -gt 0 ] && [ "$ra" -le 900 ] && ok ||
    bad "$e: 6. Versuch nicht 429 mit Retry-After (auch mit richtigem Kennwort): $h"
  # the name is blocked from every address, the address for every name
  [ "$(login "$work/x" lea "$PW_LEA")" = 429 ] && ok || bad "$e: Name nicht gesperrt"
  [ "$(login "$work/x" rita "$PW_RITA" --interface 127.0.0.3)" = 429 ] && ok || bad "$e: Adresse nicht gesperrt"
  for i in 1 2 3 4 5; do login "$work/x" "n$i" "falsch" --interface 127.0.0.4 >/dev/null; done
  [ "$(login "$work/x" anna "$PW_ANNA" --interface 127.0.0.4)" = 429 ] && ok || bad "$e: 5 Namen von einer Adresse nicht gesperrt"
  [ "$(login "$work/anna" anna "$PW_ANNA")" = 303 ] && ok || bad "$e: anna von 127.0.0.1 gesperrt"
  [ "$(code -H 'Content-Type: application/json' -d "{\"benutzer\":\"lea\",\"passwort\":\"$PW_LEA\"}" "$url/api/v1/session")" = 429 ] &&
    ok || bad "$e: API nicht gesperrt"

  # ---- roles on /verwaltung ------------------------------------------------------
  login "$work/rita" rita "$PW_RITA" >/dev/null
  [ "$(code -b "$work/anna" "$url/verwaltung")" = 200 ] && ok || bad "$e: verwaltung /verwaltung"
  [ "$(code -b "$work/rita" "$url/verwaltung")" = 403 ] && ok || bad "$e: redaktion /verwaltung nicht 403"
  [ "$(code "$url/verwaltung")" = 303 ] && ok || bad "$e: anonym /verwaltung nicht 303"
  curl -s -b "$work/anna" "$url/" | grep -q 'anna (verwaltung)' && ok || bad "$e: Kopf zeigt anna nicht"
  curl -s "$url/" | grep -q 'href="/anmelden">Anmelden' && ok || bad "$e: Kopf zeigt Anmelden nicht"

  # ---- CSRF ----------------------------------------------------------------------
  s=$(csrf "$work/anna")
  [ ${#s} = 64 ] && ok || bad "$e: CSRF-Token nicht auf der Seite"
  [ "$(code -b "$work/anna" --data 'aktion=anlegen&name=neu1&rolle=leser' "$url/verwaltung/benutzer")" = 403 ] &&
    ok || bad "$e: Formular ohne CSRF nicht 403"
  [ "$(code -b "$work/anna" --data "aktion=anlegen&name=neu1&rolle=leser&csrf=$(printf 'f%.0s' {1..64})" "$url/verwaltung/benutzer")" = 403 ] &&
    ok || bad "$e: Formular mit falschem CSRF nicht 403"
  [ "$(code -b "$work/anna" --data "aktion=anlegen&name=neu1&rolle=leser&csrf=$s" "$url/verwaltung/benutzer")" = 303 ] &&
    ok || bad "$e: Formular mit CSRF nicht 303"
  [ "$(code -b "$work/api" -X DELETE "$url/api/v1/session")" = 403 ] && ok ||
    bad "$e: API mit Cookie ohne X-CSRF-Token nicht 403"
  [ "$(code -b "$work/api" -H 'X-CSRF-Token: 0000' -X DELETE "$url/api/v1/session")" = 403 ] && ok ||
    bad "$e: API mit falschem X-CSRF-Token nicht 403"
  [ "$(code -b "$work/anna" -H "X-CSRF-Token: $s" --data 'aktion=rolle&name=neu1&rolle=redaktion' "$url/verwaltung/benutzer")" = 303 ] &&
    ok || bad "$e: Kopfzeile X-CSRF-Token nicht angenommen"
  [ "$(code -b "$work/rita" --data "aktion=entfernen&name=neu1&csrf=$(csrf "$work/rita")" "$url/verwaltung/benutzer")" = 403 ] &&
    ok || bad "$e: redaktion darf Benutzer entfernen"
  [ "$(code --data 'aktion=entfernen&name=neu1' "$url/verwaltung/benutzer")" = 401 ] &&
    ok || bad "$e: anonym nicht 401"

  # ---- Bearer API token: no CSRF needed; a wrong one is nobody -------------------
  [ "$(code -H "Authorization: Bearer $tok" --data 'aktion=anlegen&name=neu2&rolle=leser' "$url/verwaltung/benutzer")" = 303 ] &&
    ok || bad "$e: Bearer-Schlüssel ohne CSRF"
  local wrong=${tok%?}0; [ "$wrong" = "$tok" ] && wrong=${tok%?}1
  [ "$(code -H "Authorization: Bearer $wrong" --data 'aktion=anlegen&name=neu3&rolle=leser' "$url/verwaltung/benutzer")" = 401 ] &&
    ok || bad "$e: falscher Schlüssel nicht 401"
  "$bin" --db "$db" user list | grep -q '^neu2 ' && "$bin" --db "$db" user list | grep -q '^neu1 .*redaktion' &&
    ! "$bin" --db "$db" user list | grep -q '^neu3 ' && ok || bad "$e: Benutzer nach den Anfragen"

  # ---- logout ends the session ---------------------------------------------------
  [ "$(code -b "$work/anna" --data '' "$url/abmelden")" = 403 ] && ok || bad "$e: Abmelden ohne CSRF nicht 403"
  h=$(curl -s -D - -o /dev/null -b "$work/anna" --data "csrf=$s" "$url/abmelden" | tr -d '\r')
  grep -q '^HTTP/1.1 303' <<<"$h" && grep -qi '^set-cookie: ampel_session=; Path=/; Max-Age=0' <<<"$h" &&
    ok || bad "$e: Abmelden: $h"
  [ "$(code -b "$work/anna" "$url/verwaltung")" = 303 ] && ok || bad "$e: Sitzung nach dem Abmelden noch gültig"
  [ "$(code -b "$work/api" -H "X-CSRF-Token: $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["csrf"])' "$work/s.json")" -X DELETE "$url/api/v1/session")" = 200 ] &&
    [ "$(code -b "$work/api" -H 'X-CSRF-Token: x' -X DELETE "$url/api/v1/session")" = 401 ] && ok ||
    bad "$e: DELETE /api/v1/session"
  stop_all

  # ---- Secure with an https public URL ---------------------------------------------
  start "$e-https" "$db" --public-url https://monitoring.example.de/ || return
  h=$(curl -s -D - -o /dev/null --data-urlencode "benutzer=rita" \
      --data-urlencode "passwort=$PW_RITA" "$url/anmelden" | tr -d '\r')
  grep -i '^set-cookie: ampel_session=' <<<"$h" | grep -q '; Secure' && ok || bad "$e: Cookie ohne Secure bei https: $h"
  stop_all

  # ---- --private -------------------------------------------------------------------
  start "$e-private" "$db" --private || return
  h=$(curl -s -D - -o /dev/null "$url/bedarf" | tr -d '\r')
  grep -q '^HTTP/1.1 303' <<<"$h" && grep -qi '^location: /anmelden?weiter=%2Fbedarf$' <<<"$h" && ok ||
    bad "$e: --private: anonym nicht 303 auf /anmelden: $h"
  [ "$(code "$url/api/v1/areas")" = 401 ] && ok || bad "$e: --private: API nicht 401"
  [ "$(code "$url/anmelden")" = 200 ] && [ "$(code "$url/static/ampel.css")" = 200 ] && ok ||
    bad "$e: --private: Anmeldeseite oder CSS gesperrt"
  [ "$(login "$work/rita" rita "$PW_RITA")" = 303 ] && [ "$(code -b "$work/rita" "$url/")" = 200 ] &&
    [ "$(code -b "$work/rita" "$url/api/v1/areas")" = 200 ] && ok || bad "$e: --private: angemeldet kein Zugang"
  [ "$(code -H "Authorization: Bearer $tok" "$url/api/v1/areas")" = 200 ] && ok || bad "$e: --private: Bearer"
  stop_all

  # ---- trusted header from the proxy's address only ------------------------------
  start "$e-proxy" "$db" --private --trusted-header X-Remote-User --trusted-proxy 127.0.0.1,::1 || return
  h=$(curl -s -D "$work/h" -H 'X-Remote-User: lea' "$url/")
  grep -q 'lea (leser)' <<<"$h" && ok || bad "$e: Proxy-Kopfzeile von 127.0.0.1 nicht angenommen"
  [ "$(code --interface 127.0.0.2 -H 'X-Remote-User: lea' "$url/")" = 303 ] && ok ||
    bad "$e: Proxy-Kopfzeile von 127.0.0.2 nicht ignoriert"
  [ "$(code -H 'X-Remote-User: unbekannt' "$url/")" = 303 ] && ok || bad "$e: unbekannter Proxy-Benutzer angenommen"
  [ "$(code -H 'X-Remote-User: sso' "$url/")" = 200 ] && ok || bad "$e: Benutzer ohne Kennwort über den Proxy"
  # a proxy user changes state only with the CSRF token of the session the
  # server gave the browser
  curl -s -c "$work/px" -H 'X-Remote-User: anna' "$url/" >"$work/px.html"
  s=$(sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' "$work/px.html" | head -1)
  [ "$(code -H 'X-Remote-User: anna' --data 'aktion=anlegen&name=neu4&rolle=leser' "$url/verwaltung/benutzer")" = 403 ] &&
    ok || bad "$e: Proxy-Benutzer ohne CSRF nicht 403"
  [ ${#s} = 64 ] && [ "$(code -b "$work/px" -H 'X-Remote-User: anna' --data "aktion=anlegen&name=neu4&rolle=leser&csrf=$s" "$url/verwaltung/benutzer")" = 303 ] &&
    ok || bad "$e: Proxy-Benutzer mit CSRF nicht 303"
  # the cookie of a proxy user's session, sent from elsewhere without the
  # header, is an ordinary session: lea's from another address is not anna
  [ "$(code --interface 127.0.0.2 -H 'X-Remote-User: anna' -b "$work/rita" "$url/verwaltung")" = 403 ] && ok ||
    bad "$e: Kopfzeile von 127.0.0.2 hat Vorrang vor dem Cookie"
  stop_all

  # ---- the audit log; no clear text anywhere ---------------------------------------
  "$bin" --db "$db" audit --limit 1000 >"$work/audit.txt"
  for a in anmelden anmelden_fehlgeschlagen abmelden benutzer_anlegen rolle_aendern schluessel_anlegen; do
    grep -q " $a " "$work/audit.txt" || { bad "$e: Protokoll ohne $a"; cat "$work/audit.txt" | head; }
  done; ok
  grep -q 'benutzer_anlegen *neu2 als leser (über API-Schlüssel)' "$work/audit.txt" && ok ||
    bad "$e: Protokoll nennt den API-Schlüssel nicht"
  grep -q '127.0.0.3 *anmelden_fehlgeschlagen *lea' "$work/audit.txt" && ok ||
    bad "$e: fehlgeschlagene Anmeldung ohne Adresse und Namen"
  ! grep -q 'falsch\|Kennwort-2024' "$work/audit.txt" && ok || bad "$e: Kennwort im Protokoll"
  if [ "$e" = sqlite ]; then
    ! grep -a -q "Kennwort-2024\|$tok" "$db" "$db-wal" 2>/dev/null && ok || bad "$e: Klartext in der Datenbank"
  fi
  ! grep -q 'Kennwort-2024' "$work"/*.err && ok || bad "$e: Kennwort im Server-Log"
}

run sqlite "$work/a.db"

# ---- PostgreSQL ----------------------------------------------------------------------
bash "$src/tests/pg/pg-start" "$work/pg" ampel unit >"$work/pg.urls" 2>"$work/pg.err"; rc=$?
pgurl=$(sed -n 1p "$work/pg.urls"); uturl=$(sed -n 2p "$work/pg.urls")
if [ $rc = 0 ] && [ -n "$pgurl" ] && [ -n "$uturl" ]; then
  pgnote="PostgreSQL: geprüft"
  if [ -n "$build" ] && [ -x "$build/test_accounts" ]; then
    AMPEL_TEST_PG_URL=$uturl "$build/test_accounts" >"$work/ut.log" 2>&1 && ok ||
      { bad "pg: unit.test_accounts"; tail -20 "$work/ut.log"; }
  fi
  run postgresql "$pgurl"
  # one session, two server processes
  start pg-a "$pgurl" || true; ua=$url
  start pg-b "$pgurl" || true; ub=$url
  url=$ua; login "$work/two" lea "$PW_LEA" >/dev/null
  url=$ub; curl -s -b "$work/two" "$ub/" | grep -q 'lea (leser)' && ok ||
    bad "pg: Sitzung von Server A gilt nicht auf Server B"
  stop_all
elif [ "$rc" != 77 ]; then
  bad "PostgreSQL startet nicht: $(cat "$work/pg.err")"
fi

echo "auth: $pass passed, $fail failed ($pgnote)"
[ $fail = 0 ] || exit 1
