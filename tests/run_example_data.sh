#!/usr/bin/env bash
# script.example_data - the bundled example dataset examples/gelsenkirchen.
#
# Called by ctest as: bash run_example_data.sh AMPEL_BINARY SOURCE_DIR BUILD_DIR
#
# 1. Self test of the script's matching rules and helpers (no data needed).
# 2. The committed CSV files are well-formed (BOM, CRLF, headers) and
#    consistent: level counts, parents, tiles, sums per area equal the sums
#    over the school rows, shares = 100 * Zähler / Nenner (no data needed).
# 3. With ../shared/data present: the script, re-run into a temp dir,
#    reproduces the committed files byte for byte, and a separate pandas
#    computation from the source files gives the same per-Stadtteil values.
#    Without it: exit 77 (skipped) after steps 1-2.
set -u

src=${2:?usage: run_example_data.sh AMPEL_BINARY SOURCE_DIR BUILD_DIR}
ex="$src/examples/gelsenkirchen"
shared="$src/../shared/data"
py=/usr/bin/python3
if [ ! -x "$py" ]; then echo "skipped: $py not installed" >&2; exit 77; fi

fail() { echo "FAIL: $*" >&2; exit 1; }

"$py" "$ex/make_example.py" --selftest || fail "selftest"
"$py" "$ex/make_example.py" --validate "$ex" || fail "committed files invalid"

if [ ! -d "$shared" ]; then
  echo "skipped: $shared not found; the committed example was checked for" \
       "consistency but not for reproducibility" >&2
  exit 77
fi

tmp=$(mktemp -d) || fail "mktemp"
trap 'rm -rf "$tmp"' EXIT

"$py" "$ex/make_example.py" --shared "$shared" --out "$tmp" \
  || fail "make_example.py failed"
for f in gebiete.csv kennzahlen.csv werte.csv; do
  if ! cmp -s "$ex/$f" "$tmp/$f"; then
    diff "$ex/$f" "$tmp/$f" | head -40 >&2
    fail "$f differs from a fresh run: re-run make_example.py and commit"
  fi
done
echo "ok: committed example reproduced from $shared"

if ! "$py" -c 'import pandas' 2>/dev/null; then
  echo "skipped (partly): python3-pandas not installed, independent" \
       "cross-check left out" >&2
  exit 77
fi

# Independent cross-check: pandas, a regex for the Stadtteil, straight from
# the source files. Compares per Stadtteil and for the city.
"$py" - "$shared/gelsenkirchen" "$ex" <<'EOF' || fail "pandas cross-check"
import sys
import pandas as pd

data, ex = sys.argv[1], sys.argv[2]
s = pd.read_csv(data + "/schulen_2024-25_mit_sozialindex.csv", dtype=str)
si = pd.read_csv(data + "/sozialindex_2025-26.csv", dtype=str)
s = s.merge(si[["Schulnummer", "Sozialindex"]], on="Schulnummer",
            how="left", suffixes=("_alt", "_2526"))
s["n"] = s["Anzahl"].astype(int)
s["si"] = s["Sozialindex_2526"].astype(float)
s["sc"] = s["Startchancen-Schule"].astype(int)
s["teil"] = s["found_address"].str.extract(
    r",\s*([^,]+),\s*Gelsenkirchen-(?:Mitte|Nord|West|Ost|Süd)\b")[0]
assert s["teil"].notna().all(), "Stadtteil not found by regex"

g = pd.read_csv(ex + "/gebiete.csv", sep=";", encoding="utf-8-sig",
                dtype=str, keep_default_na=False)
w = pd.read_csv(ex + "/werte.csv", sep=";", encoding="utf-8-sig",
                decimal=",", dtype={"Gebiet": str, "Kennzahl": str})
name = dict(zip(g["Schlüssel"], g["Name"]))
w["name"] = w["Gebiet"].map(name)


def expected(grp):
    gs = grp[(grp["Schulform"] == "Grundschule") & grp["si"].notna()]
    wf = grp[grp["Schulform"].isin(["Hauptschule", "Realschule",
                                    "Sekundarschule", "Gesamtschule",
                                    "Gymnasium"]) & grp["si"].notna()]
    al = grp[grp["si"].notna()]
    wm = lambda d: (d["n"] * d["si"]).sum() / d["n"].sum() if len(d) else None
    return {
        "schulen_anzahl": len(grp),
        "schueler_anzahl": grp["n"].sum(),
        "gs_schueler": grp.loc[grp["Schulform"] == "Grundschule", "n"].sum(),
        "gs_sozialindex_mittel": wm(gs),
        "gs_anteil_si_7_9": 100 * gs.loc[gs["si"] >= 7, "n"].sum()
        / gs["n"].sum() if len(gs) else None,
        "sozialindex_mittel": wm(al),
        "weiterf_sozialindex_mittel": wm(wf),
        "anteil_startchancen": 100 * grp.loc[grp["sc"] == 1, "n"].sum()
        / grp["n"].sum(),
    }


groups = [(t, d) for t, d in s.groupby("teil")] + [("Gelsenkirchen", s)]
bad = checked = 0
for teil, grp in groups:
    rows = w[w["name"] == teil]
    assert len(rows), "no values for " + teil
    for key, want in expected(grp).items():
        got = rows.loc[rows["Kennzahl"] == key, "Wert"]
        assert len(got) == 1, (teil, key)
        got = got.iloc[0]
        ok = (pd.isna(got) and want is None) or (
            want is not None and abs(got - want) < 5e-5)
        checked += 1
        if not ok:
            bad += 1
            print("mismatch", teil, key, got, want, file=sys.stderr)
print("pandas cross-check: %d values, %d mismatches" % (checked, bad))
sys.exit(1 if bad or checked != 19 * 8 else 0)
EOF
