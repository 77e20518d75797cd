/* ampel/read.h - readers for tabular input: CSV, XLSX and XLS.
 *
 * Readers only parse: they turn bytes into rows of UTF-8 cells with source
 * locations and report problems to an ampel_diags list. They never touch
 * the store (ARCHITECTURE.md, read).
 *
 * All readers hand out rows through the same ampel_row type, so the import
 * code above them does not care where a table came from.
 */
#ifndef AMPEL_READ_H
#define AMPEL_READ_H

#include <stddef.h>
#include <stdint.h>

#include "ampel/dataset.h"
#include "ampel/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Hard caps for untrusted input (STYLE.md §3). Going over one is reported
 * as AMPEL_E_TOO_LARGE with a location. */
#define AMPEL_MAX_FIELD_BYTES (1u << 20) /* one cell: 1 MiB */
#define AMPEL_MAX_COLUMNS 20000u         /* cells in a row */
#define AMPEL_MAX_LINE_BYTES (16u << 20) /* one record incl. quoted breaks */

/* One cell. `text` is UTF-8 (converted from the file's encoding), not
 * NUL-terminated in general; use `len`. `line`/`column` are 1-based and
 * point at the first character of the cell in the source (column counted
 * in characters). For XLSX and XLS `column` is the spreadsheet column
 * number (A = 1). `is_number` is 1 for workbook cells stored as numbers:
 * their text is then a plain C-locale number ("1234.5"). */
typedef struct ampel_cell {
  const char *text;
  size_t len;
  long line;
  long column;
  int is_number;
} ampel_cell;

/* One record. Cells and text are borrowed: valid until the next call on
 * the reader. `source`/`source_len` is the record's first source line as
 * UTF-8 without the line break (for carets in messages); `line` is the line
 * the record starts on. */
typedef struct ampel_row {
  ampel_cell *cells;
  size_t n_cells;
  long line;
  const char *source;
  size_t source_len;
} ampel_row;

/* ---- CSV ---------------------------------------------------------------
 */

typedef enum ampel_encoding {
  AMPEL_ENC_AUTO = 0,
  AMPEL_ENC_UTF8 = 1,
  AMPEL_ENC_CP1252 = 2
} ampel_encoding;

typedef struct ampel_csv_options {
  ampel_encoding encoding; /* AUTO: BOM or valid UTF-8 → UTF-8, else 1252 */
  char sep;                /* 0: detect among ';' ',' '\t' */
  char decimal;            /* 0: detect ',' or '.' per file */
} ampel_csv_options;

typedef struct ampel_csv_reader ampel_csv_reader;

/* Open a CSV file held in memory (`data`, `len`; borrowed, must outlive the
 * reader). `path` is only used in messages. Detects encoding, separator and
 * decimal mark as documented in docs/formats.md. Problems that make the
 * file unreadable (empty, binary, invalid UTF-8 when forced or declared)
 * are appended to diags and NULL is returned with *out_status set.
 * Caller frees with ampel_csv_free(). */
ampel_csv_reader *ampel_csv_open_mem(const char *data, size_t len,
                                     const char *path,
                                     const ampel_csv_options *opt,
                                     ampel_diags *diags,
                                     ampel_status *out_status);

/* Read the next record into *row. Returns 1 when a row was read, 0 at the
 * end of the file, -1 on an error that stops reading (e.g. an unterminated
 * quote, a cap exceeded); the error is appended to diags. Rows with a wrong
 * number of cells are returned as they are: checking that is the caller's
 * job. Blank lines are skipped. */
int ampel_csv_next(ampel_csv_reader *r, ampel_row *row, ampel_diags *diags);

/* What was detected or forced. */
ampel_encoding ampel_csv_encoding(const ampel_csv_reader *r);
char ampel_csv_sep(const ampel_csv_reader *r);
char ampel_csv_decimal(const ampel_csv_reader *r);

void ampel_csv_free(ampel_csv_reader *r);

/* ---- XLSX --------------------------------------------------------------
 */

typedef struct ampel_xlsx ampel_xlsx;

/* Open an .xlsx workbook held in memory (borrowed; must outlive the
 * workbook). Returns NULL with a located message in diags when the bytes
 * are not a readable workbook. Caller frees with ampel_xlsx_free(). */
