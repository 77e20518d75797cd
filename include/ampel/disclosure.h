/* ampel/disclosure.h - statistical disclosure control (METHODS.md §7,
 * docs/berichte.md "Geheimhaltung").
 *
 * ampel_disclosure_apply() changes a loaded dataset in place so that every
 * suppressed cell carries AMPEL_FLAG_SECRET and no value, numerator or
 * denominator. Every output path that reads the dataset afterwards (CLI
 * tables, SVG, HTML, XLSX, PDF, CSV, the JSON API) then shows "." without
 * knowing about disclosure control. Apply it once, right after loading.
 *
 * Rules:
 *  - A *count indicator* is recognised by its unit: the first word of the
 *    unit is a count word (Anzahl, Personen, Schüler…, Kinder, Einwohner,
 *    Fälle, Haushalte, …; case-insensitive, umlauts may be written out) and
 *    the unit names no ratio ("je", "pro", "/", "%", "‰", "auf",
 *    "Anteil", "Quote"). "Anzahl je 1.000 Einwohner" is therefore a rate,
 *    not a count. See ampel_disclosure_is_count().
 *  - Primary suppression: count cells with 1 <= value < min_count, and
 *    cells of any indicator whose numerator is 1 <= numerator < min_count.
 *    0 is not suppressed (as the Federal Employment Agency anonymises 1
 *    and 2 but publishes 0; "-" means exactly nothing).
 *  - Secondary suppression (per indicator and period, repeated until
 *    nothing changes): when a parent's quantity (the value of a count, the
 *    numerator of a rate) equals the sum of its children's quantities and
 *    exactly one of those children is suppressed, the smallest other child
 *    whose quantity is at least min_count (the largest other child when
 *    none is) is suppressed too, so that the two hidden cells never add
 *    up to a small number.
 *  - Minimum population: areas with a known population below
 *    min_population are shown but not classified ("zu wenige
 *    Einwohner"); ampel_disclosure_small_area() tells callers which, and
 *    ampel_disclosure_classify_copy() gives the dataset to classify on.
 *
 * Thread-safety: no shared state; the dataset must not be read by others
 * while it is changed.
 */
#ifndef AMPEL_DISCLOSURE_H
#define AMPEL_DISCLOSURE_H

#include <stddef.h>

#include "ampel/dataset.h"
#include "ampel/error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define AMPEL_DISCLOSURE_MIN_COUNT 3
#define AMPEL_DISCLOSURE_MIN_POPULATION 300.0

typedef struct ampel_disclosure_opts {
  long min_count;        /* 1 switches suppression off; default 3 */
  double min_population; /* 0 switches it off; default 300 */
  int secondary;         /* 1 (default): secondary suppression */
} ampel_disclosure_opts;

typedef struct ampel_disclosure_stats {
  size_t primary;     /* cells suppressed by the primary rule */
  size_t secondary;   /* cells suppressed to protect them */
  size_t small_areas; /* areas below min_population */
} ampel_disclosure_stats;

/* Defaults: min_count 3, min_population 300, secondary on. */
void ampel_disclosure_opts_init(ampel_disclosure_opts *o);

/* The settings keys stored per database ("min_count", "min_population",
 * "secondary_suppression"), NULL-terminated. Static. */
const char *const *ampel_disclosure_keys(void);
/* German one-line description of a key for `ampel config list`. */
const char *ampel_disclosure_key_label_de(const char *key);

/* Sets one option from its stored text ("3", "300", "ja"/"nein"/"1"/"0").
 * AMPEL_E_USAGE with a German message for an unknown key or a bad value
 * (min_count: whole number 1..1000000; min_population: number >= 0;
 * secondary_suppression: ja, nein, 1, 0). */
AMPEL_WUR ampel_status ampel_disclosure_opts_set(ampel_disclosure_opts *o,
                                                 const char *key,
                                                 const char *value,
                                                 ampel_diags *diags);
/* The current value of a key as stored text into out (e.g. "3"). */
void ampel_disclosure_opts_get(const ampel_disclosure_opts *o, const char *key,
                               char *out, size_t size);

/* 1 when the indicator is a count: by its secrecy field (column
 * Geheimhaltung) when set, else by the unit rule above. Defined in
 * src/model/results.c (a property of the indicator, read by renderers). */
int ampel_disclosure_is_count(const ampel_indicator *ind);

/* 1 when the area has a known population below o->min_population. */
int ampel_disclosure_small_area(const ampel_disclosure_opts *o,
                                const ampel_area *a);

/* Applies primary and secondary suppression in place. out may be NULL.
 * Errors: AMPEL_E_NOMEM (the dataset may then be partly suppressed; do
 * not publish it). */
AMPEL_WUR ampel_status ampel_disclosure_apply(ampel_dataset *ds,
                                              const ampel_disclosure_opts *o,
                                              ampel_disclosure_stats *out);

/* A new dataset equal to ds, except that areas below min_population have
 * no observations: the universe for classification (METHODS.md §0). The
 * caller frees it with ampel_dataset_free. Errors: AMPEL_E_NOMEM. */
AMPEL_WUR ampel_status ampel_disclosure_classify_copy(
    const ampel_dataset *ds, const ampel_disclosure_opts *o,
    ampel_dataset **out);

/* The footer line, e.g. "Geheimhaltung: Werte unter 3 unterdrückt (.)"
 * and with with_population "; Gebiete unter 300 Einwohnern nicht
 * bewertet"; "Geheimhaltung: keine Unterdrückung" when min_count is 1. */
void ampel_disclosure_note(const ampel_disclosure_opts *o, int with_population,
                           char *out, size_t size);

/* ---- glue to the store (src/store/disclosure_config.c) ----------------- */

typedef struct ampel_store ampel_store;

/* Reads the stored settings (unset keys keep their defaults). A stored
 * value that cannot be read gives AMPEL_E_DATA with a message. */
AMPEL_WUR ampel_status ampel_disclosure_opts_load(ampel_store *st,
                                                  ampel_disclosure_opts *o,
                                                  ampel_diags *diags);
/* ampel_disclosure_opts_load() + ampel_disclosure_apply(): the one call
 * after ampel_store_load() in the CLI and the server. o_out, stats may be
 * NULL. */
AMPEL_WUR ampel_status ampel_disclosure_apply_stored(
    ampel_store *st, ampel_dataset *ds, ampel_disclosure_opts *o_out,
    ampel_disclosure_stats *stats, ampel_diags *diags);

#ifdef __cplusplus
}
#endif
#endif
