/* The publication workbook (include/ampel/xlsx_export.h), written with
 * libxlsxwriter. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ampel/alloc.h"
#include "ampel/analysis.h"
#include "ampel/analysis/lights.h"
#include "ampel/buf.h"
#include "ampel/report.h"
#include "ampel/svg.h"
#include "ampel/xlsx_export.h"
#include "xlsx_common.h"

void ampel_xlsx_export_opts_init(ampel_xlsx_export_opts *o) {
  memset(o, 0, sizeof *o);
  o->min_count = 3;
}

#ifndef AMPEL_HAVE_XLSXWRITER

int ampel_xlsx_export_available(void) {
  return 0;
}

ampel_status ampel_xlsx_export_write(const ampel_dataset *ds,
                                     const ampel_xlsx_export_opts *o,
                                     const char *path, ampel_diags *diags) {
  (void)ds, (void)o, (void)path;
  ampel_diags_error(diags, AMPEL_E_USAGE,
                    "XLSX-Ausgabe ist in diesem Build "
                    "nicht verfügbar (libxlsxwriter "
                    "fehlt)");
  return AMPEL_E_USAGE;
}

#else

#define MAX_ROWS 1048000u
#define HEAD_ROW 4 /* rows 0-2: title, data version, disclosure note */

typedef struct xw {
  lxw_workbook *wb;
  const ampel_dataset *ds;
  const ampel_xlsx_export_opts *o;
  xc_formats f;
  lxw_format *num[11];
  lxw_format *amp[4][2][11]; /* status x uncertain x decimals */
  lxw_format *plain[11];     /* small areas: value without colour */
  char note[256];
  char comment_secret[200];
} xw;

static int decimals_of(const ampel_dataset *ds, size_t ind) {
  int d = ampel_dataset_indicator(ds, ind)->decimals;
  if (d >= 0)
    return d > 10 ? 10 : d;
  d = 0;
  for (size_t p = 0; p < ampel_dataset_n_periods(ds); p++) {
    const double *v = ampel_dataset_values(ds, ind, p);
    for (size_t a = 0; v && a < ampel_dataset_n_areas(ds) && d < 3; a++)
      while (isfinite(v[a]) && d < 3 &&
             fabs(v[a] * pow(10, d) - round(v[a] * pow(10, d))) >
                 1e-6 * fmax(1, fabs(v[a] * pow(10, d))))
        d++;
  }
  return d;
}

static lxw_format *num_format(xw *x, int d) {
  if (!x->num[d]) {
    x->num[d] = workbook_add_format(x->wb);
    char fmt[32];
    xc_number_format(d, fmt, sizeof fmt);
    format_set_num_format(x->num[d], fmt);
  }
  return x->num[d];
}

static uint32_t rgb_int(ampel_rgb c) {
  return ((uint32_t)c.r << 16) | ((uint32_t)c.g << 8) | c.b;
}

static ampel_rgb status_rgb(ampel_light l) {
  const ampel_palette *p = ampel_palette_default();
  return l == AMPEL_LIGHT_GOOD       ? p->good
         : l == AMPEL_LIGHT_AVERAGE  ? p->average
         : l == AMPEL_LIGHT_CRITICAL ? p->critical
                                     : (ampel_rgb){0xee, 0xee, 0xee};
}

static lxw_format *amp_format(xw *x, ampel_light l, int uncertain, int d) {
  lxw_format **slot = &x->amp[l][uncertain][d];
  if (*slot)
    return *slot;
  lxw_format *f = workbook_add_format(x->wb);
  ampel_rgb bg = status_rgb(l);
  if (uncertain)
    bg = ampel_rgb_mix(bg, (ampel_rgb){255, 255, 255}, 0.55);
  format_set_bg_color(f, rgb_int(bg));
  format_set_pattern(f, LXW_PATTERN_SOLID);
  format_set_font_color(f, rgb_int(ampel_rgb_text_on(bg)));
  format_set_border(f, LXW_BORDER_THIN);
  format_set_border_color(f, 0xFFFFFF);
  char fmt[32];
  xc_number_format(d, fmt, sizeof fmt);
  format_set_num_format(f, fmt);
  format_set_align(f, LXW_ALIGN_RIGHT);
  *slot = f;
  return f;
}

/* Rows 0-2 of every sheet and the printed header/footer. */
static void sheet_top(xw *x, lxw_worksheet *ws, const char *title) {
  xc_sheet_top(ws, &x->f, title, x->o->stamp, x->note);
}

