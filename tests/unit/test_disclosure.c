/* Unit tests for disclosure control (src/compute/disclosure.c, METHODS.md
 * §7). Every expected cell is worked out by hand from the small city
 * below (see the comments). */
// clang-format off: cmocka.h needs these headers first
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
// clang-format on

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ampel/alloc.h"
#include "ampel/disclosure.h"
#include "failalloc.h"

static void area(ampel_dataset *ds, const char *key, const char *parent,
                 const char *level, double pop) {
  ampel_area a = {(char *)key,   (char *)key, (char *)parent,
                  (char *)level, pop,         AMPEL_NO_TILE,
                  AMPEL_NO_TILE, NAN,         NAN};
  assert_int_equal(ampel_dataset_put_area(ds, &a, NULL), AMPEL_OK);
}

static void ind(ampel_dataset *ds, const char *key, const char *unit) {
  ampel_indicator i = {
      (char *)key, (char *)key, (char *)unit, NULL,
      NULL,        NULL,        NULL,         AMPEL_POL_HIGHER_IS_WORSE,
      -1, AMPEL_SECRECY_UNSET};
  assert_int_equal(ampel_dataset_put_indicator(ds, &i, NULL), AMPEL_OK);
}

static void set(ampel_dataset *ds, const char *a, const char *i, double v,
                double num, double den) {
  long ai = ampel_dataset_find_area(ds, a);
  long ii = ampel_dataset_find_indicator(ds, i);
  assert_true(ai >= 0 && ii >= 0);
  assert_int_equal(ampel_dataset_set(ds, (size_t)ai, (size_t)ii, 0, v, num, den,
                                     AMPEL_FLAG_NONE),
                   AMPEL_OK);
}

static ampel_cell_ref get(const ampel_dataset *ds, const char *a,
                          const char *i) {
  return ampel_dataset_get(ds, (size_t)ampel_dataset_find_area(ds, a),
                           (size_t)ampel_dataset_find_indicator(ds, i), 0);
}

static int secret(const ampel_dataset *ds, const char *a, const char *i) {
  ampel_cell_ref c = get(ds, a, i);
  return c.present && c.flag == AMPEL_FLAG_SECRET && isnan(c.value) &&
         isnan(c.numerator) && isnan(c.denominator);
}

/* City S = B1 + B2; B1 = T1 + T2 + T3; B2 = T4 + T5.
 * Count "kinder" (unit "Anzahl"):
 *   T1 2, T2 40, T3 25 → B1 67;  T4 7, T5 9 → B2 16;  S 83.
 *   Primary: T1 (2 < 3). B1 = T1+T2+T3 with one child suppressed →
 *   secondary: the smallest other child T3 (25). B2: none suppressed.
 *   S = B1 + B2, no child suppressed → nothing more. Cells suppressed:
 *   T1 (primary), T3 (secondary).
 * Rate "quote" (unit "%") with numerator/denominator:
 *   T1 1/4 = 25 %, T2 10/40, T3 5/25, T4 0/7 = 0 %, T5 3/9;
 *   B1 16/69 (the numerators add up), B2 3/16, S 19/85.
 *   Primary: T1 (numerator 1). T4 has numerator 0: not suppressed.
 *   Secondary: B1's numerator 16 = 1 + 10 + 5 with one child suppressed →
 *   smallest other numerator T3 (5).
 * Count "plaetze" (unit "Plätze je 100 Kinder"): a rate, never suppressed
 * even at 1.
 * T5 has 250 inhabitants (< 300): a small area. */
static ampel_dataset *city(void) {
  ampel_dataset *ds = ampel_dataset_new();
  assert_non_null(ds);
  area(ds, "S", NULL, "Stadt", 10000);
  area(ds, "B1", "S", "Bezirk", 6000);
  area(ds, "B2", "S", "Bezirk", 4000);
  area(ds, "T1", "B1", "Stadtteil", 2000);
  area(ds, "T2", "B1", "Stadtteil", 2000);
  area(ds, "T3", "B1", "Stadtteil", 2000);
  area(ds, "T4", "B2", "Stadtteil", 3750);
  area(ds, "T5", "B2", "Stadtteil", 250);
  ind(ds, "kinder", "Anzahl");
  ind(ds, "quote", "%");
  ind(ds, "plaetze", "Plätze je 100 Kinder");
  assert_int_equal(ampel_dataset_put_period(ds, "2023", 20230101, NULL),
                   AMPEL_OK);
  static const char *const ar[] = {"T1", "T2", "T3", "T4",
                                   "T5", "B1", "B2", "S"};
  static const double kinder[] = {2, 40, 25, 7, 9, 67, 16, 83};
  static const double num[] = {1, 10, 5, 0, 3, 16, 3, 19};
  static const double den[] = {4, 40, 25, 7, 9, 69, 16, 85};
  for (int k = 0; k < 8; k++) {
    set(ds, ar[k], "kinder", kinder[k], NAN, NAN);
    set(ds, ar[k], "quote", 100 * num[k] / den[k], num[k], den[k]);
    set(ds, ar[k], "plaetze", 1, NAN, NAN);
  }
  return ds;
}

