/* convert_key.c - a conversion key from polygon overlaps (convert_key.h).
 *
 * GEOS does the geometry: an STR tree of the new areas finds the
 * candidates of each old area, prepared geometries test them, and
 * GEOSIntersection/GEOSArea measure the overlap. Inhabitant points are
 * located with the same trees. Everything runs in one GEOS context of its
 * own (no global state). */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ampel/alloc.h"
#include "ampel/convert_key.h"
#include "geos_shape.h"

typedef struct cand {
  size_t *v;
  size_t n, cap;
  int failed; /* out of memory while collecting */
} cand;

static void cand_cb(void *item, void *ud) {
  cand *c = ud;
  if (c->n == c->cap) {
    size_t cap = c->cap ? 2 * c->cap : 16;
    size_t *v = ampel_realloc(c->v, cap * sizeof *v);
    if (!v) {
      c->failed = 1;
      return;
    }
    c->v = v;
    c->cap = cap;
  }
  c->v[c->n++] = (size_t)(uintptr_t)item - 1;
}

static int by_index(const void *a, const void *b) {
  size_t x = *(const size_t *)a, y = *(const size_t *)b;
  return x < y ? -1 : x > y;
}

/* Pairs grow per old area; pop accumulates inhabitant points. */
typedef struct work {
  ampel_key_pair *p;
  double *area, *pop;
  size_t n, cap;
} work;

static ampel_status pair_add(work *w, size_t o, size_t n, double area) {
  if (w->n == w->cap) {
    size_t cap = w->cap ? 2 * w->cap : 64;
    ampel_key_pair *p = ampel_realloc(w->p, cap * sizeof *p);
    if (!p)
      return AMPEL_E_NOMEM;
    w->p = p;
    double *a = ampel_realloc(w->area, cap * sizeof *a);
    if (!a)
      return AMPEL_E_NOMEM;
    w->area = a;
    double *q = ampel_realloc(w->pop, cap * sizeof *q);
    if (!q)
      return AMPEL_E_NOMEM;
    w->pop = q;
    w->cap = cap;
  }
  w->p[w->n] = (ampel_key_pair){o, n, 0.0};
  w->area[w->n] = area;
  w->pop[w->n] = 0.0;
  w->n++;
  return AMPEL_OK;
}

typedef struct layer {
  size_t n;
  GEOSGeometry **g;
  const GEOSPreparedGeometry **prep;
  GEOSSTRtree *tree;
} layer;

static ampel_status layer_make(GEOSContextHandle_t h, const ampel_geoset *set,
                               const char *what, layer *L, ampel_diags *d) {
  L->n = ampel_geoset_n(set);
  L->g = ampel_calloc(L->n + 1, sizeof *L->g);
  L->prep = ampel_calloc(L->n + 1, sizeof *L->prep);
  L->tree = GEOSSTRtree_create_r(h, 10);
  if (!L->g || !L->prep || !L->tree)
    return AMPEL_E_NOMEM;
  for (size_t i = 0; i < L->n; i++) {
    const ampel_shape *s = ampel_geoset_shape_c(set, i);
    if (!s || s->n_points == 0)
      continue;
    L->g[i] = ampel_geos_from_shape(h, s);
    L->prep[i] = L->g[i] ? GEOSPrepare_r(h, L->g[i]) : NULL;
    if (!L->prep[i]) {
      ampel_diags_error(d, AMPEL_E_DATA,
                        "%s Fläche '%s' lässt sich nicht verarbeiten", what,
                        ampel_geoset_key(set, i));
      return AMPEL_E_DATA;
    }
    GEOSSTRtree_insert_r(h, L->tree, L->g[i], (void *)(uintptr_t)(i + 1));
  }
  return AMPEL_OK;
}

static void layer_free(GEOSContextHandle_t h, layer *L) {
  if (L->tree)
    GEOSSTRtree_destroy_r(h, L->tree);
  for (size_t i = 0; L->g && L->prep && i < L->n; i++) {
    if (L->prep[i])
      GEOSPreparedGeom_destroy_r(h, L->prep[i]);
    if (L->g[i])
      GEOSGeom_destroy_r(h, L->g[i]);
  }
  ampel_free(L->g);
  ampel_free(L->prep);
}

