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

/* Subcommands: argv[0] is the command name. */
int cmd_import(int argc, char **argv, cli_common *c);
int cmd_check(int argc, char **argv, cli_common *c);
int cmd_list(int argc, char **argv, cli_common *c);
int cmd_export(int argc, char **argv, cli_common *c);

#endif
