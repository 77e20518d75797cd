/* lisa_out.c - the answer of the question "Räumliche Muster"
 * (include/ampel/analysis/lisa.h) as CSV, JSON and the cluster map.
 *
 * Colours of the cluster map: ColorBrewer RdBu, whose four classes are
 * marked colour-blind safe (Brewer, colorbrewer2.org): dark red HH (hot
 * spot), dark blue LL (cold spot), light red HL and light blue LH
 * (outliers, named after the area's own value), light grey for "not
 * significant" and the hatch of every map for areas outside the
 * computation. Hue and lightness both differ, and every area's title
 * names its cluster, so no one has to tell the colours apart. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ampel/alloc.h"
#include "ampel/analysis/lisa.h"
#include "ampel/chart.h"
#include "ampel/format.h"
#include "ampel/json.h"
#include "ampel/map.h"

const char *ampel_lisa_reason_name(ampel_lisa_reason r) {
  static const char *const names[] = {"", "no_value", "not_rated", "no_shape",
                                      "island"};
  return (unsigned)r < 5 ? names[r] : "";
}

const char *ampel_lisa_reason_de(ampel_lisa_reason r) {
  static const char *const names[] = {
      "", "kein Wert oder geheim", "ohne Bewertung (zu wenige Einwohner)",
      "keine Fläche/Kachel", "ohne Nachbarn mit Wert"};
  return (unsigned)r < 5 ? names[r] : "";
}

const char *ampel_lisa_cluster_de(int cluster) {
  switch (cluster) {
  case AMPEL_LISA_HH: return "Hot Spot (hoch–hoch)";
  case AMPEL_LISA_LL: return "Cold Spot (niedrig–niedrig)";
  case AMPEL_LISA_HL: return "Ausreißer hoch–niedrig";
  case AMPEL_LISA_LH: return "Ausreißer niedrig–hoch";
  default: return "nicht signifikant";
  }
}

static const char *ind_key(const ampel_lisa_answer *a, size_t j) {
  return ampel_dataset_indicator(a->ds, a->glob[j].ind)->key;
}

/* ---- CSV ---------------------------------------------------------------- */

static void csv_num(ampel_buf *b, double v) {
  ampel_buf_putc(b, ',');
  ampel_buf_double(b, v); /* NaN: empty */
}

static void csv_global(const ampel_lisa_answer *a, ampel_buf *b) {
  ampel_buf_puts(b, "indicator,moran_i,expected_i,z,p,permutations\n");
  for (size_t j = 0; j < a->sel.n_inds; j++) {
    const ampel_lisa_global *g = &a->glob[j];
    ampel_buf_csv_field(b, ind_key(a, j));
    csv_num(b, g->moran_i);
    csv_num(b, g->expected_i);
    csv_num(b, g->z);
    csv_num(b, g->p);
    ampel_buf_printf(b, ",%zu\n", a->permutations);
  }
}

void ampel_lisa_write_csv(const ampel_lisa_answer *a, ampel_buf *b) {
  if (a->global_only) {
    csv_global(a, b);
    return;
  }
  ampel_buf_puts(b, "area,value,z,lag,local_i,quadrant,p,significant\n");
  for (size_t i = 0; i < a->n_rows; i++) {
    const ampel_lisa_row *r = &a->rows[i];
    int in = r->reason == AMPEL_LISA_IN;
    ampel_buf_csv_field(b, ampel_dataset_area(a->ds, r->area)->key);
    csv_num(b, r->value);
    csv_num(b, r->z);
    csv_num(b, r->lag);
    csv_num(b, r->local_i);
    ampel_buf_printf(b, ",%s", ampel_lisa_quadrant_name(r->quadrant));
    csv_num(b, r->p);
    ampel_buf_printf(b, ",%s\n",
                     !in || !isfinite(r->p) ? ""
                     : r->significant       ? "yes"
                                            : "no");
  }
}

/* ---- JSON --------------------------------------------------------------- */

