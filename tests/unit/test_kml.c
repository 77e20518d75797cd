/* Unit tests for read/kml.c and for merging several features of one key
 * into one multipolygon (model/geometry.c ampel_shape_append,
 * ampel_geoset_add_part; read/geojson.c).
 *
 * Independent references: hand-counted polygons, rings and points of the
 * fixtures, areas of unit squares (1 each, a 0.5 x 0.5 hole 0.25), and the
 * line:column of the defects as they stand in the literal texts. */
/* clang-format off */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ampel/alloc.h"
#include "ampel/geo.h"
/* clang-format on */

static ampel_geoset *read_kml(const char *text, const char *key,
                              const char *name, ampel_diags *d,
                              ampel_status *out) {
  ampel_geo_read_opts o = {key, name};
  ampel_geoset *g = NULL;
  *out = ampel_kml_read(text, strlen(text), "t.kml", &o, &g, d);
  return g;
}

static int has_diag(const ampel_diags *d, const char *part, long line,
                    long col) {
  for (size_t i = 0; i < d->n; i++)
    if (strstr(d->items[i].message, part) && d->items[i].line == line &&
        (col < 0 || d->items[i].column == col))
      return 1;
  return 0;
}

static const char *good_kml =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<kml xmlns=\"http://www.opengis.net/kml/2.2\"><Document>\n"
    "<name>Stadt</name>\n"
    "<Placemark><name>Nord</name>\n"
    "<ExtendedData><SchemaData><SimpleData name=\"id\"> A </SimpleData>"
    "</SchemaData></ExtendedData>\n"
    "<MultiGeometry><Point><coordinates>0.5,0.5</coordinates></Point>\n"
    "<Polygon><outerBoundaryIs><LinearRing><coordinates>\n"
    "  0,0,0 1,0,0 1,1,0 0,1,0 0,0,0\n"
    "</coordinates></LinearRing></outerBoundaryIs></Polygon>\n"
    "<Polygon><outerBoundaryIs><LinearRing><coordinates>"
    "3,0 4,0 4,1 3,1 3,0"
    "</coordinates></LinearRing></outerBoundaryIs></Polygon>\n"
    "</MultiGeometry></Placemark>\n"
    "<Folder><Placemark>\n"
    "<ExtendedData><Data name=\"id\"><value>B</value></Data></ExtendedData>\n"
    "<name>Süd</name>\n"
    "<Polygon><outerBoundaryIs><LinearRing><coordinates>"
    "0,-1 1,-1 1,0 0,0 0,-1</coordinates></LinearRing></outerBoundaryIs>\n"
    "<innerBoundaryIs><LinearRing><coordinates>"
    "0.25,-0.75 0.75,-0.75 0.75,-0.25 0.25,-0.25 0.25,-0.75"
    "</coordinates></LinearRing></innerBoundaryIs></Polygon>\n"
    "</Placemark></Folder>\n"
    "</Document></kml>\n";

static void test_kml_read(void **state) {
  (void)state;
  ampel_diags d;
  ampel_diags_init(&d, 0);
  ampel_status st;
  ampel_geoset *g = read_kml(good_kml, "id", "name", &d, &st);
  assert_int_equal(st, AMPEL_OK);
  assert_non_null(g);
  assert_int_equal(ampel_geoset_n(g), 2);
  assert_int_equal(ampel_geoset_epsg(g), 4326);
  long a = ampel_geoset_find(g, "A"), b = ampel_geoset_find(g, "B");
  assert_true(a >= 0 && b >= 0);
  const ampel_shape *sa = ampel_geoset_shape_c(g, (size_t)a);
  const ampel_shape *sb = ampel_geoset_shape_c(g, (size_t)b);
  assert_int_equal(sa->n_polys, 2); /* the Point is skipped */
  assert_int_equal(sa->n_rings, 2);
  assert_int_equal(sa->n_points, 10);
  assert_true(fabs(ampel_shape_area(sa) - 2.0) < 1e-12);
  assert_true(fabs(sa->bbox[2] - 4.0) < 1e-12);
  assert_int_equal(sb->n_polys, 1);
  assert_int_equal(sb->n_rings, 2); /* outer ring and hole */
  assert_true(fabs(ampel_shape_area(sb) - 0.75) < 1e-12);
  assert_string_equal(ampel_geoset_name(g, (size_t)a), "Nord");
  assert_string_equal(ampel_geoset_name(g, (size_t)b), "Süd");
  assert_int_equal(ampel_geoset_line(g, (size_t)a), 4);
  ampel_geoset_free(g);

  /* default key: the Placemark name */
  g = read_kml(good_kml, NULL, NULL, &d, &st);
  assert_int_equal(st, AMPEL_OK);
  assert_true(ampel_geoset_find(g, "Nord") >= 0);
  assert_true(ampel_geoset_find(g, "Süd") >= 0);
  ampel_geoset_free(g);
  assert_int_equal(d.n, 0);
  ampel_diags_release(&d);
}

