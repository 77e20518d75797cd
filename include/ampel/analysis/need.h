/* ampel/analysis/need.h - the questions "Bedarf": the status and dynamics
 * index (--method mss, METHODS.md §4), the weighted need index with levels
 * (--method weighted, §5), its weight sensitivity and the needs-based
 * allocation of a budget (§6). Used by `ampel index`, `ampel allocate`,
 * /api/v1/index, /api/v1/allocation and the page /bedarf.
 *
 * Policy decided here, once (docs/bedarf.md):
 *  - Universe: the areas of the level with every index value; areas whose
 *    population is known and below min_population (the query's, else the
 *    database setting, default 300: ampel_context_min_population) are shown
 *    but not rated (AMPEL_REASON_SMALL, "zu wenige Einwohner"); areas with a
 *    missing value are AMPEL_REASON_INCOMPLETE ("unvollständig").
 *  - Indicators (weighted) when the query names none: every indicator with
 *    a direction (not neutral) that has a value for every area of the level
 *    in the period; when there is none, every such indicator with values.
 *  - Allocation: an area that is out of the index (SMALL, INCOMPLETE) or
 *    has no value of the weight indicator (AMPEL_REASON_NO_WEIGHT, "kein
 *    Gewicht") gets no amount; the budget goes to the others. The answer
 *    lists these areas with their reason, and every front-end names them
 *    (the CLI on stderr, the page and the JSON in "out"): never silent,
 *    never a hard failure. Only when no area is left is it an error.
 *
 * Options read from the query:
 *  index: method, level, period, min-population; mss: status, dynamics;
 *         weighted: indicators (K:W), levels, top-share, level-method,
 *         sensitivity, seed.
 *  allocation: those of weighted plus budget, base-share, weight, need,
 *         unit, floor, cap, amount-label.
 * Options of the other method refused with AMPEL_E_USAGE ("levels: gehört
 * zu method=weighted").
 *
 * Answers borrow from the context (and the index file): free them first.
 */
#ifndef AMPEL_ANALYSIS_NEED_H
#define AMPEL_ANALYSIS_NEED_H

#include "ampel/analysis.h"
#include "ampel/need.h"

