/* server.h - `ampel serve`: the dashboard and the JSON API (not part of the
 * library; ARCHITECTURE.md, server).
 *
 * One process with its own HTTP/1.1 engine (httpd.c: one I/O thread,
 * a pool of workers, deadlines and limits). The dataset is loaded once
 * into a read-only snapshot that every worker thread reads at the same time
 * (dataset.h: safe for concurrent reads). An admin import replaces the
 * snapshot atomically: requests in flight keep the one they started with
 * (reference counted, freed by the last user).
 *
 * Handlers are named h_<route>(); each gets a parsed request and fills a
 * response. They never write to the dataset and never touch the file
 * system; every value from the request is validated (400/404 with a German
 * message), so no input can give a 500.
 */
#ifndef AMPEL_SERVER_H
#define AMPEL_SERVER_H

#include <stddef.h>
#include <stdint.h>
#include <time.h> /* struct timespec */

#include "ampel/analysis.h"
#include "ampel/analysis/questions.h"
#include "ampel/buf.h"
#include "ampel/dataset.h"
#include "ampel/error.h"
#include "ampel/geo.h"
#include "ampel/options.h"

/* Limits (docs/betrieb.md, "Grenzen und Zeitlimits des Servers"). */
#define SRV_MAX_URL 4096         /* request target incl. query: 414 beyond */
#define SRV_MAX_HEAD (32u << 10) /* request line + headers: 431 beyond */
#define SRV_MAX_HEADERS 100      /* header lines: 431 beyond */
#define SRV_MAX_PARAMS 64        /* query parameters kept (more: 400) */
#define SRV_MAX_FILES 8          /* files in one admin upload */
/* Defaults of the settings (cli: --max-connections, ...). */
#define SRV_MAX_CONNECTIONS 1000 /* open connections in all */
#define SRV_MAX_PER_ADDR 128     /* open connections per client address */
#define SRV_REQUEST_TIMEOUT_S 10 /* whole request (head + body) received */
#define SRV_COMPUTE_TIMEOUT_S 10 /* answer computed */
/* Fixed limits of the connection engine (httpd.c). */
#define SRV_SEND_STALL_S 30         /* a client that reads nothing this long */
#define SRV_KEEPALIVE_REQUESTS 1000 /* requests on one connection */
#define SRV_LINGER_MS 2000     /* reading what a refused client still sends */
#define SRV_STOP_GRACE_MS 1500 /* SIGTERM: running answers get this long */

typedef struct srv_config {
  const char *db;           /* database path */
  const char *bind;         /* "127.0.0.1" */
  unsigned port;            /* 0 = ephemeral */
  const char *token_file;   /* NULL: read-only */
  unsigned threads;         /* 0 = number of cores */
  unsigned max_connections; /* 0 = SRV_MAX_CONNECTIONS */
  unsigned max_per_addr;    /* per client address; 0 = no limit */
  unsigned request_timeout; /* seconds; 0 = SRV_REQUEST_TIMEOUT_S */
  unsigned compute_timeout; /* seconds; 0 = SRV_COMPUTE_TIMEOUT_S */
  size_t max_upload;        /* bytes; 0 = SRV_MAX_UPLOAD_MB MB */
  /* CSP frame-ancestors sources (srv_frame_ancestors_check); NULL: 'none' */
  const char *frame_ancestors;
  /* accounts (auth.c, issue 12) */
  int private_mode;           /* --private: every page needs a sign-in */
  const char *public_url;     /* --public-url; https: cookie Secure */
  const char *trusted_header; /* --trusted-header NAME or NULL */
  const char *trusted_proxy;  /* --trusted-proxy ADDR,... or NULL */
} srv_config;

/* 0 when v is a list of at most 16 sources, separated by single spaces,
 * each 'self' or http(s)://HOST[:PORT] (HOST letters, digits, '-', '.',
 * optionally starting with "*."); nothing else, so no CR, LF, ';', ','
 * or quote can reach a header. Else -1 and a German reason in msg. */
int srv_frame_ancestors_check(const char *v, char *msg, size_t size);

