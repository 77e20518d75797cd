/* ampel/stats.h - pure numeric building blocks of METHODS.md §1-§3 and §8.
 *
 * Everything here works on plain arrays of doubles, one element per area.
 * A value is *missing* when it is not finite (NaN, and also +-Inf, which no
 * valid observation can be); missing values are skipped, never treated as 0.
 * The functions do no I/O, keep no state and touch no dataset, so they are
 * safe to call from several threads at once.
 *
 * Conventions (METHODS.md §0): standard deviations are population SDs
 * (divide by n), means are unweighted. Sums use compensated (Neumaier)
 * summation, so results do not depend on the order of the areas beyond the
 * last bit or two.
 *
 * Functions that allocate scratch memory or validate options return an
 * ampel_status; the others cannot fail and return their result directly.
 * Output arrays are owned by the caller; nothing here keeps a pointer.
 */
#ifndef AMPEL_STATS_H
#define AMPEL_STATS_H

#include <stddef.h>

#include "ampel/dataset.h" /* ampel_polarity */
#include "ampel/error.h"
#include "ampel/labels.h" /* names and German labels (src/model/labels.c) */

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------- */
/* Basic statistics (src/compute/stats.c)                                  */

/* Number of non-missing values among x[0..n-1]. */
size_t ampel_stats_count(const double *x, size_t n);

/* Unweighted mean of the non-missing values; NaN when there are none. */
double ampel_stats_mean(const double *x, size_t n);

/* Population SD (divide by the number of non-missing values m) with a
 * compensated two-pass algorithm; NaN when m == 0, 0 when m == 1. */
double ampel_stats_sd_pop(const double *x, size_t n);

/* Mean, population SD and count in one call. Any out pointer may be NULL.
 * With no value, mean and SD are NaN and the count is 0. */
void ampel_stats_mean_sd(const double *x, size_t n, double *out_mean,
                         double *out_sd, size_t *out_count);

/* Median of the non-missing values (mean of the two middle ones for an
 * even count); *out_median is NaN when there is none.
 * Errors: AMPEL_E_NOMEM (scratch copy), AMPEL_E_USAGE (NULL out). */
AMPEL_WUR ampel_status ampel_stats_median(const double *x, size_t n,
                                          double *out_median);

/* Ranks 1..m of the non-missing values, ties get the average of the ranks
 * they span (as scipy.stats.rankdata(method='average')); missing values
 * get NaN. out_rank[0..n-1] is written; it may be the same array as x.
 * Errors: AMPEL_E_NOMEM, AMPEL_E_USAGE (NULL arrays with n > 0). */
AMPEL_WUR ampel_status ampel_stats_rank_average(const double *x, size_t n,
                                                double *out_rank);

/* ---------------------------------------------------------------------- */
/* Reference value, METHODS.md §1 (src/compute/stats.c)                    */

/* ampel_ref_method and its names: labels.h. */
typedef struct ampel_ref_result {
  double value;            /* the reference value; NaN with AMPEL_REF_NONE */
  ampel_ref_method method; /* which rule gave it */
  double rate_scale;       /* RATIO: the scale used; NaN otherwise */
  size_t n_used;           /* areas that entered it (0 for ROOT) */
} ampel_ref_result;

/* Computes ref(i, t) of METHODS.md §1 from the areas' values.
 *
 * values[0..n-1]: the areas' values; the universe is the areas whose value
 * is present (the caller has already blanked suppressed or excluded areas).
 * num, den: numerators and denominators, both NULL or both of length n.
 * root_value: the root area's own value, NaN when the data has none.
 * rate_scale: the factor between a rate value and num/den (100 for a
 * percentage). Pass NaN to infer it: the median of value / (num / den)
 * over the areas with all three present and num, den > 0, snapped to the
 * nearest power of ten when within 2 % of it (published values are
 * rounded). When given it must be finite and > 0.
 * force_mean: nonzero for `--reference mean`.
 *
 * Rules, in order: force_mean → MEAN. A finite root_value → ROOT. num and
 * den given, every area of the universe has finite num >= 0 and den > 0,
 * sum(den) > 0 and the scale is known (given or inferred; when every
 * numerator is 0 the scale does not matter and ref is 0) → RATIO.
 * Otherwise MEAN; MEAN over an empty universe gives NONE.
 *
 * Errors: AMPEL_E_USAGE (NULL out, NULL values with n > 0, only one of
 * num/den, bad rate_scale), AMPEL_E_NOMEM (median scratch). */
AMPEL_WUR ampel_status ampel_ref_compute(const double *values,
                                         const double *num, const double *den,
                                         size_t n, double root_value,
                                         double rate_scale, int force_mean,
                                         ampel_ref_result *out);

/* ampel_ref_compute with the rules of METHODS.md §9 on top: a count
 * (kind AMPEL_KIND_ANZAHL) is compared with the unweighted mean of the
 * areas (MEAN_COUNT), never with the city total; and a reference (root
 * or ratio) outside [min, max] of the areas' values falls back to their
 * mean (MEAN_OUTSIDE). `kind` is an ampel_ind_kind (dataset.h); pass the
 * resolved kind (ampel_indicator_kind()). ampel_ref_compute() applies §1
 * alone; every output of the program uses this one. */
