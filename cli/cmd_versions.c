/* ampel versions [--format text|csv|json]: the Datenstände of the
 * database, newest first, with their files and counts (schema version 4,
 * docs/dev/store-schema.md). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ampel/alloc.h"
#include "ampel/json.h"
#include "cli.h"

/* One file of the import log, copied out of the callback. */
typedef struct vfile {
  long id;
  char name[256], sha[65], kind[16];
  long rows;
} vfile;

typedef struct vfiles {
  vfile *v;
  size_t n, cap;
  int nomem;
} vfiles;

static int file_cb(void *ud, long id, int64_t when, const char *file,
                   const char *sha256, const char *kind, long rows) {
  (void)when;
  vfiles *f = ud;
  if (f->n == f->cap) {
    size_t cap = f->cap ? f->cap * 2 : 16;
    vfile *v = ampel_reallocarray(f->v, cap, sizeof *v);
    if (!v) {
      f->nomem = 1;
      return 1;
    }
    f->v = v;
    f->cap = cap;
  }
  vfile *x = &f->v[f->n++];
  x->id = id;
  snprintf(x->name, sizeof x->name, "%s", file ? file : "");
  snprintf(x->sha, sizeof x->sha, "%s", sha256 ? sha256 : "");
  snprintf(x->kind, sizeof x->kind, "%s", kind ? kind : "");
  x->rows = rows;
  return 0;
}

typedef struct vout {
  const vfiles *files;
  int fmt; /* 0 text, 1 csv, 2 json */
  size_t n;
  ampel_buf b; /* json */
} vout;

static void utc(int64_t when, char *buf, size_t n) {
  time_t t = (time_t)when;
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(buf, n, "%Y-%m-%d %H:%M UTC", &tm);
}

/* "-" for a count that was not recorded (before schema version 4). */
static const char *count(long v, char *buf, size_t n) {
  if (v < 0)
    return "-";
  snprintf(buf, n, "%ld", v);
  return buf;
}

/* The files of Datenstand id joined as "name (kind, rows, sha)" or, for
 * CSV, "name:sha" separated by ';'. */
static void files_text(const vfiles *f, long id, int csv, ampel_buf *b) {
  int first = 1;
  for (size_t i = 0; i < f->n; i++) {
    const vfile *x = &f->v[i];
    if (x->id != id)
      continue;
    if (csv)
      ampel_buf_printf(b, "%s%s:%.12s", first ? "" : ";", x->name, x->sha);
    else
      ampel_buf_printf(b, "\n    %s  %s  %ld Zeilen  %.12s", x->name, x->kind,
                       x->rows, x->sha);
    first = 0;
  }
}

static void csv_field(const char *s) {
  int quote = strpbrk(s, ",\"\n\r") != NULL;
  if (!quote) {
    fputs(s, stdout);
    return;
  }
  fputc('"', stdout);
  for (; *s; s++) {
    if (*s == '"')
      fputc('"', stdout);
    fputc(*s, stdout);
  }
  fputc('"', stdout);
}

static void json_count(ampel_buf *b, const char *key, long v) {
  ampel_buf_printf(b, ",\"%s\":", key);
  if (v < 0)
    ampel_buf_printf(b, "null");
  else
    ampel_buf_printf(b, "%ld", v);
}

