/* Status/dynamics index (MSS), need index, ranks and levels (index.h,
 * METHODS.md §4 and §5). Pure functions over plain arrays. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ampel/alloc.h"
#include "ampel/index.h"
#include "compute/index_internal.h"

/* Appends an error to `d` (when given) and returns its code. */
AMPEL_PRINTF(3, 4)
static ampel_status fail(ampel_diags *d, ampel_status code, const char *fmt,
                         ...) {
  if (d) {
    va_list ap;
    va_start(ap, fmt);
    ampel_diags_vadd(d, AMPEL_SEV_ERROR, code, NULL, 0, 0, NULL, 0, fmt, ap);
    va_end(ap);
  }
  return code;
}

/* Name of indicator j for messages: its key or "Nr. j+1". */
static const char *ind_name(const char *const *keys, size_t j, char *buf,
                            size_t len) {
  if (keys && keys[j])
    return keys[j];
  snprintf(buf, len, "Nr. %zu", j + 1);
  return buf;
}

/* Checks that every polarity is -1 or +1. `what` names the index. */
static ampel_status check_polarity(size_t k, const ampel_polarity *pol,
                                   const char *const *keys, const char *what,
                                   ampel_diags *d) {
  char buf[32];
  for (size_t j = 0; j < k; j++) {
    if (pol[j] == AMPEL_POL_HIGHER_IS_BETTER ||
        pol[j] == AMPEL_POL_HIGHER_IS_WORSE)
      continue;
    const char *name = ind_name(keys, j, buf, sizeof buf);
    if (pol[j] == AMPEL_POL_NEUTRAL)
      return fail(d, AMPEL_E_USAGE,
                  "Kennzahl '%s' ist neutral: %s braucht eine Richtung "
                  "(higher_is_better oder higher_is_worse)",
                  name, what);
    return fail(d, AMPEL_E_USAGE, "Kennzahl '%s': ungültige Polarität %d",
                name, (int)pol[j]);
  }
  return AMPEL_OK;
}

/* Refuses infinite values (NaN is "missing" and allowed). */
static ampel_status check_finite_or_nan(size_t n, size_t k, const double *x,
                                        const char *const *keys,
                                        ampel_diags *d) {
  char buf[32];
  for (size_t a = 0; a < n; a++)
    for (size_t j = 0; j < k; j++)
      if (isinf(x[a * k + j]))
        return fail(d, AMPEL_E_DATA,
                    "Kennzahl '%s', Gebiet Nr. %zu: Wert ist unendlich",
                    ind_name(keys, j, buf, sizeof buf), a + 1);
  return AMPEL_OK;
}

/* 1 when row a of the n x k matrix has no NaN. */
static int row_complete(const double *x, size_t k, size_t a) {
  for (size_t j = 0; j < k; j++)
    if (isnan(x[a * k + j]))
      return 0;
  return 1;
}

/* Mean and population SD of the masked entries x[a*stride] (long double,
 * two passes: the second pass on deviations avoids the cancellation of
 * sum(x^2) - n*mean^2). */
static void mean_sd(const double *x, size_t stride, size_t n,
                    const unsigned char *mask, size_t m, long double *mean,
                    long double *sd) {
  long double s = 0.0L, ss = 0.0L;
  for (size_t a = 0; a < n; a++)
    if (mask[a])
      s += x[a * stride];
  *mean = s / (long double)m;
  for (size_t a = 0; a < n; a++)
    if (mask[a]) {
      long double dv = x[a * stride] - *mean;
      ss += dv * dv;
    }
  *sd = sqrtl(ss / (long double)m);
}

/* Same for a long double vector. */
static void mean_sd_l(const long double *x, size_t n,
                      const unsigned char *mask, size_t m, long double *mean,
                      long double *sd) {
  long double s = 0.0L, ss = 0.0L;
  for (size_t a = 0; a < n; a++)
    if (mask[a])
      s += x[a];
  *mean = s / (long double)m;
  for (size_t a = 0; a < n; a++)
    if (mask[a]) {
      long double dv = x[a] - *mean;
      ss += dv * dv;
    }
  *sd = sqrtl(ss / (long double)m);
}

/* Oriented z-values of all k columns over the universe `mask` (m areas):
 * z_out[a*k+j] = -p_j * (x - mean_j) / sd_j, NaN outside. When `acc` is
 * given, also adds the unrounded z' to acc[a] (MSS sums). */
