/* ampel/index.h - composite indices, levels, needs-based allocation and a
 * weight-sensitivity analysis (METHODS.md §4, §5, §6).
 *
 * This is the pure compute core: every function works on plain arrays that
 * the caller fills (from a dataset or from anywhere else); nothing here
 * reads files or touches a dataset. Matrices are row-major, one row per
 * area: value of area a, indicator j is `x[a * k + j]`. NaN means missing.
 *
 * Conventions shared by all functions below:
 * - Return AMPEL_OK or an error status. Errors are also appended, in German,
 *   to `diags` when it is not NULL. AMPEL_E_USAGE: bad options (neutral
 *   polarity, negative weights, impossible floor/cap, ...); AMPEL_E_DATA: the
 *   data do not allow the computation (too few areas, no spread, negative
 *   weights in a weight column, ...); AMPEL_E_NOMEM: allocation failed.
 * - Results are written into caller-provided result structs; the arrays in
 *   them are allocated with ampel_alloc() and freed by the matching
 *   *_release() function, which accepts NULL and zeroed structs. On error the
 *   result struct is left released (all pointers NULL).
 * - Standard deviations are population SDs (divide by n), means are
 *   unweighted (METHODS.md §0). Means, SDs and sums are accumulated in
 *   `long double` (x86-64: 64-bit mantissa) and rounded to double only
 *   when stored, so that class boundaries (e.g. status_index <= -1) are
 *   decided on values accurate to about 1 ulp of double. Classes are decided
 *   on the stored double, so a reader who re-checks a printed value (with 17
 *   significant digits) gets the same class.
 * - Functions are reentrant and keep no state; results may be read from
 *   several threads.
 */
#ifndef AMPEL_INDEX_H
#define AMPEL_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "ampel/dataset.h" /* ampel_polarity */
#include "ampel/error.h"
#include "ampel/labels.h" /* names and German labels (src/model/labels.c) */

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------- */
/* Status and dynamics index (Berlin MSS method, METHODS.md §4)            */
/* ---------------------------------------------------------------------- */

#define AMPEL_MSS_DEFAULT_MIN_POPULATION 300.0

/* The classes AMPEL_MSS_STATUS_* and AMPEL_MSS_DYN_* and their labels
 * (ampel_mss_status_label, ...): labels.h. */

/* Input of ampel_mss_compute(). Initialise with ampel_mss_input_init(),
 * then set the fields. All pointers are borrowed. */
typedef struct ampel_mss_input {
  size_t n_areas;
  size_t k_status;                    /* >= 1 */
  const double *status;               /* n_areas x k_status */
  const ampel_polarity *status_polarity; /* k_status; neutral is refused */
  size_t k_dynamics;                  /* 0 = no dynamics index */
  const double *dynamics;             /* n_areas x k_dynamics (changes) */
  const ampel_polarity *dynamics_polarity; /* k_dynamics */
  const double *population;           /* NULL or n_areas; NaN = unknown */
  double min_population; /* default 300; areas below are not classified */
  const char *const *status_keys;     /* optional names for messages */
  const char *const *dynamics_keys;   /* optional names for messages */
} ampel_mss_input;

typedef struct ampel_mss_area {
  int in_universe;       /* 1 when the area is classified */
  double status_sum;     /* sum of oriented status z-values; NaN outside */
  double status_index;   /* status_sum re-standardised; NaN outside */
  int status_class;      /* AMPEL_MSS_STATUS_* */
  double dynamics_sum;   /* NaN outside or without dynamics */
  double dynamics_index; /* NaN outside or without dynamics */
  int dynamics_class;    /* AMPEL_MSS_DYN_* */
  char group[8];         /* e.g. "2-", "1+/-"; "3" without dynamics; "" */
} ampel_mss_area;

typedef struct ampel_mss_result {
  size_t n_areas, k_status, k_dynamics;
  size_t n_universe;
  ampel_mss_area *areas; /* n_areas */
  double *z_status;      /* n_areas x k_status, oriented (-p*z); NaN outside */
  double *z_dynamics;    /* n_areas x k_dynamics or NULL when k_dynamics 0 */
} ampel_mss_result;

/* Sets every field to 0/NULL and min_population to the default. */
void ampel_mss_input_init(ampel_mss_input *in);

