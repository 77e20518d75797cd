/* migrate.c - copies a whole installation from one store to another
 * (`ampel db migrate`, issue 11): areas, indicators, periods, the current
 * observations, the disclosure settings, geometry and neighbours, the
 * accounts (users, API tokens, audit log; schema 6), and one
 * Datenstand whose log names the source's files. Uses only the public store
 * API, so it works between any two engines. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ampel/alloc.h"
#include "ampel/disclosure.h"
#include "ampel/import.h"

/* The source's import log, copied out of the callbacks (newest first). */
typedef struct logcopy {
  ampel_import_file *f;
  long *id; /* the Datenstand of each file */
  size_t n, cap;
  int nomem;
} logcopy;

static int log_cb(void *ud, long import_id, int64_t when, const char *file,
                  const char *sha256, const char *kind, long rows) {
  (void)when;
  logcopy *l = ud;
  if (l->n == l->cap) {
    size_t cap = l->cap ? l->cap * 2 : 16;
    ampel_import_file *f = ampel_reallocarray(l->f, cap, sizeof *f);
    if (!f) {
      l->nomem = 1;
      return 1;
    }
    l->f = f;
    long *id = ampel_reallocarray(l->id, cap, sizeof *id);
    if (!id) {
      l->nomem = 1;
      return 1;
    }
    l->id = id;
    l->cap = cap;
  }
  l->id[l->n] = import_id;
  ampel_import_file *x = &l->f[l->n];
  memset(x, 0, sizeof *x);
  x->name = ampel_strdup(file ? file : "");
  x->kind = ampel_strdup(kind ? kind : "values");
  snprintf(x->sha256, sizeof x->sha256, "%s", sha256 ? sha256 : "");
  x->rows = rows;
  if (!x->name || !x->kind) {
    ampel_free((char *)x->name);
    ampel_free((char *)x->kind);
    l->nomem = 1;
    return 1;
  }
  l->n++;
  return 0;
}

static void log_release(logcopy *l) {
  for (size_t i = 0; i < l->n; i++) {
    ampel_free((char *)l->f[i].name);
    ampel_free((char *)l->f[i].kind);
  }
  ampel_free(l->f);
  ampel_free(l->id);
  memset(l, 0, sizeof *l);
}

/* Everything read from the source before the target is touched. */
/* The source's Datenstände (newest first), from ampel_store_datenstaende. */
typedef struct dslist {
  long *id;
  int64_t *when;
  size_t n, cap;
  int nomem;
} dslist;

static int ds_cb(void *ud, const ampel_datenstand_info *d) {
  dslist *l = ud;
  if (l->n == l->cap) {
    size_t cap = l->cap ? 2 * l->cap : 16;
    long *id = ampel_reallocarray(l->id, cap, sizeof *id);
    if (id)
      l->id = id;
    int64_t *when = id ? ampel_reallocarray(l->when, cap, sizeof *when) : NULL;
    if (!when) {
      l->nomem = 1;
      return 1;
    }
    l->when = when;
    l->cap = cap;
  }
  l->id[l->n] = d->id;
  l->when[l->n++] = d->created;
  return 0;
}

/* The source's accounts (schema version 6): users, API tokens and the
 * audit log, as rows of text (sessions are not copied: a move signs
 * everybody out). */
typedef struct acct_rows {
  char **cell; /* n rows of `width` cells, NULL for NULL */
  size_t n, cap, width;
  int nomem;
} acct_rows;

static int acct_push(acct_rows *a, const char *const *cells) {
  if (a->n == a->cap) {
    size_t cap = a->cap ? 2 * a->cap : 16;
    char **c = ampel_reallocarray(a->cell, cap * a->width, sizeof *c);
    if (!c) {
      a->nomem = 1;
      return 1;
    }
    a->cell = c;
    a->cap = cap;
  }
  for (size_t k = 0; k < a->width; k++) {
    char *v = cells[k] ? ampel_strdup(cells[k]) : NULL;
    if (cells[k] && !v)
      a->nomem = 1;
    a->cell[a->n * a->width + k] = v;
  }
  a->n++;
  return a->nomem;
}

static void acct_release(acct_rows *a) {
  for (size_t i = 0; i < a->n * a->width; i++)
    ampel_free(a->cell[i]);
  ampel_free(a->cell);
  a->cell = NULL;
  a->n = a->cap = 0;
}

