#!/usr/bin/env bash
# script.profiles_real - the defaults of issue 13 on Stadtteilprofile-like
# real data (tests/data/profile/make_profile.py derives them at test time
# from ../shared/data; nothing is committed):
#  Köln (86 Stadtteile, counts and shares, indicators ending in different
#  years, the Stadtteil shapefile):
#   - default lights: no count (Art Anzahl, or a count without unit) is
#     critical in nearly every area (at most 60 %), and the report's
#     Hinsehen list is not everyone (at most 10 names, "… und N weitere");
#   - indicators of different years stand together, each at its own
#     newest period (anteil_65plus 2010, anteil_migration 2009, 2012 …);
#   - `ampel map` of anteil_65plus (nothing in 2012) draws 2010 with
#     values; with --period 2012 it is an error naming 2010, no picture;
#   - the report PDF has the sections Wechselwirkungen and Bedarf, maps
#     captioned "Karte N: …", and with --budget the allocation;
#   - `ampel export --format csv-de` opens as columns in pandas
#     (sep=';', decimal=',') with the same values as the machine CSV.
#  Berlin (542 Planungsräume; the newest period holds counts only): the
#  default lights rate the MSS shares of 2020 and the counts of 2022
#  together; no count critical nearly everywhere.
# Called by ctest: bash run_profiles_real.sh AMPEL_BINARY SOURCE_DIR BUILD_DIR
set -u
bin=${1:?usage: run_profiles_real.sh AMPEL_BINARY SOURCE_DIR BUILD_DIR}
src=${2:?}
shared="$src/../shared/data"
py=/usr/bin/python3
fail() { echo "FAIL: $*" >&2; exit 1; }

for d in koeln-stadtteile berlin-mss-2021; do
  [ -d "$shared/$d" ] || { echo "übersprungen: $shared/$d fehlt"; exit 77; }
done
"$py" -c 'import pandas' 2>/dev/null \
  || { echo "übersprungen: $py mit pandas fehlt (python3-pandas)"; exit 77; }
command -v pdftotext >/dev/null \
  || { echo "übersprungen: pdftotext fehlt (poppler-utils)"; exit 77; }
tmp=$(mktemp -d) || fail mktemp
trap 'rm -rf "$tmp"' EXIT
export SOURCE_DATE_EPOCH=1767225600 LC_ALL=C.UTF-8

# ---- Köln ------------------------------------------------------------------
export AMPEL_DB="$tmp/k.db"
"$py" "$src/tests/data/profile/make_profile.py" koeln "$shared" "$tmp/k" \
  >/dev/null || fail "make_profile koeln"
"$bin" import "$tmp/k/gebiete.csv" "$tmp/k/kennzahlen.csv" \
  "$tmp/k/werte.csv" >/dev/null || fail "import koeln"
"$bin" import "$shared/koeln-stadtteile/Stadtteil.shp" --key-property STT_NR \
  --level Stadtteil >/dev/null 2>&1 || fail "import Stadtteil.shp"
"$bin" lights -o "$tmp/l.csv" >/dev/null || fail "lights"
"$bin" list indicators --format csv >"$tmp/ind.csv" || fail "list indicators"

"$py" - "$tmp/l.csv" <<'EOF' || fail "lights defaults (Köln)"
import csv, sys
from collections import Counter, defaultdict
rows = list(csv.DictReader(open(sys.argv[1])))
areas = {r["area"] for r in rows}
assert len(areas) == 86, len(areas)
st, per = defaultdict(Counter), {}
for r in rows:
    st[r["indicator"]][r["status"]] += 1
    per.setdefault(r["indicator"], set()).add(r["period"])
bad = 0
for k in ["kinder_u6", "saldo", "nebenwohnungen"]:  # counts with direction
    crit = st[k]["critical"] / 86
    print(f"{k}: {st[k]['critical']} von 86 kritisch")
    if crit > 0.6:
        print(f"{k}: kritisch in {crit:.0%} der Gebiete", file=sys.stderr)
        bad += 1
    if st[k]["good"] == 0:
        print(f"{k}: kein Gebiet günstig", file=sys.stderr); bad += 1
want = {"anteil_u18": "2012", "anteil_65plus": "2010",
        "anteil_migration": "2009", "anteil_verheiratet": "2011",
        "saldo": "2012", "einwohner": "2012"}
for k, p in want.items():
    if per.get(k) != {p}:
        print(f"{k}: Zeitraum {per.get(k)} statt {p}", file=sys.stderr)
        bad += 1
sys.exit(1 if bad else 0)
EOF

# map of an indicator whose newest period (2012) is empty
out=$("$bin" map --indicator anteil_65plus -o "$tmp/m.svg") \
  || fail "map anteil_65plus"
case "$out" in *", 2010"*) ;; *) fail "map anteil_65plus: $out";; esac
n_val=$(grep -c '<title>[^<]*: [0-9]' "$tmp/m.svg")
[ "$n_val" -ge 80 ] || fail "map anteil_65plus: only $n_val areas with a value"
if "$bin" map --indicator anteil_65plus --period 2012 -o "$tmp/e.svg" \
    2>"$tmp/e.err"; then
  fail "map of an empty period exits 0"
