/* Unit tests for src/compute/lisa.c and src/compute/contiguity.c
 * (include/ampel/lisa.h, METHODS.md §12): global and local Moran's I by
 * hand on a path of four areas, the analytic variance, the permutation
 * p-values against the exact permutation distributions (enumerated here),
 * seeding, refused graphs, queen contiguity of a grid of squares (corners
 * count, unlike the stored rook neighbours) and allocation failures. The
 * comparison with an independent NumPy computation on a grid city is
 * tests/run_lisa.sh. */
/* clang-format off */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
/* clang-format on */

#include "ampel/lisa.h"
#include "failalloc.h"

#define TOL 1e-14

/* A graph from an edge list (undirected), rows sorted. */
static void make_graph(ampel_lisa_graph *g, size_t n, const size_t *e,
                       size_t ne) {
  unsigned char *adj = calloc(n * n, 1);
  assert_non_null(adj);
  for (size_t k = 0; k < ne; k++) {
    adj[e[2 * k] * n + e[2 * k + 1]] = 1;
    adj[e[2 * k + 1] * n + e[2 * k]] = 1;
  }
  g->n = n;
  g->off = calloc(n + 1, sizeof *g->off);
  g->nb = calloc(2 * ne + 1, sizeof *g->nb);
  assert_non_null(g->off);
  assert_non_null(g->nb);
  size_t t = 0;
  for (size_t i = 0; i < n; i++) {
    for (size_t j = 0; j < n; j++)
      if (adj[i * n + j])
        g->nb[t++] = j;
    g->off[i + 1] = t;
  }
  free(adj);
}

static void free_graph(ampel_lisa_graph *g) {
  free(g->off);
  free(g->nb);
}

/* The path 0-1-2-3 with y = 1, 2, 3, 4. */
static const size_t path_e[] = {0, 1, 1, 2, 2, 3};
static const double path_y[] = {1, 2, 3, 4};

/* z = -1.5 -0.5 0.5 1.5, sum z^2 = 5; lag = -0.5 -0.5 0.5 0.5;
 * I = (0.75 + 0.25 + 0.25 + 0.75) / 5 = 0.4; I_i = 3/5 z_i lag_i. */
static void test_path_by_hand(void **state) {
  (void)state;
  ampel_lisa_graph g;
  make_graph(&g, 4, path_e, 3);
  ampel_lisa_opts o = {0, 1};
  ampel_lisa_result r;
  assert_int_equal(ampel_lisa_compute(path_y, &g, &o, &r), AMPEL_OK);
  const double z[] = {-1.5, -0.5, 0.5, 1.5}, lag[] = {-0.5, -0.5, 0.5, 0.5};
  const double li[] = {0.45, 0.15, 0.15, 0.45};
  const unsigned char q[] = {AMPEL_LISA_LL, AMPEL_LISA_LL, AMPEL_LISA_HH,
                             AMPEL_LISA_HH};
  assert_true(fabs(r.mean - 2.5) < TOL && fabs(r.ss - 5) < TOL);
  for (size_t i = 0; i < 4; i++) {
    assert_true(fabs(r.z[i] - z[i]) < TOL);
    assert_true(fabs(r.lag[i] - lag[i]) < TOL);
    assert_true(fabs(r.local_i[i] - li[i]) < TOL);
    assert_int_equal(r.quadrant[i], q[i]);
    assert_true(isnan(r.p[i])); /* no permutations */
  }
  assert_true(fabs(r.moran_i - 0.4) < TOL);
  assert_true(fabs(r.expected_i + 1.0 / 3) < TOL);
  /* S0 = 4, S1 = 11/2, S2 = 17: Var = (16 * 5.5 - 4 * 17 + 48) / 240 - 1/9 */
  double v = 68.0 / 240 - 1.0 / 9;
  assert_true(fabs(r.z_norm - (0.4 + 1.0 / 3) / sqrt(v)) < 1e-12);
  assert_true(fabs(r.p_norm - erfc(r.z_norm / sqrt(2.0))) < 1e-12);
  assert_true(isnan(r.p_sim) && isnan(r.z_sim));
  assert_string_equal(ampel_lisa_quadrant_name(r.quadrant[0]), "LL");
  assert_string_equal(ampel_lisa_quadrant_name(AMPEL_LISA_HL), "HL");
  assert_string_equal(ampel_lisa_quadrant_name(AMPEL_LISA_NONE), "");
  ampel_lisa_result_release(&r);
  free_graph(&g);
}

