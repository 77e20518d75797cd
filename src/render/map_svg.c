/* Maps as SVG (map.h): choropleth with legend, scale bar and attribution;
 * tile map; points on an outline. Drawing primitives come from svg.h. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ampel/alloc.h"
#include "ampel/analysis/map.h"
#include "ampel/classify.h"
#include "ampel/map.h"

#define HATCH "url(#ampel-hatch)"
#define LEGEND_W 230.0
#define MARGIN 16.0

const char *ampel_map_by_name(ampel_map_by by) {
  return by == AMPEL_MAP_BY_STATUS   ? "status"
         : by == AMPEL_MAP_BY_SCALED ? "scaled"
                                     : "classes";
}

int ampel_map_by_parse(const char *s, ampel_map_by *out) {
  static const char *const names[] = {"status", "scaled", "classes"};
  for (int i = 0; i < 3; i++)
    if (s && strcmp(s, names[i]) == 0) {
      *out = (ampel_map_by)i;
      return 0;
    }
  return -1;
}

/* ---- colours and the legend ------------------------------------------- */

static const ampel_palette *pal(const ampel_map_opts *o) {
  return o->palette ? o->palette : ampel_palette_default();
}

/* Colour of class i of k: positions along the palette from the critical
 * to the favourable end, in the indicator's direction. */
static ampel_rgb class_color(const ampel_map_opts *o, int i) {
  double t = o->k > 1 ? (double)i / (double)(o->k - 1) : 0.5;
  if (o->polarity == AMPEL_POL_NEUTRAL)
    return ampel_palette_neutral(0.15 + 0.7 * t);
  if (o->polarity == AMPEL_POL_HIGHER_IS_WORSE)
    t = 1 - t;
  return ampel_palette_color(pal(o), t);
}

/* Fill of an item: "#rrggbb" or the hatch; returns 1 when hatched for no
 * value, 2 when hatched as shown but not rated. */
static int item_fill(const ampel_map_opts *o, const ampel_map_item *it,
                     char fill[16]) {
  ampel_rgb c;
  if (o->by == AMPEL_MAP_BY_CATEGORY) {
    if (it->category < 0 || (size_t)it->category >= o->n_categories) {
      snprintf(fill, 16, "%s", "h");
      return 1;
    }
    ampel_rgb_hex(o->categories[it->category].color, fill);
    return 0;
  }
  if (!isfinite(it->value) || it->unrated) {
    snprintf(fill, 16, "%s", "h");
    return isfinite(it->value) ? 2 : 1;
  }
  if (o->by == AMPEL_MAP_BY_STATUS) {
    c = it->status == AMPEL_LIGHT_GOOD       ? pal(o)->good
        : it->status == AMPEL_LIGHT_AVERAGE  ? pal(o)->average
        : it->status == AMPEL_LIGHT_CRITICAL ? pal(o)->critical
                                             : ampel_palette_missing();
  } else if (o->by == AMPEL_MAP_BY_SCALED) {
    c = o->polarity == AMPEL_POL_NEUTRAL
            ? ampel_palette_neutral(it->scaled)
            : ampel_palette_color(pal(o), it->scaled);
  } else {
    c = class_color(o, ampel_class_of(it->value, o->breaks, o->k));
  }
  ampel_rgb_hex(c, fill);
  return 0;
}

static void fmt_value(const ampel_map_opts *o, double v, char *out,
                      size_t size) {
  ampel_format_de(v, o->decimals, out, size);
}

/* "Name: 12,3" or "Name: kein Wert (.)", plus the status. */
static void item_title(const ampel_map_opts *o, const ampel_map_item *it,
                       char *out, size_t size) {
  char v[64];
  const char *name = it->name ? it->name : it->key;
  if (o->by == AMPEL_MAP_BY_CATEGORY) {
    fmt_value(o, it->value, v, sizeof v);
    snprintf(out, size, "%s: %s%s%s%s", name,
             isfinite(it->value) ? v : "kein Wert", it->note ? " (" : "",
             it->note ? it->note : "", it->note ? ")" : "");
    return;
  }
  if (!isfinite(it->value)) {
    const char *sym = ampel_flag_symbol(it->flag);
    snprintf(out, size, "%s: kein Wert%s%s%s", name, *sym ? " (" : "", sym,
             *sym ? ")" : "");
    return;
  }
  fmt_value(o, it->value, v, sizeof v);
  if (it->unrated)
    snprintf(out, size, "%s: %s (ohne Bewertung: zu wenige Einwohner)", name,
             v);
  else if (o->by == AMPEL_MAP_BY_STATUS)
    snprintf(out, size, "%s: %s (%s)", name, v,
             ampel_light_label_de(it->status));
  else
    snprintf(out, size, "%s: %s", name, v);
}

