/* Unit tests for the analysis context and the lights question
 * (src/analysis/context.c, src/analysis/lights.c): the universe rule of
 * METHODS.md §0/§7 (an area below min_population is shown, never rated,
 * and is part of nobody's SD), the min-population override of a query,
 * the footer, and bad option values as AMPEL_E_USAGE. Expected numbers are
 * worked out by hand in the comments. */
/* cmocka.h needs these first */
/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */

#include <math.h>
#include <string.h>

#include "ampel/alloc.h"
#include "ampel/analysis/lights.h"

static void area(ampel_dataset *ds, const char *key, const char *parent,
                 const char *level, double pop) {
  ampel_area a = {(char *)key,   (char *)key, (char *)parent,
                  (char *)level, pop,         AMPEL_NO_TILE,
                  AMPEL_NO_TILE, NAN,         NAN};
  assert_int_equal(ampel_dataset_put_area(ds, &a, NULL), AMPEL_OK);
}

static void val(ampel_dataset *ds, const char *a, double v) {
  long ai = ampel_dataset_find_area(ds, a);
  assert_true(ai >= 0);
  assert_int_equal(ampel_dataset_set(ds, (size_t)ai, 0, 0, v, NAN, NAN, 0),
                   AMPEL_OK);
}

/* City S (20 %); Stadtteile T1 10 %, T2 20 %, T3 30 % (5,000 inhabitants
 * each) and T4 90 % with 120 inhabitants; indicator q, higher is worse. */
static ampel_context *make(void) {
  ampel_dataset *ds = ampel_dataset_new();
  assert_non_null(ds);
  area(ds, "S", NULL, "Stadt", 15120);
  area(ds, "T1", "S", "Stadtteil", 5000);
  area(ds, "T2", "S", "Stadtteil", 5000);
  area(ds, "T3", "S", "Stadtteil", 5000);
  area(ds, "T4", "S", "Stadtteil", 120);
  ampel_indicator i = {"q",  "Quote",
                       "%",  NULL,
                       NULL, NULL,
                       NULL, AMPEL_POL_HIGHER_IS_WORSE,
                       -1,   AMPEL_SECRECY_UNSET};
  assert_int_equal(ampel_dataset_put_indicator(ds, &i, NULL), AMPEL_OK);
  assert_int_equal(ampel_dataset_put_period(ds, "2024", 20240101, NULL),
                   AMPEL_OK);
  val(ds, "S", 20);
  val(ds, "T1", 10);
  val(ds, "T2", 20);
  val(ds, "T3", 30);
  val(ds, "T4", 90);
  ampel_context *ctx = NULL;
  ampel_diags d;
  ampel_diags_init(&d, 0);
  assert_int_equal(
      ampel_context_from_dataset(ds, NULL, NULL, "Datenstand 1", &ctx, &d),
      AMPEL_OK);
  ampel_diags_release(&d);
  return ctx;
}

static size_t row_of(const ampel_lights_answer *a, const char *key) {
  for (size_t r = 0; r < a->lights.n_areas; r++)
    if (strcmp(ampel_dataset_area(a->ds, a->lights.area_ids[r])->key, key) == 0)
      return r;
  fail_msg("no row %s", key);
  return 0;
}

static void ask(ampel_context *ctx, const char *min_pop,
                ampel_lights_answer *a) {
  static const ampel_opt_id ids[] = {AMPEL_OPT_LEVEL, AMPEL_OPT_MIN_POPULATION};
  ampel_query q;
  ampel_query_init(&q, ids, 2);
  assert_int_equal(
      ampel_query_set(&q, ampel_opt_get(AMPEL_OPT_LEVEL), "Stadtteil", NULL, 0),
      AMPEL_OK);
  if (min_pop)
    assert_int_equal(ampel_query_set(&q,
                                     ampel_opt_get(AMPEL_OPT_MIN_POPULATION),
                                     min_pop, NULL, 0),
                     AMPEL_OK);
  ampel_diags d;
  ampel_diags_init(&d, 0);
  assert_int_equal(ampel_analyse_lights(ctx, &q, a, &d), AMPEL_OK);
  ampel_diags_release(&d);
}

