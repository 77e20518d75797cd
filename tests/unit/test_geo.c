/* Unit tests for the geometry modules: model/geometry.c (shapes, blob),
 * read/geojson.c, read/shapefile.c, compute/geo_project.c,
 * compute/geo_valid.c, store geometry and import/geo_import.c.
 *
 * Independent references: hand-computed areas and neighbours of unit
 * squares; the Köln .prj is UTM 32N with a false easting of 2,500,000
 * instead of 500,000, so after projection to EPSG:25832 every x must be the
 * raw x minus exactly 2,000,000; the Köln Stadtbezirke come both as a Shapefile (projected)
 * and as a GeoJSON (WGS84) and must land on the same places. */
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

#include "ampel/alloc.h"
#include "ampel/geo.h"
#include "ampel/store.h"

/* ---- helpers ------------------------------------------------------------ */

static ampel_geoset *read_json(const char *text, const char *key,
                               ampel_diags *d, ampel_status *out) {
  ampel_geo_read_opts o = {key, "name"};
  ampel_geoset *g = NULL;
  *out = ampel_geojson_read(text, strlen(text), "t.geojson", &o, &g, d);
  return g;
}

/* n x n unit squares as GeoJSON features keyed "r<row>c<col>". */
static char *grid_json(int n, double x0, double y0) {
  size_t cap = 400 * (size_t)(n * n) + 200;
  char *s = malloc(cap);
  size_t len = (size_t)snprintf(s, cap, "{\"type\":\"FeatureCollection\","
                                        "\"features\":[\n");
  for (int r = 0; r < n; r++)
    for (int c = 0; c < n; c++) {
      double x = x0 + c, y = y0 + r;
      len += (size_t)snprintf(
          s + len, cap - len,
          "%s{\"type\":\"Feature\",\"properties\":{\"key\":\"r%dc%d\","
          "\"name\":\"Feld %d/%d\"},\"geometry\":{\"type\":\"Polygon\","
          "\"coordinates\":[[[%g,%g],[%g,%g],[%g,%g],[%g,%g],[%g,%g]]]}}\n",
          r || c ? "," : "", r, c, r, c, x, y, x + 1, y, x + 1, y + 1, x,
          y + 1, x, y);
    }
  snprintf(s + len, cap - len, "]}\n");
  return s;
}

static const char *shared_dir(void) {
  static char path[4096];
  const char *src = getenv("AMPEL_SOURCE_DIR");
  if (!src)
    return NULL;
  snprintf(path, sizeof path, "%s/../shared/data", src);
  return access(path, R_OK) == 0 ? path : NULL;
}

static int has_diag(const ampel_diags *d, const char *needle, long line) {
  for (size_t i = 0; i < d->n; i++)
    if (strstr(d->items[i].message, needle) &&
        (line < 0 || d->items[i].line == line))
      return 1;
  return 0;
}

/* ---- shapes ------------------------------------------------------------- */

static void test_blob_roundtrip(void **state) {
  (void)state;
  ampel_diags d;
  ampel_diags_init(&d, 0);
  ampel_status st;
  char *text = grid_json(1, 10, 20);
  ampel_geoset *g = read_json(text, "key", &d, &st);
  assert_int_equal(st, AMPEL_OK);
  const ampel_shape *s = ampel_geoset_shape_c(g, 0);
  assert_true(fabs(ampel_shape_area(s) - 1.0) < 1e-12);
  unsigned char *blob;
  size_t len;
  assert_int_equal(ampel_shape_encode(s, &blob, &len), AMPEL_OK);
  ampel_shape back;
  assert_int_equal(ampel_shape_decode(blob, len, &back), AMPEL_OK);
  assert_int_equal(back.n_points, 5);
  assert_memory_equal(back.xy, s->xy, 10 * sizeof(double));
  ampel_shape_release(&back);
  /* a blob one byte short is refused */
  assert_int_equal(ampel_shape_decode(blob, len - 1, &back), AMPEL_E_DATA);
  ampel_free(blob);
  ampel_geoset_free(g);
  free(text);
  ampel_diags_release(&d);
}

/* ---- GeoJSON errors --------------------------------------------------- */