static void swatch(ampel_buf *b, double x, double y, const char *fill,
                   const char *label) {
  ampel_svg_rect(b, x, y, 18, 14, fill, "#555555", 0.6, NULL);
  ampel_svg_text_opts t = {11, NULL, 0, AMPEL_SVG_START, 0, NULL};
  ampel_svg_text(b, x + 26, y + 11, label, &t);
}

static double legend_classes(const ampel_map_opts *o, ampel_buf *b, double x,
                             double y) {
  for (size_t i = 0; i < o->k; i++) {
    char lo[48], hi[48], lab[120], hex[8];
    fmt_value(o, o->breaks[i], lo, sizeof lo);
    fmt_value(o, o->breaks[i + 1], hi, sizeof hi);
    if (o->class_labels && o->class_labels[i])
      snprintf(lab, sizeof lab, "%s", o->class_labels[i]);
    else
      snprintf(lab, sizeof lab, i + 1 < o->k ? "%s bis unter %s" : "%s bis %s",
               lo, hi);
    ampel_rgb_hex(class_color(o, (int)i), hex);
    swatch(b, x, y, hex, lab);
    y += 20;
  }
  return y;
}

static double legend_scaled(const ampel_map_opts *o, ampel_buf *b, double x,
                            double y) {
  static const char *const words[] = {"ungünstigster Wert", "", "Mitte", "",
                                      "günstigster Wert"};
  for (int i = 4; i >= 0; i--) {
    char hex[8];
    ampel_rgb c = o->polarity == AMPEL_POL_NEUTRAL
                      ? ampel_palette_neutral(i / 4.0)
                      : ampel_palette_color(pal(o), i / 4.0);
    ampel_rgb_hex(c, hex);
    swatch(b, x, y, hex,
           o->polarity == AMPEL_POL_NEUTRAL ? (i == 4   ? "höchster Wert"
                                               : i == 0 ? "niedrigster Wert"
                                                        : "")
                                            : words[i]);
    y += 16;
  }
  return y + 4;
}

static double legend_status(const ampel_map_opts *o, ampel_buf *b, double x,
                            double y) {
  const ampel_rgb c[4] = {pal(o)->good, pal(o)->average, pal(o)->critical,
                          ampel_palette_missing()};
  for (int i = 0; i < 4; i++) {
    char hex[8];
    ampel_rgb_hex(c[i], hex);
    swatch(b, x, y, hex, ampel_light_label_de((ampel_light)i));
    y += 20;
  }
  return y;
}

static double legend_categories(const ampel_map_opts *o, ampel_buf *b, double x,
                                double y) {
  for (size_t i = 0; i < o->n_categories; i++) {
    char hex[8];
    ampel_rgb_hex(o->categories[i].color, hex);
    swatch(b, x, y, hex, o->categories[i].label);
    y += 20;
  }
  return y;
}

static double legend(const ampel_map_opts *o, ampel_buf *b, double x, double y,
                     int any_hatched) {
  ampel_svg_text_opts t = {12, NULL, 1, AMPEL_SVG_START, 0, NULL};
  y += ampel_svg_text_wrapped(b, x, y, o->legend_title ? o->legend_title : "",
                              30, 15, &t) *
           15.0 +
       4;
  if (o->by == AMPEL_MAP_BY_CATEGORY)
    y = legend_categories(o, b, x, y);
  else if (o->by == AMPEL_MAP_BY_CLASSES)
    y = legend_classes(o, b, x, y);
  else if (o->by == AMPEL_MAP_BY_SCALED)
    y = legend_scaled(o, b, x, y);
  else
    y = legend_status(o, b, x, y);
  if (any_hatched) {
    swatch(b, x, y, HATCH,
           o->by == AMPEL_MAP_BY_CATEGORY && o->hatch_label ? o->hatch_label
           : any_hatched & 2 ? "kein Wert, geheim (.) oder ohne Bewertung"
                             : "kein Wert oder geheim (.)");
    y += 20;
  }
  return y;
}

