/* Unit tests for ampel_number_parse (src/read/number.c) and the flag and
 * polarity names (src/model/flags.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ampel/dataset.h"
#include "ampel/read.h"

typedef struct num_case {
  const char *text;
  char decimal;
  ampel_num_kind kind;
  double value; /* NAN: no value */
  ampel_flag flag;
} num_case;

static void check_cases(const num_case *cases, size_t n) {
  for (size_t k = 0; k < n; k++) {
    const num_case *c = &cases[k];
    double v = 12345.0;
    ampel_flag f = AMPEL_FLAG_COUNT_;
    ampel_num_kind kind =
        ampel_number_parse(c->text, strlen(c->text), c->decimal, &v, &f);
    int ok = kind == c->kind && f == c->flag &&
             (isnan(c->value) ? isnan(v) : v == c->value);
    if (!ok)
      fail_msg("'%s' (decimal '%c'): got kind %d value %.17g flag %d, want "
               "kind %d value %.17g flag %d",
               c->text, c->decimal, (int)kind, v, (int)f, (int)c->kind,
               c->value, (int)c->flag);
  }
}

#define V AMPEL_NUM_VALUE
#define BAD AMPEL_NUM_BAD
#define SYM AMPEL_NUM_SYMBOL
#define NONE AMPEL_FLAG_NONE
#define N(x) (sizeof(x) / sizeof((x)[0]))

static void test_plain_numbers(void **state) {
  (void)state;
  static const num_case cases[] = {
      {"0", ',', V, 0, NONE},
      {"42", '.', V, 42, NONE},
      {"12,5", ',', V, 12.5, NONE},
      {"12.5", '.', V, 12.5, NONE},
      {"+3", ',', V, 3, NONE},
      {"-3", ',', V, -3, NONE},
      {"\xE2\x88\x92" "5", ',', V, -5, NONE}, /* U+2212 */
      {"\xE2\x88\x92 5,5", ',', V, -5.5, NONE},
      {"-  23", ',', V, -23, NONE},
      {"-0", ',', V, 0, NONE},
      {"007", ',', V, 7, NONE},
      {",5", ',', V, 0.5, NONE},
      {".5", '.', V, 0.5, NONE},
      {"-,25", ',', V, -0.25, NONE},
      {"0,1", ',', V, 0.1, NONE},
      {"-0.25", '.', V, -0.25, NONE},
  };
  check_cases(cases, N(cases));
}

static void test_thousands(void **state) {
  (void)state;
  static const num_case cases[] = {
      {"1 675", ',', V, 1675, NONE},
      {" 1 675    ", ',', V, 1675, NONE},
      {"1.234,5", ',', V, 1234.5, NONE},
      {"1.234.567,25", ',', V, 1234567.25, NONE},
      {"1.234", ',', V, 1234, NONE},
      {"1,234.5", '.', V, 1234.5, NONE},
      {"1,234,567", '.', V, 1234567, NONE},
      {"12,345", '.', V, 12345, NONE},
      {"1\xC2\xA0" "234,5", ',', V, 1234.5, NONE},    /* U+00A0 */
      {"1\xE2\x80\xAF" "234", '.', V, 1234, NONE},    /* U+202F */
      {"1 234 567", '.', V, 1234567, NONE},
      {"-1.000", ',', V, -1000, NONE},
      /* wrong groups */
      {"1.2", ',', BAD, NAN, NONE},
      {"1.23", ',', BAD, NAN, NONE},
      {"1.2345", ',', BAD, NAN, NONE},
      {"1234.567", ',', BAD, NAN, NONE},
      {"12,5", '.', BAD, NAN, NONE},
      {"1,23.5", '.', BAD, NAN, NONE},
      {"1,2345", '.', BAD, NAN, NONE},
      {"1  675", ',', BAD, NAN, NONE},
      {"1 67", ',', BAD, NAN, NONE},
      {"1.234 567", ',', BAD, NAN, NONE},
      {".234", ',', BAD, NAN, NONE},
      {"1.234,5.6", ',', BAD, NAN, NONE},
  };
  check_cases(cases, N(cases));
}

static void test_trimming(void **state) {
  (void)state;
  static const num_case cases[] = {
      {"  12,5  ", ',', V, 12.5, NONE},
      {"\t7\t", ',', V, 7, NONE},
      {"\xC2\xA0" "8\xC2\xA0", ',', V, 8, NONE},
      {"\xE2\x80\xAF" "9\xE2\x80\xAF", ',', V, 9, NONE},
      {"10\r\n", ',', V, 10, NONE},
      {"", ',', AMPEL_NUM_EMPTY, NAN, NONE},
      {"   ", ',', AMPEL_NUM_EMPTY, NAN, NONE},
      {"\xC2\xA0 \t", '.', AMPEL_NUM_EMPTY, NAN, NONE},
  };
  check_cases(cases, N(cases));
}

