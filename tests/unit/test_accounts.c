/* Unit tests for the accounts of schema version 6 (issue 12, store.h):
 * users and passwords (Argon2id, rehash of weaker hashes), API tokens,
 * sessions (idle expiry, CSRF token), the audit log, indicator.shown, the
 * copy by `ampel db migrate`, and that no password, token or session id
 * stands anywhere in the database in clear text (the SQLite file and its
 * WAL scanned byte by byte; on PostgreSQL every row of the account
 * tables as text).
 *
 * With AMPEL_TEST_PG_URL set (tests/run_auth.sh starts a throwaway
 * server) the same tests run against PostgreSQL. */
/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */

#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ampel/alloc.h"
#include "ampel/buf.h"
#include "ampel/import.h"
#include "ampel/store.h"

#define TMPDB_PREFIX "ampel-accounts"
#include "tmpdb.h"

#ifdef AMPEL_HAVE_LIBPQ
#include <libpq-fe.h>
#endif

static const char *pg_url;

static const char PW[] = "Geheim-Passwort-4711";

#ifdef AMPEL_HAVE_LIBPQ
static PGresult *pg_exec(const char *url, const char *sql,
                         ExecStatusType want) {
  PGconn *c = PQconnectdb(url);
  if (PQstatus(c) != CONNECTION_OK)
    fail_msg("%s: %s", url, PQerrorMessage(c));
  PQclear(PQexec(c, "SET client_min_messages TO warning"));
  PGresult *r = PQexec(c, sql);
  if (PQresultStatus(r) != want)
    fail_msg("%s (%.60s...)", PQerrorMessage(c), sql);
  PQfinish(c);
  return r;
}
#endif

static void db_make(tmpdb *t) {
  tmpdb_make(t);
#ifdef AMPEL_HAVE_LIBPQ
  if (pg_url) {
    PQclear(pg_exec(pg_url, "DROP SCHEMA IF EXISTS ampel CASCADE",
                    PGRES_COMMAND_OK));
    snprintf(t->path, sizeof t->path, "%s", pg_url);
  }
#endif
}

/* Every byte the database holds: the SQLite file and its WAL, or the
 * account tables of PostgreSQL as text. Caller frees. */
static char *db_bytes(const tmpdb *t, size_t *out_n) {
  ampel_buf b;
  ampel_buf_init(&b);
#ifdef AMPEL_HAVE_LIBPQ
  if (pg_url) {
    PGresult *r = pg_exec(pg_url,
                          "SELECT concat((SELECT string_agg(u::text,'|') "
                          "FROM ampel.users u),(SELECT string_agg(a::text,"
                          "'|') FROM ampel.api_token a),(SELECT "
                          "string_agg(s::text,'|') FROM ampel.session s),"
                          "(SELECT string_agg(x::text,'|') FROM ampel.audit "
                          "x))",
                          PGRES_TUPLES_OK);
    ampel_buf_puts(&b, PQgetvalue(r, 0, 0));
    PQclear(r);
    *out_n = b.len;
    return b.data;
  }
#endif
  static const char *const sfx[] = {"", "-wal"};
  for (int i = 0; i < 2; i++) {
    char p[320];
    snprintf(p, sizeof p, "%s%s", t->path, sfx[i]);
    FILE *f = fopen(p, "rb");
    if (!f)
      continue;
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
      ampel_buf_append(&b, chunk, n);
    fclose(f);
  }
  *out_n = b.len;
  return b.data;
}

static int contains(const char *hay, size_t n, const char *needle) {
  size_t k = strlen(needle);
  for (size_t i = 0; hay && i + k <= n; i++)
    if (memcmp(hay + i, needle, k) == 0)
      return 1;
  return 0;
}

/* ---- users ---------------------------------------------------------------
 */

typedef struct names {
  char list[8][64];
  char hash[8][160];
  int n;
} names;

static int collect_user(void *ud, const ampel_user_info *u) {
  names *x = ud;
  if (x->n < 8) {
    snprintf(x->list[x->n], 64, "%s:%s", u->name, ampel_role_name(u->role));
    snprintf(x->hash[x->n++], 160, "%s", u->pwhash);
  }
  return 0;
}

