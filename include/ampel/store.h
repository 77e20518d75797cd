/* ampel/store.h - persistent storage of a dataset.
 *
 * One interface, several engines (ARCHITECTURE.md, store). SQLite is the
 * embedded default: one file, WAL, atomic imports, a schema version with
 * migrations. Nothing above this header knows which engine it talks to.
 *
 * Writing happens inside a transaction: ampel_store_begin(), any number of
 * put calls, then ampel_store_commit() or ampel_store_rollback(). Either all
 * of it lands or none of it does.
 *
 * Thread-safety: one ampel_store per thread. Several stores may open the
 * same database (the server opens one per worker thread).
 */
#ifndef AMPEL_STORE_H
#define AMPEL_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "ampel/dataset.h"
#include "ampel/error.h"
#include "ampel/geo.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ampel_store ampel_store;

enum {
  AMPEL_STORE_READONLY = 0, /* fail when the database does not exist */
  AMPEL_STORE_CREATE = 1,   /* create and migrate when needed */
  AMPEL_STORE_WRITE = 2     /* open for writing; fail when absent */
};

/* Current schema version written by this build: SQLite (PRAGMA
 * user_version) and PostgreSQL (meta.schema_version). SQLite's version 7
 * stores values in blocks; PostgreSQL keeps one row per value for now
 * (docs/dev/store-schema.md). */
#define AMPEL_SCHEMA_VERSION 7
#define AMPEL_PG_SCHEMA_VERSION 6

/* Open the database named by `location`: a file path (SQLite), or a
 * "postgresql://" or "postgres://" URL (libpq; the tables live in schema
 * `ampel`, created by AMPEL_STORE_CREATE; passwords come from PGPASSWORD
 * or PGPASSFILE; a build without libpq refuses with AMPEL_E_USAGE).
 * `mode` is one of the AMPEL_STORE_* values. A database with a newer schema
 * than this build knows is refused. Returns NULL with *out_status and a
 * message in diags on failure. Caller frees with ampel_store_close(). */
ampel_store *ampel_store_open(const char *location, int mode,
                              ampel_diags *diags, ampel_status *out_status);
void ampel_store_close(ampel_store *st);

/* 1 when `location` is a PostgreSQL URL (postgresql:// or postgres://),
 * 0 for a file path. */
int ampel_store_location_is_url(const char *location);

/* 1 when writing a file at `path` would overwrite the SQLite database at
 * `location` or one of its side files (`-wal`, `-shm`, `-journal`): the
 * same file (device and inode, symbolic links followed) or, for a path or
 * side file that does not exist yet, the same name in the same directory
 * (directories resolved with realpath). 0 otherwise, and always 0 for a
 * PostgreSQL URL. Every command that writes an output file asks this
 * first (issue 16: `ampel export -o ampel.db` overwrote the database). */
int ampel_store_owns_path(const char *location, const char *path);

/* Which engine: "sqlite" or "postgresql" (static string). */
const char *ampel_store_engine(const ampel_store *st);

enum {
  AMPEL_LOAD_ALL = 0,      /* areas, indicators, periods, observations */
  AMPEL_LOAD_META_ONLY = 1 /* everything but the observations */
};

/* Load the stored data into a new dataset (caller frees with
 * ampel_dataset_free). Areas and indicators come in the order they were
 * first imported; periods sorted by start date. */
ampel_status ampel_store_load(ampel_store *st, int what, ampel_dataset **out_ds,
                              ampel_diags *diags) AMPEL_WUR;

/* What a load reads (issue 15: load what the question needs). Areas,
 * indicators, periods and conversion keys are always read in full (they
 * are small, and the dataset ids then do not depend on the spec); the
 * observations only of the listed periods (labels) and indicators (keys),
 * each NULL for all. The SQLite engine reads each indicator x period block
 * with one range of the observation primary key (indicator, period, area,
 * ds_from), so the cost follows what is read, not the size of the table.
 * Labels and keys the database does not know select nothing. There is no
 * level filter: the areas of the other levels are few next to the level
 * a question shows, and their values are needed for the reference (the
 * root area). */
