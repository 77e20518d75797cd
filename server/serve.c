/* serve.c - `ampel serve` around the connection engine (httpd.c): the
 * shared dataset snapshot, the admin token, the answer to one request
 * (srv_handle), following the Datenstand, and shutdown on SIGINT or
 * SIGTERM. */
#define _GNU_SOURCE /* pthread_timedjoin_np */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ampel/alloc.h"
#include "ampel/analysis.h"
#include "ampel/store.h"
#include "server.h"
#include "util/sha256.h"

/* The one global of the server (STYLE.md §8 allows it in server/). */
static struct {
  pthread_mutex_t lock;
  srv_snapshot *snap;
  const srv_config *cfg;
  char token_hash[65];
  int admin;
  pthread_mutex_t import_lock;
} g = {PTHREAD_MUTEX_INITIALIZER, NULL, NULL, {0}, 0,
       PTHREAD_MUTEX_INITIALIZER};

/* ---- snapshot ------------------------------------------------------------ */

static void snapshot_free(srv_snapshot *s) {
  if (!s)
    return;
  srv_memo_free(s->memo); /* before the context its answers point into */
  ampel_context_free(s->ctx);
  ampel_free(s);
}

/* Opens the store read-only and loads everything into a new snapshot: one
 * analysis context (disclosure control and the universe rule applied
 * once) that every request of this Datenstand reads. */
static ampel_status snapshot_load(const char *db, long datenstand,
                                  srv_snapshot **out, ampel_diags *d) {
  ampel_status st = AMPEL_OK;
  *out = NULL;
  ampel_store *s = ampel_store_open(db, AMPEL_STORE_READONLY, d, &st);
  if (!s)
    return st;
  if (datenstand > 0 &&
      (st = ampel_store_set_datenstand(s, datenstand, d)) != AMPEL_OK) {
    ampel_store_close(s);
    return st;
  }
  srv_snapshot *snap = ampel_calloc(1, sizeof *snap);
  if (!snap) {
    ampel_store_close(s);
    return AMPEL_E_NOMEM;
  }
  st = ampel_context_open(s, AMPEL_CTX_GEOMETRY, &snap->ctx, d);
  ampel_store_close(s);
  if (st != AMPEL_OK) {
    snapshot_free(snap);
    return st;
  }
  snap->ds = ampel_context_dataset(snap->ctx);
  snap->geo = ampel_context_geometry(snap->ctx);
  snprintf(snap->stamp, sizeof snap->stamp, "%s",
           ampel_context_stamp(snap->ctx));
  snprintf(snap->secrecy, sizeof snap->secrecy, "%s",
           ampel_context_disclosure_note(snap->ctx));
  snprintf(snap->digest, sizeof snap->digest, "%s",
           ampel_context_digest(snap->ctx));
  snap->version = ampel_context_version(snap->ctx);
  snap->earlier = strstr(snap->stamp, "früherer Stand") != NULL;
  snap->refs = 1;
  snap->memo = srv_memo_new(); /* NULL: answers are not kept, nothing else */
  static unsigned long generation;
  snap->gen = __atomic_add_fetch(&generation, 1, __ATOMIC_RELAXED);
  *out = snap;
  return AMPEL_OK;
}

static srv_snapshot *snapshot_acquire(void) {
  pthread_mutex_lock(&g.lock);
  srv_snapshot *s = g.snap;
  s->refs++;
  pthread_mutex_unlock(&g.lock);
  return s;
}

static void snapshot_release(srv_snapshot *s) {
  pthread_mutex_lock(&g.lock);
  int last = --s->refs == 0;
  pthread_mutex_unlock(&g.lock);
  if (last)
    snapshot_free(s);
}

