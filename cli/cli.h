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
  const char *db;  /* --db, else $AMPEL_DB, else ./ampel.db */
  int unprotected; /* 1: export --ungeschuetzt (no disclosure control) */
  long datenstand;  /* --datenstand N: read as of Datenstand N; 0 = current */
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

/* Removes a SQLite database (and its -wal/-shm/-journal files) that this run
 * created and then could not fill: no empty database is left behind.
 * Does nothing for a postgresql:// location. */
void cli_remove_new_db(const char *path);
/* Truncates a database file that was empty (0 bytes) before a failed run
 * back to 0 bytes and removes its side files. */
void cli_empty_db(const char *path);

/* Now, or $SOURCE_DATE_EPOCH for reproducible outputs. */
int64_t cli_now(void);

/* Reads a whole file (free() the result); NULL after a German message. */
char *cli_slurp(const char *path, size_t *len);

/* A sink writing to a FILE*. */
int cli_file_sink(void *ud, const char *data, size_t len);

/* Writes buf's content to path ("-" = stdout) atomically (temp file +
 * rename, output.c). Prints problems; returns an exit code. */
int cli_write_output(const char *path, const char *data, size_t len);

/* An output file being written (output.c): a new temporary file beside
 * the target (mkstemp: O_EXCL, unpredictable name, no symlink followed),
 * renamed over the target when complete. */
typedef struct cli_out {
  FILE *f;          /* where to write; stdout for "-" */
  const char *path; /* the target (borrowed) */
  char *tmp;        /* the temporary file; NULL for stdout */
} cli_out;
/* Opens o for path ("-": stdout); EXIT_OK, or an exit code after printing
 * the problem. */
int cli_out_open(cli_out *o, const char *path);
/* For writers that take a file name (XLSX): creates the temporary file
 * (its name ends in suffix, e.g. ".xlsx") and closes it; the writer then
 * writes to o->tmp. Finish with cli_out_close. */
int cli_out_reserve(cli_out *o, const char *path, const char *suffix);
/* ok: flushes, fsyncs and renames the temporary file over the target
 * (then fsyncs the directory); otherwise removes it. Prints problems of
 * its own; returns EXIT_OK only when ok and everything worked. */
int cli_out_close(cli_out *o, int ok);

/* Refuses an output file option (-o, --tree, --sensitivity-out) that names
 * the database or one of its side files: prints the message and returns
 * EXIT_DATA; EXIT_OK otherwise (output.c). */
typedef struct cli_call cli_call;
int cli_check_outputs(const cli_call *call);

/* Prints the help text of a command (from help.c) to out. */
void cli_help(const char *cmd, FILE *out);
/* 1 when the command has a help text. */
int cli_has_help(const char *cmd);

/* ---- commands and their options (commands.c, args.c) ------------------- */
#include "ampel/options.h"

#define CLI_MAX_POS 256

typedef struct cli_command cli_command;

/* One run of a command whose options come from the option table. */
struct cli_call {
  const cli_command *cmd;
  cli_common *common;
  ampel_query q;          /* parsed and checked options */
  char *pos[CLI_MAX_POS]; /* positional arguments (borrowed from argv) */
  size_t n_pos;
};

