/* Tests of the weight-sensitivity analysis (index.h) and of the PRNG it
 * uses (src/util/rng.h). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ampel/index.h"
#include "util/rng.h"

/* Published reference values: splitmix64 from state 0, and xoshiro256**
 * from the state {1, 2, 3, 4} (first output rotl(2*5, 7)*9 = 11520). */
static void test_rng_reference(void **state) {
  (void)state;
  uint64_t st = 0;
  assert_true(ampel_splitmix64(&st) == UINT64_C(0xe220a8397b1dcdaf));
  assert_true(ampel_splitmix64(&st) == UINT64_C(0x6e789e6aa1b965f4));
  assert_true(ampel_splitmix64(&st) == UINT64_C(0x06c45d188009454f));
  ampel_rng r = {{1, 2, 3, 4}};
  assert_true(ampel_rng_next(&r) == UINT64_C(11520));
  assert_true(ampel_rng_next(&r) == UINT64_C(0));
  assert_true(ampel_rng_next(&r) == UINT64_C(1509978240));
  assert_true(ampel_rng_next(&r) == UINT64_C(1215971899390074240));
  ampel_rng a, b;
  ampel_rng_seed(&a, 42);
  ampel_rng_seed(&b, 42);
  double sum = 0;
  for (int i = 0; i < 10000; i++) {
    double u = ampel_rng_uniform(&a);
    assert_true(u >= 0.0 && u < 1.0);
    assert_true(u == ampel_rng_uniform(&b));
    sum += u;
  }
  assert_true(fabs(sum / 10000 - 0.5) < 0.02); /* 0.5 +- 7 SE */
}

/* A small data set: n areas, 3 indicators, from a fixed LCG; a few rows
 * duplicated (ties) and a few values missing. */
typedef struct data {
  size_t n;
  double *x;
  ampel_polarity pol[3];
  double w[3];
} data;

static void data_make(data *d, size_t n) {
  d->n = n;
  d->x = calloc(n * 3, sizeof *d->x);
  assert_non_null(d->x);
  unsigned long long s = 99;
  for (size_t i = 0; i < n * 3; i++) {
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    d->x[i] = (double)(s >> 40) / 1e5;
  }
  for (size_t a = 0; a + 1 < n; a += 13)
    memcpy(d->x + (a + 1) * 3, d->x + a * 3, 3 * sizeof *d->x);
  for (size_t a = 5; a < n; a += 29)
    d->x[a * 3 + 1] = NAN;
  d->pol[0] = AMPEL_POL_HIGHER_IS_WORSE;
  d->pol[1] = AMPEL_POL_HIGHER_IS_BETTER;
  d->pol[2] = AMPEL_POL_HIGHER_IS_WORSE;
  d->w[0] = 2;
  d->w[1] = 1;
  d->w[2] = 1;
}

static void need_input(ampel_need_input *in, const data *d, int k,
                       double top) {
  ampel_need_input_init(in);
  in->n_areas = d->n;
  in->k = 3;
  in->values = d->x;
  in->polarity = d->pol;
  in->weights = d->w;
  in->levels.k = k;
  in->levels.top_share = top;
}

static void run(const ampel_need_input *in, size_t runs, uint64_t seed,
                double lo, double hi, ampel_sensitivity_result *r) {
  ampel_sensitivity_opts o;
  ampel_sensitivity_opts_init(&o);
  o.runs = runs;
  o.seed = seed;
  o.factor_min = lo;
  o.factor_max = hi;
  assert_int_equal(ampel_sensitivity_compute(in, &o, r, NULL), AMPEL_OK);
}

static void test_deterministic(void **state) {
  (void)state;
  data d;
  data_make(&d, 300);
  ampel_need_input in;
  need_input(&in, &d, 9, 0.05);
  ampel_sensitivity_result r1, r2, r3;
  run(&in, 200, 7, 0.5, 1.5, &r1);
  run(&in, 200, 7, 0.5, 1.5, &r2);
  run(&in, 200, 8, 0.5, 1.5, &r3);
  assert_int_equal(r1.n_areas, 300);
  assert_int_equal(r1.runs, 200);
  assert_memory_equal(r1.areas, r2.areas, 300 * sizeof *r1.areas);
  int differ = 0;
  for (size_t a = 0; a < 300; a++)
    differ |= r1.areas[a].min_rank != r3.areas[a].min_rank ||
              r1.areas[a].max_rank != r3.areas[a].max_rank ||
              r1.areas[a].top_level_share != r3.areas[a].top_level_share;
  assert_true(differ);
  ampel_sensitivity_result_release(&r1);
  ampel_sensitivity_result_release(&r2);
  ampel_sensitivity_result_release(&r3);
  free(d.x);
}

/* Ranks in [1, m], levels in [1, K], min <= max, the base run agrees with
 * ampel_need_compute(); areas outside the universe are all zero. */
