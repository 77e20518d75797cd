/* daten.c - data management in the browser and for scripts (issue 12):
 *
 *   GET  /daten                 Datenstände and the upload form
 *   POST /daten/pruefen         check uploaded files (multipart, `dateien`)
 *   POST /daten/einlesen        import what was checked (one-time token)
 *   POST /daten/zuruecksetzen   roll back to an earlier Datenstand
 *   GET  /api/v1/imports        the Datenstände as JSON
 *   POST /api/v1/imports[?check=1]  check or import (multipart)
 *
 * Checking and importing are one code path of the library
 * (ampel_import_buffers; a check runs the import inside its transaction
 * and rolls it back, with the change summary of import.h). Checked files
 * wait in memory under a random one-time token for at most an hour
 * (bounded in count and bytes); only the user who checked them may import
 * them. Roles: redaktion checks and imports, verwaltung also rolls back
 * (srv_auth_require, with the CSRF token of a session). After an import
 * or a rollback the dashboard switches at once (srv_reload).
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>

#include "ampel/alloc.h"
#include "ampel/geo.h"
#include "ampel/import.h"
#include "ampel/store.h"
#include "multipart.h"
#include "server.h"

/* Every check, import and rollback goes to the audit log (auth.c). */
#define audit srv_audit

/* ---- checked files, kept for the import -------------------------------- */

#define STASH_SLOTS 16
#define STASH_TTL_S 3600

/* The options of a geometry upload (form fields schluessel, ebene). */
typedef struct geo_fields {
  int geo;           /* the upload is one geometry file */
  char key_prop[96]; /* property with the area key ("" for KML: name) */
  char level[96];    /* areas of this level only; "" = any */
  char crs[32];      /* "EPSG:N" when the file names none; "" = its own */
} geo_fields;

typedef struct stash {
  char token[65]; /* "" = free */
  char user[64];
  geo_fields gf;
  time_t created;
  size_t n;
  char *names[SRV_MP_MAX_FILES];
  char *data[SRV_MP_MAX_FILES];
  size_t lens[SRV_MP_MAX_FILES];
  size_t bytes;
} stash;

static pthread_mutex_t stash_lock = PTHREAD_MUTEX_INITIALIZER;
static stash stashes[STASH_SLOTS];
static pthread_mutex_t import_lock = PTHREAD_MUTEX_INITIALIZER;

/* All kept files together: twice the upload limit. */
static size_t stash_cap(void) {
  return 2 * srv_max_upload();
}

static void stash_free(stash *s) {
  for (size_t i = 0; i < s->n; i++) {
    ampel_free(s->names[i]);
    ampel_free(s->data[i]);
  }
  memset(s, 0, sizeof *s);
}

/* Drops expired entries; the caller holds stash_lock. */
static size_t stash_sweep(time_t now) {
  size_t bytes = 0;
  for (int i = 0; i < STASH_SLOTS; i++) {
    if (stashes[i].token[0] && now - stashes[i].created > STASH_TTL_S)
      stash_free(&stashes[i]);
    bytes += stashes[i].bytes;
  }
  return bytes;
}

static int random_token(char out[65]) {
  unsigned char r[32];
  size_t got = 0;
  while (got < sizeof r) {
    ssize_t n = getrandom(r + got, sizeof r - got, 0);
    if (n <= 0)
      return -1;
    got += (size_t)n;
  }
  for (int i = 0; i < 32; i++)
    snprintf(out + 2 * i, 3, "%02x", r[i]);
  return 0;
}

/* Keeps copies of the files; 0 and the token, or -1 (no room, no
 * memory: the user checks again later). Evicts the oldest entries when
 * the slots or the byte cap are full. */
static int stash_put(const char *user, const geo_fields *gf,
                     const char *const *names, const char *const *data,
                     const size_t *lens, size_t n, char token[65]) {
  size_t total = 0;
  for (size_t i = 0; i < n; i++)
    total += lens[i];
  if (total > stash_cap() || random_token(token) != 0)
    return -1;
  stash s;
  memset(&s, 0, sizeof s);
  for (size_t i = 0; i < n; i++) {
    s.names[i] = ampel_strdup(names[i]);
    s.data[i] = ampel_alloc(lens[i] ? lens[i] : 1);
    s.n = i + 1;
    if (!s.names[i] || !s.data[i]) {
      stash_free(&s);
      return -1;
    }
    memcpy(s.data[i], data[i], lens[i]);
    s.lens[i] = lens[i];
  }
  s.bytes = total;
  s.gf = *gf;
  s.created = time(NULL);
  snprintf(s.user, sizeof s.user, "%s", user);
  memcpy(s.token, token, 65);
  pthread_mutex_lock(&stash_lock);
  size_t used = stash_sweep(s.created);
  for (;;) {
    int free_slot = -1, oldest = -1;
    for (int i = 0; i < STASH_SLOTS; i++) {
      if (!stashes[i].token[0] && free_slot < 0)
        free_slot = i;
      if (stashes[i].token[0] &&
          (oldest < 0 || stashes[i].created < stashes[oldest].created))
        oldest = i;
    }
    if (free_slot >= 0 && used + total <= stash_cap()) {
      stashes[free_slot] = s;
      break;
    }
    used -= stashes[oldest].bytes;
    stash_free(&stashes[oldest]);
  }
  pthread_mutex_unlock(&stash_lock);
  return 0;
}

/* Takes the entry of token (one time) into *out; 0, or -1 when there is
 * none (expired, used, unknown) or it belongs to another user. */
static int stash_take(const char *token, const char *user, stash *out) {
  int rc = -1;
  pthread_mutex_lock(&stash_lock);
  stash_sweep(time(NULL));
  for (int i = 0; token && strlen(token) == 64 && i < STASH_SLOTS; i++) {
    if (!stashes[i].token[0])
      continue;
    unsigned char d = 0;
    for (int k = 0; k < 64; k++)
      d |= (unsigned char)(stashes[i].token[k] ^ token[k]);
    if (d)
      continue;
    if (strcmp(stashes[i].user, user) == 0) {
      *out = stashes[i];
      memset(&stashes[i], 0, sizeof stashes[i]);
      rc = 0;
    }
    break;
  }
  pthread_mutex_unlock(&stash_lock);
  return rc;
}

