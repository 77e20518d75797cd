/* ampel/map.h - maps as SVG: choropleth (by Ampel status, scaled value or
 * class breaks), tile map (grid cartogram) and a point layer on an outline.
 *
 * The renderer takes prepared items (shapes already projected to a metric
 * CRS, see geo.h; values, lights and scaled values already computed) and
 * never touches the store. Output is deterministic (same input, same
 * bytes) and accessible: role="img", <title>/<desc>, real text, a
 * colour-blind safe palette with monotone lightness, hatching (not colour)
 * for areas without a value.
 */
#ifndef AMPEL_MAP_H
#define AMPEL_MAP_H

#include <stddef.h>
#include <stdint.h>

#include "ampel/buf.h"
#include "ampel/dataset.h"
#include "ampel/geo.h"
#include "ampel/stats.h"
#include "ampel/svg.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum ampel_map_by {
  AMPEL_MAP_BY_STATUS = 0,  /* Ampel status light (METHODS.md §3) */
  AMPEL_MAP_BY_SCALED = 1,  /* 0-1 scaled value (METHODS.md §2.2) */
  AMPEL_MAP_BY_CLASSES = 2, /* class breaks (classify.h) */
  AMPEL_MAP_BY_CATEGORY = 3 /* given per item (the LISA cluster map) */
} ampel_map_by;

/* A category of a categorical map: fill colour and legend text. */
typedef struct ampel_map_category {
  ampel_rgb color;
  const char *label;
} ampel_map_category;

/* "status", "scaled", "classes"; parse returns -1 for anything else. */
const char *ampel_map_by_name(ampel_map_by by);
int ampel_map_by_parse(const char *s, ampel_map_by *out);

/* One area or point. Strings and shapes are borrowed. */
typedef struct ampel_map_item {
  const char *key;
  const char *name;
  const ampel_shape *shape; /* areas; NULL: no geometry */
  double x, y;              /* points: position in the map CRS */
  int32_t tile_row, tile_col; /* tile map; AMPEL_NO_TILE when unknown */
  double value;  /* NaN: no value */
  ampel_flag flag; /* why there is no value (SECRET = suppressed) */
  ampel_light status;
  double scaled; /* 0 (critical) .. 1 (favourable), NaN */
  int unrated;   /* 1: shown but not rated (below the minimum population):
                    hatched, "ohne Bewertung" in its title */
  int category;     /* CATEGORY: index into o->categories; -1: hatched */
  const char *note; /* CATEGORY: appended to the title, or NULL */
} ampel_map_item;

typedef struct ampel_map_opts {
  const char *title;        /* required */
  const char *desc;         /* <desc>, also shown under the title */
  const char *legend_title; /* e.g. indicator name and unit */
  const char *attribution;  /* bottom line, e.g. sources and licences */
  ampel_map_by by;
  const ampel_palette *palette; /* NULL: default */
  ampel_polarity polarity;
  const double *breaks; /* CLASSES: k+1 breaks */
  size_t k;
  int decimals; /* for values in titles and legend; -1 automatic */
  double width; /* 0: 900 */
  /* Background outline drawn under everything (e.g. the city boundary for
   * a point layer); may be NULL. */
  const ampel_shape *const *outline;
  size_t n_outline;
  int labels; /* 1: name labels on the areas */
  /* CLASSES: k legend labels instead of "a bis unter b" (e.g. "Stufe 3");
   * NULL for the ranges. Borrowed. */
  const char *const *class_labels;
  /* CATEGORY: the categories (legend in this order) and the legend text
   * of the hatched items. Borrowed. */
  const ampel_map_category *categories;
  size_t n_categories;
  const char *hatch_label;
} ampel_map_opts;

/* Choropleth of the areas with a shape (areas without one are listed in
 * the note under the map), plus optional points drawn on top (coloured the
 * same way, from their own values). Legend, scale bar and attribution line
 * included. AMPEL_E_USAGE when nothing has a shape or a position. */
ampel_status ampel_map_render(const ampel_map_item *areas, size_t n_areas,
                              const ampel_map_item *points, size_t n_points,
                              const ampel_map_opts *o,
                              ampel_buf *b) AMPEL_WUR;

/* Tile map (grid cartogram): one square per area at (tile_row, tile_col).
 * AMPEL_E_USAGE when no area has a tile position. */
ampel_status ampel_tilemap_render(const ampel_map_item *areas, size_t n,
                                  const ampel_map_opts *o,
                                  ampel_buf *b) AMPEL_WUR;

/* The answer of ampel_analyse_map (ampel/analysis/map.h) as the map its
 * kind asks for (shapes, tiles or points on the outline). by, breaks, k,
 * polarity and the outline come from the answer, the texts from o.
 * AMPEL_E_USAGE when nothing can be drawn. */
struct ampel_map_answer;
ampel_status ampel_map_answer_svg(const struct ampel_map_answer *a,
                                  const ampel_map_opts *o,
                                  ampel_buf *b) AMPEL_WUR;

#ifdef __cplusplus
}
#endif
#endif
