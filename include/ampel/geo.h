/* ampel/geo.h - area geometry: reading GeoJSON and Shapefiles, projecting
 * to a metric CRS, checking validity, neighbours, storing and importing.
 *
 * Geometry is kept apart from the dataset in an ampel_geoset, so compute
 * and render code never depends on the store (ARCHITECTURE.md).
 *
 * A shape is a multipolygon in flat arrays: polygon k owns the rings
 * poly_ring[k] .. poly_ring[k+1]-1; ring j owns the points ring_pt[j] ..
 * ring_pt[j+1]-1, stored as x, y pairs in xy. The first ring of a polygon
 * is its outer ring, the others are holes. Rings are closed (first point ==
 * last point). In a geoset every shape uses the set's CRS.
 *
 * Thread-safety: a geoset may be read from several threads at once. The
 * functions that use PROJ or GEOS create their own context per call.
 */
#ifndef AMPEL_GEO_H
#define AMPEL_GEO_H

#include <stddef.h>
#include <stdint.h>

#include "ampel/dataset.h"
#include "ampel/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Hard caps for untrusted geometry files (AMPEL_E_TOO_LARGE beyond). */
#define AMPEL_GEO_MAX_POINTS 20000000u /* points per file */
#define AMPEL_GEO_MAX_DEPTH 64         /* JSON nesting */

typedef struct ampel_shape {
  size_t n_polys;
  size_t *poly_ring; /* n_polys + 1 offsets into the rings */
  size_t n_rings;
  size_t *ring_pt; /* n_rings + 1 offsets into the points */
  size_t n_points;
  double *xy;              /* 2 * n_points coordinates */
  double label_x, label_y; /* point on surface; NaN when not computed */
  double bbox[4];          /* min x, min y, max x, max y */
} ampel_shape;

/* Frees the arrays of a shape and zeroes it (NULL accepted). */
void ampel_shape_release(ampel_shape *s);
/* Deep copy; AMPEL_E_NOMEM. `out` is overwritten (not released). */
ampel_status ampel_shape_copy(const ampel_shape *s, ampel_shape *out) AMPEL_WUR;
/* Appends the polygons of src to dst (a multipolygon of both): offsets
 * shifted, bbox united, label point reset to NaN (ampel_geo_validate sets
 * it again). AMPEL_E_TOO_LARGE beyond AMPEL_GEO_MAX_POINTS; on an error
 * dst keeps its old content. */
ampel_status ampel_shape_append(ampel_shape *dst,
                                const ampel_shape *src) AMPEL_WUR;
/* Recomputes bbox from the points. */
void ampel_shape_update_bbox(ampel_shape *s);
/* Area of the shape (outer rings minus holes), in squared CRS units. */
double ampel_shape_area(const ampel_shape *s);

/* Builds a shape ring by ring (used by readers). */
typedef struct ampel_shape_builder {
  ampel_shape s;
  size_t cap_pts, cap_rings, cap_polys;
} ampel_shape_builder;
void ampel_shape_builder_init(ampel_shape_builder *b);
/* Starts a new polygon; the next ring added is its outer ring. */
ampel_status ampel_shape_builder_poly(ampel_shape_builder *b) AMPEL_WUR;
ampel_status ampel_shape_builder_ring(ampel_shape_builder *b) AMPEL_WUR;
ampel_status ampel_shape_builder_point(ampel_shape_builder *b, double x,
                                       double y) AMPEL_WUR;
/* Moves the built shape to *out (bbox set, label NaN) and resets b. */
void ampel_shape_builder_finish(ampel_shape_builder *b, ampel_shape *out);
void ampel_shape_builder_release(ampel_shape_builder *b);

/* Serialises a shape to a compact little-endian blob: "AMG1", uint32
 * n_polys, n_rings, n_points, the offsets as uint32, the coordinates as
 * float64. Caller frees *out with ampel_free. */
ampel_status ampel_shape_encode(const ampel_shape *s, unsigned char **out,
                                size_t *out_len) AMPEL_WUR;
/* Reads a blob made by ampel_shape_encode (checked: AMPEL_E_DATA when it
 * is damaged). */
ampel_status ampel_shape_decode(const unsigned char *blob, size_t len,
                                ampel_shape *out) AMPEL_WUR;

