/* api.c - the JSON API /api/v1/... (docs/api.md). Same parameters as the
 * CLI options; errors as {"error": "...", "status": N} with 400/404. All
 * strings go through ampel_buf_json_string; missing numbers are null. */
#include <math.h>
#include <string.h>

#include "ampel/alloc.h"
#include "ampel/analysis/correlate.h"
#include "ampel/analysis/heatmap.h"
#include "ampel/analysis/lights.h"
#include "ampel/analysis/lisa.h"
#include "ampel/analysis/need.h"
#include "ampel/analysis/questions.h"
#include "ampel/json.h"
#include "server.h"

static void json_begin(srv_resp *r) {
  r->ctype = "application/json; charset=utf-8";
}

static int api_areas(srv_req *q, srv_resp *r) {
  const char *level = NULL;
  if (srv_p_level(q, r, &level))
    return -1;
  ampel_areas_json(q->ds, level, &r->body);
  return 0;
}

static int api_indicators(srv_req *q, srv_resp *r) {
  ampel_indicators_json(q->ds, &r->body);
  return 0;
}

static int api_periods(srv_req *q, srv_resp *r) {
  ampel_periods_json(q->ds, &r->body);
  return 0;
}

/* ampel_values_filter.converted for the snapshot's context. */
static int srv_converted(const void *ud, size_t a, size_t i, size_t t) {
  return ampel_context_converted(ud, a, i, t);
}

static int api_values(srv_req *q, srv_resp *r) {
  long area = -1, ind = -1, per = -1;
  const char *level = NULL;
  if (srv_p_area(q, r, "area", &area) ||
      srv_p_indicator(q, r, "indicator", &ind) ||
      srv_p_period(q, r, "period", &per) || srv_p_level(q, r, &level))
    return -1;
  ampel_values_filter f = {area, ind, per, level, srv_converted, q->snap->ctx};
  ampel_values_json(q->ds, &f, &r->body);
  return 0;
}

/* The options of /api/v1/lights (docs/api.md, generated). */
const ampel_opt_id srv_lights_ids[] = {
    AMPEL_OPT_LEVEL,         AMPEL_OPT_PERIOD,    AMPEL_OPT_STAND,
    AMPEL_OPT_INDICATORS,    AMPEL_OPT_SINCE,     AMPEL_OPT_BAND,
    AMPEL_OPT_STATUS_METHOD, AMPEL_OPT_REFERENCE, AMPEL_OPT_MIN_POPULATION};
const size_t srv_n_lights_ids =
    sizeof srv_lights_ids / sizeof srv_lights_ids[0];

/* The options of /api/v1/heatmap (docs/api.md, generated). */
const ampel_opt_id srv_heatmap_ids[] = {
    AMPEL_OPT_LEVEL,      AMPEL_OPT_PERIOD,        AMPEL_OPT_STAND,
    AMPEL_OPT_INDICATORS, AMPEL_OPT_CLUSTER,       AMPEL_OPT_LINKAGE,
    AMPEL_OPT_REFERENCE,  AMPEL_OPT_MIN_POPULATION};
const size_t srv_n_heatmap_ids =
    sizeof srv_heatmap_ids / sizeof srv_heatmap_ids[0];

/* The options of /api/v1/index and /api/v1/allocation (also /bedarf). */
const ampel_opt_id srv_index_ids[] = {
    AMPEL_OPT_INDEX_METHOD,    AMPEL_OPT_STATUS_KEYS, AMPEL_OPT_DYNAMICS_KEYS,
    AMPEL_OPT_NEED_INDICATORS, AMPEL_OPT_LEVEL,       AMPEL_OPT_PERIOD,
    AMPEL_OPT_MIN_POPULATION,  AMPEL_OPT_LEVELS,      AMPEL_OPT_TOP_SHARE,
    AMPEL_OPT_LEVEL_METHOD,    AMPEL_OPT_SENSITIVITY, AMPEL_OPT_SEED};
