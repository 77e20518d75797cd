/* The store interface (store.h): picks an engine and dispatches. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "ampel/alloc.h"
#include "ampel/dataset.h"
#include "ampel/store.h"
#include "store/engine.h"

struct ampel_store {
  const ampel_store_ops *ops;
  void *impl;
  long chosen; /* ampel_store_set_datenstand's choice, 0 = current */
};

int ampel_store_location_is_url(const char *location) {
  return location && (strncmp(location, "postgresql://", 13) == 0 ||
                      strncmp(location, "postgres://", 11) == 0);
}

/* dir/name with the directory resolved (realpath), in out; 0 when the
 * directory does not resolve. */
static int resolved_name(const char *path, char *out, size_t size) {
  const char *slash = strrchr(path, '/');
  char dir[PATH_MAX], real[PATH_MAX];
  const char *name = slash ? slash + 1 : path;
  if (!slash)
    snprintf(dir, sizeof dir, ".");
  else if (slash == path)
    snprintf(dir, sizeof dir, "/");
  else
    snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
  if (!*name || strcmp(name, ".") == 0 || strcmp(name, "..") == 0 ||
      !realpath(dir, real))
    return 0;
  int n = snprintf(out, size, "%s/%s", real, name);
  return n > 0 && (size_t)n < size;
}

/* 1 when a and b name the same file, or (when either does not exist) the
 * same name in the same directory. */
static int same_file(const char *a, const char *b) {
  struct stat sa, sb;
  int ea = stat(a, &sa) == 0, eb = stat(b, &sb) == 0;
  if (ea && eb)
    return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
  char ra[PATH_MAX + 256], rb[PATH_MAX + 256];
  return resolved_name(a, ra, sizeof ra) && resolved_name(b, rb, sizeof rb) &&
         strcmp(ra, rb) == 0;
}

int ampel_store_owns_path(const char *location, const char *path) {
  static const char *const side[] = {"", "-wal", "-shm", "-journal"};
  if (!location || !path || !*location || ampel_store_location_is_url(location))
    return 0;
  size_t n = strlen(location);
  char *name = ampel_alloc(n + 16);
  int owns = !name; /* without memory, refuse rather than risk it */
  for (size_t i = 0; name && !owns && i < sizeof side / sizeof side[0]; i++) {
    snprintf(name, n + 16, "%s%s", location, side[i]);
    owns = same_file(name, path);
  }
  ampel_free(name);
  return owns;
}

ampel_store *ampel_store_open(const char *location, int mode,
                              ampel_diags *diags, ampel_status *out_status) {
  ampel_status dummy;
  if (!out_status)
    out_status = &dummy;
  if (!location || !*location) {
    ampel_diags_error(diags, AMPEL_E_USAGE, "keine Datenbank angegeben");
    *out_status = AMPEL_E_USAGE;
    return NULL;
  }
  ampel_store *st = ampel_calloc(1, sizeof *st);
  if (!st) {
    *out_status = AMPEL_E_NOMEM;
    return NULL;
  }
  if (ampel_store_location_is_url(location)) {
    st->ops = &ampel_pg_ops;
    st->impl = ampel_pg_engine_open(location, mode, diags, out_status);
  } else {
    st->ops = &ampel_sqlite_ops;
    st->impl = ampel_sqlite_engine_open(location, mode, diags, out_status);
  }
  if (!st->impl) {
    ampel_free(st);
    return NULL;
  }
  *out_status = AMPEL_OK;
  return st;
}

void ampel_store_close(ampel_store *st) {
  if (!st)
    return;
  st->ops->close(st->impl);
  ampel_free(st);
}

const char *ampel_store_engine(const ampel_store *st) {
  return st->ops->name;
}

ampel_status ampel_store_load(ampel_store *st, int what, ampel_dataset **out,
                              ampel_diags *diags) {
  ampel_load_spec spec = {what == AMPEL_LOAD_META_ONLY, NULL, 0, NULL, 0, 0, 0};
  return st->ops->load(st->impl, &spec, out, diags);
}

ampel_status ampel_store_load_spec(ampel_store *st, const ampel_load_spec *spec,
                                   ampel_dataset **out, ampel_diags *diags) {
  static const ampel_load_spec all = {0, NULL, 0, NULL, 0, 0, 0};
  return st->ops->load(st->impl, spec ? spec : &all, out, diags);
}

