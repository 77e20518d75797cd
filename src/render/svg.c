/* render/svg.c - low-level SVG drawing, colours and palettes (svg.h). */
#include "ampel/svg.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* ---- Colours ------------------------------------------------------------ */

static double channel_lin(unsigned char c) {
  double v = c / 255.0;
  return v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4);
}

double ampel_rgb_luminance(ampel_rgb c) {
  return 0.2126 * channel_lin(c.r) + 0.7152 * channel_lin(c.g) +
         0.0722 * channel_lin(c.b);
}

double ampel_rgb_contrast(ampel_rgb a, ampel_rgb b) {
  double la = ampel_rgb_luminance(a), lb = ampel_rgb_luminance(b);
  double hi = la > lb ? la : lb, lo = la > lb ? lb : la;
  return (hi + 0.05) / (lo + 0.05);
}

ampel_rgb ampel_rgb_text_on(ampel_rgb bg) {
  static const ampel_rgb black = {0, 0, 0}, white = {255, 255, 255};
  return ampel_rgb_contrast(bg, black) >= ampel_rgb_contrast(bg, white)
             ? black
             : white;
}

void ampel_rgb_hex(ampel_rgb c, char *out) {
  snprintf(out, 8, "#%02x%02x%02x", c.r, c.g, c.b);
}

static unsigned char mix1(unsigned char a, unsigned char b, double t) {
  double v = a + (b - a) * t;
  return (unsigned char)lround(v < 0 ? 0 : v > 255 ? 255 : v);
}

ampel_rgb ampel_rgb_mix(ampel_rgb a, ampel_rgb b, double t) {
  ampel_rgb c = {mix1(a.r, b.r, t), mix1(a.g, b.g, t), mix1(a.b, b.b, t)};
  return c;
}

/* ---- Palettes ------------------------------------------------------------
 *
 * "standard" was computed by interpolating in CIELAB from L* 27 (dark
 * brown) over an orange and a tan middle to L* 90 (light blue); its
 * luminance rises strictly (tests/unit/test_heatmap.c checks it). */
static const ampel_rgb standard_stops[] = {
    {0x69, 0x2f, 0x12}, {0x83, 0x3a, 0x11}, {0x9d, 0x46, 0x10},
    {0xb0, 0x5a, 0x1f}, {0xb9, 0x75, 0x3c}, {0xc0, 0x8f, 0x59},
    {0xaf, 0xa5, 0x91}, {0x8d, 0xbc, 0xca}, {0x78, 0xcf, 0xec},
    {0x8c, 0xdf, 0xf6}, {0xa0, 0xef, 0xff}};
static const ampel_rgb ampel_stops[] = {
    {0xd7, 0x30, 0x27}, {0xfc, 0x8d, 0x59}, {0xfe, 0xe0, 0x8b},
    {0xff, 0xff, 0xbf}, {0xd9, 0xef, 0x8b}, {0x91, 0xcf, 0x60},
    {0x1a, 0x98, 0x50}};
static const ampel_rgb grey_stops[] = {{0x25, 0x25, 0x25},
                                       {0xf2, 0xf2, 0xf2}};

static const ampel_palette palettes[] = {
    {"standard", "Braun–Blau (auch bei Farbenblindheit lesbar)",
     standard_stops, sizeof standard_stops / sizeof standard_stops[0],
     {0x2b, 0x7b, 0xba}, {0xf1, 0xd2, 0xa6}, {0x9d, 0x46, 0x10}},
    {"ampel", "Rot–Gelb–Grün (klassische Ampel)", ampel_stops,
     sizeof ampel_stops / sizeof ampel_stops[0], {0x1a, 0x98, 0x50},
     {0xfe, 0xd9, 0x76}, {0xd7, 0x30, 0x27}},
    {"grau", "Graustufen (für Schwarz-Weiß-Druck)", grey_stops, 2,
     {0xf2, 0xf2, 0xf2}, {0xa6, 0xa6, 0xa6}, {0x40, 0x40, 0x40}},
};

const ampel_palette *ampel_palette_find(const char *name) {
  if (!name)
    return NULL;
  if (strcmp(name, "default") == 0)
    return &palettes[0];
  for (size_t i = 0; i < sizeof palettes / sizeof palettes[0]; i++)
    if (strcmp(name, palettes[i].name) == 0)
      return &palettes[i];
  return NULL;
}

const ampel_palette *ampel_palette_default(void) { return &palettes[0]; }

const char *ampel_palette_names(void) { return "standard, ampel, grau"; }

