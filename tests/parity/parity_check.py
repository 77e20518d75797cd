#!/usr/bin/env python3
"""Parity test (issue 10): one question, one answer in every front-end.

The fixture (tests/parity/*.csv, "Parityhausen") has a Stadtteil of 120
inhabitants (shown, never rated), an area without a weight value, flags
('.', '-'), counts that disclosure control suppresses (primary and
secondary) and two periods. It goes through the command line (CSV and
JSON), the JSON API, the dashboard pages, the XLSX export and the HTML
report; every status, trend, rank, level, amount and out reason must be
equal, and the small area must be rated nowhere.

Usage: parity_check.py AMPEL SRC WORKDIR; prints 'parity: N passed, M
failed'.
"""
import csv
import html
import http.client
import io
import json
import os
import re
import signal
import subprocess
import sys

AMPEL, SRC, WORK = sys.argv[1], sys.argv[2], sys.argv[3]
FIX = os.path.join(SRC, "tests", "parity")
SMALL = "P-D"  # 120 inhabitants
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
        raise SystemExit("ampel %s: %s" % (" ".join(args),
                                            r.stderr.decode()))
    return r


class Server:
    def __init__(self):
        self.p = subprocess.Popen([AMPEL, "--db", DB, "serve", "--port", "0"],
                                  stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL)
        line = self.p.stdout.readline().decode()
        m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        if not m:
            raise SystemExit("Server startet nicht: %r" % line)
        self.port = int(m.group(1))

    def get(self, path):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        c.request("GET", path)
        r = c.getresponse()
        body = r.read()
        c.close()
        return r.status, body

    def stop(self):
        self.p.send_signal(signal.SIGTERM)
        self.p.wait(timeout=20)


def compare(name, ref, other, what):
    """ref, other: dict key -> value. Every key of ref must be in other
    with the same value."""
    missing = [k for k in ref if k not in other]
    diff = [k for k in ref if k in other and other[k] != ref[k]]
    check(not missing and not diff,
          "%s: %s weicht ab: fehlt %s, anders %s" %
          (what, name, missing[:3],
           [(k, ref[k], other[k]) for k in diff[:3]]))


# ---- lights ----------------------------------------------------------------

def lights_cli_csv():
    out = run("lights", "--level", "Stadtteil", "-o", "-").stdout.decode()
    rows = csv.DictReader(io.StringIO(out.split("\nlights:")[0] + "\n"))
    return {(r["area"], r["indicator"]): (r["status"], r["trend"])
            for r in rows}


def lights_json(doc):
    res = {}
    for a in doc["areas"]:
        for c in a["cells"]:
            res[(a["key"], c["indicator"])] = (c["status"], c["trend"])
    return res


def lights_out(doc):
    return {a["key"]: a["out"] for a in doc["areas"]}


STATUS_CLASS = {"0": "good", "1": "average", "2": "critical", "3": "none"}
TREND_CLASS = {"0": "better", "1": "stable", "2": "worse", "3": "none"}


def lights_overview(page):
    """The Ampel table of / : rows link /gebiet/KEY, columns /kennzahl/KEY,
    each cell a 'st st-N' span and maybe a 'tr tr-N' span."""
    text = page.decode()
    m = re.search(r'<caption id="cap-ampel">.*?</table>', text, re.S)
    if not m:
        return {}
    table = m.group(0)
    head = table.split("</thead>")[0]
    cols = re.findall(r'href="/kennzahl/([^"?]+)', head)
    res = {}
    body = table.split("<tbody>")[1].split("</tbody>")[0]
    for row in re.findall(r"<tr>.*?</tr>", body, re.S):
        a = re.search(r'href="/gebiet/([^"?]+)', row)
        cells = re.findall(r"<td data-wert.*?</td>", row, re.S)
        for key, cell in zip(cols, cells):
            st = re.search(r'class="st st-(\d)', cell)
            tr = re.search(r'class="tr tr-(\d)', cell)
            res[(html.unescape(a.group(1)), key)] = (
                STATUS_CLASS[st.group(1)] if st else "none",
                TREND_CLASS[tr.group(1)] if tr else "none")
    return res