ampel_status ampel_store_begin_read(ampel_store *st) {
  /* An engine without it reads each call in its own transaction. */
  return st->ops->begin_read ? st->ops->begin_read(st->impl) : AMPEL_OK;
}
ampel_status ampel_store_end_read(ampel_store *st) {
  return st->ops->end_read ? st->ops->end_read(st->impl) : AMPEL_OK;
}
ampel_status ampel_store_begin(ampel_store *st) {
  return st->ops->begin(st->impl);
}
ampel_status ampel_store_commit(ampel_store *st) {
  return st->ops->commit(st->impl);
}
ampel_status ampel_store_rollback(ampel_store *st) {
  return st->ops->rollback(st->impl);
}
ampel_status ampel_store_put_area(ampel_store *st, const ampel_area *a) {
  return st->ops->put_area(st->impl, a);
}
ampel_status ampel_store_put_indicator(ampel_store *st,
                                       const ampel_indicator *ind) {
  return st->ops->put_indicator(st->impl, ind);
}
ampel_status ampel_store_put_period(ampel_store *st, const char *label,
                                    int32_t sort_key) {
  return st->ops->put_period(st->impl, label, sort_key);
}
ampel_status ampel_store_put_observation(ampel_store *st, const char *area,
                                         const char *indicator,
                                         const char *period, double value,
                                         double numerator, double denominator,
                                         ampel_flag flag) {
  return st->ops->put_observation(st->impl, area, indicator, period, value,
                                  numerator, denominator, flag);
}
ampel_status ampel_store_put_conversion(ampel_store *st, const char *old_key,
                                        const char *const *new_keys,
                                        const double *shares, size_t n) {
  return st->ops->put_conversion(st->impl, old_key, new_keys, shares, n);
}
ampel_status ampel_store_log_import(ampel_store *st,
                                    const ampel_import_file *files,
                                    size_t n_files, int64_t when) {
  return st->ops->log_import(st->impl, files, n_files, when);
}
ampel_status ampel_store_data_version(ampel_store *st,
                                      ampel_data_version *out) {
  return st->ops->data_version(st->impl, out);
}
ampel_status ampel_store_import_log(ampel_store *st, ampel_import_log_fn fn,
                                    void *ud) {
  return st->ops->import_log(st->impl, fn, ud);
}
ampel_status ampel_store_config_get(ampel_store *st, const char *key,
                                    char **out_value) {
  return st->ops->config_get(st->impl, key, out_value);
}
ampel_status ampel_store_config_set(ampel_store *st, const char *key,
                                    const char *value) {
  return st->ops->config_set(st->impl, key, value);
}

ampel_status ampel_store_put_geometry(ampel_store *st, const char *area,
                                      int epsg, const ampel_shape *shape) {
  return st->ops->put_geometry(st->impl, area, epsg, shape);
}

ampel_status ampel_store_put_neighbours(ampel_store *st,
                                        const ampel_geoset *g) {
  ampel_status s = AMPEL_OK;
  for (size_t i = 0; s == AMPEL_OK && i < ampel_geoset_n(g); i++)
    s = st->ops->put_neighbour(st->impl, ampel_geoset_key(g, i), NULL);
  for (size_t k = 0; s == AMPEL_OK && k < ampel_geoset_n_neighbours(g); k++) {
    size_t a, b;
    ampel_geoset_neighbour(g, k, &a, &b);
    s = st->ops->put_neighbour(st->impl, ampel_geoset_key(g, a),
                               ampel_geoset_key(g, b));
  }
  return s;
}

ampel_status ampel_store_load_geometry(ampel_store *st, ampel_geoset **out,
                                       ampel_diags *diags) {
  return st->ops->load_geometry(st->impl, out, diags);
}

ampel_status ampel_store_set_datenstand(ampel_store *st, long id,
                                        ampel_diags *diags) {
  if (!st->ops->set_datenstand) { /* an engine without history */
    if (id == 0)
      return AMPEL_OK;
    ampel_diags_error(diags, AMPEL_E_USAGE,
                      "frühere Datenstände gibt es auf %s noch nicht",
                      st->ops->name);
    return AMPEL_E_USAGE;
  }
  ampel_status s = st->ops->set_datenstand(st->impl, id, diags);
  if (s == AMPEL_OK)
    st->chosen = id;
  return s;
}

long ampel_store_datenstand(const ampel_store *st) {
  return st->chosen;
}

typedef struct chosen_find {
  long id;
  ampel_data_version *out;
  int found;
} chosen_find;

static int chosen_cb(void *ud, const ampel_datenstand_info *d) {
  chosen_find *f = ud;
  if (d->id != f->id)
    return 0;
  f->out->id = d->id;
  f->out->when = d->created;
  snprintf(f->out->digest, sizeof f->out->digest, "%.12s",
           d->digest ? d->digest : "");
  f->found = 1;
  return 1;
}

ampel_status ampel_store_datenstand_version(ampel_store *st,
                                            ampel_data_version *out) {
  ampel_status s = ampel_store_data_version(st, out);
  if (s != AMPEL_OK || st->chosen <= 0 || st->chosen == out->id)
    return s;
  chosen_find f = {st->chosen, out, 0};
  s = ampel_store_datenstaende(st, chosen_cb, &f);
  if (s == AMPEL_OK && !f.found)
    s = AMPEL_E_NOT_FOUND; /* removed meanwhile (db compact) */
  return s;
}

