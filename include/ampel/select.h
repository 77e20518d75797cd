/* ampel/select.h - choosing what a computation looks at: a level, a period
 * and a set of indicators, with the defaults every command shares.
 *
 * Defaults (docs/cli.md):
 *  - level: the level whose areas have values for the most indicators (at
 *    the chosen or latest period); on a tie the finer level. For a city
 *    with Stadtteile and schools this is the Stadtteil level when more
 *    indicators exist per Stadtteil.
 *  - period: the latest period with any value at that level.
 *  - indicators: all indicators with at least one value there, in dataset
 *    order.
 */
#ifndef AMPEL_SELECT_H
#define AMPEL_SELECT_H

#include <stddef.h>

#include "ampel/dataset.h"
#include "ampel/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Values an indicator needs on a level for its period to count as its
 * newest (METHODS.md §9: at least 3 areas). */
#define AMPEL_SELECT_MIN_AREAS 3

typedef struct ampel_selection {
  const char *level; /* borrowed from the dataset */
  size_t period;     /* period id; per indicator: the newest of col_period */
  long prev_period;  /* the latest earlier period with values, or -1 */
  long root;         /* the root area (reference), or -1 */
  size_t *areas;     /* area ids of the level, dataset order */
  size_t n_areas;
  size_t *inds; /* indicator ids */
  size_t n_inds;
  size_t *col_period; /* n_inds: the period of each indicator */
  int per_indicator;  /* 1: "Stand je Kennzahl", each its newest period */
} ampel_selection;

/* The period of indicator column j of a selection. */
static inline size_t ampel_selection_period(const ampel_selection *s,
                                            size_t j) {
  return s->col_period ? s->col_period[j] : s->period;
}

/* Resolve a selection. level, period may be NULL (defaults); ind_keys may
 * be NULL with n_keys 0 (all indicators with values). Unknown names give
 * AMPEL_E_USAGE with a German message naming what exists. Caller releases
 * with ampel_selection_release(); after an error nothing is held (a release
 * then is harmless). */
ampel_status ampel_select(const ampel_dataset *ds, const char *level,
                          const char *period, const char *const *ind_keys,
                          size_t n_keys, ampel_selection *out,
                          ampel_diags *diags) AMPEL_WUR;
void ampel_selection_release(ampel_selection *s);

/* "Stand je Kennzahl" (METHODS.md §9): like ampel_select without a period,
 * but each indicator gets its own newest period with at least
 * AMPEL_LIGHT_MIN_AREAS values on the level (or, when it never has as
 * many, its newest with any), not after period `stand` when stand is not
 * NULL. Indicators chosen by key that have no value on the level at all
 * are an error; without keys they are left out. The level default counts
 * indicators with values in any period. */
ampel_status ampel_select_latest(const ampel_dataset *ds, const char *level,
                                 const char *stand, const char *const *ind_keys,
                                 size_t n_keys, ampel_selection *out,
                                 ampel_diags *diags) AMPEL_WUR;

/* Row-major n_areas × n_inds matrix of the values at `period`, or with
 * AMPEL_SEL_COLUMN_PERIODS each column at its own period
 * (ampel_selection_period); NaN where there is no usable value. Caller
 * frees with ampel_free. */
#define AMPEL_SEL_COLUMN_PERIODS ((size_t)-1)
ampel_status ampel_selection_matrix(const ampel_dataset *ds,
                                    const ampel_selection *s, size_t period,
                                    double **out) AMPEL_WUR;

/* 1 when the area has a usable value for indicator `ind` at `period`.
 * (src/model/results.c) */
int ampel_has_value(const ampel_dataset *ds, size_t area, size_t ind,
                    size_t period);

#ifdef __cplusplus
}
#endif
#endif
