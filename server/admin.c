/* admin.c - POST /admin/import: one CSV or XLSX file as the request body
 * (`?name=werte.csv`), authorised by `Authorization: Bearer TOKEN` (only
 * when the server runs with --admin-token-file). The import is one
 * transaction (import.h); afterwards the dataset snapshot is replaced
 * atomically. Imports run one at a time. */
#include <pthread.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "ampel/import.h"
#include "ampel/store.h"
#include "server.h"

static pthread_mutex_t import_lock = PTHREAD_MUTEX_INITIALIZER;

/* A plain file name ending in .csv, .xlsx or .xls; nothing that names a
 * path. */
static int name_ok(const char *s) {
  size_t n = strlen(s);
  if (n < 5 || n > 100 || s[0] == '.')
    return 0;
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
          (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
      return 0;
  }
  const char *dot = strrchr(s, '.');
  return dot && (strcasecmp(dot, ".csv") == 0 ||
                 strcasecmp(dot, ".xlsx") == 0 || strcasecmp(dot, ".xls") == 0);
}

static void diags_json(ampel_buf *b, const ampel_diags *d) {
  ampel_buf_puts(b, "[");
  for (size_t i = 0; i < d->n; i++) {
    const ampel_diag *g = &d->items[i];
    ampel_buf_puts(b, i ? ",\n  {\"file\": " : "\n  {\"file\": ");
    if (g->path)
      ampel_buf_json_string(b, g->path);
    else
      ampel_buf_puts(b, "null");
    ampel_buf_printf(b,
                     ", \"line\": %ld, \"column\": %ld, \"severity\": "
                     "\"%s\", \"message\": ",
                     g->line, g->column,
                     g->severity == AMPEL_SEV_ERROR     ? "error"
                     : g->severity == AMPEL_SEV_WARNING ? "warning"
                                                        : "note");
    ampel_buf_json_string(b, g->message ? g->message : "");
    ampel_buf_puts(b, "}");
  }
  ampel_buf_puts(b, "]");
}

/* Imports the upload in one transaction; *reload the status of loading
 * the new Datenstand afterwards (AMPEL_OK when nothing was saved). */
static ampel_status run_import(srv_req *q, const char *name,
                               ampel_import_summary *sum, ampel_diags *d,
                               ampel_status *reload) {
  *reload = AMPEL_OK;
  ampel_status st = AMPEL_OK;
  ampel_store *s = ampel_store_open(srv_db_path(), AMPEL_STORE_WRITE, d, &st);
  if (!s)
    return st;
  ampel_import_options opt;
  memset(&opt, 0, sizeof opt);
  opt.when = (int64_t)time(NULL);
  const char *names[1] = {name};
  const char *data[1] = {q->file_data[0]};
  size_t lens[1] = {q->file_lens[0]};
  st = ampel_import_buffers(s, names, data, lens, 1, &opt, sum, d);
  ampel_store_close(s);
  if (st == AMPEL_OK)
    *reload = srv_reload(d);
  return st;
}

int h_admin_import(srv_req *q, srv_resp *r) {
  if (!srv_admin_enabled())
    return srv_error(q, r, 403,
                     "Der Server läuft nur lesend (ohne "
                     "--admin-token-file).");
  if (!srv_token_ok(q->auth))
    return srv_error(q, r, 401,
                     "Anmeldung erforderlich: Authorization: "
                     "Bearer SCHLÜSSEL.");
  if (strcmp(q->method, "POST") != 0) {
    r->allow = "POST";
    return srv_error(q, r, 405, "Nur POST ist hier erlaubt.");
  }
  const char *name = srv_get(q, "name");
  if (!name || !*name)
    name = "upload.csv";
  if (!name_ok(name))
    return srv_error(q, r, 400,
                     "name: Dateiname mit .csv, .xlsx oder .xls "
                     "erwartet (nur Buchstaben, Ziffern, . _ -).");
  if (q->file_lens[0] == 0)
    return srv_error(q, r, 400,
                     "Keine Daten: die Datei gehört in den "
                     "Rumpf der Anfrage.");
  ampel_diags d;
  ampel_diags_init(&d, 0);
  ampel_import_summary sum;
  memset(&sum, 0, sizeof sum);
  ampel_status reload = AMPEL_OK;
  pthread_mutex_lock(&import_lock);
  ampel_status st = run_import(q, name, &sum, &d, &reload);
  pthread_mutex_unlock(&import_lock);
  ampel_buf *b = &r->body;
  r->ctype = "application/json; charset=utf-8";
  if (st != AMPEL_OK) {
    r->status = srv_http_status(st);
    ampel_buf_puts(b, "{\"error\": \"Einfuhr abgelehnt, nichts gespeichert\","
                      " \"status\": ");
    ampel_buf_printf(b, "%u, \"messages\": ", r->status);
    diags_json(b, &d);
    ampel_buf_puts(b, "}\n");
  } else {
    /* Saved. When the new Datenstand could not be loaded right away the
     * dashboard still shows the old one and retries within a second
     * (serve.c, follow_datenstand): say so, never "nothing saved". */
    ampel_buf_printf(b,
                     "{\"imported\": true, \"areas\": %zu, \"indicators\":"
                     " %zu, \"values\": %zu, \"version\": %ld, "
                     "\"shown\": %s, ",
                     sum.n_areas, sum.n_indicators, sum.n_values, sum.import_id,
                     reload == AMPEL_OK ? "true" : "false");
    if (reload != AMPEL_OK)
      ampel_buf_puts(b, "\"note\": \"Gespeichert; die Anzeige zeigt noch "
                        "den alten Datenstand und lädt den neuen, sobald er "
                        "lesbar ist.\", ");
    ampel_buf_puts(b, "\"messages\": ");
    diags_json(b, &d);
    ampel_buf_puts(b, "}\n");
  }
  ampel_diags_release(&d);
  return 0;
}
