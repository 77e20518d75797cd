/* meta_json.c - the lists of areas, indicators and periods as JSON
 * (/api/v1/areas|indicators|periods, `ampel list --format json`). */
#include <math.h>
#include <string.h>

#include "ampel/json.h"

void ampel_areas_json(const ampel_dataset *ds, const char *level,
                      ampel_buf *b) {
  ampel_buf_puts(b, "[");
  size_t k = 0;
  for (size_t i = 0; i < ampel_dataset_n_areas(ds); i++) {
    const ampel_area *a = ampel_dataset_area(ds, i);
    if (level && (!a->level || strcmp(a->level, level) != 0))
      continue;
    ampel_buf_puts(b, k++ ? ",\n {\"key\": " : "\n {\"key\": ");
    ampel_json_str(b, a->key);
    ampel_buf_puts(b, ", \"name\": ");
    ampel_json_str(b, a->name);
    ampel_buf_puts(b, ", \"parent\": ");
    ampel_json_str(b, a->parent);
    ampel_buf_puts(b, ", \"level\": ");
    ampel_json_str(b, a->level);
    ampel_buf_puts(b, ", \"population\": ");
    ampel_json_num(b, a->population);
    ampel_buf_puts(b, ", \"tile_row\": ");
    ampel_json_num(b, a->tile_row == AMPEL_NO_TILE ? NAN : a->tile_row);
    ampel_buf_puts(b, ", \"tile_col\": ");
    ampel_json_num(b, a->tile_row == AMPEL_NO_TILE ? NAN : a->tile_col);
    ampel_buf_puts(b, ", \"lat\": ");
    ampel_json_num(b, a->lat);
    ampel_buf_puts(b, ", \"lon\": ");
    ampel_json_num(b, a->lon);
    ampel_buf_puts(b, "}");
  }
  ampel_buf_puts(b, "\n]\n");
}

void ampel_indicators_json(const ampel_dataset *ds, ampel_buf *b) {
  ampel_buf_puts(b, "[");
  for (size_t i = 0; i < ampel_dataset_n_indicators(ds); i++) {
    const ampel_indicator *in = ampel_dataset_indicator(ds, i);
    ampel_buf_puts(b, i ? ",\n {\"key\": " : "\n {\"key\": ");
    ampel_json_str(b, in->key);
    ampel_buf_puts(b, ", \"name\": ");
    ampel_json_str(b, in->name);
    ampel_buf_puts(b, ", \"unit\": ");
    ampel_json_str(b, in->unit);
    ampel_buf_puts(b, ", \"domain\": ");
    ampel_json_str(b, in->domain);
    ampel_buf_puts(b, ", \"polarity\": ");
    ampel_json_str(b, ampel_polarity_name(in->polarity));
    ampel_buf_puts(b, ", \"definition\": ");
    ampel_json_str(b, in->definition);
    ampel_buf_puts(b, ", \"source\": ");
    ampel_json_str(b, in->source);
    ampel_buf_puts(b, ", \"reference_date\": ");
    ampel_json_str(b, in->reference_date);
    /* "decimals": null when not given (not -1) */
    if (in->decimals >= 0)
      ampel_buf_printf(b, ", \"decimals\": %d", in->decimals);
    else
      ampel_buf_puts(b, ", \"decimals\": null");
    ampel_buf_puts(b, ", \"kind\": ");
    ampel_json_str(b, ampel_ind_kind_name(ampel_indicator_kind(in)));
    ampel_buf_puts(b, ", \"formula\": ");
    ampel_json_str(b, in->formula);
    ampel_buf_puts(b, "}");
  }
  ampel_buf_puts(b, "\n]\n");
}

void ampel_periods_json(const ampel_dataset *ds, ampel_buf *b) {
  ampel_buf_puts(b, "[");
  for (size_t i = 0; i < ampel_dataset_n_periods(ds); i++) {
    const ampel_period *p = ampel_dataset_period(ds, i);
    ampel_buf_puts(b, i ? ",\n {\"label\": " : "\n {\"label\": ");
    ampel_json_str(b, p->label);
    int32_t k = p->sort_key;
    ampel_buf_printf(b, ", \"start\": \"%04d-%02d-%02d\"}", (int)(k / 10000),
                     (int)(k / 100 % 100), (int)(k % 100));
  }
  ampel_buf_puts(b, "\n]\n");
}

static void value_obj(const ampel_dataset *ds, ampel_buf *b, size_t a, size_t i,
                      size_t t, const ampel_cell_ref *c,
                      const ampel_values_filter *f) {
  ampel_buf_puts(b, "{\"area\": ");
  ampel_json_str(b, ampel_dataset_area(ds, a)->key);
  ampel_buf_puts(b, ", \"indicator\": ");
  ampel_json_str(b, ampel_dataset_indicator(ds, i)->key);
  ampel_buf_puts(b, ", \"period\": ");
  ampel_json_str(b, ampel_dataset_period(ds, t)->label);
  ampel_buf_puts(b, ", \"value\": ");
  ampel_json_num(b, ampel_flag_has_value(c->flag) ? c->value : NAN);
  ampel_buf_puts(b, ", \"numerator\": ");
  ampel_json_num(b, c->numerator);
  ampel_buf_puts(b, ", \"denominator\": ");
  ampel_json_num(b, c->denominator);
  ampel_buf_puts(b, ", \"flag\": ");
  ampel_json_str(b, ampel_flag_symbol(c->flag));
  if (f && f->converted && f->converted(f->ud, a, i, t))
    ampel_buf_puts(b, ", \"converted\": true");
  ampel_buf_puts(b, "}");
}

static int keep_area(const ampel_dataset *ds, const ampel_values_filter *f,
                     size_t a) {
  const ampel_area *ar = ampel_dataset_area(ds, a);
  if (!f)
    return 1;
  if (f->area >= 0 && (long)a != f->area)
    return 0;
  return !f->level || (ar->level && strcmp(ar->level, f->level) == 0);
}

void ampel_values_json(const ampel_dataset *ds, const ampel_values_filter *f,
                       ampel_buf *b) {
  ampel_buf_puts(b, "[");
  size_t k = 0;
  for (size_t a = 0; a < ampel_dataset_n_areas(ds); a++) {
    if (!keep_area(ds, f, a))
      continue;
    for (size_t i = 0; i < ampel_dataset_n_indicators(ds); i++)
      for (size_t t = 0; t < ampel_dataset_n_periods(ds); t++) {
        if (f && ((f->indicator >= 0 && (long)i != f->indicator) ||
                  (f->period >= 0 && (long)t != f->period)))
          continue;
        ampel_cell_ref c = ampel_dataset_get(ds, a, i, t);
        if (!c.present)
          continue;
        ampel_buf_puts(b, k++ ? ",\n " : "\n ");
        value_obj(ds, b, a, i, t, &c, f);
      }
  }
  ampel_buf_puts(b, "\n]\n");
}
