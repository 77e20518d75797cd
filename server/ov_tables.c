/* ov_tables.c - the text parts of the Übersicht: the intro with counts,
 * the Ampel table as accessible HTML and the heatmap's values as a table
 * (the text alternative of the picture). */
#include <math.h>
#include <string.h>

#include "overview.h"

void ov_intro(ampel_buf *b, const ampel_overview_answer *o) {
  const size_t *n = o->lights.n_status, *t = o->n_trend;
  ampel_buf_puts(b, "<p class=\"lead\">Diese Seite beantwortet zwei Fragen: "
                    "<strong>Wo sollten wir genauer hinsehen?</strong> und "
                    "<strong>Welche Entwicklung ist positiv?</strong> Jedes "
                    "Gebiet wird je Kennzahl mit der Gesamtstadt verglichen: "
                    "<span class=\"st st-0\">● gut</span>, <span class=\"st "
                    "st-1\">◐ durchschnittlich</span> oder <span class=\"st "
                    "st-2\">▲ kritisch</span>; die Entwicklung zeigt, ob sich "
                    "ein Gebiet gegenüber der Gesamtstadt verbessert (↗) oder "
                    "verschlechtert (↘) hat.</p>\n");
  ampel_buf_puts(b, "<div class=\"kacheln\">\n");
  ampel_buf_printf(b,
                   "<div class=\"kachel\"><h2>Gebiete und Kennzahlen</h2>"
                   "<p><span class=\"zahl\">%zu</span> Gebiete × "
                   "<span class=\"zahl\">%zu</span> Kennzahlen</p></div>\n",
                   o->lights.lights.n_areas, o->lights.lights.n_cols);
  ampel_buf_printf(b,
                   "<div class=\"kachel\"><h2>Status</h2><p><span "
                   "class=\"st st-2\">▲ %zu kritisch</span> <span "
                   "class=\"st st-1\">◐ %zu durchschnittlich</span> <span "
                   "class=\"st st-0\">● %zu gut</span> <span class=\"st "
                   "st-3\">○ %zu ohne Bewertung</span></p></div>\n",
                   n[2], n[1], n[0], n[3]);
  ampel_buf_printf(b,
                   "<div class=\"kachel\"><h2>Entwicklung</h2><p><span "
                   "class=\"tr tr-0\">↗ %zu verbessert</span>, <span "
                   "class=\"tr tr-2\">↘ %zu verschlechtert</span>, %zu "
                   "stabil, %zu ohne früheren Wert</p></div>\n",
                   t[0], t[2], t[1], t[3]);
  ampel_buf_puts(b, "</div>\n");
}

void ov_cell(ampel_buf *b, const ampel_lights_cell *c) {
  ampel_buf_printf(
      b, "<span class=\"st st-%d%s\">%s %s%s</span>", (int)c->status,
      c->certain == AMPEL_CERTAIN_NO ? " unsicher" : "",
      page_status_symbol((int)c->status), page_status_label((int)c->status),
      c->certain == AMPEL_CERTAIN_NO ? " (unsicher)" : "");
  if (c->trend != AMPEL_TREND_NONE)
    ampel_buf_printf(b, " <span class=\"tr tr-%d\">%s %s</span>", (int)c->trend,
                     page_trend_symbol((int)c->trend),
                     page_trend_label((int)c->trend));
}

static void lights_head(ampel_buf *b, const ampel_lights_answer *a) {
  ampel_buf_puts(b, "<div class=\"scroll\" role=\"region\" tabindex=\"0\" "
                    "aria-labelledby=\"cap-ampel\">\n<table class=\"sortierbar"
                    "\">\n<caption id=\"cap-ampel\">Ampel je Gebiet und "
                    "Kennzahl (Wert, Status, Entwicklung); auffälligste "
                    "Gebiete zuerst</caption>\n<thead><tr><th scope=\"col\">"
                    "Gebiet</th><th scope=\"col\" class=\"num\">kritisch</th>");
  for (size_t j = 0; j < a->lights.n_cols; j++) {
    ampel_buf_puts(b, "<th scope=\"col\">");
    page_ind_link(b, a->ds, a->lights.cols[j].ind);
    ampel_buf_puts(b, "</th>");
  }
  ampel_buf_puts(b, "</tr></thead>\n<tbody>\n");
}

