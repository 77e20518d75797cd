/* ampel/analysis/lisa.h - the question "Räumliche Muster": spatial
 * autocorrelation of an indicator over the areas of a level (METHODS.md
 * §12, ampel/lisa.h): global Moran's I, and per area local Moran's I, its
 * quadrant (HH, LH, LL, HL) and pseudo p-value, for the cluster map. Used
 * by `ampel lisa`, /api/v1/lisa, the page /wechselwirkungen and the
 * report.
 *
 * Decisions made here (docs/wechselwirkungen.md):
 *  - neighbours: queen contiguity computed from the stored shapes of the
 *    level's areas (ampel_geo_queen), row-standardised; when no area of
 *    the level has a shape, from the squares of the tile map
 *    (ampel_tile_queen; an approximation, said in every output), as `ampel
 *    map` falls back to the tile map;
 *  - which areas count: those with a value in the universe (METHODS.md §0:
 *    not missing, not secret, not below the minimum population) and a
 *    shape; neighbours are taken among them. An area of that set without
 *    any neighbour in it is an island: listed, and left out (it has no
 *    lag), so mean, z and n are over the areas that remain; an area
 *    without a shape (tile) is out too;
 *  - every area of the level is a row of the answer with its reason when
 *    it is not part of the computation (no value or secret, too few
 *    inhabitants, no shape, island);
 *  - the same seed is used for every indicator, so an indicator's numbers
 *    do not depend on which others are asked for at the same time;
 *  - significant: p <= alpha; the cluster of an area is its quadrant when
 *    significant, else "not significant".
 *
 * Options read from the query: level, period, indicator, permutations,
 * seed, alpha, global, min-population. Without an indicator: the first
 * with values on the level, or with `global` every indicator with values.
 */
#ifndef AMPEL_ANALYSIS_LISA_H
#define AMPEL_ANALYSIS_LISA_H

#include "ampel/analysis.h"
#include "ampel/lisa.h"
#include "ampel/select.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Why an area is (not) part of the computation. */
typedef enum ampel_lisa_reason {
  AMPEL_LISA_IN = 0,       /* computed */
  AMPEL_LISA_NO_VALUE = 1, /* no value, or secret */
  AMPEL_LISA_SMALL = 2,    /* shown but not rated (too few inhabitants) */
  AMPEL_LISA_NO_SHAPE = 3, /* no stored shape (tiles: no tile position) */
  AMPEL_LISA_ISLAND = 4    /* no neighbour among the areas with a value */
} ampel_lisa_reason;

/* "", "no_value", "not_rated", "no_shape", "island" (CSV/JSON). */
const char *ampel_lisa_reason_name(ampel_lisa_reason r);
/* German: "", "kein Wert oder geheim", "ohne Bewertung (zu wenige
 * Einwohner)", "keine Fläche/Kachel", "ohne Nachbarn mit Wert". */
const char *ampel_lisa_reason_de(ampel_lisa_reason r);

/* The cluster of the map: the quadrant of a significant area, else NS. */
enum { AMPEL_LISA_NS = 0 }; /* with AMPEL_LISA_HH .. AMPEL_LISA_HL */

typedef struct ampel_lisa_row {
  size_t area;              /* dataset area id */
  ampel_lisa_reason reason; /* AMPEL_LISA_IN when computed */
  double value;             /* as shown; NaN: none (see flag) */
  ampel_flag flag;
  size_t k;                     /* neighbours in the computation */
  double z, lag, local_i, p;    /* NaN unless computed (p: and perms) */
  ampel_lisa_quadrant quadrant; /* NONE unless computed */
  int significant;              /* p <= alpha */
  int cluster;                  /* quadrant if significant, else NS */
  const ampel_shape *shape;     /* borrowed from the context, or NULL */
} ampel_lisa_row;

