/* auth.c - who asks, and may they (issue 12; docs/betrieb.md "Benutzer,
 * Rollen und Anmeldung").
 *
 * Identification, in this order:
 *   1. Authorization: Bearer - the --admin-token-file token (verwaltung)
 *      or a personal API token (`ampel token add`, the user's role). No
 *      CSRF token: a browser never sends such a header on its own.
 *   2. --trusted-header from a --trusted-proxy address: the user name the
 *      city's proxy authenticated; the role comes from `ampel user`. The
 *      browser also gets a session (for its CSRF token).
 *   3. The cookie ampel_session: a store-backed session (8 h idle), so
 *      restarts and several server processes on one PostgreSQL share it.
 * A cookie (or the proxy header) alone never authorises a state change:
 * srv_auth_require wants the session's CSRF token as the form field csrf
 * or the header X-CSRF-Token.
 *
 * Sign-in throttling: 5 failed sign-ins for one name or from one address
 * within 15 minutes answer 429 with Retry-After until the oldest of them
 * is 15 minutes old. Kept in memory, per process.
 *
 * The store: each worker thread keeps its own writable store (sessions,
 * audit), opened on first use and closed when the thread ends. */
#include <arpa/inet.h>
#include <jansson.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "ampel/alloc.h"
#include "ampel/disclosure.h"
#include "ampel/store.h"
#include "server.h"

#define SESSION_IDLE (8 * 3600) /* seconds without a request */
#define THR_MAX 5               /* failed sign-ins ... */
#define THR_WINDOW (15 * 60)    /* ... within this many seconds */
#define THR_SLOTS 1024          /* names and addresses remembered */
#define MAX_PROXIES 16

typedef struct thr_entry {
  char key[80];          /* "n:NAME" or "a:ADDRESS"; "" = free */
  int64_t fail[THR_MAX]; /* times of the last failures (ring) */
  int next;
} thr_entry;

/* The one state of this file (STYLE.md §8 allows globals in server/). */
static struct {
  int ready;        /* srv_auth_setup ran */
  int store_ok;     /* the database takes writes (sessions, audit) */
  int private_mode; /* --private */
  int secure;       /* --public-url https://: cookie Secure */
  int accounts;     /* users exist: the header offers "Anmelden" */
  const char *header;
  unsigned char proxy[MAX_PROXIES][16];
  int proxy_family[MAX_PROXIES];
  size_t n_proxies;
  pthread_key_t key;
  pthread_mutex_t lock; /* throttle table */
  thr_entry thr[THR_SLOTS];
} a = {.lock = PTHREAD_MUTEX_INITIALIZER};

const char *srv_role_name(srv_role role) {
  switch (role) {
  case SRV_ROLE_LESER: return "leser";
  case SRV_ROLE_REDAKTION: return "redaktion";
  case SRV_ROLE_VERWALTUNG: return "verwaltung";
  default: return "";
  }
}

/* ---- setup and the thread's store ----------------------------------------
 */

static void close_store(void *p) {
  ampel_store_close(p);
}

/* Parses one address; 0 or -1. */
static int parse_addr(const char *s, unsigned char out[16], int *family) {
  if (inet_pton(AF_INET, s, out) == 1) {
    *family = AF_INET;
    return 0;
  }
  if (inet_pton(AF_INET6, s, out) == 1) {
    *family = AF_INET6;
    return 0;
  }
  return -1;
}

static int count_user(void *ud, const ampel_user_info *u) {
  (void)u;
  (*(int *)ud)++;
  return 1;
}

int srv_auth_setup(const srv_config *cfg) {
  a.private_mode = cfg->private_mode;
  a.header =
      cfg->trusted_header && *cfg->trusted_header ? cfg->trusted_header : NULL;
  if (cfg->public_url && *cfg->public_url) {
    if (strncmp(cfg->public_url, "https://", 8) != 0 &&
        strncmp(cfg->public_url, "http://", 7) != 0) {
      fprintf(stderr,
              "ampel serve: Fehler: --public-url: http:// oder https:// "
              "erwartet, gefunden: '%s'\n",
              cfg->public_url);
      return -1;
    }
    a.secure = strncmp(cfg->public_url, "https://", 8) == 0;
  }
  const char *p = cfg->trusted_proxy;
  while (p && *p) {
    size_t n = strcspn(p, ",");
    char one[64];
    snprintf(one, sizeof one, "%.*s", (int)(n < 63 ? n : 63), p);
    if (a.n_proxies == MAX_PROXIES ||
        parse_addr(one, a.proxy[a.n_proxies], &a.proxy_family[a.n_proxies])) {
      fprintf(stderr,
              "ampel serve: Fehler: --trusted-proxy: IP-Adresse erwartet "
              "(höchstens %d), gefunden: '%s'\n",
              MAX_PROXIES, one);
      return -1;
    }
    a.n_proxies++;
    p += n + (p[n] == ',');
  }
  if (a.header && a.n_proxies == 0) {
    fprintf(stderr, "ampel serve: Fehler: --trusted-header braucht "
                    "--trusted-proxy ADRESSE\n");
    return -1;
  }
  if (pthread_key_create(&a.key, close_store) != 0)
    return -1;
  /* Open for writing once: migrates the schema (version 6) and tells
   * whether sign-in can work at all. */
  ampel_diags d;
  ampel_diags_init(&d, 0);
  ampel_status st;
  ampel_store *s = ampel_store_open(srv_db_path(), AMPEL_STORE_WRITE, &d, &st);
  int users = 0;
  if (s && ampel_store_user_list(s, count_user, &users) == AMPEL_OK)
    a.store_ok = 1;
  ampel_store_close(s);
  a.accounts = users > 0;
  a.ready = 1;
  if (!a.store_ok) {
    fprintf(stderr,
            "ampel serve: %s: die Datenbank nimmt keine Sitzungen auf "
            "(schreibgeschützt?)%s%s\n",
            a.private_mode || a.header ? "Fehler" : "Hinweis", d.n ? ": " : "",
            d.n ? d.items[0].message : "");
    ampel_diags_release(&d);
    if (a.private_mode || a.header)
      return -1;
    fprintf(stderr, "ampel serve: Hinweis: ohne Anmeldung, nur lesend\n");
    return 0;
  }
  ampel_diags_release(&d);
  return 0;
}

