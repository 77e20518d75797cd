/* lisa.c - the question "Räumliche Muster" (include/ampel/analysis/lisa.h):
 * queen neighbours from the level's shapes (else its tile map), the areas
 * that count (value in the universe and a place, islands left out), and
 * Moran's I global and local per indicator (src/compute/lisa.c). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ampel/alloc.h"
#include "ampel/analysis/indicator.h"
#include "ampel/analysis/lisa.h"

void ampel_lisa_answer_release(ampel_lisa_answer *a) {
  if (!a)
    return;
  ampel_selection_release(&a->sel);
  ampel_free(a->glob);
  ampel_free(a->rows);
  memset(a, 0, sizeof *a);
}

/* Work shared by every indicator: where the level's areas lie and their
 * graph. */
typedef struct lisa_work {
  const ampel_context *ctx;
  const ampel_query *q;
  const ampel_dataset *uni;
  const ampel_shape **shapes; /* per selection area, NULL: none */
  unsigned char *placed;      /* per area: has a shape (or tile) */
  ampel_lisa_graph graph;     /* queen, over the selection's areas */
  unsigned char *keep;        /* scratch, per area */
  double *y;                  /* scratch, per area */
  ampel_lisa_reason *reason;  /* scratch, per area */
} lisa_work;

/* No shape in the level: the squares of the tile map, if any. */
static ampel_status tile_graph(lisa_work *w, ampel_lisa_answer *a,
                               ampel_diags *diags) {
  size_t n = a->sel.n_areas, have = 0;
  int32_t *rc = ampel_calloc(2 * n + 1, sizeof *rc);
  if (!rc)
    return AMPEL_E_NOMEM;
  for (size_t i = 0; i < n; i++) {
    const ampel_area *ar = ampel_dataset_area(a->ds, a->sel.areas[i]);
    rc[i] = ar->tile_row;
    rc[n + i] = ar->tile_col;
    w->placed[i] =
        ar->tile_row != AMPEL_NO_TILE && ar->tile_col != AMPEL_NO_TILE;
    have += w->placed[i];
  }
  ampel_status s = AMPEL_E_DATA;
  if (have == 0)
    ampel_diags_error(diags, AMPEL_E_DATA,
                      "die Ebene %s hat weder Flächen noch Kachelpositionen; "
                      "räumliche Muster (LISA) brauchen Nachbarschaften: "
                      "Flächen mit 'ampel import DATEI.geojson "
                      "--key-property NAME' einlesen",
                      a->sel.level);
  else
    s = ampel_tile_queen(rc, rc + n, n, &w->graph);
  a->tiles = s == AMPEL_OK;
  ampel_free(rc);
  return s;
}

/* The shapes of the level and their queen graph, else the tiles'. */
static ampel_status load_shapes(lisa_work *w, ampel_lisa_answer *a,
                                ampel_diags *diags) {
  const ampel_geoset *g = ampel_context_geometry(w->ctx);
  size_t n = a->sel.n_areas, have = 0;
  w->shapes = ampel_calloc(n + 1, sizeof *w->shapes);
  w->placed = ampel_calloc(n + 1, 1);
  w->keep = ampel_calloc(n + 1, 1);
  w->y = ampel_calloc(n + 1, sizeof *w->y);
  w->reason = ampel_calloc(n + 1, sizeof *w->reason);
  if (!w->shapes || !w->placed || !w->keep || !w->y || !w->reason)
    return AMPEL_E_NOMEM;
  for (size_t i = 0; i < n; i++) {
    const ampel_area *ar = ampel_dataset_area(a->ds, a->sel.areas[i]);
    long gi = g ? ampel_geoset_find(g, ar->key) : -1;
    w->shapes[i] = gi >= 0 ? ampel_geoset_shape_c(g, (size_t)gi) : NULL;
    w->placed[i] = w->shapes[i] != NULL;
    have += w->placed[i];
  }
  ampel_status s =
      have ? ampel_geo_queen(w->shapes, n, &w->graph) : tile_graph(w, a, diags);
  if (have && s == AMPEL_E_DATA)
    ampel_diags_error(diags, s,
                      "eine Fläche der Ebene %s ist für GEOS "
                      "unlesbar",
                      a->sel.level);
  a->n_neighbour_pairs = s == AMPEL_OK ? w->graph.off[n] / 2 : 0;
  return s;
}

/* The reason of selection area i for indicator ind: value in the
 * universe, shape. Islands are found afterwards. */
static ampel_lisa_reason reason_of(const lisa_work *w,
                                   const ampel_lisa_answer *a, size_t i,
                                   size_t ind, double *out_y) {
  size_t area = a->sel.areas[i];
  ampel_cell_ref c = ampel_dataset_get(w->uni, area, ind, a->sel.period);
  *out_y = NAN;
  if (!c.present || !ampel_flag_has_value(c.flag) || !isfinite(c.value))
    return ampel_has_value(a->ds, area, ind, a->sel.period) &&
                   ampel_context_small_area(w->ctx, w->q, area)
               ? AMPEL_LISA_SMALL
               : AMPEL_LISA_NO_VALUE;
  if (!w->placed[i])
    return AMPEL_LISA_NO_SHAPE;
  *out_y = c.value;
  return AMPEL_LISA_IN;
}

