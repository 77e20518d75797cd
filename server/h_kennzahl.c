/* h_kennzahl.c - Kennzahl `/kennzahl/KEY`: map (choropleth with geometry,
 * tile map without), ranking, the time series of all areas against the
 * reference, and the metadata. `/kennzahl/` lists all indicators. */
#include <math.h>
#include <string.h>

#include "ampel/alloc.h"
#include "ampel/analysis/indicator.h"
#include "ampel/chart.h"
#include "overview.h"
#include "server.h"

/* The options of /kennzahl/KEY (docs/api.md, generated). */
const ampel_opt_id srv_kennzahl_ids[] = {AMPEL_OPT_LEVEL, AMPEL_OPT_PERIOD,
                                         AMPEL_OPT_MIN_POPULATION,
                                         AMPEL_OPT_PAGE};
const size_t srv_n_kennzahl_ids =
    sizeof srv_kennzahl_ids / sizeof srv_kennzahl_ids[0];

typedef struct ind_page {
  size_t ind;
  const ampel_indicator *in;
  ampel_indicator_answer a;
  const ampel_lights *li; /* = &a.map.lights.lights */
  size_t page;            /* of the ranking, from 1 (seite=) */
} ind_page;

static int h_ind_list(srv_req *q, srv_resp *r) {
  ampel_buf *b = &r->body;
  page_begin(q, r, "Kennzahlen", NAV_INDICATOR);
  ampel_buf_puts(b, "<h1>Kennzahlen</h1>\n<p class=\"lead\">Jede Kennzahl "
                    "mit Karte, Rangfolge der Gebiete, Verlauf und "
                    "Beschreibung (Definition, Quelle, Stichtag).</p>\n"
                    "<div class=\"scroll\" role=\"region\" tabindex=\"0\" "
                    "aria-labelledby=\"cap-kz\">\n<table class=\"sortierbar\">"
                    "\n<caption id=\"cap-kz\">Alle Kennzahlen</caption>\n"
                    "<thead><tr><th scope=\"col\">Kennzahl</th><th "
                    "scope=\"col\">Handlungsfeld</th><th scope=\"col\">"
                    "Einheit</th><th scope=\"col\">Richtung</th></tr></thead>"
                    "\n<tbody>\n");
  for (size_t i = 0; i < ampel_dataset_n_indicators(q->ds); i++) {
    const ampel_indicator *in = ampel_dataset_indicator(q->ds, i);
    ampel_buf_puts(b, "<tr><th scope=\"row\">");
    page_ind_link(b, q->ds, i);
    ampel_buf_puts(b, "</th><td>");
    ampel_buf_html(b, in->domain ? in->domain : "");
    ampel_buf_puts(b, "</td><td>");
    ampel_buf_html(b, in->unit ? in->unit : "");
    ampel_buf_puts(b, "</td><td>");
    ampel_buf_html(b, page_polarity_label(in->polarity));
    ampel_buf_puts(b, "</td></tr>\n");
  }
  ampel_buf_puts(b, "</tbody>\n</table>\n</div>\n");
  page_end(q, r);
  return 0;
}

static void map(srv_req *q, ampel_buf *b, const ind_page *p) {
  ampel_buf lt;
  ampel_buf_init(&lt);
  ampel_buf_printf(&lt, "%s (%s), %s", p->in->name,
                   p->in->unit ? p->in->unit : "",
                   srv_period_label(q->ds, p->li->period));
  ampel_map_opts o = {0};
  o.title = lt.data ? lt.data : "";
  o.desc = p->in->polarity == AMPEL_POL_NEUTRAL
               ? "Werte je Gebiet (neutrale Kennzahl: ohne Bewertung)."
               : "Ampel-Status je Gebiet im Vergleich mit der Gesamtstadt.";
  o.legend_title =
      p->in->polarity == AMPEL_POL_NEUTRAL ? "skalierter Wert" : "Status";
  o.decimals = p->in->decimals;
  o.width = 620;
  o.labels = 1;
  ampel_buf svg;
  ampel_buf_init(&svg);
  ampel_buf_puts(b, "<figure>\n");
  if (ampel_map_answer_svg(&p->a.map, &o, &svg) == AMPEL_OK && !svg.failed)
    page_svg(q, b, svg.data, svg.len);
  else
    ampel_buf_puts(b, "<p>Für diese Ebene gibt es weder Umrisse noch "
                      "Kachelpositionen oder Koordinaten.</p>\n");
  ampel_buf_puts(b, "<figcaption>Die Werte stehen in der Rangfolge "
                    "daneben.</figcaption>\n</figure>\n");
  ampel_buf_release(&svg);
  ampel_buf_release(&lt);
}

