/* lights.c - the question "Ampel" (include/ampel/analysis/lights.h):
 * selection with the shared defaults, lights on the universe (small areas
 * are shown but not rated, METHODS.md §0/§7), the Hinsehen ranking and the
 * reasons. One answer for the CLI, the API, the pages, report and XLSX. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ampel/alloc.h"
#include "ampel/analysis/indicator.h"
#include "ampel/analysis/lights.h"

ampel_status ampel_analysis_period(const ampel_dataset *ds,
                                   const ampel_query *q, ampel_opt_id id,
                                   long *out, ampel_diags *diags) {
  *out = -1;
  const char *v = ampel_query_text(q, id);
  if (!v)
    return AMPEL_OK;
  long p = ampel_dataset_find_period(ds, v);
  if (p < 0) {
    int32_t sk;
    char *norm = NULL;
    if (ampel_period_parse(v, strlen(v), &sk, &norm) == 0)
      p = ampel_dataset_find_period(ds, norm);
    ampel_free(norm);
  }
  if (p < 0) {
    ampel_diags_error(diags, AMPEL_E_USAGE,
                      "%s: unbekannter Zeitraum '%s' (siehe 'ampel list "
                      "periods')",
                      ampel_opt_get(id)->name, v);
    return AMPEL_E_USAGE;
  }
  *out = p;
  return AMPEL_OK;
}

ampel_status ampel_analysis_keys(const ampel_query *q, ampel_opt_id id,
                                 char ***out_keys, size_t *out_n,
                                 char **out_copy, ampel_diags *diags) {
  *out_keys = NULL;
  *out_n = 0;
  *out_copy = NULL;
  const char *s = ampel_query_text(q, id);
  if (!s)
    return AMPEL_OK;
  size_t cap = 2;
  for (const char *p = s; *p; p++)
    cap += *p == ',';
  char *copy = ampel_strdup(s);
  char **keys = ampel_calloc(cap, sizeof *keys);
  if (!copy || !keys) {
    ampel_free(copy);
    ampel_free(keys);
    return AMPEL_E_NOMEM;
  }
  size_t n = 0;
  for (char *p = copy; p;) {
    char *comma = strchr(p, ',');
    if (comma)
      *comma = '\0';
    while (*p == ' ')
      p++;
    char *end = p + strlen(p);
    while (end > p && end[-1] == ' ')
      *--end = '\0';
    if (!*p) {
      ampel_diags_error(diags, AMPEL_E_USAGE,
                        "%s: leerer Eintrag in der Liste '%s'",
                        ampel_opt_get(id)->name, s);
      ampel_free(copy);
      ampel_free(keys);
      return AMPEL_E_USAGE;
    }
    keys[n++] = p;
    p = comma ? comma + 1 : NULL;
  }
  *out_keys = keys;
  *out_n = n;
  *out_copy = copy;
  return AMPEL_OK;
}

typedef struct pos_key {
  double score;
  size_t row, col;
} pos_key;

static int by_score(const void *x, const void *y) {
  const pos_key *a = x, *b = y;
  if (a->score != b->score)
    return a->score < b->score ? 1 : -1;
  if (a->row != b->row)
    return a->row < b->row ? -1 : 1;
  return (a->col > b->col) - (a->col < b->col);
}

ampel_status ampel_lights_positive(const ampel_lights_answer *a,
                                   ampel_positive **out, size_t *n) {
  const ampel_lights *l = &a->lights;
  *out = NULL;
  *n = 0;
  pos_key *k = ampel_calloc(l->n_areas * l->n_cols + 1, sizeof *k);
  if (!k)
    return AMPEL_E_NOMEM;
  size_t m = 0;
  for (size_t r = 0; r < l->n_areas; r++)
    for (size_t j = 0; j < l->n_cols; j++) {
      const ampel_lights_cell *c = ampel_lights_at(l, r, j);
      if (c->trend == AMPEL_TREND_BETTER && a->reason[r] == AMPEL_REASON_RATED)
        k[m++] = (pos_key){c->trend_score, r, j};
    }
  qsort(k, m, sizeof *k, by_score);
  ampel_positive *p = ampel_calloc(m + 1, sizeof *p);
  if (!p) {
    ampel_free(k);
    return AMPEL_E_NOMEM;
  }
  for (size_t i = 0; i < m; i++)
    p[i] = (ampel_positive){k[i].row, k[i].col};
  ampel_free(k);
  *out = p;
  *n = m;
  return AMPEL_OK;
}

void ampel_lights_answer_release(ampel_lights_answer *a) {
  if (!a)
    return;
  ampel_lights_release(&a->lights);
  ampel_selection_release(&a->sel);
  ampel_free(a->reason);
  ampel_free(a->order);
  memset(a, 0, sizeof *a);
}

/* Lights options from the query. */
static ampel_status lights_opts(const ampel_dataset *ds, const ampel_query *q,
                                ampel_lights_opts *o, ampel_diags *diags) {
  ampel_lights_opts_init(o);
  if (ampel_query_has(q, AMPEL_OPT_STATUS_METHOD))
    o->method = ampel_query_choice(q, AMPEL_OPT_STATUS_METHOD) == 1
                    ? AMPEL_STATUS_METHOD_RELATIVE
                    : AMPEL_STATUS_METHOD_SD;
  o->band = ampel_query_num(q, AMPEL_OPT_BAND);
  o->force_mean = ampel_query_choice(q, AMPEL_OPT_REFERENCE) == 1;
  return ampel_analysis_period(ds, q, AMPEL_OPT_SINCE, &o->since, diags);
}

