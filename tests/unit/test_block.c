/* The block codec (src/store/block.c): every id layout round-trips, NULL
 * columns are left out, a damaged blob is refused (never read beyond),
 * and merge and diff count cells as the row layout did. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "ampel/alloc.h"
#include "store/block.h"

static ampel_bcell cell(uint32_t area, double v) {
  return (ampel_bcell){area, 0, v, NAN, NAN};
}

static void roundtrip(const ampel_bcell *c, size_t n, size_t want_len) {
  unsigned char *b = NULL;
  size_t len = 0;
  assert_int_equal(ampel_block_encode(c, n, &b, &len), AMPEL_OK);
  if (want_len)
    assert_int_equal(len, want_len);
  ampel_bcells out = {0};
  assert_int_equal(ampel_block_decode(b, len, &out), AMPEL_OK);
  assert_int_equal(out.n, n);
  for (size_t k = 0; k < n; k++) {
    assert_int_equal(out.c[k].area, c[k].area);
    assert_true(ampel_cell_same(&out.c[k], &c[k]));
  }
  /* every shorter prefix and one byte more are damage */
  for (size_t cut = 0; cut < len; cut++) {
    ampel_bcells x = {0};
    assert_int_equal(ampel_block_decode(b, cut, &x), AMPEL_E_DATA);
    ampel_bcells_release(&x);
  }
  unsigned char *longer = ampel_alloc(len + 1);
  memcpy(longer, b, len);
  longer[len] = 0;
  ampel_bcells y = {0};
  assert_int_equal(ampel_block_decode(longer, len + 1, &y), AMPEL_E_DATA);
  ampel_bcells_release(&y);
  ampel_free(longer);
  ampel_bcells_release(&out);
  ampel_free(b);
}

static void test_layouts(void **state) {
  (void)state;
  /* dense ids, values only: header 14 + 3 x 8 */
  ampel_bcell dense[] = {cell(5, 1.5), cell(6, -0.0), cell(7, 1e300)};
  roundtrip(dense, 3, 14 + 24);
  /* a gap: bitmap of 11 bits (2 bytes) */
  ampel_bcell gap[] = {cell(1, 1), cell(11, 2)};
  roundtrip(gap, 2, 14 + 2 + 16);
  /* far apart: a list of u32 ids (smaller than a bitmap) */
  ampel_bcell far[] = {cell(1, 1), cell(4000000, 2)};
  roundtrip(far, 2, 14 + 8 + 16);
  /* cells without value, numerator, denominator or flag still keep the
   * value column (8 bytes each) */
  ampel_bcell bare[] = {cell(1, NAN), cell(2, NAN)};
  roundtrip(bare, 2, 14 + 16);
  /* every column: NULL value with a flag, numerator and denominator */
  ampel_bcell all[] = {{1, 3, NAN, 4, 10}, {2, 0, 0.4, NAN, 10}};
  roundtrip(all, 2, 14 + 2 * (8 + 8 + 8 + 1));
  /* empty */
  roundtrip(NULL, 0, 14);
}

static void test_refused(void **state) {
  (void)state;
  unsigned char *b = NULL;
  size_t len = 0;
  ampel_bcell unsorted[] = {cell(2, 1), cell(1, 2)};
  assert_int_equal(ampel_block_encode(unsorted, 2, &b, &len), AMPEL_E_USAGE);
  ampel_bcell dup[] = {cell(2, 1), cell(2, 2)};
  assert_int_equal(ampel_block_encode(dup, 2, &b, &len), AMPEL_E_USAGE);
  /* a bitmap that does not hold n bits, a list out of order, an unknown
   * column bit, a huge n */
  static const unsigned char bad[][40] = {
      {1, 0x11, 3, 0, 0, 0, 1, 0, 0, 0, 3, 0, 0, 0, 0x05},
      {1, 0x20, 2, 0, 0, 0, 1, 0, 0, 0, 9, 0, 0, 0, 9, 0, 0, 0, 1, 0, 0, 0},
      {1, 0x40, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
      {1, 0x00, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0xfe, 0xff, 0xff, 0xff},
      /* three cells without a value column: n not bounded by the length */
      {1, 0x00, 3, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0},
      /* an empty block with an id layout (read one byte beyond) */
      {1, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
  };
  static const size_t bad_len[] = {15, 22, 14, 14, 14, 14};
  for (size_t k = 0; k < 6; k++) {
    ampel_bcells x = {0};
    assert_int_equal(ampel_block_decode(bad[k], bad_len[k], &x),
                     AMPEL_E_DATA);
    ampel_bcells_release(&x);
  }
}

static void test_merge_and_diff(void **state) {
  (void)state;
  ampel_bcell o[] = {cell(1, 1), cell(2, 2), cell(4, NAN)};
  ampel_bcell u[] = {cell(2, 2), cell(3, 3), cell(4, 5)};
  ampel_bcells old = {o, 3, 3}, upd = {u, 3, 3}, out = {0};
  long nn = -1, nc = -1, nr = -1;
  assert_int_equal(ampel_block_merge(&old, &upd, &out, &nn, &nc), AMPEL_OK);
  assert_int_equal(nn, 1); /* area 3 */
  assert_int_equal(nc, 1); /* area 4: NULL -> 5; area 2 unchanged */
  assert_int_equal(out.n, 4);
  assert_true(out.c[3].v == 5 && out.c[0].v == 1);
  ampel_block_diff(&old, &upd, &nn, &nc, &nr);
  assert_int_equal(nn, 1);
  assert_int_equal(nc, 1);
  assert_int_equal(nr, 1); /* area 1 */
  ampel_bcells_release(&out);
  /* sort by scatter */
  ampel_bcell s[] = {cell(9, 9), cell(2, 2), cell(5, 5)};
  int32_t *scratch = NULL;
  size_t sn = 0;
  assert_int_equal(ampel_bcells_sort(s, 3, 16, &scratch, &sn), AMPEL_OK);
  assert_true(s[0].area == 2 && s[1].area == 5 && s[2].area == 9);
  assert_true(s[2].v == 9);
  ampel_free(scratch);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_layouts),
      cmocka_unit_test(test_refused),
      cmocka_unit_test(test_merge_and_diff),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
