#!/usr/bin/python3
"""HTTP tests of `ampel serve` against the real binary (tests/run_http.sh).

Usage: http_test.py AMPEL SOURCE_DIR WORK_DIR
Starts the server on 127.0.0.1 with an ephemeral port (--port 0) on
 1. the Gelsenkirchen example (every page, every API endpoint, docs/api.md
    examples, bad parameters, limits), and
 2. a hostile dataset (names with <script>, quotes, ampersands, umlauts),
    with an admin token for the upload test.
Prints one line per failed check and a closing 'N passed, N failed'.
"""
import http.client
import gzip
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse

AMPEL, SRC, WORK = sys.argv[1], sys.argv[2], sys.argv[3]
passed = failed = 0


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FEHLER:", what)


class Server:
    def __init__(self, db, extra=()):
        self.p = subprocess.Popen([AMPEL, "--db", db, "serve", "--port", "0",
                                   *extra], stdout=subprocess.PIPE,
                                  stderr=open(os.path.join(WORK, "serve.log"),
                                              "ab"))
        line = self.p.stdout.readline().decode()
        m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        if not m:
            raise SystemExit("Server startet nicht: %r" % line)
        self.port = int(m.group(1))

    def req(self, method, path, body=None, headers=None):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        c.request(method, path, body=body, headers=headers or {})
        r = c.getresponse()
        data = r.read()
        c.close()
        return r.status, dict((k.lower(), v) for k, v in r.getheaders()), data

    def get(self, path):
        return self.req("GET", path)

    def stop(self):
        self.p.send_signal(signal.SIGTERM)
        rc = self.p.wait(timeout=20)
        return rc


def make_db(name, files):
    db = os.path.join(WORK, name + ".db")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db + suffix):
            os.remove(db + suffix)
    subprocess.run([AMPEL, "--db", db, "import", *files], check=True,
                   stdout=subprocess.DEVNULL)
    return db


SECURITY_HEADERS = {
    "content-security-policy": "default-src 'self'; script-src 'self'; "
                               "style-src 'self'; img-src 'self' data:",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
}


def check_headers(h, path):
    for k, v in SECURITY_HEADERS.items():
        check(k in h and h[k].startswith(v), "%s: Kopfzeile %s" % (path, k))


PAGES = ["/", "/gebiet/", "/gebiet/GE-M-SCH", "/gebiet/S161111",
         "/gebiet/GE", "/kennzahl/", "/kennzahl/gs_sozialindex_mittel",
         "/kennzahl/schule_sozialindex", "/wechselwirkungen",
         "/wechselwirkungen?x=gs_sozialindex_mittel&y=sozialindex_mittel"
         "&method=spearman", "/bedarf",
         "/bedarf?indicators=gs_sozialindex_mittel:2,anteil_startchancen:1"
         "&base_share=0.3&budget=50000&levels=5",
         "/bedarf?w_gs_sozialindex_mittel=1&w_sozialindex_mittel=2",
         "/methoden", "/?level=Stadtbezirk", "/?level=Schule"]

API = ["areas", "indicators", "periods", "values", "lights", "heatmap",
       "index", "allocation", "correlations"]

BAD_400 = ["/?level=Nirgendwo", "/?period=1999", "/?band=abc", "/?band=-1",
           "/?cluster=viele", "/?linkage=x", "/?status_method=q",
           "/?since=1888", "/api/v1/lights?level=x",
           "/bedarf?budget=-5", "/bedarf?levels=0", "/bedarf?base_share=2",
           "/bedarf?level_method=foo", "/bedarf?sensitivity=999999",
           "/bedarf?indicators=a:b:c", "/api/v1/index?method=mss",
           "/wechselwirkungen?method=kendall", "/?palette=bunt",
           "/api/v1/allocation?need=viel", "/bedarf?top_share=1.5",
           "/?since=2025/26", "/bedarf?indicators=unbekannt:1",
           "/?indicators=unbekannt", "/api/v1/heatmap?indicators=unbekannt",
           "/wechselwirkungen?x=nichts"]

NOT_FOUND = ["/gebiet/NIRGENDS", "/kennzahl/nichts", "/nichts",
             "/api/v1/values?area=NIRGENDS", "/api/v1/values?indicator=x",
             "/api/v1/nichts", "/static/../../etc/passwd",
             "/static/ampel.css/../../x",
             "/static/", "/api/v1/"]