/* ---- uploads ----------------------------------------------------------- */

typedef struct upload {
  srv_multipart mp;
  const char *names[SRV_MP_MAX_FILES];
  const char *data[SRV_MP_MAX_FILES];
  size_t lens[SRV_MP_MAX_FILES];
  size_t n;
  char csrf[80];
  int has_csrf;
  geo_fields gf;
} upload;

static int name_ok(const char *s) {
  size_t n = strlen(s);
  if (n < 1 || n > 200 || s[0] == '.')
    return 0;
  for (size_t i = 0; i < n; i++)
    if ((unsigned char)s[i] < 0x20 || s[i] == '/' || s[i] == '\\')
      return 0;
  return 1;
}

static int has_ext(const char *s, const char *ext) {
  const char *dot = strrchr(s, '.');
  return dot && strcasecmp(dot, ext) == 0;
}

/* Parses the multipart body into up: the files of field `dateien` (empty
 * file inputs skipped) and the field csrf. 0, or -1 after an error answer
 * (400/413/422 with a German message). */
static int read_upload(srv_req *q, srv_resp *r, upload *up) {
  char boundary[SRV_MP_MAX_BOUNDARY + 1];
  const char *why = NULL;
  if (srv_mp_boundary(srv_header(q, "Content-Type"), boundary, &why) != 0)
    return srv_error(q, r, 400, "%s", why);
  int st = srv_mp_parse(q->body ? q->body : "", q->body_len, boundary,
                        SRV_MP_MAX_FILES, &up->mp, &why);
  if (st == 413)
    return srv_error(q, r, 413, "%s (höchstens %d Dateien je Sendung).", why,
                     SRV_MP_MAX_FILES);
  if (st)
    return srv_error(q, r, 400, "Formular nicht lesbar: %s.", why);
  up->has_csrf =
      srv_mp_field(&up->mp, "csrf", up->csrf, sizeof up->csrf) != NULL;
  for (size_t i = 0; i < up->mp.n_parts; i++) {
    const srv_part *p = &up->mp.parts[i];
    if (!p->is_file || strcmp(p->name, "dateien") != 0)
      continue;
    if (!p->filename[0] && p->len == 0)
      continue; /* an empty file input */
    if (!name_ok(p->filename))
      return srv_error(q, r, 422,
                       "Dateiname '%s' ist nicht erlaubt (keine Pfade, "
                       "keine Steuerzeichen, höchstens 200 Zeichen).",
                       p->filename);
    int geo = ampel_geo_is_geo_upload(p->filename);
    if (!geo && !has_ext(p->filename, ".csv") &&
        !has_ext(p->filename, ".xlsx") && !has_ext(p->filename, ".xls") &&
        !has_ext(p->filename, ".txt"))
      return srv_error(q, r, 422,
                       "%s: erwartet werden CSV- oder Excel-Dateien (.csv, "
                       ".xlsx, .xls) oder Flächen (.geojson, .json, .kml oder "
                       "ein gezipptes Shapefile .zip).",
                       p->filename);
    up->gf.geo |= geo;
    for (size_t k = 0; k < up->n; k++)
      if (strcmp(up->names[k], p->filename) == 0)
        return srv_error(q, r, 422, "Die Datei '%s' ist doppelt dabei.",
                         p->filename);
    up->names[up->n] = p->filename;
    up->data[up->n] = p->data;
    up->lens[up->n] = p->len;
    up->n++;
  }
  if (up->n == 0)
    return srv_error(q, r, 422,
                     "Keine Datei ausgewählt (Feld 'dateien', eine oder "
                     "mehrere CSV- oder Excel-Dateien).");
  if (up->gf.geo && up->n > 1)
    return srv_error(q, r, 422,
                     "Flächen (GeoJSON, KML, gezipptes Shapefile) bitte "
                     "einzeln hochladen, ohne weitere Dateien: jede "
                     "Flächendatei wird ein eigener Datenstand. Neue "
                     "Gebiete zuerst mit gebiete.csv einlesen.");
  if (up->gf.geo) {
    srv_mp_field(&up->mp, "schluessel", up->gf.key_prop,
                 sizeof up->gf.key_prop);
    srv_mp_field(&up->mp, "ebene", up->gf.level, sizeof up->gf.level);
    srv_mp_field(&up->mp, "crs", up->gf.crs, sizeof up->gf.crs);
    if (!up->gf.key_prop[0] && !has_ext(up->names[0], ".kml"))
      return srv_error(q, r, 422,
                       "%s: für Flächen fehlt die Schlüssel-Eigenschaft "
                       "(Feld 'schluessel'): der Name der Eigenschaft, die "
                       "den Gebietsschlüssel oder Gebietsnamen enthält, "
                       "z. B. GEN.",
                       up->names[0]);
  }
  return 0;
}

/* Runs the library's import on the files: a check (diff filled) or the
 * import itself (user recorded). */
static ampel_status run_import(const srv_req *q, const geo_fields *gf,
                               const char *const *names,
                               const char *const *data, const size_t *lens,
                               size_t n, int check, ampel_import_diff *diff,
                               ampel_import_summary *sum,
                               ampel_geo_import_summary *gsum, ampel_diags *d) {
  ampel_status st = AMPEL_OK;
  pthread_mutex_lock(&import_lock);
  ampel_store *s = ampel_store_open(srv_db_path(), AMPEL_STORE_WRITE, d, &st);
  if (s && gf->geo) {
    /* one geometry file: read, match, project, check, write as its own
     * Datenstand (ampel_import_geometry_buffer) */
    ampel_geo_import_opts go;
    memset(&go, 0, sizeof go);
    go.key_property = gf->key_prop[0] ? gf->key_prop : NULL;
    go.level = gf->level[0] ? gf->level : NULL;
    go.crs = gf->crs[0] ? gf->crs : NULL; /* checked by the library */
    go.when = (int64_t)time(NULL);
    go.dry_run = check;
    go.user_name = q->user.name[0] ? q->user.name : NULL;
    st = ampel_import_geometry_buffer(s, names[0], data[0], lens[0], &go, gsum,
                                      d);
    sum->n_files = 1;
    sum->n_areas = gsum->n_matched + gsum->n_new_areas;
    sum->import_id = gsum->import_id;
    ampel_store_close(s);
  } else if (s) {
    ampel_import_options opt;
    memset(&opt, 0, sizeof opt);
    opt.when = (int64_t)time(NULL);
    opt.dry_run = check;
    opt.diff = check ? diff : NULL;
    opt.user_name = q->user.name[0] ? q->user.name : NULL;
    st = ampel_import_buffers(s, names, data, lens, n, &opt, sum, d);
    ampel_store_close(s);
  }
  pthread_mutex_unlock(&import_lock);
  if (st == AMPEL_OK && !check) {
    ampel_diags rd;
    ampel_diags_init(&rd, 0);
    /* the dashboard shows the new Datenstand at once; when it cannot be
     * loaded right now, the watcher retries every second (serve.c) */
    (void)srv_reload(&rd);
    ampel_diags_release(&rd);
  }
  return st;
}

