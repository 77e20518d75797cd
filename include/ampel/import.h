/* ampel/import.h - importing files into a store.
 *
 * The glue between the layers for one import: it reads the files (read/),
 * checks them against the stored data (model/) and writes them to the store
 * in one transaction (store/). The CLI's `import` and `check` and, later,
 * the server's admin upload call this; it sits above read, model and store
 * and below cli/ and server/.
 *
 * Every file's kind is recognised from its header (docs/formats.md):
 * areas, indicators, values in long format, values in wide format, or an
 * .xlsx workbook with the sheets Gebiete, Kennzahlen, Werte. Files are
 * processed in the order areas → indicators → values, whatever the order
 * on the command line.
 */
#ifndef AMPEL_IMPORT_H
#define AMPEL_IMPORT_H

#include <stddef.h>
#include <stdint.h>

#include "ampel/error.h"
#include "ampel/read.h"
#include "ampel/store.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- What an import would change (`ampel import --pruefen`, issue 12) -- */

typedef enum ampel_change_kind {
  AMPEL_CHG_AREA_NEW,
  AMPEL_CHG_AREA_CHANGED,
  AMPEL_CHG_IND_NEW,
  AMPEL_CHG_IND_CHANGED,
  AMPEL_CHG_VALUE_NEW,
  AMPEL_CHG_VALUE_CHANGED,
  AMPEL_CHG_VALUE_REMOVED,
  AMPEL_CHG_COUNT_
} ampel_change_kind;

/* One change. Keys and labels are owned by the diff. */
typedef struct ampel_change {
  ampel_change_kind kind;
  char *area;      /* area key (areas, values) or NULL */
  char *indicator; /* indicator key (indicators, values) or NULL */
  char *period;    /* period label (values) or NULL */
  char *fields;    /* changed areas/indicators: "Name, Einheit"; else NULL */
  double old_value, new_value; /* values; NaN when none */
} ampel_change;

/* Examples kept per kind, and flagged changes kept in all. */
#define AMPEL_DIFF_EXAMPLES 50
#define AMPEL_DIFF_MAX_BIG 500

typedef struct ampel_import_diff {
  size_t count[AMPEL_CHG_COUNT_]; /* all changes of each kind */
  ampel_change *items;            /* up to AMPEL_DIFF_EXAMPLES per kind */
  size_t n_items, cap_items;
  /* values whose value changes by more than a factor of 10 (both old and
   * new not zero; the larger magnitude over the smaller > 10), for a
   * second look: up to AMPEL_DIFF_MAX_BIG, n_big counts all */
  ampel_change *big;
  size_t n_big_kept, cap_big, n_big;
} ampel_import_diff;

void ampel_import_diff_release(ampel_import_diff *d);

/* Compares two datasets (before, after) by keys: the changes an import
 * makes. Exposed for tests; the import computes it with opt->diff. */
ampel_status ampel_import_diff_compute(const ampel_dataset *before,
                                       const ampel_dataset *after,
                                       ampel_import_diff *out) AMPEL_WUR;

typedef struct ampel_import_options {
  ampel_csv_options csv; /* forced encoding / separator / decimal mark */
  int64_t when;          /* time stamp for the import log (Unix time) */
  int dry_run;           /* 1: check everything, write nothing (`check`) */
  /* With dry_run and no error: what the import would change. The import
   * runs as always inside its transaction; before rolling it back the
   * store is loaded once more (the staged values merged, as a commit
   * would) and compared with the state loaded before (one truth: the
   * same code path decides what an import writes and what the check
   * reports). NULL: not wanted. */
  ampel_import_diff *diff;
  const char *user_name; /* recorded in the Datenstand (server); or NULL */
} ampel_import_options;

typedef struct ampel_import_summary {
  size_t n_files;
  size_t n_areas;      /* area rows read */
  size_t n_indicators; /* indicator rows read */
  size_t n_values;     /* observations read */
  size_t n_periods_new;
  size_t n_converted; /* rows marked converted (by an export): skipped */
  long import_id; /* the new data version (0 on dry run or failure) */
} ampel_import_summary;

/* Import `n` files into `st` in one transaction: all of it lands or none of
 * it. Every problem is appended to diags as a located German message (up to
 * the diags limit); when there is any error nothing is written and
 * AMPEL_E_DATA (or AMPEL_E_IO for unreadable files) is returned. `paths`
 * are read from the file system; only their base names are logged. */
ampel_status ampel_import_files(ampel_store *st, const char *const *paths,
                                size_t n, const ampel_import_options *opt,
                                ampel_import_summary *out_summary,
                                ampel_diags *diags) AMPEL_WUR;

/* The same for files already in memory (used by the server and the fuzz
 * and unit tests). names[i] is used in messages and the log. */
ampel_status ampel_import_buffers(ampel_store *st, const char *const *names,
                                  const char *const *data, const size_t *lens,
                                  size_t n, const ampel_import_options *opt,
                                  ampel_import_summary *out_summary,
                                  ampel_diags *diags) AMPEL_WUR;

/* Normalise a header cell for matching: drops a BOM, soft hyphens and
 * surrounding blanks, lower-cases, folds ä/ö/ü/ß to ae/oe/ue/ss and turns
 * blanks and hyphens into '_'. Writes at most size-1 bytes and a NUL.
 * Exposed for tests. */
void ampel_header_normalize(const char *s, size_t len, char *out, size_t size);

/* ---- Umzug: copying an installation (`ampel db migrate`) -------------- */

typedef struct ampel_migrate_summary {
  size_t n_areas, n_indicators, n_periods;
  size_t n_values;     /* observations copied */
  size_t n_config;     /* settings that were set in the source */
  size_t n_shapes;     /* areas with geometry */
  size_t n_neighbours; /* neighbour pairs */
  size_t n_files;      /* files named in the new Datenstand */
  size_t n_users, n_tokens, n_audit; /* accounts (schema 6; no sessions) */
  long import_id;      /* the target's new Datenstand */
} ampel_migrate_summary;

/* Copies everything `from` holds into `to` in ONE transaction of `to`:
 * areas, indicators (all fields), periods, the current observations with
 * numerators, denominators and flags, the disclosure settings
 * (ampel_disclosure_keys) and the stored geometry and neighbours. The
 * target gets one Datenstand (time `when`) whose log lists every file of
 * the source's import log, oldest first; the history of earlier
 * Datenstände is not copied, only the current state. Uses only the public
 * store API, so any engine may be source or target.
 *
 * `to` must be empty (no Datenstand yet), else AMPEL_E_DATA. A target that
 * cannot store geometry (PostgreSQL today) while the source has some is
 * AMPEL_E_USAGE. On any error nothing is written and a German message is
 * in diags. */
ampel_status ampel_migrate_copy(ampel_store *from, ampel_store *to,
                                int64_t when, ampel_migrate_summary *out_sum,
                                ampel_diags *diags) AMPEL_WUR;

#ifdef __cplusplus
}
#endif
#endif
