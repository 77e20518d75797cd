/* h_index.c - Übersicht `/`: level and period form, the "Hinsehen" list,
 * positive developments, the clustered heatmap and the Ampel table (the
 * same renderers as `ampel heatmap` and `ampel lights`). */
#include <math.h>
#include <string.h>

#include "ampel/alloc.h"
#include "ampel/heatmap.h"
#include "ampel/lights.h"
#include "ampel/select.h"
#include "overview.h"
#include "server.h"

void ov_release(ov_data *o) {
  ampel_heatmap_release(&o->hm);
  ampel_lights_release(&o->li);
  ampel_selection_release(&o->sel);
  ampel_free(o->keys);
  ampel_free(o->keys_copy);
  ampel_free(o->order);
  ampel_diags_release(&o->hm_diags);
  memset(o, 0, sizeof *o);
}

/* Reads the CLI's options of `heatmap` and `lights` from the query. */
static int ov_params(srv_req *q, srv_resp *r, ov_data *o) {
  static const char *const cluster[] = {"both", "areas", "indicators",
                                        "none", NULL};
  static const char *const linkage[] = {"complete", "average", "single",
                                        "ward", NULL};
  static const char *const method[] = {"z", "relative", NULL};
  static const char *const ref[] = {"root", "mean", NULL};
  int c = 0, k = 0, m = 0, rf = 0;
  o->period = -1;
  o->since = -1;
  o->band = NAN;
  if (srv_p_level(q, r, &o->level) || srv_p_period(q, r, "period", &o->period) ||
      srv_p_period(q, r, "since", &o->since) ||
      srv_p_double(q, r, "band", 1e-9, 1e9, &o->band) ||
      srv_p_enum(q, r, "cluster", cluster, &c) ||
      srv_p_enum(q, r, "linkage", linkage, &k) ||
      srv_p_enum(q, r, "status_method", method, &m) ||
      srv_p_enum(q, r, "reference", ref, &rf) ||
      srv_p_keys(q, r, "indicators", &o->keys, &o->n_keys, &o->keys_copy))
    return -1;
  const char *pal = srv_get(q, "palette");
  o->palette = ampel_palette_find(pal && *pal ? pal : "standard");
  if (!o->palette)
    return srv_error(q, r, 400, "palette: erwartet %s; gefunden: '%s'.",
                     ampel_palette_names(), pal);
  ampel_heatmap_opts_init(&o->hm_opts);
  o->hm_opts.cluster = (ampel_heatmap_cluster)c;
  o->hm_opts.linkage = (ampel_linkage)k;
  o->hm_opts.force_mean = rf == 1;
  ampel_lights_opts_init(&o->li_opts);
  o->li_opts.method = (ampel_status_method)m;
  o->li_opts.band = o->band;
  o->li_opts.since = o->since;
  o->li_opts.force_mean = rf == 1;
  return 0;
}

int ov_compute(srv_req *q, srv_resp *r, ov_data *o, int want_heatmap) {
  memset(o, 0, sizeof *o);
  ampel_diags_init(&o->hm_diags, 0);
  if (ov_params(q, r, o))
    return -1;
  ampel_diags d;
  ampel_diags_init(&d, 0);
  const char *plabel =
      o->period >= 0 ? srv_period_label(q->ds, (size_t)o->period) : NULL;
  ampel_status st = ampel_select(q->ds, o->level, plabel,
                                 (const char *const *)o->keys, o->n_keys,
                                 &o->sel, &d);
  if (st == AMPEL_OK && o->since >= 0 &&
      (size_t)o->since >= o->sel.period) {
    ampel_diags_release(&d);
    return srv_error(q, r, 400, "since: der Vergleichszeitraum muss vor dem "
                                "Zeitraum liegen.");
  }
  if (st == AMPEL_OK)
    st = ampel_lights_compute(q->ds, &o->sel, &o->li_opts, &o->li, &d);
  if (st == AMPEL_OK) {
    o->order = ampel_calloc(o->li.n_areas + 1, sizeof *o->order);
    st = o->order ? ampel_lights_rank(&o->li, o->order) : AMPEL_E_NOMEM;
  }
  if (st != AMPEL_OK) {
    int rc = srv_error_diags(q, r, st, &d, "Auswahl nicht möglich.");
    ampel_diags_release(&d);
    return rc;
  }
  ampel_diags_release(&d);
  if (want_heatmap)
    o->hm_ok = ampel_heatmap_compute(q->ds, &o->sel, &o->hm_opts, &o->hm,
                                     &o->hm_diags) == AMPEL_OK;
  return 0;
}

