/* ampel export --format csv -o FILE */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ampel/export.h"
#include "cli.h"

int cmd_export(int argc, char **argv, cli_common *c) {
  static const struct option opts[] = {
      {"format", required_argument, NULL, 'f'},
      {"output", required_argument, NULL, 'o'},
      {"ungeschuetzt", no_argument, NULL, 'U'},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0}};
  const char *format = "csv", *out = NULL;
  int ch;
  optind = 1;
  opterr = 0;
  while ((ch = getopt_long(argc, argv, "o:f:h", opts, NULL)) != -1) {
    switch (ch) {
    case 'f': format = optarg; break;
    case 'o': out = optarg; break;
    case 'U': c->unprotected = 1; break;
    case 'h': cli_help("export", stdout); return EXIT_OK;
    default: return cli_usage("export", "unbekannte Option '%s'", argv[optind - 1]);
    }
  }
  if (optind < argc)
    return cli_usage("export", "unerwartetes Argument '%s'", argv[optind]);
  if (!out)
    return cli_usage("export", "-o DATEI fehlt (oder -o - für die Ausgabe)");
  if (cli_is_xlsx(out) && c->unprotected)
    return cli_usage("export", "--ungeschuetzt gilt nur für CSV "
                               "(Datenübergabe); XLSX wird immer geschützt");
  if (cli_is_xlsx(out))
    return cli_export_xlsx(c, out, NULL);
  if (c->unprotected)
    cli_warn("--ungeschuetzt: Ausgabe ohne Geheimhaltung, nur für den "
             "internen Gebrauch");
  if (strcmp(format, "csv") != 0)
    return cli_usage("export", "--format: erwartet csv, gefunden: '%s'",
                     format);
  int rc = EXIT_OK;
  ampel_dataset *ds = cli_load(c, NULL, &rc);
  if (!ds)
    return rc;
  FILE *f = stdout;
  char tmp[4096] = "";
  if (strcmp(out, "-") != 0) {
    snprintf(tmp, sizeof tmp, "%s.tmp%ld", out, (long)getpid());
    f = fopen(tmp, "wb");
    if (!f) {
      cli_error("'%s' kann nicht geschrieben werden: %s", out, strerror(errno));
      ampel_dataset_free(ds);
      return EXIT_SYSTEM;
    }
  }
  ampel_buf b;
  ampel_buf_init_sink(&b, cli_file_sink, f);
  ampel_export_csv(ds, &b);
  ampel_status st = ampel_buf_flush(&b);
  ampel_buf_release(&b);
  ampel_dataset_free(ds);
  if (f != stdout) {
    if (fclose(f) != 0)
      st = AMPEL_E_IO;
    if (st == AMPEL_OK && rename(tmp, out) != 0)
      st = AMPEL_E_IO;
    if (st != AMPEL_OK)
      unlink(tmp);
  } else if (fflush(stdout) != 0) {
    st = AMPEL_E_IO;
  }
  if (st != AMPEL_OK) {
    cli_error("'%s' schreiben: %s", out, strerror(errno));
    return EXIT_SYSTEM;
  }
  return EXIT_OK;
}
