/* Unit tests for schema version 4 of the store (docs/dev/store-schema.md):
 * the history of Datenstände (an import closes changed rows and leaves
 * unchanged ones alone), loading at a Datenstand, the list of Datenstände,
 * and databases of versions 2 and 3 (read as they are, migrated on write
 * with the same values, data-version digest and footer stamp).
 *
 * With AMPEL_TEST_PG_URL set (tests/run_store_faults.sh starts a throwaway
 * server), the same history tests run against PostgreSQL: each test
 * starts from an empty database (schema ampel dropped), and a version 3
 * schema of the first PostgreSQL engine is migrated by the first open. */
/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */

#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ampel/alloc.h"
#include "ampel/import.h"
#include "ampel/store.h"
#include "store/block.h"

#define TMPDB_PREFIX "ampel-history"
#include "tmpdb.h"

#ifdef AMPEL_HAVE_LIBPQ
#include <libpq-fe.h>
#endif

/* The PostgreSQL database the tests use instead of files, or NULL. */
static const char *pg_url;

#ifdef AMPEL_HAVE_LIBPQ
static PGresult *pg_exec(const char *sql, ExecStatusType want) {
  PGconn *c = PQconnectdb(pg_url);
  if (PQstatus(c) != CONNECTION_OK)
    fail_msg("%s: %s", pg_url, PQerrorMessage(c));
  PQclear(PQexec(c, "SET client_min_messages TO warning"));
  PQclear(PQexec(c, "SET search_path TO ampel"));
  PGresult *r = PQexec(c, sql);
  if (PQresultStatus(r) != want)
    fail_msg("%s (%.60s...)", PQerrorMessage(c), sql);
  PQfinish(c);
  return r;
}
#endif

/* A fresh database: a file in a new directory, or the PostgreSQL database
 * with its schema ampel dropped. */
static void db_make(tmpdb *t) {
  tmpdb_make(t);
#ifdef AMPEL_HAVE_LIBPQ
  if (pg_url) {
    PQclear(pg_exec("DROP SCHEMA IF EXISTS ampel CASCADE", PGRES_COMMAND_OK));
    snprintf(t->path, sizeof t->path, "%s", pg_url);
  }
#endif
}

/* SQLite (schema 7) keeps the values in blocks (store/block.h): writes
 * every cell of every block row, with the row's ds_from and ds_to, into
 * `table` of db, so that the queries below can count cells on either
 * engine. A cell copied unchanged into a block's new version is a row of
 * its own here (PostgreSQL keeps one row per cell; the assertions name
 * both counts where they differ). */
static void cells_table(sqlite3 *db, const char *table) {
  char sql[256];
  snprintf(sql, sizeof sql,
           "CREATE TABLE %s(indicator INTEGER, period INTEGER, area INTEGER,"
           " ds_from INTEGER, ds_to INTEGER, value REAL, numerator REAL,"
           " denominator REAL, flag INTEGER)",
           table);
  if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
    fail_msg("%s: %s", sql, sqlite3_errmsg(db));
  snprintf(sql, sizeof sql, "INSERT INTO %s VALUES(?,?,?,?,?,?,?,?,?)",
           table);
  sqlite3_stmt *q = NULL, *ins = NULL;
  assert_int_equal(sqlite3_prepare_v2(db,
                                      "SELECT indicator,period,ds_from,ds_to,"
                                      "data FROM main.block",
                                      -1, &q, NULL),
                   SQLITE_OK);
  assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &ins, NULL), SQLITE_OK);
  ampel_bcells cells = {0};
  while (sqlite3_step(q) == SQLITE_ROW) {
    cells.n = 0;
    assert_int_equal(ampel_block_decode(sqlite3_column_blob(q, 4),
                                        (size_t)sqlite3_column_bytes(q, 4),
                                        &cells),
                     AMPEL_OK);
    for (size_t k = 0; k < cells.n; k++) {
      const ampel_bcell *c = &cells.c[k];
      sqlite3_reset(ins);
      for (int j = 0; j < 4; j++)
        sqlite3_bind_value(ins, j < 2 ? j + 1 : j + 2, sqlite3_column_value(q, j));
      sqlite3_bind_int64(ins, 3, c->area);
      const double d[3] = {c->v, c->num, c->den};
      for (int j = 0; j < 3; j++) {
        if (isnan(d[j]))
          sqlite3_bind_null(ins, 6 + j);
        else
          sqlite3_bind_double(ins, 6 + j, d[j]);
      }
      sqlite3_bind_int(ins, 9, c->flag);
      assert_int_equal(sqlite3_step(ins), SQLITE_DONE);
    }
  }
  ampel_bcells_release(&cells);
  sqlite3_finalize(q);
  sqlite3_finalize(ins);
}

/* 1 when the SQLite database at path has the block table. */
static int has_blocks(sqlite3 *db) {
  sqlite3_stmt *q = NULL;
  assert_int_equal(sqlite3_prepare_v2(db,
                                      "SELECT count(*) FROM sqlite_master "
                                      "WHERE name='block'",
                                      -1, &q, NULL),
                   SQLITE_OK);
  assert_int_equal(sqlite3_step(q), SQLITE_ROW);
  int n = sqlite3_column_int(q, 0);
  sqlite3_finalize(q);
  return n > 0;
}

static long sql_long(const char *path, const char *sql) {
#ifdef AMPEL_HAVE_LIBPQ
  if (pg_url) {
    PGresult *r = pg_exec(sql, PGRES_TUPLES_OK);
    assert_int_equal(PQntuples(r), 1);
    long v = strtol(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    return v;
  }
#endif
  sqlite3 *db = NULL;
  assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL),
                   SQLITE_OK);
  /* the cells as a temp table named like the row layout's (temp comes
   * first in name resolution) */
  if (strstr(sql, "observation") && has_blocks(db))
    cells_table(db, "temp.observation");
  sqlite3_stmt *q = NULL;
  if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK)
    fail_msg("%s: %s", sql, sqlite3_errmsg(db));
  assert_int_equal(sqlite3_step(q), SQLITE_ROW);
  long v = (long)sqlite3_column_int64(q, 0);
  sqlite3_finalize(q);
  sqlite3_close(db);
  return v;
}

static void sql_exec(const char *path, const char *sql) {
  sqlite3 *db = NULL;
  assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
  if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
    fail_msg("%s: %s", sql, sqlite3_errmsg(db));
  sqlite3_close(db);
}

/* Turns a version 4 database without history back into the version 3
 * layout, table for table as migrations 0 → 3 created it (import,
 * import_file, observation keyed by area × indicator × period). */
