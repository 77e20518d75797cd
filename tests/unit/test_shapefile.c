/* Unit tests for the Shapefile reader on memory (read/shapefile.c,
 * read/shp_check.c), issue 16: a truncated .dbf crashed the reader
 * (DBFReadStringAttribute returned NULL), and mutated Shapefiles were
 * accepted with wrong coordinates or attributes.
 *
 * A small set (two unit squares of 1 km in UTM, keys A and B, a PolygonZ
 * variant) is written with shapelib itself into a temporary directory and
 * read back into memory; each case changes bytes at a place named by the
 * format (ESRI Shapefile Technical Description; dBASE III+) and expects the
 * error in the right file at the right record. Two sweeps (every prefix of
 * every file; every single byte inverted) must never crash and never give
 * a set with an error or an error without a message. */
/* clang-format off */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <shapefil.h>
/* clang-format on */

#include "ampel/alloc.h"
#include "ampel/geo.h"

typedef struct set {
  char *data[AMPEL_SHP_N_PARTS];
  size_t len[AMPEL_SHP_N_PARTS];
} set;

static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  char *buf = malloc(1 << 20);
  assert_non_null(buf);
  *len = fread(buf, 1, 1 << 20, f);
  fclose(f);
  return buf;
}

/* Two clockwise 1 km squares side by side, keys A and B (the ring of B
 * has n_b points: fewer than 5 give a closed ring of fewer corners). */
static void make_set_n(set *s, int type, const char *cpg, const char *key_b,
                       int n_b) {
  char dir[] = "/tmp/ampel_test_shp_XXXXXX", p[128];
  assert_non_null(mkdtemp(dir));
  snprintf(p, sizeof p, "%s/t.shp", dir);
  SHPHandle h = SHPCreate(p, type);
  snprintf(p, sizeof p, "%s/t.dbf", dir);
  DBFHandle f = DBFCreateEx(p, "LDID/87");
  assert_non_null(h);
  assert_non_null(f);
  assert_true(DBFAddField(f, "KEY", FTString, 10, 0) >= 0);
  assert_true(DBFAddField(f, "NAME", FTString, 20, 0) >= 0);
  for (int i = 0; i < 2; i++) {
    double x0 = 356000 + 1000 * i, y0 = 5645000;
    double xs[] = {x0, x0, x0 + 1000, x0 + 1000, x0};
    double ys[] = {y0, y0 + 1000, y0 + 1000, y0, y0};
    double zs[] = {1, 2, 3, 4, 1};
    if (i == 1 && n_b < 5) { /* a ring of n_b points, closed */
      xs[n_b - 1] = xs[0];
      ys[n_b - 1] = ys[0];
    }
    SHPObject *o = SHPCreateSimpleObject(type, i ? n_b : 5, xs, ys, zs);
    assert_true(SHPWriteObject(h, -1, o) == i);
    SHPDestroyObject(o);
    DBFWriteStringAttribute(f, i, 0, i ? key_b : "A");
    const char *name = !i    ? "Nord"
                       : cpg ? "S\xc3\xbc"
                               "d"
                             : "S\xfc"
                               "d";
    DBFWriteStringAttribute(f, i, 1, name);
  }
  SHPClose(h);
  DBFClose(f);
  static const char *const ext[] = {"shp", "shx", "dbf"};
  memset(s, 0, sizeof *s);
  for (int k = 0; k < 3; k++) {
    snprintf(p, sizeof p, "%s/t.%s", dir, ext[k]);
    s->data[k] = slurp(p, &s->len[k]);
    unlink(p);
  }
  snprintf(p, sizeof p, "%s/t.cpg", dir);
  unlink(p);
  rmdir(dir);
  if (cpg) {
    s->data[AMPEL_SHP_CPG] = strdup(cpg);
    s->len[AMPEL_SHP_CPG] = strlen(cpg);
  }
}

/* Two clockwise 1 km squares side by side, keys A and B. */
static void make_set(set *s, int type, const char *cpg, const char *key_b) {
  make_set_n(s, type, cpg, key_b, 5);
}

static void free_set(set *s) {
  for (int k = 0; k < AMPEL_SHP_N_PARTS; k++)
    free(s->data[k]);
}