/* The ranking, OV_MAX_ROWS rows per page (seite=): a page of thousands of
 * rows is megabytes that nobody reads on screen; the CSV has them all. */
static void ranking_table(srv_req *q, ampel_buf *b, const ind_page *p) {
  size_t total = p->li->n_areas;
  ov_page pg = ov_page_of(total, p->page);
  if (pg.pages > 1)
    ampel_buf_printf(b,
                     "<p role=\"status\">Ränge %zu–%zu von %zu Gebieten "
                     "(Seite %zu von %zu)</p>\n",
                     pg.from + 1, pg.to, total, pg.page, pg.pages);
  ampel_buf_puts(b, "<div class=\"scroll\" role=\"region\" tabindex=\"0\" "
                    "aria-labelledby=\"cap-rang\">\n<table class=\"sortierbar"
                    "\">\n<caption id=\"cap-rang\">Rangfolge (1 = günstigster "
                    "Wert)</caption>\n<thead><tr><th scope=\"col\" "
                    "class=\"num\">Rang</th><th scope=\"col\">Gebiet</th><th "
                    "scope=\"col\" class=\"num\">Wert</th><th scope=\"col\">"
                    "Status</th></tr></thead>\n<tbody>\n");
  for (size_t k = pg.from; k < pg.to; k++) {
    size_t i = p->a.order[k], rk = p->a.rank[i];
    ampel_buf_puts(b, "<tr><td class=\"num\">");
    if (rk)
      ampel_buf_printf(b, "%zu", rk);
    else
      ampel_buf_puts(b, "–");
    ampel_buf_puts(b, "</td><th scope=\"row\">");
    page_area_link(b, q->ds, p->li->area_ids[i]);
    ampel_buf_puts(b, "</th><td class=\"num\">");
    page_value(b, q->ds, p->li->area_ids[i], p->ind, p->li->period);
    ampel_buf_puts(b, "</td><td>");
    ov_cell(b, ampel_lights_at(p->li, i, 0));
    ampel_buf_puts(b, "</td></tr>\n");
  }
  ampel_buf_puts(b, "</tbody>\n<tfoot><tr><td></td><th scope=\"row\">"
                    "Gesamtstadt (Referenz)</th><td class=\"num\">");
  page_num(b, p->li->cols[0].ref.value, p->in->decimals);
  ampel_buf_puts(b, "</td><td></td></tr></tfoot>\n</table>\n</div>\n");
  ampel_buf base; /* this indicator's page */
  ampel_buf_init(&base);
  ampel_buf_puts(&base, "/kennzahl/");
  page_urlenc(&base, p->in->key);
  if (!base.failed)
    ov_pager(q, b, base.data, &pg, "Rangfolge", "#h-rang");
  ampel_buf_release(&base);
}

static void timeseries(srv_req *q, ampel_buf *b, const ind_page *p) {
  ampel_chart_opts o = {0};
  o.title = "Verlauf aller Gebiete";
  o.desc = "Jede graue Linie ist ein Gebiet, die hervorgehobene Linie die "
           "Gesamtstadt (Referenz je Zeitraum).";
  o.y_label = p->in->unit;
  o.decimals = p->in->decimals;
  o.width = 760;
  ampel_buf svg;
  ampel_buf_init(&svg);
  ampel_buf_puts(b, "<figure>\n");
  if (ampel_timeseries_answer_svg(&p->a.ts, -1, &o, &svg) == AMPEL_OK &&
      !svg.failed)
    page_svg(q, b, svg.data, svg.len);
  else
    ampel_buf_puts(b, "<p>Kein Verlauf darstellbar.</p>\n");
  ampel_buf_puts(b, "<figcaption>Die Werte je Zeitraum stehen in den "
                    "Gebietsprofilen und im CSV-Download.</figcaption>\n"
                    "</figure>\n");
  ampel_buf_release(&svg);
}

