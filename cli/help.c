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
     "Aufruf: ampel [--db DATEI|URL] [--datenstand N] BEFEHL [OPTIONEN]\n"
     "\n"
     "Befehle:\n"
     "  import DATEI...   Dateien (CSV, XLSX, XLS) in die Datenbank einlesen\n"
     "  check DATEI...    Dateien prüfen, nichts speichern\n"
     "  list WAS          Gebiete, Kennzahlen oder Zeiträume auflisten\n"
     "  versions          Datenstände mit Dateien und Änderungen auflisten\n"
     "  export            alle Werte als CSV oder Excel (.xlsx) ausgeben\n"
     "  heatmap           Heatmap mit Clustern der Gebiete und Kennzahlen\n"
     "  lights            Ampel: Status und Entwicklung je Gebiet\n"
     "  index             Sozial-/Bedarfsindex und Stufen je Gebiet\n"
     "  allocate          Budget nach Bedarf verteilen\n"
     "  map               Karte der Gebiete (Flächen, Kacheln oder Punkte)\n"
     "  chart ART         Zeitreihe, Rangfolge oder Streudiagramm\n"
     "  correlate         Korrelationen zwischen den Kennzahlen\n"
     "  lisa              räumliche Muster: Moran's I, Hot Spots, Clusterkarte\n"
     "  umschluessel      Umschlüssel einer Gebietsreform aus Flächen ableiten\n"
     "  report            Bericht für den Ausschuss (A4, PDF oder HTML)\n"
     "  template          leere Excel-Vorlage zum Ausfüllen\n"
     "  config            Einstellungen (Geheimhaltung) setzen und zeigen\n"
     "  db migrate        ganze Installation in eine andere Datenbank umziehen\n"
     "  user              Benutzer und Rollen des Dashboards verwalten\n"
     "  token             persönliche API-Schlüssel für Skripte\n"
     "  audit             Protokoll der Anmeldungen und Änderungen\n"
     "  serve             Dashboard im Browser und JSON-API starten\n"
     "\n"
     "Allgemeine Optionen:\n"
     "  --db DATEI|URL    Datenbank: eine SQLite-Datei oder\n"
     "                    postgresql://BENUTZER@HOST:PORT/DB (Kennwort aus\n"
     "                    PGPASSWORD oder ~/.pgpass, nie in der Adresse);\n"
     "                    sonst $AMPEL_DB, sonst ./ampel.db\n"
     "  --datenstand N    alles so zeigen, wie es bei Datenstand N war\n"
     "                    (Nummern: 'ampel versions'); nur lesende Befehle\n"
     "  --help            Hilfe; 'ampel BEFEHL --help' für einen Befehl\n"
     "  --version         Version\n"
     "\n"
     "Rückgabewerte: 0 in Ordnung, 1 fehlerhafte Daten, 2 falscher Aufruf,\n"
     "3 Ein-/Ausgabe- oder Systemfehler.\n"},
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
