/* Unit tests for period labels (src/model/period.c, ampel_period_parse).
 * The accepted forms and their start dates are the table in
 * docs/formats.md ("Zeiträume"); date validity is checked against the C
 * library's calendar (timegm), not against the implementation's table. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ampel/alloc.h"
#include "ampel/dataset.h"

/* Parses s; on success checks key and normalised label. */
static void expect_ok(const char *s, int32_t key, const char *label) {
  int32_t got = -1;
  char *norm = NULL;
  int rc = ampel_period_parse(s, strlen(s), &got, &norm);
  if (rc != 0)
    fail_msg("'%s' should be accepted", s);
  assert_int_equal(got, key);
  assert_non_null(norm);
  assert_string_equal(norm, label);
  ampel_free(norm);
}

static void expect_bad(const char *s) {
  int32_t got = -7;
  char *norm = NULL;
  if (ampel_period_parse(s, strlen(s), &got, &norm) == 0)
    fail_msg("'%s' should be rejected (got %d)", s, (int)got);
  assert_null(norm);
}

static void test_year(void **state) {
  (void)state;
  expect_ok("2023", 20230101, "2023");
  expect_ok("1800", 18000101, "1800");
  expect_ok("2200", 22000101, "2200");
  expect_ok("  2023\t", 20230101, "2023"); /* surrounding blanks */
}

static void test_school_year(void **state) {
  (void)state;
  expect_ok("2023/24", 20230801, "2023/24");
  expect_ok("2023/2024", 20230801, "2023/2024");
  expect_ok("1999/00", 19990801, "1999/00"); /* century wrap */
  expect_ok("1999/2000", 19990801, "1999/2000");
}

static void test_dates(void **state) {
  (void)state;
  expect_ok("2023-12-31", 20231231, "2023-12-31");
  expect_ok("2023-12", 20231201, "2023-12");
  expect_ok("2024-02-29", 20240229, "2024-02-29");
  expect_ok("2000-02-29", 20000229, "2000-02-29");
}

static void test_german_date_normalised(void **state) {
  (void)state;
  expect_ok("31.12.2023", 20231231, "2023-12-31");
  expect_ok("01.08.2023", 20230801, "2023-08-01");
  /* both spellings name one period: same key, same label */
  int32_t k1, k2;
  char *l1 = NULL, *l2 = NULL;
  assert_int_equal(ampel_period_parse("31.12.2023", 10, &k1, &l1), 0);
  assert_int_equal(ampel_period_parse("2023-12-31", 10, &k2, &l2), 0);
  assert_int_equal(k1, k2);
  assert_string_equal(l1, l2);
  ampel_free(l1);
  ampel_free(l2);
}

static void test_rejections(void **state) {
  (void)state;
  static const char *const bad[] = {
      "2023/25",    "2023/2025", "2023/23",   "2023-02-30", "2023-02-29",
      "1900-02-29", "2023-13",   "2023-00",   "2023-04-31", "32.12.2023",
      "31.13.2023", "1799",      "2201",      "1799/00",    "23",
      "2023/24/25", "",          "   ",       "\t",         "abcd",
      "2023-1-05",  "2023.12",   "20231231",  "2023/",      "/24",
      "31.12.23",   "2023-12-31x", "+2023",   "-2023",      "2O23",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    expect_bad(bad[i]);
}

static void test_length_is_respected(void **state) {
  (void)state;
  int32_t key = 0;
  char *label = NULL;
  /* only the first 7 bytes count */
  assert_int_equal(ampel_period_parse("2023/24xyz", 7, &key, &label), 0);
  assert_int_equal(key, 20230801);
  assert_string_equal(label, "2023/24");
  ampel_free(label);
  /* a prefix that is not a period */
  assert_int_not_equal(ampel_period_parse("2023-12-31", 6, &key, NULL), 0);
}

static void test_optional_outputs(void **state) {
  (void)state;
  int32_t key = 0;
  assert_int_equal(ampel_period_parse("2023-12", 7, &key, NULL), 0);
  assert_int_equal(key, 20231201);
  char *label = NULL;
  assert_int_equal(ampel_period_parse("2023", 4, NULL, &label), 0);
  assert_string_equal(label, "2023");
  ampel_free(label);
}

/* Start dates order the forms as documented: a year starts in January, a
 * school year in August of its first year. */
static void test_sort_order(void **state) {
  (void)state;
  static const char *const in_order[] = {"2022/23", "2023", "2023-07",
                                         "2023/24", "2023-12", "31.12.2023",
                                         "2024"};
  int32_t prev = INT32_MIN;
  for (size_t i = 0; i < sizeof in_order / sizeof in_order[0]; i++) {
    int32_t k;
    assert_int_equal(ampel_period_parse(in_order[i], strlen(in_order[i]), &k,
                                        NULL),
                     0);
    assert_true(k > prev);
    prev = k;
  }
}

/* Every calendar day 1800..2200 in ISO and German spelling, compared with
 * timegm's notion of a valid date, plus day 29..31 of every month. */
static void test_calendar_against_libc(void **state) {
  (void)state;
  long accepted = 0;
  for (int y = 1800; y <= 2200; y++) {
    for (int m = 1; m <= 12; m++) {
      for (int d = 1; d <= 31; d++) {
        struct tm tm = {0};
        tm.tm_year = y - 1900;
        tm.tm_mon = m - 1;
        tm.tm_mday = d;
        tm.tm_hour = 12;
        time_t t = timegm(&tm);
        struct tm back;
        gmtime_r(&t, &back);
        int valid = back.tm_mday == d && back.tm_mon == m - 1;
        char iso[16], de[16];
        snprintf(iso, sizeof iso, "%04d-%02d-%02d", y, m, d);
        snprintf(de, sizeof de, "%02d.%02d.%04d", d, m, y);
        int32_t k1 = 0, k2 = 0;
        int r1 = ampel_period_parse(iso, 10, &k1, NULL);
        int r2 = ampel_period_parse(de, 10, &k2, NULL);
        if ((r1 == 0) != valid || (r2 == 0) != valid)
          fail_msg("%s: valid=%d, parse %d/%d", iso, valid, r1, r2);
        if (valid) {
          assert_int_equal(k1, y * 10000 + m * 100 + d);
          assert_int_equal(k2, k1);
          accepted++;
        }
      }
    }
  }
  /* 401 years: 146,097 days per 400 Gregorian years + 365 for 2200 */
  assert_int_equal(accepted, 146097 + 365);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_year),
      cmocka_unit_test(test_school_year),
      cmocka_unit_test(test_dates),
      cmocka_unit_test(test_german_date_normalised),
      cmocka_unit_test(test_rejections),
      cmocka_unit_test(test_length_is_respected),
      cmocka_unit_test(test_optional_outputs),
      cmocka_unit_test(test_sort_order),
      cmocka_unit_test(test_calendar_against_libc),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
