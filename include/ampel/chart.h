/* ampel/chart.h - charts as SVG: time series (and a sparkline for the
 * dashboard), ranking bars, scatter plot with regression line, and the
 * correlation matrix as a heat table.
 *
 * Renderers take prepared numbers and never touch the store. Every chart
 * is an accessible SVG document (role="img", <title>, <desc>, real text);
 * values without a usable number are marked, never drawn as 0. Strings
 * are borrowed; output is deterministic.
 */
#ifndef AMPEL_CHART_H
#define AMPEL_CHART_H

#include <stddef.h>

#include "ampel/buf.h"
#include "ampel/dataset.h"
#include "ampel/stats.h"
#include "ampel/svg.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ampel_chart_opts {
  const char *title;       /* required */
  const char *desc;        /* <desc>, also shown under the title */
  const char *x_label;     /* axis titles (may be NULL) */
  const char *y_label;
  const char *attribution; /* bottom line (may be NULL) */
  int decimals;            /* -1: automatic */
  double width;            /* 0: 900 */
} ampel_chart_opts;

/* ---- time series ------------------------------------------------------- */

enum { AMPEL_SERIES_OTHER = 0, AMPEL_SERIES_CHOSEN = 1,
       AMPEL_SERIES_REFERENCE = 2 };

typedef struct ampel_series {
  const char *name;
  const double *y; /* n_periods values, NaN where missing (line breaks) */
  int role;        /* AMPEL_SERIES_* */
} ampel_series;

/* All OTHER series thin and grey, CHOSEN and REFERENCE highlighted and
 * labelled at their last value. AMPEL_E_USAGE without periods or values. */
ampel_status ampel_chart_timeseries(const char *const *periods,
                                    size_t n_periods, const ampel_series *s,
                                    size_t n_series,
                                    const ampel_chart_opts *o,
                                    ampel_buf *b) AMPEL_WUR;

struct ampel_timeseries_answer;
/* The answer of the "Verlauf" question (analysis/timeseries.h) as a line
 * chart: every area thin and grey, the dataset area `chosen` (or -1)
 * highlighted, the reference of each period as "Gesamtstadt (Referenz)"
 * (src/render/timeseries_svg.c). Errors: those of ampel_chart_timeseries,
 * AMPEL_E_NOMEM. */
ampel_status ampel_timeseries_answer_svg(
    const struct ampel_timeseries_answer *a, long chosen,
    const ampel_chart_opts *o, ampel_buf *out) AMPEL_WUR;

/* A small standalone SVG (w x h) line for tables and the dashboard: y over
 * n periods, an optional reference line (ref may be NULL), the last value
 * marked. `title` is the accessible name (required). */
ampel_status ampel_sparkline(const double *y, const double *ref, size_t n,
                             double w, double h, const char *title,
                             ampel_buf *b) AMPEL_WUR;

/* ---- ranking ------------------------------------------------------------ */

typedef struct ampel_bar {
  const char *name;
  double value;    /* NaN: no value */
  ampel_flag flag; /* shown as its symbol when there is no value */
  int highlight;   /* 1: the chosen area */
} ampel_bar;

/* Horizontal bars, highest value first (areas without a value last, with
 * their symbol), a dashed line at `reference` (NaN: none). */
ampel_status ampel_chart_ranking(const ampel_bar *bars, size_t n,
                                 double reference, const char *ref_label,
                                 const ampel_chart_opts *o,
                                 ampel_buf *b) AMPEL_WUR;

/* ---- scatter ------------------------------------------------------------ */

typedef struct ampel_xy {
  const char *name;
  double x, y; /* pairs with a NaN are left out */
} ampel_xy;

/* Points, the least-squares line y = a + b x, and r, n, p of `corr` (as
 * computed by ampel_corr_pair with `method`) in the text. Areas are
 * labelled where labels do not collide (the most unusual first). */
ampel_status ampel_chart_scatter(const ampel_xy *p, size_t n,
                                 const ampel_corr *corr,
                                 ampel_corr_method method,
                                 const ampel_chart_opts *o,
                                 ampel_buf *b) AMPEL_WUR;

/* ---- correlation matrix ---------------------------------------------------- */

/* Heat table of the k x k matrix m (ampel_corr_matrix) with rows and
 * columns in `order` (k ids, computed by the caller with ampel_corr_order
 * of stats.h; NULL: as given). Each cell shows r; its <title> holds r, n
 * and p. Blue for positive, brown for negative r,
 * lightness by |r| (readable in greyscale). */
ampel_status ampel_chart_corr_matrix(const char *const *names, size_t k,
                                     const ampel_corr *m,
                                     const size_t *order,
                                     ampel_corr_method method,
                                     const ampel_chart_opts *o,
                                     ampel_buf *b) AMPEL_WUR;


/* "p < 0,001" or "p = 0,023" (German decimal comma) into out. */
void ampel_format_p(double p, char *out, size_t size);

#ifdef __cplusplus
}
#endif
#endif