/* ---- HTML pieces ------------------------------------------------------- */

static void num_de(ampel_buf *b, double v) {
  if (isnan(v)) {
    ampel_buf_puts(b, "leer");
    return;
  }
  char t[40];
  snprintf(t, sizeof t, "%.15g", v);
  for (char *p = t; *p; p++)
    if (*p == '.')
      *p = ',';
  ampel_buf_puts(b, t);
}

static void csrf_field(ampel_buf *b, const srv_req *q) {
  if (q->user.via == SRV_VIA_SESSION && q->user.csrf[0]) {
    ampel_buf_puts(b, "<input type=\"hidden\" name=\"csrf\" value=\"");
    ampel_buf_html(b, q->user.csrf);
    ampel_buf_puts(b, "\">\n");
  }
}

/* Every message as the CLI prints it: FILE:LINE:COLUMN, the line, the
 * caret under the column. */
static void diags_html(ampel_buf *b, const ampel_diags *d) {
  static const char *const sev[] = {"Fehler", "Warnung", "Hinweis"};
  ampel_buf_puts(b, "<ol class=\"meldungen\">\n");
  for (size_t i = 0; i < d->n; i++) {
    const ampel_diag *g = &d->items[i];
    ampel_buf_puts(b, "<li><p><code>");
    if (g->path && g->line > 0) {
      ampel_buf_html(b, g->path);
      ampel_buf_printf(b, ":%ld:%ld", g->line, g->column > 0 ? g->column : 1);
    } else if (g->path) {
      ampel_buf_html(b, g->path);
    }
    ampel_buf_printf(b, "</code> <strong>%s:</strong> ",
                     sev[g->severity <= 2 ? g->severity : 0]);
    ampel_buf_html(b, g->message ? g->message : "");
    ampel_buf_puts(b, "</p>\n");
    if (g->source && g->line > 0) {
      /* the caret goes under the column's character: count UTF-8
       * characters, tabs kept so that the line and the caret align */
      ampel_buf_puts(b, "<pre class=\"quelle\" aria-label=\"Zeile ");
      ampel_buf_printf(b, "%ld, Spalte %ld\">", g->line, g->column);
      ampel_buf_html(b, g->source);
      if (g->column > 0) {
        ampel_buf_putc(b, '\n');
        long col = 1;
        for (const unsigned char *s = (const unsigned char *)g->source;
             *s && col < g->column; s++) {
          if ((*s & 0xC0) == 0x80)
            continue;
          ampel_buf_putc(b, *s == '\t' ? '\t' : ' ');
          col++;
        }
        ampel_buf_puts(b, "<span class=\"caret\">^</span>");
      }
      ampel_buf_puts(b, "</pre>\n");
    }
    ampel_buf_puts(b, "</li>\n");
  }
  ampel_buf_puts(b, "</ol>\n");
  if (d->n_dropped)
    ampel_buf_printf(b, "<p>… und %zu weitere Meldungen.</p>\n", d->n_dropped);
}

static const char *const change_head[AMPEL_CHG_COUNT_] = {
    "Neue Gebiete",         "Geänderte Gebiete", "Neue Kennzahlen",
    "Geänderte Kennzahlen", "Neue Werte",        "Geänderte Werte",
    "Entfallende Werte"};
static const char *const change_key[AMPEL_CHG_COUNT_] = {
    "areas_new",  "areas_changed",  "indicators_new", "indicators_changed",
    "values_new", "values_changed", "values_removed"};

static void change_row(ampel_buf *b, const ampel_change *c) {
  ampel_buf_puts(b, "<tr><td>");
  ampel_buf_html(b, c->area ? c->area : "");
  ampel_buf_puts(b, "</td><td>");
  ampel_buf_html(b, c->indicator ? c->indicator : "");
  ampel_buf_puts(b, "</td><td>");
  ampel_buf_html(b, c->period ? c->period : "");
  ampel_buf_puts(b, "</td><td>");
  if (c->fields)
    ampel_buf_html(b, c->fields);
  else if (c->kind >= AMPEL_CHG_VALUE_NEW) {
    num_de(b, c->old_value);
    ampel_buf_puts(b, " → ");
    num_de(b, c->new_value);
  }
  ampel_buf_puts(b, "</td></tr>\n");
}

static void change_table_head(ampel_buf *b, const char *caption) {
  ampel_buf_puts(b, "<div class=\"scroll\" role=\"region\" tabindex=\"0\" "
                    "aria-label=\"");
  ampel_buf_html(b, caption);
  ampel_buf_puts(b, "\"><table><caption>");
  ampel_buf_html(b, caption);
  ampel_buf_puts(b, "</caption>\n<thead><tr><th scope=\"col\">Gebiet</th>"
                    "<th scope=\"col\">Kennzahl</th><th scope=\"col\">"
                    "Zeitraum</th><th scope=\"col\">Änderung</th></tr>"
                    "</thead>\n<tbody>\n");
}

