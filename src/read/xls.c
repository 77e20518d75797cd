/* XLS reader: Excel 97-2003 workbooks (BIFF8) through libfreexl (read.h).
 *
 * libfreexl (MPL 1.1 / GPL 2+ / LGPL 2.1+, used under the LGPL; Debian
 * libfreexl-dev) reads a file by path and parses all of it in
 * freexl_open(). The bytes are first walked by xls_scan.c, which refuses
 * what libfreexl would mishandle; then they are written to an anonymous
 * memory file (memfd_create, opened as /proc/self/fd/N) or, where that is
 * not available, to a temporary file made by mkstemps in $TMPDIR or /tmp
 * (mode 0600, unlinked right after freexl_open). libfreexl allocates with
 * malloc, not through ampel_alloc.
 *
 * Cells as the XLSX reader gives them:
 *   numbers           the shortest C-locale text that reads back as the
 *                     stored double ("1234.5", "0.1"), is_number = 1;
 *   dates             numbers too: libfreexl hands out date-formatted
 *                     cells as "YYYY-MM-DD[ hh:mm:ss]" text, which is
 *                     turned back into the serial day number of the
 *                     workbook's date system (to the second);
 *   booleans          "1" or "0", is_number = 1;
 *   text              the shared or inline string, is_number = 0;
 *   formulas          the cached result (found by the scan): a number,
 *                     a text, or an error text such as "#DIV/0!";
 *   error cells       the error text ("#N/A"), is_number = 0.
 * Rows and columns as in xlsx_sheet.c: line = spreadsheet row, column =
 * spreadsheet column (A = 1), gaps filled with empty cells, trailing empty
 * cells dropped, rows without a value skipped, source = cells joined
 * by ';'. Only the rows the scan found values in are read, each up to its
 * last value's column: libfreexl is asked for no cell of the declared
 * range that holds none (a sheet may declare 65536 x 256 cells and fill a
 * few rows; asking for every cell took 0.3 s and more per file).
 */
#define _GNU_SOURCE /* memfd_create, mkstemps */
#include <errno.h>
#include <freexl.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ampel/alloc.h"
#include "read/xls_internal.h"
#include "read/xlsx_internal.h" /* xlsx_buf */

struct ampel_xls {
  const void *h; /* libfreexl handle */
  char *path;
  size_t n_sheets;
  char **names;
  xls_scan scan;
};

struct ampel_xls_sheet {
  ampel_xls *x;
  unsigned short idx;
  const char *name;
  uint32_t rows, cols; /* what libfreexl declares, capped */
  uint32_t next_row;   /* 0-based */
  uint32_t end_col;    /* the row's columns to read: 0 .. end_col - 1 */
  size_t ov, ov_end;   /* this sheet's overrides in x->scan.ov */
  size_t ru, ru_end;   /* this sheet's rows with values in x->scan.rows */
  ampel_cell *cells;
  size_t *offs;
  size_t n_cells, cells_cap;
  xlsx_buf pool, src;
  uint64_t sheet_text;
  int failed;
};

/* ---- opening -------------------------------------------------------------
 */

static int write_all(int fd, const char *data, size_t len) {
  while (len > 0) {
    ssize_t n = write(fd, data, len);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return -1;
    data += n;
    len -= (size_t)n;
  }
  return 0;
}

/* freexl_open on a copy of the bytes. Returns libfreexl's code; *out_h is
 * the handle on success. *out_errno is set when no copy could be made. */
