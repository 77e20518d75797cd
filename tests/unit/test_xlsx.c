/* Tests for the XLSX reader (include/ampel/read.h).
 *
 * Fixtures in tests/data/xlsx/ are written by make_fixtures.py there
 * (openpyxl for kennzahlen.xlsx, Python's zipfile for the hand-made
 * ones); the expected texts below are the values that script writes.
 * Hostile workbooks are built in memory with libzip (build_zip).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <zip.h>

#include "ampel/alloc.h"
#include "ampel/read.h"
#include "read/xlsx_internal.h"

/* ---- Helpers -----------------------------------------------------------
 */

static char *load_fixture(const char *name, size_t *out_len) {
  const char *src = getenv("AMPEL_SOURCE_DIR");
  char path[1024];
  snprintf(path, sizeof path, "%s/tests/data/xlsx/%s", src ? src : ".", name);
  FILE *f = fopen(path, "rb");
  if (!f)
    fail_msg("cannot open fixture %s (AMPEL_SOURCE_DIR set?)", path);
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *buf = malloc((size_t)n + 1);
  assert_non_null(buf);
  assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
  fclose(f);
  *out_len = (size_t)n;
  return buf;
}

typedef struct entry {
  const char *name;
  const char *data;
  size_t len; /* 0: strlen(data) */
} entry;

/* A zip archive of `n` entries (stored when `stored`); caller frees. */
static char *build_zip(const entry *e, size_t n, int stored, size_t *out_len) {
  zip_error_t err;
  zip_error_init(&err);
  zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &err);
  assert_non_null(src);
  zip_t *za = zip_open_from_source(src, ZIP_TRUNCATE, &err);
  assert_non_null(za);
  zip_source_keep(src);
  for (size_t i = 0; i < n; i++) {
    size_t len = e[i].len ? e[i].len : strlen(e[i].data);
    zip_source_t *s = zip_source_buffer(za, e[i].data, len, 0);
    zip_int64_t idx = zip_file_add(za, e[i].name, s, ZIP_FL_ENC_UTF_8);
    assert_true(idx >= 0);
    zip_set_file_compression(za, (zip_uint64_t)idx,
                             stored ? ZIP_CM_STORE : ZIP_CM_DEFLATE, 9);
  }
  assert_int_equal(zip_close(za), 0);
  zip_stat_t st;
  assert_int_equal(zip_source_stat(src, &st), 0);
  char *buf = malloc(st.size + 1);
  assert_non_null(buf);
  assert_int_equal(zip_source_open(src), 0);
  assert_int_equal(zip_source_read(src, buf, st.size), (zip_int64_t)st.size);
  zip_source_close(src);
  zip_source_free(src);
  zip_error_fini(&err);
  *out_len = st.size;
  return buf;
}

#define NS "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
#define RNS                                                                    \
  "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define PNS "http://schemas.openxmlformats.org/package/2006/relationships"

static const char WB_ONE[] =
    "<workbook xmlns=\"" NS "\" xmlns:r=\"" RNS "\"><sheets>"
    "<sheet name=\"Werte\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
static const char RELS_ONE[] =
    "<Relationships xmlns=\"" PNS "\"><Relationship Id=\"rId1\" "
    "Type=\"" RNS "/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
    "</Relationships>";

/* One-sheet workbook "Werte" whose sheet XML is `sheet` (len 0: C
 * string). */
static char *one_sheet(const char *sheet, size_t sheet_len, int stored,
                       size_t *out_len) {
  entry e[] = {{"xl/workbook.xml", WB_ONE, 0},
               {"xl/_rels/workbook.xml.rels", RELS_ONE, 0},
               {"xl/worksheets/sheet1.xml", sheet, sheet_len}};
  return build_zip(e, 3, stored, out_len);
}

static char *wrap_rows(const char *rows) {
  const char *head = "<worksheet xmlns=\"" NS "\"><sheetData>";
  const char *tail = "</sheetData></worksheet>";
  size_t n = strlen(head) + strlen(rows) + strlen(tail) + 1;
  char *s = malloc(n);
  assert_non_null(s);
  snprintf(s, n, "%s%s%s", head, rows, tail);
  return s;
}

