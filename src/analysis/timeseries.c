/* timeseries.c - the question "Verlauf" (include/ampel/analysis/
 * timeseries.h): values of one indicator over all periods and the
 * reference of each period over the rated areas. */
#include <math.h>
#include <string.h>

#include "ampel/alloc.h"
#include "ampel/analysis/indicator.h"
#include "ampel/analysis/timeseries.h"
#include "ampel/stats.h"

void ampel_timeseries_answer_release(ampel_timeseries_answer *a) {
  if (!a)
    return;
  ampel_selection_release(&a->sel);
  ampel_free(a->labels);
  ampel_free(a->values);
  ampel_free(a->reference);
  ampel_free(a->reason);
  memset(a, 0, sizeof *a);
}

/* The selection of the level with the indicator option, else the first
 * indicator with values there. */
static ampel_status choose(const ampel_dataset *ds, const ampel_query *q,
                           ampel_selection *sel, ampel_diags *diags) {
  long id = -1;
  ampel_status s =
      ampel_analysis_indicator(ds, q, AMPEL_OPT_INDICATOR, &id, diags);
  if (s == AMPEL_OK)
    s = ampel_analysis_select(
        ds, q, id >= 0 ? ampel_dataset_indicator(ds, (size_t)id)->key : NULL,
        sel, diags);
  if (s == AMPEL_OK && sel->n_inds == 0) {
    ampel_diags_error(diags, AMPEL_E_DATA, "keine Kennzahl mit Werten");
    s = AMPEL_E_DATA;
  }
  return s;
}

/* ref(i, t) over the rated areas (the universe), METHODS.md §1. */
static double period_ref(const ampel_dataset *uni, const ampel_selection *sel,
                         size_t ind, size_t t, double *tmp) {
  const double *v = ampel_dataset_values(uni, ind, t);
  for (size_t r = 0; r < sel->n_areas; r++)
    tmp[r] = v ? v[sel->areas[r]] : NAN;
  double root = v && sel->root >= 0 ? v[sel->root] : NAN;
  ampel_ref_result res;
  if (ampel_ref_compute_kind(
          tmp, NULL, NULL, sel->n_areas, root, NAN, 0,
          ampel_indicator_kind(ampel_dataset_indicator(uni, ind)),
          &res) != AMPEL_OK)
    return NAN;
  return res.value;
}

static ampel_status fill(const ampel_context *ctx, const ampel_query *q,
                         ampel_timeseries_answer *a) {
  const ampel_dataset *uni = NULL;
  ampel_dataset *own = NULL;
  size_t n = a->sel.n_areas, np = ampel_dataset_n_periods(a->ds);
  a->ind = a->sel.inds[0];
  a->n_periods = np;
  a->labels = ampel_calloc(np + 1, sizeof *a->labels);
  a->values = ampel_calloc(n * np + 1, sizeof *a->values);
  a->reference = ampel_calloc(np + 1, sizeof *a->reference);
  a->reason = ampel_calloc(n + 1, sizeof *a->reason);
  double *tmp = ampel_calloc(n + 1, sizeof *tmp);
  ampel_status s = a->labels && a->values && a->reference && a->reason && tmp
                       ? ampel_context_universe_for(ctx, q, &uni, &own)
                       : AMPEL_E_NOMEM;
  for (size_t t = 0; s == AMPEL_OK && t < np; t++) {
    a->labels[t] = ampel_dataset_period(a->ds, t)->label;
    for (size_t r = 0; r < n; r++) {
      ampel_cell_ref c = ampel_dataset_get(a->ds, a->sel.areas[r], a->ind, t);
      a->values[r * np + t] =
          c.present && ampel_flag_has_value(c.flag) ? c.value : NAN;
    }
    a->reference[t] = period_ref(uni, &a->sel, a->ind, t, tmp);
  }
  for (size_t r = 0; s == AMPEL_OK && r < n; r++)
    a->reason[r] = ampel_context_small_area(ctx, q, a->sel.areas[r])
                       ? AMPEL_REASON_SMALL
                       : AMPEL_REASON_RATED;
  ampel_free(tmp);
  ampel_dataset_free(own);
  return s;
}

ampel_status ampel_analyse_timeseries(const ampel_context *ctx,
                                      const ampel_query *q,
                                      ampel_timeseries_answer *out,
                                      ampel_diags *diags) {
  memset(out, 0, sizeof *out);
  out->ds = ampel_context_dataset(ctx);
  out->footer = ampel_context_footer(ctx);
  ampel_status s = choose(out->ds, q, &out->sel, diags);
  if (s == AMPEL_OK)
    s = fill(ctx, q, out);
  if (s != AMPEL_OK)
    ampel_timeseries_answer_release(out);
  return s;
}
