/* compute/lights.c - status and trend lights and the Wilson certainty of
 * METHODS.md §3. See include/ampel/stats.h. */
#include "ampel/stats.h"

#include <math.h>

#include "compute/ksum.h"

ampel_light ampel_light_classify(double score, double band) {
  if (isnan(score) || isnan(band))
    return AMPEL_LIGHT_NONE;
  if (score >= band)
    return AMPEL_LIGHT_GOOD;
  if (score <= -band)
    return AMPEL_LIGHT_CRITICAL;
  return AMPEL_LIGHT_AVERAGE;
}

/* A neutral indicator's direction by the same band, without judgement. */
static ampel_trend direction(double score, double band) {
  switch (ampel_light_classify(score, band)) {
  case AMPEL_LIGHT_GOOD: return AMPEL_TREND_UP;
  case AMPEL_LIGHT_AVERAGE: return AMPEL_TREND_SAME;
  case AMPEL_LIGHT_CRITICAL: return AMPEL_TREND_DOWN;
  case AMPEL_LIGHT_NONE: break;
  }
  return AMPEL_TREND_NONE;
}

ampel_trend ampel_trend_classify(double score, double band) {
  switch (ampel_light_classify(score, band)) {
  case AMPEL_LIGHT_GOOD: return AMPEL_TREND_BETTER;
  case AMPEL_LIGHT_AVERAGE: return AMPEL_TREND_STABLE;
  case AMPEL_LIGHT_CRITICAL: return AMPEL_TREND_WORSE;
  case AMPEL_LIGHT_NONE: return AMPEL_TREND_NONE;
  }
  return AMPEL_TREND_NONE;
}

/* Validates the options and resolves the band (NaN → method default).
 * Returns the band, or NaN when the options are invalid. */
static double resolve_band(const ampel_light_opts *o, int for_trend) {
  if (!o)
    return NAN;
  if (o->polarity != AMPEL_POL_NEUTRAL &&
      o->polarity != AMPEL_POL_HIGHER_IS_BETTER &&
      o->polarity != AMPEL_POL_HIGHER_IS_WORSE)
    return NAN;
  int relative = !for_trend && o->method == AMPEL_STATUS_METHOD_RELATIVE;
  if (!for_trend && !relative && o->method != AMPEL_STATUS_METHOD_SD)
    return NAN;
  if (isnan(o->band))
    return relative ? AMPEL_BAND_RELATIVE_DEFAULT : AMPEL_BAND_DEFAULT;
  if (!isfinite(o->band) || o->band <= 0.0)
    return NAN;
  return o->band;
}

/* p of METHODS.md §0, with +1 for neutral indicators (their score is
 * computed but never coloured). */
static double sign_of(ampel_polarity pol) {
  return pol == AMPEL_POL_HIGHER_IS_WORSE ? -1.0 : 1.0;
}

/* Writes score and light of area i; either array may be NULL. */
static void put_status(double *score, ampel_light *light, size_t i, double s,
                       int colour, double band) {
  if (score)
    score[i] = s;
  if (light)
    light[i] = colour ? ampel_light_classify(s, band) : AMPEL_LIGHT_NONE;
}

ampel_status ampel_light_status(const double *x, size_t n, double ref,
                                const ampel_light_opts *opts, double *out_score,
                                ampel_light *out_light,
                                ampel_status_info *out_info) {
  double band = resolve_band(opts, 0);
  if (isnan(band) || (!x && n > 0))
    return AMPEL_E_USAGE;
  int relative = opts->method == AMPEL_STATUS_METHOD_RELATIVE;
  double p = sign_of(opts->polarity);
  double mean, sd;
  size_t m;
  ampel_stats_mean_sd(x, n, &mean, &sd, &m);
  /* scale: sd (SD method) or |ref| / 100 (relative method) */
  double div = relative ? fabs(ref) / 100.0 : sd;
  int colour = opts->polarity != AMPEL_POL_NEUTRAL && isfinite(ref) &&
               div > 0.0 && (relative || m >= AMPEL_LIGHT_MIN_AREAS);
  for (size_t i = 0; i < n; i++) {
    double s = NAN;
    if (isfinite(x[i]) && isfinite(ref) && div > 0.0)
      s = relative ? 100.0 * p * (x[i] - ref) / fabs(ref)
                   : p * (x[i] - ref) / sd;
    put_status(out_score, out_light, i, s, colour, band);
  }
  if (out_info) {
    out_info->n_used = m;
    out_info->sd = relative ? NAN : sd;
    out_info->band = band;
  }
  return AMPEL_OK;
}

