/* compute/heatmap.c - the clustered heatmap of METHODS.md §2 on a dataset
 * (heatmap.h): matrix, reference values, 0-1 scaling, clustering of areas
 * and indicators, leaf order. */
#include "ampel/heatmap.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "ampel/alloc.h"

static const char *const cluster_names[] = {"both", "areas", "indicators",
                                            "none"};

ampel_status ampel_heatmap_cluster_parse(const char *s,
                                         ampel_heatmap_cluster *out) {
  for (int i = 0; s && i < 4; i++)
    if (strcmp(s, cluster_names[i]) == 0) {
      *out = (ampel_heatmap_cluster)i;
      return AMPEL_OK;
    }
  return AMPEL_E_USAGE;
}

const char *ampel_heatmap_cluster_name(ampel_heatmap_cluster c) {
  return (unsigned)c < 4 ? cluster_names[c] : "?";
}

void ampel_heatmap_opts_init(ampel_heatmap_opts *o) {
  memset(o, 0, sizeof *o);
  o->cluster = AMPEL_HM_CLUSTER_BOTH;
  o->linkage = AMPEL_LINKAGE_COMPLETE;
}

void ampel_heatmap_release(ampel_heatmap *h) {
  if (!h)
    return;
  ampel_free(h->area_ids);
  ampel_free(h->ind_ids);
  ampel_free(h->col_period);
  ampel_free(h->raw);
  ampel_free(h->scaled);
  ampel_free(h->ref);
  ampel_free(h->row_order);
  ampel_free(h->col_order);
  ampel_free(h->row_tree);
  ampel_free(h->col_tree);
  ampel_free(h->dropped);
  memset(h, 0, sizeof *h);
}

static int clusters_areas(const ampel_heatmap_opts *o) {
  return o->cluster == AMPEL_HM_CLUSTER_BOTH ||
         o->cluster == AMPEL_HM_CLUSTER_AREAS;
}

static int clusters_inds(const ampel_heatmap_opts *o) {
  return o->cluster == AMPEL_HM_CLUSTER_BOTH ||
         o->cluster == AMPEL_HM_CLUSTER_INDICATORS;
}

static int row_has_value(const double *m, size_t n_cols, size_t r) {
  for (size_t j = 0; j < n_cols; j++)
    if (!isnan(m[r * n_cols + j]))
      return 1;
  return 0;
}

/* Splits the selection's areas into rows (any value) and dropped ones and
 * copies the rows' values into h->raw. */
static ampel_status build_rows(const ampel_selection *sel, const double *full,
                               ampel_heatmap *h) {
  size_t nc = sel->n_inds;
  h->area_ids = ampel_calloc(sel->n_areas + 1, sizeof *h->area_ids);
  h->dropped = ampel_calloc(sel->n_areas + 1, sizeof *h->dropped);
  h->raw = ampel_reallocarray(NULL, sel->n_areas * nc + 1, sizeof *h->raw);
  if (!h->area_ids || !h->dropped || !h->raw)
    return AMPEL_E_NOMEM;
  for (size_t r = 0; r < sel->n_areas; r++) {
    if (!row_has_value(full, nc, r)) {
      h->dropped[h->n_dropped++] = sel->areas[r];
      continue;
    }
    memcpy(h->raw + h->n_rows * nc, full + r * nc, nc * sizeof *full);
    h->area_ids[h->n_rows++] = sel->areas[r];
  }
  return AMPEL_OK;
}