ampel_store *srv_auth_store(void) {
  if (!a.ready || !a.store_ok)
    return NULL;
  ampel_store *s = pthread_getspecific(a.key);
  if (!s) {
    ampel_diags d;
    ampel_diags_init(&d, 0);
    ampel_status st;
    s = ampel_store_open(srv_db_path(), AMPEL_STORE_WRITE, &d, &st);
    ampel_diags_release(&d);
    if (s && pthread_setspecific(a.key, s) != 0) {
      ampel_store_close(s);
      s = NULL;
    }
  }
  return s;
}

/* After an I/O error: the connection may be gone (a restarted PostgreSQL);
 * the next call opens a new one. */
static void store_failed(void) {
  ampel_store *s = a.ready ? pthread_getspecific(a.key) : NULL;
  if (s) {
    pthread_setspecific(a.key, NULL);
    ampel_store_close(s);
  }
}

int srv_accounts_enabled(void) {
  return a.store_ok && (__atomic_load_n(&a.accounts, __ATOMIC_RELAXED) ||
                        a.private_mode || a.header);
}

/* ---- addresses ------------------------------------------------------------
 */

static int peer_trusted(const char *peer) {
  unsigned char x[16];
  int fam;
  if (!peer || !*peer || parse_addr(peer, x, &fam) != 0)
    return 0;
  for (size_t i = 0; i < a.n_proxies; i++)
    if (a.proxy_family[i] == fam &&
        memcmp(a.proxy[i], x, fam == AF_INET ? 4 : 16) == 0)
      return 1;
  return 0;
}

/* The client's address: behind a trusted proxy the last entry of
 * X-Forwarded-For (the address the proxy saw), else the peer. */
static void client_addr(const srv_req *q, char out[64]) {
  snprintf(out, 64, "%s", q->peer);
  const char *xff =
      peer_trusted(q->peer) ? srv_header(q, "X-Forwarded-For") : NULL;
  if (!xff)
    return;
  const char *last = strrchr(xff, ',');
  last = last ? last + 1 : xff;
  while (*last == ' ')
    last++;
  unsigned char x[16];
  int fam;
  char one[64];
  snprintf(one, sizeof one, "%.*s", (int)strcspn(last, " "), last);
  if (parse_addr(one, x, &fam) == 0)
    snprintf(out, 64, "%s", one);
}

/* ---- audit ----------------------------------------------------------------
 */

void srv_audit(const srv_req *q, const char *action, const char *fmt, ...) {
  ampel_store *s = srv_auth_store();
  if (!s)
    return;
  char detail[512] = "";
  if (fmt) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
  }
  if (q->user.via == SRV_VIA_BEARER || q->user.via == SRV_VIA_ADMIN_TOKEN) {
    size_t n = strlen(detail);
    snprintf(detail + n, sizeof detail - n, "%s(über %s)", n ? " " : "",
             q->user.via == SRV_VIA_BEARER ? "API-Schlüssel"
                                           : "--admin-token-file");
  }
  char addr[64];
  client_addr(q, addr);
  if (ampel_store_audit_add(s, (int64_t)time(NULL),
                            q->user.name[0] ? q->user.name : NULL, addr, action,
                            detail[0] ? detail : NULL) != AMPEL_OK) {
    store_failed();
    fprintf(stderr, "ampel serve: Protokolleintrag '%s' nicht geschrieben\n",
            action);
  }
}

/* ---- identify ---------------------------------------------------------------
 */

/* The value of cookie `name` into out (at most size - 1 bytes); 0 or -1. */
static int cookie(const srv_req *q, const char *name, char *out, size_t size) {
  const char *c = srv_header(q, "Cookie");
  size_t n = strlen(name);
  while (c && *c) {
    while (*c == ' ' || *c == ';')
      c++;
    size_t len = strcspn(c, ";");
    if (len > n && strncmp(c, name, n) == 0 && c[n] == '=') {
      size_t v = len - n - 1;
      if (v >= size)
        return -1;
      memcpy(out, c + n + 1, v);
      out[v] = '\0';
      return 0;
    }
    c += len;
  }
  return -1;
}

/* The session of the request's cookie, or -1. */
static int cookie_session(const srv_req *q, ampel_store *s,
                          char id[AMPEL_SECRET_SIZE], ampel_session *out) {
  if (cookie(q, "ampel_session", id, AMPEL_SECRET_SIZE) != 0)
    return -1;
  int64_t now = (int64_t)time(NULL);
  ampel_status st = ampel_store_session_get(s, id, now, SESSION_IDLE, out);
  if (st == AMPEL_E_IO)
    store_failed();
  if (st != AMPEL_OK)
    return -1;
  if (now - out->last_seen >= 60 &&
      ampel_store_session_touch(s, id, now) != AMPEL_OK)
    store_failed(); /* not fatal: the session stays valid for now */
  return 0;
}

