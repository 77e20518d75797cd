/* Regression test, issue 10 item 7 (store correctness).
 *
 * Bug: src/store/sqlite.c and sqlite_geo.c ended every load loop with
 * `while (sqlite3_step(q) == SQLITE_ROW)` and never looked at the last
 * result, so SQLITE_BUSY, SQLITE_IOERR or SQLITE_CORRUPT in the middle of
 * a load gave a shorter dataset and AMPEL_OK. Store ids were mapped to
 * dataset ids through a calloc'ed array, so an observation naming an id no
 * row has (0, or a gap) was silently given to area/indicator/period 0, and
 * geometry rows of unknown areas were dropped by an inner join.
 * Expected: a load either returns the whole snapshot or fails: AMPEL_E_IO
 * naming the SQLite error, AMPEL_E_DATA "Datenbank beschädigt: unbekannte
 * Gebiets-ID N".
 */
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
#include <unistd.h>

#include "ampel/alloc.h"
#include "ampel/store.h"

#include "tmpdb.h"

/* Two areas, one indicator, one period, two observations. */
static void make_db(const tmpdb *t) {
  ampel_store *s = open_ok(t->path, AMPEL_STORE_CREATE);
  assert_int_equal(ampel_store_begin(s), AMPEL_OK);
  ampel_area a = {"A", "A", NULL, "Stadt", NAN, AMPEL_NO_TILE, AMPEL_NO_TILE,
                  NAN, NAN};
  assert_int_equal(ampel_store_put_area(s, &a), AMPEL_OK);
  a.key = "B";
  assert_int_equal(ampel_store_put_area(s, &a), AMPEL_OK);
  ampel_indicator ind = {"i", "i", NULL, NULL, NULL, NULL, NULL,
                         AMPEL_POL_NEUTRAL, -1, AMPEL_SECRECY_UNSET};
  assert_int_equal(ampel_store_put_indicator(s, &ind), AMPEL_OK);
  assert_int_equal(ampel_store_put_period(s, "2023", 20230101), AMPEL_OK);
  assert_int_equal(ampel_store_put_observation(s, "A", "i", "2023", 1, NAN,
                                               NAN, AMPEL_FLAG_NONE),
                   AMPEL_OK);
  assert_int_equal(ampel_store_put_observation(s, "B", "i", "2023", 2, NAN,
                                               NAN, AMPEL_FLAG_NONE),
                   AMPEL_OK);
  assert_int_equal(ampel_store_commit(s), AMPEL_OK);
  ampel_store_close(s);
}

static void sql_exec(const char *path, const char *sql) {
  sqlite3 *db = NULL;
  assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
  if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
    fail_msg("%s: %s", sql, sqlite3_errmsg(db));
  sqlite3_close(db);
}

static long sql_long(const char *path, const char *sql) {
  sqlite3 *db = NULL;
  sqlite3_stmt *q = NULL;
  assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
  assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &q, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_step(q), SQLITE_ROW);
  long v = (long)sqlite3_column_int64(q, 0);
  sqlite3_finalize(q);
  sqlite3_close(db);
  return v;
}

/* Loads and expects failure with `code` and `needle` in the message. */
static void load_fails(ampel_store *s, ampel_status code,
                       const char *needle) {
  ampel_diags dg;
  ampel_diags_init(&dg, 0);
  ampel_dataset *ds = NULL;
  ampel_status st = ampel_store_load(s, AMPEL_LOAD_ALL, &ds, &dg);
  if (st == AMPEL_OK)
    fail_msg("load succeeded with %zu observations, expected an error",
             ampel_dataset_n_observations(ds));
  assert_null(ds);
  assert_int_equal(st, code);
  assert_true(dg.n >= 1);
  if (!strstr(dg.items[0].message, needle))
    fail_msg("message '%s' lacks '%s'", dg.items[0].message, needle);
  ampel_diags_release(&dg);
}

static void corrupt_and_check(const char *sql, const char *needle) {
  tmpdb t;
  tmpdb_make(&t);
  make_db(&t);
  sql_exec(t.path, sql);
  ampel_store *s = open_ok(t.path, AMPEL_STORE_READONLY);
  load_fails(s, AMPEL_E_DATA, needle);
  ampel_store_close(s);
  tmpdb_remove(&t);
}

static void test_unknown_area_id(void **state) {
  (void)state;
  /* id 0: no row has it, the old map sent it to the first area */
  /* one cell (value 2) of area 0, then of area 77: format 1, values
   * only, n = 1, first = last = the id (store/block.h) */
  corrupt_and_check("UPDATE block SET n=1,data=x'0101010000000000000000000000"
                    "0000000000000040'",
                    "Datenbank beschädigt: unbekannte Gebiets-ID 0");
  corrupt_and_check("UPDATE block SET n=1,data=x'0101010000004d0000004d000000"
                    "0000000000000040'",
                    "unbekannte Gebiets-ID 77");
}

static void test_damaged_block(void **state) {
  (void)state;
  /* too short, a wrong format byte, a length that does not add up */
  corrupt_and_check("UPDATE block SET data=x'0102'", "Werte-Block");
  corrupt_and_check("UPDATE block SET data=x'0201010000000100000001000000"
                    "0000000000000040'",
                    "Werte-Block");
  corrupt_and_check("UPDATE block SET data=x'0101020000000100000002000000"
                    "0000000000000040'",
                    "Werte-Block");
}

