/* Report sections: title page, heatmap, Ampel table, appendix
 * (report_internal.h; the profiles are in report_profile.c). */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ampel/alloc.h"
#include "ampel/heatmap.h"
#include "report_internal.h"

const char *rp_area_name(const ampel_dataset *ds, size_t area) {
  const ampel_area *a = ampel_dataset_area(ds, area);
  return a->name && *a->name ? a->name : a->key;
}

void rp_cell_text(const ampel_dataset *ds, size_t area, size_t ind,
                  size_t period, char *out, size_t size) {
  ampel_cell_ref c = ampel_dataset_get(ds, area, ind, period);
  if (!c.present) {
    snprintf(out, size, "–");
    return;
  }
  if (!ampel_flag_has_value(c.flag) || !isfinite(c.value)) {
    snprintf(out, size, "%s", ampel_flag_symbol(c.flag));
    return;
  }
  char num[64];
  ampel_format_de(c.value, ampel_dataset_indicator(ds, ind)->decimals, num,
                  sizeof num);
  if (c.flag == AMPEL_FLAG_LIMITED)
    snprintf(out, size, "(%s)", num);
  else
    snprintf(out, size, "%s", num);
}

/* ---- title page ---------------------------------------------------------- */

static void date_de(int64_t t, char *out, size_t size) {
  time_t tt = (time_t)t;
  struct tm tm;
  if (!gmtime_r(&tt, &tm) || !strftime(out, size, "%d.%m.%Y", &tm))
    snprintf(out, size, "–");
}

static double fact(ampel_buf *b, double y, const char *k, const char *v) {
  rp_text(b, RP_ML, y, k, 10, 0, RP_GREY, AMPEL_SVG_START);
  rp_text(b, RP_ML + 120, y, v, 10, 0, RP_INK, AMPEL_SVG_START);
  return y + 17;
}

static double title_facts(rp_ctx *c, double y) {
  char tmp[256], date[32];
  ampel_buf *b = c->b;
  y = fact(b, y, "Gebietsebene", c->sel.level);
  char st[96];
  y = fact(b, y, "Zeitraum",
           ampel_stand_label_de(c->ds, c->sel.period,
                                ampel_lights_periods_differ(&c->lights), st,
                                sizeof st));
  snprintf(tmp, sizeof tmp, "%zu Gebiete, %zu Kennzahlen", c->sel.n_areas,
           c->sel.n_inds);
  y = fact(b, y, "Umfang", tmp);
  date_de(c->o->created, date, sizeof date);
  y = fact(b, y, "Erstellt am", date);
  if (c->a->stamp && *c->a->stamp) {
    const char *s = c->a->stamp;
    if (strncmp(s, "Datenstand ", 11) == 0)
      s += 11;
    y = fact(b, y, "Datenstand", s);
  }
  return y;
}

static void title_toc(rp_ctx *c, double y) {
  ampel_buf *b = c->b;
  rp_text(b, RP_ML, y, "Inhalt", 13, 1, RP_ACCENT, AMPEL_SVG_START);
  y += 22;
  for (size_t i = 0; i < c->r->n_toc; i++) {
    char num[16];
    snprintf(num, sizeof num, "%zu", c->r->toc[i].page + 1);
    rp_text(b, RP_ML, y, c->r->toc[i].title, 10.5, 0, RP_INK, AMPEL_SVG_START);
    double tw = ampel_svg_text_width(c->r->toc[i].title, 10.5) * 0.9;
    ampel_buf_puts(b, "<line stroke-dasharray=\"1 3\"");
    ampel_buf_printf(b,
                     " x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                     "stroke=\"#9aa5b1\" stroke-width=\"0.8\"/>\n",
                     RP_ML + tw + 6, y, RP_W - RP_ML - 22, y);
    rp_text(b, RP_W - RP_ML, y, num, 10.5, 0, RP_INK, AMPEL_SVG_END);
    y += 19;
  }
}

