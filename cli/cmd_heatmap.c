/* ampel heatmap [--level L] [--period P] [--indicators K,...]
 *   [--cluster both|areas|indicators|none]
 *   [--linkage complete|average|single|ward] [--palette NAME]
 *   [--tree FILE.csv] [--reference root|mean] -o FILE.svg|FILE.csv
 * (METHODS.md §2, docs/ampel.md). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ampel/alloc.h"
#include "ampel/heatmap.h"
#include "ampel/select.h"
#include "cli.h"

/* 1 for a picture (.svg, .png, .pdf), 2 for .csv, 0 otherwise
 * (case-insensitive). */
int cli_output_kind(const char *path) {
  const char *dot = path ? strrchr(path, '.') : NULL;
  if (!dot || strchr(dot, '/'))
    return 0;
  if (cli_picture_ext(path))
    return 1;
  if (strcasecmp(dot, ".csv") == 0)
    return 2;
  return 0;
}

/* Splits "a,b,c" into a NULL-terminated array of pointers into a copy.
 * Caller frees keys[0]'s block via *out_copy and the array with ampel_free.
 */
char **cli_split_keys(const char *s, size_t *out_n, char **out_copy) {
  *out_n = 0;
  *out_copy = ampel_strdup(s ? s : "");
  size_t cap = 2;
  for (const char *p = s; p && *p; p++)
    cap += *p == ',';
  char **keys = ampel_calloc(cap, sizeof *keys);
  if (!*out_copy || !keys) {
    ampel_free(keys);
    ampel_free(*out_copy);
    *out_copy = NULL;
    return NULL;
  }
  for (char *p = *out_copy; p;) {
    char *comma = strchr(p, ',');
    if (comma)
      *comma = '\0';
    while (*p == ' ')
      p++;
    if (*p)
      keys[(*out_n)++] = p;
    p = comma ? comma + 1 : NULL;
  }
  return keys;
}

/* The footer stamp from the store, "" when there is none. */
void cli_data_stamp(ampel_store *st, char *out, size_t size) {
  ampel_data_version v;
  out[0] = '\0';
  if (st && ampel_store_data_version(st, &v) == AMPEL_OK && v.id > 0)
    ampel_data_version_format(&v, out, size);
  cli_disclosure_stamp(st, out, size);
}

typedef struct hm_args {
  const char *level, *period, *inds, *palette, *tree, *out;
  ampel_heatmap_opts opts;
  const ampel_palette *pal;
  double dpi;
} hm_args;

static int parse_args(int argc, char **argv, hm_args *a) {
  static const struct option opts[] = {
      {"level", required_argument, NULL, 'l'},
      {"period", required_argument, NULL, 'p'},
      {"indicators", required_argument, NULL, 'i'},
      {"cluster", required_argument, NULL, 'c'},
      {"linkage", required_argument, NULL, 'k'},
      {"palette", required_argument, NULL, 'P'},
      {"tree", required_argument, NULL, 't'},
      {"reference", required_argument, NULL, 'r'},
      {"output", required_argument, NULL, 'o'},
      {"dpi", required_argument, NULL, 'D'},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0}};
  int ch;
  optind = 1;
  opterr = 0;
  while ((ch = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
    switch (ch) {
    case 'l': a->level = optarg; break;
    case 'p': a->period = optarg; break;
    case 'i': a->inds = optarg; break;
    case 'c':
      if (ampel_heatmap_cluster_parse(optarg, &a->opts.cluster) != AMPEL_OK)
        return cli_usage("heatmap", "--cluster: erwartet both, areas, "
                                    "indicators oder none, gefunden: '%s'",
                         optarg);
      break;
    case 'k':
      if (ampel_linkage_parse(optarg, &a->opts.linkage) != AMPEL_OK)
        return cli_usage("heatmap", "--linkage: erwartet complete, average, "
                                    "single oder ward, gefunden: '%s'",
                         optarg);
      break;
    case 'P': a->palette = optarg; break;
    case 't': a->tree = optarg; break;
    case 'r':
      if (cli_parse_reference("heatmap", optarg, &a->opts.force_mean) !=
          EXIT_OK)
        return EXIT_USAGE;
      break;
    case 'o': a->out = optarg; break;
    case 'D':
      if (cli_parse_dpi("heatmap", optarg, &a->dpi) != EXIT_OK)
        return EXIT_USAGE;
      break;
    case 'h': cli_help("heatmap", stdout); return -1;
    default:
      return cli_usage("heatmap", "unbekannte Option '%s'", argv[optind - 1]);
    }
  }
  if (optind < argc)
    return cli_usage("heatmap", "unerwartetes Argument '%s'", argv[optind]);
  return EXIT_OK;
}

