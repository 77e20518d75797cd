/* ampel serve: the dashboard and JSON API (server/, docs/dashboard.md,
 * docs/api.md). */
#include <string.h>

#include "cli.h"
#include "server.h"

int cmd_serve(const cli_call *call) {
  srv_config cfg;
  memset(&cfg, 0, sizeof cfg);
  cfg.bind = CLI_OPT(call, AMPEL_OPT_BIND);
  cfg.port = (unsigned)ampel_query_num(&call->q, AMPEL_OPT_PORT);
  cfg.token_file = CLI_OPT(call, AMPEL_OPT_ADMIN_TOKEN_FILE);
  if (ampel_query_has(&call->q, AMPEL_OPT_THREADS))
    cfg.threads = (unsigned)ampel_query_num(&call->q, AMPEL_OPT_THREADS);
  /* The table gives the defaults (SRV_* in server.h, the same numbers). */
  cfg.request_timeout =
      (unsigned)ampel_query_num(&call->q, AMPEL_OPT_REQUEST_TIMEOUT);
  cfg.compute_timeout =
      (unsigned)ampel_query_num(&call->q, AMPEL_OPT_COMPUTE_TIMEOUT);
  cfg.max_connections =
      (unsigned)ampel_query_num(&call->q, AMPEL_OPT_MAX_CONNECTIONS);
  cfg.max_per_addr =
      (unsigned)ampel_query_num(&call->q, AMPEL_OPT_MAX_PER_ADDRESS);
  cfg.max_upload =
      (size_t)ampel_query_num(&call->q, AMPEL_OPT_MAX_UPLOAD) * 1000000u;
  cfg.frame_ancestors = CLI_OPT(call, AMPEL_OPT_FRAME_ANCESTORS);
  char why[200];
  if (cfg.frame_ancestors &&
      srv_frame_ancestors_check(cfg.frame_ancestors, why, sizeof why) != 0)
    return cli_usage("serve", "--frame-ancestors: %s, gefunden: '%s'", why,
                     cfg.frame_ancestors);
  cfg.private_mode = ampel_query_has(&call->q, AMPEL_OPT_PRIVATE) &&
                     ampel_query_num(&call->q, AMPEL_OPT_PRIVATE) != 0;
  cfg.public_url = CLI_OPT(call, AMPEL_OPT_PUBLIC_URL);
  cfg.trusted_header = CLI_OPT(call, AMPEL_OPT_TRUSTED_HEADER);
  cfg.trusted_proxy = CLI_OPT(call, AMPEL_OPT_TRUSTED_PROXY);
  cfg.db = cli_db_path(call->common);
  return srv_run(&cfg);
}
