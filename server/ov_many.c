/* ov_many.c - the Übersicht of many areas (issue 15: "a dashboard that
 * stays a dashboard at 2,000 or 11,000 areas"):
 *  - the Ampel table is paged on the server (seite=, OV_MAX_ROWS rows per
 *    page), filtered (suche=) and sorted (sort=), with plain links: no
 *    JavaScript needed, every page a small document;
 *  - the heatmap of more than OV_MAX_ROWS areas is a table of at most
 *    OV_GROUPS groups of similar areas (the area tree cut, ampel_heatmap_
 *    group), each cell the group's mean scaled value in the palette's
 *    colour; a group links to its areas (gruppe=). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ampel/alloc.h"
#include "overview.h"

#define OV_GROUPS 50

void ov_self_link(const srv_req *q, ampel_buf *b, const char *base,
                  const char *key, const char *value, const char *anchor) {
  ampel_buf u;
  ampel_buf_init(&u);
  ampel_buf_puts(&u, base);
  int first = 1;
  for (size_t i = 0; i < q->n_params; i++) {
    if (strcmp(q->params[i].key, key) == 0 ||
        (strcmp(key, "suche") == 0 && strcmp(q->params[i].key, "seite") == 0))
      continue;
    ampel_buf_putc(&u, first ? '?' : '&');
    first = 0;
    page_urlenc(&u, q->params[i].key);
    ampel_buf_putc(&u, '=');
    page_urlenc(&u, q->params[i].val);
  }
  if (value) {
    ampel_buf_putc(&u, first ? '?' : '&');
    page_urlenc(&u, key);
    ampel_buf_putc(&u, '=');
    page_urlenc(&u, value);
  }
  if (anchor)
    ampel_buf_puts(&u, anchor);
  if (!u.failed)
    ampel_buf_html(b, u.data);
  ampel_buf_release(&u);
}

ov_page ov_page_of(size_t total, size_t page) {
  ov_page p;
  p.pages = total ? (total + OV_MAX_ROWS - 1) / OV_MAX_ROWS : 1;
  p.page = page < 1 ? 1 : page > p.pages ? p.pages : page;
  p.from = (p.page - 1) * OV_MAX_ROWS;
  p.to = p.from + OV_MAX_ROWS < total ? p.from + OV_MAX_ROWS : total;
  return p;
}

static void pager_link(const srv_req *q, ampel_buf *b, const char *base,
                       size_t page, const char *anchor, const char *rel,
                       const char *text) {
  char num[24];
  snprintf(num, sizeof num, "%zu", page);
  ampel_buf_printf(b, "<li><a rel=\"%s\" href=\"", rel);
  ov_self_link(q, b, base, "seite", num, anchor);
  ampel_buf_printf(b, "\">%s</a></li>\n", text);
}

void ov_pager(const srv_req *q, ampel_buf *b, const char *base,
              const ov_page *p, const char *label, const char *anchor) {
  if (p->pages < 2)
    return;
  ampel_buf_printf(b,
                   "<nav class=\"seiten\" aria-label=\"Seiten der %s\">"
                   "<ul>\n",
                   label);
  if (p->page > 1)
    pager_link(q, b, base, p->page - 1, anchor, "prev", "← vorige Seite");
  ampel_buf_printf(b, "<li aria-current=\"page\">Seite %zu von %zu</li>\n",
                   p->page, p->pages);
  if (p->page < p->pages)
    pager_link(q, b, base, p->page + 1, anchor, "next", "nächste Seite →");
  ampel_buf_puts(b, "</ul></nav>\n");
}

/* ASCII case-insensitive substring (umlauts compare as they are). */
static int contains(const char *hay, const char *needle) {
  size_t n = strlen(needle);
  for (const char *p = hay; p && *p; p++)
    if (strncasecmp(p, needle, n) == 0)
      return 1;
  return 0;
}

static const ampel_area *row_area(const ampel_lights_answer *a, size_t row) {
  return ampel_dataset_area(a->ds, a->lights.area_ids[row]);
}

/* qsort_r is a GNU extension; rows are sorted by a key array instead. */
typedef struct keyed {
  const char *k;
  size_t row;
} keyed;

static int by_text(const void *x, const void *y) {
  const keyed *a = x, *b = y;
  int c = strcmp(a->k, b->k);
  return c ? c : (a->row > b->row) - (a->row < b->row);
}

