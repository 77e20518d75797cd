/* Unit tests for the in-memory dataset (src/model/dataset.c, flags.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ampel/alloc.h"
#include "ampel/dataset.h"
#include "failalloc.h"

/* ---- helpers ------------------------------------------------------------
 */

static ampel_area mk_area(const char *key, const char *parent,
                          const char *level) {
  ampel_area a = {(char *)key, (char *)key, (char *)parent, (char *)level,
                  NAN, AMPEL_NO_TILE, AMPEL_NO_TILE, NAN, NAN};
  return a;
}

static size_t put_area(ampel_dataset *ds, const char *key, const char *parent,
                       const char *level) {
  ampel_area a = mk_area(key, parent, level);
  size_t id = (size_t)-1;
  assert_int_equal(ampel_dataset_put_area(ds, &a, &id), AMPEL_OK);
  return id;
}

static size_t put_ind(ampel_dataset *ds, const char *key) {
  ampel_indicator ind = {(char *)key, (char *)key, NULL, NULL, NULL,
                         NULL,        NULL,        AMPEL_POL_NEUTRAL, -1, AMPEL_SECRECY_UNSET};
  size_t id = (size_t)-1;
  assert_int_equal(ampel_dataset_put_indicator(ds, &ind, &id), AMPEL_OK);
  return id;
}

static size_t put_period(ampel_dataset *ds, const char *label) {
  int32_t key;
  char *norm = NULL;
  assert_int_equal(ampel_period_parse(label, strlen(label), &key, &norm), 0);
  size_t id = (size_t)-1;
  assert_int_equal(ampel_dataset_put_period(ds, norm, key, &id), AMPEL_OK);
  ampel_free(norm);
  return id;
}

static void set_v(ampel_dataset *ds, size_t a, size_t i, size_t p, double v) {
  assert_int_equal(
      ampel_dataset_set(ds, a, i, p, v, NAN, NAN, AMPEL_FLAG_NONE), AMPEL_OK);
}

static int same_double(double a, double b) {
  return (isnan(a) && isnan(b)) || a == b;
}

/* ---- records ------------------------------------------------------------
 */

static void test_area_put_copies_and_replaces(void **state) {
  (void)state;
  ampel_dataset *ds = ampel_dataset_new();
  assert_non_null(ds);
  char key[16] = "GE-ALT", name[32] = "Altstadt", level[16] = "Stadtteil";
  char parent[16] = "GE";
  ampel_area a = {key, name, parent, level, 5123, 2, 3, 51.5, 7.1};
  size_t id = 99;
  assert_int_equal(ampel_dataset_put_area(ds, &a, &id), AMPEL_OK);
  assert_int_equal(id, 0);
  /* the dataset keeps copies */
  strcpy(key, "XXXX");
  strcpy(name, "changed");
  strcpy(level, "changed");
  strcpy(parent, "changed");
  const ampel_area *r = ampel_dataset_area(ds, 0);
  assert_string_equal(r->key, "GE-ALT");
  assert_string_equal(r->name, "Altstadt");
  assert_string_equal(r->parent, "GE");
  assert_string_equal(r->level, "Stadtteil");
  assert_true(r->population == 5123);
  assert_int_equal(r->tile_row, 2);
  assert_int_equal(r->tile_col, 3);
  assert_true(r->lat == 51.5 && r->lon == 7.1);
  assert_int_equal(ampel_dataset_find_area(ds, "GE-ALT"), 0);
  assert_int_equal(ampel_dataset_find_area(ds, "XXXX"), -1);
  assert_int_equal(ampel_dataset_find_area(ds, NULL), -1);

  put_area(ds, "GE", NULL, "Stadt");
  /* replace: same id, new fields, NULL parent allowed */
  ampel_area b = {"GE-ALT", "Altstadt (neu)", NULL, "Stadtbezirk", NAN,
                  AMPEL_NO_TILE, AMPEL_NO_TILE, NAN, NAN};
  assert_int_equal(ampel_dataset_put_area(ds, &b, &id), AMPEL_OK);
  assert_int_equal(id, 0);
  assert_int_equal(ampel_dataset_n_areas(ds), 2);
  r = ampel_dataset_area(ds, 0);
  assert_string_equal(r->name, "Altstadt (neu)");
  assert_null(r->parent);
  assert_string_equal(r->level, "Stadtbezirk");
  assert_true(isnan(r->population));
  assert_int_equal(r->tile_row, AMPEL_NO_TILE);
  assert_null(ampel_dataset_area(ds, 2));
  /* a record without key is a usage error */
  ampel_area nokey = mk_area(NULL, NULL, "x");
  assert_int_equal(ampel_dataset_put_area(ds, &nokey, NULL), AMPEL_E_USAGE);
  assert_int_equal(ampel_dataset_n_areas(ds), 2);
  ampel_dataset_free(ds);
  ampel_dataset_free(NULL);
}

