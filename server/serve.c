/* serve.c - the HTTP side of `ampel serve`: libmicrohttpd with a thread
 * pool, limits, security headers, routing, access log, the shared dataset
 * snapshot and clean shutdown on SIGINT/SIGTERM. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
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

/* Per request (MHD's request closure). */
typedef struct conn {
  struct timespec t0;
  size_t uri_len;
  unsigned status;
  size_t bytes;
  int started;
  int body_too_large;
  ampel_buf body; /* POST body */
} conn;

/* ---- snapshot ------------------------------------------------------------ */

static void snapshot_free(srv_snapshot *s) {
  if (!s)
    return;
  ampel_context_free(s->ctx);
  ampel_free(s);
}

/* Opens the store read-only and loads everything into a new snapshot: one
 * analysis context (disclosure control and the universe rule applied
 * once) that every request of this Datenstand reads. */
static ampel_status snapshot_load(const char *db, srv_snapshot **out,
                                  ampel_diags *d) {
  ampel_status st = AMPEL_OK;
  *out = NULL;
  ampel_store *s = ampel_store_open(db, AMPEL_STORE_READONLY, d, &st);
  if (!s)
    return st;
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
  snap->refs = 1;
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

ampel_status srv_reload(ampel_diags *diags) {
  srv_snapshot *fresh = NULL;
  ampel_status st = snapshot_load(g.cfg->db, &fresh, diags);
  if (st != AMPEL_OK)
    return st;
  pthread_mutex_lock(&g.lock);
  srv_snapshot *old = g.snap;
  g.snap = fresh;
  int last = --old->refs == 0;
  pthread_mutex_unlock(&g.lock);
  if (last)
    snapshot_free(old);
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

static double ms_since(const struct timespec *t0) {
  struct timespec t1;
  clock_gettime(CLOCK_MONOTONIC, &t1);
  return (t1.tv_sec - t0->tv_sec) * 1e3 + (t1.tv_nsec - t0->tv_nsec) / 1e6;
}

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c) {
  (void)cls;
  (void)c;
  conn *k = calloc(1, sizeof *k);
  if (!k)
    return NULL;
  clock_gettime(CLOCK_MONOTONIC, &k->t0);
  k->uri_len = uri ? strlen(uri) : 0;
  ampel_buf_init(&k->body);
  k->body.limit = SRV_MAX_BODY;
  return k;
}

static void on_done(void *cls, struct MHD_Connection *c, void **con_cls,
                    enum MHD_RequestTerminationCode toe) {
  (void)cls;
  (void)toe;
  (void)c;
  conn *k = *con_cls;
  if (!k)
    return;
  ampel_buf_release(&k->body);
  free(k);
  *con_cls = NULL;
}

static void add_headers(struct MHD_Response *resp, const srv_resp *r) {
  MHD_add_response_header(resp, "Content-Type", r->ctype);
  MHD_add_response_header(resp, "Content-Security-Policy",
                          "default-src 'self'; script-src 'self'; "
                          "style-src 'self'; img-src 'self' data:; "
                          "frame-ancestors 'none'; base-uri 'none'; "
                          "form-action 'self'");
  MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
  MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
  MHD_add_response_header(resp, "X-Frame-Options", "DENY");
  MHD_add_response_header(resp, "Cache-Control",
                          r->cache ? r->cache : "no-cache");
  if (r->disposition)
    MHD_add_response_header(resp, "Content-Disposition", r->disposition);
  if (r->allow)
    MHD_add_response_header(resp, "Allow", r->allow);
  if (r->status >= 400 && r->status != 404)
    MHD_add_response_header(resp, "Connection", "close");
}

static void free_cb(void *p) {
  ampel_free(p);
}

static enum MHD_Result send_resp(struct MHD_Connection *c, conn *k,
                                 srv_resp *r) {
  if (r->body.failed) {
    ampel_buf_release(&r->body);
    ampel_buf_init(&r->body);
    r->status = 503;
    r->ctype = "text/plain; charset=utf-8";
    ampel_buf_puts(&r->body, "Zu wenig Speicher; bitte später erneut.\n");
  }
  size_t len = r->body.len;
  char *data = r->body.data;
  r->body.data = NULL;
  struct MHD_Response *resp =
      MHD_create_response_from_buffer_with_free_callback(
          len, data ? data : (char *)"", data ? free_cb : NULL);
  if (!resp) {
    ampel_free(data);
    return MHD_NO;
  }
  add_headers(resp, r);
  k->status = r->status;
  k->bytes = len;
  enum MHD_Result ret = MHD_queue_response(c, r->status, resp);
  MHD_destroy_response(resp);
  ampel_buf_release(&r->body);
  return ret;
}

static enum MHD_Result collect_param(void *cls, enum MHD_ValueKind kind,
                                     const char *key, const char *value) {
  (void)kind;
  srv_req *q = cls;
  if (q->n_params >= SRV_MAX_PARAMS) {
    q->too_many_params = 1;
    return MHD_NO;
  }
  q->params[q->n_params].key = key ? key : "";
  q->params[q->n_params].val = value ? value : "";
  q->n_params++;
  return MHD_YES;
}

static void req_init(srv_req *q, struct MHD_Connection *c, const char *method,
                     const char *url) {
  memset(q, 0, sizeof *q);
  q->method = method;
  q->path = url;
  q->is_api = strncmp(url, "/api/", 5) == 0;
  MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, collect_param, q);
  q->auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                        MHD_HTTP_HEADER_AUTHORIZATION);
}

