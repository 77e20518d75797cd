/* Unit tests for the dashboard's handlers without the network (server/
 * without serve.c and httpd.c, linked in by CMakeLists.txt):
 *  - out of memory anywhere in an answer is a 503, never a 200 page
 *    without a figure or a 400 "Heatmap nicht möglich." (issue 16 item
 *    10): every route runs with the k-th and every later allocation
 *    failing, for every k;
 *  - an admin import that was saved but could not be shown says so
 *    (issue 16 item 12), one that failed says "nichts gespeichert";
 *  - the strict decoding of the request target (url.c) and the request
 *    head parser (http1.c) on hand-made cases. */
/* cmocka.h needs these first */
/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */

#include <stdlib.h>
#include <string.h>

#include "ampel/alloc.h"
#include "ampel/import.h"
#include "ampel/store.h"
#include "server.h"
#define TMPDB_PREFIX "ampel-server"
#include "tmpdb.h"

/* ---- what serve.c would provide ------------------------------------------
 */

static tmpdb db;
static ampel_status reload_status = AMPEL_OK;

ampel_status srv_reload(ampel_diags *diags) {
  if (reload_status != AMPEL_OK)
    ampel_diags_error(diags, reload_status, "Datenbank gerade nicht lesbar");
  return reload_status;
}
const char *srv_db_path(void) {
  return db.path;
}
int srv_admin_enabled(void) {
  return 1;
}
int srv_token_ok(const char *header) {
  return header != NULL;
}
size_t srv_max_upload(void) {
  return 50000000u;
}

static srv_snapshot snap;

static const char areas[] =
    "key;name;parent;level;population;tile_row;tile_col\n"
    "C;Stadt <b>;;Stadt;1000;;\n"
    "A;A & B;C;Stadtteil;400;0;0\n"
    "B;Bär;C;Stadtteil;300;0;1\n"
    "D;D;C;Stadtteil;200;1;0\n"
    "E;E;C;Stadtteil;100;1;1\n";
static const char inds[] = "key;name;unit;polarity;domain\n"
                           "x;X;%;higher_is_better;Bildung\n"
                           "y;Y;Anzahl;higher_is_worse;Soziales\n"
                           "z;Z;Anzahl;neutral;Soziales\n";
static const char vals[] =
    "area;indicator;period;value\n"
    "C;x;2022;50\nA;x;2022;40\nB;x;2022;60\nD;x;2022;55\nE;x;2022;45\n"
    "A;y;2022;3\nB;y;2022;5\nD;y;2022;1\nE;y;2022;9\n"
    "A;z;2022;7\nB;z;2022;8\nD;z;2022;6\nE;z;2022;2\n"
    "C;x;2023;52\nA;x;2023;45\nB;x;2023;58\nD;x;2023;50\nE;x;2023;61\n"
    "A;y;2023;2\nB;y;2023;6\nD;y;2023;4\nE;y;2023;8\n";

static int setup(void **state) {
  (void)state;
  tmpdb_make(&db);
  ampel_diags d;
  ampel_diags_init(&d, 0);
  ampel_status st;
  ampel_store *s = ampel_store_open(db.path, AMPEL_STORE_CREATE, &d, &st);
  const char *names[] = {"gebiete.csv", "kennzahlen.csv", "werte.csv"};
  const char *data[] = {areas, inds, vals};
  size_t lens[] = {sizeof areas - 1, sizeof inds - 1, sizeof vals - 1};
  ampel_import_options opt;
  memset(&opt, 0, sizeof opt);
  if (!s || ampel_import_buffers(s, names, data, lens, 3, &opt, NULL, &d) ||
      ampel_context_open(s, AMPEL_CTX_GEOMETRY, &snap.ctx, &d))
    return -1;
  ampel_store_close(s);
  ampel_diags_release(&d);
  snap.ds = ampel_context_dataset(snap.ctx);
  snap.geo = ampel_context_geometry(snap.ctx);
  snap.gen = 1;
  return 0;
}

