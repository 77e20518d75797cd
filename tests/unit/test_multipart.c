/* Unit tests for the multipart/form-data parser of the uploads
 * (server/multipart.c, issue 12): boundaries from Content-Type, parts with
 * names and file names, the limits and the strict refusals. */
/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "multipart.h"

static void test_boundary(void **state) {
  (void)state;
  char b[SRV_MP_MAX_BOUNDARY + 1];
  const char *why = NULL;
  assert_int_equal(
      srv_mp_boundary("multipart/form-data; boundary=AaB03x", b, &why), 0);
  assert_string_equal(b, "AaB03x");
  assert_int_equal(srv_mp_boundary("Multipart/Form-Data;charset=utf-8; "
                                   "BOUNDARY=\"a b:c\"",
                                   b, &why),
                   0);
  assert_string_equal(b, "a b:c");
  static const char *const bad[] = {
      NULL,
      "text/plain; boundary=x",
      "multipart/form-data",
      "multipart/form-data; boundary=",
      "multipart/form-data; boundary=\"\"",
      "multipart/form-data; boundary=\"a \"",
      "multipart/form-data; boundary=x; boundary=y",
      "multipart/form-data; boundary=\"x",
      "multipart/form-data; boundary=a{b",
      "multipart/form-data boundary=x",
      "multipart/form-data; boundary=12345678901234567890123456789012345"
      "678901234567890123456789012345678901",
  };
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    why = NULL;
    if (srv_mp_boundary(bad[i], b, &why) != -1)
      fail_msg("accepted: %s", bad[i] ? bad[i] : "(null)");
    assert_non_null(why);
  }
}

#define CD "Content-Disposition: form-data; "

static void test_parts(void **state) {
  (void)state;
  static const char body[] =
      "--AaB03x\r\n" CD "name=\"csrf\"\r\n\r\ntok\r\n"
      "--AaB03x\r\n" CD "name=\"dateien\"; filename=\"C:\\\\Daten\\\\"
      "werte.csv\"\r\nContent-Type: text/csv\r\n\r\n"
      "a;b\r\n1;2\r\n\r\n"
      "--AaB03x\r\n" CD "name=\"dateien\"; filename=\"x/y/\\\"q\\\".csv\"\r\n"
      "Content-Transfer-Encoding: binary\r\n\r\n"
      "--AaB03 not the end\r\n"
      "--AaB03x\r\n" CD "name=\"dateien\"; filename=\"\"\r\n\r\n"
      "\r\n--AaB03x--\r\n";
  static srv_multipart m;
  const char *why = NULL;
  assert_int_equal(srv_mp_parse(body, sizeof body - 1, "AaB03x", 8, &m, &why),
                   0);
  assert_int_equal(m.n_parts, 4);
  assert_int_equal(m.n_files, 3);
  assert_string_equal(m.parts[0].name, "csrf");
  assert_false(m.parts[0].is_file);
  assert_int_equal(m.parts[0].len, 3);
  assert_memory_equal(m.parts[0].data, "tok", 3);
  assert_string_equal(m.parts[1].filename, "werte.csv");
  assert_int_equal(m.parts[1].len, 10);
  assert_memory_equal(m.parts[1].data, "a;b\r\n1;2\r\n", 10);
  assert_string_equal(m.parts[2].filename, "\"q\".csv");
  assert_int_equal(m.parts[2].len, 19);
  assert_true(m.parts[3].is_file);
  assert_string_equal(m.parts[3].filename, "");
  assert_int_equal(m.parts[3].len, 0);
  char buf[8];
  assert_string_equal(srv_mp_field(&m, "csrf", buf, sizeof buf), "tok");
  assert_null(srv_mp_field(&m, "dateien", buf, sizeof buf));
  assert_null(srv_mp_field(&m, "csrf", buf, 3)); /* too long for buf */
  /* an empty form; a close delimiter without CRLF */
  static const char empty[] = "--x--";
  assert_int_equal(srv_mp_parse(empty, sizeof empty - 1, "x", 8, &m, &why), 0);
  assert_int_equal(m.n_parts, 0);
}

/* Each body is refused with its status and a reason. */
static void refused(const char *body, size_t len, size_t max_files,
                    int status) {
  static srv_multipart m;
  const char *why = NULL;
  int st = srv_mp_parse(body, len, "b", max_files, &m, &why);
  if (st != status)
    fail_msg("status %d, expected %d: %.60s", st, status, body);
  assert_non_null(why);
}
#define REFUSED(s, st) refused(s, sizeof(s) - 1, 8, st)

