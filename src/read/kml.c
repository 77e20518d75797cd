/* KML reader (geo.h: ampel_kml_read): OGC KML 2.2 streamed through expat.
 *
 * Every Placemark (at any depth of Document/Folder) with at least one
 * Polygon becomes a feature: its Polygons, also inside MultiGeometry, are
 * the parts of one multipolygon; Points, LineStrings and other geometry
 * beside them are skipped. A Polygon's outerBoundaryIs ring is its outer
 * ring, the innerBoundaryIs rings are holes. The key (and name) come from
 * ExtendedData: SimpleData name="K" or Data name="K"/value, else, for the
 * property "name", the Placemark's own <name>. KML is always WGS84
 * (EPSG:4326). The key and geometry are collected while the Placemark is
 * open and stored when it closes, as ExtendedData may follow the
 * geometry. */
#include <expat.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ampel/alloc.h"
#include "ampel/geo.h"

#define KML_MAX_TEXT 1024u                    /* name, key, property values */
#define KML_MAX_COORDS (256u * 1024u * 1024u) /* one <coordinates> text */
#define KML_MAX_ERRORS 50

typedef struct text {
  char *p;
  size_t len, cap, limit;
} text;

/* Appends n bytes; 1 when the text would pass its limit, -1 out of
 * memory. */
static int text_put(text *t, const char *s, size_t n) {
  if (n > t->limit || t->len > t->limit - n)
    return 1;
  if (!t->p || t->len + n + 1 > t->cap) {
    size_t cap = t->cap ? t->cap : 64;
    while (cap < t->len + n + 1)
      cap *= 2;
    char *p = ampel_realloc(t->p, cap);
    if (!p)
      return -1;
    t->p = p;
    t->cap = cap;
  }
  memcpy(t->p + t->len, s, n);
  t->len += n;
  t->p[t->len] = '\0';
  return 0;
}

static void text_clear(text *t) {
  t->len = 0;
  if (t->p)
    t->p[0] = '\0';
}

/* Which text is being collected. */
enum { T_NONE, T_NAME, T_SIMPLE, T_VALUE, T_COORDS };

typedef struct kml {
  XML_Parser p;
  const char *path;
  const char *data;
  size_t len;
  const ampel_geo_read_opts *o;
  const char *kp; /* the key property ("name" when none is given) */
  ampel_geoset *g;
  ampel_diags *diags;
  ampel_status st; /* first fatal status (NOMEM, TOO_LARGE) */
  long n_errors;
  /* the open Placemark */
  int in_pm, pm_depth, depth;
  long pm_line, pm_col, pm_index;
  int pm_bad;     /* an error in this Placemark: store nothing */
  int in_poly;    /* inside a Polygon */
  int ring_outer; /* the open LinearRing is an outer ring */
  int n_rings_in_poly, n_polys;
  ampel_shape_builder b;
  text key, name, pm_name, props;
  /* collecting */
  int want;
  text cur;       /* SimpleData or value text */
  char prop[128]; /* name attribute of the open SimpleData/Data */
  text coords;
  long co_line, co_col; /* where the coordinates text starts */
} kml;