static int open_copy(const char *data, size_t len, const void **out_h,
                     int *out_errno) {
  const void *h = NULL;
  int rc = FREEXL_FILE_NOT_FOUND;
  *out_errno = 0;
  *out_h = NULL;
  int fd = memfd_create("ampel-xls", MFD_CLOEXEC);
  if (fd >= 0) {
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    if (write_all(fd, data, len) == 0)
      rc = freexl_open(path, &h);
    close(fd);
    if (rc == FREEXL_OK) {
      *out_h = h;
      return rc;
    }
    if (h)
      freexl_close(h);
    h = NULL;
    if (rc != FREEXL_FILE_NOT_FOUND)
      return rc; /* read, and refused */
  }
  /* no memfd or no /proc: a private temporary file */
  const char *dir = getenv("TMPDIR");
  char tmpl[PATH_MAX];
  if (!dir || !*dir ||
      (size_t)snprintf(tmpl, sizeof tmpl, "%s/ampel-XXXXXX.xls", dir) >=
          sizeof tmpl)
    snprintf(tmpl, sizeof tmpl, "/tmp/ampel-XXXXXX.xls");
  fd = mkstemps(tmpl, 4); /* O_EXCL, mode 0600 */
  if (fd < 0) {
    *out_errno = errno;
    return FREEXL_FILE_NOT_FOUND;
  }
  rc = FREEXL_FILE_NOT_FOUND;
  if (write_all(fd, data, len) == 0)
    rc = freexl_open(tmpl, &h);
  else
    *out_errno = errno;
  unlink(tmpl);
  close(fd);
  if (rc == FREEXL_OK)
    *out_h = h;
  else if (h)
    freexl_close(h);
  return rc;
}

static const char *freexl_why(int rc) {
  switch (rc) {
  case FREEXL_INVALID_CFBF_HEADER:
  case FREEXL_CFBF_INVALID_SIGNATURE:
  case FREEXL_CFBF_INVALID_SECTOR_SIZE:
    return "der Kopf der Verbunddatei ist beschädigt";
  case FREEXL_CFBF_READ_ERROR:
  case FREEXL_CFBF_SEEK_ERROR:
  case FREEXL_CFBF_EMPTY_FAT_CHAIN:
  case FREEXL_CFBF_ILLEGAL_FAT_ENTRY:
    return "die Datei ist beschädigt oder abgeschnitten";
  case FREEXL_BIFF_INVALID_BOF:
    return "der Datenstrom \"Workbook\" ist beschädigt (BOF)";
  case FREEXL_BIFF_INVALID_SST:
  case FREEXL_BIFF_ILLEGAL_SST_INDEX:
    return "die Tabelle der gemeinsamen Texte (SST) ist beschädigt";
  case FREEXL_BIFF_WORKBOOK_NOT_FOUND:
    return "kein Datenstrom \"Workbook\" (kennwortgeschützte .xlsx-Dateien "
           "haben ebenfalls dieses Format: bitte ohne Kennwort speichern)";
  case FREEXL_UNSUPPORTED_CHARSET:
  case FREEXL_INVALID_CHARACTER:
    return "ein Text hat eine ungültige Zeichenkodierung";
  default: return NULL;
  }
}

