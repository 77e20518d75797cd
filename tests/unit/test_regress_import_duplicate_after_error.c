/* Regression test, issue 2 (found by the foundation unit tests, fixed).
 *
 * Bug: src/import/import.c, put_value(). Duplicate values within one import
 * are detected only by the store (ampel_store_put_observation returning
 * AMPEL_E_DATA), and put_value() stops calling the store as soon as
 * c->writing is 0, i.e. after the first error anywhere in the import. So a
 * duplicate that comes after any other error is never reported:
 *   Gebiet;Kennzahl;Zeitraum;Wert
 *   XX;sgb2;2024;1        <- line 2: unknown area (reported)
 *   GE;sgb2;2024;2        <- line 3
 *   GE;sgb2;2024;3        <- line 4: duplicate of line 3 (NOT reported)
 * The header comment of import.c and import.h promise that one run reports
 * every problem (up to the diags limit); docs/formats.md: "Innerhalb einer
 * Einfuhr ist jeder Schlüssel und jeder Wert nur einmal erlaubt". Expected:
 * an error "doppelter Wert ..." at w.csv:4:14 (the Wert cell). Actual: only
 * the line-2 error; the user fixes it, runs again and only then learns of
 * the duplicate. Fix: track (area, indicator, period) of this import in
 * the importer (a hash set of id triples) independent of the store.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ampel/import.h"
#include "ampel/store.h"

static void test_duplicate_after_error(void **state) {
  (void)state;
  char dir[] = "/tmp/ampel-pending-XXXXXX", path[64];
  assert_non_null(mkdtemp(dir));
  snprintf(path, sizeof path, "%s/t.db", dir);
  ampel_store *s = ampel_store_open(path, AMPEL_STORE_CREATE, NULL, NULL);
  assert_non_null(s);
  static const char areas[] = "key;name;level\nGE;Gelsenkirchen;Stadt\n";
  static const char inds[] = "key;name;polarity\nsgb2;SGB II;neutral\n";
  static const char vals[] = "Gebiet;Kennzahl;Zeitraum;Wert\n"
                             "XX;sgb2;2024;1\n"
                             "GE;sgb2;2024;2\n"
                             "GE;sgb2;2024;3\n";
  const char *names[] = {"g.csv", "k.csv", "w.csv"};
  const char *data[] = {areas, inds, vals};
  size_t lens[] = {strlen(areas), strlen(inds), strlen(vals)};
  ampel_import_options o;
  memset(&o, 0, sizeof o);
  ampel_diags dg;
  ampel_diags_init(&dg, 0);
  assert_int_equal(ampel_import_buffers(s, names, data, lens, 3, &o, NULL, &dg),
                   AMPEL_E_DATA);
  int found = 0;
  for (size_t i = 0; i < dg.n; i++)
    if (dg.items[i].line == 4 && dg.items[i].column == 14 &&
        strstr(dg.items[i].message, "doppelter Wert"))
      found = 1;
  ampel_diags_release(&dg);
  ampel_store_close(s);
  char p[80];
  snprintf(p, sizeof p, "%s-wal", path);
  unlink(p);
  snprintf(p, sizeof p, "%s-shm", path);
  unlink(p);
  unlink(path);
  rmdir(dir);
  assert_true(found);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_duplicate_after_error),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