static void assert_cell(const ampel_row *row, size_t i, const char *text,
                        long column, int is_number) {
  assert_true(i < row->n_cells);
  const ampel_cell *c = &row->cells[i];
  if (c->len != strlen(text) || memcmp(c->text, text, c->len) != 0)
    fail_msg("cell %zu of row %ld: '%.*s', expected '%s'", i, row->line,
             (int)c->len, c->text, text);
  assert_int_equal(c->column, column);
  assert_int_equal(c->line, row->line);
  assert_int_equal(c->is_number, is_number);
}

static void assert_source(const ampel_row *row, const char *src) {
  assert_int_equal(row->source_len, strlen(src));
  assert_memory_equal(row->source, src, row->source_len);
}

/* The first message in d contains `part`; checks code, line, column. */
static void assert_diag(const ampel_diags *d, ampel_status code, long line,
                        long column, const char *part) {
  assert_true(d->n >= 1);
  const ampel_diag *g = &d->items[0];
  if (!strstr(g->message, part))
    fail_msg("message '%s' lacks '%s'", g->message, part);
  assert_int_equal(g->code, code);
  assert_int_equal(g->line, line);
  assert_int_equal(g->column, column);
  assert_string_equal(g->path, "datei.xlsx");
}

typedef struct fx {
  char *data;
  ampel_xlsx *x;
  ampel_xlsx_sheet *s;
  ampel_diags d;
  ampel_row row;
} fx;

static void fx_open_buf(fx *f, char *data, size_t len) {
  ampel_status st = AMPEL_E_INTERNAL;
  memset(f, 0, sizeof *f);
  ampel_diags_init(&f->d, 0);
  f->data = data;
  f->x = ampel_xlsx_open_mem(data, len, "datei.xlsx", &f->d, &st);
  if (f->x)
    assert_int_equal(st, AMPEL_OK);
}

static void fx_open(fx *f, const char *fixture) {
  size_t len;
  char *data = load_fixture(fixture, &len);
  fx_open_buf(f, data, len);
  if (!f->x)
    fail_msg("%s: %s", fixture, f->d.n ? f->d.items[0].message : "?");
}

static void fx_sheet(fx *f, size_t i) {
  ampel_status st = AMPEL_E_INTERNAL;
  ampel_xlsx_sheet_free(f->s);
  f->s = ampel_xlsx_sheet_open(f->x, i, &f->d, &st);
  assert_non_null(f->s);
  assert_int_equal(st, AMPEL_OK);
}

static int fx_next(fx *f) {
  return ampel_xlsx_sheet_next(f->s, &f->row, &f->d);
}

static void fx_close(fx *f) {
  ampel_xlsx_sheet_free(f->s);
  ampel_xlsx_free(f->x);
  ampel_diags_release(&f->d);
  free(f->data);
}

/* ---- openpyxl workbook -------------------------------------------------
 */

static void test_sheet_names(void **state) {
  fx f;
  fx_open(&f, "kennzahlen.xlsx");
  assert_int_equal(ampel_xlsx_n_sheets(f.x), 3);
  assert_string_equal(ampel_xlsx_sheet_name(f.x, 0), "Gebiete");
  assert_string_equal(ampel_xlsx_sheet_name(f.x, 1), "Kennzahlen");
  assert_string_equal(ampel_xlsx_sheet_name(f.x, 2), "Werte");
  assert_null(ampel_xlsx_sheet_name(f.x, 3));
  assert_int_equal(f.d.n, 0);
  fx_close(&f);
}

static void test_gebiete(void **state) {
  fx f;
  fx_open(&f, "kennzahlen.xlsx");
  fx_sheet(&f, 0);
  assert_int_equal(fx_next(&f), 1);
  assert_int_equal(f.row.line, 1);
  assert_int_equal(f.row.n_cells, 3);
  assert_cell(&f.row, 0, "Schlüssel", 1, 0);
  assert_source(&f.row, "Schlüssel;Name;Ebene");
  assert_int_equal(fx_next(&f), 1);
  assert_cell(&f.row, 0, "09162000", 1, 0);
  assert_cell(&f.row, 1, "München", 2, 0);
  assert_int_equal(fx_next(&f), 1);
  assert_cell(&f.row, 1, "Fürth", 2, 0);
  assert_int_equal(fx_next(&f), 1); /* trailing empty cell dropped */
  assert_int_equal(f.row.line, 4);
  assert_int_equal(f.row.n_cells, 2);
  assert_cell(&f.row, 1, "Würzburg", 2, 0);
  assert_int_equal(fx_next(&f), 1); /* empty cell in the middle */
  assert_int_equal(f.row.n_cells, 3);
  assert_cell(&f.row, 0, "09184000", 1, 0);
  assert_cell(&f.row, 1, "", 2, 0);
  assert_cell(&f.row, 2, "Landkreis", 3, 0);
  assert_source(&f.row, "09184000;;Landkreis");
  assert_int_equal(fx_next(&f), 0);
  assert_int_equal(fx_next(&f), 0);
  assert_int_equal(f.d.n, 0);
  fx_close(&f);
}

