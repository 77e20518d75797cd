/* Unit tests for the output buffer (src/util/buf.c). References: strtod
 * for round trips, Python's repr() for the shortest texts, jansson for
 * JSON, ampel's own CSV reader for RFC 4180 quoting. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <float.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ampel/alloc.h"
#include "ampel/buf.h"
#include "ampel/read.h"
#include "failalloc.h"

/* ---- doubles ----------------------------------------------------------- */

/* Significant digits in a %g-style text. */
static int sig_digits(const char *s) {
  int n = 0, started = 0;
  for (; *s && *s != 'e' && *s != 'E'; s++) {
    if (*s >= '1' && *s <= '9')
      started = 1;
    if (started && *s >= '0' && *s <= '9')
      n++;
  }
  /* trailing zeros of an integer text are not significant for %g */
  return n;
}

/* The definition: the first of %.1g ... %.17g that reads back. */
static void shortest_by_definition(double v, char *out, size_t size) {
  for (int prec = 1; prec <= 17; prec++) {
    snprintf(out, size, "%.*g", prec, v);
    if (strtod(out, NULL) == v)
      return;
  }
}

static void check_format(double v, int by_definition) {
  char out[40];
  ampel_format_double(v, out, sizeof out);
  double back = strtod(out, NULL);
  if (back != v)
    fail_msg("%.17g formatted as '%s' reads back as %.17g", v, out, back);
  if (by_definition && v != 0 && !(fabs(v) < 1e15 && v == floor(v))) {
    /* the shortcut (at most three tries) gives the definition's text */
    char want[40];
    shortest_by_definition(v, want, sizeof want);
    if (strcmp(out, want) != 0)
      fail_msg("%.17g formatted as '%s', by definition '%s'", v, out, want);
  }
  if (v != 0 && fabs(v) >= 1e-300) {
    /* shortest: one significant digit less does not round-trip */
    int d = sig_digits(out);
    if (d > 1 && v != floor(v)) {
      char shorter[400];
      snprintf(shorter, sizeof shorter, "%.*g", d - 1, v);
      if (strtod(shorter, NULL) == v)
        fail_msg("'%s' for %.17g is not shortest ('%s')", out, v, shorter);
    }
  }
}

static void check_roundtrip(double v) {
  check_format(v, 1);
}

