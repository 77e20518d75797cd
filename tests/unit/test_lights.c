/* Unit tests for src/compute/lights.c: status and trend lights
 * (METHODS.md §3, hand-computed cases chosen so that the SDs are exact)
 * and the Wilson interval (against tests/fixtures/stats/wilson.txt). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "ampel/stats.h"
#include "stats_fixture.h"

static ampel_light_opts opts(ampel_polarity pol, ampel_status_method m,
                             double band) {
  ampel_light_opts o;
  o.polarity = pol;
  o.method = m;
  o.band = band;
  return o;
}

static void check_lights(const ampel_light *got, const ampel_light *want,
                         size_t n) {
  for (size_t i = 0; i < n; i++)
    assert_string_equal(ampel_light_name(got[i]), ampel_light_name(want[i]));
}

static void check_scores(const double *got, const double *want, size_t n) {
  for (size_t i = 0; i < n; i++)
    fx_assert_close(got[i], want[i], 1e-15, 0.0);
}

/* ---- classification ----------------------------------------------------- */

static void test_classify_boundaries(void **state) {
  (void)state;
  assert_int_equal(ampel_light_classify(0.5, 0.5), AMPEL_LIGHT_GOOD);
  assert_int_equal(ampel_light_classify(-0.5, 0.5), AMPEL_LIGHT_CRITICAL);
  assert_int_equal(ampel_light_classify(nextafter(0.5, 0), 0.5),
                   AMPEL_LIGHT_AVERAGE);
  assert_int_equal(ampel_light_classify(nextafter(-0.5, 0), 0.5),
                   AMPEL_LIGHT_AVERAGE);
  assert_int_equal(ampel_light_classify(0.0, 0.5), AMPEL_LIGHT_AVERAGE);
  assert_int_equal(ampel_light_classify(NAN, 0.5), AMPEL_LIGHT_NONE);
  assert_int_equal(ampel_trend_classify(0.5, 0.5), AMPEL_TREND_BETTER);
  assert_int_equal(ampel_trend_classify(-0.5, 0.5), AMPEL_TREND_WORSE);
  assert_int_equal(ampel_trend_classify(0.1, 0.5), AMPEL_TREND_STABLE);
  assert_int_equal(ampel_trend_classify(NAN, 0.5), AMPEL_TREND_NONE);
}

static void test_names_and_labels(void **state) {
  (void)state;
  static const char *csv[] = {"good", "average", "critical", "none"};
  static const char *de[] = {"gut", "durchschnittlich", "kritisch",
                             "ohne Bewertung"};
  static const char *tcsv[] = {"better", "stable", "worse", "none"};
  static const char *tde[] = {"besser", "stabil", "schlechter", "keine Angabe"};
  for (int i = 0; i < 4; i++) {
    assert_string_equal(ampel_light_name((ampel_light)i), csv[i]);
    assert_string_equal(ampel_light_label_de((ampel_light)i), de[i]);
    assert_string_equal(ampel_trend_name((ampel_trend)i), tcsv[i]);
    assert_string_equal(ampel_trend_label_de((ampel_trend)i), tde[i]);
  }
  assert_string_equal(ampel_certainty_name(AMPEL_CERTAIN_NO), "no");
  assert_string_equal(ampel_certainty_label_de(AMPEL_CERTAIN_NO), "unsicher");
}

/* ---- status, SD method -------------------------------------------------- */

/* {0, 0, 4, 4}: mean 2, population SD exactly 2. */
static const double Q[] = {0, 0, 4, 4, NAN};

/* ref 3: s = (x - 3) / 2 = -1.5, -1.5, 0.5, 0.5: exactly +b is good. */
static void test_status_boundary_good(void **state) {
  (void)state;
  ampel_light_opts o = opts(AMPEL_POL_HIGHER_IS_BETTER, 0, NAN);
  double s[5];
  ampel_light l[5];
  ampel_status_info info;
  assert_int_equal(ampel_light_status(Q, 5, 3.0, &o, s, l, &info), AMPEL_OK);
  const double ws[] = {-1.5, -1.5, 0.5, 0.5, NAN};
  const ampel_light wl[] = {AMPEL_LIGHT_CRITICAL, AMPEL_LIGHT_CRITICAL,
                            AMPEL_LIGHT_GOOD, AMPEL_LIGHT_GOOD,
                            AMPEL_LIGHT_NONE};
  check_scores(s, ws, 5);
  check_lights(l, wl, 5);
  assert_int_equal(info.n_used, 4);
  assert_true(info.sd == 2.0);
  assert_true(info.band == AMPEL_BAND_DEFAULT);
}