/* Reads the set; returns the status, *out_g the set (or NULL). */
static ampel_status read_set(const set *s, ampel_diags *d) {
  ampel_shapefile_mem m;
  memset(&m, 0, sizeof m);
  static const char *const names[] = {"t.shp", "t.shx", "t.dbf", "t.prj",
                                      "t.cpg"};
  for (int k = 0; k < AMPEL_SHP_N_PARTS; k++) {
    m.data[k] = s->data[k];
    m.len[k] = s->len[k];
    m.name[k] = names[k];
  }
  ampel_geo_read_opts o = {"KEY", "NAME"};
  ampel_geoset *g = NULL;
  ampel_status st = ampel_shapefile_read_mem(&m, &o, &g, d);
  if (getenv("AMPEL_TEST_VERBOSE"))
    for (size_t i = 0; i < d->n; i++)
      fprintf(stderr, "diag: %s:%ld:%ld: %s\n", d->items[i].path,
              d->items[i].line, d->items[i].column, d->items[i].message);
  if (st == AMPEL_OK) {
    assert_non_null(g);
    assert_int_equal(d->n_errors, 0);
  } else {
    assert_null(g);
    assert_true(d->n_errors > 0 || st == AMPEL_E_NOMEM);
  }
  ampel_geoset_free(g);
  return st;
}

/* Expects an error in `path` at record `line` (0: the header) whose message
 * contains `text`. */
static void expect_error(const set *s, const char *path, long line,
                         const char *text) {
  ampel_diags d;
  ampel_diags_init(&d, 0);
  assert_int_equal(read_set(s, &d), AMPEL_E_DATA);
  int found = 0;
  for (size_t i = 0; i < d.n; i++) {
    const ampel_diag *g = &d.items[i];
    if (g->severity == AMPEL_SEV_ERROR && g->path &&
        strcmp(g->path, path) == 0 && g->line == line &&
        (line == 0 || g->column == 1) && strstr(g->message, text))
      found = 1;
  }
  if (!found)
    for (size_t i = 0; i < d.n; i++)
      fprintf(stderr, "got: %s:%ld:%ld: %s\n", d.items[i].path, d.items[i].line,
              d.items[i].column, d.items[i].message);
  assert_true(found);
  ampel_diags_release(&d);
}

static uint32_t be32(const char *p) {
  const unsigned char *u = (const unsigned char *)p;
  return (uint32_t)u[0] << 24 | (uint32_t)u[1] << 16 | (uint32_t)u[2] << 8 |
         u[3];
}
static void put_le32(char *p, uint32_t v) {
  for (int i = 0; i < 4; i++)
    p[i] = (char)(v >> (8 * i));
}
static void put_be32(char *p, uint32_t v) {
  for (int i = 0; i < 4; i++)
    p[i] = (char)(v >> (24 - 8 * i));
}
static void put_led(char *p, double v) {
  memcpy(p, &v, 8);
} /* x86/arm LE */

/* Byte offset of the content of record i (0-based) in the .shp. */
static size_t content(const set *s, int i) {
  return 2 * (size_t)be32(s->data[AMPEL_SHP_SHX] + 100 + 8 * i) + 8;
}

static void test_good_sets_read(void **state) {
  (void)state;
  int types[] = {SHPT_POLYGON, SHPT_POLYGONZ, SHPT_POLYGONM};
  for (int t = 0; t < 3; t++) {
    set s;
    make_set(&s, types[t], NULL, "B");
    ampel_diags d;
    ampel_diags_init(&d, 0);
    assert_int_equal(read_set(&s, &d), AMPEL_OK);
    ampel_diags_release(&d);
    free_set(&s);
  }
  /* the .cpg names UTF-8: valid UTF-8 text is taken as it is */
  set s;
  make_set(&s, SHPT_POLYGON, "UTF-8", "B\xc3\xa4");
  ampel_diags d;
  ampel_diags_init(&d, 0);
  assert_int_equal(read_set(&s, &d), AMPEL_OK);
  ampel_diags_release(&d);
  free_set(&s);
}

