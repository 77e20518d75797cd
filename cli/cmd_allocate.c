/* ampel allocate --budget B (--index FILE.csv | --indicators K:W,...) ...
 * -o FILE.csv|FILE.svg (METHODS.md §6; docs/bedarf.md). */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ampel/alloc.h"
#include "ampel/need.h"
#include "cli.h"

typedef struct alloc_args {
  cli_need_opts n;
  const char *index_file, *out, *weight, *need, *label;
  ampel_allocation_input in;
  int has_budget, need_score;
} alloc_args;

/* The areas of the allocation: keys, names, need, weight per row. */
typedef struct rows {
  size_t n;
  size_t *area; /* dataset ids */
  double *need; /* NaN = no need value */
  double *weight;
  const char *weight_period; /* label, or NULL without --weight */
  const char *level;
  const char *weight_name; /* indicator name of --weight */
  const char *describe; /* where the need comes from (borrowed) */
} rows;

enum { OPT_BUDGET = 2000, OPT_INDEX, OPT_NEED, OPT_WEIGHT, OPT_BASE,
       OPT_FLOOR, OPT_CAP, OPT_UNIT, OPT_LABEL };

static int number_opt(const char *opt, const char *arg, double *out) {
  return cli_parse_double("allocate", opt, arg, out) == 0 ? 0 : -1;
}

static int alloc_opt(int ch, const char *arg, alloc_args *a) {
  switch (ch) {
  case OPT_BUDGET: a->has_budget = 1; return number_opt("--budget", arg,
                                                        &a->in.budget);
  case OPT_INDEX: a->index_file = arg; return 0;
  case OPT_NEED: a->need = arg; return 0;
  case OPT_WEIGHT: a->weight = arg; return 0;
  case OPT_BASE: return number_opt("--base-share", arg, &a->in.base_share);
  case OPT_FLOOR: return number_opt("--floor", arg, &a->in.floor);
  case OPT_CAP: return number_opt("--cap", arg, &a->in.cap);
  case OPT_UNIT: return number_opt("--unit", arg, &a->in.unit);
  case OPT_LABEL: a->label = arg; return 0;
  case 'o': a->out = arg; return 0;
  default: {
    int r = cli_need_opt("allocate", ch, arg, &a->n);
    return r > 0 ? 1 : r;
  }
  }
}

static int parse_args(int argc, char **argv, alloc_args *a) {
  static const struct option opts[] = {
      {"budget", required_argument, NULL, OPT_BUDGET},
      {"index", required_argument, NULL, OPT_INDEX},
      {"need", required_argument, NULL, OPT_NEED},
      {"weight", required_argument, NULL, OPT_WEIGHT},
      {"base-share", required_argument, NULL, OPT_BASE},
      {"floor", required_argument, NULL, OPT_FLOOR},
      {"cap", required_argument, NULL, OPT_CAP},
      {"unit", required_argument, NULL, OPT_UNIT},
      {"amount-label", required_argument, NULL, OPT_LABEL},
      {"output", required_argument, NULL, 'o'},
      {"help", no_argument, NULL, 'h'},
      CLI_NEED_LONG_OPTS,
      {NULL, 0, NULL, 0}};
  int ch;
  optind = 1;
  opterr = 0;
  while ((ch = getopt_long(argc, argv, ":o:h", opts, NULL)) != -1) {
    if (ch == 'h') {
      cli_help("allocate", stdout);
      return -2;
    }
    if (ch == ':')
      return cli_usage("allocate", "%s: Wert fehlt", argv[optind - 1]);
    int r = alloc_opt(ch, optarg, a);
    if (r < 0)
      return EXIT_USAGE;
    if (r > 0)
      return cli_usage("allocate", "unbekannte Option '%s'",
                       argv[optind - 1]);
  }
  if (optind < argc)
    return cli_usage("allocate", "unerwartetes Argument '%s'", argv[optind]);
  return EXIT_OK;
}

