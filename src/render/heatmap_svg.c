/* render/heatmap_svg.c - the clustered heatmap as an accessible SVG
 * picture (heatmap.h, docs/ampel.md): area dendrogram on the left,
 * indicator dendrogram and domain band on top, cells with the raw values,
 * area names on the right, indicator names below, then legend, notes,
 * sources and the data version. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ampel/alloc.h"
#include "ampel/heatmap.h"

#define MARGIN 20.0
#define AREA_CHARS 28
#define IND_CHARS 36

/* Okabe-Ito colours without the orange and blue of the value palette, for
 * the domain (Handlungsfeld) band above the columns. */
static const ampel_rgb domain_colors[] = {
    {0xcc, 0x79, 0xa7}, {0x00, 0x9e, 0x73}, {0xf0, 0xe4, 0x42},
    {0x88, 0x22, 0x55}, {0x56, 0xb4, 0xe9}, {0x6a, 0x3d, 0x9a},
    {0xb1, 0x59, 0x28}, {0x33, 0x33, 0x33}};
#define N_DOMAIN_COLORS (sizeof domain_colors / sizeof domain_colors[0])

typedef struct layout {
  double w, h;
  double cw, ch;    /* cell size */
  double cell_font; /* 0: no values in the cells */
  double label_font;
  double dend_w;    /* area dendrogram width (0 = none) */
  double dend_h;    /* indicator dendrogram height (0 = none) */
  double cx, cy;    /* top left of the cells */
  double col_lab_h; /* height of the rotated indicator names */
  double legend_y;
  double text_chars; /* characters per line of the notes */
} layout;

typedef struct ctx {
  const ampel_heatmap *h;
  const ampel_dataset *ds;
  const ampel_palette *pal;
  const char *stamp;
  const char *const *why; /* per dropped area, or NULL */
  ampel_buf *b;
  layout L;
  const char *domains[N_DOMAIN_COLORS]; /* distinct domains, first seen */
  size_t n_domains;
} ctx;

static const ampel_indicator *col_ind(const ctx *c, size_t j) {
  return ampel_dataset_indicator(c->ds, c->h->ind_ids[j]);
}

static const char *area_name(const ctx *c, size_t r) {
  const ampel_area *a = ampel_dataset_area(c->ds, c->h->area_ids[r]);
  return a->name && *a->name ? a->name : a->key;
}

static size_t domain_index(ctx *c, const char *dom) {
  const char *d = dom && *dom ? dom : "ohne Handlungsfeld";
  for (size_t i = 0; i < c->n_domains; i++)
    if (strcmp(c->domains[i], d) == 0)
      return i;
  if (c->n_domains < N_DOMAIN_COLORS)
    c->domains[c->n_domains++] = d;
  return c->n_domains - 1;
}

static double max_label_w(const ctx *c, int areas, double font) {
  double w = 0;
  size_t n = areas ? c->h->n_rows : c->h->n_cols;
  for (size_t i = 0; i < n; i++) {
    char tmp[256];
    ampel_abbrev(areas ? area_name(c, i) : col_ind(c, i)->name,
                 areas ? AREA_CHARS : IND_CHARS, tmp, sizeof tmp);
    double x = ampel_svg_text_width(tmp, font);
    if (x > w)
      w = x;
  }
  return w;
}

