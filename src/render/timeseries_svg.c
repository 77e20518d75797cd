/* timeseries_svg.c - the answer of the "Verlauf" question as a line chart
 * (include/ampel/chart.h): one drawing for `ampel chart timeseries` and
 * the indicator page. */
#include "ampel/alloc.h"
#include "ampel/analysis/timeseries.h"
#include "ampel/chart.h"

ampel_status ampel_timeseries_answer_svg(const ampel_timeseries_answer *a,
                                         long chosen, const ampel_chart_opts *o,
                                         ampel_buf *out) {
  size_t n = a->sel.n_areas, np = a->n_periods;
  ampel_series *s = ampel_calloc(n + 2, sizeof *s);
  if (!s)
    return AMPEL_E_NOMEM;
  for (size_t r = 0; r < n; r++) {
    const ampel_area *ar = ampel_dataset_area(a->ds, a->sel.areas[r]);
    s[r] = (ampel_series){ar->name ? ar->name : ar->key, a->values + r * np,
                          (long)a->sel.areas[r] == chosen ? AMPEL_SERIES_CHOSEN
                                                          : AMPEL_SERIES_OTHER};
  }
  s[n] = (ampel_series){"Gesamtstadt (Referenz)", a->reference,
                        AMPEL_SERIES_REFERENCE};
  ampel_status st = ampel_chart_timeseries(a->labels, np, s, n + 1, o, out);
  ampel_free(s);
  return st;
}