/* Kept neighbours of selection area i. */
static size_t kept_degree(const lisa_work *w, size_t i) {
  size_t k = 0;
  for (size_t e = w->graph.off[i]; e < w->graph.off[i + 1]; e++)
    k += w->keep[w->graph.nb[e]] != 0;
  return k;
}

/* The reason of every area for indicator ind (w->reason), the areas that
 * count (w->keep, islands left out, their values in w->y) and the counts
 * in g. Leaving out an island changes no one else's neighbours: it has
 * none in the set. */
static void choose(lisa_work *w, const ampel_lisa_answer *a, size_t ind,
                   ampel_lisa_global *g) {
  size_t n = a->sel.n_areas;
  for (size_t i = 0; i < n; i++) {
    w->reason[i] = reason_of(w, a, i, ind, &w->y[i]);
    w->keep[i] = w->reason[i] == AMPEL_LISA_IN;
  }
  for (size_t i = 0; i < n; i++)
    if (w->keep[i] && kept_degree(w, i) == 0)
      w->reason[i] = AMPEL_LISA_ISLAND;
  for (size_t i = 0; i < n; i++) {
    w->keep[i] = w->reason[i] == AMPEL_LISA_IN;
    g->n += w->keep[i];
    if (!w->keep[i])
      g->n_out[w->reason[i]]++;
  }
}

/* Fewer than 3 areas, or (with 3 or more) all values equal. */
static void not_computable(ampel_lisa_global *g, const ampel_dataset *ds,
                           const char *level) {
  const ampel_indicator *in = ampel_dataset_indicator(ds, g->ind);
  g->ok = 0;
  g->moran_i = g->expected_i = g->z = g->p = g->z_norm = g->p_norm = NAN;
  if (g->n >= 3)
    snprintf(g->why, sizeof g->why,
             "%s: alle %zu Werte auf der Ebene %s sind gleich, es gibt "
             "kein räumliches Muster",
             in->key, g->n, level);
  else
    snprintf(g->why, sizeof g->why,
             "%s: zu wenige Gebiete der Ebene %s mit Wert und Nachbarn "
             "(%zu, mindestens 3)",
             in->key, level, g->n);
}

/* Moran's I of one indicator; the local rows when rows != NULL. */
static ampel_status one(lisa_work *w, ampel_lisa_answer *a, size_t j,
                        ampel_lisa_row *rows) {
  ampel_lisa_global *g = &a->glob[j];
  g->ind = a->sel.inds[j];
  choose(w, a, g->ind, g);
  ampel_lisa_graph sub;
  ampel_status s = ampel_lisa_graph_subset(&w->graph, w->keep, &sub);
  if (s != AMPEL_OK)
    return s;
  size_t m = 0;
  for (size_t i = 0; i < a->sel.n_areas; i++)
    if (w->keep[i])
      w->y[m++] = w->y[i]; /* m <= i: compacting in place is safe */
  ampel_lisa_opts o = {a->permutations, a->seed};
  ampel_lisa_result r;
  s = ampel_lisa_compute(w->y, &sub, &o, &r);
  ampel_lisa_graph_release(&sub);
  if (s == AMPEL_E_DATA) {
    not_computable(g, a->ds, a->sel.level);
    return AMPEL_OK;
  }
  if (s != AMPEL_OK)
    return s;
  g->ok = 1;
  g->moran_i = r.moran_i;
  g->expected_i = r.expected_i;
  g->z = r.z_sim;
  g->p = r.p_sim;
  g->z_norm = r.z_norm;
  g->p_norm = r.p_norm;
  for (size_t i = 0, t = 0; rows && i < a->sel.n_areas; i++) {
    rows[i].reason = w->reason[i];
    if (!w->keep[i])
      continue;
    ampel_lisa_row *row = &rows[i];
    row->k = kept_degree(w, i);
    row->z = r.z[t];
    row->lag = r.lag[t];
    row->local_i = r.local_i[t];
    row->p = r.p[t];
    row->quadrant = (ampel_lisa_quadrant)r.quadrant[t];
    row->significant = isfinite(row->p) && row->p <= a->alpha;
    row->cluster = row->significant ? (int)row->quadrant : AMPEL_LISA_NS;
    a->clusters[row->cluster]++;
    t++;
  }
  ampel_lisa_result_release(&r);
  return AMPEL_OK;
}

/* Rows of every area of the level: value as shown, reason, shape. */
static ampel_status make_rows(const lisa_work *w, ampel_lisa_answer *a) {
  size_t n = a->sel.n_areas;
  a->rows = ampel_calloc(n + 1, sizeof *a->rows);
  if (!a->rows)
    return AMPEL_E_NOMEM;
  a->n_rows = n;
  for (size_t i = 0; i < n; i++) {
    ampel_lisa_row *row = &a->rows[i];
    ampel_cell_ref c = ampel_dataset_get(a->ds, a->sel.areas[i], a->sel.inds[0],
                                         a->sel.period);
    row->area = a->sel.areas[i];
    row->flag = c.present ? c.flag : AMPEL_FLAG_NONE;
    row->value = c.present && ampel_flag_has_value(c.flag) ? c.value : NAN;
    row->z = row->lag = row->local_i = row->p = NAN;
    row->shape = w->shapes[i];
  }
  return AMPEL_OK;
}