static void make_version_3(const char *path) {
  sqlite3 *db = NULL;
  assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
  cells_table(db, "main.observation");
  assert_int_equal(sqlite3_exec(db, "DROP TABLE block", NULL, NULL, NULL),
                   SQLITE_OK);
  sqlite3_close(db);
  sql_exec(path,
           "PRAGMA journal_mode=DELETE;"
           "BEGIN;"
           "ALTER TABLE indicator DROP COLUMN kind;"
           "ALTER TABLE indicator DROP COLUMN formula;"
           "ALTER TABLE indicator DROP COLUMN aggregation;"
           "ALTER TABLE area DROP COLUMN valid_from;"
           "ALTER TABLE area DROP COLUMN valid_to;"
           "DROP TABLE conversion;"
           "ALTER TABLE indicator DROP COLUMN shown;"
           "DROP TABLE users; DROP TABLE api_token; DROP TABLE session;"
           "DROP TABLE audit;"
           "CREATE TABLE import(id INTEGER PRIMARY KEY, time INTEGER NOT "
           "NULL, digest TEXT NOT NULL);"
           "INSERT INTO import SELECT id,created,digest FROM datenstand;"
           "CREATE TABLE import_file(import_id INTEGER NOT NULL REFERENCES"
           " import(id), pos INTEGER NOT NULL, name TEXT NOT NULL, sha256 "
           "TEXT NOT NULL, kind TEXT NOT NULL, rows INTEGER NOT NULL);"
           "INSERT INTO import_file SELECT datenstand,pos,name,sha256,kind,"
           "rows FROM datenstand_file;"
           "CREATE TABLE obs3(area_id INTEGER NOT NULL REFERENCES area(id),"
           " indicator_id INTEGER NOT NULL REFERENCES indicator(id),"
           " period_id INTEGER NOT NULL REFERENCES period(id), value REAL,"
           " numerator REAL, denominator REAL, flag INTEGER NOT NULL "
           "DEFAULT 0, import_id INTEGER NOT NULL,"
           " PRIMARY KEY(area_id, indicator_id, period_id)) WITHOUT ROWID;"
           "INSERT INTO obs3 SELECT area,indicator,period,value,numerator,"
           "denominator,flag,ds_from FROM observation WHERE ds_to IS NULL;"
           "DROP TABLE observation; DROP TABLE datenstand;"
           "DROP TABLE datenstand_file;"
           "ALTER TABLE obs3 RENAME TO observation;"
           "PRAGMA user_version=3;"
           "COMMIT;");
}

static const ampel_area AREAS[] = {
    {"A", "Nord", NULL, "Stadtteil", 100, AMPEL_NO_TILE, AMPEL_NO_TILE, NAN,
     NAN},
    {"B", "Süd", NULL, "Stadtteil", 200, AMPEL_NO_TILE, AMPEL_NO_TILE, NAN,
     NAN},
};
static const ampel_indicator IND = {"q",  "Quote",
                                    "%",  NULL,
                                    NULL, NULL,
                                    NULL, AMPEL_POL_HIGHER_IS_WORSE,
                                    1,    AMPEL_SECRECY_UNSET};

/* One import: the two areas, the indicator, periods 2022 and 2023 and the
 * four values vals[area * 2 + period] (NaN: not put), logged with a file
 * digest made of `sha` and time `when`. */
static void import4(ampel_store *s, const double vals[4], char sha,
                    int64_t when) {
  assert_int_equal(ampel_store_begin(s), AMPEL_OK);
  for (size_t i = 0; i < 2; i++)
    assert_int_equal(ampel_store_put_area(s, &AREAS[i]), AMPEL_OK);
  assert_int_equal(ampel_store_put_indicator(s, &IND), AMPEL_OK);
  assert_int_equal(ampel_store_put_period(s, "2022", 20220101), AMPEL_OK);
  assert_int_equal(ampel_store_put_period(s, "2023", 20230101), AMPEL_OK);
  static const char *const area[] = {"A", "B"};
  static const char *const per[] = {"2022", "2023"};
  for (size_t k = 0; k < 4; k++)
    if (!isnan(vals[k]))
      assert_int_equal(ampel_store_put_observation(s, area[k / 2], "q",
                                                   per[k % 2], vals[k], NAN,
                                                   NAN, AMPEL_FLAG_NONE),
                       AMPEL_OK);
  ampel_import_file f = {"werte.csv", "", "values", 4};
  memset(f.sha256, sha, 64);
  f.sha256[64] = '\0';
  assert_int_equal(ampel_store_log_import(s, &f, 1, when), AMPEL_OK);
  assert_int_equal(ampel_store_commit(s), AMPEL_OK);
}

/* The value of (area, "q", period) in ds, NaN when absent. */
static double value_of(const ampel_dataset *ds, const char *area,
                       const char *period) {
  long a = ampel_dataset_find_area(ds, area),
       i = ampel_dataset_find_indicator(ds, "q"),
       p = ampel_dataset_find_period(ds, period);
  assert_true(a >= 0 && i >= 0 && p >= 0);
  ampel_cell_ref c = ampel_dataset_get(ds, (size_t)a, (size_t)i, (size_t)p);
  return c.present ? c.value : NAN;
}

static void set_ok(ampel_store *s, long id) {
  ampel_diags dg;
  ampel_diags_init(&dg, 0);
  assert_int_equal(ampel_store_set_datenstand(s, id, &dg), AMPEL_OK);
  assert_int_equal(dg.n, 0);
  ampel_diags_release(&dg);
}

static void set_fails(ampel_store *s, long id, const char *needle) {
  ampel_diags dg;
  ampel_diags_init(&dg, 0);
  assert_int_equal(ampel_store_set_datenstand(s, id, &dg), AMPEL_E_USAGE);
  assert_true(dg.n >= 1);
  if (!strstr(dg.items[0].message, needle))
    fail_msg("message '%s' lacks '%s'", dg.items[0].message, needle);
  ampel_diags_release(&dg);
}

typedef struct ds_list {
  long id[8], n_new[8], n_changed[8], n_removed[8];
  size_t n;
} ds_list;

static int list_cb(void *ud, const ampel_datenstand_info *d) {
  ds_list *l = ud;
  assert_true(l->n < 8);
  assert_string_equal(d->kind, "import");
  assert_int_equal(strlen(d->digest), 64);
  l->id[l->n] = d->id;
  l->n_new[l->n] = d->n_new;
  l->n_changed[l->n] = d->n_changed;
  l->n_removed[l->n] = d->n_removed;
  l->n++;
  return 0;
}

/* Import A, then A' with one value changed and one new: the current state
 * has the new values, Datenstand 1 the old ones, and the unchanged rows
 * were not rewritten. */
