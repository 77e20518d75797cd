/* Levels or classes on the tile map (need.h): one square per area at
 * (tile_row, tile_col). The fill runs from light yellow (level 1) to dark
 * red (level k) - ColorBrewer YlOrRd, monotone in lightness, so it reads
 * for every kind of colour blindness and in grey - and the level is also
 * written as a number in the tile, so the map reads without colour. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ampel/alloc.h"
#include "ampel/need.h"

#define TILE 112
#define GAP 6
#define MARGIN 24
#define TOP 80 /* plus 18 per subtitle line */
#define C_NONE "#e0e0e0"

static const unsigned char ylorrd[9][3] = {
    {255, 255, 204}, {255, 237, 160}, {254, 217, 118},
    {254, 178, 76},  {253, 141, 60},  {252, 78, 42},
    {227, 26, 28},   {189, 0, 38},    {128, 0, 38}};

/* Colour of level l of k (1..k), interpolated on the 9 anchors. */
static void level_rgb(int l, int k, int rgb[3]) {
  double t = k > 1 ? (double)(l - 1) / (k - 1) : 1.0;
  double x = t * 8;
  int i = (int)floor(x);
  if (i >= 8)
    i = 7;
  double f = x - i;
  for (int c = 0; c < 3; c++)
    rgb[c] = (int)lround(ylorrd[i][c] * (1 - f) + ylorrd[i + 1][c] * f);
}

static void fill(ampel_buf *b, int l, int k) {
  if (l <= 0) {
    ampel_buf_puts(b, C_NONE);
    return;
  }
  int c[3];
  level_rgb(l, k, c);
  ampel_buf_printf(b, "#%02x%02x%02x", c[0], c[1], c[2]);
}

/* White text on dark fills (relative luminance below 0.3). */
static const char *ink(int l, int k) {
  if (l <= 0)
    return "#222";
  int c[3];
  level_rgb(l, k, c);
  double lum = (0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]) / 255;
  return lum < 0.45 ? "#ffffff" : "#111111";
}

typedef struct grid {
  int r0, c0, rows, cols;
  size_t n_tiles;
} grid;

static grid grid_of(const ampel_dataset *ds, const ampel_tilemap_view *v) {
  grid g = {0, 0, 0, 0, 0};
  int r1 = 0, c1 = 0;
  for (size_t i = 0; i < v->n; i++) {
    const ampel_area *a = ampel_dataset_area(ds, v->areas[i]);
    if (a->tile_row == AMPEL_NO_TILE)
      continue;
    if (g.n_tiles == 0 || a->tile_row < g.r0)
      g.r0 = a->tile_row;
    if (g.n_tiles == 0 || a->tile_col < g.c0)
      g.c0 = a->tile_col;
    if (g.n_tiles == 0 || a->tile_row > r1)
      r1 = a->tile_row;
    if (g.n_tiles == 0 || a->tile_col > c1)
      c1 = a->tile_col;
    g.n_tiles++;
  }
  g.rows = g.n_tiles ? r1 - g.r0 + 1 : 0;
  g.cols = g.n_tiles ? c1 - g.c0 + 1 : 0;
  return g;
}

/* The name in up to two lines of ~15 characters, split at a blank or '-'.
 */
static void tile_name(ampel_buf *b, const char *name, double x, double y,
                      const char *color) {
  size_t len = strlen(name), cut = len;
  if (len > 15) {
    for (size_t i = len > 15 ? 15 : len; i > 3; i--)
      if (name[i] == ' ' || name[i - 1] == '-') {
        cut = i;
        break;
      }
    if (cut == len)
      cut = 15;
  }
  ampel_buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"12\" "
                      "text-anchor=\"middle\" fill=\"%s\">",
                   x, y, color);
  ampel_buf_html_n(b, name, cut);
  if (cut < len) {
    const char *rest = name + cut + (name[cut] == ' ');
    ampel_buf_printf(b, "<tspan x=\"%.1f\" dy=\"14\">", x);
    if (strlen(rest) > 16) {
      ampel_buf_html_n(b, rest, 14);
      ampel_buf_puts(b, "…");
    } else {
      ampel_buf_html(b, rest);
    }
    ampel_buf_puts(b, "</tspan>");
  }
  ampel_buf_puts(b, "</text>\n");
}

