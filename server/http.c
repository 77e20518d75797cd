/* http.c - query parameters, validation and error responses of the
 * server. Every known parameter is checked here; a bad value gives a 400
 * with a German message, an unknown area or indicator key a 404. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "ampel/alloc.h"
#include "ampel/svg.h"
#include "server.h"

/* Parameter names compare with '-' and '_' as the same character. */
static int name_eq(const char *a, const char *b) {
  for (; *a && *b; a++, b++) {
    char x = *a == '-' ? '_' : *a, y = *b == '-' ? '_' : *b;
    if (x != y)
      return 0;
  }
  return *a == *b;
}

const char *srv_get(const srv_req *q, const char *key) {
  for (size_t i = 0; i < q->n_params; i++)
    if (name_eq(q->params[i].key, key))
      return q->params[i].val;
  return NULL;
}

const char *srv_header(const srv_req *q, const char *name) {
  return q->head ? srv_head_get(q->head, name) : NULL;
}

const char *srv_form_get(const srv_req *q, const char *key) {
  for (size_t i = 0; i < q->n_form; i++)
    if (strcmp(q->form[i].key, key) == 0)
      return q->form[i].val;
  return NULL;
}

int srv_form_parse(srv_req *q, srv_resp *r) {
  q->n_form = 0;
  if (!q->body || !q->body_len)
    return 0;
  const char *ct = srv_header(q, "Content-Type");
  if (!ct || strncasecmp(ct, "application/x-www-form-urlencoded", 33) != 0)
    return srv_error(q, r, 400,
                     "Formulardaten erwartet "
                     "(application/x-www-form-urlencoded).");
  ampel_free(q->form_store);
  q->form_store = ampel_alloc(q->body_len + 1);
  if (!q->form_store) {
    r->nomem = 1;
    return -1;
  }
  char *out = q->form_store;
  const char *p = q->body, *end = q->body + q->body_len;
  while (p < end) {
    const char *amp = memchr(p, '&', (size_t)(end - p));
    const char *e = amp ? amp : end;
    if (e > p) {
      if (q->n_form >= SRV_MAX_PARAMS)
        return srv_error(q, r, 400, "Zu viele Formularfelder (höchstens %d).",
                         SRV_MAX_PARAMS);
      const char *eq = memchr(p, '=', (size_t)(e - p));
      const char *ke = eq ? eq : e;
      long kn = srv_url_decode(p, (size_t)(ke - p), 1, out);
      if (kn < 0)
        return srv_error(q, r, 400, "Die Formulardaten sind ungültig kodiert.");
      q->form[q->n_form].key = out;
      out += kn + 1;
      long vn = eq ? srv_url_decode(eq + 1, (size_t)(e - eq - 1), 1, out) : 0;
      if (vn < 0)
        return srv_error(q, r, 400, "Die Formulardaten sind ungültig kodiert.");
      if (!eq)
        *out = '\0';
      q->form[q->n_form].val = out;
      out += vn + 1;
      q->n_form++;
    }
    p = amp ? amp + 1 : end;
  }
  return 0;
}

int srv_resp_header(srv_resp *r, const char *name, const char *fmt, ...) {
  char val[1024];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(val, sizeof val, fmt, ap);
  va_end(ap);
  if (n < 0 || (size_t)n >= sizeof val)
    return -1;
  for (const unsigned char *c = (const unsigned char *)val; *c; c++)
    if (*c < 0x20 || *c == 0x7f)
      return -1;
  for (const unsigned char *c = (const unsigned char *)name; *c; c++)
    if (*c <= 0x20 || *c == ':' || *c == 0x7f)
      return -1;
  ampel_buf_printf(&r->headers, "%s: %s\r\n", name, val);
  return r->headers.failed ? -1 : 0;
}

