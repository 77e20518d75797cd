/* ampel import FILE... / ampel check FILE... / ampel import --pruefen */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ampel/geo.h"
#include "ampel/import.h"
#include "cli.h"

static int parse_encoding(const char *cmd, const char *s, ampel_encoding *e) {
  if (strcasecmp(s, "utf-8") == 0 || strcasecmp(s, "utf8") == 0)
    *e = AMPEL_ENC_UTF8;
  else if (strcasecmp(s, "windows-1252") == 0 || strcasecmp(s, "cp1252") == 0 ||
           strcasecmp(s, "latin1") == 0 || strcasecmp(s, "iso-8859-1") == 0 ||
           strcasecmp(s, "ansi") == 0)
    *e = AMPEL_ENC_CP1252;
  else if (strcasecmp(s, "auto") == 0)
    *e = AMPEL_ENC_AUTO;
  else
    return cli_usage(cmd,
                     "--encoding: erwartet utf-8, windows-1252 oder auto, "
                     "gefunden: '%s'",
                     s);
  return 0;
}

static int parse_sep(const char *cmd, const char *s, char *sep) {
  if (strcmp(s, ";") == 0 || strcasecmp(s, "semikolon") == 0)
    *sep = ';';
  else if (strcmp(s, ",") == 0 || strcasecmp(s, "komma") == 0)
    *sep = ',';
  else if (strcmp(s, "\\t") == 0 || strcmp(s, "\t") == 0 ||
           strcasecmp(s, "tab") == 0)
    *sep = '\t';
  else
    return cli_usage(cmd, "--sep: erwartet ';', ',' oder tab, gefunden: '%s'",
                     s);
  return 0;
}

static int parse_decimal(const char *cmd, const char *s, char *dec) {
  if (strcmp(s, ",") == 0 || strcasecmp(s, "komma") == 0)
    *dec = ',';
  else if (strcmp(s, ".") == 0 || strcasecmp(s, "punkt") == 0)
    *dec = '.';
  else
    return cli_usage(cmd, "--decimal: erwartet ',' oder '.', gefunden: '%s'",
                     s);
  return 0;
}

static const char *pl(size_t n, const char *one, const char *many) {
  return n == 1 ? one : many;
}

static void print_summary(const ampel_import_summary *s, int dry_run) {
  printf("%s: %zu %s, %zu %s, %zu %s, %zu %s, %zu %s",
         dry_run ? "geprüft" : "eingelesen", s->n_files,
         pl(s->n_files, "Datei", "Dateien"), s->n_areas,
         pl(s->n_areas, "Gebiet", "Gebiete"), s->n_indicators,
         pl(s->n_indicators, "Kennzahl", "Kennzahlen"), s->n_values,
         pl(s->n_values, "Wert", "Werte"), s->n_periods_new,
         pl(s->n_periods_new, "neuer Zeitraum", "neue Zeiträume"));
  if (!dry_run)
    printf("; Datenstand %ld", s->import_id);
  printf("\n");
  if (s->n_converted)
    printf("Hinweis: %zu als umgerechnet markierte %s nicht eingelesen (sie "
           "werden aus den alten Gebieten neu umgerechnet)\n",
           s->n_converted, pl(s->n_converted, "Wert", "Werte"));
}

/* A value as the change list shows it: shortest exact form, German
 * decimal comma, "leer" for none. */
static void print_value(double v) {
  if (isnan(v)) {
    fputs("leer", stdout);
    return;
  }
  char b[40];
  snprintf(b, sizeof b, "%.15g", v);
  for (char *p = b; *p; p++)
    if (*p == '.')
      *p = ',';
  fputs(b, stdout);
}

static void print_change(const ampel_change *c) {
  fputs("    ", stdout);
  if (c->area)
    printf("Gebiet %s", c->area);
  if (c->indicator)
    printf("%sKennzahl %s", c->area ? ", " : "", c->indicator);
  if (c->period)
    printf(", %s", c->period);
  if (c->fields)
    printf(" (%s)", c->fields);
  if (c->kind >= AMPEL_CHG_VALUE_NEW) {
    fputs(": ", stdout);
    print_value(c->old_value);
    fputs(" -> ", stdout);
    print_value(c->new_value);
  }
  fputc('\n', stdout);
}

