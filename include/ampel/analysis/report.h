/* ampel/analysis/report.h - the question behind the council report
 * (report.h, docs/berichte.md): the Ampel and the heatmap of one level
 * and period exactly as `ampel lights` and `ampel heatmap` answer them
 * (same defaults, same universe: small areas are shown but not rated),
 * which areas get a profile page, and what the appendix says about
 * disclosure control. The renderer (src/render/report*.c) only draws it.
 *
 * Options read from the query: level, period, areas (profiles only for
 * these keys of the level), budget and weight (the allocation table of the
 * Bedarf section; without a budget the section has the need index only). The
 * universe is the context's; the spatial patterns use the defaults of `ampel
 * lisa` (999 permutations, seed 1, alpha 0.05).
 */
#ifndef AMPEL_ANALYSIS_REPORT_H
#define AMPEL_ANALYSIS_REPORT_H

#include "ampel/analysis/correlate.h"
#include "ampel/analysis/heatmap.h"
#include "ampel/analysis/lights.h"
#include "ampel/analysis/lisa.h"
#include "ampel/analysis/need.h"
#include "ampel/geo.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One Handlungsfeld on the map: per lights row the mean status score of
 * the field's rated indicators and the status that mean has by the lights'
 * band (the same rule as one indicator's status). */
typedef struct ampel_report_field {
  const char *name;    /* the indicators' Handlungsfeld (borrowed), or
                          "ohne Handlungsfeld" */
  size_t n_inds;       /* lights columns with a direction in the field */
  double *score;       /* per lights row; NaN when no indicator rates it */
  ampel_light *status; /* per lights row */
} ampel_report_field;

#define AMPEL_REPORT_FIELDS_MAX 12

typedef struct ampel_report_answer {
  const ampel_dataset *ds;      /* as shown (borrowed) */
  const ampel_dataset *uni;     /* the universe: ranks among rated areas
                                   (borrowed) */
  ampel_lights_answer lights;   /* lights.sel is the report's selection */
  ampel_heatmap_answer heatmap; /* valid when heatmap_ok */
  size_t *rank;                 /* lights rows × cols: the profiles' ranks
                                   (ampel_lights_ranks), 0 = none */
  size_t *n_ranked;             /* per lights column: areas ranked */
  int heatmap_ok;
  char heatmap_why[256];   /* German reason when !heatmap_ok */
  unsigned char *profile;  /* per dataset area: 1 = gets a profile page */
  unsigned char *is_count; /* per dataset indicator: 1 = a count that
                              disclosure control suppresses */
  int has_tiles;           /* some area of the level has a tile position */
  ampel_disclosure_opts disclosure;  /* the settings in force */
  ampel_disclosure_stats suppressed; /* what they did */
  const char *stamp;                 /* "Datenstand …" or "" (borrowed) */
  const char *note;                  /* the disclosure note (borrowed),
                                        with the conversion note when values
                                        of a boundary reform are shown */
  char note_conv[600];
  const char *root_name;             /* name of the whole city, or NULL */
  /* Spatial patterns (METHODS.md §12), only when the level has shapes
   * (the context loaded with AMPEL_CTX_GEOMETRY): the global Moran's I of
   * every indicator as `ampel lisa --global` answers it, and the cluster
   * maps (`ampel lisa`) of the first AMPEL_REPORT_LISA_MAPS indicators
   * whose pattern is significant (p <= alpha, I above its expectation). */
  int lisa_ok;
  ampel_lisa_answer lisa;
  ampel_lisa_answer *lisa_maps;
  size_t n_lisa_maps;
  /* Maps (issue 13), only when areas of the level have shapes: the shape
   * of every lights row (NULL when it has none; borrowed from the
   * context's geometry) and the Handlungsfelder (directed indicators
   * only, at most AMPEL_REPORT_FIELDS_MAX, in the order of their first
   * indicator). */
  const ampel_shape **shape;
  size_t n_shapes;
  ampel_report_field *fields;
  size_t n_fields;
  /* Wechselwirkungen (METHODS.md §8) as `ampel correlate` answers them, at
   * the period given, else the period in which most indicators have
   * values (the newest of those): correlations stay within one period. */
  int corr_ok;
  char corr_why[256];
  ampel_correlation_answer corr;
  /* Bedarf: the weighted need index (METHODS.md §5) with the defaults of
   * `ampel index --method weighted`, and with a budget the allocation
   * (§6) as `ampel allocate --budget B [--weight K]` answers it. */
  int need_ok;
  char need_why[256];
  ampel_index_answer need;
  int alloc_ok; /* 0 also when no budget was given */
  char alloc_why[256];
  ampel_allocation_answer alloc;
} ampel_report_answer;

#define AMPEL_REPORT_LISA_MAPS 4

/* Answers the question. Errors: those of ampel_analyse_lights;
 * AMPEL_E_USAGE "areas: unbekanntes Gebiet 'X'" or an area of another
 * level; AMPEL_E_DATA when the level has fewer than 2 areas;
 * AMPEL_E_NOMEM. A heatmap that cannot be computed is not an error. On
 * error *out is released. The answer borrows from the context. */
AMPEL_WUR ampel_status ampel_analyse_report(const ampel_context *ctx,
                                            const ampel_query *q,
                                            ampel_report_answer *out,
                                            ampel_diags *diags);
void ampel_report_answer_release(ampel_report_answer *a);

#ifdef __cplusplus
}
#endif
#endif
