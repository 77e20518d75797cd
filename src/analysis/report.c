/* report.c - the question behind the council report
 * (include/ampel/analysis/report.h). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ampel/alloc.h"
#include "ampel/analysis/profile.h"
#include "ampel/analysis/report.h"

void ampel_report_answer_release(ampel_report_answer *a) {
  if (!a)
    return;
  ampel_lights_answer_release(&a->lights);
  ampel_heatmap_answer_release(&a->heatmap);
  ampel_lisa_answer_release(&a->lisa);
  for (size_t i = 0; i < a->n_lisa_maps; i++)
    ampel_lisa_answer_release(&a->lisa_maps[i]);
  ampel_free(a->lisa_maps);
  ampel_correlation_answer_release(&a->corr);
  ampel_index_answer_release(&a->need);
  ampel_allocation_answer_release(&a->alloc);
  for (size_t i = 0; i < a->n_fields; i++) {
    ampel_free(a->fields[i].score);
    ampel_free(a->fields[i].status);
  }
  ampel_free(a->fields);
  ampel_free(a->shape);
  ampel_free(a->profile);
  ampel_free(a->is_count);
  ampel_free(a->rank);
  ampel_free(a->n_ranked);
  memset(a, 0, sizeof *a);
}

/* Profiles for every area of the level, or only for the `areas` keys,
 * each of which must name an area of the level. */
static ampel_status profiles(const ampel_query *q, ampel_report_answer *a,
                             ampel_diags *diags) {
  const ampel_selection *sel = &a->lights.sel;
  char **keys = NULL, *copy = NULL;
  size_t n = 0;
  ampel_status s =
      ampel_analysis_keys(q, AMPEL_OPT_AREAS, &keys, &n, &copy, diags);
  for (size_t i = 0; s == AMPEL_OK && i < n; i++) {
    long id = ampel_dataset_find_area(a->ds, keys[i]);
    const char *lv =
        id >= 0 ? ampel_dataset_area(a->ds, (size_t)id)->level : NULL;
    if (id < 0) {
      ampel_diags_error(diags, AMPEL_E_USAGE, "areas: unbekanntes Gebiet '%s'",
                        keys[i]);
      s = AMPEL_E_USAGE;
    } else if (!lv || strcmp(lv, sel->level) != 0) {
      ampel_diags_error(diags, AMPEL_E_USAGE,
                        "areas: Gebiet '%s' liegt auf der Ebene %s, der "
                        "Bericht auf der Ebene %s (level)",
                        keys[i], lv ? lv : "–", sel->level);
      s = AMPEL_E_USAGE;
    } else {
      a->profile[id] = 1;
    }
  }
  for (size_t i = 0; s == AMPEL_OK && !n && i < sel->n_areas; i++)
    a->profile[sel->areas[i]] = 1;
  ampel_free(keys);
  ampel_free(copy);
  return s;
}

static void heatmap(const ampel_context *ctx, const ampel_query *q,
                    ampel_report_answer *a) {
  ampel_diags hd;
  ampel_diags_init(&hd, 0);
  a->heatmap_ok = ampel_analyse_heatmap(ctx, q, &a->heatmap, &hd) == AMPEL_OK;
  snprintf(a->heatmap_why, sizeof a->heatmap_why, "%s",
           a->heatmap_ok ? ""
           : hd.n        ? hd.items[0].message
                         : "Die Heatmap kann nicht berechnet werden.");
  ampel_diags_release(&hd);
}

/* The lisa query of the report: its level and period, one indicator or
 * (NULL) every one. */
static int lisa_query(const ampel_report_answer *a, const char *ind,
                      ampel_query *lq) {
  const ampel_selection *sel = &a->lights.sel;
  return ampel_lisa_query(sel->level,
                          ampel_dataset_period(a->ds, sel->period)->label, ind,
                          NULL, lq) == AMPEL_OK;
}

