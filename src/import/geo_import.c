/* Importing geometry files into a store (geo.h: ampel_import_geometry):
 * read → match features to areas → project → validate → neighbours →
 * write, all in one transaction. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ampel/alloc.h"
#include "ampel/geo.h"
#include "ampel/store.h"
#include "util/sha256.h"

#define MAX_GEO_FILE (512u * 1024u * 1024u)

int ampel_geo_is_geo_file(const char *path) {
  const char *dot = path ? strrchr(path, '.') : NULL;
  return dot &&
         (strcasecmp(dot, ".geojson") == 0 || strcasecmp(dot, ".json") == 0 ||
          strcasecmp(dot, ".shp") == 0 || strcasecmp(dot, ".kml") == 0);
}

int ampel_geo_is_geo_upload(const char *name) {
  const char *dot = name ? strrchr(name, '.') : NULL;
  return dot &&
         (strcasecmp(dot, ".geojson") == 0 || strcasecmp(dot, ".json") == 0 ||
          strcasecmp(dot, ".zip") == 0 || strcasecmp(dot, ".kml") == 0);
}

static int is_kml_path(const char *path) {
  const char *dot = path ? strrchr(path, '.') : NULL;
  return dot && strcasecmp(dot, ".kml") == 0;
}

static const char *base_name(const char *path) {
  const char *s = strrchr(path, '/');
  return s ? s + 1 : path;
}

static ampel_status read_all(const char *path, char **out, size_t *out_len,
                             ampel_diags *d) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    ampel_diags_add(d, AMPEL_SEV_ERROR, AMPEL_E_IO, path, 0, 0, NULL, 0,
                    "Datei nicht lesbar: %s", strerror(errno));
    return AMPEL_E_IO;
  }
  size_t cap = 1 << 16, len = 0;
  char *buf = ampel_alloc(cap);
  ampel_status st = buf ? AMPEL_OK : AMPEL_E_NOMEM;
  while (st == AMPEL_OK) {
    if (len == cap) {
      if (cap >= MAX_GEO_FILE) {
        ampel_diags_add(d, AMPEL_SEV_ERROR, AMPEL_E_TOO_LARGE, path, 0, 0, NULL,
                        0, "Datei größer als %u MiB", MAX_GEO_FILE >> 20);
        st = AMPEL_E_TOO_LARGE;
        break;
      }
      char *p = ampel_realloc(buf, cap * 2);
      if (!p) {
        st = AMPEL_E_NOMEM;
        break;
      }
      buf = p;
      cap *= 2;
    }
    size_t got = fread(buf + len, 1, cap - len, f);
    len += got;
    if (got == 0)
      break;
  }
  fclose(f);
  if (st != AMPEL_OK) {
    ampel_free(buf);
    return st;
  }
  *out = buf;
  *out_len = len;
  return AMPEL_OK;
}

/* A KML document whatever its name: "<kml" among the first 1 KiB. */
static int looks_like_kml(const char *data, size_t len) {
  size_t n = len < 1024 ? len : 1024;
  for (size_t i = 0; i + 4 <= n; i++)
    if (memcmp(data + i, "<kml", 4) == 0)
      return 1;
  return 0;
}

static ampel_status read_file(const char *path, const ampel_geo_read_opts *o,
                              ampel_geoset **out, char sha[65],
                              ampel_diags *d) {
  const char *dot = strrchr(path, '.');
  char *data = NULL;
  size_t len = 0;
  if (dot && strcasecmp(dot, ".shp") == 0) {
    ampel_status st = read_all(path, &data, &len, d);
    if (st == AMPEL_OK)
      st = ampel_sha256_hex(data, len, sha);
    ampel_free(data);
    return st == AMPEL_OK ? ampel_shapefile_read(path, o, out, d) : st;
  }
  ampel_status st = read_all(path, &data, &len, d);
  if (st == AMPEL_OK)
    st = ampel_sha256_hex(data, len, sha);
  if (st == AMPEL_OK &&
      ((dot && strcasecmp(dot, ".kml") == 0) || looks_like_kml(data, len)))
    st = ampel_kml_read(data, len, path, o, out, d);
  else if (st == AMPEL_OK)
    st = ampel_geojson_read(data, len, path, o, out, d);
  ampel_free(data);
  return st;
}

/* A file in memory, by its name (ampel_import_geometry_buffer). */
static ampel_status read_buffer(const char *name, const char *data, size_t len,
                                const ampel_geo_read_opts *o,
                                ampel_geoset **out, char sha[65],
                                ampel_diags *d) {
  const char *dot = strrchr(name, '.');
  ampel_status st = ampel_sha256_hex(data, len, sha);
  if (st != AMPEL_OK)
    return st;
  if (dot && strcasecmp(dot, ".zip") == 0)
    return ampel_shapefile_read_zip(data, len, name, o, out, d);
  if ((dot && strcasecmp(dot, ".kml") == 0) || looks_like_kml(data, len))
    return ampel_kml_read(data, len, name, o, out, d);
  return ampel_geojson_read(data, len, name, o, out, d);
}

