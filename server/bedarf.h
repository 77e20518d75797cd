/* bedarf.h - need index, allocation and sensitivity for the Bedarf page
 * and the API (h_bedarf.c computes, bedarf_page.c renders). */
#ifndef AMPEL_SERVER_BEDARF_H
#define AMPEL_SERVER_BEDARF_H

#include <stdint.h>

#include "ampel/index.h"
#include "ampel/need.h"
#include "ampel/select.h"
#include "server.h"

typedef struct bd_data {
  const char *level, *period_label;
  ampel_keylist kl;
  ampel_level_opts lv;
  double min_population, budget;
  int need_score;
  long weight_ind; /* -1: 1 per area */
  size_t runs;
  uint64_t seed;
  ampel_allocation_input ain; /* base_share */
  ampel_need_table t;
  ampel_sensitivity_result sens;
  int sens_ok;
  /* allocation, per frame row */
  double *need, *weight;
  size_t *row;
  int *used;
  const char **keys, **names;
  size_t m;
  ampel_allocation_result res;
} bd_data;

/* Validates the query (CLI option names) and computes; -1 with the error
 * response filled. Release with bd_release() in any case. */
int bd_compute(srv_req *q, srv_resp *r, bd_data *x, int want_alloc);
void bd_release(bd_data *x);
void bd_page(srv_req *q, srv_resp *r, const bd_data *x);
/* The query string that reproduces x (for sharing), HTML-escaped. */
void bd_share_query(ampel_buf *b, const bd_data *x, const srv_req *q);

#endif
