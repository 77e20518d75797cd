/* cli.h - shared helpers of the `ampel` program (not part of the library).
 */
#ifndef AMPEL_CLI_H
#define AMPEL_CLI_H

#include <stdint.h>
#include <stdio.h>

#include "ampel/buf.h"
#include "ampel/dataset.h"
#include "ampel/error.h"
#include "ampel/store.h"

/* Exit codes (docs/cli.md). */
enum { EXIT_OK = 0, EXIT_DATA = 1, EXIT_USAGE = 2, EXIT_SYSTEM = 3 };

/* Options every command understands. */
typedef struct cli_common {
  const char *db; /* --db, else $AMPEL_DB, else ./ampel.db */
  int unprotected; /* 1: cli_load skips disclosure control (export
                      --ungeschuetzt) */
} cli_common;

/* `ampel: ` + message to stderr. */
void cli_error(const char *fmt, ...) AMPEL_PRINTF(1, 2);
void cli_warn(const char *fmt, ...) AMPEL_PRINTF(1, 2);
void cli_note(const char *fmt, ...) AMPEL_PRINTF(1, 2);

/* Prints every diagnostic as `ampel: FILE:LINE:COL: Fehler: …` with the
 * source line and a caret, and a closing line for dropped ones. */
void cli_print_diags(const ampel_diags *d, FILE *out);

/* Usage error: prints the message and a hint to --help; returns 2. */
int cli_usage(const char *cmd, const char *fmt, ...) AMPEL_PRINTF(2, 3);

/* The database location from --db / $AMPEL_DB / default. */
const char *cli_db_path(const cli_common *c);

/* Open the store, printing problems; NULL on failure (*out_exit set). */
ampel_store *cli_open_store(const cli_common *c, int mode, int *out_exit);
/* Open the store and load everything; prints problems. */
ampel_dataset *cli_load(const cli_common *c, ampel_store **out_store,
                        int *out_exit);

/* Now, or $SOURCE_DATE_EPOCH for reproducible outputs. */
int64_t cli_now(void);

/* A sink writing to a FILE*. */
int cli_file_sink(void *ud, const char *data, size_t len);

/* Writes buf's content to path ("-" = stdout) atomically (temp file +
 * rename). Prints problems; returns an exit code. */
int cli_write_output(const char *path, const char *data, size_t len);

/* Prints the help text of a command (from help.c) to out. */
void cli_help(const char *cmd, FILE *out);
/* 1 when the command has a help text. */
int cli_has_help(const char *cmd);

/* Parses a strictly positive/nonnegative number option; prints and returns
 * -1 on error. */
int cli_parse_double(const char *cmd, const char *opt, const char *s,
                     double *out);
int cli_parse_long(const char *cmd, const char *opt, const char *s,
                   long *out);
/* Parses --reference root|mean into *force_mean; prints a usage error;
 * returns an exit code. */
int cli_parse_reference(const char *cmd, const char *s, int *force_mean);

/* ---- commands and their options (commands.c, args.c) ------------------- */
#include "ampel/options.h"

#define CLI_MAX_POS 256

typedef struct cli_command cli_command;

/* One run of a command whose options come from the option table. */
typedef struct cli_call {
  const cli_command *cmd;
  cli_common *common;
  ampel_query q;            /* parsed and checked options */
  char *pos[CLI_MAX_POS];   /* positional arguments (borrowed from argv) */
  size_t n_pos;
} cli_call;

struct cli_command {
  const char *name;
  int (*run)(const cli_call *call);          /* table-driven command */
  int (*legacy)(int argc, char **argv, cli_common *c); /* own parsing */
  const ampel_opt_id *ids; /* the options it accepts */
  size_t n_ids;
  size_t min_pos, max_pos; /* positional arguments */
  const char *pos_name;    /* what is missing, e.g. "DATEI" */
  const char *head;        /* help before "Optionen:" */
  const char *tail;        /* help after the options, or NULL */
};

/* The command named `name`, or NULL. */
const cli_command *cli_find_command(const char *name);
/* Parses argv (argv[0] is the command name) into call: EXIT_OK, EXIT_USAGE
 * after printing the problem, or -1 when --help was printed. */
int cli_parse_args(const cli_command *cmd, int argc, char **argv,
                   cli_call *call);
/* The options of a command's call as text ("" when unset). */
#define CLI_OPT(call, id) ampel_query_text(&(call)->q, (id))

/* Opens the store and the analysis context (flags: AMPEL_CTX_*); prints
 * problems and sets *out_exit on failure (NULL). */
#include "ampel/analysis.h"
ampel_context *cli_context(const cli_common *c, unsigned flags,
                           int *out_exit);
/* Prints the diagnostics; returns the exit code of st. */
int cli_fail(ampel_status st, const ampel_diags *d);
/* What -o / --format ask for: a table as CSV or JSON, or a picture. */
enum { CLI_KIND_UNKNOWN = 0, CLI_KIND_CSV, CLI_KIND_JSON, CLI_KIND_PICTURE };
int cli_table_kind(const cli_call *call);
/* Writes a table (CSV/JSON) as is; prints problems; returns an exit code. */
int cli_write_table(const char *path, const ampel_buf *b);

/* Subcommands: argv[0] is the command name. */
int cmd_import(int argc, char **argv, cli_common *c);
int cmd_check(int argc, char **argv, cli_common *c);
int cmd_list(int argc, char **argv, cli_common *c);
int cmd_export(int argc, char **argv, cli_common *c);
int cmd_heatmap(int argc, char **argv, cli_common *c);
int cmd_lights(const cli_call *call);
int cmd_serve(int argc, char **argv, cli_common *c); /* cmd_serve.c */