static void defs(ampel_buf *b) {
  ampel_buf_puts(b,
                 "<defs><pattern id=\"ampel-hatch\" width=\"6\" height=\"6\" "
                 "patternUnits=\"userSpaceOnUse\" "
                 "patternTransform=\"rotate(45)\"><rect width=\"6\" "
                 "height=\"6\" fill=\"#ffffff\"/><line x1=\"0\" y1=\"0\" "
                 "x2=\"0\" y2=\"6\" stroke=\"#6b6b6b\" stroke-width=\"2\"/>"
                 "</pattern></defs>\n");
}

/* ---- geometry to the page ------------------------------------------------ */

typedef struct view {
  double minx, maxy, scale, ox, oy;
} view;

static double vx(const view *v, double x) {
  return v->ox + (x - v->minx) * v->scale;
}
static double vy(const view *v, double y) {
  return v->oy + (v->maxy - y) * v->scale;
}

/* Geometry simplified for the screen (issue 15): each ring's points in
 * drawing units, then Ramer-Douglas-Peucker with a tolerance of a third of
 * a unit (a pixel at 100 %), so that no simplification can be seen, then
 * the points on a tenth of a unit. Written here rather than with GEOS:
 * the tolerance depends on the drawing's scale, so it is done per drawing,
 * and converting every polygon to GEOS and back would cost more than this
 * loop; rings are simplified one by one (neighbours may differ by less
 * than the tolerance, under the white border line). */
#define MAP_SIMPLIFY_TOL 0.33

/* Marks in keep[0..n-1] the points of pt (x, y pairs) that RDP keeps. */
static int rdp_keep(const double *pt, size_t n, unsigned char *keep) {
  memset(keep, 0, n);
  keep[0] = keep[n - 1] = 1;
  size_t *stack = ampel_calloc(2 * n + 2, sizeof *stack), top = 0;
  if (!stack)
    return -1;
  stack[top++] = 0;
  stack[top++] = n - 1;
  while (top) {
    size_t j = stack[--top], i = stack[--top];
    double ax = pt[2 * i], ay = pt[2 * i + 1], dx = pt[2 * j] - ax,
           dy = pt[2 * j + 1] - ay, len2 = dx * dx + dy * dy, worst = -1;
    size_t at = i;
    for (size_t k = i + 1; k < j; k++) {
      double px = pt[2 * k] - ax, py = pt[2 * k + 1] - ay, d2;
      if (len2 > 0) { /* squared distance to the line through i and j */
        double c = px * dy - py * dx;
        d2 = c * c / len2;
      } else {
        d2 = px * px + py * py;
      }
      if (d2 > worst) {
        worst = d2;
        at = k;
      }
    }
    if (at != i && worst > MAP_SIMPLIFY_TOL * MAP_SIMPLIFY_TOL) {
      keep[at] = 1;
      stack[top++] = i;
      stack[top++] = at;
      stack[top++] = at;
      stack[top++] = j;
    }
  }
  ampel_free(stack);
  return 0;
}

/* A number of tenths as SVG text: 12 -> "1.2", -4 -> "-.4", 30 -> "3". */
static void put_tenths(ampel_buf *d, long t) {
  char s[32], *o = s;
  unsigned long u = t < 0 ? (unsigned long)-t : (unsigned long)t;
  if (t < 0)
    *o++ = '-';
  if (u / 10)
    o += snprintf(o, sizeof s - 2, "%lu", u / 10);
  if (u % 10) {
    *o++ = '.';
    *o++ = (char)('0' + u % 10);
  } else if (!(u / 10)) {
    *o++ = '0';
  }
  ampel_buf_append(d, s, (size_t)(o - s));
}

