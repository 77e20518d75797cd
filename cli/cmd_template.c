/* ampel template -o vorlage.xlsx: the empty input workbook; and the XLSX
 * branch of `ampel export -o FILE.xlsx` (include/ampel/xlsx_export.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "ampel/disclosure.h"
#include "ampel/xlsx_export.h"
#include "cli.h"

int cli_is_xlsx(const char *path) {
  size_t n = path ? strlen(path) : 0;
  return n > 5 && strcasecmp(path + n - 5, ".xlsx") == 0;
}

/* Writes through a temporary file, then renames (atomic replace). */
typedef ampel_status (*xlsx_fn)(void *ud, const char *tmp, ampel_diags *d);

static int write_atomic(const char *out, xlsx_fn fn, void *ud) {
  char tmp[4096];
  snprintf(tmp, sizeof tmp, "%s.tmp%ld.xlsx", out, (long)getpid());
  ampel_diags d;
  ampel_diags_init(&d, 0);
  ampel_status s = fn(ud, tmp, &d);
  int rc = EXIT_OK;
  if (s != AMPEL_OK) {
    cli_print_diags(&d, stderr);
    rc = ampel_status_exit_code(s);
    unlink(tmp);
  } else if (rename(tmp, out) != 0) {
    cli_error("'%s' schreiben: %s", out, strerror(errno));
    unlink(tmp);
    rc = EXIT_SYSTEM;
  }
  ampel_diags_release(&d);
  return rc;
}

static ampel_status template_fn(void *ud, const char *tmp, ampel_diags *d) {
  (void)ud;
  return ampel_xlsx_template_write(tmp, d);
}

int cmd_template(const cli_call *call) {
  const char *out = CLI_OPT(call, AMPEL_OPT_OUTPUT);
  if (!out || !cli_is_xlsx(out))
    return cli_usage("template", "-o DATEI.xlsx fehlt");
  int rc = write_atomic(out, template_fn, NULL);
  if (rc == EXIT_OK)
    printf("template: Vorlage → %s (Blätter Anleitung, Gebiete, Kennzahlen, "
           "Werte)\n",
           out);
  return rc;
}

typedef struct export_ud {
  const ampel_dataset *ds;
  const ampel_xlsx_export_opts *o;
} export_ud;

static ampel_status export_fn(void *ud, const char *tmp, ampel_diags *d) {
  export_ud *e = ud;
  return ampel_xlsx_export_write(e->ds, e->o, tmp, d);
}

int cli_export_xlsx(cli_common *c, const char *out, const char *level,
                    const char *period) {
  if (!ampel_xlsx_export_available())
    return cli_usage("export", "XLSX-Ausgabe ist in diesem Build nicht "
                               "verfügbar (libxlsxwriter fehlt)");
  int rc = EXIT_OK;
  ampel_store *st = NULL;
  ampel_dataset *ds = cli_load(c, &st, &rc);
  if (!ds)
    return rc;
  ampel_xlsx_export_opts o;
  ampel_xlsx_export_opts_init(&o);
  ampel_diags d;
  ampel_diags_init(&d, 0);
  if (ampel_disclosure_opts_load(st, &o.disclosure, &d) != AMPEL_OK)
    ampel_disclosure_opts_init(&o.disclosure);
  ampel_diags_release(&d);
  char stamp[256] = "";
  ampel_data_version v;
  if (ampel_store_data_version(st, &v) == AMPEL_OK && v.id > 0)
    ampel_data_version_format(&v, stamp, sizeof stamp);
  o.stamp = stamp;
  o.level = level;
  o.period = period;
  o.created = cli_now();
  export_ud ud = {ds, &o};
  rc = write_atomic(out, export_fn, &ud);
  ampel_dataset_free(ds);
  ampel_store_close(st);
  return rc;
}
