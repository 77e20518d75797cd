/* Tests of the dataset glue for index and allocation (need.h): option
 * lists, the frame (period rule, min-population, reasons), MSS and need
 * index on a dataset, index CSV read-back, the CSV renderers. Expected
 * numbers are worked out by hand in the comments. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ampel/need.h"

static int has_msg(const ampel_diags *d, const char *needle) {
  for (size_t i = 0; i < d->n; i++)
    if (strstr(d->items[i].message, needle))
      return 1;
  return 0;
}

/* ---- option lists ---------------------------------------------------- */

static void keylist_ok(void **state) {
  (void)state;
  ampel_keylist l;
  assert_int_equal(ampel_keylist_parse(" a:2, b ,c:0.5", 1, &l, NULL),
                   AMPEL_OK);
  assert_int_equal(l.n, 3);
  assert_string_equal(l.keys[0], "a");
  assert_string_equal(l.keys[1], "b");
  assert_string_equal(l.keys[2], "c");
  assert_true(l.weights[0] == 2.0 && l.weights[1] == 1.0 &&
              l.weights[2] == 0.5);
  ampel_keylist_release(&l);
  ampel_keylist_release(&l); /* released twice: harmless */
}

static void keylist_bad_one(const char *spec, int weights, const char *msg) {
  ampel_keylist l;
  ampel_diags d;
  ampel_diags_init(&d, 0);
  assert_int_equal(ampel_keylist_parse(spec, weights, &l, &d),
                   AMPEL_E_USAGE);
  if (!has_msg(&d, msg))
    fail_msg("'%s': expected a message with '%s', got '%s'", spec, msg,
             d.n ? d.items[0].message : "(none)");
  assert_null(l.keys);
  ampel_diags_release(&d);
}

static void keylist_bad(void **state) {
  (void)state;
  keylist_bad_one("", 1, "leere Liste");
  keylist_bad_one("a,,b", 1, "leerer Eintrag");
  keylist_bad_one("a,", 1, "leerer Eintrag");
  keylist_bad_one("a:", 1, "keine Zahl");
  keylist_bad_one(":2", 1, "Schlüssel vor");
  keylist_bad_one("a:x", 1, "keine Zahl");
  keylist_bad_one("a:1:2", 1, "mehr als ein");
  keylist_bad_one("a:-1", 1, "negativ");
  keylist_bad_one("a:inf", 1, "keine Zahl");
  keylist_bad_one("a,b,a", 1, "zweimal");
  keylist_bad_one("a:1", 0, "keine Gewichte");
}

/* ---- a small dataset ----------------------------------------------------
 * Root "S" (Stadt) and four Stadtteile A..D; population 1000, 1000, 1000,
 * 100 (D is below the default minimum of 300). Periods 2023 and 2024.
 * x (higher_is_worse): 2024: A 1, B 2, C 3, D 9;  2023: none
 * y (higher_is_better): 2024: A 4, B 2, C 0, D 1
 * w (neutral, weight): only 2023: A 10, B 20, C 30, D 40
 * m (higher_is_worse): 2024: A 1, B 1, C -, D 2 (C missing) */

static void put_area(ampel_dataset *ds, const char *key, const char *parent,
                     const char *level, double pop) {
  ampel_area a = {(char *)key, (char *)key, (char *)parent, (char *)level,
                  pop, AMPEL_NO_TILE, AMPEL_NO_TILE, NAN, NAN};
  assert_int_equal(ampel_dataset_put_area(ds, &a, NULL), AMPEL_OK);
}

static size_t put_ind(ampel_dataset *ds, const char *key, ampel_polarity p) {
  ampel_indicator ind = {(char *)key, (char *)key, NULL, NULL, NULL,
                         NULL, NULL, p, -1, AMPEL_SECRECY_UNSET};
  size_t id;
  assert_int_equal(ampel_dataset_put_indicator(ds, &ind, &id), AMPEL_OK);
  return id;
}

static void put_col(ampel_dataset *ds, size_t ind, size_t period,
                    const double v[4]) {
  for (size_t a = 0; a < 4; a++)
    if (!isnan(v[a]))
      assert_int_equal(ampel_dataset_set(ds, a + 1, ind, period, v[a], NAN,
                                         NAN, AMPEL_FLAG_NONE),
                       AMPEL_OK);
}