AMPEL_WUR ampel_status ampel_ref_compute_kind(const double *values,
                                              const double *num,
                                              const double *den, size_t n,
                                              double root_value,
                                              double rate_scale,
                                              int force_mean, int kind,
                                              ampel_ref_result *out);

/* ---------------------------------------------------------------------- */
/* 0-1 scaling, METHODS.md §2.2 (src/compute/scale.c)                      */

/* Scales one column: v = (x - min) / (max - min) over the non-missing
 * values, v = 1 - v for AMPEL_POL_HIGHER_IS_WORSE (1 is always the
 * favourable end), 0.5 for every value when max == min. Neutral
 * indicators are not flipped. Missing values give NaN. out[0..n-1] is
 * written and may be the same array as x. Cannot fail. */
void ampel_scale_column(const double *x, size_t n, ampel_polarity pol,
                        double *out);

/* ---------------------------------------------------------------------- */
/* Status and trend lights, METHODS.md §3 (src/compute/lights.c)           */

/* ampel_light, ampel_trend and their names: labels.h. */
typedef enum ampel_status_method {
  AMPEL_STATUS_METHOD_SD = 0,      /* s = p (x - ref) / sd, band 0.5 */
  AMPEL_STATUS_METHOD_RELATIVE = 1 /* r = 100 p (x - ref) / |ref|, band % */
} ampel_status_method;

#define AMPEL_BAND_DEFAULT 0.5           /* --band for the SD method */
#define AMPEL_BAND_RELATIVE_DEFAULT 10.0 /* --band for relative, percent */
#define AMPEL_LIGHT_MIN_AREAS 3          /* fewer areas: no light */

/* Options shared by status and trend. band <= 0 is invalid; NaN means the
 * default of the method. */
typedef struct ampel_light_opts {
  ampel_polarity polarity;
  ampel_status_method method; /* status only; the trend is always SD */
  double band;
} ampel_light_opts;

/* Classifies one score against band b: s >= b → GOOD, s <= -b → CRITICAL,
 * otherwise AVERAGE; NaN → NONE. (Exactly ±b counts as good/critical.) */
ampel_light ampel_light_classify(double score, double band);
/* The same rule for trends: BETTER / STABLE / WORSE / NONE. */
ampel_trend ampel_trend_classify(double score, double band);

typedef struct ampel_status_info {
  size_t n_used; /* areas in the universe (value present) */
  double sd;     /* population SD over the universe (SD method), else NaN */
  double band;   /* the band actually used */
} ampel_status_info;

/* Status scores and lights for all areas (METHODS.md §3).
 *
 * SD method: s_a = p (x_a - ref) / sd, sd = population SD of the present
 * values. Fewer than AMPEL_LIGHT_MIN_AREAS present values or sd == 0 →
 * every light NONE; the score is still given when sd > 0 (a 2-area case),
 * NaN when sd == 0.
 * Relative method: r_a = 100 p (x_a - ref) / |ref| compared with the band
 * in percent; ref == 0 → score NaN, light NONE. The minimum number of areas
 * does not apply (each area is compared with the reference only).
 * Neutral indicators: the score uses p = +1 and the light is always NONE.
 * A missing x_a or a NaN ref gives score NaN and light NONE.
 *
 * out_score and out_light (length n) may be NULL; out_info may be NULL.
 * Errors: AMPEL_E_USAGE (bad opts: band <= 0 or infinite, unknown method
 * or polarity; NULL x with n > 0). Outputs are untouched on error. */
AMPEL_WUR ampel_status ampel_light_status(const double *x, size_t n, double ref,
                                          const ampel_light_opts *opts,
                                          double *out_score,
                                          ampel_light *out_light,
                                          ampel_status_info *out_info);

typedef struct ampel_trend_info {
  size_t n_both; /* areas with a value at t and at t0 */
  double d_ref;  /* ref(t) - ref(t0) */
  double sd_d;   /* population SD of D_a over those areas */
  double band;   /* the band actually used */
} ampel_trend_info;

/* Trend since t0 for all areas (METHODS.md §3): D_a = x_a(t) - x_a(t0),
 * D_ref = ref_t - ref_t0, sd_D = population SD of D_a over the areas with
 * both values, tau_a = p (D_a - D_ref) / sd_D, classified with the band.
 * opts->method is ignored (the trend has one method).
 *
 * out_change[a] is D_a (NaN without both values). The trend is NONE for an
 * area without both values, and for all areas when fewer than
 * AMPEL_LIGHT_MIN_AREAS have both, sd_D == 0, or a reference is NaN.
 * tau is given whenever it is defined (sd_D > 0, refs present), also for
 * neutral indicators (p = +1), whose trend is always NONE.
 * x_t0 may be NULL (no earlier period: everything NONE).
 *
 * Output pointers may be NULL. Errors: AMPEL_E_USAGE as for
 * ampel_light_status. */
