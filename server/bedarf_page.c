/* bedarf_page.c - the HTML of the Bedarf page: the calculator form (GET,
 * works without JavaScript), the result table with sensitivity, the
 * allocation chart and the levels on the tile map. */
#include <math.h>
#include <string.h>

#include "ampel/alloc.h"
#include "ampel/select.h"
#include "ampel/svg.h"
#include "bedarf.h"

static double weight_of(const bd_data *x, const char *key) {
  for (size_t i = 0; i < x->kl.n; i++)
    if (strcmp(x->kl.keys[i], key) == 0)
      return x->kl.weights[i];
  return 0;
}

static void weights_fieldset(srv_req *q, ampel_buf *b, const bd_data *x) {
  ampel_buf_puts(b, "<fieldset><legend>Kennzahlen und Gewichte (0 = nicht "
                    "verwendet)</legend>\n<div class=\"gewichte\">\n");
  size_t nf = 0;
  for (size_t i = 0; i < ampel_dataset_n_indicators(q->ds); i++) {
    const ampel_indicator *in = ampel_dataset_indicator(q->ds, i);
    size_t have = 0; /* offer what the level has (at any period) */
    for (size_t a = 0; a < x->t.frame.n_areas && !have; a++)
      for (size_t t = 0; t < ampel_dataset_n_periods(q->ds) && !have; t++)
        have += ampel_has_value(q->ds, x->t.frame.areas[a], i, t);
    if (in->polarity == AMPEL_POL_NEUTRAL || !have)
      continue;
    char w[48];
    ampel_format_double(weight_of(x, in->key), w, sizeof w);
    ampel_buf_printf(b, "<div class=\"zeile\"><label for=\"w%zu\">", nf);
    ampel_buf_html(b, in->name);
    ampel_buf_printf(b, "</label><input type=\"number\" id=\"w%zu\" "
                        "name=\"w_", nf++);
    ampel_buf_html(b, in->key);
    ampel_buf_printf(b, "\" min=\"0\" step=\"any\" value=\"%s\"></div>\n", w);
  }
  ampel_buf_puts(b, "</div>\n</fieldset>\n");
}

static void num_field(ampel_buf *b, const char *name, const char *label,
                      double v, const char *attrs) {
  char s[48];
  ampel_format_double(v, s, sizeof s);
  ampel_buf_printf(b, "<div class=\"feld\"><label for=\"f-%s\">%s</label>"
                      "<input type=\"number\" id=\"f-%s\" name=\"%s\" "
                      "value=\"%s\" %s></div>\n",
                   name, label, name, name, s, attrs);
}

static void form(srv_req *q, ampel_buf *b, const bd_data *x) {
  ampel_buf_puts(b, "<form class=\"auswahl\" method=\"get\" action=\"/bedarf\""
                    " aria-label=\"Bedarfsrechner\">\n<div class=\"feld\">");
  page_select_level(q, b, x->t.frame.level);
  ampel_buf_puts(b, "</div>\n<div class=\"feld\">");
  page_select_period(q, b, "period", "Zeitraum", (long)x->t.frame.period, 0);
  ampel_buf_puts(b, "</div>\n");
  num_field(b, "budget", "Budget (€)", x->budget, "min=\"1\" step=\"1\"");
  num_field(b, "base_share", "Sockelanteil (0–1)", x->ain.base_share,
            "min=\"0\" max=\"1\" step=\"0.05\"");
  num_field(b, "levels", "Stufen", x->lv.k, "min=\"1\" max=\"50\" step=\"1\"");
  ampel_buf_printf(b, "<div class=\"feld\"><label for=\"f-need\">Bedarf nach"
                      "</label><select id=\"f-need\" name=\"need\"><option "
                      "value=\"level\"%s>Stufe</option><option value=\"score\""
                      "%s>Indexwert</option></select></div>\n",
                   x->need_score ? "" : " selected",
                   x->need_score ? " selected" : "");
  weights_fieldset(q, b, x);
  ampel_buf_puts(b, "<div class=\"feld\"><button type=\"submit\">Berechnen"
                    "</button></div>\n</form>\n");
}

