/* Geometry tables of the SQLite engine (sqlite_geo.h). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ampel/alloc.h"
#include "store/sqlite_geo.h"

ampel_status ampel_sqlite_geo_put(sqlite3 *db, long area_id, int epsg,
                                  const ampel_shape *s) {
  unsigned char *blob = NULL;
  size_t len = 0;
  ampel_status st = ampel_shape_encode(s, &blob, &len);
  if (st != AMPEL_OK)
    return st;
  sqlite3_stmt *q = NULL;
  if (sqlite3_prepare_v2(db,
                         "INSERT OR REPLACE INTO geometry(area_id,crs,shape,"
                         "label_x,label_y,min_x,min_y,max_x,max_y) "
                         "VALUES(?,?,?,?,?,?,?,?,?)",
                         -1, &q, NULL) != SQLITE_OK) {
    ampel_free(blob);
    return AMPEL_E_IO;
  }
  sqlite3_bind_int64(q, 1, area_id);
  sqlite3_bind_int(q, 2, epsg);
  sqlite3_bind_blob64(q, 3, blob, len, SQLITE_STATIC);
  double v[6] = {s->label_x, s->label_y, s->bbox[0],
                 s->bbox[1], s->bbox[2], s->bbox[3]};
  for (int i = 0; i < 6; i++)
    if (isfinite(v[i]))
      sqlite3_bind_double(q, 4 + i, v[i]);
  st = sqlite3_step(q) == SQLITE_DONE ? AMPEL_OK : AMPEL_E_IO;
  sqlite3_finalize(q);
  ampel_free(blob);
  return st;
}

static ampel_status exec_id(sqlite3 *db, const char *sql, long a, long b) {
  sqlite3_stmt *q = NULL;
  if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK)
    return AMPEL_E_IO;
  sqlite3_bind_int64(q, 1, a);
  sqlite3_bind_int64(q, 2, b);
  ampel_status st = sqlite3_step(q) == SQLITE_DONE ? AMPEL_OK : AMPEL_E_IO;
  sqlite3_finalize(q);
  return st;
}

ampel_status ampel_sqlite_geo_clear_neighbours(sqlite3 *db, long area_id) {
  return exec_id(db, "DELETE FROM neighbour WHERE area_id=?1 OR other_id=?2",
                 area_id, area_id);
}

ampel_status ampel_sqlite_geo_put_neighbour(sqlite3 *db, long a, long b) {
  ampel_status st = exec_id(
      db, "INSERT OR IGNORE INTO neighbour(area_id,other_id) VALUES(?,?)", a,
      b);
  if (st == AMPEL_OK)
    st = exec_id(
        db, "INSERT OR IGNORE INTO neighbour(area_id,other_id) VALUES(?,?)",
        b, a);
  return st;
}

/* A load loop that ended on rc: anything but SQLITE_DONE is an I/O error. */
static ampel_status geo_end(sqlite3 *db, ampel_status st, int rc,
                            ampel_diags *diags, const char *what) {
  if (st != AMPEL_OK || rc == SQLITE_DONE)
    return st;
  ampel_diags_error(diags, AMPEL_E_IO,
                    "Datenbank: %s fehlgeschlagen: %s (SQLite-Fehler %d)",
                    what, sqlite3_errmsg(db), rc);
  return AMPEL_E_IO;
}

static ampel_status geo_prepare(sqlite3 *db, const char *sql,
                                sqlite3_stmt **q, ampel_diags *diags,
                                const char *what) {
  int rc = sqlite3_prepare_v2(db, sql, -1, q, NULL);
  return rc == SQLITE_OK ? AMPEL_OK
                         : geo_end(db, AMPEL_OK, rc, diags, what);
}

static ampel_status geo_unknown_area(ampel_diags *diags, const char *table,
                                     long id) {
  ampel_diags_error(diags, AMPEL_E_DATA,
                    "Datenbank beschädigt: unbekannte Gebiets-ID %ld in "
                    "Tabelle %s",
                    id, table);
  return AMPEL_E_DATA;
}

