/* ampel/dataset.h - the in-memory data model.
 *
 * A dataset holds areas (Gebiete), indicators (Kennzahlen), periods
 * (Zeitpunkte) and observations. Areas, indicators and periods get dense ids
 * 0..n-1 in the order they were added (periods: sorted by start date after
 * ampel_dataset_sort_periods()). Observations are columnar: for every
 * (indicator, period) pair there is one column of n_areas cells, so compute
 * code walks contiguous memory (ARCHITECTURE.md, model).
 *
 * The record structs below are part of the API: callers read their fields.
 * Strings in records are owned by the dataset.
 *
 * Thread-safety: a dataset may be read from several threads at once; it must
 * not be changed while it is read.
 */
#ifndef AMPEL_DATASET_H
#define AMPEL_DATASET_H

#include <stddef.h>
#include <stdint.h>

#include "ampel/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Polarity of an indicator (METHODS.md §0). The numeric value is p. */
typedef enum ampel_polarity {
  AMPEL_POL_NEUTRAL = 0,
  AMPEL_POL_HIGHER_IS_BETTER = 1,
  AMPEL_POL_HIGHER_IS_WORSE = -1
} ampel_polarity;

/* Flags of official statistics (METHODS.md §7). */
typedef enum ampel_flag {
  AMPEL_FLAG_NONE = 0,       /* an ordinary value */
  AMPEL_FLAG_SECRET = 1,     /* "."   unknown or secret, no value */
  AMPEL_FLAG_ZERO = 2,       /* "-"   nothing, value exactly 0 */
  AMPEL_FLAG_NOT_MEANINGFUL, /* "x"   no value */
  AMPEL_FLAG_NOT_YET,        /* "..." no value */
  AMPEL_FLAG_UNRELIABLE,     /* "/"   no value */
  AMPEL_FLAG_ANONYMISED,     /* "*"   no value */
  AMPEL_FLAG_LIMITED,        /* "()"  value kept, limited reliability */
  AMPEL_FLAG_COUNT_          /* number of flags */
} ampel_flag;

/* The symbol of a flag ("" for NONE, "." for SECRET, "()" for LIMITED). */
const char *ampel_flag_symbol(ampel_flag f);
/* Parse a symbol as written in exports ("", ".", "-", "x", "...", "/",
 * "*", "()"). Returns 0 and sets *out on success, -1 otherwise. */
int ampel_flag_parse(const char *s, size_t len, ampel_flag *out);
/* 1 when a cell with this flag carries a usable value (NONE, ZERO, LIMITED).
 */
int ampel_flag_has_value(ampel_flag f);
/* German description of a flag, e.g. "geheim oder unbekannt". */
const char *ampel_flag_label_de(ampel_flag f);

/* Polarity names: "higher_is_better", "higher_is_worse", "neutral". */
const char *ampel_polarity_name(ampel_polarity p);
/* Accepts the English and German names (hoch_ist_gut, hoch_ist_schlecht,
 * neutral), case-insensitive. Returns 0 on success, -1 otherwise. */
int ampel_polarity_parse(const char *s, size_t len, ampel_polarity *out);

/* Whether an indicator counts persons, so that small values are suppressed
 * (column Geheimhaltung of kennzahlen.csv, docs/formats.md). UNSET is 0 so
 * that a zero-initialised record keeps the safe unit rule
 * (ampel_disclosure_is_count()). */
typedef enum ampel_secrecy {
  AMPEL_SECRECY_UNSET = 0, /* no column or empty cell: the unit decides */
  AMPEL_SECRECY_YES = 1,   /* "ja": a count of persons, suppressed */
  AMPEL_SECRECY_NO = 2     /* "nein": e.g. a count of schools, not */
} ampel_secrecy;

/* Whether an indicator appears in the heatmap and the Ampel (schema
 * version 6). UNSET is 0 so that a zero-initialised record (an import
 * without the choice) keeps what is stored; a load gives YES or NO. */
typedef enum ampel_shown {
  AMPEL_SHOWN_UNSET = 0,
  AMPEL_SHOWN_YES = 1,
  AMPEL_SHOWN_NO = 2
} ampel_shown;

/* Reads "ja"/"nein" (also "yes"/"no", "1"/"0"), case-insensitive, blanks
 * around ignored; an empty text is UNSET. Returns 0 and sets *out, -1 for
 * anything else. */
int ampel_secrecy_parse(const char *s, size_t len, ampel_secrecy *out);

/* Kind of an indicator (column Art of kennzahlen.csv, METHODS.md §9):
 * it decides the reference value. UNSET is 0: the unit decides
 * (ampel_indicator_kind()). */
