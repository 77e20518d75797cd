/* Tests for the clustering core (include/ampel/cluster.h).
 *
 * The reference numbers come from SciPy: tests/fixtures/cluster/ is written
 * by tests/fixtures/gen_cluster_fixtures.py (pdist, linkage, cophenet,
 * leaves_list, plus R-style distances with missing cells and the mean leaf
 * order computed in numpy). Heights and distances must agree to 1e-9
 * relative; the linkage matrix must agree exactly (ids and sizes) wherever
 * the distances have no ties, and does agree on the tie fixtures too since
 * the algorithms break ties the way SciPy does.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ampel/alloc.h"
#include "ampel/cluster.h"
#include "compute/cluster_internal.h"

#define REL_TOL 1e-9

static const ampel_linkage methods[] = {
    AMPEL_LINKAGE_COMPLETE, AMPEL_LINKAGE_AVERAGE, AMPEL_LINKAGE_SINGLE,
    AMPEL_LINKAGE_WARD};
#define N_METHODS (sizeof methods / sizeof methods[0])

/* ---- Reading fixtures ----------------------------------------------------
 */

typedef struct tokens {
  char *buf;
  char *p;
} tokens;

static void tokens_open(tokens *t, const char *name) {
  const char *src = getenv("AMPEL_SOURCE_DIR");
  char path[4096];
  snprintf(path, sizeof path, "%s/tests/fixtures/cluster/%s", src ? src : ".",
           name);
  FILE *f = fopen(path, "rb");
  if (!f)
    fail_msg("cannot open fixture %s (AMPEL_SOURCE_DIR set?)", path);
  fseek(f, 0, SEEK_END);
  long len = ftell(f);
  fseek(f, 0, SEEK_SET);
  assert_true(len >= 0);
  t->buf = malloc((size_t)len + 1);
  assert_non_null(t->buf);
  assert_int_equal(fread(t->buf, 1, (size_t)len, f), (size_t)len);
  t->buf[len] = '\0';
  t->p = t->buf;
  fclose(f);
}

static void tokens_close(tokens *t) { free(t->buf); }

static char *next_tok(tokens *t) {
  while (*t->p == ' ' || *t->p == '\n' || *t->p == '\r' || *t->p == '\t')
    t->p++;
  assert_true(*t->p != '\0');
  char *start = t->p;
  while (*t->p && *t->p != ' ' && *t->p != '\n' && *t->p != '\r')
    t->p++;
  if (*t->p)
    *t->p++ = '\0';
  return start;
}

static size_t next_size(tokens *t) {
  char *end;
  const char *s = next_tok(t);
  unsigned long long v = strtoull(s, &end, 10);
  assert_true(*end == '\0');
  return (size_t)v;
}

static double next_double(tokens *t) {
  char *end;
  const char *s = next_tok(t);
  double v = strtod(s, &end);
  assert_true(*end == '\0');
  return v;
}

static void expect_word(tokens *t, const char *word) {
  assert_string_equal(next_tok(t), word);
}

/* The input matrix of a case. */
typedef struct matrix {
  size_t rows, cols;
  double *x;
} matrix;

static matrix load_matrix(const char *c) {
  char name[256];
  snprintf(name, sizeof name, "%s.x.txt", c);
  tokens t;
  tokens_open(&t, name);
  matrix m;
  m.rows = next_size(&t);
  m.cols = next_size(&t);
  m.x = malloc((m.rows * m.cols + 1) * sizeof(double));
  assert_non_null(m.x);
  for (size_t i = 0; i < m.rows * m.cols; i++)
    m.x[i] = next_double(&t);
  tokens_close(&t);
  return m;
}

/* A list of (i, j, value) pairs. */
typedef struct pairs {
  size_t n;
  size_t *i, *j;
  double *v;
} pairs;

static pairs read_pairs(tokens *t, size_t count) {
  pairs p = {count, malloc((count + 1) * sizeof(size_t)),
             malloc((count + 1) * sizeof(size_t)),
             malloc((count + 1) * sizeof(double))};
  assert_true(p.i && p.j && p.v);
  for (size_t k = 0; k < count; k++) {
    p.i[k] = next_size(t);
    p.j[k] = next_size(t);
    p.v[k] = next_double(t);
  }
  return p;
}

static void pairs_free(pairs *p) {
  free(p->i);
  free(p->j);
  free(p->v);
}

/* SciPy's results for one case and method. */
typedef struct expected {
  size_t n;
  int ties;
  ampel_cluster_merge *z;
  double coph_sum;
  pairs coph;
  double *weights;
  size_t *leaves, *meanorder;
} expected;

static size_t *read_ids(tokens *t, const char *word, size_t n) {
  expect_word(t, word);
  assert_int_equal(next_size(t), n);
  size_t *ids = malloc((n + 1) * sizeof *ids);
  assert_non_null(ids);
  for (size_t i = 0; i < n; i++)
    ids[i] = next_size(t);
  return ids;
}

