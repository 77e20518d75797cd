#!/usr/bin/env bash
# LISA on real boundaries: the 401 Kreise and the 10,997 Gemeinden of
# Germany (BKG VG5000 2021, ../shared/data) with the population density of
# 2022 (BKG VG250-EW), `ampel lisa` (queen neighbours from the shapes with
# GEOS, 999 conditional permutations) against a NumPy peer that does the
# same arithmetic as esda (queen from shared vertices of the same
# shapefile's GeoJSON for the Kreise; esda itself is not packaged for
# Debian). Prints a table; also checks that global and local I agree.
# Usage: bench/lisa/run.sh AMPEL_BINARY
set -euo pipefail
bin=$(realpath "$1"); here=$(cd "$(dirname "$0")" && pwd)
shared="$here/../../../shared/data"
[ -d "$shared/bkg-vg5000-2021" ] || { echo "lisa: ../shared/data fehlt"; exit 0; }
out="$here/../out/lisa"; rm -rf "$out"; mkdir -p "$out"; cd "$out"
py=/usr/bin/python3
for lv in Kreis:KRS:kreise Gemeinde:GEM:gemeinden; do
  IFS=: read -r level shp ew <<<"$lv"
  db="$level.db"
  "$bin" --db "$db" import "$shared/bkg-vg5000-2021/VG5000_$shp.shp" \
    --key-property ARS --name-property GEN --level "$level" >/dev/null 2>&1
  "$bin" --db "$db" list areas --level "$level" --format csv >"$level-areas.csv"
  "$py" "$here/peer.py" values "$level-areas.csv" \
    "$shared/bkg-vg250-ew-2022-attribute/vg250_ew_2022_${ew}_gf4.csv" .
  "$bin" --db "$db" import kennzahlen.csv werte.csv >/dev/null
  s=$(date +%s.%N)
  "$bin" --db "$db" lisa --level "$level" --indicator dichte \
    -o "$level.json" >/dev/null 2>&1
  e=$(date +%s.%N)
  "$bin" --db "$db" lisa --level "$level" --indicator dichte --permutations 0 \
    -o "$level-0.json" >/dev/null 2>&1
  f=$(date +%s.%N)
  echo "$level $(echo "$e - $s" | bc) $(echo "$f - $e" | bc)" >>times.txt
done
"$py" "$here/peer.py" compare "$shared/bkg-vg5000-2021/vg5000_kreise_wgs84.geojson" \
  Kreis.json times.txt
