/* ampel allocate: parse → (read the index file) → analyse → render →
 * write (METHODS.md §6; docs/bedarf.md). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ampel/analysis/need.h"
#include "ampel/json.h"
#include "cli.h"

/* Reads --index FILE into f; prints problems; returns an exit code. */
static int read_index(const char *path, ampel_index_file *f) {
  size_t len = 0;
  char *data = cli_slurp(path, &len);
  if (!data)
    return EXIT_SYSTEM;
  ampel_diags d;
  ampel_diags_init(&d, 0);
  ampel_status st = ampel_index_file_parse(data, len, path, f, &d);
  free(data);
  cli_print_diags(&d, stderr);
  ampel_diags_release(&d);
  return ampel_status_exit_code(st);
}

/* What was distributed, and every area without an amount, by reason. */
static void summary(const ampel_allocation_answer *a) {
  const char *period = ampel_dataset_period(a->ds, a->period)->label;
  if (a->weight_key && a->weight_period && strcmp(a->weight_period, period))
    cli_note("Hinweis: Kennzahl '%s' hat für %s keine Werte; verwendet wird "
             "der letzte Stand %s",
             a->weight_key, period, a->weight_period);
  char amount[64];
  ampel_format_double(a->result.budget, amount, sizeof amount);
  cli_note("verteilt: %s auf %zu Gebiete (Summe geprüft)%s", amount, a->m,
           a->m < a->n ? "; ohne Betrag:" : "");
  cli_need_out_note(a->ds, a->areas, a->reason, a->n, AMPEL_REASON_SMALL,
                    a->n_small, "zu wenige Einwohner");
  cli_need_out_note(a->ds, a->areas, a->reason, a->n, AMPEL_REASON_INCOMPLETE,
                    a->n_incomplete, "unvollständig (kein Bedarfswert)");
  char what[200];
  snprintf(what, sizeof what, "kein Gewicht '%s'",
           a->weight_key ? a->weight_key : "");
  cli_need_out_note(a->ds, a->areas, a->reason, a->n, AMPEL_REASON_NO_WEIGHT,
                    a->n_no_weight, what);
}

static int render(const cli_call *call, const ampel_allocation_answer *a) {
  int kind = cli_table_kind(call);
  ampel_buf b;
  ampel_buf_init(&b);
  if (kind == CLI_KIND_PICTURE)
    ampel_allocation_answer_svg(a, &b);
  else if (kind == CLI_KIND_JSON)
    ampel_allocation_json(a, &b);
  else
    ampel_allocation_answer_csv(a, &b);
  int rc = cli_write_kind(call, &b);
  ampel_buf_release(&b);
  return rc;
}

/* Notes and the sensitivity table first, then the answer and a summary. */
static int show(const cli_call *call, const void *answer) {
  const ampel_allocation_answer *a = answer;
  if (a->index.frame)
    cli_need_notes(&a->index);
  int rc = a->index.frame ? cli_need_sensitivity(call, &a->index) : EXIT_OK;
  if (rc == EXIT_OK)
    rc = render(call, a);
  if (rc == EXIT_OK)
    summary(a);
  return rc;
}

int cmd_allocate(const cli_call *call) {
  static const cli_question qd = {&ampel_question_allocation,
                                  ".csv, .json, .svg, .png oder .pdf", NULL, 0,
                                  show};
  int rc = cli_need_check(call);
  if (rc != EXIT_OK)
    return rc;
  const char *path = CLI_OPT(call, AMPEL_OPT_INDEX_FILE);
  ampel_index_file f;
  memset(&f, 0, sizeof f);
  if (path)
    rc = read_index(path, &f);
  if (rc == EXIT_OK)
    rc = cli_ask(call, &qd, path ? &f : NULL);
  ampel_index_file_release(&f);
  return rc;
}