/* The data every request reads. Immutable once published. */
/* The CLOCK_REALTIME time `ms` milliseconds from now: the absolute
 * time that pthread_cond_timedwait and pthread_timedjoin_np take. */
struct timespec srv_realtime_in(long ms);

/* Answers kept with a snapshot (server/memo.c). */
typedef struct srv_memo srv_memo;
srv_memo *srv_memo_new(void);
void srv_memo_free(srv_memo *m);
/* The memo key of a query: its canonical form without the options only
 * pages use (seite, suche, sort, gruppe, palette). */
void srv_memo_key(const ampel_query *qu, ampel_buf *out);
/* The kept answer of question qd for key, or NULL. */
const void *srv_memo_get(srv_memo *m, const ampel_question *qd,
                         const char *key);
/* Keeps answer (allocated with ampel_calloc, released with qd->release
 * and ampel_free with the memo): 0 when taken, -1 when not (the memo is
 * full or holds that key already; the caller still owns answer). */
int srv_memo_put(srv_memo *m, const ampel_question *qd, const char *key,
                 void *answer);
/* One answer at a time may be marked as being computed ahead
 * (srv_precompute): 0 when marked, -1 when another one is, when the memo
 * holds that answer already, or out of memory. srv_memo_pending_end clears the
 * mark and wakes the waiters. */
int srv_memo_pending(srv_memo *m, const ampel_question *qd, const char *key);
void srv_memo_pending_end(srv_memo *m);
/* Waits while that answer is being computed ahead (so that a request does
 * not compute it a second time beside it), or until stop is requested;
 * then the kept answer, or NULL (not kept: the caller computes it). */
const void *srv_memo_wait(srv_memo *m, const ampel_question *qd,
                          const char *key, const ampel_stop *stop);

typedef struct srv_snapshot {
  ampel_context *ctx;      /* the analysis context of this Datenstand */
  srv_memo *memo;          /* answers that took long, or NULL (none kept) */
  const ampel_dataset *ds; /* = ampel_context_dataset(ctx) */
  const ampel_geoset *geo; /* stored shapes (may hold none) */
  char stamp[160];         /* "Datenstand 3 vom …", "" when unknown */
  char digest[13];         /* data version digest, "" when unknown */
  char secrecy[200];       /* "Geheimhaltung: Werte unter 3 unterdrückt (.)" */
  long version;            /* import id, 0 when unknown */
  int earlier;             /* an earlier Datenstand (?datenstand=N) */
  unsigned long gen;       /* new for every loaded snapshot (response cache) */
  int refs;                /* guarded by the server's mutex */
} srv_snapshot;

typedef struct srv_param {
  const char *key;
  const char *val;
} srv_param;

/* Who asks (server/auth.c). Roles are ordered: a higher one may do what a
 * lower one may. */
typedef enum {
  SRV_ROLE_NONE,      /* anonymous */
  SRV_ROLE_LESER,     /* may read */
  SRV_ROLE_REDAKTION, /* may also check and import data, edit indicators */
  SRV_ROLE_VERWALTUNG /* may also manage users and settings, roll back */
} srv_role;

/* How the user was identified. */
enum {
  SRV_VIA_NONE,
  SRV_VIA_SESSION,    /* cookie ampel_session: state changes need CSRF */
  SRV_VIA_BEARER,     /* personal API token */
  SRV_VIA_HEADER,     /* --trusted-header from a --trusted-proxy */
  SRV_VIA_ADMIN_TOKEN /* the --admin-token-file token */
};

typedef struct srv_user {
  char name[64];
  srv_role role;
  int via;       /* SRV_VIA_* */
  char csrf[65]; /* the session's CSRF token (SRV_VIA_SESSION) */
} srv_user;

/* Limits of request bodies (serve.c, srv_body_limit). */
#define SRV_MAX_FORM (64u << 10) /* a form or JSON body: 413 beyond */
#define SRV_MAX_UPLOAD_MB 50     /* default of --max-upload */

