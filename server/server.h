/* server.h - `ampel serve`: the dashboard and the JSON API (not part of the
 * library; ARCHITECTURE.md, server).
 *
 * One process, libmicrohttpd with a thread pool. The dataset is loaded once
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

#include "ampel/analysis.h"
#include "ampel/analysis/questions.h"
#include "ampel/buf.h"
#include "ampel/dataset.h"
#include "ampel/error.h"
#include "ampel/geo.h"
#include "ampel/options.h"

/* Limits (docs/api.md, Sicherheit). */
#define SRV_MAX_URL 4096         /* request target incl. query: 414 beyond */
#define SRV_MAX_PARAMS 64        /* query parameters kept (more: 400) */
#define SRV_MAX_BODY (32u << 20) /* admin upload: 413 beyond */
#define SRV_MAX_FILES 8          /* files in one admin upload */
#define SRV_MEMORY_LIMIT (64u << 10) /* per connection: header size cap */
#define SRV_MAX_CONNECTIONS 256
#define SRV_MAX_PER_IP 64
#define SRV_TIMEOUT_S 30

typedef struct srv_config {
  const char *db;         /* database path */
  const char *bind;       /* "127.0.0.1" */
  unsigned port;          /* 0 = ephemeral */
  const char *token_file; /* NULL: read-only */
  unsigned threads;       /* 0 = number of cores */
} srv_config;

/* The data every request reads. Immutable once published. */
typedef struct srv_snapshot {
  ampel_context *ctx;      /* the analysis context of this Datenstand */
  const ampel_dataset *ds; /* = ampel_context_dataset(ctx) */
  const ampel_geoset *geo; /* stored shapes (may hold none) */
  char stamp[160];         /* "Datenstand 3 vom …", "" when unknown */
  char digest[13];         /* data version digest, "" when unknown */
  char secrecy[200];       /* "Geheimhaltung: Werte unter 3 unterdrückt (.)" */
  long version;            /* import id, 0 when unknown */
  unsigned long gen;       /* new for every loaded snapshot (response cache) */
  int refs;                /* guarded by the server's mutex */
} srv_snapshot;

typedef struct srv_param {
  const char *key;
  const char *val;
} srv_param;

typedef struct srv_req {
  const char *method;
  const char *path; /* decoded, without the query */
  srv_param params[SRV_MAX_PARAMS];
  size_t n_params;
  int too_many_params;
  const srv_snapshot *snap;
  const ampel_dataset *ds;
  int is_api;       /* path starts with /api/ (errors as JSON) */
  unsigned svg_seq; /* id prefixes of inlined SVGs */
  const char *auth; /* Authorization header or NULL */
  /* Uploaded files (admin import). */
  size_t n_files;
  const char *file_names[SRV_MAX_FILES];
  const char *file_data[SRV_MAX_FILES];
  size_t file_lens[SRV_MAX_FILES];
} srv_req;

typedef struct srv_resp {
  unsigned status;
  const char *ctype;       /* static string */
  const char *disposition; /* Content-Disposition or NULL (static) */
  const char *cache;       /* Cache-Control or NULL (= no-cache) */
  const char *allow;       /* Allow header for 405, or NULL */
  ampel_buf body;
} srv_resp;

/* ---- route.c ------------------------------------------------------------ */

/* Calls the handler for q->path (404 page when there is none); GET/HEAD. */
void srv_dispatch(srv_req *q, srv_resp *r);

/* ---- cache.c ------------------------------------------------------------ */

/* The request's cache key (path?k=v&...); -1 when it does not fit. */
int srv_cache_key(const srv_req *q, char *out, size_t size);
/* 1 and a filled response on a hit for (snapshot generation, key). */
int srv_cache_get(unsigned long gen, const char *key, srv_resp *r);
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

/* Error response: HTML page (German) or JSON {"error": msg} for the API.
 * Returns -1 so handlers can `return srv_error(...)`. */
int srv_error(const srv_req *q, srv_resp *r, unsigned status, const char *fmt,
              ...) AMPEL_PRINTF(4, 5);
/* The first error of diags as a message (or `fallback`). */
int srv_error_diags(const srv_req *q, srv_resp *r, ampel_status st,
                    const ampel_diags *d, const char *fallback);

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
int h_gebiet(srv_req *q, srv_resp *r);   /* /gebiet/KEY */
int h_kennzahl(srv_req *q, srv_resp *r); /* /kennzahl/KEY */
int h_wechselwirkungen(srv_req *q, srv_resp *r);
int h_bedarf(srv_req *q, srv_resp *r);
int h_methoden(srv_req *q, srv_resp *r);
int h_download_csv(srv_req *q, srv_resp *r); /* /download/werte.csv */
int h_static(srv_req *q, srv_resp *r);       /* /static/NAME */
int h_api(srv_req *q, srv_resp *r);          /* /api/v1/... */
int h_admin_import(srv_req *q, srv_resp *r); /* POST /admin/import */

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
extern const ampel_opt_id
    srv_allocation_ids[]; /* /api/v1/allocation, /bedarf */
extern const size_t srv_n_allocation_ids;

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
