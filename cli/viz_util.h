/* viz_util.h - helpers shared by `ampel map`, `chart` and `correlate`. */
#ifndef AMPEL_CLI_VIZ_UTIL_H
#define AMPEL_CLI_VIZ_UTIL_H

#include <stddef.h>

#include "ampel/buf.h"
#include "ampel/dataset.h"
#include "ampel/store.h"

/* Writes the buffer to path ("-" = stdout) as .svg, or as .png/.pdf by
 * the extension (cli_write_picture); prints problems; exit code. */
int viz_write(const char *path, ampel_buf *b, double dpi);

/* Indicator id by key; prints a usage error naming the keys and returns
 * -1 when unknown. */
long viz_indicator(const char *cmd, const ampel_dataset *ds, const char *key);

/* 1 when the path ends in ext (case-insensitive, e.g. ".svg"). */
int viz_has_ext(const char *path, const char *ext);

/* "Name (Einheit)" of an indicator into out. */
void viz_ind_label(const ampel_indicator *ind, char *out, size_t size);

#endif
