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
     "  export            alle Werte als CSV oder Excel (.xlsx) ausgeben\n"
     "  heatmap           Heatmap mit Clustern der Gebiete und Kennzahlen\n"
     "  lights            Ampel: Status und Entwicklung je Gebiet\n"
     "  index             Sozial-/Bedarfsindex und Stufen je Gebiet\n"
     "  allocate          Budget nach Bedarf verteilen\n"
     "  map               Karte der Gebiete (Flächen, Kacheln oder Punkte)\n"
     "  chart ART         Zeitreihe, Rangfolge oder Streudiagramm\n"
     "  correlate         Korrelationen zwischen den Kennzahlen\n"
     "  report            Bericht für den Ausschuss (A4, PDF oder HTML)\n"
     "  template          leere Excel-Vorlage zum Ausfüllen\n"
     "  config            Einstellungen (Geheimhaltung) setzen und zeigen\n"
     "  serve             Dashboard im Browser und JSON-API starten\n"
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
     "Flächen (GeoJSON .geojson/.json, Shapefile .shp mit .shx/.dbf/.prj)\n"
     "werden getrennt von Tabellen eingelesen und den Gebieten zugeordnet:\n"
     "  --key-property NAME   Eigenschaft mit dem Gebietsschlüssel (oder dem\n"
     "                        Namen des Gebiets)\n"
     "  --level EBENE         nur Gebiete dieser Ebene; fehlende werden gemeldet\n"
     "  --name-property NAME  unbekannte Schlüssel als neue Gebiete der Ebene\n"
     "                        anlegen, mit dem Namen aus dieser Eigenschaft\n"
     "  --crs EPSG:N          Koordinatensystem der Datei (sonst aus .prj, dem\n"
     "                        GeoJSON-Element 'crs' oder WGS84)\n"
     "\n"
     "Formate: docs/formats.md, Karten: docs/karten.md\n"},
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
     "Aufruf: ampel export [--format csv] [--ungeschuetzt] -o DATEI\n"
     "       ampel export -o DATEI.xlsx\n"
     "\n"
     "Schreibt alle Werte im Langformat: area,indicator,period,value,\n"
     "numerator,denominator,flag (Komma-getrennt, Dezimalpunkt, UTF-8).\n"
     "'flag' enthält das Zeichen der amtlichen Statistik; 'value' ist bei\n"
     "'.', 'x', '...', '/', '*' leer und bei '-' 0. Die Datei lässt sich mit\n"
     "'ampel import' wieder einlesen. '-o -' schreibt auf die Standardausgabe.\n"
     "\n"
     "Die Geheimhaltung (ampel config) gilt auch hier: unterdrückte Werte\n"
     "stehen als '.' ohne Wert, Zähler und Nenner in der Datei.\n"
     "  --ungeschuetzt        ohne Geheimhaltung, nur CSV: für die interne\n"
     "                        Datenübergabe, nicht zur Veröffentlichung\n"
     "\n"
     ".xlsx: Arbeitsmappe zur Veröffentlichung mit den Blättern Werte, Ampel\n"
     "(farbig, mit Filter), Kennzahlen, Methoden und Quellen; Zahlen als\n"
     "Zahlen mit deutschem Format, Datenstand auf jedem Blatt.\n"},
    {"heatmap",
     "Aufruf: ampel heatmap [OPTIONEN] -o DATEI.svg|.png|.pdf|.csv\n"
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
     "  -o DATEI              Ausgabe; die Endung (.svg, .png, .pdf, .csv)\n"
     "                        wählt das Format\n"
     "  --dpi N               Auflösung bei .png (Vorgabe: 150)\n"
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
     "  -o DATEI               .csv, .svg, .png, .pdf oder - (CSV auf die\n"
     "                         Ausgabe)\n"
     "  --dpi N                Auflösung bei .png (Vorgabe: 150)\n"},
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
     "  -o DATEI               .csv, .svg, .png, .pdf oder - (CSV auf die\n"
     "                         Ausgabe)\n"
     "  --dpi N                Auflösung bei .png (Vorgabe: 150)\n"},
    {"report",
     "Aufruf: ampel report [OPTIONEN] -o DATEI.pdf|DATEI.html\n"
     "\n"
     "Bericht im Format A4 für Ausschuss und Rat: Titelseite mit Datenstand\n"
     "und Datum, Inhaltsverzeichnis, Heatmap, Ampeltabelle mit der Liste\n"
     "\"Hinsehen\", ein Profil je Gebiet (Wert, Gesamtstadt, Rang, Bewertung,\n"
     "Verlauf, Lage auf der Kachelkarte), Anhang mit Kennzahlen, Quellen,\n"
     "Methoden, Zeichenerklärung und Geheimhaltung; Seitenzahlen auf jeder\n"
     "Seite. .pdf: Text bleibt durchsuchbar; .html: eine Datei ohne externe\n"
     "Bestandteile, druckt auf A4.\n"
     "\n"
     "Optionen:\n"
     "  --level EBENE         Gebietsebene (Vorgabe: die mit den meisten\n"
     "                        Kennzahlen)\n"
     "  --period ZEITRAUM     Zeitraum (Vorgabe: der neueste mit Werten)\n"
     "  --areas K,...         Profile nur für diese Gebiete (Vorgabe: alle)\n"
     "  --title TEXT          Titel (Vorgabe: Bildungsmonitoring STADT)\n"
     "  -o DATEI              Ausgabe; die Endung (.pdf, .html) wählt das\n"
     "                        Format\n"
     "\n"
     "Aufbau und Geheimhaltung: docs/berichte.md\n"},
    {"template",
     "Aufruf: ampel template -o DATEI.xlsx\n"
     "\n"
     "Schreibt eine leere Excel-Vorlage mit den Blättern Anleitung, Gebiete,\n"
     "Kennzahlen und Werte: deutsche Spaltenköpfe, Auswahlliste für die\n"
     "Richtung, Prüfung von Zahlenfeldern, Beispielzeilen in der Anleitung.\n"
     "Die ausgefüllte Datei liest 'ampel import DATEI.xlsx' ein.\n"},
    {"config",
     "Aufruf: ampel config set SCHLÜSSEL WERT\n"
     "       ampel config get SCHLÜSSEL\n"
     "       ampel config list\n"
     "\n"
     "Einstellungen, die in der Datenbank gespeichert werden und für jede\n"
     "Ausgabe gelten (Tabellen, Bilder, CSV, XLSX, Bericht, Dashboard):\n"
     "  min_count N               Fallzahlen von 1 bis N-1 und Quoten mit\n"
     "                            Zähler unter N werden als '.' unterdrückt\n"
     "                            (Vorgabe: 3; 1 schaltet ab)\n"
     "  min_population N          Gebiete unter N Einwohnern werden gezeigt,\n"
     "                            aber nicht bewertet (Vorgabe: 300)\n"
     "  secondary_suppression ja|nein  Sekundärsperrung (Vorgabe: ja)\n"
     "\n"
     "Regeln und Erkennung von Fallzahlen: docs/berichte.md\n"},
    {"serve",
     "Aufruf: ampel serve [--port 8080] [--bind 127.0.0.1]\n"
     "                    [--admin-token-file DATEI] [--threads N]\n"
     "\n"
     "Startet das Dashboard: Übersicht, Gebiete, Kennzahlen,\n"
     "Wechselwirkungen, Bedarf, Daten & Methoden, dazu die JSON-API unter\n"
     "/api/v1/ (docs/dashboard.md, docs/api.md). Die Datenbank wird einmal\n"
     "gelesen; das Programm zeigt die Adresse und schreibt je Anfrage eine\n"
     "Zeile (Zeit, Methode, Pfad, Status, Bytes, ms) auf die\n"
     "Fehlerausgabe. Beenden mit Strg+C (SIGINT) oder SIGTERM.\n"
     "\n"
     "Optionen:\n"
     "  --port N                 Port (Vorgabe: 8080; 0 = freien Port wählen)\n"
     "  --bind ADRESSE           IP-Adresse (Vorgabe: 127.0.0.1, nur dieser\n"
     "                           Rechner; 0.0.0.0 für alle Netze)\n"
     "  --admin-token-file DATEI Datei mit einem geheimen Schlüssel (mindestens\n"
     "                           16 Zeichen); erlaubt POST /admin/import mit\n"
     "                           'Authorization: Bearer SCHLÜSSEL'. Ohne sie\n"
     "                           ist der Server nur lesend.\n"
     "  --threads N              Arbeits-Threads (Vorgabe: Zahl der Kerne)\n"},
};

