/* report.c - the question behind the council report
 * (include/ampel/analysis/report.h). */
#include <stdio.h>
#include <string.h>

#include "ampel/alloc.h"
#include "ampel/analysis/profile.h"
#include "ampel/analysis/report.h"

void ampel_report_answer_release(ampel_report_answer *a) {
  if (!a)
    return;
  ampel_lights_answer_release(&a->lights);
  ampel_heatmap_answer_release(&a->heatmap);
  ampel_lisa_answer_release(&a->lisa);
  for (size_t i = 0; i < a->n_lisa_maps; i++)
    ampel_lisa_answer_release(&a->lisa_maps[i]);
  ampel_free(a->lisa_maps);
  ampel_free(a->profile);
  ampel_free(a->is_count);
  ampel_free(a->rank);
  ampel_free(a->n_ranked);
  memset(a, 0, sizeof *a);
}

/* Profiles for every area of the level, or only for the `areas` keys,
 * each of which must name an area of the level. */
static ampel_status profiles(const ampel_query *q, ampel_report_answer *a,
                             ampel_diags *diags) {
  const ampel_selection *sel = &a->lights.sel;
  char **keys = NULL, *copy = NULL;
  size_t n = 0;
  ampel_status s =
      ampel_analysis_keys(q, AMPEL_OPT_AREAS, &keys, &n, &copy, diags);
  for (size_t i = 0; s == AMPEL_OK && i < n; i++) {
    long id = ampel_dataset_find_area(a->ds, keys[i]);
    const char *lv =
        id >= 0 ? ampel_dataset_area(a->ds, (size_t)id)->level : NULL;
    if (id < 0) {
      ampel_diags_error(diags, AMPEL_E_USAGE, "areas: unbekanntes Gebiet '%s'",
                        keys[i]);
      s = AMPEL_E_USAGE;
    } else if (!lv || strcmp(lv, sel->level) != 0) {
      ampel_diags_error(diags, AMPEL_E_USAGE,
                        "areas: Gebiet '%s' liegt auf der Ebene %s, der "
                        "Bericht auf der Ebene %s (level)",
                        keys[i], lv ? lv : "–", sel->level);
      s = AMPEL_E_USAGE;
    } else {
      a->profile[id] = 1;
    }
  }
  for (size_t i = 0; s == AMPEL_OK && !n && i < sel->n_areas; i++)
    a->profile[sel->areas[i]] = 1;
  ampel_free(keys);
  ampel_free(copy);
  return s;
}

static void heatmap(const ampel_context *ctx, const ampel_query *q,
                    ampel_report_answer *a) {
  ampel_diags hd;
  ampel_diags_init(&hd, 0);
  a->heatmap_ok = ampel_analyse_heatmap(ctx, q, &a->heatmap, &hd) == AMPEL_OK;
  snprintf(a->heatmap_why, sizeof a->heatmap_why, "%s",
           a->heatmap_ok ? ""
           : hd.n        ? hd.items[0].message
                         : "Die Heatmap kann nicht berechnet werden.");
  ampel_diags_release(&hd);
}

/* The lisa query of the report: its level and period, one indicator or
 * (NULL) every one. */
static int lisa_query(const ampel_report_answer *a, const char *ind,
                      ampel_query *lq) {
  const ampel_selection *sel = &a->lights.sel;
  return ampel_lisa_query(sel->level,
                          ampel_dataset_period(a->ds, sel->period)->label, ind,
                          NULL, lq) == AMPEL_OK;
}

/* Spatial patterns: not an error when they cannot be computed (no shapes):
 * the report then has no such section. */
