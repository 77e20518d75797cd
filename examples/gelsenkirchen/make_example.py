#!/usr/bin/env python3
"""Derive ampel's bundled example dataset for Gelsenkirchen.

Reads the real data in ../shared/data (never copied into the repository) and
writes three aggregate tables in the format ampel imports:

  gebiete.csv      city, 5 Stadtbezirke, 18 Stadtteile, 79 schools
  kennzahlen.csv   indicator metadata
  werte.csv        values (long format)

Usage (from the repository root):

  python3 examples/gelsenkirchen/make_example.py \
      --shared ../shared/data --out examples/gelsenkirchen
  python3 examples/gelsenkirchen/make_example.py --shared ../shared/data \
      --show-tiles          # print the tile layout, write nothing
  python3 examples/gelsenkirchen/make_example.py --validate DIR
                            # check an existing output (no source needed)
  python3 examples/gelsenkirchen/make_example.py --selftest
                            # check the Stadtteil matching rules

The CSV files are written on purpose as German Excel writes them: UTF-8 with
BOM, ';' as separator, decimal comma, CRLF line ends. Output is
deterministic (fixed row order, fixed number formatting).

Sources (see QUELLEN.md):
  gelsenkirchen/gelsenkirchen_stadtbezirke_stadtteile.csv  structure
  gelsenkirchen/schulen_2024-25_mit_sozialindex.csv        79 schools:
      pupils (Anzahl, rounded), Startchancen flag, coordinates, found_address
  gelsenkirchen/sozialindex_2025-26.csv                    Sozialindex 25/26
  bkg-vg250-ew-2022-attribute/vg250_ew_2022_gemeinden_gf4.csv  population

Important: the "Sozialindex" column of the school file is NOT a 2024/25
value. The upstream repository merged the ministry's 2025/26 list into the
2024/25 school directory; its values equal sozialindex_2025-26.csv for every
school (checked here, the script fails if that ever stops being true). So
the Sozialindex exists for one school year only, 2025/26; pupil numbers and
the Startchancen flag exist for 2024/25 only. Indicators built from the
Sozialindex are labelled 2025/26 and use the 2024/25 pupil numbers as
weights (said in each definition).

Stadtteil of a school (explicit rules, see stadtteil_of()):
  1. found_address is split at ','. Every part is normalised: case-folded,
     'ß' -> 'ss', a leading 'Gelsenkirchen-' removed, '-' and runs of
     blanks -> one blank. So 'Resser-Mark' = 'Resser Mark',
     'Hessler' = 'Heßler', 'Gelsenkirchen-Altstadt' = 'Altstadt'.
  2. A part 'Gelsenkirchen-<Bezirk>' names the Stadtbezirk.
  3. Parts equal to a Stadtteil name are candidates. One distinct
     candidate: taken. Several: the one right before the Bezirk part.
  4. No candidate: known sub-quarters (SUBQUARTERS, each checked against
     the address hierarchy in the data) name their Stadtteil.
  5. OVERRIDES by Schulnummer (currently none) win over all rules.
  6. The Stadtteil must belong to the Bezirk of rule 2 when there is one.
  Unmatched schools are listed on stderr and the script fails.

Tile layout (Kachel_Zeile/Kachel_Spalte, 0-based), computed by
tile_layout(): the mean school coordinates of each Stadtteil are scaled
linearly onto a 6 row x 5 column grid (north up, west left) and the
Stadtteile are assigned to distinct cells by a minimum-cost assignment
(sum of squared distances, Hungarian method). Result with the 2024/25
school file ('--show-tiles' prints it):

        0            1         2            3         4
  0     .            Hassel    .            .         .
  1     Scholven     Buer      .            .         Resse
  2     Beckhausen   .         .            Erle      Resser Mark
  3     Horst        .         Schalke-Nord Schalke   Bismarck
  4     .            Heßler    Feldmark     Altstadt  Bulmke-Hüllen
  5     .            .         Rotthausen   Neustadt  Ückendorf

Nord (Hassel, Scholven, Buer) is at the top, Süd (Rotthausen, Neustadt,
Ückendorf) at the bottom, West (Beckhausen, Horst) left, Ost (Resse, Erle,
Resser Mark) right, Mitte in between.
"""

import argparse
import csv
import io
import os
import sys

CITY_KEY = "GE"
CITY_NAME = "Gelsenkirchen"
CITY_AGS = "05513000"
TILE_ROWS = 6
TILE_COLS = 5
P1 = "2024/25"
P2 = "2025/26"

BEZIRK_KEYS = {"Mitte": "GE-M", "Nord": "GE-N", "West": "GE-W",
               "Ost": "GE-O", "Süd": "GE-S"}

