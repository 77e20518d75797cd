/* The values of the SQLite engine in blocks (sqlite_block.h). */
#include "store/sqlite_block.h"

#include <limits.h>
#include <pthread.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ampel/alloc.h"

struct sqb_block {
  long ind, period;
  ampel_bcells cells; /* put since the last merge */
  uint64_t *seen;    /* areas put in this Datenstand */
  size_t seen_words;
};

static ampel_status join_writer(sqb_stage *s, long *n_new, long *n_changed);
static void work_release(sqb_work *w);

void ampel_sqlite_block_reset(sqb_stage *s) {
  join_writer(s, NULL, NULL); /* its work is dropped with the transaction */
  for (size_t k = 0; k < s->n; k++) {
    ampel_bcells_release(&s->b[k].cells);
    ampel_free(s->b[k].seen);
  }
  s->n = 0;
  s->last = 0;
  s->pending = 0;
  if (s->slot)
    memset(s->slot, 0, s->n_slot * sizeof *s->slot);
  if (s->grid)
    memset(s->grid, 0, s->grid_i * s->grid_p * sizeof *s->grid);
}

void ampel_sqlite_block_release(sqb_stage *s) {
  ampel_sqlite_block_reset(s);
  ampel_free(s->b);
  ampel_free(s->slot);
  ampel_free(s->batch);
  ampel_free(s->grid);
  work_release(&s->mw);
  work_release(&s->bw);
  memset(s, 0, sizeof *s);
}

static size_t hash_pair(long ind, long period, size_t mask) {
  uint64_t h = (uint64_t)ind * 0x9E3779B97F4A7C15u ^ (uint64_t)period;
  h ^= h >> 29;
  h *= 0xBF58476D1CE4E5B9u;
  h ^= h >> 32;
  return (size_t)h & mask;
}

static ampel_status grow_slots(sqb_stage *s) {
  size_t n = s->n_slot ? 2 * s->n_slot : 256;
  size_t *slot = ampel_calloc(n, sizeof *slot);
  if (!slot)
    return AMPEL_E_NOMEM;
  for (size_t k = 0; k < s->n; k++) {
    size_t h = hash_pair(s->b[k].ind, s->b[k].period, n - 1);
    while (slot[h])
      h = (h + 1) & (n - 1);
    slot[h] = k + 1;
  }
  ampel_free(s->slot);
  s->slot = slot;
  s->n_slot = n;
  return AMPEL_OK;
}

/* Sizes the direct table (ind x period -> block index + 1) to hold
 * (ind, period) when it stays small (64 Ki entries); otherwise the hash
 * alone serves. Rebuilt from the blocks. */
static void grid_cover(sqb_stage *s, long ind, long period) {
  if (ind < 0 || period < 0)
    return;
  size_t gi = (size_t)ind + 1 > s->grid_i ? (size_t)ind + 1 : s->grid_i,
         gp = (size_t)period + 1 > s->grid_p ? (size_t)period + 1 : s->grid_p;
  if (gi <= s->grid_i && gp <= s->grid_p)
    return;
  if (gi > ((size_t)1 << 16) / gp)
    return;
  size_t *g = ampel_calloc(gi * gp, sizeof *g);
  if (!g)
    return;
  for (size_t k = 0; k < s->n; k++)
    if ((size_t)s->b[k].ind < gi && (size_t)s->b[k].period < gp)
      g[(size_t)s->b[k].ind * gp + (size_t)s->b[k].period] = k + 1;
  ampel_free(s->grid);
  s->grid = g;
  s->grid_i = gi;
  s->grid_p = gp;
}