static void test_history_of_a_changed_value(void **state) {
  (void)state;
  tmpdb t;
  db_make(&t);
  ampel_store *s = open_ok(t.path, AMPEL_STORE_CREATE);
  import4(s, (const double[]){1, 2, 3, NAN}, 'a', 1767225600);
  assert_int_equal(sql_long(t.path, "SELECT count(*) FROM observation"), 3);
  import4(s, (const double[]){1, 20, 3, 4}, 'b', 1767312000);
  /* 3 + one closed-and-replaced + one new; A/2022 and B/2022 untouched */
  assert_int_equal(sql_long(t.path, "SELECT count(*) FROM observation"), 5);
  assert_int_equal(sql_long(t.path, "SELECT count(*) FROM observation "
                                    "WHERE ds_to IS NULL"),
                   4);
  assert_int_equal(sql_long(t.path, "SELECT count(*) FROM observation "
                                    "WHERE ds_from=1 AND ds_to IS NULL"),
                   2);
  assert_int_equal(sql_long(t.path, "SELECT ds_to FROM observation "
                                    "WHERE value=2"),
                   2);
  ampel_dataset *ds = load(s, AMPEL_LOAD_ALL);
  assert_true(value_of(ds, "A", "2023") == 20);
  assert_true(value_of(ds, "B", "2023") == 4);
  assert_true(value_of(ds, "A", "2022") == 1);
  ampel_dataset_free(ds);
  set_ok(s, 1);
  ds = load(s, AMPEL_LOAD_ALL);
  assert_int_equal(ampel_dataset_n_observations(ds), 3);
  assert_true(value_of(ds, "A", "2023") == 2);
  assert_true(isnan(value_of(ds, "B", "2023")));
  assert_true(value_of(ds, "B", "2022") == 3);
  ampel_dataset_free(ds);
  set_ok(s, 2);
  ds = load(s, AMPEL_LOAD_ALL);
  assert_int_equal(ampel_dataset_n_observations(ds), 4);
  assert_true(value_of(ds, "A", "2023") == 20);
  ampel_dataset_free(ds);
  set_fails(s, 3, "unbekannter Datenstand 3 (vorhanden: 1 bis 2)");
  set_fails(s, -1, "unbekannter Datenstand -1");
  set_ok(s, 0);
  ds = load(s, AMPEL_LOAD_ALL);
  assert_int_equal(ampel_dataset_n_observations(ds), 4);
  ampel_dataset_free(ds);
  /* the counts of each Datenstand, newest first */
  ds_list l = {0};
  assert_int_equal(ampel_store_datenstaende(s, list_cb, &l), AMPEL_OK);
  assert_int_equal(l.n, 2);
  assert_int_equal(l.id[0], 2);
  assert_int_equal(l.n_new[0], 1);
  assert_int_equal(l.n_changed[0], 1);
  assert_int_equal(l.n_removed[0], 0);
  assert_int_equal(l.id[1], 1);
  assert_int_equal(l.n_new[1], 3);
  assert_int_equal(l.n_changed[1], 0);
  ampel_store_close(s);
  tmpdb_remove(&t);
}

/* Re-importing the same values writes no observation row; a value that
 * goes back to an earlier one is a change like any other; a value not
 * mentioned stays current. A flag change alone is a change. */
static void test_reimport_and_flags(void **state) {
  (void)state;
  tmpdb t;
  db_make(&t);
  ampel_store *s = open_ok(t.path, AMPEL_STORE_CREATE);
  import4(s, (const double[]){1, 2, 3, 4}, 'a', 1);
  import4(s, (const double[]){1, 2, 3, 4}, 'a', 2);
  assert_int_equal(sql_long(t.path, "SELECT count(*) FROM observation"), 4);
  assert_int_equal(sql_long(t.path, "SELECT n_new+n_changed FROM "
                                    "datenstand WHERE id=2"),
                   0);
  import4(s, (const double[]){NAN, 5, NAN, NAN}, 'b', 3);
  import4(s, (const double[]){NAN, 2, NAN, NAN}, 'c', 4);
  /* PostgreSQL: one row per changed cell (4 + 2); SQLite: the 2023 block
   * twice more, with B's unchanged cell in each (4 + 2 + 2) */
  assert_int_equal(sql_long(t.path, "SELECT count(*) FROM observation"),
                   pg_url ? 6 : 8);
  assert_int_equal(sql_long(t.path, "SELECT count(*) FROM observation WHERE "
                                    "ds_to IS NULL"),
                   4);
  set_ok(s, 3);
  ampel_dataset *ds = load(s, AMPEL_LOAD_ALL);
  assert_true(value_of(ds, "A", "2023") == 5);
  assert_true(value_of(ds, "B", "2023") == 4); /* not mentioned: kept */
  ampel_dataset_free(ds);
  set_ok(s, 0);
  ds = load(s, AMPEL_LOAD_ALL);
  assert_true(value_of(ds, "A", "2023") == 2);
  assert_int_equal(ampel_dataset_n_observations(ds), 4);
  ampel_dataset_free(ds);
  /* same value, other flag */
  assert_int_equal(ampel_store_begin(s), AMPEL_OK);
  assert_int_equal(ampel_store_put_observation(s, "A", "q", "2022", 1, NAN, NAN,
                                               AMPEL_FLAG_LIMITED),
                   AMPEL_OK);
  assert_int_equal(ampel_store_commit(s), AMPEL_OK);
  assert_int_equal(sql_long(t.path, "SELECT count(*) FROM observation"),
                   pg_url ? 7 : 10);
  assert_int_equal(sql_long(t.path, "SELECT count(*) FROM observation WHERE "
                                    "ds_to IS NULL AND flag<>0"),
                   1);
  ampel_store_close(s);
  tmpdb_remove(&t);
}

/* Duplicates within one import are still reported, also when the first
 * value was unchanged (and so left alone); nothing is written on
 * rollback; a load inside the transaction sees the staged values. */
static void test_duplicate_and_rollback(void **state) {
  (void)state;
  tmpdb t;
  db_make(&t);
  ampel_store *s = open_ok(t.path, AMPEL_STORE_CREATE);
  import4(s, (const double[]){1, 2, 3, 4}, 'a', 1);
  assert_int_equal(ampel_store_begin(s), AMPEL_OK);
  assert_int_equal(ampel_store_put_observation(s, "A", "q", "2022", 1, NAN, NAN,
                                               AMPEL_FLAG_NONE),
                   AMPEL_OK);
  assert_int_equal(ampel_store_put_observation(s, "A", "q", "2022", 9, NAN, NAN,
                                               AMPEL_FLAG_NONE),
                   AMPEL_E_DATA);
  assert_int_equal(ampel_store_put_observation(s, "B", "q", "2022", 7, NAN, NAN,
                                               AMPEL_FLAG_NONE),
                   AMPEL_OK);
  ampel_dataset *ds = load(s, AMPEL_LOAD_ALL);
  assert_true(value_of(ds, "B", "2022") == 7);
  assert_true(value_of(ds, "A", "2022") == 1);
  ampel_dataset_free(ds);
  /* after the merge a duplicate is still one */
  assert_int_equal(ampel_store_put_observation(s, "B", "q", "2022", 8, NAN, NAN,
                                               AMPEL_FLAG_NONE),
                   AMPEL_E_DATA);
  assert_int_equal(ampel_store_rollback(s), AMPEL_OK);
  assert_int_equal(sql_long(t.path, "SELECT count(*) FROM observation"), 4);
  ds = load(s, AMPEL_LOAD_ALL);
  assert_true(value_of(ds, "B", "2022") == 3);
  ampel_dataset_free(ds);
  ampel_store_close(s);
  tmpdb_remove(&t);
}

typedef struct log_rows {
  char text[512];
} log_rows;

static int log_cb(void *ud, long id, int64_t when, const char *file,
                  const char *sha, const char *kind, long rows) {
  log_rows *r = ud;
  size_t n = strlen(r->text);
  snprintf(r->text + n, sizeof r->text - n, "%ld %lld %s %.8s %s %ld;", id,
           (long long)when, file, sha, kind, rows);
  return 0;
}