/* Small areas keep their shown value but no light; reasons per row. */
static void mark_rows(const ampel_context *ctx, const ampel_query *q,
                      ampel_lights_answer *a) {
  ampel_lights *l = &a->lights;
  for (size_t r = 0; r < l->n_areas; r++) {
    size_t area = l->area_ids[r];
    int small = ampel_context_small_area(ctx, q, area);
    int any = 0;
    for (size_t j = 0; j < l->n_cols; j++) {
      ampel_lights_cell *c = &l->cells[r * l->n_cols + j];
      if (small) {
        ampel_cell_ref v =
            ampel_dataset_get(a->ds, area, l->cols[j].ind, l->cols[j].period);
        c->value = v.present && ampel_flag_has_value(v.flag) ? v.value : NAN;
        c->status_score = c->trend_score = c->change = NAN;
        c->status = AMPEL_LIGHT_NONE;
        c->trend = AMPEL_TREND_NONE;
        c->certain = AMPEL_CERTAIN_NA;
      }
      any |= isfinite(c->value);
      a->n_status[c->status]++;
    }
    a->reason[r] = small ? AMPEL_REASON_SMALL
                   : any ? AMPEL_REASON_RATED
                         : AMPEL_REASON_MISSING;
  }
}

/* 1 when a shown cell or the earlier cell of its development holds a
 * value converted from a boundary reform's old areas (METHODS.md §11). */
static int any_converted(const ampel_context *ctx, const ampel_lights *l) {
  if (ampel_context_n_converted(ctx) == 0)
    return 0;
  for (size_t r = 0; r < l->n_areas; r++)
    for (size_t j = 0; j < l->n_cols; j++) {
      const ampel_lights_col *c = &l->cols[j];
      if (ampel_context_converted(ctx, l->area_ids[r], c->ind, c->period) ||
          (c->since >= 0 && ampel_context_converted(ctx, l->area_ids[r], c->ind,
                                                    (size_t)c->since)))
        return 1;
    }
  return 0;
}

static ampel_status compute(const ampel_context *ctx, const ampel_query *q,
                            ampel_lights_answer *a, ampel_diags *diags) {
  const ampel_dataset *uni = NULL;
  ampel_dataset *own = NULL;
  ampel_lights_opts lo;
  ampel_status s = lights_opts(a->ds, q, &lo, diags);
  if (s == AMPEL_OK)
    s = ampel_analysis_select_shown(a->ds, q, &a->sel, diags);
  if (s == AMPEL_OK && lo.since >= 0 && (size_t)lo.since >= a->sel.period) {
    ampel_diags_error(diags, AMPEL_E_USAGE,
                      "since: der Vergleichszeitraum muss vor dem Zeitraum "
                      "liegen");
    s = AMPEL_E_USAGE;
  }
  if (s == AMPEL_OK)
    s = ampel_context_universe_for(ctx, q, &uni, &own);
  if (s == AMPEL_OK)
    s = ampel_lights_compute(uni, &a->sel, &lo, &a->lights, diags);
  ampel_dataset_free(own);
  return s;
}

ampel_status ampel_analyse_lights(const ampel_context *ctx,
                                  const ampel_query *q,
                                  ampel_lights_answer *out,
                                  ampel_diags *diags) {
  memset(out, 0, sizeof *out);
  out->ds = ampel_context_dataset(ctx);
  out->footer = ampel_context_footer(ctx);
  ampel_status s = compute(ctx, q, out, diags);
  size_t n = out->lights.n_areas;
  if (s == AMPEL_OK) {
    out->reason = ampel_calloc(n + 1, sizeof *out->reason);
    out->order = ampel_calloc(n + 1, sizeof *out->order);
    if (!out->reason || !out->order)
      s = AMPEL_E_NOMEM;
  }
  if (s == AMPEL_OK) {
    mark_rows(ctx, q, out);
    out->converted = any_converted(ctx, &out->lights);
    out->footer = ampel_context_footer_for(ctx, out->converted);
    s = ampel_lights_rank(&out->lights, out->order);
  }
  if (s != AMPEL_OK)
    ampel_lights_answer_release(out);
  return s;
}