static void test_users(void **state) {
  (void)state;
  tmpdb t;
  db_make(&t);
  ampel_store *s = open_ok(t.path, AMPEL_STORE_CREATE);
  ampel_role r = AMPEL_ROLE_NONE;
  assert_int_equal(ampel_store_user_add(s, "anna", AMPEL_ROLE_REDAKTION, PW, 1),
                   AMPEL_OK);
  assert_int_equal(ampel_store_user_add(s, "anna", AMPEL_ROLE_LESER, PW, 1),
                   AMPEL_E_DATA);
  assert_int_equal(ampel_store_user_add(s, "bad name", AMPEL_ROLE_LESER, PW, 1),
                   AMPEL_E_USAGE);
  assert_int_equal(ampel_store_user_add(s, "kurz", AMPEL_ROLE_LESER, "1234", 1),
                   AMPEL_E_USAGE);
  assert_int_equal(ampel_store_user_add(s, "bert", AMPEL_ROLE_NONE, PW, 1),
                   AMPEL_E_USAGE);
  /* no password: only a trusted proxy signs this one in */
  assert_int_equal(
      ampel_store_user_add(s, "sso@stadt.de", AMPEL_ROLE_LESER, "", 1),
      AMPEL_OK);
  assert_int_equal(ampel_store_user_check(s, "sso@stadt.de", "", &r),
                   AMPEL_E_NOT_FOUND);
  assert_int_equal(ampel_store_user_check(s, "sso@stadt.de", "!", &r),
                   AMPEL_E_NOT_FOUND);
  assert_int_equal(ampel_store_user_get(s, "sso@stadt.de", &r), AMPEL_OK);
  assert_int_equal(r, AMPEL_ROLE_LESER);

  assert_int_equal(ampel_store_user_check(s, "anna", PW, &r), AMPEL_OK);
  assert_int_equal(r, AMPEL_ROLE_REDAKTION);
  assert_int_equal(ampel_store_user_check(s, "anna", "falsch-falsch", &r),
                   AMPEL_E_NOT_FOUND);
  assert_int_equal(r, AMPEL_ROLE_NONE);
  assert_int_equal(ampel_store_user_check(s, "niemand", PW, &r),
                   AMPEL_E_NOT_FOUND);

  assert_int_equal(ampel_store_user_set_role(s, "anna", AMPEL_ROLE_VERWALTUNG),
                   AMPEL_OK);
  assert_int_equal(ampel_store_user_get(s, "anna", &r), AMPEL_OK);
  assert_int_equal(r, AMPEL_ROLE_VERWALTUNG);
  assert_int_equal(ampel_store_user_set_role(s, "niemand", AMPEL_ROLE_LESER),
                   AMPEL_E_NOT_FOUND);

  /* a new password: the old one no longer works, sessions end */
  char sid[AMPEL_SECRET_SIZE];
  ampel_session se;
  assert_int_equal(
      ampel_store_session_new(s, "anna", "127.0.0.1", 100, sid, NULL),
      AMPEL_OK);
  assert_int_equal(ampel_store_user_set_password(s, "anna", "Neues-Passwort-1"),
                   AMPEL_OK);
  assert_int_equal(ampel_store_user_check(s, "anna", PW, &r),
                   AMPEL_E_NOT_FOUND);
  assert_int_equal(ampel_store_user_check(s, "anna", "Neues-Passwort-1", &r),
                   AMPEL_OK);
  assert_int_equal(ampel_store_session_get(s, sid, 100, 60, &se),
                   AMPEL_E_NOT_FOUND);

  names x = {0};
  assert_int_equal(ampel_store_user_list(s, collect_user, &x), AMPEL_OK);
  assert_int_equal(x.n, 2);
  assert_string_equal(x.list[0], "anna:verwaltung");
  assert_string_equal(x.list[1], "sso@stadt.de:leser");
  assert_true(strncmp(x.hash[0], "$argon2id$", 10) == 0);

  assert_int_equal(ampel_store_user_remove(s, "anna"), AMPEL_OK);
  assert_int_equal(ampel_store_user_remove(s, "anna"), AMPEL_E_NOT_FOUND);
  assert_int_equal(ampel_store_user_check(s, "anna", "Neues-Passwort-1", &r),
                   AMPEL_E_NOT_FOUND);
  ampel_store_close(s);
  tmpdb_remove(&t);
}