static int user_cb(void *ud, const ampel_user_info *u) {
  char created[24], disabled[8];
  snprintf(created, sizeof created, "%lld", (long long)u->created);
  snprintf(disabled, sizeof disabled, "%d", u->disabled);
  const char *c[] = {u->name, ampel_role_name(u->role), u->pwhash, created,
                     disabled};
  return acct_push(ud, c);
}

static int token_cb(void *ud, const ampel_token_info *t) {
  char created[24], used[24];
  snprintf(created, sizeof created, "%lld", (long long)t->created);
  snprintf(used, sizeof used, "%lld", (long long)t->last_used);
  const char *c[] = {t->name, t->user, t->hash, created, used};
  return acct_push(ud, c);
}

static int audit_cb(void *ud, const ampel_audit_info *a) {
  char when[24];
  snprintf(when, sizeof when, "%lld", (long long)a->time);
  const char *c[] = {when, a->user, a->address, a->action, a->detail};
  return acct_push(ud, c);
}

typedef struct source {
  ampel_dataset *ds;
  ampel_geoset *geo;
  logcopy log;
  dslist hist;
  int history; /* each Datenstand can be loaded as it was */
  const char *config_key[16];
  char *config_val[16];
  size_t n_config;
  acct_rows users, tokens, audit; /* audit newest first */
} source;

static void source_release(source *s) {
  ampel_dataset_free(s->ds);
  ampel_geoset_free(s->geo);
  log_release(&s->log);
  ampel_free(s->hist.id);
  ampel_free(s->hist.when);
  for (size_t i = 0; i < s->n_config; i++)
    ampel_free(s->config_val[i]);
  acct_release(&s->users);
  acct_release(&s->tokens);
  acct_release(&s->audit);
  memset(s, 0, sizeof *s);
}

static ampel_status read_source(ampel_store *from, source *s,
                                ampel_diags *diags) {
  ampel_status st = ampel_store_load(from, AMPEL_LOAD_ALL, &s->ds, diags);
  if (st == AMPEL_OK)
    st = ampel_store_load_geometry(from, &s->geo, diags);
  if (st != AMPEL_OK)
    return st;
  st = ampel_store_import_log(from, log_cb, &s->log);
  if (st == AMPEL_OK && s->log.nomem)
    st = AMPEL_E_NOMEM;
  if (st != AMPEL_OK) {
    ampel_diags_error(diags, st,
                      "Umzug: das Einfuhrprotokoll der Quelle "
                      "kann nicht gelesen werden");
    return st;
  }
  /* the history, if the source keeps one (schema version 4) */
  if (ampel_store_datenstaende(from, ds_cb, &s->hist) == AMPEL_OK &&
      !s->hist.nomem && s->hist.n > 0) {
    ampel_diags probe;
    ampel_diags_init(&probe, 0);
    s->history = ampel_store_set_datenstand(from, s->hist.id[s->hist.n - 1],
                                            &probe) == AMPEL_OK;
    ampel_diags_release(&probe);
    if (s->history && ampel_store_set_datenstand(from, 0, diags) != AMPEL_OK)
      return AMPEL_E_IO;
  } else if (s->hist.nomem) {
    return AMPEL_E_NOMEM;
  }
  const char *const *keys = ampel_disclosure_keys();
  for (size_t k = 0; keys[k] && s->n_config < 16; k++) {
    char *v = NULL;
    st = ampel_store_config_get(from, keys[k], &v);
    if (st != AMPEL_OK) {
      ampel_diags_error(diags, st,
                        "Umzug: Einstellung '%s' der Quelle kann nicht "
                        "gelesen werden",
                        keys[k]);
      return st;
    }
    if (v) {
      s->config_key[s->n_config] = keys[k];
      s->config_val[s->n_config++] = v;
    }
  }
  /* accounts: a source before schema version 6 has none (AMPEL_E_USAGE) */
  s->users.width = s->tokens.width = s->audit.width = 5;
  st = ampel_store_user_list(from, user_cb, &s->users);
  if (st == AMPEL_OK)
    st = ampel_store_token_list(from, token_cb, &s->tokens);
  if (st == AMPEL_OK)
    st = ampel_store_audit_list(from, 0, audit_cb, &s->audit);
  if (st == AMPEL_E_USAGE)
    return AMPEL_OK;
  if (st == AMPEL_OK && (s->users.nomem || s->tokens.nomem || s->audit.nomem))
    st = AMPEL_E_NOMEM;
  if (st != AMPEL_OK)
    ampel_diags_error(diags, st,
                      "Umzug: die Benutzer der Quelle können nicht gelesen "
                      "werden");
  return st;
}