/* ---- earlier Datenstände (?datenstand=N) --------------------------------
 * Loaded on demand, one snapshot each, and kept in a small LRU: at most
 * SRV_DS_KEEP of them and SRV_DS_KEEP_BYTES (an estimate, ds_bytes) in
 * all; a bigger one answers its request and is freed. Every reload of the
 * current Datenstand empties the LRU: the footers of the kept ones name
 * the latest Datenstand, and names, units and `shown` are not versioned
 * (docs/daten-im-browser.md). Guarded by g.lock. */
#define SRV_DS_KEEP 4
#define SRV_DS_KEEP_BYTES ((size_t)512 << 20)

static struct {
  srv_snapshot *snap[SRV_DS_KEEP];
  size_t bytes[SRV_DS_KEEP];
  unsigned long used[SRV_DS_KEEP]; /* LRU tick */
  unsigned long tick;
  unsigned long reloads; /* srv_reload count: a load older than it is
                            not kept */
} keep;

/* A generous estimate of a snapshot's memory: the loaded and the shown
 * dataset (value, numerator, denominator, flags per cell of every
 * indicator x period column) and the shapes. */
static size_t ds_bytes(const srv_snapshot *s) {
  size_t cells = ampel_dataset_n_areas(s->ds) *
                 ampel_dataset_n_indicators(s->ds) *
                 ampel_dataset_n_periods(s->ds);
  size_t pts = 0;
  for (size_t i = 0; s->geo && i < ampel_geoset_n(s->geo); i++) {
    const ampel_shape *sh = ampel_geoset_shape_c(s->geo, i);
    pts += sh ? sh->n_points : 0;
  }
  return 2 * 26 * cells + 16 * pts + 512 * ampel_dataset_n_areas(s->ds) +
         (64u << 10);
}

/* Drops kept snapshot i; the caller holds g.lock and frees the returned
 * snapshot (when not NULL) after unlocking. */
static srv_snapshot *keep_drop(size_t i) {
  srv_snapshot *s = keep.snap[i];
  keep.snap[i] = NULL;
  keep.bytes[i] = 0;
  return s && --s->refs == 0 ? s : NULL;
}

/* The snapshot of Datenstand n (n > 0, not the current one) with a
 * reference for the caller, or NULL with the status of loading it
 * (AMPEL_E_USAGE and a message in d for an unknown n). */
static srv_snapshot *snapshot_at(long n, ampel_diags *d, ampel_status *out) {
  pthread_mutex_lock(&g.lock);
  for (size_t i = 0; i < SRV_DS_KEEP; i++)
    if (keep.snap[i] && keep.snap[i]->version == n) {
      srv_snapshot *s = keep.snap[i];
      s->refs++;
      keep.used[i] = ++keep.tick;
      pthread_mutex_unlock(&g.lock);
      *out = AMPEL_OK;
      return s;
    }
  unsigned long reloads = keep.reloads;
  pthread_mutex_unlock(&g.lock);
  srv_snapshot *fresh = NULL;
  *out = snapshot_load(g.cfg->db, n, &fresh, d);
  if (*out != AMPEL_OK)
    return NULL;
  size_t bytes = ds_bytes(fresh);
  srv_snapshot *gone[SRV_DS_KEEP] = {NULL};
  pthread_mutex_lock(&g.lock);
  if (reloads == keep.reloads && bytes <= SRV_DS_KEEP_BYTES) {
    size_t total = bytes, slot = SRV_DS_KEEP;
    for (size_t i = 0; i < SRV_DS_KEEP; i++)
      total += keep.bytes[i];
    for (;;) { /* a free slot within the byte cap, evicting the LRU */
      size_t lru = SRV_DS_KEEP;
      slot = SRV_DS_KEEP;
      for (size_t i = 0; i < SRV_DS_KEEP; i++) {
        if (!keep.snap[i] && slot == SRV_DS_KEEP)
          slot = i;
        if (keep.snap[i] &&
            (lru == SRV_DS_KEEP || keep.used[i] < keep.used[lru]))
          lru = i;
      }
      if (slot < SRV_DS_KEEP && total <= SRV_DS_KEEP_BYTES)
        break;
      total -= keep.bytes[lru];
      gone[lru] = keep_drop(lru);
    }
    fresh->refs++; /* the LRU's reference */
    keep.snap[slot] = fresh;
    keep.bytes[slot] = bytes;
    keep.used[slot] = ++keep.tick;
  }
  pthread_mutex_unlock(&g.lock);
  for (size_t i = 0; i < SRV_DS_KEEP; i++)
    snapshot_free(gone[i]);
  return fresh;
}

