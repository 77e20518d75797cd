/* Unit tests for the CSV reader (src/read/csv.c, src/read/encoding.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ampel/alloc.h"
#include "ampel/read.h"

/* ---- helpers ---------------------------------------------------------- */

typedef struct fixture {
  ampel_diags dg;
  ampel_csv_reader *r;
  ampel_status st;
  ampel_row row;
} fixture;

static void fx_open(fixture *f, const char *data, size_t len,
                    const ampel_csv_options *o) {
  ampel_diags_init(&f->dg, 0);
  f->r = ampel_csv_open_mem(data, len, "t.csv", o, &f->dg, &f->st);
}

static void fx_open_s(fixture *f, const char *data) {
  fx_open(f, data, strlen(data), NULL);
  assert_non_null(f->r);
  assert_int_equal(f->st, AMPEL_OK);
}

static void fx_close(fixture *f) {
  ampel_csv_free(f->r);
  ampel_diags_release(&f->dg);
}

static void assert_cell(const ampel_row *row, size_t i, const char *text,
                        long line, long col) {
  assert_true(i < row->n_cells);
  const ampel_cell *c = &row->cells[i];
  char got[256];
  size_t n = c->len < sizeof got - 1 ? c->len : sizeof got - 1;
  memcpy(got, c->text, n);
  got[n] = '\0';
  assert_string_equal(got, text);
  assert_int_equal(c->len, strlen(text));
  if (line > 0)
    assert_int_equal(c->line, line);
  if (col > 0)
    assert_int_equal(c->column, col);
}

/* Reads every row and joins cells with '|' and rows with '\n'. */
static char *dump_all(const char *data, size_t len,
                      const ampel_csv_options *o) {
  fixture f;
  fx_open(&f, data, len, o);
  assert_non_null(f.r);
  size_t cap = 4096, n = 0;
  char *out = calloc(1, cap);
  int rc;
  while ((rc = ampel_csv_next(f.r, &f.row, &f.dg)) == 1) {
    for (size_t i = 0; i < f.row.n_cells; i++) {
      const ampel_cell *c = &f.row.cells[i];
      assert_true(n + c->len + 2 < cap);
      memcpy(out + n, c->text, c->len);
      n += c->len;
      out[n++] = i + 1 < f.row.n_cells ? '|' : '\n';
    }
  }
  assert_int_equal(rc, 0);
  fx_close(&f);
  return out;
}

static void assert_dump(const char *data, const char *expected) {
  char *got = dump_all(data, strlen(data), NULL);
  assert_string_equal(got, expected);
  free(got);
}

/* Opening must fail with one error at (line, col) containing `msg`. */
static void assert_open_error(const char *data, size_t len,
                              const ampel_csv_options *o, ampel_status code,
                              long line, long col, const char *msg) {
  fixture f;
  fx_open(&f, data, len, o);
  assert_null(f.r);
  assert_int_equal(f.st, code);
  assert_true(f.dg.n >= 1);
  const ampel_diag *d = &f.dg.items[f.dg.n - 1];
  assert_int_equal(d->code, code);
  assert_int_equal(d->line, line);
  assert_int_equal(d->column, col);
  if (!strstr(d->message, msg))
    fail_msg("message '%s' lacks '%s'", d->message, msg);
  assert_string_equal(d->path, "t.csv");
  fx_close(&f);
}

/* Reading must stop with -1 and an error at (line, col) with `msg`. */
static void assert_read_error(const char *data, size_t len,
                              ampel_status code, long line, long col,
                              const char *msg) {
  fixture f;
  fx_open(&f, data, len, NULL);
  assert_non_null(f.r);
  int rc;
  while ((rc = ampel_csv_next(f.r, &f.row, &f.dg)) == 1)
    ;
  assert_int_equal(rc, -1);
  assert_int_equal(f.dg.n, 1);
  const ampel_diag *d = &f.dg.items[0];
  assert_int_equal(d->code, code);
  assert_int_equal(d->line, line);
  assert_int_equal(d->column, col);
  if (!strstr(d->message, msg))
    fail_msg("message '%s' lacks '%s'", d->message, msg);
  /* the reader stays failed and adds nothing more */
  assert_int_equal(ampel_csv_next(f.r, &f.row, &f.dg), -1);
  assert_int_equal(f.dg.n, 1);
  fx_close(&f);
}