/* A version 3 database keeps its values, data version (digest), footer
 * stamp and import log: read-only as it is, and after the migration. */
static void test_version_3_database(void **state) {
  (void)state;
  tmpdb t;
  db_make(&t);
  ampel_store *s = open_ok(t.path, AMPEL_STORE_CREATE);
  import4(s, (const double[]){1, 2, 3, NAN}, 'a', 1767225600);
  import4(s, (const double[]){1, 20, 3, 4}, 'b', 1767312000);
  ampel_store_close(s);
  make_version_3(t.path);
  assert_int_equal(sql_long(t.path, "SELECT count(*) FROM observation"), 4);

  s = open_ok(t.path, AMPEL_STORE_READONLY);
  ampel_data_version v3;
  assert_int_equal(ampel_store_data_version(s, &v3), AMPEL_OK);
  char stamp3[160], stamp4[160];
  ampel_data_version_format(&v3, stamp3, sizeof stamp3);
  log_rows log3 = {{0}}, log4 = {{0}};
  assert_int_equal(ampel_store_import_log(s, log_cb, &log3), AMPEL_OK);
  ampel_dataset *ds = load(s, AMPEL_LOAD_ALL);
  assert_int_equal(ampel_dataset_n_observations(ds), 4);
  assert_true(value_of(ds, "A", "2023") == 20);
  ampel_dataset_free(ds);
  set_fails(s, 1, "keine Geschichte");
  set_ok(s, 0);
  ds_list l = {0};
  assert_int_equal(ampel_store_datenstaende(s, list_cb, &l), AMPEL_OK);
  assert_int_equal(l.n, 2);
  assert_int_equal(l.n_new[0], -1);
  ampel_store_close(s);
  assert_int_equal(sql_long(t.path, "PRAGMA user_version"), 3);

  s = open_ok(t.path, AMPEL_STORE_WRITE); /* migrates */
  ampel_data_version v4;
  assert_int_equal(ampel_store_data_version(s, &v4), AMPEL_OK);
  ampel_data_version_format(&v4, stamp4, sizeof stamp4);
  assert_string_equal(stamp3, stamp4);
  assert_string_equal(v3.digest, v4.digest);
  assert_int_equal(v3.id, 2);
  assert_int_equal(v4.id, 2);
  assert_int_equal(v4.when, 1767312000);
  assert_int_equal(v4.n_imports, 2);
  assert_int_equal(ampel_store_import_log(s, log_cb, &log4), AMPEL_OK);
  assert_string_equal(log3.text, log4.text);
  ds = load(s, AMPEL_LOAD_ALL);
  assert_int_equal(ampel_dataset_n_observations(ds), 4);
  assert_true(value_of(ds, "A", "2023") == 20);
  assert_true(value_of(ds, "B", "2023") == 4);
  ampel_dataset_free(ds);
  assert_int_equal(sql_long(t.path, "PRAGMA user_version"), AMPEL_SCHEMA_VERSION);
  assert_int_equal(sql_long(t.path, "SELECT count(*) FROM sqlite_master "
                                    "WHERE name IN ('import','import_file',"
                                    "'observation_v3')"),
                   0);
  /* every row is current from the import that wrote it */
  assert_int_equal(sql_long(t.path, "SELECT count(*) FROM observation "
                                    "WHERE ds_to IS NULL"),
                   4);
  assert_int_equal(sql_long(t.path, "SELECT ds_from FROM observation "
                                    "WHERE value=20"),
                   2);
  assert_int_equal(sql_long(t.path, "SELECT count(*) FROM datenstand WHERE "
                                    "kind='import' AND n_new IS NULL"),
                   2);
  /* a new import continues the chain and the history */
  import4(s, (const double[]){10, NAN, NAN, NAN}, 'c', 1767398400);
  assert_int_equal(ampel_store_data_version(s, &v4), AMPEL_OK);
  assert_int_equal(v4.id, 3);
  assert_string_not_equal(v4.digest, v3.digest);
  set_ok(s, 2);
  ds = load(s, AMPEL_LOAD_ALL);
  assert_true(value_of(ds, "A", "2022") == 1);
  ampel_dataset_free(ds);
  ampel_store_close(s);
  tmpdb_remove(&t);
}

/* A version 2 database (no indicator.secrecy): read-only it loads as it is
 * with secrecy unset; opened for writing it is migrated to version 4 and
 * keeps its data. A version 1 database is refused read-only. */
static void test_version_2_database(void **state) {
  (void)state;
  tmpdb t;
  db_make(&t);
  ampel_store *s = open_ok(t.path, AMPEL_STORE_CREATE);
  import4(s, (const double[]){1, 2, 3, 4}, 'a', 1);
  ampel_store_close(s);
  make_version_3(t.path);
  sql_exec(t.path, "ALTER TABLE indicator DROP COLUMN secrecy;"
                   "PRAGMA user_version=2");
  s = open_ok(t.path, AMPEL_STORE_READONLY);
  ampel_dataset *ds = load(s, AMPEL_LOAD_ALL);
  assert_int_equal(ampel_dataset_n_observations(ds), 4);
  assert_int_equal(ampel_dataset_indicator(ds, 0)->secrecy,
                   AMPEL_SECRECY_UNSET);
  ampel_dataset_free(ds);
  ampel_store_close(s);
  assert_int_equal(sql_long(t.path, "PRAGMA user_version"), 2);
  s = open_ok(t.path, AMPEL_STORE_WRITE);
  ampel_store_close(s);
  assert_int_equal(sql_long(t.path, "PRAGMA user_version"), AMPEL_SCHEMA_VERSION);
  assert_int_equal(sql_long(t.path, "SELECT count(*) FROM indicator "
                                    "WHERE secrecy IS NULL"),
                   1);
  s = open_ok(t.path, AMPEL_STORE_WRITE);
  ds = load(s, AMPEL_LOAD_ALL);
  assert_int_equal(ampel_dataset_n_observations(ds), 4);
  assert_true(value_of(ds, "B", "2023") == 4);
  ampel_dataset_free(ds);
  ampel_store_close(s);
  sql_exec(t.path, "PRAGMA user_version=1");
  ampel_diags dg;
  ampel_diags_init(&dg, 0);
  ampel_status st = AMPEL_OK;
  assert_null(ampel_store_open(t.path, AMPEL_STORE_READONLY, &dg, &st));
  assert_int_equal(st, AMPEL_E_DATA);
  ampel_diags_release(&dg);
  tmpdb_remove(&t);
}

#ifdef AMPEL_HAVE_LIBPQ
/* PostgreSQL: a version 3 schema (the first PostgreSQL engine's tables,
 * made here from a version 4 one as make_version_3 does for SQLite) is
 * migrated by the first open, also a read-only one, and keeps its values,
 * digest, stamp and import log. */
