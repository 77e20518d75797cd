/* compute/scale.c - 0-1 scaling of one heatmap column (METHODS.md §2.2). */
#include "ampel/stats.h"

#include <math.h>

/* Two passes: first min and max over the present values, then the
 * mapping. Computed as (x - min) / (max - min) so that min maps to exactly
 * 0 and max to exactly 1, before the flip. */
void ampel_scale_column(const double *x, size_t n, ampel_polarity pol,
                        double *out) {
  double lo = INFINITY, hi = -INFINITY;
  for (size_t i = 0; i < n; i++) {
    if (!isfinite(x[i]))
      continue;
    if (x[i] < lo)
      lo = x[i];
    if (x[i] > hi)
      hi = x[i];
  }
  double range = hi - lo;
  for (size_t i = 0; i < n; i++) {
    if (!isfinite(x[i])) {
      out[i] = NAN;
      continue;
    }
    double v = range > 0.0 ? (x[i] - lo) / range : 0.5;
    if (pol == AMPEL_POL_HIGHER_IS_WORSE)
      v = 1.0 - v;
    out[i] = v;
  }
}
