/* The SQLite engine of the store (store.h, engine.h).
 *
 * Schema (version 1, PRAGMA user_version):
 *   meta(key, value)                      per-database settings
 *   area(id, key UNIQUE, name, parent, level, population, tile_row,
 *        tile_col, lat, lon)              id = first-import order
 *   indicator(id, key UNIQUE, name, unit, polarity, domain, definition,
 *             source, reference_date, decimals)
 *   period(id, label UNIQUE, sort_key)
 *   observation(area_id, indicator_id, period_id, value, numerator,
 *               denominator, flag, import_id) WITHOUT ROWID, PK on the ids
 *   import(id, time, digest), import_file(import_id, pos, name, sha256,
 *                                         kind, rows)
 * Version 2 adds geometry(area_id, crs, shape, label, bbox) and
 *   neighbour(area_id, other_id), see store/sqlite_geo.h.
 * Version 3 adds indicator.secrecy (NULL unset, 1 ja, 0 nein).
 * Version 4 (docs/dev/store-schema.md) replaces import/import_file by
 *   datenstand/datenstand_file and versions the observations:
 *   observation(indicator, period, area, ds_from, ds_to, value, numerator,
 *   denominator, flag) WITHOUT ROWID; a row holds in Datenstand N when
 *   ds_from <= N < coalesce(ds_to, ∞); current rows (ds_to IS NULL) have a
 *   partial index. Areas, indicators, periods and geometry are not yet
 *   versioned: they show their current state at every Datenstand.
 * Version 6 (issue 12) adds indicator.shown and the account tables
 *   users, api_token, session, audit (store/accounts_sql.h).
 * Migrations: migrations[k] takes a database from version k to k+1.
 * A read-only store does not migrate: it reads versions 2 and 3 as they are
 *   (the `import` tables, no history).
 *
 * Version 7 (issue 15) stores the values of one indicator x period
 *   together: block(indicator, period, ds_from, ds_to, n, data) with the
 *   cells in one blob (store/block.h, store/sqlite_block.h); the rows of
 *   observation are rewritten into blocks with the same history.
 *
 * Writing observations: each put is staged in memory per block
 * (sqlite_block.c), so a second value for the same cell within one
 * Datenstand is reported as a duplicate. merge_stage() then applies the
 * stage (at commit, before a load inside the transaction, and whenever
 * the stage grows large): a block whose cells change gets a new row
 * (ds_from = this transaction's id) and its old row is closed; an
 * unchanged block is left alone; cells the import does not mention keep
 * their values.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ampel/alloc.h"
#include "store/accounts_sql.h"
#include "store/common.h"
#include "store/engine.h"
#include "store/sqlite_block.h"
#include "store/sqlite_geo.h"
#include "util/sha256.h"
#include "util/strmap.h"

static const char *const migrations[] = {
    /* 0 → 1 */
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE area(id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE,"
    " name TEXT, parent TEXT, level TEXT, population REAL, tile_row INTEGER,"
    " tile_col INTEGER, lat REAL, lon REAL);"
    "CREATE TABLE indicator(id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE,"
    " name TEXT, unit TEXT, polarity TEXT NOT NULL, domain TEXT,"
    " definition TEXT, source TEXT, reference_date TEXT, decimals INTEGER);"
    "CREATE TABLE period(id INTEGER PRIMARY KEY, label TEXT NOT NULL UNIQUE,"
    " sort_key INTEGER NOT NULL);"
    "CREATE TABLE import(id INTEGER PRIMARY KEY, time INTEGER NOT NULL,"
    " digest TEXT NOT NULL);"
    "CREATE TABLE import_file(import_id INTEGER NOT NULL REFERENCES"
    " import(id), pos INTEGER NOT NULL, name TEXT NOT NULL, sha256 TEXT NOT"
    " NULL, kind TEXT NOT NULL, rows INTEGER NOT NULL);"
    "CREATE TABLE observation(area_id INTEGER NOT NULL REFERENCES area(id),"
    " indicator_id INTEGER NOT NULL REFERENCES indicator(id),"
    " period_id INTEGER NOT NULL REFERENCES period(id), value REAL,"
    " numerator REAL, denominator REAL, flag INTEGER NOT NULL DEFAULT 0,"
    " import_id INTEGER NOT NULL,"
    " PRIMARY KEY(area_id, indicator_id, period_id)) WITHOUT ROWID;",
    /* 1 → 2 */
    AMPEL_SQLITE_GEO_MIGRATION,
    /* 2 → 3: column Geheimhaltung; NULL unset (unit rule), 1 ja, 0 nein */
    "ALTER TABLE indicator ADD COLUMN secrecy INTEGER;",
    /* 3 → 4 (docs/dev/store-schema.md): import becomes datenstand (same
     * ids and digests, so footers stay), import_file datenstand_file, and
     * observation is keyed (indicator, period, area, ds_from) with the
     * interval of Datenstände in which a row holds. History before version
     * 4 was never kept: every row is current from its import on. */
    "CREATE TABLE datenstand(id INTEGER PRIMARY KEY, created INTEGER NOT NULL,"
    " kind TEXT NOT NULL, user_name TEXT, parent INTEGER,"
    " digest TEXT NOT NULL, n_new INTEGER, n_changed INTEGER,"
    " n_removed INTEGER, note TEXT);"
    "INSERT INTO datenstand(id,created,kind,parent,digest)"
    " SELECT id,time,'import',"
    "(SELECT max(p.id) FROM import p WHERE p.id<import.id),digest"
    " FROM import ORDER BY id;"
    "CREATE TABLE datenstand_file(datenstand INTEGER NOT NULL, pos INTEGER"
    " NOT NULL, name TEXT NOT NULL, sha256 TEXT NOT NULL, kind TEXT NOT NULL,"
    " rows INTEGER NOT NULL, PRIMARY KEY(datenstand, pos));"
    "INSERT OR IGNORE INTO datenstand_file(datenstand,pos,name,sha256,kind,"
    "rows) SELECT import_id,pos,name,sha256,kind,rows FROM import_file"
    " ORDER BY import_id,pos;"
    "DROP TABLE import_file;"
    "DROP TABLE import;"
    "ALTER TABLE observation RENAME TO observation_v3;"
    "CREATE TABLE observation(indicator INTEGER NOT NULL, period INTEGER NOT"
    " NULL, area INTEGER NOT NULL, ds_from INTEGER NOT NULL, ds_to INTEGER,"
    " value REAL, numerator REAL, denominator REAL,"
    " flag INTEGER NOT NULL DEFAULT 0,"
    " PRIMARY KEY(indicator, period, area, ds_from)) WITHOUT ROWID;"
    "INSERT INTO observation(indicator,period,area,ds_from,ds_to,value,"
    "numerator,denominator,flag) SELECT indicator_id,period_id,area_id,"
    "import_id,NULL,value,numerator,denominator,flag FROM observation_v3"
    " ORDER BY indicator_id,period_id,area_id;"
    "DROP TABLE observation_v3;"
    "CREATE INDEX observation_current ON observation(indicator, period, area)"
    " WHERE ds_to IS NULL;",
    /* 4 → 5 (docs/dev/store-schema.md): an indicator's kind (Art),
     * formula and aggregation (METHODS.md §9, §10); an area's period of
     * validity and the conversion keys of boundary reforms (§11). */
    "ALTER TABLE indicator ADD COLUMN kind TEXT;"
    "ALTER TABLE indicator ADD COLUMN formula TEXT;"
    "ALTER TABLE indicator ADD COLUMN aggregation TEXT;"
    "ALTER TABLE area ADD COLUMN valid_from TEXT;"
    "ALTER TABLE area ADD COLUMN valid_to TEXT;"
    "CREATE TABLE conversion(old_key TEXT NOT NULL, new_key TEXT NOT NULL,"
    " share REAL NOT NULL, ds_from INTEGER NOT NULL, ds_to INTEGER,"
    " PRIMARY KEY(old_key, new_key, ds_from));",
    /* 5 → 6 (issue 12, docs/dev/store-schema.md): whether an indicator
     * is shown in heatmap and Ampel; accounts, API tokens, sessions and
     * the audit log (not data: never versioned, never exported). */
    "ALTER TABLE indicator ADD COLUMN shown INTEGER NOT NULL DEFAULT "
    "1;" AMPEL_ACCOUNTS_SQL(""),
    /* 6 → 7 (issue 15, docs/dev/store-schema.md "Block layout"): the
     * values of one indicator x period in one row; migrate() then
     * rewrites observation into blocks and drops it */
    AMPEL_SQLITE_BLOCK_MIGRATION,
};
#define N_MIGRATIONS (sizeof migrations / sizeof migrations[0])
_Static_assert(N_MIGRATIONS == AMPEL_SCHEMA_VERSION,
               "one migration per schema version");
/* The oldest version a read-only store reads as it is (it cannot migrate):
 * version 2 lacks only indicator.secrecy, which then reads as unset. */
#define OLDEST_READABLE 2

/* The keys looked up last per kind: imports repeat keys row after row,
 * and often cycle through a few (workload A: 20 periods, one per row).
 * Entries are found by the caller's pointer (importers pass the same
 * strings again) and confirmed by content, so a reused pointer with other
 * text is a miss, never a wrong id. */
#define KEY_CACHE 64
typedef struct last_key {
  struct {
    const char *ptr;
    char text[48]; /* a copy of the key ("" when empty) */
    long id;
  } e[KEY_CACHE];
} last_key;

typedef struct sq {
  sqlite3 *db;
  last_key last_area, last_ind, last_period;
  sqb_stage stage;       /* values put and not yet merged */
  long import_id;        /* id the current transaction's import will get */
  long datenstand;       /* the Datenstand loads show; 0 = current */
  long n_new, n_changed; /* merged in this transaction */
  long n_removed;        /* closed without a successor (rollback) */
  int in_tx;
  int version;        /* schema version of the open database */
  int immutable;      /* opened with ?immutable=1 (a read-only medium) */
  int err_rc;         /* the first failing SQLite code since begin/config_set */
  char err_text[160]; /* German words for it (last_error) */
  int in_read;        /* inside ampel_store_begin_read */
  idmap areas, inds, periods;
} sq;

/* idmap_get through the cache (keys longer than an entry always take
 * the map). */
static long cached_get(const idmap *m, last_key *c, const char *key) {
  uintptr_t h = (uintptr_t)key;
  h ^= h >> 7;
  h ^= h >> 13;
  size_t slot = (size_t)h % KEY_CACHE;
  if (c->e[slot].ptr == key && c->e[slot].text[0]) {
    /* a plain loop: keys are short, and libc's vector strcmp costs more
     * per call than the whole comparison (import.c, same_text) */
    const char *x = c->e[slot].text, *y = key;
    while (*x && *x == *y)
      x++, y++;
    if (*x == *y)
      return c->e[slot].id;
  }
  long id = ampel_idmap_get(m, key);
  size_t n = strlen(key);
  c->e[slot].ptr = key;
  c->e[slot].id = id;
  if (id >= 0 && n < sizeof c->e[slot].text)
    memcpy(c->e[slot].text, key, n + 1);
  else
    c->e[slot].text[0] = '\0';
  return id;
}

/* What a SQLite result code means, in German, for messages (issue 16:
 * disk full, out of memory, a held lock and damage each say so). */
static const char *rc_words(int rc) {
  switch (rc & 0xff) {
  case SQLITE_FULL:
    return "der Datenträger ist voll (oder die Datenbank hat ihre "
           "Größengrenze erreicht)";
  case SQLITE_NOMEM: return "zu wenig Arbeitsspeicher";
  case SQLITE_BUSY:
  case SQLITE_LOCKED:
    return "die Datenbank ist gesperrt: eine andere Einfuhr läuft oder ein "
           "anderes Programm schreibt gerade (nach 5 Sekunden Warten "
           "aufgegeben); bitte später erneut versuchen";
  case SQLITE_CORRUPT:
    return "die Datenbank ist beschädigt (abgeschnitten oder "
           "überschrieben?); bitte aus einer Sicherung wiederherstellen";
  case SQLITE_NOTADB: return "die Datei ist keine SQLite-Datenbank";
  case SQLITE_READONLY:
    return "die Datenbank ist schreibgeschützt (Datei, Verzeichnis oder "
           "Datenträger)";
  case SQLITE_CANTOPEN:
    return "die Datenbank kann nicht geöffnet werden (fehlt das "
           "Verzeichnis, oder fehlen Rechte?)";
  case SQLITE_PERM:
  case SQLITE_AUTH: return "keine Berechtigung";
  case SQLITE_IOERR:
    return (rc == SQLITE_IOERR_NOMEM) ? "zu wenig Arbeitsspeicher"
                                      : "Lese- oder Schreibfehler des "
                                        "Datenträgers";
  case SQLITE_TOOBIG: return "ein Wert ist zu groß";
  default: return "unerwarteter Fehler";
  }
}

