/* ampel - the command line program: global options, then one subcommand.
 * Parse args → run the subcommand → report (STYLE.md §6). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#ifndef AMPEL_VERSION
#define AMPEL_VERSION "0"
#endif

/* Takes `--db PATH` / `--db=PATH` out of argv wherever it stands (it is
 * accepted before or after the command name). Returns the new argc, or -1
 * when --db lacks its value. */
static int take_db(int argc, char **argv, cli_common *c) {
  int out = 1;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--") == 0) {
      while (i < argc)
        argv[out++] = argv[i++];
      break;
    }
    if (strcmp(argv[i], "--db") == 0) {
      if (i + 1 >= argc)
        return -1;
      c->db = argv[++i];
    } else if (strncmp(argv[i], "--db=", 5) == 0) {
      c->db = argv[i] + 5;
    } else {
      argv[out++] = argv[i];
    }
  }
  argv[out] = NULL;
  return out;
}

int main(int argc, char **argv) {
  cli_common common = {0};
  argc = take_db(argc, argv, &common);
  if (argc < 0)
    return cli_usage(NULL, "--db: Pfad zur Datenbank fehlt");
  if (argc < 2) {
    cli_help(NULL, stderr);
    return EXIT_USAGE;
  }
  const char *name = argv[1];
  if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 ||
      strcmp(name, "help") == 0) {
    if (argc > 2 && cli_has_help(argv[2]))
      cli_help(argv[2], stdout);
    else
      cli_help(NULL, stdout);
    return EXIT_OK;
  }
  if (strcmp(name, "--version") == 0 || strcmp(name, "version") == 0) {
    printf("ampel %s\n", AMPEL_VERSION);
    return EXIT_OK;
  }
  const cli_command *cmd = cli_find_command(name);
  if (cmd) {
    cli_call call;
    memset(&call, 0, sizeof call);
    call.common = &common;
    int rc = cli_parse_args(cmd, argc - 1, argv + 1, &call);
    if (rc != EXIT_OK)
      return rc < 0 ? EXIT_OK : rc;
    rc = cli_check_outputs(&call);
    return rc != EXIT_OK ? rc : cmd->run(&call);
  }
  if (name[0] == '-')
    return cli_usage(NULL, "unbekannte Option '%s' (zuerst ein Befehl)", name);
  return cli_usage(NULL, "unbekannter Befehl '%s'", name);
}