static void test_kennzahlen_booleans(void **state) {
  fx f;
  fx_open(&f, "kennzahlen.xlsx");
  fx_sheet(&f, 1);
  assert_int_equal(fx_next(&f), 1);
  assert_int_equal(fx_next(&f), 1);
  assert_cell(&f.row, 0, "Betreuungsquote U3", 1, 0);
  assert_cell(&f.row, 1, "%", 2, 0);
  assert_cell(&f.row, 2, "1", 3, 1);
  assert_int_equal(fx_next(&f), 1);
  /* xml:space="preserve" keeps the blanks */
  assert_cell(&f.row, 0, " Übergangsquote Gymnasium ", 1, 0);
  assert_cell(&f.row, 1, "Anteil\nin %", 2, 0);
  assert_cell(&f.row, 2, "0", 3, 1);
  assert_int_equal(fx_next(&f), 0);
  fx_close(&f);
}

static void test_werte_numbers_and_gaps(void **state) {
  fx f;
  fx_open(&f, "kennzahlen.xlsx");
  fx_sheet(&f, 2);
  assert_int_equal(fx_next(&f), 1);
  assert_int_equal(f.row.n_cells, 4);
  assert_int_equal(fx_next(&f), 1);
  assert_int_equal(f.row.line, 2);
  assert_cell(&f.row, 1, "2023", 2, 1);
  assert_cell(&f.row, 2, "1234.5", 3, 1);
  assert_cell(&f.row, 3, "45107", 4, 1); /* 2023-06-30 as serial day */
  assert_source(&f.row, "09162000;2023;1234.5;45107");
  assert_int_equal(fx_next(&f), 1); /* row 3 is styled but empty */
  assert_int_equal(f.row.line, 4);
  assert_int_equal(f.row.n_cells, 3);
  assert_cell(&f.row, 1, "", 2, 0);
  assert_cell(&f.row, 2, "0.001", 3, 1);
  assert_int_equal(fx_next(&f), 1);
  assert_int_equal(f.row.line, 5);
  assert_int_equal(f.row.n_cells, 3);
  assert_cell(&f.row, 0, "", 1, 0);
  assert_cell(&f.row, 2, "-1e-10", 3, 1);
  assert_source(&f.row, ";;-1e-10");
  assert_int_equal(fx_next(&f), 1);
  assert_cell(&f.row, 2, "x", 3, 0);
  assert_int_equal(fx_next(&f), 1);
  assert_int_equal(f.row.line, 7);
  assert_int_equal(f.row.n_cells, 27);
  assert_cell(&f.row, 25, "", 26, 0);
  assert_cell(&f.row, 26, "7", 27, 1);
  assert_int_equal(fx_next(&f), 0);
  assert_int_equal(f.d.n, 0);
  fx_close(&f);
}

/* Two sheets open at once read independently. */
static void test_two_sheets_at_once(void **state) {
  fx f;
  ampel_row r2;
  fx_open(&f, "kennzahlen.xlsx");
  fx_sheet(&f, 0);
  ampel_xlsx_sheet *s2 = ampel_xlsx_sheet_open(f.x, 2, &f.d, NULL);
  assert_non_null(s2);
  assert_int_equal(fx_next(&f), 1);
  assert_int_equal(ampel_xlsx_sheet_next(s2, &r2, &f.d), 1);
  assert_int_equal(ampel_xlsx_sheet_next(s2, &r2, &f.d), 1);
  assert_int_equal(fx_next(&f), 1);
  assert_cell(&f.row, 1, "München", 2, 0);
  assert_cell(&r2, 2, "1234.5", 3, 1);
  ampel_xlsx_sheet_free(s2);
  fx_close(&f);
}

/* ---- hand-made workbooks -----------------------------------------------
 */