/* Users, API tokens and the audit log (oldest first) into `to`. */
static ampel_status write_accounts(ampel_store *to, const source *s,
                                   ampel_diags *diags) {
  ampel_status st = AMPEL_OK;
  for (size_t i = 0; st == AMPEL_OK && i < s->users.n; i++) {
    char *const *c = &s->users.cell[i * 5];
    ampel_user_info u = {c[0], AMPEL_ROLE_NONE, c[2],
                         c[3] ? strtoll(c[3], NULL, 10) : 0,
                         c[4] ? atoi(c[4]) : 0};
    if (!c[1] || ampel_role_parse(c[1], &u.role) != 0)
      u.role = AMPEL_ROLE_LESER; /* unknown to this build: the least */
    st = ampel_store_user_put(to, &u);
  }
  for (size_t i = 0; st == AMPEL_OK && i < s->tokens.n; i++) {
    char *const *c = &s->tokens.cell[i * 5];
    ampel_token_info t = {0, c[0], c[1], c[2],
                          c[3] ? strtoll(c[3], NULL, 10) : 0,
                          c[4] ? strtoll(c[4], NULL, 10) : 0};
    st = ampel_store_token_put(to, &t);
  }
  for (size_t i = s->audit.n; st == AMPEL_OK && i-- > 0;) {
    char *const *c = &s->audit.cell[i * 5];
    st = ampel_store_audit_add(to, c[0] ? strtoll(c[0], NULL, 10) : 0, c[1],
                               c[2], c[3] ? c[3] : "?", c[4]);
  }
  if (st != AMPEL_OK)
    ampel_diags_error(diags, st,
                      "Umzug: Benutzer, API-Schlüssel oder Protokoll können "
                      "nicht gespeichert werden");
  return st;
}

/* Puts every value present in ds; counts them into *n. */
static ampel_status put_values(ampel_store *to, const ampel_dataset *ds,
                               size_t *n) {
  size_t na = ampel_dataset_n_areas(ds), ni = ampel_dataset_n_indicators(ds),
         np = ampel_dataset_n_periods(ds);
  ampel_status st = AMPEL_OK;
  for (size_t i = 0; st == AMPEL_OK && i < ni; i++)
    for (size_t p = 0; st == AMPEL_OK && p < np; p++)
      for (size_t a = 0; st == AMPEL_OK && a < na; a++) {
        ampel_cell_ref c = ampel_dataset_get(ds, a, i, p);
        if (!c.present)
          continue;
        st = ampel_store_put_observation(to, ampel_dataset_area(ds, a)->key,
                                         ampel_dataset_indicator(ds, i)->key,
                                         ampel_dataset_period(ds, p)->label,
                                         c.value, c.numerator, c.denominator,
                                         c.flag);
        (*n)++;
      }
  /* the conversion keys (METHODS.md §11), one group per old area; the
   * dataset holds them ordered by old key */
  size_t nk = ampel_dataset_n_conversions(ds);
  const char **news = ampel_calloc(nk + 1, sizeof *news);
  double *shares = ampel_calloc(nk + 1, sizeof *shares);
  if (!news || !shares)
    st = st == AMPEL_OK ? AMPEL_E_NOMEM : st;
  for (size_t k = 0; st == AMPEL_OK && k < nk;) {
    const char *old = ampel_dataset_conversion(ds, k)->old_key;
    size_t g = 0;
    for (; k < nk && strcmp(ampel_dataset_conversion(ds, k)->old_key, old) == 0;
         k++, g++) {
      news[g] = ampel_dataset_conversion(ds, k)->new_key;
      shares[g] = ampel_dataset_conversion(ds, k)->share;
    }
    st = ampel_store_put_conversion(to, old, news, shares, g);
  }
  ampel_free(news);
  ampel_free(shares);
  return st;
}

/* The files the source logged for Datenstand id, in their order, into
 * files (room for log.n); returns how many. */
static size_t files_of(const logcopy *l, long id, ampel_import_file *files) {
  size_t n = 0;
  for (size_t f = 0; f < l->n; f++)
    if (l->id[f] == id)
      files[n++] = l->f[f];
  return n;
}

/* The source's history, Datenstand by Datenstand, oldest first, each with
 * its id, time and files: the values as they were at each (loaded from
 * the source), merged into the target as a Datenstand of the same id, so
 * ids, times, digests and counts come out as in the source. */
