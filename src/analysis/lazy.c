/* lazy.c - asking a question while reading only the blocks it needs
 * (issue 15 item 2; questions.h, ampel_question_ask).
 *
 * A question that knows its needs predicts them from a *sample* of the
 * store (ampel_load_spec.sample: the metadata and, of every indicator x
 * period block, the values of at most AMPEL_SELECT_MIN_AREAS areas per
 * level), loads the predicted periods only, answers, and then checks that
 * the answer made the choices it predicted. A selection decides "at
 * least 1 (3) values on the level" per block; the sample holds
 * min(3, raw count) values of each block and level, so it decides as the
 * raw data would. Values shown can only be fewer than the raw ones
 * (disclosure removes cells; formula and sum indicators and boundary
 * reforms, which add cells, turn the lazy path off). So when the answer
 * on the loaded blocks picks the predicted periods, every newer period
 * that could have been picked has too few raw values, hence too few
 * shown values, and the full data would pick the same: the answer is the
 * full answer. When the check fails, the question is asked again on all
 * data. The same holds for the level (its score must be the same on the
 * loaded blocks as in the sample) and for the earlier period of a
 * development.
 *
 * Only the lights question predicts so far; every other question (and an
 * engine without a cheap sample, PostgreSQL) loads everything as before.
 */
#include <math.h>
#include <string.h>

#include "ampel/alloc.h"
#include "ampel/analysis/indicator.h"
#include "ampel/analysis/lights.h"
#include "ampel/analysis/questions.h"
#include "ampel/store.h"

typedef struct prediction {
  const char *level; /* of the sample dataset; compared by text */
  size_t n_cols;
  size_t *ind, *period;
  long *since;
  size_t sel_period;
  long prev_period;
  size_t *score; /* per level of the sample: indicators with values */
  const char **levels;
  size_t n_levels;
  const char **labels; /* the periods to load (borrowed from the sample) */
  size_t n_labels;
} prediction;

static void prediction_release(prediction *p) {
  ampel_free(p->ind);
  ampel_free(p->period);
  ampel_free(p->since);
  ampel_free(p->score);
  ampel_free(p->levels);
  ampel_free(p->labels);
  memset(p, 0, sizeof *p);
}

/* Indicators with at least one value on level `lv` in any period. */
static size_t level_score(const ampel_dataset *ds, const char *lv) {
  size_t na = ampel_dataset_n_areas(ds), n = 0;
  for (size_t i = 0; i < ampel_dataset_n_indicators(ds); i++) {
    int any = 0;
    for (size_t p = 0; !any && p < ampel_dataset_n_periods(ds); p++) {
      const double *v = ampel_dataset_values(ds, i, p);
      for (size_t a = 0; v && !any && a < na; a++)
        any = !isnan(v[a]) && ampel_dataset_area(ds, a)->level &&
              strcmp(ampel_dataset_area(ds, a)->level, lv) == 0;
    }
    n += any;
  }
  return n;
}

/* Values can appear that the store does not hold: formula and sum
 * indicators, boundary reforms. Then nothing is predicted. */
static int derives(const ampel_dataset *ds) {
  if (ampel_dataset_n_conversions(ds) > 0)
    return 1;
  for (size_t i = 0; i < ampel_dataset_n_indicators(ds); i++) {
    const ampel_indicator *ind = ampel_dataset_indicator(ds, i);
    if (ind->formula || ind->aggregation == AMPEL_AGG_SUM ||
        ind->aggregation == AMPEL_AGG_FORMULA)
      return 1;
  }
  return 0;
}

/* The latest period before t with a value of ind for one of the areas. */
static long since_of(const ampel_dataset *ds, const ampel_selection *sel,
                     size_t ind, size_t t) {
  for (size_t p = t; p-- > 0;) {
    const double *v = ampel_dataset_values(ds, ind, p);
    for (size_t r = 0; v && r < sel->n_areas; r++)
      if (!isnan(v[sel->areas[r]]))
        return (long)p;
  }
  return -1;
}

static void add_label(prediction *p, const ampel_dataset *ds, long period) {
  if (period < 0)
    return;
  const char *l = ampel_dataset_period(ds, (size_t)period)->label;
  for (size_t k = 0; k < p->n_labels; k++)
    if (p->labels[k] == l)
      return;
  p->labels[p->n_labels++] = l;
}

/* Predicts the lights question on the sample. AMPEL_E_DATA: nothing to
 * predict (load everything). */