static void resp_init(srv_resp *r) {
  memset(r, 0, sizeof *r);
  r->status = 200;
  r->ctype = "text/html; charset=utf-8";
  ampel_buf_init(&r->body);
}

/* Handles a request whose body (if any) is complete. */
static enum MHD_Result handle(struct MHD_Connection *c, conn *k,
                              const char *method, const char *url) {
  srv_req q;
  srv_resp r;
  req_init(&q, c, method, url);
  resp_init(&r);
  srv_snapshot *snap = snapshot_acquire();
  q.snap = snap;
  q.ds = snap->ds;
  if (k->uri_len > SRV_MAX_URL) {
    srv_error(&q, &r, 414, "Die Adresse ist zu lang (höchstens %d Zeichen).",
              SRV_MAX_URL);
  } else if (k->body_too_large) {
    srv_error(&q, &r, 413, "Die Daten sind zu groß (höchstens %u MiB).",
              SRV_MAX_BODY >> 20);
  } else if (strcmp(url, "/admin/import") == 0) {
    q.file_data[0] = k->body.data ? k->body.data : "";
    q.file_lens[0] = k->body.len;
    h_admin_import(&q, &r);
  } else if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
    r.allow = "GET, HEAD";
    srv_error(&q, &r, 405, "Methode %s ist hier nicht erlaubt.", method);
  } else {
    char key[2 * SRV_MAX_URL + 64];
    int cacheable = srv_cache_key(&q, key, sizeof key) == 0;
    if (!cacheable || !srv_cache_get(snap->gen, key, &r)) {
      srv_dispatch(&q, &r);
      if (cacheable)
        srv_cache_put(snap->gen, key, &r);
    }
  }
  enum MHD_Result ret = send_resp(c, k, &r);
  snapshot_release(snap);
  return ret;
}

/* Log line with the request's method and path (called once per request
 * from the access handler's final call). */
