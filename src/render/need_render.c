/* need_render.c - the answers of the need questions (analysis/need.h) as
 * CSV, SVG (levels on the map or the tile map, MSS classes on the tile
 * map, the allocation bar chart) and the texts under their headings. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ampel/alloc.h"
#include "ampel/analysis/need.h"
#include "ampel/format.h"
#include "ampel/map.h"

void ampel_index_answer_csv(const ampel_index_answer *a, ampel_buf *out) {
  if (a->method == AMPEL_INDEX_MSS)
    ampel_mss_render_csv(a->ds, &a->mss, out);
  else
    ampel_need_render_csv(a->ds, &a->need, out);
}

void ampel_index_sensitivity_csv(const ampel_index_answer *a,
                                 ampel_buf *out) {
  ampel_sensitivity_render_csv(a->ds, a->frame->areas, &a->sens, out);
}

/* German decimal comma in place. */
static void comma(char *s) {
  for (; *s; s++)
    if (*s == '.')
      *s = ',';
}

void ampel_index_describe(const ampel_index_answer *a, ampel_buf *b) {
  const ampel_need_frame *f = a->frame;
  for (size_t j = 0; j < f->k; j++) {
    const ampel_indicator *ind = ampel_dataset_indicator(a->ds, f->inds[j]);
    char w[40];
    ampel_format_double(a->need.raw_weights[j], w, sizeof w);
    comma(w);
    ampel_buf_printf(b, "\n– %s (%s): Gewicht %s",
                     ind->name ? ind->name : ind->key, ind->key, w);
    if (f->used_period[j] != f->period)
      ampel_buf_printf(b, ", Werte von %s",
                       ampel_dataset_period(a->ds, f->used_period[j])->label);
  }
}

static const char *const status_names[] = {"hoch", "mittel", "niedrig",
                                           "sehr niedrig"};

static ampel_status mss_svg(const ampel_index_answer *a, ampel_buf *b,
                            ampel_diags *d) {
  const ampel_mss_table *t = &a->mss;
  size_t n = t->frame.n_areas;
  int *lv = ampel_calloc(n + 1, sizeof *lv);
  const char **text = ampel_calloc(n + 1, sizeof *text);
  const char **tip = ampel_calloc(n + 1, sizeof *tip);
  ampel_status st = AMPEL_E_NOMEM;
  if (lv && text && tip) {
    for (size_t i = 0; i < n; i++) {
      const ampel_mss_area *m = &t->result.areas[i];
      lv[i] = m->status_class;
      text[i] = m->in_universe ? m->group : NULL;
      tip[i] = m->in_universe ? a->class_de[i] : a->reason_de[i];
    }
    ampel_tilemap_view v = {n, t->frame.areas, lv, text, tip, 4,
                            "Status-Index (Monitoring-Methode)",
                            "Zahl = Statusklasse, dahinter die Dynamik "
                            "(+ positiv, +/- stabil, - negativ)",
                            "Status hoch", "Status sehr niedrig",
                            status_names};
    st = ampel_tilemap_render_svg(a->ds, &v, b, d);
  }
  ampel_free(lv);
  ampel_free(text);
  ampel_free(tip);
  return st;
}

