/* select_fixture.h - the small dataset of the selection unit tests
 * (test_select.c, test_regress_select_root_nomem.c): area(), ind() and
 * val() add areas, indicators and values; build() makes the dataset
 * described below. Include after <cmocka.h>.
 */
#ifndef AMPEL_TESTS_SELECT_FIXTURE_H
#define AMPEL_TESTS_SELECT_FIXTURE_H

#include <math.h>
#include <string.h>

#include "ampel/alloc.h"
#include "ampel/select.h"

/* ---- datasets -------------------------------------------------------------
 */

static inline void area(ampel_dataset *ds, const char *key,
                        const char *parent, const char *level) {
  ampel_area a = {(char *)key, (char *)key, (char *)parent, (char *)level,
                  NAN, AMPEL_NO_TILE, AMPEL_NO_TILE, NAN, NAN};
  assert_int_equal(ampel_dataset_put_area(ds, &a, NULL), AMPEL_OK);
}

static inline void ind(ampel_dataset *ds, const char *key) {
  ampel_indicator i = {(char *)key, (char *)key, NULL, NULL, NULL, NULL,
                       NULL, AMPEL_POL_NEUTRAL, -1, AMPEL_SECRECY_UNSET};
  assert_int_equal(ampel_dataset_put_indicator(ds, &i, NULL), AMPEL_OK);
}

static inline void val(ampel_dataset *ds, const char *a, const char *i,
                       const char *p, double v, ampel_flag f) {
  long ai = ampel_dataset_find_area(ds, a),
       ii = ampel_dataset_find_indicator(ds, i),
       pi = ampel_dataset_find_period(ds, p);
  assert_true(ai >= 0 && ii >= 0 && pi >= 0);
  assert_int_equal(ampel_dataset_set(ds, (size_t)ai, (size_t)ii, (size_t)pi,
                                     v, NAN, NAN, f),
                   AMPEL_OK);
}

/* City S; districts B1, B2; quarters T1..T4 (T1, T2 in B1).
 * Periods 2021, 2022, 2023-12-31 (added out of order, then sorted).
 * Indicators a, b, c, d, e.
 *   Stadtteil:   a, b, c at 2022; a at 2021; nothing at 2023
 *   Stadtbezirk: a, b at 2023-12-31
 *   Stadt:       a..d at 2021, only when with_city
 *   e:           only '.' (no usable value) at Stadtteil 2022
 * Scores at each level's latest period: Stadtteil 3 (2022), Stadtbezirk 2
 * (2023-12-31), Stadt 4 (2021) with the city's values, else none. So the
 * default is Stadtteil without and Stadt with the city's values.
 */
static inline ampel_dataset *build(int with_city) {
  ampel_dataset *ds = ampel_dataset_new();
  assert_non_null(ds);
  area(ds, "T1", "B1", "Stadtteil");
  area(ds, "T2", "B1", "Stadtteil");
  area(ds, "B1", "S", "Stadtbezirk");
  area(ds, "S", NULL, "Stadt");
  area(ds, "B2", "S", "Stadtbezirk");
  area(ds, "T3", "B2", "Stadtteil");
  area(ds, "T4", "B2", "Stadtteil");
  static const char *const keys[] = {"a", "b", "c", "d", "e"};
  for (int k = 0; k < 5; k++)
    ind(ds, keys[k]);
  int32_t sk;
  char *lab;
  static const char *const periods[] = {"2022", "31.12.2023", "2021"};
  for (int p = 0; p < 3; p++) {
    assert_int_equal(ampel_period_parse(periods[p], strlen(periods[p]), &sk,
                                        &lab),
                     0);
    assert_int_equal(ampel_dataset_put_period(ds, lab, sk, NULL), AMPEL_OK);
    ampel_free(lab);
  }
  assert_int_equal(ampel_dataset_sort_periods(ds), AMPEL_OK);
  val(ds, "T1", "a", "2022", 1, 0);
  val(ds, "T2", "a", "2022", 2, 0);
  val(ds, "T3", "b", "2022", 3, 0);
  val(ds, "T4", "c", "2022", 4, AMPEL_FLAG_LIMITED);
  val(ds, "T1", "a", "2021", 5, 0);
  val(ds, "T2", "e", "2022", NAN, AMPEL_FLAG_SECRET);
  val(ds, "B1", "a", "2023-12-31", 6, 0);
  val(ds, "B2", "b", "2023-12-31", 0, AMPEL_FLAG_ZERO);
  if (with_city) {
    static const char *const cityk[] = {"a", "b", "c", "d"};
    for (int k = 0; k < 4; k++)
      val(ds, "S", cityk[k], "2021", 10 + k, 0);
  }
  return ds;
}

#endif
