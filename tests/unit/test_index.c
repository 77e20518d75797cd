/* Tests of the MSS status/dynamics index, ranks, levels and the need index
 * (index.h, METHODS.md §4, §5). Hand-computed examples plus fixtures whose
 * expected values come from numpy/pandas/scipy
 * (tests/fixtures/gen_index_fixtures.py). */
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

#define TOL 1e-12

/* ---------------------------------------------------------------------- */
/* Fixture reading: small CSV files without quoting, key=value meta files. */

typedef struct table {
  char *text;    /* the file, cut into cells in place */
  char **cell;   /* n_rows x n_cols, row 0 is the header */
  size_t n_rows; /* without header */
  size_t n_cols;
} table;

static char *slurp(const char *name) {
  const char *dir = getenv("AMPEL_SOURCE_DIR");
  char path[1024];
  snprintf(path, sizeof path, "%s/tests/fixtures/index/%s",
           dir ? dir : ".", name);
  FILE *f = fopen(path, "rb");
  if (!f)
    fail_msg("cannot open fixture %s (AMPEL_SOURCE_DIR set?)", path);
  fseek(f, 0, SEEK_END);
  long len = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *buf = malloc((size_t)len + 1);
  assert_non_null(buf);
  assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
  buf[len] = '\0';
  fclose(f);
  return buf;
}

static void table_load(table *t, const char *name) {
  memset(t, 0, sizeof *t);
  t->text = slurp(name);
  size_t lines = 0, commas = 0;
  for (char *p = t->text; *p && *p != '\n'; p++)
    commas += *p == ',';
  for (char *p = t->text; *p; p++)
    lines += *p == '\n';
  t->n_cols = commas + 1;
  t->cell = calloc(lines * t->n_cols, sizeof *t->cell);
  assert_non_null(t->cell);
  size_t row = 0, col = 0;
  char *start = t->text;
  for (char *p = t->text; *p; p++) {
    if (*p != ',' && *p != '\n')
      continue;
    int eol = *p == '\n';
    *p = '\0';
    assert_true(col < t->n_cols);
    t->cell[row * t->n_cols + col] = start;
    start = p + 1;
    if (eol) {
      assert_int_equal(col, t->n_cols - 1);
      row++;
      col = 0;
    } else {
      col++;
    }
  }
  t->n_rows = row - 1;
}

static void table_free(table *t) {
  free(t->text);
  free(t->cell);
}

static size_t table_col(const table *t, const char *name) {
  for (size_t c = 0; c < t->n_cols; c++)
    if (strcmp(t->cell[c], name) == 0)
      return c;
  fail_msg("column %s missing", name);
  return 0;
}

/* Cell of data row r (0-based) and column `name`. */
static const char *table_get(const table *t, size_t r, const char *name) {
  return t->cell[(r + 1) * t->n_cols + table_col(t, name)];
}

static double table_num(const table *t, size_t r, const char *name) {
  const char *s = table_get(t, r, name);
  char *end;
  double v = strtod(s, &end);
  assert_true(end != s && *end == '\0');
  return v;
}

/* Value of `key` in a meta file text (copied into buf). */
static const char *meta_get(const char *text, const char *key, char *buf,
                            size_t len) {
  size_t kl = strlen(key);
  for (const char *p = text; *p;) {
    const char *eol = strchr(p, '\n');
    size_t ll = eol ? (size_t)(eol - p) : strlen(p);
    if (ll > kl && strncmp(p, key, kl) == 0 && p[kl] == '=') {
      snprintf(buf, len, "%.*s", (int)(ll - kl - 1), p + kl + 1);
      return buf;
    }
    p += ll + (eol != NULL);
  }
  fail_msg("meta key %s missing", key);
  return NULL;
}

/* Up to `max` comma-separated numbers of a meta value; returns the count. */
static size_t meta_nums(const char *text, const char *key, double *out,
                        size_t max) {
  char buf[512];
  const char *s = meta_get(text, key, buf, sizeof buf);
  size_t n = 0;
  while (*s && n < max) {
    char *end;
    out[n++] = strtod(s, &end);
    assert_true(end != s);
    s = *end == ',' ? end + 1 : end;
  }
  return n;
}

