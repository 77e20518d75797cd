/* Regression test, issue 16 (store part): what a failing write says, and
 * how the SQLite store commits.
 *
 * Bugs: disk full, out of memory and a held lock all read "Datenbank:
 * Schreiben fehlgeschlagen"; commits ran with synchronous=NORMAL, so a
 * power loss could lose an import reported as saved.
 * Expected: the import's message names the cause in German (ampel_store_
 * last_error), nothing is written, and a writable store runs WAL with
 * synchronous=FULL.
 *
 * The store hides its SQLite handle; the test sees it through an SQLite
 * auto-extension (called for every connection the process opens), which
 * is public SQLite API, so the store needs no test hook. Disk full comes
 * from PRAGMA max_page_count, out of memory from sqlite3_hard_heap_limit64.
 */
/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ampel/alloc.h"
#include "ampel/import.h"
#include "ampel/store.h"

#define TMPDB_PREFIX "ampel-faults"
#include "tmpdb.h"

/* The last connection SQLite opened in this process (a test has one store
 * open at a time). */
static sqlite3 *last_db;

static int capture(sqlite3 *db, char **err, const void *api) {
  (void)err, (void)api;
  last_db = db;
  return SQLITE_OK;
}

static long pragma(sqlite3 *db, const char *sql) {
  sqlite3_stmt *q = NULL;
  assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &q, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_step(q), SQLITE_ROW);
  long v = (long)sqlite3_column_int64(q, 0);
  sqlite3_finalize(q);
  return v;
}

static const char areas[] = "key,name,parent,level\nS,Stadt,,Stadt\n";
static const char inds[] = "key,name,polarity\ni,I,neutral\n";

/* A values table of n areas' values (areas named a0 .. a<n-1>), with the
 * areas themselves. */
static char *values_csv(int n, int with_areas, double add) {
  size_t cap = 64 * (size_t)n + 128;
  char *s = malloc(cap);
  assert_non_null(s);
  size_t o = 0;
  if (with_areas) {
    o += (size_t)snprintf(s + o, cap - o, "key,name,parent,level\n");
    for (int i = 0; i < n; i++)
      o += (size_t)snprintf(s + o, cap - o, "a%d,Gebiet %d,S,Teil\n", i, i);
  } else {
    o += (size_t)snprintf(s + o, cap - o, "area,indicator,period,value\n");
    for (int i = 0; i < n; i++)
      o += (size_t)snprintf(s + o, cap - o, "a%d,i,2024,%g\n", i, i + add);
  }
  return s;
}

/* Imports the buffers; returns the status and the first message in msg. */
static ampel_status import(ampel_store *s, const char *const *data, size_t n,
                           char *msg, size_t size) {
  const char *names[4] = {"a.csv", "b.csv", "c.csv", "d.csv"};
  size_t lens[4];
  for (size_t i = 0; i < n; i++)
    lens[i] = strlen(data[i]);
  ampel_import_options o;
  memset(&o, 0, sizeof o);
  o.when = 1767225600;
  ampel_diags d;
  ampel_diags_init(&d, 0);
  ampel_status st = ampel_import_buffers(s, names, data, lens, n, &o, NULL, &d);
  snprintf(msg, size, "%s", d.n ? d.items[0].message : "");
  ampel_diags_release(&d);
  return st;
}

/* A store with 200 areas and one value each (Datenstand 1). */
static ampel_store *base(tmpdb *t) {
  tmpdb_make(t);
  ampel_store *s = open_ok(t->path, AMPEL_STORE_CREATE);
  char *sub = values_csv(200, 1, 0), *vals = values_csv(200, 0, 0);
  const char *data[] = {areas, sub, inds, vals};
  char msg[512];
  assert_int_equal(import(s, data, 4, msg, sizeof msg), AMPEL_OK);
  free(sub);
  free(vals);
  return s;
}

static void expect_unchanged(ampel_store *s) {
  ampel_data_version v;
  assert_int_equal(ampel_store_data_version(s, &v), AMPEL_OK);
  assert_int_equal(v.id, 1);
  ampel_dataset *ds = load(s, AMPEL_LOAD_ALL);
  assert_int_equal(ampel_dataset_n_observations(ds), 200);
  ampel_dataset_free(ds);
}

