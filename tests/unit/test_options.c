/* Unit tests for the one option table (src/analysis/options.c): the
 * table's order, number/choice/flag parsing with the messages every
 * front-end shows, defaults, the canonical (cache) key, help lines. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "ampel/alloc.h"
#include "ampel/options.h"

static ampel_status set(ampel_query *q, ampel_opt_id id, const char *v,
                        char *msg) {
  return ampel_query_set(q, ampel_opt_get(id), v, msg, 256);
}

static void test_table_in_id_order(void **state) {
  (void)state;
  assert_int_equal(ampel_opt_table_ok(), 1);
  for (int i = 0; i < AMPEL_OPT_COUNT; i++)
    assert_int_equal(ampel_opt_get((ampel_opt_id)i)->id, i);
  assert_null(ampel_opt_get(AMPEL_OPT_COUNT));
}

static void test_numbers_and_ranges(void **state) {
  (void)state;
  ampel_query q;
  char msg[256];
  ampel_query_init(&q, NULL, 0);
  assert_int_equal(set(&q, AMPEL_OPT_BAND, "0,75", msg), AMPEL_OK);
  assert_true(ampel_query_num(&q, AMPEL_OPT_BAND) == 0.75);
  assert_int_equal(set(&q, AMPEL_OPT_BAND, "1.5", msg), AMPEL_OK);
  assert_true(ampel_query_num(&q, AMPEL_OPT_BAND) == 1.5);
  assert_int_equal(set(&q, AMPEL_OPT_BAND, "0", msg), AMPEL_E_USAGE);
  assert_string_equal(msg, "Zahl größer als 0 erwartet, gefunden: '0'");
  assert_int_equal(set(&q, AMPEL_OPT_BAND, "viel", msg), AMPEL_E_USAGE);
  assert_int_equal(set(&q, AMPEL_OPT_BAND, "1,5.0", msg), AMPEL_E_USAGE);
  assert_int_equal(set(&q, AMPEL_OPT_BAND, "nan", msg), AMPEL_E_USAGE);
  assert_int_equal(set(&q, AMPEL_OPT_BAND, "1e999", msg), AMPEL_E_USAGE);
  assert_int_equal(set(&q, AMPEL_OPT_BASE_SHARE, "1", msg), AMPEL_OK);
  assert_int_equal(set(&q, AMPEL_OPT_BASE_SHARE, "1.01", msg),
                   AMPEL_E_USAGE);
  assert_string_equal(msg, "Zahl von 0 bis 1 erwartet, gefunden: '1.01'");
  assert_int_equal(set(&q, AMPEL_OPT_TOP_SHARE, "1", msg), AMPEL_E_USAGE);
  assert_int_equal(set(&q, AMPEL_OPT_LEVELS, "9", msg), AMPEL_OK);
  assert_int_equal(set(&q, AMPEL_OPT_LEVELS, "9.5", msg), AMPEL_E_USAGE);
  assert_string_equal(msg,
                      "ganze Zahl von 1 bis 1000 erwartet, gefunden: '9.5'");
  assert_int_equal(set(&q, AMPEL_OPT_LEVELS, "0", msg), AMPEL_E_USAGE);
}

static void test_choice_flag_text(void **state) {
  (void)state;
  ampel_query q;
  char msg[256];
  ampel_query_init(&q, NULL, 0);
  assert_int_equal(set(&q, AMPEL_OPT_LINKAGE, "ward", msg), AMPEL_OK);
  assert_int_equal(ampel_query_choice(&q, AMPEL_OPT_LINKAGE), 3);
  assert_int_equal(set(&q, AMPEL_OPT_LINKAGE, "Ward", msg), AMPEL_E_USAGE);
  assert_string_equal(msg, "erwartet complete, average, single oder ward, "
                           "gefunden: 'Ward'");
  assert_int_equal(set(&q, AMPEL_OPT_NO_LABELS, "ja", msg), AMPEL_OK);
  assert_int_equal(ampel_query_flag(&q, AMPEL_OPT_NO_LABELS), 1);
  assert_int_equal(set(&q, AMPEL_OPT_NO_LABELS, "vielleicht", msg),
                   AMPEL_E_USAGE);
  assert_int_equal(set(&q, AMPEL_OPT_LEVEL, "", msg), AMPEL_E_USAGE);
  assert_int_equal(set(&q, AMPEL_OPT_LEVEL, "Stadt\x01teil", msg),
                   AMPEL_E_USAGE);
  assert_int_equal(set(&q, AMPEL_OPT_LEVEL, "Stadtteil", msg), AMPEL_OK);
  assert_string_equal(ampel_query_text(&q, AMPEL_OPT_LEVEL), "Stadtteil");
}

static void test_defaults(void **state) {
  (void)state;
  static const ampel_opt_id ids[] = {AMPEL_OPT_LINKAGE, AMPEL_OPT_LEVELS,
                                     AMPEL_OPT_LEVEL};
  ampel_query q;
  ampel_query_init(&q, ids, 3);
  assert_int_equal(ampel_query_choice(&q, AMPEL_OPT_LINKAGE), 0);
  assert_true(ampel_query_num(&q, AMPEL_OPT_LEVELS) == 9);
  assert_false(ampel_query_given(&q, AMPEL_OPT_LEVELS));
  assert_null(ampel_query_text(&q, AMPEL_OPT_LEVEL));
  assert_true(isnan(ampel_query_num(&q, AMPEL_OPT_BAND)));
}

static void test_find_dash_underscore(void **state) {
  (void)state;
  static const ampel_opt_id ids[] = {AMPEL_OPT_BASE_SHARE,
                                     AMPEL_OPT_INDEX_METHOD};
  assert_non_null(ampel_opt_find(ids, 2, "base_share", 10));
  assert_non_null(ampel_opt_find(ids, 2, "base-share", 10));
  assert_null(ampel_opt_find(ids, 2, "base", 4));
  assert_int_equal(ampel_opt_find(ids, 2, "method", 6)->id,
                   AMPEL_OPT_INDEX_METHOD);
}

/* Two different parameter lists never share a canonical key (issue 10:
 * the page cache showed the Stadtteil page for ?foo=x%26level%3DStadt). */