static void assert_near(double got, double want, const char *what,
                        size_t row) {
  if (isnan(want) && isnan(got))
    return;
  if (!(fabs(got - want) <= TOL * (fabs(want) > 1 ? fabs(want) : 1)))
    fail_msg("%s row %zu: got %.17g want %.17g", what, row + 1, got, want);
}

static int diags_contain(const ampel_diags *d, const char *needle) {
  for (size_t i = 0; i < d->n; i++)
    if (d->items[i].message && strstr(d->items[i].message, needle))
      return 1;
  return 0;
}

/* ---------------------------------------------------------------------- */
/* MSS: hand-computed example                                              */

/* Universe of 12 areas: pattern P has mean 0 and population SD 1 exactly,
 * so with s1 = 10 + P (higher_is_worse) and s2 = 20 - P (higher_is_better)
 * both oriented z are P, the sum is 2P (SD 2) and status_index = P exactly.
 * Dynamics d1 = 3 - D (higher_is_better): oriented z = D = index. The
 * values hit every class boundary exactly (-1, 1, 1.5). Two more areas are
 * excluded (population 250 < 300; missing s2), one has unknown population
 * and stays in. */
static const double P[12] = {1.5, -1.5, 1, -1, 1.5, -1.5,
                             0.5, -0.5, 0.5, -0.5, 0, 0};
static const double D[12] = {0, 0, -1, 1, 0.5, -0.5,
                             1.5, -1.5, -0.5, 0.5, 1.5, -1.5};
static const int want_sc[12] = {4, 1, 3, 1, 4, 1, 2, 2, 2, 2, 2, 2};
static const char *want_group[12] = {"4+/-", "1+/-", "3+", "1-",
                                     "4+/-", "1+/-", "2-", "2+",
                                     "2+/-", "2+/-", "2-", "2+"};

static void test_mss_hand(void **state) {
  (void)state;
  double s[14 * 2], dy[14], pop[14];
  ampel_polarity ps[2] = {AMPEL_POL_HIGHER_IS_WORSE,
                          AMPEL_POL_HIGHER_IS_BETTER};
  ampel_polarity pd[1] = {AMPEL_POL_HIGHER_IS_BETTER};
  int uni[14]; /* universe row index or -1 */
  for (size_t a = 0, u = 0; a < 14; a++) {
    pop[a] = 1000;
    if (a == 3 || a == 8) { /* excluded areas with extreme values */
      uni[a] = -1;
      s[a * 2] = 100;
      s[a * 2 + 1] = a == 8 ? NAN : -100;
      dy[a] = 50;
      pop[a] = a == 3 ? 250 : 5000;
      continue;
    }
    uni[a] = (int)u;
    s[a * 2] = 10 + P[u];
    s[a * 2 + 1] = 20 - P[u];
    dy[a] = 3 - D[u];
    if (a == 5)
      pop[a] = NAN;
    u++;
  }
  ampel_mss_input in;
  ampel_mss_input_init(&in);
  assert_true(in.min_population == 300.0);
  in.n_areas = 14;
  in.k_status = 2;
  in.status = s;
  in.status_polarity = ps;
  in.k_dynamics = 1;
  in.dynamics = dy;
  in.dynamics_polarity = pd;
  in.population = pop;
  ampel_mss_result r;
  assert_int_equal(ampel_mss_compute(&in, &r, NULL), AMPEL_OK);
  assert_int_equal(r.n_universe, 12);
  for (size_t a = 0; a < 14; a++) {
    const ampel_mss_area *ar = &r.areas[a];
    if (uni[a] < 0) {
      assert_int_equal(ar->in_universe, 0);
      assert_true(isnan(ar->status_index) && isnan(ar->dynamics_index));
      assert_true(isnan(r.z_status[a * 2]) && isnan(r.z_dynamics[a]));
      assert_int_equal(ar->status_class, 0);
      assert_int_equal(ar->dynamics_class, 0);
      assert_string_equal(ar->group, "");
      continue;
    }
    size_t u = (size_t)uni[a];
    assert_int_equal(ar->in_universe, 1);
    assert_true(r.z_status[a * 2] == P[u]);
    assert_true(r.z_status[a * 2 + 1] == P[u]);
    assert_true(r.z_dynamics[a] == D[u]);
    assert_true(ar->status_sum == 2 * P[u]);
    assert_true(ar->status_index == P[u]); /* exact, boundaries included */
    assert_true(ar->dynamics_sum == D[u]);
    assert_true(ar->dynamics_index == D[u]);
    assert_int_equal(ar->status_class, want_sc[u]);
    assert_string_equal(ar->group, want_group[u]);
  }
  ampel_mss_result_release(&r);
  ampel_mss_result_release(&r); /* released twice: no-op */
}

