/* compute/correlate.c - Pearson and Spearman correlations with two-sided
 * p-values (METHODS.md §8). See include/ampel/stats.h. */
#include "ampel/stats.h"

#include <math.h>
#include <stdint.h>

#include "ampel/alloc.h"
#include "ampel/cluster.h"
#include "compute/ksum.h"

const char *ampel_corr_method_name(ampel_corr_method m) {
  return m == AMPEL_CORR_SPEARMAN ? "spearman" : "pearson";
}

/* Copies the complete pairs of x and y to xs, ys; returns their number. */
static size_t gather_pairs(const double *x, const double *y, size_t n,
                           double *xs, double *ys) {
  size_t m = 0;
  for (size_t i = 0; i < n; i++) {
    if (isfinite(x[i]) && isfinite(y[i])) {
      xs[m] = x[i];
      ys[m] = y[i];
      m++;
    }
  }
  return m;
}

/* p-value of r with m pairs: t = r sqrt((m-2)/(1-r^2)), m-2 df; 1 - r^2 is
 * formed as (1-r)(1+r), which keeps its digits when |r| is near 1. */
static double corr_p(double r, size_t m) {
  if (isnan(r) || m < 3)
    return NAN;
  if (fabs(r) >= 1.0)
    return 0.0;
  double df = (double)(m - 2);
  double t = r * sqrt(df / ((1.0 - r) * (1.0 + r)));
  return ampel_tdist_p_two_sided(t, df);
}

/* Pearson r of m complete pairs: centred sums with compensated summation;
 * NaN when m < 3 or either variable is constant. */
static double pearson_r(const double *xs, const double *ys, size_t m) {
  if (m < 3)
    return NAN;
  double mx = ampel_stats_mean(xs, m), my = ampel_stats_mean(ys, m);
  ksum sxx, syy, sxy;
  ksum_init(&sxx);
  ksum_init(&syy);
  ksum_init(&sxy);
  for (size_t i = 0; i < m; i++) {
    double dx = xs[i] - mx, dy = ys[i] - my;
    ksum_add(&sxx, dx * dx);
    ksum_add(&syy, dy * dy);
    ksum_add(&sxy, dx * dy);
  }
  double vx = ksum_value(&sxx), vy = ksum_value(&syy);
  if (!(vx > 0.0) || !(vy > 0.0))
    return NAN;
  /* sqrt(vx * vy) rather than sqrt(vx) * sqrt(vy): identical variables
   * then give exactly r = 1 (p = 0) in the usual cases. The product can
   * only overflow for absurd data; then take the roots apart. */
  double den = sqrt(vx * vy);
  if (!isfinite(den) || den == 0.0)
    den = sqrt(vx) * sqrt(vy);
  double r = ksum_value(&sxy) / den;
  return r > 1.0 ? 1.0 : (r < -1.0 ? -1.0 : r);
}

/* One correlation with caller-provided scratch of 2 * n doubles. */
static ampel_status corr_with_scratch(const double *x, const double *y,
                                      size_t n, ampel_corr_method method,
                                      double *scratch, ampel_corr *out) {
  double *xs = scratch, *ys = scratch + n;
  size_t m = gather_pairs(x, y, n, xs, ys);
  if (method == AMPEL_CORR_SPEARMAN && m >= 3) {
    ampel_status st = ampel_stats_rank_average(xs, m, xs);
    if (st == AMPEL_OK)
      st = ampel_stats_rank_average(ys, m, ys);
    if (st != AMPEL_OK)
      return st;
  }
  out->n = m;
  out->r = pearson_r(xs, ys, m);
  out->p = corr_p(out->r, m);
  return AMPEL_OK;
}

static int method_ok(ampel_corr_method m) {
  return m == AMPEL_CORR_PEARSON || m == AMPEL_CORR_SPEARMAN;
}

ampel_status ampel_corr_pair(const double *x, const double *y, size_t n,
                             ampel_corr_method method, ampel_corr *out) {
  if (!out || (n > 0 && (!x || !y)) || !method_ok(method))
    return AMPEL_E_USAGE;
  if (n > SIZE_MAX / 2)
    return AMPEL_E_TOO_LARGE;
  double *scratch = ampel_reallocarray(NULL, n > 0 ? 2 * n : 1, sizeof(double));
  if (!scratch)
    return AMPEL_E_NOMEM;
  ampel_status st = corr_with_scratch(x, y, n, method, scratch, out);
  ampel_free(scratch);
  return st;
}

/* The diagonal: r = 1 (p = 0) for a column with at least 3 values that is
 * not constant; otherwise NaN like any undefined correlation. */
static void corr_diagonal(const double *x, size_t n, ampel_corr *out) {
  double sd;
  size_t m;
  ampel_stats_mean_sd(x, n, NULL, &sd, &m);
  out->n = m;
  out->r = (m >= 3 && sd > 0.0) ? 1.0 : NAN;
  out->p = isnan(out->r) ? NAN : 0.0;
}

ampel_status ampel_corr_matrix(const double *const *cols, size_t k, size_t n,
                               ampel_corr_method method, ampel_corr *out) {
  if ((k > 0 && (!cols || !out)) || !method_ok(method))
    return AMPEL_E_USAGE;
  if ((k > 0 && k > SIZE_MAX / k / sizeof *out) || n > SIZE_MAX / 2)
    return AMPEL_E_TOO_LARGE;
  for (size_t i = 0; i < k; i++)
    if (!cols[i] && n > 0)
      return AMPEL_E_USAGE;
  double *scratch = ampel_reallocarray(NULL, n > 0 ? 2 * n : 1, sizeof(double));
  if (!scratch)
    return AMPEL_E_NOMEM;
  ampel_status st = AMPEL_OK;
  for (size_t i = 0; i < k && st == AMPEL_OK; i++) {
    corr_diagonal(cols[i], n, &out[i * k + i]);
    for (size_t j = i + 1; j < k && st == AMPEL_OK; j++) {
      st = corr_with_scratch(cols[i], cols[j], n, method, scratch,
                             &out[i * k + j]);
      out[j * k + i] = out[i * k + j];
    }
  }
  ampel_free(scratch);
  return st;
}

/* Average linkage on 1 - r puts strongly positively related variables
 * next to each other; METHODS.md §8 (matrix order). Fewer than 3
 * variables keep their order (nothing to cluster). */
ampel_status ampel_corr_order(const ampel_corr *m, size_t k,
                              size_t *out_order) {
  if (k < 3) {
    for (size_t i = 0; i < k; i++)
      out_order[i] = i;
    return AMPEL_OK;
  }
  size_t len = 0;
  ampel_status st = ampel_cluster_condensed_len(k, &len);
  if (st != AMPEL_OK)
    return st;
  double *d = ampel_calloc(len + 1, sizeof *d);
  ampel_cluster_merge *z = ampel_calloc(k, sizeof *z);
  if (!d || !z) {
    ampel_free(d);
    ampel_free(z);
    return AMPEL_E_NOMEM;
  }
  for (size_t i = 0; i < k; i++)
    for (size_t j = i + 1; j < k; j++) {
      double r = m[i * k + j].r;
      d[ampel_cluster_condensed_index(k, i, j)] = isfinite(r) ? 1 - r : 1;
    }
  st = ampel_cluster_linkage_inplace(d, k, AMPEL_LINKAGE_AVERAGE, z);
  if (st == AMPEL_OK)
    st = ampel_cluster_leaves(z, k, out_order);
  ampel_free(d);
  ampel_free(z);
  return st;
}
