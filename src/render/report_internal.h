/* Internal: the page layout engine of the report (report_layout.c) and the
 * content sections (report_sections.c, report_profile.c). Not installed.
 *
 * Units are PostScript points on an A4 page (595.28 x 841.89). Content
 * runs from RP_TOP to RP_LIMIT between the running head and the footer;
 * rp_need() starts a new page when a block does not fit. */
#ifndef AMPEL_REPORT_INTERNAL_H
#define AMPEL_REPORT_INTERNAL_H

#include <stddef.h>

#include "ampel/analysis/report.h"
#include "ampel/buf.h"
#include "ampel/dataset.h"
#include "ampel/lights.h"
#include "ampel/report.h"
#include "ampel/select.h"
#include "ampel/svg.h"

#define RP_W 595.28
#define RP_H 841.89
#define RP_ML 56.69 /* 20 mm */
#define RP_CW (RP_W - 2 * RP_ML)
#define RP_TOP 70.0
#define RP_LIMIT (RP_H - 78.0)
#define RP_FONT "Liberation Sans, Arial, DejaVu Sans, sans-serif"
#define RP_INK "#1a1a1a"
#define RP_GREY "#5f6368"
#define RP_ACCENT "#1f4e79"
#define RP_RULE "#b7c3d0"

typedef struct rp_page {
  ampel_buf body;
  char *section;  /* running head */
  char *footnote; /* line above the footer, or NULL */
} rp_page;

typedef struct rp_toc {
  char *title;
  size_t page; /* 0-based */
} rp_toc;

struct ampel_report {
  rp_page *pages;
  size_t n_pages, cap;
  char **docs; /* finished SVG documents, n_pages */
  size_t *doc_len;
  rp_toc *toc;
  size_t n_toc;
  char *title;
  int failed; /* out of memory somewhere */
};

/* What the sections draw from. */
typedef struct rp_ctx {
  ampel_report *r;
  const ampel_dataset *ds;
  const ampel_report_answer *a;
  const ampel_report_opts *o;
  ampel_selection sel;      /* shallow copy of a->lights.sel */
  const ampel_dataset *cls; /* the universe (small areas blank) */
  ampel_lights lights;      /* shallow copy of a->lights.lights */
  const size_t *order;      /* lights rank order, lights.n_areas */
  ampel_buf *b;             /* body of the current page */
  double y;                 /* current baseline */
  const char *section;
  int has_tiles;
  int n_sections; /* numbered sections so far */
  int n_maps;     /* "Karte N" captions so far */
  int n_figures;  /* "Abbildung N" captions so far */
  char section_title[200];
} rp_ctx;

/* ---- layout (report_layout.c) ----------------------------------------- */
void rp_new_page(rp_ctx *c);
/* New page when h more points do not fit below y. */
void rp_need(rp_ctx *c, double h);
/* Starts a section on a new page and records it in the contents. */
void rp_section(rp_ctx *c, const char *title);
/* rp_section with the next number: "5 Wechselwirkungen". */
void rp_numbered_section(rp_ctx *c, const char *title);
void rp_set_footnote(rp_ctx *c, const char *text);
void rp_text(ampel_buf *b, double x, double y, const char *s, double size,
             int bold, const char *fill, ampel_svg_anchor anchor);
/* A paragraph at x over width w; advances c->y, breaking pages by line. */
void rp_para(rp_ctx *c, double x, double w, const char *s, double size,
             int bold, const char *fill);
/* Lines a paragraph takes at width w. */
size_t rp_lines(const char *s, double w, double size);
void rp_heading(rp_ctx *c, const char *s, double size);
/* Embeds a complete SVG document scaled to fit w x h at (x, y); ids are
 * prefixed with `prefix`. Returns the height used. */
double rp_embed_svg(ampel_buf *b, const char *svg, size_t len, double x,
                    double y, double w, double h, const char *prefix);
/* Finishes all pages: head, footer with "Seite i von n", SVG wrapper. */
ampel_status rp_finish(ampel_report *r, const ampel_report_answer *a);

/* ---- content ------------------------------------------------------------ */
/* Cell text: the German number, the symbol of a flag, "–" when missing. */
void rp_cell_text(const ampel_dataset *ds, size_t area, size_t ind,
                  size_t period, char *out, size_t size);
const char *rp_area_name(const ampel_dataset *ds, size_t area);
void rp_title_page(rp_ctx *c);
void rp_heatmap_section(rp_ctx *c);
void rp_lights_section(rp_ctx *c);
void rp_profiles_section(rp_ctx *c);
/* "4 Räumliche Muster (LISA)" when the answer has them (report_lisa.c). */
void rp_lisa_section(rp_ctx *c);
void rp_appendix(rp_ctx *c);
/* report_council.c: "Karten" (only with shapes), "Wechselwirkungen",
 * "Bedarf". */
void rp_maps_section(rp_ctx *c);
void rp_corr_section(rp_ctx *c);
void rp_need_section(rp_ctx *c);

#endif
