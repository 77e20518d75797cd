/* httpd.c - the connection engine of `ampel serve` (issue 16).
 *
 * One I/O thread owns every socket: it accepts, reads request heads and
 * bodies, enforces the limits and deadlines and writes answers, all with
 * non-blocking sockets and epoll. Complete requests go to a fixed pool of
 * worker threads that compute the answers (srv_handle in serve.c); a slow
 * or silent client therefore never holds a worker, only a connection slot,
 * and every slot has a deadline.
 *
 * Why not libmicrohttpd (used before): its own error answers (400, 413,
 * 414, 431, 505) carry none of our security headers and offer no hook to
 * add them; `Content-Length: -1` got the answer head twice; a query with
 * ~1,000 parameters exhausted its per-connection pool and hung for 30 s;
 * it has no deadline for a whole request (a header line every 10 s kept a
 * connection forever); and a computing request could not see the client
 * leave. Owning the loop makes each of these a few lines below.
 *
 * Per connection (states):
 *   HEAD   reading the request head; deadline request_timeout from the
 *          connection's start or the end of the previous answer
 *          (keep-alive idle time counts: an idle connection is closed
 *          silently, a partial request gets 408);
 *   BODY   reading the body of an authorised admin upload (same deadline);
 *   WORK   a worker computes the answer; deadline compute_timeout, then
 *          the answer's ampel_stop fires (503); an HTTP/1.1 client that
 *          closes its side (EPOLLRDHUP) fires it too and gets nothing;
 *   SEND   writing; a client that reads nothing for SRV_SEND_STALL_S is
 *          dropped (2 s after an error answer);
 *   LINGER after an answer with "Connection: close": the write side is
 *          shut and what the client still sends is read and dropped for
 *          up to SRV_LINGER_MS, so that the answer is not lost to a reset.
 * Keep-alive and pipelining: after an answer the next request is parsed
 * from the bytes already received; while one request is computed or sent
 * no further bytes are read (bounded memory).
 *
 * Threads: the I/O thread and the workers share only the job queue, the
 * done queue (each under its own mutex) and the ampel_stop flag of a
 * connection in WORK. A connection in WORK belongs to its worker; the I/O
 * thread frees it only after the worker has handed it back. */
#define _GNU_SOURCE /* accept4, pthread_timedjoin_np */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "ampel/alloc.h"
#include "server.h"

enum { ST_HEAD, ST_BODY, ST_WORK, ST_SEND, ST_LINGER };
enum { WHY_NONE, WHY_DEADLINE, WHY_GONE, WHY_SHUTDOWN };

#define IN_START 4096 /* first size of a connection's input buffer */

typedef struct hconn {
  struct hconn *prev, *next; /* all connections (I/O thread) */
  struct hconn *qnext;       /* job or done queue */
  int fd;
  unsigned char ip[16];
  size_t ip_len;
  char peer[64]; /* ip as text, for the handlers (audit, throttling) */
  int refused;   /* answered 503 at accept (does not count per address) */
  int state;
  unsigned events;   /* current epoll interest */
  double t_wait;     /* start of the request deadline (HEAD, BODY, LINGER) */
  double t_done;     /* request complete: start of the compute deadline */
  double t_progress; /* last byte written (SEND) */
  double stall;      /* seconds a client may read nothing in SEND */
  /* input: the current request's head (and pipelined bytes after it) */
  char *in;
  size_t in_len, in_cap, in_used;
  srv_scan scan;
  srv_head head;
  int have_head;
  char *body; /* admin upload */
  size_t body_len, body_need;
  /* the answer */
  int close_after;
  unsigned requests;
  ampel_stop stop;
  int why; /* WHY_*, written before the stop fires */
  int gone;
  int peer_closed; /* the client closed its sending side (EOF read) */
  char *out;
  size_t out_len, out_off;
  char *out_body;
  size_t out_body_len;
  srv_blob *out_blob; /* out_body belongs to this cached blob */
} hconn;

struct srv_httpd {
  int lfd, ep, evfd;
  int listening;
  unsigned max_conns, max_per_addr;
  double req_to, comp_to;
  pthread_t io;
  pthread_t *workers;
  unsigned n_workers;
  hconn *conns;
  unsigned n_conns;
  int stopping; /* atomic */
  double stop_at;
  /* jobs: connections in WORK waiting for a worker */
  pthread_mutex_t qlock;
  pthread_cond_t qcond;
  hconn *qhead, *qtail;
  int qclosed;
  /* answers made, waiting for the I/O thread */
  pthread_mutex_t dlock;
  hconn *dhead, *dtail;
  int fast_depth; /* nesting of cache answers on the I/O thread */
};

static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* ---- answers -------------------------------------------------------------
 */

static const char *reason_en(unsigned status) {
  switch (status) {
  case 100: return "Continue";
  case 200: return "OK";
  case 201: return "Created";
  case 204: return "No Content";
  case 303: return "See Other";
  case 304: return "Not Modified";
  case 400: return "Bad Request";
  case 401: return "Unauthorized";
  case 403: return "Forbidden";
  case 404: return "Not Found";
  case 405: return "Method Not Allowed";
  case 408: return "Request Timeout";
  case 413: return "Content Too Large";
  case 414: return "URI Too Long";
  case 417: return "Expectation Failed";
  case 422: return "Unprocessable Content";
  case 429: return "Too Many Requests";
  case 431: return "Request Header Fields Too Large";
  case 501: return "Not Implemented";
  case 503: return "Service Unavailable";
  case 505: return "HTTP Version Not Supported";
  default: return status < 400 ? "OK" : "Error";
  }
}

