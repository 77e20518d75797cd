/* lights_json.c - the Ampel answer as JSON (/api/v1/lights, `ampel lights
 * --format json`). Areas in the Hinsehen order (most critical first). */
#include "ampel/analysis/lights.h"
#include "ampel/json.h"

static void cell(ampel_buf *b, const ampel_dataset *ds, const ampel_lights *l,
                 size_t row, size_t j) {
  const ampel_lights_cell *c = ampel_lights_at(l, row, j);
  ampel_buf_puts(b, "{\"indicator\": ");
  ampel_json_str(b, ampel_dataset_indicator(ds, l->cols[j].ind)->key);
  ampel_buf_puts(b, ", \"value\": ");
  ampel_json_num(b, c->value);
  ampel_buf_puts(b, ", \"status\": ");
  ampel_json_str(b, ampel_light_name(c->status));
  ampel_buf_puts(b, ", \"status_score\": ");
  ampel_json_num(b, c->status_score);
  ampel_buf_puts(b, ", \"trend\": ");
  ampel_json_str(b, ampel_trend_name(c->trend));
  ampel_buf_puts(b, ", \"trend_score\": ");
  ampel_json_num(b, c->trend_score);
  ampel_buf_puts(b, ", \"change\": ");
  ampel_json_num(b, c->change);
  ampel_buf_puts(b, ", \"certain\": ");
  ampel_json_str(b, c->certain == AMPEL_CERTAIN_NA
                        ? NULL
                        : ampel_certainty_name(c->certain));
  ampel_buf_puts(b, "}");
}

static void columns(ampel_buf *b, const ampel_dataset *ds,
                    const ampel_lights *l) {
  ampel_buf_puts(b, "\"indicators\": [");
  for (size_t j = 0; j < l->n_cols; j++) {
    const ampel_lights_col *c = &l->cols[j];
    ampel_buf_puts(b, j ? ",\n  {\"key\": " : "\n  {\"key\": ");
    ampel_json_str(b, ampel_dataset_indicator(ds, c->ind)->key);
    ampel_buf_puts(b, ", \"period\": ");
    ampel_json_str(b, ampel_dataset_period(ds, c->period)->label);
    ampel_buf_puts(b, ", \"reference\": ");
    ampel_json_num(b, c->ref.value);
    ampel_buf_puts(b, ", \"reference_method\": ");
    ampel_json_str(b, ampel_ref_method_name(c->ref.method));
    ampel_buf_puts(b, ", \"since\": ");
    ampel_json_str(b, c->since >= 0
                          ? ampel_dataset_period(ds, (size_t)c->since)->label
                          : NULL);
    ampel_buf_puts(b, "}");
  }
  ampel_buf_puts(b, "],\n");
}

static void area(ampel_buf *b, const ampel_lights_answer *a, size_t i) {
  const ampel_lights *l = &a->lights;
  size_t row = a->order[i], crit = 0, worse = 0;
  const ampel_area *ar = ampel_dataset_area(a->ds, l->area_ids[row]);
  ampel_lights_counts(l, row, &crit, &worse);
  ampel_buf_puts(b, i ? ",\n  {\"key\": " : "\n  {\"key\": ");
  ampel_json_str(b, ar->key);
  ampel_buf_puts(b, ", \"name\": ");
  ampel_json_str(b, ar->name);
  ampel_buf_puts(b, ", \"out\": ");
  ampel_json_str(b,
                 a->reason[row] ? ampel_out_reason_de(a->reason[row]) : NULL);
  ampel_buf_printf(b, ", \"critical\": %zu, \"worse\": %zu, \"cells\": [", crit,
                   worse);
  for (size_t j = 0; j < l->n_cols; j++) {
    ampel_buf_puts(b, j ? ",\n    " : "\n    ");
    cell(b, a->ds, l, row, j);
  }
  ampel_buf_puts(b, "]}");
}

void ampel_lights_json(const ampel_lights_answer *a, ampel_buf *b) {
  const ampel_lights *l = &a->lights;
  ampel_buf_puts(b, "{\"level\": ");
  ampel_json_str(b, l->level);
  ampel_buf_puts(b, ", \"period\": ");
  ampel_json_str(b, ampel_dataset_period(a->ds, l->period)->label);
  ampel_buf_printf(b, ", \"per_indicator\": %s",
                   ampel_lights_periods_differ(l) ? "true" : "false");
  ampel_buf_puts(b, ", \"band\": ");
  ampel_json_num(b, l->band);
  ampel_buf_printf(b, ", \"status_method\": \"%s\",\n",
                   l->method == AMPEL_STATUS_METHOD_SD ? "z" : "relative");
  ampel_buf_puts(b, "\"footer\": ");
  ampel_json_str(b, a->footer);
  ampel_buf_puts(b, ",\n");
  columns(b, a->ds, l);
  ampel_buf_puts(b, "\"areas\": [");
  for (size_t i = 0; i < l->n_areas; i++)
    area(b, a, i);
  ampel_buf_puts(b, "\n]}\n");
}
