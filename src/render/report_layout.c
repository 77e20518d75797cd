/* Page layout of the report: pages, running heads, footers, paragraphs,
 * embedded pictures (report_internal.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ampel/alloc.h"
#include "report_internal.h"

void rp_new_page(rp_ctx *c) {
  ampel_report *r = c->r;
  if (r->n_pages == r->cap) {
    size_t cap = r->cap ? r->cap * 2 : 16;
    rp_page *p = ampel_reallocarray(r->pages, cap, sizeof *p);
    if (!p) {
      r->failed = 1;
      return;
    }
    r->pages = p;
    r->cap = cap;
  }
  rp_page *pg = &r->pages[r->n_pages++];
  memset(pg, 0, sizeof *pg);
  ampel_buf_init(&pg->body);
  pg->section = ampel_strdup(c->section ? c->section : "");
  if (!pg->section)
    r->failed = 1;
  c->b = &pg->body;
  c->y = RP_TOP;
}

void rp_need(rp_ctx *c, double h) {
  if (c->y + h > RP_LIMIT && c->y > RP_TOP + 1)
    rp_new_page(c);
}

void rp_section(rp_ctx *c, const char *title) {
  ampel_report *r = c->r;
  c->section = title;
  rp_new_page(c);
  rp_toc *t = ampel_reallocarray(r->toc, r->n_toc + 1, sizeof *t);
  if (!t) {
    r->failed = 1;
    return;
  }
  r->toc = t;
  t[r->n_toc].title = ampel_strdup(title);
  t[r->n_toc].page = r->n_pages - 1;
  r->n_toc++;
  rp_heading(c, title, 17);
  c->y += 4;
}

void rp_numbered_section(rp_ctx *c, const char *title) {
  snprintf(c->section_title, sizeof c->section_title, "%d %s", ++c->n_sections,
           title);
  rp_section(c, c->section_title);
}

void rp_set_footnote(rp_ctx *c, const char *text) {
  rp_page *pg = &c->r->pages[c->r->n_pages - 1];
  if (pg->footnote)
    return;
  pg->footnote = ampel_strdup(text);
}

void rp_text(ampel_buf *b, double x, double y, const char *s, double size,
             int bold, const char *fill, ampel_svg_anchor anchor) {
  ampel_svg_text_opts o = {size, fill, bold, anchor, 0, NULL};
  ampel_svg_text(b, x, y, s, &o);
}

static size_t max_chars(double w, double size, int bold) {
  double per = size * (bold ? 0.56 : 0.5);
  size_t n = (size_t)(w / per);
  return n < 8 ? 8 : n;
}

size_t rp_lines(const char *s, double w, double size) {
  return ampel_wrap(s, max_chars(w, size, 0), NULL, NULL);
}

typedef struct para_ud {
  rp_ctx *c;
  double x, size;
  int bold;
  const char *fill;
  char *line;
} para_ud;

static void para_line(void *ud, const char *line, size_t len) {
  para_ud *p = ud;
  rp_ctx *c = p->c;
  double lh = p->size * 1.38;
  rp_need(c, lh);
  char tmp[1024];
  if (len >= sizeof tmp)
    len = sizeof tmp - 1;
  memcpy(tmp, line, len);
  tmp[len] = '\0';
  rp_text(c->b, p->x, c->y + p->size, tmp, p->size, p->bold, p->fill,
          AMPEL_SVG_START);
  c->y += lh;
}

void rp_para(rp_ctx *c, double x, double w, const char *s, double size,
             int bold, const char *fill) {
  para_ud p = {c, x, size, bold, fill, NULL};
  ampel_wrap(s, max_chars(w, size, bold), para_line, &p);
}

void rp_heading(rp_ctx *c, const char *s, double size) {
  rp_need(c, size * 2.6);
  c->y += size * 0.4;
  rp_text(c->b, RP_ML, c->y + size, s, size, 1, RP_ACCENT, AMPEL_SVG_START);
  c->y += size * 1.6;
}

/* ---- embedding ------------------------------------------------------------
 */