static void test_mss_labels(void **state) {
  (void)state;
  assert_int_equal(ampel_mss_status_class(-1.0), 1);
  assert_int_equal(ampel_mss_status_class(nextafter(-1.0, 0)), 2);
  assert_int_equal(ampel_mss_status_class(nextafter(1.0, 0)), 2);
  assert_int_equal(ampel_mss_status_class(1.0), 3);
  assert_int_equal(ampel_mss_status_class(nextafter(1.5, 0)), 3);
  assert_int_equal(ampel_mss_status_class(1.5), 4);
  assert_int_equal(ampel_mss_status_class(NAN), 0);
  assert_int_equal(ampel_mss_dynamics_class(-1.0), AMPEL_MSS_DYN_POSITIVE);
  assert_int_equal(ampel_mss_dynamics_class(nextafter(-1.0, 0)),
                   AMPEL_MSS_DYN_STABLE);
  assert_int_equal(ampel_mss_dynamics_class(nextafter(1.0, 0)),
                   AMPEL_MSS_DYN_STABLE);
  assert_int_equal(ampel_mss_dynamics_class(1.0), AMPEL_MSS_DYN_NEGATIVE);
  assert_string_equal(ampel_mss_status_label(1), "hoch");
  assert_string_equal(ampel_mss_status_label(2), "mittel");
  assert_string_equal(ampel_mss_status_label(3), "niedrig");
  assert_string_equal(ampel_mss_status_label(4), "sehr niedrig");
  assert_string_equal(ampel_mss_status_label(0), "");
  assert_string_equal(ampel_mss_dynamics_sign(1), "+");
  assert_string_equal(ampel_mss_dynamics_sign(2), "+/-");
  assert_string_equal(ampel_mss_dynamics_sign(3), "-");
  assert_string_equal(ampel_mss_dynamics_label(1), "positiv");
  assert_string_equal(ampel_mss_dynamics_label(2), "stabil");
  assert_string_equal(ampel_mss_dynamics_label(3), "negativ");
  assert_string_equal(ampel_mss_dynamics_label(9), "");
}

static void test_mss_errors(void **state) {
  (void)state;
  double s[4] = {1, 2, 3, 4};
  ampel_polarity neutral = AMPEL_POL_NEUTRAL, worse = AMPEL_POL_HIGHER_IS_WORSE;
  const char *keys[1] = {"alo"};
  ampel_mss_input in;
  ampel_mss_result r;
  ampel_diags d;
  ampel_diags_init(&d, 0);
  ampel_mss_input_init(&in);
  in.n_areas = 4;
  in.k_status = 1;
  in.status = s;
  in.status_polarity = &neutral;
  in.status_keys = keys;
  assert_int_equal(ampel_mss_compute(&in, &r, &d), AMPEL_E_USAGE);
  assert_true(diags_contain(&d, "'alo' ist neutral"));
  assert_null(r.areas);
  in.status_polarity = &worse;
  s[0] = s[1] = s[2] = s[3] = 7; /* no spread */
  assert_int_equal(ampel_mss_compute(&in, &r, &d), AMPEL_E_DATA);
  assert_true(diags_contain(&d, "keine Streuung"));
  s[0] = 1;
  s[1] = s[2] = s[3] = NAN; /* one area left */
  assert_int_equal(ampel_mss_compute(&in, &r, &d), AMPEL_E_DATA);
  assert_true(diags_contain(&d, "mindestens 2"));
  s[1] = INFINITY;
  assert_int_equal(ampel_mss_compute(&in, &r, &d), AMPEL_E_DATA);
  in.k_status = 0;
  assert_int_equal(ampel_mss_compute(&in, &r, &d), AMPEL_E_USAGE);
  in.k_status = 1;
  in.min_population = NAN;
  assert_int_equal(ampel_mss_compute(&in, &r, NULL), AMPEL_E_USAGE);
  ampel_diags_release(&d);
}

