/* ampel/heatmap.h - the clustered heatmap of METHODS.md §2 (the
 * Gelsenkirchen method) on a dataset: compute, CSV and SVG.
 *
 * ampel_heatmap_compute() takes a resolved selection (select.h: level,
 * period, indicators), builds the matrix areas x indicators, computes the
 * reference value of every indicator (METHODS.md §1), scales every column
 * to 0-1 with polarity (§2.2), clusters areas and/or indicators (§2.3-2.4,
 * cluster.h) and orders the leaves (§2.6). Areas of the level without any
 * value in the selection are left out (and listed in `dropped`).
 *
 * The result struct is part of the API (callers read its fields); it owns
 * all its arrays. Release with ampel_heatmap_release(). Renderers take the
 * result and the dataset (for names), never the store.
 *
 * Thread-safety: no shared state; the dataset is only read.
 */
#ifndef AMPEL_HEATMAP_H
#define AMPEL_HEATMAP_H

#include <stddef.h>

#include "ampel/buf.h"
#include "ampel/cluster.h"
#include "ampel/dataset.h"
#include "ampel/error.h"
#include "ampel/select.h"
#include "ampel/stats.h"
#include "ampel/svg.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What is clustered (--cluster). */
typedef enum ampel_heatmap_cluster {
  AMPEL_HM_CLUSTER_BOTH = 0, /* the default */
  AMPEL_HM_CLUSTER_AREAS = 1,
  AMPEL_HM_CLUSTER_INDICATORS = 2,
  AMPEL_HM_CLUSTER_NONE = 3
} ampel_heatmap_cluster;

/* "both", "areas", "indicators", "none"; AMPEL_E_USAGE for anything else
 * (*out untouched). */
AMPEL_WUR ampel_status ampel_heatmap_cluster_parse(const char *s,
                                                   ampel_heatmap_cluster *out);
const char *ampel_heatmap_cluster_name(ampel_heatmap_cluster c);

typedef struct ampel_heatmap_opts {
  ampel_heatmap_cluster cluster;
  ampel_linkage linkage;
  int force_mean;         /* --reference mean */
  int need_area_tree;     /* compute the area tree even when areas are not
                             clustered (for --tree) */
  const ampel_stop *stop; /* NULL, or a stop request polled while
                             clustering (AMPEL_E_CANCELLED) */
} ampel_heatmap_opts;

/* Defaults: both, complete, root reference, no forced tree. */
void ampel_heatmap_opts_init(ampel_heatmap_opts *o);

typedef struct ampel_heatmap {
  const char *level; /* borrowed from the dataset */
  size_t period;     /* period id */
  ampel_heatmap_opts opts;
  size_t n_rows;         /* areas with at least one value */
  size_t n_cols;         /* indicators */
  size_t *area_ids;      /* n_rows dataset area ids, `ampel list areas` order;
                            row r is leaf r of the area tree */
  size_t *ind_ids;       /* n_cols dataset indicator ids, selection order */
  size_t *col_period;    /* n_cols: each column's period (Stand je Kennzahl;
                            all == period with a period option) */
  int per_indicator;     /* the columns' periods may differ */
  double *raw;           /* n_rows x n_cols row-major values, NaN = missing */
  double *scaled;        /* the same cells scaled to 0-1 (1 = favourable) */
  ampel_ref_result *ref; /* n_cols reference values (METHODS.md §1) */
  size_t *row_order;     /* drawn order: row_order[pos] = row */
  size_t *col_order;     /* drawn order: col_order[pos] = column */
  ampel_cluster_merge *row_tree; /* n_rows-1 merges, or NULL */
  ampel_cluster_merge *col_tree; /* n_cols-1 merges, or NULL */
  size_t *dropped;               /* area ids of the level without any value */
  size_t n_dropped;
} ampel_heatmap;

/* 1 when the columns' periods differ (Stand je Kennzahl). */
static inline int ampel_heatmap_periods_differ(const ampel_heatmap *h) {
  for (size_t j = 1; h->col_period && j < h->n_cols; j++)
    if (h->col_period[j] != h->col_period[0])
      return 1;
  return 0;
}

/* Computes the heatmap for selection `sel` (period sel->period).
 * Errors: AMPEL_E_DATA with a German message in diags when fewer than 2
 * areas have values, or when two areas (indicators) to be clustered share
 * no value (their distance is undefined); AMPEL_E_USAGE for bad options;
 * AMPEL_E_NOMEM. On error *out is released. */
AMPEL_WUR ampel_status ampel_heatmap_compute(const ampel_dataset *ds,
                                             const ampel_selection *sel,
                                             const ampel_heatmap_opts *o,
                                             ampel_heatmap *out,
                                             ampel_diags *diags);
/* Frees the arrays; accepts NULL and an already released struct. */
void ampel_heatmap_release(ampel_heatmap *h);

/* The scaled matrix in drawn order as CSV: header `area,name,<key>...`
 * (indicator keys in drawn column order), one row per area in drawn row
 * order, '.' decimals, empty for missing cells. */
void ampel_heatmap_write_csv(const ampel_heatmap *h, const ampel_dataset *ds,
                             ampel_buf *out);

/* The area tree of METHODS.md §2.5:
 * `step,left,right,height,size,left_key,right_key`. AMPEL_E_USAGE when the
 * heatmap has no area tree. */
AMPEL_WUR ampel_status ampel_heatmap_write_tree(const ampel_heatmap *h,
                                                const ampel_dataset *ds,
                                                ampel_buf *out);

/* The rows cut into groups of similar areas (issue 15: a heatmap of
 * hundreds or thousands of areas is shown as groups with drill-down): the
 * area tree is cut where at most k clusters remain (the last k-1 merges
 * undone); without a tree, k runs of the drawn order. Groups are numbered
 * in drawn order (group 0 holds the first drawn row). */
typedef struct ampel_heatmap_groups {
  size_t n;       /* groups */
  size_t *of_row; /* per heatmap row: its group */
  size_t *size;   /* per group: rows */
  double *mean;   /* n x h->n_cols mean scaled value (NaN: none) */
} ampel_heatmap_groups;

AMPEL_WUR ampel_status ampel_heatmap_group(const ampel_heatmap *h, size_t k,
                                           ampel_heatmap_groups *out);
void ampel_heatmap_groups_release(ampel_heatmap_groups *g);

typedef struct ampel_heatmap_render_opts {
  const ampel_palette *palette; /* NULL: the default palette */
  const char *stamp;            /* data version line for the footer, or NULL */
  const char *const *dropped_why; /* per h->dropped: why it is out
                                     ("zu wenige Einwohner", "kein Wert"),
                                     or NULL: all without values */
} ampel_heatmap_render_opts;

/* The heatmap as an accessible SVG picture (docs/ampel.md). */
void ampel_heatmap_write_svg(const ampel_heatmap *h, const ampel_dataset *ds,
                             const ampel_heatmap_render_opts *o,
                             ampel_buf *out);

#ifdef __cplusplus
}
#endif
#endif