static void test_kml_errors(void **state) {
  (void)state;
  static const struct {
    const char *text, *msg;
    long line, col;
  } cases[] = {
      {"<kml><Placemark><name>A</name>\n<Polygon><outerBoundaryIs>"
       "<LinearRing><coordinates>0,0 1,0 1,x 0,0</coordinates>"
       "</LinearRing></outerBoundaryIs></Polygon></Placemark></kml>",
       "'1,x' ist kein Punkt", 2, 60},
      {"<kml><Placemark><name>A</name>\n<Polygon><outerBoundaryIs>"
       "<LinearRing><coordinates>0,0 1,0 0,0</coordinates>"
       "</LinearRing></outerBoundaryIs></Polygon></Placemark></kml>",
       "weniger als 4", 2, 52},
      {"<kml><Placemark><name>A</name>\n<Polygon><outerBoundaryIs>"
       "<LinearRing><coordinates>0,0 1,0 1,1 0,1</coordinates>"
       "</LinearRing></outerBoundaryIs></Polygon></Placemark></kml>",
       "nicht geschlossen", 2, 52},
      {"<kml><Placemark><name>A</name>\n<Polygon></Placemark></kml>",
       "kein gültiges XML: schließendes Tag passt nicht", 2, 12},
      {"<kml><Placemark>\n<Polygon><outerBoundaryIs>"
       "<LinearRing><coordinates>0,0 1,0 1,1 0,0</coordinates>"
       "</LinearRing></outerBoundaryIs></Polygon></Placemark></kml>",
       "hat keine Eigenschaft 'name'", 1, 6},
      {"<kml><Placemark><name>A</name>\n<Point><coordinates>0,0"
       "</coordinates></Point></Placemark></kml>",
       "keine Fläche", 1, 6},
      {"<!DOCTYPE kml [<!ENTITY e \"x\">]>\n<kml/>", "DOCTYPE", 1, -1},
      {"<kml><Placemark><name></name><Polygon><outerBoundaryIs>"
       "<LinearRing><coordinates>0,0 1,0 1,1 0,0</coordinates>"
       "</LinearRing></outerBoundaryIs></Polygon></Placemark></kml>",
       "hat keine Eigenschaft 'name'", 1, 6}, /* found by fuzz_kml */
      {"<kml/>", "keine Flächen", 1, 1},
      {"", "kein gültiges XML", 1, -1},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    ampel_diags d;
    ampel_diags_init(&d, 0);
    ampel_status st;
    ampel_geoset *g = read_kml(cases[i].text, NULL, NULL, &d, &st);
    if (!has_diag(&d, cases[i].msg, cases[i].line, cases[i].col))
      fail_msg("case %zu: '%s' at %ld:%ld not found (first: %ld:%ld %s)", i,
               cases[i].msg, cases[i].line, cases[i].col,
               d.n ? d.items[0].line : 0, d.n ? d.items[0].column : 0,
               d.n ? d.items[0].message : "none");
    assert_null(g);
    assert_int_equal(st, AMPEL_E_DATA);
    ampel_diags_release(&d);
  }
}

