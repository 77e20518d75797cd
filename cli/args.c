/* args.c - the command line through the one option table (options.h):
 * `--name VALUE`, `--name=VALUE`, `-o VALUE`, flags, positional
 * arguments, `--` ends the options. Every value is checked by
 * ampel_query_set(), so the command line refuses a bad value with the same
 * message as the dashboard and the API. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const ampel_opt_def *find_short(const cli_command *cmd, char c) {
  for (size_t i = 0; i < cmd->n_ids; i++) {
    const ampel_opt_def *d = ampel_opt_get(cmd->ids[i]);
    if (d->short_name == c)
      return d;
  }
  return NULL;
}

/* Stores one value; prints a usage error (returns EXIT_USAGE) when bad. */
static int set(const cli_command *cmd, cli_call *call, const ampel_opt_def *d,
               const char *value) {
  char msg[512];
  if (ampel_query_set(&call->q, d, value, msg, sizeof msg) != AMPEL_OK) {
    if (d->short_name)
      return cli_usage(cmd->name, "-%c: %s", d->short_name, msg);
    return cli_usage(cmd->name, "--%s: %s", d->name, msg);
  }
  return EXIT_OK;
}

/* One option at argv[*i]; advances *i past its value. */
static int option(const cli_command *cmd, cli_call *call, int argc,
                  char **argv, int *i) {
  const char *arg = argv[*i];
  const ampel_opt_def *d = NULL;
  const char *value = NULL;
  if (arg[1] == '-') {
    const char *name = arg + 2, *eq = strchr(name, '=');
    size_t len = eq ? (size_t)(eq - name) : strlen(name);
    d = ampel_opt_find(cmd->ids, cmd->n_ids, name, len);
    if (!d)
      return cli_usage(cmd->name, "unbekannte Option '%.*s'", (int)len + 2,
                       arg);
    if (eq && d->type == AMPEL_OT_FLAG)
      return cli_usage(cmd->name, "--%s: erwartet keinen Wert", d->name);
    value = eq ? eq + 1 : NULL;
  } else {
    d = arg[2] == '\0' ? find_short(cmd, arg[1]) : NULL;
    if (!d)
      return cli_usage(cmd->name, "unbekannte Option '%s'", arg);
  }
  if (d->type == AMPEL_OT_FLAG)
    return set(cmd, call, d, "1");
  if (!value) {
    if (*i + 1 >= argc) {
      if (d->short_name)
        return cli_usage(cmd->name, "-%c: Wert fehlt (%s)", d->short_name,
                         d->metavar ? d->metavar : "");
      return cli_usage(cmd->name, "--%s: Wert fehlt (%s)", d->name,
                       d->metavar ? d->metavar : "");
    }
    value = argv[++*i];
  }
  return set(cmd, call, d, value);
}

int cli_parse_args(const cli_command *cmd, int argc, char **argv,
                   cli_call *call) {
  ampel_query_init(&call->q, cmd->ids, cmd->n_ids);
  call->cmd = cmd;
  call->n_pos = 0;
  int only_pos = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!only_pos && strcmp(a, "--") == 0) {
      only_pos = 1;
    } else if (!only_pos && (strcmp(a, "--help") == 0 ||
                             strcmp(a, "-h") == 0)) {
      cli_help(cmd->name, stdout);
      return -1;
    } else if (!only_pos && a[0] == '-' && a[1] != '\0') {
      int rc = option(cmd, call, argc, argv, &i);
      if (rc != EXIT_OK)
        return rc;
    } else {
      if (call->n_pos >= CLI_MAX_POS)
        return cli_usage(cmd->name, "zu viele Argumente (höchstens %d)",
                         CLI_MAX_POS);
      call->pos[call->n_pos++] = argv[i];
    }
  }
  if (call->n_pos < cmd->min_pos || call->n_pos > cmd->max_pos) {
    if (call->n_pos > cmd->max_pos)
      return cli_usage(cmd->name, "unerwartetes Argument '%s'",
                       call->pos[cmd->max_pos]);
    return cli_usage(cmd->name, "%s", cmd->pos_name);
  }
  return EXIT_OK;
}