static ampel_status zscores(size_t n, size_t k, const double *x,
                            const ampel_polarity *pol,
                            const unsigned char *mask, size_t m,
                            const char *const *keys, double *z_out,
                            long double *acc, ampel_diags *d) {
  char buf[32];
  for (size_t j = 0; j < k; j++) {
    long double mean, sd;
    mean_sd(x + j, k, n, mask, m, &mean, &sd);
    if (!(sd > 0.0L))
      return fail(d, AMPEL_E_DATA,
                  "Kennzahl '%s' hat in den %zu ausgewerteten Gebieten "
                  "keine Streuung (alle Werte gleich); z-Werte sind nicht "
                  "definiert",
                  ind_name(keys, j, buf, sizeof buf), m);
    long double orient = -(long double)pol[j];
    for (size_t a = 0; a < n; a++) {
      if (!mask[a]) {
        z_out[a * k + j] = NAN;
        continue;
      }
      long double z = orient * ((x[a * k + j] - mean) / sd);
      z_out[a * k + j] = (double)z;
      if (acc)
        acc[a] += z;
    }
  }
  return AMPEL_OK;
}

/* ---------------------------------------------------------------------- */
/* MSS                                                                      */

void ampel_mss_input_init(ampel_mss_input *in) {
  memset(in, 0, sizeof *in);
  in->min_population = AMPEL_MSS_DEFAULT_MIN_POPULATION;
}

void ampel_mss_result_release(ampel_mss_result *r) {
  if (!r)
    return;
  ampel_free(r->areas);
  ampel_free(r->z_status);
  ampel_free(r->z_dynamics);
  memset(r, 0, sizeof *r);
}

int ampel_mss_status_class(double v) {
  if (isnan(v))
    return AMPEL_MSS_STATUS_NONE;
  if (v <= -1.0)
    return AMPEL_MSS_STATUS_HIGH;
  if (v < 1.0)
    return AMPEL_MSS_STATUS_MEDIUM;
  if (v < 1.5)
    return AMPEL_MSS_STATUS_LOW;
  return AMPEL_MSS_STATUS_VERY_LOW;
}

int ampel_mss_dynamics_class(double v) {
  if (isnan(v))
    return AMPEL_MSS_DYN_NONE;
  if (v <= -1.0)
    return AMPEL_MSS_DYN_POSITIVE;
  if (v >= 1.0)
    return AMPEL_MSS_DYN_NEGATIVE;
  return AMPEL_MSS_DYN_STABLE;
}

static ampel_status mss_check(const ampel_mss_input *in, ampel_diags *d) {
  if (in->k_status == 0 || !in->status || !in->status_polarity)
    return fail(d, AMPEL_E_USAGE,
                "Statusindex: mindestens eine Status-Kennzahl ist nötig");
  if (in->k_dynamics > 0 && (!in->dynamics || !in->dynamics_polarity))
    return fail(d, AMPEL_E_USAGE,
                "Dynamikindex: Werte oder Polaritäten fehlen");
  if (isnan(in->min_population) || in->min_population < 0)
    return fail(d, AMPEL_E_USAGE,
                "Mindesteinwohnerzahl muss eine Zahl >= 0 sein");
  ampel_status st = check_polarity(in->k_status, in->status_polarity,
                                   in->status_keys, "der Statusindex", d);
  if (st == AMPEL_OK)
    st = check_polarity(in->k_dynamics, in->dynamics_polarity,
                        in->dynamics_keys, "der Dynamikindex", d);
  if (st == AMPEL_OK)
    st = check_finite_or_nan(in->n_areas, in->k_status, in->status,
                             in->status_keys, d);
  if (st == AMPEL_OK && in->k_dynamics > 0)
    st = check_finite_or_nan(in->n_areas, in->k_dynamics, in->dynamics,
                             in->dynamics_keys, d);
  return st;
}

/* Universe of §4.1; returns its size. */
static size_t mss_universe(const ampel_mss_input *in, unsigned char *mask) {
  size_t m = 0;
  for (size_t a = 0; a < in->n_areas; a++) {
    int ok = row_complete(in->status, in->k_status, a);
    if (ok && in->k_dynamics > 0)
      ok = row_complete(in->dynamics, in->k_dynamics, a);
    if (ok && in->population) {
      double p = in->population[a];
      if (!isnan(p) && !(p >= in->min_population))
        ok = 0;
    }
    mask[a] = (unsigned char)ok;
    m += (size_t)ok;
  }
  return m;
}