typedef struct srv_req {
  const char *method;
  const char *path; /* decoded, without the query */
  srv_param params[SRV_MAX_PARAMS];
  size_t n_params;
  int too_many_params;
  const ampel_stop *stop; /* the request's deadline / client gone */
  const srv_snapshot *snap;
  const ampel_dataset *ds;
  int is_api;                  /* path starts with /api/ (errors as JSON) */
  unsigned svg_seq;            /* id prefixes of inlined SVGs */
  const char *auth;            /* Authorization header or NULL */
  const struct srv_head *head; /* every request header (srv_header) */
  char peer[64];               /* the client's address, "127.0.0.1" */
  const char *body;            /* the body of a POST/PUT/DELETE or NULL */
  size_t body_len;
  srv_param form[SRV_MAX_PARAMS]; /* urlencoded form (srv_form_parse) */
  size_t n_form;
  char *form_store; /* decoded form bytes (freed by srv_handle) */
  srv_user user;    /* who asks (srv_auth_identify) */
  long datenstand;  /* ?datenstand=N given (N > 0), else 0 */
  /* Uploaded files (admin import). */
  size_t n_files;
  const char *file_names[SRV_MAX_FILES];
  const char *file_data[SRV_MAX_FILES];
  size_t file_lens[SRV_MAX_FILES];
} srv_req;

/* An immutable, reference-counted response body (cache.c): the cache
 * and every connection sending it hold a reference. */
typedef struct srv_blob {
  int refs; /* atomic */
  size_t len;
  char data[]; /* len bytes and a NUL */
} srv_blob;
srv_blob *srv_blob_new(const char *data, size_t len); /* NULL: no memory */
srv_blob *srv_blob_ref(srv_blob *b);
void srv_blob_unref(srv_blob *b);

typedef struct srv_resp {
  unsigned status;
  const char *ctype;       /* static string */
  const char *disposition; /* Content-Disposition or NULL (static) */
  const char *cache;       /* Cache-Control or NULL (= no-cache) */
  const char *allow;       /* Allow header for 405, or NULL */
  ampel_buf body;
  ampel_buf headers; /* extra lines "Name: value\r\n" (srv_resp_header);
                        a response with any is never cached */
  int nomem;         /* a part could not be made for lack of memory: 503 */
  /* From the cache (cache.c): the body is `blob` instead of `body`. */
  srv_blob *blob;       /* a reference the response owns, or NULL */
  const char *encoding; /* Content-Encoding ("gzip") or NULL */
  int vary;             /* the answer depends on Accept-Encoding */
  char etag[40];        /* ETag value with quotes, or "" */
} srv_resp;

/* ---- http1.c: the request head (RFC 9112) ------------------------------ */

/* One header line of the request (name and value NUL-terminated inside
 * the request buffer; the value without surrounding blanks). */
typedef struct srv_hdr {
  const char *name, *value;
} srv_hdr;

typedef struct srv_head {
  const char *method; /* "GET"; NUL-terminated inside the buffer */
  char *target;       /* raw request target, NUL-terminated */
  size_t target_len;
  int minor;                /* HTTP/1.minor: 0 or 1 */
  size_t len;               /* bytes of the head incl. the empty line */
  long long content_length; /* -1 when absent */
  int transfer_encoding;    /* refused with 501 */
  int has_host;
  int conn_close, conn_keep_alive;   /* Connection: close / keep-alive */
  int expect_continue;               /* Expect: 100-continue */
  const char *auth;                  /* Authorization value or NULL */
  srv_hdr hdrs[SRV_MAX_HEADERS + 1]; /* every header line, in order */
  size_t n_hdrs;
} srv_head;

/* The value of the first header `name` (case-insensitive) or NULL. */
const char *srv_head_get(const srv_head *h, const char *name);

/* Where the search for the end of the head stopped (zero it for every new
 * request), so that a head arriving byte by byte costs linear time. */
typedef struct srv_scan {
  size_t pos;
  size_t first_lf; /* end of the request line + 1, 0 = not seen yet */
} srv_scan;

/* Parses the head at the start of buf[0..n). Returns 0 when more bytes
 * are needed, 1 with *h filled (the head's bytes are modified in place;
 * h->len says where the body or the next request starts), or an HTTP
 * status (400, 414, 417, 431, 501, 505) with a German reason in *why.
 * Limits: SRV_MAX_URL, SRV_MAX_HEAD, SRV_MAX_HEADERS; HTTP/1.1 needs
 * exactly one Host; Content-Length only digits, repeated only equal. */
