/* Shared helpers of the command line program (cli.h). */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "ampel/alloc.h"
#include "ampel/disclosure.h"
#include "cli.h"

static void vmsg(const char *kind, const char *fmt, va_list ap)
    AMPEL_PRINTF(2, 0);
static void vmsg(const char *kind, const char *fmt, va_list ap) {
  fprintf(stderr, "ampel: %s", kind);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
}

void cli_error(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vmsg("Fehler: ", fmt, ap);
  va_end(ap);
}

void cli_warn(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vmsg("Warnung: ", fmt, ap);
  va_end(ap);
}

void cli_note(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vmsg("", fmt, ap);
  va_end(ap);
}

/* Prints the caret line: blanks (tabs where the source has tabs) up to the
 * column, counted in characters. */
static void caret(FILE *out, const char *src, long column) {
  fputs("    ", out);
  long ch = 1;
  for (const unsigned char *p = (const unsigned char *)src; *p && ch < column;
       p++) {
    if ((*p & 0xC0) == 0x80)
      continue;
    fputc(*p == '\t' ? '\t' : ' ', out);
    ch++;
  }
  while (ch++ < column)
    fputc(' ', out);
  fputs("^\n", out);
}

void cli_print_diags(const ampel_diags *d, FILE *out) {
  static const char *const sev[] = {"Fehler", "Warnung", "Hinweis"};
  for (size_t i = 0; i < d->n; i++) {
    const ampel_diag *g = &d->items[i];
    fputs("ampel: ", out);
    if (g->path && g->line > 0)
      fprintf(out, "%s:%ld:%ld: ", g->path, g->line,
              g->column > 0 ? g->column : 1);
    else if (g->path)
      fprintf(out, "%s: ", g->path);
    fprintf(out, "%s: %s\n", sev[g->severity], g->message);
    if (g->source && g->line > 0) {
      fprintf(out, "    %s\n", g->source);
      if (g->column > 0)
        caret(out, g->source, g->column);
    }
  }
  if (d->n_dropped)
    fprintf(out, "ampel: … und %zu weitere Meldungen (nicht angezeigt)\n",
            d->n_dropped);
  if (d->out_of_memory)
    fprintf(out, "ampel: Fehler: zu wenig Speicher für alle Meldungen\n");
}

int cli_usage(const char *cmd, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "ampel%s%s: Fehler: ", cmd ? " " : "", cmd ? cmd : "");
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fprintf(stderr, "\nHilfe: ampel %s%s--help\n", cmd ? cmd : "",
          cmd ? " " : "");
  return EXIT_USAGE;
}

const char *cli_db_path(const cli_common *c) {
  if (c->db)
    return c->db;
  const char *env = getenv("AMPEL_DB");
  return env && *env ? env : "ampel.db";
}

ampel_store *cli_open_store(const cli_common *c, int mode, int *out_exit) {
  ampel_diags d;
  ampel_diags_init(&d, 0);
  ampel_status st;
  if (c->datenstand > 0 && mode != AMPEL_STORE_READONLY) {
    /* an earlier Datenstand is for reading: writing always builds on the
     * latest (docs/daten-im-browser.md; to make N current: db rollback N) */
    cli_error("--datenstand gilt nur für lesende Befehle (ein früherer Stand "
              "wird mit 'ampel db rollback N' wieder gültig)");
    *out_exit = EXIT_USAGE;
    return NULL;
  }
  ampel_store *s = ampel_store_open(cli_db_path(c), mode, &d, &st);
  if (s && c->datenstand > 0 &&
      (st = ampel_store_set_datenstand(s, c->datenstand, &d)) != AMPEL_OK) {
    ampel_store_close(s);
    s = NULL;
  }
  if (!s) {
    cli_print_diags(&d, stderr);
    *out_exit = ampel_status_exit_code(st);
  }
  ampel_diags_release(&d);
  return s;
}

int64_t cli_now(void) {
  const char *e = getenv("SOURCE_DATE_EPOCH");
  if (e && *e) {
    char *end;
    errno = 0;
    long long v = strtoll(e, &end, 10);
    if (!errno && !*end && v >= 0)
      return v;
  }
  return (int64_t)time(NULL);
}

int cli_file_sink(void *ud, const char *data, size_t len) {
  return fwrite(data, 1, len, (FILE *)ud) == len ? 0 : -1;
}

ampel_context *cli_context(const cli_common *c, unsigned flags, int *out_exit) {
  ampel_store *s = cli_open_store(c, AMPEL_STORE_READONLY, out_exit);
  if (!s)
    return NULL;
  ampel_diags d;
  ampel_diags_init(&d, 0);
  ampel_context *ctx = NULL;
  ampel_status st = ampel_context_open(s, flags, &ctx, &d);
  if (st != AMPEL_OK) {
    cli_print_diags(&d, stderr);
    *out_exit = ampel_status_exit_code(st);
  }
  ampel_diags_release(&d);
  ampel_store_close(s);
  return ctx;
}

int cli_fail(ampel_status st, const ampel_diags *d) {
  cli_print_diags(d, stderr);
  return ampel_status_exit_code(st);
}

int cli_table_kind(const cli_call *call) {
  int f = ampel_query_choice(&call->q, AMPEL_OPT_FORMAT);
  const char *out = CLI_OPT(call, AMPEL_OPT_OUTPUT);
  if (f >= 0)
    return f == 1 ? CLI_KIND_JSON : CLI_KIND_CSV;
  if (!out || strcmp(out, "-") == 0)
    return CLI_KIND_CSV;
  size_t n = strlen(out);
  if (n >= 5 && strcasecmp(out + n - 5, ".json") == 0)
    return CLI_KIND_JSON;
  if (n >= 4 && strcasecmp(out + n - 4, ".csv") == 0)
    return CLI_KIND_CSV;
  if (cli_picture_ext(out))
    return CLI_KIND_PICTURE;
  return CLI_KIND_UNKNOWN;
}

/* The -wal, -shm and -journal files SQLite keeps beside a database. */
static void remove_side_files(const char *path) {
  static const char *const sfx[] = {"-wal", "-shm", "-journal"};
  char side[4096];
  for (size_t i = 0; i < sizeof sfx / sizeof sfx[0]; i++) {
    snprintf(side, sizeof side, "%s%s", path, sfx[i]);
    unlink(side);
  }
}

void cli_remove_new_db(const char *path) {
  if (ampel_store_location_is_url(path))
    return; /* a server database is never a file of ours */
  unlink(path);
  remove_side_files(path);
}

void cli_empty_db(const char *path) {
  if (ampel_store_location_is_url(path))
    return;
  if (truncate(path, 0) != 0)
    cli_warn("'%s' konnte nicht wieder geleert werden: %s", path,
             strerror(errno));
  remove_side_files(path);
}

char *cli_slurp(const char *path, size_t *len) {
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