static void do_layout(ctx *c) {
  layout *L = &c->L;
  const ampel_heatmap *h = c->h;
  int big = h->n_rows > 40;
  L->ch = big ? 15 : 22;
  L->cw = 58;
  L->cell_font = big ? 9 : 11;
  L->label_font = big ? 10 : 12;
  int rows = h->row_tree && (h->opts.cluster == AMPEL_HM_CLUSTER_BOTH ||
                             h->opts.cluster == AMPEL_HM_CLUSTER_AREAS);
  L->dend_w = rows ? 130 : 0;
  L->dend_h = h->col_tree ? 80 : 0;
  L->cx = MARGIN + L->dend_w + (rows ? 6 : 0);
  L->cy = 96 + L->dend_h + 24;
  L->col_lab_h = max_label_w(c, 0, 11) * 0.9 + 10;
  double right = L->cx + (double)h->n_cols * L->cw + 8 +
                 max_label_w(c, 1, L->label_font) + MARGIN;
  L->w = right > 900 ? right : 900;
  L->text_chars = (L->w - 2 * MARGIN) / (11 * 0.6);
  L->legend_y = L->cy + (double)h->n_rows * L->ch + 6 + L->col_lab_h + 20;
  for (size_t j = 0; j < h->n_cols; j++)
    domain_index(c, col_ind(c, j)->domain);
}

/* ---- Cells --------------------------------------------------------------- */

static ampel_rgb cell_color(const ctx *c, size_t r, size_t j) {
  double v = c->h->scaled[r * c->h->n_cols + j];
  if (col_ind(c, j)->polarity == AMPEL_POL_NEUTRAL)
    return ampel_palette_neutral(v);
  return ampel_palette_color(c->pal, v);
}

static void unit_suffix(const ampel_indicator *ind, char *out, size_t n) {
  if (ind->unit && *ind->unit && strcmp(ind->unit, "Anzahl") != 0)
    snprintf(out, n, " %s", ind->unit);
  else
    out[0] = '\0';
}

/* The tooltip: area, indicator, period, raw value, scaled value and the
 * reference (with how it was obtained). */
static void cell_title(const ctx *c, size_t r, size_t j, ampel_buf *t) {
  const ampel_heatmap *h = c->h;
  const ampel_indicator *ind = col_ind(c, j);
  char v[64], s[64], rf[64], u[96];
  double raw = h->raw[r * h->n_cols + j];
  unit_suffix(ind, u, sizeof u);
  ampel_format_de(raw, ind->decimals, v, sizeof v);
  ampel_format_de(h->scaled[r * h->n_cols + j], 2, s, sizeof s);
  ampel_format_de(h->ref[j].value, ind->decimals, rf, sizeof rf);
  ampel_buf_printf(t, "%s – %s (%s): ", area_name(c, r), ind->name,
                   ampel_dataset_period(c->ds, h->col_period[j])->label);
  if (isnan(raw)) {
    ampel_cell_ref cr = ampel_dataset_get(c->ds, h->area_ids[r], h->ind_ids[j],
                                          h->col_period[j]);
    ampel_buf_printf(t, "kein Wert%s%s%s", cr.flag ? " (" : "",
                     cr.flag ? ampel_flag_label_de(cr.flag) : "",
                     cr.flag ? ")" : "");
  } else {
    ampel_buf_printf(
        t, "%s%s; skaliert %s (0 = ungünstig, 1 = günstig%s)", v, u, s,
        ind->polarity == AMPEL_POL_NEUTRAL ? "; neutrale Kennzahl, ohne Wertung"
                                           : "");
  }
  ampel_buf_printf(t, "; Referenz (%s): %s%s",
                   ampel_ref_method_label_de(h->ref[j].method), rf,
                   isnan(h->ref[j].value) ? "" : u);
}

static void draw_cell(ctx *c, size_t pr, size_t pc, ampel_buf *t) {
  const ampel_heatmap *h = c->h;
  size_t r = h->row_order[pr], j = h->col_order[pc];
  double x = c->L.cx + (double)pc * c->L.cw, y = c->L.cy + (double)pr * c->L.ch;
  ampel_rgb bg = cell_color(c, r, j);
  char hex[8], fg[8], v[64];
  ampel_rgb_hex(bg, hex);
  ampel_rgb_hex(ampel_rgb_text_on(bg), fg);
  t->len = 0;
  cell_title(c, r, j, t);
  ampel_svg_group_open(c->b, NULL, t->failed ? NULL : t->data);
  ampel_svg_rect(c->b, x, y, c->L.cw, c->L.ch, hex, "#ffffff", 1, NULL);
  double raw = h->raw[r * h->n_cols + j];
  ampel_format_de(raw, col_ind(c, j)->decimals, v, sizeof v);
  ampel_svg_text_opts o = {c->L.cell_font,
                           isnan(raw) ? "#595959" : fg,
                           0,
                           AMPEL_SVG_MIDDLE,
                           0,
                           NULL};
  ampel_svg_text(c->b, x + c->L.cw / 2, y + c->L.ch / 2 + c->L.cell_font * 0.35,
                 v, &o);
  ampel_svg_group_close(c->b);
}

