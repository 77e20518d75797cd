/* engine.h - internal: the operations every storage engine implements.
 * store.c dispatches the public ampel_store_* calls through this table, so
 * a PostgreSQL engine is one more file with one more table. */
#ifndef AMPEL_STORE_ENGINE_H
#define AMPEL_STORE_ENGINE_H

#include "ampel/store.h"

/* One row of an account query: ncol columns as text (NULL for NULL). */
typedef int (*ampel_row_fn)(void *ud, int ncol, const char *const *cols);

typedef struct ampel_store_ops {
  const char *name;
  void (*close)(void *impl);
  ampel_status (*load)(void *impl, int what, ampel_dataset **out,
                       ampel_diags *diags);
  ampel_status (*begin)(void *impl);
  ampel_status (*commit)(void *impl);
  ampel_status (*rollback)(void *impl);
  ampel_status (*put_area)(void *impl, const ampel_area *a);
  ampel_status (*put_indicator)(void *impl, const ampel_indicator *ind);
  ampel_status (*put_period)(void *impl, const char *label, int32_t key);
  ampel_status (*put_observation)(void *impl, const char *area,
                                  const char *ind, const char *period,
                                  double v, double num, double den,
                                  ampel_flag flag);
  ampel_status (*log_import)(void *impl, const ampel_import_file *files,
                             size_t n, int64_t when);
  ampel_status (*data_version)(void *impl, ampel_data_version *out);
  ampel_status (*import_log)(void *impl, ampel_import_log_fn fn, void *ud);
  ampel_status (*config_get)(void *impl, const char *key, char **out);
  ampel_status (*config_set)(void *impl, const char *key, const char *value);
  ampel_status (*put_geometry)(void *impl, const char *area, int epsg,
                               const ampel_shape *shape);
  /* other == NULL: delete the area's neighbour rows */
  ampel_status (*put_neighbour)(void *impl, const char *area,
                                const char *other);
  /* reports its failures into diags */
  ampel_status (*load_geometry)(void *impl, ampel_geoset **out,
                                ampel_diags *diags);
  /* schema version 4: the Datenstand loads show (0 = current) */
  ampel_status (*set_datenstand)(void *impl, long id, ampel_diags *diags);
  ampel_status (*datenstand_list)(void *impl, ampel_datenstand_fn fn,
                                  void *ud);
  /* in a write transaction: close the Datenstand written so far, write
   * the following puts as Datenstand id (0 = the next free one) */
  ampel_status (*next_datenstand)(void *impl, long id);
  /* One read transaction around several reads (store.h,
   * ampel_store_begin_read). NULL: not implemented, every read is its own
   * snapshot. */
  ampel_status (*begin_read)(void *impl);
  ampel_status (*end_read)(void *impl);
  /* schema version 5: the conversion key of one old area (closes its
   * current rows when they differ) */
  ampel_status (*put_conversion)(void *impl, const char *old_key,
                                 const char *const *new_keys,
                                 const double *shares, size_t n);
  /* issue 12: kind, parent (0 = keep), user and note of the Datenstand this
   * transaction logged */
  ampel_status (*annotate)(void *impl, const char *kind, long parent,
                           const char *user_name, const char *note);
  /* issue 12: in a write transaction, make the observations and
   * conversion keys holding in Datenstand `to` current (counts recorded
   * at commit, n_removed included) */
  ampel_status (*revert)(void *impl, long to);
  /* schema version 6 (accounts, store/accounts.c): runs one statement
   * with parameters $1..$n (types[i] 'i' integer or 't' text; a NULL
   * parameter is NULL) and calls fn per row with the columns as text
   * (NULL for NULL; fn returns non-zero to stop). *changes (may be NULL):
   * rows written. Inside a write transaction it takes part in it.
   * AMPEL_E_DATA for a constraint (a name taken), AMPEL_E_USAGE on a
   * schema before version 6. */
  ampel_status (*acct_exec)(void *impl, const char *sql, int n,
                            const char *types, const char *const *params,
                            ampel_row_fn fn, void *ud, long *changes);
} ampel_store_ops;

/* Engines' constructors: return the impl pointer or NULL (with diags). */
void *ampel_sqlite_engine_open(const char *path, int mode, ampel_diags *diags,
                               ampel_status *out_status);
extern const ampel_store_ops ampel_sqlite_ops;
/* German words for the cause of the first failure since the last begin,
 * or NULL (ampel_store_last_error; an engine function outside the table
 * so that the other engines need no change until they can say more). */
const char *ampel_sqlite_last_error(void *impl);
/* postgres.c; without libpq at build time the constructor refuses with the
 * "not available in this build" message (AMPEL_E_USAGE). */
void *ampel_pg_engine_open(const char *url, int mode, ampel_diags *diags,
                           ampel_status *out_status);
extern const ampel_store_ops ampel_pg_ops;

/* store.c: the engine's acct_exec (AMPEL_E_USAGE when it has none). */
ampel_status ampel_store_acct(ampel_store *st, const char *sql, int n,
                              const char *types, const char *const *params,
                              ampel_row_fn fn, void *ud, long *changes);

#endif
