/* Unit tests for the store (src/store/store.c, src/store/sqlite.c) on
 * SQLite files in a temporary directory. The schema version is read with
 * sqlite3 directly, not through the store. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ampel/alloc.h"
#include "ampel/store.h"

#include "tmpdb.h"

/* Opens and expects failure with `code` and a message containing `needle`.
 */
static void open_fails(const char *path, int mode, ampel_status code,
                       const char *needle) {
  ampel_diags dg;
  ampel_diags_init(&dg, 0);
  ampel_status st = AMPEL_OK;
  ampel_store *s = ampel_store_open(path, mode, &dg, &st);
  assert_null(s);
  assert_int_equal(st, code);
  assert_true(dg.n >= 1);
  if (!strstr(dg.items[0].message, needle))
    fail_msg("message '%s' lacks '%s'", dg.items[0].message, needle);
  ampel_diags_release(&dg);
}

static int sql_int(const char *path, const char *sql) {
  sqlite3 *db = NULL;
  assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL),
                   SQLITE_OK);
  sqlite3_stmt *q = NULL;
  assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &q, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_step(q), SQLITE_ROW);
  int v = sqlite3_column_int(q, 0);
  sqlite3_finalize(q);
  sqlite3_close(db);
  return v;
}

static void sql_exec(const char *path, const char *sql) {
  sqlite3 *db = NULL;
  assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
  assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
  sqlite3_close(db);
}

static int same_double(double a, double b) {
  return (isnan(a) && isnan(b)) || a == b;
}

static void assert_same_str(const char *a, const char *b) {
  if (!a || !b)
    assert_true(a == b);
  else
    assert_string_equal(a, b);
}

/* Logs one import of files with the given digests (64 hex chars). */
static void log_import(ampel_store *s, const char *const *shas, size_t n,
                       int64_t when) {
  ampel_import_file f[4];
  assert_true(n <= 4);
  for (size_t i = 0; i < n; i++) {
    f[i].name = i == 0 ? "gebiete.csv" : i == 1 ? "werte.csv" : "x.csv";
    snprintf(f[i].sha256, sizeof f[i].sha256, "%s", shas[i]);
    f[i].kind = i == 0 ? "areas" : "values";
    f[i].rows = (long)(10 * (i + 1));
  }
  assert_int_equal(ampel_store_log_import(s, f, n, when), AMPEL_OK);
}

static const char SHA_A[] =
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
static const char SHA_B[] =
    "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
static const char SHA_C[] =
    "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc";

/* ---- opening ------------------------------------------------------------
 */

static void test_create_and_schema(void **state) {
  (void)state;
  tmpdb t;
  tmpdb_make(&t);
  ampel_store *s = open_ok(t.path, AMPEL_STORE_CREATE);
  assert_string_equal(ampel_store_engine(s), "sqlite");
  ampel_store_close(s);
  assert_int_equal(sql_int(t.path, "PRAGMA user_version"),
                   AMPEL_SCHEMA_VERSION);
  assert_int_equal(
      sql_int(t.path, "SELECT count(*) FROM sqlite_master WHERE type='table'"
                      " AND name IN ('meta','area','indicator','period',"
                      "'block','datenstand','datenstand_file')"),
      7);
  /* opening again (every mode) keeps the version */
  ampel_store_close(open_ok(t.path, AMPEL_STORE_CREATE));
  ampel_store_close(open_ok(t.path, AMPEL_STORE_WRITE));
  ampel_store_close(open_ok(t.path, AMPEL_STORE_READONLY));
  assert_int_equal(sql_int(t.path, "PRAGMA user_version"),
                   AMPEL_SCHEMA_VERSION);
  ampel_store_close(NULL);
  tmpdb_remove(&t);
}