AMPEL_WUR ampel_status ampel_light_trend(const double *x_t, const double *x_t0,
                                         size_t n, double ref_t, double ref_t0,
                                         const ampel_light_opts *opts,
                                         double *out_change, double *out_score,
                                         ampel_trend *out_trend,
                                         ampel_trend_info *out_info);

/* ---------------------------------------------------------------------- */
/* Certainty: Wilson score interval (src/compute/lights.c)                 */

#define AMPEL_WILSON_Z95 1.959963984540054 /* Phi^-1(0.975) */

/* ampel_certainty and its names: labels.h. */
/* Wilson score interval for k successes of n trials at normal quantile z
 * (use AMPEL_WILSON_Z95): centre (p + z^2/2n) / (1 + z^2/n), half-width
 * z / (1 + z^2/n) * sqrt(p(1-p)/n + z^2/4n^2), p = k/n; clamped to [0, 1]
 * (exactly 0 for k = 0 and 1 for k = n). k and n need not be integers
 * (weighted counts).
 * Errors: AMPEL_E_DATA when k, n or z are not finite, n <= 0, z <= 0,
 * k < 0 or k > n; the outputs are then NaN. NULL outputs: AMPEL_E_USAGE. */
AMPEL_WUR ampel_status ampel_wilson_interval(double k, double n, double z,
                                             double *out_lo, double *out_hi);

/* certain = NO when ref_prop lies in the 95 % Wilson interval of k of n
 * (bounds included), YES when outside, NA when the interval is undefined
 * (see above) or ref_prop is NaN. ref_prop is a proportion: divide a
 * percentage reference by the rate scale first. */
ampel_certainty ampel_wilson_certainty(double k, double n, double ref_prop);

/* ---------------------------------------------------------------------- */
/* Correlations, METHODS.md §8 (src/compute/correlate.c)                   */

typedef enum ampel_corr_method {
  AMPEL_CORR_PEARSON = 0,
  AMPEL_CORR_SPEARMAN = 1 /* Pearson on average ranks */
} ampel_corr_method;

/* "pearson", "spearman". */
const char *ampel_corr_method_name(ampel_corr_method m);

typedef struct ampel_corr {
  double r; /* NaN when n < 3 or one variable is constant over the pairs */
  double p; /* two-sided p-value, t = r sqrt((n-2)/(1-r^2)), n-2 df;
               0 when |r| == 1; NaN when r is NaN */
  size_t n; /* pairs with both values (pairwise deletion) */
} ampel_corr;

/* Correlation of x and y over the pairs where both are present. Spearman
 * ranks within those pairs (so it equals scipy's spearmanr on the complete
 * pairs). Errors: AMPEL_E_USAGE (NULL arguments), AMPEL_E_NOMEM
 * (scratch). */
AMPEL_WUR ampel_status ampel_corr_pair(const double *x, const double *y,
                                       size_t n, ampel_corr_method method,
                                       ampel_corr *out);

/* The full k x k matrix of correlations between columns cols[0..k-1], each
 * an array of n values (one per area; the columnar layout of the dataset).
 * out[i * k + j] receives the result for columns i and j, pairwise
 * complete; the matrix is symmetric; the diagonal has r = 1, p = 0 (or NaN
 * like any undefined r) and n = the column's count. out has room for k * k
 * entries, owned by the caller.
 * Errors: AMPEL_E_USAGE (NULL arguments), AMPEL_E_NOMEM, AMPEL_E_TOO_LARGE
 * (k * k overflows). */
AMPEL_WUR ampel_status ampel_corr_matrix(const double *const *cols, size_t k,
                                         size_t n, ampel_corr_method method,
                                         ampel_corr *out);

/* Order of the k variables of a correlation matrix m (ampel_corr_matrix)
 * for the heat table (ampel_chart_corr_matrix): average-linkage
 * clustering on the distance 1 - r (pairs without r count as 1),
 * dendrogram leaf order; fewer than 3 variables keep their order. Writes k
 * ids to out_order (owned by the caller).
 * Errors: AMPEL_E_NOMEM, AMPEL_E_TOO_LARGE (k too large to cluster). */
AMPEL_WUR ampel_status ampel_corr_order(const ampel_corr *m, size_t k,
                                        size_t *out_order);

/* ---------------------------------------------------------------------- */
/* Student t distribution (src/compute/tdist.c)                            */

/* Two-sided p-value P(|T| >= |t|) of Student's t with df > 0 degrees of
 * freedom (df need not be an integer): I_{df/(df+t^2)}(df/2, 1/2).
 * Returns 1 for t == 0, 0 for infinite t, NaN for NaN t, df <= 0 or
 * infinite df. Relative accuracy about 1e-12 for df up to 1000. */
double ampel_tdist_p_two_sided(double t, double df);

/* Regularized incomplete beta function I_x(a, b) for a, b > 0 and
 * 0 <= x <= 1; NaN outside. */
double ampel_beta_inc(double a, double b, double x);

#ifdef __cplusplus
}
#endif
#endif
