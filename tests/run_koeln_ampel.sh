#!/usr/bin/env bash
# script.koeln_ampel - heatmap and lights on Köln's 86 Stadtteile.
#
# Called by ctest as: bash run_koeln_ampel.sh AMPEL_BINARY SOURCE_DIR BUILD_DIR
#
# Derives input files from ../shared/data/koeln-stadtteile at test time
# (tests/data/koeln/make_koeln.py; nothing of the data is committed),
# imports them and checks:
#  - heatmap CSV: 86 rows, values in [0, 1]; --tree: 85 steps, SciPy
#    numbering; the merge heights and cophenetic distances equal SciPy's
#    linkage() on the scaled matrix that `heatmap -o x.csv` wrote (in
#    `ampel list areas` order), for complete, average, single and ward;
#  - lights CSV: 86 x 5 rows, every status/trend/certain in its allowed
#    set, the status scores equal an independent computation (pandas);
#  - the SVGs are well-formed XML and render with rsvg-convert.
# Without ../shared/data: exit 77 (skipped).
set -u
bin=${1:?usage: run_koeln_ampel.sh AMPEL_BINARY SOURCE_DIR BUILD_DIR}
src=${2:?}
shared="$src/../shared/data"
py=/usr/bin/python3
fail() { echo "FAIL: $*" >&2; exit 1; }

if [ ! -d "$shared/koeln-stadtteile" ]; then
  echo "skipped: $shared/koeln-stadtteile not found" >&2
  exit 77
fi
if ! "$py" -c 'import numpy, scipy' 2>/dev/null; then
  echo "skipped: $py with numpy and scipy not installed (python3-scipy)" >&2
  exit 77
fi
if ! command -v rsvg-convert >/dev/null; then
  echo "skipped: rsvg-convert not installed (librsvg2-bin)" >&2; exit 77
fi
tmp=$(mktemp -d) || fail mktemp
trap 'rm -rf "$tmp"' EXIT
export AMPEL_DB="$tmp/k.db" SOURCE_DATE_EPOCH=1767225600 LC_ALL=C.UTF-8

"$py" "$src/tests/data/koeln/make_koeln.py" --shared "$shared" \
  --out "$tmp/in" || fail "make_koeln.py"