/* Helpers of heatmap/lights (cmd_heatmap.c): the output kind by extension
 * (1 .svg, 2 .csv, 0 other), a comma-separated key list (pointers into
 * *out_copy; free both with ampel_free), the data version footer stamp. */
int cli_output_kind(const char *path);
char **cli_split_keys(const char *s, size_t *out_n, char **out_copy);
void cli_data_stamp(ampel_store *st, char *out, size_t size);

/* ---- index/allocate (cmd_index.c, cmd_allocate.c) ---------------------- */
#include "ampel/need.h"

int cmd_index(int argc, char **argv, cli_common *c);
int cmd_allocate(int argc, char **argv, cli_common *c);

/* ---- maps and charts (cmd_map.c, cmd_chart.c, cmd_correlate.c) ---------- */
int cmd_map(const cli_call *call);
int cmd_chart(const cli_call *call);
int cmd_correlate(const cli_call *call);

/* ---- reports, pictures, settings (cmd_report.c, cmd_template.c,
 * cmd_config.c, picture.c) ------------------------------------------------ */
int cmd_report(int argc, char **argv, cli_common *c);
int cmd_template(int argc, char **argv, cli_common *c);
int cmd_config(int argc, char **argv, cli_common *c);
/* Appends " · Geheimhaltung: …" (the stored settings) to a footer stamp
 * in out (cmd_config.c). */
void cli_disclosure_stamp(ampel_store *st, char *out, size_t size);
/* Writes an SVG picture as .svg, .png (at dpi, 0 = 150) or .pdf by the
 * extension of path ("-" = SVG on stdout); prints problems; returns an
 * exit code (picture.c). */
int cli_write_picture(const char *path, const ampel_buf *svg, double dpi);
/* Writes b to path: as a picture (cli_write_picture, at dpi) when
 * cli_output_kind(path) is 1, else as is (cli_write_output); prints
 * problems (also a failed buffer); returns an exit code (picture.c). */
int cli_write_buf(const char *path, const ampel_buf *b, double dpi);
/* 1 when path ends in .svg, .png or .pdf (case-insensitive). */
int cli_picture_ext(const char *path);
/* 1 when path ends in .xlsx; the XLSX branch of `ampel export`
 * (cmd_template.c). level/period choose the Ampel sheet (NULL: default). */
int cli_is_xlsx(const char *path);
int cli_export_xlsx(cli_common *c, const char *out, const char *level,
                    const char *period);
/* Parses --dpi (10..1200); prints a usage error; returns an exit code. */
int cli_parse_dpi(const char *cmd, const char *s, double *out);

/* Options shared by `index --method weighted` and `allocate`. */
enum {
  OPT_LEVEL = 1000, OPT_PERIOD, OPT_INDICATORS, OPT_LEVELS, OPT_TOP_SHARE,
  OPT_LEVEL_METHOD, OPT_MIN_POP, OPT_SENS, OPT_SEED, OPT_SENS_OUT, OPT_DPI
};
#define CLI_NEED_LONG_OPTS                                                 \
  {"level", required_argument, NULL, OPT_LEVEL},                          \
      {"period", required_argument, NULL, OPT_PERIOD},                    \
      {"indicators", required_argument, NULL, OPT_INDICATORS},            \
      {"levels", required_argument, NULL, OPT_LEVELS},                    \
      {"top-share", required_argument, NULL, OPT_TOP_SHARE},              \
      {"level-method", required_argument, NULL, OPT_LEVEL_METHOD},        \
      {"min-population", required_argument, NULL, OPT_MIN_POP},           \
      {"sensitivity", required_argument, NULL, OPT_SENS},                 \
      {"seed", required_argument, NULL, OPT_SEED},                        \
      {"sensitivity-out", required_argument, NULL, OPT_SENS_OUT},         \
      {"dpi", required_argument, NULL, OPT_DPI}

typedef struct cli_need_opts {
  const char *level, *period;
  ampel_keylist indicators;
  int has_indicators, has_level_opts, has_seed;
  ampel_level_opts levels;
  double min_population;
  size_t sens_runs;
  unsigned long long seed;
  const char *sens_out;
  double dpi; /* --dpi for .png output, 0 = default */
} cli_need_opts;

enum { CLI_OUT_UNKNOWN = 0, CLI_OUT_CSV = 1, CLI_OUT_SVG = 2 };
int cli_out_kind(const char *path); /* "-" counts as CSV */
void cli_need_opts_init(cli_need_opts *o);
void cli_need_opts_release(cli_need_opts *o);
/* 0 handled, 1 not a shared option, -1 bad value (message printed). */
int cli_need_opt(const char *cmd, int ch, const char *arg, cli_need_opts *o);
/* Checks the sensitivity options; returns an exit code. */
int cli_need_check(const char *cmd, const cli_need_opts *o);
/* Computes the need index (prints notes/problems); returns an exit code.
 * On EXIT_OK the caller releases t with ampel_need_table_release(). */
int cli_need_index(const char *cmd, const ampel_dataset *ds,
                   const cli_need_opts *o, ampel_need_table *t);
int cli_need_sensitivity(const ampel_dataset *ds, const cli_need_opts *o,
                         const ampel_need_table *t);
int cli_need_tilemap(const ampel_dataset *ds, const ampel_need_table *t,
                     ampel_buf *b);
void cli_need_period_notes(const ampel_dataset *ds,
                           const ampel_need_frame *f);
/* Appends "\n– Name (key): Gewicht w[, Werte von P]" per indicator. */
void cli_need_describe(const ampel_dataset *ds, const ampel_need_table *t,
                       ampel_buf *b);

#endif