/* ref 1: s = -0.5, -0.5, 1.5, 1.5: exactly -b is critical. With
 * higher_is_worse the signs turn: 0.5 good, -1.5 critical. */
static void test_status_boundary_critical(void **state) {
  (void)state;
  ampel_light_opts o = opts(AMPEL_POL_HIGHER_IS_BETTER, 0, 0.5);
  double s[4];
  ampel_light l[4];
  assert_int_equal(ampel_light_status(Q, 4, 1.0, &o, s, l, NULL), AMPEL_OK);
  const ampel_light wl[] = {AMPEL_LIGHT_CRITICAL, AMPEL_LIGHT_CRITICAL,
                            AMPEL_LIGHT_GOOD, AMPEL_LIGHT_GOOD};
  check_lights(l, wl, 4);
  assert_true(s[0] == -0.5);
  o.polarity = AMPEL_POL_HIGHER_IS_WORSE;
  assert_int_equal(ampel_light_status(Q, 4, 1.0, &o, s, l, NULL), AMPEL_OK);
  const double ws[] = {0.5, 0.5, -1.5, -1.5};
  const ampel_light wl2[] = {AMPEL_LIGHT_GOOD, AMPEL_LIGHT_GOOD,
                             AMPEL_LIGHT_CRITICAL, AMPEL_LIGHT_CRITICAL};
  check_scores(s, ws, 4);
  check_lights(l, wl2, 4);
}

/* {0, 2, 4}, ref 2: sd = sqrt(8/3), s = -sqrt(1.5), 0, sqrt(1.5). */
static void test_status_average(void **state) {
  (void)state;
  const double x[] = {0, 2, 4};
  ampel_light_opts o = opts(AMPEL_POL_HIGHER_IS_BETTER, 0, NAN);
  double s[3];
  ampel_light l[3];
  assert_int_equal(ampel_light_status(x, 3, 2.0, &o, s, l, NULL), AMPEL_OK);
  const double ws[] = {-sqrt(1.5), 0.0, sqrt(1.5)};
  const ampel_light wl[] = {AMPEL_LIGHT_CRITICAL, AMPEL_LIGHT_AVERAGE,
                            AMPEL_LIGHT_GOOD};
  check_scores(s, ws, 3);
  check_lights(l, wl, 3);
  /* a wider band makes all three average */
  o.band = 1.3;
  assert_int_equal(ampel_light_status(x, 3, 2.0, &o, s, l, NULL), AMPEL_OK);
  for (int i = 0; i < 3; i++)
    assert_int_equal(l[i], AMPEL_LIGHT_AVERAGE);
}

static void test_status_sd_zero(void **state) {
  (void)state;
  const double x[] = {3, 3, 3, 3};
  ampel_light_opts o = opts(AMPEL_POL_HIGHER_IS_BETTER, 0, NAN);
  double s[4];
  ampel_light l[4];
  ampel_status_info info;
  assert_int_equal(ampel_light_status(x, 4, 2.0, &o, s, l, &info), AMPEL_OK);
  assert_true(info.sd == 0.0);
  for (int i = 0; i < 4; i++) {
    assert_true(isnan(s[i]));
    assert_int_equal(l[i], AMPEL_LIGHT_NONE);
  }
}

/* Two areas (and a missing third): scores defined, lights none. */
static void test_status_two_areas(void **state) {
  (void)state;
  const double x[] = {0, NAN, 4};
  ampel_light_opts o = opts(AMPEL_POL_HIGHER_IS_BETTER, 0, NAN);
  double s[3];
  ampel_light l[3];
  ampel_status_info info;
  assert_int_equal(ampel_light_status(x, 3, 2.0, &o, s, l, &info), AMPEL_OK);
  assert_int_equal(info.n_used, 2);
  const double ws[] = {-1.0, NAN, 1.0};
  check_scores(s, ws, 3);
  for (int i = 0; i < 3; i++)
    assert_int_equal(l[i], AMPEL_LIGHT_NONE);
}

