/* render/lights_svg.c - the Ampel table as an accessible SVG picture
 * (lights.h, docs/ampel.md): one row per area (most critical lights
 * first), one column per indicator; each cell shows the status as a shape
 * (circle = gut, half circle = durchschnittlich, triangle with "!" =
 * kritisch, dash = ohne Bewertung) in the palette's colour and the trend
 * as an arrow (↑ besser, → stabil, ↓ schlechter); uncertain cells are
 * hatched and lighter. Below: legend, the "Hinsehen" list, notes,
 * sources and the data version. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ampel/alloc.h"
#include "ampel/lights.h"

#define MARGIN 20.0
#define AREA_CHARS 28
#define IND_CHARS 36
#define MAX_HINSEHEN 20

typedef struct ctx {
  const ampel_lights *l;
  const ampel_dataset *ds;
  const ampel_palette *pal;
  const char *stamp;
  ampel_buf *b;
  const size_t *order; /* row order: the caller's, or dataset order */
  int ranked;          /* 1 when the caller gave the order */
  double w, h;
  double cw, ch;
  double name_w; /* area name column */
  double cx, cy; /* top left of the first cell */
  double head_h; /* rotated indicator names */
  double text_chars;
} ctx;

static const ampel_indicator *col_ind(const ctx *c, size_t j) {
  return ampel_dataset_indicator(c->ds, c->l->cols[j].ind);
}

static const char *area_name(const ampel_dataset *ds, size_t id) {
  const ampel_area *a = ampel_dataset_area(ds, id);
  return a->name && *a->name ? a->name : a->key;
}

static double max_w(const ctx *c, int areas, double font) {
  double w = 0;
  size_t n = areas ? c->l->n_areas : c->l->n_cols;
  for (size_t i = 0; i < n; i++) {
    char tmp[256];
    ampel_abbrev(areas ? area_name(c->ds, c->l->area_ids[i])
                       : col_ind(c, i)->name,
                 areas ? AREA_CHARS : IND_CHARS, tmp, sizeof tmp);
    double x = ampel_svg_text_width(tmp, font);
    w = x > w ? x : w;
  }
  return w;
}

static void do_layout(ctx *c) {
  c->cw = 52;
  c->ch = 24;
  c->name_w = max_w(c, 1, 12) + 12;
  c->head_h = max_w(c, 0, 11) * 0.9 + 12;
  c->cx = MARGIN + c->name_w;
  c->cy = 100 + c->head_h;
  double right = c->cx + (double)c->l->n_cols * c->cw + 2 * 78 + MARGIN;
  c->w = right > 900 ? right : 900;
  c->text_chars = (c->w - 2 * MARGIN) / (11 * 0.6);
}

/* ---- Symbols ------------------------------------------------------------- */

static void hex_of(ampel_rgb c, int faded, char *out) {
  static const ampel_rgb white = {255, 255, 255};
  ampel_rgb_hex(faded ? ampel_rgb_mix(c, white, 0.55) : c, out);
}

/* The status symbol centred at (x, y); `faded` for uncertain cells. */
static void symbol(ampel_buf *b, const ampel_palette *pal, ampel_light s,
                   double x, double y, int faded) {
  char fill[8], d[256];
  const char *stroke = faded ? "#7f7f7f" : "#1a1a1a";
  ampel_svg_text_opts o = {11, NULL, 1, AMPEL_SVG_MIDDLE, 0, NULL};
  switch (s) {
  case AMPEL_LIGHT_GOOD:
    hex_of(pal->good, faded, fill);
    ampel_svg_circle(b, x, y, 7, fill, stroke, 1);
    break;
  case AMPEL_LIGHT_AVERAGE:
    hex_of(pal->average, faded, fill);
    ampel_svg_circle(b, x, y, 7, "#ffffff", stroke, 1);
    snprintf(d, sizeof d, "M%.2f %.2fA7 7 0 0 0 %.2f %.2fZ", x, y - 7, x,
             y + 7);
    ampel_svg_path(b, d, fill, stroke, 1);
    break;
  case AMPEL_LIGHT_CRITICAL: {
    ampel_rgb fg = ampel_rgb_text_on(pal->critical);
    char fgh[8];
    hex_of(pal->critical, faded, fill);
    ampel_rgb_hex(faded ? ampel_rgb_text_on(ampel_rgb_mix(
                              pal->critical, (ampel_rgb){255, 255, 255}, 0.55))
                        : fg,
                  fgh);
    snprintf(d, sizeof d, "M%.2f %.2fL%.2f %.2fL%.2f %.2fZ", x, y - 9, x + 9,
             y + 7, x - 9, y + 7);
    ampel_svg_path(b, d, fill, stroke, 1);
    o.fill = fgh;
    ampel_svg_text(b, x, y + 5.5, "!", &o);
    break;
  }
  case AMPEL_LIGHT_NONE:
    o.fill = "#595959";
    o.bold = 0;
    o.size = 12;
    ampel_svg_text(b, x, y + 4, "–", &o);
    break;
  }
}