/* Value of attribute `name` inside the start tag [tag, end) into out. */
static int attr(const char *tag, const char *end, const char *name, char *out,
                size_t size) {
  size_t n = strlen(name);
  for (const char *p = tag + 1; p + n + 2 < end; p++) {
    if (p[-1] != ' ' || strncmp(p, name, n) != 0 || p[n] != '=' ||
        p[n + 1] != '"')
      continue;
    const char *v = p + n + 2, *q = memchr(v, '"', (size_t)(end - v));
    if (!q || (size_t)(q - v) >= size)
      return -1;
    memcpy(out, v, (size_t)(q - v));
    out[q - v] = '\0';
    return 0;
  }
  return -1;
}

static int starts(const char *p, const char *end, const char *s) {
  size_t n = strlen(s);
  return (size_t)(end - p) >= n && memcmp(p, s, n) == 0;
}

/* Copies [p, end) with every id and reference prefixed. */
static void copy_prefixed(ampel_buf *b, const char *p, const char *end,
                          const char *prefix) {
  while (p < end) {
    static const char *const refs[] = {" id=\"", "url(#", "href=\"#"};
    size_t k, hit = 0;
    for (k = 0; k < 3 && !hit; k++)
      if (starts(p, end, refs[k])) {
        ampel_buf_append(b, p, strlen(refs[k]));
        ampel_buf_puts(b, prefix);
        p += strlen(refs[k]);
        hit = 1;
      }
    if (!hit && starts(p, end, "aria-labelledby=\"")) {
      p += 17;
      ampel_buf_puts(b, "aria-labelledby=\"");
      ampel_buf_puts(b, prefix);
      for (; p < end && *p != '"'; p++) {
        ampel_buf_putc(b, *p);
        if (*p == ' ')
          ampel_buf_puts(b, prefix);
      }
      hit = 1;
    }
    if (!hit)
      ampel_buf_putc(b, *p++);
  }
}

double rp_embed_svg(ampel_buf *b, const char *svg, size_t len, double x,
                    double y, double w, double h, const char *prefix) {
  const char *end = svg + len;
  const char *tag = strstr(svg, "<svg");
  const char *close = tag ? strchr(tag, '>') : NULL;
  const char *last = NULL;
  for (const char *p = svg; p && (p = strstr(p, "</svg>")) != NULL; p++)
    last = p;
  char ws[64], hs[64], vb[160], font[160];
  if (!tag || !close || !last || attr(tag, close, "width", ws, sizeof ws) ||
      attr(tag, close, "height", hs, sizeof hs))
    return 0;
  double sw = strtod(ws, NULL), sh = strtod(hs, NULL);
  if (!(sw > 0) || !(sh > 0))
    return 0;
  double s = fmin(1.0, fmin(w / sw, h / sh));
  if (attr(tag, close, "viewBox", vb, sizeof vb))
    snprintf(vb, sizeof vb, "0 0 %s %s", ws, hs);
  if (attr(tag, close, "font-family", font, sizeof font))
    snprintf(font, sizeof font, "%s", AMPEL_SVG_FONT);
  ampel_buf_puts(b, "<svg");
  ampel_buf_puts(b, " x=\"");
  ampel_svg_num(b, x + (w - sw * s) / 2);
  ampel_buf_puts(b, "\" y=\"");
  ampel_svg_num(b, y);
  ampel_buf_puts(b, "\" width=\"");
  ampel_svg_num(b, sw * s);
  ampel_buf_puts(b, "\" height=\"");
  ampel_svg_num(b, sh * s);
  ampel_buf_printf(b,
                   "\" viewBox=\"%s\" font-family=\"%s\" role=\"img\" "
                   "aria-labelledby=\"%sampel-title\">",
                   vb, font, prefix);
  copy_prefixed(b, close + 1, last < end ? last : end, prefix);
  ampel_buf_puts(b, "</svg>\n");
  return sh * s;
}

