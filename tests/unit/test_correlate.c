/* Unit tests for src/compute/correlate.c and src/compute/tdist.c:
 * Pearson and Spearman r and p against scipy.stats.pearsonr / spearmanr
 * (tests/fixtures/stats/corr*.txt), the Student t p-value against
 * scipy.stats.t.sf (tdist.txt), and hand-computed special cases. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "ampel/stats.h"
#include "stats_fixture.h"

#define R_TOL 1e-10 /* absolute, for r */
#define P_REL 1e-8  /* relative, for p */

static void check_corr(const ampel_corr *c, double n, double r, double p) {
  assert_int_equal(c->n, (size_t)n);
  fx_assert_close(c->r, r, 0.0, R_TOL);
  fx_assert_close(c->p, p, P_REL, 1e-300);
}

/* corr.txt: n x[n] y[n] n_pairs pearson_r pearson_p spearman_r spearman_p */
static void test_corr_vs_scipy(void **state) {
  (void)state;
  fx_file f;
  fx_load("corr.txt", &f);
  for (size_t c = 0; c < f.n; c++) {
    const double *v = f.lines[c].v;
    size_t n = (size_t)v[0];
    assert_int_equal(f.lines[c].n, 2 * n + 6);
    const double *x = v + 1, *y = v + 1 + n, *want = v + 1 + 2 * n;
    ampel_corr r;
    assert_int_equal(ampel_corr_pair(x, y, n, AMPEL_CORR_PEARSON, &r),
                     AMPEL_OK);
    check_corr(&r, want[0], want[1], want[2]);
    assert_int_equal(ampel_corr_pair(x, y, n, AMPEL_CORR_SPEARMAN, &r),
                     AMPEL_OK);
    check_corr(&r, want[0], want[3], want[4]);
  }
  fx_free(&f);
}

/* corr_matrix.txt: "n k", n rows of k values, then i j n pr pp sr sp. */
static void test_corr_matrix_vs_scipy(void **state) {
  (void)state;
  fx_file f;
  fx_load("corr_matrix.txt", &f);
  size_t n = (size_t)f.lines[0].v[0], k = (size_t)f.lines[0].v[1];
  assert_int_equal(k, 4);
  double *cols[4];
  for (size_t j = 0; j < k; j++) {
    cols[j] = malloc(n * sizeof(double));
    assert_non_null(cols[j]);
    for (size_t i = 0; i < n; i++)
      cols[j][i] = f.lines[1 + i].v[j];
  }
  ampel_corr pm[16], sm[16];
  const double *const *cc = (const double *const *)cols;
  assert_int_equal(ampel_corr_matrix(cc, k, n, AMPEL_CORR_PEARSON, pm),
                   AMPEL_OK);
  assert_int_equal(ampel_corr_matrix(cc, k, n, AMPEL_CORR_SPEARMAN, sm),
                   AMPEL_OK);
  size_t checked = 0;
  for (size_t c = 1 + n; c < f.n; c++, checked++) {
    const double *v = f.lines[c].v;
    size_t i = (size_t)v[0], j = (size_t)v[1];
    check_corr(&pm[i * k + j], v[2], v[3], v[4]);
    check_corr(&pm[j * k + i], v[2], v[3], v[4]);
    check_corr(&sm[i * k + j], v[2], v[5], v[6]);
    check_corr(&sm[j * k + i], v[2], v[5], v[6]);
  }
  assert_int_equal(checked, k * (k - 1) / 2);
  for (size_t j = 0; j < k; j++) {
    assert_true(pm[j * k + j].r == 1.0 && pm[j * k + j].p == 0.0);
    assert_int_equal(pm[j * k + j].n, ampel_stats_count(cols[j], n));
    assert_true(sm[j * k + j].r == 1.0);
    free(cols[j]);
  }
  fx_free(&f);
}

