/* Validity, repair, label points and neighbours with GEOS (geo.h). Uses
 * the reentrant GEOS API with one context per call (no globals). */
#include <geos_c.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ampel/alloc.h"
#include "ampel/geo.h"
#include "geos_shape.h"

static GEOSGeometry *ring_to_geos(GEOSContextHandle_t h, const ampel_shape *s,
                                  size_t r) {
  size_t a = s->ring_pt[r], n = s->ring_pt[r + 1] - a;
  GEOSCoordSequence *cs = GEOSCoordSeq_create_r(h, (unsigned)n, 2);
  if (!cs)
    return NULL;
  for (size_t i = 0; i < n; i++)
    GEOSCoordSeq_setXY_r(h, cs, (unsigned)i, s->xy[2 * (a + i)],
                         s->xy[2 * (a + i) + 1]);
  return GEOSGeom_createLinearRing_r(h, cs);
}

static GEOSGeometry *poly_to_geos(GEOSContextHandle_t h, const ampel_shape *s,
                                  size_t p) {
  size_t r0 = s->poly_ring[p], nr = s->poly_ring[p + 1] - r0;
  if (nr == 0)
    return NULL;
  GEOSGeometry *shell = ring_to_geos(h, s, r0);
  GEOSGeometry **holes = ampel_calloc(nr, sizeof *holes);
  if (!shell || !holes) {
    GEOSGeom_destroy_r(h, shell);
    ampel_free(holes);
    return NULL;
  }
  size_t nh = 0;
  for (size_t r = 1; r < nr; r++) {
    GEOSGeometry *hole = ring_to_geos(h, s, r0 + r);
    if (hole)
      holes[nh++] = hole;
  }
  GEOSGeometry *poly =
      GEOSGeom_createPolygon_r(h, shell, holes, (unsigned)nh);
  ampel_free(holes);
  return poly;
}

/* The shape as a GEOS MultiPolygon; NULL on failure (bad rings). */
static GEOSGeometry *shape_to_geos(GEOSContextHandle_t h,
                                   const ampel_shape *s) {
  GEOSGeometry **polys = ampel_calloc(s->n_polys + 1, sizeof *polys);
  if (!polys)
    return NULL;
  size_t n = 0;
  for (size_t p = 0; p < s->n_polys; p++) {
    GEOSGeometry *g = poly_to_geos(h, s, p);
    if (g)
      polys[n++] = g;
  }
  GEOSGeometry *m = GEOSGeom_createCollection_r(h, GEOS_MULTIPOLYGON, polys,
                                                (unsigned)n);
  ampel_free(polys);
  return m;
}

GEOSGeometry *ampel_geos_from_shape(GEOSContextHandle_t h,
                                    const ampel_shape *s) {
  return shape_to_geos(h, s);
}

static ampel_status add_ring_from(GEOSContextHandle_t h,
                                  const GEOSGeometry *ring,
                                  ampel_shape_builder *b) {
  const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(h, ring);
  unsigned n = 0;
  GEOSCoordSeq_getSize_r(h, cs, &n);
  ampel_status st = ampel_shape_builder_ring(b);
  for (unsigned i = 0; st == AMPEL_OK && i < n; i++) {
    double x, y;
    GEOSCoordSeq_getXY_r(h, cs, i, &x, &y);
    st = ampel_shape_builder_point(b, x, y);
  }
  return st;
}

/* Appends the polygons of g (Polygon, MultiPolygon or a collection that
 * holds them; other parts are dropped) to b. */
static ampel_status add_polys(GEOSContextHandle_t h, const GEOSGeometry *g,
                              ampel_shape_builder *b) {
  int t = GEOSGeomTypeId_r(h, g);
  if (t == GEOS_POLYGON) {
    ampel_status st = ampel_shape_builder_poly(b);
    if (st == AMPEL_OK)
      st = add_ring_from(h, GEOSGetExteriorRing_r(h, g), b);
    int nh = GEOSGetNumInteriorRings_r(h, g);
    for (int i = 0; st == AMPEL_OK && i < nh; i++)
      st = add_ring_from(h, GEOSGetInteriorRingN_r(h, g, i), b);
    return st;
  }
  if (t == GEOS_MULTIPOLYGON || t == GEOS_GEOMETRYCOLLECTION) {
    int n = GEOSGetNumGeometries_r(h, g);
    for (int i = 0; i < n; i++) {
      ampel_status st = add_polys(h, GEOSGetGeometryN_r(h, g, i), b);
      if (st != AMPEL_OK)
        return st;
    }
  }
  return AMPEL_OK;
}

/* Repairs with make-valid; 1 when the result is polygonal and its area
 * within 1 % of the original's. */
static int repair(GEOSContextHandle_t h, GEOSGeometry *g, ampel_shape *s) {
  GEOSGeometry *v = GEOSMakeValid_r(h, g);
  if (!v)
    return 0;
  double a0 = 0, a1 = 0;
  GEOSArea_r(h, v, &a1);
  a0 = fabs(ampel_shape_area(s));
  int ok = a1 > 0 && fabs(a1 - a0) <= 0.01 * fmax(a0, a1);
  ampel_shape_builder b;
  ampel_shape_builder_init(&b);
  if (ok && add_polys(h, v, &b) == AMPEL_OK && b.s.n_polys > 0) {
    ampel_shape_release(s);
    ampel_shape_builder_finish(&b, s);
  } else {
    ok = 0;
  }
  ampel_shape_builder_release(&b);
  GEOSGeom_destroy_r(h, v);
  return ok;
}

