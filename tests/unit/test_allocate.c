/* Tests of the needs-based allocation (index.h, METHODS.md §6). Expected
 * amounts are worked out by hand in the comments; a property test checks
 * random cases against an independent long-double reimplementation of the
 * formula and of the largest-remainder rule. */
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

static int diags_contain(const ampel_diags *d, const char *needle) {
  for (size_t i = 0; i < d->n; i++)
    if (d->items[i].message && strstr(d->items[i].message, needle))
      return 1;
  return 0;
}

static void setup(ampel_allocation_input *in, size_t n, double budget,
                  double beta, const double *w, const double *need) {
  ampel_allocation_input_init(in);
  in->n_areas = n;
  in->budget = budget;
  in->base_share = beta;
  in->weight = w;
  in->need = need;
}

/* Runs the allocation, checks the invariants every result must have and
 * compares the units with `want` (when given). */
static void run(const ampel_allocation_input *in, const long long *want,
                ampel_allocation_result *r) {
  assert_int_equal(ampel_allocation_compute(in, r, NULL), AMPEL_OK);
  long long sum = 0;
  for (size_t a = 0; a < in->n_areas; a++) {
    const ampel_allocation_area *ar = &r->areas[a];
    sum += ar->units;
    assert_true(ar->allocation == (double)ar->units * in->unit);
    assert_true(fabs(ar->share - ar->allocation / in->budget) < 1e-15);
    assert_true(ar->units >= 0);
    if (want && ar->units != want[a])
      fail_msg("area %zu: got %lld units, want %lld", a + 1, ar->units,
               want[a]);
  }
  assert_true(sum == r->total_units);
  assert_true((double)sum * in->unit == in->budget);
}

static void test_proportional(void **state) {
  (void)state;
  double need[4] = {1, 2, 3, 4};
  ampel_allocation_input in;
  ampel_allocation_result r;
  setup(&in, 4, 100, 0, NULL, need);
  long long want[4] = {10, 20, 30, 40}; /* 100 * n / 10 */
  run(&in, want, &r);
  assert_true(r.areas[2].need_part == 30.0);
  assert_true(r.areas[2].base_part == 0.0);
  assert_true(r.areas[3].share == 0.4);
  ampel_allocation_result_release(&r);
}

/* B = 1000, beta = 0.3, w = 10,20,30, n = 1,1,2: W = 60, WN = 90.
 * base = 300*w/60 = 50, 100, 150; need = 700*w*n/90 = 77.78, 155.56,
 * 466.67; sum = 127.78, 255.56, 616.67 -> floors 127, 255, 616 (998),
 * the 2 units left go to remainders .78 and .67 -> 128, 255, 617. */
static void test_formula_and_rounding(void **state) {
  (void)state;
  double w[3] = {10, 20, 30}, need[3] = {1, 1, 2};
  ampel_allocation_input in;
  ampel_allocation_result r;
  setup(&in, 3, 1000, 0.3, w, need);
  long long want[3] = {128, 255, 617};
  run(&in, want, &r);
  assert_true(fabs(r.areas[0].base_part - 50) < 1e-12);
  assert_true(fabs(r.areas[1].need_part - 14000.0 / 90) < 1e-12);
  assert_true(fabs(r.areas[2].adjusted - (150 + 42000.0 / 90)) < 1e-12);
  assert_int_equal(r.areas[0].bound, 0);
  ampel_allocation_result_release(&r);
}

static void test_beta_0_and_1(void **state) {
  (void)state;
  double w[3] = {1, 2, 5}, need[3] = {3, 1, 0};
  ampel_allocation_input in;
  ampel_allocation_result r;
  /* beta 1: by weight only: 80 * w / 8 */
  setup(&in, 3, 80, 1.0, w, need);
  long long w1[3] = {10, 20, 50};
  run(&in, w1, &r);
  assert_true(r.areas[0].need_part == 0.0);
  ampel_allocation_result_release(&r);
  /* beta 0: w*n = 3, 2, 0 -> 80 * (3, 2, 0) / 5 */
  in.base_share = 0.0;
  long long w0[3] = {48, 32, 0};
  run(&in, w0, &r);
  ampel_allocation_result_release(&r);
}

