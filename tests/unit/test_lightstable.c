/* Unit tests for the Ampel table on a dataset (src/compute/lightstable.c,
 * src/render/csv_out.c, src/render/lights_svg.c) against a case computed
 * by hand (METHODS.md §3): status with the SD and the relative method,
 * trend since t0, automatic and explicit --since, Wilson certainty of
 * rates, ranking and the Hinsehen text. (tests/unit/test_lights.c tests
 * the numeric primitives of src/compute/lights.c.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "ampel/lights.h"
#include "ampel/select.h"

/* Areas a1..a5 have values, a6 none; root R.
 * y (higher_is_better), root 13 at t = 2023, 12 at t0 = 2022:
 *   t: 10 12 14 16 18 (mean 14, SD sqrt 8)
 *   s = (x - 13)/sqrt 8 = -1.0607 -.3536 .3536 1.0607 1.7678
 *     -> critical average average good good
 *   relative, band 10: 100 (x - 13)/13 = -23.1 -7.7 7.7 23.1 38.5
 *     -> critical average average good good
 *   t0: 9 12 15 15 16; D = 1 0 -1 1 2, D_ref = 1, sd_D = sqrt 1.04
 *   tau = (D - 1)/sqrt 1.04 = 0 -.9806 -1.9612 0 .9806
 *     -> stable worse worse stable better
 * q (higher_is_worse, rate = 100 num/den, no root value):
 *   t: 10/100 30/100 5/50 200/1000 0/20 -> 10 30 10 20 0
 *   ref = 100 * 245/1270 = 19.2913 (RATIO); SD sqrt 104
 *   s = -(x - ref)/sqrt 104 = .9111 -1.0501 .9111 -.0695 1.8917
 *     -> good critical good average good
 *   Wilson 95 % around ref 0.192913: a1 [.0552,.1744] yes,
 *   a2 [.2189,.3959] yes, a3 [.0435,.2136] no, a4 [.1764,.2259] no,
 *   a5 [0,.1611] yes
 *   t0: 12/100 25/100 5/50 220/1000 1/20; ref0 = 100*263/1270
 *   D = -2 5 0 -2 -5; D_ref = -1.41732; sd_D = sqrt 10.96
 *   tau = -(D - D_ref)/sd_D = .1760 -1.9384 -.4281 .1760 1.0822
 *     -> stable worse stable stable better
 * n (neutral, only at t): no light, no trend. */
static ampel_dataset *make_ds(void) {
  ampel_dataset *ds = ampel_dataset_new();
  assert_non_null(ds);
  const char *keys[] = {"R", "a1", "a2", "a3", "a4", "a5", "a6"};
  for (int i = 0; i < 7; i++) {
    ampel_area a = {(char *)keys[i], (char *)keys[i], i ? "R" : NULL,
                    i ? "Stadtteil" : "Stadt", NAN, AMPEL_NO_TILE, 0, NAN,
                    NAN};
    assert_int_equal(ampel_dataset_put_area(ds, &a, NULL), AMPEL_OK);
  }
  ampel_indicator y = {"y", "Kennzahl Y", "%", NULL, NULL, NULL, NULL,
                       AMPEL_POL_HIGHER_IS_BETTER, 1, AMPEL_SECRECY_UNSET};
  ampel_indicator q = {"q", "Quote Q", "%", NULL, NULL, NULL, NULL,
                       AMPEL_POL_HIGHER_IS_WORSE, 1, AMPEL_SECRECY_UNSET};
  ampel_indicator n = {"n", "Anzahl N", "Anzahl", NULL, NULL, NULL, NULL,
                       AMPEL_POL_NEUTRAL, 0, AMPEL_SECRECY_UNSET};
  assert_int_equal(ampel_dataset_put_indicator(ds, &y, NULL), AMPEL_OK);
  assert_int_equal(ampel_dataset_put_indicator(ds, &q, NULL), AMPEL_OK);
  assert_int_equal(ampel_dataset_put_indicator(ds, &n, NULL), AMPEL_OK);
  assert_int_equal(ampel_dataset_put_period(ds, "2022", 20220101, NULL),
                   AMPEL_OK);
  assert_int_equal(ampel_dataset_put_period(ds, "2023", 20230101, NULL),
                   AMPEL_OK);
  const double y1[] = {13, 10, 12, 14, 16, 18}, y0[] = {12, 9, 12, 15, 15, 16};
  const double k1[] = {10, 30, 5, 200, 0}, k0[] = {12, 25, 5, 220, 1},
               den[] = {100, 100, 50, 1000, 20};
  for (size_t a = 0; a < 6; a++) {
    assert_int_equal(ampel_dataset_set(ds, a, 0, 1, y1[a], NAN, NAN, 0), 0);
    assert_int_equal(ampel_dataset_set(ds, a, 0, 0, y0[a], NAN, NAN, 0), 0);
  }
  for (size_t a = 1; a < 6; a++) {
    double nn = den[a - 1];
    assert_int_equal(ampel_dataset_set(ds, a, 1, 1, 100 * k1[a - 1] / nn,
                                       k1[a - 1], nn, 0),
                     0);
    assert_int_equal(ampel_dataset_set(ds, a, 1, 0, 100 * k0[a - 1] / nn,
                                       k0[a - 1], nn, 0),
                     0);
    assert_int_equal(ampel_dataset_set(ds, a, 2, 1, 100.0 * (double)a, NAN,
                                       NAN, 0),
                     0);
  }
  return ds;
}