/* Reference value of column j (METHODS.md §1) over the heatmap's rows. */
static ampel_status column_ref(const ampel_dataset *ds,
                               const ampel_selection *sel, ampel_heatmap *h,
                               size_t j, double *scratch) {
  size_t n = h->n_rows, ind = h->ind_ids[j];
  double *x = scratch, *num = scratch + n, *den = scratch + 2 * n;
  for (size_t r = 0; r < n; r++) {
    ampel_cell_ref c =
        ampel_dataset_get(ds, h->area_ids[r], ind, h->col_period[j]);
    x[r] = h->raw[r * h->n_cols + j];
    num[r] = c.numerator;
    den[r] = c.denominator;
  }
  double root = NAN;
  if (sel->root >= 0) {
    const double *v = ampel_dataset_values(ds, ind, h->col_period[j]);
    root = v ? v[sel->root] : NAN;
  }
  return ampel_ref_compute_kind(
      x, num, den, n, root, NAN, h->opts.force_mean,
      ampel_indicator_kind(ampel_dataset_indicator(ds, ind)), &h->ref[j]);
}

/* Scales every column and computes its reference. */
static ampel_status scale_columns(const ampel_dataset *ds,
                                  const ampel_selection *sel,
                                  ampel_heatmap *h) {
  size_t n = h->n_rows, nc = h->n_cols;
  double *tmp = ampel_reallocarray(NULL, 3 * n + 1, sizeof *tmp);
  h->scaled = ampel_reallocarray(NULL, n * nc + 1, sizeof *h->scaled);
  h->ref = ampel_calloc(nc + 1, sizeof *h->ref);
  ampel_status st = tmp && h->scaled && h->ref ? AMPEL_OK : AMPEL_E_NOMEM;
  for (size_t j = 0; st == AMPEL_OK && j < nc; j++) {
    const ampel_indicator *ind = ampel_dataset_indicator(ds, h->ind_ids[j]);
    for (size_t r = 0; r < n; r++)
      tmp[r] = h->raw[r * nc + j];
    ampel_scale_column(tmp, n, ind->polarity, tmp);
    for (size_t r = 0; r < n; r++)
      h->scaled[r * nc + j] = tmp[r];
    st = column_ref(ds, sel, h, j, tmp);
  }
  ampel_free(tmp);
  return st;
}

/* Names the pair of items without a common value. */
static void report_pair(const ampel_dataset *ds, const ampel_heatmap *h,
                        ampel_cluster_axis axis, const size_t bad[2],
                        ampel_diags *diags) {
  if (axis == AMPEL_CLUSTER_ROWS) {
    ampel_diags_error(
        diags, AMPEL_E_DATA,
        "die Gebiete '%s' und '%s' haben keine gemeinsame Kennzahl mit "
        "Werten; ihr Abstand ist nicht bestimmt (andere Kennzahlen wählen "
        "oder --cluster indicators/none)",
        ampel_dataset_area(ds, h->area_ids[bad[0]])->key,
        ampel_dataset_area(ds, h->area_ids[bad[1]])->key);
  } else {
    ampel_diags_error(
        diags, AMPEL_E_DATA,
        "die Kennzahlen '%s' und '%s' haben kein gemeinsames Gebiet mit "
        "Werten; ihr Abstand ist nicht bestimmt (andere Kennzahlen wählen "
        "oder --cluster areas/none)",
        ampel_dataset_indicator(ds, h->ind_ids[bad[0]])->key,
        ampel_dataset_indicator(ds, h->ind_ids[bad[1]])->key);
  }
}

/* Clusters one axis and writes the tree and (when `order_it`) the leaf
 * order by means (METHODS.md §2.6). */
