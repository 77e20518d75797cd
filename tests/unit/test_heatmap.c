/* Unit tests for the heatmap on a dataset (src/compute/heatmap.c,
 * src/render/csv_out.c, src/render/heatmap_svg.c) and the shared SVG
 * helpers (src/render/svg.c): scaling, reference values, distances with a
 * missing cell, complete linkage, leaf order by means, the tree CSV, all
 * against a small case computed by hand (see the comments), plus palettes
 * (monotone lightness, WCAG contrast) and German number formatting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "ampel/heatmap.h"
#include "ampel/select.h"
#include "ampel/svg.h"

/* The hand-computed case. Level "Stadtteil": A, B, C, D (and E without
 * values); root "S" (Stadt).
 *   x1 higher_is_better: A 0, B 1, C 3, D 4; root value 2.5
 *   x2 higher_is_worse, rate with num/den (value = 100 num/den):
 *      A 10 (1/10), B 20 (2/10), C 30 (3/10), D missing; no root value
 * Scaled: x1 = (0, .25, .75, 1); x2 = 1 - (x - 10)/20 = (1, .5, 0, -).
 * References: x1 ROOT 2.5; x2 RATIO 100 * 6/30 = 20; with --reference
 * mean: x1 2, x2 20 (MEAN).
 * Row distances (K = 2; D has only x1, so its sums are scaled by 2/1):
 *   AB sqrt(.0625+.25) = sqrt(.3125); AC sqrt(1.5625) = 1.25;
 *   AD sqrt(1*2) = sqrt 2; BC sqrt(.5); BD sqrt(.5625*2); CD sqrt(.125).
 * Complete linkage: CD at sqrt(.125) -> 4; AB at sqrt(.3125) -> 5;
 *   4+5 at max(AC, AD, BC, BD) = sqrt 2.
 * Row means: A .5, B .375, C .375, D 1; {CD} .6875, {AB} .4375, so the
 * leaf order by means is B, A, C, D. */
static ampel_dataset *make_ds(void) {
  ampel_dataset *ds = ampel_dataset_new();
  assert_non_null(ds);
  const char *keys[] = {"S", "A", "B", "C", "D", "E"};
  for (int i = 0; i < 6; i++) {
    ampel_area a = {(char *)keys[i], (char *)keys[i], i ? "S" : NULL,
                    i ? "Stadtteil" : "Stadt", NAN, AMPEL_NO_TILE, 0, NAN,
                    NAN};
    assert_int_equal(ampel_dataset_put_area(ds, &a, NULL), AMPEL_OK);
  }
  ampel_indicator i1 = {"x1", "Erste Kennzahl", "%", "Feld 1", NULL, "Q1",
                        NULL, AMPEL_POL_HIGHER_IS_BETTER, 1,
                        AMPEL_SECRECY_UNSET};
  ampel_indicator i2 = {"x2", "Zweite Kennzahl", "%", "Feld 2", NULL, "Q2",
                        NULL, AMPEL_POL_HIGHER_IS_WORSE, 1,
                        AMPEL_SECRECY_UNSET};
  assert_int_equal(ampel_dataset_put_indicator(ds, &i1, NULL), AMPEL_OK);
  assert_int_equal(ampel_dataset_put_indicator(ds, &i2, NULL), AMPEL_OK);
  assert_int_equal(ampel_dataset_put_period(ds, "2023", 20230101, NULL),
                   AMPEL_OK);
  const double x1[] = {2.5, 0, 1, 3, 4};
  for (size_t a = 0; a < 5; a++)
    assert_int_equal(ampel_dataset_set(ds, a, 0, 0, x1[a], NAN, NAN, 0),
                     AMPEL_OK);
  for (size_t a = 1; a <= 3; a++)
    assert_int_equal(ampel_dataset_set(ds, a, 1, 0, 10.0 * (double)a,
                                       (double)a, 10, 0),
                     AMPEL_OK);
  return ds;
}

typedef struct fx {
  ampel_dataset *ds;
  ampel_selection sel;
  ampel_heatmap h;
} fx;