static void test_pg_version_3_schema(void **state) {
  (void)state;
  tmpdb t;
  db_make(&t);
  ampel_store *s = open_ok(t.path, AMPEL_STORE_CREATE);
  import4(s, (const double[]){1, 2, 3, NAN}, 'a', 1767225600);
  import4(s, (const double[]){1, 20, 3, 4}, 'b', 1767312000);
  ampel_data_version before;
  assert_int_equal(ampel_store_data_version(s, &before), AMPEL_OK);
  log_rows log_before = {{0}}, log_after = {{0}};
  assert_int_equal(ampel_store_import_log(s, log_cb, &log_before), AMPEL_OK);
  ampel_store_close(s);
  PQclear(pg_exec(
      "BEGIN;"
      "ALTER TABLE indicator DROP COLUMN kind;"
      "ALTER TABLE indicator DROP COLUMN formula;"
      "ALTER TABLE indicator DROP COLUMN aggregation;"
      "ALTER TABLE area DROP COLUMN valid_from;"
      "ALTER TABLE area DROP COLUMN valid_to;"
      "DROP TABLE conversion;"
      "ALTER TABLE indicator DROP COLUMN shown;"
      "DROP TABLE users; DROP TABLE api_token; DROP TABLE session;"
      "DROP TABLE audit;"
      "CREATE TABLE import(id BIGINT PRIMARY KEY, time BIGINT NOT NULL,"
      " digest TEXT NOT NULL);"
      "INSERT INTO import SELECT id,created,digest FROM datenstand;"
      "CREATE TABLE import_file(import_id BIGINT NOT NULL REFERENCES"
      " import(id), pos INTEGER NOT NULL, name TEXT NOT NULL,"
      " sha256 TEXT NOT NULL, kind TEXT NOT NULL, rows BIGINT NOT NULL);"
      "INSERT INTO import_file SELECT datenstand,pos,name,sha256,kind,rows"
      " FROM datenstand_file;"
      "CREATE TABLE obs3(area_id BIGINT NOT NULL, indicator_id BIGINT NOT"
      " NULL, period_id BIGINT NOT NULL, value DOUBLE PRECISION, numerator"
      " DOUBLE PRECISION, denominator DOUBLE PRECISION, flag INTEGER NOT NULL"
      " DEFAULT 0, import_id BIGINT NOT NULL,"
      " PRIMARY KEY(area_id, indicator_id, period_id));"
      "INSERT INTO obs3 SELECT area,indicator,period,value,numerator,"
      "denominator,flag,ds_from FROM observation WHERE ds_to IS NULL;"
      "DROP TABLE observation; DROP TABLE datenstand;"
      "DROP TABLE datenstand_file;"
      "ALTER TABLE obs3 RENAME TO observation;"
      "ALTER INDEX obs3_pkey RENAME TO observation_pkey;"
      "UPDATE meta SET value='3' WHERE key='schema_version';"
      "COMMIT;",
      PGRES_COMMAND_OK));
  assert_int_equal(sql_long(t.path, "SELECT count(*) FROM import"), 2);

  s = open_ok(t.path, AMPEL_STORE_READONLY); /* migrates */
  assert_int_equal(
      sql_long(t.path,
               "SELECT value::int FROM meta WHERE key='schema_version'"),
      AMPEL_PG_SCHEMA_VERSION);
  ampel_data_version after;
  assert_int_equal(ampel_store_data_version(s, &after), AMPEL_OK);
  char a[160], b[160];
  ampel_data_version_format(&before, a, sizeof a);
  ampel_data_version_format(&after, b, sizeof b);
  assert_string_equal(a, b);
  assert_int_equal(after.id, 2);
  assert_int_equal(after.n_imports, 2);
  assert_int_equal(ampel_store_import_log(s, log_cb, &log_after), AMPEL_OK);
  assert_string_equal(log_before.text, log_after.text);
  ampel_dataset *ds = load(s, AMPEL_LOAD_ALL);
  assert_int_equal(ampel_dataset_n_observations(ds), 4);
  assert_true(value_of(ds, "A", "2023") == 20);
  ampel_dataset_free(ds);
  assert_int_equal(sql_long(t.path, "SELECT count(*) FROM pg_tables WHERE "
                                    "schemaname='ampel' AND tablename IN "
                                    "('import','import_file',"
                                    "'observation_v3')"),
                   0);
  ampel_store_close(s);
  /* opened again: nothing left to migrate */
  s = open_ok(t.path, AMPEL_STORE_WRITE);
  import4(s, (const double[]){10, NAN, NAN, NAN}, 'c', 1767398400);
  set_ok(s, 2);
  ds = load(s, AMPEL_LOAD_ALL);
  assert_true(value_of(ds, "A", "2022") == 1);
  ampel_dataset_free(ds);
  ampel_store_close(s);
  tmpdb_remove(&t);
}
#endif

/* Schema version 5 (issue 14): an area's Gültig_ab/Gültig_bis and the
 * conversion keys are stored and loaded; a conversion key is versioned
 * like an observation (the same key again writes nothing, a changed key
 * closes the old rows), and a load at an earlier Datenstand shows the key
 * that held then. */
static void put_key(ampel_store *s, size_t n, const char *const *news,
                    const double *shares, char sha) {
  static const ampel_area areas[] = {
      {"A", "Alt", NULL, "Stadtteil", 100, AMPEL_NO_TILE, AMPEL_NO_TILE, NAN,
       NAN, NULL, "2022"},
      {"B", "Neu", NULL, "Stadtteil", 60, AMPEL_NO_TILE, AMPEL_NO_TILE, NAN,
       NAN, "2023", NULL},
      {"C", "Neu 2", NULL, "Stadtteil", 40, AMPEL_NO_TILE, AMPEL_NO_TILE, NAN,
       NAN, "2023/24", "2030-12-31"},
  };
  assert_int_equal(ampel_store_begin(s), AMPEL_OK);
  for (size_t i = 0; i < 3; i++)
    assert_int_equal(ampel_store_put_area(s, &areas[i]), AMPEL_OK);
  assert_int_equal(ampel_store_put_conversion(s, "A", news, shares, n),
                   AMPEL_OK);
  ampel_import_file f = {"umschluessel.csv", "", "conversion", 2};
  memset(f.sha256, sha, 64);
  f.sha256[64] = '\0';
  assert_int_equal(ampel_store_log_import(s, &f, 1, 1767225600), AMPEL_OK);
  assert_int_equal(ampel_store_commit(s), AMPEL_OK);
}