/* The selection: level, period, and one indicator (the option, else the
 * first with values) or, with `global` and no indicator, all of them. */
static ampel_status select_inds(ampel_lisa_answer *a, const ampel_query *q,
                                ampel_diags *diags) {
  long id = -1;
  ampel_status s =
      ampel_analysis_indicator(a->ds, q, AMPEL_OPT_INDICATOR, &id, diags);
  const char *key =
      id >= 0 ? ampel_dataset_indicator(a->ds, (size_t)id)->key : NULL;
  if (s == AMPEL_OK)
    s = ampel_analysis_select(a->ds, q, key, &a->sel, diags);
  if (s == AMPEL_OK && a->sel.n_inds == 0) {
    ampel_diags_error(diags, AMPEL_E_DATA,
                      "keine Kennzahl mit Werten auf der Ebene %s",
                      a->sel.level);
    s = AMPEL_E_DATA;
  }
  if (s == AMPEL_OK && !a->global_only)
    a->sel.n_inds = 1; /* the first; the array keeps its size */
  return s;
}

static ampel_status compute(const ampel_context *ctx, const ampel_query *q,
                            ampel_lisa_answer *a, ampel_diags *diags) {
  lisa_work w = {ctx, q, NULL, NULL, NULL, {0, NULL, NULL}, NULL, NULL, NULL};
  ampel_dataset *own = NULL;
  ampel_status s = select_inds(a, q, diags);
  if (s == AMPEL_OK)
    s = ampel_context_universe_for(ctx, q, &w.uni, &own);
  if (s == AMPEL_OK)
    s = load_shapes(&w, a, diags);
  if (s == AMPEL_OK) {
    a->glob = ampel_calloc(a->sel.n_inds + 1, sizeof *a->glob);
    s = a->glob ? AMPEL_OK : AMPEL_E_NOMEM;
  }
  if (s == AMPEL_OK && !a->global_only)
    s = make_rows(&w, a);
  for (size_t j = 0; s == AMPEL_OK && j < a->sel.n_inds; j++)
    s = one(&w, a, j, a->global_only ? NULL : a->rows);
  if (s == AMPEL_OK && !a->global_only && !a->glob[0].ok) {
    ampel_diags_error(diags, AMPEL_E_DATA, "%s", a->glob[0].why);
    s = AMPEL_E_DATA;
  }
  ampel_free(w.shapes);
  ampel_free(w.placed);
  ampel_free(w.reason);
  ampel_free(w.keep);
  ampel_free(w.y);
  ampel_lisa_graph_release(&w.graph);
  ampel_dataset_free(own);
  return s;
}

ampel_status ampel_lisa_query(const char *level, const char *period,
                              const char *indicator, const char *min_population,
                              ampel_query *out) {
  static const ampel_opt_id ids[] = {AMPEL_OPT_PERMUTATIONS, AMPEL_OPT_SEED,
                                     AMPEL_OPT_ALPHA};
  ampel_query_init(out, ids, sizeof ids / sizeof ids[0]);
  ampel_status s =
      ampel_query_set(out, ampel_opt_get(AMPEL_OPT_LEVEL), level, NULL, 0);
  if (s == AMPEL_OK)
    s = ampel_query_set(out, ampel_opt_get(AMPEL_OPT_PERIOD), period, NULL, 0);
  if (s == AMPEL_OK)
    s = indicator ? ampel_query_set(out, ampel_opt_get(AMPEL_OPT_INDICATOR),
                                    indicator, NULL, 0)
                  : ampel_query_set(out, ampel_opt_get(AMPEL_OPT_GLOBAL), "1",
                                    NULL, 0);
  if (s == AMPEL_OK && min_population)
    s = ampel_query_set(out, ampel_opt_get(AMPEL_OPT_MIN_POPULATION),
                        min_population, NULL, 0);
  return s;
}

ampel_status ampel_analyse_lisa(const ampel_context *ctx, const ampel_query *q,
                                ampel_lisa_answer *out, ampel_diags *diags) {
  memset(out, 0, sizeof *out);
  out->ds = ampel_context_dataset(ctx);
  out->footer = ampel_context_footer(ctx);
  out->global_only = ampel_query_flag(q, AMPEL_OPT_GLOBAL);
  double perms = ampel_query_num(q, AMPEL_OPT_PERMUTATIONS);
  double seed = ampel_query_num(q, AMPEL_OPT_SEED);
  double alpha = ampel_query_num(q, AMPEL_OPT_ALPHA);
  out->permutations = isfinite(perms) ? (size_t)perms : 999;
  out->seed = isfinite(seed) ? (uint64_t)seed : 1;
  out->alpha = isfinite(alpha) ? alpha : 0.05;
  ampel_status s = compute(ctx, q, out, diags);
  if (s != AMPEL_OK)
    ampel_lisa_answer_release(out);
  return s;
}