/* ---- A set of shapes keyed by area ------------------------------------ */

typedef struct ampel_geoset ampel_geoset;

ampel_geoset *ampel_geoset_new(void); /* NULL when out of memory */
void ampel_geoset_free(ampel_geoset *g);

/* Adds or replaces the shape of `key`; takes ownership of *shape (which is
 * zeroed) on success. `name` may be NULL; `line` is where the feature was
 * read (0 unknown), for messages. */
ampel_status ampel_geoset_put(ampel_geoset *g, const char *key,
                              const char *name, long line,
                              ampel_shape *shape) AMPEL_WUR;
/* Like ampel_geoset_put, but when `key` is already there the polygons of
 * *shape are appended to its shape (several features of one area become
 * one multipolygon); the first name and line are kept, the name filled in
 * when the first had none. Takes ownership of *shape on success. */
ampel_status ampel_geoset_add_part(ampel_geoset *g, const char *key,
                                   const char *name, long line,
                                   ampel_shape *shape) AMPEL_WUR;
/* Number of features merged into entry i (1 for a single feature). */
size_t ampel_geoset_parts(const ampel_geoset *g, size_t i);
size_t ampel_geoset_n(const ampel_geoset *g);
/* Borrowed; valid until the set changes. */
const char *ampel_geoset_key(const ampel_geoset *g, size_t i);
const char *ampel_geoset_name(const ampel_geoset *g, size_t i);
long ampel_geoset_line(const ampel_geoset *g, size_t i);
ampel_shape *ampel_geoset_shape(ampel_geoset *g, size_t i);
const ampel_shape *ampel_geoset_shape_c(const ampel_geoset *g, size_t i);
long ampel_geoset_find(const ampel_geoset *g, const char *key);

/* CRS of the set: an EPSG code (0 unknown) and/or a definition (WKT or
 * "EPSG:N") as read from the file. */
int ampel_geoset_epsg(const ampel_geoset *g);
const char *ampel_geoset_crs_def(const ampel_geoset *g);
ampel_status ampel_geoset_set_crs(ampel_geoset *g, int epsg,
                                  const char *def) AMPEL_WUR;

/* Neighbours: undirected pairs of indices into the set. */
ampel_status ampel_geoset_add_neighbour(ampel_geoset *g, size_t a,
                                        size_t b) AMPEL_WUR;
size_t ampel_geoset_n_neighbours(const ampel_geoset *g);
void ampel_geoset_clear_neighbours(ampel_geoset *g);
void ampel_geoset_neighbour(const ampel_geoset *g, size_t k, size_t *out_a,
                            size_t *out_b);

/* Union of the bboxes of the shapes whose keys are listed (all shapes
 * when keys is NULL). Returns 0 when there is none. */
int ampel_geoset_bbox(const ampel_geoset *g, double out[4]);

/* ---- Readers ------------------------------------------------------------ */

typedef struct ampel_geo_read_opts {
  const char *key_property;  /* property holding the area key (required) */
  const char *name_property; /* property holding a name, or NULL */
} ampel_geo_read_opts;

/* Reads a GeoJSON FeatureCollection (or a single Feature) from memory.
 * Polygon and MultiPolygon features; each feature's `key_property` value
 * (string or integer) is its key. The CRS is taken from a `crs` member
 * (EPSG or OGC CRS84 names), else WGS84 (RFC 7946). Errors (broken JSON
 * with line:column, nesting deeper than AMPEL_GEO_MAX_DEPTH, a ring not
 * closed or with fewer than 4 points, a missing key property) are
 * appended to diags with `path` and the feature's line; on any
 * error AMPEL_E_DATA and *out is NULL. Features with the same key are
 * merged into one multipolygon (ampel_geoset_add_part; a warning when
 * their names differ). Caller frees *out. */
ampel_status ampel_geojson_read(const char *data, size_t len, const char *path,
                                const ampel_geo_read_opts *opts,
                                ampel_geoset **out,
                                ampel_diags *diags) AMPEL_WUR;

