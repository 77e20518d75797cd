/* h_bedarf.c - Bedarf `/bedarf`: need index (METHODS.md §5), needs-based
 * allocation (§6) and weight sensitivity, with the CLI's options as URL
 * parameters so that a result can be shared. The computation is shared
 * with the API (bedarf.h). */
#include <math.h>
#include <string.h>

#include "ampel/alloc.h"
#include "bedarf.h"
#include "server.h"

void bd_release(bd_data *x) {
  ampel_keylist_release(&x->kl);
  ampel_need_table_release(&x->t);
  ampel_allocation_result_release(&x->res);
  ampel_sensitivity_result_release(&x->sens);
  ampel_free(x->need);
  ampel_free(x->weight);
  ampel_free(x->row);
  ampel_free(x->used);
  ampel_free(x->keys);
  ampel_free(x->names);
  memset(x, 0, sizeof *x);
}

/* Indicators: indicators=K:W,...; else w_KEY=W fields of the form; else
 * every rated indicator with values on the level, weight 1. */
static int bd_keys(srv_req *q, srv_resp *r, bd_data *x) {
  ampel_diags d;
  ampel_diags_init(&d, 0);
  const char *spec = srv_get(q, "indicators");
  ampel_buf made;
  ampel_buf_init(&made);
  if (!spec || !*spec) {
    for (size_t i = 0; i < ampel_dataset_n_indicators(q->ds); i++) {
      const ampel_indicator *in = ampel_dataset_indicator(q->ds, i);
      for (size_t p = 0; p < q->n_params; p++)
        if (strncmp(q->params[p].key, "w_", 2) == 0 &&
            strcmp(q->params[p].key + 2, in->key) == 0 &&
            *q->params[p].val && strcmp(q->params[p].val, "0") != 0)
          ampel_buf_printf(&made, "%s%s:%s", made.len ? "," : "", in->key,
                           q->params[p].val);
    }
    spec = made.len ? made.data : NULL;
  }
  int rc = 0;
  if (spec) {
    ampel_status st = ampel_keylist_parse(spec, 1, &x->kl, &d);
    for (size_t i = 0; st == AMPEL_OK && i < x->kl.n; i++)
      if (ampel_dataset_find_indicator(q->ds, x->kl.keys[i]) < 0) {
        rc = srv_error(q, r, 404, "indicators: unbekannte Kennzahl '%s'.",
                       x->kl.keys[i]);
        break;
      }
    if (st != AMPEL_OK)
      rc = srv_error_diags(q, r, st, &d, "indicators: ungültige Liste.");
  }
  ampel_buf_release(&made);
  ampel_diags_release(&d);
  return rc;
}

static int bd_defaults(srv_req *q, srv_resp *r, bd_data *x) {
  if (x->kl.n)
    return 0;
  ampel_selection sel;
  ampel_diags d;
  ampel_diags_init(&d, 0);
  ampel_status st = ampel_select(q->ds, x->level, x->period_label, NULL, 0,
                                 &sel, &d);
  if (st != AMPEL_OK) {
    int rc = srv_error_diags(q, r, st, &d, "Auswahl nicht möglich.");
    ampel_diags_release(&d);
    return rc;
  }
  ampel_diags_release(&d);
  ampel_buf spec;
  ampel_buf_init(&spec);
  /* Prefer indicators every area of the level has (none drops out). */
  for (int pass = 0; pass < 2 && !spec.len; pass++)
    for (size_t j = 0; j < sel.n_inds; j++) {
      const ampel_indicator *in = ampel_dataset_indicator(q->ds, sel.inds[j]);
      size_t have = 0;
      for (size_t i = 0; i < sel.n_areas; i++)
        have += ampel_has_value(q->ds, sel.areas[i], sel.inds[j], sel.period);
      if (in->polarity != AMPEL_POL_NEUTRAL &&
          (pass == 1 || have == sel.n_areas))
        ampel_buf_printf(&spec, "%s%s", spec.len ? "," : "", in->key);
    }
  ampel_selection_release(&sel);
  ampel_diags_init(&d, 0);
  st = spec.len ? ampel_keylist_parse(spec.data, 1, &x->kl, &d)
                : AMPEL_E_DATA;
  int rc = 0;
  if (st != AMPEL_OK)
    rc = srv_error_diags(q, r, st, &d, "Keine bewertete Kennzahl mit Werten "
                                       "auf dieser Ebene.");
  ampel_buf_release(&spec);
  ampel_diags_release(&d);
  return rc;
}

