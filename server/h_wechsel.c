/* h_wechsel.c - Wechselwirkungen `/wechselwirkungen`: the clustered
 * correlation matrix with n and p, the strongest pairs as a table, and a
 * scatter plot of any two indicators (x, y) with labelled areas. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ampel/alloc.h"
#include "ampel/chart.h"
#include "ampel/select.h"
#include "server.h"

typedef struct corr_page {
  ampel_selection sel;
  ampel_corr_method method;
  size_t k;
  double *x;          /* k columns of n_areas values */
  const double **cols;
  const char **names;
  ampel_corr *m;      /* k x k */
  size_t *order;
  long xi, yi;        /* chosen indicators (dataset ids) */
} corr_page;

static void cp_release(corr_page *c) {
  ampel_selection_release(&c->sel);
  ampel_free(c->x);
  ampel_free(c->cols);
  ampel_free(c->names);
  ampel_free(c->m);
  ampel_free(c->order);
}

static int columns(srv_req *q, corr_page *c) {
  size_t n = c->sel.n_areas, k = c->sel.n_inds;
  c->k = k;
  c->x = ampel_calloc(n * k + 1, sizeof *c->x);
  c->cols = ampel_calloc(k + 1, sizeof *c->cols);
  c->names = ampel_calloc(k + 1, sizeof *c->names);
  c->m = ampel_calloc(k * k + 1, sizeof *c->m);
  c->order = ampel_calloc(k + 1, sizeof *c->order);
  if (!c->x || !c->cols || !c->names || !c->m || !c->order)
    return -1;
  for (size_t j = 0; j < k; j++) {
    double *col = c->x + j * n;
    for (size_t i = 0; i < n; i++) {
      ampel_cell_ref cr = ampel_dataset_get(q->ds, c->sel.areas[i],
                                            c->sel.inds[j], c->sel.period);
      col[i] = ampel_flag_has_value(cr.flag) ? cr.value : NAN;
    }
    c->cols[j] = col;
    c->names[j] = ampel_dataset_indicator(q->ds, c->sel.inds[j])->name;
  }
  if (ampel_corr_matrix(c->cols, k, n, c->method, c->m) != AMPEL_OK ||
      ampel_corr_order(c->m, k, c->order) != AMPEL_OK)
    return -1;
  return 0;
}

static int compute(srv_req *q, srv_resp *r, corr_page *c) {
  static const char *const methods[] = {"pearson", "spearman", NULL};
  const char *level = NULL;
  long period = -1;
  int m = 0;
  char **keys = NULL, *copy = NULL;
  size_t nk = 0;
  c->xi = c->yi = -1;
  if (srv_p_level(q, r, &level) || srv_p_period(q, r, "period", &period) ||
      srv_p_enum(q, r, "method", methods, &m) ||
      srv_p_indicator(q, r, "x", &c->xi) ||
      srv_p_indicator(q, r, "y", &c->yi) ||
      srv_p_keys(q, r, "indicators", &keys, &nk, &copy))
    return -1;
  c->method = (ampel_corr_method)m;
  ampel_diags d;
  ampel_diags_init(&d, 0);
  ampel_status st = ampel_select(
      q->ds, level, period >= 0 ? srv_period_label(q->ds, (size_t)period)
                                : NULL, (const char *const *)keys, nk,
      &c->sel, &d);
  ampel_free(keys);
  ampel_free(copy);
  int rc = 0;
  if (st != AMPEL_OK)
    rc = srv_error_diags(q, r, st, &d, "Auswahl nicht möglich.");
  else if (c->sel.n_inds < 2)
    rc = srv_error(q, r, 400, "Für Wechselwirkungen braucht es mindestens "
                              "zwei Kennzahlen mit Werten auf dieser Ebene.");
  else if (columns(q, c) != 0)
    rc = srv_error(q, r, 503, "Zu wenig Speicher.");
  ampel_diags_release(&d);
  return rc;
}

/* Column index of a dataset indicator in the selection, or -1. */
static long col_of(const corr_page *c, long ind) {
  for (size_t j = 0; j < c->k; j++)
    if ((long)c->sel.inds[j] == ind)
      return (long)j;
  return -1;
}

/* Default pair: the strongest |r| off the diagonal. */
static void default_pair(corr_page *c) {
  long xj = col_of(c, c->xi), yj = col_of(c, c->yi);
  if (xj >= 0 && yj >= 0)
    return;
  double best = -1;
  for (size_t i = 0; i < c->k; i++)
    for (size_t j = i + 1; j < c->k; j++) {
      double a = fabs(c->m[i * c->k + j].r);
      if (!isnan(a) && a > best) {
        best = a;
        xj = (long)i;
        yj = (long)j;
      }
    }
  if (xj < 0 || yj < 0) {
    xj = 0;
    yj = 1;
  }
  c->xi = (long)c->sel.inds[xj];
  c->yi = (long)c->sel.inds[yj];
}