static const char *arrow(ampel_trend t) {
  switch (t) {
  case AMPEL_TREND_BETTER: return "↑";
  case AMPEL_TREND_STABLE: return "→";
  case AMPEL_TREND_WORSE: return "↓";
  case AMPEL_TREND_NONE: return "";
  /* a neutral indicator's direction: dashed arrows, no judgement */
  case AMPEL_TREND_UP: return "⇡";
  case AMPEL_TREND_DOWN: return "⇣";
  case AMPEL_TREND_SAME: return "=";
  case AMPEL_TREND_COUNT_: break;
  }
  return "";
}

/* ---- Cells --------------------------------------------------------------- */

static void unit_of(const ampel_indicator *ind, char *out, size_t n) {
  if (ind->unit && *ind->unit && strcmp(ind->unit, "Anzahl") != 0)
    snprintf(out, n, " %s", ind->unit);
  else
    out[0] = '\0';
}

static void cell_title(const ctx *c, size_t r, size_t j, ampel_buf *t) {
  const ampel_lights_cell *e = ampel_lights_at(c->l, r, j);
  const ampel_lights_col *col = &c->l->cols[j];
  const ampel_indicator *ind = col_ind(c, j);
  char v[64], rf[64], s[64], u[96];
  int dec = ind->decimals;
  unit_of(ind, u, sizeof u);
  ampel_format_de(e->value, dec, v, sizeof v);
  ampel_format_de(col->ref.value, dec, rf, sizeof rf);
  ampel_format_de(e->status_score, 2, s, sizeof s);
  ampel_buf_printf(
      t, "%s – %s (%s): %s%s; Referenz (%s): %s%s; Status: %s",
      area_name(c->ds, c->l->area_ids[r]), ind->name,
      ampel_dataset_period(c->ds, col->period)->label, v,
      isnan(e->value) ? "" : u, ampel_ref_method_label_de(col->ref.method), rf,
      isnan(col->ref.value) ? "" : u, ampel_light_label_de(e->status));
  if (!isnan(e->status_score))
    ampel_buf_printf(t, " (%s %s)", s,
                     c->l->method == AMPEL_STATUS_METHOD_RELATIVE ? "%" : "SD");
  if (col->since >= 0) {
    ampel_format_de(e->change, dec, v, sizeof v);
    ampel_format_de(e->trend_score, 2, s, sizeof s);
    ampel_buf_printf(t, "; Entwicklung seit %s: %s",
                     ampel_dataset_period(c->ds, (size_t)col->since)->label,
                     ampel_trend_label_de(e->trend));
    if (!isnan(e->change))
      ampel_buf_printf(t, " (Veränderung %s%s%s", e->change > 0 ? "+" : "", v,
                       isnan(e->trend_score) ? ")" : "");
    if (!isnan(e->change) && !isnan(e->trend_score))
      ampel_buf_printf(t, ", %s SD)", s);
  } else {
    ampel_buf_puts(t, "; Entwicklung: kein früherer Wert");
  }
  if (e->certain == AMPEL_CERTAIN_NO)
    ampel_buf_puts(t, "; unsicher: die Referenz liegt im "
                      "95-%-Vertrauensbereich des Gebiets");
}

static void draw_cell(ctx *c, size_t pr, size_t j, ampel_buf *t) {
  size_t r = c->order[pr];
  const ampel_lights_cell *e = ampel_lights_at(c->l, r, j);
  double x = c->cx + (double)j * c->cw, y = c->cy + (double)pr * c->ch;
  int unsure = e->certain == AMPEL_CERTAIN_NO;
  t->len = 0;
  cell_title(c, r, j, t);
  ampel_svg_group_open(c->b, NULL, t->failed ? NULL : t->data);
  ampel_svg_rect(c->b, x, y, c->cw, c->ch, pr % 2 ? "#f5f5f5" : "#ffffff",
                 "#d9d9d9", 0.5, NULL);
  if (unsure)
    ampel_svg_rect(c->b, x, y, c->cw, c->ch, "url(#ampel-hatch)", NULL, 0,
                   NULL);
  symbol(c->b, c->pal, e->status, x + 17, y + c->ch / 2, unsure);
  ampel_svg_text_opts o = {
      15, unsure ? "#595959" : NULL, 1, AMPEL_SVG_MIDDLE, 0, NULL};
  ampel_svg_text(c->b, x + 39, y + c->ch / 2 + 5, arrow(e->trend), &o);
  ampel_svg_group_close(c->b);
}

