/* Reprojection with PROJ (geo.h): whatever the file's CRS, shapes end up
 * in the UTM zone of the data's centroid (ETRS89 in Europe), so maps are
 * drawn in metres and never in raw degrees. */
#include <math.h>
#include <stdarg.h>
#include <proj.h>
#include <stdio.h>
#include <string.h>

#include "ampel/geo.h"
#include "util/dynlib.h"

static void bbox_all(ampel_geoset *g, double b[4]) {
  b[0] = b[1] = INFINITY;
  b[2] = b[3] = -INFINITY;
  for (size_t i = 0; i < ampel_geoset_n(g); i++) {
    const ampel_shape *s = ampel_geoset_shape_c(g, i);
    for (size_t k = 0; k < s->n_points; k++) {
      b[0] = fmin(b[0], s->xy[2 * k]);
      b[1] = fmin(b[1], s->xy[2 * k + 1]);
      b[2] = fmax(b[2], s->xy[2 * k]);
      b[3] = fmax(b[3], s->xy[2 * k + 1]);
    }
  }
}

/* A transformation from src to dst with x = easting/longitude. */
static PJ *make_transform(PJ_CONTEXT *ctx, const char *src, const char *dst) {
  PJ *p = proj_create_crs_to_crs(ctx, src, dst, NULL);
  if (!p)
    return NULL;
  PJ *n = proj_normalize_for_visualization(ctx, p);
  proj_destroy(p);
  return n;
}

static int epsg_for_utm(double lon, double lat) {
  int zone = (int)floor((lon + 180.0) / 6.0) + 1;
  if (zone < 1)
    zone = 1;
  if (zone > 60)
    zone = 60;
  if (lat >= 0 && zone >= 28 && zone <= 38)
    return 25800 + zone; /* ETRS89 / UTM */
  return (lat >= 0 ? 32600 : 32700) + zone;
}

static void crs_error(ampel_diags *d, const char *path, const char *fmt, ...)
    AMPEL_PRINTF(3, 4);
static void crs_error(ampel_diags *d, const char *path, const char *fmt,
                      ...) {
  va_list ap;
  va_start(ap, fmt);
  ampel_diags_vadd(d, AMPEL_SEV_ERROR, AMPEL_E_DATA, path, 0, 0, NULL, 0, fmt,
                   ap);
  va_end(ap);
}

/* Checks that the extent can be in the declared CRS. */
static int plausible(PJ_CONTEXT *ctx, PJ *crs, const double b[4],
                     const char *path, const char *def, ampel_diags *d) {
  PJ_TYPE t = proj_get_type(crs);
  int geographic = t == PJ_TYPE_GEOGRAPHIC_2D_CRS ||
                   t == PJ_TYPE_GEOGRAPHIC_3D_CRS;
  int degree_like = b[0] >= -180 && b[2] <= 180 && b[1] >= -90 && b[3] <= 90;
  char ext[160];
  snprintf(ext, sizeof ext, "x %.0f bis %.0f, y %.0f bis %.0f", b[0], b[2],
           b[1], b[3]);
  (void)ctx;
  if (geographic && !degree_like) {
    crs_error(d, path,
              "die Koordinaten (%s) können keine Grad sein, wie das "
              "Koordinatensystem %s angibt; bitte das richtige mit "
              "--crs EPSG:N angeben (z. B. --crs EPSG:25832)",
              ext, def);
    return 0;
  }
  if (!geographic && degree_like && b[2] - b[0] < 20) {
    crs_error(d, path,
              "die Koordinaten (%s) sehen wie Grad aus, das Koordinaten"
              "system %s misst aber in Metern; bitte mit --crs EPSG:N "
              "angeben (z. B. --crs EPSG:4326)",
              ext, def);
    return 0;
  }
  return 1;
}

static ampel_status transform_all(PJ *p, ampel_geoset *g) {
  for (size_t i = 0; i < ampel_geoset_n(g); i++) {
    ampel_shape *s = ampel_geoset_shape(g, i);
    if (s->n_points == 0)
      continue;
    proj_trans_generic(p, PJ_FWD, s->xy, 2 * sizeof(double), s->n_points,
                       s->xy + 1, 2 * sizeof(double), s->n_points, NULL, 0,
                       0, NULL, 0, 0);
    for (size_t k = 0; k < 2 * s->n_points; k++)
      if (!isfinite(s->xy[k]))
        return AMPEL_E_DATA;
    ampel_shape_update_bbox(s);
    s->label_x = s->label_y = NAN;
  }
  return AMPEL_OK;
}