static int bd_params(srv_req *q, srv_resp *r, bd_data *x) {
  static const char *const methods[] = {"width", "count", NULL};
  static const char *const needs[] = {"level", "score", NULL};
  long period = -1, k = AMPEL_LEVELS_DEFAULT_K, runs = 200, w = -1;
  int lm = 0, nm = 0;
  double seed = 1;
  ampel_level_opts_init(&x->lv);
  ampel_allocation_input_init(&x->ain);
  x->budget = 100000;
  x->min_population = 0;
  if (srv_p_level(q, r, &x->level) || srv_p_period(q, r, "period", &period) ||
      srv_p_long(q, r, "levels", 1, AMPEL_LEVELS_MAX_K, &k) ||
      srv_p_double(q, r, "top_share", 0, 0.99, &x->lv.top_share) ||
      srv_p_enum(q, r, "level_method", methods, &lm) ||
      srv_p_double(q, r, "min_population", 0, 1e12, &x->min_population) ||
      srv_p_double(q, r, "budget", 1, AMPEL_ALLOCATION_MAX_UNITS,
                   &x->budget) ||
      srv_p_double(q, r, "base_share", 0, 1, &x->ain.base_share) ||
      srv_p_enum(q, r, "need", needs, &nm) ||
      srv_p_indicator(q, r, "weight", &w) ||
      srv_p_long(q, r, "sensitivity", 0, 5000, &runs) ||
      srv_p_double(q, r, "seed", 0, 1e15, &seed))
    return -1;
  x->period_label =
      period >= 0 ? srv_period_label(q->ds, (size_t)period) : NULL;
  x->lv.k = (int)k;
  x->lv.method = (ampel_level_method)lm;
  x->need_score = nm == 1;
  x->weight_ind = w;
  x->runs = (size_t)runs;
  x->seed = (uint64_t)seed;
  x->budget = floor(x->budget);
  if (bd_keys(q, r, x) || bd_defaults(q, r, x))
    return -1;
  return 0;
}

/* Weight column on the index frame (1 per area without weight=). */
static int bd_weights(srv_req *q, srv_resp *r, bd_data *x) {
  size_t n = x->t.frame.n_areas;
  for (size_t i = 0; i < n; i++)
    x->weight[i] = 1.0;
  if (x->weight_ind < 0)
    return 0;
  double *col = ampel_calloc(n + 1, sizeof *col);
  if (!col)
    return srv_error(q, r, 503, "Zu wenig Speicher.");
  ampel_diags d;
  ampel_diags_init(&d, 0);
  size_t used = 0;
  const char *key = ampel_dataset_indicator(q->ds, (size_t)x->weight_ind)->key;
  ampel_status st =
      ampel_need_frame_column(q->ds, &x->t.frame, key, col, &used, &d);
  int rc = 0;
  if (st != AMPEL_OK)
    rc = srv_error_diags(q, r, st, &d, "weight: nicht lesbar.");
  for (size_t i = 0; rc == 0 && i < n; i++)
    x->weight[i] = col[i];
  ampel_diags_release(&d);
  ampel_free(col);
  return rc;
}

