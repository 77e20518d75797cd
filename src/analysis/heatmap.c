/* heatmap.c - the question "Heatmap" (include/ampel/analysis/heatmap.h):
 * selection with the shared defaults, the matrix scaled and clustered on
 * the universe (small areas are part of nobody's scaling), and the reason
 * of every area that is left out. */
#include <string.h>

#include "ampel/alloc.h"
#include "ampel/analysis/heatmap.h"
#include "ampel/analysis/indicator.h"
#include "ampel/analysis/lights.h"

void ampel_heatmap_answer_release(ampel_heatmap_answer *a) {
  if (!a)
    return;
  ampel_heatmap_release(&a->hm);
  ampel_selection_release(&a->sel);
  ampel_free(a->reason);
  ampel_free(a->reason_de);
  memset(a, 0, sizeof *a);
}

static void heatmap_opts(const ampel_query *q, ampel_heatmap_opts *o) {
  ampel_heatmap_opts_init(o);
  if (ampel_query_has(q, AMPEL_OPT_CLUSTER))
    o->cluster = (ampel_heatmap_cluster)ampel_query_choice(q, AMPEL_OPT_CLUSTER);
  if (ampel_query_has(q, AMPEL_OPT_LINKAGE))
    o->linkage = (ampel_linkage)ampel_query_choice(q, AMPEL_OPT_LINKAGE);
  o->force_mean = ampel_query_choice(q, AMPEL_OPT_REFERENCE) == 1;
  o->need_area_tree = ampel_query_has(q, AMPEL_OPT_TREE);
  o->stop = q->stop;
}

static ampel_status mark_dropped(const ampel_context *ctx,
                                 const ampel_query *q,
                                 ampel_heatmap_answer *a) {
  size_t n = a->hm.n_dropped;
  a->reason = ampel_calloc(n + 1, sizeof *a->reason);
  a->reason_de = ampel_calloc(n + 1, sizeof *a->reason_de);
  if (!a->reason || !a->reason_de)
    return AMPEL_E_NOMEM;
  for (size_t i = 0; i < n; i++) {
    a->reason[i] = ampel_context_small_area(ctx, q, a->hm.dropped[i])
                       ? AMPEL_REASON_SMALL
                       : AMPEL_REASON_MISSING;
    a->reason_de[i] = ampel_out_reason_de(a->reason[i]);
  }
  return AMPEL_OK;
}

ampel_status ampel_analyse_heatmap(const ampel_context *ctx,
                                   const ampel_query *q,
                                   ampel_heatmap_answer *out,
                                   ampel_diags *diags) {
  memset(out, 0, sizeof *out);
  out->ds = ampel_context_dataset(ctx);
  out->footer = ampel_context_footer(ctx);
  const ampel_dataset *uni = NULL;
  ampel_dataset *own = NULL;
  ampel_heatmap_opts o;
  heatmap_opts(q, &o);
  ampel_status s = ampel_analysis_select_shown(out->ds, q, &out->sel, diags);
  if (s == AMPEL_OK)
    s = ampel_context_universe_for(ctx, q, &uni, &own);
  if (s == AMPEL_OK)
    s = ampel_heatmap_compute(uni, &out->sel, &o, &out->hm, diags);
  ampel_dataset_free(own);
  if (s == AMPEL_OK)
    s = mark_dropped(ctx, q, out);
  for (size_t i = 0; s == AMPEL_OK && i < out->sel.n_areas; i++)
    for (size_t j = 0; j < out->sel.n_inds && !out->converted; j++)
      out->converted =
          ampel_context_converted(ctx, out->sel.areas[i], out->sel.inds[j],
                                  ampel_selection_period(&out->sel, j));
  out->footer = ampel_context_footer_for(ctx, out->converted);
  if (s != AMPEL_OK)
    ampel_heatmap_answer_release(out);
  return s;
}
