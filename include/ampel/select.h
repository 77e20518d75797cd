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

typedef struct ampel_selection {
  const char *level; /* borrowed from the dataset */
  size_t period;     /* period id */
  long prev_period;  /* the latest earlier period with values, or -1 */
  long root;         /* the root area (reference), or -1 */
  size_t *areas;     /* area ids of the level, dataset order */
  size_t n_areas;
  size_t *inds; /* indicator ids */
  size_t n_inds;
} ampel_selection;

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

/* Row-major n_areas × n_inds matrix of the values at `period` (NaN where
 * there is no usable value). Caller frees with ampel_free. */
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
