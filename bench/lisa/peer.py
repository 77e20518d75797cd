#!/usr/bin/env python3
"""Helper of bench/lisa/run.sh.

values AREAS.csv EW.csv OUTDIR: writes kennzahlen.csv and werte.csv
  (density = EWZ / KFL for the areas of the shapefile).
compare KREISE.geojson KREIS.json TIMES: the NumPy peer on the Kreise
  (queen from shared vertices, the same areas as ampel), timing and
  agreement of I and local I; prints the table.
"""
import csv
import json
import sys
import time
from collections import defaultdict

import numpy as np


def values(areas, ew, out):
    keys = {r["key"] for r in csv.DictReader(open(areas, encoding="utf-8"))}
    with open(out + "/kennzahlen.csv", "w", encoding="utf-8") as f:
        f.write("Schlüssel;Name;Einheit;Richtung;Handlungsfeld;Definition;"
                "Quelle;Stichtag\ndichte;Einwohner je km²;EW/km²;neutral;"
                "Bevölkerung;EWZ/KFL;BKG VG250-EW;31.12.2022\n")
    with open(out + "/werte.csv", "w", encoding="utf-8") as f:
        f.write("Gebiet;Kennzahl;Zeitraum;Wert\n")
        for r in csv.DictReader(open(ew, encoding="utf-8")):
            if r["ARS"] in keys and float(r["KFL"]) > 0:
                v = repr(int(r["EWZ"]) / float(r["KFL"])).replace(".", ",")
                f.write("%s;dichte;2022;%s\n" % (r["ARS"], v))


def vertex_queen(path):
    fc = json.load(open(path, encoding="utf-8"))
    owner = defaultdict(set)
    for ft in fc["features"]:
        g = ft["geometry"]
        polys = g["coordinates"] if g["type"] == "MultiPolygon" else \
            [g["coordinates"]]
        for poly in polys:
            for ring in poly:
                for x, y in ring:
                    owner[(round(x, 7), round(y, 7))].add(ft["properties"]["ARS"])
    nb = defaultdict(set)
    for o in owner.values():
        for a in o:
            nb[a] |= o - {a}
    return nb


def peer(z, W, perms=999, seed=1):
    """esda's Moran_Local arithmetic in NumPy: conditional permutation
    with one ordered sample of max_k ids per permutation."""
    n = len(z)
    lag = W @ z
    ss = z @ z
    local = (n - 1) * z * lag / ss
    k = (W > 0).sum(axis=1)
    rng = np.random.default_rng(seed)
    ids = np.array([rng.choice(n - 1, k.max(), replace=False)
                    for _ in range(perms)])
    p = np.empty(n)
    for i in range(n):
        d = ids[:, :k[i]]
        d = d + (d >= i)
        sim = (n - 1) * z[i] * z[d].mean(axis=1) / ss
        larger = (sim >= local[i]).sum()
        larger = min(larger, perms - larger)
        p[i] = (larger + 1) / (perms + 1)
    return z @ lag / ss, local, p


def compare(geo, js, times):
    j = json.load(open(js, encoding="utf-8"))
    nb = vertex_queen(geo)
    use = [r["area"] for r in j["areas"] if r["out"] is None]
    idx = {a: i for i, a in enumerate(use)}
    n = len(use)
    t0 = time.perf_counter()
    W = np.zeros((n, n))
    for a in use:
        for b in nb[a]:
            if b in idx:
                W[idx[a], idx[b]] = 1.0
    W /= W.sum(axis=1, keepdims=True)
    y = np.array([r["value"] for r in j["areas"] if r["out"] is None])
    I, local, p = peer(y - y.mean(), W)
    t1 = time.perf_counter()
    got = np.array([r["local_i"] for r in j["areas"] if r["out"] is None])
    gp = np.array([r["p"] for r in j["areas"] if r["out"] is None])
    print("Kreise: I ampel %.12f, NumPy %.12f; max |local I diff| %.1e; "
          "mean |p diff| %.4f (other generators)" %
          (j["global"][0]["moran_i"], I, np.abs(got - local).max(),
           np.abs(gp - p).mean()))
    print("| level | areas | ampel lisa, 999 perms (wall) | without perms "
          "(load + queen) |")
    print("|---|---|---|---|")
    for line in open(times):
        lv, a, b = line.split()
        print("| %s | %s | %.2f s | %.2f s |" % (lv, "401" if lv == "Kreis"
                                                 else "10,997", float(a),
                                                 float(b)))
    print("| NumPy peer (Kreise, 999 perms, weights given) | %d | %.2f s | |"
          % (n, t1 - t0))


if __name__ == "__main__":
    if sys.argv[1] == "values":
        values(*sys.argv[2:5])
    else:
        compare(*sys.argv[2:5])
