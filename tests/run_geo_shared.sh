#!/usr/bin/env bash
# Geometry with real data from ../shared/data (skipped, exit 77, when it is
# absent or when `ampel import` does not read geometry files yet):
#  - Köln: 86 Stadtteile from the Shapefile (Windows-1252 DBF, UTM with a
#    false easting of 2,500,000), 9 Stadtbezirke from the Shapefile and from
#    the GeoJSON (WGS84) give the same areas; a map from the population
#    data renders to PNG; correlations equal SciPy's.
#  - NRW Gemeinden (GeoJSON, 396) and VG5000 Kreise/Gemeinden (Shapefile,
#    Gauss-Krüger EPSG:31467) import.
#  - Gelsenkirchen: the city outline as the geometry of area GE, the
#    schools as points on it; the tile map of the Stadtteile.
#  - Broken real files: missing .shx, missing .prj.
set -u
bin=$(realpath "$1"); src=$(realpath "$2")
shared="$src/../shared/data"
if [ ! -d "$shared" ]; then echo "übersprungen: $shared fehlt"; exit 77; fi
if ! "$bin" import --help | grep -q -- --key-property; then
  echo "übersprungen: 'ampel import' liest noch keine Flächen-Dateien"; exit 77
fi
if ! /usr/bin/python3 -c 'import scipy' 2>/dev/null; then
  echo "übersprungen: /usr/bin/python3 mit scipy fehlt (python3-scipy)"; exit 77
fi
if ! command -v rsvg-convert >/dev/null; then
  echo "übersprungen: rsvg-convert fehlt (librsvg2-bin)"; exit 77
fi
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
export SOURCE_DATE_EPOCH=1767225600 LC_ALL=C.UTF-8
fail=0
check() { # check NAME EXPECTED-SUBSTRING COMMAND...
  local name=$1 want=$2; shift 2
  if out=$("$@" 2>&1) && grep -qF -- "$want" <<<"$out"; then
    echo "ok   $name"
  else
    echo "FAIL $name: erwartet '$want'"; echo "$out" | head -5; fail=$((fail+1))
  fi
}
refuse() { # refuse NAME EXPECTED-SUBSTRING COMMAND... (must exit 1)
  local name=$1 want=$2; shift 2
  out=$("$@" 2>&1); rc=$?
  if [ $rc = 1 ] && grep -qF -- "$want" <<<"$out"; then
    echo "ok   $name"
  else
    echo "FAIL $name: Exit $rc, erwartet 1 und '$want'"; echo "$out" | head -5
    fail=$((fail+1))
  fi
}
png() { # png NAME FILE.svg: must render
  if rsvg-convert -w 1400 "$2" -o "${2%.svg}.png" && [ -s "${2%.svg}.png" ]; then
    echo "ok   $1 (PNG)"
  else
    echo "FAIL $1: PNG"; fail=$((fail+1))
  fi
}
k="$shared/koeln-stadtteile"
# --- Köln ------------------------------------------------------------------
/usr/bin/python3 "$src/tests/data/koeln/make_koeln.py" --shared "$shared" \
  --out koeln >/dev/null || { echo "FAIL make_koeln.py"; exit 1; }
