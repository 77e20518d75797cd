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
  uint64_t h =
      ampel_hash_bytes(key, strlen(key)) ^ (gen * 0x9E3779B97F4A7C15ull);
  return (size_t)(h % CACHE_SLOTS);
}

/* Appends s percent-encoded: every byte but unreserved ASCII (letters,
 * digits, "-._~") and a few harmless signs becomes %XX, so '&', '=', '%',
 * '?', control bytes and non-ASCII can never pass for a separator and two
 * different parameter lists never give the same key. Returns the new
 * offset, or size when out does not have room. */
static size_t append_escaped(char *out, size_t off, size_t size,
                             const char *s) {
  static const char hex[] = "0123456789ABCDEF";
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    int plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                (*p >= '0' && *p <= '9') || strchr("-._~:,/", *p);
    size_t need = plain ? 1 : 3;
    if (size - off <= need)
      return size;
    if (plain) {
      out[off++] = (char)*p;
    } else {
      out[off++] = '%';
      out[off++] = hex[*p >> 4];
      out[off++] = hex[*p & 15];
    }
  }
  return off;
}

/* The key is path?k1=v1&k2=v2 with the path and every key and value
 * percent-encoded (append_escaped), so it is unambiguous: the request
 * /?foo=x%26level%3DStadt (one parameter) and /?foo=x&level=Stadt (two)
 * get different keys. */
int srv_cache_key(const srv_req *q, char *out, size_t size) {
  if (size == 0)
    return -1;
  size_t off = append_escaped(out, 0, size, q->path);
  for (size_t i = 0; off < size && i < q->n_params; i++) {
    if (size - off <= 1)
      return -1;
    out[off++] = i ? '&' : '?';
    off = append_escaped(out, off, size, q->params[i].key);
    if (off >= size - 1)
      return -1;
    out[off++] = '=';
    off = append_escaped(out, off, size, q->params[i].val);
  }
  if (off >= size)
    return -1;
  out[off] = '\0';
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
