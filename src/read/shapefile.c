/* Shapefile reader (geo.h) on shapelib: .shp + .shx geometry, .dbf
 * attributes (converted to UTF-8), .prj CRS and .cpg encoding. */
#include <math.h>
#include <shapefil.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "ampel/alloc.h"
#include "ampel/geo.h"
#include "read/encoding.h"

enum { ENC_UTF8, ENC_CP1252, ENC_AUTO };

/* `path` with its extension replaced by ext (tries lower and upper case);
 * returns 1 when that file exists. */
static int sibling(const char *path, const char *ext, char *out,
                   size_t size) {
  const char *dot = strrchr(path, '.');
  const char *slash = strrchr(path, '/');
  size_t stem = dot && (!slash || dot > slash) ? (size_t)(dot - path)
                                                : strlen(path);
  struct stat sb;
  for (int upper = 0; upper < 2; upper++) {
    snprintf(out, size, "%.*s.%s", (int)stem, path, ext);
    if (upper)
      for (char *p = out + stem + 1; *p; p++)
        *p = (char)(*p - ('a' <= *p && *p <= 'z' ? 32 : 0));
    if (stat(out, &sb) == 0)
      return 1;
  }
  snprintf(out, size, "%.*s.%s", (int)stem, path, ext);
  return 0;
}

static char *slurp(const char *path, size_t max) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  char *buf = ampel_alloc(max + 1);
  size_t n = buf ? fread(buf, 1, max, f) : 0;
  fclose(f);
  if (buf)
    buf[n] = '\0';
  return buf;
}

/* Encoding from the code page shapelib reports (.cpg text or "LDID/n"). */
static int dbf_encoding(const char *cp) {
  if (!cp || !*cp || strcmp(cp, "LDID/0") == 0)
    return ENC_AUTO;
  if (strstr(cp, "UTF") || strstr(cp, "utf") || strstr(cp, "65001"))
    return ENC_UTF8;
  return ENC_CP1252; /* 1252, LDID/87, LDID/3, ISO-8859-1, ANSI ... */
}

/* Trimmed copy of a DBF text in UTF-8; caller frees. */
static char *dbf_text(const char *s, int enc) {
  while (*s == ' ')
    s++;
  size_t n = strlen(s);
  while (n > 0 && s[n - 1] == ' ')
    n--;
  if (enc == ENC_UTF8 || (enc == ENC_AUTO && ampel_utf8_valid(s, n, NULL)))
    return ampel_strndup(s, n);
  size_t m = ampel_cp1252_utf8_len(s, n);
  char *out = ampel_alloc(m + 1);
  if (out) {
    ampel_cp1252_to_utf8(s, n, out);
    out[m] = '\0';
  }
  return out;
}

static double signed_area(const SHPObject *o, int a, int b) {
  double s = 0;
  for (int i = a; i + 1 < b; i++)
    s += o->padfX[i] * o->padfY[i + 1] - o->padfX[i + 1] * o->padfY[i];
  return s / 2;
}

