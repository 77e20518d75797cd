/* ampel/analysis/indicator.h - the question "Kennzahl": one indicator of a
 * level with its map, the statuses of the lights answer, the reference and
 * the ranks of the rated areas (computed once, O(n log n)). Used by the
 * page /kennzahl/KEY. Also the small helpers every view question shares:
 * an indicator option, a selection from the options, ranks.
 *
 * Options read from the query: indicator (required), level, period,
 * min-population (and those of the map question).
 */
#ifndef AMPEL_ANALYSIS_INDICATOR_H
#define AMPEL_ANALYSIS_INDICATOR_H

#include "ampel/analysis/map.h"
#include "ampel/analysis/timeseries.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ampel_indicator_answer {
  ampel_map_answer map; /* the map; map.lights holds value, status and the
                           reference (map.lights.lights.cols[0].ref) */
  size_t *rank;         /* per row: 1 = most favourable rated value (ties
                           share a rank); 0 = not ranked (no value, or
                           shown but not rated) */
  size_t *order;        /* rows by rank, the unranked last (dataset order) */
  size_t n_ranked;
  ampel_timeseries_answer ts; /* the course over all periods (as
                                 `ampel chart timeseries`) */
} ampel_indicator_answer;

/* Answers the question (as ampel_analyse_map). */
AMPEL_WUR ampel_status ampel_analyse_indicator(const ampel_context *ctx,
                                               const ampel_query *q,
                                               ampel_indicator_answer *out,
                                               ampel_diags *diags);
void ampel_indicator_answer_release(ampel_indicator_answer *a);

/* ---- shared helpers ------------------------------------------------------ */

/* Resolves an indicator option (key) to a dataset id; -1 when unset.
 * Unknown → AMPEL_E_USAGE "NAME: unbekannte Kennzahl 'K' (siehe 'ampel list
 * indicators')". */
AMPEL_WUR ampel_status ampel_analysis_indicator(const ampel_dataset *ds,
                                                const ampel_query *q,
                                                ampel_opt_id id, long *out,
                                                ampel_diags *diags);

/* Selection from the level, period and indicators options; one_key (may
 * be NULL) instead of the indicators option. Without a period option the
 * selection is "Stand je Kennzahl" (ampel_select_latest; the option stand
 * limits it); with one, every indicator at that period. Release with
 * ampel_selection_release (also on error). */
AMPEL_WUR ampel_status ampel_analysis_select(const ampel_dataset *ds,
                                             const ampel_query *q,
                                             const char *one_key,
                                             ampel_selection *out,
                                             ampel_diags *diags);
/* The selection of the Ampel and the heatmap (issue 12): as
 * ampel_analysis_select, but without indicators option the ones with
 * `shown` NO (chosen on /daten/kennzahlen) are left out. Named
 * indicators are always taken. The one place that decides it: CLI, API,
 * pages and report all ask lights and heatmap through it. */
AMPEL_WUR ampel_status ampel_analysis_select_shown(const ampel_dataset *ds,
                                                   const ampel_query *q,
                                                   ampel_selection *out,
                                                   ampel_diags *diags);
/* The same with one period for all indicators (the newest with values
 * when no period option is given): for questions that compare
 * indicators within one period, such as correlations. */
AMPEL_WUR ampel_status ampel_analysis_select_strict(const ampel_dataset *ds,
                                                    const ampel_query *q,
                                                    const char *one_key,
                                                    ampel_selection *out,
                                                    ampel_diags *diags);

/* Competition ranks of v[0..n-1]: 1 = most favourable (the highest, the
 * lowest for higher_is_worse); equal values share a rank. NaN values and
 * rows with skip[i] != 0 (skip may be NULL) get 0. out_order (may be NULL)
 * receives the rows by rank, unranked last. Returns the number ranked;
 * (size_t)-1 when out of memory. */
size_t ampel_analysis_ranks(const double *v, const unsigned char *skip,
                            size_t n, ampel_polarity pol, size_t *out_rank,
                            size_t *out_order);

#ifdef __cplusplus
}
#endif
#endif