static void tile(ampel_buf *b, const ampel_dataset *ds,
                 const ampel_tilemap_view *v, const grid *g, size_t i,
                 int top) {
  const ampel_area *a = ampel_dataset_area(ds, v->areas[i]);
  int l = v->level[i];
  double x = MARGIN + (a->tile_col - g->c0) * (TILE + GAP);
  double y = top + (a->tile_row - g->r0) * (TILE + GAP);
  ampel_buf_puts(b, "<g><title>");
  ampel_buf_html(b, a->name);
  if (l > 0)
    ampel_buf_printf(b, ": Stufe %d von %d", l, v->k);
  else
    ampel_buf_puts(b, ": nicht eingestuft");
  if (v->tip && v->tip[i] && *v->tip[i]) {
    ampel_buf_puts(b, " – ");
    ampel_buf_html(b, v->tip[i]);
  }
  ampel_buf_printf(b, "</title>\n<rect x=\"%.1f\" y=\"%.1f\" width=\"%d\" "
                      "height=\"%d\" rx=\"6\" fill=\"",
                   x, y, TILE, TILE);
  fill(b, l, v->k);
  ampel_buf_puts(b, "\" stroke=\"#555\" stroke-width=\"1\"/>\n");
  const char *col = ink(l, v->k);
  ampel_buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"34\" "
                      "font-weight=\"bold\" text-anchor=\"middle\" "
                      "fill=\"%s\">",
                   x + TILE / 2.0, y + 50, col);
  if (v->text && v->text[i])
    ampel_buf_html(b, v->text[i]);
  else if (l > 0)
    ampel_buf_printf(b, "%d", l);
  else
    ampel_buf_puts(b, "–");
  ampel_buf_puts(b, "</text>\n");
  tile_name(b, a->name, x + TILE / 2.0, y + 76, col);
  ampel_buf_puts(b, "</g>\n");
}

/* Legend: one swatch per level with its number (up to 12 levels), else
 * the two ends; names under the swatches when given. */
static int legend(ampel_buf *b, const ampel_tilemap_view *v, int y) {
  int k = v->k, step = k <= 12 ? 1 : k - 1, sw = 40, x = MARGIN;
  ampel_buf_printf(b, "<text x=\"%d\" y=\"%d\" font-size=\"13\" "
                      "font-weight=\"bold\">Legende</text>\n",
                   x, y);
  y += 10;
  for (int l = 1; l <= k; l += step) {
    ampel_buf_printf(b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"28\" "
                        "fill=\"",
                     x, y, sw);
    fill(b, l, k);
    ampel_buf_printf(b, "\" stroke=\"#555\"/><text x=\"%d\" y=\"%d\" "
                        "font-size=\"14\" font-weight=\"bold\" "
                        "text-anchor=\"middle\" fill=\"%s\">%d</text>\n",
                     x + sw / 2, y + 19, ink(l, k), l);
    if (v->level_names && v->level_names[l - 1]) {
      ampel_buf_printf(b, "<text x=\"%d\" y=\"%d\" font-size=\"11\" "
                          "text-anchor=\"middle\">",
                       x + sw / 2, y + 42);
      ampel_buf_html(b, v->level_names[l - 1]);
      ampel_buf_puts(b, "</text>\n");
    }
    x += v->level_names ? sw + 54 : sw + 4;
  }
  int ex = MARGIN;
  ampel_buf_printf(b, "<text x=\"%d\" y=\"%d\" font-size=\"12\">Stufe 1 = ", ex,
                   y + (v->level_names ? 62 : 46));
  ampel_buf_html(b, v->low_label ? v->low_label : "geringster Bedarf");
  ampel_buf_printf(b, ", Stufe %d = ", k);
  ampel_buf_html(b, v->high_label ? v->high_label : "höchster Bedarf");
  ampel_buf_printf(b, " (im Vergleich der Gebiete untereinander)</text>\n"
                      "<text x=\"%d\" y=\"%d\" font-size=\"12\">grau mit "
                      "„–“ = nicht eingestuft; Einzelheiten im Tooltip "
                      "jeder Kachel</text>\n",
                   ex, y + (v->level_names ? 78 : 62));
  return y + (v->level_names ? 86 : 70);
}