/* The staged block of ind x period, made when missing. */
static sqb_block *find_block(sqb_stage *s, long ind, long period) {
  if (s->last) {
    sqb_block *b = &s->b[s->last - 1];
    if (b->ind == ind && b->period == period)
      return b;
  }
  if (ind >= 0 && period >= 0 && (size_t)ind < s->grid_i &&
      (size_t)period < s->grid_p) {
    size_t k = s->grid[(size_t)ind * s->grid_p + (size_t)period];
    if (k) {
      s->last = k;
      return &s->b[k - 1];
    }
  }
  if (2 * (s->n + 1) > s->n_slot && grow_slots(s) != AMPEL_OK)
    return NULL;
  size_t mask = s->n_slot - 1, h = hash_pair(ind, period, mask);
  for (; s->slot[h]; h = (h + 1) & mask) {
    sqb_block *b = &s->b[s->slot[h] - 1];
    if (b->ind == ind && b->period == period) {
      s->last = s->slot[h];
      return b;
    }
  }
  if (s->n == s->cap) {
    size_t cap = s->cap ? 2 * s->cap : 64;
    sqb_block *nb = ampel_reallocarray(s->b, cap, sizeof *nb);
    if (!nb)
      return NULL;
    s->b = nb;
    s->cap = cap;
  }
  sqb_block *b = &s->b[s->n];
  memset(b, 0, sizeof *b);
  b->ind = ind;
  b->period = period;
  s->slot[h] = ++s->n;
  s->last = s->n;
  grid_cover(s, ind, period);
  if ((size_t)ind < s->grid_i && (size_t)period < s->grid_p)
    s->grid[(size_t)ind * s->grid_p + (size_t)period] = s->n;
  return b;
}

ampel_status ampel_sqlite_block_put(sqb_stage *s, long ind, long period,
                                    long area, double v, double num,
                                    double den, int flag) {
  if (area < 0 || area > (long)UINT32_MAX - 1 || flag < 0 || flag > 255)
    return AMPEL_E_USAGE;
  sqb_block *b = find_block(s, ind, period);
  if (!b)
    return AMPEL_E_NOMEM;
  size_t w = (size_t)area / 64;
  if (w >= b->seen_words) {
    size_t n = b->seen_words ? b->seen_words : 16;
    while (n <= w)
      n *= 2;
    uint64_t *seen = ampel_reallocarray(b->seen, n, sizeof *seen);
    if (!seen)
      return AMPEL_E_NOMEM;
    memset(seen + b->seen_words, 0, (n - b->seen_words) * sizeof *seen);
    b->seen = seen;
    b->seen_words = n;
  }
  uint64_t bit = (uint64_t)1 << (area % 64);
  if (b->seen[w] & bit)
    return AMPEL_E_DATA;
  ampel_bcell c = {(uint32_t)area, (uint8_t)flag, v, num, den};
  if (ampel_bcells_push(&b->cells, &c) != AMPEL_OK)
    return AMPEL_E_NOMEM;
  b->seen[w] |= bit;
  s->pending++;
  return AMPEL_OK;
}

static int prep(sqlite3 *db, const char *sql, sqlite3_stmt **q) {
  return sqlite3_prepare_v2(db, sql, -1, q, NULL) == SQLITE_OK;
}

/* The row of ind x period that q selects (columns id, ds_from, data;
 * ?3 = at when at > 0: the row holding at Datenstand `at`, else the
 * current one): *rowid (0 when none), *ds_from, and its cells decoded
 * into cells. */
static ampel_status read_block(sqlite3_stmt *q, long ind, long period,
                               long at, sqlite3_int64 *rowid, long *ds_from,
                               ampel_bcells *cells) {
  cells->n = 0;
  *rowid = 0;
  sqlite3_reset(q);
  sqlite3_bind_int64(q, 1, ind);
  sqlite3_bind_int64(q, 2, period);
  if (at > 0)
    sqlite3_bind_int64(q, 3, at);
  int rc = sqlite3_step(q);
  ampel_status st = AMPEL_OK;
  if (rc == SQLITE_ROW) {
    *rowid = sqlite3_column_int64(q, 0);
    *ds_from = (long)sqlite3_column_int64(q, 1);
    st = ampel_block_decode(sqlite3_column_blob(q, 2),
                            (size_t)sqlite3_column_bytes(q, 2), cells);
    if (st == AMPEL_OK)
      rc = sqlite3_step(q);
  }
  sqlite3_reset(q);
  if (st == AMPEL_OK && rc != SQLITE_DONE)
    st = AMPEL_E_IO;
  return st;
}

