#!/usr/bin/env python3
"""Writes small Excel 97-2003 workbooks (.xls, BIFF8) for ampel's tests.

No library needed (python3-xlwt is not among the test packages): this is
a minimal writer of the two layers of an .xls file.

1. The Compound File Binary container (MS-CFB), version 3 with 512-byte
   sectors: a header, the FAT sectors, one directory sector (Root Entry +
   "Workbook") and the Workbook stream in regular sectors. The stream is
   padded with zero bytes to at least 4096 bytes (the mini-stream cutoff),
   so no mini FAT is needed; a record type 0 of size 0 ends a BIFF
   stream for readers.
2. The BIFF8 records of the Workbook stream (MS-XLS):
     globals: BOF, CODEPAGE (1200), DATEMODE, XF (three: General,
              date format 14, date-time format 22), BOUNDSHEET per sheet,
              SST (shared strings, CONTINUE records when over 8224 bytes;
              a string is never split), EOF;
     per sheet: BOF, DIMENSIONS, LABELSST / NUMBER per cell, EOF.
   No fonts, styles or window records: the files are for readers such as
   libfreexl, not for opening in Excel.

Usage:
  make_xls.py OUT.xls SHEET=FILE.csv ...   one sheet per CSV (';' and
        decimal comma, UTF-8 with or without BOM). A cell that is a plain
        number ("12", "-3,5", "0,25"; no leading zero before a digit, no
        thousands separator) becomes a NUMBER cell, as Excel stores it;
        every other non-empty cell is a shared string.
  make_xls.py --fixtures DIR   the fixed test workbooks of tests/run_xls.sh
        and tests/unit/test_xls.c (see FIXTURES below).
"""
import csv
import os
import re
import struct
import sys

SECTOR = 512
END, FREE, FATSECT, NOSTREAM = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
MAX_RECORD = 8224  # BIFF8 record data limit

# ---- BIFF8 records ------------------------------------------------------


def rec(rtype, data=b""):
    assert len(data) <= MAX_RECORD, (hex(rtype), len(data))
    return struct.pack("<HH", rtype, len(data)) + data


def xl_string(s, len_bytes):
    """XLUnicodeString: length (1 or 2 bytes), flags, characters
    (compressed Latin-1 when possible, else UTF-16LE)."""
    n = struct.pack("<B" if len_bytes == 1 else "<H", len(s))
    try:
        return n + b"\x00" + s.encode("latin-1")
    except UnicodeEncodeError:
        return n + b"\x01" + s.encode("utf-16-le")


def bof(dt):
    # vers BIFF8, dt (5 globals, 0x10 worksheet), build, year, flags
    return rec(0x0809, struct.pack("<HHHHII", 0x0600, dt, 0x0DBB, 0x07CC, 0, 6))


def sst_records(strings):
    """SST plus CONTINUE records; strings start whole in a record."""
    out, cur = [], struct.pack("<II", len(strings), len(strings))
    rtype = 0x00FC
    for s in strings:
        b = xl_string(s, 2)
        if len(b) > MAX_RECORD - 8:
            raise SystemExit("make_xls: text too long for this writer: %.40s" % s)
        if len(cur) + len(b) > MAX_RECORD:
            out.append(rec(rtype, cur))
            rtype, cur = 0x003C, b""
        cur += b
    out.append(rec(rtype, cur))
    return b"".join(out)


NUM_RE = re.compile(r"^-?(0|[1-9][0-9]*)([.,][0-9]+)?$")


def cell_value(text, decimal):
    """Number (float) when the text is a plain number, else the text."""
    t = text.strip()
    if NUM_RE.match(t) and (decimal in t or ("." not in t and "," not in t)):
        return float(t.replace(decimal, "."))
    return text


