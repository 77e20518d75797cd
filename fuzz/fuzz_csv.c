/* libFuzzer target for the CSV reader and the number parser.
 *
 * Opens the input with automatic detection, reads every row and parses
 * every cell as a number with both decimal marks. Checks a few invariants
 * the reader promises (cells inside the row, 1-based locations, UTF-8
 * output).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "ampel/error.h"
#include "ampel/read.h"
#include "read/encoding.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_row(const ampel_row *row) {
  if (row->n_cells == 0 || row->line < 1 || row->source == NULL ||
      !ampel_utf8_valid(row->source, row->source_len, NULL))
    abort();
  for (size_t i = 0; i < row->n_cells; i++) {
    const ampel_cell *c = &row->cells[i];
    if (c->line < row->line || c->column < 1 || c->text == NULL ||
        c->len > AMPEL_MAX_FIELD_BYTES ||
        !ampel_utf8_valid(c->text, c->len, NULL))
      abort();
    double v;
    ampel_flag f;
    (void)ampel_number_parse(c->text, c->len, ',', &v, &f);
    (void)ampel_number_parse(c->text, c->len, '.', &v, &f);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  ampel_diags dg;
  ampel_status st;
  ampel_diags_init(&dg, 0);
  ampel_csv_options opt = {AMPEL_ENC_AUTO, 0, 0};
  ampel_csv_reader *r = ampel_csv_open_mem((const char *)data, size,
                                           "fuzz.csv", &opt, &dg, &st);
  if (r) {
    ampel_row row;
    int rc;
    while ((rc = ampel_csv_next(r, &row, &dg)) == 1)
      check_row(&row);
    if (rc == -1 && dg.n_errors == 0)
      abort(); /* an error must be reported */
    ampel_csv_free(r);
  } else if (dg.n_errors == 0 || st == AMPEL_OK) {
    abort();
  }
  ampel_diags_release(&dg);
  return 0;
}