/* ---------------------------------------------------------------------- */
/* MSS against numpy                                                        */

static void run_mss_fixture(const char *name) {
  char fn[256], buf[64];
  snprintf(fn, sizeof fn, "%s.meta", name);
  char *meta = slurp(fn);
  table in_t, ex_t;
  snprintf(fn, sizeof fn, "%s_input.csv", name);
  table_load(&in_t, fn);
  snprintf(fn, sizeof fn, "%s_expected.csv", name);
  table_load(&ex_t, fn);
  size_t n = (size_t)atol(meta_get(meta, "n_areas", buf, sizeof buf));
  size_t ks = (size_t)atol(meta_get(meta, "k_status", buf, sizeof buf));
  size_t kd = (size_t)atol(meta_get(meta, "k_dynamics", buf, sizeof buf));
  assert_int_equal(in_t.n_rows, n);
  double pol[16];
  ampel_polarity ps[16], pd[16];
  assert_int_equal(meta_nums(meta, "status_polarity", pol, 16), ks);
  for (size_t j = 0; j < ks; j++)
    ps[j] = (ampel_polarity)(int)pol[j];
  if (kd)
    assert_int_equal(meta_nums(meta, "dynamics_polarity", pol, 16), kd);
  for (size_t j = 0; j < kd; j++)
    pd[j] = (ampel_polarity)(int)pol[j];
  double *s = calloc(n * ks, sizeof *s), *dy = calloc(n * kd + 1, sizeof *dy);
  double *pop = calloc(n, sizeof *pop);
  for (size_t a = 0; a < n; a++) {
    for (size_t j = 0; j < ks; j++) {
      snprintf(buf, sizeof buf, "s%zu", j + 1);
      s[a * ks + j] = table_num(&in_t, a, buf);
    }
    for (size_t j = 0; j < kd; j++) {
      snprintf(buf, sizeof buf, "d%zu", j + 1);
      dy[a * kd + j] = table_num(&in_t, a, buf);
    }
    pop[a] = table_num(&in_t, a, "population");
  }
  ampel_mss_input in;
  ampel_mss_input_init(&in);
  in.n_areas = n;
  in.k_status = ks;
  in.status = s;
  in.status_polarity = ps;
  in.k_dynamics = kd;
  in.dynamics = dy;
  in.dynamics_polarity = pd;
  if (atoi(meta_get(meta, "has_population", buf, sizeof buf)))
    in.population = pop;
  in.min_population = atof(meta_get(meta, "min_population", buf, sizeof buf));
  ampel_mss_result r;
  assert_int_equal(ampel_mss_compute(&in, &r, NULL), AMPEL_OK);
  assert_int_equal(r.n_universe,
                   (size_t)atol(meta_get(meta, "n_universe", buf, sizeof buf)));
  for (size_t a = 0; a < n; a++) {
    const ampel_mss_area *ar = &r.areas[a];
    assert_int_equal(ar->in_universe, table_num(&ex_t, a, "in_universe"));
    assert_near(ar->status_sum, table_num(&ex_t, a, "status_sum"), "ssum", a);
    assert_near(ar->status_index, table_num(&ex_t, a, "status_index"),
                "sidx", a);
    assert_near(ar->dynamics_sum, table_num(&ex_t, a, "dynamics_sum"),
                "dsum", a);
    assert_near(ar->dynamics_index, table_num(&ex_t, a, "dynamics_index"),
                "didx", a);
    assert_int_equal(ar->status_class, table_num(&ex_t, a, "status_class"));
    assert_int_equal(ar->dynamics_class,
                     table_num(&ex_t, a, "dynamics_class"));
    assert_string_equal(ar->group, table_get(&ex_t, a, "group"));
    for (size_t j = 0; j < ks; j++) {
      snprintf(buf, sizeof buf, "zs%zu", j + 1);
      assert_near(r.z_status[a * ks + j], table_num(&ex_t, a, buf), buf, a);
    }
    for (size_t j = 0; j < kd; j++) {
      snprintf(buf, sizeof buf, "zd%zu", j + 1);
      assert_near(r.z_dynamics[a * kd + j], table_num(&ex_t, a, buf), buf, a);
    }
  }
  ampel_mss_result_release(&r);
  free(s);
  free(dy);
  free(pop);
  free(meta);
  table_free(&in_t);
  table_free(&ex_t);
}