static void compute(fx *f, ampel_heatmap_cluster cl, int force_mean) {
  f->ds = make_ds();
  ampel_diags d;
  ampel_diags_init(&d, 0);
  assert_int_equal(ampel_select(f->ds, "Stadtteil", NULL, NULL, 0, &f->sel,
                                &d),
                   AMPEL_OK);
  ampel_heatmap_opts o;
  ampel_heatmap_opts_init(&o);
  o.cluster = cl;
  o.force_mean = force_mean;
  o.need_area_tree = 1;
  assert_int_equal(ampel_heatmap_compute(f->ds, &f->sel, &o, &f->h, &d),
                   AMPEL_OK);
  ampel_diags_release(&d);
}

static void done(fx *f) {
  ampel_heatmap_release(&f->h);
  ampel_selection_release(&f->sel);
  ampel_dataset_free(f->ds);
}

static void test_scaling_and_refs(void **state) {
  (void)state;
  fx f;
  compute(&f, AMPEL_HM_CLUSTER_BOTH, 0);
  assert_int_equal(f.h.n_rows, 4);
  assert_int_equal(f.h.n_cols, 2);
  assert_int_equal(f.h.n_dropped, 1);
  assert_string_equal(ampel_dataset_area(f.ds, f.h.dropped[0])->key, "E");
  const double want[] = {0, 1, .25, .5, .75, 0, 1, NAN};
  for (size_t i = 0; i < 8; i++) {
    if (isnan(want[i]))
      assert_true(isnan(f.h.scaled[i]));
    else
      assert_true(fabs(f.h.scaled[i] - want[i]) < 1e-15);
  }
  assert_int_equal(f.h.ref[0].method, AMPEL_REF_ROOT);
  assert_true(f.h.ref[0].value == 2.5);
  assert_int_equal(f.h.ref[1].method, AMPEL_REF_RATIO);
  assert_true(fabs(f.h.ref[1].value - 20.0) < 1e-12);
  done(&f);
  compute(&f, AMPEL_HM_CLUSTER_BOTH, 1);
  assert_int_equal(f.h.ref[0].method, AMPEL_REF_MEAN);
  assert_true(fabs(f.h.ref[0].value - 2.0) < 1e-15);
  assert_int_equal(f.h.ref[1].method, AMPEL_REF_MEAN);
  assert_true(fabs(f.h.ref[1].value - 20.0) < 1e-12);
  done(&f);
}

static void test_tree_and_leaf_order(void **state) {
  (void)state;
  fx f;
  compute(&f, AMPEL_HM_CLUSTER_BOTH, 0);
  const ampel_cluster_merge *z = f.h.row_tree;
  assert_non_null(z);
  assert_int_equal(z[0].left, 2);
  assert_int_equal(z[0].right, 3);
  assert_true(fabs(z[0].height - sqrt(.125)) < 1e-15);
  assert_int_equal(z[1].left, 0);
  assert_int_equal(z[1].right, 1);
  assert_true(fabs(z[1].height - sqrt(.3125)) < 1e-15);
  assert_int_equal(z[2].left, 4);
  assert_int_equal(z[2].right, 5);
  assert_true(fabs(z[2].height - sqrt(2.0)) < 1e-15);
  assert_int_equal(z[2].size, 4);
  const size_t order[] = {1, 0, 2, 3};
  for (size_t i = 0; i < 4; i++)
    assert_int_equal(f.h.row_order[i], order[i]);
  /* Two columns: one merge at sqrt((1 + .0625 + .5625) * 4/3); equal
   * column means (.5, .5) keep the left one first. */
  assert_non_null(f.h.col_tree);
  assert_true(fabs(f.h.col_tree[0].height - sqrt(1.625 * 4.0 / 3.0)) <
              1e-15);
  assert_int_equal(f.h.col_order[0], 0);
  done(&f);
}