static void draw_row(ctx *c, size_t pr, ampel_buf *t) {
  size_t r = c->order[pr], nc, nw;
  double y = c->cy + (double)pr * c->ch;
  const char *name = area_name(c->ds, c->l->area_ids[r]);
  char tmp[256];
  int cut = ampel_abbrev(name, AREA_CHARS, tmp, sizeof tmp);
  ampel_svg_text_opts o = {12, NULL, 0, AMPEL_SVG_END, 0, cut ? name : NULL};
  ampel_svg_text(c->b, c->cx - 8, y + c->ch / 2 + 4, tmp, &o);
  for (size_t j = 0; j < c->l->n_cols; j++)
    draw_cell(c, pr, j, t);
  ampel_lights_counts(c->l, r, &nc, &nw);
  double x = c->cx + (double)c->l->n_cols * c->cw;
  o.anchor = AMPEL_SVG_MIDDLE;
  o.title = NULL;
  o.bold = nc > 0;
  snprintf(tmp, sizeof tmp, "%zu", nc);
  ampel_svg_text(c->b, x + 39, y + c->ch / 2 + 4, tmp, &o);
  o.bold = nw > 0;
  snprintf(tmp, sizeof tmp, "%zu", nw);
  ampel_svg_text(c->b, x + 117, y + c->ch / 2 + 4, tmp, &o);
}

static void draw_header(ctx *c) {
  ampel_svg_text_opts o = {11, NULL, 0, AMPEL_SVG_START, -90, NULL};
  int differs = ampel_lights_periods_differ(c->l);
  for (size_t j = 0; j < c->l->n_cols; j++) {
    const ampel_indicator *ind = col_ind(c, j);
    char tmp[256], full[320];
    /* Stand je Kennzahl: each header names its period */
    const char *per = ampel_dataset_period(c->ds, c->l->cols[j].period)->label;
    size_t room = differs ? strlen(per) + 3 : 0;
    int cut = ampel_abbrev(ind->name, IND_CHARS - (int)room, tmp, sizeof tmp);
    if (differs) {
      size_t n = strlen(tmp);
      snprintf(tmp + n, sizeof tmp - n, " (%s)", per);
      snprintf(full, sizeof full, "%s (%s)", ind->name, per);
    }
    o.title = cut ? (differs ? full : ind->name) : NULL;
    ampel_svg_text(c->b, c->cx + ((double)j + 0.5) * c->cw + 4, c->cy - 8, tmp,
                   &o);
  }
  double x = c->cx + (double)c->l->n_cols * c->cw;
  o.title = NULL;
  o.bold = 1;
  o.rotate = 0;
  o.anchor = AMPEL_SVG_MIDDLE;
  ampel_svg_text(c->b, x + 39, c->cy - 22, "kritisch", &o);
  ampel_svg_text(c->b, x + 117, c->cy - 22, "schlechter", &o);
  o.bold = 0;
  o.size = 10;
  ampel_svg_text(c->b, x + 39, c->cy - 8, "(Anzahl)", &o);
  ampel_svg_text(c->b, x + 117, c->cy - 8, "(Anzahl)", &o);
  o.anchor = AMPEL_SVG_END;
  o.size = 11;
  o.bold = 1;
  ampel_svg_text(c->b, c->cx - 8, c->cy - 8, "Gebiet", &o);
}

/* ---- Legend, Hinsehen, notes ------------------------------------------- */

static double wrapped(ctx *c, double x, double y, const char *text, int bold,
                      double size) {
  ampel_svg_text_opts o = {size, NULL, bold, AMPEL_SVG_START, 0, NULL};
  size_t n = ampel_svg_text_wrapped(
      c->b, x, y, text, (size_t)((c->w - x - MARGIN) / (size * 0.6)), size + 4,
      &o);
  return y + (double)n * (size + 4);
}