/* tdist.txt: t df p = 2 * scipy.stats.t.sf(|t|, df). */
static void test_tdist_vs_scipy(void **state) {
  (void)state;
  fx_file f;
  fx_load("tdist.txt", &f);
  assert_true(f.n > 400);
  for (size_t c = 0; c < f.n; c++) {
    const double *v = f.lines[c].v;
    double p = ampel_tdist_p_two_sided(v[0], v[1]);
    if (!fx_close(p, v[2], 1e-10, 0.0))
      fail_msg("t = %.17g, df = %.17g: p = %.17g, scipy %.17g", v[0], v[1], p,
               v[2]);
  }
  fx_free(&f);
}

/* Closed forms: df = 1 (Cauchy): p = 1 - 2 atan(|t|) / pi;
 * df = 2: p = 1 - |t| / sqrt(2 + t^2). */
static void test_tdist_closed_forms(void **state) {
  (void)state;
  const double ts[] = {0.01, 0.3, 1.0, 2.0, 12.7, 1e3, 1e100, 1e300};
  for (size_t i = 0; i < sizeof ts / sizeof ts[0]; i++) {
    double t = ts[i];
    /* 2 atan(1/t) / pi == 1 - 2 atan(t) / pi without the cancellation */
    fx_assert_close(ampel_tdist_p_two_sided(t, 1.0), 2.0 * atan(1.0 / t) / M_PI,
                    1e-13, 0.0);
    fx_assert_close(ampel_tdist_p_two_sided(-t, 1.0),
                    2.0 * atan(1.0 / t) / M_PI, 1e-13, 0.0);
    if (t < 1e100)
      fx_assert_close(ampel_tdist_p_two_sided(t, 2.0),
                      1.0 - t / sqrt(2.0 + t * t), 1e-9, 0.0);
  }
  assert_true(ampel_tdist_p_two_sided(0.0, 5.0) == 1.0);
  assert_true(ampel_tdist_p_two_sided(INFINITY, 5.0) == 0.0);
  assert_true(isnan(ampel_tdist_p_two_sided(NAN, 5.0)));
  assert_true(isnan(ampel_tdist_p_two_sided(1.0, 0.0)));
  assert_true(isnan(ampel_tdist_p_two_sided(1.0, -3.0)));
}

/* I_x(1, 1) = x, I_x(a, 1) = x^a, I_x(1, b) = 1 - (1-x)^b,
 * I_{1/2}(a, a) = 1/2. */
static void test_beta_inc_identities(void **state) {
  (void)state;
  const double xs[] = {0.0, 1e-9, 0.1, 0.37, 0.5, 0.8, 0.999, 1.0};
  for (size_t i = 0; i < sizeof xs / sizeof xs[0]; i++) {
    double x = xs[i];
    fx_assert_close(ampel_beta_inc(1, 1, x), x, 1e-14, 1e-300);
    fx_assert_close(ampel_beta_inc(3.5, 1, x), pow(x, 3.5), 1e-13, 1e-300);
    fx_assert_close(ampel_beta_inc(1, 4, x), -expm1(4 * log1p(-x)), 1e-13,
                    1e-300);
  }
  /* log B(a, a) = 2 lgamma(a) - lgamma(2a) cancels: the error grows like
   * a * eps (about 7e-13 at a = 400), hence the looser bound. */
  const double as[] = {0.5, 1, 7, 60.5, 400};
  for (size_t i = 0; i < sizeof as / sizeof as[0]; i++)
    fx_assert_close(ampel_beta_inc(as[i], as[i], 0.5), 0.5, 1e-11, 0.0);
  assert_true(isnan(ampel_beta_inc(0, 1, 0.5)));
  assert_true(isnan(ampel_beta_inc(1, 1, 1.5)));
  assert_true(isnan(ampel_beta_inc(1, 1, NAN)));
}

/* ---- hand cases --------------------------------------------------------- */

static void test_corr_perfect(void **state) {
  (void)state;
  const double x[] = {1, 2, 3, 4, 5};
  const double y[] = {3, 5, 7, 9, 11};  /* y = 2x + 1 */
  const double z[] = {25, 16, 9, 4, 1}; /* monotone decreasing, not linear */
  ampel_corr c;
  assert_int_equal(ampel_corr_pair(x, y, 5, AMPEL_CORR_PEARSON, &c), AMPEL_OK);
  assert_true(c.r == 1.0 && c.p == 0.0 && c.n == 5);
  assert_int_equal(ampel_corr_pair(x, z, 5, AMPEL_CORR_SPEARMAN, &c), AMPEL_OK);
  assert_true(c.r == -1.0 && c.p == 0.0);
  assert_int_equal(ampel_corr_pair(x, z, 5, AMPEL_CORR_PEARSON, &c), AMPEL_OK);
  assert_true(c.r > -1.0 && c.r < -0.9 && c.p > 0.0);
}