void ov_lights_table(ampel_buf *b, const ampel_lights_answer *a,
                     const size_t *rows, size_t n_rows) {
  const ampel_lights *l = &a->lights;
  lights_head(b, a);
  for (size_t i = 0; i < n_rows; i++) {
    size_t row = rows[i], crit = 0, worse = 0;
    ampel_lights_counts(l, row, &crit, &worse);
    ampel_buf_puts(b, "<tr><th scope=\"row\">");
    page_area_link(b, a->ds, l->area_ids[row]);
    if (a->reason[row] == AMPEL_REASON_SMALL) {
      ampel_buf_puts(b, " <span class=\"klein\">(");
      ampel_buf_html(b, ampel_out_reason_de(a->reason[row]));
      ampel_buf_puts(b, ")</span>");
    }
    ampel_buf_printf(b, "</th><td class=\"num\">%zu</td>", crit);
    for (size_t j = 0; j < l->n_cols; j++) {
      const ampel_lights_cell *c = ampel_lights_at(l, row, j);
      ampel_buf_printf(b, "<td data-wert=\"%d\">", 3 - (int)c->status);
      page_value(b, a->ds, l->area_ids[row], l->cols[j].ind, l->cols[j].period);
      ampel_buf_puts(b, "<br>");
      ov_cell(b, c);
      ampel_buf_puts(b, "</td>");
    }
    ampel_buf_puts(b, "</tr>\n");
  }
  ampel_buf_puts(b, "</tbody>\n<tfoot><tr><th scope=\"row\">Gesamtstadt "
                    "(Referenz)</th><td></td>");
  for (size_t j = 0; j < l->n_cols; j++) {
    const ampel_lights_col *c = &l->cols[j];
    ampel_buf_puts(b, "<td>");
    page_num(b, c->ref.value, ampel_dataset_indicator(a->ds, c->ind)->decimals);
    ampel_buf_puts(b, "<br><span class=\"klein\">");
    ampel_buf_html(b, ampel_ref_method_label_de(c->ref.method));
    ampel_buf_puts(b, "</span></td>");
  }
  ampel_buf_puts(b, "</tr></tfoot>\n</table>\n</div>\n");
}

void ov_heatmap_table(ampel_buf *b, const ampel_heatmap_answer *a) {
  const ampel_heatmap *h = &a->hm;
  ampel_buf_puts(b, "<details>\n<summary>Tabelle zur Heatmap (skalierte "
                    "Werte 0–1 und Originalwerte)</summary>\n<div "
                    "class=\"scroll\" role=\"region\" tabindex=\"0\" "
                    "aria-label=\"Tabelle zur Heatmap\">\n<table "
                    "class=\"sortierbar\">\n<thead><tr><th scope=\"col\">"
                    "Gebiet</th>");
  for (size_t c = 0; c < h->n_cols; c++) {
    ampel_buf_puts(b, "<th scope=\"col\">");
    page_ind_link(b, a->ds, h->ind_ids[h->col_order[c]]);
    ampel_buf_puts(b, "</th>");
  }
  ampel_buf_puts(b, "</tr></thead>\n<tbody>\n");
  for (size_t p = 0; p < h->n_rows; p++) {
    size_t row = h->row_order[p];
    ampel_buf_puts(b, "<tr><th scope=\"row\">");
    page_area_link(b, a->ds, h->area_ids[row]);
    ampel_buf_puts(b, "</th>");
    for (size_t c = 0; c < h->n_cols; c++) {
      size_t col = h->col_order[c];
      double s = h->scaled[row * h->n_cols + col];
      ampel_buf_puts(b, "<td class=\"num\">");
      page_num(b, s, 2);
      ampel_buf_puts(b, " <span class=\"klein\">(");
      page_value(b, a->ds, h->area_ids[row], h->ind_ids[col],
                 h->col_period[col]);
      ampel_buf_puts(b, ")</span></td>");
    }
    ampel_buf_puts(b, "</tr>\n");
  }
  ampel_buf_puts(b, "</tbody>\n</table>\n</div>\n</details>\n");
}