static void test_wal_and_synchronous_full(void **state) {
  (void)state;
  tmpdb t;
  tmpdb_make(&t);
  last_db = NULL;
  ampel_store *s = open_ok(t.path, AMPEL_STORE_CREATE);
  assert_non_null(last_db);
  assert_int_equal(pragma(last_db, "PRAGMA synchronous"), 2); /* FULL */
  sqlite3_stmt *q = NULL;
  assert_int_equal(
      sqlite3_prepare_v2(last_db, "PRAGMA journal_mode", -1, &q, NULL),
      SQLITE_OK);
  assert_int_equal(sqlite3_step(q), SQLITE_ROW);
  assert_string_equal((const char *)sqlite3_column_text(q, 0), "wal");
  sqlite3_finalize(q);
  ampel_store_close(s);
  tmpdb_remove(&t);
}

/* The database may not grow (max_page_count): SQLITE_FULL at the write. */
static void test_disk_full_says_so(void **state) {
  (void)state;
  tmpdb t;
  ampel_store *s = base(&t);
  long pages = pragma(last_db, "PRAGMA page_count");
  char sql[64];
  snprintf(sql, sizeof sql, "PRAGMA max_page_count=%ld", pages + 1);
  assert_int_equal(sqlite3_exec(last_db, sql, NULL, NULL, NULL), SQLITE_OK);
  char *vals = values_csv(200, 0, 0.5);
  char *more = values_csv(4000, 1, 0);
  const char *data[] = {more, vals};
  char msg[512];
  assert_int_equal(import(s, data, 2, msg, sizeof msg), AMPEL_E_IO);
  if (!strstr(msg, "Schreiben fehlgeschlagen: der Datenträger ist voll"))
    fail_msg("message: %s", msg);
  assert_non_null(strstr(ampel_store_last_error(s), "SQLite-Fehler 13"));
  expect_unchanged(s);
  free(vals);
  free(more);
  ampel_store_close(s);
  tmpdb_remove(&t);
}

/* Another connection holds the write lock longer than the busy timeout
 * (5 s): the message says the database is locked. */
static void test_locked_says_so(void **state) {
  (void)state;
  tmpdb t;
  ampel_store *s = base(&t);
  sqlite3 *other = NULL;
  assert_int_equal(sqlite3_open(t.path, &other), SQLITE_OK);
  assert_int_equal(sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL),
                   SQLITE_OK);
  char *vals = values_csv(200, 0, 0.5);
  const char *data[] = {vals};
  char msg[512];
  assert_int_equal(import(s, data, 1, msg, sizeof msg), AMPEL_E_IO);
  if (!strstr(msg, "die Datenbank ist gesperrt: eine andere Einfuhr läuft"))
    fail_msg("message: %s", msg);
  sqlite3_exec(other, "ROLLBACK", NULL, NULL, NULL);
  sqlite3_close(other);
  expect_unchanged(s);
  free(vals);
  ampel_store_close(s);
  tmpdb_remove(&t);
}

/* SQLite may allocate no more (hard heap limit): SQLITE_NOMEM. */
static void test_out_of_memory_says_so(void **state) {
  (void)state;
  tmpdb t;
  ampel_store *s = base(&t);
  char *vals = values_csv(200, 0, 0.5);
  char *more = values_csv(20000, 1, 0);
  const char *data[] = {more, vals};
  char msg[512];
  sqlite3_int64 was = sqlite3_hard_heap_limit64(-1);
  sqlite3_hard_heap_limit64(sqlite3_memory_used() + 256 * 1024);
  ampel_status st = import(s, data, 2, msg, sizeof msg);
  sqlite3_hard_heap_limit64(was);
  assert_true(st == AMPEL_E_IO || st == AMPEL_E_NOMEM);
  if (!strstr(msg, "zu wenig Arbeitsspeicher"))
    fail_msg("message: %s", msg);
  expect_unchanged(s);
  free(vals);
  free(more);
  ampel_store_close(s);
  tmpdb_remove(&t);
}

int main(void) {
  sqlite3_auto_extension((void (*)(void))capture);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_wal_and_synchronous_full),
      cmocka_unit_test(test_disk_full_says_so),
      cmocka_unit_test(test_locked_says_so),
      cmocka_unit_test(test_out_of_memory_says_so),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
