/* Column names of the input formats (fields.h) and header normalisation
 * (import.h). */
#include <string.h>

#include "ampel/import.h"
#include "import/fields.h"

static const struct {
  int field;
  const char *en, *de, *de2;
} names[] = {
    {F_KEY, "key", "schluessel", NULL},
    {F_NAME, "name", "bezeichnung", NULL},
    {F_PARENT, "parent", "uebergeordnet", "uebergeordnetes_gebiet"},
    {F_LEVEL, "level", "ebene", NULL},
    {F_POPULATION, "population", "einwohner", "einwohnerzahl"},
    {F_TILE_ROW, "tile_row", "kachel_zeile", NULL},
    {F_TILE_COL, "tile_col", "kachel_spalte", NULL},
    {F_LAT, "lat", "breite", "breitengrad"},
    {F_LON, "lon", "laenge", "laengengrad"},
    {F_UNIT, "unit", "einheit", NULL},
    {F_POLARITY, "polarity", "richtung", NULL},
    {F_DOMAIN, "domain", "handlungsfeld", NULL},
    {F_DEFINITION, "definition", "definition", "beschreibung"},
    {F_SOURCE, "source", "quelle", NULL},
    {F_REFDATE, "reference_date", "stichtag", NULL},
    {F_DECIMALS, "decimals", "nachkommastellen", NULL},
    {F_AREA, "area", "gebiet", NULL},
    {F_INDICATOR, "indicator", "kennzahl", NULL},
    {F_PERIOD, "period", "zeitraum", "zeitpunkt"},
    {F_VALUE, "value", "wert", NULL},
    {F_NUMERATOR, "numerator", "zaehler", NULL},
    {F_DENOMINATOR, "denominator", "nenner", NULL},
    {F_FLAG, "flag", "kennzeichen", NULL},
    /* de2: the header of the Kennzahlen sheet of `ampel export --xlsx` */
    {F_SECRECY, "secrecy", "geheimhaltung", "fallzahl_(geheimhaltung)"},
    {F_KIND, "kind", "art", NULL},
    {F_FORMULA, "formula", "formel", NULL},
    {F_AGGREGATION, "aggregation", "aggregation", NULL},
    {F_VALID_FROM, "valid_from", "gueltig_ab", NULL},
    {F_VALID_TO, "valid_to", "gueltig_bis", NULL},
    {F_OLD, "old", "alt", NULL},
    {F_NEW, "new", "neu", NULL},
    {F_SHARE, "share", "anteil", NULL},
    {F_CONVERTED, "converted", "umgerechnet", NULL},
};

int ampel_field_lookup(const char *norm) {
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (strcmp(norm, names[i].en) == 0 || strcmp(norm, names[i].de) == 0 ||
        (names[i].de2 && strcmp(norm, names[i].de2) == 0))
      return names[i].field;
  return -1;
}

const char *ampel_field_name_de(int field) {
  static const char *const de[] = {
      "Schlüssel",  "Name",         "Übergeordnet",  "Ebene",
      "Einwohner",  "Kachel_Zeile", "Kachel_Spalte", "Breite",
      "Länge",      "Einheit",      "Richtung",      "Handlungsfeld",
      "Definition", "Quelle",       "Stichtag",      "Nachkommastellen",
      "Gebiet",     "Kennzahl",     "Zeitraum",      "Wert",
      "Zähler",     "Nenner",       "Kennzeichen",   "Geheimhaltung",
      "Art",        "Formel",       "Aggregation",   "Gültig_ab",
      "Gültig_bis", "Alt",          "Neu",           "Anteil",
      "Umgerechnet"};
  return field >= 0 && field < F_COUNT_ ? de[field] : "?";
}

/* Appends c to out if there is room (keeps one byte for the NUL). */
static void put(char *out, size_t size, size_t *n, char c) {
  if (*n + 1 < size)
    out[(*n)++] = c;
}

void ampel_header_normalize(const char *s, size_t len, char *out,
                            size_t size) {
  size_t n = 0;
  const unsigned char *p = (const unsigned char *)s;
  if (size == 0)
    return;
  if (len >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) {
    p += 3;
    len -= 3;
  }
  for (size_t i = 0; i < len; i++) {
    unsigned c = p[i];
    if (c == 0xC2 && i + 1 < len && (p[i + 1] == 0xAD || p[i + 1] == 0xA0)) {
      if (p[i + 1] == 0xA0)
        put(out, size, &n, '_'); /* no-break space: a blank */
      i++;
      continue;
    }
    if (c == 0xC3 && i + 1 < len) {
      const char *fold = NULL;
      switch (p[i + 1]) {
      case 0xA4: case 0x84: fold = "ae"; break;
      case 0xB6: case 0x96: fold = "oe"; break;
      case 0xBC: case 0x9C: fold = "ue"; break;
      case 0x9F: fold = "ss"; break;
      }
      if (fold) {
        put(out, size, &n, fold[0]);
        put(out, size, &n, fold[1]);
        i++;
        continue;
      }
    }
    if (c == ' ' || c == '\t' || c == '-' || c == '_')
      c = '_';
    else if (c >= 'A' && c <= 'Z')
      c = c - 'A' + 'a';
    if (c == '_' && (n == 0 || out[n - 1] == '_'))
      continue; /* no leading or doubled '_' */
    put(out, size, &n, (char)c);
  }
  while (n > 0 && out[n - 1] == '_')
    n--;
  out[n] = '\0';
}
