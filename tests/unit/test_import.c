/* Unit tests for the importer (src/import/import.c) through
 * ampel_import_buffers(), with CSV text in memory, a workbook built with
 * libzip, and a SQLite store in a temporary directory. Also the
 * allocation-failure runs of the import and of the CSV reader. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zip.h>

#include "ampel/alloc.h"
#include "ampel/buf.h"
#include "ampel/export.h"
#include "ampel/import.h"
#include "ampel/read.h"
#include "ampel/store.h"
#include "failalloc.h"

#define TMPDB_PREFIX "ampel-import"
#include "tmpdb.h"

/* ---- input files ----------------------------------------------------------
 */

static const char AREAS[] =
    "Schlüssel;Name;Übergeordnet;Ebene;Einwohner;Kachel_Zeile;Kachel_Spalte\n"
    "GE;Gelsenkirchen;;Stadt;263000;;\n"
    "GE-M;Mitte;GE;Stadtbezirk;;0;1\n"
    "GE-M-ALT;Altstadt;GE-M;Stadtteil;12345;1;1\n"
    "GE-M-NEU;Neustadt;GE-M;Stadtteil;8000;1;2\n";

static const char INDS[] =
    "Schlüssel;Name;Richtung;Einheit;Nachkommastellen\n"
    "sgb2;SGB-II-Quote;hoch_ist_schlecht;%;1\n"
    "kita;Kita-Besuch;hoch_ist_gut;%;0\n";

static const char VALUES[] =
    "Gebiet;Kennzahl;Zeitraum;Wert;Zähler;Nenner\n"
    "GE;sgb2;2023;21,5;;\n"
    "GE-M;sgb2;2023;(30,1);;\n"
    "GE-M-ALT;sgb2;2023;.;;\n"
    "GE-M-NEU;sgb2;2023;-;;\n"
    "GE-M-ALT;kita;2022/23;88,5;31;35\n";

static const char WIDE[] = "area,period,sgb2,kita\n"
                           "GE-M-ALT,2021,20.5,\n"
                           "GE-M-NEU,31.12.2021,19.25,90\n";

/* ---- helpers ------------------------------------------------------------
 */

static ampel_store *open_store(const char *path) {
  ampel_status st;
  ampel_store *s = ampel_store_open(path, AMPEL_STORE_CREATE, NULL, &st);
  assert_non_null(s);
  return s;
}

typedef struct input {
  const char *name;
  const char *data;
  size_t len; /* 0: strlen(data) */
} input;

static ampel_status import_n(ampel_store *s, const input *in, size_t n,
                             int dry, ampel_import_summary *sum,
                             ampel_diags *dg) {
  const char *names[8], *data[8];
  size_t lens[8];
  assert_true(n <= 8);
  for (size_t i = 0; i < n; i++) {
    names[i] = in[i].name;
    data[i] = in[i].data;
    lens[i] = in[i].len ? in[i].len : strlen(in[i].data);
  }
  ampel_import_options o;
  memset(&o, 0, sizeof o);
  o.when = 1767225600;
  o.dry_run = dry;
  return ampel_import_buffers(s, names, data, lens, n, &o, sum, dg);
}

/* Imports and expects success (prints the first message otherwise). */
static void import_ok(ampel_store *s, const input *in, size_t n,
                      ampel_import_summary *sum) {
  ampel_diags dg;
  ampel_diags_init(&dg, 0);
  ampel_status st = import_n(s, in, n, 0, sum, &dg);
  if (st != AMPEL_OK)
    fail_msg("import failed (%d): %s:%ld:%ld: %s", (int)st,
             dg.n ? dg.items[0].path : "", dg.n ? dg.items[0].line : 0,
             dg.n ? dg.items[0].column : 0, dg.n ? dg.items[0].message : "");
  assert_int_equal(dg.n_errors, 0);
  ampel_diags_release(&dg);
}

static ampel_dataset *load_all(ampel_store *s) {
  ampel_dataset *ds = NULL;
  assert_int_equal(ampel_store_load(s, AMPEL_LOAD_ALL, &ds, NULL), AMPEL_OK);
  return ds;
}

/* The whole store as text: areas, indicators, periods and the CSV export.
 * Caller frees with free(). */
static char *store_text(ampel_store *s) {
  ampel_dataset *ds = load_all(s);
  ampel_buf b;
  ampel_buf_init(&b);
  for (size_t i = 0; i < ampel_dataset_n_areas(ds); i++) {
    const ampel_area *a = ampel_dataset_area(ds, i);
    ampel_buf_printf(&b, "A %s|%s|%s|%s|", a->key, a->name,
                     a->parent ? a->parent : "-", a->level);
    ampel_buf_double(&b, a->population);
    ampel_buf_printf(&b, "|%ld|%ld\n", (long)a->tile_row, (long)a->tile_col);
  }
  for (size_t i = 0; i < ampel_dataset_n_indicators(ds); i++) {
    const ampel_indicator *k = ampel_dataset_indicator(ds, i);
    ampel_buf_printf(&b, "I %s|%s|%s|%d|%d\n", k->key, k->name,
                     k->unit ? k->unit : "-", (int)k->polarity, k->decimals);
  }
  for (size_t i = 0; i < ampel_dataset_n_periods(ds); i++)
    ampel_buf_printf(&b, "P %s|%ld\n", ampel_dataset_period(ds, i)->label,
                     (long)ampel_dataset_period(ds, i)->sort_key);
  ampel_export_csv(ds, NULL, &b);
  assert_int_equal(b.failed, 0);
  char *out = strdup(b.data ? b.data : "");
  ampel_buf_release(&b);
  ampel_dataset_free(ds);
  return out;
}

