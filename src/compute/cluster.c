/* Agglomerative hierarchical clustering (cluster.h, METHODS.md §2.4).
 *
 * The algorithms are the ones SciPy uses (scipy/cluster/_hierarchy.pyx,
 * after Müllner, "Modern hierarchical, agglomerative clustering
 * algorithms", arXiv:1109.2378): the nearest-neighbour chain for the
 * reducible methods complete, average and ward, and Prim's minimum spanning
 * tree for single linkage. Both are O(n^2) time on a condensed distance
 * array. They produce the merges in an order of their own, naming each
 * cluster by one of its leaves; a stable sort by height and a union-find
 * pass then give SciPy's linkage matrix.
 *
 * To come out the same as SciPy also when distances tie, the scans run in
 * the same order (ascending item index), use the same strict comparisons
 * and the chain prefers its previous element, and the distance updates
 * evaluate the same expressions.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "ampel/alloc.h"
#include "ampel/cluster.h"

const char *ampel_linkage_name(ampel_linkage method) {
  switch (method) {
  case AMPEL_LINKAGE_COMPLETE:
    return "complete";
  case AMPEL_LINKAGE_AVERAGE:
    return "average";
  case AMPEL_LINKAGE_SINGLE:
    return "single";
  case AMPEL_LINKAGE_WARD:
    return "ward";
  }
  return "?";
}

ampel_status ampel_linkage_parse(const char *name, ampel_linkage *out_method) {
  static const ampel_linkage all[] = {AMPEL_LINKAGE_COMPLETE,
                                      AMPEL_LINKAGE_AVERAGE,
                                      AMPEL_LINKAGE_SINGLE, AMPEL_LINKAGE_WARD};
  if (!name || !out_method)
    return AMPEL_E_USAGE;
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
    if (strcmp(name, ampel_linkage_name(all[i])) == 0) {
      *out_method = all[i];
      return AMPEL_OK;
    }
  }
  return AMPEL_E_USAGE;
}

/* ---- Work space ---------------------------------------------------------
 */

/* Items are "slots" 0..n-1; a cluster lives in the slot of one of its
 * leaves. `active` lists the slots still in use in ascending order, so the
 * scans visit them in SciPy's order but skip merged slots. */
typedef struct work {
  size_t n;
  size_t *row_start; /* condensed index of (i, i+1) */
  size_t *size;      /* leaves in the cluster of a slot; 0 = merged away */
  size_t *active;
  size_t n_active;
  size_t *chain; /* NN-chain stack, or Prim's flags */
  double *min_d; /* Prim's: distance of a slot to the tree */
} work;

static void work_release(work *w) {
  ampel_free(w->row_start);
  ampel_free(w->size);
  ampel_free(w->active);
  ampel_free(w->chain);
  ampel_free(w->min_d);
  memset(w, 0, sizeof *w);
}

static ampel_status work_init(work *w, size_t n) {
  memset(w, 0, sizeof *w);
  w->n = n;
  w->row_start = ampel_reallocarray(NULL, n, sizeof(size_t));
  w->size = ampel_reallocarray(NULL, n, sizeof(size_t));
  w->active = ampel_reallocarray(NULL, n, sizeof(size_t));
  w->chain = ampel_reallocarray(NULL, n, sizeof(size_t));
  w->min_d = ampel_reallocarray(NULL, n, sizeof(double));
  if (!w->row_start || !w->size || !w->active || !w->chain || !w->min_d) {
    work_release(w);
    return AMPEL_E_NOMEM;
  }
  for (size_t i = 0; i < n; i++) {
    w->row_start[i] = i * n - i * (i + 1) / 2;
    w->size[i] = 1;
    w->active[i] = i;
    w->min_d[i] = INFINITY;
  }
  w->n_active = n;
  return AMPEL_OK;
}

/* Condensed index of the pair (i, j), i != j. */
static inline size_t cidx(const work *w, size_t i, size_t j) {
  return i < j ? w->row_start[i] + (j - i - 1) : w->row_start[j] + (i - j - 1);
}