/* The status a SQLite failure maps to: a file that is no SQLite database
 * at all is bad input (exit 1, as "keine ampel-Datenbank" always was); out
 * of memory is AMPEL_E_NOMEM; everything else, a damaged database too, is
 * an I/O error (exit 3; the server answers 503). */
static ampel_status rc_status(int rc) {
  switch (rc & 0xff) {
  case SQLITE_NOMEM: return AMPEL_E_NOMEM;
  case SQLITE_NOTADB: return AMPEL_E_DATA;
  default: return rc == SQLITE_IOERR_NOMEM ? AMPEL_E_NOMEM : AMPEL_E_IO;
  }
}

/* Records the first failure since the last reset (begin, config_set): the
 * cause a caller reports through ampel_store_last_error. */
static void note_rc(sq *s, int rc) {
  if (rc == SQLITE_OK || rc == SQLITE_ROW || rc == SQLITE_DONE || s->err_rc)
    return;
  int ext = sqlite3_extended_errcode(s->db);
  s->err_rc = (ext & 0xff) == (rc & 0xff) ? ext : rc;
  snprintf(s->err_text, sizeof s->err_text, "%s (SQLite-Fehler %d)",
           rc_words(s->err_rc), s->err_rc);
}

static void reset_rc(sq *s) {
  s->err_rc = 0;
  s->err_text[0] = '\0';
}

static int step(sq *s, sqlite3_stmt *q) {
  int rc = sqlite3_step(q);
  note_rc(s, rc);
  return rc;
}

static int prepare(sq *s, const char *sql, int n, sqlite3_stmt **q,
                   const char **tail) {
  int rc = sqlite3_prepare_v2(s->db, sql, n, q, tail);
  note_rc(s, rc);
  return rc;
}

static ampel_status db_error_rc(sq *s, ampel_diags *diags, const char *what,
                                int rc) {
  ampel_diags_error(diags, rc_status(rc),
                    "Datenbank: %s: %s (SQLite-Fehler %d)", what, rc_words(rc),
                    rc);
  return rc_status(rc);
}

static ampel_status db_error(sq *s, ampel_diags *diags, const char *what) {
  return db_error_rc(s, diags, what, sqlite3_extended_errcode(s->db));
}

static ampel_status exec(sq *s, const char *sql) {
  int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);
  note_rc(s, rc);
  return rc == SQLITE_OK ? AMPEL_OK : AMPEL_E_IO;
}

/* PRAGMA user_version into *out; returns the SQLite code. */
static int read_version(sq *s, int *out) {
  sqlite3_stmt *q = NULL;
  *out = -1;
  int rc = sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &q, NULL);
  if (rc == SQLITE_OK) {
    rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) {
      *out = sqlite3_column_int(q, 0);
      rc = SQLITE_OK;
    }
  }
  if (rc != SQLITE_OK)
    rc = sqlite3_extended_errcode(s->db);
  sqlite3_finalize(q);
  return rc;
}

static int user_version(sq *s) {
  int v;
  read_version(s, &v);
  return v;
}

static ampel_status migrate(sq *s, ampel_diags *diags) {
  int v;
  int rc = read_version(s, &v);
  if (rc != SQLITE_OK)
    return db_error_rc(s, diags, "Schema-Version nicht lesbar", rc);
  if (v > (int)N_MIGRATIONS) {
    ampel_diags_error(diags, AMPEL_E_DATA,
                      "die Datenbank hat Schema-Version %d, dieses Programm "
                      "kennt nur bis %d: bitte ampel aktualisieren",
                      v, (int)N_MIGRATIONS);
    return AMPEL_E_DATA;
  }
  if (v == (int)N_MIGRATIONS)
    return AMPEL_OK;
  if (exec(s, "BEGIN IMMEDIATE") != AMPEL_OK)
    return db_error(s, diags, "Schema anlegen");
  for (size_t k = (size_t)v; k < N_MIGRATIONS; k++) {
    char pragma[64];
    snprintf(pragma, sizeof pragma, "PRAGMA user_version=%zu", k + 1);
    ampel_status mst = exec(s, migrations[k]);
    if (mst == AMPEL_OK && k == 6) { /* 6 → 7: the values into blocks */
      mst = ampel_sqlite_block_convert(s->db);
      if (mst != AMPEL_OK && mst != AMPEL_E_IO) {
        exec(s, "ROLLBACK");
        ampel_diags_error(diags, mst,
                          mst == AMPEL_E_NOMEM
                              ? "Schema-Migration: zu wenig Arbeitsspeicher"
                              : "Schema-Migration: die Werte-Tabelle ist "
                                "beschädigt (Kennzeichen oder Gebiets-ID "
                                "außerhalb des Bereichs)");
        return mst;
      }
      if (mst == AMPEL_OK)
        mst = exec(s, "DROP TABLE observation");
    }
    if (mst != AMPEL_OK || exec(s, pragma) != AMPEL_OK) {
      ampel_status st = db_error(s, diags, "Schema-Migration");
      exec(s, "ROLLBACK");
      return st;
    }
  }
  if (exec(s, "COMMIT") != AMPEL_OK)
    return db_error(s, diags, "Schema anlegen");
  return AMPEL_OK;
}

static ampel_status load_idmap(sq *s, idmap *m, const char *sql) {
  sqlite3_stmt *q = NULL;
  ampel_status st = AMPEL_OK;
  if (prepare(s, sql, -1, &q, NULL) != SQLITE_OK)
    return AMPEL_E_IO;
  int rc = SQLITE_DONE;
  while (st == AMPEL_OK && (rc = step(s, q)) == SQLITE_ROW) {
    const char *key = (const char *)sqlite3_column_text(q, 1);
    st = key ? ampel_idmap_put(m, key, sqlite3_column_int64(q, 0))
             : AMPEL_E_DATA;
  }
  if (st == AMPEL_OK && rc != SQLITE_DONE)
    st = AMPEL_E_IO;
  sqlite3_finalize(q);
  return st;
}

static void sq_close(void *impl) {
  sq *s = impl;
  if (!s)
    return;
  ampel_sqlite_block_reset(&s->stage); /* waits for its writer thread */
  if (s->in_tx || s->in_read)
    exec(s, "ROLLBACK");
  ampel_sqlite_block_release(&s->stage);
  sqlite3_close(s->db);
  ampel_idmap_release(&s->areas);
  ampel_idmap_release(&s->inds);
  ampel_idmap_release(&s->periods);
  ampel_free(s);
}

/* 1 when the database's -wal file holds data (changes not yet copied into
 * the database file): an immutable open would not see them. */
static int wal_has_data(const char *path) {
  char wal[4096];
  struct stat sb;
  snprintf(wal, sizeof wal, "%s-wal", path);
  return stat(wal, &sb) == 0 && sb.st_size > 0;
}

/* Opens path read-only as "file:/abs/path?immutable=1": for a database on
 * a read-only medium or in a directory nobody may write, where SQLite
 * cannot create the -shm file WAL reading needs. Immutable promises SQLite
 * that nobody changes the file while it is open. Returns the SQLite code. */
static int open_immutable(sq *s, const char *path) {
  char real[PATH_MAX], uri[3 * PATH_MAX + 32];
  if (!realpath(path, real))
    return SQLITE_CANTOPEN;
  size_t o = (size_t)snprintf(uri, sizeof uri, "file:");
  for (const char *p = real; *p; p++) { /* percent-encode ? # % */
    if (*p == '?' || *p == '#' || *p == '%')
      o += (size_t)snprintf(uri + o, sizeof uri - o, "%%%02X",
                            (unsigned char)*p);
    else
      uri[o++] = *p;
  }
  snprintf(uri + o, sizeof uri - o, "?immutable=1");
  sqlite3_close(s->db);
  s->db = NULL;
  int rc = sqlite3_open_v2(
      uri, &s->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX,
      NULL);
  s->immutable = rc == SQLITE_OK;
  return rc;
}

/* Read-only: opens, reads the schema version; when SQLite cannot read a
 * WAL database because it may not create the -shm file beside it (a
 * read-only medium or directory), opens it again as immutable. */
static ampel_status open_readonly(sq *s, const char *path, int *out_v,
                                  ampel_diags *diags) {
  int rc = sqlite3_open_v2(path, &s->db,
                           SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc == SQLITE_OK)
    rc = read_version(s, out_v);
  int prim = rc & 0xff;
  if (prim == SQLITE_CANTOPEN || prim == SQLITE_READONLY ||
      prim == SQLITE_IOERR || prim == SQLITE_PERM) {
    if (wal_has_data(path)) {
      ampel_diags_error(diags, AMPEL_E_IO,
                        "'%s' kann nicht gelesen werden: der Datenträger "
                        "oder das Verzeichnis ist schreibgeschützt, und "
                        "'%s-wal' enthält noch nicht übernommene "
                        "Änderungen; bitte die Datenbank einmal dort "
                        "öffnen, wo sie beschreibbar ist (z. B. 'ampel "
                        "versions'), und dann erneut bereitstellen",
                        path, path);
      return AMPEL_E_IO;
    }
    rc = open_immutable(s, path);
    if (rc == SQLITE_OK)
      rc = read_version(s, out_v);
  }
  if (rc == SQLITE_OK)
    return AMPEL_OK;
  if ((rc & 0xff) == SQLITE_NOTADB)
    ampel_diags_error(diags, AMPEL_E_DATA, "'%s' ist keine ampel-Datenbank: %s",
                      path, rc_words(rc));
  else
    ampel_diags_error(diags, rc_status(rc),
                      "Datenbank '%s' kann nicht gelesen werden: %s "
                      "(SQLite-Fehler %d)",
                      path, rc_words(rc), rc);
  return rc_status(rc);
}

/* The schema version of a read-only store must be one it can read. */
static ampel_status check_readable(const char *path, int v,
                                   ampel_diags *diags) {
  if (v >= OLDEST_READABLE && v <= (int)N_MIGRATIONS)
    return AMPEL_OK;
  ampel_diags_error(diags, AMPEL_E_DATA,
                    v == 0 ? "'%s' ist keine ampel-Datenbank (eine leere "
                             "Datei oder eine andere SQLite-Datenbank; "
                             "zuerst 'ampel import' ausführen)"
                    : v > (int)N_MIGRATIONS
                        ? "'%s' hat eine neuere Schema-Version; bitte "
                          "ampel aktualisieren"
                        : "'%s' hat eine andere Schema-Version; bitte "
                          "einmal 'ampel import' ausführen",
                    path);
  return AMPEL_E_DATA;
}

/* For writing, SQLite needs the file and its directory writable (WAL
 * creates -wal and -shm beside the file). 0 after a message naming the
 * reason (a read-only medium reads EROFS, also for root). */
static int writable(const char *path, int exists, ampel_diags *diags) {
  const char *slash = strrchr(path, '/');
  char dir[4096];
  snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - path) + 1 : 1,
           slash ? path : ".");
  const char *what = NULL;
  if (exists && access(path, W_OK) != 0)
    what = path;
  else if (access(dir, W_OK) != 0)
    what = dir;
  if (!what)
    return 1;
  ampel_diags_error(diags, AMPEL_E_IO,
                    "Datenbank '%s' kann nicht geschrieben werden: '%s' ist "
                    "schreibgeschützt (%s)%s",
                    path, what, strerror(errno),
                    exists ? "; lesen geht, einlesen und einstellen nicht"
                           : "");
  return 0;
}

