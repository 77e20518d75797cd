/* Unit tests for boundary reforms (convert.h, METHODS.md §11): the
 * conversion of one cell, an area's period of validity, and the
 * conversion of a whole dataset (split and merge). */
/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */

#include <math.h>
#include <string.h>

#include "ampel/convert.h"

static void assert_close(double got, double want) {
  if (!(fabs(got - want) <= 1e-12 * fmax(1.0, fabs(want))))
    fail_msg("got %.17g, want %.17g", got, want);
}

static void test_counts(void **state) {
  (void)state;
  /* B (x 50) and C (x 150) merged; 0.6 of A (x 100) */
  ampel_convert_in in[] = {{1, 50, NAN, NAN, 500}, {1, 150, NAN, NAN, 1500}};
  double num, den;
  assert_close(ampel_convert_cell(AMPEL_KIND_ANZAHL, in, 2, &num, &den), 200);
  assert_true(isnan(num) && isnan(den));
  ampel_convert_in a[] = {{0.6, 100, NAN, NAN, NAN}};
  assert_close(ampel_convert_cell(AMPEL_KIND_ANZAHL, a, 1, NULL, NULL), 60);
  /* a missing old value: no value at all */
  in[1].value = NAN;
  assert_true(isnan(ampel_convert_cell(AMPEL_KIND_ANZAHL, in, 2, NULL, NULL)));
  assert_true(isnan(ampel_convert_cell(AMPEL_KIND_ANZAHL, in, 0, NULL, NULL)));
}

static void test_rate_with_numerator(void **state) {
  (void)state;
  /* 100 · (18 + 21) / (60 + 140) = 19.5 */
  ampel_convert_in in[] = {{1, 30, 18, 60, 500}, {1, 15, 21, 140, 1500}};
  double num, den;
  assert_close(ampel_convert_cell(AMPEL_KIND_QUOTE, in, 2, &num, &den), 19.5);
  assert_close(num, 39);
  assert_close(den, 200);
  /* the indicator's own scale (per mille) comes from the old cells */
  ampel_convert_in pm[] = {{0.5, 250, 5, 20, NAN}, {1, 100, 1, 10, NAN}};
  assert_close(ampel_convert_cell(AMPEL_KIND_QUOTE, pm, 2, &num, &den),
               1000.0 * (2.5 + 1) / (10 + 10));
  /* all numerators 0: the rate is 0 whatever the scale */
  ampel_convert_in z[] = {{1, 0, 0, 20, NAN}, {1, 0, 0, 10, NAN}};
  assert_close(ampel_convert_cell(AMPEL_KIND_QUOTE, z, 2, NULL, NULL), 0);
  /* denominators 0: no value */
  ampel_convert_in d0[] = {{1, 0, 0, 0, NAN}};
  assert_true(isnan(ampel_convert_cell(AMPEL_KIND_QUOTE, d0, 1, NULL, NULL)));
}

static void test_rate_by_population(void **state) {
  (void)state;
  /* (500 · 12 + 1500 · 6) / 2000 = 7.5 */
  ampel_convert_in in[] = {{1, 12, NAN, NAN, 500}, {1, 6, NAN, NAN, 1500}};
  double num, den;
  assert_close(ampel_convert_cell(AMPEL_KIND_QUOTE, in, 2, &num, &den), 7.5);
  assert_true(isnan(num) && isnan(den));
  /* shares weigh the population: 0.5 · 1000 · 10 + 1 · 1000 · 4 */
  ampel_convert_in s[] = {{0.5, 10, NAN, NAN, 1000}, {1, 4, NAN, NAN, 1000}};
  assert_close(ampel_convert_cell(AMPEL_KIND_INDEX, s, 2, NULL, NULL),
               (5000.0 + 4000) / 1500);
  /* one population unknown: Σ s · x / Σ s */
  s[1].pop = NAN;
  assert_close(ampel_convert_cell(AMPEL_KIND_QUOTE, s, 2, NULL, NULL),
               (5.0 + 4) / 1.5);
  /* numerator and denominator on only one old cell: by population */
  ampel_convert_in mix[] = {{1, 30, 18, 60, 100}, {1, 10, NAN, NAN, 300}};
  assert_close(ampel_convert_cell(AMPEL_KIND_QUOTE, mix, 2, NULL, NULL),
               (3000.0 + 3000) / 400);
}