typedef struct ampel_load_spec {
  int metadata_only; /* no observations at all */
  const char *const *periods;
  size_t n_periods;
  const char *const *indicators;
  size_t n_indicators;
  /* > 0: a *sample* instead (the lists are ignored): of every indicator x
   * period block, the values of at most `sample` areas of each level.
   * Enough to resolve a question's defaults, which ask "does this block
   * have at least 1 (or 3) values on this level" (select.h). An engine
   * that cannot read a sample cheaply returns AMPEL_E_USAGE without a
   * message (PostgreSQL: the caller then loads everything). */
  size_t sample;
  /* with metadata_only: no areas either (the dataset holds none), for
   * `ampel list periods|indicators`, which show none: on 10,000 areas
   * reading them was most of the command's time */
  int no_areas;
} ampel_load_spec;

/* ampel_store_load() restricted by `spec` (NULL = everything). */
ampel_status ampel_store_load_spec(ampel_store *st, const ampel_load_spec *spec,
                                   ampel_dataset **out_ds,
                                   ampel_diags *diags) AMPEL_WUR;

/* Why the last write failed, in German, e.g. "der Datenträger ist voll
 * (SQLite-Fehler 13)" or "die Datenbank ist gesperrt: eine andere Einfuhr
 * läuft ..." (disk full, out of memory, a held lock, damage, read-only):
 * the first failure since the last ampel_store_begin(). NULL when nothing
 * failed or the engine cannot say. Borrowed; valid until the next call. */
const char *ampel_store_last_error(ampel_store *st);

/* One read transaction around several reads (load, settings, geometry,
 * data version): they all see the same committed state, also while
 * another process imports (issue 16: the server's snapshot stamp could
 * disagree with its data). Not inside a write transaction; end_read after
 * every successful begin_read. SQLite: a deferred BEGIN (WAL snapshot at
 * the first read). PostgreSQL: not yet (each load is its own REPEATABLE
 * READ transaction). */
ampel_status ampel_store_begin_read(ampel_store *st) AMPEL_WUR;
ampel_status ampel_store_end_read(ampel_store *st);

ampel_status ampel_store_begin(ampel_store *st) AMPEL_WUR;
ampel_status ampel_store_commit(ampel_store *st) AMPEL_WUR;
ampel_status ampel_store_rollback(ampel_store *st);

/* Insert or update by key. */
ampel_status ampel_store_put_area(ampel_store *st,
                                  const ampel_area *a) AMPEL_WUR;
ampel_status ampel_store_put_indicator(ampel_store *st,
                                       const ampel_indicator *ind) AMPEL_WUR;
ampel_status ampel_store_put_period(ampel_store *st, const char *label,
                                    int32_t sort_key) AMPEL_WUR;

/* Insert or replace one observation; area, indicator and period must have
 * been put (in this or an earlier transaction). Returns AMPEL_E_DATA when
 * the same (area, indicator, period) was already put in the current
 * transaction (a duplicate in the input), AMPEL_E_NOT_FOUND for an unknown
 * key. */
ampel_status ampel_store_put_observation(ampel_store *st, const char *area,
                                         const char *indicator,
                                         const char *period, double value,
                                         double numerator, double denominator,
                                         ampel_flag flag) AMPEL_WUR;

/* The conversion key of one old area (umschluessel.csv, METHODS.md §11):
 * shares[k] of old_key go to new_keys[k]. Versioned like observations: a
 * key that differs from the current one closes the current rows and
 * inserts the new ones (ds_from = this transaction's Datenstand); the same
 * key again changes nothing. Loads put the rows holding at the chosen
 * Datenstand into the dataset (ampel_dataset_conversion). */
ampel_status ampel_store_put_conversion(ampel_store *st, const char *old_key,
                                        const char *const *new_keys,
                                        const double *shares,
                                        size_t n) AMPEL_WUR;

/* One imported file, for the import log. */
typedef struct ampel_import_file {
  const char *name; /* file name as given (no directories are stored) */
  char sha256[65];  /* hex digest of the file's bytes */
  const char *kind; /* "areas", "indicators", "values", "workbook" */
  long rows;
} ampel_import_file;

/* Record an import in the log (inside the transaction). `when` is a Unix
 * time. The data version advances with every logged import. */
ampel_status ampel_store_log_import(ampel_store *st,
                                    const ampel_import_file *files,
                                    size_t n_files, int64_t when) AMPEL_WUR;