static ampel_status open_book(ampel_xls *x, const char *data, size_t len,
                              ampel_diags *diags) {
  ampel_status st = ampel_xls_scan(data, len, x->path, &x->scan, diags);
  if (st != AMPEL_OK)
    return st;
  int sys_errno = 0;
  int rc = open_copy(data, len, &x->h, &sys_errno);
  if (rc == FREEXL_INSUFFICIENT_MEMORY) {
    ampel_diags_error(diags, AMPEL_E_NOMEM, "%s: Speicher erschöpft", x->path);
    return AMPEL_E_NOMEM;
  }
  if (rc == FREEXL_FILE_NOT_FOUND) {
    ampel_diags_add(diags, AMPEL_SEV_ERROR, AMPEL_E_IO, x->path, 0, 0, NULL, 0,
                    "Zwischendatei für die .xls-Datei nicht anlegbar: %s",
                    strerror(sys_errno ? sys_errno : EIO));
    return AMPEL_E_IO;
  }
  unsigned int info = 0;
  const char *why = freexl_why(rc);
  char other[64];
  if (rc != FREEXL_OK && !why) {
    snprintf(other, sizeof other, "nicht lesbar (FreeXL-Fehler %d)", rc);
    why = other;
  }
  if (!why && freexl_get_info(x->h, FREEXL_BIFF_PASSWORD, &info) == FREEXL_OK &&
      info == FREEXL_BIFF_OBFUSCATED)
    why = "die Arbeitsmappe ist mit einem Kennwort geschützt (verschlüsselt); "
          "bitte in Excel ohne Kennwort speichern";
  if (!why &&
      (freexl_get_info(x->h, FREEXL_BIFF_SHEET_COUNT, &info) != FREEXL_OK ||
       info == 0))
    why = "die Arbeitsmappe enthält kein lesbares Tabellenblatt (die Datei "
          "ist wohl beschädigt)";
  if (!why && info > XLS_MAX_SHEETS)
    why = "mehr als 1000 Tabellenblätter";
  if (why) {
    ampel_diags_add(diags, AMPEL_SEV_ERROR, AMPEL_E_DATA, x->path, 1, 1, NULL,
                    0, "keine gültige Excel-Datei (.xls): %s", why);
    return AMPEL_E_DATA;
  }
  x->names = ampel_calloc(info, sizeof *x->names);
  if (!x->names)
    return AMPEL_E_NOMEM;
  for (unsigned i = 0; i < info; i++) {
    const char *n = NULL;
    if (freexl_get_worksheet_name(x->h, (unsigned short)i, &n) != FREEXL_OK ||
        !n)
      n = "";
    x->names[i] = ampel_strndup(n, strnlen(n, XLS_MAX_NAME));
    if (!x->names[i])
      return AMPEL_E_NOMEM;
    x->n_sheets++;
  }
  return AMPEL_OK;
}

ampel_xls *ampel_xls_open_mem(const char *data, size_t len, const char *path,
                              ampel_diags *diags, ampel_status *out_status) {
  ampel_status st = AMPEL_E_NOMEM;
  size_t errors_before = diags ? diags->n_errors : 0;
  ampel_xls *x = ampel_calloc(1, sizeof *x);
  if (x)
    x->path = ampel_strdup(path ? path : "");
  if (x && x->path)
    st = open_book(x, data, len, diags);
  if (st == AMPEL_E_NOMEM && (!diags || diags->n_errors == errors_before))
    ampel_diags_error(diags, AMPEL_E_NOMEM, "%s: Speicher erschöpft",
                      path ? path : "");
  if (out_status)
    *out_status = st;
  if (st == AMPEL_OK)
    return x;
  ampel_xls_free(x);
  return NULL;
}

size_t ampel_xls_n_sheets(const ampel_xls *x) {
  return x ? x->n_sheets : 0;
}

const char *ampel_xls_sheet_name(const ampel_xls *x, size_t i) {
  return x && i < x->n_sheets ? x->names[i] : NULL;
}

void ampel_xls_free(ampel_xls *x) {
  if (!x)
    return;
  if (x->h)
    freexl_close(x->h);
  for (size_t i = 0; i < x->n_sheets; i++)
    ampel_free(x->names[i]);
  ampel_free(x->names);
  ampel_xls_scan_release(&x->scan);
  ampel_free(x->path);
  ampel_free(x);
}

/* ---- one sheet -------------------------------------------------------------
 */

