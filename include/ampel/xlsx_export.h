/* ampel/xlsx_export.h - the publication workbook (`ampel export -o
 * FILE.xlsx`, libxlsxwriter; docs/berichte.md).
 *
 * Sheets:
 *  - Werte: one row per observation (long format) with names, numbers as
 *    numbers in German display formats (#.##0,0 via number formats; Excel
 *    shows the user's separators), symbols of official statistics as text,
 *    a note on every suppressed cell;
 *  - Ampel: areas x indicators of one level and period, the value in the
 *    status colour with the trend arrow, frozen header, autofilter;
 *  - Kennzahlen: definition, source, Stichtag, polarity, unit, decimals;
 *  - Methoden: the German summary of the methods and the symbols;
 *  - Quellen: each source with the indicators that use it.
 * Every sheet carries the data version and the disclosure note in its
 * first rows and in the printed header/footer.
 *
 * The dataset must already be protected (disclosure.h).
 */
#ifndef AMPEL_XLSX_EXPORT_H
#define AMPEL_XLSX_EXPORT_H

#include <stdint.h>

#include "ampel/dataset.h"
#include "ampel/error.h"

#ifdef __cplusplus
extern "C" {
#endif

struct ampel_lights_answer; /* include/ampel/analysis/lights.h */

typedef struct ampel_xlsx_export_opts {
  /* The Ampel sheet: the answer of ampel_analyse_lights (the same statuses
   * as `ampel lights`; small areas carry reason "zu wenige Einwohner"). */
  const struct ampel_lights_answer *lights;
  const char *stamp; /* data version line, or NULL */
  const char *note;  /* the disclosure note (ampel_context_disclosure_note) */
  long min_count;    /* the disclosure limit in force (comment on '.') */
  const unsigned char *is_count; /* per indicator: 1 = a count (column
                                    "Fallzahl"), or NULL */
  int64_t created;               /* document creation time (Unix) */
  /* 1 when a cell holds a value converted from a boundary reform's old
   * areas (ampel_context_converted): a comment on the cell and a line
   * under the Ampel's legend. NULL: none. */
  int (*converted)(const void *ud, size_t area, size_t ind, size_t period);
  const void *converted_ud;
} ampel_xlsx_export_opts;

void ampel_xlsx_export_opts_init(ampel_xlsx_export_opts *o);

/* 1 when this build can write XLSX (libxlsxwriter was found). */
int ampel_xlsx_export_available(void);

/* Writes the workbook to `path` (the file is created or replaced; write
 * to a temporary name and rename for atomicity). Errors: AMPEL_E_USAGE
 * (no libxlsxwriter in this build, unknown level/period), AMPEL_E_IO
 * (libxlsxwriter cannot write; message in diags), AMPEL_E_NOMEM. */
AMPEL_WUR ampel_status ampel_xlsx_export_write(const ampel_dataset *ds,
                                               const ampel_xlsx_export_opts *o,
                                               const char *path,
                                               ampel_diags *diags);

/* The empty input workbook (`ampel template`): sheets Anleitung (German
 * instructions with example rows), Gebiete, Kennzahlen, Werte with the
 * import headers of docs/formats.md, data validation (Richtung as a list,
 * numbers where numbers belong), periods and keys as text. Errors as
 * ampel_xlsx_export_write(). (src/render/xlsx_template.c) */
AMPEL_WUR ampel_status ampel_xlsx_template_write(const char *path,
                                                 ampel_diags *diags);

#ifdef __cplusplus
}
#endif
#endif