/* ---- Werte ------------------------------------------------------------- */

/* A cell comment: `text` (or none), prefixed by the conversion note when
 * the cell was converted from a boundary reform's old areas. */
#define CONVERTED_DE "umgerechnet aus den Gebieten vor der Gebietsreform"
static void comment(xw *x, lxw_worksheet *ws, lxw_row_t r, lxw_col_t col,
                    size_t a, size_t i, size_t p, const char *text) {
  int conv = x->o->converted && x->o->converted(x->o->converted_ud, a, i, p);
  if (conv && text) {
    char both[256];
    snprintf(both, sizeof both, "%s; %s", CONVERTED_DE, text);
    worksheet_write_comment(ws, r, col, both);
  } else if (conv || text) {
    worksheet_write_comment(ws, r, col, conv ? CONVERTED_DE : text);
  }
}

static void write_cell(xw *x, lxw_worksheet *ws, lxw_row_t r, size_t a,
                       size_t i, size_t p, int d) {
  ampel_cell_ref c = ampel_dataset_get(x->ds, a, i, p);
  if (ampel_flag_has_value(c.flag) && isfinite(c.value)) {
    worksheet_write_number(ws, r, 6, c.value, num_format(x, d));
    comment(x, ws, r, 6, a, i, p,
            c.flag == AMPEL_FLAG_LIMITED ? "Aussagewert eingeschränkt ()"
                                         : NULL);
  } else {
    worksheet_write_string(ws, r, 6, ampel_flag_symbol(c.flag), x->f.center);
    worksheet_write_comment(ws, r, 6,
                            c.flag == AMPEL_FLAG_SECRET
                                ? x->comment_secret
                                : ampel_flag_label_de(c.flag));
  }
  if (isfinite(c.numerator))
    worksheet_write_number(ws, r, 7, c.numerator, num_format(x, 0));
  if (isfinite(c.denominator))
    worksheet_write_number(ws, r, 8, c.denominator, num_format(x, 0));
  if (c.flag != AMPEL_FLAG_NONE)
    worksheet_write_string(ws, r, 9, ampel_flag_symbol(c.flag), x->f.center);
}

static ampel_status sheet_werte(xw *x, ampel_diags *diags) {
  static const char *const head[] = {
      "Gebiet",       "Gebietsname", "Ebene", "Kennzahl",
      "Kennzahlname", "Zeitraum",    "Wert",  "Zähler",
      "Nenner",       "Zeichen",     NULL};
  static const double widths[] = {14, 26, 13, 22, 40, 11, 12, 10, 10, 8};
  if (ampel_dataset_n_observations(x->ds) > MAX_ROWS) {
    ampel_diags_error(diags, AMPEL_E_TOO_LARGE,
                      "%zu Werte passen nicht in ein Excel-Blatt (höchstens "
                      "%u); bitte als CSV ausgeben",
                      ampel_dataset_n_observations(x->ds), MAX_ROWS);
    return AMPEL_E_TOO_LARGE;
  }
  lxw_worksheet *ws = workbook_add_worksheet(x->wb, "Werte");
  sheet_top(x, ws, "Werte (Langformat)");
  lxw_row_t last = xc_header(ws, &x->f, HEAD_ROW, head, widths);
  size_t ni = ampel_dataset_n_indicators(x->ds);
  int *dec = ampel_calloc(ni + 1, sizeof *dec);
  if (!dec)
    return AMPEL_E_NOMEM;
  for (size_t i = 0; i < ni; i++)
    dec[i] = decimals_of(x->ds, i);
  for (size_t a = 0; a < ampel_dataset_n_areas(x->ds); a++) {
    const ampel_area *ar = ampel_dataset_area(x->ds, a);
    for (size_t i = 0; i < ni; i++) {
      const ampel_indicator *in = ampel_dataset_indicator(x->ds, i);
      for (size_t p = 0; p < ampel_dataset_n_periods(x->ds); p++) {
        if (!ampel_dataset_get(x->ds, a, i, p).present)
          continue;
        lxw_row_t r = ++last;
        worksheet_write_string(ws, r, 0, ar->key, x->f.text);
        worksheet_write_string(ws, r, 1, ar->name, NULL);
        worksheet_write_string(ws, r, 2, ar->level, NULL);
        worksheet_write_string(ws, r, 3, in->key, x->f.text);
        worksheet_write_string(ws, r, 4, in->name, NULL);
        worksheet_write_string(ws, r, 5, ampel_dataset_period(x->ds, p)->label,
                               x->f.text);
        write_cell(x, ws, r, a, i, p, dec[i]);
      }
    }
  }
  ampel_free(dec);
  worksheet_freeze_panes(ws, HEAD_ROW + 1, 0);
  worksheet_autofilter(ws, HEAD_ROW, 0, last, 9);
  return AMPEL_OK;
}

