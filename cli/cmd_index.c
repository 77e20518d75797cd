/* ampel index --method mss|weighted ... -o FILE.csv|FILE.svg
 * (METHODS.md §4, §5; docs/bedarf.md). Also the option handling shared
 * with `ampel allocate` (cli_need_*, cli.h). */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ampel/alloc.h"
#include "ampel/need.h"
#include "ampel/geo.h"
#include "ampel/map.h"
#include "cli.h"

/* ---------------------------------------------------------------------- */
/* Shared with cmd_allocate.c                                              */

void cli_need_opts_init(cli_need_opts *o) {
  memset(o, 0, sizeof *o);
  ampel_level_opts_init(&o->levels);
  o->min_population = AMPEL_MSS_DEFAULT_MIN_POPULATION;
  o->seed = 1;
}

void cli_need_opts_release(cli_need_opts *o) {
  ampel_keylist_release(&o->indicators);
}

static int parse_u64(const char *cmd, const char *opt, const char *s,
                     unsigned long long min, unsigned long long max,
                     unsigned long long *out) {
  char *end;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 10);
  if (errno || end == s || *end || s[0] == '-' || v < min || v > max) {
    cli_usage(cmd, "%s: ganze Zahl von %llu bis %llu erwartet, gefunden: "
              "'%s'", opt, min, max, s);
    return -1;
  }
  *out = v;
  return 0;
}

static int opt_levels(const char *cmd, const char *arg, cli_need_opts *o) {
  unsigned long long k;
  if (parse_u64(cmd, "--levels", arg, 1, AMPEL_LEVELS_MAX_K, &k) != 0)
    return -1;
  o->levels.k = (int)k;
  return 0;
}

static int opt_top_share(const char *cmd, const char *arg,
                         cli_need_opts *o) {
  double q;
  if (cli_parse_double(cmd, "--top-share", arg, &q) != 0)
    return -1;
  if (q < 0 || q >= 1) {
    cli_usage(cmd, "--top-share: Anteil von 0 bis unter 1 erwartet "
                   "(z. B. 0.05), gefunden: '%s'", arg);
    return -1;
  }
  o->levels.top_share = q;
  return 0;
}

static int opt_sensitivity(const char *cmd, const char *arg,
                           cli_need_opts *o) {
  unsigned long long n;
  if (parse_u64(cmd, "--sensitivity", arg, 1, AMPEL_SENSITIVITY_MAX_RUNS,
                &n))
    return -1;
  o->sens_runs = (size_t)n;
  return 0;
}

static int opt_keylist(const char *cmd, const char *opt, const char *arg,
                       int weights, ampel_keylist *l) {
  ampel_diags d;
  ampel_diags_init(&d, 0);
  ampel_keylist_release(l);
  ampel_status st = ampel_keylist_parse(arg, weights, l, &d);
  if (st != AMPEL_OK)
    cli_usage(cmd, "%s: %s", opt,
              d.n ? d.items[0].message : "zu wenig Speicher");
  ampel_diags_release(&d);
  return st == AMPEL_OK ? 0 : -1;
}

int cli_need_opt(const char *cmd, int ch, const char *arg,
                 cli_need_opts *o) {
  unsigned long long seed;
  switch (ch) {
  case OPT_LEVEL: o->level = arg; return 0;
  case OPT_PERIOD: o->period = arg; return 0;
  case OPT_INDICATORS:
    o->has_indicators = 1;
    return opt_keylist(cmd, "--indicators", arg, 1, &o->indicators);
  case OPT_LEVELS: o->has_level_opts = 1; return opt_levels(cmd, arg, o);
  case OPT_TOP_SHARE: o->has_level_opts = 1; return opt_top_share(cmd, arg, o);
  case OPT_LEVEL_METHOD:
    o->has_level_opts = 1;
    if (strcmp(arg, "width") == 0)
      o->levels.method = AMPEL_LEVEL_WIDTH;
    else if (strcmp(arg, "count") == 0)
      o->levels.method = AMPEL_LEVEL_COUNT;
    else {
      cli_usage(cmd, "--level-method: erwartet width oder count, gefunden: "
                     "'%s'", arg);
      return -1;
    }
    return 0;
  case OPT_MIN_POP:
    if (cli_parse_double(cmd, "--min-population", arg, &o->min_population))
      return -1;
    if (o->min_population < 0) {
      cli_usage(cmd, "--min-population: Zahl ab 0 erwartet, gefunden: '%s'",
                arg);
      return -1;
    }
    return 0;
  case OPT_SENS: return opt_sensitivity(cmd, arg, o);
  case OPT_SEED:
    if (parse_u64(cmd, "--seed", arg, 0, UINT64_MAX, &seed) != 0)
      return -1;
    o->seed = seed;
    o->has_seed = 1;
    return 0;
  case OPT_SENS_OUT: o->sens_out = arg; return 0;
  case OPT_DPI: return cli_parse_dpi(cmd, arg, &o->dpi) == EXIT_OK ? 0 : -1;
  default: return 1;
  }
}

