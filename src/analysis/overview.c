/* overview.c - the question "Übersicht" (include/ampel/analysis/
 * overview.h): lights and heatmap of one selection and the two lists the
 * start page leads with. */
#include <stdio.h>
#include <string.h>

#include "ampel/analysis/overview.h"

void ampel_overview_answer_release(ampel_overview_answer *a) {
  if (!a)
    return;
  ampel_lights_answer_release(&a->lights);
  ampel_heatmap_answer_release(&a->heatmap);
  memset(a, 0, sizeof *a);
}

/* Rows with critical or worse lights in the Hinsehen order; rows with
 * improved trends from the least critical up. */
static void lists(ampel_overview_answer *a) {
  const ampel_lights *l = &a->lights.lights;
  for (size_t i = 0; i < l->n_areas; i++) {
    size_t row = a->lights.order[i], crit = 0, worse = 0;
    ampel_lights_counts(l, row, &crit, &worse);
    if ((crit || worse) && a->n_watch < AMPEL_OVERVIEW_WATCH_MAX)
      a->watch[a->n_watch++] = row;
  }
  for (size_t i = l->n_areas; i-- > 0;) {
    size_t row = a->lights.order[i], better = 0;
    for (size_t j = 0; j < l->n_cols; j++)
      better += ampel_lights_at(l, row, j)->trend == AMPEL_TREND_BETTER;
    if (better && a->n_better < AMPEL_OVERVIEW_BETTER_MAX)
      a->better[a->n_better++] = row;
  }
  for (size_t j = 0; j < l->n_cols; j++)
    a->any_trend |= l->cols[j].since >= 0;
  for (size_t i = 0; i < l->n_areas * l->n_cols; i++)
    a->n_trend[l->cells[i].trend]++;
}

ampel_status ampel_analyse_overview(const ampel_context *ctx,
                                    const ampel_query *q,
                                    ampel_overview_answer *out,
                                    ampel_diags *diags) {
  memset(out, 0, sizeof *out);
  out->since = -1;
  ampel_status s = ampel_analyse_lights(ctx, q, &out->lights, diags);
  if (s == AMPEL_OK)
    s = ampel_analysis_period(out->lights.ds, q, AMPEL_OPT_SINCE, &out->since,
                              diags);
  if (s == AMPEL_OK && ampel_stop_requested(q->stop))
    s = AMPEL_E_CANCELLED; /* before the clustering, the long part */
  if (s == AMPEL_OK) {
    lists(out);
    ampel_diags hd;
    ampel_diags_init(&hd, 0);
    ampel_status hs = ampel_analyse_heatmap(ctx, q, &out->heatmap, &hd);
    out->heatmap_ok = hs == AMPEL_OK;
    snprintf(out->heatmap_why, sizeof out->heatmap_why, "%s",
             hs == AMPEL_OK ? ""
             : hd.n         ? hd.items[0].message
                            : "Heatmap nicht möglich.");
    ampel_diags_release(&hd);
    if (hs == AMPEL_E_NOMEM || hs == AMPEL_E_CANCELLED)
      s = hs;
  }
  if (s != AMPEL_OK)
    ampel_overview_answer_release(out);
  return s;
}