static int check_amounts(const alloc_args *a) {
  const ampel_allocation_input *in = &a->in;
  if (!a->has_budget)
    return cli_usage("allocate", "--budget fehlt (der zu verteilende "
                                 "Betrag, z. B. --budget 1000000)");
  if (!(in->budget > 0))
    return cli_usage("allocate", "--budget muss größer als 0 sein");
  if (in->base_share < 0 || in->base_share > 1)
    return cli_usage("allocate", "--base-share: Anteil von 0 bis 1 "
                                 "erwartet (z. B. 0.3 für 30 %%)");
  if (!(in->unit > 0))
    return cli_usage("allocate", "--unit muss größer als 0 sein");
  if (in->floor < 0 || in->cap < 0)
    return cli_usage("allocate", "--floor und --cap dürfen nicht negativ "
                                 "sein");
  return EXIT_OK;
}

static int check_args(alloc_args *a) {
  int rc = check_amounts(a);
  if (rc != EXIT_OK)
    return rc;
  if (!a->out)
    return cli_usage("allocate", "-o DATEI fehlt (.csv oder .svg; - für die "
                                 "Standardausgabe)");
  if (cli_out_kind(a->out) == CLI_OUT_UNKNOWN)
    return cli_usage("allocate", "-o: Datei muss auf .csv, .svg, .png oder .pdf enden, "
                                 "gefunden: '%s'", a->out);
  if (!a->index_file == !a->n.has_indicators)
    return cli_usage("allocate", "genau eine Bedarfsquelle angeben: --index "
                                 "DATEI.csv oder --indicators "
                                 "KENNZAHL:GEWICHT,...");
  if (a->index_file && (a->n.has_level_opts || a->n.sens_runs))
    return cli_usage("allocate", "--levels, --top-share, --level-method und "
                                 "--sensitivity gehen nur mit --indicators");
  if (a->need && strcmp(a->need, "level") != 0 &&
      strcmp(a->need, "score") != 0)
    return cli_usage("allocate", "--need: erwartet level oder score, "
                                 "gefunden: '%s'", a->need);
  a->need_score = a->need && strcmp(a->need, "score") == 0;
  return cli_need_check("allocate", &a->n);
}

static void rows_release(rows *r) {
  ampel_free(r->area);
  ampel_free(r->need);
  ampel_free(r->weight);
  memset(r, 0, sizeof *r);
}

static int rows_alloc(rows *r, size_t n) {
  r->n = n;
  r->area = ampel_calloc(n + 1, sizeof *r->area);
  r->need = ampel_calloc(n + 1, sizeof *r->need);
  r->weight = ampel_calloc(n + 1, sizeof *r->weight);
  if (r->area && r->need && r->weight)
    return EXIT_OK;
  cli_error("zu wenig Speicher");
  return EXIT_SYSTEM;
}

static int from_indicators(const ampel_dataset *ds, const alloc_args *a,
                           ampel_need_table *t, rows *r) {
  int rc = cli_need_index("allocate", ds, &a->n, t);
  if (rc != EXIT_OK)
    return rc;
  rc = rows_alloc(r, t->frame.n_areas);
  for (size_t i = 0; rc == EXIT_OK && i < r->n; i++) {
    r->area[i] = t->frame.areas[i];
    r->need[i] = a->need_score ? t->result.score[i]
                 : t->result.level[i] > 0 ? (double)t->result.level[i]
                                          : NAN;
  }
  r->level = t->frame.level;
  return rc;
}

static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    cli_error("'%s' kann nicht gelesen werden: %s", path, strerror(errno));
    return NULL;
  }
  char *buf = NULL;
  size_t cap = 0, n = 0, got;
  do {
    if (n + 65536 > cap) {
      char *nb = realloc(buf, cap = (n + 65536) * 2);
      if (!nb) {
        free(buf);
        fclose(f);
        cli_error("zu wenig Speicher");
        return NULL;
      }
      buf = nb;
    }
    got = fread(buf + n, 1, cap - n, f);
    n += got;
  } while (got > 0);
  int bad = ferror(f);
  fclose(f);
  if (bad) {
    cli_error("'%s' lesen: Ein-/Ausgabefehler", path);
    free(buf);
    return NULL;
  }
  *len = n;
  return buf;
}

/* Maps the index file's areas to dataset ids; all must exist and share
 * one level. */
