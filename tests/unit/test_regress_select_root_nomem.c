/* Regression test, issue 2 (found by the foundation unit tests, fixed).
 *
 * Bug: src/compute/select.c, ampel_select(): `s->root =
 * ampel_dataset_root(ds);` ignores that ampel_dataset_root()
 * (src/model/dataset.c) returns -1 both for "no root" and when its
 * ampel_calloc fails. With the 3rd allocation of a default selection
 * failing (the calloc in ampel_dataset_root), ampel_select returns
 * AMPEL_OK with root = -1 although the dataset has the root 'S': callers
 * (index, lights: the reference area) silently lose the city reference.
 * Expected: AMPEL_E_NOMEM, or the right root. Fix: give
 * ampel_dataset_root a status (e.g. ampel_status ampel_dataset_root(ds,
 * long *out)) or compute the root without allocating.
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
#include "ampel/select.h"
#include "failalloc.h"

#include "select_fixture.h"

static void test_root_under_alloc_failure(void **state) {
  (void)state;
  ampel_dataset *ds = build(0);
  long root = ampel_dataset_find_area(ds, "S");
  for (long k = 1;; k++) {
    failalloc_install(k);
    ampel_selection s;
    ampel_status st = ampel_select(ds, NULL, NULL, NULL, 0, &s, NULL);
    long got = s.root;
    long failed = failalloc_failed();
    ampel_selection_release(&s);
    failalloc_uninstall();
    if (st == AMPEL_OK && got != root)
      fail_msg("allocation %ld failed: AMPEL_OK with root %ld, expected %ld",
               k, got, root);
    if (!failed)
      break;
  }
  ampel_dataset_free(ds);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_root_under_alloc_failure),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