# Stadtteil -> short code; key is <Bezirk key>-<code>.
STADTTEIL_CODES = {
    "Altstadt": "ALT", "Bismarck": "BIS", "Bulmke-Hüllen": "BUH",
    "Feldmark": "FEL", "Heßler": "HES", "Schalke": "SCH",
    "Schalke-Nord": "SCN", "Buer": "BUE", "Hassel": "HAS",
    "Scholven": "SCV", "Beckhausen": "BEC", "Horst": "HOR",
    "Erle": "ERL", "Resse": "RES", "Resser Mark": "REM",
    "Neustadt": "NEU", "Rotthausen": "ROT", "Ückendorf": "UEC",
}

# Sub-quarters named in found_address -> Stadtteil (rule 4). Each pair
# appears in the data as "<sub-quarter>, <Stadtteil>, Gelsenkirchen-...".
SUBQUARTERS = {
    "Sophienau": "Schalke",
    "Beckhausen-Schaffrath": "Beckhausen",
    "Erle-Berger Feld": "Erle",
}

# Schulnummer -> Stadtteil, for schools no rule can place (rule 5).
OVERRIDES = {}

PRIMARY = {"Grundschule"}
SECONDARY = {"Hauptschule", "Realschule", "Sekundarschule", "Gesamtschule",
             "Gymnasium"}

SRC_DIR = ("IT.NRW, Statistisches Landesamt, Düsseldorf, 2025: "
           "Schul- und Adressverzeichnis 2024/25 (Schülerzahlen gerundet), "
           "dl-de/by-2-0")
SRC_SI = ("Ministerium für Schule und Bildung NRW: Schulsozialindex, "
          "Schulliste 2025/26, dl-de/by-2-0")
SRC_SC = ("Startchancen-Kennzeichen 2024/25 im Datensatz "
          "homlador/schulsozialindex-karte (aus der Liste der "
          "Startchancen-Schulen übernommen)")
SRC_MIX = (SRC_SI + "; Gewichte: " + SRC_DIR)
SD_P1 = "Schuljahr 2024/25"
SD_P2 = "Sozialindex: Schuljahr 2025/26; Schülerzahlen: Schuljahr 2024/25"

HF_SCHULE = "Schulische Bildung"
HF_SOZIAL = "Soziale Lage"
HF_FOERDER = "Förderprogramme"

GEBIETE_HEADER = ["Schlüssel", "Name", "Übergeordnet", "Ebene", "Einwohner",
                  "Kachel_Zeile", "Kachel_Spalte", "Breite", "Länge"]
KENNZAHLEN_HEADER = ["Schlüssel", "Name", "Einheit", "Richtung",
                     "Handlungsfeld", "Definition", "Quelle", "Stichtag",
                     "Nachkommastellen"]
WERTE_HEADER = ["Gebiet", "Kennzahl", "Zeitraum", "Wert", "Zähler",
                "Nenner"]


def fail(msg):
  sys.stderr.write("make_example: " + msg + "\n")
  sys.exit(1)


# ---- reading ---------------------------------------------------------------

def read_csv(path):
  with open(path, encoding="utf-8-sig", newline="") as f:
    return list(csv.DictReader(f))


def read_structure(shared):
  rows = read_csv(os.path.join(shared, "gelsenkirchen",
                               "gelsenkirchen_stadtbezirke_stadtteile.csv"))
  out = [(r["stadtbezirk"].strip(), r["stadtteil"].strip()) for r in rows]
  if sorted(t for _, t in out) != sorted(STADTTEIL_CODES):
    fail("Stadtteile der Strukturdatei passen nicht zu STADTTEIL_CODES")
  if sorted({b for b, _ in out}) != sorted(BEZIRK_KEYS):
    fail("Stadtbezirke der Strukturdatei passen nicht zu BEZIRK_KEYS")
  return out


def read_population(shared):
  path = os.path.join(shared, "bkg-vg250-ew-2022-attribute",
                      "vg250_ew_2022_gemeinden_gf4.csv")
  for r in read_csv(path):
    if r["AGS"] == CITY_AGS:
      return int(r["EWZ"])
  fail("AGS %s nicht in %s" % (CITY_AGS, path))
  return None


def read_si_2526(shared):
  path = os.path.join(shared, "gelsenkirchen", "sozialindex_2025-26.csv")
  out = {}
  for r in read_csv(path):
    out[r["Schulnummer"].strip()] = int(r["Sozialindex"])
  return out


def school_name(r):
  """Amtliche Bezeichnung 1-3 joined: a blank where a part continues the
  phrase (previous part ends with a function word or 'Förderschwerpunkt',
  next part starts in lower case, with '-', '(' or 'Gelsenkirchen'),
  else ', '."""
  joiners = {"an", "am", "der", "die", "des", "d.", "mit", "und", "u.",
             "m", "für", "im", "förderschwerpunkt", "förderschwerpunkte"}
  name = ""
  for i in (1, 2, 3):
    part = " ".join(r["Amtliche Bezeichnung %d" % i].split())
    if not part:
      continue
    if not name:
      name = part
    elif (name.split()[-1].casefold() in joiners or part[0].islower()
          or part[0] in "-(" or part.startswith("Gelsenkirchen")
          or name.endswith(",")):
      name += " " + part
    else:
      name += ", " + part
  return name