static void test_geojson_broken(void **state) {
  (void)state;
  ampel_diags d;
  ampel_diags_init(&d, 0);
  ampel_status st;
  ampel_geoset *g =
      read_json("{\"type\":\"FeatureCollection\",\n\"features\":[\n  {\"a\" 1}]}",
                "key", &d, &st);
  assert_null(g);
  assert_int_equal(st, AMPEL_E_DATA);
  assert_int_equal(d.items[0].line, 3);
  assert_true(d.items[0].column > 0);
  assert_non_null(strstr(d.items[0].message, "kein gültiges JSON"));
  ampel_diags_release(&d);
}

static void test_geojson_ring_not_closed(void **state) {
  (void)state;
  ampel_diags d;
  ampel_diags_init(&d, 0);
  ampel_status st;
  const char *t =
      "{\"type\":\"FeatureCollection\",\"features\":[\n"
      "{\"type\":\"Feature\",\"properties\":{\"key\":\"A\"},\"geometry\":{"
      "\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],[0,0]]]}},\n"
      "{\"type\":\"Feature\",\"properties\":{\"key\":\"B\"},\"geometry\":{"
      "\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],[0,1]]]}}\n"
      "]}";
  ampel_geoset *g = read_json(t, "key", &d, &st);
  assert_null(g);
  assert_true(has_diag(&d, "Gebiet 'B': Ring 1 ist nicht geschlossen", 3));
  ampel_diags_release(&d);
}

static void test_geojson_depth_cap(void **state) {
  (void)state;
  char deep[400];
  memset(deep, '[', 200);
  memset(deep + 200, ']', 199);
  deep[399] = '\0';
  ampel_diags d;
  ampel_diags_init(&d, 0);
  ampel_status st;
  ampel_geoset *g = read_json(deep, "key", &d, &st);
  assert_null(g);
  assert_int_equal(st, AMPEL_E_TOO_LARGE);
  assert_int_equal(d.items[0].column, AMPEL_GEO_MAX_DEPTH + 1);
  ampel_diags_release(&d);
}

static void test_geojson_missing_key(void **state) {
  (void)state;
  ampel_diags d;
  ampel_diags_init(&d, 0);
  ampel_status st;
  char *text = grid_json(2, 0, 0);
  ampel_geoset *g = read_json(text, "AGS", &d, &st);
  assert_null(g);
  assert_true(has_diag(&d, "keine Eigenschaft 'AGS' (vorhanden: key, name)",
                       2));
  free(text);
  ampel_diags_release(&d);
}

/* ---- projection ---------------------------------------------------------- */

static void test_refuse_metres_as_degrees(void **state) {
  (void)state;
  ampel_diags d;
  ampel_diags_init(&d, 0);
  ampel_status st;
  char *text = grid_json(1, 356000, 5645000); /* metres, no crs member */
  ampel_geoset *g = read_json(text, "key", &d, &st);
  assert_int_equal(st, AMPEL_OK);
  assert_int_equal(ampel_geo_project(g, NULL, "t.geojson", &d), AMPEL_E_DATA);
  assert_true(has_diag(&d, "--crs EPSG:N", -1));
  /* with the right CRS the same file is fine and stays in zone 32 */
  assert_int_equal(ampel_geo_project(g, "EPSG:25832", "t.geojson", &d),
                   AMPEL_OK);
  assert_int_equal(ampel_geoset_epsg(g), 25832);
  assert_true(fabs(ampel_geoset_shape_c(g, 0)->xy[0] - 356000) < 1e-6);
  ampel_geoset_free(g);
  free(text);
  ampel_diags_release(&d);
}

/* EPSG:31467 (Gauss-Krüger 3) and 3857 (web Mercator) must be readable;
 * the result must be the UTM zone of the data, and a 1 km square must stay
 * about 1 km^2 (GK3 is conformal, scale within 0.1 %). */