static int file_rows(const ampel_dataset *ds, const ampel_index_file *f,
                     const alloc_args *a, rows *r) {
  int rc = rows_alloc(r, f->n);
  for (size_t i = 0; rc == EXIT_OK && i < f->n; i++) {
    long id = ampel_dataset_find_area(ds, f->areas[i]);
    if (id < 0) {
      cli_error("%s: Gebiet '%s' steht nicht in der Datenbank",
                a->index_file, f->areas[i]);
      return EXIT_DATA;
    }
    const char *lv = ampel_dataset_area(ds, (size_t)id)->level;
    if (r->level && strcmp(r->level, lv) != 0) {
      cli_error("%s: Gebiete verschiedener Ebenen ('%s' und '%s')",
                a->index_file, r->level, lv);
      return EXIT_DATA;
    }
    r->level = lv;
    r->area[i] = (size_t)id;
    r->need[i] = a->need_score ? f->score[i] : f->level[i];
  }
  if (rc == EXIT_OK && f->n == 0) {
    cli_error("%s: keine Gebiete in der Datei", a->index_file);
    return EXIT_DATA;
  }
  return rc;
}

static int from_file(const ampel_dataset *ds, const alloc_args *a, rows *r) {
  size_t len = 0;
  char *data = slurp(a->index_file, &len);
  if (!data)
    return EXIT_SYSTEM;
  ampel_index_file f;
  ampel_diags d;
  ampel_diags_init(&d, 0);
  ampel_status st = ampel_index_file_parse(data, len, a->index_file, &f, &d);
  free(data);
  cli_print_diags(&d, stderr);
  ampel_diags_release(&d);
  if (st != AMPEL_OK)
    return ampel_status_exit_code(st);
  int rc = file_rows(ds, &f, a, r);
  ampel_index_file_release(&f);
  return rc;
}

/* Weight column from --weight: read through a frame on the rows' level. */
static int weights(const ampel_dataset *ds, const alloc_args *a, rows *r) {
  if (!a->weight) {
    for (size_t i = 0; i < r->n; i++)
      r->weight[i] = 1.0;
    return EXIT_OK;
  }
  const char *key = a->weight;
  ampel_need_frame f;
  ampel_diags d;
  ampel_diags_init(&d, 0);
  ampel_status st = ampel_need_frame_build(ds, r->level, a->n.period, &key, 1,
                                           0.0, &f, &d);
  cli_print_diags(&d, stderr);
  ampel_diags_release(&d);
  if (st != AMPEL_OK)
    return ampel_status_exit_code(st);
  cli_need_period_notes(ds, &f);
  r->weight_period = ampel_dataset_period(ds, f.used_period[0])->label;
  const ampel_indicator *wi = ampel_dataset_indicator(ds, f.inds[0]);
  r->weight_name = wi->name ? wi->name : wi->key;
  size_t na = ampel_dataset_n_areas(ds);
  double *by_id = ampel_reallocarray(NULL, na + 1, sizeof *by_id);
  if (by_id) {
    for (size_t i = 0; i < na; i++)
      by_id[i] = NAN;
    for (size_t i = 0; i < f.n_areas; i++)
      by_id[f.areas[i]] = f.values[i];
    for (size_t i = 0; i < r->n; i++)
      r->weight[i] = by_id[r->area[i]];
  }
  ampel_free(by_id);
  ampel_need_frame_release(&f);
  return by_id ? EXIT_OK : EXIT_SYSTEM;
}

/* Areas with a need value but no weight are an error: nobody should drop
 * out of an allocation silently. */
static int check_weights(const ampel_dataset *ds, const alloc_args *a,
                         const rows *r) {
  size_t bad = 0;
  for (size_t i = 0; i < r->n; i++)
    if (!isnan(r->need[i]) && isnan(r->weight[i])) {
      if (bad++ < 5)
        cli_error("Gewicht '%s' fehlt für Gebiet '%s' (%s)", a->weight,
                  ampel_dataset_area(ds, r->area[i])->key,
                  ampel_dataset_area(ds, r->area[i])->name);
    }
  if (bad > 5)
    cli_error("… Gewicht fehlt für insgesamt %zu Gebiete", bad);
  return bad ? EXIT_DATA : EXIT_OK;
}

typedef struct run {
  size_t *row;   /* view row -> result row */
  int *used;
  double *need, *weight;
  const char **keys, **names;
  size_t m;
} run;

