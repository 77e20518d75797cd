/* Unit tests for the formula language and the derivation of formula and
 * sum indicators (formula.h, METHODS.md §10). */
/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */

#include <math.h>
#include <string.h>

#include "ampel/formula.h"

static ampel_formula *parse_ok(const char *text) {
  ampel_formula *f = NULL;
  char msg[200];
  size_t pos = 99;
  ampel_status st = ampel_formula_parse(text, &f, msg, sizeof msg, &pos);
  if (st != AMPEL_OK)
    fail_msg("'%s': %s at %zu", text, msg, pos);
  return f;
}

static void parse_fails(const char *text, const char *needle, size_t at) {
  ampel_formula *f = NULL;
  char msg[200];
  size_t pos = 99;
  assert_int_equal(ampel_formula_parse(text, &f, msg, sizeof msg, &pos),
                   AMPEL_E_DATA);
  assert_null(f);
  if (!strstr(msg, needle))
    fail_msg("'%s': message '%s' lacks '%s'", text, msg, needle);
  assert_int_equal(pos, at);
}

static void test_precedence_and_inputs(void **state) {
  (void)state;
  ampel_formula *f = parse_ok("a + b * 2 - (c - a) / 4");
  assert_int_equal(ampel_formula_n_inputs(f), 3);
  assert_string_equal(ampel_formula_input(f, 0), "a");
  assert_string_equal(ampel_formula_input(f, 1), "b");
  assert_string_equal(ampel_formula_input(f, 2), "c");
  double in[] = {1, 3, 9}, num, den;
  /* 1 + 6 - 8 / 4 = 5 */
  assert_true(ampel_formula_eval(f, in, &num, &den) == 5.0);
  assert_true(isnan(num) && isnan(den)); /* not a ratio */
  ampel_formula_free(f);
  f = parse_ok("-a * -b");
  assert_true(ampel_formula_eval(f, (double[]){2, 3}, NULL, NULL) == 6.0);
  ampel_formula_free(f);
}

static void test_ratio_keeps_numerator_and_denominator(void **state) {
  (void)state;
  static const char *const texts[] = {"100 * sfb_n / unters",
                                      "sfb_n / unters * 100",
                                      "(sfb_n / unters) * 1000",
                                      "sfb_n / (unters / 100)"};
  static const double want[] = {25.0, 25.0, 250.0, 25.0};
  for (size_t k = 0; k < 4; k++) {
    ampel_formula *f = parse_ok(texts[k]);
    double num = 0, den = 0;
    double v = ampel_formula_eval(f, (double[]){30, 120}, &num, &den);
    assert_true(fabs(v - want[k]) < 1e-12);
    assert_true(num == 30.0);
    assert_true(den == 120.0);
    ampel_formula_free(f);
  }
}

static void test_missing_and_zero(void **state) {
  (void)state;
  ampel_formula *f = parse_ok("a / b");
  assert_true(isnan(ampel_formula_eval(f, (double[]){1, 0}, NULL, NULL)));
  assert_true(isnan(ampel_formula_eval(f, (double[]){NAN, 2}, NULL, NULL)));
  ampel_formula_free(f);
}

static void test_numbers_and_quoted_keys(void **state) {
  (void)state;
  ampel_formula *f = parse_ok("0,5 * \"sgb-2\" + 1.5 * Kinder_unter_6");
  assert_string_equal(ampel_formula_input(f, 0), "sgb-2");
  assert_string_equal(ampel_formula_input(f, 1), "Kinder_unter_6");
  assert_true(ampel_formula_eval(f, (double[]){4, 2}, NULL, NULL) == 5.0);
  ampel_formula_free(f);
  f = parse_ok("Schüler / Klassen"); /* umlauts in keys */
  assert_string_equal(ampel_formula_input(f, 0), "Schüler");
  ampel_formula_free(f);
}

static void test_errors_with_position(void **state) {
  (void)state;
  parse_fails("100 * (a / b", "')' erwartet, gefunden: Ende der Formel", 12);
  parse_fails("a + * b", "Zahl, Kennzahl oder '(' erwartet, gefunden: '*'", 4);
  parse_fails("a b", "Rechenzeichen oder Ende der Formel erwartet", 2);
  parse_fails("100 * 2", "liest keine Kennzahl", 7);
  parse_fails("\"a", "schließendes", 2);
  parse_fails("a % b", "gefunden: '%'", 2);
  char deep[200];
  memset(deep, '(', 100);
  memcpy(deep + 100, "a", 2);
  parse_fails(deep, "zu tief verschachtelt", 64);
}

/* City S with districts N (N1, N2) and W (W1); a school X under N1 that
 * the majority rule leaves out of N1's children. */
