/* report_council.c - the sections of the council report that answer
 * "Wo liegt es?", "Welche Wechselwirkungen?" and "Was folgt für die
 * Steuerung?" (issue 13, docs/berichte.md): maps of the areas and of each
 * Handlungsfeld (only when the level has shapes), the correlations
 * (clustered matrix, the strongest pairs, a scatter plot) and the need
 * index with its map and, with a budget, the allocation table. Every map
 * carries a caption "Karte N: …". */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ampel/alloc.h"
#include "ampel/chart.h"
#include "ampel/format.h"
#include "ampel/map.h"
#include "report_internal.h"

#define PAIRS_MAX 8
#define NEED_ROWS_MAX 15
#define ALLOC_ROWS_MAX 40

/* "Karte N: text" above a map; returns nothing, advances y. */
static void caption(rp_ctx *c, const char *kind, const char *text) {
  char t[600];
  snprintf(t, sizeof t, "%s %d: %s", kind,
           strcmp(kind, "Karte") == 0 ? ++c->n_maps : ++c->n_figures, text);
  rp_para(c, RP_ML, RP_CW, t, 9.5, 1, RP_ACCENT);
  c->y += 2;
}

#define FIG_MIN 320.0 /* h = 0: the rest of the page, at least this */

/* Embeds a finished SVG below a caption on the same page, h points high
 * at most (0: the rest of the page). */
static void figure(rp_ctx *c, const char *kind, const char *text,
                   ampel_buf *svg, double h, const char *prefix) {
  if (svg->failed) {
    c->r->failed = 1;
    return;
  }
  if (!svg->data || !svg->len)
    return;
  rp_need(c, (h > 0 ? h : FIG_MIN) + 30);
  if (h <= 0)
    h = RP_LIMIT - c->y - 30;
  caption(c, kind, text);
  c->y += 6 + rp_embed_svg(c->b, svg->data, svg->len, RP_ML, c->y, RP_CW, h,
                           prefix);
}

/* ---- maps ---------------------------------------------------------------- */

static void map_items(const rp_ctx *c, ampel_map_item *it) {
  const ampel_lights *l = &c->a->lights.lights;
  for (size_t r = 0; r < l->n_areas; r++) {
    const ampel_area *ar = ampel_dataset_area(c->ds, l->area_ids[r]);
    memset(&it[r], 0, sizeof it[r]);
    it[r].key = ar->key;
    it[r].name = ar->name && *ar->name ? ar->name : ar->key;
    it[r].shape = c->a->shape[r];
    it[r].x = it[r].y = NAN;
    it[r].tile_row = ar->tile_row;
    it[r].tile_col = ar->tile_col;
    it[r].value = NAN;
    it[r].scaled = NAN;
    it[r].status = AMPEL_LIGHT_NONE;
    it[r].category = 0;
  }
}

static void locator(rp_ctx *c, ampel_map_item *it, size_t n) {
  static const ampel_map_category cat[] = {{{0xd6, 0xe2, 0xee}, "Gebiet"}};
  char title[300], desc[300];
  snprintf(title, sizeof title, "Lage der Gebiete – %s", c->sel.level);
  snprintf(desc, sizeof desc,
           "Die %zu Gebiete der Ebene %s mit ihren Namen; die Karten und "
           "Profile dieses Berichts beziehen sich auf sie.",
           n, c->sel.level);
  ampel_map_opts o = {0};
  o.title = title;
  o.desc = desc;
  o.by = AMPEL_MAP_BY_CATEGORY;
  o.categories = cat;
  o.n_categories = 1;
  o.hatch_label = "ohne Fläche";
  o.labels = 1;
  o.decimals = -1;
  o.attribution = c->a->stamp;
  ampel_buf svg;
  ampel_buf_init(&svg);
  if (ampel_map_render(it, n, NULL, 0, &o, &svg) == AMPEL_OK) {
    char cap[300];
    snprintf(cap, sizeof cap, "Lage der Gebiete (%s)", c->sel.level);
    figure(c, "Karte", cap, &svg, 0, "loc-");
  }
  ampel_buf_release(&svg);
}

