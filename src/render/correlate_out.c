/* correlate_out.c - the answer of the question "Wechselwirkungen" as CSV,
 * JSON and the clustered heat table (METHODS.md §8). */
#include <stdio.h>

#include "ampel/alloc.h"
#include "ampel/analysis/correlate.h"
#include "ampel/chart.h"
#include "ampel/json.h"

/* Render may not call compute: the method's name here. */
static const char *method_name(ampel_corr_method m) {
  return m == AMPEL_CORR_SPEARMAN ? "spearman" : "pearson";
}

static const ampel_corr *pair(const ampel_correlation_answer *a, size_t i,
                              size_t j) {
  return &a->m[i * a->k + j];
}

static const char *ind_key(const ampel_correlation_answer *a, size_t j) {
  return ampel_dataset_indicator(a->ds, a->sel.inds[j])->key;
}

void ampel_correlation_write_csv(const ampel_correlation_answer *a,
                                 ampel_buf *b) {
  ampel_buf_puts(b, "a,b,method,r,n,p\n");
  for (size_t i = 0; i < a->k; i++)
    for (size_t j = i + 1; j < a->k; j++) {
      const ampel_corr *c = pair(a, i, j);
      ampel_buf_csv_field(b, ind_key(a, i));
      ampel_buf_putc(b, ',');
      ampel_buf_csv_field(b, ind_key(a, j));
      ampel_buf_printf(b, ",%s,", method_name(a->method));
      ampel_buf_double(b, c->r);
      ampel_buf_printf(b, ",%zu,", c->n);
      ampel_buf_double(b, c->p);
      ampel_buf_putc(b, '\n');
    }
}

void ampel_correlation_json(const ampel_correlation_answer *a, ampel_buf *b) {
  ampel_buf_puts(b, "{\"level\": ");
  ampel_json_str(b, a->sel.level);
  ampel_buf_puts(b, ", \"period\": ");
  ampel_json_str(b, ampel_dataset_period(a->ds, a->sel.period)->label);
  ampel_buf_puts(b, ", \"method\": ");
  ampel_json_str(b, method_name(a->method));
  ampel_buf_printf(b, ", \"areas\": %zu, \"not_rated\": %zu,\n"
                      "\"indicators\": [",
                   a->sel.n_areas - a->n_small, a->n_small);
  for (size_t j = 0; j < a->k; j++) {
    ampel_buf_puts(b, j ? ", " : "");
    ampel_json_str(b, ind_key(a, a->order[j]));
  }
  ampel_buf_puts(b, "],\n\"pairs\": [");
  size_t t = 0;
  for (size_t i = 0; i < a->k; i++)
    for (size_t j = i + 1; j < a->k; j++) {
      const ampel_corr *c = pair(a, i, j);
      ampel_buf_puts(b, t++ ? ",\n  {\"a\": " : "\n  {\"a\": ");
      ampel_json_str(b, ind_key(a, i));
      ampel_buf_puts(b, ", \"b\": ");
      ampel_json_str(b, ind_key(a, j));
      ampel_buf_puts(b, ", \"r\": ");
      ampel_json_num(b, c->r);
      ampel_buf_printf(b, ", \"n\": %zu, \"p\": ", c->n);
      ampel_json_num(b, c->p);
      ampel_buf_puts(b, "}");
    }
  ampel_buf_puts(b, "\n],\n\"footer\": ");
  ampel_json_str(b, a->footer);
  ampel_buf_puts(b, "}\n");
}

ampel_status ampel_correlation_write_svg(const ampel_correlation_answer *a,
                                         ampel_buf *b) {
  const char **names = ampel_calloc(a->k + 1, sizeof *names);
  if (!names)
    return AMPEL_E_NOMEM;
  for (size_t i = 0; i < a->k; i++) {
    const ampel_indicator *in = ampel_dataset_indicator(a->ds, a->sel.inds[i]);
    names[i] = in->name ? in->name : in->key;
  }
  char title[300], desc[400];
  snprintf(title, sizeof title, "Zusammenhänge der Kennzahlen – %s, %s",
           a->sel.level, ampel_dataset_period(a->ds, a->sel.period)->label);
  snprintf(desc, sizeof desc,
           "Korrelationen (%s) zwischen %zu Kennzahlen über die Gebiete der "
           "Ebene %s, geordnet nach Ähnlichkeit (Clusterung).",
           a->method == AMPEL_CORR_SPEARMAN ? "Spearman" : "Pearson", a->k,
           a->sel.level);
  ampel_chart_opts o = {title, desc, NULL, NULL,
                        a->footer && *a->footer ? a->footer : NULL, 2, 0};
  ampel_status s = ampel_chart_corr_matrix(names, a->k, a->m, a->order,
                                           a->method, &o, b);
  ampel_free(names);
  return s;
}