/* Quadrants follow the signs of z and lag, z == 0 counting as low (esda:
 * z > 0 is high). A star: centre 0 with leaves 1..3, y = 2 0 4 2. */
static void test_quadrants(void **state) {
  (void)state;
  const size_t e[] = {0, 1, 0, 2, 0, 3};
  const double y[] = {2, 0, 4, 2}; /* z = 0 -2 2 0 */
  ampel_lisa_graph g;
  make_graph(&g, 4, e, 3);
  ampel_lisa_opts o = {0, 1};
  ampel_lisa_result r;
  assert_int_equal(ampel_lisa_compute(y, &g, &o, &r), AMPEL_OK);
  /* lag: centre (−2 + 2 + 0)/3 = 0; leaves: z_0 = 0 */
  assert_true(r.lag[0] == 0 && r.lag[1] == 0);
  assert_int_equal(r.quadrant[0], AMPEL_LISA_LL); /* z 0, lag 0 */
  assert_int_equal(r.quadrant[1], AMPEL_LISA_LL); /* z < 0, lag 0 */
  assert_int_equal(r.quadrant[2], AMPEL_LISA_HL); /* z > 0, lag 0 */
  ampel_lisa_result_release(&r);
  const double y2[] = {4, 0, 1, 3}; /* mean 2: z = 2 -2 -1 1 */
  assert_int_equal(ampel_lisa_compute(y2, &g, &o, &r), AMPEL_OK);
  assert_int_equal(r.quadrant[0], AMPEL_LISA_HL); /* lag (−2−1+1)/3 < 0 */
  assert_int_equal(r.quadrant[1], AMPEL_LISA_LH); /* z < 0, lag 2 */
  assert_int_equal(r.quadrant[3], AMPEL_LISA_HH);
  ampel_lisa_result_release(&r);
  free_graph(&g);
}

/* The exact permutation distribution of the global I on the path: all
 * 24 orders of z; the share of them with I >= observed, folded as esda's
 * directed p. 9999 draws: p within 0.02 (4 SE) of the exact share. */
static double moran_path(const double *z) {
  double lag[4] = {z[1], (z[0] + z[2]) / 2, (z[1] + z[3]) / 2, z[2]};
  double s = 0, ss = 0;
  for (int i = 0; i < 4; i++) {
    s += z[i] * lag[i];
    ss += z[i] * z[i];
  }
  return s / ss;
}

static void test_global_permutation(void **state) {
  (void)state;
  ampel_lisa_graph g;
  make_graph(&g, 4, path_e, 3);
  ampel_lisa_opts o = {9999, 7};
  ampel_lisa_result r;
  assert_int_equal(ampel_lisa_compute(path_y, &g, &o, &r), AMPEL_OK);
  const double z[] = {-1.5, -0.5, 0.5, 1.5};
  int perm[4] = {0, 1, 2, 3}, ge = 0, total = 0;
  double sum = 0, sum2 = 0;
  for (int a = 0; a < 4; a++)
    for (int b = 0; b < 4; b++)
      for (int c = 0; c < 4; c++)
        for (int d = 0; d < 4; d++) {
          if (a == b || a == c || a == d || b == c || b == d || c == d)
            continue;
          perm[0] = a, perm[1] = b, perm[2] = c, perm[3] = d;
          double zp[4] = {z[perm[0]], z[perm[1]], z[perm[2]], z[perm[3]]};
          double i = moran_path(zp);
          ge += i >= 0.4 - 1e-12;
          sum += i;
          sum2 += i * i;
          total++;
        }
  assert_int_equal(total, 24);
  assert_int_equal(ge, 2); /* the sorted order and its mirror */
  double share = (double)ge / 24;
  double fold = share < 0.5 ? share : 1 - share;
  assert_true(fabs(r.p_sim - fold) < 0.02);
  double mean = sum / 24, sd = sqrt(sum2 / 24 - mean * mean);
  assert_true(fabs(mean - r.expected_i) < 1e-12); /* E[I] = -1/(n-1) */
  assert_true(fabs(r.sim_mean - mean) < 4 * sd / sqrt(9999.0));
  assert_true(fabs(r.sim_sd - sd) < 0.05 * sd);
  assert_true(fabs(r.z_sim - (r.moran_i - r.sim_mean) / r.sim_sd) < TOL);
  ampel_lisa_result_release(&r);
  free_graph(&g);
}

