/* block.h - internal: the values of one indicator x period as one blob
 * (schema version 7, docs/dev/store-schema.md "Block layout").
 *
 * A block holds the cells of one indicator at one period, sorted by store
 * area id. The store keeps one row per block and Datenstand that changed
 * it, so an import of 10 M values writes about a thousand rows instead of
 * ten million, and a load of one period reads one blob per indicator.
 *
 * The blob (all integers and doubles little-endian, whatever the host):
 *   u8  format (1)
 *   u8  columns: bit 0 values, bit 1 numerators, bit 2 denominators,
 *       bit 3 flags (a column is left out when every cell has NaN / 0
 *       there; values never, unless the block is empty, so that a blob
 *       has at least 8 bytes per cell and a damaged n cannot ask for much
 *       memory), bit 4 area ids as a bitmap, bit 5 as a list of u32
 *       (neither: the ids are first, first+1, ... first+n-1)
 *   u32 n cells, u32 first area id, u32 last area id
 *   ids:   bitmap of (last-first+1) bits, or n x u32, or nothing
 *   then n x f64 values, n x f64 numerators, n x f64 denominators,
 *   n x u8 flags, each only when its bit is set.
 * A NULL value is NaN (SQLite stores no NaN, so the two never meet). The
 * decoder checks every length and id, so a damaged blob is an error,
 * never a read beyond it. */
#ifndef AMPEL_STORE_BLOCK_H
#define AMPEL_STORE_BLOCK_H

#include <stddef.h>
#include <stdint.h>

#include "ampel/error.h"

typedef struct ampel_bcell {
  uint32_t area; /* store area id */
  uint8_t flag;  /* ampel_flag */
  double v, num, den;
} ampel_bcell;

/* A growable array of cells. */
typedef struct ampel_bcells {
  ampel_bcell *c;
  size_t n, cap;
} ampel_bcells;

void ampel_bcells_release(ampel_bcells *x);
ampel_status ampel_bcells_push(ampel_bcells *x, const ampel_bcell *c);

/* The blob of n cells with strictly ascending area ids into *out (owned
 * by the caller) of *len bytes. Errors: AMPEL_E_NOMEM; AMPEL_E_USAGE when
 * the ids are not strictly ascending. */
ampel_status ampel_block_encode(const ampel_bcell *c, size_t n,
                                unsigned char **out, size_t *len);

/* The cells of a blob, appended to out (ascending ids). Errors:
 * AMPEL_E_DATA for a damaged blob, AMPEL_E_NOMEM. */
ampel_status ampel_block_decode(const unsigned char *b, size_t len,
                                ampel_bcells *out);

/* 1 when two cells hold the same (as SQL's IS compares the columns: NaN
 * equals NaN, 0.0 equals -0.0). */
int ampel_cell_same(const ampel_bcell *a, const ampel_bcell *b);

/* Sorts n cells with distinct ids by id (ids below `span`) through one
 * scatter; scratch (span entries, grown as needed) is reused between
 * calls. Errors: AMPEL_E_NOMEM. */
ampel_status ampel_bcells_sort(ampel_bcell *c, size_t n, uint32_t span,
                              int32_t **scratch, size_t *scratch_n);

/* The cells of old (ascending) with those of upd (ascending) put over
 * them, into out (emptied first); *n_new counts upd's cells that old does
 * not have, *n_changed those it has with other contents. */
ampel_status ampel_block_merge(const ampel_bcells *old, const ampel_bcells *upd,
                               ampel_bcells *out, long *n_new, long *n_changed);

/* Going from cur to target (both ascending): cells only in target are
 * new, only in cur removed, in both but different changed. */
void ampel_block_diff(const ampel_bcells *cur, const ampel_bcells *target,
                      long *n_new, long *n_changed, long *n_removed);

#endif
