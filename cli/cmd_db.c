/* ampel db migrate --from ORT --to ORT: copies a whole installation into
 * another database (issue 11; the copying is ampel_migrate_copy, import
 * layer; docs/betrieb.md "Umzug nach PostgreSQL").
 * ampel db rollback N: makes Datenstand N current again as a new
 * Datenstand (issue 12; ampel_store_rollback_to). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ampel/import.h"
#include "cli.h"

static ampel_store *open_at(const char *where, int mode, int *out_exit) {
  cli_common c = {where, 0, 0};
  return cli_open_store(&c, mode, out_exit);
}

static int migrate(const cli_call *call) {
  const char *from = CLI_OPT(call, AMPEL_OPT_FROM);
  const char *to = CLI_OPT(call, AMPEL_OPT_TO);
  if (!from || !to || !*from || !*to)
    return cli_usage("db", "migrate braucht --from ORT und --to ORT");
  if (strcmp(from, to) == 0)
    return cli_usage("db", "Quelle und Ziel sind dieselbe Datenbank");
  struct stat sb;
  /* a PostgreSQL database is never created or removed here */
  int existed = ampel_store_location_is_url(to) || stat(to, &sb) == 0;
  int rc = EXIT_OK;
  ampel_store *src = open_at(from, AMPEL_STORE_READONLY, &rc);
  if (!src)
    return rc;
  ampel_store *dst = open_at(to, AMPEL_STORE_CREATE, &rc);
  if (!dst) {
    ampel_store_close(src);
    return rc;
  }
  ampel_diags d;
  ampel_diags_init(&d, 0);
  ampel_migrate_summary sum;
  ampel_status st = ampel_migrate_copy(src, dst, cli_now(), &sum, &d);
  if (st != AMPEL_OK) {
    rc = cli_fail(st, &d);
  } else {
    printf("Umzug %s -> %s: %zu Gebiete, %zu Kennzahlen, %zu Zeiträume, "
           "%zu Werte, %zu Einstellungen, %zu Flächen, %zu Nachbarschaften, "
           "%zu Benutzer, %zu API-Schlüssel, %zu Protokolleinträge; "
           "Datenstand %ld nennt %zu Dateien der Quelle\n",
           ampel_store_engine(src), ampel_store_engine(dst), sum.n_areas,
           sum.n_indicators, sum.n_periods, sum.n_values, sum.n_config,
           sum.n_shapes, sum.n_neighbours, sum.n_users, sum.n_tokens,
           sum.n_audit, sum.import_id, sum.n_files);
  }
  ampel_diags_release(&d);
  ampel_store_close(dst);
  ampel_store_close(src);
  if (rc != EXIT_OK && !existed) { /* leave no empty database behind */
    cli_remove_new_db(to);
  }
  return rc;
}

static int rollback(const cli_call *call) {
  if (call->n_pos != 2)
    return cli_usage("db", "rollback braucht die Nummer eines Datenstands "
                           "(ampel versions listet sie)");
  const char *arg = call->pos[1];
  char *end = NULL;
  errno = 0;
  long n = strtol(arg, &end, 10);
  if (errno || end == arg || *end || n < 1)
    return cli_usage("db",
                     "rollback: Nummer eines Datenstands erwartet (ganze "
                     "Zahl ab 1), gefunden: '%s'",
                     arg);
  int rc = EXIT_OK;
  ampel_store *st = cli_open_store(call->common, AMPEL_STORE_WRITE, &rc);
  if (!st)
    return rc;
  ampel_diags d;
  ampel_diags_init(&d, 0);
  long id = 0;
  ampel_status s = ampel_store_rollback_to(st, n, cli_now(), NULL, &id, &d);
  if (s != AMPEL_OK) {
    rc = cli_fail(s, &d);
  } else {
    printf("Datenstand %ld gilt wieder: gespeichert als Datenstand %ld "
           "(Zurücksetzen)\n",
           n, id);
  }
  ampel_diags_release(&d);
  ampel_store_close(st);
  return rc;
}

int cmd_db(const cli_call *call) {
  const char *sub = call->pos[0];
  if (strcmp(sub, "migrate") == 0) {
    if (call->n_pos != 1)
      return cli_usage("db", "migrate erwartet keine weiteren Argumente");
    return migrate(call);
  }
  if (strcmp(sub, "rollback") == 0)
    return rollback(call);
  return cli_usage("db", "unbekannter Unterbefehl '%s' (migrate, rollback)",
                   sub);
}
