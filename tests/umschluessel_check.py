"""script.umschluessel: `ampel umschluessel` (issue 14) against the hand
computation on a small reform city, and on real Berlin data against the
published old→new key matches.

Fixture (WGS84 boxes in units of U degrees near Gelsenkirchen):
  old A = [0,2]x[0,1]   split:  new N1 = [0,1]x[0,1], N2 = [1,2]x[0,1]
  old B = [0,1]x[1,2], C = [1,2]x[1,2]   merged into N3 = [0,2]x[1,2]
  old D = [2,5]x[0,1]   split:  N4 = [2,3+d]x[0,1], N5 = [3+d,5+d]x[0,1]
  old E = [5,6]x[0,1]   kept:   N6 = [5+d,6]x[0,1]; N5 reaches d into E,
                        a sliver (share d < 0.001) that must be dropped.
Shares by area (hand): A→N1 = A→N2 = 1/2; B→N3 = C→N3 = 1;
  D→N4 = (1+d)/3, D→N5 = (2-d)/3; E→N6 = 1.
Shares by population (points, hand): A: 30 inhabitants in N1's part, 10
  in N2's → 0.75 / 0.25; B, C, D, E have no point → area weights (noted).
The projection to UTM keeps the boxes' area ratios to ~1e-6, so shares are
compared to 1e-5.

Usage: umschluessel_check.py AMPEL SOURCE_DIR WORK_DIR"""
import csv
import json
import os
import subprocess
import sys

ampel, src, work = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(work, exist_ok=True)
shared = os.path.join(src, "..", "shared", "data")
fails = []
passed = 0


def check(ok, what):
    global passed
    if ok:
        passed += 1
    else:
        fails.append(what)
        print("FEHLER:", what)


X0, Y0, U, D = 7.05, 51.50, 0.01, 0.0005