void *ampel_sqlite_engine_open(const char *path, int mode, ampel_diags *diags,
                               ampel_status *out_status) {
  struct stat sb;
  int exists = stat(path, &sb) == 0;
  if (!exists && mode != AMPEL_STORE_CREATE) {
    ampel_diags_error(diags, AMPEL_E_IO,
                      "Datenbank '%s' gibt es nicht (zuerst 'ampel import' "
                      "ausführen)",
                      path);
    *out_status = AMPEL_E_IO;
    return NULL;
  }
  sq *s = ampel_calloc(1, sizeof *s);
  if (!s) {
    *out_status = AMPEL_E_NOMEM;
    return NULL;
  }
  ampel_status st = AMPEL_OK;
  if (mode == AMPEL_STORE_READONLY) {
    int v = -1;
    st = open_readonly(s, path, &v, diags);
    if (st == AMPEL_OK)
      st = check_readable(path, v, diags);
  } else if (!writable(path, exists, diags)) {
    st = AMPEL_E_IO;
  } else {
    int rc = sqlite3_open_v2(
        path, &s->db,
        /* serialized: an import's writer thread (sqlite_block.c) merges
         * values on this connection while the import goes on */
        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
        NULL);
    if (rc != SQLITE_OK) {
      ampel_diags_error(diags, rc_status(rc),
                        "Datenbank '%s' öffnen: %s (SQLite-Fehler %d)", path,
                        s->db ? rc_words(rc) : "zu wenig Arbeitsspeicher", rc);
      st = rc_status(rc);
    }
  }
  if (st == AMPEL_OK) {
    sqlite3_busy_timeout(s->db, 5000);
    if (mode != AMPEL_STORE_READONLY) {
      /* WAL: readers never wait for a writer. synchronous=FULL: a commit
       * reported as saved survives a power loss (NORMAL may lose the last
       * transactions; docs/betrieb.md, issue 16). */
      exec(s, "PRAGMA journal_mode=WAL");
      exec(s, "PRAGMA synchronous=FULL");
      st = migrate(s, diags);
    }
  }
  if (st == AMPEL_OK)
    s->version = user_version(s);
  /* Foreign keys stay declared but unenforced: the importer resolves every
   * key before it writes (an enforced check cost a third of import time). */
  /* 64 MiB page cache for writing; a reader reads each page of a load
   * once, so a small cache keeps its memory to what it loads (issue 15:
   * one period of 10,000 areas x 50 indicators in under 100 MB) */
  if (st == AMPEL_OK)
    exec(s, mode == AMPEL_STORE_READONLY ? "PRAGMA cache_size=-8192"
                                         : "PRAGMA cache_size=-65536");
  if (st != AMPEL_OK) {
    sq_close(s);
    *out_status = st;
    return NULL;
  }
  reset_rc(s);
  *out_status = AMPEL_OK;
  return s;
}

/* ---- loading ----------------------------------------------------------
 *
 * Every loader reports its own failure into diags: a step that ends on
 * anything but SQLITE_DONE (busy, I/O error, corruption) is an I/O error,
 * never a shorter dataset; an id that names no loaded row is a damaged
 * database, never row 0.
 */

static const char *col_text(sqlite3_stmt *q, int i) {
  return (const char *)sqlite3_column_text(q, i);
}
static double col_real(sqlite3_stmt *q, int i) {
  return sqlite3_column_type(q, i) == SQLITE_NULL ? NAN
                                                  : sqlite3_column_double(q, i);
}

static ampel_status load_fail(sq *s, ampel_diags *diags, const char *what,
                              int rc) {
  int ext = sqlite3_extended_errcode(s->db);
  if ((ext & 0xff) == (rc & 0xff))
    rc = ext;
  ampel_diags_error(diags, rc_status(rc),
                    "Datenbank: %s fehlgeschlagen: %s (SQLite-Fehler %d)", what,
                    rc_words(rc), rc);
  return rc_status(rc);
}

static ampel_status load_prepare(sq *s, const char *sql, sqlite3_stmt **q,
                                 ampel_diags *diags, const char *what) {
  int rc = prepare(s, sql, -1, q, NULL);
  return rc == SQLITE_OK ? AMPEL_OK : load_fail(s, diags, what, rc);
}

/* The end of a load loop: st is the loop's status, rc the last step. */
static ampel_status load_end(sq *s, ampel_status st, int rc, ampel_diags *diags,
                             const char *what) {
  if (st != AMPEL_OK || rc == SQLITE_DONE)
    return st;
  return load_fail(s, diags, what, rc);
}

/* Reports a failed ampel_dataset_put_* (out of memory, or a row the model
 * refuses, such as a NULL key). */
static ampel_status put_fail(ampel_diags *diags, ampel_status st,
                             const char *what) {
  if (st == AMPEL_E_NOMEM)
    ampel_diags_error(diags, st, "Datenbank: %s: kein Speicher", what);
  else
    ampel_diags_error(diags, st, "Datenbank beschädigt: %s: ungültige Zeile",
                      what);
  return st;
}

static ampel_status corrupt_id(ampel_diags *diags, const char *kind, long id) {
  ampel_diags_error(diags, AMPEL_E_DATA,
                    "Datenbank beschädigt: unbekannte %s-ID %ld", kind, id);
  return AMPEL_E_DATA;
}

/* Store id → dataset id, -1 for ids no row has. */
typedef struct id_index {
  long *map;
  long max; /* largest store id, -1 when the table is empty */
} id_index;

static ampel_status id_index_init(id_index *x, long max) {
  x->max = max;
  x->map = ampel_reallocarray(NULL, (size_t)max + 1, sizeof *x->map);
  if (!x->map)
    return AMPEL_E_NOMEM;
  for (long i = 0; i <= max; i++)
    x->map[i] = -1;
  return AMPEL_OK;
}

/* Records sid → id; a store id outside [0, max] or seen twice is damage. */
static ampel_status id_index_set(id_index *x, long sid, size_t id,
                                 ampel_diags *diags, const char *kind) {
  if (sid < 0 || sid > x->max || x->map[sid] >= 0)
    return corrupt_id(diags, kind, sid);
  x->map[sid] = (long)id;
  return AMPEL_OK;
}

/* The dataset id of store id sid, or -1. */
static long id_index_get(const id_index *x, long sid) {
  return sid < 0 || sid > x->max ? -1 : x->map[sid];
}

/* Sizes the index of a table from its ids. Ids are rowids handed out in
 * insertion order and rows are never deleted, so they are dense; a negative
 * id or one far beyond the row count is damage (and would make the index
 * huge). */
static ampel_status index_for(sq *s, id_index *x, const char *table,
                              const char *kind, const char *what,
                              ampel_diags *diags) {
  char sql[96];
  snprintf(sql, sizeof sql, "SELECT min(id),max(id),count(*) FROM %s", table);
  sqlite3_stmt *q = NULL;
  ampel_status st = load_prepare(s, sql, &q, diags, what);
  if (st != AMPEL_OK)
    return st;
  long min = 0, max = -1, n = 0;
  int rc = step(s, q);
  if (rc == SQLITE_ROW) {
    n = (long)sqlite3_column_int64(q, 2);
    if (n > 0) {
      min = (long)sqlite3_column_int64(q, 0);
      max = (long)sqlite3_column_int64(q, 1);
    }
    rc = step(s, q);
  }
  st = load_end(s, AMPEL_OK, rc, diags, what);
  sqlite3_finalize(q);
  if (st == AMPEL_OK && (min < 0 || max > 4 * n + 1024))
    st = corrupt_id(diags, kind, min < 0 ? min : max);
  if (st == AMPEL_OK && id_index_init(x, max) != AMPEL_OK)
    st = put_fail(diags, AMPEL_E_NOMEM, what);
  return st;
}

static ampel_status load_areas(sq *s, ampel_dataset *ds, id_index *x,
                               ampel_diags *diags) {
  static const char what[] = "Gebiete laden";
  sqlite3_stmt *q = NULL;
  ampel_status st = index_for(s, x, "area", "Gebiets", what, diags);
  if (st == AMPEL_OK)
    st = load_prepare(s,
                      s->version >= 5
                          ? "SELECT id,key,name,parent,level,population,"
                            "tile_row,tile_col,lat,lon,valid_from,valid_to "
                            "FROM area ORDER BY id"
                          : "SELECT id,key,name,parent,level,population,"
                            "tile_row,tile_col,lat,lon,NULL,NULL FROM area "
                            "ORDER BY id",
                      &q, diags, what);
  int rc = SQLITE_DONE;
  while (st == AMPEL_OK && (rc = step(s, q)) == SQLITE_ROW) {
    ampel_area a = {
        (char *)col_text(q, 1),
        (char *)col_text(q, 2),
        (char *)col_text(q, 3),
        (char *)col_text(q, 4),
        col_real(q, 5),
        sqlite3_column_type(q, 6) == SQLITE_NULL ? AMPEL_NO_TILE
                                                 : sqlite3_column_int(q, 6),
        sqlite3_column_type(q, 7) == SQLITE_NULL ? AMPEL_NO_TILE
                                                 : sqlite3_column_int(q, 7),
        col_real(q, 8),
        col_real(q, 9),
        (char *)col_text(q, 10),
        (char *)col_text(q, 11)};
    size_t id = 0;
    st = ampel_dataset_put_area(ds, &a, &id);
    if (st != AMPEL_OK)
      put_fail(diags, st, what);
    else
      st = id_index_set(x, (long)sqlite3_column_int64(q, 0), id, diags,
                        "Gebiets");
  }
  st = load_end(s, st, rc, diags, what);
  sqlite3_finalize(q);
  return st;
}

static ampel_status load_indicators(sq *s, ampel_dataset *ds, id_index *x,
                                    ampel_diags *diags) {
  static const char what[] = "Kennzahlen laden";
  sqlite3_stmt *q = NULL;
  ampel_status st = index_for(s, x, "indicator", "Kennzahl", what, diags);
  /* a read-only version 2 database has no secrecy column, one before 5
   * no kind, formula and aggregation: unset */
  if (st == AMPEL_OK)
    st = load_prepare(
        s,
        s->version >= 6   ? "SELECT id,key,name,unit,polarity,domain,"
                            "definition,source,reference_date,decimals,"
                            "secrecy,kind,formula,aggregation,shown FROM "
                            "indicator ORDER BY id"
        : s->version >= 5 ? "SELECT id,key,name,unit,polarity,domain,"
                            "definition,source,reference_date,decimals,"
                            "secrecy,kind,formula,aggregation,1 FROM "
                            "indicator ORDER BY id"
        : s->version >= 3
            ? "SELECT id,key,name,unit,polarity,domain,"
              "definition,source,reference_date,decimals,"
              "secrecy,NULL,NULL,NULL,1 FROM indicator ORDER BY id"
            : "SELECT id,key,name,unit,polarity,domain,"
              "definition,source,reference_date,decimals,"
              "NULL,NULL,NULL,NULL,1 FROM indicator ORDER BY id",
        &q, diags, what);
  int rc = SQLITE_DONE;
  while (st == AMPEL_OK && (rc = step(s, q)) == SQLITE_ROW) {
    ampel_polarity pol = AMPEL_POL_NEUTRAL;
    const char *ps = col_text(q, 4);
    if (ps && ampel_polarity_parse(ps, strlen(ps), &pol) != 0)
      pol = AMPEL_POL_NEUTRAL;
    ampel_indicator ind = {
        (char *)col_text(q, 1),
        (char *)col_text(q, 2),
        (char *)col_text(q, 3),
        (char *)col_text(q, 5),
        (char *)col_text(q, 6),
        (char *)col_text(q, 7),
        (char *)col_text(q, 8),
        pol,
        sqlite3_column_type(q, 9) == SQLITE_NULL ? -1
                                                 : sqlite3_column_int(q, 9),
        sqlite3_column_type(q, 10) == SQLITE_NULL ? AMPEL_SECRECY_UNSET
        : sqlite3_column_int(q, 10)               ? AMPEL_SECRECY_YES
                                                  : AMPEL_SECRECY_NO,
        AMPEL_KIND_UNSET,
        (char *)col_text(q, 12),
        AMPEL_AGG_UNSET,
        sqlite3_column_int(q, 14) ? AMPEL_SHOWN_YES : AMPEL_SHOWN_NO};
    /* unknown words (a newer program's) read as unset */
    const char *ks = col_text(q, 11), *as = col_text(q, 13);
    if (ks && ampel_ind_kind_parse(ks, strlen(ks), &ind.kind) != 0)
      ind.kind = AMPEL_KIND_UNSET;
    if (as && ampel_aggregation_parse(as, strlen(as), &ind.aggregation) != 0)
      ind.aggregation = AMPEL_AGG_UNSET;
    size_t id = 0;
    st = ampel_dataset_put_indicator(ds, &ind, &id);
    if (st != AMPEL_OK)
      put_fail(diags, st, what);
    else
      st = id_index_set(x, (long)sqlite3_column_int64(q, 0), id, diags,
                        "Kennzahl");
  }
  st = load_end(s, st, rc, diags, what);
  sqlite3_finalize(q);
  return st;
}