static ampel_status need_tilemap(const ampel_index_answer *a, ampel_buf *b,
                                 ampel_diags *d) {
  const ampel_need_table *t = &a->need;
  ampel_buf sub, tips;
  ampel_buf_init(&sub);
  ampel_buf_init(&tips);
  ampel_buf_printf(&sub, "Ebene %s, Zeitraum %s, %d Stufen (%s)\nIndex aus:",
                   t->frame.level,
                   ampel_dataset_period(a->ds, t->frame.period)->label,
                   t->input.levels.k,
                   t->input.levels.method == AMPEL_LEVEL_COUNT
                       ? "gleich viele Gebiete je Stufe"
                       : "gleich breite Abschnitte der Indexwerte");
  ampel_index_describe(a, &sub);
  size_t n = t->frame.n_areas;
  size_t *off = ampel_calloc(n + 1, sizeof *off);
  const char **tip = ampel_calloc(n + 1, sizeof *tip);
  for (size_t i = 0; off && tip && i < n; i++) {
    off[i] = tips.len;
    if (t->result.level[i] > 0) {
      char sc[40];
      snprintf(sc, sizeof sc, "%.2f", t->result.score[i]);
      comma(sc);
      ampel_buf_printf(&tips, "Indexwert %s, Rang %zu von %zu", sc,
                       t->result.rank[i], t->result.n_universe);
    } else {
      ampel_buf_puts(&tips, a->reason_de[i]);
    }
    ampel_buf_putc(&tips, '\0');
  }
  for (size_t i = 0; off && tip && !tips.failed && i < n; i++)
    tip[i] = tips.data + off[i];
  ampel_tilemap_view v = {n, t->frame.areas, t->result.level, NULL, tip,
                          t->input.levels.k, "Bedarfsstufen", sub.data,
                          "geringster Bedarf", "höchster Bedarf", NULL};
  ampel_status st = sub.failed || tips.failed || !off || !tip
                        ? AMPEL_E_NOMEM
                        : ampel_tilemap_render_svg(a->ds, &v, b, d);
  ampel_buf_release(&sub);
  ampel_buf_release(&tips);
  ampel_free(off);
  ampel_free(tip);
  return st;
}

/* The need levels on the real map when the level's areas have shapes
 * (issue 4). AMPEL_E_NOT_FOUND when no area has a shape. */
static ampel_status need_map(const ampel_index_answer *a, ampel_buf *b) {
  const ampel_need_table *t = &a->need;
  size_t n = t->frame.n_areas, with_shape = 0;
  int k = t->input.levels.k;
  ampel_map_item *items = ampel_calloc(n + 1, sizeof *items);
  double *breaks = ampel_calloc((size_t)k + 2, sizeof *breaks);
  if (!items || !breaks) {
    ampel_free(items);
    ampel_free(breaks);
    return AMPEL_E_NOMEM;
  }
  for (size_t i = 0; i < n; i++) {
    const ampel_area *ar = ampel_dataset_area(a->ds, t->frame.areas[i]);
    long g = a->geo ? ampel_geoset_find(a->geo, ar->key) : -1;
    ampel_map_item *it = &items[i];
    it->key = ar->key;
    it->name = ar->name;
    it->shape = g >= 0 ? ampel_geoset_shape_c(a->geo, (size_t)g) : NULL;
    it->tile_row = it->tile_col = AMPEL_NO_TILE;
    it->value = t->result.level[i] > 0 ? (double)t->result.level[i] : NAN;
    it->status = AMPEL_LIGHT_NONE;
    it->scaled = NAN;
    with_shape += it->shape != NULL;
  }
  char lab[32][40];
  const char *labels[32];
  for (int j = 0; j <= k; j++)
    breaks[j] = j + 0.5;
  for (int j = 0; j < k && j < 32; j++) {
    snprintf(lab[j], sizeof lab[j], "Stufe %d%s", j + 1,
             j == 0       ? " (geringster Bedarf)"
             : j + 1 == k ? " (höchster Bedarf)"
                          : "");
    labels[j] = lab[j];
  }
  char title[256];
  snprintf(title, sizeof title, "Bedarfsstufen – %s, %s", t->frame.level,
           ampel_dataset_period(a->ds, t->frame.period)->label);
  ampel_map_opts o;
  memset(&o, 0, sizeof o);
  o.title = title;
  o.desc = "Stufe 1 = geringster, höchste Stufe = höchster Bedarf (im "
           "Vergleich der Gebiete untereinander).";
  o.legend_title = "Bedarfsstufe";
  o.attribution = a->footer && *a->footer ? a->footer : NULL;
  o.by = AMPEL_MAP_BY_CLASSES;
  o.polarity = AMPEL_POL_HIGHER_IS_WORSE;
  o.breaks = breaks;
  o.k = (size_t)k;
  o.class_labels = k <= 32 ? labels : NULL;
  o.decimals = 0;
  o.labels = 1;
  ampel_status st = with_shape == 0 ? AMPEL_E_NOT_FOUND
                                    : ampel_map_render(items, n, NULL, 0, &o,
                                                       b);
  ampel_free(items);
  ampel_free(breaks);
  return st;
}

