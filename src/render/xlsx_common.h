/* Internal: helpers shared by the XLSX writers (xlsx_export.c,
 * xlsx_template.c, xlsx_common.c). AMPEL_HAVE_XLSXWRITER is defined when
 * libxlsxwriter's header is available. */
#ifndef AMPEL_XLSX_COMMON_H
#define AMPEL_XLSX_COMMON_H

#if defined(__has_include)
#if __has_include(<xlsxwriter.h>)
#define AMPEL_HAVE_XLSXWRITER 1
#endif
#endif

#ifdef AMPEL_HAVE_XLSXWRITER
#include <stddef.h>
#include <stdint.h>
#include <xlsxwriter.h>

#include "ampel/error.h"

typedef struct xc_formats {
  lxw_format *title, *note, *head, *text, *wrap, *bold, *center;
} xc_formats;

void xc_formats_init(lxw_workbook *wb, xc_formats *f);
/* "#,##0" with d decimals ("#,##0.0" ...): Excel shows the user's
 * separators (1.234,5 in a German Excel). */
void xc_number_format(int d, char *out, size_t size);
/* Title (row 0), data version (row 1), disclosure note (row 2), printed
 * header and footer with page numbers. stamp/note may be NULL. */
void xc_sheet_top(lxw_worksheet *ws, const xc_formats *f, const char *title,
                  const char *stamp, const char *note);
/* Header row with column widths; returns `row`. head is NULL-terminated. */
lxw_row_t xc_header(lxw_worksheet *ws, const xc_formats *f, lxw_row_t row,
                    const char *const *head, const double *widths);
void xc_properties(lxw_workbook *wb, const char *title, const char *stamp,
                   int64_t created);
/* Closes (writes) the workbook; returns s, or AMPEL_E_IO with a message
 * when writing failed. */
ampel_status xc_close(lxw_workbook *wb, ampel_status s, const char *path,
                      ampel_diags *diags);
#endif

#endif
