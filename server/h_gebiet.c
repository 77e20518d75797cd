/* h_gebiet.c - Gebiet `/gebiet/KEY`: the Stadtteilprofil. Every indicator
 * of the area's level with value, reference, rank, status, trend and a
 * sparkline over all periods; a generated summary; the area on the map;
 * an A4 print layout (CSS). `/gebiet/` lists all areas. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ampel/alloc.h"
#include "ampel/analysis/profile.h"
#include "ampel/chart.h"
#include "ampel/need.h"
#include "maps.h"
#include "overview.h"
#include "server.h"

/* The options of /gebiet/KEY (docs/api.md, generated). */
const ampel_opt_id srv_gebiet_ids[] = {AMPEL_OPT_PERIOD, AMPEL_OPT_SINCE,
                                       AMPEL_OPT_MIN_POPULATION};
const size_t srv_n_gebiet_ids =
    sizeof srv_gebiet_ids / sizeof srv_gebiet_ids[0];

typedef struct profile {
  size_t area;
  const ampel_area *a;
  long period, since; /* as asked (-1: default) */
  ampel_profile_answer x;
  const ampel_lights *li;     /* = &x.lights.lights */
  const ampel_selection *sel; /* = &x.lights.sel */
} profile;

static int h_area_list(srv_req *q, srv_resp *r) {
  ampel_buf *b = &r->body;
  page_begin(q, r, "Gebiete", NAV_AREA);
  ampel_buf_puts(b, "<h1>Gebiete</h1>\n<p class=\"lead\">Wählen Sie ein "
                    "Gebiet für sein Profil: alle Kennzahlen im Vergleich "
                    "mit der Gesamtstadt, Rang, Ampel und Verlauf.</p>\n");
  size_t nl = 0;
  const char **lv = ampel_dataset_levels(q->ds, &nl);
  for (size_t l = 0; lv && l < nl; l++) {
    ampel_buf_puts(b, "<section>\n<h2>");
    ampel_buf_html(b, lv[l]);
    ampel_buf_puts(b, "</h2>\n<ul class=\"spalten\">\n");
    for (size_t i = 0; i < ampel_dataset_n_areas(q->ds); i++) {
      const ampel_area *a = ampel_dataset_area(q->ds, i);
      if (!a->level || strcmp(a->level, lv[l]) != 0)
        continue;
      ampel_buf_puts(b, "<li>");
      page_area_link(b, q->ds, i);
      ampel_buf_puts(b, "</li>\n");
    }
    ampel_buf_puts(b, "</ul>\n</section>\n");
  }
  ampel_free(lv);
  page_end(q, r);
  return 0;
}

/* "4 von 4 Kennzahlen kritisch (…); verschlechtert: …; günstig: …". */
static void list_names(srv_req *q, ampel_buf *b, const profile *p, int status,
                       int trend) {
  size_t k = 0;
  for (size_t j = 0; j < p->li->n_cols; j++) {
    const ampel_lights_cell *c = p->x.rows[j].cell;
    if ((status >= 0 && (int)c->status != status) ||
        (trend >= 0 && (int)c->trend != trend))
      continue;
    ampel_buf_puts(b, k++ ? ", " : "");
    ampel_buf_html(b, ampel_dataset_indicator(q->ds, p->li->cols[j].ind)->name);
  }
  if (!k)
    ampel_buf_puts(b, "keine");
}

static void summary(srv_req *q, ampel_buf *b, const profile *p) {
  size_t crit = p->x.n_critical, good = p->x.n_good;
  ampel_buf_printf(b,
                   "<p class=\"lead\"><strong>%zu von %zu Kennzahlen "
                   "kritisch</strong>",
                   crit, p->x.n_rows);
  if (crit) {
    ampel_buf_puts(b, " (");
    list_names(q, b, p, AMPEL_LIGHT_CRITICAL, -1);
    ampel_buf_puts(b, ")");
  }
  ampel_buf_printf(b, "; %zu günstiger als die Gesamtstadt", good);
  if (good) {
    ampel_buf_puts(b, " (");
    list_names(q, b, p, AMPEL_LIGHT_GOOD, -1);
    ampel_buf_puts(b, ")");
  }
  ampel_buf_puts(b, "; verschlechtert: ");
  list_names(q, b, p, -1, AMPEL_TREND_WORSE);
  ampel_buf_puts(b, "; verbessert: ");
  list_names(q, b, p, -1, AMPEL_TREND_BETTER);
  char st[96];
  int differs = ampel_lights_periods_differ(p->li);
  ampel_buf_puts(b, differs ? ". Vergleich mit der Gesamtstadt, "
                            : ". Vergleich mit der Gesamtstadt im Zeitraum ");
  ampel_buf_html(
      b, ampel_stand_label_de(q->ds, p->li->period, differs, st, sizeof st));
  ampel_buf_puts(b, ".</p>\n");
  if (p->x.reason == AMPEL_REASON_SMALL) {
    char note[200];
    snprintf(note, sizeof note,
             "Dieses Gebiet hat zu wenige Einwohner: "
             "es wird gezeigt, aber %s.",
             "nicht bewertet (" AMPEL_DE_NOT_RATED ")");
    page_note(b, "hinweis", note);
  }
}

