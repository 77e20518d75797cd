/* ampel list areas|indicators|periods [--format text|csv] [--level L] */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ampel/alloc.h"
#include "ampel/json.h"
#include "cli.h"

/* Display width of a UTF-8 string in characters. */
static int width(const char *s) {
  int w = 0;
  for (; s && *s; s++)
    if ((*s & 0xC0) != 0x80)
      w++;
  return w;
}

static void pad(const char *s, int w) {
  for (const char *p = s ? s : ""; *p; p++) /* one record per line */
    fputc(*p == '\n' || *p == '\r' || *p == '\t' ? ' ' : *p, stdout);
  for (int i = width(s); i < w; i++)
    fputc(' ', stdout);
}

typedef const char *(*cell_fn)(const ampel_dataset *ds, size_t row, int col,
                               char *tmp, size_t n);

/* Prints rows as an aligned text table or as CSV. */
static void print_table(const ampel_dataset *ds, size_t n_rows,
                        const char *const *hdr, int n_cols, cell_fn cell,
                        int csv, const char *level) {
  int w[16] = {0};
  char tmp[64];
  for (int k = 0; k < n_cols; k++)
    w[k] = width(hdr[k]);
  for (size_t r = 0; r < n_rows; r++) {
    if (level && strcmp(cell(ds, r, -1, tmp, sizeof tmp), level) != 0)
      continue;
    for (int k = 0; k < n_cols; k++) {
      int x = width(cell(ds, r, k, tmp, sizeof tmp));
      if (x > w[k])
        w[k] = x > 60 ? 60 : x;
    }
  }
  ampel_buf b;
  ampel_buf_init(&b);
  for (int k = 0; k < n_cols; k++) {
    if (csv) {
      printf("%s%s", k ? "," : "", hdr[k]);
    } else {
      if (k)
        fputs("  ", stdout);
      pad(hdr[k], k + 1 < n_cols ? w[k] : 0);
    }
  }
  fputc('\n', stdout);
  for (size_t r = 0; r < n_rows; r++) {
    if (level && strcmp(cell(ds, r, -1, tmp, sizeof tmp), level) != 0)
      continue;
    for (int k = 0; k < n_cols; k++) {
      const char *v = cell(ds, r, k, tmp, sizeof tmp);
      if (csv) {
        b.len = 0;
        ampel_buf_csv_field(&b, v ? v : "");
        printf("%s%s", k ? "," : "", b.data ? b.data : "");
      } else {
        if (k)
          fputs("  ", stdout);
        pad(v, k + 1 < n_cols ? w[k] : 0);
      }
    }
    fputc('\n', stdout);
  }
  ampel_buf_release(&b);
}

static const char *num(double v, char *tmp, size_t n) {
  ampel_format_double(v, tmp, n);
  return tmp;
}

static const char *area_cell(const ampel_dataset *ds, size_t r, int col,
                             char *tmp, size_t n) {
  const ampel_area *a = ampel_dataset_area(ds, r);
  switch (col) {
  case -1: return a->level ? a->level : "";
  case 0: return a->key;
  case 1: return a->name;
  case 2: return a->level;
  case 3: return a->parent ? a->parent : "";
  case 4: return num(a->population, tmp, n);
  default: return "";
  }
}

static const char *indicator_cell(const ampel_dataset *ds, size_t r, int col,
                                  char *tmp, size_t n) {
  const ampel_indicator *i = ampel_dataset_indicator(ds, r);
  (void)tmp;
  (void)n;
  switch (col) {
  case 0: return i->key;
  case 1: return i->name;
  case 2: return i->unit ? i->unit : "";
  case 3: return ampel_polarity_name(i->polarity);
  case 4: return i->domain ? i->domain : "";
  case 5: return ampel_ind_kind_name(ampel_indicator_kind(i));
  case 6: return i->formula ? i->formula : "";
  default: return "";
  }
}

static const char *period_cell(const ampel_dataset *ds, size_t r, int col,
                               char *tmp, size_t n) {
  const ampel_period *p = ampel_dataset_period(ds, r);
  if (col == 0)
    return p->label;
  snprintf(tmp, n, "%04d-%02d-%02d", p->sort_key / 10000,
           p->sort_key / 100 % 100, p->sort_key % 100);
  return tmp;
}

int cmd_list(const cli_call *call) {
  cli_common *c = call->common;
  const char *level = CLI_OPT(call, AMPEL_OPT_ONLY_LEVEL);
  const char *what = call->pos[0];
  int fmt = ampel_query_choice(&call->q, AMPEL_OPT_LIST_FORMAT);
  int csv = fmt == 1;
  int kind =
      strcmp(what, "areas") == 0 || strcmp(what, "gebiete") == 0           ? 0
      : strcmp(what, "indicators") == 0 || strcmp(what, "kennzahlen") == 0 ? 1
      : strcmp(what, "periods") == 0 || strcmp(what, "zeitraeume") == 0    ? 2
                                                                           : -1;
  if (kind < 0)
    return cli_usage("list",
                     "erwartet areas, indicators oder periods, "
                     "gefunden: '%s'",
                     what);
  int rc = EXIT_OK;
  /* periods and indicators need no areas (10,000 of them take longer to
   * read than the rest of the command) */
  ampel_context *ctx = cli_context(
      c, AMPEL_CTX_METADATA | (kind == 0 ? 0u : AMPEL_CTX_NO_AREAS), &rc);
  if (!ctx)
    return rc;
  const ampel_dataset *ds = ampel_context_dataset(ctx);
  static const char *const ah[] = {"key", "name", "level", "parent",
                                   "population"};
  static const char *const ih[] = {"key",    "name", "unit",   "polarity",
                                   "domain", "kind", "formula"};
  static const char *const ph[] = {"period", "start"};
  if (fmt == 2) { /* the same JSON as /api/v1/areas|indicators|periods */
    ampel_buf b;
    ampel_buf_init(&b);
    if (kind == 0)
      ampel_areas_json(ds, level, &b);
    else if (kind == 1)
      ampel_indicators_json(ds, &b);
    else
      ampel_periods_json(ds, &b);
    rc = cli_write_table("-", &b);
    ampel_context_free(ctx);
    ampel_buf_release(&b);
    return rc;
  }
  if (kind == 0)
    print_table(ds, ampel_dataset_n_areas(ds), ah, 5, area_cell, csv, level);
  else if (kind == 1)
    print_table(ds, ampel_dataset_n_indicators(ds), ih, 7, indicator_cell, csv,
                NULL);
  else
    print_table(ds, ampel_dataset_n_periods(ds), ph, 2, period_cell, csv, NULL);
  ampel_context_free(ctx);
  return fflush(stdout) == 0 ? EXIT_OK : EXIT_SYSTEM;
}