static void test_indicator_put_copies_and_replaces(void **state) {
  (void)state;
  ampel_dataset *ds = ampel_dataset_new();
  char key[16] = "sgb2";
  ampel_indicator ind = {key,          "SGB-II-Quote", "%",
                         "Armut",      "Anteil ...",   "BA",
                         "31.12.",     AMPEL_POL_HIGHER_IS_WORSE, 1, AMPEL_SECRECY_UNSET};
  size_t id = 9;
  assert_int_equal(ampel_dataset_put_indicator(ds, &ind, &id), AMPEL_OK);
  assert_int_equal(id, 0);
  put_ind(ds, "kita");
  strcpy(key, "zzz");
  const ampel_indicator *r = ampel_dataset_indicator(ds, 0);
  assert_string_equal(r->key, "sgb2");
  assert_string_equal(r->unit, "%");
  assert_string_equal(r->domain, "Armut");
  assert_string_equal(r->definition, "Anteil ...");
  assert_string_equal(r->source, "BA");
  assert_string_equal(r->reference_date, "31.12.");
  assert_int_equal(r->polarity, AMPEL_POL_HIGHER_IS_WORSE);
  assert_int_equal(r->decimals, 1);
  ampel_indicator rep = {"sgb2", "neu", NULL, NULL, NULL, NULL, NULL,
                         AMPEL_POL_HIGHER_IS_BETTER, -1, AMPEL_SECRECY_UNSET};
  assert_int_equal(ampel_dataset_put_indicator(ds, &rep, &id), AMPEL_OK);
  assert_int_equal(id, 0);
  assert_int_equal(ampel_dataset_n_indicators(ds), 2);
  r = ampel_dataset_indicator(ds, 0);
  assert_string_equal(r->name, "neu");
  assert_null(r->unit);
  assert_null(r->reference_date);
  assert_int_equal(r->polarity, AMPEL_POL_HIGHER_IS_BETTER);
  assert_int_equal(r->decimals, -1);
  assert_int_equal(ampel_dataset_find_indicator(ds, "kita"), 1);
  assert_int_equal(ampel_dataset_find_indicator(ds, "zzz"), -1);
  assert_null(ampel_dataset_indicator(ds, 2));
  ampel_dataset_free(ds);
}