typedef enum ampel_ind_kind {
  AMPEL_KIND_UNSET = 0,
  AMPEL_KIND_QUOTE = 1,  /* share, rate, average: compared with the city */
  AMPEL_KIND_ANZAHL = 2, /* count or amount: compared with the areas' mean */
  AMPEL_KIND_INDEX = 3   /* compared like a Quote */
} ampel_ind_kind;

/* "Quote", "Anzahl", "Index" (as stored and shown); NULL for UNSET. */
const char *ampel_ind_kind_name(ampel_ind_kind k);
/* Reads Quote (also Anteil, Rate, quote), Anzahl (also Zahl, Summe,
 * Betrag, count) or Index, case-insensitive, blanks around ignored; an
 * empty text is UNSET. Returns 0 and sets *out, -1 for anything else. */
int ampel_ind_kind_parse(const char *s, size_t len, ampel_ind_kind *out);

/* How an area of a higher level gets a formula or count indicator from
 * the areas below it (column Aggregation, METHODS.md §10). */
typedef enum ampel_aggregation {
  AMPEL_AGG_UNSET = 0,   /* Formel for formula indicators, else keine */
  AMPEL_AGG_SUM = 1,     /* Summe: the children's values added */
  AMPEL_AGG_FORMULA = 2, /* Formel: the formula on the summed inputs */
  AMPEL_AGG_NONE = 3     /* keine */
} ampel_aggregation;

/* "Summe", "Formel", "keine"; NULL for UNSET. */
const char *ampel_aggregation_name(ampel_aggregation a);
/* Reads Summe (sum), Formel (formula), keine (none), case-insensitive; an
 * empty text is UNSET. Returns 0 and sets *out, -1 otherwise. */
int ampel_aggregation_parse(const char *s, size_t len, ampel_aggregation *out);

#define AMPEL_NO_TILE INT32_MIN

typedef struct ampel_area {
  char *key;
  char *name;
  char *parent; /* key of the parent area, NULL for a root */
  char *level;  /* e.g. "Stadtteil" */
  double population; /* NaN when unknown */
  int32_t tile_row;  /* AMPEL_NO_TILE when unknown */
  int32_t tile_col;
  double lat; /* WGS84 point, NaN when unknown */
  double lon;
  /* columns Gültig_ab / Gültig_bis (METHODS.md §11): normalised period
   * labels, NULL when open */
  char *valid_from;
  char *valid_to;
} ampel_area;

/* 1 when the area is valid in a period with this sort key: from ≤ t ≤ to
 * by sort key, a missing bound open. A bound that is a bare year ("2021")
 * as Gültig_bis holds to the end of that year; an unreadable bound counts
 * as open. */
int ampel_area_valid_at(const ampel_area *a, int32_t sort_key);

typedef struct ampel_indicator {
  char *key;
  char *name;
  char *unit;
  char *domain; /* Handlungsfeld */
  char *definition;
  char *source;
  char *reference_date; /* Stichtag */
  ampel_polarity polarity;
  int decimals; /* -1 when not given */
  ampel_secrecy secrecy; /* column Geheimhaltung; UNSET when not given */
  ampel_ind_kind kind;   /* column Art; UNSET when not given */
  char *formula;         /* column Formel; NULL when not a formula */
  ampel_aggregation aggregation; /* column Aggregation; UNSET when not given */
  ampel_shown shown; /* in heatmap and Ampel (issue 12, /daten/kennzahlen);
                        UNSET: a new indicator is shown, a stored one keeps
                        its choice (store column indicator.shown) */
} ampel_indicator;

/* The kind that applies: the column Art, or from the unit when unset
 * (METHODS.md §9: Anzahl, Personen, EUR/Euro/€ → Anzahl; everything else,
 * %, ‰ and "je …" included → Quote). Never UNSET. */
ampel_ind_kind ampel_indicator_kind(const ampel_indicator *ind);

typedef struct ampel_period {
  char *label;      /* as shown, e.g. "2023/24" */
  int32_t sort_key; /* start date as yyyymmdd */
} ampel_period;

/* Parse a period label: "2023", "2023/24", "2023/2024", "2023-12-31",
 * "2023-12", "31.12.2023" (normalised to "2023-12-31"). On success returns
 * 0, writes the start date yyyymmdd to *out_sort_key and, when out_label is
 * not NULL, a newly allocated normalised label (caller frees with
 * ampel_free). Returns -1 when the label cannot be read. */
int ampel_period_parse(const char *s, size_t len, int32_t *out_sort_key,
                       char **out_label);

/* One cell of a column. value is NaN when there is no usable value. */
typedef struct ampel_cell_ref {
  double value;
  double numerator;   /* NaN when not given */
  double denominator; /* NaN when not given */
  ampel_flag flag;
  int present; /* 1 when the data has an observation for this cell */
} ampel_cell_ref;

typedef struct ampel_dataset ampel_dataset;