static void set_user(srv_req *q, const char *name, ampel_role role, int via) {
  snprintf(q->user.name, sizeof q->user.name, "%s", name);
  q->user.role = (srv_role)role;
  q->user.via = via;
}

/* Only looks whether the credentials are there (the I/O thread calls it
 * for the response cache and for uploads); srv_auth_identify checks them. */
int srv_auth_may_identify(const srv_head *h) {
  if (!h)
    return 0;
  if (h->auth)
    return 1;
  const char *c = srv_head_get(h, "Cookie");
  if (c && strstr(c, "ampel_session=") != NULL)
    return 1;
  return a.header && srv_head_get(h, a.header) != NULL;
}

void srv_auth_identify(srv_req *q) {
  memset(&q->user, 0, sizeof q->user);
  if (q->auth) {
    if (srv_admin_enabled() && srv_token_ok(q->auth)) {
      set_user(q, "admin", AMPEL_ROLE_VERWALTUNG, SRV_VIA_ADMIN_TOKEN);
      return;
    }
    ampel_store *s = srv_auth_store();
    char user[64];
    ampel_role role;
    if (s && strncasecmp(q->auth, "Bearer ", 7) == 0) {
      ampel_status st = ampel_store_token_check(
          s, q->auth + 7, (int64_t)time(NULL), user, &role);
      if (st == AMPEL_OK)
        set_user(q, user, role, SRV_VIA_BEARER);
      else if (st == AMPEL_E_IO)
        store_failed();
    }
    return; /* a wrong token: anonymous, never the cookie instead */
  }
  ampel_store *s = srv_auth_store();
  if (!s)
    return;
  char id[AMPEL_SECRET_SIZE];
  ampel_session se;
  const char *hv = a.header ? srv_header(q, a.header) : NULL;
  if (hv && peer_trusted(q->peer)) {
    ampel_role role;
    if (ampel_account_name_ok(hv) &&
        ampel_store_user_get(s, hv, &role) == AMPEL_OK) {
      set_user(q, hv, role, SRV_VIA_HEADER);
      /* the browser's session gives the CSRF token, when it is theirs */
      if (cookie_session(q, s, id, &se) == 0 && strcmp(se.user, hv) == 0)
        snprintf(q->user.csrf, sizeof q->user.csrf, "%s", se.csrf);
    }
    return;
  }
  if (cookie_session(q, s, id, &se) == 0) {
    set_user(q, se.user, se.role, SRV_VIA_SESSION);
    snprintf(q->user.csrf, sizeof q->user.csrf, "%s", se.csrf);
  }
}

/* ---- cookies ---------------------------------------------------------------
 */

static void set_cookie(srv_resp *r, const char *id) {
  srv_resp_header(r, "Set-Cookie",
                  "ampel_session=%s; Path=/; HttpOnly; SameSite=Strict%s", id,
                  a.secure ? "; Secure" : "");
}

static void clear_cookie(srv_resp *r) {
  srv_resp_header(r, "Set-Cookie",
                  "ampel_session=; Path=/; Max-Age=0; HttpOnly; "
                  "SameSite=Strict%s",
                  a.secure ? "; Secure" : "");
}

/* A new session for q's user; its CSRF token into q->user. */
static int new_session(srv_req *q, srv_resp *r) {
  ampel_store *s = srv_auth_store();
  char id[AMPEL_SECRET_SIZE], addr[64];
  ampel_session se;
  client_addr(q, addr);
  ampel_status st = s ? ampel_store_session_new(s, q->user.name, addr,
                                                (int64_t)time(NULL), id, &se)
                      : AMPEL_E_IO;
  if (st != AMPEL_OK) {
    store_failed();
    return -1;
  }
  set_cookie(r, id);
  snprintf(q->user.csrf, sizeof q->user.csrf, "%s", se.csrf);
  /* sessions idle for 8 h go with every new one (get refuses them
   * anyway); a failure here changes nothing */
  long n = 0;
  if (ampel_store_session_expire(s, (int64_t)time(NULL) - SESSION_IDLE, &n) !=
      AMPEL_OK)
    n = 0;
  return 0;
}

/* ---- the gate of every GET (--private) ------------------------------------
 */

static int public_path(const char *path) {
  return strcmp(path, "/anmelden") == 0 || strncmp(path, "/static/", 8) == 0;
}

int srv_auth_gate(srv_req *q, srv_resp *r) {
  /* a proxy-signed-in browser gets a session for its CSRF token */
  if (q->user.via == SRV_VIA_HEADER && !q->user.csrf[0] && !q->is_api &&
      new_session(q, r) == 0)
    srv_audit(q, "anmelden", "über den Proxy (%s)", a.header);
  if (!a.private_mode || q->user.role >= SRV_ROLE_LESER || public_path(q->path))
    return 0;
  if (q->is_api)
    return srv_error(q, r, 401,
                     "Anmeldung erforderlich (dieser Server ist nicht "
                     "öffentlich): POST /api/v1/session oder "
                     "Authorization: Bearer SCHLÜSSEL.");
  ampel_buf loc;
  ampel_buf_init(&loc);
  ampel_buf_puts(&loc, "/anmelden?weiter=");
  page_urlenc(&loc, q->path);
  if (loc.failed || loc.len > 2000 || srv_redirect(r, loc.data) != 0)
    srv_redirect(r, "/anmelden");
  ampel_buf_release(&loc);
  return -1;
}

