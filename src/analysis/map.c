/* map.c - the question "Karte" (include/ampel/analysis/map.h): one
 * indicator with the statuses of the lights answer (small areas shown but
 * not rated), values scaled and classed on the rated areas only, and the
 * kind of map the geometry allows. */
#include <math.h>
#include <string.h>

#include "ampel/alloc.h"
#include "ampel/analysis/indicator.h"
#include "ampel/analysis/map.h"
#include "ampel/geo.h"
#include "ampel/stats.h"

void ampel_map_answer_release(ampel_map_answer *a) {
  if (!a)
    return;
  ampel_lights_answer_release(&a->lights);
  ampel_free(a->items);
  ampel_free(a->outline);
  ampel_free(a->xy);
  memset(a, 0, sizeof *a);
}

long ampel_map_row(const ampel_map_answer *a, size_t area) {
  for (size_t i = 0; i < a->n_items; i++)
    if (a->lights.lights.area_ids[i] == area)
      return (long)i;
  return -1;
}

/* The level the map draws: the points level, else the level option. */
static const char *map_level(const ampel_query *q) {
  const char *p = ampel_query_text(q, AMPEL_OPT_POINTS);
  return p ? p : ampel_query_text(q, AMPEL_OPT_LEVEL);
}

/* The indicator: the option, else the first with values on the level. */
static ampel_status pick_indicator(const ampel_dataset *ds,
                                   const ampel_query *q, ampel_query *lq,
                                   size_t *out, ampel_diags *diags) {
  long id = -1;
  ampel_status s =
      ampel_analysis_indicator(ds, q, AMPEL_OPT_INDICATOR, &id, diags);
  if (s == AMPEL_OK && id < 0) {
    ampel_selection sel;
    s = ampel_analysis_select(ds, lq, NULL, &sel, diags);
    if (s == AMPEL_OK && sel.n_inds == 0) {
      ampel_diags_error(diags, AMPEL_E_DATA,
                        "keine Kennzahl mit Werten auf der Ebene %s",
                        sel.level);
      s = AMPEL_E_DATA;
    }
    if (s == AMPEL_OK)
      id = (long)sel.inds[0];
    ampel_selection_release(&sel);
  }
  if (s != AMPEL_OK)
    return s;
  *out = (size_t)id;
  return ampel_query_set(lq, ampel_opt_get(AMPEL_OPT_INDICATORS),
                         ampel_dataset_indicator(ds, *out)->key, NULL, 0);
}

static ampel_map_by pick_by(const ampel_query *q, ampel_polarity pol) {
  if (ampel_query_given(q, AMPEL_OPT_BY))
    return (ampel_map_by)ampel_query_choice(q, AMPEL_OPT_BY);
  if (ampel_query_has(q, AMPEL_OPT_CLASSES))
    return AMPEL_MAP_BY_CLASSES;
  return pol == AMPEL_POL_NEUTRAL ? AMPEL_MAP_BY_SCALED : AMPEL_MAP_BY_STATUS;
}

/* Items: value as shown, status from the lights, scaled on rated values. */
static ampel_status fill_items(const ampel_context *ctx, ampel_map_answer *a,
                               double *rated) {
  const ampel_geoset *g = ampel_context_geometry(ctx);
  const ampel_lights *l = &a->lights.lights;
  for (size_t r = 0; r < a->n_items; r++) {
    const ampel_area *ar = ampel_dataset_area(a->ds, l->area_ids[r]);
    const ampel_lights_cell *c = ampel_lights_at(l, r, 0);
    ampel_map_item *it = &a->items[r];
    ampel_cell_ref cr =
        ampel_dataset_get(a->ds, l->area_ids[r], a->ind, l->period);
    long gi = g ? ampel_geoset_find(g, ar->key) : -1;
    it->key = ar->key;
    it->name = ar->name && *ar->name ? ar->name : ar->key;
    it->shape = gi >= 0 ? ampel_geoset_shape_c(g, (size_t)gi) : NULL;
    it->x = it->y = NAN;
    it->tile_row = ar->tile_row;
    it->tile_col = ar->tile_col;
    it->value = c->value;
    it->flag = cr.present ? cr.flag : AMPEL_FLAG_NONE;
    it->status = c->status;
    it->unrated = a->lights.reason[r] == AMPEL_REASON_SMALL;
    rated[r] = it->unrated ? NAN : c->value;
    a->n_shapes += it->shape != NULL;
  }
  const ampel_indicator *in = ampel_dataset_indicator(a->ds, a->ind);
  ampel_scale_column(rated, a->n_items, in->polarity, rated);
  for (size_t r = 0; r < a->n_items; r++)
    a->items[r].scaled = rated[r];
  return AMPEL_OK;
}