/* The campaign's case: a .dbf missing its tail. */
static void test_truncated_dbf(void **state) {
  (void)state;
  set s;
  make_set(&s, SHPT_POLYGON, NULL, "B");
  size_t full = s.len[AMPEL_SHP_DBF];
  s.len[AMPEL_SHP_DBF] = full - 1; /* only the end-of-file mark: fine */
  ampel_diags d;
  ampel_diags_init(&d, 0);
  assert_int_equal(read_set(&s, &d), AMPEL_OK);
  ampel_diags_release(&d);
  s.len[AMPEL_SHP_DBF] = full - 2; /* the last byte of record 2 */
  expect_error(&s, "t.dbf", 2, "Satz 2 ist abgeschnitten");
  s.len[AMPEL_SHP_DBF] = full - 40; /* into record 1 */
  expect_error(&s, "t.dbf", 1, "Satz 1 ist abgeschnitten");
  s.len[AMPEL_SHP_DBF] = 40; /* into the field descriptors */
  expect_error(&s, "t.dbf", 0, "Dateikopf: abgeschnitten");
  free_set(&s);
}

static void test_truncated_shp_shx(void **state) {
  (void)state;
  set s;
  make_set(&s, SHPT_POLYGON, NULL, "B");
  s.len[AMPEL_SHP_SHP] -= 8;
  expect_error(&s, "t.shp", 2, "Satz 2 ist abgeschnitten");
  s.len[AMPEL_SHP_SHP] = 60;
  expect_error(&s, "t.shp", 0, "Dateikopf: zu kurz");
  s.len[AMPEL_SHP_SHP] += 8;
  free_set(&s);
  make_set(&s, SHPT_POLYGON, NULL, "B");
  s.len[AMPEL_SHP_SHX] -= 8;
  expect_error(&s, "t.shx", 2, "Eintrag 2 fehlt");
  free_set(&s);
}

/* The record counts of .shx and .dbf must agree. */
static void test_count_mismatch(void **state) {
  (void)state;
  set s;
  make_set(&s, SHPT_POLYGON, NULL, "B");
  put_le32(s.data[AMPEL_SHP_DBF] + 4, 1);
  expect_error(&s, "t.dbf", 0, "die .dbf hat 1 Sätze, die .shx aber 2");
  free_set(&s);
}

/* A coordinate moved away from its record's bounding box, a bounding box
 * changed, a point outside the header's box, NaN. */
static void test_coordinates(void **state) {
  (void)state;
  set s;
  make_set(&s, SHPT_POLYGON, NULL, "B");
  size_t c = content(&s, 0); /* type 4, box 32, counts 8, one part 4 */
  char *pt = s.data[AMPEL_SHP_SHP] + c + 48;
  char keep[16];
  memcpy(keep, pt + 16, 16);
  put_led(pt + 16, 356000 + 300000); /* point 2's x */
  expect_error(&s, "t.shp", 1, "passt nicht zu seinen Punkten");
  put_led(pt + 16, NAN);
  expect_error(&s, "t.shp", 1, "Punkt 2 hat keine endliche Koordinate");
  memcpy(pt + 16, keep, 16);
  char *box = s.data[AMPEL_SHP_SHP] + content(&s, 1) + 4;
  put_led(box + 8, 5645000 - 1); /* ymin of record 2 */
  expect_error(&s, "t.shp", 2, "passt nicht zu seinen Punkten");
  put_led(box + 8, 5645000);
  put_led(s.data[AMPEL_SHP_SHP] + 52, 356500); /* header xmax */
  expect_error(&s, "t.shx", 0, "die Ausdehnung weicht von der im Kopf");
  put_led(s.data[AMPEL_SHP_SHX] + 52, 356500); /* the same in the .shx */
  expect_error(&s, "t.shp", 2, "außerhalb der Ausdehnung im Dateikopf");
  put_led(s.data[AMPEL_SHP_SHP] + 52, 300000); /* xmax < xmin */
  put_led(s.data[AMPEL_SHP_SHX] + 52, 300000);
  expect_error(&s, "t.shp", 0, "Dateikopf: ungültige Ausdehnung");
  free_set(&s);
}

