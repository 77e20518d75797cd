/* allocation.c - the allocation question (include/ampel/analysis/need.h):
 * who takes part (rated, with a weight), the need per area from the index
 * or an index file, the weight column by the period rule, and the one
 * policy for areas that are out: listed with their reason, no amount, the
 * budget goes to the rest. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ampel/alloc.h"
#include "ampel/analysis/lights.h"
#include "ampel/analysis/need.h"

void ampel_allocation_answer_release(ampel_allocation_answer *a) {
  if (!a)
    return;
  ampel_index_answer_release(&a->index);
  ampel_allocation_result_release(&a->result);
  ampel_free(a->areas);
  ampel_free(a->need);
  ampel_free(a->weight);
  ampel_free(a->reason);
  ampel_free(a->reason_de);
  ampel_free(a->keys);
  ampel_free(a->names);
  ampel_free(a->used);
  ampel_free(a->row);
  memset(a, 0, sizeof *a);
}

static ampel_status rows_alloc(ampel_allocation_answer *a, size_t n) {
  a->n = n;
  a->areas = ampel_calloc(n + 1, sizeof *a->areas);
  a->need = ampel_calloc(n + 1, sizeof *a->need);
  a->weight = ampel_calloc(n + 1, sizeof *a->weight);
  a->reason = ampel_calloc(n + 1, sizeof *a->reason);
  a->reason_de = ampel_calloc(n + 1, sizeof *a->reason_de);
  a->keys = ampel_calloc(n + 1, sizeof *a->keys);
  a->names = ampel_calloc(n + 1, sizeof *a->names);
  a->used = ampel_calloc(n + 1, sizeof *a->used);
  a->row = ampel_calloc(n + 1, sizeof *a->row);
  return a->areas && a->need && a->weight && a->reason && a->reason_de &&
                 a->keys && a->names && a->used && a->row
             ? AMPEL_OK
             : AMPEL_E_NOMEM;
}

/* Rows from the weighted index of the query. */
static ampel_status from_index(const ampel_context *ctx, const ampel_query *q,
                               ampel_allocation_answer *a,
                               ampel_diags *diags) {
  ampel_status s = ampel_analyse_index(ctx, q, &a->index, diags);
  if (s != AMPEL_OK)
    return s;
  const ampel_index_answer *x = &a->index;
  a->level = x->frame->level;
  a->period = x->frame->period;
  a->levels_k = x->need.input.levels.k;
  s = rows_alloc(a, x->frame->n_areas);
  for (size_t i = 0; s == AMPEL_OK && i < a->n; i++) {
    a->areas[i] = x->frame->areas[i];
    a->reason[i] = x->reason[i];
    int lv = x->need.result.level[i];
    a->need[i] = lv <= 0 ? NAN
                 : a->need_score ? x->need.result.score[i]
                                 : (double)lv;
  }
  return s;
}

/* Rows from an index file: every area must exist on one level. */
static ampel_status from_file(const ampel_context *ctx, const ampel_query *q,
                              const ampel_index_file *f, const char *path,
                              ampel_allocation_answer *a,
                              ampel_diags *diags) {
  if (f->n == 0) {
    ampel_diags_error(diags, AMPEL_E_DATA, "%s: keine Gebiete in der Datei",
                      path);
    return AMPEL_E_DATA;
  }
  long p = -1;
  ampel_status s =
      ampel_analysis_period(a->ds, q, AMPEL_OPT_PERIOD, &p, diags);
  if (s == AMPEL_OK)
    s = rows_alloc(a, f->n);
  for (size_t i = 0; s == AMPEL_OK && i < f->n; i++) {
    long id = ampel_dataset_find_area(a->ds, f->areas[i]);
    if (id < 0) {
      ampel_diags_error(diags, AMPEL_E_DATA,
                        "%s: Gebiet '%s' steht nicht in der Datenbank", path,
                        f->areas[i]);
      return AMPEL_E_DATA;
    }
    const char *lv = ampel_dataset_area(a->ds, (size_t)id)->level;
    if (a->level && strcmp(a->level, lv) != 0) {
      ampel_diags_error(diags, AMPEL_E_DATA,
                        "%s: Gebiete verschiedener Ebenen ('%s' und '%s')",
                        path, a->level, lv);
      return AMPEL_E_DATA;
    }
    a->level = lv;
    a->areas[i] = (size_t)id;
    a->need[i] = a->need_score ? f->score[i] : f->level[i];
    a->reason[i] = !isnan(a->need[i]) ? AMPEL_REASON_RATED
                   : ampel_context_small_area(ctx, q, (size_t)id)
                       ? AMPEL_REASON_SMALL
                       : AMPEL_REASON_INCOMPLETE;
  }
  a->index_path = path;
  (void)p;
  return s;
}

