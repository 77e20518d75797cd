/* read/xls_internal.h - shared pieces of the XLS reader (not installed).
 *
 * The reader is split into two files:
 *   xls_scan.c  a bounded walk over the file's own bytes before libfreexl
 *               sees them: the Compound File container, the Workbook
 *               stream and its BIFF8 records. It refuses what libfreexl
 *               would mishandle (encryption, a declared sheet size or
 *               date cells that would cost gigabytes or minutes) and
 *               collects what libfreexl does not read (formula results,
 *               error cells) and the rows that hold values;
 *   xls.c       the workbook and its sheets through libfreexl.
 */
#ifndef AMPEL_READ_XLS_INTERNAL_H
#define AMPEL_READ_XLS_INTERNAL_H

#include <stdint.h>

#include "ampel/read.h"

/* Caps for untrusted .xls files (STYLE.md §3). */
#define XLS_MAX_ROW 65536L /* BIFF8: rows 1..65536 */
#define XLS_MAX_COL 256L   /* BIFF8: columns A..IV */
#define XLS_MAX_SHEETS 1000u
#define XLS_MAX_NAME 1024u /* sheet name bytes (UTF-8) */
/* Cells all sheets may declare together: libfreexl allocates 16 bytes
 * for every declared cell when it opens the file (2^23 cells = 128 MiB). */
#define XLS_MAX_DECLARED_CELLS ((uint64_t)1 << 23)
/* libfreexl turns a date serial n into text by stepping n days; the sum
 * over all date cells is capped (2^31 steps take a few seconds). */
#define XLS_MAX_DATE_STEPS ((uint64_t)1 << 31)
#define XLS_MAX_OVERRIDES (1u << 20)
#define XLS_MAX_SHEET_TEXT ((uint64_t)1 << 30)

/* A cell whose value the scan knows better than libfreexl: a formula's
 * cached result (libfreexl leaves formula cells empty) or an error cell
 * (libfreexl reads #DIV/0! as the number 1). */
typedef struct xls_override {
  uint32_t sheet; /* index among the BOUNDSHEET records */
  uint32_t row;   /* 0-based */
  uint32_t col;   /* 0-based */
  int is_number;
  char *text; /* UTF-8, NUL-terminated; "" for an empty result */
} xls_override;

/* A row that holds at least one value: a cell record libfreexl reads
 * (NUMBER, RK, MULRK, LABEL, LABELSST, BOOLERR) or an override. Rows
 * not listed are empty (libfreexl's cells there are all NULL), so the
 * reader does not ask libfreexl for them; nor for the columns from
 * end_col on. */
typedef struct xls_row_used {
  uint32_t sheet;   /* index among the BOUNDSHEET records */
  uint32_t row;     /* 0-based */
  uint32_t end_col; /* 1 + the last column with a value */
} xls_row_used;

typedef struct xls_scan {
  int date1904;
  xls_override *ov; /* sorted by sheet, row, col */
  size_t n_ov, cap_ov;
  xls_row_used *rows; /* sorted by sheet, row; at most one per cell */
  size_t n_rows;
} xls_scan;

/* Walks the whole file. Returns AMPEL_OK, or an error appended to diags
 * (located FILE:1:1 for the file as a whole, FILE:ROW:COL with the sheet
 * and cell for a cell); then nothing may be handed to libfreexl. */
ampel_status ampel_xls_scan(const char *data, size_t len, const char *path,
                            xls_scan *out, ampel_diags *diags);
void ampel_xls_scan_release(xls_scan *s);

/* Shortest C-locale text that reads back as v ("%.15g" .. "%.17g"). */
void ampel_xls_format_number(double v, char out[32]);

#endif