static void test_tree_csv(void **state) {
  (void)state;
  fx f;
  compute(&f, AMPEL_HM_CLUSTER_BOTH, 0);
  ampel_buf b;
  ampel_buf_init(&b);
  assert_int_equal(ampel_heatmap_write_tree(&f.h, f.ds, &b), AMPEL_OK);
  assert_string_equal(b.data,
                      "step,left,right,height,size,left_key,right_key\n"
                      "0,2,3,0.3535533905932738,2,C,D\n"
                      "1,0,1,0.5590169943749475,2,A,B\n"
                      "2,4,5,1.4142135623730951,4,,\n");
  b.len = 0;
  ampel_heatmap_write_csv(&f.h, f.ds, &b);
  assert_string_equal(b.data, "area,name,x1,x2\n"
                              "B,B,0.25,0.5\n"
                              "A,A,0,1\n"
                              "C,C,0.75,0\n"
                              "D,D,1,\n");
  ampel_buf_release(&b);
  done(&f);
}

static void test_cluster_none_keeps_list_order(void **state) {
  (void)state;
  fx f;
  compute(&f, AMPEL_HM_CLUSTER_NONE, 0);
  for (size_t i = 0; i < 4; i++)
    assert_int_equal(f.h.row_order[i], i);
  assert_null(f.h.col_tree);
  assert_non_null(f.h.row_tree); /* need_area_tree */
  done(&f);
}

/* Two areas without a common indicator: E_DATA naming both. */
static void test_no_common_value(void **state) {
  (void)state;
  ampel_dataset *ds = make_ds();
  assert_int_equal(ampel_dataset_set(ds, 5, 1, 0, 40, 4, 10, 0), AMPEL_OK);
  assert_int_equal(ampel_dataset_set(ds, 5, 0, 0, NAN, NAN, NAN, 0),
                   AMPEL_OK); /* E: only x2; D: only x1 */
  ampel_diags d;
  ampel_diags_init(&d, 0);
  ampel_selection sel;
  assert_int_equal(ampel_select(ds, "Stadtteil", NULL, NULL, 0, &sel, &d),
                   AMPEL_OK);
  ampel_heatmap_opts o;
  ampel_heatmap_opts_init(&o);
  ampel_heatmap h;
  assert_int_equal(ampel_heatmap_compute(ds, &sel, &o, &h, &d),
                   AMPEL_E_DATA);
  assert_int_equal(d.n, 1);
  assert_non_null(strstr(d.items[0].message, "'D' und 'E'"));
  o.cluster = AMPEL_HM_CLUSTER_INDICATORS; /* columns still share areas */
  ampel_diags_release(&d);
  ampel_diags_init(&d, 0);
  assert_int_equal(ampel_heatmap_compute(ds, &sel, &o, &h, &d), AMPEL_OK);
  ampel_heatmap_release(&h);
  ampel_diags_release(&d);
  ampel_selection_release(&sel);
  ampel_dataset_free(ds);
}

static size_t count(const char *hay, const char *needle) {
  size_t n = 0;
  for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++)
    n++;
  return n;
}

static void test_svg(void **state) {
  (void)state;
  fx f;
  compute(&f, AMPEL_HM_CLUSTER_BOTH, 0);
  ampel_buf b;
  ampel_buf_init(&b);
  ampel_heatmap_render_opts ro = {NULL, "Datenstand 1", NULL};
  ampel_heatmap_write_svg(&f.h, f.ds, &ro, &b);
  assert_false(b.failed);
  assert_non_null(strstr(b.data, "role=\"img\""));
  assert_non_null(strstr(b.data, "<desc id=\"ampel-desc\">Heatmap von 4"));
  /* one tooltip per cell, with the German raw value and the reference */
  assert_int_equal(count(b.data, "<g><title>"), 8);
  assert_non_null(strstr(b.data, "A – Erste Kennzahl (2023): 0,0 %; "
                                 "skaliert 0,00"));
  assert_non_null(strstr(b.data, "Referenz (Wert der Gesamtstadt): 2,5 %"));
  assert_non_null(strstr(b.data, "Ohne Werte, nicht dargestellt: E"));
  assert_non_null(strstr(b.data, "Datenstand 1."));
  assert_null(strstr(b.data, "NaN"));
  assert_null(strstr(b.data, "\"nan"));
  assert_null(strstr(b.data, ">nan"));
  ampel_buf_release(&b);
  done(&f);
}