int srv_auth_require(srv_req *q, srv_resp *r, srv_role need,
                     const char *form_csrf) {
  if (q->user.role == SRV_ROLE_NONE)
    return srv_error(q, r, 401, "Bitte zuerst anmelden.");
  if (q->user.role < need)
    return srv_error(q, r, 403,
                     "Dafür fehlt die Berechtigung (nötig: Rolle %s).",
                     srv_role_name(need));
  if (q->user.via == SRV_VIA_SESSION || q->user.via == SRV_VIA_HEADER) {
    const char *t = form_csrf ? form_csrf : srv_header(q, "X-CSRF-Token");
    if (!t || !q->user.csrf[0] || !ampel_secret_equal(t, q->user.csrf))
      return srv_error(q, r, 403,
                       "Das Formular ist abgelaufen oder unvollständig "
                       "(CSRF-Token fehlt oder stimmt nicht). Bitte die "
                       "Seite neu laden und erneut senden.");
  }
  return 0;
}

/* ---- throttling -------------------------------------------------------------
 */

static thr_entry *thr_find(const char *key, int create, int64_t now) {
  thr_entry *free_slot = NULL, *stalest = NULL;
  int64_t stalest_t = INT64_MAX;
  for (size_t i = 0; i < THR_SLOTS; i++) {
    thr_entry *e = &a.thr[i];
    if (e->key[0] && strcmp(e->key, key) == 0)
      return e;
    int64_t newest = 0;
    for (int k = 0; k < THR_MAX; k++)
      if (e->fail[k] > newest)
        newest = e->fail[k];
    if (!e->key[0] || newest <= now - THR_WINDOW) {
      if (!free_slot)
        free_slot = e;
    } else if (newest < stalest_t) {
      stalest_t = newest;
      stalest = e;
    }
  }
  if (!create)
    return NULL;
  thr_entry *e = free_slot ? free_slot : stalest;
  memset(e, 0, sizeof *e);
  snprintf(e->key, sizeof e->key, "%s", key);
  return e;
}

/* Seconds until key may try again (0: now). */
static int64_t thr_wait(const char *key, int64_t now) {
  thr_entry *e = thr_find(key, 0, now);
  if (!e)
    return 0;
  int64_t oldest = INT64_MAX;
  for (int k = 0; k < THR_MAX; k++) {
    if (e->fail[k] <= now - THR_WINDOW)
      return 0; /* fewer than THR_MAX within the window */
    if (e->fail[k] < oldest)
      oldest = e->fail[k];
  }
  return oldest + THR_WINDOW - now;
}

static void thr_keys(const char *name, const char *addr, char kn[80],
                     char ka[80]) {
  snprintf(kn, 80, "n:%.70s", name);
  snprintf(ka, 80, "a:%.70s", addr);
}

static int64_t throttled(const char *name, const char *addr) {
  char kn[80], ka[80];
  int64_t now = (int64_t)time(NULL);
  thr_keys(name, addr, kn, ka);
  pthread_mutex_lock(&a.lock);
  int64_t wn = thr_wait(kn, now), wa = thr_wait(ka, now);
  pthread_mutex_unlock(&a.lock);
  return wn > wa ? wn : wa;
}

static void thr_failed(const char *name, const char *addr) {
  char kn[80], ka[80];
  int64_t now = (int64_t)time(NULL);
  thr_keys(name, addr, kn, ka);
  pthread_mutex_lock(&a.lock);
  for (int i = 0; i < 2; i++) {
    thr_entry *e = thr_find(i ? ka : kn, 1, now);
    e->fail[e->next] = now;
    e->next = (e->next + 1) % THR_MAX;
  }
  pthread_mutex_unlock(&a.lock);
}

static void thr_succeeded(const char *name) {
  char kn[80], ka[80];
  thr_keys(name, "", kn, ka);
  pthread_mutex_lock(&a.lock);
  thr_entry *e = thr_find(kn, 0, (int64_t)time(NULL));
  if (e)
    memset(e, 0, sizeof *e);
  pthread_mutex_unlock(&a.lock);
}

/* ---- sign in and out ------------------------------------------------------
 */

/* A local path to return to after sign-in, else "/". */
static const char *next_path(const char *w) {
  if (!w || w[0] != '/' || w[1] == '/' || w[1] == '\\' || strlen(w) > 1000 ||
      strncmp(w, "/anmelden", 9) == 0 || strncmp(w, "/abmelden", 9) == 0)
    return "/";
  for (const unsigned char *c = (const unsigned char *)w; *c; c++)
    if (*c < 0x20 || *c == 0x7f)
      return "/";
  return w;
}

static void login_form(srv_req *q, srv_resp *r, const char *msg,
                       const char *name, const char *next) {
  page_begin(q, r, "Anmelden", NAV_NONE);
  ampel_buf *b = &r->body;
  ampel_buf_puts(b, "<h1>Anmelden</h1>\n");
  if (msg)
    page_note(b, "fehler", msg);
  if (q->user.via == SRV_VIA_SESSION || q->user.via == SRV_VIA_HEADER) {
    ampel_buf_puts(b, "<p>Angemeldet als <strong>");
    ampel_buf_html(b, q->user.name);
    ampel_buf_printf(b, "</strong> (Rolle %s).</p>\n",
                     srv_role_name(q->user.role));
  }
  ampel_buf_puts(b, "<form class=\"anmelden\" method=\"post\" "
                    "action=\"/anmelden\">\n<p><label for=\"benutzer\">"
                    "Benutzername</label><br><input id=\"benutzer\" "
                    "name=\"benutzer\" autocomplete=\"username\" required "
                    "maxlength=\"63\" value=\"");
  ampel_buf_html(b, name ? name : "");
  ampel_buf_puts(b, "\"></p>\n<p><label for=\"passwort\">Kennwort</label><br>"
                    "<input id=\"passwort\" name=\"passwort\" "
                    "type=\"password\" autocomplete=\"current-password\" "
                    "required maxlength=\"1024\"></p>\n<input type=\"hidden\" "
                    "name=\"weiter\" value=\"");
  ampel_buf_html(b, next_path(next));
  ampel_buf_puts(b, "\">\n<p><button type=\"submit\">Anmelden</button></p>\n"
                    "</form>\n<p>Nach 5 falschen Versuchen für einen Namen "
                    "oder von einer Adresse ist die Anmeldung 15 Minuten "
                    "gesperrt.</p>\n");
  page_end(q, r);
}

