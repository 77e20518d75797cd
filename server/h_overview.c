/* h_overview.c - Übersicht `/`: level and period form, the "Hinsehen"
 * list, positive developments, the clustered heatmap and the Ampel table:
 * parse (srv_query) → ampel_analyse_overview → the same renderers as
 * `ampel heatmap` and `ampel lights`. */
#include <string.h>

#include "ampel/alloc.h"
#include "overview.h"
#include "server.h"

/* The options of the overview `/` (docs, generated like the API's). */
const ampel_opt_id srv_overview_ids[] = {
    AMPEL_OPT_LEVEL,          AMPEL_OPT_PERIOD,  AMPEL_OPT_INDICATORS,
    AMPEL_OPT_SINCE,          AMPEL_OPT_BAND,    AMPEL_OPT_STATUS_METHOD,
    AMPEL_OPT_REFERENCE,      AMPEL_OPT_CLUSTER, AMPEL_OPT_LINKAGE,
    AMPEL_OPT_MIN_POPULATION, AMPEL_OPT_PALETTE, AMPEL_OPT_PAGE,
    AMPEL_OPT_SEARCH,         AMPEL_OPT_SORT,    AMPEL_OPT_GROUP};
const size_t srv_n_overview_ids =
    sizeof srv_overview_ids / sizeof srv_overview_ids[0];

double srv_overview_precompute(const srv_snapshot *s, const ampel_stop *stop) {
  ampel_query qu; /* what `/` asks without parameters (srv_query) */
  ampel_query_init(&qu, srv_overview_ids, srv_n_overview_ids);
  qu.stop = stop;
  return srv_precompute(s, &qu, &ampel_question_overview);
}

/* The GET form: level, period, comparison period. */
static void form(srv_req *q, ampel_buf *b, const ampel_overview_answer *o) {
  const ampel_selection *sel = &o->lights.sel;
  ampel_buf_puts(b, "<form class=\"auswahl\" method=\"get\" action=\"/\" "
                    "aria-label=\"Auswahl\">\n<div class=\"feld\">");
  page_select_level(q, b, sel->level);
  ampel_buf_puts(b, "</div>\n<div class=\"feld\">");
  page_select_period(q, b, "period", "Zeitraum", (long)sel->period, 0);
  ampel_buf_puts(b, "</div>\n<div class=\"feld\">");
  page_select_period(q, b, "since", "Entwicklung seit", o->since, 1);
  ampel_buf_puts(b, "</div>\n<div class=\"feld\"><button type=\"submit\">"
                    "Anzeigen</button></div>\n</form>\n");
}

/* "Wo genauer hinsehen?": ranked rows with critical or worse lights. */
static void hinsehen(srv_req *q, ampel_buf *b, const ampel_overview_answer *o) {
  ampel_buf_puts(b, "<section aria-labelledby=\"h-hinsehen\">\n<h2 "
                    "id=\"h-hinsehen\">Wo sollten wir genauer hinsehen?</h2>\n"
                    "<p>Gebiete mit kritischem Status (deutlich ungünstiger "
                    "als die Gesamtstadt) oder verschlechterter Entwicklung, "
                    "die auffälligsten zuerst:</p>\n<ol class=\"hinsehen\">\n");
  const ampel_lights *l = &o->lights.lights;
  ampel_buf line;
  ampel_buf_init(&line);
  for (size_t i = 0; i < o->n_watch; i++) {
    size_t row = o->watch[i];
    line.len = 0;
    ampel_lights_hinsehen_line(l, q->ds, row, &line);
    if (line.failed)
      continue;
    ampel_buf_puts(b, "<li>");
    page_area_link(b, q->ds, l->area_ids[row]);
    const char *colon = strchr(line.data, ':');
    ampel_buf_html(b, colon ? colon : line.data);
    ampel_buf_puts(b, "</li>\n");
  }
  ampel_buf_release(&line);
  if (!o->n_watch)
    ampel_buf_puts(b, "<li>Kein Gebiet ist auffällig.</li>\n");
  ampel_buf_puts(b, "</ol>\n</section>\n");
}