static void test_zero_weights(void **state) {
  (void)state;
  double w[3] = {0, 1, 1}, need[3] = {9, 1, 3};
  ampel_allocation_input in;
  ampel_allocation_result r;
  ampel_diags d;
  ampel_diags_init(&d, 0);
  /* beta 0.5: base 20 each for areas 2, 3; need 40 * (1, 3) / 4 */
  setup(&in, 3, 80, 0.5, w, need);
  long long want[3] = {0, 30, 50};
  run(&in, want, &r);
  ampel_allocation_result_release(&r);
  w[1] = w[2] = 0;
  assert_int_equal(ampel_allocation_compute(&in, &r, &d), AMPEL_E_DATA);
  assert_true(diags_contain(&d, "Gewicht 0"));
  assert_null(r.areas);
  w[1] = -1;
  assert_int_equal(ampel_allocation_compute(&in, &r, &d), AMPEL_E_DATA);
  ampel_diags_release(&d);
}

/* --need score: scores -1.5, 0.5, -0.5 become needs 0, 2, 1. */
static void test_need_from_scores(void **state) {
  (void)state;
  double s[3] = {-1.5, 0.5, -0.5};
  ampel_allocation_input in;
  ampel_allocation_result r;
  ampel_diags d;
  ampel_diags_init(&d, 0);
  setup(&in, 3, 90, 0, NULL, s);
  assert_int_equal(ampel_allocation_compute(&in, &r, &d), AMPEL_E_DATA);
  assert_true(diags_contain(&d, "negativ"));
  in.need_mode = AMPEL_NEED_SHIFT_MIN;
  long long w0[3] = {0, 60, 30};
  run(&in, w0, &r);
  assert_true(r.areas[0].need == 0.0 && r.areas[1].need == 2.0);
  ampel_allocation_result_release(&r);
  /* beta 1/3: base 10 each + need 60 * (0, 2, 1) / 3 */
  in.base_share = 1.0 / 3.0;
  long long w1[3] = {10, 50, 30};
  run(&in, w1, &r);
  ampel_allocation_result_release(&r);
  /* Affine invariance: 3*s + 7 gives the same amounts. */
  double t[3];
  for (int i = 0; i < 3; i++)
    t[i] = 3 * s[i] + 7;
  in.need = t;
  run(&in, w1, &r);
  ampel_allocation_result_release(&r);
  /* All scores equal: WN = 0, the need part is split by weight too. */
  double e[3] = {0.7, 0.7, 0.7}, w[3] = {1, 2, 3};
  setup(&in, 3, 60, 0.5, w, e);
  in.need_mode = AMPEL_NEED_SHIFT_MIN;
  long long we[3] = {10, 20, 30};
  run(&in, we, &r);
  ampel_allocation_result_release(&r);
  ampel_diags_release(&d);
}

static void test_remainder_ties(void **state) {
  (void)state;
  double need[3] = {2, 2, 2};
  ampel_allocation_input in;
  ampel_allocation_result r;
  /* 10/3 each: equal remainders and needs -> area order */
  setup(&in, 3, 10, 0, NULL, need);
  long long w1[3] = {4, 3, 3};
  run(&in, w1, &r);
  ampel_allocation_result_release(&r);
  /* beta 1 makes the amounts independent of need: equal remainders,
   * the larger need wins. */
  double n2[3] = {1, 3, 2};
  setup(&in, 3, 10, 1.0, NULL, n2);
  long long w2[3] = {3, 4, 3};
  run(&in, w2, &r);
  ampel_allocation_result_release(&r);
  in.budget = 11; /* 3.67 each: two extra units, by need */
  long long w3[3] = {3, 4, 4};
  run(&in, w3, &r);
  ampel_allocation_result_release(&r);
}

static void test_unit(void **state) {
  (void)state;
  double need[3] = {1, 1, 1};
  ampel_allocation_input in;
  ampel_allocation_result r;
  ampel_diags d;
  ampel_diags_init(&d, 0);
  setup(&in, 3, 1000, 0, NULL, need);
  in.unit = 100;
  long long want[3] = {4, 3, 3};
  run(&in, want, &r);
  assert_true(r.areas[0].allocation == 400.0);
  assert_int_equal(r.total_units, 10);
  ampel_allocation_result_release(&r);
  in.budget = 1050;
  assert_int_equal(ampel_allocation_compute(&in, &r, &d), AMPEL_E_USAGE);
  assert_true(diags_contain(&d, "kein Vielfaches der Einheit"));
  in.budget = 1000;
  in.floor = 150;
  assert_int_equal(ampel_allocation_compute(&in, &r, &d), AMPEL_E_USAGE);
  in.floor = 0;
  in.cap = 450;
  assert_int_equal(ampel_allocation_compute(&in, &r, &d), AMPEL_E_USAGE);
  /* Half posts: B = 10, U = 0.5 -> 20 units -> 7, 7, 6 */
  in.cap = INFINITY;
  in.budget = 10;
  in.unit = 0.5;
  long long wh[3] = {7, 7, 6};
  run(&in, wh, &r);
  assert_true(r.areas[2].allocation == 3.0);
  ampel_allocation_result_release(&r);
  ampel_diags_release(&d);
}