def test_lights(srv):
    ref = lights_cli_csv()
    check(len(ref) == 30, "lights: 6 Gebiete × 5 Kennzahlen in der CSV")
    check(all(ref[k] == ("none", "none") for k in ref if k[0] == SMALL),
          "lights: das kleine Gebiet wird in der CSV nicht bewertet")
    cli_json = json.loads(run("lights", "--level", "Stadtteil", "--format",
                              "json", "-o", "-").stdout.decode()
                          .split("\nlights:")[0])
    compare("CLI JSON", ref, lights_json(cli_json), "lights")
    st, body = srv.get("/api/v1/lights?level=Stadtteil")
    api = json.loads(body)
    compare("API", ref, lights_json(api), "lights")
    check(lights_out(api).get(SMALL) == "zu wenige Einwohner",
          "lights: API nennt 'zu wenige Einwohner' für das kleine Gebiet")
    check(lights_out(api) == lights_out(cli_json),
          "lights: Gründe in CLI und API gleich")
    check(api == cli_json, "lights: CLI-JSON und API-JSON sind gleich")
    st, page = srv.get("/?level=Stadtteil")
    compare("Übersicht", ref, lights_overview(page), "lights")


# ---- need index and allocation -----------------------------------------------

NEED = ["--level", "Stadtteil", "--indicators", "sprach:2,sgb2:1",
        "--levels", "3"]
NEED_Q = "level=Stadtteil&indicators=sprach:2,sgb2:1&levels=3"
ALLOC = NEED + ["--weight", "kinder", "--budget", "100000"]
ALLOC_Q = NEED_Q + "&weight=kinder&budget=100000"


def cli_csv(args):
    out = run(*args, "-o", "-").stdout.decode()
    return list(csv.DictReader(io.StringIO(out)))


def cli_json(args):
    return json.loads(run(*args, "--format", "json", "-o", "-").stdout)


def num(s):
    """'40.352' (German page) or '40352' -> 40352; other text -> None."""
    s = s.strip().replace(".", "").replace(",", ".")
    try:
        return float(s)
    except ValueError:
        return None