static void label_point(GEOSContextHandle_t h, const GEOSGeometry *g,
                        ampel_shape *s) {
  GEOSGeometry *p = GEOSPointOnSurface_r(h, g);
  s->label_x = s->label_y = NAN;
  if (p) {
    GEOSGeomGetX_r(h, p, &s->label_x);
    GEOSGeomGetY_r(h, p, &s->label_y);
    GEOSGeom_destroy_r(h, p);
  }
}

static const char *area_name(const ampel_geoset *g, size_t i) {
  const char *n = ampel_geoset_name(g, i);
  return n && *n ? n : ampel_geoset_key(g, i);
}

static ampel_status check_one(GEOSContextHandle_t h, ampel_geoset *g,
                              size_t i, const char *path,
                              ampel_diags *diags) {
  ampel_shape *s = ampel_geoset_shape(g, i);
  GEOSGeometry *geom = shape_to_geos(h, s);
  if (!geom) {
    ampel_diags_add(diags, AMPEL_SEV_ERROR, AMPEL_E_DATA, path,
                    ampel_geoset_line(g, i), 0, NULL, 0,
                    "Gebiet '%s': die Fläche ist unbrauchbar (Ringe mit "
                    "weniger als 4 Punkten)",
                    area_name(g, i));
    return AMPEL_E_DATA;
  }
  ampel_status st = AMPEL_OK;
  if (GEOSisValid_r(h, geom) != 1) {
    char *why = GEOSisValidReason_r(h, geom);
    if (repair(h, geom, s)) {
      ampel_diags_add(diags, AMPEL_SEV_WARNING, AMPEL_E_DATA, path,
                      ampel_geoset_line(g, i), 0, NULL, 0,
                      "Gebiet '%s': ungültige Fläche (%s) wurde repariert",
                      area_name(g, i), why ? why : "?");
      GEOSGeom_destroy_r(h, geom);
      geom = shape_to_geos(h, s);
    } else {
      ampel_diags_add(diags, AMPEL_SEV_ERROR, AMPEL_E_DATA, path,
                      ampel_geoset_line(g, i), 0, NULL, 0,
                      "Gebiet '%s': ungültige Fläche (%s), nicht sicher zu "
                      "reparieren",
                      area_name(g, i), why ? why : "?");
      st = AMPEL_E_DATA;
    }
    GEOSFree_r(h, why);
  }
  if (st == AMPEL_OK && geom)
    label_point(h, geom, s);
  GEOSGeom_destroy_r(h, geom);
  return st;
}

ampel_status ampel_geo_validate(ampel_geoset *g, const char *path,
                                ampel_diags *diags) {
  GEOSContextHandle_t h = GEOS_init_r();
  if (!h)
    return AMPEL_E_NOMEM;
  ampel_status worst = AMPEL_OK;
  for (size_t i = 0; i < ampel_geoset_n(g); i++) {
    ampel_status st = check_one(h, g, i, path, diags);
    if (st != AMPEL_OK)
      worst = st;
  }
  GEOS_finish_r(h);
  return worst;
}

/* ---- neighbours -------------------------------------------------------- */

static int cmp_minx(const void *a, const void *b, void *ud) {
  const ampel_geoset *g = ud;
  double x = ampel_geoset_shape_c(g, *(const size_t *)a)->bbox[0],
         y = ampel_geoset_shape_c(g, *(const size_t *)b)->bbox[0];
  return (x > y) - (x < y);
}

/* Insertion sort by bbox min x (qsort_r is not in C17/POSIX); n is the
 * number of areas of one import, and the order is nearly sorted often. */
static void sort_by_minx(size_t *idx, size_t n, const ampel_geoset *g) {
  for (size_t i = 1; i < n; i++) {
    size_t v = idx[i], j = i;
    while (j > 0 && cmp_minx(&idx[j - 1], &v, (void *)g) > 0) {
      idx[j] = idx[j - 1];
      j--;
    }
    idx[j] = v;
  }
}

static int boxes_meet(const double *a, const double *b) {
  return a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3];
}

ampel_status ampel_geo_neighbours(ampel_geoset *g) {
  size_t n = ampel_geoset_n(g);
  ampel_geoset_clear_neighbours(g);
  GEOSContextHandle_t h = GEOS_init_r();
  size_t *idx = ampel_calloc(n + 1, sizeof *idx);
  GEOSGeometry **geo = ampel_calloc(n + 1, sizeof *geo);
  ampel_status st = h && idx && geo ? AMPEL_OK : AMPEL_E_NOMEM;
  for (size_t i = 0; st == AMPEL_OK && i < n; i++) {
    idx[i] = i;
    geo[i] = shape_to_geos(h, ampel_geoset_shape_c(g, i));
  }
  if (st == AMPEL_OK)
    sort_by_minx(idx, n, g);
  for (size_t a = 0; st == AMPEL_OK && a < n; a++) {
    const double *ba = ampel_geoset_shape_c(g, idx[a])->bbox;
    for (size_t b = a + 1; st == AMPEL_OK && b < n; b++) {
      const double *bb = ampel_geoset_shape_c(g, idx[b])->bbox;
      if (bb[0] > ba[2])
        break;
      if (!boxes_meet(ba, bb) || !geo[idx[a]] || !geo[idx[b]])
        continue;
      /* boundaries meet along a line (dimension 1) */
      if (GEOSRelatePattern_r(h, geo[idx[a]], geo[idx[b]], "****1****") == 1)
        st = ampel_geoset_add_neighbour(g, idx[a], idx[b]);
    }
  }
  for (size_t i = 0; geo && i < n; i++)
    if (geo[i])
      GEOSGeom_destroy_r(h, geo[i]);
  ampel_free(geo);
  ampel_free(idx);
  if (h)
    GEOS_finish_r(h);
  return st;
}
