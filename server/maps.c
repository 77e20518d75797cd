/* maps.c - the best map the data allow, from the map renderer (map.h):
 * a choropleth when areas have geometry, else the tile map, else points
 * (WGS84 positions projected to UTM). */
#include <math.h>
#include <string.h>

#include "ampel/alloc.h"
#include "maps.h"

void srv_map_items(const srv_req *q, const size_t *areas, size_t n,
                   ampel_map_item *items) {
  const ampel_geoset *g = q->snap->geo;
  for (size_t i = 0; i < n; i++) {
    const ampel_area *a = ampel_dataset_area(q->ds, areas[i]);
    ampel_map_item *it = &items[i];
    memset(it, 0, sizeof *it);
    it->key = a->key;
    it->name = a->name && *a->name ? a->name : a->key;
    long gi = g ? ampel_geoset_find(g, a->key) : -1;
    it->shape = gi >= 0 ? ampel_geoset_shape_c(g, (size_t)gi) : NULL;
    it->x = it->y = NAN;
    it->tile_row = a->tile_row;
    it->tile_col = a->tile_col;
    it->value = NAN;
    it->scaled = NAN;
    it->status = AMPEL_LIGHT_NONE;
  }
}

/* Projects the areas' lat/lon into x/y; returns how many have one. */
static size_t project_points(const srv_req *q, const size_t *areas, size_t n,
                             ampel_map_item *items) {
  double *ll = ampel_calloc(4 * n + 4, sizeof *ll);
  if (!ll)
    return 0;
  double *lon = ll, *lat = ll + n, *xy = ll + 2 * n;
  size_t have = 0;
  for (size_t i = 0; i < n; i++) {
    const ampel_area *a = ampel_dataset_area(q->ds, areas[i]);
    lon[i] = a->lon;
    lat[i] = a->lat;
    have += !isnan(a->lon) && !isnan(a->lat);
  }
  const ampel_geoset *g = q->snap->geo;
  int epsg = g && ampel_geoset_epsg(g) ? ampel_geoset_epsg(g) : 25832;
  if (have && ampel_geo_project_lonlat(lon, lat, n, epsg, xy) == AMPEL_OK) {
    for (size_t i = 0; i < n; i++) {
      items[i].x = xy[2 * i];
      items[i].y = xy[2 * i + 1];
    }
  } else {
    have = 0;
  }
  ampel_free(ll);
  return have;
}

int srv_map_render(srv_req *q, ampel_buf *out, const size_t *areas,
                   ampel_map_item *items, size_t n, const ampel_map_opts *o) {
  size_t shapes = 0, tiles = 0;
  for (size_t i = 0; i < n; i++) {
    shapes += items[i].shape != NULL;
    tiles += items[i].tile_row != AMPEL_NO_TILE;
  }
  ampel_buf svg;
  ampel_buf_init(&svg);
  ampel_status st = AMPEL_E_USAGE;
  if (shapes)
    st = ampel_map_render(items, n, NULL, 0, o, &svg);
  else if (tiles)
    st = ampel_tilemap_render(items, n, o, &svg);
  else if (project_points(q, areas, n, items))
    st = ampel_map_render(NULL, 0, items, n, o, &svg);
  if (st == AMPEL_OK && !svg.failed)
    page_svg(q, out, svg.data, svg.len);
  ampel_buf_release(&svg);
  return st == AMPEL_OK ? 0 : -1;
}