static void diff_html(ampel_buf *b, const ampel_import_diff *d) {
  ampel_buf_puts(b, "<h2>Was die Einfuhr ändern würde</h2>\n<ul>\n");
  for (int k = 0; k < AMPEL_CHG_COUNT_; k++)
    ampel_buf_printf(b, "<li>%s: %zu</li>\n", change_head[k], d->count[k]);
  ampel_buf_printf(b,
                   "<li>Werte, die sich um mehr als das Zehnfache ändern: "
                   "%zu</li>\n</ul>\n",
                   d->n_big);
  if (d->n_big) {
    ampel_buf_puts(b, "<h3>Bitte prüfen: Änderungen um mehr als das "
                      "Zehnfache</h3>\n");
    change_table_head(b, "Werte, die sich um mehr als das Zehnfache ändern");
    for (size_t i = 0; i < d->n_big_kept; i++)
      change_row(b, &d->big[i]);
    ampel_buf_puts(b, "</tbody></table></div>\n");
    if (d->n_big > d->n_big_kept)
      ampel_buf_printf(b, "<p>… und %zu weitere.</p>\n",
                       d->n_big - d->n_big_kept);
  }
  if (d->n_items) {
    ampel_buf_puts(b, "<h3>Beispiele</h3>\n");
    change_table_head(b, "Beispiele der Änderungen (bis zu 50 je Art)");
    for (int k = 0; k < AMPEL_CHG_COUNT_; k++)
      for (size_t i = 0; i < d->n_items; i++)
        if ((int)d->items[i].kind == k)
          change_row(b, &d->items[i]);
    ampel_buf_puts(b, "</tbody></table></div>\n");
  }
}

/* ---- role checks for pages (GET: no CSRF) ------------------------------ */

int srv_daten_may_see(srv_req *q, srv_resp *r, srv_role need) {
  if (q->user.role == SRV_ROLE_NONE) {
    if (!q->is_api) {
      r->status = 401;
      page_begin(q, r, "Anmeldung nötig", NAV_NONE);
      ampel_buf_puts(&r->body,
                     "<h1>Anmeldung nötig</h1>\n<p>Die Datenpflege ist "
                     "nur für angemeldete Nutzerinnen und Nutzer mit der "
                     "Rolle redaktion oder verwaltung. <a href=\"/anmelden"
                     "\">Zur Anmeldung</a></p>\n");
      page_end(q, r);
      return -1;
    }
    return srv_error(q, r, 401, "Bitte zuerst anmelden.");
  }
  if (q->user.role < need)
    return srv_error(q, r, 403,
                     "Dafür fehlt die Berechtigung (nötig: Rolle %s).",
                     srv_role_name(need));
  return 0;
}

/* ---- the Datenstände ---------------------------------------------------- */

typedef struct dsfile {
  long id;
  char name[128], sha[65];
} dsfile;

typedef struct dslist {
  ampel_datenstand_info *v; /* strings copied below */
  char (*user)[64];
  char (*kind)[16];
  char (*note)[160];
  size_t n, cap;
  dsfile *f;
  size_t nf, capf;
  int nomem;
} dslist;

static int ds_cb(void *ud, const ampel_datenstand_info *d) {
  dslist *l = ud;
  if (l->n == l->cap) {
    size_t cap = l->cap ? 2 * l->cap : 16;
    ampel_datenstand_info *v = ampel_reallocarray(l->v, cap, sizeof *v);
    if (v)
      l->v = v;
    char(*u)[64] = v ? ampel_reallocarray(l->user, cap, sizeof *u) : NULL;
    if (u)
      l->user = u;
    char(*k)[16] = u ? ampel_reallocarray(l->kind, cap, sizeof *k) : NULL;
    if (k)
      l->kind = k;
    char(*nt)[160] = k ? ampel_reallocarray(l->note, cap, sizeof *nt) : NULL;
    if (!nt) {
      l->nomem = 1;
      return 1;
    }
    l->note = nt;
    l->cap = cap;
  }
  l->v[l->n] = *d;
  snprintf(l->user[l->n], 64, "%s", d->user_name ? d->user_name : "");
  snprintf(l->kind[l->n], 16, "%s", d->kind ? d->kind : "");
  snprintf(l->note[l->n], 160, "%s", d->note ? d->note : "");
  l->v[l->n].digest = NULL;
  l->v[l->n].note = NULL;
  l->n++;
  return 0;
}

static int file_cb(void *ud, long id, int64_t when, const char *file,
                   const char *sha256, const char *kind, long rows) {
  (void)when, (void)kind, (void)rows;
  dslist *l = ud;
  if (l->nf == l->capf) {
    size_t cap = l->capf ? 2 * l->capf : 16;
    dsfile *f = ampel_reallocarray(l->f, cap, sizeof *f);
    if (!f) {
      l->nomem = 1;
      return 1;
    }
    l->f = f;
    l->capf = cap;
  }
  dsfile *x = &l->f[l->nf++];
  x->id = id;
  snprintf(x->name, sizeof x->name, "%s", file ? file : "");
  snprintf(x->sha, sizeof x->sha, "%s", sha256 ? sha256 : "");
  return 0;
}

static void dslist_release(dslist *l) {
  ampel_free(l->v);
  ampel_free(l->user);
  ampel_free(l->kind);
  ampel_free(l->note);
  ampel_free(l->f);
}

/* Reads the Datenstände of the database: 0, or -1 after a 503 answer. */
static int read_list(srv_req *q, srv_resp *r, dslist *l) {
  memset(l, 0, sizeof *l);
  ampel_diags d;
  ampel_diags_init(&d, 0);
  ampel_status st = AMPEL_OK;
  ampel_store *s =
      ampel_store_open(srv_db_path(), AMPEL_STORE_READONLY, &d, &st);
  if (s) {
    st = ampel_store_begin_read(s);
    int in_read = st == AMPEL_OK;
    if (st == AMPEL_OK)
      st = ampel_store_datenstaende(s, ds_cb, l);
    if (st == AMPEL_OK)
      st = ampel_store_import_log(s, file_cb, l);
    if (in_read)
      ampel_store_end_read(s);
    ampel_store_close(s);
  }
  ampel_diags_release(&d);
  if (st != AMPEL_OK || l->nomem) {
    dslist_release(l);
    return srv_error(q, r, 503,
                     "Die Datenstände sind gerade nicht lesbar; bitte gleich "
                     "noch einmal versuchen.");
  }
  return 0;
}

static void utc(int64_t when, char *buf, size_t n) {
  time_t t = (time_t)when;
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(buf, n, "%d.%m.%Y %H:%M UTC", &tm);
}