/* ---- Ampel --------------------------------------------------------------- */

static const char *arrow(ampel_trend t) {
  return t == AMPEL_TREND_UP       ? "\xe2\x86\x91" /* ↑ neutral */
         : t == AMPEL_TREND_DOWN   ? "\xe2\x86\x93" /* ↓ */
         : t == AMPEL_TREND_SAME   ? "="
         : t == AMPEL_TREND_BETTER ? "\xe2\x86\x97"
         : t == AMPEL_TREND_WORSE  ? "\xe2\x86\x98"
         : t == AMPEL_TREND_STABLE ? "\xe2\x86\x92"
                                   : "";
}

static void amp_cell(xw *x, lxw_worksheet *ws, const ampel_lights_answer *a,
                     size_t r, size_t j, lxw_row_t row, int d) {
  size_t area = a->lights.area_ids[r], ind = a->sel.inds[j];
  lxw_col_t col = (lxw_col_t)(2 + 2 * j);
  const ampel_lights_cell *e = ampel_lights_at(&a->lights, r, j);
  ampel_cell_ref c =
      ampel_dataset_get(x->ds, area, ind, a->lights.cols[j].period);
  int small = a->reason[r] == AMPEL_REASON_SMALL;
  if (c.present && ampel_flag_has_value(c.flag) && isfinite(c.value)) {
    lxw_format *f =
        small ? x->plain[d]
              : amp_format(x, e->status, e->certain == AMPEL_CERTAIN_NO, d);
    worksheet_write_number(ws, row, col, c.value, f);
    comment(x, ws, row, col, area, ind, a->lights.cols[j].period,
            small ? "zu wenige Einwohner: gezeigt, nicht bewertet"
            : e->certain == AMPEL_CERTAIN_NO
                ? "unsicher: das 95-%-Intervall enthält den Referenzwert"
                : NULL);
  } else {
    worksheet_write_string(
        ws, row, col, c.present ? ampel_flag_symbol(c.flag) : "–", x->f.center);
    if (c.present && c.flag == AMPEL_FLAG_SECRET)
      worksheet_write_comment(ws, row, col, x->comment_secret);
  }
  worksheet_write_string(ws, row, col + 1, arrow(e->trend), x->f.center);
}

static void amp_header(xw *x, lxw_worksheet *ws, const ampel_lights_answer *a) {
  worksheet_write_string(ws, HEAD_ROW, 0, "Gebiet", x->f.head);
  worksheet_write_string(ws, HEAD_ROW, 1, "Gebietsname", x->f.head);
  worksheet_set_column(ws, 0, 0, 14, NULL);
  worksheet_set_column(ws, 1, 1, 24, NULL);
  int differs = ampel_lights_periods_differ(&a->lights);
  for (size_t j = 0; j < a->sel.n_inds; j++) {
    const ampel_indicator *in = ampel_dataset_indicator(x->ds, a->sel.inds[j]);
    char h[512];
    /* Stand je Kennzahl: the column names its period */
    const char *per =
        ampel_dataset_period(x->ds, a->lights.cols[j].period)->label;
    snprintf(h, sizeof h, "%s%s%s%s%s%s%s", in->name,
             in->unit && *in->unit ? " (" : "", in->unit ? in->unit : "",
             in->unit && *in->unit ? ")" : "", differs ? " [" : "",
             differs ? per : "", differs ? "]" : "");
    lxw_col_t col = (lxw_col_t)(2 + 2 * j);
    worksheet_write_string(ws, HEAD_ROW, col, h, x->f.head);
    worksheet_write_string(ws, HEAD_ROW, col + 1, "Entw.", x->f.head);
    worksheet_set_column(ws, col, col, 16, NULL);
    worksheet_set_column(ws, col + 1, col + 1, 6, NULL);
  }
  worksheet_set_row(ws, HEAD_ROW, 62, NULL);
}