static int ds_cb(void *ud, const ampel_datenstand_info *d) {
  vout *o = ud;
  char when[32], c1[24], c2[24], c3[24];
  utc(d->created, when, sizeof when);
  ampel_buf fb;
  ampel_buf_init(&fb);
  if (o->fmt == 2) {
    ampel_buf *b = &o->b;
    ampel_buf_printf(b, "%s{\"id\":%ld,\"created\":%lld,\"kind\":",
                     o->n ? "," : "", d->id, (long long)d->created);
    ampel_json_str(b, d->kind ? d->kind : "");
    ampel_buf_printf(b, ",\"digest\":");
    ampel_json_str(b, d->digest ? d->digest : "");
    json_count(b, "new", d->n_new);
    json_count(b, "changed", d->n_changed);
    json_count(b, "removed", d->n_removed);
    ampel_buf_printf(b, ",\"parent\":");
    if (d->parent > 0)
      ampel_buf_printf(b, "%ld", d->parent);
    else
      ampel_buf_printf(b, "null");
    ampel_buf_printf(b, ",\"user\":");
    if (d->user_name)
      ampel_json_str(b, d->user_name);
    else
      ampel_buf_printf(b, "null");
    ampel_buf_printf(b, ",\"files\":[");
    int first = 1;
    for (size_t i = 0; i < o->files->n; i++) {
      const vfile *x = &o->files->v[i];
      if (x->id != d->id)
        continue;
      ampel_buf_printf(b, "%s{\"name\":", first ? "" : ",");
      ampel_json_str(b, x->name);
      ampel_buf_printf(b, ",\"kind\":");
      ampel_json_str(b, x->kind);
      ampel_buf_printf(b, ",\"rows\":%ld,\"sha256\":", x->rows);
      ampel_json_str(b, x->sha);
      ampel_buf_printf(b, "}");
      first = 0;
    }
    ampel_buf_printf(b, "]}");
  } else if (o->fmt == 1) {
    files_text(o->files, d->id, 1, &fb);
    printf("%ld,%s,%s,%.12s,%s,%s,%s,", d->id, when, d->kind ? d->kind : "",
           d->digest ? d->digest : "", count(d->n_new, c1, sizeof c1),
           count(d->n_changed, c2, sizeof c2),
           count(d->n_removed, c3, sizeof c3));
    csv_field(fb.len ? fb.data : "");
    fputc('\n', stdout);
  } else {
    /* a rollback names the Datenstand it restored, a server import its
     * user */
    if (d->kind && strcmp(d->kind, "rollback") == 0 && d->parent > 0)
      ampel_buf_printf(&fb, "\n    zurück auf Datenstand %ld", d->parent);
    if (d->user_name)
      ampel_buf_printf(&fb, "\n    von %s", d->user_name);
    files_text(o->files, d->id, 0, &fb);
    printf("Datenstand %ld  %s  %s  Prüfsumme %.12s  neu %s  geändert %s  "
           "entfernt %s%s\n",
           d->id, when, d->kind ? d->kind : "", d->digest ? d->digest : "",
           count(d->n_new, c1, sizeof c1), count(d->n_changed, c2, sizeof c2),
           count(d->n_removed, c3, sizeof c3), fb.len ? fb.data : "");
  }
  ampel_buf_release(&fb);
  o->n++;
  return 0;
}

int cmd_versions(const cli_call *call) {
  int rc = EXIT_OK;
  ampel_store *st = cli_open_store(call->common, AMPEL_STORE_READONLY, &rc);
  if (!st)
    return rc;
  vfiles files = {0};
  vout o = {
      &files, ampel_query_choice(&call->q, AMPEL_OPT_LIST_FORMAT), 0, {0}};
  ampel_buf_init(&o.b);
  if (ampel_store_import_log(st, file_cb, &files) != AMPEL_OK || files.nomem) {
    cli_error("Datenbank: Einfuhrprotokoll nicht lesbar");
    rc = EXIT_SYSTEM;
  }
  if (rc == EXIT_OK && o.fmt == 1)
    printf("id,created,kind,digest,new,changed,removed,files\n");
  if (rc == EXIT_OK && o.fmt == 2)
    ampel_buf_printf(&o.b, "{\"datenstaende\":[");
  if (rc == EXIT_OK && ampel_store_datenstaende(st, ds_cb, &o) != AMPEL_OK) {
    cli_error("Datenbank: Datenstände nicht lesbar");
    rc = EXIT_SYSTEM;
  }
  if (rc == EXIT_OK && o.fmt == 0 && o.n == 0)
    printf("noch keine Daten eingelesen\n");
  if (rc == EXIT_OK && o.fmt == 2) {
    ampel_buf_printf(&o.b, "]}\n");
    rc = cli_write_table("-", &o.b);
  }
  ampel_buf_release(&o.b);
  ampel_free(files.v);
  ampel_store_close(st);
  if (rc == EXIT_OK && fflush(stdout) != 0)
    rc = EXIT_SYSTEM;
  return rc;
}