#ifdef __cplusplus
extern "C" {
#endif

enum { AMPEL_INDEX_WEIGHTED = 0, AMPEL_INDEX_MSS = 1 };

typedef struct ampel_index_answer {
  const ampel_dataset *ds;  /* the dataset as shown (borrowed) */
  const ampel_geoset *geo;  /* shapes, or NULL (borrowed) */
  int method;               /* AMPEL_INDEX_* */
  const ampel_need_frame *frame; /* level, period, areas, indicators */
  ampel_need_table need;    /* weighted (zeroed for mss) */
  ampel_mss_table mss;      /* mss (zeroed for weighted) */
  ampel_keylist keys;       /* the indicators as used (weighted) */
  double min_population;    /* in force */
  ampel_out_reason *reason; /* per frame row: RATED, SMALL or INCOMPLETE */
  const char **reason_de;   /* per row: ampel_out_reason_de(reason) */
  const char **class_de;    /* mss per row: status label ("" when out) */
  const char **dyn_de;      /* mss per row: dynamics label ("" when out) */
  size_t n_rated, n_small, n_incomplete;
  /* sensitivity (weighted, runs > 0) */
  size_t sens_runs;
  unsigned long long seed;
  ampel_sensitivity_result sens; /* rows = frame rows */
  size_t sens_robust_top;  /* areas at the top level in every run */
  size_t n_top;            /* areas at the top level with the weights */
  const char *footer;      /* data stamp + disclosure note (borrowed) */
} ampel_index_answer;

/* Answers the index question. Errors: AMPEL_E_USAGE ("status: …" naming
 * the option) for missing or conflicting options and unknown names;
 * AMPEL_E_DATA when the data do not allow an index; AMPEL_E_NOMEM. On
 * error *out is released. */
AMPEL_WUR ampel_status ampel_analyse_index(const ampel_context *ctx,
                                           const ampel_query *q,
                                           ampel_index_answer *out,
                                           ampel_diags *diags);
void ampel_index_answer_release(ampel_index_answer *a);

typedef struct ampel_allocation_answer {
  const ampel_dataset *ds;   /* borrowed */
  ampel_index_answer index;  /* the need index (zeroed with a file) */
  const char *index_path;    /* the index file's name, or NULL */
  const char *level;         /* borrowed */
  size_t period;             /* the chosen period (weight period rule) */
  size_t n;                  /* rows: the level's areas (or the file's) */
  size_t *areas;             /* n dataset ids */
  double *need;              /* n; level or score as read; NaN when out */
  double *weight;            /* n; NaN when missing */
  ampel_out_reason *reason;  /* n; RATED = has an amount */
  const char **reason_de;    /* n; "" when rated */
  const char **keys, **names; /* n; for the renderers */
  int *used;                 /* n; 1 when the row is in `result` */
  size_t *row;               /* n; index into result.areas when used */
  size_t m;                  /* rows with an amount */
  size_t n_small, n_incomplete, n_no_weight;
  ampel_allocation_result result;
  double base_share;
  int need_score;            /* 1: need = score - min(score) */
  const char *weight_key;    /* NULL: 1 per area */
  const char *weight_name;   /* the weight indicator's name */
  const char *weight_period; /* label of the period read for the weight */
  const char *amount_label;  /* "€" unless the query says otherwise */
  int levels_k;              /* index levels (0 with a file) */
  const char *footer;        /* borrowed */
} ampel_allocation_answer;

/* Answers the allocation question. The need comes from `file` when it is
 * not NULL (a CSV of `ampel index` read by the caller; `path` names it in
 * messages) and from the weighted index of the query otherwise.
 * Errors: those of ampel_analyse_index; AMPEL_E_DATA for a file area that
 * is not in the database or of another level, for no area left to share
 * the budget, and for amounts the budget cannot meet (floor, cap, unit);
 * AMPEL_E_NOMEM. On error *out is released. */
AMPEL_WUR ampel_status ampel_analyse_allocation(
    const ampel_context *ctx, const ampel_query *q,
    const ampel_index_file *file, const char *path,
    ampel_allocation_answer *out, ampel_diags *diags);
void ampel_allocation_answer_release(ampel_allocation_answer *a);

/* ---- rendering (src/render/need_render.c; JSON: ampel/json.h) ---------- */

/* CSV of METHODS.md §4 (mss) or §5 (weighted). */
void ampel_index_answer_csv(const ampel_index_answer *a, ampel_buf *out);
/* Sensitivity CSV (weighted with runs > 0): area,base_rank,min_rank,
 * max_rank,base_level,min_level,max_level,top_level_share. */
void ampel_index_sensitivity_csv(const ampel_index_answer *a,
                                 ampel_buf *out);
/* mss: classes on the tile map; weighted: levels on the map when the
 * level's areas have shapes, else on the tile map. AMPEL_E_DATA when
 * neither can be drawn; AMPEL_E_NOMEM. */
AMPEL_WUR ampel_status ampel_index_answer_svg(const ampel_index_answer *a,
                                              ampel_buf *out,
                                              ampel_diags *diags);
/* "\n– Name (key): Gewicht w[, Werte von P]" per indicator (weighted). */
void ampel_index_describe(const ampel_index_answer *a, ampel_buf *out);
/* CSV of METHODS.md §6 (rows that are out have empty fields) and the bar
 * chart; both with the title and note of ampel_allocation_title. */
void ampel_allocation_answer_csv(const ampel_allocation_answer *a,
                                 ampel_buf *out);
void ampel_allocation_answer_svg(const ampel_allocation_answer *a,
                                 ampel_buf *out);
/* "Verteilung von 1.000.000 € nach Bedarf (Ebene Schule)" into title and
 * the lines on weight and need into note. */
void ampel_allocation_title(const ampel_allocation_answer *a,
                            ampel_buf *title, ampel_buf *note);
/* The n rows whose reason is `which`, ", "-separated, at most max of them,
 * then " und N weitere": keys, or with names "Name (key)". */
void ampel_need_out_list(const size_t *areas, const ampel_out_reason *reason,
                         size_t n, ampel_out_reason which,
                         const ampel_dataset *ds, size_t max, int names,
                         ampel_buf *out);

#ifdef __cplusplus
}
#endif
#endif