/* Reads an OGC KML 2.2 document from memory (expat). Every Placemark with
 * Polygons (also inside MultiGeometry; Points and lines beside them are
 * skipped) is a feature; outerBoundaryIs/innerBoundaryIs LinearRings are
 * outer rings and holes. The key is the ExtendedData value (SimpleData or
 * Data/value) named `key_property`, or, for "name", the Placemark's
 * <name>; a NULL key_property means "name". The CRS is EPSG:4326. Errors
 * are located FILE:LINE:COLUMN (broken XML, a coordinate that is no
 * number, a ring with fewer than 4 points or not closed, a Placemark
 * without Polygon or key, a DOCTYPE); on any error AMPEL_E_DATA (or
 * AMPEL_E_TOO_LARGE, AMPEL_E_NOMEM) and *out is NULL. Placemarks with the
 * same key are merged as in ampel_geojson_read. Caller frees *out. */
ampel_status ampel_kml_read(const char *data, size_t len, const char *path,
                            const ampel_geo_read_opts *opts, ampel_geoset **out,
                            ampel_diags *diags) AMPEL_WUR;

/* Reads a Shapefile (path to the .shp; the .shx, .dbf and, when present,
 * .prj and .cpg beside it). Text in the .dbf is converted to UTF-8 from
 * the encoding named by the .cpg, else by the language-driver byte
 * (Windows-1252 when unknown and not valid UTF-8). The CRS definition is
 * the .prj's WKT (none without a .prj). Messages name the file the
 * problem is in (.shp, .shx or .dbf) and use the record number (1-based)
 * as the line: FILE:RECORD:1; problems of a file header carry no record.
 * The files are checked before they are read (sizes against the counts
 * in the headers, the index against the records, shape types, bounding
 * boxes against the points, deletion flags; docs/karten.md), so a cut
 * or damaged file is an error (AMPEL_E_DATA), never a crash or silently
 * wrong shapes. shapelib's own (English) messages are not shown. */
ampel_status ampel_shapefile_read(const char *path,
                                  const ampel_geo_read_opts *opts,
                                  ampel_geoset **out,
                                  ampel_diags *diags) AMPEL_WUR;

/* The files of a Shapefile in memory, for ampel_shapefile_read_mem. */
enum {
  AMPEL_SHP_SHP,
  AMPEL_SHP_SHX,
  AMPEL_SHP_DBF,
  AMPEL_SHP_PRJ, /* optional */
  AMPEL_SHP_CPG, /* optional */
  AMPEL_SHP_N_PARTS
};
typedef struct ampel_shapefile_mem {
  const char *data[AMPEL_SHP_N_PARTS]; /* borrowed; NULL: the file is absent */
  size_t len[AMPEL_SHP_N_PARTS];
  const char *name[AMPEL_SHP_N_PARTS]; /* for messages ("x.dbf") */
} ampel_shapefile_mem;

/* ampel_shapefile_read on files already in memory (the .shp, .shx and
 * .dbf are required). Reads nothing from disk. */
ampel_status ampel_shapefile_read_mem(const ampel_shapefile_mem *m,
                                      const ampel_geo_read_opts *opts,
                                      ampel_geoset **out,
                                      ampel_diags *diags) AMPEL_WUR;

/* A zipped Shapefile from memory (the browser upload): the archive's
 * .shp, .shx, .dbf and optional .prj/.cpg (found by extension, one base
 * name, directories and __MACOSX/ ignored) read with libzip, never to
 * disk, then ampel_shapefile_read_mem. Caps: 64 entries, 512 MiB
 * unpacked, each member exactly its stated size. Problems with the
 * archive itself are located `path`:1:1; those inside a part name
 * "`path`/x.dbf" with the record as the line. */
ampel_status ampel_shapefile_read_zip(const char *data, size_t len,
                                      const char *path,
                                      const ampel_geo_read_opts *opts,
                                      ampel_geoset **out,
                                      ampel_diags *diags) AMPEL_WUR;

/* ---- Projection --------------------------------------------------------- */

/* Projects the set in place from its CRS (or `force_crs`, e.g.
 * "EPSG:31467", when not NULL) to a metric CRS fit for the data: ETRS89 /
 * UTM of the zone of the data's centroid (EPSG:25832 for zone 32,
 * 25833 for 33, 258zz for zones 28..38; WGS84 / UTM 326zz/327zz
 * elsewhere). Coordinates that cannot be in the declared CRS (degrees
 * outside -180..180/-90..90, metres that look like degrees, points that
 * do not transform) are refused with a message naming `--crs EPSG:N`;
 * a set without any CRS likewise. `path` is used in messages. */
