/* ampel export [--format csv|json|csv-de] [--ungeschuetzt] -o FILE[.xlsx] */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ampel/export.h"
#include "ampel/json.h"
#include "cli.h"

/* ampel_values_filter.converted for the CLI's context. */
static int export_converted(const void *ud, size_t a, size_t i, size_t t) {
  return ampel_context_converted(ud, a, i, t);
}

int cmd_export(const cli_call *call) {
  cli_common *c = call->common;
  const char *out = CLI_OPT(call, AMPEL_OPT_OUTPUT);
  c->unprotected = ampel_query_flag(&call->q, AMPEL_OPT_UNPROTECTED);
  if (!out)
    return cli_usage("export", "-o DATEI fehlt (oder -o - für die Ausgabe)");
  if (cli_is_xlsx(out) && c->unprotected)
    return cli_usage("export", "--ungeschuetzt gilt nur für CSV "
                               "(Datenübergabe); XLSX wird immer geschützt");
  if (cli_is_xlsx(out))
    return cli_export_xlsx(c, out, NULL);
  if (c->unprotected)
    cli_warn("--ungeschuetzt: Ausgabe ohne Geheimhaltung, nur für den "
             "internen Gebrauch");
  int rc = EXIT_OK;
  ampel_context *ctx =
      cli_context(c, c->unprotected ? AMPEL_CTX_UNPROTECTED : 0, &rc);
  if (!ctx)
    return rc;
  const ampel_dataset *ds = ampel_context_dataset(ctx);
  cli_out o;
  rc = cli_out_open(&o, out);
  if (rc != EXIT_OK) {
    ampel_context_free(ctx);
    return rc;
  }
  ampel_buf b;
  ampel_buf_init_sink(&b, cli_file_sink, o.f);
  ampel_values_filter all = {-1, -1, -1, NULL, export_converted, ctx};
  int fmt = ampel_query_choice(&call->q, AMPEL_OPT_EXPORT_FORMAT);
  if (fmt == 1)
    ampel_values_json(ds, &all, &b); /* the same as /api/v1/values */
  else if (fmt == 2)
    ampel_export_csv_de(ds, &all, &b); /* /download/werte-excel.csv */
  else
    ampel_export_csv(ds, &all, &b);
  ampel_status st = ampel_buf_flush(&b);
  ampel_buf_release(&b);
  ampel_context_free(ctx);
  if (st != AMPEL_OK)
    cli_error("'%s' schreiben: %s", out,
              st == AMPEL_E_NOMEM ? "zu wenig Speicher" : strerror(errno));
  return cli_out_close(&o, st == AMPEL_OK);
}