int h_anmelden(srv_req *q, srv_resp *r) {
  login_form(q, r, NULL, NULL, srv_get(q, "weiter"));
  return 0;
}

/* Checks name and password; on success a session (cookie) and 0, else -1
 * after the answer (401, 429, 503). */
static int login(srv_req *q, srv_resp *r, const char *name, const char *pw,
                 const char *next) {
  ampel_store *s = srv_auth_store();
  if (!s)
    return srv_error(q, r, 503,
                     "Anmeldung derzeit nicht möglich: die Datenbank nimmt "
                     "keine Sitzungen auf.");
  char addr[64];
  client_addr(q, addr);
  name = name ? name : "";
  int64_t wait = throttled(name, addr);
  if (wait > 0) {
    srv_resp_header(r, "Retry-After", "%lld", (long long)wait);
    return srv_error(q, r, 429,
                     "Zu viele fehlgeschlagene Anmeldungen. Bitte in %lld "
                     "Minuten erneut versuchen.",
                     (long long)(wait + 59) / 60);
  }
  ampel_role role = AMPEL_ROLE_NONE;
  ampel_status st = ampel_store_user_check(s, name, pw ? pw : "", &role);
  if (st == AMPEL_E_IO || st == AMPEL_E_NOMEM || st == AMPEL_E_INTERNAL) {
    store_failed();
    return srv_error(q, r, 503, "Anmeldung derzeit nicht möglich.");
  }
  if (st != AMPEL_OK) {
    thr_failed(name, addr);
    /* the name tried only when it is a user: a password typed into the
     * name field must not land in the log */
    ampel_role dummy;
    int known = ampel_account_name_ok(name) &&
                ampel_store_user_get(s, name, &dummy) == AMPEL_OK;
    srv_audit(q, "anmelden_fehlgeschlagen", "%s",
              known ? name : "unbekannter Benutzer");
    if (q->is_api)
      return srv_error(q, r, 401, "Benutzername oder Kennwort falsch.");
    r->status = 401;
    login_form(q, r, "Benutzername oder Kennwort falsch.", known ? name : NULL,
               next);
    return -1;
  }
  thr_succeeded(name);
  set_user(q, name, role, SRV_VIA_SESSION);
  if (new_session(q, r) != 0)
    return srv_error(q, r, 503, "Anmeldung derzeit nicht möglich.");
  srv_audit(q, "anmelden", NULL);
  return 0;
}

int h_anmelden_post(srv_req *q, srv_resp *r) {
  if (srv_form_parse(q, r) != 0)
    return -1;
  const char *next = srv_form_get(q, "weiter");
  if (login(q, r, srv_form_get(q, "benutzer"), srv_form_get(q, "passwort"),
            next) != 0)
    return -1;
  srv_redirect(r, next_path(next));
  return 0;
}

/* Ends q's session (cookie cleared); 0, or -1 after an answer. */
static int logout(srv_req *q, srv_resp *r, const char *form_csrf) {
  if (srv_auth_require(q, r, SRV_ROLE_LESER, form_csrf) != 0)
    return -1;
  ampel_store *s = srv_auth_store();
  char id[AMPEL_SECRET_SIZE];
  if (s && cookie(q, "ampel_session", id, sizeof id) == 0 &&
      ampel_store_session_delete(s, id) == AMPEL_E_IO)
    store_failed();
  clear_cookie(r);
  srv_audit(q, "abmelden", NULL);
  return 0;
}

int h_abmelden(srv_req *q, srv_resp *r) {
  page_begin(q, r, "Abmelden", NAV_NONE);
  ampel_buf *b = &r->body;
  ampel_buf_puts(b, "<h1>Abmelden</h1>\n");
  if (q->user.via == SRV_VIA_SESSION || q->user.via == SRV_VIA_HEADER) {
    ampel_buf_puts(b, "<form method=\"post\" action=\"/abmelden\">"
                      "<input type=\"hidden\" name=\"csrf\" value=\"");
    ampel_buf_html(b, q->user.csrf);
    ampel_buf_puts(b, "\"><button type=\"submit\">Abmelden</button></form>\n");
  } else {
    ampel_buf_puts(b, "<p>Nicht angemeldet. <a href=\"/anmelden\">"
                      "Anmelden</a></p>\n");
  }
  page_end(q, r);
  return 0;
}

int h_abmelden_post(srv_req *q, srv_resp *r) {
  if (srv_form_parse(q, r) != 0)
    return -1;
  if (logout(q, r, srv_form_get(q, "csrf")) != 0)
    return -1;
  srv_redirect(r, "/");
  return 0;
}