def street_of(r):
  words = r["Straße und Hausnummer"].split()
  while words and any(c.isdigit() for c in words[-1]):
    words.pop()
  return " ".join(words)


# ---- Stadtteil matching ----------------------------------------------------

def norm(s):
  s = s.strip().casefold().replace("ß", "ss")
  if s.startswith("gelsenkirchen-"):
    s = s[len("gelsenkirchen-"):]
  return " ".join(s.replace("-", " ").split())


def stadtteil_of(address, structure, schulnummer=""):
  """Stadtteil named by a found_address (rules in the module docstring),
  or None."""
  if schulnummer in OVERRIDES:
    return OVERRIDES[schulnummer]
  bezirk_of = {t: b for b, t in structure}
  by_norm = {norm(t): t for t in bezirk_of}
  bez_norm = {norm(b): b for b in BEZIRK_KEYS}
  sub_norm = {norm(k): v for k, v in SUBQUARTERS.items()}
  parts = [p.strip() for p in address.split(",")]
  bezirk, bez_pos, cands = None, None, []
  for i, p in enumerate(parts):
    n = norm(p)
    if p.casefold().startswith("gelsenkirchen-") and n in bez_norm:
      bezirk, bez_pos = bez_norm[n], i
    elif n in by_norm:
      cands.append((i, by_norm[n]))
  names = sorted({t for _, t in cands})
  if len(names) > 1 and bez_pos is not None:
    names = [t for i, t in cands if i == bez_pos - 1]
  if not names:
    names = sorted({sub_norm[norm(p)] for p in parts
                    if norm(p) in sub_norm})
  if len(names) != 1:
    return None
  if bezirk is not None and bezirk_of[names[0]] != bezirk:
    return None
  return names[0]


def read_schools(shared, structure, si2526):
  path = os.path.join(shared, "gelsenkirchen",
                      "schulen_2024-25_mit_sozialindex.csv")
  rows = read_csv(path)
  schools, unmatched = [], []
  for r in rows:
    nr = r["Schulnummer"].strip()
    if r["Schuljahr"] != P1:
      fail("Schule %s: Schuljahr %r statt %s" % (nr, r["Schuljahr"], P1))
    check_si_vintage(nr, r["Sozialindex"], si2526)
    teil = stadtteil_of(r["found_address"], structure, nr)
    if teil is None:
      unmatched.append("%s %s: %s" % (nr, school_name(r), r["found_address"]))
      continue
    schools.append(make_school(r, nr, teil, si2526))
  for u in unmatched:
    sys.stderr.write("make_example: kein Stadtteil für Schule " + u + "\n")
  if unmatched:
    fail("%d Schule(n) ohne Stadtteil" % len(unmatched))
  unknown = sorted(set(si2526) - {s["nr"] for s in schools})
  if unknown:
    fail("Sozialindex 2025/26 für unbekannte Schulen: " + ", ".join(unknown))
  disambiguate_names(schools)
  return schools


def check_si_vintage(nr, value, si2526):
  """The school file's Sozialindex must be the 2025/26 list (see the
  module docstring); anything else means the labelling here is wrong."""
  old = int(float(value)) if value.strip() else None
  if old != si2526.get(nr):
    fail("Schule %s: Sozialindex der Schuldatei (%s) weicht von der Liste "
         "2025/26 (%s) ab; die Jahreszuordnung im Skript prüfen"
         % (nr, old, si2526.get(nr)))


def make_school(r, nr, teil, si2526):
  lat, lon = r["latitude"].strip(), r["longitude"].strip()
  return {
      "nr": nr, "key": "S" + nr, "name": school_name(r), "row": r,
      "form": r["Schulform"].strip(), "teil": teil,
      "pupils": int(r["Anzahl"]),
      "startchancen": int(r["Startchancen-Schule"]),
      "si": si2526.get(nr),
      "lat": lat, "lon": lon,
  }


def disambiguate_names(schools):
  count = {}
  for s in schools:
    count[s["name"]] = count.get(s["name"], 0) + 1
  for s in schools:
    if count[s["name"]] > 1:
      s["name"] += " (" + street_of(s["row"]) + ")"
  names = [s["name"] for s in schools]
  if len(set(names)) != len(names):
    fail("Schulnamen auch mit Straße nicht eindeutig")


# ---- tile layout -----------------------------------------------------------