/* ---- records and locations -------------------------------------------- */

static void test_basic_semicolon(void **state) {
  (void)state;
  fixture f;
  fx_open_s(&f, "a;b;c\n1;2;3\n");
  assert_int_equal(ampel_csv_sep(f.r), ';');
  assert_int_equal(ampel_csv_encoding(f.r), AMPEL_ENC_UTF8);
  assert_int_equal(ampel_csv_next(f.r, &f.row, &f.dg), 1);
  assert_int_equal(f.row.n_cells, 3);
  assert_int_equal(f.row.line, 1);
  assert_cell(&f.row, 0, "a", 1, 1);
  assert_cell(&f.row, 2, "c", 1, 5);
  assert_int_equal(ampel_csv_next(f.r, &f.row, &f.dg), 1);
  assert_cell(&f.row, 1, "2", 2, 3);
  assert_int_equal(f.row.source_len, 5);
  assert_memory_equal(f.row.source, "1;2;3", 5);
  assert_int_equal(ampel_csv_next(f.r, &f.row, &f.dg), 0);
  assert_int_equal(ampel_csv_next(f.r, &f.row, &f.dg), 0);
  assert_int_equal(f.dg.n, 0);
  fx_close(&f);
}

static void test_line_ends(void **state) {
  (void)state;
  fixture f;
  fx_open_s(&f, "a;b\r\n1;2\r3;4\n5;6");
  long lines[4] = {0};
  const char *last[4] = {"b", "2", "4", "6"};
  for (int k = 0; k < 4; k++) {
    assert_int_equal(ampel_csv_next(f.r, &f.row, &f.dg), 1);
    lines[k] = f.row.line;
    assert_int_equal(f.row.source_len, 3); /* no CR in the source */
    assert_cell(&f.row, 1, last[k], k + 1, 3);
  }
  assert_int_equal(lines[3], 4);
  assert_int_equal(ampel_csv_next(f.r, &f.row, &f.dg), 0);
  fx_close(&f);
}

static void test_blank_lines_skipped(void **state) {
  (void)state;
  fixture f;
  fx_open_s(&f, "\n\na;b\n\n   \r\n\r\n1;2\n\n");
  assert_int_equal(ampel_csv_next(f.r, &f.row, &f.dg), 1);
  assert_int_equal(f.row.line, 3);
  assert_int_equal(ampel_csv_next(f.r, &f.row, &f.dg), 1);
  assert_int_equal(f.row.line, 7);
  assert_cell(&f.row, 1, "2", 7, 3);
  assert_int_equal(ampel_csv_next(f.r, &f.row, &f.dg), 0);
  fx_close(&f);
  /* a row of separators is not blank: it is a row of empty cells */
  assert_dump("a;b\n;\n", "a|b\n|\n");
}

static void test_empty_cells_and_raw_text(void **state) {
  (void)state;
  assert_dump("a;b;c\n;;\n x ; y;\n", "a|b|c\n||\n x | y|\n");
  /* a quote inside an unquoted field is text */
  assert_dump("a;b\nab\"c;d\"\n", "a|b\nab\"c|d\"\n");
  /* header cells keep soft hyphens and trailing blanks */
  assert_dump("Ein\xC2\xADwohner ;b\n1;2\n", "Ein\xC2\xADwohner |b\n1|2\n");
}

static void test_columns_in_characters(void **state) {
  (void)state;
  fixture f;
  fx_open_s(&f, "\xC3\xA4;\xC3\xB6;\xE2\x82\xAC\xE2\x82\xAC;x\n\tq;y\n");
  assert_int_equal(ampel_csv_next(f.r, &f.row, &f.dg), 1);
  assert_cell(&f.row, 0, "\xC3\xA4", 1, 1);
  assert_cell(&f.row, 1, "\xC3\xB6", 1, 3);
  assert_cell(&f.row, 2, "\xE2\x82\xAC\xE2\x82\xAC", 1, 5);
  assert_cell(&f.row, 3, "x", 1, 8);
  assert_int_equal(ampel_csv_next(f.r, &f.row, &f.dg), 1);
  assert_cell(&f.row, 0, "\tq", 2, 1);
  assert_cell(&f.row, 1, "y", 2, 4); /* the tab counts as one */
  fx_close(&f);
}