/* Sparkline of the area's values over all periods against the root. */
static void spark(srv_req *q, ampel_buf *b, const profile *p, size_t ind) {
  size_t np = ampel_dataset_n_periods(q->ds);
  double *y = ampel_calloc(2 * np + 2, sizeof *y);
  if (!y)
    return;
  double *ref = y + np;
  ampel_buf title;
  ampel_buf_init(&title);
  ampel_buf_puts(&title, "Verlauf: ");
  for (size_t t = 0; t < np; t++) {
    ampel_cell_ref c = ampel_dataset_get(q->ds, p->area, ind, t);
    y[t] = ampel_flag_has_value(c.flag) ? c.value : NAN;
    ref[t] = NAN;
    if (p->sel->root >= 0) {
      ampel_cell_ref rc =
          ampel_dataset_get(q->ds, (size_t)p->sel->root, ind, t);
      ref[t] = ampel_flag_has_value(rc.flag) ? rc.value : NAN;
    }
    char v[48];
    ampel_format_de(y[t], ampel_dataset_indicator(q->ds, ind)->decimals, v,
                    sizeof v);
    ampel_buf_printf(&title, "%s%s %s", t ? "; " : "",
                     srv_period_label(q->ds, t), v);
  }
  ampel_buf svg;
  ampel_buf_init(&svg);
  if (!title.failed &&
      ampel_sparkline(y, p->sel->root >= 0 ? ref : NULL, np, 120, 32,
                      title.data, &svg) == AMPEL_OK &&
      !svg.failed)
    page_svg(q, b, svg.data, svg.len);
  ampel_buf_release(&svg);
  ampel_buf_release(&title);
  ampel_free(y);
}

static void rank_cell(ampel_buf *b, const ampel_profile_row *row) {
  if (row->rank)
    ampel_buf_printf(b, "<td class=\"num\" data-wert=\"%zu\">%zu von %zu</td>",
                     row->rank, row->rank, row->n_ranked);
  else
    ampel_buf_puts(b, "<td class=\"num\">–</td>");
}

static void table(srv_req *q, ampel_buf *b, const profile *p) {
  ampel_buf_puts(b, "<div class=\"scroll\" role=\"region\" tabindex=\"0\" "
                    "aria-labelledby=\"cap-profil\">\n<table class=\"sortierbar"
                    "\">\n<caption id=\"cap-profil\">Alle Kennzahlen des "
                    "Gebiets (Rang 1 = günstigster Wert der Ebene; "
                    "„.“ = geheim gehalten)</caption>\n<thead><tr>"
                    "<th scope=\"col\">Kennzahl</th><th scope=\"col\" "
                    "class=\"num\">Wert</th><th scope=\"col\" class=\"num\">"
                    "Gesamtstadt</th><th scope=\"col\" class=\"num\">Rang</th>"
                    "<th scope=\"col\">Status und Entwicklung</th><th "
                    "scope=\"col\">Verlauf</th></tr></thead>\n<tbody>\n");
  for (size_t j = 0; j < p->li->n_cols; j++) {
    size_t ind = p->li->cols[j].ind;
    const ampel_indicator *in = ampel_dataset_indicator(q->ds, ind);
    ampel_buf_puts(b, "<tr><th scope=\"row\">");
    page_ind_link(b, q->ds, ind);
    ampel_buf_puts(b, " <span class=\"klein\">(");
    ampel_buf_html(b, in->unit ? in->unit : "");
    if (ampel_lights_periods_differ(p->li)) { /* each row its own period */
      ampel_buf_puts(b, in->unit ? ", " : "");
      ampel_buf_html(b, srv_period_label(q->ds, p->li->cols[j].period));
    }
    ampel_buf_puts(b, ")</span></th><td class=\"num\">");
    page_value(b, q->ds, p->area, ind, p->li->cols[j].period);
    ampel_buf_puts(b, "</td><td class=\"num\">");
    page_num(b, p->x.rows[j].reference, in->decimals);
    ampel_buf_puts(b, "</td>");
    rank_cell(b, &p->x.rows[j]);
    const ampel_lights_cell *c = p->x.rows[j].cell;
    ampel_buf_printf(b, "<td data-wert=\"%d\">", 3 - (int)c->status);
    ov_cell(b, c);
    ampel_buf_puts(b, "</td><td class=\"spark\">");
    spark(q, b, p, ind);
    ampel_buf_puts(b, "</td></tr>\n");
  }
  ampel_buf_puts(b, "</tbody>\n</table>\n</div>\n");
}

