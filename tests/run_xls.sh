#!/usr/bin/env bash
# script.xls - Excel 97-2003 workbooks (.xls, issue 13): a workbook with the
# sheets Gebiete, Kennzahlen, Werte imports the same values as the
# equivalent CSV files (`ampel export` byte for byte), through import,
# check and import --pruefen; malformed workbooks are refused with their
# located message, exit 1 and the database unchanged.
# The workbooks are written here by tests/data/xls/make_xls.py (a minimal
# BIFF8 writer; no binary in git).
# Called by ctest as: bash run_xls.sh AMPEL_BINARY SOURCE_DIR BUILD_DIR
set -u
bin=$(realpath "$1"); src=$(realpath "$2")
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
export SOURCE_DATE_EPOCH=1767225600 LC_ALL=C.UTF-8
command -v python3 >/dev/null || { echo "übersprungen: python3 fehlt"; exit 77; }
cd "$work" || exit 1
mk="$src/tests/data/xls/make_xls.py"
fail=0
die() { echo "FAIL: $*"; fail=1; }

# 1. The Gelsenkirchen example as a workbook: numbers as NUMBER cells,
#    texts (umlauts, long definitions over several SST records) shared.
ex="$src/examples/gelsenkirchen"
python3 "$mk" ge.xls Gebiete="$ex/gebiete.csv" Kennzahlen="$ex/kennzahlen.csv" \
  Werte="$ex/werte.csv" || die "make_xls.py"
"$bin" --db csv.db import "$ex/gebiete.csv" "$ex/kennzahlen.csv" \
  "$ex/werte.csv" >/dev/null || die "CSV-Einfuhr"
"$bin" --db xls.db import ge.xls >out.txt 2>err.txt || { cat err.txt; die "xls-Einfuhr"; }
grep -q "eingelesen: 1 Datei, 103 Gebiete, 11 Kennzahlen" out.txt ||
  die "Zusammenfassung: $(cat out.txt)"
"$bin" --db csv.db export -o csv.csv && "$bin" --db xls.db export -o xls.csv
cmp -s csv.csv xls.csv || { diff csv.csv xls.csv | head; die "Export weicht ab"; }
[ "$(wc -l <xls.csv)" -gt 400 ] || die "zu wenige Werte: $(wc -l <xls.csv)"
# the areas and indicators too (names, units, definitions)
for what in areas indicators; do
  "$bin" --db csv.db list "$what" >a.txt; "$bin" --db xls.db list "$what" >b.txt
  cmp -s a.txt b.txt || { diff a.txt b.txt | head; die "list $what weicht ab"; }
done
# check and import --pruefen take .xls as well
"$bin" --db none.db check ge.xls >/dev/null 2>&1 || die "check ge.xls"
[ ! -e none.db ] || die "check legte eine Datenbank an"
"$bin" --db csv.db import --pruefen ge.xls >pruefen.txt 2>&1 || die "--pruefen ge.xls"
grep -q "^  neue Werte: 0$" pruefen.txt && grep -q "^  geänderte Werte: 0$" pruefen.txt ||
  die "--pruefen: die .xls ändert die CSV-Daten: $(cat pruefen.txt)"
# .xls next to CSV files in one import; the name does not decide, the
# content does (a workbook named .XLS, a CSV file beside it)
cp ge.xls GROSS.XLS
"$bin" --db mixed.db import GROSS.XLS "$ex/werte.csv" >/dev/null 2>mixed.txt &&
  die "Werte doppelt in einer Einfuhr nicht abgewiesen"
grep -q "Fehler" mixed.txt || die "keine Meldung bei doppelten Werten"