/* Conditional permutation on the path: area 0 (one neighbour) draws one
 * of the other three z; only z_1 gives I_0 >= observed: p = 1/3. Area 1
 * (two neighbours) draws two of {z_0, z_2, z_3}: only {z_0, z_2} (the
 * observed pair) reaches I_1, so p = 1/3 too. Areas 2, 3 mirror them. */
static void test_local_permutation(void **state) {
  (void)state;
  ampel_lisa_graph g;
  make_graph(&g, 4, path_e, 3);
  ampel_lisa_opts o = {9999, 3};
  ampel_lisa_result r;
  assert_int_equal(ampel_lisa_compute(path_y, &g, &o, &r), AMPEL_OK);
  for (size_t i = 0; i < 4; i++)
    assert_true(fabs(r.p[i] - 1.0 / 3) < 0.02);
  ampel_lisa_result_release(&r);
  free_graph(&g);
}

/* A 10 x 10 rook grid: a gradient is strongly clustered (every draw below
 * the observed I: p = 1/(perms+1)), a checkerboard strongly dispersed
 * (I = -1). */
static void grid(ampel_lisa_graph *g, size_t side) {
  size_t ne = 0, *e = calloc(4 * side * side, sizeof *e);
  assert_non_null(e);
  for (size_t r = 0; r < side; r++)
    for (size_t c = 0; c < side; c++) {
      size_t i = r * side + c;
      if (c + 1 < side) {
        e[2 * ne] = i;
        e[2 * ne++ + 1] = i + 1;
      }
      if (r + 1 < side) {
        e[2 * ne] = i;
        e[2 * ne++ + 1] = i + side;
      }
    }
  make_graph(g, side * side, e, ne);
  free(e);
}

static void test_grid_extremes(void **state) {
  (void)state;
  ampel_lisa_graph g;
  grid(&g, 10);
  double y[100];
  for (size_t i = 0; i < 100; i++)
    y[i] = (double)(i / 10);
  ampel_lisa_opts o = {199, 1};
  ampel_lisa_result r;
  assert_int_equal(ampel_lisa_compute(y, &g, &o, &r), AMPEL_OK);
  assert_true(r.moran_i > 0.8 && r.z_sim > 5 && r.z_norm > 5);
  assert_true(r.p_sim == 1.0 / 200);
  /* a corner of the low rows, lag -4: drawing two of rows 0-1 reaches it
   * (126 of 4851 pairs), so p is small but not minimal */
  assert_true(r.p[0] < 0.1);
  assert_int_equal(r.quadrant[0], AMPEL_LISA_LL);
  assert_int_equal(r.quadrant[99], AMPEL_LISA_HH);
  ampel_lisa_result_release(&r);
  for (size_t i = 0; i < 100; i++)
    y[i] = (double)((i / 10 + i % 10) % 2);
  assert_int_equal(ampel_lisa_compute(y, &g, &o, &r), AMPEL_OK);
  assert_true(fabs(r.moran_i + 1) < TOL && r.z_sim < -5);
  assert_true(r.p_sim == 1.0 / 200);
  ampel_lisa_result_release(&r);
  free_graph(&g);
}

/* Random values without structure: pseudo p are about uniform, so with
 * the directed (one-sided, folded) p about 10 % of the areas have p <=
 * 0.05; never all or none. The same seed gives the same bits, another
 * seed other p. */
static void test_null_and_seed(void **state) {
  (void)state;
  ampel_lisa_graph g;
  grid(&g, 20);
  double y[400];
  uint64_t s = 12345;
  for (size_t i = 0; i < 400; i++) {
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    y[i] = (double)(s >> 11) / 9007199254740992.0;
  }
  ampel_lisa_opts o = {999, 11};
  ampel_lisa_result a, b, c;
  assert_int_equal(ampel_lisa_compute(y, &g, &o, &a), AMPEL_OK);
  assert_int_equal(ampel_lisa_compute(y, &g, &o, &b), AMPEL_OK);
  o.seed = 12;
  assert_int_equal(ampel_lisa_compute(y, &g, &o, &c), AMPEL_OK);
  size_t small = 0, differ = 0;
  for (size_t i = 0; i < 400; i++) {
    assert_true(a.p[i] == b.p[i]);
    assert_true(a.p[i] >= 1.0 / 1000 && a.p[i] <= 500.0 / 1000);
    small += a.p[i] <= 0.05;
    differ += a.p[i] != c.p[i];
  }
  assert_true(small > 16 && small < 80); /* 40 expected */
  assert_true(differ > 200);
  assert_true(a.p_sim == b.p_sim && a.z_sim == b.z_sim);
  assert_true(fabs(a.moran_i - c.moran_i) == 0); /* I does not use the seed */
  ampel_lisa_result_release(&a);
  ampel_lisa_result_release(&b);
  ampel_lisa_result_release(&c);
  free_graph(&g);
}

