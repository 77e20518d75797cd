/* h_wechsel.c - Wechselwirkungen `/wechselwirkungen`: the clustered
 * correlation matrix with n and p, the strongest pairs as a table, a
 * scatter plot of any two indicators (x, y) with labelled areas, and the
 * spatial patterns of one indicator (`lisa`, default x): the LISA cluster
 * map and its table (the answer of `ampel lisa` and /api/v1/lisa). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ampel/alloc.h"
#include "ampel/analysis/correlate.h"
#include "ampel/analysis/lisa.h"
#include "ampel/chart.h"
#include "server.h"

/* The options of /wechselwirkungen (docs/api.md, generated). */
const ampel_opt_id srv_wechsel_ids[] = {AMPEL_OPT_LEVEL,
                                        AMPEL_OPT_PERIOD,
                                        AMPEL_OPT_INDICATORS,
                                        AMPEL_OPT_CORR_METHOD,
                                        AMPEL_OPT_X,
                                        AMPEL_OPT_Y,
                                        AMPEL_OPT_MIN_POPULATION,
                                        AMPEL_OPT_LISA_INDICATOR};
const size_t srv_n_wechsel_ids =
    sizeof srv_wechsel_ids / sizeof srv_wechsel_ids[0];

typedef ampel_correlation_answer corr_page;

/* Indicator name of column j. */
static const char *col_name(const corr_page *c, size_t j) {
  return ampel_dataset_indicator(c->ds, c->sel.inds[j])->name;
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
  const char **names = ampel_calloc(c->k + 1, sizeof *names);
  for (size_t j = 0; names && j < c->k; j++)
    names[j] = col_name(c, j);
  if (names &&
      ampel_chart_corr_matrix(names, c->k, c->m, c->order, c->method, &o,
                              &svg) == AMPEL_OK &&
      !svg.failed)
    page_svg(q, b, svg.data, svg.len);
  ampel_buf_release(&svg);
  ampel_free(names);
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
  ampel_buf_html(b, col_name(c, i));
  ampel_buf_puts(b, "</td><td>");
  ampel_buf_html(b, col_name(c, j));
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
  size_t n = c->sel.n_areas, xj = c->x, yj = c->y;
  ampel_xy *pts = ampel_calloc(n + 1, sizeof *pts);
  if (!pts)
    return;
  for (size_t i = 0; i < n; i++) {
    pts[i].name = ampel_dataset_area(q->ds, c->sel.areas[i])->name;
    pts[i].x = c->values[xj * n + i];
    pts[i].y = c->values[yj * n + i];
  }
  const ampel_corr *e = ampel_correlation_at(c, xj, yj);
  ampel_chart_opts o = {0};
  o.title = "Streudiagramm";
  o.x_label = col_name(c, xj);
  o.y_label = col_name(c, yj);
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
  ampel_buf_html(b, col_name(c, xj));
  ampel_buf_puts(b, " und ");
  ampel_buf_html(b, col_name(c, yj));
  ampel_buf_puts(b, ": r = ");
  page_num(b, e->r, 2);
  ampel_buf_printf(b, ", n = %zu Gebiete, ", e->n);
  ampel_buf_html(b, p);
  ampel_buf_puts(b, ". Jeder Punkt ist ein Gebiet.</figcaption>\n</figure>\n");
  ampel_free(pts);
}

static void select_ind(srv_req *q, ampel_buf *b, const corr_page *c,
                       const char *name, const char *label, long cur) {
  ampel_buf_printf(b,
                   "<div class=\"feld\"><label for=\"f-%s\">%s</label>\n"
                   "<select id=\"f-%s\" name=\"%s\">\n",
                   name, label, name, name);
  for (size_t j = 0; j < c->k; j++) {
    const ampel_indicator *in = ampel_dataset_indicator(q->ds, c->sel.inds[j]);
    ampel_buf_puts(b, "<option value=\"");
    ampel_buf_html(b, in->key);
    ampel_buf_printf(b, "\"%s>",
                     (long)c->sel.inds[j] == cur ? " selected" : "");
    ampel_buf_html(b, in->name);
    ampel_buf_puts(b, "</option>\n");
  }
  ampel_buf_puts(b, "</select></div>\n");
}