/* Shape types, part starts and counts inside a record, the index. */
static void test_structure(void **state) {
  (void)state;
  set s;
  make_set(&s, SHPT_POLYGON, NULL, "B");
  char *shp = s.data[AMPEL_SHP_SHP];
  size_t c = content(&s, 1);
  put_le32(shp + c, SHPT_ARC);
  expect_error(&s, "t.shp", 2, "Formtyp Arc, laut Dateikopf Polygon");
  put_le32(shp + c, SHPT_POLYGON);
  put_le32(shp + c + 44, 1); /* part 1 starts at point 1 */
  expect_error(&s, "t.shp", 2, "Teil 1 beginnt bei Punkt 1");
  put_le32(shp + c + 44, 0);
  put_le32(shp + c + 40, 4); /* 4 points claimed, 5 stored */
  expect_error(&s, "t.shp", 2, "passen nicht zur Satzlänge");
  put_le32(shp + c + 40, 5);
  put_le32(shp + 32, SHPT_POINT);
  expect_error(&s, "t.shp", 0, "keine Flächen, sondern Formen vom Typ Point");
  put_le32(shp + 32, SHPT_POLYGON);
  put_be32(shp + c - 8, 7); /* record number in the record header */
  expect_error(&s, "t.shp", 2, "passt nicht zum Eintrag der .shx");
  put_be32(shp + c - 8, 2);
  char *shx = s.data[AMPEL_SHP_SHX];
  put_be32(shx + 108, 0x10000); /* entry 2 points far beyond the file */
  expect_error(&s, "t.shx", 2, "zeigt außerhalb der .shp");
  put_be32(shx + 108, 50); /* entry 2 points at record 1 */
  expect_error(&s, "t.shp", 2, "passt nicht zum Eintrag der .shx");
  free_set(&s);
}

/* A ring needs at least 4 points once closed (found by the fuzzer: a
 * two-point ring came out as a polygon of three points). */
static void test_short_ring(void **state) {
  (void)state;
  set s;
  make_set_n(&s, SHPT_POLYGON, NULL, "B", 3);
  expect_error(&s, "t.shp", 2, "Ring 1 hat weniger als 4 Punkte");
  free_set(&s);
  make_set_n(&s, SHPT_POLYGON, NULL, "B", 4); /* a closed triangle */
  ampel_diags d;
  ampel_diags_init(&d, 0);
  assert_int_equal(read_set(&s, &d), AMPEL_OK);
  ampel_diags_release(&d);
  free_set(&s);
}

/* The .dbf: deletion flags, record length against the fields, text. */
static void test_dbf(void **state) {
  (void)state;
  set s;
  make_set(&s, SHPT_POLYGON, NULL, "B");
  char *dbf = s.data[AMPEL_SHP_DBF];
  size_t hl = (unsigned char)dbf[8] | (size_t)(unsigned char)dbf[9] << 8;
  size_t rl = (unsigned char)dbf[10] | (size_t)(unsigned char)dbf[11] << 8;
  dbf[hl + rl] = '*';
  expect_error(&s, "t.dbf", 2, "als gelöscht markiert");
  dbf[hl + rl] = 'X';
  expect_error(&s, "t.dbf", 2, "ungültiges Löschkennzeichen");
  dbf[hl + rl] = ' ';
  dbf[10] = (char)(rl + 1);
  expect_error(&s, "t.dbf", 0, "passt nicht zu den Feldern");
  dbf[10] = (char)rl;
  dbf[hl + rl + 1] = '\x01'; /* the key of record 2 */
  expect_error(&s, "t.dbf", 2, "Feld 'KEY' enthält Steuerzeichen");
  free_set(&s);
  make_set(&s, SHPT_POLYGON, "UTF-8", "B\xe4"); /* Latin-1 under UTF-8 */
  expect_error(&s, "t.dbf", 2, "kein gültiges UTF-8");
  free_set(&s);
}

/* Every prefix of every file: an error (never a crash, never a set),
 * except the whole file and the .dbf without its end-of-file mark. */
static void test_every_prefix(void **state) {
  (void)state;
  set s;
  make_set(&s, SHPT_POLYGONZ, NULL, "B");
  for (int k = 0; k <= AMPEL_SHP_DBF; k++) {
    size_t full = s.len[k];
    for (size_t n = 0; n < full; n++) {
      s.len[k] = n;
      ampel_diags d;
      ampel_diags_init(&d, 0);
      ampel_status st = read_set(&s, &d);
      if (k == AMPEL_SHP_DBF && n == full - 1)
        assert_int_equal(st, AMPEL_OK);
      else
        assert_int_equal(st, AMPEL_E_DATA);
      ampel_diags_release(&d);
    }
    s.len[k] = full;
  }
  free_set(&s);
}

/* Every single byte inverted: no crash; an error always has a message (in
 * read_set). Counts how many flips are caught: at least those in the
 * headers, the index and the record headers. */
