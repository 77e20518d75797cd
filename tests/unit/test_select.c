/* Unit tests for selections (src/compute/select.c): default level and
 * period, unknown names, the value matrix. Expected choices are worked out
 * by hand from the small datasets below (see the comments). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ampel/alloc.h"
#include "ampel/select.h"
#include "failalloc.h"

#include "select_fixture.h"

static int has_msg(const ampel_diags *dg, const char *needle) {
  for (size_t i = 0; i < dg->n; i++)
    if (strstr(dg->items[i].message, needle))
      return 1;
  return 0;
}

/* ---- defaults -------------------------------------------------------------
 */

static void test_default_level_most_indicators(void **state) {
  (void)state;
  ampel_dataset *ds = build(0);
  ampel_selection s;
  ampel_diags dg;
  ampel_diags_init(&dg, 0);
  assert_int_equal(ampel_select(ds, NULL, NULL, NULL, 0, &s, &dg), AMPEL_OK);
  /* Stadtteil: 3 indicators at 2022 beats Stadtbezirk: 2 at 2023 */
  assert_string_equal(s.level, "Stadtteil");
  assert_string_equal(ampel_dataset_period(ds, s.period)->label, "2022");
  assert_true(s.prev_period >= 0);
  assert_string_equal(ampel_dataset_period(ds, (size_t)s.prev_period)->label,
                      "2021");
  assert_int_equal(s.root, ampel_dataset_find_area(ds, "S"));
  assert_int_equal(s.n_areas, 4); /* T1 T2 T3 T4 in dataset order */
  static const char *const want_areas[] = {"T1", "T2", "T3", "T4"};
  for (size_t i = 0; i < 4; i++)
    assert_string_equal(ampel_dataset_area(ds, s.areas[i])->key,
                        want_areas[i]);
  assert_int_equal(s.n_inds, 3); /* a b c; not e (only '.'), not d */
  for (size_t i = 0; i < 3; i++)
    assert_int_equal(s.inds[i], i);
  ampel_selection_release(&s);
  assert_null(s.areas);
  ampel_selection_release(NULL);
  /* with the city's four indicators at 2021, the city wins */
  ampel_dataset_free(ds);
  ds = build(1);
  assert_int_equal(ampel_select(ds, NULL, NULL, NULL, 0, &s, &dg), AMPEL_OK);
  assert_string_equal(s.level, "Stadt");
  assert_string_equal(ampel_dataset_period(ds, s.period)->label, "2021");
  assert_int_equal(s.prev_period, -1);
  assert_int_equal(s.n_inds, 4);
  ampel_selection_release(&s);
  assert_int_equal(dg.n_errors, 0);
  ampel_diags_release(&dg);
  ampel_dataset_free(ds);
}

static void test_default_level_tie_is_finer(void **state) {
  (void)state;
  ampel_dataset *ds = build(0);
  /* give the districts a third indicator at 2023: 3 = 3, the finer level
   * (Stadtteil) still wins */
  val(ds, "B2", "c", "2023-12-31", 7, 0);
  ampel_selection s;
  assert_int_equal(ampel_select(ds, NULL, NULL, NULL, 0, &s, NULL), AMPEL_OK);
  assert_string_equal(s.level, "Stadtteil");
  ampel_selection_release(&s);
  /* a fourth indicator makes the districts the default */
  val(ds, "B1", "d", "2023-12-31", 8, 0);
  assert_int_equal(ampel_select(ds, NULL, NULL, NULL, 0, &s, NULL), AMPEL_OK);
  assert_string_equal(s.level, "Stadtbezirk");
  assert_string_equal(ampel_dataset_period(ds, s.period)->label,
                      "2023-12-31");
  assert_int_equal(s.n_inds, 4);
  ampel_selection_release(&s);
  ampel_dataset_free(ds);
}

