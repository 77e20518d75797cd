/* GeoJSON reader (geo.h): jansson for parsing, after a light pre-scan that
 * caps the nesting depth (jansson recurses) and finds the line of every
 * feature, so messages about a feature can name its line. */
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ampel/alloc.h"
#include "ampel/geo.h"

typedef struct scan {
  long *feat_line; /* line of each feature object, in order */
  size_t n_feat, cap_feat;
} scan;

/* Start of the line that holds byte `off`, and its length. */
static const char *line_at(const char *d, size_t len, size_t off,
                           size_t *out_len) {
  if (off > len)
    off = len;
  size_t a = off, b = off;
  while (a > 0 && d[a - 1] != '\n')
    a--;
  while (b < len && d[b] != '\n' && d[b] != '\r')
    b++;
  *out_len = b - a;
  return d + a;
}

/* Byte offset of (line, column), both 1-based. */
static size_t offset_of(const char *d, size_t len, long line, long col) {
  size_t off = 0;
  for (long l = 1; l < line && off < len; off++)
    if (d[off] == '\n')
      l++;
  return off + (col > 0 ? (size_t)col - 1 : 0);
}

static ampel_status push_feature(scan *s, long line) {
  if (s->n_feat == s->cap_feat) {
    size_t c = s->cap_feat ? 2 * s->cap_feat : 64;
    long *p = ampel_reallocarray(s->feat_line, c, sizeof *p);
    if (!p)
      return AMPEL_E_NOMEM;
    s->feat_line = p;
    s->cap_feat = c;
  }
  s->feat_line[s->n_feat++] = line;
  return AMPEL_OK;
}

/* Walks the text once outside strings: checks the depth cap and records
 * the objects that are elements of an array inside the top-level object
 * (the features of a FeatureCollection). */
static ampel_status prescan(const char *d, size_t len, const char *path,
                            scan *s, ampel_diags *diags) {
  char stack[AMPEL_GEO_MAX_DEPTH];
  size_t depth = 0;
  long line = 1, col = 0;
  int in_str = 0, esc = 0;
  for (size_t i = 0; i < len; i++) {
    char c = d[i];
    col++;
    if (c == '\n') {
      line++;
      col = 0;
    }
    if (in_str) {
      if (esc)
        esc = 0;
      else if (c == '\\')
        esc = 1;
      else if (c == '"')
        in_str = 0;
      continue;
    }
    if (c == '"') {
      in_str = 1;
    } else if (c == '{' || c == '[') {
      if (depth == AMPEL_GEO_MAX_DEPTH) {
        size_t sl;
        const char *src = line_at(d, len, i, &sl);
        ampel_diags_add(diags, AMPEL_SEV_ERROR, AMPEL_E_TOO_LARGE, path, line,
                        col, src, sl,
                        "JSON ist tiefer als %d Ebenen verschachtelt",
                        AMPEL_GEO_MAX_DEPTH);
        return AMPEL_E_TOO_LARGE;
      }
      if (c == '{' && depth == 2 && stack[0] == '{' && stack[1] == '[' &&
          push_feature(s, line) != AMPEL_OK)
        return AMPEL_E_NOMEM;
      stack[depth++] = c;
    } else if ((c == '}' || c == ']') && depth > 0) {
      depth--;
    }
  }
  return AMPEL_OK;
}

typedef struct ctx {
  const char *path;
  const char *data;
  size_t len;
  ampel_diags *diags;
  long line; /* of the current feature */
  const char *key;
  long n_errors;
} ctx;

static void feat_error(ctx *c, const char *fmt, ...) AMPEL_PRINTF(2, 3);
static void feat_error(ctx *c, const char *fmt, ...) {
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  size_t sl = 0;
  const char *src =
      c->line > 0 ? line_at(c->data, c->len,
                            offset_of(c->data, c->len, c->line, 1), &sl)
                  : NULL;
  if (sl > 200)
    sl = 200;
  ampel_diags_add(c->diags, AMPEL_SEV_ERROR, AMPEL_E_DATA, c->path, c->line,
                  0, src, sl, "%s", msg);
  c->n_errors++;
}

