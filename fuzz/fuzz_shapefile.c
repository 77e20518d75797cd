/* libFuzzer target for the Shapefile reader (read/shapefile.c,
 * read/shp_check.c) and shapelib below it, on memory (no files).
 *
 * The input holds the .shp, .shx, .dbf, .prj and .cpg in this order, each
 * as a 4-byte little-endian length (0xFFFFFFFF: the part is absent) and
 * that many bytes; an input that ends early leaves the remaining parts
 * absent, a length beyond the end is cut to what is there. Seeds:
 * fuzz/make_shapefile_seeds.py → fuzz/corpus/shapefile/.
 *
 * Invariants checked: an error always comes with a message and no set; a
 * set's rings are closed with >= 4 points and finite coordinates, and
 * every shape survives encode/decode unchanged.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ampel/alloc.h"
#include "ampel/geo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_shape(const ampel_shape *s) {
  for (size_t i = 0; i < 2 * s->n_points; i++)
    if (!isfinite(s->xy[i]))
      abort();
  for (size_t r = 0; r < s->n_rings; r++) {
    size_t a = s->ring_pt[r], b = s->ring_pt[r + 1];
    if (b - a < 4 || s->xy[2 * a] != s->xy[2 * (b - 1)] ||
        s->xy[2 * a + 1] != s->xy[2 * (b - 1) + 1])
      abort();
  }
  unsigned char *blob = NULL;
  size_t len = 0;
  if (ampel_shape_encode(s, &blob, &len) != AMPEL_OK)
    return;
  ampel_shape back;
  if (ampel_shape_decode(blob, len, &back) != AMPEL_OK ||
      back.n_points != s->n_points ||
      memcmp(back.xy, s->xy, 2 * s->n_points * sizeof(double)) != 0)
    abort();
  ampel_shape_release(&back);
  ampel_free(blob);
}

/* Splits the container into m (pointers into data). */
static void unpack(const uint8_t *data, size_t size, ampel_shapefile_mem *m) {
  static const char *const names[] = {"fuzz.shp", "fuzz.shx", "fuzz.dbf",
                                      "fuzz.prj", "fuzz.cpg"};
  memset(m, 0, sizeof *m);
  size_t at = 0;
  for (int k = 0; k < AMPEL_SHP_N_PARTS; k++) {
    m->name[k] = names[k];
    if (size - at < 4)
      break;
    uint32_t n = (uint32_t)data[at] | (uint32_t)data[at + 1] << 8 |
                 (uint32_t)data[at + 2] << 16 | (uint32_t)data[at + 3] << 24;
    at += 4;
    if (n == 0xFFFFFFFFu)
      continue;
    if (n > size - at)
      n = (uint32_t)(size - at);
    m->data[k] = (const char *)data + at;
    m->len[k] = n;
    at += n;
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  ampel_shapefile_mem m;
  unpack(data, size, &m);
  ampel_diags d;
  ampel_diags_init(&d, 20);
  ampel_geo_read_opts o = {"id", "name"};
  ampel_geoset *g = NULL;
  ampel_status st = ampel_shapefile_read_mem(&m, &o, &g, &d);
  if (st != AMPEL_OK && (g != NULL || (d.n_errors == 0 && st != AMPEL_E_NOMEM)))
    abort();
  if (st == AMPEL_OK) {
    if (!g)
      abort();
    for (size_t i = 0; i < ampel_geoset_n(g); i++)
      check_shape(ampel_geoset_shape_c(g, i));
    if (ampel_geoset_n(g) < 200) {
      (void)ampel_geo_validate(g, "fuzz.shp", &d);
      (void)ampel_geo_neighbours(g);
    }
  }
  ampel_geoset_free(g);
  ampel_diags_release(&d);
  return 0;
}