/* SD over T1..T3 = sqrt(200/3) = 8.165; T1: -(10 - 20) / 8.165 = 1.2247
 * (good). T4 keeps its value but has no light and the reason SMALL. */
static void test_small_area_shown_not_rated(void **state) {
  (void)state;
  ampel_context *ctx = make();
  ampel_lights_answer a;
  ask(ctx, NULL, &a);
  const ampel_lights_cell *t1 = ampel_lights_at(&a.lights, row_of(&a, "T1"), 0);
  const ampel_lights_cell *t4 = ampel_lights_at(&a.lights, row_of(&a, "T4"), 0);
  assert_float_equal(t1->status_score, 10 / sqrt(200.0 / 3), 1e-12);
  assert_int_equal(t1->status, AMPEL_LIGHT_GOOD);
  assert_float_equal(t4->value, 90, 0);
  assert_int_equal(t4->status, AMPEL_LIGHT_NONE);
  assert_int_equal(a.reason[row_of(&a, "T4")], AMPEL_REASON_SMALL);
  assert_int_equal(a.reason[row_of(&a, "T1")], AMPEL_REASON_RATED);
  assert_int_equal(a.n_status[AMPEL_LIGHT_NONE], 1);
  assert_non_null(strstr(a.footer, "Datenstand 1 · Geheimhaltung"));
  assert_non_null(strstr(a.footer, "Gebiete unter 300 Einwohnern nicht "
                                   "bewertet"));
  ampel_lights_answer_release(&a);
  ampel_context_free(ctx);
}

/* min-population 0: T4 is rated and part of the SD: values 10, 20, 30, 90,
 * mean 37.5, SD sqrt(968.75) = 31.125; T1: 10 / 31.125 = 0.3213 (average);
 * T4: -70 / 31.125 = -2.249 (critical). */
static void test_min_population_override(void **state) {
  (void)state;
  ampel_context *ctx = make();
  ampel_lights_answer a;
  ask(ctx, "0", &a);
  const ampel_lights_cell *t1 = ampel_lights_at(&a.lights, row_of(&a, "T1"), 0);
  const ampel_lights_cell *t4 = ampel_lights_at(&a.lights, row_of(&a, "T4"), 0);
  assert_float_equal(t1->status_score, 10 / sqrt(968.75), 1e-12);
  assert_int_equal(t1->status, AMPEL_LIGHT_AVERAGE);
  assert_int_equal(t4->status, AMPEL_LIGHT_CRITICAL);
  assert_int_equal(a.reason[row_of(&a, "T4")], AMPEL_REASON_RATED);
  /* Hinsehen: the critical area first. */
  assert_int_equal(a.order[0], row_of(&a, "T4"));
  ampel_lights_answer_release(&a);
  ampel_context_free(ctx);
}

static void test_bad_values_are_usage_errors(void **state) {
  (void)state;
  ampel_context *ctx = make();
  static const ampel_opt_id ids[] = {AMPEL_OPT_LEVEL, AMPEL_OPT_PERIOD,
                                     AMPEL_OPT_SINCE};
  const char *bad[][2] = {
      {"level", "Kreis"}, {"period", "1990"}, {"since", "2024"}};
  for (size_t k = 0; k < 3; k++) {
    ampel_query q;
    ampel_query_init(&q, ids, 3);
    const ampel_opt_def *d =
        ampel_opt_find(ids, 3, bad[k][0], strlen(bad[k][0]));
    assert_int_equal(ampel_query_set(&q, d, bad[k][1], NULL, 0), AMPEL_OK);
    ampel_diags dg;
    ampel_diags_init(&dg, 0);
    ampel_lights_answer a;
    assert_int_equal(ampel_analyse_lights(ctx, &q, &a, &dg), AMPEL_E_USAGE);
    assert_true(dg.n > 0);
    ampel_diags_release(&dg);
  }
  ampel_context_free(ctx);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_small_area_shown_not_rated),
      cmocka_unit_test(test_min_population_override),
      cmocka_unit_test(test_bad_values_are_usage_errors),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