static void test_mss_numpy_small(void **state) {
  (void)state;
  run_mss_fixture("mss_small");
}

static void test_mss_numpy_berlin_size(void **state) {
  (void)state;
  run_mss_fixture("mss_berlin");
}

static void test_mss_numpy_no_dynamics(void **state) {
  (void)state;
  run_mss_fixture("mss_nodyn");
}

/* ---------------------------------------------------------------------- */
/* Ranks and levels                                                         */

static void levels(size_t n, const double *s, int k, double q,
                   ampel_level_method m, size_t *rank, int *lv) {
  ampel_level_opts o;
  ampel_level_opts_init(&o);
  o.k = k;
  o.top_share = q;
  o.method = m;
  assert_int_equal(ampel_levels_compute(n, s, &o, rank, lv, NULL), AMPEL_OK);
}

static void expect_ints(size_t n, const int *got, const int *want) {
  for (size_t i = 0; i < n; i++)
    if (got[i] != want[i])
      fail_msg("item %zu: got %d want %d", i, got[i], want[i]);
}

static void expect_ranks(size_t n, const size_t *got, const size_t *want) {
  for (size_t i = 0; i < n; i++)
    if (got[i] != want[i])
      fail_msg("rank %zu: got %zu want %zu", i, got[i], want[i]);
}

/* t = ceil(0.2*10) = 2, but the 2nd and 3rd score tie: both go up. Rest
 * 8..2 in K' = 2 levels of width 3: [2,5) -> 1, [5,8] -> 2. */
static void test_levels_top_share_ties(void **state) {
  (void)state;
  double s[10] = {10, 9, 9, 8, 7, 6, 5, 4, 3, 2};
  size_t rank[10];
  int lv[10];
  levels(10, s, 3, 0.2, AMPEL_LEVEL_WIDTH, rank, lv);
  size_t wr[10] = {1, 2, 2, 4, 5, 6, 7, 8, 9, 10};
  int wl[10] = {3, 3, 3, 2, 2, 2, 2, 1, 1, 1};
  expect_ranks(10, rank, wr);
  expect_ints(10, lv, wl);
  /* count: r = 7, level = 2 - floor((p-1)*2/7) -> p 1..4 -> 2, 5..7 -> 1 */
  levels(10, s, 3, 0.2, AMPEL_LEVEL_COUNT, rank, lv);
  expect_ints(10, lv, wl);
}

static void test_levels_width_vs_count(void **state) {
  (void)state;
  double s[6] = {100, 4, 3, 2, 1, 0};
  int lv[6];
  levels(6, s, 2, 0, AMPEL_LEVEL_WIDTH, NULL, lv);
  int ww[6] = {2, 1, 1, 1, 1, 1}; /* 4*2/100 < 1 */
  expect_ints(6, lv, ww);
  levels(6, s, 2, 0, AMPEL_LEVEL_COUNT, NULL, lv);
  int wc[6] = {2, 2, 2, 1, 1, 1}; /* p-1 = 0,1,2 -> floor(<1) */
  expect_ints(6, lv, wc);
  /* A tie block across the count boundary goes up as a whole: ranks
   * 1,2,3,3,3,6; p = 3 -> 2 - floor(4/6) = 2. */
  double t[6] = {5, 4, 3, 3, 3, 0};
  size_t rank[6];
  levels(6, t, 2, 0, AMPEL_LEVEL_COUNT, rank, lv);
  size_t wr[6] = {1, 2, 3, 3, 3, 6};
  int wt[6] = {2, 2, 2, 2, 2, 1};
  expect_ranks(6, rank, wr);
  expect_ints(6, lv, wt);
  /* Width: a score exactly on a boundary belongs to the upper level:
   * lo 0, hi 9, K 3 -> [0,3) 1, [3,6) 2, [6,9] 3. */
  double u[6] = {0, 2.5, 3, 5.5, 6, 9};
  levels(6, u, 3, 0, AMPEL_LEVEL_WIDTH, NULL, lv);
  int wu[6] = {1, 1, 2, 2, 3, 3};
  expect_ints(6, lv, wu);
}