static ampel_dataset *fixture(void) {
  ampel_dataset *ds = ampel_dataset_new();
  assert_non_null(ds);
  static const char *const key[] = {"S", "N", "W", "N1", "N2", "W1", "X"};
  static const char *const parent[] = {NULL, "S", "S", "N", "N", "W", "N1"};
  static const char *const level[] = {"Stadt", "Bezirk", "Bezirk", "Teil",
                                      "Teil", "Teil", "Schule"};
  for (size_t i = 0; i < 7; i++) {
    ampel_area a = {(char *)key[i], (char *)key[i], (char *)parent[i],
                    (char *)level[i], NAN, AMPEL_NO_TILE, AMPEL_NO_TILE, NAN,
                    NAN};
    assert_int_equal(ampel_dataset_put_area(ds, &a, NULL), AMPEL_OK);
  }
  ampel_indicator n = {"n", "N"}, d = {"d", "D"}, q = {"q", "Q"};
  n.decimals = d.decimals = q.decimals = -1;
  q.formula = "100 * n / d";
  n.aggregation = AMPEL_AGG_SUM;
  assert_int_equal(ampel_dataset_put_indicator(ds, &n, NULL), AMPEL_OK);
  assert_int_equal(ampel_dataset_put_indicator(ds, &d, NULL), AMPEL_OK);
  assert_int_equal(ampel_dataset_put_indicator(ds, &q, NULL), AMPEL_OK);
  assert_int_equal(ampel_dataset_put_period(ds, "2024", 20240101, NULL),
                   AMPEL_OK);
  /* areas N1, N2, W1 (ids 3, 4, 5), school X (6) */
  static const double nv[] = {10, 30, 5, 1000}, dv[] = {100, 100, 50, 2000};
  for (size_t k = 0; k < 4; k++) {
    assert_int_equal(ampel_dataset_set(ds, 3 + k, 0, 0, nv[k], NAN, NAN,
                                       AMPEL_FLAG_NONE),
                     AMPEL_OK);
    assert_int_equal(ampel_dataset_set(ds, 3 + k, 1, 0, dv[k], NAN, NAN,
                                       AMPEL_FLAG_NONE),
                     AMPEL_OK);
  }
  return ds;
}

static void test_derive_levels(void **state) {
  (void)state;
  ampel_dataset *ds = fixture();
  ampel_derived *d = NULL;
  ampel_diags dg;
  ampel_diags_init(&dg, 0);
  assert_int_equal(ampel_dataset_derive(ds, &d, &dg), AMPEL_OK);
  assert_int_equal(dg.n, 0);
  /* leaves: the formula on their own inputs */
  ampel_cell_ref c = ampel_dataset_get(ds, 3, 2, 0);
  assert_true(c.value == 10.0 && c.numerator == 10.0 && c.denominator == 100);
  assert_int_equal(ampel_derived_origin(d, 3, 2, 0), AMPEL_ORIGIN_FORMULA);
  /* N: (10 + 30) / (100 + 100), the school not counted; a ratio of sums */
  c = ampel_dataset_get(ds, 1, 2, 0);
  assert_true(c.value == 20.0 && c.numerator == 40.0 && c.denominator == 200);
  assert_int_equal(ampel_derived_origin(d, 1, 2, 0), AMPEL_ORIGIN_SUM);
  /* the city: 45 / 250 = 18 %, not the mean of 20 % and 10 % */
  c = ampel_dataset_get(ds, 0, 2, 0);
  assert_true(fabs(c.value - 18.0) < 1e-12);
  /* Summe: n adds up (45 in the city); d has no aggregation: missing */
  assert_true(ampel_dataset_get(ds, 0, 0, 0).value == 45.0);
  assert_false(ampel_dataset_get(ds, 0, 1, 0).present);
  assert_int_equal(ampel_derived_count(d, AMPEL_ORIGIN_FORMULA), 4);
  assert_int_equal(ampel_derived_count(d, AMPEL_ORIGIN_SUM), 3 + 3);
  ampel_derived_free(d);
  ampel_diags_release(&dg);
  ampel_dataset_free(ds);
}

static void test_imported_wins_and_suppression(void **state) {
  (void)state;
  ampel_dataset *ds = fixture();
  /* an imported city rate stays; N2's input n is secret */
  assert_int_equal(
      ampel_dataset_set(ds, 0, 2, 0, 17.5, NAN, NAN, AMPEL_FLAG_NONE),
      AMPEL_OK);
  ampel_derived *d = NULL;
  ampel_diags dg;
  ampel_diags_init(&dg, 0);
  assert_int_equal(ampel_dataset_derive(ds, &d, &dg), AMPEL_OK);
  assert_true(ampel_dataset_get(ds, 0, 2, 0).value == 17.5);
  assert_int_equal(ampel_derived_origin(d, 0, 2, 0), AMPEL_ORIGIN_IMPORTED);
  assert_int_equal(
      ampel_dataset_set(ds, 4, 0, 0, NAN, NAN, NAN, AMPEL_FLAG_SECRET),
      AMPEL_OK);
  assert_int_equal(ampel_derived_suppress(ds, d), 1);
  ampel_cell_ref c = ampel_dataset_get(ds, 4, 2, 0);
  assert_int_equal(c.flag, AMPEL_FLAG_SECRET);
  assert_true(isnan(c.value));
  ampel_derived_free(d);
  ampel_diags_release(&dg);
  ampel_dataset_free(ds);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_precedence_and_inputs),
      cmocka_unit_test(test_ratio_keeps_numerator_and_denominator),
      cmocka_unit_test(test_missing_and_zero),
      cmocka_unit_test(test_numbers_and_quoted_keys),
      cmocka_unit_test(test_errors_with_position),
      cmocka_unit_test(test_derive_levels),
      cmocka_unit_test(test_imported_wins_and_suppression),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