static const char *kind_de(const char *k) {
  return strcmp(k, "rollback") == 0   ? "Zurücksetzen"
         : strcmp(k, "metadata") == 0 ? "Kennzahlen bearbeitet"
         : strcmp(k, "geometry") == 0 ? "Flächen"
                                      : "Einfuhr";
}

static void count_cell(ampel_buf *b, long v) {
  if (v < 0)
    ampel_buf_puts(b, "<td class=\"num\">–</td>");
  else
    ampel_buf_printf(b, "<td class=\"num\">%ld</td>", v);
}

int h_daten(srv_req *q, srv_resp *r) {
  if (srv_daten_may_see(q, r, SRV_ROLE_REDAKTION) != 0)
    return -1;
  dslist l;
  if (read_list(q, r, &l) != 0)
    return -1;
  ampel_buf *b = &r->body;
  page_begin(q, r, "Daten", NAV_NONE);
  ampel_buf_puts(b, "<h1>Daten</h1>\n");
  const char *done = srv_get(q, "eingelesen");
  const char *back = srv_get(q, "zurueckgesetzt");
  if (done || back) {
    char msg[160];
    snprintf(msg, sizeof msg,
             done ? "Eingelesen: Datenstand %.20s gilt ab sofort."
                  : "Zurückgesetzt: Datenstand %.20s gilt ab sofort.",
             done ? done : back);
    page_note(b, "gut", msg);
  }
  ampel_buf_puts(b, "<p><a href=\"/daten/kennzahlen\">Kennzahlen "
                    "bearbeiten</a>: Name, Einheit, Richtung, Handlungsfeld, "
                    "Definition, Quelle, Geheimhaltung, in Heatmap und "
                    "Ampel.</p>\n");
  ampel_buf_puts(b, "<h2 id=\"hochladen\">Dateien prüfen und einlesen</h2>\n"
                    "<form method=\"post\" action=\"/daten/pruefen\" "
                    "enctype=\"multipart/form-data\">\n");
  csrf_field(b, q);
  ampel_buf_printf(
      b,
      "<p><label for=\"dateien\">Dateien (CSV oder Excel .xlsx/.xls; bis zu "
      "%d Dateien, zusammen höchstens %zu MB; oder eine Flächendatei: "
      "GeoJSON, KML oder ein gezipptes Shapefile)</label><br>\n"
      "<input type=\"file\" id=\"dateien\" name=\"dateien\" multiple "
      "required accept=\".csv,.xlsx,.xls,.txt,.geojson,.json,.kml,.zip\"></p>\n"
      "<details><summary>Nur für Flächen</summary>\n"
      "<p><label for=\"schluessel\">Schlüssel-Eigenschaft (enthält den "
      "Gebietsschlüssel oder -namen, z. B. GEN)</label><br>\n"
      "<input type=\"text\" id=\"schluessel\" name=\"schluessel\" "
      "maxlength=\"90\"></p>\n"
      "<p><label for=\"ebene\">Ebene (optional, z. B. Stadtteil)</label>"
      "<br>\n<input type=\"text\" id=\"ebene\" name=\"ebene\" "
      "maxlength=\"90\"></p>\n"
      "<p><label for=\"crs\">Koordinatensystem, wenn die Datei keines "
      "nennt (z. B. EPSG:25832)</label><br>\n<input type=\"text\" "
      "id=\"crs\" name=\"crs\" maxlength=\"30\"></p>\n</details>\n"
      "<p><button type=\"submit\">Prüfen</button> Es wird noch nichts "
      "gespeichert: zuerst erscheinen alle Fehler und was sich ändern "
      "würde.</p>\n</form>\n",
      SRV_MP_MAX_FILES, srv_max_upload() / 1000000u);
  ampel_buf_puts(b, "<h2 id=\"datenstaende\">Datenstände</h2>\n");
  if (l.n == 0) {
    ampel_buf_puts(b, "<p>Noch keine Daten eingelesen.</p>\n");
  } else {
    int may_roll = q->user.role >= SRV_ROLE_VERWALTUNG;
    ampel_buf_puts(b,
                   "<div class=\"scroll\" role=\"region\" tabindex=\"0\" "
                   "aria-label=\"Datenstände\"><table class=\"datenstaende\">"
                   "<caption>Alle Datenstände, der neueste zuerst"
                   "</caption>\n<thead><tr><th scope=\"col\">Nr.</th>"
                   "<th scope=\"col\">Zeit</th><th scope=\"col\">Art</th>"
                   "<th scope=\"col\">von</th><th scope=\"col\">Dateien "
                   "(SHA-256)</th><th scope=\"col\">neu</th>"
                   "<th scope=\"col\">geändert</th><th scope=\"col\">"
                   "entfernt</th>");
    if (may_roll)
      ampel_buf_puts(b, "<th scope=\"col\">Zurücksetzen</th>");
    ampel_buf_puts(b, "</tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < l.n; i++) {
      const ampel_datenstand_info *d = &l.v[i];
      char when[40];
      utc(d->created, when, sizeof when);
      ampel_buf_printf(b,
                       "<tr><th scope=\"row\"><a href=\"/?datenstand=%ld\">"
                       "%ld</a></th><td>%s</td><td>",
                       d->id, d->id, when);
      ampel_buf_html(b, kind_de(l.kind[i]));
      if (strcmp(l.kind[i], "rollback") == 0 && d->parent > 0)
        ampel_buf_printf(b, " auf %ld", d->parent);
      if (l.note[i][0]) { /* e.g. what a metadata edit changed */
        ampel_buf_puts(b, "<br><span class=\"klein\">");
        ampel_buf_html(b, l.note[i]);
        ampel_buf_puts(b, "</span>");
      }
      ampel_buf_puts(b, "</td><td>");
      ampel_buf_html(b, l.user[i][0] ? l.user[i] : "Kommandozeile");
      ampel_buf_puts(b, "</td><td>");
      int any = 0;
      for (size_t k = 0; k < l.nf; k++) {
        if (l.f[k].id != d->id)
          continue;
        ampel_buf_puts(b, any ? "<br>" : "");
        ampel_buf_html(b, l.f[k].name);
        ampel_buf_puts(b, " <code title=\"");
        ampel_buf_html(b, l.f[k].sha);
        ampel_buf_puts(b, "\">");
        ampel_buf_html_n(b, l.f[k].sha, 12);
        ampel_buf_puts(b, "</code>");
        any = 1;
      }
      ampel_buf_puts(b, "</td>");
      count_cell(b, d->n_new);
      count_cell(b, d->n_changed);
      count_cell(b, d->n_removed);
      if (may_roll) {
        ampel_buf_puts(b, "<td>");
        if (i > 0) {
          ampel_buf_puts(b, "<form method=\"post\" "
                            "action=\"/daten/zuruecksetzen\">");
          csrf_field(b, q);
          ampel_buf_printf(b,
                           "<input type=\"hidden\" name=\"datenstand\" "
                           "value=\"%ld\"><button type=\"submit\">Auf %ld "
                           "zurücksetzen</button></form>",
                           d->id, d->id);
        }
        ampel_buf_puts(b, "</td>");
      }
      ampel_buf_puts(b, "</tr>\n");
    }
    ampel_buf_puts(b, "</tbody></table></div>\n");
  }
  page_end(q, r);
  dslist_release(&l);
  return 0;
}