static void test_inline_strings(void **state) {
  fx f;
  fx_open(&f, "inline.xlsx");
  assert_int_equal(ampel_xlsx_n_sheets(f.x), 2);
  fx_sheet(&f, 0); /* absolute target /xl/worksheets/sheet1.xml */
  assert_int_equal(fx_next(&f), 1);
  assert_int_equal(f.row.line, 1);
  assert_cell(&f.row, 0, "Gebiet", 1, 0);
  assert_cell(&f.row, 1, "Wert in €", 2, 0); /* runs, no phonetic */
  assert_int_equal(fx_next(&f), 1);
  assert_int_equal(f.row.line, 2);
  assert_int_equal(f.row.n_cells, 4);
  assert_cell(&f.row, 0, "Zeile\r\nUmbruch", 1, 0);
  assert_cell(&f.row, 1, "1E-3", 2, 1);
  assert_cell(&f.row, 2, "1", 3, 1);
  assert_cell(&f.row, 3, "#DIV/0!", 4, 0);
  assert_int_equal(fx_next(&f), 1);
  assert_int_equal(f.row.n_cells, 4); /* formula without value dropped */
  assert_cell(&f.row, 0, "_x000D_ bleibt", 1, 0);
  assert_cell(&f.row, 1, "Gebietx", 2, 0);
  assert_cell(&f.row, 2, "2", 3, 1);
  assert_cell(&f.row, 3, "-12.5", 4, 1);
  assert_int_equal(fx_next(&f), 1);
  assert_int_equal(f.row.line, 10);
  assert_int_equal(f.row.n_cells, 4);
  assert_cell(&f.row, 2, "C", 3, 0);
  assert_cell(&f.row, 3, "D", 4, 0);
  assert_int_equal(fx_next(&f), 1);
  assert_int_equal(f.row.line, 11);
  assert_cell(&f.row, 0, "abc", 1, 0); /* t="n" without a number */
  assert_int_equal(fx_next(&f), 0);
  assert_int_equal(f.d.n, 0);
  fx_close(&f);
}

static void test_prefixed_relative(void **state) {
  fx f;
  fx_open(&f, "inline.xlsx");
  assert_string_equal(ampel_xlsx_sheet_name(f.x, 1), "Präfix");
  fx_sheet(&f, 1); /* worksheets/../worksheets/sheet2.xml, x: prefix */
  assert_int_equal(fx_next(&f), 1);
  assert_int_equal(f.row.line, 2);
  assert_int_equal(f.row.n_cells, 2);
  assert_cell(&f.row, 1, "präfix", 2, 0);
  assert_int_equal(fx_next(&f), 0);
  fx_close(&f);
}

static void test_shared_strings(void **state) {
  fx f;
  fx_open(&f, "sst.xlsx");
  fx_sheet(&f, 0);
  assert_int_equal(fx_next(&f), 1);
  assert_cell(&f.row, 0, "Gebiet", 1, 0);
  assert_cell(&f.row, 1, "Anteil in %", 2, 0);
  assert_int_equal(fx_next(&f), 1);
  assert_cell(&f.row, 0, "Zeile\r\nzwei", 1, 0);
  assert_cell(&f.row, 1, "", 2, 0);
  assert_cell(&f.row, 2, "  Leerzeichen  ", 3, 0);
  assert_int_equal(fx_next(&f), 1); /* row 3 holds only "" */
  assert_int_equal(f.row.line, 4);
  assert_int_equal(f.row.n_cells, 4);
  assert_cell(&f.row, 3, "Göttingen & Straße", 4, 0);
  assert_int_equal(fx_next(&f), 0);
  assert_int_equal(f.d.n, 0);
  fx_close(&f);
}

static void test_shared_string_out_of_range(void **state) {
  fx f;
  fx_open(&f, "sst.xlsx");
  fx_sheet(&f, 1);
  assert_int_equal(fx_next(&f), 1);
  assert_int_equal(fx_next(&f), -1);
  assert_int_equal(fx_next(&f), -1);
  assert_diag(&f.d, AMPEL_E_DATA, 2, 2,
              "Tabellenblatt 'Verweis': Zelle B2: Verweis auf gemeinsamen "
              "Text '6' ungültig (es gibt 6)");
  fx_close(&f);
}

/* ---- files that are no workbook ----------------------------------------
 */

/* Container errors are located at the archive's start, FILE:1:1 (issue
 * 16); XML errors inside a member name the member and its line. */