static ampel_cell_ref cell(const ampel_dataset *ds, const char *a,
                           const char *i, const char *p) {
  long ai = ampel_dataset_find_area(ds, a),
       ii = ampel_dataset_find_indicator(ds, i),
       pi = ampel_dataset_find_period(ds, p);
  if (ai < 0 || ii < 0 || pi < 0)
    fail_msg("no cell %s/%s/%s", a, i, p);
  return ampel_dataset_get(ds, (size_t)ai, (size_t)ii, (size_t)pi);
}

/* Kinds of the newest import's files, joined by ','. */
typedef struct kinds {
  long id;
  char text[128];
} kinds;

static int kinds_cb(void *ud, long id, int64_t when, const char *file,
                    const char *sha, const char *kind, long rows) {
  (void)when;
  (void)file;
  (void)sha;
  (void)rows;
  kinds *k = ud;
  if (k->id && id != k->id)
    return 1;
  k->id = id;
  size_t n = strlen(k->text);
  snprintf(k->text + n, sizeof k->text - n, "%s%s", n ? "," : "", kind);
  return 0;
}

static void newest_kinds(ampel_store *s, char *out, size_t size) {
  kinds k = {0, ""};
  assert_int_equal(ampel_store_import_log(s, kinds_cb, &k), AMPEL_OK);
  snprintf(out, size, "%s", k.text);
}

/* 1-based column in characters of cell `idx` of a separated line. */
static long col_of(const char *line, int idx, char sep) {
  long col = 1;
  const unsigned char *p = (const unsigned char *)line;
  for (; *p && idx > 0; p++) {
    if (*p == sep)
      idx--;
    if ((*p & 0xC0) != 0x80)
      col++;
  }
  return col;
}

/* Finds a diagnostic with the given location whose message contains
 * `needle`. */
static void expect_diag(const ampel_diags *dg, const char *path, long line,
                        long column, const char *needle) {
  for (size_t i = 0; i < dg->n; i++) {
    const ampel_diag *d = &dg->items[i];
    if (d->severity == AMPEL_SEV_ERROR && d->path &&
        strcmp(d->path, path) == 0 && d->line == line &&
        d->column == column && strstr(d->message, needle))
      return;
  }
  for (size_t i = 0; i < dg->n; i++)
    print_message("  have %s:%ld:%ld: %s\n", dg->items[i].path,
                  dg->items[i].line, dg->items[i].column,
                  dg->items[i].message);
  fail_msg("no error %s:%ld:%ld containing '%s'", path, line, column, needle);
}

/* ---- a workbook built in memory -------------------------------------------
 */

#define XDECL "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
#define XNS "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
#define XRNS                                                                 \
  "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define XPNS "http://schemas.openxmlformats.org/package/2006/relationships"

/* Sheet XML from rows of ';'-separated cells; a cell "#12.5" is a number
 * cell, others are inline strings. */
static void sheet_xml(ampel_buf *b, const char *const *rows, size_t n) {
  ampel_buf_puts(b, XDECL "<worksheet xmlns=\"" XNS "\"><sheetData>");
  for (size_t r = 0; r < n; r++) {
    ampel_buf_printf(b, "<row r=\"%zu\">", r + 1);
    const char *p = rows[r];
    for (int c = 0; *p || c == 0; c++) {
      const char *e = strchr(p, ';');
      size_t len = e ? (size_t)(e - p) : strlen(p);
      if (len > 0 && p[0] == '#')
        ampel_buf_printf(b, "<c r=\"%c%zu\"><v>%.*s</v></c>", 'A' + c, r + 1,
                         (int)len - 1, p + 1);
      else if (len > 0) {
        ampel_buf_printf(b, "<c r=\"%c%zu\" t=\"inlineStr\"><is><t>", 'A' + c,
                         r + 1);
        ampel_buf_html_n(b, p, len);
        ampel_buf_puts(b, "</t></is></c>");
      }
      if (!e)
        break;
      p = e + 1;
    }
    ampel_buf_puts(b, "</row>");
  }
  ampel_buf_puts(b, "</sheetData></worksheet>");
}