/* The GET form: level, period, comparison period. */
static void form(srv_req *q, ampel_buf *b, const ov_data *o) {
  ampel_buf_puts(b, "<form class=\"auswahl\" method=\"get\" action=\"/\" "
                    "aria-label=\"Auswahl\">\n<div class=\"feld\">");
  page_select_level(q, b, o->sel.level);
  ampel_buf_puts(b, "</div>\n<div class=\"feld\">");
  page_select_period(q, b, "period", "Zeitraum", (long)o->sel.period, 0);
  ampel_buf_puts(b, "</div>\n<div class=\"feld\">");
  page_select_period(q, b, "since", "Entwicklung seit", o->since, 1);
  ampel_buf_puts(b, "</div>\n<div class=\"feld\"><button type=\"submit\">"
                    "Anzeigen</button></div>\n</form>\n");
}

/* "Wo genauer hinsehen?": ranked rows with critical or worse lights. */
static void hinsehen(srv_req *q, ampel_buf *b, const ov_data *o) {
  ampel_buf_puts(b, "<section aria-labelledby=\"h-hinsehen\">\n<h2 "
                    "id=\"h-hinsehen\">Wo sollten wir genauer hinsehen?</h2>\n"
                    "<p>Gebiete mit kritischem Status (deutlich ungünstiger "
                    "als die Gesamtstadt) oder verschlechterter Entwicklung, "
                    "die auffälligsten zuerst:</p>\n<ol class=\"hinsehen\">\n");
  size_t shown = 0;
  ampel_buf line;
  ampel_buf_init(&line);
  for (size_t i = 0; i < o->li.n_areas && shown < 10; i++) {
    size_t row = o->order[i];
    line.len = 0;
    ampel_lights_hinsehen_line(&o->li, q->ds, row, &line);
    if (!line.len || line.failed)
      continue;
    ampel_buf_puts(b, "<li>");
    page_area_link(b, q->ds, o->li.area_ids[row]);
    const char *colon = strchr(line.data, ':');
    ampel_buf_html(b, colon ? colon : line.data);
    ampel_buf_puts(b, "</li>\n");
    shown++;
  }
  ampel_buf_release(&line);
  if (!shown)
    ampel_buf_puts(b, "<li>Kein Gebiet ist auffällig.</li>\n");
  ampel_buf_puts(b, "</ol>\n</section>\n");
}

/* "Welche Entwicklung ist positiv?": counts of better trends. */
static void positiv(srv_req *q, ampel_buf *b, const ov_data *o) {
  ampel_buf_puts(b, "<section aria-labelledby=\"h-positiv\">\n<h2 "
                    "id=\"h-positiv\">Welche Entwicklung ist positiv?</h2>\n");
  size_t any_trend = 0, shown = 0;
  for (size_t j = 0; j < o->li.n_cols; j++)
    any_trend += o->li.cols[j].since >= 0;
  if (!any_trend) {
    ampel_buf_puts(b, "<p>Für diesen Zeitraum gibt es noch keinen früheren "
                      "Zeitraum mit Werten; Entwicklungen erscheinen, sobald "
                      "ein weiterer Datenstand eingelesen ist. Bis dahin "
                      "zeigen die Gebiete mit Status <span class=\"st st-0\">"
                      "● gut</span>, wo die Lage günstiger ist als in der "
                      "Gesamtstadt.</p>\n</section>\n");
    return;
  }
  ampel_buf_puts(b, "<ul class=\"liste\">\n");
  for (size_t i = o->li.n_areas; i-- > 0;) {
    size_t row = o->order[i], better = 0;
    for (size_t j = 0; j < o->li.n_cols; j++)
      better += ampel_lights_at(&o->li, row, j)->trend == AMPEL_TREND_BETTER;
    if (!better || shown >= 8)
      continue;
    ampel_buf_puts(b, "<li>");
    page_area_link(b, q->ds, o->li.area_ids[row]);
    ampel_buf_printf(b, ": %zu Kennzahl%s verbessert (", better,
                     better == 1 ? "" : "en");
    for (size_t j = 0, k = 0; j < o->li.n_cols; j++)
      if (ampel_lights_at(&o->li, row, j)->trend == AMPEL_TREND_BETTER) {
        ampel_buf_puts(b, k++ ? ", " : "");
        ampel_buf_html(b, ampel_dataset_indicator(q->ds,
                                                  o->li.cols[j].ind)->name);
      }
    ampel_buf_puts(b, ")</li>\n");
    shown++;
  }
  if (!shown)
    ampel_buf_puts(b, "<li>Kein Gebiet hat sich im Vergleich zur "
                      "Gesamtstadt deutlich verbessert.</li>\n");
  ampel_buf_puts(b, "</ul>\n</section>\n");
}