/* The data version: the id of the latest import, its time, and the first
 * 12 hex digits of a digest over the sha256 of all files of all imports.
 * id 0 means nothing was imported yet. */
typedef struct ampel_data_version {
  long id;
  int64_t when;
  char digest[13];
  long n_imports;
} ampel_data_version;

ampel_status ampel_store_data_version(ampel_store *st,
                                      ampel_data_version *out) AMPEL_WUR;

/* German one-line stamp for footers, e.g.
 * "Datenstand 3 vom 28.11.2026 01:23 UTC (Prüfsumme 1a2b3c4d5e6f)".
 * Writes at most `size` bytes incl. NUL. */
void ampel_data_version_format(const ampel_data_version *v, char *buf,
                               size_t size);

/* The import log, newest first: calls `fn` once per file of each import.
 * `fn` returns non-zero to stop. */
typedef int (*ampel_import_log_fn)(void *ud, long import_id, int64_t when,
                                   const char *file, const char *sha256,
                                   const char *kind, long rows);
ampel_status ampel_store_import_log(ampel_store *st, ampel_import_log_fn fn,
                                    void *ud) AMPEL_WUR;

/* ---- Datenstände (schema version 4) -------------------------------------
 *
 * Every logged import is a Datenstand (its id is the data version's id).
 * Observations keep their history: an import that changes a value closes
 * the old row and adds a new one, so the values as they were at any
 * Datenstand can be loaded again. Areas, indicators, periods and geometry
 * are not versioned yet: they always show their current state. */

/* Makes ampel_store_load() show the observations as they were at
 * Datenstand `id` (0 = the current state, the default). An id that names
 * no Datenstand is AMPEL_E_USAGE with a message in diags ("unbekannter
 * Datenstand 9 (vorhanden: 1 bis 3)"); the choice then stays as it was.
 * A read-only database of schema version 2 or 3 knows no history and
 * accepts only 0. Does not change ampel_store_data_version(), which always
 * describes the latest Datenstand. */
ampel_status ampel_store_set_datenstand(ampel_store *st, long id,
                                        ampel_diags *diags) AMPEL_WUR;
/* The Datenstand chosen with ampel_store_set_datenstand (0 = current). */
long ampel_store_datenstand(const ampel_store *st);
/* The data version of the chosen Datenstand (its id, time and the first
 * 12 digits of its digest; n_imports as ampel_store_data_version's), or
 * of the latest one when none is chosen. AMPEL_E_NOT_FOUND when the
 * chosen one is gone. */
ampel_status ampel_store_datenstand_version(ampel_store *st,
                                            ampel_data_version *out) AMPEL_WUR;

/* One Datenstand, for ampel_store_datenstaende(). Strings are borrowed,
 * valid during the callback. Counts are -1 when not recorded (Datenstände
 * from before schema version 4). */
typedef struct ampel_datenstand_info {
  long id;
  int64_t created;    /* Unix time */
  const char *kind;   /* "import" */
  const char *digest; /* the chained SHA-256 (64 hex digits) */
  long n_new;         /* cells that had no value before */
  long n_changed;     /* cells whose value, numerator, denominator or
                         flag changed */
  long n_removed;     /* cells closed without a successor (0 for imports) */
  long parent;        /* the Datenstand it changed (rollback: the one made
                         current again); 0 when none */
  const char *user_name; /* who made it (server); NULL from the CLI */
  const char *note;      /* free text or NULL */
} ampel_datenstand_info;

typedef int (*ampel_datenstand_fn)(void *ud, const ampel_datenstand_info *d);

/* Calls `fn` once per Datenstand, newest first; `fn` returns non-zero to
 * stop. The files of each are in ampel_store_import_log(). */
ampel_status ampel_store_datenstaende(ampel_store *st, ampel_datenstand_fn fn,
                                      void *ud) AMPEL_WUR;

/* Inside a write transaction (ampel_store_begin): merges what was put so
 * far as one Datenstand (its counts recorded; log it with
 * ampel_store_log_import before) and makes the following puts and log a
 * new Datenstand `id` (0 = the next free id), in the same transaction.
 * `ampel db migrate` copies a history this way, with the source's ids.
 * Errors: AMPEL_E_USAGE outside a transaction or when id is not above
 * every Datenstand so far; AMPEL_E_IO. */