int srv_head_parse(char *buf, size_t n, srv_scan *sc, srv_head *h,
                   const char **why);

/* ---- url.c: strict decoding of the request target ----------------------- */

/* Percent-decodes s[0..n) into out (room for n + 1 bytes); plus_space
 * turns '+' into ' '. Returns the length, or -1 for a broken escape, a
 * NUL byte or a result that is not UTF-8. */
long srv_url_decode(const char *s, size_t n, int plus_space, char *out);
/* Fills q->path and q->params from the raw target (decoded into `store`,
 * at least 2 * len + 2 bytes). Returns 0, or -1 with a German reason in
 * *why (answer 400). More than SRV_MAX_PARAMS parameters set
 * q->too_many_params. */
int srv_url_parse(const char *target, size_t len, srv_req *q, char *store,
                  size_t store_size, const char **why);

/* ---- httpd.c: the connection engine ------------------------------------- */

/* One complete request as the engine hands it to srv_handle(). */
typedef struct srv_http_req {
  const char *method;
  const char *target; /* raw, NUL-terminated */
  size_t target_len;
  const char *auth; /* Authorization or NULL */
  const struct srv_head *head;
  const char *peer; /* client address as text */
  const char *body; /* NULL unless srv_body_limit() allowed one */
  size_t body_len;
  const ampel_stop *stop;
} srv_http_req;

typedef struct srv_httpd srv_httpd;

/* Listens on cfg->bind:cfg->port and starts the I/O thread and the
 * workers. NULL after printing a German message. *out_port: the port. */
srv_httpd *srv_httpd_start(const srv_config *cfg, unsigned *out_port);
/* Stops accepting, cancels running answers and closes every connection;
 * 0, or -1 when a worker did not finish within SRV_STOP_GRACE_MS (the
 * caller then ends the process without freeing shared state). */
int srv_httpd_stop(srv_httpd *h);

/* serve.c: the answer to one request (runs on a worker thread). */
void srv_handle(const srv_http_req *hr, srv_resp *r);
/* serve.c: 1 when the request is answered from the response cache at
 * once (an anonymous GET/HEAD whose answer is cached), r filled; 0 when
 * it needs a worker. Runs on the I/O thread: never computes. */
int srv_fast(const srv_http_req *hr, srv_resp *r);
/* serve.c: how many body bytes the engine may read for this request: 0
 * when it is answered without reading the body (then the connection is
 * closed afterwards). POST/PUT/DELETE get SRV_MAX_FORM; the upload paths
 * (srv_upload_paths) get --max-upload, but only when the request carries
 * credentials (a session cookie or an Authorization header). A
 * Content-Length beyond the limit is answered 413. */
size_t srv_body_limit(const char *method, const char *target,
                      const struct srv_head *head);
/* The --max-upload limit in bytes (for messages). */
size_t srv_max_upload(void);

/* ---- datenstand.c: ?datenstand=N kept in the links of a page ---------- */

/* Rewrites an HTML answer so that every local link (href, src; not
 * /static/) and every GET form keeps datenstand=n. */
void srv_keep_datenstand(srv_resp *r, long n);

/* ---- route.c ------------------------------------------------------------ */

/* Calls the handler for q->path (404 page when there is none); GET/HEAD.
 * Sets r->nomem when any allocation failed meanwhile (answer 503). */
void srv_dispatch(srv_req *q, srv_resp *r);
/* The same for POST/PUT/DELETE through the table srv_write_routes (route.c):
 * 404 for an unknown path, 405 with Allow for another method. */
void srv_dispatch_write(srv_req *q, srv_resp *r);

/* ---- auth.c: who asks, and may they ------------------------------------- */

/* Fills q->user from the request's credentials. */
void srv_auth_identify(srv_req *q);
/* 1 when the request carries anything srv_auth_identify might know the
 * user by (then its answer is neither taken from nor put into the
 * response cache). */
int srv_auth_may_identify(const struct srv_head *h);
/* For every state-changing request: 0 when q->user has at least role
 * `need` and, when identified by a session, the CSRF token equals
 * form_csrf or the header X-CSRF-Token; otherwise -1 after a 401 (nobody
 * signed in) or 403 answer (HTML page, or JSON under /api/). */
