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
     "  index             Sozial-/Bedarfsindex und Stufen je Gebiet\n"
     "  allocate          Budget nach Bedarf verteilen\n"
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
    {"index",
     "Aufruf: ampel index --method mss --status K,... [--dynamics K,...]\n"
     "                    [--level EBENE] [--period ZEITRAUM]\n"
     "                    [--min-population N] -o DATEI.csv|DATEI.svg\n"
     "       ampel index --method weighted --indicators K:GEWICHT,...\n"
     "                    [--levels K] [--top-share Q] [--level-method M]\n"
     "                    [--sensitivity N --sensitivity-out DATEI.csv\n"
     "                    [--seed S]] [...] -o DATEI.csv|DATEI.svg\n"
     "\n"
     "Berechnet einen Index je Gebiet einer Ebene (docs/bedarf.md).\n"
     "\n"
     "--method mss: Status- und Dynamik-Index wie das Berliner Monitoring\n"
     "Soziale Stadtentwicklung: z-Werte der Kennzahlen, Summe, erneut\n"
     "standardisiert; Statusklasse 1 hoch bis 4 sehr niedrig, Dynamik\n"
     "+ positiv, +/- stabil, - negativ. CSV: area,status_sum,status_index,\n"
     "status_class,status_label,dynamics_sum,dynamics_index,dynamics_class,\n"
     "dynamics_label,group. Nicht eingestufte Gebiete haben leere Zahlen und\n"
     "als Label 'zu wenige Einwohner' oder 'unvollständig'.\n"
     "\n"
     "--method weighted: gewichtete Summe der z-Werte (höher = mehr Bedarf),\n"
     "Rang und Stufe 1 bis K (K = höchster Bedarf). CSV: area,score,rank,\n"
     "level,z_KENNZAHL...; .svg zeichnet die Stufen auf der Kachelkarte.\n"
     "\n"
     "Optionen:\n"
     "  --status K,...         Kennzahlen des Status-Index (mss)\n"
     "  --dynamics K,...       Kennzahlen der Dynamik (Veränderungen; mss)\n"
     "  --indicators K:W,...   Kennzahlen mit Gewicht (weighted; ohne :W\n"
     "                         Gewicht 1; Gewichte mit Punkt: 0.5)\n"
     "  --level EBENE          Ebene (Vorgabe: die mit den meisten Kennzahlen)\n"
     "  --period ZEITRAUM      Zeitraum (Vorgabe: der neueste); fehlt eine\n"
     "                         Kennzahl dort, gilt ihr letzter Stand davor\n"
     "  --min-population N     Gebiete mit bekannter Einwohnerzahl unter N\n"
     "                         werden nicht eingestuft (Vorgabe: 300)\n"
     "  --levels K             Zahl der Stufen (Vorgabe: 9)\n"
     "  --top-share Q          die obersten Q (z. B. 0.05) bilden Stufe K\n"
     "  --level-method M       width: gleich breite Stufen (Vorgabe),\n"
     "                         count: gleich viele Gebiete je Stufe\n"
     "  --sensitivity N        N Läufe mit zufällig um ±20 % veränderten\n"
     "                         Gewichten; Tabelle je Gebiet: Rang, kleinster\n"
     "                         und größter Rang und Stufe, Anteil der Läufe\n"
     "                         in der höchsten Stufe\n"
     "  --sensitivity-out DATEI.csv  wohin diese Tabelle geht (Pflicht)\n"
     "  --seed S               Startwert des Zufalls (Vorgabe: 1)\n"
     "  -o DATEI               .csv, .svg oder - (CSV auf die Ausgabe)\n"},
    {"allocate",
     "Aufruf: ampel allocate --budget B (--index DATEI.csv |\n"
     "                       --indicators K:GEWICHT,...) [OPTIONEN]\n"
     "                       -o DATEI.csv|DATEI.svg\n"
     "\n"
     "Verteilt ein Budget B bedarfsgerecht (docs/bedarf.md):\n"
     "  Betrag = B * (S * w / Summe(w) + (1 - S) * w * n / Summe(w * n))\n"
     "mit Sockelanteil S, Gewicht w (z. B. Schülerzahl) und Bedarf n. Die\n"
     "Beträge werden auf ganze Einheiten gerundet (größte Reste) und ergeben\n"
     "zusammen genau B. CSV: area,weight,need,base_part,need_part,\n"
     "allocation,share; .svg zeichnet ein Balkendiagramm.\n"
     "\n"
     "Optionen:\n"
     "  --budget B             zu verteilender Betrag (> 0)\n"
     "  --index DATEI.csv      Bedarf aus einer Datei von 'ampel index'\n"
     "  --indicators K:W,...   Bedarf aus einem Index dieser Kennzahlen\n"
     "                         (wie 'ampel index --method weighted')\n"
     "  --need level|score     Bedarf = Stufe (Vorgabe) oder Indexwert\n"
     "                         minus kleinster Indexwert\n"
     "  --weight K             Gewicht je Gebiet aus Kennzahl K (Vorgabe: 1)\n"
     "  --base-share S         Sockelanteil von 0 bis 1 (Vorgabe: 0)\n"
     "  --floor F, --cap C     Mindest- und Höchstbetrag je Gebiet\n"
     "  --unit U               Rundungseinheit (Vorgabe: 1)\n"
     "  --amount-label TEXT    Einheit in der Grafik (Vorgabe: €)\n"
     "  --level, --period, --min-population, --levels, --top-share,\n"
     "  --level-method, --sensitivity, --sensitivity-out, --seed:\n"
     "                         wie bei 'ampel index --method weighted'\n"
     "  -o DATEI               .csv, .svg oder - (CSV auf die Ausgabe)\n"},
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
