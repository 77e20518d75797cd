/* multipart.c - strict multipart/form-data (multipart.h). */
#include <string.h>
#include <strings.h>

#include "multipart.h"

/* RFC 2046 bchars (a space only inside). */
static int bchar(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
         (c >= 'A' && c <= 'Z') || strchr("'()+_,-./:=? ", c) != NULL;
}

/* RFC 9110 tchar. */
static int tchar(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
         (c >= 'A' && c <= 'Z') || (c && strchr("!#$%&'*+-.^_`|~", c));
}

static const char *ows(const char *s, const char *end) {
  while (s < end && (*s == ' ' || *s == '\t'))
    s++;
  return s;
}

/* A parameter value (token or quoted-string) from s into out (size bytes
 * incl. NUL). Returns the position after it, or NULL with *why. */
static const char *param_value(const char *s, const char *end, char *out,
                               size_t size, const char **why) {
  size_t n = 0;
  if (s < end && *s == '"') {
    for (s++; s < end && *s != '"'; s++) {
      if (*s == '\\') {
        if (++s == end)
          break;
      }
      unsigned char c = (unsigned char)*s;
      if (c < 0x20 || c == 0x7f) {
        *why = "Steuerzeichen in einem Parameter des Teils";
        return NULL;
      }
      if (n + 1 >= size) {
        *why = "Parameter des Teils zu lang";
        return NULL;
      }
      out[n++] = (char)c;
    }
    if (s >= end) {
      *why = "Anführungszeichen im Kopf des Teils nicht geschlossen";
      return NULL;
    }
    out[n] = '\0';
    return s + 1;
  }
  for (; s < end && tchar(*s); s++) {
    if (n + 1 >= size) {
      *why = "Parameter des Teils zu lang";
      return NULL;
    }
    out[n++] = *s;
  }
  if (n == 0) {
    *why = "Parameter des Teils ohne Wert";
    return NULL;
  }
  out[n] = '\0';
  return s;
}

int srv_mp_boundary(const char *ct, char *out, const char **why) {
  static const char type[] = "multipart/form-data";
  out[0] = '\0';
  if (!ct || strncasecmp(ct, type, sizeof type - 1) != 0) {
    *why = "Content-Type multipart/form-data erwartet (ein Formular mit "
           "Dateien)";
    return -1;
  }
  const char *s = ct + sizeof type - 1, *end = ct + strlen(ct);
  char name[32], val[SRV_MP_MAX_BOUNDARY + 2];
  int found = 0;
  for (;;) {
    s = ows(s, end);
    if (s == end)
      break;
    if (*s != ';') {
      *why = "Content-Type: Parameter nicht lesbar";
      return -1;
    }
    s = ows(s + 1, end);
    size_t n = 0;
    while (s < end && tchar(*s) && n + 1 < sizeof name)
      name[n++] = *s++;
    name[n] = '\0';
    if (n == 0 || s == end || *s != '=') {
      *why = "Content-Type: Parameter nicht lesbar";
      return -1;
    }
    s = param_value(s + 1, end, val, sizeof val, why);
    if (!s) {
      *why = "Content-Type: Grenze (boundary) ungültig oder länger als 70 "
             "Zeichen";
      return -1;
    }
    if (strcasecmp(name, "boundary") == 0) {
      if (found) {
        *why = "Content-Type: boundary doppelt angegeben";
        return -1;
      }
      found = 1;
      if (strlen(val) > SRV_MP_MAX_BOUNDARY) {
        *why = "Content-Type: Grenze (boundary) länger als 70 Zeichen";
        return -1;
      }
      memcpy(out, val, strlen(val) + 1);
    }
  }
  size_t bl = strlen(out);
  int ok = found && bl >= 1 && bl <= SRV_MP_MAX_BOUNDARY && out[bl - 1] != ' ';
  for (size_t i = 0; ok && i < bl; i++)
    ok = bchar(out[i]);
  if (!ok) {
    out[0] = '\0';
    *why = "Content-Type: Grenze (boundary) fehlt oder ist ungültig (1 bis "
           "70 erlaubte Zeichen)";
    return -1;
  }
  return 0;
}

