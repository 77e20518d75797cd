/* Unit tests for ampel_migrate_copy (src/import/migrate.c): a full copy
 * between two SQLite stores (every field, settings, the log), the refusal
 * of a non-empty target, and the allocation-failure run: whichever
 * allocation fails, the target stays empty and nothing leaks. */
/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ampel/alloc.h"
#include "ampel/buf.h"
#include "ampel/export.h"
#include "ampel/import.h"
#include "ampel/store.h"
#include "failalloc.h"

#define TMPDB_PREFIX "ampel-migrate"
#include "tmpdb.h"

static const char AREAS[] =
    "Schlüssel;Name;Übergeordnet;Ebene;Einwohner;Kachel_Zeile;Kachel_Spalte;"
    "Breite;Länge\n"
    "GE;Gelsenkirchen;;Stadt;263000;;;;\n"
    "GE-M;Mitte;GE;Stadtbezirk;;0;1;51,5;7,1\n"
    "GE-M-ALT;Altstadt;GE-M;Stadtteil;12345;1;1;;\n";

static const char INDS[] =
    "Schlüssel;Name;Richtung;Einheit;Nachkommastellen;Handlungsfeld;"
    "Definition;Quelle;Stichtag;Geheimhaltung\n"
    "sgb2;SGB-II-Quote;hoch_ist_schlecht;%;1;Soziales;Anteil;BA;31.12.;nein\n"
    "kinder;Kinder;neutral;Anzahl;0;Demografie;Zahl;EMR;31.12.;ja\n";

static const char VALUES[] = "Gebiet;Kennzahl;Zeitraum;Wert;Zähler;Nenner\n"
                             "GE;sgb2;2023;21,5;;\n"
                             "GE-M;sgb2;2023;(30,1);;\n"
                             "GE-M-ALT;sgb2;2023;.;;\n"
                             "GE-M-ALT;sgb2;2022/23;88,5;31;35\n"
                             "GE-M;kinder;2023;2;;\n";
/* the second Datenstand: one value changed, one new */
static const char VALUES2[] = "Gebiet;Kennzahl;Zeitraum;Wert\n"
                              "GE;sgb2;2023;22,5\n"
                              "GE;kinder;2023;7\n";

/* Everything a store holds, as text (malloc). */
static char *store_text(ampel_store *s) {
  ampel_dataset *ds = NULL;
  assert_int_equal(ampel_store_load(s, AMPEL_LOAD_ALL, &ds, NULL), AMPEL_OK);
  ampel_buf b;
  ampel_buf_init(&b);
  for (size_t i = 0; i < ampel_dataset_n_areas(ds); i++) {
    const ampel_area *a = ampel_dataset_area(ds, i);
    ampel_buf_printf(&b, "A %s|%s|%s|%s|", a->key, a->name,
                     a->parent ? a->parent : "-", a->level);
    ampel_buf_double(&b, a->population);
    ampel_buf_printf(&b, "|%ld|%ld|", (long)a->tile_row, (long)a->tile_col);
    ampel_buf_double(&b, a->lat);
    ampel_buf_putc(&b, '|');
    ampel_buf_double(&b, a->lon);
    ampel_buf_putc(&b, '\n');
  }
  for (size_t i = 0; i < ampel_dataset_n_indicators(ds); i++) {
    const ampel_indicator *k = ampel_dataset_indicator(ds, i);
    ampel_buf_printf(&b, "I %s|%s|%s|%s|%s|%s|%s|%d|%d|%d\n", k->key, k->name,
                     k->unit ? k->unit : "-", k->domain ? k->domain : "-",
                     k->definition ? k->definition : "-",
                     k->source ? k->source : "-",
                     k->reference_date ? k->reference_date : "-",
                     (int)k->polarity, k->decimals, (int)k->secrecy);
  }
  for (size_t i = 0; i < ampel_dataset_n_periods(ds); i++)
    ampel_buf_printf(&b, "P %s|%ld\n", ampel_dataset_period(ds, i)->label,
                     (long)ampel_dataset_period(ds, i)->sort_key);
  ampel_export_csv(ds, NULL, &b);
  char *v = NULL;
  assert_int_equal(ampel_store_config_get(s, "min_count", &v), AMPEL_OK);
  ampel_buf_printf(&b, "min_count=%s\n", v ? v : "-");
  ampel_free(v);
  assert_int_equal(b.failed, 0);
  char *out = strdup(b.data ? b.data : "");
  ampel_buf_release(&b);
  ampel_dataset_free(ds);
  return out;
}

