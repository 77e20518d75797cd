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

static const ampel_opt_id map_ids[] = {
    AMPEL_OPT_LEVEL,       AMPEL_OPT_INDICATOR,    AMPEL_OPT_PERIOD,
    AMPEL_OPT_BY,          AMPEL_OPT_CLASSES,      AMPEL_OPT_DIVERGING,
    AMPEL_OPT_FIXED_BREAKS, AMPEL_OPT_POINTS,      AMPEL_OPT_MIN_POPULATION,
    AMPEL_OPT_PALETTE,     AMPEL_OPT_TITLE,        AMPEL_OPT_ATTRIBUTION,
    AMPEL_OPT_NO_LABELS,   AMPEL_OPT_OUTPUT,       AMPEL_OPT_DPI};

static const ampel_opt_id chart_ids[] = {
    AMPEL_OPT_INDICATOR, AMPEL_OPT_X,      AMPEL_OPT_Y,
    AMPEL_OPT_AREA,      AMPEL_OPT_LEVEL,  AMPEL_OPT_PERIOD,
    AMPEL_OPT_CORR_METHOD, AMPEL_OPT_MIN_POPULATION, AMPEL_OPT_OUTPUT,
    AMPEL_OPT_DPI};

static const ampel_opt_id correlate_ids[] = {
    AMPEL_OPT_LEVEL,       AMPEL_OPT_PERIOD,         AMPEL_OPT_INDICATORS,
    AMPEL_OPT_CORR_METHOD, AMPEL_OPT_MIN_POPULATION, AMPEL_OPT_FORMAT,
    AMPEL_OPT_OUTPUT,      AMPEL_OPT_DPI};

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
    {"index", NULL, cmd_index, NULL, 0, 0, 0, NULL, NULL, NULL},
    {"allocate", NULL, cmd_allocate, NULL, 0, 0, 0, NULL, NULL, NULL},
    {"serve", NULL, cmd_serve, NULL, 0, 0, 0, NULL, NULL, NULL},
    {"map", cmd_map, NULL, map_ids, N(map_ids), 0, 0, NULL,
     "Aufruf: ampel map [OPTIONEN] -o DATEI.svg|.png|.pdf\n"
     "\n"
     "Zeichnet eine Karte einer Kennzahl: Flächenkarte, wenn die Gebiete der\n"
     "Ebene Flächen haben (eingelesen mit 'ampel import DATEI.geojson|.shp\n"
     "--key-property NAME'), sonst eine Kachelkarte aus Kachel_Zeile und\n"
     "Kachel_Spalte, sonst Punkte aus Breite und Länge. Mit --points werden\n"
     "die Gebiete einer Ebene mit Breite und Länge (z. B. Schulen) als Punkte\n"
     "auf dem Umriss der Ebene --level gezeigt. Farbe (--by): Vorgabe sind\n"
     "Klassen, wenn --classes angegeben ist, sonst der Ampel-Status (bei\n"
     "neutralen Kennzahlen der skalierte Wert). Die Karte hat Legende,\n"
     "Maßstab und Quellenzeile; Gebiete ohne Wert (auch geheim, '.') und\n"
     "Gebiete unter der Mindestzahl an Einwohnern (ohne Bewertung) sind\n"
     "schraffiert.\n",
     "Siehe docs/karten.md.\n"},
    {"chart", cmd_chart, NULL, chart_ids, N(chart_ids), 1, 1,
     "ART (timeseries, ranking oder scatter)",
     "Aufruf: ampel chart timeseries|ranking|scatter [OPTIONEN]\n"
     "                   -o DATEI.svg|.png|.pdf\n"
     "\n"
     "timeseries: Verlauf aller Gebiete der Ebene (dünn, grau), das gewählte\n"
     "Gebiet (--area) und die Gesamtstadt hervorgehoben. ranking: Balken je\n"
     "Gebiet mit der Referenzlinie; Gebiete ohne Wert stehen unten mit ihrem\n"
     "Zeichen. scatter: zwei Kennzahlen (--x, --y) gegeneinander mit\n"
     "Regressionsgerade, r, n und p (wie 'ampel correlate': Gebiete unter der\n"
     "Mindestzahl an Einwohnern zählen nicht).\n",
     NULL},
    {"correlate", cmd_correlate, NULL, correlate_ids, N(correlate_ids), 0, 0,
     NULL,
     "Aufruf: ampel correlate [OPTIONEN] -o DATEI.csv|.json|.svg|.png|.pdf\n"
     "\n"
     "Korrelationen zwischen den Kennzahlen über die Gebiete der Ebene\n"
     "(paarweise: nur Gebiete mit beiden Werten; Gebiete unter der\n"
     "Mindestzahl an Einwohnern werden nicht bewertet und zählen nicht).\n"
     ".csv: eine Zeile je Paar a,b,method,r,n,p (p zweiseitig aus\n"
     "t = r*sqrt((n-2)/(1-r^2))); .json: dieselben Paare mit Ebene,\n"
     "Zeitraum und Zahl der Gebiete; .svg/.png/.pdf: Farbtabelle, nach\n"
     "Ähnlichkeit geordnet, r in jeder Zelle, n und p im Tooltip. Spearman\n"
     "nutzt mittlere Ränge bei Bindungen.\n",
     "Korrelation ist keine Kausalität; bei wenigen Gebieten immer n und p\n"
     "beachten.\n"},
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