/* ---- POST /daten/pruefen and /daten/einlesen ---------------------------- */

int h_daten_pruefen(srv_req *q, srv_resp *r) {
  /* the role first: nothing of a stranger's upload is parsed */
  if (srv_daten_may_see(q, r, SRV_ROLE_REDAKTION) != 0)
    return -1;
  upload *u = ampel_calloc(1, sizeof *u); /* large: off the stack */
  if (!u)
    return srv_error(q, r, 503, "Zu wenig Arbeitsspeicher.");
  int rc = -1;
  if (read_upload(q, r, u) != 0)
    goto out;
  if (srv_auth_require(q, r, SRV_ROLE_REDAKTION,
                       u->has_csrf ? u->csrf : NULL) != 0)
    goto out;
  ampel_diags d;
  ampel_diags_init(&d, 0);
  ampel_import_diff diff;
  memset(&diff, 0, sizeof diff);
  ampel_import_summary sum;
  memset(&sum, 0, sizeof sum);
  ampel_geo_import_summary gsum;
  memset(&gsum, 0, sizeof gsum);
  ampel_status st = run_import(q, &u->gf, u->names, u->data, u->lens, u->n, 1,
                               &diff, &sum, &gsum, &d);
  char token[65] = "";
  int kept = st == AMPEL_OK && stash_put(q->user.name, &u->gf, u->names,
                                         u->data, u->lens, u->n, token) == 0;
  audit(q, "pruefen", "%zu Dateien, %s, %zu Fehler", u->n,
        st == AMPEL_OK ? "in Ordnung" : "abgelehnt", d.n_errors);
  ampel_buf *b = &r->body;
  if (st != AMPEL_OK)
    r->status =
        st == AMPEL_E_DATA || st == AMPEL_E_TOO_LARGE || st == AMPEL_E_NOT_FOUND
            ? 422
            : srv_http_status(st);
  page_begin(q, r, st == AMPEL_OK ? "Prüfung bestanden" : "Fehler gefunden",
             NAV_NONE);
  ampel_buf_puts(b, "<h1>Prüfung: ");
  for (size_t i = 0; i < u->n; i++) {
    ampel_buf_puts(b, i ? ", " : "");
    ampel_buf_html(b, u->names[i]);
  }
  ampel_buf_puts(b, "</h1>\n");
  if (st != AMPEL_OK) {
    char msg[200];
    snprintf(msg, sizeof msg,
             "%zu %s gefunden; es wurde nichts gespeichert. Bitte die "
             "Dateien berichtigen und erneut prüfen.",
             d.n_errors, d.n_errors == 1 ? "Fehler" : "Fehler");
    page_note(b, "fehler", msg);
  } else if (u->gf.geo) {
    char msg[300];
    snprintf(msg, sizeof msg,
             "Keine Fehler: %zu Flächen gelesen, %zu Gebieten zugeordnet, "
             "%zu Nachbarschaften, gespeichert würde in EPSG:%d. Noch ist "
             "nichts gespeichert.",
             gsum.n_features, gsum.n_matched, gsum.n_neighbours, gsum.epsg);
    page_note(b, "gut", msg);
  } else {
    char msg[200];
    snprintf(msg, sizeof msg,
             "Keine Fehler: %zu Gebiete, %zu Kennzahlen, %zu Werte gelesen. "
             "Noch ist nichts gespeichert.",
             sum.n_areas, sum.n_indicators, sum.n_values);
    page_note(b, "gut", msg);
  }
  if (d.n) {
    ampel_buf_puts(b, "<h2>Meldungen</h2>\n");
    diags_html(b, &d);
  }
  if (st == AMPEL_OK) {
    if (!u->gf.geo)
      diff_html(b, &diff);
    if (kept) {
      ampel_buf_puts(b, "<form method=\"post\" action=\"/daten/einlesen\">\n");
      csrf_field(b, q);
      ampel_buf_printf(b,
                       "<input type=\"hidden\" name=\"token\" value=\"%s\">\n"
                       "<p><button type=\"submit\">Jetzt einlesen</button> "
                       "Die geprüften Dateien bleiben eine Stunde auf dem "
                       "Server und lassen sich einmal einlesen.</p>\n"
                       "</form>\n",
                       token);
    } else {
      page_note(b, "fehler",
                "Der Server kann die Dateien gerade nicht aufbewahren (zu "
                "viele gleichzeitige Prüfungen); bitte gleich noch einmal "
                "prüfen.");
    }
  }
  ampel_buf_puts(b, "<p><a href=\"/daten#hochladen\">Andere Dateien "
                    "prüfen</a></p>\n");
  page_end(q, r);
  ampel_import_diff_release(&diff);
  ampel_diags_release(&d);
  rc = 0;
out:
  ampel_free(u);
  return rc;
}