static void test_newer_schema_refused(void **state) {
  (void)state;
  tmpdb t;
  tmpdb_make(&t);
  ampel_store_close(open_ok(t.path, AMPEL_STORE_CREATE));
  char sql[64];
  snprintf(sql, sizeof sql, "PRAGMA user_version=%d",
           AMPEL_SCHEMA_VERSION + 1);
  sql_exec(t.path, sql);
  open_fails(t.path, AMPEL_STORE_WRITE, AMPEL_E_DATA, "Schema-Version");
  open_fails(t.path, AMPEL_STORE_CREATE, AMPEL_E_DATA, "Schema-Version");
  open_fails(t.path, AMPEL_STORE_READONLY, AMPEL_E_DATA, "Schema-Version");
  /* the database was not touched */
  assert_int_equal(sql_int(t.path, "PRAGMA user_version"),
                   AMPEL_SCHEMA_VERSION + 1);
  tmpdb_remove(&t);
}

static void test_missing_and_bad_locations(void **state) {
  (void)state;
  tmpdb t;
  tmpdb_make(&t);
  open_fails(t.path, AMPEL_STORE_READONLY, AMPEL_E_IO, "test.db");
  open_fails(t.path, AMPEL_STORE_WRITE, AMPEL_E_IO, "gibt es nicht");
  struct stat sb;
  assert_int_not_equal(stat(t.path, &sb), 0); /* nothing was created */
  open_fails("", AMPEL_STORE_CREATE, AMPEL_E_USAGE, "Datenbank");
  open_fails(NULL, AMPEL_STORE_CREATE, AMPEL_E_USAGE, "Datenbank");
  /* PostgreSQL: refused in a build without libpq (AMPEL_E_USAGE), else a
   * failed connection (port 1: nothing listens there), with no password
   * in the message */
  {
    ampel_diags dg;
    ampel_diags_init(&dg, 0);
    ampel_status st = AMPEL_OK;
    ampel_store *s = ampel_store_open("postgresql://u:geheim@127.0.0.1:1/x",
                                      AMPEL_STORE_CREATE, &dg, &st);
    assert_null(s);
    assert_true(st == AMPEL_E_USAGE || st == AMPEL_E_IO);
    assert_true(dg.n >= 1);
    assert_non_null(strstr(dg.items[0].message, "PostgreSQL"));
    assert_null(strstr(dg.items[0].message, "geheim"));
    ampel_diags_release(&dg);
  }
  /* status pointer and diags are optional */
  assert_null(ampel_store_open(t.path, AMPEL_STORE_READONLY, NULL, NULL));
  tmpdb_remove(&t);
}

/* ---- writing and loading -------------------------------------------------
 */

static const ampel_area AREAS[] = {
    {"GE", "Gelsenkirchen", NULL, "Stadt", 263000, AMPEL_NO_TILE,
     AMPEL_NO_TILE, NAN, NAN},
    {"GE-M", "Mitte", "GE", "Stadtbezirk", NAN, 1, 2, NAN, NAN},
    {"GE-M-ALT", "Altstadt \"alt\"; ü", "GE-M", "Stadtteil", 12345.5, 0, 0,
     51.5113, 7.1023},
};
static const ampel_indicator INDS[] = {
    {"sgb2", "SGB-II-Quote", "%", "Armut", "Anteil der ...", "BA", "31.12.",
     AMPEL_POL_HIGHER_IS_WORSE, 1, AMPEL_SECRECY_UNSET},
    {"kita", "Kita-Besuch", NULL, NULL, NULL, NULL, NULL,
     AMPEL_POL_HIGHER_IS_BETTER, -1, AMPEL_SECRECY_YES},
    {"n", "neutral", "Anzahl", NULL, NULL, NULL, NULL, AMPEL_POL_NEUTRAL, 0,
     AMPEL_SECRECY_NO},
};

typedef struct obs {
  const char *area, *ind, *period;
  double v, num, den;
  ampel_flag flag;
} obs;

