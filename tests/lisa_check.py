#!/usr/bin/env python3
"""LISA against an independent NumPy computation (METHODS.md §12,
tests/run_lisa.sh).

The fixture "Gitterstadt" (tests/fixtures/lisa/) is imported; the reference
then works only from the input files and `ampel export` / `ampel list
areas`:
  - neighbours: queen contiguity from the GeoJSON itself (polygons sharing
    a vertex, coordinates rounded to 1e-9 degrees), checked against the
    grid (|row - row'| <= 1 and |col - col'| <= 1 for G-R<row>C<col>);
  - the areas that count: a value, at least 300 inhabitants, a shape, and
    at least one such neighbour (islands out);
  - z = y - mean, W row-standardised (dense), lag = W z, I = z'Wz / z'z,
    E[I] = -1/(n-1), I_i = (n-1) z_i lag_i / z'z, quadrants as esda,
    z_norm from S0, S1, S2 as esda's Moran.
I, E[I], z, lag, I_i and the quadrants must agree to 1e-12 (relative to
the size of the number). The p-values come from permutations and cannot
equal NumPy's digit for digit (another generator): they are checked
against a NumPy permutation estimate with 9999 draws (global and
conditional local) within 4 standard errors, and for reproducibility
(same seed, same bytes). Then: JSON = CSV, /api/v1/lisa = the CLI's JSON,
the page /wechselwirkungen shows the same clusters, the report has the
section, the pictures are well-formed.

Usage: lisa_check.py AMPEL SRC WORKDIR; prints 'lisa: N passed, M failed'.
"""
import csv
import html
import http.client
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import xml.etree.ElementTree as ET

import numpy as np

AMPEL, SRC, WORK = sys.argv[1], sys.argv[2], sys.argv[3]
FIX = os.path.join(SRC, "tests", "fixtures", "lisa")
DB = os.path.join(WORK, "lisa.db")
LEVEL = "Stadtteil"
MIN_POP = 300
passed = failed = 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print("FEHLER:", what)


def run(*args, ok=True):
    r = subprocess.run([AMPEL, "--db", DB, *args], capture_output=True)
    if ok and r.returncode != 0:
        raise SystemExit("ampel %s: %s" % (" ".join(args), r.stderr.decode()))
    return r


def close(a, b, tol=1e-12):
    return abs(a - b) <= tol * max(1.0, abs(a), abs(b))


def read_csv(path):
    with open(path, encoding="utf-8") as f:
        return list(csv.DictReader(f))


# ---- the reference ---------------------------------------------------------

def queen_from_geojson():
    with open(os.path.join(FIX, "gitter.geojson"), encoding="utf-8") as f:
        fc = json.load(f)
    verts = {}
    for ft in fc["features"]:
        key = str(ft["properties"]["key"])
        pts = set()
        for ring in ft["geometry"]["coordinates"]:
            for x, y in ring:
                pts.add((round(x, 9), round(y, 9)))
        verts[key] = pts
    nb = {k: set() for k in verts}
    keys = sorted(verts)
    for i, a in enumerate(keys):
        for b in keys[i + 1:]:
            if verts[a] & verts[b]:
                nb[a].add(b)
                nb[b].add(a)
    return nb


def grid_neighbours(keys):
    pos = {}
    for k in keys:
        m = re.fullmatch(r"G-R(\d+)C(\d+)", k)
        if m:
            pos[k] = (int(m.group(1)), int(m.group(2)))
    return {a: {b for b in pos if b != a and
                abs(pos[a][0] - pos[b][0]) <= 1 and
                abs(pos[a][1] - pos[b][1]) <= 1} for a in pos}


