/* Tests for the XLS reader (include/ampel/read.h, src/read/xls*.c).
 *
 * The fixtures are written at test time by tests/data/xls/make_xls.py
 * (--fixtures) into a temporary directory: a minimal BIFF8 writer, so no
 * binary workbook is kept in git. Without python3 the tests skip.
 */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
/* clang-format on */

#include "ampel/alloc.h"
#include "ampel/read.h"
#include "failalloc.h"
#include "read/xls_internal.h"

static char fixture_dir[256];
static int have_fixtures;

static int make_fixtures(void **state) {
  const char *src = getenv("AMPEL_SOURCE_DIR");
  char cmd[1024];
  snprintf(fixture_dir, sizeof fixture_dir, "/tmp/ampel-test-xls-XXXXXX");
  if (!mkdtemp(fixture_dir))
    return -1;
  snprintf(cmd, sizeof cmd,
           "python3 '%s/tests/data/xls/make_xls.py' --fixtures '%s'",
           src ? src : ".", fixture_dir);
  have_fixtures = system(cmd) == 0;
  return 0;
}

static int remove_fixtures(void **state) {
  char cmd[512];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", fixture_dir);
  return system(cmd) == 0 ? 0 : -1;
}

static char *load(const char *name, size_t *out_len) {
  if (!have_fixtures)
    skip();
  char path[512];
  snprintf(path, sizeof path, "%s/%s", fixture_dir, name);
  FILE *f = fopen(path, "rb");
  if (!f)
    fail_msg("cannot open fixture %s", path);
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

typedef struct fx {
  char *data;
  size_t len;
  ampel_xls *x;
  ampel_diags d;
  ampel_row row;
} fx;

static void fx_open(fx *f, const char *name) {
  ampel_status st = AMPEL_E_INTERNAL;
  memset(f, 0, sizeof *f);
  ampel_diags_init(&f->d, 0);
  f->data = load(name, &f->len);
  f->x = ampel_xls_open_mem(f->data, f->len, "mappe.xls", &f->d, &st);
  if (f->x)
    assert_int_equal(st, AMPEL_OK);
  else
    assert_int_not_equal(st, AMPEL_OK);
}

static void fx_close(fx *f) {
  ampel_xls_free(f->x);
  ampel_diags_release(&f->d);
  free(f->data);
}

static ampel_xls_sheet *sheet(fx *f, size_t i) {
  ampel_status st = AMPEL_E_INTERNAL;
  ampel_xls_sheet *s = ampel_xls_sheet_open(f->x, i, &f->d, &st);
  assert_non_null(s);
  assert_int_equal(st, AMPEL_OK);
  return s;
}

static void next(ampel_xls_sheet *s, fx *f, long line) {
  assert_int_equal(ampel_xls_sheet_next(s, &f->row, &f->d), 1);
  assert_int_equal(f->row.line, line);
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

/* Opening fails with one message containing `part` at line:column. */
static void expect_error(const char *name, ampel_status code, long line,
                         long column, const char *part) {
  fx f;
  fx_open(&f, name);
  assert_null(f.x);
  assert_true(f.d.n >= 1);
  const ampel_diag *g = &f.d.items[0];
  if (!strstr(g->message, part))
    fail_msg("%s: message '%s' lacks '%s'", name, g->message, part);
  assert_int_equal(g->code, code);
  assert_int_equal(g->line, line);
  assert_int_equal(g->column, column);
  assert_string_equal(g->path, "mappe.xls");
  fx_close(&f);
}

/* ---- reading -------------------------------------------------------------
 */

static void test_sheets_and_values(void **state) {
  fx f;
  fx_open(&f, "mappe.xls");
  assert_non_null(f.x);
  assert_int_equal(ampel_xls_n_sheets(f.x), 4);
  assert_string_equal(ampel_xls_sheet_name(f.x, 0), "Anleitung");
  assert_string_equal(ampel_xls_sheet_name(f.x, 3), "Werte");
  assert_null(ampel_xls_sheet_name(f.x, 4));
  ampel_xls_sheet *s = sheet(&f, 3);
  next(s, &f, 1);
  assert_int_equal(f.row.n_cells, 4);
  assert_cell(&f.row, 0, "Gebiet", 1, 0);
  assert_cell(&f.row, 3, "Wert", 4, 0);
  next(s, &f, 2);
  assert_cell(&f.row, 0, "MS-1", 1, 0);
  assert_cell(&f.row, 2, "2023", 3, 1);
  assert_cell(&f.row, 3, "8.5", 4, 1);
  assert_int_equal(f.row.source_len, strlen("MS-1;sgb2;2023;8.5"));
  assert_memory_equal(f.row.source, "MS-1;sgb2;2023;8.5", f.row.source_len);
  next(s, &f, 3);
  assert_cell(&f.row, 3, "24,3", 4, 0); /* text stays text */
  next(s, &f, 4);
  assert_cell(&f.row, 2, "2023/24", 3, 0);
  assert_cell(&f.row, 3, "41.25", 4, 1);
  next(s, &f, 5);
  assert_cell(&f.row, 3, ".", 4, 0);
  assert_int_equal(ampel_xls_sheet_next(s, &f.row, &f.d), 0);
  assert_int_equal(f.d.n_errors, 0);
  ampel_xls_sheet_free(s);
  fx_close(&f);
}

/* Gaps are empty cells, empty rows are skipped, numbers are the shortest
 * text that reads back, dates are serial numbers, non-Latin-1 text is
 * UTF-8. */
static void test_cells(void **state) {
  fx f;
  fx_open(&f, "cells.xls");
  assert_non_null(f.x);
  ampel_xls_sheet *s = sheet(&f, 0);
  next(s, &f, 1);
  assert_int_equal(f.row.n_cells, 3);
  assert_cell(&f.row, 0, "a", 1, 0);
  assert_cell(&f.row, 1, "", 2, 0);
  assert_cell(&f.row, 2, "c", 3, 0);
  assert_memory_equal(f.row.source, "a;;c", 4);
  next(s, &f, 3);
  assert_int_equal(f.row.n_cells, 6);
  assert_cell(&f.row, 0, "", 1, 0);
  assert_cell(&f.row, 1, "1", 2, 1);
  assert_cell(&f.row, 2, "0.1", 3, 1);
  assert_cell(&f.row, 3, "1e-300", 4, 1);
  assert_cell(&f.row, 4, "-2.5", 5, 1);
  assert_cell(&f.row, 5, "0.3333333333333333", 6, 1);
  next(s, &f, 4);
  assert_cell(&f.row, 0, "45107", 1, 1);    /* 2023-06-30 */
  assert_cell(&f.row, 1, "45107.75", 2, 1); /* 18:00 */
  assert_cell(&f.row, 2, "Straße €", 3, 0);
  assert_int_equal(ampel_xls_sheet_next(s, &f.row, &f.d), 0);
  ampel_xls_sheet_free(s);
  fx_close(&f);
}

static void test_date_1904(void **state) {
  fx f;
  fx_open(&f, "cells1904.xls");
  assert_non_null(f.x);
  ampel_xls_sheet *s = sheet(&f, 0);
  next(s, &f, 1);
  assert_cell(&f.row, 0, "43645", 1, 1); /* the stored serial, as .xlsx */
  ampel_xls_sheet_free(s);
  fx_close(&f);
}

/* Formula results and error cells come from the scan: libfreexl leaves
 * formulas empty and reads #N/A as 1. */
static void test_formula_results(void **state) {
  fx f;
  fx_open(&f, "formula.xls");
  assert_non_null(f.x);
  ampel_xls_sheet *s = sheet(&f, 0);
  next(s, &f, 1);
  next(s, &f, 2);
  assert_int_equal(f.row.n_cells, 5);
  assert_cell(&f.row, 0, "12.5", 1, 1);
  assert_cell(&f.row, 1, "Summe ü", 2, 0);
  assert_cell(&f.row, 2, "1", 3, 1);
  assert_cell(&f.row, 3, "#DIV/0!", 4, 0);
  assert_cell(&f.row, 4, "#N/A", 5, 0);
  ampel_xls_sheet_free(s);
  fx_close(&f);
}

/* A sheet that declares 60000 rows x 128 columns and fills four rows
 * (one by a formula result only; a BLANK cell makes no row): the rows
 * come out with their line numbers, and the scan lists just those rows
 * with their last columns, which are all the reader asks libfreexl for. */
static void test_sparse_sheet(void **state) {
  fx f;
  fx_open(&f, "sparse.xls");
  assert_non_null(f.x);
  ampel_xls_sheet *s = sheet(&f, 0);
  next(s, &f, 1);
  assert_int_equal(f.row.n_cells, 3);
  assert_cell(&f.row, 0, "Kopf", 1, 0);
  assert_cell(&f.row, 2, "x", 3, 0);
  next(s, &f, 30000);
  assert_int_equal(f.row.n_cells, 5);
  assert_cell(&f.row, 0, "", 1, 0);
  assert_cell(&f.row, 1, "7", 2, 1);
  assert_cell(&f.row, 4, "Kopf", 5, 0);
  next(s, &f, 45000);
  assert_int_equal(f.row.n_cells, 3);
  assert_cell(&f.row, 2, "2.5", 3, 1);
  next(s, &f, 60000);
  assert_int_equal(f.row.n_cells, 128);
  assert_cell(&f.row, 126, "", 127, 0);
  assert_cell(&f.row, 127, "-1", 128, 1);
  assert_int_equal(ampel_xls_sheet_next(s, &f.row, &f.d), 0);
  assert_int_equal(f.d.n_errors, 0);
  ampel_xls_sheet_free(s);

  xls_scan sc;
  assert_int_equal(ampel_xls_scan(f.data, f.len, "mappe.xls", &sc, &f.d),
                   AMPEL_OK);
  static const uint32_t want[4][2] = {
      {0, 3}, {29999, 5}, {44999, 3}, {59999, 128}};
  assert_int_equal(sc.n_rows, 4);
  for (size_t i = 0; i < 4; i++) {
    assert_int_equal(sc.rows[i].sheet, 0);
    assert_int_equal(sc.rows[i].row, want[i][0]);
    assert_int_equal(sc.rows[i].end_col, want[i][1]);
  }
  ampel_xls_scan_release(&sc);
  assert_null(sc.rows);
  fx_close(&f);
}

/* libfreexl has one active sheet: two sheets read in turns stay apart. */
static void test_sheets_in_turns(void **state) {
  fx f;
  fx_open(&f, "mappe.xls");
  assert_non_null(f.x);
  ampel_xls_sheet *g = sheet(&f, 1), *w = sheet(&f, 3);
  next(g, &f, 1);
  assert_cell(&f.row, 0, "Schlüssel", 1, 0);
  next(w, &f, 1);
  assert_cell(&f.row, 0, "Gebiet", 1, 0);
  next(g, &f, 2);
  assert_cell(&f.row, 0, "MS", 1, 0);
  assert_cell(&f.row, 4, "120000", 5, 1);
  next(w, &f, 2);
  assert_cell(&f.row, 0, "MS-1", 1, 0);
  ampel_xls_sheet_free(g);
  ampel_xls_sheet_free(w);
  fx_close(&f);
}

static void test_mini_stream(void **state) {
  fx f;
  fx_open(&f, "mini.xls");
  assert_non_null(f.x);
  ampel_xls_sheet *s = sheet(&f, 0);
  next(s, &f, 1);
  assert_cell(&f.row, 0, "a", 1, 0);
  assert_cell(&f.row, 1, "1", 2, 1);
  ampel_xls_sheet_free(s);
  fx_close(&f);
}

static void test_sheet_out_of_range(void **state) {
  fx f;
  fx_open(&f, "mappe.xls");
  ampel_status st = AMPEL_OK;
  assert_null(ampel_xls_sheet_open(f.x, 9, &f.d, &st));
  assert_int_equal(st, AMPEL_E_NOT_FOUND);
  fx_close(&f);
}

/* ---- refused files -------------------------------------------------------
 */

static void test_truncated(void **state) {
  expect_error("truncated.xls", AMPEL_E_DATA, 1, 1,
               "keine gültige Excel-Datei (.xls): ein Datenstrom ist größer "
               "als die Datei (abgeschnitten?)");
}

static void test_header_only(void **state) {
  expect_error("header_only.xls", AMPEL_E_DATA, 1, 1,
               "Zuordnungstabelle (FAT) fehlt");
}

static void test_password(void **state) {
  expect_error("password.xls", AMPEL_E_DATA, 1, 1,
               "mit einem Kennwort geschützt (verschlüsselt); bitte in Excel "
               "ohne Kennwort speichern");
}

static void test_encrypted_xlsx(void **state) {
  expect_error("encrypted_package.xls", AMPEL_E_DATA, 1, 1,
               "kein Datenstrom \"Workbook\"");
}

static void test_no_bof(void **state) {
  expect_error("no_bof.xls", AMPEL_E_DATA, 1, 1, "BIFF8-Kopf (BOF)");
}

static void test_big_date(void **state) {
  expect_error("bigdate.xls", AMPEL_E_DATA, 2, 1,
               "Tabellenblatt 'Werte': Zelle A2: Datumszelle mit dem Wert "
               "2000000000 liegt nach dem 31.12.9999");
}

/* A shared string longer than the SST: libfreexl would read past its
 * buffer (fuzz_xls, fuzz/corpus/xls/sst_overflow). */
static void test_bad_sst(void **state) {
  expect_error("bad_sst.xls", AMPEL_E_DATA, 1, 1,
               "die Tabelle der gemeinsamen Texte (SST) ist beschädigt");
}

static void test_cell_outside_dimensions(void **state) {
  expect_error("outside.xls", AMPEL_E_DATA, 1, 5,
               "Tabellenblatt 'Werte': Zelle E1: die Zelle liegt außerhalb "
               "des Bereichs, den das Blatt angibt (DIMENSIONS, 1 Zeilen, 1 "
               "Spalten)");
}

static void test_declared_rows(void **state) {
  expect_error("dims.xls", AMPEL_E_TOO_LARGE, 1, 1,
               "Tabellenblatt 'Werte' gibt 65537 Zeilen und 1 Spalten an");
}

/* ---- files libfreexl 1.0.6 mishandles (each crashed or leaked under
 * ASan before the pre-scan refused it) -----------------------------------
 */

/* A directory entry's name length over its 64-byte field: libfreexl
 * converted 65,045 bytes from its stack (fuzz_xls). */
static void test_directory_name(void **state) {
  expect_error("dir_name.xls", AMPEL_E_DATA, 1, 1,
               "ein Eintrag des Inhaltsverzeichnisses gibt einen Namen über "
               "64 Bytes an");
}

static void test_chain_longer_than_stream(void **state) {
  expect_error("long_chain.xls", AMPEL_E_DATA, 1, 1,
               "eine Sektorkette ist länger als ihr Datenstrom");
}

/* A text cell in the globals: libfreexl reads its text before it finds
 * the cell has no sheet (heap-buffer-overflow). */
static void test_label_in_globals(void **state) {
  expect_error("label_globals.xls", AMPEL_E_DATA, 1, 1,
               "eine Textzelle (LABEL) ist beschädigt: Text länger als ihr "
               "Satz");
}

/* A FORMAT inside a sheet: libfreexl parses it there too. */
static void test_format_in_sheet(void **state) {
  expect_error("format_sheet.xls", AMPEL_E_DATA, 1, 1,
               "ein Satz der Arbeitsmappe (0x041E) steht in einem "
               "Tabellenblatt");
}

/* A shared string over more than two records: libfreexl copies its rest
 * from one CONTINUE record (heap-buffer-overflow). */
static void test_sst_string_over_three_records(void **state) {
  expect_error("sst_long.xls", AMPEL_E_DATA, 1, 1,
               "ein gemeinsamer Text (SST) reicht über mehr als zwei Sätze");
}

/* A sheet without DIMENSIONS before the last: libfreexl sized the last
 * sheet again, leaked its cells and read it empty. */
static void test_sheet_without_dimensions(void **state) {
  expect_error("no_dims.xls", AMPEL_E_DATA, 1, 1,
               "Tabellenblatt 'Gebiete' gibt seine Größe nicht an (kein "
               "DIMENSIONS-Satz");
}

/* Without DIMENSIONS in the last sheet only, libfreexl reads it right
 * (a second pass): accepted, every value there. */
static void test_last_sheet_without_dimensions(void **state) {
  fx f;
  fx_open(&f, "no_dims_last.xls");
  assert_non_null(f.x);
  assert_int_equal(ampel_xls_n_sheets(f.x), 2);
  ampel_xls_sheet *s = sheet(&f, 1);
  next(s, &f, 1);
  assert_cell(&f.row, 3, "Wert", 4, 0);
  next(s, &f, 2);
  assert_cell(&f.row, 0, "MS-1", 1, 0);
  assert_cell(&f.row, 3, "8.5", 4, 1);
  next(s, &f, 3);
  next(s, &f, 4);
  next(s, &f, 5);
  assert_cell(&f.row, 3, ".", 4, 0);
  assert_int_equal(ampel_xls_sheet_next(s, &f.row, &f.d), 0);
  ampel_xls_sheet_free(s);
  s = sheet(&f, 0);
  next(s, &f, 1);
  assert_cell(&f.row, 0, "Schlüssel", 1, 0);
  ampel_xls_sheet_free(s);
  fx_close(&f);
}

static void test_dimensions_twice(void **state) {
  expect_error("dims_twice.xls", AMPEL_E_DATA, 1, 1,
               "Tabellenblatt 'Werte' gibt seine Größe (DIMENSIONS) mehrmals "
               "an");
}

/* Two text cells in one place: libfreexl lost the first text. */
static void test_cell_twice(void **state) {
  expect_error("twice.xls", AMPEL_E_DATA, 1, 1,
               "Tabellenblatt 'Werte': Zelle A1: die Zelle ist zweimal "
               "gespeichert");
}

static void test_not_ole2(void **state) {
  ampel_diags d;
  ampel_diags_init(&d, 0);
  ampel_status st = AMPEL_OK;
  const char text[] = "Gebiet\tWert\nA\t1\n";
  assert_null(ampel_xls_open_mem(text, sizeof text - 1, "mappe.xls", &d, &st));
  assert_int_equal(st, AMPEL_E_DATA);
  assert_non_null(strstr(d.items[0].message, "bitte als .csv einlesen"));
  assert_null(ampel_xls_open_mem("", 0, "mappe.xls", &d, &st));
  assert_non_null(strstr(d.items[1].message, "die Datei ist leer"));
  ampel_diags_release(&d);
}

/* Every allocation of the scan and the reader may fail: an error, no
 * leak. (libfreexl allocates with malloc, outside this count.) */
static void test_allocation_failures(void **state) {
  size_t len;
  char *data = load("formula.xls", &len);
  failalloc_install(0);
  {
    ampel_diags d;
    ampel_diags_init(&d, 0);
    ampel_xls *x = ampel_xls_open_mem(data, len, "mappe.xls", &d, NULL);
    assert_non_null(x);
    ampel_xls_sheet *s = ampel_xls_sheet_open(x, 0, &d, NULL);
    ampel_row row;
    while (ampel_xls_sheet_next(s, &row, &d) > 0)
      ;
    ampel_xls_sheet_free(s);
    ampel_xls_free(x);
    ampel_diags_release(&d);
  }
  long n = failalloc_uninstall();
  assert_true(n > 5);
  for (long k = 1; k <= n; k++) {
    failalloc_install(k);
    ampel_diags d;
    ampel_diags_init(&d, 0);
    ampel_status st = AMPEL_OK;
    ampel_xls *x = ampel_xls_open_mem(data, len, "mappe.xls", &d, &st);
    int failed = !x;
    if (x) {
      ampel_xls_sheet *s = ampel_xls_sheet_open(x, 0, &d, &st);
      ampel_row row;
      int r = 1;
      while (s && (r = ampel_xls_sheet_next(s, &row, &d)) > 0)
        ;
      failed = !s || r < 0;
      ampel_xls_sheet_free(s);
      ampel_xls_free(x);
    }
    assert_true(failed);
    assert_true(d.n_errors >= 1);
    ampel_diags_release(&d);
    failalloc_uninstall();
    assert_int_equal(failalloc_outstanding(), 0);
  }
  free(data);
}

static void test_format_number(void **state) {
  char out[32];
  ampel_xls_format_number(0.1, out);
  assert_string_equal(out, "0.1");
  ampel_xls_format_number(1.0 / 3, out);
  assert_string_equal(out, "0.3333333333333333");
  ampel_xls_format_number(120000, out);
  assert_string_equal(out, "120000");
  ampel_xls_format_number(-0.0, out);
  assert_string_equal(out, "-0");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_sheets_and_values),
      cmocka_unit_test(test_cells),
      cmocka_unit_test(test_date_1904),
      cmocka_unit_test(test_formula_results),
      cmocka_unit_test(test_sparse_sheet),
      cmocka_unit_test(test_sheets_in_turns),
      cmocka_unit_test(test_mini_stream),
      cmocka_unit_test(test_sheet_out_of_range),
      cmocka_unit_test(test_truncated),
      cmocka_unit_test(test_header_only),
      cmocka_unit_test(test_password),
      cmocka_unit_test(test_encrypted_xlsx),
      cmocka_unit_test(test_no_bof),
      cmocka_unit_test(test_big_date),
      cmocka_unit_test(test_bad_sst),
      cmocka_unit_test(test_cell_outside_dimensions),
      cmocka_unit_test(test_declared_rows),
      cmocka_unit_test(test_directory_name),
      cmocka_unit_test(test_chain_longer_than_stream),
      cmocka_unit_test(test_label_in_globals),
      cmocka_unit_test(test_format_in_sheet),
      cmocka_unit_test(test_sst_string_over_three_records),
      cmocka_unit_test(test_sheet_without_dimensions),
      cmocka_unit_test(test_last_sheet_without_dimensions),
      cmocka_unit_test(test_dimensions_twice),
      cmocka_unit_test(test_cell_twice),
      cmocka_unit_test(test_not_ole2),
      cmocka_unit_test(test_allocation_failures),
      cmocka_unit_test(test_format_number),
  };
  return cmocka_run_group_tests(tests, make_fixtures, remove_fixtures);
}
