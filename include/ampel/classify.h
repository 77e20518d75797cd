/* ampel/classify.h - class breaks for maps (choropleth classes).
 *
 * Breaks are k+1 ascending values b[0] <= ... <= b[k]; class i holds the
 * values b[i] <= v < b[i+1], the last class also v == b[k]. Missing values
 * (NaN, +-Inf) are skipped. Pure functions, no state.
 */
#ifndef AMPEL_CLASSIFY_H
#define AMPEL_CLASSIFY_H

#include <stddef.h>

#include "ampel/error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define AMPEL_CLASS_MAX 12 /* most classes a legend can show */

typedef enum ampel_class_method {
  AMPEL_CLASS_QUANTILE = 0, /* equal counts; R's quantile type 7 */
  AMPEL_CLASS_EQUAL = 1,    /* equal intervals between min and max */
  AMPEL_CLASS_JENKS = 2,    /* natural breaks (Fisher-Jenks, exact) */
  AMPEL_CLASS_SD = 3,       /* one-SD wide classes centred on the mean */
  AMPEL_CLASS_MANUAL = 4    /* breaks given by the user */
} ampel_class_method;

typedef struct ampel_class_opts {
  ampel_class_method method;
  size_t k;                      /* classes wanted (2..AMPEL_CLASS_MAX) */
  double manual[AMPEL_CLASS_MAX + 1]; /* MANUAL: inner breaks, ascending */
  size_t n_manual;
  /* Diverging: when finite, the classes are symmetric around it (EQUAL:
   * equal steps out from the reference; SD: centred on it; QUANTILE,
   * JENKS: the reference is added as a break). NaN: not diverging. */
  double reference;
} ampel_class_opts;

/* "quantile" (also "quantil"), "equal" ("gleich"), "jenks" ("natural"),
 * "sd" ("stdabw"), "manual". Static string for the name. */
const char *ampel_class_method_name(ampel_class_method m);

/* Parses "METHOD:N" (e.g. "quantile:5", "jenks:4") or
 * "manual:B1,B2,..." (decimal point or comma-free numbers). Sets
 * reference to NaN. AMPEL_E_USAGE with a German message in diags. */
ampel_status ampel_class_parse(const char *spec, ampel_class_opts *out,
                               ampel_diags *diags) AMPEL_WUR;

/* Computes the breaks of x[0..n-1] into out_breaks (room for
 * AMPEL_CLASS_MAX + 2 values); *out_k receives the number of classes,
 * which may be smaller than asked when values repeat (equal breaks are
 * merged). AMPEL_E_DATA when there is no value; AMPEL_E_USAGE for bad
 * options; AMPEL_E_NOMEM. */
ampel_status ampel_class_breaks(const double *x, size_t n,
                                const ampel_class_opts *o,
                                double *out_breaks,
                                size_t *out_k) AMPEL_WUR;

/* Class of v (0..k-1), or -1 for a missing v. Values below b[0] go to
 * class 0, above b[k] to class k-1. A lookup, not a method: defined in
 * src/model/results.c so that renderers may use it. */
int ampel_class_of(double v, const double *breaks, size_t k);

#ifdef __cplusplus
}
#endif
#endif
