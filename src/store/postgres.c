/* The PostgreSQL engine of the store (store.h, engine.h), issue 11.
 *
 * Schema: the tables of the SQLite engine's schema version 6 (sqlite.c,
 * docs/dev/store-schema.md), in the schema `ampel` of the database the URL
 * names, created on first use by a writer (AMPEL_STORE_CREATE). A version
 * 3 schema (the first PostgreSQL engine's) is migrated forward by the first
 * open, under the writers' lock.
 *
 * Ids are handed out like SQLite's rowids (max + 1 in insertion order,
 * never a gap), so both engines load areas and indicators in the same
 * order and an export is the same bytes.
 *
 * Writers serialise on a transaction-scoped advisory lock taken in begin
 * (SQLite's BEGIN IMMEDIATE); a load reads one REPEATABLE READ snapshot.
 * Values travel as text: doubles are sent with %.17g and come back in
 * PostgreSQL's shortest exact form, so they round-trip bit for bit.
 *
 * The connection URL is handed to libpq as it is; passwords come from
 * PGPASSWORD or PGPASSFILE (libpq reads them). A location in a message is
 * printed without its password.
 *
 * Geometry: the geometry and neighbour tables of sqlite_geo.h, the shape
 * as BYTEA holding the same ampel_shape_encode bytes as SQLite's BLOB.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ampel/alloc.h"
#include "store/accounts_sql.h"
#include "store/common.h"
#include "store/engine.h"

#ifndef AMPEL_HAVE_LIBPQ

void *ampel_pg_engine_open(const char *url, int mode, ampel_diags *diags,
                           ampel_status *out_status) {
  (void)url;
  (void)mode;
  ampel_diags_error(diags, AMPEL_E_USAGE,
                    "PostgreSQL wird in dieser Version noch nicht "
                    "unterstützt; bitte eine SQLite-Datei angeben");
  *out_status = AMPEL_E_USAGE;
  return NULL;
}

const ampel_store_ops ampel_pg_ops = {.name = "postgresql"};

#else

#include <libpq-fe.h>

#include "util/dynlib.h"
#include "util/sha256.h"
#include "util/strmap.h"

#define PG_SCHEMA_VERSION AMPEL_PG_SCHEMA_VERSION
/* any constant: the lock id all ampel writers of one database share */
#define WRITER_LOCK "7405451611"

/* The geometry tables of sqlite_geo.h; the shape is ampel_shape_encode's
 * blob. Part of a new schema; an older database gets them from its next
 * geometry import (ensure_geo_tables). */
#define GEO_SQL                                                                \
  "CREATE TABLE ampel.geometry(area_id BIGINT PRIMARY KEY REFERENCES"          \
  " ampel.area(id), crs INTEGER NOT NULL, shape BYTEA NOT NULL,"               \
  " label_x DOUBLE PRECISION, label_y DOUBLE PRECISION,"                       \
  " min_x DOUBLE PRECISION, min_y DOUBLE PRECISION,"                           \
  " max_x DOUBLE PRECISION, max_y DOUBLE PRECISION);"                          \
  "CREATE TABLE ampel.neighbour(area_id BIGINT NOT NULL REFERENCES"            \
  " ampel.area(id), other_id BIGINT NOT NULL REFERENCES ampel.area(id),"       \
  " PRIMARY KEY(area_id, other_id));"

/* Schema version 4 (docs/dev/store-schema.md), as sqlite.c's after its
 * migrations: Datenstände and versioned observations keyed (indicator,
 * period, area, ds_from). Without sqlite.c's partial index
 * observation_current: here the primary key's prefix finds a cell's
 * current row as well (a cell has few versions), a whole load is a
 * sequential scan, and the index cost a quarter of the import time (2 M
 * values: 7.5 s → 5.6 s for the merge). */
#define V4_SQL                                                                 \
  "CREATE TABLE ampel.datenstand(id BIGINT PRIMARY KEY,"                       \
  " created BIGINT NOT NULL, kind TEXT NOT NULL, user_name TEXT,"              \
  " parent BIGINT, digest TEXT NOT NULL, n_new BIGINT, n_changed BIGINT,"      \
  " n_removed BIGINT, note TEXT);"                                             \
  "CREATE TABLE ampel.datenstand_file(datenstand BIGINT NOT NULL,"             \
  " pos INTEGER NOT NULL, name TEXT NOT NULL, sha256 TEXT NOT NULL,"           \
  " kind TEXT NOT NULL, rows BIGINT NOT NULL, PRIMARY KEY(datenstand, pos));"  \
  "CREATE TABLE ampel.observation(indicator BIGINT NOT NULL,"                  \
  " period BIGINT NOT NULL, area BIGINT NOT NULL, ds_from BIGINT NOT NULL,"    \
  " ds_to BIGINT, value DOUBLE PRECISION, numerator DOUBLE PRECISION,"         \
  " denominator DOUBLE PRECISION, flag INTEGER NOT NULL DEFAULT 0,"            \
  " PRIMARY KEY(indicator, period, area, ds_from));"

/* 4 → 5, as sqlite.c's: an indicator's kind, formula and aggregation, an
 * area's validity, the conversion keys of boundary reforms. */
#define V5_SQL                                                                 \
  "ALTER TABLE ampel.indicator ADD COLUMN kind TEXT;"                          \
  "ALTER TABLE ampel.indicator ADD COLUMN formula TEXT;"                       \
  "ALTER TABLE ampel.indicator ADD COLUMN aggregation TEXT;"                   \
  "ALTER TABLE ampel.area ADD COLUMN valid_from TEXT;"                         \
  "ALTER TABLE ampel.area ADD COLUMN valid_to TEXT;"                           \
  "CREATE TABLE ampel.conversion(old_key TEXT NOT NULL, new_key TEXT NOT"      \
  " NULL, share DOUBLE PRECISION NOT NULL, ds_from BIGINT NOT NULL,"           \
  " ds_to BIGINT, PRIMARY KEY(old_key, new_key, ds_from));"

/* 5 → 6, as sqlite.c's (issue 12): indicator.shown and the account
 * tables (store/accounts_sql.h). */
#define V6_SQL                                                                 \
  "ALTER TABLE ampel.indicator ADD COLUMN shown INTEGER NOT NULL DEFAULT "     \
  "1;" AMPEL_ACCOUNTS_PG_SQL

static const char schema_sql[] =
    "CREATE SCHEMA IF NOT EXISTS ampel;"
    "CREATE TABLE ampel.meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE ampel.area(id BIGINT PRIMARY KEY, key TEXT NOT NULL UNIQUE,"
    " name TEXT, parent TEXT, level TEXT, population DOUBLE PRECISION,"
    " tile_row INTEGER, tile_col INTEGER, lat DOUBLE PRECISION,"
    " lon DOUBLE PRECISION);"
    "CREATE TABLE ampel.indicator(id BIGINT PRIMARY KEY,"
    " key TEXT NOT NULL UNIQUE, name TEXT, unit TEXT, polarity TEXT NOT NULL,"
    " domain TEXT, definition TEXT, source TEXT, reference_date TEXT,"
    " decimals INTEGER, secrecy INTEGER);"
    "CREATE TABLE ampel.period(id BIGINT PRIMARY KEY,"
    " label TEXT NOT NULL UNIQUE, sort_key INTEGER NOT NULL);" V4_SQL GEO_SQL
        V5_SQL V6_SQL
    "INSERT INTO ampel.meta(key,value) VALUES('schema_version','6');";

/* 3 → 4, as sqlite.c's migration: import becomes datenstand (same ids and
 * digests, so footers stay), import_file datenstand_file, and every
 * observation is current from its import on (history before version 4 was
 * never kept). One transaction with the version bump. */
static const char migrate_3_4_sql[] =
    "ALTER TABLE ampel.observation RENAME TO observation_v3;"
    "ALTER INDEX ampel.observation_pkey RENAME TO observation_v3_pkey;" V4_SQL
    "INSERT INTO ampel.datenstand(id,created,kind,parent,digest)"
    " SELECT id,time,'import',"
    "(SELECT max(p.id) FROM ampel.import p WHERE p.id<i.id),digest"
    " FROM ampel.import i ORDER BY id;"
    "INSERT INTO ampel.datenstand_file(datenstand,pos,name,sha256,kind,rows)"
    " SELECT import_id,pos,name,sha256,kind,rows FROM ampel.import_file"
    " ORDER BY import_id,pos ON CONFLICT DO NOTHING;"
    "INSERT INTO ampel.observation(indicator,period,area,ds_from,ds_to,value,"
    "numerator,denominator,flag) SELECT indicator_id,period_id,area_id,"
    "import_id,NULL,value,numerator,denominator,flag FROM"
    " ampel.observation_v3 ORDER BY indicator_id,period_id,area_id;"
    "DROP TABLE ampel.observation_v3;"
    "DROP TABLE ampel.import_file;"
    "DROP TABLE ampel.import;"
    "UPDATE ampel.meta SET value='4' WHERE key='schema_version';";

static const char migrate_4_5_sql[] =
    V5_SQL "UPDATE ampel.meta SET value='5' WHERE key='schema_version';";

static const char migrate_5_6_sql[] =
    V6_SQL "UPDATE ampel.meta SET value='6' WHERE key='schema_version';";

/* migrations[v - 3]: from version v to v + 1 */
static const char *const migrations[] = {migrate_3_4_sql, migrate_4_5_sql,
                                         migrate_5_6_sql};

/* The cells (indicator, period, area) one import has put, to find a cell
 * put twice at once, as SQLite's stage finds it by its primary key (the
 * staged rows travel through COPY, which cannot tell which row was the
 * second). One bitmap over the area ids per indicator × period block,
 * found by open addressing on the block's key: values come in whole
 * blocks (a file covers the areas of a level), so workload A's 10 M
 * cells take 1,000 bitmaps of 10,001 bits (1.3 MB) where a hash set of
 * the cells took 400 MB. */
typedef struct cellblock {
  uint64_t key;   /* (indicator << 32 | period) + 1; 0 = empty slot */
  uint64_t *bits; /* one bit per area id */
  size_t nwords;
} cellblock;

typedef struct cellset {
  cellblock *slot;
  size_t cap, n; /* cap a power of two */
} cellset;

/* Staged observations in COPY text format, sent when large (STAGE_FLUSH)
 * and before anything else needs the connection. */
#define STAGE_FLUSH (8u << 20)