def shape_ok(expected, actual):
    """Every key of an expected object is in the actual one, with a value
    of the same shape; lists compare their first elements."""
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(
            k in actual and shape_ok(v, actual[k]) for k, v in expected.items())
    if isinstance(expected, list):
        return isinstance(actual, list) and (
            not expected or (actual and shape_ok(expected[0], actual[0])))
    if expected is None or actual is None:
        return True
    if isinstance(expected, bool):
        return isinstance(actual, bool)
    if isinstance(expected, (int, float)):
        return isinstance(actual, (int, float)) and not isinstance(actual, bool)
    return type(expected) is type(actual)


def docs_examples(s):
    """Runs every `curl` line of docs/api.md and compares with the JSON
    block after it (status from a `# → NNN` comment, default 200)."""
    text = open(os.path.join(SRC, "docs", "api.md"), encoding="utf-8").read()
    blocks = re.findall(r"```sh\n(curl[^\n]*)\n(?:# → (\d+)\n)?```\n+```json\n"
                        r"(.*?)```", text, re.S)
    check(len(blocks) >= 8, "docs/api.md: mindestens 8 Beispiele")
    for cmd, status, expected in blocks:
        url = re.search(r'"(http://[^"]+)"', cmd).group(1)
        path = url.split("8080", 1)[1]
        st, h, body = s.get(path)
        want = int(status or 200)
        check(st == want, "docs: %s gibt %d statt %d" % (path, st, want))
        try:
            got = json.loads(body)
            exp = json.loads(expected)
        except ValueError as e:
            check(False, "docs: %s kein JSON (%s)" % (path, e))
            continue
        check(shape_ok(exp, got), "docs: %s hat nicht die Form des Beispiels"
              % path)


def example_tests(s):
    for p in PAGES:
        st, h, body = s.get(p)
        check(st == 200, "%s: Status %d" % (p, st))
        check(h.get("content-type", "").startswith("text/html"),
              "%s: Content-Type" % p)
        check_headers(h, p)
        t = body.decode("utf-8")
        check('<html lang="de">' in t and 'href="#inhalt"' in t and
              "<main" in t and "<nav" in t, "%s: Grundgerüst" % p)
        check("<?xml" not in t, "%s: XML-Deklaration im HTML" % p)
        ids = re.findall(r' id="([^"]+)"', t)
        check(len(ids) == len(set(ids)), "%s: doppelte id" % p)
        check(" style=" not in t and "<style" not in t,
              "%s: Inline-Stil (CSP)" % p)
    st, h, body = s.get("/")
    t = body.decode()
    check("Wo sollten wir genauer hinsehen?" in t and "Heatmap" in t and
          "Ampel" in t, "/: Inhalte")
    check("Schalke" in t, "/: Gebietsname")
    st, h, body = s.get("/gebiet/GE-M-SCH")
    check(re.search(r"\d+ von \d+ Kennzahlen kritisch", body.decode()),
          "Gebiet: Zusammenfassung")
    st, h, body = s.get("/wechselwirkungen")
    t = body.decode()
    check("kein Beweis für eine Ursache" in t and "n = 18" in t,
          "Wechselwirkungen: Hinweis und n")
    for e in API:
        st, h, body = s.get("/api/v1/" + e)
        check(st == 200, "api %s: Status %d" % (e, st))
        check(h.get("content-type", "").startswith("application/json"),
              "api %s: Content-Type" % e)
        check_headers(h, e)
        try:
            json.loads(body)
            check(True, "")
        except ValueError:
            check(False, "api %s: kein JSON" % e)
    st, h, body = s.get("/download/werte.csv")
    check(st == 200 and body.startswith(b"area,indicator,period,value"),
          "CSV-Download")
    st, h, body = s.get("/static/ampel.css")
    check(st == 200 and h["content-type"].startswith("text/css"), "CSS")
    st, h, body = s.get("/static/ampel.js")
    check(st == 200 and b"sortierbar" in body, "JS")
    for p in BAD_400:
        st, h, body = s.get(p)
        check(st == 400, "%s: %d statt 400" % (p, st))
        check_headers(h, p)
        if p.startswith("/api/"):
            check("error" in json.loads(body), "%s: JSON-Fehler" % p)
        else:
            check(b'class="fehler"' in body, "%s: Fehlerseite" % p)
    for p in NOT_FOUND:
        st, h, body = s.get(p)
        check(st == 404, "%s: %d statt 404" % (p, st))
    st, h, _ = s.get("/?" + "a" * 5000)
    check(st in (400, 414), "lange URL: %d" % st)
    st, h, _ = s.get("/gebiet/" + "x" * 200000)
    check(st in (400, 414, 431), "sehr lange URL: %d" % st)
    try:
        st, h, _ = s.req("GET", "/", headers={"X-Big": "y" * 100000})
        check(st in (400, 413, 431), "großer Header: %d" % st)
    except (ConnectionError, http.client.HTTPException):
        check(True, "")
    st, h, _ = s.get("/?" + "&".join("p%d=1" % i for i in range(100)))
    check(st == 400, "zu viele Parameter: %d" % st)
    st, h, _ = s.get("/?unbekannt=1&foo=bar")
    check(st == 200, "unbekannte Parameter werden ignoriert: %d" % st)
    st, h, _ = s.req("POST", "/", body=b"x")
    check(st == 405 and "GET" in h.get("allow", ""), "POST /: %d" % st)
    st, h, _ = s.req("DELETE", "/api/v1/areas")
    check(st == 405, "DELETE: %d" % st)
    st, h, body = s.req("POST", "/admin/import", body=b"a;b\n")
    check(st == 403, "Einfuhr ohne Token-Datei: %d" % st)
    docs_examples(s)
    fuzz(s)


