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

typedef struct ampel_import_options {
  ampel_csv_options csv; /* forced encoding / separator / decimal mark */
  int64_t when;          /* time stamp for the import log (Unix time) */
  int dry_run;           /* 1: check everything, write nothing (`check`) */
} ampel_import_options;

typedef struct ampel_import_summary {
  size_t n_files;
  size_t n_areas;      /* area rows read */
  size_t n_indicators; /* indicator rows read */
  size_t n_values;     /* observations read */
  size_t n_periods_new;
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
void ampel_header_normalize(const char *s, size_t len, char *out,
                            size_t size);

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