/* The indicator of the cluster map: the `lisa` option (checked in
 * h_wechselwirkungen), else the scatter plot's x. */
static long lisa_indicator(const srv_req *q, const corr_page *c,
                           const ampel_query *qu) {
  const char *k = ampel_query_text(qu, AMPEL_OPT_LISA_INDICATOR);
  long id = k ? ampel_dataset_find_indicator(q->ds, k) : -1;
  return id >= 0 ? id : (long)c->sel.inds[c->x];
}

static void form(srv_req *q, ampel_buf *b, const corr_page *c, long lisa) {
  ampel_buf_puts(b, "<form class=\"auswahl\" method=\"get\" "
                    "action=\"/wechselwirkungen\" aria-label=\"Auswahl\">\n"
                    "<div class=\"feld\">");
  page_select_level(q, b, c->sel.level);
  ampel_buf_puts(b, "</div>\n<div class=\"feld\">");
  page_select_period(q, b, "period", "Zeitraum", (long)c->sel.period, 0);
  ampel_buf_printf(b,
                   "</div>\n<div class=\"feld\"><label for=\"f-method\">"
                   "Verfahren</label>\n<select id=\"f-method\" "
                   "name=\"method\"><option value=\"pearson\"%s>Pearson"
                   "</option><option value=\"spearman\"%s>Spearman (Ränge)"
                   "</option></select></div>\n",
                   c->method == AMPEL_CORR_PEARSON ? " selected" : "",
                   c->method == AMPEL_CORR_SPEARMAN ? " selected" : "");
  select_ind(q, b, c, "x", "Kennzahl waagerecht (x)", (long)c->sel.inds[c->x]);
  select_ind(q, b, c, "y", "Kennzahl senkrecht (y)", (long)c->sel.inds[c->y]);
  select_ind(q, b, c, "lisa", "Kennzahl der Clusterkarte", lisa);
  ampel_buf_puts(b, "<div class=\"feld\"><button type=\"submit\">Anzeigen"
                    "</button></div>\n</form>\n");
}

/* ---- spatial patterns (LISA) ------------------------------------------- */

static void lisa_row(srv_req *q, ampel_buf *b, const ampel_lisa_answer *a,
                     const ampel_lisa_row *row) {
  char p[48];
  ampel_buf_puts(b, "<tr><td>");
  page_area_link(b, q->ds, row->area);
  ampel_buf_puts(b, "</td><td class=\"num\">");
  page_value(b, q->ds, row->area, a->glob[0].ind, a->sel.period);
  if (row->reason != AMPEL_LISA_IN) {
    ampel_buf_puts(b, "</td><td>nicht berechnet: ");
    ampel_buf_html(b, ampel_lisa_reason_de(row->reason));
    ampel_buf_puts(b, "</td><td></td><td></td><td></td><td></td></tr>\n");
    return;
  }
  ampel_format_p(row->p, p, sizeof p);
  ampel_buf_puts(b, "</td><td>");
  ampel_buf_html(b, ampel_lisa_cluster_de(row->cluster));
  ampel_buf_printf(b, "</td><td>%s</td><td class=\"num\">",
                   ampel_lisa_quadrant_name(row->quadrant));
  page_num(b, row->local_i, 3);
  ampel_buf_puts(b, "</td><td class=\"num\">");
  ampel_buf_html(b, p);
  ampel_buf_printf(b, "</td><td class=\"num\">%zu</td></tr>\n", row->k);
}