/* ---- finishing ------------------------------------------------------------
 */

static void head_foot(ampel_buf *d, const ampel_report *r, size_t i,
                      const ampel_report_answer *o) {
  const rp_page *pg = &r->pages[i];
  if (i > 0) {
    rp_text(d, RP_ML, 40, r->title, 7.5, 0, RP_GREY, AMPEL_SVG_START);
    rp_text(d, RP_W - RP_ML, 40, pg->section, 7.5, 0, RP_GREY, AMPEL_SVG_END);
    ampel_svg_line(d, RP_ML, 46, RP_W - RP_ML, 46, RP_RULE, 0.6);
  }
  double fy = RP_H - 56;
  if (pg->footnote) {
    char tmp[2048];
    snprintf(tmp, sizeof tmp, "%s", pg->footnote);
    size_t n = rp_lines(tmp, RP_CW, 7);
    ampel_svg_text_opts to = {7, RP_GREY, 0, AMPEL_SVG_START, 0, NULL};
    ampel_svg_text_wrapped(d, RP_ML, fy - 4 - 9.0 * (double)(n - 1), tmp,
                           max_chars(RP_CW, 7, 0), 9.0, &to);
  }
  ampel_svg_line(d, RP_ML, fy + 6, RP_W - RP_ML, fy + 6, RP_RULE, 0.6);
  char num[64];
  if (o->stamp && *o->stamp)
    rp_text(d, RP_ML, fy + 18, o->stamp, 7, 0, RP_GREY, AMPEL_SVG_START);
  rp_text(d, RP_ML, fy + 27, o->note, 7, 0, RP_GREY, AMPEL_SVG_START);
  snprintf(num, sizeof num, "Seite %zu von %zu", i + 1, r->n_pages);
  rp_text(d, RP_W - RP_ML, fy + 18, num, 8, 0, RP_INK, AMPEL_SVG_END);
}

static ampel_status finish_page(ampel_report *r, size_t i,
                                const ampel_report_answer *o) {
  ampel_buf d;
  ampel_buf_init(&d);
  ampel_buf_printf(&d,
                   "<svg xmlns=\"http://www.w3.org/2000/svg\" "
                   "width=\"210mm\" height=\"297mm\" viewBox=\"0 0 "
                   "595.28 841.89\" role=\"document\" lang=\"de\" "
                   "font-family=\"%s\" fill=\"%s\">\n<title>",
                   RP_FONT, RP_INK);
  ampel_buf_html(&d, r->title);
  ampel_buf_printf(&d, ", Seite %zu</title>\n", i + 1);
  ampel_svg_rect(&d, 0, 0, RP_W, RP_H, "#ffffff", NULL, 0, NULL);
  head_foot(&d, r, i, o);
  ampel_buf_append(&d, r->pages[i].body.data ? r->pages[i].body.data : "",
                   r->pages[i].body.len);
  ampel_buf_puts(&d, "</svg>\n");
  if (d.failed || r->pages[i].body.failed) {
    ampel_buf_release(&d);
    return AMPEL_E_NOMEM;
  }
  r->docs[i] = d.data;
  r->doc_len[i] = d.len;
  return AMPEL_OK;
}

ampel_status rp_finish(ampel_report *r, const ampel_report_answer *o) {
  if (r->failed)
    return AMPEL_E_NOMEM;
  r->docs = ampel_calloc(r->n_pages ? r->n_pages : 1, sizeof *r->docs);
  r->doc_len = ampel_calloc(r->n_pages ? r->n_pages : 1, sizeof *r->doc_len);
  if (!r->docs || !r->doc_len)
    return AMPEL_E_NOMEM;
  for (size_t i = 0; i < r->n_pages; i++) {
    ampel_status s = finish_page(r, i, o);
    if (s != AMPEL_OK)
      return s;
  }
  return AMPEL_OK;
}