/* New empty dataset; NULL when out of memory. Free with
 * ampel_dataset_free(). */
ampel_dataset *ampel_dataset_new(void);
void ampel_dataset_free(ampel_dataset *ds);

size_t ampel_dataset_n_areas(const ampel_dataset *ds);
size_t ampel_dataset_n_indicators(const ampel_dataset *ds);
size_t ampel_dataset_n_periods(const ampel_dataset *ds);

/* Borrowed records; valid until the dataset changes or is freed. */
const ampel_area *ampel_dataset_area(const ampel_dataset *ds, size_t id);
const ampel_indicator *ampel_dataset_indicator(const ampel_dataset *ds,
                                               size_t id);
const ampel_period *ampel_dataset_period(const ampel_dataset *ds, size_t id);

/* Look up ids by key/label; return -1 when absent. O(1) expected. */
long ampel_dataset_find_area(const ampel_dataset *ds, const char *key);
long ampel_dataset_find_indicator(const ampel_dataset *ds, const char *key);
long ampel_dataset_find_period(const ampel_dataset *ds, const char *label);
/* The same for a key of len bytes (not NUL-terminated in general). */
long ampel_dataset_find_area_n(const ampel_dataset *ds, const char *key,
                               size_t len);
long ampel_dataset_find_indicator_n(const ampel_dataset *ds, const char *key,
                                    size_t len);

/* Add or replace an area / indicator (matched by key). The record's strings
 * are copied. out_id may be NULL. Parents are checked by
 * ampel_dataset_validate(), not here, so areas may come in any order. */
ampel_status ampel_dataset_put_area(ampel_dataset *ds, const ampel_area *a,
                                    size_t *out_id) AMPEL_WUR;
ampel_status ampel_dataset_put_indicator(ampel_dataset *ds,
                                         const ampel_indicator *ind,
                                         size_t *out_id) AMPEL_WUR;
/* Add a period by its (normalised) label, or find it. */
ampel_status ampel_dataset_put_period(ampel_dataset *ds, const char *label,
                                      int32_t sort_key,
                                      size_t *out_id) AMPEL_WUR;

/* Set the observation for (area, indicator, period); replaces an existing
 * one. value NaN with flag NONE clears the cell. */
ampel_status ampel_dataset_set(ampel_dataset *ds, size_t area, size_t ind,
                               size_t period, double value, double numerator,
                               double denominator, ampel_flag flag) AMPEL_WUR;

/* Read one cell (all fields NaN/0 when there is no observation). */
ampel_cell_ref ampel_dataset_get(const ampel_dataset *ds, size_t area,
                                 size_t ind, size_t period);

/* The value column of (indicator, period): n_areas doubles, NaN where there
 * is no usable value (missing or flagged without a value). Borrowed; NULL
 * when the pair has no observation at all. */
const double *ampel_dataset_values(const ampel_dataset *ds, size_t ind,
                                   size_t period);

/* A conversion key of a boundary reform (umschluessel.csv, METHODS.md
 * §11): share `share` of old area `old_key` goes to new area `new_key`. */
typedef struct ampel_conversion {
  char *old_key;
  char *new_key;
  double share;
} ampel_conversion;

/* Appends a conversion key (strings copied); keys need not be areas of
 * the dataset (the conversion skips unknown ones). */
ampel_status ampel_dataset_add_conversion(ampel_dataset *ds,
                                          const char *old_key,
                                          const char *new_key,
                                          double share) AMPEL_WUR;
size_t ampel_dataset_n_conversions(const ampel_dataset *ds);
/* Borrowed; NULL when i is out of range. */
const ampel_conversion *ampel_dataset_conversion(const ampel_dataset *ds,
                                                 size_t i);

/* Number of observations present. */
size_t ampel_dataset_n_observations(const ampel_dataset *ds);

/* Re-number periods so that ids follow the start date. Invalidates period
 * ids held by the caller. */
ampel_status ampel_dataset_sort_periods(ampel_dataset *ds) AMPEL_WUR;

/* Checks the whole dataset: every parent exists, no parent cycle. Appends
 * located messages to diags when given. Returns AMPEL_E_DATA on a problem.
 */
ampel_status ampel_dataset_validate(const ampel_dataset *ds,
                                    ampel_diags *diags) AMPEL_WUR;

/* Distinct area levels, ordered from the root downwards (by depth in the
 * parent tree, then first appearance). Borrowed strings; *out_n receives the
 * count. Returns a newly allocated array the caller frees with ampel_free.
 */
const char **ampel_dataset_levels(const ampel_dataset *ds, size_t *out_n);

/* The root area (no parent) with the most descendants, -1 when there is
 * none, -2 when memory ran out. */
long ampel_dataset_root(const ampel_dataset *ds);

#ifdef __cplusplus
}
#endif
#endif