/* Spatial patterns: not an error when they cannot be computed (no shapes):
 * the report then has no such section. */
static ampel_status lisa(const ampel_context *ctx, ampel_report_answer *a) {
  ampel_query lq;
  ampel_diags d;
  ampel_diags_init(&d, 0);
  ampel_status s = AMPEL_OK;
  if (ampel_context_geometry(ctx) && lisa_query(a, NULL, &lq)) {
    s = ampel_analyse_lisa(ctx, &lq, &a->lisa, &d);
    a->lisa_ok = s == AMPEL_OK;
    s = s == AMPEL_E_NOMEM ? s : AMPEL_OK;
  }
  ampel_diags_release(&d);
  if (!a->lisa_ok || s != AMPEL_OK)
    return s;
  a->lisa_maps = ampel_calloc(AMPEL_REPORT_LISA_MAPS, sizeof *a->lisa_maps);
  if (!a->lisa_maps)
    return AMPEL_E_NOMEM;
  for (size_t j = 0; j < a->lisa.sel.n_inds; j++) {
    const ampel_lisa_global *g = &a->lisa.glob[j];
    const char *key = ampel_dataset_indicator(a->ds, g->ind)->key;
    if (a->n_lisa_maps == AMPEL_REPORT_LISA_MAPS || !g->ok ||
        !(g->p <= a->lisa.alpha) || !(g->moran_i > g->expected_i) ||
        !lisa_query(a, key, &lq))
      continue;
    ampel_diags_init(&d, 0);
    s = ampel_analyse_lisa(ctx, &lq, &a->lisa_maps[a->n_lisa_maps], &d);
    ampel_diags_release(&d);
    if (s == AMPEL_E_NOMEM)
      return s;
    a->n_lisa_maps += s == AMPEL_OK;
  }
  return AMPEL_OK;
}

static ampel_status facts(const ampel_context *ctx, ampel_report_answer *a) {
  const ampel_selection *sel = &a->lights.sel;
  size_t na = ampel_dataset_n_areas(a->ds);
  size_t ni = ampel_dataset_n_indicators(a->ds);
  a->profile = ampel_calloc(na + 1, 1);
  a->is_count = ampel_calloc(ni + 1, 1);
  if (!a->profile || !a->is_count)
    return AMPEL_E_NOMEM;
  for (size_t i = 0; i < ni; i++)
    a->is_count[i] = (unsigned char)ampel_disclosure_is_count(
        ampel_dataset_indicator(a->ds, i));
  for (size_t i = 0; i < sel->n_areas; i++)
    if (ampel_dataset_area(a->ds, sel->areas[i])->tile_row != AMPEL_NO_TILE)
      a->has_tiles = 1;
  if (sel->root >= 0) {
    const ampel_area *r = ampel_dataset_area(a->ds, (size_t)sel->root);
    a->root_name = r->name && *r->name ? r->name : r->key;
  }
  a->disclosure = *ampel_context_disclosure(ctx);
  a->suppressed = *ampel_context_suppressed(ctx);
  a->stamp = ampel_context_stamp(ctx);
  a->note = ampel_context_disclosure_note(ctx);
  /* A report showing values converted across a boundary reform says so on
   * every page, beside the disclosure note (METHODS.md §11). */
  if (a->lights.converted || (a->heatmap_ok && a->heatmap.converted)) {
    snprintf(a->note_conv, sizeof a->note_conv, "%s%s%s", a->note,
             *a->note ? " · " : "", AMPEL_DE_CONVERTED_NOTE);
    a->note = a->note_conv;
  }
  return AMPEL_OK;
}

/* ---- maps ------------------------------------------------------------- */

static long field_of(const ampel_report_answer *a, const char *name) {
  for (size_t f = 0; f < a->n_fields; f++)
    if (strcmp(a->fields[f].name, name) == 0)
      return (long)f;
  return -1;
}