static void test_validity_and_conversion(void **state) {
  (void)state;
  tmpdb t;
  db_make(&t);
  ampel_store *s = open_ok(t.path, AMPEL_STORE_CREATE);
  put_key(s, 1, (const char *const[]){"B"}, (const double[]){1.0}, 'a');
  put_key(s, 1, (const char *const[]){"B"}, (const double[]){1.0}, 'b');
  assert_int_equal(sql_long(t.path, "SELECT count(*) FROM conversion"), 1);
  put_key(s, 2, (const char *const[]){"B", "C"}, (const double[]){0.6, 0.4},
          'c');
  assert_int_equal(sql_long(t.path, "SELECT count(*) FROM conversion"), 3);
  assert_int_equal(sql_long(t.path, "SELECT count(*) FROM conversion WHERE "
                                    "ds_to IS NULL AND ds_from=3"),
                   2);
  ampel_dataset *ds = load(s, AMPEL_LOAD_ALL);
  const ampel_area *a = ampel_dataset_area(ds, 0),
                   *c = ampel_dataset_area(ds, 2);
  assert_null(a->valid_from);
  assert_string_equal(a->valid_to, "2022");
  assert_string_equal(c->valid_from, "2023/24");
  assert_string_equal(c->valid_to, "2030-12-31");
  assert_int_equal(ampel_dataset_n_conversions(ds), 2);
  assert_string_equal(ampel_dataset_conversion(ds, 0)->new_key, "B");
  assert_true(ampel_dataset_conversion(ds, 0)->share == 0.6);
  assert_string_equal(ampel_dataset_conversion(ds, 1)->new_key, "C");
  assert_true(ampel_dataset_conversion(ds, 1)->share == 0.4);
  ampel_dataset_free(ds);
  set_ok(s, 2);
  ds = load(s, AMPEL_LOAD_ALL);
  assert_int_equal(ampel_dataset_n_conversions(ds), 1);
  assert_string_equal(ampel_dataset_conversion(ds, 0)->old_key, "A");
  assert_true(ampel_dataset_conversion(ds, 0)->share == 1.0);
  ampel_dataset_free(ds);
  ampel_store_close(s);
  tmpdb_remove(&t);
}

/* The kind, parent and user of the newest Datenstand. */
typedef struct newest {
  long id, parent, n_new, n_changed, n_removed;
  char kind[16], user[32];
} newest;

static int newest_cb(void *ud, const ampel_datenstand_info *d) {
  newest *n = ud;
  n->id = d->id;
  n->parent = d->parent;
  n->n_new = d->n_new;
  n->n_changed = d->n_changed;
  n->n_removed = d->n_removed;
  snprintf(n->kind, sizeof n->kind, "%s", d->kind ? d->kind : "");
  snprintf(n->user, sizeof n->user, "%s", d->user_name ? d->user_name : "");
  return 1;
}

static newest newest_of(ampel_store *s) {
  newest n;
  memset(&n, 0, sizeof n);
  assert_int_equal(ampel_store_datenstaende(s, newest_cb, &n), AMPEL_OK);
  return n;
}

static long rollback_ok(ampel_store *s, long to, const char *user) {
  ampel_diags dg;
  ampel_diags_init(&dg, 0);
  long id = 0;
  ampel_status st = ampel_store_rollback_to(s, to, 99, user, &id, &dg);
  if (st != AMPEL_OK)
    fail_msg("rollback to %ld: %s", to, dg.n ? dg.items[0].message : "?");
  ampel_diags_release(&dg);
  return id;
}

static void rollback_fails(ampel_store *s, long to, const char *needle) {
  ampel_diags dg;
  ampel_diags_init(&dg, 0);
  long id = 7;
  assert_int_equal(ampel_store_rollback_to(s, to, 99, NULL, &id, &dg),
                   AMPEL_E_USAGE);
  assert_int_equal(id, 0);
  assert_true(dg.n >= 1);
  if (!strstr(dg.items[0].message, needle))
    fail_msg("message '%s' lacks '%s'", dg.items[0].message, needle);
  ampel_diags_release(&dg);
}

/* Rollback (issue 12): Datenstand N becomes current again as a new
 * Datenstand of kind rollback with parent N; cells equal in both stay
 * untouched; counts say what changed; a rollback of a rollback works;
 * the newest or an unknown Datenstand is refused and writes nothing. */
static void test_rollback_to(void **state) {
  (void)state;
  tmpdb t;
  db_make(&t);
  ampel_store *s = open_ok(t.path, AMPEL_STORE_CREATE);
  import4(s, (const double[]){1, 2, 3, NAN}, 'a', 1);  /* 1 */
  import4(s, (const double[]){1, 20, 3, 4}, 'b', 2);   /* 2 */
  import4(s, (const double[]){7, 30, NAN, NAN}, 'c', 3); /* 3 */
  rollback_fails(s, 3, "schon der aktuelle");
  rollback_fails(s, 9, "unbekannter Datenstand 9 (vorhanden: 1 bis 3)");
  assert_int_equal(sql_long(t.path, "SELECT count(*) FROM datenstand"), 3);
  long rows = sql_long(t.path, "SELECT count(*) FROM observation");
  /* back to 1: A/2022 7 -> 1 and A/2023 30 -> 2 changed, B/2023 removed,
   * B/2022 (3 since Datenstand 1) untouched */
  assert_int_equal(rollback_ok(s, 1, "anna"), 4);
  newest n = newest_of(s);
  assert_int_equal(n.id, 4);
  assert_string_equal(n.kind, "rollback");
  assert_int_equal(n.parent, 1);
  assert_string_equal(n.user, "anna");
  assert_int_equal(n.n_new, 0);
  assert_int_equal(n.n_changed, 2);
  assert_int_equal(n.n_removed, 1);
  /* PostgreSQL: the two changed cells; SQLite: the copies of both blocks
   * as they were in 1 (2022 with B's unchanged cell, 2023 with A only) */
  assert_int_equal(sql_long(t.path, "SELECT count(*) FROM observation"),
                   rows + (pg_url ? 2 : 3));
  ampel_dataset *ds = load(s, AMPEL_LOAD_ALL);
  assert_int_equal(ampel_dataset_n_observations(ds), 3);
  assert_true(value_of(ds, "A", "2022") == 1);
  assert_true(value_of(ds, "A", "2023") == 2);
  assert_true(value_of(ds, "B", "2022") == 3);
  assert_true(isnan(value_of(ds, "B", "2023")));
  ampel_dataset_free(ds);
  /* the history stays: Datenstand 3 still loads as it was */
  set_ok(s, 3);
  ds = load(s, AMPEL_LOAD_ALL);
  assert_true(value_of(ds, "A", "2023") == 30);
  assert_true(value_of(ds, "B", "2023") == 4);
  ampel_dataset_free(ds);
  set_ok(s, 0);
  /* back to 3 (undoing the rollback): B/2023 comes back as new */
  assert_int_equal(rollback_ok(s, 3, NULL), 5);
  n = newest_of(s);
  assert_int_equal(n.parent, 3);
  assert_string_equal(n.user, "");
  assert_int_equal(n.n_new, 1);
  assert_int_equal(n.n_changed, 2);
  assert_int_equal(n.n_removed, 0);
  ds = load(s, AMPEL_LOAD_ALL);
  assert_true(value_of(ds, "A", "2022") == 7);
  assert_true(value_of(ds, "A", "2023") == 30);
  assert_true(value_of(ds, "B", "2023") == 4);
  ampel_dataset_free(ds);
  /* the footer's data version follows */
  ampel_data_version v;
  assert_int_equal(ampel_store_data_version(s, &v), AMPEL_OK);
  assert_int_equal(v.id, 5);
  ampel_store_close(s);
  tmpdb_remove(&t);
}

/* Metadata edits and the chosen Datenstand's version (issue 12): an edit
 * is a new Datenstand of kind metadata with the user and a note naming
 * the changed fields; other attributes stay; `shown` is stored; an edit
 * that changes nothing writes nothing; an unknown key or an empty name is
 * refused and writes nothing; ampel_store_datenstand_version names the
 * chosen Datenstand. */