static const char *title_de(unsigned status) {
  switch (status) {
  case 400: return "Ungültige Anfrage";
  case 408: return "Anfrage zu langsam";
  case 413: return "Zu große Daten";
  case 414: return "Adresse zu lang";
  case 417: return "Erwartung nicht erfüllbar";
  case 431: return "Kopfzeilen zu groß";
  case 501: return "Nicht unterstützt";
  case 503: return "Vorübergehend nicht verfügbar";
  case 505: return "HTTP-Version nicht unterstützt";
  default: return "Fehler";
  }
}

/* The error answers of the engine itself (before or instead of a
 * handler): a small German page, or JSON for /api/ and /admin/. */
static void error_body(srv_resp *r, unsigned status, const char *msg,
                       int is_api) {
  ampel_buf_release(&r->body);
  ampel_buf_release(&r->headers);
  srv_blob_unref(r->blob);
  memset(r, 0, sizeof *r);
  ampel_buf_init(&r->body);
  r->status = status;
  if (is_api) {
    r->ctype = "application/json; charset=utf-8";
    ampel_buf_puts(&r->body, "{\"error\": ");
    ampel_buf_json_string(&r->body, msg);
    ampel_buf_printf(&r->body, ", \"status\": %u}\n", status);
    return;
  }
  r->ctype = "text/html; charset=utf-8";
  ampel_buf_printf(&r->body,
                   "<!DOCTYPE html>\n<html lang=\"de\">\n<head>\n<meta "
                   "charset=\"utf-8\">\n<title>%s (%u) – ampel</title>\n"
                   "<link rel=\"stylesheet\" href=\"/static/ampel.css\">\n"
                   "</head>\n<body>\n<main id=\"inhalt\">\n<h1>%s (%u)</h1>\n"
                   "<p class=\"fehler\">",
                   title_de(status), status, title_de(status), status);
  ampel_buf_html(&r->body, msg);
  ampel_buf_puts(&r->body, "</p>\n<p><a href=\"/\">Zur Übersicht</a></p>\n"
                           "</main>\n</body>\n</html>\n");
}