static void test_refused(void **state) {
  (void)state;
  ampel_lisa_graph g;
  ampel_lisa_opts o = {9, 1};
  ampel_lisa_result r;
  const size_t island_e[] = {0, 1, 1, 2};
  make_graph(&g, 4, island_e, 2); /* 3 has no neighbour */
  assert_int_equal(ampel_lisa_compute(path_y, &g, &o, &r), AMPEL_E_USAGE);
  assert_null(r.z);
  free_graph(&g);
  make_graph(&g, 4, path_e, 3);
  g.nb[g.off[3]] = 1; /* 3 -> 1, but 1 does not list 3: not symmetric */
  assert_int_equal(ampel_lisa_compute(path_y, &g, &o, &r), AMPEL_E_USAGE);
  g.nb[g.off[3]] = 3; /* self-loop */
  assert_int_equal(ampel_lisa_compute(path_y, &g, &o, &r), AMPEL_E_USAGE);
  g.nb[g.off[3]] = 2;
  const double flat[] = {5, 5, 5, 5}, nan[] = {1, NAN, 2, 3};
  assert_int_equal(ampel_lisa_compute(flat, &g, &o, &r), AMPEL_E_DATA);
  assert_int_equal(ampel_lisa_compute(nan, &g, &o, &r), AMPEL_E_USAGE);
  assert_int_equal(ampel_lisa_compute(path_y, &g, &o, &r), AMPEL_OK);
  ampel_lisa_result_release(&r);
  free_graph(&g);
  const size_t pair_e[] = {0, 1};
  make_graph(&g, 2, pair_e, 1);
  assert_int_equal(ampel_lisa_compute(path_y, &g, &o, &r), AMPEL_E_DATA);
  free_graph(&g);
}

/* Subset: drop vertex 1 of the path; 0 becomes an island. */
static void test_subset(void **state) {
  (void)state;
  ampel_lisa_graph g, s;
  make_graph(&g, 4, path_e, 3);
  const unsigned char keep[] = {1, 0, 1, 1};
  assert_int_equal(ampel_lisa_graph_subset(&g, keep, &s), AMPEL_OK);
  assert_int_equal(s.n, 3);
  const size_t off[] = {0, 0, 1, 2}, nb[] = {2, 1};
  for (size_t i = 0; i <= 3; i++)
    assert_int_equal(s.off[i], off[i]);
  for (size_t k = 0; k < 2; k++)
    assert_int_equal(s.nb[k], nb[k]);
  ampel_lisa_graph_release(&s);
  ampel_lisa_graph_release(NULL);
  free_graph(&g);
}

/* A square [x, x+1] x [y, y+1] (plus `eps` on the right edge). */
static ampel_shape square(double x, double y, double eps) {
  ampel_shape_builder b;
  ampel_shape_builder_init(&b);
  const double pt[5][2] = {
      {x, y}, {x + 1 + eps, y}, {x + 1 + eps, y + 1}, {x, y + 1}, {x, y}};
  assert_int_equal(ampel_shape_builder_poly(&b), AMPEL_OK);
  assert_int_equal(ampel_shape_builder_ring(&b), AMPEL_OK);
  for (int i = 0; i < 5; i++)
    assert_int_equal(ampel_shape_builder_point(&b, pt[i][0], pt[i][1]),
                     AMPEL_OK);
  ampel_shape s;
  ampel_shape_builder_finish(&b, &s);
  ampel_shape_builder_release(&b);
  return s;
}

/* 3 x 3 squares of 1 m: the centre touches all 8 (queen), a corner 3; a
 * square 2 m away and a missing shape have none; a gap of 1 mm (within
 * the tolerance) still touches. */