def workbook_stream(sheets, extra_globals=b"", date_mode=0, sheet_records=None,
                    no_dims=(), sst=None):
    """sheets: [(name, rows)], rows: lists of cells (str, float, None, or
    ("date", serial) / ("datetime", serial) for date-formatted numbers,
    ("raw", bytes) for a record written as given). no_dims: names of
    sheets written without DIMENSIONS; sst: records written in place of
    the shared string table."""
    strings, index = [], {}

    def sst_index(s):
        if s not in index:
            index[s] = len(strings)
            strings.append(s)
        return index[s]

    bodies = []
    for name, rows in sheets:
        recs = [bof(0x0010)]
        n_rows = len(rows)
        n_cols = max((len(r) for r in rows), default=0)
        if name not in no_dims:
            recs.append(rec(0x0200, struct.pack("<IIHHH", 0, n_rows, 0, n_cols, 0)))
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                if v is None or v == "":
                    continue
                if isinstance(v, tuple) and v[0] == "raw":
                    recs.append(v[1])
                elif isinstance(v, tuple):
                    xf = 1 if v[0] == "date" else 2
                    recs.append(rec(0x0203, struct.pack("<HHHd", r, c, xf, v[1])))
                elif isinstance(v, float) or isinstance(v, int):
                    recs.append(rec(0x0203, struct.pack("<HHHd", r, c, 0, float(v))))
                else:
                    recs.append(rec(0x00FD, struct.pack("<HHHI", r, c, 0, sst_index(v))))
        if sheet_records:
            recs.extend(sheet_records.get(name, []))
        recs.append(rec(0x000A))
        bodies.append(b"".join(recs))

    def globals_part(offsets):
        g = [bof(0x0005), extra_globals, rec(0x0042, struct.pack("<H", 1200)),
             rec(0x0022, struct.pack("<H", date_mode))]
        for fmt in (0, 14, 22):  # XF: font 0, format, then 16 zero bytes
            g.append(rec(0x00E0, struct.pack("<HH", 0, fmt) + b"\x00" * 16))
        for (name, _), off in zip(sheets, offsets):
            g.append(rec(0x0085, struct.pack("<IBB", off, 0, 0) + xl_string(name, 1)))
        g.append(sst_records(strings) if sst is None else sst)
        g.append(rec(0x000A))
        return b"".join(g)

    size = len(globals_part([0] * len(sheets)))  # offsets do not change sizes
    offsets, pos = [], size
    for b in bodies:
        offsets.append(pos)
        pos += len(b)
    return globals_part(offsets) + b"".join(bodies)


# ---- Compound File Binary container --------------------------------------


def dir_entry(name, etype, child, start, size):
    n = (name + "\x00").encode("utf-16-le") if name else b""
    return (n.ljust(64, b"\x00") + struct.pack("<HBB", len(n), etype, 1)
            + struct.pack("<III", NOSTREAM, NOSTREAM, child) + b"\x00" * 16
            + b"\x00" * 4 + b"\x00" * 16 + struct.pack("<III", start, size, 0))