static void date_header(ampel_buf *b) {
  static const char *const day[] = {"Sun", "Mon", "Tue", "Wed",
                                    "Thu", "Fri", "Sat"};
  static const char *const mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  time_t t = time(NULL);
  struct tm tm;
  gmtime_r(&t, &tm);
  ampel_buf_printf(b, "Date: %s, %02d %s %04d %02d:%02d:%02d GMT\r\n",
                   day[tm.tm_wday % 7], tm.tm_mday, mon[tm.tm_mon % 12],
                   tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* --frame-ancestors (issue 13): set once in srv_httpd_start before any
 * thread runs, read-only afterwards. X-Frame-Options cannot name sites:
 * it stays DENY without the option and is left out with it (browsers
 * follow the CSP's frame-ancestors then). */
static char frame_ancestors[1024] = "'none'";
static const char *frame_ancestors_xfo = "X-Frame-Options: DENY\r\n";

/* Turns r into the bytes to send: c->out (status line and headers) and
 * c->out_body (r's body, taken over). Every answer, the handlers' and
 * the engine's own, gets the same security headers. */
static int compose(hconn *c, srv_resp *r, int head_only) {
  if (r->body.failed || r->nomem) {
    int api = r->ctype && strncmp(r->ctype, "application/json", 16) == 0;
    error_body(r, 503, "Zu wenig Speicher; bitte später erneut versuchen.",
               api);
  }
  ampel_buf h;
  ampel_buf_init(&h);
  ampel_buf_printf(&h, "HTTP/1.1 %u %s\r\n", r->status, reason_en(r->status));
  date_header(&h);
  size_t body_len = r->blob ? r->blob->len : r->body.len;
  ampel_buf_printf(&h, "Content-Type: %s\r\n",
                   r->ctype ? r->ctype : "text/html; charset=utf-8");
  if (r->status != 304) /* a 304 has no body and names no length */
    ampel_buf_printf(&h, "Content-Length: %zu\r\n", body_len);
  if (r->etag[0])
    ampel_buf_printf(&h, "ETag: %s\r\n", r->etag);
  if (r->encoding)
    ampel_buf_printf(&h, "Content-Encoding: %s\r\n", r->encoding);
  if (r->vary)
    ampel_buf_puts(&h, "Vary: Accept-Encoding\r\n");
  ampel_buf_printf(&h,
                   "Content-Security-Policy: default-src 'self'; "
                   "script-src 'self'; style-src 'self'; img-src 'self' "
                   "data:; frame-ancestors %s; base-uri 'none'; "
                   "form-action 'self'\r\n"
                   "X-Content-Type-Options: nosniff\r\n"
                   "Referrer-Policy: no-referrer\r\n%s",
                   frame_ancestors, frame_ancestors_xfo);
  ampel_buf_printf(&h, "Cache-Control: %s\r\n",
                   r->cache ? r->cache : "no-cache");
  if (r->disposition)
    ampel_buf_printf(&h, "Content-Disposition: %s\r\n", r->disposition);
  if (r->allow)
    ampel_buf_printf(&h, "Allow: %s\r\n", r->allow);
  if (r->headers.len)
    ampel_buf_append(&h, r->headers.data, r->headers.len);
  ampel_buf_release(&r->headers);
  if (r->status == 401)
    ampel_buf_puts(&h, "WWW-Authenticate: Bearer\r\n");
  if (r->status == 503)
    ampel_buf_puts(&h, "Retry-After: 5\r\n");
  if (c->close_after)
    ampel_buf_puts(&h, "Connection: close\r\n");
  else if (c->have_head && c->head.minor == 0)
    ampel_buf_puts(&h, "Connection: keep-alive\r\n");
  ampel_buf_puts(&h, "\r\n");
  if (h.failed) {
    ampel_buf_release(&h);
    ampel_buf_release(&r->body);
    srv_blob_unref(r->blob);
    r->blob = NULL;
    return -1;
  }
  c->out = h.data;
  c->out_len = h.len;
  c->out_off = 0;
  c->out_body = NULL;
  c->out_body_len = 0;
  c->out_blob = NULL;
  if (r->blob && !head_only && r->status != 304) {
    c->out_blob = r->blob; /* the reference moves to the connection */
    c->out_body = r->blob->data;
    c->out_body_len = r->blob->len;
  } else if (!r->blob && !head_only && r->status != 304) {
    c->out_body = r->body.data;
    c->out_body_len = r->body.len;
    r->body.data = NULL;
  } else {
    srv_blob_unref(r->blob);
  }
  r->blob = NULL;
  ampel_buf_release(&r->body);
  return 0;
}

/* One access-log line: time, method, path (without the query, control
 * bytes as '?'), status, bytes, milliseconds. */
static void access_log(const char *method, const char *target, size_t tlen,
                       unsigned status, size_t bytes, double ms) {
  char when[32], path[301];
  time_t now = time(NULL);
  struct tm tm;
  gmtime_r(&now, &tm);
  strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
  size_t i = 0;
  for (; i < tlen && target[i] != '?' && i < sizeof path - 1; i++) {
    unsigned char ch = (unsigned char)target[i];
    path[i] = ch < 0x21 || ch >= 0x7f ? '?' : (char)ch;
  }
  path[i] = '\0';
  fprintf(stderr, "%s %s %s %u %zu %.1fms\n", when, method, i ? path : "-",
          status, bytes, ms);
}

/* Method and target of a request whose head was refused, for the log
 * and for choosing JSON: read from the raw bytes, as far as they go. */
static void raw_request_line(const hconn *c, char *method, size_t msize,
                             const char **target, size_t *tlen) {
  const char *p = c->in, *end = c->in + c->in_len;
  while (p < end && (*p == '\r' || *p == '\n'))
    p++;
  size_t m = 0;
  while (p < end && *p >= 'A' && *p <= 'Z' && m + 1 < msize)
    method[m++] = *p++;
  method[m] = '\0';
  if (!m)
    snprintf(method, msize, "-");
  *target = "";
  *tlen = 0;
  if (p < end && *p == ' ') {
    const char *t = ++p;
    while (p < end && *p != ' ' && *p != '\r' && *p != '\n')
      p++;
    *target = t;
    *tlen = (size_t)(p - t);
  }
}

/* ---- epoll and connections -------------------------------------------------
 */

static void set_events(srv_httpd *h, hconn *c, unsigned ev) {
  if (c->events == ev)
    return;
  struct epoll_event e = {0};
  e.events = ev;
  e.data.ptr = c;
  if (c->events == 0)
    epoll_ctl(h->ep, EPOLL_CTL_ADD, c->fd, &e);
  else if (ev == 0)
    epoll_ctl(h->ep, EPOLL_CTL_DEL, c->fd, NULL);
  else
    epoll_ctl(h->ep, EPOLL_CTL_MOD, c->fd, &e);
  c->events = ev;
}

static void listener_on(srv_httpd *h, int on) {
  if (h->listening == on || h->lfd < 0)
    return;
  struct epoll_event e = {0};
  e.events = EPOLLIN;
  e.data.ptr = &h->lfd;
  epoll_ctl(h->ep, on ? EPOLL_CTL_ADD : EPOLL_CTL_DEL, h->lfd, &e);
  h->listening = on;
}

/* Frees the answer's bytes (or drops the cached blob's reference). */
static void out_release(hconn *c) {
  ampel_free(c->out);
  if (c->out_blob)
    srv_blob_unref(c->out_blob);
  else
    ampel_free(c->out_body);
  c->out = c->out_body = NULL;
  c->out_blob = NULL;
}

static void conn_free(srv_httpd *h, hconn *c) {
  if (c->prev)
    c->prev->next = c->next;
  else
    h->conns = c->next;
  if (c->next)
    c->next->prev = c->prev;
  h->n_conns--;
  if (c->events)
    epoll_ctl(h->ep, EPOLL_CTL_DEL, c->fd, NULL);
  close(c->fd);
  free(c->in);
  free(c->body);
  out_release(c);
  free(c);
  if (!h->stopping && h->n_conns < h->max_conns)
    listener_on(h, 1);
}

/* Closes now, or, for a connection in WORK, when its worker is done. */
static void conn_close(srv_httpd *h, hconn *c) {
  if (c->state == ST_WORK) {
    c->gone = 1;
    set_events(h, c, 0);
    return;
  }
  conn_free(h, c);
}

static void push_job(srv_httpd *h, hconn *c) {
  c->qnext = NULL;
  pthread_mutex_lock(&h->qlock);
  if (h->qtail)
    h->qtail->qnext = c;
  else
    h->qhead = c;
  h->qtail = c;
  pthread_cond_signal(&h->qcond);
  pthread_mutex_unlock(&h->qlock);
}

static int flush_out(srv_httpd *h, hconn *c, double now);

/* Starts sending c->out (+ body): at once, and only what the socket does
 * not take now waits for EPOLLOUT (one epoll_ctl less per answer). */
static void start_send(srv_httpd *h, hconn *c, double now) {
  c->state = ST_SEND;
  c->t_progress = now;
  if (flush_out(h, c, now) == 0)
    set_events(h, c, EPOLLOUT);
}

/* An answer of the engine itself; the connection closes after it. */
static void engine_error(srv_httpd *h, hconn *c, unsigned status,
                         const char *msg, double now) {
  char method[17];
  const char *target;
  size_t tlen;
  if (c->have_head) {
    snprintf(method, sizeof method, "%s", c->head.method);
    target = c->head.target;
    tlen = c->head.target_len;
  } else {
    raw_request_line(c, method, sizeof method, &target, &tlen);
  }
  int api = (tlen >= 5 && memcmp(target, "/api/", 5) == 0) ||
            (tlen >= 7 && memcmp(target, "/admin/", 7) == 0);
  srv_resp r;
  memset(&r, 0, sizeof r);
  ampel_buf_init(&r.body);
  error_body(&r, status, msg, api);
  size_t bytes = r.body.len;
  c->close_after = 1;
  c->stall = SRV_LINGER_MS / 1000.0;
  if (compose(c, &r, strcmp(method, "HEAD") == 0) != 0) {
    conn_close(h, c);
    return;
  }
  access_log(method, target, tlen, status, bytes, 0.0);
  start_send(h, c, now);
}

/* A cached answer sent by the I/O thread itself (srv_fast): no hand-over
 * to a worker and back, no copy of the body. Nested at most a few deep
 * (pipelined requests answered one after another); deeper ones go to a
 * worker, so a client cannot make the I/O thread's stack grow. */
static int try_fast(srv_httpd *h, hconn *c, double now) {
  const srv_head *hd = &c->head;
  if (c->body || h->fast_depth >= 4)
    return 0;
  srv_resp r;
  memset(&r, 0, sizeof r);
  ampel_buf_init(&r.body);
  srv_http_req hr = {hd->method, hd->target, hd->target_len,
                     hd->auth,   hd,         c->peer,
                     NULL,       0,          &c->stop};
  if (!srv_fast(&hr, &r)) {
    srv_blob_unref(r.blob);
    ampel_buf_release(&r.body);
    return 0;
  }
  if (c->peer_closed)
    c->close_after = 1;
  unsigned status = r.status;
  if (compose(c, &r, strcmp(hd->method, "HEAD") == 0) != 0) {
    conn_close(h, c);
    return 1;
  }
  access_log(hd->method, hd->target, hd->target_len, status, c->out_body_len,
             0.0);
  h->fast_depth++;
  start_send(h, c, now);
  h->fast_depth--;
  return 1;
}

static void dispatch(srv_httpd *h, hconn *c, double now) {
  if (try_fast(h, c, now))
    return;
  c->state = ST_WORK;
  c->t_done = now;
  c->stop.flag = 0;
  c->why = WHY_NONE;
  /* Watch only for "the client left" (EOF or reset). TCP cannot tell a
   * client that closed from one that only shut its sending side and
   * still reads; the latter is an HTTP/1.0 habit ("request, then EOF"),
   * so only HTTP/1.1 requests are watched. */
  if (c->peer_closed)
    c->close_after = 1;
  int watch = !c->peer_closed && c->head.minor == 1;
  set_events(h, c, watch ? EPOLLRDHUP : 0);
  push_job(h, c);
}

/* A complete head: decide about the body, then hand the request over. */
static void head_done(srv_httpd *h, hconn *c, double now) {
  srv_head *hd = &c->head;
  c->have_head = 1;
  c->in_used = hd->len;
  if (hd->conn_close || (hd->minor == 0 && !hd->conn_keep_alive) ||
      c->requests + 1 >= SRV_KEEPALIVE_REQUESTS)
    c->close_after = 1;
  if (hd->content_length <= 0) {
    dispatch(h, c, now);
    return;
  }
  size_t limit = srv_body_limit(hd->method, hd->target, hd);
  if (!limit) {
    /* Answered without reading the body (401, 403, 405): the unread
     * bytes make the connection unusable for a next request. */
    c->close_after = 1;
    dispatch(h, c, now);
    return;
  }
  if ((unsigned long long)hd->content_length > limit) {
    char msg[160];
    if (limit == SRV_MAX_FORM)
      snprintf(msg, sizeof msg, "Die Daten sind zu groß (höchstens %u KiB).",
               SRV_MAX_FORM >> 10);
    else
      snprintf(msg, sizeof msg,
               "Die Daten sind zu groß (höchstens %zu MB; die Grenze setzt "
               "ampel serve --max-upload).",
               limit / 1000000);
    engine_error(h, c, 413, msg, now);
    return;
  }
  c->body_need = (size_t)hd->content_length;
  c->body = malloc(c->body_need + 1);
  if (!c->body) {
    engine_error(h, c, 503, "Zu wenig Speicher; bitte später erneut.", now);
    return;
  }
  size_t have = c->in_len - c->in_used;
  if (have > c->body_need)
    have = c->body_need;
  memcpy(c->body, c->in + c->in_used, have);
  c->body_len = have;
  c->in_used += have;
  if (c->body_len == c->body_need) {
    c->body[c->body_len] = '\0';
    dispatch(h, c, now);
    return;
  }
  if (hd->expect_continue) {
    static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n";
    if (send(c->fd, cont, sizeof cont - 1, MSG_NOSIGNAL) !=
        (ssize_t)(sizeof cont - 1)) {
      conn_close(h, c);
      return;
    }
  }
  c->state = ST_BODY;
}

/* Parses what has arrived; may finish a head or report an error. */
static void process_input(srv_httpd *h, hconn *c, double now) {
  if (c->state != ST_HEAD || c->in_len == 0)
    return;
  const char *why = NULL;
  int st = srv_head_parse(c->in, c->in_len, &c->scan, &c->head, &why);
  if (st == 0)
    return;
  if (st == 1) {
    head_done(h, c, now);
    return;
  }
  engine_error(h, c, (unsigned)st, why ? why : "Ungültige Anfrage.", now);
}

/* Reads what the socket has (HEAD: into c->in; BODY: into c->body). */
static void read_input(srv_httpd *h, hconn *c, double now) {
  for (int rounds = 0; rounds < 16; rounds++) {
    char *dst;
    size_t room;
    if (c->state == ST_BODY) {
      dst = c->body + c->body_len;
      room = c->body_need - c->body_len;
    } else {
      if (c->in_len == c->in_cap) {
        if (c->in_cap >= SRV_MAX_HEAD)
          break; /* full: srv_head_parse reports 414/431 */
        size_t cap = c->in_cap ? 2 * c->in_cap : IN_START;
        if (cap > SRV_MAX_HEAD)
          cap = SRV_MAX_HEAD;
        char *p = realloc(c->in, cap);
        if (!p) {
          conn_close(h, c);
          return;
        }
        c->in = p;
        c->in_cap = cap;
      }
      dst = c->in + c->in_len;
      room = c->in_cap - c->in_len;
    }
    ssize_t n = recv(c->fd, dst, room, 0);
    if (n > 0) {
      if (c->state == ST_BODY) {
        c->body_len += (size_t)n;
        if (c->body_len == c->body_need) {
          c->body[c->body_len] = '\0';
          dispatch(h, c, now);
          return;
        }
      } else {
        c->in_len += (size_t)n;
      }
      continue;
    }
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
      break;
    if (n == 0 && c->state == ST_HEAD && c->in_len > 0) {
      /* EOF after a request: answer what is complete, then close */
      c->peer_closed = 1;
      process_input(h, c, now);
      if (c->state == ST_HEAD)
        conn_close(h, c);
      return;
    }
    /* end of stream or error: nothing (more) to answer */
    conn_close(h, c);
    return;
  }
  process_input(h, c, now);
}

/* The answer is out: close, or go on with the next request. */
static void answer_sent(srv_httpd *h, hconn *c, double now) {
  out_release(c);
  c->out_len = c->out_body_len = c->out_off = 0;
  c->requests++;
  if (c->close_after || h->stopping) {
    shutdown(c->fd, SHUT_WR);
    c->state = ST_LINGER;
    c->t_wait = now;
    set_events(h, c, EPOLLIN | EPOLLRDHUP);
    return;
  }
  memmove(c->in, c->in + c->in_used, c->in_len - c->in_used);
  c->in_len -= c->in_used;
  c->in_used = 0;
  memset(&c->scan, 0, sizeof c->scan);
  c->have_head = 0;
  free(c->body);
  c->body = NULL;
  c->body_len = c->body_need = 0;
  c->state = ST_HEAD;
  c->t_wait = now;
  set_events(h, c, EPOLLIN | EPOLLRDHUP);
  process_input(h, c, now); /* a pipelined request already here */
}

/* Sends what the socket takes. 0 when bytes are left (EAGAIN); 1 when the
 * answer is out (answer_sent) or the connection closed: c may be gone. */
static int flush_out(srv_httpd *h, hconn *c, double now) {
  for (;;) {
    struct iovec iov[2];
    int n = 0;
    size_t off = c->out_off;
    if (off < c->out_len) {
      iov[n].iov_base = c->out + off;
      iov[n++].iov_len = c->out_len - off;
      off = 0;
    } else {
      off -= c->out_len;
    }
    if (off < c->out_body_len) {
      iov[n].iov_base = c->out_body + off;
      iov[n++].iov_len = c->out_body_len - off;
    }
    if (n == 0) {
      answer_sent(h, c, now);
      return 1;
    }
    struct msghdr m;
    memset(&m, 0, sizeof m);
    m.msg_iov = iov;
    m.msg_iovlen = (size_t)n;
    ssize_t w = sendmsg(c->fd, &m, MSG_NOSIGNAL);
    if (w > 0) {
      c->out_off += (size_t)w;
      c->t_progress = now;
      continue;
    }
    if (w < 0 && errno == EINTR)
      continue;
    if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
      return 0;
    conn_close(h, c); /* the client went away */
    return 1;
  }
}

static void linger_read(srv_httpd *h, hconn *c) {
  char sink[16384];
  for (int rounds = 0; rounds < 64; rounds++) {
    ssize_t n = recv(c->fd, sink, sizeof sink, 0);
    if (n > 0)
      continue;
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
      return;
    break;
  }
  conn_free(h, c);
}

static void on_event(srv_httpd *h, hconn *c, unsigned ev, double now) {
  switch (c->state) {
  case ST_HEAD:
  case ST_BODY: read_input(h, c, now); break;
  case ST_WORK:
    /* The client closed (or reset) its side while its answer is being
     * computed: stop computing, send nothing. */
    c->gone = 1;
    __atomic_store_n(&c->why, WHY_GONE, __ATOMIC_RELAXED);
    ampel_stop_request(&c->stop);
    set_events(h, c, 0);
    break;
  case ST_SEND:
    if (ev & (EPOLLERR | EPOLLHUP))
      conn_close(h, c);
    else
      flush_out(h, c, now);
    break;
  case ST_LINGER: linger_read(h, c); break;
  }
}

static int same_addr(const hconn *a, const unsigned char *ip, size_t len) {
  return a->ip_len == len && memcmp(a->ip, ip, len) == 0;
}

static void accept_all(srv_httpd *h, double now) {
  while (h->n_conns < h->max_conns) {
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    int fd = accept4(h->lfd, (struct sockaddr *)&ss, &sl,
                     SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED)
        continue;
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
          errno == ENOMEM)
        listener_on(h, 0); /* back on in the next sweep */
      return;
    }
    hconn *c = calloc(1, sizeof *c);
    if (!c) {
      close(fd);
      continue;
    }
    c->fd = fd;
    if (ss.ss_family == AF_INET6) {
      memcpy(c->ip, &((struct sockaddr_in6 *)&ss)->sin6_addr, 16);
      c->ip_len = 16;
    } else {
      memcpy(c->ip, &((struct sockaddr_in *)&ss)->sin_addr, 4);
      c->ip_len = 4;
    }
    /* An IPv4 client of a dual-stack socket is named as IPv4 (::ffff:a.b.c.d
     * → a.b.c.d), so that --trusted-proxy 127.0.0.1 means what it says. */
    int mapped =
        c->ip_len == 16 && IN6_IS_ADDR_V4MAPPED((const struct in6_addr *)c->ip);
    if (!inet_ntop(c->ip_len == 16 && !mapped ? AF_INET6 : AF_INET,
                   mapped ? c->ip + 12 : c->ip, c->peer, sizeof c->peer))
      c->peer[0] = '\0';
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    c->next = h->conns;
    if (h->conns)
      h->conns->prev = c;
    h->conns = c;
    h->n_conns++;
    c->state = ST_HEAD;
    c->t_wait = now;
    c->stall = SRV_SEND_STALL_S;
    unsigned same = 0;
    for (hconn *o = h->conns->next; o && h->max_per_addr; o = o->next)
      same += !o->refused && same_addr(o, c->ip, c->ip_len);
    if (h->max_per_addr && same >= h->max_per_addr) {
      c->refused = 1;
      char msg[200];
      snprintf(msg, sizeof msg,
               "Zu viele gleichzeitige Verbindungen von Ihrer Adresse "
               "(höchstens %u); bitte später erneut versuchen.",
               h->max_per_addr);
      engine_error(h, c, 503, msg, now);
      continue;
    }
    set_events(h, c, EPOLLIN | EPOLLRDHUP);
  }
  listener_on(h, 0); /* full: the kernel's queue holds the next ones */
}

/* Deadlines, every 100 ms. */
static void sweep(srv_httpd *h, double now) {
  for (hconn *c = h->conns, *next; c; c = next) {
    next = c->next;
    switch (c->state) {
    case ST_HEAD:
    case ST_BODY:
      if (now - c->t_wait <= h->req_to)
        break;
      if (c->state == ST_HEAD && c->in_len == 0) {
        conn_free(h, c); /* idle keep-alive connection: just close */
      } else {
        char msg[160];
        snprintf(msg, sizeof msg,
                 "Die Anfrage kam nicht binnen %.0f s vollständig an.",
                 h->req_to);
        engine_error(h, c, 408, msg, now);
      }
      break;
    case ST_WORK:
      if (!c->gone && !ampel_stop_requested(&c->stop) &&
          now - c->t_done > h->comp_to) {
        __atomic_store_n(&c->why, WHY_DEADLINE, __ATOMIC_RELAXED);
        ampel_stop_request(&c->stop);
      }
      break;
    case ST_SEND:
      if (now - c->t_progress > c->stall)
        conn_free(h, c);
      break;
    case ST_LINGER:
      if (now - c->t_wait > SRV_LINGER_MS / 1000.0)
        conn_free(h, c);
      break;
    }
  }
  if (!h->stopping && h->n_conns < h->max_conns)
    listener_on(h, 1);
}

/* Answers made by the workers. */
static void take_done(srv_httpd *h, double now) {
  uint64_t v;
  while (read(h->evfd, &v, sizeof v) > 0)
    ;
  pthread_mutex_lock(&h->dlock);
  hconn *c = h->dhead;
  h->dhead = h->dtail = NULL;
  pthread_mutex_unlock(&h->dlock);
  while (c) {
    hconn *next = c->qnext;
    if (c->gone || h->stopping || !c->out) {
      c->state = ST_SEND; /* no longer the worker's */
      conn_free(h, c);
    } else {
      start_send(h, c, now);
    }
    c = next;
  }
}

/* Shutdown: stop listening, stop every computation, close the rest. */
static void begin_stop(srv_httpd *h, double now) {
  h->stop_at = now + SRV_STOP_GRACE_MS / 1000.0;
  listener_on(h, 0);
  for (hconn *c = h->conns, *next; c; c = next) {
    next = c->next;
    if (c->state == ST_WORK) {
      if (!ampel_stop_requested(&c->stop)) {
        __atomic_store_n(&c->why, WHY_SHUTDOWN, __ATOMIC_RELAXED);
        ampel_stop_request(&c->stop);
      }
      c->gone = 1;
      set_events(h, c, 0);
    } else {
      conn_free(h, c);
    }
  }
}

static void *io_main(void *arg) {
  srv_httpd *h = arg;
  struct epoll_event ev[64];
  double last_sweep = now_s();
  int stop_begun = 0;
  for (;;) {
    int n = epoll_wait(h->ep, ev, 64, 100);
    double now = now_s();
    for (int i = 0; i < n; i++) {
      void *p = ev[i].data.ptr;
      if (p == &h->lfd) {
        if (!h->stopping)
          accept_all(h, now);
      } else if (p == &h->evfd) {
        take_done(h, now);
      } else {
        on_event(h, p, ev[i].events, now);
      }
    }
    if (__atomic_load_n(&h->stopping, __ATOMIC_RELAXED)) {
      if (!stop_begun) {
        begin_stop(h, now);
        stop_begun = 1;
      }
      take_done(h, now);
      if (h->n_conns == 0 || now > h->stop_at)
        break;
      continue;
    }
    if (now - last_sweep >= 0.1) {
      sweep(h, now);
      last_sweep = now;
    }
  }
  return NULL;
}

/* ---- workers -------------------------------------------------------------
 */

static void run_request(const srv_httpd *h, hconn *c) {
  srv_resp r;
  memset(&r, 0, sizeof r);
  r.status = 200;
  r.ctype = "text/html; charset=utf-8";
  ampel_buf_init(&r.body);
  const srv_head *hd = &c->head;
  if (!ampel_stop_requested(&c->stop)) {
    srv_http_req hr = {hd->method, hd->target, hd->target_len, hd->auth, hd,
                       c->peer,    c->body,    c->body_len,    &c->stop};
    srv_handle(&hr, &r);
  }
  unsigned status = r.status;
  if (ampel_stop_requested(&c->stop)) {
    int why = __atomic_load_n(&c->why, __ATOMIC_RELAXED);
    int api = strncmp(hd->target, "/api/", 5) == 0;
    char msg[240];
    if (why == WHY_DEADLINE)
      snprintf(msg, sizeof msg,
               "Die Antwort hat länger als %.0f s gedauert und wurde "
               "abgebrochen. Bitte eine kleinere Auswahl treffen oder "
               "später erneut versuchen.",
               h->comp_to);
    else
      snprintf(msg, sizeof msg, "Der Server wird gerade beendet.");
    error_body(&r, 503, msg, api);
    c->close_after = 1;
    status = why == WHY_GONE ? 499 : 503;
  }
  int head_only = strcmp(hd->method, "HEAD") == 0;
  size_t bytes = 0;
  if (status != 499 && compose(c, &r, head_only) == 0) {
    status = r.status; /* 503 when a part failed for lack of memory */
    bytes = c->out_body_len;
  } else {
    ampel_buf_release(&r.body);
    srv_blob_unref(r.blob);
    c->out = NULL;
  }
  access_log(hd->method, hd->target, hd->target_len, status, bytes,
             (now_s() - c->t_done) * 1e3);
}

static void *worker_main(void *arg) {
  srv_httpd *h = arg;
  for (;;) {
    pthread_mutex_lock(&h->qlock);
    while (!h->qhead && !h->qclosed)
      pthread_cond_wait(&h->qcond, &h->qlock);
    hconn *c = h->qhead;
    if (c) {
      h->qhead = c->qnext;
      if (!h->qhead)
        h->qtail = NULL;
    }
    pthread_mutex_unlock(&h->qlock);
    if (!c)
      break;
    run_request(h, c);
    c->qnext = NULL;
    pthread_mutex_lock(&h->dlock);
    if (h->dtail)
      h->dtail->qnext = c;
    else
      h->dhead = c;
    h->dtail = c;
    pthread_mutex_unlock(&h->dlock);
    uint64_t one = 1;
    ssize_t w = write(h->evfd, &one, sizeof one);
    (void)w;
  }
  return NULL;
}

/* ---- start and stop --------------------------------------------------------
 */

static int listen_socket(const srv_config *cfg, unsigned *out_port) {
  struct sockaddr_storage ss;
  memset(&ss, 0, sizeof ss);
  struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
  struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
  socklen_t sl;
  if (inet_pton(AF_INET, cfg->bind, &a4->sin_addr) == 1) {
    a4->sin_family = AF_INET;
    a4->sin_port = htons((uint16_t)cfg->port);
    sl = sizeof *a4;
  } else if (inet_pton(AF_INET6, cfg->bind, &a6->sin6_addr) == 1) {
    a6->sin6_family = AF_INET6;
    a6->sin6_port = htons((uint16_t)cfg->port);
    sl = sizeof *a6;
  } else {
    fprintf(stderr,
            "ampel serve: Fehler: --bind: IP-Adresse erwartet, gefunden: "
            "'%s'\n",
            cfg->bind);
    return -2;
  }
  int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return -1;
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind(fd, (struct sockaddr *)&ss, sl) != 0 || listen(fd, 511) != 0) {
    close(fd);
    return -1;
  }
  sl = sizeof ss;
  if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0)
    *out_port = ntohs(ss.ss_family == AF_INET6 ? a6->sin6_port : a4->sin_port);
  return fd;
}

