/* XLSX reader: buffers, text helpers and the expat driver that streams one
 * zip entry (xlsx_internal.h). */
#include <stdio.h>
#include <string.h>

#include "ampel/alloc.h"
#include "read/xlsx_internal.h"

#define NS_SEP '|'

ampel_status ampel_xlsx_buf_put(xlsx_buf *b, const char *s, size_t n,
                                size_t limit) {
  if (limit && (n > limit || b->len > limit - n))
    return AMPEL_E_TOO_LARGE;
  if (n + 1 > b->cap - b->len || !b->p) {
    if (n > SIZE_MAX / 2 - b->len - 64)
      return AMPEL_E_TOO_LARGE;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + n + 1)
      cap *= 2;
    char *p = ampel_realloc(b->p, cap);
    if (!p)
      return AMPEL_E_NOMEM;
    b->p = p;
    b->cap = cap;
  }
  if (n)
    memcpy(b->p + b->len, s, n);
  b->len += n;
  b->p[b->len] = '\0';
  return AMPEL_OK;
}

void ampel_xlsx_buf_free(xlsx_buf *b) {
  ampel_free(b->p);
  memset(b, 0, sizeof *b);
}

static int is_xml_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

void ampel_xlsx_trim_from(xlsx_buf *b, size_t from) {
  size_t a = from, e = b->len;
  while (a < e && is_xml_space(b->p[a]))
    a++;
  while (e > a && is_xml_space(b->p[e - 1]))
    e--;
  if (a > from)
    memmove(b->p + from, b->p + a, e - a);
  b->len = from + (e - a);
  if (b->p)
    b->p[b->len] = '\0';
}

static int hexval(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  return -1;
}

/* Code point of "_xHHHH_" at s (7 bytes available), or -1. */
static long escape_at(const char *s) {
  if (s[0] != '_' || s[1] != 'x' || s[6] != '_')
    return -1;
  long v = 0;
  for (int i = 2; i < 6; i++) {
    int h = hexval(s[i]);
    if (h < 0)
      return -1;
    v = v * 16 + h;
  }
  if (v == 0 || (v >= 0xD800 && v <= 0xDFFF) || v >= 0xFFFE)
    return -1;
  return v;
}

static size_t put_utf8(char *out, long cp) {
  if (cp < 0x80) {
    out[0] = (char)cp;
    return 1;
  }
  if (cp < 0x800) {
    out[0] = (char)(0xC0 | (cp >> 6));
    out[1] = (char)(0x80 | (cp & 0x3F));
    return 2;
  }
  out[0] = (char)(0xE0 | (cp >> 12));
  out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
  out[2] = (char)(0x80 | (cp & 0x3F));
  return 3;
}

/* In place is safe: 7 escape bytes become at most 3 UTF-8 bytes. */
size_t ampel_xlsx_unescape(char *s, size_t len) {
  size_t r = 0, w = 0;
  while (r < len) {
    long cp = (len - r >= 7) ? escape_at(s + r) : -1;
    if (cp >= 0) {
      w += put_utf8(s + w, cp);
      r += 7;
    } else {
      s[w++] = s[r++];
    }
  }
  return w;
}

int ampel_xlsx_clip(const char *s, int max) {
  int n = 0;
  while (n < max && s[n])
    n++;
  if (s[n] == '\0')
    return n;
  while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
    n--; /* s[n] continues a sequence: cut before its lead byte */
  return n;
}

const char *ampel_xlsx_lname(const XML_Char *name) {
  const char *s = strrchr(name, NS_SEP);
  return s ? s + 1 : name;
}

const char *ampel_xlsx_attr(const XML_Char **atts, const char *local,
                            int want_ns) {
  for (size_t i = 0; atts[i]; i += 2) {
    int has_ns = strchr(atts[i], NS_SEP) != NULL;
    if (has_ns == !!want_ns && strcmp(ampel_xlsx_lname(atts[i]), local) == 0)
      return atts[i + 1];
  }
  return NULL;
}

void ampel_xlsx_xml_fail(xlsx_xml *m, ampel_status st, long line, long col,
                         const char *fmt, ...) {
  if (m->st != AMPEL_OK)
    return;
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  m->st = st;
  ampel_diags_add(m->diags, AMPEL_SEV_ERROR, st, m->x->path, line, col, NULL, 0,
                  "%s%s", m->prefix, msg);
  XML_StopParser(m->p, XML_FALSE);
}

/* Workbooks never declare a DTD; refusing one rules out entity
 * expansion attacks whatever expat's own limits are. */
static void XMLCALL on_doctype(void *ud, const XML_Char *name,
                               const XML_Char *sysid, const XML_Char *pubid,
                               int has_internal_subset) {
  xlsx_xml *m = ud;
  ampel_xlsx_xml_fail(m, AMPEL_E_DATA, 0, 0,
                      "%s: DOCTYPE-Deklaration ist in .xlsx nicht erlaubt",
                      m->part);
}