static void test_periods_put_find(void **state) {
  (void)state;
  ampel_dataset *ds = ampel_dataset_new();
  size_t a = put_period(ds, "2023/24");
  size_t b = put_period(ds, "31.12.2022");
  assert_int_equal(a, 0);
  assert_int_equal(b, 1);
  assert_int_equal(put_period(ds, "2022-12-31"), 1); /* same period */
  assert_int_equal(put_period(ds, "2023/24"), 0);
  assert_int_equal(ampel_dataset_n_periods(ds), 2);
  assert_int_equal(ampel_dataset_find_period(ds, "2022-12-31"), 1);
  assert_int_equal(ampel_dataset_find_period(ds, "2021"), -1);
  assert_string_equal(ampel_dataset_period(ds, 0)->label, "2023/24");
  assert_int_equal(ampel_dataset_period(ds, 0)->sort_key, 20230801);
  assert_null(ampel_dataset_period(ds, 2));
  /* many periods: slots grow for indicators that exist already */
  put_ind(ds, "i");
  put_area(ds, "a", NULL, "Stadt");
  for (int y = 1900; y < 1960; y++) {
    char l[8];
    snprintf(l, sizeof l, "%d", y);
    size_t p = put_period(ds, l);
    set_v(ds, 0, 0, p, y);
  }
  for (int y = 1900; y < 1960; y++) {
    char l[8];
    snprintf(l, sizeof l, "%d", y);
    long p = ampel_dataset_find_period(ds, l);
    assert_true(p >= 0);
    assert_true(ampel_dataset_get(ds, 0, 0, (size_t)p).value == y);
  }
  ampel_dataset_free(ds);
}

/* ---- cells --------------------------------------------------------------
 */

static void test_cells_and_flags(void **state) {
  (void)state;
  ampel_dataset *ds = ampel_dataset_new();
  for (int i = 0; i < 8; i++) {
    char k[8];
    snprintf(k, sizeof k, "a%d", i);
    put_area(ds, k, NULL, "Stadt");
  }
  size_t ind = put_ind(ds, "i"), p = put_period(ds, "2023");
  static const struct {
    double in;
    ampel_flag flag;
    double want;
  } cases[] = {
      {3.5, AMPEL_FLAG_NONE, 3.5},
      {5.0, AMPEL_FLAG_SECRET, NAN}, /* no value, even when one is given */
      {0.0, AMPEL_FLAG_ZERO, 0.0},
      {12.5, AMPEL_FLAG_LIMITED, 12.5},
      {NAN, AMPEL_FLAG_NOT_MEANINGFUL, NAN},
      {NAN, AMPEL_FLAG_NOT_YET, NAN},
      {7.0, AMPEL_FLAG_UNRELIABLE, NAN},
      {NAN, AMPEL_FLAG_ANONYMISED, NAN},
  };
  for (size_t a = 0; a < 8; a++)
    assert_int_equal(ampel_dataset_set(ds, a, ind, p, cases[a].in, NAN, NAN,
                                       cases[a].flag),
                     AMPEL_OK);
  const double *col = ampel_dataset_values(ds, ind, p);
  assert_non_null(col);
  for (size_t a = 0; a < 8; a++) {
    ampel_cell_ref c = ampel_dataset_get(ds, a, ind, p);
    assert_int_equal(c.present, 1);
    assert_int_equal(c.flag, cases[a].flag);
    if (!same_double(c.value, cases[a].want))
      fail_msg("area %zu: value %g, expected %g", a, c.value, cases[a].want);
    assert_true(same_double(col[a], cases[a].want));
    assert_int_equal(ampel_flag_has_value(cases[a].flag),
                     !isnan(cases[a].want));
  }
  assert_int_equal(ampel_dataset_n_observations(ds), 8);
  /* out of range: usage error on set, empty cell on get */
  assert_int_equal(ampel_dataset_set(ds, 8, ind, p, 1, NAN, NAN, 0),
                   AMPEL_E_USAGE);
  assert_int_equal(ampel_dataset_set(ds, 0, 1, p, 1, NAN, NAN, 0),
                   AMPEL_E_USAGE);
  assert_int_equal(ampel_dataset_set(ds, 0, ind, 1, 1, NAN, NAN, 0),
                   AMPEL_E_USAGE);
  ampel_cell_ref none = ampel_dataset_get(ds, 8, ind, p);
  assert_int_equal(none.present, 0);
  assert_true(isnan(none.value));
  assert_null(ampel_dataset_values(ds, ind, 5));
  ampel_dataset_free(ds);
}

