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
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ampel/alloc.h"
#include "ampel/cluster.h"
#include "cluster_internal.h"

const char *ampel_linkage_name(ampel_linkage method) {
  switch (method) {
  case AMPEL_LINKAGE_COMPLETE: return "complete";
  case AMPEL_LINKAGE_AVERAGE: return "average";
  case AMPEL_LINKAGE_SINGLE: return "single";
  case AMPEL_LINKAGE_WARD: return "ward";
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

#define NONE SIZE_MAX

/* How many entries ahead the column walks prefetch. */
#define AHEAD 16

/* Items are "slots" 0..n-1; a cluster lives in the slot of one of its
 * leaves. `active` lists the slots still in use in ascending order, so the
 * scans visit them in SciPy's order but skip merged slots.
 *
 * Each active slot has a list of its nearest neighbours
 * (cluster_internal.h): the first pair is what a scan of the row in
 * ascending order with a strict comparison finds. A merge of x into y
 * takes x and y out of every list and puts the new distance to y back in
 * when it is below the list's bound, so lists stay exact with one pass
 * over the merge's row; a list that runs empty is filled again by a scan
 * when the chain asks for that slot. The chain thus mostly reads its
 * answer instead of scanning a row (half of it in a column of the
 * triangle, one cache line per entry). */
typedef struct work {
  size_t n;
  size_t *row_start; /* condensed index of (i, i+1) */
  size_t *size;      /* leaves in the cluster of a slot; 0 = merged away */
  size_t *active;
  size_t n_active;
  size_t *chain;     /* NN-chain stack */
  ampel_nn_list *nn; /* per slot */
  double *min_d;     /* Prim's: distance of a slot to the tree */
} work;

static void work_release(work *w) {
  ampel_free(w->row_start);
  ampel_free(w->size);
  ampel_free(w->active);
  ampel_free(w->chain);
  ampel_free(w->nn);
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
  w->nn = ampel_reallocarray(NULL, n, sizeof *w->nn);
  w->min_d = ampel_reallocarray(NULL, n, sizeof(double));
  if (!w->row_start || !w->size || !w->active || !w->chain || !w->nn ||
      !w->min_d) {
    work_release(w);
    return AMPEL_E_NOMEM;
  }
  for (size_t i = 0; i < n; i++) {
    w->row_start[i] = i * n - i * (i + 1) / 2;
    w->size[i] = 1;
    w->active[i] = i;
    ampel_nn_clear(&w->nn[i]);
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
static inline __attribute__((always_inline)) double
lw_update(ampel_linkage method, double d_xi, double d_yi, double d_xy,
          size_t nx, size_t ny, size_t ni) {
  switch (method) {
  case AMPEL_LINKAGE_COMPLETE: return d_yi > d_xi ? d_yi : d_xi;
  case AMPEL_LINKAGE_AVERAGE:
    return ((double)nx * d_xi + (double)ny * d_yi) / (double)(nx + ny);
  case AMPEL_LINKAGE_WARD: {
    double t = 1.0 / (double)(nx + ny + ni);
    return sqrt((double)(ni + nx) * t * d_xi * d_xi +
                (double)(ni + ny) * t * d_yi * d_yi -
                (double)ni * t * d_xy * d_xy);
  }
  case AMPEL_LINKAGE_SINGLE: break;
  }
  return d_yi < d_xi ? d_yi : d_xi;
}

/* Scans the row of x over the active slots into its list. */
static void rescan(work *w, const double *d, size_t x) {
  size_t px = active_pos(w, x);
  const size_t *act = w->active, *rs = w->row_start;
  ampel_nn_list *l = &w->nn[x];
  ampel_nn_clear(l);
  for (size_t a = 0; a < px; a++) {
    size_t i = act[a];
    if (a + AHEAD < px) {
      size_t j = act[a + AHEAD];
      __builtin_prefetch(d + rs[j] + (x - j - 1));
    }
    ampel_nn_offer(l, d[rs[i] + (x - i - 1)], i);
  }
  size_t base = rs[x] - x - 1;
  for (size_t a = px + 1; a < w->n_active; a++) {
    size_t i = act[a];
    ampel_nn_offer(l, d[base + i], i);
  }
  ampel_nn_close(l);
}

/* The nearest active neighbour of x, preferring `prev` (the element below
 * x on the chain, or NONE) on ties, else the smallest slot of equals:
 * what SciPy's scan finds when it starts from prev and keeps the first of
 * equal distances. */
static size_t nearest(work *w, const double *d, size_t x, size_t prev,
                      double *out_dist) {
  if (w->nn[x].i[0] == NONE)
    rescan(w, d, x);
  double best = w->nn[x].d[0];
  if (prev != NONE) {
    double dp = d[cidx(w, x, prev)];
    if (!(best < dp)) {
      *out_dist = dp;
      return prev;
    }
  }
  *out_dist = best;
  return w->nn[x].i[0];
}

/* The new distance v from slot i to the merged slot y (x merged away):
 * x and y leave i's list, (v, y) goes back in when below the bound. */
static inline __attribute__((always_inline)) void
note(work *w, size_t i, double v, size_t x, size_t y) {
  ampel_nn_list *l = &w->nn[i];
  int o = 0;
  for (int k = 0; k < AMPEL_NN_K; k++) {
    if (l->i[k] == x || l->i[k] == y)
      continue;
    l->d[o] = l->d[k];
    l->i[o] = l->i[k];
    o++;
  }
  for (; o < AMPEL_NN_K; o++) {
    l->d[o] = INFINITY;
    l->i[o] = NONE;
  }
  if (ampel_nn_less(v, y, l->bound_d, l->bound_i))
    ampel_nn_insert(l, v, y);
}

/* Merge slot x into slot y (x < y) and update the distances to y. Each
 * update reads a pair of x (dead from now on) and writes its own pair of
 * y, so the order of the three ranges (i < x, x < i < y, i > y) does not
 * matter for the values; they run in ascending i for y's cache. */
static inline __attribute__((always_inline)) void
merge_with(work *w, double *d, ampel_linkage method, size_t x, size_t y,
           double d_xy) {
  size_t nx = w->size[x], ny = w->size[y];
  w->size[x] = 0;
  w->size[y] = nx + ny;
  remove_active(w, x);
  const size_t *act = w->active, *rs = w->row_start, *sz = w->size;
  size_t px = active_pos(w, x), py = active_pos(w, y);
  size_t bx = rs[x] - x - 1, by = rs[y] - y - 1;
  ampel_nn_list *ly = &w->nn[y];
  ampel_nn_clear(ly);
  for (size_t a = 0; a < px; a++) {
    size_t i = act[a], iy = rs[i] + (y - i - 1);
    if (a + AHEAD < py) {
      size_t j = act[a + AHEAD];
      __builtin_prefetch(d + rs[j] + (x - j - 1));
      __builtin_prefetch(d + rs[j] + (y - j - 1));
    }
    double v =
        lw_update(method, d[rs[i] + (x - i - 1)], d[iy], d_xy, nx, ny, sz[i]);
    d[iy] = v;
    note(w, i, v, x, y);
    ampel_nn_offer(ly, v, i);
  }
  for (size_t a = px; a < py; a++) {
    size_t i = act[a], iy = rs[i] + (y - i - 1);
    if (a + AHEAD < py) {
      size_t j = act[a + AHEAD];
      __builtin_prefetch(d + rs[j] + (y - j - 1));
    }
    double v = lw_update(method, d[bx + i], d[iy], d_xy, nx, ny, sz[i]);
    d[iy] = v;
    note(w, i, v, x, y);
    ampel_nn_offer(ly, v, i);
  }
  for (size_t a = py + 1; a < w->n_active; a++) {
    size_t i = act[a];
    double v = lw_update(method, d[bx + i], d[by + i], d_xy, nx, ny, sz[i]);
    d[by + i] = v;
    note(w, i, v, x, y);
    ampel_nn_offer(ly, v, i);
  }
  ampel_nn_close(ly);
}

/* One copy of the update loop per method (the switch in lw_update folds
 * away). */
static void nn_merge(work *w, double *d, ampel_linkage method, size_t x,
                     size_t y, double d_xy) {
  switch (method) {
  case AMPEL_LINKAGE_COMPLETE:
    merge_with(w, d, AMPEL_LINKAGE_COMPLETE, x, y, d_xy);
    break;
  case AMPEL_LINKAGE_AVERAGE:
    merge_with(w, d, AMPEL_LINKAGE_AVERAGE, x, y, d_xy);
    break;
  case AMPEL_LINKAGE_WARD:
    merge_with(w, d, AMPEL_LINKAGE_WARD, x, y, d_xy);
    break;
  case AMPEL_LINKAGE_SINGLE:
    merge_with(w, d, AMPEL_LINKAGE_SINGLE, x, y, d_xy);
    break;
  }
}

/* Raw merges (slot ids, heights) into z[0..n-2]. Expects the cache filled
 * (ampel_cluster_nn_row over all rows). */
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
      size_t prev = len > 1 ? w->chain[len - 2] : NONE;
      y = nearest(w, d, x, prev, &dist);
      if (y == prev)
        break;
      /* Distances along the chain strictly decrease, so it cannot grow
       * past the active items; guard anyway (rounding). */
      if (len == w->n_active || y == NONE)
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

/* Prim's tree again, with the distances computed on the fly from the
 * feature-major items (no condensed array: memory O(n m)). The items not
 * yet in the tree sit packed at the front of `rem` (feature k of position
 * p at rem[k * n + p]); an item that joins the tree is replaced by the
 * last one, so each step's loop runs over contiguous memory. The order of
 * positions then differs from SciPy's ascending scan, so the next item is
 * chosen as the smallest slot among the equal minima, which is what the
 * ascending scan with a strict comparison finds. The distance of each
 * pair is computed once, as in pdist. Returns AMPEL_E_DATA when a distance
 * is not finite (the caller falls back to the condensed array, which
 * names the pair). */
typedef struct prim {
  double *rem;   /* m x n, feature-major */
  double *min_d; /* per position */
  size_t *slot;  /* per position */
  double *a;     /* features of the item that joined last */
  double *tmp;   /* one step's distances when a cell is missing */
} prim;

static void prim_release(prim *p) {
  ampel_free(p->rem);
  ampel_free(p->min_d);
  ampel_free(p->slot);
  ampel_free(p->a);
  ampel_free(p->tmp);
  memset(p, 0, sizeof *p);
}

/* Takes position pos out: its features into p->a, the last item into
 * its place. */
static void prim_take(prim *p, size_t n, size_t m, size_t pos, size_t last) {
  for (size_t k = 0; k < m; k++) {
    double *f = p->rem + k * n;
    p->a[k] = f[pos];
    f[pos] = f[last];
  }
  p->min_d[pos] = p->min_d[last];
  p->slot[pos] = p->slot[last];
}

/* A step whose loop met a distance that is not finite: again with every
 * missing cell handled pairwise. AMPEL_E_DATA when a distance stays not
 * finite. */
static ampel_status prim_step_missing(prim *p, size_t n, size_t m, size_t len,
                                      double *out_best) {
  double *rem = p->rem, *tmp = p->tmp, best = INFINITY;
  if (ampel_cluster_dist_span(0, rem, n, m, p->a, len, tmp)) {
    /* the item that joined last is not in rem any more: compare by value */
    for (size_t t = 0; t < len; t++) {
      if (!isnan(tmp[t]))
        continue;
      double sum = 0.0;
      size_t present = 0;
      for (size_t k = 0; k < m; k++) {
        double dev = p->a[k] - rem[k * n + t];
        if (isnan(dev))
          continue;
        sum += dev * dev;
        present++;
      }
      tmp[t] = NAN;
      if (present) {
        if (present != m)
          sum /= ((double)present / (double)m);
        tmp[t] = sqrt(sum);
      }
    }
  }
  for (size_t t = 0; t < len; t++) {
    if (!isfinite(tmp[t]))
      return AMPEL_E_DATA;
    if (p->min_d[t] > tmp[t])
      p->min_d[t] = tmp[t];
    if (p->min_d[t] < best)
      best = p->min_d[t];
  }
  *out_best = best;
  return AMPEL_OK;
}

static ampel_status prim_run(prim *p, size_t n, size_t m,
                             ampel_cluster_merge *z, const ampel_stop *stop) {
  size_t x = 0, len = n;
  prim_take(p, n, m, 0, --len);
  for (size_t k = 0; k + 1 < n; k++) {
    if (ampel_stop_requested(stop))
      return AMPEL_E_CANCELLED;
    int bad = 0;
    double best =
        ampel_cluster_prim_span(0, p->rem, n, m, p->a, len, p->min_d, &bad);
    if (bad) {
      ampel_status st = prim_step_missing(p, n, m, len, &best);
      if (st != AMPEL_OK)
        return st;
    }
    size_t pos = NONE, y = NONE;
    for (size_t t = 0; t < len; t++)
      if (p->min_d[t] == best && p->slot[t] < y) {
        y = p->slot[t];
        pos = t;
      }
    if (pos == NONE)
      return AMPEL_E_INTERNAL;
    z[k] = (ampel_cluster_merge){x, y, best, 0};
    prim_take(p, n, m, pos, --len);
    x = y;
  }
  return AMPEL_OK;
}

static ampel_status mst_on_the_fly(const double *xt, size_t ld, size_t n,
                                   size_t m, ampel_cluster_merge *z,
                                   const ampel_stop *stop) {
  prim p = {0};
  p.rem = ampel_reallocarray(NULL, n * m + 1, sizeof *p.rem);
  p.min_d = ampel_reallocarray(NULL, n, sizeof *p.min_d);
  p.slot = ampel_reallocarray(NULL, n, sizeof *p.slot);
  p.a = ampel_reallocarray(NULL, m + 1, sizeof *p.a);
  p.tmp = ampel_reallocarray(NULL, n, sizeof *p.tmp);
  if (!p.rem || !p.min_d || !p.slot || !p.a || !p.tmp) {
    prim_release(&p);
    return AMPEL_E_NOMEM;
  }
  for (size_t k = 0; k < m; k++)
    memcpy(p.rem + k * n, xt + k * ld, n * sizeof *p.rem);
  for (size_t i = 0; i < n; i++) {
    p.min_d[i] = INFINITY;
    p.slot[i] = i;
  }
  ampel_status st = prim_run(&p, n, m, z, stop);
  prim_release(&p);
  return st;
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

/* Asks the kernel for huge pages for the big condensed array: a 484 MB
 * array is 118,000 small pages, and their first-touch faults cost more
 * than the distances themselves (measured at n = 11,000). Only advice. */
static void advise_huge(void *p, size_t bytes) {
#ifdef MADV_HUGEPAGE
  const uintptr_t huge = (uintptr_t)2 << 20;
  uintptr_t lo = ((uintptr_t)p + huge - 1) & ~(huge - 1);
  uintptr_t hi = ((uintptr_t)p + bytes) & ~(huge - 1);
  if (hi > lo)
    (void)madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
#else
  (void)p;
  (void)bytes;
#endif
}

/* The kernel zeroes every page of the condensed array on its first touch,
 * and that costs as much as the distances (a third of `ampel heatmap` at
 * n = 11,000, in the kernel's clear_page). A second thread prefaults the
 * back three quarters of the array (MADV_POPULATE_WRITE, Linux 5.14;
 * 16 MiB at a time from the end; the front is left to the distances,
 * which are the rest of the work) while the distances fill the front:
 * the kernel populates only pages not yet there and never changes their
 * contents, so it cannot disturb the distances written meanwhile. On an
 * older kernel madvise fails and the thread stops: only time is lost. */
typedef struct prefault {
  char *lo, *hi; /* page-aligned range, populated from hi down */
} prefault;

static void *prefault_back(void *arg) {
#ifdef MADV_POPULATE_WRITE
  prefault *p = arg;
  const size_t chunk = (size_t)16 << 20;
  for (char *hi = p->hi; hi > p->lo;) {
    char *lo = (size_t)(hi - p->lo) > chunk ? hi - chunk : p->lo;
    if (madvise(lo, (size_t)(hi - lo), MADV_POPULATE_WRITE) != 0)
      break;
    hi = lo;
  }
#else
  (void)arg;
#endif
  return NULL;
}

/* Starts the prefault thread for arrays of 64 MiB and more (a smaller one
 * faults in quickly); 1 when it runs (join it before reading the array). */
static int prefault_start(pthread_t *th, prefault *p, void *d, size_t bytes) {
  const uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
  if (bytes < ((size_t)64 << 20))
    return 0;
  uintptr_t lo = ((uintptr_t)d + bytes / 4 + page - 1) & ~(page - 1);
  uintptr_t hi = ((uintptr_t)d + bytes) & ~(page - 1);
  if (hi <= lo)
    return 0;
  p->lo = (char *)lo;
  p->hi = (char *)hi;
  return pthread_create(th, NULL, prefault_back, p) == 0;
}

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
  return AMPEL_OK;
}

/* Linkage on a condensed array d; `cached` says the work's
 * nearest-neighbour cache is filled already (by pdist). Checks d first
 * (AMPEL_E_DATA, nothing written) unless `checked`. d is read-only for
 * single and scratch for the others. */
static ampel_status run(double *d, size_t n, ampel_linkage method,
                        ampel_cluster_merge *z, const ampel_stop *stop, work *w,
                        int checked) {
  ampel_status st = AMPEL_OK;
  if (method == AMPEL_LINKAGE_SINGLE) {
    if (!checked)
      st = ampel_cluster_check_dist(d, n, NULL, NULL);
    if (st == AMPEL_OK)
      st = mst_single(w, d, z, stop);
  } else {
    if (!checked) {
      int ok = 1;
      for (size_t i = 0; i + 1 < n; i++)
        ok &= ampel_cluster_nn_row(d + w->row_start[i], i, n, w->nn);
      if (!ok)
        st = AMPEL_E_DATA;
    }
    if (st == AMPEL_OK)
      st = nn_chain(w, d, method, z, stop);
  }
  if (st == AMPEL_OK)
    st = finish(z, n);
  return st;
}

static ampel_status run_alone(double *d, size_t n, ampel_linkage method,
                              ampel_cluster_merge *z) {
  work w;
  ampel_status st = work_init(&w, n);
  if (st == AMPEL_OK)
    st = run(d, n, method, z, NULL, &w, 0);
  work_release(&w);
  return st;
}

ampel_status ampel_cluster_linkage_inplace(double *d, size_t n,
                                           ampel_linkage method,
                                           ampel_cluster_merge *out_z) {
  ampel_status st = check_args(d, n, method, out_z);
  if (st != AMPEL_OK || n < 2)
    return st;
  return run_alone(d, n, method, out_z);
}

ampel_status ampel_cluster_linkage(const double *d, size_t n,
                                   ampel_linkage method,
                                   ampel_cluster_merge *out_z) {
  ampel_status st = check_args(d, n, method, out_z);
  if (st != AMPEL_OK || n < 2)
    return st;
  if (method == AMPEL_LINKAGE_SINGLE) /* Prim's never writes to d */
    return run_alone((double *)d, n, method, out_z);
  size_t len = 0;
  st = ampel_cluster_condensed_len(n, &len);
  double *copy =
      st == AMPEL_OK ? ampel_reallocarray(NULL, len, sizeof *copy) : NULL;
  if (!copy)
    return st == AMPEL_OK ? AMPEL_E_NOMEM : st;
  advise_huge(copy, len * sizeof *copy);
  memcpy(copy, d, len * sizeof *copy);
  st = run_alone(copy, n, method, out_z);
  ampel_free(copy);
  return st;
}

/* Single linkage straight from the matrix (no condensed array) when every
 * distance is finite; AMPEL_E_DATA otherwise. */
static ampel_status single_from_matrix(const double *x, size_t n_rows,
                                       size_t n_cols, ampel_cluster_axis axis,
                                       ampel_cluster_merge *z,
                                       const ampel_stop *stop) {
  size_t n = axis == AMPEL_CLUSTER_COLS ? n_cols : n_rows;
  size_t m = axis == AMPEL_CLUSTER_COLS ? n_rows : n_cols;
  const double *xt = NULL;
  size_t ld = 0;
  double *own = NULL;
  ampel_status st =
      ampel_cluster_feature_major(x, n_rows, n_cols, axis, &xt, &ld, &own);
  if (st == AMPEL_OK)
    st = mst_on_the_fly(xt, ld, n, m, z, stop);
  ampel_free(own);
  if (st == AMPEL_OK)
    st = finish(z, n);
  return st;
}

ampel_status
ampel_cluster_linkage_matrix(const double *x, size_t n_rows, size_t n_cols,
                             ampel_cluster_axis axis, ampel_linkage method,
                             ampel_cluster_merge *out_z, size_t out_bad[2],
                             const ampel_stop *stop) {
  size_t n = axis == AMPEL_CLUSTER_COLS ? n_cols : n_rows;
  size_t m = axis == AMPEL_CLUSTER_COLS ? n_rows : n_cols;
  size_t len = 0;
  if (axis != AMPEL_CLUSTER_ROWS && axis != AMPEL_CLUSTER_COLS)
    return AMPEL_E_USAGE;
  ampel_status st = ampel_cluster_condensed_len(n, &len);
  if (st == AMPEL_OK && n >= 2)
    st = check_args(x, n, method, out_z);
  if (st == AMPEL_OK && n_cols && n_rows > SIZE_MAX / sizeof(double) / n_cols)
    st = AMPEL_E_TOO_LARGE;
  if (st != AMPEL_OK || n < 2)
    return st;
  if (method == AMPEL_LINKAGE_SINGLE && m > 0) {
    st = single_from_matrix(x, n_rows, n_cols, axis, out_z, stop);
    if (st != AMPEL_E_DATA)
      return st;
    /* a pair without a distance: the condensed path below names it */
  }
  work w;
  st = work_init(&w, n);
  if (st != AMPEL_OK)
    return st;
  double *d = ampel_reallocarray(NULL, len, sizeof *d);
  if (!d) {
    work_release(&w);
    return AMPEL_E_NOMEM;
  }
  advise_huge(d, len * sizeof *d);
  pthread_t pf_thread;
  prefault pf;
  int prefaulting = prefault_start(&pf_thread, &pf, d, len * sizeof *d);
  int finite = 1;
  int single = method == AMPEL_LINKAGE_SINGLE; /* no cache: Prim's */
  st = ampel_cluster_pdist_nn(x, n_rows, n_cols, axis, d, single ? NULL : w.nn,
                              &finite);
  if (prefaulting)
    pthread_join(pf_thread, NULL);
  if (st == AMPEL_OK && !finite)
    st = ampel_cluster_check_dist(d, n, out_bad ? &out_bad[0] : NULL,
                                  out_bad ? &out_bad[1] : NULL);
  if (st == AMPEL_OK && ampel_stop_requested(stop))
    st = AMPEL_E_CANCELLED;
  if (st == AMPEL_OK)
    st = run(d, n, method, out_z, stop, &w, 1);
  ampel_free(d);
  work_release(&w);
  return st;
}
