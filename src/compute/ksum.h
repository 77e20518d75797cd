/* compute/ksum.h - compensated (Neumaier) summation, internal to compute/.
 *
 * A running sum plus a correction term that collects the low-order bits
 * lost in each addition. Unlike plain Kahan summation it stays correct when
 * an addend is larger than the running sum. Header-only (static inline):
 * the accumulators live on the caller's stack.
 */
#ifndef AMPEL_COMPUTE_KSUM_H
#define AMPEL_COMPUTE_KSUM_H

#include <math.h>

typedef struct ksum {
  double sum;
  double comp;
} ksum;

static inline void ksum_init(ksum *k) {
  k->sum = 0.0;
  k->comp = 0.0;
}

static inline void ksum_add(ksum *k, double v) {
  double t = k->sum + v;
  if (fabs(k->sum) >= fabs(v))
    k->comp += (k->sum - t) + v;
  else
    k->comp += (v - t) + k->sum;
  k->sum = t;
}

static inline double ksum_value(const ksum *k) { return k->sum + k->comp; }

#endif
