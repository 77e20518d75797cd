/* ampel/export.h - the long-format CSV export (docs/formats.md).
 *
 * Header `area,indicator,period,value,numerator,denominator,flag`,
 * comma-separated, '.' decimal, UTF-8 without BOM, LF line ends; one row per
 * observation in the order area, indicator, period (dataset order); `flag`
 * holds the symbol of official statistics, `value` is empty for flags
 * without a value and 0 for '-'. The file imports back unchanged.
 */
#ifndef AMPEL_EXPORT_H
#define AMPEL_EXPORT_H

#include "ampel/buf.h"
#include "ampel/dataset.h"

#ifdef __cplusplus
extern "C" {
#endif

struct ampel_values_filter; /* ampel/json.h: only its `converted` is used */

/* Appends the export to out (check out->failed / ampel_buf_flush). With
 * marks (may be NULL) whose `converted` says that a cell was converted
 * from a boundary reform's old areas, and when at least one is, a last
 * column `converted` holds 1 for those rows (ampel import skips them, so
 * a re-import converts them again instead of storing them as data). */
void ampel_export_csv(const ampel_dataset *ds,
                      const struct ampel_values_filter *marks, ampel_buf *out);

/* The same rows in the German Excel convention (docs/formats.md,
 * "CSV für Excel"): UTF-8 with BOM, ';' between fields, decimal comma
 * without thousands separators, CRLF line ends, the German column names
 * of the import (`Gebiet;Kennzahl;Zeitraum;Wert;Zähler;Nenner;
 * Kennzeichen`). German Excel opens it as columns; `ampel import` reads it
 * back unchanged. */
void ampel_export_csv_de(const ampel_dataset *ds,
                         const struct ampel_values_filter *marks,
                         ampel_buf *out); /* marks: column Umgerechnet (ja) */

#ifdef __cplusplus
}
#endif
#endif