static void field_map(rp_ctx *c, ampel_map_item *it, size_t n,
                      const ampel_report_field *f, size_t i) {
  for (size_t r = 0; r < n; r++) {
    it[r].status = f->status[r];
    it[r].value = f->score[r];
    it[r].category = -1;
  }
  char title[400], desc[600], prefix[32];
  snprintf(title, sizeof title, "Handlungsfeld %s – %s", f->name, c->sel.level);
  snprintf(desc, sizeof desc,
           "Mittlere Bewertung der %zu bewerteten Kennzahlen des "
           "Handlungsfelds (Mittel der Statuswerte, gleiche Schwelle wie die "
           "Ampel). Schraffiert: keine Bewertung.",
           f->n_inds);
  ampel_map_opts o = {0};
  o.title = title;
  o.desc = desc;
  o.legend_title = "Mittlere Bewertung";
  o.by = AMPEL_MAP_BY_STATUS;
  o.decimals = 2;
  o.attribution = c->a->stamp;
  snprintf(prefix, sizeof prefix, "hf%zu-", i);
  ampel_buf svg;
  ampel_buf_init(&svg);
  if (ampel_map_render(it, n, NULL, 0, &o, &svg) == AMPEL_OK) {
    char cap[400];
    snprintf(cap, sizeof cap, "Handlungsfeld %s (%zu %s)", f->name, f->n_inds,
             f->n_inds == 1 ? "Kennzahl" : "Kennzahlen");
    figure(c, "Karte", cap, &svg, 295, prefix);
  }
  ampel_buf_release(&svg);
}

void rp_maps_section(rp_ctx *c) {
  const ampel_report_answer *a = c->a;
  if (!a->n_shapes)
    return;
  rp_numbered_section(c, "Karten");
  rp_para(c, RP_ML, RP_CW,
          "Zuerst die Lage der Gebiete, dann je Handlungsfeld eine Karte: "
          "die Farbe ist die mittlere Bewertung der Kennzahlen des Felds "
          "(günstig, durchschnittlich, kritisch wie in der Ampel). Neutrale "
          "Kennzahlen haben keine Bewertung und zählen hier nicht.",
          9.5, 0, RP_INK);
  c->y += 6;
  size_t n = a->lights.lights.n_areas;
  ampel_map_item *it = ampel_calloc(n + 1, sizeof *it);
  if (!it) {
    c->r->failed = 1;
    return;
  }
  map_items(c, it);
  locator(c, it, n);
  for (size_t f = 0; f < a->n_fields; f++)
    field_map(c, it, n, &a->fields[f], f);
  ampel_free(it);
}

/* ---- Wechselwirkungen ------------------------------------------------------
 */

/* The pair i, j of the answer's matrix (k x k, row-major). */
static const ampel_corr *corr_at(const ampel_correlation_answer *k, size_t i,
                                 size_t j) {
  return &k->m[i * k->k + j];
}

typedef struct pair {
  size_t i, j;
  double r;
} pair;

static int cmp_pair(const void *x, const void *y) {
  const pair *a = x, *b = y;
  double d = fabs(b->r) - fabs(a->r);
  if (d != 0)
    return d < 0 ? -1 : 1;
  return a->i != b->i ? (a->i < b->i ? -1 : 1) : (a->j < b->j ? -1 : 1);
}

static const char *ind_name(const rp_ctx *c, size_t col) {
  const ampel_indicator *in =
      ampel_dataset_indicator(c->ds, c->a->corr.sel.inds[col]);
  return in->name && *in->name ? in->name : in->key;
}

#define PC_R 330.0 /* right edges */
#define PC_N 370.0
#define PC_P 440.0

