/* compute/stats.c - means, population SDs, medians, average ranks and the
 * reference value of METHODS.md §1. See include/ampel/stats.h. */
#include "ampel/stats.h"

#include <math.h>
#include <stdlib.h>

#include "ampel/alloc.h"
#include "ampel/dataset.h"
#include "compute/ksum.h"

size_t ampel_stats_count(const double *x, size_t n) {
  size_t m = 0;
  for (size_t i = 0; i < n; i++)
    if (isfinite(x[i]))
      m++;
  return m;
}

double ampel_stats_mean(const double *x, size_t n) {
  double mean = NAN;
  ampel_stats_mean_sd(x, n, &mean, NULL, NULL);
  return mean;
}

double ampel_stats_sd_pop(const double *x, size_t n) {
  double sd = NAN;
  ampel_stats_mean_sd(x, n, NULL, &sd, NULL);
  return sd;
}

/* Corrected two-pass algorithm: the second pass sums the deviations d and
 * d^2; sum(d) would be 0 in exact arithmetic, and subtracting sum(d)^2/m
 * removes the error the rounded mean brings in. */
void ampel_stats_mean_sd(const double *x, size_t n, double *out_mean,
                         double *out_sd, size_t *out_count) {
  ksum s;
  size_t m = 0;
  ksum_init(&s);
  for (size_t i = 0; i < n; i++) {
    if (isfinite(x[i])) {
      ksum_add(&s, x[i]);
      m++;
    }
  }
  double mean = m > 0 ? ksum_value(&s) / (double)m : NAN;
  ksum d1, d2;
  ksum_init(&d1);
  ksum_init(&d2);
  for (size_t i = 0; i < n && m > 0; i++) {
    if (isfinite(x[i])) {
      double d = x[i] - mean;
      ksum_add(&d1, d);
      ksum_add(&d2, d * d);
    }
  }
  double var = NAN;
  if (m > 0) {
    double c = ksum_value(&d1);
    var = (ksum_value(&d2) - c * c / (double)m) / (double)m;
    if (var < 0.0)
      var = 0.0;
  }
  if (out_mean)
    *out_mean = mean;
  if (out_sd)
    *out_sd = sqrt(var);
  if (out_count)
    *out_count = m;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

ampel_status ampel_stats_median(const double *x, size_t n, double *out_median) {
  if (!out_median || (!x && n > 0))
    return AMPEL_E_USAGE;
  *out_median = NAN;
  size_t m = ampel_stats_count(x, n);
  if (m == 0)
    return AMPEL_OK;
  double *buf = ampel_reallocarray(NULL, m, sizeof *buf);
  if (!buf)
    return AMPEL_E_NOMEM;
  size_t j = 0;
  for (size_t i = 0; i < n; i++)
    if (isfinite(x[i]))
      buf[j++] = x[i];
  qsort(buf, m, sizeof *buf, cmp_double);
  if (m % 2 == 1)
    *out_median = buf[m / 2];
  else
    *out_median = buf[m / 2 - 1] / 2.0 + buf[m / 2] / 2.0;
  ampel_free(buf);
  return AMPEL_OK;
}

typedef struct ranked {
  double v;
  size_t idx;
} ranked;

static int cmp_ranked(const void *a, const void *b) {
  const ranked *x = a, *y = b;
  if (x->v != y->v)
    return (x->v > y->v) - (x->v < y->v);
  return (x->idx > y->idx) - (x->idx < y->idx);
}

ampel_status ampel_stats_rank_average(const double *x, size_t n,
                                      double *out_rank) {
  if (n > 0 && (!x || !out_rank))
    return AMPEL_E_USAGE;
  size_t m = ampel_stats_count(x, n);
  ranked *r = ampel_reallocarray(NULL, m > 0 ? m : 1, sizeof *r);
  if (!r)
    return AMPEL_E_NOMEM;
  size_t j = 0;
  for (size_t i = 0; i < n; i++) {
    if (isfinite(x[i])) {
      r[j].v = x[i];
      r[j++].idx = i;
    }
  }
  qsort(r, m, sizeof *r, cmp_ranked);
  for (size_t i = 0; i < n; i++) /* missing ones; x may alias out_rank */
    if (!isfinite(x[i]))
      out_rank[i] = NAN;
  for (size_t lo = 0; lo < m;) {
    size_t hi = lo + 1;
    while (hi < m && r[hi].v == r[lo].v)
      hi++;
    /* positions lo..hi-1 hold ranks lo+1..hi: their mean */
    double rank = ((double)lo + 1.0 + (double)hi) / 2.0;
    for (size_t t = lo; t < hi; t++)
      out_rank[r[t].idx] = rank;
    lo = hi;
  }
  ampel_free(r);
  return AMPEL_OK;
}

/* ---- reference value (METHODS.md §1) ---------------------------------- */

/* True when every area of the universe (value present) has a usable
 * numerator and denominator; also gives their compensated sums. */
static int ratio_sums(const double *values, const double *num,
                      const double *den, size_t n, double *out_num,
                      double *out_den, size_t *out_m) {
  ksum sn, sd;
  size_t m = 0;
  ksum_init(&sn);
  ksum_init(&sd);
  for (size_t i = 0; i < n; i++) {
    if (!isfinite(values[i]))
      continue;
    if (!isfinite(num[i]) || !isfinite(den[i]) || num[i] < 0.0 || den[i] <= 0.0)
      return 0;
    ksum_add(&sn, num[i]);
    ksum_add(&sd, den[i]);
    m++;
  }
  *out_num = ksum_value(&sn);
  *out_den = ksum_value(&sd);
  *out_m = m;
  return m > 0 && *out_den > 0.0;
}

/* Median of value / (num / den) over the areas with all three present and
 * num, den > 0, snapped to a power of ten when within 2 %. NaN when no
 * area qualifies. */
static ampel_status infer_rate_scale(const double *values, const double *num,
                                     const double *den, size_t n,
                                     double *out_scale) {
  double *q = ampel_reallocarray(NULL, n > 0 ? n : 1, sizeof *q);
  if (!q)
    return AMPEL_E_NOMEM;
  for (size_t i = 0; i < n; i++) {
    q[i] = NAN;
    if (isfinite(values[i]) && isfinite(num[i]) && isfinite(den[i]) &&
        num[i] > 0.0 && den[i] > 0.0)
      q[i] = values[i] / (num[i] / den[i]);
  }
  double med = NAN;
  ampel_status st = ampel_stats_median(q, n, &med);
  ampel_free(q);
  if (st != AMPEL_OK)
    return st;
  if (isfinite(med) && med > 0.0) {
    double p10 = pow(10.0, round(log10(med)));
    if (fabs(med / p10 - 1.0) <= 0.02)
      med = p10;
  } else {
    med = NAN;
  }
  *out_scale = med;
  return AMPEL_OK;
}

/* Tries the RATIO rule; leaves *out alone when it does not apply. */
static ampel_status try_ratio(const double *values, const double *num,
                              const double *den, size_t n, double rate_scale,
                              ampel_ref_result *out) {
  double sn, sd;
  size_t m;
  if (!ratio_sums(values, num, den, n, &sn, &sd, &m))
    return AMPEL_OK;
  double scale = rate_scale;
  if (isnan(scale)) {
    ampel_status st = infer_rate_scale(values, num, den, n, &scale);
    if (st != AMPEL_OK)
      return st;
  }
  if (isnan(scale) && sn != 0.0)
    return AMPEL_OK; /* scale unknown and it matters: fall back to MEAN */
  out->method = AMPEL_REF_RATIO;
  out->rate_scale = scale;
  out->value = sn == 0.0 ? 0.0 : scale * (sn / sd);
  out->n_used = m;
  return AMPEL_OK;
}

/* The rules of §1 alone (root, ratio, mean). */
static ampel_status ref_rules(const double *values, const double *num,
                              const double *den, size_t n, double root_value,
                              double rate_scale, int force_mean,
                              ampel_ref_result *out) {
  if (!out || (!values && n > 0) || (!num != !den))
    return AMPEL_E_USAGE;
  if (!isnan(rate_scale) && !(isfinite(rate_scale) && rate_scale > 0.0))
    return AMPEL_E_USAGE;
  out->value = NAN;
  out->method = AMPEL_REF_NONE;
  out->rate_scale = NAN;
  out->n_used = 0;
  if (!force_mean && isfinite(root_value)) {
    out->value = root_value;
    out->method = AMPEL_REF_ROOT;
    return AMPEL_OK;
  }
  if (!force_mean && num) {
    ampel_status st = try_ratio(values, num, den, n, rate_scale, out);
    if (st != AMPEL_OK || out->method == AMPEL_REF_RATIO)
      return st;
  }
  double mean;
  size_t m;
  ampel_stats_mean_sd(values, n, &mean, NULL, &m);
  if (m > 0) {
    out->value = mean;
    out->method = AMPEL_REF_MEAN;
    out->n_used = m;
  }
  return AMPEL_OK;
}

/* The areas' unweighted mean as the reference, with method m. */
static void mean_reference(const double *values, size_t n, ampel_ref_method m,
                           ampel_ref_result *out) {
  double mean;
  size_t k;
  ampel_stats_mean_sd(values, n, &mean, NULL, &k);
  out->value = k > 0 ? mean : NAN;
  out->method = k > 0 ? m : AMPEL_REF_NONE;
  out->rate_scale = NAN;
  out->n_used = k;
}

ampel_status ampel_ref_compute_kind(const double *values, const double *num,
                                    const double *den, size_t n,
                                    double root_value, double rate_scale,
                                    int force_mean, int kind,
                                    ampel_ref_result *out) {
  ampel_status st =
      ref_rules(values, num, den, n, root_value, rate_scale, force_mean, out);
  if (st != AMPEL_OK || force_mean)
    return st;
  if (kind == AMPEL_KIND_ANZAHL) {
    mean_reference(values, n, AMPEL_REF_MEAN_COUNT, out);
    return AMPEL_OK;
  }
  if (out->method != AMPEL_REF_ROOT && out->method != AMPEL_REF_RATIO)
    return AMPEL_OK;
  double lo = INFINITY, hi = -INFINITY;
  for (size_t i = 0; i < n; i++)
    if (isfinite(values[i])) {
      lo = values[i] < lo ? values[i] : lo;
      hi = values[i] > hi ? values[i] : hi;
    }
  if (lo <= hi && (out->value < lo || out->value > hi))
    mean_reference(values, n, AMPEL_REF_MEAN_OUTSIDE, out);
  return AMPEL_OK;
}

ampel_status ampel_ref_compute(const double *values, const double *num,
                               const double *den, size_t n, double root_value,
                               double rate_scale, int force_mean,
                               ampel_ref_result *out) {
  return ref_rules(values, num, den, n, root_value, rate_scale, force_mean,
                   out);
}