ampel_status ampel_index_answer_svg(const ampel_index_answer *a,
                                    ampel_buf *out, ampel_diags *diags) {
  if (a->method == AMPEL_INDEX_MSS)
    return mss_svg(a, out, diags);
  ampel_status st = need_map(a, out);
  if (st != AMPEL_E_NOT_FOUND)
    return st;
  ampel_buf_release(out); /* no shapes: the tile map */
  ampel_buf_init(out);
  return need_tilemap(a, out, diags);
}

void ampel_allocation_title(const ampel_allocation_answer *a, ampel_buf *t,
                            ampel_buf *note) {
  char amount[80];
  ampel_format_amount_de(a->result.budget, amount, sizeof amount);
  ampel_buf_printf(t, "Verteilung von %s%s%s nach Bedarf (Ebene %s)", amount,
                   *a->amount_label ? " " : "", a->amount_label, a->level);
  if (a->weight_key)
    ampel_buf_printf(note, "Gewicht je Gebiet: %s (%s), Stand %s. ",
                     a->weight_name, a->weight_key, a->weight_period);
  else
    ampel_buf_puts(note, "Gewicht: 1 je Gebiet. ");
  ampel_buf_printf(note, "Bedarf: %s",
                   a->need_score ? "Indexwert minus kleinster Indexwert"
                                 : "Stufe");
  if (a->index_path)
    ampel_buf_printf(note, " aus %s", a->index_path);
  else {
    ampel_buf_printf(note, " (1 bis %d) des Index aus:", a->levels_k);
    ampel_index_describe(&a->index, note);
  }
}

static void render(const ampel_allocation_answer *a, int svg,
                   ampel_buf *out) {
  ampel_buf t, note;
  ampel_buf_init(&t);
  ampel_buf_init(&note);
  ampel_allocation_title(a, &t, &note);
  ampel_allocation_view v = {a->n,
                             a->keys,
                             a->names,
                             a->used,
                             a->row,
                             &a->result,
                             a->base_share,
                             a->amount_label,
                             t.data ? t.data : "",
                             note.data,
                             a->need_score ? "Bedarf" : "Stufe",
                             a->weight_key ? "Gewicht" : NULL,
                             a->reason_de};
  if (t.failed || note.failed)
    out->failed = 1;
  else if (svg)
    ampel_allocation_render_svg(&v, out);
  else
    ampel_allocation_render_csv(&v, out);
  ampel_buf_release(&t);
  ampel_buf_release(&note);
}

void ampel_allocation_answer_csv(const ampel_allocation_answer *a,
                                 ampel_buf *out) {
  render(a, 0, out);
}

void ampel_allocation_answer_svg(const ampel_allocation_answer *a,
                                 ampel_buf *out) {
  render(a, 1, out);
}

void ampel_need_out_list(const size_t *areas, const ampel_out_reason *reason,
                         size_t n, ampel_out_reason which,
                         const ampel_dataset *ds, size_t max, int names,
                         ampel_buf *out) {
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    if (reason[i] != which)
      continue;
    if (k < max) {
      const ampel_area *ar = ampel_dataset_area(ds, areas[i]);
      if (names && ar->name && *ar->name && strcmp(ar->name, ar->key) != 0)
        ampel_buf_printf(out, "%s%s (%s)", k ? ", " : "", ar->name, ar->key);
      else
        ampel_buf_printf(out, "%s%s", k ? ", " : "", ar->key);
    }
    k++;
  }
  if (k > max)
    ampel_buf_printf(out, " und %zu weitere", k - max);
}