void rp_title_page(rp_ctx *c) {
  ampel_buf *b = &c->r->pages[0].body;
  ampel_buf *keep = c->b;
  c->b = b;
  ampel_svg_rect(b, 0, 0, RP_W, 14, RP_ACCENT, NULL, 0, NULL);
  rp_text(b, RP_ML, 120, "Kommunales Bildungsmonitoring", 12, 0, RP_GREY,
          AMPEL_SVG_START);
  double y = 160;
  ampel_svg_text_opts to = {26, RP_ACCENT, 1, AMPEL_SVG_START, 0, NULL};
  y += 30 *
       (double)ampel_svg_text_wrapped(b, RP_ML, y, c->r->title, 32, 30, &to);
  char sub[256];
  char st[96];
  snprintf(sub, sizeof sub, "Ampelbericht %s – %s%s", c->sel.level,
           ampel_lights_periods_differ(&c->lights) ? "" : "Stand ",
           ampel_stand_label_de(c->ds, c->sel.period,
                                ampel_lights_periods_differ(&c->lights), st,
                                sizeof st));
  rp_text(b, RP_ML, y + 4, sub, 15, 0, RP_INK, AMPEL_SVG_START);
  ampel_svg_line(b, RP_ML, y + 24, RP_W - RP_ML, y + 24, RP_ACCENT, 1.2);
  y = title_facts(c, y + 52);
  title_toc(c, y + 40);
  ampel_svg_text_opts no = {9, RP_GREY, 0, AMPEL_SVG_START, 0, NULL};
  ampel_svg_text_wrapped(
      b, RP_ML, RP_H - 150,
      "Dieser Bericht wurde mit ampel aus den gespeicherten Daten erzeugt. "
      "Werte unter der Geheimhaltungsgrenze sind durch einen Punkt (.) "
      "ersetzt; die Methoden und Quellen stehen im Anhang.",
      95, 12, &no);
  c->b = keep;
}

/* ---- heatmap --------------------------------------------------------------
 */

void rp_heatmap_section(rp_ctx *c) {
  rp_numbered_section(c, "Überblick: Heatmap");
  rp_para(c, RP_ML, RP_CW,
          "Die Heatmap zeigt alle Gebiete und Kennzahlen auf einen Blick. "
          "Jede Kennzahl ist auf den Bereich 0 bis 1 skaliert (1 = günstig); "
          "ähnliche Gebiete und ähnliche Kennzahlen stehen nebeneinander "
          "(hierarchische Clusteranalyse nach dem Gelsenkirchener Verfahren).",
          9.5, 0, RP_INK);
  c->y += 6;
  const ampel_heatmap_answer *h = &c->a->heatmap;
  if (!c->a->heatmap_ok) {
    rp_para(c, RP_ML, RP_CW, c->a->heatmap_why, 9.5, 0, RP_GREY);
    return;
  }
  ampel_buf svg;
  ampel_buf_init(&svg);
  ampel_heatmap_render_opts ro = {NULL, NULL, h->reason_de};
  ampel_heatmap_write_svg(&h->hm, h->ds, &ro, &svg);
  if (!svg.failed && svg.data)
    c->y += rp_embed_svg(c->b, svg.data, svg.len, RP_ML, c->y, RP_CW,
                         RP_LIMIT - c->y, "hm-");
  ampel_buf_release(&svg);
}

/* ---- the Ampel table ----------------------------------------------------- */

/* One block of the table: columns [j0, j1) of the selection (at most
 * LT_MAX_COLS, so that values stay readable with many indicators). */
#define LT_MAX_COLS 8

typedef struct lt_geo {
  double name_w, col_w, head_h, row_h;
  size_t head_lines;
  size_t j0, j1;
} lt_geo;

static const char *trend_arrow(ampel_trend t) {
  switch (t) {
  case AMPEL_TREND_BETTER: return " \xe2\x86\x97"; /* ↗ */
  case AMPEL_TREND_WORSE: return " \xe2\x86\x98";  /* ↘ */
  case AMPEL_TREND_STABLE: return " \xe2\x86\x92"; /* → */
  case AMPEL_TREND_UP: return " \xe2\x86\x91";     /* ↑ neutral */
  case AMPEL_TREND_DOWN: return " \xe2\x86\x93";   /* ↓ neutral */
  case AMPEL_TREND_SAME: return " =";
  default: return "";
  }
}

static ampel_rgb status_rgb(ampel_light l) {
  const ampel_palette *p = ampel_palette_default();
  switch (l) {
  case AMPEL_LIGHT_GOOD: return p->good;
  case AMPEL_LIGHT_AVERAGE: return p->average;
  case AMPEL_LIGHT_CRITICAL: return p->critical;
  default: return (ampel_rgb){0xee, 0xee, 0xee};
  }
}

typedef struct head_ud {
  ampel_buf *b;
  double x, y;
  size_t n, max;
} head_ud;