static void test_numerator_denominator(void **state) {
  (void)state;
  ampel_dataset *ds = ampel_dataset_new();
  put_area(ds, "a", NULL, "Stadt");
  put_area(ds, "b", NULL, "Stadt");
  size_t i = put_ind(ds, "q"), p = put_period(ds, "2024");
  set_v(ds, 0, i, p, 0.5);
  ampel_cell_ref c = ampel_dataset_get(ds, 0, i, p);
  assert_true(isnan(c.numerator) && isnan(c.denominator));
  assert_int_equal(
      ampel_dataset_set(ds, 1, i, p, 31.0 / 316, 31, 316, AMPEL_FLAG_NONE),
      AMPEL_OK);
  c = ampel_dataset_get(ds, 1, i, p);
  assert_true(c.numerator == 31 && c.denominator == 316);
  c = ampel_dataset_get(ds, 0, i, p); /* arrays now exist: still NaN */
  assert_true(isnan(c.numerator) && isnan(c.denominator));
  /* only a denominator */
  assert_int_equal(ampel_dataset_set(ds, 0, i, p, NAN, NAN, 40, 0), AMPEL_OK);
  c = ampel_dataset_get(ds, 0, i, p);
  assert_int_equal(c.present, 1); /* a denominator alone is an observation */
  assert_true(isnan(c.value) && isnan(c.numerator) && c.denominator == 40);
  /* replacing drops the old numerator */
  set_v(ds, 1, i, p, 0.25);
  c = ampel_dataset_get(ds, 1, i, p);
  assert_true(c.value == 0.25 && isnan(c.numerator) && isnan(c.denominator));
  ampel_dataset_free(ds);
}

static void test_observation_count(void **state) {
  (void)state;
  ampel_dataset *ds = ampel_dataset_new();
  put_area(ds, "a", NULL, "Stadt");
  put_area(ds, "b", NULL, "Stadt");
  size_t i = put_ind(ds, "x"), j = put_ind(ds, "y");
  size_t p = put_period(ds, "2020"), q = put_period(ds, "2021");
  assert_int_equal(ampel_dataset_n_observations(ds), 0);
  set_v(ds, 0, i, p, 1);
  set_v(ds, 1, j, q, 2);
  assert_int_equal(ampel_dataset_n_observations(ds), 2);
  set_v(ds, 0, i, p, 3); /* replacing does not count twice */
  assert_int_equal(ampel_dataset_n_observations(ds), 2);
  assert_int_equal(
      ampel_dataset_set(ds, 0, j, p, NAN, NAN, NAN, AMPEL_FLAG_SECRET),
      AMPEL_OK); /* a flag without value is an observation */
  assert_int_equal(ampel_dataset_n_observations(ds), 3);
  set_v(ds, 0, i, p, NAN); /* NaN with NONE clears */
  assert_int_equal(ampel_dataset_n_observations(ds), 2);
  assert_int_equal(ampel_dataset_get(ds, 0, i, p).present, 0);
  set_v(ds, 0, i, p, NAN); /* clearing twice changes nothing */
  assert_int_equal(ampel_dataset_n_observations(ds), 2);
  ampel_dataset_free(ds);
}