ampel_status srv_reload(ampel_diags *diags) {
  srv_snapshot *fresh = NULL;
  ampel_status st = snapshot_load(g.cfg->db, 0, &fresh, diags);
  if (st != AMPEL_OK)
    return st;
  srv_snapshot *gone[SRV_DS_KEEP];
  pthread_mutex_lock(&g.lock);
  srv_snapshot *old = g.snap;
  g.snap = fresh;
  int last = --old->refs == 0;
  keep.reloads++;
  for (size_t i = 0; i < SRV_DS_KEEP; i++)
    gone[i] = keep_drop(i);
  pthread_mutex_unlock(&g.lock);
  if (last)
    snapshot_free(old);
  for (size_t i = 0; i < SRV_DS_KEEP; i++)
    snapshot_free(gone[i]);
  return AMPEL_OK;
}

const char *srv_db_path(void) {
  return g.cfg->db;
}
int srv_admin_enabled(void) {
  return g.admin;
}

/* ---- admin token ----------------------------------------------------------
 */

/* Reads the token (first line, blanks trimmed; at least 16 characters). */
static int load_token(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "ampel serve: Fehler: Token-Datei '%s': %s\n", path,
            strerror(errno));
    return -1;
  }
  struct stat sb;
  if (fstat(fileno(f), &sb) == 0 && (sb.st_mode & 077))
    fprintf(stderr,
            "ampel serve: Warnung: Token-Datei '%s' ist für andere "
            "lesbar (chmod 600 empfohlen)\n",
            path);
  char buf[512];
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = '\0';
  char *p = buf;
  while (*p == ' ' || *p == '\t')
    p++;
  size_t len = strcspn(p, "\r\n");
  while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
    len--;
  if (len < 16) {
    fprintf(stderr,
            "ampel serve: Fehler: Token in '%s' zu kurz (mindestens "
            "16 Zeichen)\n",
            path);
    return -1;
  }
  if (ampel_sha256_hex(p, len, g.token_hash) != AMPEL_OK)
    return -1;
  memset(buf, 0, sizeof buf);
  g.admin = 1;
  return 0;
}

int srv_token_ok(const char *header) {
  if (!g.admin || !header || strncasecmp(header, "Bearer ", 7) != 0)
    return 0;
  /* Compare digests, not the tokens: the time does not depend on where
   * or whether the given token differs. */
  char h[65];
  if (ampel_sha256_hex(header + 7, strlen(header + 7), h) != AMPEL_OK)
    return 0;
  unsigned char diff = 0;
  for (int i = 0; i < 64; i++)
    diff |= (unsigned char)(h[i] ^ g.token_hash[i]);
  return diff == 0;
}

/* ---- requests --------------------------------------------------------------
 */

/* The paths that take uploads of up to --max-upload bytes. */
static const char *const srv_upload_paths[] = {
    "/admin/import",
    "/daten/pruefen",
    "/api/v1/imports",
};

size_t srv_max_upload(void) {
  return g.cfg && g.cfg->max_upload ? g.cfg->max_upload
                                    : (size_t)SRV_MAX_UPLOAD_MB * 1000000u;
}

