#!/usr/bin/env python3
"""Stadtteilprofile-like input files from real data, made at test time
(tests/run_profiles_real.sh; nothing of the data is committed).

A city's Stadtteilprofile mix shares with counts and absolute amounts
(population, migration balance, number of schools), and their indicators
are updated in different years. These sets have both, so that the default
views can be checked on real numbers (issue 13):

  koeln OUT   Köln, 86 Stadtteile + 9 Stadtbezirke + city, 2005-2012, from
              koeln-stadtteile/bevoelkerung_2005-2012_long.csv. Keys are
              the shapefile's STT_NR (Stadtteil.shp imports with
              --key-property STT_NR). Indicators:
                counts (the city row is the sum, far outside the areas'
                range): einwohner (Personen, neutral), kinder_u6 (Anzahl,
                hoch_ist_gut), saldo (change of the population against the
                year before, Personen, hoch_ist_gut, from 2006),
                nebenwohnungen (no unit at all, hoch_ist_schlecht: the kind
                cannot come from the unit), ledige (Anzahl, neutral);
                shares in % with their own last years: anteil_u18 (to
                2012), anteil_65plus (to 2010: its newest period is not the
                newest overall), anteil_migration (to 2009, neutral),
                anteil_verheiratet (to 2011, hoch_ist_gut).
  berlin OUT  Berlin, 542 Planungsräume: MSS 2021 status indicators S1, S3,
              S4 at 31.12.2020 (berlin-mss-2021) and the population counts
              of 30.06.2022 (einwohner, kinder_u6 in Personen): the newest
              period holds counts only.

Written like a German Excel export: ';', decimal comma, UTF-8 with BOM.
Usage: make_profile.py koeln|berlin SHARED_DATA_DIR OUT_DIR
"""
import csv
import io
import os
import sys

KOELN_SRC = ("Stadt Köln – Amt für Stadtentwicklung und Statistik, "
             "Offene Daten Köln (CC BY)")
BERLIN_SRC = ("Senatsverwaltung für Stadtentwicklung, Bauen und Wohnen "
              "Berlin: Monitoring Soziale Stadtentwicklung 2021; Amt für "
              "Statistik Berlin-Brandenburg, Einwohnerbestand 30.06.2022")

AGE_U6 = ["00 - < 03", "03 - < 06"]
AGE_U18 = AGE_U6 + ["06 - < 10", "10 - < 15", "15 - < 18"]
AGE_65 = ["65 - < 75", "75 und älter"]


def de(x, nd=6):
    s = ("%.*f" % (nd, x)).rstrip("0").rstrip(".")
    return s.replace(".", ",")


def write(path, rows):
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    w.writerows(rows)
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        f.write(buf.getvalue())


KZ_HEAD = ["Schlüssel", "Name", "Einheit", "Richtung", "Handlungsfeld",
           "Definition", "Quelle", "Stichtag", "Nachkommastellen"]


def koeln(shared, out):
    data, names = {}, {}
    path = os.path.join(shared, "koeln-stadtteile",
                        "bevoelkerung_2005-2012_long.csv")
    with open(path, encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            rid = r["raum_id"].zfill(3)
            names[rid] = r["raum"]
            data[(int(r["jahr"]), rid, int(r["tab_id"]), r["zeile"])] = \
                float(r["zahl"])
    years = sorted({k[0] for k in data})

    def key(rid):
        if rid == "000":
            return "K"
        return "SB" + rid[2] if rid.startswith("00") else rid

    def get(year, rid, tab, rows):
        parts = [data.get((year, rid, tab, z)) for z in rows]
        return None if None in parts else sum(parts)

    areas = [["Schlüssel", "Name", "Übergeordnet", "Ebene", "Einwohner"]]
    for rid in sorted(names):
        if rid == "000":
            lv, parent = "Stadt", ""
        elif rid.startswith("00"):
            lv, parent = "Stadtbezirk", "K"
        else:
            lv, parent = "Stadtteil", "SB" + rid[0]
        pop = data.get((years[-1], rid, 5, "Einwohner"))
        areas.append([key(rid), names[rid], parent, lv,
                      "" if pop is None else int(pop)])

    def pop(y, rid):
        return get(y, rid, 5, ["Einwohner"])

    # key, name, unit, polarity, domain, decimals, years, f(year, rid) ->
    # (value, numerator, denominator) or None
    def count(tab, rows):
        return lambda y, r: (lambda v: None if v is None else (v, None, None))(
            get(y, r, tab, rows))

    def share(tab, rows):
        def f(y, r):
            num, den = get(y, r, tab, rows), pop(y, r)
            if num is None or not den:
                return None
            return (100.0 * num / den, num, den)
        return f

    def saldo(y, r):
        a, b = pop(y, r), pop(y - 1, r)
        return None if a is None or b is None else (a - b, None, None)

    inds = [
        ("einwohner", "Bevölkerung", "Personen", "neutral", "Demografie", 0,
         years, count(5, ["Einwohner"])),
        ("kinder_u6", "Kinder unter 6 Jahren", "Anzahl", "hoch_ist_gut",
         "Frühkindliche Bildung", 0, years, count(20, AGE_U6)),
        ("saldo", "Bevölkerungsveränderung zum Vorjahr", "Personen",
         "hoch_ist_gut", "Demografie", 0, years[1:], saldo),
        ("nebenwohnungen", "Einwohner mit Nebenwohnung", "",
         "hoch_ist_schlecht", "Wohnen", 0, years,
         count(50, ["Nebenwohnung"])),
        ("ledige", "Ledige", "Anzahl", "neutral", "Demografie", 0, years,
         count(40, ["ledig"])),
        ("anteil_u18", "Anteil Minderjährige", "%", "hoch_ist_gut",
         "Schulische Bildung", 1, years, share(20, AGE_U18)),
        ("anteil_65plus", "Anteil 65 Jahre und älter", "%",
         "hoch_ist_schlecht", "Demografie", 1,
         [y for y in years if y <= 2010], share(20, AGE_65)),
        ("anteil_migration", "Anteil mit Migrationshintergrund", "%",
         "neutral", "Demografie", 1, [y for y in years if y <= 2009],
         share(30, ["Einwohner mit Migrationshintergrund"])),
        ("anteil_verheiratet", "Anteil Verheiratete", "%", "hoch_ist_gut",
         "Familie", 1, [y for y in years if y <= 2011],
         share(40, ["verheiratet"])),
    ]
    kz = [KZ_HEAD]
    values = [["Gebiet", "Kennzahl", "Zeitraum", "Wert", "Zähler", "Nenner"]]
    for k, name, unit, pol, dom, nd, ys, f in inds:
        kz.append([k, name, unit, pol, dom,
                   "%s (Richtung nur für den Test)" % name, KOELN_SRC,
                   "31.12.", nd])
        for y in ys:
            for rid in sorted(names):
                v = f(y, rid)
                if v is None:
                    continue
                values.append([key(rid), k, y, de(v[0]),
                               "" if v[1] is None else int(v[1]),
                               "" if v[2] is None else int(v[2])])
    write(os.path.join(out, "gebiete.csv"), areas)
    write(os.path.join(out, "kennzahlen.csv"), kz)
    write(os.path.join(out, "werte.csv"), values)
    print("koeln: %d Gebiete, %d Kennzahlen, %d Werte"
          % (len(areas) - 1, len(inds), len(values) - 1))


def read_csv(path, delimiter=","):
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f, delimiter=delimiter))
    head = [h.strip() for h in rows[0]]
    return [dict(zip(head, r)) for r in rows[1:] if r]