static void test_edit_indicator(void **state) {
  (void)state;
  tmpdb t;
  db_make(&t);
  ampel_store *s = open_ok(t.path, AMPEL_STORE_CREATE);
  import4(s, (const double[]){1, 2, 3, NAN}, 'a', 1767225600); /* 1 */
  ampel_diags dg;
  ampel_diags_init(&dg, 0);
  ampel_indicator e = IND;
  e.name = "Quote neu";
  e.source = "Amt";
  e.polarity = AMPEL_POL_NEUTRAL;
  e.shown = AMPEL_SHOWN_NO;
  long id = 0;
  assert_int_equal(ampel_store_edit_indicator(s, &e, 50, "berta", &id, &dg),
                   AMPEL_OK);
  assert_int_equal(id, 2);
  newest n = newest_of(s);
  assert_string_equal(n.kind, "metadata");
  assert_string_equal(n.user, "berta");
  assert_int_equal(n.n_new, 0);
  assert_int_equal(n.n_changed, 0);
  ampel_dataset *ds = load(s, AMPEL_LOAD_ALL);
  const ampel_indicator *in = ampel_dataset_indicator(ds, 0);
  assert_string_equal(in->name, "Quote neu");
  assert_string_equal(in->source, "Amt");
  assert_string_equal(in->unit, "%");
  assert_int_equal(in->decimals, 1); /* not edited: kept */
  assert_int_equal(in->polarity, AMPEL_POL_NEUTRAL);
  assert_int_equal(in->shown, AMPEL_SHOWN_NO);
  assert_true(value_of(ds, "A", "2022") == 1); /* values untouched */
  ampel_dataset_free(ds);
  /* the same again: nothing written */
  assert_int_equal(ampel_store_edit_indicator(s, &e, 51, "berta", &id, &dg),
                   AMPEL_OK);
  assert_int_equal(id, 0);
  assert_int_equal(sql_long(t.path, "SELECT count(*) FROM datenstand"), 2);
  assert_int_equal(sql_long(t.path,
                            "SELECT count(*) FROM datenstand WHERE note LIKE "
                            "'q: Name, Richtung, Quelle, nicht in Heatmap%'"),
                   1);
  /* refused: unknown key, empty name */
  ampel_indicator bad = e;
  bad.key = "gibtsnicht";
  assert_int_equal(ampel_store_edit_indicator(s, &bad, 52, NULL, &id, &dg),
                   AMPEL_E_NOT_FOUND);
  bad = e;
  bad.name = "";
  assert_int_equal(ampel_store_edit_indicator(s, &bad, 52, NULL, &id, &dg),
                   AMPEL_E_DATA);
  assert_int_equal(sql_long(t.path, "SELECT count(*) FROM datenstand"), 2);
  /* a re-import without the choice keeps it (shown UNSET) */
  import4(s, (const double[]){1, 2, 3, 4}, 'b', 1767225700); /* 3 */
  ds = load(s, AMPEL_LOAD_ALL);
  assert_int_equal(ampel_dataset_indicator(ds, 0)->shown, AMPEL_SHOWN_NO);
  ampel_dataset_free(ds);
  /* the chosen Datenstand's version */
  ampel_data_version v;
  assert_int_equal(ampel_store_datenstand(s), 0);
  assert_int_equal(ampel_store_datenstand_version(s, &v), AMPEL_OK);
  assert_int_equal(v.id, 3);
  set_ok(s, 1);
  assert_int_equal(ampel_store_datenstand(s), 1);
  assert_int_equal(ampel_store_datenstand_version(s, &v), AMPEL_OK);
  assert_int_equal(v.id, 1);
  assert_int_equal(v.when, 1767225600);
  assert_int_equal(strlen(v.digest), 12);
  assert_int_equal(ampel_store_data_version(s, &v), AMPEL_OK);
  assert_int_equal(v.id, 3); /* the latest, unchanged */
  ampel_diags_release(&dg);
  ampel_store_close(s);
  tmpdb_remove(&t);
}

/* --pruefen (issue 12): the import run as a check reports what it would
 * change, flags a change by more than a factor of 10, and writes nothing;
 * a real import records the user. */
static void test_import_check_diff(void **state) {
  (void)state;
  tmpdb t;
  db_make(&t);
  ampel_store *s = open_ok(t.path, AMPEL_STORE_CREATE);
  import4(s, (const double[]){1, 2, 3, NAN}, 'a', 1);
  long rows = sql_long(t.path, "SELECT count(*) FROM observation");
  static const char csv[] = "Gebiet;Kennzahl;Zeitraum;Wert\n"
                            "A;q;2023;200\n"
                            "B;q;2022;3\n"
                            "B;q;2023;5\n"
                            "A;q;2022;1,5\n";
  const char *names[] = {"werte.csv"};
  const char *data[] = {csv};
  size_t lens[] = {sizeof csv - 1};
  ampel_import_diff diff;
  ampel_import_options opt;
  memset(&opt, 0, sizeof opt);
  opt.dry_run = 1;
  opt.diff = &diff;
  ampel_import_summary sum;
  ampel_diags dg;
  ampel_diags_init(&dg, 0);
  assert_int_equal(
      ampel_import_buffers(s, names, data, lens, 1, &opt, &sum, &dg),
      AMPEL_OK);
  assert_int_equal(dg.n_errors, 0);
  assert_int_equal(diff.count[AMPEL_CHG_VALUE_NEW], 1);
  assert_int_equal(diff.count[AMPEL_CHG_VALUE_CHANGED], 2);
  assert_int_equal(diff.count[AMPEL_CHG_VALUE_REMOVED], 0);
  assert_int_equal(diff.count[AMPEL_CHG_AREA_NEW], 0);
  assert_int_equal(diff.n_big, 1);
  assert_int_equal(diff.n_big_kept, 1);
  assert_string_equal(diff.big[0].area, "A");
  assert_string_equal(diff.big[0].indicator, "q");
  assert_string_equal(diff.big[0].period, "2023");
  assert_true(diff.big[0].old_value == 2);
  assert_true(diff.big[0].new_value == 200);
  ampel_import_diff_release(&diff);
  assert_int_equal(sql_long(t.path, "SELECT count(*) FROM observation"), rows);
  assert_int_equal(sql_long(t.path, "SELECT count(*) FROM datenstand"), 1);
  /* a file with an error: no diff, nothing written */
  static const char bad[] = "Gebiet;Kennzahl;Zeitraum;Wert\nA;q;2023;abc\n";
  data[0] = bad;
  lens[0] = sizeof bad - 1;
  assert_int_equal(
      ampel_import_buffers(s, names, data, lens, 1, &opt, &sum, &dg),
      AMPEL_E_DATA);
  assert_int_equal(diff.n_items, 0);
  assert_int_equal(dg.items[0].line, 2);
  assert_int_equal(dg.items[0].column, 10);
  assert_string_equal(dg.items[0].source, "A;q;2023;abc");
  ampel_import_diff_release(&diff);
  ampel_diags_release(&dg);
  /* the real import, made by a user */
  ampel_diags_init(&dg, 0);
  data[0] = csv;
  lens[0] = sizeof csv - 1;
  opt.dry_run = 0;
  opt.diff = NULL;
  opt.user_name = "bert";
  assert_int_equal(
      ampel_import_buffers(s, names, data, lens, 1, &opt, &sum, &dg),
      AMPEL_OK);
  ampel_diags_release(&dg);
  newest n = newest_of(s);
  assert_int_equal(n.id, 2);
  assert_string_equal(n.kind, "import");
  assert_string_equal(n.user, "bert");
  assert_int_equal(n.n_new, 1);
  assert_int_equal(n.n_changed, 2);
  ampel_store_close(s);
  tmpdb_remove(&t);
}

