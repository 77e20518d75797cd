#!/usr/bin/env python3
"""Derive ampel's third bundled example, Berlin, from public data.

Reads the real data in ../shared/data (never copied into the repository) and
writes what `make run EXAMPLE=berlin` imports:

  gebiete.csv              Berlin, 12 Bezirke, 138 Bezirksregionen (LOR as
                           valid until 2020) with population 31.12.2018
  kennzahlen.csv           16 indicators (metadata in German)
  werte.csv                values, long format
  bezirksregionen.geojson  the 138 Bezirksregion polygons, simplified
  bezirke.geojson          the 12 Bezirk polygons, simplified

Usage (from the repository root):

  python3 examples/berlin/make_example.py --shared ../shared/data \
      --out examples/berlin
  python3 examples/berlin/make_example.py --validate examples/berlin
                            # check the committed files (no source needed)
  python3 examples/berlin/make_example.py --selftest
                            # check the simplifier and number helpers

Standard library only. The CSV files are written as German Excel writes
them (UTF-8 with BOM, ';', decimal comma, CRLF); all output is
deterministic (fixed row order and number formatting).

Sources (see QUELLEN.md):
  berlin-mss-bezirksregionen-2013-2021/tables/  MSS report tables 2-2/2-3
      (index indicators by Bezirksregion/Bezirk) and 4-2/4-3 (context
      indicators), editions 2013, 2015, 2017, 2019, 2021
  berlin-lor-population-2015-2024/  population per Planungsraum (t1:
      migration background, t2: age groups), 31.12.2016/2018/2020
  berlin-lor-geodata/  Bezirksregion (LOR until 2020) and Bezirk polygons

Periods are the reference dates of the data: an MSS edition describes the
31 December of the year before it (edition 2019 = 2018-12-31; checked: the
edition's inhabitants equal the population table of that date). Decisions,
each checked by the script (it stops when a check fails):

 1. The Bezirksregion status table (2-2) of edition 2017 is a copy of the
    2019 table (byte-identical; its inhabitants are those of 31.12.2018 and
    its population-weighted means reproduce the 2019 Bezirk table, not the
    2017 one). The 2017 status values by Bezirksregion are therefore not
    taken from it. Transferbezug (S3) and Kinderarmut (S4) for 2016-12-31
    are recomputed as value 2019 minus the published two-year change 2019
    (D3, D4); at Bezirk level this reproduces the published 2017 values
    exactly (checked, 1e-4).
 2. S1 (unemployment) changes its level between 2017 and 2019: the 2019
    value minus its two-year change D1 misses the 2017 value by 1.3
    percentage points (median over the Bezirke) while S3 and S4 match
    exactly. S1 is split into two indicators (up to 2017, from 2019).
 3. The MSS does not evaluate areas with fewer than 300 inhabitants and
    writes 0 there (Forst Grunewald); such values are written as '.'.
 4. The 2021 edition uses the reformed LOR (143 new Bezirksregionen); it is
    taken at Bezirk level only (published Bezirk tables; the Bezirke did not
    change). Bezirksregionen have no 2020-12-31 values.
 5. Population shares come from counts (Zähler/Nenner), summed over the
    Planungsräume (8-digit id; its first 6 digits are the Bezirksregion, the
    first 2 the Bezirk). The share with migration background continues the
    MSS context indicator K05 of 2012 and 2014; where both exist, the counts
    reproduce K05 (checked). Population counts are not an indicator (they
    would steer the heatmap's clustering); the Einwohner column of
    gebiete.csv holds 31.12.2018 and every share has its Nenner.
 6. Berlin gets values only where they are sums of counts; for the MSS
    rates the Berlin value is not in the data, so ampel uses the mean of
    the areas (docs/ampel.md, rule 3), as the MSS itself does.
 7. Polygons: coordinates rounded to 7 decimals, then simplified with
    Douglas-Peucker (tolerance TOLERANCE_M metres) on the arcs between the
    points where three or more boundaries meet, each shared arc once, so
    neighbours keep identical borders; written with 6 decimals.
"""

import argparse
import csv
import io
import json
import math
import os
import sys

MSS_DIR = os.path.join("berlin-mss-bezirksregionen-2013-2021", "tables")
MSS_FILE = "berlin-lor-monitoring-social-urban-development-%d-00-%s.csv"
POP_DIR = "berlin-lor-population-2015-2024"
POP_FILE = "berlin-lor-population-%s-%s-planning-areas.csv"
GEO_BZR = os.path.join("berlin-lor-geodata",
                       "berlin-lor-district-regions-until-2020.geojson")
GEO_BEZ = os.path.join("berlin-lor-geodata", "berlin-lor-districts.geojson")

EDITIONS = [(2013, "2012-12-31"), (2015, "2014-12-31"), (2017, "2016-12-31"),
            (2019, "2018-12-31"), (2021, "2020-12-31")]
PERIOD = dict(EDITIONS)
# Population tables: the second half-year file holds 31 December.
POP_DATES = [("2016-12-31", "2016-02"), ("2018-12-31", "2018-02"),
             ("2020-12-31", "2020-02")]
EW_DATE = "2018-12-31"           # population column of gebiete.csv
BZR_EDITIONS = (2013, 2015, 2017, 2019)
BZR_POP_DATES = ("2016-12-31", "2018-12-31")
BERLIN, BERLIN_NAME = "11000000", "Berlin"
L_CITY, L_BEZ, L_BZR = "Stadt", "Bezirk", "Bezirksregion"
MIN_EW = 300
TOLERANCE_M = 5.0

SRC_MSS = ("SenSBW Berlin, Monitoring Soziale Stadtentwicklung (Ausgaben "
           "2013–2021); Aufbereitung: Open Lifeworlds; CC BY 4.0")
