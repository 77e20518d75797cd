/* Report: one profile per area (Stadtteilprofil) with values, reference,
 * rank, status, sparkline and the tile map (report_internal.h). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ampel/alloc.h"
#include "report_internal.h"

/* Column x positions relative to RP_ML. */
#define PX_VAL 210.0  /* right edge of the value */
#define PX_REF 272.0  /* right edge of the reference */
#define PX_RANK 316.0 /* right edge of the rank */
#define PX_CHIP 326.0 /* status chip */
#define CHIP_W 74.0
#define PX_SPARK 408.0 /* sparkline */
#define SPARK_W 60.0

typedef struct pf_range {
  double lo, hi; /* over all areas of the level and all periods */
} pf_range;

static pf_range range_of(const rp_ctx *c, size_t ind) {
  pf_range r = {INFINITY, -INFINITY};
  for (size_t p = 0; p < ampel_dataset_n_periods(c->ds); p++) {
    const double *v = ampel_dataset_values(c->ds, ind, p);
    for (size_t i = 0; v && i < c->sel.n_areas; i++)
      if (isfinite(v[c->sel.areas[i]])) {
        r.lo = fmin(r.lo, v[c->sel.areas[i]]);
        r.hi = fmax(r.hi, v[c->sel.areas[i]]);
      }
  }
  return r;
}

static int has_value(const ampel_dataset *ds, size_t area, size_t ind,
                     size_t period) {
  const double *v = ampel_dataset_values(ds, ind, period);
  return v && !isnan(v[area]);
}

static void sparkline(rp_ctx *c, size_t area, size_t ind, pf_range rg, double x,
                      double y, double h) {
  size_t np = ampel_dataset_n_periods(c->ds), n = 0;
  for (size_t p = 0; p < np; p++)
    n += has_value(c->ds, area, ind, p) ? 1 : 0;
  if (n < 2) {
    rp_text(c->b, x, y + h - 2, "ein Zeitpunkt", 6.5, 0, RP_GREY,
            AMPEL_SVG_START);
    return;
  }
  double span = rg.hi > rg.lo ? rg.hi - rg.lo : 1;
  ampel_buf d;
  ampel_buf_init(&d);
  double lx = 0, ly = 0;
  int pen = 0;
  for (size_t p = 0; p < np; p++) {
    ampel_cell_ref e = ampel_dataset_get(c->ds, area, ind, p);
    if (!has_value(c->ds, area, ind, p)) {
      pen = 0;
      continue;
    }
    lx = x + SPARK_W * (double)p / (double)(np > 1 ? np - 1 : 1);
    ly = y + h - h * (e.value - rg.lo) / span;
    ampel_buf_printf(&d, "%s%.2f %.2f", pen ? " L" : "M", lx, ly);
    pen = 1;
  }
  if (!d.failed && d.data)
    ampel_svg_path(c->b, d.data, "none", RP_ACCENT, 1.2);
  ampel_svg_circle(c->b, lx, ly, 1.8, RP_ACCENT, NULL, 0);
  ampel_buf_release(&d);
}

static long lights_row(const rp_ctx *c, size_t area) {
  for (size_t r = 0; r < c->lights.n_areas; r++)
    if (c->lights.area_ids[r] == area)
      return (long)r;
  return -1;
}

static void chip(rp_ctx *c, const ampel_lights_cell *e, int small, int neutral,
                 double x, double y) {
  const ampel_palette *p = ampel_palette_default();
  ampel_rgb bg = {0xee, 0xee, 0xee};
  const char *label = "ohne Bewertung";
  if (small) {
    label = "zu wenige Einw.";
  } else if (neutral) {
    label = "neutral";
  } else if (e && e->status != AMPEL_LIGHT_NONE) {
    bg = e->status == AMPEL_LIGHT_GOOD      ? p->good
         : e->status == AMPEL_LIGHT_AVERAGE ? p->average
                                            : p->critical;
    label = ampel_light_label_de(e->status);
    if (e->certain == AMPEL_CERTAIN_NO)
      bg = ampel_rgb_mix(bg, (ampel_rgb){255, 255, 255}, 0.55);
  }
  char hex[8], fg[8];
  ampel_rgb_hex(bg, hex);
  ampel_rgb_hex(ampel_rgb_text_on(bg), fg);
  ampel_svg_rect(c->b, x, y, CHIP_W, 12, hex, NULL, 0, NULL);
  rp_text(c->b, x + CHIP_W / 2, y + 8.8, label, 6.8, 0, fg, AMPEL_SVG_MIDDLE);
}

static const char *trend_word(const ampel_lights_cell *e) {
  if (!e)
    return "";
  switch (e->trend) {
  case AMPEL_TREND_BETTER: return "\xe2\x86\x97";
  case AMPEL_TREND_WORSE: return "\xe2\x86\x98";
  case AMPEL_TREND_STABLE: return "\xe2\x86\x92";
  case AMPEL_TREND_UP: return "\xe2\x86\x91"; /* ↑ neutral */
  case AMPEL_TREND_DOWN: return "\xe2\x86\x93";
  case AMPEL_TREND_SAME: return "=";
  default: return "";
  }
}