static expected load_expected(const char *c, ampel_linkage method) {
  char name[256];
  snprintf(name, sizeof name, "%s.%s.txt", c, ampel_linkage_name(method));
  tokens t;
  tokens_open(&t, name);
  expected e;
  expect_word(&t, "n");
  e.n = next_size(&t);
  expect_word(&t, "ties");
  e.ties = (int)next_size(&t);
  expect_word(&t, "merges");
  size_t nm = next_size(&t);
  e.z = malloc((nm + 1) * sizeof *e.z);
  assert_non_null(e.z);
  for (size_t k = 0; k < nm; k++) {
    e.z[k].left = next_size(&t);
    e.z[k].right = next_size(&t);
    e.z[k].height = next_double(&t);
    e.z[k].size = next_size(&t);
  }
  expect_word(&t, "coph_sum");
  e.coph_sum = next_double(&t);
  expect_word(&t, "coph");
  e.coph = read_pairs(&t, next_size(&t));
  expect_word(&t, "weights");
  assert_int_equal(next_size(&t), e.n);
  e.weights = malloc((e.n + 1) * sizeof(double));
  assert_non_null(e.weights);
  for (size_t i = 0; i < e.n; i++)
    e.weights[i] = next_double(&t);
  e.leaves = read_ids(&t, "leaves", e.n);
  e.meanorder = read_ids(&t, "meanorder", e.n);
  tokens_close(&t);
  return e;
}

static void expected_free(expected *e) {
  free(e->z);
  pairs_free(&e->coph);
  free(e->weights);
  free(e->leaves);
  free(e->meanorder);
}

/* ---- Comparisons ---------------------------------------------------------
 */

static int close_enough(double a, double b) {
  double scale = fmax(fabs(a), fabs(b));
  return fabs(a - b) <= REL_TOL * scale + 1e-300;
}