static void test_project_crs_list(void **state) {
  (void)state;
  static const struct {
    const char *crs;
    double x, y, size;
    int zone_epsg;
  } cases[] = {
      {"EPSG:31467", 3356000, 5645000, 1000, 25832},
      {"EPSG:4326", 13.4, 52.5, 0.01, 25833},
      {"EPSG:25833", 390000, 5820000, 1000, 25833},
      {"EPSG:3857", 774000, 6610000, 1000, 25832},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    ampel_diags d;
    ampel_diags_init(&d, 0);
    ampel_shape_builder b;
    ampel_shape_builder_init(&b);
    double x = cases[i].x, y = cases[i].y, s = cases[i].size;
    assert_int_equal(ampel_shape_builder_poly(&b), AMPEL_OK);
    assert_int_equal(ampel_shape_builder_ring(&b), AMPEL_OK);
    double pts[] = {x, y, x + s, y, x + s, y + s, x, y + s, x, y};
    for (int k = 0; k < 5; k++)
      assert_int_equal(ampel_shape_builder_point(&b, pts[2 * k], pts[2 * k + 1]),
                       AMPEL_OK);
    ampel_shape sh;
    ampel_shape_builder_finish(&b, &sh);
    ampel_geoset *g = ampel_geoset_new();
    assert_int_equal(ampel_geoset_put(g, "A", NULL, 1, &sh), AMPEL_OK);
    assert_int_equal(ampel_geoset_set_crs(g, 0, cases[i].crs), AMPEL_OK);
    assert_int_equal(ampel_geo_project(g, NULL, "x", &d), AMPEL_OK);
    assert_int_equal(ampel_geoset_epsg(g), cases[i].zone_epsg);
    double area = ampel_shape_area(ampel_geoset_shape_c(g, 0));
    if (strcmp(cases[i].crs, "EPSG:31467") == 0 ||
        strcmp(cases[i].crs, "EPSG:25833") == 0)
      assert_true(fabs(area - 1e6) < 2e3);
    else
      assert_true(area > 1e5); /* metres now, not degrees */
    ampel_geoset_free(g);
    ampel_diags_release(&d);
  }
}

/* ---- validity and neighbours ---------------------------------------------- */

static void test_neighbours_grid(void **state) {
  (void)state;
  ampel_diags d;
  ampel_diags_init(&d, 0);
  ampel_status st;
  char *text = grid_json(3, 0, 0);
  ampel_geoset *g = read_json(text, "key", &d, &st);
  assert_int_equal(st, AMPEL_OK);
  assert_int_equal(ampel_geo_validate(g, "t", &d), AMPEL_OK);
  assert_int_equal(ampel_geo_neighbours(g), AMPEL_OK);
  /* 3x3 grid: 12 shared edges; corner contacts do not count */
  assert_int_equal(ampel_geoset_n_neighbours(g), 12);
  for (size_t k = 0; k < ampel_geoset_n_neighbours(g); k++) {
    size_t a, b;
    ampel_geoset_neighbour(g, k, &a, &b);
    const char *ka = ampel_geoset_key(g, a), *kb = ampel_geoset_key(g, b);
    int dr = abs(ka[1] - kb[1]), dc = abs(ka[3] - kb[3]);
    assert_int_equal(dr + dc, 1);
  }
  const ampel_shape *s = ampel_geoset_shape_c(g, 4); /* centre square */
  assert_true(s->label_x > 1 && s->label_x < 2 && s->label_y > 1 &&
              s->label_y < 2);
  ampel_geoset_free(g);
  free(text);
  ampel_diags_release(&d);
}

static void test_invalid_bowtie(void **state) {
  (void)state;
  ampel_diags d;
  ampel_diags_init(&d, 0);
  ampel_status st;
  const char *t =
      "{\"type\":\"Feature\",\"properties\":{\"key\":\"X\",\"name\":\"Schleife"
      "\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":"
      "[[[0,0],[2,2],[2,0],[0,2],[0,0]]]}}";
  ampel_geoset *g = read_json(t, "key", &d, &st);
  assert_int_equal(st, AMPEL_OK);
  assert_int_equal(ampel_geo_validate(g, "t", &d), AMPEL_E_DATA);
  assert_true(has_diag(&d, "Gebiet 'Schleife': ungültige Fläche", 1));
  ampel_geoset_free(g);
  ampel_diags_release(&d);
}

/* ---- Shapefile: encodings and missing parts ----------------------------- */