/* Room for max connections in the descriptor limit (raised to the hard
 * limit when needed); returns the number of connections that fit. */
static unsigned fit_fd_limit(unsigned max) {
  const unsigned reserve = 64; /* database, logs, epoll, workers */
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
    return max;
  rlim_t want = (rlim_t)max + reserve;
  if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < want) {
    rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= want
                      ? want
                      : rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
    getrlimit(RLIMIT_NOFILE, &rl);
  }
  if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < want) {
    unsigned fit =
        rl.rlim_cur > reserve + 16 ? (unsigned)(rl.rlim_cur - reserve) : 16;
    fprintf(stderr,
            "ampel serve: Warnung: nur %u Verbindungen möglich (Grenze "
            "der Dateideskriptoren %llu; ulimit -n erhöhen)\n",
            fit, (unsigned long long)rl.rlim_cur);
    return fit;
  }
  return max;
}

srv_httpd *srv_httpd_start(const srv_config *cfg, unsigned *out_port) {
  if (cfg->frame_ancestors &&
      srv_frame_ancestors_check(cfg->frame_ancestors, NULL, 0) == 0) {
    snprintf(frame_ancestors, sizeof frame_ancestors, "%s",
             cfg->frame_ancestors);
    frame_ancestors_xfo = "";
  }
  srv_httpd *h = calloc(1, sizeof *h);
  if (!h)
    return NULL;
  h->lfd = h->ep = h->evfd = -1;
  pthread_mutex_init(&h->qlock, NULL);
  pthread_cond_init(&h->qcond, NULL);
  pthread_mutex_init(&h->dlock, NULL);
  h->max_conns = fit_fd_limit(cfg->max_connections ? cfg->max_connections
                                                   : SRV_MAX_CONNECTIONS);
  h->max_per_addr = cfg->max_per_addr;
  h->req_to =
      cfg->request_timeout ? cfg->request_timeout : SRV_REQUEST_TIMEOUT_S;
  h->comp_to =
      cfg->compute_timeout ? cfg->compute_timeout : SRV_COMPUTE_TIMEOUT_S;
  unsigned threads = cfg->threads;
  if (!threads) {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    threads = n > 0 ? (unsigned)n : 1;
  }
  *out_port = cfg->port;
  h->lfd = listen_socket(cfg, out_port);
  h->ep = epoll_create1(EPOLL_CLOEXEC);
  h->evfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  h->workers = calloc(threads, sizeof *h->workers);
  if (h->lfd < 0 || h->ep < 0 || h->evfd < 0 || !h->workers) {
    if (h->lfd != -2)
      fprintf(stderr,
              "ampel serve: Fehler: kann nicht auf %s:%u lauschen "
              "(Port belegt?)\n",
              cfg->bind, cfg->port);
    if (h->lfd >= 0)
      close(h->lfd);
    if (h->ep >= 0)
      close(h->ep);
    if (h->evfd >= 0)
      close(h->evfd);
    free(h->workers);
    free(h);
    return NULL;
  }
  struct epoll_event e = {0};
  e.events = EPOLLIN;
  e.data.ptr = &h->evfd;
  epoll_ctl(h->ep, EPOLL_CTL_ADD, h->evfd, &e);
  listener_on(h, 1);
  for (; h->n_workers < threads; h->n_workers++)
    if (pthread_create(&h->workers[h->n_workers], NULL, worker_main, h) != 0)
      break;
  if (h->n_workers == 0 || pthread_create(&h->io, NULL, io_main, h) != 0) {
    fprintf(stderr, "ampel serve: Fehler: kann keine Threads starten\n");
    exit(3); /* threads may already wait on h: no clean way back */
  }
  return h;
}

