/* strmap.h - internal: a string → size_t hash map (open addressing).
 * Keys are borrowed: the caller keeps them alive while they are in the map.
 * Used for key → dense id look-ups in the dataset and the importer. */
#ifndef AMPEL_UTIL_STRMAP_H
#define AMPEL_UTIL_STRMAP_H

#include <stddef.h>
#include <stdint.h>

#include "ampel/error.h"

typedef struct ampel_strmap {
  const char **keys;
  size_t *lens;
  size_t *vals;
  size_t cap; /* power of two or 0 */
  size_t n;
} ampel_strmap;

void ampel_strmap_init(ampel_strmap *m);
void ampel_strmap_release(ampel_strmap *m);
/* Value for key (len bytes) or -1 when absent. */
long ampel_strmap_get(const ampel_strmap *m, const char *key, size_t len);
/* Insert or overwrite. The key pointer is stored (borrowed). */
ampel_status ampel_strmap_put(ampel_strmap *m, const char *key, size_t len,
                              size_t val) AMPEL_WUR;
uint64_t ampel_hash_bytes(const char *s, size_t len);

#endif