static void heatmap(srv_req *q, ampel_buf *b, const ov_data *o) {
  ampel_buf_puts(b, "<section aria-labelledby=\"h-heatmap\">\n<h2 "
                    "id=\"h-heatmap\">Heatmap: ähnliche Gebiete und "
                    "Kennzahlen nebeneinander</h2>\n");
  if (!o->hm_ok) {
    const char *msg = o->hm_diags.n ? o->hm_diags.items[0].message
                                    : "Heatmap nicht möglich.";
    page_note(b, "warnung", msg);
    ampel_buf_puts(b, "</section>\n");
    return;
  }
  ampel_buf svg;
  ampel_buf_init(&svg);
  ampel_heatmap_render_opts ro = {o->palette,
                                  q->snap->stamp[0] ? q->snap->stamp : NULL};
  ampel_heatmap_write_svg(&o->hm, q->ds, &ro, &svg);
  ampel_buf_puts(b, "<figure>\n");
  if (!svg.failed)
    page_svg(q, b, svg.data, svg.len);
  ampel_buf_release(&svg);
  ampel_buf_puts(b, "<figcaption>Jede Kennzahl ist auf 0 (ungünstigster "
                    "Wert) bis 1 (günstigster Wert) skaliert; dunkle Felder "
                    "sind ungünstig, helle günstig. Gebiete und Kennzahlen "
                    "mit ähnlichem Muster stehen nebeneinander (Clusterung). "
                    "Die Werte stehen auch in der Tabelle darunter.</figcaption>"
                    "\n</figure>\n");
  ov_heatmap_table(q, b, o);
  ampel_buf_puts(b, "</section>\n");
}

static void lights(srv_req *q, ampel_buf *b, const ov_data *o) {
  ampel_buf_puts(b, "<section aria-labelledby=\"h-ampel\">\n<h2 "
                    "id=\"h-ampel\">Ampel: Status und Entwicklung je "
                    "Gebiet</h2>\n");
  ov_lights_table(q, b, o);
  ampel_buf svg;
  ampel_buf_init(&svg);
  ampel_lights_render_opts ro = {
      o->palette, q->snap->stamp[0] ? q->snap->stamp : NULL, o->order};
  ampel_lights_write_svg(&o->li, q->ds, &ro, &svg);
  ampel_buf_puts(b, "<details>\n<summary>Ampel als Bild (zum Drucken und "
                    "Weitergeben)</summary>\n<figure>\n");
  if (!svg.failed)
    page_svg(q, b, svg.data, svg.len);
  ampel_buf_release(&svg);
  ampel_buf_puts(b, "<figcaption>Dieselben Angaben wie in der Tabelle oben."
                    "</figcaption>\n</figure>\n</details>\n</section>\n");
}

int h_index(srv_req *q, srv_resp *r) {
  ov_data o;
  if (ov_compute(q, r, &o, 1)) {
    ov_release(&o);
    return -1;
  }
  ampel_buf *b = &r->body;
  page_begin(q, r, "Übersicht", NAV_OVERVIEW);
  ampel_buf_puts(b, "<h1>Übersicht: ");
  ampel_buf_html(b, o.sel.level);
  ampel_buf_puts(b, ", ");
  ampel_buf_html(b, srv_period_label(q->ds, o.sel.period));
  ampel_buf_puts(b, "</h1>\n");
  ov_intro(q, b, &o);
  form(q, b, &o);
  hinsehen(q, b, &o);
  positiv(q, b, &o);
  lights(q, b, &o);
  heatmap(q, b, &o);
  page_end(q, r);
  ov_release(&o);
  return 0;
}