static void access_log(const conn *k, const char *method, const char *url) {
  char when[32], path[301];
  time_t now = time(NULL);
  struct tm tm;
  gmtime_r(&now, &tm);
  strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
  size_t i = 0;
  for (; url[i] && i < sizeof path - 1; i++) {
    unsigned char ch = (unsigned char)url[i];
    path[i] = ch < 0x20 || ch == 0x7f || ch == ' ' ? '?' : (char)ch;
  }
  path[i] = '\0';
  fprintf(stderr, "%s %s %s %u %zu %.1fms\n", when, method, path, k->status,
          k->bytes, ms_since(&k->t0));
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c,
                                  const char *url, const char *method,
                                  const char *version, const char *upload,
                                  size_t *upload_size, void **con_cls) {
  (void)cls;
  (void)version;
  conn *k = *con_cls;
  if (!k)
    return MHD_NO;
  int is_post = strcmp(method, "POST") == 0;
  if (!k->started) {
    k->started = 1;
    /* Refuse a body we would not read before it is sent. */
    if (is_post && strcmp(url, "/admin/import") == 0 && g.admin &&
        srv_token_ok(MHD_lookup_connection_value(
            c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION))) {
      const char *cl = MHD_lookup_connection_value(
          c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
      if (cl && strtoull(cl, NULL, 10) > SRV_MAX_BODY)
        k->body_too_large = 1;
      else
        return MHD_YES; /* read the body first */
    }
  } else if (*upload_size) {
    if (!k->body_too_large) {
      ampel_buf_append(&k->body, upload, *upload_size);
      if (k->body.failed)
        k->body_too_large = 1;
    }
    *upload_size = 0;
    return MHD_YES;
  }
  enum MHD_Result ret = handle(c, k, method, url);
  access_log(k, method, url);
  return ret;
}

/* ---- startup and shutdown
 * ---------------------------------------------------- */

static int parse_bind(const char *bind, unsigned port,
                      struct sockaddr_storage *ss) {
  memset(ss, 0, sizeof *ss);
  struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
  struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
  if (inet_pton(AF_INET, bind, &a4->sin_addr) == 1) {
    a4->sin_family = AF_INET;
    a4->sin_port = htons((uint16_t)port);
    return AF_INET;
  }
  if (inet_pton(AF_INET6, bind, &a6->sin6_addr) == 1) {
    a6->sin6_family = AF_INET6;
    a6->sin6_port = htons((uint16_t)port);
    return AF_INET6;
  }
  return -1;
}

static void mhd_log(void *cls, const char *fmt, va_list ap) AMPEL_PRINTF(2, 0);
static void mhd_log(void *cls, const char *fmt, va_list ap) {
  (void)cls;
  fputs("ampel serve: libmicrohttpd: ", stderr);
  vfprintf(stderr, fmt, ap);
}

static struct MHD_Daemon *start(const srv_config *cfg, int family,
                                struct sockaddr_storage *ss) {
  unsigned threads = cfg->threads;
  if (!threads) {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    threads = n > 0 ? (unsigned)n : 1;
  }
  unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;
  if (family == AF_INET6)
    flags |= MHD_USE_IPv6;
  return MHD_start_daemon(
      flags, (uint16_t)cfg->port, NULL, NULL, on_request, NULL,
      MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL, MHD_OPTION_SOCK_ADDR,
      (struct sockaddr *)ss, MHD_OPTION_THREAD_POOL_SIZE, threads,
      MHD_OPTION_CONNECTION_LIMIT, (unsigned)SRV_MAX_CONNECTIONS,
      MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)SRV_MAX_PER_IP,
      MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)SRV_MEMORY_LIMIT,
      MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)SRV_TIMEOUT_S,
      MHD_OPTION_URI_LOG_CALLBACK, on_uri, NULL, MHD_OPTION_NOTIFY_COMPLETED,
      on_done, NULL, MHD_OPTION_LISTENING_ADDRESS_REUSE, 1U, MHD_OPTION_END);
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
    int changed = v.id != g.snap->version ||
                  strcmp(v.digest, g.snap->digest) != 0;
    pthread_mutex_unlock(&g.lock);
    if (changed && v.id > 0) {
      ampel_diags_release(&d);
      ampel_diags_init(&d, 0);
      if (srv_reload(&d) == AMPEL_OK)
        fprintf(stderr, "ampel serve: neuer Datenstand %ld geladen\n", v.id);
      else
        for (size_t i = 0; i < d.n; i++)
          fprintf(stderr, "ampel serve: neuer Datenstand %ld nicht "
                          "lesbar: %s\n", v.id, d.items[i].message);
    }
  } else if (*watch) { /* the database went away: try again later */
    ampel_store_close(*watch);
    *watch = NULL;
  }
  ampel_diags_release(&d);
}

static void print_diags(const ampel_diags *d) {
  for (size_t i = 0; i < d->n; i++)
    fprintf(stderr, "ampel serve: Fehler: %s\n", d->items[i].message);
}

int srv_run(const srv_config *cfg) {
  g.cfg = cfg;
  if (cfg->token_file && load_token(cfg->token_file) != 0)
    return 2;
  struct sockaddr_storage ss;
  int family = parse_bind(cfg->bind, cfg->port, &ss);
  if (family < 0) {
    fprintf(stderr,
            "ampel serve: Fehler: --bind: IP-Adresse erwartet, "
            "gefunden: '%s'\n",
            cfg->bind);
    return 2;
  }
  ampel_diags d;
  ampel_diags_init(&d, 0);
  ampel_status st = snapshot_load(cfg->db, &g.snap, &d);
  print_diags(&d);
  ampel_diags_release(&d);
  if (st != AMPEL_OK)
    return ampel_status_exit_code(st);
  /* Signals are taken by sigwait in this thread only. */
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, NULL);
  signal(SIGPIPE, SIG_IGN);
  struct MHD_Daemon *dm = start(cfg, family, &ss);
  if (!dm) {
    fprintf(stderr,
            "ampel serve: Fehler: kann nicht auf %s:%u lauschen "
            "(Port belegt?)\n",
            cfg->bind, cfg->port);
    snapshot_free(g.snap);
    return 3;
  }
  const union MHD_DaemonInfo *di =
      MHD_get_daemon_info(dm, MHD_DAEMON_INFO_BIND_PORT);
  print_url(cfg, family, di ? di->port : cfg->port);
  int sig = 0;
  ampel_store *watch = NULL;
  const struct timespec second = {1, 0};
  while ((sig = sigtimedwait(&set, NULL, &second)) < 0)
    if (errno == EAGAIN)
      follow_datenstand(&watch);
  ampel_store_close(watch);
  fprintf(stderr, "ampel serve: %s erhalten, beende …\n",
          sig == SIGINT ? "SIGINT" : "SIGTERM");
  MHD_stop_daemon(dm);
  pthread_mutex_lock(&g.lock);
  srv_snapshot *last = g.snap;
  g.snap = NULL;
  pthread_mutex_unlock(&g.lock);
  snapshot_free(last);
  srv_cache_clear();
  fprintf(stderr, "ampel serve: beendet\n");
  return 0;
}
