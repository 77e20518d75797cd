/* ampel correlate: correlations between the indicators (METHODS.md §8) as
 * CSV (a,b,method,r,n,p) or as a clustered heat table (SVG). */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ampel/alloc.h"
#include "ampel/chart.h"
#include "ampel/select.h"
#include "cli.h"
#include "viz_util.h"

typedef struct corr_args {
  const char *level, *period, *method, *out;
  ampel_corr_method m;
  double dpi; /* 0: default */
} corr_args;

static int parse_args(int argc, char **argv, corr_args *a) {
  static const struct option opts[] = {
      {"level", required_argument, NULL, 'l'},
      {"period", required_argument, NULL, 'p'},
      {"method", required_argument, NULL, 'm'},
      {"output", required_argument, NULL, 'o'},
      {"dpi", required_argument, NULL, 'D'},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0}};
  int ch;
  optind = 1;
  opterr = 0;
  a->method = "pearson";
  while ((ch = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
    switch (ch) {
    case 'l': a->level = optarg; break;
    case 'p': a->period = optarg; break;
    case 'm': a->method = optarg; break;
    case 'o': a->out = optarg; break;
    case 'D':
      if (cli_parse_dpi("correlate", optarg, &a->dpi) != EXIT_OK)
        return EXIT_USAGE;
      break;
    case 'h': cli_help("correlate", stdout); return -1;
    default:
      return cli_usage("correlate", "unbekannte Option '%s'", argv[optind - 1]);
    }
  }
  if (optind < argc)
    return cli_usage("correlate", "unerwartetes Argument '%s'", argv[optind]);
  if (strcmp(a->method, "pearson") == 0)
    a->m = AMPEL_CORR_PEARSON;
  else if (strcmp(a->method, "spearman") == 0)
    a->m = AMPEL_CORR_SPEARMAN;
  else
    return cli_usage("correlate", "--method: erwartet pearson oder spearman, "
                                  "gefunden: '%s'", a->method);
  if (!a->out)
    return cli_usage("correlate", "-o DATEI.csv oder DATEI.svg fehlt");
  return 0;
}

static void write_csv(ampel_buf *b, const ampel_dataset *ds,
                      const ampel_selection *s, const ampel_corr *m,
                      ampel_corr_method method) {
  size_t k = s->n_inds;
  ampel_buf_puts(b, "a,b,method,r,n,p\n");
  for (size_t i = 0; i < k; i++)
    for (size_t j = i + 1; j < k; j++) {
      const ampel_corr *c = &m[i * k + j];
      ampel_buf_csv_field(b, ampel_dataset_indicator(ds, s->inds[i])->key);
      ampel_buf_putc(b, ',');
      ampel_buf_csv_field(b, ampel_dataset_indicator(ds, s->inds[j])->key);
      ampel_buf_printf(b, ",%s,", ampel_corr_method_name(method));
      ampel_buf_double(b, c->r);
      ampel_buf_printf(b, ",%zu,", c->n);
      ampel_buf_double(b, c->p);
      ampel_buf_putc(b, '\n');
    }
}

static ampel_status write_svg(ampel_buf *b, ampel_store *st,
                              const ampel_dataset *ds,
                              const ampel_selection *s, const ampel_corr *m,
                              ampel_corr_method method) {
  size_t k = s->n_inds;
  const char **names = ampel_calloc(k + 1, sizeof *names);
  size_t *order = ampel_calloc(k + 1, sizeof *order);
  ampel_status rc = names && order ? ampel_corr_order(m, k, order)
                                   : AMPEL_E_NOMEM;
  for (size_t i = 0; names && i < k; i++) {
    const ampel_indicator *ind = ampel_dataset_indicator(ds, s->inds[i]);
    names[i] = ind->name ? ind->name : ind->key;
  }
  char title[300], desc[400], stamp[160];
  snprintf(title, sizeof title, "Zusammenhänge der Kennzahlen – %s, %s",
           s->level, ampel_dataset_period(ds, s->period)->label);
  snprintf(desc, sizeof desc,
           "Korrelationen (%s) zwischen %zu Kennzahlen über die Gebiete der "
           "Ebene %s, geordnet nach Ähnlichkeit (Clusterung).",
           method == AMPEL_CORR_SPEARMAN ? "Spearman" : "Pearson", k, s->level);
  cli_data_stamp(st, stamp, sizeof stamp);
  ampel_chart_opts o = {title, desc, NULL, NULL, *stamp ? stamp : NULL, 2, 0};
  if (rc == AMPEL_OK)
    rc = ampel_chart_corr_matrix(names, k, m, order, method, &o, b);
  ampel_free(names);
  ampel_free(order);
  return rc;
}

/* Columns of the selection's areas, one per indicator. */
static double **columns(const ampel_dataset *ds, const ampel_selection *s) {
  double **cols = ampel_calloc(s->n_inds + 1, sizeof *cols);
  double *all = ampel_calloc(s->n_inds * s->n_areas + 1, sizeof *all);
  if (!cols || !all) {
    ampel_free(cols);
    ampel_free(all);
    return NULL;
  }
  for (size_t i = 0; i < s->n_inds; i++) {
    const double *v = ampel_dataset_values(ds, s->inds[i], s->period);
    cols[i] = all + i * s->n_areas;
    for (size_t r = 0; r < s->n_areas; r++)
      cols[i][r] = v ? v[s->areas[r]] : NAN;
  }
  return cols;
}

int cmd_correlate(int argc, char **argv, cli_common *c) {
  corr_args a = {0};
  int rc = parse_args(argc, argv, &a);
  if (rc != 0)
    return rc < 0 ? EXIT_OK : rc;
  ampel_store *st = NULL;
  ampel_dataset *ds = cli_load(c, &st, &rc);
  if (!ds)
    return rc;
  ampel_diags d;
  ampel_diags_init(&d, 0);
  ampel_selection s = {0};
  ampel_status e = ampel_select(ds, a.level, a.period, NULL, 0, &s, &d);
  cli_print_diags(&d, stderr);
  ampel_diags_release(&d);
  double **cols = e == AMPEL_OK ? columns(ds, &s) : NULL;
  ampel_corr *m = e == AMPEL_OK
                      ? ampel_calloc(s.n_inds * s.n_inds + 1, sizeof *m)
                      : NULL;
  if (e == AMPEL_OK && (!cols || !m))
    e = AMPEL_E_NOMEM;
  if (e == AMPEL_OK)
    e = ampel_corr_matrix((const double *const *)cols, s.n_inds, s.n_areas,
                          a.m, m);
  ampel_buf b;
  ampel_buf_init(&b);
  if (e == AMPEL_OK && cli_picture_ext(a.out))
    e = write_svg(&b, st, ds, &s, m, a.m);
  else if (e == AMPEL_OK)
    write_csv(&b, ds, &s, m, a.m);
  rc = e == AMPEL_OK ? viz_write(a.out, &b, a.dpi) : ampel_status_exit_code(e);
  if (rc == EXIT_OK && strcmp(a.out, "-") != 0)
    printf("Korrelationen (%s): %zu Kennzahlen, %zu Paare, %zu Gebiete der "
           "Ebene %s, %s\n",
           ampel_corr_method_name(a.m), s.n_inds,
           s.n_inds * (s.n_inds - (s.n_inds > 0)) / 2, s.n_areas, s.level,
           ampel_dataset_period(ds, s.period)->label);
  ampel_buf_release(&b);
  if (cols)
    ampel_free(cols[0]);
  ampel_free(cols);
  ampel_free(m);
  ampel_selection_release(&s);
  ampel_dataset_free(ds);
  ampel_store_close(st);
  return rc;
}