size_t srv_body_limit(const char *method, const char *target,
                      const srv_head *head) {
  if (strcmp(method, "POST") != 0 && strcmp(method, "PUT") != 0 &&
      strcmp(method, "DELETE") != 0)
    return 0;
  size_t n = strcspn(target, "?");
  for (size_t i = 0; i < sizeof srv_upload_paths / sizeof *srv_upload_paths;
       i++)
    if (strlen(srv_upload_paths[i]) == n &&
        memcmp(target, srv_upload_paths[i], n) == 0)
      /* The I/O thread only looks whether credentials are there; the
       * handler checks them. */
      return head && srv_auth_may_identify(head) ? srv_max_upload() : 0;
  return SRV_MAX_FORM;
}

/* ?datenstand=N: 0 with *snap the snapshot to answer from (the current
 * one, or the kept/loaded one of an earlier N, the reference moved), or
 * -1 after a 400 (not a number) or 404 (no such Datenstand) answer. */
static int choose_datenstand(srv_req *q, srv_resp *r, srv_snapshot **snap) {
  const char *v = srv_get(q, "datenstand");
  if (!v)
    return 0;
  size_t n = strlen(v);
  if (n == 0 || n > 12 || strspn(v, "0123456789") != n)
    return srv_error(q, r, 400,
                     "datenstand: Nummer eines Datenstands erwartet "
                     "(siehe /daten oder 'ampel versions'), gefunden: '%.40s'",
                     v);
  long id = strtol(v, NULL, 10);
  if (id == 0) /* 0 = the current state, as in the store */
    return 0;
  q->datenstand = id;
  if (id == (*snap)->version)
    return 0;
  ampel_diags d;
  ampel_diags_init(&d, 0);
  ampel_status st = AMPEL_OK;
  srv_snapshot *old = snapshot_at(id, &d, &st);
  if (!old) {
    int rc = st == AMPEL_E_USAGE
                 ? srv_error(q, r, 404, "Diesen Datenstand gibt es nicht%s%s.",
                             d.n ? ": " : "", d.n ? d.items[0].message : "")
                 : srv_error_diags(q, r, st, &d,
                                   "Datenstand nicht lesbar; bitte gleich noch "
                                   "einmal versuchen.");
    ampel_diags_release(&d);
    return rc;
  }
  ampel_diags_release(&d);
  snapshot_release(*snap);
  *snap = old;
  q->snap = old;
  q->ds = old->ds;
  return 0;
}

/* The answer to one complete request (a worker thread of httpd.c): the
 * target decoded strictly (url.c), the snapshot of the moment, then the
 * admin upload, 405, the response cache or a handler. */
void srv_handle(const srv_http_req *hr, srv_resp *r) {
  memset(r, 0, sizeof *r);
  r->status = 200;
  r->ctype = "text/html; charset=utf-8";
  ampel_buf_init(&r->body);
  srv_req q;
  memset(&q, 0, sizeof q);
  q.method = hr->method;
  q.auth = hr->auth;
  q.head = hr->head;
  if (hr->peer)
    snprintf(q.peer, sizeof q.peer, "%s", hr->peer);
  q.body = hr->body;
  q.body_len = hr->body ? hr->body_len : 0;
  q.stop = hr->stop;
  q.is_api = strncmp(hr->target, "/api/", 5) == 0;
  size_t store_size = 2 * hr->target_len + 2;
  char *store = ampel_alloc(store_size);
  srv_snapshot *snap = snapshot_acquire();
  q.snap = snap;
  q.ds = snap->ds;
  const char *why = NULL;
  if (!store) {
    q.path = "";
    r->nomem = 1;
  } else if (srv_url_parse(hr->target, hr->target_len, &q, store, store_size,
                           &why) != 0) {
    srv_error(&q, r, 400, "%s", why);
  } else if (choose_datenstand(&q, r, &snap) != 0) {
    /* answered: 400 for a broken number, 404 for an unknown one */
  } else if (strcmp(q.path, "/admin/import") == 0) {
    q.file_data[0] = hr->body ? hr->body : "";
    q.file_lens[0] = hr->body ? hr->body_len : 0;
    h_admin_import(&q, r);
  } else if (strcmp(q.method, "GET") != 0 && strcmp(q.method, "HEAD") != 0) {
    srv_auth_identify(&q);
    srv_dispatch_write(&q, r);
  } else {
    srv_auth_identify(&q);
    /* Only anonymous answers are kept: a signed-in user's page carries the
     * user's name and CSRF token. */
    char key[2 * SRV_MAX_URL + 64];
    int cacheable = q.user.via == SRV_VIA_NONE &&
                    !srv_auth_may_identify(hr->head) &&
                    srv_cache_key(&q, key, sizeof key) == 0;
    if (srv_auth_gate(&q, r) != 0) {
      /* --private: answered (sign-in first) */
    } else if (!cacheable ||
               !srv_cache_get(
                   snap->gen, key,
                   srv_accepts_gzip(srv_header(&q, "Accept-Encoding")),
                   srv_header(&q, "If-None-Match"), r)) {
      srv_dispatch(&q, r);
      if (q.datenstand > 0)
        srv_keep_datenstand(r, q.datenstand);
      /* A stopped computation may have left out a part (a heatmap that
       * "could not be made"): never keep it. */
      if (cacheable && !ampel_stop_requested(q.stop) && !r->nomem &&
          r->headers.len == 0)
        srv_cache_put(snap->gen, key, r);
    }
  }
  snapshot_release(snap);
  ampel_free(q.form_store);
  ampel_free(store);
}