int cli_need_check(const char *cmd, const cli_need_opts *o) {
  if ((o->has_seed || o->sens_out) && !o->sens_runs)
    return cli_usage(cmd, "--seed und --sensitivity-out gehören zu "
                          "--sensitivity N");
  if (o->sens_runs && !o->sens_out)
    return cli_usage(cmd, "--sensitivity braucht --sensitivity-out "
                          "DATEI.csv (dorthin kommt die Tabelle)");
  if (o->sens_out && cli_out_kind(o->sens_out) != CLI_OUT_CSV)
    return cli_usage(cmd, "--sensitivity-out: eine .csv-Datei erwartet, "
                          "gefunden: '%s'", o->sens_out);
  return EXIT_OK;
}

int cli_out_kind(const char *path) {
  size_t n = strlen(path);
  if (strcmp(path, "-") == 0)
    return CLI_OUT_CSV;
  if (n > 4 && strcasecmp(path + n - 4, ".csv") == 0)
    return CLI_OUT_CSV;
  if (cli_picture_ext(path)) /* .svg, .png, .pdf */
    return CLI_OUT_SVG;
  return CLI_OUT_UNKNOWN;
}

/* Prints diags, returns the exit code of st. */
static int report(ampel_diags *d, ampel_status st) {
  cli_print_diags(d, stderr);
  ampel_diags_release(d);
  return ampel_status_exit_code(st);
}

void cli_need_period_notes(const ampel_dataset *ds,
                           const ampel_need_frame *f) {
  const char *p = ampel_dataset_period(ds, f->period)->label;
  for (size_t j = 0; j < f->k; j++)
    if (f->used_period[j] != f->period)
      cli_note("Hinweis: Kennzahl '%s' hat für %s keine Werte; verwendet "
               "wird der letzte Stand %s",
               f->keys[j], p,
               ampel_dataset_period(ds, f->used_period[j])->label);
}

/* Counts areas outside the universe by reason and says so. */
static void universe_note(const ampel_dataset *ds, const ampel_need_frame *f,
                          size_t n_in, double min_pop) {
  size_t pop = 0, miss = 0;
  for (size_t i = 0; i < f->n_areas; i++) {
    pop += f->reason[i] == AMPEL_OUT_POPULATION;
    miss += f->reason[i] == AMPEL_OUT_MISSING;
  }
  cli_note("Ebene %s, Zeitraum %s: %zu von %zu Gebieten eingestuft%s",
           f->level, ampel_dataset_period(ds, f->period)->label, n_in,
           f->n_areas, pop || miss ? ";" : "");
  if (pop)
    cli_note("  %zu mit zu wenigen Einwohnern (unter %g)", pop, min_pop);
  if (miss)
    cli_note("  %zu unvollständig (ein Wert fehlt)", miss);
}

int cli_need_index(const char *cmd, const ampel_dataset *ds,
                   const cli_need_opts *o, ampel_need_table *t) {
  ampel_diags d;
  ampel_diags_init(&d, 0);
  ampel_status st =
      ampel_need_dataset(ds, o->level, o->period, &o->indicators, &o->levels,
                         o->min_population, t, &d);
  if (st != AMPEL_OK)
    return report(&d, st);
  ampel_diags_release(&d);
  cli_need_period_notes(ds, &t->frame);
  universe_note(ds, &t->frame, t->result.n_universe, o->min_population);
  (void)cmd;
  return EXIT_OK;
}