static void matrix(srv_req *q, ampel_buf *b, const corr_page *c) {
  ampel_chart_opts o = {0};
  o.title = "Korrelationsmatrix";
  o.desc = "Blau: gleichläufig (r > 0), braun: gegenläufig (r < 0); je "
           "kräftiger, desto stärker. Ähnliche Kennzahlen stehen "
           "nebeneinander.";
  o.width = 760;
  ampel_buf svg;
  ampel_buf_init(&svg);
  ampel_buf_puts(b, "<figure>\n");
  if (ampel_chart_corr_matrix(c->names, c->k, c->m, c->order, c->method, &o,
                              &svg) == AMPEL_OK && !svg.failed)
    page_svg(q, b, svg.data, svg.len);
  ampel_buf_release(&svg);
  ampel_buf_puts(b, "<figcaption>r = Korrelationskoeffizient (−1 bis 1), "
                    "n = Zahl der Gebiete mit beiden Werten, p = "
                    "Irrtumswahrscheinlichkeit. Alle Paare stehen in der "
                    "Tabelle darunter.</figcaption>\n</figure>\n");
}

static int by_abs_r(const void *a, const void *b) {
  double x = fabs(((const ampel_corr *const *)a)[0]->r);
  double y = fabs(((const ampel_corr *const *)b)[0]->r);
  if (isnan(x))
    x = -1;
  if (isnan(y))
    y = -1;
  return (x < y) - (x > y);
}

static void pair_row(srv_req *q, ampel_buf *b, const corr_page *c, size_t i,
                     size_t j) {
  const ampel_corr *e = &c->m[i * c->k + j];
  char p[48];
  ampel_format_p(e->p, p, sizeof p);
  ampel_buf_puts(b, "<tr><td>");
  ampel_buf_html(b, c->names[i]);
  ampel_buf_puts(b, "</td><td>");
  ampel_buf_html(b, c->names[j]);
  ampel_buf_puts(b, "</td><td class=\"num\">");
  page_num(b, e->r, 2);
  ampel_buf_printf(b, "</td><td class=\"num\">%zu</td><td class=\"num\">",
                   e->n);
  ampel_buf_html(b, p);
  ampel_buf_puts(b, "</td><td><a href=\"/wechselwirkungen?x=");
  page_urlenc(b, ampel_dataset_indicator(q->ds, c->sel.inds[i])->key);
  ampel_buf_puts(b, "&amp;y=");
  page_urlenc(b, ampel_dataset_indicator(q->ds, c->sel.inds[j])->key);
  ampel_buf_puts(b, "&amp;level=");
  page_urlenc(b, c->sel.level);
  ampel_buf_puts(b, "#h-streu\">Streudiagramm</a></td></tr>\n");
}

static void pairs(srv_req *q, ampel_buf *b, const corr_page *c) {
  size_t np = c->k * (c->k - 1) / 2, t = 0;
  const ampel_corr **list = ampel_calloc(np + 1, sizeof *list);
  if (!list)
    return;
  for (size_t i = 0; i < c->k; i++)
    for (size_t j = i + 1; j < c->k; j++)
      list[t++] = &c->m[i * c->k + j];
  qsort(list, np, sizeof *list, by_abs_r);
  ampel_buf_puts(b, "<details>\n<summary>Alle Paare als Tabelle (stärkste "
                    "zuerst)</summary>\n<div class=\"scroll\" role=\"region\" "
                    "tabindex=\"0\" aria-label=\"Paare\">\n<table "
                    "class=\"sortierbar\">\n<thead><tr><th scope=\"col\">"
                    "Kennzahl 1</th><th scope=\"col\">Kennzahl 2</th><th "
                    "scope=\"col\" class=\"num\">r</th><th scope=\"col\" "
                    "class=\"num\">n</th><th scope=\"col\" class=\"num\">p"
                    "</th><th scope=\"col\">Ansehen</th></tr></thead>\n"
                    "<tbody>\n");
  for (size_t t2 = 0; t2 < np; t2++) {
    size_t off = (size_t)(list[t2] - c->m);
    pair_row(q, b, c, off / c->k, off % c->k);
  }
  ampel_buf_puts(b, "</tbody>\n</table>\n</div>\n</details>\n");
  ampel_free(list);
}

static void scatter(srv_req *q, ampel_buf *b, const corr_page *c) {
  size_t n = c->sel.n_areas;
  long xj = col_of(c, c->xi), yj = col_of(c, c->yi);
  ampel_xy *pts = ampel_calloc(n + 1, sizeof *pts);
  if (!pts || xj < 0 || yj < 0) {
    ampel_free(pts);
    return;
  }
  for (size_t i = 0; i < n; i++) {
    pts[i].name = ampel_dataset_area(q->ds, c->sel.areas[i])->name;
    pts[i].x = c->cols[xj][i];
    pts[i].y = c->cols[yj][i];
  }
  const ampel_corr *e = &c->m[(size_t)xj * c->k + (size_t)yj];
  ampel_chart_opts o = {0};
  o.title = "Streudiagramm";
  o.x_label = c->names[xj];
  o.y_label = c->names[yj];
  o.width = 760;
  ampel_buf svg;
  ampel_buf_init(&svg);
  char p[48];
  ampel_format_p(e->p, p, sizeof p);
  ampel_buf_puts(b, "<figure>\n");
  if (ampel_chart_scatter(pts, n, e, c->method, &o, &svg) == AMPEL_OK &&
      !svg.failed)
    page_svg(q, b, svg.data, svg.len);
  ampel_buf_release(&svg);
  ampel_buf_puts(b, "<figcaption>");
  ampel_buf_html(b, c->names[xj]);
  ampel_buf_puts(b, " und ");
  ampel_buf_html(b, c->names[yj]);
  ampel_buf_puts(b, ": r = ");
  page_num(b, e->r, 2);
  ampel_buf_printf(b, ", n = %zu Gebiete, ", e->n);
  ampel_buf_html(b, p);
  ampel_buf_puts(b, ". Jeder Punkt ist ein Gebiet.</figcaption>\n</figure>\n");
  ampel_free(pts);
}