static void test_double_known(void **state) {
  (void)state;
  /* expected texts: Python 3 repr() (shortest round trip), where a whole
   * number below 1e15 is written without exponent and fraction */
  static const struct {
    double v;
    const char *text;
  } cases[] = {
      {0.1, "0.1"},
      {1.0 / 3.0, "0.3333333333333333"},
      {1e-7, "1e-07"},
      {263000.0, "263000"},
      {1e300, "1e+300"},
      {DBL_MIN, "2.2250738585072014e-308"},
      {-2.5e-7, "-2.5e-07"},
      {1675.0, "1675"},
      {12.5, "12.5"},
      {-0.5, "-0.5"},
      {DBL_MAX, "1.7976931348623157e+308"},
      {5e-324, "5e-324"},
      {0.30000000000000004, "0.30000000000000004"},
      {123456789012345.0, "123456789012345"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char out[40];
    ampel_format_double(cases[i].v, out, sizeof out);
    assert_string_equal(out, cases[i].text);
    assert_true(strtod(out, NULL) == cases[i].v);
  }
}

static void test_double_zero_and_nan(void **state) {
  (void)state;
  char out[40];
  ampel_format_double(0.0, out, sizeof out);
  assert_string_equal(out, "0");
  /* -0.0 is written as "0": it reads back equal (==) to -0.0 */
  ampel_format_double(-0.0, out, sizeof out);
  assert_true(strtod(out, NULL) == -0.0);
  ampel_format_double(NAN, out, sizeof out);
  assert_string_equal(out, "");
  ampel_buf b;
  ampel_buf_init(&b);
  ampel_buf_puts(&b, "[");
  ampel_buf_double(&b, NAN);
  ampel_buf_puts(&b, "]");
  assert_string_equal(b.data, "[]");
  ampel_buf_release(&b);
}

/* Many doubles across the whole exponent range (xorshift, fixed seed). */
static void test_double_roundtrip_sweep(void **state) {
  (void)state;
  static const double fixed[] = {
      0.1,     1.0 / 3.0, 1e-7, 263000.0,           -0.0,      1e300, DBL_MIN,
      DBL_MAX, 1e15,      1e16, 9007199254740993.0, 0.1 + 0.2, 1e-320};
  for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
    check_roundtrip(fixed[i]);
  uint64_t x = 0x9E3779B97F4A7C15ull;
  for (int i = 0; i < 200000; i++) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    double v;
    memcpy(&v, &x, sizeof v);
    if (isnan(v) || isinf(v))
      continue;
    check_format(v, i % 16 == 0);
  }
  /* next to powers of ten, where rounding carries into a new digit */
  for (int e = -300; e <= 300; e += 7)
    for (int k = 1; k <= 3; k++) {
      double up = pow(10.0, e), down = up;
      for (int j = 0; j < k; j++) {
        up = nextafter(up, INFINITY);
        down = nextafter(down, 0.0);
      }
      check_roundtrip(up);
      check_roundtrip(-down);
    }
  /* short decimals and values in [0, 1] as a heatmap has them */
  for (int i = 0; i < 10000; i++) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    double u = (double)(x >> 11) / 9007199254740992.0;
    check_roundtrip(u);
    check_roundtrip(floor(u * 1e4) / 1e4 + (double)(i % 7) * 1e5);
    check_roundtrip(floor(u * 1e3) / 1e3 * 1e-6);
  }
  /* at the edges of the read-back fast path (buf.c reads_back): 15 and 16
   * significant digits, decimal exponents around +-22, and the neighbours
   * of such decimals, each checked against strtod by definition */
  for (int i = 0; i < 20000; i++) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    int digits = 1 + (int)(x % 17), e = (int)((x >> 8) % 61) - 30;
    char text[64];
    snprintf(text, sizeof text, "%llue%d",
             (unsigned long long)((x >> 12) % 100000000000000000ull) %
                 (unsigned long long)pow(10.0, digits),
             e);
    double v = strtod(text, NULL);
    if (v == 0 || isinf(v))
      continue;
    check_format(v, 1);
    check_format(nextafter(v, INFINITY), 1);
    check_format(-nextafter(v, 0.0), 1);
  }
}

/* ---- CSV fields ---------------------------------------------------------
 */

