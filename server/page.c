/* page.c - the HTML frame of every dashboard page (landmarks, skip link,
 * navigation, footer) and small escaping/formatting helpers. All data goes
 * through ampel_buf_html; nothing here writes inline script or style, so
 * the strict Content-Security-Policy holds. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ampel/alloc.h"
#include "ampel/stats.h"
#include "ampel/svg.h"
#include "server.h"

static const struct {
  const char *href, *label;
} nav_items[] = {
    {"/", "Übersicht"},           {"/gebiet/", "Gebiete"},
    {"/kennzahl/", "Kennzahlen"}, {"/wechselwirkungen", "Wechselwirkungen"},
    {"/bedarf", "Bedarf"},        {"/methoden", "Daten &amp; Methoden"},
};

/* The city's name: the root area's name, else "ampel". */
static const char *city(const ampel_dataset *ds) {
  long root = ampel_dataset_root(ds);
  return root >= 0 ? ampel_dataset_area(ds, (size_t)root)->name : NULL;
}

void page_begin(const srv_req *q, srv_resp *r, const char *title, int nav) {
  ampel_buf *b = &r->body;
  r->ctype = "text/html; charset=utf-8";
  const char *c = q->ds ? city(q->ds) : NULL;
  ampel_buf_puts(b, "<!DOCTYPE html>\n<html lang=\"de\">\n<head>\n"
                    "<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
                    "content=\"width=device-width, initial-scale=1\">\n"
                    "<title>");
  ampel_buf_html(b, title);
  if (c) {
    ampel_buf_puts(b, " – Bildungsmonitoring ");
    ampel_buf_html(b, c);
  }
  ampel_buf_puts(b, "</title>\n<link rel=\"stylesheet\" "
                    "href=\"/static/ampel.css\">\n<link rel=\"icon\" "
                    "href=\"/static/favicon.svg\" type=\"image/svg+xml\">\n"
                    "<script src=\"/static/ampel.js\" defer></script>\n"
                    "</head>\n<body>\n<a class=\"skip\" href=\"#inhalt\">"
                    "Zum Inhalt springen</a>\n<header class=\"kopf\">\n"
                    "<p class=\"marke\"><a href=\"/\"><span class=\"logo\" "
                    "aria-hidden=\"true\"></span>ampel</a> <span>"
                    "Bildungsmonitoring");
  if (c) {
    ampel_buf_putc(b, ' ');
    ampel_buf_html(b, c);
  }
  ampel_buf_puts(b, "</span></p>\n<nav aria-label=\"Hauptnavigation\">"
                    "<ul>\n");
  for (int i = 0; i < (int)(sizeof nav_items / sizeof nav_items[0]); i++)
    ampel_buf_printf(b, "<li><a href=\"%s\"%s>%s</a></li>\n", nav_items[i].href,
                     i == nav ? " aria-current=\"page\"" : "",
                     nav_items[i].label);
  ampel_buf_puts(b, "</ul></nav>\n");
  srv_auth_nav(q, b); /* Anmelden, or the user and Abmelden */
  ampel_buf_puts(b, "</header>\n<main id=\"inhalt\" tabindex=\"-1\">\n");
  if (q->snap && q->snap->earlier) { /* ?datenstand=N, not the latest */
    ampel_buf_puts(b, "<p class=\"hinweis frueher\" role=\"status\">"
                      "Früherer Stand: ");
    ampel_buf_html(b, q->snap->stamp);
    ampel_buf_puts(b, ". <a href=\"/?datenstand=0\">Zum aktuellen "
                      "Datenstand</a></p>\n");
  }
}

void page_end(const srv_req *q, srv_resp *r) {
  ampel_buf *b = &r->body;
  ampel_buf_puts(b, "</main>\n<footer class=\"fuss\">\n<p>");
  if (q->snap && q->snap->stamp[0])
    ampel_buf_html(b, q->snap->stamp);
  else
    ampel_buf_puts(b, "Datenstand unbekannt");
  if (q->snap && q->snap->secrecy[0]) {
    ampel_buf_puts(b, " · ");
    ampel_buf_html(b, q->snap->secrecy);
  }
  ampel_buf_puts(b, " · <a href=\"/methoden\">Daten &amp; Methoden</a> · "
                    "<a href=\"/methoden#downloads\">Downloads</a> · "
                    "erstellt mit ampel (EUPL-1.2)</p>\n</footer>\n"
                    "</body>\n</html>\n");
}

