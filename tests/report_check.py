#!/usr/bin/python3
"""Checks a report (tests/run_report.sh) against independent references:
the CSV export, the area list and the indicator file.

Usage: report_check.py REPORT.pdf REPORT.html EXPORT.csv AREAS.csv
                       KENNZAHLEN.csv LEVEL ROOT_NAME
- page count: pdfinfo = <section class="page"> in the HTML; every page has
  "Seite i von n";
- the HTML is self-contained (no external resources) and has @page A4;
- every area of LEVEL has a profile ("Schlüssel KEY") whose block holds,
  for every indicator with values on the level at the latest period, the
  area's value in German format (decimals from KENNZAHLEN.csv) or its
  symbol, and the rank k/n computed here from the export.
"""
import csv
import re
import subprocess
import sys


def german(v, d):
    s = f"{v:,.{d}f}"
    return s.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def page_texts(pdf):
    info = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True,
                          check=True).stdout
    n = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    texts = []
    for i in range(1, n + 1):
        texts.append(subprocess.run(["pdftotext", "-layout", "-f", str(i),
                                     "-l", str(i),
                                     pdf, "-"], capture_output=True,
                                    text=True, check=True).stdout)
    return texts


def read_kennzahlen(path):
    with open(path, encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f, delimiter=";"))
    out = {}
    for r in rows:
        d = r.get("Nachkommastellen") or ""
        out[r["Schlüssel"]] = (int(d) if d.strip() else None, r["Richtung"])
    return out


def main():
    pdf, html, export, areas_csv, kz, level, root = sys.argv[1:8]
    errors = []
    texts = page_texts(pdf)
    n = len(texts)
    with open(html, encoding="utf-8") as f:
        h = f.read()
    n_html = h.count('<section class="page"')
    if n_html != n:
        errors.append(f"HTML has {n_html} pages, PDF {n}")
    for bad in ("<link", "<script", "<img", "url(http", "@import"):
        if bad in h:
            errors.append(f"HTML not self-contained: {bad}")
    if re.search(r"(src|href)=\"https?:", h):
        errors.append("HTML refers to an external resource")
    if "@page{size:A4" not in h:
        errors.append("HTML has no @page A4")
    for i, t in enumerate(texts, 1):
        if f"Seite {i} von {n}" not in t:
            errors.append(f"page {i}: no 'Seite {i} von {n}'")
    if f"Bildungsmonitoring {root}" not in texts[0]:
        errors.append("title page: no title")
    with open(areas_csv, encoding="utf-8") as f:
        areas = [r for r in csv.DictReader(f) if r["level"] == level]
    keys = {a["key"] for a in areas}
    with open(export, encoding="utf-8") as f:
        obs = [r for r in csv.DictReader(f) if r["area"] in keys]
    period = max(r["period"] for r in obs if r["value"])
    kzs = read_kennzahlen(kz)
    cur = [r for r in obs if r["period"] == period]
    inds = sorted({r["indicator"] for r in cur if r["value"]})
    full = "\n".join(texts)
    checked = 0
    for a in areas:
        mm = re.search("Schlüssel " + re.escape(a["key"]) + r"\s", full)
        m = mm.start() if mm else -1
        if m < 0:
            errors.append(f"no profile for {a['key']}")
            continue
        end = full.find("Schlüssel ", m + 10)
        block = full[m:end if end > 0 else len(full)]
        for ind in inds:
            d, pol = kzs[ind]
            vals = {r["area"]: r for r in cur if r["indicator"] == ind}
            r = vals.get(a["key"])
            if r is None:
                continue
            if r["value"] == "":
                want = r["flag"]
            else:
                v = float(r["value"])
                want = german(v, d if d is not None else 2)
                ok = [float(x["value"]) for x in vals.values() if x["value"]]
                if pol == "hoch_ist_schlecht":
                    better = sum(1 for x in ok if x < v)
                else:
                    better = sum(1 for x in ok if x > v)
                rank = f"{better + 1}/{len(ok)}"
                if rank not in block:
                    errors.append(f"{a['key']} {ind}: rank {rank} missing")
            if want not in block:
                errors.append(f"{a['key']} {ind}: value {want} missing")
            checked += 1
    print(f"report check: {n} pages, {len(areas)} profiles, {checked} values")
    for e in errors[:40]:
        print("FAIL", e)
    return 1 if errors or checked == 0 else 0


sys.exit(main())
