#!/usr/bin/python3
"""Berlin MSS 2021 validation data for ampel (tests/run_berlin_mss.sh).

make:  converts the published MSS 2021 tables in ../shared/data/berlin-mss-2021
       into ampel input files written like a German Excel export (';', decimal
       comma, areas file in Windows-1252, the other two UTF-8 with BOM), so the
       ordinary import path is exercised:
         gebiete.csv     root "Berlin" + all 542 Planungsraeume (PLR) with EW
         kennzahlen.csv  S1, S3, S4 (status) and D1, D3, D4 (dynamics), all
                         hoch_ist_schlecht
         werte.csv       wide format Gebiet;Zeitraum;S1;S3;S4;D1;D3;D4 at
                         period 31.12.2020; the source's -9999 (PLR not
                         evaluated) is written as '.' (unknown)
       Nothing is filtered: which PLR are classified is left to ampel (values
       present and population >= 300).
check: compares `ampel index --method mss` output and the z-values of
       `ampel index --method weighted` (z_<key> columns) with the published
       classes (wfs_mss_2021_indizes.csv) and the published z-values, sums and
       indices (mss_2021_index-indikatoren_z-werte_plr.csv, 2 decimals).
       Prints the counts; exit 1 on any difference.

Usage:
  make_berlin.py make  SRC_DIR OUT_DIR
  make_berlin.py check SRC_DIR MSS.csv Z.csv
"""
import csv
import io
import sys

STATUS = ["S1", "S3", "S4"]
DYNAMICS = ["D1", "D3", "D4"]
PERIOD = "31.12.2020"  # ZEIT = 202012
TOL = 0.005

INDICATORS = [
    ("S1", "Arbeitslosigkeit", "%", "Anteil Arbeitslose (SGB II und III) an "
     "den Einwohnerinnen und Einwohnern von 15 bis unter 65 Jahren"),
    ("S3", "Transferbezug", "%", "Anteil Empfängerinnen und Empfänger von "
     "Transferleistungen (SGB II und XII, nicht erwerbsfähig) an den "
     "Einwohnerinnen und Einwohnern"),
    ("S4", "Kinderarmut", "%", "Anteil Kinder und Jugendliche unter 15 "
     "Jahren in Bedarfsgemeinschaften nach SGB II an allen unter 15-Jährigen"),
    ("D1", "Veränderung Arbeitslosigkeit", "Prozentpunkte",
     "Veränderung von S1 in zwei Jahren"),
    ("D3", "Veränderung Transferbezug", "Prozentpunkte",
     "Veränderung von S3 in zwei Jahren"),
    ("D4", "Veränderung Kinderarmut", "Prozentpunkte",
     "Veränderung von S4 in zwei Jahren"),
]
SOURCE = ("Senatsverwaltung für Stadtentwicklung, Bauen und Wohnen Berlin: "
          "Monitoring Soziale Stadtentwicklung 2021")


def read_csv(path, delimiter=","):
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f, delimiter=delimiter))
    head = [h.strip() for h in rows[0]]
    return [dict(zip(head, r)) for r in rows[1:] if r]


def de(x):
    """A number as German Excel writes it: decimal comma."""
    return x.replace(".", ",")


def write(path, rows, encoding):
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    w.writerows(rows)
    with open(path, "w", encoding=encoding, newline="") as f:
        f.write(buf.getvalue())


def make(src, out):
    ind = read_csv(f"{src}/wfs_mss_2021_index_indikatoren.csv")
    zrep = {r["PLR-ID"]: r for r in
            read_csv(f"{src}/mss_2021_index-indikatoren_z-werte_plr.csv", ";")}
    areas = [["Schlüssel", "Name", "Übergeordnet", "Ebene", "Einwohner"],
             ["B", "Berlin", "", "Stadt", ""]]
    values = [["Gebiet", "Zeitraum"] + STATUS + DYNAMICS]
    for r in ind:
        key = r["PLR_ID"]
        # EW 31.12.2020; the WFS leaves it empty for one PLR, the report
        # table (same date) gives it.
        ew = r["EW"] or zrep[key]["EW 31.12.2020"]
        areas.append([key, r["PLR_NAME"], "B", "Planungsraum", ew])
        cells = []
        for k in STATUS + DYNAMICS:
            v = r[k]
            cells.append("." if v in ("", "-9999") else de(v))
        values.append([key, PERIOD] + cells)
    kz = [["Schlüssel", "Name", "Einheit", "Richtung", "Definition",
           "Quelle", "Stichtag"]]
    for k, name, unit, definition in INDICATORS:
        kz.append([k, name, unit, "hoch_ist_schlecht", definition, SOURCE,
                   "31.12.2020"])
    write(f"{out}/gebiete.csv", areas, "cp1252")
    write(f"{out}/kennzahlen.csv", kz, "utf-8-sig")
    write(f"{out}/werte.csv", values, "utf-8-sig")
    print(f"{len(areas) - 2} Planungsräume geschrieben")