static ampel_status load_periods(sq *s, ampel_dataset *ds, id_index *x,
                                 ampel_diags *diags) {
  static const char what[] = "Zeitpunkte laden";
  sqlite3_stmt *q = NULL;
  ampel_status st = index_for(s, x, "period", "Zeitpunkt", what, diags);
  if (st == AMPEL_OK)
    st = load_prepare(s,
                      "SELECT id,label,sort_key FROM period "
                      "ORDER BY sort_key,label",
                      &q, diags, what);
  int rc = SQLITE_DONE;
  while (st == AMPEL_OK && (rc = step(s, q)) == SQLITE_ROW) {
    size_t id = 0;
    st = ampel_dataset_put_period(ds, col_text(q, 1),
                                  (int32_t)sqlite3_column_int(q, 2), &id);
    if (st != AMPEL_OK)
      put_fail(diags, st, what);
    else
      st = id_index_set(x, (long)sqlite3_column_int64(q, 0), id, diags,
                        "Zeitpunkt");
  }
  st = load_end(s, st, rc, diags, what);
  sqlite3_finalize(q);
  return st;
}

/* One observation row (area, indicator, period, value, numerator,
 * denominator, flag) into the dataset. */
static ampel_status obs_row(sqlite3_stmt *q, ampel_dataset *ds,
                            const id_index *ax, const id_index *ix,
                            const id_index *px, ampel_diags *diags,
                            const char *what) {
  long sa = (long)sqlite3_column_int64(q, 0),
       si = (long)sqlite3_column_int64(q, 1),
       sp = (long)sqlite3_column_int64(q, 2);
  long a = id_index_get(ax, sa), i = id_index_get(ix, si),
       p = id_index_get(px, sp);
  int flag = sqlite3_column_int(q, 6);
  if (a < 0)
    return corrupt_id(diags, "Gebiets", sa);
  if (i < 0)
    return corrupt_id(diags, "Kennzahl", si);
  if (p < 0)
    return corrupt_id(diags, "Zeitpunkt", sp);
  if (flag < 0 || flag >= AMPEL_FLAG_COUNT_) {
    ampel_diags_error(diags, AMPEL_E_DATA,
                      "Datenbank beschädigt: unbekanntes Kennzeichen %d", flag);
    return AMPEL_E_DATA;
  }
  ampel_status st =
      ampel_dataset_set(ds, (size_t)a, (size_t)i, (size_t)p, col_real(q, 3),
                        col_real(q, 4), col_real(q, 5), (ampel_flag)flag);
  return st == AMPEL_OK ? st : put_fail(diags, st, what);
}

/* Version 7: the cells of one block into the dataset (ids checked as
 * obs_row does). */
typedef struct cells_into {
  ampel_dataset *ds;
  const id_index *ax, *ix, *px;
  ampel_diags *diags;
} cells_into;

static ampel_status put_cells(void *ud, long si, long sp,
                              const ampel_bcells *cells) {
  cells_into *x = ud;
  static const char what[] = "Werte laden";
  long i = id_index_get(x->ix, si), p = id_index_get(x->px, sp);
  if (i < 0)
    return corrupt_id(x->diags, "Kennzahl", si);
  if (p < 0)
    return corrupt_id(x->diags, "Zeitpunkt", sp);
  for (size_t k = 0; k < cells->n; k++) {
    const ampel_bcell *c = &cells->c[k];
    long a = id_index_get(x->ax, (long)c->area);
    if (a < 0)
      return corrupt_id(x->diags, "Gebiets", (long)c->area);
    if (c->flag >= AMPEL_FLAG_COUNT_) {
      ampel_diags_error(x->diags, AMPEL_E_DATA,
                        "Datenbank beschädigt: unbekanntes Kennzeichen %d",
                        c->flag);
      return AMPEL_E_DATA;
    }
    ampel_status st =
        ampel_dataset_set(x->ds, (size_t)a, (size_t)i, (size_t)p, c->v,
                          c->num, c->den, (ampel_flag)c->flag);
    if (st != AMPEL_OK)
      return put_fail(x->diags, st, what);
  }
  return AMPEL_OK;
}

/* Reads the blocks (inds NULL: all) through sqlite_block.c; a damaged
 * blob or a failed step is reported like every load failure. */
static ampel_status load_v7(sq *s, const long *inds, size_t ni,
                            const long *pers, size_t np, sqb_cells_fn fn,
                            void *ud, ampel_diags *diags) {
  size_t before = diags ? diags->n_errors : 0;
  ampel_status st =
      ampel_sqlite_block_load(s->db, s->datenstand, inds, ni, pers, np, fn, ud);
  if (st == AMPEL_E_IO)
    return load_fail(s, diags, "Werte laden", sqlite3_errcode(s->db));
  if (st == AMPEL_E_DATA && diags && diags->n_errors == before)
    ampel_diags_error(diags, AMPEL_E_DATA,
                      "Datenbank beschädigt: ein Werte-Block ist nicht "
                      "lesbar");
  else if (st == AMPEL_E_NOMEM && diags && diags->n_errors == before)
    put_fail(diags, st, "Werte laden");
  return st;
}

/* The blocks a spec names, each one range of the primary key
 * (indicator, period, area, ds_from): the cost follows what is read. */
static ampel_status load_blocks(sq *s, ampel_dataset *ds, const id_index *ax,
                                const id_index *ix, const id_index *px,
                                const ampel_load_spec *spec,
                                ampel_diags *diags) {
  static const char what[] = "Werte laden";
  long *inds = ampel_reallocarray(NULL, (size_t)ix->max + 2, sizeof *inds);
  long *pers = ampel_reallocarray(NULL, (size_t)px->max + 2, sizeof *pers);
  sqlite3_stmt *q = NULL;
  ampel_status st =
      inds && pers ? AMPEL_OK : put_fail(diags, AMPEL_E_NOMEM, what);
  size_t ni = 0, np = 0;
  if (st == AMPEL_OK) {
    ni = ampel_spec_ids(ix->map, ix->max, spec->indicators, spec->n_indicators,
                        ds, ampel_spec_indicator_name, inds);
    np = ampel_spec_ids(px->map, px->max, spec->periods, spec->n_periods, ds,
                        ampel_spec_period_name, pers);
  }
  if (st == AMPEL_OK && s->version >= 7) {
    cells_into x = {ds, ax, ix, px, diags};
    st = load_v7(s, inds, ni, pers, np, put_cells, &x, diags);
    ampel_free(inds);
    ampel_free(pers);
    return st;
  }
  if (st == AMPEL_OK) {
    st = load_prepare(
        s,
        s->datenstand > 0
            ? "SELECT area,indicator,period,value,numerator,denominator,flag "
              "FROM observation WHERE indicator=?1 AND period=?2 AND "
              "ds_from<=?3 AND (ds_to IS NULL OR ds_to>?3)"
            : "SELECT area,indicator,period,value,numerator,denominator,flag "
              "FROM observation WHERE indicator=?1 AND period=?2 AND "
              "ds_to IS NULL",
        &q, diags, what);
  }
  for (size_t k = 0; st == AMPEL_OK && k < ni; k++) {
    for (size_t t = 0; st == AMPEL_OK && t < np; t++) {
      sqlite3_reset(q);
      sqlite3_bind_int64(q, 1, inds[k]);
      sqlite3_bind_int64(q, 2, pers[t]);
      if (s->datenstand > 0)
        sqlite3_bind_int64(q, 3, s->datenstand);
      int rc = SQLITE_DONE;
      while (st == AMPEL_OK && (rc = step(s, q)) == SQLITE_ROW)
        st = obs_row(q, ds, ax, ix, px, diags, what);
      st = load_end(s, st, rc, diags, what);
    }
  }
  sqlite3_finalize(q);
  ampel_free(inds);
  ampel_free(pers);
  return st;
}

/* Levels with at most this many areas are sampled by one key lookup per
 * area; the others by reading their block until each has its sample. */
#define SAMPLE_SEEK_MAX 64

typedef struct sampler {
  size_t n_lv;
  int *level_of;   /* per store area id: level index, -1 none */
  size_t *lv_size; /* areas per level */
  long **small;    /* per level with <= SAMPLE_SEEK_MAX areas: store ids */
  size_t *count;   /* per level: values taken from the current block */
} sampler;

static void sampler_release(sampler *m) {
  for (size_t l = 0; m->small && l < m->n_lv; l++)
    ampel_free(m->small[l]);
  ampel_free(m->small);
  ampel_free(m->level_of);
  ampel_free(m->lv_size);
  ampel_free(m->count);
}

static ampel_status sampler_init(sampler *m, const ampel_dataset *ds,
                                 const id_index *ax) {
  memset(m, 0, sizeof *m);
  const char **lv = ampel_dataset_levels(ds, &m->n_lv);
  m->level_of = ampel_reallocarray(NULL, (size_t)ax->max + 2, sizeof(int));
  m->lv_size = ampel_calloc(m->n_lv + 1, sizeof *m->lv_size);
  m->small = ampel_calloc(m->n_lv + 1, sizeof *m->small);
  m->count = ampel_calloc(m->n_lv + 1, sizeof *m->count);
  ampel_status st =
      (lv || m->n_lv == 0) && m->level_of && m->lv_size && m->small && m->count
          ? AMPEL_OK
          : AMPEL_E_NOMEM;
  for (long sid = 0; st == AMPEL_OK && sid <= ax->max; sid++) {
    m->level_of[sid] = -1;
    long a = ax->map[sid];
    const char *al = a >= 0 ? ampel_dataset_area(ds, (size_t)a)->level : NULL;
    for (size_t l = 0; al && l < m->n_lv; l++)
      if (strcmp(lv[l], al) == 0) {
        m->level_of[sid] = (int)l;
        m->lv_size[l]++;
      }
  }
  for (size_t l = 0; st == AMPEL_OK && l < m->n_lv; l++) {
    if (m->lv_size[l] > SAMPLE_SEEK_MAX)
      continue;
    m->small[l] = ampel_calloc(m->lv_size[l] + 1, sizeof(long));
    if (!m->small[l]) {
      st = AMPEL_E_NOMEM;
      break;
    }
    size_t k = 0;
    for (long sid = 0; sid <= ax->max; sid++)
      if (m->level_of[sid] == (int)l)
        m->small[l][k++] = sid;
  }
  ampel_free(lv);
  return st;
}

/* The sample of the spec (store.h): for every block, small levels by one
 * primary-key lookup per area, the large levels by reading the block in
 * key order until each has `want` values (a large level without values
 * there reads the block to its end: the rows of the other levels). */
/* Appends the row of q to the sample (ids checked as obs_row does). */
static ampel_status sample_row(sqlite3_stmt *q, const id_index *ax,
                               const id_index *ix, const id_index *px,
                               ampel_sample_row **rows, size_t *n, size_t *cap,
                               ampel_diags *diags) {
  long sa = (long)sqlite3_column_int64(q, 0),
       si = (long)sqlite3_column_int64(q, 1),
       sp = (long)sqlite3_column_int64(q, 2);
  long a = id_index_get(ax, sa), i = id_index_get(ix, si),
       p = id_index_get(px, sp);
  int flag = sqlite3_column_int(q, 6);
  if (a < 0)
    return corrupt_id(diags, "Gebiets", sa);
  if (i < 0)
    return corrupt_id(diags, "Kennzahl", si);
  if (p < 0)
    return corrupt_id(diags, "Zeitpunkt", sp);
  if (flag < 0 || flag >= AMPEL_FLAG_COUNT_) {
    ampel_diags_error(diags, AMPEL_E_DATA,
                      "Datenbank beschädigt: unbekanntes Kennzeichen %d", flag);
    return AMPEL_E_DATA;
  }
  if (*n == *cap) {
    size_t c = *cap ? 2 * *cap : 1024;
    ampel_sample_row *r = ampel_reallocarray(*rows, c, sizeof *r);
    if (!r)
      return put_fail(diags, AMPEL_E_NOMEM, "Stichprobe laden");
    *rows = r;
    *cap = c;
  }
  (*rows)[(*n)++] = (ampel_sample_row){
      (size_t)a,      (size_t)i,      (size_t)p,       col_real(q, 3),
      col_real(q, 4), col_real(q, 5), (ampel_flag)flag};
  return AMPEL_OK;
}

/* Version 7: the sample of one block, the first `want` areas of each
 * level in id order (the same areas the row layout's key order gave). */
typedef struct sample_v7 {
  sampler *m;
  size_t want;
  const id_index *ax, *ix, *px;
  ampel_sample_row *rows;
  size_t n, cap;
  ampel_diags *diags;
} sample_v7;