/* ---- quoting ---------------------------------------------------------- */

static void test_quoted_fields(void **state) {
  (void)state;
  fixture f;
  fx_open_s(&f, "a;b;c\n\"x;y\";\"sagt \"\"hallo\"\"\";\"\"\n");
  assert_int_equal(ampel_csv_next(f.r, &f.row, &f.dg), 1);
  assert_int_equal(ampel_csv_next(f.r, &f.row, &f.dg), 1);
  assert_int_equal(f.row.n_cells, 3);
  assert_cell(&f.row, 0, "x;y", 2, 1);
  assert_cell(&f.row, 1, "sagt \"hallo\"", 2, 7);
  assert_cell(&f.row, 2, "", 2, 24);
  fx_close(&f);
}

static void test_quoted_multiline(void **state) {
  (void)state;
  fixture f;
  fx_open_s(&f, "k;v;w\n\"eins\nzwei\";x;\"p\r\nq\";\"r\"\ny;z;w\n");
  assert_int_equal(ampel_csv_next(f.r, &f.row, &f.dg), 1);
  assert_int_equal(ampel_csv_next(f.r, &f.row, &f.dg), 1);
  assert_int_equal(f.row.line, 2);
  assert_int_equal(f.row.n_cells, 4);
  assert_cell(&f.row, 0, "eins\nzwei", 2, 1);
  assert_cell(&f.row, 1, "x", 3, 7);
  assert_cell(&f.row, 2, "p\r\nq", 3, 9);
  assert_cell(&f.row, 3, "r", 4, 4);
  assert_int_equal(f.row.source_len, 5);
  assert_memory_equal(f.row.source, "\"eins", 5);
  assert_int_equal(ampel_csv_next(f.r, &f.row, &f.dg), 1);
  assert_int_equal(f.row.line, 5);
  assert_cell(&f.row, 1, "z", 5, 3);
  assert_int_equal(ampel_csv_next(f.r, &f.row, &f.dg), 0);
  fx_close(&f);
}

static void test_unterminated_quote(void **state) {
  (void)state;
  const char *s = "a;b\n1;\"abc\n2;3\n";
  assert_read_error(s, strlen(s), AMPEL_E_DATA, 2, 3,
                    "Anführungszeichen nicht geschlossen (geöffnet in "
                    "Zeile 2, Spalte 3)");
  const char *t = "a;b\n\"x\ny\";\xC3\xA4;\"z\n";
  assert_read_error(t, strlen(t), AMPEL_E_DATA, 3, 6,
                    "(geöffnet in Zeile 3, Spalte 6)");
}

static void test_text_after_closing_quote(void **state) {
  (void)state;
  const char *s = "a;b\n1;\"ab\"c;d\n";
  assert_read_error(s, strlen(s), AMPEL_E_DATA, 2, 7,
                    "nach dem schließenden Anführungszeichen wird ein "
                    "Trennzeichen erwartet, gefunden: 'c'");
  const char *t = "a;b\n\"x\ny\"\xC3\xA4;d\n";
  assert_read_error(t, strlen(t), AMPEL_E_DATA, 3, 3, "gefunden: '\xC3\xA4'");
}

/* ---- encodings -------------------------------------------------------- */

static void test_utf8_bom_crlf(void **state) {
  (void)state;
  fixture f;
  fx_open_s(&f, "\xEF\xBB\xBFName;Wert\r\nK\xC3\xB6ln;1\r\n");
  assert_int_equal(ampel_csv_encoding(f.r), AMPEL_ENC_UTF8);
  assert_int_equal(ampel_csv_next(f.r, &f.row, &f.dg), 1);
  assert_cell(&f.row, 0, "Name", 1, 1);
  assert_cell(&f.row, 1, "Wert", 1, 6);
  assert_memory_equal(f.row.source, "Name;Wert", 9);
  assert_int_equal(f.row.source_len, 9);
  assert_int_equal(ampel_csv_next(f.r, &f.row, &f.dg), 1);
  assert_cell(&f.row, 0, "K\xC3\xB6ln", 2, 1);
  assert_cell(&f.row, 1, "1", 2, 6);
  fx_close(&f);
}