ampel_status ampel_geo_read_file(const char *path,
                                 const ampel_geo_read_opts *opts,
                                 ampel_geoset **out, ampel_diags *diags) {
  char sha[65];
  *out = NULL;
  return read_file(path, opts, out, sha, diags);
}

static int on_level(const ampel_area *a, const char *level) {
  return !level || (a->level && strcmp(a->level, level) == 0);
}

/* The area a feature key means: its key, else a unique name, within the
 * level. -1 none, -2 ambiguous name. */
static long match_area(const ampel_dataset *ds, const char *key,
                       const char *level) {
  long id = ampel_dataset_find_area(ds, key);
  if (id >= 0 && on_level(ampel_dataset_area(ds, (size_t)id), level))
    return id;
  long found = -1;
  for (size_t i = 0; i < ampel_dataset_n_areas(ds); i++) {
    const ampel_area *a = ampel_dataset_area(ds, i);
    if (on_level(a, level) && a->name && strcmp(a->name, key) == 0) {
      if (found >= 0)
        return -2;
      found = (long)i;
    }
  }
  return found;
}

typedef struct job {
  const char *path;
  const char *data; /* the file in memory, or NULL: read `path` */
  size_t len;
  const ampel_geo_import_opts *o;
  ampel_dataset *ds;
  ampel_geoset *in;      /* as read, keyed by the file's key */
  ampel_geoset *out;     /* keyed by area key */
  unsigned char *is_new; /* per out entry: a new area */
  ampel_diags *d;
} job;

static ampel_status match_one(job *j, size_t i) {
  const char *key = ampel_geoset_key(j->in, i);
  long line = ampel_geoset_line(j->in, i);
  long id = match_area(j->ds, key, j->o->level);
  const char *area_key = key;
  int fresh = 0;
  if (id >= 0) {
    area_key = ampel_dataset_area(j->ds, (size_t)id)->key;
  } else if (id == -1 && j->o->name_property && j->o->level) {
    fresh = 1;
  } else {
    ampel_diags_add(
        j->d, AMPEL_SEV_ERROR, AMPEL_E_DATA, j->path, line, 0, NULL, 0,
        id == -2 ? "Merkmal '%s' passt zu mehreren Gebieten "
                   "gleichen Namens%s%s"
                 : "Merkmal '%s' passt zu keinem Gebiet%s%s "
                   "(weder Schlüssel noch Name)",
        key, j->o->level ? " der Ebene " : "", j->o->level ? j->o->level : "");
    return AMPEL_E_DATA;
  }
  if (ampel_geoset_find(j->out, area_key) >= 0) {
    ampel_diags_add(j->d, AMPEL_SEV_ERROR, AMPEL_E_DATA, j->path, line, 0, NULL,
                    0, "Gebiet '%s' hat mehr als eine Fläche", area_key);
    return AMPEL_E_DATA;
  }
  ampel_shape s;
  ampel_status st = ampel_shape_copy(ampel_geoset_shape_c(j->in, i), &s);
  if (st != AMPEL_OK)
    return st;
  const char *name = ampel_geoset_name(j->in, i);
  if (id >= 0)
    name = ampel_dataset_area(j->ds, (size_t)id)->name;
  st = ampel_geoset_put(j->out, area_key, name ? name : area_key, line, &s);
  ampel_shape_release(&s);
  if (st == AMPEL_OK)
    j->is_new[ampel_geoset_n(j->out) - 1] = (unsigned char)fresh;
  return st;
}

/* When no feature matches at all, one message with examples says more
 * than one message per feature. Returns 1 when it reported. */
static int none_match(job *j) {
  size_t n = ampel_geoset_n(j->in);
  if (n < 2 || (j->o->name_property && j->o->level))
    return 0;
  for (size_t i = 0; i < n; i++)
    if (match_area(j->ds, ampel_geoset_key(j->in, i), j->o->level) >= 0)
      return 0;
  const char *example = "(keine)";
  for (size_t i = 0; i < ampel_dataset_n_areas(j->ds); i++)
    if (on_level(ampel_dataset_area(j->ds, i), j->o->level)) {
      example = ampel_dataset_area(j->ds, i)->key;
      break;
    }
  ampel_diags_add(j->d, AMPEL_SEV_ERROR, AMPEL_E_DATA, j->path, 1, 0, NULL, 0,
                  "keines der %zu Merkmale passt zu einem Gebiet%s%s: die "
                  "Eigenschaft '%s' enthält z. B. '%s', die Gebiete heißen "
                  "z. B. '%s'; stimmt --key-property (auch ein Name passt)?",
                  n, j->o->level ? " der Ebene " : "",
                  j->o->level ? j->o->level : "", j->o->key_property,
                  ampel_geoset_key(j->in, 0), example);
  return 1;
}

