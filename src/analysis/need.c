/* need.c - the index questions (include/ampel/analysis/need.h): MSS status
 * and dynamics index, weighted need index with levels and its weight
 * sensitivity. Defaults, the universe (min_population of the context
 * unless the query sets one) and the reasons why an area is out are
 * decided here once for the CLI, the API and the page. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ampel/alloc.h"
#include "ampel/analysis/lights.h"
#include "ampel/analysis/need.h"
#include "ampel/select.h"

void ampel_index_answer_release(ampel_index_answer *a) {
  if (!a)
    return;
  ampel_need_table_release(&a->need);
  ampel_mss_table_release(&a->mss);
  ampel_keylist_release(&a->keys);
  ampel_sensitivity_result_release(&a->sens);
  ampel_free(a->reason);
  ampel_free(a->reason_de);
  ampel_free(a->class_de);
  ampel_free(a->dyn_de);
  memset(a, 0, sizeof *a);
}

static ampel_status usage(ampel_diags *diags, const char *msg) {
  ampel_diags_error(diags, AMPEL_E_USAGE, "%s", msg);
  return AMPEL_E_USAGE;
}

/* Options of one method given with the other are refused, not ignored. */
static ampel_status check_method(const ampel_query *q, int method,
                                 ampel_diags *diags) {
  static const ampel_opt_id weighted_only[] = {
      AMPEL_OPT_NEED_INDICATORS, AMPEL_OPT_LEVELS, AMPEL_OPT_TOP_SHARE,
      AMPEL_OPT_LEVEL_METHOD, AMPEL_OPT_SENSITIVITY, AMPEL_OPT_SEED};
  if (method == AMPEL_INDEX_MSS) {
    if (!ampel_query_text(q, AMPEL_OPT_STATUS_KEYS))
      return usage(diags, "status: method=mss braucht status=KENNZAHL,...");
    for (size_t i = 0; i < sizeof weighted_only / sizeof *weighted_only; i++)
      if (ampel_query_given(q, weighted_only[i])) {
        ampel_diags_error(diags, AMPEL_E_USAGE,
                          "%s: gehört zu method=weighted (bei mss: status "
                          "und dynamics)",
                          ampel_opt_get(weighted_only[i])->name);
        return AMPEL_E_USAGE;
      }
    return AMPEL_OK;
  }
  if (ampel_query_given(q, AMPEL_OPT_STATUS_KEYS) ||
      ampel_query_given(q, AMPEL_OPT_DYNAMICS_KEYS))
    return usage(diags, "status: status und dynamics gehören zu method=mss");
  return AMPEL_OK;
}

/* A key list option parsed into l; messages prefixed with the name. */
static ampel_status keylist(const ampel_query *q, ampel_opt_id id,
                            int weights, ampel_keylist *l,
                            ampel_diags *diags) {
  ampel_diags d;
  ampel_diags_init(&d, 0);
  ampel_status s =
      ampel_keylist_parse(ampel_query_text(q, id), weights, l, &d);
  if (s != AMPEL_OK)
    ampel_diags_error(diags, s, "%s: %s", ampel_opt_get(id)->name,
                      d.n ? d.items[0].message : "zu wenig Speicher");
  ampel_diags_release(&d);
  return s;
}

/* The default indicators (need.h): rated indicators with a value for every
 * area of the level, else every rated indicator with values. */