static ampel_status cluster_axis(const ampel_dataset *ds, ampel_heatmap *h,
                                 ampel_cluster_axis axis, int order_it,
                                 ampel_diags *diags) {
  size_t n = axis == AMPEL_CLUSTER_ROWS ? h->n_rows : h->n_cols;
  ampel_cluster_merge **tree =
      axis == AMPEL_CLUSTER_ROWS ? &h->row_tree : &h->col_tree;
  size_t *order = axis == AMPEL_CLUSTER_ROWS ? h->row_order : h->col_order;
  if (n < 2)
    return AMPEL_OK;
  *tree = ampel_calloc(n - 1, sizeof **tree);
  double *mean = ampel_calloc(n, sizeof *mean);
  ampel_status st = *tree && mean ? AMPEL_OK : AMPEL_E_NOMEM;
  size_t bad[2] = {0, 0};
  if (st == AMPEL_OK)
    st =
        ampel_cluster_linkage_matrix(h->scaled, h->n_rows, h->n_cols, axis,
                                     h->opts.linkage, *tree, bad, h->opts.stop);
  if (st == AMPEL_E_DATA)
    report_pair(ds, h, axis, bad, diags);
  if (st == AMPEL_OK && order_it)
    st = ampel_cluster_item_means(h->scaled, h->n_rows, h->n_cols, axis, mean);
  if (st == AMPEL_OK && order_it)
    st = ampel_cluster_leaves_by_mean(*tree, n, mean, order);
  ampel_free(mean);
  return st;
}

static ampel_status init_orders(ampel_heatmap *h) {
  h->row_order = ampel_calloc(h->n_rows + 1, sizeof *h->row_order);
  h->col_order = ampel_calloc(h->n_cols + 1, sizeof *h->col_order);
  if (!h->row_order || !h->col_order)
    return AMPEL_E_NOMEM;
  for (size_t i = 0; i < h->n_rows; i++)
    h->row_order[i] = i;
  for (size_t j = 0; j < h->n_cols; j++)
    h->col_order[j] = j;
  return AMPEL_OK;
}

static ampel_status check_opts(const ampel_heatmap_opts *o) {
  if ((unsigned)o->cluster > AMPEL_HM_CLUSTER_NONE ||
      (unsigned)o->linkage > AMPEL_LINKAGE_WARD)
    return AMPEL_E_USAGE;
  return AMPEL_OK;
}

static ampel_status cluster_all(const ampel_dataset *ds, ampel_heatmap *h,
                                ampel_diags *diags) {
  ampel_status st = init_orders(h);
  int rows = clusters_areas(&h->opts);
  if (st == AMPEL_OK && (rows || h->opts.need_area_tree))
    st = cluster_axis(ds, h, AMPEL_CLUSTER_ROWS, rows, diags);
  if (st == AMPEL_OK && clusters_inds(&h->opts))
    st = cluster_axis(ds, h, AMPEL_CLUSTER_COLS, 1, diags);
  return st;
}

ampel_status ampel_heatmap_compute(const ampel_dataset *ds,
                                   const ampel_selection *sel,
                                   const ampel_heatmap_opts *o,
                                   ampel_heatmap *out, ampel_diags *diags) {
  memset(out, 0, sizeof *out);
  if (!ds || !sel || !o || check_opts(o) != AMPEL_OK)
    return AMPEL_E_USAGE;
  out->opts = *o;
  out->level = sel->level;
  out->period = sel->period;
  out->n_cols = sel->n_inds;
  double *full = NULL;
  ampel_status st =
      ampel_selection_matrix(ds, sel, AMPEL_SEL_COLUMN_PERIODS, &full);
  out->ind_ids = ampel_calloc(sel->n_inds + 1, sizeof *out->ind_ids);
  out->col_period = ampel_calloc(sel->n_inds + 1, sizeof *out->col_period);
  out->per_indicator = sel->per_indicator;
  if (st == AMPEL_OK && (!out->ind_ids || !out->col_period))
    st = AMPEL_E_NOMEM;
  if (st == AMPEL_OK) {
    memcpy(out->ind_ids, sel->inds, sel->n_inds * sizeof *sel->inds);
    for (size_t j = 0; j < sel->n_inds; j++)
      out->col_period[j] = ampel_selection_period(sel, j);
    st = build_rows(sel, full, out);
  }
  ampel_free(full);
  if (st == AMPEL_OK && out->n_rows < 2) {
    ampel_diags_error(
        diags, AMPEL_E_DATA,
        "zu wenige Gebiete mit Werten auf der Ebene '%s' %s "
        "'%s' (%zu; mindestens 2 nötig)",
        sel->level, sel->per_indicator ? "bis zum Zeitraum" : "im Zeitraum",
        ampel_dataset_period(ds, sel->period)->label, out->n_rows);
    st = AMPEL_E_DATA;
  }
  if (st == AMPEL_OK)
    st = scale_columns(ds, sel, out);
  if (st == AMPEL_OK)
    st = cluster_all(ds, out, diags);
  out->opts.stop = NULL; /* the caller's; not part of the result */
  if (st != AMPEL_OK)
    ampel_heatmap_release(out);
  return st;
}