static void test_areas_grow_after_columns(void **state) {
  (void)state;
  ampel_dataset *ds = ampel_dataset_new();
  for (int a = 0; a < 3; a++) {
    char k[8];
    snprintf(k, sizeof k, "a%d", a);
    put_area(ds, k, NULL, "Stadt");
  }
  size_t i = put_ind(ds, "x"), p = put_period(ds, "2020");
  for (size_t a = 0; a < 3; a++)
    assert_int_equal(ampel_dataset_set(ds, a, i, p, 10.0 + (double)a, 100.0,
                                       1000.0, AMPEL_FLAG_LIMITED),
                     AMPEL_OK);
  for (int a = 3; a < 1000; a++) { /* well past every capacity step */
    char k[8];
    snprintf(k, sizeof k, "a%d", a);
    assert_int_equal(put_area(ds, k, NULL, "Stadt"), (size_t)a);
  }
  for (size_t a = 0; a < 3; a++) {
    ampel_cell_ref c = ampel_dataset_get(ds, a, i, p);
    assert_int_equal(c.present, 1);
    assert_true(c.value == 10.0 + (double)a);
    assert_true(c.numerator == 100 && c.denominator == 1000);
    assert_int_equal(c.flag, AMPEL_FLAG_LIMITED);
  }
  const double *col = ampel_dataset_values(ds, i, p);
  for (size_t a = 3; a < 1000; a++) {
    ampel_cell_ref c = ampel_dataset_get(ds, a, i, p);
    assert_int_equal(c.present, 0);
    assert_true(isnan(col[a]));
  }
  set_v(ds, 999, i, p, 9.99);
  assert_true(ampel_dataset_get(ds, 999, i, p).value == 9.99);
  assert_true(isnan(ampel_dataset_get(ds, 999, i, p).numerator));
  assert_int_equal(ampel_dataset_n_observations(ds), 4);
  ampel_dataset_free(ds);
}

static void test_sort_periods(void **state) {
  (void)state;
  ampel_dataset *ds = ampel_dataset_new();
  put_area(ds, "a", NULL, "Stadt");
  size_t i = put_ind(ds, "x"), j = put_ind(ds, "y");
  static const char *const labels[] = {"2024", "2022/23", "31.12.2022",
                                       "2022", "2023-01", "2022/2023"};
  const size_t n = sizeof labels / sizeof labels[0];
  for (size_t k = 0; k < n; k++) {
    size_t p = put_period(ds, labels[k]);
    set_v(ds, 0, i, p, (double)k);
    if (k % 2 == 0)
      set_v(ds, 0, j, p, 100.0 + (double)k);
  }
  assert_int_equal(ampel_dataset_sort_periods(ds), AMPEL_OK);
  /* independent order: by (sort_key, label) */
  for (size_t p = 1; p < n; p++) {
    const ampel_period *a = ampel_dataset_period(ds, p - 1),
                       *b = ampel_dataset_period(ds, p);
    assert_true(a->sort_key < b->sort_key ||
                (a->sort_key == b->sort_key && strcmp(a->label, b->label) < 0));
  }
  assert_string_equal(ampel_dataset_period(ds, 0)->label, "2022");
  assert_string_equal(ampel_dataset_period(ds, n - 1)->label, "2024");
  /* every value followed its period; find_period follows the new ids */
  for (size_t k = 0; k < n; k++) {
    int32_t key;
    char *norm = NULL;
    assert_int_equal(
        ampel_period_parse(labels[k], strlen(labels[k]), &key, &norm), 0);
    long p = ampel_dataset_find_period(ds, norm);
    assert_true(p >= 0);
    assert_string_equal(ampel_dataset_period(ds, (size_t)p)->label, norm);
    assert_true(ampel_dataset_get(ds, 0, i, (size_t)p).value == (double)k);
    ampel_cell_ref c = ampel_dataset_get(ds, 0, j, (size_t)p);
    if (k % 2 == 0)
      assert_true(c.value == 100.0 + (double)k);
    else
      assert_int_equal(c.present, 0);
    ampel_free(norm);
  }
  assert_int_equal(ampel_dataset_n_observations(ds), n + (n + 1) / 2);
  ampel_dataset_free(ds);
}

/* ---- structure ----------------------------------------------------------
 */

static int has_message(const ampel_diags *dg, const char *needle) {
  for (size_t i = 0; i < dg->n; i++)
    if (strstr(dg->items[i].message, needle))
      return 1;
  return 0;
}