/* Needs 1,1,1,7 of B = 100 -> 10,10,10,70. Floor 15: three areas are held
 * at 15, the remaining 55 go to the fourth. */
static void test_floor(void **state) {
  (void)state;
  double need[4] = {1, 1, 1, 7};
  ampel_allocation_input in;
  ampel_allocation_result r;
  setup(&in, 4, 100, 0, NULL, need);
  in.floor = 15;
  long long want[4] = {15, 15, 15, 55};
  run(&in, want, &r);
  assert_int_equal(r.areas[0].bound, -1);
  assert_int_equal(r.areas[3].bound, 0);
  assert_true(r.areas[0].need_part == 10.0); /* before floor */
  assert_true(r.areas[3].adjusted == 55.0);
  ampel_allocation_result_release(&r);
  /* floor exactly B/n: everybody gets it */
  in.floor = 25;
  long long w25[4] = {25, 25, 25, 25};
  run(&in, w25, &r);
  ampel_allocation_result_release(&r);
}

/* Cap 50: the fourth is held at 50, the other 50 are shared equally by
 * the three others: 16.67 each -> 17, 17, 16 (ties by area order). */
static void test_cap(void **state) {
  (void)state;
  double need[4] = {1, 1, 1, 7};
  ampel_allocation_input in;
  ampel_allocation_result r;
  setup(&in, 4, 100, 0, NULL, need);
  in.cap = 50;
  long long want[4] = {17, 17, 16, 50};
  run(&in, want, &r);
  assert_int_equal(r.areas[3].bound, 1);
  ampel_allocation_result_release(&r);
}

/* Needs 0,1,2,10, B = 130 -> 0,10,20,100; floor 10, cap 60. Area 1 (no
 * share) stays at the floor, area 4 at the cap; the remaining 60 go to
 * areas 2 and 3 in the ratio 10:20 -> 20, 40. */
static void test_floor_and_cap(void **state) {
  (void)state;
  double need[4] = {0, 1, 2, 10};
  ampel_allocation_input in;
  ampel_allocation_result r;
  setup(&in, 4, 130, 0, NULL, need);
  in.floor = 10;
  in.cap = 60;
  long long want[4] = {10, 20, 40, 60};
  run(&in, want, &r);
  int wb[4] = {-1, 0, 0, 1};
  for (int a = 0; a < 4; a++)
    assert_int_equal(r.areas[a].bound, wb[a]);
  ampel_allocation_result_release(&r);
  /* Needs 1,2,3,4,90 of 100, floor 5, cap 30: u = 1,2,3,4,90. Area 5 is
   * held at the cap; lambda*(1+2+3+4) + 30 = 100 gives lambda = 7 and
   * 7,14,21,28,30, all within [5, 30]. Area 1 was below the floor before
   * the cap's excess was redistributed, but it is not held there: a naive
   * "hold everybody who violates a bound at once" step would give it 5. */
  double n2[5] = {1, 2, 3, 4, 90};
  setup(&in, 5, 100, 0, NULL, n2);
  in.floor = 5;
  in.cap = 30;
  long long w2[5] = {7, 14, 21, 28, 30};
  run(&in, w2, &r);
  assert_int_equal(r.areas[0].bound, 0);
  assert_int_equal(r.areas[4].bound, 1);
  ampel_allocation_result_release(&r);
}