typedef struct name_ud {
  rp_ctx *c;
  double y;
  size_t n;
} name_ud;

static void name_line(void *ud, const char *s, size_t len) {
  name_ud *u = ud;
  if (u->n++ >= 2)
    return;
  char tmp[256];
  len = len < sizeof tmp - 1 ? len : sizeof tmp - 1;
  memcpy(tmp, s, len);
  tmp[len] = '\0';
  rp_text(u->c->b, RP_ML + 4, u->y, tmp, 8, 0, RP_INK, AMPEL_SVG_START);
  u->y += 9.5;
}

static void profile_row(rp_ctx *c, size_t area, size_t j, long lr,
                        const pf_range *rg) {
  size_t ind = c->sel.inds[j];
  const ampel_indicator *in = ampel_dataset_indicator(c->ds, ind);
  char label[512], val[64], ref[64], rank[32];
  if (in->unit && *in->unit)
    snprintf(label, sizeof label, "%s (%s)", in->name, in->unit);
  else
    snprintf(label, sizeof label, "%s", in->name);
  size_t lines = ampel_wrap(label, 40, NULL, NULL);
  double h = lines > 1 ? 24 : 16;
  if (j % 2)
    ampel_svg_rect(c->b, RP_ML, c->y, RP_CW, h, "#f5f7f9", NULL, 0, NULL);
  name_ud u = {c, c->y + 10.5, 0};
  ampel_wrap(label, 40, name_line, &u);
  rp_cell_text(c->ds, area, ind, ampel_selection_period(&c->sel, j), val,
               sizeof val);
  const ampel_lights_cell *e =
      lr >= 0 ? ampel_lights_at(&c->lights, (size_t)lr, j) : NULL;
  ampel_format_de(c->lights.cols[j].ref.value, in->decimals, ref, sizeof ref);
  size_t rk = lr >= 0 ? c->a->rank[(size_t)lr * c->lights.n_cols + j] : 0;
  if (rk)
    snprintf(rank, sizeof rank, "%zu/%zu", rk, c->a->n_ranked[j]);
  else
    snprintf(rank, sizeof rank, "–");
  double ty = c->y + 10.5;
  rp_text(c->b, RP_ML + PX_VAL, ty, val, 8.5, 1, RP_INK, AMPEL_SVG_END);
  rp_text(c->b, RP_ML + PX_REF, ty, ref, 8.5, 0, RP_INK, AMPEL_SVG_END);
  rp_text(c->b, RP_ML + PX_RANK, ty, rank, 8.5, 0, RP_INK, AMPEL_SVG_END);
  int small = lr >= 0 && c->a->lights.reason[lr] == AMPEL_REASON_SMALL;
  chip(c, e, small, in->polarity == AMPEL_POL_NEUTRAL, RP_ML + PX_CHIP,
       c->y + 2);
  sparkline(c, area, ind, rg[j], RP_ML + PX_SPARK, c->y + 2, 11);
  rp_text(c->b, RP_W - RP_ML - 1, ty, trend_word(e), 9, 0, RP_INK,
          AMPEL_SVG_END);
  c->y += h;
}

static void profile_head(rp_ctx *c, size_t area) {
  const ampel_area *a = ampel_dataset_area(c->ds, area);
  char sub[512], pop[48], parent[200] = "";
  char name[200];
  ampel_abbrev(rp_area_name(c->ds, area), c->has_tiles ? 44 : 60, name,
               sizeof name);
  rp_text(c->b, RP_ML, c->y + 14, name, 14, 1, RP_ACCENT, AMPEL_SVG_START);
  long p = a->parent ? ampel_dataset_find_area(c->ds, a->parent) : -1;
  if (p >= 0) {
    const ampel_area *pa = ampel_dataset_area(c->ds, (size_t)p);
    snprintf(parent, sizeof parent, "%s %s · ", pa->level,
             rp_area_name(c->ds, (size_t)p));
  }
  if (isfinite(a->population))
    ampel_format_de(a->population, 0, pop, sizeof pop);
  snprintf(sub, sizeof sub, "%s · %s%s%sSchlüssel %s", a->level, parent,
           isfinite(a->population) ? pop : "",
           isfinite(a->population) ? " Einwohner · " : "", a->key);
  rp_text(c->b, RP_ML, c->y + 27, sub, 8.5, 0, RP_GREY, AMPEL_SVG_START);
  c->y += 36;
}