static int teardown(void **state) {
  (void)state;
  ampel_context_free(snap.ctx);
  tmpdb_remove(&db);
  return 0;
}

/* ---- a failing allocator ---------------------------------------------------
 */

static long fail_from = -1; /* the request that fails first; -1: none */
static long n_requests;

static int should_fail(void) {
  long k = n_requests++;
  if (fail_from >= 0 && k >= fail_from) {
    srv_alloc_failed(); /* as the server's own allocator does */
    return 1;
  }
  return 0;
}
static void *t_alloc(size_t n, void *ud) {
  (void)ud;
  return should_fail() ? NULL : malloc(n ? n : 1);
}
static void *t_realloc(void *p, size_t n, void *ud) {
  (void)ud;
  return should_fail() ? NULL : realloc(p, n ? n : 1);
}
static void t_free(void *p, void *ud) {
  (void)ud;
  free(p);
}

/* One request as srv_handle makes it; the status the client would get
 * (httpd.c turns r->nomem and a failed body into 503). */
static unsigned ask(char *target, ampel_buf *body) {
  char store[1024];
  srv_req q;
  memset(&q, 0, sizeof q);
  q.method = "GET";
  q.snap = &snap;
  q.ds = snap.ds;
  q.is_api = strncmp(target, "/api/", 5) == 0;
  const char *why = NULL;
  assert_int_equal(
      srv_url_parse(target, strlen(target), &q, store, sizeof store, &why), 0);
  srv_resp r;
  memset(&r, 0, sizeof r);
  r.status = 200;
  ampel_buf_init(&r.body);
  srv_dispatch(&q, &r);
  unsigned st = r.nomem || r.body.failed ? 503 : r.status;
  if (body) {
    *body = r.body;
    return st;
  }
  ampel_buf_release(&r.body);
  return st;
}

static const char *const ROUTES[] = {
    "/",
    "/?level=Stadtteil&palette=grau",
    "/gebiet/",
    "/gebiet/A",
    "/kennzahl/",
    "/kennzahl/x",
    "/wechselwirkungen",
    "/wechselwirkungen?x=x&y=y",
    "/bedarf",
    "/bedarf?sensitivity=5",
    "/methoden",
    "/download/werte.csv",
    "/static/ampel.css",
    "/api/v1/areas",
    "/api/v1/indicators",
    "/api/v1/periods",
    "/api/v1/values",
    "/api/v1/lights",
    "/api/v1/heatmap",
    "/api/v1/index",
    "/api/v1/allocation",
    "/api/v1/correlations",
};

static void test_out_of_memory_is_503(void **state) {
  (void)state;
  static const ampel_allocator a = {t_alloc, t_realloc, t_free, NULL};
  for (size_t i = 0; i < sizeof ROUTES / sizeof ROUTES[0]; i++) {
    char target[256];
    snprintf(target, sizeof target, "%s", ROUTES[i]);
    fail_from = -1;
    n_requests = 0;
    ampel_set_allocator(&a);
    unsigned ok = ask(target, NULL);
    long total = n_requests;
    ampel_set_allocator(NULL);
    if (ok != 200)
      fail_msg("%s: %u without a failure", ROUTES[i], ok);
    assert_true(total > 0);
    for (long k = 0; k < total; k++) {
      snprintf(target, sizeof target, "%s", ROUTES[i]);
      fail_from = k;
      n_requests = 0;
      ampel_set_allocator(&a);
      unsigned st = ask(target, NULL);
      ampel_set_allocator(NULL);
      if (st != 503)
        fail_msg("%s: allocation %ld of %ld fails: %u instead of 503",
                 ROUTES[i], k, total, st);
    }
  }
  fail_from = -1;
}