/* The four values of each Datenstand 1..n and of the current state, as
 * text ("A/2022=1 ..."), for comparing a database before and after its
 * migration. */
static void states_of(ampel_store *s, long n, char out[][96]) {
  static const char *const area[] = {"A", "B"}, *const per[] = {"2022",
                                                               "2023"};
  for (long d = 0; d <= n; d++) {
    set_ok(s, d);
    ampel_dataset *ds = load(s, AMPEL_LOAD_ALL);
    out[d][0] = '\0';
    for (int k = 0; k < 4; k++) {
      size_t len = strlen(out[d]);
      snprintf(out[d] + len, 96 - len, "%s/%s=%g ", area[k / 2], per[k % 2],
               value_of(ds, area[k / 2], per[k % 2]));
    }
    ampel_dataset_free(ds);
  }
  set_ok(s, 0);
}

/* Schema 6 -> 7 (issue 15): a version 6 database with history (imports
 * that change, add and leave values, and a rollback that removes one) is
 * read as it is read-only, and migrated into blocks by the first writer;
 * every Datenstand then loads exactly as before, and a new import
 * continues the history. */
static void test_version_6_database(void **state) {
  (void)state;
  tmpdb t;
  db_make(&t);
  ampel_store *s = open_ok(t.path, AMPEL_STORE_CREATE);
  import4(s, (const double[]){1, 2, 3, NAN}, 'a', 1);
  import4(s, (const double[]){1, 20, 3, 4}, 'b', 2);
  import4(s, (const double[]){7, 30, NAN, NAN}, 'c', 3);
  assert_int_equal(rollback_ok(s, 1, NULL), 4);
  char before[5][96], ro[5][96], after[5][96];
  states_of(s, 4, before);
  ampel_store_close(s);
  /* back to the version 6 layout: one row per cell and interval */
  sqlite3 *db = NULL;
  assert_int_equal(sqlite3_open(t.path, &db), SQLITE_OK);
  cells_table(db, "main.obs6");
  assert_int_equal(
      sqlite3_exec(
          db,
          "CREATE TABLE observation(indicator INTEGER NOT NULL, period "
          "INTEGER NOT NULL, area INTEGER NOT NULL, ds_from INTEGER NOT NULL,"
          " ds_to INTEGER, value REAL, numerator REAL, denominator REAL,"
          " flag INTEGER NOT NULL DEFAULT 0,"
          " PRIMARY KEY(indicator, period, area, ds_from)) WITHOUT ROWID;"
          "INSERT INTO observation SELECT * FROM obs6;"
          "DROP TABLE obs6; DROP TABLE block;"
          "CREATE INDEX observation_current ON observation(indicator, "
          "period, area) WHERE ds_to IS NULL;"
          "PRAGMA user_version=6;",
          NULL, NULL, NULL),
      SQLITE_OK);
  sqlite3_close(db);
  assert_true(sql_long(t.path, "SELECT count(*) FROM observation") > 4);
  s = open_ok(t.path, AMPEL_STORE_READONLY); /* reads the rows */
  states_of(s, 4, ro);
  ampel_store_close(s);
  assert_int_equal(sql_long(t.path, "PRAGMA user_version"), 6);
  s = open_ok(t.path, AMPEL_STORE_WRITE); /* migrates */
  states_of(s, 4, after);
  for (int d = 0; d <= 4; d++) {
    assert_string_equal(before[d], ro[d]);
    assert_string_equal(before[d], after[d]);
  }
  assert_int_equal(sql_long(t.path, "PRAGMA user_version"), 7);
  assert_int_equal(sql_long(t.path, "SELECT count(*) FROM sqlite_master "
                                    "WHERE name='observation'"),
                   0);
  /* per indicator x period one block per interval of its own changes:
   * 2022 at 1, 3, 4; 2023 at 1, 2, 3, 4 */
  assert_int_equal(sql_long(t.path, "SELECT count(*) FROM block"), 7);
  assert_int_equal(sql_long(t.path, "SELECT count(*) FROM block WHERE "
                                    "ds_to IS NULL"),
                   2);
  newest n = newest_of(s);
  assert_int_equal(n.n_changed, 2);
  assert_int_equal(n.n_removed, 1);
  import4(s, (const double[]){NAN, NAN, NAN, 5}, 'd', 5);
  ampel_dataset *ds = load(s, AMPEL_LOAD_ALL);
  assert_true(value_of(ds, "B", "2023") == 5);
  assert_true(value_of(ds, "A", "2023") == 2);
  ampel_dataset_free(ds);
  set_ok(s, 3);
  ds = load(s, AMPEL_LOAD_ALL);
  assert_true(value_of(ds, "A", "2023") == 30);
  ampel_dataset_free(ds);
  ampel_store_close(s);
  tmpdb_remove(&t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_history_of_a_changed_value),
      cmocka_unit_test(test_reimport_and_flags),
      cmocka_unit_test(test_duplicate_and_rollback),
      cmocka_unit_test(test_version_3_database),
      cmocka_unit_test(test_version_2_database),
      cmocka_unit_test(test_validity_and_conversion),
      cmocka_unit_test(test_rollback_to),
      cmocka_unit_test(test_version_6_database),
      cmocka_unit_test(test_import_check_diff),
      cmocka_unit_test(test_edit_indicator),
  };
  pg_url = getenv("AMPEL_TEST_PG_URL");
  if (pg_url && !*pg_url)
    pg_url = NULL;
  if (!pg_url)
    return cmocka_run_group_tests(tests, NULL, NULL);
#ifdef AMPEL_HAVE_LIBPQ
  /* the history tests on PostgreSQL; versions 2 and 3 of SQLite files do
   * not apply, the PostgreSQL version 3 schema does */
  const struct CMUnitTest pg_tests[] = {
      cmocka_unit_test(test_history_of_a_changed_value),
      cmocka_unit_test(test_reimport_and_flags),
      cmocka_unit_test(test_duplicate_and_rollback),
      cmocka_unit_test(test_pg_version_3_schema),
      cmocka_unit_test(test_validity_and_conversion),
      cmocka_unit_test(test_rollback_to),
      cmocka_unit_test(test_import_check_diff),
      cmocka_unit_test(test_edit_indicator),
  };
  return cmocka_run_group_tests_name("postgresql", pg_tests, NULL, NULL);
#else
  fprintf(stderr, "AMPEL_TEST_PG_URL: PostgreSQL fehlt in diesem Build\n");
  return 77;
#endif
}
