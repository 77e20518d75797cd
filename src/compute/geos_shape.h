/* compute/geos_shape.h - a shape as a GEOS geometry, internal to compute/
 * (geo_valid.c, contiguity.c). */
#ifndef AMPEL_COMPUTE_GEOS_SHAPE_H
#define AMPEL_COMPUTE_GEOS_SHAPE_H

#include <geos_c.h>

#include "ampel/geo.h"

/* The shape as a GEOS MultiPolygon (rings that GEOS refuses are left
 * out); NULL when out of memory. The caller destroys it with
 * GEOSGeom_destroy_r(h, ...). */
GEOSGeometry *ampel_geos_from_shape(GEOSContextHandle_t h,
                                    const ampel_shape *s);

#endif