struct cli_command {
  const char *name;
  int (*run)(const cli_call *call); /* table-driven command */
  const ampel_opt_id *ids;          /* the options it accepts */
  size_t n_ids;
  size_t min_pos, max_pos; /* positional arguments */
  const char *pos_name;    /* message when arguments are missing */
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
ampel_context *cli_context(const cli_common *c, unsigned flags, int *out_exit);
/* Prints the diagnostics; returns the exit code of st. */
int cli_fail(ampel_status st, const ampel_diags *d);
/* What -o / --format ask for: a table as CSV or JSON, or a picture. */
enum { CLI_KIND_UNKNOWN = 0, CLI_KIND_CSV, CLI_KIND_JSON, CLI_KIND_PICTURE };
int cli_table_kind(const cli_call *call);
/* A question of the analysis layer as a command (ask.c): which question,
 * which outputs, and how its answer is shown. */
#include "ampel/analysis/questions.h"
typedef struct cli_question {
  const ampel_question *question;
  const char *outputs; /* accepted endings for messages, ".csv, .svg …" */
  int (*output_ok)(const cli_call *call); /* NULL: a table or picture */
  unsigned ctx_flags;                     /* AMPEL_CTX_* */
  int (*render)(const cli_call *call, const void *answer);
} cli_question;
/* Checks -o, opens the context, asks (passing ud on to analyse), renders
 * and writes, releases; returns an exit code. */
int cli_ask(const cli_call *call, const cli_question *qd, const void *ud);
/* Writes b to -o: as a picture (at --dpi) or as a table (ask.c). */
int cli_write_kind(const cli_call *call, const ampel_buf *b);

/* Writes a table (CSV/JSON) as is; prints problems; returns an exit code. */
int cli_write_table(const char *path, const ampel_buf *b);

/* Subcommands: argv[0] is the command name. */
int cmd_import(const cli_call *call);
int cmd_check(const cli_call *call);
int cmd_list(const cli_call *call);
int cmd_versions(const cli_call *call);
int cmd_export(const cli_call *call);
int cmd_heatmap(const cli_call *call);
int cmd_lights(const cli_call *call);
int cmd_serve(const cli_call *call); /* cmd_serve.c */

/* ---- index/allocate (cmd_index.c, cmd_allocate.c) ---------------------- */
#include "ampel/analysis/need.h"

int cmd_index(const cli_call *call);
int cmd_allocate(const cli_call *call);
/* -o, --sensitivity and --sensitivity-out of index/allocate; prints a
 * usage error; returns an exit code. */
int cli_need_check(const cli_call *call);
/* Notes on stderr: periods used, areas rated and those out, by name. */
void cli_need_notes(const ampel_index_answer *a);
/* "  N WHAT: key, key, ..." for the rows with reason r (count of them). */
void cli_need_out_note(const ampel_dataset *ds, const size_t *areas,
                       const ampel_out_reason *reason, size_t n,
                       ampel_out_reason r, size_t count, const char *what);
/* The sensitivity note and table (--sensitivity-out); an exit code. */
int cli_need_sensitivity(const cli_call *call, const ampel_index_answer *a);

/* ---- maps and charts (cmd_map.c, cmd_chart.c, cmd_correlate.c) ---------- */
int cmd_map(const cli_call *call);
int cmd_chart(const cli_call *call);
int cmd_correlate(const cli_call *call);
int cmd_lisa(const cli_call *call); /* cmd_lisa.c */
int cmd_umschluessel(const cli_call *call); /* cmd_umschluessel.c */

/* ---- reports, pictures, settings (cmd_report.c, cmd_template.c,
 * cmd_config.c, picture.c) ------------------------------------------------ */
int cmd_report(const cli_call *call);
int cmd_template(const cli_call *call);
int cmd_doc(const cli_call *call); /* cmd_doc.c */
int cmd_config(const cli_call *call);
int cmd_db(const cli_call *call); /* cmd_db.c */
/* accounts (cmd_user.c, issue 12) */
int cmd_user(const cli_call *call);
int cmd_token(const cli_call *call);
int cmd_audit(const cli_call *call);
/* Writes an SVG picture as .svg, .png (at dpi, 0 = 150) or .pdf by the
 * extension of path ("-" = SVG on stdout); prints problems; returns an
 * exit code (picture.c). */
int cli_write_picture(const char *path, const ampel_buf *svg, double dpi);
/* Writes b to path: as a picture (cli_write_picture, at dpi) when
 * a picture extension, else as is (cli_write_output); prints
 * problems (also a failed buffer); returns an exit code (picture.c). */
int cli_write_buf(const char *path, const ampel_buf *b, double dpi);
/* 1 when path ends in .svg, .png or .pdf (case-insensitive). */
int cli_picture_ext(const char *path);
/* 1 when path ends in .xlsx; the XLSX branch of `ampel export`
 * (cmd_template.c). q chooses the Ampel sheet (level, period, ...; NULL:
 * the defaults of `ampel lights`). */
int cli_is_xlsx(const char *path);
int cli_export_xlsx(cli_common *c, const char *out, const ampel_query *q);

#endif
