/* Distances for hierarchical clustering (cluster.h, METHODS.md §2.3):
 * condensed arrays, R-style pairwise-complete Euclidean distances, item
 * means and the check that a distance array can be clustered. */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "ampel/alloc.h"
#include "ampel/cluster.h"
#include "cluster_internal.h"

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

/* Feature-major copy: see cluster_internal.h. */
ampel_status ampel_cluster_feature_major(const double *x, size_t n_rows,
                                         size_t n_cols, ampel_cluster_axis axis,
                                         const double **out_xt, size_t *out_ld,
                                         double **out_own) {
  *out_own = NULL;
  if (axis == AMPEL_CLUSTER_COLS) {
    *out_xt = x;
    *out_ld = n_cols;
    return AMPEL_OK;
  }
  double *xt = ampel_reallocarray(NULL, n_rows * n_cols + 1, sizeof *xt);
  if (!xt)
    return AMPEL_E_NOMEM;
  for (size_t r = 0; r < n_rows; r++)
    for (size_t c = 0; c < n_cols; c++)
      xt[c * n_rows + r] = x[r * n_cols + c];
  *out_xt = xt;
  *out_ld = n_rows;
  *out_own = xt;
  return AMPEL_OK;
}

/* Rows of the condensed array one item at a time: the distances of item i
 * to the items after it in one call of the vector loop. A row with a
 * missing cell (a NaN result) gets those pairs again pairwise-complete,
 * so complete items pay nothing for the missing-value support. */
static void pdist_fm(const double *xt, size_t ld, size_t n, size_t m, double *a,
                     double *out, ampel_nn_list *nn, int *out_finite) {
  size_t pos = 0;
  int finite = 1;
  for (size_t i = 0; i + 1 < n; i++) {
    size_t len = n - i - 1;
    double *row = out + pos;
    for (size_t k = 0; k < m; k++)
      a[k] = xt[k * ld + i];
    int bad = 1;
    if (m > 0)
      bad = ampel_cluster_dist_span(0, xt + i + 1, ld, m, a, len, row);
    if (bad) {
      for (size_t t = 0; t < len; t++)
        if (m == 0 || isnan(row[t]))
          row[t] = ampel_cluster_dist_missing(xt, ld, m, i, i + 1 + t);
      for (size_t t = 0; t < len; t++)
        finite &= isfinite(row[t]) != 0;
    }
    if (nn)
      ampel_cluster_nn_row(row, i, n, nn);
    pos += len;
  }
  *out_finite = finite;
}

int ampel_cluster_nn_row(const double *row, size_t i, size_t n,
                         ampel_nn_list *nn) {
  ampel_nn_list *own = nn + i, *col = nn + i + 1;
  size_t len = n - i - 1;
  int ok = 1;
  for (size_t t = 0; t < len; t++) {
    double v = row[t];
    ok &= v >= 0.0 && v <= DBL_MAX;
    ampel_nn_offer(own, v, i + 1 + t); /* ascending j after the i < j */
    ampel_nn_offer(col + t, v, i);     /* ascending rows i */
  }
  ampel_nn_close(own);
  return ok;
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

ampel_status ampel_cluster_pdist_nn(const double *x, size_t n_rows,
                                    size_t n_cols, ampel_cluster_axis axis,
                                    double *out_d, ampel_nn_list *nn,
                                    int *out_finite) {
  *out_finite = 1;
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
  for (size_t i = 0; nn && i < n; i++)
    ampel_nn_clear(nn + i);
  if (len == 0)
    return AMPEL_OK;
  if (!out_d || (m && !x))
    return AMPEL_E_USAGE;
  const double *xt = NULL;
  size_t ld = 0;
  double *own = NULL;
  double *a = ampel_reallocarray(NULL, m + 1, sizeof *a);
  st = a ? ampel_cluster_feature_major(x, n_rows, n_cols, axis, &xt, &ld, &own)
         : AMPEL_E_NOMEM;
  if (st == AMPEL_OK)
    pdist_fm(xt, ld, n, m, a, out_d, nn, out_finite);
  ampel_free(own);
  ampel_free(a);
  return st;
}

ampel_status ampel_cluster_pdist(const double *x, size_t n_rows, size_t n_cols,
                                 ampel_cluster_axis axis, double *out_d) {
  int finite = 1;
  return ampel_cluster_pdist_nn(x, n_rows, n_cols, axis, out_d, NULL, &finite);
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