int h_daten_einlesen(srv_req *q, srv_resp *r) {
  if (srv_form_parse(q, r) != 0)
    return -1;
  if (srv_auth_require(q, r, SRV_ROLE_REDAKTION, srv_form_get(q, "csrf")) != 0)
    return -1;
  stash s;
  if (stash_take(srv_form_get(q, "token"), q->user.name, &s) != 0)
    return srv_error(q, r, 410,
                     "Diese Prüfung ist abgelaufen oder wurde schon "
                     "eingelesen (geprüfte Dateien bleiben eine Stunde). "
                     "Bitte die Dateien erneut prüfen.");
  ampel_diags d;
  ampel_diags_init(&d, 0);
  ampel_import_summary sum;
  memset(&sum, 0, sizeof sum);
  ampel_geo_import_summary gsum;
  memset(&gsum, 0, sizeof gsum);
  ampel_status st = run_import(q, &s.gf, (const char *const *)s.names,
                               (const char *const *)s.data, s.lens, s.n, 0,
                               NULL, &sum, &gsum, &d);
  audit(q, "einlesen", "%zu Dateien, %s Datenstand %ld", s.n,
        st == AMPEL_OK ? "gespeichert als" : "abgelehnt,", sum.import_id);
  stash_free(&s);
  if (st != AMPEL_OK) {
    int rc = srv_error_diags(q, r, st, &d,
                             "Einfuhr fehlgeschlagen; nichts gespeichert.");
    ampel_diags_release(&d);
    return rc;
  }
  ampel_diags_release(&d);
  char loc[64];
  snprintf(loc, sizeof loc, "/daten?eingelesen=%ld#datenstaende",
           sum.import_id);
  return srv_redirect(r, loc);
}

/* ---- POST /daten/zuruecksetzen ------------------------------------------ */

static ampel_status rollback(const srv_req *q, long to, long *id,
                             ampel_diags *d) {
  ampel_status st = AMPEL_OK;
  pthread_mutex_lock(&import_lock);
  ampel_store *s = ampel_store_open(srv_db_path(), AMPEL_STORE_WRITE, d, &st);
  if (s) {
    st = ampel_store_rollback_to(s, to, (int64_t)time(NULL),
                                 q->user.name[0] ? q->user.name : NULL, id, d);
    ampel_store_close(s);
  }
  pthread_mutex_unlock(&import_lock);
  if (st == AMPEL_OK) {
    ampel_diags rd;
    ampel_diags_init(&rd, 0);
    (void)srv_reload(&rd);
    ampel_diags_release(&rd);
  }
  return st;
}

static int parse_id(const char *s, long *out) {
  if (!s || !*s || strlen(s) > 12)
    return -1;
  long v = 0;
  for (const char *p = s; *p; p++) {
    if (*p < '0' || *p > '9')
      return -1;
    v = v * 10 + (*p - '0');
  }
  *out = v;
  return v > 0 ? 0 : -1;
}

int h_daten_zuruecksetzen(srv_req *q, srv_resp *r) {
  if (srv_form_parse(q, r) != 0)
    return -1;
  if (srv_auth_require(q, r, SRV_ROLE_VERWALTUNG, srv_form_get(q, "csrf")) != 0)
    return -1;
  long to = 0;
  if (parse_id(srv_form_get(q, "datenstand"), &to) != 0)
    return srv_error(q, r, 400,
                     "datenstand: Nummer eines Datenstands erwartet.");
  ampel_diags d;
  ampel_diags_init(&d, 0);
  long id = 0;
  ampel_status st = rollback(q, to, &id, &d);
  audit(q, "zuruecksetzen", "auf Datenstand %ld: %s %ld", to,
        st == AMPEL_OK ? "Datenstand" : "abgelehnt", id);
  if (st != AMPEL_OK) {
    int rc = srv_error_diags(q, r, st, &d, "Zurücksetzen fehlgeschlagen.");
    ampel_diags_release(&d);
    return rc;
  }
  ampel_diags_release(&d);
  char loc[64];
  snprintf(loc, sizeof loc, "/daten?zurueckgesetzt=%ld#datenstaende", id);
  return srv_redirect(r, loc);
}

/* ---- the API --------------------------------------------------------------
 */

static void diags_json(ampel_buf *b, const ampel_diags *d, int errors_only) {
  ampel_buf_puts(b, "[");
  int first = 1;
  for (size_t i = 0; i < d->n; i++) {
    const ampel_diag *g = &d->items[i];
    if (errors_only != (g->severity == AMPEL_SEV_ERROR))
      continue;
    ampel_buf_puts(b, first ? "\n  {\"file\": " : ",\n  {\"file\": ");
    first = 0;
    if (g->path)
      ampel_buf_json_string(b, g->path);
    else
      ampel_buf_puts(b, "null");
    ampel_buf_printf(b,
                     ", \"line\": %ld, \"column\": %ld, \"message\": ", g->line,
                     g->column);
    ampel_buf_json_string(b, g->message ? g->message : "");
    ampel_buf_puts(b, ", \"source\": ");
    if (g->source)
      ampel_buf_json_string(b, g->source);
    else
      ampel_buf_puts(b, "null");
    ampel_buf_puts(b, "}");
  }
  ampel_buf_puts(b, "]");
}

static void change_json(ampel_buf *b, const ampel_change *c) {
  ampel_buf_puts(b, "{\"area\": ");
  if (c->area)
    ampel_buf_json_string(b, c->area);
  else
    ampel_buf_puts(b, "null");
  ampel_buf_puts(b, ", \"indicator\": ");
  if (c->indicator)
    ampel_buf_json_string(b, c->indicator);
  else
    ampel_buf_puts(b, "null");
  ampel_buf_puts(b, ", \"period\": ");
  if (c->period)
    ampel_buf_json_string(b, c->period);
  else
    ampel_buf_puts(b, "null");
  ampel_buf_puts(b, ", \"old\": ");
  srv_json_num(b, c->old_value);
  ampel_buf_puts(b, ", \"new\": ");
  srv_json_num(b, c->new_value);
  ampel_buf_puts(b, "}");
}

static void diff_json(ampel_buf *b, const ampel_import_diff *d) {
  ampel_buf_puts(b, "{");
  for (int k = 0; k < AMPEL_CHG_COUNT_; k++)
    ampel_buf_printf(b, "%s\"%s\": %zu", k ? ", " : "", change_key[k],
                     d->count[k]);
  ampel_buf_printf(b, ", \"values_factor_10\": %zu, \"flagged\": [", d->n_big);
  for (size_t i = 0; i < d->n_big_kept; i++) {
    ampel_buf_puts(b, i ? ", " : "");
    change_json(b, &d->big[i]);
  }
  ampel_buf_puts(b, "]}");
}

