#!/usr/bin/env bash
# script.example_berlin - the bundled Berlin example (examples/berlin).
#
# Called by ctest as: bash run_example_berlin.sh AMPEL_BINARY SOURCE_DIR BUILD_DIR
#
# 1. Self test of make_example.py (simplifier, number format) and a check of
#    the committed files (BOM, CRLF, headers, level counts, parents, sums of
#    Zähler/Nenner, polygon keys) - no data needed.
# 2. The example database builds as `make run EXAMPLE=berlin` builds it
#    (scripts/make-example-db): 138 Bezirksregionen and 12 Bezirke, each with
#    a polygon, every indicator of kennzahlen.csv (at least 8), 5 periods; a
#    map of the Bezirksregionen draws 138 areas; the heatmap and the lights
#    run on the Bezirksregionen.
# 3. With ../shared/data present: make_example.py reproduces the committed
#    files byte for byte, the simplified polygons give the same
#    neighbourhoods as the original ones, and a separate pandas computation
#    from the source tables gives the same values (711 of them: MSS values
#    of several indicators, editions and levels, the recomputed 2016
#    Transferbezug, population shares at all three levels). Without the
#    data: exit 77 (skipped) after steps 1-2.
set -u
bin=${1:?usage: run_example_berlin.sh AMPEL_BINARY SOURCE_DIR BUILD_DIR}
src=${2:?usage: run_example_berlin.sh AMPEL_BINARY SOURCE_DIR BUILD_DIR}
ex="$src/examples/berlin"
shared="$src/../shared/data"
py=/usr/bin/python3
[ -x "$py" ] || { echo "übersprungen: $py fehlt"; exit 77; }

fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

"$py" "$ex/make_example.py" --selftest || fail "selftest"
"$py" "$ex/make_example.py" --validate "$ex" || fail "committed files invalid"

# 2. The database of `make run EXAMPLE=berlin`.
if ! bash "$src/scripts/make-example-db" "$bin" "$tmp/db" berlin \
    > "$tmp/log" 2>&1; then
  cat "$tmp/log"
  fail "make-example-db berlin"
fi
grep -q "bezirksregionen.geojson: Flächen für 138 Gebiete" "$tmp/log" ||
  fail "Bezirksregionen: not 138 polygons"
grep -q "bezirke.geojson: Flächen für 12 Gebiete" "$tmp/log" ||
  fail "Bezirke: not 12 polygons"
if grep -qi "warnung" "$tmp/log"; then
  grep -i "warnung" "$tmp/log"
  fail "geometry import warned (a polygon needed repair or is missing)"
fi
db="$tmp/db/ampel.db"
a() { "$bin" --db "$db" "$@"; }

# list areas --level reports areas without a polygon on stderr.
a list areas --level Bezirksregion --format csv > "$tmp/bzr.csv" \
  2> "$tmp/bzr.err" || fail "list areas Bezirksregion"
n=$(($(wc -l < "$tmp/bzr.csv") - 1))
[ "$n" = 138 ] || fail "$n Bezirksregionen, expected 138"
[ ! -s "$tmp/bzr.err" ] || { cat "$tmp/bzr.err"; fail "Bezirksregionen without polygon"; }
a list areas --level Bezirk --format csv > "$tmp/bez.csv" \
  2> "$tmp/bez.err" || fail "list areas Bezirk"
n=$(($(wc -l < "$tmp/bez.csv") - 1))
[ "$n" = 12 ] || fail "$n Bezirke, expected 12"
[ ! -s "$tmp/bez.err" ] || { cat "$tmp/bez.err"; fail "Bezirke without polygon"; }

want=$(($(wc -l < "$ex/kennzahlen.csv") - 1))
n=$(($(a list indicators --format csv | wc -l) - 1))
[ "$n" = "$want" ] || fail "$n indicators in the database, $want in kennzahlen.csv"
[ "$n" -ge 8 ] || fail "only $n indicators (at least 8)"
periods=$(a list periods --format csv | tail -n +2 | cut -d, -f1 | tr '\n' ' ')
[ "$periods" = "2012-12-31 2014-12-31 2016-12-31 2018-12-31 2020-12-31 " ] ||
  fail "periods: $periods"

a map --level Bezirksregion --indicator kinderarmut --period 2018-12-31 \
  -o "$tmp/karte.svg" > /dev/null || fail "map Bezirksregion"
n=$(grep -o "<path" "$tmp/karte.svg" | wc -l)
[ "$n" = 138 ] || fail "map: $n areas drawn, expected 138"
a map --level Bezirk --indicator kinderarmut --period 2020-12-31 \
  -o "$tmp/bezirke.svg" > /dev/null || fail "map Bezirk 2020"
n=$(grep -o "<path" "$tmp/bezirke.svg" | wc -l)
[ "$n" = 12 ] || fail "map Bezirk: $n areas drawn, expected 12"

# Forst Grunewald (fewer than 300 inhabitants) is not evaluated.
out=$(a heatmap --level Bezirksregion --period 2018-12-31 \
  -o "$tmp/heatmap.svg") || fail "heatmap"
echo "$out" | grep -q "137 Gebiete × 14 Kennzahlen" || { echo "$out"; fail "heatmap size"; }
echo "$out" | grep -q "nicht bewertet: 040617" || fail "Forst Grunewald evaluated"
a lights --level Bezirksregion -o "$tmp/ampel.csv" > /dev/null ||
  fail "lights"