/* Renders into a buffer and writes it to path. */
static int write_buf(const char *path, ampel_buf *b, double dpi) {
  int rc = b->failed ? EXIT_SYSTEM : cli_write_picture(path, b, dpi);
  if (b->failed)
    cli_error("zu wenig Speicher für die Ausgabe");
  ampel_buf_release(b);
  return rc;
}

int cli_need_sensitivity(const ampel_dataset *ds, const cli_need_opts *o,
                         const ampel_need_table *t) {
  if (!o->sens_runs)
    return EXIT_OK;
  ampel_sensitivity_opts so;
  ampel_sensitivity_opts_init(&so);
  so.runs = o->sens_runs;
  so.seed = o->seed;
  ampel_sensitivity_result r = {0};
  ampel_diags d;
  ampel_diags_init(&d, 0);
  ampel_status st = ampel_sensitivity_compute(&t->input, &so, &r, &d);
  if (st != AMPEL_OK)
    return report(&d, st);
  ampel_diags_release(&d);
  size_t robust = 0, top = 0;
  for (size_t i = 0; i < r.n_areas; i++) {
    top += r.areas[i].base_level == t->input.levels.k;
    robust += r.areas[i].base_rank && r.areas[i].top_level_share == 1.0;
  }
  cli_note("Empfindlichkeit: %zu Läufe, Gewichte je Lauf mal 0,8 bis 1,2, "
           "Startwert %llu; %zu Gebiete in jedem Lauf in der höchsten Stufe "
           "(mit den angegebenen Gewichten: %zu)",
           so.runs, (unsigned long long)so.seed, robust, top);
  ampel_buf b;
  ampel_buf_init(&b);
  ampel_sensitivity_render_csv(ds, t->frame.areas, &r, &b);
  ampel_sensitivity_result_release(&r);
  return write_buf(o->sens_out, &b, 0);
}

/* ---------------------------------------------------------------------- */
/* ampel index                                                              */

typedef struct index_args {
  cli_need_opts n;
  const char *method, *out;
  ampel_keylist status, dynamics;
  int has_status, has_dynamics;
} index_args;

static int parse_args(int argc, char **argv, index_args *a) {
  static const struct option opts[] = {
      {"method", required_argument, NULL, 'm'},
      {"status", required_argument, NULL, 's'},
      {"dynamics", required_argument, NULL, 'd'},
      {"output", required_argument, NULL, 'o'},
      {"help", no_argument, NULL, 'h'},
      CLI_NEED_LONG_OPTS,
      {NULL, 0, NULL, 0}};
  int ch;
  optind = 1;
  opterr = 0;
  while ((ch = getopt_long(argc, argv, ":o:h", opts, NULL)) != -1) {
    switch (ch) {
    case 'm': a->method = optarg; break;
    case 'o': a->out = optarg; break;
    case 'h': cli_help("index", stdout); return -2;
    case 's':
      a->has_status = 1;
      if (opt_keylist("index", "--status", optarg, 0, &a->status))
        return EXIT_USAGE;
      break;
    case 'd':
      a->has_dynamics = 1;
      if (opt_keylist("index", "--dynamics", optarg, 0, &a->dynamics))
        return EXIT_USAGE;
      break;
    case ':':
      return cli_usage("index", "%s: Wert fehlt", argv[optind - 1]);
    default: {
      int r = cli_need_opt("index", ch, optarg, &a->n);
      if (r < 0)
        return EXIT_USAGE;
      if (r > 0)
        return cli_usage("index", "unbekannte Option '%s'", argv[optind - 1]);
    }
    }
  }
  if (optind < argc)
    return cli_usage("index", "unerwartetes Argument '%s'", argv[optind]);
  return EXIT_OK;
}

static int check_mss(const index_args *a) {
  if (!a->has_status)
    return cli_usage("index", "--method mss braucht --status KENNZAHL,...");
  if (a->n.has_indicators)
    return cli_usage("index", "--indicators gehört zu --method weighted; "
                              "bei mss: --status und --dynamics");
  if (a->n.has_level_opts || a->n.sens_runs)
    return cli_usage("index", "--levels, --top-share, --level-method und "
                              "--sensitivity gehören zu --method weighted");
  return EXIT_OK;
}

