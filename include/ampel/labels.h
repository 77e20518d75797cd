/* ampel/labels.h - the vocabulary of results: the values a status light,
 * a trend, a certainty, a reference method, an MSS class and an "out of
 * the universe" reason can take, with their names (CSV, JSON) and German
 * labels (pictures, pages, reports). Defined in src/model/labels.c.
 *
 * This is model, not compute: renderers need the words without the
 * methods that decide them. The headers of the methods (stats.h,
 * index.h, need.h) include this one, so their callers see the same
 * declarations as before. All strings are static; every function is pure
 * and safe from several threads.
 */
#ifndef AMPEL_LABELS_H
#define AMPEL_LABELS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------- */
/* Reference value, METHODS.md §1                                          */

typedef enum ampel_ref_method {
  AMPEL_REF_ROOT = 0,       /* the root area's own value */
  AMPEL_REF_RATIO = 1,      /* scale * sum(num) / sum(den) over the universe */
  AMPEL_REF_MEAN = 2,       /* unweighted mean over the universe */
  AMPEL_REF_NONE = 3,       /* no root value and no area value: ref is NaN */
  AMPEL_REF_MEAN_COUNT = 4, /* a count (Art Anzahl, §9): the areas' mean */
  AMPEL_REF_MEAN_OUTSIDE = 5, /* the city value lay outside the areas'
                                 range (§9): the areas' mean */
  AMPEL_REF_METHOD_COUNT_ = 6
} ampel_ref_method;

/* "root", "ratio", "mean", "none", "mean_count", "mean_outside" (for
 * CSV/JSON). Static strings. */
const char *ampel_ref_method_name(ampel_ref_method m);
/* German label for outputs, e.g. "ungewichteter Mittelwert". */
const char *ampel_ref_method_label_de(ampel_ref_method m);

/* ---------------------------------------------------------------------- */
/* Status and trend lights, METHODS.md §3                                  */

typedef enum ampel_light {
  AMPEL_LIGHT_GOOD = 0,
  AMPEL_LIGHT_AVERAGE = 1,
  AMPEL_LIGHT_CRITICAL = 2,
  AMPEL_LIGHT_NONE = 3
} ampel_light;

typedef enum ampel_trend {
  AMPEL_TREND_BETTER = 0,
  AMPEL_TREND_STABLE = 1,
  AMPEL_TREND_WORSE = 2,
  AMPEL_TREND_NONE = 3,
  /* a neutral indicator's development, without judgement (METHODS.md §9) */
  AMPEL_TREND_UP = 4,
  AMPEL_TREND_DOWN = 5,
  AMPEL_TREND_SAME = 6,
  AMPEL_TREND_COUNT_ = 7
} ampel_trend;

/* CSV names: "good", "average", "critical", "none". Static strings. */
const char *ampel_light_name(ampel_light l);
/* "gut", "durchschnittlich", "kritisch", "ohne Bewertung". */
const char *ampel_light_label_de(ampel_light l);
/* CSV names: "better", "stable", "worse", "none"; for neutral indicators
 * "up", "down", "same". */
const char *ampel_trend_name(ampel_trend t);
/* "besser", "stabil", "schlechter", "keine Angabe"; "gestiegen",
 * "gesunken", "gleich". */
const char *ampel_trend_label_de(ampel_trend t);

/* ---------------------------------------------------------------------- */
/* Certainty (Wilson score interval), METHODS.md §3                        */

typedef enum ampel_certainty {
  AMPEL_CERTAIN_YES = 0, /* ref outside the interval */
  AMPEL_CERTAIN_NO = 1,  /* ref inside the interval: "unsicher" */
  AMPEL_CERTAIN_NA = 2   /* not a rate, or no usable k, n or ref */
} ampel_certainty;

/* CSV names "yes", "no" and "" (empty cell for NA). */
const char *ampel_certainty_name(ampel_certainty c);
/* "sicher", "unsicher", "" */
const char *ampel_certainty_label_de(ampel_certainty c);

/* ---------------------------------------------------------------------- */
/* Status and dynamics index (Berlin MSS method), METHODS.md §4            */

/* Status classes (1..4); 0 = area not classified (not in the universe). */
enum {
  AMPEL_MSS_STATUS_NONE = 0,
  AMPEL_MSS_STATUS_HIGH = 1,    /* "hoch":         index <= -1      */
  AMPEL_MSS_STATUS_MEDIUM = 2,  /* "mittel":       -1 < index < 1   */
  AMPEL_MSS_STATUS_LOW = 3,     /* "niedrig":      1 <= index < 1.5 */
  AMPEL_MSS_STATUS_VERY_LOW = 4 /* "sehr niedrig": index >= 1.5     */
};

/* Dynamics classes; 0 = not classified. */
enum {
  AMPEL_MSS_DYN_NONE = 0,
  AMPEL_MSS_DYN_POSITIVE = 1, /* "+"   "positiv": index <= -1 */
  AMPEL_MSS_DYN_STABLE = 2,   /* "+/-" "stabil"              */
  AMPEL_MSS_DYN_NEGATIVE = 3  /* "-"   "negativ": index >= 1  */
};

/* "hoch", "mittel", "niedrig", "sehr niedrig"; "" for anything else. */
const char *ampel_mss_status_label(int status_class);
/* "+", "+/-", "-"; "" for anything else. */
const char *ampel_mss_dynamics_sign(int dynamics_class);
/* "positiv", "stabil", "negativ"; "" for anything else. */
const char *ampel_mss_dynamics_label(int dynamics_class);

/* ---------------------------------------------------------------------- */
/* Areas out of the universe (need.h)                                      */

enum {
  AMPEL_OUT_NONE = 0,       /* in the universe */
  AMPEL_OUT_POPULATION = 1, /* "zu wenige Einwohner" */
  AMPEL_OUT_MISSING = 2     /* "unvollständig" (a value is missing) */
};

/* German label of an AMPEL_OUT_* reason ("" for AMPEL_OUT_NONE). */
const char *ampel_out_label(int reason);

/* ---- Why an area is shown but not rated (every output) ---- */

typedef enum ampel_out_reason {
  AMPEL_REASON_RATED = 0,     /* rated */
  AMPEL_REASON_SMALL = 1,     /* "zu wenige Einwohner" */
  AMPEL_REASON_MISSING = 2,   /* "kein Wert" */
  AMPEL_REASON_NO_WEIGHT = 3, /* "kein Gewicht" */
  AMPEL_REASON_INCOMPLETE = 4 /* "unvollständig" */
} ampel_out_reason;

/* "", "zu wenige Einwohner", "kein Wert", "kein Gewicht", "unvollständig".
 * Static strings. */
const char *ampel_out_reason_de(ampel_out_reason r);

/* The one German word for a cell without a light, in every output. */
#define AMPEL_DE_NOT_RATED "ohne Bewertung"

/* ---------------------------------------------------------------------- */
/* The period of a view (METHODS.md §9)                                    */

/* What a title says about the period of a view: the period's label, or,
 * when its columns have different periods (Stand je Kennzahl),
 * "Stand je Kennzahl, neuester Zeitraum 2024". Writes into buf and returns
 * it. `ds` is an ampel_dataset. */
struct ampel_dataset;
const char *ampel_stand_label_de(const struct ampel_dataset *ds, size_t period,
                                 int differs, char *buf, size_t size);

#ifdef __cplusplus
}
#endif
#endif
