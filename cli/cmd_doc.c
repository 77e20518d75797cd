/* ampel doc api|man: documentation generated from the one option table
 * (developer command; scripts/gen-api-doc, scripts/gen-man). */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "server.h"

/* "<!-- parameter /api/v1/lights -->" + table + "<!-- /parameter -->" per
 * route: the blocks scripts/gen-api-doc puts into docs/api.md. */
static int api_params(void) {
  ampel_buf b;
  ampel_buf_init(&b);
  for (size_t i = 0; i < srv_n_route_docs; i++) {
    const srv_route_doc *r = &srv_route_docs[i];
    ampel_buf_printf(&b, "<!-- parameter %s -->\n", r->path);
    ampel_opt_api_table(r->ids, *r->n_ids, &b);
    ampel_buf_puts(&b, "<!-- /parameter -->\n");
  }
  int rc = cli_write_table("-", &b);
  ampel_buf_release(&b);
  return rc;
}

int cmd_doc(const cli_call *call) {
  const char *what = call->pos[0];
  if (strcmp(what, "api") == 0)
    return api_params();
  return cli_usage("doc", "erwartet api, gefunden: '%s'", what);
}