static int check_args(const index_args *a) {
  if (!a->method)
    return cli_usage("index", "--method fehlt: mss oder weighted");
  if (!a->out)
    return cli_usage("index", "-o DATEI fehlt (.csv oder .svg; - für die "
                              "Standardausgabe)");
  if (cli_out_kind(a->out) == CLI_OUT_UNKNOWN)
    return cli_usage("index", "-o: Datei muss auf .csv, .svg, .png oder .pdf enden, "
                              "gefunden: '%s'", a->out);
  if (strcmp(a->method, "mss") == 0)
    return check_mss(a);
  if (strcmp(a->method, "weighted") != 0)
    return cli_usage("index", "--method: erwartet mss oder weighted, "
                              "gefunden: '%s'", a->method);
  if (!a->n.has_indicators)
    return cli_usage("index", "--method weighted braucht --indicators "
                              "KENNZAHL:GEWICHT,...");
  if (a->has_status || a->has_dynamics)
    return cli_usage("index", "--status und --dynamics gehören zu --method "
                              "mss");
  return cli_need_check("index", &a->n);
}

static const char *const status_names[] = {"hoch", "mittel", "niedrig",
                                           "sehr niedrig"};

static int mss_svg(const ampel_dataset *ds, const ampel_mss_table *t,
                   ampel_buf *b) {
  size_t n = t->frame.n_areas;
  int *lv = ampel_calloc(n + 1, sizeof *lv);
  const char **text = ampel_calloc(n + 1, sizeof *text);
  const char **tip = ampel_calloc(n + 1, sizeof *tip);
  ampel_status st = AMPEL_E_NOMEM;
  ampel_diags d;
  ampel_diags_init(&d, 0);
  if (lv && text && tip) {
    for (size_t i = 0; i < n; i++) {
      const ampel_mss_area *m = &t->result.areas[i];
      lv[i] = m->status_class;
      text[i] = m->in_universe ? m->group : NULL;
      tip[i] = m->in_universe ? ampel_mss_status_label(m->status_class)
                              : ampel_out_label(t->frame.reason[i]);
    }
    ampel_tilemap_view v = {n, t->frame.areas, lv, text, tip, 4,
                            "Status-Index (Monitoring-Methode)",
                            "Zahl = Statusklasse, dahinter die Dynamik "
                            "(+ positiv, +/- stabil, - negativ)",
                            "Status hoch", "Status sehr niedrig",
                            status_names};
    st = ampel_tilemap_render_svg(ds, &v, b, &d);
  }
  ampel_free(lv);
  ampel_free(text);
  ampel_free(tip);
  return report(&d, st);
}

static int run_mss(const ampel_dataset *ds, const index_args *a) {
  ampel_mss_table t;
  ampel_diags d;
  ampel_diags_init(&d, 0);
  ampel_status st = ampel_mss_dataset(ds, a->n.level, a->n.period, &a->status,
                                      a->has_dynamics ? &a->dynamics : NULL,
                                      a->n.min_population, &t, &d);
  if (st != AMPEL_OK)
    return report(&d, st);
  ampel_diags_release(&d);
  cli_need_period_notes(ds, &t.frame);
  universe_note(ds, &t.frame, t.result.n_universe, a->n.min_population);
  ampel_buf b;
  ampel_buf_init(&b);
  int rc = EXIT_OK;
  if (cli_out_kind(a->out) == CLI_OUT_SVG)
    rc = mss_svg(ds, &t, &b);
  else
    ampel_mss_render_csv(ds, &t, &b);
  ampel_mss_table_release(&t);
  if (rc != EXIT_OK) {
    ampel_buf_release(&b);
    return rc;
  }
  return write_buf(a->out, &b, a->n.dpi);
}

