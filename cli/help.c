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
    {"map",
     "Aufruf: ampel map [OPTIONEN] -o DATEI.svg|.png|.pdf\n"
     "\n"
     "Zeichnet eine Karte einer Kennzahl: Flächenkarte, wenn die Gebiete der\n"
     "Ebene Flächen haben (eingelesen mit 'ampel import DATEI.geojson|.shp\n"
     "--key-property NAME'), sonst eine Kachelkarte aus Kachel_Zeile und\n"
     "Kachel_Spalte. Mit --points werden die Gebiete einer Ebene mit Breite\n"
     "und Länge (z. B. Schulen) als Punkte auf dem Umriss gezeigt. Die Karte\n"
     "hat Legende, Maßstab und Quellenzeile; Gebiete ohne Wert (auch geheim,\n"
     "'.') sind schraffiert. Siehe docs/karten.md.\n"
     "\n"
     "Optionen:\n"
     "  --level EBENE         Gebietsebene (Vorgabe: die mit den meisten\n"
     "                        Kennzahlen; bei --points: der Umriss)\n"
     "  --indicator K         Kennzahl (Vorgabe: die erste mit Werten)\n"
     "  --period ZEITRAUM     Zeitraum (Vorgabe: der neueste mit Werten)\n"
     "  --by WAS              status (Ampel, Vorgabe), scaled (0-1 skaliert)\n"
     "                        oder classes (Klassen)\n"
     "  --classes VERFAHREN:N quantile, equal, jenks, sd mit N Klassen, oder\n"
     "                        manual:G1,G2,... (Vorgabe: quantile:5)\n"
     "  --diverging           Klassen symmetrisch um die Referenz\n"
     "  --fixed-breaks        Klassengrenzen über alle Zeiträume (vergleichbar)\n"
     "  --points EBENE        Gebiete dieser Ebene als Punkte (Breite/Länge)\n"
     "  --palette NAME        standard (farbenblind-sicher), ampel oder grau\n"
     "  --title TEXT          eigener Titel\n"
     "  --attribution TEXT    Quellenangabe der Flächen (z. B. '(c) GeoBasis-DE\n"
     "                        / BKG')\n"
     "  --no-labels           keine Namen in die Flächen schreiben\n"
     "  -o DATEI              Ausgabe: .svg, .png oder .pdf ('-': SVG auf die\n"
     "                        Standardausgabe)\n"
     "  --dpi N               Auflösung bei .png (Vorgabe: 150)\n"},
    {"chart",
     "Aufruf: ampel chart timeseries|ranking|scatter [OPTIONEN]\n"
     "                   -o DATEI.svg|.png|.pdf\n"
     "\n"
     "timeseries: Verlauf aller Gebiete der Ebene (dünn, grau), das gewählte\n"
     "Gebiet und die Gesamtstadt hervorgehoben. ranking: Balken je Gebiet mit\n"
     "der Referenzlinie; Gebiete ohne Wert stehen unten mit ihrem Zeichen.\n"
     "scatter: zwei Kennzahlen gegeneinander mit Regressionsgerade, r, n und p.\n"
     "\n"
     "Optionen:\n"
     "  --indicator K         Kennzahl (timeseries, ranking)\n"
     "  --x K --y K           die beiden Kennzahlen (scatter)\n"
     "  --area SCHLÜSSEL      hervorgehobenes Gebiet\n"
     "  --level EBENE         Gebietsebene (Vorgabe wie bei heatmap)\n"
     "  --period ZEITRAUM     Zeitraum (ranking, scatter; Vorgabe: neuester)\n"
     "  --method pearson|spearman  Korrelation im Streudiagramm\n"
     "  -o DATEI              Ausgabe: .svg, .png oder .pdf ('-': SVG auf die\n"
     "                        Standardausgabe)\n"
     "  --dpi N               Auflösung bei .png (Vorgabe: 150)\n"},
    {"correlate",
     "Aufruf: ampel correlate [--level EBENE] [--period ZEITRAUM]\n"
     "                        [--method pearson|spearman] [--dpi N]\n"
     "                        -o DATEI.csv|.svg|.png|.pdf\n"
     "\n"
     "Korrelationen zwischen allen Kennzahlen mit Werten über die Gebiete der\n"
     "Ebene (paarweise: nur Gebiete mit beiden Werten). .csv: eine Zeile je\n"
     "Paar a,b,method,r,n,p (p zweiseitig aus t = r*sqrt((n-2)/(1-r^2)));\n"
     ".svg/.png/.pdf: Farbtabelle, nach Ähnlichkeit geordnet, r in jeder\n"
     "Zelle, n und p im Tooltip (--dpi N: Auflösung bei .png, Vorgabe 150).\n"
     "Spearman nutzt mittlere Ränge bei Bindungen. Korrelation\n"
     "ist keine Kausalität; bei wenigen Gebieten immer n und p beachten.\n"},
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