def box(key, x0, x1, y0=0.0, y1=1.0):
    ring = [[X0 + x * U, Y0 + y * U] for x, y in
            [(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]]
    return {"type": "Feature", "properties": {"key": key, "name": key},
            "geometry": {"type": "Polygon", "coordinates": [ring]}}


def write(name, feats):
    p = os.path.join(work, name)
    with open(p, "w") as f:
        json.dump({"type": "FeatureCollection", "features": feats}, f)
    return p


alt = write("alt.geojson", [box("A", 0, 2), box("B", 0, 1, 1, 2),
                            box("C", 1, 2, 1, 2), box("D", 2, 5),
                            box("E", 5, 6)])
neu = write("neu.geojson", [box("N1", 0, 1), box("N2", 1, 2),
                            box("N3", 0, 2, 1, 2), box("N4", 2, 3 + D),
                            box("N5", 3 + D, 5 + D), box("N6", 5 + D, 6)])


def run(*args):
    p = subprocess.run([ampel, "umschluessel", *args], capture_output=True,
                       text=True)
    return p.returncode, p.stdout, p.stderr


def key(text):
    rows = list(csv.reader(text.splitlines(), delimiter=";"))
    check(rows and rows[0] == ["Alt", "Neu", "Anteil"],
          "Kopfzeile Alt;Neu;Anteil: %r" % rows[:1])
    out = {}
    for a, n, s in rows[1:]:
        out[(a, n)] = float(s.replace(",", "."))
    return out


def close(got, want, what):
    check(set(got) == set(want), "%s: Paare %r statt %r"
          % (what, sorted(got), sorted(want)))
    for k, v in want.items():
        check(abs(got.get(k, -1) - v) <= 1e-5,
              "%s: %s→%s = %r, erwartet %r" % (what, k[0], k[1], got.get(k), v))
    sums = {}
    for (a, _), s in got.items():
        sums[a] = sums.get(a, 0) + s
    for a, s in sums.items():  # exactly 1 in millionths, as import wants
        check(abs(s - 1) < 1e-9, "%s: Summe von %s = %r" % (what, a, s))


# by area
rc, out, err = run("--alt", alt, "--neu", neu)
check(rc == 0, "umschluessel nach Fläche: exit %d %s" % (rc, err))
close(key(out), {("A", "N1"): .5, ("A", "N2"): .5, ("B", "N3"): 1,
                 ("C", "N3"): 1, ("D", "N4"): (1 + D) / 3,
                 ("D", "N5"): (2 - D) / 3, ("E", "N6"): 1}, "Fläche")
check("1 Splitter" in err and "2 geteilt" in err and
      "1 neue Gebiete aus mehreren alten" in err,
      "Zusammenfassung: %r" % err)

# by population
pts = os.path.join(work, "punkte.csv")
with open(pts, "w") as f:
    f.write("Länge;Breite;Einwohner\n")
    for x, y, n in [(0.5, 0.5, 20), (0.25, 0.75, 10), (1.5, 0.5, 10),
                    (9.0, 9.0, 7)]:
        f.write("%s;%s;%d\n" % (str(X0 + x * U).replace(".", ","),
                                str(Y0 + y * U).replace(".", ","), n))
rc, out, err = run("--alt", alt, "--neu", neu, "--gewicht", "einwohner",
                   "--einwohner-punkte", pts, "-o",
                   os.path.join(work, "key.csv"))
check(rc == 0, "umschluessel nach Einwohnern: exit %d %s" % (rc, err))
with open(os.path.join(work, "key.csv")) as f:
    got = key(f.read())
close(got, {("A", "N1"): .75, ("A", "N2"): .25, ("B", "N3"): 1,
            ("C", "N3"): 1, ("D", "N4"): (1 + D) / 3,
            ("D", "N5"): (2 - D) / 3, ("E", "N6"): 1}, "Einwohner")
check("'B' enthält keinen Einwohnerpunkt" in err,
      "Hinweis Flächengewicht ohne Punkte: %r" % err)
check("1 Einwohnerpunkte liegen in keiner alten Fläche" in err,
      "Hinweis Punkt außerhalb: %r" % err)

# the derived key imports as it is (with areas valid before/after)
db = os.path.join(work, "reform.db")
if os.path.exists(db):
    os.remove(db)
geb = os.path.join(work, "gebiete.csv")
with open(geb, "w") as f:
    f.write("Schlüssel;Name;Ebene;Übergeordnet;Einwohner;Gültig_ab;"
            "Gültig_bis\nS;Stadt;Stadt;;1000;;\n")
    for k in "ABCDE":
        f.write("%s;%s;Stadtteil;S;100;;2020\n" % (k, k))
    for k in ["N%d" % i for i in range(1, 7)]:
        f.write("%s;%s;Stadtteil;S;100;2021;\n" % (k, k))
p = subprocess.run([ampel, "--db", db, "import", geb,
                    os.path.join(work, "key.csv")], capture_output=True,
                   text=True)
check(p.returncode == 0, "abgeleiteter Schlüssel einlesbar: %s" % p.stderr)

# bad input: located errors, exit codes, nothing written
bad = os.path.join(work, "bad.csv")
with open(bad, "w") as f:
    f.write("Länge;Breite;Einwohner\n7,05;51,5;10\n7,06;abc;3\n")
out_bad = os.path.join(work, "nicht.csv")
rc, out, err = run("--alt", alt, "--neu", neu, "--gewicht", "einwohner",
                   "--einwohner-punkte", bad, "-o", out_bad)
check(rc == 1 and "bad.csv:3:6: Fehler: Breite in Grad" in err and
      not os.path.exists(out_bad), "fehlerhafte Punkte: %d %r" % (rc, err))
rc, out, err = run("--alt", alt)
check(rc == 2 and "--neu" in err, "ohne --neu: %d %r" % (rc, err))
rc, out, err = run("--alt", alt, "--neu", neu, "--gewicht", "einwohner")
check(rc == 2 and "--einwohner-punkte" in err,
      "einwohner ohne Punkte: %d %r" % (rc, err))
rc, out, err = run("--alt", alt, "--neu", neu, "--neu-schluessel", "id")
check(rc == 1 and "neu.geojson" in err and "--neu-schluessel" in err,
      "fehlende Schlüssel-Eigenschaft: %d %r" % (rc, err))

# real data: Berlin's Prognoseräume before and after the 2021 LOR reform,
# against the published old→new matches of the Geoportal data product
old_pgr = os.path.join(shared, "berlin-lor-geodata",
                       "berlin-lor-forecast-areas-until-2020.geojson")
new_pgr = os.path.join(shared, "berlin-mss-2021",
                       "lor_prognoseraeume_2021_wgs84.geojson")
matches = os.path.join(shared, "berlin-lor-geodata", "berlin-lor-matches.json")
if all(os.path.exists(p) for p in (old_pgr, new_pgr, matches)):
    rc, out, err = run("--alt", old_pgr, "--alt-schluessel", "id", "--neu",
                       new_pgr, "--neu-schluessel", "PGR_ID")
    check(rc == 0, "Berlin Prognoseräume: exit %d %s" % (rc, err))
    got = key(out)
    with open(matches) as f:
        m = json.load(f)
    olds = {a for a, _ in got}
    check(len(olds) == 60, "Berlin: 60 alte Prognoseräume, %d" % len(olds))
    best = {}
    for (a, n), s in got.items():
        if s > best.get(a, ("", 0))[1]:
            best[a] = (n, s)
    known = [a for a in best if a in m]
    agree = [a for a in known if best[a][0] in m[a]]
    check(len(known) >= 50 and len(agree) == len(known),
          "Berlin: größter Anteil unter den veröffentlichten Zuordnungen "
          "(%d von %d)" % (len(agree), len(known)))
    print("Berlin: %d alte Prognoseräume, %d mit veröffentlichter Zuordnung, "
          "größter Anteil stimmt bei %d" % (len(olds), len(known), len(agree)))
else:
    print("Berlin-Daten fehlen: realer Teil übersprungen")

print("umschluessel: %d passed, %d failed" % (passed, len(fails)))
sys.exit(1 if fails else 0)