/* A hash made with weaker limits than today's is replaced at sign-in. */
static void test_rehash(void **state) {
  (void)state;
  tmpdb t;
  db_make(&t);
  ampel_store *s = open_ok(t.path, AMPEL_STORE_CREATE);
  assert_true(sodium_init() >= 0);
  char weak[crypto_pwhash_STRBYTES];
  assert_int_equal(crypto_pwhash_str(weak, PW, strlen(PW),
                                     crypto_pwhash_OPSLIMIT_MIN,
                                     crypto_pwhash_MEMLIMIT_MIN),
                   0);
  ampel_user_info u = {"alt", AMPEL_ROLE_LESER, weak, 5, 0};
  assert_int_equal(ampel_store_user_put(s, &u), AMPEL_OK);
  ampel_role r;
  assert_int_equal(ampel_store_user_check(s, "alt", PW, &r), AMPEL_OK);
  names x = {0};
  assert_int_equal(ampel_store_user_list(s, collect_user, &x), AMPEL_OK);
  assert_int_equal(x.n, 1);
  assert_string_not_equal(x.hash[0], weak);
  assert_int_equal(crypto_pwhash_str_needs_rehash(
                       x.hash[0], crypto_pwhash_OPSLIMIT_INTERACTIVE,
                       crypto_pwhash_MEMLIMIT_INTERACTIVE),
                   0);
  assert_int_equal(ampel_store_user_check(s, "alt", PW, &r), AMPEL_OK);
  ampel_store_close(s);
  tmpdb_remove(&t);
}

/* ---- tokens ---------------------------------------------------------------
 */

typedef struct tokens {
  char name[4][64], hash[4][65];
  int64_t used[4];
  int n;
} tokens;

static int collect_token(void *ud, const ampel_token_info *t) {
  tokens *x = ud;
  if (x->n < 4) {
    snprintf(x->name[x->n], 64, "%s:%s", t->name, t->user);
    snprintf(x->hash[x->n], 65, "%s", t->hash);
    x->used[x->n++] = t->last_used;
  }
  return 0;
}