/* Class breaks over the rated values of this period, or of every period
 * (fixed-breaks); diverging around the reference. */
static ampel_status make_breaks(const ampel_context *ctx, const ampel_query *q,
                                ampel_map_answer *a, ampel_diags *diags) {
  const char *spec = ampel_query_text(q, AMPEL_OPT_CLASSES);
  ampel_class_opts co;
  ampel_status s = ampel_class_parse(spec ? spec : "quantile:5", &co, diags);
  if (s != AMPEL_OK)
    return s;
  if (ampel_query_flag(q, AMPEL_OPT_DIVERGING))
    co.reference = a->lights.lights.cols[0].ref.value;
  const ampel_dataset *uni = NULL;
  ampel_dataset *own = NULL;
  s = ampel_context_universe_for(ctx, q, &uni, &own);
  int fixed = ampel_query_flag(q, AMPEL_OPT_FIXED_BREAKS);
  size_t n = a->n_items, np = fixed ? ampel_dataset_n_periods(a->ds) : 1;
  double *pool = s == AMPEL_OK ? ampel_calloc(n * np + 1, sizeof *pool) : NULL;
  if (s == AMPEL_OK && !pool)
    s = AMPEL_E_NOMEM;
  for (size_t p = 0; s == AMPEL_OK && p < np; p++)
    for (size_t r = 0; r < n; r++) {
      size_t t = fixed ? p : a->lights.lights.period;
      ampel_cell_ref c =
          ampel_dataset_get(uni, a->lights.lights.area_ids[r], a->ind, t);
      pool[p * n + r] =
          c.present && ampel_flag_has_value(c.flag) ? c.value : NAN;
    }
  if (s == AMPEL_OK &&
      ampel_class_breaks(pool, n * np, &co, a->breaks, &a->k) != AMPEL_OK) {
    ampel_diags_error(diags, AMPEL_E_DATA, "keine Werte für Klassen");
    s = AMPEL_E_DATA;
  }
  ampel_free(pool);
  ampel_dataset_free(own);
  return s;
}

/* Points: the areas' latitude/longitude projected into the geometry's CRS
 * (UTM 32N without geometry); 0 when none has a position. */
static size_t place_points(const ampel_context *ctx, ampel_map_answer *a) {
  size_t n = a->n_items, have = 0;
  double *ll = ampel_calloc(2 * n + 2, sizeof *ll);
  a->xy = ampel_calloc(2 * n + 2, sizeof *a->xy);
  if (!ll || !a->xy) {
    ampel_free(ll);
    return 0;
  }
  for (size_t r = 0; r < n; r++) {
    const ampel_area *ar =
        ampel_dataset_area(a->ds, a->lights.lights.area_ids[r]);
    ll[r] = ar->lon;
    ll[n + r] = ar->lat;
    have += !isnan(ar->lon) && !isnan(ar->lat);
  }
  const ampel_geoset *g = ampel_context_geometry(ctx);
  int epsg = g && ampel_geoset_epsg(g) ? ampel_geoset_epsg(g) : 25832;
  if (ampel_geo_project_lonlat(ll, ll + n, n, epsg, a->xy) != AMPEL_OK)
    have = 0;
  for (size_t r = 0; have && r < n; r++) {
    a->items[r].x = a->xy[2 * r];
    a->items[r].y = a->xy[2 * r + 1];
    a->items[r].shape = NULL;
  }
  ampel_free(ll);
  return have;
}

/* The outline under a point layer: the shapes of the level option, else
 * the root area's shape, else every stored shape. */
static ampel_status pick_outline(const ampel_context *ctx, const ampel_query *q,
                                 ampel_map_answer *a) {
  const ampel_geoset *g = ampel_context_geometry(ctx);
  size_t n = g ? ampel_geoset_n(g) : 0;
  const char *level = ampel_query_text(q, AMPEL_OPT_LEVEL);
  a->outline = ampel_calloc(n + 1, sizeof *a->outline);
  if (!a->outline)
    return AMPEL_E_NOMEM;
  long root = ampel_dataset_root(a->ds);
  for (size_t i = 0; i < n; i++) {
    long id = ampel_dataset_find_area(a->ds, ampel_geoset_key(g, i));
    const ampel_area *ar =
        id >= 0 ? ampel_dataset_area(a->ds, (size_t)id) : NULL;
    int take =
        level ? ar && ar->level && !strcmp(ar->level, level) : id == root;
    if (take)
      a->outline[a->n_outline++] = ampel_geoset_shape_c(g, i);
  }
  for (size_t i = 0; a->n_outline == 0 && i < n; i++)
    a->outline[i] = ampel_geoset_shape_c(g, i);
  if (a->n_outline == 0)
    a->n_outline = n;
  return AMPEL_OK;
}