static void test_symbols(void **state) {
  (void)state;
  static const num_case cases[] = {
      {".", ',', SYM, NAN, AMPEL_FLAG_SECRET},
      {" . ", '.', SYM, NAN, AMPEL_FLAG_SECRET},
      {"-", ',', SYM, 0, AMPEL_FLAG_ZERO},
      {" - ", '.', SYM, 0, AMPEL_FLAG_ZERO},
      {"\xE2\x80\x93", ',', SYM, 0, AMPEL_FLAG_ZERO}, /* en dash */
      {"x", ',', SYM, NAN, AMPEL_FLAG_NOT_MEANINGFUL},
      {"X", ',', SYM, NAN, AMPEL_FLAG_NOT_MEANINGFUL},
      {"...", ',', SYM, NAN, AMPEL_FLAG_NOT_YET},
      {"\xE2\x80\xA6", ',', SYM, NAN, AMPEL_FLAG_NOT_YET}, /* … */
      {"/", ',', SYM, NAN, AMPEL_FLAG_UNRELIABLE},
      {"*", ',', SYM, NAN, AMPEL_FLAG_ANONYMISED},
      {"(12,5)", ',', V, 12.5, AMPEL_FLAG_LIMITED},
      {"( 1.234,5 )", ',', V, 1234.5, AMPEL_FLAG_LIMITED},
      {"(-3)", ',', V, -3, AMPEL_FLAG_LIMITED},
      {"(12.5)", '.', V, 12.5, AMPEL_FLAG_LIMITED},
      {"()", ',', BAD, NAN, NONE},
      {"( )", ',', BAD, NAN, NONE},
      {"((1))", ',', BAD, NAN, NONE},
      {"(.)", ',', BAD, NAN, NONE},
      {"(12", ',', BAD, NAN, NONE},
      {"..", ',', BAD, NAN, NONE},
      {"xx", ',', BAD, NAN, NONE},
      {"--", ',', BAD, NAN, NONE},
  };
  check_cases(cases, N(cases));
}

static void test_rejected(void **state) {
  (void)state;
  static const num_case cases[] = {
      {"1.2.3", '.', BAD, NAN, NONE},
      {"1.2.3", ',', BAD, NAN, NONE},
      {"12,", ',', BAD, NAN, NONE},
      {"12.", '.', BAD, NAN, NONE},
      {",", ',', BAD, NAN, NONE},
      {"+", ',', BAD, NAN, NONE},
      {"- ", ',', SYM, 0, AMPEL_FLAG_ZERO}, /* trimmed to "-" */
      {"12,5 %", ',', BAD, NAN, NONE},
      {"12,5%", ',', BAD, NAN, NONE},
      {"€ 5", ',', BAD, NAN, NONE},
      {"5 €", ',', BAD, NAN, NONE},
      {"nan", '.', BAD, NAN, NONE},
      {"NaN", ',', BAD, NAN, NONE},
      {"inf", '.', BAD, NAN, NONE},
      {"-Infinity", '.', BAD, NAN, NONE},
      {"0x10", '.', BAD, NAN, NONE},
      {"1e3", ',', BAD, NAN, NONE},
      {"--5", ',', BAD, NAN, NONE},
      {"+-5", ',', BAD, NAN, NONE},
      {"5-", ',', BAD, NAN, NONE},
      {"1 2", ',', BAD, NAN, NONE},
      {"abc", ',', BAD, NAN, NONE},
      {"1e400", '.', BAD, NAN, NONE},
      {"\xE2\x80\x93" "5", ',', BAD, NAN, NONE}, /* en dash is no sign */
      {"12", ';', BAD, NAN, NONE},               /* bad decimal mark */
  };
  check_cases(cases, N(cases));
}

static void test_exponent(void **state) {
  (void)state;
  static const num_case cases[] = {
      {"1e3", '.', V, 1000, NONE},
      {"1.5E-2", '.', V, 0.015, NONE},
      {"-2.5e+1", '.', V, -25, NONE},
      {"1e", '.', BAD, NAN, NONE},
      {"e3", '.', BAD, NAN, NONE},
      {"1e3.5", '.', BAD, NAN, NONE},
  };
  check_cases(cases, N(cases));
}

/* Values against printf/strtod round trips over a range of magnitudes:
 * German rendering of %.6f with '.' groups must parse back to the same
 * value as C-locale %.6f. */