/* n < 3 pairs, or a constant variable: r and p NaN, n still reported. */
static void test_corr_undefined(void **state) {
  (void)state;
  const double x[] = {1, 2, NAN, 4};
  const double y[] = {2, NAN, 5, 1};
  const double k[] = {7, 7, 7, 7};
  ampel_corr c;
  assert_int_equal(ampel_corr_pair(x, y, 4, AMPEL_CORR_PEARSON, &c), AMPEL_OK);
  assert_int_equal(c.n, 2);
  assert_true(isnan(c.r) && isnan(c.p));
  assert_int_equal(ampel_corr_pair(x, k, 4, AMPEL_CORR_SPEARMAN, &c), AMPEL_OK);
  assert_int_equal(c.n, 3);
  assert_true(isnan(c.r) && isnan(c.p));
  assert_int_equal(ampel_corr_pair(NULL, NULL, 0, AMPEL_CORR_PEARSON, &c),
                   AMPEL_OK);
  assert_int_equal(c.n, 0);
  assert_int_equal(ampel_corr_pair(x, NULL, 4, AMPEL_CORR_PEARSON, &c),
                   AMPEL_E_USAGE);
  assert_int_equal(ampel_corr_pair(x, y, 4, (ampel_corr_method)9, &c),
                   AMPEL_E_USAGE);
  assert_string_equal(ampel_corr_method_name(AMPEL_CORR_SPEARMAN), "spearman");
  /* the matrix diagonal of a constant column is undefined too */
  const double *cols[] = {x, k};
  ampel_corr m[4];
  assert_int_equal(ampel_corr_matrix(cols, 2, 4, AMPEL_CORR_PEARSON, m),
                   AMPEL_OK);
  assert_true(isnan(m[3].r) && m[3].n == 4);
  assert_true(m[0].r == 1.0 && m[0].n == 3);
  assert_true(isnan(m[1].r) && m[1].n == 3 && m[2].n == 3);
}

/* Allocation failures in Spearman (scratch + two rankings) and in the
 * matrix are reported and leak nothing. */
static void test_corr_nomem(void **state) {
  (void)state;
  const double x[] = {1, 5, 2, 8, 3};
  const double y[] = {2, 6, 1, 9, 4};
  const double *cols[] = {x, y};
  ampel_corr c, m[4];
  int ok = 0, nomem = 0;
  for (long budget = 0; budget < 8; budget++) {
    fx_fail_after(budget);
    ampel_status st = ampel_corr_pair(x, y, 5, AMPEL_CORR_SPEARMAN, &c);
    ampel_status st2 = ampel_corr_matrix(cols, 2, 5, AMPEL_CORR_SPEARMAN, m);
    long live = fx_live;
    fx_restore_alloc();
    assert_int_equal(live, 0);
    assert_true(st == AMPEL_OK || st == AMPEL_E_NOMEM);
    assert_true(st2 == AMPEL_OK || st2 == AMPEL_E_NOMEM);
    ok += st == AMPEL_OK;
    nomem += st == AMPEL_E_NOMEM;
    if (st == AMPEL_OK)
      assert_true(c.r == 0.9); /* ranks 1 4 2 5 3 vs 2 4 1 5 3: 1 - 6*2/120 */
  }
  assert_true(ok > 0 && nomem > 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_corr_vs_scipy),
      cmocka_unit_test(test_corr_matrix_vs_scipy),
      cmocka_unit_test(test_tdist_vs_scipy),
      cmocka_unit_test(test_tdist_closed_forms),
      cmocka_unit_test(test_beta_inc_identities),
      cmocka_unit_test(test_corr_perfect),
      cmocka_unit_test(test_corr_undefined),
      cmocka_unit_test(test_corr_nomem),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
