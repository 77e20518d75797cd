/* libFuzzer target for the KML reader (expat) and what follows it on
 * import: merging Placemarks of one key, blob encoding, validity checks (GEOS)
 * and neighbours.
 *
 * Invariants checked: an error always comes with a message and no set; a
 * set has at least one shape, every ring is closed with >= 4 points, and
 * every shape survives encode/decode unchanged.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ampel/alloc.h"
#include "ampel/geo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_shape(const ampel_shape *s) {
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  ampel_diags d;
  ampel_diags_init(&d, 20);
  ampel_geo_read_opts o = {"id", "name"}; /* SimpleData id, Placemark name */
  ampel_geoset *g = NULL;
  ampel_status st =
      ampel_kml_read((const char *)data, size, "fuzz.kml", &o, &g, &d);
  if (st != AMPEL_OK && (g != NULL || (d.n_errors == 0 && st != AMPEL_E_NOMEM)))
    abort();
  if (st == AMPEL_OK) {
    if (!g || ampel_geoset_n(g) == 0)
      abort();
    for (size_t i = 0; i < ampel_geoset_n(g); i++)
      check_shape(ampel_geoset_shape_c(g, i));
    if (ampel_geoset_n(g) < 200) {
      (void)ampel_geo_validate(g, "fuzz.kml", &d);
      (void)ampel_geo_neighbours(g);
    }
  }
  ampel_geoset_free(g);
  ampel_diags_release(&d);
  return 0;
}