static void test_csv_field_quoting(void **state) {
  (void)state;
  static const struct {
    const char *in, *out;
  } cases[] = {
      {"plain", "plain"},
      {"", ""},
      {"a,b", "\"a,b\""},
      {"say \"hi\"", "\"say \"\"hi\"\"\""},
      {"line\nbreak", "\"line\nbreak\""},
      {"cr\rhere", "\"cr\rhere\""},
      {"semi;colon", "semi;colon"},
      {"Zähler", "Zähler"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    ampel_buf b;
    ampel_buf_init(&b);
    ampel_buf_csv_field(&b, cases[i].in);
    assert_string_equal(b.data ? b.data : "", cases[i].out);
    ampel_buf_release(&b);
  }
  ampel_buf b;
  ampel_buf_init(&b);
  ampel_buf_csv_field(&b, NULL);
  assert_int_equal(b.len, 0);
  ampel_buf_release(&b);
}

/* Fields written with csv_field read back unchanged by the CSV reader. */
static void test_csv_field_reads_back(void **state) {
  (void)state;
  static const char *const fields[] = {"a,b", "\"quoted\"", "x\ny", "tail\"",
                                       "",    "plain",      "\"\"", "ü,ö"};
  size_t nf = sizeof fields / sizeof fields[0];
  ampel_buf b;
  ampel_buf_init(&b);
  ampel_buf_puts(&b, "h1,h2,h3,h4,h5,h6,h7,h8\n");
  for (size_t i = 0; i < nf; i++) {
    if (i)
      ampel_buf_putc(&b, ',');
    ampel_buf_csv_field(&b, fields[i]);
  }
  ampel_buf_putc(&b, '\n');
  ampel_csv_options o = {AMPEL_ENC_UTF8, ',', '.'};
  ampel_diags dg;
  ampel_diags_init(&dg, 0);
  ampel_status st;
  ampel_csv_reader *r =
      ampel_csv_open_mem(b.data, b.len, "t.csv", &o, &dg, &st);
  assert_non_null(r);
  ampel_row row;
  assert_int_equal(ampel_csv_next(r, &row, &dg), 1);
  assert_int_equal(ampel_csv_next(r, &row, &dg), 1);
  assert_int_equal(row.n_cells, nf);
  for (size_t i = 0; i < nf; i++) {
    assert_int_equal(row.cells[i].len, strlen(fields[i]));
    assert_memory_equal(row.cells[i].text, fields[i], strlen(fields[i]) + 0);
  }
  assert_int_equal(ampel_csv_next(r, &row, &dg), 0);
  assert_int_equal(dg.n_errors, 0);
  ampel_csv_free(r);
  ampel_diags_release(&dg);
  ampel_buf_release(&b);
}

/* ---- HTML -----------------------------------------------------------------
 */

static void check_html(const char *in, size_t n, const char *want) {
  ampel_buf b;
  ampel_buf_init(&b);
  ampel_buf_html_n(&b, in, n);
  assert_string_equal(b.data ? b.data : "", want);
  ampel_buf_release(&b);
}

static void test_html_escaping(void **state) {
  (void)state;
  check_html("&<>\"'", 5, "&amp;&lt;&gt;&quot;&#39;");
  check_html("a & b < c", 9, "a &amp; b &lt; c");
  check_html("Zähler ≥ 3", strlen("Zähler ≥ 3"), "Zähler ≥ 3");
  /* control characters are not allowed in XML: replaced by a blank;
   * tab and line feed stay */
  check_html("a\x01"
             "b\x1f"
             "c\x7f",
             6, "a b c\x7f");
  check_html("t\tn\n", 4, "t\tn\n");
  check_html("nul\0x", 5, "nul x"); /* an embedded NUL, too */
  check_html("", 0, "");
  ampel_buf b;
  ampel_buf_init(&b);
  ampel_buf_html(&b, "<svg>");
  ampel_buf_html(&b, NULL);
  assert_string_equal(b.data, "&lt;svg&gt;");
  ampel_buf_release(&b);
}

/* ---- JSON -----------------------------------------------------------------
 */

/* Escapes `in`, parses the result with jansson and compares with `want`
 * (the decoded text). Also checks the literal has no raw < > &. */
static void check_json(const char *in, const char *want) {
  ampel_buf b;
  ampel_buf_init(&b);
  ampel_buf_json_string(&b, in);
  assert_int_equal(b.failed, 0);
  assert_null(strpbrk(b.data, "<>&"));
  json_error_t err;
  json_t *j = json_loadb(b.data, b.len, JSON_DECODE_ANY, &err);
  if (!j)
    fail_msg("not JSON: %s (%s)", b.data, err.text);
  assert_true(json_is_string(j));
  assert_int_equal(json_string_length(j), strlen(want));
  assert_memory_equal(json_string_value(j), want, strlen(want));
  json_decref(j);
  ampel_buf_release(&b);
}

static void test_json_string(void **state) {
  (void)state;
  check_json("plain", "plain");
  check_json("", "");
  check_json("a\"b\\c", "a\"b\\c");
  check_json("line\nbreak\ttab\x01", "line\nbreak\ttab\x01");
  check_json("<script>&amp;</script>", "<script>&amp;</script>");
  check_json("Zähler €  😀", "Zähler €  😀");
  check_json("del\x7f", "del\x7f");
  /* invalid UTF-8: every bad byte becomes U+FFFD */
  check_json("a\xff"
             "b",
             "a\xEF\xBF\xBD"
             "b");
  check_json("cut\xC3", "cut\xEF\xBF\xBD");
  check_json("\xC0\xAF", "\xEF\xBF\xBD\xEF\xBF\xBD"); /* overlong */
  check_json("\xED\xA0\x80",                          /* surrogate */
             "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  check_json("\xF4\x90\x80\x80", /* above U+10FFFF */
             "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  check_json("\x80x", "\xEF\xBF\xBDx"); /* lone continuation byte */
  ampel_buf b;
  ampel_buf_init(&b);
  ampel_buf_json_string(&b, NULL);
  assert_string_equal(b.data, "\"\"");
  ampel_buf_release(&b);
  ampel_buf_init(&b);
  ampel_buf_json_string(&b, "<&>");
  assert_string_equal(b.data, "\"\\u003c\\u0026\\u003e\"");
  ampel_buf_release(&b);
}

/* ---- sink, limit, errors ----------------------------------------------- */

typedef struct sink_rec {
  ampel_buf all; /* everything the sink received (no sink of its own) */
  size_t calls, max_chunk;
  int fail_after; /* fail from this call on (1-based); 0: never */
} sink_rec;

static int rec_sink(void *ud, const char *data, size_t len) {
  sink_rec *s = ud;
  s->calls++;
  if (s->fail_after && s->calls >= (size_t)s->fail_after)
    return -1;
  if (len > s->max_chunk)
    s->max_chunk = len;
  ampel_buf_append(&s->all, data, len);
  return 0;
}

static void test_sink_flushes(void **state) {
  (void)state;
  sink_rec rec = {0};
  ampel_buf_init(&rec.all);
  ampel_buf b;
  ampel_buf_init_sink(&b, rec_sink, &rec);
  char chunk[1000];
  size_t total = 0;
  for (int i = 0; i < 300; i++) { /* 300,000 bytes > 4 × 64 KiB */
    memset(chunk, 'a' + i % 26, sizeof chunk);
    ampel_buf_append(&b, chunk, sizeof chunk);
    total += sizeof chunk;
    assert_true(b.len <= 64 * 1024);
  }
  assert_true(rec.calls >= 4);
  assert_true(rec.max_chunk <= 64 * 1024);
  assert_true(b.cap <= 128 * 1024); /* memory stays bounded */
  assert_int_equal(ampel_buf_flush(&b), AMPEL_OK);
  assert_int_equal(b.len, 0);
  assert_int_equal(rec.all.len, total);
  for (size_t i = 0; i < total; i++)
    if (rec.all.data[i] != (char)('a' + (i / 1000) % 26))
      fail_msg("byte %zu differs", i);
  /* one append larger than the flush size goes through whole */
  char *big = malloc(100000);
  assert_non_null(big);
  memset(big, 'z', 100000);
  ampel_buf_append(&b, big, 100000);
  assert_int_equal(ampel_buf_flush(&b), AMPEL_OK);
  assert_int_equal(rec.all.len, total + 100000);
  free(big);
  ampel_buf_release(&b);
  ampel_buf_release(&rec.all);
}

static void test_sink_failure_is_sticky(void **state) {
  (void)state;
  sink_rec rec = {0};
  ampel_buf_init(&rec.all);
  rec.fail_after = 2;
  ampel_buf b;
  ampel_buf_init_sink(&b, rec_sink, &rec);
  char chunk[4096];
  memset(chunk, 'x', sizeof chunk);
  for (int i = 0; i < 100; i++)
    ampel_buf_append(&b, chunk, sizeof chunk);
  assert_int_equal(b.failed, AMPEL_E_IO);
  size_t calls = rec.calls;
  ampel_buf_puts(&b, "more");
  assert_int_equal(ampel_buf_flush(&b), AMPEL_E_IO);
  assert_int_equal(rec.calls, calls); /* nothing more reached the sink */
  ampel_buf_release(&b);
  ampel_buf_release(&rec.all);
}

static void test_limit(void **state) {
  (void)state;
  ampel_buf b;
  ampel_buf_init(&b);
  b.limit = 100;
  char s[101];
  memset(s, 'q', sizeof s);
  ampel_buf_append(&b, s, 100); /* exactly the limit: fine */
  assert_int_equal(b.failed, 0);
  assert_int_equal(b.len, 100);
  ampel_buf_putc(&b, 'x');
  assert_int_equal(b.failed, AMPEL_E_TOO_LARGE);
  assert_int_equal(b.len, 100);
  ampel_buf_puts(&b, "y"); /* sticky */
  assert_int_equal(b.len, 100);
  assert_int_equal(ampel_buf_flush(&b), AMPEL_E_TOO_LARGE);
  ampel_buf_release(&b);
  /* over the limit in one append */
  ampel_buf_init(&b);
  b.limit = 100;
  ampel_buf_append(&b, s, 101);
  assert_int_equal(b.failed, AMPEL_E_TOO_LARGE);
  assert_int_equal(b.len, 0);
  ampel_buf_release(&b);
  /* printf through the long path obeys the limit too */
  ampel_buf_init(&b);
  b.limit = 300;
  ampel_buf_printf(&b, "%0400d", 7);
  assert_int_equal(b.failed, AMPEL_E_TOO_LARGE);
  ampel_buf_release(&b);
}

static void test_printf_long(void **state) {
  (void)state;
  ampel_buf b;
  ampel_buf_init(&b);
  ampel_buf_puts(&b, "<");
  ampel_buf_printf(&b, "%s=%0999d", "n", 42); /* > 256 bytes */
  ampel_buf_printf(&b, "%d>", 5);
  assert_int_equal(b.len, 1 + 2 + 999 + 2);
  assert_int_equal(strlen(b.data), b.len);
  assert_memory_equal(b.data, "<n=000", 6);
  assert_string_equal(b.data + b.len - 5, "0425>");
  ampel_buf_release(&b);
}

/* Every allocation failure leaves failed = AMPEL_E_NOMEM and no leak. */
static void test_alloc_failures(void **state) {
  (void)state;
  long n0 = 0;
  for (long k = 0; k == 0 || k <= n0; k++) {
    failalloc_install(k);
    ampel_buf b;
    ampel_buf_init(&b);
    for (int i = 0; i < 2000; i++)
      ampel_buf_printf(&b, "%d;", i);
    ampel_buf_json_string(&b, "x");
    int failed = b.failed;
    size_t len = b.len;
    ampel_buf_release(&b);
    long n = failalloc_uninstall();
    assert_int_equal(failalloc_outstanding(), 0);
    if (k == 0) {
      assert_int_equal(failed, 0);
      assert_true(len > 8000);
      n0 = n;
      assert_true(n0 > 3);
    } else {
      assert_int_equal(failed, AMPEL_E_NOMEM);
    }
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_double_known),
      cmocka_unit_test(test_double_zero_and_nan),
      cmocka_unit_test(test_double_roundtrip_sweep),
      cmocka_unit_test(test_csv_field_quoting),
      cmocka_unit_test(test_csv_field_reads_back),
      cmocka_unit_test(test_html_escaping),
      cmocka_unit_test(test_json_string),
      cmocka_unit_test(test_sink_flushes),
      cmocka_unit_test(test_sink_failure_is_sticky),
      cmocka_unit_test(test_limit),
      cmocka_unit_test(test_printf_long),
      cmocka_unit_test(test_alloc_failures),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