/* Position of the first active slot >= slot (binary search: sorted). */
static size_t active_pos(const work *w, size_t slot) {
  size_t lo = 0, hi = w->n_active;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (w->active[mid] < slot)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

static void remove_active(work *w, size_t slot) {
  size_t p = active_pos(w, slot);
  memmove(w->active + p, w->active + p + 1,
          (w->n_active - p - 1) * sizeof(size_t));
  w->n_active--;
}

/* The scans below split the active slots at x: below x the pairs (i, x)
 * sit in column x of the triangle (row_start[i] + x - i - 1), above x in
 * row x (row_start[x] + i - x - 1, written base + i with a size_t base
 * that may wrap; the sum does not). This keeps branches out of the inner
 * loops and the visiting order ascending. */

/* ---- Nearest-neighbour chain ---------------------------------------------
 */

/* Lance-Williams update: distance from cluster i to the union of x and y.
 * Same expressions, in the same order, as SciPy's
 * _hierarchy_distance_update.pxi, so that the results agree to the bit. */
static double lw_update(ampel_linkage method, double d_xi, double d_yi,
                        double d_xy, size_t nx, size_t ny, size_t ni) {
  switch (method) {
  case AMPEL_LINKAGE_COMPLETE:
    return d_yi > d_xi ? d_yi : d_xi;
  case AMPEL_LINKAGE_AVERAGE:
    return ((double)nx * d_xi + (double)ny * d_yi) / (double)(nx + ny);
  case AMPEL_LINKAGE_WARD: {
    double t = 1.0 / (double)(nx + ny + ni);
    return sqrt((double)(ni + nx) * t * d_xi * d_xi +
                (double)(ni + ny) * t * d_yi * d_yi -
                (double)ni * t * d_xy * d_xy);
  }
  case AMPEL_LINKAGE_SINGLE:
    break;
  }
  return d_yi < d_xi ? d_yi : d_xi;
}

/* The nearest active neighbour of x, preferring `prev` (the element below
 * x on the chain, or SIZE_MAX) on ties; the scan keeps the first of equal
 * distances. */
static size_t nearest(const work *w, const double *d, size_t x, size_t prev,
                      double *out_dist) {
  double best = prev != SIZE_MAX ? d[cidx(w, x, prev)] : INFINITY;
  size_t y = prev, px = active_pos(w, x);
  const size_t *act = w->active, *rs = w->row_start;
  for (size_t a = 0; a < px; a++) {
    size_t i = act[a];
    double v = d[rs[i] + (x - i - 1)];
    if (v < best) {
      best = v;
      y = i;
    }
  }
  size_t base = rs[x] - x - 1;
  for (size_t a = px + 1; a < w->n_active; a++) {
    size_t i = act[a];
    double v = d[base + i];
    if (v < best) {
      best = v;
      y = i;
    }
  }
  *out_dist = best;
  return y;
}

/* Merge slot x into slot y (x < y) and update the distances to y. Each
 * update reads a pair of x (dead from now on) and writes its own pair of
 * y, so the order of the three ranges (i < x, x < i < y, i > y) does not
 * matter. */
static void nn_merge(work *w, double *d, ampel_linkage method, size_t x,
                     size_t y, double d_xy) {
  size_t nx = w->size[x], ny = w->size[y];
  w->size[x] = 0;
  w->size[y] = nx + ny;
  remove_active(w, x);
  const size_t *act = w->active, *rs = w->row_start, *sz = w->size;
  size_t px = active_pos(w, x), py = active_pos(w, y);
  size_t bx = rs[x] - x - 1, by = rs[y] - y - 1;
  for (size_t a = 0; a < px; a++) {
    size_t i = act[a], iy = rs[i] + (y - i - 1);
    d[iy] =
        lw_update(method, d[rs[i] + (x - i - 1)], d[iy], d_xy, nx, ny, sz[i]);
  }
  for (size_t a = px; a < py; a++) {
    size_t i = act[a], iy = rs[i] + (y - i - 1);
    d[iy] = lw_update(method, d[bx + i], d[iy], d_xy, nx, ny, sz[i]);
  }
  for (size_t a = py + 1; a < w->n_active; a++) {
    size_t i = act[a];
    d[by + i] = lw_update(method, d[bx + i], d[by + i], d_xy, nx, ny, sz[i]);
  }
}

/* Raw merges (slot ids, heights) into z[0..n-2]. */
static ampel_status nn_chain(work *w, double *d, ampel_linkage method,
                             ampel_cluster_merge *z, const ampel_stop *stop) {
  size_t len = 0;
  for (size_t k = 0; k + 1 < w->n; k++) {
    if (ampel_stop_requested(stop))
      return AMPEL_E_CANCELLED;
    if (len == 0)
      w->chain[len++] = w->active[0];
    size_t x, y;
    double dist;
    for (;;) {
      x = w->chain[len - 1];
      size_t prev = len > 1 ? w->chain[len - 2] : SIZE_MAX;
      y = nearest(w, d, x, prev, &dist);
      if (y == prev)
        break;
      /* Distances along the chain strictly decrease, so it cannot grow
       * past the active items; guard anyway (rounding). */
      if (len == w->n_active || y == SIZE_MAX)
        return AMPEL_E_INTERNAL;
      w->chain[len++] = y;
    }
    len -= 2;
    if (x > y) {
      size_t t = x;
      x = y;
      y = t;
    }
    z[k] = (ampel_cluster_merge){x, y, dist, 0};
    nn_merge(w, d, method, x, y, dist);
  }
  return AMPEL_OK;
}

/* ---- Single linkage: Prim's minimum spanning tree ------------------------
 */

/* Grows the tree from slot 0; each step records (last added, next added,
 * its distance to the tree), as SciPy does. Does not write to d. */
static ampel_status mst_single(work *w, const double *d, ampel_cluster_merge *z,
                               const ampel_stop *stop) {
  size_t x = 0, y = 0;
  const size_t *act = w->active, *rs = w->row_start;
  double *min_d = w->min_d;
  for (size_t k = 0; k + 1 < w->n; k++) {
    if (ampel_stop_requested(stop))
      return AMPEL_E_CANCELLED;
    double best = INFINITY;
    remove_active(w, x);
    size_t px = active_pos(w, x), base = rs[x] - x - 1;
    for (size_t a = 0; a < w->n_active; a++) {
      size_t i = act[a];
      double v = a < px ? d[rs[i] + (x - i - 1)] : d[base + i];
      if (min_d[i] > v)
        min_d[i] = v;
      if (min_d[i] < best) {
        best = min_d[i];
        y = i;
      }
    }
    z[k] = (ampel_cluster_merge){x, y, best, 0};
    x = y;
  }
  return AMPEL_OK;
}

/* ---- SciPy's order and numbering -----------------------------------------
 */

/* Stable bottom-up merge sort of z[0..n) by height, using tmp[0..n). */
static void sort_by_height(ampel_cluster_merge *z, ampel_cluster_merge *tmp,
                           size_t n) {
  ampel_cluster_merge *src = z, *dst = tmp;
  for (size_t width = 1; width < n; width *= 2) {
    for (size_t lo = 0; lo < n; lo += 2 * width) {
      size_t mid = lo + width < n ? lo + width : n;
      size_t hi = mid + width < n ? mid + width : n;
      size_t i = lo, j = mid, o = lo;
      while (i < mid && j < hi)
        dst[o++] = src[j].height < src[i].height ? src[j++] : src[i++];
      while (i < mid)
        dst[o++] = src[i++];
      while (j < hi)
        dst[o++] = src[j++];
    }
    ampel_cluster_merge *t = src;
    src = dst;
    dst = t;
  }
  if (src != z)
    memcpy(z, src, n * sizeof *z);
}

static size_t uf_find(size_t *parent, size_t x) {
  size_t root = x;
  while (parent[root] != root)
    root = parent[root];
  while (parent[x] != root) { /* path compression */
    size_t next = parent[x];
    parent[x] = root;
    x = next;
  }
  return root;
}

/* Turn the sorted raw merges (leaf representatives) into cluster ids:
 * the cluster made at step k is n+k. `parent` and `size` have 2n-1
 * entries. */
static void relabel(ampel_cluster_merge *z, size_t n, size_t *parent,
                    size_t *size) {
  for (size_t i = 0; i < 2 * n - 1; i++) {
    parent[i] = i;
    size[i] = 1;
  }
  for (size_t k = 0; k + 1 < n; k++) {
    size_t a = uf_find(parent, z[k].left);
    size_t b = uf_find(parent, z[k].right);
    z[k].left = a < b ? a : b;
    z[k].right = a < b ? b : a;
    parent[a] = parent[b] = n + k;
    size[n + k] = size[a] + size[b];
    z[k].size = size[n + k];
  }
}

/* Sort and relabel; needs 2 * (2n-1) size_t and n-1 merges of scratch. */
static ampel_status finish(ampel_cluster_merge *z, size_t n) {
  size_t *uf = ampel_reallocarray(NULL, 2 * (2 * n - 1), sizeof(size_t));
  ampel_cluster_merge *tmp = ampel_reallocarray(NULL, n - 1, sizeof *tmp);
  ampel_status st = AMPEL_E_NOMEM;
  if (uf && tmp) {
    sort_by_height(z, tmp, n - 1);
    relabel(z, n, uf, uf + (2 * n - 1));
    st = AMPEL_OK;
  }
  ampel_free(uf);
  ampel_free(tmp);
  return st;
}

/* ---- Entry points --------------------------------------------------------
 */

static ampel_status check_args(const double *d, size_t n, ampel_linkage method,
                               const ampel_cluster_merge *z) {
  if (method != AMPEL_LINKAGE_COMPLETE && method != AMPEL_LINKAGE_AVERAGE &&
      method != AMPEL_LINKAGE_SINGLE && method != AMPEL_LINKAGE_WARD)
    return AMPEL_E_USAGE;
  ampel_status st = ampel_cluster_condensed_len(n, NULL);
  if (st != AMPEL_OK)
    return st;
  /* 2n-1 union-find entries must fit as well. */
  if (n > (SIZE_MAX / 2) / sizeof(size_t))
    return AMPEL_E_TOO_LARGE;
  if (n >= 2 && (!d || !z))
    return AMPEL_E_USAGE;
  if (n >= 2)
    return ampel_cluster_check_dist(d, n, NULL, NULL);
  return AMPEL_OK;
}

/* d is read-only for single and scratch for the others. */
static ampel_status run(double *d, size_t n, ampel_linkage method,
                        ampel_cluster_merge *z, const ampel_stop *stop) {
  work w;
  ampel_status st = work_init(&w, n);
  if (st != AMPEL_OK)
    return st;
  if (method == AMPEL_LINKAGE_SINGLE)
    st = mst_single(&w, d, z, stop);
  else
    st = nn_chain(&w, d, method, z, stop);
  work_release(&w);
  if (st == AMPEL_OK)
    st = finish(z, n);
  return st;
}

ampel_status ampel_cluster_linkage_inplace(double *d, size_t n,
                                           ampel_linkage method,
                                           ampel_cluster_merge *out_z) {
  ampel_status st = check_args(d, n, method, out_z);
  if (st != AMPEL_OK || n < 2)
    return st;
  return run(d, n, method, out_z, NULL);
}

ampel_status ampel_cluster_linkage(const double *d, size_t n,
                                   ampel_linkage method,
                                   ampel_cluster_merge *out_z) {
  ampel_status st = check_args(d, n, method, out_z);
  if (st != AMPEL_OK || n < 2)
    return st;
  if (method == AMPEL_LINKAGE_SINGLE) /* Prim's never writes to d */
    return run((double *)d, n, method, out_z, NULL);
  size_t len = 0;
  st = ampel_cluster_condensed_len(n, &len);
  double *copy =
      st == AMPEL_OK ? ampel_reallocarray(NULL, len, sizeof *copy) : NULL;
  if (!copy)
    return st == AMPEL_OK ? AMPEL_E_NOMEM : st;
  memcpy(copy, d, len * sizeof *copy);
  st = run(copy, n, method, out_z, NULL);
  ampel_free(copy);
  return st;
}

ampel_status
ampel_cluster_linkage_matrix(const double *x, size_t n_rows, size_t n_cols,
                             ampel_cluster_axis axis, ampel_linkage method,
                             ampel_cluster_merge *out_z, size_t out_bad[2],
                             const ampel_stop *stop) {
  size_t n = axis == AMPEL_CLUSTER_COLS ? n_cols : n_rows;
  size_t len = 0;
  ampel_status st = ampel_cluster_condensed_len(n, &len);
  if (st != AMPEL_OK || n < 2)
    return st;
  double *d = ampel_reallocarray(NULL, len, sizeof *d);
  if (!d)
    return AMPEL_E_NOMEM;
  st = ampel_cluster_pdist(x, n_rows, n_cols, axis, d);
  if (st == AMPEL_OK)
    st = ampel_cluster_check_dist(d, n, out_bad ? &out_bad[0] : NULL,
                                  out_bad ? &out_bad[1] : NULL);
  if (st == AMPEL_OK && ampel_stop_requested(stop))
    st = AMPEL_E_CANCELLED;
  if (st == AMPEL_OK)
    st = check_args(d, n, method, out_z);
  if (st == AMPEL_OK)
    st = run(d, n, method, out_z, stop);
  ampel_free(d);
  return st;
}
