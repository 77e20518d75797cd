/* maps.h - maps and ranks for the dashboard pages (maps.c). */
#ifndef AMPEL_SERVER_MAPS_H
#define AMPEL_SERVER_MAPS_H

#include "ampel/map.h"
#include "server.h"

/* Fills n items (key, name, shape, tile; no values) for dataset areas. */
void srv_map_items(const srv_req *q, const size_t *areas, size_t n,
                   ampel_map_item *items);
/* Renders a choropleth (shapes), else a tile map, else points into `out`
 * (inlined SVG). Returns -1 when the data allow no map. */
int srv_map_render(srv_req *q, ampel_buf *out, const size_t *areas,
                   ampel_map_item *items, size_t n, const ampel_map_opts *o);

#endif
