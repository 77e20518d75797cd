/* The council report: building the pages (include/ampel/report.h). The
 * layout engine is report_layout.c, the sections report_sections.c and
 * report_profile.c. */
#include <stdio.h>
#include <string.h>

#include "ampel/alloc.h"
#include "report_internal.h"

void ampel_report_opts_init(ampel_report_opts *o) {
  memset(o, 0, sizeof *o);
  ampel_disclosure_opts_init(&o->disclosure);
}

void ampel_report_free(ampel_report *r) {
  if (!r)
    return;
  for (size_t i = 0; i < r->n_pages; i++) {
    ampel_buf_release(&r->pages[i].body);
    ampel_free(r->pages[i].section);
    ampel_free(r->pages[i].footnote);
    if (r->docs)
      ampel_free(r->docs[i]);
  }
  for (size_t i = 0; i < r->n_toc; i++)
    ampel_free(r->toc[i].title);
  ampel_free(r->pages);
  ampel_free(r->docs);
  ampel_free(r->doc_len);
  ampel_free(r->toc);
  ampel_free(r->title);
  ampel_free(r);
}

size_t ampel_report_n_pages(const ampel_report *r) {
  return r->n_pages;
}

const char *ampel_report_page(const ampel_report *r, size_t i,
                              size_t *out_len) {
  *out_len = r->doc_len[i];
  return r->docs[i];
}

const char *ampel_report_title(const ampel_report *r) {
  return r->title;
}

/* Every --areas key must name an area of the report's level. */
static ampel_status check_areas(const rp_ctx *c, ampel_diags *d) {
  for (size_t i = 0; i < c->o->n_area_keys; i++) {
    const char *k = c->o->area_keys[i];
    long id = ampel_dataset_find_area(c->ds, k);
    if (id < 0) {
      ampel_diags_error(d, AMPEL_E_USAGE, "--areas: unbekanntes Gebiet '%s'",
                        k);
      return AMPEL_E_USAGE;
    }
    if (strcmp(ampel_dataset_area(c->ds, (size_t)id)->level, c->sel.level)) {
      ampel_diags_error(d, AMPEL_E_USAGE,
                        "--areas: Gebiet '%s' liegt auf der Ebene %s, der "
                        "Bericht auf der Ebene %s (--level)",
                        k, ampel_dataset_area(c->ds, (size_t)id)->level,
                        c->sel.level);
      return AMPEL_E_USAGE;
    }
  }
  return AMPEL_OK;
}

static ampel_status prepare(rp_ctx *c, ampel_dataset **cls, ampel_diags *d) {
  ampel_status s = check_areas(c, d);
  if (s == AMPEL_OK && c->sel.n_areas < 2) {
    ampel_diags_error(d, AMPEL_E_DATA,
                      "zu wenige Gebiete auf der Ebene %s "
                      "für einen Bericht",
                      c->sel.level);
    s = AMPEL_E_DATA;
  }
  if (s == AMPEL_OK)
    s = ampel_disclosure_classify_copy(c->ds, &c->o->disclosure, cls);
  c->cls = *cls;
  ampel_lights_opts lo;
  ampel_lights_opts_init(&lo);
  if (s == AMPEL_OK)
    s = ampel_lights_compute(c->cls, &c->sel, &lo, &c->lights, d);
  if (s == AMPEL_OK) {
    c->order = ampel_calloc(c->lights.n_areas + 1, sizeof *c->order);
    s = c->order ? ampel_lights_rank(&c->lights, c->order) : AMPEL_E_NOMEM;
  }
  for (size_t i = 0; s == AMPEL_OK && i < c->sel.n_areas; i++)
    if (ampel_dataset_area(c->ds, c->sel.areas[i])->tile_row != AMPEL_NO_TILE)
      c->has_tiles = 1;
  return s;
}

static char *make_title(const rp_ctx *c) {
  if (c->o->title)
    return ampel_strdup(c->o->title);
  char t[300];
  if (c->sel.root >= 0)
    snprintf(t, sizeof t, "Bildungsmonitoring %s",
             rp_area_name(c->ds, (size_t)c->sel.root));
  else
    snprintf(t, sizeof t, "Bildungsmonitoring");
  return ampel_strdup(t);
}

ampel_status ampel_report_build(const ampel_dataset *ds,
                                const ampel_report_opts *o, ampel_report **out,
                                ampel_diags *diags) {
  *out = NULL;
  rp_ctx c;
  memset(&c, 0, sizeof c);
  c.r = ampel_calloc(1, sizeof *c.r);
  if (!c.r)
    return AMPEL_E_NOMEM;
  c.ds = ds;
  c.o = o;
  ampel_dataset *cls = NULL;
  ampel_status s =
      ampel_select(ds, o->level, o->period, NULL, 0, &c.sel, diags);
  int selected = s == AMPEL_OK;
  if (s == AMPEL_OK)
    s = prepare(&c, &cls, diags);
  if (s == AMPEL_OK) {
    c.r->title = make_title(&c);
    c.section = "";
    rp_new_page(&c);
    rp_heatmap_section(&c);
    rp_lights_section(&c);
    rp_profiles_section(&c);
    rp_appendix(&c);
    rp_title_page(&c);
    s = c.r->title ? rp_finish(c.r, o) : AMPEL_E_NOMEM;
  }
  ampel_lights_release(&c.lights);
  ampel_free(c.order);
  ampel_dataset_free(cls);
  if (selected)
    ampel_selection_release(&c.sel);
  if (s != AMPEL_OK) {
    ampel_report_free(c.r);
    return s;
  }
  *out = c.r;
  return AMPEL_OK;
}
