/* ampel heatmap: parse → analyse → render → write (METHODS.md §2,
 * docs/ampel.md). */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ampel/analysis/heatmap.h"
#include "ampel/json.h"
#include "cli.h"

/* What was drawn, which reference was used and who is left out. */
static void summary(const ampel_heatmap_answer *a, const char *out) {
  const ampel_heatmap *h = &a->hm;
  char st[96];
  printf("heatmap: %zu Gebiete × %zu Kennzahlen (%s, %s) → %s\n", h->n_rows,
         h->n_cols, h->level,
         ampel_stand_label_de(a->ds, h->period, ampel_heatmap_periods_differ(h),
                              st, sizeof st),
         out);
  for (int m = 0; m < AMPEL_REF_METHOD_COUNT_; m++) {
    size_t k = 0;
    for (size_t j = 0; j < h->n_cols; j++)
      if ((int)h->ref[j].method == m)
        printf("%s%s", k++ ? ", " : "Referenz: ",
               ampel_dataset_indicator(a->ds, h->ind_ids[j])->key);
    if (k)
      printf(": %s\n", ampel_ref_method_label_de((ampel_ref_method)m));
  }
  for (int small = 0; small <= 1; small++) {
    size_t k = 0;
    for (size_t i = 0; i < h->n_dropped; i++)
      if ((a->reason[i] == AMPEL_REASON_SMALL) == small)
        printf("%s%s",
               k++     ? ", "
               : small ? "zu wenige Einwohner, nicht bewertet: "
                       : "ohne Werte, nicht dargestellt: ",
               ampel_dataset_area(a->ds, h->dropped[i])->key);
    if (k)
      printf("\n");
  }
  if (a->converted)
    printf("%s\n", AMPEL_DE_CONVERTED_NOTE);
}

static int render(const cli_call *call, const ampel_heatmap_answer *a) {
  const char *out = CLI_OPT(call, AMPEL_OPT_OUTPUT);
  const char *tree = CLI_OPT(call, AMPEL_OPT_TREE);
  ampel_buf b;
  ampel_buf_init(&b);
  int kind = cli_table_kind(call);
  if (kind == CLI_KIND_PICTURE) {
    ampel_heatmap_render_opts ro = {
        ampel_palette_find(CLI_OPT(call, AMPEL_OPT_PALETTE)),
        *a->footer ? a->footer : NULL, a->reason_de};
    ampel_heatmap_write_svg(&a->hm, a->ds, &ro, &b);
  } else if (kind == CLI_KIND_JSON) {
    ampel_heatmap_json(a, &b);
  } else {
    ampel_heatmap_write_csv(&a->hm, a->ds, &b);
  }
  int rc = cli_write_kind(call, &b);
  if (rc == EXIT_OK && tree) {
    b.len = 0;
    if (ampel_heatmap_write_tree(&a->hm, a->ds, &b) != AMPEL_OK) {
      cli_error("kein Baum der Gebiete berechnet");
      rc = EXIT_DATA;
    } else {
      rc = cli_write_table(tree, &b);
    }
  }
  ampel_buf_release(&b);
  if (rc == EXIT_OK)
    summary(a, out);
  return rc;
}

static int show(const cli_call *call, const void *answer) {
  return render(call, (const ampel_heatmap_answer *)answer);
}

int cmd_heatmap(const cli_call *call) {
  static const cli_question qd = {&ampel_question_heatmap,
                                  ".svg, .png, .pdf, .csv oder .json", NULL, 0,
                                  show};
  const char *tree = CLI_OPT(call, AMPEL_OPT_TREE);
  size_t n = tree ? strlen(tree) : 0;
  if (tree && (n < 4 || strcasecmp(tree + n - 4, ".csv") != 0))
    return cli_usage("heatmap",
                     "--tree: Endung .csv erwartet, gefunden: "
                     "'%s'",
                     tree);
  return cli_ask(call, &qd, NULL);
}
