/* Regression test, issue 2 (found by the foundation unit tests, fixed).
 *
 * Bug: src/store/sqlite.c, sq_put_observation() -> cached_get() (added in
 * the working tree together with `last_key`). The one-entry cache that maps
 * a key to its store id is keyed by the ADDRESS of the key string
 * (`if (c->ptr == key) return c->id;`), not by its contents. store.h does
 * not require callers to pass stable strings, so a caller that formats keys
 * into one reused buffer (or frees a key and gets the same address back for
 * another key within a transaction) gets the id of the previous key:
 *   begin; put_area A; put_area B; put_indicator i; put_period 2023;
 *   char key[8] = "A"; put_observation(key, "i", "2023", 1)  -> OK, cell A
 *   strcpy(key, "B");  put_observation(key, "i", "2023", 2)  -> AMPEL_E_DATA
 * Expected: the second call writes cell B (status AMPEL_OK) and after the
 * commit A = 1 and B = 2. Actual: it resolves key "B" to A's id, finds A
 * already written in this transaction and reports a duplicate; with a
 * different period or indicator it would silently write B's value into A.
 * Fix: compare the cached key's contents (keep a copy or its length and
 * memcmp), or document and enforce the stable-pointer rule in store.h.
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

static void test_reused_key_buffer(void **state) {
  (void)state;
  tmpdb t;
  tmpdb_make(&t);
  ampel_store *s = open_ok(t.path, AMPEL_STORE_CREATE);
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
  char key[8] = "A";
  assert_int_equal(ampel_store_put_observation(s, key, "i", "2023", 1, NAN,
                                               NAN, AMPEL_FLAG_NONE),
                   AMPEL_OK);
  strcpy(key, "B");
  assert_int_equal(ampel_store_put_observation(s, key, "i", "2023", 2, NAN,
                                               NAN, AMPEL_FLAG_NONE),
                   AMPEL_OK);
  assert_int_equal(ampel_store_commit(s), AMPEL_OK);
  ampel_dataset *ds = load(s, AMPEL_LOAD_ALL);
  assert_true(ampel_dataset_get(ds, 0, 0, 0).value == 1);
  assert_true(ampel_dataset_get(ds, 1, 0, 0).value == 2);
  ampel_dataset_free(ds);
  ampel_store_close(s);
  tmpdb_remove(&t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_reused_key_buffer),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