int srv_auth_require(srv_req *q, srv_resp *r, srv_role need,
                     const char *form_csrf);
/* German name of a role ("leser", ...). */
const char *srv_role_name(srv_role role);
/* At start (serve.c): the sign-in settings of cfg; opens the database for
 * writing once (schema migration). 0, or -1 after a message (exit 2). */
int srv_auth_setup(const srv_config *cfg);
/* Every GET/HEAD after srv_auth_identify: with --private, 303 to
 * /anmelden (401 under /api/) for anyone below leser. 0 = go on, -1 =
 * answered. Also gives a proxy-signed-in browser its session cookie. */
int srv_auth_gate(srv_req *q, srv_resp *r);
/* The calling thread's writable store (sessions, audit, accounts), or
 * NULL when the database takes no writes. Closed when the thread ends. */
struct ampel_store *srv_auth_store(void);
/* 1 when signing in is possible and offered (users exist, --private or
 * --trusted-header). */
int srv_accounts_enabled(void);
/* One audit entry: now, q's user and client address, action (a word such
 * as "anmelden", "einfuhr"), detail (printf format, or NULL). A request
 * made with an API token or the admin token says so in the detail. */
void srv_audit(const srv_req *q, const char *action, const char *fmt, ...)
    AMPEL_PRINTF(3, 4);
/* The account part of the page header: name, role, Verwaltung, Abmelden;
 * or "Anmelden" when srv_accounts_enabled(). */
void srv_auth_nav(const srv_req *q, ampel_buf *b);

/* ---- cache.c ------------------------------------------------------------ */

/* The request's cache key (path?k=v&...); -1 when it does not fit. */
int srv_cache_key(const srv_req *q, char *out, size_t size);
/* 1 and a filled response on a hit for (snapshot generation, key): the
 * body as a blob reference (gzip-compressed when gzip_ok and the entry has
 * that form), the ETag, or status 304 without a body when if_none_match
 * (the request's If-None-Match, or NULL) names the entry's ETag. */
int srv_cache_get(unsigned long gen, const char *key, int gzip_ok,
                  const char *if_none_match, srv_resp *r);
/* 1 when an Accept-Encoding value allows gzip (not q=0). */
int srv_accepts_gzip(const char *accept_encoding);
/* Keeps a 200 answer (copied) for later requests. */
void srv_cache_put(unsigned long gen, const char *key, const srv_resp *r);
/* Frees every entry (at shutdown). */
void srv_cache_clear(void);

/* ---- serve.c ------------------------------------------------------------ */

/* Runs the server until SIGINT/SIGTERM; prints the URL to stdout and one
 * access-log line per request to stderr. Returns a process exit code. */
int srv_run(const srv_config *cfg);

/* Replaces the snapshot after an import (admin.c); AMPEL_OK or the status
 * of loading the store (the old snapshot stays then). */
ampel_status srv_reload(ampel_diags *diags);
/* The configured database path and whether admin is enabled. */
const char *srv_db_path(void);
/* 1 when `header` is "Bearer <the admin token>" (constant time). */
int srv_token_ok(const char *header);
int srv_admin_enabled(void);

/* ---- http.c: parameters and responses ---------------------------------- */

/* The value of query parameter `key` (first occurrence) or NULL. Accepts
 * '-' for '_' in the name (base-share = base_share). */
const char *srv_get(const srv_req *q, const char *key);
/* The value of request header `name` (case-insensitive) or NULL. */
const char *srv_header(const srv_req *q, const char *name);
/* Parses an application/x-www-form-urlencoded body into q->form (strict
 * decoding as for the query; at most SRV_MAX_PARAMS fields). 0, or -1
 * after a 400 answer. A request without a body has no fields. */
int srv_form_parse(srv_req *q, srv_resp *r);
/* The value of form field `key` (first occurrence) or NULL. */
const char *srv_form_get(const srv_req *q, const char *key);
/* Adds the header line "name: value" to the response. -1 (nothing added)
 * when the value holds CR, LF or other control characters. */
