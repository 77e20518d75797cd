/* ampel report -o FILE.pdf|FILE.html [--level L] [--period P]
 *   [--areas K,...] [--title TEXT]: the council-ready A4 report
 * (include/ampel/report.h, docs/berichte.md). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ampel/alloc.h"
#include "ampel/report.h"
#include "cli.h"

typedef struct rep_args {
  const char *out, *level, *period, *areas, *title;
  int pdf;
} rep_args;

static int parse_args(int argc, char **argv, rep_args *a) {
  static const struct option opts[] = {{"output", required_argument, NULL, 'o'},
                                       {"level", required_argument, NULL, 'l'},
                                       {"period", required_argument, NULL, 'p'},
                                       {"areas", required_argument, NULL, 'a'},
                                       {"title", required_argument, NULL, 't'},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
  int ch;
  optind = 1;
  opterr = 0;
  while ((ch = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
    switch (ch) {
    case 'o': a->out = optarg; break;
    case 'l': a->level = optarg; break;
    case 'p': a->period = optarg; break;
    case 'a': a->areas = optarg; break;
    case 't': a->title = optarg; break;
    case 'h': cli_help("report", stdout); return -1;
    default:
      return cli_usage("report", "unbekannte Option '%s'", argv[optind - 1]);
    }
  }
  if (optind < argc)
    return cli_usage("report", "unerwartetes Argument '%s'", argv[optind]);
  if (!a->out)
    return cli_usage("report", "-o DATEI.pdf oder -o DATEI.html fehlt");
  size_t n = strlen(a->out);
  a->pdf = n > 4 && strcasecmp(a->out + n - 4, ".pdf") == 0;
  int html = (n > 5 && strcasecmp(a->out + n - 5, ".html") == 0) ||
             (n > 4 && strcasecmp(a->out + n - 4, ".htm") == 0);
  if (!a->pdf && !html)
    return cli_usage("report",
                     "-o: Endung .pdf oder .html erwartet, "
                     "gefunden: '%s'",
                     a->out);
  return EXIT_OK;
}

static int write_report(const rep_args *a, const ampel_report *r) {
  ampel_buf b;
  ampel_buf_init(&b);
  ampel_diags d;
  ampel_diags_init(&d, 0);
  int rc = EXIT_OK;
  if (a->pdf) {
    ampel_status s = ampel_report_write_pdf(r, cli_now(), &b, &d);
    if (s != AMPEL_OK) {
      cli_print_diags(&d, stderr);
      rc = ampel_status_exit_code(s);
    }
  } else {
    ampel_report_write_html(r, &b);
  }
  if (rc == EXIT_OK && b.failed) {
    cli_error("zu wenig Speicher für '%s'", a->out);
    rc = EXIT_SYSTEM;
  }
  if (rc == EXIT_OK)
    rc = cli_write_output(a->out, b.data ? b.data : "", b.len);
  if (rc == EXIT_OK)
    printf("report: %zu Seiten → %s\n", ampel_report_n_pages(r), a->out);
  ampel_diags_release(&d);
  ampel_buf_release(&b);
  return rc;
}

static int run(const rep_args *a, ampel_dataset *ds, ampel_store *st) {
  ampel_report_opts o;
  ampel_report_opts_init(&o);
  ampel_diags d;
  ampel_diags_init(&d, 0);
  ampel_status s =
      ampel_disclosure_apply_stored(st, ds, &o.disclosure, &o.suppressed, &d);
  ampel_data_version v;
  char stamp[256] = "";
  if (ampel_store_data_version(st, &v) == AMPEL_OK && v.id > 0)
    ampel_data_version_format(&v, stamp, sizeof stamp);
  size_t n_keys = 0;
  char *copy = NULL, **keys = NULL;
  if (s == AMPEL_OK && a->areas) {
    keys = cli_split_keys(a->areas, &n_keys, &copy);
    if (!keys)
      s = AMPEL_E_NOMEM;
  }
  o.level = a->level;
  o.period = a->period;
  o.area_keys = (const char *const *)keys;
  o.n_area_keys = n_keys;
  o.stamp = stamp;
  o.created = cli_now();
  o.title = a->title;
  ampel_report *r = NULL;
  if (s == AMPEL_OK)
    s = ampel_report_build(ds, &o, &r, &d);
  int rc = EXIT_OK;
  if (s != AMPEL_OK) {
    cli_print_diags(&d, stderr);
    rc = ampel_status_exit_code(s);
  } else {
    rc = write_report(a, r);
  }
  ampel_report_free(r);
  ampel_diags_release(&d);
  ampel_free(keys);
  ampel_free(copy);
  return rc;
}

int cmd_report(int argc, char **argv, cli_common *c) {
  rep_args a;
  memset(&a, 0, sizeof a);
  int rc = parse_args(argc, argv, &a);
  if (rc != EXIT_OK)
    return rc < 0 ? EXIT_OK : rc;
  c->unprotected = 1; /* applied below, with its statistics */
  ampel_store *st = NULL;
  ampel_dataset *ds = cli_load(c, &st, &rc);
  if (!ds)
    return rc;
  rc = run(&a, ds, st);
  ampel_dataset_free(ds);
  ampel_store_close(st);
  return fflush(stdout) == 0 || rc != EXIT_OK ? rc : EXIT_SYSTEM;
}
char **cli_split_keys(const char *s, size_t *out_n, char **out_copy) {
  *out_n = 0;
  *out_copy = ampel_strdup(s ? s : "");
  char **keys = ampel_calloc(strlen(s) + 2, sizeof *keys);
  for (char *p = *out_copy; p;) {
    char *comma = strchr(p, ',');
    if (comma)
      *comma = '\0';
    if (*p)
      keys[(*out_n)++] = p;
    p = comma ? comma + 1 : NULL;
  }
  return keys;
}