static void pairs_table(rp_ctx *c) {
  const ampel_correlation_answer *k = &c->a->corr;
  size_t np = k->k * (k->k - 1) / 2, n = 0;
  pair *p = ampel_calloc(np + 1, sizeof *p);
  if (!p) {
    c->r->failed = 1;
    return;
  }
  for (size_t i = 0; i < k->k; i++)
    for (size_t j = i + 1; j < k->k; j++) {
      const ampel_corr *r = corr_at(k, i, j);
      if (isfinite(r->r))
        p[n++] = (pair){i, j, r->r};
    }
  qsort(p, n, sizeof *p, cmp_pair);
  rp_heading(c, "Die stärksten Zusammenhänge", 12);
  rp_need(c, 30);
  ampel_svg_rect(c->b, RP_ML, c->y, RP_CW, 14, "#e8eef4", NULL, 0, NULL);
  double ty = c->y + 10;
  rp_text(c->b, RP_ML + 4, ty, "Kennzahlen", 7.5, 1, RP_INK, AMPEL_SVG_START);
  rp_text(c->b, RP_ML + PC_R, ty, "r", 7.5, 1, RP_INK, AMPEL_SVG_END);
  rp_text(c->b, RP_ML + PC_N, ty, "n", 7.5, 1, RP_INK, AMPEL_SVG_END);
  rp_text(c->b, RP_ML + PC_P, ty, "p", 7.5, 1, RP_INK, AMPEL_SVG_END);
  c->y += 15;
  for (size_t t = 0; t < n && t < PAIRS_MAX; t++) {
    const ampel_corr *r = corr_at(k, p[t].i, p[t].j);
    char a1[120], a2[120], both[300], rs[48], ns[32], ps[48];
    ampel_abbrev(ind_name(c, p[t].i), 30, a1, sizeof a1);
    ampel_abbrev(ind_name(c, p[t].j), 30, a2, sizeof a2);
    snprintf(both, sizeof both, "%s \xe2\x80\x93 %s", a1, a2);
    ampel_format_de(r->r, 2, rs, sizeof rs);
    snprintf(ns, sizeof ns, "%zu", r->n);
    ampel_format_p(r->p, ps, sizeof ps);
    rp_need(c, 13);
    ty = c->y + 9.5;
    rp_text(c->b, RP_ML + 4, ty, both, 8.5, 0, RP_INK, AMPEL_SVG_START);
    rp_text(c->b, RP_ML + PC_R, ty, rs, 8.5, 1, RP_INK, AMPEL_SVG_END);
    rp_text(c->b, RP_ML + PC_N, ty, ns, 8.5, 0, RP_INK, AMPEL_SVG_END);
    rp_text(c->b, RP_ML + PC_P, ty, ps, 8.5, 0, RP_INK, AMPEL_SVG_END);
    ampel_svg_line(c->b, RP_ML, c->y + 13, RP_W - RP_ML, c->y + 13, RP_RULE,
                   0.5);
    c->y += 13;
  }
  if (!n)
    rp_para(c, RP_ML, RP_CW,
            "Kein Paar hat genug gemeinsame Werte für eine Korrelation.", 9, 0,
            RP_GREY);
  c->y += 10;
  ampel_free(p);
}

static void scatter(rp_ctx *c) {
  const ampel_correlation_answer *k = &c->a->corr;
  size_t n = k->sel.n_areas;
  const ampel_corr *r = corr_at(k, k->x, k->y);
  if (!isfinite(r->r))
    return;
  ampel_xy *p = ampel_calloc(n + 1, sizeof *p);
  if (!p) {
    c->r->failed = 1;
    return;
  }
  for (size_t i = 0; i < n; i++)
    p[i] = (ampel_xy){rp_area_name(c->ds, k->sel.areas[i]),
                      k->values[k->x * n + i], k->values[k->y * n + i]};
  char title[500], xl[200], yl[200];
  snprintf(xl, sizeof xl, "%s", ind_name(c, k->x));
  snprintf(yl, sizeof yl, "%s", ind_name(c, k->y));
  snprintf(title, sizeof title, "%s und %s", yl, xl);
  ampel_chart_opts o = {title,
                        "Ein Punkt je Gebiet, Linie nach der Methode der "
                        "kleinsten Quadrate.",
                        xl,
                        yl,
                        NULL,
                        -1,
                        0};
  ampel_buf svg;
  ampel_buf_init(&svg);
  if (ampel_chart_scatter(p, n, r, k->method, &o, &svg) == AMPEL_OK) {
    char cap[600];
    snprintf(cap, sizeof cap, "Das stärkste Paar: %s", title);
    figure(c, "Abbildung", cap, &svg, 330, "sc-");
  }
  ampel_buf_release(&svg);
  ampel_free(p);
}

