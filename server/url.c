/* url.c - the request target as path and parameters, strictly decoded
 * (issue 16): "%XX" needs two hex digits; '+' is a space in the query
 * (HTML forms); a decoded NUL, a broken escape or bytes that are not
 * UTF-8 make the whole request a 400 instead of silently shortening a
 * value ("/gebiet/GE%00xyz" is not "/gebiet/GE"). No allocation: the
 * caller gives the storage. Kept apart from the network code so that the
 * fuzz target decodes exactly as the server does. */
#include <stdio.h>
#include <string.h>

#include "server.h"

static int hexval(unsigned char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* 1 when s[0..n) is well-formed UTF-8: no overlong forms, no surrogates,
 * nothing above U+10FFFF. */
static int utf8_ok(const unsigned char *s, size_t n) {
  size_t i = 0;
  while (i < n) {
    unsigned c = s[i];
    size_t k;
    unsigned min, cp;
    if (c < 0x80) {
      i++;
      continue;
    } else if (c >= 0xC2 && c <= 0xDF) {
      k = 1, min = 0x80, cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      k = 2, min = 0x800, cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      k = 3, min = 0x10000, cp = c & 0x07;
    } else {
      return 0;
    }
    if (n - i <= k)
      return 0;
    for (size_t j = 1; j <= k; j++) {
      if ((s[i + j] & 0xC0) != 0x80)
        return 0;
      cp = (cp << 6) | (s[i + j] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
      return 0;
    i += k + 1;
  }
  return 1;
}

long srv_url_decode(const char *s, size_t n, int plus_space, char *out) {
  size_t o = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '%') {
      if (n - i < 3) /* fewer than two characters follow */
        return -1;
      int hi = hexval((unsigned char)s[i + 1]);
      int lo = hexval((unsigned char)s[i + 2]);
      if (hi < 0 || lo < 0)
        return -1;
      c = (unsigned char)(hi * 16 + lo);
      i += 2;
    } else if (c == '+' && plus_space) {
      c = ' ';
    }
    if (c == '\0')
      return -1;
    out[o++] = (char)c;
  }
  out[o] = '\0';
  return utf8_ok((const unsigned char *)out, o) ? (long)o : -1;
}

int srv_url_parse(const char *target, size_t len, srv_req *q, char *store,
                  size_t store_size, const char **why) {
  *why = NULL;
  q->path = "";
  q->n_params = 0;
  q->too_many_params = 0;
  if (store_size < 2 * len + 2) {
    *why = "Die Adresse ist zu lang.";
    return -1;
  }
  if (len == 0 || target[0] != '/') {
    *why = "Die Adresse muss mit '/' beginnen.";
    return -1;
  }
  const char *qm = memchr(target, '?', len);
  size_t plen = qm ? (size_t)(qm - target) : len;
  char *o = store;
  long n = srv_url_decode(target, plen, 0, o);
  if (n < 0) {
    *why = "Die Adresse ist nicht gültig kodiert (Prozentzeichen ohne zwei "
           "Hexadezimalziffern, ein Nullbyte oder kein UTF-8).";
    return -1;
  }
  q->path = o;
  o += n + 1;
  const char *p = qm ? qm + 1 : NULL, *end = target + len;
  while (p && p < end) {
    const char *amp = memchr(p, '&', (size_t)(end - p));
    const char *seg_end = amp ? amp : end;
    if (seg_end > p) { /* "a=1&&b=2": empty pieces are skipped */
      if (q->n_params == SRV_MAX_PARAMS) {
        q->too_many_params = 1; /* route.c answers 400 */
        return 0;
      }
      const char *eq = memchr(p, '=', (size_t)(seg_end - p));
      const char *kend = eq ? eq : seg_end;
      char *key = o;
      long kn = srv_url_decode(p, (size_t)(kend - p), 1, key);
      if (kn < 0) {
        *why = "Ein Parametername ist nicht gültig kodiert (Prozentzeichen "
               "ohne zwei Hexadezimalziffern, ein Nullbyte oder kein UTF-8).";
        return -1;
      }
      o += kn + 1;
      char *val = o;
      long vn = eq ? srv_url_decode(eq + 1, (size_t)(seg_end - eq - 1), 1, val)
                   : (val[0] = '\0', 0);
      if (vn < 0) {
        *why = "Ein Parameterwert ist nicht gültig kodiert (Prozentzeichen "
               "ohne zwei Hexadezimalziffern, ein Nullbyte oder kein UTF-8).";
        return -1;
      }
      o += vn + 1;
      q->params[q->n_params].key = key;
      q->params[q->n_params].val = val;
      q->n_params++;
    }
    p = amp ? amp + 1 : NULL;
  }
  return 0;
}

/* ---- --frame-ancestors (issue 13) ----------------------------------- */

#define FA_MAX_LEN 1000
#define FA_MAX_SOURCES 16

static int host_char(char ch) {
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
         (ch >= '0' && ch <= '9') || ch == '-' || ch == '.';
}

/* One source s[0..n): 'self' or scheme://host[:port]. */
static int source_ok(const char *s, size_t n) {
  if (n == 6 && memcmp(s, "'self'", 6) == 0)
    return 1;
  size_t i;
  if (n > 8 && memcmp(s, "https://", 8) == 0)
    i = 8;
  else if (n > 7 && memcmp(s, "http://", 7) == 0)
    i = 7;
  else
    return 0;
  if (i + 2 < n && s[i] == '*' && s[i + 1] == '.')
    i += 2;
  size_t h0 = i;
  while (i < n && host_char(s[i]))
    i++;
  if (i == h0 || s[h0] == '.' || s[h0] == '-' || s[i - 1] == '.')
    return 0;
  if (i < n && s[i] == ':') {
    size_t p0 = ++i;
    while (i < n && s[i] >= '0' && s[i] <= '9')
      i++;
    if (i == p0 || i - p0 > 5)
      return 0;
  }
  return i == n;
}

int srv_frame_ancestors_check(const char *v, char *msg, size_t size) {
  size_t len = v ? strlen(v) : 0, k = 0;
  const char *why = NULL;
  if (!len)
    why = "leer";
  else if (len > FA_MAX_LEN)
    why = "zu lang (höchstens 1000 Zeichen)";
  for (size_t i = 0; !why && i < len;) {
    size_t j = i;
    while (j < len && v[j] != ' ')
      j++;
    if (j == i || ++k > FA_MAX_SOURCES)
      why = j == i ? "Quellen durch genau ein Leerzeichen trennen"
                   : "höchstens 16 Quellen";
    else if (!source_ok(v + i, j - i))
      why = "jede Quelle ist 'self' oder https://HOST[:PORT] (ohne Pfad, "
            "ohne ; , \" und Zeilenumbruch)";
    i = j + 1;
    if (!why && j + 1 == len && v[j] == ' ')
      why = "Leerzeichen am Ende";
  }
  if (why && msg && size)
    snprintf(msg, size, "%s", why);
  return why ? -1 : 0;
}
