/* ampel chart timeseries|ranking|scatter: charts as SVG. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ampel/alloc.h"
#include "ampel/chart.h"
#include "ampel/lights.h"
#include "ampel/select.h"
#include "cli.h"
#include "viz_util.h"

/* Returned by the chart functions when the renderer found nothing. */
#define NOTHING_TO_DRAW 99

static int chart_rc(ampel_status st) {
  return st == AMPEL_OK           ? 0
         : st == AMPEL_E_USAGE ? NOTHING_TO_DRAW
                               : ampel_status_exit_code(st);
}

typedef struct chart_args {
  const char *kind, *ind, *x, *y, *area, *level, *period, *out, *method;
  double dpi; /* 0: default */
} chart_args;

static int parse_args(int argc, char **argv, chart_args *a) {
  static const struct option opts[] = {
      {"indicator", required_argument, NULL, 'i'},
      {"x", required_argument, NULL, 'x'},
      {"y", required_argument, NULL, 'y'},
      {"area", required_argument, NULL, 'a'},
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
  while ((ch = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
    switch (ch) {
    case 'i': a->ind = optarg; break;
    case 'x': a->x = optarg; break;
    case 'y': a->y = optarg; break;
    case 'a': a->area = optarg; break;
    case 'l': a->level = optarg; break;
    case 'p': a->period = optarg; break;
    case 'm': a->method = optarg; break;
    case 'o': a->out = optarg; break;
    case 'D':
      if (cli_parse_dpi("chart", optarg, &a->dpi) != EXIT_OK)
        return EXIT_USAGE;
      break;
    case 'h': cli_help("chart", stdout); return -1;
    default:
      return cli_usage("chart", "unbekannte Option '%s'", argv[optind - 1]);
    }
  }
  if (optind >= argc)
    return cli_usage("chart", "Art fehlt: timeseries, ranking oder scatter");
  a->kind = argv[optind++];
  if (optind < argc)
    return cli_usage("chart", "unerwartetes Argument '%s'", argv[optind]);
  if (strcmp(a->kind, "timeseries") && strcmp(a->kind, "ranking") &&
      strcmp(a->kind, "scatter"))
    return cli_usage("chart", "Art: erwartet timeseries, ranking oder "
                              "scatter, gefunden: '%s'", a->kind);
  if (!strcmp(a->kind, "scatter") && (!a->x || !a->y))
    return cli_usage("chart", "scatter braucht --x KENNZAHL und --y KENNZAHL");
  if (a->method && strcmp(a->method, "pearson") && strcmp(a->method, "spearman"))
    return cli_usage("chart", "--method: erwartet pearson oder spearman");
  if (!a->out)
    return cli_usage("chart", "-o DATEI.svg fehlt");
  return 0;
}

typedef struct chart_job {
  chart_args *a;
  ampel_dataset *ds;
  ampel_store *st;
  ampel_selection sel;
  char stamp[160];
} chart_job;

static int select_for(chart_job *j, const char *ind) {
  ampel_diags d;
  ampel_diags_init(&d, 0);
  const char *keys[1] = {ind};
  ampel_status s = ampel_select(j->ds, j->a->level, j->a->period,
                                ind ? keys : NULL, ind ? 1 : 0, &j->sel, &d);
  if (s == AMPEL_OK && j->sel.n_inds == 0) {
    ampel_diags_error(&d, AMPEL_E_DATA, "keine Kennzahl mit Werten");
    s = AMPEL_E_DATA;
  }
  cli_print_diags(&d, stderr);
  ampel_diags_release(&d);
  return s == AMPEL_OK ? 0 : ampel_status_exit_code(s);
}

static long chosen_area(chart_job *j) {
  if (!j->a->area)
    return -1;
  long id = ampel_dataset_find_area(j->ds, j->a->area);
  if (id < 0)
    cli_warn("Gebiet '%s' gibt es nicht; keines wird hervorgehoben",
             j->a->area);
  return id;
}

/* Reference per period (METHODS.md §1: the root's value, else the mean). */
static double period_ref(chart_job *j, size_t ind, size_t t, double *tmp) {
  const double *v = ampel_dataset_values(j->ds, ind, t);
  double root = NAN;
  for (size_t r = 0; r < j->sel.n_areas; r++)
    tmp[r] = v ? v[j->sel.areas[r]] : NAN;
  if (v && j->sel.root >= 0)
    root = v[j->sel.root];
  ampel_ref_result res;
  if (ampel_ref_compute(tmp, NULL, NULL, j->sel.n_areas, root, NAN, 0,
                        &res) != AMPEL_OK)
    return NAN;
  return res.value;
}

static int timeseries(chart_job *j, ampel_buf *b) {
  size_t ind = j->sel.inds[0], np = ampel_dataset_n_periods(j->ds),
         n = j->sel.n_areas;
  ampel_series *s = ampel_calloc(n + 2, sizeof *s);
  double *ys = ampel_calloc((n + 1) * np + n + 1, sizeof *ys);
  const char **labels = ampel_calloc(np + 1, sizeof *labels);
  if (!s || !ys || !labels) {
    ampel_free(s);
    ampel_free(ys);
    ampel_free(labels);
    return EXIT_SYSTEM;
  }
  long chosen = chosen_area(j);
  double *tmp = ys + (n + 1) * np;
  for (size_t t = 0; t < np; t++) {
    labels[t] = ampel_dataset_period(j->ds, t)->label;
    const double *v = ampel_dataset_values(j->ds, ind, t);
    for (size_t r = 0; r < n; r++)
      ys[r * np + t] = v ? v[j->sel.areas[r]] : NAN;
    ys[n * np + t] = period_ref(j, ind, t, tmp);
  }
  for (size_t r = 0; r < n; r++) {
    const ampel_area *ar = ampel_dataset_area(j->ds, j->sel.areas[r]);
    s[r] = (ampel_series){ar->name ? ar->name : ar->key, ys + r * np,
                          (long)j->sel.areas[r] == chosen ? AMPEL_SERIES_CHOSEN
                                                          : AMPEL_SERIES_OTHER};
  }
  s[n] = (ampel_series){"Gesamtstadt (Referenz)", ys + n * np,
                        AMPEL_SERIES_REFERENCE};
  const ampel_indicator *in = ampel_dataset_indicator(j->ds, ind);
  char title[300], desc[500], yl[200];
  viz_ind_label(in, yl, sizeof yl);
  snprintf(title, sizeof title, "%s – Verlauf je %s",
           in->name ? in->name : in->key, j->sel.level);
  snprintf(desc, sizeof desc,
           "Zeitreihe %s bis %s: alle Gebiete der Ebene %s grau%s%s%s, die "
           "Gesamtstadt gestrichelt.",
           labels[0], labels[np - 1], j->sel.level, chosen >= 0 ? ", " : "",
           chosen >= 0 ? ampel_dataset_area(j->ds, (size_t)chosen)->name : "",
           chosen >= 0 ? " hervorgehoben" : "");
  ampel_chart_opts o = {title, desc, NULL, yl, *j->stamp ? j->stamp : NULL,
                        in->decimals, 0};
  ampel_status st = ampel_chart_timeseries(labels, np, s, n + 1, &o, b);
  ampel_free(s);
  ampel_free(ys);
  ampel_free(labels);
  return chart_rc(st);
}

static int ranking(chart_job *j, ampel_buf *b) {
  size_t ind = j->sel.inds[0], n = j->sel.n_areas;
  ampel_lights l;
  ampel_lights_opts lo;
  ampel_lights_opts_init(&lo);
  ampel_diags d;
  ampel_diags_init(&d, 0);
  j->sel.n_inds = 1;
  ampel_status st = ampel_lights_compute(j->ds, &j->sel, &lo, &l, &d);
  cli_print_diags(&d, stderr);
  ampel_diags_release(&d);
  if (st != AMPEL_OK)
    return ampel_status_exit_code(st);
  ampel_bar *bars = ampel_calloc(n + 1, sizeof *bars);
  long chosen = chosen_area(j);
  for (size_t r = 0; bars && r < n; r++) {
    const ampel_area *ar = ampel_dataset_area(j->ds, j->sel.areas[r]);
    bars[r] = (ampel_bar){ar->name ? ar->name : ar->key,
                          ampel_lights_at(&l, r, 0)->value,
                          ampel_dataset_get(j->ds, j->sel.areas[r], ind,
                                            j->sel.period).flag,
                          (long)j->sel.areas[r] == chosen};
  }
  const ampel_indicator *in = ampel_dataset_indicator(j->ds, ind);
  char title[300], desc[400], xl[200];
  viz_ind_label(in, xl, sizeof xl);
  snprintf(title, sizeof title, "%s – Rangfolge (%s), %s", xl, j->sel.level,
           ampel_dataset_period(j->ds, j->sel.period)->label);
  snprintf(desc, sizeof desc,
           "Balken je Gebiet, höchster Wert oben; gestrichelt die Referenz "
           "(%s). Gebiete ohne Wert stehen unten mit ihrem Zeichen.",
           l.cols[0].ref.method == AMPEL_REF_ROOT ? "Wert der Gesamtstadt"
                                                  : "Mittel der Gebiete");
  ampel_chart_opts o = {title, desc, NULL, NULL, *j->stamp ? j->stamp : NULL,
                        in->decimals, 0};
  st = bars ? ampel_chart_ranking(bars, n, l.cols[0].ref.value,
                                  "Gesamtstadt", &o, b)
            : AMPEL_E_NOMEM;
  ampel_free(bars);
  ampel_lights_release(&l);
  return chart_rc(st);
}

static int scatter(chart_job *j, ampel_buf *b) {
  long ix = viz_indicator("chart", j->ds, j->a->x),
       iy = viz_indicator("chart", j->ds, j->a->y);
  if (ix < 0 || iy < 0)
    return EXIT_USAGE;
  size_t n = j->sel.n_areas;
  const double *vx = ampel_dataset_values(j->ds, (size_t)ix, j->sel.period),
               *vy = ampel_dataset_values(j->ds, (size_t)iy, j->sel.period);
  ampel_xy *p = ampel_calloc(n + 1, sizeof *p);
  double *xs = ampel_calloc(2 * n + 1, sizeof *xs);
  if (!p || !xs) {
    ampel_free(p);
    ampel_free(xs);
    return EXIT_SYSTEM;
  }
  for (size_t r = 0; r < n; r++) {
    const ampel_area *ar = ampel_dataset_area(j->ds, j->sel.areas[r]);
    xs[r] = vx ? vx[j->sel.areas[r]] : NAN;
    xs[n + r] = vy ? vy[j->sel.areas[r]] : NAN;
    p[r] = (ampel_xy){ar->name ? ar->name : ar->key, xs[r], xs[n + r]};
  }
  ampel_corr_method m = j->a->method && !strcmp(j->a->method, "spearman")
                            ? AMPEL_CORR_SPEARMAN
                            : AMPEL_CORR_PEARSON;
  ampel_corr c;
  ampel_status st = ampel_corr_pair(xs, xs + n, n, m, &c);
  char title[500], desc[300], xl[200], yl[200];
  viz_ind_label(ampel_dataset_indicator(j->ds, (size_t)ix), xl, sizeof xl);
  viz_ind_label(ampel_dataset_indicator(j->ds, (size_t)iy), yl, sizeof yl);
  snprintf(title, sizeof title, "%s und %s – %s, %s", yl, xl, j->sel.level,
           ampel_dataset_period(j->ds, j->sel.period)->label);
  snprintf(desc, sizeof desc,
           "Streudiagramm: ein Punkt je Gebiet, Linie nach der Methode der "
           "kleinsten Quadrate.");
  ampel_chart_opts o = {title, desc, xl, yl, *j->stamp ? j->stamp : NULL, -1,
                        0};
  if (st == AMPEL_OK)
    st = ampel_chart_scatter(p, n, &c, m, &o, b);
  ampel_free(p);
  ampel_free(xs);
  return chart_rc(st);
}

int cmd_chart(int argc, char **argv, cli_common *c) {
  chart_args a = {0};
  int rc = parse_args(argc, argv, &a);
  if (rc != 0)
    return rc < 0 ? EXIT_OK : rc;
  chart_job j = {0};
  j.a = &a;
  j.ds = cli_load(c, &j.st, &rc);
  if (!j.ds)
    return rc;
  cli_data_stamp(j.st, j.stamp, sizeof j.stamp);
  int scat = !strcmp(a.kind, "scatter");
  if (scat && viz_indicator("chart", j.ds, a.x) < 0)
    rc = EXIT_USAGE;
  else
    rc = select_for(&j, scat ? a.x : a.ind);
  ampel_buf b;
  ampel_buf_init(&b);
  if (rc == 0)
    rc = scat ? scatter(&j, &b)
         : !strcmp(a.kind, "ranking") ? ranking(&j, &b)
                                      : timeseries(&j, &b);
  if (rc == NOTHING_TO_DRAW) {
    cli_error("nichts zu zeichnen: keine Gebiete der Ebene %s mit Werten%s "
              "im Zeitraum %s",
              j.sel.level, scat ? " für beide Kennzahlen" : "",
              ampel_dataset_period(j.ds, j.sel.period)->label);
    rc = EXIT_DATA;
  }
  if (rc == 0)
    rc = viz_write(a.out, &b, a.dpi);
  if (rc == 0 && strcmp(a.out, "-") != 0)
    printf("Diagramm (%s): %zu Gebiete der Ebene %s\n", a.kind,
           j.sel.n_areas, j.sel.level);
  ampel_buf_release(&b);
  ampel_selection_release(&j.sel);
  ampel_dataset_free(j.ds);
  ampel_store_close(j.st);
  return rc;
}