static void assert_close(double got, double want, const char *what, size_t k) {
  if (!close_enough(got, want))
    fail_msg("%s[%zu]: got %.17g, SciPy %.17g", what, k, got, want);
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static void check_heights(const ampel_cluster_merge *z,
                          const ampel_cluster_merge *want, size_t nm) {
  double *a = malloc((nm + 1) * sizeof *a), *b = malloc((nm + 1) * sizeof *b);
  assert_true(a && b);
  for (size_t k = 0; k < nm; k++) {
    a[k] = z[k].height;
    b[k] = want[k].height;
  }
  qsort(a, nm, sizeof *a, cmp_double);
  qsort(b, nm, sizeof *b, cmp_double);
  for (size_t k = 0; k < nm; k++)
    assert_close(a[k], b[k], "sorted height", k);
  for (size_t k = 1; k < nm; k++) /* SciPy order: sorted by height */
    assert_true(z[k - 1].height <= z[k].height);
  free(a);
  free(b);
}

static void check_z_exact(const ampel_cluster_merge *z,
                          const ampel_cluster_merge *want, size_t nm) {
  for (size_t k = 0; k < nm; k++) {
    if (z[k].left != want[k].left || z[k].right != want[k].right ||
        z[k].size != want[k].size)
      fail_msg("merge %zu: got (%zu %zu size %zu), SciPy (%zu %zu size %zu)", k,
               z[k].left, z[k].right, z[k].size, want[k].left, want[k].right,
               want[k].size);
    assert_close(z[k].height, want[k].height, "height", k);
  }
}

static void check_coph(const ampel_cluster_merge *z, const expected *e) {
  size_t len = 0;
  assert_int_equal(ampel_cluster_condensed_len(e->n, &len), AMPEL_OK);
  double *d = malloc((len + 1) * sizeof *d);
  assert_non_null(d);
  assert_int_equal(ampel_cluster_cophenetic(z, e->n, d), AMPEL_OK);
  double sum = 0.0;
  for (size_t k = 0; k < len; k++)
    sum += d[k];
  assert_close(sum, e->coph_sum, "cophenetic sum", 0);
  for (size_t k = 0; k < e->coph.n; k++) {
    size_t pos =
        ampel_cluster_condensed_index(e->n, e->coph.i[k], e->coph.j[k]);
    assert_close(d[pos], e->coph.v[k], "cophenetic pair", k);
  }
  free(d);
}

static void check_order(const size_t *got, const size_t *want, size_t n,
                        const char *what) {
  for (size_t i = 0; i < n; i++)
    if (got[i] != want[i])
      fail_msg("%s[%zu]: got leaf %zu, reference %zu", what, i, got[i],
               want[i]);
}

/* ---- One fixture case ----------------------------------------------------
 */

/* Our distances equal the reference ones (SciPy's pdist, or numpy's R-style
 * distances with missing cells), by rows and by columns of the
 * transpose. */
static void check_pdist(const char *c, const matrix *m) {
  char name[256];
  snprintf(name, sizeof name, "%s.dist.txt", c);
  tokens t;
  tokens_open(&t, name);
  pairs p = read_pairs(&t, next_size(&t));
  tokens_close(&t);
  size_t len = 0;
  assert_int_equal(ampel_cluster_condensed_len(m->rows, &len), AMPEL_OK);
  double *d = malloc((len + 1) * sizeof *d);
  double *d2 = malloc((len + 1) * sizeof *d2);
  double *xt = malloc((m->rows * m->cols + 1) * sizeof *xt);
  assert_true(d && d2 && xt);
  assert_int_equal(
      ampel_cluster_pdist(m->x, m->rows, m->cols, AMPEL_CLUSTER_ROWS, d),
      AMPEL_OK);
  for (size_t k = 0; k < p.n; k++)
    assert_close(d[ampel_cluster_condensed_index(m->rows, p.i[k], p.j[k])],
                 p.v[k], "distance", k);
  for (size_t r = 0; r < m->rows; r++)
    for (size_t col = 0; col < m->cols; col++)
      xt[col * m->rows + r] = m->x[r * m->cols + col];
  assert_int_equal(
      ampel_cluster_pdist(xt, m->cols, m->rows, AMPEL_CLUSTER_COLS, d2),
      AMPEL_OK);
  assert_memory_equal(d, d2, len * sizeof *d);
  free(d);
  free(d2);
  free(xt);
  pairs_free(&p);
}

static void check_method(const matrix *m, const expected *e,
                         ampel_linkage method) {
  size_t n = m->rows, nm = n ? n - 1 : 0;
  ampel_cluster_merge *z = malloc((nm + 1) * sizeof *z);
  size_t *order = malloc((n + 1) * sizeof *order);
  assert_true(z && order);
  assert_int_equal(e->n, n);
  size_t bad[2] = {0, 0};
  assert_int_equal(ampel_cluster_linkage_matrix(m->x, m->rows, m->cols,
                                                AMPEL_CLUSTER_ROWS, method, z,
                                                bad, NULL),
                   AMPEL_OK);
  check_heights(z, e->z, nm);
  /* Exact ids wherever the distances have no ties; on the tie fixtures
   * too, because the scans break ties in SciPy's order. */
  check_z_exact(z, e->z, nm);
  check_coph(z, e);
  assert_int_equal(ampel_cluster_leaves(z, n, order), AMPEL_OK);
  check_order(order, e->leaves, n, "leaves_list");
  assert_int_equal(ampel_cluster_leaves_by_mean(z, n, e->weights, order),
                   AMPEL_OK);
  check_order(order, e->meanorder, n, "mean order");
  free(z);
  free(order);
}

/* The copying linkage gives the same tree and leaves d untouched. */
static void check_copying_linkage(const matrix *m, ampel_linkage method) {
  size_t n = m->rows, len = 0;
  if (n < 2)
    return;
  assert_int_equal(ampel_cluster_condensed_len(n, &len), AMPEL_OK);
  double *d = malloc(len * sizeof *d), *keep = malloc(len * sizeof *keep);
  ampel_cluster_merge *z1 = malloc(n * sizeof *z1);
  ampel_cluster_merge *z2 = malloc(n * sizeof *z2);
  assert_true(d && keep && z1 && z2);
  assert_int_equal(ampel_cluster_pdist(m->x, n, m->cols, AMPEL_CLUSTER_ROWS, d),
                   AMPEL_OK);
  memcpy(keep, d, len * sizeof *d);
  assert_int_equal(ampel_cluster_linkage(d, n, method, z1), AMPEL_OK);
  assert_memory_equal(d, keep, len * sizeof *d);
  assert_int_equal(ampel_cluster_linkage_inplace(d, n, method, z2), AMPEL_OK);
  assert_memory_equal(z1, z2, (n - 1) * sizeof *z1);
  free(d);
  free(keep);
  free(z1);
  free(z2);
}

static void check_case(const char *c) {
  matrix m = load_matrix(c);
  check_pdist(c, &m);
  for (size_t k = 0; k < N_METHODS; k++) {
    expected e = load_expected(c, methods[k]);
    check_method(&m, &e, methods[k]);
    check_copying_linkage(&m, methods[k]);
    /* Our row means equal the weights numpy computed. */
    double *w = malloc((m.rows + 1) * sizeof *w);
    assert_non_null(w);
    assert_int_equal(
        ampel_cluster_item_means(m.x, m.rows, m.cols, AMPEL_CLUSTER_ROWS, w),
        AMPEL_OK);
    for (size_t i = 0; i < m.rows; i++)
      assert_close(w[i], e.weights[i], "row mean", i);
    free(w);
    expected_free(&e);
  }
  free(m.x);
}

static void test_random30(void **state) {
  (void)state;
  check_case("random30");
}
static void test_ties(void **state) {
  (void)state;
  check_case("ties");
}
static void test_missing(void **state) {
  (void)state;
  check_case("missing");
}
static void test_one_row(void **state) {
  (void)state;
  check_case("one");
}
static void test_two_rows(void **state) {
  (void)state;
  check_case("two");
}
static void test_constant_columns(void **state) {
  (void)state;
  check_case("constcols");
}
static void test_equal_rows(void **state) {
  (void)state;
  check_case("equal");
}
static void test_big_2000(void **state) {
  (void)state;
  check_case("big");
}

/* ---- Behaviour without fixtures ------------------------------------------
 */

static void test_names(void **state) {
  (void)state;
  for (size_t k = 0; k < N_METHODS; k++) {
    ampel_linkage got = AMPEL_LINKAGE_SINGLE;
    assert_int_equal(ampel_linkage_parse(ampel_linkage_name(methods[k]), &got),
                     AMPEL_OK);
    assert_int_equal(got, methods[k]);
  }
  ampel_linkage got = AMPEL_LINKAGE_AVERAGE;
  assert_int_equal(ampel_linkage_parse("Ward", &got), AMPEL_E_USAGE);
  assert_int_equal(ampel_linkage_parse("centroid", &got), AMPEL_E_USAGE);
  assert_int_equal(got, AMPEL_LINKAGE_AVERAGE);
  assert_string_equal(ampel_linkage_name((ampel_linkage)99), "?");
}

static void test_condensed(void **state) {
  (void)state;
  size_t len = 7;
  assert_int_equal(ampel_cluster_condensed_len(0, &len), AMPEL_OK);
  assert_int_equal(len, 0);
  assert_int_equal(ampel_cluster_condensed_len(1, &len), AMPEL_OK);
  assert_int_equal(len, 0);
  assert_int_equal(ampel_cluster_condensed_len(11000, &len), AMPEL_OK);
  assert_int_equal(len, 60494500u);
  assert_int_equal(ampel_cluster_condensed_len(SIZE_MAX / 2, &len),
                   AMPEL_E_TOO_LARGE);
  /* The index walks the upper triangle row by row. */
  size_t n = 7, pos = 0;
  for (size_t i = 0; i < n; i++)
    for (size_t j = i + 1; j < n; j++, pos++) {
      assert_int_equal(ampel_cluster_condensed_index(n, i, j), pos);
      assert_int_equal(ampel_cluster_condensed_index(n, j, i), pos);
    }
}

/* Missing cells: hand-computed R dist() values. */
static void test_pdist_missing_by_hand(void **state) {
  (void)state;
  const double x[] = {0,   1,   NAN, 3, /* row 0 */
                      4,   NAN, 2,   0, /* row 1 */
                      NAN, NAN, NAN, NAN};
  double d[3], bad = 0;
  assert_int_equal(ampel_cluster_pdist(x, 3, 4, AMPEL_CLUSTER_ROWS, d),
                   AMPEL_OK);
  /* rows 0, 1 share columns 0 and 3: (16 + 9) * 4 / 2 = 50 */
  assert_true(fabs(d[0] - sqrt(50.0)) < 1e-15);
  assert_true(isnan(d[1]) && isnan(d[2]));
  size_t i = 9, j = 9;
  assert_int_equal(ampel_cluster_check_dist(d, 3, &i, &j), AMPEL_E_DATA);
  assert_int_equal(i, 0);
  assert_int_equal(j, 2);
  ampel_cluster_merge z[2];
  size_t pair[2] = {9, 9};
  assert_int_equal(ampel_cluster_linkage(d, 3, AMPEL_LINKAGE_COMPLETE, z),
                   AMPEL_E_DATA);
  assert_int_equal(ampel_cluster_linkage_matrix(x, 3, 4, AMPEL_CLUSTER_ROWS,
                                                AMPEL_LINKAGE_WARD, z, pair,
                                                NULL),
                   AMPEL_E_DATA);
  assert_int_equal(pair[0], 0);
  assert_int_equal(pair[1], 2);
  double means[3];
  assert_int_equal(ampel_cluster_item_means(x, 3, 4, AMPEL_CLUSTER_ROWS, means),
                   AMPEL_OK);
  assert_true(fabs(means[0] - 4.0 / 3.0) < 1e-15 && isnan(means[2]));
  /* Columns: column 1 and 2 share no row. */
  double dc[6];
  assert_int_equal(ampel_cluster_pdist(x, 3, 4, AMPEL_CLUSTER_COLS, dc),
                   AMPEL_OK);
  bad = dc[ampel_cluster_condensed_index(4, 1, 2)];
  assert_true(isnan(bad));
  /* columns 0 and 3 over rows 0, 1: (0-3)^2 + (4-0)^2 = 25, 2 of 3 rows */
  assert_true(fabs(dc[2] - sqrt(25.0 * 3.0 / 2.0)) < 1e-15);
}

static void test_bad_input(void **state) {
  (void)state;
  double d[3] = {1, -1, 2};
  ampel_cluster_merge z[2];
  assert_int_equal(ampel_cluster_linkage(d, 3, AMPEL_LINKAGE_SINGLE, z),
                   AMPEL_E_DATA);
  d[1] = INFINITY;
  assert_int_equal(ampel_cluster_linkage(d, 3, AMPEL_LINKAGE_AVERAGE, z),
                   AMPEL_E_DATA);
  d[1] = 3;
  assert_int_equal(ampel_cluster_linkage(d, 3, (ampel_linkage)7, z),
                   AMPEL_E_USAGE);
  assert_int_equal(ampel_cluster_linkage(NULL, 3, AMPEL_LINKAGE_WARD, z),
                   AMPEL_E_USAGE);
  assert_int_equal(ampel_cluster_linkage(NULL, 0, AMPEL_LINKAGE_WARD, NULL),
                   AMPEL_OK);
  assert_int_equal(ampel_cluster_linkage(d, 3, AMPEL_LINKAGE_WARD, z),
                   AMPEL_OK);
  /* Broken trees are refused. */
  ampel_cluster_merge bad[2] = {{0, 1, 1.0, 2}, {0, 3, 2.0, 3}};
  double coph[3];
  size_t order[3];
  double w[3] = {0, 1, 2};
  assert_int_equal(ampel_cluster_cophenetic(bad, 3, coph), AMPEL_E_DATA);
  bad[1].left = 2;
  bad[1].right = 4; /* not yet made */
  assert_int_equal(ampel_cluster_leaves(bad, 3, order), AMPEL_E_DATA);
  bad[1].right = 3;
  bad[1].size = 2; /* wrong size */
  assert_int_equal(ampel_cluster_leaves(bad, 3, order), AMPEL_E_DATA);
  bad[1].size = 3;
  assert_int_equal(ampel_cluster_leaves_by_mean(bad, 3, w, order), AMPEL_OK);
  w[1] = NAN;
  assert_int_equal(ampel_cluster_leaves_by_mean(bad, 3, w, order),
                   AMPEL_E_DATA);
}

/* A caterpillar tree of 5,000 leaves (points i^2 on a line, single
 * linkage): depth n-1 must not matter. Expected by hand: leaf k+1 joins
 * the cluster {0..k} at height (k+1)^2 - k^2, and leaves_list lists
 * n-1, n-2, ..., 2, 0, 1. */
static void test_deep_tree(void **state) {
  (void)state;
  size_t n = 5000, len = 0;
  assert_int_equal(ampel_cluster_condensed_len(n, &len), AMPEL_OK);
  double *x = malloc(n * sizeof *x), *coph = malloc(len * sizeof *coph);
  ampel_cluster_merge *z = malloc(n * sizeof *z);
  size_t *order = malloc(n * sizeof *order);
  assert_true(x && coph && z && order);
  for (size_t i = 0; i < n; i++)
    x[i] = (double)i * (double)i;
  assert_int_equal(ampel_cluster_linkage_matrix(x, n, 1, AMPEL_CLUSTER_ROWS,
                                                AMPEL_LINKAGE_SINGLE, z, NULL,
                                                NULL),
                   AMPEL_OK);
  for (size_t k = 1; k + 1 < n; k++) {
    assert_int_equal(z[k].left, k + 1);
    assert_int_equal(z[k].right, n + k - 1);
    assert_true(z[k].height == (double)(2 * k + 1));
  }
  assert_int_equal(ampel_cluster_leaves(z, n, order), AMPEL_OK);
  for (size_t i = 0; i + 2 < n; i++)
    assert_int_equal(order[i], n - 1 - i);
  assert_int_equal(order[n - 2], 0);
  assert_int_equal(order[n - 1], 1);
  /* by mean (= position): smaller first everywhere, so 0, 1, ..., n-1 */
  assert_int_equal(ampel_cluster_leaves_by_mean(z, n, x, order), AMPEL_OK);
  for (size_t i = 0; i < n; i++)
    assert_int_equal(order[i], i);
  assert_int_equal(ampel_cluster_cophenetic(z, n, coph), AMPEL_OK);
  /* leaves i < j meet when j joins: height 2j - 1 (j >= 2) */
  assert_true(coph[ampel_cluster_condensed_index(n, 3, 4999)] == 9997.0);
  free(x);
  free(coph);
  free(z);
  free(order);
}

/* ---- Allocation failures -------------------------------------------------
 */

typedef struct fail_alloc {
  long countdown; /* allocations left before failing; < 0 = never */
  long live;      /* blocks not yet freed */
} fail_alloc;

static void *fa_alloc(size_t size, void *ud) {
  fail_alloc *fa = ud;
  if (fa->countdown == 0)
    return NULL;
  if (fa->countdown > 0)
    fa->countdown--;
  void *p = malloc(size ? size : 1);
  if (p)
    fa->live++;
  return p;
}
static void *fa_realloc(void *ptr, size_t size, void *ud) {
  (void)ptr;
  (void)size;
  (void)ud;
  fail_msg("cluster code does not realloc");
  return NULL;
}
static void fa_free(void *ptr, void *ud) {
  fail_alloc *fa = ud;
  fa->live--;
  free(ptr);
}

/* One full use of the API on a small matrix with missing cells. */
static ampel_status run_all(const double *x, size_t rows, size_t cols) {
  ampel_cluster_merge z[8];
  double coph[28], dist[28], w[8];
  size_t order[8];
  ampel_status st = AMPEL_OK;
  for (size_t k = 0; k < N_METHODS && st == AMPEL_OK; k++)
    st = ampel_cluster_linkage_matrix(x, rows, cols, AMPEL_CLUSTER_COLS,
                                      methods[k], z, NULL, NULL);
  if (st == AMPEL_OK)
    st = ampel_cluster_pdist(x, rows, cols, AMPEL_CLUSTER_COLS, dist);
  if (st == AMPEL_OK)
    st = ampel_cluster_linkage(dist, cols, AMPEL_LINKAGE_AVERAGE, z);
  if (st == AMPEL_OK)
    st = ampel_cluster_cophenetic(z, cols, coph);
  if (st == AMPEL_OK)
    st = ampel_cluster_item_means(x, rows, cols, AMPEL_CLUSTER_COLS, w);
  if (st == AMPEL_OK)
    st = ampel_cluster_leaves_by_mean(z, cols, w, order);
  if (st == AMPEL_OK)
    st = ampel_cluster_leaves(z, cols, order);
  return st;
}

static void test_out_of_memory(void **state) {
  (void)state;
  double x[5 * 8];
  for (size_t i = 0; i < 40; i++)
    x[i] = (double)((i * 37) % 11) / 10.0;
  x[3] = NAN;
  x[17] = NAN;
  fail_alloc fa = {-1, 0};
  ampel_allocator a = {fa_alloc, fa_realloc, fa_free, &fa};
  ampel_set_allocator(&a);
  long n_fail = 0;
  for (long nth = 0;; nth++) {
    fa.countdown = nth;
    fa.live = 0;
    ampel_status st = run_all(x, 5, 8);
    assert_int_equal(fa.live, 0);
    if (st == AMPEL_OK)
      break;
    assert_int_equal(st, AMPEL_E_NOMEM);
    n_fail++;
  }
  ampel_set_allocator(NULL);
  assert_true(n_fail > 20); /* every allocation site was hit */
}

/* Issue 16: a fired stop request ends the clustering with
 * AMPEL_E_CANCELLED for every method (the server's deadline); an unfired
 * one changes nothing. */
static void test_stop(void **state) {
  (void)state;
  size_t n = 50;
  double x[50];
  ampel_cluster_merge z[50];
  for (size_t i = 0; i < n; i++)
    x[i] = (double)((i * 7919) % 101);
  const ampel_linkage all[] = {AMPEL_LINKAGE_COMPLETE, AMPEL_LINKAGE_AVERAGE,
                               AMPEL_LINKAGE_SINGLE, AMPEL_LINKAGE_WARD};
  for (size_t k = 0; k < 4; k++) {
    ampel_stop stop = {0};
    assert_int_equal(ampel_cluster_linkage_matrix(x, n, 1, AMPEL_CLUSTER_ROWS,
                                                  all[k], z, NULL, &stop),
                     AMPEL_OK);
    ampel_stop_request(&stop);
    assert_true(ampel_stop_requested(&stop));
    assert_int_equal(ampel_cluster_linkage_matrix(x, n, 1, AMPEL_CLUSTER_ROWS,
                                                  all[k], z, NULL, &stop),
                     AMPEL_E_CANCELLED);
  }
  assert_false(ampel_stop_requested(NULL));
  assert_string_equal(ampel_status_name(AMPEL_E_CANCELLED),
                      "AMPEL_E_CANCELLED");
  assert_int_equal(ampel_status_exit_code(AMPEL_E_CANCELLED), 3);
}

/* ---- The fast paths against the plain ones -------------------------------
 */

static uint64_t xorshift(uint64_t *x) {
  *x ^= *x << 13;
  *x ^= *x >> 7;
  *x ^= *x << 17;
  return *x;
}

/* SciPy's nn_chain and mst_single_linkage as written in
 * scipy/cluster/_hierarchy.pyx (full scans over all slots, no lists), then
 * the stable sort by height and the labelling: the reference for the
 * neighbour lists on data with many ties. */
static size_t ref_ci(size_t n, size_t i, size_t j) {
  return i < j ? n * i - i * (i + 1) / 2 + (j - i - 1)
               : n * j - j * (j + 1) / 2 + (i - j - 1);
}

static double ref_update(ampel_linkage mth, double dxi, double dyi, double dxy,
                         double nx, double ny, double ni) {
  switch (mth) {
  case AMPEL_LINKAGE_COMPLETE:
    return dyi > dxi ? dyi : dxi;
  case AMPEL_LINKAGE_AVERAGE:
    return (nx * dxi + ny * dyi) / (nx + ny);
  case AMPEL_LINKAGE_WARD: {
    double t = 1.0 / (nx + ny + ni);
    return sqrt((ni + nx) * t * dxi * dxi + (ni + ny) * t * dyi * dyi -
                ni * t * dxy * dxy);
  }
  default:
    return dyi < dxi ? dyi : dxi;
  }
}

static void ref_linkage(const double *d0, size_t n, ampel_linkage mth,
                        ampel_cluster_merge *z) {
  size_t len = n * (n - 1) / 2;
  double *d = malloc(len * sizeof *d), *dm = malloc(n * sizeof *dm);
  size_t *size = malloc(n * sizeof *size), *chain = malloc(n * sizeof *chain);
  assert_true(d && dm && size && chain);
  memcpy(d, d0, len * sizeof *d);
  for (size_t i = 0; i < n; i++) {
    size[i] = 1;
    dm[i] = INFINITY;
  }
  if (mth == AMPEL_LINKAGE_SINGLE) {
    size_t x = 0, y = 0;
    for (size_t k = 0; k + 1 < n; k++) {
      double cur = INFINITY;
      size[x] = 0; /* merged */
      for (size_t i = 0; i < n; i++) {
        if (size[i] == 0)
          continue;
        double v = d[ref_ci(n, x, i)];
        if (dm[i] > v)
          dm[i] = v;
        if (dm[i] < cur) {
          y = i;
          cur = dm[i];
        }
      }
      z[k] = (ampel_cluster_merge){x, y, cur, 0};
      x = y;
    }
  } else {
    size_t clen = 0;
    for (size_t k = 0; k + 1 < n; k++) {
      size_t x = 0, y = 0;
      double cur = INFINITY;
      if (clen == 0) {
        for (size_t i = 0; i < n; i++)
          if (size[i] > 0) {
            chain[clen++] = i;
            break;
          }
      }
      for (;;) {
        x = chain[clen - 1];
        if (clen > 1) {
          y = chain[clen - 2];
          cur = d[ref_ci(n, x, y)];
        } else {
          cur = INFINITY;
        }
        for (size_t i = 0; i < n; i++) {
          if (size[i] == 0 || x == i)
            continue;
          double v = d[ref_ci(n, x, i)];
          if (v < cur) {
            cur = v;
            y = i;
          }
        }
        if (clen > 1 && y == chain[clen - 2])
          break;
        chain[clen++] = y;
      }
      clen -= 2;
      if (x > y) {
        size_t t = x;
        x = y;
        y = t;
      }
      double nx = (double)size[x], ny = (double)size[y];
      z[k] = (ampel_cluster_merge){x, y, cur, 0};
      size[y] = size[x] + size[y];
      size[x] = 0;
      for (size_t i = 0; i < n; i++) {
        if (size[i] == 0 || i == y)
          continue;
        d[ref_ci(n, i, y)] = ref_update(mth, d[ref_ci(n, i, x)],
                                        d[ref_ci(n, i, y)], cur, nx, ny,
                                        (double)size[i]);
      }
    }
  }
  /* stable sort by height (insertion sort), then label */
  for (size_t k = 1; k + 1 < n; k++) {
    ampel_cluster_merge t = z[k];
    size_t p = k;
    while (p > 0 && t.height < z[p - 1].height) {
      z[p] = z[p - 1];
      p--;
    }
    z[p] = t;
  }
  size_t *parent = malloc((2 * n) * sizeof *parent);
  size_t *cnt = malloc((2 * n) * sizeof *cnt);
  assert_true(parent && cnt);
  for (size_t i = 0; i < 2 * n; i++) {
    parent[i] = i;
    cnt[i] = 1;
  }
  for (size_t k = 0; k + 1 < n; k++) {
    size_t a = z[k].left, b = z[k].right;
    while (parent[a] != a)
      a = parent[a];
    while (parent[b] != b)
      b = parent[b];
    z[k].left = a < b ? a : b;
    z[k].right = a < b ? b : a;
    parent[a] = parent[b] = n + k;
    cnt[n + k] = cnt[a] + cnt[b];
    z[k].size = cnt[n + k];
  }
  free(parent);
  free(cnt);
  free(d);
  free(dm);
  free(size);
  free(chain);
}

/* A matrix with many equal distances (few distinct values) or none. */
static double *random_matrix(size_t rows, size_t cols, int coarse,
                             uint64_t seed) {
  double *x = malloc(rows * cols * sizeof *x + 1);
  assert_non_null(x);
  for (size_t i = 0; i < rows * cols; i++) {
    uint64_t r = xorshift(&seed);
    x[i] = coarse ? (double)(r % 4) : (double)(r >> 11) / 9007199254740992.0;
  }
  return x;
}

/* The AVX2 loops (when the CPU has them) give the same bits as the
 * portable ones, for every length (vector body and tail), with missing
 * and infinite cells flagged. */
static void test_simd_paths_agree(void **state) {
  (void)state;
  size_t n = 203, m = 7;
  double *xt = random_matrix(m, n, 0, 77);
  xt[3 * n + 50] = NAN;
  xt[1 * n + 180] = INFINITY;
  double a[7], out1[203], out2[203], md1[203], md2[203];
  for (size_t k = 0; k < m; k++)
    a[k] = xt[k * n + 0];
  for (size_t len = 0; len <= n - 1; len += 1 + len / 3) {
    int b1 = ampel_cluster_dist_span(1, xt + 1, n, m, a, len, out1);
    int b2 = ampel_cluster_dist_span(0, xt + 1, n, m, a, len, out2);
    assert_int_equal(b1, b2);
    assert_int_equal(b1, len > 49 + 1); /* the NaN at item 50 (t = 49) */
    for (size_t t = 0; t < len; t++) {
      if (isnan(out1[t]))
        assert_true(isnan(out2[t]));
      else
        assert_memory_equal(&out1[t], &out2[t], sizeof out1[t]);
    }
    if (len <= 49) {
      for (size_t t = 0; t < len; t++)
        md1[t] = md2[t] = (double)(t % 5) / 4.0;
      int bad1 = 0, bad2 = 0;
      double lo1 = ampel_cluster_prim_span(1, xt + 1, n, m, a, len, md1, &bad1);
      double lo2 = ampel_cluster_prim_span(0, xt + 1, n, m, a, len, md2, &bad2);
      assert_int_equal(bad1, 0);
      assert_int_equal(bad2, 0);
      assert_memory_equal(&lo1, &lo2, sizeof lo1);
      assert_memory_equal(md1, md2, len * sizeof *md1);
    }
  }
  free(xt);
}

/* Every method from the matrix (distances with the neighbour lists built
 * by pdist; single linkage by Prim's on the fly) equals the same method on
 * the condensed array (lists built there) and SciPy's plain algorithms
 * (ref_linkage), bit for bit, also with many ties and with missing cells.
 * A pair without a common feature is named the same way by both paths. */
static void test_paths_agree(void **state) {
  (void)state;
  for (int coarse = 0; coarse <= 1; coarse++) {
    size_t n = 300, m = 5, len = 0;
    double *x = random_matrix(n, m, coarse, 1234 + (uint64_t)coarse);
    if (!coarse) {
      x[7 * m + 2] = NAN;
      x[100 * m + 0] = NAN;
      x[100 * m + 4] = NAN;
    }
    assert_int_equal(ampel_cluster_condensed_len(n, &len), AMPEL_OK);
    double *d = malloc(len * sizeof *d);
    ampel_cluster_merge *z1 = malloc(n * sizeof *z1);
    ampel_cluster_merge *z2 = malloc(n * sizeof *z2);
    assert_true(d && z1 && z2);
    assert_int_equal(ampel_cluster_pdist(x, n, m, AMPEL_CLUSTER_ROWS, d),
                     AMPEL_OK);
    for (size_t k = 0; k < N_METHODS; k++) {
      assert_int_equal(ampel_cluster_linkage_matrix(x, n, m,
                                                    AMPEL_CLUSTER_ROWS,
                                                    methods[k], z1, NULL, NULL),
                       AMPEL_OK);
      assert_int_equal(ampel_cluster_linkage(d, n, methods[k], z2), AMPEL_OK);
      assert_memory_equal(z1, z2, (n - 1) * sizeof *z1);
      ref_linkage(d, n, methods[k], z2);
      for (size_t j = 0; j + 1 < n; j++)
        if (z1[j].left != z2[j].left || z1[j].right != z2[j].right ||
            z1[j].size != z2[j].size ||
            memcmp(&z1[j].height, &z2[j].height, sizeof(double)) != 0)
          fail_msg("%s coarse=%d merge %zu: (%zu %zu %.17g %zu), reference "
                   "(%zu %zu %.17g %zu)",
                   ampel_linkage_name(methods[k]), coarse, j, z1[j].left,
                   z1[j].right, z1[j].height, z1[j].size, z2[j].left,
                   z2[j].right, z2[j].height, z2[j].size);
    }
    free(d);
    free(z1);
    free(z2);
    free(x);
  }
  /* rows 1 and 3 share no feature: both paths name (1, 3) */
  double x[4 * 2] = {0, 1, NAN, 2, 5, 6, 3, NAN};
  ampel_cluster_merge z[3];
  size_t bad[2] = {9, 9};
  assert_int_equal(ampel_cluster_linkage_matrix(x, 4, 2, AMPEL_CLUSTER_ROWS,
                                                AMPEL_LINKAGE_SINGLE, z, bad,
                                                NULL),
                   AMPEL_E_DATA);
  assert_int_equal(bad[0], 1);
  assert_int_equal(bad[1], 3);
  bad[0] = bad[1] = 9;
  assert_int_equal(ampel_cluster_linkage_matrix(x, 4, 2, AMPEL_CLUSTER_ROWS,
                                                AMPEL_LINKAGE_COMPLETE, z, bad,
                                                NULL),
                   AMPEL_E_DATA);
  assert_int_equal(bad[0], 1);
  assert_int_equal(bad[1], 3);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_names),
      cmocka_unit_test(test_condensed),
      cmocka_unit_test(test_pdist_missing_by_hand),
      cmocka_unit_test(test_bad_input),
      cmocka_unit_test(test_random30),
      cmocka_unit_test(test_ties),
      cmocka_unit_test(test_missing),
      cmocka_unit_test(test_one_row),
      cmocka_unit_test(test_two_rows),
      cmocka_unit_test(test_constant_columns),
      cmocka_unit_test(test_equal_rows),
      cmocka_unit_test(test_big_2000),
      cmocka_unit_test(test_deep_tree),
      cmocka_unit_test(test_out_of_memory),
      cmocka_unit_test(test_stop),
      cmocka_unit_test(test_simd_paths_agree),
      cmocka_unit_test(test_paths_agree),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