static void test_kml_merge_same_key(void **state) {
  (void)state;
  const char *t =
      "<kml><Document>\n"
      "<Placemark><name>X</name><Polygon><outerBoundaryIs><LinearRing>"
      "<coordinates>0,0 1,0 1,1 0,1 0,0</coordinates></LinearRing>"
      "</outerBoundaryIs></Polygon></Placemark>\n"
      "<Placemark><name>X</name><Polygon><outerBoundaryIs><LinearRing>"
      "<coordinates>5,5 6,5 6,6 5,6 5,5</coordinates></LinearRing>"
      "</outerBoundaryIs></Polygon></Placemark>\n"
      "</Document></kml>";
  ampel_diags d;
  ampel_diags_init(&d, 0);
  ampel_status st;
  ampel_geoset *g = read_kml(t, "name", NULL, &d, &st);
  assert_int_equal(st, AMPEL_OK);
  assert_int_equal(ampel_geoset_n(g), 1);
  assert_int_equal(ampel_geoset_parts(g, 0), 2);
  const ampel_shape *s = ampel_geoset_shape_c(g, 0);
  assert_int_equal(s->n_polys, 2);
  assert_true(s->bbox[0] == 0 && s->bbox[1] == 0 && s->bbox[2] == 6 &&
              s->bbox[3] == 6);
  ampel_geoset_free(g);
  ampel_diags_release(&d);
}

static void test_geojson_merge_same_key(void **state) {
  (void)state;
  const char *t =
      "{\"type\":\"FeatureCollection\",\"features\":[\n"
      "{\"type\":\"Feature\",\"properties\":{\"k\":\"A\",\"n\":\"Nord\"},"
      "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":"
      "[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}},\n"
      "{\"type\":\"Feature\",\"properties\":{\"k\":\"B\"},"
      "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":"
      "[[[0,-1],[1,-1],[1,0],[0,0],[0,-1]]]}},\n"
      "{\"type\":\"Feature\",\"properties\":{\"k\":\"A\",\"n\":\"Insel\"},"
      "\"geometry\":{\"type\":\"MultiPolygon\",\"coordinates\":"
      "[[[[3,0],[4,0],[4,1],[3,1],[3,0]],"
      "[[3.25,0.25],[3.75,0.25],[3.75,0.75],[3.25,0.75],[3.25,0.25]]],"
      "[[[5,0],[6,0],[6,1],[5,1],[5,0]]]]}}\n"
      "]}";
  ampel_diags d;
  ampel_diags_init(&d, 0);
  ampel_geo_read_opts o = {"k", "n"};
  ampel_geoset *g = NULL;
  ampel_status st = ampel_geojson_read(t, strlen(t), "t.geojson", &o, &g, &d);
  assert_int_equal(st, AMPEL_OK);
  assert_int_equal(ampel_geoset_n(g), 2);
  long a = ampel_geoset_find(g, "A");
  assert_true(a >= 0);
  assert_int_equal(ampel_geoset_parts(g, (size_t)a), 2);
  assert_int_equal(ampel_geoset_parts(g, (size_t)ampel_geoset_find(g, "B")), 1);
  const ampel_shape *s = ampel_geoset_shape_c(g, (size_t)a);
  assert_int_equal(s->n_polys, 3);
  assert_int_equal(s->n_rings, 4);
  assert_int_equal(s->n_points, 20);
  /* polygon 1 owns rings 1 and 2 (outer + hole), polygon 2 ring 3 */
  assert_int_equal(s->poly_ring[1], 1);
  assert_int_equal(s->poly_ring[2], 3);
  assert_int_equal(s->poly_ring[3], 4);
  assert_int_equal(s->ring_pt[4], 20);
  assert_true(fabs(ampel_shape_area(s) - 2.75) < 1e-12);
  assert_true(s->bbox[2] == 6.0 && isnan(s->label_x));
  assert_string_equal(ampel_geoset_name(g, (size_t)a), "Nord");
  /* the differing name is a warning naming both lines */
  assert_int_equal(d.n_errors, 0);
  assert_true(has_diag(&d, "heißt 'Insel', das Merkmal in Zeile 2", 4, -1));
  /* merged shapes survive the blob */
  unsigned char *blob = NULL;
  size_t len = 0;
  assert_int_equal(ampel_shape_encode(s, &blob, &len), AMPEL_OK);
  ampel_shape back;
  assert_int_equal(ampel_shape_decode(blob, len, &back), AMPEL_OK);
  assert_int_equal(back.n_polys, 3);
  assert_int_equal(back.n_rings, 4);
  ampel_shape_release(&back);
  ampel_free(blob);
  ampel_geoset_free(g);
  ampel_diags_release(&d);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_kml_read),
      cmocka_unit_test(test_kml_errors),
      cmocka_unit_test(test_kml_merge_same_key),
      cmocka_unit_test(test_geojson_merge_same_key),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