static void test_validate(void **state) {
  (void)state;
  ampel_dataset *ds = ampel_dataset_new();
  /* children before parents is fine */
  put_area(ds, "teil", "bezirk", "Stadtteil");
  put_area(ds, "bezirk", "stadt", "Stadtbezirk");
  put_area(ds, "stadt", NULL, "Stadt");
  ampel_diags dg;
  ampel_diags_init(&dg, 0);
  assert_int_equal(ampel_dataset_validate(ds, &dg), AMPEL_OK);
  assert_int_equal(dg.n_errors, 0);
  assert_int_equal(ampel_dataset_validate(ds, NULL), AMPEL_OK);
  /* unknown parent */
  put_area(ds, "waise", "nirgendwo", "Stadtteil");
  assert_int_equal(ampel_dataset_validate(ds, &dg), AMPEL_E_DATA);
  assert_true(has_message(&dg, "waise"));
  assert_true(has_message(&dg, "nirgendwo"));
  assert_int_equal(ampel_dataset_validate(ds, NULL), AMPEL_E_DATA);
  ampel_diags_release(&dg);
  put_area(ds, "waise", "stadt", "Stadtteil");
  assert_int_equal(ampel_dataset_validate(ds, NULL), AMPEL_OK);
  /* a cycle of two */
  put_area(ds, "x", "y", "Stadtteil");
  put_area(ds, "y", "x", "Stadtteil");
  ampel_diags_init(&dg, 0);
  assert_int_equal(ampel_dataset_validate(ds, &dg), AMPEL_E_DATA);
  assert_true(has_message(&dg, "Zyklus"));
  assert_true(has_message(&dg, "'x'"));
  ampel_diags_release(&dg);
  ampel_dataset_free(ds);
  /* a self-parent and a longer cycle below a tail */
  ds = ampel_dataset_new();
  put_area(ds, "s", "s", "Stadt");
  assert_int_equal(ampel_dataset_validate(ds, NULL), AMPEL_E_DATA);
  put_area(ds, "s", NULL, "Stadt");
  put_area(ds, "tail", "c1", "Schule");
  put_area(ds, "c1", "c2", "Stadtteil");
  put_area(ds, "c2", "c3", "Stadtteil");
  put_area(ds, "c3", "c1", "Stadtteil");
  ampel_diags_init(&dg, 0);
  assert_int_equal(ampel_dataset_validate(ds, &dg), AMPEL_E_DATA);
  assert_true(has_message(&dg, "'c1'") && has_message(&dg, "'c3'"));
  ampel_diags_release(&dg);
  ampel_dataset_free(ds);
}

static void test_levels_root_first(void **state) {
  (void)state;
  ampel_dataset *ds = ampel_dataset_new();
  /* first appearance deliberately bottom-up */
  put_area(ds, "schule1", "teil1", "Schule");
  put_area(ds, "teil1", "bez1", "Stadtteil");
  put_area(ds, "bez1", "stadt", "Stadtbezirk");
  put_area(ds, "stadt", NULL, "Stadt");
  put_area(ds, "teil2", "bez1", "Stadtteil");
  put_area(ds, "lose", NULL, NULL); /* no level: "" at depth 0 */
  size_t n = 0;
  const char **lv = ampel_dataset_levels(ds, &n);
  assert_non_null(lv);
  assert_int_equal(n, 5);
  /* depth 0: Stadt and "" in order of first appearance */
  assert_string_equal(lv[0], "Stadt");
  assert_string_equal(lv[1], "");
  assert_string_equal(lv[2], "Stadtbezirk");
  assert_string_equal(lv[3], "Stadtteil");
  assert_string_equal(lv[4], "Schule");
  ampel_free(lv);
  ampel_dataset *empty = ampel_dataset_new();
  lv = ampel_dataset_levels(empty, &n);
  assert_int_equal(n, 0);
  ampel_free(lv);
  ampel_dataset_free(empty);
  ampel_dataset_free(ds);
}

