/* Unit tests for src/compute/stats.c: count, mean, population SD, median,
 * average ranks (against numpy/scipy fixtures) and the reference value of
 * METHODS.md §1 (hand-computed cases). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "ampel/stats.h"
#include "stats_fixture.h"

/* ---- mean and SD -------------------------------------------------------- */

/* sd.txt: n x[0..n-1] mean sd (numpy nanmean / nanstd ddof=0). */
static void test_mean_sd_vs_numpy(void **state) {
  (void)state;
  fx_file f;
  fx_load("sd.txt", &f);
  for (size_t c = 0; c < f.n; c++) {
    const double *v = f.lines[c].v;
    size_t n = (size_t)v[0];
    assert_int_equal(f.lines[c].n, n + 3);
    double mean, sd;
    size_t m;
    ampel_stats_mean_sd(v + 1, n, &mean, &sd, &m);
    fx_assert_close(mean, v[n + 1], 1e-14, 0.0);
    fx_assert_close(sd, v[n + 2], 1e-12, 1e-310);
    fx_assert_close(ampel_stats_mean(v + 1, n), mean, 0.0, 0.0);
    fx_assert_close(ampel_stats_sd_pop(v + 1, n), sd, 0.0, 0.0);
    size_t want_m = 0;
    for (size_t i = 0; i < n; i++)
      want_m += !isnan(v[1 + i]);
    assert_int_equal(m, want_m);
    assert_int_equal(ampel_stats_count(v + 1, n), want_m);
  }
  fx_free(&f);
}

static void test_mean_sd_hand(void **state) {
  (void)state;
  /* {2, 4, 4, 4, 5, 5, 7, 9}: mean 5, population SD exactly 2 */
  const double x[] = {2, 4, NAN, 4, 4, 5, 5, 7, INFINITY, 9};
  double mean, sd;
  size_t m;
  ampel_stats_mean_sd(x, 10, &mean, &sd, &m);
  assert_int_equal(m, 8);
  assert_true(mean == 5.0);
  assert_true(sd == 2.0);
  /* one value: SD 0; none: NaN */
  assert_true(ampel_stats_sd_pop(x, 1) == 0.0);
  assert_true(isnan(ampel_stats_mean(x + 2, 1)));
  assert_true(isnan(ampel_stats_sd_pop(x + 2, 1)));
  assert_true(isnan(ampel_stats_mean(NULL, 0)));
  ampel_stats_mean_sd(NULL, 0, NULL, NULL, &m);
  assert_int_equal(m, 0);
}

/* Compensation: 1e16 + 1 + 1 - 1e16 loses both ones in plain summation. */
static void test_mean_compensated(void **state) {
  (void)state;
  const double x[] = {1e16, 1.0, 1.0, -1e16};
  assert_true(ampel_stats_mean(x, 4) == 0.5);
}

/* ---- median ------------------------------------------------------------- */

static void test_median(void **state) {
  (void)state;
  double med;
  const double odd[] = {5, NAN, 1, 3};
  assert_int_equal(ampel_stats_median(odd, 4, &med), AMPEL_OK);
  assert_true(med == 3.0);
  const double even[] = {4, 1, 3, 2};
  assert_int_equal(ampel_stats_median(even, 4, &med), AMPEL_OK);
  assert_true(med == 2.5);
  const double none[] = {NAN, NAN};
  assert_int_equal(ampel_stats_median(none, 2, &med), AMPEL_OK);
  assert_true(isnan(med));
  assert_int_equal(ampel_stats_median(odd, 4, NULL), AMPEL_E_USAGE);
  fx_fail_after(0);
  assert_int_equal(ampel_stats_median(odd, 4, &med), AMPEL_E_NOMEM);
  fx_restore_alloc();
}

/* ---- ranks -------------------------------------------------------------- */

/* ranks.txt: n x[0..n-1] rank[0..n-1] (scipy rankdata 'average'). Average
 * ranks are multiples of 1/2, so they must match exactly. */
static void test_ranks_vs_scipy(void **state) {
  (void)state;
  fx_file f;
  fx_load("ranks.txt", &f);
  for (size_t c = 0; c < f.n; c++) {
    const double *v = f.lines[c].v;
    size_t n = (size_t)v[0];
    assert_int_equal(f.lines[c].n, 2 * n + 1);
    double *r = malloc(n * sizeof *r);
    assert_non_null(r);
    assert_int_equal(ampel_stats_rank_average(v + 1, n, r), AMPEL_OK);
    for (size_t i = 0; i < n; i++)
      fx_assert_close(r[i], v[1 + n + i], 0.0, 0.0);
    /* in place */
    memcpy(r, v + 1, n * sizeof *r);
    assert_int_equal(ampel_stats_rank_average(r, n, r), AMPEL_OK);
    for (size_t i = 0; i < n; i++)
      fx_assert_close(r[i], v[1 + n + i], 0.0, 0.0);
    free(r);
  }
  fx_free(&f);
}