static void test_canonical_unambiguous(void **state) {
  (void)state;
  static const ampel_opt_id ids[] = {AMPEL_OPT_LEVEL, AMPEL_OPT_PERIOD};
  ampel_query a, b;
  ampel_query_init(&a, ids, 2);
  ampel_query_init(&b, ids, 2);
  assert_int_equal(set(&a, AMPEL_OPT_PERIOD, "x&level=Stadt", NULL),
                   AMPEL_OK);
  assert_int_equal(set(&b, AMPEL_OPT_PERIOD, "x", NULL), AMPEL_OK);
  assert_int_equal(set(&b, AMPEL_OPT_LEVEL, "Stadt", NULL), AMPEL_OK);
  ampel_buf ka, kb;
  ampel_buf_init(&ka);
  ampel_buf_init(&kb);
  ampel_query_canonical(&a, ids, 2, &ka);
  ampel_query_canonical(&b, ids, 2, &kb);
  ampel_buf_putc(&ka, '\0');
  ampel_buf_putc(&kb, '\0');
  assert_string_equal(ka.data, "period=x%26level%3DStadt");
  assert_string_equal(kb.data, "level=Stadt&period=x");
  ampel_buf_release(&ka);
  ampel_buf_release(&kb);
}

static void test_help_line(void **state) {
  (void)state;
  static const ampel_opt_id ids[] = {AMPEL_OPT_LINKAGE};
  ampel_buf b;
  ampel_buf_init(&b);
  ampel_opt_help(ids, 1, &b);
  ampel_buf_putc(&b, '\0');
  assert_string_equal(b.data,
                      "  --linkage VERFAHREN   Verfahren der Clusteranalyse: "
                      "complete, average,\n"
                      "                        single oder ward (Vorgabe: "
                      "complete)\n");
  ampel_buf_release(&b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_table_in_id_order),
      cmocka_unit_test(test_numbers_and_ranges),
      cmocka_unit_test(test_choice_flag_text),
      cmocka_unit_test(test_defaults),
      cmocka_unit_test(test_find_dash_underscore),
      cmocka_unit_test(test_canonical_unambiguous),
      cmocka_unit_test(test_help_line),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