/* Content-Disposition: form-data; name="…"[; filename="…"] into p. */
static int disposition(const char *s, const char *end, srv_part *p,
                       const char **why) {
  static const char fd[] = "form-data";
  s = ows(s, end);
  if ((size_t)(end - s) < sizeof fd - 1 ||
      strncasecmp(s, fd, sizeof fd - 1) != 0 ||
      (s + sizeof fd - 1 < end && s[sizeof fd - 1] != ';' &&
       s[sizeof fd - 1] != ' ' && s[sizeof fd - 1] != '\t')) {
    *why = "Content-Disposition: form-data erwartet";
    return -1;
  }
  s += sizeof fd - 1;
  int has_name = 0;
  for (;;) {
    s = ows(s, end);
    if (s == end)
      break;
    if (*s != ';') {
      *why = "Content-Disposition: Parameter nicht lesbar";
      return -1;
    }
    s = ows(s + 1, end);
    char key[32];
    size_t n = 0;
    while (s < end && tchar(*s) && n + 1 < sizeof key)
      key[n++] = *s++;
    key[n] = '\0';
    if (n == 0 || s == end || *s != '=') {
      *why = "Content-Disposition: Parameter nicht lesbar";
      return -1;
    }
    char val[sizeof p->filename];
    s = param_value(s + 1, end, val, sizeof val, why);
    if (!s)
      return -1;
    if (strcasecmp(key, "name") == 0) {
      if (has_name || strlen(val) >= sizeof p->name || !val[0]) {
        *why = "Content-Disposition: Feldname fehlt, ist doppelt oder zu "
               "lang";
        return -1;
      }
      memcpy(p->name, val, strlen(val) + 1);
      has_name = 1;
    } else if (strcasecmp(key, "filename") == 0) {
      if (p->is_file) {
        *why = "Content-Disposition: Dateiname doppelt angegeben";
        return -1;
      }
      /* the base name only (old browsers send C:\...\name.csv) */
      const char *b = val;
      for (const char *q = val; *q; q++)
        if (*q == '/' || *q == '\\')
          b = q + 1;
      memmove(p->filename, b, strlen(b) + 1);
      p->is_file = 1;
    } /* other parameters (filename* is not for form-data) are ignored */
  }
  if (!has_name) {
    *why = "Content-Disposition: Feldname (name) fehlt";
    return -1;
  }
  return 0;
}

/* The header lines of one part, from *pos to the empty line. */
static int part_headers(const char *body, size_t len, size_t *pos, srv_part *p,
                        const char **why) {
  int has_cd = 0;
  for (int lines = 0;; lines++) {
    const char *s = body + *pos;
    size_t room = len - *pos;
    size_t max = room < SRV_MP_MAX_LINE + 2 ? room : SRV_MP_MAX_LINE + 2;
    const char *cr = NULL;
    for (size_t i = 0; i + 1 < max; i++)
      if (s[i] == '\r' && s[i + 1] == '\n') {
        cr = s + i;
        break;
      }
    if (!cr) {
      *why = room <= SRV_MP_MAX_LINE + 1
                 ? "Kopf eines Teils unvollständig (Anfrage abgeschnitten?)"
                 : "Kopfzeile eines Teils zu lang (höchstens 1024 Zeichen)";
      return 400;
    }
    *pos += (size_t)(cr - s) + 2;
    if (cr == s)
      break; /* the empty line */
    if (lines >= SRV_MP_MAX_HEADERS) {
      *why = "zu viele Kopfzeilen in einem Teil (höchstens 8)";
      return 400;
    }
    if (*s == ' ' || *s == '\t') {
      *why = "gefaltete Kopfzeile in einem Teil";
      return 400;
    }
    const char *colon = memchr(s, ':', (size_t)(cr - s));
    if (!colon || colon == s) {
      *why = "Kopfzeile eines Teils ohne ':'";
      return 400;
    }
    for (const char *q = s; q < colon; q++)
      if (!tchar(*q)) {
        *why = "ungültiger Name einer Kopfzeile in einem Teil";
        return 400;
      }
    for (const char *q = colon + 1; q < cr; q++)
      if ((unsigned char)*q < 0x20 && *q != '\t') {
        *why = "Steuerzeichen in einer Kopfzeile eines Teils";
        return 400;
      }
    size_t nl = (size_t)(colon - s);
    if (nl == 19 && strncasecmp(s, "Content-Disposition", 19) == 0) {
      if (has_cd) {
        *why = "Content-Disposition doppelt in einem Teil";
        return 400;
      }
      has_cd = 1;
      if (disposition(colon + 1, cr, p, why) != 0)
        return 400;
    } else if (nl == 25 &&
               strncasecmp(s, "Content-Transfer-Encoding", 25) == 0) {
      const char *v = ows(colon + 1, cr);
      size_t vl = (size_t)(cr - v);
      while (vl && (v[vl - 1] == ' ' || v[vl - 1] == '\t'))
        vl--;
      if (!((vl == 6 && strncasecmp(v, "binary", 6) == 0) ||
            (vl == 4 && strncasecmp(v, "8bit", 4) == 0) ||
            (vl == 4 && strncasecmp(v, "7bit", 4) == 0))) {
        *why = "Content-Transfer-Encoding wird nicht unterstützt";
        return 400;
      }
    }
  }
  if (!has_cd) {
    *why = "Teil ohne Content-Disposition";
    return 400;
  }
  return 0;
}

