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

static const ampel_opt_id index_ids[] = {
    AMPEL_OPT_INDEX_METHOD,    AMPEL_OPT_STATUS_KEYS,  AMPEL_OPT_DYNAMICS_KEYS,
    AMPEL_OPT_NEED_INDICATORS, AMPEL_OPT_LEVEL,        AMPEL_OPT_PERIOD,
    AMPEL_OPT_MIN_POPULATION,  AMPEL_OPT_LEVELS,       AMPEL_OPT_TOP_SHARE,
    AMPEL_OPT_LEVEL_METHOD,    AMPEL_OPT_SENSITIVITY,  AMPEL_OPT_SEED,
    AMPEL_OPT_SENSITIVITY_OUT, AMPEL_OPT_FORMAT,       AMPEL_OPT_OUTPUT,
    AMPEL_OPT_DPI};

static const ampel_opt_id allocate_ids[] = {
    AMPEL_OPT_BUDGET,          AMPEL_OPT_INDEX_FILE,   AMPEL_OPT_NEED_INDICATORS,
    AMPEL_OPT_NEED,            AMPEL_OPT_WEIGHT,       AMPEL_OPT_BASE_SHARE,
    AMPEL_OPT_FLOOR,           AMPEL_OPT_CAP,          AMPEL_OPT_UNIT,
    AMPEL_OPT_AMOUNT_LABEL,    AMPEL_OPT_LEVEL,        AMPEL_OPT_PERIOD,
    AMPEL_OPT_MIN_POPULATION,  AMPEL_OPT_LEVELS,       AMPEL_OPT_TOP_SHARE,
    AMPEL_OPT_LEVEL_METHOD,    AMPEL_OPT_SENSITIVITY,  AMPEL_OPT_SEED,
    AMPEL_OPT_SENSITIVITY_OUT, AMPEL_OPT_FORMAT,       AMPEL_OPT_OUTPUT,
    AMPEL_OPT_DPI};

static const cli_command commands[] = {
    {"import", NULL, cmd_import, NULL, 0, 0, 0, NULL, NULL, NULL},
    {"check", NULL, cmd_check, NULL, 0, 0, 0, NULL, NULL, NULL},
    {"list", NULL, cmd_list, NULL, 0, 0, 0, NULL, NULL, NULL},
    {"export", NULL, cmd_export, NULL, 0, 0, 0, NULL, NULL, NULL},
    {"heatmap", NULL, cmd_heatmap, NULL, 0, 0, 0, NULL, NULL, NULL},
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
    {"index", cmd_index, NULL, index_ids, N(index_ids), 0, 0, NULL,
     "Aufruf: ampel index [--method weighted] [--indicators K:W,...]\n"
     "                    [OPTIONEN] -o DATEI.csv|.json|.svg|.png|.pdf\n"
     "       ampel index --method mss --status K,... [--dynamics K,...]\n"
     "                    [OPTIONEN] -o DATEI\n"
     "\n"
     "Berechnet einen Index je Gebiet einer Ebene (docs/bedarf.md).\n"
     "\n"
     "--method weighted: gewichtete Summe der z-Werte (höher = mehr Bedarf),\n"
     "Rang und Stufe 1 bis K (K = höchster Bedarf). CSV: area,score,rank,\n"
     "level,z_KENNZAHL...; .svg zeichnet die Stufen auf der Karte (ohne\n"
     "Flächen auf der Kachelkarte).\n"
     "\n"
     "--method mss: Status- und Dynamik-Index wie das Berliner Monitoring\n"
     "Soziale Stadtentwicklung: z-Werte der Kennzahlen, Summe, erneut\n"
     "standardisiert; Statusklasse 1 hoch bis 4 sehr niedrig, Dynamik\n"
     "+ positiv, +/- stabil, - negativ. CSV: area,status_sum,status_index,\n"
     "status_class,status_label,dynamics_sum,dynamics_index,dynamics_class,\n"
     "dynamics_label,group.\n"
     "\n"
     "Gebiete unter der Mindestzahl an Einwohnern und Gebiete, denen ein Wert\n"
     "fehlt, werden gezeigt, aber nicht eingestuft ('zu wenige Einwohner',\n"
     "'unvollständig'); die Meldungen nennen sie. .json: dieselbe Antwort wie\n"
     "/api/v1/index. Fehlt einer Kennzahl der Zeitraum, gilt ihr letzter\n"
     "Stand davor.\n",
     NULL},
    {"allocate", cmd_allocate, NULL, allocate_ids, N(allocate_ids), 0, 0,
     NULL,
     "Aufruf: ampel allocate --budget B [--index DATEI.csv |\n"
     "                       --indicators K:GEWICHT,...] [OPTIONEN]\n"
     "                       -o DATEI.csv|.json|.svg|.png|.pdf\n"
     "\n"
     "Verteilt ein Budget B bedarfsgerecht (docs/bedarf.md):\n"
     "  Betrag = B * (S * w / Summe(w) + (1 - S) * w * n / Summe(w * n))\n"
     "mit Sockelanteil S, Gewicht w (z. B. Schülerzahl) und Bedarf n. Die\n"
     "Beträge werden auf ganze Einheiten gerundet (größte Reste) und ergeben\n"
     "zusammen genau B. CSV: area,weight,need,base_part,need_part,\n"
     "allocation,share; .svg zeichnet ein Balkendiagramm; .json: dieselbe\n"
     "Antwort wie /api/v1/allocation.\n"
     "\n"
     "Ein Gebiet ohne Stufe (zu wenige Einwohner, unvollständig) oder ohne\n"
     "Wert des Gewichts bekommt keinen Betrag; das Budget geht an die\n"
     "übrigen, und die Meldungen nennen jedes solche Gebiet.\n",
     NULL},
    {"serve", NULL, cmd_serve, NULL, 0, 0, 0, NULL, NULL, NULL},
    {"map", NULL, cmd_map, NULL, 0, 0, 0, NULL, NULL, NULL},
    {"chart", NULL, cmd_chart, NULL, 0, 0, 0, NULL, NULL, NULL},
    {"correlate", NULL, cmd_correlate, NULL, 0, 0, 0, NULL, NULL, NULL},
    {"config", NULL, cmd_config, NULL, 0, 0, 0, NULL, NULL, NULL},
    {"report", NULL, cmd_report, NULL, 0, 0, 0, NULL, NULL, NULL},
    {"template", NULL, cmd_template, NULL, 0, 0, 0, NULL, NULL, NULL},
};

const cli_command *cli_find_command(const char *name) {
  for (size_t i = 0; i < N(commands); i++)
    if (strcmp(commands[i].name, name) == 0)
      return &commands[i];
  return NULL;
}