void rp_corr_section(rp_ctx *c) {
  const ampel_report_answer *a = c->a;
  rp_numbered_section(c, "Wechselwirkungen");
  if (!a->corr_ok) {
    rp_para(c, RP_ML, RP_CW, a->corr_why, 9.5, 0, RP_GREY);
    return;
  }
  const ampel_correlation_answer *k = &a->corr;
  char text[1200];
  snprintf(text, sizeof text,
           "Welche Kennzahlen hängen zusammen? Korrelation nach %s über die "
           "Gebiete der Ebene %s im Zeitraum %s (alle Kennzahlen im selben "
           "Zeitraum). r nahe 1: hoch mit hoch; nahe −1: hoch mit niedrig; "
           "n = Gebiete mit beiden Werten; p = Wahrscheinlichkeit eines so "
           "starken Zusammenhangs ohne echten Zusammenhang. Ähnliche "
           "Kennzahlen stehen nebeneinander. Ein Zusammenhang ist keine "
           "Ursache.%s",
           k->method == AMPEL_CORR_SPEARMAN ? "Spearman" : "Pearson",
           k->sel.level, ampel_dataset_period(c->ds, k->sel.period)->label,
           k->n_small ? " Gebiete mit zu wenigen Einwohnern zählen nicht."
                      : "");
  rp_para(c, RP_ML, RP_CW, text, 9.5, 0, RP_INK);
  c->y += 6;
  ampel_buf svg;
  ampel_buf_init(&svg);
  if (ampel_correlation_write_svg(k, &svg) == AMPEL_OK)
    figure(c, "Abbildung", "Korrelationsmatrix (geordnet nach Ähnlichkeit)",
           &svg, 0, "cm-");
  ampel_buf_release(&svg);
  pairs_table(c);
  scatter(c);
}

/* ---- Bedarf -------------------------------------------------------------- */

typedef struct need_row {
  size_t row, rank;
} need_row;

static int cmp_need(const void *x, const void *y) {
  const need_row *a = x, *b = y;
  return a->rank != b->rank ? (a->rank < b->rank ? -1 : 1)
                            : (a->row < b->row ? -1 : a->row > b->row);
}

static void need_table(rp_ctx *c) {
  const ampel_index_answer *ix = &c->a->need;
  const ampel_need_result *nr = &ix->need.result;
  size_t n = ix->frame->n_areas, m = 0;
  need_row *rows = ampel_calloc(n + 1, sizeof *rows);
  if (!rows) {
    c->r->failed = 1;
    return;
  }
  for (size_t i = 0; i < n; i++)
    if (nr->rank[i])
      rows[m++] = (need_row){i, nr->rank[i]};
  qsort(rows, m, sizeof *rows, cmp_need);
  char head[200];
  snprintf(head, sizeof head, "Die %zu Gebiete mit dem höchsten Bedarf",
           m < NEED_ROWS_MAX ? m : (size_t)NEED_ROWS_MAX);
  rp_heading(c, head, 12);
  rp_need(c, 30);
  ampel_svg_rect(c->b, RP_ML, c->y, RP_CW, 14, "#e8eef4", NULL, 0, NULL);
  double ty = c->y + 10;
  rp_text(c->b, RP_ML + 24, ty, "Rang", 7.5, 1, RP_INK, AMPEL_SVG_END);
  rp_text(c->b, RP_ML + 34, ty, "Gebiet", 7.5, 1, RP_INK, AMPEL_SVG_START);
  rp_text(c->b, RP_ML + 340, ty, "Indexwert", 7.5, 1, RP_INK, AMPEL_SVG_END);
  rp_text(c->b, RP_ML + 400, ty, "Stufe", 7.5, 1, RP_INK, AMPEL_SVG_END);
  c->y += 15;
  for (size_t t = 0; t < m && t < NEED_ROWS_MAX; t++) {
    size_t i = rows[t].row;
    char rk[16], sc[48], lv[16], name[200];
    snprintf(rk, sizeof rk, "%zu", rows[t].rank);
    ampel_format_de(nr->score[i], 2, sc, sizeof sc);
    snprintf(lv, sizeof lv, "%d", nr->level[i]);
    ampel_abbrev(rp_area_name(c->ds, ix->frame->areas[i]), 50, name,
                 sizeof name);
    rp_need(c, 13);
    ty = c->y + 9.5;
    rp_text(c->b, RP_ML + 24, ty, rk, 8.5, 0, RP_INK, AMPEL_SVG_END);
    rp_text(c->b, RP_ML + 34, ty, name, 8.5, 0, RP_INK, AMPEL_SVG_START);
    rp_text(c->b, RP_ML + 340, ty, sc, 8.5, 0, RP_INK, AMPEL_SVG_END);
    rp_text(c->b, RP_ML + 400, ty, lv, 8.5, 1, RP_INK, AMPEL_SVG_END);
    ampel_svg_line(c->b, RP_ML, c->y + 13, RP_W - RP_ML, c->y + 13, RP_RULE,
                   0.5);
    c->y += 13;
  }
  if (m > NEED_ROWS_MAX) {
    char more[160];
    snprintf(more, sizeof more, "\xe2\x80\xa6 und %zu weitere Gebiete.",
             m - NEED_ROWS_MAX);
    rp_para(c, RP_ML, RP_CW, more, 8.5, 0, RP_GREY);
  }
  c->y += 10;
  ampel_free(rows);
}

