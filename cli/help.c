/* Help texts. docs/cli.md contains the same texts; a test checks that
 * every `ampel COMMAND --help` output appears there word for word. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

typedef struct help {
  const char *cmd;
  const char *text;
} help;

static const help texts[] = {
    {NULL,
     "ampel - kommunales Bildungsmonitoring: Ampel, Heatmap, Bedarf\n"
     "\n"
     "Aufruf: ampel [--db DATEI] BEFEHL [OPTIONEN]\n"
     "\n"
     "Befehle:\n"
     "  import DATEI...   Dateien (CSV, XLSX) in die Datenbank einlesen\n"
     "  check DATEI...    Dateien prüfen, nichts speichern\n"
     "  list WAS          Gebiete, Kennzahlen oder Zeiträume auflisten\n"
     "  export            alle Werte als CSV ausgeben\n"
     "  heatmap           Heatmap mit Clustern der Gebiete und Kennzahlen\n"
     "  lights            Ampel: Status und Entwicklung je Gebiet\n"
     "\n"
     "Allgemeine Optionen:\n"
     "  --db DATEI        Datenbank (sonst $AMPEL_DB, sonst ./ampel.db)\n"
     "  --help            Hilfe; 'ampel BEFEHL --help' für einen Befehl\n"
     "  --version         Version\n"
     "\n"
     "Rückgabewerte: 0 in Ordnung, 1 fehlerhafte Daten, 2 falscher Aufruf,\n"
     "3 Ein-/Ausgabe- oder Systemfehler.\n"},
    {"import",
     "Aufruf: ampel import [OPTIONEN] DATEI...\n"
     "\n"
     "Liest Gebiete, Kennzahlen und Werte aus CSV- und Excel-Dateien (.xlsx)\n"
     "in die Datenbank. Die Art jeder Datei wird an der Kopfzeile erkannt;\n"
     "Gebiete werden vor Kennzahlen und diese vor Werten eingelesen. Alle\n"
     "Dateien bilden eine Einfuhr: entweder wird alles gespeichert oder, beim\n"
     "kleinsten Fehler, nichts. Jeder Fehler wird mit Datei, Zeile und Spalte\n"
     "gemeldet. Ein erneuter Wert für dasselbe Gebiet, dieselbe Kennzahl und\n"
     "denselben Zeitraum ersetzt den alten.\n"
     "\n"
     "Optionen:\n"
     "  --encoding KODIERUNG  utf-8, windows-1252 oder auto (Vorgabe: auto)\n"
     "  --sep TRENNER         ';', ',' oder tab (Vorgabe: erkennen)\n"
     "  --decimal ZEICHEN     ',' oder '.' (Vorgabe: je Datei erkennen)\n"
     "\n"
     "Formate: docs/formats.md\n"},
    {"check",
     "Aufruf: ampel check [OPTIONEN] DATEI...\n"
     "\n"
     "Prüft Dateien genau wie 'ampel import', speichert aber nichts. Gebiete\n"
     "und Kennzahlen aus der Datenbank (falls vorhanden) gelten als bekannt.\n"
     "\n"
     "Optionen: wie 'ampel import'.\n"},
    {"list",
     "Aufruf: ampel list [--format text|csv] [--level EBENE] "
     "areas|indicators|periods\n"
     "\n"
     "Listet die Gebiete (in der Reihenfolge der Einfuhr), die Kennzahlen\n"
     "oder die Zeiträume (nach Beginn sortiert) der Datenbank.\n"
     "\n"
     "Optionen:\n"
     "  --format text|csv  Tabelle (Vorgabe) oder CSV\n"
     "  --level EBENE      nur Gebiete dieser Ebene (z. B. Stadtteil)\n"},
    {"export",
     "Aufruf: ampel export [--format csv] -o DATEI\n"
     "\n"
     "Schreibt alle Werte im Langformat: area,indicator,period,value,\n"
     "numerator,denominator,flag (Komma-getrennt, Dezimalpunkt, UTF-8).\n"
     "'flag' enthält das Zeichen der amtlichen Statistik; 'value' ist bei\n"
     "'.', 'x', '...', '/', '*' leer und bei '-' 0. Die Datei lässt sich mit\n"
     "'ampel import' wieder einlesen. '-o -' schreibt auf die Standardausgabe.\n"},
    {"heatmap",
     "Aufruf: ampel heatmap [OPTIONEN] -o DATEI.svg|DATEI.csv\n"
     "\n"
     "Heatmap nach dem Gelsenkirchener Verfahren: jede Kennzahl wird über die\n"
     "Gebiete auf 0 (ungünstigster) bis 1 (günstigster Wert) skaliert, dann\n"
     "werden Gebiete und Kennzahlen nach Ähnlichkeit gruppiert (hierarchische\n"
     "Clusteranalyse). .svg: Bild mit Baumdiagrammen, Legende und Quellen;\n"
     ".csv: die skalierte Matrix in der gezeichneten Reihenfolge.\n"
     "\n"
     "Optionen:\n"
     "  --level EBENE         Gebietsebene (Vorgabe: die mit den meisten\n"
     "                        Kennzahlen)\n"
     "  --period ZEITRAUM     Zeitraum (Vorgabe: der neueste mit Werten)\n"
     "  --indicators K,...    Kennzahlen (Vorgabe: alle mit Werten)\n"
     "  --cluster WAS         both, areas, indicators oder none (Vorgabe: both)\n"
     "  --linkage VERFAHREN   complete, average, single oder ward\n"
     "                        (Vorgabe: complete)\n"
     "  --palette NAME        standard (farbenblind-sicher), ampel\n"
     "                        (rot-gelb-grün) oder grau\n"
     "  --tree DATEI.csv      Baum der Gebiete in SciPy-Nummerierung schreiben\n"
     "  --reference root|mean Referenz: Gesamtstadt (Vorgabe) oder Mittelwert\n"
     "  -o DATEI              Ausgabe; die Endung (.svg, .csv) wählt das Format\n"
     "\n"
     "Verfahren und Farben: docs/ampel.md\n"},
    {"lights",
     "Aufruf: ampel lights [OPTIONEN] -o DATEI.csv|DATEI.svg\n"
     "\n"
     "Ampel je Gebiet und Kennzahl: Status (gut, durchschnittlich, kritisch)\n"
     "im Vergleich zur Referenz (Gesamtstadt) und Entwicklung (besser, stabil,\n"
     "schlechter) seit einem früheren Zeitraum; bei Quoten mit Zähler und\n"
     "Nenner der Hinweis \"unsicher\" (Wilson-Intervall). .csv: eine Zeile je\n"
     "Gebiet und Kennzahl; .svg: Ampeltabelle mit Liste \"Hinsehen\".\n"
     "\n"
     "Optionen:\n"
     "  --level EBENE         Gebietsebene (Vorgabe wie bei heatmap)\n"
     "  --period ZEITRAUM     Zeitraum (Vorgabe: der neueste mit Werten)\n"
     "  --indicators K,...    Kennzahlen (Vorgabe: alle mit Werten)\n"
     "  --since ZEITRAUM      Entwicklung seit (Vorgabe: je Kennzahl der\n"
     "                        letzte frühere Zeitraum mit Werten)\n"
     "  --band B              Schwelle (Vorgabe: 0.5 Standardabweichungen,\n"
     "                        bei relative 10 Prozent)\n"
     "  --status-method z|relative  Abstand in Standardabweichungen (z) oder\n"
     "                        in Prozent der Referenz (relative)\n"
     "  --reference root|mean Referenz: Gesamtstadt (Vorgabe) oder Mittelwert\n"
     "  --palette NAME        standard, ampel oder grau (nur .svg)\n"
     "  -o DATEI              Ausgabe; die Endung (.csv, .svg) wählt das Format\n"
     "\n"
     "Verfahren und Farben: docs/ampel.md\n"},
};

static const help *find(const char *cmd) {
  for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
    if ((cmd == NULL && texts[i].cmd == NULL) ||
        (cmd && texts[i].cmd && strcmp(cmd, texts[i].cmd) == 0))
      return &texts[i];
  return NULL;
}

int cli_has_help(const char *cmd) { return find(cmd) != NULL; }

void cli_help(const char *cmd, FILE *out) {
  const help *h = find(cmd);
  fputs(h ? h->text : texts[0].text, out);
}