static void path_d(ampel_buf *d, const view *v, const ampel_shape *s) {
  for (size_t r = 0; r < s->n_rings; r++) {
    size_t first = s->ring_pt[r], n = s->ring_pt[r + 1] - first;
    if (n < 2)
      continue;
    double *pt = ampel_calloc(2 * n, sizeof *pt);
    unsigned char *keep = ampel_calloc(n, 1);
    int simplified = 0;
    if (pt && keep) {
      for (size_t i = 0; i < n; i++) {
        pt[2 * i] = vx(v, s->xy[2 * (first + i)]);
        pt[2 * i + 1] = vy(v, s->xy[2 * (first + i) + 1]);
      }
      size_t kept = 0;
      if (rdp_keep(pt, n, keep) == 0) {
        for (size_t i = 0; i + 1 < n; i++)
          kept += keep[i];
        simplified = kept >= 3; /* a ring under a pixel keeps its points */
      }
    } else {
      d->failed = 1;
    }
    /* absolute first point, then relative steps between points rounded to
     * a tenth (exact: integers of tenths), points on the same tenth once */
    long px = 0, py = 0;
    int started = 0;
    for (size_t i = 0; i + 1 < n; i++) {
      if (simplified && !keep[i])
        continue;
      /* the projected points when there are (the same vx/vy values) */
      long x = lround((pt && keep ? pt[2 * i] : vx(v, s->xy[2 * (first + i)])) *
                      10),
           y = lround((pt && keep ? pt[2 * i + 1]
                                  : vy(v, s->xy[2 * (first + i) + 1])) *
                      10);
      if (!started) {
        ampel_buf_putc(d, 'M');
        put_tenths(d, x);
        ampel_buf_putc(d, ' ');
        put_tenths(d, y);
      } else if (x != px || y != py) {
        ampel_buf_putc(d, 'l');
        put_tenths(d, x - px);
        if (y - py >= 0)
          ampel_buf_putc(d, ' ');
        put_tenths(d, y - py);
      } else {
        continue;
      }
      started = 1;
      px = x;
      py = y;
    }
    if (started)
      ampel_buf_putc(d, 'Z');
    ampel_free(pt);
    ampel_free(keep);
  }
}

static void draw_shape(ampel_buf *b, const view *v, const ampel_shape *s,
                       const char *fill, const char *stroke, double sw,
                       const char *title) {
  ampel_buf d;
  ampel_buf_init(&d);
  path_d(&d, v, s);
  if (title)
    ampel_svg_group_open(b, NULL, title);
  ampel_svg_path(b, d.data ? d.data : "", fill, stroke, sw);
  if (title)
    ampel_svg_group_close(b);
  if (d.failed)
    b->failed = 1;
  ampel_buf_release(&d);
}

/* ---- labels ----------------------------------------------------------- */

typedef struct box {
  double x0, y0, x1, y1;
} box;

typedef struct labeller {
  box *placed;
  size_t n;
} labeller;

static int collides(const labeller *l, box q) {
  for (size_t i = 0; i < l->n; i++)
    if (q.x0 < l->placed[i].x1 && l->placed[i].x0 < q.x1 &&
        q.y0 < l->placed[i].y1 && l->placed[i].y0 < q.y1)
      return 1;
  return 0;
}

static void label_text(ampel_buf *b, double x, double y, const char *s,
                       double size, const char *full) {
  ampel_buf_puts(b, "<text x=\"");
  ampel_svg_num(b, x);
  ampel_buf_puts(b, "\" y=\"");
  ampel_svg_num(b, y);
  ampel_buf_printf(b,
                   "\" font-size=\"%g\" text-anchor=\"middle\" "
                   "fill=\"#000000\" stroke=\"#ffffff\" stroke-width=\"2.4\" "
                   "stroke-linejoin=\"round\" paint-order=\"stroke\">",
                   size);
  if (full) {
    ampel_buf_puts(b, "<title>");
    ampel_buf_html(b, full);
    ampel_buf_puts(b, "</title>");
  }
  ampel_buf_html(b, s);
  ampel_buf_puts(b, "</text>\n");
}

/* Places the name of one area at its label point: the whole name if it
 * fits the area's width, else split at a hyphen or blank into two lines,
 * else abbreviated (full name in <title>). Skipped when it would overlap
 * a label already placed. */
