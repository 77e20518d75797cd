/* ampel/analysis/lights.h - the question "Ampel": status and trend lights
 * of every area x indicator of a level (METHODS.md §3), with the universe
 * rule (§0/§7), the ranking for "Wo genauer hinsehen?" and the reason why
 * an area is not rated. Used by `ampel lights`, /api/v1/lights, the
 * overview page, the report and the XLSX export.
 *
 * Options read from the query: level, period, indicators, since, band,
 * status-method, reference, min-population. (The palette is the
 * renderer's business: ampel_palette_find(the palette option).)
 */
#ifndef AMPEL_ANALYSIS_LIGHTS_H
#define AMPEL_ANALYSIS_LIGHTS_H

#include "ampel/analysis.h"
#include "ampel/lights.h"
#include "ampel/select.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ampel_lights_answer {
  const ampel_dataset *ds;   /* the dataset as shown (borrowed) */
  ampel_selection sel;       /* level, period, areas, indicators */
  ampel_lights lights;       /* rows = sel.areas; computed on the universe;
                                a small area keeps its value, its lights
                                are none */
  ampel_out_reason *reason;  /* per row: RATED, SMALL or MISSING (no value
                                of any selected indicator) */
  size_t *order;             /* n rows: most critical first (Hinsehen) */
  size_t n_status[4];        /* count of good, average, critical, none */
  const char *footer;        /* data stamp + disclosure note (borrowed);
                                with AMPEL_DE_CONVERTED_NOTE when converted */
  int converted;             /* a shown cell or a development's earlier cell is
                                converted (METHODS.md §11) */
} ampel_lights_answer;

/* Answers the question. Bad options (unknown level/period/indicator,
 * `since` not before the period) give AMPEL_E_USAGE with a German message
 * "since: …" naming the option; AMPEL_E_NOMEM. On error *out is released.
 * The answer borrows from the context: free it first. */
AMPEL_WUR ampel_status ampel_analyse_lights(const ampel_context *ctx,
                                            const ampel_query *q,
                                            ampel_lights_answer *out,
                                            ampel_diags *diags);
void ampel_lights_answer_release(ampel_lights_answer *a);

/* One positive development: a cell whose trend is "besser". */
typedef struct ampel_positive {
  size_t row; /* lights row */
  size_t col; /* lights column */
} ampel_positive;

/* "Welche Entwicklung ist positiv?": every cell of a rated area with trend
 * BETTER, ranked by trend score (largest first; ties: table order).
 * *out (ampel_free) gets *n entries; AMPEL_E_NOMEM. */
AMPEL_WUR ampel_status ampel_lights_positive(const ampel_lights_answer *a,
                                             ampel_positive **out,
                                             size_t *n);

/* Resolves a period option (the label as given or in any accepted
 * spelling, e.g. "2023/24") to a period id; -1 when the option is unset.
 * Unknown → AMPEL_E_USAGE "NAME: unbekannter Zeitraum 'X' (vorhanden: …)".
 * Shared by every question. */
AMPEL_WUR ampel_status ampel_analysis_period(const ampel_dataset *ds,
                                             const ampel_query *q,
                                             ampel_opt_id id, long *out,
                                             ampel_diags *diags);

/* Splits the indicators option into keys (NULL, 0 when unset). The keys
 * point into *out_copy; free both with ampel_free. Empty items →
 * AMPEL_E_USAGE. */
AMPEL_WUR ampel_status ampel_analysis_keys(const ampel_query *q,
                                           ampel_opt_id id, char ***out_keys,
                                           size_t *out_n, char **out_copy,
                                           ampel_diags *diags);

#ifdef __cplusplus
}
#endif
#endif