static int bd_allocate(srv_req *q, srv_resp *r, bd_data *x) {
  size_t n = x->t.frame.n_areas, m = 0;
  x->need = ampel_calloc(n + 1, sizeof *x->need);
  x->weight = ampel_calloc(n + 1, sizeof *x->weight);
  x->row = ampel_calloc(n + 1, sizeof *x->row);
  x->used = ampel_calloc(n + 1, sizeof *x->used);
  x->keys = ampel_calloc(n + 1, sizeof *x->keys);
  x->names = ampel_calloc(n + 1, sizeof *x->names);
  double *nd = ampel_calloc(n + 1, sizeof *nd), *wt = NULL;
  const char **rk = ampel_calloc(n + 1, sizeof *rk);
  if (!x->need || !x->weight || !x->row || !x->used || !x->keys ||
      !x->names || !nd || !rk || !(wt = ampel_calloc(n + 1, sizeof *wt))) {
    ampel_free(nd);
    ampel_free(rk);
    return srv_error(q, r, 503, "Zu wenig Speicher.");
  }
  int rc = bd_weights(q, r, x);
  for (size_t i = 0; rc == 0 && i < n; i++) {
    const ampel_area *a = ampel_dataset_area(q->ds, x->t.frame.areas[i]);
    x->keys[i] = a->key;
    x->names[i] = a->name && *a->name ? a->name : a->key;
    int lvl = x->t.result.level[i];
    x->need[i] = x->need_score ? x->t.result.score[i]
                 : lvl > 0     ? (double)lvl
                               : NAN;
    if (isnan(x->need[i]) || isnan(x->weight[i]))
      continue;
    x->used[i] = 1;
    x->row[i] = m;
    rk[m] = a->key;
    nd[m] = x->need[i];
    wt[m++] = x->weight[i];
  }
  if (rc == 0 && m == 0)
    rc = srv_error(q, r, 400, "Kein Gebiet hat einen Bedarfswert: nichts zu "
                              "verteilen.");
  if (rc == 0) {
    ampel_allocation_input in = x->ain;
    in.n_areas = m;
    in.budget = x->budget;
    in.weight = wt;
    in.need = nd;
    in.need_mode = x->need_score ? AMPEL_NEED_SHIFT_MIN : AMPEL_NEED_AS_IS;
    in.area_keys = rk;
    ampel_diags d;
    ampel_diags_init(&d, 0);
    ampel_status st = ampel_allocation_compute(&in, &x->res, &d);
    if (st != AMPEL_OK)
      rc = srv_error_diags(q, r, st, &d, "Verteilung nicht möglich.");
    ampel_diags_release(&d);
  }
  x->m = m;
  ampel_free(nd);
  ampel_free(wt);
  ampel_free(rk);
  return rc;
}

int bd_compute(srv_req *q, srv_resp *r, bd_data *x, int want_alloc) {
  memset(x, 0, sizeof *x);
  if (bd_params(q, r, x))
    return -1;
  ampel_diags d;
  ampel_diags_init(&d, 0);
  ampel_status st =
      ampel_need_dataset(q->ds, x->level, x->period_label, &x->kl, &x->lv,
                         x->min_population, &x->t, &d);
  if (st != AMPEL_OK) {
    int rc = srv_error_diags(q, r, st, &d, "Index nicht berechenbar.");
    ampel_diags_release(&d);
    return rc;
  }
  if (x->runs) {
    ampel_sensitivity_opts so;
    ampel_sensitivity_opts_init(&so);
    so.runs = x->runs;
    so.seed = x->seed;
    x->sens_ok = ampel_sensitivity_compute(&x->t.input, &so, &x->sens,
                                           &d) == AMPEL_OK;
  }
  ampel_diags_release(&d);
  return want_alloc ? bd_allocate(q, r, x) : 0;
}

int h_bedarf(srv_req *q, srv_resp *r) {
  bd_data x;
  if (bd_compute(q, r, &x, 1) != 0) {
    bd_release(&x);
    return -1;
  }
  bd_page(q, r, &x);
  bd_release(&x);
  return 0;
}
