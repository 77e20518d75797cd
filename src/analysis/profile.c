/* profile.c - the question "Gebietsprofil" (include/ampel/analysis/
 * profile.h): the lights of the area's level, ranks among the rated areas
 * computed once per column, counts for the summary. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ampel/alloc.h"
#include "ampel/analysis/indicator.h"
#include "ampel/analysis/profile.h"

void ampel_profile_answer_release(ampel_profile_answer *a) {
  if (!a)
    return;
  ampel_lights_answer_release(&a->lights);
  ampel_free(a->rows);
  memset(a, 0, sizeof *a);
}

/* Lights of the level; a failure becomes the message. */
static ampel_status level_lights(const ampel_context *ctx, const ampel_query *q,
                                 ampel_profile_answer *a) {
  ampel_query lq = *q;
  const ampel_area *ar = ampel_dataset_area(a->ds, a->area);
  ampel_status s = AMPEL_E_DATA;
  if (ar->level)
    s = ampel_query_set(&lq, ampel_opt_get(AMPEL_OPT_LEVEL), ar->level, NULL,
                        0);
  ampel_diags d;
  ampel_diags_init(&d, 0);
  if (s == AMPEL_OK)
    s = ampel_analyse_lights(ctx, &lq, &a->lights, &d);
  if (s == AMPEL_E_USAGE && ampel_query_has(&lq, AMPEL_OPT_SINCE)) {
    lq.v[AMPEL_OPT_SINCE].set = lq.v[AMPEL_OPT_SINCE].given = 0;
    ampel_diags_release(&d);
    ampel_diags_init(&d, 0);
    s = ampel_analyse_lights(ctx, &lq, &a->lights, &d);
  }
  if (s != AMPEL_OK && s != AMPEL_E_NOMEM)
    snprintf(a->message, sizeof a->message, "%s",
             d.n ? d.items[0].message
                 : "Für dieses Gebiet liegen keine Kennzahlen vor.");
  ampel_diags_release(&d);
  return s;
}

ampel_status ampel_lights_ranks(const ampel_lights_answer *a, size_t *out_rank,
                                size_t *out_n) {
  const ampel_lights *l = &a->lights;
  size_t n = l->n_areas;
  size_t *rank = ampel_calloc(n + 1, sizeof *rank);
  double *v = ampel_calloc(n + 1, sizeof *v);
  unsigned char *skip = ampel_calloc(n + 1, sizeof *skip);
  ampel_status s = rank && v && skip ? AMPEL_OK : AMPEL_E_NOMEM;
  for (size_t i = 0; s == AMPEL_OK && i < n; i++)
    skip[i] = a->reason[i] == AMPEL_REASON_SMALL;
  for (size_t j = 0; s == AMPEL_OK && j < l->n_cols; j++) {
    for (size_t i = 0; i < n; i++)
      v[i] = ampel_lights_at(l, i, j)->value;
    const ampel_indicator *in = ampel_dataset_indicator(a->ds, l->cols[j].ind);
    size_t m = ampel_analysis_ranks(v, skip, n, in->polarity, rank, NULL);
    if (m == (size_t)-1) {
      s = AMPEL_E_NOMEM;
      break;
    }
    out_n[j] = m;
    for (size_t i = 0; i < n; i++)
      out_rank[i * l->n_cols + j] = rank[i];
  }
  ampel_free(rank);
  ampel_free(v);
  ampel_free(skip);
  return s;
}

static ampel_status fill_rows(ampel_profile_answer *a) {
  const ampel_lights *l = &a->lights.lights;
  size_t r = (size_t)a->row;
  a->rows = ampel_calloc(l->n_cols + 1, sizeof *a->rows);
  size_t *rank = ampel_calloc(l->n_areas * l->n_cols + 1, sizeof *rank);
  size_t *m = ampel_calloc(l->n_cols + 1, sizeof *m);
  ampel_status s = a->rows && rank && m ? AMPEL_OK : AMPEL_E_NOMEM;
  if (s == AMPEL_OK)
    s = ampel_lights_ranks(&a->lights, rank, m);
  for (size_t j = 0; s == AMPEL_OK && j < l->n_cols; j++) {
    const ampel_lights_cell *c = ampel_lights_at(l, r, j);
    a->rows[j] = (ampel_profile_row){
        l->cols[j].ind,          j,    c->value, l->cols[j].ref.value,
        rank[r * l->n_cols + j], m[j], c};
    a->n_good += c->status == AMPEL_LIGHT_GOOD;
    a->n_critical += c->status == AMPEL_LIGHT_CRITICAL;
    a->n_better += c->trend == AMPEL_TREND_BETTER;
    a->n_worse += c->trend == AMPEL_TREND_WORSE;
  }
  if (s == AMPEL_OK)
    a->n_rows = l->n_cols;
  ampel_free(rank);
  ampel_free(m);
  return s;
}

ampel_status ampel_analyse_profile(const ampel_context *ctx,
                                   const ampel_query *q, size_t area,
                                   ampel_profile_answer *out,
                                   ampel_diags *diags) {
  memset(out, 0, sizeof *out);
  out->ds = ampel_context_dataset(ctx);
  out->footer = ampel_context_footer(ctx);
  out->area = area;
  out->row = -1;
  long p = -1;
  ampel_status s =
      ampel_analysis_period(out->ds, q, AMPEL_OPT_PERIOD, &p, diags);
  if (s == AMPEL_OK)
    s = ampel_analysis_period(out->ds, q, AMPEL_OPT_SINCE, &p, diags);
  if (s != AMPEL_OK)
    return s;
  s = level_lights(ctx, q, out);
  if (s == AMPEL_E_NOMEM) {
    ampel_profile_answer_release(out);
    return s;
  }
  if (s != AMPEL_OK)
    return AMPEL_OK; /* no rows, a message */
  for (size_t i = 0; i < out->lights.lights.n_areas; i++)
    if (out->lights.lights.area_ids[i] == area)
      out->row = (long)i;
  if (out->row < 0) {
    snprintf(out->message, sizeof out->message,
             "Für dieses Gebiet liegen keine Kennzahlen vor.");
    return AMPEL_OK;
  }
  out->reason = out->lights.reason[out->row];
  s = fill_rows(out);
  if (s != AMPEL_OK)
    ampel_profile_answer_release(out);
  return s;
}
