/* compute/lightstable.c - the Ampel table on a dataset (lights.h): status
 * and trend lights and certainty for every area x indicator of a selection
 * (METHODS.md §3), built on the primitives of compute/lights.c. */
#include "ampel/lights.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ampel/alloc.h"

void ampel_lights_opts_init(ampel_lights_opts *o) {
  memset(o, 0, sizeof *o);
  o->method = AMPEL_STATUS_METHOD_SD;
  o->band = NAN;
  o->since = -1;
}

ampel_status ampel_status_method_parse(const char *s,
                                       ampel_status_method *out) {
  if (s && (strcmp(s, "z") == 0 || strcmp(s, "sd") == 0)) {
    *out = AMPEL_STATUS_METHOD_SD;
    return AMPEL_OK;
  }
  if (s && strcmp(s, "relative") == 0) {
    *out = AMPEL_STATUS_METHOD_RELATIVE;
    return AMPEL_OK;
  }
  return AMPEL_E_USAGE;
}

void ampel_lights_release(ampel_lights *l) {
  if (!l)
    return;
  ampel_free(l->area_ids);
  ampel_free(l->cols);
  ampel_free(l->cells);
  memset(l, 0, sizeof *l);
}

/* Scratch columns for one indicator over the level's areas. */
typedef struct column {
  double *x, *num, *den, *x0, *num0, *den0;
  double *score, *change, *tscore;
  ampel_light *light;
  ampel_trend *trend;
} column;

static void load_column(const ampel_dataset *ds, const ampel_lights *l,
                        size_t ind, size_t period, double *x, double *num,
                        double *den) {
  for (size_t r = 0; r < l->n_areas; r++) {
    ampel_cell_ref c = ampel_dataset_get(ds, l->area_ids[r], ind, period);
    x[r] = c.value;
    num[r] = c.numerator;
    den[r] = c.denominator;
  }
}

static double root_value(const ampel_dataset *ds, const ampel_selection *sel,
                         size_t ind, size_t period) {
  if (sel->root < 0)
    return NAN;
  const double *v = ampel_dataset_values(ds, ind, period);
  return v ? v[sel->root] : NAN;
}

/* The latest period before `period` in which the indicator has a value
 * for an area of the level; -1 when there is none. */
static long auto_since(const ampel_dataset *ds, const ampel_lights *l,
                       size_t ind, size_t period) {
  for (size_t p = period; p-- > 0;) {
    const double *v = ampel_dataset_values(ds, ind, p);
    for (size_t r = 0; v && r < l->n_areas; r++)
      if (!isnan(v[l->area_ids[r]]))
        return (long)p;
  }
  return -1;
}

/* value / (num / den) over the areas with all three present and num,
 * den > 0: the median, snapped to a power of ten within 2 % (as
 * ampel_ref_compute infers it). NaN when the indicator is not a rate. */
static ampel_status rate_scale(const column *c, size_t n, double *scratch,
                               double *out) {
  for (size_t r = 0; r < n; r++) {
    scratch[r] = NAN;
    if (isfinite(c->x[r]) && isfinite(c->num[r]) && isfinite(c->den[r]) &&
        c->num[r] > 0.0 && c->den[r] > 0.0)
      scratch[r] = c->x[r] / (c->num[r] / c->den[r]);
  }
  double med = NAN;
  ampel_status st = ampel_stats_median(scratch, n, &med);
  if (st == AMPEL_OK && isfinite(med) && med > 0.0) {
    double p10 = pow(10.0, round(log10(med)));
    if (fabs(med / p10 - 1.0) <= 0.02)
      med = p10;
  } else {
    med = NAN;
  }
  *out = med;
  return st;
}

/* Certainty is only given for rated (non-neutral) indicators: a neutral
 * indicator has no light that could be uncertain. */