static void write_shapefile(const char *stem, const char *ldid) {
  char p[512];
  snprintf(p, sizeof p, "%s.shp", stem);
  SHPHandle h = SHPCreate(p, SHPT_POLYGON);
  snprintf(p, sizeof p, "%s.dbf", stem);
  DBFHandle f = DBFCreateEx(p, ldid);
  assert_non_null(h);
  assert_non_null(f);
  DBFAddField(f, "KEY", FTString, 10, 0);
  DBFAddField(f, "NAME", FTString, 40, 0);
  for (int i = 0; i < 2; i++) {
    /* clockwise outer ring of a unit square at x = 356000 + i km */
    double x0 = 356000 + 1000 * i, y0 = 5645000;
    double xs[] = {x0, x0, x0 + 1000, x0 + 1000, x0};
    double ys[] = {y0, y0 + 1000, y0 + 1000, y0, y0};
    SHPObject *o = SHPCreateSimpleObject(SHPT_POLYGON, 5, xs, ys, NULL);
    SHPWriteObject(h, -1, o);
    SHPDestroyObject(o);
    DBFWriteStringAttribute(f, i, 0, i ? "B" : "A");
    DBFWriteStringAttribute(f, i, 1, i ? "Dellbr\xfc" "ck" : "Sta\xdf" "e");
  }
  SHPClose(h);
  DBFClose(f);
}

static void test_shapefile_cp1252_and_missing(void **state) {
  (void)state;
  char stem[] = "/tmp/ampel_test_geo_XXXXXX";
  int fd = mkstemp(stem);
  assert_true(fd >= 0);
  close(fd);
  unlink(stem);
  write_shapefile(stem, "LDID/87");
  char shp[600], side[600];
  snprintf(shp, sizeof shp, "%s.shp", stem);
  ampel_diags d;
  ampel_diags_init(&d, 0);
  ampel_geo_read_opts o = {"KEY", "NAME"};
  ampel_geoset *g = NULL;
  assert_int_equal(ampel_shapefile_read(shp, &o, &g, &d), AMPEL_OK);
  assert_int_equal(ampel_geoset_n(g), 2);
  assert_string_equal(ampel_geoset_name(g, 1), "Dellbr\xc3\xbc" "ck");
  assert_string_equal(ampel_geoset_name(g, 0), "Sta\xc3\x9f" "e");
  /* no .prj: refused with a hint to --crs */
  assert_int_equal(ampel_geo_project(g, NULL, shp, &d), AMPEL_E_DATA);
  assert_true(has_diag(&d, "keine .prj-Datei", -1));
  assert_int_equal(ampel_geo_project(g, "EPSG:25832", shp, &d), AMPEL_OK);
  assert_int_equal(ampel_geo_neighbours(g), AMPEL_OK);
  assert_int_equal(ampel_geoset_n_neighbours(g), 1);
  ampel_geoset_free(g);
  /* wrong key field: the message lists the fields */
  ampel_geo_read_opts bad = {"STT_NR", NULL};
  g = NULL;
  assert_int_equal(ampel_shapefile_read(shp, &bad, &g, &d), AMPEL_E_DATA);
  assert_true(has_diag(&d, "kein Feld 'STT_NR' (vorhanden: KEY, NAME)", 1));
  /* missing .shx */
  snprintf(side, sizeof side, "%s.shx", stem);
  unlink(side);
  assert_int_equal(ampel_shapefile_read(shp, &o, &g, &d), AMPEL_E_DATA);
  assert_true(has_diag(&d, ".shx' (eine Shapefile besteht", -1));
  unlink(shp);
  snprintf(side, sizeof side, "%s.dbf", stem);
  unlink(side);
  ampel_diags_release(&d);
}

/* ---- import into a store: atomic, matched by key or name ------------------ */

static ampel_store *store_with_areas(const char *path) {
  ampel_diags d;
  ampel_diags_init(&d, 0);
  ampel_status st;
  unlink(path);
  ampel_store *s = ampel_store_open(path, AMPEL_STORE_CREATE, &d, &st);
  assert_non_null(s);
  assert_int_equal(ampel_store_begin(s), AMPEL_OK);
  for (int r = 0; r < 2; r++)
    for (int c = 0; c < 2; c++) {
      char key[16], name[32];
      snprintf(key, sizeof key, "r%dc%d", r, c);
      snprintf(name, sizeof name, "Feld %d/%d", r, c);
      ampel_area a = {key, name, NULL, "Feld", NAN, AMPEL_NO_TILE,
                      AMPEL_NO_TILE, NAN, NAN};
      assert_int_equal(ampel_store_put_area(s, &a), AMPEL_OK);
    }
  assert_int_equal(ampel_store_commit(s), AMPEL_OK);
  ampel_diags_release(&d);
  return s;
}