int srv_fast(const srv_http_req *hr, srv_resp *r) {
  if (hr->body ||
      (strcmp(hr->method, "GET") != 0 && strcmp(hr->method, "HEAD") != 0) ||
      srv_auth_may_identify(hr->head) || hr->target_len > SRV_MAX_URL)
    return 0;
  srv_req q;
  memset(&q, 0, sizeof q);
  q.head = hr->head;
  char store[2 * SRV_MAX_URL + 2];
  const char *why;
  if (srv_url_parse(hr->target, hr->target_len, &q, store, sizeof store,
                    &why) != 0 ||
      q.too_many_params)
    return 0; /* the worker answers 400 */
  char key[2 * SRV_MAX_URL + 64];
  if (srv_cache_key(&q, key, sizeof key) != 0)
    return 0;
  pthread_mutex_lock(&g.lock);
  unsigned long gen = g.snap ? g.snap->gen : 0;
  pthread_mutex_unlock(&g.lock);
  return gen &&
         srv_cache_get(gen, key,
                       srv_accepts_gzip(srv_header(&q, "Accept-Encoding")),
                       srv_header(&q, "If-None-Match"), r);
}

static void print_url(const srv_config *cfg, int family, unsigned port) {
  const char *host = cfg->bind;
  printf("ampel serve: http://%s%s%s:%u/\n", family == AF_INET6 ? "[" : "",
         host, family == AF_INET6 ? "]" : "", port);
  printf("%s%s%s; beenden mit Strg+C\n",
         g.snap->stamp[0] ? g.snap->stamp : "Datenstand unbekannt",
         g.admin ? "; Einfuhr über POST /admin/import erlaubt" : "",
         g.admin ? "" : "; nur lesend");
  fflush(stdout);
}

/* The live Datenstand (issue 11): once a second the server asks the store
 * for its data version (SQLite: one small read in WAL mode, no lock on
 * the writers; PostgreSQL: one query) and, when another process committed
 * a new Datenstand, loads it and switches the snapshot atomically. Requests
 * in flight finish on the snapshot they started with; the response cache
 * is keyed by snapshot generation, so no page mixes two Datenstände. */
