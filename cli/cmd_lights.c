/* ampel lights [--level L] [--period P] [--indicators K,...] [--since P0]
 *   [--band B] [--status-method z|relative] [--reference root|mean]
 *   [--palette NAME] -o FILE.csv|FILE.svg
 * (METHODS.md §3, docs/ampel.md). */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ampel/alloc.h"
#include "ampel/lights.h"
#include "ampel/select.h"
#include "cli.h"

typedef struct li_args {
  const char *level, *period, *inds, *since, *palette, *out;
  ampel_lights_opts opts;
  const ampel_palette *pal;
  double dpi;
} li_args;

static int parse_opt(int ch, li_args *a) {
  switch (ch) {
  case 'l': a->level = optarg; break;
  case 'p': a->period = optarg; break;
  case 'i': a->inds = optarg; break;
  case 's': a->since = optarg; break;
  case 'b':
    if (cli_parse_double("lights", "--band", optarg, &a->opts.band) != 0)
      return EXIT_USAGE;
    if (!(a->opts.band > 0))
      return cli_usage("lights", "--band: muss größer als 0 sein, gefunden: "
                                 "'%s'",
                       optarg);
    break;
  case 'm':
    if (ampel_status_method_parse(optarg, &a->opts.method) != AMPEL_OK)
      return cli_usage("lights", "--status-method: erwartet z oder "
                                 "relative, gefunden: '%s'",
                       optarg);
    break;
  case 'r': return cli_parse_reference("lights", optarg, &a->opts.force_mean);
  case 'P': a->palette = optarg; break;
  case 'o': a->out = optarg; break;
  case 'D': return cli_parse_dpi("lights", optarg, &a->dpi);
  default: return -2;
  }
  return EXIT_OK;
}

static int parse_args(int argc, char **argv, li_args *a) {
  static const struct option opts[] = {
      {"level", required_argument, NULL, 'l'},
      {"period", required_argument, NULL, 'p'},
      {"indicators", required_argument, NULL, 'i'},
      {"since", required_argument, NULL, 's'},
      {"band", required_argument, NULL, 'b'},
      {"status-method", required_argument, NULL, 'm'},
      {"reference", required_argument, NULL, 'r'},
      {"palette", required_argument, NULL, 'P'},
      {"output", required_argument, NULL, 'o'},
      {"dpi", required_argument, NULL, 'D'},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0}};
  int ch;
  optind = 1;
  opterr = 0;
  while ((ch = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
    if (ch == 'h') {
      cli_help("lights", stdout);
      return -1;
    }
    int rc = parse_opt(ch, a);
    if (rc == -2)
      return cli_usage("lights", "unbekannte Option '%s'", argv[optind - 1]);
    if (rc != EXIT_OK)
      return rc;
  }
  if (optind < argc)
    return cli_usage("lights", "unerwartetes Argument '%s'", argv[optind]);
  a->pal = ampel_palette_find(a->palette ? a->palette : "standard");
  if (!a->pal)
    return cli_usage("lights", "--palette: unbekannte Palette '%s' "
                               "(vorhanden: %s)",
                     a->palette, ampel_palette_names());
  if (!a->out)
    return cli_usage("lights", "-o DATEI.csv oder -o DATEI.svg fehlt");
  if (!cli_output_kind(a->out))
    return cli_usage("lights", "-o: Endung .svg, .png, .pdf oder .csv "
                               "erwartet, gefunden: '%s'",
                     a->out);
  return EXIT_OK;
}

/* --since label → period id; prints a usage error when unknown. */
static int resolve_since(const li_args *a, const ampel_dataset *ds,
                         long *out) {
  *out = -1;
  if (!a->since)
    return EXIT_OK;
  long id = ampel_dataset_find_period(ds, a->since);
  if (id < 0) {
    int32_t key;
    char *norm = NULL;
    if (ampel_period_parse(a->since, strlen(a->since), &key, &norm) == 0)
      id = ampel_dataset_find_period(ds, norm);
    ampel_free(norm);
  }
  if (id < 0)
    return cli_usage("lights", "--since: unbekannter Zeitraum '%s' (siehe "
                               "'ampel list periods')",
                     a->since);
  *out = id;
  return EXIT_OK;
}