/* What the import would change (--pruefen), the same groups as the
 * server's check page. */
static void print_diff(const ampel_import_diff *d) {
  static const char *const head[AMPEL_CHG_COUNT_] = {
      "neue Gebiete",         "geänderte Gebiete", "neue Kennzahlen",
      "geänderte Kennzahlen", "neue Werte",        "geänderte Werte",
      "entfallende Werte"};
  printf("Die Einfuhr würde ändern:\n");
  for (int k = 0; k < AMPEL_CHG_COUNT_; k++) {
    printf("  %s: %zu\n", head[k], d->count[k]);
    size_t shown = 0;
    for (size_t i = 0; i < d->n_items; i++)
      if ((int)d->items[i].kind == k && shown < 10) {
        print_change(&d->items[i]);
        shown++;
      }
    if (d->count[k] > shown)
      printf("    … und %zu weitere\n", d->count[k] - shown);
  }
  printf("  Werte, die sich um mehr als das Zehnfache ändern (bitte "
         "prüfen): %zu\n",
         d->n_big);
  for (size_t i = 0; i < d->n_big_kept; i++)
    print_change(&d->big[i]);
  if (d->n_big > d->n_big_kept)
    printf("    … und %zu weitere\n", d->n_big - d->n_big_kept);
}

/* Geometry files (.geojson, .json, .shp): each in its own transaction,
 * stopping at the first that fails. Returns an ampel_status. */
static ampel_status import_geo(ampel_store *st, char *const *paths, int n,
                               ampel_geo_import_opts *go, int dry_run,
                               ampel_diags *d) {
  for (int i = 0; i < n; i++) {
    ampel_geo_import_summary gs;
    ampel_status s = ampel_import_geometry(st, paths[i], go, &gs, d);
    if (s != AMPEL_OK)
      return s;
    printf("%s: %s: Flächen für %zu %s (davon %zu neu), %zu %s, EPSG:%d",
           dry_run ? "geprüft" : "eingelesen", paths[i],
           gs.n_matched + gs.n_new_areas,
           pl(gs.n_matched + gs.n_new_areas, "Gebiet", "Gebiete"),
           gs.n_new_areas, gs.n_neighbours,
           pl(gs.n_neighbours, "Nachbarschaft", "Nachbarschaften"), gs.epsg);
    if (gs.n_merged)
      printf("; %zu %s aus mehreren Teilflächen zusammengesetzt "
             "(Schlüssel: %s)",
             gs.n_merged, pl(gs.n_merged, "Gebiet", "Gebiete"), gs.merged_keys);
    if (!dry_run)
      printf("; Datenstand %ld", gs.import_id);
    printf("\n");
  }
  return AMPEL_OK;
}

/* Import options from the call; prints a usage error (returns its exit
 * code) for a bad encoding, separator or decimal mark. */
static int options(const cli_call *call, ampel_import_options *io,
                   ampel_geo_import_opts *go) {
  const char *cmd = call->cmd->name;
  const char *e = CLI_OPT(call, AMPEL_OPT_ENCODING);
  const char *sep = CLI_OPT(call, AMPEL_OPT_SEP);
  const char *dec = CLI_OPT(call, AMPEL_OPT_DECIMAL);
  if ((e && parse_encoding(cmd, e, &io->csv.encoding)) ||
      (sep && parse_sep(cmd, sep, &io->csv.sep)) ||
      (dec && parse_decimal(cmd, dec, &io->csv.decimal)))
    return EXIT_USAGE;
  go->key_property = CLI_OPT(call, AMPEL_OPT_KEY_PROPERTY);
  go->name_property = CLI_OPT(call, AMPEL_OPT_NAME_PROPERTY);
  go->level = CLI_OPT(call, AMPEL_OPT_ONLY_LEVEL);
  go->crs = CLI_OPT(call, AMPEL_OPT_CRS);
  return EXIT_OK;
}