ampel_status ampel_store_datenstaende(ampel_store *st, ampel_datenstand_fn fn,
                                      void *ud) {
  if (!st->ops->datenstand_list) /* an engine without history: the log */
    return AMPEL_E_USAGE;
  return st->ops->datenstand_list(st->impl, fn, ud);
}

ampel_status ampel_store_next_datenstand(ampel_store *st, long id) {
  if (!st->ops->next_datenstand)
    return AMPEL_E_USAGE;
  return st->ops->next_datenstand(st->impl, id);
}

ampel_status ampel_store_annotate_datenstand(ampel_store *st, const char *kind,
                                             long parent, const char *user_name,
                                             const char *note) {
  if (!st->ops->annotate)
    return AMPEL_E_USAGE;
  return st->ops->annotate(st->impl, kind, parent, user_name, note);
}

/* The newest Datenstand id (0 when none), for the rollback's checks. */
static int newest_cb(void *ud, const ampel_datenstand_info *d) {
  *(long *)ud = d->id;
  return 1; /* newest first: one is enough */
}

ampel_status ampel_store_rollback_to(ampel_store *st, long to, int64_t when,
                                     const char *user_name, long *out_id,
                                     ampel_diags *diags) {
  *out_id = 0;
  if (!st->ops->revert || !st->ops->annotate) {
    ampel_diags_error(diags, AMPEL_E_USAGE, "Zurücksetzen gibt es auf %s nicht",
                      st->ops->name);
    return AMPEL_E_USAGE;
  }
  /* validates `to` with the messages of --datenstand N */
  ampel_status s = ampel_store_set_datenstand(st, to, diags);
  ampel_status s0 = ampel_store_set_datenstand(st, 0, diags);
  if (s != AMPEL_OK)
    return s;
  if (s0 != AMPEL_OK)
    return s0;
  if (to <= 0) {
    ampel_diags_error(diags, AMPEL_E_USAGE,
                      "Zurücksetzen: Nummer eines Datenstands erwartet, "
                      "gefunden: %ld",
                      to);
    return AMPEL_E_USAGE;
  }
  long newest = 0;
  if (ampel_store_datenstaende(st, newest_cb, &newest) != AMPEL_OK) {
    ampel_diags_error(diags, AMPEL_E_IO, "Datenbank: Datenstände nicht lesbar");
    return AMPEL_E_IO;
  }
  if (to == newest) {
    ampel_diags_error(diags, AMPEL_E_USAGE,
                      "Datenstand %ld ist schon der aktuelle; nichts "
                      "zurückzusetzen",
                      to);
    return AMPEL_E_USAGE;
  }
  s = ampel_store_begin(st);
  if (s == AMPEL_OK)
    s = st->ops->revert(st->impl, to);
  if (s == AMPEL_OK)
    s = ampel_store_log_import(st, NULL, 0, when);
  if (s == AMPEL_OK)
    s = st->ops->annotate(st->impl, "rollback", to, user_name, NULL);
  if (s == AMPEL_OK) {
    s = ampel_store_commit(st);
    ampel_data_version v;
    if (s == AMPEL_OK && ampel_store_data_version(st, &v) == AMPEL_OK)
      *out_id = v.id;
  } else {
    ampel_store_rollback(st);
  }
  if (s != AMPEL_OK) {
    const char *why = ampel_store_last_error(st);
    ampel_diags_error(diags, s, "Datenbank: Zurücksetzen fehlgeschlagen%s%s",
                      why ? ": " : "", why ? why : "");
  }
  return s;
}

/* "" for NULL, so that NULL and empty compare equal. */
static const char *nz(const char *s) {
  return s ? s : "";
}

/* Appends the German name of a changed field to the note. */
static void note_field(char *note, size_t size, int *any, const char *what) {
  size_t n = strlen(note);
  snprintf(note + n, size - n, "%s%s", *any ? ", " : "", what);
  *any = 1;
}