static const obs OBS[] = {
    {"GE", "sgb2", "2023", 21.5, 55000, 256000, AMPEL_FLAG_NONE},
    {"GE-M", "sgb2", "2023", 0.1 + 0.2, NAN, NAN, AMPEL_FLAG_LIMITED},
    {"GE-M-ALT", "sgb2", "2023", NAN, NAN, NAN, AMPEL_FLAG_SECRET},
    {"GE-M-ALT", "kita", "2022/23", 0, NAN, NAN, AMPEL_FLAG_ZERO},
    {"GE", "kita", "2022/23", 1e-300, NAN, 4, AMPEL_FLAG_NONE},
    {"GE", "n", "2023-12-31", -5, 1, NAN, AMPEL_FLAG_NONE},
    {"GE-M", "n", "2023-12-31", NAN, NAN, NAN, AMPEL_FLAG_ANONYMISED},
};

static void put_all(ampel_store *s) {
  for (size_t i = 0; i < 3; i++)
    assert_int_equal(ampel_store_put_area(s, &AREAS[i]), AMPEL_OK);
  for (size_t i = 0; i < 3; i++)
    assert_int_equal(ampel_store_put_indicator(s, &INDS[i]), AMPEL_OK);
  /* periods out of order: loading sorts them by start date */
  assert_int_equal(ampel_store_put_period(s, "2023-12-31", 20231231),
                   AMPEL_OK);
  assert_int_equal(ampel_store_put_period(s, "2023", 20230101), AMPEL_OK);
  assert_int_equal(ampel_store_put_period(s, "2022/23", 20220801), AMPEL_OK);
  for (size_t i = 0; i < sizeof OBS / sizeof OBS[0]; i++)
    assert_int_equal(ampel_store_put_observation(s, OBS[i].area, OBS[i].ind,
                                                 OBS[i].period, OBS[i].v,
                                                 OBS[i].num, OBS[i].den,
                                                 OBS[i].flag),
                     AMPEL_OK);
}

static void check_all(const ampel_dataset *ds, int with_obs) {
  assert_int_equal(ampel_dataset_n_areas(ds), 3);
  for (size_t i = 0; i < 3; i++) {
    const ampel_area *a = ampel_dataset_area(ds, i), *e = &AREAS[i];
    assert_string_equal(a->key, e->key);
    assert_same_str(a->name, e->name);
    assert_same_str(a->parent, e->parent);
    assert_same_str(a->level, e->level);
    assert_true(same_double(a->population, e->population));
    assert_int_equal(a->tile_row, e->tile_row);
    assert_int_equal(a->tile_col, e->tile_col);
    assert_true(same_double(a->lat, e->lat) && same_double(a->lon, e->lon));
  }
  assert_int_equal(ampel_dataset_n_indicators(ds), 3);
  for (size_t i = 0; i < 3; i++) {
    const ampel_indicator *a = ampel_dataset_indicator(ds, i), *e = &INDS[i];
    assert_string_equal(a->key, e->key);
    assert_same_str(a->name, e->name);
    assert_same_str(a->unit, e->unit);
    assert_same_str(a->domain, e->domain);
    assert_same_str(a->definition, e->definition);
    assert_same_str(a->source, e->source);
    assert_same_str(a->reference_date, e->reference_date);
    assert_int_equal(a->polarity, e->polarity);
    assert_int_equal(a->decimals, e->decimals);
    assert_int_equal(a->secrecy, e->secrecy);
  }
  assert_int_equal(ampel_dataset_n_periods(ds), 3);
  assert_string_equal(ampel_dataset_period(ds, 0)->label, "2022/23");
  assert_int_equal(ampel_dataset_period(ds, 0)->sort_key, 20220801);
  assert_string_equal(ampel_dataset_period(ds, 1)->label, "2023");
  assert_string_equal(ampel_dataset_period(ds, 2)->label, "2023-12-31");
  size_t n = sizeof OBS / sizeof OBS[0];
  assert_int_equal(ampel_dataset_n_observations(ds), with_obs ? n : 0);
  for (size_t i = 0; with_obs && i < n; i++) {
    long a = ampel_dataset_find_area(ds, OBS[i].area),
         k = ampel_dataset_find_indicator(ds, OBS[i].ind),
         p = ampel_dataset_find_period(ds, OBS[i].period);
    assert_true(a >= 0 && k >= 0 && p >= 0);
    ampel_cell_ref c = ampel_dataset_get(ds, (size_t)a, (size_t)k, (size_t)p);
    assert_int_equal(c.present, 1);
    assert_int_equal(c.flag, OBS[i].flag);
    double want = ampel_flag_has_value(OBS[i].flag) ? OBS[i].v : NAN;
    if (!same_double(c.value, want))
      fail_msg("obs %zu: value %.17g, expected %.17g", i, c.value, want);
    assert_true(same_double(c.numerator, OBS[i].num));
    assert_true(same_double(c.denominator, OBS[i].den));
  }
}

