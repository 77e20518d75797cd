/* ampel/options.h - the one option table (issue 10).
 *
 * Every option of every command and every query parameter of the dashboard
 * and the API is declared once in src/analysis/options.c: its name, type,
 * range, default and German help text. The command line (`--level X`,
 * `--level=X`) and the server (`level=X`) both parse through
 * ampel_query_set(), so a bad value is refused with the same message
 * everywhere; `--help`, docs/cli.md, the man page and the parameter tables
 * of docs/api.md are generated from the same table.
 *
 * Names: the table spells a name as on the command line (`base-share`);
 * in a query string '_' and '-' are the same (`base_share`).
 *
 * The same name may mean different options in different commands
 * (`--method` of `index` is mss|weighted, of `correlate` pearson|spearman):
 * an option is identified by its id, and a command or route lists the ids
 * it accepts. Within one list a name is unique.
 *
 * A query borrows its texts: the strings passed to ampel_query_set() must
 * outlive it (argv, the request's parameters). No allocation, no state.
 */
#ifndef AMPEL_OPTIONS_H
#define AMPEL_OPTIONS_H

#include <stddef.h>

#include "ampel/buf.h"
#include "ampel/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum ampel_opt_id {
  /* what is looked at */
  AMPEL_OPT_LEVEL,
  AMPEL_OPT_PERIOD,
  AMPEL_OPT_SINCE,
  AMPEL_OPT_STAND,
  AMPEL_OPT_DEVELOPMENTS,
  AMPEL_OPT_INDICATORS,
  AMPEL_OPT_INDICATOR,
  AMPEL_OPT_AREA,
  AMPEL_OPT_AREAS,
  AMPEL_OPT_MIN_POPULATION,
  /* lights */
  AMPEL_OPT_BAND,
  AMPEL_OPT_STATUS_METHOD,
  AMPEL_OPT_REFERENCE,
  /* heatmap */
  AMPEL_OPT_CLUSTER,
  AMPEL_OPT_LINKAGE,
  AMPEL_OPT_TREE,
  /* index */
  AMPEL_OPT_INDEX_METHOD,
  AMPEL_OPT_STATUS_KEYS,
  AMPEL_OPT_DYNAMICS_KEYS,
  AMPEL_OPT_NEED_INDICATORS,
  AMPEL_OPT_LEVELS,
  AMPEL_OPT_TOP_SHARE,
  AMPEL_OPT_LEVEL_METHOD,
  AMPEL_OPT_SENSITIVITY,
  AMPEL_OPT_SEED,
  AMPEL_OPT_SENSITIVITY_OUT,
  /* allocate */
  AMPEL_OPT_BUDGET,
  AMPEL_OPT_BASE_SHARE,
  AMPEL_OPT_WEIGHT,
  AMPEL_OPT_NEED,
  AMPEL_OPT_UNIT,
  AMPEL_OPT_FLOOR,
  AMPEL_OPT_CAP,
  AMPEL_OPT_AMOUNT_LABEL,
  /* correlate, chart, map */
  AMPEL_OPT_INDEX_FILE,
  AMPEL_OPT_CORR_METHOD,
  AMPEL_OPT_X,
  AMPEL_OPT_Y,
  AMPEL_OPT_BY,
  AMPEL_OPT_CLASSES,
  AMPEL_OPT_POINTS,
  AMPEL_OPT_NO_LABELS,
  AMPEL_OPT_DIVERGING,
  AMPEL_OPT_FIXED_BREAKS,
  AMPEL_OPT_ATTRIBUTION,
  /* pictures and outputs */
  AMPEL_OPT_PALETTE,
  AMPEL_OPT_TITLE,
  AMPEL_OPT_OUTPUT,
  AMPEL_OPT_DPI,
  AMPEL_OPT_FORMAT,
  AMPEL_OPT_LIST_FORMAT,
  AMPEL_OPT_EXPORT_FORMAT,
  AMPEL_OPT_UNPROTECTED,
  /* import */
  AMPEL_OPT_ENCODING,
  AMPEL_OPT_SEP,
  AMPEL_OPT_DECIMAL,
  AMPEL_OPT_KEY_PROPERTY,
  AMPEL_OPT_NAME_PROPERTY,
  AMPEL_OPT_CRS,
  AMPEL_OPT_ONLY_LEVEL,
  AMPEL_OPT_PRUEFEN, /* import --pruefen (issue 12) */
  /* serve */
  AMPEL_OPT_BIND,
  AMPEL_OPT_PORT,
  AMPEL_OPT_THREADS,
  AMPEL_OPT_ADMIN_TOKEN_FILE,
  AMPEL_OPT_REQUEST_TIMEOUT,
  AMPEL_OPT_COMPUTE_TIMEOUT,
  AMPEL_OPT_MAX_CONNECTIONS,
  AMPEL_OPT_MAX_PER_ADDRESS,
  AMPEL_OPT_MAX_UPLOAD,
  AMPEL_OPT_FRAME_ANCESTORS,
  AMPEL_OPT_FROM,
  AMPEL_OPT_TO,
  /* lisa */
  AMPEL_OPT_PERMUTATIONS,
  AMPEL_OPT_ALPHA,
  AMPEL_OPT_GLOBAL,
  AMPEL_OPT_LISA_INDICATOR,
  /* umschluessel */
  AMPEL_OPT_KEY_OLD,
  AMPEL_OPT_KEY_NEW,
  AMPEL_OPT_KEY_OLD_PROPERTY,
  AMPEL_OPT_KEY_NEW_PROPERTY,
  AMPEL_OPT_KEY_WEIGHT,
  AMPEL_OPT_POP_POINTS,
  AMPEL_OPT_MIN_SHARE,
  /* accounts and sign-in (issue 12) */
  AMPEL_OPT_ROLE,
  AMPEL_OPT_USER,
  AMPEL_OPT_LIMIT,
  AMPEL_OPT_PRIVATE,
  AMPEL_OPT_PUBLIC_URL,
  AMPEL_OPT_TRUSTED_HEADER,
  AMPEL_OPT_TRUSTED_PROXY,
  /* the overview of many areas (issue 15): pages, search, groups */
  AMPEL_OPT_PAGE,
  AMPEL_OPT_SEARCH,
  AMPEL_OPT_SORT,
  AMPEL_OPT_GROUP,
  AMPEL_OPT_COUNT
} ampel_opt_id;

