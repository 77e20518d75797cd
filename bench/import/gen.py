#!/usr/bin/env python3
"""Generates the import benchmark input: areas, indicators and a long-format
values file with AREAS x INDICATORS x PERIODS rows (default 10,000 x 50 x 20 =
10 million), fixed seed. Standard library only.

Usage: gen.py OUTDIR [--areas N] [--indicators N] [--periods N]
"""
import argparse
import os
import random

ap = argparse.ArgumentParser()
ap.add_argument("out")
ap.add_argument("--areas", type=int, default=10000)
ap.add_argument("--indicators", type=int, default=50)
ap.add_argument("--periods", type=int, default=20)
a = ap.parse_args()
os.makedirs(a.out, exist_ok=True)
rnd = random.Random(20261128)
with open(os.path.join(a.out, "areas.csv"), "w", newline="") as f:
    f.write("key,name,parent,level,population\n")
    f.write("C,City,,Stadt,\n")
    for i in range(a.areas):
        f.write(f"A{i:05d},Area {i},C,Stadtteil,{rnd.randint(300, 20000)}\n")
with open(os.path.join(a.out, "indicators.csv"), "w", newline="") as f:
    f.write("key,name,polarity\n")
    for k in range(a.indicators):
        f.write(f"k{k:02d},Indicator {k},higher_is_worse\n")
with open(os.path.join(a.out, "values.csv"), "w", newline="") as f:
    f.write("area,indicator,period,value\n")
    periods = [str(2001 + p) for p in range(a.periods)]
    lines = []
    for i in range(a.areas):
        ak = f"A{i:05d}"
        for k in range(a.indicators):
            ik = f"k{k:02d}"
            for p in periods:
                lines.append(f"{ak},{ik},{p},{rnd.random() * 100:.4f}\n")
        if len(lines) > 200000:
            f.write("".join(lines))
            lines = []
    f.write("".join(lines))
