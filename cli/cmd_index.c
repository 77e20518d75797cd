/* ampel index: parse → analyse → render → write (METHODS.md §4, §5;
 * docs/bedarf.md). Also the notes shared with `ampel allocate`. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ampel/analysis/need.h"
#include "ampel/json.h"
#include "cli.h"

/* "  2 zu wenige Einwohner: A, B" for the rows with reason r. */
void cli_need_out_note(const ampel_dataset *ds, const size_t *areas,
                       const ampel_out_reason *reason, size_t n,
                       ampel_out_reason r, size_t count, const char *what) {
  if (!count)
    return;
  ampel_buf b;
  ampel_buf_init(&b);
  ampel_need_out_list(areas, reason, n, r, ds, 10, 0, &b);
  cli_note("  %zu %s: %s", count, what, b.failed ? "" : b.data);
  ampel_buf_release(&b);
}

void cli_need_notes(const ampel_index_answer *a) {
  const ampel_need_frame *f = a->frame;
  const char *p = ampel_dataset_period(a->ds, f->period)->label;
  for (size_t j = 0; j < f->k; j++)
    if (f->used_period[j] != f->period)
      cli_note("Hinweis: Kennzahl '%s' hat für %s keine Werte; verwendet "
               "wird der letzte Stand %s",
               f->keys[j], p,
               ampel_dataset_period(a->ds, f->used_period[j])->label);
  cli_note("Ebene %s, Zeitraum %s: %zu von %zu Gebieten eingestuft%s", f->level,
           p, a->n_rated, f->n_areas, a->n_rated < f->n_areas ? ";" : "");
  char what[80];
  snprintf(what, sizeof what, "mit zu wenigen Einwohnern (unter %g)",
           a->min_population);
  cli_need_out_note(a->ds, f->areas, a->reason, f->n_areas, AMPEL_REASON_SMALL,
                    a->n_small, what);
  cli_need_out_note(a->ds, f->areas, a->reason, f->n_areas,
                    AMPEL_REASON_INCOMPLETE, a->n_incomplete,
                    "unvollständig (ein Wert fehlt)");
}

int cli_need_check(const cli_call *call) {
  const char *cmd = call->cmd->name;
  const char *out = CLI_OPT(call, AMPEL_OPT_OUTPUT);
  const char *sens = CLI_OPT(call, AMPEL_OPT_SENSITIVITY_OUT);
  double runs = ampel_query_num(&call->q, AMPEL_OPT_SENSITIVITY);
  int kind = cli_table_kind(call);
  if (!out)
    return cli_usage(cmd, "-o DATEI fehlt (.csv, .json, .svg, .png oder "
                          ".pdf; - für die Standardausgabe)");
  if (kind == CLI_KIND_UNKNOWN)
    return cli_usage(cmd,
                     "-o: Endung .csv, .json, .svg, .png oder .pdf "
                     "erwartet, gefunden: '%s'",
                     out);
  if (sens && !(runs > 0))
    return cli_usage(cmd, "--sensitivity-out gehört zu --sensitivity N");
  if (runs > 0 && !sens && kind != CLI_KIND_JSON)
    return cli_usage(cmd, "--sensitivity braucht --sensitivity-out "
                          "DATEI.csv (dorthin kommt die Tabelle)");
  size_t n = sens ? strlen(sens) : 0;
  if (sens && (n < 4 || strcasecmp(sens + n - 4, ".csv") != 0))
    return cli_usage(cmd,
                     "--sensitivity-out: eine .csv-Datei erwartet, "
                     "gefunden: '%s'",
                     sens);
  return EXIT_OK;
}

int cli_need_sensitivity(const cli_call *call, const ampel_index_answer *a) {
  const char *path = CLI_OPT(call, AMPEL_OPT_SENSITIVITY_OUT);
  if (!a->sens_runs)
    return EXIT_OK;
  cli_note("Empfindlichkeit: %zu Läufe, Gewichte je Lauf mal 0,8 bis 1,2, "
           "Startwert %llu; %zu Gebiete in jedem Lauf in der höchsten Stufe "
           "(mit den angegebenen Gewichten: %zu)",
           a->sens_runs, a->seed, a->sens_robust_top, a->n_top);
  if (!path)
    return EXIT_OK;
  ampel_buf b;
  ampel_buf_init(&b);
  ampel_index_sensitivity_csv(a, &b);
  int rc = cli_write_table(path, &b);
  ampel_buf_release(&b);
  return rc;
}

static int render(const cli_call *call, const ampel_index_answer *a) {
  int kind = cli_table_kind(call);
  ampel_buf b;
  ampel_buf_init(&b);
  int rc = EXIT_OK;
  if (kind == CLI_KIND_PICTURE) {
    ampel_diags d;
    ampel_diags_init(&d, 0);
    ampel_status st = ampel_index_answer_svg(a, &b, &d);
    if (st != AMPEL_OK)
      rc = cli_fail(st, &d);
    ampel_diags_release(&d);
  } else if (kind == CLI_KIND_JSON) {
    ampel_index_json(a, &b);
  } else {
    ampel_index_answer_csv(a, &b);
  }
  if (rc == EXIT_OK)
    rc = cli_write_kind(call, &b);
  ampel_buf_release(&b);
  return rc;
}

/* Notes and the sensitivity table first, then the answer. */
static int show(const cli_call *call, const void *answer) {
  const ampel_index_answer *a = answer;
  cli_need_notes(a);
  int rc = cli_need_sensitivity(call, a);
  return rc == EXIT_OK ? render(call, a) : rc;
}

int cmd_index(const cli_call *call) {
  static const cli_question qd = {&ampel_question_index,
                                  ".csv, .json, .svg, .png oder .pdf", NULL,
                                  AMPEL_CTX_GEOMETRY, show};
  int rc = cli_need_check(call);
  return rc == EXIT_OK ? cli_ask(call, &qd, NULL) : rc;
}