static void test_count_recognition(void **state) {
  (void)state;
  static const struct {
    const char *unit;
    int count;
  } cases[] = {{"Anzahl", 1},
               {"anzahl", 1},
               {"Personen", 1},
               {"Schülerinnen und Schüler", 1},
               {"Schueler", 1},
               {"Kinder", 1},
               {"Einwohner", 1},
               {"Fälle", 1},
               {"%", 0},
               {"Anzahl je 1.000 Einwohner", 0},
               {"Kinder pro Kita", 0},
               {"Stufe 1–9", 0},
               {"0/1", 0},
               {"Anteil", 0},
               {"‰", 0},
               {"Schulen", 0},
               {"", 0},
               {"Euro", 0}};
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    ampel_indicator i = {
        (char *)"k", (char *)"k", (char *)cases[k].unit, NULL, NULL,
        NULL,        NULL,        AMPEL_POL_NEUTRAL,     -1, AMPEL_SECRECY_UNSET};
    if (ampel_disclosure_is_count(&i) != cases[k].count)
      fail_msg("unit '%s': expected %d", cases[k].unit, cases[k].count);
  }
  ampel_indicator none = {(char *)"k", (char *)"k", NULL, NULL,
                          NULL,        NULL,        NULL, AMPEL_POL_NEUTRAL,
                          -1, AMPEL_SECRECY_UNSET};
  assert_int_equal(ampel_disclosure_is_count(&none), 0);
}

/* Column Geheimhaltung (ampel_indicator.secrecy) overrides the unit rule
 * both ways; unset keeps it (issue 10 item 8). */
static void test_secrecy_column(void **state) {
  (void)state;
  static const struct {
    const char *unit;
    ampel_secrecy secrecy;
    int count;
  } cases[] = {{"Anzahl", AMPEL_SECRECY_UNSET, 1},
               {"Anzahl", AMPEL_SECRECY_NO, 0}, /* e.g. number of schools */
               {"Anzahl", AMPEL_SECRECY_YES, 1},
               {"Schulen", AMPEL_SECRECY_UNSET, 0},
               {"Schulen", AMPEL_SECRECY_YES, 1},
               {"%", AMPEL_SECRECY_YES, 1},
               {NULL, AMPEL_SECRECY_YES, 1},
               {NULL, AMPEL_SECRECY_UNSET, 0}};
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    ampel_indicator i = {(char *)"k", (char *)"k", (char *)cases[k].unit,
                         NULL,        NULL,        NULL,
                         NULL,        AMPEL_POL_NEUTRAL,
                         -1,          cases[k].secrecy};
    if (ampel_disclosure_is_count(&i) != cases[k].count)
      fail_msg("unit '%s', secrecy %d: expected %d",
               cases[k].unit ? cases[k].unit : "(none)",
               (int)cases[k].secrecy, cases[k].count);
  }
  /* applied: "kinder" (Anzahl) marked nein keeps T1 = 2; "plaetze" (a
   * rate by its unit) marked ja loses its cells of 1 */
  ampel_dataset *ds = city();
  ampel_indicator kinder = {(char *)"kinder", (char *)"kinder",
                            (char *)"Anzahl", NULL,
                            NULL, NULL,
                            NULL, AMPEL_POL_HIGHER_IS_WORSE,
                            -1, AMPEL_SECRECY_NO};
  ampel_indicator plaetze = kinder;
  plaetze.key = plaetze.name = (char *)"plaetze";
  plaetze.unit = (char *)"Plätze je 100 Kinder";
  plaetze.secrecy = AMPEL_SECRECY_YES;
  assert_int_equal(ampel_dataset_put_indicator(ds, &kinder, NULL), AMPEL_OK);
  assert_int_equal(ampel_dataset_put_indicator(ds, &plaetze, NULL),
                   AMPEL_OK);
  ampel_disclosure_opts o;
  ampel_disclosure_opts_init(&o);
  assert_int_equal(ampel_disclosure_apply(ds, &o, NULL), AMPEL_OK);
  assert_false(secret(ds, "T1", "kinder"));
  assert_float_equal(get(ds, "T1", "kinder").value, 2, 0);
  assert_true(secret(ds, "T1", "plaetze"));
  assert_true(secret(ds, "T5", "plaetze"));
  assert_true(secret(ds, "T1", "quote")); /* untouched: numerator 1 */
  ampel_dataset_free(ds);
}