ampel_status ampel_geo_project(ampel_geoset *g, const char *force_crs,
                               const char *path, ampel_diags *diags) AMPEL_WUR;

/* Projects WGS84 lon/lat points (n of them, NaN passed through) into the
 * CRS `epsg` (x, y written to out_xy, 2n doubles). */
ampel_status ampel_geo_project_lonlat(const double *lon, const double *lat,
                                      size_t n, int epsg,
                                      double *out_xy) AMPEL_WUR;

/* ---- Validity and topology (GEOS) ------------------------------------- */

/* Checks every shape. An invalid shape is repaired with make-valid when
 * the result is still a polygon of about the same area (a warning names
 * the area and the reason); otherwise an error names the area and reason.
 * Sets every shape's label point (a point on its surface). */
ampel_status ampel_geo_validate(ampel_geoset *g, const char *path,
                                ampel_diags *diags) AMPEL_WUR;

/* Finds the neighbours (shapes that share a border line, not just a point)
 * and stores them in the set (replacing earlier ones). */
ampel_status ampel_geo_neighbours(ampel_geoset *g) AMPEL_WUR;

/* ---- Import ------------------------------------------------------------- */

struct ampel_store;

typedef struct ampel_geo_import_opts {
  const char *key_property;  /* required */
  const char *name_property; /* with it, unknown keys create new areas */
  const char *level;         /* areas of this level; NULL: any level */
  const char *crs;           /* "EPSG:N" overriding the file's CRS */
  int64_t when;              /* time stamp for the import log */
  int dry_run;               /* check, write nothing */
  const char *user_name;     /* who imports (the server); NULL: nobody */
} ampel_geo_import_opts;

typedef struct ampel_geo_import_summary {
  size_t n_features;
  size_t n_matched;
  size_t n_new_areas;
  size_t n_repaired;
  size_t n_neighbours;
  size_t n_areas_without; /* areas of the level without a shape */
  size_t n_merged;        /* areas made of several features */
  char merged_keys[160];  /* their file keys, ", "-separated, "…" cut */
  int epsg;               /* the CRS stored */
  long import_id;
} ampel_geo_import_summary;

/* 1 when `path` names a geometry file (.geojson, .json, .shp, .kml). */
int ampel_geo_is_geo_file(const char *path);

/* Reads one geometry file by its name: .shp (with .shx/.dbf/.prj beside
 * it), .kml (or KML content), otherwise GeoJSON. Errors as the readers
 * give them. Caller frees *out. */
ampel_status ampel_geo_read_file(const char *path,
                                 const ampel_geo_read_opts *opts,
                                 ampel_geoset **out,
                                 ampel_diags *diags) AMPEL_WUR;

/* Imports the geometry of one file into the store in one transaction:
 * reads it, matches each feature to an area (the key property's value
 * equals the area's key, or else its name, within `level`), projects,
 * checks validity, finds neighbours and writes everything. Features that
 * match no area are errors (unless name_property is given: then they
 * become new areas of `level`); areas of the level without a feature are
 * reported as warnings by name. On any error nothing is written. */
ampel_status ampel_import_geometry(struct ampel_store *st, const char *path,
                                   const ampel_geo_import_opts *opts,
                                   ampel_geo_import_summary *out_summary,
                                   ampel_diags *diags) AMPEL_WUR;

/* 1 when `name` names a geometry file that can come as one buffer
 * (.geojson, .json, .kml, .zip with a Shapefile). */
int ampel_geo_is_geo_upload(const char *name);

/* ampel_import_geometry on a file in memory (a browser upload): `name`
 * (no directories) says the format: .zip is a zipped Shapefile
 * (ampel_shapefile_read_zip), .kml or KML content is KML, anything else
 * GeoJSON. The Datenstand logs `name` with the SHA-256 of `data`. */
ampel_status ampel_import_geometry_buffer(struct ampel_store *st,
                                          const char *name, const char *data,
                                          size_t len,
                                          const ampel_geo_import_opts *opts,
                                          ampel_geo_import_summary *out_summary,
                                          ampel_diags *diags) AMPEL_WUR;

#ifdef __cplusplus
}
#endif
#endif