typedef struct fx {
  ampel_dataset *ds;
  ampel_selection sel;
  ampel_lights l;
} fx;

static ampel_status compute(fx *f, const ampel_lights_opts *o) {
  f->ds = make_ds();
  ampel_diags d;
  ampel_diags_init(&d, 0);
  assert_int_equal(
      ampel_select(f->ds, "Stadtteil", "2023", NULL, 0, &f->sel, &d), 0);
  ampel_status st = ampel_lights_compute(f->ds, &f->sel, o, &f->l, &d);
  ampel_diags_release(&d);
  return st;
}

static void done(fx *f) {
  ampel_lights_release(&f->l);
  ampel_selection_release(&f->sel);
  ampel_dataset_free(f->ds);
}

static void check_col(const fx *f, size_t j, const double *score,
                      const ampel_light *light, const double *tau,
                      const ampel_trend *trend) {
  for (size_t r = 0; r < 5; r++) {
    const ampel_lights_cell *c = ampel_lights_at(&f->l, r, j);
    assert_true(fabs(c->status_score - score[r]) < 5e-5);
    assert_int_equal(c->status, light[r]);
    if (tau)
      assert_true(fabs(c->trend_score - tau[r]) < 5e-5);
    assert_int_equal(c->trend, trend[r]);
  }
  const ampel_lights_cell *c6 = ampel_lights_at(&f->l, 5, j);
  assert_true(isnan(c6->value));
  assert_int_equal(c6->status, AMPEL_LIGHT_NONE);
  assert_int_equal(c6->trend, AMPEL_TREND_NONE);
}

static const ampel_light Y_LIGHT[] = {2, 1, 1, 0, 0};
static const ampel_trend Y_TREND[] = {1, 2, 2, 1, 0};

static void test_status_and_trend_sd(void **state) {
  (void)state;
  fx f;
  ampel_lights_opts o;
  ampel_lights_opts_init(&o);
  assert_int_equal(compute(&f, &o), AMPEL_OK);
  const double ys[] = {-1.06066, -.35355, .35355, 1.06066, 1.76777};
  const double yt[] = {0, -.98058, -1.96116, 0, .98058};
  check_col(&f, 0, ys, Y_LIGHT, yt, Y_TREND);
  assert_int_equal(f.l.cols[0].ref.method, AMPEL_REF_ROOT);
  assert_int_equal(f.l.cols[0].since, 0);
  const double qs[] = {.91109, -1.05007, .91109, -.06949, 1.89167};
  const ampel_light ql[] = {0, 2, 0, 1, 0};
  const double qt[] = {.17601, -1.93842, -.42812, .17601, 1.08219};
  const ampel_trend qtr[] = {1, 2, 1, 1, 0};
  check_col(&f, 1, qs, ql, qt, qtr);
  assert_int_equal(f.l.cols[1].ref.method, AMPEL_REF_RATIO);
  assert_true(fabs(f.l.cols[1].ref.value - 24500.0 / 1270.0) < 1e-9);
  assert_true(fabs(f.l.cols[1].ref0.value - 26300.0 / 1270.0) < 1e-9);
  assert_true(f.l.cols[1].rate_scale == 100.0);
  /* neutral: no light, no earlier value */
  assert_int_equal(f.l.cols[2].since, -1);
  assert_int_equal(ampel_lights_at(&f.l, 0, 2)->status, AMPEL_LIGHT_NONE);
  assert_int_equal(ampel_lights_at(&f.l, 0, 2)->trend, AMPEL_TREND_NONE);
  done(&f);
}