static void test_primary_and_secondary(void **state) {
  (void)state;
  ampel_dataset *ds = city();
  ampel_disclosure_opts o;
  ampel_disclosure_opts_init(&o);
  ampel_disclosure_stats st;
  assert_int_equal(ampel_disclosure_apply(ds, &o, &st), AMPEL_OK);
  assert_true(secret(ds, "T1", "kinder"));
  assert_true(secret(ds, "T3", "kinder"));
  assert_false(secret(ds, "T2", "kinder"));
  assert_false(secret(ds, "T4", "kinder"));
  assert_false(secret(ds, "B1", "kinder"));
  assert_true(secret(ds, "T1", "quote"));
  assert_true(secret(ds, "T3", "quote"));
  assert_false(secret(ds, "T4", "quote")); /* numerator 0 stays */
  assert_float_equal(get(ds, "T4", "quote").value, 0, 0);
  assert_float_equal(get(ds, "T2", "quote").numerator, 10, 0);
  for (const char *const *a = (const char *const[]){"T1", "S", NULL}; *a; a++)
    assert_false(secret(ds, *a, "plaetze"));
  assert_int_equal(st.primary, 2);     /* T1 kinder, T1 quote */
  assert_int_equal(st.secondary, 2);   /* T3 kinder, T3 quote */
  assert_int_equal(st.small_areas, 1); /* T5 */
  ampel_dataset_free(ds);
}

static void test_no_secondary_without_sum(void **state) {
  (void)state;
  ampel_dataset *ds = city();
  set(ds, "B1", "kinder", 70, NAN, NAN); /* no longer the sum of T1..T3 */
  ampel_disclosure_opts o;
  ampel_disclosure_opts_init(&o);
  assert_int_equal(ampel_disclosure_apply(ds, &o, NULL), AMPEL_OK);
  assert_true(secret(ds, "T1", "kinder"));
  assert_false(secret(ds, "T3", "kinder"));
  ampel_dataset_free(ds);
}

static void test_two_suppressed_children_need_nothing_more(void **state) {
  (void)state;
  ampel_dataset *ds = city();
  set(ds, "T2", "kinder", 1, NAN, NAN); /* B1 = 2 + 1 + 25 = 28 */
  set(ds, "B1", "kinder", 28, NAN, NAN);
  set(ds, "S", "kinder", 44, NAN, NAN);
  ampel_disclosure_opts o;
  ampel_disclosure_opts_init(&o);
  ampel_disclosure_stats st;
  assert_int_equal(ampel_disclosure_apply(ds, &o, &st), AMPEL_OK);
  assert_true(secret(ds, "T1", "kinder"));
  assert_true(secret(ds, "T2", "kinder"));
  assert_false(secret(ds, "T3", "kinder"));
  ampel_dataset_free(ds);
}

/* B1 = T1 + T2 + T3 = 2 + 0 + 25: the complementary cell is T3 (the
 * smallest other child with at least min_count), not the 0 of T2, which
 * would leave "T1 + T2 = 2" for anyone to read. */
static void test_secondary_skips_small_complements(void **state) {
  (void)state;
  ampel_dataset *ds = city();
  set(ds, "T2", "kinder", 0, NAN, NAN);
  set(ds, "B1", "kinder", 27, NAN, NAN);
  ampel_disclosure_opts o;
  ampel_disclosure_opts_init(&o);
  assert_int_equal(ampel_disclosure_apply(ds, &o, NULL), AMPEL_OK);
  assert_true(secret(ds, "T1", "kinder"));
  assert_false(secret(ds, "T2", "kinder"));
  assert_true(secret(ds, "T3", "kinder"));
  ampel_dataset_free(ds);
  /* B2 = T4 + T5 = 7 + 9 with min_count 8: T4 (7) primary; the only
   * other child T5 (9 >= 8) is the complement. */
  ds = city();
  assert_int_equal(ampel_disclosure_opts_set(&o, "min_count", "8", NULL),
                   AMPEL_OK);
  assert_int_equal(ampel_disclosure_apply(ds, &o, NULL), AMPEL_OK);
  assert_true(secret(ds, "T4", "kinder"));
  assert_true(secret(ds, "T5", "kinder"));
  ampel_dataset_free(ds);
}

