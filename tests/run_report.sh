#!/usr/bin/env bash
# `ampel report` on the Gelsenkirchen example (docs/berichte.md): PDF and
# HTML checked with pdfinfo/pdftotext against the CSV export and the input
# files (tests/report_check.py), a subset of profiles (--areas), usage
# errors, and PNG/PDF pictures of the other commands.
# Usage: bash run_report.sh AMPEL_BINARY SOURCE_DIR BUILD_DIR
set -u
bin=$(realpath "$1"); src=$(realpath "$2")
partly=
for t in pdfinfo pdftotext /usr/bin/python3; do
  command -v $t >/dev/null || { echo "report: übersprungen: $t fehlt"; exit 77; }
done
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
export SOURCE_DATE_EPOCH=1767225600 LC_ALL=C.UTF-8
"$src/scripts/make-example-db" "$bin" "$work" >/dev/null || exit 1
a() { "$bin" --db "$work/ampel.db" "$@"; }
fail=0
a report --level Stadtteil -o "$work/bericht.pdf" >"$work/out.txt" || fail=1
a report --level Stadtteil -o "$work/bericht.html" >>"$work/out.txt" || fail=1
a export -o "$work/export.csv" || fail=1
a list areas --format csv >"$work/areas.csv" || fail=1
/usr/bin/python3 "$src/tests/report_check.py" "$work/bericht.pdf" \
  "$work/bericht.html" "$work/export.csv" "$work/areas.csv" \
  "$src/examples/gelsenkirchen/kennzahlen.csv" Stadtteil Gelsenkirchen || fail=1
n=$(pdfinfo "$work/bericht.pdf" | awk '/^Pages:/ {print $2}')
grep -q "report: $n Seiten" "$work/out.txt" || { echo "FAIL: page count not reported"; fail=1; }
info=$(pdfinfo "$work/bericht.pdf")
echo "$info" | grep -q "^Title: *Bildungsmonitoring Gelsenkirchen" || { echo "FAIL: PDF title"; fail=1; }
echo "$info" | grep -q "^Page size: *595.* x 841.* pts (A4)" || { echo "FAIL: not A4"; fail=1; }

# The HTML prints on the same number of A4 pages (headless Chromium, when
# installed: Debian's chromium; never downloaded).
if command -v chromium >/dev/null; then
  timeout 120 chromium --headless --no-sandbox --disable-gpu \
    --no-pdf-header-footer --user-data-dir="$work/chrome" \
    --print-to-pdf="$work/print.pdf" "file://$work/bericht.html" >/dev/null 2>&1
  pn=$(pdfinfo "$work/print.pdf" 2>/dev/null | awk '/^Pages:/ {print $2}')
  ps=$(pdfinfo "$work/print.pdf" 2>/dev/null | grep -c "^Page size:.*(A4)")
  [ "$pn" = "$n" ] && [ "$ps" = 1 ] ||
    { echo "FAIL: HTML printed on ${pn:-?} pages (PDF: $n) or not A4"; fail=1; }
else
  partly="chromium fehlt, Druck des HTML nicht geprüft"
fi

# Profiles for two areas only: two profile headings, fewer pages.
a report --level Stadtteil --areas GE-M-ALT,GE-N-BUE -o "$work/zwei.pdf" >/dev/null || fail=1
k=$(pdftotext "$work/zwei.pdf" - | grep -c "Schlüssel GE-")
[ "$k" = 2 ] || { echo "FAIL: --areas: $k profiles instead of 2"; fail=1; }
m=$(pdfinfo "$work/zwei.pdf" | awk '/^Pages:/ {print $2}')
[ "$m" -lt "$n" ] || { echo "FAIL: --areas: $m pages, not fewer than $n"; fail=1; }

# Usage errors.
a report -o "$work/x.doc" 2>"$work/err.txt"; [ $? = 2 ] || { echo "FAIL: .doc accepted"; fail=1; }
a report --level Stadtteil --areas NIX -o "$work/x.pdf" 2>"$work/err.txt"
[ $? = 2 ] && grep -q "unbekanntes Gebiet 'NIX'" "$work/err.txt" || { echo "FAIL: --areas NIX"; fail=1; }
a report --level Stadtteil --areas GE-M -o "$work/x.pdf" 2>"$work/err.txt"
[ $? = 2 ] && grep -q "Ebene Stadtbezirk" "$work/err.txt" || { echo "FAIL: --areas of another level"; fail=1; }

# Pictures as PNG and PDF (requirement: every SVG command).
a heatmap --level Stadtteil -o "$work/h.png" --dpi 72 >/dev/null || fail=1
a heatmap --level Stadtteil -o "$work/h.svg" >/dev/null || fail=1
w=$(grep -o 'width="[0-9.]*"' "$work/h.svg" | head -1 | grep -o '[0-9.]*')
pw=$(/usr/bin/python3 -c "import struct,sys; d=open(sys.argv[1],'rb').read(24); print(struct.unpack('>I', d[16:20])[0])" "$work/h.png")
exp=$(/usr/bin/python3 -c "import math; print(math.ceil($w*72/96))")
[ "$pw" = "$exp" ] || { echo "FAIL: PNG width $pw, expected $exp at 72 dpi"; fail=1; }
a lights --level Stadtteil -o "$work/l.pdf" >/dev/null || fail=1
pdftotext "$work/l.pdf" - | grep -q "Altstadt" || { echo "FAIL: lights.pdf has no text"; fail=1; }
a index --method weighted --level Stadtteil --indicators sozialindex_mittel \
  -o "$work/i.pdf" >/dev/null 2>&1 || fail=1
pdftotext "$work/i.pdf" - | grep -q "Bedarfsstufen" || { echo "FAIL: index.pdf"; fail=1; }
a lights -o "$work/l.bmp" 2>/dev/null; [ $? = 2 ] || { echo "FAIL: .bmp accepted"; fail=1; }
a heatmap --dpi 5000 -o "$work/h.png" 2>/dev/null; [ $? = 2 ] || { echo "FAIL: --dpi 5000 accepted"; fail=1; }
[ $fail = 0 ] && echo "report: ok" || echo "report: FAILED"
if [ $fail = 0 ] && [ -n "$partly" ]; then echo "report: übersprungen (teilweise): $partly"; exit 77; fi
exit $fail