static void zip_put_text(zip_t *z, const char *name, const char *text) {
  size_t len = strlen(text);
  char *copy = malloc(len + 1);
  assert_non_null(copy);
  memcpy(copy, text, len + 1);
  zip_source_t *s = zip_source_buffer(z, copy, len, 1);
  assert_non_null(s);
  assert_true(zip_file_add(z, name, s, ZIP_FL_ENC_UTF_8) >= 0);
}

typedef struct sheet_def {
  const char *name;
  const char *const *rows;
  size_t n;
} sheet_def;

/* Builds an .xlsx with the given sheets; caller frees *out with free(). */
static void make_xlsx(const sheet_def *sheets, size_t n, char **out,
                      size_t *out_len) {
  zip_error_t ze;
  zip_error_init(&ze);
  zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
  assert_non_null(src);
  zip_source_keep(src);
  zip_t *z = zip_open_from_source(src, ZIP_TRUNCATE, &ze);
  assert_non_null(z);
  zip_put_text(z, "[Content_Types].xml",
          XDECL "<Types xmlns=\"http://schemas.openxmlformats.org/package/"
                "2006/content-types\"><Default Extension=\"xml\" "
                "ContentType=\"application/xml\"/></Types>");
  zip_put_text(z, "_rels/.rels",
          XDECL "<Relationships xmlns=\"" XPNS "\"><Relationship Id=\"rId1\" "
                "Type=\"" XRNS "/officeDocument\" Target=\"xl/workbook.xml\"/>"
                "</Relationships>");
  ampel_buf wb, rels;
  ampel_buf_init(&wb);
  ampel_buf_init(&rels);
  ampel_buf_puts(&wb, XDECL "<workbook xmlns=\"" XNS "\" xmlns:r=\"" XRNS
                            "\"><sheets>");
  ampel_buf_puts(&rels, XDECL "<Relationships xmlns=\"" XPNS "\">");
  for (size_t i = 0; i < n; i++) {
    ampel_buf_printf(&wb, "<sheet name=\"%s\" sheetId=\"%zu\" r:id=\"rId%zu\"/>",
                     sheets[i].name, i + 1, i + 1);
    ampel_buf_printf(&rels,
                     "<Relationship Id=\"rId%zu\" Type=\"" XRNS
                     "/worksheet\" Target=\"worksheets/sheet%zu.xml\"/>",
                     i + 1, i + 1);
    ampel_buf sh;
    ampel_buf_init(&sh);
    sheet_xml(&sh, sheets[i].rows, sheets[i].n);
    char name[64];
    snprintf(name, sizeof name, "xl/worksheets/sheet%zu.xml", i + 1);
    zip_put_text(z, name, sh.data);
    ampel_buf_release(&sh);
  }
  ampel_buf_puts(&wb, "</sheets></workbook>");
  ampel_buf_puts(&rels, "</Relationships>");
  zip_put_text(z, "xl/workbook.xml", wb.data);
  zip_put_text(z, "xl/_rels/workbook.xml.rels", rels.data);
  ampel_buf_release(&wb);
  ampel_buf_release(&rels);
  assert_int_equal(zip_close(z), 0);
  assert_int_equal(zip_source_open(src), 0);
  assert_int_equal(zip_source_seek(src, 0, SEEK_END), 0);
  zip_int64_t len = zip_source_tell(src);
  assert_true(len > 0);
  assert_int_equal(zip_source_seek(src, 0, SEEK_SET), 0);
  *out = malloc((size_t)len);
  assert_non_null(*out);
  assert_int_equal(zip_source_read(src, *out, (zip_uint64_t)len), len);
  zip_source_close(src);
  zip_source_free(src);
  *out_len = (size_t)len;
}

static const char *const WB_AREAS[] = {"Schlüssel;Name;Übergeordnet;Ebene",
                                       "K;Kreis;;Kreis", "K1;Ort 1;K;Ort"};
static const char *const WB_INDS[] = {"Schlüssel;Name;Richtung",
                                      "q;Quote;hoch_ist_gut"};
static const char *const WB_VALUES[] = {"Gebiet;Kennzahl;Zeitraum;Wert",
                                        "K;q;2023/24;#12.25",
                                        "K1;q;2023/24;7,5"};

/* ---- kinds and order ------------------------------------------------------
 */

