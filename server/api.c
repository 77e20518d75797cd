/* api.c - the JSON API /api/v1/... (docs/api.md). Same parameters as the
 * CLI options; errors as {"error": "...", "status": N} with 400/404. All
 * strings go through ampel_buf_json_string; missing numbers are null. */
#include <math.h>
#include <string.h>

#include "ampel/alloc.h"
#include "ampel/analysis/heatmap.h"
#include "ampel/analysis/lights.h"
#include "ampel/json.h"
#include "bedarf.h"
#include "server.h"

static void jstr(ampel_buf *b, const char *s) {
  if (s)
    ampel_buf_json_string(b, s);
  else
    ampel_buf_puts(b, "null");
}

static void json_begin(srv_resp *r) {
  r->ctype = "application/json; charset=utf-8";
}

static int api_areas(srv_req *q, srv_resp *r) {
  const char *level = NULL;
  if (srv_p_level(q, r, &level))
    return -1;
  ampel_buf *b = &r->body;
  ampel_buf_puts(b, "[");
  size_t k = 0;
  for (size_t i = 0; i < ampel_dataset_n_areas(q->ds); i++) {
    const ampel_area *a = ampel_dataset_area(q->ds, i);
    if (level && (!a->level || strcmp(a->level, level) != 0))
      continue;
    ampel_buf_puts(b, k++ ? ",\n {\"key\": " : "\n {\"key\": ");
    jstr(b, a->key);
    ampel_buf_puts(b, ", \"name\": ");
    jstr(b, a->name);
    ampel_buf_puts(b, ", \"parent\": ");
    jstr(b, a->parent);
    ampel_buf_puts(b, ", \"level\": ");
    jstr(b, a->level);
    ampel_buf_puts(b, ", \"population\": ");
    srv_json_num(b, a->population);
    ampel_buf_puts(b, ", \"tile_row\": ");
    srv_json_num(b, a->tile_row == AMPEL_NO_TILE ? NAN : a->tile_row);
    ampel_buf_puts(b, ", \"tile_col\": ");
    srv_json_num(b, a->tile_row == AMPEL_NO_TILE ? NAN : a->tile_col);
    ampel_buf_puts(b, ", \"lat\": ");
    srv_json_num(b, a->lat);
    ampel_buf_puts(b, ", \"lon\": ");
    srv_json_num(b, a->lon);
    ampel_buf_puts(b, "}");
  }
  ampel_buf_puts(b, "\n]\n");
  return 0;
}

static int api_indicators(srv_req *q, srv_resp *r) {
  ampel_buf *b = &r->body;
  ampel_buf_puts(b, "[");
  for (size_t i = 0; i < ampel_dataset_n_indicators(q->ds); i++) {
    const ampel_indicator *in = ampel_dataset_indicator(q->ds, i);
    ampel_buf_puts(b, i ? ",\n {\"key\": " : "\n {\"key\": ");
    jstr(b, in->key);
    ampel_buf_puts(b, ", \"name\": ");
    jstr(b, in->name);
    ampel_buf_puts(b, ", \"unit\": ");
    jstr(b, in->unit);
    ampel_buf_puts(b, ", \"domain\": ");
    jstr(b, in->domain);
    ampel_buf_puts(b, ", \"polarity\": ");
    jstr(b, ampel_polarity_name(in->polarity));
    ampel_buf_puts(b, ", \"definition\": ");
    jstr(b, in->definition);
    ampel_buf_puts(b, ", \"source\": ");
    jstr(b, in->source);
    ampel_buf_puts(b, ", \"reference_date\": ");
    jstr(b, in->reference_date);
    ampel_buf_printf(b, ", \"decimals\": %d}", in->decimals);
  }
  ampel_buf_puts(b, "\n]\n");
  return 0;
}

static int api_periods(srv_req *q, srv_resp *r) {
  ampel_buf *b = &r->body;
  ampel_buf_puts(b, "[");
  for (size_t i = 0; i < ampel_dataset_n_periods(q->ds); i++) {
    const ampel_period *p = ampel_dataset_period(q->ds, i);
    ampel_buf_puts(b, i ? ",\n {\"label\": " : "\n {\"label\": ");
    jstr(b, p->label);
    int32_t k = p->sort_key;
    ampel_buf_printf(b, ", \"start\": \"%04d-%02d-%02d\"}", (int)(k / 10000),
                     (int)(k / 100 % 100), (int)(k % 100));
  }
  ampel_buf_puts(b, "\n]\n");
  return 0;
}