ampel_rgb ampel_palette_missing(void) {
  ampel_rgb c = {0xff, 0xff, 0xff};
  return c;
}

ampel_rgb ampel_palette_color(const ampel_palette *p, double v) {
  if (isnan(v) || !p || p->n_stops == 0)
    return ampel_palette_missing();
  if (v < 0)
    v = 0;
  if (v > 1)
    v = 1;
  if (p->n_stops == 1)
    return p->stops[0];
  double pos = v * (double)(p->n_stops - 1);
  size_t i = (size_t)floor(pos);
  if (i >= p->n_stops - 1)
    return p->stops[p->n_stops - 1];
  return ampel_rgb_mix(p->stops[i], p->stops[i + 1], pos - (double)i);
}

ampel_rgb ampel_palette_neutral(double v) {
  static const ampel_rgb lo = {0xee, 0xee, 0xee}, hi = {0x6b, 0x6b, 0x6b};
  if (isnan(v))
    return ampel_palette_missing();
  return ampel_rgb_mix(lo, hi, v < 0 ? 0 : v > 1 ? 1 : v);
}

/* ---- Document -------------------------------------------------------------
 */

void ampel_svg_num(ampel_buf *b, double v) {
  char tmp[64];
  double r = round(v * 100.0) / 100.0;
  if (r == 0.0)
    r = 0.0; /* no "-0" */
  snprintf(tmp, sizeof tmp, "%.2f", r);
  char *dot = strchr(tmp, '.');
  if (dot) {
    char *end = tmp + strlen(tmp);
    while (end > dot && (end[-1] == '0'))
      *--end = '\0';
    if (end[-1] == '.')
      end[-1] = '\0';
  }
  ampel_buf_puts(b, tmp);
}

static void attr_num(ampel_buf *b, const char *name, double v) {
  ampel_buf_printf(b, " %s=\"", name);
  ampel_svg_num(b, v);
  ampel_buf_putc(b, '"');
}

static void attr_str(ampel_buf *b, const char *name, const char *v) {
  ampel_buf_printf(b, " %s=\"", name);
  ampel_buf_html(b, v);
  ampel_buf_putc(b, '"');
}

void ampel_svg_begin(ampel_buf *b, double w, double h, const char *title,
                     const char *desc) {
  ampel_buf_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                    "<svg xmlns=\"http://www.w3.org/2000/svg\"");
  attr_num(b, "width", w);
  attr_num(b, "height", h);
  ampel_buf_puts(b, " viewBox=\"0 0 ");
  ampel_svg_num(b, w);
  ampel_buf_putc(b, ' ');
  ampel_svg_num(b, h);
  ampel_buf_puts(b, "\" role=\"img\" aria-labelledby=\"ampel-title "
                    "ampel-desc\" lang=\"de\" font-family=\"" AMPEL_SVG_FONT
                    "\">\n<title id=\"ampel-title\">");
  ampel_buf_html(b, title ? title : "");
  ampel_buf_puts(b, "</title>\n<desc id=\"ampel-desc\">");
  ampel_buf_html(b, desc ? desc : "");
  ampel_buf_puts(b, "</desc>\n");
  ampel_svg_rect(b, 0, 0, w, h, "#ffffff", NULL, 0, NULL);
}

void ampel_svg_end(ampel_buf *b) { ampel_buf_puts(b, "</svg>\n"); }

static void paint(ampel_buf *b, const char *fill, const char *stroke,
                  double stroke_w) {
  attr_str(b, "fill", fill ? fill : "none");
  if (stroke) {
    attr_str(b, "stroke", stroke);
    attr_num(b, "stroke-width", stroke_w);
  }
}

static void close_with_title(ampel_buf *b, const char *tag,
                             const char *title) {
  if (!title) {
    ampel_buf_puts(b, "/>\n");
    return;
  }
  ampel_buf_puts(b, "><title>");
  ampel_buf_html(b, title);
  ampel_buf_printf(b, "</title></%s>\n", tag);
}

void ampel_svg_rect(ampel_buf *b, double x, double y, double w, double h,
                    const char *fill, const char *stroke, double stroke_w,
                    const char *title) {
  ampel_buf_puts(b, "<rect");
  attr_num(b, "x", x);
  attr_num(b, "y", y);
  attr_num(b, "width", w);
  attr_num(b, "height", h);
  paint(b, fill, stroke, stroke_w);
  close_with_title(b, "rect", title);
}

