/* The inner loops of the clustering (cluster_internal.h): Euclidean
 * distances from one item to a span of items stored feature-major, and
 * Prim's update for single linkage.
 *
 * Two versions of each loop give the same bits: a portable one and, on
 * x86-64 CPUs that have it (checked at run time), one with AVX2 vectors,
 * 16 items per pass in four independent accumulators. Both add the
 * squares of the differences in feature order with separate multiply and
 * add instructions (the AVX2 functions are compiled for AVX2 only, which
 * has no fused multiply-add), and both take IEEE square roots, so a
 * distance does not depend on the path, the position of the pair in a
 * vector or the CPU. tests/unit/test_cluster.c compares the two paths bit
 * for bit.
 */
#include <float.h>
#include <math.h>
#include <stdint.h>

#include "cluster_internal.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define HAVE_AVX2_PATH 1
#include <immintrin.h>
#endif

/* ---- Portable loops ------------------------------------------------------
 */

/* Squared distance of a to item t, features in order. */
static inline double sq_one(const double *xt, size_t ld, size_t m,
                            const double *a, size_t t) {
  double s = 0.0;
  for (size_t k = 0; k < m; k++) {
    double d = a[k] - xt[k * ld + t];
    s += d * d;
  }
  return s;
}

/* Four items at once (independent sums keep the CPU busy). */
static inline void sq_four(const double *xt, size_t ld, size_t m,
                           const double *a, size_t t, double *out) {
  double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
  const double *p = xt + t;
  for (size_t k = 0; k < m; k++, p += ld) {
    double d0 = a[k] - p[0], d1 = a[k] - p[1];
    double d2 = a[k] - p[2], d3 = a[k] - p[3];
    s0 += d0 * d0;
    s1 += d1 * d1;
    s2 += d2 * d2;
    s3 += d3 * d3;
  }
  out[0] = s0;
  out[1] = s1;
  out[2] = s2;
  out[3] = s3;
}

static inline int not_finite(double v) {
  return !(v <= DBL_MAX);
}

static int span_plain(const double *xt, size_t ld, size_t m, const double *a,
                      size_t len, double *out) {
  int bad = 0;
  size_t t = 0;
  for (; t + 4 <= len; t += 4)
    sq_four(xt, ld, m, a, t, out + t);
  for (; t < len; t++)
    out[t] = sq_one(xt, ld, m, a, t);
  for (t = 0; t < len; t++) {
    out[t] = sqrt(out[t]);
    bad |= not_finite(out[t]);
  }
  return bad;
}

static double prim_plain(const double *xt, size_t ld, size_t m, const double *a,
                         size_t len, double *min_d, int *out_bad) {
  double best = INFINITY, s[4];
  int bad = 0;
  for (size_t t = 0; t < len; t += 4) {
    size_t w = len - t < 4 ? len - t : 4;
    if (w == 4)
      sq_four(xt, ld, m, a, t, s);
    else
      for (size_t l = 0; l < w; l++)
        s[l] = sq_one(xt, ld, m, a, t + l);
    for (size_t l = 0; l < w; l++) {
      double v = sqrt(s[l]);
      bad |= not_finite(v);
      if (min_d[t + l] > v)
        min_d[t + l] = v;
      if (min_d[t + l] < best)
        best = min_d[t + l];
    }
  }
  *out_bad = bad;
  return best;
}

/* ---- AVX2 ------------------------------------------------------------------
 */

#ifdef HAVE_AVX2_PATH

#define AVX2 __attribute__((target("avx2")))

/* Squared distances of a to items t..t+15 in s[0..3]. */
#define SQ16(s, xt, ld, m, a, t)                                               \
  do {                                                                         \
    const double *p_ = (xt) + (t);                                             \
    for (int l_ = 0; l_ < 4; l_++)                                             \
      (s)[l_] = _mm256_setzero_pd();                                           \
    for (size_t k_ = 0; k_ < (m); k_++, p_ += (ld)) {                          \
      __m256d ak_ = _mm256_broadcast_sd((a) + k_);                             \
      for (int l_ = 0; l_ < 4; l_++) {                                         \
        __m256d d_ = _mm256_sub_pd(ak_, _mm256_loadu_pd(p_ + 4 * l_));         \
        (s)[l_] = _mm256_add_pd((s)[l_], _mm256_mul_pd(d_, d_));               \
      }                                                                        \
    }                                                                          \
  } while (0)