static void draw_cells(ctx *c) {
  ampel_buf t;
  ampel_buf_init(&t);
  ampel_svg_group_open(c->b, "class=\"cells\"", NULL);
  for (size_t pr = 0; pr < c->h->n_rows; pr++)
    for (size_t pc = 0; pc < c->h->n_cols; pc++)
      draw_cell(c, pr, pc, &t);
  ampel_svg_group_close(c->b);
  ampel_buf_release(&t);
}

/* ---- Labels ------------------------------------------------------------- */

static void draw_area_labels(ctx *c) {
  double x = c->L.cx + (double)c->h->n_cols * c->L.cw + 8;
  for (size_t pr = 0; pr < c->h->n_rows; pr++) {
    size_t r = c->h->row_order[pr];
    char tmp[256];
    int cut = ampel_abbrev(area_name(c, r), AREA_CHARS, tmp, sizeof tmp);
    ampel_svg_text_opts o = {
        c->L.label_font, NULL, 0,
        AMPEL_SVG_START, 0,    cut ? area_name(c, r) : NULL};
    ampel_svg_text(c->b, x,
                   c->L.cy + ((double)pr + 0.5) * c->L.ch +
                       c->L.label_font * 0.35,
                   tmp, &o);
  }
}

static void draw_ind_labels(ctx *c) {
  double y = c->L.cy + (double)c->h->n_rows * c->L.ch + 6;
  int differs = ampel_heatmap_periods_differ(c->h);
  for (size_t pc = 0; pc < c->h->n_cols; pc++) {
    const ampel_indicator *ind = col_ind(c, c->h->col_order[pc]);
    char tmp[256], full[320];
    /* Stand je Kennzahl: each label names its period */
    const char *per =
        ampel_dataset_period(c->ds, c->h->col_period[c->h->col_order[pc]])
            ->label;
    size_t room = differs ? strlen(per) + 3 : 0;
    int cut = ampel_abbrev(ind->name, IND_CHARS - (int)room, tmp, sizeof tmp);
    if (differs) {
      size_t n = strlen(tmp);
      snprintf(tmp + n, sizeof tmp - n, " (%s)", per);
      snprintf(full, sizeof full, "%s (%s)", ind->name, per);
    }
    ampel_svg_text_opts o = {11,  NULL,
                             0,   AMPEL_SVG_END,
                             -90, cut ? (differs ? full : ind->name) : NULL};
    ampel_svg_text(c->b, c->L.cx + ((double)pc + 0.5) * c->L.cw + 4, y, tmp,
                   &o);
  }
}

/* Coloured band of the domains above the columns, with the domain's name
 * inside when it fits. */
static void draw_domain_band(ctx *c) {
  double y = c->L.cy - 18;
  for (size_t pc = 0; pc < c->h->n_cols; pc++) {
    const ampel_indicator *ind = col_ind(c, c->h->col_order[pc]);
    size_t d = domain_index(c, ind->domain);
    char hex[8];
    ampel_rgb_hex(domain_colors[d], hex);
    char title[512];
    snprintf(title, sizeof title, "Handlungsfeld: %s", c->domains[d]);
    ampel_svg_rect(c->b, c->L.cx + (double)pc * c->L.cw, y, c->L.cw, 14, hex,
                   "#ffffff", 1, title);
  }
}

/* ---- Dendrograms --------------------------------------------------------- */

