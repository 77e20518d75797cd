#!/usr/bin/env python3
"""Derives the second bundled example, "NRW-Kreise", from public data in
../shared/data: the 53 Kreise and kreisfreie Städte of Nordrhein-Westfalen
(with Gelsenkirchen, 05513) below the 5 Regierungsbezirke and the Land, with
education and social indicators for the years 2012 to 2021 from INKAR (BBSR)
and the German Index of Socioeconomic Deprivation (RKI GISD).

This example has what the Gelsenkirchen school example lacks: ten years, so
trends (Entwicklung) can be shown, and Kreis-level indicators of formal
education (school leavers without a certificate, employees without or with
a vocational or academic degree).

Usage: make_example.py --shared ../shared/data --out examples/nrw-kreise
Writes gebiete.csv, kennzahlen.csv, werte.csv in German Excel style (';',
decimal comma, UTF-8 with BOM, CRLF), deterministic. Standard library only.
"""
import argparse
import csv
import io
import json
import os
import sys

YEARS = [str(y) for y in range(2012, 2022)]
INKAR = "INKAR – Indikatoren und Karten zur Raum- und Stadtentwicklung, BBSR Bonn (Datenstand bis 2021); via RKI GISD-Repository; dl-de/by-2-0"
GISD = ("Michalski N, Soliman O, Reis M, Tetzlaff F, Nowossadeck E, Hoebel J (2024): German Index of "
        "Socioeconomic Deprivation (GISD). Robert Koch-Institut, Berlin. DOI 10.5281/zenodo.10457716; CC BY 4.0")
REGBEZ = {"051": "Düsseldorf", "053": "Köln", "055": "Münster", "057": "Detmold", "059": "Arnsberg"}

# key, name, unit, polarity, domain, definition, source, decimals, file
INDICATORS = [
    ("schulabg_ohne_abschluss", "Schulabgänger ohne Hauptschulabschluss", "%", "hoch_ist_schlecht",
     "Formale Bildung", "Anteil der Schulabgängerinnen und -abgänger ohne Hauptschulabschluss an allen "
     "Schulabgängern (allgemeinbildende Schulen) in %.", INKAR, 1, "B_SchulabgaengerohneAbschluss"),
    ("besch_ohne_berufsabschluss", "Beschäftigte ohne Berufsabschluss", "%", "hoch_ist_schlecht",
     "Formale Bildung", "Anteil der sozialversicherungspflichtig Beschäftigten am Wohnort ohne "
     "beruflichen Abschluss in %.", INKAR, 1, "B_BeschaeftigteohneAbschluss"),
    ("besch_akademisch", "Beschäftigte mit akademischem Abschluss", "%", "hoch_ist_gut",
     "Formale Bildung", "Anteil der sozialversicherungspflichtig Beschäftigten am Wohnort mit "
     "akademischem Berufsabschluss in %.", INKAR, 1, "B_BeschaeftigtemitakadAbschluss"),
    ("arbeitslose_quote", "Arbeitslose je 100 Erwerbsfähige", "%", "hoch_ist_schlecht",
     "Soziale Lage", "Arbeitslose im Jahresdurchschnitt je 100 Einwohner von 15 bis unter 65 Jahren "
     "(Zähler: Arbeitslose, Nenner: Erwerbsfähige).", INKAR, 1, None),
    ("beschaeftigtenquote", "Beschäftigtenquote", "%", "hoch_ist_gut", "Soziale Lage",
     "Sozialversicherungspflichtig Beschäftigte am Wohnort je 100 Einwohner im erwerbsfähigen Alter.",
     INKAR, 1, "A_BeschaeftigtenquoteKreis"),
    ("haushaltseinkommen", "Haushaltseinkommen je Einwohner", "€ je Monat", "hoch_ist_gut",
     "Soziale Lage", "Verfügbares Einkommen der privaten Haushalte je Einwohner und Monat in €.",
     INKAR, 0, "E_Haushaltseinkommen"),
    ("schuldnerquote", "Schuldnerquote", "%", "hoch_ist_schlecht", "Soziale Lage",
     "Private Schuldner je 100 Einwohner ab 18 Jahren.", INKAR, 1, "E_Schuldnerquote"),
    ("gisd", "Sozioökonomische Deprivation (GISD)", "Index 0–1", "hoch_ist_schlecht", "Soziale Lage",
     "German Index of Socioeconomic Deprivation des RKI (Bildung, Beschäftigung, Einkommen), "
     "landesintern skaliert: 0 = geringste, 1 = höchste Deprivation in NRW.", GISD, 3, None),
]


def read_wide(path):
    """INKAR wide CSV → {kennziffer: (name, {year: value})} for NRW (05…)."""
    out = {}
    with open(path, encoding="utf-8", newline="") as f:
        r = csv.reader(f)
        head = next(r)
        for row in r:
            if not row[0].startswith("05"):
                continue
            vals = {y: row[i] for i, y in enumerate(head) if y in YEARS and row[i] != ""}
            out[row[0]] = (row[1], vals)
    return out


def de(x, decimals):
    s = f"{float(x):.{decimals}f}"
    return s.replace(".", ",")


