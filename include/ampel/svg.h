/* ampel/svg.h - low-level SVG drawing shared by every picture (heatmap,
 * Ampel table, later maps and charts), colours and palettes.
 *
 * All functions append to an ampel_buf (see buf.h; errors are sticky in the
 * buffer). Text is always real <text> (never outlined paths), escaped with
 * ampel_buf_html. Coordinates are written with at most two decimals and
 * no trailing zeros, so the same picture always gives the same bytes.
 *
 * Accessibility (docs/ampel.md): every document starts with role="img",
 * a <title> and a <desc>; text colour on a coloured background is chosen
 * black or white by WCAG contrast (ampel_rgb_text_on); the default palette
 * has monotone lightness (readable in greyscale and with red-green colour
 * blindness).
 *
 * Nothing here allocates except through the buffer; all functions are
 * reentrant. Strings passed in are UTF-8.
 */
#ifndef AMPEL_SVG_H
#define AMPEL_SVG_H

#include <stddef.h>

#include "ampel/buf.h"
#include "ampel/dataset.h"
#include "ampel/format.h" /* ampel_format_de (src/util/format.c) */

#ifdef __cplusplus
extern "C" {
#endif

/* The font stack used for every <text>. */
#define AMPEL_SVG_FONT "DejaVu Sans, Liberation Sans, Arial, sans-serif"

/* ---- Colours ------------------------------------------------------------ */

typedef struct ampel_rgb {
  unsigned char r, g, b;
} ampel_rgb;

/* WCAG 2 relative luminance (0 = black, 1 = white). */
double ampel_rgb_luminance(ampel_rgb c);
/* WCAG contrast ratio (1 .. 21) of two colours. */
double ampel_rgb_contrast(ampel_rgb a, ampel_rgb b);
/* Black or white, whichever contrasts more with `bg` (always >= 4.5:1
 * for one of them, WCAG AA for normal text). */
ampel_rgb ampel_rgb_text_on(ampel_rgb bg);
/* "#rrggbb" into out (at least 8 bytes). */
void ampel_rgb_hex(ampel_rgb c, char *out);
/* Linear mix in sRGB: t = 0 gives a, 1 gives b. */
ampel_rgb ampel_rgb_mix(ampel_rgb a, ampel_rgb b, double t);

/* ---- Palettes -------------------------------------------------------------
 *
 * A palette maps a scaled value v in [0, 1] (0 = critical, 1 = favourable,
 * METHODS.md §2.7) to a colour and names the three status colours of the
 * Ampel. Palettes are static, read-only data.
 *
 *  - "standard" (default): dark brown - orange - tan - light blue; the
 *    relative luminance rises strictly from 0 to 1, so the picture reads in
 *    greyscale and for protanopia/deuteranopia (orange vs blue stays apart).
 *  - "ampel": the classic red - yellow - green (ColorBrewer RdYlGn).
 *  - "grau": greyscale, for black-and-white printing.
 */
typedef struct ampel_palette {
  const char *name;     /* command-line name */
  const char *label_de; /* e.g. "Braun–Blau (farbenblind-sicher)" */
  const ampel_rgb *stops; /* n_stops colours, evenly spaced over [0, 1] */
  size_t n_stops;
  ampel_rgb good, average, critical; /* status colours of the Ampel */
} ampel_palette;

/* The palette with this name ("standard", "ampel", "grau"; also
 * "default"), or NULL. */
const ampel_palette *ampel_palette_find(const char *name);
/* The default palette ("standard"). */
const ampel_palette *ampel_palette_default(void);
/* Comma-separated list of the names, for messages. Static string. */
const char *ampel_palette_names(void);
/* Colour of v in [0, 1] (clamped); NaN gives the missing colour. */
ampel_rgb ampel_palette_color(const ampel_palette *p, double v);
/* Grey scale for neutral indicators: light grey (0) to dark grey (1). */
ampel_rgb ampel_palette_neutral(double v);
/* Background of a cell without a value. */
ampel_rgb ampel_palette_missing(void);

/* ---- Document ---------------------------------------------------------- */

/* Starts an SVG document of w x h user units (viewBox 0 0 w h, width and
 * height the same) with role="img", aria-labelledby, a <title> and a
 * <desc>, a white background and the default font. */
void ampel_svg_begin(ampel_buf *b, double w, double h, const char *title,
                     const char *desc);
/* Closes the document. */
void ampel_svg_end(ampel_buf *b);

/* A number as written into attributes: at most 2 decimals, no trailing
 * zeros, "-0" written as "0". */
void ampel_svg_num(ampel_buf *b, double v);

/* <rect>; fill is "#rrggbb" or "none" or "url(#id)"; stroke may be NULL.
 * With a `title` (may be NULL) the rect gets a <title> child (tooltip). */
void ampel_svg_rect(ampel_buf *b, double x, double y, double w, double h,
                    const char *fill, const char *stroke, double stroke_w,
                    const char *title);
void ampel_svg_line(ampel_buf *b, double x1, double y1, double x2, double y2,
                    const char *stroke, double stroke_w);
/* <path d="..."> with fill (or "none") and stroke (or NULL). */
void ampel_svg_path(ampel_buf *b, const char *d, const char *fill,
                    const char *stroke, double stroke_w);
void ampel_svg_circle(ampel_buf *b, double cx, double cy, double r,
                      const char *fill, const char *stroke, double stroke_w);

/* Text alignment (text-anchor). */
typedef enum ampel_svg_anchor {
  AMPEL_SVG_START = 0,
  AMPEL_SVG_MIDDLE = 1,
  AMPEL_SVG_END = 2
} ampel_svg_anchor;

/* Options of a <text>. Zero-initialised means: 12 units, black, normal,
 * start, not rotated, no title. */
typedef struct ampel_svg_text_opts {
  double size;
  const char *fill; /* NULL: "#000000" */
  int bold;
  ampel_svg_anchor anchor;
  double rotate;     /* degrees, around (x, y) */
  const char *title; /* full text as <title> child (for abbreviations) */
} ampel_svg_text_opts;

/* <text> at (x, y) (baseline) with the escaped text. */
void ampel_svg_text(ampel_buf *b, double x, double y, const char *text,
                    const ampel_svg_text_opts *o);

/* Opens/closes a group; `attrs` is written verbatim inside <g ...> (may be
 * NULL); `title` (may be NULL) becomes the group's <title>. */
void ampel_svg_group_open(ampel_buf *b, const char *attrs, const char *title);
void ampel_svg_group_close(ampel_buf *b);

/* <defs> entries. A horizontal linear gradient through n evenly spaced
 * colours, usable as fill="url(#id)". */
void ampel_svg_gradient(ampel_buf *b, const char *id, const ampel_rgb *stops,
                        size_t n);
/* A diagonal hatch (lines of `color` 45 degrees, 6 units apart), usable as
 * fill="url(#id)" on top of a coloured rect. */
void ampel_svg_hatch(ampel_buf *b, const char *id, const char *color);

/* ---- Text helpers -------------------------------------------------------- */

/* Number of characters (code points) of a UTF-8 string. */
size_t ampel_utf8_len(const char *s);
/* Estimated width of s in user units at font size `size` (DejaVu Sans,
 * a little generous so that labels never collide). */
double ampel_svg_text_width(const char *s, double size);
/* Copies s into out (size bytes), cut to at most max_chars characters
 * with "…" at the end when it is longer. Returns 1 when it was cut. */
int ampel_abbrev(const char *s, size_t max_chars, char *out, size_t size);

/* Splits s into lines of at most max_chars characters at spaces (a longer
 * word stands alone). Calls fn(ud, line, len) per line when fn is not NULL;
 * returns the number of lines (0 for an empty string). */
typedef void (*ampel_line_fn)(void *ud, const char *line, size_t len);
size_t ampel_wrap(const char *s, size_t max_chars, ampel_line_fn fn,
                  void *ud);
/* Writes wrapped text as one <text> per line from baseline y downwards,
 * line_h apart. Returns the number of lines. */
size_t ampel_svg_text_wrapped(ampel_buf *b, double x, double y,
                              const char *text, size_t max_chars,
                              double line_h, const ampel_svg_text_opts *o);

/* Appends the sources line of a picture: "Quellen: " and each distinct
 * non-empty source of the n indicators once, in order, joined by "; "
 * ("Quellen: nicht angegeben" when none has one). The indicator id of item
 * j is the size_t at (const char *)ids + j * stride, so both a plain id
 * array (stride sizeof(size_t)) and the id member of an array of structs
 * can be passed; ids may be NULL when n is 0. */
void ampel_svg_sources(ampel_buf *t, const ampel_dataset *ds,
                       const size_t *ids, size_t n, size_t stride);

#ifdef __cplusplus
}
#endif
#endif