static void report(const ampel_lights *l, const ampel_dataset *ds,
                   const char *out) {
  size_t n[4] = {0, 0, 0, 0};
  for (size_t i = 0; i < l->n_areas * l->n_cols; i++)
    n[l->cells[i].status]++;
  printf("lights: %zu Gebiete × %zu Kennzahlen (%s, %s) → %s\n", l->n_areas,
         l->n_cols, l->level, ampel_dataset_period(ds, l->period)->label, out);
  printf("Status: %zu gut, %zu durchschnittlich, %zu kritisch, %zu ohne "
         "Bewertung\n",
         n[0], n[1], n[2], n[3]);
  for (size_t j = 0; j < l->n_cols; j++) {
    const ampel_lights_col *c = &l->cols[j];
    printf("%s: Referenz %s", ampel_dataset_indicator(ds, c->ind)->key,
           ampel_ref_method_label_de(c->ref.method));
    if (c->since >= 0)
      printf(", Entwicklung seit %s",
             ampel_dataset_period(ds, (size_t)c->since)->label);
    else
      printf(", keine Entwicklung (kein früherer Wert)");
    printf("\n");
  }
}

static int render(const li_args *a, const ampel_lights *l,
                  const ampel_dataset *ds, const char *stamp) {
  ampel_buf b;
  ampel_buf_init(&b);
  if (cli_output_kind(a->out) == 1) {
    size_t *order = ampel_calloc(l->n_areas + 1, sizeof *order);
    ampel_lights_render_opts ro = {a->pal, *stamp ? stamp : NULL, order};
    if (!order || ampel_lights_rank(l, order) != AMPEL_OK)
      b.failed = 1;
    else
      ampel_lights_write_svg(l, ds, &ro, &b);
    ampel_free(order);
  } else {
    ampel_lights_write_csv(l, ds, &b);
  }
  int rc = cli_write_buf(a->out, &b, a->dpi);
  ampel_buf_release(&b);
  if (rc == EXIT_OK)
    report(l, ds, a->out);
  return rc;
}

static int run(li_args *a, ampel_dataset *ds, ampel_store *st) {
  char stamp[256];
  cli_data_stamp(st, stamp, sizeof stamp);
  int rc = resolve_since(a, ds, &a->opts.since);
  if (rc != EXIT_OK)
    return rc;
  size_t n_keys = 0;
  char *copy = NULL, **keys = NULL;
  if (a->inds && !(keys = cli_split_keys(a->inds, &n_keys, &copy)))
    return EXIT_SYSTEM;
  ampel_diags d;
  ampel_diags_init(&d, 0);
  ampel_selection sel;
  ampel_lights l;
  memset(&l, 0, sizeof l);
  ampel_status s = ampel_select(ds, a->level, a->period,
                                (const char *const *)keys, n_keys, &sel, &d);
  if (s == AMPEL_OK)
    s = ampel_lights_compute(ds, &sel, &a->opts, &l, &d);
  if (s != AMPEL_OK) {
    cli_print_diags(&d, stderr);
    rc = ampel_status_exit_code(s);
  } else {
    rc = render(a, &l, ds, stamp);
  }
  ampel_lights_release(&l);
  ampel_selection_release(&sel);
  ampel_diags_release(&d);
  ampel_free(keys);
  ampel_free(copy);
  return rc;
}

int cmd_lights(int argc, char **argv, cli_common *c) {
  li_args a;
  memset(&a, 0, sizeof a);
  ampel_lights_opts_init(&a.opts);
  int rc = parse_args(argc, argv, &a);
  if (rc != EXIT_OK)
    return rc < 0 ? EXIT_OK : rc;
  ampel_store *st = NULL;
  ampel_dataset *ds = cli_load(c, &st, &rc);
  if (!ds)
    return rc;
  rc = run(&a, ds, st);
  ampel_dataset_free(ds);
  ampel_store_close(st);
  return fflush(stdout) == 0 || rc != EXIT_OK ? rc : EXIT_SYSTEM;
}