static void test_settings(void **state) {
  (void)state;
  ampel_dataset *ds = city();
  ampel_disclosure_opts o;
  ampel_disclosure_opts_init(&o);
  ampel_diags d;
  ampel_diags_init(&d, 0);
  assert_int_equal(ampel_disclosure_opts_set(&o, "min_count", "1", &d),
                   AMPEL_OK);
  assert_int_equal(ampel_disclosure_apply(ds, &o, NULL), AMPEL_OK);
  assert_false(secret(ds, "T1", "kinder"));
  assert_int_equal(ampel_disclosure_opts_set(&o, "min_count", "2.5", &d),
                   AMPEL_E_USAGE);
  assert_int_equal(ampel_disclosure_opts_set(&o, "min_count", "0", &d),
                   AMPEL_E_USAGE);
  assert_int_equal(ampel_disclosure_opts_set(&o, "min_population", "-1", &d),
                   AMPEL_E_USAGE);
  assert_int_equal(
      ampel_disclosure_opts_set(&o, "secondary_suppression", "vielleicht", &d),
      AMPEL_E_USAGE);
  assert_int_equal(ampel_disclosure_opts_set(&o, "farbe", "rot", &d),
                   AMPEL_E_USAGE);
  assert_int_equal(d.n, 5);
  /* min_count 10 without secondary: T1 2, T4 7, T5 9 of kinder. */
  assert_int_equal(ampel_disclosure_opts_set(&o, "min_count", "10", &d),
                   AMPEL_OK);
  assert_int_equal(
      ampel_disclosure_opts_set(&o, "secondary_suppression", "nein", &d),
      AMPEL_OK);
  char v[32];
  ampel_disclosure_opts_get(&o, "min_count", v, sizeof v);
  assert_string_equal(v, "10");
  ampel_dataset_free(ds);
  ds = city();
  assert_int_equal(ampel_disclosure_apply(ds, &o, NULL), AMPEL_OK);
  assert_true(secret(ds, "T1", "kinder"));
  assert_true(secret(ds, "T4", "kinder"));
  assert_true(secret(ds, "T5", "kinder"));
  assert_false(secret(ds, "T3", "kinder"));
  ampel_diags_release(&d);
  ampel_dataset_free(ds);
}

static void test_note_and_classify_copy(void **state) {
  (void)state;
  ampel_disclosure_opts o;
  ampel_disclosure_opts_init(&o);
  char note[256];
  ampel_disclosure_note(&o, 0, note, sizeof note);
  assert_string_equal(note, "Geheimhaltung: Werte unter 3 unterdrückt (.)");
  ampel_disclosure_note(&o, 1, note, sizeof note);
  assert_string_equal(note, "Geheimhaltung: Werte unter 3 unterdrückt (.); "
                            "Gebiete unter 300 Einwohnern nicht bewertet");
  ampel_dataset *ds = city(), *cp = NULL;
  assert_int_equal(ampel_disclosure_classify_copy(ds, &o, &cp), AMPEL_OK);
  assert_int_equal(ampel_dataset_n_areas(cp), 8);
  assert_false(get(cp, "T5", "kinder").present);
  assert_float_equal(get(cp, "T4", "kinder").value, 7, 0);
  assert_float_equal(get(cp, "T2", "quote").denominator, 40, 0);
  ampel_dataset_free(cp);
  ampel_dataset_free(ds);
}

/* Every allocation of ampel_disclosure_apply() fails once in turn: the
 * call reports AMPEL_E_NOMEM (or copes) and frees everything. The dataset
 * is built with counting paused, so only apply's requests are numbered. */
static long run_apply(long fail_at, ampel_status *out) {
  ampel_disclosure_opts o;
  ampel_disclosure_opts_init(&o);
  failalloc_install(fail_at);
  failalloc_pause(1);
  ampel_dataset *ds = city();
  failalloc_pause(0);
  *out = ampel_disclosure_apply(ds, &o, NULL);
  failalloc_pause(1);
  ampel_dataset_free(ds);
  long n = failalloc_uninstall();
  assert_int_equal(failalloc_outstanding(), 0);
  assert_int_equal(failalloc_bad_frees(), 0);
  return n;
}

static void test_alloc_failures(void **state) {
  (void)state;
  ampel_status s;
  long n = run_apply(0, &s);
  assert_int_equal(s, AMPEL_OK);
  assert_true(n > 0);
  for (long k = 1; k <= n; k++) {
    run_apply(k, &s);
    assert_true(s == AMPEL_OK || s == AMPEL_E_NOMEM);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_count_recognition),
      cmocka_unit_test(test_primary_and_secondary),
      cmocka_unit_test(test_no_secondary_without_sum),
      cmocka_unit_test(test_two_suppressed_children_need_nothing_more),
      cmocka_unit_test(test_secondary_skips_small_complements),
      cmocka_unit_test(test_secrecy_column),
      cmocka_unit_test(test_settings),
      cmocka_unit_test(test_note_and_classify_copy),
      cmocka_unit_test(test_alloc_failures),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
