/* http1.c - the head of an HTTP/1.x request (RFC 9112), parsed strictly
 * and within fixed limits. No sockets, no allocation: the engine
 * (httpd.c) hands over the bytes received so far, and the fuzz target
 * can feed anything. Every refusal has its own status and a German
 * reason, so that the engine answers it like any other error (with the
 * server's headers) instead of dropping the connection. */
#include <string.h>
#include <strings.h>

#include "server.h"

/* RFC 9110 token characters (method, header names). */
static int tchar(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* A comma-separated header value holds `tok` (case-insensitive). */
static int has_token(const char *v, const char *tok) {
  size_t n = strlen(tok);
  for (const char *p = v; *p;) {
    while (*p == ' ' || *p == '\t' || *p == ',')
      p++;
    const char *e = p;
    while (*e && *e != ',')
      e++;
    const char *t = e;
    while (t > p && (t[-1] == ' ' || t[-1] == '\t'))
      t--;
    if ((size_t)(t - p) == n && strncasecmp(p, tok, n) == 0)
      return 1;
    p = e;
  }
  return 0;
}

static int fail(const char **why, const char *msg, int status) {
  *why = msg;
  return status;
}

/* The request line "METHOD SP TARGET SP HTTP/1.x" in line[0..n). */
static int request_line(char *line, size_t n, srv_head *h, const char **why) {
  char *sp1 = memchr(line, ' ', n);
  if (!sp1 || sp1 == line || sp1 - line > 16)
    return fail(why, "Die erste Zeile der Anfrage ist ungültig.", 400);
  for (char *p = line; p < sp1; p++)
    if (*p < 'A' || *p > 'Z')
      return fail(why, "Die Methode der Anfrage ist ungültig.", 400);
  char *t = sp1 + 1;
  char *sp2 = memchr(t, ' ', n - (size_t)(t - line));
  if (!sp2 || sp2 == t)
    return fail(why,
                "Die erste Zeile der Anfrage ist ungültig (Methode, "
                "Adresse und HTTP-Version erwartet).",
                400);
  for (char *p = t; p < sp2; p++)
    if ((unsigned char)*p <= 0x20 || *p == 0x7f)
      return fail(why, "Die Adresse enthält Steuer- oder Leerzeichen.", 400);
  if ((size_t)(sp2 - t) > SRV_MAX_URL)
    return fail(why, "Die Adresse ist zu lang.", 414);
  const char *v = sp2 + 1;
  size_t vn = n - (size_t)(v - line);
  if (vn == 8 && memcmp(v, "HTTP/1.", 7) == 0 && (v[7] == '0' || v[7] == '1'))
    h->minor = v[7] - '0';
  else if (vn == 8 && memcmp(v, "HTTP/", 5) == 0 && v[5] >= '0' &&
           v[5] <= '9' && v[6] == '.' && v[7] >= '0' && v[7] <= '9')
    return fail(why, "Nur HTTP/1.0 und HTTP/1.1 werden unterstützt.", 505);
  else
    return fail(why, "Die HTTP-Version der Anfrage ist ungültig.", 400);
  *sp1 = '\0';
  *sp2 = '\0';
  h->method = line;
  h->target = t;
  h->target_len = (size_t)(sp2 - t);
  return 0;
}

/* Content-Length: 1*DIGIT, at most 15 digits (no sign, no blanks). */
static int content_length(const char *v, long long *out) {
  size_t n = strlen(v);
  if (n == 0 || n > 15)
    return -1;
  long long x = 0;
  for (size_t i = 0; i < n; i++) {
    if (v[i] < '0' || v[i] > '9')
      return -1;
    x = x * 10 + (v[i] - '0');
  }
  *out = x;
  return 0;
}

/* One header line "Name: value" in line[0..n). */
static int header_line(char *line, size_t n, srv_head *h, const char **why) {
  if (n && (line[0] == ' ' || line[0] == '\t'))
    return fail(why, "Fortgesetzte Kopfzeilen (obs-fold) sind nicht erlaubt.",
                400);
  char *colon = memchr(line, ':', n);
  if (!colon || colon == line)
    return fail(why, "Eine Kopfzeile ist ungültig (Name: Wert erwartet).", 400);
  for (char *p = line; p < colon; p++)
    if (!tchar((unsigned char)*p))
      return fail(why, "Der Name einer Kopfzeile ist ungültig.", 400);
  char *v = colon + 1, *e = line + n;
  for (char *p = v; p < e; p++)
    if (((unsigned char)*p < 0x20 && *p != '\t') || *p == 0x7f)
      return fail(why, "Eine Kopfzeile enthält Steuerzeichen.", 400);
  while (v < e && (*v == ' ' || *v == '\t'))
    v++;
  while (e > v && (e[-1] == ' ' || e[-1] == '\t'))
    e--;
  *colon = '\0';
  *e = '\0';
  const char *name = line;
  if (strcasecmp(name, "Host") == 0) {
    if (h->has_host)
      return fail(why, "Die Kopfzeile Host ist doppelt.", 400);
    h->has_host = 1;
  } else if (strcasecmp(name, "Content-Length") == 0) {
    long long x;
    if (content_length(v, &x) != 0)
      return fail(why, "Content-Length ist keine gültige Länge.", 400);
    if (h->content_length >= 0 && h->content_length != x)
      return fail(why, "Content-Length ist doppelt und verschieden.", 400);
    h->content_length = x;
  } else if (strcasecmp(name, "Transfer-Encoding") == 0) {
    h->transfer_encoding = 1;
  } else if (strcasecmp(name, "Connection") == 0) {
    h->conn_close |= has_token(v, "close");
    h->conn_keep_alive |= has_token(v, "keep-alive");
  } else if (strcasecmp(name, "Expect") == 0) {
    if (strcasecmp(v, "100-continue") != 0)
      return fail(why, "Nur 'Expect: 100-continue' wird verstanden.", 417);
    h->expect_continue = 1;
  } else if (strcasecmp(name, "Authorization") == 0) {
    h->auth = v;
  }
  if (h->n_hdrs < sizeof h->hdrs / sizeof h->hdrs[0]) {
    h->hdrs[h->n_hdrs].name = name;
    h->hdrs[h->n_hdrs].value = v;
    h->n_hdrs++;
  }
  return 0;
}

int srv_head_parse(char *buf, size_t n, srv_scan *sc, srv_head *h,
                   const char **why) {
  *why = NULL;
  /* The head may start with empty lines (ignored, RFC 9112 §2.2). */
  size_t skip = 0;
  while (skip < n && (buf[skip] == '\r' || buf[skip] == '\n'))
    skip++;
  if (skip > 64)
    return fail(why, "Zu viele leere Zeilen vor der Anfrage.", 400);
  /* Find the empty line that ends the head, resuming where the last call
   * stopped, so that a client sending one byte at a time costs linear
   * time. Lines end in LF, optionally preceded by CR. */
  size_t i = sc->pos > skip ? sc->pos : skip, end = 0;
  for (; i < n; i++) {
    if (buf[i] != '\n')
      continue;
    if (!sc->first_lf)
      sc->first_lf = i + 1;
    if ((i >= skip + 1 && buf[i - 1] == '\n') ||
        (i >= skip + 2 && buf[i - 1] == '\r' && buf[i - 2] == '\n')) {
      end = i + 1;
      break;
    }
  }
  sc->pos = i;
  if (!end) {
    if (!sc->first_lf && n - skip > SRV_MAX_URL + 32)
      return fail(why, "Die Adresse ist zu lang.", 414);
    if (n >= SRV_MAX_HEAD)
      return fail(why, "Die Kopfzeilen der Anfrage sind zu groß.", 431);
    return 0; /* more bytes needed */
  }
  if (end > SRV_MAX_HEAD)
    return fail(why, "Die Kopfzeilen der Anfrage sind zu groß.", 431);
  memset(h, 0, sizeof *h);
  h->content_length = -1;
  h->len = end;
  size_t p = 0;
  while (p < end && (buf[p] == '\r' || buf[p] == '\n'))
    p++;
  int first = 1;
  size_t lines = 0;
  while (p < end) {
    char *nl = memchr(buf + p, '\n', end - p);
    size_t e = (size_t)(nl - buf), ln = e - p;
    if (ln && buf[p + ln - 1] == '\r')
      ln--;
    if (memchr(buf + p, '\r', ln))
      return fail(why, "Ein einzelnes CR in der Anfrage ist nicht erlaubt.",
                  400);
    if (ln == 0)
      break; /* the empty line */
    if (++lines > SRV_MAX_HEADERS + 1)
      return fail(why, "Die Anfrage hat zu viele Kopfzeilen.", 431);
    int st = first ? request_line(buf + p, ln, h, why)
                   : header_line(buf + p, ln, h, why);
    if (st)
      return st;
    buf[p + ln] = '\0';
    first = 0;
    p = e + 1;
  }
  if (!h->method)
    return fail(why, "Die Anfrage ist leer.", 400);
  if (h->minor == 1 && !h->has_host)
    return fail(why, "HTTP/1.1 verlangt die Kopfzeile Host.", 400);
  if (h->transfer_encoding)
    return fail(why,
                "Transfer-Encoding wird nicht unterstützt; bitte "
                "Content-Length senden.",
                501);
  return 1;
}

const char *srv_head_get(const srv_head *h, const char *name) {
  for (size_t i = 0; i < h->n_hdrs; i++)
    if (strcasecmp(h->hdrs[i].name, name) == 0)
      return h->hdrs[i].value;
  return NULL;
}