ampel_xls_sheet *ampel_xls_sheet_open(ampel_xls *x, size_t i,
                                      ampel_diags *diags,
                                      ampel_status *out_status) {
  ampel_status st = AMPEL_E_NOMEM;
  ampel_xls_sheet *s = NULL;
  unsigned int rows = 0;
  unsigned short cols = 0;
  if (!x || i >= x->n_sheets ||
      freexl_select_active_worksheet(x->h, (unsigned short)i) != FREEXL_OK ||
      freexl_worksheet_dimensions(x->h, &rows, &cols) != FREEXL_OK) {
    ampel_diags_add(diags, AMPEL_SEV_ERROR, AMPEL_E_NOT_FOUND,
                    x ? x->path : NULL, 0, 0, NULL, 0,
                    "Tabellenblatt Nr. %zu gibt es nicht", i + 1);
    st = AMPEL_E_NOT_FOUND;
    goto done;
  }
  s = ampel_calloc(1, sizeof *s);
  if (!s) {
    ampel_diags_error(diags, st, "%s: Speicher erschöpft", x->path);
    goto done;
  }
  s->x = x;
  s->idx = (unsigned short)i;
  s->name = x->names[i];
  s->rows = rows > XLS_MAX_ROW ? XLS_MAX_ROW : rows;
  s->cols = cols > XLS_MAX_COL ? XLS_MAX_COL : cols;
  /* this sheet's formula results and error cells (sorted by sheet) */
  const xls_scan *sc = &x->scan;
  while (s->ov < sc->n_ov && sc->ov[s->ov].sheet < i)
    s->ov++;
  s->ov_end = s->ov;
  while (s->ov_end < sc->n_ov && sc->ov[s->ov_end].sheet == i) {
    const xls_override *o = &sc->ov[s->ov_end++];
    if (o->row < XLS_MAX_ROW && o->row >= s->rows)
      s->rows = o->row + 1;
    if (o->col < XLS_MAX_COL && o->col >= s->cols)
      s->cols = o->col + 1;
  }
  /* this sheet's rows with values (sorted by sheet): a lower bound */
  size_t lo = 0, hi = sc->n_rows;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (sc->rows[mid].sheet < i)
      lo = mid + 1;
    else
      hi = mid;
  }
  s->ru = s->ru_end = lo;
  while (s->ru_end < sc->n_rows && sc->rows[s->ru_end].sheet == i)
    s->ru_end++;
  st = AMPEL_OK;
done:
  if (out_status)
    *out_status = st;
  if (st == AMPEL_OK)
    return s;
  ampel_xls_sheet_free(s);
  return NULL;
}

static void col_name(long col, char out[8]) {
  char tmp[8];
  int n = 0;
  while (col > 0 && n < 7) {
    tmp[n++] = (char)('A' + (col - 1) % 26);
    col = (col - 1) / 26;
  }
  for (int i = 0; i < n; i++)
    out[i] = tmp[n - 1 - i];
  out[n] = '\0';
}

static void fail(ampel_xls_sheet *s, ampel_diags *diags, ampel_status st,
                 long row, long col, const char *what) {
  char letters[8];
  col_name(col, letters);
  s->failed = 1;
  ampel_diags_add(diags, AMPEL_SEV_ERROR, st, s->x->path, row, col, NULL, 0,
                  "Tabellenblatt '%s': Zelle %s%ld: %s", s->name, letters, row,
                  what);
}

/* Days from 1 January of `base` to y-m-d with libfreexl's calendar (every
 * fourth year a leap year, as Excel's 1900 system counts 1900). */
static double days_since(int base, int y, int m, int d) {
  static const int before[12] = {0,   31,  59,  90,  120, 151,
                                 181, 212, 243, 273, 304, 334};
  double days = 365.0 * (y - base);
  /* leap years in [base, y): multiples of 4 */
  days += (double)(((y - 1) / 4) - ((base - 1) / 4));
  days += before[m - 1] + (m > 2 && y % 4 == 0) + (d - 1);
  return days;
}

/* libfreexl's date text back to Excel's serial number; 0 or -1. */
static int date_serial(const char *t, int type, int date1904, double *out) {
  int y = 0, mo = 1, d = 1, h = 0, mi = 0, sec = 0, n = 0;
  double v = 0;
  if (type == FREEXL_CELL_TIME) {
    if (sscanf(t, "%d:%d:%d%n", &h, &mi, &sec, &n) != 3 || t[n])
      return -1;
  } else {
    if (sscanf(t, "%d-%d-%d%n", &y, &mo, &d, &n) != 3 || mo < 1 || mo > 12 ||
        d < 1 || d > 31 || y < 1900)
      return -1;
    if (type == FREEXL_CELL_DATETIME) {
      int n2 = 0;
      if (sscanf(t + n, " %d:%d:%d%n", &h, &mi, &sec, &n2) != 3 || t[n + n2])
        return -1;
    } else if (t[n]) {
      return -1;
    }
    v = date1904 ? days_since(1904, y, mo, d) : days_since(1900, y, mo, d) + 1;
  }
  *out = v + (h * 3600.0 + mi * 60.0 + sec) / 86400.0;
  return 0;
}