static void test_ranks_hand(void **state) {
  (void)state;
  const double x[] = {10, 20, 10, NAN, 30, 20, 20};
  /* sorted: 10 10 | 20 20 20 | 30 → 1.5 1.5 | 4 4 4 | 6 */
  const double want[] = {1.5, 4, 1.5, NAN, 6, 4, 4};
  double r[7];
  assert_int_equal(ampel_stats_rank_average(x, 7, r), AMPEL_OK);
  for (size_t i = 0; i < 7; i++)
    fx_assert_close(r[i], want[i], 0.0, 0.0);
  assert_int_equal(ampel_stats_rank_average(NULL, 3, r), AMPEL_E_USAGE);
  assert_int_equal(ampel_stats_rank_average(NULL, 0, NULL), AMPEL_OK);
  fx_fail_after(0);
  assert_int_equal(ampel_stats_rank_average(x, 7, r), AMPEL_E_NOMEM);
  fx_restore_alloc();
}

/* ---- reference value ---------------------------------------------------- */

static void test_ref_root(void **state) {
  (void)state;
  const double v[] = {10, 20, 60};
  ampel_ref_result r;
  assert_int_equal(ampel_ref_compute(v, NULL, NULL, 3, 25.0, NAN, 0, &r),
                   AMPEL_OK);
  assert_int_equal(r.method, AMPEL_REF_ROOT);
  assert_true(r.value == 25.0);
  assert_string_equal(ampel_ref_method_name(r.method), "root");
  /* --reference mean wins over the root value */
  assert_int_equal(ampel_ref_compute(v, NULL, NULL, 3, 25.0, NAN, 1, &r),
                   AMPEL_OK);
  assert_int_equal(r.method, AMPEL_REF_MEAN);
  assert_true(r.value == 30.0);
  assert_int_equal(r.n_used, 3);
  assert_string_equal(ampel_ref_method_name(r.method), "mean");
}

/* value = 100 num / den: 10 %, 20 %, 50 %; sum 10 / sum 40 = 25 %,
 * while the unweighted mean would be 26.67 %. */
static void test_ref_ratio_inferred(void **state) {
  (void)state;
  const double v[] = {10, 20, 50, NAN};
  const double num[] = {1, 4, 5, 7};
  const double den[] = {10, 20, 10, 9}; /* area 3 not in the universe */
  ampel_ref_result r;
  assert_int_equal(ampel_ref_compute(v, num, den, 4, NAN, NAN, 0, &r),
                   AMPEL_OK);
  assert_int_equal(r.method, AMPEL_REF_RATIO);
  assert_true(r.rate_scale == 100.0);
  assert_true(r.value == 25.0);
  assert_int_equal(r.n_used, 3);
  assert_string_equal(ampel_ref_method_name(r.method), "ratio");
  /* explicit scale (per mille) is taken as given */
  assert_int_equal(ampel_ref_compute(v, num, den, 4, NAN, 1000.0, 0, &r),
                   AMPEL_OK);
  assert_true(r.value == 250.0);
  assert_true(r.rate_scale == 1000.0);
}

/* Published values are rounded: 33.3 (1/3), 66.7 (2/3), 12.5 (1/8).
 * Ratios 99.9, 100.05, 100 → median 100, snapped; ref = 100 * 4 / 14. */
static void test_ref_ratio_rounded(void **state) {
  (void)state;
  const double v[] = {33.3, 66.7, 12.5};
  const double num[] = {1, 2, 1};
  const double den[] = {3, 3, 8};
  ampel_ref_result r;
  assert_int_equal(ampel_ref_compute(v, num, den, 3, NAN, NAN, 0, &r),
                   AMPEL_OK);
  assert_int_equal(r.method, AMPEL_REF_RATIO);
  assert_true(r.rate_scale == 100.0);
  fx_assert_close(r.value, 100.0 * 4.0 / 14.0, 1e-15, 0.0);
  /* a scale that is not a power of ten is kept: 7 num / den */
  const double v7[] = {7.0 * 1 / 3, 7.0 * 2 / 3, 7.0 * 1 / 8};
  assert_int_equal(ampel_ref_compute(v7, num, den, 3, NAN, NAN, 0, &r),
                   AMPEL_OK);
  fx_assert_close(r.rate_scale, 7.0, 1e-15, 0.0);
  fx_assert_close(r.value, 7.0 * 4.0 / 14.0, 1e-15, 0.0);
}