/* Re-standardises the sums into index values (NaN outside). */
static ampel_status restandardise(size_t n, const long double *sum,
                                  const unsigned char *mask, size_t m,
                                  const char *what, double *out_sum,
                                  size_t sum_stride, double *out_index,
                                  ampel_diags *d) {
  long double mean, sd;
  mean_sd_l(sum, n, mask, m, &mean, &sd);
  if (!(sd > 0.0L))
    return fail(d, AMPEL_E_DATA,
                "%s: die Summe der z-Werte hat keine Streuung; der Index "
                "ist nicht definiert",
                what);
  for (size_t a = 0; a < n; a++) {
    double *s = (double *)((char *)out_sum + a * sum_stride);
    double *ix = (double *)((char *)out_index + a * sum_stride);
    *s = mask[a] ? (double)sum[a] : NAN;
    *ix = mask[a] ? (double)((sum[a] - mean) / sd) : NAN;
  }
  return AMPEL_OK;
}

static ampel_status mss_alloc(const ampel_mss_input *in,
                              ampel_mss_result *out) {
  size_t n = in->n_areas;
  out->n_areas = n;
  out->k_status = in->k_status;
  out->k_dynamics = in->k_dynamics;
  out->areas = ampel_calloc(n ? n : 1, sizeof *out->areas);
  out->z_status = ampel_calloc(n ? n * in->k_status : 1, sizeof(double));
  if (in->k_dynamics > 0)
    out->z_dynamics = ampel_calloc(n ? n * in->k_dynamics : 1,
                                   sizeof(double));
  if (!out->areas || !out->z_status ||
      (in->k_dynamics > 0 && !out->z_dynamics))
    return AMPEL_E_NOMEM;
  return AMPEL_OK;
}

/* Classes and group string of every area. */
static void mss_classify(ampel_mss_result *out) {
  for (size_t a = 0; a < out->n_areas; a++) {
    ampel_mss_area *ar = &out->areas[a];
    ar->status_class = ampel_mss_status_class(ar->status_index);
    ar->dynamics_class = ampel_mss_dynamics_class(ar->dynamics_index);
    ar->group[0] = '\0';
    if (ar->in_universe)
      snprintf(ar->group, sizeof ar->group, "%d%s", ar->status_class,
               ampel_mss_dynamics_sign(ar->dynamics_class));
  }
}

static ampel_status mss_part(const ampel_mss_input *in, int dyn,
                             const unsigned char *mask, size_t m,
                             long double *acc, ampel_mss_result *out,
                             ampel_diags *d) {
  size_t n = in->n_areas;
  size_t k = dyn ? in->k_dynamics : in->k_status;
  for (size_t a = 0; a < n; a++)
    acc[a] = 0.0L;
  ampel_status st = zscores(
      n, k, dyn ? in->dynamics : in->status,
      dyn ? in->dynamics_polarity : in->status_polarity, mask, m,
      dyn ? in->dynamics_keys : in->status_keys,
      dyn ? out->z_dynamics : out->z_status, acc, d);
  if (st != AMPEL_OK)
    return st;
  ampel_mss_area *ar = out->areas;
  return restandardise(n, acc, mask, m,
                       dyn ? "Dynamikindex" : "Statusindex",
                       dyn ? &ar->dynamics_sum : &ar->status_sum,
                       sizeof *ar,
                       dyn ? &ar->dynamics_index : &ar->status_index, d);
}

ampel_status ampel_mss_compute(const ampel_mss_input *in,
                               ampel_mss_result *out, ampel_diags *d) {
  memset(out, 0, sizeof *out);
  ampel_status st = mss_check(in, d);
  if (st != AMPEL_OK)
    return st;
  size_t n = in->n_areas;
  unsigned char *mask = ampel_alloc(n ? n : 1);
  long double *acc = ampel_calloc(n ? n : 1, sizeof *acc);
  st = (mask && acc) ? mss_alloc(in, out) : AMPEL_E_NOMEM;
  if (st != AMPEL_OK)
    goto done;
  size_t m = mss_universe(in, mask);
  out->n_universe = m;
  if (m < 2) {
    st = fail(d, AMPEL_E_DATA,
              "Statusindex: nur %zu Gebiet(e) mit allen Werten und genug "
              "Einwohnern; es braucht mindestens 2",
              m);
    goto done;
  }
  for (size_t a = 0; a < n; a++) {
    out->areas[a].in_universe = mask[a];
    out->areas[a].dynamics_sum = NAN;
    out->areas[a].dynamics_index = NAN;
  }
  st = mss_part(in, 0, mask, m, acc, out, d);
  if (st == AMPEL_OK && in->k_dynamics > 0)
    st = mss_part(in, 1, mask, m, acc, out, d);
  if (st == AMPEL_OK)
    mss_classify(out);
done:
  ampel_free(mask);
  ampel_free(acc);
  if (st != AMPEL_OK)
    ampel_mss_result_release(out);
  return st;
}