def reference(values, areas, shapes_nb, level_keys):
    """values: key -> float; returns dict with the statistics."""
    cand = [k for k in level_keys if k in values and k in shapes_nb and
            (areas[k] is None or areas[k] >= MIN_POP)]
    cs = set(cand)
    islands = [k for k in cand if not (shapes_nb[k] & cs)]
    use = [k for k in cand if k not in islands]
    n = len(use)
    idx = {k: i for i, k in enumerate(use)}
    W = np.zeros((n, n))
    for k in use:
        for j in shapes_nb[k]:
            if j in idx:
                W[idx[k], idx[j]] = 1.0
    W = W / W.sum(axis=1, keepdims=True)
    y = np.array([values[k] for k in use])
    z = y - y.mean()
    lag = W @ z
    ss = z @ z
    I = z @ lag / ss
    local = (n - 1) * z * lag / ss
    quad = np.where(z > 0, np.where(lag > 0, "HH", "HL"),
                    np.where(lag > 0, "LH", "LL"))
    s0 = W.sum()
    s1 = 0.5 * ((W + W.T) ** 2).sum()
    s2 = ((W.sum(axis=1) + W.sum(axis=0)) ** 2).sum()
    ei = -1.0 / (n - 1)
    vi = (n * n * s1 - n * s2 + 3 * s0 * s0) / ((n - 1) * (n + 1) * s0 * s0)
    z_norm = (I - ei) / np.sqrt(vi - ei * ei)
    return {"use": use, "islands": islands, "W": W, "z": z, "lag": lag,
            "I": I, "EI": ei, "local": local, "quad": quad,
            "z_norm": z_norm, "ss": ss, "n": n}


def directed_p(sim, obs):
    larger = int((sim >= obs).sum())
    perms = len(sim)
    if perms - larger < larger:
        larger = perms - larger
    return (larger + 1.0) / (perms + 1.0)


def numpy_global_p(ref, perms=9999, seed=20240601):
    rng = np.random.default_rng(seed)
    z, W, ss = ref["z"], ref["W"], ref["ss"]
    sim = np.array([(zp @ (W @ zp)) / ss
                    for zp in (rng.permutation(z) for _ in range(perms))])
    return directed_p(sim, ref["I"])


def numpy_local_p(ref, perms=9999, seed=7):
    """Conditional permutation: z_i fixed, k_i values drawn without
    replacement from the other n - 1."""
    rng = np.random.default_rng(seed)
    z, W, n = ref["z"], ref["W"], ref["n"]
    out = []
    for i in range(n):
        k = int((W[i] > 0).sum())
        others = np.delete(z, i)
        keys = rng.random((perms, n - 1))
        draw = np.argsort(keys, axis=1)[:, :k]
        lag = others[draw].mean(axis=1)
        sim = (n - 1) * z[i] * lag / ref["ss"]
        out.append(directed_p(sim, ref["local"][i]))
    return np.array(out)


# ---- checks ------------------------------------------------------------------

def check_local(ind, ref, rows, level_keys, values, perms):
    got = {r["area"]: r for r in rows}
    check([r["area"] for r in rows] == level_keys,
          "%s: eine Zeile je Gebiet der Ebene, in der Reihenfolge der "
          "Gebiete" % ind)
    for t, k in enumerate(ref["use"]):
        r = got.get(k)
        if r is None:
            check(False, "%s: Zeile %s fehlt" % (ind, k))
            continue
        ok = (close(float(r["value"]), values[k]) and
              close(float(r["z"]), ref["z"][t]) and
              close(float(r["lag"]), ref["lag"][t]) and
              close(float(r["local_i"]), ref["local"][t]) and
              r["quadrant"] == ref["quad"][t])
        check(ok, "%s %s: %r gegen z=%r lag=%r I=%r q=%s" %
              (ind, k, r, ref["z"][t], ref["lag"][t], ref["local"][t],
               ref["quad"][t]))
        p = float(r["p"])
        check(1.0 / (perms + 1) <= p <= 0.5 + 1.0 / (perms + 1),
              "%s %s: p %r außerhalb" % (ind, k, p))
        check(r["significant"] == ("yes" if p <= 0.05 else "no"),
              "%s %s: significant" % (ind, k))
    for k in level_keys:
        if k in ref["use"]:
            continue
        r = got[k]
        check(r["z"] == r["lag"] == r["local_i"] == r["p"] == "" and
              r["quadrant"] == "" and r["significant"] == "",
              "%s %s: nicht berechnet, aber Zahlen %r" % (ind, k, r))


def check_p(ind, ref, rows9999, glob_p):
    p_np = numpy_local_p(ref)
    got = {r["area"]: float(r["p"]) for r in rows9999 if r["p"]}
    worst = 0.0
    for t, k in enumerate(ref["use"]):
        # 9999 draws each: SE of a difference <= sqrt(2 * .25 / 9999) = .007
        d = abs(got[k] - p_np[t])
        worst = max(worst, d)
        check(d <= 0.03, "%s %s: p %.4f, NumPy %.4f" % (ind, k, got[k],
                                                          p_np[t]))
    gp = numpy_global_p(ref)
    check(abs(glob_p - gp) <= 0.03,
          "%s: globales p %.4f, NumPy %.4f" % (ind, glob_p, gp))
    print("  %s: lokale p höchstens %.4f von NumPy entfernt; global %.4f "
          "gegen %.4f" % (ind, worst, glob_p, gp))