static void head_line(void *ud, const char *s, size_t len) {
  head_ud *h = ud;
  if (h->n++ >= h->max)
    return;
  char tmp[256];
  if (len >= sizeof tmp)
    len = sizeof tmp - 1;
  memcpy(tmp, s, len);
  tmp[len] = '\0';
  rp_text(h->b, h->x, h->y, tmp, 7, 1, RP_INK, AMPEL_SVG_MIDDLE);
  h->y += 8.5;
}

static void lt_header(rp_ctx *c, const lt_geo *g) {
  double y0 = c->y;
  ampel_svg_rect(c->b, RP_ML, y0,
                 g->name_w + g->col_w * (double)(g->j1 - g->j0), g->head_h,
                 "#e8eef4", NULL, 0, NULL);
  rp_text(c->b, RP_ML + 4, y0 + g->head_h - 6, "Gebiet", 7.5, 1, RP_INK,
          AMPEL_SVG_START);
  size_t mc = (size_t)(g->col_w / (7 * 0.56));
  for (size_t j = g->j0; j < g->j1; j++) {
    const ampel_indicator *ind = ampel_dataset_indicator(c->ds, c->sel.inds[j]);
    head_ud h = {c->b,
                 RP_ML + g->name_w + g->col_w * ((double)(j - g->j0) + 0.5),
                 y0 + 10, 0, g->head_lines};
    ampel_wrap(ind->name, mc, head_line, &h);
  }
  c->y += g->head_h;
}

static void lt_cell(rp_ctx *c, const lt_geo *g, size_t r, size_t j, double x,
                    double y) {
  size_t area = c->lights.area_ids[r], ind = c->sel.inds[j];
  const ampel_lights_cell *e = ampel_lights_at(&c->lights, r, j);
  int small = c->a->lights.reason[r] == AMPEL_REASON_SMALL;
  ampel_rgb bg = status_rgb(e->status);
  if (e->certain == AMPEL_CERTAIN_NO)
    bg = ampel_rgb_mix(bg, (ampel_rgb){255, 255, 255}, 0.55);
  char hex[8], txt[96], val[64];
  ampel_rgb_hex(bg, hex);
  ampel_svg_rect(c->b, x + 1, y + 1, g->col_w - 2, g->row_h - 2, hex, NULL, 0,
                 ampel_light_label_de(e->status));
  rp_cell_text(c->ds, area, ind, ampel_selection_period(&c->sel, j), val,
               sizeof val);
  snprintf(txt, sizeof txt, "%s%s%s", val, small ? "\xc2\xb9" : "",
           trend_arrow(e->trend));
  ampel_rgb fg = ampel_rgb_text_on(bg);
  ampel_rgb_hex(fg, hex);
  rp_text(c->b, x + g->col_w / 2, y + g->row_h - 4.2, txt, 7.5, 0, hex,
          AMPEL_SVG_MIDDLE);
}

static void lt_row(rp_ctx *c, const lt_geo *g, size_t pos) {
  size_t r = c->order[pos];
  char name[128];
  ampel_abbrev(rp_area_name(c->ds, c->lights.area_ids[r]),
               (size_t)(g->name_w / (7.5 * 0.5)), name, sizeof name);
  if (pos % 2)
    ampel_svg_rect(c->b, RP_ML, c->y, g->name_w, g->row_h, "#f5f7f9", NULL, 0,
                   NULL);
  rp_text(c->b, RP_ML + 4, c->y + g->row_h - 4.2, name, 7.5, 0, RP_INK,
          AMPEL_SVG_START);
  for (size_t j = g->j0; j < g->j1; j++)
    lt_cell(c, g, r, j, RP_ML + g->name_w + g->col_w * (double)(j - g->j0),
            c->y);
  c->y += g->row_h;
}

static void lt_legend(rp_ctx *c) {
  static const ampel_light ls[] = {AMPEL_LIGHT_GOOD, AMPEL_LIGHT_AVERAGE,
                                   AMPEL_LIGHT_CRITICAL, AMPEL_LIGHT_NONE};
  rp_need(c, 40);
  double x = RP_ML, y = c->y + 8;
  for (size_t i = 0; i < 4; i++) {
    char hex[8];
    ampel_rgb_hex(status_rgb(ls[i]), hex);
    ampel_svg_rect(c->b, x, y, 14, 10, hex, "#999999", 0.4, NULL);
    const char *t = ampel_light_label_de(ls[i]);
    rp_text(c->b, x + 18, y + 8, t, 7.5, 0, RP_INK, AMPEL_SVG_START);
    x += 30 + ampel_svg_text_width(t, 7.5);
  }
  c->y = y + 16;
  rp_para(c, RP_ML, RP_CW,
          "Entwicklung seit dem vorigen Zeitpunkt: \xe2\x86\x97 besser, "
          "\xe2\x86\x92 stabil, \xe2\x86\x98 schlechter. Hellere Farbe: "
          "unsicher (das 95-%-Intervall der Quote enthält den Referenzwert).",
          7.5, 0, RP_GREY);
}

