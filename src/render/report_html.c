/* The report as one self-contained HTML file (include/ampel/report.h):
 * inline CSS with @page A4, the pages as inline SVG, nothing external. */
#include <stdio.h>
#include <string.h>

#include "report_internal.h"

static const char *const css =
    "@page{size:A4;margin:0}\n"
    "html,body{margin:0;padding:0;background:#e9ecef}\n"
    ".page{width:210mm;height:297mm;margin:8mm auto;background:#fff;"
    "box-shadow:0 1px 4px rgba(0,0,0,.25);overflow:hidden;"
    "break-after:page;page-break-after:always}\n"
    ".page:last-child{break-after:auto;page-break-after:auto}\n"
    ".page>svg{display:block;width:210mm;height:297mm}\n"
    ".sr{position:absolute;width:1px;height:1px;overflow:hidden;"
    "clip:rect(0 0 0 0)}\n"
    "@media print{html,body{background:#fff}"
    ".page{margin:0;box-shadow:none}}\n";

void ampel_report_write_html(const ampel_report *r, ampel_buf *out) {
  ampel_buf_puts(out, "<!DOCTYPE html>\n<html lang=\"de\">\n<head>\n"
                      "<meta charset=\"utf-8\">\n<title>");
  ampel_buf_html(out, r->title);
  ampel_buf_puts(out, "</title>\n<meta name=\"generator\" content=\"ampel\">\n"
                      "<meta name=\"viewport\" content=\"width=device-width\">"
                      "\n<style>\n");
  ampel_buf_puts(out, css);
  ampel_buf_puts(out, "</style>\n</head>\n<body>\n<h1 class=\"sr\">");
  ampel_buf_html(out, r->title);
  ampel_buf_puts(out, "</h1>\n<main>\n");
  for (size_t i = 0; i < r->n_pages; i++) {
    ampel_buf_printf(out,
                     "<section class=\"page\" id=\"seite-%zu\" "
                     "aria-label=\"Seite %zu von %zu\">\n",
                     i + 1, i + 1, r->n_pages);
    ampel_buf_append(out, r->docs[i], r->doc_len[i]);
    ampel_buf_puts(out, "</section>\n");
  }
  ampel_buf_puts(out, "</main>\n</body>\n</html>\n");
}