static void test_every_flip(void **state) {
  (void)state;
  set s;
  make_set(&s, SHPT_POLYGON, NULL, "B");
  for (int k = 0; k <= AMPEL_SHP_DBF; k++) {
    size_t caught = 0;
    for (size_t i = 0; i < s.len[k]; i++) {
      s.data[k][i] = (char)~s.data[k][i];
      ampel_diags d;
      ampel_diags_init(&d, 0);
      caught += read_set(&s, &d) != AMPEL_OK;
      ampel_diags_release(&d);
      s.data[k][i] = (char)~s.data[k][i];
    }
    /* In the .shx every byte counts but the unused header bytes 4..23
     * and the z/m ranges (68..99); in the .shp all but those and the
     * last byte of each coordinate (the lowest bits of the mantissa move a
     * point by less than 1e-9 of its value, below the tolerance). */
    print_message("flips caught in part %d: %zu of %zu bytes\n", k, caught,
                  s.len[k]);
    if (k == AMPEL_SHP_SHX)
      assert_true(caught >= s.len[k] - 20 - 32);
    if (k == AMPEL_SHP_SHP)
      assert_true(caught > s.len[k] / 2);
  }
  /* In the .dbf, whose attribute bytes cannot be checked: the record
   * count, header and record length, and both deletion flags. */
  char *dbf = s.data[AMPEL_SHP_DBF];
  size_t hl = (unsigned char)dbf[8] | (size_t)(unsigned char)dbf[9] << 8;
  size_t rl = (unsigned char)dbf[10] | (size_t)(unsigned char)dbf[11] << 8;
  size_t at[] = {4, 8, 9, 10, 11, hl, hl + rl};
  for (size_t i = 0; i < sizeof at / sizeof at[0]; i++) {
    dbf[at[i]] = (char)~dbf[at[i]];
    ampel_diags d;
    ampel_diags_init(&d, 0);
    assert_int_equal(read_set(&s, &d), AMPEL_E_DATA);
    ampel_diags_release(&d);
    dbf[at[i]] = (char)~dbf[at[i]];
  }
  free_set(&s);
}

/* Two records with the same key become one area of two parts; their
 * different names give a warning naming both records. */
static void test_same_key_merged(void **state) {
  (void)state;
  set s;
  make_set(&s, SHPT_POLYGON, "UTF-8", "A");
  ampel_shapefile_mem m;
  memset(&m, 0, sizeof m);
  static const char *const names[] = {"t.shp", "t.shx", "t.dbf", "t.prj",
                                      "t.cpg"};
  for (int k = 0; k < AMPEL_SHP_N_PARTS; k++) {
    m.data[k] = s.data[k];
    m.len[k] = s.len[k];
    m.name[k] = names[k];
  }
  ampel_geo_read_opts o = {"KEY", "NAME"};
  ampel_geoset *g = NULL;
  ampel_diags d;
  ampel_diags_init(&d, 0);
  assert_int_equal(ampel_shapefile_read_mem(&m, &o, &g, &d), AMPEL_OK);
  assert_int_equal(ampel_geoset_n(g), 1);
  assert_int_equal(ampel_geoset_parts(g, 0), 2);
  const ampel_shape *sh = ampel_geoset_shape_c(g, 0);
  assert_int_equal(sh->n_polys, 2);
  assert_int_equal(sh->n_points, 10);
  assert_true(sh->bbox[0] == 356000 && sh->bbox[2] == 358000);
  assert_true(fabs(fabs(ampel_shape_area(sh)) - 2e6) < 1e-6);
  assert_string_equal(ampel_geoset_name(g, 0), "Nord");
  int warned = 0;
  for (size_t i = 0; i < d.n; i++)
    warned |=
        d.items[i].severity == AMPEL_SEV_WARNING && d.items[i].line == 2 &&
        strstr(d.items[i].message, "Satz 1 mit demselben Schlüssel") != NULL;
  assert_true(warned);
  ampel_geoset_free(g);
  ampel_diags_release(&d);
  free_set(&s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_good_sets_read),
      cmocka_unit_test(test_truncated_dbf),
      cmocka_unit_test(test_truncated_shp_shx),
      cmocka_unit_test(test_count_mismatch),
      cmocka_unit_test(test_coordinates),
      cmocka_unit_test(test_structure),
      cmocka_unit_test(test_short_ring),
      cmocka_unit_test(test_dbf),
      cmocka_unit_test(test_every_prefix),
      cmocka_unit_test(test_every_flip),
      cmocka_unit_test(test_same_key_merged),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