/* Neutral: the score with p = +1, never a colour. */
static void test_status_neutral(void **state) {
  (void)state;
  ampel_light_opts o = opts(AMPEL_POL_NEUTRAL, 0, NAN);
  double s[4];
  ampel_light l[4];
  assert_int_equal(ampel_light_status(Q, 4, 3.0, &o, s, l, NULL), AMPEL_OK);
  const double ws[] = {-1.5, -1.5, 0.5, 0.5};
  check_scores(s, ws, 4);
  for (int i = 0; i < 4; i++)
    assert_int_equal(l[i], AMPEL_LIGHT_NONE);
}

static void test_status_ref_missing_and_errors(void **state) {
  (void)state;
  ampel_light_opts o = opts(AMPEL_POL_HIGHER_IS_BETTER, 0, NAN);
  double s[4];
  ampel_light l[4];
  assert_int_equal(ampel_light_status(Q, 4, NAN, &o, s, l, NULL), AMPEL_OK);
  for (int i = 0; i < 4; i++) {
    assert_true(isnan(s[i]));
    assert_int_equal(l[i], AMPEL_LIGHT_NONE);
  }
  assert_int_equal(ampel_light_status(Q, 4, 1.0, NULL, s, l, NULL),
                   AMPEL_E_USAGE);
  o.band = 0.0;
  assert_int_equal(ampel_light_status(Q, 4, 1.0, &o, s, l, NULL),
                   AMPEL_E_USAGE);
  o.band = INFINITY;
  assert_int_equal(ampel_light_status(Q, 4, 1.0, &o, s, l, NULL),
                   AMPEL_E_USAGE);
  o.band = NAN;
  o.method = (ampel_status_method)7;
  assert_int_equal(ampel_light_status(Q, 4, 1.0, &o, s, l, NULL),
                   AMPEL_E_USAGE);
  o.method = AMPEL_STATUS_METHOD_SD;
  assert_int_equal(ampel_light_status(NULL, 4, 1.0, &o, s, l, NULL),
                   AMPEL_E_USAGE);
  /* NULL outputs are allowed */
  assert_int_equal(ampel_light_status(Q, 4, 1.0, &o, NULL, NULL, NULL),
                   AMPEL_OK);
}

/* ---- status, relative method -------------------------------------------- */

/* ref 50: r = 100 (x - 50) / 50 = 10, -10, 8, 20, -4; band 10 %. */
static void test_status_relative(void **state) {
  (void)state;
  const double x[] = {55, 45, 54, 60, 48};
  ampel_light_opts o =
      opts(AMPEL_POL_HIGHER_IS_BETTER, AMPEL_STATUS_METHOD_RELATIVE, 10.0);
  double s[5];
  ampel_light l[5];
  ampel_status_info info;
  assert_int_equal(ampel_light_status(x, 5, 50.0, &o, s, l, &info), AMPEL_OK);
  const double ws[] = {10, -10, 8, 20, -4};
  const ampel_light wl[] = {AMPEL_LIGHT_GOOD, AMPEL_LIGHT_CRITICAL,
                            AMPEL_LIGHT_AVERAGE, AMPEL_LIGHT_GOOD,
                            AMPEL_LIGHT_AVERAGE};
  check_scores(s, ws, 5);
  check_lights(l, wl, 5);
  assert_true(isnan(info.sd));
  /* higher_is_worse flips; the default band of the method is 10 % */
  o.polarity = AMPEL_POL_HIGHER_IS_WORSE;
  o.band = NAN;
  assert_int_equal(ampel_light_status(x, 5, 50.0, &o, s, l, &info), AMPEL_OK);
  assert_true(info.band == AMPEL_BAND_RELATIVE_DEFAULT);
  assert_int_equal(l[0], AMPEL_LIGHT_CRITICAL);
  assert_int_equal(l[1], AMPEL_LIGHT_GOOD);
  /* negative ref: divided by |ref|, so the sign comes from x - ref */
  const double xn[] = {-45, -55};
  o.polarity = AMPEL_POL_HIGHER_IS_BETTER;
  assert_int_equal(ampel_light_status(xn, 2, -50.0, &o, s, l, NULL), AMPEL_OK);
  assert_true(s[0] == 10.0);
  assert_int_equal(l[0], AMPEL_LIGHT_GOOD); /* no 3-area minimum here */
  assert_int_equal(l[1], AMPEL_LIGHT_CRITICAL);
}