static void json_global(const ampel_lisa_global *g, const char *key,
                        ampel_buf *b) {
  ampel_buf_puts(b, "{\"indicator\": ");
  ampel_json_str(b, key);
  ampel_buf_printf(b, ", \"n\": %zu, \"moran_i\": ", g->n);
  ampel_json_num(b, g->moran_i);
  ampel_buf_puts(b, ", \"expected_i\": ");
  ampel_json_num(b, g->expected_i);
  ampel_buf_puts(b, ", \"z\": ");
  ampel_json_num(b, g->z);
  ampel_buf_puts(b, ", \"p\": ");
  ampel_json_num(b, g->p);
  ampel_buf_puts(b, ", \"z_norm\": ");
  ampel_json_num(b, g->z_norm);
  ampel_buf_puts(b, ", \"p_norm\": ");
  ampel_json_num(b, g->p_norm);
  ampel_buf_printf(b,
                   ", \"islands\": %zu, \"no_value\": %zu, \"not_rated\": "
                   "%zu, \"no_shape\": %zu, \"note\": ",
                   g->n_out[AMPEL_LISA_ISLAND], g->n_out[AMPEL_LISA_NO_VALUE],
                   g->n_out[AMPEL_LISA_SMALL], g->n_out[AMPEL_LISA_NO_SHAPE]);
  ampel_json_str(b, g->ok ? NULL : g->why);
  ampel_buf_puts(b, "}");
}

static void json_row(const ampel_lisa_answer *a, const ampel_lisa_row *r,
                     ampel_buf *b) {
  const ampel_area *ar = ampel_dataset_area(a->ds, r->area);
  int in = r->reason == AMPEL_LISA_IN;
  ampel_buf_puts(b, "{\"area\": ");
  ampel_json_str(b, ar->key);
  ampel_buf_puts(b, ", \"name\": ");
  ampel_json_str(b, ar->name);
  ampel_buf_puts(b, ", \"value\": ");
  ampel_json_num(b, r->value);
  ampel_buf_puts(b, ", \"flag\": ");
  ampel_json_str(b, ampel_flag_symbol(r->flag));
  ampel_buf_puts(b, ", \"z\": ");
  ampel_json_num(b, r->z);
  ampel_buf_puts(b, ", \"lag\": ");
  ampel_json_num(b, r->lag);
  ampel_buf_puts(b, ", \"local_i\": ");
  ampel_json_num(b, r->local_i);
  ampel_buf_puts(b, ", \"quadrant\": ");
  ampel_json_str(b, in ? ampel_lisa_quadrant_name(r->quadrant) : NULL);
  ampel_buf_puts(b, ", \"p\": ");
  ampel_json_num(b, r->p);
  ampel_buf_printf(b, ", \"significant\": %s, \"neighbours\": %zu, ",
                   !in || !isfinite(r->p) ? "null"
                   : r->significant       ? "true"
                                          : "false",
                   r->k);
  ampel_buf_puts(b, "\"cluster\": ");
  ampel_json_str(b, !in ? NULL
                    : r->cluster == AMPEL_LISA_NS
                        ? "ns"
                        : ampel_lisa_quadrant_name(r->cluster));
  ampel_buf_puts(b, ", \"out\": ");
  ampel_json_str(b, in ? NULL : ampel_lisa_reason_name(r->reason));
  ampel_buf_puts(b, "}");
}

/* "islands": [keys], ... for one reason. */
static void json_out_list(const ampel_lisa_answer *a, ampel_lisa_reason why,
                          const char *name, ampel_buf *b) {
  ampel_buf_printf(b, ",\n\"%s\": [", name);
  size_t t = 0;
  for (size_t i = 0; i < a->n_rows; i++)
    if (a->rows[i].reason == why) {
      ampel_buf_puts(b, t++ ? ", " : "");
      ampel_json_str(b, ampel_dataset_area(a->ds, a->rows[i].area)->key);
    }
  ampel_buf_puts(b, "]");
}