/* One line per indicator: "- Name (key): Gewicht 2, Werte von 2024/25". */
void cli_need_describe(const ampel_dataset *ds, const ampel_need_table *t,
                       ampel_buf *b) {
  const ampel_need_frame *f = &t->frame;
  for (size_t j = 0; j < f->k; j++) {
    const ampel_indicator *ind = ampel_dataset_indicator(ds, f->inds[j]);
    char w[40];
    ampel_format_double(t->raw_weights[j], w, sizeof w);
    for (char *p = w; *p; p++)
      if (*p == '.')
        *p = ',';
    ampel_buf_printf(b, "\n– %s (%s): Gewicht %s",
                     ind->name ? ind->name : ind->key, ind->key, w);
    if (f->used_period[j] != f->period)
      ampel_buf_printf(b, ", Werte von %s",
                       ampel_dataset_period(ds, f->used_period[j])->label);
  }
}

int cli_need_tilemap(const ampel_dataset *ds, const ampel_need_table *t,
                     ampel_buf *b) {
  ampel_buf sub;
  ampel_buf_init(&sub);
  ampel_buf_printf(&sub, "Ebene %s, Zeitraum %s, %d Stufen (%s)\nIndex aus:",
                   t->frame.level,
                   ampel_dataset_period(ds, t->frame.period)->label,
                   t->input.levels.k,
                   t->input.levels.method == AMPEL_LEVEL_COUNT
                       ? "gleich viele Gebiete je Stufe"
                       : "gleich breite Abschnitte der Indexwerte");
  cli_need_describe(ds, t, &sub);
  size_t n = t->frame.n_areas;
  ampel_buf tips;
  ampel_buf_init(&tips);
  size_t *off = ampel_calloc(n + 1, sizeof *off);
  const char **tip = ampel_calloc(n + 1, sizeof *tip);
  for (size_t i = 0; off && tip && i < n; i++) {
    off[i] = tips.len;
    if (t->result.level[i] > 0) {
      char sc[40];
      snprintf(sc, sizeof sc, "%.2f", t->result.score[i]);
      for (char *p = sc; *p; p++)
        if (*p == '.')
          *p = ',';
      ampel_buf_printf(&tips, "Indexwert %s, Rang %zu von %zu", sc,
                       t->result.rank[i], t->result.n_universe);
    } else {
      ampel_buf_puts(&tips, ampel_out_label(t->frame.reason[i]));
    }
    ampel_buf_putc(&tips, '\0');
  }
  for (size_t i = 0; off && tip && !tips.failed && i < n; i++)
    tip[i] = tips.data + off[i];
  ampel_tilemap_view v = {n, t->frame.areas, t->result.level, NULL, tip,
                          t->input.levels.k, "Bedarfsstufen", sub.data,
                          "geringster Bedarf", "höchster Bedarf", NULL};
  ampel_diags d;
  ampel_diags_init(&d, 0);
  ampel_status st = sub.failed || tips.failed || !off || !tip
                        ? AMPEL_E_NOMEM
                        : ampel_tilemap_render_svg(ds, &v, b, &d);
  ampel_buf_release(&sub);
  ampel_buf_release(&tips);
  ampel_free(off);
  ampel_free(tip);
  return report(&d, st);
}

/* The need levels on the real map when the level's areas have shapes
 * (issue 4: "index classes on the map once geometry exists"). Returns
 * EXIT_USAGE when no area of the table has a shape (then the tile map is
 * drawn instead). */