ampel_status ampel_store_next_datenstand(ampel_store *st, long id) AMPEL_WUR;

/* Inside a write transaction, after ampel_store_log_import: what kind of
 * Datenstand this is ("import", "rollback", "metadata", "geometry"),
 * the Datenstand it changed (0: the previous one, as logged), who made it
 * (NULL: nobody named, e.g. the CLI) and a note (NULL: none). */
ampel_status ampel_store_annotate_datenstand(ampel_store *st, const char *kind,
                                             long parent,
                                             const char *user_name,
                                             const char *note) AMPEL_WUR;

/* Rollback (docs/dev/store-schema.md, "Versioning by Datenstand"): makes
 * the values and conversion keys of Datenstand `to` current again as a new
 * Datenstand of kind "rollback" with parent `to`, in one transaction of
 * its own: every current row that does not hold in `to` is closed, every
 * row that holds in `to` but is not current is copied as current. Cells
 * equal in both stay untouched. The counts (new, changed, removed) are
 * recorded like an import's. Areas, indicators and periods are not
 * versioned and stay as they are. `when` is a Unix time, `user_name` may
 * be NULL. *out_id gets the new Datenstand. Errors: AMPEL_E_USAGE with a
 * German message for an unknown `to` or the newest Datenstand itself;
 * AMPEL_E_IO. Nothing is written on any error. */
ampel_status ampel_store_rollback_to(ampel_store *st, long to, int64_t when,
                                     const char *user_name, long *out_id,
                                     ampel_diags *diags) AMPEL_WUR;

/* A metadata edit (issue 12, /daten/kennzahlen): sets name, unit,
 * polarity, Handlungsfeld (domain), definition, source, the disclosure
 * flag (secrecy; UNSET = the database's default rule) and `shown` (YES or
 * NO; in heatmap and Ampel) of the stored indicator `e->key`, keeping its
 * other attributes, as a new Datenstand of kind "metadata" (no files, no
 * value changes; the note names the changed fields, "key: Name, Einheit"),
 * in one transaction of its own. Strings may be NULL (= empty); the name
 * must not be empty. *out_id: the new Datenstand, or 0 when nothing
 * differs (then nothing is written). Errors: AMPEL_E_NOT_FOUND for an
 * unknown key, AMPEL_E_DATA for an empty name, AMPEL_E_IO; nothing is
 * written on any error. Like every attribute of areas and indicators the
 * edit is not versioned: earlier Datenstände show the current metadata
 * (docs/dev/store-schema.md). */
ampel_status ampel_store_edit_indicator(ampel_store *st,
                                        const ampel_indicator *e,
                                        int64_t when, const char *user_name,
                                        long *out_id,
                                        ampel_diags *diags) AMPEL_WUR;

/* Per-database settings (e.g. "min_count"). *out_value is a new string the
 * caller frees with ampel_free, or NULL when the key is not set. */
ampel_status ampel_store_config_get(ampel_store *st, const char *key,
                                    char **out_value) AMPEL_WUR;
ampel_status ampel_store_config_set(ampel_store *st, const char *key,
                                    const char *value) AMPEL_WUR;

/* ---- Geometry (schema version 2) ---------------------------------------
 *
 * One shape per area, stored in a metric CRS (an EPSG code, see
 * ampel_geo_project), plus the neighbour pairs. Written inside a
 * transaction like everything else. */

/* Insert or replace the shape of an existing area (AMPEL_E_NOT_FOUND for
 * an unknown key). The label point and bbox are stored with it. */
ampel_status ampel_store_put_geometry(ampel_store *st, const char *area,
                                      int epsg,
                                      const ampel_shape *shape) AMPEL_WUR;
/* Replaces the neighbour pairs of every area in g by g's pairs. */
ampel_status ampel_store_put_neighbours(ampel_store *st,
                                        const ampel_geoset *g) AMPEL_WUR;
/* All stored shapes (keys = area keys, names = area names) and their
 * neighbour pairs in a new set (empty when nothing is stored). Caller
 * frees with ampel_geoset_free. */