static void select_ind(srv_req *q, ampel_buf *b, const corr_page *c,
                       const char *name, const char *label, long cur) {
  ampel_buf_printf(b, "<div class=\"feld\"><label for=\"f-%s\">%s</label>\n"
                      "<select id=\"f-%s\" name=\"%s\">\n",
                   name, label, name, name);
  for (size_t j = 0; j < c->k; j++) {
    const ampel_indicator *in = ampel_dataset_indicator(q->ds, c->sel.inds[j]);
    ampel_buf_puts(b, "<option value=\"");
    ampel_buf_html(b, in->key);
    ampel_buf_printf(b, "\"%s>", (long)c->sel.inds[j] == cur ? " selected"
                                                             : "");
    ampel_buf_html(b, in->name);
    ampel_buf_puts(b, "</option>\n");
  }
  ampel_buf_puts(b, "</select></div>\n");
}

static void form(srv_req *q, ampel_buf *b, const corr_page *c) {
  ampel_buf_puts(b, "<form class=\"auswahl\" method=\"get\" "
                    "action=\"/wechselwirkungen\" aria-label=\"Auswahl\">\n"
                    "<div class=\"feld\">");
  page_select_level(q, b, c->sel.level);
  ampel_buf_puts(b, "</div>\n<div class=\"feld\">");
  page_select_period(q, b, "period", "Zeitraum", (long)c->sel.period, 0);
  ampel_buf_printf(b, "</div>\n<div class=\"feld\"><label for=\"f-method\">"
                      "Verfahren</label>\n<select id=\"f-method\" "
                      "name=\"method\"><option value=\"pearson\"%s>Pearson"
                      "</option><option value=\"spearman\"%s>Spearman (Ränge)"
                      "</option></select></div>\n",
                   c->method == AMPEL_CORR_PEARSON ? " selected" : "",
                   c->method == AMPEL_CORR_SPEARMAN ? " selected" : "");
  select_ind(q, b, c, "x", "Kennzahl waagerecht (x)", c->xi);
  select_ind(q, b, c, "y", "Kennzahl senkrecht (y)", c->yi);
  ampel_buf_puts(b, "<div class=\"feld\"><button type=\"submit\">Anzeigen"
                    "</button></div>\n</form>\n");
}

int h_wechselwirkungen(srv_req *q, srv_resp *r) {
  corr_page c;
  memset(&c, 0, sizeof c);
  if (compute(q, r, &c) != 0) {
    cp_release(&c);
    return -1;
  }
  default_pair(&c);
  ampel_buf *b = &r->body;
  page_begin(q, r, "Wechselwirkungen", NAV_CORR);
  ampel_buf_puts(b, "<h1>Wechselwirkungen: welche Kennzahlen hängen "
                    "zusammen?</h1>\n<p class=\"lead\">Wo eine Kennzahl hoch "
                    "ist, ist es die andere oft auch (gleichläufig) oder "
                    "gerade nicht (gegenläufig). <strong>Ein Zusammenhang ist "
                    "kein Beweis für eine Ursache</strong>: beide Kennzahlen "
                    "können von einem dritten Umstand abhängen. ");
  ampel_buf_printf(b, "Grundlage sind hier nur n = %zu Gebiete (Ebene ",
                   c.sel.n_areas);
  ampel_buf_html(b, c.sel.level);
  ampel_buf_puts(b, ", ");
  ampel_buf_html(b, srv_period_label(q->ds, c.sel.period));
  ampel_buf_puts(b, "); bei so wenigen Gebieten können auch starke "
                    "Zusammenhänge zufällig sein – achten Sie auf n und p."
                    "</p>\n");
  form(q, b, &c);
  ampel_buf_puts(b, "<section aria-labelledby=\"h-matrix\">\n<h2 "
                    "id=\"h-matrix\">Korrelationsmatrix</h2>\n");
  matrix(q, b, &c);
  pairs(q, b, &c);
  ampel_buf_puts(b, "</section>\n<section aria-labelledby=\"h-streu\">\n"
                    "<h2 id=\"h-streu\">Streudiagramm</h2>\n");
  scatter(q, b, &c);
  ampel_buf_puts(b, "</section>\n");
  page_end(q, r);
  cp_release(&c);
  return 0;
}
