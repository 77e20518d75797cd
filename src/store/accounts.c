/* accounts.c - users, API tokens, sessions and the audit log (store.h,
 * schema version 6, issue 12). One SQL text for both engines, run through
 * the engine's acct_exec ($1..$n parameters); the secrets are handled
 * here: passwords become Argon2id strings (libsodium crypto_pwhash_str,
 * interactive limits) before they reach an engine, API tokens and session
 * ids their hex SHA-256. No clear text is ever written or logged. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ampel/alloc.h"
#include "ampel/store.h"
#include "store/engine.h"
#include "util/sha256.h"

/* A password that can never match: users without a password. */
#define NO_PASSWORD "!"
/* A session or token use is recorded at most once a minute. */
#define TOUCH_EVERY 60

static const char *const role_names[] = {"", "leser", "redaktion",
                                         "verwaltung"};

const char *ampel_role_name(ampel_role r) {
  return r >= AMPEL_ROLE_NONE && r <= AMPEL_ROLE_VERWALTUNG ? role_names[r]
                                                            : "";
}

int ampel_role_parse(const char *s, ampel_role *out) {
  for (int r = AMPEL_ROLE_LESER; s && r <= AMPEL_ROLE_VERWALTUNG; r++)
    if (strcmp(s, role_names[r]) == 0) {
      *out = (ampel_role)r;
      return 0;
    }
  return -1;
}

int ampel_account_name_ok(const char *name) {
  size_t n = name ? strlen(name) : 0;
  if (n == 0 || n > 63 || name[0] == '-' || name[0] == '.')
    return 0;
  for (size_t i = 0; i < n; i++) {
    char c = name[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
          (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '@' ||
          c == '-'))
      return 0;
  }
  return 1;
}

int ampel_secret_equal(const char *a, const char *b) {
  size_t n = a ? strlen(a) : 0;
  if (!a || !b || n != strlen(b))
    return 0;
  return sodium_memcmp(a, b, n) == 0;
}

/* sodium_init is thread-safe and cheap after the first call. */
static ampel_status sodium_ready(void) {
  return sodium_init() < 0 ? AMPEL_E_INTERNAL : AMPEL_OK;
}

/* 64 hex digits of 256 random bits. */
static ampel_status random_hex(char out[AMPEL_SECRET_SIZE]) {
  if (sodium_ready() != AMPEL_OK)
    return AMPEL_E_INTERNAL;
  unsigned char raw[32];
  randombytes_buf(raw, sizeof raw);
  sodium_bin2hex(out, AMPEL_SECRET_SIZE, raw, sizeof raw);
  sodium_memzero(raw, sizeof raw);
  return AMPEL_OK;
}

static ampel_status hash_hex(const char *s, char out[AMPEL_SECRET_SIZE]) {
  return ampel_sha256_hex(s, strlen(s), out);
}

/* The CSRF token of a session id: hex SHA-256 of "csrf:" + id. */
static ampel_status csrf_of(const char *id, char out[AMPEL_SECRET_SIZE]) {
  char buf[8 + AMPEL_SECRET_SIZE];
  snprintf(buf, sizeof buf, "csrf:%s", id);
  ampel_status st = hash_hex(buf, out);
  sodium_memzero(buf, sizeof buf);
  return st;
}

/* A 64-digit lower-case hex string (a session id as sent). */
static int is_hex64(const char *s) {
  size_t n = 0;
  for (; s && s[n]; n++)
    if (!((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'a' && s[n] <= 'f')))
      return 0;
  return n == 64;
}

static const char *i64(char buf[24], int64_t v) {
  snprintf(buf, 24, "%lld", (long long)v);
  return buf;
}

static int64_t to_i64(const char *s) {
  return s ? strtoll(s, NULL, 10) : 0;
}

