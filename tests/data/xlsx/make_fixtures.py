#!/usr/bin/python3
"""Writes the XLSX reader fixtures (tests/unit/test_xlsx.c) and the seed
corpus of fuzz/fuzz_xlsx.c.

Run with Debian's Python, which sees python3-openpyxl:

    /usr/bin/python3 tests/data/xlsx/make_fixtures.py

Outputs (all small, committed):
  tests/data/xlsx/kennzahlen.xlsx   openpyxl: sheets Gebiete, Kennzahlen,
                                    Werte (umlauts, numbers, booleans, a
                                    date, gaps, styled empty cells);
                                    openpyxl 3.0 writes its text as
                                    inlineStr cells
  tests/data/xlsx/inline.xlsx       by hand: inlineStr cells, no shared
                                    strings, cells and rows without r,
                                    rich text, escapes, absolute and
                                    relative relation targets, x: prefix
  tests/data/xlsx/sst.xlsx          by hand: shared strings (rich text,
                                    phonetic runs, xml:space, escapes),
                                    sheet 'Verweis' points past the table
  tests/data/xlsx/broken.xlsx       kennzahlen.xlsx cut after 300 bytes
  tests/data/xlsx/no_workbook.xlsx  a zip without xl/workbook.xml
  tests/data/xlsx/bad_xml.xlsx      sheet 'Werte' with a mismatched tag
  tests/data/xlsx/old.xls           the OLE2 magic of Excel 97-2003
  fuzz/corpus/xlsx/*.xlsx           stored (uncompressed) seeds, so that
                                    mutations reach the XML parsers

Zip entries get a fixed timestamp and openpyxl's document properties a
fixed date, so running the script again gives the same bytes.
"""
import datetime
import io
import os
import zipfile