/* The list names the most striking areas only, as the dashboard does:
 * with many indicators nearly every area has some critical value, and a
 * list of everyone points nowhere (issue 13). */
#define RP_HINSEHEN_MAX 10

static void lt_hinsehen(rp_ctx *c) {
  c->y += 6;
  rp_heading(c, "Hinsehen", 12);
  rp_para(c, RP_ML, RP_CW,
          "Gebiete mit kritischen Werten oder Verschlechterungen, die "
          "auffälligsten zuerst:",
          9, 0, RP_INK);
  ampel_buf t;
  ampel_buf_init(&t);
  size_t shown = 0, more = 0;
  for (size_t i = 0; i < c->lights.n_areas; i++) {
    t.len = 0;
    ampel_lights_hinsehen_line(&c->lights, c->ds, c->order[i], &t);
    if (!t.len || t.failed)
      continue;
    if (shown == RP_HINSEHEN_MAX) {
      more++;
      continue;
    }
    char num[16];
    snprintf(num, sizeof num, "%zu.", ++shown);
    rp_need(c, 13);
    rp_text(c->b, RP_ML + 14, c->y + 9, num, 9, 0, RP_INK, AMPEL_SVG_END);
    rp_para(c, RP_ML + 20, RP_CW - 20, t.data, 9, 0, RP_INK);
  }
  if (more) {
    char m[200];
    snprintf(m, sizeof m,
             "\xe2\x80\xa6 und %zu weitere Gebiete mit einem kritischen Wert "
             "oder einer Verschlechterung (siehe Tabelle).",
             more);
    rp_para(c, RP_ML + 20, RP_CW - 20, m, 9, 0, RP_GREY);
  }
  if (!shown)
    rp_para(c, RP_ML, RP_CW,
            "Kein Gebiet hat einen kritischen Wert oder "
            "eine Verschlechterung.",
            9, 0, RP_INK);
  ampel_buf_release(&t);
}

static const char *lt_footnote =
    "Zeichen: . unterdrückt (Geheimhaltung) oder geheim; – kein Wert; "
    "x nicht sinnvoll; / nicht sicher genug; () eingeschränkt aussagefähig; "
    "\xc2\xb9 zu wenige Einwohner (gezeigt, nicht bewertet).";

/* The table for columns [j0, j1): header, rows, continued on new pages
 * with the header repeated. */
static void lt_block(rp_ctx *c, size_t j0, size_t j1) {
  lt_geo g;
  g.j0 = j0;
  g.j1 = j1;
  g.name_w = 130;
  g.col_w = fmin(80, (RP_CW - g.name_w) / (double)(j1 - j0));
  g.row_h = 15;
  size_t need = 1;
  for (size_t j = j0; j < j1; j++) {
    size_t n = ampel_wrap(ampel_dataset_indicator(c->ds, c->sel.inds[j])->name,
                          (size_t)(g.col_w / (7 * 0.56)), NULL, NULL);
    need = n > need ? n : need;
  }
  g.head_lines = need < 5 ? need : 5;
  g.head_h = 8.5 * (double)g.head_lines + 8;
  rp_need(c, g.head_h + 3 * g.row_h);
  lt_header(c, &g);
  for (size_t pos = 0; pos < c->lights.n_areas; pos++) {
    if (c->y + g.row_h > RP_LIMIT) {
      rp_new_page(c);
      rp_set_footnote(c, lt_footnote);
      lt_header(c, &g);
    }
    lt_row(c, &g, pos);
  }
}