static void test_roundtrip_every_field(void **state) {
  (void)state;
  tmpdb t;
  tmpdb_make(&t);
  ampel_store *s = open_ok(t.path, AMPEL_STORE_CREATE);
  assert_int_equal(ampel_store_begin(s), AMPEL_OK);
  put_all(s);
  log_import(s, (const char *[]){SHA_A}, 1, 1767225600);
  assert_int_equal(ampel_store_commit(s), AMPEL_OK);
  ampel_store_close(s);
  s = open_ok(t.path, AMPEL_STORE_READONLY);
  ampel_dataset *ds = load(s, AMPEL_LOAD_ALL);
  check_all(ds, 1);
  ampel_dataset_free(ds);
  ds = load(s, AMPEL_LOAD_META_ONLY);
  check_all(ds, 0);
  ampel_dataset_free(ds);
  /* a read-only store cannot write */
  if (ampel_store_begin(s) == AMPEL_OK) {
    ampel_status st = ampel_store_put_area(s, &AREAS[0]);
    assert_int_not_equal(st, AMPEL_OK);
    (void)ampel_store_rollback(s);
  }
  ampel_store_close(s);
  tmpdb_remove(&t);
}

/* Databases of versions 2 and 3: tests/unit/test_store_history.c. */

static void test_duplicate_in_one_transaction(void **state) {
  (void)state;
  tmpdb t;
  tmpdb_make(&t);
  ampel_store *s = open_ok(t.path, AMPEL_STORE_CREATE);
  assert_int_equal(ampel_store_begin(s), AMPEL_OK);
  put_all(s);
  assert_int_equal(ampel_store_put_observation(s, "GE", "sgb2", "2023", 99,
                                               NAN, NAN, AMPEL_FLAG_NONE),
                   AMPEL_E_DATA);
  /* other cells still go in */
  assert_int_equal(ampel_store_put_observation(s, "GE", "sgb2", "2022/23", 7,
                                               NAN, NAN, AMPEL_FLAG_NONE),
                   AMPEL_OK);
  log_import(s, (const char *[]){SHA_A}, 1, 1);
  assert_int_equal(ampel_store_commit(s), AMPEL_OK);
  ampel_dataset *ds = load(s, AMPEL_LOAD_ALL);
  long a = ampel_dataset_find_area(ds, "GE"),
       i = ampel_dataset_find_indicator(ds, "sgb2"),
       p = ampel_dataset_find_period(ds, "2023");
  assert_true(ampel_dataset_get(ds, (size_t)a, (size_t)i, (size_t)p).value ==
              21.5); /* the first value stays */
  ampel_dataset_free(ds);
  ampel_store_close(s);
  tmpdb_remove(&t);
}