static void place_label(ampel_buf *b, labeller *l, const view *v,
                        const ampel_map_item *it, double size) {
  const ampel_shape *s = it->shape;
  const char *name = it->name ? it->name : it->key;
  if (!s || !isfinite(s->label_x))
    return;
  double x = vx(v, s->label_x), y = vy(v, s->label_y);
  double room = fmax((s->bbox[2] - s->bbox[0]) * v->scale * 1.15, 40);
  char one[96], two[96];
  snprintf(one, sizeof one, "%s", name);
  two[0] = '\0';
  int cut = 0;
  if (ampel_svg_text_width(one, size) > room) {
    const char *sp = strpbrk(name, "- ");
    if (sp && sp[1] && ampel_svg_text_width(sp + 1, size) <= room) {
      snprintf(one, sizeof one, "%.*s", (int)(sp - name + (*sp == '-')), name);
      snprintf(two, sizeof two, "%s", sp + 1);
    } else {
      size_t chars = (size_t)(room / (size * 0.6));
      cut = ampel_abbrev(name, chars < 4 ? 4 : chars, one, sizeof one);
    }
  }
  double w = fmax(ampel_svg_text_width(one, size),
                  two[0] ? ampel_svg_text_width(two, size) : 0);
  double h = two[0] ? 2.1 * size : 1.1 * size;
  box q = {x - w / 2 - 1, y - size, x + w / 2 + 1, y - size + h + 1};
  if (collides(l, q))
    return;
  l->placed[l->n++] = q;
  label_text(b, x, y - (two[0] ? size * 0.1 : -size * 0.35), one, size,
             cut || two[0] ? name : NULL);
  if (two[0])
    label_text(b, x, y + size * 0.95, two, size, NULL);
}

typedef struct {
  double area;
  size_t i;
} by_area;

/* largest areas first; equal areas in drawing order (a stable order) */
static int by_area_cmp(const void *x, const void *y) {
  const by_area *p = x, *q = y;
  if (p->area != q->area)
    return p->area < q->area ? 1 : -1;
  return p->i < q->i ? -1 : p->i > q->i;
}

static ampel_status draw_labels(ampel_buf *b, const view *v,
                                const ampel_map_item *a, size_t n) {
  /* each area computed once, then one sort: the insertion sort that
   * computed both areas per comparison took 7 s for 11,000 Gemeinden */
  by_area *order = ampel_calloc(n + 1, sizeof *order);
  labeller l = {ampel_calloc(2 * n + 1, sizeof(box)), 0};
  if (!order || !l.placed) {
    ampel_free(order);
    ampel_free(l.placed);
    return AMPEL_E_NOMEM;
  }
  for (size_t i = 0; i < n; i++) {
    order[i].area = a[i].shape ? fabs(ampel_shape_area(a[i].shape)) : 0;
    order[i].i = i;
  }
  qsort(order, n, sizeof *order, by_area_cmp);
  double size = n > 40 ? 7.5 : 9.5;
  ampel_buf_puts(b, "<g aria-hidden=\"true\">\n");
  for (size_t i = 0; i < n; i++)
    place_label(b, &l, v, &a[order[i].i], size);
  ampel_buf_puts(b, "</g>\n");
  ampel_free(order);
  ampel_free(l.placed);
  return AMPEL_OK;
}

/* ---- scale bar, header, footer ---------------------------------------- */

static void scale_bar(ampel_buf *b, const view *v, double x, double y,
                      double max_w) {
  double metres = max_w / v->scale, step = pow(10, floor(log10(metres)));
  double len = step;
  if (5 * step <= metres)
    len = 5 * step;
  else if (2 * step <= metres)
    len = 2 * step;
  double w = len * v->scale;
  ampel_svg_rect(b, x, y, w / 2, 5, "#333333", "#333333", 0.8, NULL);
  ampel_svg_rect(b, x + w / 2, y, w / 2, 5, "#ffffff", "#333333", 0.8, NULL);
  char lab[64], num[48];
  ampel_format_de(len >= 1000 ? len / 1000 : len, -1, num, sizeof num);
  snprintf(lab, sizeof lab, "%s %s", num, len >= 1000 ? "km" : "m");
  ampel_svg_text_opts t = {10, NULL, 0, AMPEL_SVG_START, 0, NULL};
  ampel_svg_text(b, x, y + 17, "0", &t);
  /* under the bar's end, unless a short bar would put it onto the "0"
   * (about 6 units per character at size 10): then right of the bar */
  if (w >= 6.0 * (double)strlen(lab) + 12) {
    t.anchor = AMPEL_SVG_END;
    ampel_svg_text(b, x + w, y + 17, lab, &t);
  } else {
    ampel_svg_text(b, x + w + 5, y + 5, lab, &t);
  }
}