def hungarian(cost):
  """Minimum-cost assignment of n rows to distinct columns (n <= m).
  Returns col[i] for every row i. O(n^2 m), deterministic."""
  n, m = len(cost), len(cost[0])
  inf = float("inf")
  u, v = [0.0] * (n + 1), [0.0] * (m + 1)
  p, way = [0] * (m + 1), [0] * (m + 1)
  for i in range(1, n + 1):
    p[0], j0 = i, 0
    minv, used = [inf] * (m + 1), [False] * (m + 1)
    while True:
      used[j0] = True
      i0, delta, j1 = p[j0], inf, 0
      for j in range(1, m + 1):
        if not used[j]:
          cur = cost[i0 - 1][j - 1] - u[i0] - v[j]
          if cur < minv[j]:
            minv[j], way[j] = cur, j0
          if minv[j] < delta:
            delta, j1 = minv[j], j
      for j in range(m + 1):
        if used[j]:
          u[p[j]] += delta
          v[j] -= delta
        else:
          minv[j] -= delta
      j0 = j1
      if p[j0] == 0:
        break
    while j0:
      j1 = way[j0]
      p[j0] = p[j1]
      j0 = j1
  col = [None] * n
  for j in range(1, m + 1):
    if p[j]:
      col[p[j] - 1] = j - 1
  return col


def mean_coords(schools, teile):
  out = {}
  for t in teile:
    pts = [(float(s["lat"]), float(s["lon"])) for s in schools
           if s["teil"] == t and s["lat"] and s["lon"]]
    if pts:
      out[t] = (sum(a for a, _ in pts) / len(pts),
                sum(b for _, b in pts) / len(pts))
  return out


def tile_layout(schools, structure):
  """Stadtteil -> (row, col); see the module docstring."""
  teile = [t for _, t in structure]
  mc = mean_coords(schools, teile)
  missing = [t for t in teile if t not in mc]
  if missing:
    fail("keine Koordinaten für Stadtteil(e): " + ", ".join(missing))
  lats = [mc[t][0] for t in teile]
  lons = [mc[t][1] for t in teile]
  cells = [(i, j) for i in range(TILE_ROWS) for j in range(TILE_COLS)]
  cost = []
  for t in teile:
    y = (max(lats) - mc[t][0]) / (max(lats) - min(lats)) * (TILE_ROWS - 1)
    x = (mc[t][1] - min(lons)) / (max(lons) - min(lons)) * (TILE_COLS - 1)
    cost.append([(y - i) ** 2 + (x - j) ** 2 for i, j in cells])
  col = hungarian(cost)
  tiles = {t: cells[c] for t, c in zip(teile, col)}
  if len(set(tiles.values())) != len(tiles):
    fail("zwei Stadtteile auf einer Kachel")
  return tiles


def tiles_ascii(tiles):
  grid = [["."] * TILE_COLS for _ in range(TILE_ROWS)]
  for t, (i, j) in tiles.items():
    grid[i][j] = t
  width = max(len(t) for t in tiles) + 1
  lines = ["   " + "".join(str(j).ljust(width) for j in range(TILE_COLS))]
  for i, row in enumerate(grid):
    lines.append(str(i).ljust(3) + "".join(c.ljust(width) for c in row))
  return "\n".join(line.rstrip() for line in lines) + "\n"


# ---- indicators ------------------------------------------------------------

def pupils(schools, pred=lambda s: True):
  return sum(s["pupils"] for s in schools if pred(s))


def weighted_si(schools, forms):
  """Pupil-weighted mean Sozialindex of the schools of `forms` (None: all
  forms) that have an index; None when there is none."""
  use = [s for s in schools if s["si"] is not None
         and (forms is None or s["form"] in forms)]
  den = pupils(use)
  if den == 0:
    return None
  return (sum(s["pupils"] * s["si"] for s in use) / den, None, None)


def share(num, den):
  if den == 0:
    return None
  return (100.0 * num / den, num, den)


def is_gs(s):
  return s["form"] in PRIMARY


def k_schulen(ss):
  return (len(ss), None, None)


def k_schueler(ss):
  return (pupils(ss), None, None)


def k_gs_schueler(ss):
  return (pupils(ss, is_gs), None, None)


def k_gs_si(ss):
  return weighted_si(ss, PRIMARY)


def k_gs_si79(ss):
  gs = [s for s in ss if is_gs(s) and s["si"] is not None]
  return share(pupils(gs, lambda s: s["si"] >= 7), pupils(gs))


def k_si(ss):
  return weighted_si(ss, None)


def k_wf_si(ss):
  return weighted_si(ss, SECONDARY)


def k_startchancen(ss):
  return share(pupils(ss, lambda s: s["startchancen"] == 1), pupils(ss))


GEWICHT = (" Gewichte sind die Schülerzahlen 2024/25, weil für 2025/26 keine "
           "Schülerzahlen vorliegen. Standort der Schule, nicht Wohnort der "
           "Kinder.")