static void test_replace_across_transactions(void **state) {
  (void)state;
  tmpdb t;
  tmpdb_make(&t);
  ampel_store *s = open_ok(t.path, AMPEL_STORE_CREATE);
  assert_int_equal(ampel_store_begin(s), AMPEL_OK);
  put_all(s);
  log_import(s, (const char *[]){SHA_A}, 1, 1);
  assert_int_equal(ampel_store_commit(s), AMPEL_OK);
  ampel_store_close(s);
  s = open_ok(t.path, AMPEL_STORE_WRITE);
  assert_int_equal(ampel_store_begin(s), AMPEL_OK);
  ampel_area a = AREAS[1];
  a.name = "Mitte (neu)";
  a.tile_row = AMPEL_NO_TILE;
  a.tile_col = AMPEL_NO_TILE;
  assert_int_equal(ampel_store_put_area(s, &a), AMPEL_OK);
  assert_int_equal(ampel_store_put_period(s, "2023", 20230101), AMPEL_OK);
  assert_int_equal(ampel_store_put_observation(s, "GE", "sgb2", "2023", 22.25,
                                               NAN, NAN, AMPEL_FLAG_NONE),
                   AMPEL_OK);
  assert_int_equal(ampel_store_put_observation(s, "GE-M-ALT", "sgb2", "2023",
                                               3, 1, 2, AMPEL_FLAG_LIMITED),
                   AMPEL_OK);
  log_import(s, (const char *[]){SHA_B}, 1, 2);
  assert_int_equal(ampel_store_commit(s), AMPEL_OK);
  ampel_dataset *ds = load(s, AMPEL_LOAD_ALL);
  assert_int_equal(ampel_dataset_n_areas(ds), 3);
  assert_string_equal(ampel_dataset_area(ds, 1)->key, "GE-M"); /* order */
  assert_string_equal(ampel_dataset_area(ds, 1)->name, "Mitte (neu)");
  assert_int_equal(ampel_dataset_area(ds, 1)->tile_row, AMPEL_NO_TILE);
  assert_int_equal(ampel_dataset_n_periods(ds), 3);
  assert_int_equal(ampel_dataset_n_observations(ds), sizeof OBS / sizeof OBS[0]);
  long p = ampel_dataset_find_period(ds, "2023");
  ampel_cell_ref c = ampel_dataset_get(ds, 0, 0, (size_t)p);
  assert_true(c.value == 22.25);
  assert_true(isnan(c.numerator)); /* replaced as a whole */
  c = ampel_dataset_get(ds, 2, 0, (size_t)p);
  assert_int_equal(c.flag, AMPEL_FLAG_LIMITED);
  assert_true(c.value == 3 && c.numerator == 1 && c.denominator == 2);
  ampel_dataset_free(ds);
  ampel_store_close(s);
  tmpdb_remove(&t);
}

static void test_rollback_leaves_nothing(void **state) {
  (void)state;
  tmpdb t;
  tmpdb_make(&t);
  ampel_store *s = open_ok(t.path, AMPEL_STORE_CREATE);
  assert_int_equal(ampel_store_begin(s), AMPEL_OK);
  put_all(s);
  log_import(s, (const char *[]){SHA_A}, 1, 1);
  assert_int_equal(ampel_store_rollback(s), AMPEL_OK);
  ampel_dataset *ds = load(s, AMPEL_LOAD_ALL);
  assert_int_equal(ampel_dataset_n_areas(ds), 0);
  assert_int_equal(ampel_dataset_n_indicators(ds), 0);
  assert_int_equal(ampel_dataset_n_periods(ds), 0);
  assert_int_equal(ampel_dataset_n_observations(ds), 0);
  ampel_dataset_free(ds);
  ampel_data_version v;
  assert_int_equal(ampel_store_data_version(s, &v), AMPEL_OK);
  assert_int_equal(v.id, 0);
  /* closing inside a transaction rolls back too */
  assert_int_equal(ampel_store_begin(s), AMPEL_OK);
  put_all(s);
  ampel_store_close(s);
  assert_int_equal(sql_int(t.path, "SELECT count(*) FROM area"), 0);
  assert_int_equal(sql_int(t.path, "SELECT count(*) FROM block"), 0);
  tmpdb_remove(&t);
}