/* The default palette's luminance rises strictly from critical (0) to
 * favourable (1): readable in greyscale. */
static void test_palette_monotone(void **state) {
  (void)state;
  const ampel_palette *p = ampel_palette_default();
  assert_string_equal(p->name, "standard");
  double prev = -1;
  for (int i = 0; i <= 100; i++) {
    double l = ampel_rgb_luminance(ampel_palette_color(p, i / 100.0));
    assert_true(l > prev);
    prev = l;
  }
  assert_non_null(ampel_palette_find("ampel"));
  assert_non_null(ampel_palette_find("grau"));
  assert_null(ampel_palette_find("rotgruen"));
}

/* Text on any cell colour reaches WCAG AA (4.5:1). */
static void test_text_contrast(void **state) {
  (void)state;
  const char *names[] = {"standard", "ampel", "grau"};
  for (int k = 0; k < 3; k++) {
    const ampel_palette *p = ampel_palette_find(names[k]);
    for (int i = 0; i <= 100; i++) {
      ampel_rgb bg = ampel_palette_color(p, i / 100.0);
      assert_true(ampel_rgb_contrast(bg, ampel_rgb_text_on(bg)) >= 4.5);
      bg = ampel_palette_neutral(i / 100.0);
      assert_true(ampel_rgb_contrast(bg, ampel_rgb_text_on(bg)) >= 4.5);
    }
  }
  ampel_rgb w = {255, 255, 255}, k = {0, 0, 0};
  assert_true(fabs(ampel_rgb_contrast(w, k) - 21.0) < 1e-9);
}

static void test_format_de(void **state) {
  (void)state;
  char out[48];
  ampel_format_de(1234.5, 1, out, sizeof out);
  assert_string_equal(out, "1.234,5");
  ampel_format_de(41045, 0, out, sizeof out);
  assert_string_equal(out, "41.045");
  ampel_format_de(7, 2, out, sizeof out);
  assert_string_equal(out, "7,00");
  ampel_format_de(-0.004, 2, out, sizeof out);
  assert_string_equal(out, "0,00");
  ampel_format_de(-12.25, -1, out, sizeof out);
  assert_string_equal(out, "-12,25");
  ampel_format_de(1234567.891, -1, out, sizeof out);
  assert_string_equal(out, "1.234.567,891");
  ampel_format_de(NAN, 1, out, sizeof out);
  assert_string_equal(out, "–");
}

static void count_line(void *ud, const char *line, size_t len) {
  (void)line;
  size_t *n = ud;
  *n += len;
}

static void test_abbrev_and_wrap(void **state) {
  (void)state;
  char out[64];
  assert_int_equal(ampel_abbrev("Ückendorf", 28, out, sizeof out), 0);
  assert_string_equal(out, "Ückendorf");
  assert_int_equal(ampel_abbrev("Schülerinnen und Schüler", 10, out,
                                sizeof out),
                   1);
  assert_string_equal(out, "Schülerin…");
  assert_int_equal(ampel_utf8_len(out), 10);
  size_t chars = 0;
  assert_int_equal(ampel_wrap("aa bb cc dd", 5, count_line, &chars), 2);
  assert_int_equal(chars, 10); /* "aa bb" + "cc dd" */
  assert_int_equal(ampel_wrap("Donaudampfschifffahrt x", 5, NULL, NULL), 2);
  assert_int_equal(ampel_wrap("", 5, NULL, NULL), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_scaling_and_refs),
      cmocka_unit_test(test_tree_and_leaf_order),
      cmocka_unit_test(test_tree_csv),
      cmocka_unit_test(test_cluster_none_keeps_list_order),
      cmocka_unit_test(test_no_common_value),
      cmocka_unit_test(test_svg),
      cmocka_unit_test(test_palette_monotone),
      cmocka_unit_test(test_text_contrast),
      cmocka_unit_test(test_format_de),
      cmocka_unit_test(test_abbrev_and_wrap),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