static ampel_status load_shape_row(sqlite3_stmt *q, ampel_geoset *g,
                                   ampel_diags *diags) {
  if (sqlite3_column_type(q, 0) == SQLITE_NULL)
    return geo_unknown_area(diags, "geometry",
                            (long)sqlite3_column_int64(q, 6));
  ampel_shape s;
  ampel_status st = ampel_shape_decode(sqlite3_column_blob(q, 3),
                                       (size_t)sqlite3_column_bytes(q, 3), &s);
  if (st != AMPEL_OK) {
    ampel_diags_error(diags, st,
                      "Datenbank beschädigt: die Fläche von '%s' ist nicht "
                      "lesbar",
                      (const char *)sqlite3_column_text(q, 0));
    return st;
  }
  s.label_x = sqlite3_column_type(q, 4) == SQLITE_NULL
                  ? NAN
                  : sqlite3_column_double(q, 4);
  s.label_y = sqlite3_column_type(q, 5) == SQLITE_NULL
                  ? NAN
                  : sqlite3_column_double(q, 5);
  int epsg = sqlite3_column_int(q, 2);
  if (ampel_geoset_epsg(g) == 0) {
    char def[32];
    snprintf(def, sizeof def, "EPSG:%d", epsg);
    st = ampel_geoset_set_crs(g, epsg, def);
  }
  if (st == AMPEL_OK)
    st = ampel_geoset_put(g, (const char *)sqlite3_column_text(q, 0),
                          (const char *)sqlite3_column_text(q, 1), 0, &s);
  ampel_shape_release(&s);
  if (st != AMPEL_OK)
    ampel_diags_error(diags, st, "Datenbank: Flächen laden: %s",
                      st == AMPEL_E_NOMEM ? "kein Speicher"
                                          : "ungültige Zeile");
  return st;
}

static ampel_status load_shapes(sqlite3 *db, ampel_geoset *g,
                                ampel_diags *diags) {
  static const char what[] = "Flächen laden";
  sqlite3_stmt *q = NULL;
  ampel_status st =
      geo_prepare(db,
                  "SELECT a.key,a.name,g.crs,g.shape,g.label_x,g.label_y,"
                  "g.area_id FROM geometry g LEFT JOIN area a ON "
                  "a.id=g.area_id ORDER BY g.area_id",
                  &q, diags, what);
  int rc = SQLITE_DONE;
  while (st == AMPEL_OK && (rc = sqlite3_step(q)) == SQLITE_ROW)
    st = load_shape_row(q, g, diags);
  st = geo_end(db, st, rc, diags, what);
  sqlite3_finalize(q);
  return st;
}

static ampel_status load_neighbours(sqlite3 *db, ampel_geoset *g,
                                    ampel_diags *diags) {
  static const char what[] = "Nachbarschaften laden";
  sqlite3_stmt *q = NULL;
  ampel_status st =
      geo_prepare(db,
                  "SELECT a.key,b.key,n.area_id,n.other_id FROM neighbour n "
                  "LEFT JOIN area a ON a.id=n.area_id LEFT JOIN area b ON "
                  "b.id=n.other_id WHERE n.area_id<n.other_id "
                  "ORDER BY n.area_id,n.other_id",
                  &q, diags, what);
  int rc = SQLITE_DONE;
  while (st == AMPEL_OK && (rc = sqlite3_step(q)) == SQLITE_ROW) {
    for (int k = 0; k < 2 && st == AMPEL_OK; k++)
      if (sqlite3_column_type(q, k) == SQLITE_NULL)
        st = geo_unknown_area(diags, "neighbour",
                              (long)sqlite3_column_int64(q, 2 + k));
    if (st != AMPEL_OK)
      break;
    /* a pair whose areas have no stored shape has nothing to join */
    long a = ampel_geoset_find(g, (const char *)sqlite3_column_text(q, 0)),
         b = ampel_geoset_find(g, (const char *)sqlite3_column_text(q, 1));
    if (a >= 0 && b >= 0)
      st = ampel_geoset_add_neighbour(g, (size_t)a, (size_t)b);
    if (st != AMPEL_OK)
      ampel_diags_error(diags, st, "Datenbank: %s: kein Speicher", what);
  }
  st = geo_end(db, st, rc, diags, what);
  sqlite3_finalize(q);
  return st;
}

ampel_status ampel_sqlite_geo_load(sqlite3 *db, ampel_geoset **out,
                                   ampel_diags *diags) {
  *out = NULL;
  ampel_geoset *g = ampel_geoset_new();
  if (!g) {
    ampel_diags_error(diags, AMPEL_E_NOMEM,
                      "Datenbank: Flächen laden: kein Speicher");
    return AMPEL_E_NOMEM;
  }
  ampel_status st = load_shapes(db, g, diags);
  if (st == AMPEL_OK)
    st = load_neighbours(db, g, diags);
  if (st != AMPEL_OK) {
    ampel_geoset_free(g);
    return st;
  }
  *out = g;
  return AMPEL_OK;
}