/* ---------------------------------------------------------------------- */
/* Ranks and levels                                                         */

void ampel_level_opts_init(ampel_level_opts *o) {
  o->k = AMPEL_LEVELS_DEFAULT_K;
  o->top_share = 0.0;
  o->method = AMPEL_LEVEL_WIDTH;
}

/* Sort key for descending order: the IEEE bits mapped to an unsigned
 * integer whose ascending order is the descending order of the doubles.
 * -0.0 becomes +0.0 first, so the two compare equal, as doubles do. */
static uint64_t desc_key(double s) {
  uint64_t u;
  s += 0.0;
  memcpy(&u, &s, sizeof u);
  u = (u >> 63) ? ~u : (u | UINT64_C(0x8000000000000000));
  return ~u;
}

/* Stable LSD radix sort (8 bits per pass) of idx[0..m) by key; tmp arrays
 * of m entries. Passes whose byte is the same everywhere are skipped. */
static void radix_sort(size_t m, uint64_t *key, size_t *idx, uint64_t *key2,
                       size_t *idx2) {
  for (int shift = 0; shift < 64; shift += 8) {
    size_t count[257] = {0};
    for (size_t i = 0; i < m; i++)
      count[((key[i] >> shift) & 0xff) + 1]++;
    if (count[((key[0] >> shift) & 0xff) + 1] == m)
      continue;
    for (int b = 0; b < 256; b++)
      count[b + 1] += count[b];
    for (size_t i = 0; i < m; i++) {
      size_t pos = count[(key[i] >> shift) & 0xff]++;
      key2[pos] = key[i];
      idx2[pos] = idx[i];
    }
    memcpy(key, key2, m * sizeof *key);
    memcpy(idx, idx2, m * sizeof *idx);
  }
}

/* Number of areas in the top group before ties: ceil(q*m), with q*m that is
 * within 1e-9 (relative) of an integer taken as that integer. */
static size_t top_count(double q, size_t m) {
  long double x = (long double)q * (long double)m;
  long double r = roundl(x);
  long double t = (fabsl(x - r) <= 1e-9L * (x > 1.0L ? x : 1.0L)) ? r
                                                                   : ceill(x);
  if (t < 1.0L)
    t = 1.0L;
  if (t > (long double)m)
    t = (long double)m;
  return (size_t)t;
}

static ampel_status levels_check(size_t n, const double *score,
                                 const ampel_level_opts *o, ampel_diags *d) {
  if (o->k < 1 || o->k > AMPEL_LEVELS_MAX_K)
    return fail(d, AMPEL_E_USAGE,
                "Anzahl der Stufen muss zwischen 1 und %d liegen, nicht %d",
                AMPEL_LEVELS_MAX_K, o->k);
  if (!(o->top_share >= 0.0 && o->top_share < 1.0))
    return fail(d, AMPEL_E_USAGE,
                "Anteil der obersten Stufe (--top-share) muss in [0, 1) "
                "liegen, nicht %g",
                o->top_share);
  if (o->method != AMPEL_LEVEL_WIDTH && o->method != AMPEL_LEVEL_COUNT)
    return fail(d, AMPEL_E_USAGE,
                "unbekannte Stufenmethode %d (erlaubt: width, count)",
                (int)o->method);
  for (size_t a = 0; a < n; a++)
    if (isinf(score[a]))
      return fail(d, AMPEL_E_DATA, "Gebiet Nr. %zu: Indexwert ist unendlich",
                  a + 1);
  return AMPEL_OK;
}

/* Levels 1..kr of the r areas order[0..r) (descending score, ranks
 * rank[] counted from the first of them minus `off`). */