def bedarf_page(page):
    """Rows of the result table of /bedarf: key -> (rank, level, amount or
    reason text)."""
    text = page.decode()
    m = re.search(r'<caption id="cap-bedarf">.*?</table>', text, re.S)
    res = {}
    if not m:
        return res
    for row in re.findall(r"<tr><th scope=\"row\">.*?</tr>", m.group(0), re.S):
        key = html.unescape(re.search(r'href="/gebiet/([^"?]+)', row).group(1))
        tds = [html.unescape(re.sub("<[^>]+>", "", t))
               for t in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        res[key] = (num(tds[1]), num(tds[2]), num(tds[3]), tds[3])
    return res


def test_need(srv):
    rows = cli_csv(["index", *NEED])
    ref = {r["area"]: (num(r["rank"]) if r["rank"] else None,
                       num(r["level"]) if r["level"] else None)
           for r in rows}
    check(ref.get(SMALL) == (None, None),
          "index: das kleine Gebiet ist in der CSV nicht eingestuft")
    doc = cli_json(["index", *NEED])
    mine = {a["key"]: (a["rank"], a["level"]) for a in doc["areas"]}
    compare("CLI JSON", ref, mine, "index")
    st, body = srv.get("/api/v1/index?" + NEED_Q)
    api = json.loads(body)
    check(st == 200 and api == doc, "index: CLI-JSON und API-JSON sind gleich")
    check({a["key"]: a["out"] for a in api["areas"]}.get(SMALL) ==
          "zu wenige Einwohner", "index: Grund des kleinen Gebiets")

    rows = cli_csv(["allocate", *ALLOC])
    amounts = {r["area"]: num(r["allocation"]) if r["allocation"] else None
               for r in rows}
    check(sum(v for v in amounts.values() if v) == 100000,
          "allocate: Beträge ergeben genau das Budget")
    doc = cli_json(["allocate", *ALLOC])
    mine = {a["key"]: a["allocation"] for a in doc["areas"]}
    compare("CLI JSON", amounts, mine, "allocate")
    st, body = srv.get("/api/v1/allocation?" + ALLOC_Q)
    api = json.loads(body)
    check(st == 200 and api == doc,
          "allocate: CLI-JSON und API-JSON sind gleich")
    out = {a["key"]: a["out"] for a in api["areas"]}
    check(out.get(SMALL) == "zu wenige Einwohner" and
          out.get("P-C") == "kein Gewicht",
          "allocate: Gründe 'zu wenige Einwohner' und 'kein Gewicht': %s" %
          out)
    st, page = srv.get("/bedarf?" + ALLOC_Q)
    pg = bedarf_page(page)
    compare("Seite /bedarf (Rang, Stufe)", ref,
            {k: (v[0], v[1]) for k, v in pg.items()}, "index")
    compare("Seite /bedarf (Betrag)", amounts,
            {k: v[2] for k, v in pg.items()}, "allocate")
    check(pg.get("P-C", (0, 0, 0, ""))[3] == "kein Gewicht" and
          pg.get(SMALL, (0, 0, 0, ""))[3] == "zu wenige Einwohner",
          "allocate: die Seite nennt dieselben Gründe")


# ---- disclosure: the same cells are hidden everywhere ------------------------

def test_disclosure(srv):
    out = run("export", "-o", "-").stdout.decode()
    ref = {(r["area"], r["indicator"], r["period"]): r["flag"]
           for r in csv.DictReader(io.StringIO(out))}
    check(ref.get(("P-D", "kinder", "2024")) == ".",
          "Geheimhaltung: Kinder 2 im kleinen Gebiet unterdrückt")
    check(ref.get(("P-C", "kinder", "2024")) == ".",
          "Geheimhaltung: Sekundärsperrung P-C")
    check(ref.get(("P-B", "kitas", "2024")) == "",
          "Geheimhaltung: Kitas (Spalte Geheimhaltung = nein) nicht "
          "unterdrückt")
    st, body = srv.get("/api/v1/values")
    api = {(v["area"], v["indicator"], v["period"]): v["flag"]
           for v in json.loads(body)}
    compare("API /values", ref, api, "Geheimhaltung")
    xlsx = os.path.join(WORK, "parity.xlsx")
    run("export", "-o", xlsx)
    try:
        import openpyxl
    except ImportError:
        check(False, "openpyxl fehlt (python3-openpyxl)")
        return
    wb = openpyxl.load_workbook(xlsx)
    ws = wb["Werte"]
    rows = list(ws.iter_rows(values_only=True))
    head = next(i for i, r in enumerate(rows) if r and r[0] == "Gebiet")
    cols = rows[head]
    ia, ii, ip = cols.index("Gebiet"), cols.index("Kennzahl"), \
        cols.index("Zeitraum")
    iv = next(i for i, c in enumerate(cols) if c and c.startswith("Wert"))
    got = {}
    for r in rows[head + 1:]:
        if r[ia] is None:
            continue
        v = r[iv]
        got[(r[ia], r[ii], str(r[ip]))] = v if isinstance(v, str) else ""
    compare("XLSX Werte", {k: v for k, v in ref.items() if v == "."}, got,
            "Geheimhaltung")


# ---- area profile, indicator page, report and XLSX --------------------------

AREAS = ["P-A", "P-B", "P-C", "P-D", "P-E", "P-F"]
INDS = ["sprach", "uebergang", "sgb2", "kinder", "kitas"]
WORD = {"gut": "good", "durchschnittlich": "average", "kritisch": "critical",
        "ohne Bewertung": "none", "neutral": "none",
        "zu wenige Einw.": "none"}


def rank_of(text):
    m = re.match(r"\s*(\d+)", text)
    return int(m.group(1)) if m else None


def gebiet_page(page):
    """/gebiet/KEY: indicator -> (status, trend, rank)."""
    res = {}
    text = page.decode()
    m = re.search(r'<caption id="cap-profil">.*?</tbody>', text, re.S)
    for row in re.findall(r"<tr><th scope=\"row\">.*?</tr>", m.group(0) if m
                          else "", re.S):
        ind = re.search(r'href="/kennzahl/([^"?]+)', row).group(1)
        tds = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        st = re.search(r'class="st st-(\d)', row)
        tr = re.search(r'class="tr tr-(\d)', row)
        res[ind] = (STATUS_CLASS[st.group(1)] if st else "none",
                    TREND_CLASS[tr.group(1)] if tr else "none",
                    rank_of(re.sub("<[^>]+>", "", tds[2])))
    return res


def kennzahl_page(page):
    """/kennzahl/KEY: area -> (status, rank)."""
    res = {}
    text = page.decode()
    m = re.search(r'<caption id="cap-rang">.*?</tbody>', text, re.S)
    for row in re.findall(r"<tr><td.*?</tr>", m.group(0) if m else "", re.S):
        area = re.search(r'href="/gebiet/([^"?]+)', row).group(1)
        rank = rank_of(re.sub("<[^>]+>", "", re.findall(
            r"<td[^>]*>(.*?)</td>", row, re.S)[0]))
        st = re.search(r'class="st st-(\d)', row)
        res[area] = (STATUS_CLASS[st.group(1)] if st else "none", rank)
    return res


def report_profiles(path, names):
    """The report's profile pages: (area, indicator) -> (status, rank)."""
    t = open(path, encoding="utf-8").read()
    texts = [(float(x), html.unescape(s)) for x, s in re.findall(
        r'<text x="([0-9.]+)" y="[0-9.]+"[^>]*>([^<]*)</text>', t)]
    area_names = {v: k for k, v in names["areas"].items()}
    ind_names = {v: k for k, v in names["inds"].items()}
    res, area, ind, rank = {}, None, None, None
    for i, (x, s) in enumerate(texts):
        nxt = texts[i + 1][1] if i + 1 < len(texts) else ""
        if s in area_names and nxt.startswith("Stadtteil ·"):
            area = area_names[s]
        name = re.sub(r" \([^)]*\)$", "", s)
        if area and name in ind_names and x < 100:
            ind, rank = ind_names[name], None
        elif area and ind and re.match(r"^\d+/\d+$", s):
            rank = int(s.split("/")[0])
        elif area and ind and s in WORD and x > 400:
            res[(area, ind)] = (WORD[s], rank)
            ind = None
    return res


def xlsx_ampel(path):
    """The Ampel sheet: (area, indicator) -> status by fill colour, and the
    areas marked 'zu wenige Einwohner'."""
    import openpyxl
    ws = openpyxl.load_workbook(path)["Ampel"]
    fills = {}
    for r in ws.iter_rows(min_row=6):
        lab = WORD.get(r[1].value) if r[1].value else None
        if lab and r[0].value in ("", None) and r[0].fill.fill_type:
            fills[r[0].fill.fgColor.rgb] = lab
    head = [c.value for c in ws[5]]
    res, small = {}, set()
    for r in ws.iter_rows(min_row=6):
        if r[0].value not in AREAS:
            continue
        for j in range(2, len(head), 2):
            c = r[j]
            if c.comment and "zu wenige Einwohner" in c.comment.text:
                small.add(r[0].value)
            rgb = c.fill.fgColor.rgb if c.fill.fill_type == "solid" else None
            res[(r[0].value, head[j])] = fills.get(rgb, "none")
    return res, small


def test_views(srv):
    ref = lights_cli_csv()
    csvrows = list(csv.DictReader(io.StringIO(run(
        "lights", "--level", "Stadtteil", "-o", "-").stdout.decode()
        .split("\nlights:")[0] + "\n")))
    certain = {(r["area"], r["indicator"]): r["certain"] for r in csvrows}
    ranks = {}
    for ind in INDS:
        st, page = srv.get("/kennzahl/%s?level=Stadtteil" % ind)
        for area, (status, rank) in kennzahl_page(page).items():
            ranks[(area, ind)] = rank
            check(status == ref[(area, ind)][0],
                  "Kennzahl %s: Status von %s %s, CLI %s" %
                  (ind, area, status, ref[(area, ind)][0]))
    check(all(ranks[(SMALL, i)] is None for i in INDS),
          "Kennzahl: das kleine Gebiet hat keinen Rang")
    for area in AREAS:
        st, page = srv.get("/gebiet/%s" % area)
        prof = gebiet_page(page)
        check(len(prof) == len(INDS), "Gebiet %s: %d Kennzahlen" %
              (area, len(prof)))
        for ind, (status, trend, rank) in prof.items():
            check((status, trend) == ref[(area, ind)],
                  "Gebiet %s/%s: %s, CLI %s" % (area, ind, (status, trend),
                                                ref[(area, ind)]))
            check(rank == ranks.get((area, ind)),
                  "Gebiet %s/%s: Rang %s, Kennzahlseite %s" %
                  (area, ind, rank, ranks.get((area, ind))))
    names = {"areas": {a["key"]: a["name"] for a in json.loads(
        run("list", "--format", "json", "areas").stdout)},
        "inds": {i["key"]: i["name"] for i in json.loads(
            run("list", "--format", "json", "indicators").stdout)}}
    rep = os.path.join(WORK, "parity.html")
    run("report", "--level", "Stadtteil", "-o", rep)
    prof = report_profiles(rep, names)
    check(len(prof) == len(AREAS) * len(INDS),
          "Bericht: %d Profilzeilen (erwartet %d)" %
          (len(prof), len(AREAS) * len(INDS)))
    compare("Bericht (Status)", {k: v[0] for k, v in ref.items()},
            {k: v[0] for k, v in prof.items()}, "lights")
    compare("Bericht (Rang)", ranks, {k: v[1] for k, v in prof.items()},
            "Rang")
    xlsx = os.path.join(WORK, "parity-ampel.xlsx")
    run("export", "-o", xlsx)
    got, small = xlsx_ampel(xlsx)
    inv = {v: k for k, v in names["inds"].items()}
    got = {(a, inv.get(re.sub(r" \(.*$", "", h), h)): v
           for (a, h), v in got.items()}
    compare("XLSX Ampel", {k: v[0] for k, v in ref.items()
                           if certain.get(k) != "no"}, got, "lights")
    check(small == {SMALL}, "XLSX: nur das kleine Gebiet ist als 'zu wenige "
          "Einwohner' vermerkt: %s" % sorted(small))


# ---- a bad value is refused with the same message everywhere ---------------

BAD = [("band", "0"), ("band", "viel"), ("status-method", "median"),
       ("level", "Kreis"), ("period", "1990"), ("indicators", "nix"),
       ("since", "2024")]


def test_messages(srv):
    for name, value in BAD:
        r = run("lights", "--" + name, value, "-o", "-", ok=False)
        err = r.stderr.decode()
        st, body = srv.get("/api/v1/lights?%s=%s" % (name.replace("-", "_"),
                                                      value))
        msg = json.loads(body).get("error", "")
        tail = re.sub(r"^[a-z_]+: ", "", msg).rstrip(".")
        check(r.returncode == 2 and st == 400,
              "%s=%s: Exit %d (erwartet 2), HTTP %d (erwartet 400)" %
              (name, value, r.returncode, st))
        check(tail and tail in err,
              "%s=%s: dieselbe Meldung: API '%s', CLI '%s'" %
              (name, value, msg, err.strip().splitlines()[0] if err else ""))
    cli = json.loads(run("correlate", "--level", "Stadtteil", "--format",
                         "json", "-o", "-").stdout)
    st, body = srv.get("/api/v1/correlations?level=Stadtteil")
    check(st == 200 and cli == json.loads(body),
          "correlate --format json und /api/v1/correlations sind gleich")
    check(cli.get("not_rated") == 1 and all(
        p["n"] <= 5 for p in cli["pairs"]),
          "Korrelationen: das kleine Gebiet zählt nicht (n <= 5)")
    out = json.loads(run("export", "--format", "json", "-o", "-").stdout)
    st, body = srv.get("/api/v1/values")
    check(out == json.loads(body),
          "export --format json und /api/v1/values sind gleich")


def main():
    global DB
    os.makedirs(WORK, exist_ok=True)
    DB = os.path.join(WORK, "parity.db")
    for s in ("", "-wal", "-shm"):
        if os.path.exists(DB + s):
            os.remove(DB + s)
    files = [os.path.join(FIX, f) for f in
             ("gebiete.csv", "kennzahlen.csv", "werte.csv")]
    run("import", *files)
    srv = Server()
    try:
        test_lights(srv)
        test_need(srv)
        test_disclosure(srv)
        test_views(srv)
        test_messages(srv)
    finally:
        srv.stop()
    print("parity: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