/* Tile map of the level with the chosen area marked (need.h renderer);
 * 0 when drawn. */
static int locator_tiles(srv_req *q, ampel_buf *b, const profile *p) {
  size_t n = p->sel->n_areas, tiles = 0;
  int *lv = ampel_calloc(n + 1, sizeof *lv);
  const char **text = ampel_calloc(n + 1, sizeof *text);
  int rc = -1;
  for (size_t i = 0; lv && text && i < n; i++) {
    int me = p->sel->areas[i] == p->area;
    lv[i] = me ? 2 : 1;
    text[i] = me ? "●" : "";
    tiles +=
        ampel_dataset_area(q->ds, p->sel->areas[i])->tile_row != AMPEL_NO_TILE;
  }
  if (lv && text && tiles) {
    static const char *const names[] = {"andere Gebiete", "dieses Gebiet"};
    ampel_tilemap_view v = {0};
    v.n = n;
    v.areas = p->sel->areas;
    v.level = lv;
    v.text = text;
    v.k = 2;
    char title[300];
    long root = p->sel->root;
    snprintf(title, sizeof title, "Lage in %s",
             root >= 0 && ampel_dataset_area(q->ds, (size_t)root)->name
                 ? ampel_dataset_area(q->ds, (size_t)root)->name
                 : "der Stadt");
    v.title = title;
    v.subtitle = p->a->name;
    v.low_label = "andere";
    v.high_label = "dieses Gebiet";
    v.level_names = names;
    ampel_buf svg;
    ampel_buf_init(&svg);
    if (ampel_tilemap_render_svg(q->ds, &v, &svg, NULL) == AMPEL_OK &&
        !svg.failed) {
      page_svg(q, b, svg.data, svg.len);
      rc = 0;
    }
    ampel_buf_release(&svg);
  }
  ampel_free(lv);
  ampel_free(text);
  return rc;
}

/* The area on the map: tiles, else shapes or points (map.h). */
/* The areas a locator map of many areas shows: the LOCATOR_NEAR nearest to
 * the chosen one (by the distance of the bounding boxes' centres), so
 * that the map of 11,000 Gemeinden is a readable neighbourhood of a few
 * hundred kilobytes instead of the whole country. Moves them to the front
 * of it/ids (in their order) and returns their count; n when there are
 * not more than LOCATOR_NEAR or the chosen area has no shape. */
#define LOCATOR_NEAR 150

typedef struct near_key {
  double d;
  size_t i;
} near_key;

static int near_cmp(const void *x, const void *y) {
  const near_key *a = x, *b = y;
  if (a->d != b->d)
    return a->d < b->d ? -1 : 1;
  return a->i < b->i ? -1 : a->i > b->i;
}