void ampel_svg_line(ampel_buf *b, double x1, double y1, double x2, double y2,
                    const char *stroke, double stroke_w) {
  ampel_buf_puts(b, "<line");
  attr_num(b, "x1", x1);
  attr_num(b, "y1", y1);
  attr_num(b, "x2", x2);
  attr_num(b, "y2", y2);
  paint(b, NULL, stroke ? stroke : "#000000", stroke_w);
  ampel_buf_puts(b, "/>\n");
}

void ampel_svg_path(ampel_buf *b, const char *d, const char *fill,
                    const char *stroke, double stroke_w) {
  ampel_buf_puts(b, "<path");
  attr_str(b, "d", d);
  paint(b, fill, stroke, stroke_w);
  ampel_buf_puts(b, "/>\n");
}

void ampel_svg_circle(ampel_buf *b, double cx, double cy, double r,
                      const char *fill, const char *stroke, double stroke_w) {
  ampel_buf_puts(b, "<circle");
  attr_num(b, "cx", cx);
  attr_num(b, "cy", cy);
  attr_num(b, "r", r);
  paint(b, fill, stroke, stroke_w);
  ampel_buf_puts(b, "/>\n");
}

void ampel_svg_text(ampel_buf *b, double x, double y, const char *text,
                    const ampel_svg_text_opts *o) {
  static const char *const anchors[] = {"start", "middle", "end"};
  ampel_svg_text_opts d = {0};
  if (!o)
    o = &d;
  ampel_buf_puts(b, "<text");
  attr_num(b, "x", x);
  attr_num(b, "y", y);
  attr_num(b, "font-size", o->size > 0 ? o->size : 12);
  if (o->fill && strcmp(o->fill, "#000000") != 0)
    attr_str(b, "fill", o->fill);
  if (o->bold)
    ampel_buf_puts(b, " font-weight=\"bold\"");
  if (o->anchor != AMPEL_SVG_START && (unsigned)o->anchor <= 2)
    ampel_buf_printf(b, " text-anchor=\"%s\"", anchors[o->anchor]);
  if (o->rotate != 0.0) {
    ampel_buf_puts(b, " transform=\"rotate(");
    ampel_svg_num(b, o->rotate);
    ampel_buf_putc(b, ' ');
    ampel_svg_num(b, x);
    ampel_buf_putc(b, ' ');
    ampel_svg_num(b, y);
    ampel_buf_puts(b, ")\"");
  }
  ampel_buf_putc(b, '>');
  if (o->title) {
    ampel_buf_puts(b, "<title>");
    ampel_buf_html(b, o->title);
    ampel_buf_puts(b, "</title>");
  }
  ampel_buf_html(b, text ? text : "");
  ampel_buf_puts(b, "</text>\n");
}

void ampel_svg_group_open(ampel_buf *b, const char *attrs, const char *title) {
  ampel_buf_puts(b, "<g");
  if (attrs && *attrs) {
    ampel_buf_putc(b, ' ');
    ampel_buf_puts(b, attrs);
  }
  ampel_buf_puts(b, ">");
  if (title) {
    ampel_buf_puts(b, "<title>");
    ampel_buf_html(b, title);
    ampel_buf_puts(b, "</title>");
  }
  ampel_buf_putc(b, '\n');
}

void ampel_svg_group_close(ampel_buf *b) { ampel_buf_puts(b, "</g>\n"); }

void ampel_svg_gradient(ampel_buf *b, const char *id, const ampel_rgb *stops,
                        size_t n) {
  ampel_buf_puts(b, "<linearGradient");
  attr_str(b, "id", id);
  ampel_buf_puts(b, " x1=\"0\" y1=\"0\" x2=\"1\" y2=\"0\">\n");
  for (size_t i = 0; i < n; i++) {
    char hex[8];
    ampel_rgb_hex(stops[i], hex);
    ampel_buf_puts(b, "<stop");
    attr_num(b, "offset", n > 1 ? (double)i / (double)(n - 1) : 0.0);
    attr_str(b, "stop-color", hex);
    ampel_buf_puts(b, "/>\n");
  }
  ampel_buf_puts(b, "</linearGradient>\n");
}

void ampel_svg_hatch(ampel_buf *b, const char *id, const char *color) {
  ampel_buf_puts(b, "<pattern");
  attr_str(b, "id", id);
  ampel_buf_puts(b, " patternUnits=\"userSpaceOnUse\" width=\"6\" "
                    "height=\"6\" patternTransform=\"rotate(45)\">");
  ampel_buf_puts(b, "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\"");
  attr_str(b, "stroke", color);
  ampel_buf_puts(b, " stroke-width=\"2\"/></pattern>\n");
}