"$bin" --db k.db import koeln/*.csv >/dev/null || exit 1
check koeln_stadtteile_shp "Flächen für 86 Gebiete (davon 0 neu)" \
  "$bin" --db k.db import "$k/Stadtteil.shp" --key-property STT_NAME --level Stadtteil
check koeln_stadtbezirke_shp "Flächen für 9 Gebiete (davon 0 neu)" \
  "$bin" --db k.db import "$k/Stadtbezirk.shp" --key-property STB_NAME --level Stadtbezirk
check koeln_map "Karte: 86 Gebiete (86 mit Fläche)" \
  "$bin" --db k.db map --level Stadtteil --indicator anteil_u18 --by classes \
  --classes jenks:5 -o koeln.svg
png koeln_map koeln.svg
check koeln_map_names "Dellbrück" grep -o -m1 "Dellbrück" koeln.svg
cp k.db k2.db
check koeln_stadtbezirke_geojson "Flächen für 9 Gebiete (davon 0 neu)" \
  "$bin" --db k2.db import "$k/stadtbezirke_wgs84.geojson" --key-property STB_NAME --level Stadtbezirk
check koeln_bezirke_same "Karte: 9 Gebiete (9 mit Fläche)" \
  "$bin" --db k2.db map --level Stadtbezirk --indicator anteil_65plus -o bez.svg
"$bin" --db k.db export -o werte.csv
"$bin" --db k.db list areas --level Stadtteil --format csv > areas.csv
"$bin" --db k.db correlate --level Stadtteil --period 2012 -o p.csv >/dev/null
"$bin" --db k.db correlate --level Stadtteil --period 2012 --method spearman -o s.csv >/dev/null
check koeln_correlate_scipy "gleich SciPy" /usr/bin/python3 \
  "$src/tests/golden/correlate_scipy_ge/check_scipy.py" werte.csv areas.csv 2012 p.csv s.csv
# --- NRW and Germany -----------------------------------------------------------
check nrw_gemeinden "Flächen für 396 Gebiete (davon 396 neu)" \
  "$bin" --db n.db import "$shared/bkg-vg250-nrw-gemeinden/vg250_nrw_gemeinden_wgs84.geojson" \
  --key-property AGS --name-property GEN --level Gemeinde
check vg5000_kreise "Flächen für 401 Gebiete (davon 401 neu)" \
  "$bin" --db n.db import "$shared/bkg-vg5000-2021/VG5000_KRS.shp" \
  --key-property ARS --name-property GEN --level Kreis
# The 10997 Gemeinden take long under ASan and add no code path to the
# Kreise above (same reader, same format): left out there (Makefile).
if [ -z "${AMPEL_TEST_SANITIZED:-}" ]; then
  check vg5000_gemeinden "Flächen für 10997 Gebiete" \
    "$bin" --db g.db import "$shared/bkg-vg5000-2021/VG5000_GEM.shp" \
    --key-property ARS --name-property GEN --level Gemeinde
  # The map of all 10,997 Gemeinden with one indicator (issue 15: at most
  # 3 MB): every Gemeinde drawn, geometry simplified for the screen.
  "$bin" --db g.db list areas --level Gemeinde --format csv |
    awk -F, 'NR == 1 { print "area;indicator;period;value" > "w.csv"; next }
             { print $1 ";n;2021;" NR % 97 > "w.csv"
               print $1 ";b;2021;" (NR * 37) % 101 > "w.csv" }'
  printf 'key;name;unit;polarity\nn;Nummer;Anzahl;neutral\nb;Bedarf;Anzahl;hoch_ist_schlecht\n' >k.csv
  "$bin" --db g.db import k.csv w.csv >/dev/null
  check vg5000_map "Karte: 10997 Gebiete (10997 mit Fläche)" \
    "$bin" --db g.db map --level Gemeinde --indicator n -o de.svg
  png vg5000_map de.svg
  size=$(wc -c <de.svg); paths=$(grep -c "<path" de.svg)
  if [ "$size" -le 3000000 ] && [ "$paths" -ge 10997 ]; then
    echo "ok   vg5000_map_size ($size Bytes, $paths Flächen)"
  else
    echo "FAIL vg5000_map_size: $size Bytes, $paths Flächen"; fail=$((fail+1))
  fi
  # The dashboard of 10,997 Gemeinden: the area page shows the nearest 150
  # in its locator map, the indicator page a paged ranking.
  "$bin" --db g.db serve --port 0 >serve.out 2>serve.err &
  spid=$!
  for _ in $(seq 50); do grep -q "http://" serve.out 2>/dev/null && break; sleep 0.2; done
  base=$(grep -o "http://127.0.0.1:[0-9]*" serve.out | head -1)
  curl -s -o muc.html "$base/gebiet/091620000000"
  msize=$(wc -c <muc.html)
  if grep -q "Gezeigt: die 150 nächsten von 10997 Gebieten." muc.html &&
     [ "$msize" -le 200000 ]; then
    echo "ok   vg5000_locator ($msize Bytes)"
  else
    echo "FAIL vg5000_locator: $msize Bytes"; fail=$((fail+1))
  fi
  code=$(curl -s -o rank.html -w "%{http_code}" "$base/kennzahl/n?seite=55")
  if [ "$code" = 200 ] && grep -q "Ränge 10801–10997 von 10997 Gebieten" rank.html; then
    echo "ok   vg5000_ranking_paged"
  else
    echo "FAIL vg5000_ranking_paged: $code"; fail=$((fail+1))
  fi
  # /bedarf of 10,997 Gemeinden: the result table paged, highest need
  # first (rank 1 on page 1), the map of Stufen drawn, no bar per area;
  # stop 21 measured 6 MB for 11,000 areas without a map.
  code=$(curl -s -o need.html -w "%{http_code}" \
    "$base/bedarf?level=Gemeinde&indicators=b:1&seite=1")
  nsize=$(wc -c <need.html)
  rank1=$(sed -n '/<tbody>/{n;p;q}' need.html | grep -o '<td class="num">[0-9]*</td>' | sed -n 1p)
  if [ "$code" = 200 ] && grep -q "Gebiete 1–200 von 10997, nach Rang geordnet (Seite 1 von 55)" need.html &&
     [ "$rank1" = '<td class="num">1</td>' ] && [ "$(grep -c '<tr><th scope="row">' need.html)" = 200 ] &&
     grep -q "Stufe je Gebiet" need.html && ! grep -q "Balkendiagramm:" need.html &&
     [ "$nsize" -le 3500000 ]; then
    echo "ok   vg5000_need_paged ($nsize Bytes)"
  else
    echo "FAIL vg5000_need_paged: $code, $nsize Bytes, erster Rang $rank1"; fail=$((fail+1))
  fi
  code=$(curl -s -o need55.html -w "%{http_code}" \
    "$base/bedarf?level=Gemeinde&indicators=b:1&seite=55")
  if [ "$code" = 200 ] && grep -q "Gebiete 10801–10997 von 10997" need55.html &&
     grep -q 'rel="prev" href="/bedarf?level=Gemeinde&amp;indicators=b%3A1&amp;seite=54#h-erg"' need55.html; then
    echo "ok   vg5000_need_last_page"
  else
    echo "FAIL vg5000_need_last_page: $code"; fail=$((fail+1))
  fi
  kill "$spid"; wait "$spid" 2>/dev/null
else
  echo "--   vg5000_gemeinden (AMPEL_TEST_SANITIZED: ausgelassen)"
fi
# --- Gelsenkirchen -------------------------------------------------------------
"$bin" --db ge.db import "$src"/examples/gelsenkirchen/*.csv >/dev/null || exit 1
check ge_outline "Flächen für 1 Gebiet" "$bin" --db ge.db import \
  "$shared/gelsenkirchen/vg250_gelsenkirchen_stadtgrenze_wgs84.geojson" \
  --key-property GEN --level Stadt
check ge_schools "Punktkarte: 79 Gebiete" "$bin" --db ge.db map --points Schule \
  --indicator schule_sozialindex --by classes --classes equal:4 -o ge_schulen.svg
png ge_schools ge_schulen.svg
check ge_tiles "Kachelkarte: 18 Gebiete" "$bin" --db ge.db map --level Stadtteil \
  --indicator gs_sozialindex_mittel -o ge_kacheln.svg
png ge_tiles ge_kacheln.svg
# --- broken real files -------------------------------------------------------
mkdir -p noshx noprj
cp "$k/Stadtteil.shp" "$k/Stadtteil.dbf" "$k/Stadtteil.prj" noshx/
cp "$k/Stadtteil.shp" "$k/Stadtteil.shx" "$k/Stadtteil.dbf" noprj/
cp k.db t.db
refuse missing_shx "fehlt die Datei 'noshx/Stadtteil.shx'" \
  "$bin" --db t.db import noshx/Stadtteil.shp --key-property STT_NAME --level Stadtteil
refuse missing_prj "--crs EPSG:N" \
  "$bin" --db t.db import noprj/Stadtteil.shp --key-property STT_NAME --level Stadtteil
refuse wrong_key "kein Feld 'SCHLUESSEL' (vorhanden: STT_NR, STT_NAME" \
  "$bin" --db t.db import "$k/Stadtteil.shp" --key-property SCHLUESSEL --level Stadtteil
echo "geo_shared: $fail Fehler"
[ $fail = 0 ]
