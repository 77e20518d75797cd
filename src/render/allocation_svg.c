/* Bar chart of an allocation (need.h, METHODS.md §6): one horizontal bar
 * per area, largest first, split into base part (light) and need part
 * (dark blue); the difference in lightness carries the meaning, so it also
 * reads in grey and for every kind of colour blindness. Amounts are written
 * at each bar in German number format; every bar has a <title>. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ampel/alloc.h"
#include "ampel/format.h"
#include "ampel/need.h"

#define W 1120
#define LABEL_W 330
#define NEED_X 378
#define WEIGHT_X 480
#define BAR_X 500
#define BAR_W 470
#define ROW_H 22
#define C_BASE "#c6dbef"
#define C_NEED "#08519c"
#define C_LINE "#08306b"

static void amount(ampel_buf *b, double v, const char *unit) {
  char s[80];
  ampel_format_amount_de(v, s, sizeof s);
  ampel_buf_puts(b, s);
  if (unit && *unit) {
    ampel_buf_puts(b, "\xc2\xa0"); /* no-break space */
    ampel_buf_html(b, unit);
  }
}

/* Text cut to at most max characters (UTF-8 aware), with "…". */
static void short_text(ampel_buf *b, const char *s, size_t max) {
  size_t chars = 0, i = 0;
  for (; s[i]; i++) {
    if (((unsigned char)s[i] & 0xC0) != 0x80 && ++chars > max)
      break;
  }
  if (!s[i]) {
    ampel_buf_html(b, s);
    return;
  }
  size_t cut = i;
  while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
    cut--;
  /* one character less, to make room for the ellipsis */
  while (cut > 0 && ((unsigned char)s[--cut] & 0xC0) == 0x80)
    ;
  ampel_buf_html_n(b, s, cut);
  ampel_buf_puts(b, "…");
}

typedef struct sort_ctx {
  const ampel_allocation_view *v;
  size_t *order; /* view rows that are used */
  size_t n;
} sort_ctx;

static const ampel_allocation_area *row_area(const ampel_allocation_view *v,
                                             size_t i) {
  return &v->result->areas[v->row[i]];
}

/* Insertion sort by allocation descending, then view order (n is small:
 * areas of one level). */
static void sort_rows(sort_ctx *c) {
  for (size_t i = 1; i < c->n; i++) {
    size_t x = c->order[i], j = i;
    double ax = row_area(c->v, x)->allocation;
    while (j > 0 && row_area(c->v, c->order[j - 1])->allocation < ax) {
      c->order[j] = c->order[j - 1];
      j--;
    }
    c->order[j] = x;
  }
}

static int note_lines(const char *s) {
  int n = s && *s ? 1 : 0;
  for (; s && *s; s++)
    n += *s == '\n' && s[1];
  return n;
}

static void header(ampel_buf *b, const ampel_allocation_view *v, int h,
                   size_t n) {
  const char *title = v->title ? v->title : "Verteilung nach Bedarf";
  ampel_buf_printf(b,
                   "<svg xmlns=\"http://www.w3.org/2000/svg\" "
                   "viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" "
                   "role=\"img\" aria-labelledby=\"t d\" "
                   "font-family=\"DejaVu Sans, Arial, sans-serif\">\n",
                   W, h, W, h);
  ampel_buf_puts(b, "<title id=\"t\">");
  ampel_buf_html(b, title);
  ampel_buf_puts(b, "</title>\n<desc id=\"d\">Balkendiagramm: ");
  ampel_buf_printf(b, "%zu Gebiete, Betrag je Gebiet als Balken, ", n);
  ampel_buf_puts(b, "geteilt in Sockelbetrag (hell) und Bedarfsanteil "
                    "(dunkel), der größte Betrag oben. Summe ");
  amount(b, v->result->budget, v->amount_label);
  ampel_buf_puts(b, ".</desc>\n<rect width=\"100%\" height=\"100%\" "
                    "fill=\"#ffffff\"/>\n");
  ampel_buf_puts(b, "<text x=\"20\" y=\"32\" font-size=\"20\" "
                    "font-weight=\"bold\" fill=\"#111\">");
  ampel_buf_html(b, title);
  ampel_buf_puts(b, "</text>\n");
  int y = 56;
  for (const char *p = v->note; p && *p; y += 18) {
    const char *nl = strchr(p, '\n');
    size_t len = nl ? (size_t)(nl - p) : strlen(p);
    ampel_buf_printf(b, "<text x=\"20\" y=\"%d\" font-size=\"13\" "
                        "fill=\"#333\">", y);
    ampel_buf_html_n(b, p, len);
    ampel_buf_puts(b, "</text>\n");
    p += len + (nl != NULL);
  }
}

