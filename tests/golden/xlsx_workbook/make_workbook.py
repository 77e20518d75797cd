"""Writes mappe.xlsx: the three input sheets as a Bildungsbüro fills them in
Excel (numbers as numbers, a year as a number, a German decimal typed as
text, symbols, an extra instructions sheet). Run with /usr/bin/python3
(Debian python3-openpyxl)."""
import datetime
import openpyxl

wb = openpyxl.Workbook()
info = wb.active
info.title = "Anleitung"
info["A1"] = "Bitte die Blätter Gebiete, Kennzahlen und Werte ausfüllen."
g = wb.create_sheet("Gebiete")
g.append(["Schlüssel", "Name", "Übergeordnet", "Ebene", "Einwohner", "Kachel_Zeile", "Kachel_Spalte"])
g.append(["MS", "Musterstadt", None, "Stadt", 120000])
g.append(["MS-1", "Altdorf", "MS", "Stadtteil", 61000, 0, 0])
g.append(["MS-2", "Neustadt-Süd", "MS", "Stadtteil", 59000, 0, 1])
k = wb.create_sheet("Kennzahlen")
k.append(["Schlüssel", "Name", "Einheit", "Richtung", "Handlungsfeld", "Definition", "Quelle", "Stichtag", "Nachkommastellen"])
k.append(["sgb2", "SGB-II-Quote", "%", "hoch_ist_schlecht", "Soziale Lage", "Leistungsberechtigte je 100 Einwohner unter 65", "BA", "31.12.", 1])
k.append(["kita", "Betreuungsquote U3", "%", "hoch_ist_gut", "Frühkindliche Bildung", "betreute Kinder je 100 unter 3", "Jugendamt", "01.03.", 1])
w = wb.create_sheet("Werte")
w.append(["Gebiet", "Kennzahl", "Zeitraum", "Wert", "Zähler", "Nenner"])
w.append(["MS-1", "sgb2", 2023, 8.5, None, None])
w.append(["MS-2", "sgb2", 2023, "24,3", None, None])
w.append(["MS-1", "kita", "2023/24", 41.25, 410, 994])
w.append(["MS-2", "kita", "2023/24", ".", None, None])
w.append(["MS", "sgb2", 2023, "-", None, None])
wb.save("mappe.xlsx")
