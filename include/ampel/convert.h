/* convert.h - values of new areas before a boundary reform, from the old
 * areas by a conversion key (umschluessel.csv, METHODS.md §11).
 *
 * A key row (old, new, s) says that share s of the old area went to the
 * new one. For a period t in which the new area N is not valid (columns
 * Gültig_ab/Gültig_bis, ampel_area_valid_at) but all its old areas are,
 * and N has no imported value, N's value of an indicator is:
 *  - Anzahl: Σ s · x_old;
 *  - a rate whose old cells all carry numerator and denominator:
 *    scale · Σ s · num / Σ s · den (scale = x / (num / den) of the old
 *    cells, e.g. 100), numerator and denominator kept;
 *  - another rate: Σ s · pop · x / Σ s · pop with pop the old areas'
 *    population (when one lacks it: Σ s · x / Σ s).
 * Only when every old area of N has a value. */
#ifndef AMPEL_CONVERT_H
#define AMPEL_CONVERT_H

#include <stddef.h>

#include "ampel/dataset.h"
#include "ampel/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One old area's contribution to a new area's cell. */
typedef struct ampel_convert_in {
  double share;    /* of the old area going to the new one */
  double value;    /* NaN: no value, so the new cell gets none */
  double num, den; /* NaN when not given */
  double pop;      /* population of the old area, NaN when unknown */
} ampel_convert_in;

/* The converted value of one cell from n old cells (formulas above); NaN
 * when an old cell has no value or a denominator sums to 0. *num / *den
 * (may be NULL) get the summed numerator and denominator of a rate that
 * has them, else NaN. */
double ampel_convert_cell(ampel_ind_kind kind, const ampel_convert_in *in,
                          size_t n, double *num, double *den);

/* Which cells the conversion filled. */
typedef struct ampel_converted ampel_converted;
void ampel_converted_free(ampel_converted *c);
/* 1 when cell (area, ind, period) holds a converted value. */
int ampel_converted_is(const ampel_converted *c, size_t area, size_t ind,
                       size_t period);
/* How many cells were converted. */
size_t ampel_converted_count(const ampel_converted *c);

/* Fills, in place, every cell of a new area the rules above give a value
 * (before ampel_dataset_derive, so that formulas and sums see them). Key
 * rows naming an unknown area are reported in diags (warning) and skipped.
 * *out (may be NULL) gets the converted cells. AMPEL_E_NOMEM. */
ampel_status ampel_dataset_convert(ampel_dataset *ds, ampel_converted **out,
                                   ampel_diags *diags);

#ifdef __cplusplus
}
#endif

#endif