int srv_httpd_stop(srv_httpd *h) {
  __atomic_store_n(&h->stopping, 1, __ATOMIC_RELAXED);
  uint64_t one = 1;
  ssize_t w = write(h->evfd, &one, sizeof one);
  (void)w;
  pthread_join(h->io, NULL); /* returns within SRV_STOP_GRACE_MS */
  pthread_mutex_lock(&h->qlock);
  h->qclosed = 1;
  pthread_cond_broadcast(&h->qcond);
  pthread_mutex_unlock(&h->qlock);
  struct timespec until = srv_realtime_in(300);
  int all = 1;
  for (unsigned i = 0; i < h->n_workers; i++)
    if (pthread_timedjoin_np(h->workers[i], NULL, &until) != 0)
      all = 0;
  if (!all)
    return -1; /* a worker still computes: the caller exits anyway */
  for (hconn *c = h->dhead, *next; c; c = next) { /* finished late */
    next = c->qnext;
    conn_free(h, c);
  }
  h->dhead = h->dtail = NULL;
  if (h->n_conns)
    return -1;
  close(h->lfd);
  close(h->ep);
  close(h->evfd);
  free(h->workers);
  pthread_mutex_destroy(&h->qlock);
  pthread_cond_destroy(&h->qcond);
  pthread_mutex_destroy(&h->dlock);
  free(h);
  return 0;
}