static void test_round_trip(void **state) {
  (void)state;
  double x = 0.000123;
  for (int k = 0; k < 40; k++, x *= -3.7) {
    char c_text[64], de[96];
    snprintf(c_text, sizeof c_text, "%.6f", x);
    double want = strtod(c_text, NULL);
    /* build the German form: groups of three with '.', decimal ',' */
    const char *p = c_text;
    size_t o = 0;
    if (*p == '-')
      de[o++] = *p++;
    const char *dot = strchr(p, '.');
    size_t nint = (size_t)(dot - p);
    for (size_t i = 0; i < nint; i++) {
      if (i > 0 && (nint - i) % 3 == 0)
        de[o++] = '.';
      de[o++] = p[i];
    }
    de[o++] = ',';
    strcpy(de + o, dot + 1);
    double got = NAN;
    ampel_flag f;
    assert_int_equal(ampel_number_parse(de, strlen(de), ',', &got, &f), V);
    if (got != want)
      fail_msg("'%s' gave %.17g, want %.17g", de, got, want);
    assert_int_equal(
        ampel_number_parse(c_text, strlen(c_text), '.', &got, NULL), V);
    assert_true(got == want);
  }
}

/* The fast paths (simple cells, util/decimal.c) against strtod on the
 * normalised text: random digit strings of 1 to 20 digits with a sign, a
 * decimal mark anywhere, for both marks; plus the edges (2^53, 10^22,
 * 17 digits, -0). Each must read exactly as strtod reads it. */
static void test_fast_path_exact(void **state) {
  (void)state;
  static const char *const edges[] = {
      "9007199254740992", "9007199254740993", "9007199254740991",
      "0.0000000000000000000001", "10000000000000000000000",
      "12345678901234567", "1234567890123456.7", "-0", "-0.000", "000123.4500",
      ".5", "-.5", "0.1", "0.3", "2.2250738585072014", "1.7976931348623157"};
  char text[64], norm[64];
  for (size_t k = 0; k < sizeof edges / sizeof edges[0]; k++) {
    double v = NAN, want = strtod(edges[k], NULL);
    assert_int_equal(ampel_number_parse(edges[k], strlen(edges[k]), '.', &v,
                                        NULL),
                     AMPEL_NUM_VALUE);
    if (want == 0)
      want = 0.0;
    assert_memory_equal(&v, &want, sizeof v);
  }
  unsigned long long x = 88172645463325252ull;
  for (int t = 0; t < 200000; t++) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    int nd = 1 + (int)(x % 20), dot = (int)((x >> 8) % (unsigned)(nd + 1));
    char mark = (x >> 16) & 1 ? ',' : '.';
    size_t o = 0, m = 0;
    if ((x >> 17) & 1)
      text[o++] = norm[m++] = '-';
    for (int d = 0; d < nd; d++) {
      if (d == dot && d > 0) {
        text[o++] = mark;
        norm[m++] = '.';
      }
      char c = (char)('0' + (x >> (20 + 2 * (d % 20))) % 10);
      text[o++] = norm[m++] = c;
    }
    text[o] = norm[m] = '\0';
    double v = NAN, want = strtod(norm, NULL);
    if (want == 0)
      want = 0.0;
    assert_int_equal(ampel_number_parse(text, o, mark, &v, NULL),
                     AMPEL_NUM_VALUE);
    if (memcmp(&v, &want, sizeof v) != 0)
      fail_msg("'%s' (mark %c): %.17g, strtod %.17g", text, mark, v, want);
  }
}

static void test_null_outputs_and_long_input(void **state) {
  (void)state;
  assert_int_equal(ampel_number_parse("5", 1, ',', NULL, NULL), V);
  assert_int_equal(ampel_number_parse(NULL, 0, ',', NULL, NULL),
                   AMPEL_NUM_EMPTY);
  char big[1000];
  memset(big, '1', sizeof big);
  double v = 0;
  assert_int_equal(ampel_number_parse(big, sizeof big, '.', &v, NULL), BAD);
  assert_true(isnan(v));
  /* length is respected: no reading past len */
  assert_int_equal(ampel_number_parse("12,5xyz", 4, ',', &v, NULL), V);
  assert_true(v == 12.5);
}

/* ---- flags and polarity ----------------------------------------------- */