/* Writes cells as ind x period's row of Datenstand ds: rewrites the
 * current row when it is ds's own, else closes it (when there is one) and
 * inserts. Empty cells: no new row (the block ends). */
static ampel_status write_block(sqlite3 *db, sqlite3_stmt *const q[3],
                                long ind, long period, long ds,
                                sqlite3_int64 rowid, long cur_from,
                                const ampel_bcells *cells) {
  /* q[0] rewrite (data, n, rowid), q[1] close (ds_to, rowid), q[2]
   * insert; an own row that ends empty is deleted */
  unsigned char *blob = NULL;
  size_t len = 0;
  ampel_status st = AMPEL_OK;
  if (cells->n > 0)
    st = ampel_block_encode(cells->c, cells->n, &blob, &len);
  if (st != AMPEL_OK)
    return st;
  int rc = SQLITE_DONE;
  if (rowid && cur_from == ds) {
    if (cells->n == 0) {
      char sql[96];
      snprintf(sql, sizeof sql, "DELETE FROM block WHERE id=%lld",
               (long long)rowid);
      rc = sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK ? SQLITE_DONE
                                                                : SQLITE_ERROR;
    } else {
      sqlite3_bind_blob(q[0], 1, blob, (int)len, SQLITE_STATIC);
      sqlite3_bind_int64(q[0], 2, (sqlite3_int64)cells->n);
      sqlite3_bind_int64(q[0], 3, rowid);
      rc = sqlite3_step(q[0]);
      sqlite3_reset(q[0]);
    }
  } else {
    if (rowid) {
      sqlite3_bind_int64(q[1], 1, ds);
      sqlite3_bind_int64(q[1], 2, rowid);
      rc = sqlite3_step(q[1]);
      sqlite3_reset(q[1]);
    }
    if (rc == SQLITE_DONE && cells->n > 0) {
      sqlite3_bind_int64(q[2], 1, ind);
      sqlite3_bind_int64(q[2], 2, period);
      sqlite3_bind_int64(q[2], 3, ds);
      sqlite3_bind_null(q[2], 4);
      sqlite3_bind_int64(q[2], 5, (sqlite3_int64)cells->n);
      sqlite3_bind_blob(q[2], 6, blob, (int)len, SQLITE_STATIC);
      rc = sqlite3_step(q[2]);
      sqlite3_reset(q[2]);
    }
  }
  ampel_free(blob);
  return rc == SQLITE_DONE ? AMPEL_OK : AMPEL_E_IO;
}

static const char current_sql[] =
    "SELECT id,ds_from,data FROM block WHERE indicator=?1 AND period=?2 AND "
    "ds_to IS NULL";

static ampel_status prepare_writes(sqlite3 *db, sqlite3_stmt *q[4]) {
  memset(q, 0, 4 * sizeof *q);
  if (prep(db, current_sql, &q[3]) &&
      prep(db, "UPDATE block SET data=?1,n=?2 WHERE id=?3", &q[0]) &&
      prep(db, "UPDATE block SET ds_to=?1 WHERE id=?2", &q[1]) &&
      prep(db,
           "INSERT INTO block(indicator,period,ds_from,ds_to,n,data) "
           "VALUES(?1,?2,?3,?4,?5,?6)",
           &q[2]))
    return AMPEL_OK;
  return AMPEL_E_IO;
}

static void finalize_all(sqlite3_stmt *q[4]) {
  for (int k = 0; k < 4; k++)
    sqlite3_finalize(q[k]);
}