/* Keys → store ids, with owned copies of the keys (as in sqlite.c). */
typedef struct pg {
  PGconn *conn;
  char *where; /* the URL without its password, for messages */
  int in_tx;
  int in_read;     /* inside ampel_store_begin_read: one snapshot */
  long import_id;  /* the Datenstand this transaction writes */
  long datenstand; /* the Datenstand loads show; 0 = current */
  long n_new, n_changed;
  long n_removed; /* closed without a successor (rollback) */
  int staged;     /* the stage table holds rows not merged yet */
  char *buf;      /* rows not yet sent */
  size_t len, cap;
  cellset cells;
  idmap areas, inds, periods;
} pg;

/* The URL with any password left out: "postgresql://u:pw@h/db" becomes
 * "postgresql://u@h/db". A password in the query string
 * (?password=...) is cut off with the whole query. Caller frees. */
static char *redact(const char *url) {
  char *out = ampel_strdup(url);
  if (!out)
    return NULL;
  char *q = strchr(out, '?');
  if (q)
    *q = '\0';
  char *auth = strstr(out, "://");
  if (!auth)
    return out;
  auth += 3;
  char *at = strrchr(auth, '@');
  char *slash = strchr(auth, '/');
  if (!at || (slash && slash < at))
    return out;
  char *colon = memchr(auth, ':', (size_t)(at - auth));
  if (colon)
    memmove(colon, at, strlen(at) + 1);
  return out;
}

/* 1 when the URL carries a password (user:password@ or ?password=), as
 * libpq parses it. Such a URL would stand in the process list and the
 * shell history: it is refused (issue 11: passwords never on the command
 * line). */
static int has_password(const char *url) {
  char *err = NULL;
  PQconninfoOption *o = PQconninfoParse(url, &err);
  int found = 0;
  for (PQconninfoOption *i = o; i && i->keyword; i++)
    if (strcmp(i->keyword, "password") == 0 && i->val && *i->val)
      found = 1;
  PQconninfoFree(o);
  PQfreemem(err);
  return found;
}

static void no_notices(void *arg, const char *message) {
  (void)arg;
  (void)message; /* the library prints nothing */
}

/* Runs sql; AMPEL_OK when it returned `want`. */
static ampel_status run(pg *p, const char *sql, ExecStatusType want) {
  PGresult *r = PQexec(p->conn, sql);
  ampel_status st = PQresultStatus(r) == want ? AMPEL_OK : AMPEL_E_IO;
  PQclear(r);
  return st;
}
static ampel_status cmd(pg *p, const char *sql) {
  return run(p, sql, PGRES_COMMAND_OK);
}

static ampel_status db_error(pg *p, ampel_diags *diags, const char *what) {
  const char *m = PQerrorMessage(p->conn);
  size_t n = strlen(m);
  while (n > 0 && (m[n - 1] == '\n' || m[n - 1] == ' '))
    n--;
  ampel_diags_error(diags, AMPEL_E_IO, "PostgreSQL-Datenbank %s: %s: %.*s",
                    p->where, what, (int)n, m);
  return AMPEL_E_IO;
}

/* Params to a one-row, one-column query; *out a new string or NULL when
 * there is no row. */
static ampel_status query_text(pg *p, const char *sql, int n,
                               const char *const *params, char **out) {
  *out = NULL;
  PGresult *r = PQexecParams(p->conn, sql, n, NULL, params, NULL, NULL, 0);
  ampel_status st = AMPEL_OK;
  if (PQresultStatus(r) != PGRES_TUPLES_OK)
    st = AMPEL_E_IO;
  else if (PQntuples(r) > 0 && !PQgetisnull(r, 0, 0)) {
    *out = ampel_strdup(PQgetvalue(r, 0, 0));
    if (!*out)
      st = AMPEL_E_NOMEM;
  }
  PQclear(r);
  return st;
}

static long to_long(const char *s) {
  return strtol(s, NULL, 10);
}

/* meta.schema_version into *out (0 when missing). */
static ampel_status schema_version(pg *p, long *out) {
  char *v = NULL;
  ampel_status st = query_text(
      p, "SELECT value FROM meta WHERE key='schema_version'", 0, NULL, &v);
  *out = v ? to_long(v) : 0;
  ampel_free(v);
  return st;
}

/* Creates the schema (CREATE mode) or checks that it is there and no newer
 * than this build knows. */
static ampel_status prepare_schema(pg *p, int mode, ampel_diags *diags) {
  /* only a creator takes the writers' lock: readers never wait */
  if (cmd(p, "BEGIN") != AMPEL_OK ||
      (mode == AMPEL_STORE_CREATE &&
       run(p, "SELECT pg_advisory_xact_lock(" WRITER_LOCK ")",
           PGRES_TUPLES_OK) != AMPEL_OK))
    return db_error(p, diags, "Schema prüfen");
  char *have = NULL;
  ampel_status st =
      query_text(p, "SELECT to_regclass('ampel.meta')::text", 0, NULL, &have);
  if (st == AMPEL_OK && !have && mode == AMPEL_STORE_CREATE) {
    if (cmd(p, schema_sql) != AMPEL_OK) {
      st = db_error(p, diags, "Schema anlegen");
      cmd(p, "ROLLBACK");
      return st;
    }
  } else if (st == AMPEL_OK && !have) {
    ampel_diags_error(diags, AMPEL_E_IO,
                      "PostgreSQL-Datenbank %s hat keine ampel-Daten "
                      "(zuerst 'ampel import' ausführen)",
                      p->where);
    cmd(p, "ROLLBACK");
    return AMPEL_E_IO;
  }
  ampel_free(have);
  long v = 0;
  if (st == AMPEL_OK)
    st = schema_version(p, &v);
  if (st == AMPEL_OK && v >= 3 && v < PG_SCHEMA_VERSION) {
    /* migrate forward once, under the writers' lock (a reader waits for it
     * only this one time); another process may have migrated meanwhile */
    if (mode != AMPEL_STORE_CREATE &&
        run(p, "SELECT pg_advisory_xact_lock(" WRITER_LOCK ")",
            PGRES_TUPLES_OK) != AMPEL_OK)
      st = AMPEL_E_IO;
    if (st == AMPEL_OK)
      st = schema_version(p, &v);
    long from = v;
    for (; st == AMPEL_OK && v >= 3 && v < PG_SCHEMA_VERSION; v++) {
      if (cmd(p, migrations[v - 3]) == AMPEL_OK)
        continue;
      const char *m = PQerrorMessage(p->conn);
      size_t n = strlen(m);
      while (n > 0 && (m[n - 1] == '\n' || m[n - 1] == ' '))
        n--;
      ampel_diags_error(diags, AMPEL_E_IO,
                        "PostgreSQL-Datenbank %s hat Schema-Version %ld, "
                        "dieses ampel braucht %d; die Umstellung ist "
                        "fehlgeschlagen (sie braucht die Rolle, der das "
                        "Schema ampel gehört: einmal 'ampel versions' mit "
                        "dieser Rolle ausführen): %.*s",
                        p->where, from, PG_SCHEMA_VERSION, (int)n, m);
      cmd(p, "ROLLBACK");
      return AMPEL_E_IO;
    }
  }
  if (st != AMPEL_OK) {
    st = db_error(p, diags, "Schema-Version lesen");
  } else if (v != PG_SCHEMA_VERSION) {
    ampel_diags_error(diags, AMPEL_E_DATA,
                      v > PG_SCHEMA_VERSION
                          ? "PostgreSQL-Datenbank %s hat eine neuere "
                            "Schema-Version; bitte ampel aktualisieren"
                          : "PostgreSQL-Datenbank %s hat eine unbekannte "
                            "Schema-Version",
                      p->where);
    st = AMPEL_E_DATA;
  }
  if (st == AMPEL_OK && cmd(p, "COMMIT") != AMPEL_OK)
    st = db_error(p, diags, "Schema anlegen");
  if (st != AMPEL_OK)
    cmd(p, "ROLLBACK");
  return st;
}

static void cells_reset(cellset *c);

static void pg_close(void *impl) {
  pg *p = impl;
  if (!p)
    return;
  if (p->in_tx)
    cmd(p, "ROLLBACK");
  PQfinish(p->conn);
  ampel_free(p->where);
  ampel_free(p->buf);
  cells_reset(&p->cells);
  ampel_idmap_release(&p->areas);
  ampel_idmap_release(&p->inds);
  ampel_idmap_release(&p->periods);
  ampel_free(p);
}

void *ampel_pg_engine_open(const char *url, int mode, ampel_diags *diags,
                           ampel_status *out_status) {
  /* libpq is loaded on first use (util/dynlib.h): without it, say so. */
  *out_status = ampel_dl_pq_ready(diags);
  if (*out_status != AMPEL_OK)
    return NULL;
  pg *p = ampel_calloc(1, sizeof *p);
  if (p)
    p->where = redact(url);
  if (!p || !p->where) {
    pg_close(p);
    *out_status = AMPEL_E_NOMEM;
    return NULL;
  }
  if (has_password(url)) {
    ampel_diags_error(diags, AMPEL_E_USAGE,
                      "PostgreSQL: %s: Kennwort in der Adresse; bitte "
                      "weglassen und "
                      "PGPASSWORD oder ~/.pgpass (PGPASSFILE) verwenden, "
                      "damit es nicht in der Prozessliste steht",
                      p->where);
    pg_close(p);
    *out_status = AMPEL_E_USAGE;
    return NULL;
  }
  p->conn = PQconnectdb(url);
  if (!p->conn || PQstatus(p->conn) != CONNECTION_OK) {
    if (p->conn)
      db_error(p, diags, "verbinden");
    else
      ampel_diags_error(diags, AMPEL_E_NOMEM, "PostgreSQL: kein Speicher");
    pg_close(p);
    *out_status = AMPEL_E_IO;
    return NULL;
  }
  PQsetNoticeProcessor(p->conn, no_notices, NULL);
  ampel_status st = AMPEL_OK;
  if (cmd(p, "SET client_encoding TO 'UTF8'") != AMPEL_OK ||
      cmd(p, "SET extra_float_digits TO 1") != AMPEL_OK ||
      cmd(p, "SET search_path TO ampel") != AMPEL_OK)
    st = db_error(p, diags, "Sitzung einrichten");
  if (st == AMPEL_OK)
    st = prepare_schema(p, mode, diags);
  if (st != AMPEL_OK) {
    pg_close(p);
    *out_status = st;
    return NULL;
  }
  *out_status = AMPEL_OK;
  return p;
}

/* ---- loading ----------------------------------------------------------
 *
 * As in sqlite.c: a failed query is an I/O error, never a shorter dataset;
 * an id that names no loaded row is a damaged database.
 */

static const char *val(const PGresult *r, int row, int col) {
  return PQgetisnull(r, row, col) ? NULL : PQgetvalue(r, row, col);
}
static double val_real(const PGresult *r, int row, int col) {
  return PQgetisnull(r, row, col) ? NAN : strtod(PQgetvalue(r, row, col), NULL);
}
static int val_int(const PGresult *r, int row, int col, int null) {
  return PQgetisnull(r, row, col) ? null
                                  : (int)to_long(PQgetvalue(r, row, col));
}