static void test_malformed(void **state) {
  (void)state;
  REFUSED("", 400);
  REFUSED("preamble\r\n--b\r\n" CD "name=\"a\"\r\n\r\nx\r\n--b--", 400);
  REFUSED("--b\r\n" CD "name=\"a\"\r\n\r\nx", 400);        /* no end */
  REFUSED("--b\r\n" CD "name=\"a\"\r\n\r\nx\r\n--b", 400); /* cut */
  REFUSED("--b\r\n" CD "name=\"a\"", 400);                 /* head cut */
  REFUSED("--bX\r\n" CD "name=\"a\"\r\n\r\nx\r\n--b--", 400);
  REFUSED("--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--", 400);
  REFUSED("--b\r\n" CD "filename=\"a.csv\"\r\n\r\nx\r\n--b--", 400);
  REFUSED("--b\r\n" CD "name=\"\"\r\n\r\nx\r\n--b--", 400);
  REFUSED("--b\r\n" CD "name=\"a\r\n\r\nx\r\n--b--", 400);
  REFUSED("--b\r\n" CD "name=\"a\"; name=\"b\"\r\n\r\nx\r\n--b--", 400);
  REFUSED("--b\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\nx\r\n"
          "--b--",
          400);
  REFUSED("--b\r\n" CD "name=\"a\"\r\nBroken header\r\n\r\nx\r\n--b--", 400);
  REFUSED("--b\r\n" CD "name=\"a\"\r\n folded\r\n\r\nx\r\n--b--", 400);
  REFUSED("--b\r\n" CD "name=\"a\"\r\nContent-Transfer-Encoding: base64\r\n"
          "\r\nx\r\n--b--",
          400);
  REFUSED("--b\r\n" CD "name=\"a\"\r\n\r\nx\r\n--b--epilogue", 400);
  REFUSED("--b\n" CD "name=\"a\"\n\nx\n--b--", 400); /* bare LF */
  REFUSED("--b\r\n" CD "name=\"a\"; filename=\"a\x01.csv\"\r\n\r\nx\r\n--b--",
          400);
  /* a header line over 1024 bytes */
  char big[2048];
  int n = snprintf(big, sizeof big, "--b\r\n" CD "name=\"a\"; x=\"");
  memset(big + n, 'y', 1100);
  n += 1100;
  n += snprintf(big + n, sizeof big - (size_t)n, "\"\r\n\r\nx\r\n--b--");
  refused(big, (size_t)n, 8, 400);
  /* nine header lines */
  REFUSED("--b\r\n" CD "name=\"a\"\r\nX: 1\r\nX: 2\r\nX: 3\r\nX: 4\r\nX: 5\r\n"
          "X: 6\r\nX: 7\r\nX: 8\r\n\r\nx\r\n--b--",
          400);
}

static void test_limits(void **state) {
  (void)state;
  /* files over the limit: 413; at the limit: fine */
  static const char two[] =
      "--b\r\n" CD "name=\"f\"; filename=\"1.csv\"\r\n\r\nx\r\n"
      "--b\r\n" CD "name=\"f\"; filename=\"2.csv\"\r\n\r\nx\r\n--b--";
  refused(two, sizeof two - 1, 1, 413);
  static srv_multipart m;
  const char *why = NULL;
  assert_int_equal(srv_mp_parse(two, sizeof two - 1, "b", 2, &m, &why), 0);
  /* more than SRV_MP_MAX_PARTS parts */
  size_t cap = 64 * 64;
  char *many = malloc(cap);
  assert_non_null(many);
  size_t len = 0;
  for (int i = 0; i <= SRV_MP_MAX_PARTS; i++)
    len += (size_t)snprintf(many + len, cap - len,
                            "--b\r\n" CD "name=\"a\"\r\n\r\nx\r\n");
  len += (size_t)snprintf(many + len, cap - len, "--b--");
  refused(many, len, 8, 413);
  free(many);
  /* a plain field over 64 KiB */
  size_t fl = SRV_MP_MAX_FIELD + 1;
  char *field = malloc(fl + 200);
  assert_non_null(field);
  len = (size_t)snprintf(field, 200, "--b\r\n" CD "name=\"a\"\r\n\r\n");
  memset(field + len, 'z', fl);
  len += fl;
  memcpy(field + len, "\r\n--b--", 7);
  refused(field, len + 7, 8, 413);
  free(field);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_boundary),
      cmocka_unit_test(test_parts),
      cmocka_unit_test(test_malformed),
      cmocka_unit_test(test_limits),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