static void test_explicit_period_and_level(void **state) {
  (void)state;
  ampel_dataset *ds = build(0);
  ampel_selection s;
  /* at 2023 only the districts have values; the German spelling of the
   * label is accepted */
  assert_int_equal(ampel_select(ds, NULL, "31.12.2023", NULL, 0, &s, NULL),
                   AMPEL_OK);
  assert_string_equal(s.level, "Stadtbezirk");
  assert_string_equal(ampel_dataset_period(ds, s.period)->label,
                      "2023-12-31");
  assert_int_equal(s.prev_period, -1); /* no earlier district values */
  ampel_selection_release(&s);
  /* an explicit level takes its latest period */
  assert_int_equal(ampel_select(ds, "Stadtbezirk", NULL, NULL, 0, &s, NULL),
                   AMPEL_OK);
  assert_string_equal(ampel_dataset_period(ds, s.period)->label,
                      "2023-12-31");
  assert_int_equal(s.n_areas, 2);
  assert_int_equal(s.n_inds, 2);
  ampel_selection_release(&s);
  /* explicit indicators keep their order, even without values */
  const char *keys[] = {"c", "a", "d"};
  assert_int_equal(ampel_select(ds, "Stadtteil", "2022", keys, 3, &s, NULL),
                   AMPEL_OK);
  assert_int_equal(s.n_inds, 3);
  assert_int_equal(s.inds[0], 2);
  assert_int_equal(s.inds[1], 0);
  assert_int_equal(s.inds[2], 3);
  ampel_selection_release(&s);
  ampel_dataset_free(ds);
}

static void test_unknown_names(void **state) {
  (void)state;
  ampel_dataset *ds = build(0);
  ampel_selection s;
  ampel_diags dg;
  ampel_diags_init(&dg, 0);
  assert_int_equal(ampel_select(ds, "Ortsteil", NULL, NULL, 0, &s, &dg),
                   AMPEL_E_USAGE);
  assert_true(has_msg(&dg, "unbekannte Ebene 'Ortsteil'"));
  assert_true(has_msg(&dg, "Stadt, Stadtbezirk, Stadtteil"));
  ampel_selection_release(&s);
  ampel_diags_release(&dg);
  ampel_diags_init(&dg, 0);
  assert_int_equal(ampel_select(ds, NULL, "1999", NULL, 0, &s, &dg),
                   AMPEL_E_USAGE);
  assert_true(has_msg(&dg, "unbekannter Zeitraum '1999'"));
  ampel_selection_release(&s);
  ampel_diags_release(&dg);
  ampel_diags_init(&dg, 0);
  const char *keys[] = {"a", "zzz", "yyy"};
  assert_int_equal(ampel_select(ds, NULL, NULL, keys, 3, &s, &dg),
                   AMPEL_E_USAGE);
  assert_true(has_msg(&dg, "unbekannte Kennzahl 'zzz'"));
  assert_true(has_msg(&dg, "unbekannte Kennzahl 'yyy'"));
  ampel_selection_release(&s);
  ampel_diags_release(&dg);
  /* a level with no values at the asked period */
  ampel_diags_init(&dg, 0);
  assert_int_equal(ampel_select(ds, "Stadt", NULL, NULL, 0, &s, &dg),
                   AMPEL_E_DATA);
  assert_true(has_msg(&dg, "Stadt"));
  ampel_selection_release(&s);
  ampel_diags_release(&dg);
  ampel_dataset_free(ds);
  /* no values at all */
  ds = ampel_dataset_new();
  area(ds, "S", NULL, "Stadt");
  ampel_diags_init(&dg, 0);
  assert_int_equal(ampel_select(ds, NULL, NULL, NULL, 0, &s, &dg),
                   AMPEL_E_DATA);
  assert_true(has_msg(&dg, "keine Werte"));
  ampel_selection_release(&s);
  ampel_diags_release(&dg);
  ampel_dataset_free(ds);
}

