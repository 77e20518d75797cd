/* h_bedarf.c - Bedarf `/bedarf`: need index (METHODS.md §5), needs-based
 * allocation (§6) and weight sensitivity: parse (the options of
 * /api/v1/allocation, plus the form's w_KEY weights) → ampel_analyse_
 * allocation → the page. The calculator form works without JavaScript. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ampel/alloc.h"
#include "ampel/analysis/need.h"
#include "ampel/select.h"
#include "ampel/svg.h"
#include "overview.h"
#include "server.h"

const ampel_opt_id srv_bedarf_ids[] = {SRV_ALLOCATION_OPTS, AMPEL_OPT_PAGE};
const size_t srv_n_bedarf_ids =
    sizeof srv_bedarf_ids / sizeof srv_bedarf_ids[0];

/* indicators=K:W,... from the form's w_KEY fields (0 or empty: unused). */
static void form_keys(const srv_req *q, ampel_buf *spec) {
  for (size_t i = 0; i < ampel_dataset_n_indicators(q->ds); i++) {
    const char *key = ampel_dataset_indicator(q->ds, i)->key;
    for (size_t p = 0; p < q->n_params; p++)
      if (strncmp(q->params[p].key, "w_", 2) == 0 &&
          strcmp(q->params[p].key + 2, key) == 0 && *q->params[p].val &&
          strcmp(q->params[p].val, "0") != 0)
        ampel_buf_printf(spec, "%s%s:%s", spec->len ? "," : "", key,
                         q->params[p].val);
  }
}

static double weight_of(const ampel_keylist *kl, const char *key) {
  for (size_t i = 0; i < kl->n; i++)
    if (strcmp(kl->keys[i], key) == 0)
      return kl->weights[i];
  return 0;
}

static void weights_fieldset(srv_req *q, ampel_buf *b,
                             const ampel_allocation_answer *a) {
  ampel_buf_puts(b, "<fieldset><legend>Kennzahlen und Gewichte (0 = nicht "
                    "verwendet)</legend>\n<div class=\"gewichte\">\n");
  size_t nf = 0;
  for (size_t i = 0; i < ampel_dataset_n_indicators(q->ds); i++) {
    const ampel_indicator *in = ampel_dataset_indicator(q->ds, i);
    size_t have = 0; /* offer what the level has (at any period) */
    for (size_t r = 0; r < a->n && !have; r++)
      for (size_t t = 0; t < ampel_dataset_n_periods(q->ds) && !have; t++)
        have += ampel_has_value(q->ds, a->areas[r], i, t);
    if (in->polarity == AMPEL_POL_NEUTRAL || !have)
      continue;
    char w[48];
    ampel_format_double(weight_of(&a->index.keys, in->key), w, sizeof w);
    ampel_buf_printf(b, "<div class=\"zeile\"><label for=\"w%zu\">", nf);
    ampel_buf_html(b, in->name);
    ampel_buf_printf(b,
                     "</label><input type=\"number\" id=\"w%zu\" "
                     "name=\"w_",
                     nf++);
    ampel_buf_html(b, in->key);
    ampel_buf_printf(b, "\" min=\"0\" step=\"any\" value=\"%s\"></div>\n", w);
  }
  ampel_buf_puts(b, "</div>\n</fieldset>\n");
}

static void num_field(ampel_buf *b, const char *name, const char *label,
                      double v, const char *attrs) {
  char s[48];
  ampel_format_double(v, s, sizeof s);
  ampel_buf_printf(b,
                   "<div class=\"feld\"><label for=\"f-%s\">%s</label>"
                   "<input type=\"number\" id=\"f-%s\" name=\"%s\" "
                   "value=\"%s\" %s></div>\n",
                   name, label, name, name, s, attrs);
}

static void form(srv_req *q, ampel_buf *b, const ampel_allocation_answer *a) {
  ampel_buf_puts(b, "<form class=\"auswahl\" method=\"get\" action=\"/bedarf\""
                    " aria-label=\"Bedarfsrechner\">\n<div class=\"feld\">");
  page_select_level(q, b, a->level);
  ampel_buf_puts(b, "</div>\n<div class=\"feld\">");
  page_select_period(q, b, "period", "Zeitraum", (long)a->period, 0);
  ampel_buf_puts(b, "</div>\n");
  num_field(b, "budget", "Budget (€)", a->result.budget,
            "min=\"1\" step=\"1\"");
  num_field(b, "base_share", "Sockelanteil (0–1)", a->base_share,
            "min=\"0\" max=\"1\" step=\"0.05\"");
  num_field(b, "levels", "Stufen", a->levels_k,
            "min=\"1\" max=\"1000\" step=\"1\"");
  num_field(b, "sensitivity", "Läufe mit anderen Gewichten",
            (double)a->index.sens_runs, "min=\"0\" max=\"100000\" step=\"1\"");
  ampel_buf_printf(b,
                   "<div class=\"feld\"><label for=\"f-need\">Bedarf nach"
                   "</label><select id=\"f-need\" name=\"need\"><option "
                   "value=\"level\"%s>Stufe</option><option value=\"score\""
                   "%s>Indexwert</option></select></div>\n",
                   a->need_score ? "" : " selected",
                   a->need_score ? " selected" : "");
  weights_fieldset(q, b, a);
  ampel_buf_puts(b, "<div class=\"feld\"><button type=\"submit\">Berechnen"
                    "</button></div>\n</form>\n");
}

