/* ampel correlate: parse → analyse → render → write (METHODS.md §8). */
#include <stdio.h>
#include <string.h>

#include "ampel/analysis/correlate.h"
#include "ampel/json.h"
#include "cli.h"

static int render(const cli_call *call, const ampel_correlation_answer *a) {
  const char *out = CLI_OPT(call, AMPEL_OPT_OUTPUT);
  int kind = cli_table_kind(call);
  ampel_buf b;
  ampel_buf_init(&b);
  ampel_status st = AMPEL_OK;
  if (kind == CLI_KIND_PICTURE)
    st = ampel_correlation_write_svg(a, &b);
  else if (kind == CLI_KIND_JSON)
    ampel_correlation_json(a, &b);
  else
    ampel_correlation_write_csv(a, &b);
  int rc = st != AMPEL_OK ? ampel_status_exit_code(st)
           : kind == CLI_KIND_PICTURE
               ? cli_write_buf(out, &b, ampel_query_num(&call->q, AMPEL_OPT_DPI))
               : cli_write_table(out, &b);
  ampel_buf_release(&b);
  if (rc == EXIT_OK && strcmp(out, "-") != 0)
    printf("Korrelationen (%s): %zu Kennzahlen, %zu Paare, %zu Gebiete der "
           "Ebene %s, %s\n",
           ampel_corr_method_name(a->method), a->k, a->k * (a->k - 1) / 2,
           a->sel.n_areas - a->n_small, a->sel.level,
           ampel_dataset_period(a->ds, a->sel.period)->label);
  if (rc == EXIT_OK && a->n_small && strcmp(out, "-") != 0)
    printf("%zu Gebiete %s (zu wenige Einwohner)\n", a->n_small,
           AMPEL_DE_NOT_RATED);
  return rc;
}

int cmd_correlate(const cli_call *call) {
  const char *out = CLI_OPT(call, AMPEL_OPT_OUTPUT);
  if (!out)
    return cli_usage("correlate", "-o DATEI.csv oder DATEI.svg fehlt");
  if (cli_table_kind(call) == CLI_KIND_UNKNOWN)
    return cli_usage("correlate", "-o: Endung .csv, .json, .svg, .png oder "
                                  ".pdf erwartet, gefunden: '%s'",
                     out);
  int rc = EXIT_OK;
  ampel_context *ctx = cli_context(call->common, 0, &rc);
  if (!ctx)
    return rc;
  ampel_diags d;
  ampel_diags_init(&d, 0);
  ampel_correlation_answer a;
  ampel_status st = ampel_analyse_correlation(ctx, &call->q, &a, &d);
  rc = st == AMPEL_OK ? render(call, &a) : cli_fail(st, &d);
  ampel_correlation_answer_release(&a);
  ampel_diags_release(&d);
  ampel_context_free(ctx);
  return rc;
}