# key, name, unit, direction, field, definition, source, date, decimals,
# level ("Gebiet" = city/Bezirk/Stadtteil, "Schule"), period, function
INDICATORS = [
    ("schulen_anzahl", "Schulen", "Anzahl", "neutral", HF_SCHULE,
     "Zahl der Schulen (alle Schulformen, öffentlich und privat) mit "
     "Standort im Gebiet laut Schulverzeichnis.",
     SRC_DIR, SD_P1, 0, "Gebiet", P1, k_schulen),
    ("schueler_anzahl", "Schülerinnen und Schüler", "Anzahl", "neutral",
     HF_SCHULE,
     "Schülerinnen und Schüler aller Schulen mit Standort im Gebiet "
     "(einschließlich Berufs- und Weiterbildungskollegs; vom Landesamt auf "
     "5 gerundet). Zählt nach Schulstandort, nicht nach Wohnort. Nur "
     "2024/25 verfügbar.",
     SRC_DIR, SD_P1, 0, "Gebiet", P1, k_schueler),
    ("gs_schueler", "Schülerinnen und Schüler an Grundschulen", "Anzahl",
     "neutral", HF_SCHULE,
     "Schülerinnen und Schüler der Grundschulen mit Standort im Gebiet "
     "(auf 5 gerundet). Nur 2024/25 verfügbar; für 2025/26 liegen keine "
     "Schülerzahlen vor.",
     SRC_DIR, SD_P1, 0, "Gebiet", P1, k_gs_schueler),
    ("gs_sozialindex_mittel", "Mittlerer Sozialindex der Grundschulen",
     "Stufe 1–9", "hoch_ist_schlecht", HF_SOZIAL,
     "Schülergewichteter Mittelwert des Schulsozialindex (Stufe 1 = "
     "geringste, 9 = höchste Belastung) der Grundschulen im Gebiet." + GEWICHT,
     SRC_MIX, SD_P2, 2, "Gebiet", P2, k_gs_si),
    ("gs_anteil_si_7_9",
     "Anteil Grundschulkinder an Schulen mit Sozialindex 7–9", "%",
     "hoch_ist_schlecht", HF_SOZIAL,
     "Schülerinnen und Schüler an Grundschulen mit Sozialindex 7, 8 oder 9 "
     "(Zähler) je 100 Schülerinnen und Schüler an Grundschulen mit "
     "Sozialindex (Nenner)." + GEWICHT,
     SRC_MIX, SD_P2, 1, "Gebiet", P2, k_gs_si79),
    ("sozialindex_mittel", "Mittlerer Sozialindex aller Schulen",
     "Stufe 1–9", "hoch_ist_schlecht", HF_SOZIAL,
     "Schülergewichteter Mittelwert des Schulsozialindex über alle Schulen "
     "im Gebiet, die einen Sozialindex haben (Förder-, Berufs-, "
     "Weiterbildungskollegs und Privatschulen haben keinen)." + GEWICHT,
     SRC_MIX, SD_P2, 2, "Gebiet", P2, k_si),
    ("weiterf_sozialindex_mittel",
     "Mittlerer Sozialindex der weiterführenden Schulen", "Stufe 1–9",
     "hoch_ist_schlecht", HF_SOZIAL,
     "Schülergewichteter Mittelwert des Schulsozialindex der Haupt-, Real-, "
     "Sekundar- und Gesamtschulen und Gymnasien mit Sozialindex im Gebiet; "
     "leer, wo es keine solche Schule gibt." + GEWICHT,
     SRC_MIX, SD_P2, 2, "Gebiet", P2, k_wf_si),
    ("anteil_startchancen",
     "Anteil Schülerinnen und Schüler an Startchancen-Schulen", "%",
     "hoch_ist_schlecht", HF_FOERDER,
     "Schülerinnen und Schüler an Schulen des Startchancen-Programms "
     "(Zähler) je 100 Schülerinnen und Schüler aller Schulen im Gebiet "
     "(Nenner). Hoher Wert = viel Förderbedarf. Das Kennzeichen liegt nur "
     "für 2024/25 vor; für 2025/26 gibt es keinen Wert.",
     SRC_DIR + "; " + SRC_SC, SD_P1, 1, "Gebiet", P1, k_startchancen),
    ("schule_schueler", "Schülerinnen und Schüler der Schule", "Anzahl",
     "neutral", HF_SCHULE,
     "Schülerinnen und Schüler der Schule (auf 5 gerundet). Nur 2024/25.",
     SRC_DIR, SD_P1, 0, "Schule", P1, lambda s: (s["pupils"], None, None)),
    ("schule_sozialindex", "Sozialindex der Schule", "Stufe 1–9",
     "hoch_ist_schlecht", HF_SOZIAL,
     "Schulsozialindex der Schule (1 = geringste, 9 = höchste Belastung). "
     "Leer für Schulen ohne Sozialindex (Förderschulen, Berufs- und "
     "Weiterbildungskollegs, Privatschulen). Nur 2025/26 veröffentlicht.",
     SRC_SI, "Schuljahr 2025/26", 0, "Schule", P2,
     lambda s: None if s["si"] is None else (s["si"], None, None)),
    ("schule_startchancen", "Startchancen-Schule", "0/1",
     "hoch_ist_schlecht", HF_FOERDER,
     "1 = die Schule nimmt am Startchancen-Programm teil (ausgewählt wegen "
     "besonderer sozialer Lage; hoher Wert = Förderbedarf), 0 = nicht. "
     "Nur 2024/25.",
     SRC_SC, SD_P1, 0, "Schule", P1,
     lambda s: (s["startchancen"], None, None)),
]


