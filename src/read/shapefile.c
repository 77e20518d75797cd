/* Shapefile reader (geo.h) on shapelib: .shp + .shx geometry, .dbf
 * attributes (converted to UTF-8), .prj CRS and .cpg encoding.
 *
 * The files are mapped into memory and checked (shp_check.h) before
 * shapelib reads them, through I/O hooks on memory: shapelib then never
 * reads past what the checks have seen, and its English messages go to a
 * silent error hook (every failure also shows in a return value, which is
 * checked). shapelib's hooks carry no user pointer, so the file names it
 * opens name the memory: "ampel-mem-<%p of the set>.<ext>" (no global
 * state; the pointer round-trips through printf/scanf "%p").
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <shapefil.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ampel/alloc.h"
#include "ampel/geo.h"
#include "read/encoding.h"
#include "read/shp_check.h"

enum { ENC_UTF8, ENC_CP1252, ENC_AUTO };

/* `path` with its extension replaced by ext (tries lower and upper case);
 * returns 1 when that file exists. */
static int sibling(const char *path, const char *ext, char *out, size_t size) {
  const char *dot = strrchr(path, '.');
  const char *slash = strrchr(path, '/');
  size_t stem =
      dot && (!slash || dot > slash) ? (size_t)(dot - path) : strlen(path);
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
    int a = o->panPartStart[r],
        b = r + 1 < np ? o->panPartStart[r + 1] : o->nVertices;
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

static ampel_status add_ring(ampel_shape_builder *b, const SHPObject *o, int r,
                             int *out_fixed) {
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

/* ---- shapelib's I/O on memory ------------------------------------------ */

#define MEM_PREFIX "ampel-mem-"

typedef struct mem_file {
  const unsigned char *p;
  size_t len, pos;
} mem_file;

/* "ampel-mem-<pointer>.<ext>" → that part of the set; NULL for any other
 * name, extension or a write mode (shapelib then reports "cannot open"). */
static SAFile mem_open(const char *name, const char *access) {
  static const char *const ext[] = {"shp", "shx", "dbf", NULL, "cpg"};
  void *ptr = NULL;
  const char *dot = strrchr(name, '.');
  if (strncmp(name, MEM_PREFIX, strlen(MEM_PREFIX)) != 0 || !dot ||
      strchr(access, 'w') || strchr(access, 'a') || strchr(access, '+') ||
      sscanf(name + strlen(MEM_PREFIX), "%p", &ptr) != 1 || !ptr)
    return NULL;
  const ampel_shapefile_mem *m = ptr;
  for (int k = 0; k < AMPEL_SHP_N_PARTS; k++) {
    if (!ext[k] || strcmp(dot + 1, ext[k]) != 0 || !m->data[k])
      continue;
    mem_file *f = ampel_calloc(1, sizeof *f);
    if (!f)
      return NULL;
    f->p = (const unsigned char *)m->data[k];
    f->len = m->len[k];
    return (SAFile)(void *)f;
  }
  return NULL;
}

/* As fread: copies what there is (also a partial item: shapelib reads a
 * .cpg as one item of its buffer's size) and returns the whole items. */
static SAOffset mem_read(void *p, SAOffset size, SAOffset nmemb, SAFile fp) {
  mem_file *f = (mem_file *)(void *)fp;
  if (size == 0 || nmemb == 0 || f->pos >= f->len)
    return 0;
  size_t avail = f->len - f->pos;
  size_t want = nmemb > SIZE_MAX / size ? SIZE_MAX : size * nmemb;
  size_t n = want < avail ? want : avail;
  memcpy(p, f->p + f->pos, n);
  f->pos += n;
  return n / size;
}

static SAOffset mem_write(void *p, SAOffset size, SAOffset nmemb, SAFile fp) {
  (void)p, (void)size, (void)nmemb, (void)fp;
  return 0; /* read only */
}

static SAOffset mem_seek(SAFile fp, SAOffset off, int whence) {
  mem_file *f = (mem_file *)(void *)fp;
  size_t base = whence == SEEK_CUR ? f->pos : whence == SEEK_END ? f->len : 0;
  if (whence != SEEK_SET && whence != SEEK_CUR && whence != SEEK_END)
    return (SAOffset)-1;
  f->pos = base + off; /* past the end reads nothing, as with fseek */
  return 0;
}

static SAOffset mem_tell(SAFile fp) {
  return ((mem_file *)(void *)fp)->pos;
}
static int mem_flush(SAFile fp) {
  (void)fp;
  return 0;
}
static int mem_close(SAFile fp) {
  ampel_free((void *)fp);
  return 0;
}
static int mem_remove(const char *name) {
  (void)name;
  return -1;
}
static void mem_error(const char *message) {
  (void)message; /* failures are taken from return values, in German */
}

static void mem_hooks(SAHooks *h) {
  SASetupDefaultHooks(h); /* keeps Atof */
  h->FOpen = mem_open;
  h->FRead = mem_read;
  h->FWrite = mem_write;
  h->FSeek = mem_seek;
  h->FTell = mem_tell;
  h->FFlush = mem_flush;
  h->FClose = mem_close;
  h->Remove = mem_remove;
  h->Error = mem_error;
}

/* ---- reading ------------------------------------------------------------ */

typedef struct shp_files {
  const ampel_shapefile_mem *m;
  shp_layout l;
  SHPHandle shp;
  DBFHandle dbf;
  int key_field, name_field, enc;
} shp_files;

static const char *part_name(const ampel_shapefile_mem *m, int k) {
  static const char *const dflt[] = {"shapefile.shp", "shapefile.shx",
                                     "shapefile.dbf", "shapefile.prj",
                                     "shapefile.cpg"};
  return m->name[k] ? m->name[k] : dflt[k];
}

static shp_bytes bytes_of(const ampel_shapefile_mem *m, int k) {
  shp_bytes b = {(const unsigned char *)m->data[k], m->len[k], part_name(m, k)};
  return b;
}

static ampel_status damaged(ampel_diags *diags, const char *path,
                            const char *what) {
  ampel_diags_add(diags, AMPEL_SEV_ERROR, AMPEL_E_DATA, path, 0, 0, NULL, 0,
                  "die Datei ist beschädigt und kann nicht gelesen werden "
                  "(%s)",
                  what);
  return AMPEL_E_DATA;
}

/* Checks the bytes, then opens them with shapelib and cross-checks what
 * shapelib read against the checks. */
static ampel_status open_files(const ampel_geo_read_opts *o, shp_files *f,
                               ampel_diags *diags) {
  const ampel_shapefile_mem *m = f->m;
  shp_bytes shp = bytes_of(m, AMPEL_SHP_SHP), shx = bytes_of(m, AMPEL_SHP_SHX),
            dbf = bytes_of(m, AMPEL_SHP_DBF);
  ampel_status gs = ampel_shp_check_geometry(&shp, &shx, &f->l, diags);
  ampel_status ds = ampel_shp_check_dbf(&dbf, &f->l, diags);
  if (gs != AMPEL_OK || ds != AMPEL_OK)
    return AMPEL_E_DATA;
  if (f->l.n_records != f->l.n_shapes) {
    ampel_diags_add(diags, AMPEL_SEV_ERROR, AMPEL_E_DATA, dbf.name, 0, 0, NULL,
                    0,
                    "die .dbf hat %ld Sätze, die .shx aber %d Formen (die "
                    "Dateien gehören nicht zusammen oder sind beschädigt)",
                    f->l.n_records, f->l.n_shapes);
    return AMPEL_E_DATA;
  }
  SAHooks h;
  mem_hooks(&h);
  char name[64];
  snprintf(name, sizeof name, MEM_PREFIX "%p", (const void *)m);
  f->shp = SHPOpenLL(name, "rb", &h);
  snprintf(name, sizeof name, MEM_PREFIX "%p.dbf", (const void *)m);
  f->dbf = DBFOpenLL(name, "rb", &h);
  if (!f->shp)
    return damaged(diags, shp.name, "shapelib kann .shp/.shx nicht öffnen");
  if (!f->dbf)
    return damaged(diags, dbf.name, "shapelib kann die .dbf nicht öffnen");
  int n = -1, type = -1;
  SHPGetInfo(f->shp, &n, &type, NULL, NULL);
  if (n != f->l.n_shapes || type != f->l.type)
    return damaged(diags, shp.name, "Satzzahl oder Formtyp widersprüchlich");
  if (DBFGetRecordCount(f->dbf) != f->l.n_records ||
      (size_t)f->dbf->nHeaderLength != f->l.dbf_header_len ||
      (size_t)f->dbf->nRecordLength != f->l.dbf_record_len)
    return damaged(diags, dbf.name, "Dateikopf widersprüchlich");
  f->key_field = DBFGetFieldIndex(f->dbf, o->key_property);
  f->name_field =
      o->name_property ? DBFGetFieldIndex(f->dbf, o->name_property) : -1;
  if (f->key_field < 0 || (o->name_property && f->name_field < 0)) {
    char names[400];
    list_fields(f->dbf, names, sizeof names);
    ampel_diags_add(diags, AMPEL_SEV_ERROR, AMPEL_E_DATA, dbf.name, 1, 0, NULL,
                    0, "die Attributtabelle hat kein Feld '%s' (vorhanden: %s)",
                    f->key_field < 0 ? o->key_property : o->name_property,
                    names);
    return AMPEL_E_DATA;
  }
  f->enc = dbf_encoding(DBFGetCodePage(f->dbf));
  return AMPEL_OK;
}

/* Field `field` of record i as UTF-8 text in *out (caller frees): an
 * unreadable field, invalid UTF-8 under a UTF-8 code page or a control
 * character is a damaged record. */
static ampel_status read_text(shp_files *f, int i, int field, char **out,
                              ampel_diags *diags) {
  *out = NULL;
  const char *dbf = part_name(f->m, AMPEL_SHP_DBF);
  char fname[12] = "";
  DBFGetFieldInfo(f->dbf, field, fname, NULL, NULL);
  const char *raw = DBFReadStringAttribute(f->dbf, i, field);
  const char *bad = NULL;
  if (!raw)
    bad = "ist nicht lesbar";
  else if (f->enc == ENC_UTF8 && !ampel_utf8_valid(raw, strlen(raw), NULL))
    bad = "ist kein gültiges UTF-8 (wie die .cpg angibt)";
  if (!bad) {
    *out = dbf_text(raw, f->enc);
    if (!*out)
      return AMPEL_E_NOMEM;
    for (const unsigned char *p = (const unsigned char *)*out; *p && !bad; p++)
      if (*p < 0x20 || *p == 0x7f)
        bad = "enthält Steuerzeichen";
  }
  if (!bad)
    return AMPEL_OK;
  ampel_diags_add(diags, AMPEL_SEV_ERROR, AMPEL_E_DATA, dbf, i + 1, 1, NULL, 0,
                  "Satz %d: Feld '%s' %s; die Datei ist beschädigt", i + 1,
                  fname, bad);
  ampel_free(*out);
  *out = NULL;
  return AMPEL_E_DATA;
}

/* The 1-based number of the first ring with fewer than 4 points once
 * closed (a ring needs three corners), or 0. */
static int short_ring(const SHPObject *o) {
  for (int r = 0; r < o->nParts; r++) {
    int a = o->panPartStart[r],
        e = r + 1 < o->nParts ? o->panPartStart[r + 1] : o->nVertices;
    int closed = e > a && o->padfX[a] == o->padfX[e - 1] &&
                 o->padfY[a] == o->padfY[e - 1];
    if (e - a + !closed < 4)
      return r + 1;
  }
  return 0;
}

static ampel_status read_record(shp_files *f, int i, ampel_geoset *g,
                                ampel_diags *diags) {
  const char *path = part_name(f->m, AMPEL_SHP_SHP);
  char *key = NULL, *name = NULL;
  ampel_status st = read_text(f, i, f->key_field, &key, diags);
  if (st == AMPEL_OK && f->name_field >= 0)
    st = read_text(f, i, f->name_field, &name, diags);
  if (st != AMPEL_OK) {
    ampel_free(key);
    return st;
  }
  SHPObject *o = SHPReadObject(f->shp, i);
  int fixed = 0;
  if (!o ||
      (o->nSHPType != SHPT_POLYGON && o->nSHPType != SHPT_POLYGONZ &&
       o->nSHPType != SHPT_POLYGONM) ||
      o->nParts <= 0 || o->nVertices <= 0) {
    ampel_diags_add(diags, AMPEL_SEV_ERROR, AMPEL_E_DATA, path, i + 1, 1, NULL,
                    0, "Satz %d (Gebiet '%s'): keine Fläche (Typ %s)", i + 1,
                    key, o ? SHPTypeName(o->nSHPType) : "unlesbar");
    st = AMPEL_E_DATA;
  } else if (short_ring(o)) {
    ampel_diags_add(diags, AMPEL_SEV_ERROR, AMPEL_E_DATA, path, i + 1, 1, NULL,
                    0,
                    "Satz %d (Gebiet '%s'): Ring %d hat weniger als 4 Punkte "
                    "(eine Fläche braucht mindestens drei Ecken)",
                    i + 1, key, short_ring(o));
    st = AMPEL_E_DATA;
  } else if (!*key) {
    ampel_diags_add(diags, AMPEL_SEV_ERROR, AMPEL_E_DATA, path, i + 1, 1, NULL,
                    0, "Satz %d: Gebietsschlüssel ist leer", i + 1);
    st = AMPEL_E_DATA;
  } else {
    ampel_shape s;
    st = build_shape(o, &s, &fixed);
    long prev = ampel_geoset_find(g, key);
    const char *pn = prev >= 0 ? ampel_geoset_name(g, (size_t)prev) : NULL;
    if (st == AMPEL_OK && pn && name && strcmp(pn, name) != 0)
      ampel_diags_add(diags, AMPEL_SEV_WARNING, AMPEL_E_DATA, path, i + 1, 1,
                      NULL, 0,
                      "Satz %d (Gebiet '%s') heißt '%s', Satz %ld mit "
                      "demselben Schlüssel '%s'; die Teilflächen werden "
                      "zusammengefasst, der erste Name gilt",
                      i + 1, key, name, ampel_geoset_line(g, (size_t)prev), pn);
    if (st == AMPEL_OK) {
      st = ampel_geoset_add_part(g, key, name, i + 1, &s);
      ampel_shape_release(&s);
    }
    if (st == AMPEL_OK && fixed)
      ampel_diags_add(
          diags, AMPEL_SEV_WARNING, AMPEL_E_DATA, path, i + 1, 1, NULL, 0,
          "Satz %d (Gebiet '%s'): offener Ring wurde geschlossen", i + 1, key);
  }
  SHPDestroyObject(o);
  ampel_free(key);
  ampel_free(name);
  return st;
}

/* The .prj's WKT as the set's CRS (at most 64 KiB, no NUL bytes). */
static ampel_status read_prj(const ampel_shapefile_mem *m, ampel_geoset *g,
                             ampel_diags *diags) {
  size_t n = m->len[AMPEL_SHP_PRJ];
  const char *p = m->data[AMPEL_SHP_PRJ];
  if (n > 65536 || memchr(p, '\0', n)) {
    ampel_diags_add(diags, AMPEL_SEV_ERROR, AMPEL_E_DATA,
                    part_name(m, AMPEL_SHP_PRJ), 0, 0, NULL, 0,
                    n > 65536 ? "größer als 64 KiB: keine CRS-Beschreibung"
                              : "enthält NUL-Bytes: keine CRS-Beschreibung");
    return AMPEL_E_DATA;
  }
  char *wkt = ampel_strndup(p, n);
  ampel_status st = wkt ? ampel_geoset_set_crs(g, 0, wkt) : AMPEL_E_NOMEM;
  ampel_free(wkt);
  return st;
}

ampel_status ampel_shapefile_read_mem(const ampel_shapefile_mem *m,
                                      const ampel_geo_read_opts *opts,
                                      ampel_geoset **out, ampel_diags *diags) {
  *out = NULL;
  shp_files f;
  memset(&f, 0, sizeof f);
  f.m = m;
  ampel_geoset *g = NULL;
  ampel_status st = AMPEL_OK;
  for (int k = 0; k <= AMPEL_SHP_DBF; k++)
    if (!m->data[k]) {
      ampel_diags_add(diags, AMPEL_SEV_ERROR, AMPEL_E_DATA, part_name(m, k), 0,
                      0, NULL, 0, "Datei fehlt");
      st = AMPEL_E_DATA;
    }
  if (st == AMPEL_OK) {
    g = ampel_geoset_new();
    st = g ? open_files(opts, &f, diags) : AMPEL_E_NOMEM;
  }
  ampel_status worst = st;
  for (int i = 0; st == AMPEL_OK && worst != AMPEL_E_NOMEM && i < f.l.n_shapes;
       i++) {
    ampel_status r = read_record(&f, i, g, diags);
    if (r != AMPEL_OK)
      worst = r;
  }
  st = worst;
  if (st == AMPEL_OK && m->data[AMPEL_SHP_PRJ])
    st = read_prj(m, g, diags);
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

/* ---- from files --------------------------------------------------------- */

/* Maps a file read-only (an empty file gives ""); unmap with unmap(). */
static ampel_status map_file(const char *path, const char **out, size_t *len,
                             ampel_diags *diags) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  struct stat sb;
  const char *why = NULL;
  if (fd < 0 || fstat(fd, &sb) != 0)
    why = strerror(errno);
  else if (!S_ISREG(sb.st_mode))
    why = "keine gewöhnliche Datei";
  *out = "";
  *len = why ? 0 : (size_t)sb.st_size;
  if (!why && *len > 0) {
    void *p = mmap(NULL, *len, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED)
      why = strerror(errno);
    else
      *out = p;
  }
  if (fd >= 0)
    close(fd);
  if (!why)
    return AMPEL_OK;
  *len = 0;
  ampel_diags_add(diags, AMPEL_SEV_ERROR, AMPEL_E_IO, path, 0, 0, NULL, 0,
                  "Datei kann nicht gelesen werden: %s", why);
  return AMPEL_E_IO;
}

static void unmap(const char *p, size_t len) {
  if (p && len > 0)
    munmap((void *)p, len);
}

ampel_status ampel_shapefile_read(const char *path,
                                  const ampel_geo_read_opts *opts,
                                  ampel_geoset **out, ampel_diags *diags) {
  static const char *const ext[] = {"shp", "shx", "dbf", "prj", "cpg"};
  *out = NULL;
  char names[AMPEL_SHP_N_PARTS][4096];
  ampel_shapefile_mem m;
  memset(&m, 0, sizeof m);
  ampel_status st = AMPEL_OK;
  for (int k = 0; k < AMPEL_SHP_N_PARTS && st == AMPEL_OK; k++) {
    int here = sibling(path, ext[k], names[k], sizeof names[k]);
    m.name[k] = k == AMPEL_SHP_SHP ? path : names[k];
    if (here)
      st = map_file(m.name[k], &m.data[k], &m.len[k], diags);
    else if (k <= AMPEL_SHP_DBF) {
      ampel_diags_add(diags, AMPEL_SEV_ERROR, AMPEL_E_DATA, path, 0, 0, NULL, 0,
                      "zur Shapefile fehlt die Datei '%s' (eine Shapefile "
                      "besteht aus .shp, .shx und .dbf)",
                      names[k]);
      st = AMPEL_E_DATA;
    }
  }
  if (st == AMPEL_OK)
    st = ampel_shapefile_read_mem(&m, opts, out, diags);
  for (int k = 0; k < AMPEL_SHP_N_PARTS; k++)
    unmap(m.data[k], m.len[k]);
  return st;
}