/* "Welche Entwicklung ist positiv?": counts of better trends. */
static void positiv(srv_req *q, ampel_buf *b, const ampel_overview_answer *o) {
  const ampel_lights *l = &o->lights.lights;
  ampel_buf_puts(b, "<section aria-labelledby=\"h-positiv\">\n<h2 "
                    "id=\"h-positiv\">Welche Entwicklung ist positiv?</h2>\n");
  if (!o->any_trend) {
    ampel_buf_puts(b, "<p>Für diesen Zeitraum gibt es noch keinen früheren "
                      "Zeitraum mit Werten; Entwicklungen erscheinen, sobald "
                      "ein weiterer Datenstand eingelesen ist. Bis dahin "
                      "zeigen die Gebiete mit Status <span class=\"st st-0\">"
                      "● gut</span>, wo die Lage günstiger ist als in der "
                      "Gesamtstadt.</p>\n</section>\n");
    return;
  }
  /* every positive development, strongest first (ampel_lights_positive);
   * the first ones in the list, the rest folded but complete */
  ampel_positive *p = NULL;
  size_t n = 0;
  if (ampel_lights_positive(&o->lights, &p, &n) != AMPEL_OK) {
    page_note(b, "warnung", "Die Liste braucht mehr Speicher als frei ist.");
    ampel_buf_puts(b, "</section>\n");
    return;
  }
  if (n == 0)
    ampel_buf_puts(b, "<p>Keine Kennzahl hat sich in einem Gebiet im "
                      "Vergleich zur Gesamtstadt deutlich verbessert.</p>\n");
  else
    ampel_buf_printf(b,
                     "<p>%zu positive Entwicklung%s (Entwicklung besser "
                     "als die der Gesamtstadt), die stärkste zuerst:</p>\n",
                     n, n == 1 ? "" : "en");
  /* many areas: at most OV_MAX_ROWS listed; the rest are in the Ampel */
  size_t listed = n > OV_MAX_ROWS ? OV_MAX_ROWS : n;
  for (size_t i = 0; i < listed; i++) {
    if (i == 0)
      ampel_buf_puts(b, "<ol class=\"liste\">\n");
    if (i == AMPEL_OVERVIEW_BETTER_MAX)
      ampel_buf_printf(b,
                       "</ol>\n<details><summary>… und %zu weitere"
                       "</summary>\n<ol class=\"liste\" start=\"%d\">\n",
                       n - i, (int)i + 1);
    const ampel_lights_col *c = &l->cols[p[i].col];
    const ampel_lights_cell *e = ampel_lights_at(l, p[i].row, p[i].col);
    const ampel_indicator *in = ampel_dataset_indicator(q->ds, c->ind);
    ampel_buf_puts(b, "<li>");
    page_area_link(b, q->ds, l->area_ids[p[i].row]);
    ampel_buf_puts(b, ": ");
    page_ind_link(b, q->ds, c->ind);
    ampel_buf_puts(b, " ");
    ampel_buf_html(b, srv_period_label(q->ds, (size_t)c->since));
    ampel_buf_puts(b, " → ");
    ampel_buf_html(b, srv_period_label(q->ds, c->period));
    ampel_buf_puts(b, e->change > 0 ? ": +" : ": ");
    page_num(b, e->change, in->decimals);
    ampel_buf_puts(b, e->change > 0 ? " (gestiegen)" : " (gesunken)");
    ampel_buf_puts(b, "</li>\n");
  }
  if (listed < n)
    ampel_buf_printf(b,
                     "</ol>\n<p>… und %zu weitere; alle zeigt die "
                     "Ampel-Tabelle (Spalte Entwicklung ↗) und <code>ampel "
                     "lights --entwicklung</code>.</p>\n</details>\n",
                     n - listed);
  else if (n > AMPEL_OVERVIEW_BETTER_MAX)
    ampel_buf_puts(b, "</ol>\n</details>\n");
  else if (n > 0)
    ampel_buf_puts(b, "</ol>\n");
  ampel_free(p);
  ampel_buf_puts(b, "</section>\n");
}