static void test_tokens(void **state) {
  (void)state;
  tmpdb t;
  db_make(&t);
  ampel_store *s = open_ok(t.path, AMPEL_STORE_CREATE);
  assert_int_equal(ampel_store_user_add(s, "job", AMPEL_ROLE_REDAKTION, PW, 1),
                   AMPEL_OK);
  char tok[AMPEL_TOKEN_SIZE], tok2[AMPEL_TOKEN_SIZE], user[64];
  assert_int_equal(ampel_store_token_add(s, "nacht", "niemand", 10, tok),
                   AMPEL_E_NOT_FOUND);
  assert_int_equal(ampel_store_token_add(s, "nacht", "job", 10, tok), AMPEL_OK);
  assert_int_equal(strlen(tok), AMPEL_TOKEN_SIZE - 1);
  assert_true(strncmp(tok, "ampel_", 6) == 0);
  assert_int_equal(ampel_store_token_add(s, "nacht", "job", 10, tok2),
                   AMPEL_E_DATA);
  assert_int_equal(ampel_store_token_add(s, "zwei", "job", 10, tok2), AMPEL_OK);
  assert_string_not_equal(tok, tok2);

  ampel_role r;
  assert_int_equal(ampel_store_token_check(s, tok, 500, user, &r), AMPEL_OK);
  assert_string_equal(user, "job");
  assert_int_equal(r, AMPEL_ROLE_REDAKTION);
  char wrong[AMPEL_TOKEN_SIZE];
  memcpy(wrong, tok, sizeof wrong);
  wrong[10] = wrong[10] == 'a' ? 'b' : 'a';
  assert_int_equal(ampel_store_token_check(s, wrong, 500, user, &r),
                   AMPEL_E_NOT_FOUND);
  assert_int_equal(ampel_store_token_check(s, "kurz", 500, user, &r),
                   AMPEL_E_NOT_FOUND);

  tokens x = {0};
  assert_int_equal(ampel_store_token_list(s, collect_token, &x), AMPEL_OK);
  assert_int_equal(x.n, 2);
  assert_string_equal(x.name[0], "nacht:job");
  assert_int_equal(x.used[0], 500);
  assert_int_equal(x.used[1], 0);
  /* stored: the SHA-256 of the token, nothing else */
  unsigned char d[crypto_hash_sha256_BYTES];
  char hex[65];
  crypto_hash_sha256(d, (const unsigned char *)tok, strlen(tok));
  sodium_bin2hex(hex, sizeof hex, d, sizeof d);
  assert_string_equal(x.hash[0], hex);

  assert_int_equal(ampel_store_token_remove(s, "nacht"), AMPEL_OK);
  assert_int_equal(ampel_store_token_remove(s, "nacht"), AMPEL_E_NOT_FOUND);
  assert_int_equal(ampel_store_token_check(s, tok, 600, user, &r),
                   AMPEL_E_NOT_FOUND);
  /* removing the user removes their tokens */
  assert_int_equal(ampel_store_user_remove(s, "job"), AMPEL_OK);
  assert_int_equal(ampel_store_token_check(s, tok2, 600, user, &r),
                   AMPEL_E_NOT_FOUND);
  memset(&x, 0, sizeof x);
  assert_int_equal(ampel_store_token_list(s, collect_token, &x), AMPEL_OK);
  assert_int_equal(x.n, 0);
  ampel_store_close(s);
  tmpdb_remove(&t);
}

/* ---- sessions -------------------------------------------------------------
 */

static void test_sessions(void **state) {
  (void)state;
  tmpdb t;
  db_make(&t);
  ampel_store *s = open_ok(t.path, AMPEL_STORE_CREATE);
  assert_int_equal(ampel_store_user_add(s, "lea", AMPEL_ROLE_LESER, PW, 1),
                   AMPEL_OK);
  char id[AMPEL_SECRET_SIZE], id2[AMPEL_SECRET_SIZE];
  ampel_session a, b;
  assert_int_equal(ampel_store_session_new(s, "niemand", "::1", 1000, id, &a),
                   AMPEL_E_NOT_FOUND);
  assert_int_equal(ampel_store_session_new(s, "lea", "::1", 1000, id, &a),
                   AMPEL_OK);
  assert_int_equal(strlen(id), 64);
  assert_int_equal(strlen(a.csrf), 64);
  assert_string_not_equal(a.csrf, id);
  assert_int_equal(ampel_store_session_new(s, "lea", "::1", 1000, id2, &b),
                   AMPEL_OK);
  assert_string_not_equal(id, id2);
  assert_string_not_equal(a.csrf, b.csrf);

  ampel_session g;
  assert_int_equal(ampel_store_session_get(s, id, 1000 + 100, 3600, &g),
                   AMPEL_OK);
  assert_string_equal(g.user, "lea");
  assert_int_equal(g.role, AMPEL_ROLE_LESER);
  assert_string_equal(g.csrf, a.csrf);
  assert_int_equal(ampel_store_session_get(s, "zz", 1000, 3600, &g),
                   AMPEL_E_NOT_FOUND);
  char upper[AMPEL_SECRET_SIZE];
  memcpy(upper, id, sizeof upper);
  upper[0] = 'G';
  assert_int_equal(ampel_store_session_get(s, upper, 1000, 3600, &g),
                   AMPEL_E_NOT_FOUND);

  /* idle: touched at 1000 + 3000, valid until 1000 + 3000 + 3600 */
  assert_int_equal(ampel_store_session_touch(s, id, 4000), AMPEL_OK);
  assert_int_equal(ampel_store_session_get(s, id, 7600, 3600, &g), AMPEL_OK);
  assert_int_equal(g.last_seen, 4000);
  assert_int_equal(ampel_store_session_get(s, id, 7601, 3600, &g),
                   AMPEL_E_NOT_FOUND);
  /* expired is gone for good */
  assert_int_equal(ampel_store_session_get(s, id, 4000, 3600, &g),
                   AMPEL_E_NOT_FOUND);

  /* logout */
  assert_int_equal(ampel_store_session_delete(s, id2), AMPEL_OK);
  assert_int_equal(ampel_store_session_get(s, id2, 1001, 3600, &g),
                   AMPEL_E_NOT_FOUND);
  /* expire: only the old ones */
  char id3[AMPEL_SECRET_SIZE], id4[AMPEL_SECRET_SIZE];
  assert_int_equal(ampel_store_session_new(s, "lea", NULL, 10, id3, NULL),
                   AMPEL_OK);
  assert_int_equal(ampel_store_session_new(s, "lea", NULL, 50, id4, NULL),
                   AMPEL_OK);
  long n = -1;
  assert_int_equal(ampel_store_session_expire(s, 20, &n), AMPEL_OK);
  assert_int_equal(n, 1);
  assert_int_equal(ampel_store_session_get(s, id4, 60, 3600, &g), AMPEL_OK);
  /* a removed user's session ends */
  assert_int_equal(ampel_store_user_remove(s, "lea"), AMPEL_OK);
  assert_int_equal(ampel_store_session_get(s, id4, 60, 3600, &g),
                   AMPEL_E_NOT_FOUND);
  ampel_store_close(s);
  tmpdb_remove(&t);
}