static void test_status_relative_ref_zero(void **state) {
  (void)state;
  const double x[] = {1, 2, 3};
  ampel_light_opts o =
      opts(AMPEL_POL_HIGHER_IS_BETTER, AMPEL_STATUS_METHOD_RELATIVE, 10.0);
  double s[3];
  ampel_light l[3];
  assert_int_equal(ampel_light_status(x, 3, 0.0, &o, s, l, NULL), AMPEL_OK);
  for (int i = 0; i < 3; i++) {
    assert_true(isnan(s[i]));
    assert_int_equal(l[i], AMPEL_LIGHT_NONE);
  }
}

/* ---- trend -------------------------------------------------------------- */

/* D = {0, 0, 4, 4} (SD 2), area 4 has no earlier value.
 * D_ref = 26 - 25 = 1: tau = -0.5, -0.5, 1.5, 1.5. */
static void test_trend_boundaries(void **state) {
  (void)state;
  const double t0[] = {10, 20, 30, 40, NAN};
  const double t1[] = {10, 20, 34, 44, 50};
  ampel_light_opts o = opts(AMPEL_POL_HIGHER_IS_BETTER, 0, NAN);
  double d[5], tau[5];
  ampel_trend tr[5];
  ampel_trend_info info;
  assert_int_equal(
      ampel_light_trend(t1, t0, 5, 26.0, 25.0, &o, d, tau, tr, &info),
      AMPEL_OK);
  const double wd[] = {0, 0, 4, 4, NAN};
  const double wt[] = {-0.5, -0.5, 1.5, 1.5, NAN};
  const ampel_trend wtr[] = {AMPEL_TREND_WORSE, AMPEL_TREND_WORSE,
                             AMPEL_TREND_BETTER, AMPEL_TREND_BETTER,
                             AMPEL_TREND_NONE};
  check_scores(d, wd, 5);
  check_scores(tau, wt, 5);
  for (int i = 0; i < 5; i++)
    assert_string_equal(ampel_trend_name(tr[i]), ampel_trend_name(wtr[i]));
  assert_int_equal(info.n_both, 4);
  assert_true(info.sd_d == 2.0);
  assert_true(info.d_ref == 1.0);
  /* D_ref = 3: tau = -1.5, -1.5, 0.5, 0.5 → +b exactly is better */
  assert_int_equal(
      ampel_light_trend(t1, t0, 5, 28.0, 25.0, &o, d, tau, tr, NULL), AMPEL_OK);
  assert_true(tau[2] == 0.5);
  assert_int_equal(tr[2], AMPEL_TREND_BETTER);
  assert_int_equal(tr[0], AMPEL_TREND_WORSE);
}

/* D = {0, 0, 4, 4, 2}: mean 2, SD sqrt(3.2); D_ref = 2, higher_is_worse:
 * tau = -(D - 2) / sqrt(3.2) = 1.118, 1.118, -1.118, -1.118, 0. */