static void test_kind_detection(void **state) {
  (void)state;
  tmpdb t;
  tmpdb_make(&t);
  ampel_store *s = open_store(t.path);
  char k[128];
  import_ok(s, (input[]){{"gebiete.csv", AREAS, 0}}, 1, NULL);
  newest_kinds(s, k, sizeof k);
  assert_string_equal(k, "areas");
  import_ok(s, (input[]){{"k.csv", INDS, 0}}, 1, NULL);
  newest_kinds(s, k, sizeof k);
  assert_string_equal(k, "indicators");
  import_ok(s, (input[]){{"lang.csv", VALUES, 0}, {"breit.csv", WIDE, 0}}, 2,
            NULL);
  newest_kinds(s, k, sizeof k);
  assert_string_equal(k, "values,values");
  char *book;
  size_t book_len;
  sheet_def sheets[] = {{"Anleitung", WB_INDS, 1},
                        {"Werte", WB_VALUES, 3},
                        {"Kennzahlen", WB_INDS, 2},
                        {"Gebiete", WB_AREAS, 3}};
  make_xlsx(sheets, 4, &book, &book_len);
  ampel_diags dg;
  ampel_diags_init(&dg, 0);
  ampel_import_summary sum;
  assert_int_equal(
      import_n(s, (input[]){{"vorlage.xlsx", book, book_len}}, 1, 0, &sum,
               &dg),
      AMPEL_OK);
  assert_int_equal(dg.n_errors, 0);
  assert_true(dg.n >= 1); /* a note about the sheet Anleitung */
  assert_int_equal(dg.items[0].severity, AMPEL_SEV_NOTE);
  assert_non_null(strstr(dg.items[0].message, "Anleitung"));
  ampel_diags_release(&dg);
  newest_kinds(s, k, sizeof k);
  assert_string_equal(k, "workbook");
  assert_int_equal(sum.n_areas, 2);
  assert_int_equal(sum.n_indicators, 1);
  assert_int_equal(sum.n_values, 2);
  ampel_dataset *ds = load_all(s);
  assert_true(cell(ds, "K", "q", "2023/24").value == 12.25);
  assert_true(cell(ds, "K1", "q", "2023/24").value == 7.5);
  ampel_dataset_free(ds);
  free(book);
  /* a header that is none of the kinds */
  ampel_diags_init(&dg, 0);
  assert_int_equal(import_n(s, (input[]){{"x.csv", "Foo;Bar\n1;2\n", 0}}, 1,
                            0, NULL, &dg),
                   AMPEL_E_DATA);
  expect_diag(&dg, "x.csv", 1, 1, "Dateiart nicht erkannt");
  ampel_diags_release(&dg);
  ampel_store_close(s);
  tmpdb_remove(&t);
}

static void test_order_independent(void **state) {
  (void)state;
  tmpdb t1, t2;
  tmpdb_make(&t1);
  tmpdb_make(&t2);
  ampel_store *s1 = open_store(t1.path), *s2 = open_store(t2.path);
  ampel_import_summary a, b;
  import_ok(s1,
            (input[]){{"g.csv", AREAS, 0}, {"k.csv", INDS, 0},
                      {"w.csv", VALUES, 0}},
            3, &a);
  import_ok(s2,
            (input[]){{"w.csv", VALUES, 0}, {"k.csv", INDS, 0},
                      {"g.csv", AREAS, 0}},
            3, &b);
  char *x1 = store_text(s1), *x2 = store_text(s2);
  assert_string_equal(x1, x2);
  free(x1);
  free(x2);
  assert_int_equal(a.n_values, b.n_values);
  assert_int_equal(a.n_areas, b.n_areas);
  /* the values themselves, from the input text */
  ampel_dataset *ds = load_all(s2);
  assert_true(cell(ds, "GE", "sgb2", "2023").value == 21.5);
  ampel_cell_ref c = cell(ds, "GE-M", "sgb2", "2023");
  assert_true(c.value == 30.1 && c.flag == AMPEL_FLAG_LIMITED);
  c = cell(ds, "GE-M-ALT", "sgb2", "2023");
  assert_true(c.present && isnan(c.value) && c.flag == AMPEL_FLAG_SECRET);
  c = cell(ds, "GE-M-NEU", "sgb2", "2023");
  assert_true(c.value == 0 && c.flag == AMPEL_FLAG_ZERO);
  c = cell(ds, "GE-M-ALT", "kita", "2022/23");
  assert_true(c.value == 88.5 && c.numerator == 31 && c.denominator == 35);
  const ampel_area *ar = ampel_dataset_area(ds, 2);
  assert_string_equal(ar->key, "GE-M-ALT");
  assert_string_equal(ar->parent, "GE-M");
  assert_true(ar->population == 12345);
  assert_int_equal(ar->tile_row, 1);
  assert_int_equal(ampel_dataset_area(ds, 0)->tile_row, AMPEL_NO_TILE);
  assert_int_equal(ampel_dataset_indicator(ds, 0)->polarity,
                   AMPEL_POL_HIGHER_IS_WORSE);
  assert_int_equal(ampel_dataset_indicator(ds, 0)->decimals, 1);
  ampel_dataset_free(ds);
  ampel_store_close(s1);
  ampel_store_close(s2);
  tmpdb_remove(&t1);
  tmpdb_remove(&t2);
}

