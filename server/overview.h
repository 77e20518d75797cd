/* overview.h - the text parts of the Übersicht (ov_tables.c) over the
 * overview answer (include/ampel/analysis/overview.h), and the Ampel cell
 * that the area and indicator pages share. */
#ifndef AMPEL_SERVER_OVERVIEW_H
#define AMPEL_SERVER_OVERVIEW_H

#include "ampel/analysis/overview.h"
#include "server.h"

void ov_intro(ampel_buf *b, const ampel_overview_answer *o);
/* The Ampel table of the given lights rows (in that order). */
void ov_lights_table(ampel_buf *b, const ampel_lights_answer *a,
                     const size_t *rows, size_t n_rows);
void ov_heatmap_table(ampel_buf *b, const ampel_heatmap_answer *a);
/* ov_many.c: the overview of many areas (issue 15). More than
 * OV_MAX_ROWS areas: the Ampel table is paged, searchable and sortable on
 * the server, the heatmap is shown as groups of similar areas with
 * drill-down, and pictures of every area are not embedded. */
#define OV_MAX_ROWS 200
/* The Ampel section's table: rows filtered (suche), sorted (sort) and the
 * page (seite) of at most OV_MAX_ROWS, with the navigation. */
/* `base` (a URL-encoded path such as "/" or "/kennzahl/k1") with the
 * current request's parameters and `key` set to value (or left out for
 * NULL; a new search also drops the page), HTML-escaped for an href. */
void ov_self_link(const srv_req *q, ampel_buf *b, const char *base,
                  const char *key, const char *value, const char *anchor);
/* One page of a table of `total` rows, OV_MAX_ROWS a page (seite=): the
 * page asked for, kept within 1 … pages, and its rows [from, to). */
typedef struct ov_page {
  size_t page, pages, from, to;
} ov_page;
ov_page ov_page_of(size_t total, size_t page);
/* The page navigation (previous, "Seite x von y", next) when there is
 * more than one page: links to `base` (URL-encoded) with the request's
 * parameters and seite set, at `anchor`; `label` names the table. */
void ov_pager(const srv_req *q, ampel_buf *b, const char *base,
              const ov_page *p, const char *label, const char *anchor);
void ov_lights_paged(srv_req *q, ampel_buf *b, const ampel_lights_answer *a,
                     const ampel_query *qu);
/* The heatmap of more than OV_MAX_ROWS areas as a table of groups, or of
 * one group's areas (gruppe). */
void ov_heatmap_groups(srv_req *q, ampel_buf *b, const ampel_heatmap_answer *a,
                       const ampel_query *qu);

/* One Ampel cell: status badge (symbol + word) and trend. */
void ov_cell(ampel_buf *b, const ampel_lights_cell *c);

#endif