static void expect_open_error(const char *fixture, ampel_status code,
                              const char *message) {
  size_t len;
  char *data = load_fixture(fixture, &len);
  fx f;
  fx_open_buf(&f, data, len);
  assert_null(f.x);
  assert_int_equal(f.d.n, 1);
  assert_diag(&f.d, code, 1, 1, message);
  fx_close(&f);
}

static void test_broken_zip(void **state) {
  expect_open_error("broken.xlsx", AMPEL_E_DATA,
                    "keine gültige Excel-Datei (.xlsx): ZIP-Archiv ist "
                    "beschädigt oder unvollständig");
}

static void test_no_workbook(void **state) {
  expect_open_error("no_workbook.xlsx", AMPEL_E_DATA,
                    "Eintrag xl/workbook.xml fehlt");
}

static void test_old_xls(void **state) {
  expect_open_error("old.xls", AMPEL_E_DATA,
                    "keine gültige Excel-Datei (.xlsx): das ist das Format "
                    "von Excel 97-2003 (.xls) oder eine kennwortgeschützte "
                    "Datei");
}

static void test_not_zip(void **state) {
  fx f;
  char *text = strdup("Schlüssel;Wert\n09162000;12,5\n");
  fx_open_buf(&f, text, strlen(text));
  assert_null(f.x);
  assert_diag(&f.d, AMPEL_E_DATA, 1, 1,
              "keine gültige Excel-Datei (.xlsx): kein ZIP-Archiv");
  fx_close(&f);
  fx_open_buf(&f, strdup(""), 0);
  assert_null(f.x);
  assert_diag(&f.d, AMPEL_E_DATA, 1, 1, "die Datei ist leer");
  fx_close(&f);
}

static void test_bad_xml(void **state) {
  fx f;
  fx_open(&f, "bad_xml.xlsx");
  fx_sheet(&f, 0);
  assert_int_equal(fx_next(&f), 1); /* the row before the error */
  assert_cell(&f.row, 0, "1", 1, 1);
  assert_int_equal(fx_next(&f), -1);
  assert_int_equal(f.d.n, 1);
  /* line 4 is '<row r="2"><c r="A2"><v>2</v></x></row>'; column 32 is
   * the "x" of "</x>" */
  assert_diag(&f.d, AMPEL_E_DATA, 0, 0,
              "Tabellenblatt 'Werte': xl/worksheets/sheet1.xml:4:32: "
              "XML-Fehler: schließendes Tag passt nicht");
  fx_close(&f);
}

/* ---- hostile workbooks -------------------------------------------------
 */

/* Reads the one sheet of a workbook made of `rows` until it stops; returns
 * the number of rows read, the last return value in *out_rc. */
static int read_rows(fx *f, const char *rows, int *out_rc) {
  char *sheet = wrap_rows(rows);
  size_t len;
  char *zip = one_sheet(sheet, 0, 0, &len);
  free(sheet);
  fx_open_buf(f, zip, len);
  assert_non_null(f->x);
  fx_sheet(f, 0);
  int n = 0, rc;
  while ((rc = fx_next(f)) == 1)
    n++;
  *out_rc = rc;
  return n;
}

static void test_rows_backwards(void **state) {
  fx f;
  int rc;
  assert_int_equal(read_rows(&f,
                             "<row r=\"5\"><c><v>1</v></c></row>"
                             "<row r=\"3\"><c><v>2</v></c></row>",
                             &rc),
                   1);
  assert_int_equal(rc, -1);
  assert_diag(&f.d, AMPEL_E_DATA, 3, 0,
              "Tabellenblatt 'Werte': Zeile 3 folgt auf Zeile 5");
  fx_close(&f);
  read_rows(&f, "<row r=\"1048577\"><c><v>1</v></c></row>", &rc);
  assert_int_equal(rc, -1);
  assert_diag(&f.d, AMPEL_E_DATA, 0, 0, "ungültige Zeilennummer '1048577'");
  fx_close(&f);
}

static void test_columns_backwards(void **state) {
  fx f;
  int rc;
  assert_int_equal(read_rows(&f,
                             "<row r=\"2\"><c r=\"C2\"><v>1</v></c><c r=\"A2\">"
                             "<v>2</v></c></row>",
                             &rc),
                   0);
  assert_int_equal(rc, -1);
  assert_diag(&f.d, AMPEL_E_DATA, 2, 1,
              "Tabellenblatt 'Werte': Zelle A2: Spalten müssen in der Zeile "
              "aufsteigen");
  fx_close(&f);
}

