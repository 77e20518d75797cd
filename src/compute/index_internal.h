/* compute/index_internal.h - internals of the index module shared by
 * index.c and sensitivity.c (not installed). */
#ifndef AMPEL_COMPUTE_INDEX_INTERNAL_H
#define AMPEL_COMPUTE_INDEX_INTERNAL_H

#include <stddef.h>

#include "ampel/index.h"

/* Bytes of scratch memory ampel_levels_compute_work() needs for n scores. */
size_t ampel_levels_work_size(size_t n);

/* ampel_levels_compute() without allocation, for repeated calls (the
 * sensitivity runs): `rank` and `level` (n entries each) must not be NULL,
 * `work` must hold ampel_levels_work_size(n) bytes, aligned for uint64_t
 * and size_t (any ampel_alloc() result is). */
AMPEL_WUR ampel_status ampel_levels_compute_work(size_t n, const double *score,
                                                 const ampel_level_opts *o,
                                                 size_t *rank, int *level,
                                                 void *work,
                                                 ampel_diags *diags);

#endif