int srv_redirect(srv_resp *r, const char *location) {
  /* Only local paths: "/x", never "//host" or "http:". */
  if (!location || location[0] != '/' || location[1] == '/' ||
      location[1] == '\\')
    return -1;
  if (srv_resp_header(r, "Location", "%s", location) != 0)
    return -1;
  r->status = 303;
  ampel_buf_release(&r->body);
  ampel_buf_init(&r->body);
  r->ctype = "text/html; charset=utf-8";
  ampel_buf_puts(&r->body, "<!DOCTYPE html>\n<title>Weiter</title>\n"
                           "<p>Weiter zur <a href=\"");
  ampel_buf_html(&r->body, location);
  ampel_buf_puts(&r->body, "\">nächsten Seite</a>.</p>\n");
  return 0;
}

static const char *reason(unsigned status) {
  switch (status) {
  case 400: return "Ungültige Anfrage";
  case 401: return "Anmeldung erforderlich";
  case 403: return "Nicht erlaubt";
  case 404: return "Nicht gefunden";
  case 405: return "Methode nicht erlaubt";
  case 413: return "Zu große Daten";
  case 414: return "Adresse zu lang";
  case 422: return "Daten fehlerhaft";
  case 429: return "Zu viele Versuche";
  case 503: return "Vorübergehend nicht verfügbar";
  default: return "Fehler";
  }
}

static void error_body(const srv_req *q, srv_resp *r, const char *msg) {
  ampel_buf_release(&r->body);
  ampel_buf_init(&r->body);
  r->disposition = NULL;
  if (q->is_api || strcmp(q->path, "/admin/import") == 0) {
    r->ctype = "application/json; charset=utf-8";
    ampel_buf_puts(&r->body, "{\"error\": ");
    ampel_buf_json_string(&r->body, msg);
    ampel_buf_printf(&r->body, ", \"status\": %u}\n", r->status);
    return;
  }
  r->ctype = "text/html; charset=utf-8";
  page_begin(q, r, reason(r->status), NAV_NONE);
  ampel_buf_printf(&r->body, "<h1>%s (%u)</h1>\n<p class=\"fehler\">",
                   reason(r->status), r->status);
  ampel_buf_html(&r->body, msg);
  ampel_buf_puts(&r->body, "</p>\n<p><a href=\"/\">Zur Übersicht</a> · <a "
                           "href=\"/methoden\">Daten &amp; Methoden</a></p>\n");
  page_end(q, r);
}

int srv_error(const srv_req *q, srv_resp *r, unsigned status, const char *fmt,
              ...) {
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  r->status = status;
  error_body(q, r, msg);
  return -1;
}

int srv_error_diags(const srv_req *q, srv_resp *r, ampel_status st,
                    const ampel_diags *d, const char *fallback) {
  const char *msg = fallback;
  for (size_t i = 0; i < d->n; i++)
    if (d->items[i].severity == AMPEL_SEV_ERROR) {
      msg = d->items[i].message;
      break;
    }
  if (st == AMPEL_E_CANCELLED) /* httpd.c answers with the reason */
    msg = "Die Berechnung wurde abgebrochen.";
  return srv_error(q, r, srv_http_status(st), "%s", msg);
}

unsigned srv_http_status(ampel_status st) {
  switch (st) {
  case AMPEL_E_NOMEM: /* the server is short of memory, not the
                         request wrong: try again later */
  case AMPEL_E_IO:    /* the database is not readable right now */
  case AMPEL_E_CANCELLED: return 503; /* deadline or shutdown */
  case AMPEL_E_NOT_FOUND: return 404;
  default: return 400;
  }
}

/* Failed allocations of this thread since srv_alloc_reset(): every part
 * of an answer that could not be made for lack of memory is noticed,
 * also where a handler or the library would otherwise show a page
 * without it (issue 16: never a 200 or 400 instead of 503). */
static _Thread_local unsigned alloc_failures;