# ---- areas and values ------------------------------------------------------

def teil_key(structure, teil):
  bez = dict((t, b) for b, t in structure)[teil]
  return BEZIRK_KEYS[bez] + "-" + STADTTEIL_CODES[teil]


def build_areas(structure, schools, tiles, population):
  """Rows of gebiete.csv and, per area key, the schools located there."""
  rows = [[CITY_KEY, CITY_NAME, "", "Stadt", str(population), "", "", "", ""]]
  members = {CITY_KEY: list(schools)}
  for bez in BEZIRK_KEYS:
    key = BEZIRK_KEYS[bez]
    rows.append([key, bez, CITY_KEY, "Stadtbezirk", "", "", "", "", ""])
    teile = {t for b, t in structure if b == bez}
    members[key] = [s for s in schools if s["teil"] in teile]
  for bez, teil in structure:
    key = teil_key(structure, teil)
    r, c = tiles[teil]
    rows.append([key, teil, BEZIRK_KEYS[bez], "Stadtteil", "", str(r),
                 str(c), "", ""])
    members[key] = [s for s in schools if s["teil"] == teil]
  order = {t: i for i, (_, t) in enumerate(structure)}
  for s in sorted(schools, key=lambda s: (order[s["teil"]], s["nr"])):
    rows.append([s["key"], s["name"], teil_key(structure, s["teil"]),
                 "Schule", "", "", "", dec(s["lat"]), dec(s["lon"])])
  return rows, members


def dec(text):
  """A number given as text with '.' -> decimal comma, digits kept."""
  return text.replace(".", ",")


def num(x):
  """A value with up to 4 decimals, trailing zeros dropped, decimal comma."""
  if x is None:
    return ""
  if isinstance(x, int):
    return str(x)
  s = "%.4f" % x
  s = s.rstrip("0").rstrip(".")
  return "0" if s == "-0" else s.replace(".", ",")


def build_values(area_rows, members, schools):
  by_key = {s["key"]: s for s in schools}
  rows = []
  for ind in INDICATORS:
    key, level, period, fn = ind[0], ind[9], ind[10], ind[11]
    for a in area_rows:
      if (a[3] == "Schule") != (level == "Schule"):
        continue
      res = fn(by_key[a[0]]) if level == "Schule" else fn(members[a[0]])
      v, n, d = res if res is not None else (None, None, None)
      rows.append([a[0], key, period, num(v), num(n), num(d)])
  return rows


def indicator_rows():
  return [[i[0], i[1], i[2], i[3], i[4], i[5], i[6], i[7], str(i[8])]
          for i in INDICATORS]


# ---- writing ---------------------------------------------------------------

def to_bytes(header, rows):
  buf = io.StringIO(newline="")
  w = csv.writer(buf, delimiter=";", lineterminator="\r\n",
                 quoting=csv.QUOTE_MINIMAL)
  w.writerow(header)
  w.writerows(rows)
  return ("\ufeff" + buf.getvalue()).encode("utf-8")


def write_file(path, header, rows):
  data = to_bytes(header, rows)
  tmp = path + ".tmp"
  with open(tmp, "wb") as f:
    f.write(data)
  os.replace(tmp, path)


# ---- validation (reads the written files back) -----------------------------

EXPECTED = {"Stadt": 1, "Stadtbezirk": 5, "Stadtteil": 18, "Schule": 79}
PARENT_LEVEL = {"Stadtbezirk": "Stadt", "Stadtteil": "Stadtbezirk",
                "Schule": "Stadtteil"}


def load_back(path, header):
  with open(path, "rb") as f:
    data = f.read()
  if not data.startswith(b"\xef\xbb\xbf"):
    fail(path + ": kein UTF-8-BOM")
  if data.count(b"\n") != data.count(b"\r\n") or not data.endswith(b"\r\n"):
    fail(path + ": Zeilenenden nicht durchgehend CRLF")
  rows = list(csv.reader(io.StringIO(data[3:].decode("utf-8"), newline=""),
                         delimiter=";"))
  if rows[0] != header:
    fail(path + ": Kopfzeile %r" % rows[0])
  if any(len(r) != len(header) for r in rows[1:]):
    fail(path + ": Zeile mit falscher Spaltenzahl")
  return rows[1:]


