#!/usr/bin/env bash
# Disclosure control end to end (METHODS.md §7, docs/berichte.md): a small
# city whose suppressed values are distinctive numbers (a count 791939
# under min_count 1000000, a rate 235711/824923 = 28.5737 %, and the cells
# secondary suppression must hide with them). Every output is rendered and
# searched byte for byte for each hidden value, raw and German-formatted
# (tests/fixtures/disclosure/needles.tsv): CSV, XLSX (the unzipped XML),
# SVG pictures, PDF (pdftotext), the HTML and PDF report, and the JSON API
# and pages of `ampel serve` when this build has it. PNG is binary: skipped.
# Usage: bash run_disclosure_leak.sh AMPEL_BINARY SOURCE_DIR BUILD_DIR
set -u
bin=$(realpath "$1"); src=$(realpath "$2"); build=$3
fx="$src/tests/fixtures/disclosure"
for t in pdftotext unzip curl /usr/bin/python3; do
  command -v $t >/dev/null ||
    { echo "disclosure leak: übersprungen: $t fehlt (scripts/install-deps test)"; exit 77; }
done
no_serve=
work=$(mktemp -d); srv_pid=
trap '[ -n "$srv_pid" ] && kill "$srv_pid" 2>/dev/null; rm -rf "$work"' EXIT
export SOURCE_DATE_EPOCH=1767225600 LC_ALL=C.UTF-8 AMPEL_DB="$work/t.db"
fail=0
a() { "$bin" "$@" >>"$work/stdout.txt" 2>>"$work/stderr.txt" || {
  echo "FAIL: ampel $*"; cat "$work/stderr.txt"; fail=1; }; }

a import "$fx/gebiete.csv" "$fx/kennzahlen.csv" "$fx/werte.csv"
a config set min_count 1000000
out="$work/out"; mkdir -p "$out"
# The needles must be findable where they are not hidden: the raw input.
if /usr/bin/python3 "$src/tests/leak_search.py" "$fx/needles.tsv" \
     "$fx/werte.csv" >/dev/null; then
  echo "FAIL: the search finds nothing in the raw input"; fail=1
fi

a export -o "$out/export.csv"
a export -o - ; cp "$work/stdout.txt" "$out/cli-stdout.txt"
a export -o "$out/export.xlsx"
a lights --level Stadtteil -o "$out/lights.csv"
a lights --level Stadtteil -o "$out/lights.svg"
a lights --level Stadtteil -o "$out/lights.pdf"
a heatmap --level Stadtteil --indicators quote,lesen -o "$out/heatmap.csv"
a heatmap --level Stadtteil --indicators quote,lesen -o "$out/heatmap.svg"
a heatmap --level Stadtteil --indicators quote,lesen -o "$out/heatmap.pdf"
a index --method weighted --level Stadtteil --indicators quote,lesen \
  -o "$out/index.csv"
a index --method weighted --level Stadtteil --indicators quote,lesen \
  -o "$out/index.svg"
a chart ranking --indicator quote --level Stadtteil -o "$out/ranking.svg"
a chart timeseries --indicator quote --level Stadtteil --area T1 \
  -o "$out/timeseries.svg"
a map --level Stadtteil --indicator quote -o "$out/map.svg"
a map --level Stadtteil --indicator schueler -o "$out/map2.pdf"
a report --level Stadtteil -o "$out/report.html"
a report --level Stadtteil -o "$out/report.pdf"
a report --level Stadtbezirk -o "$out/report-bezirk.pdf"
cp "$work/stdout.txt" "$out/cli-stdout.txt"; cp "$work/stderr.txt" "$out/cli-stderr.txt"

for p in "$out"/*.pdf; do pdftotext -layout "$p" "$p.txt"; done
mkdir -p "$out/xlsx" && (cd "$out/xlsx" && unzip -q "$out/export.xlsx")

# The protection really happened (so that an empty search cannot pass):
grep -q '^T1,schueler,2024,,,,\.$' "$out/export.csv" || { echo "FAIL: T1 schueler not '.'"; fail=1; }
grep -q '^T3,schueler,2024,,,,\.$' "$out/export.csv" || { echo "FAIL: T3 schueler (secondary) not '.'"; fail=1; }
grep -q '^T1,quote,2024,,,,\.$' "$out/export.csv" || { echo "FAIL: T1 quote not '.'"; fail=1; }
grep -q '^T3,quote,2024,,,,\.$' "$out/export.csv" || { echo "FAIL: T3 quote (secondary) not '.'"; fail=1; }
grep -q '^T2,quote,2024,30,1200000,4000000,$' "$out/export.csv" || { echo "FAIL: T2 quote changed"; fail=1; }
grep -q 'Ahornfeld' "$out/report.pdf.txt" || { echo "FAIL: report.pdf has no area names"; fail=1; }
grep -q 'Geheimhaltung: Werte unter 1000000' "$out/lights.svg" || { echo "FAIL: no disclosure note in the SVG footer"; fail=1; }

# The server: JSON API and pages.
if "$bin" serve --help >/dev/null 2>&1; then
  "$bin" serve --port 0 --bind 127.0.0.1 >"$work/serve.out" 2>"$work/serve.err" &
  srv_pid=$!
  port=
  for _ in $(seq 100); do
    port=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$work/serve.out" | head -1 | sed 's/.*://')
    [ -n "$port" ] && break; sleep 0.1
  done
  if [ -z "$port" ]; then
    echo "FAIL: server did not start"; cat "$work/serve.err"; fail=1
  else
    n=0
    for path in "api/v1/values" "api/v1/values?area=T1" "api/v1/lights?level=Stadtteil" \
        "api/v1/heatmap?level=Stadtteil&indicators=quote,lesen" \
        "api/v1/index?level=Stadtteil&indicators=quote,lesen" "" \
        "gebiet/T1" "gebiet/T3" "kennzahl/quote" "kennzahl/schueler"; do
      n=$((n+1))
      curl -s "http://127.0.0.1:$port/$path" -o "$out/http-$n.txt" || true
    done
  fi
  kill "$srv_pid" 2>/dev/null; wait "$srv_pid" 2>/dev/null; srv_pid=
else
  no_serve="dieses ampel hat kein 'serve', API nicht geprüft"
fi

files=$(find "$out" -type f ! -name '*.pdf' ! -name '*.xlsx' ! -name '*.png' | sort)
/usr/bin/python3 "$src/tests/leak_search.py" "$fx/needles.tsv" $files || fail=1
[ $fail = 0 ] && echo "disclosure leak: ok" || echo "disclosure leak: FAILED"
if [ $fail = 0 ] && [ -n "$no_serve" ]; then
  echo "disclosure leak: übersprungen (teilweise): $no_serve"; exit 77
fi
exit $fail