int srv_resp_header(srv_resp *r, const char *name, const char *fmt, ...)
    AMPEL_PRINTF(3, 4);
/* 303 See Other to a local path (must start with a single '/'); -1
 * otherwise. */
int srv_redirect(srv_resp *r, const char *location);

/* Error response: HTML page (German) or JSON {"error": msg} for the API.
 * Returns -1 so handlers can `return srv_error(...)`. */
int srv_error(const srv_req *q, srv_resp *r, unsigned status, const char *fmt,
              ...) AMPEL_PRINTF(4, 5);
/* The first error of diags as a message (or `fallback`), with the status
 * of srv_http_status(st). */
int srv_error_diags(const srv_req *q, srv_resp *r, ampel_status st,
                    const ampel_diags *d, const char *fallback);
/* The HTTP status of a library status, the one mapping of the server:
 * out of memory, I/O, cancelled and internal errors are 503 (try again),
 * an unknown key 404, anything else about the request 400. */
unsigned srv_http_status(ampel_status st);
/* Out of memory anywhere in an answer makes it a 503: the server's
 * allocator (malloc, the same blocks as the library's default; installed
 * by srv_run before any thread starts) counts failed allocations per
 * thread, srv_dispatch resets the count and marks r->nomem when it grew.
 * A test allocator calls srv_alloc_failed() for each failure it makes. */
void srv_alloc_install(void);
void srv_alloc_failed(void);
void srv_alloc_reset(void);
unsigned srv_alloc_failures(void);

/* Validated parameters. Each returns 0 with *out set (or untouched when the
 * parameter is absent), or -1 after filling an error response. */
int srv_p_level(const srv_req *q, srv_resp *r, const char **out);
int srv_p_period(const srv_req *q, srv_resp *r, const char *key, long *out_id);
int srv_p_indicator(const srv_req *q, srv_resp *r, const char *key,
                    long *out_id);
int srv_p_area(const srv_req *q, srv_resp *r, const char *key, long *out_id);
int srv_p_double(const srv_req *q, srv_resp *r, const char *key, double lo,
                 double hi, double *out);
int srv_p_long(const srv_req *q, srv_resp *r, const char *key, long lo, long hi,
               long *out);
/* One of the words in `allowed` (NULL-terminated); *out = its index. */
int srv_p_enum(const srv_req *q, srv_resp *r, const char *key,
               const char *const *allowed, int *out);
/* indicators=K,K,... as keys (checked to exist: 404 otherwise). The keys
 * point into a copy the caller frees with ampel_free(*out_copy) and the
 * array with ampel_free(*out_keys). */
int srv_p_keys(const srv_req *q, srv_resp *r, const char *key, char ***out_keys,
               size_t *out_n, char **out_copy);

/* Parses the request's parameters through the one option table (the n
 * ids; unknown parameters are ignored): 0, or -1 after a 400 answer with
 * the same message the command line prints ("band: Zahl …"). */
int srv_query(const srv_req *q, srv_resp *r, const ampel_opt_id *ids, size_t n,
              ampel_query *out);

/* parse (the option table) → analyse (one question of the analysis layer)
 * → show. show renders the answer into r (it lives for that call) and
 * returns 0. Returns 0, or -1 after an error answer (400/404/503 with the
 * analysis layer's German message). srv_ask_query takes a parsed query. */
typedef int (*srv_show_fn)(srv_req *q, srv_resp *r, const ampel_query *qu,
                           const void *answer);
int srv_ask(srv_req *q, srv_resp *r, const ampel_opt_id *ids, size_t n,
            const ampel_question *qd, srv_show_fn show);
int srv_ask_query(srv_req *q, srv_resp *r, const ampel_query *qu,
                  const ampel_question *qd, srv_show_fn show);
/* Answers qu on snapshot s ahead of any request and keeps the answer in
 * s's memo when it took as long as srv_ask_query's rule asks (so that the
 * first request finds it). Returns the seconds it took when the answer
 * was kept, else -1 (quicker than that rule, a request was faster, no
 * memo or a full one, stopped, an error). */
double srv_precompute(const srv_snapshot *s, const ampel_query *qu,
                      const ampel_question *qd);