static void amp_legend(xw *x, lxw_worksheet *ws, lxw_row_t row) {
  static const ampel_light ls[] = {AMPEL_LIGHT_GOOD, AMPEL_LIGHT_AVERAGE,
                                   AMPEL_LIGHT_CRITICAL, AMPEL_LIGHT_NONE};
  worksheet_write_string(ws, row++, 0, "Legende", x->f.bold);
  for (size_t i = 0; i < 4; i++) {
    worksheet_write_string(ws, row, 0, "", amp_format(x, ls[i], 0, 0));
    worksheet_write_string(ws, row++, 1, ampel_light_label_de(ls[i]), NULL);
  }
  worksheet_write_string(ws, row++, 0,
                         "Entw.: \xe2\x86\x97 besser, \xe2\x86\x92 stabil, "
                         "\xe2\x86\x98 schlechter als die Gesamtstadt; heller "
                         "= unsicher; . = unterdrückt oder geheim; – = kein "
                         "Wert",
                         NULL);
  if (x->o->lights && x->o->lights->converted)
    worksheet_write_string(ws, row++, 0, AMPEL_DE_CONVERTED_NOTE, NULL);
}

static ampel_status sheet_ampel(xw *x, ampel_diags *diags) {
  const ampel_lights_answer *a = x->o->lights;
  if (!a) {
    ampel_diags_error(diags, AMPEL_E_USAGE, "keine Ampel für das Blatt Ampel");
    return AMPEL_E_USAGE;
  }
  lxw_worksheet *ws = workbook_add_worksheet(x->wb, "Ampel");
  char title[256];
  char st[96];
  snprintf(title, sizeof title, "Ampel: %s, %s", a->sel.level,
           ampel_stand_label_de(x->ds, a->sel.period,
                                ampel_lights_periods_differ(&a->lights), st,
                                sizeof st));
  sheet_top(x, ws, title);
  amp_header(x, ws, a);
  lxw_row_t row = HEAD_ROW;
  for (size_t r = 0; r < a->lights.n_areas; r++) {
    row++;
    const ampel_area *ar = ampel_dataset_area(x->ds, a->lights.area_ids[r]);
    worksheet_write_string(ws, row, 0, ar->key, x->f.text);
    worksheet_write_string(ws, row, 1, ar->name, NULL);
    for (size_t j = 0; j < a->sel.n_inds; j++)
      amp_cell(x, ws, a, r, j, row, decimals_of(x->ds, a->sel.inds[j]));
  }
  lxw_col_t last_col = (lxw_col_t)(1 + 2 * a->sel.n_inds);
  worksheet_freeze_panes(ws, HEAD_ROW + 1, 2);
  worksheet_autofilter(ws, HEAD_ROW, 0, row, last_col);
  amp_legend(x, ws, row + 2);
  return AMPEL_OK;
}

/* ---- Kennzahlen, Methoden, Quellen --------------------------------------- */

static const char *polarity_de(ampel_polarity p) {
  return p == AMPEL_POL_HIGHER_IS_BETTER  ? "hoch_ist_gut"
         : p == AMPEL_POL_HIGHER_IS_WORSE ? "hoch_ist_schlecht"
                                          : "neutral";
}

static void sheet_kennzahlen(xw *x) {
  static const char *const head[] = {"Schlüssel",
                                     "Name",
                                     "Einheit",
                                     "Richtung",
                                     "Handlungsfeld",
                                     "Definition",
                                     "Quelle",
                                     "Stichtag",
                                     "Nachkommastellen",
                                     "Fallzahl (Geheimhaltung)",
                                     NULL};
  static const double widths[] = {22, 36, 12, 18, 22, 60, 50, 22, 10, 12};
  lxw_worksheet *ws = workbook_add_worksheet(x->wb, "Kennzahlen");
  sheet_top(x, ws, "Kennzahlen");
  lxw_row_t r = xc_header(ws, &x->f, HEAD_ROW, head, widths);
  for (size_t i = 0; i < ampel_dataset_n_indicators(x->ds); i++) {
    const ampel_indicator *in = ampel_dataset_indicator(x->ds, i);
    const char *v[] = {
        in->key,    in->name,       in->unit,   polarity_de(in->polarity),
        in->domain, in->definition, in->source, in->reference_date};
    r++;
    for (lxw_col_t c = 0; c < 8; c++)
      worksheet_write_string(ws, r, c, v[c] ? v[c] : "", x->f.wrap);
    if (in->decimals >= 0)
      worksheet_write_number(ws, r, 8, in->decimals, NULL);
    worksheet_write_string(
        ws, r, 9, x->o->is_count && x->o->is_count[i] ? "ja" : "nein", NULL);
  }
  worksheet_freeze_panes(ws, HEAD_ROW + 1, 1);
  worksheet_autofilter(ws, HEAD_ROW, 0, r, 9);
}