static const help *find(const char *cmd) {
  for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
    if ((cmd == NULL && texts[i].cmd == NULL) ||
        (cmd && texts[i].cmd && strcmp(cmd, texts[i].cmd) == 0))
      return &texts[i];
  return NULL;
}

int cli_has_help(const char *cmd) {
  return find(cmd) != NULL || (cmd && cli_find_command(cmd));
}

/* Table-driven commands: head, the generated "Optionen:" lines, tail. */
static int generated_help(const char *name, FILE *out) {
  const cli_command *cmd = name ? cli_find_command(name) : NULL;
  if (!cmd || !cmd->run)
    return 0;
  ampel_buf b;
  ampel_buf_init(&b);
  ampel_buf_puts(&b, cmd->head);
  if (cmd->n_ids) {
    ampel_buf_puts(&b, "\nOptionen:\n");
    ampel_opt_help(cmd->ids, cmd->n_ids, &b);
  }
  if (cmd->tail) {
    ampel_buf_puts(&b, "\n");
    ampel_buf_puts(&b, cmd->tail);
  }
  if (!b.failed)
    fwrite(b.data, 1, b.len, out);
  ampel_buf_release(&b);
  return 1;
}

void cli_help(const char *cmd, FILE *out) {
  if (generated_help(cmd, out))
    return;
  const help *h = find(cmd);
  fputs(h ? h->text : texts[0].text, out);
}
