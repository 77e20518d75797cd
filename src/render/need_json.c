/* need_json.c - the index and allocation answers as JSON (/api/v1/index,
 * /api/v1/allocation, `ampel index|allocate --format json`). Areas in the
 * level's order; an area that is out has "out" (the German reason) and
 * null numbers. */
#include <math.h>

#include "ampel/analysis/need.h"
#include "ampel/json.h"

static const char *period_label(const ampel_dataset *ds, size_t p) {
  return ampel_dataset_period(ds, p)->label;
}

static void indicators(ampel_buf *b, const ampel_index_answer *a,
                       const char *name, size_t from, size_t to) {
  const ampel_need_frame *f = a->frame;
  ampel_buf_printf(b, "\"%s\": [", name);
  for (size_t j = from; j < to; j++) {
    ampel_buf_puts(b, j > from ? ", {\"key\": " : "{\"key\": ");
    ampel_json_str(b, f->keys[j]);
    if (a->method == AMPEL_INDEX_WEIGHTED) {
      ampel_buf_puts(b, ", \"weight\": ");
      ampel_json_num(b, a->need.result.weights[j]);
    }
    ampel_buf_puts(b, ", \"period\": ");
    ampel_json_str(b, period_label(a->ds, f->used_period[j]));
    ampel_buf_puts(b, "}");
  }
  ampel_buf_puts(b, "]");
}

static void head(ampel_buf *b, const ampel_index_answer *a) {
  const ampel_need_frame *f = a->frame;
  ampel_buf_printf(b, "{\"method\": \"%s\", \"level\": ",
                   a->method == AMPEL_INDEX_MSS ? "mss" : "weighted");
  ampel_json_str(b, f->level);
  ampel_buf_puts(b, ", \"period\": ");
  ampel_json_str(b, period_label(a->ds, f->period));
  ampel_buf_puts(b, ", \"min_population\": ");
  ampel_json_num(b, a->min_population);
  ampel_buf_printf(b, ", \"rated\": %zu, ", a->n_rated);
  if (a->method == AMPEL_INDEX_MSS) {
    indicators(b, a, "status", 0, a->mss.n_status);
    ampel_buf_puts(b, ", ");
    indicators(b, a, "dynamics", a->mss.n_status, f->k);
  } else {
    ampel_buf_printf(b, "\"levels\": %d, \"sensitivity\": %zu, ",
                     a->need.input.levels.k, a->sens_runs);
    indicators(b, a, "indicators", 0, f->k);
  }
}

static void mss_area(ampel_buf *b, const ampel_index_answer *a, size_t i) {
  const ampel_mss_area *m = &a->mss.result.areas[i];
  int in = a->reason[i] == AMPEL_REASON_RATED;
  ampel_buf_puts(b, ", \"status_sum\": ");
  ampel_json_num(b, m->status_sum);
  ampel_buf_puts(b, ", \"status_index\": ");
  ampel_json_num(b, m->status_index);
  ampel_buf_puts(b, ", \"status_class\": ");
  ampel_json_num(b, in ? m->status_class : NAN);
  ampel_buf_puts(b, ", \"status_label\": ");
  ampel_json_str(b, in ? a->class_de[i] : NULL);
  ampel_buf_puts(b, ", \"dynamics_sum\": ");
  ampel_json_num(b, m->dynamics_sum);
  ampel_buf_puts(b, ", \"dynamics_index\": ");
  ampel_json_num(b, m->dynamics_index);
  ampel_buf_puts(b, ", \"dynamics_class\": ");
  ampel_json_num(b, in && m->dynamics_class ? m->dynamics_class : NAN);
  ampel_buf_puts(b, ", \"dynamics_label\": ");
  ampel_json_str(b, in && *a->dyn_de[i] ? a->dyn_de[i] : NULL);
  ampel_buf_puts(b, ", \"group\": ");
  ampel_json_str(b, in ? m->group : NULL);
}

static void need_area(ampel_buf *b, const ampel_index_answer *a, size_t i) {
  const ampel_need_result *r = &a->need.result;
  int in = r->level[i] > 0;
  ampel_buf_puts(b, ", \"score\": ");
  ampel_json_num(b, r->score[i]);
  ampel_buf_puts(b, ", \"rank\": ");
  ampel_json_num(b, in ? (double)r->rank[i] : NAN);
  ampel_buf_puts(b, ", \"level\": ");
  ampel_json_num(b, in ? r->level[i] : NAN);
  if (a->sens_runs && in && a->sens.areas[i].base_rank) {
    const ampel_sensitivity_area *s = &a->sens.areas[i];
    ampel_buf_printf(b, ", \"min_rank\": %zu, \"max_rank\": %zu, "
                        "\"min_level\": %d, \"max_level\": %d, "
                        "\"top_level_share\": ",
                     s->min_rank, s->max_rank, s->min_level, s->max_level);
    ampel_json_num(b, s->top_level_share);
  }
}

