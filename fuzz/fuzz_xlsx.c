/* libFuzzer target for the XLSX reader (read.h): opens the input as a
 * workbook and reads every row of every sheet.
 *
 * The seeds in fuzz/corpus/xlsx/ are stored (uncompressed) archives made
 * by tests/data/xlsx/make_fixtures.py, so mutations reach the XML parsers:
 * the CRC of an entry is only checked after its bytes were parsed. */
#include <stddef.h>
#include <stdint.h>

#include "ampel/read.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  ampel_diags d;
  ampel_diags_init(&d, 0);
  ampel_status st;
  ampel_xlsx *x =
      ampel_xlsx_open_mem((const char *)data, size, "fuzz.xlsx", &d, &st);
  for (size_t i = 0; x && i < ampel_xlsx_n_sheets(x); i++) {
    ampel_xlsx_sheet *s = ampel_xlsx_sheet_open(x, i, &d, &st);
    ampel_row row;
    size_t sum = 0;
    while (s && ampel_xlsx_sheet_next(s, &row, &d) == 1) {
      /* touch every byte handed out, so ASan sees bad pointers */
      for (size_t c = 0; c < row.n_cells; c++)
        for (size_t k = 0; k < row.cells[c].len; k++)
          sum += (unsigned char)row.cells[c].text[k];
      for (size_t k = 0; k < row.source_len; k++)
        sum += (unsigned char)row.source[k];
    }
    (void)sum;
    ampel_xlsx_sheet_free(s);
  }
  ampel_xlsx_free(x);
  ampel_diags_release(&d);
  return 0;
}