static void test_cp1252_umlauts(void **state) {
  (void)state;
  fixture f;
  fx_open_s(&f, "Stra\xDF" "e;K\xF6ln;M\xFCnchen;\xE4\n1;2;3;4\n");
  assert_int_equal(ampel_csv_encoding(f.r), AMPEL_ENC_CP1252);
  assert_int_equal(ampel_csv_next(f.r, &f.row, &f.dg), 1);
  assert_cell(&f.row, 0, "Stra\xC3\x9F" "e", 1, 1);
  assert_cell(&f.row, 1, "K\xC3\xB6ln", 1, 8);
  assert_cell(&f.row, 2, "M\xC3\xBCnchen", 1, 13);
  assert_cell(&f.row, 3, "\xC3\xA4", 1, 21);
  const char *src = "Stra\xC3\x9F" "e;K\xC3\xB6ln;M\xC3\xBCnchen;\xC3\xA4";
  assert_int_equal(f.row.source_len, strlen(src));
  assert_memory_equal(f.row.source, src, strlen(src));
  fx_close(&f);
}

static void test_cp1252_punctuation(void **state) {
  (void)state;
  /* € „ “ – … from 0x80 0x84 0x93 0x96 0x85 */
  assert_dump("\x80;\x84x\x93;\x96;\x85\n",
              "\xE2\x82\xAC|\xE2\x80\x9Ex\xE2\x80\x9C|\xE2\x80\x93|"
              "\xE2\x80\xA6\n");
}

/* Every defined Windows-1252 byte against glibc's iconv. */
static void test_cp1252_table_vs_iconv(void **state) {
  (void)state;
  iconv_t cd = iconv_open("UTF-8", "WINDOWS-1252");
  if (cd == (iconv_t)-1)
    skip();
  int checked = 0;
  for (int b = 0x80; b <= 0xFF; b++) {
    char in[4] = {'x', ';', (char)b, '\n'}, ref[8] = {0};
    char *ip = in + 2, *op = ref;
    size_t il = 1, ol = sizeof ref;
    if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1)
      continue; /* undefined in glibc: 0x81 0x8D 0x8F 0x90 0x9D */
    ampel_csv_options o = {AMPEL_ENC_CP1252, ';', ','};
    fixture f;
    fx_open(&f, in, sizeof in, &o);
    assert_non_null(f.r);
    assert_int_equal(ampel_csv_next(f.r, &f.row, &f.dg), 1);
    assert_cell(&f.row, 1, ref, 1, 3);
    fx_close(&f);
    checked++;
  }
  iconv_close(cd);
  assert_int_equal(checked, 128 - 5);
}

static void test_forced_utf8_invalid(void **state) {
  (void)state;
  ampel_csv_options o = {AMPEL_ENC_UTF8, 0, 0};
  const char *s = "a;b\nx\xC3\xB6;\xE4" "b\n";
  assert_open_error(s, strlen(s), &o, AMPEL_E_DATA, 2, 4,
                    "ungültiges UTF-8 (Byte 0xE4); die Datei ist vermutlich "
                    "Windows-1252: --encoding windows-1252 angeben");
  /* a BOM declares UTF-8 as well */
  const char *t = "\xEF\xBB\xBF" "a;b\n\xFC;1\n";
  assert_open_error(t, strlen(t), NULL, AMPEL_E_DATA, 2, 1,
                    "ungültiges UTF-8 (Byte 0xFC)");
  /* overlong and surrogate forms are not UTF-8 */
  const char *u = "\xEF\xBB\xBF" "a;\xC0\xAF\n";
  assert_open_error(u, strlen(u), NULL, AMPEL_E_DATA, 1, 3, "Byte 0xC0");
  const char *v = "\xEF\xBB\xBF" "\xED\xA0\x80\n";
  assert_open_error(v, strlen(v), NULL, AMPEL_E_DATA, 1, 1, "Byte 0xED");
}