static void levels_rest(const double *score, const size_t *order, size_t r,
                        const size_t *rank, size_t off, int kr,
                        ampel_level_method method, int *level) {
  double hi = score[order[0]], lo = score[order[r - 1]];
  for (size_t i = 0; i < r; i++) {
    size_t a = order[i];
    long long lv;
    if (method == AMPEL_LEVEL_COUNT) {
      size_t p = rank[a] - off; /* 1-based within the rest */
      lv = kr - (long long)(((p - 1) * (size_t)kr) / r);
    } else if (hi == lo) {
      lv = kr;
    } else {
      /* Plain double, evaluated in this order, so that the level is the
       * documented formula exactly (and reproducible in any language);
       * f >= 0, so the cast truncates like floor. */
      double f = (score[a] - lo) * kr / (hi - lo);
      lv = 1 + (long long)f;
      if (lv > kr)
        lv = kr;
    }
    level[a] = (int)lv;
  }
}

/* Ranks and levels of the m finite scores whose indices are order[0..m),
 * sorted by descending score (stable). */
static void assign_levels(const double *score, const size_t *order, size_t m,
                          const ampel_level_opts *o, size_t *rank,
                          int *level) {
  for (size_t i = 0; i < m; i++) {
    size_t a = order[i];
    int tie = i > 0 && score[a] == score[order[i - 1]];
    rank[a] = tie ? rank[order[i - 1]] : i + 1;
  }
  size_t n_top = 0;
  int kr = o->k;
  if (o->k == 1) {
    n_top = m;
  } else if (o->top_share > 0.0) {
    size_t t = top_count(o->top_share, m);
    while (n_top < m && rank[order[n_top]] <= t)
      n_top++;
    kr = o->k - 1;
  }
  for (size_t i = 0; i < n_top; i++)
    level[order[i]] = o->k;
  if (n_top < m)
    levels_rest(score, order + n_top, m - n_top, rank, n_top, kr, o->method,
                level);
}

size_t ampel_levels_work_size(size_t n) {
  size_t cnt = n ? n : 1;
  return 2 * cnt * (sizeof(uint64_t) + sizeof(size_t));
}

ampel_status ampel_levels_compute_work(size_t n, const double *score,
                                       const ampel_level_opts *o,
                                       size_t *rank, int *level, void *work,
                                       ampel_diags *d) {
  ampel_status st = levels_check(n, score, o, d);
  if (st != AMPEL_OK)
    return st;
  size_t cnt = n ? n : 1, m = 0;
  uint64_t *key = work; /* 2*cnt keys, then 2*cnt indices */
  size_t *idx = (size_t *)(key + 2 * cnt);
  for (size_t a = 0; a < n; a++) {
    rank[a] = 0;
    level[a] = 0;
    if (isnan(score[a]))
      continue;
    key[m] = desc_key(score[a]);
    idx[m++] = a;
  }
  if (m > 0) {
    radix_sort(m, key, idx, key + cnt, idx + cnt);
    assign_levels(score, idx, m, o, rank, level);
  }
  return AMPEL_OK;
}

ampel_status ampel_levels_compute(size_t n, const double *score,
                                  const ampel_level_opts *o, size_t *out_rank,
                                  int *out_level, ampel_diags *d) {
  size_t cnt = n ? n : 1;
  void *work = ampel_alloc(ampel_levels_work_size(n));
  size_t *rank = ampel_alloc(cnt * sizeof *rank);
  int *level = ampel_alloc(cnt * sizeof *level);
  ampel_status st = AMPEL_E_NOMEM;
  if (work && rank && level)
    st = ampel_levels_compute_work(n, score, o, rank, level, work, d);
  if (st == AMPEL_OK && out_rank)
    memcpy(out_rank, rank, n * sizeof *rank);
  if (st == AMPEL_OK && out_level)
    memcpy(out_level, level, n * sizeof *level);
  ampel_free(work);
  ampel_free(rank);
  ampel_free(level);
  return st;
}

/* ---------------------------------------------------------------------- */
/* Need index                                                               */

void ampel_need_input_init(ampel_need_input *in) {
  memset(in, 0, sizeof *in);
  ampel_level_opts_init(&in->levels);
}

void ampel_need_result_release(ampel_need_result *r) {
  if (!r)
    return;
  ampel_free(r->weights);
  ampel_free(r->z);
  ampel_free(r->score);
  ampel_free(r->rank);
  ampel_free(r->level);
  memset(r, 0, sizeof *r);
}

