/* shp_check.h - internal: the structural checks of a Shapefile in memory
 * (shapefile.c). shapelib trusts sizes and counts it reads from the files;
 * these checks read the same bytes first (ESRI Shapefile Technical
 * Description, 1998; dBASE III+ for the .dbf) and refuse what does not add
 * up, with the file and the record number (FILE:RECORD:1; header problems
 * carry no record), before shapelib sees the bytes.
 */
#ifndef AMPEL_READ_SHP_CHECK_H
#define AMPEL_READ_SHP_CHECK_H

#include <stddef.h>

#include "ampel/error.h"

/* One file of the set: its bytes (borrowed) and its name for messages. */
typedef struct shp_bytes {
  const unsigned char *p;
  size_t len;
  const char *name;
} shp_bytes;

/* What the checks found out. */
typedef struct shp_layout {
  int type;       /* shape type of the .shp header (5, 15 or 25) */
  double box[4];  /* header bounds: xmin, ymin, xmax, ymax */
  int n_shapes;   /* index entries in the .shx */
  long n_records; /* records in the .dbf */
  size_t dbf_header_len, dbf_record_len;
} shp_layout;

/* Checks the .shp and .shx headers (the same shape type and bounds), the
 * .shx index against the .shp (every
 * entry inside the file, its record header matching: record number and
 * length) and the content of every record (shape type as in the header or
 * null; for polygons: parts and points fit the record, part starts rising
 * from 0, finite coordinates, the record's bounding box equal to its
 * points' and inside the header's). Appends one error per bad record
 * (header problems stop the check); AMPEL_E_DATA when any. */
ampel_status ampel_shp_check_geometry(const shp_bytes *shp,
                                      const shp_bytes *shx, shp_layout *out,
                                      ampel_diags *d);

/* Checks the .dbf header (sizes, field descriptors against the record
 * length), that every record the header counts is in the file (else the
 * first cut record is named), and every record's deletion flag (a record
 * marked deleted is refused: the .shp still has its shape). */
ampel_status ampel_shp_check_dbf(const shp_bytes *dbf, shp_layout *out,
                                 ampel_diags *d);

#endif