static double draw_legend(ctx *c, double y) {
  static const ampel_light ls[] = {AMPEL_LIGHT_GOOD, AMPEL_LIGHT_AVERAGE,
                                   AMPEL_LIGHT_CRITICAL, AMPEL_LIGHT_NONE};
  static const char *const lab[] = {"gut", "durchschnittlich", "kritisch",
                                    "ohne Bewertung"};
  ampel_svg_text_opts o = {11, NULL, 0, AMPEL_SVG_START, 0, NULL};
  double x = MARGIN;
  for (int i = 0; i < 4; i++) {
    symbol(c->b, c->pal, ls[i], x + 9, y, 0);
    ampel_svg_text(c->b, x + 22, y + 4, lab[i], &o);
    x += 22 + ampel_svg_text_width(lab[i], 11) + 24;
  }
  ampel_svg_rect(c->b, x, y - 10, 30, 20, "#ffffff", "#d9d9d9", 0.5, NULL);
  ampel_svg_rect(c->b, x, y - 10, 30, 20, "url(#ampel-hatch)", NULL, 0, NULL);
  symbol(c->b, c->pal, AMPEL_LIGHT_GOOD, x + 15, y, 1);
  ampel_svg_text(c->b, x + 38, y + 4,
                 "unsicher (Referenz im 95-%-Vertrauensbereich)", &o);
  y += 26;
  x = MARGIN;
  static const char *const tl[] = {"↑ besser entwickelt als die Referenz",
                                   "→ stabil", "↓ schlechter entwickelt"};
  for (int i = 0; i < 3; i++) {
    ampel_svg_text(c->b, x, y + 4, tl[i], &o);
    x += ampel_svg_text_width(tl[i], 11) + 28;
  }
  y += 22;
  return wrapped(c, MARGIN, y,
                 "Die Pfeile bewerten die Entwicklung, sie zeigen nicht, ob "
                 "ein Wert gestiegen oder gesunken ist: Bei „hoch ist "
                 "schlecht“ bedeutet ein stärker als in der Gesamtstadt "
                 "sinkender Wert ↑ (besser).",
                 0, 11) +
         6;
}

void ampel_lights_hinsehen_line(const ampel_lights *l, const ampel_dataset *ds,
                                size_t r, ampel_buf *out) {
  size_t nc, nw;
  ampel_lights_counts(l, r, &nc, &nw);
  if (!nc && !nw)
    return;
  ampel_buf_printf(out, "%s:", area_name(ds, l->area_ids[r]));
  for (int pass = 0; pass < 2; pass++) {
    size_t n = pass ? nw : nc, k = 0;
    if (!n)
      continue;
    ampel_buf_printf(out, "%s %zu %s (", pass && nc ? "," : "", n,
                     pass ? "verschlechtert" : "kritisch");
    for (size_t j = 0; j < l->n_cols; j++) {
      const ampel_lights_cell *e = ampel_lights_at(l, r, j);
      if (pass ? e->trend == AMPEL_TREND_WORSE
               : e->status == AMPEL_LIGHT_CRITICAL)
        ampel_buf_printf(out, "%s%s", k++ ? ", " : "",
                         ampel_dataset_indicator(ds, l->cols[j].ind)->name);
    }
    ampel_buf_putc(out, ')');
  }
}

static double draw_hinsehen(ctx *c, double y) {
  y = wrapped(c, MARGIN, y + 8, "Hinsehen", 1, 14) + 2;
  y = wrapped(c, MARGIN, y,
              c->ranked ? "Gebiete mit den meisten kritischen Werten und "
                          "Verschlechterungen, nach Anzahl geordnet:"
                        : "Gebiete mit kritischen Werten oder "
                          "Verschlechterungen:",
              0, 11) +
      2;
  ampel_buf t;
  ampel_buf_init(&t);
  size_t shown = 0, more = 0;
  for (size_t i = 0; i < c->l->n_areas; i++) {
    t.len = 0;
    ampel_lights_hinsehen_line(c->l, c->ds, c->order[i], &t);
    if (!t.len)
      continue;
    if (shown == MAX_HINSEHEN) {
      more++;
      continue;
    }
    char num[16];
    snprintf(num, sizeof num, "%zu.", ++shown);
    ampel_svg_text_opts o = {11, NULL, 0, AMPEL_SVG_END, 0, NULL};
    ampel_svg_text(c->b, MARGIN + 22, y, num, &o);
    y = wrapped(c, MARGIN + 28, y, t.data, 0, 11) + 2;
  }
  if (!shown)
    y = wrapped(c, MARGIN, y,
                "Kein Gebiet hat einen kritischen Wert oder eine "
                "Verschlechterung.",
                0, 11);
  if (more) {
    char tmp[128];
    snprintf(tmp, sizeof tmp, "… und %zu weitere Gebiete (siehe Tabelle).",
             more);
    y = wrapped(c, MARGIN, y, tmp, 0, 11);
  }
  ampel_buf_release(&t);
  return y + 8;
}