ampel_status ampel_need_weights_normalise(size_t k, const double *raw,
                                          const char *const *keys,
                                          double *out_w, ampel_diags *d) {
  char buf[32];
  long double sum = 0.0L;
  if (k == 0)
    return fail(d, AMPEL_E_USAGE, "Bedarfsindex: keine Kennzahlen gewählt");
  for (size_t j = 0; j < k; j++) {
    double w = raw ? raw[j] : 1.0;
    if (!isfinite(w) || w < 0.0)
      return fail(d, AMPEL_E_USAGE,
                  "Gewicht der Kennzahl '%s' ist %g; Gewichte müssen Zahlen "
                  ">= 0 sein",
                  ind_name(keys, j, buf, sizeof buf), w);
    sum += w;
  }
  if (!(sum > 0.0L))
    return fail(d, AMPEL_E_USAGE,
                "Alle Gewichte sind 0; mindestens eine Kennzahl braucht ein "
                "Gewicht größer als 0");
  for (size_t j = 0; j < k; j++)
    out_w[j] = (double)((raw ? (long double)raw[j] : 1.0L) / sum);
  return AMPEL_OK;
}

void ampel_need_scores(size_t n, size_t k, const double *z,
                       const double *w, double *out_score) {
  for (size_t a = 0; a < n; a++) {
    long double s = 0.0L;
    for (size_t j = 0; j < k; j++)
      s += (long double)w[j] * z[a * k + j];
    out_score[a] = (double)s; /* NaN z gives NaN */
  }
}

static ampel_status need_check(const ampel_need_input *in, ampel_diags *d) {
  if (in->k == 0 || !in->values || !in->polarity)
    return fail(d, AMPEL_E_USAGE,
                "Bedarfsindex: Kennzahlen, Werte oder Polaritäten fehlen");
  ampel_status st =
      check_polarity(in->k, in->polarity, in->keys, "ein Bedarfsindex", d);
  if (st == AMPEL_OK)
    st = check_finite_or_nan(in->n_areas, in->k, in->values, in->keys, d);
  return st;
}

static ampel_status need_alloc(size_t n, size_t k, ampel_need_result *out) {
  size_t cn = n ? n : 1;
  out->n_areas = n;
  out->k = k;
  out->weights = ampel_calloc(k, sizeof *out->weights);
  out->z = ampel_calloc(cn * k, sizeof *out->z);
  out->score = ampel_calloc(cn, sizeof *out->score);
  out->rank = ampel_calloc(cn, sizeof *out->rank);
  out->level = ampel_calloc(cn, sizeof *out->level);
  if (!out->weights || !out->z || !out->score || !out->rank || !out->level)
    return AMPEL_E_NOMEM;
  return AMPEL_OK;
}

ampel_status ampel_need_compute(const ampel_need_input *in,
                                ampel_need_result *out, ampel_diags *d) {
  memset(out, 0, sizeof *out);
  ampel_status st = need_check(in, d);
  if (st != AMPEL_OK)
    return st;
  size_t n = in->n_areas, k = in->k, m = 0;
  unsigned char *mask = ampel_alloc(n ? n : 1);
  st = mask ? need_alloc(n, k, out) : AMPEL_E_NOMEM;
  if (st == AMPEL_OK)
    st = ampel_need_weights_normalise(k, in->weights, in->keys, out->weights,
                                      d);
  if (st != AMPEL_OK)
    goto done;
  for (size_t a = 0; a < n; a++) {
    mask[a] = (unsigned char)row_complete(in->values, k, a);
    m += mask[a];
  }
  out->n_universe = m;
  if (m < 2) {
    st = fail(d, AMPEL_E_DATA,
              "Bedarfsindex: nur %zu Gebiet(e) mit Werten für alle "
              "Kennzahlen; es braucht mindestens 2",
              m);
    goto done;
  }
  st = zscores(n, k, in->values, in->polarity, mask, m, in->keys, out->z,
               NULL, d);
  if (st != AMPEL_OK)
    goto done;
  ampel_need_scores(n, k, out->z, out->weights, out->score);
  st = ampel_levels_compute(n, out->score, &in->levels, out->rank,
                            out->level, d);
done:
  ampel_free(mask);
  if (st != AMPEL_OK)
    ampel_need_result_release(out);
  return st;
}
