/* ampel config set KEY VALUE | get KEY | list: settings stored in the
 * database (disclosure control, METHODS.md §7; docs/berichte.md). */
#include <stdio.h>
#include <string.h>

#include "ampel/alloc.h"
#include "ampel/disclosure.h"
#include "cli.h"

static int known_key(const char *key) {
  const char *const *keys = ampel_disclosure_keys();
  for (size_t k = 0; keys[k]; k++)
    if (strcmp(keys[k], key) == 0)
      return 1;
  return 0;
}

static int config_set(const cli_common *c, const char *key, const char *value) {
  ampel_disclosure_opts o;
  ampel_disclosure_opts_init(&o);
  ampel_diags d;
  ampel_diags_init(&d, 0);
  if (ampel_disclosure_opts_set(&o, key, value, &d) != AMPEL_OK) {
    int rc =
        cli_usage("config", "%s", d.n ? d.items[0].message : "ungültiger Wert");
    ampel_diags_release(&d);
    return rc;
  }
  ampel_diags_release(&d);
  int rc = EXIT_OK;
  ampel_store *st = cli_open_store(c, AMPEL_STORE_WRITE, &rc);
  if (!st)
    return rc;
  char norm[64];
  ampel_disclosure_opts_get(&o, key, norm, sizeof norm);
  if (ampel_store_config_set(st, key, norm) != AMPEL_OK) {
    cli_error("Einstellung '%s' kann nicht gespeichert werden", key);
    rc = EXIT_SYSTEM;
  } else {
    printf("%s = %s\n", key, norm);
  }
  ampel_store_close(st);
  return rc;
}

/* Prints one key (or all when key is NULL) with the stored or default
 * value. */
static int config_show(const cli_common *c, const char *key, int verbose) {
  int rc = EXIT_OK;
  ampel_store *st = cli_open_store(c, AMPEL_STORE_READONLY, &rc);
  if (!st)
    return rc;
  ampel_disclosure_opts o;
  ampel_diags d;
  ampel_diags_init(&d, 0);
  if (ampel_disclosure_opts_load(st, &o, &d) != AMPEL_OK) {
    cli_print_diags(&d, stderr);
    rc = EXIT_DATA;
  }
  const char *const *keys = ampel_disclosure_keys();
  for (size_t k = 0; rc == EXIT_OK && keys[k]; k++) {
    if (key && strcmp(key, keys[k]) != 0)
      continue;
    char *stored = NULL, val[64];
    if (ampel_store_config_get(st, keys[k], &stored) != AMPEL_OK)
      rc = EXIT_SYSTEM;
    ampel_disclosure_opts_get(&o, keys[k], val, sizeof val);
    if (!verbose)
      printf("%s\n", val);
    else
      printf("%-22s %-6s %s%s\n", keys[k], val,
             stored ? "" : "(Voreinstellung) ",
             ampel_disclosure_key_label_de(keys[k]));
    ampel_free(stored);
  }
  ampel_diags_release(&d);
  ampel_store_close(st);
  return rc;
}

int cmd_config(const cli_call *call) {
  const cli_common *c = call->common;
  size_t n = call->n_pos;
  char *const *arg = call->pos; /* arg[0] is the subcommand */
  const char *sub = arg[0];
  if (strcmp(sub, "list") == 0 && n == 1)
    return config_show(c, NULL, 1);
  if (strcmp(sub, "get") == 0 && n == 2) {
    if (!known_key(arg[1]))
      return cli_usage("config",
                       "unbekannte Einstellung '%s' (vorhanden: "
                       "min_count, min_population, "
                       "secondary_suppression)",
                       arg[1]);
    return config_show(c, arg[1], 0);
  }
  if (strcmp(sub, "set") == 0 && n == 3)
    return config_set(c, arg[1], arg[2]);
  if (strcmp(sub, "set") == 0 || strcmp(sub, "get") == 0 ||
      strcmp(sub, "list") == 0)
    return cli_usage("config",
                     "falsche Zahl von Argumenten für '%s' "
                     "(config set SCHLÜSSEL WERT, config get "
                     "SCHLÜSSEL, config list)",
                     sub);
  return cli_usage("config",
                   "unbekannter Unterbefehl '%s' (set, get oder "
                   "list)",
                   sub);
}
