/* overview.h - the data behind the Übersicht (heatmap + lights of one
 * selection), shared by h_index.c and its tables (ov_tables.c). */
#ifndef AMPEL_SERVER_OVERVIEW_H
#define AMPEL_SERVER_OVERVIEW_H

#include "ampel/heatmap.h"
#include "ampel/lights.h"
#include "ampel/select.h"
#include "server.h"

typedef struct ov_data {
  const char *level;
  long period, since;
  double band;
  char **keys;
  size_t n_keys;
  char *keys_copy;
  const ampel_palette *palette;
  ampel_heatmap_opts hm_opts;
  ampel_lights_opts li_opts;
  ampel_selection sel;
  ampel_lights li;
  size_t *order; /* ampel_lights_rank order */
  ampel_heatmap hm;
  int hm_ok;
  ampel_diags hm_diags;
} ov_data;

/* Validates the query and computes selection, lights (and the heatmap
 * when asked). On -1 the error response is filled; release in any case. */
int ov_compute(srv_req *q, srv_resp *r, ov_data *o, int want_heatmap);
void ov_release(ov_data *o);

void ov_intro(srv_req *q, ampel_buf *b, const ov_data *o);
void ov_lights_table(srv_req *q, ampel_buf *b, const ov_data *o);
void ov_heatmap_table(srv_req *q, ampel_buf *b, const ov_data *o);
/* One Ampel cell: status badge (symbol + word) and trend. */
void ov_cell(ampel_buf *b, const ampel_lights_cell *c);

#endif