static void test_wide_format(void **state) {
  (void)state;
  tmpdb t;
  tmpdb_make(&t);
  ampel_store *s = open_store(t.path);
  ampel_import_summary sum;
  import_ok(s,
            (input[]){{"breit.csv", WIDE, 0},
                      {"g.csv", AREAS, 0},
                      {"k.csv", INDS, 0}},
            3, &sum);
  assert_int_equal(sum.n_values, 3); /* the empty cell is missing */
  assert_int_equal(sum.n_periods_new, 2);
  ampel_dataset *ds = load_all(s);
  assert_true(cell(ds, "GE-M-ALT", "sgb2", "2021").value == 20.5);
  assert_int_equal(cell(ds, "GE-M-ALT", "kita", "2021").present, 0);
  assert_true(cell(ds, "GE-M-NEU", "sgb2", "2021-12-31").value == 19.25);
  assert_true(cell(ds, "GE-M-NEU", "kita", "2021-12-31").value == 90);
  assert_int_equal(ampel_dataset_n_observations(ds), 3);
  ampel_dataset_free(ds);
  /* an unknown indicator column is an error at its header cell */
  static const char bad[] = "Gebiet;Zeitraum;sgb2;gibtsnicht\n"
                            "GE;2024;1;2\n";
  ampel_diags dg;
  ampel_diags_init(&dg, 0);
  assert_int_equal(import_n(s, (input[]){{"b.csv", bad, 0}}, 1, 0, NULL, &dg),
                   AMPEL_E_DATA);
  expect_diag(&dg, "b.csv", 1, col_of(bad, 3, ';'),
              "unbekannte Kennzahl 'gibtsnicht'");
  ampel_diags_release(&dg);
  ampel_store_close(s);
  tmpdb_remove(&t);
}

/* ---- errors ---------------------------------------------------------------
 */

static void test_error_writes_nothing(void **state) {
  (void)state;
  tmpdb t;
  tmpdb_make(&t);
  ampel_store *s = open_store(t.path);
  /* one bad cell in the last line of the last file */
  static const char bad[] = "Gebiet;Kennzahl;Zeitraum;Wert\n"
                            "GE;sgb2;2024;1\n"
                            "GE;kita;2024;12 %\n";
  ampel_diags dg;
  ampel_diags_init(&dg, 0);
  ampel_import_summary sum;
  assert_int_equal(import_n(s,
                            (input[]){{"g.csv", AREAS, 0},
                                      {"k.csv", INDS, 0},
                                      {"w.csv", bad, 0}},
                            3, 0, &sum, &dg),
                   AMPEL_E_DATA);
  assert_int_equal(dg.n_errors, 1);
  assert_int_equal(sum.import_id, 0);
  ampel_diags_release(&dg);
  ampel_dataset *ds = load_all(s);
  assert_int_equal(ampel_dataset_n_areas(ds), 0);
  assert_int_equal(ampel_dataset_n_indicators(ds), 0);
  assert_int_equal(ampel_dataset_n_periods(ds), 0);
  ampel_dataset_free(ds);
  ampel_data_version v;
  assert_int_equal(ampel_store_data_version(s, &v), AMPEL_OK);
  assert_int_equal(v.id, 0);
  /* on top of existing data: a failing import changes nothing */
  import_ok(s,
            (input[]){{"g.csv", AREAS, 0}, {"k.csv", INDS, 0},
                      {"w.csv", VALUES, 0}},
            3, NULL);
  char *before = store_text(s);
  static const char areas2[] = "key;name;parent;level\n"
                               "GE-S;Süd;GE;Stadtbezirk\n"
                               "GE-M;Mitte neu;GE;Stadtbezirk\n";
  static const char inds2[] = "key;name;polarity\n"
                              "neu;Neu;neutral\n"
                              "kita;Kita neu;hoch_ist_gut\n";
  ampel_diags_init(&dg, 0);
  assert_int_equal(import_n(s,
                            (input[]){{"g2.csv", areas2, 0},
                                      {"k2.csv", inds2, 0},
                                      {"w2.csv", bad, 0}},
                            3, 0, NULL, &dg),
                   AMPEL_E_DATA);
  ampel_diags_release(&dg);
  char *after = store_text(s);
  assert_string_equal(before, after);
  free(before);
  free(after);
  assert_int_equal(ampel_store_data_version(s, &v), AMPEL_OK);
  assert_int_equal(v.id, 1);
  ampel_store_close(s);
  tmpdb_remove(&t);
}

