/* The report as PDF: one cairo PDF page per report page, drawn by librsvg
 * (include/ampel/report.h, include/ampel/raster.h). */
#include "ampel/alloc.h"
#include "report_internal.h"

ampel_status ampel_report_write_pdf(const ampel_report *r, int64_t created,
                                    ampel_buf *out, ampel_diags *diags) {
  ampel_raster_meta m = {r->title,
                         "Ampelbericht (kommunales "
                         "Bildungsmonitoring)",
                         "ampel", created};
  return ampel_raster_pdf((const char *const *)r->docs, r->doc_len, r->n_pages,
                          &m, out, diags);
}
