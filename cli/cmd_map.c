/* ampel map: parse → analyse → render → write (docs/karten.md). */
#include <stdio.h>
#include <string.h>

#include "ampel/analysis/map.h"
#include "cli.h"
#include "viz_util.h"

/* Title, description, legend title and attribution line of the map. */
typedef struct map_texts {
  char title[400], desc[600], legend[300], attr[1200];
} map_texts;

static void describe(const cli_call *call, const ampel_map_answer *a,
                     map_texts *t) {
  const ampel_indicator *ind = ampel_dataset_indicator(a->ds, a->ind);
  const char *per = ampel_dataset_period(a->ds, a->lights.lights.period)->label;
  const char *own = CLI_OPT(call, AMPEL_OPT_TITLE);
  const char *att = CLI_OPT(call, AMPEL_OPT_ATTRIBUTION);
  char ref[48];
  ampel_format_de(a->lights.lights.cols[0].ref.value, ind->decimals, ref,
                  sizeof ref);
  snprintf(t->title, sizeof t->title, "%s – %s, %s",
           own ? own : (ind->name ? ind->name : ind->key),
           a->lights.lights.level, per);
  snprintf(t->desc, sizeof t->desc,
           "%s je %s, %s. Farbe: %s. Referenz (Gesamtstadt): %s. Schraffiert: "
           "kein Wert oder geheim.",
           ind->name ? ind->name : ind->key, a->lights.lights.level, per,
           a->by == AMPEL_MAP_BY_STATUS   ? "Ampel-Status"
           : a->by == AMPEL_MAP_BY_SCALED ? "auf 0–1 skalierter Wert"
                                          : "Klassen",
           ref);
  viz_ind_label(ind, t->legend, sizeof t->legend);
  snprintf(t->attr, sizeof t->attr, "%s%s%s%s", att ? att : "",
           att ? " · " : "", ind->source ? "Quelle: " : "",
           ind->source ? ind->source : "");
  if (*a->footer) {
    size_t l = strlen(t->attr);
    snprintf(t->attr + l, sizeof t->attr - l, "%s%s", l ? " · " : "",
             a->footer);
  }
}

static int draw(const cli_call *call, const ampel_map_answer *a) {
  map_texts t;
  describe(call, a, &t);
  const ampel_indicator *ind = ampel_dataset_indicator(a->ds, a->ind);
  ampel_map_opts o = {0};
  o.title = t.title;
  o.desc = t.desc;
  o.legend_title = t.legend;
  o.attribution = t.attr;
  o.palette = ampel_palette_find(CLI_OPT(call, AMPEL_OPT_PALETTE));
  o.decimals = ind->decimals;
  o.labels = !ampel_query_flag(&call->q, AMPEL_OPT_NO_LABELS);
  ampel_buf b;
  ampel_buf_init(&b);
  ampel_status s = ampel_map_answer_svg(a, &o, &b);
  if (s == AMPEL_E_USAGE) {
    ampel_buf_release(&b);
    cli_error("die Ebene %s hat weder Flächen noch Kachelpositionen; Flächen "
              "mit 'ampel import DATEI.geojson --key-property NAME' einlesen",
              a->lights.lights.level);
    return EXIT_DATA;
  }
  const char *out = CLI_OPT(call, AMPEL_OPT_OUTPUT);
  int rc =
      s != AMPEL_OK
          ? ampel_status_exit_code(s)
          : cli_write_buf(out, &b, ampel_query_num(&call->q, AMPEL_OPT_DPI));
  ampel_buf_release(&b);
  const char *kind = a->kind == AMPEL_MAP_KIND_POINTS  ? "Punktkarte"
                     : a->kind == AMPEL_MAP_KIND_TILES ? "Kachelkarte"
                                                       : "Karte";
  if (rc == EXIT_OK && strcmp(out, "-") != 0)
    printf("%s: %zu Gebiete (%zu mit Fläche), %s, %s\n", kind, a->n_items,
           a->kind == AMPEL_MAP_KIND_POINTS ? 0 : a->n_shapes, ind->key,
           ampel_dataset_period(a->ds, a->lights.lights.period)->label);
  return rc;
}

static int output_ok(const cli_call *call) {
  const char *out = CLI_OPT(call, AMPEL_OPT_OUTPUT);
  return strcmp(out, "-") == 0 || cli_picture_ext(out);
}

static int show(const cli_call *call, const void *answer) {
  return draw(call, (const ampel_map_answer *)answer);
}

int cmd_map(const cli_call *call) {
  static const cli_question qd = {&ampel_question_map, ".svg, .png oder .pdf",
                                  output_ok, AMPEL_CTX_GEOMETRY, show};
  return cli_ask(call, &qd, NULL);
}
