/* cairo, loaded on first use (util/dynlib.h explains why and how).
 *
 * Each function below is the cairo function of the same name with the
 * prototype of <cairo.h> (the compiler checks it against the header's
 * declaration), forwarding to the real one. A function libampel starts
 * to call is added here and to FUNCS; a missing one is a link error. */
#include <pthread.h>

#include "util/dynlib.h"

/* Hidden: the stubs stay out of the dynamic symbol table, so that
 * librsvg's own cairo calls never bind to them. */
#pragma GCC visibility push(hidden)

#include <cairo-pdf.h>
#include <cairo.h>

#define FUNCS(X)                                                               \
  X(cairo_create)                                                              \
  X(cairo_destroy)                                                             \
  X(cairo_image_surface_create)                                                \
  X(cairo_paint)                                                               \
  X(cairo_pdf_surface_create_for_stream)                                       \
  X(cairo_pdf_surface_set_metadata)                                            \
  X(cairo_pdf_surface_set_size)                                                \
  X(cairo_set_source_rgb)                                                      \
  X(cairo_show_page)                                                           \
  X(cairo_status)                                                              \
  X(cairo_surface_destroy)                                                     \
  X(cairo_surface_finish)                                                      \
  X(cairo_surface_status)                                                      \
  X(cairo_surface_write_to_png_stream)

#define SLOT(f) static __typeof__(f) *p_##f;
FUNCS(SLOT)

static ampel_dynlib lib = {.soname = AMPEL_SONAME_CAIRO,
                           .what = "PDF- und PNG-Ausgabe"};
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void load(void) {
  if (!ampel_dynlib_open(&lib))
    return;
#define LOOK(f) p_##f = (__typeof__(f) *)ampel_dynlib_sym(&lib, #f);
  FUNCS(LOOK)
}

static void need(void) {
  pthread_once(&once, load);
  if (lib.failed)
    ampel_dynlib_die(&lib);
}

ampel_status ampel_dl_cairo_ready(ampel_diags *diags) {
  pthread_once(&once, load);
  return ampel_dynlib_status(&lib, diags);
}

cairo_t *cairo_create(cairo_surface_t *target) {
  need();
  return p_cairo_create(target);
}

void cairo_destroy(cairo_t *cr) {
  need();
  p_cairo_destroy(cr);
}

cairo_surface_t *cairo_image_surface_create(cairo_format_t format, int width,
                                            int height) {
  need();
  return p_cairo_image_surface_create(format, width, height);
}

void cairo_paint(cairo_t *cr) {
  need();
  p_cairo_paint(cr);
}

cairo_surface_t *
cairo_pdf_surface_create_for_stream(cairo_write_func_t write_func,
                                    void *closure, double width_in_points,
                                    double height_in_points) {
  need();
  return p_cairo_pdf_surface_create_for_stream(
      write_func, closure, width_in_points, height_in_points);
}

void cairo_pdf_surface_set_metadata(cairo_surface_t *surface,
                                    cairo_pdf_metadata_t metadata,
                                    const char *utf8) {
  need();
  p_cairo_pdf_surface_set_metadata(surface, metadata, utf8);
}

void cairo_pdf_surface_set_size(cairo_surface_t *surface,
                                double width_in_points,
                                double height_in_points) {
  need();
  p_cairo_pdf_surface_set_size(surface, width_in_points, height_in_points);
}

void cairo_set_source_rgb(cairo_t *cr, double red, double green, double blue) {
  need();
  p_cairo_set_source_rgb(cr, red, green, blue);
}

void cairo_show_page(cairo_t *cr) {
  need();
  p_cairo_show_page(cr);
}

cairo_status_t cairo_status(cairo_t *cr) {
  need();
  return p_cairo_status(cr);
}

void cairo_surface_destroy(cairo_surface_t *surface) {
  need();
  p_cairo_surface_destroy(surface);
}

void cairo_surface_finish(cairo_surface_t *surface) {
  need();
  p_cairo_surface_finish(surface);
}

cairo_status_t cairo_surface_status(cairo_surface_t *surface) {
  need();
  return p_cairo_surface_status(surface);
}

cairo_status_t cairo_surface_write_to_png_stream(cairo_surface_t *surface,
                                                 cairo_write_func_t write_func,
                                                 void *closure) {
  need();
  return p_cairo_surface_write_to_png_stream(surface, write_func, closure);
}

#pragma GCC visibility pop
