/* ampel template -o vorlage.xlsx: the empty input workbook; and the XLSX
 * branch of `ampel export -o FILE.xlsx` (include/ampel/xlsx_export.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "ampel/alloc.h"
#include "ampel/analysis/lights.h"
#include "ampel/disclosure.h"
#include "ampel/xlsx_export.h"
#include "cli.h"

int cli_is_xlsx(const char *path) {
  size_t n = path ? strlen(path) : 0;
  return n > 5 && strcasecmp(path + n - 5, ".xlsx") == 0;
}

/* Writes through a temporary file, then renames (atomic replace; output.c). */
typedef ampel_status (*xlsx_fn)(void *ud, const char *tmp, ampel_diags *d);

static int write_atomic(const char *out, xlsx_fn fn, void *ud) {
  cli_out o;
  int rc = cli_out_reserve(&o, out, ".xlsx");
  if (rc != EXIT_OK)
    return rc;
  ampel_diags d;
  ampel_diags_init(&d, 0);
  ampel_status s = fn(ud, o.tmp, &d);
  if (s != AMPEL_OK) {
    cli_print_diags(&d, stderr);
    cli_out_close(&o, 0);
    rc = ampel_status_exit_code(s);
  } else {
    rc = cli_out_close(&o, 1);
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

/* ampel_xlsx_export_opts.converted for the CLI's context. */
static int xlsx_converted(const void *ud, size_t a, size_t i, size_t t) {
  return ampel_context_converted(ud, a, i, t);
}

typedef struct export_ud {
  const ampel_dataset *ds;
  const ampel_xlsx_export_opts *o;
} export_ud;

static ampel_status export_fn(void *ud, const char *tmp, ampel_diags *d) {
  export_ud *e = ud;
  return ampel_xlsx_export_write(e->ds, e->o, tmp, d);
}

/* The workbook of the context: every value, and the Ampel sheet from
 * ampel_analyse_lights (the same statuses as `ampel lights`). */
static int export_ctx(const ampel_context *ctx, const char *out,
                      const ampel_query *q) {
  const ampel_dataset *ds = ampel_context_dataset(ctx);
  size_t ni = ampel_dataset_n_indicators(ds);
  unsigned char *is_count = ampel_calloc(ni + 1, 1);
  ampel_diags d;
  ampel_diags_init(&d, 0);
  ampel_lights_answer a;
  ampel_status st = ampel_analyse_lights(ctx, q, &a, &d);
  int rc = st == AMPEL_OK && !is_count ? EXIT_SYSTEM : EXIT_OK;
  if (st != AMPEL_OK)
    rc = cli_fail(st, &d);
  if (rc == EXIT_OK) {
    for (size_t i = 0; i < ni; i++)
      is_count[i] = (unsigned char)ampel_disclosure_is_count(
          ampel_dataset_indicator(ds, i));
    ampel_xlsx_export_opts o;
    ampel_xlsx_export_opts_init(&o);
    o.lights = &a;
    o.stamp = ampel_context_stamp(ctx);
    o.note = ampel_context_disclosure_note(ctx);
    o.min_count = ampel_context_disclosure(ctx)->min_count;
    o.is_count = is_count;
    o.created = cli_now();
    o.converted = xlsx_converted;
    o.converted_ud = ctx;
    export_ud ud = {ds, &o};
    rc = write_atomic(out, export_fn, &ud);
  }
  if (st == AMPEL_OK)
    ampel_lights_answer_release(&a);
  ampel_diags_release(&d);
  ampel_free(is_count);
  return rc;
}

int cli_export_xlsx(cli_common *c, const char *out, const ampel_query *q) {
  if (!ampel_xlsx_export_available())
    return cli_usage("export", "XLSX-Ausgabe ist in diesem Build nicht "
                               "verfügbar (libxlsxwriter fehlt)");
  ampel_query none;
  ampel_query_init(&none, NULL, 0);
  int rc = EXIT_OK;
  ampel_context *ctx = cli_context(c, 0, &rc); /* XLSX is always protected */
  if (!ctx)
    return rc;
  rc = export_ctx(ctx, out, q ? q : &none);
  ampel_context_free(ctx);
  return rc;
}
