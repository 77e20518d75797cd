/* A small open-addressing hash map from strings to ids (strmap.h).
 * Linear probing, FNV-1a hashing, load factor at most 1/2. */
#include <string.h>

#include "ampel/alloc.h"
#include "util/strmap.h"

uint64_t ampel_hash_bytes(const char *s, size_t len) {
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < len; i++) {
    h ^= (unsigned char)s[i];
    h *= 1099511628211ull;
  }
  return h ^ (h >> 29);
}

void ampel_strmap_init(ampel_strmap *m) { memset(m, 0, sizeof *m); }

void ampel_strmap_release(ampel_strmap *m) {
  if (!m)
    return;
  ampel_free(m->keys);
  ampel_free(m->lens);
  ampel_free(m->vals);
  ampel_strmap_init(m);
}

static size_t find_slot(const ampel_strmap *m, const char *key, size_t len) {
  size_t mask = m->cap - 1;
  size_t i = (size_t)ampel_hash_bytes(key, len) & mask;
  while (m->keys[i]) {
    if (m->lens[i] == len && memcmp(m->keys[i], key, len) == 0)
      return i;
    i = (i + 1) & mask;
  }
  return i;
}

long ampel_strmap_get(const ampel_strmap *m, const char *key, size_t len) {
  if (m->cap == 0)
    return -1;
  size_t i = find_slot(m, key, len);
  return m->keys[i] ? (long)m->vals[i] : -1;
}

static ampel_status grow(ampel_strmap *m) {
  size_t cap = m->cap ? m->cap * 2 : 64;
  ampel_strmap nm = {ampel_calloc(cap, sizeof(char *)),
                     ampel_calloc(cap, sizeof(size_t)),
                     ampel_calloc(cap, sizeof(size_t)), cap, 0};
  if (!nm.keys || !nm.lens || !nm.vals) {
    ampel_strmap_release(&nm);
    return AMPEL_E_NOMEM;
  }
  for (size_t i = 0; i < m->cap; i++) {
    if (!m->keys[i])
      continue;
    size_t j = find_slot(&nm, m->keys[i], m->lens[i]);
    nm.keys[j] = m->keys[i];
    nm.lens[j] = m->lens[i];
    nm.vals[j] = m->vals[i];
    nm.n++;
  }
  ampel_strmap_release(m);
  *m = nm;
  return AMPEL_OK;
}

ampel_status ampel_strmap_put(ampel_strmap *m, const char *key, size_t len,
                              size_t val) {
  if ((m->n + 1) * 2 > m->cap) {
    ampel_status st = grow(m);
    if (st != AMPEL_OK)
      return st;
  }
  size_t i = find_slot(m, key, len);
  if (!m->keys[i]) {
    m->keys[i] = key;
    m->lens[i] = len;
    m->n++;
  }
  m->vals[i] = val;
  return AMPEL_OK;
}