void ov_lights_paged(srv_req *q, ampel_buf *b, const ampel_lights_answer *a,
                     const ampel_query *qu) {
  const ampel_lights *l = &a->lights;
  const char *search = ampel_query_text(qu, AMPEL_OPT_SEARCH);
  int sort = ampel_query_choice(qu, AMPEL_OPT_SORT);
  size_t page = (size_t)ampel_query_num(qu, AMPEL_OPT_PAGE);
  keyed *rows = ampel_calloc(l->n_areas + 1, sizeof *rows);
  if (!rows) {
    page_note(b, "warnung", "Die Tabelle braucht mehr Speicher als frei ist.");
    return;
  }
  size_t n = 0;
  for (size_t i = 0; i < l->n_areas; i++) {
    size_t row = a->order[i];
    const ampel_area *ar = row_area(a, row);
    const char *name = ar->name && *ar->name ? ar->name : ar->key;
    if (search && *search && !contains(ar->key, search) &&
        !contains(name, search))
      continue;
    rows[n].row = row;
    rows[n].k = sort == 2 ? ar->key : name;
    n++;
  }
  if (sort > 0)
    qsort(rows, n, sizeof *rows, by_text);
  ov_page pg = ov_page_of(n, page);
  size_t from = pg.from, to = pg.to;
  if (l->n_areas > OV_MAX_ROWS || (search && *search)) {
    /* the search form keeps the other parameters as hidden fields */
    ampel_buf_puts(b, "<form class=\"auswahl\" method=\"get\" action=\"/\" "
                      "role=\"search\" aria-label=\"Gebiete suchen\">\n");
    for (size_t i = 0; i < q->n_params; i++) {
      const char *k = q->params[i].key;
      if (!strcmp(k, "suche") || !strcmp(k, "seite") || !strcmp(k, "sort"))
        continue;
      ampel_buf_puts(b, "<input type=\"hidden\" name=\"");
      ampel_buf_html(b, k);
      ampel_buf_puts(b, "\" value=\"");
      ampel_buf_html(b, q->params[i].val);
      ampel_buf_puts(b, "\">\n");
    }
    ampel_buf_puts(b, "<div class=\"feld\"><label for=\"suche\">Gebiet "
                      "suchen</label><input id=\"suche\" name=\"suche\" "
                      "type=\"search\" value=\"");
    ampel_buf_html(b, search ? search : "");
    ampel_buf_puts(b, "\"></div>\n<div class=\"feld\"><label for=\"sort\">"
                      "Reihenfolge</label><select id=\"sort\" name=\"sort\">");
    static const char *const words[] = {"kritisch", "name", "schluessel"};
    static const char *const labels[] = {"auffälligste zuerst", "nach Name",
                                         "nach Schlüssel"};
    for (int i = 0; i < 3; i++)
      ampel_buf_printf(b, "<option value=\"%s\"%s>%s</option>", words[i],
                       i == sort ? " selected" : "", labels[i]);
    ampel_buf_puts(b, "</select></div>\n<div class=\"feld\"><button "
                      "type=\"submit\">Anzeigen</button></div>\n</form>\n");
  }
  if (n == 0) {
    page_note(b, "hinweis", "Kein Gebiet passt zur Suche.");
    ampel_free(rows);
    return;
  }
  if (pg.pages > 1 || n < l->n_areas)
    ampel_buf_printf(b,
                     "<p role=\"status\">Gebiete %zu–%zu von %zu%s (Seite %zu "
                     "von %zu)</p>\n",
                     from + 1, to, n, n < l->n_areas ? " gefundenen" : "",
                     pg.page, pg.pages);
  size_t *ids = ampel_calloc(to - from + 1, sizeof *ids);
  if (ids) {
    for (size_t i = from; i < to; i++)
      ids[i - from] = rows[i].row;
    ov_lights_table(b, a, ids, to - from);
    ampel_free(ids);
  }
  ov_pager(q, b, "/", &pg, "Ampel-Tabelle", "#h-ampel");
  ampel_free(rows);
}

/* One coloured cell of a scaled value in [0, 1] (11 classes hm-0..hm-10,
 * the default palette's stops; ampel.css), the number as text. */
static void hm_cell(ampel_buf *b, double v) {
  if (v != v) {
    ampel_buf_puts(b, "<td class=\"hm-na\">–</td>");
    return;
  }
  int k = (int)(v * 10.0 + 0.5);
  k = k < 0 ? 0 : k > 10 ? 10 : k;
  ampel_buf_printf(b, "<td class=\"num hm-%d\">", k);
  page_num(b, v, 2);
  ampel_buf_puts(b, "</td>");
}

static void hm_head(ampel_buf *b, const ampel_heatmap_answer *a,
                    const char *first, const char *caption) {
  const ampel_heatmap *h = &a->hm;
  ampel_buf_puts(b, "<div class=\"scroll\" role=\"region\" tabindex=\"0\" "
                    "aria-label=\"Heatmap\">\n<table class=\"heatmap-tabelle\">"
                    "\n<caption>");
  ampel_buf_html(b, caption);
  ampel_buf_puts(b, "</caption>\n<thead><tr><th scope=\"col\">");
  ampel_buf_html(b, first);
  ampel_buf_puts(b, "</th>");
  for (size_t c = 0; c < h->n_cols; c++) {
    ampel_buf_puts(b, "<th scope=\"col\">");
    page_ind_link(b, a->ds, h->ind_ids[h->col_order[c]]);
    ampel_buf_puts(b, "</th>");
  }
  ampel_buf_puts(b, "</tr></thead>\n<tbody>\n");
}

