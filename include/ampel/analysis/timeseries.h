/* ampel/analysis/timeseries.h - the question "Verlauf": one indicator over
 * every period for all areas of a level, with the reference of each period
 * (METHODS.md §1: the root area's own value, else Σnum/Σden or the mean
 * over the rated areas). Used by `ampel chart timeseries` and the
 * indicator page /kennzahl/KEY, so both draw the same "Gesamtstadt" line.
 *
 * Options read from the query: level, indicator (default: the first with
 * values at the level), min-population (small areas keep their line but
 * are not part of any period's reference).
 */
#ifndef AMPEL_ANALYSIS_TIMESERIES_H
#define AMPEL_ANALYSIS_TIMESERIES_H

#include "ampel/analysis.h"
#include "ampel/select.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ampel_timeseries_answer {
  const ampel_dataset *ds;  /* as shown (borrowed) */
  ampel_selection sel;      /* level and its areas; inds[0] = the indicator */
  size_t ind;               /* dataset indicator id */
  size_t n_periods;         /* every period of the dataset */
  const char **labels;      /* n_periods labels (borrowed from ds) */
  double *values;           /* sel.n_areas × n_periods, as shown; NaN none */
  double *reference;        /* n_periods; NaN where no reference */
  ampel_out_reason *reason; /* per area: RATED or SMALL */
  const char *footer;       /* data stamp + disclosure note (borrowed) */
} ampel_timeseries_answer;

/* Answers the question. Errors: AMPEL_E_USAGE for a bad option (unknown
 * level or indicator), AMPEL_E_DATA without an indicator with values,
 * AMPEL_E_NOMEM. On error *out is released. */
AMPEL_WUR ampel_status ampel_analyse_timeseries(const ampel_context *ctx,
                                                const ampel_query *q,
                                                ampel_timeseries_answer *out,
                                                ampel_diags *diags);
void ampel_timeseries_answer_release(ampel_timeseries_answer *a);

#ifdef __cplusplus
}
#endif
#endif