static void legend(ampel_buf *b, const ampel_allocation_view *v, int y) {
  char pct[32];
  ampel_format_amount_de(round(v->base_share * 1000) / 10, pct, sizeof pct);
  ampel_buf_printf(b,
                   "<rect x=\"20\" y=\"%d\" width=\"18\" height=\"14\" "
                   "fill=\"%s\" stroke=\"%s\" stroke-width=\"0.8\"/>\n"
                   "<text x=\"44\" y=\"%d\" font-size=\"13\">Sockelbetrag "
                   "(%s %% des Budgets, nach Gewicht)</text>\n",
                   y, C_BASE, C_LINE, y + 12, pct);
  ampel_format_amount_de(round((1 - v->base_share) * 1000) / 10, pct, sizeof pct);
  ampel_buf_printf(b,
                   "<rect x=\"420\" y=\"%d\" width=\"18\" height=\"14\" "
                   "fill=\"%s\"/>\n"
                   "<text x=\"444\" y=\"%d\" font-size=\"13\">Bedarfsanteil "
                   "(%s %% des Budgets, nach Bedarf × Gewicht)</text>\n",
                   y, C_NEED, y + 12, pct);
  ampel_buf_printf(b, "<text x=\"%d\" y=\"%d\" font-size=\"12\" "
                      "font-weight=\"bold\" text-anchor=\"middle\">",
                   NEED_X, y + 46);
  ampel_buf_html(b, v->need_header ? v->need_header : "Bedarf");
  ampel_buf_printf(b, "</text><text x=\"%d\" y=\"%d\" font-size=\"12\" "
                      "font-weight=\"bold\" text-anchor=\"end\">",
                   WEIGHT_X, y + 46);
  ampel_buf_html(b, v->weight_header ? v->weight_header : "Gewicht");
  ampel_buf_printf(b, "</text><text x=\"%d\" y=\"%d\" font-size=\"12\" "
                      "font-weight=\"bold\">Betrag (gerundet; alle zusammen "
                      "genau das Budget)</text>\n",
                   BAR_X, y + 46);
}

static void bar_title(ampel_buf *b, const ampel_allocation_view *v,
                      size_t i) {
  const ampel_allocation_area *a = row_area(v, i);
  ampel_buf_puts(b, "<title>");
  ampel_buf_html(b, v->names[i]);
  ampel_buf_puts(b, ": ");
  amount(b, a->allocation, v->amount_label);
  ampel_buf_puts(b, " (Sockel ");
  amount(b, round(a->base_part), v->amount_label);
  ampel_buf_puts(b, ", Bedarfsanteil ");
  amount(b, round(a->need_part), v->amount_label);
  ampel_buf_puts(b, "; Gewicht ");
  amount(b, a->weight, "");
  ampel_buf_puts(b, ", Bedarf ");
  char s[80];
  ampel_format_amount_de(round(a->need * 100) / 100, s, sizeof s);
  ampel_buf_puts(b, s);
  if (a->bound < 0)
    ampel_buf_puts(b, "; auf den Mindestbetrag angehoben");
  else if (a->bound > 0)
    ampel_buf_puts(b, "; auf den Höchstbetrag begrenzt");
  ampel_buf_printf(b, "; Anteil %.2f %%)</title>", a->share * 100);
}