static void test_errors_located(void **state) {
  (void)state;
  tmpdb t;
  tmpdb_make(&t);
  ampel_store *s = open_store(t.path);
  import_ok(s, (input[]){{"g.csv", AREAS, 0}, {"k.csv", INDS, 0}}, 2, NULL);
  static const char *const lines[] = {
      "Gebiet;Kennzahl;Zeitraum;Wert;Zähler",
      "GE;sgb2;2024;1,5;",
      "Gelsenkirchen;sgb2;2024;1;",  /* 3: a name where the key belongs */
      "GE-M;sgb2;20x4;2;",           /* 4: period */
      "GE-M;quote;2024;3;",          /* 5: unknown indicator */
      "GE-M-ALT;sgb2;2024;12 %;",    /* 6: value */
      "GE-M-NEU;sgb2;2024;4;viele",  /* 7: numerator */
      "GE-M-NEU;kita;2024;5",        /* 8: one cell short */
      "GÄ-ü;sgb2;20ü4;1;",           /* 9: area; period after umlauts */
  };
  char text[1024] = "";
  for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
    strcat(text, lines[i]);
    strcat(text, i % 2 ? "\r\n" : "\n");
  }
  ampel_diags dg;
  ampel_diags_init(&dg, 0);
  assert_int_equal(
      import_n(s, (input[]){{"werte.csv", text, 0}}, 1, 0, NULL, &dg),
      AMPEL_E_DATA);
  expect_diag(&dg, "werte.csv", 3, 1, "gemeint ist wohl der Schlüssel 'GE'");
  expect_diag(&dg, "werte.csv", 4, col_of(lines[3], 2, ';'),
              "Zeitraum nicht lesbar");
  expect_diag(&dg, "werte.csv", 4, col_of(lines[3], 2, ';'), "'20x4'");
  expect_diag(&dg, "werte.csv", 5, col_of(lines[4], 1, ';'),
              "unbekannte Kennzahl 'quote'");
  expect_diag(&dg, "werte.csv", 6, col_of(lines[5], 3, ';'), "'12 %'");
  expect_diag(&dg, "werte.csv", 7, col_of(lines[6], 4, ';'), "Zähler");
  expect_diag(&dg, "werte.csv", 8, 1, "4 Zellen, erwartet 5");
  expect_diag(&dg, "werte.csv", 9, 1, "unbekanntes Gebiet 'GÄ-ü'");
  expect_diag(&dg, "werte.csv", 9, 11, "'20ü4'"); /* characters, not bytes */
  assert_int_equal(col_of(lines[8], 2, ';'), 11);
  assert_int_equal(dg.n_errors, 8);
  /* the offending line comes with the message */
  for (size_t i = 0; i < dg.n; i++)
    if (dg.items[i].line == 6)
      assert_string_equal(dg.items[i].source, lines[5]);
  ampel_diags_release(&dg);

  /* areas: duplicate key, unknown parent, cycle */
  static const char areas[] = "Schlüssel;Name;Übergeordnet;Ebene\n"
                              "A;A;B;X\n"
                              "B;B;A;X\n"
                              "C;C;nirgends;X\n"
                              "A;A2;;X\n"
                              "D;;GE;X\n";
  ampel_diags_init(&dg, 0);
  assert_int_equal(
      import_n(s, (input[]){{"g2.csv", areas, 0}}, 1, 0, NULL, &dg),
      AMPEL_E_DATA);
  expect_diag(&dg, "g2.csv", 5, 1, "doppelter Schlüssel 'A' (zuerst in Zeile 2)");
  expect_diag(&dg, "g2.csv", 4, 5, "'nirgends'");
  expect_diag(&dg, "g2.csv", 2, 5, "Zyklus");
  expect_diag(&dg, "g2.csv", 6, 3, "Name fehlt");
  ampel_diags_release(&dg);

  /* a workbook: sheet and cell in the message */
  static const char *const wvals[] = {"Gebiet;Kennzahl;Zeitraum;Wert",
                                      "GE;sgb2;2024;#1", "GE;sgb2;2025;abc"};
  sheet_def sh[] = {{"Werte", wvals, 3}};
  char *book;
  size_t len;
  make_xlsx(sh, 1, &book, &len);
  ampel_diags_init(&dg, 0);
  assert_int_equal(
      import_n(s, (input[]){{"b.xlsx", book, len}}, 1, 0, NULL, &dg),
      AMPEL_E_DATA);
  expect_diag(&dg, "b.xlsx", 3, 4, "Blatt 'Werte', Zelle D3");
  ampel_diags_release(&dg);
  free(book);
  ampel_dataset *ds = load_all(s);
  assert_int_equal(ampel_dataset_n_observations(ds), 0);
  ampel_dataset_free(ds);
  ampel_store_close(s);
  tmpdb_remove(&t);
}

/* ---- replacing, counts, dry run -------------------------------------------
 */

static void test_reimport_replaces(void **state) {
  (void)state;
  tmpdb t;
  tmpdb_make(&t);
  ampel_store *s = open_store(t.path);
  import_ok(s,
            (input[]){{"g.csv", AREAS, 0}, {"k.csv", INDS, 0},
                      {"w.csv", VALUES, 0}},
            3, NULL);
  static const char areas2[] = "key;name;parent;level;population\n"
                               "GE-M-ALT;Altstadt (neu);GE-M;Stadtteil;\n";
  static const char vals2[] = "area;indicator;period;value;flag\n"
                              "GE;sgb2;2023;22;\n"
                              "GE-M-ALT;sgb2;2023;;x\n";
  ampel_import_summary sum;
  import_ok(s, (input[]){{"w2.csv", vals2, 0}, {"g2.csv", areas2, 0}}, 2,
            &sum);
  assert_int_equal(sum.import_id, 2);
  assert_int_equal(sum.n_periods_new, 0);
  ampel_dataset *ds = load_all(s);
  assert_int_equal(ampel_dataset_n_areas(ds), 4);
  const ampel_area *a = ampel_dataset_area(ds, 2); /* keeps its place */
  assert_string_equal(a->key, "GE-M-ALT");
  assert_string_equal(a->name, "Altstadt (neu)");
  assert_true(isnan(a->population));
  assert_int_equal(a->tile_row, AMPEL_NO_TILE);
  assert_true(cell(ds, "GE", "sgb2", "2023").value == 22);
  ampel_cell_ref c = cell(ds, "GE-M-ALT", "sgb2", "2023");
  assert_int_equal(c.flag, AMPEL_FLAG_NOT_MEANINGFUL);
  assert_true(isnan(c.value));
  assert_true(cell(ds, "GE-M", "sgb2", "2023").value == 30.1); /* kept */
  assert_int_equal(ampel_dataset_n_observations(ds), 5);
  ampel_dataset_free(ds);
  ampel_store_close(s);
  tmpdb_remove(&t);
}