static void test_root(void **state) {
  (void)state;
  ampel_dataset *ds = ampel_dataset_new();
  assert_int_equal(ampel_dataset_root(ds), -1);
  put_area(ds, "klein", NULL, "Stadt");
  put_area(ds, "k1", "klein", "Stadtteil");
  size_t big = put_area(ds, "gross", NULL, "Stadt");
  put_area(ds, "g1", "gross", "Stadtbezirk");
  put_area(ds, "g2", "g1", "Stadtteil");
  put_area(ds, "g3", "g1", "Stadtteil");
  assert_int_equal(ampel_dataset_root(ds), (long)big);
  ampel_dataset_free(ds);
  ds = ampel_dataset_new(); /* only a cycle: no root */
  put_area(ds, "x", "y", "A");
  put_area(ds, "y", "x", "A");
  assert_int_equal(ampel_dataset_root(ds), -1);
  put_area(ds, "r", NULL, "Stadt");
  assert_int_equal(ampel_dataset_root(ds), 2);
  ampel_dataset_free(ds);
}

/* ---- size ---------------------------------------------------------------
 */

static double big_value(size_t a, size_t i, size_t p) {
  return (double)a * 1e-3 + (double)i * 1000.0 + (double)p * 0.5;
}

static void test_big_fill(void **state) {
  (void)state;
  enum { NA = 10000, NI = 20, NP = 5 };
  ampel_dataset *ds = ampel_dataset_new();
  char k[16];
  for (size_t i = 0; i < NI; i++) {
    snprintf(k, sizeof k, "ind%zu", i);
    put_ind(ds, k);
  }
  for (size_t p = 0; p < NP; p++) {
    snprintf(k, sizeof k, "%zu", 2020 + p);
    put_period(ds, k);
  }
  for (size_t a = 0; a < NA; a++) {
    snprintf(k, sizeof k, "area%05zu", a);
    assert_int_equal(put_area(ds, k, a ? "area00000" : NULL, "L"), a);
  }
  for (size_t a = 0; a < NA; a++)
    for (size_t i = 0; i < NI; i++)
      for (size_t p = 0; p < NP; p++)
        if (ampel_dataset_set(ds, a, i, p, big_value(a, i, p), NAN, NAN,
                              AMPEL_FLAG_NONE) != AMPEL_OK)
          fail();
  assert_int_equal(ampel_dataset_n_observations(ds), (size_t)NA * NI * NP);
  for (size_t i = 0; i < NI; i++) {
    for (size_t p = 0; p < NP; p++) {
      const double *col = ampel_dataset_values(ds, i, p);
      assert_non_null(col);
      for (size_t a = 0; a < NA; a++)
        if (col[a] != big_value(a, i, p) ||
            ampel_dataset_get(ds, a, i, p).value != big_value(a, i, p))
          fail_msg("cell %zu/%zu/%zu", a, i, p);
    }
  }
  snprintf(k, sizeof k, "area%05d", 4242);
  assert_int_equal(ampel_dataset_find_area(ds, k), 4242);
  assert_int_equal(ampel_dataset_root(ds), 0);
  assert_int_equal(ampel_dataset_validate(ds, NULL), AMPEL_OK);
  ampel_dataset_free(ds);
}

/* ---- allocation failures ---------------------------------------------- */

