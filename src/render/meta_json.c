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
    ampel_buf_printf(b, ", \"decimals\": %d}", in->decimals);
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