static void head(ampel_buf *b, const ampel_tilemap_view *v, int w, int h) {
  const char *title = v->title ? v->title : "Bedarfsstufen";
  ampel_buf_printf(b,
                   "<svg xmlns=\"http://www.w3.org/2000/svg\" "
                   "viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" "
                   "role=\"img\" aria-labelledby=\"t d\" "
                   "font-family=\"DejaVu Sans, Arial, sans-serif\">\n"
                   "<title id=\"t\">",
                   w, h, w, h);
  ampel_buf_html(b, title);
  ampel_buf_puts(b, "</title>\n<desc id=\"d\">Kachelkarte: jedes Gebiet ist "
                    "ein Quadrat an seiner ungefähren Lage; die Zahl im "
                    "Quadrat ist die Stufe, je dunkler, desto höher.");
  ampel_buf_puts(b, "</desc>\n<rect width=\"100%\" height=\"100%\" "
                    "fill=\"#ffffff\"/>\n<text x=\"24\" y=\"34\" "
                    "font-size=\"20\" font-weight=\"bold\">");
  ampel_buf_html(b, title);
  ampel_buf_puts(b, "</text>\n");
  int y = 60;
  for (const char *p = v->subtitle; p && *p; y += 18) {
    const char *nl = strchr(p, '\n');
    size_t len = nl ? (size_t)(nl - p) : strlen(p);
    ampel_buf_printf(b, "<text x=\"24\" y=\"%d\" font-size=\"13\" "
                        "fill=\"#333\">", y);
    ampel_buf_html_n(b, p, len);
    ampel_buf_puts(b, "</text>\n");
    p += len + (nl != NULL);
  }
}

static int subtitle_lines(const char *s) {
  int n = s && *s ? 1 : 0;
  for (; s && *s; s++)
    n += *s == '\n' && s[1];
  return n;
}

static void untiled(ampel_buf *b, const ampel_dataset *ds,
                    const ampel_tilemap_view *v, int y) {
  int first = 1;
  for (size_t i = 0; i < v->n; i++) {
    const ampel_area *a = ampel_dataset_area(ds, v->areas[i]);
    if (a->tile_row != AMPEL_NO_TILE)
      continue;
    if (first)
      ampel_buf_printf(b, "<text x=\"24\" y=\"%d\" font-size=\"12\">Ohne "
                          "Kachelposition, nicht gezeigt: ",
                       y);
    else
      ampel_buf_puts(b, ", ");
    ampel_buf_html(b, a->name);
    first = 0;
  }
  if (!first)
    ampel_buf_puts(b, "</text>\n");
}

ampel_status ampel_tilemap_render_svg(const ampel_dataset *ds,
                                      const ampel_tilemap_view *v,
                                      ampel_buf *out, ampel_diags *diags) {
  grid g = grid_of(ds, v);
  if (g.n_tiles == 0) {
    ampel_diags_error(diags, AMPEL_E_DATA,
                      "keine Kachelpositionen (Kachel_Zeile, Kachel_Spalte) "
                      "für diese Gebiete: eine SVG-Kachelkarte geht nicht, "
                      "bitte -o DATEI.csv");
    return AMPEL_E_DATA;
  }
  int map_h = g.rows * (TILE + GAP);
  int lw = v->k <= 12 ? v->k * (v->level_names ? 94 : 44) : 100;
  int w = MARGIN * 2 + g.cols * (TILE + GAP);
  if (w < lw + 2 * MARGIN)
    w = lw + 2 * MARGIN;
  if (w < 900)
    w = 900;
  int top = TOP + 18 * subtitle_lines(v->subtitle);
  int h = top + map_h + 30 + (v->level_names ? 86 : 70) + 30;
  head(out, v, w, h);
  for (size_t i = 0; i < v->n; i++)
    if (ampel_dataset_area(ds, v->areas[i])->tile_row != AMPEL_NO_TILE)
      tile(out, ds, v, &g, i, top);
  int y = legend(out, v, top + map_h + 20);
  untiled(out, ds, v, y + 6);
  ampel_buf_puts(out, "</svg>\n");
  return AMPEL_OK;
}