static void test_trend_stable_and_worse_polarity(void **state) {
  (void)state;
  const double t0[] = {1, 2, 3, 4, 5};
  const double t1[] = {1, 2, 7, 8, 7};
  ampel_light_opts o = opts(AMPEL_POL_HIGHER_IS_WORSE, 0, NAN);
  double tau[5];
  ampel_trend tr[5];
  assert_int_equal(
      ampel_light_trend(t1, t0, 5, 12.0, 10.0, &o, NULL, tau, tr, NULL),
      AMPEL_OK);
  double k = 2.0 / sqrt(3.2);
  const double wt[] = {k, k, -k, -k, 0.0};
  check_scores(tau, wt, 5);
  assert_int_equal(tr[0], AMPEL_TREND_BETTER);
  assert_int_equal(tr[2], AMPEL_TREND_WORSE);
  assert_int_equal(tr[4], AMPEL_TREND_STABLE);
  /* neutral: the same tau with p = +1 and a direction without judgement
   * by the same band (METHODS.md §9): gesunken, gestiegen, gleich */
  o.polarity = AMPEL_POL_NEUTRAL;
  assert_int_equal(
      ampel_light_trend(t1, t0, 5, 12.0, 10.0, &o, NULL, tau, tr, NULL),
      AMPEL_OK);
  assert_true(fx_close(tau[0], -k, 1e-15, 0.0));
  const ampel_trend want[] = {AMPEL_TREND_DOWN, AMPEL_TREND_DOWN,
                              AMPEL_TREND_UP, AMPEL_TREND_UP, AMPEL_TREND_SAME};
  for (int i = 0; i < 5; i++)
    assert_int_equal(tr[i], want[i]);
  assert_string_equal(ampel_trend_name(tr[0]), "down");
  assert_string_equal(ampel_trend_label_de(tr[2]), "gestiegen");
}

static void test_trend_none_cases(void **state) {
  (void)state;
  const double t0[] = {10, 20, NAN, NAN};
  const double t1[] = {12, 26, 30, 40};
  ampel_light_opts o = opts(AMPEL_POL_HIGHER_IS_BETTER, 0, NAN);
  double d[4], tau[4];
  ampel_trend tr[4];
  ampel_trend_info info;
  /* two areas with both values: tau given, no trend */
  assert_int_equal(
      ampel_light_trend(t1, t0, 4, 1.0, 0.0, &o, d, tau, tr, &info), AMPEL_OK);
  assert_int_equal(info.n_both, 2);
  assert_true(info.sd_d == 2.0);
  assert_true(tau[0] == 0.5 && tau[1] == 2.5); /* D = 2, 6; D_ref 1 */
  for (int i = 0; i < 4; i++)
    assert_int_equal(tr[i], AMPEL_TREND_NONE);
  /* no earlier period at all */
  assert_int_equal(
      ampel_light_trend(t1, NULL, 4, 1.0, NAN, &o, d, tau, tr, &info),
      AMPEL_OK);
  assert_int_equal(info.n_both, 0);
  for (int i = 0; i < 4; i++) {
    assert_true(isnan(d[i]) && isnan(tau[i]));
    assert_int_equal(tr[i], AMPEL_TREND_NONE);
  }
  /* sd_D == 0 */
  const double u0[] = {1, 2, 3};
  const double u1[] = {2, 3, 4};
  assert_int_equal(
      ampel_light_trend(u1, u0, 3, 1.0, 0.0, &o, d, tau, tr, &info), AMPEL_OK);
  assert_true(info.sd_d == 0.0);
  for (int i = 0; i < 3; i++) {
    assert_true(d[i] == 1.0 && isnan(tau[i]));
    assert_int_equal(tr[i], AMPEL_TREND_NONE);
  }
  /* missing reference */
  const double v1[] = {1, 2, 5};
  assert_int_equal(ampel_light_trend(v1, u0, 3, NAN, 0.0, &o, d, tau, tr, NULL),
                   AMPEL_OK);
  assert_true(isnan(tau[2]) && tr[2] == AMPEL_TREND_NONE);
  o.band = -1.0;
  assert_int_equal(ampel_light_trend(v1, u0, 3, 1.0, 0.0, &o, d, tau, tr, NULL),
                   AMPEL_E_USAGE);
}

/* ---- Wilson ------------------------------------------------------------- */

/* wilson.txt: k n lo hi (closed formula; the generator checks it against
 * scipy.stats.binomtest(...).proportion_ci(method='wilson')). */