const size_t srv_n_index_ids = sizeof srv_index_ids / sizeof srv_index_ids[0];
const ampel_opt_id srv_allocation_ids[] = {SRV_ALLOCATION_OPTS};
const size_t srv_n_allocation_ids =
    sizeof srv_allocation_ids / sizeof srv_allocation_ids[0];

/* The JSON renderers behind one signature (the casts live here, once). */
/* The options of /api/v1/correlations (docs/api.md, generated). */
const ampel_opt_id srv_correlations_ids[] = {
    AMPEL_OPT_LEVEL, AMPEL_OPT_PERIOD, AMPEL_OPT_INDICATORS,
    AMPEL_OPT_CORR_METHOD, AMPEL_OPT_MIN_POPULATION};
const size_t srv_n_correlations_ids =
    sizeof srv_correlations_ids / sizeof srv_correlations_ids[0];

/* The options of /api/v1/lisa (docs/api.md, generated). */
const ampel_opt_id srv_lisa_ids[] = {
    AMPEL_OPT_LEVEL,  AMPEL_OPT_INDICATOR,     AMPEL_OPT_PERIOD,
    AMPEL_OPT_GLOBAL, AMPEL_OPT_PERMUTATIONS,  AMPEL_OPT_SEED,
    AMPEL_OPT_ALPHA,  AMPEL_OPT_MIN_POPULATION};
const size_t srv_n_lisa_ids = sizeof srv_lisa_ids / sizeof srv_lisa_ids[0];

static void lights_json(const void *a, ampel_buf *b) {
  ampel_lights_json(a, b);
}
static void heatmap_json(const void *a, ampel_buf *b) {
  ampel_heatmap_json(a, b);
}
static void index_json(const void *a, ampel_buf *b) {
  ampel_index_json(a, b);
}
static void correlation_json(const void *a, ampel_buf *b) {
  ampel_correlation_json(a, b);
}
static void allocation_json(const void *a, ampel_buf *b) {
  ampel_allocation_json(a, b);
}
static void lisa_json(const void *a, ampel_buf *b) {
  ampel_lisa_json(a, b);
}

/* A route that answers one question of the analysis layer as JSON. */
typedef struct api_route {
  const char *name;
  const ampel_opt_id *ids;
  const size_t *n_ids;
  const ampel_question *question;
  void (*json)(const void *answer, ampel_buf *out);
} api_route;

static const api_route routes[] = {
    {"lights", srv_lights_ids, &srv_n_lights_ids, &ampel_question_lights,
     lights_json},
    {"heatmap", srv_heatmap_ids, &srv_n_heatmap_ids, &ampel_question_heatmap,
     heatmap_json},
    {"index", srv_index_ids, &srv_n_index_ids, &ampel_question_index,
     index_json},
    {"allocation", srv_allocation_ids, &srv_n_allocation_ids,
     &ampel_question_allocation, allocation_json},
    {"correlations", srv_correlations_ids, &srv_n_correlations_ids,
     &ampel_question_correlation, correlation_json},
    {"lisa", srv_lisa_ids, &srv_n_lisa_ids, &ampel_question_lisa, lisa_json},
};

static int show_json(srv_req *q, srv_resp *r, const ampel_query *qu,
                     const void *answer) {
  (void)qu;
  const char *ep = srv_rest(q->path, "/api/v1/");
  for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
    if (strcmp(ep, routes[i].name) == 0)
      routes[i].json(answer, &r->body);
  return 0;
}

int h_api(srv_req *q, srv_resp *r) {
  const char *ep = srv_rest(q->path, "/api/v1/");
  json_begin(r);
  if (strcmp(ep, "areas") == 0)
    return api_areas(q, r);
  if (strcmp(ep, "indicators") == 0)
    return api_indicators(q, r);
  if (strcmp(ep, "periods") == 0)
    return api_periods(q, r);
  if (strcmp(ep, "values") == 0)
    return api_values(q, r);
  for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
    if (strcmp(ep, routes[i].name) == 0)
      return srv_ask(q, r, routes[i].ids, *routes[i].n_ids, routes[i].question,
                     show_json);
  return srv_error(q, r, 404, "Unbekannter Endpunkt '%s'.", ep);
}