static void test_usage_errors(void **state) {
  (void)state;
  tmpdb t;
  tmpdb_make(&t);
  ampel_store *s = open_ok(t.path, AMPEL_STORE_CREATE);
  assert_int_equal(ampel_store_put_area(s, &AREAS[0]), AMPEL_E_USAGE);
  assert_int_equal(ampel_store_commit(s), AMPEL_E_USAGE);
  assert_int_equal(ampel_store_rollback(s), AMPEL_OK); /* nothing to undo */
  assert_int_equal(ampel_store_begin(s), AMPEL_OK);
  assert_int_equal(ampel_store_begin(s), AMPEL_E_USAGE);
  put_all(s);
  assert_int_equal(ampel_store_put_observation(s, "nope", "sgb2", "2023", 1,
                                               NAN, NAN, 0),
                   AMPEL_E_NOT_FOUND);
  assert_int_equal(ampel_store_put_observation(s, "GE", "nope", "2023", 1,
                                               NAN, NAN, 0),
                   AMPEL_E_NOT_FOUND);
  assert_int_equal(ampel_store_put_observation(s, "GE", "sgb2", "1999", 1,
                                               NAN, NAN, 0),
                   AMPEL_E_NOT_FOUND);
  assert_int_equal(ampel_store_rollback(s), AMPEL_OK);
  ampel_store_close(s);
  tmpdb_remove(&t);
}

/* ---- data version and import log ---------------------------------------- */

static void import_seq(const char *path, const char *const *shas,
                       size_t n_imports, char digests[][13]) {
  ampel_store *s = open_ok(path, AMPEL_STORE_CREATE);
  for (size_t k = 0; k < n_imports; k++) {
    assert_int_equal(ampel_store_begin(s), AMPEL_OK);
    log_import(s, &shas[k], 1, (int64_t)(1000 + k));
    assert_int_equal(ampel_store_commit(s), AMPEL_OK);
    ampel_data_version v;
    assert_int_equal(ampel_store_data_version(s, &v), AMPEL_OK);
    assert_int_equal(v.id, (long)k + 1);
    assert_int_equal(v.n_imports, (long)k + 1);
    assert_int_equal(v.when, 1000 + (int64_t)k);
    assert_int_equal(strlen(v.digest), 12);
    assert_int_equal(strspn(v.digest, "0123456789abcdef"), 12);
    memcpy(digests[k], v.digest, 13);
  }
  ampel_store_close(s);
}

static void test_data_version(void **state) {
  (void)state;
  tmpdb t1, t2, t3;
  tmpdb_make(&t1);
  tmpdb_make(&t2);
  tmpdb_make(&t3);
  ampel_store *s = open_ok(t1.path, AMPEL_STORE_CREATE);
  ampel_data_version v;
  assert_int_equal(ampel_store_data_version(s, &v), AMPEL_OK);
  assert_int_equal(v.id, 0);
  assert_int_equal(v.n_imports, 0);
  char text[160];
  ampel_data_version_format(&v, text, sizeof text);
  assert_non_null(strstr(text, "noch keine Daten"));
  ampel_store_close(s);

  const char *seq[] = {SHA_A, SHA_B, SHA_A};
  const char *other[] = {SHA_A, SHA_C, SHA_A};
  char d1[3][13], d2[3][13], d3[3][13];
  import_seq(t1.path, seq, 3, d1);
  import_seq(t2.path, seq, 3, d2);
  import_seq(t3.path, other, 3, d3);
  for (int k = 0; k < 3; k++)
    assert_string_equal(d1[k], d2[k]); /* stable for equal inputs */
  assert_string_not_equal(d1[0], d1[1]); /* changes with every import */
  assert_string_not_equal(d1[1], d1[2]);
  assert_string_not_equal(d1[0], d1[2]); /* even for the same file */
  assert_string_equal(d1[0], d3[0]);
  assert_string_not_equal(d1[1], d3[1]); /* depends on the files */
  assert_string_not_equal(d1[2], d3[2]); /* and on the history */

  s = open_ok(t1.path, AMPEL_STORE_READONLY);
  assert_int_equal(ampel_store_data_version(s, &v), AMPEL_OK);
  ampel_store_close(s);
  v.when = 1767225600 + 3600 + 23 * 60; /* 2026-01-01 01:23 UTC */
  ampel_data_version_format(&v, text, sizeof text);
  char want[160];
  snprintf(want, sizeof want,
           "Datenstand 3 vom 01.01.2026 01:23 UTC (Prüfsumme %s)", d1[2]);
  assert_string_equal(text, want);
  tmpdb_remove(&t1);
  tmpdb_remove(&t2);
  tmpdb_remove(&t3);
}