static int api_post(srv_req *q, srv_resp *r) {
  int check = 0;
  const char *c = srv_get(q, "check");
  if (c) {
    if (strcmp(c, "1") == 0 || strcmp(c, "ja") == 0 || strcmp(c, "true") == 0)
      check = 1;
    else if (!(strcmp(c, "0") == 0 || strcmp(c, "nein") == 0 ||
               strcmp(c, "false") == 0))
      return srv_error(q, r, 400, "check: 1 oder 0 erwartet, gefunden: '%s'",
                       c);
  }
  /* who first: without a role nothing is parsed or answered about it */
  if (srv_auth_require(q, r, SRV_ROLE_REDAKTION, NULL) != 0)
    return -1;
  upload *u = ampel_calloc(1, sizeof *u);
  if (!u)
    return srv_error(q, r, 503, "Zu wenig Arbeitsspeicher.");
  int rc = -1;
  if (read_upload(q, r, u) != 0)
    goto out;
  ampel_diags d;
  ampel_diags_init(&d, 0);
  ampel_import_diff diff;
  memset(&diff, 0, sizeof diff);
  ampel_import_summary sum;
  memset(&sum, 0, sizeof sum);
  ampel_geo_import_summary gsum;
  memset(&gsum, 0, sizeof gsum);
  ampel_status st = run_import(q, &u->gf, u->names, u->data, u->lens, u->n,
                               check, &diff, &sum, &gsum, &d);
  audit(q, check ? "pruefen" : "einlesen", "API, %zu Dateien: %s %ld", u->n,
        st == AMPEL_OK ? (check ? "in Ordnung" : "Datenstand") : "abgelehnt",
        check ? 0 : sum.import_id);
  ampel_buf *b = &r->body;
  r->ctype = "application/json; charset=utf-8";
  if (st == AMPEL_E_DATA || st == AMPEL_E_TOO_LARGE ||
      st == AMPEL_E_NOT_FOUND) {
    r->status = 422;
    ampel_buf_puts(b, "{\"ok\": false, \"errors\": ");
    diags_json(b, &d, 1);
    ampel_buf_printf(b, ", \"n_errors\": %zu}\n", d.n_errors);
  } else if (st != AMPEL_OK) {
    srv_error_diags(q, r, st, &d, "Einfuhr fehlgeschlagen.");
  } else {
    r->status = check ? 200 : 201;
    ampel_buf_printf(b, "{\"ok\": true, ");
    if (!check)
      ampel_buf_printf(b, "\"datenstand\": %ld, ", sum.import_id);
    ampel_buf_printf(b,
                     "\"files\": %zu, \"areas\": %zu, \"indicators\": %zu, "
                     "\"values\": %zu, \"warnings\": ",
                     sum.n_files, sum.n_areas, sum.n_indicators, sum.n_values);
    diags_json(b, &d, 0);
    if (u->gf.geo)
      ampel_buf_printf(b,
                       ", \"geometry\": {\"features\": %zu, \"matched\": "
                       "%zu, \"new_areas\": %zu, \"neighbours\": %zu, "
                       "\"epsg\": %d}",
                       gsum.n_features, gsum.n_matched, gsum.n_new_areas,
                       gsum.n_neighbours, gsum.epsg);
    else if (check) {
      ampel_buf_puts(b, ", \"changes\": ");
      diff_json(b, &diff);
    }
    ampel_buf_puts(b, "}\n");
  }
  ampel_import_diff_release(&diff);
  ampel_diags_release(&d);
  rc = 0;
out:
  ampel_free(u);
  return rc;
}

static int api_list(srv_req *q, srv_resp *r) {
  if (srv_daten_may_see(q, r, SRV_ROLE_REDAKTION) != 0)
    return -1;
  dslist l;
  if (read_list(q, r, &l) != 0)
    return -1;
  ampel_buf *b = &r->body;
  r->ctype = "application/json; charset=utf-8";
  ampel_buf_puts(b, "{\"datenstaende\": [");
  for (size_t i = 0; i < l.n; i++) {
    const ampel_datenstand_info *d = &l.v[i];
    ampel_buf_printf(b, "%s\n  {\"id\": %ld, \"created\": %lld, \"kind\": ",
                     i ? "," : "", d->id, (long long)d->created);
    ampel_buf_json_string(b, l.kind[i]);
    ampel_buf_puts(b, ", \"user\": ");
    if (l.user[i][0])
      ampel_buf_json_string(b, l.user[i]);
    else
      ampel_buf_puts(b, "null");
    if (d->parent > 0)
      ampel_buf_printf(b, ", \"parent\": %ld", d->parent);
    else
      ampel_buf_puts(b, ", \"parent\": null");
    long c[3] = {d->n_new, d->n_changed, d->n_removed};
    static const char *const names[3] = {"new", "changed", "removed"};
    for (int k = 0; k < 3; k++)
      if (c[k] < 0)
        ampel_buf_printf(b, ", \"%s\": null", names[k]);
      else
        ampel_buf_printf(b, ", \"%s\": %ld", names[k], c[k]);
    ampel_buf_puts(b, ", \"files\": [");
    int first = 1;
    for (size_t k = 0; k < l.nf; k++) {
      if (l.f[k].id != d->id)
        continue;
      ampel_buf_puts(b, first ? "{\"name\": " : ", {\"name\": ");
      ampel_buf_json_string(b, l.f[k].name);
      ampel_buf_puts(b, ", \"sha256\": ");
      ampel_buf_json_string(b, l.f[k].sha);
      ampel_buf_puts(b, "}");
      first = 0;
    }
    ampel_buf_puts(b, "]}");
  }
  ampel_buf_puts(b, "\n]}\n");
  dslist_release(&l);
  return 0;
}

int h_api_imports(srv_req *q, srv_resp *r) {
  if (strcmp(q->method, "POST") == 0)
    return api_post(q, r);
  return api_list(q, r);
}