/* Merges the cells of one block (sorted here) over its current row. */
static ampel_status merge_one(sqlite3 *db, sqlite3_stmt *const q[4],
                              long ind, long period, ampel_bcells *cells,
                              uint32_t span, long ds, sqb_work *w,
                              long *n_new, long *n_changed) {
  ampel_status st =
      ampel_bcells_sort(cells->c, cells->n, span, &w->scratch, &w->scratch_n);
  sqlite3_int64 rowid = 0;
  long cur_from = 0, nn = 0, nc = 0;
  if (st == AMPEL_OK)
    st = read_block(q[3], ind, period, 0, &rowid, &cur_from, &w->old);
  if (st == AMPEL_OK)
    st = ampel_block_merge(&w->old, cells, &w->out, &nn, &nc);
  if (st == AMPEL_OK && nn + nc > 0)
    st = write_block(db, q, ind, period, ds, rowid, cur_from, &w->out);
  if (st == AMPEL_OK) {
    *n_new += nn;
    *n_changed += nc;
  }
  return st;
}

static void work_release(sqb_work *w) {
  ampel_free(w->scratch);
  w->scratch = NULL;
  w->scratch_n = 0;
  ampel_bcells_release(&w->old);
  ampel_bcells_release(&w->out);
}

/* The writer thread: merges the batch handed over, in block order. */
static void *merge_batch(void *arg) {
  sqb_stage *s = arg;
  sqlite3_stmt *q[4];
  ampel_status st = prepare_writes(s->db, q);
  for (size_t k = 0; st == AMPEL_OK && k < s->n_batch; k++) {
    sqb_batch_block *b = &s->batch[k];
    st = merge_one(s->db, q, b->ind, b->period, &b->cells, b->span, s->ds,
                   &s->bw, &s->bt_new, &s->bt_changed);
  }
  finalize_all(q);
  for (size_t k = 0; k < s->n_batch; k++)
    ampel_bcells_release(&s->batch[k].cells);
  s->n_batch = 0;
  s->bt_status = st;
  return NULL;
}

/* Waits for the writer thread and takes its counts and status. */
static ampel_status join_writer(sqb_stage *s, long *n_new, long *n_changed) {
  if (!s->writing)
    return AMPEL_OK;
  pthread_join(s->writer, NULL);
  s->writing = 0;
  if (n_new)
    *n_new += s->bt_new;
  if (n_changed)
    *n_changed += s->bt_changed;
  s->bt_new = s->bt_changed = 0;
  return s->bt_status;
}

ampel_status ampel_sqlite_block_flush(sqlite3 *db, sqb_stage *s, long ds,
                                      long *n_new, long *n_changed) {
  ampel_status st = join_writer(s, n_new, n_changed);
  if (st != AMPEL_OK || s->pending == 0)
    return st;
  /* the staged cells become the batch; the stage starts empty again
   * (its duplicate bitmaps stay) */
  if (s->cap_batch < s->n) {
    sqb_batch_block *nb = ampel_reallocarray(s->batch, s->n, sizeof *nb);
    if (!nb)
      return ampel_sqlite_block_merge(db, s, ds, n_new, n_changed);
    s->batch = nb;
    s->cap_batch = s->n;
  }
  s->n_batch = 0;
  for (size_t k = 0; k < s->n; k++) {
    sqb_block *b = &s->b[k];
    if (b->cells.n == 0)
      continue;
    s->batch[s->n_batch++] = (sqb_batch_block){
        b->ind, b->period, (uint32_t)(b->seen_words * 64), b->cells};
    memset(&b->cells, 0, sizeof b->cells);
  }
  s->db = db;
  s->ds = ds;
  s->bt_status = AMPEL_OK;
  s->pending = 0;
  if (pthread_create(&s->writer, NULL, merge_batch, s) != 0) {
    merge_batch(s); /* no thread: merge here */
    *n_new += s->bt_new;
    *n_changed += s->bt_changed;
    s->bt_new = s->bt_changed = 0;
    return s->bt_status;
  }
  s->writing = 1;
  return AMPEL_OK;
}