/* The overlaps of old area o with the new areas (pairs in new order). */
static ampel_status overlaps(GEOSContextHandle_t h, const layer *O,
                             const layer *N, size_t o, const ampel_geoset *old,
                             cand *c, work *w, double *covered,
                             ampel_diags *d) {
  c->n = 0;
  GEOSSTRtree_query_r(h, N->tree, O->g[o], cand_cb, c);
  if (c->failed)
    return AMPEL_E_NOMEM;
  qsort(c->v, c->n, sizeof *c->v, by_index);
  double total = 0.0;
  for (size_t k = 0; k < c->n; k++) {
    size_t n = c->v[k];
    char hit = GEOSPreparedIntersects_r(h, O->prep[o], N->g[n]);
    if (hit == 0)
      continue;
    GEOSGeometry *x = hit == 1 ? GEOSIntersection_r(h, O->g[o], N->g[n]) : NULL;
    double a = 0.0;
    if (!x || !GEOSArea_r(h, x, &a)) {
      if (x)
        GEOSGeom_destroy_r(h, x);
      ampel_diags_error(d, AMPEL_E_DATA,
                        "die Überschneidung der alten Fläche '%s' mit einer "
                        "neuen lässt sich nicht berechnen (ungültige "
                        "Fläche?)",
                        ampel_geoset_key(old, o));
      return AMPEL_E_DATA;
    }
    GEOSGeom_destroy_r(h, x);
    if (a <= 0.0)
      continue; /* touching only */
    total += a;
    ampel_status s = pair_add(w, o, n, a);
    if (s != AMPEL_OK)
      return s;
  }
  double own = 0.0;
  GEOSArea_r(h, O->g[o], &own);
  *covered = own > 0.0 ? fmin(1.0, total / own) : 0.0;
  return AMPEL_OK;
}

/* Adds every inhabitant point to the pair (old, new) it lies in. */
static ampel_status locate_points(GEOSContextHandle_t h, const layer *O,
                                  const layer *N, const ampel_key_opts *o,
                                  const size_t *first, work *w, cand *c,
                                  ampel_key_result *out,
                                  const ampel_stop *stop) {
  for (size_t i = 0; i < o->n_pts; i++) {
    if ((i & 4095) == 0 && ampel_stop_requested(stop))
      return AMPEL_E_CANCELLED;
    double x = o->pt_xy[2 * i], y = o->pt_xy[2 * i + 1], p = o->pt_pop[i];
    if (!isfinite(x) || !isfinite(y) || !(p > 0.0))
      continue;
    GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(h, x, y);
    if (!pt)
      return AMPEL_E_NOMEM;
    long in_old = -1, in_new = -1;
    c->n = 0;
    GEOSSTRtree_query_r(h, O->tree, pt, cand_cb, c);
    qsort(c->v, c->n, sizeof *c->v, by_index);
    for (size_t k = 0; k < c->n && in_old < 0; k++)
      if (GEOSPreparedIntersects_r(h, O->prep[c->v[k]], pt) == 1)
        in_old = (long)c->v[k];
    if (in_old >= 0) {
      c->n = 0;
      GEOSSTRtree_query_r(h, N->tree, pt, cand_cb, c);
      qsort(c->v, c->n, sizeof *c->v, by_index);
      for (size_t k = 0; k < c->n && in_new < 0; k++)
        if (GEOSPreparedIntersects_r(h, N->prep[c->v[k]], pt) == 1)
          in_new = (long)c->v[k];
    }
    GEOSGeom_destroy_r(h, pt);
    if (c->failed)
      return AMPEL_E_NOMEM;
    if (in_old < 0) {
      out->n_pts_outside++;
      continue;
    }
    out->old[in_old].pop += p;
    for (size_t k = first[in_old]; in_new >= 0 && k < first[in_old + 1]; k++)
      if (w->p[k].new_i == (size_t)in_new)
        w->pop[k] += p;
  }
  return AMPEL_OK;
}