/* Computes the MSS status and dynamics index (METHODS.md §4).
 *
 * Universe: areas whose status and dynamics values are all present (not
 * NaN) and whose population, when known (not NaN), is >= min_population.
 * Each indicator is z-standardised over the universe and oriented so that
 * higher means more disadvantage: z' = -p * z. The sums of z' are
 * re-standardised to the indices; classes and group follow §4 exactly.
 *
 * Errors: AMPEL_E_USAGE for k_status == 0, missing arrays, a polarity that
 * is neutral or not -1/+1, a negative or NaN min_population; AMPEL_E_DATA for
 * infinite values, fewer than 2 areas in the universe, an indicator or a sum
 * without spread (SD 0). Caller releases `out` with ampel_mss_result_release().
 */
AMPEL_WUR ampel_status ampel_mss_compute(const ampel_mss_input *in,
                                         ampel_mss_result *out,
                                         ampel_diags *diags);
void ampel_mss_result_release(ampel_mss_result *r);

/* Classes from an index value (NaN -> 0), boundaries as in METHODS.md §4. */
int ampel_mss_status_class(double status_index);
int ampel_mss_dynamics_class(double dynamics_index);

/* ---------------------------------------------------------------------- */
/* Ranks and levels (METHODS.md §5)                                         */
/* ---------------------------------------------------------------------- */

#define AMPEL_LEVELS_DEFAULT_K 9
#define AMPEL_LEVELS_MAX_K 1000

typedef enum ampel_level_method {
  AMPEL_LEVEL_WIDTH = 0, /* equal width of the score range (default) */
  AMPEL_LEVEL_COUNT = 1  /* equal counts by rank position */
} ampel_level_method;

typedef struct ampel_level_opts {
  int k;              /* number of levels, 1..AMPEL_LEVELS_MAX_K; default 9 */
  double top_share;   /* q in (0,1); 0 = no top group (default) */
  ampel_level_method method;
} ampel_level_opts;

/* k = 9, top_share = 0, method = width. */
void ampel_level_opts_init(ampel_level_opts *o);

/* Ranks and levels of `n` scores (higher score = more need). NaN scores are
 * outside the universe and get rank 0 and level 0; the other m scores:
 *
 * Rank: competition ranking ("1224"): rank = 1 + number of scores strictly
 * greater, so tied scores share the smallest rank. Scores are compared as
 * doubles (exact equality is a tie).
 *
 * Levels 1..k (k = most need):
 * - k == 1: every area gets level 1.
 * - top_share q > 0: t = ceil(q*m) (at least 1; q*m within 1e-9 relative of
 *   an integer counts as that integer, so q = 0.07, m = 100 gives 7, not 8
 *   through binary rounding). Every area with rank <= t gets level k, so
 *   ties at the cut go up. The remaining r areas get levels 1..k-1.
 *   Without top share the r = m areas get levels 1..k. Let K' be the number
 *   of levels for the remaining areas.
 * - width: lo/hi = smallest/largest remaining score; level =
 *   1 + floor((s - lo) * K' / (hi - lo)), at most K', evaluated in double
 *   in exactly this order (reproducible in any language). Level j thus covers
 *   [lo + (j-1)w, lo + jw) with w = (hi-lo)/K', the last level includes hi.
 *   Levels can be empty.
 * - count: with p = rank among the remaining areas (competition ranking,
 *   1 = most need), level = K' - floor((p - 1) * K' / r). Group sizes differ
 *   by at most one (the extra areas go to the higher levels); tied areas
 *   share p, so a block of ties gets the level of its best-placed member
 *   ("ties go up", as at the top-share cut).
 * - Degenerate cases follow from "ties go up": when all remaining scores are
 *   equal (also r == 1) they all get level K'; when all m scores are equal
 *   they are all level k (with or without top share).
 *
 * `out_rank` and `out_level` (n entries each) may each be NULL.
 * Errors: AMPEL_E_USAGE for k out of range, top_share not in [0,1), an unknown
 * method; AMPEL_E_DATA for infinite scores; AMPEL_E_NOMEM.
 */
AMPEL_WUR ampel_status ampel_levels_compute(size_t n, const double *score,
                                            const ampel_level_opts *o,
                                            size_t *out_rank, int *out_level,
                                            ampel_diags *diags);

/* ---------------------------------------------------------------------- */
/* Need index (METHODS.md §5)                                              */
/* ---------------------------------------------------------------------- */

typedef struct ampel_need_input {
  size_t n_areas;
  size_t k;                        /* >= 1 indicators */
  const double *values;            /* n_areas x k */
  const ampel_polarity *polarity;  /* k; neutral is refused */
  const double *weights;           /* k raw weights >= 0, or NULL = equal */
  const char *const *keys;         /* optional indicator names for messages */
  ampel_level_opts levels;
} ampel_need_input;

