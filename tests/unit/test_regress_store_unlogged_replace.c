/* Regression test, issue 2 (found by the foundation unit tests, fixed).
 *
 * Bug: src/store/sqlite.c, sq_begin()/sq_put_observation(). The duplicate
 * check relies on import ids: a transaction's rows get
 * import_id = max(import.id) + 1 (computed in sq_begin), and the upsert only
 * overwrites rows `WHERE observation.import_id <> excluded.import_id`. When
 * a committed transaction did not call ampel_store_log_import(), no import
 * row exists for its id, so the NEXT transaction computes the same
 * import_id, and re-putting any cell written by the earlier transaction is
 * reported as a duplicate:
 *   begin; put area/indicator/period; put_observation(A,i,2023, 1); commit
 *   begin; put_observation(A,i,2023, 2)  -> AMPEL_E_DATA
 * store.h: "Returns AMPEL_E_DATA when the same (area, indicator, period)
 * was already put in the CURRENT transaction"; across transactions the
 * value must be replaced (expected AMPEL_OK and value 2 after commit).
 * The importer always logs, so `ampel import` is not affected; any other
 * writer of the store API (tests, a future server upload path, migrations)
 * is. Fix: a per-transaction token that is unique even without a log row
 * (e.g. reserve the import id by inserting the import row in sq_begin, or
 * keep a transaction counter in meta).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ampel/alloc.h"
#include "ampel/store.h"

#include "tmpdb.h"

static void test_replace_without_log(void **state) {
  (void)state;
  tmpdb t;
  tmpdb_make(&t);
  ampel_store *s = open_ok(t.path, AMPEL_STORE_CREATE);
  assert_int_equal(ampel_store_begin(s), AMPEL_OK);
  ampel_area a = {"A", "A", NULL, "Stadt", NAN, AMPEL_NO_TILE, AMPEL_NO_TILE,
                  NAN, NAN};
  assert_int_equal(ampel_store_put_area(s, &a), AMPEL_OK);
  ampel_indicator ind = {"i", "i", NULL, NULL, NULL, NULL, NULL,
                         AMPEL_POL_NEUTRAL, -1, AMPEL_SECRECY_UNSET};
  assert_int_equal(ampel_store_put_indicator(s, &ind), AMPEL_OK);
  assert_int_equal(ampel_store_put_period(s, "2023", 20230101), AMPEL_OK);
  assert_int_equal(ampel_store_put_observation(s, "A", "i", "2023", 1, NAN,
                                               NAN, AMPEL_FLAG_NONE),
                   AMPEL_OK);
  assert_int_equal(ampel_store_commit(s), AMPEL_OK);
  assert_int_equal(ampel_store_begin(s), AMPEL_OK);
  assert_int_equal(ampel_store_put_observation(s, "A", "i", "2023", 2, NAN,
                                               NAN, AMPEL_FLAG_NONE),
                   AMPEL_OK);
  assert_int_equal(ampel_store_commit(s), AMPEL_OK);
  ampel_dataset *ds = load(s, AMPEL_LOAD_ALL);
  assert_true(ampel_dataset_get(ds, 0, 0, 0).value == 2);
  ampel_dataset_free(ds);
  ampel_store_close(s);
  tmpdb_remove(&t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_replace_without_log),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