static int push_cell(ampel_xls_sheet *s, ampel_diags *diags, const char *text,
                     size_t len, long col, int is_number) {
  long row = (long)s->next_row + 1;
  if (len > AMPEL_MAX_FIELD_BYTES) {
    fail(s, diags, AMPEL_E_TOO_LARGE, row, col, "Text ist länger als 1 MiB");
    return -1;
  }
  s->sheet_text += len;
  if (s->sheet_text > XLS_MAX_SHEET_TEXT) {
    fail(s, diags, AMPEL_E_TOO_LARGE, row, col,
         "mehr als 1 GiB Text im Tabellenblatt");
    return -1;
  }
  if (s->n_cells == s->cells_cap) {
    size_t cap = s->cells_cap ? s->cells_cap * 2 : 32;
    ampel_cell *c = ampel_reallocarray(s->cells, cap, sizeof *c);
    if (c)
      s->cells = c;
    size_t *o = c ? ampel_reallocarray(s->offs, cap, sizeof *o) : NULL;
    if (!o) {
      fail(s, diags, AMPEL_E_NOMEM, row, col, "Speicher erschöpft");
      return -1;
    }
    s->offs = o;
    s->cells_cap = cap;
  }
  size_t off = s->pool.len;
  ampel_status st =
      ampel_xlsx_buf_put(&s->pool, text, len, AMPEL_MAX_LINE_BYTES);
  if (st != AMPEL_OK) {
    fail(s, diags, st, row, col,
         st == AMPEL_E_NOMEM ? "Speicher erschöpft"
                             : "Zeile ist länger als 16 MiB");
    return -1;
  }
  ampel_cell *c = &s->cells[s->n_cells];
  c->text = NULL;
  c->len = len;
  c->line = row;
  c->column = col;
  c->is_number = is_number;
  s->offs[s->n_cells++] = off;
  return 0;
}

/* The value of cell (row, col) as text; *out_len 0 for an empty cell.
 * Returns 0, or -1 after reporting. */
static int cell_value(ampel_xls_sheet *s, ampel_diags *diags, uint32_t col,
                      const char **out_text, size_t *out_len, int *out_num,
                      char num[32]) {
  const xls_scan *sc = &s->x->scan;
  *out_len = 0;
  *out_num = 0;
  /* overrides come sorted: skip those before this cell */
  while (s->ov < s->ov_end &&
         (sc->ov[s->ov].row < s->next_row ||
          (sc->ov[s->ov].row == s->next_row && sc->ov[s->ov].col < col)))
    s->ov++;
  if (s->ov < s->ov_end && sc->ov[s->ov].row == s->next_row &&
      sc->ov[s->ov].col == col) {
    *out_text = sc->ov[s->ov].text;
    *out_len = strlen(*out_text);
    *out_num = sc->ov[s->ov].is_number;
    return 0;
  }
  FreeXL_CellValue v;
  if (s->next_row >= s->rows || col >= s->cols ||
      freexl_get_cell_value(s->x->h, s->next_row, (unsigned short)col, &v) !=
          FREEXL_OK)
    return 0; /* outside what libfreexl holds: empty */
  double d;
  switch (v.type) {
  case FREEXL_CELL_INT:
    snprintf(num, 32, "%d", v.value.int_value);
    *out_text = num;
    *out_num = 1;
    break;
  case FREEXL_CELL_DOUBLE:
    if (!isfinite(v.value.double_value)) {
      snprintf(num, 32, "%s",
               isnan(v.value.double_value) ? "#NUM!" : "#DIV/0!");
      *out_text = num;
      break;
    }
    ampel_xls_format_number(v.value.double_value, num);
    *out_text = num;
    *out_num = 1;
    break;
  case FREEXL_CELL_DATE:
  case FREEXL_CELL_DATETIME:
  case FREEXL_CELL_TIME:
    if (!v.value.text_value ||
        date_serial(v.value.text_value, v.type, s->x->scan.date1904, &d) != 0) {
      fail(s, diags, AMPEL_E_DATA, (long)s->next_row + 1, (long)col + 1,
           "Datumszelle nicht lesbar");
      return -1;
    }
    ampel_xls_format_number(d, num);
    *out_text = num;
    *out_num = 1;
    break;
  case FREEXL_CELL_TEXT:
  case FREEXL_CELL_SST_TEXT:
    *out_text = v.value.text_value ? v.value.text_value : "";
    break;
  default: return 0;
  }
  *out_len = strlen(*out_text);
  return 0;
}

