/* formula.h - indicators computed from other indicators (METHODS.md §10):
 * the formula language of the column Formel and the derivation of formula
 * and sum indicators on every level.
 *
 * A formula is `+ - * /`, parentheses, numbers (`100`, `0.5`, `0,5`) and
 * indicator keys (letters, digits, `_`, `.`, and any non-ASCII letter; a
 * key with other characters in double quotes: `"sgb-2"`), e.g.
 * `100 * sfb_kinder / untersuchte_kinder`. */
#ifndef AMPEL_FORMULA_H
#define AMPEL_FORMULA_H

#include <stddef.h>

#include "ampel/dataset.h"
#include "ampel/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Formulas longer than this are refused (a formula is a cell). */
#define AMPEL_FORMULA_MAX 2048

typedef struct ampel_formula ampel_formula;

/* Parses text. On success *out is a new formula (ampel_formula_free).
 * On a syntax error returns AMPEL_E_DATA, writes a German message to
 * msg (e.g. "')' erwartet, gefunden: Ende der Formel") and the 0-based
 * byte offset of the problem to *pos. AMPEL_E_NOMEM. */
ampel_status ampel_formula_parse(const char *text, ampel_formula **out,
                                 char *msg, size_t msg_size, size_t *pos);
void ampel_formula_free(ampel_formula *f);

/* The distinct indicator keys the formula reads, in order of appearance. */
size_t ampel_formula_n_inputs(const ampel_formula *f);
const char *ampel_formula_input(const ampel_formula *f, size_t k);

/* Evaluates with in[k] the value of input k. NaN when an input is NaN or
 * a division by zero occurs. When the formula is a ratio (`A / B`, also
 * times or divided by a constant), *num and *den (either may be NULL) get
 * A and B; otherwise NaN. */
double ampel_formula_eval(const ampel_formula *f, const double *in, double *num,
                          double *den);

/* Where a derived cell came from (ampel_dataset_derive). */
typedef enum ampel_origin {
  AMPEL_ORIGIN_NONE = 0,     /* no value */
  AMPEL_ORIGIN_IMPORTED = 1, /* as imported */
  AMPEL_ORIGIN_FORMULA = 2,  /* the formula on the area's own inputs */
  AMPEL_ORIGIN_SUM = 3,      /* from the areas below (sum or formula on
                                summed inputs) */
  AMPEL_ORIGIN_CONVERTED = 4 /* from the old areas of a boundary reform
                                (convert.h; ampel_context_origin) */
} ampel_origin;

/* Origins of the derived indicators' cells, for outputs and disclosure. */
typedef struct ampel_derived ampel_derived;
void ampel_derived_free(ampel_derived *d);
/* The origin of a cell; IMPORTED for indicators that derive nothing. */
ampel_origin ampel_derived_origin(const ampel_derived *d, size_t area,
                                  size_t ind, size_t period);
/* How many cells were computed and aggregated. */
size_t ampel_derived_count(const ampel_derived *d, ampel_origin o);

/* Fills, in place, every cell without an imported observation:
 *  - a formula indicator (Formel) for every area and period where all its
 *    inputs have a value (numerator and denominator kept for a ratio);
 *  - on an area with children, with aggregation Formel (the default for
 *    formula indicators): the formula on the inputs summed over the
 *    children of one level (the level most children have), recursively,
 *    when every child has them; with Summe: the indicator's own values
 *    summed likewise (for formula and for plain indicators);
 *  - with keine: nothing beyond the area's own inputs.
 * An imported value always wins. A formula whose input is unknown or is
 * itself a formula indicator is reported in diags (warning) and skipped.
 * *out (may be NULL) gets the origins. Errors: AMPEL_E_NOMEM. */
ampel_status ampel_dataset_derive(ampel_dataset *ds, ampel_derived **out,
                                  ampel_diags *diags);

/* After disclosure control: a computed cell (origin FORMULA) whose input
 * cell on the same area is suppressed (flag ".") is suppressed too.
 * Returns how many cells it suppressed. */
size_t ampel_derived_suppress(ampel_dataset *ds, const ampel_derived *d);

#ifdef __cplusplus
}
#endif

#endif