static void test_forced_encodings(void **state) {
  (void)state;
  /* valid UTF-8 read as Windows-1252 when asked to */
  ampel_csv_options o = {AMPEL_ENC_CP1252, 0, 0};
  char *got = dump_all("K\xC3\xB6ln;1\n", 8, &o);
  assert_string_equal(got, "K\xC3\x83\xC2\xB6ln|1\n");
  free(got);
  fixture f;
  fx_open(&f, "a;b\n", 4, &o);
  assert_int_equal(ampel_csv_encoding(f.r), AMPEL_ENC_CP1252);
  fx_close(&f);
  /* a BOM with forced Windows-1252: BOM dropped, a warning given */
  fx_open(&f, "\xEF\xBB\xBFx;\xE4\n", 7, &o);
  assert_non_null(f.r);
  assert_int_equal(f.dg.n, 1);
  assert_int_equal(f.dg.items[0].severity, AMPEL_SEV_WARNING);
  assert_int_equal(ampel_csv_next(f.r, &f.row, &f.dg), 1);
  assert_cell(&f.row, 0, "x", 1, 1);
  assert_cell(&f.row, 1, "\xC3\xA4", 1, 3);
  fx_close(&f);
  /* forced UTF-8 on valid input */
  ampel_csv_options u = {AMPEL_ENC_UTF8, 0, 0};
  fx_open(&f, "\xC3\xA4;b\n", 5, &u);
  assert_int_equal(ampel_csv_encoding(f.r), AMPEL_ENC_UTF8);
  fx_close(&f);
}

static void test_space_separator(void **state) {
  (void)state;
  ampel_csv_options o = {AMPEL_ENC_AUTO, ' ', '.'};
  char *got = dump_all("a b\n \nc d\n", 10, &o);
  assert_string_equal(got, "a|b\n|\nc|d\n"); /* " " is two empty cells */
  free(got);
}

/* ---- unreadable files ------------------------------------------------- */

static void test_empty_and_binary(void **state) {
  (void)state;
  assert_open_error("", 0, NULL, AMPEL_E_DATA, 1, 1, "leere Datei");
  assert_open_error("\xEF\xBB\xBF", 3, NULL, AMPEL_E_DATA, 1, 1,
                    "leere Datei");
  assert_open_error("\r\n\n  \n", 6, NULL, AMPEL_E_DATA, 1, 1,
                    "leere Datei (nur Leerzeilen)");
  assert_open_error("ab;c\nd\0e", 8, NULL, AMPEL_E_DATA, 2, 2,
                    "Binärdatei, keine CSV-Datei (NUL-Byte bei Byte 7)");
  assert_open_error("\xEF\xBB\xBF\0", 4, NULL, AMPEL_E_DATA, 1, 1,
                    "(NUL-Byte bei Byte 4)");
  assert_open_error("PK\x03\x04\x14\x00", 6, NULL, AMPEL_E_DATA, 1, 6,
                    "(NUL-Byte bei Byte 6)");
  const char ctl[] = "a;b\n\x01\x02\x03\x04\x05;x\n";
  assert_open_error(ctl, sizeof ctl - 1, NULL, AMPEL_E_DATA, 2, 1,
                    "Binärdatei, keine CSV-Datei (Steuerzeichen bei Byte 5)");
  assert_open_error("\xFF\xFE" "a\0", 4, NULL, AMPEL_E_DATA, 1, 1,
                    "UTF-16");
  /* one stray control byte is not a binary file */
  assert_dump("a;b\x1A\n", "a|b\x1A\n");
}

static void test_bad_options(void **state) {
  (void)state;
  ampel_csv_options o = {AMPEL_ENC_AUTO, '"', 0};
  assert_open_error("a;b\n", 4, &o, AMPEL_E_USAGE, 0, 0, "Trennzeichen");
  ampel_csv_options p = {AMPEL_ENC_AUTO, 0, ';'};
  assert_open_error("a;b\n", 4, &p, AMPEL_E_USAGE, 0, 0, "Dezimalzeichen");
}

/* ---- detection -------------------------------------------------------- */

static void assert_detect(const char *data, char sep, char decimal) {
  fixture f;
  fx_open_s(&f, data);
  if (ampel_csv_sep(f.r) != sep || ampel_csv_decimal(f.r) != decimal)
    fail_msg("detected sep '%c' decimal '%c', want '%c' '%c' in: %s",
             ampel_csv_sep(f.r), ampel_csv_decimal(f.r), sep, decimal, data);
  fx_close(&f);
}