static size_t locator_near(ampel_map_item *it, size_t *ids, size_t n,
                           size_t area, const size_t *areas) {
  if (n <= LOCATOR_NEAR)
    return n;
  const ampel_shape *me = NULL;
  for (size_t i = 0; i < n; i++)
    if (areas[i] == area)
      me = it[i].shape;
  if (!me)
    return n;
  double cx = (me->bbox[0] + me->bbox[2]) / 2,
         cy = (me->bbox[1] + me->bbox[3]) / 2;
  near_key *k = ampel_calloc(n, sizeof *k);
  unsigned char *pick = ampel_calloc(n, 1);
  if (!k || !pick) {
    ampel_free(k);
    ampel_free(pick);
    return n;
  }
  for (size_t i = 0; i < n; i++) {
    const ampel_shape *s = it[i].shape;
    double dx = s ? (s->bbox[0] + s->bbox[2]) / 2 - cx : INFINITY,
           dy = s ? (s->bbox[1] + s->bbox[3]) / 2 - cy : INFINITY;
    k[i].d = s ? dx * dx + dy * dy : INFINITY;
    k[i].i = i;
  }
  qsort(k, n, sizeof *k, near_cmp);
  for (size_t j = 0; j < LOCATOR_NEAR; j++)
    pick[k[j].i] = 1;
  /* the nearest to the front, in drawing order (in place: m <= i) */
  size_t m = 0;
  for (size_t i = 0; i < n; i++)
    if (pick[i]) {
      it[m] = it[i];
      ids[m++] = ids[i];
    }
  ampel_free(pick);
  ampel_free(k);
  return m;
}

static void locator(srv_req *q, ampel_buf *b, const profile *p) {
  long root = p->sel->root;
  ampel_buf_puts(b, "<section aria-labelledby=\"h-lage\" class=\"lage\">\n"
                    "<h2 id=\"h-lage\">Lage in ");
  ampel_buf_html(b, root >= 0 && ampel_dataset_area(q->ds, (size_t)root)->name
                        ? ampel_dataset_area(q->ds, (size_t)root)->name
                        : "der Stadt");
  ampel_buf_puts(b, "</h2>\n<figure>\n");
  int done = locator_tiles(q, b, p) == 0;
  size_t n = p->sel->n_areas, near = 0;
  ampel_map_item *it = done ? NULL : ampel_calloc(n + 1, sizeof *it);
  size_t *ids = it ? ampel_calloc(n + 1, sizeof *ids) : NULL;
  if (it && !ids) {
    ampel_free(it);
    it = NULL;
  }
  if (it) {
    srv_map_items(q, p->sel->areas, n, it);
    for (size_t i = 0; i < n; i++) {
      it[i].value = it[i].scaled = p->sel->areas[i] == p->area ? 1.0 : 0.0;
      ids[i] = p->sel->areas[i];
    }
    near = locator_near(it, ids, n, p->area, p->sel->areas);
    if (near < n)
      n = near;
    static const double breaks[] = {0, 0.5, 1};
    ampel_map_opts o = {0};
    o.title = p->a->name;
    o.desc = "Das gewählte Gebiet ist dunkel hervorgehoben.";
    static const char *const class_labels[] = {"andere Gebiete",
                                               "dieses Gebiet"};
    o.legend_title = "Lage";
    o.class_labels = class_labels; /* not "0 bis unter 0" */
    o.by = AMPEL_MAP_BY_CLASSES;
    o.breaks = breaks;
    o.k = 2;
    o.decimals = 0;
    o.width = 520;
    o.labels = 1;
    if (near < p->sel->n_areas)
      o.desc = "Das gewählte Gebiet ist dunkel hervorgehoben; gezeigt sind "
               "die ihm nächsten Gebiete der Ebene.";
    done = srv_map_render(q, b, ids, it, n, &o) == 0;
  }
  if (!done)
    ampel_buf_puts(b, "<p>Für diese Ebene gibt es weder Umrisse noch "
                      "Kachelpositionen oder Koordinaten.</p>\n");
  ampel_buf_puts(b, "<figcaption>Das Gebiet ist dunkel hervorgehoben");
  ampel_buf_puts(b, it ? "." : " und mit ● markiert.");
  if (it && near < p->sel->n_areas)
    ampel_buf_printf(b, " Gezeigt: die %zu nächsten von %zu Gebieten.", near,
                     p->sel->n_areas);
  ampel_buf_puts(b, "</figcaption>\n</figure>\n</section>\n");
  ampel_free(it);
  ampel_free(ids);
}

