/* render/csv_out.c - CSV outputs of the heatmap (scaled matrix, area tree)
 * and of the Ampel table (heatmap.h, lights.h). Comma-separated, '.'
 * decimals (shortest round-trip text), empty cells for missing numbers,
 * UTF-8, LF. */
#include <math.h>

#include "ampel/heatmap.h"
#include "ampel/lights.h"

void ampel_heatmap_write_csv(const ampel_heatmap *h, const ampel_dataset *ds,
                             ampel_buf *out) {
  ampel_buf_puts(out, "area,name");
  for (size_t p = 0; p < h->n_cols; p++) {
    ampel_buf_putc(out, ',');
    ampel_buf_csv_field(
        out, ampel_dataset_indicator(ds, h->ind_ids[h->col_order[p]])->key);
  }
  ampel_buf_putc(out, '\n');
  for (size_t q = 0; q < h->n_rows && !out->failed; q++) {
    size_t r = h->row_order[q];
    const ampel_area *a = ampel_dataset_area(ds, h->area_ids[r]);
    ampel_buf_csv_field(out, a->key);
    ampel_buf_putc(out, ',');
    ampel_buf_csv_field(out, a->name ? a->name : "");
    for (size_t p = 0; p < h->n_cols; p++) {
      ampel_buf_putc(out, ',');
      ampel_buf_double(out, h->scaled[r * h->n_cols + h->col_order[p]]);
    }
    ampel_buf_putc(out, '\n');
  }
}

/* Key of a tree child: the area key for a leaf, empty for a cluster. */
static void child_key(const ampel_heatmap *h, const ampel_dataset *ds,
                      size_t id, ampel_buf *out) {
  if (id < h->n_rows)
    ampel_buf_csv_field(out, ampel_dataset_area(ds, h->area_ids[id])->key);
}

ampel_status ampel_heatmap_write_tree(const ampel_heatmap *h,
                                      const ampel_dataset *ds, ampel_buf *out) {
  if (!h->row_tree && h->n_rows >= 2)
    return AMPEL_E_USAGE;
  ampel_buf_puts(out, "step,left,right,height,size,left_key,right_key\n");
  for (size_t k = 0; k + 1 < h->n_rows && !out->failed; k++) {
    const ampel_cluster_merge *m = &h->row_tree[k];
    ampel_buf_printf(out, "%zu,%zu,%zu,", k, m->left, m->right);
    ampel_buf_double(out, m->height);
    ampel_buf_printf(out, ",%zu,", m->size);
    child_key(h, ds, m->left, out);
    ampel_buf_putc(out, ',');
    child_key(h, ds, m->right, out);
    ampel_buf_putc(out, '\n');
  }
  return AMPEL_OK;
}

static void lights_row(const ampel_lights *l, const ampel_dataset *ds, size_t r,
                       size_t j, ampel_buf *out) {
  const ampel_lights_cell *c = ampel_lights_at(l, r, j);
  const ampel_lights_col *col = &l->cols[j];
  ampel_buf_csv_field(out, ampel_dataset_area(ds, l->area_ids[r])->key);
  ampel_buf_putc(out, ',');
  ampel_buf_csv_field(out, ampel_dataset_indicator(ds, col->ind)->key);
  ampel_buf_putc(out, ',');
  ampel_buf_csv_field(out, ampel_dataset_period(ds, l->cols[j].period)->label);
  ampel_buf_putc(out, ',');
  ampel_buf_double(out, c->value);
  ampel_buf_putc(out, ',');
  ampel_buf_double(out, col->ref.value);
  ampel_buf_putc(out, ',');
  ampel_buf_double(out, c->status_score);
  ampel_buf_printf(out, ",%s,", ampel_light_name(c->status));
  if (col->since >= 0)
    ampel_buf_csv_field(out,
                        ampel_dataset_period(ds, (size_t)col->since)->label);
  ampel_buf_putc(out, ',');
  ampel_buf_double(out, c->change);
  ampel_buf_putc(out, ',');
  ampel_buf_double(out, c->trend_score);
  ampel_buf_printf(out, ",%s,%s\n", ampel_trend_name(c->trend),
                   ampel_certainty_name(c->certain));
}

void ampel_lights_write_csv(const ampel_lights *l, const ampel_dataset *ds,
                            ampel_buf *out) {
  ampel_buf_puts(out, "area,indicator,period,value,reference,status_score,"
                      "status,since,change,trend_score,trend,certain\n");
  for (size_t r = 0; r < l->n_areas && !out->failed; r++)
    for (size_t j = 0; j < l->n_cols; j++)
      lights_row(l, ds, r, j, out);
}