/* Reads row s->next_row, columns up to s->end_col, into the cell
 * buffers; 0 or -1. */
static int read_row(ampel_xls_sheet *s, ampel_diags *diags) {
  s->n_cells = 0;
  s->pool.len = 0;
  for (uint32_t col = 0; col < s->end_col; col++) {
    const char *text;
    size_t len;
    int is_num;
    char num[32];
    if (cell_value(s, diags, col, &text, &len, &is_num, num) != 0)
      return -1;
    if (len == 0)
      continue;
    for (long c = (long)s->n_cells + 1; c <= (long)col; c++)
      if (push_cell(s, diags, "", 0, c, 0) != 0)
        return -1;
    if (push_cell(s, diags, text, len, (long)col + 1, is_num) != 0)
      return -1;
  }
  return 0;
}

int ampel_xls_sheet_next(ampel_xls_sheet *s, ampel_row *row,
                         ampel_diags *diags) {
  if (!s || s->failed)
    return -1;
  /* libfreexl has one active sheet per workbook: sheets are read in turns */
  if (freexl_select_active_worksheet(s->x->h, s->idx) != FREEXL_OK) {
    s->failed = 1;
    ampel_diags_add(diags, AMPEL_SEV_ERROR, AMPEL_E_INTERNAL, s->x->path, 0, 0,
                    NULL, 0, "Tabellenblatt '%s' nicht lesbar", s->name);
    return -1;
  }
  /* only the rows the scan saw a value in: libfreexl holds nothing in
   * the others (a sheet may declare 65536 rows and fill three) */
  const xls_scan *sc = &s->x->scan;
  while (s->ru < s->ru_end && sc->rows[s->ru].row < s->rows) {
    const xls_row_used *u = &sc->rows[s->ru++];
    s->next_row = u->row;
    s->end_col = u->end_col < s->cols ? u->end_col : s->cols;
    if (read_row(s, diags) != 0) {
      s->failed = 1;
      return -1;
    }
    s->next_row++;
    if (s->n_cells == 0)
      continue;
    s->src.len = 0;
    for (size_t i = 0; i < s->n_cells; i++) {
      ampel_cell *c = &s->cells[i];
      c->text = s->pool.p + s->offs[i];
      ampel_status st = ampel_xlsx_buf_put(&s->src, ";", i > 0, 0);
      if (st == AMPEL_OK)
        st = ampel_xlsx_buf_put(&s->src, c->text, c->len, 0);
      if (st != AMPEL_OK) {
        fail(s, diags, st, (long)s->next_row, c->column, "Speicher erschöpft");
        return -1;
      }
    }
    row->cells = s->cells;
    row->n_cells = s->n_cells;
    row->line = (long)s->next_row;
    row->source = s->src.p;
    row->source_len = s->src.len;
    return 1;
  }
  return 0;
}

void ampel_xls_sheet_free(ampel_xls_sheet *s) {
  if (!s)
    return;
  ampel_xlsx_buf_free(&s->pool);
  ampel_xlsx_buf_free(&s->src);
  ampel_free(s->cells);
  ampel_free(s->offs);
  ampel_free(s);
}