/* Copies the id tokens of an attribute value with the prefix. */
static const char *prefix_tokens(ampel_buf *out, const char *p, const char *end,
                                 const char *pre) {
  int at_start = 1;
  for (; p < end && *p != '"'; p++) {
    if (at_start && *p != ' ')
      ampel_buf_puts(out, pre);
    at_start = *p == ' ';
    ampel_buf_putc(out, *p);
  }
  return p;
}

static int starts(const char *p, const char *end, const char *s) {
  size_t n = strlen(s);
  return (size_t)(end - p) >= n && memcmp(p, s, n) == 0;
}

/* Rewrites ids inside tags only: text content is escaped by the renderers
 * (no raw '<' or '>'), so "inside a tag" is known exactly. */
void page_svg(srv_req *q, ampel_buf *out, const char *svg, size_t len) {
  const char *p = svg, *end = svg + len;
  if (starts(p, end, "<?xml")) {
    const char *e = strstr(p, "?>");
    p = e ? e + 2 : p;
    while (p < end && (*p == '\n' || *p == '\r'))
      p++;
  }
  char pre[16];
  snprintf(pre, sizeof pre, "s%u-", ++q->svg_seq);
  int in_tag = 0;
  unsigned tick = 0;
  /* The bytes where something can happen: a tag's start or end, or the
   * first byte of one of the attributes below. Every other run of bytes is
   * copied at once (a picture of thousands of rows is megabytes). */
  static const unsigned char special[256] = {
      ['<'] = 1, ['>'] = 1, [' '] = 1, ['a'] = 1, ['u'] = 1, ['h'] = 1};
  static const char *const attrs[] = {" id=\"", "aria-labelledby=\"",
                                      "aria-describedby=\"", "url(#",
                                      "href=\"#"};
  while (p < end) {
    /* A big picture takes a while: stop when the request's deadline has
     * passed or its client left (the answer is thrown away, httpd.c). */
    if ((++tick & 0x3FFFu) == 0 && ampel_stop_requested(q->stop))
      break;
    const char *run = p;
    if (!in_tag) {
      run = memchr(p, '<', (size_t)(end - p));
      if (!run)
        run = end;
    } else {
      while (run < end && !special[(unsigned char)*run])
        run++;
    }
    if (run > p) {
      ampel_buf_append(out, p, (size_t)(run - p));
      p = run;
      continue;
    }
    if (*p == '<')
      in_tag = 1;
    else if (*p == '>')
      in_tag = 0;
    int done = 0;
    for (size_t i = 0; in_tag && i < 5 && !done; i++)
      if (starts(p, end, attrs[i])) {
        size_t n = strlen(attrs[i]);
        ampel_buf_append(out, p, n);
        p = prefix_tokens(out, p + n, end, pre);
        done = 1;
      }
    if (!done)
      ampel_buf_putc(out, *p++);
  }
  ampel_buf_putc(out, '\n');
}

void page_num(ampel_buf *b, double v, int decimals) {
  char s[64];
  ampel_format_de(v, decimals, s, sizeof s);
  ampel_buf_puts(b, s);
}

void page_value(ampel_buf *b, const ampel_dataset *ds, size_t area, size_t ind,
                size_t period) {
  ampel_cell_ref c = ampel_dataset_get(ds, area, ind, period);
  const ampel_indicator *in = ampel_dataset_indicator(ds, ind);
  if (!c.present) {
    ampel_buf_puts(b, "<span title=\"kein Wert\">–</span>");
    return;
  }
  if (!ampel_flag_has_value(c.flag) || isnan(c.value)) {
    ampel_buf_puts(b, "<abbr title=\"");
    ampel_buf_html(b, ampel_flag_label_de(c.flag));
    ampel_buf_puts(b, "\">");
    ampel_buf_html(b, c.flag ? ampel_flag_symbol(c.flag) : ".");
    ampel_buf_puts(b, "</abbr>");
    return;
  }
  if (c.flag == AMPEL_FLAG_LIMITED)
    ampel_buf_putc(b, '(');
  page_num(b, c.value, in->decimals);
  if (c.flag == AMPEL_FLAG_LIMITED)
    ampel_buf_putc(b, ')');
}

void page_urlenc(ampel_buf *b, const char *s) {
  static const char hex[] = "0123456789ABCDEF";
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
        (*p >= '0' && *p <= '9') || strchr("-_.~", *p))
      ampel_buf_putc(b, (char)*p);
    else
      ampel_buf_printf(b, "%%%c%c", hex[*p >> 4], hex[*p & 15]);
  }
}

