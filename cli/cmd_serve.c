/* ampel serve: the dashboard and JSON API (server/, docs/dashboard.md,
 * docs/api.md). */
#include "cli.h"
#include "server.h"

int cmd_serve(const cli_call *call) {
  srv_config cfg = {NULL, "127.0.0.1", 8080, NULL, 0};
  cfg.bind = CLI_OPT(call, AMPEL_OPT_BIND);
  cfg.port = (unsigned)ampel_query_num(&call->q, AMPEL_OPT_PORT);
  cfg.token_file = CLI_OPT(call, AMPEL_OPT_ADMIN_TOKEN_FILE);
  if (ampel_query_has(&call->q, AMPEL_OPT_THREADS))
    cfg.threads = (unsigned)ampel_query_num(&call->q, AMPEL_OPT_THREADS);
  cfg.db = cli_db_path(call->common);
  return srv_run(&cfg);
}