static void bar(ampel_buf *b, const ampel_allocation_view *v, size_t i,
                double max, int y) {
  const ampel_allocation_area *a = row_area(v, i);
  double len = max > 0 ? BAR_W * a->allocation / max : 0;
  double parts = a->base_part + a->need_part;
  double base = parts > 0 ? len * a->base_part / parts : 0;
  ampel_buf_puts(b, "<g>");
  bar_title(b, v, i);
  ampel_buf_printf(b, "\n<text x=\"%d\" y=\"%d\" font-size=\"13\" "
                      "text-anchor=\"end\">",
                   LABEL_W, y + 15);
  short_text(b, v->names[i], 44);
  char s[80];
  ampel_format_amount_de(round(a->need * 100) / 100, s, sizeof s);
  ampel_buf_printf(b, "</text>\n<text x=\"%d\" y=\"%d\" font-size=\"13\" "
                      "text-anchor=\"middle\">%s</text>",
                   NEED_X, y + 15, s);
  ampel_format_amount_de(a->weight, s, sizeof s);
  ampel_buf_printf(b, "<text x=\"%d\" y=\"%d\" font-size=\"13\" "
                      "text-anchor=\"end\">%s</text>\n",
                   WEIGHT_X, y + 15, s);
  ampel_buf_printf(b,
                   "<rect x=\"%d\" y=\"%d\" width=\"%.2f\" height=\"16\" "
                   "fill=\"%s\" stroke=\"%s\" stroke-width=\"0.8\"/>\n",
                   BAR_X, y + 3, base, C_BASE, C_LINE);
  ampel_buf_printf(b,
                   "<rect x=\"%.2f\" y=\"%d\" width=\"%.2f\" height=\"16\" "
                   "fill=\"%s\"/>\n",
                   BAR_X + base, y + 3, len - base, C_NEED);
  ampel_buf_printf(b, "<text x=\"%.2f\" y=\"%d\" font-size=\"13\">",
                   BAR_X + len + 6, y + 15);
  amount(b, a->allocation, v->amount_label);
  ampel_buf_puts(b, "</text></g>\n");
}

/* Lines of at most ~110 characters listing the rows without need. */
static int excluded(ampel_buf *b, const ampel_allocation_view *v, int y,
                    int draw) {
  size_t n_ex = 0, line_chars = 0;
  int lines = 0;
  for (size_t i = 0; i < v->n; i++)
    n_ex += !v->used[i];
  if (!n_ex)
    return 0;
  if (draw)
    ampel_buf_printf(b, "<text x=\"20\" y=\"%d\" font-size=\"12\" "
                        "fill=\"#333\">Ohne Betrag (%zu; das Budget geht "
                        "an die übrigen Gebiete):</text>\n",
                     y, n_ex);
  lines++;
  for (size_t i = 0; i < v->n; i++) {
    if (v->used[i])
      continue;
    const char *why = v->why && v->why[i] && *v->why[i] ? v->why[i] : NULL;
    size_t len = strlen(v->names[i]) + 2 + (why ? strlen(why) + 3 : 0);
    if (line_chars == 0 || line_chars + len > 110) {
      if (draw && line_chars)
        ampel_buf_puts(b, "</text>\n");
      if (draw)
        ampel_buf_printf(b, "<text x=\"20\" y=\"%d\" font-size=\"12\" "
                            "fill=\"#333\">",
                         y + 16 * lines);
      lines++;
      line_chars = 0;
    } else if (draw) {
      ampel_buf_puts(b, ", ");
    }
    if (draw) {
      ampel_buf_html(b, v->names[i]);
      if (why) {
        ampel_buf_puts(b, " (");
        ampel_buf_html(b, why);
        ampel_buf_puts(b, ")");
      }
    }
    line_chars += len;
  }
  if (draw)
    ampel_buf_puts(b, "</text>\n");
  return lines * 16 + 8;
}

void ampel_allocation_render_svg(const ampel_allocation_view *v,
                                 ampel_buf *out) {
  sort_ctx c = {v, ampel_calloc(v->n + 1, sizeof(size_t)), 0};
  if (!c.order) {
    out->failed = 1;
    return;
  }
  double max = 0;
  for (size_t i = 0; i < v->n; i++)
    if (v->used[i]) {
      c.order[c.n++] = i;
      max = fmax(max, row_area(v, i)->allocation);
    }
  sort_rows(&c);
  int leg = 56 + 18 * note_lines(v->note);
  int top = leg + 54;
  int y_end = top + (int)c.n * ROW_H + 16;
  int h = y_end + 28 + excluded(out, v, 0, 0);
  header(out, v, h, c.n);
  legend(out, v, leg);
  for (size_t k = 0; k < c.n; k++)
    bar(out, v, c.order[k], max, top + (int)k * ROW_H);
  ampel_buf_printf(out, "<text x=\"%d\" y=\"%d\" font-size=\"13\" "
                        "font-weight=\"bold\" text-anchor=\"end\">Summe: ",
                   LABEL_W, y_end + 4);
  amount(out, v->result->budget, v->amount_label);
  ampel_buf_printf(out, " für %zu Gebiete</text>\n", c.n);
  excluded(out, v, y_end + 28, 1);
  ampel_buf_puts(out, "</svg>\n");
  ampel_free(c.order);
}