typedef struct ampel_need_result {
  size_t n_areas, k;
  size_t n_universe; /* areas with all k values */
  double *weights;   /* k normalised weights (sum 1) */
  double *z;         /* n_areas x k oriented z (-p*z); NaN outside */
  double *score;     /* n_areas; sum_j weight_j * z_aj; NaN outside */
  size_t *rank;      /* n_areas; 1 = most need; 0 outside */
  int *level;        /* n_areas; 1..k; 0 outside */
} ampel_need_result;

/* Zeroes the input and sets the level options to their defaults. */
void ampel_need_input_init(ampel_need_input *in);

/* Normalises k raw weights to sum 1 into out_w (k entries; may alias raw).
 * raw == NULL means equal weights 1/k. Errors (AMPEL_E_USAGE, German
 * message): a negative, NaN or infinite weight, or all weights 0. */
AMPEL_WUR ampel_status ampel_need_weights_normalise(size_t k,
                                                    const double *raw,
                                                    const char *const *keys,
                                                    double *out_w,
                                                    ampel_diags *diags);

/* Scores from oriented z-values (n x k, NaN rows give NaN) and normalised
 * weights: score_a = sum_j w_j * z_aj, accumulated in long double in the
 * order j = 0..k-1. ampel_need_compute() and the sensitivity runs both use
 * this, so equal weights give bit-identical scores. */
void ampel_need_scores(size_t n, size_t k, const double *z, const double *w,
                       double *out_score);

/* Computes the need index: universe = areas with all k values present;
 * each indicator z-standardised over the universe (population SD) and
 * oriented z' = -p*z; score = sum_j w_j z'_aj with normalised weights (an
 * indicator with weight 0 still restricts the universe); ranks and levels by
 * ampel_levels_compute() with in->levels.
 * Errors: AMPEL_E_USAGE (k == 0, missing arrays, neutral polarity, bad
 * weights, bad level options); AMPEL_E_DATA (infinite values, fewer than 2
 * areas with all values, an indicator without spread); AMPEL_E_NOMEM.
 * Caller releases `out` with ampel_need_result_release(). */
AMPEL_WUR ampel_status ampel_need_compute(const ampel_need_input *in,
                                          ampel_need_result *out,
                                          ampel_diags *diags);
void ampel_need_result_release(ampel_need_result *r);

/* ---------------------------------------------------------------------- */
/* Needs-based allocation (METHODS.md §6)                                   */
/* ---------------------------------------------------------------------- */

/* Budgets are limited to 2^53 units so that every amount is an exact
 * integer in a double as well as in int64. */
#define AMPEL_ALLOCATION_MAX_UNITS 9007199254740992.0

typedef enum ampel_need_mode {
  /* Need values are used as given; they must be >= 0 (e.g. levels 1..K). */
  AMPEL_NEED_AS_IS = 0,
  /* Need values are index scores (any sign); need = score - min(score).
   * Why: scores are z-sums whose zero point is arbitrary (the city mean).
   * Measuring need as the distance above the least needy area is the
   * only simple shift that does not depend on that zero point, and the
   * shares do not change when the scores are rescaled (any a*s+b, a > 0,
   * gives the same allocation). The least needy area gets no need part,
   * only its base part; a guaranteed minimum is what --base-share and
   * --floor are for. */
  AMPEL_NEED_SHIFT_MIN = 1
} ampel_need_mode;

typedef struct ampel_allocation_input {
  size_t n_areas;             /* >= 1 */
  double budget;              /* B > 0, a multiple of unit */
  double base_share;          /* beta in [0,1]; default 0 */
  const double *weight;       /* n_areas, >= 0; NULL = 1 per area */
  const double *need;         /* n_areas, finite; see need_mode */
  ampel_need_mode need_mode;  /* default AMPEL_NEED_AS_IS */
  double unit;                /* U > 0; default 1 */
  double floor;               /* per area; 0 = none; multiple of unit */
  double cap;                 /* per area; INFINITY = none; multiple of unit */
  const char *const *area_keys; /* optional area names for messages */
} ampel_allocation_input;

typedef struct ampel_allocation_area {
  double weight;     /* w_a as used */
  double need;       /* n_a as used (after the shift for SHIFT_MIN) */
  double base_part;  /* B*beta*w_a/sum(w) */
  double need_part;  /* B*(1-beta)*w_a*n_a/sum(w*n) */
  double adjusted;   /* after floor and cap, before rounding */
  int bound;         /* -1 held at the floor, +1 at the cap, 0 free */
  long long units;   /* final amount in units of U */
  double allocation; /* units * U */
  double share;      /* units / (B/U), i.e. allocation / B */
} ampel_allocation_area;