static int read_ring(ctx *c, json_t *ring, size_t idx,
                     ampel_shape_builder *b) {
  char what[96];
  snprintf(what, sizeof what, "%zu", idx + 1);
  if (!json_is_array(ring)) {
    feat_error(c, "Gebiet '%s': Ring %s ist keine Liste von Punkten", c->key,
               what);
    return -1;
  }
  size_t n = json_array_size(ring);
  if (n < 4) {
    feat_error(c,
               "Gebiet '%s': Ring %s hat weniger als 4 Punkte (ein Ring "
               "braucht mindestens 3 Ecken und den Anfangspunkt am Ende)",
               c->key, what);
    return -1;
  }
  if (ampel_shape_builder_ring(b) != AMPEL_OK)
    return -2;
  double x0 = NAN, y0 = NAN, x = NAN, y = NAN;
  for (size_t i = 0; i < n; i++) {
    json_t *p = json_array_get(ring, i);
    if (!json_is_array(p) || json_array_size(p) < 2 ||
        !json_is_number(json_array_get(p, 0)) ||
        !json_is_number(json_array_get(p, 1))) {
      feat_error(c, "Gebiet '%s': Ring %s enthält einen Punkt, der keine "
                    "Zahlenliste [x, y] ist", c->key, what);
      return -1;
    }
    x = json_number_value(json_array_get(p, 0));
    y = json_number_value(json_array_get(p, 1));
    if (i == 0) {
      x0 = x;
      y0 = y;
    }
    ampel_status st = ampel_shape_builder_point(b, x, y);
    if (st != AMPEL_OK)
      return st == AMPEL_E_TOO_LARGE ? -3 : -2;
  }
  if (x != x0 || y != y0) {
    feat_error(c, "Gebiet '%s': Ring %s ist nicht geschlossen (der letzte "
                  "Punkt muss gleich dem ersten sein)", c->key, what);
    return -1;
  }
  return 0;
}

static int read_polygon(ctx *c, json_t *rings, ampel_shape_builder *b) {
  if (!json_is_array(rings) || json_array_size(rings) == 0) {
    feat_error(c, "Gebiet '%s': Polygon ohne Ringe", c->key);
    return -1;
  }
  if (ampel_shape_builder_poly(b) != AMPEL_OK)
    return -2;
  for (size_t r = 0; r < json_array_size(rings); r++) {
    int rc = read_ring(c, json_array_get(rings, r), r, b);
    if (rc != 0)
      return rc;
  }
  return 0;
}

static int read_geometry(ctx *c, json_t *geom, ampel_shape_builder *b) {
  const char *type = json_string_value(json_object_get(geom, "type"));
  json_t *coords = json_object_get(geom, "coordinates");
  if (!json_is_object(geom) || !type) {
    feat_error(c, "Gebiet '%s': Merkmal ohne Geometrie ('geometry' fehlt "
                  "oder ist null)", c->key);
    return -1;
  }
  if (strcmp(type, "Polygon") == 0)
    return read_polygon(c, coords, b);
  if (strcmp(type, "MultiPolygon") == 0) {
    if (!json_is_array(coords) || json_array_size(coords) == 0) {
      feat_error(c, "Gebiet '%s': MultiPolygon ohne Polygone", c->key);
      return -1;
    }
    for (size_t k = 0; k < json_array_size(coords); k++) {
      int rc = read_polygon(c, json_array_get(coords, k), b);
      if (rc != 0)
        return rc;
    }
    return 0;
  }
  feat_error(c, "Gebiet '%s': Geometrie vom Typ '%s' wird nicht unterstützt "
                "(erwartet Polygon oder MultiPolygon)", c->key, type);
  return -1;
}

/* The text of a property: strings as they are, integers and reals as
 * numbers. NULL when absent or of another type. */