static void test_duplicate_value(void **state) {
  (void)state;
  tmpdb t;
  tmpdb_make(&t);
  ampel_store *s = open_store(t.path);
  static const char *const lines[] = {"Gebiet;Kennzahl;Zeitraum;Wert",
                                      "GE;sgb2;2024;1,5", "GE;kita;2024;2",
                                      "GE;SGB2;2024;3"};
  char text[256];
  snprintf(text, sizeof text, "%s\n%s\n%s\n%s\n", lines[0], lines[1],
           lines[2], lines[3]);
  ampel_diags dg;
  ampel_diags_init(&dg, 0);
  assert_int_equal(import_n(s,
                            (input[]){{"g.csv", AREAS, 0},
                                      {"k.csv", INDS, 0},
                                      {"w.csv", text, 0}},
                            3, 0, NULL, &dg),
                   AMPEL_E_DATA);
  /* indicator keys match case-insensitively: line 4 repeats line 2 */
  expect_diag(&dg, "w.csv", 4, col_of(lines[3], 3, ';'), "doppelter Wert");
  expect_diag(&dg, "w.csv", 4, col_of(lines[3], 3, ';'), "'sgb2'");
  assert_int_equal(dg.n_errors, 1);
  ampel_diags_release(&dg);
  ampel_dataset *ds = load_all(s);
  assert_int_equal(ampel_dataset_n_areas(ds), 0);
  ampel_dataset_free(ds);
  ampel_store_close(s);
  tmpdb_remove(&t);
}

static void test_summary_and_dry_run(void **state) {
  (void)state;
  tmpdb t;
  tmpdb_make(&t);
  ampel_store *s = open_store(t.path);
  ampel_import_summary sum;
  memset(&sum, 0xff, sizeof sum);
  ampel_diags dg;
  ampel_diags_init(&dg, 0);
  input all[] = {{"g.csv", AREAS, 0}, {"k.csv", INDS, 0},
                 {"w.csv", VALUES, 0}, {"b.csv", WIDE, 0}};
  assert_int_equal(import_n(s, all, 4, 1, &sum, &dg), AMPEL_OK);
  assert_int_equal(dg.n_errors, 0);
  ampel_diags_release(&dg);
  assert_int_equal(sum.n_files, 4);
  assert_int_equal(sum.n_areas, 4);
  assert_int_equal(sum.n_indicators, 2);
  assert_int_equal(sum.n_values, 5 + 3);
  assert_int_equal(sum.n_periods_new, 4); /* 2023 2022/23 2021 2021-12-31 */
  assert_int_equal(sum.import_id, 0);     /* dry run: nothing written */
  ampel_dataset *ds = load_all(s);
  assert_int_equal(ampel_dataset_n_areas(ds), 0);
  ampel_dataset_free(ds);
  import_ok(s, all, 4, &sum);
  assert_int_equal(sum.n_values, 8);
  assert_int_equal(sum.import_id, 1);
  import_ok(s, all, 4, &sum); /* the same again replaces everything */
  assert_int_equal(sum.n_periods_new, 0);
  assert_int_equal(sum.import_id, 2);
  ds = load_all(s);
  assert_int_equal(ampel_dataset_n_observations(ds), 8);
  ampel_dataset_free(ds);
  ampel_store_close(s);
  tmpdb_remove(&t);
}

/* ---- allocation failures --------------------------------------------------
 */

/* One import of three files into a fresh database. Returns the status;
 * *out_text receives the stored data as text (malloc) when it is OK. */