static int by_old_share(const void *a, const void *b) {
  const ampel_key_pair *x = a, *y = b;
  if (x->old_i != y->old_i)
    return x->old_i < y->old_i ? -1 : 1;
  if (x->share != y->share)
    return x->share > y->share ? -1 : 1;
  return x->new_i < y->new_i ? -1 : x->new_i > y->new_i;
}

/* Shares of one old area's pairs [b, e): weights, slivers, back to 1. */
static void shares(work *w, size_t b, size_t e, const ampel_key_opts *o,
                   ampel_key_old *info) {
  int by_pop = o->weight == AMPEL_KEY_BY_POPULATION;
  double sum = 0.0;
  for (size_t k = b; k < e; k++)
    sum += by_pop ? w->pop[k] : w->area[k];
  if (by_pop && !(sum > 0.0)) {
    info->area_weights = 1;
    by_pop = 0;
    sum = 0.0;
    for (size_t k = b; k < e; k++)
      sum += w->area[k];
  }
  double kept = 0.0;
  for (size_t k = b; k < e; k++) {
    double s = sum > 0.0 ? (by_pop ? w->pop[k] : w->area[k]) / sum : 0.0;
    if (s < o->min_share) {
      s = 0.0;
      info->n_dropped++;
    }
    w->p[k].share = s;
    kept += s;
  }
  for (size_t k = b; k < e && kept > 0.0; k++)
    w->p[k].share /= kept;
}

ampel_status ampel_key_derive(const ampel_geoset *old, const ampel_geoset *neu,
                              const ampel_key_opts *o, ampel_key_result *out,
                              const ampel_stop *stop, ampel_diags *diags) {
  memset(out, 0, sizeof *out);
  GEOSContextHandle_t h = GEOS_init_r();
  if (!h)
    return AMPEL_E_NOMEM;
  layer O = {0}, N = {0};
  cand c = {0};
  work w = {0};
  size_t n_old = ampel_geoset_n(old);
  size_t *first = ampel_calloc(n_old + 2, sizeof *first);
  out->old = ampel_calloc(n_old + 1, sizeof *out->old);
  out->n_old = n_old;
  ampel_status s = first && out->old ? AMPEL_OK : AMPEL_E_NOMEM;
  if (s == AMPEL_OK)
    s = layer_make(h, old, "alte", &O, diags);
  if (s == AMPEL_OK)
    s = layer_make(h, neu, "neue", &N, diags);
  for (size_t i = 0; s == AMPEL_OK && i < n_old; i++) {
    if (ampel_stop_requested(stop))
      s = AMPEL_E_CANCELLED;
    first[i] = w.n;
    if (s == AMPEL_OK && O.g[i])
      s = overlaps(h, &O, &N, i, old, &c, &w, &out->old[i].covered, diags);
  }
  first[n_old] = w.n;
  if (s == AMPEL_OK && o->weight == AMPEL_KEY_BY_POPULATION)
    s = locate_points(h, &O, &N, o, first, &w, &c, out, stop);
  if (s == AMPEL_OK) {
    for (size_t i = 0; i < n_old; i++) {
      shares(&w, first[i], first[i + 1], o, &out->old[i]);
      out->n_dropped += out->old[i].n_dropped;
    }
    /* Keep the pairs with a share; by old area, largest share first. */
    size_t m = 0;
    for (size_t k = 0; k < w.n; k++)
      if (w.p[k].share > 0.0)
        w.p[m++] = w.p[k];
    qsort(w.p, m, sizeof *w.p, by_old_share);
    out->pairs = w.p;
    out->n_pairs = m;
    w.p = NULL;
  }
  layer_free(h, &O);
  layer_free(h, &N);
  GEOS_finish_r(h);
  ampel_free(c.v);
  ampel_free(w.p);
  ampel_free(w.area);
  ampel_free(w.pop);
  ampel_free(first);
  if (s != AMPEL_OK)
    ampel_key_result_release(out);
  return s;
}

void ampel_key_result_release(ampel_key_result *r) {
  ampel_free(r->pairs);
  ampel_free(r->old);
  memset(r, 0, sizeof *r);
}