ampel_xlsx *ampel_xlsx_open_mem(const char *data, size_t len, const char *path,
                                ampel_diags *diags, ampel_status *out_status);

size_t ampel_xlsx_n_sheets(const ampel_xlsx *x);
/* Borrowed sheet name (UTF-8). */
const char *ampel_xlsx_sheet_name(const ampel_xlsx *x, size_t i);

typedef struct ampel_xlsx_sheet ampel_xlsx_sheet;

/* Open sheet i for reading rows. Caller frees with
 * ampel_xlsx_sheet_free(). Rows come back as from the CSV reader; empty
 * cells inside a row are returned as empty cells so columns line up;
 * completely empty rows are skipped. Row `source` is the row's cells joined
 * by ';' (for carets). */
ampel_xlsx_sheet *ampel_xlsx_sheet_open(ampel_xlsx *x, size_t i,
                                        ampel_diags *diags,
                                        ampel_status *out_status);
int ampel_xlsx_sheet_next(ampel_xlsx_sheet *s, ampel_row *row,
                          ampel_diags *diags);
void ampel_xlsx_sheet_free(ampel_xlsx_sheet *s);
void ampel_xlsx_free(ampel_xlsx *x);

/* ---- XLS (Excel 97-2003, BIFF8) ----------------------------------------
 */

typedef struct ampel_xls ampel_xls;

/* Open an .xls workbook held in memory (read through libfreexl; the bytes
 * are copied, so they need not outlive the call). Returns NULL with a
 * message in diags when the bytes are not a readable BIFF8 workbook: the
 * file as a whole at FILE:1:1 (not a compound file, damaged, truncated,
 * password-protected, Excel 5.0/95, declared sizes over the caps), a cell
 * at FILE:ROW:COL naming sheet and cell. Caller frees with
 * ampel_xls_free(). */
ampel_xls *ampel_xls_open_mem(const char *data, size_t len, const char *path,
                              ampel_diags *diags, ampel_status *out_status);

size_t ampel_xls_n_sheets(const ampel_xls *x);
/* Borrowed sheet name (UTF-8). */
const char *ampel_xls_sheet_name(const ampel_xls *x, size_t i);

typedef struct ampel_xls_sheet ampel_xls_sheet;

/* Open sheet i for reading rows, as ampel_xlsx_sheet_open(): the same
 * cells, rows and source text. Several sheets of one workbook may be read
 * in turns. Caller frees with ampel_xls_sheet_free() before the workbook. */
ampel_xls_sheet *ampel_xls_sheet_open(ampel_xls *x, size_t i,
                                      ampel_diags *diags,
                                      ampel_status *out_status);
int ampel_xls_sheet_next(ampel_xls_sheet *s, ampel_row *row,
                         ampel_diags *diags);
void ampel_xls_sheet_free(ampel_xls_sheet *s);
void ampel_xls_free(ampel_xls *x);

/* ---- Numbers -----------------------------------------------------------
 */

/* Result of parsing a value cell. */
typedef enum ampel_num_kind {
  AMPEL_NUM_EMPTY = 0,  /* blank cell: missing */
  AMPEL_NUM_VALUE = 1,  /* a number (flag NONE or LIMITED) */
  AMPEL_NUM_SYMBOL = 2, /* a symbol of official statistics */
  AMPEL_NUM_BAD = 3     /* neither */
} ampel_num_kind;

/* Parse a German or English statistical cell (UTF-8, `len` bytes) with the
 * decimal mark `decimal` (',' or '.'): surrounding blanks and no-break
 * spaces are ignored; thousands separators are accepted ('.' with decimal
 * comma, ',' with decimal point only in groups of three, blank, no-break
 * space, narrow no-break space); a sign may be followed by blanks ("-  23");
 * "(12,5)" is 12.5 with AMPEL_FLAG_LIMITED; the symbols of METHODS.md §7
 * give their flag ("-" gives value 0). Writes *out_value (NaN when there is
 * none) and *out_flag. */
ampel_num_kind ampel_number_parse(const char *s, size_t len, char decimal,
                                  double *out_value, ampel_flag *out_flag);

#ifdef __cplusplus
}
#endif
#endif
