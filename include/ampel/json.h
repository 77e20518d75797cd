/* ampel/json.h - JSON renderers: one answer of the analysis layer as the
 * JSON document that /api/v1/... sends and `ampel COMMAND --format json`
 * writes (docs/api.md). Missing numbers are null; all strings escaped.
 * Each renderer appends to out. */
#ifndef AMPEL_JSON_H
#define AMPEL_JSON_H

#include "ampel/buf.h"
#include "ampel/dataset.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- building blocks (src/render/json.c) --------------------------------- */

/* A JSON string, or null for NULL. */
void ampel_json_str(ampel_buf *b, const char *s);
/* A number, or null when not finite. */
void ampel_json_num(ampel_buf *b, double v);

/* ---- the data's lists (src/render/meta_json.c) -------------------------- */

/* Areas (only those of `level` unless NULL), indicators, periods. */
void ampel_areas_json(const ampel_dataset *ds, const char *level,
                      ampel_buf *out);
void ampel_indicators_json(const ampel_dataset *ds, ampel_buf *out);
void ampel_periods_json(const ampel_dataset *ds, ampel_buf *out);

/* Every observation (value, numerator, denominator, flag) as
 * /api/v1/values and `ampel export --format json` write it; filter may be
 * NULL, its ids -1 and level NULL for "all". When `converted` is given, a
 * cell for which it returns 1 gets `"converted": true` (a value from the
 * old areas of a boundary reform, METHODS.md §11; the analysis context's
 * ampel_context_converted). */
typedef struct ampel_values_filter {
  long area, indicator, period;
  const char *level;
  int (*converted)(const void *ud, size_t area, size_t ind, size_t period);
  const void *ud;
} ampel_values_filter;
void ampel_values_json(const ampel_dataset *ds, const ampel_values_filter *f,
                       ampel_buf *out);

/* ---- answers ------------------------------------------------------------- */

struct ampel_lights_answer;
/* /api/v1/lights (src/render/lights_json.c). */
void ampel_lights_json(const struct ampel_lights_answer *a, ampel_buf *out);

/* ---- need index and allocation (src/render/need_json.c) ---------------- */

struct ampel_index_answer;
struct ampel_allocation_answer;
/* /api/v1/index: method, level, period, min_population, the indicators
 * (with normalised weights and the period read), areas with score, rank,
 * level (mss: sums, indices, classes, group), sensitivity ranges and
 * "out". */
void ampel_index_json(const struct ampel_index_answer *a, ampel_buf *out);
/* /api/v1/allocation: the index, budget, base_share, need, weight, areas
 * with their amounts, and "not_allocated" (key and reason of every area
 * without an amount). */
void ampel_allocation_json(const struct ampel_allocation_answer *a,
                           ampel_buf *out);

struct ampel_heatmap_answer;
/* /api/v1/heatmap (src/render/heatmap_json.c). */
void ampel_heatmap_json(const struct ampel_heatmap_answer *a, ampel_buf *out);

struct ampel_correlation_answer;
/* `ampel correlate --format json`: level, period, method, the areas used
 * and left out, the indicators in matrix order and every pair with r, n,
 * p (src/render/correlate_out.c). */
void ampel_correlation_json(const struct ampel_correlation_answer *a,
                            ampel_buf *out);

#ifdef __cplusplus
}
#endif
#endif
