/* Unit tests for src/compute/classify.c. References: the definitions
 * (R's quantile type 7, equal steps, mean +- SD) worked by hand, and for
 * natural breaks an exhaustive search over every partition of small
 * samples (the optimum of the within-class sum of squares). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "ampel/classify.h"

static ampel_class_opts opts(ampel_class_method m, size_t k) {
  ampel_class_opts o = {0};
  o.method = m;
  o.k = k;
  o.reference = NAN;
  return o;
}

static void test_quantile_type7(void **state) {
  (void)state;
  double x[10] = {10, 1, 2, 3, 4, 5, 6, 7, 8, 9}, b[AMPEL_CLASS_MAX + 2];
  size_t k;
  ampel_class_opts o = opts(AMPEL_CLASS_QUANTILE, 5);
  assert_int_equal(ampel_class_breaks(x, 10, &o, b, &k), AMPEL_OK);
  assert_int_equal(k, 5);
  /* type 7: 1 + 9 p */
  double want[6] = {1, 2.8, 4.6, 6.4, 8.2, 10};
  for (int i = 0; i < 6; i++)
    assert_true(fabs(b[i] - want[i]) < 1e-12);
}

static void test_equal_and_missing(void **state) {
  (void)state;
  double x[5] = {0, NAN, 10, INFINITY, 4}, b[AMPEL_CLASS_MAX + 2];
  size_t k;
  ampel_class_opts o = opts(AMPEL_CLASS_EQUAL, 4);
  assert_int_equal(ampel_class_breaks(x, 5, &o, b, &k), AMPEL_OK);
  assert_int_equal(k, 4);
  assert_true(b[1] == 2.5 && b[2] == 5 && b[3] == 7.5 && b[4] == 10);
  assert_int_equal(ampel_class_of(2.5, b, k), 1);
  assert_int_equal(ampel_class_of(10, b, k), 3);
  assert_int_equal(ampel_class_of(NAN, b, k), -1);
  /* diverging around 8: half-width max(10-8, 8-0) = 8 → from 0 to 16 */
  o.reference = 8;
  assert_int_equal(ampel_class_breaks(x, 5, &o, b, &k), AMPEL_OK);
  assert_true(b[2] == 8); /* the reference is the middle break */
  double none[2] = {NAN, NAN};
  assert_int_equal(ampel_class_breaks(none, 2, &o, b, &k), AMPEL_E_DATA);
}

static void test_sd_classes(void **state) {
  (void)state;
  /* mean 5, population SD 2 */
  double x[8] = {2, 4, 4, 4, 5, 5, 7, 9}, b[AMPEL_CLASS_MAX + 2];
  size_t k;
  ampel_class_opts o = opts(AMPEL_CLASS_SD, 4);
  assert_int_equal(ampel_class_breaks(x, 8, &o, b, &k), AMPEL_OK);
  assert_int_equal(k, 4);
  assert_true(fabs(b[1] - 3) < 1e-12 && fabs(b[2] - 5) < 1e-12 &&
              fabs(b[3] - 7) < 1e-12);
  assert_true(b[0] == 2 && b[4] == 9);
}

static double ssw(const double *s, size_t a, size_t b) {
  double m = 0, q = 0;
  for (size_t i = a; i < b; i++)
    m += s[i] / (double)(b - a);
  for (size_t i = a; i < b; i++)
    q += (s[i] - m) * (s[i] - m);
  return q;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Best split of sorted s[0..n-1] into 3 classes by exhaustive search. */
static double best3(const double *s, size_t n) {
  double best = INFINITY;
  for (size_t i = 1; i < n - 1; i++)
    for (size_t j = i + 1; j < n; j++)
      best = fmin(best, ssw(s, 0, i) + ssw(s, i, j) + ssw(s, j, n));
  return best;
}

static void test_jenks_optimal(void **state) {
  (void)state;
  srand(7);
  for (int rep = 0; rep < 50; rep++) {
    size_t n = 6 + (size_t)(rep % 10);
    double s[16], b[AMPEL_CLASS_MAX + 2];
    for (size_t i = 0; i < n; i++)
      s[i] = (double)(rand() % 1000) / 10.0 + (double)i * 1e-6;
    qsort(s, n, sizeof *s, cmp);
    size_t k;
    ampel_class_opts o = opts(AMPEL_CLASS_JENKS, 3);
    assert_int_equal(ampel_class_breaks(s, n, &o, b, &k), AMPEL_OK);
    assert_int_equal(k, 3);
    size_t cut1 = 0, cut2 = 0;
    for (size_t i = 0; i < n; i++) {
      int c = ampel_class_of(s[i], b, k);
      cut1 += c == 0;
      cut2 += c <= 1;
    }
    double got = ssw(s, 0, cut1) + ssw(s, cut1, cut2) + ssw(s, cut2, n);
    assert_true(fabs(got - best3(s, n)) < 1e-9);
  }
}

static void test_parse_and_manual(void **state) {
  (void)state;
  ampel_diags d;
  ampel_diags_init(&d, 0);
  ampel_class_opts o;
  assert_int_equal(ampel_class_parse("jenks:4", &o, &d), AMPEL_OK);
  assert_int_equal(o.method, AMPEL_CLASS_JENKS);
  assert_int_equal(o.k, 4);
  assert_int_equal(ampel_class_parse("quantil", &o, &d), AMPEL_OK);
  assert_int_equal(o.k, 5);
  assert_int_equal(ampel_class_parse("jenks:1", &o, &d), AMPEL_E_USAGE);
  assert_int_equal(ampel_class_parse("wild:3", &o, &d), AMPEL_E_USAGE);
  assert_int_equal(ampel_class_parse("manual:3,1", &o, &d), AMPEL_E_USAGE);
  assert_int_equal(ampel_class_parse("manual:2.5,5,7.5", &o, &d), AMPEL_OK);
  assert_int_equal(o.k, 4);
  double x[3] = {3, 4, 6}, b[AMPEL_CLASS_MAX + 2];
  size_t k;
  assert_int_equal(ampel_class_breaks(x, 3, &o, b, &k), AMPEL_OK);
  /* the user's breaks are kept as they are (stable legends); the breaks
   * 2.5 and 7.5 are the outer ones here, so there are two classes */
  assert_int_equal(k, 2);
  assert_true(b[0] == 2.5 && b[1] == 5 && b[2] == 7.5);
  assert_int_equal(ampel_class_of(3, b, k), 0);
  assert_int_equal(ampel_class_of(4, b, k), 0);
  assert_int_equal(ampel_class_of(6, b, k), 1);
  assert_int_equal(d.n_errors, 3);
  ampel_diags_release(&d);
}

static void test_repeated_values_merge(void **state) {
  (void)state;
  double x[6] = {1, 1, 1, 1, 1, 2}, b[AMPEL_CLASS_MAX + 2];
  size_t k;
  ampel_class_opts o = opts(AMPEL_CLASS_QUANTILE, 5);
  assert_int_equal(ampel_class_breaks(x, 6, &o, b, &k), AMPEL_OK);
  assert_true(k < 5); /* equal quantiles merged */
  for (size_t i = 0; i < k; i++)
    assert_true(b[i] < b[i + 1]);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_quantile_type7),
      cmocka_unit_test(test_equal_and_missing),
      cmocka_unit_test(test_sd_classes),
      cmocka_unit_test(test_jenks_optimal),
      cmocka_unit_test(test_parse_and_manual),
      cmocka_unit_test(test_repeated_values_merge),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