import openpyxl
from openpyxl.styles import Font

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
FUZZ = os.path.join(ROOT, "fuzz", "corpus", "xlsx")
STAMP = (2024, 1, 1, 0, 0, 0)
NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RNS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PNS = "http://schemas.openxmlformats.org/package/2006/relationships"
DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def zip_bytes(entries, method=zipfile.ZIP_DEFLATED):
    """entries: list of (name, bytes) -> zip archive bytes."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in entries:
            info = zipfile.ZipInfo(name, STAMP)
            info.compress_type = method
            z.writestr(info, data)
    return buf.getvalue()


def rezip(data, method=zipfile.ZIP_DEFLATED, keep=None):
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        entries = [(n, z.read(n)) for n in z.namelist()
                   if keep is None or keep(n)]
    return zip_bytes(entries, method)


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def kennzahlen():
    wb = openpyxl.Workbook()
    wb.properties.created = datetime.datetime(2024, 1, 1)
    wb.properties.modified = datetime.datetime(2024, 1, 1)
    ws = wb.active
    ws.title = "Gebiete"
    ws.append(["Schlüssel", "Name", "Ebene"])
    ws.append(["09162000", "München", "Kreisfreie Stadt"])
    ws.append(["09563000", "Fürth", "Kreisfreie Stadt"])
    ws.append(["09663000", "Würzburg", None])  # trailing empty cell
    ws.append(["09184000", None, "Landkreis"])  # empty cell in the middle

    ws = wb.create_sheet("Kennzahlen")
    ws.append(["Kennzahl", "Einheit", "Richtung"])
    ws.append(["Betreuungsquote U3", "%", True])
    ws.append([" Übergangsquote Gymnasium ", "Anteil\nin %", False])

    ws = wb.create_sheet("Werte")
    ws.append(["Schlüssel", "Jahr", "Wert", "Stichtag"])
    # Excel serial day of 2023-06-30 (1900 system): 45107.
    ws.append(["09162000", 2023, 1234.5, datetime.date(2023, 6, 30)])
    ws["B3"].font = Font(bold=True)  # row 3: styled but empty -> skipped
    ws["A4"] = "09563000"
    ws["C4"] = 0.001
    ws["C5"] = -1e-10  # A5, B5 empty: gaps before the first value
    ws["E5"].font = Font(bold=True)  # styled empty cell at the end
    ws["A6"] = "09663000"
    ws["B6"] = 2022
    ws["C6"] = "x"  # a symbol of official statistics, as text
    ws["AA7"] = 7  # column 27
    buf = io.BytesIO()
    wb.save(buf)
    return rezip(buf.getvalue())


def package(sheets, sst=None):
    """sheets: list of (name, target, xml); returns zip entries."""
    ct = (DECL + '<Types xmlns="http://schemas.openxmlformats.org/package/'
          '2006/content-types"><Default Extension="xml" '
          'ContentType="application/xml"/></Types>')
    rels = (DECL + f'<Relationships xmlns="{PNS}"><Relationship Id="rId1" '
            f'Type="{RNS}/officeDocument" Target="xl/workbook.xml"/>'
            '</Relationships>')
    wb_sheets = "".join(
        f'<sheet name="{n}" sheetId="{i + 1}" r:id="rId{i + 1}"/>'
        for i, (n, _, _) in enumerate(sheets))
    wb = (DECL + f'<workbook xmlns="{NS}" xmlns:r="{RNS}"><sheets>'
          f'{wb_sheets}</sheets></workbook>')
    wb_rels = "".join(
        f'<Relationship Id="rId{i + 1}" Type="{RNS}/worksheet" '
        f'Target="{t}"/>' for i, (_, t, _) in enumerate(sheets))
    entries = [("[Content_Types].xml", ct), ("_rels/.rels", rels),
               ("xl/workbook.xml", wb)]
    if sst is not None:
        wb_rels += (f'<Relationship Id="rId99" Type="{RNS}/sharedStrings" '
                    'Target="sharedStrings.xml"/>')
        entries.append(("xl/sharedStrings.xml", sst))
    entries.append(("xl/_rels/workbook.xml.rels",
                    DECL + f'<Relationships xmlns="{PNS}">{wb_rels}'
                    '</Relationships>'))
    for i, (_, target, xml) in enumerate(sheets):
        name = target.lstrip("/")
        if not target.startswith("/"):
            name = os.path.normpath("xl/" + target)
        entries.append((name, xml))
    return [(n, d.encode("utf-8")) for n, d in entries]


def inline_sheet():
    def s(text, attrs=""):
        return f'<c t="inlineStr"{attrs}><is><t>{text}</t></is></c>'
    rows = [
        # rows and cells without r: row 1, columns A, B
        "<row>" + s("Gebiet") +
        '<c t="inlineStr"><is><r><t xml:space="preserve">Wert </t></r>'
        '<r><rPr><b/></rPr><t>  in \u20ac  </t></r>'
        '<rPh sb="0" eb="1"><t>phonetisch</t></rPh></is></c></row>',
        # row 2
        "<row>" + s("Zeile_x000D_\nUmbruch") + "<c><v>1E-3</v></c>"
        '<c t="b"><v>1</v></c><c t="e"><v>#DIV/0!</v></c></row>',
        # row 3: formula results, an unescaped underscore escape, a formula
        # without a cached value at the end
        "<row>" + s("_x005F_x000D_ bleibt") +
        '<c t="str"><f>A1&amp;"x"</f><v>Gebietx</v></c>'
        "<c><f>1+1</f><v>2</v></c>"
        '<c t="n"><v>-12.5</v></c><c><f>NOW()</f></c></row>',
        # row 10: explicit row number, first cell at C, next one without r
        '<row r="10">' + s("C", ' r="C10"') + s("D") + "</row>",
        # row 11: a number cell holding no number
        '<row><c t="n"><v>abc</v></c></row>',
    ]
    return (DECL + f'<worksheet xmlns="{NS}"><sheetData>' + "".join(rows) +
            "</sheetData></worksheet>")


def prefixed_sheet():
    return (DECL + f'<x:worksheet xmlns:x="{NS}"><x:sheetData>'
            '<x:row r="2"><x:c r="B2" t="inlineStr"><x:is><x:t>pr\u00e4fix'
            '</x:t></x:is></x:c></x:row></x:sheetData></x:worksheet>')


def sst_parts():
    strings = [
        "<si><t>Gebiet</t></si>",
        # rich text runs are joined; the phonetic run is not text
        '<si><r><t xml:space="preserve">Anteil </t></r><r><rPr><b/></rPr>'
        "<t>  in % </t></r><rPh><t>ignoriert</t></rPh></si>",
        "<si><t>Zeile_x000D_\nzwei</t></si>",
        '<si><t xml:space="preserve">  Leerzeichen  </t></si>',
        "<si><t/></si>",
        "<si><t>G\u00f6ttingen &amp; Stra\u00dfe</t></si>",
    ]
    sst = (DECL + f'<sst xmlns="{NS}" count="6" uniqueCount="6">' +
           "".join(strings) + "</sst>")
    texte = (DECL + f'<worksheet xmlns="{NS}"><sheetData>'
             '<row r="1"><c r="A1" t="s"><v>0</v></c>'
             '<c r="B1" t="s"><v>1</v></c></row>'
             '<row r="2"><c r="A2" t="s"><v>2</v></c>'
             '<c r="B2" t="s"><v>4</v></c><c r="C2" t="s"><v>3</v></c></row>'
             '<row r="3"><c r="B3" t="s"><v>4</v></c></row>'
             '<row r="4"><c r="D4" t="s"><v> 5 </v></c></row>'
             "</sheetData></worksheet>")
    verweis = (DECL + f'<worksheet xmlns="{NS}"><sheetData>'
               '<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
               '<row r="2"><c r="A2" t="s"><v>0</v></c>'
               '<c r="B2" t="s"><v>6</v></c></row>'
               "</sheetData></worksheet>")
    return package([("Texte", "worksheets/sheet1.xml", texte),
                    ("Verweis", "worksheets/sheet2.xml", verweis)], sst)


def bad_xml_sheet():
    return (DECL +
            f'<worksheet xmlns="{NS}"><sheetData>\n'
            '<row r="1"><c r="A1"><v>1</v></c></row>\n'
            '<row r="2"><c r="A2"><v>2</v></x></row>\n'
            "</sheetData></worksheet>")


def main():
    k = kennzahlen()
    write(os.path.join(HERE, "kennzahlen.xlsx"), k)
    inline = package([("Inline", "/xl/worksheets/sheet1.xml", inline_sheet()),
                      ("Präfix", "worksheets/../worksheets/sheet2.xml",
                       prefixed_sheet())])
    write(os.path.join(HERE, "inline.xlsx"), zip_bytes(inline))
    write(os.path.join(HERE, "sst.xlsx"), zip_bytes(sst_parts()))
    write(os.path.join(HERE, "broken.xlsx"), k[:300])
    write(os.path.join(HERE, "no_workbook.xlsx"),
          zip_bytes([(n, d) for n, d in inline
                     if not n.startswith("xl/workbook")]))
    bad = package([("Werte", "worksheets/sheet1.xml", bad_xml_sheet())])
    write(os.path.join(HERE, "bad_xml.xlsx"), zip_bytes(bad))
    write(os.path.join(HERE, "old.xls"),
          bytes([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) +
          bytes(504))
    essential = (lambda n: not n.startswith("docProps/")
                 and "theme" not in n)
    write(os.path.join(FUZZ, "kennzahlen.xlsx"),
          rezip(k, zipfile.ZIP_STORED, essential))
    write(os.path.join(FUZZ, "inline.xlsx"),
          zip_bytes(inline, zipfile.ZIP_STORED))
    write(os.path.join(FUZZ, "sst.xlsx"),
          zip_bytes(sst_parts(), zipfile.ZIP_STORED))
    write(os.path.join(FUZZ, "bad_xml.xlsx"),
          zip_bytes(bad, zipfile.ZIP_STORED))


if __name__ == "__main__":
    main()