static void test_detect_separator(void **state) {
  (void)state;
  assert_detect("a;b;c\n1;2;3\n", ';', ',');
  assert_detect("a,b,c\n1,2,3\n", ',', '.');
  assert_detect("a\tb\tc\n1\t2\t3\n", '\t', ',');
  /* decimal commas are consistent too: ';' wins the tie */
  assert_detect("1,5;2,5\n3,5;4,5\n", ';', ',');
  /* commas inside quotes do not count */
  assert_detect("name,wert\n\"Mitte, Nord\",1.5\n\"A, B, C\",2.5\n", ',',
                '.');
  assert_detect("\"a;b\",c\n\"x;y\",z\n", ',', '.');
  /* a title line does not decide: the most frequent count wins */
  assert_detect("Tabelle 1, Bevoelkerung\na;b;c\n1;2;3\n4;5;6\n", ';', ',');
  assert_detect("x;y\na,b,c\n1,2,3\n4,5,6\n", ',', '.');
  /* one column: no candidate, ';' */
  assert_detect("Name\nA\nB\n", ';', ',');
}

static void test_detect_decimal(void **state) {
  (void)state;
  assert_detect("a;b\nx;12,5\ny;1.234,56\n", ';', ',');
  assert_detect("a;b\nx;-  3,2\n", ';', ',');
  assert_detect("a;b\nx;12.5\ny;0.25\n", ';', '.');
  assert_detect("a;b\nx;1234.567\n", ';', '.');
  assert_detect("a;b\nx;0.250\n", ';', '.');
  /* 1.234 and 12,500 may be thousands groups: no vote */
  assert_detect("a;b\nx;1.234\ny;12.500\n", ';', ',');
  assert_detect("a;b\nx;1.234.567\n", ';', ',');
  assert_detect("a,b\nx,\"1,234\"\n", ',', '.');
  /* majority */
  assert_detect("a;b\nx;1,5\ny;2,5\nz;0.5\n", ';', ',');
  assert_detect("a;b\nx;1.5\ny;2.5\nz;0,5\n", ';', '.');
  /* quoted English groups vote '.' */
  assert_detect("a;b\nx;\"1,234.5\"\n", ';', '.');
  /* comma separator: '.' unless quoted cells carry decimal commas */
  assert_detect("a,b\nx,12\n", ',', '.');
  assert_detect("a,b\nx,\"12,5\"\ny,\"1.234,5\"\n", ',', ',');
  /* text and ids do not vote */
  assert_detect("a;b\n010.005.2005;v1.5a\n", ';', ',');
}

static void test_forced_sep_decimal(void **state) {
  (void)state;
  ampel_csv_options o = {AMPEL_ENC_AUTO, ',', ','};
  fixture f;
  fx_open(&f, "a;b,c\n", 6, &o);
  assert_non_null(f.r);
  assert_int_equal(ampel_csv_sep(f.r), ',');
  assert_int_equal(ampel_csv_decimal(f.r), ',');
  assert_int_equal(ampel_csv_next(f.r, &f.row, &f.dg), 1);
  assert_int_equal(f.row.n_cells, 2);
  assert_cell(&f.row, 0, "a;b", 1, 1);
  fx_close(&f);
  ampel_csv_options p = {AMPEL_ENC_AUTO, '|', '.'};
  char *got = dump_all("a|b;c\n", 6, &p);
  assert_string_equal(got, "a|b;c\n"); /* two cells: "a", "b;c" */
  free(got);
}

/* ---- caps ------------------------------------------------------------- */

static char *repeat(char c, size_t n, const char *prefix, const char *suffix,
                    size_t *out_len) {
  size_t lp = strlen(prefix), ls = strlen(suffix);
  char *s = malloc(lp + n + ls + 1);
  memcpy(s, prefix, lp);
  memset(s + lp, c, n);
  memcpy(s + lp + n, suffix, ls + 1);
  *out_len = lp + n + ls;
  return s;
}