SRC_POP = ("Amt für Statistik Berlin-Brandenburg, Einwohnerinnen und "
           "Einwohner im Land Berlin (A I 16 – hj); aufbereitet von Open Data "
           "Product (CC BY 4.0)")
SD_MSS = ("31.12. des Jahres vor der MSS-Ausgabe (Zeitraum = Stichtag, "
          "z. B. Ausgabe 2019 = 2018-12-31)")
SD_POP = "31.12. (Zeitraum = Stichtag)"

HF_ARBEIT = "Arbeit und Transferbezug"
HF_KINDER = "Kinder und Familie"
HF_MIGR = "Migration"
HF_WOHNEN = "Wohnen und Nachbarschaft"
HF_BEV = "Bevölkerung"

MSS_NOTE = (" Nicht bewertet (Wert '.') sind Gebiete mit weniger als 300 "
            "Einwohnern. Bezirksregionen bis 2018 (LOR bis 2020); 2020 nur "
            "für Bezirke, weil die Bezirksregionen 2021 neu zugeschnitten "
            "wurden.")

# MSS indicators: key, name, unit, direction, field, definition, decimals,
# column, editions. The column is taken from table 2-2/2-3 (s*) or 4-2/4-3
# (k*); editions lists where it is published.
MSS_INDICATORS = [
    ("arbeitslose_bis2017", "Arbeitslosigkeit (MSS bis 2017)", "%",
     "hoch_ist_schlecht", HF_ARBEIT,
     "MSS-Indexindikator S1 der Ausgaben 2013–2017: Arbeitslose je 100 "
     "Einwohnerinnen und Einwohner von 15 bis unter 65 Jahren. Ab der "
     "Ausgabe 2019 liegt S1 deutlich niedriger (Bruch in der Reihe, siehe "
     "arbeitslose_ab2019); die Ausgabe 2017 gibt es nur für Bezirke." +
     MSS_NOTE, 1, "s1_percentage_unemployed", (2013, 2015, 2017)),
    ("arbeitslose_ab2019", "Arbeitslosigkeit (MSS ab 2019)", "%",
     "hoch_ist_schlecht", HF_ARBEIT,
     "MSS-Indexindikator S1 ab der Ausgabe 2019: Arbeitslose je 100 "
     "Einwohnerinnen und Einwohner von 15 bis unter 65 Jahren. Nicht mit "
     "den Werten bis 2017 vergleichbar: Wert 2019 minus die veröffentlichte "
     "Veränderung (D1) trifft den Wert 2017 um rund 1,3 Prozentpunkte nicht "
     "(vermutlich geänderte Abgrenzung der Arbeitslosen)." + MSS_NOTE, 1,
     "s1_percentage_unemployed", (2019, 2021)),
    ("transferbezug", "Transferbezug", "%", "hoch_ist_schlecht", HF_ARBEIT,
     "MSS-Indexindikator S3: Empfängerinnen und Empfänger von "
     "Transferleistungen nach SGB II und SGB XII (nicht arbeitslos) je 100 "
     "Einwohnerinnen und Einwohner. Bezirksregionen 2016-12-31: berechnet "
     "als Wert der Ausgabe 2019 minus deren Zweijahresveränderung D3, weil "
     "die Tabelle 2017 der Quelle fehlerhaft ist (siehe QUELLEN.md)." +
     MSS_NOTE, 1, "s3_percentage_transfer_payments_recipients",
     (2013, 2015, 2017, 2019, 2021)),
    ("kinderarmut", "Kinderarmut", "%", "hoch_ist_schlecht", HF_KINDER,
     "MSS-Indexindikator S4: Kinder unter 15 Jahren in Bedarfsgemeinschaften "
     "nach SGB II (nicht erwerbsfähige Leistungsberechtigte) je 100 "
     "Einwohnerinnen und Einwohner unter 15 Jahren. Bezirksregionen "
     "2016-12-31: Wert der Ausgabe 2019 minus deren Zweijahresveränderung D4 "
     "(siehe QUELLEN.md). Zwischen 2012 und 2014 passt die veröffentlichte "
     "Veränderung nicht ganz zu den Werten (Abweichung im Mittel rund 1 "
     "Prozentpunkt)." + MSS_NOTE, 1,
     "s4_percentage_transfer_payments_recipients_below_15_years",
     (2013, 2015, 2017, 2019, 2021)),
    ("jugendarbeitslosigkeit", "Jugendarbeitslosigkeit", "%",
     "hoch_ist_schlecht", HF_ARBEIT,
     "MSS-Kontextindikator K01: Arbeitslose unter 25 Jahren je 100 "
     "Einwohnerinnen und Einwohner von 15 bis unter 25 Jahren." + MSS_NOTE,
     1, "k01_youth_unemployment", (2013, 2015, 2017, 2019, 2021)),
    ("alleinerziehende", "Alleinerziehende", "%", "hoch_ist_schlecht",
     HF_KINDER,
     "MSS-Kontextindikator K02: Haushalte von Alleinerziehenden je 100 "
     "Haushalte mit Kindern unter 18 Jahren. In den Ausgaben 2017 und 2019 "
     "nicht veröffentlicht." + MSS_NOTE, 1, "k02_single_parent_households",
     (2013, 2015, 2021)),
    ("altersarmut", "Altersarmut", "%", "hoch_ist_schlecht", HF_ARBEIT,
     "MSS-Kontextindikator K03: Empfängerinnen und Empfänger von "
     "Grundsicherung im Alter (SGB XII) je 100 Einwohnerinnen und Einwohner "
     "ab 65 Jahren." + MSS_NOTE, 1, "k03_old_age_poverty",
     (2013, 2015, 2017, 2019, 2021)),
    ("kinder_migration", "Kinder und Jugendliche mit Migrationshintergrund",
     "%", "neutral", HF_MIGR,
     "MSS-Kontextindikator K04: Einwohnerinnen und Einwohner unter 18 Jahren "
     "mit Migrationshintergrund je 100 Einwohnerinnen und Einwohner unter 18 "
     "Jahren. Ohne Wertung (neutral)." + MSS_NOTE, 1,
     "k04_children_with_migration_background",
     (2013, 2015, 2017, 2019, 2021)),
    ("einfache_wohnlage", "Einfache Wohnlage", "%", "hoch_ist_schlecht",
     HF_WOHNEN,
     "MSS-Kontextindikator K09: Einwohnerinnen und Einwohner in einfacher "
     "Wohnlage (nach dem Berliner Mietspiegel) je 100 Einwohnerinnen und "
     "Einwohner." + MSS_NOTE, 1, "k09_simple_residential_area",
     (2013, 2015, 2017, 2019, 2021)),
    ("wohndauer_5j", "Wohndauer über 5 Jahre", "%", "hoch_ist_gut",
     HF_WOHNEN,
     "MSS-Kontextindikator K10: Einwohnerinnen und Einwohner, die länger als "
     "fünf Jahre an ihrer Adresse gemeldet sind, je 100 Einwohnerinnen und "
     "Einwohner (Maß für die Stabilität der Nachbarschaft)." + MSS_NOTE, 1,
     "k10_duration_of_residence_over_5_years",
     (2013, 2015, 2017, 2019, 2021)),
    ("wanderungssaldo", "Wanderungssaldo", "je 100 Einwohner", "neutral",
     HF_WOHNEN,
     "MSS-Kontextindikator K12: Zuzüge minus Fortzüge im Jahr je 100 "
     "Einwohnerinnen und Einwohner. Ohne Wertung (neutral)." + MSS_NOTE, 2,
     "k12_balance_of_migration", (2013, 2015, 2017, 2019, 2021)),
    ("wanderungssaldo_u6", "Wanderungssaldo der Kinder unter 6 Jahren",
     "je 100 Kinder", "neutral", HF_KINDER,
     "MSS-Kontextindikator K13: Zuzüge minus Fortzüge von Kindern unter 6 "
     "Jahren im Jahr je 100 Kinder unter 6 Jahren. Ohne Wertung (neutral)." +
     MSS_NOTE, 2, "k13_balance_of_migration_of_children_below_6",
     (2013, 2015, 2017, 2019, 2021)),
]