static const XML_Memory_Handling_Suite mem_suite = {ampel_alloc, ampel_realloc,
                                                    ampel_free};

/* Problems of the ZIP container (a member missing, unreadable, too large or
 * damaged) are located at the archive's start, FILE:1:1, and name the
 * member in the message (issue 16: they had no position). */
static ampel_status open_entry(xlsx_xml *m, int optional) {
  ampel_xlsx *x = m->x;
  zip_int64_t idx = zip_name_locate(x->za, m->part, 0);
  if (idx < 0)
    idx = zip_name_locate(x->za, m->part, ZIP_FL_NOCASE);
  if (idx < 0) {
    if (optional)
      return AMPEL_E_NOT_FOUND;
    ampel_diags_add(m->diags, AMPEL_SEV_ERROR, AMPEL_E_DATA, x->path, 1, 1,
                    NULL, 0, "%sEintrag %s fehlt", m->prefix, m->part);
    return AMPEL_E_DATA;
  }
  zip_stat_t zs;
  zip_stat_init(&zs);
  if (zip_stat_index(x->za, (zip_uint64_t)idx, 0, &zs) == 0 &&
      (zs.valid & ZIP_STAT_SIZE))
    m->declared = zs.size;
  else
    m->declared = UINT64_MAX;
  if ((zs.valid & ZIP_STAT_COMP_METHOD) && zs.comp_method != ZIP_CM_STORE &&
      zs.comp_method != ZIP_CM_DEFLATE) {
    ampel_diags_add(m->diags, AMPEL_SEV_ERROR, AMPEL_E_DATA, x->path, 1, 1,
                    NULL, 0,
                    "%sEintrag %s: Kompressionsverfahren %d wird nicht "
                    "unterstützt (nur Deflate)",
                    m->prefix, m->part, (int)zs.comp_method);
    return AMPEL_E_DATA;
  }
  if (m->declared != UINT64_MAX && m->declared > x->entry_cap) {
    ampel_diags_add(
        m->diags, AMPEL_SEV_ERROR, AMPEL_E_TOO_LARGE, x->path, 1, 1, NULL, 0,
        "%sEintrag %s ist laut ZIP-Verzeichnis entpackt größer "
        "als %llu MiB",
        m->prefix, m->part, (unsigned long long)(x->entry_cap >> 20));
    return AMPEL_E_TOO_LARGE;
  }
  m->zf = zip_fopen_index(x->za, (zip_uint64_t)idx, 0);
  if (!m->zf) {
    ampel_diags_add(m->diags, AMPEL_SEV_ERROR, AMPEL_E_DATA, x->path, 1, 1,
                    NULL, 0, "%sEintrag %s kann nicht gelesen werden (%s)",
                    m->prefix, m->part, zip_strerror(x->za));
    return AMPEL_E_DATA;
  }
  return AMPEL_OK;
}

ampel_status ampel_xlsx_xml_begin(xlsx_xml *m, ampel_xlsx *x, const char *part,
                                  const char *prefix, void *ud, int optional,
                                  ampel_diags *diags) {
  memset(m, 0, sizeof *m);
  m->x = x;
  m->diags = diags;
  m->part = part;
  m->prefix = prefix ? prefix : "";
  ampel_status st = open_entry(m, optional);
  if (st != AMPEL_OK)
    return st;
  const XML_Char sep[2] = {NS_SEP, '\0'};
  m->p = XML_ParserCreate_MM(NULL, &mem_suite, sep);
  m->chunk = ampel_alloc(XLSX_CHUNK);
  if (!m->p || !m->chunk) {
    ampel_diags_error(diags, AMPEL_E_NOMEM, "%sSpeicher erschöpft", m->prefix);
    ampel_xlsx_xml_end(m);
    return AMPEL_E_NOMEM;
  }
  XML_SetUserData(m->p, ud);
  XML_SetStartDoctypeDeclHandler(m->p, on_doctype);
  return AMPEL_OK;
}

void ampel_xlsx_xml_end(xlsx_xml *m) {
  if (m->p)
    XML_ParserFree(m->p);
  if (m->zf)
    zip_fclose(m->zf);
  ampel_free(m->chunk);
  m->p = NULL;
  m->zf = NULL;
  m->chunk = NULL;
}