def cache_key_tests(s):
    """Issue 10 item 7: the response cache joined parameters unescaped, so
    /?foo=x%26level%3DStadtbezirk (one parameter foo) and
    /?foo=x&level=Stadtbezirk (two) shared a cache key and the second got
    the first one's page."""
    sel = '<option value="Stadtbezirk" selected>'
    st, _, first = s.get("/?foo=x%26level%3DStadtbezirk")
    check(st == 200 and sel.encode() not in first,
          "Cache-Schlüssel: /?foo=x%%26level%%3DStadtbezirk: %d" % st)
    st, _, second = s.get("/?foo=x&level=Stadtbezirk")
    check(st == 200 and sel.encode() in second,
          "Cache-Schlüssel: /?foo=x&level=Stadtbezirk liefert die Seite "
          "aus dem Cache einer anderen Anfrage")


def raw(port, data, timeout=10, shut=False):
    """Sends raw bytes on one connection and reads until the server closes
    it (or `timeout` passes without a byte); returns what came back."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        sock.sendall(data)
        if shut:
            sock.shutdown(socket.SHUT_WR)
        out = b""
        while True:
            try:
                d = sock.recv(65536)
            except socket.timeout:
                break
            except ConnectionError:
                break
            if not d:
                break
            out += d
        return out
    finally:
        sock.close()


def responses(data, head_only=False):
    """Splits the bytes of one connection into (status, headers, body)
    answers by their Content-Length."""
    out = []
    while data:
        head, sep, rest = data.partition(b"\r\n\r\n")
        if not sep:
            out.append((0, {}, data))
            break
        lines = head.decode("latin-1").split("\r\n")
        m = re.match(r"HTTP/1\.1 (\d{3}) ", lines[0])
        h = {}
        for line in lines[1:]:
            k, _, v = line.partition(":")
            h[k.strip().lower()] = v.strip()
        n = 0 if head_only else int(h.get("content-length", "0"))
        out.append((int(m.group(1)) if m else 0, h, rest[:n]))
        data = rest[n:]
    return out


def issue16_tests(s):
    """Issue 16 items 7, 8, 9 and 11: strict decoding, many parameters and
    garbage answered at once, keep-alive and pipelining, and every error
    of the HTTP layer with the security headers."""
    # 7: a NUL or broken UTF-8 is a 400, never a shortened value
    for p in ["/?period=%00%ff%fe", "/api/v1/values?area=%00",
              "/gebiet/GE%00xyz", "/gebiet/GE%C3", "/?level=%zz",
              "/?level=Stadt%", "/kennzahl/%FF"]:
        st, h, body = s.get(p)
        check(st == 400, "Kodierung %s: %d statt 400" % (p, st))
        check_headers(h, p)
    st, _, _ = s.get("/gebiet/GE")
    check(st == 200, "/gebiet/GE: %d" % st)
    st, _, body = s.get("/gebiet/GE-M-SCH?x=%C3%84%20+y")
    check(st == 200, "gültiges UTF-8 im Parameter: %d" % st)
    # 8: ~1,000 parameters (under the length limit) and a garbage line:
    # a 4xx answer, not a hang
    many = "/?" + "&".join("a" for _ in range(1000))
    for what, data, want in [
            ("1000 Parameter", ("GET %s HTTP/1.1\r\nHost: x\r\n"
                                "Connection: close\r\n\r\n" % many).encode(),
             400),
            ("Müllzeile", b"GARBAGE\r\n\r\n", 400),
            ("leere Methode", b" / HTTP/1.1\r\nHost: x\r\n\r\n", 400),
            ("ohne Host", b"GET / HTTP/1.1\r\n\r\n", 400),
            ("Content-Length -1", b"GET / HTTP/1.1\r\nHost: x\r\n"
                                  b"Content-Length: -1\r\n\r\n", 400),
            ("Content-Length doppelt", b"POST / HTTP/1.1\r\nHost: x\r\n"
             b"Content-Length: 1\r\nContent-Length: 2\r\n\r\nx", 400),
            ("HTTP/2.0", b"GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505),
            ("chunked", b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: "
                        b"chunked\r\n\r\n0\r\n\r\n", 501),
            ("Adresse 70 KiB", b"GET /" + b"x" * 70000 +
             b" HTTP/1.1\r\nHost: x\r\n\r\n", 414),
            ("Kopfzeile 40 KiB", b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " +
             b"y" * 40000 + b"\r\n\r\n", 431),
            ("obs-fold", b"GET / HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n b\r\n"
                         b"\r\n", 400)]:
        got = responses(raw(s.port, data))
        check(len(got) == 1, "%s: %d Antworten statt einer" % (what, len(got)))
        if got:
            st, h, body = got[0]
            check(st == want, "%s: %d statt %d" % (what, st, want))
            check_headers(h, what)
            check(h.get("connection") == "close",
                  "%s: Verbindung wird nicht geschlossen" % what)
            check("fehler" in body.decode("utf-8", "replace"),
                  "%s: keine deutsche Fehlerseite" % what)
    got = responses(raw(s.port, b"GET /api/v1/nichts%00 HTTP/1.1\r\n"
                                b"Host: x\r\nConnection: close\r\n\r\n"))
    check(got and got[0][0] == 400 and "error" in json.loads(got[0][2]),
          "API-Fehler bei Kodierung als JSON")
    # 9: two requests on one keep-alive connection, three pipelined ones
    c = http.client.HTTPConnection("127.0.0.1", s.port, timeout=10)
    c.request("GET", "/static/ampel.css")
    r1 = c.getresponse()
    r1.read()
    sock1 = c.sock
    c.request("GET", "/api/v1/periods")
    r2 = c.getresponse()
    r2.read()
    check(r1.status == 200 and r2.status == 200 and sock1 is c.sock and
          r1.getheader("Connection") != "close",
          "Keep-alive: zwei Anfragen auf einer Verbindung")
    c.close()
    req = b"GET /static/ampel.css HTTP/1.1\r\nHost: x\r\n\r\n"
    got = responses(raw(s.port, req * 2 + req.replace(
        b"\r\n\r\n", b"\r\nConnection: close\r\n\r\n")))
    check(len(got) == 3 and all(g[0] == 200 for g in got),
          "Pipelining: %d von 3 Antworten" % len(got))
    # an error answer of a handler keeps the connection (404)
    got = responses(raw(s.port, b"GET /nichts HTTP/1.1\r\nHost: x\r\n\r\n"
                                b"GET /methoden HTTP/1.1\r\nHost: x\r\n"
                                b"Connection: close\r\n\r\n"))
    check([g[0] for g in got] == [404, 200], "404 und danach 200 auf einer "
          "Verbindung: %r" % [g[0] for g in got])
    # HTTP/1.0: closes unless keep-alive is asked for
    got = responses(raw(s.port, b"GET /methoden HTTP/1.0\r\n\r\n"))
    check(len(got) == 1 and got[0][0] == 200 and
          got[0][1].get("connection") == "close", "HTTP/1.0 schließt")
    # a request followed by EOF (half-close) still gets its answer
    got = responses(raw(s.port, b"GET /methoden HTTP/1.0\r\n\r\n",
                        shut=True))
    check(len(got) == 1 and got[0][0] == 200, "Anfrage, dann EOF")
    # HEAD: the GET's length, no body
    data = raw(s.port, b"HEAD /methoden HTTP/1.1\r\nHost: x\r\n"
                       b"Connection: close\r\n\r\n")
    got = responses(data, head_only=True)
    check(len(got) == 1 and got[0][0] == 200 and
          int(got[0][1].get("content-length", "0")) > 1000 and
          data.endswith(b"\r\n\r\n"), "HEAD ohne Rumpf")


def fuzz(s):
    """Random values for every known parameter: never a 5xx."""
    rnd = random.Random(7)
    keys = ["level", "period", "since", "indicator", "indicators", "budget",
            "base_share", "levels", "band", "x", "y", "method", "need",
            "weight", "top_share", "sensitivity", "seed", "cluster", "area"]
    vals = ["", "-1", "0", "1e308", "nan", "inf", "%00", "%FF%FE", "'\"<>",
            "Stadtteil", "2025/26", "gs_sozialindex_mittel:1", ":", ",,",
            "a:1,a:2", "9" * 400, "1,5", "0x10", "%C3%84%C3%96", "%E2%80%AE"]
    paths = ["/", "/bedarf", "/wechselwirkungen", "/gebiet/GE-M-SCH",
             "/kennzahl/gs_sozialindex_mittel"] + ["/api/v1/" + e for e in API]
    bad = 0
    for _ in range(400):
        q = "&".join("%s=%s" % (rnd.choice(keys), rnd.choice(vals))
                     for _ in range(rnd.randint(1, 4)))
        p = rnd.choice(paths) + "?" + q
        st, _, _ = s.get(p)
        if st >= 500 or st not in (200, 400, 404):
            bad += 1
            print("FEHLER: %s gibt %d" % (p, st))
    check(bad == 0, "Zufallsparameter: %d Antworten >= 500" % bad)


def hostile_tests(s, token):
    st, h, body = s.get("/api/v1/areas")
    areas = json.loads(body)
    names = {a["key"]: a["name"] for a in areas}
    check(names.get("A1") == "Ä<script>alert('x')</script> & \"Quote\"",
          "JSON gibt den Namen unverändert zurück")
    check("A<4>" in names, "Schlüssel mit < im JSON")
    paths = ["/", "/gebiet/", "/gebiet/A1", "/gebiet/A%3C4%3E", "/kennzahl/",
             "/kennzahl/k1", "/kennzahl/k%3C2%3E", "/wechselwirkungen",
             "/bedarf", "/methoden", "/?level=Stadtteil",
             "/gebiet/%3Cscript%3Ealert(1)%3C%2Fscript%3E",
             "/?level=%3Cscript%3Ealert(1)%3C/script%3E",
             "/?period=%22%3E%3Cimg%20src=x%3E"]
    for p in paths:
        st, h, body = s.get(p)
        check(st in (200, 400, 404), "%s: Status %d" % (p, st))
        t = body.decode("utf-8")
        for evil in ["<script>alert", "<script>document", "<img src=x",
                     "</script><script>", "</title>;", '"Quote"', "<b>fett",
                     "A<4>", "k<2>"]:
            check(evil not in t, "%s: unescaped %r" % (p, evil))
        check(t.count("<script") == t.count('<script src="/static/ampel.js"'),
              "%s: fremdes <script>" % p)
    st, h, body = s.get("/gebiet/A1")
    check("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;Quote"
          "&quot;" in body.decode(), "Gebiet A1: Name escaped sichtbar")
    check("Ä" in body.decode(), "Umlaut erhalten")
    for e in API:
        st, h, body = s.get("/api/v1/" + e)
        check(st in (200, 400), "hostile api %s: %d" % (e, st))
        try:
            json.loads(body)
        except ValueError:
            check(False, "hostile api %s: kein JSON" % e)
    admin_tests(s, token)


def admin_tests(s, token):
    csv = "Gebiet;Kennzahl;Zeitraum;Wert\nA1;k1;2025;30\nA2;k1;2025;20\n" \
          "A3;k1;2025;25\nS;k1;2025;24\n"
    path = "/admin/import?name=neu.csv"
    st, h, _ = s.req("POST", path, body=csv.encode())
    check(st == 401, "Einfuhr ohne Token: %d" % st)
    st, h, _ = s.req("POST", path, body=csv.encode(),
                     headers={"Authorization": "Bearer falsch-falsch-falsch"})
    check(st == 401, "Einfuhr mit falschem Token: %d" % st)
    auth = {"Authorization": "Bearer " + token}
    st, h, body = s.req("POST", "/admin/import?name=../x.csv",
                        body=csv.encode(), headers=auth)
    check(st == 400, "Einfuhr mit Pfad im Namen: %d" % st)
    st, h, body = s.req("POST", path, body=b"Gebiet;Kennzahl;Zeitraum;Wert\n"
                        b"NIRGENDS;k1;2025;1\n", headers=auth)
    check(st == 400 and json.loads(body)["messages"],
          "fehlerhafte Einfuhr: %d %r" % (st, body[:200]))
    st, h, body = s.req("POST", path, body=csv.encode(), headers=auth)
    check(st == 200 and json.loads(body).get("imported") is True,
          "Einfuhr: %d %r" % (st, body[:300]))
    st, h, body = s.get("/api/v1/periods")
    check("2025" in [p["label"] for p in json.loads(body)],
          "neuer Zeitraum nach der Einfuhr sichtbar")
    got = responses(raw(s.port, ("POST %s HTTP/1.1\r\nHost: x\r\n"
                                 "Authorization: Bearer %s\r\n"
                                 "Content-Length: 60000000\r\n\r\n"
                                 % (path, token)).encode()))
    check(len(got) == 1 and got[0][0] == 413 and
          json.loads(got[0][2])["status"] == 413,
          "zu große Einfuhr (nur Kopf): %r" % [g[0] for g in got])
    if got:
        check_headers(got[0][1], "413")
    big = b"x" * (50 * 10**6 + 1)  # --max-upload default: 50 MB
    try:
        st, h, _ = s.req("POST", path, body=big, headers=auth)
        check(st == 413, "zu große Einfuhr: %d" % st)
    except (ConnectionError, http.client.HTTPException):
        check(True, "")
    # Any other POST body (forms, JSON) is capped at 64 KiB; a page that
    # exists for GET only answers 405.
    got = responses(raw(s.port, b"POST / HTTP/1.1\r\nHost: x\r\n"
                        b"Content-Length: 70000\r\n\r\n"))
    check(len(got) == 1 and got[0][0] == 413,
          "zu großes Formular: %r" % [g[0] for g in got])
    st, h, body = s.req("POST", "/", body=b"a=1")
    check(st == 405 and h.get("allow") == "GET, HEAD",
          "POST auf eine Seite: %d %r" % (st, h.get("allow")))
    # An upload path without credentials is answered without its body.
    got = responses(raw(s.port, b"POST /api/v1/imports HTTP/1.1\r\n"
                        b"Host: x\r\nContent-Length: 60000000\r\n\r\n"))
    check(len(got) == 1 and got[0][0] != 413,
          "Einfuhr ohne Anmeldung: nicht gelesen: %r" % [g[0] for g in got])


def cache_http_tests(s):
    """Issue 15: cached answers with ETag and 304, gzip for clients that
    accept it (the same bytes after decompression), never for q=0."""
    path = "/gebiet/GE-M-SCH"
    st, h, plain = s.get(path)          # computed (and cached)
    check(st == 200, "erste Antwort: %d" % st)
    st, h, again = s.get(path)          # from the cache
    check(st == 200 and again == plain and h.get("etag", "").startswith('"'),
          "Antwort aus dem Cache mit ETag: %d %r" % (st, h.get("etag")))
    check(h.get("vary") == "Accept-Encoding" and
          "content-encoding" not in h, "ohne Accept-Encoding unkomprimiert")
    etag = h.get("etag", "")
    st, h, body = s.req("GET", path, headers={"If-None-Match": etag})
    check(st == 304 and body == b"" and "content-length" not in h and
          h.get("etag") == etag, "If-None-Match → 304: %d %r" % (st, h))
    check_headers(h, "304")
    st, h, body = s.req("GET", path, headers={"If-None-Match": '"anders"'})
    check(st == 200 and body == plain, "anderes ETag → 200: %d" % st)
    st, h, gz = s.req("GET", path, headers={"Accept-Encoding": "gzip, br"})
    check(st == 200 and h.get("content-encoding") == "gzip" and
          gzip.decompress(gz) == plain and len(gz) < len(plain),
          "gzip: %d %r %d/%d" % (st, h.get("content-encoding"), len(gz),
                                 len(plain)))
    check(h.get("etag", "").endswith('-gz"') and h.get("etag") != etag,
          "gzip hat ein eigenes ETag: %r" % h.get("etag"))
    st, h, body = s.req("GET", path,
                        headers={"Accept-Encoding": "gzip;q=0, identity"})
    check(st == 200 and "content-encoding" not in h and body == plain,
          "gzip;q=0 → unkomprimiert: %r" % h.get("content-encoding"))
    st, h, body = s.req("HEAD", path, headers={"Accept-Encoding": "gzip"})
    check(st == 200 and body == b"" and h.get("content-encoding") == "gzip"
          and int(h.get("content-length", 0)) == len(gz),
          "HEAD aus dem Cache: %d %r" % (st, h.get("content-length")))
    # A signed-in request (here: any Authorization) is never served from
    # or put into the cache: it gets no ETag of the cache.
    st, h, body = s.req("GET", path,
                        headers={"Authorization": "Bearer falsch"})
    check(st == 200 and "etag" not in h and body == plain,
          "mit Anmeldedaten nicht aus dem Cache: %d %r" % (st, h.get("etag")))
    # Static assets: long Cache-Control and compressed too.
    st, h, body = s.req("GET", "/static/ampel.css",
                        headers={"Accept-Encoding": "gzip"})
    st, h, body = s.req("GET", "/static/ampel.css",
                        headers={"Accept-Encoding": "gzip"})
    check(st == 200 and "max-age" in h.get("cache-control", "") and
          h.get("content-encoding") == "gzip",
          "Cache-Control und gzip der Dateien: %r %r"
          % (h.get("cache-control"), h.get("content-encoding")))


def many_areas_tests():
    """Issue 15: the overview of many areas stays a dashboard: the Ampel
    table is paged (200 rows), searchable and sortable on the server, the
    heatmap shows groups of similar areas with drill-down."""
    gen = os.path.join(SRC, "bench", "import", "gen.py")
    out = os.path.join(WORK, "many")
    os.makedirs(out, exist_ok=True)
    subprocess.run([sys.executable, gen, out, "--areas", "450",
                    "--indicators", "6", "--periods", "2"], check=True,
                   stdout=subprocess.DEVNULL)
    db = make_db("many", [os.path.join(out, f) for f in
                          ("areas.csv", "indicators.csv", "values.csv")])
    s = Server(db)
    try:
        st, h, body = s.get("/")
        page = body.decode()
        check(st == 200 and len(body) < 2_000_000,
              "Übersicht 450 Gebiete: %d, %d Bytes" % (st, len(body)))
        rows = page.count('<tr><th scope="row"><a href="/gebiet/')
        check("Gebiete 1–200 von 450 (Seite 1 von 3)" in page,
              "Seitenangabe der Ampel-Tabelle")
        check('rel="next" href="/?seite=2#h-ampel"' in page,
              "Link zur nächsten Seite")
        check("<svg" not in page.split('id="h-ampel"')[1],
              "kein eingebettetes Bild bei vielen Gebieten")
        groups = re.findall(r'>Gruppe (\d+)</a> <span class="klein">'
                            r'\((\d+) Gebiete\)', page)
        check(0 < len(groups) <= 50 and
              sum(int(n) for _, n in groups) == 450,
              "Heatmap-Gruppen: %d Gruppen, %d Gebiete"
              % (len(groups), sum(int(n) for _, n in groups)))
        check(rows >= 200, "Zeilen der ersten Seite: %d" % rows)
        st, h, body = s.get("/?seite=3")
        check(st == 200 and "Gebiete 401–450 von 450 (Seite 3 von 3)"
              in body.decode() and 'rel="prev"' in body.decode(),
              "letzte Seite")
        st, h, body = s.get("/?suche=area%2012&sort=name")
        t = body.decode()
        names = re.findall(r'<tr><th scope="row"><a href="/gebiet/A\d+">'
                           r'(Area 12\d*)</a>', t)
        check(st == 200 and names and names == sorted(names) and
              "gefundenen" in t and len(names) == 11,
              "Suche und Sortierung: %r" % names[:5])
        g1 = int(groups[0][1]) if groups else 0
        st, h, body = s.get("/?gruppe=1")
        t = body.decode().split('id="h-heatmap"')[1]
        members = t.count('<tr><th scope="row"><a href="/gebiet/')
        check(st == 200 and members == g1 and "Zurück zu allen Gruppen" in t,
              "Gruppe 1 aufgeklappt: %d von %d Gebieten" % (members, g1))
        st, h, body = s.get("/?gruppe=51")
        check(st == 200 and "Gruppe 51 gibt es nicht" in body.decode(),
              "unbekannte Gruppe: Hinweis")
        for bad in ("seite=0", "seite=x", "sort=zufall", "gruppe=0"):
            st, h, body = s.get("/?" + bad)
            check(st == 400, "ungültig %s: %d" % (bad, st))
        # The ranking of an indicator is paged the same way.
        st, h, body = s.get("/kennzahl/k00")
        t = body.decode()
        ranks = t.count('<tr><td class="num">')
        check(st == 200 and ranks == 200 and
              "Ränge 1–200 von 450 Gebieten (Seite 1 von 3)" in t and
              'rel="next" href="/kennzahl/k00?seite=2#h-rang"' in t,
              "Rangfolge Seite 1: %d, %d Zeilen" % (st, ranks))
        st, h, body = s.get("/kennzahl/k00?seite=3")
        t = body.decode()
        check(st == 200 and t.count('<tr><td class="num">') == 50 and
              "Ränge 401–450 von 450 Gebieten" in t and 'rel="prev"' in t,
              "Rangfolge letzte Seite")
        st, h, body = s.get("/kennzahl/k00?seite=0")
        check(st == 400, "Rangfolge seite=0: %d" % st)
        # A page of the table again: the kept answer (server/memo.c) gives
        # the same page as the first computation.
        st1, h, b1 = s.get("/?seite=2")
        st2, h, b2 = s.get("/?seite=2&sort=kritisch")
        check(st1 == 200 and st2 == 200 and
              b1.decode().split('id="h-ampel"')[1].count("<tr") ==
              b2.decode().split('id="h-ampel"')[1].count("<tr"),
              "Seite 2 aus dem behaltenen Ergebnis")
    finally:
        check(s.stop() == 0, "Beenden (viele Gebiete)")


def main():
    ex = os.path.join(SRC, "examples", "gelsenkirchen")
    db = make_db("example", [os.path.join(ex, f) for f in
                             ("gebiete.csv", "kennzahlen.csv", "werte.csv")])
    s = Server(db)
    try:
        example_tests(s)
        cache_key_tests(s)
        cache_http_tests(s)
        issue16_tests(s)
    finally:
        rc = s.stop()
    check(rc == 0, "Beenden mit SIGTERM: Rückgabewert %d" % rc)
    log = open(os.path.join(WORK, "serve.log"), encoding="utf-8").read()
    check(re.search(r"\dZ GET /gebiet/GE-M-SCH 200 \d+ [\d.]+ms", log),
          "Zugriffsprotokoll")
    check("beendet" in log, "sauberes Ende im Protokoll")
    hd = os.path.join(SRC, "tests", "e2e", "hostile")
    db = make_db("hostile", [os.path.join(hd, f) for f in
                             ("gebiete.csv", "kennzahlen.csv", "werte.csv")])
    token = "test-token-%d-abcdefgh" % os.getpid()
    tf = os.path.join(WORK, "token")
    with open(tf, "w") as f:
        f.write(token + "\n")
    os.chmod(tf, 0o600)
    s = Server(db, ["--admin-token-file", tf])
    try:
        hostile_tests(s, token)
    finally:
        check(s.stop() == 0, "Beenden (hostile)")
    many_areas_tests()
    print("http: %d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)


main()