static void lisa_table(srv_req *q, ampel_buf *b, const ampel_lisa_answer *a) {
  ampel_buf_puts(b, "<details>\n<summary>Alle Gebiete als Tabelle</summary>\n"
                    "<div class=\"scroll\" role=\"region\" tabindex=\"0\" "
                    "aria-label=\"Räumliche Muster je Gebiet\">\n<table "
                    "class=\"sortierbar\">\n<thead><tr><th scope=\"col\">"
                    "Gebiet</th><th scope=\"col\" class=\"num\">Wert</th>"
                    "<th scope=\"col\">Cluster</th><th scope=\"col\">"
                    "Quadrant</th><th scope=\"col\" class=\"num\">lokales "
                    "Moran's I</th><th scope=\"col\" class=\"num\">p</th><th "
                    "scope=\"col\" class=\"num\">Nachbarn</th></tr></thead>\n"
                    "<tbody>\n");
  for (size_t i = 0; i < a->n_rows; i++)
    lisa_row(q, b, a, &a->rows[i]);
  ampel_buf_puts(b, "</tbody>\n</table>\n</div>\n</details>\n");
}

static void lisa_caption(ampel_buf *b, const ampel_lisa_answer *a) {
  const ampel_lisa_global *g = &a->glob[0];
  char mi[48], p[48], ei[48];
  ampel_format_de(g->moran_i, 2, mi, sizeof mi);
  ampel_format_de(g->expected_i, 2, ei, sizeof ei);
  ampel_format_p(g->p, p, sizeof p);
  ampel_buf_printf(b,
                   "<figcaption>Globales Moran's I = %s (ohne Muster "
                   "erwartet: %s; %s, %zu Vertauschungen) über n = %zu "
                   "Gebiete: %zu Hot Spots, %zu Cold Spots, %zu Ausreißer, "
                   "%zu nicht signifikant.",
                   mi, ei, p, a->permutations, g->n, a->clusters[AMPEL_LISA_HH],
                   a->clusters[AMPEL_LISA_LL],
                   a->clusters[AMPEL_LISA_HL] + a->clusters[AMPEL_LISA_LH],
                   a->clusters[AMPEL_LISA_NS]);
  if (a->tiles)
    ampel_buf_puts(b, " Die Ebene hat keine Flächen: Nachbarn sind hier die "
                      "angrenzenden Kacheln der Kachelkarte (eine Näherung).");
  size_t out = a->n_rows - g->n;
  if (out)
    ampel_buf_printf(b,
                     " %zu Gebiete sind nicht berechnet (schraffiert), davon "
                     "%zu ohne Nachbarn mit Wert.",
                     out, g->n_out[AMPEL_LISA_ISLAND]);
  ampel_buf_puts(b, "</figcaption>\n");
}

/* The section: the same question as `ampel lisa` with the page's level,
 * period and minimum population. */
static void lisa_section(srv_req *q, ampel_buf *b, const corr_page *c,
                         const ampel_query *qu, long ind) {
  ampel_buf_puts(b, "<section aria-labelledby=\"h-lisa\">\n<h2 "
                    "id=\"h-lisa\">Räumliche Muster (LISA)</h2>\n<p>Liegen "
                    "hohe (oder niedrige) Werte nebeneinander? Nachbarn sind "
                    "Gebiete mit gemeinsamem Grenzpunkt. Ein Hot Spot ist ein "
                    "Gebiet mit hohem Wert, dessen Nachbarn auch hohe Werte "
                    "haben, ein Cold Spot das Gegenstück; Ausreißer "
                    "unterscheiden sich von ihren Nachbarn. Farbig sind nur "
                    "Gebiete, deren Muster kaum zufällig ist (p bis 0,05).</p>"
                    "\n");
  ampel_query lq;
  ampel_status st =
      ampel_lisa_query(c->sel.level, srv_period_label(q->ds, c->sel.period),
                       ampel_dataset_indicator(q->ds, (size_t)ind)->key,
                       ampel_query_text(qu, AMPEL_OPT_MIN_POPULATION), &lq);
  ampel_lisa_answer a;
  ampel_diags d;
  ampel_diags_init(&d, 0);
  if (st == AMPEL_OK)
    st = ampel_analyse_lisa(q->snap->ctx, &lq, &a, &d);
  if (st != AMPEL_OK) {
    page_note(b, "hinweis",
              d.n ? d.items[0].message : "Räumliche Muster nicht berechenbar.");
    ampel_diags_release(&d);
    ampel_buf_puts(b, "</section>\n");
    return;
  }
  ampel_buf svg;
  ampel_buf_init(&svg);
  ampel_buf_puts(b, "<figure>\n");
  if (ampel_lisa_write_svg(&a, NULL, NULL, &svg) == AMPEL_OK && !svg.failed)
    page_svg(q, b, svg.data, svg.len);
  ampel_buf_release(&svg);
  lisa_caption(b, &a);
  ampel_buf_puts(b, "</figure>\n");
  lisa_table(q, b, &a);
  ampel_buf_puts(b, "</section>\n");
  ampel_lisa_answer_release(&a);
  ampel_diags_release(&d);
}

