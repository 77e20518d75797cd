/* ampel lights: parse → analyse → render → write (METHODS.md §3,
 * docs/ampel.md). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ampel/alloc.h"
#include "ampel/analysis/lights.h"
#include "ampel/json.h"
#include "cli.h"

static void summary(const ampel_lights_answer *a, const char *out) {
  const ampel_lights *l = &a->lights;
  char st[96];
  printf("lights: %zu Gebiete × %zu Kennzahlen (%s, %s) → %s\n", l->n_areas,
         l->n_cols, l->level,
         ampel_stand_label_de(a->ds, l->period, ampel_lights_periods_differ(l),
                              st, sizeof st),
         out);
  printf("Status: %zu gut, %zu durchschnittlich, %zu kritisch, %zu %s\n",
         a->n_status[0], a->n_status[1], a->n_status[2], a->n_status[3],
         AMPEL_DE_NOT_RATED);
  for (size_t j = 0; j < l->n_cols; j++) {
    const ampel_lights_col *c = &l->cols[j];
    printf("%s: Referenz %s", ampel_dataset_indicator(a->ds, c->ind)->key,
           ampel_ref_method_label_de(c->ref.method));
    if (c->since >= 0)
      printf(", Entwicklung seit %s",
             ampel_dataset_period(a->ds, (size_t)c->since)->label);
    else
      printf(", keine Entwicklung (kein früherer Wert)");
    printf("\n");
  }
  if (a->converted)
    printf("%s\n", AMPEL_DE_CONVERTED_NOTE);
}

/* --entwicklung: the positive developments, strongest first, as CSV
 * (area,indicator,period,since,change,trend_score). */
static int developments(const cli_call *call, const ampel_lights_answer *a) {
  ampel_positive *p = NULL;
  size_t n = 0;
  if (ampel_lights_positive(a, &p, &n) != AMPEL_OK) {
    cli_error("kein Speicher");
    return EXIT_SYSTEM;
  }
  const ampel_lights *l = &a->lights;
  ampel_buf b;
  ampel_buf_init(&b);
  ampel_buf_puts(&b, "area,area_name,indicator,period,since,change,"
                     "trend_score\n");
  for (size_t i = 0; i < n; i++) {
    const ampel_lights_col *c = &l->cols[p[i].col];
    const ampel_lights_cell *e = ampel_lights_at(l, p[i].row, p[i].col);
    const ampel_area *ar = ampel_dataset_area(a->ds, l->area_ids[p[i].row]);
    ampel_buf_csv_field(&b, ar->key);
    ampel_buf_putc(&b, ',');
    ampel_buf_csv_field(&b, ar->name ? ar->name : "");
    ampel_buf_putc(&b, ',');
    ampel_buf_csv_field(&b, ampel_dataset_indicator(a->ds, c->ind)->key);
    ampel_buf_putc(&b, ',');
    ampel_buf_csv_field(&b, ampel_dataset_period(a->ds, c->period)->label);
    ampel_buf_putc(&b, ',');
    ampel_buf_csv_field(&b,
                        ampel_dataset_period(a->ds, (size_t)c->since)->label);
    ampel_buf_putc(&b, ',');
    ampel_buf_double(&b, e->change);
    ampel_buf_putc(&b, ',');
    ampel_buf_double(&b, e->trend_score);
    ampel_buf_putc(&b, '\n');
  }
  ampel_free(p);
  int rc = cli_write_kind(call, &b);
  ampel_buf_release(&b);
  if (rc == EXIT_OK)
    printf("Entwicklung: %zu positive Entwicklung%s (Zellen mit Entwicklung "
           "besser), die stärkste zuerst → %s\n",
           n, n == 1 ? "" : "en", CLI_OPT(call, AMPEL_OPT_OUTPUT));
  return rc;
}

static int render(const cli_call *call, const ampel_lights_answer *a) {
  const char *out = CLI_OPT(call, AMPEL_OPT_OUTPUT);
  if (ampel_query_flag(&call->q, AMPEL_OPT_DEVELOPMENTS))
    return developments(call, a);
  ampel_buf b;
  int kind = cli_table_kind(call), rc = EXIT_OK;
  if (kind == CLI_KIND_PICTURE) {
    ampel_buf_init(&b);
    ampel_lights_render_opts ro = {
        ampel_palette_find(CLI_OPT(call, AMPEL_OPT_PALETTE)),
        *a->footer ? a->footer : NULL, a->order};
    ampel_lights_write_svg(&a->lights, a->ds, &ro, &b);
    rc = cli_write_kind(call, &b);
  } else {
    /* tables stream to the file (issue 15: 10,000 areas x 50 indicators
     * are a 55 MB CSV, which need not sit in memory) */
    cli_out o;
    rc = cli_out_open(&o, out);
    if (rc != EXIT_OK)
      return rc;
    ampel_buf_init_sink(&b, cli_file_sink, o.f);
    if (kind == CLI_KIND_JSON)
      ampel_lights_json(a, &b);
    else
      ampel_lights_write_csv(&a->lights, a->ds, &b);
    ampel_status st = ampel_buf_flush(&b);
    if (st != AMPEL_OK)
      cli_error("'%s' schreiben: %s", out,
                st == AMPEL_E_NOMEM ? "zu wenig Speicher" : strerror(errno));
    rc = cli_out_close(&o, st == AMPEL_OK);
  }
  ampel_buf_release(&b);
  if (rc == EXIT_OK)
    summary(a, out);
  return rc;
}

static int show(const cli_call *call, const void *answer) {
  return render(call, (const ampel_lights_answer *)answer);
}

int cmd_lights(const cli_call *call) {
  static const cli_question qd = {&ampel_question_lights,
                                  ".csv, .json, .svg, .png oder .pdf", NULL, 0,
                                  show};
  return cli_ask(call, &qd, NULL);
}