static void test_column_letters(void **state) {
  fx f;
  int rc;
  assert_int_equal(read_rows(&f, "<row><c r=\"XFD1\"><v>9</v></c></row>", &rc),
                   1);
  assert_int_equal(rc, 0);
  assert_int_equal(f.row.n_cells, 16384);
  assert_int_equal(f.row.cells[16383].column, 16384);
  fx_close(&f);
  read_rows(&f, "<row><c r=\"XFE1\"><v>9</v></c></row>", &rc);
  assert_int_equal(rc, -1);
  assert_diag(&f.d, AMPEL_E_DATA, 1, 1, "ungültiger Zellbezug 'XFE1'");
  fx_close(&f);
  read_rows(&f, "<row><c r=\"AAAAAAAAAAAAAAAA1\"><v>9</v></c></row>", &rc);
  assert_int_equal(rc, -1);
  fx_close(&f);
  read_rows(&f, "<row><c r=\"XFD1\"><v>9</v></c><c><v>1</v></c></row>", &rc);
  assert_int_equal(rc, -1);
  assert_diag(&f.d, AMPEL_E_TOO_LARGE, 1, 16385, "Spalte liegt hinter XFD");
  fx_close(&f);
}

static void test_cell_too_long(void **state) {
  size_t n = AMPEL_MAX_FIELD_BYTES + 1;
  char *rows = malloc(n + 100);
  assert_non_null(rows);
  strcpy(rows, "<row><c t=\"inlineStr\"><is><t>");
  size_t h = strlen(rows);
  memset(rows + h, 'a', n);
  strcpy(rows + h + n, "</t></is></c></row>");
  fx f;
  int rc;
  read_rows(&f, rows, &rc);
  free(rows);
  assert_int_equal(rc, -1);
  assert_diag(&f.d, AMPEL_E_TOO_LARGE, 1, 1,
              "Zelle A1: Text ist länger als 1 MiB");
  fx_close(&f);
}

/* A sheet of 2 MiB of blanks against a cap of 1 MiB: refused from the
 * declared size, and from the bytes read when the declared size lies. */
static void test_entry_cap(void **state) {
  size_t n = 2u << 20;
  char *sheet = malloc(n + 1);
  assert_non_null(sheet);
  memset(sheet, ' ', n);
  memcpy(sheet, "<worksheet>", 11);
  memcpy(sheet + n - 12, "</worksheet>", 12);
  size_t len;
  char *zip = one_sheet(sheet, n, 0, &len);
  free(sheet);
  /* patch the declared sizes of the sheet (the last entry) to 100 */
  for (size_t i = 0; i + 30 < len; i++) {
    if (memcmp(zip + i, "PK\x03\x04", 4) == 0 &&
        memcmp(zip + i + 30, "xl/worksheets", 13) == 0)
      memcpy(zip + i + 22, "\x64\0\0\0", 4);
    if (memcmp(zip + i, "PK\x01\x02", 4) == 0 &&
        memcmp(zip + i + 46, "xl/worksheets", 13) == 0)
      memcpy(zip + i + 24, "\x64\0\0\0", 4);
  }
  fx f;
  fx_open_buf(&f, zip, len);
  assert_non_null(f.x);
  ampel_xlsx_set_entry_cap(f.x, 1u << 20);
  fx_sheet(&f, 0);
  assert_int_equal(fx_next(&f), -1);
  assert_diag(&f.d, AMPEL_E_TOO_LARGE, 1, 1,
              "Tabellenblatt 'Werte': Eintrag xl/worksheets/sheet1.xml ist "
              "entpackt größer als 1 MiB");
  assert_null(strstr(f.d.items[0].message, "laut"));
  fx_close(&f);
}

static void test_declared_size_too_large(void **state) {
  char *sheet = wrap_rows("<row><c><v>1</v></c></row>");
  size_t len;
  char *zip = one_sheet(sheet, 0, 0, &len);
  free(sheet);
  fx f;
  fx_open_buf(&f, zip, len);
  ampel_xlsx_set_entry_cap(f.x, 10);
  ampel_status st;
  assert_null(ampel_xlsx_sheet_open(f.x, 0, &f.d, &st));
  assert_int_equal(st, AMPEL_E_TOO_LARGE);
  assert_diag(&f.d, AMPEL_E_TOO_LARGE, 1, 1,
              "ist laut ZIP-Verzeichnis entpackt größer als 0 MiB");
  fx_close(&f);
}