def cfb_mini(stream):
    """A container whose Workbook stream (under 4096 bytes) lives in the
    mini stream: FAT, directory, mini FAT, then the mini stream sectors."""
    assert len(stream) < 4096
    n_mini = (len(stream) + 63) // 64
    ms = stream.ljust(n_mini * 64, b"\x00")
    n_ms = (len(ms) + SECTOR - 1) // SECTOR
    fat = [FATSECT, END, END] + [4 + i for i in range(n_ms - 1)] + [END]
    fat += [FREE] * (SECTOR // 4 - len(fat))
    mfat = [i + 1 for i in range(n_mini - 1)] + [END]
    mfat += [FREE] * (SECTOR // 4 - len(mfat))
    header = (b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1" + b"\x00" * 16
              + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\x00" * 6
              + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, 2, 1, END, 0)
              + struct.pack("<109I", *([0] + [FREE] * 108)))
    dirs = (dir_entry("Root Entry", 5, 1, 3, len(ms))
            + dir_entry("Workbook", 2, NOSTREAM, 0, len(stream))
            + dir_entry("", 0, NOSTREAM, 0, 0) * 2)
    return (header + struct.pack("<128I", *fat) + dirs
            + struct.pack("<128I", *mfat) + ms.ljust(n_ms * SECTOR, b"\x00"))


def cfb(stream, stream_name="Workbook"):
    stream = stream.ljust(4096, b"\x00")
    n_stream = (len(stream) + SECTOR - 1) // SECTOR
    n_fat = 1
    while n_fat * (SECTOR // 4) < n_fat + 1 + n_stream:
        n_fat += 1
    assert n_fat <= 109, "no DIFAT sectors in this writer"
    fat = [FATSECT] * n_fat + [END]  # FAT sectors, the directory sector
    first = n_fat + 1
    fat += [first + i + 1 for i in range(n_stream - 1)] + [END]
    fat += [FREE] * (n_fat * (SECTOR // 4) - len(fat))
    difat = list(range(n_fat)) + [FREE] * (109 - n_fat)
    header = (b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1" + b"\x00" * 16
              + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\x00" * 6
              + struct.pack("<IIIIIIIII", 0, n_fat, n_fat, 0, 4096, END, 0,
                            END, 0)
              + struct.pack("<109I", *difat))
    assert len(header) == SECTOR
    dirs = (dir_entry("Root Entry", 5, 1, END, 0)
            + dir_entry(stream_name, 2, NOSTREAM, first, len(stream))
            + dir_entry("", 0, NOSTREAM, 0, 0) * 2)
    body = struct.pack("<%dI" % len(fat), *fat) + dirs
    return header + body + stream.ljust(n_stream * SECTOR, b"\x00")


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


def read_csv(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return [row for row in csv.reader(f, delimiter=";")]


# ---- fixtures ------------------------------------------------------------

GEBIETE = [["Schlüssel", "Name", "Übergeordnet", "Ebene", "Einwohner"],
           ["MS", "Musterstadt", None, "Stadt", 120000.0],
           ["MS-1", "Altdorf", "MS", "Stadtteil", 61000.0],
           ["MS-2", "Neustadt-Süd", "MS", "Stadtteil", 59000.0]]
KENNZAHLEN = [["Schlüssel", "Name", "Einheit", "Richtung", "Nachkommastellen"],
              ["sgb2", "SGB-II-Quote", "%", "hoch_ist_schlecht", 1.0],
              ["kita", "Betreuungsquote U3", "%", "hoch_ist_gut", 1.0]]
WERTE = [["Gebiet", "Kennzahl", "Zeitraum", "Wert"],
         ["MS-1", "sgb2", 2023.0, 8.5],
         ["MS-2", "sgb2", 2023.0, "24,3"],
         ["MS-1", "kita", "2023/24", 41.25],
         ["MS-2", "kita", "2023/24", "."]]


def fixtures(d):
    os.makedirs(d, exist_ok=True)
    good = [("Anleitung", [["Bitte ausfüllen"]]), ("Gebiete", GEBIETE),
            ("Kennzahlen", KENNZAHLEN), ("Werte", WERTE)]
    stream = workbook_stream(good)
    write(os.path.join(d, "mappe.xls"), cfb(stream))
    # cut in the middle of the Workbook stream's sectors
    whole = cfb(stream)
    write(os.path.join(d, "truncated.xls"), whole[:1536 + 300])
    # only the container header
    write(os.path.join(d, "header_only.xls"), whole[:512])
    # the Werte sheet without a Wert column
    bad_header = [("Werte", [["Gebiet", "Kennzahl", "Zeitraum", "Betrag"],
                             ["MS-1", "sgb2", 2023.0, 1.0]])]
    write(os.path.join(d, "bad_header.xls"),
          cfb(workbook_stream([("Gebiete", GEBIETE), ("Kennzahlen", KENNZAHLEN)]
                              + bad_header)))
    # text in a number column (row 3, column D)
    text_num = [r[:] for r in WERTE]
    text_num[2][3] = "viel"
    write(os.path.join(d, "text_number.xls"),
          cfb(workbook_stream([("Gebiete", GEBIETE), ("Kennzahlen", KENNZAHLEN),
                               ("Werte", text_num)])))
    # FILEPASS right after the globals' BOF: RC4 encryption header
    filepass = rec(0x002F, struct.pack("<HHH", 1, 1, 1) + b"\x00" * 48)
    write(os.path.join(d, "password.xls"),
          cfb(workbook_stream(good, extra_globals=filepass)))
    # a container without a Workbook stream (as a password-protected .xlsx)
    write(os.path.join(d, "encrypted_package.xls"),
          cfb(b"\x00" * 64, stream_name="EncryptedPackage"))
    # a BIFF stream whose first record is no BOF
    write(os.path.join(d, "no_bof.xls"), cfb(rec(0x000A) + stream))
    # cells for the reader test: gaps, an empty row, dates, integers,
    # a float that needs 17 digits, text with a non-Latin-1 character
    cells = [["a", None, "c"],
             [],
             [None, 1.0, 0.1, 1e-300, -2.5, 1 / 3],
             [("date", 45107.0), ("datetime", 45107.75), "Straße €"]]
    write(os.path.join(d, "cells.xls"), cfb(workbook_stream([("Zellen", cells)])))
    # formula results: number, text (STRING record), boolean, error; an
    # error cell (BOOLERR); libfreexl reads none of them
    def formula(r, c, value8):
        return rec(0x0006, struct.pack("<HHH", r, c, 0) + value8
                   + struct.pack("<HIH", 0, 0, 3) + b"\x1e\x2a\x00")
    ff = [formula(1, 0, struct.pack("<d", 12.5)),
          formula(1, 1, bytes([0, 0, 0, 0, 0, 0, 0xFF, 0xFF])),
          rec(0x0207, xl_string("Summe ü", 2)),
          formula(1, 2, bytes([1, 0, 1, 0, 0, 0, 0xFF, 0xFF])),
          formula(1, 3, bytes([2, 0, 0x07, 0, 0, 0, 0xFF, 0xFF])),
          rec(0x0205, struct.pack("<HHHBB", 1, 4, 0, 0x2A, 1))]
    write(os.path.join(d, "formula.xls"),
          cfb(workbook_stream([("Werte", [["Kopf", None, None, None, None],
                                          []])],
                              sheet_records={"Werte": ff})))
    # a date cell far after 9999 (libfreexl would count its days one by one)
    write(os.path.join(d, "bigdate.xls"),
          cfb(workbook_stream([("Werte", [["Zeitraum"], [("date", 2.0e9)]])])))
    # a sheet that declares more rows than BIFF8 has
    s2 = workbook_stream([("Werte", [["a"]])])
    i = s2.find(struct.pack("<HH", 0x0200, 14))
    s2 = s2[:i + 4] + struct.pack("<IIHHH", 0, 65537, 0, 1, 0) + s2[i + 18:]
    write(os.path.join(d, "dims.xls"), cfb(s2))
    # a shared string longer than its SST record (libfreexl 1.0.6 reads
    # past its buffer: found by fuzz_xls)
    i = stream.find(struct.pack("<H", 0x00FC))
    bad_sst = stream[:i + 12] + struct.pack("<H", 0x7FFF) + stream[i + 14:]
    write(os.path.join(d, "bad_sst.xls"), cfb(bad_sst))
    # a cell outside the range the sheet declares (libfreexl would drop
    # every sheet and leak their memory)
    write(os.path.join(d, "outside.xls"),
          cfb(workbook_stream([("Werte", [["Kopf"]])], sheet_records={
              "Werte": [rec(0x0203, struct.pack("<HHHd", 0, 4, 0, 1.0))]})))
    # the small workbook in the mini stream
    write(os.path.join(d, "mini.xls"),
          cfb_mini(workbook_stream([("Werte", [["a", 1.0]])])))
    write(os.path.join(d, "cells1904.xls"),
          cfb(workbook_stream([("Zellen", [[("date", 43645.0)]])], date_mode=1)))
    # Files libfreexl 1.0.6 mishandles; the pre-scan must refuse them.
    # A directory entry whose name length (65045 bytes) exceeds its
    # 64-byte name field: libfreexl converts that many bytes from its
    # stack buffer (fuzz_xls, ASan stack-buffer-underflow in iconv).
    whole = bytearray(cfb(stream))
    struct.pack_into("<H", whole, 2 * SECTOR + 0x40, 0xFE15)  # Root Entry
    write(os.path.join(d, "dir_name.xls"), bytes(whole))
    # the Workbook stream's sector chain goes on past the stream's size
    # (into the directory sector; libfreexl reads a chain to its end)
    whole = bytearray(cfb(stream))
    n_stream = (len(stream.ljust(4096, b"\x00")) + SECTOR - 1) // SECTOR
    last = 2 + n_stream - 1  # FAT index of the stream's last sector
    struct.pack_into("<I", whole, SECTOR + 4 * last, 1)  # the directory
    write(os.path.join(d, "long_chain.xls"), bytes(whole))
    # a text cell in the workbook globals whose length exceeds its record
    # (libfreexl reads 128 KiB past its record buffer)
    label = rec(0x0204, struct.pack("<HHHHB", 0, 0, 0, 0xFFFF, 1) + b"x\x00")
    write(os.path.join(d, "label_globals.xls"),
          cfb(workbook_stream([("Werte", [["a"]])], extra_globals=label)))
    # a number format inside a sheet (libfreexl parses it there too)
    fmt = rec(0x041E, struct.pack("<HHB", 200, 0xFFFF, 1) + b"x\x00")
    write(os.path.join(d, "format_sheet.xls"),
          cfb(workbook_stream([("Werte", [["a"]])],
                              sheet_records={"Werte": [fmt]})))
    # a shared string continued over more than one CONTINUE record:
    # libfreexl copies all the rest from the first one (past its buffer)
    text = ("Ü" * 60000).encode("utf-16-le")
    first = struct.pack("<IIHB", 1, 1, 60000, 1) + text[:100]
    rest = text[100:]
    recs = [rec(0x00FC, first)]
    while rest:
        recs.append(rec(0x003C, b"\x01" + rest[:8000]))
        rest = rest[8000:]
    write(os.path.join(d, "sst_long.xls"),
          cfb(workbook_stream([("Werte", [[1.0]])], sst=b"".join(recs))))
    # a sheet without DIMENSIONS before the last one: libfreexl sizes the
    # last sheet again (its cells are lost, and the first block leaked)
    write(os.path.join(d, "no_dims.xls"),
          cfb(workbook_stream([("Gebiete", GEBIETE), ("Werte", WERTE)],
                              no_dims=("Gebiete",))))
    # the same without DIMENSIONS in the last sheet only: libfreexl reads
    # it in a second pass
    write(os.path.join(d, "no_dims_last.xls"),
          cfb(workbook_stream([("Gebiete", GEBIETE), ("Werte", WERTE)],
                              no_dims=("Werte",))))
    # DIMENSIONS twice in one sheet (libfreexl allocates twice)
    dims = rec(0x0200, struct.pack("<IIHHH", 0, 1, 0, 1, 0))
    write(os.path.join(d, "dims_twice.xls"),
          cfb(workbook_stream([("Werte", [[None]])],
                              sheet_records={"Werte": [dims]})))
    # two text cells in one place (libfreexl loses the first text)
    lab = rec(0x0204, struct.pack("<HHHHB", 0, 0, 0, 1, 0) + b"b")
    write(os.path.join(d, "twice.xls"),
          cfb(workbook_stream([("Werte", [["a"]])],
                              sheet_records={"Werte": [lab, lab]})))

    # a sheet whose DIMENSIONS declare 60000 rows and 128 columns but
    # whose cells fill four rows: the reader asks libfreexl only for the
    # rows (and columns) the scan saw cells in. Row 45000 holds only a
    # formula result, row 50000 only a BLANK cell (no value: skipped).
    blank = rec(0x0201, struct.pack("<HHH", 49999, 3, 0))
    sparse = [rec(0x0203, struct.pack("<HHHd", 29999, 1, 0, 7.0)),
              rec(0x00FD, struct.pack("<HHHI", 29999, 4, 0, 0)),
              formula(44999, 2, struct.pack("<d", 2.5)), blank,
              rec(0x0203, struct.pack("<HHHd", 59999, 127, 0, -1.0))]
    s3 = workbook_stream([("Werte", [["Kopf", None, "x"]])],
                         sheet_records={"Werte": sparse})
    i = s3.find(struct.pack("<HH", 0x0200, 14))
    s3 = s3[:i + 4] + struct.pack("<IIHHH", 0, 60000, 0, 128, 0) + s3[i + 18:]
    write(os.path.join(d, "sparse.xls"), cfb(s3))


def main(argv):
    if len(argv) == 3 and argv[1] == "--fixtures":
        fixtures(argv[2])
        return 0
    if len(argv) < 3 or "=" not in argv[2]:
        sys.stderr.write(__doc__)
        return 2
    decimal = ","
    sheets = []
    for spec in argv[2:]:
        name, path = spec.split("=", 1)
        rows = [[cell_value(c, decimal) if c != "" else None for c in r]
                for r in read_csv(path)]
        sheets.append((name, rows))
    write(argv[1], cfb(workbook_stream(sheets)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