static void test_queen_grid(void **state) {
  (void)state;
  ampel_shape sq[11];
  const ampel_shape *ptr[11];
  for (size_t i = 0; i < 9; i++)
    sq[i] = square((double)(i % 3), (double)(i / 3), 0);
  sq[9] = square(5, 0, 0);      /* 2 m right of the grid */
  sq[10] = square(6.001, 0, 0); /* 1 mm right of sq[9] */
  for (size_t i = 0; i < 11; i++)
    ptr[i] = &sq[i];
  const ampel_shape *with_null[12];
  memcpy(with_null, ptr, sizeof ptr);
  with_null[11] = NULL;
  ampel_lisa_graph g;
  assert_int_equal(ampel_geo_queen(with_null, 12, &g), AMPEL_OK);
  assert_int_equal(g.n, 12);
  assert_int_equal(g.off[5] - g.off[4], 8); /* the centre */
  assert_int_equal(g.off[1] - g.off[0], 3); /* a corner: 1, 3, 4 */
  assert_int_equal(g.nb[g.off[0]], 1);
  assert_int_equal(g.nb[g.off[0] + 1], 3);
  assert_int_equal(g.nb[g.off[0] + 2], 4);
  assert_int_equal(g.off[10] - g.off[9], 1);
  assert_int_equal(g.nb[g.off[9]], 10);
  assert_int_equal(g.off[12] - g.off[11], 0);
  assert_int_equal(g.off[12], 8 + 4 * 3 + 4 * 5 + 2);
  ampel_lisa_graph_release(&g);
  for (size_t i = 0; i < 11; i++)
    ampel_shape_release(&sq[i]);
}

/* Tiles: the 3 x 3 block without its centre (row 1, col 1), plus a tile
 * on the same cell as (0, 0), one far away and one without a position. */
static void test_tile_queen(void **state) {
  (void)state;
  const int32_t row[] = {0, 0, 0, 1, 1, 2, 2, 2, 0, 9, AMPEL_NO_TILE};
  const int32_t col[] = {0, 1, 2, 0, 2, 0, 1, 2, 0, 9, 0};
  ampel_lisa_graph g;
  assert_int_equal(ampel_tile_queen(row, col, 11, &g), AMPEL_OK);
  assert_int_equal(g.n, 11);
  size_t deg[11];
  for (size_t i = 0; i < 11; i++)
    deg[i] = g.off[i + 1] - g.off[i];
  /* (0,0): (0,1), (1,0) and its twin; (0,1): 4 of the ring + the twin */
  assert_int_equal(deg[0], 3);
  assert_int_equal(deg[1], 5);
  assert_int_equal(deg[8], 3);
  assert_int_equal(deg[9], 0);
  assert_int_equal(deg[10], 0);
  assert_int_equal(deg[6], 4); /* (2,1): (2,0), (2,2), (1,0), (1,2) */
  assert_int_equal(g.nb[g.off[0]], 1);
  assert_int_equal(g.nb[g.off[0] + 1], 3);
  assert_int_equal(g.nb[g.off[0] + 2], 8);
  ampel_lisa_graph_release(&g);
}

/* Every allocation failure is reported and leaves nothing behind. */
static void test_nomem(void **state) {
  (void)state;
  ampel_lisa_graph g;
  grid(&g, 4);
  double y[16];
  for (size_t i = 0; i < 16; i++)
    y[i] = (double)(i * i % 7);
  ampel_lisa_opts o = {19, 1};
  ampel_lisa_result r;
  const unsigned char keep[16] = {1, 1, 0, 1, 1, 1, 1, 1,
                                  1, 1, 1, 1, 1, 1, 1, 0};
  failalloc_install(0);
  assert_int_equal(ampel_lisa_compute(y, &g, &o, &r), AMPEL_OK);
  ampel_lisa_result_release(&r);
  ampel_lisa_graph s;
  assert_int_equal(ampel_lisa_graph_subset(&g, keep, &s), AMPEL_OK);
  ampel_lisa_graph_release(&s);
  long n = failalloc_uninstall();
  assert_true(n > 5);
  for (long k = 1; k <= n; k++) {
    failalloc_install(k);
    ampel_status st = ampel_lisa_compute(y, &g, &o, &r);
    if (st == AMPEL_OK)
      ampel_lisa_result_release(&r);
    else
      assert_int_equal(st, AMPEL_E_NOMEM);
    st = ampel_lisa_graph_subset(&g, keep, &s);
    if (st == AMPEL_OK)
      ampel_lisa_graph_release(&s);
    failalloc_uninstall();
    assert_int_equal(failalloc_outstanding(), 0);
  }
  free_graph(&g);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_path_by_hand),
      cmocka_unit_test(test_quadrants),
      cmocka_unit_test(test_global_permutation),
      cmocka_unit_test(test_local_permutation),
      cmocka_unit_test(test_grid_extremes),
      cmocka_unit_test(test_null_and_seed),
      cmocka_unit_test(test_refused),
      cmocka_unit_test(test_subset),
      cmocka_unit_test(test_queen_grid),
      cmocka_unit_test(test_tile_queen),
      cmocka_unit_test(test_nomem),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
