/* ampel chart timeseries|ranking|scatter: parse → analyse → render → write.
 * The ranking's reference comes from the lights question, the scatter's
 * r, n and p from the correlation question (same universe rule). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ampel/alloc.h"
#include "ampel/analysis/correlate.h"
#include "ampel/analysis/indicator.h"
#include "ampel/analysis/timeseries.h"
#include "ampel/chart.h"
#include "cli.h"
#include "viz_util.h"

typedef struct chart_job {
  const cli_call *call;
  const ampel_context *ctx;
  const ampel_dataset *ds;
  ampel_diags d;
  const char *level; /* for the message when nothing can be drawn */
  size_t period, n_areas;
} chart_job;

static const char *stamp(const chart_job *j) {
  const char *f = ampel_context_footer(j->ctx);
  return *f ? f : NULL;
}

static long chosen_area(const chart_job *j) {
  const char *key = CLI_OPT(j->call, AMPEL_OPT_AREA);
  if (!key)
    return -1;
  long id = ampel_dataset_find_area(j->ds, key);
  if (id < 0)
    cli_warn("Gebiet '%s' gibt es nicht; keines wird hervorgehoben", key);
  return id;
}

/* The query with one indicator: --indicator, else the first with values. */
static ampel_status one_indicator(chart_job *j, ampel_query *q) {
  ampel_selection sel;
  long id = -1;
  ampel_status s =
      ampel_analysis_indicator(j->ds, q, AMPEL_OPT_INDICATOR, &id, &j->d);
  if (s == AMPEL_OK)
    s = ampel_analysis_select(
        j->ds, q,
        id >= 0 ? ampel_dataset_indicator(j->ds, (size_t)id)->key : NULL, &sel,
        &j->d);
  if (s == AMPEL_OK && sel.n_inds == 0) {
    ampel_diags_error(&j->d, AMPEL_E_DATA, "keine Kennzahl mit Werten");
    s = AMPEL_E_DATA;
  }
  if (s == AMPEL_OK)
    s = ampel_query_set(q, ampel_opt_get(AMPEL_OPT_INDICATORS),
                        ampel_dataset_indicator(j->ds, sel.inds[0])->key, NULL,
                        0);
  ampel_selection_release(&sel);
  return s;
}

static ampel_status timeseries(chart_job *j, ampel_buf *b) {
  ampel_timeseries_answer a;
  ampel_status st = ampel_analyse_timeseries(j->ctx, &j->call->q, &a, &j->d);
  if (st != AMPEL_OK)
    return st;
  j->level = a.sel.level;
  j->period = a.sel.period;
  j->n_areas = a.sel.n_areas;
  long chosen = chosen_area(j);
  size_t np = a.n_periods;
  if (np > 0) {
    const ampel_indicator *in = ampel_dataset_indicator(j->ds, a.ind);
    char title[300], desc[500], yl[200];
    viz_ind_label(in, yl, sizeof yl);
    snprintf(title, sizeof title, "%s – Verlauf je %s",
             in->name ? in->name : in->key, a.sel.level);
    snprintf(desc, sizeof desc,
             "Zeitreihe %s bis %s: alle Gebiete der Ebene %s grau%s%s%s, die "
             "Gesamtstadt gestrichelt.",
             a.labels[0], a.labels[np - 1], a.sel.level,
             chosen >= 0 ? ", " : "",
             chosen >= 0 ? ampel_dataset_area(j->ds, (size_t)chosen)->name : "",
             chosen >= 0 ? " hervorgehoben" : "");
    ampel_chart_opts o = {title, desc, NULL, yl, stamp(j), in->decimals, 0};
    st = ampel_timeseries_answer_svg(&a, chosen, &o, b);
  }
  ampel_timeseries_answer_release(&a);
  return st;
}

static ampel_status ranking(chart_job *j, ampel_buf *b) {
  ampel_query q = j->call->q;
  ampel_lights_answer a;
  ampel_status st = one_indicator(j, &q);
  if (st == AMPEL_OK)
    st = ampel_analyse_lights(j->ctx, &q, &a, &j->d);
  if (st != AMPEL_OK)
    return st;
  const ampel_lights *l = &a.lights;
  size_t ind = l->cols[0].ind, n = l->n_areas;
  j->level = l->level;
  j->period = l->period;
  j->n_areas = n;
  ampel_bar *bars = ampel_calloc(n + 1, sizeof *bars);
  long chosen = chosen_area(j);
  for (size_t r = 0; bars && r < n; r++) {
    const ampel_area *ar = ampel_dataset_area(j->ds, l->area_ids[r]);
    bars[r] = (ampel_bar){
        ar->name ? ar->name : ar->key, ampel_lights_at(l, r, 0)->value,
        ampel_dataset_get(j->ds, l->area_ids[r], ind, l->period).flag,
        (long)l->area_ids[r] == chosen};
  }
  const ampel_indicator *in = ampel_dataset_indicator(j->ds, ind);
  char title[300], desc[400], xl[200];
  viz_ind_label(in, xl, sizeof xl);
  snprintf(title, sizeof title, "%s – Rangfolge (%s), %s", xl, l->level,
           ampel_dataset_period(j->ds, l->period)->label);
  snprintf(desc, sizeof desc,
           "Balken je Gebiet, höchster Wert oben; gestrichelt die Referenz "
           "(%s). Gebiete ohne Wert stehen unten mit ihrem Zeichen.",
           l->cols[0].ref.method == AMPEL_REF_ROOT ? "Wert der Gesamtstadt"
                                                   : "Mittel der Gebiete");
  ampel_chart_opts o = {title, desc, NULL, NULL, stamp(j), in->decimals, 0};
  st = bars ? ampel_chart_ranking(bars, n, l->cols[0].ref.value, "Gesamtstadt",
                                  &o, b)
            : AMPEL_E_NOMEM;
  ampel_free(bars);
  ampel_lights_answer_release(&a);
  return st;
}