/* ---- audit -----------------------------------------------------------------
 */

typedef struct audits {
  char line[4][160];
  int n;
} audits;

static int collect_audit(void *ud, const ampel_audit_info *a) {
  audits *x = ud;
  if (x->n < 4)
    snprintf(x->line[x->n++], 160, "%lld %s %s %s %s", (long long)a->time,
             a->user ? a->user : "-", a->address ? a->address : "-", a->action,
             a->detail ? a->detail : "-");
  return 0;
}

static void test_audit(void **state) {
  (void)state;
  tmpdb t;
  db_make(&t);
  ampel_store *s = open_ok(t.path, AMPEL_STORE_CREATE);
  assert_int_equal(
      ampel_store_audit_add(s, 1, "anna", "127.0.0.1", "anmelden", NULL),
      AMPEL_OK);
  assert_int_equal(ampel_store_audit_add(s, 2, NULL, "10.0.0.1",
                                         "anmelden_fehlgeschlagen", "bert"),
                   AMPEL_OK);
  assert_int_equal(
      ampel_store_audit_add(s, 3, "anna", NULL, "benutzer_anlegen", "carl"),
      AMPEL_OK);
  assert_int_equal(ampel_store_audit_add(s, 4, "anna", NULL, "", NULL),
                   AMPEL_E_USAGE);
  audits x = {0};
  assert_int_equal(ampel_store_audit_list(s, 2, collect_audit, &x), AMPEL_OK);
  assert_int_equal(x.n, 2);
  assert_string_equal(x.line[0], "3 anna - benutzer_anlegen carl");
  assert_string_equal(x.line[1], "2 - 10.0.0.1 anmelden_fehlgeschlagen bert");
  memset(&x, 0, sizeof x);
  assert_int_equal(ampel_store_audit_list(s, 0, collect_audit, &x), AMPEL_OK);
  assert_int_equal(x.n, 3);
  ampel_store_close(s);
  tmpdb_remove(&t);
}

/* ---- no clear text --------------------------------------------------------
 */

