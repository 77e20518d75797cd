/* Helpers shared by `ampel map`, `chart` and `correlate`. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "viz_util.h"

int viz_write(const char *path, ampel_buf *b, double dpi) {
  return cli_write_picture(path, b, dpi); /* .svg, .png or .pdf */
}

long viz_indicator(const char *cmd, const ampel_dataset *ds,
                   const char *key) {
  long id = ampel_dataset_find_indicator(ds, key);
  if (id >= 0)
    return id;
  char names[600] = "";
  size_t used = 0;
  for (size_t i = 0; i < ampel_dataset_n_indicators(ds) && used < 500; i++) {
    int w = snprintf(names + used, sizeof names - used, "%s%s", i ? ", " : "",
                     ampel_dataset_indicator(ds, i)->key);
    used += w > 0 ? (size_t)w : 0;
  }
  cli_usage(cmd, "unbekannte Kennzahl '%s' (vorhanden: %s)", key, names);
  return -1;
}

int viz_has_ext(const char *path, const char *ext) {
  size_t n = strlen(path), e = strlen(ext);
  return n >= e && strcasecmp(path + n - e, ext) == 0;
}

void viz_ind_label(const ampel_indicator *ind, char *out, size_t size) {
  if (ind->unit && *ind->unit)
    snprintf(out, size, "%s (%s)", ind->name ? ind->name : ind->key,
             ind->unit);
  else
    snprintf(out, size, "%s", ind->name ? ind->name : ind->key);
}
