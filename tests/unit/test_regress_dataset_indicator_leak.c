/* Regression test, issue 2 (found by the foundation unit tests, fixed).
 *
 * Bug: src/model/dataset.c, ampel_dataset_put_indicator(). For a new
 * indicator the column-pointer array ds->cols[ds->n_inds] is allocated
 * (ampel_calloc(cap_periods ? cap_periods : 1, ...)) BEFORE the key is
 * copied and entered in the map. When ampel_strdup(ind->key) or
 * ampel_strmap_put() then fails, the function returns AMPEL_E_NOMEM with
 * n_inds unchanged, and
 *  1. ampel_dataset_free() frees cols[i] only for i < n_inds: the array
 *     leaks (test_leak_when_key_copy_fails);
 *  2. a later put_indicator() finds cols[n_inds] != NULL and reuses it,
 *     but reserve_period_slots() grows only cols[0..n_inds-1], so after
 *     periods were added in between, the reused array is too short:
 *     ampel_dataset_set() and ampel_dataset_free() access it out of
 *     bounds (heap-buffer-overflow under -fsanitize=address;
 *     test_retry_after_failure).
 * Expected: a failed put_indicator leaves the dataset as it was (free the
 * fresh array on failure, or allocate it last), so freeing leaks nothing
 * and a retry works.
 * 3. When the reserve() of ds->cols fails after ds->inds grew, cap_inds
 *    is already larger than the cols array; the next new indicator skips
 *    the reserve and indexes cols past its end. On the very first
 *    indicator ds->cols is still NULL: the retry dereferences NULL at
 *    dataset.c:253 (`if (!ds->cols[ds->n_inds])`), a crash
 *    (test_retry_after_failure, k = 2).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ampel/alloc.h"
#include "ampel/dataset.h"
#include "failalloc.h"

static ampel_indicator mk_ind(const char *key) {
  ampel_indicator ind = {(char *)key, (char *)key, NULL, NULL, NULL,
                         NULL,        NULL,        AMPEL_POL_NEUTRAL, -1, AMPEL_SECRECY_UNSET};
  return ind;
}

/* Fails each allocation of one put_indicator call in turn. */
static void test_leak_when_key_copy_fails(void **state) {
  (void)state;
  for (long k = 1; k < 20; k++) {
    failalloc_install(0);
    ampel_dataset *ds = ampel_dataset_new();
    assert_non_null(ds);
    failalloc_st.fail_at = failalloc_st.n_requests + k;
    ampel_indicator ind = mk_ind("sgb2_quote");
    ampel_status st = ampel_dataset_put_indicator(ds, &ind, NULL);
    failalloc_st.fail_at = 0;
    ampel_dataset_free(ds);
    failalloc_uninstall();
    if (failalloc_outstanding() != 0)
      fail_msg("allocation %ld of put_indicator failed (status %d): %ld "
               "block(s) leaked",
               k, (int)st, failalloc_outstanding());
    if (st == AMPEL_OK)
      break;
  }
}

static void test_retry_after_failure(void **state) {
  (void)state;
  for (long k = 1; k < 20; k++) {
    failalloc_install(0);
    ampel_dataset *ds = ampel_dataset_new();
    ampel_area a = {"a", "a", NULL, "Stadt", NAN, AMPEL_NO_TILE,
                    AMPEL_NO_TILE, NAN, NAN};
    assert_int_equal(ampel_dataset_put_area(ds, &a, NULL), AMPEL_OK);
    failalloc_st.fail_at = failalloc_st.n_requests + k;
    ampel_indicator ind = mk_ind("x");
    ampel_status st = ampel_dataset_put_indicator(ds, &ind, NULL);
    failalloc_st.fail_at = 0;
    if (st == AMPEL_OK) {
      ampel_dataset_free(ds);
      failalloc_uninstall();
      break;
    }
    for (int y = 2000; y < 2040; y++) { /* grows the period slots */
      char l[8];
      snprintf(l, sizeof l, "%d", y);
      assert_int_equal(ampel_dataset_put_period(ds, l, y * 10000 + 101, NULL),
                       AMPEL_OK);
    }
    size_t id = 99;
    assert_int_equal(ampel_dataset_put_indicator(ds, &ind, &id), AMPEL_OK);
    assert_int_equal(id, 0);
    assert_int_equal(
        ampel_dataset_set(ds, 0, id, 39, 1.0, NAN, NAN, AMPEL_FLAG_NONE),
        AMPEL_OK);
    assert_true(ampel_dataset_get(ds, 0, id, 39).value == 1.0);
    ampel_dataset_free(ds);
    failalloc_uninstall();
    assert_int_equal(failalloc_outstanding(), 0);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_leak_when_key_copy_fails),
      cmocka_unit_test(test_retry_after_failure),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