static void test_crc_error(void **state) {
  char *sheet = wrap_rows("<row><c><v>12345</v></c></row>");
  size_t len;
  char *zip = one_sheet(sheet, 0, 1, &len);
  free(sheet);
  char *p = NULL;
  for (size_t i = 0; i + 5 < len && !p; i++)
    if (memcmp(zip + i, "12345", 5) == 0)
      p = zip + i;
  assert_non_null(p);
  p[0] = '9';
  fx f;
  fx_open_buf(&f, zip, len);
  fx_sheet(&f, 0);
  int rc;
  while ((rc = fx_next(&f)) == 1)
    ;
  assert_int_equal(rc, -1);
  assert_diag(&f.d, AMPEL_E_DATA, 1, 1,
              "Eintrag xl/worksheets/sheet1.xml ist beschädigt");
  fx_close(&f);
}

static void test_doctype_refused(void **state) {
  const char *wb = "<!DOCTYPE lol [<!ENTITY a \"aaaaaaaa\">"
                   "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">]>"
                   "<workbook><sheets><sheet name=\"&b;\"/></sheets>"
                   "</workbook>";
  entry e[] = {{"xl/workbook.xml", wb, 0}};
  size_t len;
  fx f;
  char *zip = build_zip(e, 1, 0, &len);
  fx_open_buf(&f, zip, len);
  assert_null(f.x);
  assert_diag(&f.d, AMPEL_E_DATA, 0, 0,
              "xl/workbook.xml: DOCTYPE-Deklaration ist in .xlsx nicht "
              "erlaubt");
  fx_close(&f);
}

static void test_too_many_sheets(void **state) {
  size_t cap = 1100 * 80 + 200;
  char *wb = malloc(cap);
  assert_non_null(wb);
  size_t w =
      (size_t)snprintf(wb, cap, "<workbook xmlns:r=\"" RNS "\"><sheets>");
  for (int i = 0; i < 1001; i++)
    w += (size_t)snprintf(wb + w, cap - w,
                          "<sheet name=\"S%d\" r:id=\"rId%d\"/>", i, i);
  snprintf(wb + w, cap - w, "</sheets></workbook>");
  entry e[] = {{"xl/workbook.xml", wb, 0}};
  size_t len;
  fx f;
  char *zip = build_zip(e, 1, 0, &len);
  fx_open_buf(&f, zip, len);
  free(wb);
  assert_null(f.x);
  assert_diag(&f.d, AMPEL_E_TOO_LARGE, 0, 0, "mehr als 1000 Tabellenblätter");
  fx_close(&f);
}

static void test_missing_relation_and_part(void **state) {
  const char *rels = "<Relationships><Relationship Id=\"rId2\" "
                     "Target=\"worksheets/nix.xml\"/></Relationships>";
  entry e[] = {{"xl/workbook.xml", WB_ONE, 0},
               {"xl/_rels/workbook.xml.rels", rels, 0}};
  size_t len;
  fx f;
  char *zip = build_zip(e, 2, 0, &len);
  fx_open_buf(&f, zip, len);
  assert_null(f.x);
  assert_diag(&f.d, AMPEL_E_DATA, 0, 0,
              "Tabellenblatt 'Werte': Verweis rId1 fehlt in "
              "xl/_rels/workbook.xml.rels");
  fx_close(&f);
  e[1].data = RELS_ONE; /* rId1 -> worksheets/sheet1.xml, not there */
  zip = build_zip(e, 2, 0, &len);
  fx_open_buf(&f, zip, len);
  assert_non_null(f.x);
  ampel_status st;
  assert_null(ampel_xlsx_sheet_open(f.x, 0, &f.d, &st));
  assert_int_equal(st, AMPEL_E_DATA);
  assert_diag(&f.d, AMPEL_E_DATA, 1, 1,
              "Tabellenblatt 'Werte': Eintrag xl/worksheets/sheet1.xml "
              "fehlt");
  assert_null(ampel_xlsx_sheet_open(f.x, 1, &f.d, &st));
  assert_int_equal(st, AMPEL_E_NOT_FOUND);
  fx_close(&f);
}

