#!/usr/bin/python3
"""Checks ampel's CSV reader against Python's csv module on real data.

    shared_csv_check.py DATA_DIR REPORT

REPORT is written by tests/unit/test_shared_csv.c (AMPEL_SHARED_CSV_OUT):
one line per file with path, encoding, separator, records, cells and an
FNV-1a 64 checksum over every cell text (cell + 0x1F, record + 0x1E).
This script reads every *.csv under DATA_DIR independently and compares.

Detection follows docs/formats.md ("CSV-Dateien: was erkannt wird"):
  encoding   a UTF-8 BOM or valid UTF-8 -> UTF-8, else Windows-1252 (the
             five bytes Windows-1252 leaves undefined map to U+0080+b-0x80
             C1 controls, as in the WHATWG table the docs follow);
  separator  ';', tab or ',': over the first 20 non-blank records (split
             at line breaks outside double quotes, a '"' toggles quoting),
             each candidate's most frequent non-zero count per record
             scores the number of records having it; the highest score
             wins, ties go to ';', then tab, then ','; none found -> ';';
  records    RFC 4180 via the csv module; blank lines (empty or only
             spaces and tabs) are skipped.
Exit status 0 when every file agrees and none is missing, else 1.
"""
import codecs
import csv
import io
import os
import sys

FNV_OFFSET = 1469598103934665603
FNV_PRIME = 1099511628211
MASK = (1 << 64) - 1


def c1_controls(err):
    """Decode bytes Windows-1252 leaves undefined as C1 controls."""
    bad = err.object[err.start:err.end]
    return "".join(chr(b) for b in bad), err.end


codecs.register_error("ampel_c1", c1_controls)


def decode(raw):
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8"), "utf-8"
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="ampel_c1"), "cp1252"


def sample_records(text, limit=20):
    """Candidate counts outside quotes for the first non-blank records."""
    out, i, n = [], 0, len(text)
    while i < n and len(out) < limit:
        counts = {";": 0, "\t": 0, ",": 0}
        inq, blank = False, True
        while i < n:
            ch = text[i]
            if ch == '"':
                inq = not inq
            elif not inq and ch in "\r\n":
                break
            if not inq and ch in counts:
                counts[ch] += 1
            blank = blank and ch in " \t"
            i += 1
        if i < n:  # one line break: CRLF, LF or CR
            i += 2 if text.startswith("\r\n", i) else 1
        if blank and counts["\t"] == 0:
            continue
        out.append(counts)
    return out


def detect_sep(text):
    recs = sample_records(text)
    best, best_score = ";", 0
    for cand in (";", "\t", ","):
        score = 0
        for r in recs:
            if r[cand] == 0:
                continue
            score = max(score, sum(1 for q in recs if q[cand] == r[cand]))
        if score > best_score:
            best, best_score = cand, score
    return best


def fnv(h, data):
    for b in data:
        h = ((h ^ b) * FNV_PRIME) & MASK
    return h


def summarise(path):
    with open(path, "rb") as f:
        raw = f.read()
    text, enc = decode(raw)
    sep = detect_sep(text)
    records = cells = 0
    h = FNV_OFFSET
    rd = csv.reader(io.StringIO(text, newline=""), delimiter=sep,
                    quotechar='"', doublequote=True, skipinitialspace=False,
                    strict=False)
    for row in rd:
        # a blank line: empty (no cells) or only spaces and tabs; a quoted
        # empty cell ("") is a record
        if not row or (len(row) == 1 and row[0] != ""
                       and row[0].strip(" \t") == ""):
            continue
        records += 1
        cells += len(row)
        for cell in row:
            h = fnv(h, cell.encode("utf-8"))
            h = fnv(h, b"\x1f")
        h = fnv(h, b"\x1e")
    name = {";": "semicolon", ",": "comma", "\t": "tab"}[sep]
    return enc, name, records, cells, "%016x" % h


def main():
    data_dir, report = sys.argv[1], sys.argv[2]
    want = {}
    with open(report, encoding="utf-8") as f:
        for line in f:
            rel, enc, sep, recs, cells, chk = line.rstrip("\n").split("\t")
            want[rel] = (enc, sep, int(recs), int(cells), chk)
    files = []
    for dirpath, dirnames, filenames in os.walk(data_dir):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for fn in filenames:
            if fn.endswith(".csv") and not fn.startswith("."):
                files.append(os.path.relpath(os.path.join(dirpath, fn),
                                             data_dir))
    files.sort()
    csv.field_size_limit(1 << 30)
    bad = 0
    total_records = total_cells = 0
    for rel in files:
        got = summarise(os.path.join(data_dir, rel))
        total_records += got[2]
        total_cells += got[3]
        if rel not in want:
            print(f"FAIL {rel}: not read by ampel")
            bad += 1
        elif want[rel] != got:
            print(f"FAIL {rel}: ampel {want[rel]} python {got}")
            bad += 1
    for rel in sorted(set(want) - set(files)):
        print(f"FAIL {rel}: only in ampel's report")
        bad += 1
    print(f"shared_csv: {len(files)} files, {total_records} records, "
          f"{total_cells} cells; {len(files) - bad} agree, {bad} differ")
    return 1 if bad or not files else 0


if __name__ == "__main__":
    sys.exit(main())