static void follow_datenstand(ampel_store **watch) {
  ampel_diags d;
  ampel_diags_init(&d, 0);
  if (!*watch) {
    ampel_status st;
    *watch = ampel_store_open(g.cfg->db, AMPEL_STORE_READONLY, &d, &st);
  }
  ampel_data_version v;
  if (*watch && ampel_store_data_version(*watch, &v) == AMPEL_OK) {
    pthread_mutex_lock(&g.lock);
    int changed =
        v.id != g.snap->version || strcmp(v.digest, g.snap->digest) != 0;
    pthread_mutex_unlock(&g.lock);
    if (changed && v.id > 0) {
      ampel_diags_release(&d);
      ampel_diags_init(&d, 0);
      if (srv_reload(&d) == AMPEL_OK)
        fprintf(stderr, "ampel serve: neuer Datenstand %ld geladen\n", v.id);
      else
        for (size_t i = 0; i < d.n; i++)
          fprintf(stderr,
                  "ampel serve: neuer Datenstand %ld nicht "
                  "lesbar: %s\n",
                  v.id, d.items[i].message);
    }
  } else if (*watch) { /* the database went away: try again later */
    ampel_store_close(*watch);
    *watch = NULL;
  }
  ampel_diags_release(&d);
}

/* ---- the overview, computed ahead -----------------------------------------
 * `/` without parameters is the page every visitor opens first. Of many
 * areas it clusters them all (11,000 areas: 2.2 s on the first request,
 * bench/http/cold.sh), so the main thread starts computing it on a thread
 * of its own whenever a new snapshot becomes current, and the answer is
 * kept in that snapshot's memo (srv_precompute): the first visitor waits
 * for the page, not for the clustering. A newer snapshot or the end of
 * the server stops a run still going (its ampel_stop), and so does the
 * compute deadline of a request (--compute-timeout): computing ahead
 * takes no more than a visitor's request may. Only the main thread
 * starts, stops and joins it. */
static struct {
  pthread_t thread;
  int running;              /* started, not yet joined */
  int done;                 /* the thread is finished (atomic) */
  ampel_stop stop;          /* asks a running computation to stop */
  unsigned long gen;        /* the snapshot generation last started */
  struct timespec deadline; /* CLOCK_MONOTONIC */
} ahead;

static void *ahead_main(void *arg) {
  srv_snapshot *s = arg;
  double took = srv_overview_precompute(s, &ahead.stop);
  if (took >= 0.5) { /* German decimal comma, like every figure shown */
    char t[32];
    snprintf(t, sizeof t, "%.1f", took);
    char *dot = strchr(t, '.');
    if (dot)
      *dot = ',';
    fprintf(stderr, "ampel serve: Übersicht vorberechnet (%s s)\n", t);
  }
  snapshot_release(s);
  __atomic_store_n(&ahead.done, 1, __ATOMIC_RELEASE);
  return NULL;
}

/* Stops and joins a run still going; 0, or -1 when it did not end
 * within `seconds` (the caller then must not free what it reads). */
static int ahead_join(int seconds) {
  if (!ahead.running)
    return 0;
  ampel_stop_request(&ahead.stop);
  struct timespec until = srv_realtime_in(1000L * seconds);
  if (pthread_timedjoin_np(ahead.thread, NULL, &until) != 0)
    return -1;
  ahead.running = 0;
  return 0;
}

/* Called by the main thread once a second and after start: a finished
 * run is joined; a new current snapshot gets its run. */
static void ahead_follow(void) {
  if (ahead.running && __atomic_load_n(&ahead.done, __ATOMIC_ACQUIRE)) {
    pthread_join(ahead.thread, NULL);
    ahead.running = 0;
  }
  pthread_mutex_lock(&g.lock);
  srv_snapshot *s = g.snap;
  int fresh = s && s->memo && s->gen != ahead.gen;
  if (fresh)
    s->refs++;
  pthread_mutex_unlock(&g.lock);
  if (!fresh)
    return;
  if (ahead_join(5) != 0) { /* not stopped in time: try again later */
    snapshot_release(s);
    return;
  }
  ahead.gen = s->gen;
  ahead.stop.flag = 0;
  ahead.done = 0;
  clock_gettime(CLOCK_MONOTONIC, &ahead.deadline);
  ahead.deadline.tv_sec +=
      g.cfg->compute_timeout ? g.cfg->compute_timeout : SRV_COMPUTE_TIMEOUT_S;
  if (pthread_create(&ahead.thread, NULL, ahead_main, s) == 0)
    ahead.running = 1;
  else
    snapshot_release(s);
}

