/* ampel/analysis/heatmap.h - the question "Heatmap": the clustered,
 * scaled matrix areas x indicators of a level (METHODS.md §2) with the
 * universe rule (§0/§7). Used by `ampel heatmap`, /api/v1/heatmap, the
 * overview page and the report.
 *
 * Options read from the query: level, period, indicators, cluster,
 * linkage, reference, min-population; tree (when set, the area tree is
 * computed even if areas are not clustered). The palette is the
 * renderer's business.
 *
 * The universe rule: the matrix, the scaling (min/max), the reference
 * values and the clustering are computed on the universe
 * (ampel_context_universe_for), so an area with a known population below
 * min-population is part of nobody's scaling or clustering. Such an area
 * is not drawn: like an area without any value of the selection it is
 * listed as "out" (hm.dropped) with its reason, AMPEL_REASON_SMALL
 * ("zu wenige Einwohner") or AMPEL_REASON_MISSING ("kein Wert"); the
 * picture names them under the cells, the JSON lists them in "dropped"
 * with "out".
 */
#ifndef AMPEL_ANALYSIS_HEATMAP_H
#define AMPEL_ANALYSIS_HEATMAP_H

#include "ampel/analysis.h"
#include "ampel/heatmap.h"
#include "ampel/select.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ampel_heatmap_answer {
  const ampel_dataset *ds; /* the dataset as shown (borrowed; names) */
  ampel_selection sel;     /* level, period, areas, indicators */
  ampel_heatmap hm;        /* computed on the universe */
  ampel_out_reason *reason; /* per hm.dropped: SMALL or MISSING */
  const char **reason_de;   /* per hm.dropped: ampel_out_reason_de() */
  const char *footer;       /* data stamp + disclosure note (borrowed);
                               with AMPEL_DE_CONVERTED_NOTE when converted */
  int converted;            /* a shown cell is converted (METHODS.md §11) */
} ampel_heatmap_answer;

/* Answers the question. Bad options (unknown level/period/indicator) give
 * AMPEL_E_USAGE with a German message naming the option; fewer than 2
 * areas with values or an undefined distance give AMPEL_E_DATA (message
 * in diags); AMPEL_E_NOMEM. On error *out is released. The answer
 * borrows from the context: free it first. */
AMPEL_WUR ampel_status ampel_analyse_heatmap(const ampel_context *ctx,
                                             const ampel_query *q,
                                             ampel_heatmap_answer *out,
                                             ampel_diags *diags);
void ampel_heatmap_answer_release(ampel_heatmap_answer *a);

#ifdef __cplusplus
}
#endif
#endif
