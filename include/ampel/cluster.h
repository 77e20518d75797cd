/* ampel/cluster.h - agglomerative hierarchical clustering (METHODS.md §2).
 *
 * The pure numeric core behind the heatmap: distances between the rows (or
 * the columns) of a matrix with missing cells, linkage, cophenetic
 * distances and leaf orders. No dataset, no I/O.
 *
 * Conventions (all of them SciPy's, so results can be compared with
 * scipy.cluster.hierarchy):
 *
 * - Matrices are row-major arrays of double, n_rows x n_cols. NaN marks a
 *   missing cell.
 * - Distances live in a *condensed* array of n*(n-1)/2 doubles: the upper
 *   triangle of the n x n matrix, row by row (SciPy's pdist layout); see
 *   ampel_cluster_condensed_index(). No function here allocates n x n.
 *   Memory is O(n^2): for n = 11,000 the condensed array is 60.5 million
 *   doubles = 484 MB, and the linkage works in place on it (the
 *   convenience ampel_cluster_linkage_matrix() peaks at one such array;
 *   for single linkage it needs none, see there).
 * - A tree is SciPy's linkage matrix Z: n-1 merges. Leaves are 0..n-1, the
 *   cluster made by merge k (0-based) is n+k. Merges are sorted by height
 *   (stable), and in each merge left < right.
 *
 * Every function is reentrant: no state is kept between calls, so different
 * threads may cluster different data at the same time. Nothing recurses on
 * the size of the input. Allocation goes through ampel_alloc(); on
 * AMPEL_E_NOMEM everything the call allocated has been freed and the output
 * arrays hold unspecified values.
 */
#ifndef AMPEL_CLUSTER_H
#define AMPEL_CLUSTER_H

#include <stddef.h>

#include "ampel/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Linkage methods (METHODS.md §2.4). Distances between a new cluster and
 * the others are updated by the Lance-Williams formulas, exactly as in
 * scipy.cluster.hierarchy.linkage(X, method, metric='euclidean'):
 * complete = max, average = size-weighted mean (UPGMA), single = min,
 * ward = Ward's minimum variance on Euclidean distances (R's ward.D2). */
typedef enum ampel_linkage {
  AMPEL_LINKAGE_COMPLETE = 0, /* the default */
  AMPEL_LINKAGE_AVERAGE = 1,
  AMPEL_LINKAGE_SINGLE = 2,
  AMPEL_LINKAGE_WARD = 3
} ampel_linkage;

/* Lower-case English name ("complete", "average", "single", "ward"), as
 * used on the command line and by SciPy. Static string; "?" for a value
 * outside the enum. */
const char *ampel_linkage_name(ampel_linkage method);

/* Parse a name as returned by ampel_linkage_name() (exact, lower case).
 * AMPEL_E_USAGE (and *out_method untouched) for anything else. */
AMPEL_WUR ampel_status ampel_linkage_parse(const char *name,
                                           ampel_linkage *out_method);

/* What is clustered: the rows of the matrix compared over its columns
 * (areas over indicators), or the columns compared over its rows
 * (indicators over areas). */
typedef enum ampel_cluster_axis {
  AMPEL_CLUSTER_ROWS = 0,
  AMPEL_CLUSTER_COLS = 1
} ampel_cluster_axis;

/* One merge of the linkage matrix: clusters `left` and `right` (left <
 * right, SciPy numbering) join at `height` into a cluster of `size`
 * leaves. */
typedef struct ampel_cluster_merge {
  size_t left;
  size_t right;
  double height;
  size_t size;
} ampel_cluster_merge;

/* ---- Condensed distance arrays ------------------------------------------
 */

/* Number of entries n*(n-1)/2 of a condensed array for n items. Returns
 * AMPEL_E_TOO_LARGE when the array's size in bytes would not fit in a
 * size_t (it says nothing about whether that much memory is available). */
AMPEL_WUR ampel_status ampel_cluster_condensed_len(size_t n, size_t *out_len);

/* Position of the pair (i, j), i != j, both < n, in a condensed array.
 * The order of i and j does not matter. i == j is a programmer error. */
size_t ampel_cluster_condensed_index(size_t n, size_t i, size_t j);

/* ---- Distances ------------------------------------------------------------
 */

/* Euclidean distances between the items (rows or columns, see `axis`) of
 * the n_rows x n_cols matrix `x`, with missing cells handled pairwise like
 * R's dist(): over the K features, only the K_present features where both
 * items have a value count, and the sum is scaled up,
 *   d = sqrt(sum_k (a_k - b_k)^2 * K / K_present).
 * Two items with no feature in common get the distance NaN (linkage
 * refuses such a matrix, see ampel_cluster_check_dist()).
 *
 * `out_d` must hold ampel_cluster_condensed_len(n_items) doubles, n_items
 * being n_rows (ROWS) or n_cols (COLS). AMPEL_E_NOMEM: for the small
 * scratch (ROWS works on a feature-major copy of x, so that one vector
 * instruction computes several pairs; every pair's sum still runs over the
 * features in order, so the distances are SciPy's to the bit).
 * AMPEL_E_TOO_LARGE: sizes overflow.
 * AMPEL_E_USAGE: x or out_d NULL while there is something to compute. */
AMPEL_WUR ampel_status ampel_cluster_pdist(const double *x, size_t n_rows,
                                           size_t n_cols,
                                           ampel_cluster_axis axis,
                                           double *out_d);