typedef struct log_rec {
  long ids[8];
  char files[8][32], kinds[8][16], shas[8][65];
  long rows[8];
  int64_t when[8];
  int n, stop_at;
} log_rec;

static int log_cb(void *ud, long id, int64_t when, const char *file,
                  const char *sha, const char *kind, long rows) {
  log_rec *r = ud;
  if (r->n >= 8)
    return 1;
  r->ids[r->n] = id;
  r->when[r->n] = when;
  snprintf(r->files[r->n], sizeof r->files[0], "%s", file);
  snprintf(r->kinds[r->n], sizeof r->kinds[0], "%s", kind);
  snprintf(r->shas[r->n], sizeof r->shas[0], "%s", sha);
  r->rows[r->n] = rows;
  r->n++;
  return r->stop_at && r->n >= r->stop_at;
}

static void test_import_log(void **state) {
  (void)state;
  tmpdb t;
  tmpdb_make(&t);
  ampel_store *s = open_ok(t.path, AMPEL_STORE_CREATE);
  log_rec r = {0};
  assert_int_equal(ampel_store_import_log(s, log_cb, &r), AMPEL_OK);
  assert_int_equal(r.n, 0);
  assert_int_equal(ampel_store_begin(s), AMPEL_OK);
  log_import(s, (const char *[]){SHA_A, SHA_B}, 2, 100);
  assert_int_equal(ampel_store_commit(s), AMPEL_OK);
  assert_int_equal(ampel_store_begin(s), AMPEL_OK);
  log_import(s, (const char *[]){SHA_C}, 1, 200);
  assert_int_equal(ampel_store_commit(s), AMPEL_OK);
  assert_int_equal(ampel_store_import_log(s, log_cb, &r), AMPEL_OK);
  assert_int_equal(r.n, 3);
  /* newest first, files in their order */
  assert_int_equal(r.ids[0], 2);
  assert_int_equal(r.when[0], 200);
  assert_string_equal(r.shas[0], SHA_C);
  assert_string_equal(r.files[0], "gebiete.csv");
  assert_string_equal(r.kinds[0], "areas");
  assert_int_equal(r.rows[0], 10);
  assert_int_equal(r.ids[1], 1);
  assert_int_equal(r.ids[2], 1);
  assert_string_equal(r.shas[1], SHA_A);
  assert_string_equal(r.files[2], "werte.csv");
  assert_string_equal(r.kinds[2], "values");
  assert_int_equal(r.rows[2], 20);
  assert_int_equal(r.when[2], 100);
  log_rec stop = {.stop_at = 1};
  assert_int_equal(ampel_store_import_log(s, log_cb, &stop), AMPEL_OK);
  assert_int_equal(stop.n, 1);
  ampel_store_close(s);
  tmpdb_remove(&t);
}

static void test_config(void **state) {
  (void)state;
  tmpdb t;
  tmpdb_make(&t);
  ampel_store *s = open_ok(t.path, AMPEL_STORE_CREATE);
  char *v = (char *)"sentinel";
  assert_int_equal(ampel_store_config_get(s, "min_count", &v), AMPEL_OK);
  assert_null(v);
  assert_int_equal(ampel_store_config_set(s, "min_count", "5"), AMPEL_OK);
  assert_int_equal(ampel_store_config_set(s, "titel", "Bildung in GE ü"),
                   AMPEL_OK);
  assert_int_equal(ampel_store_config_set(s, "min_count", "7"), AMPEL_OK);
  ampel_store_close(s);
  s = open_ok(t.path, AMPEL_STORE_READONLY);
  assert_int_equal(ampel_store_config_get(s, "min_count", &v), AMPEL_OK);
  assert_string_equal(v, "7");
  ampel_free(v);
  assert_int_equal(ampel_store_config_get(s, "titel", &v), AMPEL_OK);
  assert_string_equal(v, "Bildung in GE ü");
  ampel_free(v);
  ampel_store_close(s);
  tmpdb_remove(&t);
}