static const char *xml_error_de(enum XML_Error e) {
  switch (e) {
  case XML_ERROR_NO_MEMORY:
    return "Speicher erschöpft";
  case XML_ERROR_SYNTAX:
    return "Syntaxfehler";
  case XML_ERROR_NO_ELEMENTS:
    return "kein Element gefunden";
  case XML_ERROR_INVALID_TOKEN:
    return "ungültiges Zeichen";
  case XML_ERROR_UNCLOSED_TOKEN:
    return "unvollständiges Element";
  case XML_ERROR_PARTIAL_CHAR:
    return "unvollständiges Zeichen";
  case XML_ERROR_TAG_MISMATCH:
    return "schließendes Tag passt nicht";
  case XML_ERROR_DUPLICATE_ATTRIBUTE:
    return "Attribut doppelt";
  case XML_ERROR_JUNK_AFTER_DOC_ELEMENT:
    return "Inhalt nach dem Wurzelelement";
  case XML_ERROR_UNDEFINED_ENTITY:
    return "unbekannte Entität";
  case XML_ERROR_BAD_CHAR_REF:
    return "ungültige Zeichenreferenz";
  case XML_ERROR_UNKNOWN_ENCODING:
    return "unbekannte Zeichenkodierung";
  case XML_ERROR_INCORRECT_ENCODING:
    return "falsche Zeichenkodierung";
  case XML_ERROR_UNBOUND_PREFIX:
    return "Namensraum-Präfix nicht deklariert";
  case XML_ERROR_MISPLACED_XML_PI:
    return "XML-Deklaration nicht am Anfang";
  default:
    return NULL;
  }
}

static ampel_status report_xml_error(xlsx_xml *m) {
  if (m->st != AMPEL_OK)
    return m->st; /* a handler stopped the parser and said why */
  enum XML_Error e = XML_GetErrorCode(m->p);
  const char *de = xml_error_de(e);
  ampel_status st = e == XML_ERROR_NO_MEMORY ? AMPEL_E_NOMEM : AMPEL_E_DATA;
  ampel_diags_add(m->diags, AMPEL_SEV_ERROR, st, m->x->path, 0, 0, NULL, 0,
                  "%s%s:%lu:%lu: XML-Fehler: %s", m->prefix, m->part,
                  (unsigned long)XML_GetCurrentLineNumber(m->p),
                  (unsigned long)XML_GetCurrentColumnNumber(m->p) + 1,
                  de ? de : XML_ErrorString(e));
  m->st = st;
  return st;
}

/* Reads the next chunk of the entry: *out_n == 0 means its end. Never
 * trusts the declared size: stops at the cap, and checks at the end that
 * the declared size was right. */
static ampel_status read_chunk(xlsx_xml *m, size_t *out_n) {
  zip_int64_t n = zip_fread(m->zf, m->chunk, XLSX_CHUNK);
  ampel_xlsx *x = m->x;
  if (n < 0) {
    ampel_diags_add(m->diags, AMPEL_SEV_ERROR, AMPEL_E_DATA, x->path, 1, 1,
                    NULL, 0, "%sEintrag %s ist beschädigt (%s)", m->prefix,
                    m->part, zip_file_strerror(m->zf));
    return AMPEL_E_DATA;
  }
  m->total += (uint64_t)n;
  if (m->total > x->entry_cap) {
    ampel_diags_add(m->diags, AMPEL_SEV_ERROR, AMPEL_E_TOO_LARGE, x->path, 1, 1,
                    NULL, 0, "%sEintrag %s ist entpackt größer als %llu MiB",
                    m->prefix, m->part,
                    (unsigned long long)(x->entry_cap >> 20));
    return AMPEL_E_TOO_LARGE;
  }
  if (n == 0 && m->declared != UINT64_MAX && m->total != m->declared) {
    ampel_diags_add(
        m->diags, AMPEL_SEV_ERROR, AMPEL_E_DATA, x->path, 1, 1, NULL, 0,
        "%sEintrag %s ist beschädigt (%llu Bytes statt %llu)", m->prefix,
        m->part, (unsigned long long)m->total, (unsigned long long)m->declared);
    return AMPEL_E_DATA;
  }
  *out_n = (size_t)n;
  return AMPEL_OK;
}

ampel_status ampel_xlsx_xml_step(xlsx_xml *m) {
  if (m->st != AMPEL_OK)
    return m->st;
  if (m->done)
    return AMPEL_OK;
  XML_ParsingStatus ps;
  XML_GetParsingStatus(m->p, &ps);
  enum XML_Status r;
  if (ps.parsing == XML_SUSPENDED) {
    r = XML_ResumeParser(m->p);
  } else {
    size_t n = 0;
    ampel_status st = read_chunk(m, &n);
    if (st != AMPEL_OK) {
      m->st = st;
      return st;
    }
    m->final_fed = n == 0;
    r = XML_Parse(m->p, m->chunk, (int)n, m->final_fed);
  }
  if (r == XML_STATUS_ERROR)
    return report_xml_error(m);
  if (r == XML_STATUS_OK && m->final_fed)
    m->done = 1;
  return AMPEL_OK;
}

ampel_status ampel_xlsx_xml_run(xlsx_xml *m) {
  while (!m->done) {
    ampel_status st = ampel_xlsx_xml_step(m);
    if (st != AMPEL_OK)
      return st;
  }
  return AMPEL_OK;
}
