/* fields.h - internal: the known columns of the input formats and their
 * English and German names (docs/formats.md). */
#ifndef AMPEL_IMPORT_FIELDS_H
#define AMPEL_IMPORT_FIELDS_H

enum {
  F_KEY = 0,
  F_NAME,
  F_PARENT,
  F_LEVEL,
  F_POPULATION,
  F_TILE_ROW,
  F_TILE_COL,
  F_LAT,
  F_LON,
  F_UNIT,
  F_POLARITY,
  F_DOMAIN,
  F_DEFINITION,
  F_SOURCE,
  F_REFDATE,
  F_DECIMALS,
  F_AREA,
  F_INDICATOR,
  F_PERIOD,
  F_VALUE,
  F_NUMERATOR,
  F_DENOMINATOR,
  F_FLAG,
  F_SECRECY,
  F_KIND,
  F_FORMULA,
  F_AGGREGATION,
  F_VALID_FROM,
  F_VALID_TO,
  F_OLD,
  F_NEW,
  F_SHARE,
  F_CONVERTED, /* export marks: a value converted by a boundary reform */
  F_COUNT_
};

/* Field id for a normalised header name, or -1. */
int ampel_field_lookup(const char *norm);
/* The German column name of a field, for messages. */
const char *ampel_field_name_de(int field);

#endif