static void heatmap(srv_req *q, ampel_buf *b, const ampel_overview_answer *o,
                    const ampel_palette *pal, const ampel_query *qu) {
  const ampel_heatmap_answer *h = &o->heatmap;
  ampel_buf_puts(b, "<section aria-labelledby=\"h-heatmap\">\n<h2 "
                    "id=\"h-heatmap\">Heatmap: ähnliche Gebiete und "
                    "Kennzahlen nebeneinander</h2>\n");
  if (!o->heatmap_ok) {
    page_note(b, "warnung", o->heatmap_why);
    ampel_buf_puts(b, "</section>\n");
    return;
  }
  if (h->hm.n_rows > OV_MAX_ROWS) { /* many areas: groups, no picture */
    ov_heatmap_groups(q, b, h, qu);
    ampel_buf_puts(b, "</section>\n");
    return;
  }
  ampel_buf svg;
  ampel_buf_init(&svg);
  ampel_heatmap_render_opts ro = {pal, *h->footer ? h->footer : NULL,
                                  h->reason_de};
  ampel_heatmap_write_svg(&h->hm, h->ds, &ro, &svg);
  ampel_buf_puts(b, "<figure>\n");
  if (!svg.failed)
    page_svg(q, b, svg.data, svg.len);
  ampel_buf_release(&svg);
  ampel_buf_puts(b,
                 "<figcaption>Jede Kennzahl ist auf 0 (ungünstigster "
                 "Wert) bis 1 (günstigster Wert) skaliert; dunkle Felder "
                 "sind ungünstig, helle günstig. Gebiete und Kennzahlen "
                 "mit ähnlichem Muster stehen nebeneinander (Clusterung). "
                 "Die Werte stehen auch in der Tabelle darunter.</figcaption>"
                 "\n</figure>\n");
  ov_heatmap_table(b, h);
  ampel_buf_puts(b, "</section>\n");
}

static void lights(srv_req *q, ampel_buf *b, const ampel_lights_answer *a,
                   const ampel_palette *pal, const ampel_query *qu) {
  ampel_buf_puts(b, "<section aria-labelledby=\"h-ampel\">\n<h2 "
                    "id=\"h-ampel\">Ampel: Status und Entwicklung je "
                    "Gebiet</h2>\n");
  ov_lights_paged(q, b, a, qu);
  if (a->lights.n_areas > OV_MAX_ROWS) {
    ampel_buf_puts(b,
                   "<p class=\"klein\">Bei mehr als 200 Gebieten ist die "
                   "Ampel nicht als Bild eingebettet; als Bild: <code>ampel "
                   "lights -o ampel.pdf</code>, als Tabelle: die Excel-Mappe "
                   "oder <a href=\"/api/v1/lights\">/api/v1/lights</a>."
                   "</p>\n</section>\n");
    return;
  }
  ampel_buf svg;
  ampel_buf_init(&svg);
  ampel_lights_render_opts ro = {pal, *a->footer ? a->footer : NULL, a->order};
  ampel_lights_write_svg(&a->lights, a->ds, &ro, &svg);
  ampel_buf_puts(b, "<details>\n<summary>Ampel als Bild (zum Drucken und "
                    "Weitergeben)</summary>\n<figure>\n");
  if (!svg.failed)
    page_svg(q, b, svg.data, svg.len);
  ampel_buf_release(&svg);
  ampel_buf_puts(b, "<figcaption>Dieselben Angaben wie in der Tabelle oben."
                    "</figcaption>\n</figure>\n</details>\n</section>\n");
}

/* Links to every value of the database (the same as on /methoden). */
static void downloads(ampel_buf *b) {
  ampel_buf_puts(
      b, "<section aria-labelledby=\"h-downloads\">\n<h2 "
         "id=\"h-downloads\">Downloads</h2>\n<ul>\n<li><a "
         "href=\"/download/werte-excel.csv\" download>Alle Werte für Excel "
         "(.csv)</a>: Semikolon, Dezimalkomma, UTF-8 mit BOM – öffnet sich "
         "in deutschem Excel mit Spalten</li>\n<li><a "
         "href=\"/download/werte.csv\" download>Alle Werte als CSV für "
         "Programme</a> (Komma, Dezimalpunkt)</li>\n</ul>\n</section>\n");
}

static int show(srv_req *q, srv_resp *r, const ampel_query *qu,
                const void *answer) {
  const ampel_overview_answer *o = answer;
  const ampel_palette *pal =
      ampel_palette_find(ampel_query_text(qu, AMPEL_OPT_PALETTE));
  ampel_buf *b = &r->body;
  page_begin(q, r, "Übersicht", NAV_OVERVIEW);
  ampel_buf_puts(b, "<h1>Übersicht: ");
  ampel_buf_html(b, o->lights.sel.level);
  ampel_buf_puts(b, ", ");
  ampel_buf_html(b, srv_period_label(q->ds, o->lights.sel.period));
  ampel_buf_puts(b, "</h1>\n");
  ov_intro(b, o);
  form(q, b, o);
  hinsehen(q, b, o);
  positiv(q, b, o);
  lights(q, b, &o->lights, pal, qu);
  heatmap(q, b, o, pal, qu);
  downloads(b);
  page_end(q, r);
  return 0;
}

int h_overview(srv_req *q, srv_resp *r) {
  return srv_ask(q, r, srv_overview_ids, srv_n_overview_ids,
                 &ampel_question_overview, show);
}
