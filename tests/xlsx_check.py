#!/usr/bin/python3
"""XLSX checks with openpyxl (tests/run_xlsx_export.sh).

xlsx_check.py export BOOK.xlsx EXPORT.csv LIGHTS.csv KENNZAHLEN.csv
  The publication workbook against the CSV export, the lights CSV and the
  indicator file: sheets, data version rows, values stored as numbers with
  '#,##0.0…' formats by Nachkommastellen, '.' with a note, Ampel fills by
  status (the legend's colours), frozen header and autofilter.
xlsx_check.py template BOOK.xlsx
  The template's sheets, headers and data validation.
xlsx_check.py fill TEMPLATE.xlsx OUT.xlsx GEBIETE.csv KENNZAHLEN.csv WERTE.csv
  Fills the template from German CSV files (numbers as numbers, periods and
  keys as text), as a user would in Excel.
"""
import csv
import sys

import openpyxl

errors = []


def err(msg):
    errors.append(msg)


def num_format(d):
    return "#,##0" if d <= 0 else "#,##0." + "0" * d


def read_semicolon(path):
    with open(path, encoding="utf-8-sig") as f:
        return list(csv.DictReader(f, delimiter=";"))


def check_top(ws):
    if not str(ws["A2"].value or "").startswith("Datenstand"):
        err(f"{ws.title}: A2 is not the data version: {ws['A2'].value!r}")
    if not str(ws["A3"].value or "").startswith("Geheimhaltung"):
        err(f"{ws.title}: A3 is not the disclosure note")


def check_werte(ws, export, kz):
    head = [c.value for c in ws[5]]
    col = {h: i for i, h in enumerate(head)}
    rows = {}
    for r in ws.iter_rows(min_row=6):
        rows[(r[0].value, r[3].value, r[5].value)] = r
    if len(rows) != len(export):
        err(f"Werte: {len(rows)} rows, export {len(export)}")
    n_num = n_sym = 0
    for e in export:
        r = rows.get((e["area"], e["indicator"], e["period"]))
        if r is None:
            err(f"Werte: missing {e['area']} {e['indicator']} {e['period']}")
            continue
        c = r[col["Wert"]]
        if e["value"] != "":
            if not isinstance(c.value, (int, float)) or \
                    abs(c.value - float(e["value"])) > 1e-9 * max(1, abs(c.value)):
                err(f"Werte: {e['area']} {e['indicator']}: {c.value!r} != "
                    f"{e['value']}")
            d = kz[e["indicator"]]
            if d is not None and c.number_format != num_format(d):
                err(f"Werte: format {c.number_format} for {e['indicator']}")
            n_num += 1
        else:
            if c.value != e["flag"] or c.comment is None:
                err(f"Werte: {e['area']} {e['indicator']}: symbol "
                    f"{c.value!r}, note {c.comment}")
            n_sym += 1
    if ws.freeze_panes != "A6" or not (ws.auto_filter.ref or "").startswith("A5"):
        err("Werte: header not frozen / no autofilter")
    return n_num, n_sym


def fill_of(c):
    return c.fill.fgColor.rgb if c.fill and c.fill.fill_type == "solid" else None


def check_ampel(ws, lights, kz):
    labels = {"gut": "good", "durchschnittlich": "average",
              "kritisch": "critical", "ohne Bewertung": "none"}
    legend = {}
    for r in ws.iter_rows(min_row=6):
        if r[1].value in labels and r[0].value in ("", None):
            legend[labels[r[1].value]] = fill_of(r[0])
    if len(set(legend.values())) != 4:
        err(f"Ampel: legend colours {legend}")
    head = [c.value for c in ws[5]]
    rowmap = {r[0].value: r for r in ws.iter_rows(min_row=6) if r[0].value}
    names = {}
    for j in range(2, len(head), 2):
        names[j] = head[j]
    checked = 0
    for l in lights:
        r = rowmap.get(l["area"])
        if r is None:
            err(f"Ampel: no row for {l['area']}")
            continue
        j = [k for k, h in names.items()
             if h.startswith(kz["__name"][l["indicator"]])]
        if not j:
            err(f"Ampel: no column for {l['indicator']}")
            continue
        c = r[j[0]]
        if l["value"] == "":
            continue
        if abs(float(c.value) - float(l["value"])) > 1e-9:
            err(f"Ampel: {l['area']} {l['indicator']} value {c.value}")
        want = legend.get(l["status"])
        if l.get("certain") == "no" and want and fill_of(c):
            # "unsicher": the status colour, lightened towards white
            got_rgb = [int(fill_of(c)[k:k + 2], 16) for k in (2, 4, 6)]
            leg_rgb = [int(want[k:k + 2], 16) for k in (2, 4, 6)]
            if not all(g >= w for g, w in zip(got_rgb, leg_rgb)) or \
                    got_rgb == leg_rgb:
                err(f"Ampel: {l['area']} {l['indicator']}: uncertain cell "
                    f"not lighter than {l['status']}")
        elif fill_of(c) != want:
            err(f"Ampel: {l['area']} {l['indicator']}: fill {fill_of(c)} "
                f"!= {l['status']} {legend.get(l['status'])}")
        d = kz[l["indicator"]]
        if d is not None and c.number_format != num_format(d):
            err(f"Ampel: format {c.number_format}")
        checked += 1
    if ws.freeze_panes != "C6" or not (ws.auto_filter.ref or "").startswith("A5"):
        err("Ampel: header not frozen / no autofilter")
    return checked


