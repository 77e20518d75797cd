/* ampel/analysis/profile.h - the question "Gebietsprofil": every indicator
 * of an area's level with the area's value, the reference, its rank among
 * the rated areas, status and trend (from the lights answer, so they agree
 * with the overview and `ampel lights`), and why the area is not rated.
 * Used by /gebiet/KEY; designed so that the report's profile page can be
 * drawn from it too.
 *
 * Options read from the query: period, since, min-population (and those
 * of the lights question); the level is the area's own. A `since` that is
 * not before the period is ignored here (the profile then shows each
 * indicator's default comparison) instead of being an error, because the
 * profile's form offers every period.
 */
#ifndef AMPEL_ANALYSIS_PROFILE_H
#define AMPEL_ANALYSIS_PROFILE_H

#include "ampel/analysis/lights.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ampel_profile_row {
  size_t ind;       /* dataset indicator id */
  size_t col;       /* column in lights */
  double value;     /* the area's value as shown (NaN: none) */
  double reference; /* the reference of the column */
  size_t rank;      /* 1 = most favourable rated value; 0 = not ranked */
  size_t n_ranked;  /* areas ranked in this column */
  const ampel_lights_cell *cell; /* status, trend, certainty (borrowed) */
} ampel_profile_row;

typedef struct ampel_profile_answer {
  const ampel_dataset *ds;    /* the dataset as shown (borrowed) */
  size_t area;                /* dataset area id */
  ampel_lights_answer lights; /* the area's level; valid when rows */
  long row;                   /* the area's row in lights, -1 */
  ampel_out_reason reason;    /* RATED, SMALL or MISSING */
  ampel_profile_row *rows;    /* n_rows, one per lights column */
  size_t n_rows;
  size_t n_good, n_critical, n_better, n_worse;
  char message[512];  /* when there are no rows: why (German) */
  const char *footer; /* data stamp + disclosure note (borrowed) */
} ampel_profile_answer;

/* Answers the question for a dataset area. A level without values is no
 * error: the answer then has no rows and a message. Bad options (unknown
 * period) → AMPEL_E_USAGE; AMPEL_E_NOMEM. On error *out is released. */
AMPEL_WUR ampel_status ampel_analyse_profile(const ampel_context *ctx,
                                             const ampel_query *q, size_t area,
                                             ampel_profile_answer *out,
                                             ampel_diags *diags);
void ampel_profile_answer_release(ampel_profile_answer *a);

/* The ranks of every area in every column of a lights answer, as the
 * profile, the indicator page and the report show them: competition ranks
 * among the rated areas (1 = most favourable; small areas and areas
 * without a value get 0). out_rank: n_areas × n_cols, row-major; out_n:
 * n_cols, how many areas each column ranks. Errors: AMPEL_E_NOMEM. */
AMPEL_WUR ampel_status ampel_lights_ranks(const ampel_lights_answer *a,
                                          size_t *out_rank, size_t *out_n);

#ifdef __cplusplus
}
#endif
#endif