ampel_status ampel_sqlite_block_merge(sqlite3 *db, sqb_stage *s, long ds,
                                      long *n_new, long *n_changed) {
  ampel_status st = join_writer(s, n_new, n_changed);
  if (st != AMPEL_OK || s->pending == 0)
    return st;
  sqlite3_stmt *q[4];
  st = prepare_writes(db, q);
  for (size_t k = 0; st == AMPEL_OK && k < s->n; k++) {
    sqb_block *b = &s->b[k];
    if (b->cells.n == 0)
      continue;
    st = merge_one(db, q, b->ind, b->period, &b->cells,
                   (uint32_t)(b->seen_words * 64), ds, &s->mw, n_new,
                   n_changed);
    if (st == AMPEL_OK) {
      /* the cells are merged; a big array is given back */
      if (b->cells.cap > 4096)
        ampel_bcells_release(&b->cells);
      b->cells.n = 0;
    }
  }
  finalize_all(q);
  if (st == AMPEL_OK)
    s->pending = 0;
  return st;
}

ampel_status ampel_sqlite_block_revert(sqlite3 *db, long ds, long to,
                                       long *n_new, long *n_changed,
                                       long *n_removed) {
  sqlite3_stmt *q[4], *pairs = NULL, *at = NULL;
  ampel_bcells cur = {0}, target = {0};
  ampel_status st = prepare_writes(db, q);
  if (st == AMPEL_OK &&
      !(prep(db,
             "SELECT DISTINCT indicator,period FROM block ORDER BY "
             "indicator,period",
             &pairs) &&
        prep(db,
             "SELECT id,ds_from,data FROM block WHERE indicator=?1 AND "
             "period=?2 AND ds_from<=?3 AND (ds_to IS NULL OR ds_to>?3)",
             &at)))
    st = AMPEL_E_IO;
  /* the pairs first, into memory: the loop below writes the table */
  long *pv = NULL;
  size_t np = 0, cap = 0;
  int rc = SQLITE_DONE;
  while (st == AMPEL_OK && (rc = sqlite3_step(pairs)) == SQLITE_ROW) {
    if (np + 2 > cap) {
      cap = cap ? 2 * cap : 256;
      long *v = ampel_reallocarray(pv, cap, sizeof *v);
      if (!v) {
        st = AMPEL_E_NOMEM;
        break;
      }
      pv = v;
    }
    pv[np++] = (long)sqlite3_column_int64(pairs, 0);
    pv[np++] = (long)sqlite3_column_int64(pairs, 1);
  }
  if (st == AMPEL_OK && rc != SQLITE_DONE)
    st = AMPEL_E_IO;
  for (size_t k = 0; st == AMPEL_OK && k < np; k += 2) {
    sqlite3_int64 cur_id = 0, to_id = 0;
    long cur_from = 0, to_from = 0, nn = 0, nc = 0, nr = 0;
    st = read_block(q[3], pv[k], pv[k + 1], 0, &cur_id, &cur_from, &cur);
    if (st == AMPEL_OK)
      st = read_block(at, pv[k], pv[k + 1], to, &to_id, &to_from, &target);
    if (st != AMPEL_OK || cur_id == to_id)
      continue; /* the same row holds now and then */
    ampel_block_diff(&cur, &target, &nn, &nc, &nr);
    if (nn + nc + nr == 0)
      continue;
    st = write_block(db, q, pv[k], pv[k + 1], ds, cur_id, cur_from, &target);
    *n_new += nn;
    *n_changed += nc;
    *n_removed += nr;
  }
  ampel_free(pv);
  ampel_bcells_release(&cur);
  ampel_bcells_release(&target);
  sqlite3_finalize(pairs);
  sqlite3_finalize(at);
  finalize_all(q);
  return st;
}