static int make_ds(void **state) {
  ampel_dataset *ds = ampel_dataset_new();
  assert_non_null(ds);
  put_area(ds, "S", NULL, "Stadt", 3100);
  put_area(ds, "A", "S", "Stadtteil", 1000);
  put_area(ds, "B", "S", "Stadtteil", 1000);
  put_area(ds, "C", "S", "Stadtteil", 1000);
  put_area(ds, "D", "S", "Stadtteil", 100);
  size_t p23, p24;
  assert_int_equal(ampel_dataset_put_period(ds, "2023", 20230101, &p23),
                   AMPEL_OK);
  assert_int_equal(ampel_dataset_put_period(ds, "2024", 20240101, &p24),
                   AMPEL_OK);
  size_t x = put_ind(ds, "x", AMPEL_POL_HIGHER_IS_WORSE);
  size_t y = put_ind(ds, "y", AMPEL_POL_HIGHER_IS_BETTER);
  size_t w = put_ind(ds, "w", AMPEL_POL_NEUTRAL);
  size_t m = put_ind(ds, "m", AMPEL_POL_HIGHER_IS_WORSE);
  put_col(ds, x, p24, (const double[4]){1, 2, 3, 9});
  put_col(ds, y, p24, (const double[4]){4, 2, 0, 1});
  put_col(ds, w, p23, (const double[4]){10, 20, 30, 40});
  put_col(ds, m, p24, (const double[4]){1, 1, NAN, 2});
  *state = ds;
  return 0;
}

static int free_ds(void **state) {
  ampel_dataset_free(*state);
  return 0;
}

/* ---- frame ----------------------------------------------------------- */

static void frame_reasons_and_period(void **state) {
  const ampel_dataset *ds = *state;
  const char *keys[] = {"x", "m", "w"};
  ampel_need_frame f;
  assert_int_equal(ampel_need_frame_build(ds, "Stadtteil", NULL, keys, 3,
                                          300, &f, NULL),
                   AMPEL_OK);
  assert_int_equal(f.n_areas, 4);
  assert_string_equal(ampel_dataset_period(ds, f.period)->label, "2024");
  /* w has no 2024 values: its 2023 values are used */
  assert_string_equal(ampel_dataset_period(ds, f.used_period[2])->label,
                      "2023");
  assert_int_equal(f.used_period[0], f.period);
  assert_true(f.values[0 * 3 + 2] == 10.0);
  assert_int_equal(f.reason[0], AMPEL_OUT_NONE);
  assert_int_equal(f.reason[2], AMPEL_OUT_MISSING);    /* C: m missing */
  assert_int_equal(f.reason[3], AMPEL_OUT_POPULATION); /* D: 100 < 300 */
  assert_true(isnan(f.values[3 * 3 + 0]));            /* masked row */
  assert_string_equal(ampel_out_label(AMPEL_OUT_POPULATION),
                      "zu wenige Einwohner");
  assert_string_equal(ampel_out_label(AMPEL_OUT_MISSING), "unvollständig");
  ampel_need_frame_release(&f);
  ampel_need_frame_release(&f);
}

static void frame_errors(void **state) {
  const ampel_dataset *ds = *state;
  ampel_need_frame f;
  ampel_diags d;
  ampel_diags_init(&d, 0);
  const char *bad[] = {"nope"};
  assert_int_equal(ampel_need_frame_build(ds, "Stadtteil", NULL, bad, 1, 300,
                                          &f, &d),
                   AMPEL_E_USAGE);
  assert_true(has_msg(&d, "unbekannte Kennzahl 'nope'"));
  /* w at 2023 is fine, x has nothing at or before 2023 */
  const char *x[] = {"x"};
  assert_int_equal(ampel_need_frame_build(ds, "Stadtteil", "2023", x, 1, 300,
                                          &f, &d),
                   AMPEL_E_DATA);
  assert_true(has_msg(&d, "keine Werte im Zeitraum 2023 oder davor"));
  assert_int_equal(ampel_need_frame_build(ds, "Stadtteil", NULL, x, 1, -1,
                                          &f, &d),
                   AMPEL_E_USAGE);
  ampel_diags_release(&d);
}

/* ---- MSS on a dataset ------------------------------------------------
 * Status x over the universe A, B, C (D below 300): mean 2, population SD
 * sqrt(2/3); oriented z = z (higher_is_worse): -1.2247, 0, 1.2247. With
 * one indicator the re-standardised index equals z: A -1.2247 <= -1 ->
 * class 1 "hoch", B 0 -> 2, C 1.2247 in [1, 1.5) -> 3 "niedrig". */