/* The result's URL at `path` (/bedarf or /api/v1/allocation), HTML-escaped
 * for an href. */
static void share_link(ampel_buf *b, const ampel_allocation_answer *a,
                       const char *path) {
  ampel_buf u;
  ampel_buf_init(&u);
  ampel_buf_puts(&u, path);
  ampel_buf_puts(&u, "?level=");
  page_urlenc(&u, a->level);
  ampel_buf_puts(&u, "&period=");
  page_urlenc(&u, ampel_dataset_period(a->ds, a->period)->label);
  ampel_buf_puts(&u, "&indicators=");
  const ampel_keylist *kl = &a->index.keys;
  for (size_t i = 0; i < kl->n; i++) {
    char w[48];
    ampel_format_double(kl->weights[i], w, sizeof w);
    if (i)
      ampel_buf_puts(&u, "%2C");
    page_urlenc(&u, kl->keys[i]);
    ampel_buf_printf(&u, "%%3A%s", w);
  }
  char s[48], t[48];
  ampel_format_double(a->result.budget, s, sizeof s);
  ampel_format_double(a->base_share, t, sizeof t);
  ampel_buf_printf(&u,
                   "&budget=%s&base_share=%s&levels=%d&need=%s"
                   "&sensitivity=%zu",
                   s, t, a->levels_k, a->need_score ? "score" : "level",
                   a->index.sens_runs);
  if (!u.failed)
    ampel_buf_html(b, u.data);
  ampel_buf_release(&u);
}

/* Never silent: the areas without an amount, by reason, by name. */
static void out_note(ampel_buf *b, const ampel_allocation_answer *a,
                     ampel_out_reason r, size_t count) {
  if (!count)
    return;
  ampel_buf list;
  ampel_buf_init(&list);
  ampel_buf_printf(&list, "Ohne Betrag (%s): ", ampel_out_reason_de(r));
  ampel_need_out_list(a->areas, a->reason, a->n, r, a->ds, 30, 1, &list);
  ampel_buf_puts(&list, ". Das Budget geht an die übrigen Gebiete.");
  if (!list.failed)
    page_note(b, "hinweis", list.data);
  ampel_buf_release(&list);
}

static void summary(srv_req *q, ampel_buf *b,
                    const ampel_allocation_answer *a) {
  const ampel_index_answer *x = &a->index;
  char amount[64];
  ampel_format_de(a->result.budget, 0, amount, sizeof amount);
  ampel_buf_printf(b,
                   "<p class=\"lead\">%zu von %zu Gebieten sind "
                   "eingestuft; %zu davon in der höchsten Stufe %d. Das "
                   "Budget von %s € geht zu ",
                   x->n_rated, a->n, x->n_top, a->levels_k, amount);
  page_num(b, 100 * (1 - a->base_share), 0);
  ampel_buf_puts(b, " % nach Bedarf und zu ");
  page_num(b, 100 * a->base_share, 0);
  ampel_buf_puts(b, " % als gleicher Sockel an die Gebiete.");
  const ampel_need_frame *f = x->frame;
  for (size_t j = 0; j < f->k; j++)
    if (f->used_period[j] != f->period) {
      ampel_buf_puts(b, " Für „");
      ampel_buf_html(b, f->keys[j]);
      ampel_buf_puts(b, "“ gilt der letzte Stand ");
      ampel_buf_html(b, srv_period_label(q->ds, f->used_period[j]));
      ampel_buf_puts(b, ".");
    }
  ampel_buf_puts(b, "</p>\n");
  out_note(b, a, AMPEL_REASON_SMALL, a->n_small);
  out_note(b, a, AMPEL_REASON_INCOMPLETE, a->n_incomplete);
  out_note(b, a, AMPEL_REASON_NO_WEIGHT, a->n_no_weight);
  ampel_buf_puts(b, "<p>Link zu diesem Ergebnis (zum Weitergeben): <a "
                    "href=\"");
  share_link(b, a, "/bedarf");
  ampel_buf_puts(b, "\">dieses Ergebnis</a></p>\n");
}