static ampel_status write_history(ampel_store *from, ampel_store *to,
                                  const source *s, ampel_migrate_summary *sum,
                                  ampel_diags *diags) {
  ampel_import_file *files =
      ampel_calloc(s->log.n ? s->log.n : 1, sizeof *files);
  if (!files)
    return AMPEL_E_NOMEM;
  ampel_status st = AMPEL_OK;
  for (size_t k = s->hist.n; st == AMPEL_OK && k-- > 0;) {
    long id = s->hist.id[k];
    st = ampel_store_next_datenstand(to, id);
    if (st != AMPEL_OK) {
      ampel_diags_error(diags, st,
                        "Umzug: Datenstand %ld kann nicht angelegt werden", id);
      break;
    }
    ampel_dataset *ds = s->ds;
    if (k > 0) { /* an earlier Datenstand: as it was */
      ds = NULL;
      st = ampel_store_set_datenstand(from, id, diags);
      if (st == AMPEL_OK)
        st = ampel_store_load(from, AMPEL_LOAD_ALL, &ds, diags);
      if (st != AMPEL_OK)
        break;
    }
    size_t nv = 0;
    st = put_values(to, ds, &nv);
    if (k > 0)
      ampel_dataset_free(ds);
    else
      sum->n_values = nv;
    if (st != AMPEL_OK) {
      ampel_diags_error(diags, st,
                        "Umzug: Werte von Datenstand %ld können nicht "
                        "gespeichert werden",
                        id);
      break;
    }
    size_t nf = files_of(&s->log, id, files);
    st = ampel_store_log_import(to, files, nf, s->hist.when[k]);
    if (st != AMPEL_OK)
      ampel_diags_error(diags, st,
                        "Umzug: Datenstand %ld kann nicht gespeichert "
                        "werden",
                        id);
  }
  ampel_free(files);
  if (ampel_store_set_datenstand(from, 0, diags) != AMPEL_OK && st == AMPEL_OK)
    st = AMPEL_E_IO;
  sum->n_files = s->log.n;
  return st;
}

/* All puts into the open transaction of `to`; stops at the first error with
 * a German message in diags. */
static ampel_status write_target(ampel_store *from, ampel_store *to,
                                 const source *s, int64_t when,
                                 ampel_migrate_summary *sum,
                                 ampel_diags *diags) {
  const ampel_dataset *ds = s->ds;
  size_t na = ampel_dataset_n_areas(ds), ni = ampel_dataset_n_indicators(ds),
         np = ampel_dataset_n_periods(ds);
  ampel_status st = AMPEL_OK;
  for (size_t a = 0; st == AMPEL_OK && a < na; a++)
    st = ampel_store_put_area(to, ampel_dataset_area(ds, a));
  if (st != AMPEL_OK) {
    ampel_diags_error(diags, st,
                      "Umzug: Gebiete können nicht gespeichert "
                      "werden");
    return st;
  }
  for (size_t i = 0; st == AMPEL_OK && i < ni; i++)
    st = ampel_store_put_indicator(to, ampel_dataset_indicator(ds, i));
  for (size_t p = 0; st == AMPEL_OK && p < np; p++) {
    const ampel_period *per = ampel_dataset_period(ds, p);
    st = ampel_store_put_period(to, per->label, per->sort_key);
  }
  if (st != AMPEL_OK) {
    ampel_diags_error(diags, st,
                      "Umzug: Kennzahlen oder Zeiträume können "
                      "nicht gespeichert werden");
    return st;
  }
  if (!s->history) {
    st = put_values(to, ds, &sum->n_values);
    if (st != AMPEL_OK) {
      ampel_diags_error(diags, st,
                        "Umzug: Werte können nicht gespeichert "
                        "werden");
      return st;
    }
  }
  for (size_t k = 0; st == AMPEL_OK && k < s->n_config; k++)
    st = ampel_store_config_set(to, s->config_key[k], s->config_val[k]);
  if (st != AMPEL_OK) {
    ampel_diags_error(diags, st,
                      "Umzug: Einstellungen können nicht "
                      "gespeichert werden");
    return st;
  }
  size_t ng = ampel_geoset_n(s->geo);
  for (size_t g = 0; st == AMPEL_OK && g < ng; g++)
    st = ampel_store_put_geometry(to, ampel_geoset_key(s->geo, g),
                                  ampel_geoset_epsg(s->geo),
                                  ampel_geoset_shape_c(s->geo, g));
  if (st == AMPEL_OK && ng)
    st = ampel_store_put_neighbours(to, s->geo);
  if (st == AMPEL_E_USAGE) {
    ampel_diags_error(diags, st,
                      "Umzug abgebrochen: die Quelle hat Flächen für %zu "
                      "%s, die Zieldatenbank (%s) kann Flächen noch nicht "
                      "speichern; nichts wurde geschrieben",
                      ng, ng == 1 ? "Gebiet" : "Gebiete",
                      ampel_store_engine(to));
    return st;
  }
  if (st != AMPEL_OK) {
    ampel_diags_error(diags, st,
                      "Umzug: Flächen können nicht gespeichert "
                      "werden");
    return st;
  }
  st = write_accounts(to, s, diags);
  if (st != AMPEL_OK)
    return st;
  sum->n_users = s->users.n;
  sum->n_tokens = s->tokens.n;
  sum->n_audit = s->audit.n;
  if (s->history) {
    st = write_history(from, to, s, sum, diags);
    if (st != AMPEL_OK)
      return st;
    goto done;
  }
  /* A source without history (a read-only SQLite file of schema version
   * 2 or 3): one Datenstand that names the source's files, oldest first. */
  size_t nf = s->log.n;
  ampel_import_file *files = ampel_calloc(nf ? nf : 1, sizeof *files);
  if (!files)
    return AMPEL_E_NOMEM;
  /* the log comes newest Datenstand first: reverse the Datenstände but
   * keep the order of the files within each */
  size_t out = 0, end = nf;
  while (end > 0) {
    size_t start = end - 1;
    while (start > 0 && s->log.id[start - 1] == s->log.id[end - 1])
      start--;
    for (size_t f = start; f < end; f++)
      files[out++] = s->log.f[f];
    end = start;
  }
  st = ampel_store_log_import(to, files, nf, when);
  ampel_free(files);
  if (st != AMPEL_OK) {
    ampel_diags_error(diags, st,
                      "Umzug: der Datenstand kann nicht "
                      "gespeichert werden");
    return st;
  }
  sum->n_files = nf;
done:
  sum->n_areas = na;
  sum->n_indicators = ni;
  sum->n_periods = np;
  sum->n_config = s->n_config;
  sum->n_shapes = ng;
  sum->n_neighbours = ampel_geoset_n_neighbours(s->geo);
  return AMPEL_OK;
}