static void mss_on_dataset(void **state) {
  const ampel_dataset *ds = *state;
  ampel_keylist st;
  assert_int_equal(ampel_keylist_parse("x", 0, &st, NULL), AMPEL_OK);
  ampel_mss_table t;
  assert_int_equal(ampel_mss_dataset(ds, "Stadtteil", "2024", &st, NULL, 300,
                                     &t, NULL),
                   AMPEL_OK);
  double z = 1.0 / sqrt(2.0 / 3.0);
  assert_int_equal(t.result.n_universe, 3);
  assert_float_equal(t.result.areas[0].status_index, -z, 1e-12);
  assert_float_equal(t.result.areas[2].status_index, z, 1e-12);
  assert_int_equal(t.result.areas[0].status_class, 1);
  assert_int_equal(t.result.areas[1].status_class, 2);
  assert_int_equal(t.result.areas[2].status_class, 3);
  assert_int_equal(t.result.areas[3].status_class, 0);
  ampel_buf b;
  ampel_buf_init(&b);
  ampel_mss_render_csv(ds, &t, &b);
  assert_false(b.failed);
  assert_non_null(strstr(b.data, "area,status_sum,status_index,status_class,"
                                 "status_label,dynamics_sum,dynamics_index,"
                                 "dynamics_class,dynamics_label,group\n"));
  assert_non_null(strstr(b.data, ",3,niedrig,,,,,3\n"));
  assert_non_null(strstr(b.data, "\nD,,,,zu wenige Einwohner,,,,zu wenige "
                                 "Einwohner,\n"));
  ampel_buf_release(&b);
  ampel_mss_table_release(&t);
  ampel_keylist_release(&st);
}

/* ---- need index on a dataset -----------------------------------------
 * x (worse) and y (better), weights 1:1, min population 0, so all four
 * areas are in. x: mean 3.75, SD sqrt(9.6875); y: mean 1.75, SD
 * sqrt(2.1875). Oriented: z_x = (x-3.75)/sd_x, z_y = -(y-1.75)/sd_y.
 * score = (z_x + z_y)/2. */
static void need_on_dataset(void **state) {
  const ampel_dataset *ds = *state;
  ampel_keylist l;
  assert_int_equal(ampel_keylist_parse("x:1,y:1", 1, &l, NULL), AMPEL_OK);
  ampel_level_opts lo;
  ampel_level_opts_init(&lo);
  lo.k = 3;
  ampel_need_table t;
  assert_int_equal(ampel_need_dataset(ds, "Stadtteil", NULL, &l, &lo, 0, &t,
                                      NULL),
                   AMPEL_OK);
  const double x[4] = {1, 2, 3, 9}, y[4] = {4, 2, 0, 1};
  double sx = sqrt(9.6875), sy = sqrt(2.1875);
  size_t best = 0;
  for (size_t a = 0; a < 4; a++) {
    double want = ((x[a] - 3.75) / sx - (y[a] - 1.75) / sy) / 2;
    assert_float_equal(t.result.score[a], want, 1e-12);
    if (t.result.score[a] > t.result.score[best])
      best = a;
  }
  assert_int_equal(best, 3); /* D */
  assert_int_equal(t.result.rank[3], 1);
  assert_int_equal(t.result.level[3], 3);
  ampel_buf b;
  ampel_buf_init(&b);
  ampel_need_render_csv(ds, &t, &b);
  assert_false(b.failed);
  assert_memory_equal(b.data, "area,score,rank,level,z_x,z_y\n", 30);
  ampel_buf_release(&b);
  /* the weight column w comes from 2023 by the period rule */
  double w[4];
  size_t wp;
  assert_int_equal(ampel_need_frame_column(ds, &t.frame, "w", w, &wp, NULL),
                   AMPEL_OK);
  assert_string_equal(ampel_dataset_period(ds, wp)->label, "2023");
  assert_true(w[0] == 10 && w[3] == 40);
  ampel_need_table_release(&t);
  ampel_keylist_release(&l);
}

/* ---- index CSV read-back --------------------------------------------- */