/* A run over every dataset operation; stops at the first error. */
static ampel_status scenario(void) {
  ampel_status st = AMPEL_OK;
  ampel_dataset *ds = ampel_dataset_new();
  if (!ds)
    return AMPEL_E_NOMEM;
  char k[16];
  for (int a = 0; a < 70 && st == AMPEL_OK; a++) { /* past 64 cells */
    snprintf(k, sizeof k, "a%d", a);
    ampel_area ar = mk_area(k, a ? "a0" : NULL, a ? "Teil" : "Stadt");
    st = ampel_dataset_put_area(ds, &ar, NULL);
  }
  /* Failures inside put_indicator leak a column array (a known bug, see
   * pending_dataset_indicator_leak.c); they are not injected here until
   * it is fixed. */
  failalloc_pause(1);
  for (int i = 0; i < 3 && st == AMPEL_OK; i++) {
    snprintf(k, sizeof k, "i%d", i);
    ampel_indicator ind = {k, k, "%", NULL, NULL, NULL, NULL,
                           AMPEL_POL_NEUTRAL, 1, AMPEL_SECRECY_UNSET};
    st = ampel_dataset_put_indicator(ds, &ind, NULL);
  }
  failalloc_pause(0);
  for (int p = 0; p < 20 && st == AMPEL_OK; p++) { /* past 16 slots */
    snprintf(k, sizeof k, "%d", 2030 - p);
    st = ampel_dataset_put_period(ds, k, (2030 - p) * 10000 + 101, NULL);
  }
  for (size_t a = 0; a < 70 && st == AMPEL_OK; a++)
    st = ampel_dataset_set(ds, a, a % 3, a % 20, 1.5, a % 2 ? 3 : NAN,
                           a % 5 ? 2 : NAN, AMPEL_FLAG_NONE);
  if (st == AMPEL_OK) {
    ampel_area late = mk_area("late", "a0", "Teil"); /* columns grow */
    st = ampel_dataset_put_area(ds, &late, NULL);
  }
  if (st == AMPEL_OK)
    st = ampel_dataset_sort_periods(ds);
  ampel_diags dg;
  ampel_diags_init(&dg, 0);
  if (st == AMPEL_OK) {
    ampel_area bad = mk_area("bad", "nowhere", "Teil");
    st = ampel_dataset_put_area(ds, &bad, NULL);
    if (st == AMPEL_OK && ampel_dataset_validate(ds, &dg) != AMPEL_E_DATA)
      st = AMPEL_E_INTERNAL;
    if (st == AMPEL_OK && dg.out_of_memory) /* diags report it this way */
      st = AMPEL_E_NOMEM;
  }
  ampel_diags_release(&dg);
  if (st == AMPEL_OK) {
    size_t n = 0;
    const char **lv = ampel_dataset_levels(ds, &n);
    if (!lv)
      st = AMPEL_E_NOMEM;
    else if (n != 2)
      st = AMPEL_E_INTERNAL;
    ampel_free(lv);
  }
  if (st == AMPEL_OK && ampel_dataset_root(ds) != 0)
    st = AMPEL_E_NOMEM; /* root gives -1 when it cannot allocate */
  ampel_dataset_free(ds);
  return st;
}

static void test_alloc_failures(void **state) {
  (void)state;
  failalloc_install(0);
  assert_int_equal(scenario(), AMPEL_OK);
  long n = failalloc_uninstall();
  assert_int_equal(failalloc_outstanding(), 0);
  assert_true(n > 20);
  for (long k = 1; k <= n; k++) {
    failalloc_install(k);
    ampel_status st = scenario();
    failalloc_uninstall();
    if (failalloc_failed() == 1 && st == AMPEL_OK)
      fail_msg("allocation %ld of %ld failed, scenario returned OK", k, n);
    if (failalloc_outstanding() != 0)
      fail_msg("allocation %ld of %ld failed: %ld blocks leaked", k, n,
               failalloc_outstanding());
    assert_int_equal(failalloc_bad_frees(), 0);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_area_put_copies_and_replaces),
      cmocka_unit_test(test_indicator_put_copies_and_replaces),
      cmocka_unit_test(test_periods_put_find),
      cmocka_unit_test(test_cells_and_flags),
      cmocka_unit_test(test_numerator_denominator),
      cmocka_unit_test(test_observation_count),
      cmocka_unit_test(test_areas_grow_after_columns),
      cmocka_unit_test(test_sort_periods),
      cmocka_unit_test(test_validate),
      cmocka_unit_test(test_levels_root_first),
      cmocka_unit_test(test_root),
      cmocka_unit_test(test_big_fill),
      cmocka_unit_test(test_alloc_failures),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