def centroids(shared):
    """Mean vertex of all Gemeinden of each Kreis (from the NRW GeoJSON): only
    used to place the tiles of the tile map."""
    path = os.path.join(shared, "bkg-vg250-nrw-gemeinden", "vg250_nrw_gemeinden_wgs84.geojson")
    with open(path, encoding="utf-8") as f:
        gj = json.load(f)
    acc = {}
    for ft in gj["features"]:
        k = ft["properties"]["AGS"][:5]
        geom = ft["geometry"]
        polys = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
        sx = sy = n = 0
        for poly in polys:
            for x, y in poly[0]:
                sx += x
                sy += y
                n += 1
        a = acc.setdefault(k, [0.0, 0.0, 0])
        a[0] += sx
        a[1] += sy
        a[2] += n
    return {k: (a[0] / a[2], a[1] / a[2]) for k, a in acc.items()}


def tiles(cent, rows=9, cols=10):
    """Greedy grid placement: Kreise in order of their distance to their
    ideal cell take the nearest free cell (deterministic)."""
    xs = [c[0] for c in cent.values()]
    ys = [c[1] for c in cent.values()]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    want = {}
    for k, (x, y) in cent.items():
        want[k] = ((y1 - y) / (y1 - y0) * (rows - 1), (x - x0) / (x1 - x0) * (cols - 1))
    free = {(r, c) for r in range(rows) for c in range(cols)}
    out = {}
    for k in sorted(want, key=lambda k: (min((want[k][0] - r) ** 2 + (want[k][1] - c) ** 2
                                             for r, c in free), k)):
        best = min(sorted(free), key=lambda rc: (want[k][0] - rc[0]) ** 2 + (want[k][1] - rc[1]) ** 2)
        out[k] = best
        free.discard(best)
    return out


def write(path, header, rows):
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    w.writerow(header)
    for r in rows:
        w.writerow(r)
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        f.write(buf.getvalue())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    inkar = os.path.join(a.shared, "inkar-bbsr-via-gisd", "csv")
    tables = {ind[8]: read_wide(os.path.join(inkar, ind[8] + ".csv")) for ind in INDICATORS if ind[8]}
    alo = read_wide(os.path.join(inkar, "A_ArbeitslosigkeitKreis.csv"))
    erw = read_wide(os.path.join(inkar, "A_ErwerbsfaehigeBevoelkerungKreis.csv"))
    gisd = {}
    with open(os.path.join(a.shared, "rki-gisd", "GISD_Nordrhein-Westfalen_Kreis.csv"), encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["year"] in YEARS:
                gisd.setdefault(row["kreis_id"], {})[row["year"]] = row["gisd_score"]
    ew = {}
    with open(os.path.join(a.shared, "bkg-vg250-ew-2022-attribute", "vg250_ew_2022_kreise_gf4.csv"),
              encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["AGS"].startswith("05"):
                ew[row["AGS"]] = row["EWZ"]
    kreise = sorted(alo)
    if len(kreise) != 53:
        sys.exit(f"erwartet 53 NRW-Kreise, gefunden {len(kreise)}")
    pos = tiles(centroids(a.shared))
    areas = [["NRW", "Nordrhein-Westfalen", "", "Land", sum(int(ew[k]) for k in kreise), "", ""]]
    for rb, name in REGBEZ.items():
        areas.append(["RB" + rb, "Regierungsbezirk " + name, "NRW", "Regierungsbezirk", "", "", ""])
    for k in kreise:
        name = alo[k][0]
        r, c = pos[k]
        areas.append([k, name, "RB" + k[:3], "Kreis", ew[k], r, c])
    write(os.path.join(a.out, "gebiete.csv"),
          ["Schlüssel", "Name", "Übergeordnet", "Ebene", "Einwohner", "Kachel_Zeile", "Kachel_Spalte"], areas)
    write(os.path.join(a.out, "kennzahlen.csv"),
          ["Schlüssel", "Name", "Einheit", "Richtung", "Handlungsfeld", "Definition", "Quelle", "Stichtag",
           "Nachkommastellen"],
          [[i[0], i[1], i[2], i[3], i[4], i[5], i[6], "Jahresdurchschnitt bzw. 31.12.", i[7]] for i in INDICATORS])
    vals = []
    for k in kreise:
        for key, _, _, _, _, _, _, dec, fname in INDICATORS:
            for y in YEARS:
                if key == "arbeitslose_quote":
                    n, d = alo[k][1].get(y), erw[k][1].get(y)
                    if n and d:
                        q = 100.0 * float(n) / float(d)
                        vals.append([k, key, y, de(q, 4), str(int(float(n))), str(int(float(d)))])
                elif key == "gisd":
                    if y in gisd.get(k, {}):
                        vals.append([k, key, y, de(gisd[k][y], 5), "", ""])
                else:
                    v = tables[fname].get(k, ("", {}))[1].get(y)
                    if v is not None:
                        vals.append([k, key, y, de(v, 2), "", ""])
    write(os.path.join(a.out, "werte.csv"), ["Gebiet", "Kennzahl", "Zeitraum", "Wert", "Zähler", "Nenner"], vals)
    print(f"{len(areas)} Gebiete, {len(INDICATORS)} Kennzahlen, {len(vals)} Werte", file=sys.stderr)


if __name__ == "__main__":
    main()