static void run_release(run *u) {
  ampel_free(u->row);
  ampel_free(u->used);
  ampel_free(u->need);
  ampel_free(u->weight);
  ampel_free(u->keys);
  ampel_free(u->names);
}

static int compute(const ampel_dataset *ds, alloc_args *a, const rows *r,
                   run *u, ampel_allocation_result *res) {
  size_t n = r->n;
  u->row = ampel_calloc(n + 1, sizeof *u->row);
  u->used = ampel_calloc(n + 1, sizeof *u->used);
  u->need = ampel_calloc(n + 1, sizeof *u->need);
  u->weight = ampel_calloc(n + 1, sizeof *u->weight);
  u->keys = ampel_calloc(n + 1, sizeof *u->keys);
  u->names = ampel_calloc(n + 1, sizeof *u->names);
  if (!u->row || !u->used || !u->need || !u->weight || !u->keys ||
      !u->names)
    return EXIT_SYSTEM;
  const char **rk = ampel_calloc(n + 1, sizeof *rk);
  if (!rk)
    return EXIT_SYSTEM;
  for (size_t i = 0; i < n; i++) {
    const ampel_area *ar = ampel_dataset_area(ds, r->area[i]);
    u->keys[i] = ar->key;
    u->names[i] = ar->name ? ar->name : ar->key;
    if (isnan(r->need[i]))
      continue;
    u->used[i] = 1;
    u->row[i] = u->m;
    rk[u->m] = ar->key;
    u->need[u->m] = r->need[i];
    u->weight[u->m++] = r->weight[i];
  }
  int rc = EXIT_OK;
  if (u->m == 0) {
    cli_error("kein Gebiet hat einen Bedarfswert: nichts zu verteilen");
    rc = EXIT_DATA;
  } else {
    ampel_allocation_input in = a->in;
    in.n_areas = u->m;
    in.weight = u->weight;
    in.need = u->need;
    in.need_mode = a->need_score ? AMPEL_NEED_SHIFT_MIN : AMPEL_NEED_AS_IS;
    in.area_keys = rk;
    ampel_diags d;
    ampel_diags_init(&d, 0);
    ampel_status st = ampel_allocation_compute(&in, res, &d);
    cli_print_diags(&d, stderr);
    ampel_diags_release(&d);
    rc = ampel_status_exit_code(st);
  }
  ampel_free(rk);
  return rc;
}

/* Recounts the sum in whole units: it must be the budget exactly. */
static int verify(const ampel_allocation_result *res) {
  long long sum = 0;
  for (size_t i = 0; i < res->n_areas; i++)
    sum += res->areas[i].units;
  if (sum != res->total_units) {
    cli_error("interner Fehler: Summe %lld statt %lld Einheiten", sum,
              res->total_units);
    return EXIT_SYSTEM;
  }
  return EXIT_OK;
}

/* German number with thousands '.' and decimal ',' (2 decimals only when
 * needed). */
static void fmt_de(double v, char *out, size_t size) {
  char raw[64];
  int dec = fabs(v - round(v)) > 1e-9 * fmax(1.0, fabs(v));
  snprintf(raw, sizeof raw, dec ? "%.2f" : "%.0f", fabs(v));
  char *dot = strchr(raw, '.');
  size_t int_len = dot ? (size_t)(dot - raw) : strlen(raw), o = 0;
  if (v < 0 && o + 1 < size)
    out[o++] = '-';
  for (size_t i = 0; i < int_len && o + 2 < size; i++) {
    if (i > 0 && (int_len - i) % 3 == 0)
      out[o++] = '.';
    out[o++] = raw[i];
  }
  for (const char *p = dot; p && *p && o + 1 < size; p++)
    out[o++] = *p == '.' ? ',' : *p;
  out[o] = '\0';
}