DYN_SIGN = {"1": "+", "3": "+/-", "5": "-"}  # DI_N codes 1/3/5
REASON = {"ungültig (EW unter 300)": "zu wenige Einwohner",
          "ungültig (Ausreißer)": "unvollständig"}


def fnum(s):
    return float(s) if s.strip() != "" else None


def check(src, mss_path, z_path):
    pub = {r["PLR_ID"]: r for r in read_csv(f"{src}/wfs_mss_2021_indizes.csv")}
    rep = {r["PLR-ID"]: r for r in
           read_csv(f"{src}/mss_2021_index-indikatoren_z-werte_plr.csv", ";")}
    ours = {r["area"]: r for r in read_csv(mss_path)}
    zs = {r["area"]: r for r in read_csv(z_path)}
    valid = [k for k, r in pub.items() if r["KOM"] == "gültig"]
    n = {"universe": 0, "status": 0, "dynamics": 0, "group": 0, "reason": 0}
    bad = []
    for k, p in pub.items():
        o = ours.get(k)
        if o is None:
            bad.append(f"{k}: fehlt in der Ausgabe")
            continue
        in_u = o["status_class"] != ""
        if in_u != (p["KOM"] == "gültig"):
            bad.append(f"{k}: eingestuft={in_u}, veröffentlicht {p['KOM']}")
            continue
        if not in_u:
            want = REASON.get(p["KOM"])
            if o["status_label"] == want:
                n["reason"] += 1
            else:
                bad.append(f"{k}: Grund '{o['status_label']}' statt {want}")
            continue
        n["universe"] += 1
        if o["status_class"] == p["SI_N"]:
            n["status"] += 1
        else:
            bad.append(f"{k}: Statusklasse {o['status_class']} statt "
                       f"{p['SI_N']} (Index {o['status_index']})")
        if o["dynamics_class"] == DYN_SIGN[p["DI_N"]] and \
                o["dynamics_label"] == p["DI_V"]:
            n["dynamics"] += 1
        else:
            bad.append(f"{k}: Dynamik {o['dynamics_class']} statt "
                       f"{DYN_SIGN[p['DI_N']]} (Index {o['dynamics_index']})")
        n["group"] += o["group"] == p["SDI"]
    # Tolerance: the published 2 decimals (0.005) plus 1e-5, because the raw
    # shares in the WFS are rounded to 5 decimals while the official values
    # were computed from unrounded shares; a value that lies within a few
    # 1e-6 of a rounding boundary (x.xx5) can therefore be published rounded
    # the other way. `strict` counts the values within 0.005 exactly.
    tol = TOL + 1e-5
    diff = {}
    n_ok = n_strict = n_all = 0
    cols = [(zs, f"z_{k}", f"z{k}") for k in STATUS + DYNAMICS] + [
        (ours, "status_sum", "Status-summe"),
        (ours, "status_index", "Status-Index (standardisierte Statussumme)"),
        (ours, "dynamics_sum", "Dynamik-summe"),
        (ours, "dynamics_index",
         "Dynamik-Index (standardisierte Dynamik-summe)")]
    near = []
    for k in valid:
        ok = True
        for table, o, p in cols:
            x = abs(float(table[k][o]) - float(rep[k][p]))
            name = p.split(" ")[0]
            diff[name] = max(diff.get(name, 0.0), x)
            n_all += 1
            n_strict += x <= TOL
            if TOL < x <= tol:
                near.append(f"{k} {name}: {float(table[k][o]):.6f}, "
                            f"veröffentlicht {rep[k][p]}")
            ok &= x <= tol
        n_ok += ok
        if not ok:
            bad.append(f"{k}: z-Wert, Summe oder Index weicht um mehr als "
                       f"{tol} ab")
    m = len(valid)
    print(f"Universum {n['universe']}/{m} (KOM gültig), "
          f"nicht eingestuft mit passendem Grund {n['reason']}/"
          f"{len(pub) - m}")
    print(f"status {n['status']}/{m}, dynamics {n['dynamics']}/{m}, "
          f"group {n['group']}/{m}")
    print(f"z-Werte, Summen, Indizes: {n_ok}/{m} Gebiete innerhalb "
          f"{TOL} (+1e-5); {n_strict}/{n_all} Werte innerhalb {TOL}")
    print("max abs diff: " +
          ", ".join(f"{k} {v:.6f}" for k, v in diff.items()))
    for e in near:
        print("an der Rundungsgrenze:", e)
    for b in bad[:20]:
        print("ABWEICHUNG", b)
    ok = not bad and n_ok == m and n["group"] == m and n["universe"] == m
    return 0 if ok else 1


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "make":
        make(sys.argv[2], sys.argv[3])
        sys.exit(0)
    if len(sys.argv) == 5 and sys.argv[1] == "check":
        sys.exit(check(sys.argv[2], sys.argv[3], sys.argv[4]))
    print(__doc__, file=sys.stderr)
    sys.exit(2)
