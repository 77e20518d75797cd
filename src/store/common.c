/* common.c - what every storage engine needs alike (common.h). */
#include <stdio.h>
#include <string.h>

#include "ampel/alloc.h"
#include "store/common.h"
#include "util/sha256.h"

void ampel_idmap_release(idmap *m) {
  for (size_t i = 0; i < m->n; i++)
    ampel_free(m->keys[i]);
  ampel_free(m->keys);
  ampel_strmap_release(&m->map);
  memset(m, 0, sizeof *m);
}

ampel_status ampel_idmap_put(idmap *m, const char *key, long id) {
  if (id >= m->next)
    m->next = id + 1;
  if (ampel_strmap_get(&m->map, key, strlen(key)) >= 0)
    return ampel_strmap_put(&m->map, key, strlen(key), (size_t)id);
  if (m->n == m->cap) {
    size_t cap = m->cap ? m->cap * 2 : 64;
    char **k = ampel_reallocarray(m->keys, cap, sizeof *k);
    if (!k)
      return AMPEL_E_NOMEM;
    m->keys = k;
    m->cap = cap;
  }
  char *copy = ampel_strdup(key);
  if (!copy)
    return AMPEL_E_NOMEM;
  m->keys[m->n++] = copy;
  return ampel_strmap_put(&m->map, copy, strlen(copy), (size_t)id);
}

long ampel_idmap_get(const idmap *m, const char *key) {
  return ampel_strmap_get(&m->map, key, strlen(key));
}

ampel_status ampel_store_chain_digest(const char *prev,
                                      const ampel_import_file *files, size_t n,
                                      char out[65]) {
  size_t len = 64 + n * 64 + 1;
  char *buf = ampel_alloc(len);
  if (!buf)
    return AMPEL_E_NOMEM;
  size_t off = (size_t)snprintf(buf, len, "%.64s", prev ? prev : "");
  for (size_t i = 0; i < n; i++)
    off += (size_t)snprintf(buf + off, len - off, "%.64s", files[i].sha256);
  ampel_status st = ampel_sha256_hex(buf, off, out);
  ampel_free(buf);
  return st;
}
