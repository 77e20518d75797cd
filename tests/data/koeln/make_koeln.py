#!/usr/bin/env python3
"""Derive ampel input files for Köln (86 Stadtteile, 9 Stadtbezirke, city)
from the population table of Offene Daten Köln, at test time.

Usage: make_koeln.py --shared DIR/shared/data --out OUTDIR

Reads  koeln-stadtteile/bevoelkerung_2005-2012_long.csv
       (id,tab_id,tabelle,jahr,raum_id,raum,zei_id,zeile,zahl; raum_id 000 =
       city, 001-009 = Stadtbezirke, 101-909 = Stadtteile, first digit = the
       Stadtbezirk)
Writes gebiete.csv, kennzahlen.csv, werte.csv (';'-separated, '.' decimal,
       UTF-8) in the formats of docs/formats.md.

Indicators (value = 100 * Zähler / Nenner, Nenner = Einwohner):
  anteil_u6         children under 6      (Einwohner nach Alter 0-<3, 3-<6)
  anteil_u18        under 18              (0-<3 ... 15-<18)
  anteil_65plus     65 and older          (65-<75, 75 und älter)
  anteil_migration  with migration background
  anteil_nebenwohnung  secondary residences (Nebenwohnung je 100 Einwohner);
                    written WITHOUT the city's row, so that the reference is
                    the ratio of sums (METHODS.md §1) instead of the root value.
The polarities are assumptions made for testing the Ampel only (see the
Definition column); they are not a statement about the city.

Data: Stadt Köln – Amt für Stadtentwicklung und Statistik, Offene Daten Köln
(CC BY). Nothing is committed; the test derives the files into a temp dir.
"""
import argparse
import csv
import os
import sys
from collections import defaultdict

SOURCE = ("Stadt Köln – Amt für Stadtentwicklung und Statistik, "
          "Offene Daten Köln (CC BY)")

AGE_U6 = ["00 - < 03", "03 - < 06"]
AGE_U18 = AGE_U6 + ["06 - < 10", "10 - < 15", "15 - < 18"]
AGE_65 = ["65 - < 75", "75 und älter"]

# key, name, polarity, domain, definition, (tab_id, rows), with_root
INDICATORS = [
    ("anteil_u6", "Anteil Kinder unter 6 Jahren", "hoch_ist_gut",
     "Frühkindliche Bildung",
     "Kinder unter 6 je 100 Einwohner (Richtung nur für den Test)",
     (20, AGE_U6), True),
    ("anteil_u18", "Anteil Minderjährige", "hoch_ist_gut",
     "Schulische Bildung",
     "Einwohner unter 18 je 100 Einwohner (Richtung nur für den Test)",
     (20, AGE_U18), True),
    ("anteil_65plus", "Anteil 65 Jahre und älter", "hoch_ist_schlecht",
     "Demografie",
     "Einwohner ab 65 je 100 Einwohner (Richtung nur für den Test)",
     (20, AGE_65), True),
    ("anteil_migration", "Anteil mit Migrationshintergrund", "neutral",
     "Demografie", "Einwohner mit Migrationshintergrund je 100 Einwohner",
     (30, ["Einwohner mit Migrationshintergrund"]), True),
    ("anteil_nebenwohnung", "Nebenwohnungen je 100 Einwohner",
     "hoch_ist_schlecht", "Wohnen",
     "Einwohner mit Nebenwohnung je 100 Einwohner (Richtung nur für den "
     "Test; ohne Wert der Gesamtstadt)",
     (50, ["Nebenwohnung"]), False),
]


def read(path):
    """{(year, raum_id, tab_id, zeile): zahl}, {raum_id: raum}"""
    data, names = {}, {}
    with open(path, encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            rid = r["raum_id"].zfill(3)
            names[rid] = r["raum"]
            data[(int(r["jahr"]), rid, int(r["tab_id"]), r["zeile"])] = \
                float(r["zahl"])
    return data, names


def level(rid):
    if rid == "000":
        return "Stadt", ""
    if rid.startswith("00"):
        return "Stadtbezirk", "K000"
    return "Stadtteil", "K00" + rid[0]


def write_areas(out, names, data, years):
    last = max(years)
    with open(os.path.join(out, "gebiete.csv"), "w", encoding="utf-8",
              newline="") as f:
        w = csv.writer(f, delimiter=";", lineterminator="\n")
        w.writerow(["Schlüssel", "Name", "Übergeordnet", "Ebene",
                    "Einwohner"])
        for rid in sorted(names, key=lambda r: (r != "000", len(r) == 3 and
                                                not r.startswith("00"), r)):
            lv, parent = level(rid)
            pop = data.get((last, rid, 5, "Einwohner"))
            w.writerow(["K" + rid, names[rid], parent, lv,
                        "" if pop is None else int(pop)])


def write_indicators(out):
    with open(os.path.join(out, "kennzahlen.csv"), "w", encoding="utf-8",
              newline="") as f:
        w = csv.writer(f, delimiter=";", lineterminator="\n")
        w.writerow(["Schlüssel", "Name", "Einheit", "Richtung",
                    "Handlungsfeld", "Definition", "Quelle", "Stichtag",
                    "Nachkommastellen"])
        for key, name, pol, dom, definition, _, _ in INDICATORS:
            w.writerow([key, name, "%", pol, dom, definition, SOURCE,
                        "31.12.", 1])


def write_values(out, names, data, years):
    n = 0
    with open(os.path.join(out, "werte.csv"), "w", encoding="utf-8",
              newline="") as f:
        w = csv.writer(f, delimiter=";", lineterminator="\n")
        w.writerow(["Gebiet", "Kennzahl", "Zeitraum", "Wert", "Zähler",
                    "Nenner"])
        for key, _, _, _, _, (tab, rows), with_root in INDICATORS:
            for year in years:
                for rid in sorted(names):
                    if rid == "000" and not with_root:
                        continue
                    den = data.get((year, rid, 5, "Einwohner"))
                    parts = [data.get((year, rid, tab, z)) for z in rows]
                    if den is None or den <= 0 or None in parts:
                        continue
                    num = sum(parts)
                    w.writerow(["K" + rid, key, year,
                                repr(round(100.0 * num / den, 6)),
                                int(num), int(den)])
                    n += 1
    return n


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    src = os.path.join(a.shared, "koeln-stadtteile",
                       "bevoelkerung_2005-2012_long.csv")
    data, names = read(src)
    years = sorted({k[0] for k in data})
    stt = [r for r in names if level(r)[0] == "Stadtteil"]
    if len(stt) != 86:
        sys.exit("expected 86 Stadtteile, found %d" % len(stt))
    os.makedirs(a.out, exist_ok=True)
    write_areas(a.out, names, data, years)
    write_indicators(a.out)
    n = write_values(a.out, names, data, years)
    print("koeln: %d Gebiete, %d Kennzahlen, %d Werte, %d-%d"
          % (len(names), len(INDICATORS), n, years[0], years[-1]))


if __name__ == "__main__":
    main()