static const char *field_name(const ampel_indicator *in) {
  return in->domain && *in->domain ? in->domain : "ohne Handlungsfeld";
}

/* Per Handlungsfeld and area: the mean status score of its directed
 * columns, and the status of that mean by the lights' band. */
static ampel_status fields(ampel_report_answer *a) {
  const ampel_lights *l = &a->lights.lights;
  a->fields = ampel_calloc(AMPEL_REPORT_FIELDS_MAX, sizeof *a->fields);
  if (!a->fields)
    return AMPEL_E_NOMEM;
  for (size_t j = 0; j < l->n_cols; j++) {
    const ampel_indicator *in = ampel_dataset_indicator(a->ds, l->cols[j].ind);
    if (in->polarity == AMPEL_POL_NEUTRAL)
      continue;
    long f = field_of(a, field_name(in));
    if (f < 0 && a->n_fields == AMPEL_REPORT_FIELDS_MAX)
      continue;
    if (f < 0) {
      ampel_report_field *nf = &a->fields[a->n_fields];
      nf->name = field_name(in);
      nf->score = ampel_calloc(l->n_areas + 1, sizeof *nf->score);
      nf->status = ampel_calloc(l->n_areas + 1, sizeof *nf->status);
      if (!nf->score || !nf->status) {
        ampel_free(nf->score);
        ampel_free(nf->status);
        nf->score = NULL;
        nf->status = NULL;
        return AMPEL_E_NOMEM;
      }
      f = (long)a->n_fields++;
    }
    a->fields[f].n_inds++;
  }
  for (size_t f = 0; f < a->n_fields; f++) {
    ampel_report_field *fd = &a->fields[f];
    for (size_t r = 0; r < l->n_areas; r++) {
      double sum = 0;
      size_t n = 0;
      for (size_t j = 0; j < l->n_cols; j++) {
        const ampel_indicator *in =
            ampel_dataset_indicator(a->ds, l->cols[j].ind);
        const ampel_lights_cell *c = ampel_lights_at(l, r, j);
        if (in->polarity == AMPEL_POL_NEUTRAL ||
            strcmp(field_name(in), fd->name) != 0 ||
            c->status == AMPEL_LIGHT_NONE || !isfinite(c->status_score))
          continue;
        sum += c->status_score;
        n++;
      }
      fd->score[r] = n ? sum / (double)n : NAN;
      fd->status[r] = !n                        ? AMPEL_LIGHT_NONE
                      : fd->score[r] > l->band  ? AMPEL_LIGHT_GOOD
                      : fd->score[r] < -l->band ? AMPEL_LIGHT_CRITICAL
                                                : AMPEL_LIGHT_AVERAGE;
    }
  }
  return AMPEL_OK;
}

/* Shapes of the lights rows; fields only when some row has one. */
static ampel_status maps(const ampel_context *ctx, ampel_report_answer *a) {
  const ampel_geoset *g = ampel_context_geometry(ctx);
  const ampel_lights *l = &a->lights.lights;
  if (!g)
    return AMPEL_OK;
  a->shape = ampel_calloc(l->n_areas + 1, sizeof *a->shape);
  if (!a->shape)
    return AMPEL_E_NOMEM;
  for (size_t r = 0; r < l->n_areas; r++) {
    long gi =
        ampel_geoset_find(g, ampel_dataset_area(a->ds, l->area_ids[r])->key);
    a->shape[r] = gi >= 0 ? ampel_geoset_shape_c(g, (size_t)gi) : NULL;
    a->n_shapes += a->shape[r] != NULL;
  }
  return a->n_shapes ? fields(a) : AMPEL_OK;
}

/* ---- Wechselwirkungen and Bedarf ------------------------------------- */

static void why(char *out, size_t size, ampel_diags *d, const char *dflt) {
  snprintf(out, size, "%s", d->n ? d->items[0].message : dflt);
}

/* The period with the most indicators with values on the level (at least
 * AMPEL_LIGHT_MIN_AREAS areas), the newest of those; -1 when none. */