/* Positions (along the leaves) and heights of all 2n-1 nodes; the path is
 * written as elbows from each child up to its parent's height. */
static void dendrogram(ctx *c, const ampel_cluster_merge *z, size_t n,
                       const size_t *order, int rows) {
  double *pos = ampel_calloc(2 * n, sizeof *pos);
  double *hgt = ampel_calloc(2 * n, sizeof *hgt);
  ampel_buf d;
  ampel_buf_init(&d);
  double hmax = 0;
  for (size_t k = 0; k + 1 < n; k++)
    hmax = z[k].height > hmax ? z[k].height : hmax;
  if (!pos || !hgt || hmax <= 0)
    goto done;
  double step = rows ? c->L.ch : c->L.cw, base = rows ? c->L.cy : c->L.cx;
  for (size_t p = 0; p < n; p++)
    pos[order[p]] = base + ((double)p + 0.5) * step;
  double ext = (rows ? c->L.dend_w : c->L.dend_h) - 8;
  double root = rows ? c->L.cx - 4 : c->L.cy - 22; /* where leaves start */
  for (size_t k = 0; k + 1 < n; k++) {
    size_t a = z[k].left, b = z[k].right, m = n + k;
    pos[m] = (pos[a] + pos[b]) / 2;
    hgt[m] = z[k].height;
    double ha = root - hgt[a] / hmax * ext, hb = root - hgt[b] / hmax * ext,
           hm = root - hgt[m] / hmax * ext;
    char seg[256];
    if (rows)
      snprintf(seg, sizeof seg, "M%.2f %.2fH%.2fV%.2fH%.2f", ha, pos[a], hm,
               pos[b], hb);
    else
      snprintf(seg, sizeof seg, "M%.2f %.2fV%.2fH%.2fV%.2f", pos[a], ha, hm,
               pos[b], hb);
    ampel_buf_puts(&d, seg);
  }
  if (!d.failed && d.data)
    ampel_svg_path(c->b, d.data, "none", "#404040", 1.2);
done:
  ampel_buf_release(&d);
  ampel_free(pos);
  ampel_free(hgt);
}

/* ---- Legend, notes, footer ---------------------------------------------- */

static double legend_ramp(ctx *c, double x, double y, const char *id,
                          const char *head, const char *lo, const char *hi) {
  ampel_svg_text_opts o = {11, NULL, 1, AMPEL_SVG_START, 0, NULL};
  ampel_svg_text(c->b, x, y, head, &o);
  char fill[64];
  snprintf(fill, sizeof fill, "url(#%s)", id);
  ampel_svg_rect(c->b, x, y + 6, 240, 14, fill, "#595959", 0.5, NULL);
  o.bold = 0;
  o.size = 10;
  ampel_svg_text(c->b, x, y + 32, lo, &o);
  o.anchor = AMPEL_SVG_END;
  ampel_svg_text(c->b, x + 240, y + 32, hi, &o);
  return y + 50;
}

static int any_neutral(const ctx *c) {
  for (size_t j = 0; j < c->h->n_cols; j++)
    if (col_ind(c, j)->polarity == AMPEL_POL_NEUTRAL)
      return 1;
  return 0;
}

