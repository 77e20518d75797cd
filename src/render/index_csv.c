/* CSV outputs of `ampel index` and `ampel allocate` (need.h, METHODS.md
 * §4-6): comma-separated, '.' decimal, UTF-8, LF; numbers are the shortest
 * text that reads back as the same double. */
#include <math.h>

#include "ampel/need.h"

static void sep(ampel_buf *b) { ampel_buf_putc(b, ','); }

static void key_field(ampel_buf *b, const ampel_dataset *ds, size_t area) {
  ampel_buf_csv_field(b, ampel_dataset_area(ds, area)->key);
}

static void int_field(ampel_buf *b, long long v, int present) {
  if (present)
    ampel_buf_printf(b, "%lld", v);
}

static void mss_row(ampel_buf *b, const ampel_mss_table *t, size_t i) {
  const ampel_mss_area *m = &t->result.areas[i];
  int in = m->in_universe, dyn = t->n_dynamics > 0;
  const char *why = ampel_out_label(t->frame.reason[i]);
  if (!in && !*why)
    why = ampel_out_label(AMPEL_OUT_MISSING);
  ampel_buf_double(b, m->status_sum);
  sep(b);
  ampel_buf_double(b, m->status_index);
  sep(b);
  int_field(b, m->status_class, in);
  sep(b);
  ampel_buf_csv_field(b, in ? ampel_mss_status_label(m->status_class) : why);
  sep(b);
  ampel_buf_double(b, m->dynamics_sum);
  sep(b);
  ampel_buf_double(b, m->dynamics_index);
  sep(b);
  ampel_buf_csv_field(b, in && dyn ? ampel_mss_dynamics_sign(m->dynamics_class)
                                   : "");
  sep(b);
  ampel_buf_csv_field(b, !in ? why
                         : dyn ? ampel_mss_dynamics_label(m->dynamics_class)
                               : "");
  sep(b);
  ampel_buf_csv_field(b, m->group);
  ampel_buf_putc(b, '\n');
}

void ampel_mss_render_csv(const ampel_dataset *ds, const ampel_mss_table *t,
                          ampel_buf *out) {
  ampel_buf_puts(out, "area,status_sum,status_index,status_class,"
                      "status_label,dynamics_sum,dynamics_index,"
                      "dynamics_class,dynamics_label,group\n");
  for (size_t i = 0; i < t->frame.n_areas && !out->failed; i++) {
    key_field(out, ds, t->frame.areas[i]);
    sep(out);
    mss_row(out, t, i);
  }
}

void ampel_need_render_csv(const ampel_dataset *ds, const ampel_need_table *t,
                           ampel_buf *out) {
  const ampel_need_result *r = &t->result;
  ampel_buf_puts(out, "area,score,rank,level");
  for (size_t j = 0; j < r->k; j++) {
    ampel_buf_puts(out, ",");
    ampel_buf_puts(out, "z_");
    ampel_buf_puts(out, t->frame.keys[j]);
  }
  ampel_buf_putc(out, '\n');
  for (size_t i = 0; i < r->n_areas && !out->failed; i++) {
    int in = r->level[i] > 0;
    key_field(out, ds, t->frame.areas[i]);
    sep(out);
    ampel_buf_double(out, r->score[i]);
    sep(out);
    int_field(out, (long long)r->rank[i], in);
    sep(out);
    int_field(out, r->level[i], in);
    for (size_t j = 0; j < r->k; j++) {
      sep(out);
      ampel_buf_double(out, r->z[i * r->k + j]);
    }
    ampel_buf_putc(out, '\n');
  }
}

void ampel_sensitivity_render_csv(const ampel_dataset *ds,
                                  const size_t *areas,
                                  const ampel_sensitivity_result *r,
                                  ampel_buf *out) {
  ampel_buf_puts(out, "area,base_rank,min_rank,max_rank,base_level,"
                      "min_level,max_level,top_level_share\n");
  for (size_t i = 0; i < r->n_areas && !out->failed; i++) {
    const ampel_sensitivity_area *s = &r->areas[i];
    int in = s->base_rank > 0;
    key_field(out, ds, areas[i]);
    sep(out);
    int_field(out, (long long)s->base_rank, in);
    sep(out);
    int_field(out, (long long)s->min_rank, in);
    sep(out);
    int_field(out, (long long)s->max_rank, in);
    sep(out);
    int_field(out, s->base_level, in);
    sep(out);
    int_field(out, s->min_level, in);
    sep(out);
    int_field(out, s->max_level, in);
    sep(out);
    ampel_buf_double(out, in ? s->top_level_share : NAN);
    ampel_buf_putc(out, '\n');
  }
}

void ampel_allocation_render_csv(const ampel_allocation_view *v,
                                 ampel_buf *out) {
  ampel_buf_puts(out,
                 "area,weight,need,base_part,need_part,allocation,share\n");
  for (size_t i = 0; i < v->n && !out->failed; i++) {
    ampel_buf_csv_field(out, v->keys[i]);
    if (!v->used[i]) {
      ampel_buf_puts(out, ",,,,,,\n");
      continue;
    }
    const ampel_allocation_area *a = &v->result->areas[v->row[i]];
    sep(out);
    ampel_buf_double(out, a->weight);
    sep(out);
    ampel_buf_double(out, a->need);
    sep(out);
    ampel_buf_double(out, a->base_part);
    sep(out);
    ampel_buf_double(out, a->need_part);
    sep(out);
    ampel_buf_double(out, a->allocation);
    sep(out);
    ampel_buf_double(out, a->share);
    ampel_buf_putc(out, '\n');
  }
}