static void table_head(rp_ctx *c) {
  ampel_svg_rect(c->b, RP_ML, c->y, RP_CW, 14, "#e8eef4", NULL, 0, NULL);
  double ty = c->y + 10;
  rp_text(c->b, RP_ML + 4, ty, "Kennzahl", 7.5, 1, RP_INK, AMPEL_SVG_START);
  rp_text(c->b, RP_ML + PX_VAL, ty, "Wert", 7.5, 1, RP_INK, AMPEL_SVG_END);
  rp_text(c->b, RP_ML + PX_REF, ty, "Gesamtstadt", 7.5, 1, RP_INK,
          AMPEL_SVG_END);
  rp_text(c->b, RP_ML + PX_RANK, ty, "Rang", 7.5, 1, RP_INK, AMPEL_SVG_END);
  rp_text(c->b, RP_ML + PX_CHIP, ty, "Bewertung", 7.5, 1, RP_INK,
          AMPEL_SVG_START);
  rp_text(c->b, RP_ML + PX_SPARK, ty, "Verlauf", 7.5, 1, RP_INK,
          AMPEL_SVG_START);
  c->y += 16;
}

/* The tile map of the level with `area` marked; returns its height. */
static double tilemap(rp_ctx *c, size_t area, double x, double y, double w,
                      double h) {
  int r0 = 1 << 30, r1 = -(1 << 30), c0 = 1 << 30, c1 = -(1 << 30);
  for (size_t i = 0; i < c->sel.n_areas; i++) {
    const ampel_area *a = ampel_dataset_area(c->ds, c->sel.areas[i]);
    if (a->tile_row == AMPEL_NO_TILE)
      continue;
    r0 = a->tile_row < r0 ? a->tile_row : r0;
    r1 = a->tile_row > r1 ? a->tile_row : r1;
    c0 = a->tile_col < c0 ? a->tile_col : c0;
    c1 = a->tile_col > c1 ? a->tile_col : c1;
  }
  if (r1 < r0)
    return 0;
  double s = fmin(fmin(w / (c1 - c0 + 1), h / (r1 - r0 + 1)), 16);
  for (size_t i = 0; i < c->sel.n_areas; i++) {
    const ampel_area *a = ampel_dataset_area(c->ds, c->sel.areas[i]);
    if (a->tile_row == AMPEL_NO_TILE)
      continue;
    int me = c->sel.areas[i] == area;
    ampel_svg_rect(c->b, x + s * (a->tile_col - c0), y + s * (a->tile_row - r0),
                   s - 1.5, s - 1.5, me ? RP_ACCENT : "#d5dbe1", NULL, 0,
                   rp_area_name(c->ds, c->sel.areas[i]));
  }
  return s * (r1 - r0 + 1);
}

static void profile(rp_ctx *c, size_t area, const pf_range *rg) {
  double rows_h = 0;
  for (size_t j = 0; j < c->sel.n_inds; j++)
    rows_h += 24;
  rp_need(c, 36 + 16 + rows_h + (c->has_tiles ? 90 : 0) + 12);
  if (c->y > RP_TOP + 1) {
    ampel_svg_line(c->b, RP_ML, c->y + 2, RP_W - RP_ML, c->y + 2, RP_RULE, 0.6);
    c->y += 10;
  }
  profile_head(c, area);
  if (c->has_tiles) { /* the locator sits to the right of the heading */
    double th = tilemap(c, area, RP_W - RP_ML - 110, c->y - 34, 110, 30);
    (void)th;
  }
  table_head(c);
  long lr = lights_row(c, area);
  for (size_t j = 0; j < c->sel.n_inds; j++)
    profile_row(c, area, j, lr, rg);
  c->y += 8;
}

static int wanted(const rp_ctx *c, size_t area) {
  return c->a->profile[area];
}

void rp_profiles_section(rp_ctx *c) {
  char title[160];
  snprintf(title, sizeof title, "Gebietsprofile: %s", c->sel.level);
  rp_numbered_section(c, title);
  rp_para(c, RP_ML, RP_CW,
          "Je Gebiet: Wert, Referenzwert der Gesamtstadt, Rang unter den "
          "bewerteten Gebieten (1 = günstigster Wert), Bewertung und "
          "Verlauf über alle Zeitpunkte (gleiche Skala für alle Gebiete; "
          "\xe2\x86\x97 besser, \xe2\x86\x92 stabil, \xe2\x86\x98 schlechter "
          "als die Gesamtstadt).",
          8.5, 0, RP_INK);
  c->y += 4;
  pf_range *rg = ampel_calloc(c->sel.n_inds ? c->sel.n_inds : 1, sizeof *rg);
  if (!rg) {
    c->r->failed = 1;
    return;
  }
  for (size_t j = 0; j < c->sel.n_inds; j++)
    rg[j] = range_of(c, c->sel.inds[j]);
  for (size_t i = 0; i < c->sel.n_areas; i++) {
    if (!wanted(c, c->sel.areas[i]))
      continue;
    profile(c, c->sel.areas[i], rg);
    rp_set_footnote(c, "Zeichen: . unterdrückt (Geheimhaltung) oder geheim; "
                       "– kein Wert; Rang k/n: Platz k unter n bewerteten "
                       "Gebieten.");
  }
  ampel_free(rg);
}