typedef enum ampel_opt_type {
  AMPEL_OT_TEXT,    /* a non-empty text (a key, a label, a name) */
  AMPEL_OT_LIST,    /* comma-separated keys (some with ":weight") */
  AMPEL_OT_NUMBER,  /* a decimal number ('.' or ',') in the range */
  AMPEL_OT_INTEGER, /* a whole number in the range */
  AMPEL_OT_CHOICE,  /* one of the words */
  AMPEL_OT_FLAG,    /* no value on the command line; ja|nein|1|0 in a query */
  AMPEL_OT_FILE     /* a path to write; command line only */
} ampel_opt_type;

enum {
  AMPEL_OPTF_LO_OPEN = 1u << 0, /* lo is excluded (> lo) */
  AMPEL_OPTF_HI_OPEN = 1u << 1, /* hi is excluded (< hi) */
  AMPEL_OPTF_CLI = 1u << 2      /* command line only, never from a query */
};

typedef struct ampel_opt_def {
  ampel_opt_id id;
  const char *name;    /* command-line spelling without "--" */
  char short_name;     /* e.g. 'o', or 0 */
  ampel_opt_type type;
  const char *metavar; /* e.g. "EBENE"; NULL for flags */
  double lo, hi;       /* NUMBER/INTEGER range */
  unsigned flags;      /* AMPEL_OPTF_* */
  const char *words;   /* CHOICE: "z|relative" (the first is index 0) */
  const char *def;     /* default as input text, or NULL (none/computed) */
  const char *def_de;  /* German words for a computed default, or NULL */
  const char *help_de; /* German help text, one sentence, no default */
} ampel_opt_def;

/* 1 when every table row sits at its id and has a name and a help text. */
int ampel_opt_table_ok(void);

/* The definition of id (never NULL for a valid id). */
const ampel_opt_def *ampel_opt_get(ampel_opt_id id);

/* The option named `name` (len bytes; '-' and '_' are the same) among the
 * n ids, or NULL. */
const ampel_opt_def *ampel_opt_find(const ampel_opt_id *ids, size_t n,
                                    const char *name, size_t len);

/* A parsed value. */
typedef struct ampel_optval {
  int set;          /* 1 when given (or a default from the table) */
  int given;        /* 1 when given by the user */
  const char *text; /* the text as given (borrowed) */
  double num;       /* NUMBER/INTEGER; FLAG 0/1 */
  int choice;       /* CHOICE: index into the words */
} ampel_optval;

typedef struct ampel_query {
  ampel_optval v[AMPEL_OPT_COUNT];
  /* Stop request of the caller (error.h), NULL after ampel_query_init:
   * the questions of the analysis layer return AMPEL_E_CANCELLED once it
   * fires (the server's deadline). Borrowed. */
  const ampel_stop *stop;
} ampel_query;

/* Clears q and sets the table defaults of the n ids. */
void ampel_query_init(ampel_query *q, const ampel_opt_id *ids, size_t n);

/* Checks `value` against d and stores it. A bad value gives AMPEL_E_USAGE
 * and a German message (without the option's name; the caller prefixes
 * "--band: " or "band: ") in msg, e.g. "Zahl größer als 0 erwartet,
 * gefunden: 'x'". value is borrowed. msg may be NULL. */
AMPEL_WUR ampel_status ampel_query_set(ampel_query *q,
                                       const ampel_opt_def *d,
                                       const char *value, char *msg,
                                       size_t msg_size);

/* Accessors. text: NULL when unset; num: NaN when unset; choice: -1 when
 * unset; flag: 0 when unset. */
int ampel_query_has(const ampel_query *q, ampel_opt_id id);
int ampel_query_given(const ampel_query *q, ampel_opt_id id);
const char *ampel_query_text(const ampel_query *q, ampel_opt_id id);
double ampel_query_num(const ampel_query *q, ampel_opt_id id);
int ampel_query_choice(const ampel_query *q, ampel_opt_id id);
int ampel_query_flag(const ampel_query *q, ampel_opt_id id);

/* An unambiguous canonical form of the given values of the n ids
 * (name=value pairs, percent-encoded, in table order, joined with '&'),
 * appended to out: the same answer has the same key, different answers
 * never share one. */
void ampel_query_canonical(const ampel_query *q, const ampel_opt_id *ids,
                           size_t n, ampel_buf *out);

/* The "Optionen:" lines of a help text for the n ids, wrapped at 78
 * columns, e.g. "  --band B              Breite des mittleren Bandes
 * (Vorgabe: 0,5)\n". */
void ampel_opt_help(const ampel_opt_id *ids, size_t n, ampel_buf *out);

/* A Markdown table of the n ids as query parameters for docs/api.md:
 * "| Parameter | Wert | Vorgabe | Bedeutung |". Command-line-only
 * options are left out. */
void ampel_opt_api_table(const ampel_opt_id *ids, size_t n, ampel_buf *out);

/* A roff fragment (.TP entries) for the man page. */
void ampel_opt_man(const ampel_opt_id *ids, size_t n, ampel_buf *out);

#ifdef __cplusplus
}
#endif
#endif