static void test_no_clear_text(void **state) {
  (void)state;
  tmpdb t;
  db_make(&t);
  ampel_store *s = open_ok(t.path, AMPEL_STORE_CREATE);
  assert_int_equal(
      ampel_store_user_add(s, "anna", AMPEL_ROLE_VERWALTUNG, PW, 1), AMPEL_OK);
  ampel_role r;
  assert_int_equal(ampel_store_user_check(s, "anna", PW, &r), AMPEL_OK);
  assert_int_equal(
      ampel_store_user_check(s, "anna", "Falsch-Passwort-0815", &r),
      AMPEL_E_NOT_FOUND);
  char tok[AMPEL_TOKEN_SIZE], id[AMPEL_SECRET_SIZE], user[64];
  ampel_session se;
  assert_int_equal(ampel_store_token_add(s, "job", "anna", 1, tok), AMPEL_OK);
  assert_int_equal(ampel_store_token_check(s, tok, 100, user, &r), AMPEL_OK);
  assert_int_equal(ampel_store_session_new(s, "anna", "127.0.0.1", 1, id, &se),
                   AMPEL_OK);
  assert_int_equal(
      ampel_store_audit_add(s, 2, "anna", "127.0.0.1", "anmelden", NULL),
      AMPEL_OK);
  ampel_store_close(s);
  size_t n = 0;
  char *bytes = db_bytes(&t, &n);
  assert_true(n > 0);
  /* the control: what is stored is found by the scan */
  assert_true(contains(bytes, n, "anna"));
  assert_true(contains(bytes, n, "$argon2id$"));
  assert_false(contains(bytes, n, PW));
  assert_false(contains(bytes, n, "Falsch-Passwort-0815"));
  assert_false(contains(bytes, n, tok));
  assert_false(contains(bytes, n, tok + 6)); /* the random part alone */
  assert_false(contains(bytes, n, id));
  assert_false(contains(bytes, n, se.csrf));
  ampel_free(bytes);
  tmpdb_remove(&t);
}

/* ---- indicator.shown and the copy of `ampel db migrate` ------------------
 */

static void put_data(ampel_store *s, ampel_shown shown) {
  assert_int_equal(ampel_store_begin(s), AMPEL_OK);
  ampel_area a = {"A1",          "Eins",        NULL, "Stadtteil", 100,
                  AMPEL_NO_TILE, AMPEL_NO_TILE, NAN,  NAN};
  ampel_indicator ind = {"k1", "Kennzahl",        "%", NULL, NULL, NULL,
                         NULL, AMPEL_POL_NEUTRAL, -1};
  ind.shown = shown;
  assert_int_equal(ampel_store_put_area(s, &a), AMPEL_OK);
  assert_int_equal(ampel_store_put_indicator(s, &ind), AMPEL_OK);
  assert_int_equal(ampel_store_put_period(s, "2023", 20230101), AMPEL_OK);
  assert_int_equal(ampel_store_put_observation(s, "A1", "k1", "2023", 5, NAN,
                                               NAN, AMPEL_FLAG_NONE),
                   AMPEL_OK);
  ampel_import_file f = {"werte.csv", {0}, "values", 1};
  memset(f.sha256, 'a', 64);
  assert_int_equal(ampel_store_log_import(s, &f, 1, 1000), AMPEL_OK);
  assert_int_equal(ampel_store_commit(s), AMPEL_OK);
}

static ampel_shown shown_of(ampel_store *s) {
  ampel_dataset *ds = load(s, AMPEL_LOAD_META_ONLY);
  ampel_shown v = ampel_dataset_indicator(ds, 0)->shown;
  ampel_dataset_free(ds);
  return v;
}

static void test_shown(void **state) {
  (void)state;
  tmpdb t;
  db_make(&t);
  ampel_store *s = open_ok(t.path, AMPEL_STORE_CREATE);
  put_data(s, AMPEL_SHOWN_UNSET);
  assert_int_equal(shown_of(s), AMPEL_SHOWN_YES); /* a new one is shown */
  put_data(s, AMPEL_SHOWN_NO);
  assert_int_equal(shown_of(s), AMPEL_SHOWN_NO);
  put_data(s, AMPEL_SHOWN_UNSET); /* an import without the choice keeps it */
  assert_int_equal(shown_of(s), AMPEL_SHOWN_NO);
  put_data(s, AMPEL_SHOWN_YES);
  assert_int_equal(shown_of(s), AMPEL_SHOWN_YES);
  ampel_store_close(s);
  tmpdb_remove(&t);
}