/* POST /api/v1/session {"benutzer": …, "passwort": …} */
int h_api_session_post(srv_req *q, srv_resp *r) {
  json_error_t err;
  json_t *j = q->body ? json_loadb(q->body, q->body_len, 0, &err) : NULL;
  const char *name =
                 j ? json_string_value(json_object_get(j, "benutzer")) : NULL,
             *pw = j ? json_string_value(json_object_get(j, "passwort")) : NULL;
  if (!name || !pw) {
    json_decref(j);
    return srv_error(q, r, 400,
                     "JSON-Objekt mit \"benutzer\" und \"passwort\" "
                     "(Zeichenketten) erwartet.");
  }
  int rc = login(q, r, name, pw, NULL);
  json_decref(j);
  if (rc != 0)
    return -1;
  r->ctype = "application/json; charset=utf-8";
  ampel_buf *b = &r->body;
  ampel_buf_puts(b, "{\"csrf\": ");
  ampel_buf_json_string(b, q->user.csrf);
  ampel_buf_puts(b, ", \"benutzer\": ");
  ampel_buf_json_string(b, q->user.name);
  ampel_buf_printf(b,
                   ", \"rolle\": \"%s\", \"gueltig_sekunden_ohne_"
                   "anfrage\": %d}\n",
                   srv_role_name(q->user.role), SESSION_IDLE);
  return 0;
}

/* DELETE /api/v1/session (with X-CSRF-Token) */
int h_api_session_delete(srv_req *q, srv_resp *r) {
  if (q->user.via != SRV_VIA_SESSION && q->user.role != SRV_ROLE_NONE)
    return srv_error(q, r, 400, "Diese Anfrage hat keine Sitzung.");
  if (logout(q, r, NULL) != 0)
    return -1;
  r->ctype = "application/json; charset=utf-8";
  ampel_buf_puts(&r->body, "{\"ok\": true}\n");
  return 0;
}

/* ---- the page header
 * ---------------------------------------------------------
 */

void srv_auth_nav(const srv_req *q, ampel_buf *b) {
  if (q->user.via == SRV_VIA_SESSION || q->user.via == SRV_VIA_HEADER) {
    ampel_buf_puts(b, "<form class=\"konto\" method=\"post\" "
                      "action=\"/abmelden\"><span>");
    ampel_buf_html(b, q->user.name);
    ampel_buf_printf(b, " (%s)</span>", srv_role_name(q->user.role));
    if (q->user.role >= SRV_ROLE_REDAKTION) /* check, import, indicators */
      ampel_buf_puts(b, " <a href=\"/daten\">Daten einlesen</a>");
    if (q->user.role >= SRV_ROLE_VERWALTUNG)
      ampel_buf_puts(b, " <a href=\"/verwaltung\">Verwaltung</a>");
    ampel_buf_puts(b, " <input type=\"hidden\" name=\"csrf\" value=\"");
    ampel_buf_html(b, q->user.csrf);
    ampel_buf_puts(b, "\"><button type=\"submit\">Abmelden</button></form>\n");
  } else if (q->user.via == SRV_VIA_NONE && srv_accounts_enabled()) {
    ampel_buf_puts(b, "<p class=\"konto\"><a href=\"/anmelden\">Anmelden</a>"
                      "</p>\n");
  }
}

/* ---- /verwaltung
 * ----------------------------------------------------------------
 */

static void csrf_field(ampel_buf *b, const srv_req *q) {
  ampel_buf_puts(b, "<input type=\"hidden\" name=\"csrf\" value=\"");
  ampel_buf_html(b, q->user.csrf);
  ampel_buf_puts(b, "\">");
}

static void role_select(ampel_buf *b, const char *id, ampel_role cur) {
  ampel_buf_printf(b, "<select id=\"%s\" name=\"rolle\">", id);
  for (int k = AMPEL_ROLE_LESER; k <= AMPEL_ROLE_VERWALTUNG; k++)
    ampel_buf_printf(b, "<option%s>%s</option>",
                     k == (int)cur ? " selected" : "",
                     ampel_role_name((ampel_role)k));
  ampel_buf_puts(b, "</select>");
}

typedef struct page_ctx {
  const srv_req *q;
  ampel_buf *b;
  int n;
} page_ctx;

static int user_row(void *ud, const ampel_user_info *u) {
  page_ctx *c = ud;
  ampel_buf *b = c->b;
  char id[32];
  snprintf(id, sizeof id, "rolle-%d", c->n++);
  ampel_buf_puts(b, "<tr><th scope=\"row\">");
  ampel_buf_html(b, u->name);
  ampel_buf_printf(b, "</th><td>%s%s</td><td>", ampel_role_name(u->role),
                   strcmp(u->pwhash, "!") == 0 ? " (nur über den Proxy)" : "");
  ampel_buf_puts(b, "<form method=\"post\" action=\"/verwaltung/benutzer\">");
  csrf_field(b, c->q);
  ampel_buf_puts(b, "<input type=\"hidden\" name=\"name\" value=\"");
  ampel_buf_html(b, u->name);
  ampel_buf_printf(b, "\"><label class=\"unsichtbar\" for=\"%s\">Rolle von ",
                   id);
  ampel_buf_html(b, u->name);
  ampel_buf_puts(b, "</label>");
  role_select(b, id, u->role);
  ampel_buf_puts(b, " <button name=\"aktion\" value=\"rolle\">Rolle ändern"
                    "</button> <button name=\"aktion\" value=\"entfernen\">"
                    "Entfernen</button></form></td></tr>\n");
  return 0;
}

