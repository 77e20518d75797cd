/* ampel/lisa.h - spatial autocorrelation: global Moran's I and the local
 * indicators of spatial association (LISA) of METHODS.md §12, and the
 * queen contiguity they use.
 *
 * Definitions (Anselin 1995; as PySAL esda's Moran and Moran_Local with
 * their default row-standardised weights):
 *   w_ij = 1/k_i for the k_i neighbours j of i (row-standardised);
 *   z_i = y_i - mean(y)                    (not divided by the SD: the
 *                                           statistics do not change);
 *   lag_i = sum_j w_ij z_j;
 *   I = sum_i z_i lag_i / sum_i z_i^2       (global; S0 = n);
 *   E[I] = -1 / (n - 1);
 *   I_i = (n - 1) z_i lag_i / sum_j z_j^2   (local);
 *   quadrant 1 HH (z > 0, lag > 0), 2 LH (z <= 0, lag > 0),
 *            3 LL (z <= 0, lag <= 0), 4 HL (z > 0, lag <= 0), esda's codes.
 *
 * Inference by permutation, seeded, so that every machine gets the same
 * numbers (xoshiro256** from src/util/rng.h; esda uses NumPy's generator,
 * so pseudo p-values agree with esda only in distribution, not digit for
 * digit):
 *  - global: `permutations` random permutations of z; sim_mean, sim_sd
 *    (population SD) of the simulated I; z_sim = (I - sim_mean) / sim_sd
 *    (esda's Moran.z_sim); p_sim as below (esda's Moran.p_sim);
 *  - local, conditional permutation: z_i stays, its k_i neighbours' values
 *    are drawn without replacement from the other n - 1 areas. As in esda,
 *    each permutation draws one ordered sample of max_k of the indices
 *    0..n-2 and area i uses its first k_i (index u stands for area u when
 *    u < i, else u + 1);
 *  - pseudo p (esda's "directed" default): larger = number of simulated
 *    values >= the observed one; when perms - larger < larger, larger =
 *    perms - larger; p = (larger + 1) / (perms + 1). One-sided in the
 *    direction the observed value lies.
 * Analytic, under normality (esda's Moran.z_norm, p_norm two-sided):
 *   Var[I] = (n^2 S1 - n S2 + 3 S0^2) / ((n - 1)(n + 1) S0^2) - E[I]^2.
 *
 * Pure functions: no I/O, no globals; the result arrays belong to the
 * caller (ampel_lisa_result_release). Thread-safe.
 */
#ifndef AMPEL_LISA_H
#define AMPEL_LISA_H

#include <stddef.h>
#include <stdint.h>

#include "ampel/error.h"
#include "ampel/geo.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A neighbour graph in compressed rows: the neighbours of i are
 * nb[off[i]] .. nb[off[i + 1] - 1], ascending. */
typedef struct ampel_lisa_graph {
  size_t n;
  size_t *off; /* n + 1 offsets */
  size_t *nb;  /* off[n] neighbour ids */
} ampel_lisa_graph;

/* Frees the arrays and zeroes g (NULL accepted). */
void ampel_lisa_graph_release(ampel_lisa_graph *g);

/* The graph restricted to the vertices with keep[i] != 0, renumbered in
 * order (vertex i becomes the number of kept vertices before it). *out is
 * overwritten; release it. AMPEL_E_NOMEM. */
AMPEL_WUR ampel_status ampel_lisa_graph_subset(const ampel_lisa_graph *g,
                                               const unsigned char *keep,
                                               ampel_lisa_graph *out);

/* Distance (in CRS units, metres in a stored geoset) within which two
 * shapes count as touching: absorbs rounding in shared boundaries. */
#define AMPEL_QUEEN_TOLERANCE 0.01

/* Queen contiguity (METHODS.md §12): shapes[i] and shapes[j] are
 * neighbours when they share at least one point, i.e. lie within
 * AMPEL_QUEEN_TOLERANCE of each other (GEOS). A NULL shape has no
 * neighbours. Computed from the shapes, not from the stored pairs, which
 * need a shared border line (rook, geo.h). *out is overwritten; release
 * it. AMPEL_E_NOMEM; AMPEL_E_DATA when GEOS cannot read a shape. */
AMPEL_WUR ampel_status ampel_geo_queen(const ampel_shape *const *shapes,
                                       size_t n, ampel_lisa_graph *out);

/* Queen contiguity of the squares of a tile map: tiles whose rows and
 * columns differ by at most 1 (a tile at the same position counts too).
 * A tile with row or column AMPEL_NO_TILE has no neighbours. *out is
 * overwritten; release it. AMPEL_E_NOMEM. */
AMPEL_WUR ampel_status ampel_tile_queen(const int32_t *row, const int32_t *col,
                                        size_t n, ampel_lisa_graph *out);

typedef struct ampel_lisa_opts {
  size_t permutations; /* 0: no simulated values, p NaN */
  uint64_t seed;
} ampel_lisa_opts;

typedef enum ampel_lisa_quadrant {
  AMPEL_LISA_NONE = 0,
  AMPEL_LISA_HH = 1,
  AMPEL_LISA_LH = 2,
  AMPEL_LISA_LL = 3,
  AMPEL_LISA_HL = 4
} ampel_lisa_quadrant;

/* "HH", "LH", "LL", "HL", or "" for NONE. Inline, so that renderers
 * (which may not call compute) share the one spelling. */
static inline const char *ampel_lisa_quadrant_name(ampel_lisa_quadrant q) {
  static const char *const names[] = {"", "HH", "LH", "LL", "HL"};
  return (unsigned)q <= 4 ? names[q] : "";
}

typedef struct ampel_lisa_result {
  size_t n;
  size_t permutations;
  double mean; /* of y */
  double ss;   /* sum of z^2 */
  double *z, *lag, *local_i;
  double *p;                  /* local pseudo p; NaN without perms */
  unsigned char *quadrant;    /* ampel_lisa_quadrant */
  double moran_i, expected_i; /* global */
  double z_norm, p_norm;      /* analytic (normality), p two-sided */
  double sim_mean, sim_sd;    /* of the permuted I; NaN without perms */
  double z_sim, p_sim;        /* NaN without perms */
} ampel_lisa_result;

/* Computes the global and local statistics of y[0..n-1] (n = g->n) on the
 * row-standardised graph g. Every vertex needs at least one neighbour
 * (islands are for the caller to leave out), the graph must be symmetric
 * without self-loops, every y finite: else AMPEL_E_USAGE. Fewer than 3
 * values, or all equal (sum z^2 == 0): AMPEL_E_DATA. AMPEL_E_NOMEM. On
 * error *out is released. */
AMPEL_WUR ampel_status ampel_lisa_compute(const double *y,
                                          const ampel_lisa_graph *g,
                                          const ampel_lisa_opts *o,
                                          ampel_lisa_result *out);

void ampel_lisa_result_release(ampel_lisa_result *r);

#ifdef __cplusplus
}
#endif
#endif