static void sheet_methoden(xw *x) {
  lxw_worksheet *ws = workbook_add_worksheet(x->wb, "Methoden");
  sheet_top(x, ws, "Methoden");
  worksheet_set_column(ws, 0, 0, 14, NULL);
  worksheet_set_column(ws, 1, 1, 100, NULL);
  lxw_row_t r = HEAD_ROW;
  const char *const *m = ampel_methods_summary_de();
  for (size_t i = 0; m[i]; i += 2) {
    worksheet_write_string(ws, r++, 0, m[i], x->f.bold);
    worksheet_write_string(ws, r++, 1, m[i + 1], x->f.wrap);
  }
  worksheet_write_string(ws, ++r, 0, "Zeichenerklärung", x->f.bold);
  for (int f = AMPEL_FLAG_SECRET; f < AMPEL_FLAG_COUNT_; f++) {
    worksheet_write_string(ws, ++r, 0, ampel_flag_symbol((ampel_flag)f),
                           x->f.center);
    worksheet_write_string(ws, r, 1, ampel_flag_label_de((ampel_flag)f), NULL);
  }
  r += 2;
  worksheet_write_string(ws, r++, 0, "Geheimhaltung", x->f.bold);
  worksheet_write_string(ws, r, 1, x->note, x->f.wrap);
}

static void sheet_quellen(xw *x) {
  static const char *const head[] = {"Quelle", "Kennzahlen", NULL};
  static const double widths[] = {80, 60};
  lxw_worksheet *ws = workbook_add_worksheet(x->wb, "Quellen");
  sheet_top(x, ws, "Quellen");
  lxw_row_t r = xc_header(ws, &x->f, HEAD_ROW, head, widths);
  size_t n = ampel_dataset_n_indicators(x->ds);
  for (size_t i = 0; i < n; i++) {
    const char *src = ampel_dataset_indicator(x->ds, i)->source;
    int seen = 0;
    for (size_t k = 0; k < i && !seen; k++) {
      const char *o = ampel_dataset_indicator(x->ds, k)->source;
      seen = o && src && strcmp(o, src) == 0;
    }
    if (seen || !src || !*src)
      continue;
    ampel_buf keys;
    ampel_buf_init(&keys);
    for (size_t k = i; k < n; k++) {
      const ampel_indicator *in = ampel_dataset_indicator(x->ds, k);
      if (in->source && strcmp(in->source, src) == 0)
        ampel_buf_printf(&keys, "%s%s", keys.len ? ", " : "", in->key);
    }
    worksheet_write_string(ws, ++r, 0, src, x->f.wrap);
    worksheet_write_string(ws, r, 1, keys.data ? keys.data : "", x->f.wrap);
    ampel_buf_release(&keys);
  }
}

int ampel_xlsx_export_available(void) {
  return 1;
}

static void init_formats(xw *x) {
  xc_formats_init(x->wb, &x->f);
  for (int d = 0; d <= 10; d++) {
    x->plain[d] = workbook_add_format(x->wb);
    char fmt[32];
    xc_number_format(d, fmt, sizeof fmt);
    format_set_num_format(x->plain[d], fmt);
  }
  snprintf(x->note, sizeof x->note, "%s", x->o->note ? x->o->note : "");
  snprintf(x->comment_secret, sizeof x->comment_secret,
           "unterdrückt oder geheim (Geheimhaltung: Werte unter %ld)",
           x->o->min_count);
}

ampel_status ampel_xlsx_export_write(const ampel_dataset *ds,
                                     const ampel_xlsx_export_opts *o,
                                     const char *path, ampel_diags *diags) {
  xw x;
  memset(&x, 0, sizeof x);
  x.ds = ds;
  x.o = o;
  x.wb = workbook_new(path);
  if (!x.wb) {
    ampel_diags_error(diags, AMPEL_E_IO, "'%s' kann nicht angelegt werden",
                      path);
    return AMPEL_E_IO;
  }
  xc_properties(x.wb, "Bildungsmonitoring: Werte und Ampel", o->stamp,
                o->created);
  init_formats(&x);
  ampel_status s = sheet_werte(&x, diags);
  if (s == AMPEL_OK)
    s = sheet_ampel(&x, diags);
  if (s == AMPEL_OK) {
    sheet_kennzahlen(&x);
    sheet_methoden(&x);
    sheet_quellen(&x);
  }
  return xc_close(x.wb, s, path, diags);
}

#endif