static int show(srv_req *q, srv_resp *r, const ampel_query *qu,
                const void *answer) {
  const corr_page *c = answer;
  long lisa = lisa_indicator(q, c, qu);
  ampel_buf *b = &r->body;
  page_begin(q, r, "Wechselwirkungen", NAV_CORR);
  ampel_buf_puts(b, "<h1>Wechselwirkungen: welche Kennzahlen hängen "
                    "zusammen?</h1>\n<p class=\"lead\">Wo eine Kennzahl hoch "
                    "ist, ist es die andere oft auch (gleichläufig) oder "
                    "gerade nicht (gegenläufig). <strong>Ein Zusammenhang ist "
                    "kein Beweis für eine Ursache</strong>: beide Kennzahlen "
                    "können von einem dritten Umstand abhängen. ");
  ampel_buf_printf(b, "Grundlage sind hier nur n = %zu Gebiete (Ebene ",
                   c->sel.n_areas - c->n_small);
  ampel_buf_html(b, c->sel.level);
  ampel_buf_puts(b, ", ");
  ampel_buf_html(b, srv_period_label(q->ds, c->sel.period));
  if (c->n_small)
    ampel_buf_printf(b,
                     "; %zu Gebiete unter der Mindestzahl an Einwohnern "
                     "zählen nicht, sie sind %s",
                     c->n_small, AMPEL_DE_NOT_RATED);
  ampel_buf_puts(b, "); bei so wenigen Gebieten können auch starke "
                    "Zusammenhänge zufällig sein – achten Sie auf n und p."
                    "</p>\n");
  form(q, b, c, lisa);
  ampel_buf_puts(b, "<section aria-labelledby=\"h-matrix\">\n<h2 "
                    "id=\"h-matrix\">Korrelationsmatrix</h2>\n");
  matrix(q, b, c);
  pairs(q, b, c);
  ampel_buf_puts(b, "</section>\n<section aria-labelledby=\"h-streu\">\n"
                    "<h2 id=\"h-streu\">Streudiagramm</h2>\n");
  scatter(q, b, c);
  ampel_buf_puts(b, "</section>\n");
  lisa_section(q, b, c, qu, lisa);
  page_end(q, r);
  return 0;
}

int h_wechselwirkungen(srv_req *q, srv_resp *r) {
  ampel_query qu;
  if (srv_query(q, r, srv_wechsel_ids, srv_n_wechsel_ids, &qu))
    return -1;
  const char *k = ampel_query_text(&qu, AMPEL_OPT_LISA_INDICATOR);
  if (k && ampel_dataset_find_indicator(q->ds, k) < 0)
    return srv_error(q, r, 400, "lisa: unbekannte Kennzahl '%s'.", k);
  return srv_ask_query(q, r, &qu, &ampel_question_correlation, show);
}