def parse_num(s):
  return None if s == "" else float(s.replace(",", "."))


def check_areas(areas):
  level = {a[0]: a[3] for a in areas}
  if len(level) != len(areas):
    fail("gebiete.csv: doppelte Schlüssel")
  for lv, n in EXPECTED.items():
    got = sum(1 for a in areas if a[3] == lv)
    if got != n:
      fail("gebiete.csv: %d Gebiete der Ebene %s, erwartet %d" % (got, lv, n))
  for a in areas:
    if a[3] in PARENT_LEVEL and level.get(a[2]) != PARENT_LEVEL[a[3]]:
      fail("gebiete.csv: %s hat Übergeordnet %r" % (a[0], a[2]))
  cells = [(a[5], a[6]) for a in areas if a[3] == "Stadtteil"]
  if len(set(cells)) != len(cells) or ("", "") in cells:
    fail("gebiete.csv: Kacheln fehlen oder doppelt")
  kids = {}
  for a in areas:
    kids.setdefault(a[2], []).append(a[0])
  empty = [a[1] for a in areas if a[3] == "Stadtteil" and a[0] not in kids]
  return kids, empty


def schools_below(key, kids, level):
  out, todo = [], [key]
  while todo:
    k = todo.pop()
    if level[k] == "Schule":
      out.append(k)
    todo.extend(kids.get(k, []))
  return out


def check_values(areas, inds, werte, kids):
  level = {a[0]: a[3] for a in areas}
  keys = {i[0] for i in inds}
  val, zn = {}, {}
  for g, k, p, w, z, n in werte:
    if k not in keys or g not in level or p not in (P1, P2):
      fail("werte.csv: unbekannt: %s;%s;%s" % (g, k, p))
    val[(g, k)] = parse_num(w)
    zn[(g, k)] = (parse_num(z), parse_num(n))
    if z != "" and abs(100 * parse_num(z) / parse_num(n) - val[(g, k)]) > 1e-4:
      fail("werte.csv: %s %s: Wert != 100*Zähler/Nenner" % (g, k))
  for a in areas:
    if a[3] != "Schule":
      check_area_against_schools(a[0], val, zn, schools_below(
          a[0], kids, level))
      check_additive(a[0], kids.get(a[0], []), level, val, zn)


def close(a, b):
  return (a is None and b is None) or (
      a is not None and b is not None and abs(a - b) < 1e-4)


def check_area_against_schools(g, val, zn, ss):
  pup = {s: val[(s, "schule_schueler")] for s in ss}
  si = {s: val[(s, "schule_sozialindex")] for s in ss}
  sc = {s: val[(s, "schule_startchancen")] for s in ss}
  with_si = [s for s in ss if si[s] is not None]
  den = sum(pup[s] for s in with_si)
  mean = sum(pup[s] * si[s] for s in with_si) / den if den else None
  zs = sum(pup[s] for s in ss if sc[s] == 1)
  checks = [
      (val[(g, "schulen_anzahl")], len(ss), "Zahl der Schulen"),
      (val[(g, "schueler_anzahl")], sum(pup.values()), "Summe Schüler"),
      (val[(g, "sozialindex_mittel")], mean, "mittlerer Sozialindex"),
      (zn[(g, "anteil_startchancen")][0], zs, "Startchancen-Zähler"),
  ]
  for got, want, what in checks:
    if not close(got, want):
      fail("Prüfung %s für %s: %s statt %s" % (what, g, got, want))


def check_additive(g, children, level, val, zn):
  kids = [c for c in children if level[c] != "Schule"]
  if not kids:
    return
  for k in ("schulen_anzahl", "schueler_anzahl", "gs_schueler"):
    if not close(val[(g, k)], sum(val[(c, k)] for c in kids)):
      fail("Prüfung: %s von %s ist nicht die Summe der Teilgebiete" % (k, g))
  for k in ("gs_anteil_si_7_9", "anteil_startchancen"):
    for i in (0, 1):
      parts = [zn[(c, k)][i] or 0 for c in kids]
      if not close(zn[(g, k)][i] or 0, sum(parts)):
        fail("Prüfung: Zähler/Nenner %s von %s" % (k, g))


def validate(out):
  areas = load_back(os.path.join(out, "gebiete.csv"), GEBIETE_HEADER)
  inds = load_back(os.path.join(out, "kennzahlen.csv"), KENNZAHLEN_HEADER)
  werte = load_back(os.path.join(out, "werte.csv"), WERTE_HEADER)
  for i in inds:
    if i[3] not in ("hoch_ist_gut", "hoch_ist_schlecht", "neutral"):
      fail("kennzahlen.csv: Richtung %r" % i[3])
    if not all(c.islower() or c.isdigit() or c == "_" for c in i[0]) \
        or not i[0].isascii():
      fail("kennzahlen.csv: Schlüssel %r" % i[0])
  kids, empty = check_areas(areas)
  check_values(areas, inds, werte, kids)
  counts = {lv: sum(1 for a in areas if a[3] == lv) for lv in EXPECTED}
  sys.stderr.write(
      "make_example: geprüft: %s; %d Kennzahlen, %d Werte; Stadtteile ohne "
      "Schule: %s\n" % (", ".join("%d %s" % (n, lv) for lv, n in
                                  counts.items()), len(inds), len(werte),
                        ", ".join(empty) or "keine"))
  return empty