# 2. Malformed workbooks: located message, exit 1, database unchanged.
python3 "$mk" --fixtures fx || die "make_xls.py --fixtures"
"$bin" --db base.db import "$ex/gebiete.csv" "$ex/kennzahlen.csv" >/dev/null
"$bin" --db base.db export -o before.csv
bad() { # bad FILE PATTERN: refused by import and check
  local f=$1 want=$2 rc
  cp base.db t.db
  "$bin" --db t.db import "fx/$f" >o.txt 2>e.txt; rc=$?
  [ "$rc" = 1 ] || die "$f: import exit $rc, erwartet 1"
  grep -qF -- "$want" e.txt || die "$f: Meldung '$(head -1 e.txt)' ohne '$want'"
  [ -s o.txt ] && die "$f: Ausgabe auf stdout"
  "$bin" --db t.db export -o after.csv
  cmp -s before.csv after.csv || die "$f: Datenbank verändert"
  "$bin" --db t.db check "fx/$f" >/dev/null 2>c.txt; rc=$?
  [ "$rc" = 1 ] || die "$f: check exit $rc, erwartet 1"
  diff <(head -n -1 e.txt) <(head -n -1 c.txt) >/dev/null ||
    die "$f: check meldet anderes als import"
}
bad truncated.xls "truncated.xls:1:1: Fehler: keine gültige Excel-Datei (.xls): ein Datenstrom ist größer als die Datei (abgeschnitten?)"
bad header_only.xls "header_only.xls:1:1: Fehler: keine gültige Excel-Datei (.xls)"
bad bad_header.xls "bad_header.xls:1:1: Fehler: Blatt 'Werte': Spalte 'Wert' fehlt"
bad text_number.xls "text_number.xls:3:4: Fehler: Blatt 'Werte', Zelle D3: Wert: Zahl oder Zeichen der amtlichen Statistik"
bad password.xls "password.xls:1:1: Fehler: keine gültige Excel-Datei (.xls): die Arbeitsmappe ist mit einem Kennwort geschützt"
bad encrypted_package.xls "kennwortgeschützte .xlsx-Dateien haben ebenfalls dieses Format"
bad bigdate.xls "bigdate.xls:2:1: Fehler: Tabellenblatt 'Werte': Zelle A2: Datumszelle"
bad dims.xls "dims.xls:1:1: Fehler: keine gültige Excel-Datei (.xls): Tabellenblatt 'Werte' gibt 65537 Zeilen"
# files libfreexl 1.0.6 mishandles (read past its buffers, or leaks):
# refused by the pre-scan before libfreexl sees them
bad dir_name.xls "dir_name.xls:1:1: Fehler: keine gültige Excel-Datei (.xls): ein Eintrag des Inhaltsverzeichnisses gibt einen Namen über 64 Bytes an"
bad label_globals.xls "label_globals.xls:1:1: Fehler: keine gültige Excel-Datei (.xls): eine Textzelle (LABEL) ist beschädigt"
bad sst_long.xls "sst_long.xls:1:1: Fehler: keine gültige Excel-Datei (.xls): ein gemeinsamer Text (SST) reicht über mehr als zwei Sätze"
bad no_dims.xls "no_dims.xls:1:1: Fehler: keine gültige Excel-Datei (.xls): Tabellenblatt 'Gebiete' gibt seine Größe nicht an"
# a text file named .xls: a hint to name it .csv
printf 'Gebiet;Kennzahl;Zeitraum;Wert\nGE;x;2023;1\n' >fx/text.xls
bad text.xls "text.xls:1:1: Fehler: keine gültige Excel-Datei (.xls): kein Excel-97-2003-Format"

# 3. The small workbook with the formats of a Bildungsbüro: a year as a
#    number, a German decimal typed as text, a statistics symbol.
cp base.db m.db
"$bin" --db m.db import fx/mappe.xls >/dev/null 2>m.txt || { cat m.txt; die "mappe.xls"; }
grep -q "Blatt 'Anleitung' wird nicht eingelesen" m.txt || die "kein Hinweis auf das Blatt Anleitung"
"$bin" --db m.db export -o - | grep -q "^MS-2,sgb2,2023,24.3,,," || die "24,3 als Text nicht gelesen"

[ "$fail" = 0 ] && echo "xls: alles gut"
exit "$fail"