static void method_note(const ctx *c, ampel_buf *t) {
  char b[32];
  ampel_format_de(c->l->band, -1, b, sizeof b);
  if (c->l->method == AMPEL_STATUS_METHOD_RELATIVE)
    ampel_buf_printf(t,
                     "Status: Abstand zur Referenz in Prozent der "
                     "Referenz, r = p·(x − Ref)/|Ref|·100; gut ab r ≥ "
                     "%s %%, kritisch ab r ≤ −%s %%. ",
                     b, b);
  else
    ampel_buf_printf(t,
                     "Status: Abstand zur Referenz in "
                     "Standardabweichungen der Gebiete, s = p·(x − "
                     "Ref)/SD (p = +1 bei „hoch ist gut“, −1 bei "
                     "„hoch "
                     "ist schlecht“); gut ab s ≥ %s, kritisch ab s ≤ "
                     "−%s. ",
                     b, b);
  ampel_buf_puts(t, "Entwicklung: Veränderung des Gebiets minus "
                    "Veränderung der Referenz, in Standardabweichungen der "
                    "Veränderungen; besser/schlechter ab ±");
  ampel_format_de(c->l->method == AMPEL_STATUS_METHOD_SD ? c->l->band
                                                         : AMPEL_BAND_DEFAULT,
                  -1, b, sizeof b);
  ampel_buf_printf(t,
                   "%s. Unter 3 Gebieten mit Werten oder ohne Streuung: "
                   "ohne Bewertung. Neutrale Kennzahlen werden nicht "
                   "bewertet.",
                   b);
}

static void ref_note(const ctx *c, ampel_buf *t) {
  ampel_buf_puts(t, "Referenz: ");
  for (size_t j = 0; j < c->l->n_cols; j++) {
    const ampel_lights_col *col = &c->l->cols[j];
    ampel_buf_printf(t, "%s%s: %s", j ? "; " : "", col_ind(c, j)->key,
                     ampel_ref_method_label_de(col->ref.method));
    if (col->since >= 0)
      ampel_buf_printf(t, ", Entwicklung seit %s",
                       ampel_dataset_period(c->ds, (size_t)col->since)->label);
  }
  ampel_buf_puts(t, ".");
}

static void sources(const ctx *c, ampel_buf *t) {
  ampel_svg_sources(t, c->ds, c->l->n_cols ? &c->l->cols[0].ind : NULL,
                    c->l->n_cols, sizeof c->l->cols[0]);
}

/* Everything below the table; returns the bottom y. */
static double draw_bottom(ctx *c, double y) {
  y = draw_legend(c, y);
  y = draw_hinsehen(c, y);
  ampel_buf t;
  ampel_buf_init(&t);
  method_note(c, &t);
  y = wrapped(c, MARGIN, y, t.data ? t.data : "", 0, 11) + 4;
  t.len = 0;
  ref_note(c, &t);
  y = wrapped(c, MARGIN, y, t.data ? t.data : "", 0, 11) + 4;
  t.len = 0;
  sources(c, &t);
  y = wrapped(c, MARGIN, y, t.data ? t.data : "", 0, 11) + 4;
  t.len = 0;
  ampel_buf_printf(&t, "%s%sErstellt mit ampel lights.",
                   c->stamp ? c->stamp : "", c->stamp ? ". " : "");
  y = wrapped(c, MARGIN, y, t.data, 0, 11);
  ampel_buf_release(&t);
  return y + MARGIN - 8;
}

/* ---- Document ------------------------------------------------------------ */