static ampel_status scatter(chart_job *j, ampel_buf *b) {
  const char *x = CLI_OPT(j->call, AMPEL_OPT_X),
             *y = CLI_OPT(j->call, AMPEL_OPT_Y);
  char both[1024];
  snprintf(both, sizeof both, "%s,%s", x, y);
  ampel_query q = j->call->q;
  ampel_correlation_answer a;
  ampel_status st =
      ampel_query_set(&q, ampel_opt_get(AMPEL_OPT_INDICATORS), both, NULL, 0);
  if (st == AMPEL_OK)
    st = ampel_analyse_correlation(j->ctx, &q, &a, &j->d);
  if (st != AMPEL_OK)
    return st;
  size_t n = a.sel.n_areas;
  j->level = a.sel.level;
  j->period = a.sel.period;
  j->n_areas = n;
  ampel_xy *p = ampel_calloc(n + 1, sizeof *p);
  for (size_t r = 0; p && r < n; r++) {
    const ampel_area *ar = ampel_dataset_area(j->ds, a.sel.areas[r]);
    p[r] = (ampel_xy){ar->name ? ar->name : ar->key, a.values[a.x * n + r],
                      a.values[a.y * n + r]};
  }
  char title[500], desc[300], xl[200], yl[200];
  viz_ind_label(ampel_dataset_indicator(j->ds, a.sel.inds[a.x]), xl, sizeof xl);
  viz_ind_label(ampel_dataset_indicator(j->ds, a.sel.inds[a.y]), yl, sizeof yl);
  snprintf(title, sizeof title, "%s und %s – %s, %s", yl, xl, a.sel.level,
           ampel_dataset_period(j->ds, a.sel.period)->label);
  snprintf(desc, sizeof desc,
           "Streudiagramm: ein Punkt je Gebiet, Linie nach der Methode der "
           "kleinsten Quadrate.");
  ampel_chart_opts o = {title, desc, xl, yl, stamp(j), -1, 0};
  st = p ? ampel_chart_scatter(p, n, ampel_correlation_at(&a, a.x, a.y),
                               a.method, &o, b)
         : AMPEL_E_NOMEM;
  ampel_free(p);
  ampel_correlation_answer_release(&a);
  return st;
}

static int run(chart_job *j, const char *kind, ampel_buf *b) {
  int scat = !strcmp(kind, "scatter");
  ampel_status st = scat                       ? scatter(j, b)
                    : !strcmp(kind, "ranking") ? ranking(j, b)
                                               : timeseries(j, b);
  if (st == AMPEL_E_USAGE && j->level && !j->d.n) {
    cli_error("nichts zu zeichnen: keine Gebiete der Ebene %s mit Werten%s "
              "im Zeitraum %s",
              j->level, scat ? " für beide Kennzahlen" : "",
              ampel_dataset_period(j->ds, j->period)->label);
    return EXIT_DATA;
  }
  return st == AMPEL_OK ? EXIT_OK : cli_fail(st, &j->d);
}

int cmd_chart(const cli_call *call) {
  const char *kind = call->pos[0], *out = CLI_OPT(call, AMPEL_OPT_OUTPUT);
  if (strcmp(kind, "timeseries") && strcmp(kind, "ranking") &&
      strcmp(kind, "scatter"))
    return cli_usage("chart",
                     "Art: erwartet timeseries, ranking oder "
                     "scatter, gefunden: '%s'",
                     kind);
  if (!strcmp(kind, "scatter") &&
      (!CLI_OPT(call, AMPEL_OPT_X) || !CLI_OPT(call, AMPEL_OPT_Y)))
    return cli_usage("chart", "scatter braucht --x KENNZAHL und --y KENNZAHL");
  if (!out)
    return cli_usage("chart", "-o DATEI.svg fehlt");
  int rc = EXIT_OK;
  ampel_context *ctx = cli_context(call->common, 0, &rc);
  if (!ctx)
    return rc;
  chart_job j = {call, ctx, ampel_context_dataset(ctx), {0}, NULL, 0, 0};
  ampel_diags_init(&j.d, 0);
  ampel_buf b;
  ampel_buf_init(&b);
  rc = run(&j, kind, &b);
  if (rc == EXIT_OK)
    rc = cli_write_buf(out, &b, ampel_query_num(&call->q, AMPEL_OPT_DPI));
  if (rc == EXIT_OK && strcmp(out, "-") != 0)
    printf("Diagramm (%s): %zu Gebiete der Ebene %s\n", kind, j.n_areas,
           j.level);
  ampel_buf_release(&b);
  ampel_diags_release(&j.d);
  ampel_context_free(ctx);
  return rc;
}
