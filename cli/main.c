/* ampel - the command line program: global options, then one subcommand.
 * Parse args → run the subcommand → report (STYLE.md §6). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#ifndef AMPEL_VERSION
#define AMPEL_VERSION "0"
#endif

/* --datenstand N: a positive whole number of at most 12 digits. */
static int parse_datenstand(const char *v, cli_common *c) {
  size_t n = v ? strlen(v) : 0;
  if (n == 0 || n > 12 || strspn(v, "0123456789") != n) {
    cli_usage(NULL,
              "--datenstand: Nummer eines Datenstands erwartet, "
              "gefunden: '%s'",
              v ? v : "");
    return -2;
  }
  c->datenstand = strtol(v, NULL, 10);
  if (c->datenstand <= 0) {
    cli_usage(NULL,
              "--datenstand: Nummer eines Datenstands (ab 1) erwartet, "
              "gefunden: '%s'",
              v);
    return -2;
  }
  return 0;
}

/* Takes `--db PATH` / `--db=PATH` and `--datenstand N` out of argv
 * wherever they stand (accepted before or after the command name).
 * Returns the new argc, -1 when --db lacks its value, -2 after a usage
 * message for --datenstand. */
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
    } else if (strcmp(argv[i], "--datenstand") == 0) {
      if (parse_datenstand(i + 1 < argc ? argv[++i] : NULL, c) != 0)
        return -2;
    } else if (strncmp(argv[i], "--datenstand=", 13) == 0) {
      if (parse_datenstand(argv[i] + 13, c) != 0)
        return -2;
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
  if (argc == -2)
    return EXIT_USAGE;
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