def main():
    shutil.rmtree(WORK, ignore_errors=True)
    os.makedirs(WORK)
    run("import", *[os.path.join(FIX, f) for f in
                    ("gebiete.csv", "kennzahlen.csv", "werte.csv")])
    run("import", os.path.join(FIX, "gitter.geojson"), "--key-property",
        "key", "--level", LEVEL)
    exp = os.path.join(WORK, "export.csv")
    run("export", "-o", exp)
    lst = os.path.join(WORK, "areas.csv")
    with open(lst, "wb") as f:
        f.write(run("list", "areas", "--format", "csv").stdout)
    areas, level_keys = {}, []
    for r in read_csv(lst):
        areas[r["key"]] = float(r["population"]) if r["population"] else None
        if r["level"] == LEVEL:
            level_keys.append(r["key"])
    vals = {}
    for r in read_csv(exp):
        if r["value"] != "" and r["period"] == "2024":
            vals.setdefault(r["indicator"], {})[r["area"]] = float(r["value"])
    nb = queen_from_geojson()
    grid = grid_neighbours(nb.keys())
    check(all(nb[k] - {"G-INSEL"} == grid[k] for k in grid) and
          not nb["G-INSEL"], "Queen aus den Ecken = Gitter-Nachbarn")

    for ind, perm_ok in (("quote", True), ("wechsel", True)):
        ref = reference(vals[ind], areas, nb, level_keys)
        out = os.path.join(WORK, ind + ".csv")
        r = run("lisa", "--level", LEVEL, "--indicator", ind, "-o", out)
        check(b"ohne Nachbarn mit Wert: G-INSEL" in r.stderr,
              "%s: Insel auf stderr genannt" % ind)
        rows = read_csv(out)
        check_local(ind, ref, rows, level_keys, vals[ind], 999)
        gout = os.path.join(WORK, ind + "-global.csv")
        run("lisa", "--level", LEVEL, "--indicator", ind, "--global", "-o",
            gout)
        g = read_csv(gout)
        check(len(g) == 1 and g[0]["indicator"] == ind and
              close(float(g[0]["moran_i"]), ref["I"]) and
              close(float(g[0]["expected_i"]), ref["EI"]) and
              g[0]["permutations"] == "999",
              "%s: global %r gegen I=%r E=%r" % (ind, g, ref["I"], ref["EI"]))
        jout = os.path.join(WORK, ind + ".json")
        run("lisa", "--level", LEVEL, "--indicator", ind, "-o", jout)
        j = json.load(open(jout, encoding="utf-8"))
        jg = j["global"][0]
        check(close(jg["z_norm"], ref["z_norm"]),
              "%s: z_norm %r gegen %r" % (ind, jg["z_norm"], ref["z_norm"]))
        check(jg["moran_i"] == float(g[0]["moran_i"]) and
              jg["p"] == float(g[0]["p"]) and jg["z"] == float(g[0]["z"]),
              "%s: JSON global = CSV global" % ind)
        check(j["islands"] == ref["islands"] == ["G-INSEL"] and
              jg["n"] == ref["n"], "%s: Inseln %r, n %r" %
              (ind, j["islands"], jg["n"]))
        same = all(
            (a["local_i"] is None and b["local_i"] == "") or
            (a["local_i"] == float(b["local_i"]) and a["p"] == float(b["p"])
             and a["quadrant"] == b["quadrant"])
            for a, b in zip(j["areas"], rows))
        check(same and len(j["areas"]) == len(rows),
              "%s: JSON = CSV je Gebiet" % ind)
        p9 = os.path.join(WORK, ind + "-9999.csv")
        run("lisa", "--level", LEVEL, "--indicator", ind, "--permutations",
            "9999", "--seed", "5", "-o", p9)
        g9 = os.path.join(WORK, ind + "-9999g.csv")
        run("lisa", "--level", LEVEL, "--indicator", ind, "--permutations",
            "9999", "--seed", "5", "--global", "-o", g9)
        check_p(ind, ref, read_csv(p9), float(read_csv(g9)[0]["p"]))

    # all indicators at once: the same numbers as one at a time
    allg = os.path.join(WORK, "all.csv")
    run("lisa", "--level", LEVEL, "--global", "-o", allg)
    a = read_csv(allg)
    one = read_csv(os.path.join(WORK, "quote-global.csv"))[0]
    check([r["indicator"] for r in a] == ["quote", "wechsel"] and a[0] == one,
          "--global ohne --indicator: alle Kennzahlen, gleiche Zahlen")

    # seeds: same seed same bytes; another seed other p, same I
    s1 = run("lisa", "--level", LEVEL, "--indicator", "quote", "--seed", "9",
             "-o", "-").stdout
    s2 = run("lisa", "--level", LEVEL, "--indicator", "quote", "--seed", "9",
             "-o", "-").stdout
    s3 = run("lisa", "--level", LEVEL, "--indicator", "quote", "--seed",
             "10", "-o", "-").stdout
    check(s1 == s2, "gleicher Startwert, gleiche Ausgabe")
    r1 = list(csv.DictReader(io.StringIO(s1.decode())))
    r3 = list(csv.DictReader(io.StringIO(s3.decode())))
    check(all(x["local_i"] == y["local_i"] for x, y in zip(r1, r3)) and
          any(x["p"] != y["p"] for x, y in zip(r1, r3)),
          "anderer Startwert: gleiches I, andere p")

    tiles()
    pictures()
    server_and_page()
    report()
    errors()
    print("lisa: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


def tiles():
    """Without shapes: the Gelsenkirchen example's tile map. The reference
    takes neighbours from Kachel_Zeile/Kachel_Spalte of its gebiete.csv."""
    global DB
    keep, DB = DB, os.path.join(WORK, "ge.db")
    ex = os.path.join(SRC, "examples", "gelsenkirchen")
    try:
        run("import", *[os.path.join(ex, f) for f in
                        ("gebiete.csv", "kennzahlen.csv", "werte.csv")])
        jpath = os.path.join(WORK, "ge.json")
        r = run("lisa", "--level", LEVEL, "--indicator",
                "gs_sozialindex_mittel", "-o", jpath)
        check(b"Kachelkarte (eine N\xc3\xa4herung)" in r.stderr,
              "Kacheln: Näherung auf stderr genannt")
        j = json.load(open(jpath, encoding="utf-8"))
        check(j["contiguity"] == "queen-tiles", "Kacheln: contiguity")
        pos, pop = {}, {}
        with open(os.path.join(ex, "gebiete.csv"), encoding="utf-8-sig") as f:
            for a in csv.DictReader(f, delimiter=";"):
                if a["Ebene"] == LEVEL and a["Kachel_Zeile"]:
                    pos[a["Schlüssel"]] = (int(a["Kachel_Zeile"]),
                                           int(a["Kachel_Spalte"]))
                    pop[a["Schlüssel"]] = (float(a["Einwohner"])
                                           if a["Einwohner"] else None)
        nb = {a: {b for b in pos if b != a and
                  abs(pos[a][0] - pos[b][0]) <= 1 and
                  abs(pos[a][1] - pos[b][1]) <= 1} for a in pos}
        exp = os.path.join(WORK, "ge-export.csv")
        run("export", "-o", exp)
        vals = {r["area"]: float(r["value"]) for r in read_csv(exp)
                if r["indicator"] == "gs_sozialindex_mittel" and
                r["period"] == j["period"] and r["value"] != ""}
        keys = [a["area"] for a in j["areas"]]
        ref = reference(vals, pop, nb, keys)
        got = {a["area"]: a for a in j["areas"]}
        ok = close(j["global"][0]["moran_i"], ref["I"]) and all(
            close(got[k]["local_i"], ref["local"][t]) and
            got[k]["quadrant"] == ref["quad"][t]
            for t, k in enumerate(ref["use"]))
        check(ok and ref["n"] == j["global"][0]["n"] == 18,
              "Kacheln: I, lokales I und Quadranten wie NumPy (n = %d)" %
              ref["n"])
    finally:
        DB = keep


def pictures():
    svg = os.path.join(WORK, "karte.svg")
    run("lisa", "--level", LEVEL, "--indicator", "quote", "-o", svg)
    root = ET.parse(svg).getroot()
    text = open(svg, encoding="utf-8").read()
    check(root.tag.endswith("svg") and "Hot Spot (hoch–hoch)" in text and
          "Insel: kein Wert" not in text and
          "nicht berechnet: ohne Nachbarn mit Wert" in text,
          "Clusterkarte: SVG mit Legende und Insel im Tooltip")
    png = os.path.join(WORK, "karte.png")
    run("lisa", "--level", LEVEL, "--indicator", "quote", "-o", png)
    with open(png, "rb") as f:
        check(f.read(8) == b"\x89PNG\r\n\x1a\n", "Clusterkarte als PNG")


def server_and_page():
    p = subprocess.Popen([AMPEL, "--db", DB, "serve", "--port", "0"],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        line = p.stdout.readline().decode()
        m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        if not m:
            check(False, "Server startet nicht: %r" % line)
            return
        port = int(m.group(1))

        def get(path):
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            c.request("GET", path)
            r = c.getresponse()
            body = r.read()
            c.close()
            return r.status, body

        st, body = get("/api/v1/lisa?level=Stadtteil&indicator=quote")
        cli = json.load(open(os.path.join(WORK, "quote.json"),
                             encoding="utf-8"))
        check(st == 200 and json.loads(body) == cli,
              "/api/v1/lisa = ampel lisa --format json")
        st, body = get("/api/v1/lisa?level=Stadtteil&global=ja")
        check(st == 200 and len(json.loads(body)["global"]) == 2 and
              "areas" not in json.loads(body), "/api/v1/lisa?global=ja")
        for bad in ("permutations=10000", "alpha=1", "seed=-1",
                    "indicator=nix", "global=vielleicht"):
            st, body = get("/api/v1/lisa?level=Stadtteil&" + bad)
            check(st == 400 and "error" in json.loads(body),
                  "/api/v1/lisa?%s: 400 (%d)" % (bad, st))
        st, body = get("/wechselwirkungen?level=Stadtteil&lisa=quote")
        t = body.decode()
        check(st == 200 and 'id="h-lisa"' in t, "Seite: Abschnitt LISA")
        cells = re.findall(r"<tr><td><a href=\"/gebiet/([^\"]+)\">.*?</a>"
                           r"</td><td class=\"num\">.*?</td><td>(.*?)</td>",
                           t)
        want = {}
        for a in cli["areas"]:
            if a["out"]:
                want[a["area"]] = None
            else:
                want[a["area"]] = a["cluster"]
        label = {"HH": "Hot Spot (hoch–hoch)",
                 "LL": "Cold Spot (niedrig–niedrig)",
                 "HL": "Ausreißer hoch–niedrig",
                 "LH": "Ausreißer niedrig–hoch", "ns": "nicht signifikant"}
        got = {html.unescape(k): html.unescape(v) for k, v in cells}
        ok = len(got) == len(want) and all(
            (got[k].startswith("nicht berechnet") if c is None
             else got[k] == label[c]) for k, c in want.items())
        check(ok, "Seite: Cluster je Gebiet wie die API (%d Zeilen)" %
              len(got))
        st, _ = get("/wechselwirkungen?lisa=nix")
        check(st == 400, "Seite: unbekannte Kennzahl lisa → 400")
    finally:
        p.send_signal(signal.SIGTERM)
        p.wait(timeout=20)


def report():
    out = os.path.join(WORK, "bericht.html")
    run("report", "--level", LEVEL, "-o", out)
    t = open(out, encoding="utf-8").read()
    g = {r["indicator"]: float(r["moran_i"])
         for r in read_csv(os.path.join(WORK, "all.csv"))}
    want = ["%.2f" % g[k] for k in ("quote", "wechsel")]
    want = [w.replace(".", ",") for w in want]
    # the report numbers its sections (a Karten section comes first when
    # the level has shapes)
    check(re.search(r">\d+ Räumliche Muster \(LISA\)<", t) and all(
        (">%s<" % w) in t for w in want) and
        "Räumliche Muster (LISA) – Förderquote" in t,
        "Bericht: Abschnitt mit Moran's I %s und der Clusterkarte" % want)


def errors():
    r = run("lisa", "--level", "Stadt", "-o", "x.csv", ok=False)
    check(r.returncode == 1, "Ebene ohne Werte: Exit 1")
    r = run("lisa", "--level", LEVEL, "--global", "-o",
            os.path.join(WORK, "x.svg"), ok=False)
    check(r.returncode == 2 and not os.path.exists(os.path.join(WORK,
                                                                  "x.svg")),
          "--global mit .svg: Aufruffehler, keine Datei")


if __name__ == "__main__":
    sys.exit(main())
