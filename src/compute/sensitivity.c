/* Weight sensitivity of the need index (index.h): N runs with randomly
 * perturbed weights, reusing the z-values of the base run. */
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>

#include "ampel/alloc.h"
#include "ampel/index.h"
#include "compute/index_internal.h"
#include "util/rng.h"

AMPEL_PRINTF(3, 4)
static ampel_status fail(ampel_diags *d, ampel_status code, const char *fmt,
                         ...) {
  if (d) {
    va_list ap;
    va_start(ap, fmt);
    ampel_diags_vadd(d, AMPEL_SEV_ERROR, code, NULL, 0, 0, NULL, 0, fmt, ap);
    va_end(ap);
  }
  return code;
}

void ampel_sensitivity_opts_init(ampel_sensitivity_opts *o) {
  memset(o, 0, sizeof *o);
  o->runs = 1000;
  o->seed = 1;
  o->factor_min = 0.8;
  o->factor_max = 1.2;
}

void ampel_sensitivity_result_release(ampel_sensitivity_result *r) {
  if (!r)
    return;
  ampel_free(r->areas);
  memset(r, 0, sizeof *r);
}

static ampel_status check_opts(const ampel_sensitivity_opts *o,
                               ampel_diags *d) {
  if (o->runs == 0)
    return fail(d, AMPEL_E_USAGE,
                "Sensitivität: die Zahl der Durchläufe muss mindestens 1 "
                "sein");
  if (o->runs > AMPEL_SENSITIVITY_MAX_RUNS)
    return fail(d, AMPEL_E_TOO_LARGE,
                "Sensitivität: höchstens %d Durchläufe, nicht %zu",
                AMPEL_SENSITIVITY_MAX_RUNS, o->runs);
  if (!isfinite(o->factor_min) || !isfinite(o->factor_max) ||
      !(o->factor_min > 0.0) || !(o->factor_max >= o->factor_min))
    return fail(d, AMPEL_E_USAGE,
                "Sensitivität: Faktorbereich [%g, %g] ungültig; nötig ist "
                "0 < min <= max",
                o->factor_min, o->factor_max);
  return AMPEL_OK;
}

/* Working memory of the runs. */
typedef struct work {
  double *raw, *pert, *w, *score;
  size_t *rank;
  int *level;
  void *levels_work;
} work;

static void work_free(work *wk) {
  ampel_free(wk->raw);
  ampel_free(wk->pert);
  ampel_free(wk->w);
  ampel_free(wk->score);
  ampel_free(wk->rank);
  ampel_free(wk->level);
  ampel_free(wk->levels_work);
}

static ampel_status work_init(work *wk, const ampel_need_input *in) {
  size_t n = in->n_areas ? in->n_areas : 1, k = in->k;
  memset(wk, 0, sizeof *wk);
  wk->raw = ampel_calloc(k, sizeof *wk->raw);
  wk->pert = ampel_calloc(k, sizeof *wk->pert);
  wk->w = ampel_calloc(k, sizeof *wk->w);
  wk->score = ampel_calloc(n, sizeof *wk->score);
  wk->rank = ampel_calloc(n, sizeof *wk->rank);
  wk->level = ampel_calloc(n, sizeof *wk->level);
  wk->levels_work = ampel_alloc(ampel_levels_work_size(in->n_areas));
  if (!wk->raw || !wk->pert || !wk->w || !wk->score || !wk->rank ||
      !wk->level || !wk->levels_work)
    return AMPEL_E_NOMEM;
  for (size_t j = 0; j < k; j++)
    wk->raw[j] = in->weights ? in->weights[j] : 1.0;
  return AMPEL_OK;
}

static void init_areas(const ampel_need_result *base,
                       ampel_sensitivity_area *ar) {
  for (size_t a = 0; a < base->n_areas; a++) {
    ar[a].base_rank = base->rank[a];
    ar[a].base_level = base->level[a];
    if (base->rank[a] == 0)
      continue; /* outside the universe: all zero */
    ar[a].min_rank = SIZE_MAX;
    ar[a].min_level = INT_MAX;
  }
}

/* One perturbed run: new weights, scores, ranks, levels; statistics. */
static ampel_status one_run(const ampel_need_input *in,
                            const ampel_sensitivity_opts *o,
                            const ampel_need_result *base, ampel_rng *rng,
                            work *wk, ampel_sensitivity_area *ar,
                            ampel_diags *d) {
  size_t n = in->n_areas, k = in->k;
  double span = o->factor_max - o->factor_min;
  for (size_t j = 0; j < k; j++)
    wk->pert[j] = wk->raw[j] * (o->factor_min + span * ampel_rng_uniform(rng));
  ampel_status st = ampel_need_weights_normalise(k, wk->pert, in->keys,
                                                 wk->w, d);
  if (st != AMPEL_OK)
    return st;
  ampel_need_scores(n, k, base->z, wk->w, wk->score);
  st = ampel_levels_compute_work(n, wk->score, &in->levels, wk->rank,
                                 wk->level, wk->levels_work, d);
  if (st != AMPEL_OK)
    return st;
  for (size_t a = 0; a < n; a++) {
    if (wk->rank[a] == 0)
      continue;
    if (wk->rank[a] < ar[a].min_rank)
      ar[a].min_rank = wk->rank[a];
    if (wk->rank[a] > ar[a].max_rank)
      ar[a].max_rank = wk->rank[a];
    if (wk->level[a] < ar[a].min_level)
      ar[a].min_level = wk->level[a];
    if (wk->level[a] > ar[a].max_level)
      ar[a].max_level = wk->level[a];
    if (wk->level[a] == in->levels.k)
      ar[a].top_level_share += 1.0; /* a count until the end */
  }
  return AMPEL_OK;
}

ampel_status ampel_sensitivity_compute(const ampel_need_input *in,
                                       const ampel_sensitivity_opts *o,
                                       ampel_sensitivity_result *out,
                                       ampel_diags *d) {
  memset(out, 0, sizeof *out);
  ampel_need_result base;
  work wk;
  memset(&wk, 0, sizeof wk);
  ampel_status st = check_opts(o, d);
  if (st != AMPEL_OK)
    return st;
  st = ampel_need_compute(in, &base, d);
  if (st != AMPEL_OK)
    return st;
  size_t n = in->n_areas;
  out->areas = ampel_calloc(n ? n : 1, sizeof *out->areas);
  st = out->areas ? work_init(&wk, in) : AMPEL_E_NOMEM;
  if (st != AMPEL_OK)
    goto done;
  out->n_areas = n;
  out->runs = o->runs;
  init_areas(&base, out->areas);
  ampel_rng rng;
  ampel_rng_seed(&rng, o->seed);
  for (size_t r = 0; r < o->runs && st == AMPEL_OK; r++)
    st = ampel_stop_requested(o->stop)
             ? AMPEL_E_CANCELLED
             : one_run(in, o, &base, &rng, &wk, out->areas, d);
  for (size_t a = 0; a < n; a++)
    out->areas[a].top_level_share /= (double)o->runs;
done:
  work_free(&wk);
  ampel_need_result_release(&base);
  if (st != AMPEL_OK)
    ampel_sensitivity_result_release(out);
  return st;
}