static void test_infeasible(void **state) {
  (void)state;
  double need[4] = {1, 2, 3, 4};
  ampel_allocation_input in;
  ampel_allocation_result r;
  ampel_diags d;
  ampel_diags_init(&d, 0);
  setup(&in, 4, 100, 0, NULL, need);
  in.floor = 30;
  assert_int_equal(ampel_allocation_compute(&in, &r, &d), AMPEL_E_USAGE);
  assert_true(diags_contain(&d, "Untergrenze nicht erfüllbar"));
  in.floor = 0;
  in.cap = 20;
  assert_int_equal(ampel_allocation_compute(&in, &r, &d), AMPEL_E_USAGE);
  assert_true(diags_contain(&d, "Obergrenze nicht erfüllbar"));
  in.cap = 10;
  in.floor = 20;
  assert_int_equal(ampel_allocation_compute(&in, &r, &d), AMPEL_E_USAGE);
  assert_true(diags_contain(&d, "größer als die Obergrenze"));
  /* n*cap >= B, but the area without share cannot take anything */
  double w[2] = {0, 1}, n2[2] = {1, 1};
  setup(&in, 2, 100, 0, w, n2);
  in.cap = 50;
  assert_int_equal(ampel_allocation_compute(&in, &r, &d), AMPEL_E_USAGE);
  assert_null(r.areas);
  /* bad options */
  setup(&in, 4, 100, 0, NULL, need);
  in.base_share = 1.5;
  assert_int_equal(ampel_allocation_compute(&in, &r, &d), AMPEL_E_USAGE);
  assert_true(diags_contain(&d, "Sockelanteil"));
  in.base_share = 0;
  in.budget = 0;
  assert_int_equal(ampel_allocation_compute(&in, &r, &d), AMPEL_E_USAGE);
  in.budget = 10.5;
  assert_int_equal(ampel_allocation_compute(&in, &r, &d), AMPEL_E_USAGE);
  in.budget = 1e17;
  assert_int_equal(ampel_allocation_compute(&in, &r, &d), AMPEL_E_TOO_LARGE);
  in.budget = 100;
  in.unit = -1;
  assert_int_equal(ampel_allocation_compute(&in, &r, &d), AMPEL_E_USAGE);
  in.unit = 1;
  need[2] = NAN;
  assert_int_equal(ampel_allocation_compute(&in, &r, &d), AMPEL_E_DATA);
  ampel_diags_release(&d);
}

static void test_large_budget(void **state) {
  (void)state;
  double need[3] = {1, 1, 1};
  ampel_allocation_input in;
  ampel_allocation_result r;
  setup(&in, 3, 1e15, 0, NULL, need);
  long long want[3] = {333333333333334LL, 333333333333333LL,
                       333333333333333LL};
  run(&in, want, &r);
  ampel_allocation_result_release(&r);
}

/* Independent reference: Hamilton apportionment of the exact quotas of the
 * plain formula (no floor/cap), computed with long double and a simple
 * O(n^2) selection instead of a sort. */
static void reference(size_t n, double B, double beta, const double *w,
                      const double *need, long long *out) {
  long double W = 0, WN = 0, q[64];
  for (size_t a = 0; a < n; a++) {
    W += w[a];
    WN += (long double)w[a] * need[a];
  }
  long long left = (long long)B;
  int taken[64] = {0};
  for (size_t a = 0; a < n; a++) {
    long double Bl = B;
    q[a] = Bl * beta * w[a] / W + Bl * (1.0L - beta) * w[a] * need[a] / WN;
    out[a] = (long long)floorl(q[a]);
    left -= out[a];
  }
  for (; left > 0; left--) {
    size_t best = n;
    for (size_t a = 0; a < n; a++) {
      if (taken[a])
        continue;
      long double ra = q[a] - floorl(q[a]);
      if (best == n || ra > q[best] - floorl(q[best]) ||
          (ra == q[best] - floorl(q[best]) && need[a] > need[best]))
        best = a;
    }
    taken[best] = 1;
    out[best]++;
  }
}

static void test_random_against_reference(void **state) {
  (void)state;
  unsigned long long lcg = 12345;
  for (int trial = 0; trial < 200; trial++) {
    size_t n = 1 + (size_t)(trial % 40);
    double w[64], need[64];
    for (size_t a = 0; a < n; a++) {
      lcg = lcg * 6364136223846793005ULL + 1442695040888963407ULL;
      w[a] = (double)(lcg >> 40) / 1000.0 + 1.0;
      lcg = lcg * 6364136223846793005ULL + 1442695040888963407ULL;
      need[a] = 1 + (double)((lcg >> 33) % 9);
    }
    double B = 1000 + (double)(trial * 7919 % 100000);
    double beta = (trial % 5) * 0.25;
    long long want[64];
    reference(n, B, beta, w, need, want);
    ampel_allocation_input in;
    ampel_allocation_result r;
    setup(&in, n, B, beta, w, need);
    run(&in, want, &r);
    ampel_allocation_result_release(&r);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_proportional),
      cmocka_unit_test(test_formula_and_rounding),
      cmocka_unit_test(test_beta_0_and_1),
      cmocka_unit_test(test_zero_weights),
      cmocka_unit_test(test_need_from_scores),
      cmocka_unit_test(test_remainder_ties),
      cmocka_unit_test(test_unit),
      cmocka_unit_test(test_floor),
      cmocka_unit_test(test_cap),
      cmocka_unit_test(test_floor_and_cap),
      cmocka_unit_test(test_infeasible),
      cmocka_unit_test(test_large_budget),
      cmocka_unit_test(test_random_against_reference),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