/* Issue 16: reads between begin_read and end_read see one snapshot, also
 * when another connection commits an import meanwhile (the server's stamp
 * could disagree with its data); afterwards the new state shows. */
static void test_read_snapshot(void **state) {
  (void)state;
  tmpdb t;
  tmpdb_make(&t);
  ampel_store *w = open_ok(t.path, AMPEL_STORE_CREATE);
  assert_int_equal(ampel_store_begin(w), AMPEL_OK);
  assert_int_equal(ampel_store_put_area(w, &AREAS[0]), AMPEL_OK);
  log_import(w, (const char *[]){SHA_A}, 1, 100);
  assert_int_equal(ampel_store_commit(w), AMPEL_OK);
  ampel_store *r = open_ok(t.path, AMPEL_STORE_READONLY);
  assert_int_equal(ampel_store_begin_read(r), AMPEL_OK);
  assert_int_equal(ampel_store_begin_read(r), AMPEL_E_USAGE); /* nested */
  assert_int_equal(ampel_store_begin(r), AMPEL_E_USAGE);      /* no write */
  ampel_dataset *ds = NULL;
  assert_int_equal(ampel_store_load(r, AMPEL_LOAD_META_ONLY, &ds, NULL),
                   AMPEL_OK);
  assert_int_equal(ampel_dataset_n_areas(ds), 1);
  ampel_dataset_free(ds);
  /* another connection commits a second import and a setting */
  assert_int_equal(ampel_store_begin(w), AMPEL_OK);
  assert_int_equal(ampel_store_put_area(w, &AREAS[1]), AMPEL_OK);
  log_import(w, (const char *[]){SHA_B}, 1, 200);
  assert_int_equal(ampel_store_commit(w), AMPEL_OK);
  assert_int_equal(ampel_store_config_set(w, "min_count", "5"), AMPEL_OK);
  ampel_data_version v;
  assert_int_equal(ampel_store_data_version(r, &v), AMPEL_OK);
  assert_int_equal(v.id, 1);
  char *cfg = (char *)"sentinel";
  assert_int_equal(ampel_store_config_get(r, "min_count", &cfg), AMPEL_OK);
  assert_null(cfg);
  assert_int_equal(ampel_store_load(r, AMPEL_LOAD_META_ONLY, &ds, NULL),
                   AMPEL_OK);
  assert_int_equal(ampel_dataset_n_areas(ds), 1);
  ampel_dataset_free(ds);
  assert_int_equal(ampel_store_end_read(r), AMPEL_OK);
  assert_int_equal(ampel_store_end_read(r), AMPEL_E_USAGE);
  /* outside the read transaction: the new state */
  assert_int_equal(ampel_store_data_version(r, &v), AMPEL_OK);
  assert_int_equal(v.id, 2);
  assert_int_equal(ampel_store_load(r, AMPEL_LOAD_META_ONLY, &ds, NULL),
                   AMPEL_OK);
  assert_int_equal(ampel_dataset_n_areas(ds), 2);
  ampel_dataset_free(ds);
  ampel_store_close(r);
  ampel_store_close(w);
  tmpdb_remove(&t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_create_and_schema),
      cmocka_unit_test(test_newer_schema_refused),
      cmocka_unit_test(test_missing_and_bad_locations),
      cmocka_unit_test(test_roundtrip_every_field),
      cmocka_unit_test(test_duplicate_in_one_transaction),
      cmocka_unit_test(test_replace_across_transactions),
      cmocka_unit_test(test_rollback_leaves_nothing),
      cmocka_unit_test(test_usage_errors),
      cmocka_unit_test(test_data_version),
      cmocka_unit_test(test_import_log),
      cmocka_unit_test(test_config),
      cmocka_unit_test(test_read_snapshot),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