static double header(ampel_buf *b, const ampel_map_opts *o, double w) {
  ampel_svg_text_opts t = {17, NULL, 1, AMPEL_SVG_START, 0, NULL};
  double y = MARGIN + 16;
  size_t chars = (size_t)((w - 2 * MARGIN) / 9.5);
  y += 21 *
       (double)ampel_svg_text_wrapped(b, MARGIN, y, o->title, chars, 21, &t);
  if (o->desc && *o->desc) {
    ampel_svg_text_opts d = {11, "#333333", 0, AMPEL_SVG_START, 0, NULL};
    y += 14 * (double)ampel_svg_text_wrapped(b, MARGIN, y, o->desc,
                                             (size_t)((w - 2 * MARGIN) / 6.2),
                                             14, &d);
  }
  return y + 6;
}

static double footer_height(const ampel_map_opts *o, double w) {
  size_t chars = (size_t)((w - 2 * MARGIN) / 5.4);
  size_t lines =
      o->attribution ? ampel_wrap(o->attribution, chars, NULL, NULL) : 0;
  return 12.0 * (double)lines + 10;
}

static void footer(ampel_buf *b, const ampel_map_opts *o, double w, double y) {
  if (!o->attribution)
    return;
  ampel_svg_text_opts t = {9.5, "#444444", 0, AMPEL_SVG_START, 0, NULL};
  ampel_svg_text_wrapped(b, MARGIN, y, o->attribution,
                         (size_t)((w - 2 * MARGIN) / 5.4), 12, &t);
}

/* ---- choropleth --------------------------------------------------------- */

static int extent(const ampel_map_item *a, size_t n, const ampel_map_item *p,
                  size_t np, const ampel_map_opts *o, double bb[4]) {
  int any = 0;
  bb[0] = bb[1] = INFINITY;
  bb[2] = bb[3] = -INFINITY;
  for (size_t i = 0; i < n + o->n_outline; i++) {
    const ampel_shape *s = i < n ? a[i].shape : o->outline[i - n];
    if (!s || s->n_points == 0)
      continue;
    bb[0] = fmin(bb[0], s->bbox[0]);
    bb[1] = fmin(bb[1], s->bbox[1]);
    bb[2] = fmax(bb[2], s->bbox[2]);
    bb[3] = fmax(bb[3], s->bbox[3]);
    any = 1;
  }
  for (size_t i = 0; i < np; i++)
    if (isfinite(p[i].x) && isfinite(p[i].y)) {
      bb[0] = fmin(bb[0], p[i].x);
      bb[1] = fmin(bb[1], p[i].y);
      bb[2] = fmax(bb[2], p[i].x);
      bb[3] = fmax(bb[3], p[i].y);
      any = 1;
    }
  return any && bb[2] > bb[0] && bb[3] > bb[1];
}

static int draw_areas(ampel_buf *b, const view *v, const ampel_map_opts *o,
                      const ampel_map_item *a, size_t n, int points_mode) {
  int hatched = 0;
  ampel_buf_puts(b, "<g>\n");
  for (size_t i = 0; i < n; i++) {
    if (!a[i].shape)
      continue;
    char fill[16], title[300];
    item_title(o, &a[i], title, sizeof title);
    if (points_mode) {
      draw_shape(b, v, a[i].shape, "#f2f2f2", "#9a9a9a", 0.6,
                 a[i].name ? a[i].name : a[i].key);
      continue;
    }
    int h = item_fill(o, &a[i], fill);
    hatched |= h;
    draw_shape(b, v, a[i].shape, h ? HATCH : fill, "#ffffff", 0.7, title);
  }
  ampel_buf_puts(b, "</g>\n");
  return hatched;
}

