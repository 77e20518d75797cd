/* ampel serve [--port 8080] [--bind 127.0.0.1] [--admin-token-file F]
 *   [--threads N]: the dashboard and JSON API (server/, docs/dashboard.md,
 *   docs/api.md). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "server.h"

static int parse_args(int argc, char **argv, srv_config *cfg) {
  static const struct option opts[] = {
      {"port", required_argument, NULL, 'p'},
      {"bind", required_argument, NULL, 'b'},
      {"admin-token-file", required_argument, NULL, 't'},
      {"threads", required_argument, NULL, 'n'},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0}};
  int ch;
  long v;
  optind = 1;
  opterr = 0;
  while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
    switch (ch) {
    case 'p':
      if (cli_parse_long("serve", "--port", optarg, &v) != 0)
        return EXIT_USAGE;
      if (v < 0 || v > 65535)
        return cli_usage("serve", "--port: 0 bis 65535 erwartet, gefunden: "
                                  "'%s'", optarg);
      cfg->port = (unsigned)v;
      break;
    case 'b': cfg->bind = optarg; break;
    case 't': cfg->token_file = optarg; break;
    case 'n':
      if (cli_parse_long("serve", "--threads", optarg, &v) != 0)
        return EXIT_USAGE;
      if (v < 1 || v > 256)
        return cli_usage("serve", "--threads: 1 bis 256 erwartet, gefunden: "
                                  "'%s'", optarg);
      cfg->threads = (unsigned)v;
      break;
    case 'h': cli_help("serve", stdout); return -1;
    case ':': return cli_usage("serve", "%s: Wert fehlt", argv[optind - 1]);
    default:
      return cli_usage("serve", "unbekannte Option '%s'", argv[optind - 1]);
    }
  }
  if (optind < argc)
    return cli_usage("serve", "unerwartetes Argument '%s'", argv[optind]);
  return EXIT_OK;
}

int cmd_serve(int argc, char **argv, cli_common *c) {
  srv_config cfg = {NULL, "127.0.0.1", 8080, NULL, 0};
  int rc = parse_args(argc, argv, &cfg);
  if (rc != EXIT_OK)
    return rc < 0 ? EXIT_OK : rc;
  cfg.db = cli_db_path(c);
  return srv_run(&cfg);
}