static int is_ws(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static const char *lname(const XML_Char *n) {
  const char *c = strrchr(n, ':');
  return c ? c + 1 : n;
}

static const char *attr(const XML_Char **atts, const char *name) {
  for (size_t i = 0; atts && atts[i]; i += 2)
    if (strcmp(lname(atts[i]), name) == 0)
      return atts[i + 1];
  return NULL;
}

/* Start of the line that holds byte `off`, and its length (at most 200). */
static const char *line_src(const kml *k, long line, size_t *out_len) {
  size_t off = 0;
  for (long l = 1; l < line && off < k->len; off++)
    if (k->data[off] == '\n')
      l++;
  size_t b = off;
  while (b < k->len && k->data[b] != '\n' && k->data[b] != '\r')
    b++;
  *out_len = b - off > 200 ? 200 : b - off;
  return k->data + off;
}

static void kml_error(kml *k, ampel_status code, long line, long col,
                      const char *fmt, ...) AMPEL_PRINTF(5, 6);
static void kml_error(kml *k, ampel_status code, long line, long col,
                      const char *fmt, ...) {
  char msg[600];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  size_t sl = 0;
  const char *src = line > 0 ? line_src(k, line, &sl) : NULL;
  ampel_diags_add(k->diags, AMPEL_SEV_ERROR, code, k->path, line, col, src, sl,
                  "%s", msg);
  k->n_errors++;
  k->pm_bad = 1;
  if (code == AMPEL_E_NOMEM || code == AMPEL_E_TOO_LARGE) {
    k->st = code;
    XML_StopParser(k->p, XML_FALSE);
  } else if (k->n_errors >= KML_MAX_ERRORS) {
    XML_StopParser(k->p, XML_FALSE);
  }
}

static long cur_line(const kml *k) {
  return (long)XML_GetCurrentLineNumber(k->p);
}
static long cur_col(const kml *k) {
  return (long)XML_GetCurrentColumnNumber(k->p) + 1;
}

static void nomem(kml *k) {
  kml_error(k, AMPEL_E_NOMEM, 0, 0, "Speicher erschöpft");
}

/* Adds text to t, reporting overflow at the current position. */
static void put_text(kml *k, text *t, const char *s, size_t n,
                     const char *what) {
  int r = text_put(t, s, n);
  if (r < 0)
    nomem(k);
  else if (r > 0 && !k->pm_bad)
    kml_error(k, t == &k->coords ? AMPEL_E_TOO_LARGE : AMPEL_E_DATA,
              cur_line(k), cur_col(k), "%s ist länger als %zu Bytes", what,
              t->limit);
}

/* Records a property (name=value) of the Placemark: the key, the name,
 * and a short list of names for messages. */
static void put_prop(kml *k, const char *prop, const text *v) {
  const char *val = v->p ? v->p : "";
  size_t n = v->len;
  while (n && is_ws(val[n - 1]))
    n--;
  while (n && is_ws(*val)) {
    val++;
    n--;
  }
  if (strcmp(prop, k->kp) == 0) {
    text_clear(&k->key);
    if (text_put(&k->key, val, n) < 0)
      nomem(k);
  }
  if (k->o->name_property && strcmp(prop, k->o->name_property) == 0) {
    text_clear(&k->name);
    if (text_put(&k->name, val, n) < 0)
      nomem(k);
  }
  if (k->props.len < 300 && (text_put(&k->props, k->props.len ? ", " : "",
                                      k->props.len ? 2 : 0) < 0 ||
                             text_put(&k->props, prop, strlen(prop)) < 0))
    nomem(k);
}

static void begin_placemark(kml *k) {
  k->in_pm = 1;
  k->pm_depth = k->depth;
  k->pm_line = cur_line(k);
  k->pm_col = cur_col(k);
  k->pm_index++;
  k->pm_bad = 0;
  k->in_poly = 0;
  k->ring_outer = -1;
  k->want = T_NONE;
  k->prop[0] = '\0';
  k->n_polys = 0;
  text_clear(&k->key);
  text_clear(&k->name);
  text_clear(&k->pm_name);
  text_clear(&k->props);
  ampel_shape_builder_release(&k->b);
  ampel_shape_builder_init(&k->b);
}

/* A token of a coordinate tuple as a finite number; 0 when it is none. */
static int parse_num(const char *s, size_t n, double *out) {
  char buf[64];
  if (n == 0 || n >= sizeof buf)
    return 0;
  for (size_t i = 0; i < n; i++)
    if (!s[i] || !strchr("0123456789+-.eE", s[i]))
      return 0;
  memcpy(buf, s, n);
  buf[n] = '\0';
  char *end;
  double v = strtod(buf, &end);
  if (*end || !isfinite(v))
    return 0;
  *out = v;
  return 1;
}

/* Parses the collected coordinates into a ring of the builder. */
static void end_ring(kml *k) {
  const char *s = k->coords.p ? k->coords.p : "";
  size_t n = k->coords.len, i = 0, n_pts = 0;
  long line = k->co_line, col = k->co_col;
  double x0 = NAN, y0 = NAN, x = NAN, y = NAN;
  if (k->pm_bad)
    return;
  if (ampel_shape_builder_ring(&k->b) != AMPEL_OK) {
    nomem(k);
    return;
  }
  while (i < n) {
    if (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n') {
      if (s[i] == '\n') {
        line++;
        col = 1;
      } else {
        col++;
      }
      i++;
      continue;
    }
    size_t a = i;
    while (i < n && !is_ws(s[i]))
      i++;
    /* the tuple s[a..i): lon,lat[,alt] */
    double v[3];
    int nv = 0, ok = 1;
    size_t f = a;
    for (size_t j = a; j <= i && ok; j++) {
      if (j < i && s[j] != ',')
        continue;
      if (nv == 3 || !parse_num(s + f, j - f, &v[nv]))
        ok = 0;
      nv++;
      f = j + 1;
    }
    if (!ok || nv < 2) {
      kml_error(k, AMPEL_E_DATA, line, col,
                "Placemark %ld: '%.*s' ist kein Punkt 'Länge,Breite[,Höhe]' "
                "aus Zahlen",
                k->pm_index, (int)(i - a > 60 ? 60 : i - a), s + a);
      return;
    }
    x = v[0];
    y = v[1];
    if (n_pts == 0) {
      x0 = x;
      y0 = y;
    }
    ampel_status st = ampel_shape_builder_point(&k->b, x, y);
    if (st != AMPEL_OK) {
      kml_error(k, st, line, col,
                st == AMPEL_E_TOO_LARGE ? "mehr als %u Punkte in der Datei"
                                        : "Speicher erschöpft (%u)",
                AMPEL_GEO_MAX_POINTS);
      return;
    }
    n_pts++;
    col += (long)(i - a);
  }
  if (n_pts < 4) {
    kml_error(k, AMPEL_E_DATA, k->co_line, k->co_col,
              "Placemark %ld: Ring hat %zu Punkte, weniger als 4 (ein Ring "
              "braucht mindestens 3 Ecken und den Anfangspunkt am Ende)",
              k->pm_index, n_pts);
    return;
  }
  if (x != x0 || y != y0)
    kml_error(k, AMPEL_E_DATA, k->co_line, k->co_col,
              "Placemark %ld: Ring ist nicht geschlossen (der letzte Punkt "
              "muss gleich dem ersten sein)",
              k->pm_index);
}

static void end_placemark(kml *k) {
  k->in_pm = 0;
  if (k->pm_bad)
    return;
  if (k->n_polys == 0) {
    kml_error(k, AMPEL_E_DATA, k->pm_line, k->pm_col,
              "Placemark %ld%s%s%s: keine Fläche (kein Polygon)", k->pm_index,
              k->pm_name.len ? " '" : "", k->pm_name.len ? k->pm_name.p : "",
              k->pm_name.len ? "'" : "");
    return;
  }
  const char *kp = k->kp;
  if (k->key.len == 0 && strcmp(kp, "name") == 0 && k->pm_name.len &&
      text_put(&k->key, k->pm_name.p, k->pm_name.len) != 0)
    nomem(k);
  const char *np = k->o->name_property;
  if (k->name.len == 0 && np && strcmp(np, "name") == 0 && k->pm_name.len &&
      text_put(&k->name, k->pm_name.p, k->pm_name.len) != 0)
    nomem(k);
  if (k->st != AMPEL_OK)
    return;
  if (k->key.len == 0) {
    kml_error(k, AMPEL_E_DATA, k->pm_line, k->pm_col,
              "Placemark %ld hat keine Eigenschaft '%s' (vorhanden: %s%s%s); "
              "--key-property nennt die Eigenschaft mit dem "
              "Gebietsschlüssel (SimpleData/Data-Name oder 'name')",
              k->pm_index, kp, k->pm_name.len ? "name" : "",
              k->pm_name.len && k->props.len ? ", " : "",
              k->props.len ? k->props.p : (k->pm_name.len ? "" : "keine"));
    return;
  }
  ampel_shape s;
  ampel_shape_builder_finish(&k->b, &s);
  const char *name = k->name.len ? k->name.p : NULL;
  long prev = ampel_geoset_find(k->g, k->key.p);
  const char *pn = prev >= 0 ? ampel_geoset_name(k->g, (size_t)prev) : NULL;
  if (pn && name && strcmp(pn, name) != 0)
    ampel_diags_add(k->diags, AMPEL_SEV_WARNING, AMPEL_E_DATA, k->path,
                    k->pm_line, k->pm_col, NULL, 0,
                    "Gebiet '%s': Placemark %ld heißt '%s', der Placemark in "
                    "Zeile %ld mit demselben Schlüssel '%s'; die Teilflächen "
                    "werden zusammengefasst, der erste Name gilt",
                    k->key.p, k->pm_index, name,
                    ampel_geoset_line(k->g, (size_t)prev), pn);
  ampel_status st = ampel_geoset_add_part(k->g, k->key.p, name, k->pm_line, &s);
  ampel_shape_release(&s);
  if (st != AMPEL_OK)
    kml_error(k, st, k->pm_line, k->pm_col,
              st == AMPEL_E_TOO_LARGE ? "mehr als %u Punkte in der Datei"
                                      : "Speicher erschöpft (%u)",
              AMPEL_GEO_MAX_POINTS);
}

static void XMLCALL on_start(void *ud, const XML_Char *el,
                             const XML_Char **atts) {
  kml *k = ud;
  const char *n = lname(el);
  k->depth++;
  if (strcmp(n, "Placemark") == 0) {
    if (k->in_pm) {
      kml_error(k, AMPEL_E_DATA, cur_line(k), cur_col(k),
                "Placemark in einem Placemark");
      return;
    }
    begin_placemark(k);
    return;
  }
  if (!k->in_pm || k->pm_bad)
    return;
  if (strcmp(n, "name") == 0 && k->depth == k->pm_depth + 1) {
    k->want = T_NAME;
    text_clear(&k->pm_name);
  } else if (strcmp(n, "SimpleData") == 0 || strcmp(n, "Data") == 0) {
    const char *a = attr(atts, "name");
    snprintf(k->prop, sizeof k->prop, "%s", a ? a : "");
    text_clear(&k->cur);
    if (n[0] == 'S')
      k->want = T_SIMPLE;
  } else if (strcmp(n, "value") == 0 && k->prop[0]) {
    k->want = T_VALUE;
    text_clear(&k->cur);
  } else if (strcmp(n, "Polygon") == 0) {
    if (k->in_poly) {
      kml_error(k, AMPEL_E_DATA, cur_line(k), cur_col(k),
                "Placemark %ld: Polygon in einem Polygon", k->pm_index);
      return;
    }
    k->in_poly = 1;
    k->ring_outer = -1;
    k->n_rings_in_poly = 0;
    k->n_polys++;
    if (ampel_shape_builder_poly(&k->b) != AMPEL_OK)
      nomem(k);
  } else if (strcmp(n, "outerBoundaryIs") == 0 ||
             strcmp(n, "innerBoundaryIs") == 0) {
    k->ring_outer = n[0] == 'o';
  } else if (strcmp(n, "coordinates") == 0 && k->in_poly) {
    if (k->ring_outer < 0) /* a ring without boundary element */
      k->ring_outer = k->n_rings_in_poly == 0;
    int outer_ok = k->ring_outer == (k->n_rings_in_poly == 0);
    if (!outer_ok) {
      kml_error(k, AMPEL_E_DATA, cur_line(k), cur_col(k), "Placemark %ld: %s",
                k->pm_index,
                k->ring_outer ? "Polygon mit mehr als einem äußeren Ring "
                                "(outerBoundaryIs)"
                              : "Polygon beginnt mit einem inneren Ring "
                                "(innerBoundaryIs) statt dem äußeren");
      return;
    }
    k->want = T_COORDS;
    text_clear(&k->coords);
    k->co_line = cur_line(k);
    k->co_col = cur_col(k);
  }
}

static void XMLCALL on_end(void *ud, const XML_Char *el) {
  kml *k = ud;
  const char *n = lname(el);
  k->depth--;
  if (!k->in_pm)
    return;
  if (strcmp(n, "Placemark") == 0) {
    end_placemark(k);
    return;
  }
  int want = k->want;
  k->want = T_NONE;
  if (k->pm_bad)
    return;
  if (want == T_SIMPLE && strcmp(n, "SimpleData") == 0)
    put_prop(k, k->prop, &k->cur);
  else if (want == T_VALUE && strcmp(n, "value") == 0)
    put_prop(k, k->prop, &k->cur);
  else if (want == T_COORDS && strcmp(n, "coordinates") == 0) {
    end_ring(k);
    k->n_rings_in_poly++;
    k->ring_outer = -1;
  } else if (strcmp(n, "Data") == 0)
    k->prop[0] = '\0';
  else if (strcmp(n, "Polygon") == 0) {
    if (k->n_rings_in_poly == 0)
      kml_error(k, AMPEL_E_DATA, cur_line(k), cur_col(k),
                "Placemark %ld: Polygon ohne Ring", k->pm_index);
    k->in_poly = 0;
  } else if (want == T_NAME) {
    text *t = &k->pm_name;
    size_t a = 0;
    if (!t->p)
      return; /* <name></name> */
    while (a < t->len && is_ws(t->p[a]))
      a++;
    while (t->len > a && is_ws(t->p[t->len - 1]))
      t->len--;
    memmove(t->p, t->p + a, t->len - a);
    t->len -= a;
    t->p[t->len] = '\0';
  }
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len) {
  kml *k = ud;
  if (!k->in_pm || k->pm_bad || len <= 0)
    return;
  switch (k->want) {
  case T_NAME:
    put_text(k, &k->pm_name, s, (size_t)len, "Der Name eines Placemarks");
    break;
  case T_SIMPLE:
  case T_VALUE:
    put_text(k, &k->cur, s, (size_t)len, "Ein Eigenschaftswert");
    break;
  case T_COORDS:
    if (k->coords.len == 0) {
      k->co_line = cur_line(k);
      k->co_col = cur_col(k);
    }
    put_text(k, &k->coords, s, (size_t)len, "Eine Koordinatenliste");
    break;
  default: break;
  }
}

/* KML never needs a DTD; refusing one rules out entity expansion. */
static void XMLCALL on_doctype(void *ud, const XML_Char *name,
                               const XML_Char *sysid, const XML_Char *pubid,
                               int has_internal_subset) {
  kml *k = ud;
  (void)name;
  (void)sysid;
  (void)pubid;
  (void)has_internal_subset;
  kml_error(k, AMPEL_E_DATA, cur_line(k), cur_col(k),
            "DOCTYPE-Deklaration ist in KML nicht erlaubt");
  XML_StopParser(k->p, XML_FALSE);
}

static const char *xml_error_de(enum XML_Error e) {
  switch (e) {
  case XML_ERROR_SYNTAX: return "Syntaxfehler";
  case XML_ERROR_NO_ELEMENTS: return "kein Element gefunden";
  case XML_ERROR_INVALID_TOKEN: return "ungültiges Zeichen";
  case XML_ERROR_UNCLOSED_TOKEN: return "unvollständiges Element";
  case XML_ERROR_PARTIAL_CHAR: return "unvollständiges Zeichen";
  case XML_ERROR_TAG_MISMATCH: return "schließendes Tag passt nicht";
  case XML_ERROR_DUPLICATE_ATTRIBUTE: return "Attribut doppelt";
  case XML_ERROR_JUNK_AFTER_DOC_ELEMENT: return "Inhalt nach dem Wurzelelement";
  case XML_ERROR_UNDEFINED_ENTITY: return "unbekannte Entität";
  case XML_ERROR_BAD_CHAR_REF: return "ungültige Zeichenreferenz";
  case XML_ERROR_UNKNOWN_ENCODING: return "unbekannte Zeichenkodierung";
  case XML_ERROR_INCORRECT_ENCODING: return "falsche Zeichenkodierung";
  case XML_ERROR_MISPLACED_XML_PI: return "XML-Deklaration nicht am Anfang";
  default: return NULL;
  }
}

static const XML_Memory_Handling_Suite mem_suite = {ampel_alloc, ampel_realloc,
                                                    ampel_free};

static ampel_status parse(kml *k) {
  k->p = XML_ParserCreate_MM(NULL, &mem_suite, NULL);
  if (!k->p)
    return AMPEL_E_NOMEM;
  XML_SetUserData(k->p, k);
  XML_SetElementHandler(k->p, on_start, on_end);
  XML_SetCharacterDataHandler(k->p, on_text);
  XML_SetStartDoctypeDeclHandler(k->p, on_doctype);
  if (k->len > (size_t)1 << 30) {
    kml_error(k, AMPEL_E_TOO_LARGE, 0, 0, "Datei größer als 1 GiB");
    return AMPEL_E_TOO_LARGE;
  }
  enum XML_Status r = XML_Parse(k->p, k->data, (int)k->len, XML_TRUE);
  if (r == XML_STATUS_ERROR && k->n_errors == 0) {
    enum XML_Error e = XML_GetErrorCode(k->p);
    if (e == XML_ERROR_NO_MEMORY)
      return AMPEL_E_NOMEM;
    const char *de = xml_error_de(e);
    kml_error(k, AMPEL_E_DATA, cur_line(k), cur_col(k), "kein gültiges XML: %s",
              de ? de : XML_ErrorString(e));
  }
  if (k->st != AMPEL_OK)
    return k->st;
  return k->n_errors ? AMPEL_E_DATA : AMPEL_OK;
}

ampel_status ampel_kml_read(const char *data, size_t len, const char *path,
                            const ampel_geo_read_opts *opts, ampel_geoset **out,
                            ampel_diags *diags) {
  *out = NULL;
  kml k;
  memset(&k, 0, sizeof k);
  k.path = path;
  k.data = data;
  k.len = len;
  k.o = opts;
  k.diags = diags;
  k.kp = opts && opts->key_property && *opts->key_property ? opts->key_property
                                                           : "name";
  k.key.limit = k.name.limit = k.pm_name.limit = k.cur.limit = KML_MAX_TEXT;
  k.props.limit = 400;
  k.coords.limit = KML_MAX_COORDS;
  ampel_shape_builder_init(&k.b);
  k.g = ampel_geoset_new();
  ampel_status st =
      k.g ? ampel_geoset_set_crs(k.g, 4326, "EPSG:4326") : AMPEL_E_NOMEM;
  if (st == AMPEL_OK)
    st = parse(&k);
  if (st == AMPEL_OK && ampel_geoset_n(k.g) == 0) {
    ampel_diags_add(diags, AMPEL_SEV_ERROR, AMPEL_E_DATA, path, 1, 1, NULL, 0,
                    "die Datei enthält keine Flächen (kein Placemark mit "
                    "Polygon)");
    st = AMPEL_E_DATA;
  }
  if (st == AMPEL_E_NOMEM && k.n_errors == 0)
    ampel_diags_add(diags, AMPEL_SEV_ERROR, st, path, 0, 0, NULL, 0,
                    "Speicher erschöpft");
  if (k.p)
    XML_ParserFree(k.p);
  ampel_shape_builder_release(&k.b);
  ampel_free(k.key.p);
  ampel_free(k.name.p);
  ampel_free(k.pm_name.p);
  ampel_free(k.props.p);
  ampel_free(k.cur.p);
  ampel_free(k.coords.p);
  if (st != AMPEL_OK) {
    ampel_geoset_free(k.g);
    return st;
  }
  *out = k.g;
  return AMPEL_OK;
}