static ampel_status default_keys(const ampel_dataset *ds, const char *level,
                                 const char *period, ampel_keylist *l,
                                 ampel_diags *diags) {
  ampel_selection sel;
  ampel_status s = ampel_select(ds, level, period, NULL, 0, &sel, diags);
  if (s != AMPEL_OK)
    return s;
  ampel_buf spec;
  ampel_buf_init(&spec);
  for (int pass = 0; pass < 2 && !spec.len; pass++)
    for (size_t j = 0; j < sel.n_inds; j++) {
      const ampel_indicator *in = ampel_dataset_indicator(ds, sel.inds[j]);
      size_t have = 0;
      for (size_t i = 0; i < sel.n_areas; i++)
        have += ampel_has_value(ds, sel.areas[i], sel.inds[j], sel.period);
      if (in->polarity != AMPEL_POL_NEUTRAL && have > 0 &&
          (pass == 1 || have == sel.n_areas))
        ampel_buf_printf(&spec, "%s%s", spec.len ? "," : "", in->key);
    }
  ampel_selection_release(&sel);
  if (spec.failed)
    s = AMPEL_E_NOMEM;
  else if (!spec.len) {
    ampel_diags_error(diags, AMPEL_E_DATA,
                      "indicators: keine Kennzahl mit Richtung und Werten "
                      "auf dieser Ebene");
    s = AMPEL_E_DATA;
  } else
    s = ampel_keylist_parse(spec.data, 1, l, diags);
  ampel_buf_release(&spec);
  return s;
}

/* Level and period as labels for need_dataset (NULL = defaults). */
static ampel_status where(const ampel_dataset *ds, const ampel_query *q,
                          const char **level, const char **period,
                          ampel_diags *diags) {
  long p = -1;
  ampel_status s = ampel_analysis_period(ds, q, AMPEL_OPT_PERIOD, &p, diags);
  *level = ampel_query_text(q, AMPEL_OPT_LEVEL);
  *period = p >= 0 ? ampel_dataset_period(ds, (size_t)p)->label : NULL;
  return s;
}

static ampel_status run_mss(const ampel_query *q, ampel_index_answer *a,
                            ampel_diags *diags) {
  const char *level, *period;
  ampel_keylist st = {0}, dy = {0};
  int has_dyn = ampel_query_text(q, AMPEL_OPT_DYNAMICS_KEYS) != NULL;
  ampel_status s = where(a->ds, q, &level, &period, diags);
  if (s == AMPEL_OK)
    s = keylist(q, AMPEL_OPT_STATUS_KEYS, 0, &st, diags);
  if (s == AMPEL_OK && has_dyn)
    s = keylist(q, AMPEL_OPT_DYNAMICS_KEYS, 0, &dy, diags);
  if (s == AMPEL_OK)
    s = ampel_mss_dataset(a->ds, level, period, &st, has_dyn ? &dy : NULL,
                          a->min_population, &a->mss, diags);
  ampel_keylist_release(&st);
  ampel_keylist_release(&dy);
  if (s == AMPEL_OK)
    a->frame = &a->mss.frame;
  return s;
}

static ampel_status run_weighted(const ampel_query *q, ampel_index_answer *a,
                                 ampel_diags *diags) {
  const char *level, *period;
  ampel_status s = where(a->ds, q, &level, &period, diags);
  if (s == AMPEL_OK)
    s = ampel_query_text(q, AMPEL_OPT_NEED_INDICATORS)
            ? keylist(q, AMPEL_OPT_NEED_INDICATORS, 1, &a->keys, diags)
            : default_keys(a->ds, level, period, &a->keys, diags);
  ampel_level_opts lv;
  ampel_level_opts_init(&lv);
  lv.k = (int)ampel_query_num(q, AMPEL_OPT_LEVELS);
  double ts = ampel_query_num(q, AMPEL_OPT_TOP_SHARE);
  lv.top_share = isfinite(ts) ? ts : 0;
  lv.method = ampel_query_choice(q, AMPEL_OPT_LEVEL_METHOD) == 1
                  ? AMPEL_LEVEL_COUNT
                  : AMPEL_LEVEL_WIDTH;
  if (s == AMPEL_OK)
    s = ampel_need_dataset(a->ds, level, period, &a->keys, &lv,
                           a->min_population, &a->need, diags);
  if (s == AMPEL_OK)
    a->frame = &a->need.frame;
  return s;
}

