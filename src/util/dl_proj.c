/* PROJ, loaded on first use (util/dynlib.h explains why and how).
 *
 * Each function below has the prototype of <proj.h> (the compiler checks
 * it against the header's declaration) and forwards to the real one. */
#include <pthread.h>

#include "util/dynlib.h"

/* Hidden: the stubs stay out of the dynamic symbol table (dl_cairo.c).
 * proj.h marks its functions visibility("default") through PROJ_DLL
 * unless PROJ_DLL is defined; empty, the pragma decides. */
#pragma GCC visibility push(hidden)
#define PROJ_DLL

#include <proj.h>

#define FUNCS(X)                                                               \
  X(proj_context_create)                                                       \
  X(proj_context_destroy)                                                      \
  X(proj_coord)                                                                \
  X(proj_create)                                                               \
  X(proj_create_crs_to_crs)                                                    \
  X(proj_destroy)                                                              \
  X(proj_get_type)                                                             \
  X(proj_is_crs)                                                               \
  X(proj_log_level)                                                            \
  X(proj_normalize_for_visualization)                                          \
  X(proj_trans)                                                                \
  X(proj_trans_generic)

#define SLOT(f) static __typeof__(f) *p_##f;
FUNCS(SLOT)

static ampel_dynlib lib = {.soname = AMPEL_SONAME_PROJ,
                           .what = "Umrechnung von Koordinaten (PROJ)"};
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

ampel_status ampel_dl_proj_ready(ampel_diags *diags) {
  pthread_once(&once, load);
  return ampel_dynlib_status(&lib, diags);
}

PJ_CONTEXT *proj_context_create(void) {
  need();
  return p_proj_context_create();
}

PJ_CONTEXT *proj_context_destroy(PJ_CONTEXT *ctx) {
  need();
  return p_proj_context_destroy(ctx);
}

PJ_COORD proj_coord(double x, double y, double z, double t) {
  need();
  return p_proj_coord(x, y, z, t);
}

PJ *proj_create(PJ_CONTEXT *ctx, const char *definition) {
  need();
  return p_proj_create(ctx, definition);
}

PJ *proj_create_crs_to_crs(PJ_CONTEXT *ctx, const char *source_crs,
                           const char *target_crs, PJ_AREA *area) {
  need();
  return p_proj_create_crs_to_crs(ctx, source_crs, target_crs, area);
}

PJ *proj_destroy(PJ *P) {
  need();
  return p_proj_destroy(P);
}

PJ_TYPE proj_get_type(const PJ *obj) {
  need();
  return p_proj_get_type(obj);
}

int proj_is_crs(const PJ *obj) {
  need();
  return p_proj_is_crs(obj);
}

PJ_LOG_LEVEL proj_log_level(PJ_CONTEXT *ctx, PJ_LOG_LEVEL log_level) {
  need();
  return p_proj_log_level(ctx, log_level);
}

PJ *proj_normalize_for_visualization(PJ_CONTEXT *ctx, const PJ *obj) {
  need();
  return p_proj_normalize_for_visualization(ctx, obj);
}

PJ_COORD proj_trans(PJ *P, PJ_DIRECTION direction, PJ_COORD coord) {
  need();
  return p_proj_trans(P, direction, coord);
}

size_t proj_trans_generic(PJ *P, PJ_DIRECTION direction, double *x, size_t sx,
                          size_t nx, double *y, size_t sy, size_t ny, double *z,
                          size_t sz, size_t nz, double *t, size_t st,
                          size_t nt) {
  need();
  return p_proj_trans_generic(P, direction, x, sx, nx, y, sy, ny, z, sz, nz, t,
                              st, nt);
}

#pragma GCC visibility pop