static ampel_status sample_cells(void *ud, long si, long sp,
                                 const ampel_bcells *cells) {
  sample_v7 *x = ud;
  long i = id_index_get(x->ix, si), p = id_index_get(x->px, sp);
  if (i < 0)
    return corrupt_id(x->diags, "Kennzahl", si);
  if (p < 0)
    return corrupt_id(x->diags, "Zeitpunkt", sp);
  memset(x->m->count, 0, x->m->n_lv * sizeof *x->m->count);
  for (size_t k = 0; k < cells->n; k++) {
    const ampel_bcell *c = &cells->c[k];
    long sa = (long)c->area, a = id_index_get(x->ax, sa);
    if (a < 0)
      return corrupt_id(x->diags, "Gebiets", sa);
    int l = x->m->level_of[sa];
    if (l < 0 || x->m->count[l] >= x->want)
      continue;
    if (c->flag >= AMPEL_FLAG_COUNT_) {
      ampel_diags_error(x->diags, AMPEL_E_DATA,
                        "Datenbank beschädigt: unbekanntes Kennzeichen %d",
                        c->flag);
      return AMPEL_E_DATA;
    }
    if (x->n == x->cap) {
      size_t cap = x->cap ? 2 * x->cap : 1024;
      ampel_sample_row *r = ampel_reallocarray(x->rows, cap, sizeof *r);
      if (!r)
        return put_fail(x->diags, AMPEL_E_NOMEM, "Stichprobe laden");
      x->rows = r;
      x->cap = cap;
    }
    x->rows[x->n++] = (ampel_sample_row){
        (size_t)a, (size_t)i,   (size_t)p,          c->v,
        c->num,    c->den,      (ampel_flag)c->flag};
    x->m->count[l]++;
  }
  return AMPEL_OK;
}

static ampel_status load_sample_v7(sq *s, ampel_dataset **ds,
                                   const id_index *ax, const id_index *ix,
                                   const id_index *px, size_t want,
                                   ampel_diags *diags) {
  sampler m;
  ampel_status st = sampler_init(&m, *ds, ax);
  if (st != AMPEL_OK)
    st = put_fail(diags, st, "Stichprobe laden");
  sample_v7 x = {&m, want, ax, ix, px, NULL, 0, 0, diags};
  if (st == AMPEL_OK)
    st = load_v7(s, NULL, 0, NULL, 0, sample_cells, &x, diags);
  sampler_release(&m);
  ampel_dataset *small = NULL;
  if (st == AMPEL_OK) {
    st = ampel_sample_dataset(*ds, x.rows, x.n, &small);
    if (st != AMPEL_OK)
      st = put_fail(diags, st, "Stichprobe laden");
  }
  ampel_free(x.rows);
  if (st == AMPEL_OK) {
    ampel_dataset_free(*ds);
    *ds = small;
  }
  return st;
}

static ampel_status load_sample(sq *s, ampel_dataset **ds, const id_index *ax,
                                const id_index *ix, const id_index *px,
                                size_t want, ampel_diags *diags) {
  static const char what[] = "Stichprobe laden";
  if (s->version >= 7)
    return load_sample_v7(s, ds, ax, ix, px, want, diags);
  ampel_sample_row *rows = NULL;
  size_t n_rows = 0, cap = 0;
  sampler m;
  sqlite3_stmt *qa = NULL, *qb = NULL;
  ampel_status st = sampler_init(&m, *ds, ax);
  if (st != AMPEL_OK)
    st = put_fail(diags, st, what);
  if (st == AMPEL_OK)
    st = load_prepare(s,
                      "SELECT area,indicator,period,value,numerator,"
                      "denominator,flag FROM observation WHERE indicator=?1 "
                      "AND period=?2 AND area=?3 AND ds_to IS NULL",
                      &qa, diags, what);
  if (st == AMPEL_OK)
    st = load_prepare(s,
                      "SELECT area,indicator,period,value,numerator,"
                      "denominator,flag FROM observation WHERE indicator=?1 "
                      "AND period=?2 AND ds_to IS NULL",
                      &qb, diags, what);
  int any_large = 0;
  for (size_t l = 0; l < m.n_lv; l++)
    any_large |= m.small && !m.small[l];
  for (long si = 0; st == AMPEL_OK && si <= ix->max; si++) {
    if (ix->map[si] < 0)
      continue;
    for (long sp = 0; st == AMPEL_OK && sp <= px->max; sp++) {
      if (px->map[sp] < 0)
        continue;
      memset(m.count, 0, m.n_lv * sizeof *m.count);
      for (size_t l = 0; st == AMPEL_OK && l < m.n_lv; l++) {
        for (size_t k = 0; st == AMPEL_OK && m.small[l] && k < m.lv_size[l] &&
                           m.count[l] < want;
             k++) {
          sqlite3_reset(qa);
          sqlite3_bind_int64(qa, 1, si);
          sqlite3_bind_int64(qa, 2, sp);
          sqlite3_bind_int64(qa, 3, m.small[l][k]);
          int rc = step(s, qa);
          if (rc == SQLITE_ROW) {
            st = sample_row(qa, ax, ix, px, &rows, &n_rows, &cap, diags);
            m.count[l]++;
          } else if (rc != SQLITE_DONE) {
            st = load_end(s, st, rc, diags, what);
          }
        }
      }
      if (st != AMPEL_OK || !any_large)
        continue;
      sqlite3_reset(qb);
      sqlite3_bind_int64(qb, 1, si);
      sqlite3_bind_int64(qb, 2, sp);
      size_t open = 0;
      for (size_t l = 0; l < m.n_lv; l++)
        open += !m.small[l];
      int rc = SQLITE_DONE;
      while (st == AMPEL_OK && open > 0 && (rc = step(s, qb)) == SQLITE_ROW) {
        long sa = (long)sqlite3_column_int64(qb, 0);
        int l = sa >= 0 && sa <= ax->max ? m.level_of[sa] : -1;
        if (l < 0 || m.small[l] || m.count[l] >= want)
          continue;
        st = sample_row(qb, ax, ix, px, &rows, &n_rows, &cap, diags);
        if (++m.count[l] == want)
          open--;
      }
      if (open > 0)
        st = load_end(s, st, rc, diags, what);
    }
  }
  sqlite3_finalize(qa);
  sqlite3_finalize(qb);
  sampler_release(&m);
  ampel_dataset *small = NULL;
  if (st == AMPEL_OK) {
    st = ampel_sample_dataset(*ds, rows, n_rows, &small);
    if (st != AMPEL_OK)
      st = put_fail(diags, st, what);
  }
  ampel_free(rows);
  if (st == AMPEL_OK) {
    ampel_dataset_free(*ds);
    *ds = small;
  }
  return st;
}

static ampel_status load_observations(sq *s, ampel_dataset *ds,
                                      const id_index *ax, const id_index *ix,
                                      const id_index *px,
                                      const ampel_load_spec *spec,
                                      ampel_diags *diags) {
  static const char what[] = "Werte laden";
  if (s->version >= 4 && (spec->periods || spec->indicators))
    return load_blocks(s, ds, ax, ix, px, spec, diags);
  if (s->version >= 7) {
    cells_into x = {ds, ax, ix, px, diags};
    return load_v7(s, NULL, 0, NULL, 0, put_cells, &x, diags);
  }
  sqlite3_stmt *q = NULL;
  /* version 4: the rows that hold in the chosen Datenstand; a read-only
   * version 2 or 3 database has one state only (and no key to read a
   * block by: it is read whole, whatever the spec) */
  const char *sql =
      s->version < 4 ? "SELECT area_id,indicator_id,period_id,"
                       "value,numerator,denominator,flag FROM observation"
      : s->datenstand > 0
          ? "SELECT area,indicator,period,value,numerator,denominator,flag "
            "FROM observation WHERE ds_from<=?1 AND "
            "(ds_to IS NULL OR ds_to>?1)"
          : "SELECT area,indicator,period,value,numerator,denominator,flag "
            "FROM observation WHERE ds_to IS NULL";
  ampel_status st = load_prepare(s, sql, &q, diags, what);
  if (st == AMPEL_OK && s->version >= 4 && s->datenstand > 0)
    sqlite3_bind_int64(q, 1, s->datenstand);
  int rc = SQLITE_DONE;
  while (st == AMPEL_OK && (rc = step(s, q)) == SQLITE_ROW)
    st = obs_row(q, ds, ax, ix, px, diags, what);
  st = load_end(s, st, rc, diags, what);
  sqlite3_finalize(q);
  return st;
}

/* Applies the staged values (sqlite_block.h); counts go to n_new and
 * n_changed. */
static ampel_status merge_stage(sq *s) {
  if (s->stage.pending == 0)
    return AMPEL_OK;
  ampel_status st = ampel_sqlite_block_merge(s->db, &s->stage, s->import_id,
                                             &s->n_new, &s->n_changed);
  if (st == AMPEL_E_IO)
    note_rc(s, sqlite3_errcode(s->db));
  return st;
}

/* The conversion keys holding at the chosen Datenstand (schema 5). */
static ampel_status load_conversions(sq *s, ampel_dataset *ds,
                                     ampel_diags *diags) {
  static const char what[] = "Umschlüssel laden";
  sqlite3_stmt *q = NULL;
  ampel_status st = load_prepare(
      s,
      s->datenstand > 0
          ? "SELECT old_key,new_key,share FROM conversion WHERE ds_from<=?1 "
            "AND (ds_to IS NULL OR ds_to>?1) ORDER BY old_key,new_key"
          : "SELECT old_key,new_key,share FROM conversion WHERE ds_to IS "
            "NULL ORDER BY old_key,new_key",
      &q, diags, what);
  if (st == AMPEL_OK && s->datenstand > 0)
    sqlite3_bind_int64(q, 1, s->datenstand);
  int rc = SQLITE_DONE;
  while (st == AMPEL_OK && (rc = sqlite3_step(q)) == SQLITE_ROW) {
    st = ampel_dataset_add_conversion(ds, col_text(q, 0), col_text(q, 1),
                                      col_real(q, 2));
    if (st != AMPEL_OK)
      put_fail(diags, st, what);
  }
  st = load_end(s, st, rc, diags, what);
  sqlite3_finalize(q);
  return st;
}

static ampel_status sq_load(void *impl, const ampel_load_spec *spec,
                            ampel_dataset **out, ampel_diags *diags) {
  sq *s = impl;
  id_index ax = {NULL, -1}, ix = {NULL, -1}, px = {NULL, -1};
  *out = NULL;
  ampel_dataset *ds = ampel_dataset_new();
  ampel_status st =
      ds ? AMPEL_OK : put_fail(diags, AMPEL_E_NOMEM, "Daten laden");
  /* one read transaction, so the four tables are one snapshot */
  int own_tx = 0;
  if (st == AMPEL_OK && !s->in_tx && !s->in_read) {
    int rc = sqlite3_exec(s->db, "BEGIN", NULL, NULL, NULL);
    if (rc != SQLITE_OK)
      st = load_fail(s, diags, "Daten laden", rc);
    own_tx = rc == SQLITE_OK;
  }
  /* inside a write transaction, the staged rows count as written */
  if (st == AMPEL_OK && s->in_tx && merge_stage(s) != AMPEL_OK)
    st = load_fail(s, diags, "Werte übernehmen", sqlite3_errcode(s->db));
  if (st == AMPEL_OK && spec->no_areas && !spec->metadata_only)
    st = AMPEL_E_USAGE;
  if (st == AMPEL_OK && !spec->no_areas)
    st = load_areas(s, ds, &ax, diags);
  if (st == AMPEL_OK)
    st = load_indicators(s, ds, &ix, diags);
  if (st == AMPEL_OK)
    st = load_periods(s, ds, &px, diags);
  /* a sample (store.h): cheap only on the version 4 key, at the current
   * state; a conversion key needs its areas (the caller loads all) */
  if (st == AMPEL_OK && spec->sample > 0 &&
      (s->version < 5 || s->datenstand != 0 || spec->metadata_only))
    st = AMPEL_E_USAGE;
  if (st == AMPEL_OK && !spec->metadata_only && spec->sample == 0)
    st = load_observations(s, ds, &ax, &ix, &px, spec, diags);
  if (st == AMPEL_OK && s->version >= 5)
    st = load_conversions(s, ds, diags);
  if (st == AMPEL_OK && spec->sample > 0)
    st = ampel_dataset_n_conversions(ds) > 0
             ? AMPEL_E_USAGE
             : load_sample(s, &ds, &ax, &ix, &px, spec->sample, diags);
  if (own_tx)
    exec(s, st == AMPEL_OK ? "COMMIT" : "ROLLBACK");
  ampel_free(ax.map);
  ampel_free(ix.map);
  ampel_free(px.map);
  if (st != AMPEL_OK) {
    ampel_dataset_free(ds);
    return st;
  }
  *out = ds;
  return AMPEL_OK;
}