static void test_import_store_roundtrip(void **state) {
  (void)state;
  const char *db = "/tmp/ampel_test_geo_import.db";
  const char *js = "/tmp/ampel_test_geo_import.geojson";
  ampel_store *s = store_with_areas(db);
  FILE *f = fopen(js, "w");
  char *text = grid_json(2, 7.0, 51.0); /* degrees: 2 x 2 cells */
  fputs(text, f);
  fclose(f);
  free(text);
  ampel_diags d;
  ampel_diags_init(&d, 0);
  ampel_geo_import_opts o = {"key", NULL, "Feld", NULL, 0, 0, NULL};
  ampel_geo_import_summary sum;
  assert_int_equal(ampel_import_geometry(s, js, &o, &sum, &d), AMPEL_OK);
  assert_int_equal(sum.n_matched, 4);
  assert_int_equal(sum.n_neighbours, 4);
  assert_int_equal(sum.epsg, 25832);
  ampel_geoset *g = NULL;
  assert_int_equal(ampel_store_load_geometry(s, &g, &d), AMPEL_OK);
  assert_int_equal(ampel_geoset_n(g), 4);
  assert_int_equal(ampel_geoset_n_neighbours(g), 4);
  assert_int_equal(ampel_geoset_epsg(g), 25832);
  assert_true(isfinite(ampel_geoset_shape_c(g, 0)->label_x));
  double bx = ampel_geoset_shape_c(g, 0)->bbox[0];
  ampel_geoset_free(g);
  /* a feature without an area: nothing is written */
  f = fopen(js, "w");
  fputs("{\"type\":\"FeatureCollection\",\"features\":[\n"
        "{\"type\":\"Feature\",\"properties\":{\"key\":\"r0c0\"},\"geometry\":"
        "{\"type\":\"Polygon\",\"coordinates\":[[[8,52],[8.1,52],[8.1,52.1],"
        "[8,52]]]}},\n"
        "{\"type\":\"Feature\",\"properties\":{\"key\":\"zz\"},\"geometry\":"
        "{\"type\":\"Polygon\",\"coordinates\":[[[8,52],[8.1,52],[8.1,52.1],"
        "[8,52]]]}}]}\n",
        f);
  fclose(f);
  ampel_diags_release(&d);
  ampel_diags_init(&d, 0);
  assert_int_equal(ampel_import_geometry(s, js, &o, &sum, &d), AMPEL_E_DATA);
  assert_true(has_diag(&d, "Merkmal 'zz' passt zu keinem Gebiet der Ebene Feld",
                       3));
  assert_int_equal(ampel_store_load_geometry(s, &g, &d), AMPEL_OK);
  assert_int_equal(ampel_geoset_n(g), 4);
  assert_true(ampel_geoset_shape_c(g, 0)->bbox[0] == bx); /* unchanged */
  ampel_geoset_free(g);
  ampel_store_close(s);
  unlink(js);
  unlink(db);
  ampel_diags_release(&d);
}

/* ---- real data ------------------------------------------------------------ */

static ampel_geoset *read_real(const char *rel, const char *key,
                               const char *name) {
  char path[8300];
  snprintf(path, sizeof path, "%s/%s", shared_dir(), rel);
  ampel_diags d;
  ampel_diags_init(&d, 0);
  ampel_geo_read_opts o = {key, name};
  ampel_geoset *g = NULL;
  ampel_status st;
  if (strstr(rel, ".shp")) {
    st = ampel_shapefile_read(path, &o, &g, &d);
  } else {
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    st = ampel_geojson_read(buf, (size_t)n, path, &o, &g, &d);
    free(buf);
  }
  assert_int_equal(st, AMPEL_OK);
  ampel_diags_release(&d);
  return g;
}