ampel_status ampel_sqlite_block_load(sqlite3 *db, long ds, const long *inds,
                                     size_t ni, const long *pers, size_t np,
                                     sqb_cells_fn fn, void *ud) {
  char sql[256];
  const char *when = ds > 0 ? "ds_from<=?3 AND (ds_to IS NULL OR ds_to>?3)"
                            : "ds_to IS NULL";
  if (inds)
    snprintf(sql, sizeof sql,
             "SELECT indicator,period,data FROM block WHERE indicator=?1 AND "
             "period=?2 AND %s",
             when);
  else
    snprintf(sql, sizeof sql,
             "SELECT indicator,period,data FROM block WHERE %s ORDER BY "
             "indicator,period",
             when);
  sqlite3_stmt *q = NULL;
  if (!prep(db, sql, &q))
    return AMPEL_E_IO;
  ampel_bcells cells = {0};
  ampel_status st = AMPEL_OK;
  size_t n_runs = inds ? ni * np : 1;
  for (size_t r = 0; st == AMPEL_OK && r < n_runs; r++) {
    sqlite3_reset(q);
    if (inds) {
      sqlite3_bind_int64(q, 1, inds[r / np]);
      sqlite3_bind_int64(q, 2, pers[r % np]);
    }
    if (ds > 0)
      sqlite3_bind_int64(q, 3, ds);
    int rc;
    while (st == AMPEL_OK && (rc = sqlite3_step(q)) == SQLITE_ROW) {
      cells.n = 0;
      st = ampel_block_decode(sqlite3_column_blob(q, 2),
                              (size_t)sqlite3_column_bytes(q, 2), &cells);
      if (st == AMPEL_OK)
        st = fn(ud, (long)sqlite3_column_int64(q, 0),
                (long)sqlite3_column_int64(q, 1), &cells);
    }
    if (st == AMPEL_OK && rc != SQLITE_DONE)
      st = AMPEL_E_IO;
  }
  sqlite3_finalize(q);
  ampel_bcells_release(&cells);
  return st;
}

/* ---- migration 6 -> 7 ------------------------------------------------ */

typedef struct vrow {
  long area, from, to; /* to = LONG_MAX while current */
  ampel_bcell c;
} vrow;

static int cmp_long(const void *a, const void *b) {
  long x = *(const long *)a, y = *(const long *)b;
  return (x > y) - (x < y);
}

/* Writes the blocks of one indicator x period from its rows (ordered by
 * area, ds_from). */
static ampel_status convert_one(sqlite3_stmt *ins, long ind, long period,
                                const vrow *r, size_t n, long *bounds,
                                ampel_bcells *cells) {
  size_t nb = 0;
  for (size_t k = 0; k < n; k++) {
    bounds[nb++] = r[k].from;
    if (r[k].to != LONG_MAX)
      bounds[nb++] = r[k].to;
  }
  qsort(bounds, nb, sizeof *bounds, cmp_long);
  size_t u = 0;
  for (size_t k = 0; k < nb; k++)
    if (u == 0 || bounds[k] != bounds[u - 1])
      bounds[u++] = bounds[k];
  for (size_t b = 0; b < u; b++) {
    long at = bounds[b];
    cells->n = 0;
    for (size_t k = 0; k < n; k++)
      if (r[k].from <= at && r[k].to > at &&
          ampel_bcells_push(cells, &r[k].c) != AMPEL_OK)
        return AMPEL_E_NOMEM;
    if (cells->n == 0)
      continue;
    unsigned char *blob = NULL;
    size_t len = 0;
    ampel_status st = ampel_block_encode(cells->c, cells->n, &blob, &len);
    if (st != AMPEL_OK)
      return st == AMPEL_E_USAGE ? AMPEL_E_DATA : st;
    sqlite3_reset(ins);
    sqlite3_bind_int64(ins, 1, ind);
    sqlite3_bind_int64(ins, 2, period);
    sqlite3_bind_int64(ins, 3, at);
    if (b + 1 < u)
      sqlite3_bind_int64(ins, 4, bounds[b + 1]);
    else
      sqlite3_bind_null(ins, 4);
    sqlite3_bind_int64(ins, 5, (sqlite3_int64)cells->n);
    sqlite3_bind_blob(ins, 6, blob, (int)len, SQLITE_STATIC);
    int rc = sqlite3_step(ins);
    sqlite3_reset(ins);
    ampel_free(blob);
    if (rc != SQLITE_DONE)
      return AMPEL_E_IO;
  }
  return AMPEL_OK;
}

