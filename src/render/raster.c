/* SVG to PNG/PDF through librsvg + cairo (include/ampel/raster.h). */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cairo-pdf.h>
#include <cairo.h>
#include <librsvg/rsvg.h>

#include "ampel/raster.h"
#include "util/dynlib.h"

#define MAX_SVG_BYTES ((size_t)64 << 20)
#define MAX_SIDE_PX 20000.0
#define MAX_PIXELS 100e6

static cairo_status_t to_buf(void *closure, const unsigned char *data,
                             unsigned int length) {
  ampel_buf *b = closure;
  ampel_buf_append(b, (const char *)data, length);
  return b->failed ? CAIRO_STATUS_WRITE_ERROR : CAIRO_STATUS_SUCCESS;
}

/* Parses the SVG and reads its size in CSS px; NULL with a message. */
static RsvgHandle *load(const char *svg, size_t len, double *w, double *h,
                        ampel_diags *d, ampel_status *st) {
  *st = AMPEL_E_DATA;
  if (len > MAX_SVG_BYTES) {
    *st = AMPEL_E_TOO_LARGE;
    ampel_diags_error(d, *st,
                      "SVG zu groß für die Umwandlung (%zu Bytes, "
                      "höchstens 64 MiB)",
                      len);
    return NULL;
  }
  GError *err = NULL;
  RsvgHandle *hd =
      rsvg_handle_new_from_data((const guint8 *)svg, (gsize)len, &err);
  if (!hd) {
    ampel_diags_error(d, *st, "SVG nicht lesbar: %s",
                      err ? err->message : "unbekannter Fehler");
    if (err)
      g_error_free(err);
    return NULL;
  }
  rsvg_handle_set_dpi(hd, 96.0);
  gdouble gw = 0, gh = 0;
  if (!rsvg_handle_get_intrinsic_size_in_pixels(hd, &gw, &gh) || gw <= 0 ||
      gh <= 0) {
    ampel_diags_error(d, *st, "SVG ohne Breite und Höhe");
    g_object_unref(hd);
    return NULL;
  }
  if (gw > MAX_SIDE_PX || gh > MAX_SIDE_PX) {
    *st = AMPEL_E_TOO_LARGE;
    ampel_diags_error(d, *st,
                      "SVG zu groß (%.0f × %.0f px, höchstens "
                      "20000)",
                      gw, gh);
    g_object_unref(hd);
    return NULL;
  }
  *w = gw;
  *h = gh;
  *st = AMPEL_OK;
  return hd;
}

/* librsvg and cairo are loaded on first use (util/dynlib.h): a broken
 * installation is reported here instead of ending the process. */
static ampel_status libraries_ready(ampel_diags *d) {
  ampel_status st = ampel_dl_cairo_ready(d);
  return st == AMPEL_OK ? ampel_dl_rsvg_ready(d) : st;
}

/* Draws hd into cr over (0, 0, w, h); returns AMPEL_OK or a message. */
static ampel_status draw(RsvgHandle *hd, cairo_t *cr, double w, double h,
                         ampel_diags *d) {
  RsvgRectangle vp = {0, 0, w, h};
  GError *err = NULL;
  if (!rsvg_handle_render_document(hd, cr, &vp, &err)) {
    ampel_diags_error(d, AMPEL_E_DATA,
                      "SVG kann nicht gezeichnet werden: "
                      "%s",
                      err ? err->message : "unbekannter Fehler");
    if (err)
      g_error_free(err);
    return AMPEL_E_DATA;
  }
  return cairo_status(cr) == CAIRO_STATUS_SUCCESS ? AMPEL_OK : AMPEL_E_NOMEM;
}

ampel_status ampel_raster_png(const char *svg, size_t len, double dpi,
                              ampel_buf *out, ampel_diags *diags) {
  if (dpi <= 0)
    dpi = AMPEL_RASTER_DPI_DEFAULT;
  if (!isfinite(dpi) || dpi > 1200) {
    ampel_diags_error(diags, AMPEL_E_USAGE, "--dpi: höchstens 1200");
    return AMPEL_E_USAGE;
  }
  ampel_status st = libraries_ready(diags);
  if (st != AMPEL_OK)
    return st;
  double w, h;
  RsvgHandle *hd = load(svg, len, &w, &h, diags, &st);
  if (!hd)
    return st;
  double s = dpi / 96.0;
  int pw = (int)ceil(w * s), ph = (int)ceil(h * s);
  if ((double)pw * ph > MAX_PIXELS) {
    g_object_unref(hd);
    ampel_diags_error(diags, AMPEL_E_TOO_LARGE,
                      "Bild zu groß (%d × %d "
                      "Pixel); kleinere --dpi "
                      "wählen",
                      pw, ph);
    return AMPEL_E_TOO_LARGE;
  }
  cairo_surface_t *sf = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, pw, ph);
  cairo_t *cr = cairo_create(sf);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  st = draw(hd, cr, w * s, h * s, diags);
  cairo_destroy(cr);
  if (st == AMPEL_OK && cairo_surface_write_to_png_stream(sf, to_buf, out) !=
                            CAIRO_STATUS_SUCCESS)
    st = out->failed ? AMPEL_E_NOMEM : AMPEL_E_IO;
  cairo_surface_destroy(sf);
  g_object_unref(hd);
  return st;
}

static void set_meta(cairo_surface_t *sf, const ampel_raster_meta *m) {
  if (!m)
    return;
  if (m->title)
    cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_TITLE, m->title);
  if (m->subject)
    cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_SUBJECT, m->subject);
  if (m->creator)
    cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_CREATOR, m->creator);
  if (m->created >= 0) {
    time_t t = (time_t)m->created;
    struct tm tm;
    char iso[32];
    if (gmtime_r(&t, &tm) &&
        strftime(iso, sizeof iso, "%Y-%m-%dT%H:%M:%SZ", &tm) > 0)
      cairo_pdf_surface_set_metadata(sf, CAIRO_PDF_METADATA_CREATE_DATE, iso);
  }
}

ampel_status ampel_raster_pdf(const char *const *pages, const size_t *lens,
                              size_t n, const ampel_raster_meta *meta,
                              ampel_buf *out, ampel_diags *diags) {
  if (n == 0) {
    ampel_diags_error(diags, AMPEL_E_USAGE, "PDF ohne Seiten");
    return AMPEL_E_USAGE;
  }
  ampel_status st = libraries_ready(diags);
  if (st != AMPEL_OK)
    return st;
  cairo_surface_t *sf =
      cairo_pdf_surface_create_for_stream(to_buf, out, 595.28, 841.89);
  set_meta(sf, meta);
  cairo_t *cr = cairo_create(sf);
  for (size_t i = 0; i < n && st == AMPEL_OK; i++) {
    double w, h;
    RsvgHandle *hd = load(pages[i], lens[i], &w, &h, diags, &st);
    if (!hd)
      break;
    cairo_pdf_surface_set_size(sf, w * 0.75, h * 0.75);
    st = draw(hd, cr, w * 0.75, h * 0.75, diags);
    cairo_show_page(cr);
    g_object_unref(hd);
  }
  cairo_destroy(cr);
  cairo_surface_finish(sf);
  if (st == AMPEL_OK && cairo_surface_status(sf) != CAIRO_STATUS_SUCCESS)
    st = out->failed ? AMPEL_E_NOMEM : AMPEL_E_IO;
  cairo_surface_destroy(sf);
  return st;
}
