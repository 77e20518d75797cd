/* ampel lisa: parse → analyse (ampel_analyse_lisa) → render (CSV, JSON or
 * the cluster map) → write (METHODS.md §12, docs/wechselwirkungen.md). */
#include <stdio.h>
#include <string.h>

#include "ampel/analysis/lisa.h"
#include "ampel/chart.h"
#include "ampel/format.h"
#include "cli.h"

/* "  N WHAT: key, key, ..." on stderr (at most 10 keys). */
static void out_note(const ampel_lisa_answer *a, ampel_lisa_reason why) {
  size_t n = 0;
  ampel_buf b;
  ampel_buf_init(&b);
  for (size_t i = 0; i < a->n_rows; i++) {
    if (a->rows[i].reason != why)
      continue;
    if (n < 10)
      ampel_buf_printf(&b, "%s%s", n ? ", " : "",
                       ampel_dataset_area(a->ds, a->rows[i].area)->key);
    n++;
  }
  if (n > 10)
    ampel_buf_puts(&b, ", …");
  if (n)
    cli_note("  %zu %s: %s", n, ampel_lisa_reason_de(why),
             b.failed ? "" : b.data);
  ampel_buf_release(&b);
}

/* On stderr: neighbours from tiles; what was left out, islands first (the
 * statistic cannot see them), then the areas without a value or shape. */
static void notes(const ampel_lisa_answer *a) {
  if (a->tiles)
    cli_note("Hinweis: die Ebene %s hat keine Flächen; Nachbarn sind die "
             "angrenzenden Kacheln der Kachelkarte (eine Näherung)",
             a->sel.level);
  if (a->global_only)
    return;
  size_t out = a->n_rows - a->glob[0].n;
  if (out == 0)
    return;
  cli_note("Hinweis: %zu von %zu Gebieten der Ebene %s nicht berechnet:", out,
           a->n_rows, a->sel.level);
  for (int r = AMPEL_LISA_ISLAND; r >= AMPEL_LISA_NO_VALUE; r--)
    out_note(a, (ampel_lisa_reason)r);
}

static void summary(const ampel_lisa_answer *a) {
  const char *per = ampel_dataset_period(a->ds, a->sel.period)->label;
  if (a->global_only) {
    size_t ok = 0;
    for (size_t j = 0; j < a->sel.n_inds; j++) {
      ok += a->glob[j].ok;
      if (!a->glob[j].ok)
        cli_note("Hinweis: %s", a->glob[j].why);
    }
    printf("Moran's I (global): %zu von %zu Kennzahlen berechnet, Ebene %s, "
           "%s, %zu Vertauschungen\n",
           ok, a->sel.n_inds, a->sel.level, per, a->permutations);
    return;
  }
  const ampel_lisa_global *g = &a->glob[0];
  char mi[48], p[48];
  ampel_format_de(g->moran_i, 3, mi, sizeof mi);
  ampel_format_p(g->p, p, sizeof p);
  printf("LISA %s: %zu Gebiete der Ebene %s, %s; Moran's I = %s (%s); "
         "%zu Hot Spots, %zu Cold Spots, %zu Ausreißer\n",
         ampel_dataset_indicator(a->ds, g->ind)->key, g->n, a->sel.level, per,
         mi, p, a->clusters[AMPEL_LISA_HH], a->clusters[AMPEL_LISA_LL],
         a->clusters[AMPEL_LISA_HL] + a->clusters[AMPEL_LISA_LH]);
}

static int render(const cli_call *call, const ampel_lisa_answer *a) {
  const char *out = CLI_OPT(call, AMPEL_OPT_OUTPUT);
  int kind = cli_table_kind(call);
  ampel_buf b;
  ampel_buf_init(&b);
  ampel_status st = AMPEL_OK;
  if (kind == CLI_KIND_PICTURE)
    st = ampel_lisa_write_svg(a, CLI_OPT(call, AMPEL_OPT_TITLE),
                              CLI_OPT(call, AMPEL_OPT_ATTRIBUTION), &b);
  else if (kind == CLI_KIND_JSON)
    ampel_lisa_json(a, &b);
  else
    ampel_lisa_write_csv(a, &b);
  int rc =
      st != AMPEL_OK ? ampel_status_exit_code(st) : cli_write_kind(call, &b);
  ampel_buf_release(&b);
  if (rc == EXIT_OK)
    notes(a);
  if (rc == EXIT_OK && strcmp(out, "-") != 0)
    summary(a);
  return rc;
}

/* A table, or (not with --global) the map. */
static int output_ok(const cli_call *call) {
  int kind = cli_table_kind(call);
  if (kind == CLI_KIND_PICTURE)
    return !ampel_query_flag(&call->q, AMPEL_OPT_GLOBAL);
  return kind != CLI_KIND_UNKNOWN;
}

static int show(const cli_call *call, const void *answer) {
  return render(call, (const ampel_lisa_answer *)answer);
}

int cmd_lisa(const cli_call *call) {
  static const cli_question qd = {
      &ampel_question_lisa,
      ".csv, .json, .svg, .png oder .pdf (mit --global: .csv oder .json)",
      output_ok, AMPEL_CTX_GEOMETRY, show};
  return cli_ask(call, &qd, NULL);
}
