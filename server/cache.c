/* A small response cache: pages and API answers depend only on the data
 * snapshot and the request (path and parameters), so a repeated request
 * is answered from memory instead of clustering and rendering again.
 *
 * Direct-mapped table of CACHE_SLOTS entries keyed by (snapshot generation,
 * path?query); an entry is replaced when another key hashes to its slot.
 * Only 200 answers up to CACHE_MAX_ENTRY bytes are kept, and all entries
 * together stay under CACHE_MAX_TOTAL. A new snapshot (admin import) has a
 * new generation, so old entries are never served again; they are
 * replaced as their slots are reused. One mutex guards the table; a hit
 * copies the body out under the lock. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "ampel/alloc.h"
#include "server.h"
#include "util/strmap.h"

#define CACHE_SLOTS 1024
#define CACHE_MAX_ENTRY (2u << 20)
#define CACHE_MAX_TOTAL (64u << 20)

typedef struct centry {
  unsigned long gen;
  char *key;
  const char *ctype, *disposition, *cache;
  char *body;
  size_t len;
} centry;

static struct {
  pthread_mutex_t lock;
  centry slots[CACHE_SLOTS];
  size_t total;
} c = {PTHREAD_MUTEX_INITIALIZER, {{0}}, 0};

static size_t slot_of(unsigned long gen, const char *key) {
  uint64_t h = ampel_hash_bytes(key, strlen(key)) ^ (gen * 0x9E3779B97F4A7C15ull);
  return (size_t)(h % CACHE_SLOTS);
}

int srv_cache_key(const srv_req *q, char *out, size_t size) {
  size_t off = 0;
  int n = snprintf(out, size, "%s", q->path);
  if (n < 0 || (size_t)n >= size)
    return -1;
  off = (size_t)n;
  for (size_t i = 0; i < q->n_params; i++) {
    n = snprintf(out + off, size - off, "%c%s=%s", i ? '&' : '?',
                 q->params[i].key, q->params[i].val);
    if (n < 0 || (size_t)n >= size - off)
      return -1;
    off += (size_t)n;
  }
  return 0;
}

int srv_cache_get(unsigned long gen, const char *key, srv_resp *r) {
  int hit = 0;
  pthread_mutex_lock(&c.lock);
  centry *e = &c.slots[slot_of(gen, key)];
  if (e->key && e->gen == gen && strcmp(e->key, key) == 0) {
    ampel_buf_append(&r->body, e->body, e->len);
    r->status = 200;
    r->ctype = e->ctype;
    r->disposition = e->disposition;
    r->cache = e->cache;
    hit = !r->body.failed;
  }
  pthread_mutex_unlock(&c.lock);
  return hit;
}

static void entry_clear(centry *e) {
  c.total -= e->key ? e->len : 0;
  ampel_free(e->key);
  ampel_free(e->body);
  memset(e, 0, sizeof *e);
}

void srv_cache_put(unsigned long gen, const char *key, const srv_resp *r) {
  if (r->status != 200 || r->body.failed || r->body.len > CACHE_MAX_ENTRY)
    return;
  char *k = ampel_strdup(key);
  char *b = ampel_alloc(r->body.len + 1);
  if (!k || !b) {
    ampel_free(k);
    ampel_free(b);
    return;
  }
  if (r->body.len)
    memcpy(b, r->body.data, r->body.len);
  pthread_mutex_lock(&c.lock);
  centry *e = &c.slots[slot_of(gen, key)];
  entry_clear(e);
  if (c.total + r->body.len <= CACHE_MAX_TOTAL) {
    e->gen = gen;
    e->key = k;
    e->body = b;
    e->len = r->body.len;
    e->ctype = r->ctype;
    e->disposition = r->disposition;
    e->cache = r->cache;
    c.total += e->len;
    k = b = NULL;
  }
  pthread_mutex_unlock(&c.lock);
  ampel_free(k);
  ampel_free(b);
}

void srv_cache_clear(void) {
  pthread_mutex_lock(&c.lock);
  for (size_t i = 0; i < CACHE_SLOTS; i++)
    entry_clear(&c.slots[i]);
  pthread_mutex_unlock(&c.lock);
}