static void put_cells(ampel_lights *l, size_t j, const column *c,
                      const ampel_lights_col *col, int rated) {
  for (size_t r = 0; r < l->n_areas; r++) {
    ampel_lights_cell *cell = &l->cells[r * l->n_cols + j];
    cell->value = c->x[r];
    cell->status_score = c->score[r];
    cell->status = c->light[r];
    cell->change = c->change[r];
    cell->trend_score = c->tscore[r];
    cell->trend = c->trend[r];
    cell->certain = AMPEL_CERTAIN_NA;
    if (rated && isfinite(c->x[r]) && isfinite(col->rate_scale) &&
        isfinite(col->ref.value))
      cell->certain = ampel_wilson_certainty(c->num[r], c->den[r],
                                             col->ref.value / col->rate_scale);
  }
}

/* Everything for indicator column j. */
static ampel_status compute_col(const ampel_dataset *ds,
                                const ampel_selection *sel,
                                const ampel_lights_opts *o, ampel_lights *l,
                                size_t j, column *c) {
  ampel_lights_col *col = &l->cols[j];
  size_t n = l->n_areas, t = col->period;
  const ampel_indicator *ind = ampel_dataset_indicator(ds, col->ind);
  load_column(ds, l, col->ind, t, c->x, c->num, c->den);
  ampel_status st = ampel_ref_compute_kind(
      c->x, c->num, c->den, n, root_value(ds, sel, col->ind, t), NAN,
      o->force_mean, ampel_indicator_kind(ind), &col->ref);
  ampel_light_opts lo = {ind->polarity, l->method, l->band};
  if (st == AMPEL_OK)
    st = ampel_light_status(c->x, n, col->ref.value, &lo, c->score, c->light,
                            &col->status_info);
  /* --since before the column's own period, else no development */
  col->since = o->since < 0           ? auto_since(ds, l, col->ind, t)
               : (size_t)o->since < t ? o->since
                                      : -1;
  col->ref0.method = AMPEL_REF_NONE;
  col->ref0.value = NAN;
  col->ref0.rate_scale = NAN;
  const double *x0 = NULL;
  if (st == AMPEL_OK && col->since >= 0) {
    size_t t0 = (size_t)col->since;
    load_column(ds, l, col->ind, t0, c->x0, c->num0, c->den0);
    st = ampel_ref_compute_kind(
        c->x0, c->num0, c->den0, n, root_value(ds, sel, col->ind, t0), NAN,
        o->force_mean, ampel_indicator_kind(ind), &col->ref0);
    x0 = c->x0;
  }
  /* The trend is always an SD score: with the relative status method the
   * band (in percent) does not apply to it and the SD default is used. */
  lo.band = l->method == AMPEL_STATUS_METHOD_SD ? o->band : NAN;
  if (st == AMPEL_OK)
    st = ampel_light_trend(c->x, x0, n, col->ref.value, col->ref0.value, &lo,
                           c->change, c->tscore, c->trend, &col->trend_info);
  if (st == AMPEL_OK)
    st = rate_scale(c, n, c->x0, &col->rate_scale);
  if (st == AMPEL_OK)
    put_cells(l, j, c, col, ind->polarity != AMPEL_POL_NEUTRAL);
  return st;
}

static double *scratch_at(double *base, size_t n, size_t k) {
  return base + k * n;
}

static ampel_status compute_all(const ampel_dataset *ds,
                                const ampel_selection *sel,
                                const ampel_lights_opts *o, ampel_lights *l) {
  size_t n = l->n_areas ? l->n_areas : 1;
  double *d = ampel_reallocarray(NULL, 9 * n, sizeof *d);
  ampel_light *light = ampel_calloc(n, sizeof *light);
  ampel_trend *trend = ampel_calloc(n, sizeof *trend);
  ampel_status st = d && light && trend ? AMPEL_OK : AMPEL_E_NOMEM;
  column c = {scratch_at(d, n, 0),
              scratch_at(d, n, 1),
              scratch_at(d, n, 2),
              scratch_at(d, n, 3),
              scratch_at(d, n, 4),
              scratch_at(d, n, 5),
              scratch_at(d, n, 6),
              scratch_at(d, n, 7),
              scratch_at(d, n, 8),
              light,
              trend};
  for (size_t j = 0; st == AMPEL_OK && j < l->n_cols; j++)
    st = compute_col(ds, sel, o, l, j, &c);
  ampel_free(d);
  ampel_free(light);
  ampel_free(trend);
  return st;
}