/* Counts an area made of several features and lists its key while the
 * list has room (then "…"). */
static void note_merged(ampel_geo_import_summary *sum, const char *key) {
  char *l = sum->merged_keys;
  size_t cap = sizeof sum->merged_keys, used = strlen(l);
  sum->n_merged++;
  if (used >= strlen("…") && strcmp(l + used - strlen("…"), "…") == 0)
    return;
  size_t need = (used ? 2 : 0) + strlen(key);
  if (used + need + strlen(", …") + 1 > cap) {
    snprintf(l + used, cap - used, "%s…", used ? ", " : "");
    return;
  }
  snprintf(l + used, cap - used, "%s%s", used ? ", " : "", key);
}

static ampel_status match_all(job *j, ampel_geo_import_summary *sum) {
  size_t n = ampel_geoset_n(j->in);
  if (none_match(j))
    return AMPEL_E_DATA;
  j->is_new = ampel_calloc(n + 1, 1);
  j->out = ampel_geoset_new();
  if (!j->is_new || !j->out)
    return AMPEL_E_NOMEM;
  ampel_status worst = ampel_geoset_set_crs(j->out, ampel_geoset_epsg(j->in),
                                            ampel_geoset_crs_def(j->in));
  for (size_t i = 0; worst != AMPEL_E_NOMEM && i < n; i++) {
    ampel_status st = match_one(j, i);
    if (st != AMPEL_OK)
      worst = st;
  }
  for (size_t i = 0; i < n; i++)
    if (ampel_geoset_parts(j->in, i) > 1)
      note_merged(sum, ampel_geoset_key(j->in, i));
  for (size_t i = 0; i < ampel_geoset_n(j->out); i++)
    sum->n_new_areas += j->is_new[i];
  sum->n_features = n;
  sum->n_matched = ampel_geoset_n(j->out) - sum->n_new_areas;
  return worst;
}

/* Areas of the level without a feature: one warning with their names. */
static void report_missing(job *j, ampel_geo_import_summary *sum) {
  char names[600] = "";
  size_t used = 0, n = 0;
  if (!j->o->level)
    return;
  for (size_t i = 0; i < ampel_dataset_n_areas(j->ds); i++) {
    const ampel_area *a = ampel_dataset_area(j->ds, i);
    if (!on_level(a, j->o->level) || ampel_geoset_find(j->out, a->key) >= 0)
      continue;
    if (n++ < 12 && used < sizeof names - 1) {
      int w = snprintf(names + used, sizeof names - used, "%s%s",
                       used ? ", " : "", a->name ? a->name : a->key);
      used += w > 0 ? (size_t)w : 0;
      if (used >= sizeof names)
        used = sizeof names - 1;
    }
  }
  sum->n_areas_without = n;
  if (n)
    ampel_diags_add(j->d, AMPEL_SEV_WARNING, AMPEL_E_DATA, j->path, 0, 0, NULL,
                    0, "%zu %s der Ebene %s ohne Fläche: %s%s", n,
                    n == 1 ? "Gebiet" : "Gebiete", j->o->level, names,
                    n > 12 ? " …" : "");
}

static ampel_status write_all(ampel_store *st, job *j, const char *sha,
                              ampel_geo_import_summary *sum) {
  ampel_status s = ampel_store_begin(st);
  if (s != AMPEL_OK)
    return s;
  for (size_t i = 0; s == AMPEL_OK && i < ampel_geoset_n(j->out); i++) {
    if (j->is_new[i]) {
      ampel_area a = {(char *)ampel_geoset_key(j->out, i),
                      (char *)ampel_geoset_name(j->out, i),
                      NULL,
                      (char *)j->o->level,
                      NAN,
                      AMPEL_NO_TILE,
                      AMPEL_NO_TILE,
                      NAN,
                      NAN,
                      NULL,
                      NULL};
      s = ampel_store_put_area(st, &a);
    }
    if (s == AMPEL_OK)
      s = ampel_store_put_geometry(st, ampel_geoset_key(j->out, i),
                                   ampel_geoset_epsg(j->out),
                                   ampel_geoset_shape_c(j->out, i));
  }
  if (s == AMPEL_OK)
    s = ampel_store_put_neighbours(st, j->out);
  ampel_import_file f = {base_name(j->path), "", "geometry",
                         (long)ampel_geoset_n(j->out)};
  memcpy(f.sha256, sha, 65);
  if (s == AMPEL_OK)
    s = ampel_store_log_import(st, &f, 1, j->o->when);
  /* the Datenstand's kind and user (/daten lists them) */
  if (s == AMPEL_OK)
    s = ampel_store_annotate_datenstand(st, "geometry", 0, j->o->user_name,
                                        NULL);
  if (s == AMPEL_OK)
    s = ampel_store_commit(st);
  if (s != AMPEL_OK) {
    const char *why = ampel_store_last_error(st);
    ampel_diags_add(j->d, AMPEL_SEV_ERROR, s, j->path, 0, 0, NULL, 0,
                    "Flächen konnten nicht gespeichert werden%s%s; nichts "
                    "wurde gespeichert",
                    why ? ": " : "", why ? why : "");
    (void)ampel_store_rollback(st);
    return s;
  }
  ampel_data_version v;
  if (ampel_store_data_version(st, &v) == AMPEL_OK)
    sum->import_id = v.id;
  return AMPEL_OK;
}