static void test_wilson_certainty(void **state) {
  (void)state;
  fx f;
  ampel_lights_opts o;
  ampel_lights_opts_init(&o);
  assert_int_equal(compute(&f, &o), AMPEL_OK);
  const ampel_certainty want[] = {AMPEL_CERTAIN_YES, AMPEL_CERTAIN_YES,
                                  AMPEL_CERTAIN_NO, AMPEL_CERTAIN_NO,
                                  AMPEL_CERTAIN_YES, AMPEL_CERTAIN_NA};
  for (size_t r = 0; r < 6; r++)
    assert_int_equal(ampel_lights_at(&f.l, r, 1)->certain, want[r]);
  assert_int_equal(ampel_lights_at(&f.l, 0, 0)->certain, AMPEL_CERTAIN_NA);
  done(&f);
}

static void test_relative_and_band(void **state) {
  (void)state;
  fx f;
  ampel_lights_opts o;
  ampel_lights_opts_init(&o);
  o.method = AMPEL_STATUS_METHOD_RELATIVE;
  assert_int_equal(compute(&f, &o), AMPEL_OK);
  assert_true(f.l.band == 10.0);
  const double ys[] = {-23.07692, -7.69231, 7.69231, 23.07692, 38.46154};
  check_col(&f, 0, ys, Y_LIGHT, NULL, Y_TREND); /* trend: SD, band .5 */
  done(&f);
  ampel_lights_opts_init(&o);
  o.band = 1.0; /* s: -1.06 critical, .35 average, 1.06 good */
  assert_int_equal(compute(&f, &o), AMPEL_OK);
  assert_int_equal(ampel_lights_at(&f.l, 0, 0)->status, AMPEL_LIGHT_CRITICAL);
  assert_int_equal(ampel_lights_at(&f.l, 1, 0)->status, AMPEL_LIGHT_AVERAGE);
  assert_int_equal(ampel_lights_at(&f.l, 3, 0)->status, AMPEL_LIGHT_GOOD);
  /* tau -.98 is stable with band 1, -1.96 worse */
  assert_int_equal(ampel_lights_at(&f.l, 1, 0)->trend, AMPEL_TREND_STABLE);
  assert_int_equal(ampel_lights_at(&f.l, 2, 0)->trend, AMPEL_TREND_WORSE);
  done(&f);
}

static void test_since_and_errors(void **state) {
  (void)state;
  fx f;
  ampel_lights_opts o;
  ampel_lights_opts_init(&o);
  o.since = 0; /* explicit --since 2022: also for the neutral indicator */
  assert_int_equal(compute(&f, &o), AMPEL_OK);
  assert_int_equal(f.l.cols[2].since, 0);
  assert_int_equal(ampel_lights_at(&f.l, 0, 2)->trend, AMPEL_TREND_NONE);
  assert_true(isnan(ampel_lights_at(&f.l, 0, 2)->change));
  done(&f);
  o.since = 1; /* not before 2023 */
  assert_int_equal(compute(&f, &o), AMPEL_E_USAGE);
  done(&f);
  ampel_lights_opts_init(&o);
  o.band = -1;
  assert_int_equal(compute(&f, &o), AMPEL_E_USAGE);
  done(&f);
}