static double draw_legend(ctx *c) {
  double x = MARGIN, y = c->L.legend_y, xm = x + 300;
  double y1 = legend_ramp(c, x, y, "ampel-pal", "Farbe = skalierter Wert",
                          "0 = ungünstigster Wert", "1 = günstigster Wert");
  ampel_svg_text_opts o = {10, "#404040", 0, AMPEL_SVG_START, 0, NULL};
  char pal[256];
  snprintf(pal, sizeof pal, "Palette: %s", c->pal->label_de);
  ampel_svg_text(c->b, x, y1 - 4, pal, &o);
  y1 += 16;
  if (any_neutral(c)) {
    legend_ramp(c, xm, y, "ampel-neutral", "Neutrale Kennzahl (ohne Wertung)",
                "niedrigster Wert", "höchster Wert");
    xm += 300;
  }
  o.fill = NULL;
  if (xm + 120 > c->L.w) {
    xm = x;
    y = y1 - 6;
    y1 += 24;
  }
  ampel_svg_rect(c->b, xm, y + 6, 30, 14, "#ffffff", "#595959", 0.5, NULL);
  o.anchor = AMPEL_SVG_MIDDLE;
  ampel_svg_text(c->b, xm + 15, y + 17, "–", &o);
  o.anchor = AMPEL_SVG_START;
  ampel_svg_text(c->b, xm + 36, y + 17, "kein Wert", &o);
  y = y1;
  o.size = 11;
  o.bold = 1;
  ampel_svg_text(c->b, x, y, "Handlungsfelder (Band über den Spalten):", &o);
  o.bold = 0;
  double xx = x;
  for (size_t i = 0; i < c->n_domains; i++) {
    char hex[8];
    ampel_rgb_hex(domain_colors[i], hex);
    double tw = ampel_svg_text_width(c->domains[i], 11);
    if (xx + 20 + tw > c->L.w - MARGIN && xx > x) {
      xx = x;
      y += 18;
    }
    ampel_svg_rect(c->b, xx, y + 8, 14, 12, hex, "#595959", 0.5, NULL);
    ampel_svg_text(c->b, xx + 18, y + 18, c->domains[i], &o);
    xx += 18 + tw + 18;
  }
  return y + 42;
}

static const char *linkage_de(ampel_linkage l) {
  switch (l) {
  case AMPEL_LINKAGE_COMPLETE: return "vollständige Verknüpfung (complete)";
  case AMPEL_LINKAGE_AVERAGE: return "mittlere Verknüpfung (average)";
  case AMPEL_LINKAGE_SINGLE: return "einfache Verknüpfung (single)";
  case AMPEL_LINKAGE_WARD: return "Ward-Verfahren (ward)";
  }
  return "?";
}

static double note(ctx *c, double y, const char *text) {
  ampel_svg_text_opts o = {11, NULL, 0, AMPEL_SVG_START, 0, NULL};
  size_t n = ampel_svg_text_wrapped(c->b, MARGIN, y, text,
                                    (size_t)c->L.text_chars, 15, &o);
  return y + (double)n * 15 + 4;
}

/* The reference methods used: one sentence when all columns agree,
 * otherwise one part per method with the indicators' names. */
static void ref_sentence(const ctx *c, ampel_buf *t) {
  ampel_buf_puts(t, "Referenzwert (Gesamtstadt) im Tooltip jeder Zelle: ");
  int first = 1;
  for (int m = 0; m < AMPEL_REF_METHOD_COUNT_; m++) {
    size_t cnt = 0;
    for (size_t j = 0; j < c->h->n_cols; j++)
      cnt += (int)c->h->ref[j].method == m;
    if (!cnt)
      continue;
    ampel_buf_printf(t, "%s%s", first ? "" : "; ",
                     ampel_ref_method_label_de((ampel_ref_method)m));
    if (cnt < c->h->n_cols) {
      ampel_buf_puts(t, " (");
      size_t k = 0;
      for (size_t j = 0; j < c->h->n_cols; j++)
        if ((int)c->h->ref[j].method == m)
          ampel_buf_printf(t, "%s%s", k++ ? ", " : "", col_ind(c, j)->key);
      ampel_buf_puts(t, ")");
    }
    first = 0;
  }
  ampel_buf_puts(t, ".");
}

static void sources(const ctx *c, ampel_buf *t) {
  ampel_svg_sources(t, c->ds, c->h->ind_ids, c->h->n_cols, sizeof(size_t));
}

/* The areas not drawn, grouped by reason: "Ohne Werte, nicht dargestellt:
 * A, B" and "Nicht bewertet (zu wenige Einwohner): C" (universe rule). */