static void sens_cells(ampel_buf *b, const ampel_index_answer *x, size_t i) {
  if (!x->sens_runs || !x->sens.areas[i].base_rank) {
    ampel_buf_puts(b, "<td class=\"num\">–</td><td class=\"num\">–</td>");
    return;
  }
  const ampel_sensitivity_area *s = &x->sens.areas[i];
  ampel_buf_printf(b, "<td class=\"num\">%zu–%zu</td><td class=\"num\">",
                   s->min_rank, s->max_rank);
  page_num(b, 100 * s->top_level_share, 0);
  ampel_buf_puts(b, " %</td>");
}

static void row(srv_req *q, ampel_buf *b, const ampel_allocation_answer *a,
                size_t i) {
  const ampel_need_result *r = &a->index.need.result;
  ampel_buf_puts(b, "<tr><th scope=\"row\">");
  page_area_link(b, q->ds, a->areas[i]);
  ampel_buf_puts(b, "</th><td class=\"num\">");
  if (r->level[i] > 0) {
    page_num(b, r->score[i], 2);
    ampel_buf_printf(b,
                     "</td><td class=\"num\">%zu</td><td class=\"num\">"
                     "%d</td>",
                     r->rank[i], r->level[i]);
  } else {
    ampel_buf_html(b, a->reason_de[i]);
    ampel_buf_puts(b, "</td><td class=\"num\">–</td><td class=\"num\">–"
                      "</td>");
  }
  if (a->used[i]) {
    const ampel_allocation_area *x = &a->result.areas[a->row[i]];
    ampel_buf_puts(b, "<td class=\"num\">");
    page_num(b, x->allocation, 0);
    ampel_buf_puts(b, "</td><td class=\"num\">");
    page_num(b, 100 * x->share, 1);
    ampel_buf_puts(b, " %</td>");
  } else {
    ampel_buf_puts(b, "<td class=\"num\">");
    ampel_buf_html(b, a->reason_de[i]);
    ampel_buf_puts(b, "</td><td class=\"num\">–</td>");
  }
  sens_cells(b, &a->index, i);
  ampel_buf_puts(b, "</tr>\n");
}

/* A row's place in the paged table: rated areas by rank (1 = highest
 * need), then the areas without a level, each in dataset order. */
typedef struct by_rank {
  size_t rank; /* SIZE_MAX: no level */
  size_t i;
} by_rank;

static int by_rank_cmp(const void *x, const void *y) {
  const by_rank *a = x, *b = y;
  if (a->rank != b->rank)
    return a->rank < b->rank ? -1 : 1;
  return a->i < b->i ? -1 : a->i > b->i;
}

/* The result table. Up to OV_MAX_ROWS areas: all, in dataset order, as
 * before. More (a Land's 10,000 Gemeinden): OV_MAX_ROWS rows per page
 * (seite=), highest need first, like the ranking of /kennzahl: a table of
 * thousands of rows is megabytes that nobody reads on screen, and the
 * areas that matter for steering are the first. Every area stays in
 * /api/v1/allocation and `ampel allocate`. */
static void table(srv_req *q, ampel_buf *b, const ampel_allocation_answer *a,
                  size_t page) {
  size_t n = a->n;
  ov_page pg = {1, 1, 0, n};
  by_rank *ord = NULL;
  if (n > OV_MAX_ROWS) {
    ord = ampel_calloc(n, sizeof *ord);
    if (!ord) {
      page_note(b, "warnung",
                "Die Tabelle braucht mehr Speicher als frei "
                "ist.");
      return;
    }
    const ampel_need_result *r = &a->index.need.result;
    for (size_t i = 0; i < n; i++) {
      ord[i].rank = r->level[i] > 0 ? r->rank[i] : SIZE_MAX;
      ord[i].i = i;
    }
    qsort(ord, n, sizeof *ord, by_rank_cmp);
    pg = ov_page_of(n, page);
    ampel_buf_printf(b,
                     "<p role=\"status\">Gebiete %zu–%zu von %zu, nach "
                     "Rang geordnet (Seite %zu von %zu). Alle Gebiete "
                     "auf einmal: <a href=\"",
                     pg.from + 1, pg.to, n, pg.page, pg.pages);
    share_link(b, a, "/api/v1/allocation");
    ampel_buf_puts(b, "\">dieses Ergebnis als JSON</a>.</p>\n");
  }
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
  for (size_t k = pg.from; k < pg.to; k++)
    row(q, b, a, ord ? ord[k].i : k);
  ampel_buf_puts(b, "</tbody>\n</table>\n</div>\n");
  ampel_free(ord);
  ov_pager(q, b, "/bedarf", &pg, "Ergebnistabelle", "#h-erg");
}

