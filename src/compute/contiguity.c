/* contiguity.c - queen contiguity (lisa.h, METHODS.md §12): two shapes are
 * neighbours when they share at least one point; two tiles of a tile map
 * when they touch, corners included.
 *
 * Shapes:
 * Candidates come from a sweep over the bounding boxes sorted by their
 * left edge (O(n log n) plus the pairs whose boxes meet); each candidate
 * pair is tested with a prepared geometry, "within AMPEL_QUEEN_TOLERANCE"
 * rather than "intersects", so that boundaries which should coincide but
 * differ in the last bits (projected shared vertices, hand-made grids)
 * still touch. One GEOS context per call: reentrant. */
#include <stdlib.h>
#include <string.h>

#include "ampel/alloc.h"
#include "ampel/lisa.h"
#include "geos_shape.h"

typedef struct edge {
  size_t a, b;
} edge;

typedef struct edges {
  edge *e;
  size_t n, cap;
} edges;

static ampel_status edge_add(edges *l, size_t a, size_t b) {
  if (l->n == l->cap) {
    size_t cap = l->cap ? 2 * l->cap : 64;
    edge *e = ampel_realloc(l->e, cap * sizeof *e);
    if (!e)
      return AMPEL_E_NOMEM;
    l->e = e;
    l->cap = cap;
  }
  l->e[l->n++] = (edge){a, b};
  return AMPEL_OK;
}

typedef struct left {
  double minx;
  size_t i;
} left;

static int by_left(const void *pa, const void *pb) {
  const left *a = pa, *b = pb;
  if (a->minx != b->minx)
    return a->minx < b->minx ? -1 : 1;
  return (a->i > b->i) - (a->i < b->i);
}

static int boxes_near(const double *a, const double *b, double tol) {
  return a[0] <= b[2] + tol && b[0] <= a[2] + tol && a[1] <= b[3] + tol &&
         b[1] <= a[3] + tol;
}

static int by_id(const void *pa, const void *pb) {
  size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
  return (a > b) - (a < b);
}

/* The undirected edges as compressed rows, each row ascending. */
static ampel_status to_graph(const edges *l, size_t n, ampel_lisa_graph *g) {
  g->n = n;
  g->off = ampel_calloc(n + 1, sizeof *g->off);
  g->nb = ampel_calloc(2 * l->n + 1, sizeof *g->nb);
  size_t *fill = ampel_calloc(n + 1, sizeof *fill);
  ampel_status s = g->off && g->nb && fill ? AMPEL_OK : AMPEL_E_NOMEM;
  for (size_t k = 0; s == AMPEL_OK && k < l->n; k++) {
    g->off[l->e[k].a + 1]++;
    g->off[l->e[k].b + 1]++;
  }
  for (size_t i = 0; s == AMPEL_OK && i < n; i++) {
    g->off[i + 1] += g->off[i];
    fill[i] = g->off[i];
  }
  for (size_t k = 0; s == AMPEL_OK && k < l->n; k++) {
    g->nb[fill[l->e[k].a]++] = l->e[k].b;
    g->nb[fill[l->e[k].b]++] = l->e[k].a;
  }
  for (size_t i = 0; s == AMPEL_OK && i < n; i++)
    qsort(g->nb + g->off[i], g->off[i + 1] - g->off[i], sizeof *g->nb, by_id);
  ampel_free(fill);
  return s;
}

/* Tests every candidate pair of the sweep; fills l. */
static ampel_status sweep(GEOSContextHandle_t h, const ampel_shape *const *sh,
                          const left *order, size_t m, GEOSGeometry **geo,
                          const GEOSPreparedGeometry **prep, edges *l) {
  const double tol = AMPEL_QUEEN_TOLERANCE;
  ampel_status s = AMPEL_OK;
  for (size_t x = 0; s == AMPEL_OK && x < m; x++) {
    size_t a = order[x].i;
    const double *ba = sh[a]->bbox;
    for (size_t y = x + 1; s == AMPEL_OK && y < m; y++) {
      size_t b = order[y].i;
      if (order[y].minx > ba[2] + tol)
        break;
      if (!boxes_near(ba, sh[b]->bbox, tol))
        continue;
      char hit = GEOSPreparedDistanceWithin_r(h, prep[a], geo[b], tol);
      if (hit == 2)
        s = AMPEL_E_DATA;
      else if (hit == 1)
        s = edge_add(l, a < b ? a : b, a < b ? b : a);
    }
  }
  return s;
}