static void test_status_mapping(void **state) {
  (void)state;
  assert_int_equal(srv_http_status(AMPEL_E_NOMEM), 503);
  assert_int_equal(srv_http_status(AMPEL_E_IO), 503);
  assert_int_equal(srv_http_status(AMPEL_E_CANCELLED), 503);
  assert_int_equal(srv_http_status(AMPEL_E_NOT_FOUND), 404);
  assert_int_equal(srv_http_status(AMPEL_E_DATA), 400);
  assert_int_equal(srv_http_status(AMPEL_E_USAGE), 400);
}

/* ---- admin import ----------------------------------------------------------
 */

static unsigned admin(const char *csv, ampel_buf *out) {
  char target[] = "/admin/import?name=neu.csv";
  char store[256];
  srv_req q;
  memset(&q, 0, sizeof q);
  q.method = "POST";
  q.auth = "Bearer x";
  q.snap = &snap;
  q.ds = snap.ds;
  const char *why;
  assert_int_equal(
      srv_url_parse(target, strlen(target), &q, store, sizeof store, &why), 0);
  q.file_data[0] = csv;
  q.file_lens[0] = strlen(csv);
  srv_resp r;
  memset(&r, 0, sizeof r);
  r.status = 200;
  ampel_buf_init(&r.body);
  h_admin_import(&q, &r);
  *out = r.body;
  return r.status;
}

static void test_admin_saved_but_not_shown(void **state) {
  (void)state;
  ampel_buf b;
  reload_status = AMPEL_E_IO;
  unsigned st = admin("area;indicator;period;value\nA;x;2024;41\n", &b);
  reload_status = AMPEL_OK;
  assert_int_equal(st, 200);
  assert_non_null(strstr(b.data, "\"imported\": true"));
  assert_non_null(strstr(b.data, "\"shown\": false"));
  assert_non_null(strstr(b.data, "Gespeichert"));
  assert_null(strstr(b.data, "nichts gespeichert"));
  ampel_buf_release(&b);
  /* it was saved indeed: the store has the new period */
  ampel_store *s = open_ok(db.path, AMPEL_STORE_READONLY);
  ampel_dataset *ds = load(s, AMPEL_LOAD_META_ONLY);
  assert_true(ampel_dataset_find_period(ds, "2024") >= 0);
  ampel_dataset_free(ds);
  ampel_store_close(s);
  st = admin("area;indicator;period;value\nA;x;2025;42\n", &b);
  assert_int_equal(st, 200);
  assert_non_null(strstr(b.data, "\"shown\": true"));
  ampel_buf_release(&b);
  st = admin("area;indicator;period;value\nNIRGENDS;x;2025;1\n", &b);
  assert_int_equal(st, 400);
  assert_non_null(strstr(b.data, "nichts gespeichert"));
  ampel_buf_release(&b);
}

/* ---- url.c and http1.c -----------------------------------------------------
 */

static int url_ok(const char *t, srv_req *q, char *store, size_t size) {
  const char *why = NULL;
  memset(q, 0, sizeof *q);
  int rc = srv_url_parse(t, strlen(t), q, store, size, &why);
  if (rc != 0)
    assert_non_null(why);
  return rc == 0;
}