static void figure(srv_req *q, ampel_buf *b, const ampel_buf *svg,
                   const char *caption) {
  if (svg->failed || !svg->len)
    return;
  ampel_buf_puts(b, "<figure>\n");
  page_svg(q, b, svg->data, svg->len);
  ampel_buf_printf(b, "<figcaption>%s</figcaption>\n</figure>\n", caption);
}

static void pictures(srv_req *q, ampel_buf *b,
                     const ampel_allocation_answer *a) {
  ampel_buf svg;
  ampel_buf_init(&svg);
  ampel_buf_puts(b, "<section aria-labelledby=\"h-vert\">\n<h2 id=\"h-vert\">"
                    "Verteilung</h2>\n");
  if (a->n > OV_MAX_ROWS) {
    /* one bar per area: 11,000 areas drew a chart 240,000 pixels high and
     * 6 MB large; the paged table, highest need first, says the same */
    ampel_buf_printf(b,
                     "<p>Bei %zu Gebieten steht die Verteilung in der "
                     "Tabelle oben, nach Rang geordnet; das Balkendiagramm "
                     "zeigt bis zu %d Gebiete.</p>\n",
                     a->n, OV_MAX_ROWS);
  } else {
    ampel_allocation_answer_svg(a, &svg);
    figure(q, b, &svg, "Die Beträge stehen auch in der Tabelle.");
  }
  ampel_buf_release(&svg);
  ampel_buf_init(&svg);
  ampel_buf_puts(b, "</section>\n<section aria-labelledby=\"h-stufen\">\n<h2 "
                    "id=\"h-stufen\">Stufen auf der Karte</h2>\n");
  if (ampel_index_answer_svg(&a->index, &svg, NULL) == AMPEL_OK)
    figure(q, b, &svg, "Stufe je Gebiet.");
  ampel_buf_release(&svg);
  ampel_buf_puts(b, "</section>\n");
}

static void page(srv_req *q, srv_resp *r, const ampel_allocation_answer *a,
                 size_t seite) {
  ampel_buf *b = &r->body;
  page_begin(q, r, "Bedarf", NAV_NEED);
  ampel_buf_puts(b, "<h1>Bedarf: was folgt für die Steuerung?</h1>\n<p "
                    "class=\"lead\">Ein Bedarfsindex fasst die gewählten "
                    "Kennzahlen je Gebiet zusammen (z-Werte, gewichtet; "
                    "höher = mehr Bedarf) und teilt die Gebiete in Stufen. "
                    "Der Rechner verteilt ein Budget danach – "
                    "<strong>bedarfsgerecht statt Gießkanne</strong>. Die "
                    "Spalte „Rang bei anderen Gewichten“ zeigt bei Läufen "
                    "mit anderen Gewichten, wie sicher ein Rang ist, wenn "
                    "jedes Gewicht um bis zu 20 % schwankt.</p>\n");
  form(q, b, a);
  summary(q, b, a);
  ampel_buf_puts(b, "<section aria-labelledby=\"h-erg\">\n<h2 id=\"h-erg\">"
                    "Ergebnis</h2>\n");
  table(q, b, a, seite);
  ampel_buf_puts(b, "</section>\n");
  pictures(q, b, a);
  page_end(q, r);
}

static int show(srv_req *q, srv_resp *r, const ampel_query *qu,
                const void *answer) {
  page(q, r, answer, (size_t)ampel_query_num(qu, AMPEL_OPT_PAGE));
  return 0;
}

int h_bedarf(srv_req *q, srv_resp *r) {
  ampel_query qu;
  if (srv_query(q, r, srv_bedarf_ids, srv_n_bedarf_ids, &qu))
    return -1;
  ampel_buf spec; /* outlives qu, which borrows it */
  ampel_buf_init(&spec);
  int rc = 0;
  if (!ampel_query_text(&qu, AMPEL_OPT_NEED_INDICATORS)) {
    form_keys(q, &spec);
    char msg[512];
    if (spec.len &&
        ampel_query_set(&qu, ampel_opt_get(AMPEL_OPT_NEED_INDICATORS),
                        spec.data, msg, sizeof msg) != AMPEL_OK)
      rc = srv_error(q, r, 400, "indicators: %s", msg);
  }
  if (rc == 0)
    rc = srv_ask_query(q, r, &qu, &ampel_question_allocation, show);
  ampel_buf_release(&spec);
  return rc;
}