static const char *prop_text(json_t *props, const char *name, char *buf,
                             size_t size) {
  json_t *v = name ? json_object_get(props, name) : NULL;
  if (json_is_string(v))
    return json_string_value(v);
  if (json_is_integer(v)) {
    snprintf(buf, size, "%lld", (long long)json_integer_value(v));
    return buf;
  }
  if (json_is_real(v)) {
    snprintf(buf, size, "%.15g", json_real_value(v));
    return buf;
  }
  return NULL;
}

static void list_props(json_t *props, char *out, size_t size) {
  const char *k;
  json_t *v;
  size_t used = 0;
  out[0] = '\0';
  json_object_foreach(props, k, v) {
    int w = snprintf(out + used, size - used, "%s%s", used ? ", " : "", k);
    if (w < 0 || (size_t)w >= size - used)
      break;
    used += (size_t)w;
  }
  (void)v;
}

static ampel_status read_feature(ctx *c, json_t *f, size_t idx,
                                 const ampel_geo_read_opts *o,
                                 ampel_geoset *g) {
  char kb[64], nb[64], idxs[32];
  json_t *props = json_object_get(f, "properties");
  const char *key = prop_text(props, o->key_property, kb, sizeof kb);
  snprintf(idxs, sizeof idxs, "%zu", idx + 1);
  if (!key || !*key) {
    char names[400];
    list_props(props, names, sizeof names);
    ampel_diags_add(c->diags, AMPEL_SEV_ERROR, AMPEL_E_DATA, c->path,
                    c->line, 0, NULL, 0,
                    "Merkmal %s hat keine Eigenschaft '%s' (vorhanden: %s); "
                    "--key-property nennt die Eigenschaft mit dem "
                    "Gebietsschlüssel",
                    idxs, o->key_property, names[0] ? names : "keine");
    c->n_errors++;
    return AMPEL_E_DATA;
  }
  c->key = key;
  ampel_shape_builder b;
  ampel_shape_builder_init(&b);
  int rc = read_geometry(c, json_object_get(f, "geometry"), &b);
  if (rc != 0) {
    ampel_shape_builder_release(&b);
    return rc == -2 ? AMPEL_E_NOMEM
                    : rc == -3 ? AMPEL_E_TOO_LARGE : AMPEL_E_DATA;
  }
  ampel_shape s;
  ampel_shape_builder_finish(&b, &s);
  const char *name = prop_text(props, o->name_property, nb, sizeof nb);
  long prev = ampel_geoset_find(g, key);
  const char *prev_name = prev >= 0 ? ampel_geoset_name(g, (size_t)prev) : NULL;
  if (prev_name && name && strcmp(prev_name, name) != 0)
    ampel_diags_add(c->diags, AMPEL_SEV_WARNING, AMPEL_E_DATA, c->path,
                    c->line, 0, NULL, 0,
                    "Gebiet '%s': Merkmal %s heißt '%s', das Merkmal in Zeile "
                    "%ld mit demselben Schlüssel '%s'; die Teilflächen werden "
                    "zusammengefasst, der erste Name gilt",
                    key, idxs, name, ampel_geoset_line(g, (size_t)prev),
                    prev_name);
  ampel_status st = ampel_geoset_add_part(g, key, name, c->line, &s);
  ampel_shape_release(&s);
  return st;
}

/* EPSG code from a GeoJSON (2008) `crs` member; 4326 for CRS84, 0 when
 * absent, -1 when unreadable. */
static int crs_member(json_t *root) {
  json_t *crs = json_object_get(root, "crs");
  if (!crs)
    return 0;
  const char *name =
      json_string_value(json_object_get(json_object_get(crs, "properties"),
                                        "name"));
  if (!name)
    return -1;
  if (strstr(name, "CRS84"))
    return 4326;
  const char *e = strstr(name, "EPSG");
  if (!e)
    return -1;
  const char *p = name + strlen(name);
  while (p > e && p[-1] >= '0' && p[-1] <= '9')
    p--;
  long v = 0;
  for (; *p >= '0' && *p <= '9' && v < 1000000; p++)
    v = v * 10 + (*p - '0');
  return v > 0 ? (int)v : -1;
}