static double col_or_nan(sqlite3_stmt *q, int i) {
  return sqlite3_column_type(q, i) == SQLITE_NULL ? NAN
                                                  : sqlite3_column_double(q, i);
}

ampel_status ampel_sqlite_block_convert(sqlite3 *db) {
  sqlite3_stmt *q = NULL, *ins = NULL;
  if (!prep(db,
            "SELECT indicator,period,area,ds_from,ds_to,value,numerator,"
            "denominator,flag FROM observation ORDER BY indicator,period,"
            "area,ds_from",
            &q) ||
      !prep(db,
            "INSERT INTO block(indicator,period,ds_from,ds_to,n,data) "
            "VALUES(?1,?2,?3,?4,?5,?6)",
            &ins)) {
    sqlite3_finalize(q);
    return AMPEL_E_IO;
  }
  vrow *r = NULL;
  long *bounds = NULL;
  size_t n = 0, cap = 0;
  long ind = -1, period = -1;
  ampel_bcells cells = {0};
  ampel_status st = AMPEL_OK;
  int rc;
  for (;;) {
    rc = sqlite3_step(q);
    long i = rc == SQLITE_ROW ? (long)sqlite3_column_int64(q, 0) : -1,
         p = rc == SQLITE_ROW ? (long)sqlite3_column_int64(q, 1) : -1;
    if (n > 0 && (rc != SQLITE_ROW || i != ind || p != period)) {
      st = convert_one(ins, ind, period, r, n, bounds, &cells);
      n = 0;
    }
    if (st != AMPEL_OK || rc != SQLITE_ROW)
      break;
    if (n == cap) {
      cap = cap ? 2 * cap : 1024;
      vrow *nr = ampel_reallocarray(r, cap, sizeof *nr);
      long *nbnd = ampel_reallocarray(bounds, 2 * cap, sizeof *nbnd);
      if (nr)
        r = nr;
      if (nbnd)
        bounds = nbnd;
      if (!nr || !nbnd) {
        st = AMPEL_E_NOMEM;
        break;
      }
    }
    ind = i;
    period = p;
    long area = (long)sqlite3_column_int64(q, 2);
    int flag = sqlite3_column_int(q, 8);
    if (area < 0 || area > (long)UINT32_MAX - 1 || flag < 0 || flag > 255) {
      st = AMPEL_E_DATA;
      break;
    }
    r[n] = (vrow){area,
                  (long)sqlite3_column_int64(q, 3),
                  sqlite3_column_type(q, 4) == SQLITE_NULL
                      ? LONG_MAX
                      : (long)sqlite3_column_int64(q, 4),
                  {(uint32_t)area, (uint8_t)flag, col_or_nan(q, 5),
                   col_or_nan(q, 6), col_or_nan(q, 7)}};
    n++;
  }
  if (st == AMPEL_OK && rc != SQLITE_DONE)
    st = AMPEL_E_IO;
  ampel_free(r);
  ampel_free(bounds);
  ampel_bcells_release(&cells);
  sqlite3_finalize(q);
  sqlite3_finalize(ins);
  return st;
}