void rp_lights_section(rp_ctx *c) {
  rp_numbered_section(c, "Ampel und Hinsehen");
  char tmp[512];
  snprintf(tmp, sizeof tmp,
           "Jeder Wert wird mit dem Referenzwert der Gesamtstadt verglichen: "
           "grün/blau liegt mindestens %s Standardabweichungen auf der "
           "günstigen Seite, rot/braun ebenso weit auf der ungünstigen. "
           "Gebiete mit den meisten kritischen Werten stehen oben.",
           c->lights.band == 0.5 ? "0,5" : "der Bandbreite entsprechend");
  rp_para(c, RP_ML, RP_CW, tmp, 9, 0, RP_INK);
  c->y += 6;
  rp_set_footnote(c, lt_footnote);
  for (size_t j0 = 0; j0 < c->sel.n_inds; j0 += LT_MAX_COLS) {
    size_t j1 =
        j0 + LT_MAX_COLS < c->sel.n_inds ? j0 + LT_MAX_COLS : c->sel.n_inds;
    lt_block(c, j0, j1);
    c->y += 10;
  }
  lt_legend(c);
  lt_hinsehen(c);
}

/* ---- appendix --------------------------------------------------------------
 */

static void meta_row(rp_ctx *c, const char *k, const char *v) {
  if (!v || !*v)
    return;
  size_t n = rp_lines(v, RP_CW - 95, 8.5);
  rp_need(c, 11.7 * (double)(n < 3 ? n : 3));
  rp_text(c->b, RP_ML + 8, c->y + 8.5, k, 8.5, 0, RP_GREY, AMPEL_SVG_START);
  rp_para(c, RP_ML + 95, RP_CW - 95, v, 8.5, 0, RP_INK);
}

static void indicator_meta(rp_ctx *c, size_t id) {
  const ampel_indicator *ind = ampel_dataset_indicator(c->ds, id);
  rp_need(c, 60);
  c->y += 5;
  rp_para(c, RP_ML, RP_CW, ind->name, 10, 1, RP_INK);
  char pol[64];
  snprintf(pol, sizeof pol, "%s",
           ind->polarity == AMPEL_POL_HIGHER_IS_BETTER  ? "hoch ist gut"
           : ind->polarity == AMPEL_POL_HIGHER_IS_WORSE ? "hoch ist schlecht"
                                                        : "neutral (ohne "
                                                          "Ampelfarbe)");
  meta_row(c, "Schlüssel", ind->key);
  meta_row(c, "Definition", ind->definition);
  meta_row(c, "Einheit", ind->unit);
  meta_row(c, "Richtung", pol);
  meta_row(c, "Handlungsfeld", ind->domain);
  meta_row(c, "Quelle", ind->source);
  meta_row(c, "Stichtag", ind->reference_date);
  if (c->a->is_count[id])
    meta_row(c, "Geheimhaltung",
             "Fallzahl: Werte unter der Grenze werden "
             "unterdrückt.");
}

static const char *const methods_de[] = {
    "Referenzwert (Gesamtstadt)",
    "Verglichen wird mit dem Wert der Gesamtstadt, wenn die Daten ihn "
    "enthalten; sonst bei Quoten mit Zähler und Nenner mit der Summe der "
    "Zähler geteilt durch die Summe der Nenner, sonst mit dem ungewichteten "
    "Mittelwert der Gebiete.",
    "Heatmap (Gelsenkirchener Verfahren)",
    "Jede Kennzahl wird über die Gebiete auf 0 bis 1 skaliert "
    "(Minimum bis Maximum; bei „hoch ist schlecht“ umgedreht, so dass 1 "
    "immer günstig ist). Gebiete und Kennzahlen werden hierarchisch "
    "geclustert (euklidische Distanz, vollständige Verknüpfung); ähnliche "
    "Gebiete stehen nebeneinander.",
    "Ampel (Status)",
    "Für jedes Gebiet wird der Abstand zum Referenzwert in "
    "Standardabweichungen der Gebietswerte gemessen und nach der Richtung "
    "der Kennzahl ausgerichtet. Ab +0,5 gilt der Wert als gut, ab −0,5 als "
    "kritisch, dazwischen als durchschnittlich. Bei weniger als drei "
    "Gebieten oder ohne Streuung bleibt die Zelle ohne Bewertung; neutrale "
    "Kennzahlen erhalten keine Farbe.",
    "Entwicklung (Trend)",
    "Die Veränderung seit dem letzten früheren Zeitpunkt wird mit der "
    "Veränderung der Gesamtstadt verglichen, ebenfalls in "
    "Standardabweichungen (besser, stabil, schlechter).",
    "Unsicherheit",
    "Bei Quoten mit Zähler und Nenner wird ein 95-%-Intervall (Wilson) "
    "berechnet. Enthält es den Referenzwert, ist die Einstufung unsicher; "
    "sie wird heller gezeigt, aber nicht verborgen.",
    "Rang",
    "Rang 1 ist der günstigste Wert unter den bewerteten Gebieten der "
    "Ebene; bei neutralen Kennzahlen der höchste Wert. Gleiche Werte "
    "teilen sich den Rang.",
    NULL};

