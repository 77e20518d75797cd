"""Compares `ampel correlate` CSV output with SciPy (the reference)."""
import csv
import math
import sys

from scipy import stats

werte, areas_csv, period, *outs = sys.argv[1:]
with open(areas_csv, encoding="utf-8") as f:
    rows = list(csv.reader(f))
key_col = rows[0].index("key") if "key" in rows[0] else 0
areas = [r[key_col] for r in rows[1:]]
vals = {}
with open(werte, encoding="utf-8") as f:
    for r in csv.DictReader(f):
        if r["period"] == period and r["value"] != "":
            vals[(r["area"], r["indicator"])] = float(r["value"])
bad = 0
for out in outs:
    with open(out, encoding="utf-8") as f:
        got = list(csv.DictReader(f))
    for row in got:
        pairs = [(vals[(a, row["a"])], vals[(a, row["b"])]) for a in areas
                 if (a, row["a"]) in vals and (a, row["b"]) in vals]
        n = len(pairs)
        assert n == int(row["n"]), (row, n)
        if n < 3 or len(set(p[0] for p in pairs)) < 2 or \
                len(set(p[1] for p in pairs)) < 2:
            assert row["r"] == "", row
            continue
        x, y = zip(*pairs)
        fn = stats.pearsonr if row["method"] == "pearson" else stats.spearmanr
        res = fn(x, y)
        r, p = float(res[0]), float(res[1])
        gr, gp = float(row["r"]), float(row["p"])
        if not (math.isclose(r, gr, rel_tol=1e-9, abs_tol=1e-12) and
                math.isclose(p, gp, rel_tol=1e-7, abs_tol=1e-14)):
            print("abweichend:", row, "scipy:", r, p)
            bad += 1
    print(f"{out}: {len(got)} Paare geprüft")
print("gleich SciPy" if bad == 0 else f"{bad} Abweichungen")
sys.exit(1 if bad else 0)