void ov_heatmap_groups(srv_req *q, ampel_buf *b, const ampel_heatmap_answer *a,
                       const ampel_query *qu) {
  const ampel_heatmap *h = &a->hm;
  ampel_heatmap_groups g;
  if (ampel_heatmap_group(h, OV_GROUPS, &g) != AMPEL_OK) {
    page_note(b, "warnung", "Die Gruppen brauchen mehr Speicher als frei ist.");
    return;
  }
  long want = ampel_query_has(qu, AMPEL_OPT_GROUP)
                  ? (long)ampel_query_num(qu, AMPEL_OPT_GROUP)
                  : 0;
  if (want > (long)g.n) {
    char msg[160];
    snprintf(msg, sizeof msg, "Gruppe %ld gibt es nicht (1 bis %zu).", want,
             g.n);
    page_note(b, "warnung", msg);
    want = 0;
  }
  if (want == 0) {
    ampel_buf_printf(b,
                     "<p>%zu Gebiete sind zu viele für ein Bild: die Heatmap "
                     "zeigt sie als %zu Gruppen ähnlicher Gebiete (Schnitt "
                     "durch den Baum der Clusterung), in der Reihenfolge der "
                     "Clusterung. Jede Zahl ist der Mittelwert der skalierten "
                     "Werte (0 ungünstig bis 1 günstig) der Gebiete der "
                     "Gruppe; eine Gruppe anklicken zeigt ihre Gebiete.</p>\n",
                     h->n_rows, g.n);
    hm_head(b, a, "Gruppe", "Heatmap nach Gruppen ähnlicher Gebiete");
    for (size_t gr = 0; gr < g.n; gr++) {
      char num[24];
      snprintf(num, sizeof num, "%zu", gr + 1);
      ampel_buf_puts(b, "<tr><th scope=\"row\"><a href=\"");
      ov_self_link(q, b, "/", "gruppe", num, "#h-heatmap");
      ampel_buf_printf(b,
                       "\">Gruppe %zu</a> <span class=\"klein\">(%zu "
                       "Gebiete)</span></th>",
                       gr + 1, g.size[gr]);
      for (size_t c = 0; c < h->n_cols; c++)
        hm_cell(b, g.mean[gr * h->n_cols + h->col_order[c]]);
      ampel_buf_puts(b, "</tr>\n");
    }
  } else {
    size_t gr = (size_t)want - 1, shown = 0;
    ampel_buf_printf(b,
                     "<p>Gruppe %zu: %zu Gebiete mit ähnlichem Muster. "
                     "<a href=\"",
                     gr + 1, g.size[gr]);
    ov_self_link(q, b, "/", "gruppe", NULL, "#h-heatmap");
    ampel_buf_puts(b, "\">Zurück zu allen Gruppen</a></p>\n");
    char cap[64];
    snprintf(cap, sizeof cap, "Heatmap der Gruppe %zu", gr + 1);
    hm_head(b, a, "Gebiet", cap);
    for (size_t pos = 0; pos < h->n_rows && shown < OV_MAX_ROWS; pos++) {
      size_t row = h->row_order[pos];
      if (g.of_row[row] != gr)
        continue;
      ampel_buf_puts(b, "<tr><th scope=\"row\">");
      page_area_link(b, a->ds, h->area_ids[row]);
      ampel_buf_puts(b, "</th>");
      for (size_t c = 0; c < h->n_cols; c++)
        hm_cell(b, h->scaled[row * h->n_cols + h->col_order[c]]);
      ampel_buf_puts(b, "</tr>\n");
      shown++;
    }
    if (g.size[gr] > shown)
      ampel_buf_printf(b,
                       "<tr><td colspan=\"%zu\">… und %zu weitere (die "
                       "ganze Matrix: JSON-API)</td></tr>\n",
                       h->n_cols + 1, g.size[gr] - shown);
  }
  ampel_buf_puts(b, "</tbody>\n</table>\n</div>\n");
  ampel_buf_puts(b, "<p class=\"klein\">Die ganze Matrix aller Gebiete: <a "
                    "href=\"/api/v1/heatmap?level=");
  page_urlenc(b, h->level);
  ampel_buf_puts(b, "\">/api/v1/heatmap (JSON)</a>.</p>\n");
  ampel_heatmap_groups_release(&g);
}