static void dropped_note(const ctx *c, ampel_buf *t) {
  const ampel_heatmap *h = c->h;
  for (int small = 0; small <= 1; small++) {
    size_t k = 0;
    for (size_t i = 0; i < h->n_dropped; i++) {
      const char *why = c->why && c->why[i] ? c->why[i] : "kein Wert";
      if ((strcmp(why, "kein Wert") != 0) != small)
        continue;
      const ampel_area *a = ampel_dataset_area(c->ds, h->dropped[i]);
      if (!k++ && !small)
        ampel_buf_puts(t, "Ohne Werte, nicht dargestellt: ");
      else if (k == 1)
        ampel_buf_printf(t, "%sNicht bewertet (%s): ", t->len ? ". " : "", why);
      ampel_buf_printf(t, "%s%s", k > 1 ? ", " : "",
                       a->name && *a->name ? a->name : a->key);
    }
  }
}

static double draw_notes(ctx *c, double y, int dry) {
  ampel_buf t, *keep = c->b, sink;
  ampel_buf_init(&t);
  ampel_buf_init(&sink);
  if (dry)
    c->b = &sink;
  const ampel_heatmap *h = c->h;
  ampel_buf_printf(&t, "Jede Spalte ist über die Gebiete auf 0 bis 1 "
                       "skaliert: 0 = ungünstigster, 1 = günstigster Wert "
                       "(bei „hoch ist schlecht“ umgedreht). In den Zellen "
                       "steht der Originalwert. ");
  if (h->opts.cluster != AMPEL_HM_CLUSTER_NONE)
    ampel_buf_printf(&t,
                     "Ähnliche %s stehen nebeneinander "
                     "(hierarchische Clusteranalyse, euklidischer "
                     "Abstand, %s); ungünstige zuerst.",
                     h->opts.cluster == AMPEL_HM_CLUSTER_AREAS ? "Gebiete"
                     : h->opts.cluster == AMPEL_HM_CLUSTER_INDICATORS
                         ? "Kennzahlen"
                         : "Gebiete und Kennzahlen",
                     linkage_de(h->opts.linkage));
  y = note(c, y, t.data ? t.data : "");
  t.len = 0;
  ref_sentence(c, &t);
  y = note(c, y, t.data ? t.data : "");
  if (h->n_dropped) {
    t.len = 0;
    dropped_note(c, &t);
    y = note(c, y, t.data ? t.data : "");
  }
  t.len = 0;
  sources(c, &t);
  y = note(c, y + 4, t.data ? t.data : "");
  t.len = 0;
  ampel_buf_printf(&t, "%s%sErstellt mit ampel heatmap.",
                   c->stamp ? c->stamp : "", c->stamp ? ". " : "");
  y = note(c, y, t.data);
  ampel_buf_release(&t);
  ampel_buf_release(&sink);
  c->b = keep;
  return y + MARGIN - 8;
}

/* ---- Document ------------------------------------------------------------ */

/* The German summary for <desc>: size, colours, the three least and most
 * favourable areas by mean scaled value (the ends of the drawn order when
 * areas are clustered). */
static void summary(const ctx *c, ampel_buf *t) {
  const ampel_heatmap *h = c->h;
  char st[96];
  ampel_buf_printf(t,
                   "Heatmap von %zu Gebieten der Ebene %s und %zu "
                   "Kennzahlen%s%s. Jede Kennzahl ist auf 0 "
                   "(ungünstigster) bis 1 (günstigster Wert) skaliert. ",
                   h->n_rows, h->level, h->n_cols,
                   ampel_heatmap_periods_differ(h) ? ", " : " im Zeitraum ",
                   ampel_stand_label_de(c->ds, h->period,
                                        ampel_heatmap_periods_differ(h), st,
                                        sizeof st));
  if (h->opts.cluster == AMPEL_HM_CLUSTER_BOTH ||
      h->opts.cluster == AMPEL_HM_CLUSTER_AREAS) {
    size_t k = h->n_rows / 2 < 3 ? h->n_rows / 2 : 3; /* no overlap */
    ampel_buf_puts(t, "Oben die im Mittel ungünstigsten Gebiete: ");
    for (size_t i = 0; i < k; i++)
      ampel_buf_printf(t, "%s%s", i ? ", " : "", area_name(c, h->row_order[i]));
    ampel_buf_puts(t, "; unten die günstigsten: ");
    for (size_t i = 0; i < k; i++)
      ampel_buf_printf(t, "%s%s", i ? ", " : "",
                       area_name(c, h->row_order[h->n_rows - 1 - i]));
    ampel_buf_puts(t, ".");
  }
}