# ---- self test and main ----------------------------------------------------

SELFTEST_STRUCTURE = [(b, t) for b, ts in (
    ("Mitte", ["Altstadt", "Bismarck", "Bulmke-Hüllen", "Feldmark", "Heßler",
               "Schalke", "Schalke-Nord"]),
    ("Nord", ["Buer", "Hassel", "Scholven"]),
    ("West", ["Beckhausen", "Horst"]),
    ("Ost", ["Erle", "Resse", "Resser Mark"]),
    ("Süd", ["Neustadt", "Rotthausen", "Ückendorf"])) for t in ts]

SELFTEST_CASES = [
    ("1, Weg, Resser-Mark, Gelsenkirchen-Ost, Gelsenkirchen", "Resser Mark"),
    ("1, Weg, Hessler, Gelsenkirchen-Mitte, Gelsenkirchen", "Heßler"),
    ("1, Weg, Gelsenkirchen-Altstadt, Gelsenkirchen, 45879", "Altstadt"),
    ("2, Weg, Sophienau, Gelsenkirchen-Mitte, Gelsenkirchen", "Schalke"),
    ("2, Weg, Erle-Berger Feld, Gelsenkirchen", "Erle"),
    ("3, Weg, Schalke-Nord, Gelsenkirchen-Mitte, Gelsenkirchen",
     "Schalke-Nord"),
    ("4, Horst, Buer, Gelsenkirchen-Nord, Gelsenkirchen", "Buer"),
    ("5, Weg, Buer, Gelsenkirchen-Süd, Gelsenkirchen", None),
    ("6, Weg, Irgendwo, Gelsenkirchen-Mitte, Gelsenkirchen", None),
    ("7, Horst, Buer, Gelsenkirchen", None),
]


def selftest():
  bad = 0
  for addr, want in SELFTEST_CASES:
    got = stadtteil_of(addr, SELFTEST_STRUCTURE)
    if got != want:
      sys.stderr.write("selftest: %r -> %r, erwartet %r\n" % (addr, got, want))
      bad += 1
  cost = [[4, 1, 3], [2, 0, 5], [3, 2, 2]]
  if hungarian(cost) != [1, 0, 2]:
    sys.stderr.write("selftest: hungarian %r\n" % hungarian(cost))
    bad += 1
  if num(2.0 / 3) != "0,6667" or num(7.5) != "7,5" or num(12) != "12":
    sys.stderr.write("selftest: Zahlenformat\n")
    bad += 1
  sys.stderr.write("selftest: %d Fehler\n" % bad)
  return 1 if bad else 0


def generate(shared, out, show_tiles):
  structure = read_structure(shared)
  si2526 = read_si_2526(shared)
  schools = read_schools(shared, structure, si2526)
  tiles = tile_layout(schools, structure)
  if show_tiles:
    sys.stdout.write(tiles_ascii(tiles))
    return 0
  population = read_population(shared)
  areas, members = build_areas(structure, schools, tiles, population)
  values = build_values(areas, members, schools)
  os.makedirs(out, exist_ok=True)
  write_file(os.path.join(out, "gebiete.csv"), GEBIETE_HEADER, areas)
  write_file(os.path.join(out, "kennzahlen.csv"), KENNZAHLEN_HEADER,
             indicator_rows())
  write_file(os.path.join(out, "werte.csv"), WERTE_HEADER, values)
  validate(out)
  return 0


def main(argv):
  ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
  ap.add_argument("--shared", help="path to shared/data")
  ap.add_argument("--out", help="output directory")
  ap.add_argument("--show-tiles", action="store_true",
                  help="print the tile layout as ASCII and stop")
  ap.add_argument("--validate", metavar="DIR",
                  help="only check the CSV files in DIR")
  ap.add_argument("--selftest", action="store_true",
                  help="check the matching rules and helpers")
  a = ap.parse_args(argv)
  if a.selftest:
    return selftest()
  if a.validate:
    validate(a.validate)
    return 0
  if not a.shared or (not a.out and not a.show_tiles):
    ap.error("--shared und --out (oder --show-tiles) sind nötig")
  if not os.path.isdir(a.shared):
    fail("Verzeichnis %s fehlt" % a.shared)
  return generate(a.shared, a.out, a.show_tiles)


if __name__ == "__main__":
  sys.exit(main(sys.argv[1:]))