/* Mean of the present (non-NaN) values of each item (row or column); NaN
 * for an item without values. `out_mean` holds n_rows (ROWS) or n_cols
 * (COLS) doubles. Handy as the weights of ampel_cluster_leaves_by_mean(). */
AMPEL_WUR ampel_status ampel_cluster_item_means(const double *x, size_t n_rows,
                                                size_t n_cols,
                                                ampel_cluster_axis axis,
                                                double *out_mean);

/* Check that a condensed array of n items can be clustered: every entry is
 * finite and >= 0. Returns AMPEL_OK, or AMPEL_E_DATA and the first bad
 * pair in *out_i < *out_j (either pointer may be NULL). A NaN pair means
 * the two items share no present feature: the caller must drop items
 * without values (METHODS.md §2.5) and may report the pair to the user. */
AMPEL_WUR ampel_status ampel_cluster_check_dist(const double *d, size_t n,
                                                size_t *out_i, size_t *out_j);

/* ---- Linkage ------------------------------------------------------------
 */

/* Hierarchical clustering of n items from their condensed distances `d`.
 * Writes n-1 merges to `out_z` (nothing for n < 2) in SciPy's order and
 * numbering; equal to scipy.cluster.hierarchy.linkage(d, method) including
 * the way ties are broken (same algorithms, same choices: the
 * nearest-neighbour chain for complete/average/ward, Prim's minimum
 * spanning tree for single; then a stable sort by height and union-find
 * relabelling). Time O(n^2). The chain keeps a short list of nearest
 * neighbours per item instead of scanning a row for every step
 * (src/compute/cluster.c); the answers are those of SciPy's scans.
 *
 * `d` is not changed. complete/average/ward work on a copy of d (one more
 * condensed array; see ampel_cluster_linkage_inplace() to avoid it);
 * single needs only O(n) extra memory.
 *
 * Errors: AMPEL_E_DATA when d has a NaN, infinite or negative entry
 * (nothing written; use ampel_cluster_check_dist() to find the pair);
 * AMPEL_E_USAGE for a bad method or NULL pointers; AMPEL_E_NOMEM;
 * AMPEL_E_TOO_LARGE when n*(n-1)/2 doubles overflow size_t. */
AMPEL_WUR ampel_status ampel_cluster_linkage(const double *d, size_t n,
                                             ampel_linkage method,
                                             ampel_cluster_merge *out_z);

/* As ampel_cluster_linkage(), but uses `d` as its work space: on return
 * (any status other than AMPEL_E_DATA/AMPEL_E_USAGE) d holds unspecified
 * values. Saves one condensed array of memory. */
AMPEL_WUR ampel_status ampel_cluster_linkage_inplace(
    double *d, size_t n, ampel_linkage method, ampel_cluster_merge *out_z);

/* Convenience: distances (ampel_cluster_pdist) and linkage in one call,
 * with one condensed array of peak memory. Single linkage needs no
 * condensed array at all: Prim's tree computes each distance when it needs
 * it, from a feature-major copy of the items (memory O(n_rows * n_cols));
 * only when a pair has no finite distance does it fall back to the array
 * to name that pair. `out_z` holds n_items-1 merges.
 * On AMPEL_E_DATA the first pair of items without a distance (see
 * ampel_cluster_check_dist) is stored in out_bad[0] < out_bad[1] when
 * out_bad is not NULL. Errors as ampel_cluster_pdist and _linkage, and
 * AMPEL_E_CANCELLED when `stop` (may be NULL) fires: it is polled after
 * the distances and once per merge (every O(n) steps). */
AMPEL_WUR ampel_status ampel_cluster_linkage_matrix(
    const double *x, size_t n_rows, size_t n_cols, ampel_cluster_axis axis,
    ampel_linkage method, ampel_cluster_merge *out_z, size_t out_bad[2],
    const ampel_stop *stop);

/* ---- Using a tree -------------------------------------------------------
 *
 * The functions below accept any valid tree of n leaves: every merge k
 * joins two distinct, not yet used clusters with ids < n+k, and `size` is
 * the sum of its children's sizes (the order of left and right and the
 * order of heights are not checked). Anything else is AMPEL_E_DATA.
 */

/* Cophenetic distances: for every pair of leaves the height of the merge
 * that first joins them, as scipy.cluster.hierarchy.cophenet(Z). Writes
 * ampel_cluster_condensed_len(n) doubles to `out_d`. */
AMPEL_WUR ampel_status ampel_cluster_cophenetic(const ampel_cluster_merge *z,
                                                size_t n, double *out_d);

/* The dendrogram's leaf order, left child before right child at every
 * merge: scipy.cluster.hierarchy.leaves_list(Z). Writes n leaf ids to
 * `out_order` (out_order[pos] = leaf). */
AMPEL_WUR ampel_status ampel_cluster_leaves(const ampel_cluster_merge *z,
                                            size_t n, size_t *out_order);

/* The heatmap's leaf order (METHODS.md §2.6): the dendrogram of z, but at
 * every merge the child with the smaller mean weight goes first (left
 * first when the means are equal). `weight` holds one value per leaf (the
 * mean scaled value of the row); a cluster's mean is the mean over its
 * leaves (sum of weights / size). Weights must be finite (AMPEL_E_DATA).
 * Writes n leaf ids to `out_order`. */
AMPEL_WUR ampel_status
ampel_cluster_leaves_by_mean(const ampel_cluster_merge *z, size_t n,
                             const double *weight, size_t *out_order);

#ifdef __cplusplus
}
#endif
#endif