static ampel_status alloc_run(tmpdb *t, char **out_text) {
  tmpdb_clear(t);
  ampel_diags dg;
  ampel_diags_init(&dg, 0);
  ampel_status st = AMPEL_OK;
  ampel_store *s = ampel_store_open(t->path, AMPEL_STORE_CREATE, &dg, &st);
  if (s) {
    static const char vals[] = "Gebiet;Kennzahl;Zeitraum;Wert;Zähler;Nenner\n"
                               "GE;sgb2;2023;21,5;;\n"
                               "GE-M;sgb2;2023;\"(30,1)\";;\n"
                               "GE-M-ALT;kita;2022/23;88,5;31;35\n"
                               "GE-M-NEU;kita;2022/23;.;;\n";
    st = import_n(s,
                  (input[]){{"w.csv", vals, 0}, {"g.csv", AREAS, 0},
                            {"k.csv", INDS, 0}},
                  3, 0, NULL, &dg);
  }
  *out_text = NULL;
  if (st == AMPEL_OK) {
    failalloc_pause(1);
    *out_text = store_text(s);
    failalloc_pause(0);
  }
  ampel_store_close(s);
  ampel_diags_release(&dg);
  return st;
}

/* No leak is tolerated: every failed run must free everything
 * (test_regress_dataset_indicator_leak.c has the bug this once found). */
static int no_known_leak(const void *p, size_t size, long seq, void *ud) {
  (void)p, (void)size, (void)seq, (void)ud;
  return 0;
}

static void test_import_alloc_failures(void **state) {
  (void)state;
  tmpdb t;
  tmpdb_make(&t);
  char *want = NULL;
  failalloc_install(0);
  assert_int_equal(alloc_run(&t, &want), AMPEL_OK);
  long n = failalloc_uninstall();
  assert_int_equal(failalloc_outstanding(), 0);
  assert_non_null(want);
  assert_true(n > 50);
  long n_ok = 0, n_known = 0;
  for (long k = 1; k <= n; k++) {
    char *got = NULL;
    failalloc_install(k);
    ampel_status st = alloc_run(&t, &got);
    failalloc_uninstall();
    long leaked = failalloc_outstanding();
    long unknown = failalloc_release_leaks(no_known_leak, NULL);
    if (unknown != 0)
      fail_msg("allocation %ld of %ld failed: %ld blocks leaked", k, n,
               unknown);
    if (leaked) {
      assert_int_equal(leaked, 1);
      assert_int_not_equal(st, AMPEL_OK);
      n_known++;
    }
    assert_int_equal(failalloc_bad_frees(), 0);
    if (st == AMPEL_OK) {
      /* a failure the library may absorb (a message's copy of the source
       * line): then the stored data must be complete and right */
      n_ok++;
      if (getenv("AMPEL_TEST_VERBOSE"))
        print_message("allocation %ld absorbed\n", k);
      assert_non_null(got);
      assert_string_equal(got, want);
    }
    free(got);
  }
  print_message("import: %ld allocations failed in turn, %ld absorbed, %ld "
                "hit the known put_indicator leak\n",
                n, n_ok, n_known);
  free(want);
  tmpdb_remove(&t);
}

/* The CSV reader alone: open (Windows-1252, so it converts) and read. */
static ampel_status csv_run(long *rows) {
  static const char data[] = "Gebiet;Wert;Text\r\n"
                             "M\xFCnster;1,5;\"ein \"\"Zitat\"\";\n mit Umbruch\"\r\n"
                             "K\xF6ln;2;\"\x80 100\"\r\n"
                             "\r\n"
                             "Essen;3;\"lang lang lang lang lang lang lang\"\r\n";
  ampel_diags dg;
  ampel_diags_init(&dg, 0);
  ampel_status st = AMPEL_OK;
  *rows = 0;
  ampel_csv_reader *r =
      ampel_csv_open_mem(data, sizeof data - 1, "t.csv", NULL, &dg, &st);
  if (r) {
    ampel_row row;
    int rc;
    while ((rc = ampel_csv_next(r, &row, &dg)) > 0)
      (*rows)++;
    if (rc < 0)
      st = ampel_diags_status(&dg) != AMPEL_OK ? ampel_diags_status(&dg)
                                               : AMPEL_E_NOMEM;
  }
  ampel_csv_free(r);
  ampel_diags_release(&dg);
  return st;
}

static void test_csv_alloc_failures(void **state) {
  (void)state;
  long rows = 0;
  failalloc_install(0);
  assert_int_equal(csv_run(&rows), AMPEL_OK);
  long n = failalloc_uninstall();
  assert_int_equal(rows, 4);
  assert_int_equal(failalloc_outstanding(), 0);
  assert_true(n >= 3);
  for (long k = 1; k <= n; k++) {
    failalloc_install(k);
    ampel_status st = csv_run(&rows);
    failalloc_uninstall();
    if (st == AMPEL_OK)
      fail_msg("allocation %ld of %ld failed, reading succeeded", k, n);
    assert_int_equal(failalloc_outstanding(), 0);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_kind_detection),
      cmocka_unit_test(test_order_independent),
      cmocka_unit_test(test_wide_format),
      cmocka_unit_test(test_error_writes_nothing),
      cmocka_unit_test(test_errors_located),
      cmocka_unit_test(test_reimport_replaces),
      cmocka_unit_test(test_duplicate_value),
      cmocka_unit_test(test_summary_and_dry_run),
      cmocka_unit_test(test_import_alloc_failures),
      cmocka_unit_test(test_csv_alloc_failures),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