static int need_map(const ampel_dataset *ds, const ampel_geoset *geo,
                    const ampel_need_table *t, const char *stamp,
                    ampel_buf *b) {
  size_t n = t->frame.n_areas, with_shape = 0;
  ampel_map_item *items = ampel_calloc(n + 1, sizeof *items);
  double *breaks = ampel_calloc((size_t)t->input.levels.k + 2, sizeof *breaks);
  if (!items || !breaks) {
    ampel_free(items);
    ampel_free(breaks);
    return EXIT_SYSTEM;
  }
  for (size_t i = 0; i < n; i++) {
    const ampel_area *ar = ampel_dataset_area(ds, t->frame.areas[i]);
    long g = geo ? ampel_geoset_find(geo, ar->key) : -1;
    ampel_map_item *it = &items[i];
    it->key = ar->key;
    it->name = ar->name;
    it->shape = g >= 0 ? ampel_geoset_shape_c(geo, (size_t)g) : NULL;
    it->tile_row = it->tile_col = AMPEL_NO_TILE;
    it->value = t->result.level[i] > 0 ? (double)t->result.level[i] : NAN;
    it->status = AMPEL_LIGHT_NONE;
    it->scaled = NAN;
    with_shape += it->shape != NULL;
  }
  char lab[32][40];
  const char *labels[32];
  for (int k = 0; k <= t->input.levels.k; k++)
    breaks[k] = k + 0.5;
  for (int k = 0; k < t->input.levels.k && k < 32; k++) {
    snprintf(lab[k], sizeof lab[k], "Stufe %d%s", k + 1,
             k == 0 ? " (geringster Bedarf)"
             : k + 1 == t->input.levels.k ? " (höchster Bedarf)" : "");
    labels[k] = lab[k];
  }
  char title[256];
  snprintf(title, sizeof title, "Bedarfsstufen – %s, %s", t->frame.level,
           ampel_dataset_period(ds, t->frame.period)->label);
  ampel_map_opts o;
  memset(&o, 0, sizeof o);
  o.title = title;
  o.desc = "Stufe 1 = geringster, höchste Stufe = höchster Bedarf (im "
           "Vergleich der Gebiete untereinander).";
  o.legend_title = "Bedarfsstufe";
  o.attribution = stamp;
  o.by = AMPEL_MAP_BY_CLASSES;
  o.polarity = AMPEL_POL_HIGHER_IS_WORSE;
  o.breaks = breaks;
  o.k = (size_t)t->input.levels.k;
  o.class_labels = t->input.levels.k <= 32 ? labels : NULL;
  o.decimals = 0;
  o.labels = 1;
  int rc = EXIT_USAGE;
  if (with_shape > 0)
    rc = ampel_map_render(items, n, NULL, 0, &o, b) == AMPEL_OK ? EXIT_OK
                                                                : EXIT_SYSTEM;
  ampel_free(items);
  ampel_free(breaks);
  return rc;
}

static int run_weighted(const ampel_dataset *ds, const ampel_geoset *geo,
                        const char *stamp, const index_args *a) {
  ampel_need_table t;
  int rc = cli_need_index("index", ds, &a->n, &t);
  if (rc != EXIT_OK)
    return rc;
  rc = cli_need_sensitivity(ds, &a->n, &t);
  ampel_buf b;
  ampel_buf_init(&b);
  if (rc == EXIT_OK && cli_out_kind(a->out) == CLI_OUT_SVG) {
    rc = need_map(ds, geo, &t, stamp, &b);
    if (rc == EXIT_USAGE) { /* no shapes: the tile map */
      ampel_buf_release(&b);
      ampel_buf_init(&b);
      rc = cli_need_tilemap(ds, &t, &b);
    }
  }
  else if (rc == EXIT_OK)
    ampel_need_render_csv(ds, &t, &b);
  ampel_need_table_release(&t);
  if (rc != EXIT_OK) {
    ampel_buf_release(&b);
    return rc;
  }
  return write_buf(a->out, &b, a->n.dpi);
}

int cmd_index(int argc, char **argv, cli_common *c) {
  index_args a;
  memset(&a, 0, sizeof a);
  cli_need_opts_init(&a.n);
  int rc = parse_args(argc, argv, &a);
  if (rc == EXIT_OK)
    rc = check_args(&a);
  if (rc == EXIT_OK) {
    ampel_store *st = NULL;
    ampel_dataset *ds = cli_load(c, &st, &rc);
    ampel_geoset *geo = NULL;
    if (ds) {
      ampel_diags d;
      ampel_diags_init(&d, 0);
      if (ampel_store_load_geometry(st, &geo, &d) != AMPEL_OK)
        geo = NULL; /* no shapes: tile map */
      ampel_diags_release(&d);
      char stamp[400];
      cli_data_stamp(st, stamp, sizeof stamp);
      rc = strcmp(a.method, "mss") == 0 ? run_mss(ds, &a)
                                        : run_weighted(ds, geo, stamp, &a);
      ampel_geoset_free(geo);
      ampel_dataset_free(ds);
    }
    ampel_store_close(st);
  }
  if (rc == -2)
    rc = EXIT_OK;
  cli_need_opts_release(&a.n);
  ampel_keylist_release(&a.status);
  ampel_keylist_release(&a.dynamics);
  return rc;
}