static long corr_period(const ampel_report_answer *a) {
  const ampel_selection *sel = &a->lights.sel;
  size_t np = ampel_dataset_n_periods(a->ds), best_n = 0;
  long best = -1;
  for (size_t p = 0; p < np; p++) {
    size_t n = 0;
    for (size_t i = 0; i < ampel_dataset_n_indicators(a->ds); i++) {
      size_t have = 0;
      for (size_t r = 0; r < sel->n_areas; r++)
        have += ampel_dataset_get(a->ds, sel->areas[r], i, p).present;
      n += have >= AMPEL_LIGHT_MIN_AREAS;
    }
    if (n >= best_n && n > 0) {
      best_n = n;
      best = (long)p;
    }
  }
  return best;
}

static ampel_status correlations(const ampel_context *ctx, const ampel_query *q,
                                 ampel_report_answer *a) {
  static const ampel_opt_id ids[] = {AMPEL_OPT_LEVEL, AMPEL_OPT_PERIOD,
                                     AMPEL_OPT_CORR_METHOD,
                                     AMPEL_OPT_MIN_POPULATION};
  ampel_query cq;
  ampel_query_init(&cq, ids, sizeof ids / sizeof ids[0]);
  const char *per = ampel_query_text(q, AMPEL_OPT_PERIOD);
  long p = per ? -1 : corr_period(a);
  if (p >= 0)
    per = ampel_dataset_period(a->ds, (size_t)p)->label;
  const char *mp = ampel_query_text(q, AMPEL_OPT_MIN_POPULATION);
  ampel_status s = ampel_query_set(&cq, ampel_opt_get(AMPEL_OPT_LEVEL),
                                   a->lights.sel.level, NULL, 0);
  if (s == AMPEL_OK && per)
    s = ampel_query_set(&cq, ampel_opt_get(AMPEL_OPT_PERIOD), per, NULL, 0);
  if (s == AMPEL_OK && mp)
    s = ampel_query_set(&cq, ampel_opt_get(AMPEL_OPT_MIN_POPULATION), mp, NULL,
                        0);
  ampel_diags d;
  ampel_diags_init(&d, 0);
  if (s == AMPEL_OK)
    s = ampel_analyse_correlation(ctx, &cq, &a->corr, &d);
  a->corr_ok = s == AMPEL_OK;
  why(a->corr_why, sizeof a->corr_why, &d,
      "Die Korrelationen können nicht berechnet werden.");
  ampel_diags_release(&d);
  return s == AMPEL_E_NOMEM ? s : AMPEL_OK;
}

/* Copies the option id of q (as given) into nq. */
static ampel_status pass(const ampel_query *q, ampel_query *nq,
                         ampel_opt_id id) {
  const char *t = ampel_query_given(q, id) ? ampel_query_text(q, id) : NULL;
  return t ? ampel_query_set(nq, ampel_opt_get(id), t, NULL, 0) : AMPEL_OK;
}

