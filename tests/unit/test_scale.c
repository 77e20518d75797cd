/* Unit tests for src/compute/scale.c: 0-1 scaling of one heatmap column
 * (METHODS.md §2.2), hand-computed cases. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "ampel/stats.h"
#include "stats_fixture.h"

static void check(const double *got, const double *want, size_t n) {
  for (size_t i = 0; i < n; i++)
    fx_assert_close(got[i], want[i], 1e-15, 0.0);
}

/* min 2, max 10: v = (x - 2) / 8 */
static const double X[] = {2, 4, NAN, 10, 7};

static void test_scale_higher_is_better(void **state) {
  (void)state;
  double out[5];
  const double want[] = {0, 0.25, NAN, 1, 0.625};
  ampel_scale_column(X, 5, AMPEL_POL_HIGHER_IS_BETTER, out);
  check(out, want, 5);
}

static void test_scale_higher_is_worse(void **state) {
  (void)state;
  double out[5];
  const double want[] = {1, 0.75, NAN, 0, 0.375};
  ampel_scale_column(X, 5, AMPEL_POL_HIGHER_IS_WORSE, out);
  check(out, want, 5);
}

static void test_scale_neutral_not_flipped(void **state) {
  (void)state;
  double out[5];
  const double want[] = {0, 0.25, NAN, 1, 0.625};
  ampel_scale_column(X, 5, AMPEL_POL_NEUTRAL, out);
  check(out, want, 5);
}

/* max == min gives 0.5 for every present value, whatever the polarity. */
static void test_scale_constant(void **state) {
  (void)state;
  const double x[] = {3, NAN, 3, 3};
  const double want[] = {0.5, NAN, 0.5, 0.5};
  double out[4];
  ampel_scale_column(x, 4, AMPEL_POL_HIGHER_IS_WORSE, out);
  check(out, want, 4);
  ampel_scale_column(x, 1, AMPEL_POL_HIGHER_IS_BETTER, out);
  check(out, want, 1);
}

static void test_scale_missing_only(void **state) {
  (void)state;
  const double x[] = {NAN, INFINITY, -INFINITY};
  double out[3] = {0, 0, 0};
  ampel_scale_column(x, 3, AMPEL_POL_HIGHER_IS_BETTER, out);
  for (size_t i = 0; i < 3; i++)
    assert_true(isnan(out[i]));
  ampel_scale_column(NULL, 0, AMPEL_POL_NEUTRAL, NULL); /* no-op */
}

/* Infinite values are missing: they do not stretch the range. */
static void test_scale_infinite_is_missing(void **state) {
  (void)state;
  const double x[] = {-1, INFINITY, 1, 0};
  const double want[] = {0, NAN, 1, 0.5};
  double out[4];
  ampel_scale_column(x, 4, AMPEL_POL_HIGHER_IS_BETTER, out);
  check(out, want, 4);
}

static void test_scale_in_place(void **state) {
  (void)state;
  double x[] = {-5, 5, 0, NAN};
  const double want[] = {1, 0, 0.5, NAN};
  ampel_scale_column(x, 4, AMPEL_POL_HIGHER_IS_WORSE, x);
  check(x, want, 4);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_scale_higher_is_better),
      cmocka_unit_test(test_scale_higher_is_worse),
      cmocka_unit_test(test_scale_neutral_not_flipped),
      cmocka_unit_test(test_scale_constant),
      cmocka_unit_test(test_scale_missing_only),
      cmocka_unit_test(test_scale_infinite_is_missing),
      cmocka_unit_test(test_scale_in_place),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