static void disclosure_text(rp_ctx *c) {
  const ampel_disclosure_opts *d = &c->a->disclosure;
  char tmp[1024], pop[48];
  ampel_format_de(d->min_population, 0, pop, sizeof pop);
  if (d->min_count > 1)
    snprintf(tmp, sizeof tmp,
             "Fallzahlen von 1 bis %ld und Quoten, deren Zähler unter %ld "
             "liegt, werden durch einen Punkt (.) ersetzt (primäre "
             "Geheimhaltung; in diesem Bericht %zu Werte). %s Als Fallzahl "
             "gilt eine Kennzahl, deren Einheit eine Zählung nennt (z. B. "
             "Anzahl, Personen, Schüler, Kinder).",
             d->min_count - 1, d->min_count, c->a->suppressed.primary,
             d->secondary
                 ? "Ist ein Wert die Summe seiner Teilgebiete und nur ein "
                   "Teilgebiet gesperrt, wird zusätzlich das kleinste andere "
                   "gesperrt (sekundäre Geheimhaltung)."
                 : "Eine sekundäre Geheimhaltung ist ausgeschaltet.");
  else
    snprintf(tmp, sizeof tmp,
             "Für diesen Bericht ist keine "
             "Geheimhaltungsgrenze eingestellt.");
  rp_para(c, RP_ML, RP_CW, tmp, 9, 0, RP_INK);
  if (d->secondary && d->min_count > 1) {
    snprintf(tmp, sizeof tmp, "Sekundär gesperrt: %zu Werte.",
             c->a->suppressed.secondary);
    rp_para(c, RP_ML, RP_CW, tmp, 9, 0, RP_INK);
  }
  if (d->min_population > 0) {
    snprintf(tmp, sizeof tmp,
             "Gebiete mit weniger als %s Einwohnern werden gezeigt, aber "
             "nicht bewertet (Zeichen \xc2\xb9, „zu wenige Einwohner“).",
             pop);
    rp_para(c, RP_ML, RP_CW, tmp, 9, 0, RP_INK);
  }
}

static void symbols(rp_ctx *c) {
  for (int f = AMPEL_FLAG_SECRET; f < AMPEL_FLAG_COUNT_; f++) {
    rp_need(c, 13);
    rp_text(c->b, RP_ML + 8, c->y + 9, ampel_flag_symbol((ampel_flag)f), 9, 1,
            RP_INK, AMPEL_SVG_START);
    rp_text(c->b, RP_ML + 40, c->y + 9, ampel_flag_label_de((ampel_flag)f), 9,
            0, RP_INK, AMPEL_SVG_START);
    c->y += 13;
  }
  rp_need(c, 13);
  rp_text(c->b, RP_ML + 8, c->y + 9, "–", 9, 1, RP_INK, AMPEL_SVG_START);
  rp_text(c->b, RP_ML + 40, c->y + 9, "kein Wert vorhanden (in Tabellen)", 9, 0,
          RP_INK, AMPEL_SVG_START);
  c->y += 13;
}

const char *const *ampel_methods_summary_de(void) {
  return methods_de;
}

void rp_appendix(rp_ctx *c) {
  rp_section(c, "Anhang A: Kennzahlen und Quellen");
  for (size_t j = 0; j < c->sel.n_inds; j++)
    indicator_meta(c, c->sel.inds[j]);
  rp_section(c, "Anhang B: Methoden, Zeichen, Geheimhaltung");
  for (size_t i = 0; methods_de[i]; i += 2) {
    rp_need(c, 40);
    c->y += 3;
    rp_para(c, RP_ML, RP_CW, methods_de[i], 10, 1, RP_INK);
    rp_para(c, RP_ML, RP_CW, methods_de[i + 1], 9, 0, RP_INK);
  }
  c->y += 6;
  rp_heading(c, "Zeichenerklärung", 12);
  symbols(c);
  c->y += 6;
  rp_heading(c, "Geheimhaltung", 12);
  disclosure_text(c);
}