ampel_status ampel_store_edit_indicator(ampel_store *st,
                                        const ampel_indicator *e, int64_t when,
                                        const char *user_name, long *out_id,
                                        ampel_diags *diags) {
  *out_id = 0;
  if (!e->name || !*e->name) {
    ampel_diags_error(diags, AMPEL_E_DATA, "Name: darf nicht leer sein");
    return AMPEL_E_DATA;
  }
  if (!st->ops->annotate) {
    ampel_diags_error(diags, AMPEL_E_USAGE,
                      "Kennzahlen bearbeiten gibt es auf %s nicht",
                      st->ops->name);
    return AMPEL_E_USAGE;
  }
  ampel_status s = ampel_store_begin(st);
  if (s != AMPEL_OK) {
    ampel_diags_error(diags, s, "Datenbank: Schreiben nicht möglich");
    return s;
  }
  /* read the stored record under the writers' lock: the other attributes
   * are kept exactly as stored */
  ampel_dataset *ds = NULL;
  s = ampel_store_load(st, AMPEL_LOAD_META_ONLY, &ds, diags);
  long at = s == AMPEL_OK ? ampel_dataset_find_indicator(ds, e->key) : -1;
  if (s == AMPEL_OK && at < 0) {
    ampel_diags_error(diags, AMPEL_E_NOT_FOUND, "unbekannte Kennzahl '%s'",
                      e->key);
    s = AMPEL_E_NOT_FOUND;
  }
  char note[256] = "";
  int any = 0;
  if (s == AMPEL_OK) {
    ampel_indicator ind = *ampel_dataset_indicator(ds, (size_t)at);
    snprintf(note, sizeof note, "%.120s: ", e->key);
    if (strcmp(nz(ind.name), nz(e->name)) != 0)
      note_field(note, sizeof note, &any, "Name");
    if (strcmp(nz(ind.unit), nz(e->unit)) != 0)
      note_field(note, sizeof note, &any, "Einheit");
    if (ind.polarity != e->polarity)
      note_field(note, sizeof note, &any, "Richtung");
    if (strcmp(nz(ind.domain), nz(e->domain)) != 0)
      note_field(note, sizeof note, &any, "Handlungsfeld");
    if (strcmp(nz(ind.definition), nz(e->definition)) != 0)
      note_field(note, sizeof note, &any, "Definition");
    if (strcmp(nz(ind.source), nz(e->source)) != 0)
      note_field(note, sizeof note, &any, "Quelle");
    if (ind.secrecy != e->secrecy)
      note_field(note, sizeof note, &any, "Geheimhaltung");
    if (e->shown != AMPEL_SHOWN_UNSET && ind.shown != e->shown)
      note_field(note, sizeof note, &any,
                 e->shown == AMPEL_SHOWN_YES ? "in Heatmap und Ampel"
                                             : "nicht in Heatmap und Ampel");
    ind.name = e->name;
    ind.unit = e->unit;
    ind.polarity = e->polarity;
    ind.domain = e->domain;
    ind.definition = e->definition;
    ind.source = e->source;
    ind.secrecy = e->secrecy;
    if (e->shown != AMPEL_SHOWN_UNSET)
      ind.shown = e->shown;
    if (any)
      s = ampel_store_put_indicator(st, &ind);
  }
  if (s == AMPEL_OK && any)
    s = ampel_store_log_import(st, NULL, 0, when);
  if (s == AMPEL_OK && any)
    s = st->ops->annotate(st->impl, "metadata", 0, user_name, note);
  if (s == AMPEL_OK && any) {
    s = ampel_store_commit(st);
    ampel_data_version v;
    if (s == AMPEL_OK && ampel_store_data_version(st, &v) == AMPEL_OK)
      *out_id = v.id;
  } else {
    ampel_store_rollback(st);
  }
  ampel_dataset_free(ds);
  if (s != AMPEL_OK && s != AMPEL_E_NOT_FOUND && s != AMPEL_E_DATA) {
    const char *why = ampel_store_last_error(st);
    ampel_diags_error(diags, s, "Datenbank: Ändern fehlgeschlagen%s%s",
                      why ? ": " : "", why ? why : "");
  }
  return s;
}

ampel_status ampel_store_acct(ampel_store *st, const char *sql, int n,
                              const char *types, const char *const *params,
                              ampel_row_fn fn, void *ud, long *changes) {
  if (changes)
    *changes = 0;
  if (!st->ops->acct_exec)
    return AMPEL_E_USAGE;
  return st->ops->acct_exec(st->impl, sql, n, types, params, fn, ud, changes);
}

const char *ampel_store_last_error(ampel_store *st) {
  const char *e = st && st->ops == &ampel_sqlite_ops
                      ? ampel_sqlite_last_error(st->impl)
                      : NULL;
  return e && *e ? e : NULL;
}

void ampel_data_version_format(const ampel_data_version *v, char *buf,
                               size_t size) {
  if (!v || v->id == 0) {
    snprintf(buf, size, "Datenstand: noch keine Daten eingelesen");
    return;
  }
  time_t t = (time_t)v->when;
  struct tm tm;
  gmtime_r(&t, &tm);
  snprintf(buf, size,
           "Datenstand %ld vom %02d.%02d.%04d %02d:%02d UTC (Prüfsumme %s)",
           v->id, tm.tm_mday, tm.tm_mon + 1, tm.tm_year + 1900, tm.tm_hour,
           tm.tm_min, v->digest);
}