def cmd_export(book, export_csv, lights_csv, kz_csv):
    wb = openpyxl.load_workbook(book)
    want = ["Werte", "Ampel", "Kennzahlen", "Methoden", "Quellen"]
    if wb.sheetnames != want:
        err(f"sheets {wb.sheetnames}")
    for ws in wb.worksheets:
        check_top(ws)
    kzrows = read_semicolon(kz_csv)
    kz = {r["Schlüssel"]: (int(r["Nachkommastellen"])
                           if r.get("Nachkommastellen", "").strip() else None)
          for r in kzrows}
    kz["__name"] = {r["Schlüssel"]: r["Name"] for r in kzrows}
    with open(export_csv, encoding="utf-8") as f:
        export = list(csv.DictReader(f))
    with open(lights_csv, encoding="utf-8") as f:
        lights = list(csv.DictReader(f))
    n_num, n_sym = check_werte(wb["Werte"], export, kz)
    n_amp = check_ampel(wb["Ampel"], lights, kz)
    ks = wb["Kennzahlen"]
    got = {r[0].value: r for r in ks.iter_rows(min_row=6)}
    pol = {"hoch_ist_gut", "hoch_ist_schlecht", "neutral"}
    for r in kzrows:
        g = got.get(r["Schlüssel"])
        if g is None or g[1].value != r["Name"] or g[6].value != r["Quelle"] \
                or g[3].value not in pol or g[3].value != r["Richtung"]:
            err(f"Kennzahlen: row {r['Schlüssel']}")
    meth = " ".join(str(c.value) for row in wb["Methoden"].iter_rows()
                    for c in row if c.value)
    if "Referenzwert" not in meth or "Zeichenerklärung" not in meth:
        err("Methoden: text missing")
    print(f"xlsx export: {n_num} numbers, {n_sym} symbols, {n_amp} Ampel "
          f"cells checked")


def cmd_template(book):
    wb = openpyxl.load_workbook(book)
    if wb.sheetnames != ["Anleitung", "Gebiete", "Kennzahlen", "Werte"]:
        err(f"template sheets {wb.sheetnames}")
    heads = {"Gebiete": ["Schlüssel", "Name", "Übergeordnet", "Ebene",
                         "Einwohner", "Kachel_Zeile", "Kachel_Spalte",
                         "Breite", "Länge"],
             "Kennzahlen": ["Schlüssel", "Name", "Einheit", "Richtung",
                            "Handlungsfeld", "Definition", "Quelle",
                            "Stichtag", "Nachkommastellen"],
             "Werte": ["Gebiet", "Kennzahl", "Zeitraum", "Wert", "Zähler",
                       "Nenner"]}
    for name, h in heads.items():
        ws = wb[name]
        got = [c.value for c in ws[1]][:len(h)]
        if got != h:
            err(f"{name}: header {got}")
        if ws.max_row != 1:
            err(f"{name}: not empty ({ws.max_row} rows)")
    dv = {str(v.sqref): v for v in wb["Kennzahlen"].data_validations.dataValidation}
    r = [v for k, v in dv.items() if k.startswith("D2")]
    if not r or r[0].type != "list" or \
            r[0].formula1 != '"hoch_ist_gut,hoch_ist_schlecht,neutral"':
        err("Kennzahlen: Richtung has no list validation")
    types = {str(v.sqref)[:2]: v.type
             for v in wb["Gebiete"].data_validations.dataValidation}
    if types.get("E2") != "decimal" or types.get("F2") != "whole":
        err(f"Gebiete: numeric validation {types}")
    txt = " ".join(str(c.value) for row in wb["Anleitung"].iter_rows()
                   for c in row if c.value)
    if "Beispielzeile Werte" not in txt or "ampel import" not in txt:
        err("Anleitung: text or example missing")
    print("xlsx template: sheets, headers, validation ok")


def number(s):
    s = s.strip()
    try:
        return float(s.replace(",", ".")) if s else None
    except ValueError:
        return s


def cmd_fill(template, out, geb, kz, werte):
    wb = openpyxl.load_workbook(template)
    numeric = {"Gebiete": {"Einwohner", "Kachel_Zeile", "Kachel_Spalte",
                           "Breite", "Länge"},
               "Kennzahlen": {"Nachkommastellen"},
               "Werte": {"Wert", "Zähler", "Nenner"}}
    for name, path in (("Gebiete", geb), ("Kennzahlen", kz), ("Werte", werte)):
        ws = wb[name]
        head = [c.value for c in ws[1]]
        for r in read_semicolon(path):
            ws.append([number(r.get(h, "") or "") if h in numeric[name]
                       else (r.get(h) or None) for h in head])
    wb.save(out)
    print(f"xlsx fill: {out}")


def main():
    cmd = sys.argv[1]
    if cmd == "export":
        cmd_export(*sys.argv[2:6])
    elif cmd == "template":
        cmd_template(sys.argv[2])
    elif cmd == "fill":
        cmd_fill(*sys.argv[2:7])
    for e in errors[:40]:
        print("FAIL", e)
    return 1 if errors else 0


sys.exit(main())