typedef struct ampel_allocation_result {
  size_t n_areas;
  double budget, unit;
  long long total_units; /* B/U; equals the sum of units */
  ampel_allocation_area *areas;
} ampel_allocation_result;

/* beta = 0, unit = 1, floor = 0, cap = INFINITY, need mode AS_IS. */
void ampel_allocation_input_init(ampel_allocation_input *in);

/* Distributes B (METHODS.md §6):
 *   alloc_a = B*(beta*w_a/W + (1-beta)*w_a*n_a/WN), W = sum w, WN = sum w*n;
 * when WN == 0 (no area has need) the need part is split by w like the base
 * part. Floor f and cap c: the result is x_a = clamp(lambda*alloc_a, f, c)
 * with the single lambda that makes sum x_a = B. This is the fixed point of
 * "hold areas at floor/cap and redistribute the rest among the others in
 * proportion to their unconstrained amounts"; it is computed exactly (sorted
 * breakpoints), not by iterating. An area with alloc_a == 0 gets the floor.
 * Rounding: quotas x_a/U are cut to integers and the remaining units go to
 * the largest remainders (Hare/Hamilton), so the units add up to B/U
 * exactly. Equal remainders: larger need first, then the lower area index.
 * Areas at floor or cap have integral quotas, so rounding keeps f and c.
 *
 * Errors: AMPEL_E_USAGE (German message) for B <= 0, unit <= 0, B not a
 * multiple of U, beta outside [0,1], floor/cap negative, not multiples of U,
 * floor > cap, n*floor > B, caps that cannot absorb B; AMPEL_E_DATA for NaN
 * or infinite weights or needs, negative weights, negative need in AS_IS
 * mode, all weights 0; AMPEL_E_TOO_LARGE for more than 2^53 units.
 * Caller releases `out` with ampel_allocation_result_release(). */
AMPEL_WUR ampel_status ampel_allocation_compute(
    const ampel_allocation_input *in, ampel_allocation_result *out,
    ampel_diags *diags);
void ampel_allocation_result_release(ampel_allocation_result *r);

/* ---------------------------------------------------------------------- */
/* Sensitivity of the need index to its weights                             */
/* ---------------------------------------------------------------------- */

#define AMPEL_SENSITIVITY_MAX_RUNS 1000000

typedef struct ampel_sensitivity_opts {
  size_t runs;       /* N >= 1; default 1000 */
  uint64_t seed;     /* default 1 */
  double factor_min; /* default 0.8; > 0 */
  double factor_max; /* default 1.2; >= factor_min */
  const ampel_stop *stop; /* NULL, or polled before every run
                             (AMPEL_E_CANCELLED) */
} ampel_sensitivity_opts;

typedef struct ampel_sensitivity_area {
  size_t base_rank;      /* rank with the given weights; 0 outside */
  size_t min_rank, max_rank; /* over the N perturbed runs */
  int base_level, min_level, max_level;
  double top_level_share; /* share of the N runs with level == k */
} ampel_sensitivity_area;

typedef struct ampel_sensitivity_result {
  size_t n_areas, runs;
  ampel_sensitivity_area *areas; /* n_areas; zeros outside the universe */
} ampel_sensitivity_result;

void ampel_sensitivity_opts_init(ampel_sensitivity_opts *o);

/* Weight sensitivity of the need index. The base run is ampel_need_compute()
 * on `in`. Each of the N runs multiplies every raw weight (1 when
 * in->weights is NULL) by its own factor drawn uniformly from
 * [factor_min, factor_max), renormalises, recomputes the scores from the
 * (unchanged) z-values, then ranks and levels with in->levels. Min/max and
 * the top-level share are over the N runs (the base run is reported
 * separately). Factors come from xoshiro256** seeded by splitmix64(seed),
 * drawn in the order run 0 indicator 0, run 0 indicator 1, ...; the result
 * is therefore the same for the same seed on every platform. With
 * factor_min == factor_max == 1 every run equals the base run exactly.
 * Cost O(N * (n*k + n)) time (ranks use a radix sort), O(n*k) memory.
 * Errors: as ampel_need_compute(), plus AMPEL_E_USAGE for runs == 0 or bad
 * factors and AMPEL_E_TOO_LARGE for runs > AMPEL_SENSITIVITY_MAX_RUNS.
 * Caller releases `out` with ampel_sensitivity_result_release(). */
AMPEL_WUR ampel_status ampel_sensitivity_compute(
    const ampel_need_input *in, const ampel_sensitivity_opts *o,
    ampel_sensitivity_result *out, ampel_diags *diags);
void ampel_sensitivity_result_release(ampel_sensitivity_result *r);

#ifdef __cplusplus
}
#endif
#endif
