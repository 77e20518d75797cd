/* convert_key.h - a conversion key derived from polygon overlaps
 * (`ampel umschluessel`, METHODS.md §11, docs/zeit-und-raum.md).
 *
 * For every old area o and new area n the share s(o, n) says how much of o
 * went to n:
 *  - by area:       s = area(o ∩ n) / Σ_m area(o ∩ m)
 *  - by population: s = pop(o ∩ n) / Σ_m pop(o ∩ m), with pop the sum of
 *    the inhabitant points lying in both (an old area without any point
 *    falls back to area weights, and says so).
 * The denominator is the part of o that new areas cover, so the shares of
 * every old area sum to 1 even when the two layers' outlines differ a
 * little (a coast line drawn anew); how much of o is covered is reported.
 * Shares below `min_share` are slivers of digitising (borders drawn twice
 * with a few metres' difference): they are dropped and the rest scaled
 * back to 1. Both sets must be in the same metric CRS. */
#ifndef AMPEL_CONVERT_KEY_H
#define AMPEL_CONVERT_KEY_H

#include <stddef.h>

#include "ampel/error.h"
#include "ampel/geo.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { AMPEL_KEY_BY_AREA, AMPEL_KEY_BY_POPULATION } ampel_key_weight;

typedef struct ampel_key_opts {
  ampel_key_weight weight;
  const double *pt_xy;  /* population points x, y (n_pts pairs) */
  const double *pt_pop; /* inhabitants per point */
  size_t n_pts;
  double min_share; /* e.g. 0.001; 0 keeps every overlap */
} ampel_key_opts;

typedef struct ampel_key_pair {
  size_t old_i, new_i; /* indexes into the two sets */
  double share;
} ampel_key_pair;

typedef struct ampel_key_old {
  double covered;   /* fraction of the old area inside new areas */
  double pop;       /* inhabitants counted in it (population weights) */
  int area_weights; /* population weights asked, none there: by area */
  size_t n_dropped; /* slivers dropped */
} ampel_key_old;

typedef struct ampel_key_result {
  ampel_key_pair *pairs; /* by old index, then by share, largest first */
  size_t n_pairs;
  ampel_key_old *old; /* one per old area */
  size_t n_old;
  size_t n_dropped;     /* all slivers */
  size_t n_pts_outside; /* population points in no old area */
} ampel_key_result;

/* Derives the key. AMPEL_E_DATA when a shape cannot be read by GEOS
 * (diags names the area), AMPEL_E_NOMEM, AMPEL_E_CANCELLED (stop). */
ampel_status ampel_key_derive(const ampel_geoset *old, const ampel_geoset *neu,
                              const ampel_key_opts *o, ampel_key_result *out,
                              const ampel_stop *stop,
                              ampel_diags *diags) AMPEL_WUR;
void ampel_key_result_release(ampel_key_result *r);

#ifdef __cplusplus
}
#endif

#endif