static ampel_status password_hash(const char *password, char out[128]) {
  size_t n = strlen(password);
  if (n == 0) {
    snprintf(out, 128, "%s", NO_PASSWORD);
    return AMPEL_OK;
  }
  if (n < AMPEL_PASSWORD_MIN || n > AMPEL_PASSWORD_MAX)
    return AMPEL_E_USAGE;
  if (sodium_ready() != AMPEL_OK)
    return AMPEL_E_INTERNAL;
  _Static_assert(crypto_pwhash_STRBYTES <= 128, "room for the hash");
  if (crypto_pwhash_str(out, password, n, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
    return AMPEL_E_NOMEM; /* libsodium could not get the memory */
  return AMPEL_OK;
}

/* ---- one-row readers ---------------------------------------------------- */

/* Copies up to n columns of the first row. */
typedef struct row {
  int found;
  char col[5][160];
  int null[5];
} row;

static int first_row(void *ud, int ncol, const char *const *cols) {
  row *r = ud;
  r->found = 1;
  for (int c = 0; c < ncol && c < 5; c++) {
    r->null[c] = cols[c] == NULL;
    snprintf(r->col[c], sizeof r->col[c], "%s", cols[c] ? cols[c] : "");
  }
  return 1;
}

static void row_clear(row *r) {
  sodium_memzero(r, sizeof *r);
}

/* ---- users -------------------------------------------------------------- */

ampel_status ampel_store_user_add(ampel_store *st, const char *name,
                                  ampel_role role, const char *password,
                                  int64_t when) {
  if (!ampel_account_name_ok(name) || role == AMPEL_ROLE_NONE ||
      !*ampel_role_name(role) || !password)
    return AMPEL_E_USAGE;
  /* refuse a taken name before paying for the hash */
  ampel_role have;
  ampel_status s = ampel_store_user_get(st, name, &have);
  row r = {0};
  if (s == AMPEL_OK)
    return AMPEL_E_DATA;
  if (s == AMPEL_E_NOT_FOUND) { /* a disabled user has the name too */
    const char *p[] = {name};
    s = ampel_store_acct(st, "SELECT name FROM users WHERE name=$1", 1, "t", p,
                         first_row, &r, NULL);
    if (s == AMPEL_OK && r.found)
      return AMPEL_E_DATA;
  }
  if (s != AMPEL_OK)
    return s;
  char hash[128], created[24];
  s = password_hash(password, hash);
  if (s != AMPEL_OK)
    return s;
  const char *p[] = {name, ampel_role_name(role), hash, i64(created, when)};
  return ampel_store_acct(st,
                          "INSERT INTO users(name,role,pwhash,created,"
                          "disabled) VALUES($1,$2,$3,$4,0)",
                          4, "ttti", p, NULL, NULL, NULL);
}

/* Runs an UPDATE or DELETE of one named user's row: AMPEL_E_NOT_FOUND
 * when it changed nothing. */
static ampel_status update_one(ampel_store *st, const char *sql, int n,
                               const char *types, const char *const *p) {
  long changed = 0;
  ampel_status s = ampel_store_acct(st, sql, n, types, p, NULL, NULL, &changed);
  return s == AMPEL_OK && changed == 0 ? AMPEL_E_NOT_FOUND : s;
}

ampel_status ampel_store_user_set_role(ampel_store *st, const char *name,
                                       ampel_role role) {
  if (role == AMPEL_ROLE_NONE || !*ampel_role_name(role))
    return AMPEL_E_USAGE;
  const char *p[] = {name, ampel_role_name(role)};
  return update_one(st, "UPDATE users SET role=$2 WHERE name=$1", 2, "tt", p);
}

ampel_status ampel_store_user_set_password(ampel_store *st, const char *name,
                                           const char *password) {
  ampel_role have;
  ampel_status s = ampel_store_user_get(st, name, &have);
  if (s != AMPEL_OK)
    return s;
  char hash[128];
  s = password_hash(password ? password : "", hash);
  if (s != AMPEL_OK)
    return s;
  const char *p[] = {name, hash};
  s = update_one(st, "UPDATE users SET pwhash=$2 WHERE name=$1", 2, "tt", p);
  /* a new password ends the sessions signed in with the old one */
  const char *q[] = {name};
  if (s == AMPEL_OK)
    s = ampel_store_acct(st, "DELETE FROM session WHERE user_name=$1", 1, "t",
                         q, NULL, NULL, NULL);
  return s;
}

ampel_status ampel_store_user_remove(ampel_store *st, const char *name) {
  const char *p[] = {name};
  ampel_status s =
      ampel_store_acct(st, "DELETE FROM session WHERE user_name=$1", 1, "t", p,
                       NULL, NULL, NULL);
  if (s == AMPEL_OK)
    s = ampel_store_acct(st, "DELETE FROM api_token WHERE user_name=$1", 1, "t",
                         p, NULL, NULL, NULL);
  if (s == AMPEL_OK)
    s = update_one(st, "DELETE FROM users WHERE name=$1", 1, "t", p);
  return s;
}

ampel_status ampel_store_user_get(ampel_store *st, const char *name,
                                  ampel_role *out_role) {
  row r = {0};
  const char *p[] = {name};
  *out_role = AMPEL_ROLE_NONE;
  ampel_status s = ampel_store_acct(
      st, "SELECT role FROM users WHERE name=$1 AND disabled=0", 1, "t", p,
      first_row, &r, NULL);
  if (s != AMPEL_OK)
    return s;
  if (!r.found || ampel_role_parse(r.col[0], out_role) != 0)
    return AMPEL_E_NOT_FOUND;
  return AMPEL_OK;
}

typedef struct user_cb {
  ampel_user_fn fn;
  void *ud;
} user_cb;

static int user_row(void *ud, int ncol, const char *const *c) {
  user_cb *u = ud;
  if (ncol < 5)
    return 1;
  ampel_user_info info = {c[0], AMPEL_ROLE_NONE, c[2], to_i64(c[3]),
                          (int)to_i64(c[4])};
  if (ampel_role_parse(c[1], &info.role) != 0)
    info.role = AMPEL_ROLE_NONE; /* a newer program's role: none */
  return u->fn(u->ud, &info);
}

ampel_status ampel_store_user_list(ampel_store *st, ampel_user_fn fn,
                                   void *ud) {
  user_cb u = {fn, ud};
  /* byte order on both engines */
  return ampel_store_acct(
      st,
      strcmp(ampel_store_engine(st), "postgresql") == 0
          ? "SELECT name,role,pwhash,created,disabled FROM users ORDER BY "
            "name COLLATE \"C\""
          : "SELECT name,role,pwhash,created,disabled FROM users ORDER BY name",
      0, "", NULL, user_row, &u, NULL);
}

ampel_status ampel_store_user_check(ampel_store *st, const char *name,
                                    const char *password,
                                    ampel_role *out_role) {
  *out_role = AMPEL_ROLE_NONE;
  if (!name || !password || sodium_ready() != AMPEL_OK)
    return AMPEL_E_NOT_FOUND;
  size_t n = strlen(password);
  row r = {0};
  const char *p[] = {name};
  ampel_status s = ampel_store_acct(st,
                                    "SELECT role,pwhash FROM users WHERE "
                                    "name=$1 AND disabled=0",
                                    1, "t", p, first_row, &r, NULL);
  if (s != AMPEL_OK)
    return s;
  int ok = 0;
  if (r.found && n > 0 && n <= AMPEL_PASSWORD_MAX &&
      strcmp(r.col[1], NO_PASSWORD) != 0) {
    ok = crypto_pwhash_str_verify(r.col[1], password, n) == 0;
  } else {
    /* unknown user, no password: spend one hash all the same */
    char dummy[128];
    if (n <= AMPEL_PASSWORD_MAX &&
        crypto_pwhash_str(dummy, password, n,
                          crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0)
      sodium_memzero(dummy, sizeof dummy);
  }
  if (ok && ampel_role_parse(r.col[0], out_role) != 0)
    ok = 0;
  if (ok && crypto_pwhash_str_needs_rehash(
                r.col[1], crypto_pwhash_OPSLIMIT_INTERACTIVE,
                crypto_pwhash_MEMLIMIT_INTERACTIVE)) {
    char hash[128];
    if (password_hash(password, hash) == AMPEL_OK) {
      const char *q[] = {name, hash};
      (void)ampel_store_acct(st, "UPDATE users SET pwhash=$2 WHERE name=$1", 2,
                             "tt", q, NULL, NULL, NULL);
    }
  }
  row_clear(&r);
  return ok ? AMPEL_OK : AMPEL_E_NOT_FOUND;
}

ampel_status ampel_store_user_put(ampel_store *st, const ampel_user_info *u) {
  char created[24], disabled[24];
  if (!ampel_account_name_ok(u->name) || !u->pwhash)
    return AMPEL_E_USAGE;
  const char *p[] = {u->name, ampel_role_name(u->role), u->pwhash,
                     i64(created, u->created), i64(disabled, u->disabled)};
  return ampel_store_acct(st,
                          "INSERT INTO users(name,role,pwhash,created,"
                          "disabled) VALUES($1,$2,$3,$4,$5)",
                          5, "tttii", p, NULL, NULL, NULL);
}

/* ---- API tokens ----------------------------------------------------------
 */

ampel_status ampel_store_token_add(ampel_store *st, const char *name,
                                   const char *user, int64_t when,
                                   char out_token[AMPEL_TOKEN_SIZE]) {
  out_token[0] = '\0';
  if (!ampel_account_name_ok(name))
    return AMPEL_E_USAGE;
  ampel_role role;
  ampel_status s = ampel_store_user_get(st, user, &role);
  if (s != AMPEL_OK)
    return s;
  char rnd[AMPEL_SECRET_SIZE], hash[AMPEL_SECRET_SIZE], created[24];
  s = random_hex(rnd);
  if (s != AMPEL_OK)
    return s;
  char token[AMPEL_TOKEN_SIZE];
  snprintf(token, sizeof token, "ampel_%s", rnd);
  s = hash_hex(token, hash);
  if (s == AMPEL_OK) {
    const char *p[] = {user, name, hash, i64(created, when)};
    s = ampel_store_acct(st,
                         "INSERT INTO api_token(user_name,name,hash,created) "
                         "VALUES($1,$2,$3,$4)",
                         4, "ttti", p, NULL, NULL, NULL);
  }
  if (s == AMPEL_OK)
    memcpy(out_token, token, sizeof token);
  sodium_memzero(rnd, sizeof rnd);
  sodium_memzero(token, sizeof token);
  return s;
}

ampel_status ampel_store_token_check(ampel_store *st, const char *token,
                                     int64_t when, char out_user[64],
                                     ampel_role *out_role) {
  out_user[0] = '\0';
  *out_role = AMPEL_ROLE_NONE;
  if (!token || strlen(token) != AMPEL_TOKEN_SIZE - 1 ||
      strncmp(token, "ampel_", 6) != 0)
    return AMPEL_E_NOT_FOUND;
  char hash[AMPEL_SECRET_SIZE];
  ampel_status s = hash_hex(token, hash);
  if (s != AMPEL_OK)
    return s;
  row r = {0};
  const char *p[] = {hash};
  s = ampel_store_acct(st,
                       "SELECT u.name,u.role,t.last_used FROM api_token t "
                       "JOIN users u ON u.name=t.user_name WHERE t.hash=$1 "
                       "AND u.disabled=0",
                       1, "t", p, first_row, &r, NULL);
  if (s != AMPEL_OK)
    return s;
  if (!r.found || ampel_role_parse(r.col[1], out_role) != 0)
    return AMPEL_E_NOT_FOUND;
  snprintf(out_user, 64, "%.63s", r.col[0]);
  if (r.null[2] || to_i64(r.col[2]) + TOUCH_EVERY <= when) {
    char w[24];
    const char *q[] = {hash, i64(w, when)};
    (void)ampel_store_acct(st,
                           "UPDATE api_token SET last_used=$2 WHERE hash=$1", 2,
                           "ti", q, NULL, NULL, NULL);
  }
  return AMPEL_OK;
}

typedef struct token_cb {
  ampel_token_fn fn;
  void *ud;
} token_cb;

static int token_row(void *ud, int ncol, const char *const *c) {
  token_cb *t = ud;
  if (ncol < 6)
    return 1;
  ampel_token_info info = {(long)to_i64(c[0]), c[1],        c[2], c[3],
                           to_i64(c[4]),       to_i64(c[5])};
  return t->fn(t->ud, &info);
}

ampel_status ampel_store_token_list(ampel_store *st, ampel_token_fn fn,
                                    void *ud) {
  token_cb t = {fn, ud};
  return ampel_store_acct(st,
                          "SELECT id,name,user_name,hash,created,last_used "
                          "FROM api_token ORDER BY id",
                          0, "", NULL, token_row, &t, NULL);
}

ampel_status ampel_store_token_remove(ampel_store *st, const char *name) {
  const char *p[] = {name};
  return update_one(st, "DELETE FROM api_token WHERE name=$1", 1, "t", p);
}

ampel_status ampel_store_token_put(ampel_store *st, const ampel_token_info *t) {
  char created[24], used[24];
  const char *p[] = {t->user, t->name, t->hash, i64(created, t->created),
                     t->last_used ? i64(used, t->last_used) : NULL};
  return ampel_store_acct(st,
                          "INSERT INTO api_token(user_name,name,hash,created,"
                          "last_used) VALUES($1,$2,$3,$4,$5)",
                          5, "tttii", p, NULL, NULL, NULL);
}

/* ---- sessions ------------------------------------------------------------
 */

ampel_status ampel_store_session_new(ampel_store *st, const char *user,
                                     const char *address, int64_t when,
                                     char out_id[AMPEL_SECRET_SIZE],
                                     ampel_session *out) {
  out_id[0] = '\0';
  ampel_role role;
  ampel_status s = ampel_store_user_get(st, user, &role);
  if (s != AMPEL_OK)
    return s;
  char id[AMPEL_SECRET_SIZE], hash[AMPEL_SECRET_SIZE], csrf[AMPEL_SECRET_SIZE],
      csrf_hash[AMPEL_SECRET_SIZE], w[24];
  s = random_hex(id);
  if (s == AMPEL_OK)
    s = hash_hex(id, hash);
  if (s == AMPEL_OK)
    s = csrf_of(id, csrf);
  if (s == AMPEL_OK)
    s = hash_hex(csrf, csrf_hash);
  if (s == AMPEL_OK) {
    const char *p[] = {hash, user, csrf_hash, i64(w, when), address};
    s = ampel_store_acct(st,
                         "INSERT INTO session(token_hash,user_name,csrf,"
                         "created,last_seen,address) VALUES($1,$2,$3,$4,$4,"
                         "$5)",
                         5, "tttit", p, NULL, NULL, NULL);
  }
  if (s == AMPEL_OK) {
    memcpy(out_id, id, sizeof id);
    if (out) {
      memset(out, 0, sizeof *out);
      snprintf(out->user, sizeof out->user, "%s", user);
      out->role = role;
      memcpy(out->csrf, csrf, sizeof csrf);
      out->created = out->last_seen = when;
    }
  }
  sodium_memzero(id, sizeof id);
  return s;
}

ampel_status ampel_store_session_get(ampel_store *st, const char *id,
                                     int64_t when, int64_t max_idle,
                                     ampel_session *out) {
  memset(out, 0, sizeof *out);
  if (!is_hex64(id))
    return AMPEL_E_NOT_FOUND;
  char hash[AMPEL_SECRET_SIZE];
  ampel_status s = hash_hex(id, hash);
  if (s != AMPEL_OK)
    return s;
  row r = {0};
  const char *p[] = {hash};
  s = ampel_store_acct(st,
                       "SELECT s.user_name,u.role,s.created,s.last_seen,"
                       "u.disabled FROM session s LEFT JOIN users u ON "
                       "u.name=s.user_name WHERE s.token_hash=$1",
                       1, "t", p, first_row, &r, NULL);
  if (s != AMPEL_OK || !r.found)
    return s != AMPEL_OK ? s : AMPEL_E_NOT_FOUND;
  int64_t last = to_i64(r.col[3]);
  if (r.null[1] || strcmp(r.col[4], "0") != 0 || last + max_idle < when ||
      ampel_role_parse(r.col[1], &out->role) != 0) {
    /* expired, or its user is gone: the session ends here */
    (void)ampel_store_acct(st, "DELETE FROM session WHERE token_hash=$1", 1,
                           "t", p, NULL, NULL, NULL);
    out->role = AMPEL_ROLE_NONE;
    return AMPEL_E_NOT_FOUND;
  }
  snprintf(out->user, sizeof out->user, "%.63s", r.col[0]);
  out->created = to_i64(r.col[2]);
  out->last_seen = last;
  return csrf_of(id, out->csrf);
}

ampel_status ampel_store_session_touch(ampel_store *st, const char *id,
                                       int64_t when) {
  if (!is_hex64(id))
    return AMPEL_E_NOT_FOUND;
  char hash[AMPEL_SECRET_SIZE], w[24], before[24];
  ampel_status s = hash_hex(id, hash);
  const char *p[] = {hash, i64(w, when), i64(before, when - TOUCH_EVERY)};
  if (s == AMPEL_OK)
    s = ampel_store_acct(st,
                         "UPDATE session SET last_seen=$2 WHERE "
                         "token_hash=$1 AND last_seen<=$3",
                         3, "tii", p, NULL, NULL, NULL);
  return s;
}

ampel_status ampel_store_session_delete(ampel_store *st, const char *id) {
  if (!is_hex64(id))
    return AMPEL_E_NOT_FOUND;
  char hash[AMPEL_SECRET_SIZE];
  ampel_status s = hash_hex(id, hash);
  const char *p[] = {hash};
  if (s == AMPEL_OK)
    s = update_one(st, "DELETE FROM session WHERE token_hash=$1", 1, "t", p);
  return s;
}

ampel_status ampel_store_session_expire(ampel_store *st, int64_t before,
                                        long *out_n) {
  char b[24];
  long n = 0;
  const char *p[] = {i64(b, before)};
  ampel_status s = ampel_store_acct(
      st, "DELETE FROM session WHERE last_seen<$1", 1, "i", p, NULL, NULL, &n);
  if (out_n)
    *out_n = n;
  return s;
}

/* ---- audit ---------------------------------------------------------------
 */

ampel_status ampel_store_audit_add(ampel_store *st, int64_t when,
                                   const char *user, const char *address,
                                   const char *action, const char *detail) {
  if (!action || !*action)
    return AMPEL_E_USAGE;
  char w[24];
  const char *p[] = {i64(w, when), user, address, action, detail};
  return ampel_store_acct(st,
                          "INSERT INTO audit(time,user_name,address,action,"
                          "detail) VALUES($1,$2,$3,$4,$5)",
                          5, "itttt", p, NULL, NULL, NULL);
}

typedef struct audit_cb {
  ampel_audit_fn fn;
  void *ud;
} audit_cb;

static int audit_row(void *ud, int ncol, const char *const *c) {
  audit_cb *a = ud;
  if (ncol < 6)
    return 1;
  ampel_audit_info info = {
      (long)to_i64(c[0]), to_i64(c[1]), c[2], c[3], c[4], c[5]};
  return a->fn(a->ud, &info);
}

ampel_status ampel_store_audit_list(ampel_store *st, long limit,
                                    ampel_audit_fn fn, void *ud) {
  char sql[160];
  snprintf(sql, sizeof sql,
           "SELECT id,time,user_name,address,action,detail FROM audit "
           "ORDER BY id DESC%s%.0ld",
           limit > 0 ? " LIMIT " : "", limit > 0 ? limit : 0L);
  audit_cb a = {fn, ud};
  return ampel_store_acct(st, sql, 0, "", NULL, audit_row, &a, NULL);
}