/* Period label by id. */
const char *srv_period_label(const ampel_dataset *ds, size_t id);

/* JSON helpers: a number or null. */
void srv_json_num(ampel_buf *b, double v);

/* ---- page.c: HTML layout ------------------------------------------------- */

enum {
  NAV_OVERVIEW,
  NAV_AREA,
  NAV_INDICATOR,
  NAV_CORR,
  NAV_NEED,
  NAV_METHODS,
  NAV_NONE
};

void page_begin(const srv_req *q, srv_resp *r, const char *title, int nav);
void page_end(const srv_req *q, srv_resp *r);
/* Appends an SVG made by a renderer into the page: drops the XML
 * declaration and prefixes every id (and the references to it) so that
 * several pictures can share one page. */
void page_svg(srv_req *q, ampel_buf *out, const char *svg, size_t len);
/* German number with the indicator's decimals; "." etc. for flags. */
void page_value(ampel_buf *b, const ampel_dataset *ds, size_t area, size_t ind,
                size_t period);
void page_num(ampel_buf *b, double v, int decimals);
/* <select name=…> of the levels / periods with the current one selected. */
void page_select_level(const srv_req *q, ampel_buf *b, const char *current);
void page_select_period(const srv_req *q, ampel_buf *b, const char *name,
                        const char *label, long current, int allow_none);
/* A notice box (role=status) with escaped text. */
void page_note(ampel_buf *b, const char *cls, const char *text);
/* Link to an area/indicator page with escaped key and name. */
void page_area_link(ampel_buf *b, const ampel_dataset *ds, size_t area);
void page_ind_link(ampel_buf *b, const ampel_dataset *ds, size_t ind);
/* URL-encodes s into b (for query strings and paths). */
void page_urlenc(ampel_buf *b, const char *s);
/* German labels of a status and a trend, and the symbol shown with them
 * (never colour alone). */
const char *page_status_label(int status);
const char *page_status_symbol(int status);
const char *page_trend_label(int trend);
const char *page_trend_symbol(int trend);
const char *page_polarity_label(ampel_polarity p);

/* ---- handlers ------------------------------------------------------------ */

int h_overview(srv_req *q, srv_resp *r); /* / */
/* The overview `/` without parameters, computed ahead on s (serve.c calls
 * it on a thread of its own for every new current snapshot); the
 * seconds it took when kept, else -1 (srv_precompute). */
double srv_overview_precompute(const srv_snapshot *s, const ampel_stop *stop);
int h_gebiet(srv_req *q, srv_resp *r);   /* /gebiet/KEY */
int h_kennzahl(srv_req *q, srv_resp *r); /* /kennzahl/KEY */
int h_wechselwirkungen(srv_req *q, srv_resp *r);
int h_bedarf(srv_req *q, srv_resp *r);
int h_methoden(srv_req *q, srv_resp *r);
int h_download_csv(srv_req *q, srv_resp *r); /* /download/werte.csv */
int h_csv_de(srv_req *q, srv_resp *r);       /* /download/werte-excel.csv */
int h_static(srv_req *q, srv_resp *r);       /* /static/NAME */
int h_api(srv_req *q, srv_resp *r);          /* /api/v1/... */
int h_admin_import(srv_req *q, srv_resp *r); /* POST /admin/import */
/* daten.c (issue 12): data management in the browser and the API */
int h_daten(srv_req *q, srv_resp *r);               /* GET /daten */
int h_daten_pruefen(srv_req *q, srv_resp *r);       /* POST /daten/pruefen */
int h_daten_einlesen(srv_req *q, srv_resp *r);      /* POST /daten/einlesen */
int h_daten_zuruecksetzen(srv_req *q, srv_resp *r); /* POST …/zuruecksetzen */
int h_api_imports(srv_req *q, srv_resp *r);         /* /api/v1/imports */
/* auth.c: signing in and out, the administration page */
int h_anmelden(srv_req *q, srv_resp *r);           /* GET /anmelden */
int h_anmelden_post(srv_req *q, srv_resp *r);      /* POST /anmelden */
int h_abmelden(srv_req *q, srv_resp *r);           /* GET /abmelden */
int h_abmelden_post(srv_req *q, srv_resp *r);      /* POST /abmelden */
int h_api_session_post(srv_req *q, srv_resp *r);   /* POST /api/v1/session */
int h_api_session_delete(srv_req *q, srv_resp *r); /* DELETE … */
int h_verwaltung(srv_req *q, srv_resp *r);         /* GET /verwaltung */
int h_verwaltung_benutzer(srv_req *q, srv_resp *r);
int h_verwaltung_einstellungen(srv_req *q, srv_resp *r);
/* kennzahlen.c: the indicators' metadata (GET and POST /daten/kennzahlen) */
int h_daten_kennzahlen(srv_req *q, srv_resp *r);
int h_daten_kennzahlen_post(srv_req *q, srv_resp *r);
/* The pages of /daten: 0 when q->user has role `need`, else -1 after a
 * 401 page (with a link to /anmelden) or a 403 answer. */