/* key, name, the index fields and "out" of frame row i. */
static void index_fields(ampel_buf *b, const ampel_index_answer *a,
                         size_t i) {
  const ampel_area *ar = ampel_dataset_area(a->ds, a->frame->areas[i]);
  ampel_buf_puts(b, "{\"key\": ");
  ampel_json_str(b, ar->key);
  ampel_buf_puts(b, ", \"name\": ");
  ampel_json_str(b, ar->name);
  if (a->method == AMPEL_INDEX_MSS)
    mss_area(b, a, i);
  else
    need_area(b, a, i);
}

void ampel_index_json(const ampel_index_answer *a, ampel_buf *out) {
  head(out, a);
  ampel_buf_puts(out, ",\n\"areas\": [");
  for (size_t i = 0; i < a->frame->n_areas; i++) {
    ampel_buf_puts(out, i ? ",\n  " : "\n  ");
    index_fields(out, a, i);
    ampel_buf_puts(out, ", \"out\": ");
    ampel_json_str(out, a->reason[i] ? a->reason_de[i] : NULL);
    ampel_buf_puts(out, "}");
  }
  ampel_buf_puts(out, "],\n\"footer\": ");
  ampel_json_str(out, a->footer);
  ampel_buf_puts(out, "}\n");
}

static void amounts(ampel_buf *b, const ampel_allocation_answer *a,
                    size_t i) {
  ampel_buf_puts(b, ", \"weight\": ");
  ampel_json_num(b, a->weight[i]);
  if (!a->used[i]) {
    ampel_buf_puts(b, ", \"need\": null, \"allocation\": null");
    return;
  }
  const ampel_allocation_area *r = &a->result.areas[a->row[i]];
  ampel_buf_puts(b, ", \"need\": ");
  ampel_json_num(b, r->need);
  ampel_buf_puts(b, ", \"base_part\": ");
  ampel_json_num(b, r->base_part);
  ampel_buf_puts(b, ", \"need_part\": ");
  ampel_json_num(b, r->need_part);
  ampel_buf_puts(b, ", \"allocation\": ");
  ampel_json_num(b, r->allocation);
  ampel_buf_puts(b, ", \"share\": ");
  ampel_json_num(b, r->share);
}

void ampel_allocation_json(const ampel_allocation_answer *a,
                           ampel_buf *out) {
  const ampel_index_answer *x = &a->index;
  if (x->frame) {
    head(out, x);
  } else {
    ampel_buf_puts(out, "{\"level\": ");
    ampel_json_str(out, a->level);
    ampel_buf_puts(out, ", \"index\": ");
    ampel_json_str(out, a->index_path);
  }
  ampel_buf_puts(out, ",\n\"budget\": ");
  ampel_json_num(out, a->result.budget);
  ampel_buf_puts(out, ", \"base_share\": ");
  ampel_json_num(out, a->base_share);
  ampel_buf_printf(out, ", \"need\": \"%s\", \"weight\": ",
                   a->need_score ? "score" : "level");
  ampel_json_str(out, a->weight_key);
  ampel_buf_printf(out, ", \"allocated\": %zu,\n\"areas\": [", a->m);
  for (size_t i = 0; i < a->n; i++) {
    ampel_buf_puts(out, i ? ",\n  " : "\n  ");
    if (x->frame) {
      index_fields(out, x, i);
    } else {
      const ampel_area *ar = ampel_dataset_area(a->ds, a->areas[i]);
      ampel_buf_puts(out, "{\"key\": ");
      ampel_json_str(out, ar->key);
      ampel_buf_puts(out, ", \"name\": ");
      ampel_json_str(out, ar->name);
    }
    ampel_buf_puts(out, ", \"out\": ");
    ampel_json_str(out, a->reason[i] ? a->reason_de[i] : NULL);
    amounts(out, a, i);
    ampel_buf_puts(out, "}");
  }
  ampel_buf_puts(out, "],\n\"not_allocated\": [");
  size_t k = 0;
  for (size_t i = 0; i < a->n; i++) {
    if (a->used[i])
      continue;
    ampel_buf_puts(out, k++ ? ", {\"key\": " : "{\"key\": ");
    ampel_json_str(out, a->keys[i]);
    ampel_buf_puts(out, ", \"out\": ");
    ampel_json_str(out, a->reason_de[i]);
    ampel_buf_puts(out, "}");
  }
  ampel_buf_puts(out, "],\n\"footer\": ");
  ampel_json_str(out, a->footer);
  ampel_buf_puts(out, "}\n");
}
