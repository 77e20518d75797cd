/* Charts as SVG (chart.h): time series, sparkline, ranking, scatter and
 * the correlation heat table. Drawing primitives come from svg.h. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ampel/alloc.h"
#include "ampel/chart.h"

#define M 16.0
#define C_OTHER "#c4c4c4"
#define C_CHOSEN "#1f4e79"
#define C_REF "#000000"
#define C_BAR "#7f9fbf"
#define C_AXIS "#555555"
#define C_GRID "#e6e6e6"

void ampel_format_p(double p, char *out, size_t size) {
  char num[48];
  if (!isfinite(p)) {
    snprintf(out, size, "p nicht bestimmbar");
  } else if (p < 0.001) {
    snprintf(out, size, "p < 0,001");
  } else {
    ampel_format_de(p, 3, num, sizeof num);
    snprintf(out, size, "p = %s", num);
  }
}

/* ---- frame: header, axes, footer ------------------------------------------ */

typedef struct frame {
  double w, h, x0, y0, x1, y1; /* plot area */
  double lo, hi;               /* value range of the y axis */
} frame;

static double nice_step(double range, int target) {
  double raw = range / target, p = pow(10, floor(log10(raw)));
  double f = raw / p;
  return (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * p;
}

static void nice_range(double *lo, double *hi) {
  if (!(*hi > *lo)) {
    double d = fabs(*lo) > 0 ? fabs(*lo) * 0.1 : 1;
    *lo -= d;
    *hi += d;
  }
  double st = nice_step(*hi - *lo, 5);
  *lo = floor(*lo / st) * st;
  *hi = ceil(*hi / st) * st;
}

static double header(ampel_buf *b, const ampel_chart_opts *o, double w) {
  ampel_svg_text_opts t = {17, NULL, 1, AMPEL_SVG_START, 0, NULL};
  double y = M + 16;
  y += 21 * (double)ampel_svg_text_wrapped(b, M, y, o->title,
                                           (size_t)((w - 2 * M) / 9.5), 21, &t);
  if (o->desc && *o->desc) {
    ampel_svg_text_opts d = {11, "#333333", 0, AMPEL_SVG_START, 0, NULL};
    y += 14 * (double)ampel_svg_text_wrapped(b, M, y, o->desc,
                                             (size_t)((w - 2 * M) / 6.2), 14,
                                             &d);
  }
  return y + 8;
}

static double footer_h(const ampel_chart_opts *o, double w) {
  return o->attribution
             ? 12.0 * (double)ampel_wrap(o->attribution,
                                         (size_t)((w - 2 * M) / 5.4), NULL,
                                         NULL) + 12
             : 8;
}

static void footer(ampel_buf *b, const ampel_chart_opts *o, double w,
                   double y) {
  if (!o->attribution)
    return;
  ampel_svg_text_opts t = {9.5, "#444444", 0, AMPEL_SVG_START, 0, NULL};
  ampel_svg_text_wrapped(b, M, y, o->attribution, (size_t)((w - 2 * M) / 5.4),
                         12, &t);
}

/* Begins the document: measures the header, then writes it. */
static double begin(ampel_buf *b, const ampel_chart_opts *o, double w,
                    double body_h, double *out_total_h) {
  ampel_buf head;
  ampel_buf_init(&head);
  double top = header(&head, o, w);
  *out_total_h = top + body_h + footer_h(o, w);
  ampel_svg_begin(b, w, *out_total_h, o->title, o->desc);
  ampel_buf_append(b, head.data ? head.data : "", head.len);
  if (head.failed)
    b->failed = 1;
  ampel_buf_release(&head);
  return top;
}

static double fy(const frame *f, double v) {
  return f->y1 - (v - f->lo) / (f->hi - f->lo) * (f->y1 - f->y0);
}

static void y_axis(ampel_buf *b, const frame *f, int decimals,
                   const char *label) {
  double st = nice_step(f->hi - f->lo, 5);
  ampel_svg_text_opts t = {10, C_AXIS, 0, AMPEL_SVG_END, 0, NULL};
  for (double v = f->lo; v <= f->hi + st / 2; v += st) {
    char num[48];
    ampel_svg_line(b, f->x0, fy(f, v), f->x1, fy(f, v), C_GRID, 1);
    ampel_format_de(v, decimals, num, sizeof num);
    ampel_svg_text(b, f->x0 - 6, fy(f, v) + 3.5, num, &t);
  }
  ampel_svg_line(b, f->x0, f->y0, f->x0, f->y1, C_AXIS, 1);
  if (label) {
    ampel_svg_text_opts l = {11, "#333333", 0, AMPEL_SVG_MIDDLE, -90, NULL};
    ampel_svg_text(b, M + 8, (f->y0 + f->y1) / 2, label, &l);
  }
}

/* ---- time series ------------------------------------------------------- */

static void series_range(const ampel_series *s, size_t ns, size_t np,
                         double *lo, double *hi) {
  *lo = INFINITY;
  *hi = -INFINITY;
  for (size_t i = 0; i < ns; i++)
    for (size_t t = 0; t < np; t++)
      if (isfinite(s[i].y[t])) {
        *lo = fmin(*lo, s[i].y[t]);
        *hi = fmax(*hi, s[i].y[t]);
      }
}

static double fx_t(const frame *f, size_t t, size_t np) {
  return np > 1 ? f->x0 + (f->x1 - f->x0) * (double)t / (double)(np - 1)
                : (f->x0 + f->x1) / 2;
}

static void series_path(ampel_buf *b, const frame *f, const ampel_series *s,
                        size_t np, const char *stroke, double sw,
                        const char *dash) {
  ampel_buf d;
  ampel_buf_init(&d);
  int pen = 0;
  for (size_t t = 0; t < np; t++) {
    if (!isfinite(s->y[t])) {
      pen = 0;
      continue;
    }
    ampel_buf_putc(&d, pen ? 'L' : 'M');
    ampel_svg_num(&d, fx_t(f, t, np));
    ampel_buf_putc(&d, ' ');
    ampel_svg_num(&d, fy(f, s->y[t]));
    pen = 1;
  }
  ampel_svg_group_open(b, dash, s->name);
  ampel_svg_path(b, d.data ? d.data : "", "none", stroke, sw);
  for (size_t t = 0; t < np; t++) /* a value without neighbours: a dot */
    if (isfinite(s->y[t]) && (t == 0 || !isfinite(s->y[t - 1])) &&
        (t + 1 == np || !isfinite(s->y[t + 1])))
      ampel_svg_circle(b, fx_t(f, t, np), fy(f, s->y[t]), sw + 1.5, stroke,
                       NULL, 0);
  ampel_svg_group_close(b);
  ampel_buf_release(&d);
}

/* Direct label at the last value of a highlighted series. */
static double end_label(ampel_buf *b, const frame *f, const ampel_series *s,
                        size_t np, const char *fill, double prev_y) {
  for (size_t t = np; t-- > 0;)
    if (isfinite(s->y[t])) {
      double y = fy(f, s->y[t]) + 4;
      if (fabs(y - prev_y) < 13)
        y = prev_y + (y >= prev_y ? 13 : -13);
      char name[40];
      int cut = ampel_abbrev(s->name, 24, name, sizeof name);
      ampel_svg_text_opts o = {11, fill, 1, AMPEL_SVG_START, 0,
                               cut ? s->name : NULL};
      ampel_svg_text(b, fx_t(f, t, np) + 8, y, name, &o);
      return y;
    }
  return prev_y;
}

ampel_status ampel_chart_timeseries(const char *const *periods, size_t np,
                                    const ampel_series *s, size_t ns,
                                    const ampel_chart_opts *o, ampel_buf *b) {
  frame f;
  series_range(s, ns, np, &f.lo, &f.hi);
  if (!o || !o->title || np == 0 || !isfinite(f.lo))
    return AMPEL_E_USAGE;
  nice_range(&f.lo, &f.hi);
  f.w = o->width > 0 ? o->width : 900;
  double top = begin(b, o, f.w, 380, &f.h);
  f.x0 = M + 70;
  f.x1 = f.w - M - 190;
  f.y0 = top + 10;
  f.y1 = top + 330;
  y_axis(b, &f, o->decimals, o->y_label);
  ampel_svg_text_opts t = {10, C_AXIS, 0, AMPEL_SVG_MIDDLE, 0, NULL};
  size_t every = np > 12 ? (np + 11) / 12 : 1;
  for (size_t i = 0; i < np; i += every)
    ampel_svg_text(b, fx_t(&f, i, np), f.y1 + 16, periods[i], &t);
  ampel_svg_line(b, f.x0, f.y1, f.x1, f.y1, C_AXIS, 1);
  for (int pass = 0; pass < 3; pass++)
    for (size_t i = 0; i < ns; i++) {
      if (s[i].role != (pass == 0 ? AMPEL_SERIES_OTHER
                        : pass == 1 ? AMPEL_SERIES_REFERENCE
                                    : AMPEL_SERIES_CHOSEN))
        continue;
      if (pass == 0)
        series_path(b, &f, &s[i], np, C_OTHER, 0.8, NULL);
      else if (pass == 1)
        series_path(b, &f, &s[i], np, C_REF, 2,
                    "stroke-dasharray=\"6 3\"");
      else
        series_path(b, &f, &s[i], np, C_CHOSEN, 3, NULL);
    }
  double ly = -100;
  for (size_t i = 0; i < ns; i++)
    if (s[i].role != AMPEL_SERIES_OTHER)
      ly = end_label(b, &f, &s[i], np,
                     s[i].role == AMPEL_SERIES_CHOSEN ? C_CHOSEN : C_REF, ly);
  footer(b, o, f.w, f.y1 + 48);
  ampel_svg_end(b);
  return b->failed ? AMPEL_E_NOMEM : AMPEL_OK;
}

ampel_status ampel_sparkline(const double *y, const double *ref, size_t n,
                             double w, double h, const char *title,
                             ampel_buf *b) {
  ampel_series s[2] = {{title, y, AMPEL_SERIES_CHOSEN},
                       {"Referenz", ref, AMPEL_SERIES_REFERENCE}};
  frame f = {w, h, 3, 3, w - 6, h - 3, 0, 0};
  series_range(s, ref ? 2 : 1, n, &f.lo, &f.hi);
  if (!title || n == 0 || !isfinite(f.lo))
    return AMPEL_E_USAGE;
  if (!(f.hi > f.lo)) {
    f.lo -= 1;
    f.hi += 1;
  }
  ampel_buf_puts(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\"");
  ampel_buf_printf(b, " width=\"%g\" height=\"%g\" viewBox=\"0 0 %g %g\">",
                   w, h, w, h);
  ampel_buf_puts(b, "<title>");
  ampel_buf_html(b, title);
  ampel_buf_puts(b, "</title>\n");
  if (ref)
    series_path(b, &f, &s[1], n, "#777777", 1, "stroke-dasharray=\"3 2\"");
  series_path(b, &f, &s[0], n, C_CHOSEN, 1.6, NULL);
  for (size_t t = n; t-- > 0;)
    if (isfinite(y[t])) {
      ampel_svg_circle(b, fx_t(&f, t, n), fy(&f, y[t]), 2.2, C_CHOSEN, NULL,
                       0);
      break;
    }
  ampel_buf_puts(b, "</svg>\n");
  return b->failed ? AMPEL_E_NOMEM : AMPEL_OK;
}

/* ---- ranking ------------------------------------------------------------ */

static size_t *rank_order(const ampel_bar *bars, size_t n) {
  size_t *o = ampel_calloc(n + 1, sizeof *o);
  if (!o)
    return NULL;
  for (size_t i = 0; i < n; i++)
    o[i] = i;
  for (size_t i = 1; i < n; i++) /* stable insertion sort, NaN last */
    for (size_t j = i; j > 0; j--) {
      double a = bars[o[j - 1]].value, c = bars[o[j]].value;
      int swap = isfinite(c) && (!isfinite(a) || c > a);
      if (!swap)
        break;
      size_t t = o[j];
      o[j] = o[j - 1];
      o[j - 1] = t;
    }
  return o;
}

static void bar_row(ampel_buf *b, const frame *f, const ampel_bar *bar,
                    double y, int decimals, double zero_x, double scale) {
  char name[48], num[48], title[200];
  int cut = ampel_abbrev(bar->name, 30, name, sizeof name);
  ampel_svg_text_opts t = {10.5, bar->highlight ? C_CHOSEN : "#000000",
                           bar->highlight, AMPEL_SVG_END, 0,
                           cut ? bar->name : NULL};
  ampel_svg_text(b, f->x0 - 8, y + 11, name, &t);
  if (!isfinite(bar->value)) {
    const char *sym = ampel_flag_symbol(bar->flag);
    snprintf(title, sizeof title, "%s: kein Wert (%s)", bar->name,
             *sym ? sym : "fehlt");
    ampel_svg_text_opts m = {10.5, "#555555", 0, AMPEL_SVG_START, 0, title};
    ampel_svg_text(b, zero_x + 4, y + 11,
                   *sym ? (bar->flag == AMPEL_FLAG_SECRET ? ". (geheim)" : sym)
                        : "– (fehlt)",
                   &m);
    return;
  }
  ampel_format_de(bar->value, decimals, num, sizeof num);
  snprintf(title, sizeof title, "%s: %s", bar->name, num);
  double x = zero_x + fmin(0, bar->value) * scale;
  ampel_svg_rect(b, x, y + 2, fabs(bar->value) * scale, 12,
                 bar->highlight ? C_CHOSEN : C_BAR, NULL, 0, title);
  ampel_svg_text_opts v = {10, "#000000", 0, AMPEL_SVG_START, 0, NULL};
  ampel_svg_text(b, zero_x + fmax(0, bar->value) * scale + 4, y + 11, num, &v);
}

ampel_status ampel_chart_ranking(const ampel_bar *bars, size_t n,
                                 double reference, const char *ref_label,
                                 const ampel_chart_opts *o, ampel_buf *b) {
  if (!o || !o->title || n == 0)
    return AMPEL_E_USAGE;
  size_t *ord = rank_order(bars, n);
  if (!ord)
    return AMPEL_E_NOMEM;
  frame f = {o->width > 0 ? o->width : 900, 0, 0, 0, 0, 0, 0, 0};
  double lo = 0, hi = isfinite(reference) ? reference : 0;
  for (size_t i = 0; i < n; i++)
    if (isfinite(bars[i].value)) {
      lo = fmin(lo, bars[i].value);
      hi = fmax(hi, bars[i].value);
    }
  if (!(hi > lo))
    hi = lo + 1;
  double top = begin(b, o, f.w, 18.0 * (double)n + 50, &f.h);
  f.x0 = M + 210;
  f.x1 = f.w - M - 60;
  f.y0 = top + 20;
  double scale = (f.x1 - f.x0) / (hi - lo), zero_x = f.x0 - lo * scale;
  for (size_t i = 0; i < n; i++)
    bar_row(b, &f, &bars[ord[i]], f.y0 + 18.0 * (double)i, o->decimals,
            zero_x, scale);
  ampel_svg_line(b, zero_x, f.y0, zero_x, f.y0 + 18.0 * (double)n, C_AXIS, 1);
  if (isfinite(reference)) {
    double rx = zero_x + reference * scale;
    char num[48], lab[160];
    ampel_format_de(reference, o->decimals, num, sizeof num);
    snprintf(lab, sizeof lab, "%s: %s", ref_label ? ref_label : "Referenz",
             num);
    ampel_svg_group_open(b, "stroke-dasharray=\"5 3\"", lab);
    ampel_svg_line(b, rx, f.y0 - 6, rx, f.y0 + 18.0 * (double)n, C_REF, 1.5);
    ampel_svg_group_close(b);
    ampel_svg_text_opts t = {10.5, C_REF, 1, AMPEL_SVG_MIDDLE, 0, NULL};
    ampel_svg_text(b, rx, f.y0 - 9, lab, &t);
  }
  ampel_free(ord);
  footer(b, o, f.w, f.y0 + 18.0 * (double)n + 28);
  ampel_svg_end(b);
  return b->failed ? AMPEL_E_NOMEM : AMPEL_OK;
}

/* ---- scatter ------------------------------------------------------------ */

typedef struct fit {
  double a, b; /* y = a + b x */
  size_t n;
  double xlo, xhi, ylo, yhi;
} fit;

static fit least_squares(const ampel_xy *p, size_t n) {
  fit r = {NAN, NAN, 0, INFINITY, -INFINITY, INFINITY, -INFINITY};
  double mx = 0, my = 0, sxx = 0, sxy = 0;
  for (size_t i = 0; i < n; i++)
    if (isfinite(p[i].x) && isfinite(p[i].y)) {
      r.n++;
      mx += p[i].x;
      my += p[i].y;
      r.xlo = fmin(r.xlo, p[i].x);
      r.xhi = fmax(r.xhi, p[i].x);
      r.ylo = fmin(r.ylo, p[i].y);
      r.yhi = fmax(r.yhi, p[i].y);
    }
  if (r.n == 0)
    return r;
  mx /= (double)r.n;
  my /= (double)r.n;
  for (size_t i = 0; i < n; i++)
    if (isfinite(p[i].x) && isfinite(p[i].y)) {
      sxx += (p[i].x - mx) * (p[i].x - mx);
      sxy += (p[i].x - mx) * (p[i].y - my);
    }
  if (sxx > 0) {
    r.b = sxy / sxx;
    r.a = my - r.b * mx;
  }
  return r;
}

typedef struct lbox {
  double x0, y0, x1, y1;
} lbox;

static int free_spot(const lbox *placed, size_t n, lbox q) {
  for (size_t i = 0; i < n; i++)
    if (q.x0 < placed[i].x1 && placed[i].x0 < q.x1 && q.y0 < placed[i].y1 &&
        placed[i].y0 < q.y1)
      return 0;
  return 1;
}

/* Labels the points by decreasing distance from the line, where they fit. */
static ampel_status scatter_labels(ampel_buf *b, const ampel_xy *p, size_t n,
                                   const fit *ft, const double *px,
                                   const double *py) {
  size_t *ord = ampel_calloc(n + 1, sizeof *ord);
  lbox *placed = ampel_calloc(2 * n + 1, sizeof *placed);
  if (!ord || !placed) {
    ampel_free(ord);
    ampel_free(placed);
    return AMPEL_E_NOMEM;
  }
  size_t m = 0, np = 0;
  for (size_t i = 0; i < n; i++)
    if (isfinite(px[i])) {
      ord[m++] = i;
      placed[np++] = (lbox){px[i] - 3.5, py[i] - 3.5, px[i] + 3.5, py[i] + 3.5};
    }
  for (size_t i = 1; i < m; i++)
    for (size_t j = i; j > 0; j--) {
      double ra = fabs(p[ord[j - 1]].y - (ft->a + ft->b * p[ord[j - 1]].x)),
             rb = fabs(p[ord[j]].y - (ft->a + ft->b * p[ord[j]].x));
      if (!(rb > ra))
        break;
      size_t t = ord[j];
      ord[j] = ord[j - 1];
      ord[j - 1] = t;
    }
  size_t limit = m > 40 ? 25 : m;
  for (size_t k = 0, shown = 0; k < m && shown < limit; k++) {
    size_t i = ord[k];
    char name[32];
    int cut = ampel_abbrev(p[i].name, 22, name, sizeof name);
    double w = ampel_svg_text_width(name, 9.5);
    lbox q = {px[i] + 5, py[i] - 13, px[i] + 5 + w, py[i] - 2};
    if (!free_spot(placed, np, q))
      continue;
    placed[np++] = q;
    shown++;
    ampel_svg_text_opts t = {9.5, "#222222", 0, AMPEL_SVG_START, 0,
                             cut ? p[i].name : NULL};
    ampel_svg_text(b, q.x0, q.y1 - 1, name, &t);
  }
  ampel_free(ord);
  ampel_free(placed);
  return AMPEL_OK;
}

static void x_axis(ampel_buf *b, const frame *f, double lo, double hi,
                   int decimals, const char *label) {
  double st = nice_step(hi - lo, 6);
  ampel_svg_text_opts t = {10, C_AXIS, 0, AMPEL_SVG_MIDDLE, 0, NULL};
  for (double v = lo; v <= hi + st / 2; v += st) {
    char num[48];
    double x = f->x0 + (v - lo) / (hi - lo) * (f->x1 - f->x0);
    ampel_svg_line(b, x, f->y0, x, f->y1, C_GRID, 1);
    ampel_format_de(v, decimals, num, sizeof num);
    ampel_svg_text(b, x, f->y1 + 15, num, &t);
  }
  ampel_svg_line(b, f->x0, f->y1, f->x1, f->y1, C_AXIS, 1);
  if (label) {
    t.size = 11;
    t.fill = "#333333";
    ampel_svg_text(b, (f->x0 + f->x1) / 2, f->y1 + 34, label, &t);
  }
}

static void scatter_text(ampel_buf *b, const ampel_corr *c,
                         ampel_corr_method method, double x, double y) {
  char r[48], p[48], line[200];
  ampel_format_de(c->r, 2, r, sizeof r);
  ampel_format_p(c->p, p, sizeof p);
  snprintf(line, sizeof line, "%s: r = %s; n = %zu; %s",
           method == AMPEL_CORR_SPEARMAN ? "Spearman" : "Pearson", r, c->n,
           p);
  ampel_svg_text_opts t = {12, "#000000", 1, AMPEL_SVG_START, 0, NULL};
  ampel_svg_text(b, x, y, line, &t);
  t.bold = 0;
  t.size = 10.5;
  t.fill = "#444444";
  ampel_svg_text(b, x, y + 15,
                 "Korrelation ist keine Kausalität: ein Zusammenhang sagt "
                 "nichts über Ursachen.",
                 &t);
}

ampel_status ampel_chart_scatter(const ampel_xy *p, size_t n,
                                 const ampel_corr *corr,
                                 ampel_corr_method method,
                                 const ampel_chart_opts *o, ampel_buf *b) {
  fit ft = least_squares(p, n);
  if (!o || !o->title || ft.n == 0 || !corr)
    return AMPEL_E_USAGE;
  frame f = {o->width > 0 ? o->width : 900, 0, 0, 0, 0, 0, ft.ylo, ft.yhi};
  double xlo = ft.xlo, xhi = ft.xhi;
  nice_range(&xlo, &xhi);
  nice_range(&f.lo, &f.hi);
  double top = begin(b, o, f.w, 560, &f.h);
  f.x0 = M + 70;
  f.x1 = f.w - M - 20;
  f.y0 = top + 44;
  f.y1 = top + 500;
  scatter_text(b, corr, method, f.x0, top + 8);
  y_axis(b, &f, o->decimals, o->y_label);
  x_axis(b, &f, xlo, xhi, o->decimals, o->x_label);
  double *px = ampel_calloc(2 * n + 1, sizeof *px);
  if (!px)
    return AMPEL_E_NOMEM;
  double *py = px + n;
  if (isfinite(ft.b)) {
    double xa = fmax(xlo, ft.xlo), xb = fmin(xhi, ft.xhi);
    if (ft.b != 0) { /* keep the line inside the value range of y */
      double xl = (f.lo - ft.a) / ft.b, xh = (f.hi - ft.a) / ft.b;
      xa = fmax(xa, fmin(xl, xh));
      xb = fmin(xb, fmax(xl, xh));
    }
    double sx = (f.x1 - f.x0) / (xhi - xlo);
    ampel_svg_line(b, f.x0 + (xa - xlo) * sx, fy(&f, ft.a + ft.b * xa),
                   f.x0 + (xb - xlo) * sx, fy(&f, ft.a + ft.b * xb), C_REF,
                   1.5);
  }
  for (size_t i = 0; i < n; i++) {
    px[i] = py[i] = NAN;
    if (!isfinite(p[i].x) || !isfinite(p[i].y))
      continue;
    char title[240], xs[48], ys[48];
    px[i] = f.x0 + (p[i].x - xlo) / (xhi - xlo) * (f.x1 - f.x0);
    py[i] = fy(&f, p[i].y);
    ampel_format_de(p[i].x, o->decimals, xs, sizeof xs);
    ampel_format_de(p[i].y, o->decimals, ys, sizeof ys);
    snprintf(title, sizeof title, "%s: %s; %s", p[i].name, xs, ys);
    ampel_svg_group_open(b, NULL, title);
    ampel_svg_circle(b, px[i], py[i], 3.5, C_BAR, C_CHOSEN, 1);
    ampel_svg_group_close(b);
  }
  ampel_status st = scatter_labels(b, p, n, &ft, px, py);
  ampel_free(px);
  footer(b, o, f.w, f.y1 + 56);
  ampel_svg_end(b);
  return st != AMPEL_OK ? st : b->failed ? AMPEL_E_NOMEM : AMPEL_OK;
}

/* ---- correlation matrix ---------------------------------------------------- */

static ampel_rgb corr_color(double r) {
  static const ampel_rgb white = {255, 255, 255}, blue = {0x21, 0x4a, 0x8c},
                         brown = {0x8c, 0x3d, 0x0a};
  if (!isfinite(r))
    return ampel_palette_missing();
  return ampel_rgb_mix(white, r >= 0 ? blue : brown, fmin(fabs(r), 1));
}

static void corr_cell(ampel_buf *b, const ampel_corr *c, const char *a,
                      const char *z, ampel_corr_method method, double x,
                      double y, double s) {
  char r[48], p[48], title[400], hex[8], txt[8];
  ampel_rgb bg = corr_color(c->r);
  ampel_rgb_hex(bg, hex);
  ampel_rgb_hex(ampel_rgb_text_on(bg), txt);
  ampel_format_de(c->r, 2, r, sizeof r);
  ampel_format_p(c->p, p, sizeof p);
  snprintf(title, sizeof title, "%s × %s: r = %s (%s), n = %zu, %s", a, z, r,
           method == AMPEL_CORR_SPEARMAN ? "Spearman" : "Pearson", c->n, p);
  ampel_svg_rect(b, x, y, s - 2, s - 2, isfinite(c->r) ? hex : "url(#ampel-hatch)",
                 NULL, 0, title);
  ampel_svg_text_opts t = {s > 40 ? 11 : 9, txt, 0, AMPEL_SVG_MIDDLE, 0, NULL};
  ampel_svg_text(b, x + (s - 2) / 2, y + s / 2 + 3, isfinite(c->r) ? r : "–",
                 &t);
}

ampel_status ampel_chart_corr_matrix(const char *const *names, size_t k,
                                     const ampel_corr *m, const size_t *order,
                                     ampel_corr_method method,
                                     const ampel_chart_opts *o,
                                     ampel_buf *b) {
  if (!o || !o->title || k == 0)
    return AMPEL_E_USAGE;
  double s = k > 14 ? 34 : 52, label_w = 230;
  double w = fmax(o->width > 0 ? o->width : 900, label_w + s * (double)k + 3 * M);
  double h;
  double top = begin(b, o, w, s * (double)k + 200, &h);
  ampel_buf_puts(b, "<defs><pattern id=\"ampel-hatch\" width=\"6\" "
                    "height=\"6\" patternUnits=\"userSpaceOnUse\" "
                    "patternTransform=\"rotate(45)\"><line x1=\"0\" y1=\"0\" "
                    "x2=\"0\" y2=\"6\" stroke=\"#888888\" stroke-width=\"2\"/>"
                    "</pattern></defs>\n");
  double x0 = M + label_w, y0 = top + 150;
  for (size_t i = 0; i < k; i++) {
    size_t vi = order ? order[i] : i;
    char name[40];
    int cut = ampel_abbrev(names[vi], 34, name, sizeof name);
    ampel_svg_text_opts t = {10.5, NULL, 0, AMPEL_SVG_END, 0,
                             cut ? names[vi] : NULL};
    ampel_svg_text(b, x0 - 6, y0 + s * (double)i + s / 2 + 3, name, &t);
    t.rotate = -45;
    t.anchor = AMPEL_SVG_START;
    ampel_svg_text(b, x0 + s * (double)i + s / 2, y0 - 6, name, &t);
    for (size_t j = 0; j < k; j++) {
      size_t vj = order ? order[j] : j;
      corr_cell(b, &m[vi * k + vj], names[vi], names[vj], method,
                x0 + s * (double)j, y0 + s * (double)i, s);
    }
  }
  double ly = y0 + s * (double)k + 24;
  ampel_svg_text_opts t = {10.5, "#333333", 0, AMPEL_SVG_START, 0, NULL};
  ampel_svg_text(b, M, ly,
                 "Blau: positiver, Braun: negativer Zusammenhang; je dunkler, "
                 "desto stärker. Jede Zelle nennt r; n und p im Tooltip.",
                 &t);
  ampel_svg_text(b, M, ly + 15,
                 "Korrelation ist keine Kausalität. Bei wenigen Gebieten sind "
                 "auch große r oft zufällig: p beachten.",
                 &t);
  footer(b, o, w, ly + 36);
  ampel_svg_end(b);
  return b->failed ? AMPEL_E_NOMEM : AMPEL_OK;
}