void srv_alloc_failed(void) {
  alloc_failures++;
}
void srv_alloc_reset(void) {
  alloc_failures = 0;
}
unsigned srv_alloc_failures(void) {
  return alloc_failures;
}

static void *count_alloc(size_t size, void *ud) {
  (void)ud;
  void *p = malloc(size ? size : 1);
  if (!p)
    srv_alloc_failed();
  return p;
}
static void *count_realloc(void *ptr, size_t size, void *ud) {
  (void)ud;
  void *p = realloc(ptr, size ? size : 1);
  if (!p)
    srv_alloc_failed();
  return p;
}
static void count_free(void *ptr, void *ud) {
  (void)ud;
  free(ptr);
}

void srv_alloc_install(void) {
  static const ampel_allocator a = {count_alloc, count_realloc, count_free,
                                    NULL};
  ampel_set_allocator(&a);
}

int srv_query(const srv_req *q, srv_resp *r, const ampel_opt_id *ids, size_t n,
              ampel_query *out) {
  ampel_query_init(out, ids, n);
  out->stop = q->stop;
  for (size_t i = 0; i < q->n_params; i++) {
    const char *k = q->params[i].key, *v = q->params[i].val;
    const ampel_opt_def *d = ampel_opt_find(ids, n, k, strlen(k));
    if (!d || (d->flags & AMPEL_OPTF_CLI))
      continue;
    if (!v || !*v) /* an empty form field means "the default" */
      continue;
    char msg[512];
    if (ampel_query_set(out, d, v, msg, sizeof msg) != AMPEL_OK)
      return srv_error(q, r, 400, "%s: %s", k, msg);
  }
  return 0;
}

/* An answer that took at least this long is kept with the snapshot
 * (server/memo.c), so that paging through it costs only the page. */
#define SRV_MEMO_MIN_SECONDS 0.05

struct timespec srv_realtime_in(long ms) {
  struct timespec t;
  clock_gettime(CLOCK_REALTIME, &t);
  t.tv_sec += ms / 1000;
  t.tv_nsec += (ms % 1000) * 1000000L;
  if (t.tv_nsec >= 1000000000L) {
    t.tv_sec++;
    t.tv_nsec -= 1000000000L;
  }
  return t;
}

static double now_seconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int srv_ask_query(srv_req *q, srv_resp *r, const ampel_query *qu,
                  const ampel_question *qd, srv_show_fn show) {
  srv_memo *memo = q->snap->memo;
  ampel_buf key;
  ampel_buf_init(&key);
  if (memo) {
    srv_memo_key(qu, &key);
    const void *kept =
        key.failed ? NULL
                   : srv_memo_wait(memo, qd, key.data ? key.data : "", q->stop);
    if (kept) {
      ampel_buf_release(&key);
      return show(q, r, qu, kept);
    }
  }
  void *answer = ampel_calloc(1, qd->answer_size);
  if (!answer) {
    ampel_buf_release(&key);
    return srv_error(q, r, 503, "Zu wenig Speicher.");
  }
  ampel_diags d;
  ampel_diags_init(&d, 0);
  double t0 = now_seconds();
  ampel_status st = qd->analyse(q->snap->ctx, qu, NULL, answer, &d);
  double took = now_seconds() - t0;
  int rc = st == AMPEL_OK ? show(q, r, qu, answer)
                          : srv_error_diags(q, r, st, &d, qd->fail_de);
  if (st == AMPEL_OK && memo && !key.failed && took >= SRV_MEMO_MIN_SECONDS &&
      srv_memo_put(memo, qd, key.data ? key.data : "", answer) == 0)
    answer = NULL; /* kept with the snapshot */
  if (answer) {
    qd->release(answer);
    ampel_free(answer);
  }
  ampel_diags_release(&d);
  ampel_buf_release(&key);
  return rc;
}

