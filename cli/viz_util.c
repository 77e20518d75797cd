/* Helpers shared by `ampel map` and `chart`. */
#include <stdio.h>

#include "viz_util.h"

void viz_ind_label(const ampel_indicator *ind, char *out, size_t size) {
  if (ind->unit && *ind->unit)
    snprintf(out, size, "%s (%s)", ind->name ? ind->name : ind->key,
             ind->unit);
  else
    snprintf(out, size, "%s", ind->name ? ind->name : ind->key);
}