void ampel_lisa_json(const ampel_lisa_answer *a, ampel_buf *b) {
  ampel_buf_puts(b, "{\"level\": ");
  ampel_json_str(b, a->sel.level);
  ampel_buf_puts(b, ", \"period\": ");
  ampel_json_str(b, ampel_dataset_period(a->ds, a->sel.period)->label);
  ampel_buf_printf(b,
                   ", \"contiguity\": \"%s\", \"weights\": "
                   "\"row-standardised\", \"permutations\": %zu, \"seed\": "
                   "%llu, \"alpha\": ",
                   a->tiles ? "queen-tiles" : "queen", a->permutations,
                   (unsigned long long)a->seed);
  ampel_json_num(b, a->alpha);
  ampel_buf_printf(b, ", \"neighbour_pairs\": %zu,\n\"global\": [",
                   a->n_neighbour_pairs);
  for (size_t j = 0; j < a->sel.n_inds; j++) {
    ampel_buf_puts(b, j ? ",\n  " : "\n  ");
    json_global(&a->glob[j], ind_key(a, j), b);
  }
  ampel_buf_puts(b, "\n]");
  if (!a->global_only) {
    ampel_buf_puts(b, ",\n\"indicator\": ");
    ampel_json_str(b, ind_key(a, 0));
    ampel_buf_printf(b,
                     ",\n\"clusters\": {\"HH\": %zu, \"LL\": %zu, \"HL\": "
                     "%zu, \"LH\": %zu, \"ns\": %zu}",
                     a->clusters[AMPEL_LISA_HH], a->clusters[AMPEL_LISA_LL],
                     a->clusters[AMPEL_LISA_HL], a->clusters[AMPEL_LISA_LH],
                     a->clusters[AMPEL_LISA_NS]);
    json_out_list(a, AMPEL_LISA_ISLAND, "islands", b);
    json_out_list(a, AMPEL_LISA_NO_VALUE, "no_value", b);
    json_out_list(a, AMPEL_LISA_SMALL, "not_rated", b);
    json_out_list(a, AMPEL_LISA_NO_SHAPE, "no_shape", b);
    ampel_buf_puts(b, ",\n\"areas\": [");
    for (size_t i = 0; i < a->n_rows; i++) {
      ampel_buf_puts(b, i ? ",\n  " : "\n  ");
      json_row(a, &a->rows[i], b);
    }
    ampel_buf_puts(b, "\n]");
  }
  ampel_buf_puts(b, ",\n\"footer\": ");
  ampel_json_str(b, a->footer);
  ampel_buf_puts(b, "}\n");
}

/* ---- the cluster map ------------------------------------------------------
 */

/* Legend order: hot spots, cold spots, outliers, not significant. */
static const int legend_cluster[5] = {
    AMPEL_LISA_HH, AMPEL_LISA_LL, AMPEL_LISA_HL, AMPEL_LISA_LH, AMPEL_LISA_NS};
static const ampel_rgb cluster_rgb[5] = {
    {0xca, 0x00, 0x20}, /* HH */
    {0x05, 0x71, 0xb0}, /* LL */
    {0xf4, 0xa5, 0x82}, /* HL */
    {0x92, 0xc5, 0xde}, /* LH */
    {0xe3, 0xe3, 0xe3}  /* not significant */
};

static int category_of(int cluster) {
  for (int c = 0; c < 5; c++)
    if (legend_cluster[c] == cluster)
      return c;
  return 4;
}

typedef struct map_text {
  char title[400], desc[900], legend[300], attr[1200];
  char (*notes)[160];
} map_text;

static void describe(const ampel_lisa_answer *a, const char *title,
                     const char *att, map_text *t) {
  const ampel_indicator *in = ampel_dataset_indicator(a->ds, a->glob[0].ind);
  const char *name = in->name && *in->name ? in->name : in->key;
  const char *per = ampel_dataset_period(a->ds, a->sel.period)->label;
  const ampel_lisa_global *g = &a->glob[0];
  char mi[48], p[48], al[48];
  ampel_format_de(g->moran_i, 2, mi, sizeof mi);
  ampel_format_p(g->p, p, sizeof p);
  ampel_format_de(a->alpha, -1, al, sizeof al);
  snprintf(t->title, sizeof t->title, "%s – %s, %s, %s",
           title ? title : "Räumliche Muster (LISA)", name, a->sel.level, per);
  snprintf(t->desc, sizeof t->desc,
           "Lokales Moran's I je Gebiet: Nachbarn mit gemeinsamem Grenzpunkt"
           "%s, %zu Vertauschungen, signifikant bei p bis %s. Globales Moran's "
           "I = %s (%s). Hot Spot: hoher Wert, Nachbarn hoch; Cold Spot: "
           "niedriger Wert, Nachbarn niedrig; Ausreißer: anders als die "
           "Nachbarn.%s",
           a->tiles ? " auf der Kachelkarte (Näherung: die Ebene hat keine "
                      "Flächen)"
                    : "",
           a->permutations, al, mi, p,
           in->polarity == AMPEL_POL_HIGHER_IS_WORSE
               ? " Bei dieser Kennzahl ist hoch ungünstig."
           : in->polarity == AMPEL_POL_HIGHER_IS_BETTER
               ? " Bei dieser Kennzahl ist hoch günstig."
               : "");
  snprintf(t->legend, sizeof t->legend, "Cluster (p bis %s)", al);
  snprintf(t->attr, sizeof t->attr, "%s%s%s%s", att ? att : "",
           att ? " · " : "", in->source ? "Quelle: " : "",
           in->source ? in->source : "");
  if (a->footer && *a->footer) {
    size_t l = strlen(t->attr);
    snprintf(t->attr + l, sizeof t->attr - l, "%s%s", l ? " · " : "",
             a->footer);
  }
}