static ampel_status need(const ampel_context *ctx, const ampel_query *q,
                         ampel_report_answer *a) {
  static const ampel_opt_id ids[] = {AMPEL_OPT_INDEX_METHOD,
                                     AMPEL_OPT_NEED_INDICATORS,
                                     AMPEL_OPT_LEVEL,
                                     AMPEL_OPT_PERIOD,
                                     AMPEL_OPT_MIN_POPULATION,
                                     AMPEL_OPT_LEVELS,
                                     AMPEL_OPT_TOP_SHARE,
                                     AMPEL_OPT_LEVEL_METHOD,
                                     AMPEL_OPT_SENSITIVITY,
                                     AMPEL_OPT_SEED,
                                     AMPEL_OPT_BUDGET,
                                     AMPEL_OPT_BASE_SHARE,
                                     AMPEL_OPT_WEIGHT,
                                     AMPEL_OPT_NEED,
                                     AMPEL_OPT_UNIT,
                                     AMPEL_OPT_FLOOR,
                                     AMPEL_OPT_CAP,
                                     AMPEL_OPT_AMOUNT_LABEL};
  ampel_query nq;
  ampel_query_init(&nq, ids, sizeof ids / sizeof ids[0]);
  ampel_status s = ampel_query_set(&nq, ampel_opt_get(AMPEL_OPT_INDEX_METHOD),
                                   "weighted", NULL, 0);
  if (s == AMPEL_OK)
    s = ampel_query_set(&nq, ampel_opt_get(AMPEL_OPT_LEVEL),
                        a->lights.sel.level, NULL, 0);
  static const ampel_opt_id passed[] = {AMPEL_OPT_PERIOD,
                                        AMPEL_OPT_MIN_POPULATION,
                                        AMPEL_OPT_BUDGET, AMPEL_OPT_WEIGHT};
  for (size_t i = 0; s == AMPEL_OK && i < sizeof passed / sizeof passed[0]; i++)
    s = pass(q, &nq, passed[i]);
  ampel_diags d;
  ampel_diags_init(&d, 0);
  if (s == AMPEL_OK)
    s = ampel_analyse_index(ctx, &nq, &a->need, &d);
  a->need_ok = s == AMPEL_OK;
  why(a->need_why, sizeof a->need_why, &d,
      "Der Bedarfsindex kann nicht berechnet werden.");
  ampel_diags_release(&d);
  if (s == AMPEL_E_NOMEM)
    return s;
  if (!ampel_query_given(q, AMPEL_OPT_BUDGET))
    return AMPEL_OK;
  ampel_diags_init(&d, 0);
  s = ampel_analyse_allocation(ctx, &nq, NULL, NULL, &a->alloc, &d);
  a->alloc_ok = s == AMPEL_OK;
  why(a->alloc_why, sizeof a->alloc_why, &d,
      "Das Budget kann nicht verteilt werden.");
  ampel_diags_release(&d);
  return s == AMPEL_E_NOMEM ? s : AMPEL_OK;
}

ampel_status ampel_analyse_report(const ampel_context *ctx,
                                  const ampel_query *q,
                                  ampel_report_answer *out,
                                  ampel_diags *diags) {
  memset(out, 0, sizeof *out);
  out->ds = ampel_context_dataset(ctx);
  out->uni = ampel_context_universe(ctx);
  ampel_status s = ampel_analyse_lights(ctx, q, &out->lights, diags);
  if (s == AMPEL_OK)
    s = facts(ctx, out);
  if (s == AMPEL_OK)
    s = profiles(q, out, diags);
  if (s == AMPEL_OK) {
    const ampel_lights *l = &out->lights.lights;
    out->rank = ampel_calloc(l->n_areas * l->n_cols + 1, sizeof *out->rank);
    out->n_ranked = ampel_calloc(l->n_cols + 1, sizeof *out->n_ranked);
    s = out->rank && out->n_ranked
            ? ampel_lights_ranks(&out->lights, out->rank, out->n_ranked)
            : AMPEL_E_NOMEM;
  }
  if (s == AMPEL_OK && out->lights.sel.n_areas < 2) {
    ampel_diags_error(diags, AMPEL_E_DATA,
                      "zu wenige Gebiete auf der Ebene %s für einen Bericht",
                      out->lights.sel.level);
    s = AMPEL_E_DATA;
  }
  if (s == AMPEL_OK)
    heatmap(ctx, q, out);
  if (s == AMPEL_OK)
    s = lisa(ctx, out);
  if (s == AMPEL_OK)
    s = maps(ctx, out);
  if (s == AMPEL_OK)
    s = correlations(ctx, q, out);
  if (s == AMPEL_OK)
    s = need(ctx, q, out);
  if (s != AMPEL_OK)
    ampel_report_answer_release(out);
  return s;
}