/* Centre of the extent in lon/lat; 0 on failure. */
static int centre_lonlat(PJ_CONTEXT *ctx, const char *def, const double b[4],
                         double *lon, double *lat) {
  PJ *p = make_transform(ctx, def, "EPSG:4326");
  if (!p)
    return 0;
  PJ_COORD c = proj_coord((b[0] + b[2]) / 2, (b[1] + b[3]) / 2, 0, 0);
  c = proj_trans(p, PJ_FWD, c);
  proj_destroy(p);
  *lon = c.xy.x;
  *lat = c.xy.y;
  return isfinite(*lon) && isfinite(*lat) && fabs(*lat) <= 85 &&
         fabs(*lon) <= 180;
}

static ampel_status project_with(PJ_CONTEXT *ctx, ampel_geoset *g,
                                 const char *def, const char *path,
                                 ampel_diags *d) {
  PJ *src = proj_create(ctx, def);
  if (!src || !proj_is_crs(src)) {
    proj_destroy(src);
    crs_error(d, path,
              "das Koordinatensystem '%.80s' ist unbekannt; bitte mit "
              "--crs EPSG:N angeben",
              def);
    return AMPEL_E_DATA;
  }
  double b[4], lon = 0, lat = 0;
  bbox_all(g, b);
  int ok = plausible(ctx, src, b, path, ampel_geoset_epsg(g) > 0 ? def
                                                                 : "der Datei",
                     d);
  proj_destroy(src);
  if (!ok)
    return AMPEL_E_DATA;
  if (!centre_lonlat(ctx, def, b, &lon, &lat)) {
    crs_error(d, path,
              "die Koordinaten lassen sich nicht in geographische umrechnen; "
              "bitte das Koordinatensystem mit --crs EPSG:N angeben");
    return AMPEL_E_DATA;
  }
  int epsg = epsg_for_utm(lon, lat);
  char dst[32];
  snprintf(dst, sizeof dst, "EPSG:%d", epsg);
  PJ *p = make_transform(ctx, def, dst);
  if (!p)
    return AMPEL_E_INTERNAL;
  ampel_status st = transform_all(p, g);
  proj_destroy(p);
  if (st != AMPEL_OK) {
    crs_error(d, path,
              "einige Punkte lassen sich nicht umrechnen; stimmt das "
              "Koordinatensystem? Sonst mit --crs EPSG:N angeben");
    return st;
  }
  return ampel_geoset_set_crs(g, epsg, dst);
}

ampel_status ampel_geo_project(ampel_geoset *g, const char *force_crs,
                               const char *path, ampel_diags *diags) {
  const char *def = force_crs ? force_crs : ampel_geoset_crs_def(g);
  if (!def || !*def) {
    crs_error(diags, path,
              "das Koordinatensystem ist unbekannt (keine .prj-Datei); "
              "bitte mit --crs EPSG:N angeben, z. B. --crs EPSG:25832");
    return AMPEL_E_DATA;
  }
  /* PROJ is loaded on first use (util/dynlib.h); a broken installation
   * is reported here. ampel_geo_project_lonlat has no diags: its stubs
   * report it on stderr and end the process. */
  if (ampel_dl_proj_ready(diags) != AMPEL_OK)
    return AMPEL_E_IO;
  PJ_CONTEXT *ctx = proj_context_create();
  if (!ctx)
    return AMPEL_E_NOMEM;
  proj_log_level(ctx, PJ_LOG_NONE);
  ampel_status st = project_with(ctx, g, def, path, diags);
  proj_context_destroy(ctx);
  return st;
}

ampel_status ampel_geo_project_lonlat(const double *lon, const double *lat,
                                      size_t n, int epsg, double *out_xy) {
  PJ_CONTEXT *ctx = proj_context_create();
  if (!ctx)
    return AMPEL_E_NOMEM;
  proj_log_level(ctx, PJ_LOG_NONE);
  char dst[32];
  snprintf(dst, sizeof dst, "EPSG:%d", epsg);
  PJ *p = make_transform(ctx, "EPSG:4326", dst);
  ampel_status st = p ? AMPEL_OK : AMPEL_E_USAGE;
  for (size_t i = 0; p && i < n; i++) {
    PJ_COORD c = proj_coord(lon[i], lat[i], 0, 0);
    if (isfinite(lon[i]) && isfinite(lat[i]))
      c = proj_trans(p, PJ_FWD, c);
    out_xy[2 * i] = c.xy.x;
    out_xy[2 * i + 1] = c.xy.y;
  }
  proj_destroy(p);
  proj_context_destroy(ctx);
  return st;
}