static void test_cap_field(void **state) {
  (void)state;
  size_t len;
  char *s = repeat('x', AMPEL_MAX_FIELD_BYTES + 1, "a;b\n1;", "\n", &len);
  assert_read_error(s, len, AMPEL_E_TOO_LARGE, 2, 3, "Zelle größer als");
  free(s);
  s = repeat('x', AMPEL_MAX_FIELD_BYTES + 1, "a;b\n1;\"", "\"\n", &len);
  assert_read_error(s, len, AMPEL_E_TOO_LARGE, 2, 3,
                    "Anführungszeichen in Zeile 2, Spalte 3");
  free(s);
  /* exactly at the cap is fine */
  s = repeat('x', AMPEL_MAX_FIELD_BYTES, "a;b\n1;\"", "\"\n", &len);
  fixture f;
  fx_open(&f, s, len, NULL);
  assert_int_equal(ampel_csv_next(f.r, &f.row, &f.dg), 1);
  assert_int_equal(ampel_csv_next(f.r, &f.row, &f.dg), 1);
  assert_int_equal(f.row.cells[1].len, AMPEL_MAX_FIELD_BYTES);
  fx_close(&f);
  free(s);
}

static void test_cap_columns(void **state) {
  (void)state;
  size_t len;
  char *s = repeat(';', AMPEL_MAX_COLUMNS, "a;b\n", "\n", &len);
  /* 20001 cells: the last one starts at column 20001 */
  assert_read_error(s, len, AMPEL_E_TOO_LARGE, 2, AMPEL_MAX_COLUMNS + 1,
                    "mehr als 20000 Spalten");
  free(s);
  s = repeat(';', AMPEL_MAX_COLUMNS - 1, "a;b\n", "\n", &len);
  fixture f;
  fx_open(&f, s, len, NULL);
  assert_int_equal(ampel_csv_next(f.r, &f.row, &f.dg), 1);
  assert_int_equal(ampel_csv_next(f.r, &f.row, &f.dg), 1);
  assert_int_equal(f.row.n_cells, AMPEL_MAX_COLUMNS);
  fx_close(&f);
  free(s);
}

static void test_cap_record(void **state) {
  (void)state;
  size_t field = AMPEL_MAX_FIELD_BYTES - 10;
  size_t nf = AMPEL_MAX_LINE_BYTES / field + 2, len = 4;
  char *s = malloc(4 + nf * (field + 1) + 1);
  memcpy(s, "a;b\n", 4);
  for (size_t k = 0; k < nf; k++) {
    memset(s + len, 'y', field);
    len += field;
    s[len++] = k + 1 < nf ? ';' : '\n';
  }
  assert_read_error(s, len, AMPEL_E_TOO_LARGE, 2, 1, "Datensatz größer als");
  free(s);
}

/* ---- allocation failures ---------------------------------------------- */

typedef struct fail_ctl {
  long left; /* allocations before the failing one; <0: never fail */
} fail_ctl;

static void *f_alloc(size_t n, void *ud) {
  fail_ctl *c = ud;
  if (c->left == 0)
    return NULL;
  c->left--;
  return malloc(n ? n : 1);
}

static void *f_realloc(void *p, size_t n, void *ud) {
  fail_ctl *c = ud;
  if (c->left == 0)
    return NULL;
  c->left--;
  return realloc(p, n ? n : 1);
}

static void f_free(void *p, void *ud) {
  (void)ud;
  free(p);
}

static void test_alloc_failures(void **state) {
  (void)state;
  const char *s = "Stra\xDF" "e;\"a\nb\";c\n1;\"x\"\"y\";3\n";
  int ok = 0;
  for (long k = 0; k < 100 && !ok; k++) {
    fail_ctl c = {k};
    ampel_allocator a = {f_alloc, f_realloc, f_free, &c};
    ampel_set_allocator(&a);
    fixture f;
    fx_open(&f, s, strlen(s), NULL);
    int rc = 1, rows = 0;
    if (f.r) {
      while ((rc = ampel_csv_next(f.r, &f.row, &f.dg)) == 1)
        rows++;
    } else {
      assert_int_equal(f.st, AMPEL_E_NOMEM);
    }
    ok = f.r && rc == 0 && rows == 2;
    if (f.r && rc == -1)
      assert_true(f.dg.n == 0 || f.dg.items[0].code == AMPEL_E_NOMEM);
    fx_close(&f);
    ampel_set_allocator(NULL);
  }
  assert_true(ok);
}

/* ---- real files ------------------------------------------------------- */

static char *read_file(const char *path, size_t *out_len) {
  FILE *fp = fopen(path, "rb");
  if (!fp)
    return NULL;
  fseek(fp, 0, SEEK_END);
  long n = ftell(fp);
  fseek(fp, 0, SEEK_SET);
  char *s = malloc((size_t)n + 1);
  *out_len = fread(s, 1, (size_t)n, fp);
  fclose(fp);
  return s;
}