static ampel_status put_fail(ampel_diags *diags, ampel_status st,
                             const char *what) {
  if (st == AMPEL_E_NOMEM)
    ampel_diags_error(diags, st, "Datenbank: %s: kein Speicher", what);
  else
    ampel_diags_error(diags, st, "Datenbank beschädigt: %s: ungültige Zeile",
                      what);
  return st;
}

static ampel_status corrupt_id(ampel_diags *diags, const char *kind, long id) {
  ampel_diags_error(diags, AMPEL_E_DATA,
                    "Datenbank beschädigt: unbekannte %s-ID %ld", kind, id);
  return AMPEL_E_DATA;
}

/* Store id → dataset id, -1 for ids no row has. */
typedef struct id_index {
  long *map;
  long max;
} id_index;

/* Sizes x from column 0 (the ids) of r: ids are dense (max + 1), so one far
 * beyond the row count is damage. */
static ampel_status index_init(id_index *x, const PGresult *r, const char *kind,
                               const char *what, ampel_diags *diags) {
  long n = PQntuples(r), max = -1;
  for (long i = 0; i < n; i++) {
    long id = to_long(PQgetvalue(r, (int)i, 0));
    if (id < 0 || id > 4 * n + 1024)
      return corrupt_id(diags, kind, id);
    if (id > max)
      max = id;
  }
  x->max = max;
  x->map = ampel_reallocarray(NULL, (size_t)max + 1, sizeof *x->map);
  if (!x->map)
    return put_fail(diags, AMPEL_E_NOMEM, what);
  for (long i = 0; i <= max; i++)
    x->map[i] = -1;
  return AMPEL_OK;
}

static ampel_status index_set(id_index *x, const PGresult *r, int row,
                              size_t id, ampel_diags *diags, const char *kind) {
  long sid = to_long(PQgetvalue(r, row, 0));
  if (sid < 0 || sid > x->max || x->map[sid] >= 0)
    return corrupt_id(diags, kind, sid);
  x->map[sid] = (long)id;
  return AMPEL_OK;
}

static long index_get(const id_index *x, long sid) {
  return sid < 0 || sid > x->max ? -1 : x->map[sid];
}

static PGresult *load_query(pg *p, const char *sql, ampel_diags *diags,
                            const char *what) {
  PGresult *r = PQexec(p->conn, sql);
  if (PQresultStatus(r) == PGRES_TUPLES_OK)
    return r;
  PQclear(r);
  db_error(p, diags, what);
  return NULL;
}

static ampel_status load_areas(pg *p, ampel_dataset *ds, id_index *x,
                               ampel_diags *diags) {
  static const char what[] = "Gebiete laden";
  PGresult *r = load_query(p,
                           "SELECT id,key,name,parent,level,population,"
                           "tile_row,tile_col,lat,lon,valid_from,valid_to "
                           "FROM area ORDER BY id",
                           diags, what);
  if (!r)
    return AMPEL_E_IO;
  ampel_status st = index_init(x, r, "Gebiets", what, diags);
  for (int i = 0; st == AMPEL_OK && i < PQntuples(r); i++) {
    ampel_area a = {(char *)val(r, i, 1),
                    (char *)val(r, i, 2),
                    (char *)val(r, i, 3),
                    (char *)val(r, i, 4),
                    val_real(r, i, 5),
                    val_int(r, i, 6, AMPEL_NO_TILE),
                    val_int(r, i, 7, AMPEL_NO_TILE),
                    val_real(r, i, 8),
                    val_real(r, i, 9),
                    (char *)val(r, i, 10),
                    (char *)val(r, i, 11)};
    size_t id = 0;
    st = ampel_dataset_put_area(ds, &a, &id);
    if (st != AMPEL_OK)
      put_fail(diags, st, what);
    else
      st = index_set(x, r, i, id, diags, "Gebiets");
  }
  PQclear(r);
  return st;
}

static ampel_status load_indicators(pg *p, ampel_dataset *ds, id_index *x,
                                    ampel_diags *diags) {
  static const char what[] = "Kennzahlen laden";
  PGresult *r = load_query(p,
                           "SELECT id,key,name,unit,polarity,domain,"
                           "definition,source,reference_date,decimals,"
                           "secrecy,kind,formula,aggregation,shown FROM "
                           "indicator ORDER BY id",
                           diags, what);
  if (!r)
    return AMPEL_E_IO;
  ampel_status st = index_init(x, r, "Kennzahl", what, diags);
  for (int i = 0; st == AMPEL_OK && i < PQntuples(r); i++) {
    ampel_polarity pol = AMPEL_POL_NEUTRAL;
    const char *ps = val(r, i, 4);
    if (ps && ampel_polarity_parse(ps, strlen(ps), &pol) != 0)
      pol = AMPEL_POL_NEUTRAL;
    int sec = val_int(r, i, 10, -1);
    ampel_indicator ind = {(char *)val(r, i, 1),
                           (char *)val(r, i, 2),
                           (char *)val(r, i, 3),
                           (char *)val(r, i, 5),
                           (char *)val(r, i, 6),
                           (char *)val(r, i, 7),
                           (char *)val(r, i, 8),
                           pol,
                           val_int(r, i, 9, -1),
                           sec < 0   ? AMPEL_SECRECY_UNSET
                           : sec > 0 ? AMPEL_SECRECY_YES
                                     : AMPEL_SECRECY_NO,
                           AMPEL_KIND_UNSET,
                           (char *)val(r, i, 12),
                           AMPEL_AGG_UNSET,
                           val_int(r, i, 14, 1) ? AMPEL_SHOWN_YES
                                                : AMPEL_SHOWN_NO};
    /* unknown words (a newer program's) read as unset */
    const char *ks = val(r, i, 11), *as = val(r, i, 13);
    if (ks && ampel_ind_kind_parse(ks, strlen(ks), &ind.kind) != 0)
      ind.kind = AMPEL_KIND_UNSET;
    if (as && ampel_aggregation_parse(as, strlen(as), &ind.aggregation) != 0)
      ind.aggregation = AMPEL_AGG_UNSET;
    size_t id = 0;
    st = ampel_dataset_put_indicator(ds, &ind, &id);
    if (st != AMPEL_OK)
      put_fail(diags, st, what);
    else
      st = index_set(x, r, i, id, diags, "Kennzahl");
  }
  PQclear(r);
  return st;
}

static ampel_status load_periods(pg *p, ampel_dataset *ds, id_index *x,
                                 ampel_diags *diags) {
  static const char what[] = "Zeitpunkte laden";
  /* COLLATE "C": byte order, as SQLite sorts the labels */
  PGresult *r = load_query(p,
                           "SELECT id,label,sort_key FROM period "
                           "ORDER BY sort_key,label COLLATE \"C\"",
                           diags, what);
  if (!r)
    return AMPEL_E_IO;
  ampel_status st = index_init(x, r, "Zeitpunkt", what, diags);
  for (int i = 0; st == AMPEL_OK && i < PQntuples(r); i++) {
    size_t id = 0;
    st = ampel_dataset_put_period(ds, val(r, i, 1),
                                  (int32_t)val_int(r, i, 2, 0), &id);
    if (st != AMPEL_OK)
      put_fail(diags, st, what);
    else
      st = index_set(x, r, i, id, diags, "Zeitpunkt");
  }
  PQclear(r);
  return st;
}

/* "{1,2,3}": a bigint[] parameter of the wanted store ids. */
static char *id_array(const long *ids, size_t n) {
  char *buf = ampel_reallocarray(NULL, n + 1, 24);
  if (!buf)
    return NULL;
  size_t len = 0;
  buf[len++] = '{';
  for (size_t k = 0; k < n; k++)
    len += (size_t)snprintf(buf + len, 24, "%s%ld", k ? "," : "", ids[k]);
  buf[len++] = '}';
  buf[len] = '\0';
  return buf;
}

/* The blocks a spec names (store.h): indicator = ANY and period = ANY on
 * the primary key (indicator, period, area, ds_from). */
static PGresult *query_blocks(pg *p, const ampel_dataset *ds,
                              const id_index *ix, const id_index *px,
                              const ampel_load_spec *spec, ampel_diags *diags) {
  static const char what[] = "Werte laden";
  long *inds = ampel_reallocarray(NULL, (size_t)ix->max + 2, sizeof *inds);
  long *pers = ampel_reallocarray(NULL, (size_t)px->max + 2, sizeof *pers);
  char *ia = NULL, *pa = NULL;
  if (inds && pers) {
    size_t ni =
        ampel_spec_ids(ix->map, ix->max, spec->indicators, spec->n_indicators,
                       ds, ampel_spec_indicator_name, inds);
    size_t np = ampel_spec_ids(px->map, px->max, spec->periods, spec->n_periods,
                               ds, ampel_spec_period_name, pers);
    ia = id_array(inds, ni);
    pa = id_array(pers, np);
  }
  ampel_free(inds);
  ampel_free(pers);
  PGresult *r = NULL;
  if (!ia || !pa) {
    put_fail(diags, AMPEL_E_NOMEM, what);
  } else {
    char idb[32];
    snprintf(idb, sizeof idb, "%ld", p->datenstand);
    const char *params[] = {ia, pa, idb};
    r = PQexecParams(
        p->conn,
        "SELECT area,indicator,period,value,numerator,denominator,flag FROM "
        "observation WHERE indicator = ANY($1::bigint[]) AND "
        "period = ANY($2::bigint[]) AND (($3::bigint = 0 AND ds_to IS NULL) "
        "OR ($3::bigint > 0 AND ds_from <= $3::bigint AND "
        "(ds_to IS NULL OR ds_to > $3::bigint)))",
        3, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
      PQclear(r);
      r = NULL;
      db_error(p, diags, what);
    }
  }
  ampel_free(ia);
  ampel_free(pa);
  return r;
}

