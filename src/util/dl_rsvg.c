/* librsvg (and the two glib/gobject functions libampel calls with its
 * objects), loaded on first use (util/dynlib.h explains why and how).
 *
 * Each function below has the prototype of <librsvg/rsvg.h> or of glib's
 * headers (the compiler checks it against the header's declaration) and
 * forwards to the real one. g_object_unref and g_error_free are looked up
 * through librsvg's handle: dlsym searches the library's dependencies,
 * which are glib and gobject. */
#include <pthread.h>

#include "util/dynlib.h"

/* Hidden: the stubs stay out of the dynamic symbol table (dl_cairo.c). */
#pragma GCC visibility push(hidden)

#include <librsvg/rsvg.h>

#define FUNCS(X)                                                               \
  X(rsvg_handle_new_from_data)                                                 \
  X(rsvg_handle_set_dpi)                                                       \
  X(rsvg_handle_get_intrinsic_size_in_pixels)                                  \
  X(rsvg_handle_render_document)                                               \
  X(g_object_unref)                                                            \
  X(g_error_free)

#define SLOT(f) static __typeof__(f) *p_##f;
FUNCS(SLOT)

static ampel_dynlib lib = {.soname = AMPEL_SONAME_RSVG,
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

ampel_status ampel_dl_rsvg_ready(ampel_diags *diags) {
  pthread_once(&once, load);
  return ampel_dynlib_status(&lib, diags);
}

RsvgHandle *rsvg_handle_new_from_data(const guint8 *data, gsize data_len,
                                      GError **error) {
  need();
  return p_rsvg_handle_new_from_data(data, data_len, error);
}

void rsvg_handle_set_dpi(RsvgHandle *handle, double dpi) {
  need();
  p_rsvg_handle_set_dpi(handle, dpi);
}

gboolean rsvg_handle_get_intrinsic_size_in_pixels(RsvgHandle *handle,
                                                  gdouble *out_width,
                                                  gdouble *out_height) {
  need();
  return p_rsvg_handle_get_intrinsic_size_in_pixels(handle, out_width,
                                                    out_height);
}

gboolean rsvg_handle_render_document(RsvgHandle *handle, cairo_t *cr,
                                     const RsvgRectangle *viewport,
                                     GError **error) {
  need();
  return p_rsvg_handle_render_document(handle, cr, viewport, error);
}

void g_object_unref(gpointer object) {
  need();
  p_g_object_unref(object);
}

void g_error_free(GError *error) {
  need();
  p_g_error_free(error);
}

#pragma GCC visibility pop