static ampel_status check_opts(const ampel_dataset *ds,
                               const ampel_selection *sel,
                               const ampel_lights_opts *o, ampel_diags *diags) {
  if (o->method != AMPEL_STATUS_METHOD_SD &&
      o->method != AMPEL_STATUS_METHOD_RELATIVE)
    return AMPEL_E_USAGE;
  if (!isnan(o->band) && !(isfinite(o->band) && o->band > 0.0)) {
    ampel_diags_error(diags, AMPEL_E_USAGE,
                      "--band: muss eine Zahl größer als 0 sein");
    return AMPEL_E_USAGE;
  }
  if (o->since >= 0 && (size_t)o->since >= sel->period) {
    ampel_diags_error(
        diags, AMPEL_E_USAGE,
        "--since: der Zeitraum '%s' liegt nicht vor dem Zeitraum '%s'",
        (size_t)o->since < ampel_dataset_n_periods(ds)
            ? ampel_dataset_period(ds, (size_t)o->since)->label
            : "?",
        ampel_dataset_period(ds, sel->period)->label);
    return AMPEL_E_USAGE;
  }
  return AMPEL_OK;
}

ampel_status ampel_lights_compute(const ampel_dataset *ds,
                                  const ampel_selection *sel,
                                  const ampel_lights_opts *o, ampel_lights *out,
                                  ampel_diags *diags) {
  memset(out, 0, sizeof *out);
  if (!ds || !sel || !o)
    return AMPEL_E_USAGE;
  ampel_status st = check_opts(ds, sel, o, diags);
  if (st != AMPEL_OK)
    return st;
  out->level = sel->level;
  out->period = sel->period;
  out->method = o->method;
  out->band = !isnan(o->band) ? o->band
              : o->method == AMPEL_STATUS_METHOD_RELATIVE
                  ? AMPEL_BAND_RELATIVE_DEFAULT
                  : AMPEL_BAND_DEFAULT;
  out->n_areas = sel->n_areas;
  out->n_cols = sel->n_inds;
  out->area_ids = ampel_calloc(sel->n_areas + 1, sizeof *out->area_ids);
  out->cols = ampel_calloc(sel->n_inds + 1, sizeof *out->cols);
  out->cells = ampel_calloc(sel->n_areas * sel->n_inds + 1, sizeof *out->cells);
  if (!out->area_ids || !out->cols || !out->cells) {
    ampel_lights_release(out);
    return AMPEL_E_NOMEM;
  }
  memcpy(out->area_ids, sel->areas, sel->n_areas * sizeof *sel->areas);
  out->per_indicator = sel->per_indicator;
  for (size_t j = 0; j < sel->n_inds; j++) {
    out->cols[j].ind = sel->inds[j];
    out->cols[j].period = ampel_selection_period(sel, j);
  }
  st = compute_all(ds, sel, o, out);
  if (st != AMPEL_OK)
    ampel_lights_release(out);
  return st;
}

typedef struct rank_key {
  size_t critical, worse, row;
} rank_key;

static int cmp_rank(const void *pa, const void *pb) {
  const rank_key *a = pa, *b = pb;
  if (a->critical != b->critical)
    return a->critical > b->critical ? -1 : 1;
  if (a->worse != b->worse)
    return a->worse > b->worse ? -1 : 1;
  return a->row < b->row ? -1 : a->row > b->row;
}

ampel_status ampel_lights_rank(const ampel_lights *l, size_t *out_order) {
  rank_key *k = ampel_calloc(l->n_areas + 1, sizeof *k);
  if (!k)
    return AMPEL_E_NOMEM;
  for (size_t r = 0; r < l->n_areas; r++) {
    k[r].row = r;
    ampel_lights_counts(l, r, &k[r].critical, &k[r].worse);
  }
  qsort(k, l->n_areas, sizeof *k, cmp_rank);
  for (size_t r = 0; r < l->n_areas; r++)
    out_order[r] = k[r].row;
  ampel_free(k);
  return AMPEL_OK;
}
