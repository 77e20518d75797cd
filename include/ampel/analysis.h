/* ampel/analysis.h - the one place where a question becomes an answer
 * (ARCHITECTURE.md, analysis; issue 10).
 *
 * An analysis context is made once per CLI run and once per server
 * snapshot. It holds:
 *  - the dataset as shown: disclosure control (METHODS.md §7) applied once;
 *  - the universe for rating (METHODS.md §0/§7): the same dataset in which
 *    areas with a known population below min_population have no
 *    observations, so they are shown but never rated and are part of no
 *    one's reference, SD or scaling;
 *  - the disclosure settings, the German disclosure note and the data
 *    stamp ("Datenstand 3 vom … (Prüfsumme …)") for every footer;
 *  - the stored shapes when asked for.
 *
 * Every question (overview, heatmap, lights, need index, allocation,
 * sensitivity, correlation, area profile, indicator page) is one function
 * in src/analysis/ that takes the context and an ampel_query
 * (options.h) and returns a result with every policy decision made. The
 * CLI, the dashboard, the API, the report and the XLSX export ask there
 * and only render what they get.
 *
 * A context is immutable after ampel_context_open() and may be read by
 * many threads at once.
 */
#ifndef AMPEL_ANALYSIS_H
#define AMPEL_ANALYSIS_H

#include <stddef.h>

#include "ampel/dataset.h"
#include "ampel/disclosure.h"
#include "ampel/error.h"
#include "ampel/geo.h"
#include "ampel/labels.h"
#include "ampel/options.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ampel_store ampel_store;
typedef struct ampel_load_spec ampel_load_spec;
typedef struct ampel_context ampel_context;

enum {
  AMPEL_CTX_GEOMETRY = 1u << 0,   /* also load the stored shapes */
  AMPEL_CTX_UNPROTECTED = 1u << 1, /* no disclosure control (internal
                                      export `--ungeschuetzt` only) */
  AMPEL_CTX_METADATA = 1u << 2, /* areas, indicators, periods only: no
                                   values are read (`ampel list`) */
  AMPEL_CTX_NO_AREAS = 1u << 3   /* with AMPEL_CTX_METADATA: no areas
                                    either (`ampel list periods`) */
};

/* Loads the store into a new context (flags: AMPEL_CTX_*). Errors: those of
 * loading the store and its settings (with messages in diags),
 * AMPEL_E_NOMEM. Caller frees with ampel_context_free(). */
AMPEL_WUR ampel_status ampel_context_open(ampel_store *st, unsigned flags,
                                          ampel_context **out,
                                          ampel_diags *diags);

/* ampel_context_open() reading only the observations `spec` names
 * (store.h, issue 15); NULL reads everything. A question run on such a
 * context sees the other blocks as empty: the caller must know that the
 * question needs no more (ampel_question_load_spec). */
AMPEL_WUR ampel_status ampel_context_open_spec(ampel_store *st, unsigned flags,
                                               const ampel_load_spec *spec,
                                               ampel_context **out,
                                               ampel_diags *diags);

/* A context over a dataset that is already in memory (tests, fuzzers):
 * takes ownership of ds (and of geo, which may be NULL) also on error;
 * applies disclosure control with `o` (NULL: the defaults). stamp may be
 * NULL. */
AMPEL_WUR ampel_status ampel_context_from_dataset(
    ampel_dataset *ds, ampel_geoset *geo, const ampel_disclosure_opts *o,
    const char *stamp, ampel_context **out, ampel_diags *diags);

void ampel_context_free(ampel_context *c);

/* The dataset as shown (suppressed cells carry '.'). Borrowed. */
const ampel_dataset *ampel_context_dataset(const ampel_context *c);

/* The universe for rating with the context's min_population: small areas
 * have no observations. Borrowed. */
const ampel_dataset *ampel_context_universe(const ampel_context *c);

/* The universe for a query: the context's when the query does not set
 * min-population or sets the same value, else a new copy in *out_own that
 * the caller frees with ampel_dataset_free (NULL otherwise). */
AMPEL_WUR ampel_status ampel_context_universe_for(const ampel_context *c,
                                                  const ampel_query *q,
                                                  const ampel_dataset **out,
                                                  ampel_dataset **out_own);

/* The min_population in force for q (the query's, else the context's). */
double ampel_context_min_population(const ampel_context *c,
                                    const ampel_query *q);

/* 1 when the area is shown but not rated under q (population known and
 * below the min_population in force). */
int ampel_context_small_area(const ampel_context *c, const ampel_query *q,
                             size_t area);

/* The disclosure settings in force. */
const ampel_disclosure_opts *ampel_context_disclosure(const ampel_context *c);

/* What disclosure control did when the context was made (all 0 when
 * unprotected). */
const ampel_disclosure_stats *
ampel_context_suppressed(const ampel_context *c);

/* "Geheimhaltung: Werte unter 3 unterdrückt (.); Gebiete unter 300
 * Einwohnern nicht bewertet" (the population part only when the dataset
 * has populations and the rule is on). */
const char *ampel_context_disclosure_note(const ampel_context *c);

/* "Datenstand 3 vom 28.11.2026 01:23 UTC (Prüfsumme 1a2b3c4d5e6f)", or ""
 * when nothing is known. */
const char *ampel_context_stamp(const ampel_context *c);

/* The stamp followed by " · " and the disclosure note: the one footer
 * line of every output. */
const char *ampel_context_footer(const ampel_context *c);

/* Import id of the data version (0 unknown) and its 12-digit digest. */
long ampel_context_version(const ampel_context *c);
const char *ampel_context_digest(const ampel_context *c);

/* 1 when the cell holds a value converted from the old areas of a
 * boundary reform (METHODS.md §11, convert.h), also a formula or sum on
 * converted inputs of an area not valid in that period. */
int ampel_context_converted(const ampel_context *c, size_t area, size_t ind,
                            size_t period);
/* How many cells were converted (0: no note needed). */
size_t ampel_context_n_converted(const ampel_context *c);
/* The note outputs show when a cell they show is converted. */
#define AMPEL_DE_CONVERTED_NOTE                                                \
  "Werte vor der Gebietsreform umgerechnet (Umschlüsselung)"

/* The footer (ampel_context_footer) followed by " · " and
 * AMPEL_DE_CONVERTED_NOTE when converted is 1, else the footer. */
const char *ampel_context_footer_for(const ampel_context *c, int converted);

/* The stored shapes (NULL when not loaded; may hold none). Borrowed. */
const ampel_geoset *ampel_context_geometry(const ampel_context *c);

/* ampel_out_reason, ampel_out_reason_de() and AMPEL_DE_NOT_RATED: the
 * one vocabulary of why an area is not rated (ampel/labels.h). */


#ifdef __cplusplus
}
#endif
#endif