static ampel_status run(ampel_store *st, job *j,
                        ampel_geo_import_summary *sum) {
  ampel_geo_read_opts ro = {j->o->key_property, j->o->name_property};
  char sha[65] = "";
  ampel_status s =
      j->data ? read_buffer(j->path, j->data, j->len, &ro, &j->in, sha, j->d)
              : read_file(j->path, &ro, &j->in, sha, j->d);
  if (s == AMPEL_OK)
    s = ampel_store_load(st, AMPEL_LOAD_META_ONLY, &j->ds, j->d);
  if (s == AMPEL_OK)
    s = match_all(j, sum);
  if (s == AMPEL_OK)
    s = ampel_geo_project(j->out, j->o->crs, j->path, j->d);
  if (s == AMPEL_OK)
    s = ampel_geo_validate(j->out, j->path, j->d);
  if (s == AMPEL_OK)
    s = ampel_geo_neighbours(j->out);
  if (s != AMPEL_OK)
    return s;
  report_missing(j, sum);
  sum->n_neighbours = ampel_geoset_n_neighbours(j->out);
  sum->epsg = ampel_geoset_epsg(j->out);
  for (size_t i = 0; i < j->d->n; i++)
    if (j->d->items[i].severity == AMPEL_SEV_WARNING &&
        strstr(j->d->items[i].message, "repariert"))
      sum->n_repaired++;
  if (ampel_diags_status(j->d) != AMPEL_OK)
    return ampel_diags_status(j->d);
  return j->o->dry_run ? AMPEL_OK : write_all(st, j, sha, sum);
}

static ampel_status import_geometry(ampel_store *st, const char *path,
                                    const char *data, size_t len,
                                    const ampel_geo_import_opts *opts,
                                    ampel_geo_import_summary *out_summary,
                                    ampel_diags *diags) {
  ampel_geo_import_summary sum;
  memset(&sum, 0, sizeof sum);
  if (!opts ||
      ((!opts->key_property || !*opts->key_property) && !is_kml_path(path))) {
    ampel_diags_error(diags, AMPEL_E_USAGE,
                      "für Flächen-Dateien fehlt --key-property NAME (die "
                      "Eigenschaft mit dem Gebietsschlüssel)");
    return AMPEL_E_USAGE;
  }
  if (opts->name_property && !opts->level) {
    ampel_diags_error(diags, AMPEL_E_USAGE,
                      "--name-property legt neue Gebiete an und braucht "
                      "dafür --level EBENE");
    return AMPEL_E_USAGE;
  }
  ampel_geo_import_opts o = *opts;
  if (!o.key_property || !*o.key_property)
    o.key_property = "name"; /* KML: the Placemark's <name> */
  job j = {path, data, len, &o, NULL, NULL, NULL, NULL, diags};
  ampel_status s = run(st, &j, &sum);
  ampel_geoset_free(j.in);
  ampel_geoset_free(j.out);
  ampel_dataset_free(j.ds);
  ampel_free(j.is_new);
  if (out_summary)
    *out_summary = sum;
  return s;
}

ampel_status ampel_import_geometry(ampel_store *st, const char *path,
                                   const ampel_geo_import_opts *opts,
                                   ampel_geo_import_summary *out_summary,
                                   ampel_diags *diags) {
  return import_geometry(st, path, NULL, 0, opts, out_summary, diags);
}

ampel_status ampel_import_geometry_buffer(ampel_store *st, const char *name,
                                          const char *data, size_t len,
                                          const ampel_geo_import_opts *opts,
                                          ampel_geo_import_summary *out_summary,
                                          ampel_diags *diags) {
  return import_geometry(st, name, data ? data : "", len, opts, out_summary,
                         diags);
}