double srv_precompute(const srv_snapshot *s, const ampel_query *qu,
                      const ampel_question *qd) {
  if (!s->memo)
    return -1;
  ampel_buf key;
  ampel_buf_init(&key);
  srv_memo_key(qu, &key);
  void *answer = key.failed ? NULL : ampel_calloc(1, qd->answer_size);
  /* not when a request was faster and the memo holds it already */
  if (!answer || srv_memo_pending(s->memo, qd, key.data ? key.data : "")) {
    ampel_free(answer);
    ampel_buf_release(&key);
    return -1;
  }
  ampel_diags d;
  ampel_diags_init(&d, 0);
  double t0 = now_seconds();
  ampel_status st = qd->analyse(s->ctx, qu, NULL, answer, &d);
  double took = now_seconds() - t0;
  if (st == AMPEL_OK && took >= SRV_MEMO_MIN_SECONDS &&
      srv_memo_put(s->memo, qd, key.data ? key.data : "", answer) == 0)
    answer = NULL; /* kept with the snapshot */
  else
    took = -1;
  srv_memo_pending_end(s->memo); /* after the put: waiters find it */
  if (answer) {
    qd->release(answer);
    ampel_free(answer);
  }
  ampel_diags_release(&d);
  ampel_buf_release(&key);
  return took;
}

int srv_ask(srv_req *q, srv_resp *r, const ampel_opt_id *ids, size_t n,
            const ampel_question *qd, srv_show_fn show) {
  ampel_query qu;
  if (srv_query(q, r, ids, n, &qu))
    return -1;
  return srv_ask_query(q, r, &qu, qd, show);
}

const char *srv_period_label(const ampel_dataset *ds, size_t id) {
  return ampel_dataset_period(ds, id)->label;
}

int srv_p_level(const srv_req *q, srv_resp *r, const char **out) {
  const char *v = srv_get(q, "level");
  if (!v || !*v)
    return 0;
  size_t n = 0;
  const char **lv = ampel_dataset_levels(q->ds, &n);
  int found = -1;
  for (size_t i = 0; lv && i < n; i++)
    if (strcmp(lv[i], v) == 0)
      found = (int)i;
  if (found >= 0)
    *out = lv[found];
  ampel_free(lv);
  if (found < 0)
    return srv_error(q, r, 400, "Unbekannte Ebene '%s'.", v);
  return 0;
}

int srv_p_period(const srv_req *q, srv_resp *r, const char *key, long *out_id) {
  const char *v = srv_get(q, key);
  if (!v || !*v)
    return 0;
  long id = ampel_dataset_find_period(q->ds, v);
  if (id < 0) {
    int32_t sk;
    char *norm = NULL;
    if (ampel_period_parse(v, strlen(v), &sk, &norm) == 0)
      id = ampel_dataset_find_period(q->ds, norm);
    ampel_free(norm);
  }
  if (id < 0)
    return srv_error(q, r, 400, "%s: unbekannter Zeitraum '%s'.", key, v);
  *out_id = id;
  return 0;
}

int srv_p_indicator(const srv_req *q, srv_resp *r, const char *key,
                    long *out_id) {
  const char *v = srv_get(q, key);
  if (!v || !*v)
    return 0;
  long id = ampel_dataset_find_indicator(q->ds, v);
  if (id < 0)
    return srv_error(q, r, 404, "Unbekannte Kennzahl '%s'.", v);
  *out_id = id;
  return 0;
}

int srv_p_area(const srv_req *q, srv_resp *r, const char *key, long *out_id) {
  const char *v = srv_get(q, key);
  if (!v || !*v)
    return 0;
  long id = ampel_dataset_find_area(q->ds, v);
  if (id < 0)
    return srv_error(q, r, 404, "Unbekanntes Gebiet '%s'.", v);
  *out_id = id;
  return 0;
}