/* Independent reference: non-empty lines and the separators on each (the
 * files have no quotes). Returns the number of records; widths[k] gets the
 * number of cells of record k. */
static size_t count_records(const char *s, size_t n, char sep, size_t *widths,
                            size_t max) {
  size_t recs = 0, seps = 0, chars = 0;
  for (size_t i = 0; i <= n; i++) {
    if (i == n || s[i] == '\n') {
      if (chars > 0) {
        if (recs < max)
          widths[recs] = seps + 1;
        recs++;
      }
      seps = chars = 0;
    } else if (s[i] != '\r') {
      chars++;
      seps += s[i] == sep;
    }
  }
  return recs;
}

static void check_real_file(const char *rel, char sep, char decimal,
                            ampel_encoding enc) {
  const char *src = getenv("AMPEL_SOURCE_DIR");
  char path[4096];
  snprintf(path, sizeof path, "%s/../shared/data/%s", src ? src : ".", rel);
  size_t len = 0;
  char *data = read_file(path, &len);
  if (!data) {
    print_message("skip: %s not found (real data absent)\n", path);
    skip();
  }
  static size_t widths[100000];
  size_t want = count_records(data, len, sep, widths, 100000);
  fixture f;
  fx_open(&f, data, len, NULL);
  assert_non_null(f.r);
  assert_int_equal(ampel_csv_sep(f.r), sep);
  assert_int_equal(ampel_csv_decimal(f.r), decimal);
  assert_int_equal(ampel_csv_encoding(f.r), enc);
  size_t got = 0;
  int rc;
  while ((rc = ampel_csv_next(f.r, &f.row, &f.dg)) == 1) {
    assert_true(got < 100000);
    assert_int_equal(f.row.n_cells, widths[got]);
    got++;
  }
  assert_int_equal(rc, 0);
  assert_int_equal(got, want);
  assert_true(got > 500);
  fx_close(&f);
  free(data);
}

static void test_real_berlin_einwohner(void **state) {
  (void)state;
  check_real_file("berlin-mss-2021/einwohnerbestand_06-2022_plr.csv", ';',
                  ',', AMPEL_ENC_UTF8);
}

static void test_real_berlin_mss(void **state) {
  (void)state;
  check_real_file("berlin-mss-2021/mss_2021_index-indikatoren_z-werte_plr.csv",
                  ';', '.', AMPEL_ENC_UTF8);
}

static void test_real_koeln(void **state) {
  (void)state;
  check_real_file("koeln-stadtteile/bevoelkerung_2005-2012_long.csv", ',', '.',
                  AMPEL_ENC_UTF8);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_basic_semicolon),
      cmocka_unit_test(test_line_ends),
      cmocka_unit_test(test_blank_lines_skipped),
      cmocka_unit_test(test_empty_cells_and_raw_text),
      cmocka_unit_test(test_columns_in_characters),
      cmocka_unit_test(test_quoted_fields),
      cmocka_unit_test(test_quoted_multiline),
      cmocka_unit_test(test_unterminated_quote),
      cmocka_unit_test(test_text_after_closing_quote),
      cmocka_unit_test(test_utf8_bom_crlf),
      cmocka_unit_test(test_cp1252_umlauts),
      cmocka_unit_test(test_cp1252_punctuation),
      cmocka_unit_test(test_cp1252_table_vs_iconv),
      cmocka_unit_test(test_forced_utf8_invalid),
      cmocka_unit_test(test_forced_encodings),
      cmocka_unit_test(test_empty_and_binary),
      cmocka_unit_test(test_bad_options),
      cmocka_unit_test(test_detect_separator),
      cmocka_unit_test(test_detect_decimal),
      cmocka_unit_test(test_forced_sep_decimal),
      cmocka_unit_test(test_space_separator),
      cmocka_unit_test(test_cap_field),
      cmocka_unit_test(test_cap_columns),
      cmocka_unit_test(test_cap_record),
      cmocka_unit_test(test_alloc_failures),
      cmocka_unit_test(test_real_berlin_einwohner),
      cmocka_unit_test(test_real_berlin_mss),
      cmocka_unit_test(test_real_koeln),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