static void test_levels_degenerate(void **state) {
  (void)state;
  double s[4] = {3, 1, 2, 2};
  size_t rank[4];
  int lv[4];
  /* K = 1: everybody level 1 (top share irrelevant) */
  levels(4, s, 1, 0.5, AMPEL_LEVEL_WIDTH, rank, lv);
  int w1[4] = {1, 1, 1, 1};
  size_t wr[4] = {1, 4, 2, 2};
  expect_ints(4, lv, w1);
  expect_ranks(4, rank, wr);
  /* All equal: ties go up -> all level K, rank 1, in every mode. */
  double e[3] = {0.25, 0.25, 0.25};
  int w9[3] = {9, 9, 9};
  size_t r1[3] = {1, 1, 1};
  for (int m = 0; m < 2; m++) {
    levels(3, e, 9, 0, (ampel_level_method)m, rank, lv);
    expect_ints(3, lv, w9);
    expect_ranks(3, rank, r1);
    levels(3, e, 9, 0.05, (ampel_level_method)m, rank, lv);
    expect_ints(3, lv, w9);
  }
  /* n = 1 */
  double one = -4.2;
  levels(1, &one, 9, 0, AMPEL_LEVEL_WIDTH, rank, lv);
  assert_int_equal(lv[0], 9);
  assert_int_equal(rank[0], 1);
  levels(1, &one, 9, 0.05, AMPEL_LEVEL_COUNT, rank, lv);
  assert_int_equal(lv[0], 9);
  /* With top share the rest all equal: they get K-1. */
  double f[4] = {5, 1, 1, 1};
  levels(4, f, 9, 0.25, AMPEL_LEVEL_WIDTH, rank, lv);
  int wf[4] = {9, 8, 8, 8};
  expect_ints(4, lv, wf);
  /* n = 0 is fine */
  levels(0, NULL, 9, 0, AMPEL_LEVEL_WIDTH, NULL, NULL);
}

static void test_levels_missing_and_zero(void **state) {
  (void)state;
  double s[4] = {1, NAN, 2, -0.0};
  double z[2] = {0.0, -0.0};
  size_t rank[4];
  int lv[4];
  levels(4, s, 3, 0, AMPEL_LEVEL_WIDTH, rank, lv);
  size_t wr[4] = {2, 0, 1, 3};
  int wl[4] = {2, 0, 3, 1}; /* 1*3/2 = 1.5 -> level 2 */
  expect_ranks(4, rank, wr);
  expect_ints(4, lv, wl);
  levels(2, z, 3, 0, AMPEL_LEVEL_WIDTH, rank, lv);
  assert_int_equal(rank[0], 1);
  assert_int_equal(rank[1], 1); /* -0 == +0 */
}

/* q*m that is an integer in decimal must not round up through binary
 * error: 0.07*100 is 7.000000000000001 in double. */
static void test_levels_top_count_decimal(void **state) {
  (void)state;
  double s[100];
  int lv[100];
  for (int i = 0; i < 100; i++)
    s[i] = i;
  const double qs[3] = {0.07, 0.05, 0.29};
  const int want[3] = {7, 5, 29};
  for (int c = 0; c < 3; c++) {
    levels(100, s, 9, qs[c], AMPEL_LEVEL_COUNT, NULL, lv);
    int top = 0;
    for (int i = 0; i < 100; i++)
      top += lv[i] == 9;
    assert_int_equal(top, want[c]);
    assert_int_equal(lv[99], 9);
    assert_int_equal(lv[99 - want[c]], 8);
  }
  /* 0.051 * 100 = 5.1 -> 6 */
  levels(100, s, 9, 0.051, AMPEL_LEVEL_COUNT, NULL, lv);
  assert_int_equal(lv[94], 9);
  assert_int_equal(lv[93], 8);
}