static int log_cb(void *ud, long id, int64_t when, const char *file,
                  const char *sha, const char *kind, long rows) {
  (void)when, (void)sha;
  ampel_buf_printf(ud, "%ld %s %s %ld\n", id, file, kind, rows);
  return 0;
}

static int ds_text_cb(void *ud, const ampel_datenstand_info *d) {
  char line[160];
  snprintf(line, sizeof line, "%ld %lld %s %ld %ld %ld %s\n", d->id,
           (long long)d->created, d->kind, d->n_new, d->n_changed, d->n_removed,
           d->digest);
  ampel_buf_append(ud, line, strlen(line));
  return 0;
}

static void make_source(tmpdb *t) {
  ampel_store *s = open_ok(t->path, AMPEL_STORE_CREATE);
  const char *names[] = {"gebiete.csv", "kennzahlen.csv", "werte.csv"};
  const char *data[] = {AREAS, INDS, VALUES};
  size_t lens[] = {strlen(AREAS), strlen(INDS), strlen(VALUES)};
  ampel_import_options o;
  memset(&o, 0, sizeof o);
  o.when = 1767225600;
  ampel_import_summary sum;
  ampel_diags dg;
  ampel_diags_init(&dg, 0);
  ampel_status st =
      ampel_import_buffers(s, names, data, lens, 3, &o, &sum, &dg);
  if (st != AMPEL_OK)
    fail_msg("import: %s", dg.n ? dg.items[0].message : "?");
  /* a second Datenstand: one value changes, one is new */
  const char *names2[] = {"werte2.csv"}, *data2[] = {VALUES2};
  size_t lens2[] = {strlen(VALUES2)};
  o.when = 1767312000;
  assert_int_equal(
      ampel_import_buffers(s, names2, data2, lens2, 1, &o, &sum, &dg),
      AMPEL_OK);
  ampel_diags_release(&dg);
  assert_int_equal(ampel_store_config_set(s, "min_count", "5"), AMPEL_OK);
  ampel_store_close(s);
}

static void test_copy(void **state) {
  (void)state;
  tmpdb a, b;
  tmpdb_make(&a);
  tmpdb_make(&b);
  make_source(&a);
  ampel_store *from = open_ok(a.path, AMPEL_STORE_READONLY);
  ampel_store *to = open_ok(b.path, AMPEL_STORE_CREATE);
  ampel_diags dg;
  ampel_diags_init(&dg, 0);
  ampel_migrate_summary sum;
  assert_int_equal(ampel_migrate_copy(from, to, 1767225700, &sum, &dg),
                   AMPEL_OK);
  assert_int_equal(dg.n, 0);
  assert_int_equal(sum.n_areas, 3);
  assert_int_equal(sum.n_indicators, 2);
  assert_int_equal(sum.n_periods, 2);
  assert_int_equal(sum.n_values, 6);
  assert_int_equal(sum.n_config, 1);
  assert_int_equal(sum.n_files, 4);
  assert_int_equal(sum.import_id, 2);
  char *x = store_text(from), *y = store_text(to);
  assert_string_equal(x, y);
  assert_non_null(strstr(y, "I kinder|Kinder|Anzahl|Demografie|Zahl|EMR"));
  free(x);
  free(y);
  /* the whole history: each Datenstand with the source's id, files, time,
   * digest and counts, and its values as they were */
  ampel_buf la, lb;
  ampel_buf_init(&la);
  ampel_buf_init(&lb);
  assert_int_equal(ampel_store_import_log(from, log_cb, &la), AMPEL_OK);
  assert_int_equal(ampel_store_import_log(to, log_cb, &lb), AMPEL_OK);
  assert_string_equal(lb.data, "2 werte2.csv values 2\n"
                               "1 gebiete.csv areas 3\n"
                               "1 kennzahlen.csv indicators 2\n"
                               "1 werte.csv values 5\n");
  assert_string_equal(la.data, lb.data);
  ampel_buf_release(&la);
  ampel_buf_release(&lb);
  ampel_buf_init(&la);
  ampel_buf_init(&lb);
  assert_int_equal(ampel_store_datenstaende(from, ds_text_cb, &la), AMPEL_OK);
  assert_int_equal(ampel_store_datenstaende(to, ds_text_cb, &lb), AMPEL_OK);
  assert_string_equal(la.data, lb.data);
  assert_non_null(strstr(lb.data, "2 1767312000 import 1 1 0 "));
  ampel_buf_release(&la);
  ampel_buf_release(&lb);
  ampel_diags dg1;
  ampel_diags_init(&dg1, 0);
  assert_int_equal(ampel_store_set_datenstand(from, 1, &dg1), AMPEL_OK);
  assert_int_equal(ampel_store_set_datenstand(to, 1, &dg1), AMPEL_OK);
  x = store_text(from);
  y = store_text(to);
  assert_string_equal(x, y);
  assert_null(strstr(y, "22.5"));
  free(x);
  free(y);
  assert_int_equal(ampel_store_set_datenstand(from, 0, &dg1), AMPEL_OK);
  assert_int_equal(ampel_store_set_datenstand(to, 0, &dg1), AMPEL_OK);
  ampel_diags_release(&dg1);
  /* a second copy is refused: the target is not empty */
  ampel_data_version v0, v1;
  assert_int_equal(ampel_store_data_version(to, &v0), AMPEL_OK);
  assert_int_equal(ampel_migrate_copy(from, to, 1767225800, &sum, &dg),
                   AMPEL_E_DATA);
  assert_non_null(strstr(dg.items[0].message, "nicht leer"));
  assert_int_equal(ampel_store_data_version(to, &v1), AMPEL_OK);
  assert_int_equal(v0.id, v1.id);
  assert_string_equal(v0.digest, v1.digest);
  ampel_diags_release(&dg);
  ampel_store_close(to);
  ampel_store_close(from);
  tmpdb_remove(&a);
  tmpdb_remove(&b);
}