void bd_share_query(ampel_buf *b, const bd_data *x, const srv_req *q) {
  ampel_buf u;
  ampel_buf_init(&u);
  ampel_buf_puts(&u, "/bedarf?level=");
  page_urlenc(&u, x->t.frame.level);
  ampel_buf_puts(&u, "&period=");
  page_urlenc(&u, srv_period_label(q->ds, x->t.frame.period));
  ampel_buf_puts(&u, "&indicators=");
  for (size_t i = 0; i < x->kl.n; i++) {
    char w[48];
    ampel_format_double(x->kl.weights[i], w, sizeof w);
    if (i)
      ampel_buf_puts(&u, "%2C");
    page_urlenc(&u, x->kl.keys[i]);
    ampel_buf_printf(&u, "%%3A%s", w);
  }
  char s[48];
  ampel_format_double(x->budget, s, sizeof s);
  ampel_buf_printf(&u, "&budget=%s", s);
  ampel_format_double(x->ain.base_share, s, sizeof s);
  ampel_buf_printf(&u, "&base_share=%s&levels=%d&need=%s", s, x->lv.k,
                   x->need_score ? "score" : "level");
  if (!u.failed)
    ampel_buf_html(b, u.data);
  ampel_buf_release(&u);
}

static void summary(srv_req *q, ampel_buf *b, const bd_data *x) {
  size_t n = x->t.frame.n_areas, top = 0;
  for (size_t i = 0; i < n; i++)
    top += x->t.result.level[i] == x->lv.k;
  char amount[64];
  ampel_format_de(x->budget, 0, amount, sizeof amount);
  ampel_buf_printf(b, "<p class=\"lead\">%zu von %zu Gebieten sind "
                      "eingestuft; %zu davon in der höchsten Stufe %d. Das "
                      "Budget von %s € geht zu ",
                   x->t.result.n_universe, n, top, x->lv.k, amount);
  page_num(b, 100 * (1 - x->ain.base_share), 0);
  ampel_buf_puts(b, " % nach Bedarf und zu ");
  page_num(b, 100 * x->ain.base_share, 0);
  ampel_buf_puts(b, " % als gleicher Sockel an die Gebiete.");
  for (size_t j = 0; j < x->t.frame.k; j++)
    if (x->t.frame.used_period[j] != x->t.frame.period) {
      ampel_buf_puts(b, " Für „");
      ampel_buf_html(b, x->t.frame.keys[j]);
      ampel_buf_puts(b, "“ gilt der letzte Stand ");
      ampel_buf_html(b, srv_period_label(q->ds, x->t.frame.used_period[j]));
      ampel_buf_puts(b, ".");
    }
  ampel_buf_puts(b, "</p>\n<p>Link zu diesem Ergebnis (zum Weitergeben): "
                    "<a href=\"");
  bd_share_query(b, x, q);
  ampel_buf_puts(b, "\">dieses Ergebnis</a></p>\n");
}

static void sens_cells(ampel_buf *b, const bd_data *x, size_t i) {
  if (!x->sens_ok || !x->sens.areas[i].base_rank) {
    ampel_buf_puts(b, "<td class=\"num\">–</td><td class=\"num\">–</td>");
    return;
  }
  const ampel_sensitivity_area *s = &x->sens.areas[i];
  ampel_buf_printf(b, "<td class=\"num\">%zu–%zu</td><td class=\"num\">",
                   s->min_rank, s->max_rank);
  page_num(b, 100 * s->top_level_share, 0);
  ampel_buf_puts(b, " %</td>");
}

static void table(srv_req *q, ampel_buf *b, const bd_data *x) {
  ampel_buf_puts(b, "<div class=\"scroll\" role=\"region\" tabindex=\"0\" "
                    "aria-labelledby=\"cap-bedarf\">\n<table class=\""
                    "sortierbar\">\n<caption id=\"cap-bedarf\">Ergebnis je "
                    "Gebiet (Rang 1 = höchster Bedarf)</caption>\n<thead><tr>"
                    "<th scope=\"col\">Gebiet</th><th scope=\"col\" "
                    "class=\"num\">Indexwert</th><th scope=\"col\" "
                    "class=\"num\">Rang</th><th scope=\"col\" class=\"num\">"
                    "Stufe</th><th scope=\"col\" class=\"num\">Betrag (€)</th>"
                    "<th scope=\"col\" class=\"num\">Anteil</th><th "
                    "scope=\"col\" class=\"num\">Rang bei anderen Gewichten"
                    "</th><th scope=\"col\" class=\"num\">in höchster Stufe"
                    "</th></tr></thead>\n<tbody>\n");
  for (size_t i = 0; i < x->t.frame.n_areas; i++) {
    ampel_buf_puts(b, "<tr><th scope=\"row\">");
    page_area_link(b, q->ds, x->t.frame.areas[i]);
    ampel_buf_puts(b, "</th><td class=\"num\">");
    int lvl = x->t.result.level[i];
    if (lvl > 0) {
      page_num(b, x->t.result.score[i], 2);
      ampel_buf_printf(b, "</td><td class=\"num\">%zu</td><td class=\"num\">"
                          "%d</td>", x->t.result.rank[i], lvl);
    } else {
      ampel_buf_html(b, ampel_out_label(x->t.frame.reason[i]));
      ampel_buf_puts(b, "</td><td class=\"num\">–</td><td class=\"num\">–"
                        "</td>");
    }
    if (x->used && x->used[i]) {
      const ampel_allocation_area *a = &x->res.areas[x->row[i]];
      ampel_buf_puts(b, "<td class=\"num\">");
      page_num(b, a->allocation, 0);
      ampel_buf_puts(b, "</td><td class=\"num\">");
      page_num(b, 100 * a->share, 1);
      ampel_buf_puts(b, " %</td>");
    } else {
      ampel_buf_puts(b, "<td class=\"num\">–</td><td class=\"num\">–</td>");
    }
    sens_cells(b, x, i);
    ampel_buf_puts(b, "</tr>\n");
  }
  ampel_buf_puts(b, "</tbody>\n</table>\n</div>\n");
}

