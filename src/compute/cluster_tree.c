/* Reading a linkage tree (cluster.h): cophenetic distances and leaf
 * orders.
 *
 * Everything works on the flat merge list, without recursion: parents come
 * after their children in z, so one pass from the last merge (the root) to
 * the first visits every node after its parent. That pass lays out the
 * leaves: each node gets the position where its leaves start in the final
 * order, its first child starts there too and its second child right after
 * the first child's leaves.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "ampel/alloc.h"
#include "ampel/cluster.h"

/* Scratch for a tree of n leaves (2n-1 nodes). */
typedef struct tree {
  size_t n;
  size_t *size;  /* leaves under node */
  size_t *start; /* first position of the node's leaves in the order */
  unsigned char *used;
} tree;

static void tree_release(tree *t) {
  ampel_free(t->size);
  ampel_free(t->start);
  ampel_free(t->used);
  memset(t, 0, sizeof *t);
}

static ampel_status tree_init(tree *t, size_t n) {
  memset(t, 0, sizeof *t);
  if (n > SIZE_MAX / 2 / sizeof(size_t))
    return AMPEL_E_TOO_LARGE;
  size_t nodes = 2 * n - 1;
  t->n = n;
  t->size = ampel_reallocarray(NULL, nodes, sizeof(size_t));
  t->start = ampel_reallocarray(NULL, nodes, sizeof(size_t));
  t->used = ampel_calloc(nodes, 1);
  if (!t->size || !t->start || !t->used) {
    tree_release(t);
    return AMPEL_E_NOMEM;
  }
  return AMPEL_OK;
}

/* Checks that z is a tree over n leaves (cluster.h) and fills t->size. */
static ampel_status tree_check(tree *t, const ampel_cluster_merge *z) {
  size_t n = t->n;
  for (size_t i = 0; i < n; i++)
    t->size[i] = 1;
  for (size_t k = 0; k + 1 < n; k++) {
    size_t l = z[k].left, r = z[k].right;
    if (l >= n + k || r >= n + k || l == r || t->used[l] || t->used[r])
      return AMPEL_E_DATA;
    t->used[l] = t->used[r] = 1;
    t->size[n + k] = t->size[l] + t->size[r];
    if (z[k].size != t->size[n + k])
      return AMPEL_E_DATA;
  }
  return AMPEL_OK;
}

/* Lays out the leaves from the root down. With `sum` (weight sums per
 * node, may be NULL), the child of smaller mean weight goes first;
 * otherwise left before right. Writes out_order[pos] = leaf. */
static void tree_layout(tree *t, const ampel_cluster_merge *z,
                        const double *sum, size_t *out_order) {
  size_t n = t->n;
  t->start[2 * n - 2] = 0;
  for (size_t k = n - 1; k-- > 0;) {
    size_t first = z[k].left, second = z[k].right;
    if (sum) {
      double m_first = sum[first] / (double)t->size[first];
      double m_second = sum[second] / (double)t->size[second];
      if (m_second < m_first) {
        first = z[k].right;
        second = z[k].left;
      }
    }
    t->start[first] = t->start[n + k];
    t->start[second] = t->start[n + k] + t->size[first];
  }
  for (size_t leaf = 0; leaf < n; leaf++)
    out_order[t->start[leaf]] = leaf;
}

/* Common prologue: trivial sizes, argument checks, scratch, validation. */
static ampel_status tree_open(tree *t, const ampel_cluster_merge *z, size_t n) {
  if (n >= 2 && !z)
    return AMPEL_E_USAGE;
  ampel_status st = tree_init(t, n);
  if (st == AMPEL_OK) {
    st = tree_check(t, z);
    if (st != AMPEL_OK)
      tree_release(t);
  }
  return st;
}

ampel_status ampel_cluster_leaves(const ampel_cluster_merge *z, size_t n,
                                  size_t *out_order) {
  if (n == 0)
    return AMPEL_OK;
  if (!out_order)
    return AMPEL_E_USAGE;
  tree t;
  ampel_status st = tree_open(&t, z, n);
  if (st != AMPEL_OK)
    return st;
  tree_layout(&t, z, NULL, out_order);
  tree_release(&t);
  return AMPEL_OK;
}

ampel_status ampel_cluster_leaves_by_mean(const ampel_cluster_merge *z,
                                          size_t n, const double *weight,
                                          size_t *out_order) {
  if (n == 0)
    return AMPEL_OK;
  if (!out_order || !weight)
    return AMPEL_E_USAGE;
  for (size_t i = 0; i < n; i++)
    if (!isfinite(weight[i]))
      return AMPEL_E_DATA;
  tree t;
  ampel_status st = tree_open(&t, z, n);
  if (st != AMPEL_OK)
    return st;
  double *sum = ampel_reallocarray(NULL, 2 * n - 1, sizeof *sum);
  if (!sum) {
    tree_release(&t);
    return AMPEL_E_NOMEM;
  }
  memcpy(sum, weight, n * sizeof *sum);
  for (size_t k = 0; k + 1 < n; k++)
    sum[n + k] = sum[z[k].left] + sum[z[k].right];
  tree_layout(&t, z, sum, out_order);
  ampel_free(sum);
  tree_release(&t);
  return AMPEL_OK;
}

/* Cophenetic distances row by row, writing the condensed array in order
 * (scattered writes per merge were 5x slower at n = 11,000).
 *
 * In the layout, merge k's two children are adjacent ranges of positions,
 * so merge k is the lowest common ancestor of exactly one pair of
 * neighbouring positions: gap[g] = k for the gap between positions g and
 * g+1. For leaves at positions p < q the common ancestor is the highest of
 * the merges at the gaps p..q-1 (it lies above all of them and one of them
 * is it); parents come after children in z, so "highest" is the largest
 * k. That holds for any tree, also one whose heights are not monotone.
 * `lca` is scratch for n merge indices. */
static void coph_rows(const tree *t, const ampel_cluster_merge *z,
                      const size_t *gap, size_t *lca, double *out_d) {
  size_t n = t->n, pos = 0;
  for (size_t i = 0; i + 1 < n; i++) {
    size_t p = t->start[i], k = 0;
    for (size_t q = p + 1; q < n; q++) { /* running max to the right */
      k = gap[q - 1] > k ? gap[q - 1] : k;
      lca[q] = k;
    }
    k = 0;
    for (size_t q = p; q-- > 0;) { /* and to the left */
      k = gap[q] > k ? gap[q] : k;
      lca[q] = k;
    }
    for (size_t j = i + 1; j < n; j++)
      out_d[pos++] = z[lca[t->start[j]]].height;
  }
}

ampel_status ampel_cluster_cophenetic(const ampel_cluster_merge *z, size_t n,
                                      double *out_d) {
  ampel_status st = ampel_cluster_condensed_len(n, NULL);
  if (st != AMPEL_OK || n < 2)
    return st;
  if (!out_d)
    return AMPEL_E_USAGE;
  tree t;
  st = tree_open(&t, z, n);
  if (st != AMPEL_OK)
    return st;
  size_t *scratch = ampel_reallocarray(NULL, 2 * n, sizeof *scratch);
  if (!scratch) {
    tree_release(&t);
    return AMPEL_E_NOMEM;
  }
  size_t *order = scratch, *gap = scratch + n;
  tree_layout(&t, z, NULL, order);
  for (size_t k = 0; k + 1 < n; k++) /* last position of the left child */
    gap[t.start[z[k].left] + t.size[z[k].left] - 1] = k;
  coph_rows(&t, z, gap, order /* reused as lca */, out_d);
  ampel_free(scratch);
  tree_release(&t);
  return AMPEL_OK;
}
