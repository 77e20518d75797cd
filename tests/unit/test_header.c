/* Unit tests for header normalisation (src/import/fields.c,
 * ampel_header_normalize) and the column names of docs/formats.md. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "ampel/import.h"
#include "import/fields.h"

static void expect_norm(const char *in, size_t len, const char *want) {
  char out[128];
  memset(out, '#', sizeof out);
  ampel_header_normalize(in, len, out, sizeof out);
  if (strcmp(out, want) != 0)
    fail_msg("normalize('%.*s') = '%s', expected '%s'", (int)len, in, out,
             want);
}

#define NORM(s, w) expect_norm((s), sizeof(s) - 1, (w))

static void test_umlauts_and_case(void **state) {
  (void)state;
  NORM("Schlüssel", "schluessel");
  NORM("SCHLUESSEL", "schluessel");
  NORM("SCHLÜSSEL", "schluessel");
  NORM("Zähler", "zaehler");
  NORM("ÄÖÜäöüß", "aeoeueaeoeuess");
  NORM("Länge", "laenge");
  NORM("Übergeordnet", "uebergeordnet");
}

static void test_soft_hyphen_and_blanks(void **state) {
  (void)state;
  NORM("Schl\u00ADüssel  ", "schluessel");
  NORM("  \tGebiet\t ", "gebiet");
  NORM("Ein\u00ADwoh\u00ADner", "einwohner");
}

static void test_separators(void **state) {
  (void)state;
  NORM("Kachel Zeile", "kachel_zeile");
  NORM("Kachel-Zeile", "kachel_zeile");
  NORM("Kachel_Zeile", "kachel_zeile");
  NORM("Kachel  -  Zeile", "kachel_zeile"); /* runs collapse */
  NORM("Kachel\u00A0Zeile", "kachel_zeile"); /* no-break space */
  NORM("_tile_row_", "tile_row");
  NORM("Übergeordnetes Gebiet", "uebergeordnetes_gebiet");
}

static void test_bom(void **state) {
  (void)state;
  NORM("\xEF\xBB\xBFGebiet", "gebiet");
  NORM("\xEF\xBB\xBF Kennzahl", "kennzahl");
  /* a BOM only counts at the start */
  char out[64];
  ampel_header_normalize("a\xEF\xBB\xBF", 4, out, sizeof out);
  assert_int_equal(strncmp(out, "a", 1), 0);
  assert_int_not_equal(strlen(out), 1);
}

static void test_length_and_truncation(void **state) {
  (void)state;
  /* only len bytes are read */
  expect_norm("GebietXYZ", 6, "gebiet");
  expect_norm("", 0, "");
  char out[5];
  ampel_header_normalize("Schlüssel", strlen("Schlüssel"), out, sizeof out);
  assert_string_equal(out, "schl");
  char one[1] = {'#'};
  ampel_header_normalize("abc", 3, one, 1);
  assert_int_equal(one[0], '\0');
  char untouched = '#';
  ampel_header_normalize("abc", 3, &untouched, 0);
  assert_int_equal(untouched, '#');
}

/* Every documented German and English name maps to its field. */
static void test_documented_names(void **state) {
  (void)state;
  static const struct {
    const char *header;
    int field;
  } cases[] = {
      {"Schlüssel", F_KEY},          {"key", F_KEY},
      {"Name", F_NAME},              {"Bezeichnung", F_NAME},
      {"Übergeordnet", F_PARENT},    {"parent", F_PARENT},
      {"Ebene", F_LEVEL},            {"Level", F_LEVEL},
      {"Einwohner", F_POPULATION},   {"population", F_POPULATION},
      {"Kachel Zeile", F_TILE_ROW},  {"tile_row", F_TILE_ROW},
      {"Kachel-Spalte", F_TILE_COL}, {"tile col", F_TILE_COL},
      {"Breite", F_LAT},             {"lat", F_LAT},
      {"Länge", F_LON},              {"LON", F_LON},
      {"Einheit", F_UNIT},           {"Richtung", F_POLARITY},
      {"Handlungsfeld", F_DOMAIN},   {"Definition", F_DEFINITION},
      {"Quelle", F_SOURCE},          {"Stichtag", F_REFDATE},
      {"Nachkommastellen", F_DECIMALS}, {"\xEF\xBB\xBFGebiet", F_AREA},
      {"Kennzahl", F_INDICATOR},     {"Zeitraum", F_PERIOD},
      {"Wert", F_VALUE},             {"Zähler", F_NUMERATOR},
      {"Nenner", F_DENOMINATOR},     {"Kennzeichen", F_FLAG},
      {"reference date", F_REFDATE}, {"Übergeordnetes Gebiet", F_PARENT},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char norm[128];
    ampel_header_normalize(cases[i].header, strlen(cases[i].header), norm,
                           sizeof norm);
    if (ampel_field_lookup(norm) != cases[i].field)
      fail_msg("'%s' (normalised '%s') maps to %d, expected %d",
               cases[i].header, norm, ampel_field_lookup(norm),
               cases[i].field);
  }
  char norm[128];
  ampel_header_normalize("Bemerkung", 9, norm, sizeof norm);
  assert_int_equal(ampel_field_lookup(norm), -1); /* unknown: skipped */
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_umlauts_and_case),
      cmocka_unit_test(test_soft_hyphen_and_blanks),
      cmocka_unit_test(test_separators),
      cmocka_unit_test(test_bom),
      cmocka_unit_test(test_length_and_truncation),
      cmocka_unit_test(test_documented_names),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