static const char *find(const char *h, size_t hl, const char *n, size_t nl) {
  if (nl == 0 || hl < nl)
    return NULL;
  const char *end = h + hl - nl;
  for (const char *p = h; p <= end;) {
    p = memchr(p, n[0], (size_t)(end - p) + 1);
    if (!p)
      return NULL;
    if (memcmp(p, n, nl) == 0)
      return p;
    p++;
  }
  return NULL;
}

int srv_mp_parse(const char *body, size_t len, const char *boundary,
                 size_t max_files, srv_multipart *out, const char **why) {
  memset(out, 0, sizeof *out);
  if (max_files > SRV_MP_MAX_FILES)
    max_files = SRV_MP_MAX_FILES;
  size_t bl = strlen(boundary);
  if (bl == 0 || bl > SRV_MP_MAX_BOUNDARY) {
    *why = "Grenze (boundary) ungültig";
    return 400;
  }
  /* "\r\n--" boundary: the delimiter; the first one without CRLF */
  char delim[SRV_MP_MAX_BOUNDARY + 5];
  memcpy(delim, "\r\n--", 4);
  memcpy(delim + 4, boundary, bl);
  size_t dl = bl + 4;
  if (!body || len < dl - 2 || memcmp(body, delim + 2, dl - 2) != 0) {
    *why = "der Rumpf beginnt nicht mit der Grenze (boundary) aus dem "
           "Content-Type";
    return 400;
  }
  size_t pos = dl - 2;
  for (;;) {
    /* after a delimiter: "--" ends the body, CRLF starts a part */
    if (len - pos >= 2 && body[pos] == '-' && body[pos + 1] == '-') {
      pos += 2;
      if (pos == len ||
          (len - pos == 2 && body[pos] == '\r' && body[pos + 1] == '\n'))
        return 0;
      *why = "Daten nach der abschließenden Grenze";
      return 400;
    }
    if (len - pos < 2 || body[pos] != '\r' || body[pos + 1] != '\n') {
      *why = len - pos < 2 ? "der Rumpf endet ohne abschließende Grenze "
                             "(Anfrage abgeschnitten?)"
                           : "nach der Grenze fehlt der Zeilenumbruch";
      return 400;
    }
    pos += 2;
    if (out->n_parts == SRV_MP_MAX_PARTS) {
      *why = "zu viele Teile im Formular (höchstens 32)";
      return 413;
    }
    srv_part *p = &out->parts[out->n_parts];
    int st = part_headers(body, len, &pos, p, why);
    if (st)
      return st;
    const char *at = find(body + pos, len - pos, delim, dl);
    if (!at) {
      *why = "der Rumpf endet ohne abschließende Grenze (Anfrage "
             "abgeschnitten?)";
      return 400;
    }
    p->data = body + pos;
    p->len = (size_t)(at - (body + pos));
    if (p->is_file && ++out->n_files > max_files) {
      *why = "zu viele Dateien in einer Sendung";
      return 413;
    }
    if (!p->is_file && p->len > SRV_MP_MAX_FIELD) {
      *why = "ein Formularfeld ist zu lang (höchstens 64 KiB)";
      return 413;
    }
    out->n_parts++;
    pos = (size_t)(at - body) + dl;
  }
}

const char *srv_mp_field(const srv_multipart *m, const char *name, char *buf,
                         size_t size) {
  for (size_t i = 0; i < m->n_parts; i++) {
    const srv_part *p = &m->parts[i];
    if (p->is_file || strcmp(p->name, name) != 0)
      continue;
    if (p->len + 1 > size || memchr(p->data, '\0', p->len))
      return NULL;
    memcpy(buf, p->data, p->len);
    buf[p->len] = '\0';
    return buf;
  }
  return NULL;
}