# Indicators from the population tables (2016, 2018, 2020), continued by
# the MSS for 2012 and 2014 where the MSS publishes the same figure:
# key, name, unit, direction, field, definition, decimals, table,
# numerator columns, MSS column for 2013/2015 (or None).
POP_INDICATORS = [
    ("anteil_migration", "Einwohner mit Migrationshintergrund", "%",
     "neutral", HF_MIGR,
     "Einwohnerinnen und Einwohner mit Migrationshintergrund (Zähler) je 100 "
     "Einwohnerinnen und Einwohner (Nenner). 2012 und 2014: "
     "MSS-Kontextindikator K05 (ohne Zähler und Nenner; Gebiete unter 300 "
     "Einwohnern nicht bewertet); ab 2016 aus der Einwohnerstatistik, wo "
     "beide vorliegen, gleich dem MSS-Wert. Ohne Wertung (neutral).", 1,
     "t1", ("inhabitants_with_migration_background",),
     "k05_inhabitants_with_migration_background"),
    ("anteil_unter_6", "Kinder unter 6 Jahren", "%", "neutral", HF_KINDER,
     "Einwohnerinnen und Einwohner unter 6 Jahren (Zähler) je 100 "
     "Einwohnerinnen und Einwohner (Nenner). Ab 2016.", 1, "t2",
     ("inhabitants_age_below_6",), None),
    ("anteil_6_15", "Kinder von 6 bis unter 15 Jahren", "%", "neutral",
     HF_KINDER,
     "Einwohnerinnen und Einwohner von 6 bis unter 15 Jahren (Zähler) je 100 "
     "Einwohnerinnen und Einwohner (Nenner). Ab 2016.", 1, "t2",
     ("inhabitants_age_6_15",), None),
    ("anteil_65plus", "Einwohner ab 65 Jahren", "%", "neutral", HF_BEV,
     "Einwohnerinnen und Einwohner ab 65 Jahren (Zähler) je 100 "
     "Einwohnerinnen und Einwohner (Nenner). Ab 2016.", 1, "t2",
     ("inhabitants_age_above_65",), None),
]

GEBIETE_HEADER = ["Schlüssel", "Name", "Übergeordnet", "Ebene", "Einwohner"]
KENNZAHLEN_HEADER = ["Schlüssel", "Name", "Einheit", "Richtung",
                     "Handlungsfeld", "Definition", "Quelle", "Stichtag",
                     "Nachkommastellen"]
WERTE_HEADER = ["Gebiet", "Kennzahl", "Zeitraum", "Wert", "Zähler", "Nenner"]
OUT_FILES = ["gebiete.csv", "kennzahlen.csv", "werte.csv",
             "bezirke.geojson", "bezirksregionen.geojson"]
EXPECTED = {L_CITY: 1, L_BEZ: 12, L_BZR: 138}
TOL = 1e-4


def fail(msg):
    sys.stderr.write("make_example: " + msg + "\n")
    sys.exit(1)


# ---- numbers ----------------------------------------------------------------

def num(x):
    """A value with up to 5 decimals, trailing zeros dropped, decimal comma;
    ints as they are; None -> ''."""
    if x is None:
        return ""
    if isinstance(x, int):
        return str(x)
    s = "%.5f" % x
    s = s.rstrip("0").rstrip(".")
    return "0" if s == "-0" else s.replace(".", ",")


def parse_num(s):
    return None if s in ("", ".") else float(s.replace(",", "."))


# ---- reading ----------------------------------------------------------------