/* The global statistic of one indicator. */
typedef struct ampel_lisa_global {
  size_t ind;      /* dataset indicator id */
  int ok;          /* 0: not computable, see why */
  char why[200];   /* German reason when !ok */
  size_t n;        /* areas in the computation */
  size_t n_out[5]; /* areas of the level per ampel_lisa_reason (0 unused) */
  double moran_i, expected_i;
  double z, p;           /* permutation: esda's z_sim and p_sim */
  double z_norm, p_norm; /* analytic under normality, p two-sided */
} ampel_lisa_global;

typedef struct ampel_lisa_answer {
  const ampel_dataset *ds; /* as shown (borrowed) */
  ampel_selection sel;     /* level, period, areas; inds = the indicators */
  int global_only;         /* the `global` option */
  size_t permutations;
  uint64_t seed;
  double alpha;
  ampel_lisa_global *glob; /* sel.n_inds, in selection order */
  /* local (not global_only): the indicator sel.inds[0] */
  ampel_lisa_row *rows; /* sel.n_areas, one per area of the level */
  size_t n_rows;
  size_t clusters[5];       /* computed areas per cluster (AMPEL_LISA_NS..HL) */
  int tiles;                /* 1: no shapes in the level, neighbours from
                               the tile map (an approximation) */
  size_t n_neighbour_pairs; /* queen pairs among the level's areas */
  const char *footer;       /* data stamp + disclosure note (borrowed) */
} ampel_lisa_answer;

/* Answers the question. Errors: AMPEL_E_USAGE for an unknown level,
 * period or indicator; AMPEL_E_DATA when the level has neither shapes
 * nor tile positions, or
 * (local) when the indicator cannot be computed (fewer than 3 areas with
 * a value and a neighbour, all values equal), with a German message;
 * AMPEL_E_NOMEM. On error *out is released. The answer borrows from the
 * context; without its geometry (AMPEL_CTX_GEOMETRY) only the tile map
 * can serve. */
AMPEL_WUR ampel_status ampel_analyse_lisa(const ampel_context *ctx,
                                          const ampel_query *q,
                                          ampel_lisa_answer *out,
                                          ampel_diags *diags);
void ampel_lisa_answer_release(ampel_lisa_answer *a);

/* The query other questions' front-ends ask with (the dashboard page, the
 * report): level and period labels, one indicator key (NULL: global for
 * every indicator), min_population as text (NULL: the context's), and the
 * defaults of `ampel lisa` for permutations, seed and alpha. The texts are
 * borrowed. AMPEL_E_USAGE for a bad min_population. */
AMPEL_WUR ampel_status ampel_lisa_query(const char *level, const char *period,
                                        const char *indicator,
                                        const char *min_population,
                                        ampel_query *out);

/* ---- output (src/render/lisa_out.c) --------------------------------------
 */

/* Local: `area,value,z,lag,local_i,quadrant,p,significant`, one row per
 * area of the level in dataset order; numbers in the shortest round-trip
 * form, '.' decimals; significant yes|no (empty without permutations);
 * an area outside the computation has its value (if any) and empty
 * fields. Global: `indicator,moran_i,
 * expected_i,z,p,permutations`, one row per indicator (empty numbers when
 * not computable). */
void ampel_lisa_write_csv(const ampel_lisa_answer *a, ampel_buf *out);

/* /api/v1/lisa and `ampel lisa --format json` (docs/api.md). */
void ampel_lisa_json(const ampel_lisa_answer *a, ampel_buf *out);

/* The cluster map: hot spots (HH), cold spots (LL), outliers (HL, LH),
 * not significant, and hatched the areas outside the computation; legend,
 * scale bar, footer; a tile map when a->tiles. title may be NULL (a
 * default). AMPEL_E_USAGE when
 * global_only or nothing has a shape; AMPEL_E_NOMEM. */
AMPEL_WUR ampel_status ampel_lisa_write_svg(const ampel_lisa_answer *a,
                                            const char *title,
                                            const char *attribution,
                                            ampel_buf *out);

/* German label of a cluster (AMPEL_LISA_NS .. AMPEL_LISA_HL), e.g.
 * "Hot Spot: hoch, umgeben von hoch". */
const char *ampel_lisa_cluster_de(int cluster);

#ifdef __cplusplus
}
#endif
#endif