static void draw_titles(ctx *c) {
  char t[512];
  char st[96];
  snprintf(t, sizeof t, "Heatmap: %s, %s", c->h->level,
           ampel_stand_label_de(c->ds, c->h->period,
                                ampel_heatmap_periods_differ(c->h), st,
                                sizeof st));
  ampel_svg_text_opts o = {18, NULL, 1, AMPEL_SVG_START, 0, NULL};
  ampel_svg_text(c->b, MARGIN, 32, t, &o);
  snprintf(t, sizeof t,
           "%zu Gebiete × %zu Kennzahlen · Farbe: je Kennzahl 0 = "
           "ungünstigster bis 1 = günstigster Wert",
           c->h->n_rows, c->h->n_cols);
  o.size = 12;
  o.bold = 0;
  ampel_svg_text(c->b, MARGIN, 54, t, &o);
  o.fill = "#404040";
  o.size = 11;
  ampel_svg_text(c->b, MARGIN, 72,
                 "Zahlen in den Zellen: Originalwerte. Genaue Werte und "
                 "Referenz: Maus über die Zelle.",
                 &o);
}

static void defs(ctx *c) {
  ampel_rgb grey[2] = {ampel_palette_neutral(0), ampel_palette_neutral(1)};
  ampel_buf_puts(c->b, "<defs>\n");
  ampel_svg_gradient(c->b, "ampel-pal", c->pal->stops, c->pal->n_stops);
  ampel_svg_gradient(c->b, "ampel-neutral", grey, 2);
  ampel_buf_puts(c->b, "</defs>\n");
}

void ampel_heatmap_write_svg(const ampel_heatmap *h, const ampel_dataset *ds,
                             const ampel_heatmap_render_opts *o,
                             ampel_buf *out) {
  ctx c;
  memset(&c, 0, sizeof c);
  c.h = h;
  c.ds = ds;
  c.b = out;
  c.pal = o && o->palette ? o->palette : ampel_palette_default();
  c.stamp = o ? o->stamp : NULL;
  c.why = o ? o->dropped_why : NULL;
  do_layout(&c);
  double y = c.L.legend_y; /* measure the legend and notes first */
  ampel_buf scratch, *keep = c.b;
  ampel_buf_init(&scratch);
  c.b = &scratch;
  y = draw_legend(&c);
  c.b = keep;
  ampel_buf_release(&scratch);
  c.L.h = draw_notes(&c, y, 1);
  ampel_buf t;
  ampel_buf_init(&t);
  summary(&c, &t);
  char title[512];
  char st[96];
  snprintf(title, sizeof title, "Heatmap: %s, %s", h->level,
           ampel_stand_label_de(ds, h->period, ampel_heatmap_periods_differ(h),
                                st, sizeof st));
  ampel_svg_begin(out, c.L.w, c.L.h, title, t.data ? t.data : "");
  ampel_buf_release(&t);
  defs(&c);
  draw_titles(&c);
  if (c.L.dend_w > 0)
    dendrogram(&c, h->row_tree, h->n_rows, h->row_order, 1);
  if (h->col_tree)
    dendrogram(&c, h->col_tree, h->n_cols, h->col_order, 0);
  draw_domain_band(&c);
  draw_cells(&c);
  draw_area_labels(&c);
  draw_ind_labels(&c);
  draw_notes(&c, draw_legend(&c), 0);
  ampel_svg_end(out);
}