def read_csv(path):
    if not os.path.isfile(path):
        fail("Datei fehlt: " + path)
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def mss_table(shared, edition, table):
    """{id: row} of one MSS table; ids as in the source (2 or 6 digits)."""
    rows = read_csv(os.path.join(shared, MSS_DIR, MSS_FILE % (edition, table)))
    out = {}
    for r in rows:
        if r["id"] in out:
            fail("%d %s: doppelte id %s" % (edition, table, r["id"]))
        out[r["id"]] = r
    return out


def fval(row, col, where):
    """A numeric cell; None for the source's '-' (not available)."""
    s = row.get(col)
    if s is None:
        fail("%s: Spalte %s fehlt" % (where, col))
    s = s.strip()
    if s == "-":
        return None
    try:
        return float(s)
    except ValueError:
        fail("%s: %s=%r ist keine Zahl" % (where, col, s))


def read_mss(shared):
    """mss[(level, edition)] = {'status': {id: row}, 'context': {id: row}}.
    Bezirksregion 2021 is left out (reformed LOR)."""
    mss = {}
    for ed, _ in EDITIONS:
        mss[(L_BEZ, ed)] = {"status": mss_table(shared, ed, "2-3"),
                            "context": mss_table(shared, ed, "4-3")}
        if ed in BZR_EDITIONS:
            mss[(L_BZR, ed)] = {"status": mss_table(shared, ed, "2-2"),
                                "context": mss_table(shared, ed, "4-2")}
    return mss


def read_population(shared):
    """pop[date] = {plr_id: {column: int}} with t1 and t2 columns merged."""
    pop = {}
    for date, stem in POP_DATES:
        t1 = read_csv(os.path.join(shared, POP_DIR, POP_FILE % (stem, "t1")))
        t2 = read_csv(os.path.join(shared, POP_DIR, POP_FILE % (stem, "t2")))
        rows = {}
        for r in t1 + t2:
            cur = rows.setdefault(r["id"], {})
            for k, v in r.items():
                if k == "id" or k.endswith("_percentage"):
                    continue
                iv = int(v)
                if k in cur and cur[k] != iv:
                    fail("%s: %s %s in t1 und t2 verschieden" % (date, r["id"],
                                                                 k))
                cur[k] = iv
        for pid, r in rows.items():
            if len(pid) != 8 or not pid.isdigit():
                fail("%s: Planungsraum-id %r" % (date, pid))
            ages = sum(v for k, v in r.items() if k.startswith("inhabitants_age"))
            if ages != r["inhabitants"]:
                fail("%s: %s Altersgruppen ergeben nicht die Einwohner" %
                     (date, pid))
        pop[date] = rows
    return pop


def pop_sums(pop, date, prefix_len):
    """Sums of every count column over the Planungsräume, grouped by the
    first prefix_len digits of the id (0: all of Berlin)."""
    out = {}
    for pid, r in pop[date].items():
        key = pid[:prefix_len] if prefix_len else BERLIN
        acc = out.setdefault(key, {})
        for k, v in r.items():
            acc[k] = acc.get(k, 0) + v
    return out


# ---- checks of the source (decisions 1 and 2 of the docstring) --------------

S3 = "s3_percentage_transfer_payments_recipients"
S4 = "s4_percentage_transfer_payments_recipients_below_15_years"
S1 = "s1_percentage_unemployed"
D_OF = {S1: "d1_percentage_unemployed",
        S3: "d3_percentage_transfer_payments_recipients",
        S4: "d4_percentage_transfer_payments_recipients_below_15_years"}