/* ---- Text helpers ---------------------------------------------------------
 */

size_t ampel_utf8_len(const char *s) {
  size_t n = 0;
  for (; s && *s; s++)
    if ((*s & 0xC0) != 0x80)
      n++;
  return n;
}

/* DejaVu Sans averages about 0.6 em per character for German text with
 * capitals; a little more keeps labels apart in Liberation/Arial too. */
double ampel_svg_text_width(const char *s, double size) {
  return (double)ampel_utf8_len(s) * size * 0.62;
}

int ampel_abbrev(const char *s, size_t max_chars, char *out, size_t size) {
  if (size == 0)
    return 0;
  out[0] = '\0';
  if (!s)
    return 0;
  if (ampel_utf8_len(s) <= max_chars) {
    snprintf(out, size, "%s", s);
    return 0;
  }
  size_t chars = 0, i = 0;
  size_t keep = max_chars > 1 ? max_chars - 1 : 0;
  while (s[i]) {
    if ((s[i] & 0xC0) != 0x80) {
      if (chars == keep)
        break;
      chars++;
    }
    i++;
  }
  while (i > 0 && s[i - 1] == ' ')
    i--;
  if (i + 4 > size)
    i = size > 4 ? size - 4 : 0;
  while (i > 0 && (s[i] & 0xC0) == 0x80) /* never cut a character */
    i--;
  memcpy(out, s, i);
  memcpy(out + i, "…", 4); /* 3 bytes + NUL */
  return 1;
}

/* Greedy: each line takes as many words as fit in max_chars; a word
 * longer than that stands alone on its line. */
size_t ampel_wrap(const char *s, size_t max_chars, ampel_line_fn fn,
                  void *ud) {
  size_t lines = 0;
  while (s && *s == ' ')
    s++;
  while (s && *s) {
    const char *p = s, *last_space = NULL, *cut;
    size_t chars = 0;
    for (; *p; p++) {
      if (*p == ' ') {
        if (chars > max_chars)
          break;
        last_space = p;
      }
      if ((*p & 0xC0) != 0x80)
        chars++;
    }
    if (!*p && chars <= max_chars) {
      cut = p;
    } else if (last_space) {
      cut = last_space;
    } else {
      cut = s;
      while (*cut && *cut != ' ')
        cut++;
    }
    if (fn)
      fn(ud, s, (size_t)(cut - s));
    lines++;
    s = cut;
    while (*s == ' ')
      s++;
  }
  return lines;
}

typedef struct wrap_ctx {
  ampel_buf *b;
  double x, y, line_h;
  const ampel_svg_text_opts *o;
  size_t n;
} wrap_ctx;

static void wrap_line(void *ud, const char *line, size_t len) {
  wrap_ctx *w = ud;
  char tmp[1024];
  if (len >= sizeof tmp)
    len = sizeof tmp - 1;
  memcpy(tmp, line, len);
  tmp[len] = '\0';
  ampel_svg_text(w->b, w->x, w->y + (double)w->n * w->line_h, tmp, w->o);
  w->n++;
}

size_t ampel_svg_text_wrapped(ampel_buf *b, double x, double y,
                              const char *text, size_t max_chars,
                              double line_h, const ampel_svg_text_opts *o) {
  wrap_ctx w = {b, x, y, line_h, o, 0};
  return ampel_wrap(text, max_chars, wrap_line, &w);
}

static const char *source_at(const ampel_dataset *ds, const size_t *ids,
                             size_t j, size_t stride) {
  size_t id = *(const size_t *)(const void *)((const char *)ids + j * stride);
  return ampel_dataset_indicator(ds, id)->source;
}

void ampel_svg_sources(ampel_buf *t, const ampel_dataset *ds,
                       const size_t *ids, size_t n, size_t stride) {
  ampel_buf_puts(t, "Quellen: ");
  size_t k = 0;
  for (size_t j = 0; j < n; j++) {
    const char *s = source_at(ds, ids, j, stride);
    int seen = !s || !*s;
    for (size_t i = 0; i < j && !seen; i++) {
      const char *o = source_at(ds, ids, i, stride);
      seen = o && strcmp(o, s) == 0;
    }
    if (!seen)
      ampel_buf_printf(t, "%s%s", k++ ? "; " : "", s);
  }
  if (!k)
    ampel_buf_puts(t, "nicht angegeben");
}