static void test_flag_symbols_round_trip(void **state) {
  (void)state;
  for (int f = AMPEL_FLAG_NONE; f < AMPEL_FLAG_COUNT_; f++) {
    const char *sym = ampel_flag_symbol((ampel_flag)f);
    ampel_flag back = AMPEL_FLAG_COUNT_;
    assert_int_equal(ampel_flag_parse(sym, strlen(sym), &back), 0);
    assert_int_equal(back, f);
    assert_true(strlen(ampel_flag_label_de((ampel_flag)f)) > 0);
  }
  assert_string_equal(ampel_flag_symbol(AMPEL_FLAG_SECRET), ".");
  assert_string_equal(ampel_flag_symbol(AMPEL_FLAG_LIMITED), "()");
  assert_string_equal(ampel_flag_label_de(AMPEL_FLAG_SECRET),
                      "geheim oder unbekannt");
  ampel_flag f;
  assert_int_equal(ampel_flag_parse("X", 1, &f), 0);
  assert_int_equal(f, AMPEL_FLAG_NOT_MEANINGFUL);
  assert_int_equal(ampel_flag_parse("\xE2\x80\xA6", 3, &f), 0);
  assert_int_equal(f, AMPEL_FLAG_NOT_YET);
  assert_int_equal(ampel_flag_parse(" / ", 3, &f), 0);
  assert_int_equal(f, AMPEL_FLAG_UNRELIABLE);
  assert_int_equal(ampel_flag_parse("?", 1, &f), -1);
  assert_int_equal(ampel_flag_parse("12", 2, &f), -1);
  assert_int_equal(ampel_flag_parse("(", 1, &f), -1);
}

static void test_flag_has_value(void **state) {
  (void)state;
  int with[AMPEL_FLAG_COUNT_] = {0};
  with[AMPEL_FLAG_NONE] = with[AMPEL_FLAG_ZERO] = 1;
  with[AMPEL_FLAG_LIMITED] = 1;
  for (int f = 0; f < AMPEL_FLAG_COUNT_; f++)
    assert_int_equal(ampel_flag_has_value((ampel_flag)f), with[f]);
  /* the parser agrees: symbols with a value give one */
  for (int f = 1; f < AMPEL_FLAG_COUNT_; f++) {
    const char *sym = ampel_flag_symbol((ampel_flag)f);
    double v;
    ampel_flag got;
    ampel_num_kind k = ampel_number_parse(sym, strlen(sym), ',', &v, &got);
    if (f == AMPEL_FLAG_LIMITED) {
      assert_int_equal(k, BAD);
      continue;
    }
    assert_int_equal(k, SYM);
    assert_int_equal(got, f);
    assert_int_equal(!isnan(v), with[f]);
  }
}

static void test_polarity(void **state) {
  (void)state;
  static const struct {
    const char *text;
    int ok;
    ampel_polarity pol;
  } cases[] = {
      {"higher_is_better", 1, AMPEL_POL_HIGHER_IS_BETTER},
      {"Higher_Is_Better", 1, AMPEL_POL_HIGHER_IS_BETTER},
      {"higher_is_worse", 1, AMPEL_POL_HIGHER_IS_WORSE},
      {"neutral", 1, AMPEL_POL_NEUTRAL},
      {"NEUTRAL", 1, AMPEL_POL_NEUTRAL},
      {"hoch_ist_gut", 1, AMPEL_POL_HIGHER_IS_BETTER},
      {"HOCH_IST_SCHLECHT", 1, AMPEL_POL_HIGHER_IS_WORSE},
      {"hoch ist gut", 0, AMPEL_POL_NEUTRAL},
      {"better", 0, AMPEL_POL_NEUTRAL},
      {"", 0, AMPEL_POL_NEUTRAL},
      {"neutrall", 0, AMPEL_POL_NEUTRAL},
  };
  for (size_t k = 0; k < N(cases); k++) {
    ampel_polarity p = (ampel_polarity)99;
    int rc = ampel_polarity_parse(cases[k].text, strlen(cases[k].text), &p);
    assert_int_equal(rc, cases[k].ok ? 0 : -1);
    if (cases[k].ok) {
      assert_int_equal(p, cases[k].pol);
      const char *name = ampel_polarity_name(p);
      ampel_polarity back;
      assert_int_equal(ampel_polarity_parse(name, strlen(name), &back), 0);
      assert_int_equal(back, p);
    }
  }
  assert_string_equal(ampel_polarity_name(AMPEL_POL_HIGHER_IS_WORSE),
                      "higher_is_worse");
  /* the length is respected */
  ampel_polarity p;
  assert_int_equal(ampel_polarity_parse("neutralXYZ", 7, &p), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_plain_numbers),
      cmocka_unit_test(test_thousands),
      cmocka_unit_test(test_trimming),
      cmocka_unit_test(test_symbols),
      cmocka_unit_test(test_rejected),
      cmocka_unit_test(test_exponent),
      cmocka_unit_test(test_round_trip),
      cmocka_unit_test(test_fast_path_exact),
      cmocka_unit_test(test_null_outputs_and_long_input),
      cmocka_unit_test(test_flag_symbols_round_trip),
      cmocka_unit_test(test_flag_has_value),
      cmocka_unit_test(test_polarity),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