static ampel_status lights_predict(const ampel_dataset *ds,
                                   const ampel_query *q, prediction *p) {
  memset(p, 0, sizeof *p);
  if (derives(ds))
    return AMPEL_E_DATA;
  ampel_diags quiet;
  ampel_diags_init(&quiet, 0);
  long since_opt = -1;
  ampel_selection sel;
  memset(&sel, 0, sizeof sel);
  ampel_status s =
      ampel_analysis_period(ds, q, AMPEL_OPT_SINCE, &since_opt, &quiet);
  if (s == AMPEL_OK)
    s = ampel_analysis_select(ds, q, NULL, &sel, &quiet);
  ampel_diags_release(&quiet);
  if (s != AMPEL_OK) { /* the full path says what is wrong */
    ampel_selection_release(&sel);
    return AMPEL_E_DATA;
  }
  size_t n = sel.n_inds;
  p->level = sel.level;
  p->n_cols = n;
  p->sel_period = sel.period;
  p->prev_period = sel.prev_period;
  p->ind = ampel_calloc(n + 1, sizeof *p->ind);
  p->period = ampel_calloc(n + 1, sizeof *p->period);
  p->since = ampel_calloc(n + 1, sizeof *p->since);
  p->labels = ampel_calloc(2 * n + 3, sizeof *p->labels);
  p->levels = ampel_dataset_levels(ds, &p->n_levels);
  p->score = ampel_calloc(p->n_levels + 1, sizeof *p->score);
  s = p->ind && p->period && p->since && p->labels && p->score &&
              (p->levels || p->n_levels == 0)
          ? AMPEL_OK
          : AMPEL_E_NOMEM;
  for (size_t j = 0; s == AMPEL_OK && j < n; j++) {
    size_t t = ampel_selection_period(&sel, j);
    p->ind[j] = sel.inds[j];
    p->period[j] = t;
    p->since[j] = since_opt < 0           ? since_of(ds, &sel, sel.inds[j], t)
                  : (size_t)since_opt < t ? since_opt
                                          : -1;
    add_label(p, ds, (long)t);
    add_label(p, ds, p->since[j]);
  }
  if (s == AMPEL_OK) {
    add_label(p, ds, (long)sel.period);
    add_label(p, ds, sel.prev_period);
    for (size_t l = 0; l < p->n_levels; l++)
      p->score[l] = level_score(ds, p->levels[l]);
  }
  ampel_selection_release(&sel);
  return s;
}

/* The answer on the loaded blocks made the predicted choices. */
static int lights_check(const prediction *p, const ampel_lights_answer *a) {
  const ampel_selection *sel = &a->sel;
  const ampel_lights *l = &a->lights;
  if (!sel->level || strcmp(sel->level, p->level) != 0 ||
      sel->n_inds != p->n_cols || l->n_cols != p->n_cols ||
      sel->period != p->sel_period || sel->prev_period != p->prev_period)
    return 0;
  for (size_t j = 0; j < p->n_cols; j++)
    if (sel->inds[j] != p->ind[j] ||
        ampel_selection_period(sel, j) != p->period[j] ||
        l->cols[j].since != p->since[j])
      return 0;
  /* the level: its choice compares these scores; loaded <= shown <= raw,
   * so equal scores mean the full data scores the same */
  for (size_t k = 0; k < p->n_levels; k++)
    if (level_score(a->ds, p->levels[k]) != p->score[k])
      return 0;
  return 1;
}

/* Opens the context (spec NULL: everything) and asks. */
static ampel_status ask_on(ampel_store *st, unsigned flags,
                           const ampel_load_spec *spec,
                           const ampel_question *qd, const ampel_query *q,
                           const void *ud, void *answer, ampel_context **ctx,
                           ampel_diags *diags) {
  ampel_status s = ampel_context_open_spec(st, flags, spec, ctx, diags);
  if (s == AMPEL_OK)
    s = qd->analyse(*ctx, q, ud, answer, diags);
  return s;
}

ampel_status ampel_question_ask(ampel_store *st, unsigned flags,
                                const ampel_question *qd, const ampel_query *q,
                                const void *ud, void *answer,
                                ampel_context **out_ctx, ampel_diags *diags) {
  *out_ctx = NULL;
  if (qd != &ampel_question_lights || (flags & AMPEL_CTX_METADATA))
    return ask_on(st, flags, NULL, qd, q, ud, answer, out_ctx, diags);
  /* one snapshot for the sample and the load (the context's own read
   * transaction then joins this one) */
  ampel_status s = ampel_store_begin_read(st);
  int reading = s == AMPEL_OK;
  ampel_load_spec sample = {0, NULL, 0, NULL, 0, AMPEL_SELECT_MIN_AREAS, 0};
  ampel_dataset *ds = NULL;
  ampel_diags quiet;
  ampel_diags_init(&quiet, 0);
  prediction p;
  memset(&p, 0, sizeof p);
  int lazy = s == AMPEL_OK &&
             ampel_store_load_spec(st, &sample, &ds, &quiet) == AMPEL_OK &&
             lights_predict(ds, q, &p) == AMPEL_OK;
  ampel_diags_release(&quiet);
  s = AMPEL_E_DATA;
  if (lazy) {
    ampel_load_spec spec = {0, p.labels, p.n_labels, NULL, 0, 0, 0};
    ampel_diags tmp;
    ampel_diags_init(&tmp, 0);
    s = ask_on(st, flags, &spec, qd, q, ud, answer, out_ctx, &tmp);
    if (s == AMPEL_OK && !lights_check(&p, answer))
      s = AMPEL_E_DATA;
    for (size_t k = 0; s == AMPEL_OK && k < tmp.n; k++) { /* warnings */
      const ampel_diag *g = &tmp.items[k];
      ampel_diags_add(diags, g->severity, g->code, g->path, g->line, g->column,
                      g->source, g->source ? strlen(g->source) : 0, "%s",
                      g->message ? g->message : "");
    }
    ampel_diags_release(&tmp);
    if (s != AMPEL_OK) { /* not the predicted answer: all data */
      if (*out_ctx)
        qd->release(answer);
      memset(answer, 0, qd->answer_size);
      ampel_context_free(*out_ctx);
      *out_ctx = NULL;
    }
  }
  if (s != AMPEL_OK)
    s = ask_on(st, flags, NULL, qd, q, ud, answer, out_ctx, diags);
  prediction_release(&p);
  ampel_dataset_free(ds);
  if (reading)
    ampel_store_end_read(st);
  return s;
}