def check_sources(mss, pop):
    b17 = mss[(L_BZR, 2017)]["status"]
    b19 = mss[(L_BZR, 2019)]["status"]
    c17 = mss[(L_BZR, 2017)]["context"]
    # Decision 1: the 2017 Bezirksregion status table carries the
    # inhabitants of 31.12.2018, not those of 31.12.2016.
    same = all(b17[i] == b19[i] for i in b19) and set(b17) == set(b19)
    ew16 = all(float(b17[i]["inhabitants"]) == float(c17[i]["inhabitants"])
               for i in b17)
    if not same or ew16:
        fail("Die Statustabelle 2017 der Bezirksregionen ist nicht mehr die "
             "Kopie der Tabelle 2019; Entscheidung 1 im Skript prüfen")
    # Reconstruction S(2017) = S(2019) - D(2019) reproduces the published
    # 2017 Bezirk values for S3 and S4 ...
    z17 = mss[(L_BEZ, 2017)]["status"]
    z19 = mss[(L_BEZ, 2019)]["status"]
    for col in (S3, S4):
        for i in z19:
            got = fval(z19[i], col, "2019") - fval(z19[i], D_OF[col], "2019")
            if abs(got - fval(z17[i], col, "2017")) > TOL:
                fail("Bezirk %s: %s 2019 - Veränderung != Wert 2017 (%.5f)" %
                     (i, col, got))
    # ... but not for S1 (decision 2): a level break of > 0.5 points.
    gaps = sorted(abs(fval(z19[i], S1, "2019") - fval(z19[i], D_OF[S1], "2019")
                      - fval(z17[i], S1, "2017")) for i in z19)
    if gaps[len(gaps) // 2] < 0.5:
        fail("S1 2019 passt zu 2017 (kein Bruch mehr); Entscheidung 2 prüfen")
    # The MSS inhabitants are those of the population tables (same date).
    for (lvl, ed), digits in (((L_BZR, 2017), 6), ((L_BZR, 2019), 6),
                              ((L_BEZ, 2017), 2), ((L_BEZ, 2019), 2),
                              ((L_BEZ, 2021), 2)):
        sums = pop_sums(pop, PERIOD[ed], digits)
        ctx = mss[(lvl, ed)]["context"]
        if set(sums) != set(ctx):
            fail("%s %d: Gebiete der Einwohnertabelle passen nicht" % (lvl, ed))
        for i, r in ctx.items():
            if int(float(r["inhabitants"])) != sums[i]["inhabitants"]:
                fail("%s %s %d: Einwohner MSS %s, Statistik %d" %
                     (lvl, i, ed, r["inhabitants"], sums[i]["inhabitants"]))
    sys.stderr.write("make_example: Quellen geprüft (Kopie 2017/2019, "
                     "Rückrechnung S3/S4, Bruch S1 Median %.2f Punkte, "
                     "Einwohner)\n" % gaps[len(gaps) // 2])


# ---- areas ------------------------------------------------------------------

def build_areas(mss, pop):
    """Rows of gebiete.csv: Berlin, then per Bezirk the Bezirk and its
    Bezirksregionen, in id order."""
    names_bez = {i: r["name"] for i, r in mss[(L_BEZ, 2019)]["status"].items()}
    names_bzr = {i: r["name"] for i, r in mss[(L_BZR, 2013)]["status"].items()}
    for ed in BZR_EDITIONS:
        for part in ("status", "context"):
            got = {i: r["name"] for i, r in mss[(L_BZR, ed)][part].items()}
            if got != names_bzr:
                fail("Bezirksregionen %d (%s) anders als 2013" % (ed, part))
    if sorted(names_bez) != ["%02d" % i for i in range(1, 13)]:
        fail("Bezirke: ids %s" % sorted(names_bez))
    ew_bez = pop_sums(pop, EW_DATE, 2)
    ew_bzr = pop_sums(pop, EW_DATE, 6)
    ew_all = pop_sums(pop, EW_DATE, 0)
    rows = [[BERLIN, BERLIN_NAME, "", L_CITY,
             str(ew_all[BERLIN]["inhabitants"])]]
    for b in sorted(names_bez):
        rows.append([b, names_bez[b], BERLIN, L_BEZ,
                     str(ew_bez[b]["inhabitants"])])
        for r in sorted(i for i in names_bzr if i[:2] == b):
            rows.append([r, names_bzr[r], b, L_BZR,
                         str(ew_bzr[r]["inhabitants"])])
    return rows


# ---- values -----------------------------------------------------------------

def mss_value(mss, lvl, ed, area, col):
    """(value, flag) of an MSS cell: None when the source has none, '.' when
    the area has fewer than MIN_EW inhabitants (the MSS writes 0 there)."""
    part = "status" if col[0] == "s" else "context"
    tab = mss[(lvl, ed)][part]
    row = tab[area]
    where = "%s %s %d" % (lvl, area, ed)
    if lvl == L_BZR and ed == 2017 and part == "status" and \
            col not in (S3, S4):
        return None
    if float(mss[(lvl, ed)]["context"][area]["inhabitants"]) < MIN_EW:
        return "."
    if lvl == L_BZR and ed == 2017 and part == "status":
        # Decision 1: value 2019 minus its two-year change.
        r19 = mss[(L_BZR, 2019)]["status"][area]
        return fval(r19, col, where) - fval(r19, D_OF[col], where)
    return fval(row, col, where)


def areas_of(areas, level):
    return [a[0] for a in areas if a[3] == level]


def build_values(areas, mss, pop):
    rows = []
    bez, bzr = areas_of(areas, L_BEZ), areas_of(areas, L_BZR)
    for key, _, _, _, _, _, _, col, eds in MSS_INDICATORS:
        for lvl, keys in ((L_BEZ, bez), (L_BZR, bzr)):
            for ed in eds:
                if (lvl, ed) not in mss:
                    continue
                for a in keys:
                    v = mss_value(mss, lvl, ed, a, col)
                    if v is None:
                        continue
                    rows.append((a, key, PERIOD[ed], v, None, None))
    for ind in POP_INDICATORS:
        key, numcols, mcol = ind[0], ind[8], ind[9]
        for ed in ((2013, 2015) if mcol else ()):
            for lvl, keys in ((L_BEZ, bez), (L_BZR, bzr)):
                for a in keys:
                    v = mss_value(mss, lvl, ed, a, mcol)
                    rows.append((a, key, PERIOD[ed], v, None, None))
        for date, _ in POP_DATES:
            groups = [(0, [BERLIN]), (2, bez)]
            if date in BZR_POP_DATES:
                groups.append((6, bzr))
            for digits, keys in groups:
                sums = pop_sums(pop, date, digits)
                for a in keys:
                    n = sum(sums[a][c] for c in numcols)
                    d = sums[a]["inhabitants"]
                    rows.append((a, key, date, 100.0 * n / d, n, d))
    order = {a[0]: i for i, a in enumerate(areas)}
    ind_order = {k: i for i, k in enumerate(indicator_keys())}
    rows.sort(key=lambda r: (ind_order[r[1]], r[2], order[r[0]]))
    check_overlap(rows, mss)
    return [[a, k, p, v if v == "." else num(v), num(z), num(n)]
            for a, k, p, v, z, n in rows]


def check_overlap(rows, mss):
    """Decision 5: where the MSS publishes K05 and the inhabitants for a date
    the population tables also cover, both agree."""
    got = {(r[0], r[1], r[2]): r[3] for r in rows}
    checked = 0
    for ed in (2017, 2019, 2021):
        for lvl in (L_BEZ, L_BZR):
            if (lvl, ed) not in mss:
                continue
            for a, r in mss[(lvl, ed)]["context"].items():
                if float(r["inhabitants"]) < MIN_EW:
                    continue
                k05 = float(r["k05_inhabitants_with_migration_background"])
                mine = got[(a, "anteil_migration", PERIOD[ed])]
                if abs(mine - k05) > 0.01:
                    fail("%s %s %d: Migrationsanteil %.5f, MSS K05 %.5f" %
                         (lvl, a, ed, mine, k05))
                checked += 1
    sys.stderr.write("make_example: Migrationsanteil = MSS K05 in %d Fällen\n"
                     % checked)


def indicator_keys():
    return [i[0] for i in MSS_INDICATORS] + [i[0] for i in POP_INDICATORS]


def indicator_rows():
    out = []
    for key, name, unit, pol, hf, dfn, dec, _, _ in MSS_INDICATORS:
        out.append([key, name, unit, pol, hf, dfn, SRC_MSS, SD_MSS, str(dec)])
    for ind in POP_INDICATORS:
        key, name, unit, pol, hf, dfn, dec, mcol = (ind[0], ind[1], ind[2],
                                                    ind[3], ind[4], ind[5],
                                                    ind[6], ind[9])
        src = SRC_MSS + "; " + SRC_POP if mcol else SRC_POP
        sd = SD_POP if not mcol else (
            "31.12. (Zeitraum = Stichtag; 2012 und 2014 aus den MSS-Ausgaben "
            "2013 und 2015)")
        out.append([key, name, unit, pol, hf, dfn, src, sd, str(dec)])
    return out


# ---- polygons ---------------------------------------------------------------

LAT0 = 52.5
KX = 111320.0 * math.cos(math.radians(LAT0))
KY = 110574.0


def seg_dist(p, a, b):
    """Distance in metres of lon/lat point p from segment a-b."""
    px, py = p[0] * KX, p[1] * KY
    ax, ay = a[0] * KX, a[1] * KY
    bx, by = b[0] * KX, b[1] * KY
    dx, dy = bx - ax, by - ay
    ll = dx * dx + dy * dy
    t = 0.0 if ll == 0 else max(0.0, min(1.0, ((px - ax) * dx +
                                                (py - ay) * dy) / ll))
    return math.hypot(px - ax - t * dx, py - ay - t * dy)


def douglas_peucker(pts, tol):
    """Keeps the first and last point; deterministic; iterative."""
    n = len(pts)
    if n < 3:
        return list(pts)
    keep = [False] * n
    keep[0] = keep[-1] = True
    stack = [(0, n - 1)]
    while stack:
        i, j = stack.pop()
        best, bi = -1.0, -1
        for k in range(i + 1, j):
            d = seg_dist(pts[k], pts[i], pts[j])
            if d > best:
                best, bi = d, k
        if bi > 0 and best > tol:
            keep[bi] = True
            stack.append((i, bi))
            stack.append((bi, j))
    return [p for p, k in zip(pts, keep) if k]


def farthest(pts, p0):
    """Index of the point farthest from p0; ties broken by the point itself
    so that both orientations of a ring choose the same point."""
    best = None
    for i, p in enumerate(pts):
        d = seg_dist(p, p0, p0)
        cand = (-d, p)
        if best is None or cand < best[0]:
            best = (cand, i)
    return best[1]


def canon(arc):
    rev = arc[::-1]
    return (tuple(arc), False) if tuple(arc) <= tuple(rev) else (tuple(rev),
                                                                  True)


def split_ring(ring, nodes):
    """Arcs of a closed ring (first == last), split at the node points."""
    pts = ring[:-1]
    idx = [i for i, p in enumerate(pts) if p in nodes]
    if not idx:
        s = pts.index(min(pts))
        pts = pts[s:] + pts[:s]
        idx = [0, farthest(pts, pts[0])]
    elif len(idx) == 1:
        s = idx[0]
        pts = pts[s:] + pts[:s]
        idx = [0, farthest(pts, pts[0])]
    else:
        s = idx[0]
        pts = pts[s:] + pts[:s]
        idx = [i - s for i in idx]
    arcs = []
    for a, b in zip(idx, idx[1:] + [len(pts)]):
        arcs.append(pts[a:b + 1] if b < len(pts) else pts[a:] + [pts[0]])
    return arcs


def simplify_features(feats, tol):
    """feats: [(key, name, [polygon = [ring = [(lon, lat), ...]]])].
    Returns the same structure simplified; shared arcs identically."""
    nb = {}
    for _, _, polys in feats:
        for poly in polys:
            for ring in poly:
                for a, b in zip(ring, ring[1:]):
                    nb.setdefault(a, set()).add(b)
                    nb.setdefault(b, set()).add(a)
    nodes = {p for p, s in nb.items() if len(s) != 2}
    protect = set()
    for _ in range(5):
        cache, bad, out = {}, set(), []
        for key, name, polys in feats:
            new_polys = []
            for poly in polys:
                new_poly = []
                for ring in poly:
                    arcs = split_ring(ring, nodes)
                    pts = []
                    keys = []
                    for arc in arcs:
                        c, rev = canon(arc)
                        keys.append(c)
                        if c not in cache:
                            cache[c] = list(c) if c in protect else \
                                douglas_peucker(list(c), tol)
                        s = cache[c][::-1] if rev else cache[c]
                        pts.extend(s[:-1])
                    pts.append(pts[0])
                    if len(set(pts)) < 3:
                        bad.update(keys)
                    new_poly.append(pts)
                new_polys.append(new_poly)
            out.append((key, name, new_polys))
        if not bad - protect:
            return out
        protect |= bad
    fail("Vereinfachung: Ringe zerfallen auch ohne Vereinfachung")


def ring_area(ring):
    s = 0.0
    for a, b in zip(ring, ring[1:]):
        s += a[0] * KX * b[1] * KY - b[0] * KX * a[1] * KY
    return s / 2.0


def poly_area(polys):
    return sum(abs(ring_area(p[0])) - sum(abs(ring_area(h)) for h in p[1:])
               for p in polys)


def read_features(shared, rel, names):
    path = os.path.join(shared, rel)
    if not os.path.isfile(path):
        fail("Datei fehlt: " + path)
    with open(path, encoding="utf-8") as f:
        gj = json.load(f)
    feats = []
    for ft in gj["features"]:
        key = ft["properties"]["id"]
        g = ft["geometry"]
        polys = g["coordinates"] if g["type"] == "MultiPolygon" else \
            [g["coordinates"]]
        clean = []
        for poly in polys:
            rings = []
            for ring in poly:
                r = []
                for x, y in ring:
                    p = (round(x, 7), round(y, 7))
                    if not r or r[-1] != p:
                        r.append(p)
                if r[0] != r[-1]:
                    fail("%s: Ring von %s nicht geschlossen" % (rel, key))
                rings.append(r)
            clean.append(rings)
        feats.append((key, names.get(key), clean))
    got = sorted(k for k, _, _ in feats)
    if got != sorted(names):
        fail("%s: Schlüssel passen nicht zu den Gebieten: %s" %
             (rel, sorted(set(got) ^ set(names))[:5]))
    feats.sort(key=lambda f: f[0])
    return feats


def geojson_bytes(feats):
    def rnd(ring):
        out = []
        for x, y in ring:
            p = [round(x, 6), round(y, 6)]
            if not out or out[-1] != p:
                out.append(p)
        return out
    lines = ['{"type":"FeatureCollection","features":[']
    for i, (key, name, polys) in enumerate(feats):
        ft = {"type": "Feature", "properties": {"id": key, "name": name},
              "geometry": {"type": "MultiPolygon",
                           "coordinates": [[rnd(r) for r in p]
                                           for p in polys]}}
        lines.append(json.dumps(ft, ensure_ascii=False,
                                separators=(",", ":")) +
                     ("," if i + 1 < len(feats) else ""))
    lines.append("]}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def build_geometry(shared, areas):
    out = {}
    for fname, rel, level in (("bezirksregionen.geojson", GEO_BZR, L_BZR),
                              ("bezirke.geojson", GEO_BEZ, L_BEZ)):
        names = {a[0]: a[1] for a in areas if a[3] == level}
        feats = read_features(shared, rel, names)
        simple = simplify_features(feats, TOLERANCE_M)
        before = sum(len(r) for _, _, ps in feats for p in ps for r in p)
        after = sum(len(r) for _, _, ps in simple for p in ps for r in p)
        worst = max(abs(poly_area(s[2]) / poly_area(f[2]) - 1)
                    for f, s in zip(feats, simple))
        if worst > 0.01:
            fail("%s: Fläche ändert sich um %.2f %%" % (fname, 100 * worst))
        sys.stderr.write("make_example: %s: %d Flächen, %d -> %d Punkte, "
                         "Fläche höchstens %.3f %% verändert\n" %
                         (fname, len(simple), before, after, 100 * worst))
        out[fname] = geojson_bytes(simple)
    return out


# ---- writing ----------------------------------------------------------------

def csv_bytes(header, rows):
    buf = io.StringIO(newline="")
    w = csv.writer(buf, delimiter=";", lineterminator="\r\n",
                   quoting=csv.QUOTE_MINIMAL)
    w.writerow(header)
    w.writerows(rows)
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def write_file(path, data):
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


# ---- validation (reads the written files back) ------------------------------

def load_back(path, header):
    if not os.path.isfile(path):
        fail(path + " fehlt")
    with open(path, "rb") as f:
        data = f.read()
    if not data.startswith(b"\xef\xbb\xbf"):
        fail(path + ": kein UTF-8-BOM")
    if data.count(b"\n") != data.count(b"\r\n") or not data.endswith(b"\r\n"):
        fail(path + ": Zeilenenden nicht durchgehend CRLF")
    rows = list(csv.reader(io.StringIO(data[3:].decode("utf-8"), newline=""),
                           delimiter=";"))
    if rows[0] != header:
        fail(path + ": Kopfzeile %r" % rows[0])
    if any(len(r) != len(header) for r in rows[1:]):
        fail(path + ": Zeile mit falscher Spaltenzahl")
    return rows[1:]


def validate(out):
    areas = load_back(os.path.join(out, "gebiete.csv"), GEBIETE_HEADER)
    inds = load_back(os.path.join(out, "kennzahlen.csv"), KENNZAHLEN_HEADER)
    werte = load_back(os.path.join(out, "werte.csv"), WERTE_HEADER)
    level = {a[0]: a[3] for a in areas}
    if len(level) != len(areas):
        fail("gebiete.csv: doppelte Schlüssel")
    for lv, n in EXPECTED.items():
        got = sum(1 for a in areas if a[3] == lv)
        if got != n:
            fail("gebiete.csv: %d Gebiete der Ebene %s, erwartet %d" %
                 (got, lv, n))
    parent_level = {L_BEZ: L_CITY, L_BZR: L_BEZ}
    for a in areas:
        if a[3] in parent_level and level.get(a[2]) != parent_level[a[3]]:
            fail("gebiete.csv: %s hat Übergeordnet %r" % (a[0], a[2]))
    ew = {a[0]: int(a[4]) for a in areas}
    for parent in [a[0] for a in areas if a[3] != L_BZR]:
        kids = [a[0] for a in areas if a[2] == parent]
        if sum(ew[k] for k in kids) != ew[parent]:
            fail("gebiete.csv: Einwohner von %s nicht die Summe" % parent)
    keys = [i[0] for i in inds]
    for i in inds:
        if i[3] not in ("hoch_ist_gut", "hoch_ist_schlecht", "neutral"):
            fail("kennzahlen.csv: Richtung %r" % i[3])
        if not (i[0].isascii() and all(c.islower() or c.isdigit() or c == "_"
                                       for c in i[0])):
            fail("kennzahlen.csv: Schlüssel %r" % i[0])
    if len(set(keys)) != len(keys) or len(keys) < 8:
        fail("kennzahlen.csv: %d Kennzahlen" % len(keys))
    periods = {p for _, p in EDITIONS}
    val, seen = {}, set()
    for g, k, p, w, z, n in werte:
        if g not in level or k not in keys or p not in periods:
            fail("werte.csv: unbekannt: %s;%s;%s" % (g, k, p))
        if (g, k, p) in seen:
            fail("werte.csv: doppelt: %s;%s;%s" % (g, k, p))
        seen.add((g, k, p))
        if w == "-":
            fail("werte.csv: '-' hieße null")
        val[(g, k, p)] = (parse_num(w), parse_num(z), parse_num(n))
        if z != "" and abs(100 * parse_num(z) / parse_num(n)
                           - parse_num(w)) > TOL:
            fail("werte.csv: %s %s %s: Wert != 100*Zähler/Nenner" % (g, k, p))
    # Counts and numerators add up from Bezirksregion to Bezirk to Berlin.
    for (g, k, p), (w, z, n) in val.items():
        if level[g] == L_BZR:
            continue
        kids = [a[0] for a in areas if a[2] == g]
        parts = [val.get((c, k, p)) for c in kids]
        if any(x is None for x in parts):
            continue
        if z is not None and (abs(sum(x[1] for x in parts) - z) > TOL or
                              abs(sum(x[2] for x in parts) - n) > TOL):
            fail("werte.csv: Zähler/Nenner %s %s %s nicht die Summe" %
                 (g, k, p))
    bzr_periods = {p for (g, k, p) in val if level[g] == L_BZR}
    if len(bzr_periods) < 3:
        fail("werte.csv: nur %d Zeiträume für Bezirksregionen" %
             len(bzr_periods))
    for fname, lv in (("bezirksregionen.geojson", L_BZR),
                      ("bezirke.geojson", L_BEZ)):
        with open(os.path.join(out, fname), encoding="utf-8") as f:
            gj = json.load(f)
        got = sorted(ft["properties"]["id"] for ft in gj["features"])
        if got != sorted(a[0] for a in areas if a[3] == lv):
            fail("%s: Schlüssel passen nicht zu gebiete.csv" % fname)
    sys.stderr.write(
        "make_example: geprüft: %s; %d Kennzahlen, %d Werte, Zeiträume der "
        "Bezirksregionen: %s\n" % (", ".join(
            "%d %s" % (n, lv) for lv, n in EXPECTED.items()), len(keys),
            len(werte), ", ".join(sorted(bzr_periods))))


# ---- self test and main -----------------------------------------------------

def selftest():
    bad = []
    if num(2.0 / 3) != "0,66667" or num(7.5) != "7,5" or num(12) != "12" \
            or num(-0.000001) != "0":
        bad.append("Zahlenformat")
    line = [(13.0, 52.0), (13.00001, 52.00001), (13.001, 52.0)]
    if douglas_peucker(line, 5.0) != [line[0], line[2]]:
        bad.append("Douglas-Peucker")
    # Two squares sharing an edge with a wiggle: both must keep the same
    # border, the wiggle (about 0.7 m) removed on both sides.
    w = (13.00001, 52.0005)
    a = [(13.0, 52.0), (13.0, 52.001), (12.999, 52.001), (12.999, 52.0),
         (13.0, 52.0)]
    a = a[:1] + [w] + a[1:]
    b = [(13.0, 52.0), (13.001, 52.0), (13.001, 52.001), (13.0, 52.001), w,
         (13.0, 52.0)]
    s = simplify_features([("a", "a", [[a]]), ("b", "b", [[b]])], 5.0)
    ea = {frozenset(e) for e in zip(s[0][2][0][0], s[0][2][0][0][1:])}
    eb = {frozenset(e) for e in zip(s[1][2][0][0], s[1][2][0][0][1:])}
    shared = ea & eb
    if w in {p for e in shared for p in e} or \
            frozenset([(13.0, 52.0), (13.0, 52.001)]) not in shared:
        bad.append("gemeinsame Kante")
    # A ring without nodes keeps at least a triangle.
    tri = [(13.0, 52.0), (13.00001, 52.0), (13.0, 52.00001), (13.0, 52.0)]
    s = simplify_features([("t", "t", [[tri]])], 5.0)
    if len(s[0][2][0][0]) < 4:
        bad.append("kleiner Ring")
    for b_ in bad:
        sys.stderr.write("selftest: Fehler: %s\n" % b_)
    sys.stderr.write("selftest: %d Fehler\n" % len(bad))
    return 1 if bad else 0


def generate(shared, out):
    mss = read_mss(shared)
    pop = read_population(shared)
    check_sources(mss, pop)
    areas = build_areas(mss, pop)
    values = build_values(areas, mss, pop)
    geo = build_geometry(shared, areas)
    os.makedirs(out, exist_ok=True)
    write_file(os.path.join(out, "gebiete.csv"),
               csv_bytes(GEBIETE_HEADER, areas))
    write_file(os.path.join(out, "kennzahlen.csv"),
               csv_bytes(KENNZAHLEN_HEADER, indicator_rows()))
    write_file(os.path.join(out, "werte.csv"), csv_bytes(WERTE_HEADER, values))
    for fname, data in geo.items():
        write_file(os.path.join(out, fname), data)
    validate(out)
    return 0


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", help="path to shared/data")
    ap.add_argument("--out", help="output directory")
    ap.add_argument("--validate", metavar="DIR",
                    help="only check the files in DIR")
    ap.add_argument("--selftest", action="store_true",
                    help="check the simplifier and helpers")
    a = ap.parse_args(argv)
    if a.selftest:
        return selftest()
    if a.validate:
        validate(a.validate)
        return 0
    if not a.shared or not a.out:
        ap.error("--shared und --out sind nötig")
    if not os.path.isdir(a.shared):
        fail("Verzeichnis %s fehlt" % a.shared)
    return generate(a.shared, a.out)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