/* Mean and population SD of D_a = x_t - x_t0 over areas with both values,
 * without allocating: the same corrected two-pass rule as stats.c. */
static void change_sd(const double *x_t, const double *x_t0, size_t n,
                      double *out_sd, size_t *out_m) {
  ksum s, d1, d2;
  size_t m = 0;
  ksum_init(&s);
  ksum_init(&d1);
  ksum_init(&d2);
  for (size_t i = 0; i < n; i++) {
    if (isfinite(x_t[i]) && isfinite(x_t0[i])) {
      ksum_add(&s, x_t[i] - x_t0[i]);
      m++;
    }
  }
  double mean = m > 0 ? ksum_value(&s) / (double)m : NAN;
  for (size_t i = 0; i < n && m > 0; i++) {
    if (isfinite(x_t[i]) && isfinite(x_t0[i])) {
      double d = (x_t[i] - x_t0[i]) - mean;
      ksum_add(&d1, d);
      ksum_add(&d2, d * d);
    }
  }
  double c = ksum_value(&d1);
  double var = m > 0 ? (ksum_value(&d2) - c * c / (double)m) / (double)m : NAN;
  *out_sd = m > 0 ? sqrt(var > 0.0 ? var : 0.0) : NAN;
  *out_m = m;
}

/* colour: 1 a judged trend, 2 a neutral indicator's direction, 0 none */
static void put_trend(double *change, double *score, ampel_trend *trend,
                      size_t i, double d, double tau, int colour, double band) {
  if (change)
    change[i] = d;
  if (score)
    score[i] = tau;
  if (trend)
    trend[i] = colour == 1   ? ampel_trend_classify(tau, band)
               : colour == 2 ? direction(tau, band)
                             : AMPEL_TREND_NONE;
}

ampel_status ampel_light_trend(const double *x_t, const double *x_t0, size_t n,
                               double ref_t, double ref_t0,
                               const ampel_light_opts *opts, double *out_change,
                               double *out_score, ampel_trend *out_trend,
                               ampel_trend_info *out_info) {
  double band = resolve_band(opts, 1);
  if (isnan(band) || (!x_t && n > 0))
    return AMPEL_E_USAGE;
  double p = sign_of(opts->polarity);
  double sd_d = NAN, d_ref = ref_t - ref_t0;
  size_t m = 0;
  if (x_t0)
    change_sd(x_t, x_t0, n, &sd_d, &m);
  int defined = isfinite(d_ref) && sd_d > 0.0;
  int colour = !(defined && m >= AMPEL_LIGHT_MIN_AREAS) ? 0
               : opts->polarity != AMPEL_POL_NEUTRAL    ? 1
                                                        : 2;
  for (size_t i = 0; i < n; i++) {
    double d = NAN, tau = NAN;
    if (x_t0 && isfinite(x_t[i]) && isfinite(x_t0[i]))
      d = x_t[i] - x_t0[i];
    if (defined && !isnan(d))
      tau = p * (d - d_ref) / sd_d;
    put_trend(out_change, out_score, out_trend, i, d, tau, colour, band);
  }
  if (out_info) {
    out_info->n_both = m;
    out_info->d_ref = d_ref;
    out_info->sd_d = sd_d;
    out_info->band = band;
  }
  return AMPEL_OK;
}

/* ---- Wilson score interval -------------------------------------------- */

ampel_status ampel_wilson_interval(double k, double n, double z, double *out_lo,
                                   double *out_hi) {
  if (!out_lo || !out_hi)
    return AMPEL_E_USAGE;
  *out_lo = *out_hi = NAN;
  if (!isfinite(k) || !isfinite(n) || !isfinite(z) || n <= 0.0 || z <= 0.0 ||
      k < 0.0 || k > n)
    return AMPEL_E_DATA;
  double p = k / n, z2 = z * z;
  double denom = 1.0 + z2 / n;
  double centre = (p + z2 / (2.0 * n)) / denom;
  double half = z / denom * sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n));
  double lo = centre - half, hi = centre + half;
  *out_lo = k == 0.0 ? 0.0 : fmax(lo, 0.0);
  *out_hi = k == n ? 1.0 : fmin(hi, 1.0);
  return AMPEL_OK;
}

ampel_certainty ampel_wilson_certainty(double k, double n, double ref_prop) {
  double lo, hi;
  if (isnan(ref_prop) ||
      ampel_wilson_interval(k, n, AMPEL_WILSON_Z95, &lo, &hi) != AMPEL_OK)
    return AMPEL_CERTAIN_NA;
  return (ref_prop >= lo && ref_prop <= hi) ? AMPEL_CERTAIN_NO
                                            : AMPEL_CERTAIN_YES;
}