static ampel_status read_root(ctx *c, json_t *root, const scan *sc,
                              const ampel_geo_read_opts *o,
                              ampel_geoset *g) {
  const char *type = json_string_value(json_object_get(root, "type"));
  json_t *feats = NULL;
  if (type && strcmp(type, "FeatureCollection") == 0)
    feats = json_object_get(root, "features");
  if (type && strcmp(type, "Feature") == 0) {
    c->line = 1;
    return read_feature(c, root, 0, o, g) == AMPEL_OK ? AMPEL_OK
                                                        : AMPEL_E_DATA;
  }
  if (!json_is_array(feats)) {
    ampel_diags_add(c->diags, AMPEL_SEV_ERROR, AMPEL_E_DATA, c->path, 1, 1,
                    NULL, 0,
                    "keine GeoJSON-FeatureCollection (erwartet "
                    "{\"type\": \"FeatureCollection\", \"features\": [...]})");
    return AMPEL_E_DATA;
  }
  ampel_status worst = AMPEL_OK;
  for (size_t i = 0; i < json_array_size(feats); i++) {
    c->line = i < sc->n_feat ? sc->feat_line[i] : 0;
    c->key = NULL;
    ampel_status st = read_feature(c, json_array_get(feats, i), i, o, g);
    if (st == AMPEL_E_NOMEM || st == AMPEL_E_TOO_LARGE)
      return st;
    if (st != AMPEL_OK)
      worst = AMPEL_E_DATA;
    if (c->n_errors >= 50)
      break;
  }
  return worst;
}

static ampel_status set_crs(ctx *c, json_t *root, ampel_geoset *g) {
  int epsg = crs_member(root);
  if (epsg < 0) {
    ampel_diags_add(c->diags, AMPEL_SEV_ERROR, AMPEL_E_DATA, c->path, 1, 0,
                    NULL, 0,
                    "das Element 'crs' nennt kein lesbares Koordinaten"
                    "system; bitte --crs EPSG:N angeben");
    return AMPEL_E_DATA;
  }
  if (epsg == 0)
    epsg = 4326; /* RFC 7946 */
  char def[32];
  snprintf(def, sizeof def, "EPSG:%d", epsg);
  return ampel_geoset_set_crs(g, epsg, def);
}

ampel_status ampel_geojson_read(const char *data, size_t len,
                                const char *path,
                                const ampel_geo_read_opts *opts,
                                ampel_geoset **out, ampel_diags *diags) {
  *out = NULL;
  scan sc = {0};
  ampel_status st = prescan(data, len, path, &sc, diags);
  if (st != AMPEL_OK) {
    ampel_free(sc.feat_line);
    return st;
  }
  json_error_t err;
  json_t *root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &err);
  if (!root) {
    size_t sl;
    const char *src =
        line_at(data, len, offset_of(data, len, err.line, 1), &sl);
    ampel_diags_add(diags, AMPEL_SEV_ERROR, AMPEL_E_DATA, path,
                    err.line > 0 ? err.line : 0,
                    err.column > 0 ? err.column : 0, src, sl > 200 ? 200 : sl,
                    "kein gültiges JSON: %s", err.text);
    ampel_free(sc.feat_line);
    return AMPEL_E_DATA;
  }
  ampel_geoset *g = ampel_geoset_new();
  ctx c = {path, data, len, diags, 0, NULL, 0};
  st = g ? set_crs(&c, root, g) : AMPEL_E_NOMEM;
  if (st == AMPEL_OK)
    st = read_root(&c, root, &sc, opts, g);
  if (st == AMPEL_OK && ampel_geoset_n(g) == 0) {
    ampel_diags_add(diags, AMPEL_SEV_ERROR, AMPEL_E_DATA, path, 1, 0, NULL, 0,
                    "die Datei enthält keine Flächen");
    st = AMPEL_E_DATA;
  }
  json_decref(root);
  ampel_free(sc.feat_line);
  if (st != AMPEL_OK) {
    ampel_geoset_free(g);
    return st;
  }
  *out = g;
  return AMPEL_OK;
}