static void test_wilson_vs_reference(void **state) {
  (void)state;
  fx_file f;
  fx_load("wilson.txt", &f);
  for (size_t c = 0; c < f.n; c++) {
    const double *v = f.lines[c].v;
    assert_int_equal(f.lines[c].n, 4);
    double lo, hi;
    assert_int_equal(
        ampel_wilson_interval(v[0], v[1], AMPEL_WILSON_Z95, &lo, &hi),
        AMPEL_OK);
    fx_assert_close(lo, v[2], 1e-13, 1e-15);
    fx_assert_close(hi, v[3], 1e-13, 1e-15);
    /* bounds belong to the interval: ref on a bound is uncertain */
    assert_int_equal(ampel_wilson_certainty(v[0], v[1], lo), AMPEL_CERTAIN_NO);
    assert_int_equal(ampel_wilson_certainty(v[0], v[1], hi), AMPEL_CERTAIN_NO);
    assert_int_equal(ampel_wilson_certainty(v[0], v[1], (lo + hi) / 2),
                     AMPEL_CERTAIN_NO);
    if (lo > 0.0)
      assert_int_equal(ampel_wilson_certainty(v[0], v[1], nextafter(lo, -1)),
                       AMPEL_CERTAIN_YES);
    if (hi < 1.0)
      assert_int_equal(ampel_wilson_certainty(v[0], v[1], nextafter(hi, 2)),
                       AMPEL_CERTAIN_YES);
  }
  fx_free(&f);
}

/* k = 0 of n: lo = 0, hi = z^2 / (n + z^2). */
static void test_wilson_closed_edges(void **state) {
  (void)state;
  double lo, hi, z2 = AMPEL_WILSON_Z95 * AMPEL_WILSON_Z95;
  assert_int_equal(ampel_wilson_interval(0, 10, AMPEL_WILSON_Z95, &lo, &hi),
                   AMPEL_OK);
  assert_true(lo == 0.0);
  fx_assert_close(hi, z2 / (10 + z2), 1e-15, 0.0);
  assert_int_equal(ampel_wilson_interval(10, 10, AMPEL_WILSON_Z95, &lo, &hi),
                   AMPEL_OK);
  assert_true(hi == 1.0);
  fx_assert_close(lo, 10 / (10 + z2), 1e-15, 0.0);
}

static void test_wilson_invalid(void **state) {
  (void)state;
  double lo, hi;
  assert_int_equal(ampel_wilson_interval(5, 3, AMPEL_WILSON_Z95, &lo, &hi),
                   AMPEL_E_DATA);
  assert_true(isnan(lo) && isnan(hi));
  assert_int_equal(ampel_wilson_interval(0, 0, AMPEL_WILSON_Z95, &lo, &hi),
                   AMPEL_E_DATA);
  assert_int_equal(ampel_wilson_interval(-1, 3, AMPEL_WILSON_Z95, &lo, &hi),
                   AMPEL_E_DATA);
  assert_int_equal(ampel_wilson_interval(NAN, 3, AMPEL_WILSON_Z95, &lo, &hi),
                   AMPEL_E_DATA);
  assert_int_equal(ampel_wilson_interval(1, 3, AMPEL_WILSON_Z95, NULL, &hi),
                   AMPEL_E_USAGE);
  assert_int_equal(ampel_wilson_certainty(5, 3, 0.5), AMPEL_CERTAIN_NA);
  assert_int_equal(ampel_wilson_certainty(1, 3, NAN), AMPEL_CERTAIN_NA);
  assert_string_equal(ampel_certainty_name(AMPEL_CERTAIN_NA), "");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_classify_boundaries),
      cmocka_unit_test(test_names_and_labels),
      cmocka_unit_test(test_status_boundary_good),
      cmocka_unit_test(test_status_boundary_critical),
      cmocka_unit_test(test_status_average),
      cmocka_unit_test(test_status_sd_zero),
      cmocka_unit_test(test_status_two_areas),
      cmocka_unit_test(test_status_neutral),
      cmocka_unit_test(test_status_ref_missing_and_errors),
      cmocka_unit_test(test_status_relative),
      cmocka_unit_test(test_status_relative_ref_zero),
      cmocka_unit_test(test_trend_boundaries),
      cmocka_unit_test(test_trend_stable_and_worse_polarity),
      cmocka_unit_test(test_trend_none_cases),
      cmocka_unit_test(test_wilson_vs_reference),
      cmocka_unit_test(test_wilson_closed_edges),
      cmocka_unit_test(test_wilson_invalid),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