int srv_daten_may_see(srv_req *q, srv_resp *r, srv_role need);

/* ---- embedded assets (generated from web/ by server/embed.cmake) ------- */

typedef struct srv_asset {
  const char *name; /* file name in web/ */
  const char *mime;
  const unsigned char *data;
  size_t len;
} srv_asset;
extern const srv_asset srv_assets[];
extern const size_t srv_n_assets;

/* Options of the API routes (api.c), for docs/api.md. */
extern const ampel_opt_id srv_lights_ids[];
extern const size_t srv_n_lights_ids;
extern const ampel_opt_id srv_index_ids[]; /* /api/v1/index */
extern const size_t srv_n_index_ids;
/* The options of the allocation question: /api/v1/allocation takes
 * them, /bedarf them and the result table's page (seite). */
#define SRV_ALLOCATION_OPTS                                                    \
  AMPEL_OPT_NEED_INDICATORS, AMPEL_OPT_LEVEL, AMPEL_OPT_PERIOD,                \
      AMPEL_OPT_MIN_POPULATION, AMPEL_OPT_LEVELS, AMPEL_OPT_TOP_SHARE,         \
      AMPEL_OPT_LEVEL_METHOD, AMPEL_OPT_SENSITIVITY, AMPEL_OPT_SEED,           \
      AMPEL_OPT_BUDGET, AMPEL_OPT_BASE_SHARE, AMPEL_OPT_WEIGHT,                \
      AMPEL_OPT_NEED, AMPEL_OPT_UNIT, AMPEL_OPT_FLOOR, AMPEL_OPT_CAP
extern const ampel_opt_id srv_allocation_ids[]; /* /api/v1/allocation */
extern const size_t srv_n_allocation_ids;
extern const ampel_opt_id srv_bedarf_ids[]; /* /bedarf */
extern const size_t srv_n_bedarf_ids;

/* A route and its query parameters (api_doc.c), for the docs. */
typedef struct srv_route_doc {
  const char *path;
  const ampel_opt_id *ids;
  const size_t *n_ids;
} srv_route_doc;
extern const srv_route_doc srv_route_docs[];
extern const size_t srv_n_route_docs;
extern const ampel_opt_id srv_correlations_ids[]; /* /api/v1/correlations */
extern const size_t srv_n_correlations_ids;
extern const ampel_opt_id srv_lisa_ids[]; /* /api/v1/lisa */
extern const size_t srv_n_lisa_ids;
extern const ampel_opt_id srv_heatmap_ids[];
extern const size_t srv_n_heatmap_ids;
/* Options of the overview `/` (h_overview.c). */
extern const ampel_opt_id srv_overview_ids[];
extern const size_t srv_n_overview_ids;
/* Options of the pages /wechselwirkungen, /kennzahl/KEY, /gebiet/KEY. */
extern const ampel_opt_id srv_wechsel_ids[];
extern const size_t srv_n_wechsel_ids;
extern const ampel_opt_id srv_kennzahl_ids[];
extern const size_t srv_n_kennzahl_ids;
extern const ampel_opt_id srv_gebiet_ids[];
extern const size_t srv_n_gebiet_ids;

/* Sub-route helpers shared between the API and the pages. */
const char *srv_rest(const char *path, const char *prefix);

#endif