static void test_target_above_root(void **state) {
  const char *rels = "<Relationships><Relationship Id=\"rId1\" "
                     "Target=\"../../x.xml\"/></Relationships>";
  entry e[] = {{"xl/workbook.xml", WB_ONE, 0},
               {"xl/_rels/workbook.xml.rels", rels, 0}};
  size_t len;
  fx f;
  char *zip = build_zip(e, 2, 0, &len);
  fx_open_buf(&f, zip, len);
  assert_null(f.x);
  assert_diag(&f.d, AMPEL_E_DATA, 0, 0, "hat ungültiges Ziel '../../x.xml'");
  fx_close(&f);
}

/* ---- allocation failures -----------------------------------------------
 */

typedef struct failing {
  long countdown; /* allocations left before failing; < 0: never */
  long calls;     /* allocations asked for */
} failing;

static void *f_alloc(size_t n, void *ud) {
  failing *f = ud;
  f->calls++;
  if (f->countdown == 0)
    return NULL;
  if (f->countdown > 0)
    f->countdown--;
  return malloc(n ? n : 1);
}

static void *f_realloc(void *p, size_t n, void *ud) {
  failing *f = ud;
  f->calls++;
  if (f->countdown == 0)
    return NULL;
  if (f->countdown > 0)
    f->countdown--;
  return realloc(p, n ? n : 1);
}

static void f_free(void *p, void *ud) { free(p); }

/* Reads every row of every sheet; returns the number of rows, or -1 when
 * something failed. */
static long read_all(const char *data, size_t len) {
  ampel_diags d;
  ampel_diags_init(&d, 0);
  ampel_xlsx *x = ampel_xlsx_open_mem(data, len, "datei.xlsx", &d, NULL);
  long rows = 0;
  int failed = x == NULL;
  for (size_t i = 0; x && i < ampel_xlsx_n_sheets(x); i++) {
    ampel_xlsx_sheet *s = ampel_xlsx_sheet_open(x, i, &d, NULL);
    ampel_row row;
    int rc = s ? 1 : -1;
    while (s && (rc = ampel_xlsx_sheet_next(s, &row, &d)) == 1)
      rows++;
    failed |= rc < 0;
    ampel_xlsx_sheet_free(s);
  }
  ampel_xlsx_free(x);
  ampel_diags_release(&d);
  return failed ? -1 : rows;
}

/* Fails each allocation in turn: every run must end cleanly (ASan checks
 * for leaks), and with no failure the result is the normal one. */
static void test_allocation_failures(void **state) {
  const char *names[] = {"inline.xlsx", "sst.xlsx", "kennzahlen.xlsx"};
  for (size_t k = 0; k < 3; k++) {
    size_t len;
    char *data = load_fixture(names[k], &len);
    failing fl = {-1, 0};
    ampel_allocator a = {f_alloc, f_realloc, f_free, &fl};
    ampel_set_allocator(&a);
    long want = read_all(data, len);
    long total = fl.calls;
    for (long n = 0; n < total; n++) {
      fl.countdown = n;
      assert_true(read_all(data, len) <= want || want < 0);
    }
    fl.countdown = total;
    assert_int_equal(read_all(data, len), want);
    ampel_set_allocator(NULL);
    assert_int_equal(want, k == 1 ? -1 : k == 0 ? 6 : 14);
    free(data);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_sheet_names),
      cmocka_unit_test(test_gebiete),
      cmocka_unit_test(test_kennzahlen_booleans),
      cmocka_unit_test(test_werte_numbers_and_gaps),
      cmocka_unit_test(test_two_sheets_at_once),
      cmocka_unit_test(test_inline_strings),
      cmocka_unit_test(test_prefixed_relative),
      cmocka_unit_test(test_shared_strings),
      cmocka_unit_test(test_shared_string_out_of_range),
      cmocka_unit_test(test_broken_zip),
      cmocka_unit_test(test_no_workbook),
      cmocka_unit_test(test_old_xls),
      cmocka_unit_test(test_not_zip),
      cmocka_unit_test(test_bad_xml),
      cmocka_unit_test(test_rows_backwards),
      cmocka_unit_test(test_columns_backwards),
      cmocka_unit_test(test_column_letters),
      cmocka_unit_test(test_cell_too_long),
      cmocka_unit_test(test_entry_cap),
      cmocka_unit_test(test_declared_size_too_large),
      cmocka_unit_test(test_crc_error),
      cmocka_unit_test(test_doctype_refused),
      cmocka_unit_test(test_too_many_sheets),
      cmocka_unit_test(test_missing_relation_and_part),
      cmocka_unit_test(test_target_above_root),
      cmocka_unit_test(test_allocation_failures),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