static ampel_status lisa(const ampel_context *ctx, ampel_report_answer *a) {
  ampel_query lq;
  ampel_diags d;
  ampel_diags_init(&d, 0);
  ampel_status s = AMPEL_OK;
  if (ampel_context_geometry(ctx) && lisa_query(a, NULL, &lq)) {
    s = ampel_analyse_lisa(ctx, &lq, &a->lisa, &d);
    a->lisa_ok = s == AMPEL_OK;
    s = s == AMPEL_E_NOMEM ? s : AMPEL_OK;
  }
  ampel_diags_release(&d);
  if (!a->lisa_ok || s != AMPEL_OK)
    return s;
  a->lisa_maps = ampel_calloc(AMPEL_REPORT_LISA_MAPS, sizeof *a->lisa_maps);
  if (!a->lisa_maps)
    return AMPEL_E_NOMEM;
  for (size_t j = 0; j < a->lisa.sel.n_inds; j++) {
    const ampel_lisa_global *g = &a->lisa.glob[j];
    const char *key = ampel_dataset_indicator(a->ds, g->ind)->key;
    if (a->n_lisa_maps == AMPEL_REPORT_LISA_MAPS || !g->ok ||
        !(g->p <= a->lisa.alpha) || !(g->moran_i > g->expected_i) ||
        !lisa_query(a, key, &lq))
      continue;
    ampel_diags_init(&d, 0);
    s = ampel_analyse_lisa(ctx, &lq, &a->lisa_maps[a->n_lisa_maps], &d);
    ampel_diags_release(&d);
    if (s == AMPEL_E_NOMEM)
      return s;
    a->n_lisa_maps += s == AMPEL_OK;
  }
  return AMPEL_OK;
}

static ampel_status facts(const ampel_context *ctx, ampel_report_answer *a) {
  const ampel_selection *sel = &a->lights.sel;
  size_t na = ampel_dataset_n_areas(a->ds);
  size_t ni = ampel_dataset_n_indicators(a->ds);
  a->profile = ampel_calloc(na + 1, 1);
  a->is_count = ampel_calloc(ni + 1, 1);
  if (!a->profile || !a->is_count)
    return AMPEL_E_NOMEM;
  for (size_t i = 0; i < ni; i++)
    a->is_count[i] = (unsigned char)ampel_disclosure_is_count(
        ampel_dataset_indicator(a->ds, i));
  for (size_t i = 0; i < sel->n_areas; i++)
    if (ampel_dataset_area(a->ds, sel->areas[i])->tile_row != AMPEL_NO_TILE)
      a->has_tiles = 1;
  if (sel->root >= 0) {
    const ampel_area *r = ampel_dataset_area(a->ds, (size_t)sel->root);
    a->root_name = r->name && *r->name ? r->name : r->key;
  }
  a->disclosure = *ampel_context_disclosure(ctx);
  a->suppressed = *ampel_context_suppressed(ctx);
  a->stamp = ampel_context_stamp(ctx);
  a->note = ampel_context_disclosure_note(ctx);
  return AMPEL_OK;
}

ampel_status ampel_analyse_report(const ampel_context *ctx,
                                  const ampel_query *q,
                                  ampel_report_answer *out,
                                  ampel_diags *diags) {
  memset(out, 0, sizeof *out);
  out->ds = ampel_context_dataset(ctx);
  out->uni = ampel_context_universe(ctx);
  ampel_status s = ampel_analyse_lights(ctx, q, &out->lights, diags);
  if (s == AMPEL_OK)
    s = facts(ctx, out);
  if (s == AMPEL_OK)
    s = profiles(q, out, diags);
  if (s == AMPEL_OK) {
    const ampel_lights *l = &out->lights.lights;
    out->rank = ampel_calloc(l->n_areas * l->n_cols + 1, sizeof *out->rank);
    out->n_ranked = ampel_calloc(l->n_cols + 1, sizeof *out->n_ranked);
    s = out->rank && out->n_ranked
            ? ampel_lights_ranks(&out->lights, out->rank, out->n_ranked)
            : AMPEL_E_NOMEM;
  }
  if (s == AMPEL_OK && out->lights.sel.n_areas < 2) {
    ampel_diags_error(diags, AMPEL_E_DATA,
                      "zu wenige Gebiete auf der Ebene %s für einen Bericht",
                      out->lights.sel.level);
    s = AMPEL_E_DATA;
  }
  if (s == AMPEL_OK)
    heatmap(ctx, q, out);
  if (s == AMPEL_OK)
    s = lisa(ctx, out);
  if (s != AMPEL_OK)
    ampel_report_answer_release(out);
  return s;
}