def berlin(shared, out):
    src = os.path.join(shared, "berlin-mss-2021")
    ind = read_csv(os.path.join(src, "wfs_mss_2021_index_indikatoren.csv"))
    ew = {r["PLR-ID"]: r for r in
          read_csv(os.path.join(src, "einwohnerbestand_06-2022_plr.csv"),
                   ";")}
    areas = [["Schlüssel", "Name", "Übergeordnet", "Ebene", "Einwohner"],
             ["B", "Berlin", "", "Stadt", ""]]
    values = [["Gebiet", "Kennzahl", "Zeitraum", "Wert", "Zähler", "Nenner"]]
    tot = {"einwohner": 0, "kinder_u6": 0}
    for r in ind:
        k = r["PLR_ID"]
        areas.append([k, r["PLR_NAME"], "B", "Planungsraum", r["EW"]])
        for s in ("S1", "S3", "S4"):
            if r[s] not in ("", "-9999"):
                values.append([k, s, "2020-12-31", de(float(r[s])), "", ""])
        e = ew.get(k)
        if e:
            for ik, col in (("einwohner", "Gesamt"), ("kinder_u6", "unter6")):
                if not e[col].isdigit():  # '–': secret or none
                    continue
                values.append([k, ik, "2022-06-30", e[col], "", ""])
                tot[ik] += int(e[col])
    for ik, v in tot.items():
        values.append(["B", ik, "2022-06-30", v, "", ""])
    kz = [KZ_HEAD,
          ["S1", "Arbeitslosigkeit", "%", "hoch_ist_schlecht", "Arbeit",
           "MSS S1", BERLIN_SRC, "31.12.2020", 2],
          ["S3", "Transferbezug", "%", "hoch_ist_schlecht", "Arbeit",
           "MSS S3", BERLIN_SRC, "31.12.2020", 2],
          ["S4", "Kinderarmut", "%", "hoch_ist_schlecht", "Kinder",
           "MSS S4", BERLIN_SRC, "31.12.2020", 2],
          ["einwohner", "Einwohner", "Personen", "neutral", "Demografie",
           "Einwohnerbestand", BERLIN_SRC, "30.06.2022", 0],
          ["kinder_u6", "Kinder unter 6", "Personen", "hoch_ist_gut",
           "Kinder", "Einwohner unter 6 (Richtung nur für den Test)",
           BERLIN_SRC, "30.06.2022", 0]]
    write(os.path.join(out, "gebiete.csv"), areas)
    write(os.path.join(out, "kennzahlen.csv"), kz)
    write(os.path.join(out, "werte.csv"), values)
    print("berlin: %d Gebiete, %d Werte" % (len(areas) - 1, len(values) - 1))


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ("koeln", "berlin"):
        sys.exit(__doc__)
    os.makedirs(sys.argv[3], exist_ok=True)
    (koeln if sys.argv[1] == "koeln" else berlin)(sys.argv[2], sys.argv[3])


if __name__ == "__main__":
    main()