static void test_migrate_accounts(void **state) {
  (void)state;
  tmpdb src, dst;
  tmpdb_make(&src); /* the source is always a SQLite file */
  db_make(&dst);
  ampel_store *s = open_ok(src.path, AMPEL_STORE_CREATE);
  put_data(s, AMPEL_SHOWN_NO);
  assert_int_equal(
      ampel_store_user_add(s, "anna", AMPEL_ROLE_VERWALTUNG, PW, 1), AMPEL_OK);
  assert_int_equal(ampel_store_user_add(s, "bert", AMPEL_ROLE_LESER, "", 2),
                   AMPEL_OK);
  char tok[AMPEL_TOKEN_SIZE], sid[AMPEL_SECRET_SIZE], user[64];
  assert_int_equal(ampel_store_token_add(s, "job", "anna", 3, tok), AMPEL_OK);
  assert_int_equal(ampel_store_session_new(s, "anna", NULL, 4, sid, NULL),
                   AMPEL_OK);
  assert_int_equal(ampel_store_audit_add(s, 5, "anna", "::1", "anmelden", NULL),
                   AMPEL_OK);
  assert_int_equal(ampel_store_audit_add(s, 6, "anna", "::1", "abmelden", NULL),
                   AMPEL_OK);
  ampel_store_close(s);

  s = open_ok(src.path, AMPEL_STORE_READONLY);
  ampel_store *d = open_ok(dst.path, AMPEL_STORE_CREATE);
  ampel_diags dg;
  ampel_diags_init(&dg, 0);
  ampel_migrate_summary sum;
  assert_int_equal(ampel_migrate_copy(s, d, 2000, &sum, &dg), AMPEL_OK);
  ampel_diags_release(&dg);
  assert_int_equal(sum.n_users, 2);
  assert_int_equal(sum.n_tokens, 1);
  assert_int_equal(sum.n_audit, 2);
  ampel_role r;
  assert_int_equal(ampel_store_user_check(d, "anna", PW, &r), AMPEL_OK);
  assert_int_equal(r, AMPEL_ROLE_VERWALTUNG);
  assert_int_equal(ampel_store_user_get(d, "bert", &r), AMPEL_OK);
  assert_int_equal(r, AMPEL_ROLE_LESER);
  assert_int_equal(ampel_store_token_check(d, tok, 10, user, &r), AMPEL_OK);
  assert_string_equal(user, "anna");
  ampel_session se;
  assert_int_equal(ampel_store_session_get(d, sid, 5, 3600, &se),
                   AMPEL_E_NOT_FOUND); /* sessions stay behind */
  audits x = {0};
  assert_int_equal(ampel_store_audit_list(d, 0, collect_audit, &x), AMPEL_OK);
  assert_int_equal(x.n, 2);
  assert_string_equal(x.line[0], "6 anna ::1 abmelden -");
  assert_string_equal(x.line[1], "5 anna ::1 anmelden -");
  assert_int_equal(shown_of(d), AMPEL_SHOWN_NO);
  ampel_store_close(d);
  ampel_store_close(s);
  tmpdb_remove(&dst);
  tmpdb_remove(&src);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_users),  cmocka_unit_test(test_rehash),
      cmocka_unit_test(test_tokens), cmocka_unit_test(test_sessions),
      cmocka_unit_test(test_audit),  cmocka_unit_test(test_no_clear_text),
      cmocka_unit_test(test_shown),  cmocka_unit_test(test_migrate_accounts),
  };
  pg_url = getenv("AMPEL_TEST_PG_URL");
  if (pg_url && !*pg_url)
    pg_url = NULL;
  if (!pg_url)
    return cmocka_run_group_tests(tests, NULL, NULL);
#ifdef AMPEL_HAVE_LIBPQ
  return cmocka_run_group_tests_name("postgresql", tests, NULL, NULL);
#else
  fprintf(stderr, "AMPEL_TEST_PG_URL: PostgreSQL fehlt in diesem Build\n");
  return 77;
#endif
}