AVX2 static int span_avx2(const double *xt, size_t ld, size_t m,
                          const double *a, size_t len, double *out) {
  const __m256d big = _mm256_set1_pd(DBL_MAX);
  __m256d bad = _mm256_setzero_pd(), s[4];
  size_t t = 0;
  for (; t + 16 <= len; t += 16) {
    SQ16(s, xt, ld, m, a, t);
    for (int l = 0; l < 4; l++) {
      __m256d v = _mm256_sqrt_pd(s[l]);
      bad = _mm256_or_pd(bad, _mm256_cmp_pd(v, big, _CMP_NLE_UQ));
      _mm256_storeu_pd(out + t + 4 * (size_t)l, v);
    }
  }
  int any = _mm256_movemask_pd(bad) != 0;
  if (t < len)
    any |= span_plain(xt + t, ld, m, a, len - t, out + t);
  return any;
}

AVX2 static double prim_avx2(const double *xt, size_t ld, size_t m,
                             const double *a, size_t len, double *min_d,
                             int *out_bad) {
  const __m256d big = _mm256_set1_pd(DBL_MAX);
  __m256d bad = _mm256_setzero_pd(), lo = _mm256_set1_pd(INFINITY), s[4];
  size_t t = 0;
  for (; t + 16 <= len; t += 16) {
    SQ16(s, xt, ld, m, a, t);
    for (int l = 0; l < 4; l++) {
      double *md = min_d + t + 4 * (size_t)l;
      __m256d v = _mm256_sqrt_pd(s[l]);
      bad = _mm256_or_pd(bad, _mm256_cmp_pd(v, big, _CMP_NLE_UQ));
      /* min_pd(v, old) = v < old ? v : old: "if (old > v) old = v" */
      __m256d nv = _mm256_min_pd(v, _mm256_loadu_pd(md));
      _mm256_storeu_pd(md, nv);
      lo = _mm256_min_pd(nv, lo);
    }
  }
  double four[4];
  _mm256_storeu_pd(four, lo);
  double best = four[0];
  for (int l = 1; l < 4; l++)
    best = four[l] < best ? four[l] : best;
  int any = _mm256_movemask_pd(bad) != 0;
  if (t < len) {
    int tail_bad = 0;
    double tail = prim_plain(xt + t, ld, m, a, len - t, min_d + t, &tail_bad);
    any |= tail_bad;
    best = tail < best ? tail : best;
  }
  *out_bad = any;
  return best;
}

static int use_avx2(void) {
  return __builtin_cpu_supports("avx2");
}

#else
static int use_avx2(void) {
  return 0;
}
#endif

/* ---- Entry points ----------------------------------------------------------
 */

int ampel_cluster_dist_span(int portable, const double *xt, size_t ld, size_t m,
                            const double *a, size_t len, double *out) {
#ifdef HAVE_AVX2_PATH
  if (!portable && use_avx2())
    return span_avx2(xt, ld, m, a, len, out);
#endif
  return span_plain(xt, ld, m, a, len, out);
}

double ampel_cluster_prim_span(int portable, const double *xt, size_t ld,
                               size_t m, const double *a, size_t len,
                               double *min_d, int *out_bad) {
#ifdef HAVE_AVX2_PATH
  if (!portable && use_avx2())
    return prim_avx2(xt, ld, m, a, len, min_d, out_bad);
#endif
  return prim_plain(xt, ld, m, a, len, min_d, out_bad);
}

int ampel_cluster_simd_fast(void) {
  return use_avx2();
}

double ampel_cluster_dist_missing(const double *xt, size_t ld, size_t m,
                                  size_t i, size_t j) {
  double sum = 0.0;
  size_t present = 0;
  for (size_t k = 0; k < m; k++) {
    double a = xt[k * ld + i], b = xt[k * ld + j];
    if (isnan(a) || isnan(b))
      continue;
    double dev = a - b;
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
