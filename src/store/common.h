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

/* Store ids wanted by a load spec (store.h): for each store id 0..max
 * whose dataset id is map[sid] >= 0, the name of that dataset row
 * (name(ds, id)) is looked up in `list` (n names; NULL = all). Writes the
 * wanted store ids ascending to out (max+1 entries) and returns how many.
 * */
size_t ampel_spec_ids(const long *map, long max, const char *const *list,
                      size_t n, const ampel_dataset *ds,
                      const char *(*name)(const ampel_dataset *, size_t),
                      long *out);
/* One observation of a sample (store.h, ampel_load_spec.sample), by
 * dataset ids of the metadata it was read with. */
typedef struct ampel_sample_row {
  size_t area, ind, period;
  double value, num, den;
  ampel_flag flag;
} ampel_sample_row;

/* The sample as a dataset of its own: every indicator and period of
 * `meta` (same ids), but only the areas that have a sampled value plus the
 * first area of every level (so the levels are all there), in meta's
 * order: the dense value columns then stay small. */
ampel_status ampel_sample_dataset(const ampel_dataset *meta,
                                  const ampel_sample_row *rows, size_t n,
                                  ampel_dataset **out);

const char *ampel_spec_period_name(const ampel_dataset *ds, size_t id);
const char *ampel_spec_indicator_name(const ampel_dataset *ds, size_t id);

#endif