static int inside(const SHPObject *o, int a, int b, double x, double y) {
  int in = 0;
  for (int i = a, j = b - 1; i < b; j = i++) {
    double xi = o->padfX[i], yi = o->padfY[i], xj = o->padfX[j],
           yj = o->padfY[j];
    if ((yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi)
      in = !in;
  }
  return in;
}

/* Assigns every ring to an outer ring: clockwise rings are outer (the
 * Shapefile rule), others are holes of the outer ring that contains them;
 * a ring inside no outer ring becomes an outer ring itself. */
static void assign_rings(const SHPObject *o, int *owner) {
  int np = o->nParts;
  for (int r = 0; r < np; r++) {
    int a = o->panPartStart[r], b = r + 1 < np ? o->panPartStart[r + 1]
                                               : o->nVertices;
    owner[r] = signed_area(o, a, b) <= 0 ? r : -1;
  }
  for (int r = 0; r < np; r++) {
    if (owner[r] >= 0)
      continue;
    int a = o->panPartStart[r];
    owner[r] = r;
    for (int k = 0; k < np; k++) {
      if (owner[k] != k || k == r)
        continue;
      int ka = o->panPartStart[k],
          kb = k + 1 < np ? o->panPartStart[k + 1] : o->nVertices;
      if (inside(o, ka, kb, o->padfX[a], o->padfY[a])) {
        owner[r] = k;
        break;
      }
    }
  }
}

static ampel_status add_ring(ampel_shape_builder *b, const SHPObject *o,
                             int r, int *out_fixed) {
  int a = o->panPartStart[r],
      e = r + 1 < o->nParts ? o->panPartStart[r + 1] : o->nVertices;
  ampel_status st = ampel_shape_builder_ring(b);
  for (int i = a; st == AMPEL_OK && i < e; i++)
    st = ampel_shape_builder_point(b, o->padfX[i], o->padfY[i]);
  if (st == AMPEL_OK && e > a &&
      (o->padfX[a] != o->padfX[e - 1] || o->padfY[a] != o->padfY[e - 1])) {
    st = ampel_shape_builder_point(b, o->padfX[a], o->padfY[a]);
    *out_fixed = 1;
  }
  return st;
}

static ampel_status build_shape(const SHPObject *o, ampel_shape *out,
                                int *out_fixed) {
  int *owner = ampel_calloc((size_t)o->nParts + 1, sizeof *owner);
  if (!owner)
    return AMPEL_E_NOMEM;
  assign_rings(o, owner);
  ampel_shape_builder b;
  ampel_shape_builder_init(&b);
  ampel_status st = AMPEL_OK;
  for (int k = 0; st == AMPEL_OK && k < o->nParts; k++) {
    if (owner[k] != k)
      continue;
    st = ampel_shape_builder_poly(&b);
    if (st == AMPEL_OK)
      st = add_ring(&b, o, k, out_fixed);
    for (int r = 0; st == AMPEL_OK && r < o->nParts; r++)
      if (owner[r] == k && r != k)
        st = add_ring(&b, o, r, out_fixed);
  }
  ampel_free(owner);
  if (st != AMPEL_OK) {
    ampel_shape_builder_release(&b);
    return st;
  }
  ampel_shape_builder_finish(&b, out);
  return AMPEL_OK;
}

static void list_fields(DBFHandle d, char *out, size_t size) {
  size_t used = 0;
  out[0] = '\0';
  for (int i = 0; i < DBFGetFieldCount(d); i++) {
    char name[12];
    DBFGetFieldInfo(d, i, name, NULL, NULL);
    int w = snprintf(out + used, size - used, "%s%s", i ? ", " : "", name);
    if (w < 0 || (size_t)w >= size - used)
      break;
    used += (size_t)w;
  }
}

typedef struct shp_files {
  SHPHandle shp;
  DBFHandle dbf;
  int key_field, name_field, enc;
} shp_files;

static ampel_status open_files(const char *path,
                               const ampel_geo_read_opts *o, shp_files *f,
                               ampel_diags *diags) {
  char side[4096];
  static const char *const need[] = {"shp", "shx", "dbf"};
  for (int i = 0; i < 3; i++)
    if (!sibling(path, need[i], side, sizeof side)) {
      ampel_diags_add(diags, AMPEL_SEV_ERROR, AMPEL_E_DATA, path, 0, 0, NULL,
                      0,
                      "zur Shapefile fehlt die Datei '%s' (eine Shapefile "
                      "besteht aus .shp, .shx und .dbf)",
                      side);
      return AMPEL_E_DATA;
    }
  f->shp = SHPOpen(path, "rb");
  sibling(path, "dbf", side, sizeof side);
  f->dbf = DBFOpen(side, "rb");
  if (!f->shp || !f->dbf) {
    ampel_diags_add(diags, AMPEL_SEV_ERROR, AMPEL_E_DATA, path, 0, 0, NULL, 0,
                    "die Shapefile ist beschädigt und kann nicht gelesen "
                    "werden (%s)",
                    f->shp ? ".dbf" : ".shp/.shx");
    return AMPEL_E_DATA;
  }
  f->key_field = DBFGetFieldIndex(f->dbf, o->key_property);
  f->name_field =
      o->name_property ? DBFGetFieldIndex(f->dbf, o->name_property) : -1;
  if (f->key_field < 0 || (o->name_property && f->name_field < 0)) {
    char names[400];
    list_fields(f->dbf, names, sizeof names);
    ampel_diags_add(diags, AMPEL_SEV_ERROR, AMPEL_E_DATA, side, 1, 0, NULL, 0,
                    "die Attributtabelle hat kein Feld '%s' (vorhanden: %s)",
                    f->key_field < 0 ? o->key_property : o->name_property,
                    names);
    return AMPEL_E_DATA;
  }
  f->enc = dbf_encoding(DBFGetCodePage(f->dbf));
  return AMPEL_OK;
}

static ampel_status read_record(const char *path, shp_files *f, int i,
                                ampel_geoset *g, ampel_diags *diags) {
  char *key = dbf_text(DBFReadStringAttribute(f->dbf, i, f->key_field), f->enc);
  char *name = f->name_field >= 0
                   ? dbf_text(DBFReadStringAttribute(f->dbf, i, f->name_field),
                              f->enc)
                   : NULL;
  SHPObject *o = SHPReadObject(f->shp, i);
  ampel_status st = AMPEL_OK;
  int fixed = 0;
  if (!key || (f->name_field >= 0 && !name)) {
    st = AMPEL_E_NOMEM;
  } else if (!o || (o->nSHPType != SHPT_POLYGON &&
                    o->nSHPType != SHPT_POLYGONZ &&
                    o->nSHPType != SHPT_POLYGONM) ||
             o->nParts == 0) {
    ampel_diags_add(diags, AMPEL_SEV_ERROR, AMPEL_E_DATA, path, i + 1, 0,
                    NULL, 0, "Satz %d (Gebiet '%s'): keine Fläche (Typ %s)",
                    i + 1, key, o ? SHPTypeName(o->nSHPType) : "unlesbar");
    st = AMPEL_E_DATA;
  } else if (!*key || ampel_geoset_find(g, key) >= 0) {
    ampel_diags_add(diags, AMPEL_SEV_ERROR, AMPEL_E_DATA, path, i + 1, 0,
                    NULL, 0, "Satz %d: Gebietsschlüssel '%s' %s", i + 1, key,
                    *key ? "kommt mehrfach vor" : "ist leer");
    st = AMPEL_E_DATA;
  } else {
    ampel_shape s;
    st = build_shape(o, &s, &fixed);
    if (st == AMPEL_OK) {
      st = ampel_geoset_put(g, key, name, i + 1, &s);
      ampel_shape_release(&s);
    }
    if (st == AMPEL_OK && fixed)
      ampel_diags_add(diags, AMPEL_SEV_WARNING, AMPEL_E_DATA, path, i + 1, 0,
                      NULL, 0,
                      "Satz %d (Gebiet '%s'): offener Ring wurde geschlossen",
                      i + 1, key);
  }
  SHPDestroyObject(o);
  ampel_free(key);
  ampel_free(name);
  return st;
}

ampel_status ampel_shapefile_read(const char *path,
                                  const ampel_geo_read_opts *opts,
                                  ampel_geoset **out, ampel_diags *diags) {
  *out = NULL;
  shp_files f = {0};
  ampel_geoset *g = ampel_geoset_new();
  ampel_status st = g ? open_files(path, opts, &f, diags) : AMPEL_E_NOMEM;
  int n = 0;
  if (st == AMPEL_OK) {
    SHPGetInfo(f.shp, &n, NULL, NULL, NULL);
    if (DBFGetRecordCount(f.dbf) != n) {
      ampel_diags_add(diags, AMPEL_SEV_ERROR, AMPEL_E_DATA, path, 0, 0, NULL,
                      0, ".shp hat %d Formen, .dbf aber %d Sätze", n,
                      DBFGetRecordCount(f.dbf));
      st = AMPEL_E_DATA;
    }
  }
  ampel_status worst = st;
  for (int i = 0; st == AMPEL_OK && worst != AMPEL_E_NOMEM && i < n; i++) {
    ampel_status r = read_record(path, &f, i, g, diags);
    if (r != AMPEL_OK)
      worst = r;
  }
  st = worst;
  char prj[4096];
  if (st == AMPEL_OK && sibling(path, "prj", prj, sizeof prj)) {
    char *wkt = slurp(prj, 65536);
    st = wkt ? ampel_geoset_set_crs(g, 0, wkt) : AMPEL_E_IO;
    ampel_free(wkt);
  }
  if (f.shp)
    SHPClose(f.shp);
  if (f.dbf)
    DBFClose(f.dbf);
  if (st != AMPEL_OK) {
    ampel_geoset_free(g);
    return st;
  }
  *out = g;
  return AMPEL_OK;
}