/* Several reads in one deferred transaction: WAL gives them the snapshot
 * of the first read, whatever other processes commit meanwhile. */
static ampel_status sq_begin_read(void *impl) {
  sq *s = impl;
  if (s->in_tx || s->in_read)
    return AMPEL_E_USAGE;
  if (exec(s, "BEGIN") != AMPEL_OK)
    return AMPEL_E_IO;
  s->in_read = 1;
  return AMPEL_OK;
}

static ampel_status sq_end_read(void *impl) {
  sq *s = impl;
  if (!s->in_read)
    return AMPEL_E_USAGE;
  s->in_read = 0;
  return exec(s, "COMMIT");
}

/* ---- writing ----------------------------------------------------------
 */

static ampel_status sq_begin(void *impl) {
  sq *s = impl;
  if (s->in_read)
    return AMPEL_E_USAGE;
  if (s->in_tx)
    return AMPEL_E_USAGE;
  reset_rc(s);
  ampel_sqlite_block_reset(&s->stage);
  if (exec(s, "BEGIN IMMEDIATE") != AMPEL_OK)
    return AMPEL_E_IO;
  s->in_tx = 1;
  s->n_new = s->n_changed = s->n_removed = 0;
  memset(&s->last_area, 0, sizeof s->last_area);
  memset(&s->last_ind, 0, sizeof s->last_ind);
  memset(&s->last_period, 0, sizeof s->last_period);
  ampel_idmap_release(&s->areas);
  ampel_idmap_release(&s->inds);
  ampel_idmap_release(&s->periods);
  ampel_status st = load_idmap(s, &s->areas, "SELECT id,key FROM area");
  if (st == AMPEL_OK)
    st = load_idmap(s, &s->inds, "SELECT id,key FROM indicator");
  if (st == AMPEL_OK)
    st = load_idmap(s, &s->periods, "SELECT id,label FROM period");
  /* The import id comes from a sequence kept in meta, advanced inside this
   * transaction: a committed transaction that logged no import still
   * used its id up, so a later one never shares it. */
  sqlite3_stmt *q = NULL;
  if (st == AMPEL_OK &&
      prepare(s,
              "SELECT max(coalesce((SELECT CAST(value AS INTEGER) "
              "FROM meta WHERE key='import_seq'),0),"
              "coalesce((SELECT max(id) FROM datenstand),0))+1",
              -1, &q, NULL) == SQLITE_OK &&
      step(s, q) == SQLITE_ROW)
    s->import_id = sqlite3_column_int64(q, 0);
  else if (st == AMPEL_OK)
    st = AMPEL_E_IO;
  sqlite3_finalize(q);
  if (st == AMPEL_OK) {
    char sql[128];
    snprintf(sql, sizeof sql,
             "INSERT INTO meta(key,value) VALUES('import_seq','%ld') ON "
             "CONFLICT(key) DO UPDATE SET value=excluded.value",
             s->import_id);
    st = exec(s, sql);
  }
  if (st != AMPEL_OK) {
    exec(s, "ROLLBACK");
    s->in_tx = 0;
  }
  return st;
}

/* Writes this transaction's counts into its Datenstand row (if it logged
 * one). Imports add and replace; they never remove (n_removed = 0); a
 * rollback may (sq_revert). */
static ampel_status record_counts(sq *s) {
  sqlite3_stmt *q = NULL;
  if (prepare(s,
              "UPDATE datenstand SET n_new=?,n_changed=?,"
              "n_removed=? WHERE id=?",
              -1, &q, NULL) != SQLITE_OK)
    return AMPEL_E_IO;
  sqlite3_bind_int64(q, 1, s->n_new);
  sqlite3_bind_int64(q, 2, s->n_changed);
  sqlite3_bind_int64(q, 3, s->n_removed);
  sqlite3_bind_int64(q, 4, s->import_id);
  int rc = step(s, q);
  sqlite3_finalize(q);
  return rc == SQLITE_DONE ? AMPEL_OK : AMPEL_E_IO;
}

/* The next Datenstand id of this transaction: id, which must be above
 * every one so far, or the next free one (id 0); kept in meta's
 * import_seq as sq_begin does. */
static ampel_status sq_next_datenstand(void *impl, long id) {
  sq *s = impl;
  if (!s->in_tx)
    return AMPEL_E_USAGE;
  ampel_status st = merge_stage(s);
  if (st == AMPEL_OK)
    st = record_counts(s);
  if (st != AMPEL_OK)
    return st;
  /* above every logged Datenstand; this transaction's own id while it has
   * logged none */
  long next = s->import_id;
  sqlite3_stmt *q = NULL;
  if (sqlite3_prepare_v2(s->db, "SELECT coalesce(max(id),0)+1 FROM datenstand",
                         -1, &q, NULL) != SQLITE_OK)
    return AMPEL_E_IO;
  if (sqlite3_step(q) == SQLITE_ROW && sqlite3_column_int64(q, 0) > next)
    next = (long)sqlite3_column_int64(q, 0);
  sqlite3_finalize(q);
  if (id != 0 && id < next)
    return AMPEL_E_USAGE;
  s->import_id = id ? id : next;
  s->n_new = s->n_changed = s->n_removed = 0;
  char sql[128];
  snprintf(sql, sizeof sql,
           "UPDATE meta SET value='%ld' WHERE key='import_seq'", s->import_id);
  st = exec(s, sql);
  /* a cell may come again in the next Datenstand */
  ampel_sqlite_block_reset(&s->stage);
  return st;
}

static ampel_status sq_commit(void *impl) {
  sq *s = impl;
  if (!s->in_tx)
    return AMPEL_E_USAGE;
  ampel_status st = merge_stage(s);
  if (st == AMPEL_OK)
    st = record_counts(s);
  ampel_sqlite_block_reset(&s->stage);
  if (st != AMPEL_OK || exec(s, "COMMIT") != AMPEL_OK) {
    exec(s, "ROLLBACK");
    s->in_tx = 0;
    return AMPEL_E_IO;
  }
  s->in_tx = 0;
  return AMPEL_OK;
}

static ampel_status sq_rollback(void *impl) {
  sq *s = impl;
  if (!s->in_tx)
    return AMPEL_OK;
  s->in_tx = 0;
  ampel_sqlite_block_reset(&s->stage);
  ampel_idmap_release(&s->areas);
  ampel_idmap_release(&s->inds);
  ampel_idmap_release(&s->periods);
  return exec(s, "ROLLBACK");
}