ampel_status ampel_store_load_geometry(ampel_store *st, ampel_geoset **out,
                                       ampel_diags *diags) AMPEL_WUR;

/* ---- Accounts, API tokens, sessions, audit (schema version 6, issue 12)
 *
 * Not data: never versioned, never exported, copied by `ampel db migrate`
 * (sessions excepted). Secrets never reach the database in clear text:
 * passwords only as Argon2id strings (libsodium crypto_pwhash_str,
 * interactive limits), API tokens and session ids only as hex SHA-256.
 * These calls work outside a transaction (each statement on its own) and
 * inside a write transaction (then part of it). A database of schema
 * version 5 or older opened read-only answers AMPEL_E_USAGE. */

typedef enum ampel_role {
  AMPEL_ROLE_NONE = 0,      /* anonymous */
  AMPEL_ROLE_LESER = 1,     /* may read (matters with serve --private) */
  AMPEL_ROLE_REDAKTION = 2, /* may also check and import, edit metadata */
  AMPEL_ROLE_VERWALTUNG = 3 /* may also manage users and settings */
} ampel_role;

/* "leser", "redaktion", "verwaltung" ("" for NONE). */
const char *ampel_role_name(ampel_role r);
/* 0 and *out for one of the three words, -1 otherwise. */
int ampel_role_parse(const char *s, ampel_role *out);
/* 1 when name is a valid user or token name: 1 to 63 bytes of
 * A-Z a-z 0-9 . _ @ -, not starting with '-' or '.'. */
int ampel_account_name_ok(const char *name);

/* Room for a session id, CSRF token or SHA-256 hex (64 + NUL) and for an
 * API token ("ampel_" + 64 hex + NUL). */
#define AMPEL_SECRET_SIZE 65
#define AMPEL_TOKEN_SIZE 71
/* Shortest and longest password accepted (bytes). */
#define AMPEL_PASSWORD_MIN 8
#define AMPEL_PASSWORD_MAX 1024

/* 1 when the strings are equal, in time independent of where they differ
 * (for CSRF tokens). */
int ampel_secret_equal(const char *a, const char *b);

typedef struct ampel_user_info {
  const char *name;
  ampel_role role;
  const char *pwhash; /* the Argon2id string, or "!" for no password */
  int64_t created;
  int disabled;
} ampel_user_info;
typedef int (*ampel_user_fn)(void *ud, const ampel_user_info *u);

/* A new user. password "" = no password: the user can sign in only
 * through a trusted proxy (serve --trusted-header). Errors: AMPEL_E_USAGE
 * (bad name, role, or a password shorter than AMPEL_PASSWORD_MIN or
 * longer than AMPEL_PASSWORD_MAX), AMPEL_E_DATA (the name exists),
 * AMPEL_E_NOMEM, AMPEL_E_IO. */
ampel_status ampel_store_user_add(ampel_store *st, const char *name,
                                  ampel_role role, const char *password,
                                  int64_t when) AMPEL_WUR;
/* AMPEL_E_NOT_FOUND for an unknown user. */
ampel_status ampel_store_user_set_role(ampel_store *st, const char *name,
                                       ampel_role role) AMPEL_WUR;
ampel_status ampel_store_user_set_password(ampel_store *st, const char *name,
                                           const char *password) AMPEL_WUR;
/* Removes the user with their API tokens and sessions. */
ampel_status ampel_store_user_remove(ampel_store *st,
                                     const char *name) AMPEL_WUR;
/* The role of an enabled user; AMPEL_E_NOT_FOUND when there is none. */
ampel_status ampel_store_user_get(ampel_store *st, const char *name,
                                  ampel_role *out_role) AMPEL_WUR;
/* Every user, ordered by name. */
ampel_status ampel_store_user_list(ampel_store *st, ampel_user_fn fn,
                                   void *ud) AMPEL_WUR;
/* AMPEL_OK and the role when `password` is the user's; AMPEL_E_NOT_FOUND
 * for an unknown or disabled user, one without password, or a wrong
 * password (an unknown name costs one hash too, so the time tells
 * nothing). A hash made with weaker limits than today's is replaced. */
ampel_status ampel_store_user_check(ampel_store *st, const char *name,
                                    const char *password,
                                    ampel_role *out_role) AMPEL_WUR;