static void test_koeln_false_easting(void **state) {
  (void)state;
  if (!shared_dir())
    skip();
  ampel_geoset *raw = read_real("koeln-stadtteile/Stadtteil.shp", "STT_NR",
                                "STT_NAME");
  ampel_geoset *g = read_real("koeln-stadtteile/Stadtteil.shp", "STT_NR",
                              "STT_NAME");
  assert_int_equal(ampel_geoset_n(g), 86);
  long dell = -1;
  for (size_t i = 0; i < 86; i++)
    if (strcmp(ampel_geoset_name(g, i), "Dellbr\xc3\xbc" "ck") == 0)
      dell = (long)i;
  assert_true(dell >= 0); /* Windows-1252 0xFC became UTF-8 */
  ampel_diags d;
  ampel_diags_init(&d, 0);
  assert_int_equal(ampel_geo_project(g, NULL, "k", &d), AMPEL_OK);
  assert_int_equal(ampel_geoset_epsg(g), 25832);
  double worst = 0;
  for (size_t i = 0; i < 86; i++) {
    const ampel_shape *a = ampel_geoset_shape_c(raw, i),
                      *b = ampel_geoset_shape_c(g, i);
    for (size_t k = 0; k < a->n_points; k++) {
      worst = fmax(worst, fabs(b->xy[2 * k] - (a->xy[2 * k] - 2000000)));
      worst = fmax(worst, fabs(b->xy[2 * k + 1] - a->xy[2 * k + 1]));
    }
  }
  print_message("largest deviation: %g m\n", worst);
  assert_true(worst < 1e-3); /* millimetres */
  ampel_geoset_free(raw);
  ampel_geoset_free(g);
  ampel_diags_release(&d);
}

/* The 9 Stadtbezirke as Shapefile (projected) and as GeoJSON (WGS84) are
 * the same areas: after projection their label points and areas agree. */
static void test_koeln_shp_vs_geojson(void **state) {
  (void)state;
  if (!shared_dir())
    skip();
  ampel_geoset *a = read_real("koeln-stadtteile/Stadtbezirk.shp", "STB_NR",
                              NULL);
  ampel_geoset *b = read_real("koeln-stadtteile/stadtbezirke_wgs84.geojson",
                              "STB_NR", NULL);
  ampel_diags d;
  ampel_diags_init(&d, 0);
  assert_int_equal(ampel_geo_project(a, NULL, "a", &d), AMPEL_OK);
  assert_int_equal(ampel_geo_project(b, NULL, "b", &d), AMPEL_OK);
  assert_int_equal(ampel_geo_validate(a, "a", &d), AMPEL_OK);
  assert_int_equal(ampel_geo_validate(b, "b", &d), AMPEL_OK);
  assert_int_equal(ampel_geoset_n(a), 9);
  assert_int_equal(ampel_geoset_n(b), 9);
  for (size_t i = 0; i < 9; i++) {
    long j = ampel_geoset_find(b, ampel_geoset_key(a, i));
    assert_true(j >= 0);
    double aa = ampel_shape_area(ampel_geoset_shape_c(a, i)),
           ab = ampel_shape_area(ampel_geoset_shape_c(b, (size_t)j));
    assert_true(fabs(aa - ab) / aa < 0.01);
    const double *ba = ampel_geoset_shape_c(a, i)->bbox,
                 *bb = ampel_geoset_shape_c(b, (size_t)j)->bbox;
    for (int k = 0; k < 4; k++)
      assert_true(fabs(ba[k] - bb[k]) < 50); /* metres */
  }
  ampel_geoset_free(a);
  ampel_geoset_free(b);
  ampel_diags_release(&d);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_blob_roundtrip),
      cmocka_unit_test(test_geojson_broken),
      cmocka_unit_test(test_geojson_ring_not_closed),
      cmocka_unit_test(test_geojson_depth_cap),
      cmocka_unit_test(test_geojson_missing_key),
      cmocka_unit_test(test_refuse_metres_as_degrees),
      cmocka_unit_test(test_project_crs_list),
      cmocka_unit_test(test_neighbours_grid),
      cmocka_unit_test(test_invalid_bowtie),
      cmocka_unit_test(test_shapefile_cp1252_and_missing),
      cmocka_unit_test(test_import_store_roundtrip),
      cmocka_unit_test(test_koeln_false_easting),
      cmocka_unit_test(test_koeln_shp_vs_geojson),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