/* The weight column (--weight K) by the period rule on the rows' level;
 * 1 per area without it. */
static ampel_status weights(const ampel_query *q, ampel_allocation_answer *a,
                            ampel_diags *diags) {
  a->weight_key = ampel_query_text(q, AMPEL_OPT_WEIGHT);
  if (!a->weight_key) {
    for (size_t i = 0; i < a->n; i++)
      a->weight[i] = 1.0;
    return AMPEL_OK;
  }
  long p = -1;
  ampel_status s =
      ampel_analysis_period(a->ds, q, AMPEL_OPT_PERIOD, &p, diags);
  ampel_need_frame f;
  memset(&f, 0, sizeof f);
  if (s == AMPEL_OK)
    s = ampel_need_frame_build(
        a->ds, a->level,
        p >= 0 ? ampel_dataset_period(a->ds, (size_t)p)->label : NULL,
        &a->weight_key, 1, 0.0, &f, diags);
  size_t na = ampel_dataset_n_areas(a->ds);
  double *by_id = NULL;
  if (s == AMPEL_OK)
    by_id = ampel_reallocarray(NULL, na + 1, sizeof *by_id);
  if (s == AMPEL_OK && !by_id)
    s = AMPEL_E_NOMEM;
  if (s == AMPEL_OK) {
    for (size_t i = 0; i < na; i++)
      by_id[i] = NAN;
    for (size_t i = 0; i < f.n_areas; i++)
      by_id[f.areas[i]] = f.values[i];
    for (size_t i = 0; i < a->n; i++)
      a->weight[i] = by_id[a->areas[i]];
    const ampel_indicator *wi = ampel_dataset_indicator(a->ds, f.inds[0]);
    a->weight_name = wi->name ? wi->name : wi->key;
    a->weight_period = ampel_dataset_period(a->ds, f.used_period[0])->label;
    if (!a->index.frame)
      a->period = f.period;
  }
  ampel_free(by_id);
  ampel_need_frame_release(&f);
  return s;
}

/* The out policy: out of the index or without a weight → no amount. */
static void mark_rows(ampel_allocation_answer *a) {
  for (size_t i = 0; i < a->n; i++) {
    const ampel_area *ar = ampel_dataset_area(a->ds, a->areas[i]);
    a->keys[i] = ar->key;
    a->names[i] = ar->name && *ar->name ? ar->name : ar->key;
    if (a->reason[i] == AMPEL_REASON_RATED && isnan(a->weight[i]))
      a->reason[i] = AMPEL_REASON_NO_WEIGHT;
    a->reason_de[i] = ampel_out_reason_de(a->reason[i]);
    a->n_small += a->reason[i] == AMPEL_REASON_SMALL;
    a->n_incomplete += a->reason[i] == AMPEL_REASON_INCOMPLETE;
    a->n_no_weight += a->reason[i] == AMPEL_REASON_NO_WEIGHT;
    if (a->reason[i] == AMPEL_REASON_RATED) {
      a->used[i] = 1;
      a->row[i] = a->m++;
    }
  }
}