static void index_file_layouts(void **state) {
  (void)state;
  const char *w = "area,score,rank,level,z_x\nA,1.5,1,9,1\nB,,,,\n";
  ampel_index_file f;
  assert_int_equal(ampel_index_file_parse(w, strlen(w), "w.csv", &f, NULL),
                   AMPEL_OK);
  assert_int_equal(f.n, 2);
  assert_false(f.is_mss);
  assert_string_equal(f.areas[1], "B");
  assert_true(f.level[0] == 9 && f.score[0] == 1.5);
  assert_true(isnan(f.level[1]) && isnan(f.score[1]));
  ampel_index_file_release(&f);
  const char *m = "area,status_sum,status_index,status_class,status_label,"
                  "dynamics_sum,dynamics_index,dynamics_class,"
                  "dynamics_label,group\n"
                  "\"0110\",1,-1.25,1,hoch,,,,,1\n";
  assert_int_equal(ampel_index_file_parse(m, strlen(m), "m.csv", &f, NULL),
                   AMPEL_OK);
  assert_true(f.is_mss);
  assert_string_equal(f.areas[0], "0110");
  assert_true(f.level[0] == 1 && f.score[0] == -1.25);
  ampel_index_file_release(&f);
}

static void index_file_bad_one(const char *text, const char *msg) {
  ampel_index_file f;
  ampel_diags d;
  ampel_diags_init(&d, 0);
  assert_int_equal(ampel_index_file_parse(text, strlen(text), "x.csv", &f,
                                          &d),
                   AMPEL_E_DATA);
  if (!has_msg(&d, msg))
    fail_msg("expected '%s', got '%s'", msg,
             d.n ? d.items[0].message : "(none)");
  assert_int_equal(f.n, 0);
  ampel_diags_release(&d);
}

static void index_file_bad(void **state) {
  (void)state;
  index_file_bad_one("a,b\n1,2\n", "keine Index-Datei");
  index_file_bad_one("area,score,rank,level\nA,x,1,2\n", "Zahl erwartet");
  index_file_bad_one("area,score,rank,level\nA,1,1,2\nA,2,2,1\n",
                     "zweimal");
  index_file_bad_one("area,score,rank,level\n,1,1,2\n", "fehlt");
}

/* ---- allocation CSV -------------------------------------------------- */

static void allocation_csv(void **state) {
  (void)state;
  const double w[2] = {1, 3}, need[2] = {1, 1};
  ampel_allocation_input in;
  ampel_allocation_input_init(&in);
  in.n_areas = 2;
  in.budget = 100;
  in.weight = w;
  in.need = need;
  ampel_allocation_result r;
  assert_int_equal(ampel_allocation_compute(&in, &r, NULL), AMPEL_OK);
  const char *keys[3] = {"A", "X", "B"};
  const int used[3] = {1, 0, 1};
  const size_t row[3] = {0, 0, 1};
  ampel_allocation_view v = {3, keys, keys, used, row, &r, 0, "€", "T",
                             NULL, NULL, NULL, NULL};
  ampel_buf b;
  ampel_buf_init(&b);
  ampel_allocation_render_csv(&v, &b);
  /* 100 split 1:3 -> 25 and 75 */
  assert_string_equal(b.data,
                      "area,weight,need,base_part,need_part,allocation,share\n"
                      "A,1,1,0,25,25,0.25\nX,,,,,,\nB,3,1,0,75,75,0.75\n");
  ampel_buf_release(&b);
  ampel_buf_init(&b);
  ampel_allocation_render_svg(&v, &b);
  assert_false(b.failed);
  assert_non_null(strstr(b.data, "role=\"img\""));
  assert_non_null(strstr(b.data, "<title>B: 75\xc2\xa0€"));
  assert_non_null(strstr(b.data, "Summe: 100\xc2\xa0€"));
  ampel_buf_release(&b);
  ampel_allocation_result_release(&r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(keylist_ok),
      cmocka_unit_test(keylist_bad),
      cmocka_unit_test_setup_teardown(frame_reasons_and_period, make_ds,
                                      free_ds),
      cmocka_unit_test_setup_teardown(frame_errors, make_ds, free_ds),
      cmocka_unit_test_setup_teardown(mss_on_dataset, make_ds, free_ds),
      cmocka_unit_test_setup_teardown(need_on_dataset, make_ds, free_ds),
      cmocka_unit_test(index_file_layouts),
      cmocka_unit_test(index_file_bad),
      cmocka_unit_test(allocation_csv),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
