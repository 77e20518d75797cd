#!/usr/bin/env python3
"""Derives stadtgrenze.geojson, the city outline of Gelsenkirchen for the
example's maps (the schools drawn on the city boundary), from the BKG VG250
outline in ../shared/data/gelsenkirchen/. Keeps the polygon, rounds the
coordinates to 6 decimals (about 10 cm) and keeps only the properties the
import needs (GEN = name, AGS = official key). Standard library only.

Usage: make_outline.py --shared ../shared/data --out examples/gelsenkirchen
Imported by scripts/make-example-db with
  ampel import stadtgrenze.geojson --key-property GEN --level Stadt
Attribution: © GeoBasis-DE / BKG (Daten verändert), dl-de/by-2-0.
"""
import argparse
import json
import os

ap = argparse.ArgumentParser()
ap.add_argument("--shared", required=True)
ap.add_argument("--out", required=True)
a = ap.parse_args()
src = os.path.join(a.shared, "gelsenkirchen", "vg250_gelsenkirchen_stadtgrenze_wgs84.geojson")
with open(src, encoding="utf-8") as f:
    gj = json.load(f)


def rnd(c):
    if isinstance(c[0], (int, float)):
        return [round(c[0], 6), round(c[1], 6)]
    return [rnd(x) for x in c]


feats = []
for ft in gj["features"]:
    p = ft["properties"]
    feats.append({"type": "Feature",
                  "properties": {"GEN": p["GEN"], "AGS": p["AGS"],
                                 "Quelle": "© GeoBasis-DE / BKG (Daten verändert), dl-de/by-2-0"},
                  "geometry": {"type": ft["geometry"]["type"], "coordinates": rnd(ft["geometry"]["coordinates"])}})
out = {"type": "FeatureCollection", "features": feats}
with open(os.path.join(a.out, "stadtgrenze.geojson"), "w", encoding="utf-8", newline="\n") as f:
    json.dump(out, f, ensure_ascii=False, separators=(",", ":"))
    f.write("\n")
