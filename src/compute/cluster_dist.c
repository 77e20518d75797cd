/* Distances for hierarchical clustering (cluster.h, METHODS.md §2.3):
 * condensed arrays, R-style pairwise-complete Euclidean distances, item
 * means and the check that a distance array can be clustered. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "ampel/alloc.h"
#include "ampel/cluster.h"

ampel_status ampel_cluster_condensed_len(size_t n, size_t *out_len) {
  size_t len = 0;
  if (n >= 2) {
    /* n*(n-1)/2: halve the even factor first so the product cannot wrap
     * before we compare it. */
    size_t a = n, b = n - 1;
    if (a % 2 == 0)
      a /= 2;
    else
      b /= 2;
    if (a > SIZE_MAX / b)
      return AMPEL_E_TOO_LARGE;
    len = a * b;
    if (len > SIZE_MAX / sizeof(double))
      return AMPEL_E_TOO_LARGE;
  }
  if (out_len)
    *out_len = len;
  return AMPEL_OK;
}

size_t ampel_cluster_condensed_index(size_t n, size_t i, size_t j) {
  if (i > j) {
    size_t t = i;
    i = j;
    j = t;
  }
  /* Row i starts after rows 0..i-1 of lengths n-1, n-2, ..., n-i. */
  return i * n - i * (i + 1) / 2 + (j - i - 1);
}

/* Distance of two items over m features, pairwise-complete like R's
 * dist(method = "euclidean") (src/library/stats/src/distance.c): features
 * where either value is missing are skipped and the sum is scaled by
 * m / present. NaN when no feature is present in both. */
static double dist_missing(const double *a, const double *b, size_t m) {
  double sum = 0.0;
  size_t present = 0;
  for (size_t k = 0; k < m; k++) {
    if (isnan(a[k]) || isnan(b[k]))
      continue;
    double dev = a[k] - b[k];
    if (isnan(dev)) /* inf - inf */
      continue;
    sum += dev * dev;
    present++;
  }
  if (present == 0)
    return NAN;
  if (present != m)
    sum /= ((double)present / (double)m);
  return sqrt(sum);
}

/* All pairs of rows of the n x m row-major matrix x. The plain sum is
 * tried first; a NaN result means a missing cell (or inf - inf) and sends
 * the pair to the slower pairwise-complete path, so complete rows pay
 * nothing for the missing-value support. */
static inline double finish_pair(const double *a, const double *b, size_t m,
                                 double sum) {
  return isnan(sum) || m == 0 ? dist_missing(a, b, m) : sqrt(sum);
}

/* Four pairs (a, b0..b3) at once: four independent sums keep the CPU busy,
 * while each sum still adds its terms in feature order (the same rounding
 * as the one-pair loop and as SciPy's pdist). */
static void pdist_block4(const double *a, const double *b, size_t m,
                         double *out) {
  double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
  const double *b1 = b + m, *b2 = b + 2 * m, *b3 = b + 3 * m;
  for (size_t k = 0; k < m; k++) {
    double d0 = a[k] - b[k], d1 = a[k] - b1[k];
    double d2 = a[k] - b2[k], d3 = a[k] - b3[k];
    s0 += d0 * d0;
    s1 += d1 * d1;
    s2 += d2 * d2;
    s3 += d3 * d3;
  }
  out[0] = finish_pair(a, b, m, s0);
  out[1] = finish_pair(a, b1, m, s1);
  out[2] = finish_pair(a, b2, m, s2);
  out[3] = finish_pair(a, b3, m, s3);
}

static void pdist_rows(const double *x, size_t n, size_t m, double *out) {
  size_t pos = 0;
  for (size_t i = 0; i + 1 < n; i++) {
    const double *a = x + i * m;
    size_t j = i + 1;
    for (; j + 4 <= n; j += 4, pos += 4)
      pdist_block4(a, x + j * m, m, out + pos);
    for (; j < n; j++) {
      const double *b = x + j * m;
      double sum = 0.0;
      for (size_t k = 0; k < m; k++) {
        double dev = a[k] - b[k];
        sum += dev * dev;
      }
      out[pos++] = finish_pair(a, b, m, sum);
    }
  }
}