"$bin" import "$tmp/in"/*.csv >/dev/null || fail "import"
"$bin" list areas --level Stadtteil --format csv >"$tmp/areas.csv" \
  || fail "list areas"

for link in complete average single ward; do
  "$bin" heatmap --level Stadtteil --linkage "$link" -o "$tmp/h-$link.csv" \
    --tree "$tmp/t-$link.csv" >/dev/null || fail "heatmap $link"
done
"$bin" heatmap --level Stadtteil -o "$tmp/h.svg" >/dev/null || fail "heatmap svg"
"$bin" lights --level Stadtteil -o "$tmp/l.csv" >/dev/null || fail "lights csv"
"$bin" lights --level Stadtteil -o "$tmp/l.svg" >/dev/null || fail "lights svg"
"$bin" lights --level Stadtteil --status-method relative --since 2005 \
  -o "$tmp/r.csv" >/dev/null || fail "lights relative"

"$py" - "$tmp" "$tmp/in/werte.csv" "$tmp/in/kennzahlen.csv" <<'EOF' || fail "invariants"
import csv, math, sys
import numpy as np
from scipy.cluster.hierarchy import linkage, cophenet

tmp, werte, kennz = sys.argv[1:4]
areas = [r["key"] for r in csv.DictReader(open(f"{tmp}/areas.csv"))]
assert len(areas) == 86, len(areas)
bad = 0
for link in ["complete", "average", "single", "ward"]:
    rows = list(csv.DictReader(open(f"{tmp}/h-{link}.csv")))
    assert len(rows) == 86, (link, len(rows))
    cols = [c for c in rows[0] if c not in ("area", "name")]
    by_key = {r["area"]: [float(r[c]) for c in cols] for r in rows}
    X = np.array([by_key[k] for k in areas])  # list order = leaf numbers
    assert ((X >= 0) & (X <= 1)).all()
    tree = list(csv.DictReader(open(f"{tmp}/t-{link}.csv")))
    assert len(tree) == 85, len(tree)
    Z = linkage(X, method=link, metric="euclidean")
    h = np.array([float(t["height"]) for t in tree])
    if not np.allclose(h, Z[:, 2], rtol=1e-10, atol=1e-12):
        print(link, "heights differ from scipy", file=sys.stderr); bad += 1
    # our tree as a SciPy Z, to compare cophenetic distances
    Zo = np.array([[float(t["left"]), float(t["right"]), float(t["height"]),
                    float(t["size"])] for t in tree])
    if not np.allclose(cophenet(Zo), cophenet(Z), rtol=1e-10, atol=1e-12):
        print(link, "cophenetic distances differ", file=sys.stderr); bad += 1
    for t in tree:  # leaves carry their keys, clusters none
        for side in ("left", "right"):
            i = int(t[side])
            assert (t[side + "_key"] == areas[i]) if i < 86 else \
                t[side + "_key"] == "", t

pol = {r["Schlüssel"]: r["Richtung"] for r in
       csv.DictReader(open(kennz, encoding="utf-8"), delimiter=";")}
vals = {}
for r in csv.DictReader(open(werte, encoding="utf-8"), delimiter=";"):
    vals[(r["Gebiet"], r["Kennzahl"], r["Zeitraum"])] = (
        float(r["Wert"]), float(r["Zähler"]), float(r["Nenner"]))
lights = list(csv.DictReader(open(f"{tmp}/l.csv")))
assert len(lights) == 86 * len(pol), len(lights)
for r in lights:
    assert r["status"] in {"good", "average", "critical", "none"}, r
    assert r["trend"] in {"better", "stable", "worse", "none", "up", "down",
                          "same"}, r
    assert r["certain"] in {"yes", "no", ""}, r
    assert r["period"] == "2012" and r["since"] == "2011", r
    # neutral: no status, a development without judgement (METHODS.md §9)
    if pol[r["indicator"]] == "neutral":
        assert r["status"] == "none", r
        assert r["trend"] in {"up", "down", "same", "none"}, r
    else:
        assert r["trend"] in {"better", "stable", "worse", "none"}, r
# independent status scores: p (x - ref) / population SD
for key, p in pol.items():
    x = np.array([vals[(a, key, "2012")][0] for a in areas])
    if ("K000", key, "2012") in vals:
        ref = vals[("K000", key, "2012")][0]
    else:
        ref = 100 * sum(vals[(a, key, "2012")][1] for a in areas) / \
            sum(vals[(a, key, "2012")][2] for a in areas)
    sign = -1 if p == "hoch_ist_schlecht" else 1
    s = sign * (x - ref) / x.std()
    got = {r["area"]: r for r in lights if r["indicator"] == key}
    for a, sa in zip(areas, s):
        g = got[a]
        assert math.isclose(float(g["reference"]), ref, rel_tol=1e-12), g
        assert math.isclose(float(g["status_score"]), sa, rel_tol=1e-9,
                            abs_tol=1e-12), (g, sa)
        if p != "neutral":
            want = "good" if sa >= .5 else "critical" if sa <= -.5 \
                else "average"
            assert g["status"] == want, (g, want)
rel = list(csv.DictReader(open(f"{tmp}/r.csv")))
assert len(rel) == len(lights) and all(r["since"] == "2005" for r in rel)
sys.exit(1 if bad else 0)
EOF

for f in "$tmp/h.svg" "$tmp/l.svg"; do
  "$py" -c "import sys, xml.dom.minidom as m; m.parse(sys.argv[1])" "$f" \
    || fail "not well-formed XML: $f"
  rsvg-convert -w 1600 "$f" -o "$f.png" || fail "rsvg-convert $f"
done
grep -c '<g><title>' "$tmp/h.svg" | grep -qx 430 || fail "heatmap: 86 x 5 cell titles expected"
echo "koeln_ampel: ok"