static int draw_points(ampel_buf *b, const view *v, const ampel_map_opts *o,
                       const ampel_map_item *p, size_t n) {
  int hatched = 0;
  ampel_buf_puts(b, "<g>\n");
  for (size_t i = 0; i < n; i++) {
    if (!isfinite(p[i].x) || !isfinite(p[i].y))
      continue;
    char fill[16], title[300];
    int h = item_fill(o, &p[i], fill);
    hatched |= h;
    item_title(o, &p[i], title, sizeof title);
    ampel_svg_group_open(b, NULL, title);
    ampel_svg_circle(b, vx(v, p[i].x), vy(v, p[i].y), 4.5, h ? HATCH : fill,
                     "#222222", 0.9);
    ampel_svg_group_close(b);
  }
  ampel_buf_puts(b, "</g>\n");
  return hatched;
}

ampel_status ampel_map_render(const ampel_map_item *a, size_t n,
                              const ampel_map_item *p, size_t np,
                              const ampel_map_opts *o, ampel_buf *b) {
  double bb[4];
  if (!o || !o->title || !extent(a, n, p, np, o, bb))
    return AMPEL_E_USAGE;
  double w = o->width > 0 ? o->width : 900;
  double map_w = w - LEGEND_W - 3 * MARGIN;
  double scale = map_w / (bb[2] - bb[0]);
  double map_h = (bb[3] - bb[1]) * scale;
  if (map_h > 1.2 * map_w) { /* tall areas: limit the height */
    scale *= 1.2 * map_w / map_h;
    map_h = 1.2 * map_w;
  }
  ampel_buf head;
  ampel_buf_init(&head);
  double top = header(&head, o, w);
  double h = top + fmax(map_h, 260) + 40 + footer_height(o, w);
  ampel_svg_begin(b, w, h, o->title, o->desc);
  defs(b);
  ampel_buf_append(b, head.data ? head.data : "", head.len);
  ampel_buf_release(&head);
  view v = {bb[0], bb[3], scale, MARGIN, top};
  for (size_t i = 0; i < o->n_outline; i++)
    draw_shape(b, &v, o->outline[i], np ? "#f2f2f2" : "none", "#555555", 1.2,
               NULL);
  int hatched = draw_areas(b, &v, o, a, n, np > 0);
  ampel_status st = AMPEL_OK;
  if (o->labels && np == 0)
    st = draw_labels(b, &v, a, n);
  if (np)
    hatched |= draw_points(b, &v, o, p, np);
  legend(o, b, w - LEGEND_W - MARGIN, top + 12, hatched);
  scale_bar(b, &v, MARGIN, top + map_h + 12, map_w / 4);
  footer(b, o, w, top + fmax(map_h, 260) + 52);
  ampel_svg_end(b);
  return st != AMPEL_OK ? st : b->failed ? AMPEL_E_NOMEM : AMPEL_OK;
}

/* ---- tile map ------------------------------------------------------------ */

static void tile(ampel_buf *b, const ampel_map_opts *o,
                 const ampel_map_item *it, double x, double y, double s) {
  char fill[16], title[300], v[64];
  int h = item_fill(o, it, fill);
  item_title(o, it, title, sizeof title);
  ampel_svg_rect(b, x, y, s - 4, s - 4, h ? HATCH : fill, "#ffffff", 1, title);
  ampel_rgb bg = {255, 255, 255};
  if (!h) {
    unsigned r, g, bl;
    if (sscanf(fill, "#%2x%2x%2x", &r, &g, &bl) == 3)
      bg = (ampel_rgb){(unsigned char)r, (unsigned char)g, (unsigned char)bl};
  }
  char txt[8];
  ampel_rgb_hex(ampel_rgb_text_on(bg), txt);
  const char *name = it->name ? it->name : it->key;
  char shown[64], second[64] = "";
  const char *split = strpbrk(name, "- ");
  int cut;
  if (ampel_utf8_len(name) > 11 && split && split > name) {
    char first[64];
    snprintf(first, sizeof first, "%.*s", (int)(split - name + (*split == '-')),
             name);
    cut = ampel_abbrev(split + 1, 11, second, sizeof second);
    cut |= ampel_abbrev(first, 11, shown, sizeof shown);
  } else {
    cut = ampel_abbrev(name, 11, shown, sizeof shown);
  }
  ampel_svg_text_opts t = {10, h ? "#000000" : txt,         1, AMPEL_SVG_MIDDLE,
                           0,  cut || *second ? name : NULL};
  ampel_svg_text(b, x + (s - 4) / 2, y + s * (*second ? 0.3 : 0.42), shown, &t);
  if (*second) {
    t.title = NULL;
    ampel_svg_text(b, x + (s - 4) / 2, y + s * 0.46, second, &t);
  }
  fmt_value(o, it->value, v, sizeof v);
  t.bold = 0;
  t.title = NULL;
  t.size = 11;
  ampel_svg_text(b, x + (s - 4) / 2, y + s * 0.72,
                 isfinite(it->value) ? v : ".", &t);
}