static void title_text(ampel_buf *t, ampel_buf *note, const alloc_args *a,
                       const rows *r, const ampel_allocation_result *res) {
  char amount[80];
  fmt_de(res->budget, amount, sizeof amount);
  ampel_buf_printf(t, "Verteilung von %s%s%s nach Bedarf (Ebene %s)",
                   amount, *a->label ? " " : "", a->label, r->level);
  if (a->weight)
    ampel_buf_printf(note, "Gewicht je Gebiet: %s (%s), Stand %s. ",
                     r->weight_name, a->weight, r->weight_period);
  else
    ampel_buf_puts(note, "Gewicht: 1 je Gebiet. ");
  ampel_buf_printf(note, "Bedarf: %s", a->need_score ?
                   "Indexwert minus kleinster Indexwert" : "Stufe");
  if (a->index_file)
    ampel_buf_printf(note, " aus %s", a->index_file);
  else
    ampel_buf_printf(note, " (1 bis %d) des Index aus:", a->n.levels.k);
  ampel_buf_puts(note, r->describe);
}

static int output(alloc_args *a, const rows *r, const run *u,
                  const ampel_allocation_result *res) {
  ampel_buf t, note, b;
  ampel_buf_init(&t);
  ampel_buf_init(&note);
  ampel_buf_init(&b);
  title_text(&t, &note, a, r, res);
  ampel_allocation_view v = {r->n, u->keys, u->names, u->used, u->row, res,
                             a->in.base_share, a->label, t.data, note.data,
                             a->need_score ? "Bedarf" : "Stufe",
                             a->weight ? "Gewicht" : NULL};
  if (cli_out_kind(a->out) == CLI_OUT_SVG)
    ampel_allocation_render_svg(&v, &b);
  else
    ampel_allocation_render_csv(&v, &b);
  int rc = b.failed || t.failed || note.failed
               ? EXIT_SYSTEM
               : cli_write_picture(a->out, &b, a->n.dpi);
  ampel_buf_release(&t);
  ampel_buf_release(&note);
  ampel_buf_release(&b);
  return rc;
}

static void summary(const ampel_allocation_result *res, const rows *r,
                    size_t m) {
  char amount[64];
  ampel_format_double(res->budget, amount, sizeof amount);
  cli_note("verteilt: %s auf %zu Gebiete (Summe geprüft)%s", amount, m,
           m < r->n ? ";" : "");
  if (m < r->n)
    cli_note("  %zu Gebiete ohne Bedarfswert nicht berücksichtigt",
             r->n - m);
}

static int run_allocate(const ampel_dataset *ds, alloc_args *a) {
  rows r;
  memset(&r, 0, sizeof r);
  ampel_need_table t;
  memset(&t, 0, sizeof t);
  int rc = a->index_file ? from_file(ds, a, &r) : from_indicators(ds, a, &t, &r);
  ampel_buf desc;
  ampel_buf_init(&desc);
  if (rc == EXIT_OK && !a->index_file)
    cli_need_describe(ds, &t, &desc);
  r.describe = desc.data ? desc.data : "";
  if (rc == EXIT_OK)
    rc = weights(ds, a, &r);
  if (rc == EXIT_OK)
    rc = check_weights(ds, a, &r);
  run u;
  memset(&u, 0, sizeof u);
  ampel_allocation_result res = {0};
  if (rc == EXIT_OK)
    rc = compute(ds, a, &r, &u, &res);
  if (rc == EXIT_OK)
    rc = verify(&res);
  if (rc == EXIT_OK && !a->index_file)
    rc = cli_need_sensitivity(ds, &a->n, &t);
  if (rc == EXIT_OK)
    rc = output(a, &r, &u, &res);
  if (rc == EXIT_OK)
    summary(&res, &r, u.m);
  ampel_allocation_result_release(&res);
  run_release(&u);
  ampel_buf_release(&desc);
  ampel_need_table_release(&t);
  rows_release(&r);
  return rc;
}

int cmd_allocate(int argc, char **argv, cli_common *c) {
  alloc_args a;
  memset(&a, 0, sizeof a);
  cli_need_opts_init(&a.n);
  ampel_allocation_input_init(&a.in);
  a.label = "€";
  int rc = parse_args(argc, argv, &a);
  if (rc == EXIT_OK)
    rc = check_args(&a);
  if (rc == EXIT_OK) {
    ampel_dataset *ds = cli_load(c, NULL, &rc);
    if (ds) {
      rc = run_allocate(ds, &a);
      ampel_dataset_free(ds);
    }
  }
  if (rc == -2)
    rc = EXIT_OK;
  cli_need_opts_release(&a.n);
  return rc;
}
