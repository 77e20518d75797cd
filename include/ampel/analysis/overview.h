/* ampel/analysis/overview.h - the question "Übersicht" (the dashboard's
 * start page `/`): the Ampel (analysis/lights.h) and the heatmap
 * (analysis/heatmap.h) of one selection with the same options and the
 * same universe, plus the two lists the page leads with: "Wo sollten wir
 * genauer hinsehen?" and "Welche Entwicklung ist positiv?".
 *
 * Options read from the query: those of lights and heatmap (level,
 * period, indicators, since, band, status-method, reference, cluster,
 * linkage, min-population).
 */
#ifndef AMPEL_ANALYSIS_OVERVIEW_H
#define AMPEL_ANALYSIS_OVERVIEW_H

#include "ampel/analysis/heatmap.h"
#include "ampel/analysis/lights.h"

#ifdef __cplusplus
extern "C" {
#endif

/* At most this many rows in each list. */
#define AMPEL_OVERVIEW_WATCH_MAX 10
#define AMPEL_OVERVIEW_BETTER_MAX 8

typedef struct ampel_overview_answer {
  ampel_lights_answer lights;
  ampel_heatmap_answer heatmap; /* valid when heatmap_ok */
  int heatmap_ok;
  char heatmap_why[256]; /* German reason when !heatmap_ok */
  long since;            /* the since option as a period id, -1 unset */
  size_t watch[AMPEL_OVERVIEW_WATCH_MAX]; /* lights rows with critical or
                                             worse lights, most critical
                                             first */
  size_t n_watch;
  size_t better[AMPEL_OVERVIEW_BETTER_MAX]; /* lights rows with improved
                                               trends */
  size_t n_better;
  int any_trend;      /* some indicator has a comparison period */
  size_t n_trend[AMPEL_TREND_COUNT_]; /* cells per ampel_trend */
} ampel_overview_answer;

/* Answers the question. Errors of the lights question (bad options)
 * are returned as there; a heatmap that cannot be computed (too few
 * areas) is not an error: heatmap_ok = 0 with the reason. On error *out
 * is released. The answer borrows from the context: free it first. */
AMPEL_WUR ampel_status ampel_analyse_overview(const ampel_context *ctx,
                                              const ampel_query *q,
                                              ampel_overview_answer *out,
                                              ampel_diags *diags);
void ampel_overview_answer_release(ampel_overview_answer *a);

#ifdef __cplusplus
}
#endif
#endif