n=$(grep -c "^010111,transferbezug,2018-12-31," "$tmp/ampel.csv")
[ "$n" = 1 ] || fail "lights: no row for Tiergarten Süd / transferbezug"

# 3. Reproducible from ../shared/data.
if [ ! -d "$shared" ]; then
  [ "$fails" = 0 ] || { echo "example-berlin: $fails failed"; exit 1; }
  echo "übersprungen (teilweise): $shared fehlt, Neuerzeugung nicht geprüft"
  exit 77
fi
mkdir -p "$tmp/gen"
if "$py" "$ex/make_example.py" --shared "$shared" --out "$tmp/gen" \
    2> "$tmp/gen.log"; then
  for f in gebiete.csv kennzahlen.csv werte.csv bezirke.geojson \
      bezirksregionen.geojson; do
    cmp -s "$ex/$f" "$tmp/gen/$f" ||
      fail "$f differs from a fresh run: re-run make_example.py and commit"
  done
else
  cat "$tmp/gen.log"
  fail "make_example.py --shared"
fi
# The simplification keeps every neighbourhood of the original polygons.
geo="$shared/berlin-lor-geodata"
"$bin" --db "$tmp/orig.db" import "$ex/gebiete.csv" > /dev/null || fail "import"
orig=$("$bin" --db "$tmp/orig.db" import \
  "$geo/berlin-lor-district-regions-until-2020.geojson" \
  --key-property id --level Bezirksregion) || fail "import original"
nb() { sed -n 's/.*, \([0-9]*\) Nachbarschaften.*/\1/p'; }
o=$(echo "$orig" | nb)
s=$(grep "bezirksregionen.geojson" "$tmp/log" | nb)
[ -n "$o" ] && [ "$o" = "$s" ] ||
  fail "neighbourhoods: original $o, simplified $s"

# Independent cross-check with pandas, straight from the source tables.
if "$py" -c 'import pandas' 2>/dev/null; then
  "$py" - "$shared" "$ex" <<'EOF' || fail "pandas cross-check"
import sys
import pandas as pd

data, ex = sys.argv[1], sys.argv[2]
mss = (data + "/berlin-mss-bezirksregionen-2013-2021/tables/"
       "berlin-lor-monitoring-social-urban-development-%d-00-%s.csv")
pop = (data + "/berlin-lor-population-2015-2024/"
       "berlin-lor-population-%s-%s-planning-areas.csv")
w = pd.read_csv(ex + "/werte.csv", sep=";", encoding="utf-8-sig",
                decimal=",", dtype={"Gebiet": str}, na_values=["."],
                keep_default_na=False)
got = w.set_index(["Gebiet", "Kennzahl", "Zeitraum"])["Wert"]
want = {}
r19 = pd.read_csv(mss % (2019, "2-2"), dtype={"id": str}).set_index("id")
r15 = pd.read_csv(mss % (2015, "2-2"), dtype={"id": str}).set_index("id")
k17 = pd.read_csv(mss % (2017, "4-2"), dtype={"id": str}).set_index("id")
z21 = pd.read_csv(mss % (2021, "2-3"), dtype={"id": str}).set_index("id")
for i in r19.index:
    if r19.loc[i, "inhabitants"] < 300:
        continue
    want[(i, "kinderarmut", "2018-12-31")] = r19.loc[
        i, "s4_percentage_transfer_payments_recipients_below_15_years"]
    want[(i, "transferbezug", "2016-12-31")] = (
        r19.loc[i, "s3_percentage_transfer_payments_recipients"]
        - r19.loc[i, "d3_percentage_transfer_payments_recipients"])
    want[(i, "arbeitslose_bis2017", "2014-12-31")] = r15.loc[
        i, "s1_percentage_unemployed"]
    want[(i, "wohndauer_5j", "2016-12-31")] = k17.loc[
        i, "k10_duration_of_residence_over_5_years"]
for i in z21.index:
    want[(i, "arbeitslose_ab2019", "2020-12-31")] = z21.loc[
        i, "s1_percentage_unemployed"]
t2 = pd.read_csv(pop % ("2016-02", "t2"), dtype={"id": str})
for n, key in ((6, None), (2, None), (0, "11000000")):
    g = t2.groupby(t2["id"].str[:n] if n else (lambda _: key)).sum(
        numeric_only=True)
    for i, r in g.iterrows():
        want[(i, "anteil_unter_6", "2016-12-31")] = (
            100 * r["inhabitants_age_below_6"] / r["inhabitants"])
bad = [(k, got.get(k), v) for k, v in want.items()
       if k not in got or abs(got[k] - v) > 5e-5]
for b in bad[:10]:
    print("mismatch", b, file=sys.stderr)
print("pandas cross-check: %d values, %d mismatches" % (len(want), len(bad)))
sys.exit(1 if bad or len(want) < 700 else 0)
EOF
else
  echo "hinweis: python3-pandas fehlt, Gegenprobe ausgelassen"
fi

if [ "$fails" = 0 ]; then
  echo "example-berlin: 1 passed, 0 failed (Nachbarschaften $s = Original)"
  exit 0
fi
echo "example-berlin: 0 passed, $fails failed"
exit 1
