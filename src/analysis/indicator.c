/* indicator.c - the question "Kennzahl" (include/ampel/analysis/
 * indicator.h): the map answer plus ranks computed once; and the helpers
 * the view questions share (indicator option, selection, ranks). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ampel/alloc.h"
#include "ampel/analysis/indicator.h"

ampel_status ampel_analysis_indicator(const ampel_dataset *ds,
                                      const ampel_query *q, ampel_opt_id id,
                                      long *out, ampel_diags *diags) {
  *out = -1;
  const char *k = ampel_query_text(q, id);
  if (!k)
    return AMPEL_OK;
  *out = ampel_dataset_find_indicator(ds, k);
  if (*out >= 0)
    return AMPEL_OK;
  ampel_diags_error(diags, AMPEL_E_USAGE,
                    "%s: unbekannte Kennzahl '%s' (siehe 'ampel list "
                    "indicators')",
                    ampel_opt_get(id)->name, k);
  return AMPEL_E_USAGE;
}

static ampel_status select_any(const ampel_dataset *ds, const ampel_query *q,
                               const char *one_key, int strict,
                               ampel_selection *out, ampel_diags *diags) {
  memset(out, 0, sizeof *out);
  long period = -1;
  char **keys = NULL, *copy = NULL;
  size_t n_keys = 0;
  ampel_status s =
      ampel_analysis_period(ds, q, AMPEL_OPT_PERIOD, &period, diags);
  if (s == AMPEL_OK && !one_key)
    s = ampel_analysis_keys(q, AMPEL_OPT_INDICATORS, &keys, &n_keys, &copy,
                            diags);
  const char *const *k = one_key ? &one_key : (const char *const *)keys;
  size_t nk = one_key ? 1 : n_keys;
  if (s == AMPEL_OK && period < 0 && !strict)
    s = ampel_select_latest(ds, ampel_query_text(q, AMPEL_OPT_LEVEL),
                            ampel_query_text(q, AMPEL_OPT_STAND), k, nk, out,
                            diags);
  else if (s == AMPEL_OK)
    s = ampel_select(
        ds, ampel_query_text(q, AMPEL_OPT_LEVEL),
        period >= 0 ? ampel_dataset_period(ds, (size_t)period)->label : NULL, k,
        nk, out, diags);
  ampel_free(keys);
  ampel_free(copy);
  return s;
}

ampel_status ampel_analysis_select(const ampel_dataset *ds,
                                   const ampel_query *q, const char *one_key,
                                   ampel_selection *out, ampel_diags *diags) {
  return select_any(ds, q, one_key, 0, out, diags);
}

ampel_status ampel_analysis_select_shown(const ampel_dataset *ds,
                                         const ampel_query *q,
                                         ampel_selection *out,
                                         ampel_diags *diags) {
  ampel_status s = select_any(ds, q, NULL, 0, out, diags);
  if (s != AMPEL_OK || ampel_query_text(q, AMPEL_OPT_INDICATORS))
    return s;
  size_t k = 0;
  for (size_t j = 0; j < out->n_inds; j++) {
    if (ampel_dataset_indicator(ds, out->inds[j])->shown == AMPEL_SHOWN_NO)
      continue;
    if (out->col_period)
      out->col_period[k] = out->col_period[j];
    out->inds[k++] = out->inds[j];
  }
  out->n_inds = k;
  return AMPEL_OK;
}

ampel_status ampel_analysis_select_strict(const ampel_dataset *ds,
                                          const ampel_query *q,
                                          const char *one_key,
                                          ampel_selection *out,
                                          ampel_diags *diags) {
  return select_any(ds, q, one_key, 1, out, diags);
}

typedef struct rank_item {
  double key; /* sign * value: larger is more favourable */
  size_t row;
} rank_item;

static int by_key(const void *a, const void *b) {
  const rank_item *x = a, *y = b;
  if (x->key != y->key)
    return x->key < y->key ? 1 : -1;
  return (x->row > y->row) - (x->row < y->row);
}

size_t ampel_analysis_ranks(const double *v, const unsigned char *skip,
                            size_t n, ampel_polarity pol, size_t *out_rank,
                            size_t *out_order) {
  rank_item *it = ampel_calloc(n + 1, sizeof *it);
  if (!it)
    return (size_t)-1;
  double sign = pol == AMPEL_POL_HIGHER_IS_WORSE ? -1.0 : 1.0;
  size_t m = 0;
  for (size_t i = 0; i < n; i++) {
    out_rank[i] = 0;
    if (!isnan(v[i]) && !(skip && skip[i]))
      it[m++] = (rank_item){sign * v[i], i};
  }
  qsort(it, m, sizeof *it, by_key);
  for (size_t i = 0; i < m; i++)
    out_rank[it[i].row] =
        i > 0 && it[i].key == it[i - 1].key ? out_rank[it[i - 1].row] : i + 1;
  if (out_order) {
    size_t o = 0;
    for (size_t i = 0; i < m; i++)
      out_order[o++] = it[i].row;
    for (size_t i = 0; i < n; i++)
      if (!out_rank[i])
        out_order[o++] = i;
  }
  ampel_free(it);
  return m;
}

void ampel_indicator_answer_release(ampel_indicator_answer *a) {
  if (!a)
    return;
  ampel_map_answer_release(&a->map);
  ampel_timeseries_answer_release(&a->ts);
  ampel_free(a->rank);
  ampel_free(a->order);
  memset(a, 0, sizeof *a);
}

ampel_status ampel_analyse_indicator(const ampel_context *ctx,
                                     const ampel_query *q,
                                     ampel_indicator_answer *out,
                                     ampel_diags *diags) {
  memset(out, 0, sizeof *out);
  ampel_status s = ampel_analyse_map(ctx, q, &out->map, diags);
  if (s == AMPEL_OK)
    s = ampel_analyse_timeseries(ctx, q, &out->ts, diags);
  size_t n = out->map.n_items;
  unsigned char *skip = NULL;
  double *v = NULL;
  if (s == AMPEL_OK) {
    out->rank = ampel_calloc(n + 1, sizeof *out->rank);
    out->order = ampel_calloc(n + 1, sizeof *out->order);
    skip = ampel_calloc(n + 1, sizeof *skip);
    v = ampel_calloc(n + 1, sizeof *v);
    if (!out->rank || !out->order || !skip || !v)
      s = AMPEL_E_NOMEM;
  }
  for (size_t i = 0; s == AMPEL_OK && i < n; i++) {
    v[i] = out->map.items[i].value;
    skip[i] = out->map.items[i].unrated != 0;
  }
  if (s == AMPEL_OK) {
    const ampel_indicator *in =
        ampel_dataset_indicator(out->map.ds, out->map.ind);
    out->n_ranked =
        ampel_analysis_ranks(v, skip, n, in->polarity, out->rank, out->order);
    if (out->n_ranked == (size_t)-1)
      s = AMPEL_E_NOMEM;
  }
  ampel_free(skip);
  ampel_free(v);
  if (s != AMPEL_OK)
    ampel_indicator_answer_release(out);
  return s;
}