static ampel_status pick_kind(const ampel_context *ctx, const ampel_query *q,
                              ampel_map_answer *a) {
  size_t tiles = 0;
  for (size_t r = 0; r < a->n_items; r++)
    tiles += a->items[r].tile_row != AMPEL_NO_TILE;
  if (ampel_query_has(q, AMPEL_OPT_POINTS)) {
    a->kind = AMPEL_MAP_KIND_POINTS;
    place_points(ctx, a);
    return a->xy ? pick_outline(ctx, q, a) : AMPEL_E_NOMEM;
  }
  if (a->n_shapes)
    a->kind = AMPEL_MAP_KIND_AREAS;
  else if (tiles)
    a->kind = AMPEL_MAP_KIND_TILES;
  else if (place_points(ctx, a))
    a->kind = AMPEL_MAP_KIND_POINTS;
  else if (!a->xy)
    return AMPEL_E_NOMEM;
  return AMPEL_OK;
}

/* Items of the level with a cell (a value or a flag) in period p. */
static size_t cells_in(const ampel_map_answer *a, size_t p) {
  size_t n = 0;
  for (size_t r = 0; r < a->lights.lights.n_areas; r++)
    n += ampel_dataset_get(a->ds, a->lights.lights.area_ids[r], a->ind, p)
             .present;
  return n;
}

/* A map of a period in which the indicator has no cell on the level is an
 * error, never an all-hatched picture (issue 13): it names the newest
 * period that has values. Without --period the lights already took it. */
static ampel_status check_values(ampel_map_answer *a, ampel_diags *diags) {
  const ampel_lights *l = &a->lights.lights;
  if (cells_in(a, l->period))
    return AMPEL_OK;
  const char *key = ampel_dataset_indicator(a->ds, a->ind)->key;
  long best = -1;
  for (size_t p = ampel_dataset_n_periods(a->ds); best < 0 && p-- > 0;)
    if (cells_in(a, p))
      best = (long)p;
  if (best >= 0)
    ampel_diags_error(diags, AMPEL_E_DATA,
                      "Kennzahl '%s' hat im Zeitraum '%s' keine Werte auf der "
                      "Ebene '%s'; neuester Zeitraum mit Werten: %s (ohne "
                      "--period zeigt die Karte ihn)",
                      key, ampel_dataset_period(a->ds, l->period)->label,
                      l->level,
                      ampel_dataset_period(a->ds, (size_t)best)->label);
  else
    ampel_diags_error(diags, AMPEL_E_DATA,
                      "Kennzahl '%s' hat keine Werte auf der Ebene '%s'", key,
                      l->level);
  return AMPEL_E_DATA;
}

static ampel_status compute(const ampel_context *ctx, const ampel_query *q,
                            ampel_map_answer *a, ampel_diags *diags) {
  ampel_query lq = *q;
  const char *level = map_level(q);
  ampel_status s = AMPEL_OK;
  if (level)
    s = ampel_query_set(&lq, ampel_opt_get(AMPEL_OPT_LEVEL), level, NULL, 0);
  if (s == AMPEL_OK)
    s = pick_indicator(a->ds, q, &lq, &a->ind, diags);
  if (s == AMPEL_OK)
    s = ampel_analyse_lights(ctx, &lq, &a->lights, diags);
  if (s == AMPEL_OK)
    s = check_values(a, diags);
  if (s != AMPEL_OK)
    return s;
  a->n_items = a->lights.lights.n_areas;
  a->items = ampel_calloc(a->n_items + 1, sizeof *a->items);
  double *rated = ampel_calloc(a->n_items + 1, sizeof *rated);
  if (!a->items || !rated)
    s = AMPEL_E_NOMEM;
  if (s == AMPEL_OK)
    s = fill_items(ctx, a, rated);
  ampel_free(rated);
  a->by = pick_by(q, ampel_dataset_indicator(a->ds, a->ind)->polarity);
  if (s == AMPEL_OK && a->by == AMPEL_MAP_BY_CLASSES)
    s = make_breaks(ctx, q, a, diags);
  if (s == AMPEL_OK)
    s = pick_kind(ctx, q, a);
  return s;
}

ampel_status ampel_analyse_map(const ampel_context *ctx, const ampel_query *q,
                               ampel_map_answer *out, ampel_diags *diags) {
  memset(out, 0, sizeof *out);
  out->ds = ampel_context_dataset(ctx);
  out->footer = ampel_context_footer(ctx);
  ampel_status s = compute(ctx, q, out, diags);
  if (s != AMPEL_OK)
    ampel_map_answer_release(out);
  return s;
}