static void summary(const ctx *c, ampel_buf *t) {
  const ampel_lights *l = c->l;
  size_t n[4] = {0, 0, 0, 0};
  for (size_t i = 0; i < l->n_areas * l->n_cols; i++)
    n[l->cells[i].status]++;
  char st[96];
  ampel_buf_printf(t,
                   "Ampel für %zu Gebiete der Ebene %s und %zu Kennzahlen"
                   "%s%s: %zu gut, %zu durchschnittlich, %zu "
                   "kritisch, %zu ohne Bewertung. ",
                   l->n_areas, l->level, l->n_cols,
                   ampel_lights_periods_differ(l) ? ", " : " im Zeitraum ",
                   ampel_stand_label_de(c->ds, l->period,
                                        ampel_lights_periods_differ(l), st,
                                        sizeof st),
                   n[0], n[1], n[2], n[3]);
  size_t k = 0;
  for (size_t i = 0; i < l->n_areas && k < 3; i++) {
    size_t before = t->len;
    if (k == 0)
      ampel_buf_puts(t, "Hinsehen: ");
    else
      ampel_buf_puts(t, "; ");
    size_t mark = t->len;
    ampel_lights_hinsehen_line(l, c->ds, c->order[i], t);
    if (t->len == mark) {
      t->len = before;
      if (t->data)
        t->data[before] = '\0';
      continue;
    }
    k++;
  }
  if (k)
    ampel_buf_puts(t, ".");
}

static void draw_titles(ctx *c) {
  char t[512], b[32];
  char st[96];
  snprintf(t, sizeof t, "Ampel: %s, %s", c->l->level,
           ampel_stand_label_de(c->ds, c->l->period,
                                ampel_lights_periods_differ(c->l), st,
                                sizeof st));
  ampel_svg_text_opts o = {18, NULL, 1, AMPEL_SVG_START, 0, NULL};
  ampel_svg_text(c->b, MARGIN, 32, t, &o);
  ampel_format_de(c->l->band, -1, b, sizeof b);
  if (c->l->method == AMPEL_STATUS_METHOD_RELATIVE)
    snprintf(t, sizeof t,
             "Status: Abweichung von der Referenz um mindestens "
             "%s %% · Pfeil: Entwicklung",
             b);
  else
    snprintf(t, sizeof t,
             "Status: Abweichung von der Referenz um mindestens "
             "%s Standardabweichungen · Pfeil: Entwicklung",
             b);
  o.size = 12;
  o.bold = 0;
  ampel_svg_text(c->b, MARGIN, 54, t, &o);
  o.size = 11;
  o.fill = "#404040";
  ampel_svg_text(c->b, MARGIN, 72,
                 c->ranked ? "Sortiert nach der Zahl kritischer Werte. Genaue "
                             "Werte: Maus über die Zelle."
                           : "Gebiete in der Reihenfolge der Daten. Genaue "
                             "Werte: Maus über die Zelle.",
                 &o);
}

void ampel_lights_write_svg(const ampel_lights *l, const ampel_dataset *ds,
                            const ampel_lights_render_opts *o, ampel_buf *out) {
  ctx c;
  memset(&c, 0, sizeof c);
  c.l = l;
  c.ds = ds;
  c.b = out;
  c.pal = o && o->palette ? o->palette : ampel_palette_default();
  c.stamp = o ? o->stamp : NULL;
  /* The order is a policy (ampel_lights_rank, compute): the caller
   * decides it; without one the rows keep dataset order. */
  size_t *own_order = NULL;
  if (o && o->order) {
    c.order = o->order;
    c.ranked = 1;
  } else {
    own_order = ampel_calloc(l->n_areas + 1, sizeof *own_order);
    if (!own_order) {
      out->failed = 1;
      return;
    }
    for (size_t r = 0; r < l->n_areas; r++)
      own_order[r] = r;
    c.order = own_order;
  }
  do_layout(&c);
  double table_end = c.cy + (double)l->n_areas * c.ch + 30;
  ampel_buf scratch;
  ampel_buf_init(&scratch);
  c.b = &scratch;
  c.h = draw_bottom(&c, table_end);
  ampel_buf_release(&scratch);
  c.b = out;
  ampel_buf t, cell;
  ampel_buf_init(&t);
  ampel_buf_init(&cell);
  summary(&c, &t);
  char title[512];
  char st[96];
  snprintf(title, sizeof title, "Ampel: %s, %s", l->level,
           ampel_stand_label_de(ds, l->period, ampel_lights_periods_differ(l),
                                st, sizeof st));
  ampel_svg_begin(out, c.w, c.h, title, t.data ? t.data : "");
  ampel_buf_puts(out, "<defs>\n");
  ampel_svg_hatch(out, "ampel-hatch", "#bdbdbd");
  ampel_buf_puts(out, "</defs>\n");
  draw_titles(&c);
  draw_header(&c);
  for (size_t pr = 0; pr < l->n_areas; pr++)
    draw_row(&c, pr, &cell);
  draw_bottom(&c, table_end);
  ampel_svg_end(out);
  ampel_buf_release(&t);
  ampel_buf_release(&cell);
  ampel_free(own_order);
}