void page_area_link(ampel_buf *b, const ampel_dataset *ds, size_t area) {
  const ampel_area *a = ampel_dataset_area(ds, area);
  ampel_buf_puts(b, "<a href=\"/gebiet/");
  page_urlenc(b, a->key);
  ampel_buf_puts(b, "\">");
  ampel_buf_html(b, a->name && *a->name ? a->name : a->key);
  ampel_buf_puts(b, "</a>");
}

void page_ind_link(ampel_buf *b, const ampel_dataset *ds, size_t ind) {
  const ampel_indicator *in = ampel_dataset_indicator(ds, ind);
  ampel_buf_puts(b, "<a href=\"/kennzahl/");
  page_urlenc(b, in->key);
  ampel_buf_puts(b, "\">");
  ampel_buf_html(b, in->name && *in->name ? in->name : in->key);
  ampel_buf_puts(b, "</a>");
}

void page_select_level(const srv_req *q, ampel_buf *b, const char *current) {
  size_t n = 0;
  const char **lv = ampel_dataset_levels(q->ds, &n);
  ampel_buf_puts(b, "<label for=\"f-level\">Ebene</label>\n<select "
                    "id=\"f-level\" name=\"level\">\n");
  for (size_t i = 0; lv && i < n; i++) {
    ampel_buf_puts(b, "<option value=\"");
    ampel_buf_html(b, lv[i]);
    ampel_buf_printf(b, "\"%s>",
                     current && strcmp(current, lv[i]) == 0 ? " selected" : "");
    ampel_buf_html(b, lv[i]);
    ampel_buf_puts(b, "</option>\n");
  }
  ampel_buf_puts(b, "</select>\n");
  ampel_free(lv);
}

void page_select_period(const srv_req *q, ampel_buf *b, const char *name,
                        const char *label, long current, int allow_none) {
  ampel_buf_printf(b, "<label for=\"f-%s\">", name);
  ampel_buf_html(b, label);
  ampel_buf_printf(b, "</label>\n<select id=\"f-%s\" name=\"%s\">\n", name,
                   name);
  if (allow_none)
    ampel_buf_printf(b, "<option value=\"\"%s>automatisch</option>\n",
                     current < 0 ? " selected" : "");
  size_t n = ampel_dataset_n_periods(q->ds);
  for (size_t i = n; i-- > 0;) {
    const char *l = srv_period_label(q->ds, i);
    ampel_buf_puts(b, "<option value=\"");
    ampel_buf_html(b, l);
    ampel_buf_printf(b, "\"%s>", (long)i == current ? " selected" : "");
    ampel_buf_html(b, l);
    ampel_buf_puts(b, "</option>\n");
  }
  ampel_buf_puts(b, "</select>\n");
}

void page_note(ampel_buf *b, const char *cls, const char *text) {
  ampel_buf_printf(b, "<p class=\"hinweis %s\" role=\"status\">", cls);
  ampel_buf_html(b, text);
  ampel_buf_puts(b, "</p>\n");
}

const char *page_status_label(int status) {
  static const char *const l[] = {"gut", "durchschnittlich", "kritisch",
                                  "ohne Bewertung"};
  return status >= 0 && status <= 3 ? l[status] : "";
}

const char *page_status_symbol(int status) {
  static const char *const s[] = {"●", "◐", "▲", "○"};
  return status >= 0 && status <= 3 ? s[status] : "";
}

const char *page_trend_label(int trend) {
  static const char *const l[] = {
      "verbessert", "stabil",   "verschlechtert", "keine Entwicklung",
      "gestiegen",  "gesunken", "gleich"};
  return trend >= 0 && trend < AMPEL_TREND_COUNT_ ? l[trend] : "";
}

const char *page_trend_symbol(int trend) {
  /* neutral directions: plain arrows, no colour (style.css tr-4..6) */
  static const char *const s[] = {"↗", "→", "↘", "–", "↑", "↓", "="};
  return trend >= 0 && trend < AMPEL_TREND_COUNT_ ? s[trend] : "";
}

const char *page_polarity_label(ampel_polarity p) {
  switch (p) {
  case AMPEL_POL_HIGHER_IS_BETTER: return "höher ist günstiger";
  case AMPEL_POL_HIGHER_IS_WORSE: return "höher ist ungünstiger";
  default: return "neutral (ohne Bewertung)";
  }
}