ampel_status ampel_tilemap_render(const ampel_map_item *a, size_t n,
                                  const ampel_map_opts *o, ampel_buf *b) {
  int32_t r0 = INT32_MAX, r1 = INT32_MIN, c0 = INT32_MAX, c1 = INT32_MIN;
  for (size_t i = 0; i < n; i++) {
    if (a[i].tile_row == AMPEL_NO_TILE || a[i].tile_col == AMPEL_NO_TILE)
      continue;
    r0 = a[i].tile_row < r0 ? a[i].tile_row : r0;
    r1 = a[i].tile_row > r1 ? a[i].tile_row : r1;
    c0 = a[i].tile_col < c0 ? a[i].tile_col : c0;
    c1 = a[i].tile_col > c1 ? a[i].tile_col : c1;
  }
  if (!o || !o->title || r0 > r1)
    return AMPEL_E_USAGE;
  double s = 78, w = o->width > 0 ? o->width : 900;
  double grid_w = s * (c1 - c0 + 1), grid_h = s * (r1 - r0 + 1);
  w = fmax(w, grid_w + LEGEND_W + 3 * MARGIN);
  ampel_buf head;
  ampel_buf_init(&head);
  double top = header(&head, o, w);
  double h = top + fmax(grid_h, 260) + 24 + footer_height(o, w);
  ampel_svg_begin(b, w, h, o->title, o->desc);
  defs(b);
  ampel_buf_append(b, head.data ? head.data : "", head.len);
  ampel_buf_release(&head);
  int hatched = 0;
  for (size_t i = 0; i < n; i++) {
    if (a[i].tile_row == AMPEL_NO_TILE || a[i].tile_col == AMPEL_NO_TILE)
      continue;
    hatched |= !isfinite(a[i].value) ? 1 : a[i].unrated ? 2 : 0;
    tile(b, o, &a[i], MARGIN + s * (a[i].tile_col - c0),
         top + s * (a[i].tile_row - r0), s);
  }
  legend(o, b, w - LEGEND_W - MARGIN, top + 12, hatched);
  footer(b, o, w, top + fmax(grid_h, 260) + 30);
  ampel_svg_end(b);
  return b->failed ? AMPEL_E_NOMEM : AMPEL_OK;
}

ampel_status ampel_map_answer_svg(const ampel_map_answer *a,
                                  const ampel_map_opts *o, ampel_buf *b) {
  ampel_map_opts mo = *o;
  mo.by = a->by;
  mo.breaks = a->by == AMPEL_MAP_BY_CLASSES ? a->breaks : o->breaks;
  mo.k = a->by == AMPEL_MAP_BY_CLASSES ? a->k : o->k;
  mo.polarity = ampel_dataset_indicator(a->ds, a->ind)->polarity;
  mo.outline = a->outline;
  mo.n_outline = a->n_outline;
  switch (a->kind) {
  case AMPEL_MAP_KIND_AREAS:
    mo.n_outline = 0;
    return ampel_map_render(a->items, a->n_items, NULL, 0, &mo, b);
  case AMPEL_MAP_KIND_TILES:
    return ampel_tilemap_render(a->items, a->n_items, &mo, b);
  case AMPEL_MAP_KIND_POINTS:
    return ampel_map_render(NULL, 0, a->items, a->n_items, &mo, b);
  default: return AMPEL_E_USAGE;
  }
}
