/* The long-format CSV export (export.h). */
#include <math.h>
#include <string.h>

#include "ampel/export.h"
#include "ampel/json.h"

/* 1 when marks say that any present cell was converted. */
static int any_marked(const ampel_dataset *ds, const ampel_values_filter *m) {
  if (!m || !m->converted)
    return 0;
  size_t na = ampel_dataset_n_areas(ds), ni = ampel_dataset_n_indicators(ds),
         np = ampel_dataset_n_periods(ds);
  for (size_t a = 0; a < na; a++)
    for (size_t i = 0; i < ni; i++)
      for (size_t p = 0; p < np; p++)
        if (ampel_dataset_get(ds, a, i, p).present &&
            m->converted(m->ud, a, i, p))
          return 1;
  return 0;
}

/* A field for ';'-separated CSV: quoted when it holds ';', '"' or a line
 * break. */
static void field_de(ampel_buf *out, const char *s) {
  if (!strpbrk(s, ";\"\r\n")) {
    ampel_buf_puts(out, s);
    return;
  }
  ampel_buf_putc(out, '"');
  for (const char *p = s; *p; p++) {
    if (*p == '"')
      ampel_buf_putc(out, '"');
    ampel_buf_putc(out, *p);
  }
  ampel_buf_putc(out, '"');
}

/* The number as ampel_buf_double writes it, with a decimal comma; NaN
 * stays empty. */
static void number_de(ampel_buf *out, double v) {
  if (isnan(v))
    return;
  char tmp[48];
  ampel_format_double(v, tmp, sizeof tmp);
  for (char *p = tmp; *p; p++)
    if (*p == '.')
      *p = ',';
  ampel_buf_puts(out, tmp);
}

/* The two dialects of the export: machine CSV and German Excel CSV. */
typedef struct dialect {
  const char *head, *head_mark; /* header without / with the mark column */
  char sep;
  const char *eol;
  const char *marked, *unmarked; /* the mark column's cells */
  void (*field)(ampel_buf *out, const char *s);
  void (*number)(ampel_buf *out, double v);
} dialect;

/* One row per present cell in the dialect (the mark column only when
 * some cell is converted). */
static void write_rows(const ampel_dataset *ds, const ampel_values_filter *m,
                       const dialect *d, ampel_buf *out) {
  int mark = any_marked(ds, m);
  ampel_buf_puts(out, mark ? d->head_mark : d->head);
  size_t na = ampel_dataset_n_areas(ds), ni = ampel_dataset_n_indicators(ds),
         np = ampel_dataset_n_periods(ds);
  for (size_t a = 0; a < na && !out->failed; a++) {
    const char *ak = ampel_dataset_area(ds, a)->key;
    for (size_t i = 0; i < ni; i++) {
      const char *ik = ampel_dataset_indicator(ds, i)->key;
      for (size_t p = 0; p < np; p++) {
        ampel_cell_ref c = ampel_dataset_get(ds, a, i, p);
        if (!c.present)
          continue;
        d->field(out, ak);
        ampel_buf_putc(out, d->sep);
        d->field(out, ik);
        ampel_buf_putc(out, d->sep);
        d->field(out, ampel_dataset_period(ds, p)->label);
        ampel_buf_putc(out, d->sep);
        d->number(out, c.flag == AMPEL_FLAG_ZERO ? 0.0 : c.value);
        ampel_buf_putc(out, d->sep);
        d->number(out, c.numerator);
        ampel_buf_putc(out, d->sep);
        d->number(out, c.denominator);
        ampel_buf_putc(out, d->sep);
        ampel_buf_puts(out, ampel_flag_symbol(c.flag));
        if (mark)
          ampel_buf_puts(out, m->converted(m->ud, a, i, p) ? d->marked
                                                           : d->unmarked);
        ampel_buf_puts(out, d->eol);
      }
    }
  }
}

void ampel_export_csv(const ampel_dataset *ds, const ampel_values_filter *marks,
                      ampel_buf *out) {
  static const dialect en = {
      "area,indicator,period,value,numerator,denominator,flag\n",
      "area,indicator,period,value,numerator,denominator,flag,converted\n",
      ',',
      "\n",
      ",1",
      ",",
      ampel_buf_csv_field,
      ampel_buf_double};
  write_rows(ds, marks, &en, out);
}

void ampel_export_csv_de(const ampel_dataset *ds,
                         const ampel_values_filter *marks, ampel_buf *out) {
  static const dialect de = {
      "\xef\xbb\xbfGebiet;Kennzahl;Zeitraum;Wert;Z\xc3\xa4hler;Nenner;"
      "Kennzeichen\r\n",
      "\xef\xbb\xbfGebiet;Kennzahl;Zeitraum;Wert;Z\xc3\xa4hler;Nenner;"
      "Kennzeichen;Umgerechnet\r\n",
      ';',
      "\r\n",
      ";ja",
      ";",
      field_de,
      number_de};
  write_rows(ds, marks, &de, out);
}