/* An area of the universe without a numerator → unweighted mean. */
static void test_ref_ratio_fallback(void **state) {
  (void)state;
  const double v[] = {10, 20, 60};
  const double num[] = {1, NAN, 6};
  const double den[] = {10, 20, 10};
  ampel_ref_result r;
  assert_int_equal(ampel_ref_compute(v, num, den, 3, NAN, NAN, 0, &r),
                   AMPEL_OK);
  assert_int_equal(r.method, AMPEL_REF_MEAN);
  assert_true(r.value == 30.0);
  assert_true(isnan(r.rate_scale));
  /* all numerators 0: ref 0 whatever the scale */
  const double v0[] = {0, 0, 0};
  const double n0[] = {0, 0, 0};
  assert_int_equal(ampel_ref_compute(v0, n0, den, 3, NAN, NAN, 0, &r),
                   AMPEL_OK);
  assert_int_equal(r.method, AMPEL_REF_RATIO);
  assert_true(r.value == 0.0);
  /* a zero denominator is unusable */
  const double dz[] = {10, 0, 10};
  const double n1[] = {1, 0, 6};
  assert_int_equal(ampel_ref_compute(v, n1, dz, 3, NAN, NAN, 0, &r), AMPEL_OK);
  assert_int_equal(r.method, AMPEL_REF_MEAN);
}

static void test_ref_none_and_errors(void **state) {
  (void)state;
  const double v[] = {NAN, NAN};
  const double num[] = {1, 2};
  ampel_ref_result r;
  assert_int_equal(ampel_ref_compute(v, NULL, NULL, 2, NAN, NAN, 0, &r),
                   AMPEL_OK);
  assert_int_equal(r.method, AMPEL_REF_NONE);
  assert_true(isnan(r.value));
  assert_string_equal(ampel_ref_method_name(r.method), "none");
  assert_int_equal(ampel_ref_compute(v, NULL, NULL, 2, NAN, NAN, 0, NULL),
                   AMPEL_E_USAGE);
  assert_int_equal(ampel_ref_compute(v, num, NULL, 2, NAN, NAN, 0, &r),
                   AMPEL_E_USAGE);
  assert_int_equal(ampel_ref_compute(v, NULL, NULL, 2, NAN, -1.0, 0, &r),
                   AMPEL_E_USAGE);
  assert_int_equal(ampel_ref_compute(NULL, NULL, NULL, 2, NAN, NAN, 0, &r),
                   AMPEL_E_USAGE);
  assert_string_equal(ampel_ref_method_label_de(AMPEL_REF_MEAN),
                      "ungewichteter Mittelwert der Gebiete");
}

/* The scale inference allocates: a failure is reported, nothing leaks. */
static void test_ref_nomem(void **state) {
  (void)state;
  const double v[] = {10, 20, 50};
  const double num[] = {1, 4, 5};
  const double den[] = {10, 20, 10};
  ampel_ref_result r;
  int saw_nomem = 0;
  for (long budget = 0; budget < 4; budget++) {
    fx_fail_after(budget);
    ampel_status st = ampel_ref_compute(v, num, den, 3, NAN, NAN, 0, &r);
    long live = fx_live;
    fx_restore_alloc();
    assert_int_equal(live, 0);
    assert_true(st == AMPEL_OK || st == AMPEL_E_NOMEM);
    saw_nomem |= st == AMPEL_E_NOMEM;
    if (st == AMPEL_OK)
      assert_true(r.value == 25.0);
  }
  assert_true(saw_nomem);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_mean_sd_vs_numpy),
      cmocka_unit_test(test_mean_sd_hand),
      cmocka_unit_test(test_mean_compensated),
      cmocka_unit_test(test_median),
      cmocka_unit_test(test_ranks_vs_scipy),
      cmocka_unit_test(test_ranks_hand),
      cmocka_unit_test(test_ref_root),
      cmocka_unit_test(test_ref_ratio_inferred),
      cmocka_unit_test(test_ref_ratio_rounded),
      cmocka_unit_test(test_ref_ratio_fallback),
      cmocka_unit_test(test_ref_none_and_errors),
      cmocka_unit_test(test_ref_nomem),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
