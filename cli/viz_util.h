/* viz_util.h - helpers shared by `ampel map` and `chart`. */
#ifndef AMPEL_CLI_VIZ_UTIL_H
#define AMPEL_CLI_VIZ_UTIL_H

#include <stddef.h>

#include "ampel/dataset.h"

/* "Name (Einheit)" of an indicator into out. */
void viz_ind_label(const ampel_indicator *ind, char *out, size_t size);

#endif
