/* ampel/lights.h - the Ampel table of METHODS.md §3 on a dataset: status
 * and trend lights and the Wilson certainty for every area x indicator of
 * a selection, the "Hinsehen" ranking, CSV and SVG.
 *
 * ampel_lights_compute() builds on the numeric primitives of stats.h
 * (ampel_ref_compute, ampel_light_status, ampel_light_trend,
 * ampel_wilson_certainty). Rows are all areas of the selection's level in
 * dataset (`ampel list areas`) order, also those without values (their
 * lights are `none`); columns are the selected indicators.
 *
 * The result struct is part of the API and owns its arrays; release with
 * ampel_lights_release(). Thread-safety: the dataset is only read.
 */
#ifndef AMPEL_LIGHTS_H
#define AMPEL_LIGHTS_H

#include <stddef.h>

#include "ampel/buf.h"
#include "ampel/dataset.h"
#include "ampel/error.h"
#include "ampel/select.h"
#include "ampel/stats.h"
#include "ampel/svg.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ampel_lights_opts {
  ampel_status_method method; /* --status-method (default z = SD) */
  double band;  /* --band; NaN = the method's default (0.5 or 10 %) */
  long since;   /* --since period id; -1 = per indicator the latest
                   earlier period with values on the level */
  int force_mean; /* --reference mean */
} ampel_lights_opts;

/* Defaults: SD method, default band, automatic since, root reference. */
void ampel_lights_opts_init(ampel_lights_opts *o);

/* "z" (also "sd") and "relative"; AMPEL_E_USAGE otherwise. */
AMPEL_WUR ampel_status ampel_status_method_parse(const char *s,
                                                 ampel_status_method *out);

/* One area x indicator. Numbers are NaN when missing. */
typedef struct ampel_lights_cell {
  double value;        /* x_a(t) */
  double status_score; /* s_a (SD method) or r_a in % (relative) */
  double change;       /* D_a = x_a(t) - x_a(t0) */
  double trend_score;  /* tau_a */
  ampel_light status;
  ampel_trend trend;
  ampel_certainty certain;
} ampel_lights_cell;

/* Per indicator. */
typedef struct ampel_lights_col {
  size_t ind;             /* dataset indicator id */
  size_t period;          /* t: the column's period (Stand je Kennzahl) */
  ampel_ref_result ref;   /* ref(t) */
  long since;             /* t0 period id, -1 when there is none */
  ampel_ref_result ref0;  /* ref(t0); method NONE without t0 */
  double rate_scale;      /* value / (num / den), NaN when not a rate */
  ampel_status_info status_info;
  ampel_trend_info trend_info;
} ampel_lights_col;

typedef struct ampel_lights {
  const char *level; /* borrowed from the dataset */
  size_t period;     /* the newest of the columns' periods */
  int per_indicator; /* the columns' periods may differ */
  ampel_status_method method;
  double band;       /* the band used (resolved default) */
  size_t n_areas;
  size_t n_cols;
  size_t *area_ids;         /* n_areas, dataset order */
  ampel_lights_col *cols;   /* n_cols, selection order */
  ampel_lights_cell *cells; /* n_areas x n_cols, row-major */
} ampel_lights;

/* 1 when the columns' periods differ (Stand je Kennzahl). */
static inline int ampel_lights_periods_differ(const ampel_lights *l) {
  for (size_t j = 1; j < l->n_cols; j++)
    if (l->cols[j].period != l->cols[0].period)
      return 1;
  return 0;
}

/* Computes all lights. Errors: AMPEL_E_USAGE (bad band/method, since not
 * earlier than the period, with a German message in diags), AMPEL_E_NOMEM.
 * On error *out is released. */
AMPEL_WUR ampel_status ampel_lights_compute(const ampel_dataset *ds,
                                            const ampel_selection *sel,
                                            const ampel_lights_opts *o,
                                            ampel_lights *out,
                                            ampel_diags *diags);
void ampel_lights_release(ampel_lights *l);

/* Cell of area row r and column c (no bounds check). Accessor in the
 * model (src/model/results.c), like ampel_lights_counts. */
const ampel_lights_cell *ampel_lights_at(const ampel_lights *l, size_t r,
                                         size_t c);

/* Row order for the table and the "Hinsehen" list: more critical lights
 * first, then more worsening trends, then dataset order. Writes n_areas
 * row indices. Errors: AMPEL_E_NOMEM. */
AMPEL_WUR ampel_status ampel_lights_rank(const ampel_lights *l,
                                         size_t *out_order);
/* Counts of critical lights and worse trends of row r. */
void ampel_lights_counts(const ampel_lights *l, size_t r,
                         size_t *out_critical, size_t *out_worse);

/* CSV of METHODS.md §3: `area,indicator,period,value,reference,
 * status_score,status,since,change,trend_score,trend,certain`, one row per
 * area x indicator (area-major, dataset order), '.' decimals, empty cells
 * for missing numbers. */
void ampel_lights_write_csv(const ampel_lights *l, const ampel_dataset *ds,
                            ampel_buf *out);

typedef struct ampel_lights_render_opts {
  const ampel_palette *palette; /* NULL: the default palette */
  const char *stamp; /* data version line for the footer, or NULL */
  /* Row order of the table and the Hinsehen list: n_areas row indices,
   * borrowed; callers compute it with ampel_lights_rank. NULL: dataset
   * order (and the picture says so instead of "sortiert"). */
  const size_t *order;
} ampel_lights_render_opts;

/* The Ampel table as an accessible SVG picture with the Hinsehen list.
 * Pass the order (o->order): the renderer does not rank. */
void ampel_lights_write_svg(const ampel_lights *l, const ampel_dataset *ds,
                            const ampel_lights_render_opts *o,
                            ampel_buf *out);

/* One line of the Hinsehen list for row r, e.g. "Schalke: 2 kritisch
 * (SGB-II-Quote, Betreuungsquote U3), 1 verschlechtert (…)"; appended to
 * out. Nothing is written for a row without critical or worse lights. */
void ampel_lights_hinsehen_line(const ampel_lights *l, const ampel_dataset *ds,
                                size_t r, ampel_buf *out);

#ifdef __cplusplus
}
#endif
#endif