static ampel_status distribute(const ampel_query *q,
                               ampel_allocation_answer *a,
                               ampel_diags *diags) {
  if (a->m == 0) {
    ampel_diags_error(diags, AMPEL_E_DATA,
                      "kein Gebiet hat einen Bedarfswert und ein Gewicht: "
                      "nichts zu verteilen");
    return AMPEL_E_DATA;
  }
  double *need = ampel_calloc(a->m + 1, sizeof *need);
  double *w = ampel_calloc(a->m + 1, sizeof *w);
  const char **keys = ampel_calloc(a->m + 1, sizeof *keys);
  ampel_status s = need && w && keys ? AMPEL_OK : AMPEL_E_NOMEM;
  for (size_t i = 0; s == AMPEL_OK && i < a->n; i++)
    if (a->used[i]) {
      need[a->row[i]] = a->need[i];
      w[a->row[i]] = a->weight[i];
      keys[a->row[i]] = a->keys[i];
    }
  ampel_allocation_input in;
  ampel_allocation_input_init(&in);
  in.n_areas = a->m;
  in.budget = ampel_query_num(q, AMPEL_OPT_BUDGET);
  in.base_share = a->base_share;
  in.weight = w;
  in.need = need;
  in.need_mode = a->need_score ? AMPEL_NEED_SHIFT_MIN : AMPEL_NEED_AS_IS;
  in.unit = ampel_query_num(q, AMPEL_OPT_UNIT);
  double fl = ampel_query_num(q, AMPEL_OPT_FLOOR);
  double cap = ampel_query_num(q, AMPEL_OPT_CAP);
  in.floor = isfinite(fl) ? fl : 0;
  in.cap = isfinite(cap) ? cap : INFINITY;
  in.area_keys = keys;
  if (s == AMPEL_OK)
    s = ampel_allocation_compute(&in, &a->result, diags);
  long long sum = 0; /* the amounts must add up to the budget exactly */
  for (size_t i = 0; s == AMPEL_OK && i < a->result.n_areas; i++)
    sum += a->result.areas[i].units;
  if (s == AMPEL_OK && sum != a->result.total_units) {
    ampel_diags_error(diags, AMPEL_E_INTERNAL,
                      "interner Fehler: Summe %lld statt %lld Einheiten", sum,
                      a->result.total_units);
    s = AMPEL_E_INTERNAL;
  }
  ampel_free(need);
  ampel_free(w);
  ampel_free(keys);
  return s;
}

static ampel_status usage_budget(ampel_diags *diags) {
  ampel_diags_error(diags, AMPEL_E_USAGE,
                    "budget: fehlt (der zu verteilende Betrag)");
  return AMPEL_E_USAGE;
}

/* Options that make no sense with a file are refused. */
static ampel_status check_file_opts(const ampel_query *q,
                                    ampel_diags *diags) {
  static const ampel_opt_id index_only[] = {
      AMPEL_OPT_NEED_INDICATORS, AMPEL_OPT_LEVELS, AMPEL_OPT_TOP_SHARE,
      AMPEL_OPT_LEVEL_METHOD, AMPEL_OPT_SENSITIVITY, AMPEL_OPT_SEED};
  if (ampel_query_given(q, AMPEL_OPT_NEED_INDICATORS)) {
    ampel_diags_error(diags, AMPEL_E_USAGE,
                      "index: genau eine Bedarfsquelle angeben: eine "
                      "Index-Datei oder indicators=KENNZAHL:GEWICHT,...");
    return AMPEL_E_USAGE;
  }
  for (size_t i = 0; i < sizeof index_only / sizeof *index_only; i++)
    if (ampel_query_given(q, index_only[i])) {
      ampel_diags_error(diags, AMPEL_E_USAGE,
                        "%s: gehört zum Index aus indicators, nicht zu einer "
                        "Index-Datei (index)",
                        ampel_opt_get(index_only[i])->name);
      return AMPEL_E_USAGE;
    }
  return AMPEL_OK;
}

ampel_status ampel_analyse_allocation(const ampel_context *ctx,
                                      const ampel_query *q,
                                      const ampel_index_file *file,
                                      const char *path,
                                      ampel_allocation_answer *out,
                                      ampel_diags *diags) {
  memset(out, 0, sizeof *out);
  out->ds = ampel_context_dataset(ctx);
  out->footer = ampel_context_footer(ctx);
  out->need_score = ampel_query_choice(q, AMPEL_OPT_NEED) == 1;
  double bs = ampel_query_num(q, AMPEL_OPT_BASE_SHARE);
  out->base_share = isfinite(bs) ? bs : 0;
  const char *lab = ampel_query_text(q, AMPEL_OPT_AMOUNT_LABEL);
  out->amount_label = lab ? lab : "€";
  ampel_status s = AMPEL_OK;
  if (!isfinite(ampel_query_num(q, AMPEL_OPT_BUDGET)))
    s = usage_budget(diags);
  if (s == AMPEL_OK && file)
    s = check_file_opts(q, diags);
  if (s == AMPEL_OK)
    s = file ? from_file(ctx, q, file, path ? path : "index", out, diags)
             : from_index(ctx, q, out, diags);
  if (s == AMPEL_OK)
    s = weights(q, out, diags);
  if (s == AMPEL_OK) {
    mark_rows(out);
    s = distribute(q, out, diags);
  }
  if (s != AMPEL_OK)
    ampel_allocation_answer_release(out);
  return s;
}
