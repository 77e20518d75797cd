/* ampel/analysis/correlate.h - the question "Wechselwirkungen": the
 * correlations between the indicators of a level (METHODS.md §8), the
 * order of the matrix (clustering on 1 - r) and the pair for the scatter
 * plot. Used by `ampel correlate`, `ampel chart scatter` and the page
 * /wechselwirkungen.
 *
 * Universe rule (decided here, issue 10): correlations are computed on the
 * universe, so an area below the minimum population is no observation of
 * any pair: it is shown elsewhere but not rated, and here it is neither a
 * point of the scatter plot nor part of any r, n or p. n_small says how
 * many areas of the level were left out for that reason.
 *
 * Options read from the query: level, period, indicators, method
 * (AMPEL_OPT_CORR_METHOD), x, y, min-population.
 */
#ifndef AMPEL_ANALYSIS_CORRELATE_H
#define AMPEL_ANALYSIS_CORRELATE_H

#include "ampel/analysis.h"
#include "ampel/select.h"
#include "ampel/stats.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ampel_correlation_answer {
  const ampel_dataset *ds; /* the dataset as shown (borrowed) */
  ampel_selection sel;     /* level, period, areas, indicators (k columns) */
  ampel_corr_method method;
  size_t k;                /* = sel.n_inds */
  double *values;          /* k columns of sel.n_areas universe values:
                              column j at values + j * sel.n_areas; NaN for
                              no value, secret or a small area */
  ampel_corr *m;           /* k x k, row-major (ampel_corr_matrix) */
  size_t *order;           /* k column ids: the matrix order (average
                              linkage on 1 - r, dendrogram leaf order) */
  size_t x, y;             /* columns of the scatter pair: the x and y
                              options, else the strongest |r| */
  size_t n_small;          /* areas of the level left out as too small */
  const char *footer;      /* data stamp + disclosure note (borrowed) */
} ampel_correlation_answer;

/* Answers the question. Unknown level/period/indicator (also x, y) →
 * AMPEL_E_USAGE with a German message naming the option; fewer than two
 * indicators → AMPEL_E_DATA; AMPEL_E_NOMEM. On error *out is released.
 * The answer borrows from the context: free it first. */
AMPEL_WUR ampel_status ampel_analyse_correlation(
    const ampel_context *ctx, const ampel_query *q,
    ampel_correlation_answer *out, ampel_diags *diags);
void ampel_correlation_answer_release(ampel_correlation_answer *a);

/* The pair of columns i, j (any order). */
const ampel_corr *ampel_correlation_at(const ampel_correlation_answer *a,
                                       size_t i, size_t j);

/* ---- output (src/render/correlate_out.c) -------------------------------- */

/* CSV of METHODS.md §8: `a,b,method,r,n,p`, one row per pair i < j in
 * selection order, '.' decimals, empty cells for missing numbers. */
void ampel_correlation_write_csv(const ampel_correlation_answer *a,
                                 ampel_buf *out);

/* The clustered heat table (ampel_chart_corr_matrix) in the answer's order
 * with the default title, description and footer. */
AMPEL_WUR ampel_status ampel_correlation_write_svg(
    const ampel_correlation_answer *a, ampel_buf *out);

#ifdef __cplusplus
}
#endif
#endif