static void value_obj(srv_req *q, ampel_buf *b, size_t a, size_t i, size_t t,
                      const ampel_cell_ref *c) {
  ampel_buf_puts(b, "{\"area\": ");
  jstr(b, ampel_dataset_area(q->ds, a)->key);
  ampel_buf_puts(b, ", \"indicator\": ");
  jstr(b, ampel_dataset_indicator(q->ds, i)->key);
  ampel_buf_puts(b, ", \"period\": ");
  jstr(b, srv_period_label(q->ds, t));
  ampel_buf_puts(b, ", \"value\": ");
  srv_json_num(b, ampel_flag_has_value(c->flag) ? c->value : NAN);
  ampel_buf_puts(b, ", \"numerator\": ");
  srv_json_num(b, c->numerator);
  ampel_buf_puts(b, ", \"denominator\": ");
  srv_json_num(b, c->denominator);
  ampel_buf_puts(b, ", \"flag\": ");
  jstr(b, ampel_flag_symbol(c->flag));
  ampel_buf_puts(b, "}");
}

static int api_values(srv_req *q, srv_resp *r) {
  long area = -1, ind = -1, per = -1;
  const char *level = NULL;
  if (srv_p_area(q, r, "area", &area) ||
      srv_p_indicator(q, r, "indicator", &ind) ||
      srv_p_period(q, r, "period", &per) || srv_p_level(q, r, &level))
    return -1;
  ampel_buf *b = &r->body;
  ampel_buf_puts(b, "[");
  size_t k = 0;
  for (size_t a = 0; a < ampel_dataset_n_areas(q->ds); a++) {
    const ampel_area *ar = ampel_dataset_area(q->ds, a);
    if ((area >= 0 && (long)a != area) ||
        (level && (!ar->level || strcmp(ar->level, level) != 0)))
      continue;
    for (size_t i = 0; i < ampel_dataset_n_indicators(q->ds); i++)
      for (size_t t = 0; t < ampel_dataset_n_periods(q->ds); t++) {
        if ((ind >= 0 && (long)i != ind) || (per >= 0 && (long)t != per))
          continue;
        ampel_cell_ref c = ampel_dataset_get(q->ds, a, i, t);
        if (!c.present)
          continue;
        ampel_buf_puts(b, k++ ? ",\n " : "\n ");
        value_obj(q, b, a, i, t, &c);
      }
  }
  ampel_buf_puts(b, "\n]\n");
  return 0;
}

/* The options of /api/v1/lights (docs/api.md, generated). */
const ampel_opt_id srv_lights_ids[] = {
    AMPEL_OPT_LEVEL,     AMPEL_OPT_PERIOD,        AMPEL_OPT_INDICATORS,
    AMPEL_OPT_SINCE,     AMPEL_OPT_BAND,          AMPEL_OPT_STATUS_METHOD,
    AMPEL_OPT_REFERENCE, AMPEL_OPT_MIN_POPULATION};
const size_t srv_n_lights_ids =
    sizeof srv_lights_ids / sizeof srv_lights_ids[0];

static int api_lights(srv_req *q, srv_resp *r) {
  ampel_query qu;
  if (srv_query(q, r, srv_lights_ids, srv_n_lights_ids, &qu))
    return -1;
  ampel_diags d;
  ampel_diags_init(&d, 0);
  ampel_lights_answer a;
  ampel_status st = ampel_analyse_lights(q->snap->ctx, &qu, &a, &d);
  int rc = 0;
  if (st == AMPEL_OK)
    ampel_lights_json(&a, &r->body);
  else
    rc = srv_error_diags(q, r, st, &d, "Auswahl nicht möglich.");
  ampel_lights_answer_release(&a);
  ampel_diags_release(&d);
  return rc;
}

/* The options of /api/v1/heatmap (docs/api.md, generated). */
const ampel_opt_id srv_heatmap_ids[] = {
    AMPEL_OPT_LEVEL,   AMPEL_OPT_PERIOD,  AMPEL_OPT_INDICATORS,
    AMPEL_OPT_CLUSTER, AMPEL_OPT_LINKAGE, AMPEL_OPT_REFERENCE,
    AMPEL_OPT_MIN_POPULATION};
const size_t srv_n_heatmap_ids =
    sizeof srv_heatmap_ids / sizeof srv_heatmap_ids[0];

