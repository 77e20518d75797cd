/* ampel/analysis/map.h - the question "Karte": one indicator of a level
 * on the map (METHODS.md §2.2, §3): per area the value as shown, the
 * status from the lights answer (the same statuses as `ampel lights`: an
 * area below the minimum population is shown but not rated and carries
 * `unrated`), the 0-1 scaled value on the universe and the class breaks;
 * and what can be drawn (shapes, tiles or points). Used by `ampel map`,
 * the indicator page and the area profile's locator.
 *
 * Options read from the query: indicator, level, period, by, classes,
 * diverging, fixed-breaks, points, min-population (and those of the
 * lights question).
 *
 * Defaults decided here: `by` is classes when classes are given, else
 * scaled for a neutral indicator (it has no status), else status; classes
 * default to quantile:5. With `points`, the areas of that level are drawn
 * as points on the outline of `level` (else of the root area, else every
 * stored shape). Without points the kind is: shapes when any area of the
 * level has one, else tiles, else points from latitude/longitude.
 */
#ifndef AMPEL_ANALYSIS_MAP_H
#define AMPEL_ANALYSIS_MAP_H

#include "ampel/analysis/lights.h"
#include "ampel/classify.h"
#include "ampel/map.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum ampel_map_kind {
  AMPEL_MAP_KIND_NONE = 0,   /* nothing can be drawn */
  AMPEL_MAP_KIND_AREAS = 1,  /* choropleth of the shapes */
  AMPEL_MAP_KIND_TILES = 2,  /* tile map */
  AMPEL_MAP_KIND_POINTS = 3  /* points (on an outline) */
} ampel_map_kind;

typedef struct ampel_map_answer {
  const ampel_dataset *ds;     /* the dataset as shown (borrowed) */
  ampel_lights_answer lights;  /* one column: the indicator; rows = items */
  size_t ind;                  /* dataset indicator id */
  ampel_map_by by;
  ampel_map_kind kind;
  ampel_map_item *items;       /* n_items, one per lights row */
  size_t n_items;
  size_t n_shapes;             /* items with a shape */
  double breaks[AMPEL_CLASS_MAX + 2]; /* by classes: k + 1 breaks */
  size_t k;
  const ampel_shape **outline; /* points: the outline drawn below */
  size_t n_outline;
  double *xy;                  /* points: projected positions (owned) */
  const char *footer;          /* data stamp + disclosure note (borrowed) */
} ampel_map_answer;

/* Answers the question. Errors: those of
 * the lights question, AMPEL_E_USAGE for a bad classes spec or an unknown
 * indicator, AMPEL_E_DATA when the level has no indicator with values or
 * no value for classes; AMPEL_E_NOMEM. On error *out is released. The
 * answer borrows from the context (and its geometry). */
AMPEL_WUR ampel_status ampel_analyse_map(const ampel_context *ctx,
                                         const ampel_query *q,
                                         ampel_map_answer *out,
                                         ampel_diags *diags);
void ampel_map_answer_release(ampel_map_answer *a);

/* The row of a dataset area in the answer, or -1. */
long ampel_map_row(const ampel_map_answer *a, size_t area);

#ifdef __cplusplus
}
#endif
#endif