static void test_bounds(void **state) {
  (void)state;
  data d;
  data_make(&d, 400);
  ampel_need_input in;
  need_input(&in, &d, 5, 0.1);
  ampel_need_result base;
  assert_int_equal(ampel_need_compute(&in, &base, NULL), AMPEL_OK);
  ampel_sensitivity_result r;
  run(&in, 300, 1, 0.8, 1.2, &r);
  size_t m = base.n_universe, moved = 0;
  for (size_t a = 0; a < d.n; a++) {
    const ampel_sensitivity_area *s = &r.areas[a];
    assert_int_equal(s->base_rank, base.rank[a]);
    assert_int_equal(s->base_level, base.level[a]);
    if (base.rank[a] == 0) {
      assert_int_equal(s->min_rank, 0);
      assert_int_equal(s->max_rank, 0);
      assert_int_equal(s->max_level, 0);
      assert_true(s->top_level_share == 0.0);
      continue;
    }
    assert_true(s->min_rank >= 1 && s->min_rank <= s->max_rank &&
                s->max_rank <= m);
    assert_true(s->min_level >= 1 && s->min_level <= s->max_level &&
                s->max_level <= 5);
    assert_true(s->top_level_share >= 0.0 && s->top_level_share <= 1.0);
    /* share is a whole number of runs */
    double cnt = s->top_level_share * 300;
    assert_true(fabs(cnt - round(cnt)) < 1e-9);
    if (s->top_level_share > 0)
      assert_int_equal(s->max_level, 5);
    moved += s->min_rank != s->max_rank;
  }
  assert_true(moved > 0); /* +-20 % on the weights moves some ranks */
  ampel_sensitivity_result_release(&r);
  ampel_need_result_release(&base);
  free(d.x);
}

/* Factors in [1, 1]: every run equals the base run exactly, ties
 * included. */
static void test_zero_range(void **state) {
  (void)state;
  data d;
  data_make(&d, 250);
  ampel_need_input in;
  need_input(&in, &d, 9, 0.05);
  ampel_sensitivity_result r;
  run(&in, 50, 3, 1.0, 1.0, &r);
  for (size_t a = 0; a < d.n; a++) {
    const ampel_sensitivity_area *s = &r.areas[a];
    assert_int_equal(s->min_rank, s->base_rank);
    assert_int_equal(s->max_rank, s->base_rank);
    assert_int_equal(s->min_level, s->base_level);
    assert_int_equal(s->max_level, s->base_level);
    assert_true(s->top_level_share == (s->base_level == 9 ? 1.0 : 0.0));
  }
  ampel_sensitivity_result_release(&r);
  in.weights = NULL; /* equal weights, also with zero range */
  run(&in, 5, 3, 1.0, 1.0, &r);
  ampel_need_result base;
  assert_int_equal(ampel_need_compute(&in, &base, NULL), AMPEL_OK);
  for (size_t a = 0; a < d.n; a++)
    assert_int_equal(r.areas[a].max_rank, base.rank[a]);
  ampel_need_result_release(&base);
  ampel_sensitivity_result_release(&r);
  free(d.x);
}

/* Scaling every weight by the same factor changes nothing: a range that
 * is a single point other than 1 gives the base ranks too. */
static void test_uniform_scaling(void **state) {
  (void)state;
  data d;
  data_make(&d, 120);
  ampel_need_input in;
  need_input(&in, &d, 4, 0);
  d.w[0] = d.w[1] = d.w[2] = 1; /* equal weights stay exactly equal */
  ampel_sensitivity_result r;
  run(&in, 10, 5, 0.5, 0.5, &r);
  for (size_t a = 0; a < d.n; a++)
    assert_int_equal(r.areas[a].max_rank, r.areas[a].base_rank);
  ampel_sensitivity_result_release(&r);
  free(d.x);
}

static void test_errors(void **state) {
  (void)state;
  data d;
  data_make(&d, 20);
  ampel_need_input in;
  need_input(&in, &d, 9, 0);
  ampel_sensitivity_opts o;
  ampel_sensitivity_result r;
  ampel_diags dg;
  ampel_diags_init(&dg, 0);
  ampel_sensitivity_opts_init(&o);
  assert_true(o.factor_min == 0.8 && o.factor_max == 1.2);
  o.runs = 0;
  assert_int_equal(ampel_sensitivity_compute(&in, &o, &r, &dg),
                   AMPEL_E_USAGE);
  o.runs = AMPEL_SENSITIVITY_MAX_RUNS + 1;
  assert_int_equal(ampel_sensitivity_compute(&in, &o, &r, &dg),
                   AMPEL_E_TOO_LARGE);
  o.runs = 10;
  o.factor_min = 0;
  assert_int_equal(ampel_sensitivity_compute(&in, &o, &r, &dg),
                   AMPEL_E_USAGE);
  o.factor_min = 1.3;
  assert_int_equal(ampel_sensitivity_compute(&in, &o, &r, &dg),
                   AMPEL_E_USAGE);
  assert_null(r.areas);
  o.factor_min = 0.8;
  d.pol[2] = AMPEL_POL_NEUTRAL;
  assert_int_equal(ampel_sensitivity_compute(&in, &o, &r, &dg),
                   AMPEL_E_USAGE);
  assert_true(dg.n_errors == 5);
  d.pol[2] = AMPEL_POL_HIGHER_IS_WORSE;
  /* Issue 16: a fired stop request ends the runs (the server's deadline),
   * nothing is left allocated. */
  ampel_stop stop = {0};
  ampel_stop_request(&stop);
  o.stop = &stop;
  assert_int_equal(ampel_sensitivity_compute(&in, &o, &r, &dg),
                   AMPEL_E_CANCELLED);
  assert_null(r.areas);
  ampel_diags_release(&dg);
  free(d.x);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_rng_reference),
      cmocka_unit_test(test_deterministic),
      cmocka_unit_test(test_bounds),
      cmocka_unit_test(test_zero_range),
      cmocka_unit_test(test_uniform_scaling),
      cmocka_unit_test(test_errors),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