static int api_heatmap(srv_req *q, srv_resp *r) {
  ampel_query qu;
  if (srv_query(q, r, srv_heatmap_ids, srv_n_heatmap_ids, &qu))
    return -1;
  ampel_diags d;
  ampel_diags_init(&d, 0);
  ampel_heatmap_answer a;
  ampel_status st = ampel_analyse_heatmap(q->snap->ctx, &qu, &a, &d);
  int rc = 0;
  if (st == AMPEL_OK)
    ampel_heatmap_json(&a, &r->body);
  else
    rc = srv_error_diags(q, r, st, &d, "Heatmap nicht möglich.");
  ampel_heatmap_answer_release(&a);
  ampel_diags_release(&d);
  return rc;
}

static void index_area(srv_req *q, ampel_buf *b, const bd_data *x, size_t i) {
  ampel_buf_puts(b, "{\"key\": ");
  jstr(b, ampel_dataset_area(q->ds, x->t.frame.areas[i])->key);
  ampel_buf_puts(b, ", \"score\": ");
  srv_json_num(b, x->t.result.score[i]);
  ampel_buf_printf(b, ", \"rank\": %zu, \"level\": %d, \"out\": ",
                   x->t.result.rank[i], x->t.result.level[i]);
  int why = x->t.frame.reason[i];
  jstr(b, why ? ampel_out_label(why) : NULL);
  if (x->sens_ok && x->sens.areas[i].base_rank)
    ampel_buf_printf(b, ", \"min_rank\": %zu, \"max_rank\": %zu",
                     x->sens.areas[i].min_rank, x->sens.areas[i].max_rank);
  if (x->used && x->used[i]) {
    const ampel_allocation_area *a = &x->res.areas[x->row[i]];
    ampel_buf_puts(b, ", \"weight\": ");
    srv_json_num(b, a->weight);
    ampel_buf_puts(b, ", \"need\": ");
    srv_json_num(b, a->need);
    ampel_buf_puts(b, ", \"base_part\": ");
    srv_json_num(b, a->base_part);
    ampel_buf_puts(b, ", \"need_part\": ");
    srv_json_num(b, a->need_part);
    ampel_buf_puts(b, ", \"allocation\": ");
    srv_json_num(b, a->allocation);
    ampel_buf_puts(b, ", \"share\": ");
    srv_json_num(b, a->share);
  }
  ampel_buf_puts(b, "}");
}

static int api_need(srv_req *q, srv_resp *r, int alloc) {
  static const char *const methods[] = {"weighted", NULL};
  int m = 0;
  if (srv_p_enum(q, r, "method", methods, &m))
    return -1;
  bd_data x;
  int rc = bd_compute(q, r, &x, alloc);
  if (rc == 0) {
    ampel_buf *b = &r->body;
    ampel_buf_puts(b, "{\"level\": ");
    jstr(b, x.t.frame.level);
    ampel_buf_puts(b, ", \"period\": ");
    jstr(b, srv_period_label(q->ds, x.t.frame.period));
    ampel_buf_printf(b, ", \"levels\": %d, \"indicators\": [", x.lv.k);
    for (size_t j = 0; j < x.t.frame.k; j++) {
      ampel_buf_puts(b, j ? ", {\"key\": " : "{\"key\": ");
      jstr(b, x.t.frame.keys[j]);
      ampel_buf_puts(b, ", \"weight\": ");
      srv_json_num(b, x.t.result.weights[j]);
      ampel_buf_puts(b, ", \"period\": ");
      jstr(b, srv_period_label(q->ds, x.t.frame.used_period[j]));
      ampel_buf_puts(b, "}");
    }
    ampel_buf_puts(b, "]");
    if (alloc) {
      ampel_buf_puts(b, ", \"budget\": ");
      srv_json_num(b, x.budget);
      ampel_buf_puts(b, ", \"base_share\": ");
      srv_json_num(b, x.ain.base_share);
      ampel_buf_printf(b, ", \"need\": \"%s\"",
                       x.need_score ? "score" : "level");
    }
    ampel_buf_puts(b, ",\n\"areas\": [");
    for (size_t i = 0; i < x.t.frame.n_areas; i++) {
      ampel_buf_puts(b, i ? ",\n  " : "\n  ");
      index_area(q, b, &x, i);
    }
    ampel_buf_puts(b, "\n]}\n");
  }
  bd_release(&x);
  return rc;
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
  if (strcmp(ep, "lights") == 0)
    return api_lights(q, r);
  if (strcmp(ep, "heatmap") == 0)
    return api_heatmap(q, r);
  if (strcmp(ep, "index") == 0)
    return api_need(q, r, 0);
  if (strcmp(ep, "allocation") == 0)
    return api_need(q, r, 1);
  return srv_error(q, r, 404, "Unbekannter Endpunkt '%s'.", ep);
}