static int audit_row(void *ud, const ampel_audit_info *e) {
  page_ctx *c = ud;
  ampel_buf *b = c->b;
  char when[32];
  time_t t = (time_t)e->time;
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(when, sizeof when, "%d.%m.%Y %H:%M:%S", &tm);
  ampel_buf_printf(b, "<tr><td>%s UTC</td><td>", when);
  ampel_buf_html(b, e->user ? e->user : "–");
  ampel_buf_puts(b, "</td><td>");
  ampel_buf_html(b, e->address ? e->address : "Befehlszeile");
  ampel_buf_puts(b, "</td><td>");
  ampel_buf_html(b, e->action);
  ampel_buf_puts(b, "</td><td>");
  ampel_buf_html(b, e->detail ? e->detail : "");
  ampel_buf_puts(b, "</td></tr>\n");
  return 0;
}

/* 0 when q may use /verwaltung, else -1 after the answer (a sign-in page
 * for nobody, 403 for a lower role). */
static int admin_only(srv_req *q, srv_resp *r) {
  if (q->user.role == SRV_ROLE_NONE && !q->is_api) {
    srv_redirect(r, "/anmelden?weiter=%2Fverwaltung");
    return -1;
  }
  if (q->user.role < SRV_ROLE_VERWALTUNG)
    return srv_error(q, r, q->user.role ? 403 : 401,
                     "Die Verwaltung ist der Rolle verwaltung vorbehalten.");
  return 0;
}

int h_verwaltung(srv_req *q, srv_resp *r) {
  if (admin_only(q, r) != 0)
    return -1;
  ampel_store *s = srv_auth_store();
  if (!s)
    return srv_error(q, r, 503, "Die Datenbank ist nicht erreichbar.");
  page_begin(q, r, "Verwaltung", NAV_NONE);
  ampel_buf *b = &r->body;
  page_ctx c = {q, b, 0};
  ampel_buf_puts(b, "<h1>Verwaltung</h1>\n<h2 id=\"benutzer\">Benutzer und "
                    "Rollen</h2>\n<div class=\"scroll\" role=\"region\" "
                    "tabindex=\"0\" aria-labelledby=\"benutzer\">"
                    "<table><thead><tr><th scope=\"col\">Name"
                    "</th><th scope=\"col\">Rolle</th><th scope=\"col\">"
                    "Ändern</th></tr></thead><tbody>\n");
  if (ampel_store_user_list(s, user_row, &c) != AMPEL_OK)
    store_failed();
  ampel_buf_puts(b, "</tbody></table></div>\n<h3>Neuer Benutzer</h3>\n"
                    "<form method=\"post\" action=\"/verwaltung/benutzer\">");
  csrf_field(b, q);
  ampel_buf_puts(b, "<input type=\"hidden\" name=\"aktion\" "
                    "value=\"anlegen\"><p><label for=\"neu-name\">Name"
                    "</label><br><input id=\"neu-name\" name=\"name\" "
                    "required maxlength=\"63\" autocomplete=\"off\"></p>"
                    "<p><label for=\"neu-rolle\">Rolle</label><br>");
  role_select(b, "neu-rolle", AMPEL_ROLE_LESER);
  ampel_buf_puts(b, "</p><p><label for=\"neu-kennwort\">Erstes Kennwort "
                    "(mindestens 8 Zeichen; leer: nur Anmeldung über den "
                    "Proxy)</label><br><input id=\"neu-kennwort\" "
                    "name=\"passwort\" type=\"password\" "
                    "autocomplete=\"new-password\" maxlength=\"1024\"></p>"
                    "<p><button type=\"submit\">Anlegen</button></p></form>\n"
                    "<h2 id=\"einstellungen\">Geheimhaltung</h2>\n");
  ampel_disclosure_opts o;
  ampel_diags d;
  ampel_diags_init(&d, 0);
  if (ampel_disclosure_opts_load(s, &o, &d) != AMPEL_OK)
    ampel_disclosure_opts_init(&o);
  ampel_diags_release(&d);
  const char *const *keys = ampel_disclosure_keys();
  for (size_t k = 0; keys[k]; k++) {
    char val[64];
    ampel_disclosure_opts_get(&o, keys[k], val, sizeof val);
    ampel_buf_puts(b, "<form method=\"post\" "
                      "action=\"/verwaltung/einstellungen\">");
    csrf_field(b, q);
    ampel_buf_printf(b,
                     "<input type=\"hidden\" name=\"schluessel\" "
                     "value=\"%s\"><p><label for=\"e-%s\">",
                     keys[k], keys[k]);
    ampel_buf_html(b, ampel_disclosure_key_label_de(keys[k]));
    ampel_buf_printf(b,
                     " (%s)</label><br><input id=\"e-%s\" name=\"wert\" "
                     "maxlength=\"20\" value=\"",
                     keys[k], keys[k]);
    ampel_buf_html(b, val);
    ampel_buf_puts(b, "\"> <button type=\"submit\">Speichern</button></p>"
                      "</form>\n");
  }
  ampel_buf_puts(b, "<h2 id=\"protokoll\">Protokoll</h2>\n<p>Die neuesten 200 "
                    "Einträge; alle mit <code>ampel audit</code>.</p>\n"
                    "<div class=\"scroll\" role=\"region\" tabindex=\"0\" "
                    "aria-labelledby=\"protokoll\">"
                    "<table><thead><tr><th scope=\"col\">Zeit</th>"
                    "<th scope=\"col\">Benutzer</th><th scope=\"col\">"
                    "Adresse</th><th scope=\"col\">Aktion</th>"
                    "<th scope=\"col\">Einzelheiten</th></tr></thead>"
                    "<tbody>\n");
  if (ampel_store_audit_list(s, 200, audit_row, &c) != AMPEL_OK)
    store_failed();
  ampel_buf_puts(b, "</tbody></table></div>\n");
  page_end(q, r);
  return 0;
}

