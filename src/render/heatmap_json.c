/* heatmap_json.c - the Heatmap answer as JSON (/api/v1/heatmap, `ampel
 * heatmap --format json`): rows and columns in drawn order, the area tree
 * (SciPy numbering) and the areas left out with their reason. */
#include "ampel/analysis/heatmap.h"
#include "ampel/json.h"

static const char *area_key(const ampel_heatmap_answer *a, size_t row) {
  const ampel_heatmap *h = &a->hm;
  return row < h->n_rows ? ampel_dataset_area(a->ds, h->area_ids[row])->key
                         : NULL;
}

static void tree(ampel_buf *b, const ampel_heatmap_answer *a) {
  const ampel_heatmap *h = &a->hm;
  ampel_buf_puts(b, "\"tree\": ");
  if (!h->row_tree) {
    ampel_buf_puts(b, "null");
    return;
  }
  ampel_buf_puts(b, "[");
  for (size_t k = 0; k + 1 < h->n_rows; k++) {
    const ampel_cluster_merge *m = &h->row_tree[k];
    ampel_buf_printf(b,
                     "%s{\"step\": %zu, \"left\": %zu, \"right\": %zu, "
                     "\"height\": ",
                     k ? ",\n  " : "\n  ", k, m->left, m->right);
    ampel_json_num(b, m->height);
    ampel_buf_printf(b, ", \"size\": %zu, \"left_key\": ", m->size);
    ampel_json_str(b, area_key(a, m->left));
    ampel_buf_puts(b, ", \"right_key\": ");
    ampel_json_str(b, area_key(a, m->right));
    ampel_buf_puts(b, "}");
  }
  ampel_buf_puts(b, "]");
}

/* One row of cells in drawn column order: the scaled or the raw values. */
static void cells(ampel_buf *b, const ampel_heatmap *h, const double *m,
                  size_t row) {
  for (size_t c = 0; c < h->n_cols; c++) {
    ampel_buf_puts(b, c ? ", " : "");
    ampel_json_num(b, m[row * h->n_cols + h->col_order[c]]);
  }
}

static void areas(ampel_buf *b, const ampel_heatmap_answer *a) {
  const ampel_heatmap *h = &a->hm;
  ampel_buf_puts(b, "\"areas\": [");
  for (size_t p = 0; p < h->n_rows; p++) {
    size_t row = h->row_order[p];
    ampel_buf_puts(b, p ? ",\n  {\"key\": " : "\n  {\"key\": ");
    ampel_json_str(b, area_key(a, row));
    ampel_buf_puts(b, ", \"scaled\": [");
    cells(b, h, h->scaled, row);
    ampel_buf_puts(b, "], \"raw\": [");
    cells(b, h, h->raw, row);
    ampel_buf_puts(b, "]}");
  }
  ampel_buf_puts(b, "],\n");
}

void ampel_heatmap_json(const ampel_heatmap_answer *a, ampel_buf *b) {
  const ampel_heatmap *h = &a->hm;
  ampel_buf_puts(b, "{\"level\": ");
  ampel_json_str(b, h->level);
  ampel_buf_puts(b, ", \"period\": ");
  ampel_json_str(b, ampel_dataset_period(a->ds, h->period)->label);
  ampel_buf_printf(b, ", \"per_indicator\": %s",
                   ampel_heatmap_periods_differ(h) ? "true" : "false");
  ampel_buf_puts(b, ",\n\"footer\": ");
  ampel_json_str(b, a->footer);
  ampel_buf_puts(b, ",\n\"indicators\": [");
  for (size_t c = 0; c < h->n_cols; c++) {
    ampel_buf_puts(b, c ? ", " : "");
    ampel_json_str(
        b, ampel_dataset_indicator(a->ds, h->ind_ids[h->col_order[c]])->key);
  }
  /* each indicator's period, in the same order (Stand je Kennzahl) */
  ampel_buf_puts(b, "],\n\"indicator_periods\": [");
  for (size_t c = 0; c < h->n_cols; c++) {
    ampel_buf_puts(b, c ? ", " : "");
    ampel_json_str(
        b, ampel_dataset_period(a->ds, h->col_period[h->col_order[c]])->label);
  }
  ampel_buf_puts(b, "],\n");
  areas(b, a);
  tree(b, a);
  ampel_buf_puts(b, ",\n\"dropped\": [");
  for (size_t i = 0; i < h->n_dropped; i++) {
    ampel_buf_puts(b, i ? ",\n  {\"key\": " : "\n  {\"key\": ");
    ampel_json_str(b, ampel_dataset_area(a->ds, h->dropped[i])->key);
    ampel_buf_puts(b, ", \"out\": ");
    ampel_json_str(b, a->reason_de[i]);
    ampel_buf_puts(b, "}");
  }
  ampel_buf_puts(b, "]}\n");
}