static void test_url_decoding(void **state) {
  (void)state;
  char store[512];
  srv_req q;
  assert_true(
      url_ok("/gebiet/GE%2DM?a=%C3%84+b&&c&d=", &q, store, sizeof store));
  assert_string_equal(q.path, "/gebiet/GE-M");
  assert_int_equal(q.n_params, 3);
  assert_string_equal(q.params[0].key, "a");
  assert_string_equal(q.params[0].val, "\xC3\x84 b");
  assert_string_equal(q.params[1].key, "c");
  assert_string_equal(q.params[1].val, "");
  assert_string_equal(q.params[2].key, "d");
  assert_true(url_ok("/a+b", &q, store, sizeof store));
  assert_string_equal(q.path, "/a+b"); /* '+' is a space only in a query */
  const char *bad[] = {"/gebiet/GE%00xyz",
                       "/?period=%00%ff%fe",
                       "/?area=%00",
                       "/x%",
                       "/x%4",
                       "/x%zz",
                       "/%C3",
                       "/%C0%80",       /* overlong */
                       "/%ED%A0%80",    /* surrogate */
                       "/%F4%90%80%80", /* > U+10FFFF */
                       "/?k%00=1",
                       "gebiet",
                       ""};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    if (url_ok(bad[i], &q, store, sizeof store))
      fail_msg("'%s' accepted", bad[i]);
  char many[1024] = "/?";
  for (int i = 0; i < SRV_MAX_PARAMS + 1; i++)
    strcat(many, "a&");
  assert_true(url_ok(many, &q, store, sizeof store));
  assert_true(q.too_many_params);
}

static int head(const char *text, srv_head *h, const char **why) {
  static char buf[SRV_MAX_HEAD + 64];
  size_t n = strlen(text);
  memcpy(buf, text, n);
  srv_scan sc;
  memset(&sc, 0, sizeof sc);
  return srv_head_parse(buf, n, &sc, h, why);
}