static void test_levels_errors(void **state) {
  (void)state;
  double s[2] = {1, 2};
  ampel_level_opts o;
  ampel_diags d;
  ampel_diags_init(&d, 0);
  ampel_level_opts_init(&o);
  assert_int_equal(o.k, 9);
  o.k = 0;
  assert_int_equal(ampel_levels_compute(2, s, &o, NULL, NULL, &d),
                   AMPEL_E_USAGE);
  o.k = AMPEL_LEVELS_MAX_K + 1;
  assert_int_equal(ampel_levels_compute(2, s, &o, NULL, NULL, &d),
                   AMPEL_E_USAGE);
  o.k = 9;
  const double bad_q[4] = {1.0, -0.1, NAN, 2.0};
  for (int i = 0; i < 4; i++) {
    o.top_share = bad_q[i];
    assert_int_equal(ampel_levels_compute(2, s, &o, NULL, NULL, &d),
                     AMPEL_E_USAGE);
  }
  assert_true(diags_contain(&d, "--top-share"));
  o.top_share = 0;
  o.method = (ampel_level_method)7;
  assert_int_equal(ampel_levels_compute(2, s, &o, NULL, NULL, &d),
                   AMPEL_E_USAGE);
  o.method = AMPEL_LEVEL_WIDTH;
  s[1] = -INFINITY;
  assert_int_equal(ampel_levels_compute(2, s, &o, NULL, NULL, &d),
                   AMPEL_E_DATA);
  ampel_diags_release(&d);
}

/* ---------------------------------------------------------------------- */
/* Need index                                                               */

/* One indicator, values 1, 2, 3 (higher_is_better): mean 2, SD sqrt(2/3),
 * oriented z = -(x-2)/sqrt(2/3). Weight normalised to 1. */
static void test_need_hand(void **state) {
  (void)state;
  double x[4] = {1, 2, NAN, 3};
  ampel_polarity p = AMPEL_POL_HIGHER_IS_BETTER;
  double w = 5.0;
  ampel_need_input in;
  ampel_need_input_init(&in);
  in.n_areas = 4;
  in.k = 1;
  in.values = x;
  in.polarity = &p;
  in.weights = &w;
  in.levels.k = 3;
  ampel_need_result r;
  assert_int_equal(ampel_need_compute(&in, &r, NULL), AMPEL_OK);
  double z = 1.0 / sqrt(2.0 / 3.0);
  assert_int_equal(r.n_universe, 3);
  assert_true(r.weights[0] == 1.0);
  assert_near(r.score[0], z, "score", 0);
  assert_near(r.score[1], 0.0, "score", 1);
  assert_true(isnan(r.score[2]) && isnan(r.z[2]));
  assert_near(r.score[3], -z, "score", 3);
  size_t wr[4] = {1, 2, 0, 3};
  int wl[4] = {3, 2, 0, 1};
  expect_ranks(4, r.rank, wr);
  expect_ints(4, r.level, wl);
  ampel_need_result_release(&r);
}

static void test_need_errors(void **state) {
  (void)state;
  double x[6] = {1, 2, 3, 4, 5, 7};
  ampel_polarity p[2] = {AMPEL_POL_HIGHER_IS_WORSE, AMPEL_POL_NEUTRAL};
  double w[2] = {1, 1};
  const char *keys[2] = {"sgb2", "migration"};
  ampel_need_input in;
  ampel_need_result r;
  ampel_diags d;
  ampel_diags_init(&d, 0);
  ampel_need_input_init(&in);
  in.n_areas = 3;
  in.k = 2;
  in.values = x;
  in.polarity = p;
  in.weights = w;
  in.keys = keys;
  assert_int_equal(ampel_need_compute(&in, &r, &d), AMPEL_E_USAGE);
  assert_true(diags_contain(&d, "'migration' ist neutral"));
  assert_null(r.score);
  p[1] = AMPEL_POL_HIGHER_IS_BETTER;
  w[1] = -0.5;
  assert_int_equal(ampel_need_compute(&in, &r, &d), AMPEL_E_USAGE);
  assert_true(diags_contain(&d, "Gewichte müssen"));
  w[0] = w[1] = 0;
  assert_int_equal(ampel_need_compute(&in, &r, &d), AMPEL_E_USAGE);
  assert_true(diags_contain(&d, "Alle Gewichte sind 0"));
  w[0] = NAN;
  assert_int_equal(ampel_need_compute(&in, &r, &d), AMPEL_E_USAGE);
  w[0] = 1;
  in.levels.top_share = 1.5;
  assert_int_equal(ampel_need_compute(&in, &r, &d), AMPEL_E_USAGE);
  in.levels.top_share = 0;
  x[2] = x[4] = NAN; /* only one complete area */
  assert_int_equal(ampel_need_compute(&in, &r, &d), AMPEL_E_DATA);
  ampel_diags_release(&d);
}