ampel_status ampel_geo_queen(const ampel_shape *const *shapes, size_t n,
                             ampel_lisa_graph *out) {
  memset(out, 0, sizeof *out);
  GEOSContextHandle_t h = GEOS_init_r();
  GEOSGeometry **geo = ampel_calloc(n + 1, sizeof *geo);
  const GEOSPreparedGeometry **prep = ampel_calloc(n + 1, sizeof *prep);
  left *order = ampel_calloc(n + 1, sizeof *order);
  edges l = {NULL, 0, 0};
  size_t m = 0;
  ampel_status s = h && geo && prep && order ? AMPEL_OK : AMPEL_E_NOMEM;
  for (size_t i = 0; s == AMPEL_OK && i < n; i++) {
    if (!shapes[i] || shapes[i]->n_points == 0)
      continue;
    geo[i] = ampel_geos_from_shape(h, shapes[i]);
    prep[i] = geo[i] ? GEOSPrepare_r(h, geo[i]) : NULL;
    if (!prep[i])
      s = AMPEL_E_DATA;
    order[m++] = (left){shapes[i]->bbox[0], i};
  }
  if (s == AMPEL_OK) {
    qsort(order, m, sizeof *order, by_left);
    s = sweep(h, shapes, order, m, geo, prep, &l);
  }
  if (s == AMPEL_OK)
    s = to_graph(&l, n, out);
  for (size_t i = 0; geo && prep && i < n; i++) {
    if (prep[i])
      GEOSPreparedGeom_destroy_r(h, prep[i]);
    if (geo[i])
      GEOSGeom_destroy_r(h, geo[i]);
  }
  ampel_free(geo);
  ampel_free(prep);
  ampel_free(order);
  ampel_free(l.e);
  if (h)
    GEOS_finish_r(h);
  if (s != AMPEL_OK)
    ampel_lisa_graph_release(out);
  return s;
}

/* ---- tiles -----------------------------------------------------------------
 */

typedef struct tile {
  int64_t row, col;
  size_t i;
} tile;

static int by_cell(const void *pa, const void *pb) {
  const tile *a = pa, *b = pb;
  if (a->row != b->row)
    return a->row < b->row ? -1 : 1;
  if (a->col != b->col)
    return a->col < b->col ? -1 : 1;
  return (a->i > b->i) - (a->i < b->i);
}

/* First tile at or after (row, col) in the sorted t[0..m-1]. */
static size_t lower(const tile *t, size_t m, int64_t row, int64_t col) {
  size_t lo = 0, hi = m;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (t[mid].row < row || (t[mid].row == row && t[mid].col < col))
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

ampel_status ampel_tile_queen(const int32_t *row, const int32_t *col, size_t n,
                              ampel_lisa_graph *out) {
  memset(out, 0, sizeof *out);
  tile *t = ampel_calloc(n + 1, sizeof *t);
  edges l = {NULL, 0, 0};
  ampel_status s = t ? AMPEL_OK : AMPEL_E_NOMEM;
  size_t m = 0;
  for (size_t i = 0; s == AMPEL_OK && i < n; i++)
    if (row[i] != AMPEL_NO_TILE && col[i] != AMPEL_NO_TILE)
      t[m++] = (tile){row[i], col[i], i};
  if (s == AMPEL_OK)
    qsort(t, m, sizeof *t, by_cell);
  /* each pair once: from the tile earlier in (row, col, i) order */
  for (size_t x = 0; s == AMPEL_OK && x < m; x++)
    for (int64_t dr = -1; s == AMPEL_OK && dr <= 1; dr++)
      for (size_t y = lower(t, m, t[x].row + dr, t[x].col - 1);
           s == AMPEL_OK && y < m && t[y].row == t[x].row + dr &&
           t[y].col <= t[x].col + 1;
           y++)
        if (by_cell(&t[x], &t[y]) < 0)
          s = edge_add(&l, t[x].i < t[y].i ? t[x].i : t[y].i,
                       t[x].i < t[y].i ? t[y].i : t[x].i);
  if (s == AMPEL_OK)
    s = to_graph(&l, n, out);
  ampel_free(t);
  ampel_free(l.e);
  if (s != AMPEL_OK)
    ampel_lisa_graph_release(out);
  return s;
}