static void test_head_parser(void **state) {
  (void)state;
  srv_head h;
  const char *why;
  assert_int_equal(head("GET /a?b=c HTTP/1.1\r\nHost: x\r\n"
                        "Connection: Keep-Alive, Close\r\n"
                        "Authorization: Bearer t  \r\n\r\nNEXT",
                        &h, &why),
                   1);
  assert_string_equal(h.method, "GET");
  assert_string_equal(h.target, "/a?b=c");
  assert_int_equal(h.minor, 1);
  assert_true(h.conn_close && h.conn_keep_alive);
  assert_string_equal(h.auth, "Bearer t");
  assert_int_equal(h.content_length, -1);
  assert_int_equal(h.len, strlen("GET /a?b=c HTTP/1.1\r\nHost: x\r\n"
                                 "Connection: Keep-Alive, Close\r\n"
                                 "Authorization: Bearer t  \r\n\r\n"));
  /* LF only and leading empty lines; HTTP/1.0 needs no Host */
  assert_int_equal(
      head("\r\n\nGET / HTTP/1.0\nContent-Length: 12\n\n", &h, &why), 1);
  assert_int_equal(h.minor, 0);
  assert_int_equal(h.content_length, 12);
  /* incomplete */
  assert_int_equal(head("GET / HTTP/1.1\r\nHost: x\r\n", &h, &why), 0);
  struct {
    const char *text;
    int status;
  } bad[] = {
      {"GET / HTTP/1.1\r\n\r\n", 400},
      {"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400},
      {"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n", 400},
      {"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n"
       "Content-Length: 2\r\n\r\n",
       400},
      {"GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n", 501},
      {"GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505},
      {"GET / HTTP/1.1 \r\nHost: x\r\n\r\n", 400},
      {"GARBAGE\r\n\r\n", 400},
      {"get / HTTP/1.1\r\nHost: x\r\n\r\n", 400},
      {"GET /a b HTTP/1.1\r\nHost: x\r\n\r\n", 400},
      {"GET / HTTP/1.1\r\nHost: x\r\nX : y\r\n\r\n", 400},
      {"GET / HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n", 400},
      {"GET / HTTP/1.1\r\nHost: x\rX\r\n\r\n", 400},
      {"GET / HTTP/1.1\r\nHost: x\r\nExpect: 200-ok\r\n\r\n", 417},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    why = NULL;
    int st = head(bad[i].text, &h, &why);
    if (st != bad[i].status || !why)
      fail_msg("case %zu: %d instead of %d", i, st, bad[i].status);
  }
  /* limits: a long target, a long head, too many lines */
  static char big[SRV_MAX_HEAD + 64];
  memset(big, 'a', sizeof big - 1);
  big[sizeof big - 1] = '\0';
  memcpy(big, "GET /", 5);
  assert_int_equal(head(big, &h, &why), 414); /* no end of line yet */
  snprintf(big, sizeof big, "GET /%0*d HTTP/1.1\r\nHost: x\r\n\r\n",
           SRV_MAX_URL + 1, 0);
  assert_int_equal(head(big, &h, &why), 414);
  int n = snprintf(big, sizeof big, "GET / HTTP/1.1\r\nHost: x\r\nX: ");
  memset(big + n, 'b', SRV_MAX_HEAD);
  big[n + SRV_MAX_HEAD] = '\0';
  assert_int_equal(head(big, &h, &why), 431);
  n = snprintf(big, sizeof big, "GET / HTTP/1.1\r\nHost: x\r\n");
  for (int i = 0; i <= SRV_MAX_HEADERS; i++)
    n += snprintf(big + n, sizeof big - (size_t)n, "X: %d\r\n", i);
  snprintf(big + n, sizeof big - (size_t)n, "\r\n");
  assert_int_equal(head(big, &h, &why), 431);
}

/* The plumbing of state-changing requests (issue 12): urlencoded forms,
 * extra response headers and redirects refuse what could split a
 * response or leave the site. */
static void test_forms_and_headers(void **state) {
  (void)state;
  char raw[] = "POST /anmelden HTTP/1.1\r\nHost: x\r\n"
               "Content-Type: application/x-www-form-urlencoded\r\n"
               "X-CSRF-Token: abc\r\n\r\n";
  srv_head h;
  srv_scan sc = {0, 0};
  const char *why;
  assert_int_equal(srv_head_parse(raw, strlen(raw), &sc, &h, &why), 1);
  assert_string_equal(srv_head_get(&h, "x-csrf-token"), "abc");
  assert_null(srv_head_get(&h, "Cookie"));

  srv_req q;
  memset(&q, 0, sizeof q);
  q.method = "POST";
  q.path = "/anmelden";
  q.head = &h;
  q.body = "benutzer=Anna+M%C3%BCller&passwort=a%26b%3Dc&leer=&x";
  q.body_len = strlen(q.body);
  srv_resp r;
  memset(&r, 0, sizeof r);
  ampel_buf_init(&r.body);
  assert_int_equal(srv_form_parse(&q, &r), 0);
  assert_int_equal(q.n_form, 4);
  assert_string_equal(srv_form_get(&q, "benutzer"), "Anna Müller");
  assert_string_equal(srv_form_get(&q, "passwort"), "a&b=c");
  assert_string_equal(srv_form_get(&q, "leer"), "");
  assert_string_equal(srv_form_get(&q, "x"), "");
  assert_null(srv_form_get(&q, "csrf"));
  ampel_free(q.form_store);
  q.form_store = NULL;

  /* A broken escape or a NUL byte is a 400, never a truncated field. */
  q.body = "benutzer=%zz";
  q.body_len = strlen(q.body);
  assert_int_equal(srv_form_parse(&q, &r), -1);
  assert_int_equal(r.status, 400);
  ampel_free(q.form_store);
  q.form_store = NULL;
  q.body = "benutzer=a%00b";
  q.body_len = strlen(q.body);
  r.status = 200;
  assert_int_equal(srv_form_parse(&q, &r), -1);
  assert_int_equal(r.status, 400);
  ampel_free(q.form_store);
  ampel_buf_release(&r.body);

  /* Extra headers: no CR/LF in a value, no odd names. */
  srv_resp w;
  memset(&w, 0, sizeof w);
  ampel_buf_init(&w.body);
  assert_int_equal(srv_resp_header(&w, "Set-Cookie", "a=%s", "b"), 0);
  assert_int_equal(srv_resp_header(&w, "X", "a\r\nSet-Cookie: evil"), -1);
  assert_int_equal(srv_resp_header(&w, "Bad Name", "v"), -1);
  assert_string_equal(w.headers.data, "Set-Cookie: a=b\r\n");
  /* Redirects stay on the site. */
  assert_int_equal(srv_redirect(&w, "//evil.example/"), -1);
  assert_int_equal(srv_redirect(&w, "https://evil.example/"), -1);
  assert_int_equal(srv_redirect(&w, "/\\evil.example/"), -1);
  assert_int_equal(srv_redirect(&w, "/daten?x=1"), 0);
  assert_int_equal(w.status, 303);
  assert_non_null(strstr(w.headers.data, "Location: /daten?x=1\r\n"));
  ampel_buf_release(&w.body);
  ampel_buf_release(&w.headers);
}

/* Issue 15: content negotiation and revalidation of cached answers. */
static void test_cache_negotiation(void **state) {
  (void)state;
  assert_true(srv_accepts_gzip("gzip"));
  assert_true(srv_accepts_gzip("deflate, GZIP;q=0.5"));
  assert_true(srv_accepts_gzip("br;q=1, *"));
  assert_false(srv_accepts_gzip(NULL));
  assert_false(srv_accepts_gzip("identity"));
  assert_false(srv_accepts_gzip("gzip;q=0"));
  assert_false(srv_accepts_gzip("gzip; q=0.000, *"));
  assert_false(srv_accepts_gzip("*;q=0"));
  assert_false(srv_accepts_gzip("x-gzip"));

  srv_resp w;
  memset(&w, 0, sizeof w);
  ampel_buf_init(&w.body);
  w.status = 200;
  w.ctype = "text/html; charset=utf-8";
  for (int i = 0; i < 400; i++)
    ampel_buf_puts(&w.body, "<p>Gelsenkirchen</p>\n");
  srv_cache_put(77, "/t", &w);
  srv_resp r;
  memset(&r, 0, sizeof r);
  ampel_buf_init(&r.body);
  assert_int_equal(srv_cache_get(77, "/t", 0, NULL, &r), 1);
  assert_non_null(r.blob);
  assert_int_equal(r.blob->len, w.body.len);
  assert_memory_equal(r.blob->data, w.body.data, w.body.len);
  assert_null(r.encoding);
  assert_int_equal(r.vary, 1);
  char etag[40];
  strcpy(etag, r.etag);
  srv_blob_unref(r.blob);
  memset(&r, 0, sizeof r);
  /* gzip: smaller, its own tag */
  assert_int_equal(srv_cache_get(77, "/t", 1, NULL, &r), 1);
  assert_string_equal(r.encoding, "gzip");
  assert_true(r.blob->len < w.body.len / 10);
  assert_string_not_equal(r.etag, etag);
  srv_blob_unref(r.blob);
  memset(&r, 0, sizeof r);
  /* revalidation: 304 without a body; a weak or listed tag matches too */
  char inm[96];
  snprintf(inm, sizeof inm, "\"x\", W/%s", etag);
  assert_int_equal(srv_cache_get(77, "/t", 0, inm, &r), 1);
  assert_int_equal(r.status, 304);
  assert_null(r.blob);
  memset(&r, 0, sizeof r);
  assert_int_equal(srv_cache_get(77, "/t", 0, "\"other\"", &r), 1);
  assert_int_equal(r.status, 200);
  srv_blob_unref(r.blob);
  memset(&r, 0, sizeof r);
  /* another generation (a new Datenstand) never hits */
  assert_int_equal(srv_cache_get(78, "/t", 0, NULL, &r), 0);
  ampel_buf_release(&w.body);
  srv_cache_clear();
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_status_mapping),
      cmocka_unit_test(test_url_decoding),
      cmocka_unit_test(test_head_parser),
      cmocka_unit_test(test_forms_and_headers),
      cmocka_unit_test(test_cache_negotiation),
      cmocka_unit_test(test_out_of_memory_is_503),
      cmocka_unit_test(test_admin_saved_but_not_shown),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