/* POST /verwaltung/benutzer: aktion=anlegen|rolle|entfernen, name, rolle,
 * passwort (anlegen), csrf. */
int h_verwaltung_benutzer(srv_req *q, srv_resp *r) {
  if (srv_form_parse(q, r) != 0)
    return -1;
  if (srv_auth_require(q, r, SRV_ROLE_VERWALTUNG, srv_form_get(q, "csrf")) != 0)
    return -1;
  ampel_store *s = srv_auth_store();
  if (!s)
    return srv_error(q, r, 503, "Die Datenbank ist nicht erreichbar.");
  const char *act = srv_form_get(q, "aktion"), *name = srv_form_get(q, "name"),
             *rs = srv_form_get(q, "rolle"), *pw = srv_form_get(q, "passwort");
  ampel_role role = AMPEL_ROLE_NONE;
  if (!act || !name || !ampel_account_name_ok(name))
    return srv_error(q, r, 400,
                     "aktion und name (1 bis 63 Zeichen: A-Z a-z 0-9 . _ "
                     "@ -) erwartet.");
  int add = strcmp(act, "anlegen") == 0, set = strcmp(act, "rolle") == 0,
      del = strcmp(act, "entfernen") == 0;
  if (!add && !set && !del)
    return srv_error(q, r, 400, "aktion: anlegen, rolle oder entfernen.");
  if ((add || set) && (!rs || ampel_role_parse(rs, &role) != 0))
    return srv_error(q, r, 400, "rolle: leser, redaktion oder verwaltung.");
  if ((set || del) && strcmp(name, q->user.name) == 0)
    return srv_error(q, r, 409,
                     "Die eigene Rolle und das eigene Konto lassen sich "
                     "hier nicht ändern (sonst sperrt man sich aus); bitte "
                     "ein anderes Konto der Verwaltung oder 'ampel user' "
                     "benutzen.");
  ampel_status st = add   ? ampel_store_user_add(s, name, role, pw ? pw : "",
                                                 (int64_t)time(NULL))
                    : set ? ampel_store_user_set_role(s, name, role)
                          : ampel_store_user_remove(s, name);
  if (st == AMPEL_E_DATA)
    return srv_error(q, r, 409, "Den Benutzer gibt es schon.");
  if (st == AMPEL_E_NOT_FOUND)
    return srv_error(q, r, 404, "Den Benutzer gibt es nicht.");
  if (st == AMPEL_E_USAGE)
    return srv_error(q, r, 400,
                     "Das Kennwort braucht mindestens %d Zeichen (oder leer "
                     "für die Anmeldung nur über den Proxy).",
                     AMPEL_PASSWORD_MIN);
  if (st != AMPEL_OK) {
    store_failed();
    return srv_error(q, r, 503,
                     "Die Änderung konnte nicht gespeichert "
                     "werden.");
  }
  if (add) {
    __atomic_store_n(&a.accounts, 1, __ATOMIC_RELAXED);
    srv_audit(q, "benutzer_anlegen", "%s als %s", name, ampel_role_name(role));
  } else if (set) {
    srv_audit(q, "rolle_aendern", "%s: %s", name, ampel_role_name(role));
  } else {
    srv_audit(q, "benutzer_entfernen", "%s", name);
  }
  if (q->is_api) {
    r->ctype = "application/json; charset=utf-8";
    ampel_buf_puts(&r->body, "{\"ok\": true}\n");
    return 0;
  }
  srv_redirect(r, "/verwaltung#benutzer");
  return 0;
}

/* POST /verwaltung/einstellungen: schluessel, wert, csrf. */
int h_verwaltung_einstellungen(srv_req *q, srv_resp *r) {
  if (srv_form_parse(q, r) != 0)
    return -1;
  if (srv_auth_require(q, r, SRV_ROLE_VERWALTUNG, srv_form_get(q, "csrf")) != 0)
    return -1;
  const char *key = srv_form_get(q, "schluessel"),
             *val = srv_form_get(q, "wert");
  ampel_disclosure_opts o;
  ampel_disclosure_opts_init(&o);
  ampel_diags d;
  ampel_diags_init(&d, 0);
  const char *const *keys = ampel_disclosure_keys();
  int known = 0;
  for (size_t k = 0; key && keys[k]; k++)
    known |= strcmp(keys[k], key) == 0;
  if (!known || !val ||
      ampel_disclosure_opts_set(&o, key, val, &d) != AMPEL_OK) {
    int rc = srv_error(q, r, 400, "%s",
                       !known ? "Unbekannte Einstellung."
                       : d.n  ? d.items[0].message
                              : "Ungültiger Wert.");
    ampel_diags_release(&d);
    return rc;
  }
  ampel_diags_release(&d);
  ampel_store *s = srv_auth_store();
  char norm[64], *old = NULL;
  ampel_disclosure_opts_get(&o, key, norm, sizeof norm);
  if (!s || ampel_store_config_get(s, key, &old) != AMPEL_OK ||
      ampel_store_config_set(s, key, norm) != AMPEL_OK) {
    ampel_free(old);
    store_failed();
    return srv_error(q, r, 503,
                     "Die Einstellung konnte nicht gespeichert "
                     "werden.");
  }
  srv_audit(q, "einstellung_aendern", "%s: %s -> %s", key,
            old ? old : "(Voreinstellung)", norm);
  ampel_free(old);
  /* the disclosure rules shape the snapshot: load it again */
  ampel_diags_init(&d, 0);
  (void)srv_reload(&d);
  ampel_diags_release(&d);
  srv_redirect(r, "/verwaltung#einstellungen");
  return 0;
}