static void family(srv_req *q, ampel_buf *b, const profile *p) {
  if (p->a->parent) {
    long par = ampel_dataset_find_area(q->ds, p->a->parent);
    if (par >= 0) {
      ampel_buf_puts(b, "<p>Gehört zu: ");
      page_area_link(b, q->ds, (size_t)par);
      ampel_buf_puts(b, "</p>\n");
    }
  }
  size_t k = 0;
  for (size_t i = 0; i < ampel_dataset_n_areas(q->ds); i++) {
    const ampel_area *c = ampel_dataset_area(q->ds, i);
    if (!c->parent || strcmp(c->parent, p->a->key) != 0)
      continue;
    if (!k++)
      ampel_buf_puts(b, "<details><summary>Untergeordnete Gebiete</summary>"
                        "\n<ul>\n");
    ampel_buf_puts(b, "<li>");
    page_area_link(b, q->ds, i);
    ampel_buf_puts(b, "</li>\n");
  }
  if (k)
    ampel_buf_puts(b, "</ul></details>\n");
}

static void form(srv_req *q, ampel_buf *b, const profile *p) {
  ampel_buf_puts(b, "<form class=\"auswahl\" method=\"get\" action=\"/gebiet/");
  page_urlenc(b, p->a->key);
  ampel_buf_puts(b, "\" aria-label=\"Zeitraum\">\n<div class=\"feld\">");
  page_select_period(q, b, "period", "Zeitraum",
                     p->x.n_rows ? (long)p->li->period : p->period, 0);
  ampel_buf_puts(b, "</div>\n<div class=\"feld\">");
  page_select_period(q, b, "since", "Entwicklung seit", p->since, 1);
  ampel_buf_puts(b, "</div>\n<div class=\"feld\"><button type=\"submit\">"
                    "Anzeigen</button></div>\n</form>\n");
}

int h_gebiet(srv_req *q, srv_resp *r) {
  const char *key = srv_rest(q->path, "/gebiet/");
  if (!*key)
    return h_area_list(q, r);
  long id = ampel_dataset_find_area(q->ds, key);
  if (id < 0)
    return srv_error(q, r, 404, "Unbekanntes Gebiet '%s'.", key);
  profile p;
  memset(&p, 0, sizeof p);
  p.area = (size_t)id;
  p.a = ampel_dataset_area(q->ds, p.area);
  ampel_query qu;
  if (srv_query(q, r, srv_gebiet_ids, srv_n_gebiet_ids, &qu))
    return -1;
  ampel_diags d;
  ampel_diags_init(&d, 0);
  ampel_status st =
      ampel_analysis_period(q->ds, &qu, AMPEL_OPT_PERIOD, &p.period, &d);
  if (st == AMPEL_OK)
    st = ampel_analysis_period(q->ds, &qu, AMPEL_OPT_SINCE, &p.since, &d);
  if (st == AMPEL_OK)
    st = ampel_analyse_profile(q->snap->ctx, &qu, p.area, &p.x, &d);
  if (st != AMPEL_OK) {
    srv_error_diags(q, r, st, &d, "Auswahl nicht möglich.");
    ampel_diags_release(&d);
    return -1;
  }
  ampel_diags_release(&d);
  p.li = &p.x.lights.lights;
  p.sel = &p.x.lights.sel;
  ampel_buf *b = &r->body;
  page_begin(q, r, p.a->name, NAV_AREA);
  ampel_buf_puts(b, "<h1>Gebietsprofil: ");
  ampel_buf_html(b, p.a->name);
  ampel_buf_puts(b, " <span class=\"klein\">(");
  ampel_buf_html(b, p.a->level ? p.a->level : "");
  ampel_buf_puts(b, ", ");
  ampel_buf_html(b, p.a->key);
  ampel_buf_puts(b, ")</span></h1>\n");
  family(q, b, &p);
  form(q, b, &p);
  if (p.x.n_rows) {
    summary(q, b, &p);
    ampel_buf_puts(b, "<div class=\"profil\">\n<section aria-labelledby="
                      "\"h-kennzahlen\">\n<h2 id=\"h-kennzahlen\">"
                      "Kennzahlen</h2>\n");
    table(q, b, &p);
    ampel_buf_puts(b, "</section>\n");
    locator(q, b, &p);
    ampel_buf_puts(b, "</div>\n<p class=\"klein nodruck\">Zum Ausdrucken "
                      "(A4) die Druckfunktion des Browsers verwenden.</p>\n");
  } else {
    page_note(b, "warnung",
              p.x.message[0] ? p.x.message
                             : "Für dieses Gebiet liegen keine "
                               "Kennzahlen vor.");
  }
  page_end(q, r);
  ampel_profile_answer_release(&p.x);
  return 0;
}
