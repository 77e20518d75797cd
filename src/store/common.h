/* common.h - internal: what every storage engine needs alike (the key → id
 * maps of areas, indicators and periods, and the chained data-version
 * digest), so that the engines agree by construction. */
#ifndef AMPEL_STORE_COMMON_H
#define AMPEL_STORE_COMMON_H

#include <stddef.h>

#include "ampel/store.h"
#include "util/strmap.h"

/* Keys → store ids, with owned copies of the keys. */
typedef struct idmap {
  ampel_strmap map;
  char **keys;
  size_t n, cap;
  long next; /* one more than the largest id put (the next new id) */
} idmap;

/* Frees the keys; the map can be used again after. */
void ampel_idmap_release(idmap *m);
/* Maps key to id (replacing an earlier id). Errors: AMPEL_E_NOMEM. */
ampel_status ampel_idmap_put(idmap *m, const char *key, long id);
/* The id of key, or -1. */
long ampel_idmap_get(const idmap *m, const char *key);

/* The data-version digest of a new Datenstand: hex SHA-256 of the previous
 * digest ("" for the first) followed by each file's hex SHA-256, into out.
 * Errors: AMPEL_E_NOMEM, those of the hash. */
ampel_status ampel_store_chain_digest(const char *prev,
                                      const ampel_import_file *files, size_t n,
                                      char out[65]);

#endif