static ampel_status load_observations(pg *p, ampel_dataset *ds,
                                      const id_index *ax, const id_index *ix,
                                      const id_index *px,
                                      const ampel_load_spec *spec,
                                      ampel_diags *diags) {
  static const char what[] = "Werte laden";
  PGresult *r = NULL;
  if (spec->sample > 0)
    return AMPEL_E_USAGE; /* no cheap sample here: the caller loads all */
  if (spec->periods || spec->indicators) {
    r = query_blocks(p, ds, ix, px, spec, diags);
    if (!r)
      return AMPEL_E_IO;
  } else if (p->datenstand > 0) {
    char idb[32];
    snprintf(idb, sizeof idb, "%ld", p->datenstand);
    const char *params[] = {idb};
    r = PQexecParams(p->conn,
                     "SELECT area,indicator,period,value,numerator,"
                     "denominator,flag FROM observation WHERE ds_from<=$1 "
                     "AND (ds_to IS NULL OR ds_to>$1)",
                     1, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
      PQclear(r);
      r = NULL;
      db_error(p, diags, what);
    }
  } else {
    r = load_query(p,
                   "SELECT area,indicator,period,value,numerator,"
                   "denominator,flag FROM observation WHERE ds_to IS NULL",
                   diags, what);
  }
  if (!r)
    return AMPEL_E_IO;
  ampel_status st = AMPEL_OK;
  for (int i = 0; st == AMPEL_OK && i < PQntuples(r); i++) {
    long sa = to_long(PQgetvalue(r, i, 0)), si = to_long(PQgetvalue(r, i, 1)),
         sp = to_long(PQgetvalue(r, i, 2));
    long a = index_get(ax, sa), k = index_get(ix, si), t = index_get(px, sp);
    int flag = val_int(r, i, 6, 0);
    if (a < 0)
      st = corrupt_id(diags, "Gebiets", sa);
    else if (k < 0)
      st = corrupt_id(diags, "Kennzahl", si);
    else if (t < 0)
      st = corrupt_id(diags, "Zeitpunkt", sp);
    else if (flag < 0 || flag >= AMPEL_FLAG_COUNT_) {
      ampel_diags_error(diags, AMPEL_E_DATA,
                        "Datenbank beschädigt: unbekanntes Kennzeichen %d",
                        flag);
      st = AMPEL_E_DATA;
    } else {
      st = ampel_dataset_set(ds, (size_t)a, (size_t)k, (size_t)t,
                             val_real(r, i, 3), val_real(r, i, 4),
                             val_real(r, i, 5), (ampel_flag)flag);
      if (st != AMPEL_OK)
        put_fail(diags, st, what);
    }
  }
  PQclear(r);
  return st;
}

/* The conversion keys holding at the chosen Datenstand, in SQLite's
 * byte order. */
static ampel_status load_conversions(pg *p, ampel_dataset *ds,
                                     ampel_diags *diags) {
  static const char what[] = "Umschlüssel laden";
  char idb[32];
  snprintf(idb, sizeof idb, "%ld", p->datenstand);
  const char *params[] = {idb};
  PGresult *r = PQexecParams(
      p->conn,
      "SELECT old_key,new_key,share FROM conversion WHERE "
      "($1::bigint = 0 AND ds_to IS NULL) OR ($1::bigint > 0 AND "
      "ds_from <= $1::bigint AND (ds_to IS NULL OR ds_to > $1::bigint)) "
      "ORDER BY old_key COLLATE \"C\", new_key COLLATE \"C\"",
      1, NULL, params, NULL, NULL, 0);
  if (PQresultStatus(r) != PGRES_TUPLES_OK) {
    PQclear(r);
    return db_error(p, diags, what);
  }
  ampel_status st = AMPEL_OK;
  for (int i = 0; st == AMPEL_OK && i < PQntuples(r); i++) {
    st = ampel_dataset_add_conversion(ds, val(r, i, 0), val(r, i, 1),
                                      val_real(r, i, 2));
    if (st != AMPEL_OK)
      put_fail(diags, st, what);
  }
  PQclear(r);
  return st;
}

static ampel_status merge_stage(pg *p);

