/* Helpers shared by the XLSX writers (xlsx_common.h). */
#include "xlsx_common.h"

#ifdef AMPEL_HAVE_XLSXWRITER
#include <stdio.h>
#include <string.h>
#include <time.h>

void xc_formats_init(lxw_workbook *wb, xc_formats *f) {
  f->title = workbook_add_format(wb);
  format_set_bold(f->title);
  format_set_font_size(f->title, 14);
  format_set_font_color(f->title, 0x1F4E79);
  f->note = workbook_add_format(wb);
  format_set_font_color(f->note, 0x5F6368);
  format_set_italic(f->note);
  f->head = workbook_add_format(wb);
  format_set_bold(f->head);
  format_set_text_wrap(f->head);
  format_set_align(f->head, LXW_ALIGN_VERTICAL_TOP);
  format_set_bg_color(f->head, 0xE8EEF4);
  format_set_pattern(f->head, LXW_PATTERN_SOLID);
  format_set_bottom(f->head, LXW_BORDER_THIN);
  f->text = workbook_add_format(wb);
  format_set_num_format(f->text, "@");
  f->wrap = workbook_add_format(wb);
  format_set_text_wrap(f->wrap);
  format_set_align(f->wrap, LXW_ALIGN_VERTICAL_TOP);
  f->bold = workbook_add_format(wb);
  format_set_bold(f->bold);
  f->center = workbook_add_format(wb);
  format_set_align(f->center, LXW_ALIGN_CENTER);
}

void xc_number_format(int d, char *out, size_t size) {
  if (d <= 0) {
    snprintf(out, size, "#,##0");
    return;
  }
  snprintf(out, size, "#,##0.");
  size_t n = strlen(out);
  for (int i = 0; i < d && n + 1 < size; i++)
    out[n++] = '0';
  out[n] = '\0';
}

/* Copies s with '&' doubled (header/footer codes). */
static void amp_escape(const char *s, char *out, size_t size) {
  size_t o = 0;
  for (; s && *s && o + 3 < size; s++) {
    if (*s == '&')
      out[o++] = '&';
    out[o++] = *s;
  }
  out[o] = '\0';
}

void xc_sheet_top(lxw_worksheet *ws, const xc_formats *f, const char *title,
                  const char *stamp, const char *note) {
  worksheet_write_string(ws, 0, 0, title, f->title);
  if (stamp && *stamp)
    worksheet_write_string(ws, 1, 0, stamp, f->note);
  if (note && *note)
    worksheet_write_string(ws, 2, 0, note, f->note);
  char a[200], b[200], hf[255];
  amp_escape(title, a, sizeof a);
  snprintf(hf, sizeof hf, "&L%s", a);
  worksheet_set_header(ws, hf);
  amp_escape(stamp ? stamp : "", b, sizeof b);
  snprintf(hf, sizeof hf, "&L&8%s&RSeite &P von &N", b);
  worksheet_set_footer(ws, hf);
  worksheet_set_landscape(ws);
  worksheet_set_paper(ws, 9); /* A4 */
}

lxw_row_t xc_header(lxw_worksheet *ws, const xc_formats *f, lxw_row_t row,
                    const char *const *head, const double *widths) {
  for (lxw_col_t c = 0; head[c]; c++) {
    worksheet_write_string(ws, row, c, head[c], f->head);
    worksheet_set_column(ws, c, c, widths[c], NULL);
  }
  return row;
}

void xc_properties(lxw_workbook *wb, const char *title, const char *stamp,
                   int64_t created) {
  lxw_doc_properties p;
  memset(&p, 0, sizeof p);
  p.title = (char *)title;
  p.comments = (char *)(stamp ? stamp : "");
  p.author = (char *)"ampel";
  p.created = (time_t)created;
  workbook_set_properties(wb, &p);
}

ampel_status xc_close(lxw_workbook *wb, ampel_status s, const char *path,
                      ampel_diags *diags) {
  lxw_error e = workbook_close(wb);
  if (s == AMPEL_OK && e != LXW_NO_ERROR) {
    ampel_diags_error(diags, AMPEL_E_IO, "'%s' schreiben: %s", path,
                      lxw_strerror(e));
    return AMPEL_E_IO;
  }
  return s;
}
#else
typedef int ampel_xlsx_common_unused; /* ISO C: no empty translation unit */
#endif
