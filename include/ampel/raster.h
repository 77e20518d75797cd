/* ampel/raster.h - SVG to PNG and PDF through librsvg + cairo
 * (ARCHITECTURE.md, render).
 *
 * Text stays text: a PDF keeps every <text> as real glyphs (selectable,
 * searchable with pdftotext). SVG user units are CSS pixels (96 per inch);
 * a PDF page gets the SVG's size in points (1 px = 0.75 pt), so an SVG of
 * width="210mm" height="297mm" becomes an A4 page.
 *
 * Hard caps: an SVG of at most 64 MiB, at most 20000 x 20000 px, a PNG of
 * at most 100 million pixels (AMPEL_E_TOO_LARGE).
 *
 * librsvg and fontconfig keep caches of their own; the functions may be
 * called from several threads with separate buffers.
 */
#ifndef AMPEL_RASTER_H
#define AMPEL_RASTER_H

#include <stddef.h>
#include <stdint.h>

#include "ampel/buf.h"
#include "ampel/error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define AMPEL_RASTER_DPI_DEFAULT 150.0

/* PDF document information. Any field may be NULL; created < 0 leaves the
 * creation date out (reproducible bytes for the same input otherwise). */
typedef struct ampel_raster_meta {
  const char *title;
  const char *subject;
  const char *creator; /* e.g. "ampel 0.1.0" */
  int64_t created;     /* Unix time */
} ampel_raster_meta;

/* Renders one SVG (len bytes) as a PNG at `dpi` (<= 0: 150; at most 1200)
 * on a white background and appends the bytes to out. Errors:
 * AMPEL_E_DATA (librsvg cannot read the SVG, or it has no size; message
 * in diags), AMPEL_E_TOO_LARGE, AMPEL_E_USAGE (bad dpi), AMPEL_E_NOMEM. */
AMPEL_WUR ampel_status ampel_raster_png(const char *svg, size_t len, double dpi,
                                        ampel_buf *out, ampel_diags *diags);

/* Renders n SVG documents as the n pages of one PDF (each page the size
 * of its SVG) and appends the bytes to out. lens[i] is the length of
 * pages[i]. Errors as ampel_raster_png(); AMPEL_E_USAGE for n == 0. */
AMPEL_WUR ampel_status ampel_raster_pdf(const char *const *pages,
                                        const size_t *lens, size_t n,
                                        const ampel_raster_meta *meta,
                                        ampel_buf *out, ampel_diags *diags);

#ifdef __cplusplus
}
#endif
#endif