/* One map item per row; the notes live in t->notes. */
static void fill_items(const ampel_lisa_answer *a, map_text *t,
                       ampel_map_item *it) {
  for (size_t i = 0; i < a->n_rows; i++) {
    const ampel_lisa_row *r = &a->rows[i];
    const ampel_area *ar = ampel_dataset_area(a->ds, r->area);
    it[i].key = ar->key;
    it[i].name = ar->name && *ar->name ? ar->name : ar->key;
    it[i].shape = r->shape;
    it[i].x = it[i].y = NAN;
    it[i].tile_row = a->tiles ? ar->tile_row : AMPEL_NO_TILE;
    it[i].tile_col = a->tiles ? ar->tile_col : AMPEL_NO_TILE;
    it[i].value = r->value;
    it[i].flag = r->flag;
    it[i].scaled = NAN;
    if (r->reason == AMPEL_LISA_IN) {
      char p[48];
      ampel_format_p(r->p, p, sizeof p);
      it[i].category = category_of(r->cluster);
      snprintf(t->notes[i], sizeof t->notes[i], "%s, %s",
               ampel_lisa_cluster_de(r->cluster), p);
    } else {
      it[i].category = -1;
      snprintf(t->notes[i], sizeof t->notes[i], "nicht berechnet: %s",
               ampel_lisa_reason_de(r->reason));
    }
    it[i].note = t->notes[i];
  }
}

ampel_status ampel_lisa_write_svg(const ampel_lisa_answer *a, const char *title,
                                  const char *attribution, ampel_buf *b) {
  if (a->global_only || !a->rows)
    return AMPEL_E_USAGE;
  map_text *t = ampel_calloc(1, sizeof *t);
  ampel_map_item *it = ampel_calloc(a->n_rows + 1, sizeof *it);
  if (t)
    t->notes = ampel_calloc(a->n_rows + 1, sizeof *t->notes);
  if (!t || !it || !t->notes) {
    if (t)
      ampel_free(t->notes);
    ampel_free(t);
    ampel_free(it);
    return AMPEL_E_NOMEM;
  }
  describe(a, title, attribution, t);
  fill_items(a, t, it);
  ampel_map_category cat[5];
  for (int c = 0; c < 5; c++)
    cat[c] = (ampel_map_category){cluster_rgb[c],
                                  ampel_lisa_cluster_de(legend_cluster[c])};
  ampel_map_opts o = {0};
  o.title = t->title;
  o.desc = t->desc;
  o.legend_title = t->legend;
  o.attribution = t->attr;
  o.by = AMPEL_MAP_BY_CATEGORY;
  o.categories = cat;
  o.n_categories = 5;
  o.hatch_label = "ohne Wert oder Nachbarn";
  o.decimals = ampel_dataset_indicator(a->ds, a->glob[0].ind)->decimals;
  o.labels = 1;
  ampel_status s = a->tiles ? ampel_tilemap_render(it, a->n_rows, &o, b)
                            : ampel_map_render(it, a->n_rows, NULL, 0, &o, b);
  ampel_free(t->notes);
  ampel_free(t);
  ampel_free(it);
  return s;
}