/* Writes a user as given (hash included): `ampel db migrate`. */
ampel_status ampel_store_user_put(ampel_store *st,
                                  const ampel_user_info *u) AMPEL_WUR;

typedef struct ampel_token_info {
  long id;
  const char *name; /* unique */
  const char *user;
  const char *hash; /* hex SHA-256 of the token */
  int64_t created;
  int64_t last_used; /* 0: never */
} ampel_token_info;
typedef int (*ampel_token_fn)(void *ud, const ampel_token_info *t);

/* A new API token `name` for `user`: out_token gets it (shown once; only
 * its hash is stored). Errors: AMPEL_E_USAGE (bad name), AMPEL_E_NOT_FOUND
 * (no such user), AMPEL_E_DATA (the name exists). */
ampel_status ampel_store_token_add(ampel_store *st, const char *name,
                                   const char *user, int64_t when,
                                   char out_token[AMPEL_TOKEN_SIZE]) AMPEL_WUR;
/* The user (at most 63 bytes + NUL) and role of a token; records its use
 * (last_used, at most once a minute). AMPEL_E_NOT_FOUND when the token or
 * its user is unknown or disabled. */
ampel_status ampel_store_token_check(ampel_store *st, const char *token,
                                     int64_t when, char out_user[64],
                                     ampel_role *out_role) AMPEL_WUR;
ampel_status ampel_store_token_list(ampel_store *st, ampel_token_fn fn,
                                    void *ud) AMPEL_WUR;
ampel_status ampel_store_token_remove(ampel_store *st,
                                      const char *name) AMPEL_WUR;
ampel_status ampel_store_token_put(ampel_store *st,
                                   const ampel_token_info *t) AMPEL_WUR;

typedef struct ampel_session {
  char user[64];
  ampel_role role;
  char csrf[AMPEL_SECRET_SIZE]; /* the session's CSRF token (hex) */
  int64_t created, last_seen;
} ampel_session;

/* A new session of `user` (who must exist and be enabled): out_id gets
 * the session id (64 hex digits from 256 random bits; the store keeps
 * only its SHA-256), *out (may be NULL) its data. The CSRF token is the
 * hex SHA-256 of "csrf:" and the id, so it reveals nothing about it. */
ampel_status ampel_store_session_new(ampel_store *st, const char *user,
                                     const char *address, int64_t when,
                                     char out_id[AMPEL_SECRET_SIZE],
                                     ampel_session *out) AMPEL_WUR;
/* The session of id when it was seen within max_idle seconds before
 * `when` and its user is still enabled; an expired one is deleted.
 * AMPEL_E_NOT_FOUND otherwise (also for a malformed id). */
ampel_status ampel_store_session_get(ampel_store *st, const char *id,
                                     int64_t when, int64_t max_idle,
                                     ampel_session *out) AMPEL_WUR;
/* Records activity (last_seen = when) when the last record is older than
 * a minute, so a busy session does not write on every request. */
ampel_status ampel_store_session_touch(ampel_store *st, const char *id,
                                       int64_t when) AMPEL_WUR;
ampel_status ampel_store_session_delete(ampel_store *st,
                                        const char *id) AMPEL_WUR;
/* Deletes every session last seen before `before`; *out_n (may be NULL)
 * how many. */
ampel_status ampel_store_session_expire(ampel_store *st, int64_t before,
                                        long *out_n) AMPEL_WUR;

typedef struct ampel_audit_info {
  long id;
  int64_t time;
  const char *user;    /* NULL: anonymous or the command line */
  const char *address; /* NULL: the command line */
  const char *action;  /* e.g. "anmelden", "anmelden_fehlgeschlagen" */
  const char *detail;  /* may be NULL */
} ampel_audit_info;
typedef int (*ampel_audit_fn)(void *ud, const ampel_audit_info *a);

ampel_status ampel_store_audit_add(ampel_store *st, int64_t when,
                                   const char *user, const char *address,
                                   const char *action,
                                   const char *detail) AMPEL_WUR;
/* The newest `limit` entries (0: all), newest first. */
ampel_status ampel_store_audit_list(ampel_store *st, long limit,
                                    ampel_audit_fn fn, void *ud) AMPEL_WUR;

#ifdef __cplusplus
}
#endif
#endif