typedef struct alloc_row {
  size_t i;
  double amount;
} alloc_row;

static int cmp_alloc(const void *x, const void *y) {
  const alloc_row *a = x, *b = y;
  if (a->amount != b->amount)
    return a->amount > b->amount ? -1 : 1;
  return a->i < b->i ? -1 : a->i > b->i;
}

static void alloc_table(rp_ctx *c) {
  const ampel_allocation_answer *al = &c->a->alloc;
  ampel_buf title, note;
  ampel_buf_init(&title);
  ampel_buf_init(&note);
  ampel_allocation_title(al, &title, &note);
  rp_heading(c, title.data ? title.data : "Verteilung nach Bedarf", 12);
  if (note.data)
    rp_para(c, RP_ML, RP_CW, note.data, 8.5, 0, RP_INK);
  ampel_buf_release(&title);
  ampel_buf_release(&note);
  c->y += 4;
  alloc_row *rows = ampel_calloc(al->n + 1, sizeof *rows);
  if (!rows) {
    c->r->failed = 1;
    return;
  }
  size_t m = 0;
  for (size_t i = 0; i < al->n; i++)
    if (al->used[i])
      rows[m++] = (alloc_row){i, al->result.areas[al->row[i]].allocation};
  qsort(rows, m, sizeof *rows, cmp_alloc);
  rp_need(c, 30);
  ampel_svg_rect(c->b, RP_ML, c->y, RP_CW, 14, "#e8eef4", NULL, 0, NULL);
  double ty = c->y + 10;
  rp_text(c->b, RP_ML + 4, ty, "Gebiet", 7.5, 1, RP_INK, AMPEL_SVG_START);
  rp_text(c->b, RP_ML + 290, ty, "Bedarf", 7.5, 1, RP_INK, AMPEL_SVG_END);
  rp_text(c->b, RP_ML + 350, ty, "Gewicht", 7.5, 1, RP_INK, AMPEL_SVG_END);
  rp_text(c->b, RP_ML + 430, ty, "Betrag", 7.5, 1, RP_INK, AMPEL_SVG_END);
  rp_text(c->b, RP_ML + 478, ty, "Anteil", 7.5, 1, RP_INK, AMPEL_SVG_END);
  c->y += 15;
  for (size_t t = 0; t < m && t < ALLOC_ROWS_MAX; t++) {
    size_t i = rows[t].i;
    const ampel_allocation_area *ar = &al->result.areas[al->row[i]];
    char name[200], nd[48], w[48], amt[64], sh[48];
    ampel_abbrev(al->names[i] ? al->names[i] : al->keys[i], 46, name,
                 sizeof name);
    ampel_format_de(al->need[i], al->need_score ? 2 : 0, nd, sizeof nd);
    ampel_format_de(al->weight[i], -1, w, sizeof w);
    ampel_format_amount_de(ar->allocation, amt, sizeof amt);
    ampel_format_de(100.0 * ar->share, 1, sh, sizeof sh);
    strncat(sh, " %", sizeof sh - strlen(sh) - 1);
    rp_need(c, 13);
    ty = c->y + 9.5;
    rp_text(c->b, RP_ML + 4, ty, name, 8.5, 0, RP_INK, AMPEL_SVG_START);
    rp_text(c->b, RP_ML + 290, ty, nd, 8.5, 0, RP_INK, AMPEL_SVG_END);
    rp_text(c->b, RP_ML + 350, ty, w, 8.5, 0, RP_INK, AMPEL_SVG_END);
    rp_text(c->b, RP_ML + 430, ty, amt, 8.5, 1, RP_INK, AMPEL_SVG_END);
    rp_text(c->b, RP_ML + 478, ty, sh, 8.5, 0, RP_INK, AMPEL_SVG_END);
    ampel_svg_line(c->b, RP_ML, c->y + 13, RP_W - RP_ML, c->y + 13, RP_RULE,
                   0.5);
    c->y += 13;
  }
  char more[300];
  if (m > ALLOC_ROWS_MAX) {
    snprintf(more, sizeof more,
             "\xe2\x80\xa6 und %zu weitere Gebiete (vollständig: 'ampel "
             "allocate').",
             m - ALLOC_ROWS_MAX);
    rp_para(c, RP_ML, RP_CW, more, 8.5, 0, RP_GREY);
  }
  if (al->n_small + al->n_incomplete + al->n_no_weight) {
    snprintf(more, sizeof more,
             "Ohne Betrag: %zu mit zu wenigen Einwohnern, %zu unvollständig, "
             "%zu ohne Gewicht.",
             al->n_small, al->n_incomplete, al->n_no_weight);
    rp_para(c, RP_ML, RP_CW, more, 8.5, 0, RP_GREY);
  }
  ampel_free(rows);
}