static ampel_status pg_load(void *impl, const ampel_load_spec *spec,
                            ampel_dataset **out, ampel_diags *diags) {
  pg *p = impl;
  id_index ax = {NULL, -1}, ix = {NULL, -1}, px = {NULL, -1};
  *out = NULL;
  ampel_dataset *ds = ampel_dataset_new();
  ampel_status st =
      ds ? AMPEL_OK : put_fail(diags, AMPEL_E_NOMEM, "Daten laden");
  int own_tx = 0;
  if (st == AMPEL_OK && !p->in_tx && !p->in_read) {
    if (cmd(p, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY") != AMPEL_OK)
      st = db_error(p, diags, "Daten laden");
    else
      own_tx = 1;
  }
  /* inside a write transaction, the staged rows count as written */
  if (st == AMPEL_OK && p->in_tx && merge_stage(p) != AMPEL_OK)
    st = db_error(p, diags, "Werte übernehmen");
  if (st == AMPEL_OK && spec->no_areas && !spec->metadata_only)
    st = AMPEL_E_USAGE;
  if (st == AMPEL_OK && !spec->no_areas)
    st = load_areas(p, ds, &ax, diags);
  if (st == AMPEL_OK)
    st = load_indicators(p, ds, &ix, diags);
  if (st == AMPEL_OK)
    st = load_periods(p, ds, &px, diags);
  if (st == AMPEL_OK && !spec->metadata_only)
    st = load_observations(p, ds, &ax, &ix, &px, spec, diags);
  if (st == AMPEL_OK)
    st = load_conversions(p, ds, diags);
  if (own_tx)
    cmd(p, st == AMPEL_OK ? "COMMIT" : "ROLLBACK");
  ampel_free(ax.map);
  ampel_free(ix.map);
  ampel_free(px.map);
  if (st != AMPEL_OK) {
    ampel_dataset_free(ds);
    return st;
  }
  *out = ds;
  return AMPEL_OK;
}

/* ---- writing ---------------------------------------------------------- */

static ampel_status load_idmap(pg *p, idmap *m, const char *sql) {
  PGresult *r = PQexec(p->conn, sql);
  ampel_status st =
      PQresultStatus(r) == PGRES_TUPLES_OK ? AMPEL_OK : AMPEL_E_IO;
  m->next = 1;
  for (int i = 0; st == AMPEL_OK && i < PQntuples(r); i++)
    st = PQgetisnull(r, i, 1) ? AMPEL_E_DATA
                              : ampel_idmap_put(m, PQgetvalue(r, i, 1),
                                                to_long(PQgetvalue(r, i, 0)));
  PQclear(r);
  return st;
}

/* A statement with n text params; AMPEL_OK when it answered `want`. */
static ampel_status run_params(pg *p, const char *sql, int n,
                               const char *const *params, ExecStatusType want) {
  PGresult *r = PQexecParams(p->conn, sql, n, NULL, params, NULL, NULL, 0);
  ampel_status st = PQresultStatus(r) == want ? AMPEL_OK : AMPEL_E_IO;
  PQclear(r);
  return st;
}

/* ---- the stage --------------------------------------------------------
 *
 * An import's observations go by COPY into the session's temporary table
 * stage (created per session, emptied per import; TEMP rather than an
 * UNLOGGED table in schema ampel: private to the session, gone after a
 * kill -9, and it needs no privilege on the schema beyond the import's).
 * At commit, or when the import itself loads, two set operations merge it
 * into observation as sqlite.c's merge_stage does: close the current rows
 * whose values differ (ds_to = this Datenstand), then insert every staged
 * row that has no current row.
 */

static void cells_reset(cellset *c) {
  for (size_t i = 0; i < c->cap; i++)
    ampel_free(c->slot[i].bits);
  ampel_free(c->slot);
  memset(c, 0, sizeof *c);
}

static size_t cell_hash(uint64_t k, size_t mask) {
  k ^= k >> 33;
  k *= 0xff51afd7ed558ccdULL;
  k ^= k >> 33;
  return (size_t)k & mask;
}

/* The slot of key in c (an empty one when absent). */
static cellblock *cells_slot(cellblock *slot, size_t cap, uint64_t key) {
  size_t j = cell_hash(key, cap - 1);
  while (slot[j].key && slot[j].key != key)
    j = (j + 1) & (cap - 1);
  return &slot[j];
}

/* 1 when new, 0 when the cell was put before, -1 no memory or an id out
 * of range. */
static int cells_add(cellset *c, long ind, long per, long area) {
  if (ind < 0 || ind > INT32_MAX || per < 0 || per > INT32_MAX || area < 0)
    return -1;
  uint64_t key = ((uint64_t)ind << 32 | (uint64_t)per) + 1;
  if (2 * (c->n + 1) > c->cap) { /* grow: at most half full */
    size_t cap = c->cap ? 2 * c->cap : 64;
    cellblock *slot = ampel_calloc(cap, sizeof *slot);
    if (!slot)
      return -1;
    for (size_t i = 0; i < c->cap; i++)
      if (c->slot[i].key)
        *cells_slot(slot, cap, c->slot[i].key) = c->slot[i];
    ampel_free(c->slot);
    c->slot = slot;
    c->cap = cap;
  }
  cellblock *b = cells_slot(c->slot, c->cap, key);
  if (!b->key) {
    b->key = key;
    c->n++;
  }
  size_t w = (size_t)area / 64;
  if (w >= b->nwords) { /* room for this area, and some more */
    size_t n = w + 1 > 2 * b->nwords ? w + 1 : 2 * b->nwords;
    uint64_t *bits = ampel_reallocarray(b->bits, n, sizeof *bits);
    if (!bits)
      return -1;
    memset(bits + b->nwords, 0, (n - b->nwords) * sizeof *bits);
    b->bits = bits;
    b->nwords = n;
  }
  uint64_t bit = (uint64_t)1 << (area % 64);
  if (b->bits[w] & bit)
    return 0;
  b->bits[w] |= bit;
  return 1;
}

/* Sends the buffered rows through COPY into the stage. */
static ampel_status flush_stage(pg *p) {
  if (p->len == 0)
    return AMPEL_OK;
  PGresult *r =
      PQexec(p->conn, "COPY pg_temp.stage(indicator,period,area,value,"
                      "numerator,denominator,flag) FROM STDIN");
  int ok = PQresultStatus(r) == PGRES_COPY_IN;
  PQclear(r);
  if (!ok)
    return AMPEL_E_IO;
  ok = PQputCopyData(p->conn, p->buf, (int)p->len) == 1;
  ok = PQputCopyEnd(p->conn, ok ? NULL : "ampel: Senden fehlgeschlagen") == 1 &&
       ok;
  while ((r = PQgetResult(p->conn)) != NULL) {
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
      ok = 0;
    PQclear(r);
  }
  p->len = 0;
  p->staged = 1;
  return ok ? AMPEL_OK : AMPEL_E_IO;
}

/* How many rows a command changed (its "UPDATE n"/"INSERT 0 n"). */
static ampel_status changed_rows(pg *p, const char *sql, long *out) {
  char id[32];
  snprintf(id, sizeof id, "%ld", p->import_id);
  const char *params[] = {id};
  PGresult *r = PQexecParams(p->conn, sql, 1, NULL, params, NULL, NULL, 0);
  ampel_status st =
      PQresultStatus(r) == PGRES_COMMAND_OK ? AMPEL_OK : AMPEL_E_IO;
  if (st == AMPEL_OK)
    *out = to_long(PQcmdTuples(r));
  PQclear(r);
  return st;
}

static ampel_status merge_stage(pg *p) {
  ampel_status st = flush_stage(p);
  if (st != AMPEL_OK || !p->staged)
    return st;
  long closed = 0, inserted = 0;
  /* a fresh temp table has no statistics: without them the planner
   * probes the index once per staged row instead of one hash join */
  st = cmd(p, "ANALYZE pg_temp.stage");
  if (st == AMPEL_OK)
    st = changed_rows(p,
                      "UPDATE observation o SET ds_to=$1 FROM pg_temp.stage g "
                      "WHERE o.indicator=g.indicator AND o.period=g.period AND "
                      "o.area=g.area AND o.ds_to IS NULL AND o.ds_from<>$1 AND "
                      "(o.value IS DISTINCT FROM g.value OR "
                      "o.numerator IS DISTINCT FROM g.numerator OR "
                      "o.denominator IS DISTINCT FROM g.denominator OR "
                      "o.flag IS DISTINCT FROM g.flag)",
                      &closed);
  if (st == AMPEL_OK)
    st = changed_rows(
        p,
        "INSERT INTO observation(indicator,period,area,ds_from,ds_to,value,"
        "numerator,denominator,flag) SELECT g.indicator,g.period,g.area,$1,"
        "NULL,g.value,g.numerator,g.denominator,g.flag FROM pg_temp.stage g "
        "WHERE NOT EXISTS (SELECT 1 FROM observation o WHERE "
        "o.indicator=g.indicator AND o.period=g.period AND o.area=g.area "
        "AND o.ds_to IS NULL) ORDER BY g.indicator,g.period,g.area",
        &inserted);
  /* merged rows leave the stage (the cell set still finds duplicates) */
  if (st == AMPEL_OK)
    st = cmd(p, "TRUNCATE pg_temp.stage");
  if (st != AMPEL_OK)
    return st;
  p->n_changed += closed;
  p->n_new += inserted - closed;
  p->staged = 0;
  return AMPEL_OK;
}

static ampel_status pg_rollback(void *impl) {
  pg *p = impl;
  if (!p->in_tx)
    return AMPEL_OK;
  p->in_tx = 0;
  p->len = 0;
  p->staged = 0;
  cells_reset(&p->cells);
  ampel_idmap_release(&p->areas);
  ampel_idmap_release(&p->inds);
  ampel_idmap_release(&p->periods);
  return cmd(p, "ROLLBACK");
}

static ampel_status pg_begin(void *impl) {
  pg *p = impl;
  if (p->in_tx)
    return AMPEL_E_USAGE;
  if (cmd(p, "BEGIN") != AMPEL_OK)
    return AMPEL_E_IO;
  p->in_tx = 1;
  p->len = 0;
  p->staged = 0;
  p->n_new = p->n_changed = p->n_removed = 0;
  cells_reset(&p->cells);
  ampel_idmap_release(&p->areas);
  ampel_idmap_release(&p->inds);
  ampel_idmap_release(&p->periods);
  /* one writer at a time; the maps are read after the lock is ours */
  ampel_status st =
      run(p, "SELECT pg_advisory_xact_lock(" WRITER_LOCK ")", PGRES_TUPLES_OK);
  /* the stage is made in the transaction: a rollback takes it away again */
  if (st == AMPEL_OK)
    st = cmd(p, "CREATE TEMP TABLE IF NOT EXISTS stage(indicator BIGINT "
                "NOT NULL, period BIGINT NOT NULL, area BIGINT NOT NULL,"
                " value DOUBLE PRECISION, numerator DOUBLE PRECISION,"
                " denominator DOUBLE PRECISION, flag INTEGER NOT NULL)");
  if (st == AMPEL_OK)
    st = cmd(p, "TRUNCATE pg_temp.stage");
  if (st == AMPEL_OK)
    st = cmd(p, "SET LOCAL work_mem TO '64MB'");
  if (st == AMPEL_OK)
    st = load_idmap(p, &p->areas, "SELECT id,key FROM area");
  if (st == AMPEL_OK)
    st = load_idmap(p, &p->inds, "SELECT id,key FROM indicator");
  if (st == AMPEL_OK)
    st = load_idmap(p, &p->periods, "SELECT id,label FROM period");
  /* the Datenstand id: the same sequence in meta as sqlite.c keeps */
  char *id = NULL;
  if (st == AMPEL_OK)
    st = query_text(p,
                    "SELECT greatest(coalesce((SELECT value::bigint FROM meta"
                    " WHERE key='import_seq'),0),"
                    "coalesce((SELECT max(id) FROM datenstand),0))+1",
                    0, NULL, &id);
  if (st == AMPEL_OK && !id)
    st = AMPEL_E_IO;
  if (st == AMPEL_OK) {
    p->import_id = to_long(id);
    const char *params[] = {id};
    PGresult *r =
        PQexecParams(p->conn,
                     "INSERT INTO meta(key,value) VALUES('import_seq',$1) ON "
                     "CONFLICT(key) DO UPDATE SET value=excluded.value",
                     1, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
      st = AMPEL_E_IO;
    PQclear(r);
  }
  ampel_free(id);
  if (st != AMPEL_OK)
    pg_rollback(p);
  return st;
}

/* As sq_next_datenstand: merge and count what was put, then write the
 * following puts as Datenstand id (0 = the next free one). */
static ampel_status pg_next_datenstand(void *impl, long id) {
  pg *p = impl;
  if (!p->in_tx)
    return AMPEL_E_USAGE;
  ampel_status st = merge_stage(p);
  char b[4][32];
  snprintf(b[0], 32, "%ld", p->n_new);
  snprintf(b[1], 32, "%ld", p->n_changed);
  snprintf(b[2], 32, "%ld", p->import_id);
  snprintf(b[3], 32, "%ld", p->n_removed);
  const char *params[] = {b[0], b[1], b[2], b[3]};
  if (st == AMPEL_OK)
    st = run_params(p,
                    "UPDATE datenstand SET n_new=$1,n_changed=$2,n_removed=$4"
                    " WHERE id=$3",
                    4, params, PGRES_COMMAND_OK);
  char *max = NULL;
  if (st == AMPEL_OK)
    st = query_text(p, "SELECT coalesce(max(id),0)+1 FROM datenstand", 0, NULL,
                    &max);
  if (st != AMPEL_OK)
    return st;
  /* above every logged Datenstand; this transaction's own id while it has
   * logged none */
  long next = p->import_id;
  if (max && to_long(max) > next)
    next = to_long(max);
  ampel_free(max);
  if (id != 0 && id < next)
    return AMPEL_E_USAGE;
  p->import_id = id ? id : next;
  p->n_new = p->n_changed = p->n_removed = 0;
  cells_reset(&p->cells);
  snprintf(b[0], 32, "%ld", p->import_id);
  return run_params(p, "UPDATE meta SET value=$1 WHERE key='import_seq'", 1,
                    params, PGRES_COMMAND_OK);
}

static ampel_status pg_commit(void *impl) {
  pg *p = impl;
  if (!p->in_tx)
    return AMPEL_E_USAGE;
  ampel_status st = merge_stage(p);
  /* this transaction's counts into its Datenstand row (if it logged one);
   * imports add and replace, they never remove (n_removed = 0); a
   * rollback may (pg_revert) */
  if (st == AMPEL_OK) {
    char b[4][32];
    snprintf(b[0], 32, "%ld", p->n_new);
    snprintf(b[1], 32, "%ld", p->n_changed);
    snprintf(b[2], 32, "%ld", p->import_id);
    snprintf(b[3], 32, "%ld", p->n_removed);
    const char *params[] = {b[0], b[1], b[2], b[3]};
    st = run_params(p,
                    "UPDATE datenstand SET n_new=$1,n_changed=$2,n_removed=$4"
                    " WHERE id=$3",
                    4, params, PGRES_COMMAND_OK);
    /* a server that listens hears of the new Datenstand at commit */
    if (st == AMPEL_OK)
      st = run_params(p, "SELECT pg_notify('ampel_datenstand',$1)", 1,
                      params + 2, PGRES_TUPLES_OK);
  }
  /* COMMIT of a failed transaction answers "ROLLBACK": not committed */
  int ok = 0;
  if (st == AMPEL_OK) {
    PGresult *r = PQexec(p->conn, "COMMIT");
    ok = PQresultStatus(r) == PGRES_COMMAND_OK &&
         strcmp(PQcmdStatus(r), "COMMIT") == 0;
    PQclear(r);
  }
  p->in_tx = 0;
  p->len = 0;
  p->staged = 0;
  if (!ok) {
    cmd(p, "ROLLBACK");
    return AMPEL_E_IO;
  }
  return AMPEL_OK;
}

/* Text parameters: a number as text in buf (NULL for NaN / unset). */
static const char *real_param(char *buf, size_t size, double v) {
  if (isnan(v))
    return NULL;
  snprintf(buf, size, "%.17g", v);
  return buf;
}
static const char *long_param(char *buf, size_t size, long v) {
  snprintf(buf, size, "%ld", v);
  return buf;
}

/* Runs an INSERT or UPDATE with n text params; AMPEL_OK when it changed
 * exactly one row. */
static ampel_status write_one(pg *p, const char *sql, int n,
                              const char *const *params) {
  PGresult *r = PQexecParams(p->conn, sql, n, NULL, params, NULL, NULL, 0);
  ampel_status st =
      PQresultStatus(r) == PGRES_COMMAND_OK && strcmp(PQcmdTuples(r), "1") == 0
          ? AMPEL_OK
          : AMPEL_E_IO;
  PQclear(r);
  return st;
}

/* Insert (with the next id) or update the row of key in table; the
 * statements take the id as $1 and the columns as $2... */
static ampel_status put_row(pg *p, idmap *m, const char *key,
                            const char *insert, const char *update, int n,
                            const char **params) {
  char idbuf[32];
  long id = ampel_idmap_get(m, key);
  int is_new = id < 0;
  if (is_new)
    id = m->next;
  params[0] = long_param(idbuf, sizeof idbuf, id);
  ampel_status st = write_one(p, is_new ? insert : update, n, params);
  if (st == AMPEL_OK && is_new)
    st = ampel_idmap_put(m, key, id);
  return st;
}

static ampel_status pg_put_area(void *impl, const ampel_area *a) {
  pg *p = impl;
  if (!p->in_tx)
    return AMPEL_E_USAGE;
  char pop[32], tr[16], tc[16], lat[32], lon[32];
  int tile = a->tile_row != AMPEL_NO_TILE && a->tile_col != AMPEL_NO_TILE;
  const char *params[12] = {
      NULL,
      a->key,
      a->name,
      a->parent,
      a->level,
      real_param(pop, sizeof pop, a->population),
      tile ? long_param(tr, sizeof tr, a->tile_row) : NULL,
      tile ? long_param(tc, sizeof tc, a->tile_col) : NULL,
      real_param(lat, sizeof lat, a->lat),
      real_param(lon, sizeof lon, a->lon),
      a->valid_from,
      a->valid_to};
  return put_row(p, &p->areas, a->key,
                 "INSERT INTO area(id,key,name,parent,level,population,"
                 "tile_row,tile_col,lat,lon,valid_from,valid_to) VALUES($1,"
                 "$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)",
                 "UPDATE area SET key=$2,name=$3,parent=$4,level=$5,"
                 "population=$6,tile_row=$7,tile_col=$8,lat=$9,lon=$10,"
                 "valid_from=$11,valid_to=$12 WHERE id=$1",
                 12, params);
}

/* As sq_put_conversion: unchanged keys write nothing; otherwise the
 * current rows of old_key are closed (rows of this Datenstand replaced)
 * and the new ones inserted. */
static ampel_status pg_put_conversion(void *impl, const char *old_key,
                                      const char *const *new_keys,
                                      const double *shares, size_t n) {
  pg *p = impl;
  if (!p->in_tx)
    return AMPEL_E_USAGE;
  char idb[32];
  long_param(idb, sizeof idb, p->import_id);
  const char *k1[] = {old_key};
  char *cur = NULL;
  ampel_status st = query_text(p,
                               "SELECT count(*) FROM conversion WHERE "
                               "old_key=$1 AND ds_to IS NULL",
                               1, k1, &cur);
  long same = 0;
  for (size_t j = 0; st == AMPEL_OK && j < n; j++) {
    char sh[32], *hit = NULL;
    const char *k3[] = {old_key, new_keys[j],
                        real_param(sh, sizeof sh, shares[j])};
    st = query_text(p,
                    "SELECT count(*) FROM conversion WHERE old_key=$1 AND "
                    "new_key=$2 AND share=$3::double precision AND ds_to IS "
                    "NULL",
                    3, k3, &hit);
    same += hit ? to_long(hit) : 0;
    ampel_free(hit);
  }
  long ncur = cur ? to_long(cur) : 0;
  ampel_free(cur);
  if (st != AMPEL_OK || (ncur == (long)n && same == (long)n))
    return st;
  const char *k2[] = {old_key, idb};
  st = run_params(p, "DELETE FROM conversion WHERE old_key=$1 AND ds_from=$2",
                  2, k2, PGRES_COMMAND_OK);
  if (st == AMPEL_OK)
    st = run_params(p,
                    "UPDATE conversion SET ds_to=$2 WHERE old_key=$1 AND "
                    "ds_to IS NULL",
                    2, k2, PGRES_COMMAND_OK);
  for (size_t j = 0; st == AMPEL_OK && j < n; j++) {
    char sh[32];
    const char *k4[] = {old_key, new_keys[j],
                        real_param(sh, sizeof sh, shares[j]), idb};
    st = run_params(p,
                    "INSERT INTO conversion(old_key,new_key,share,ds_from) "
                    "VALUES($1,$2,$3,$4)",
                    4, k4, PGRES_COMMAND_OK);
  }
  return st;
}

static ampel_status pg_put_indicator(void *impl, const ampel_indicator *ind) {
  pg *p = impl;
  if (!p->in_tx)
    return AMPEL_E_USAGE;
  char dec[16];
  const char *secrecy = ind->secrecy == AMPEL_SECRECY_UNSET ? NULL
                        : ind->secrecy == AMPEL_SECRECY_YES ? "1"
                                                            : "0";
  const char *params[15] = {
      NULL, ind->key, ind->name, ind->unit, ampel_polarity_name(ind->polarity),
      ind->domain, ind->definition, ind->source, ind->reference_date,
      ind->decimals >= 0 ? long_param(dec, sizeof dec, ind->decimals) : NULL,
      secrecy, ampel_ind_kind_name(ind->kind), ind->formula,
      ampel_aggregation_name(ind->aggregation),
      /* NULL (unset) keeps the stored choice, a new one is shown */
      ind->shown == AMPEL_SHOWN_UNSET ? NULL
      : ind->shown == AMPEL_SHOWN_YES ? "1"
                                      : "0"};
  return put_row(p, &p->inds, ind->key,
                 "INSERT INTO indicator(id,key,name,unit,polarity,domain,"
                 "definition,source,reference_date,decimals,secrecy,kind,"
                 "formula,aggregation,shown) VALUES($1,$2,$3,$4,$5,$6,$7,$8,"
                 "$9,$10,$11,$12,$13,$14,coalesce($15::integer,1))",
                 "UPDATE indicator SET key=$2,name=$3,unit=$4,polarity=$5,"
                 "domain=$6,definition=$7,source=$8,reference_date=$9,"
                 "decimals=$10,secrecy=$11,kind=$12,formula=$13,"
                 "aggregation=$14,shown=coalesce($15::integer,shown) "
                 "WHERE id=$1",
                 15, params);
}

static ampel_status pg_put_period(void *impl, const char *label,
                                  int32_t sort_key) {
  pg *p = impl;
  if (!p->in_tx)
    return AMPEL_E_USAGE;
  if (ampel_idmap_get(&p->periods, label) >= 0)
    return AMPEL_OK;
  char sk[16];
  const char *params[3] = {NULL, label, long_param(sk, sizeof sk, sort_key)};
  return put_row(p, &p->periods, label,
                 "INSERT INTO period(id,label,sort_key) VALUES($1,$2,$3)",
                 "UPDATE period SET label=$2,sort_key=$3 WHERE id=$1", 3,
                 params);
}

/* Appends "text\t" of a number to the COPY row, \N for NaN. */
static char *copy_real(char *o, double v) {
  if (isnan(v))
    return memcpy(o, "\\N\t", 3), o + 3;
  return o + snprintf(o, 32, "%.17g\t", v);
}

static ampel_status pg_put_observation(void *impl, const char *area,
                                       const char *ind, const char *period,
                                       double v, double num, double den,
                                       ampel_flag flag) {
  pg *p = impl;
  if (!p->in_tx)
    return AMPEL_E_USAGE;
  long a = ampel_idmap_get(&p->areas, area), i = ampel_idmap_get(&p->inds, ind),
       t = ampel_idmap_get(&p->periods, period);
  if (a < 0 || i < 0 || t < 0)
    return AMPEL_E_NOT_FOUND;
  int fresh = cells_add(&p->cells, i, t, a);
  if (fresh < 0)
    return AMPEL_E_NOMEM;
  if (fresh == 0)
    return AMPEL_E_DATA; /* put twice in this import */
  /* one row: three ids, three numbers, the flag; at most 3·21 + 3·26 + 12 */
  if (p->cap - p->len < 160) {
    size_t cap = p->cap ? 2 * p->cap : 1u << 16;
    char *buf = ampel_realloc(p->buf, cap);
    if (!buf)
      return AMPEL_E_NOMEM;
    p->buf = buf;
    p->cap = cap;
  }
  char *o = p->buf + p->len;
  o += snprintf(o, 72, "%ld\t%ld\t%ld\t", i, t, a);
  o = copy_real(o, ampel_flag_has_value(flag) ? v : NAN);
  o = copy_real(o, num);
  o = copy_real(o, den);
  o += snprintf(o, 16, "%d\n", (int)flag);
  p->len = (size_t)(o - p->buf);
  return p->len >= STAGE_FLUSH ? flush_stage(p) : AMPEL_OK;
}

static ampel_status pg_log_import(void *impl, const ampel_import_file *files,
                                  size_t n, int64_t when) {
  pg *p = impl;
  if (!p->in_tx)
    return AMPEL_E_USAGE;
  /* digest = sha256(previous digest || each file's sha256), as sqlite.c */
  char *prev = NULL;
  ampel_status st =
      query_text(p, "SELECT digest FROM datenstand ORDER BY id DESC LIMIT 1", 0,
                 NULL, &prev);
  char digest[65];
  if (st == AMPEL_OK)
    st = ampel_store_chain_digest(prev, files, n, digest);
  ampel_free(prev);
  char idb[32], wb[32];
  long_param(idb, sizeof idb, p->import_id);
  snprintf(wb, sizeof wb, "%lld", (long long)when);
  if (st == AMPEL_OK) {
    const char *params[] = {idb, wb, digest};
    st = write_one(p,
                   "INSERT INTO datenstand(id,created,kind,parent,digest) "
                   "VALUES($1,$2,'import',(SELECT max(id) FROM datenstand "
                   "WHERE id<$1),$3)",
                   3, params);
  }
  for (size_t i = 0; st == AMPEL_OK && i < n; i++) {
    char pos[32], rows[32];
    const char *params[] = {
        idb,           long_param(pos, sizeof pos, (long)i),
        files[i].name, files[i].sha256,
        files[i].kind, long_param(rows, sizeof rows, files[i].rows)};
    st = write_one(p,
                   "INSERT INTO datenstand_file(datenstand,pos,name,sha256,"
                   "kind,rows) VALUES($1,$2,$3,$4,$5,$6)",
                   6, params);
  }
  return st;
}

static ampel_status pg_data_version(void *impl, ampel_data_version *out) {
  pg *p = impl;
  memset(out, 0, sizeof *out);
  PGresult *r =
      PQexec(p->conn, "SELECT id,created,digest,(SELECT count(*) FROM "
                      "datenstand) FROM datenstand ORDER BY id DESC LIMIT 1");
  ampel_status st =
      PQresultStatus(r) == PGRES_TUPLES_OK ? AMPEL_OK : AMPEL_E_IO;
  if (st == AMPEL_OK && PQntuples(r) > 0) {
    out->id = to_long(PQgetvalue(r, 0, 0));
    out->when = strtoll(PQgetvalue(r, 0, 1), NULL, 10);
    snprintf(out->digest, sizeof out->digest, "%.12s", PQgetvalue(r, 0, 2));
    out->n_imports = to_long(PQgetvalue(r, 0, 3));
  }
  PQclear(r);
  return st;
}

static ampel_status pg_import_log(void *impl, ampel_import_log_fn fn,
                                  void *ud) {
  pg *p = impl;
  PGresult *r =
      PQexec(p->conn, "SELECT d.id,d.created,f.name,f.sha256,f.kind,f.rows "
                      "FROM datenstand d JOIN datenstand_file f ON "
                      "f.datenstand=d.id ORDER BY d.id DESC, f.pos");
  ampel_status st =
      PQresultStatus(r) == PGRES_TUPLES_OK ? AMPEL_OK : AMPEL_E_IO;
  for (int i = 0; st == AMPEL_OK && i < PQntuples(r); i++)
    if (fn(ud, to_long(PQgetvalue(r, i, 0)),
           strtoll(PQgetvalue(r, i, 1), NULL, 10), PQgetvalue(r, i, 2),
           PQgetvalue(r, i, 3), PQgetvalue(r, i, 4),
           to_long(PQgetvalue(r, i, 5))))
      break; /* the callback stopped early */
  PQclear(r);
  return st;
}

static ampel_status pg_config_get(void *impl, const char *key, char **out) {
  pg *p = impl;
  const char *params[] = {key};
  return query_text(p, "SELECT value FROM meta WHERE key=$1", 1, params, out);
}

static ampel_status pg_config_set(void *impl, const char *key,
                                  const char *value) {
  pg *p = impl;
  const char *params[] = {key, value};
  return write_one(p,
                   "INSERT INTO meta(key,value) VALUES($1,$2) ON "
                   "CONFLICT(key) DO UPDATE SET value=excluded.value",
                   2, params);
}

/* ---- geometry ----------------------------------------------------------
 *
 * The columns of sqlite_geo.h (GEO_SQL); the shape is ampel_shape_encode's
 * blob as BYTEA (sent as a binary parameter, read back with
 * PQunescapeBytea), so both engines hold the same bytes. A database made
 * before geometry came to PostgreSQL gets the tables from its next
 * geometry import (ensure_geo_tables); until then it has no shapes.
 */

/* 1 when ampel.geometry exists, 0 when not, -1 on a failed query. */
static int have_geo_tables(pg *p) {
  char *have = NULL;
  if (query_text(p, "SELECT to_regclass('ampel.geometry')::text", 0, NULL,
                 &have) != AMPEL_OK)
    return -1;
  int found = have != NULL;
  ampel_free(have);
  return found;
}

/* In a write transaction: creates the geometry tables when missing. */
static ampel_status ensure_geo_tables(pg *p) {
  int have = have_geo_tables(p);
  if (have < 0)
    return AMPEL_E_IO;
  return have ? AMPEL_OK : cmd(p, GEO_SQL);
}

static ampel_status pg_put_geometry(void *impl, const char *area, int epsg,
                                    const ampel_shape *shape) {
  pg *p = impl;
  if (!p->in_tx)
    return AMPEL_E_USAGE;
  long a = ampel_idmap_get(&p->areas, area);
  if (a < 0)
    return AMPEL_E_NOT_FOUND;
  ampel_status st = ensure_geo_tables(p);
  if (st != AMPEL_OK)
    return st;
  unsigned char *blob = NULL;
  size_t len = 0;
  st = ampel_shape_encode(shape, &blob, &len);
  if (st != AMPEL_OK)
    return st;
  if (len > INT32_MAX) {
    ampel_free(blob);
    return AMPEL_E_DATA;
  }
  char b[9][32];
  double v[6] = {shape->label_x, shape->label_y, shape->bbox[0],
                 shape->bbox[1], shape->bbox[2], shape->bbox[3]};
  const char *params[9] = {long_param(b[0], 32, a), long_param(b[1], 32, epsg),
                           (const char *)blob};
  for (int i = 0; i < 6; i++) /* NULL for what is not finite, as SQLite */
    params[3 + i] = isfinite(v[i]) ? real_param(b[3 + i], 32, v[i]) : NULL;
  int lengths[9] = {0, 0, (int)len};
  int formats[9] = {0, 0, 1};
  PGresult *r = PQexecParams(
      p->conn,
      "INSERT INTO geometry(area_id,crs,shape,label_x,label_y,min_x,min_y,"
      "max_x,max_y) VALUES($1,$2,$3,$4,$5,$6,$7,$8,$9) ON CONFLICT(area_id)"
      " DO UPDATE SET crs=excluded.crs,shape=excluded.shape,"
      "label_x=excluded.label_x,label_y=excluded.label_y,"
      "min_x=excluded.min_x,min_y=excluded.min_y,max_x=excluded.max_x,"
      "max_y=excluded.max_y",
      9, NULL, params, lengths, formats, 0);
  st = PQresultStatus(r) == PGRES_COMMAND_OK ? AMPEL_OK : AMPEL_E_IO;
  PQclear(r);
  ampel_free(blob);
  return st;
}

static ampel_status pg_put_neighbour(void *impl, const char *area,
                                     const char *other) {
  pg *p = impl;
  if (!p->in_tx)
    return AMPEL_E_USAGE;
  long a = ampel_idmap_get(&p->areas, area);
  long b = other ? ampel_idmap_get(&p->areas, other) : a;
  if (a < 0 || b < 0)
    return AMPEL_E_NOT_FOUND;
  ampel_status st = ensure_geo_tables(p);
  char ab[32], bb[32];
  const char *params[2] = {long_param(ab, sizeof ab, a),
                           long_param(bb, sizeof bb, b)};
  if (st == AMPEL_OK && !other)
    return run_params(p,
                      "DELETE FROM neighbour WHERE area_id=$1 OR other_id=$2",
                      2, params, PGRES_COMMAND_OK);
  /* both directions, as sqlite_geo.c */
  if (st == AMPEL_OK)
    st = run_params(p,
                    "INSERT INTO neighbour(area_id,other_id) VALUES($1,$2),"
                    "($2,$1) ON CONFLICT DO NOTHING",
                    2, params, PGRES_COMMAND_OK);
  return st;
}

static ampel_status geo_unknown_area(ampel_diags *diags, const char *table,
                                     const char *id) {
  ampel_diags_error(diags, AMPEL_E_DATA,
                    "Datenbank beschädigt: unbekannte Gebiets-ID %s in "
                    "Tabelle %s",
                    id, table);
  return AMPEL_E_DATA;
}

static ampel_status load_shape_row(const PGresult *r, int i, ampel_geoset *g,
                                   ampel_diags *diags) {
  if (PQgetisnull(r, i, 0))
    return geo_unknown_area(diags, "geometry", PQgetvalue(r, i, 6));
  size_t len = 0;
  unsigned char *blob =
      PQunescapeBytea((const unsigned char *)PQgetvalue(r, i, 3), &len);
  if (!blob)
    return put_fail(diags, AMPEL_E_NOMEM, "Flächen laden");
  ampel_shape s;
  ampel_status st = ampel_shape_decode(blob, len, &s);
  PQfreemem(blob);
  if (st != AMPEL_OK) {
    ampel_diags_error(diags, st,
                      "Datenbank beschädigt: die Fläche von '%s' ist nicht "
                      "lesbar",
                      PQgetvalue(r, i, 0));
    return st;
  }
  /* text with extra_float_digits: the doubles round-trip bit for bit */
  s.label_x = val_real(r, i, 4);
  s.label_y = val_real(r, i, 5);
  int epsg = val_int(r, i, 2, 0);
  if (ampel_geoset_epsg(g) == 0) {
    char def[32];
    snprintf(def, sizeof def, "EPSG:%d", epsg);
    st = ampel_geoset_set_crs(g, epsg, def);
  }
  if (st == AMPEL_OK)
    st = ampel_geoset_put(g, PQgetvalue(r, i, 0), val(r, i, 1), 0, &s);
  ampel_shape_release(&s);
  if (st != AMPEL_OK)
    ampel_diags_error(diags, st, "Datenbank: Flächen laden: %s",
                      st == AMPEL_E_NOMEM ? "kein Speicher"
                                          : "ungültige Zeile");
  return st;
}

static ampel_status load_geo(pg *p, ampel_geoset *g, ampel_diags *diags) {
  int have = have_geo_tables(p);
  if (have < 0)
    return db_error(p, diags, "Flächen laden");
  if (!have)
    return AMPEL_OK; /* made before geometry came to PostgreSQL */
  PGresult *r = PQexec(
      p->conn, "SELECT a.key,a.name,g.crs,g.shape,g.label_x,g.label_y,"
               "g.area_id FROM geometry g LEFT JOIN area a ON a.id=g.area_id "
               "ORDER BY g.area_id");
  ampel_status st = PQresultStatus(r) == PGRES_TUPLES_OK
                        ? AMPEL_OK
                        : db_error(p, diags, "Flächen laden");
  for (int i = 0; st == AMPEL_OK && i < PQntuples(r); i++)
    st = load_shape_row(r, i, g, diags);
  PQclear(r);
  if (st != AMPEL_OK)
    return st;
  static const char what[] = "Nachbarschaften laden";
  r = PQexec(p->conn,
             "SELECT a.key,b.key,n.area_id,n.other_id FROM neighbour n "
             "LEFT JOIN area a ON a.id=n.area_id LEFT JOIN area b ON "
             "b.id=n.other_id WHERE n.area_id<n.other_id "
             "ORDER BY n.area_id,n.other_id");
  st = PQresultStatus(r) == PGRES_TUPLES_OK ? AMPEL_OK
                                            : db_error(p, diags, what);
  for (int i = 0; st == AMPEL_OK && i < PQntuples(r); i++) {
    for (int k = 0; k < 2 && st == AMPEL_OK; k++)
      if (PQgetisnull(r, i, k))
        st = geo_unknown_area(diags, "neighbour", PQgetvalue(r, i, 2 + k));
    if (st != AMPEL_OK)
      break;
    /* a pair whose areas have no stored shape has nothing to join */
    long a = ampel_geoset_find(g, PQgetvalue(r, i, 0)),
         b = ampel_geoset_find(g, PQgetvalue(r, i, 1));
    if (a >= 0 && b >= 0)
      st = ampel_geoset_add_neighbour(g, (size_t)a, (size_t)b);
    if (st != AMPEL_OK)
      ampel_diags_error(diags, st, "Datenbank: %s: kein Speicher", what);
  }
  PQclear(r);
  return st;
}

static ampel_status pg_load_geometry(void *impl, ampel_geoset **out,
                                     ampel_diags *diags) {
  pg *p = impl;
  *out = NULL;
  ampel_geoset *g = ampel_geoset_new();
  if (!g)
    return put_fail(diags, AMPEL_E_NOMEM, "Flächen laden");
  /* shapes and neighbours from one snapshot (unless a writer's own or a
   * reader's begin_read) */
  int own = p->in_tx || p->in_read;
  ampel_status st = AMPEL_OK;
  if (!own &&
      cmd(p, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY") != AMPEL_OK)
    st = db_error(p, diags, "Flächen laden");
  if (st == AMPEL_OK)
    st = load_geo(p, g, diags);
  if (!own && st == AMPEL_OK && cmd(p, "COMMIT") != AMPEL_OK)
    st = db_error(p, diags, "Flächen laden");
  if (!own && st != AMPEL_OK)
    cmd(p, "ROLLBACK");
  if (st != AMPEL_OK) {
    ampel_geoset_free(g);
    return st;
  }
  *out = g;
  return AMPEL_OK;
}

/* ---- one snapshot for several reads (store.h) -------------------------- */

static ampel_status pg_begin_read(void *impl) {
  pg *p = impl;
  if (p->in_tx || p->in_read)
    return AMPEL_E_USAGE;
  if (cmd(p, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY") != AMPEL_OK)
    return AMPEL_E_IO;
  p->in_read = 1;
  return AMPEL_OK;
}

static ampel_status pg_end_read(void *impl) {
  pg *p = impl;
  if (!p->in_read)
    return AMPEL_E_USAGE;
  p->in_read = 0;
  return cmd(p, "COMMIT");
}

/* ---- Datenstände ------------------------------------------------------ */

static ampel_status pg_set_datenstand(void *impl, long id, ampel_diags *diags) {
  pg *p = impl;
  if (id == 0) {
    p->datenstand = 0;
    return AMPEL_OK;
  }
  char idb[32];
  snprintf(idb, sizeof idb, "%ld", id);
  const char *params[] = {idb};
  PGresult *r = PQexecParams(
      p->conn,
      "SELECT min(id),max(id),count(*),count(*) FILTER (WHERE id=$1) "
      "FROM datenstand",
      1, NULL, params, NULL, NULL, 0);
  if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1) {
    PQclear(r);
    return db_error(p, diags, "Datenstände lesen");
  }
  long min = to_long(PQgetvalue(r, 0, 0)), max = to_long(PQgetvalue(r, 0, 1)),
       n = to_long(PQgetvalue(r, 0, 2));
  int found = id > 0 && to_long(PQgetvalue(r, 0, 3)) > 0;
  PQclear(r);
  if (found) {
    p->datenstand = id;
    return AMPEL_OK;
  }
  /* the messages of sqlite.c, word for word */
  if (n == 0)
    ampel_diags_error(diags, AMPEL_E_USAGE,
                      "unbekannter Datenstand %ld (noch keiner vorhanden)", id);
  else if (n == max - min + 1)
    ampel_diags_error(diags, AMPEL_E_USAGE,
                      "unbekannter Datenstand %ld (vorhanden: %ld bis %ld)", id,
                      min, max);
  else
    ampel_diags_error(diags, AMPEL_E_USAGE,
                      "unbekannter Datenstand %ld (vorhanden: %ld "
                      "Datenstände von %ld bis %ld)",
                      id, n, min, max);
  return AMPEL_E_USAGE;
}

static ampel_status pg_datenstand_list(void *impl, ampel_datenstand_fn fn,
                                       void *ud) {
  pg *p = impl;
  PGresult *r =
      PQexec(p->conn, "SELECT id,created,kind,digest,n_new,n_changed,"
                      "n_removed,parent,user_name,note FROM datenstand "
                      "ORDER BY id DESC");
  ampel_status st =
      PQresultStatus(r) == PGRES_TUPLES_OK ? AMPEL_OK : AMPEL_E_IO;
  for (int i = 0; st == AMPEL_OK && i < PQntuples(r); i++) {
    ampel_datenstand_info d = {0};
    d.id = to_long(PQgetvalue(r, i, 0));
    d.created = strtoll(PQgetvalue(r, i, 1), NULL, 10);
    d.kind = PQgetvalue(r, i, 2);
    d.digest = PQgetvalue(r, i, 3);
    long *counts[3] = {&d.n_new, &d.n_changed, &d.n_removed};
    for (int k = 0; k < 3; k++)
      *counts[k] =
          PQgetisnull(r, i, 4 + k) ? -1 : to_long(PQgetvalue(r, i, 4 + k));
    d.parent = PQgetisnull(r, i, 7) ? 0 : to_long(PQgetvalue(r, i, 7));
    d.user_name = PQgetisnull(r, i, 8) ? NULL : PQgetvalue(r, i, 8);
    d.note = PQgetisnull(r, i, 9) ? NULL : PQgetvalue(r, i, 9);
    if (fn(ud, &d))
      break; /* the callback stopped early */
  }
  PQclear(r);
  return st;
}

/* ---- issue 12: who made a Datenstand, rollback (as sqlite.c) --------- */

static ampel_status pg_annotate(void *impl, const char *kind, long parent,
                                const char *user_name, const char *note) {
  pg *p = impl;
  if (!p->in_tx)
    return AMPEL_E_USAGE;
  char idb[32], pb[32];
  const char *params[] = {kind, long_param(pb, sizeof pb, parent), user_name,
                          note, long_param(idb, sizeof idb, p->import_id)};
  return write_one(p,
                   "UPDATE datenstand SET kind=coalesce($1,kind),"
                   "parent=CASE WHEN $2::bigint>0 THEN $2::bigint ELSE parent "
                   "END,user_name=$3,note=$4 WHERE id=$5",
                   5, params);
}

/* A statement with $1 = this transaction's Datenstand, $2 = the target;
 * *out the rows it changed (or the count it selected). */
static ampel_status revert_step(pg *p, const char *sql, long to, long *out) {
  char idb[32], tb[32];
  const char *params[] = {long_param(idb, sizeof idb, p->import_id),
                          long_param(tb, sizeof tb, to)};
  PGresult *r = PQexecParams(p->conn, sql, 2, NULL, params, NULL, NULL, 0);
  ExecStatusType rs = PQresultStatus(r);
  ampel_status st =
      rs == PGRES_COMMAND_OK || rs == PGRES_TUPLES_OK ? AMPEL_OK : AMPEL_E_IO;
  if (st == AMPEL_OK && out)
    *out =
        to_long(rs == PGRES_TUPLES_OK && PQntuples(r) > 0 ? PQgetvalue(r, 0, 0)
                                                          : PQcmdTuples(r));
  PQclear(r);
  return st;
}

/* ---- accounts (schema version 6; SQL in store/accounts.c) ------------ */

static ampel_status pg_acct_exec(void *impl, const char *sql, int n,
                                 const char *types, const char *const *params,
                                 ampel_row_fn fn, void *ud, long *changes) {
  pg *p = impl;
  (void)types; /* PostgreSQL infers the types from the columns */
  PGresult *r = PQexecParams(p->conn, sql, n, NULL, params, NULL, NULL, 0);
  ExecStatusType rs = PQresultStatus(r);
  ampel_status st = AMPEL_OK;
  if (rs == PGRES_TUPLES_OK) {
    int nc = PQnfields(r);
    if (nc > 16)
      nc = 16;
    const char *cols[16];
    for (int i = 0; fn && i < PQntuples(r); i++) {
      for (int c = 0; c < nc; c++)
        cols[c] = val(r, i, c);
      if (fn(ud, nc, cols))
        break;
    }
  } else if (rs != PGRES_COMMAND_OK) {
    const char *code = PQresultErrorField(r, PG_DIAG_SQLSTATE);
    /* class 23: integrity constraint violation (a name taken) */
    st = code && strncmp(code, "23", 2) == 0 ? AMPEL_E_DATA : AMPEL_E_IO;
  }
  if (changes)
    *changes = st == AMPEL_OK && *PQcmdTuples(r) ? to_long(PQcmdTuples(r)) : 0;
  PQclear(r);
  return st;
}

static ampel_status pg_revert(void *impl, long to) {
  pg *p = impl;
  if (!p->in_tx)
    return AMPEL_E_USAGE;
  ampel_status st = merge_stage(p);
  long closed = 0, copied = 0, both = 0;
  if (st == AMPEL_OK)
    st = revert_step(
        p,
        "UPDATE observation o SET ds_to=$1 WHERE o.ds_to IS NULL AND "
        "o.ds_from>$2 AND NOT EXISTS (SELECT 1 FROM observation h WHERE "
        "h.indicator=o.indicator AND h.period=o.period AND h.area=o.area AND "
        "h.ds_from<=$2 AND h.ds_to>$2 AND "
        "h.value IS NOT DISTINCT FROM o.value AND "
        "h.numerator IS NOT DISTINCT FROM o.numerator AND "
        "h.denominator IS NOT DISTINCT FROM o.denominator AND "
        "h.flag=o.flag)",
        to, &closed);
  if (st == AMPEL_OK)
    st = revert_step(
        p,
        "INSERT INTO observation(indicator,period,area,ds_from,ds_to,value,"
        "numerator,denominator,flag) SELECT h.indicator,h.period,h.area,$1,"
        "NULL,h.value,h.numerator,h.denominator,h.flag FROM observation h "
        "WHERE h.ds_from<=$2 AND h.ds_to>$2 AND NOT EXISTS (SELECT 1 FROM "
        "observation c WHERE c.indicator=h.indicator AND c.period=h.period "
        "AND c.area=h.area AND c.ds_to IS NULL) "
        "ORDER BY h.indicator,h.period,h.area",
        to, &copied);
  if (st == AMPEL_OK)
    st = revert_step(p,
                     "SELECT count(*) FROM observation a WHERE a.ds_from=$1 "
                     "AND $2::bigint IS NOT NULL AND EXISTS (SELECT 1 FROM "
                     "observation b WHERE b.indicator=a.indicator AND "
                     "b.period=a.period AND b.area=a.area AND b.ds_to=$1)",
                     to, &both);
  if (st == AMPEL_OK)
    st = revert_step(p,
                     "UPDATE conversion SET ds_to=$1 WHERE ds_to IS NULL AND "
                     "ds_from>$2",
                     to, NULL);
  if (st == AMPEL_OK)
    st = revert_step(p,
                     "INSERT INTO conversion(old_key,new_key,share,ds_from,"
                     "ds_to) SELECT old_key,new_key,share,$1,NULL FROM "
                     "conversion WHERE ds_from<=$2 AND ds_to>$2 AND ds_to<>$1",
                     to, NULL);
  if (st != AMPEL_OK)
    return st;
  p->n_changed += both;
  p->n_removed += closed - both;
  p->n_new += copied - both;
  return AMPEL_OK;
}

const ampel_store_ops ampel_pg_ops = {
    "postgresql",       pg_close,           pg_load,
    pg_begin,           pg_commit,          pg_rollback,
    pg_put_area,        pg_put_indicator,   pg_put_period,
    pg_put_observation, pg_log_import,      pg_data_version,
    pg_import_log,      pg_config_get,      pg_config_set,
    pg_put_geometry,    pg_put_neighbour,   pg_load_geometry,
    pg_set_datenstand,  pg_datenstand_list, pg_next_datenstand,
    pg_begin_read,      pg_end_read,        pg_put_conversion,
    pg_annotate,        pg_revert,
    pg_acct_exec,
};

#endif /* AMPEL_HAVE_LIBPQ */