/* The sensitivity runs (weighted, runs > 0) and their summary counts. */
static ampel_status sensitivity(const ampel_query *q, ampel_index_answer *a,
                                ampel_diags *diags) {
  double runs = ampel_query_num(q, AMPEL_OPT_SENSITIVITY);
  double seed = ampel_query_num(q, AMPEL_OPT_SEED);
  a->seed = isfinite(seed) ? (unsigned long long)seed : 1;
  int k = a->need.input.levels.k;
  for (size_t i = 0; i < a->frame->n_areas; i++)
    a->n_top += a->need.result.level[i] == k;
  if (!(runs >= 1))
    return AMPEL_OK;
  ampel_sensitivity_opts so;
  ampel_sensitivity_opts_init(&so);
  so.runs = a->sens_runs = (size_t)runs;
  so.seed = a->seed;
  so.stop = q->stop;
  ampel_status s = ampel_sensitivity_compute(&a->need.input, &so, &a->sens,
                                             diags);
  for (size_t i = 0; s == AMPEL_OK && i < a->sens.n_areas; i++)
    a->sens_robust_top += a->sens.areas[i].base_rank &&
                          a->sens.areas[i].top_level_share == 1.0;
  return s;
}

/* Reasons and labels per row. */
static ampel_status mark_rows(ampel_index_answer *a) {
  size_t n = a->frame->n_areas;
  a->reason = ampel_calloc(n + 1, sizeof *a->reason);
  a->reason_de = ampel_calloc(n + 1, sizeof *a->reason_de);
  a->class_de = ampel_calloc(n + 1, sizeof *a->class_de);
  a->dyn_de = ampel_calloc(n + 1, sizeof *a->dyn_de);
  if (!a->reason || !a->reason_de || !a->class_de || !a->dyn_de)
    return AMPEL_E_NOMEM;
  for (size_t i = 0; i < n; i++) {
    int r = a->frame->reason[i];
    a->reason[i] = r == AMPEL_OUT_POPULATION ? AMPEL_REASON_SMALL
                   : r == AMPEL_OUT_MISSING  ? AMPEL_REASON_INCOMPLETE
                                             : AMPEL_REASON_RATED;
    a->reason_de[i] = ampel_out_reason_de(a->reason[i]);
    a->n_rated += a->reason[i] == AMPEL_REASON_RATED;
    a->n_small += a->reason[i] == AMPEL_REASON_SMALL;
    a->n_incomplete += a->reason[i] == AMPEL_REASON_INCOMPLETE;
    a->class_de[i] = a->dyn_de[i] = "";
    if (a->method == AMPEL_INDEX_MSS && !r) {
      const ampel_mss_area *m = &a->mss.result.areas[i];
      a->class_de[i] = ampel_mss_status_label(m->status_class);
      a->dyn_de[i] = ampel_mss_dynamics_label(m->dynamics_class);
    }
  }
  return AMPEL_OK;
}

ampel_status ampel_analyse_index(const ampel_context *ctx,
                                 const ampel_query *q,
                                 ampel_index_answer *out,
                                 ampel_diags *diags) {
  memset(out, 0, sizeof *out);
  out->ds = ampel_context_dataset(ctx);
  out->geo = ampel_context_geometry(ctx);
  out->footer = ampel_context_footer(ctx);
  out->min_population = ampel_context_min_population(ctx, q);
  out->method = ampel_query_choice(q, AMPEL_OPT_INDEX_METHOD) == 0
                    ? AMPEL_INDEX_MSS
                    : AMPEL_INDEX_WEIGHTED;
  ampel_status s = check_method(q, out->method, diags);
  if (s == AMPEL_OK)
    s = out->method == AMPEL_INDEX_MSS ? run_mss(q, out, diags)
                                       : run_weighted(q, out, diags);
  if (s == AMPEL_OK)
    s = mark_rows(out);
  if (s == AMPEL_OK && out->method == AMPEL_INDEX_WEIGHTED)
    s = sensitivity(q, out, diags);
  if (s != AMPEL_OK)
    ampel_index_answer_release(out);
  return s;
}