static void run_need_fixture(const char *name) {
  char fn[256], buf[64], opt[64];
  snprintf(fn, sizeof fn, "%s.meta", name);
  char *meta = slurp(fn);
  table in_t, ex_t;
  snprintf(fn, sizeof fn, "%s_input.csv", name);
  table_load(&in_t, fn);
  snprintf(fn, sizeof fn, "%s_expected.csv", name);
  table_load(&ex_t, fn);
  size_t n = (size_t)atol(meta_get(meta, "n_areas", buf, sizeof buf));
  size_t k = (size_t)atol(meta_get(meta, "k", buf, sizeof buf));
  double pol[16], w[16];
  ampel_polarity p[16];
  assert_int_equal(meta_nums(meta, "polarity", pol, 16), k);
  assert_int_equal(meta_nums(meta, "weights", w, 16), k);
  for (size_t j = 0; j < k; j++)
    p[j] = (ampel_polarity)(int)pol[j];
  double *x = calloc(n * k, sizeof *x);
  for (size_t a = 0; a < n; a++)
    for (size_t j = 0; j < k; j++) {
      snprintf(buf, sizeof buf, "x%zu", j + 1);
      x[a * k + j] = table_num(&in_t, a, buf);
    }
  ampel_need_input in;
  ampel_need_input_init(&in);
  in.n_areas = n;
  in.k = k;
  in.values = x;
  in.polarity = p;
  in.weights = w;
  int n_opts = atoi(meta_get(meta, "n_level_opts", buf, sizeof buf));
  for (int i = 1; i <= n_opts; i++) {
    snprintf(fn, sizeof fn, "level%d", i);
    double v[2];
    meta_get(meta, fn, opt, sizeof opt);
    assert_int_equal(meta_nums(meta, fn, v, 2), 2);
    in.levels.k = (int)v[0];
    in.levels.top_share = v[1];
    in.levels.method =
        strstr(opt, "count") ? AMPEL_LEVEL_COUNT : AMPEL_LEVEL_WIDTH;
    ampel_need_result r;
    assert_int_equal(ampel_need_compute(&in, &r, NULL), AMPEL_OK);
    for (size_t a = 0; a < n; a++) {
      assert_near(r.score[a], table_num(&ex_t, a, "score"), "score", a);
      assert_int_equal(r.rank[a], table_num(&ex_t, a, "rank"));
      if (r.level[a] != (int)table_num(&ex_t, a, fn))
        fail_msg("%s %s row %zu: level %d want %s", name, fn, a + 1,
                 r.level[a], table_get(&ex_t, a, fn));
      for (size_t j = 0; j < k; j++) {
        snprintf(buf, sizeof buf, "z%zu", j + 1);
        assert_near(r.z[a * k + j], table_num(&ex_t, a, buf), buf, a);
      }
    }
    ampel_need_result_release(&r);
  }
  free(x);
  free(meta);
  table_free(&in_t);
  table_free(&ex_t);
}

static void test_need_numpy(void **state) {
  (void)state;
  run_need_fixture("need_a");
  run_need_fixture("need_b");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_mss_hand),
      cmocka_unit_test(test_mss_labels),
      cmocka_unit_test(test_mss_errors),
      cmocka_unit_test(test_mss_numpy_small),
      cmocka_unit_test(test_mss_numpy_berlin_size),
      cmocka_unit_test(test_mss_numpy_no_dynamics),
      cmocka_unit_test(test_levels_top_share_ties),
      cmocka_unit_test(test_levels_width_vs_count),
      cmocka_unit_test(test_levels_degenerate),
      cmocka_unit_test(test_levels_missing_and_zero),
      cmocka_unit_test(test_levels_top_count_decimal),
      cmocka_unit_test(test_levels_errors),
      cmocka_unit_test(test_need_hand),
      cmocka_unit_test(test_need_numpy),
      cmocka_unit_test(test_need_errors),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