static void meta(srv_req *q, ampel_buf *b, const ind_page *p) {
  const ampel_indicator *in = p->in;
  const char *k[] = {"Definition", "Einheit",  "Handlungsfeld",
                     "Quelle",     "Stichtag", "Schlüssel"};
  const char *v[] = {in->definition, in->unit,           in->domain,
                     in->source,     in->reference_date, in->key};
  ampel_buf_puts(b, "<dl class=\"meta\">\n");
  for (size_t i = 0; i < 6; i++) {
    ampel_buf_printf(b, "<dt>%s</dt><dd>", k[i]);
    ampel_buf_html(b, v[i] && *v[i] ? v[i] : "–");
    ampel_buf_puts(b, "</dd>\n");
  }
  ampel_buf_puts(b, "<dt>Richtung</dt><dd>");
  ampel_buf_html(b, page_polarity_label(in->polarity));
  ampel_buf_puts(b, "</dd>\n<dt>Referenz</dt><dd>");
  ampel_buf_html(b, ampel_ref_method_label_de(p->li->cols[0].ref.method));
  ampel_buf_puts(b, "</dd>\n</dl>\n");
  (void)q;
}

static void form(srv_req *q, ampel_buf *b, const ind_page *p) {
  ampel_buf_puts(b, "<form class=\"auswahl\" method=\"get\" action=\""
                    "/kennzahl/");
  page_urlenc(b, p->in->key);
  ampel_buf_puts(b, "\" aria-label=\"Auswahl\">\n<div class=\"feld\">");
  page_select_level(q, b, p->li->level);
  ampel_buf_puts(b, "</div>\n<div class=\"feld\">");
  page_select_period(q, b, "period", "Zeitraum", (long)p->li->period, 0);
  ampel_buf_puts(b, "</div>\n<div class=\"feld\"><button type=\"submit\">"
                    "Anzeigen</button></div>\n</form>\n");
}

static int compute(srv_req *q, srv_resp *r, ind_page *p) {
  ampel_query qu;
  if (srv_query(q, r, srv_kennzahl_ids, srv_n_kennzahl_ids, &qu))
    return -1;
  p->page = (size_t)ampel_query_num(&qu, AMPEL_OPT_PAGE);
  ampel_diags d;
  ampel_diags_init(&d, 0);
  ampel_status st = ampel_query_set(&qu, ampel_opt_get(AMPEL_OPT_INDICATOR),
                                    p->in->key, NULL, 0);
  if (st == AMPEL_OK)
    st = ampel_analyse_indicator(q->snap->ctx, &qu, &p->a, &d);
  int rc = 0;
  if (st != AMPEL_OK)
    rc = srv_error_diags(q, r, st, &d,
                         "Für diese Auswahl gibt es keine "
                         "Werte.");
  p->li = &p->a.map.lights.lights;
  ampel_diags_release(&d);
  return rc;
}

int h_kennzahl(srv_req *q, srv_resp *r) {
  const char *key = srv_rest(q->path, "/kennzahl/");
  if (!*key)
    return h_ind_list(q, r);
  long id = ampel_dataset_find_indicator(q->ds, key);
  if (id < 0)
    return srv_error(q, r, 404, "Unbekannte Kennzahl '%s'.", key);
  ind_page p;
  memset(&p, 0, sizeof p);
  p.ind = (size_t)id;
  p.in = ampel_dataset_indicator(q->ds, p.ind);
  int rc = compute(q, r, &p);
  if (rc == 0) {
    ampel_buf *b = &r->body;
    page_begin(q, r, p.in->name, NAV_INDICATOR);
    ampel_buf_puts(b, "<h1>");
    ampel_buf_html(b, p.in->name);
    ampel_buf_puts(b, "</h1>\n<p class=\"lead\">");
    ampel_buf_html(b, p.in->definition ? p.in->definition : "");
    ampel_buf_puts(b, "</p>\n");
    form(q, b, &p);
    ampel_buf_puts(b, "<div class=\"zwei\">\n<section aria-labelledby="
                      "\"h-karte\">\n<h2 id=\"h-karte\">Karte</h2>\n");
    map(q, b, &p);
    ampel_buf_puts(b, "</section>\n<section aria-labelledby=\"h-rang\">\n"
                      "<h2 id=\"h-rang\">Rangfolge</h2>\n");
    ranking_table(q, b, &p);
    ampel_buf_puts(b, "</section>\n</div>\n<section aria-labelledby="
                      "\"h-verlauf\">\n<h2 id=\"h-verlauf\">Verlauf</h2>\n");
    timeseries(q, b, &p);
    ampel_buf_puts(b, "</section>\n<section aria-labelledby=\"h-meta\">\n"
                      "<h2 id=\"h-meta\">Beschreibung</h2>\n");
    meta(q, b, &p);
    ampel_buf_puts(b, "</section>\n");
    page_end(q, r);
  }
  ampel_indicator_answer_release(&p.a);
  return rc;
}