/* ---- groups of rows (issue 15) ---------------------------------------- */

static size_t uf_find(size_t *parent, size_t x) {
  while (parent[x] != x) {
    parent[x] = parent[parent[x]];
    x = parent[x];
  }
  return x;
}

ampel_status ampel_heatmap_group(const ampel_heatmap *h, size_t k,
                                 ampel_heatmap_groups *out) {
  memset(out, 0, sizeof *out);
  size_t n = h->n_rows, nc = h->n_cols;
  if (k == 0)
    k = 1;
  if (k > n)
    k = n;
  size_t *parent = ampel_calloc(2 * n + 1, sizeof *parent);
  size_t *id = ampel_calloc(2 * n + 1, sizeof *id);
  out->of_row = ampel_calloc(n + 1, sizeof *out->of_row);
  out->size = ampel_calloc(k + 1, sizeof *out->size);
  out->mean = ampel_calloc(k * nc + 1, sizeof *out->mean);
  size_t *cnt = ampel_calloc(k * nc + 1, sizeof *cnt);
  if (!parent || !id || !out->of_row || !out->size || !out->mean || !cnt) {
    ampel_free(parent);
    ampel_free(id);
    ampel_free(cnt);
    ampel_heatmap_groups_release(out);
    return AMPEL_E_NOMEM;
  }
  if (h->row_tree && n > 1) {
    /* SciPy's convention: leaves 0..n-1, merge i makes cluster n+i; the
     * merges come in order of height, so the first n-k make k clusters */
    for (size_t i = 0; i < 2 * n; i++)
      parent[i] = i;
    for (size_t i = 0; i + k < n; i++) {
      size_t c = n + i;
      parent[uf_find(parent, h->row_tree[i].left)] = c;
      parent[uf_find(parent, h->row_tree[i].right)] = c;
    }
  }
  /* number the groups in drawn order */
  for (size_t i = 0; i < 2 * n; i++)
    id[i] = SIZE_MAX;
  size_t g = 0;
  for (size_t pos = 0; pos < n; pos++) {
    size_t row = h->row_order[pos];
    size_t root = h->row_tree && n > 1 ? uf_find(parent, row)
                                       : pos * k / n; /* runs of the order */
    if (id[root] == SIZE_MAX)
      id[root] = g++;
    out->of_row[row] = id[root];
  }
  out->n = g;
  for (size_t row = 0; row < n; row++) {
    size_t gr = out->of_row[row];
    out->size[gr]++;
    for (size_t c = 0; c < nc; c++) {
      double v = h->scaled[row * nc + c];
      if (!isnan(v)) {
        out->mean[gr * nc + c] += v;
        cnt[gr * nc + c]++;
      }
    }
  }
  for (size_t i = 0; i < g * nc; i++)
    out->mean[i] = cnt[i] ? out->mean[i] / (double)cnt[i] : NAN;
  ampel_free(parent);
  ampel_free(id);
  ampel_free(cnt);
  return AMPEL_OK;
}

void ampel_heatmap_groups_release(ampel_heatmap_groups *g) {
  ampel_free(g->of_row);
  ampel_free(g->size);
  ampel_free(g->mean);
  memset(g, 0, sizeof *g);
}
