/* compute/cluster_internal.h - internals shared by cluster.c,
 * cluster_dist.c and cluster_simd.c (not installed).
 *
 * Distances are computed from a *feature-major* copy of the items: feature
 * k of item j is xt[k * ld + j], so the same feature of consecutive items
 * is contiguous and one vector instruction handles several items (pairs)
 * at once. Every pair's sum still runs over the features in order k = 0,
 * 1, ..., m-1 with separate multiply and add (no fused multiply-add: the
 * library is built in ISO C mode, where GCC does not contract), so each
 * distance is the bit-exact result of the one-pair loop and of SciPy's
 * pdist.
 */
#ifndef AMPEL_COMPUTE_CLUSTER_INTERNAL_H
#define AMPEL_COMPUTE_CLUSTER_INTERNAL_H

#include <stddef.h>

#include "ampel/cluster.h"

/* The loops below run with AVX2 when the CPU has it and `portable` is 0,
 * otherwise in plain C; the results are the same bits either way (the
 * tests compare them). 1 when the AVX2 path is there. */
int ampel_cluster_simd_fast(void);

/* out[t] = sqrt(sum_k (a[k] - xt[k * ld + t])^2) for t < len, the sum in
 * feature order. Returns 1 when some out[t] is not finite: NaN for a
 * missing cell or inf - inf (the caller recomputes those pairs with
 * ampel_cluster_dist_missing()), inf for an infinite cell or an overflow. */
int ampel_cluster_dist_span(int portable, const double *xt, size_t ld, size_t m,
                            const double *a, size_t len, double *out);

/* One step of Prim's tree (single linkage) over `len` items: the
 * distance of every item t to the item `a` (computed as by
 * ampel_cluster_dist_span) lowers min_d[t] when smaller; returns the
 * smallest min_d[t] after the update. *out_bad is set to 1 when some
 * distance is not finite (min_d is then unspecified). */
double ampel_cluster_prim_span(int portable, const double *xt, size_t ld,
                               size_t m, const double *a, size_t len,
                               double *min_d, int *out_bad);

/* R-style distance of items i and j with missing cells (cluster.h):
 * features where either value is NaN (or the difference is NaN) are
 * skipped and the sum is scaled by m / present; NaN when nothing is
 * present. Items read from the feature-major xt. */
double ampel_cluster_dist_missing(const double *xt, size_t ld, size_t m,
                                  size_t i, size_t j);

/* The feature-major copy for ampel_cluster_dist_span(): for ROWS a
 * transposed copy of x (n_rows x n_cols), for COLS x itself (already
 * feature-major for its columns). *out_xt is owned by the caller when
 * *out_own is not NULL (free that with ampel_free). AMPEL_E_NOMEM. */
AMPEL_WUR ampel_status ampel_cluster_feature_major(
    const double *x, size_t n_rows, size_t n_cols, ampel_cluster_axis axis,
    const double **out_xt, size_t *out_ld, double **out_own);

/* ---- Nearest-neighbour lists of the linkage (cluster.c) -----------------
 *
 * For each active item i, a short sorted list of its nearest neighbours:
 * (distance, item) pairs in lexicographic order (equal distances: the
 * smaller item first, which is what a scan in ascending order with a
 * strict comparison finds), empty places (INFINITY, SIZE_MAX) at the end,
 * and a bound (bound_d, bound_i): every listed pair is lexicographically
 * below or at the bound, every pair of the row that is not listed at or
 * above it. So the first pair is the row's nearest neighbour whenever the
 * list is not empty, and a pair that changes can be put back into the list
 * when it is below the bound. */
#define AMPEL_NN_K 4

typedef struct ampel_nn_list {
  double d[AMPEL_NN_K];
  size_t i[AMPEL_NN_K];
  double bound_d;
  size_t bound_i;
} ampel_nn_list;

static inline int ampel_nn_less(double v, size_t i, double w, size_t j) {
  return v < w || (v == w && i < j);
}

static inline void ampel_nn_clear(ampel_nn_list *l) {
  for (int k = 0; k < AMPEL_NN_K; k++) {
    l->d[k] = __builtin_inf();
    l->i[k] = (size_t)-1;
  }
  l->bound_d = __builtin_inf();
  l->bound_i = (size_t)-1;
}

/* Puts (v, j) into its place. The caller makes sure that (v, j) is below
 * the bound. When the list is full, its last pair (or (v, j) itself, if
 * it comes after that) stays out and becomes the bound. */
static inline void ampel_nn_insert(ampel_nn_list *l, double v, size_t j) {
  const int last = AMPEL_NN_K - 1;
  if (l->i[last] != (size_t)-1) {
    if (!ampel_nn_less(v, j, l->d[last], l->i[last])) {
      l->bound_d = v;
      l->bound_i = j;
      return;
    }
    l->bound_d = l->d[last];
    l->bound_i = l->i[last];
  }
  int p = last;
  while (p > 0 && ampel_nn_less(v, j, l->d[p - 1], l->i[p - 1])) {
    l->d[p] = l->d[p - 1];
    l->i[p] = l->i[p - 1];
    p--;
  }
  l->d[p] = v;
  l->i[p] = j;
}

/* After a scan of a whole row in ascending order (pairs offered with
 * ampel_nn_offer): the bound is the last pair (all of the row is listed
 * when the list is not full). */
static inline void ampel_nn_close(ampel_nn_list *l) {
  l->bound_d = l->d[AMPEL_NN_K - 1];
  l->bound_i = l->i[AMPEL_NN_K - 1];
}

/* During an ascending scan: offer (v, j); equal distances come later with
 * larger j and lose. */
static inline void ampel_nn_offer(ampel_nn_list *l, double v, size_t j) {
  if (v < l->d[AMPEL_NN_K - 1])
    ampel_nn_insert(l, v, j);
}

/* ampel_cluster_pdist() that also fills the nearest-neighbour lists of
 * all n items (nn may be NULL: then only the distances). *out_finite is 1
 * when every distance is finite (nothing for ampel_cluster_check_dist() to
 * find). */
AMPEL_WUR ampel_status ampel_cluster_pdist_nn(const double *x, size_t n_rows,
                                              size_t n_cols,
                                              ampel_cluster_axis axis,
                                              double *out_d, ampel_nn_list *nn,
                                              int *out_finite);

/* Folds row i of a condensed array (row[t] = d(i, i+1+t), t < n-i-1) into
 * the lists: rows must come in ascending order, every list cleared before
 * row 0; after row i, list i is complete (ampel_nn_close). Returns 0 when
 * the row has an entry that is not finite or negative. */
int ampel_cluster_nn_row(const double *row, size_t i, size_t n,
                         ampel_nn_list *nn);

#endif