static void test_valid_at(void **state) {
  (void)state;
  ampel_area a = {"A",           "A", NULL, "T",  NAN, AMPEL_NO_TILE,
                  AMPEL_NO_TILE, NAN, NAN,  NULL, NULL};
  assert_true(ampel_area_valid_at(&a, 19000101));
  a.valid_to = "2021"; /* a bare year: to its end */
  assert_true(ampel_area_valid_at(&a, 20211231));
  assert_false(ampel_area_valid_at(&a, 20220101));
  a.valid_from = "2019/20";
  assert_false(ampel_area_valid_at(&a, 20190101));
  assert_true(ampel_area_valid_at(&a, 20200101));
  a.valid_to = "2021-06-30";
  assert_true(ampel_area_valid_at(&a, 20210630));
  assert_false(ampel_area_valid_at(&a, 20210701));
  a.valid_from = "kaputt"; /* unreadable: open */
  assert_true(ampel_area_valid_at(&a, 18000101));
}

/* City S; A split into A1 (0.6) and A2 (0.4) and B, C merged into BC in
 * 2022; counts n, a rate q with numerator and denominator. */
static ampel_dataset *fixture(void) {
  ampel_dataset *ds = ampel_dataset_new();
  assert_non_null(ds);
  static const char *const key[] = {"S", "A", "B", "C", "A1", "A2", "BC"};
  static const double pop[] = {4000, 1000, 500, 1500, 600, 400, 2000};
  for (size_t i = 0; i < 7; i++) {
    ampel_area a = {(char *)key[i],
                    (char *)key[i],
                    i ? "S" : NULL,
                    i ? "Teil" : "Stadt",
                    pop[i],
                    AMPEL_NO_TILE,
                    AMPEL_NO_TILE,
                    NAN,
                    NAN,
                    i >= 4 ? "2022" : NULL,
                    i >= 1 && i < 4 ? "2021" : NULL};
    assert_int_equal(ampel_dataset_put_area(ds, &a, NULL), AMPEL_OK);
  }
  ampel_indicator n = {"n", "N", "Personen"}, q = {"q", "Q", "%"};
  n.decimals = q.decimals = -1;
  assert_int_equal(ampel_dataset_put_indicator(ds, &n, NULL), AMPEL_OK);
  assert_int_equal(ampel_dataset_put_indicator(ds, &q, NULL), AMPEL_OK);
  assert_int_equal(ampel_dataset_put_period(ds, "2021", 20210101, NULL),
                   AMPEL_OK);
  assert_int_equal(ampel_dataset_put_period(ds, "2022", 20220101, NULL),
                   AMPEL_OK);
  /* 2021: A n 110, q 22/110; B n 60, q 18/60; C n 140, q 21/140 */
  static const double nv[] = {110, 60, 140}, qn[] = {22, 18, 21};
  for (size_t k = 0; k < 3; k++) {
    assert_int_equal(
        ampel_dataset_set(ds, 1 + k, 0, 0, nv[k], NAN, NAN, AMPEL_FLAG_NONE),
        AMPEL_OK);
    assert_int_equal(ampel_dataset_set(ds, 1 + k, 1, 0, 100 * qn[k] / nv[k],
                                       qn[k], nv[k], AMPEL_FLAG_NONE),
                     AMPEL_OK);
  }
  /* 2022: the new areas' own values */
  for (size_t k = 4; k < 7; k++)
    assert_int_equal(
        ampel_dataset_set(ds, k, 0, 1, 10.0 * k, NAN, NAN, AMPEL_FLAG_NONE),
        AMPEL_OK);
  static const char *const o[] = {"A", "A", "B", "C"};
  static const char *const nw[] = {"A1", "A2", "BC", "BC"};
  static const double sh[] = {0.6, 0.4, 1, 1};
  for (size_t k = 0; k < 4; k++)
    assert_int_equal(ampel_dataset_add_conversion(ds, o[k], nw[k], sh[k]),
                     AMPEL_OK);
  return ds;
}

