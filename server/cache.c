/* A small response cache: pages and API answers depend only on the data
 * snapshot and the request (path and parameters), so a repeated request
 * is answered from memory instead of clustering and rendering again.
 *
 * Direct-mapped table of CACHE_SLOTS entries keyed by (snapshot generation,
 * path?query); an entry is replaced when another key hashes to its slot.
 * Only 200 answers up to CACHE_MAX_ENTRY bytes are kept, and all entries
 * together stay under CACHE_MAX_TOTAL. A new snapshot (admin import) has a
 * new generation, so old entries are never served again; they are
 * replaced as their slots are reused. One mutex guards the table.
 *
 * Issue 15 ("pages near nginx"): an entry's body is an immutable,
 * reference-counted blob that a hit hands to the connection without
 * copying; text answers of 1 KiB or more are also kept gzip-compressed
 * (zlib, once, when the entry is made) for clients that accept it; every
 * entry has a strong ETag (generation + FNV-1a of the bytes, "-gz" for
 * the compressed form), so a revalidation with If-None-Match is a 304. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#include "ampel/alloc.h"
#include "server.h"
#include "util/strmap.h"

#define CACHE_SLOTS 1024
#define CACHE_MAX_ENTRY (2u << 20)
#define CACHE_MAX_TOTAL (64u << 20)
#define GZIP_MIN 1024 /* smaller answers are sent as they are */

typedef struct centry {
  unsigned long gen;
  char *key;
  const char *ctype, *disposition, *cache;
  srv_blob *plain, *gz; /* gz NULL: not worth compressing */
  char etag[40];        /* "\"g<gen>-<hash>\"" of the plain bytes */
} centry;

static struct {
  pthread_mutex_t lock;
  centry slots[CACHE_SLOTS];
  size_t total;
} c = {PTHREAD_MUTEX_INITIALIZER, {{0}}, 0};

/* ---- blobs ----------------------------------------------------------------
 */

srv_blob *srv_blob_new(const char *data, size_t len) {
  srv_blob *b = ampel_alloc(sizeof *b + len + 1);
  if (!b)
    return NULL;
  b->refs = 1;
  b->len = len;
  if (len)
    memcpy(b->data, data, len);
  b->data[len] = '\0';
  return b;
}

srv_blob *srv_blob_ref(srv_blob *b) {
  if (b)
    __atomic_add_fetch(&b->refs, 1, __ATOMIC_RELAXED);
  return b;
}

void srv_blob_unref(srv_blob *b) {
  if (b && __atomic_sub_fetch(&b->refs, 1, __ATOMIC_ACQ_REL) == 0)
    ampel_free(b);
}

/* ---- keys -----------------------------------------------------------------
 */

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

/* ---- negotiation ------------------------------------------------------------
 */

/* 1 when an Accept-Encoding value allows gzip: the token "gzip" (or "*")
 * without q=0 (RFC 9110 §12.5.3). */
int srv_accepts_gzip(const char *ae) {
  if (!ae)
    return 0;
  int star = 0;
  for (const char *p = ae; *p;) {
    while (*p == ' ' || *p == '\t' || *p == ',')
      p++;
    const char *tok = p;
    while (*p && *p != ',' && *p != ';' && *p != ' ' && *p != '\t')
      p++;
    size_t n = (size_t)(p - tok);
    double q = 1.0;
    while (*p && *p != ',') { /* parameters: only q matters */
      if ((p[0] == 'q' || p[0] == 'Q') && p[1] == '=') {
        /* q=0, q=0.0, ... refuse; any other weight accepts */
        p += 2;
        int zero = *p == '0';
        while (*p && *p != ',' && *p != ';' && *p != ' ') {
          zero &= *p == '0' || *p == '.';
          p++;
        }
        q = zero ? 0.0 : 1.0;
        continue;
      }
      p++;
    }
    if (n == 4 && strncasecmp(tok, "gzip", 4) == 0)
      return q > 0.0;
    if (n == 1 && *tok == '*')
      star = q > 0.0;
  }
  return star;
}

/* 1 when If-None-Match lists etag (or is "*"); weak tags compare weakly
 * (RFC 9110 §13.1.2). */
static int etag_matches(const char *inm, const char *etag) {
  if (!inm)
    return 0;
  size_t n = strlen(etag);
  for (const char *p = inm; *p;) {
    while (*p == ' ' || *p == '\t' || *p == ',')
      p++;
    if (*p == '*')
      return 1;
    if (p[0] == 'W' && p[1] == '/')
      p += 2;
    if (strncmp(p, etag, n) == 0 &&
        (p[n] == '\0' || p[n] == ',' || p[n] == ' ' || p[n] == '\t'))
      return 1;
    while (*p && *p != ',')
      p++;
  }
  return 0;
}

/* ---- lookup -----------------------------------------------------------------
 */