ampel_status ampel_migrate_copy(ampel_store *from, ampel_store *to,
                                int64_t when, ampel_migrate_summary *out_sum,
                                ampel_diags *diags) {
  ampel_migrate_summary sum;
  memset(&sum, 0, sizeof sum);
  if (out_sum)
    *out_sum = sum;
  ampel_data_version v;
  ampel_status st = ampel_store_data_version(to, &v);
  if (st != AMPEL_OK) {
    ampel_diags_error(diags, st,
                      "Umzug: die Zieldatenbank kann nicht "
                      "gelesen werden");
    return st;
  }
  if (v.id != 0) {
    ampel_diags_error(diags, AMPEL_E_DATA,
                      "Umzug abgebrochen: die Zieldatenbank ist nicht leer "
                      "(Datenstand %ld vorhanden); sie muss neu und leer "
                      "sein, nichts wurde geschrieben",
                      v.id);
    return AMPEL_E_DATA;
  }
  ampel_data_version sv;
  st = ampel_store_data_version(from, &sv);
  if (st == AMPEL_OK && sv.id == 0) {
    ampel_diags_error(diags, AMPEL_E_DATA,
                      "Umzug abgebrochen: die Quelle enthält noch keinen "
                      "Datenstand");
    return AMPEL_E_DATA;
  }
  source s;
  memset(&s, 0, sizeof s);
  if (st == AMPEL_OK)
    st = read_source(from, &s, diags);
  if (st == AMPEL_OK)
    st = ampel_store_begin(to);
  if (st == AMPEL_OK) {
    st = write_target(from, to, &s, when, &sum, diags);
    if (st == AMPEL_OK)
      st = ampel_store_commit(to);
    if (st != AMPEL_OK)
      (void)ampel_store_rollback(to);
  }
  if (st == AMPEL_OK && ampel_store_data_version(to, &v) == AMPEL_OK)
    sum.import_id = v.id;
  if (st != AMPEL_OK && ampel_diags_status(diags) == AMPEL_OK)
    ampel_diags_error(diags, st,
                      "Umzug fehlgeschlagen; nichts wurde "
                      "geschrieben");
  source_release(&s);
  if (out_sum && st == AMPEL_OK)
    *out_sum = sum;
  return st;
}