static void test_convert_dataset(void **state) {
  (void)state;
  ampel_dataset *ds = fixture();
  /* an imported value of a new area before the reform wins */
  assert_int_equal(
      ampel_dataset_set(ds, 5, 0, 0, 999, NAN, NAN, AMPEL_FLAG_NONE), AMPEL_OK);
  ampel_converted *c = NULL;
  ampel_diags dg;
  ampel_diags_init(&dg, 0);
  assert_int_equal(ampel_dataset_convert(ds, &c, &dg), AMPEL_OK);
  assert_int_equal(dg.n, 0);
  /* n: A1 0.6·110, A2 imported, BC 60 + 140; q: A1, A2 from A's 22/110,
   * BC 100·39/200 */
  assert_close(ampel_dataset_get(ds, 4, 0, 0).value, 66);
  assert_close(ampel_dataset_get(ds, 5, 0, 0).value, 999);
  assert_close(ampel_dataset_get(ds, 6, 0, 0).value, 200);
  ampel_cell_ref bc = ampel_dataset_get(ds, 6, 1, 0);
  assert_close(bc.value, 19.5);
  assert_close(bc.numerator, 39);
  assert_close(bc.denominator, 200);
  assert_close(ampel_dataset_get(ds, 4, 1, 0).value, 20);
  assert_close(ampel_dataset_get(ds, 5, 1, 0).value, 20);
  assert_true(ampel_converted_is(c, 4, 0, 0));
  assert_false(ampel_converted_is(c, 5, 0, 0)); /* imported */
  assert_true(ampel_converted_is(c, 6, 1, 0));
  /* nothing in 2022 (the new areas are valid), nothing for old areas */
  assert_false(ampel_converted_is(c, 4, 0, 1));
  assert_false(ampel_dataset_get(ds, 1, 0, 1).present);
  assert_false(ampel_dataset_get(ds, 4, 1, 1).present);
  assert_int_equal(ampel_converted_count(c), 5);
  ampel_converted_free(c);
  ampel_diags_release(&dg);
  ampel_dataset_free(ds);
}

/* An old area without a value leaves its new area without one; a key
 * naming an unknown area is reported and skipped. */
static void test_missing_and_unknown(void **state) {
  (void)state;
  ampel_dataset *ds = fixture();
  assert_int_equal(
      ampel_dataset_set(ds, 3, 0, 0, NAN, NAN, NAN, AMPEL_FLAG_SECRET),
      AMPEL_OK);
  assert_int_equal(ampel_dataset_add_conversion(ds, "X", "BC", 1), AMPEL_OK);
  ampel_converted *c = NULL;
  ampel_diags dg;
  ampel_diags_init(&dg, 0);
  assert_int_equal(ampel_dataset_convert(ds, &c, &dg), AMPEL_OK);
  assert_int_equal(dg.n, 1);
  assert_non_null(strstr(dg.items[0].message, "'X' → 'BC'"));
  assert_false(ampel_dataset_get(ds, 6, 0, 0).present); /* C is secret */
  assert_true(ampel_dataset_get(ds, 6, 1, 0).present);  /* q still there */
  assert_close(ampel_dataset_get(ds, 4, 0, 0).value, 66);
  ampel_converted_free(c);
  ampel_diags_release(&dg);
  ampel_dataset_free(ds);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_counts),
      cmocka_unit_test(test_rate_with_numerator),
      cmocka_unit_test(test_rate_by_population),
      cmocka_unit_test(test_valid_at),
      cmocka_unit_test(test_convert_dataset),
      cmocka_unit_test(test_missing_and_unknown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