/* One copy into a fresh target, all under the test allocator. */
static ampel_status alloc_run(const tmpdb *a, tmpdb *b) {
  tmpdb_clear(b);
  ampel_diags dg;
  ampel_diags_init(&dg, 0);
  ampel_status st = AMPEL_OK, st2 = AMPEL_OK;
  ampel_store *from = ampel_store_open(a->path, AMPEL_STORE_READONLY, &dg, &st);
  ampel_store *to =
      from ? ampel_store_open(b->path, AMPEL_STORE_CREATE, &dg, &st2) : NULL;
  if (from && !to)
    st = st2;
  if (from && to)
    st = ampel_migrate_copy(from, to, 1767225700, NULL, &dg);
  ampel_store_close(to);
  ampel_store_close(from);
  ampel_diags_release(&dg);
  return st;
}

static void test_alloc_failures(void **state) {
  (void)state;
  tmpdb a, b;
  tmpdb_make(&a);
  tmpdb_make(&b);
  make_source(&a);
  failalloc_install(0);
  assert_int_equal(alloc_run(&a, &b), AMPEL_OK);
  long n = failalloc_uninstall();
  assert_int_equal(failalloc_outstanding(), 0);
  assert_true(n > 20);
  long n_ok = 0;
  for (long k = 1; k <= n; k++) {
    failalloc_install(k);
    ampel_status st = alloc_run(&a, &b);
    failalloc_uninstall();
    assert_int_equal(failalloc_outstanding(), 0);
    assert_int_equal(failalloc_bad_frees(), 0);
    if (access(b.path, F_OK) != 0)
      continue; /* failed before the target existed */
    ampel_store *to = open_ok(b.path, AMPEL_STORE_READONLY);
    ampel_data_version v;
    assert_int_equal(ampel_store_data_version(to, &v), AMPEL_OK);
    if (st == AMPEL_OK) {
      /* an allocation that may fail (the stage's direct table of blocks):
       * the copy is whole, up to the source's newest Datenstand, 2 */
      n_ok++;
      if (v.id != 2)
        fail_msg("allocation %ld of %ld failed, the copy succeeded, but the "
                 "target has Datenstand %ld instead of 2",
                 k, n, v.id);
      ampel_store *src = open_ok(a.path, AMPEL_STORE_READONLY);
      char *x = store_text(src), *y = store_text(to);
      assert_string_equal(x, y);
      free(x);
      free(y);
      ampel_store_close(src);
    } else if (v.id != 0) {
      fail_msg("allocation %ld of %ld failed, status %d, but the target has "
               "Datenstand %ld",
               k, n, (int)st, v.id);
    }
    ampel_store_close(to);
  }
  print_message("migrate: %ld allocations failed in turn, %ld absorbed\n", n,
                n_ok);
  tmpdb_remove(&a);
  tmpdb_remove(&b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_copy),
      cmocka_unit_test(test_alloc_failures),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