/* a2: 1 critical (q), 2 worse (y, q); a1: 1 critical (y); a3: 1 worse. */
static void test_rank_and_hinsehen(void **state) {
  (void)state;
  fx f;
  ampel_lights_opts o;
  ampel_lights_opts_init(&o);
  assert_int_equal(compute(&f, &o), AMPEL_OK);
  size_t order[6];
  assert_int_equal(ampel_lights_rank(&f.l, order), AMPEL_OK);
  const size_t want[] = {1, 0, 2, 3, 4, 5};
  for (size_t i = 0; i < 6; i++)
    assert_int_equal(order[i], want[i]);
  ampel_buf b;
  ampel_buf_init(&b);
  ampel_lights_hinsehen_line(&f.l, f.ds, 1, &b);
  assert_string_equal(b.data, "a2: 1 kritisch (Quote Q), 2 verschlechtert "
                              "(Kennzahl Y, Quote Q)");
  b.len = 0;
  ampel_lights_hinsehen_line(&f.l, f.ds, 2, &b);
  assert_string_equal(b.data, "a3: 1 verschlechtert (Kennzahl Y)");
  b.len = 0;
  ampel_lights_hinsehen_line(&f.l, f.ds, 3, &b);
  assert_int_equal(b.len, 0);
  ampel_buf_release(&b);
  done(&f);
}

static void test_csv_and_svg(void **state) {
  (void)state;
  fx f;
  ampel_lights_opts o;
  ampel_lights_opts_init(&o);
  assert_int_equal(compute(&f, &o), AMPEL_OK);
  ampel_buf b;
  ampel_buf_init(&b);
  ampel_lights_write_csv(&f.l, f.ds, &b);
  const char *hdr = "area,indicator,period,value,reference,status_score,"
                    "status,since,change,trend_score,trend,certain\n";
  assert_memory_equal(b.data, hdr, strlen(hdr));
  size_t lines = 0;
  for (size_t i = 0; i < b.len; i++)
    lines += b.data[i] == '\n';
  assert_int_equal(lines, 1 + 6 * 3);
  assert_non_null(strstr(b.data, "\na1,y,2023,10,13,"));
  assert_non_null(strstr(b.data, ",critical,2022,1,0,stable,\n"));
  assert_non_null(strstr(b.data, "\na3,q,2023,10,"));
  assert_non_null(strstr(b.data, "\na6,y,2023,,13,,none,2022,,,none,\n"));
  assert_non_null(strstr(b.data, "\na1,n,2023,100,300,"));
  b.len = 0;
  size_t order[6];
  assert_int_equal(ampel_lights_rank(&f.l, order), AMPEL_OK);
  ampel_lights_render_opts ro = {NULL, NULL, order};
  ampel_lights_write_svg(&f.l, f.ds, &ro, &b);
  assert_false(b.failed);
  assert_non_null(strstr(b.data, "role=\"img\""));
  assert_non_null(strstr(b.data, "Hinsehen"));
  assert_non_null(strstr(b.data, "Sortiert nach der Zahl"));
  assert_non_null(strstr(b.data, "unsicher: die Referenz liegt"));
  assert_non_null(strstr(b.data, "url(#ampel-hatch)"));
  assert_null(strstr(b.data, "\"nan"));
  assert_null(strstr(b.data, ">nan"));
  /* Without an order the renderer does not rank (that is compute's
   * policy): dataset order, and the picture does not claim sorting. */
  b.len = 0;
  ro.order = NULL;
  ampel_lights_write_svg(&f.l, f.ds, &ro, &b);
  assert_false(b.failed);
  assert_null(strstr(b.data, "Sortiert nach der Zahl"));
  assert_non_null(strstr(b.data, "Reihenfolge der Daten"));
  ampel_buf_release(&b);
  done(&f);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_status_and_trend_sd),
      cmocka_unit_test(test_wilson_certainty),
      cmocka_unit_test(test_relative_and_band),
      cmocka_unit_test(test_since_and_errors),
      cmocka_unit_test(test_rank_and_hinsehen),
      cmocka_unit_test(test_csv_and_svg),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
