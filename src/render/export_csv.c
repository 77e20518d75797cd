/* The long-format CSV export (export.h). */
#include <math.h>

#include "ampel/export.h"

void ampel_export_csv(const ampel_dataset *ds, ampel_buf *out) {
  ampel_buf_puts(out,
                 "area,indicator,period,value,numerator,denominator,flag\n");
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
        ampel_buf_csv_field(out, ak);
        ampel_buf_putc(out, ',');
        ampel_buf_csv_field(out, ik);
        ampel_buf_putc(out, ',');
        ampel_buf_csv_field(out, ampel_dataset_period(ds, p)->label);
        ampel_buf_putc(out, ',');
        ampel_buf_double(out, c.flag == AMPEL_FLAG_ZERO ? 0.0 : c.value);
        ampel_buf_putc(out, ',');
        ampel_buf_double(out, c.numerator);
        ampel_buf_putc(out, ',');
        ampel_buf_double(out, c.denominator);
        ampel_buf_putc(out, ',');
        ampel_buf_puts(out, ampel_flag_symbol(c.flag));
        ampel_buf_putc(out, '\n');
      }
    }
  }
}
