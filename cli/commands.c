/* commands.c - the commands of `ampel`, their options (ids into the one
 * option table) and the parts of their help text that are not generated
 * from it. */
#include <string.h>

#include "cli.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const ampel_opt_id lights_ids[] = {
    AMPEL_OPT_LEVEL,         AMPEL_OPT_PERIOD,    AMPEL_OPT_INDICATORS,
    AMPEL_OPT_SINCE,         AMPEL_OPT_BAND,      AMPEL_OPT_STATUS_METHOD,
    AMPEL_OPT_REFERENCE,     AMPEL_OPT_MIN_POPULATION, AMPEL_OPT_PALETTE,
    AMPEL_OPT_FORMAT,        AMPEL_OPT_OUTPUT,    AMPEL_OPT_DPI};

static const ampel_opt_id heatmap_ids[] = {
    AMPEL_OPT_LEVEL,   AMPEL_OPT_PERIOD,    AMPEL_OPT_INDICATORS,
    AMPEL_OPT_CLUSTER, AMPEL_OPT_LINKAGE,   AMPEL_OPT_REFERENCE,
    AMPEL_OPT_MIN_POPULATION, AMPEL_OPT_PALETTE, AMPEL_OPT_TREE,
    AMPEL_OPT_FORMAT,  AMPEL_OPT_OUTPUT,    AMPEL_OPT_DPI};

static const ampel_opt_id report_ids[] = {
    AMPEL_OPT_LEVEL, AMPEL_OPT_PERIOD, AMPEL_OPT_AREAS, AMPEL_OPT_TITLE,
    AMPEL_OPT_OUTPUT};

static const cli_command commands[] = {
    {"import", NULL, cmd_import, NULL, 0, 0, 0, NULL, NULL, NULL},
    {"check", NULL, cmd_check, NULL, 0, 0, 0, NULL, NULL, NULL},
    {"list", NULL, cmd_list, NULL, 0, 0, 0, NULL, NULL, NULL},
    {"export", NULL, cmd_export, NULL, 0, 0, 0, NULL, NULL, NULL},
    {"heatmap", cmd_heatmap, NULL, heatmap_ids, N(heatmap_ids), 0, 0, NULL,
     "Aufruf: ampel heatmap [OPTIONEN] -o DATEI.svg|.png|.pdf|.csv|.json\n"
     "\n"
     "Heatmap nach dem Gelsenkirchener Verfahren: jede Kennzahl wird über die\n"
     "Gebiete auf 0 (ungünstigster) bis 1 (günstigster Wert) skaliert, dann\n"
     "werden Gebiete und Kennzahlen nach Ähnlichkeit gruppiert (hierarchische\n"
     "Clusteranalyse). .svg: Bild mit Baumdiagrammen, Legende und Quellen;\n"
     ".csv: die skalierte Matrix in der gezeichneten Reihenfolge; .json:\n"
     "dieselbe Antwort wie /api/v1/heatmap. Gebiete unter der Mindestzahl an\n"
     "Einwohnern werden nicht bewertet und zählen nicht für die Skalierung.\n",
     "Verfahren und Farben: docs/ampel.md\n"},
    {"lights", cmd_lights, NULL, lights_ids, N(lights_ids), 0, 0, NULL,
     "Aufruf: ampel lights [OPTIONEN] -o DATEI.csv|.json|.svg|.png|.pdf\n"
     "\n"
     "Ampel je Gebiet und Kennzahl: Status (gut, durchschnittlich, kritisch)\n"
     "im Vergleich zur Referenz (Gesamtstadt) und Entwicklung (besser, stabil,\n"
     "schlechter) seit einem früheren Zeitraum; bei Quoten mit Zähler und\n"
     "Nenner der Hinweis \"unsicher\" (Wilson-Intervall). .csv: eine Zeile je\n"
     "Gebiet und Kennzahl; .json: dieselbe Antwort wie /api/v1/lights; .svg:\n"
     "Ampeltabelle mit Liste \"Hinsehen\". Gebiete unter der Mindestzahl an\n"
     "Einwohnern werden gezeigt, aber nicht bewertet.\n",
     "Verfahren und Farben: docs/ampel.md\n"},
    {"index", NULL, cmd_index, NULL, 0, 0, 0, NULL, NULL, NULL},
    {"allocate", NULL, cmd_allocate, NULL, 0, 0, 0, NULL, NULL, NULL},
    {"serve", NULL, cmd_serve, NULL, 0, 0, 0, NULL, NULL, NULL},
    {"map", NULL, cmd_map, NULL, 0, 0, 0, NULL, NULL, NULL},
    {"chart", NULL, cmd_chart, NULL, 0, 0, 0, NULL, NULL, NULL},
    {"correlate", NULL, cmd_correlate, NULL, 0, 0, 0, NULL, NULL, NULL},
    {"config", NULL, cmd_config, NULL, 0, 0, 0, NULL, NULL, NULL},
    {"report", cmd_report, NULL, report_ids, N(report_ids), 0, 0, NULL,
     "Aufruf: ampel report [OPTIONEN] -o DATEI.pdf|DATEI.html\n"
     "\n"
     "Bericht im Format A4 für Ausschuss und Rat: Titelseite mit Datenstand\n"
     "und Datum, Inhaltsverzeichnis, Heatmap, Ampeltabelle mit der Liste\n"
     "\"Hinsehen\", ein Profil je Gebiet (Wert, Gesamtstadt, Rang, Bewertung,\n"
     "Verlauf, Lage auf der Kachelkarte), Anhang mit Kennzahlen, Quellen,\n"
     "Methoden, Zeichenerklärung und Geheimhaltung; Seitenzahlen auf jeder\n"
     "Seite. .pdf: Text bleibt durchsuchbar; .html: eine Datei ohne externe\n"
     "Bestandteile, druckt auf A4. Heatmap und Ampel bewerten dieselben\n"
     "Gebiete wie 'ampel heatmap' und 'ampel lights'.\n",
     "Aufbau und Geheimhaltung: docs/berichte.md\n"},
    {"template", NULL, cmd_template, NULL, 0, 0, 0, NULL, NULL, NULL},
};

const cli_command *cli_find_command(const char *name) {
  for (size_t i = 0; i < N(commands); i++)
    if (strcmp(commands[i].name, name) == 0)
      return &commands[i];
  return NULL;
}