static void chart(srv_req *q, ampel_buf *b, const bd_data *x) {
  ampel_allocation_view v = {0};
  v.n = x->t.frame.n_areas;
  v.keys = x->keys;
  v.names = x->names;
  v.used = x->used;
  v.row = x->row;
  v.result = &x->res;
  v.base_share = x->ain.base_share;
  v.amount_label = "€";
  v.title = "Verteilung nach Bedarf";
  v.note = "Sockel und Bedarfsanteil je Gebiet";
  v.need_header = x->need_score ? "Indexwert" : "Stufe";
  v.weight_header = "Gewicht";
  ampel_buf svg;
  ampel_buf_init(&svg);
  ampel_allocation_render_svg(&v, &svg);
  ampel_buf_puts(b, "<figure>\n");
  if (!svg.failed)
    page_svg(q, b, svg.data, svg.len);
  ampel_buf_puts(b, "<figcaption>Die Beträge stehen auch in der Tabelle."
                    "</figcaption>\n</figure>\n");
  ampel_buf_release(&svg);
}

static void tiles(srv_req *q, ampel_buf *b, const bd_data *x) {
  ampel_tilemap_view v = {0};
  v.n = x->t.frame.n_areas;
  v.areas = x->t.frame.areas;
  v.level = x->t.result.level;
  v.k = x->lv.k;
  v.title = "Bedarfsstufen";
  v.low_label = "geringster Bedarf";
  v.high_label = "höchster Bedarf";
  ampel_buf svg;
  ampel_buf_init(&svg);
  if (ampel_tilemap_render_svg(q->ds, &v, &svg, NULL) == AMPEL_OK &&
      !svg.failed) {
    ampel_buf_puts(b, "<figure>\n");
    page_svg(q, b, svg.data, svg.len);
    ampel_buf_puts(b, "<figcaption>Stufe je Gebiet (Zahl in jeder Kachel)."
                      "</figcaption>\n</figure>\n");
  }
  ampel_buf_release(&svg);
}

void bd_page(srv_req *q, srv_resp *r, const bd_data *x) {
  ampel_buf *b = &r->body;
  page_begin(q, r, "Bedarf", NAV_NEED);
  ampel_buf_puts(b, "<h1>Bedarf: was folgt für die Steuerung?</h1>\n<p "
                    "class=\"lead\">Ein Bedarfsindex fasst die gewählten "
                    "Kennzahlen je Gebiet zusammen (z-Werte, gewichtet; "
                    "höher = mehr Bedarf) und teilt die Gebiete in Stufen. "
                    "Der Rechner verteilt ein Budget danach – "
                    "<strong>bedarfsgerecht statt Gießkanne</strong>. Die "
                    "Spalte „Rang bei anderen Gewichten“ zeigt, wie sicher "
                    "ein Rang ist, wenn jedes Gewicht um bis zu 20 % "
                    "schwankt.</p>\n");
  form(q, b, x);
  summary(q, b, x);
  ampel_buf_puts(b, "<section aria-labelledby=\"h-erg\">\n<h2 id=\"h-erg\">"
                    "Ergebnis</h2>\n");
  table(q, b, x);
  ampel_buf_puts(b, "</section>\n<section "
                    "aria-labelledby=\"h-vert\">\n<h2 id=\"h-vert\">Verteilung"
                    "</h2>\n");
  chart(q, b, x);
  ampel_buf_puts(b, "</section>\n<section aria-labelledby=\"h-stufen\">\n<h2 "
                    "id=\"h-stufen\">Stufen auf der Karte</h2>\n");
  tiles(q, b, x);
  ampel_buf_puts(b, "</section>\n");
  page_end(q, r);
}