int srv_cache_get(unsigned long gen, const char *key, int gzip_ok,
                  const char *if_none_match, srv_resp *r) {
  int hit = 0;
  pthread_mutex_lock(&c.lock);
  centry *e = &c.slots[slot_of(gen, key)];
  if (e->key && e->gen == gen && strcmp(e->key, key) == 0) {
    int gz = gzip_ok && e->gz;
    r->status = 200;
    r->ctype = e->ctype;
    r->disposition = e->disposition;
    r->cache = e->cache;
    r->vary = e->gz != NULL;
    r->encoding = gz ? "gzip" : NULL;
    snprintf(r->etag, sizeof r->etag, "%.*s%s\"", (int)strlen(e->etag) - 1,
             e->etag, gz ? "-gz" : "");
    if (etag_matches(if_none_match, r->etag))
      r->status = 304; /* no body */
    else
      r->blob = srv_blob_ref(gz ? e->gz : e->plain);
    hit = 1;
  }
  pthread_mutex_unlock(&c.lock);
  return hit;
}

static void entry_clear(centry *e) {
  if (e->key) {
    c.total -= e->plain->len + (e->gz ? e->gz->len : 0);
    srv_blob_unref(e->plain);
    srv_blob_unref(e->gz);
  }
  ampel_free(e->key);
  memset(e, 0, sizeof *e);
}

/* Text worth compressing: HTML, JSON, SVG, CSV, CSS, JavaScript. */
static int compressible(const char *ctype) {
  static const char *const types[] = {
      "text/", "application/json", "image/svg+xml", "application/javascript"};
  for (size_t i = 0; ctype && i < sizeof types / sizeof *types; i++)
    if (strncmp(ctype, types[i], strlen(types[i])) == 0)
      return 1;
  return 0;
}

/* The gzip form of data (zlib, level 6), or NULL when it would not be at
 * least 10 % smaller or memory is short. */
static srv_blob *gzip_blob(const char *data, size_t len) {
  uLong bound = deflateBound(NULL, (uLong)len) + 32;
  srv_blob *b = ampel_alloc(sizeof *b + bound + 1);
  if (!b)
    return NULL;
  z_stream z;
  memset(&z, 0, sizeof z);
  /* windowBits 15 + 16: a gzip wrapper instead of zlib's */
  if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    ampel_free(b);
    return NULL;
  }
  z.next_in = (Bytef *)(uintptr_t)data;
  z.avail_in = (uInt)len;
  z.next_out = (Bytef *)b->data;
  z.avail_out = (uInt)bound;
  int st = deflate(&z, Z_FINISH);
  size_t out = z.total_out;
  deflateEnd(&z);
  if (st != Z_STREAM_END || out > len - len / 10) {
    ampel_free(b);
    return NULL;
  }
  b->refs = 1;
  b->len = out;
  b->data[out] = '\0';
  return b;
}

void srv_cache_put(unsigned long gen, const char *key, const srv_resp *r) {
  if (r->status != 200 || r->body.failed || r->body.len > CACHE_MAX_ENTRY ||
      r->blob)
    return;
  char *k = ampel_strdup(key);
  srv_blob *plain = srv_blob_new(r->body.data ? r->body.data : "", r->body.len);
  srv_blob *gz = NULL;
  if (plain && r->body.len >= GZIP_MIN && compressible(r->ctype))
    gz = gzip_blob(r->body.data, r->body.len);
  if (!k || !plain) {
    ampel_free(k);
    srv_blob_unref(plain);
    srv_blob_unref(gz);
    return;
  }
  /* FNV-1a of the bytes: the same answer keeps its tag across snapshots
   * only when the generation is the same, which is what a cache needs. */
  uint64_t hsh = 1469598103934665603ull;
  for (size_t i = 0; i < plain->len; i++)
    hsh = (hsh ^ (unsigned char)plain->data[i]) * 1099511628211ull;
  size_t bytes = plain->len + (gz ? gz->len : 0);
  pthread_mutex_lock(&c.lock);
  centry *e = &c.slots[slot_of(gen, key)];
  entry_clear(e);
  if (c.total + bytes <= CACHE_MAX_TOTAL) {
    e->gen = gen;
    e->key = k;
    e->plain = plain;
    e->gz = gz;
    snprintf(e->etag, sizeof e->etag, "\"g%lx-%016llx\"", gen,
             (unsigned long long)hsh);
    e->ctype = r->ctype;
    e->disposition = r->disposition;
    e->cache = r->cache;
    c.total += bytes;
    k = NULL;
    plain = gz = NULL;
  }
  pthread_mutex_unlock(&c.lock);
  ampel_free(k);
  srv_blob_unref(plain);
  srv_blob_unref(gz);
}

void srv_cache_clear(void) {
  pthread_mutex_lock(&c.lock);
  for (size_t i = 0; i < CACHE_SLOTS; i++)
    entry_clear(&c.slots[i]);
  pthread_mutex_unlock(&c.lock);
}