/* How long the main thread may wait for a signal: a second, or less when
 * a run computing ahead reaches its deadline sooner (which this stops). */
static struct timespec ahead_wait(void) {
  struct timespec wait = {1, 0}, now;
  if (!ahead.running || __atomic_load_n(&ahead.done, __ATOMIC_ACQUIRE))
    return wait;
  clock_gettime(CLOCK_MONOTONIC, &now);
  long long left_ns =
      (long long)(ahead.deadline.tv_sec - now.tv_sec) * 1000000000LL +
      (ahead.deadline.tv_nsec - now.tv_nsec);
  if (left_ns <= 0) {
    ampel_stop_request(&ahead.stop);
    return wait;
  }
  if (left_ns < 1000000000LL) {
    wait.tv_sec = 0;
    wait.tv_nsec = (long)left_ns;
  }
  return wait;
}

static void print_diags(const ampel_diags *d) {
  for (size_t i = 0; i < d->n; i++)
    fprintf(stderr, "ampel serve: Fehler: %s\n", d->items[i].message);
}

int srv_run(const srv_config *cfg) {
  g.cfg = cfg;
  srv_alloc_install(); /* before any thread: out of memory → 503 */
  if (cfg->token_file && load_token(cfg->token_file) != 0)
    return 2;
  if (srv_auth_setup(cfg) != 0)
    return 2;
  unsigned char addr[16];
  int family = inet_pton(AF_INET, cfg->bind, addr) == 1    ? AF_INET
               : inet_pton(AF_INET6, cfg->bind, addr) == 1 ? AF_INET6
                                                           : -1;
  if (family < 0) {
    fprintf(stderr,
            "ampel serve: Fehler: --bind: IP-Adresse erwartet, "
            "gefunden: '%s'\n",
            cfg->bind);
    return 2;
  }
  ampel_diags d;
  ampel_diags_init(&d, 0);
  ampel_status st = snapshot_load(cfg->db, 0, &g.snap, &d);
  print_diags(&d);
  ampel_diags_release(&d);
  if (st != AMPEL_OK)
    return ampel_status_exit_code(st);
  /* Signals are taken by sigwait in this thread only (the engine's
   * threads inherit the mask). */
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, NULL);
  signal(SIGPIPE, SIG_IGN);
  unsigned port = cfg->port;
  srv_httpd *h = srv_httpd_start(cfg, &port);
  if (!h) {
    snapshot_free(g.snap);
    return 3;
  }
  print_url(cfg, family, port);
  ahead_follow();
  int sig = 0;
  ampel_store *watch = NULL;
  struct timespec wait = ahead_wait();
  while ((sig = sigtimedwait(&set, NULL, &wait)) < 0) {
    if (errno == EAGAIN) {
      follow_datenstand(&watch);
      ahead_follow();
    }
    wait = ahead_wait();
  }
  ampel_store_close(watch);
  fprintf(stderr, "ampel serve: %s erhalten, beende …\n",
          sig == SIGINT ? "SIGINT" : "SIGTERM");
  ampel_stop_request(&ahead.stop); /* stops beside the requests */
  if (srv_httpd_stop(h) != 0 || ahead_join(1) != 0) {
    /* A computation did not stop in time (a phase without a stop
     * check): end anyway, without freeing what it still reads. */
    fprintf(stderr, "ampel serve: beendet (laufende Berechnung "
                    "abgebrochen)\n");
    fflush(stderr);
    _exit(0);
  }
  pthread_mutex_lock(&g.lock);
  srv_snapshot *last = g.snap;
  g.snap = NULL;
  pthread_mutex_unlock(&g.lock);
  snapshot_free(last);
  srv_cache_clear();
  fprintf(stderr, "ampel serve: beendet\n");
  return 0;
}
