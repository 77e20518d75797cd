/* correlate.c - the question "Wechselwirkungen"
 * (include/ampel/analysis/correlate.h): correlations on the universe (small
 * areas are no observation), the clustered matrix order and the scatter
 * pair. One answer for `ampel correlate`, `ampel chart scatter` and
 * /wechselwirkungen. */
#include <math.h>
#include <string.h>

#include "ampel/alloc.h"
#include "ampel/analysis/correlate.h"
#include "ampel/analysis/indicator.h"
#include "ampel/analysis/lights.h"

void ampel_correlation_answer_release(ampel_correlation_answer *a) {
  if (!a)
    return;
  ampel_selection_release(&a->sel);
  ampel_free(a->values);
  ampel_free(a->m);
  ampel_free(a->order);
  memset(a, 0, sizeof *a);
}

const ampel_corr *ampel_correlation_at(const ampel_correlation_answer *a,
                                       size_t i, size_t j) {
  return &a->m[i * a->k + j];
}

/* Universe values, one column per indicator; counts the small areas. */
static ampel_status fill_values(const ampel_context *ctx, const ampel_query *q,
                                ampel_correlation_answer *a) {
  const ampel_dataset *uni = NULL;
  ampel_dataset *own = NULL;
  ampel_status s = ampel_context_universe_for(ctx, q, &uni, &own);
  size_t n = a->sel.n_areas;
  a->values = s == AMPEL_OK ? ampel_calloc(n * a->k + 1, sizeof *a->values)
                            : NULL;
  if (s == AMPEL_OK && !a->values)
    s = AMPEL_E_NOMEM;
  for (size_t j = 0; s == AMPEL_OK && j < a->k; j++)
    for (size_t i = 0; i < n; i++) {
      ampel_cell_ref c =
          ampel_dataset_get(uni, a->sel.areas[i], a->sel.inds[j], a->sel.period);
      a->values[j * n + i] =
          c.present && ampel_flag_has_value(c.flag) ? c.value : NAN;
    }
  for (size_t i = 0; s == AMPEL_OK && i < n; i++)
    a->n_small += ampel_context_small_area(ctx, q, a->sel.areas[i]) != 0;
  ampel_dataset_free(own);
  return s;
}

/* Column of a dataset indicator in the selection, or -1. */
static long column_of(const ampel_correlation_answer *a, long ind) {
  for (size_t j = 0; ind >= 0 && j < a->k; j++)
    if ((long)a->sel.inds[j] == ind)
      return (long)j;
  return -1;
}

/* The scatter pair: x and y when both are columns, else the strongest |r|
 * off the diagonal, else the first two. */
static void pick_pair(ampel_correlation_answer *a, long xi, long yi) {
  long xj = column_of(a, xi), yj = column_of(a, yi);
  if (xj < 0 || yj < 0) {
    double best = -1;
    xj = 0;
    yj = 1;
    for (size_t i = 0; i < a->k; i++)
      for (size_t j = i + 1; j < a->k; j++) {
        double r = fabs(a->m[i * a->k + j].r);
        if (!isnan(r) && r > best) {
          best = r;
          xj = (long)i;
          yj = (long)j;
        }
      }
  }
  a->x = (size_t)xj;
  a->y = (size_t)yj;
}

static ampel_status compute(const ampel_context *ctx, const ampel_query *q,
                            ampel_correlation_answer *a, ampel_diags *diags) {
  long xi = -1, yi = -1;
  ampel_status s = ampel_analysis_indicator(a->ds, q, AMPEL_OPT_X, &xi, diags);
  if (s == AMPEL_OK)
    s = ampel_analysis_indicator(a->ds, q, AMPEL_OPT_Y, &yi, diags);
  if (s == AMPEL_OK)
    s = ampel_analysis_select_strict(a->ds, q, NULL, &a->sel, diags);
  if (s == AMPEL_OK && a->sel.n_inds < 2) {
    ampel_diags_error(diags, AMPEL_E_DATA,
                      "für Zusammenhänge braucht es mindestens zwei "
                      "Kennzahlen mit Werten auf der Ebene %s",
                      a->sel.level);
    s = AMPEL_E_DATA;
  }
  a->k = a->sel.n_inds;
  if (s == AMPEL_OK)
    s = fill_values(ctx, q, a);
  if (s == AMPEL_OK) {
    a->m = ampel_calloc(a->k * a->k + 1, sizeof *a->m);
    a->order = ampel_calloc(a->k + 1, sizeof *a->order);
    const double **cols = ampel_calloc(a->k + 1, sizeof *cols);
    if (!a->m || !a->order || !cols)
      s = AMPEL_E_NOMEM;
    for (size_t j = 0; s == AMPEL_OK && j < a->k; j++)
      cols[j] = a->values + j * a->sel.n_areas;
    if (s == AMPEL_OK)
      s = ampel_corr_matrix(cols, a->k, a->sel.n_areas, a->method, a->m);
    ampel_free(cols);
  }
  if (s == AMPEL_OK)
    s = ampel_corr_order(a->m, a->k, a->order);
  if (s == AMPEL_OK)
    pick_pair(a, xi, yi);
  return s;
}

ampel_status ampel_analyse_correlation(const ampel_context *ctx,
                                       const ampel_query *q,
                                       ampel_correlation_answer *out,
                                       ampel_diags *diags) {
  memset(out, 0, sizeof *out);
  out->ds = ampel_context_dataset(ctx);
  out->footer = ampel_context_footer(ctx);
  out->method = ampel_query_choice(q, AMPEL_OPT_CORR_METHOD) == 1
                    ? AMPEL_CORR_SPEARMAN
                    : AMPEL_CORR_PEARSON;
  ampel_status s = compute(ctx, q, out, diags);
  if (s != AMPEL_OK)
    ampel_correlation_answer_release(out);
  return s;
}