static void bind_text_or_null(sqlite3_stmt *q, int i, const char *t) {
  if (t)
    sqlite3_bind_text(q, i, t, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null(q, i);
}
static void bind_real_or_null(sqlite3_stmt *q, int i, double v) {
  if (isnan(v))
    sqlite3_bind_null(q, i);
  else
    sqlite3_bind_double(q, i, v);
}

/* Runs an upsert ... RETURNING id and records key → id in m. */
static ampel_status upsert_returning(sq *s, sqlite3_stmt *q, idmap *m,
                                     const char *key) {
  ampel_status st = AMPEL_E_IO;
  if (step(s, q) == SQLITE_ROW)
    st = ampel_idmap_put(m, key, sqlite3_column_int64(q, 0));
  int rc;
  while ((rc = step(s, q)) == SQLITE_ROW)
    ;
  if (st == AMPEL_OK && rc != SQLITE_DONE)
    st = AMPEL_E_IO;
  sqlite3_finalize(q);
  return st;
}

static ampel_status sq_put_area(void *impl, const ampel_area *a) {
  sq *s = impl;
  sqlite3_stmt *q = NULL;
  if (!s->in_tx)
    return AMPEL_E_USAGE;
  if (prepare(
          s,
          "INSERT INTO area(key,name,parent,level,population,tile_row,"
          "tile_col,lat,lon,valid_from,valid_to) VALUES(?,?,?,?,?,?,?,?,?,?,"
          "?) ON CONFLICT(key) DO "
          "UPDATE SET name=excluded.name,parent=excluded.parent,"
          "level=excluded.level,population=excluded.population,"
          "tile_row=excluded.tile_row,tile_col=excluded.tile_col,"
          "lat=excluded.lat,lon=excluded.lon,valid_from=excluded.valid_from,"
          "valid_to=excluded.valid_to RETURNING id",
          -1, &q, NULL) != SQLITE_OK)
    return AMPEL_E_IO;
  bind_text_or_null(q, 1, a->key);
  bind_text_or_null(q, 2, a->name);
  bind_text_or_null(q, 3, a->parent);
  bind_text_or_null(q, 4, a->level);
  bind_real_or_null(q, 5, a->population);
  if (a->tile_row != AMPEL_NO_TILE && a->tile_col != AMPEL_NO_TILE) {
    sqlite3_bind_int(q, 6, a->tile_row);
    sqlite3_bind_int(q, 7, a->tile_col);
  }
  bind_real_or_null(q, 8, a->lat);
  bind_real_or_null(q, 9, a->lon);
  bind_text_or_null(q, 10, a->valid_from);
  bind_text_or_null(q, 11, a->valid_to);
  return upsert_returning(s, q, &s->areas, a->key);
}

static ampel_status sq_put_indicator(void *impl, const ampel_indicator *ind) {
  sq *s = impl;
  sqlite3_stmt *q = NULL;
  if (!s->in_tx)
    return AMPEL_E_USAGE;
  if (prepare(s,
              "INSERT INTO indicator(key,name,unit,polarity,domain,definition,"
              "source,reference_date,decimals,secrecy,kind,formula,aggregation,"
              "shown) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,coalesce(?14,1)) "
              "ON CONFLICT(key) DO UPDATE SET name=excluded.name,"
              "unit=excluded.unit,polarity=excluded.polarity,"
              "domain=excluded.domain,definition=excluded.definition,"
              "source=excluded.source,reference_date=excluded.reference_date,"
              "decimals=excluded.decimals,secrecy=excluded.secrecy,"
              "kind=excluded.kind,formula=excluded.formula,"
              "aggregation=excluded.aggregation,"
              "shown=coalesce(?14,indicator.shown) RETURNING id",
              -1, &q, NULL) != SQLITE_OK)
    return AMPEL_E_IO;
  bind_text_or_null(q, 1, ind->key);
  bind_text_or_null(q, 2, ind->name);
  bind_text_or_null(q, 3, ind->unit);
  bind_text_or_null(q, 4, ampel_polarity_name(ind->polarity));
  bind_text_or_null(q, 5, ind->domain);
  bind_text_or_null(q, 6, ind->definition);
  bind_text_or_null(q, 7, ind->source);
  bind_text_or_null(q, 8, ind->reference_date);
  if (ind->decimals >= 0)
    sqlite3_bind_int(q, 9, ind->decimals);
  if (ind->secrecy != AMPEL_SECRECY_UNSET)
    sqlite3_bind_int(q, 10, ind->secrecy == AMPEL_SECRECY_YES);
  bind_text_or_null(q, 11, ampel_ind_kind_name(ind->kind));
  bind_text_or_null(q, 12, ind->formula);
  bind_text_or_null(q, 13, ampel_aggregation_name(ind->aggregation));
  if (ind->shown != AMPEL_SHOWN_UNSET) /* NULL keeps the stored choice */
    sqlite3_bind_int(q, 14, ind->shown == AMPEL_SHOWN_YES);
  return upsert_returning(s, q, &s->inds, ind->key);
}

static ampel_status sq_put_period(void *impl, const char *label,
                                  int32_t sort_key) {
  sq *s = impl;
  sqlite3_stmt *q = NULL;
  if (!s->in_tx)
    return AMPEL_E_USAGE;
  if (ampel_idmap_get(&s->periods, label) >= 0)
    return AMPEL_OK;
  if (prepare(s,
              "INSERT INTO period(label,sort_key) VALUES(?,?) "
              "ON CONFLICT(label) DO UPDATE SET "
              "sort_key=excluded.sort_key RETURNING id",
              -1, &q, NULL) != SQLITE_OK)
    return AMPEL_E_IO;
  sqlite3_bind_text(q, 1, label, -1, SQLITE_STATIC);
  sqlite3_bind_int(q, 2, sort_key);
  return upsert_returning(s, q, &s->periods, label);
}

static ampel_status sq_put_observation(void *impl, const char *area,
                                       const char *ind, const char *period,
                                       double v, double num, double den,
                                       ampel_flag flag) {
  sq *s = impl;
  if (!s->in_tx)
    return AMPEL_E_USAGE;
  long a = cached_get(&s->areas, &s->last_area, area),
       i = cached_get(&s->inds, &s->last_ind, ind),
       p = cached_get(&s->periods, &s->last_period, period);
  if (a < 0 || i < 0 || p < 0)
    return AMPEL_E_NOT_FOUND;
  ampel_status st = ampel_sqlite_block_put(
      &s->stage, i, p, a, ampel_flag_has_value(flag) ? v : NAN, num, den,
      (int)flag);
  if (st != AMPEL_OK)
    return st;
  if (s->stage.pending >= AMPEL_SQLITE_BLOCK_PENDING_MAX) {
    st = ampel_sqlite_block_flush(s->db, &s->stage, s->import_id, &s->n_new,
                                  &s->n_changed);
    if (st == AMPEL_E_IO)
      note_rc(s, sqlite3_errcode(s->db));
  }
  return st;
}

/* Runs one statement with the text parameters t[0..nt-1] and then the
 * optional double d and integer i (when i >= 0); *out (may be NULL) gets
 * the first column of the first row. */
static ampel_status conv_exec(sq *s, const char *sql, const char *const *t,
                              int nt, double d, long i, long *out) {
  sqlite3_stmt *q = NULL;
  if (sqlite3_prepare_v2(s->db, sql, -1, &q, NULL) != SQLITE_OK)
    return AMPEL_E_IO;
  int k = 1;
  for (int j = 0; j < nt; j++)
    sqlite3_bind_text(q, k++, t[j], -1, SQLITE_STATIC);
  if (!isnan(d))
    sqlite3_bind_double(q, k++, d);
  if (i >= 0)
    sqlite3_bind_int64(q, k++, i);
  int rc = sqlite3_step(q);
  if (rc == SQLITE_ROW && out)
    *out = (long)sqlite3_column_int64(q, 0);
  while (rc == SQLITE_ROW)
    rc = sqlite3_step(q);
  sqlite3_finalize(q);
  return rc == SQLITE_DONE ? AMPEL_OK : AMPEL_E_IO;
}

static ampel_status sq_put_conversion(void *impl, const char *old_key,
                                      const char *const *new_keys,
                                      const double *shares, size_t n) {
  sq *s = impl;
  if (!s->in_tx || s->version < 5)
    return AMPEL_E_USAGE;
  const char *k1[] = {old_key};
  long cur = 0, same = 0;
  ampel_status st =
      conv_exec(s,
                "SELECT count(*) FROM conversion WHERE old_key=? AND "
                "ds_to IS NULL",
                k1, 1, NAN, -1, &cur);
  for (size_t j = 0; st == AMPEL_OK && j < n; j++) {
    const char *k2[] = {old_key, new_keys[j]};
    long hit = 0;
    st = conv_exec(s,
                   "SELECT count(*) FROM conversion WHERE old_key=? AND "
                   "new_key=? AND share=? AND ds_to IS NULL",
                   k2, 2, shares[j], -1, &hit);
    same += hit;
  }
  if (st != AMPEL_OK || (cur == (long)n && same == (long)n))
    return st; /* unchanged: nothing written */
  /* rows this Datenstand wrote already are replaced, older ones closed */
  st = conv_exec(s, "DELETE FROM conversion WHERE old_key=? AND ds_from=?", k1,
                 1, NAN, s->import_id, NULL);
  if (st == AMPEL_OK)
    st = conv_exec(s,
                   "UPDATE conversion SET ds_to=?2 WHERE old_key=?1 AND "
                   "ds_to IS NULL",
                   k1, 1, NAN, s->import_id, NULL);
  for (size_t j = 0; st == AMPEL_OK && j < n; j++) {
    const char *k2[] = {old_key, new_keys[j]};
    st = conv_exec(s,
                   "INSERT INTO conversion(old_key,new_key,share,ds_from) "
                   "VALUES(?,?,?,?)",
                   k2, 2, shares[j], s->import_id, NULL);
  }
  return st;
}

static ampel_status previous_digest(sq *s, char out[65]) {
  sqlite3_stmt *q = NULL;
  out[0] = '\0';
  if (prepare(s,
              "SELECT digest FROM datenstand ORDER BY id DESC "
              "LIMIT 1",
              -1, &q, NULL) != SQLITE_OK)
    return AMPEL_E_IO;
  int rc = step(s, q);
  if (rc == SQLITE_ROW) {
    const char *d = col_text(q, 0);
    snprintf(out, 65, "%s", d ? d : "");
    rc = step(s, q);
  }
  sqlite3_finalize(q);
  return rc == SQLITE_DONE ? AMPEL_OK : AMPEL_E_IO;
}

static ampel_status sq_log_import(void *impl, const ampel_import_file *files,
                                  size_t n, int64_t when) {
  sq *s = impl;
  if (!s->in_tx)
    return AMPEL_E_USAGE;
  /* digest = sha256(previous digest || each file's sha256) */
  char prev[65], digest[65];
  ampel_status st = previous_digest(s, prev);
  if (st == AMPEL_OK)
    st = ampel_store_chain_digest(prev, files, n, digest);
  sqlite3_stmt *q = NULL;
  if (st == AMPEL_OK &&
      prepare(s,
              "INSERT INTO datenstand(id,created,kind,parent,"
              "digest) VALUES(?1,?2,'import',(SELECT max(id) FROM"
              " datenstand WHERE id<?1),?3)",
              -1, &q, NULL) == SQLITE_OK) {
    sqlite3_bind_int64(q, 1, s->import_id);
    sqlite3_bind_int64(q, 2, when);
    sqlite3_bind_text(q, 3, digest, -1, SQLITE_STATIC);
    if (step(s, q) != SQLITE_DONE)
      st = AMPEL_E_IO;
  } else if (st == AMPEL_OK) {
    st = AMPEL_E_IO;
  }
  sqlite3_finalize(q);
  q = NULL;
  if (st == AMPEL_OK &&
      prepare(s,
              "INSERT INTO datenstand_file(datenstand,pos,name,"
              "sha256,kind,rows) VALUES(?,?,?,?,?,?)",
              -1, &q, NULL) != SQLITE_OK)
    st = AMPEL_E_IO;
  for (size_t i = 0; st == AMPEL_OK && i < n; i++) {
    sqlite3_bind_int64(q, 1, s->import_id);
    sqlite3_bind_int64(q, 2, (sqlite3_int64)i);
    sqlite3_bind_text(q, 3, files[i].name, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 4, files[i].sha256, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 5, files[i].kind, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 6, files[i].rows);
    if (step(s, q) != SQLITE_DONE)
      st = AMPEL_E_IO;
    sqlite3_reset(q);
  }
  sqlite3_finalize(q);
  return st;
}

static ampel_status sq_data_version(void *impl, ampel_data_version *out) {
  sq *s = impl;
  sqlite3_stmt *q = NULL;
  memset(out, 0, sizeof *out);
  if (prepare(s,
              s->version < 4 ? "SELECT id,time,digest,(SELECT count(*) FROM "
                               "import) FROM import ORDER BY id DESC LIMIT 1"
                             : "SELECT id,created,digest,(SELECT count(*) FROM "
                               "datenstand) FROM datenstand ORDER BY id DESC "
                               "LIMIT 1",
              -1, &q, NULL) != SQLITE_OK)
    return AMPEL_E_IO;
  int rc = step(s, q);
  if (rc == SQLITE_ROW) {
    out->id = sqlite3_column_int64(q, 0);
    out->when = sqlite3_column_int64(q, 1);
    const char *d = col_text(q, 2);
    snprintf(out->digest, sizeof out->digest, "%.12s", d ? d : "");
    out->n_imports = sqlite3_column_int64(q, 3);
    rc = step(s, q);
  }
  sqlite3_finalize(q);
  return rc == SQLITE_DONE ? AMPEL_OK : AMPEL_E_IO;
}

static ampel_status sq_import_log(void *impl, ampel_import_log_fn fn,
                                  void *ud) {
  sq *s = impl;
  sqlite3_stmt *q = NULL;
  if (prepare(s,
              s->version < 4
                  ? "SELECT i.id,i.time,f.name,f.sha256,f.kind,f.rows "
                    "FROM import i JOIN import_file f ON f.import_id=i.id"
                    " ORDER BY i.id DESC, f.pos"
                  : "SELECT d.id,d.created,f.name,f.sha256,f.kind,f.rows "
                    "FROM datenstand d JOIN datenstand_file f ON "
                    "f.datenstand=d.id ORDER BY d.id DESC, f.pos",
              -1, &q, NULL) != SQLITE_OK)
    return AMPEL_E_IO;
  int rc;
  while ((rc = step(s, q)) == SQLITE_ROW)
    if (fn(ud, sqlite3_column_int64(q, 0), sqlite3_column_int64(q, 1),
           col_text(q, 2), col_text(q, 3), col_text(q, 4),
           sqlite3_column_int64(q, 5))) {
      rc = SQLITE_DONE; /* the callback stopped early */
      break;
    }
  sqlite3_finalize(q);
  return rc == SQLITE_DONE ? AMPEL_OK : AMPEL_E_IO;
}

static ampel_status sq_config_get(void *impl, const char *key, char **out) {
  sq *s = impl;
  sqlite3_stmt *q = NULL;
  *out = NULL;
  if (prepare(s, "SELECT value FROM meta WHERE key=?", -1, &q, NULL) !=
      SQLITE_OK)
    return AMPEL_E_IO;
  sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
  ampel_status st = AMPEL_OK;
  int rc = step(s, q);
  if (rc == SQLITE_ROW) {
    *out = ampel_strdup(col_text(q, 0));
    if (!*out)
      st = AMPEL_E_NOMEM;
    rc = step(s, q);
  }
  if (st == AMPEL_OK && rc != SQLITE_DONE) {
    ampel_free(*out);
    *out = NULL;
    st = AMPEL_E_IO;
  }
  sqlite3_finalize(q);
  return st;
}

static ampel_status sq_config_set(void *impl, const char *key,
                                  const char *value) {
  sq *s = impl;
  sqlite3_stmt *q = NULL;
  if (!s->in_tx)
    reset_rc(s);
  if (prepare(s,
              "INSERT INTO meta(key,value) VALUES(?,?) ON "
              "CONFLICT(key) DO UPDATE SET value=excluded.value",
              -1, &q, NULL) != SQLITE_OK)
    return AMPEL_E_IO;
  sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_text(q, 2, value, -1, SQLITE_STATIC);
  ampel_status st = step(s, q) == SQLITE_DONE ? AMPEL_OK : AMPEL_E_IO;
  sqlite3_finalize(q);
  return st;
}

/* ---- geometry (store/sqlite_geo.c does the SQL) ----------------------- */

static ampel_status sq_put_geometry(void *impl, const char *area, int epsg,
                                    const ampel_shape *shape) {
  sq *s = impl;
  if (!s->in_tx)
    return AMPEL_E_USAGE;
  long a = ampel_idmap_get(&s->areas, area);
  if (a < 0)
    return AMPEL_E_NOT_FOUND;
  ampel_status st = ampel_sqlite_geo_put(s->db, a, epsg, shape);
  if (st == AMPEL_E_IO)
    note_rc(s, sqlite3_extended_errcode(s->db));
  return st;
}

static ampel_status sq_put_neighbour(void *impl, const char *area,
                                     const char *other) {
  sq *s = impl;
  if (!s->in_tx)
    return AMPEL_E_USAGE;
  long a = ampel_idmap_get(&s->areas, area);
  long b = other ? ampel_idmap_get(&s->areas, other) : a;
  if (a < 0 || b < 0)
    return AMPEL_E_NOT_FOUND;
  ampel_status st = other ? ampel_sqlite_geo_put_neighbour(s->db, a, b)
                          : ampel_sqlite_geo_clear_neighbours(s->db, a);
  if (st == AMPEL_E_IO)
    note_rc(s, sqlite3_extended_errcode(s->db));
  return st;
}

const char *ampel_sqlite_last_error(void *impl) {
  sq *s = impl;
  return s->err_rc ? s->err_text : NULL;
}

static ampel_status sq_load_geometry(void *impl, ampel_geoset **out,
                                     ampel_diags *diags) {
  sq *s = impl;
  return ampel_sqlite_geo_load(s->db, out, diags);
}

/* ---- Datenstände ------------------------------------------------------ */

/* The first and last Datenstand id and how many there are (0 when none). */
static ampel_status datenstand_range(sq *s, long *out_min, long *out_max,
                                     long *out_n) {
  sqlite3_stmt *q = NULL;
  *out_min = *out_max = *out_n = 0;
  if (prepare(s,
              s->version < 4 ? "SELECT min(id),max(id),count(*) FROM import"
                             : "SELECT min(id),max(id),count(*) FROM "
                               "datenstand",
              -1, &q, NULL) != SQLITE_OK)
    return AMPEL_E_IO;
  int rc = step(s, q);
  if (rc == SQLITE_ROW) {
    *out_min = (long)sqlite3_column_int64(q, 0);
    *out_max = (long)sqlite3_column_int64(q, 1);
    *out_n = (long)sqlite3_column_int64(q, 2);
    rc = step(s, q);
  }
  sqlite3_finalize(q);
  return rc == SQLITE_DONE ? AMPEL_OK : AMPEL_E_IO;
}

static ampel_status sq_set_datenstand(void *impl, long id, ampel_diags *diags) {
  sq *s = impl;
  if (id == 0) {
    s->datenstand = 0;
    return AMPEL_OK;
  }
  long min = 0, max = 0, n = 0, found = 0;
  ampel_status st = datenstand_range(s, &min, &max, &n);
  if (st != AMPEL_OK)
    return db_error(s, diags, "Datenstände lesen");
  sqlite3_stmt *q = NULL;
  if (id > 0 && s->version >= 4) {
    if (prepare(s, "SELECT 1 FROM datenstand WHERE id=?", -1, &q, NULL) !=
        SQLITE_OK)
      return db_error(s, diags, "Datenstände lesen");
    sqlite3_bind_int64(q, 1, id);
    int rc = step(s, q);
    found = rc == SQLITE_ROW;
    sqlite3_finalize(q);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
      return db_error(s, diags, "Datenstände lesen");
  }
  if (found) {
    s->datenstand = id;
    return AMPEL_OK;
  }
  if (n == 0)
    ampel_diags_error(diags, AMPEL_E_USAGE,
                      "unbekannter Datenstand %ld (noch keiner vorhanden)", id);
  else if (s->version < 4)
    ampel_diags_error(diags, AMPEL_E_USAGE,
                      "unbekannter Datenstand %ld (die Datenbank hat "
                      "Schema-Version %d und keine Geschichte; bitte einmal "
                      "'ampel import' ausführen)",
                      id, s->version);
  else if (n == max - min + 1)
    ampel_diags_error(diags, AMPEL_E_USAGE,
                      "unbekannter Datenstand %ld (vorhanden: %ld bis %ld)", id,
                      min, max);
  else
    ampel_diags_error(diags, AMPEL_E_USAGE,
                      "unbekannter Datenstand %ld (vorhanden: %ld "
                      "Datenstände von %ld bis %ld)",
                      id, n, min, max);
  return AMPEL_E_USAGE;
}

static ampel_status sq_datenstand_list(void *impl, ampel_datenstand_fn fn,
                                       void *ud) {
  sq *s = impl;
  sqlite3_stmt *q = NULL;
  if (prepare(s,
              s->version < 4
                  ? "SELECT id,time,'import',digest,NULL,NULL,NULL FROM import "
                    "ORDER BY id DESC"
                  : "SELECT id,created,kind,digest,n_new,n_changed,n_removed,"
                    "parent,user_name,note FROM datenstand ORDER BY id DESC",
              -1, &q, NULL) != SQLITE_OK)
    return AMPEL_E_IO;
  int rc;
  while ((rc = step(s, q)) == SQLITE_ROW) {
    ampel_datenstand_info d = {0};
    d.id = (long)sqlite3_column_int64(q, 0);
    d.created = sqlite3_column_int64(q, 1);
    d.kind = col_text(q, 2);
    d.digest = col_text(q, 3);
    for (int k = 0; k < 3; k++) {
      long v = sqlite3_column_type(q, 4 + k) == SQLITE_NULL
                   ? -1
                   : (long)sqlite3_column_int64(q, 4 + k);
      *(k == 0 ? &d.n_new : k == 1 ? &d.n_changed : &d.n_removed) = v;
    }
    if (s->version >= 4) {
      d.parent = (long)sqlite3_column_int64(q, 7);
      d.user_name = col_text(q, 8);
      d.note = col_text(q, 9);
    }
    if (fn(ud, &d)) {
      rc = SQLITE_DONE; /* the callback stopped early */
      break;
    }
  }
  sqlite3_finalize(q);
  return rc == SQLITE_DONE ? AMPEL_OK : AMPEL_E_IO;
}

/* ---- issue 12: who made a Datenstand, rollback ------------------------ */

static ampel_status sq_annotate(void *impl, const char *kind, long parent,
                                const char *user_name, const char *note) {
  sq *s = impl;
  if (!s->in_tx)
    return AMPEL_E_USAGE;
  sqlite3_stmt *q = NULL;
  if (prepare(s,
              "UPDATE datenstand SET kind=coalesce(?1,kind),"
              "parent=CASE WHEN ?2>0 THEN ?2 ELSE parent END,"
              "user_name=?3,note=?4 WHERE id=?5",
              -1, &q, NULL) != SQLITE_OK)
    return AMPEL_E_IO;
  bind_text_or_null(q, 1, kind);
  sqlite3_bind_int64(q, 2, parent);
  bind_text_or_null(q, 3, user_name);
  bind_text_or_null(q, 4, note);
  sqlite3_bind_int64(q, 5, s->import_id);
  int rc = step(s, q);
  sqlite3_finalize(q);
  return rc == SQLITE_DONE ? AMPEL_OK : AMPEL_E_IO;
}

/* Runs one statement with ?1 = this transaction's Datenstand, ?2 = the
 * target; *out the rows it changed (or the count it selected). */
static ampel_status revert_step(sq *s, const char *sql, long to, long *out) {
  sqlite3_stmt *q = NULL;
  if (prepare(s, sql, -1, &q, NULL) != SQLITE_OK)
    return AMPEL_E_IO;
  sqlite3_bind_int64(q, 1, s->import_id);
  sqlite3_bind_int64(q, 2, to);
  int rc = step(s, q);
  if (out)
    *out = rc == SQLITE_ROW ? (long)sqlite3_column_int64(q, 0)
                            : (long)sqlite3_changes(s->db);
  if (rc == SQLITE_ROW)
    rc = step(s, q);
  sqlite3_finalize(q);
  return rc == SQLITE_DONE ? AMPEL_OK : AMPEL_E_IO;
}

/* Rollback to Datenstand ?2 as Datenstand ?1 (store-schema.md): close the
 * current rows that do not hold in ?2 (unless ?2's row of the cell is
 * equal), then copy the rows holding in ?2 whose cell has no current row.
 * A cell both closed and copied is changed; closed only, removed; copied
 * only, new. */
static ampel_status sq_revert(void *impl, long to) {
  sq *s = impl;
  if (!s->in_tx)
    return AMPEL_E_USAGE;
  static const char close_obs[] =
      "UPDATE observation SET ds_to=?1 WHERE ds_to IS NULL AND ds_from>?2 "
      "AND NOT EXISTS (SELECT 1 FROM observation h WHERE "
      "h.indicator=observation.indicator AND h.period=observation.period AND "
      "h.area=observation.area AND h.ds_from<=?2 AND h.ds_to>?2 AND "
      "h.value IS observation.value AND h.numerator IS observation.numerator "
      "AND h.denominator IS observation.denominator AND "
      "h.flag IS observation.flag)";
  static const char copy_obs[] =
      "INSERT INTO observation(indicator,period,area,ds_from,ds_to,value,"
      "numerator,denominator,flag) SELECT h.indicator,h.period,h.area,?1,"
      "NULL,h.value,h.numerator,h.denominator,h.flag FROM observation h "
      "WHERE h.ds_from<=?2 AND h.ds_to>?2 AND NOT EXISTS (SELECT 1 FROM "
      "observation c WHERE c.indicator=h.indicator AND c.period=h.period "
      "AND c.area=h.area AND c.ds_to IS NULL) "
      "ORDER BY h.indicator,h.period,h.area";
  static const char both_obs[] =
      "SELECT count(*) FROM observation a WHERE a.ds_from=?1 AND EXISTS "
      "(SELECT 1 FROM observation b WHERE b.indicator=a.indicator AND "
      "b.period=a.period AND b.area=a.area AND b.ds_to=?1)";
  /* conversion keys: the same for whole old areas (schema 5) */
  static const char close_conv[] =
      "UPDATE conversion SET ds_to=?1 WHERE ds_to IS NULL AND ds_from>?2";
  static const char copy_conv[] =
      "INSERT INTO conversion(old_key,new_key,share,ds_from,ds_to) SELECT "
      "old_key,new_key,share,?1,NULL FROM conversion WHERE ds_from<=?2 AND "
      "ds_to>?2 AND ds_to<>?1";
  if (s->version >= 7) {
    ampel_status st = ampel_sqlite_block_revert(s->db, s->import_id, to,
                                                &s->n_new, &s->n_changed,
                                                &s->n_removed);
    if (st == AMPEL_E_IO)
      note_rc(s, sqlite3_errcode(s->db));
    if (st == AMPEL_OK)
      st = revert_step(s, close_conv, to, NULL);
    if (st == AMPEL_OK)
      st = revert_step(s, copy_conv, to, NULL);
    return st;
  }
  long closed = 0, copied = 0, both = 0;
  ampel_status st = revert_step(s, close_obs, to, &closed);
  if (st == AMPEL_OK)
    st = revert_step(s, copy_obs, to, &copied);
  if (st == AMPEL_OK)
    st = revert_step(s, both_obs, to, &both);
  if (st == AMPEL_OK && s->version >= 5)
    st = revert_step(s, close_conv, to, NULL);
  if (st == AMPEL_OK && s->version >= 5)
    st = revert_step(s, copy_conv, to, NULL);
  if (st != AMPEL_OK)
    return st;
  s->n_changed += both;
  s->n_removed += closed - both;
  s->n_new += copied - both;
  return AMPEL_OK;
}

/* ---- accounts (schema version 6; SQL in store/accounts.c) ------------ */

static ampel_status sq_acct_exec(void *impl, const char *sql, int n,
                                 const char *types, const char *const *params,
                                 ampel_row_fn fn, void *ud, long *changes) {
  sq *s = impl;
  if (s->version < 6)
    return AMPEL_E_USAGE;
  sqlite3_stmt *q = NULL;
  if (prepare(s, sql, -1, &q, NULL) != SQLITE_OK)
    return AMPEL_E_IO;
  for (int i = 0; i < n; i++) {
    char name[16];
    snprintf(name, sizeof name, "$%d", i + 1);
    int k = sqlite3_bind_parameter_index(q, name);
    if (k <= 0 || !params[i])
      continue; /* unbound parameters are NULL */
    if (types[i] == 'i')
      sqlite3_bind_int64(q, k, strtoll(params[i], NULL, 10));
    else
      sqlite3_bind_text(q, k, params[i], -1, SQLITE_STATIC);
  }
  int rc, stop = 0;
  const char *cols[16];
  while (!stop && (rc = step(s, q)) == SQLITE_ROW) {
    int nc = sqlite3_column_count(q);
    if (nc > 16)
      nc = 16;
    for (int c = 0; c < nc; c++)
      cols[c] = col_text(q, c);
    stop = fn ? fn(ud, nc, cols) : 0;
  }
  if (stop)
    rc = SQLITE_DONE;
  if (changes)
    *changes = rc == SQLITE_DONE ? (long)sqlite3_changes(s->db) : 0;
  sqlite3_finalize(q);
  if (rc == SQLITE_DONE)
    return AMPEL_OK;
  return (rc & 0xff) == SQLITE_CONSTRAINT ? AMPEL_E_DATA : rc_status(rc);
}

const ampel_store_ops ampel_sqlite_ops = {
    "sqlite",           sq_close,           sq_load,
    sq_begin,           sq_commit,          sq_rollback,
    sq_put_area,        sq_put_indicator,   sq_put_period,
    sq_put_observation, sq_log_import,      sq_data_version,
    sq_import_log,      sq_config_get,      sq_config_set,
    sq_put_geometry,    sq_put_neighbour,   sq_load_geometry,
    sq_set_datenstand,  sq_datenstand_list, sq_next_datenstand,
    sq_begin_read,      sq_end_read,        sq_put_conversion,
    sq_annotate,        sq_revert,
    sq_acct_exec,
};