/* A number with '.' or ',' as decimal mark; nothing else. */
static int read_double(const char *s, double *out) {
  char buf[64];
  size_t n = strlen(s);
  if (n == 0 || n >= sizeof buf)
    return -1;
  for (size_t i = 0; i <= n; i++)
    buf[i] = s[i] == ',' ? '.' : s[i];
  char *end;
  errno = 0;
  double v = strtod(buf, &end);
  if (errno || end == buf || *end || !isfinite(v))
    return -1;
  *out = v;
  return 0;
}

int srv_p_double(const srv_req *q, srv_resp *r, const char *key, double lo,
                 double hi, double *out) {
  const char *v = srv_get(q, key);
  if (!v || !*v)
    return 0;
  double x;
  if (read_double(v, &x) != 0)
    return srv_error(q, r, 400, "%s: Zahl erwartet, gefunden: '%s'.", key, v);
  if (x < lo || x > hi) {
    char a[48], b[48];
    ampel_format_de(lo, -1, a, sizeof a);
    ampel_format_de(hi, -1, b, sizeof b);
    return srv_error(q, r, 400,
                     "%s: Zahl von %s bis %s erwartet, "
                     "gefunden: '%s'.",
                     key, a, b, v);
  }
  *out = x;
  return 0;
}

int srv_p_long(const srv_req *q, srv_resp *r, const char *key, long lo, long hi,
               long *out) {
  const char *v = srv_get(q, key);
  if (!v || !*v)
    return 0;
  char *end;
  errno = 0;
  long x = strtol(v, &end, 10);
  if (errno || end == v || *end || x < lo || x > hi)
    return srv_error(q, r, 400,
                     "%s: ganze Zahl von %ld bis %ld erwartet, "
                     "gefunden: '%s'.",
                     key, lo, hi, v);
  *out = x;
  return 0;
}

int srv_p_enum(const srv_req *q, srv_resp *r, const char *key,
               const char *const *allowed, int *out) {
  const char *v = srv_get(q, key);
  if (!v || !*v)
    return 0;
  char list[256] = "";
  for (int i = 0; allowed[i]; i++) {
    if (strcmp(v, allowed[i]) == 0) {
      *out = i;
      return 0;
    }
    size_t l = strlen(list);
    snprintf(list + l, sizeof list - l, "%s%s", i ? ", " : "", allowed[i]);
  }
  return srv_error(q, r, 400, "%s: erwartet %s; gefunden: '%s'.", key, list, v);
}

int srv_p_keys(const srv_req *q, srv_resp *r, const char *key, char ***out_keys,
               size_t *out_n, char **out_copy) {
  *out_keys = NULL;
  *out_n = 0;
  *out_copy = NULL;
  const char *v = srv_get(q, key);
  if (!v || !*v)
    return 0;
  char *copy = ampel_strdup(v);
  size_t cap = 2;
  for (const char *p = v; *p; p++)
    cap += *p == ',';
  char **keys = ampel_calloc(cap, sizeof *keys);
  if (!copy || !keys) {
    ampel_free(copy);
    ampel_free(keys);
    return srv_error(q, r, 503, "Zu wenig Speicher.");
  }
  size_t n = 0;
  for (char *p = copy; p;) {
    char *comma = strchr(p, ',');
    if (comma)
      *comma = '\0';
    char *colon = strchr(p, ':'); /* weights belong to indicators=K:W */
    if (colon)
      *colon = '\0';
    if (*p && ampel_dataset_find_indicator(q->ds, p) < 0) {
      srv_error(q, r, 404, "%s: unbekannte Kennzahl '%s'.", key, p);
      ampel_free(copy);
      ampel_free(keys);
      return -1;
    }
    if (*p)
      keys[n++] = p;
    p = comma ? comma + 1 : NULL;
  }
  *out_keys = keys;
  *out_n = n;
  *out_copy = copy;
  return 0;
}

void srv_json_num(ampel_buf *b, double v) {
  if (isfinite(v))
    ampel_buf_double(b, v);
  else
    ampel_buf_puts(b, "null");
}