static int run(const cli_call *call, int dry_run) {
  int pruefen = ampel_query_flag(&call->q, AMPEL_OPT_PRUEFEN);
  ampel_import_diff diff;
  memset(&diff, 0, sizeof diff);
  dry_run = dry_run || pruefen;
  const char *cmd = call->cmd->name;
  cli_common *c = call->common;
  int argc = (int)call->n_pos, optind = 0;
  char *const *argv = call->pos;
  ampel_import_options io;
  memset(&io, 0, sizeof io);
  io.dry_run = dry_run;
  io.diff = pruefen ? &diff : NULL;
  ampel_geo_import_opts go;
  memset(&go, 0, sizeof go);
  go.dry_run = dry_run;
  if (options(call, &io, &go) != EXIT_OK)
    return EXIT_USAGE;
  io.when = cli_now();
  go.when = io.when;
  int n_geo = 0, n_kml = 0;
  for (int i = optind; i < argc; i++) {
    const char *dot = strrchr(argv[i], '.');
    n_geo += ampel_geo_is_geo_file(argv[i]);
    n_kml += dot && strcasecmp(dot, ".kml") == 0;
  }
  if (n_geo > 0 && n_geo < argc - optind)
    return cli_usage(cmd, "Flächen-Dateien (.geojson, .shp, .kml) bitte "
                          "getrennt "
                          "von Tabellen einlesen");
  if (n_geo > 0 && !go.key_property && n_kml < n_geo) /* KML: name */
    return cli_usage(cmd, "für Flächen-Dateien fehlt --key-property NAME "
                          "(die Eigenschaft mit dem Gebietsschlüssel)");
  if (n_geo == 0 && (go.key_property || go.level || go.crs))
    return cli_usage(cmd, "--key-property, --level und --crs gelten nur für "
                          "Flächen-Dateien (.geojson, .shp, .kml)");

  const char *db = cli_db_path(c);
  struct stat sb;
  /* a PostgreSQL database is never created or removed here */
  int is_url = ampel_store_location_is_url(db);
  int existed = is_url || stat(db, &sb) == 0;
  /* an existing empty file (0 bytes, e.g. made by touch) is no database
   * yet: a failed import leaves it empty, a check does not touch it */
  int was_empty = !is_url && existed && S_ISREG(sb.st_mode) && sb.st_size == 0;
  cli_common mem = *c;
  if (dry_run && (!existed || was_empty))
    mem.db = ":memory:";
  int rc = EXIT_OK;
  ampel_store *st = cli_open_store(&mem, AMPEL_STORE_CREATE, &rc);
  if (!st)
    return rc;
  ampel_diags d;
  ampel_diags_init(&d, 0);
  ampel_import_summary sum;
  ampel_status s =
      n_geo ? import_geo(st, argv + optind, n_geo, &go, dry_run, &d)
            : ampel_import_files(st, (const char *const *)argv + optind,
                                 (size_t)(argc - optind), &io, &sum, &d);
  ampel_store_close(st);
  cli_print_diags(&d, stderr);
  if (s == AMPEL_OK) {
    if (!n_geo)
      print_summary(&sum, dry_run);
    if (!n_geo && pruefen)
      print_diff(&diff);
  } else {
    fprintf(stderr, "ampel: %zu Fehler gefunden; %s\n", d.n_errors,
            dry_run ? "die Dateien würden nicht eingelesen"
                    : "nichts wurde gespeichert");
    if (!dry_run && !existed) /* leave no empty database behind */
      cli_remove_new_db(db);
    else if (!dry_run && was_empty) /* and an empty file as it was */
      cli_empty_db(db);
    rc = ampel_status_exit_code(s);
  }
  ampel_diags_release(&d);
  ampel_import_diff_release(&diff);
  return rc;
}

int cmd_import(const cli_call *call) {
  return run(call, 0);
}

int cmd_check(const cli_call *call) {
  return run(call, 1);
}
