/* store/sqlite_geo.h - internal: geometry tables of the SQLite engine
 * (schema version 2). sqlite.c resolves keys to ids and calls these. */
#ifndef AMPEL_STORE_SQLITE_GEO_H
#define AMPEL_STORE_SQLITE_GEO_H

#include <sqlite3.h>

#include "ampel/geo.h"

/* Migration 1 → 2: one shape per area in a metric CRS (EPSG code), the
 * label point and bbox for quick queries, and the neighbour pairs (both
 * directions stored). */
#define AMPEL_SQLITE_GEO_MIGRATION                                            \
  "CREATE TABLE geometry(area_id INTEGER PRIMARY KEY REFERENCES area(id),"    \
  " crs INTEGER NOT NULL, shape BLOB NOT NULL, label_x REAL, label_y REAL,"   \
  " min_x REAL, min_y REAL, max_x REAL, max_y REAL);"                         \
  "CREATE TABLE neighbour(area_id INTEGER NOT NULL REFERENCES area(id),"      \
  " other_id INTEGER NOT NULL REFERENCES area(id),"                           \
  " PRIMARY KEY(area_id, other_id)) WITHOUT ROWID;"

ampel_status ampel_sqlite_geo_put(sqlite3 *db, long area_id, int epsg,
                                  const ampel_shape *s);
/* Deletes the neighbour rows of an area (both directions). */
ampel_status ampel_sqlite_geo_clear_neighbours(sqlite3 *db, long area_id);
ampel_status ampel_sqlite_geo_put_neighbour(sqlite3 *db, long a, long b);
/* Loads every stored shape (keyed by area key, named by area name) and the
 * neighbour pairs among them. Reports every failure into diags: a step that
 * does not end on SQLITE_DONE is AMPEL_E_IO, a row naming an unknown area
 * id is AMPEL_E_DATA. */
ampel_status ampel_sqlite_geo_load(sqlite3 *db, ampel_geoset **out,
                                   ampel_diags *diags);

#endif
