/* store/sqlite_block.h - internal: the values of the SQLite engine in
 * blocks (schema version 7; store/block.h, docs/dev/store-schema.md
 * "Block layout"). sqlite.c resolves keys to ids and calls these.
 *
 * Table: block(id, indicator, period, ds_from, ds_to, n, data): one row
 * per indicator x period and Datenstand that changed it; the row holds in
 * Datenstand N when ds_from <= N < coalesce(ds_to, infinity), like the
 * observation rows of versions 4 to 6 did per cell. */
#ifndef AMPEL_STORE_SQLITE_BLOCK_H
#define AMPEL_STORE_SQLITE_BLOCK_H

#include <pthread.h>
#include <sqlite3.h>

#include "store/block.h"

/* Migration 6 → 7 (the SQL part; sqlite.c then calls
 * ampel_sqlite_block_convert and drops observation). A rowid table, not
 * WITHOUT ROWID: its rows are blobs of many kilobytes. */
#define AMPEL_SQLITE_BLOCK_MIGRATION                                          \
  "CREATE TABLE block(id INTEGER PRIMARY KEY, indicator INTEGER NOT NULL,"   \
  " period INTEGER NOT NULL, ds_from INTEGER NOT NULL, ds_to INTEGER,"       \
  " n INTEGER NOT NULL, data BLOB NOT NULL);"                                \
  "CREATE UNIQUE INDEX block_key ON block(indicator, period, ds_from);"      \
  "CREATE INDEX block_current ON block(indicator, period) WHERE ds_to IS "   \
  "NULL;"

/* Rewrites every row of the version 6 table observation into blocks with
 * the same history: per indicator x period, one block per interval
 * between the Datenstände at which any of its cells began or ended. */
ampel_status ampel_sqlite_block_convert(sqlite3 *db);

/* The cells one write transaction has put and not yet merged, per block;
 * and per block which areas this Datenstand has put (a second value for
 * a cell is a duplicate). */
typedef struct sqb_block sqb_block;

/* Scratch buffers of one merging thread, kept between blocks. */
typedef struct sqb_work {
  int32_t *scratch; /* for ampel_bcells_sort */
  size_t scratch_n;
  ampel_bcells old, out;
} sqb_work;

/* A block's cells handed to the writer thread. */
typedef struct sqb_batch_block {
  long ind, period;
  uint32_t span; /* area ids are below it */
  ampel_bcells cells;
} sqb_batch_block;

typedef struct sqb_stage {
  sqb_block *b;
  size_t n, cap;
  size_t *slot; /* open addressing over b: index + 1, 0 = empty */
  size_t n_slot;
  size_t *grid;   /* ind * grid_p + period -> index + 1, 0 = see slot */
  size_t grid_i, grid_p;
  size_t last;    /* index + 1 of the block of the last put */
  size_t pending; /* cells put since the last merge or flush */
  sqb_work mw;    /* the calling thread's merges */
  /* the writer thread (ampel_sqlite_block_flush): merges one batch while
   * the import goes on; at most one batch at a time */
  sqb_batch_block *batch;
  size_t n_batch, cap_batch;
  pthread_t writer;
  int writing;
  sqlite3 *db;
  long ds;
  sqb_work bw;
  ampel_status bt_status;
  long bt_new, bt_changed;
} sqb_stage;

/* sqlite.c merges before the stage holds more cells than this (about
 * 64 MB), so an import of any size stages in bounded memory; a block that
 * comes in pieces is then rewritten once per piece (in place: its row is
 * this Datenstand's own). */
#define AMPEL_SQLITE_BLOCK_PENDING_MAX ((size_t)1 << 20)

/* Forgets everything staged (a new Datenstand may put every cell again). */
void ampel_sqlite_block_reset(sqb_stage *s);
void ampel_sqlite_block_release(sqb_stage *s);

/* Stages one cell. AMPEL_E_DATA when this Datenstand already put it. */
ampel_status ampel_sqlite_block_put(sqb_stage *s, long ind, long period,
                                    long area, double v, double num,
                                    double den, int flag);

/* Hands the staged cells to a writer thread that merges them as
 * ampel_sqlite_block_merge does, while the caller goes on putting (after
 * waiting for the previous batch, whose counts and status it returns).
 * The connection must be serialized (SQLITE_OPEN_FULLMUTEX): both threads
 * use it inside the one transaction. */
ampel_status ampel_sqlite_block_flush(sqlite3 *db, sqb_stage *s, long ds,
                                      long *n_new, long *n_changed);

/* Applies the staged cells as Datenstand ds (after the writer thread's
 * batch, if one runs): per block, the cells over the
 * current block; an unchanged block is left alone, a changed one closes
 * the current row (ds_to = ds) and gets a new row, or, when the current
 * row is ds's own, is rewritten. Adds the cells that had no value before
 * to *n_new and the changed ones to *n_changed. AMPEL_E_IO on a SQLite
 * failure (the caller reads the code from the connection). */
ampel_status ampel_sqlite_block_merge(sqlite3 *db, sqb_stage *s, long ds,
                                      long *n_new, long *n_changed);

/* Rollback to Datenstand `to` as Datenstand ds: every block whose current
 * state differs from its state in `to` gets that state (a copy of the
 * blob as a new row, or no current row when it had none). Counts by
 * cell. */
ampel_status ampel_sqlite_block_revert(sqlite3 *db, long ds, long to,
                                       long *n_new, long *n_changed,
                                       long *n_removed);

/* Receives one block's cells (ascending area ids) during a load. */
typedef ampel_status (*sqb_cells_fn)(void *ud, long ind, long period,
                                     const ampel_bcells *cells);

/* Reads the blocks holding at Datenstand ds (0 = current) into fn: all
 * of them when inds is NULL, otherwise those of the ni x np named ids.
 * AMPEL_E_DATA for a damaged blob, AMPEL_E_IO for a SQLite failure, else
 * fn's status. */
ampel_status ampel_sqlite_block_load(sqlite3 *db, long ds, const long *inds,
                                     size_t ni, const long *pers, size_t np,
                                     sqb_cells_fn fn, void *ud);

#endif