static void test_matrix(void **state) {
  (void)state;
  ampel_dataset *ds = build(0);
  ampel_selection s;
  assert_int_equal(ampel_select(ds, NULL, NULL, NULL, 0, &s, NULL), AMPEL_OK);
  for (size_t per = 0; per < ampel_dataset_n_periods(ds); per++) {
    double *m = NULL;
    assert_int_equal(ampel_selection_matrix(ds, &s, per, &m), AMPEL_OK);
    for (size_t i = 0; i < s.n_areas; i++) {
      for (size_t j = 0; j < s.n_inds; j++) {
        ampel_cell_ref c = ampel_dataset_get(ds, s.areas[i], s.inds[j], per);
        double want = c.present && ampel_flag_has_value(c.flag) ? c.value
                                                                : NAN;
        double got = m[i * s.n_inds + j];
        assert_true((isnan(want) && isnan(got)) || want == got);
        assert_int_equal(ampel_has_value(ds, s.areas[i], s.inds[j], per),
                         !isnan(want));
      }
    }
    ampel_free(m);
  }
  /* spot checks from the build() comment: T4 c 2022 = 4 (LIMITED keeps
   * its value), T2 a 2022 = 2, T3 a 2022 missing */
  double *m = NULL;
  assert_int_equal(ampel_selection_matrix(ds, &s, s.period, &m), AMPEL_OK);
  assert_true(m[3 * 3 + 2] == 4);
  assert_true(m[1 * 3 + 0] == 2);
  assert_true(isnan(m[2 * 3 + 0]));
  ampel_free(m);
  ampel_selection_release(&s);
  ampel_dataset_free(ds);
}

/* Every allocation fails in turn: the selection fails with
 * AMPEL_E_NOMEM, or (when the library absorbs the failure) gives the same
 * level, period, areas and indicators; nothing leaks. The root is not
 * compared here: an allocation failure in ampel_dataset_root() turns into
 * root = -1 with AMPEL_OK, a known bug (pending_select_root_nomem.c). */
static void test_alloc_failures(void **state) {
  (void)state;
  ampel_dataset *ds = build(0);
  ampel_selection ref;
  assert_int_equal(ampel_select(ds, NULL, NULL, NULL, 0, &ref, NULL),
                   AMPEL_OK);
  for (long k = 1;; k++) {
    failalloc_install(k);
    ampel_selection s;
    ampel_diags dg;
    ampel_diags_init(&dg, 0);
    ampel_status st = ampel_select(ds, NULL, NULL, NULL, 0, &s, &dg);
    double *m = NULL;
    if (st == AMPEL_OK)
      st = ampel_selection_matrix(ds, &s, s.period, &m);
    long failed = failalloc_failed();
    if (st == AMPEL_OK) {
      assert_string_equal(s.level, ref.level);
      assert_int_equal(s.period, ref.period);
      assert_int_equal(s.prev_period, ref.prev_period);
      assert_int_equal(s.n_areas, ref.n_areas);
      assert_int_equal(s.n_inds, ref.n_inds);
      assert_memory_equal(s.inds, ref.inds, s.n_inds * sizeof *s.inds);
    }
    ampel_free(m);
    ampel_selection_release(&s);
    ampel_diags_release(&dg);
    failalloc_uninstall();
    assert_int_equal(failalloc_outstanding(), 0);
    if (!failed) { /* every allocation had its turn */
      assert_int_equal(st, AMPEL_OK);
      assert_true(k > 3);
      break;
    }
    if (st != AMPEL_OK)
      assert_int_equal(st, AMPEL_E_NOMEM);
  }
  ampel_selection_release(&ref);
  ampel_dataset_free(ds);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_default_level_most_indicators),
      cmocka_unit_test(test_default_level_tie_is_finer),
      cmocka_unit_test(test_explicit_period_and_level),
      cmocka_unit_test(test_unknown_names),
      cmocka_unit_test(test_matrix),
      cmocka_unit_test(test_alloc_failures),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
