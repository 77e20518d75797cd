/* ampel/report.h - the council-ready A4 report (docs/berichte.md).
 *
 * ampel_report_build() composes the report as a list of A4 pages, each a
 * complete SVG document (width 210mm, height 297mm, viewBox in points):
 *
 *   1. title page: title, level, period, data version, date, contents;
 *   2. overview: the clustered heatmap (METHODS.md §2);
 *   3. the Ampel table (status colour, value, trend arrow; METHODS.md §3)
 *      with the Hinsehen list;
 *   4. one Stadtteilprofil per area: values, reference, rank, status,
 *      trend, sparkline over all periods, the tile map with the area
 *      marked (when areas have tile positions);
 *   5. appendix: the indicators' metadata, a German summary of the
 *      methods, symbols (Zeichenerklärung) and disclosure control.
 *
 * Every page has a running head, a footer with the data version and the
 * disclosure note, and "Seite i von n". The same pages become the PDF
 * (report_pdf.c, librsvg + cairo; text stays selectable) and the
 * self-contained HTML file (report_html.c, inline SVG, inline CSS,
 * @page A4).
 *
 * The report renders an answer of ampel_analyse_report(): the dataset as
 * shown (suppressed cells carry "."), the lights and the heatmap of
 * `ampel lights` and `ampel heatmap`. Areas below the minimum population
 * are shown but not classified ("zu wenige Einwohner").
 *
 * Thread-safety: the dataset is only read.
 */
#ifndef AMPEL_REPORT_H
#define AMPEL_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "ampel/buf.h"
#include "ampel/dataset.h"
#include "ampel/error.h"
#include "ampel/raster.h"

#ifdef __cplusplus
extern "C" {
#endif

struct ampel_report_answer; /* include/ampel/analysis/report.h */

typedef struct ampel_report_opts {
  int64_t created;   /* Unix time of the date on the title page */
  const char *title; /* NULL: "Bildungsmonitoring <root name>" */
} ampel_report_opts;

typedef struct ampel_report ampel_report;

/* Draws the pages of the answer (ampel_analyse_report). Errors:
 * AMPEL_E_NOMEM. Caller frees *out with ampel_report_free(). */
AMPEL_WUR ampel_status ampel_report_build(const struct ampel_report_answer *a,
                                          const ampel_report_opts *o,
                                          ampel_report **out,
                                          ampel_diags *diags);
void ampel_report_free(ampel_report *r);

size_t ampel_report_n_pages(const ampel_report *r);
/* Page i (0-based) as a complete SVG document; borrowed, valid while r
 * lives. *out_len receives its length. */
const char *ampel_report_page(const ampel_report *r, size_t i, size_t *out_len);
/* The report's title (borrowed). */
const char *ampel_report_title(const ampel_report *r);

/* One self-contained HTML file: inline CSS (@page A4, one page per
 * sheet), the pages as inline SVG, no external resources. */
void ampel_report_write_html(const ampel_report *r, ampel_buf *out);

/* The PDF (one page per report page). `created` of meta may be < 0 for
 * reproducible bytes. Errors as ampel_raster_pdf(). */
AMPEL_WUR ampel_status ampel_report_write_pdf(const ampel_report *r,
                                              int64_t created, ampel_buf *out,
                                              ampel_diags *diags);

/* The German summary of the methods used in reports and exports: pairs
 * (heading, paragraph), NULL-terminated. Static. */
const char *const *ampel_methods_summary_de(void);

#ifdef __cplusplus
}
#endif
#endif
