/* libFuzzer target for the XLS reader (read.h): opens the input as an
 * Excel 97-2003 workbook and reads every row of every sheet, sheets in
 * turns as the importer reads them.
 *
 * libfreexl reads files by path only: the reader itself copies the input
 * into an anonymous memory file (memfd) per run, so this target needs no
 * file handling of its own. The pre-scan (src/read/xls_scan.c) and the
 * row assembly are instrumented; libfreexl is the system library, not
 * instrumented for coverage, but ASan still checks its memcpy/strlen
 * calls and its heap blocks.
 *
 * The seeds in fuzz/corpus/xls/ are made by tests/data/xls/make_xls.py
 * --fixtures (mappe, cells, cells1904, formula, mini). */
#include <stddef.h>
#include <stdint.h>

#include "ampel/read.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t touch(const ampel_row *row) {
  /* every byte handed out, so ASan sees bad pointers */
  size_t sum = 0;
  for (size_t c = 0; c < row->n_cells; c++)
    for (size_t k = 0; k < row->cells[c].len; k++)
      sum += (unsigned char)row->cells[c].text[k];
  for (size_t k = 0; k < row->source_len; k++)
    sum += (unsigned char)row->source[k];
  return sum;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  ampel_diags d;
  ampel_diags_init(&d, 0);
  ampel_status st;
  ampel_xls *x =
      ampel_xls_open_mem((const char *)data, size, "fuzz.xls", &d, &st);
  size_t n = ampel_xls_n_sheets(x), sum = 0;
  ampel_xls_sheet *s[4] = {NULL, NULL, NULL, NULL};
  for (size_t i = 0; i < n; i += 4) {
    /* up to four sheets at a time, one row of each in turn */
    size_t k = 0;
    for (; k < 4 && i + k < n; k++)
      s[k] = ampel_xls_sheet_open(x, i + k, &d, &st);
    for (int more = 1; more;) {
      more = 0;
      for (size_t j = 0; j < k; j++) {
        ampel_row row;
        if (s[j] && ampel_xls_sheet_next(s[j], &row, &d) == 1) {
          sum += touch(&row);
          more = 1;
        }
      }
    }
    for (size_t j = 0; j < k; j++) {
      ampel_xls_sheet_free(s[j]);
      s[j] = NULL;
    }
  }
  (void)sum;
  ampel_xls_free(x);
  ampel_diags_release(&d);
  return 0;
}