/* Checks shared by pdist and item_means: the element count fits. */
static ampel_status check_matrix(const double *x, size_t n_rows,
                                 size_t n_cols) {
  if (n_cols && n_rows > SIZE_MAX / sizeof(double) / n_cols)
    return AMPEL_E_TOO_LARGE;
  if (!x && n_rows && n_cols)
    return AMPEL_E_USAGE;
  return AMPEL_OK;
}

ampel_status ampel_cluster_pdist(const double *x, size_t n_rows, size_t n_cols,
                                 ampel_cluster_axis axis, double *out_d) {
  if (axis != AMPEL_CLUSTER_ROWS && axis != AMPEL_CLUSTER_COLS)
    return AMPEL_E_USAGE;
  ampel_status st = check_matrix(x, n_rows, n_cols);
  size_t n = axis == AMPEL_CLUSTER_ROWS ? n_rows : n_cols;
  size_t m = axis == AMPEL_CLUSTER_ROWS ? n_cols : n_rows;
  size_t len = 0;
  if (st == AMPEL_OK)
    st = ampel_cluster_condensed_len(n, &len);
  if (st != AMPEL_OK)
    return st;
  if (len == 0)
    return AMPEL_OK;
  if (!out_d || (m && !x))
    return AMPEL_E_USAGE;
  if (axis == AMPEL_CLUSTER_ROWS) {
    pdist_rows(x, n, m, out_d);
    return AMPEL_OK;
  }
  /* Columns: transpose once so the inner loop runs over contiguous
   * memory. */
  double *xt = ampel_reallocarray(NULL, n * m, sizeof(double));
  if (!xt)
    return AMPEL_E_NOMEM;
  for (size_t r = 0; r < n_rows; r++)
    for (size_t c = 0; c < n_cols; c++)
      xt[c * n_rows + r] = x[r * n_cols + c];
  pdist_rows(xt, n, m, out_d);
  ampel_free(xt);
  return AMPEL_OK;
}

ampel_status ampel_cluster_item_means(const double *x, size_t n_rows,
                                      size_t n_cols, ampel_cluster_axis axis,
                                      double *out_mean) {
  if (axis != AMPEL_CLUSTER_ROWS && axis != AMPEL_CLUSTER_COLS)
    return AMPEL_E_USAGE;
  ampel_status st = check_matrix(x, n_rows, n_cols);
  if (st != AMPEL_OK)
    return st;
  int rows = axis == AMPEL_CLUSTER_ROWS;
  size_t n = rows ? n_rows : n_cols;
  size_t m = rows ? n_cols : n_rows;
  size_t item_step = rows ? n_cols : 1;
  size_t feat_step = rows ? 1 : n_cols;
  if (n && !out_mean)
    return AMPEL_E_USAGE;
  for (size_t i = 0; i < n; i++) {
    double sum = 0.0;
    size_t present = 0;
    for (size_t k = 0; k < m; k++) {
      double v = x[i * item_step + k * feat_step];
      if (!isnan(v)) {
        sum += v;
        present++;
      }
    }
    out_mean[i] = present ? sum / (double)present : NAN;
  }
  return AMPEL_OK;
}

ampel_status ampel_cluster_check_dist(const double *d, size_t n, size_t *out_i,
                                      size_t *out_j) {
  size_t len = 0;
  ampel_status st = ampel_cluster_condensed_len(n, &len);
  if (st != AMPEL_OK)
    return st;
  if (len && !d)
    return AMPEL_E_USAGE;
  size_t pos = 0;
  for (size_t i = 0; i + 1 < n; i++) {
    for (size_t j = i + 1; j < n; j++, pos++) {
      double v = d[pos];
      if (isfinite(v) && v >= 0.0)
        continue;
      if (out_i)
        *out_i = i;
      if (out_j)
        *out_j = j;
      return AMPEL_E_DATA;
    }
  }
  return AMPEL_OK;
}