static void test_unknown_indicator_and_period_id(void **state) {
  (void)state;
  corrupt_and_check("UPDATE block SET indicator=0",
                    "unbekannte Kennzahl-ID 0");
  corrupt_and_check("UPDATE block SET period=0",
                    "unbekannte Zeitpunkt-ID 0");
}

static void test_ids_far_beyond_rows(void **state) {
  (void)state;
  /* would size the id map by the largest id */
  corrupt_and_check("UPDATE area SET id=4000000000000 WHERE key='B'",
                    "unbekannte Gebiets-ID 4000000000000");
  corrupt_and_check("UPDATE period SET id=-3", "unbekannte Zeitpunkt-ID -3");
}

static void test_unknown_geometry_area(void **state) {
  (void)state;
  tmpdb t;
  tmpdb_make(&t);
  make_db(&t);
  sql_exec(t.path, "INSERT INTO geometry(area_id,crs,shape) "
                   "VALUES(42,25832,x'00')");
  ampel_store *s = open_ok(t.path, AMPEL_STORE_READONLY);
  ampel_diags dg;
  ampel_diags_init(&dg, 0);
  ampel_geoset *g = NULL;
  assert_int_equal(ampel_store_load_geometry(s, &g, &dg), AMPEL_E_DATA);
  assert_null(g);
  assert_true(dg.n >= 1);
  assert_non_null(strstr(dg.items[0].message, "unbekannte Gebiets-ID 42"));
  ampel_diags_release(&dg);
  ampel_store_close(s);
  tmpdb_remove(&t);
}

/* Damages the block table's root page on disk: the first step on it
 * returns SQLITE_CORRUPT after areas, indicators and periods loaded fine. */
static void test_corrupt_page_is_an_error(void **state) {
  (void)state;
  tmpdb t;
  tmpdb_make(&t);
  make_db(&t);
  sql_exec(t.path, "PRAGMA journal_mode=DELETE"); /* all pages in the file */
  long page = sql_long(t.path, "PRAGMA page_size");
  long root = sql_long(t.path, "SELECT rootpage FROM sqlite_master WHERE "
                               "name='block'");
  assert_true(root > 1);
  FILE *f = fopen(t.path, "r+b");
  assert_non_null(f);
  assert_int_equal(fseek(f, (root - 1) * page, SEEK_SET), 0);
  unsigned char junk[16];
  memset(junk, 0x7f, sizeof junk);
  assert_int_equal(fwrite(junk, 1, sizeof junk, f), sizeof junk);
  assert_int_equal(fclose(f), 0);
  ampel_store *s = open_ok(t.path, AMPEL_STORE_READONLY);
  load_fails(s, AMPEL_E_IO, "Werte laden fehlgeschlagen: die Datenbank ist "
                            "beschädigt");
  ampel_dataset *ds = load(s, AMPEL_LOAD_META_ONLY); /* untouched tables */
  assert_int_equal(ampel_dataset_n_areas(ds), 2);
  ampel_dataset_free(ds);
  ampel_store_close(s);
  tmpdb_remove(&t);
}

/* Another connection holds an exclusive lock (rollback journal, so readers
 * are shut out): the load must fail with the SQLite error, not return an
 * empty dataset. Takes the store's busy timeout (5 s). */
static void test_locked_database_is_an_error(void **state) {
  (void)state;
  tmpdb t;
  tmpdb_make(&t);
  make_db(&t);
  sql_exec(t.path, "PRAGMA journal_mode=DELETE");
  ampel_store *s = open_ok(t.path, AMPEL_STORE_READONLY);
  ampel_dataset *ds = load(s, AMPEL_LOAD_ALL);
  assert_int_equal(ampel_dataset_n_observations(ds), 2);
  ampel_dataset_free(ds);
  sqlite3 *other = NULL;
  assert_int_equal(sqlite3_open(t.path, &other), SQLITE_OK);
  sqlite3_busy_timeout(other, 0);
  assert_int_equal(sqlite3_exec(other,
                                "BEGIN EXCLUSIVE; UPDATE block SET n=3",
                                NULL, NULL, NULL),
                   SQLITE_OK);
  /* issue 16: the message says in German what happened */
  load_fails(s, AMPEL_E_IO, "die Datenbank ist gesperrt");
  sqlite3_exec(other, "ROLLBACK", NULL, NULL, NULL);
  sqlite3_close(other);
  ds = load(s, AMPEL_LOAD_ALL); /* the store is usable again */
  assert_int_equal(ampel_dataset_n_observations(ds), 2);
  ampel_dataset_free(ds);
  ampel_store_close(s);
  tmpdb_remove(&t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_unknown_area_id),
      cmocka_unit_test(test_unknown_indicator_and_period_id),
      cmocka_unit_test(test_damaged_block),
      cmocka_unit_test(test_ids_far_beyond_rows),
      cmocka_unit_test(test_unknown_geometry_area),
      cmocka_unit_test(test_corrupt_page_is_an_error),
      cmocka_unit_test(test_locked_database_is_an_error),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