fi
grep -q "neuester Zeitraum mit Werten: 2010" "$tmp/e.err" \
  || fail "map empty period: $(cat "$tmp/e.err")"
[ ! -s "$tmp/e.svg" ] || fail "map empty period wrote a picture"

# the report
"$bin" report -o "$tmp/r.pdf" --budget 1000000 --weight kinder_u6 \
  >/dev/null || fail "report"
pdftotext "$tmp/r.pdf" "$tmp/r.txt" || fail pdftotext
for s in "Wechselwirkungen" "Bedarf" "Karten" "Karte 1: Lage der Gebiete" \
  "Karte 2: Handlungsfeld" "Bedarfsstufen" "Die stärksten Zusammenhänge" \
  "Verteilung von 1.000.000"; do
  grep -q "$s" "$tmp/r.txt" || fail "report: '$s' fehlt"
done
grep -Eq "^[0-9]+ Wechselwirkungen$" "$tmp/r.txt" \
  || fail "report: section Wechselwirkungen"
grep -Eq "^[0-9]+ Bedarf$" "$tmp/r.txt" || fail "report: section Bedarf"
"$py" - "$tmp/r.txt" <<'EOF' || fail "report Hinsehen"
import re, sys
t = open(sys.argv[1]).read()
i = t.index("Gebiete mit kritischen Werten oder Verschlechterungen")
part = t[i:i + 6000]
names = re.findall(r"^(\d+)\.\s", part, re.M)
more = re.search(r"und (\d+) weitere Gebiete", part)
assert names and int(names[-1]) <= 10, names
assert more and 0 < int(more.group(1)) < 86, more
print(f"Hinsehen: {len(names)} genannt, {more.group(1)} weitere")
EOF

# German Excel CSV
"$bin" export --format csv-de -o "$tmp/de.csv" || fail "export csv-de"
"$bin" export -o "$tmp/m.csv" || fail "export"
"$py" - "$tmp/de.csv" "$tmp/m.csv" <<'EOF' || fail "csv-de with pandas"
import sys
import numpy as np, pandas as pd
raw = open(sys.argv[1], "rb").read()
assert raw.startswith(b"\xef\xbb\xbf"), "no BOM"
d = pd.read_csv(sys.argv[1], sep=";", decimal=",", encoding="utf-8-sig",
                dtype={"Gebiet": str, "Zeitraum": str})
m = pd.read_csv(sys.argv[2], dtype={"area": str, "period": str})
assert list(d.columns) == ["Gebiet", "Kennzahl", "Zeitraum", "Wert",
                           "Zähler", "Nenner", "Kennzeichen"], list(d.columns)
assert len(d) == len(m) > 1000, (len(d), len(m))
assert d["Wert"].dtype.kind == "f", d["Wert"].dtype
for a, b in [("Wert", "value"), ("Zähler", "numerator"),
             ("Nenner", "denominator")]:
    assert np.allclose(d[a].astype(float), m[b].astype(float),
                       equal_nan=True), a
assert (d["Gebiet"] == m["area"]).all() and (d["Zeitraum"] == m["period"]).all()
print(f"csv-de: {len(d)} Zeilen, {d.shape[1]} Spalten")
EOF

# ---- Berlin ----------------------------------------------------------------
export AMPEL_DB="$tmp/b.db"
"$py" "$src/tests/data/profile/make_profile.py" berlin "$shared" "$tmp/b" \
  >/dev/null || fail "make_profile berlin"
"$bin" import "$tmp/b/gebiete.csv" "$tmp/b/kennzahlen.csv" \
  "$tmp/b/werte.csv" >/dev/null || fail "import berlin"
"$bin" lights -o "$tmp/bl.csv" >/dev/null || fail "lights berlin"
"$py" - "$tmp/bl.csv" <<'EOF' || fail "lights defaults (Berlin)"
import csv, sys
from collections import Counter, defaultdict
rows = list(csv.DictReader(open(sys.argv[1])))
st, per = defaultdict(Counter), defaultdict(set)
for r in rows:
    st[r["indicator"]][r["status"]] += 1
    per[r["indicator"]].add(r["period"])
n = len({r["area"] for r in rows})
assert n == 542, n
for k in ["S1", "S3", "S4"]:
    assert per[k] == {"2020-12-31"}, (k, per[k])
    assert st[k]["critical"] > 50, (k, st[k])
assert per["kinder_u6"] == {"2022-06-30"}, per["kinder_u6"]
assert st["kinder_u6"]["critical"] / n < 0.6, st["kinder_u6"]
assert st["einwohner"]["critical"] == 0, st["einwohner"]  # neutral
watch = {r["area"] for r in rows if r["status"] == "critical"}
assert len(watch) < n, len(watch)
print("berlin:", {k: dict(v) for k, v in st.items()})
EOF
echo "profiles_real: ok"