static int check_args(hm_args *a) {
  a->pal = ampel_palette_find(a->palette ? a->palette : "standard");
  if (!a->pal)
    return cli_usage("heatmap", "--palette: unbekannte Palette '%s' "
                                "(vorhanden: %s)",
                     a->palette, ampel_palette_names());
  if (!a->out)
    return cli_usage("heatmap", "-o DATEI.svg oder -o DATEI.csv fehlt");
  if (!cli_output_kind(a->out))
    return cli_usage("heatmap", "-o: Endung .svg, .png, .pdf oder .csv "
                                "erwartet, gefunden: '%s'",
                     a->out);
  if (a->tree && cli_output_kind(a->tree) != 2)
    return cli_usage("heatmap", "--tree: Endung .csv erwartet, gefunden: "
                                "'%s'",
                     a->tree);
  a->opts.need_area_tree = a->tree != NULL;
  return EXIT_OK;
}

/* One line on stdout: what was drawn and which reference was used. */
static void report(const ampel_heatmap *h, const ampel_dataset *ds,
                   const char *out) {
  printf("heatmap: %zu Gebiete × %zu Kennzahlen (%s, %s) → %s\n", h->n_rows,
         h->n_cols, h->level, ampel_dataset_period(ds, h->period)->label, out);
  for (int m = 0; m <= AMPEL_REF_NONE; m++) {
    size_t k = 0;
    for (size_t j = 0; j < h->n_cols; j++)
      if ((int)h->ref[j].method == m)
        printf("%s%s", k++ ? ", " : "Referenz: ",
               ampel_dataset_indicator(ds, h->ind_ids[j])->key);
    if (k)
      printf(": %s\n", ampel_ref_method_label_de((ampel_ref_method)m));
  }
  for (size_t i = 0; i < h->n_dropped; i++)
    printf("%s%s", i ? ", " : "ohne Werte, nicht dargestellt: ",
           ampel_dataset_area(ds, h->dropped[i])->key);
  if (h->n_dropped)
    printf("\n");
}

static int render(const hm_args *a, const ampel_heatmap *h,
                  const ampel_dataset *ds, const char *stamp) {
  ampel_buf b;
  ampel_buf_init(&b);
  if (cli_output_kind(a->out) == 1) {
    ampel_heatmap_render_opts ro = {a->pal, *stamp ? stamp : NULL};
    ampel_heatmap_write_svg(h, ds, &ro, &b);
  } else {
    ampel_heatmap_write_csv(h, ds, &b);
  }
  int rc = cli_write_buf(a->out, &b, a->dpi);
  if (rc == EXIT_OK && a->tree) {
    b.len = 0;
    if (ampel_heatmap_write_tree(h, ds, &b) != AMPEL_OK) {
      cli_error("kein Baum der Gebiete berechnet");
      rc = EXIT_DATA;
    } else {
      rc = cli_write_buf(a->tree, &b, a->dpi);
    }
  }
  ampel_buf_release(&b);
  if (rc == EXIT_OK)
    report(h, ds, a->out);
  return rc;
}

static int run(const hm_args *a, ampel_dataset *ds, ampel_store *st) {
  char stamp[256];
  cli_data_stamp(st, stamp, sizeof stamp);
  size_t n_keys = 0;
  char *copy = NULL, **keys = NULL;
  if (a->inds) {
    keys = cli_split_keys(a->inds, &n_keys, &copy);
    if (!keys)
      return EXIT_SYSTEM;
  }
  ampel_diags d;
  ampel_diags_init(&d, 0);
  ampel_selection sel;
  ampel_heatmap h;
  memset(&h, 0, sizeof h);
  ampel_status s = ampel_select(ds, a->level, a->period,
                                (const char *const *)keys, n_keys, &sel, &d);
  if (s == AMPEL_OK)
    s = ampel_heatmap_compute(ds, &sel, &a->opts, &h, &d);
  int rc = EXIT_OK;
  if (s != AMPEL_OK) {
    cli_print_diags(&d, stderr);
    rc = ampel_status_exit_code(s);
  } else {
    rc = render(a, &h, ds, stamp);
  }
  ampel_heatmap_release(&h);
  ampel_selection_release(&sel);
  ampel_diags_release(&d);
  ampel_free(keys);
  ampel_free(copy);
  return rc;
}

int cmd_heatmap(int argc, char **argv, cli_common *c) {
  hm_args a;
  memset(&a, 0, sizeof a);
  ampel_heatmap_opts_init(&a.opts);
  int rc = parse_args(argc, argv, &a);
  if (rc != EXIT_OK)
    return rc < 0 ? EXIT_OK : rc;
  rc = check_args(&a);
  if (rc != EXIT_OK)
    return rc;
  ampel_store *st = NULL;
  ampel_dataset *ds = cli_load(c, &st, &rc);
  if (!ds)
    return rc;
  rc = run(&a, ds, st);
  ampel_dataset_free(ds);
  ampel_store_close(st);
  return fflush(stdout) == 0 || rc != EXIT_OK ? rc : EXIT_SYSTEM;
}