void rp_need_section(rp_ctx *c) {
  const ampel_report_answer *a = c->a;
  rp_numbered_section(c, "Bedarf");
  if (!a->need_ok) {
    rp_para(c, RP_ML, RP_CW, a->need_why, 9.5, 0, RP_GREY);
    return;
  }
  const ampel_index_answer *ix = &a->need;
  ampel_buf t;
  ampel_buf_init(&t);
  ampel_buf_printf(&t,
                   "Was folgt für die Steuerung? Der Bedarfsindex fasst die "
                   "Kennzahlen mit Richtung zusammen (gewichtete Summe der "
                   "z-Werte, höher = mehr Bedarf) und teilt die %zu "
                   "bewerteten Gebiete der Ebene %s in Stufen (Stufe 1 = "
                   "niedrigster, Stufe %d = höchster Bedarf; Rang 1 = "
                   "höchster Bedarf). Kennzahlen und Gewichte:",
                   ix->n_rated, ix->frame->level, ix->need.input.levels.k);
  ampel_index_describe(ix, &t);
  if (ix->n_small || ix->n_incomplete)
    ampel_buf_printf(&t,
                     "\nNicht eingestuft: %zu mit zu wenigen Einwohnern, %zu "
                     "unvollständig.",
                     ix->n_small, ix->n_incomplete);
  if (!t.failed && t.data) {
    /* one paragraph per line of the description */
    char *line = t.data;
    while (line && *line) {
      char *nl = strchr(line, '\n');
      if (nl)
        *nl = '\0';
      if (*line)
        rp_para(c, RP_ML, RP_CW, line, 9, 0, RP_INK);
      line = nl ? nl + 1 : NULL;
    }
  }
  ampel_buf_release(&t);
  c->y += 6;
  ampel_buf svg;
  ampel_buf_init(&svg);
  ampel_diags d;
  ampel_diags_init(&d, 0);
  if (ampel_index_answer_svg(ix, &svg, &d) == AMPEL_OK) {
    char cap[300];
    snprintf(cap, sizeof cap, "Bedarfsstufen (%s)", ix->frame->level);
    figure(c, a->n_shapes ? "Karte" : "Abbildung", cap, &svg, 340, "need-");
  }
  ampel_diags_release(&d);
  ampel_buf_release(&svg);
  need_table(c);
  if (a->alloc_ok)
    alloc_table(c);
  else if (a->alloc_why[0])
    rp_para(c, RP_ML, RP_CW, a->alloc_why, 9, 0, RP_GREY);
  else
    rp_para(c, RP_ML, RP_CW,
            "Mit 'ampel report --budget BETRAG [--weight KENNZAHL]' enthält "
            "dieser Abschnitt auch die Verteilung eines Budgets nach Bedarf "
            "(wie 'ampel allocate').",
            8.5, 0, RP_GREY);
}
