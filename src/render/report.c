/* The council report: building the pages (include/ampel/report.h). The
 * layout engine is report_layout.c, the sections report_sections.c and
 * report_profile.c. */
#include <stdio.h>
#include <string.h>

#include "ampel/alloc.h"
#include "report_internal.h"

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

static char *make_title(const rp_ctx *c) {
  if (c->o->title)
    return ampel_strdup(c->o->title);
  char t[300];
  if (c->a->root_name)
    snprintf(t, sizeof t, "Bildungsmonitoring %s", c->a->root_name);
  else
    snprintf(t, sizeof t, "Bildungsmonitoring");
  return ampel_strdup(t);
}

ampel_status ampel_report_build(const ampel_report_answer *a,
                                const ampel_report_opts *o, ampel_report **out,
                                ampel_diags *diags) {
  (void)diags;
  *out = NULL;
  rp_ctx c;
  memset(&c, 0, sizeof c);
  c.r = ampel_calloc(1, sizeof *c.r);
  if (!c.r)
    return AMPEL_E_NOMEM;
  c.ds = a->ds;
  c.a = a;
  c.o = o;
  c.sel = a->lights.sel;
  c.cls = a->uni;
  c.lights = a->lights.lights;
  c.order = a->lights.order;
  c.has_tiles = a->has_tiles;
  c.r->title = make_title(&c);
  c.section = "";
  rp_new_page(&c);
  rp_heatmap_section(&c);
  rp_lights_section(&c);
  rp_maps_section(&c);
  rp_corr_section(&c);
  rp_lisa_section(&c);
  rp_need_section(&c);
  rp_profiles_section(&c);
  rp_appendix(&c);
  rp_title_page(&c);
  ampel_status s = c.r->title ? rp_finish(c.r, a) : AMPEL_E_NOMEM;
  if (s != AMPEL_OK) {
    ampel_report_free(c.r);
    return s;
  }
  *out = c.r;
  return AMPEL_OK;
}
