/* tmpdb.h - temporary SQLite databases for the store and import unit tests.
 *
 * tmpdb_make() creates a fresh directory $TMPDIR/<TMPDB_PREFIX>-XXXXXX
 * (TMPDB_PREFIX defaults to "ampel-store"; define it before the include to
 * change it) and sets `path` to test.db inside it; tmpdb_clear() unlinks the
 * database and its -wal/-shm/-journal files; tmpdb_remove() also removes the
 * directory. open_ok() and load() open a store and load a dataset, failing
 * the test on any error. Include after <cmocka.h>.
 */
#ifndef AMPEL_TESTS_TMPDB_H
#define AMPEL_TESTS_TMPDB_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "ampel/store.h"

#ifndef TMPDB_PREFIX
#define TMPDB_PREFIX "ampel-store"
#endif

typedef struct tmpdb {
  char dir[256];
  char path[300];
} tmpdb;

static inline void tmpdb_make(tmpdb *t) {
  const char *base = getenv("TMPDIR");
  snprintf(t->dir, sizeof t->dir, "%s/" TMPDB_PREFIX "-XXXXXX",
           base && *base ? base : "/tmp");
  assert_non_null(mkdtemp(t->dir));
  snprintf(t->path, sizeof t->path, "%s/test.db", t->dir);
}

static inline void tmpdb_clear(tmpdb *t) {
  static const char *const sfx[] = {"", "-wal", "-shm", "-journal"};
  char p[320];
  for (size_t i = 0; i < 4; i++) {
    snprintf(p, sizeof p, "%s%s", t->path, sfx[i]);
    unlink(p);
  }
}

static inline void tmpdb_remove(tmpdb *t) {
  tmpdb_clear(t);
  rmdir(t->dir);
}

static inline ampel_store *open_ok(const char *path, int mode) {
  ampel_diags dg;
  ampel_diags_init(&dg, 0);
  ampel_status st = AMPEL_E_INTERNAL;
  ampel_store *s = ampel_store_open(path, mode, &dg, &st);
  if (!s)
    fail_msg("open '%s' (mode %d): %s", path, mode,
             dg.n ? dg.items[0].message : "?");
  assert_int_equal(st, AMPEL_OK);
  assert_int_equal(dg.n_errors, 0);
  ampel_diags_release(&dg);
  return s;
}

static inline ampel_dataset *load(ampel_store *s, int what) {
  ampel_dataset *ds = NULL;
  ampel_diags dg;
  ampel_diags_init(&dg, 0);
  assert_int_equal(ampel_store_load(s, what, &ds, &dg), AMPEL_OK);
  assert_non_null(ds);
  ampel_diags_release(&dg);
  return ds;
}

#endif
