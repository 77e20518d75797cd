/* report_lisa.c - the report's section "Räumliche Muster" (METHODS.md
 * §12, docs/berichte.md): a table of the global Moran's I of every
 * indicator and the cluster maps of the indicators with a significant
 * pattern, as `ampel lisa` draws them. Only when the level has shapes or
 * tile positions. */
#include <math.h>
#include <stdio.h>

#include "ampel/chart.h"
#include "ampel/format.h"
#include "report_internal.h"

#define COL_N 215.0 /* right edges of the number columns */
#define COL_I 265.0
#define COL_Z 305.0
#define COL_P 350.0
#define COL_M 366.0 /* left edge of the verdict */

static const char *verdict(const ampel_lisa_global *g, double alpha) {
  if (!g->ok)
    return "nicht berechenbar";
  if (!(g->p <= alpha))
    return "kein deutliches Muster";
  return g->moran_i > g->expected_i ? "Ähnliche liegen beieinander"
                                    : "Gegensätze liegen beieinander";
}

static void head_row(rp_ctx *c) {
  ampel_svg_rect(c->b, RP_ML, c->y, RP_CW, 14, "#e8eef4", NULL, 0, NULL);
  double ty = c->y + 10;
  rp_text(c->b, RP_ML + 4, ty, "Kennzahl", 7.5, 1, RP_INK, AMPEL_SVG_START);
  rp_text(c->b, RP_ML + COL_N, ty, "n", 7.5, 1, RP_INK, AMPEL_SVG_END);
  rp_text(c->b, RP_ML + COL_I, ty, "Moran's I", 7.5, 1, RP_INK, AMPEL_SVG_END);
  rp_text(c->b, RP_ML + COL_Z, ty, "z", 7.5, 1, RP_INK, AMPEL_SVG_END);
  rp_text(c->b, RP_ML + COL_P, ty, "p", 7.5, 1, RP_INK, AMPEL_SVG_END);
  rp_text(c->b, RP_ML + COL_M, ty, "Muster", 7.5, 1, RP_INK, AMPEL_SVG_START);
  c->y += 15;
}

static void global_row(rp_ctx *c, const ampel_lisa_global *g, double alpha) {
  const ampel_indicator *in = ampel_dataset_indicator(c->ds, g->ind);
  char name[200], n[32], mi[48], z[48], p[48];
  ampel_abbrev(in->name && *in->name ? in->name : in->key, 36, name,
               sizeof name);
  snprintf(n, sizeof n, "%zu", g->n);
  ampel_format_de(g->moran_i, 2, mi, sizeof mi);
  ampel_format_de(g->z, 1, z, sizeof z);
  if (isfinite(g->p))
    ampel_format_de(g->p, 3, p, sizeof p);
  else
    snprintf(p, sizeof p, "–");
  rp_need(c, 13);
  double ty = c->y + 9.5;
  rp_text(c->b, RP_ML + 4, ty, name, 8.5, 0, RP_INK, AMPEL_SVG_START);
  rp_text(c->b, RP_ML + COL_N, ty, n, 8.5, 0, RP_INK, AMPEL_SVG_END);
  rp_text(c->b, RP_ML + COL_I, ty, mi, 8.5, 1, RP_INK, AMPEL_SVG_END);
  rp_text(c->b, RP_ML + COL_Z, ty, z, 8.5, 0, RP_INK, AMPEL_SVG_END);
  rp_text(c->b, RP_ML + COL_P, ty, p, 8.5, 0, RP_INK, AMPEL_SVG_END);
  rp_text(c->b, RP_ML + COL_M, ty, verdict(g, alpha), 7.5, 0, RP_INK,
          AMPEL_SVG_START);
  ampel_svg_line(c->b, RP_ML, c->y + 13, RP_W - RP_ML, c->y + 13, RP_RULE, 0.5);
  c->y += 13;
}

static void cluster_map(rp_ctx *c, const ampel_lisa_answer *m, size_t i) {
  ampel_buf svg;
  ampel_buf_init(&svg);
  char prefix[32];
  snprintf(prefix, sizeof prefix, "lisa%zu-", i);
  if (ampel_lisa_write_svg(m, NULL, NULL, &svg) == AMPEL_OK && !svg.failed &&
      svg.data) {
    rp_need(c, 320);
    c->y += 6 + rp_embed_svg(c->b, svg.data, svg.len, RP_ML, c->y, RP_CW, 310,
                             prefix);
  } else if (svg.failed) {
    c->r->failed = 1;
  }
  ampel_buf_release(&svg);
}

void rp_lisa_section(rp_ctx *c) {
  const ampel_lisa_answer *l = &c->a->lisa;
  if (!c->a->lisa_ok)
    return;
  rp_numbered_section(c, "Räumliche Muster (LISA)");
  char text[1400], al[48];
  ampel_format_de(l->alpha, -1, al, sizeof al);
  snprintf(text, sizeof text,
           "Liegen hohe (oder niedrige) Werte nebeneinander? Moran's I misst "
           "das über alle Gebiete der Ebene %s: über 0 liegen ähnliche Werte "
           "beieinander, unter 0 gegensätzliche; ohne Muster ist I etwa "
           "−1/(n−1). Nachbarn sind Gebiete mit gemeinsamem Grenzpunkt%s. p "
           "stammt aus %zu zufälligen Vertauschungen der Werte (Startwert "
           "%llu), deutlich heißt p bis %s. Gebiete ohne Wert, mit zu "
           "wenigen Einwohnern, ohne Fläche oder ohne Nachbarn mit Wert "
           "zählen nicht (n).",
           l->sel.level,
           l->tiles ? " (hier Kacheln der Kachelkarte, eine Näherung: die "
                      "Ebene hat keine Flächen)"
                    : "",
           l->permutations, (unsigned long long)l->seed, al);
  rp_para(c, RP_ML, RP_CW, text, 9, 0, RP_INK);
  c->y += 6;
  head_row(c);
  for (size_t j = 0; j < l->sel.n_inds; j++)
    global_row(c, &l->glob[j], l->alpha);
  c->y += 10;
  if (c->a->n_lisa_maps == 0) {
    rp_para(c, RP_ML, RP_CW,
            "Keine Kennzahl zeigt ein deutliches Muster ähnlicher Werte; "
            "darum folgen keine Clusterkarten.",
            9, 0, RP_GREY);
    return;
  }
  rp_para(c, RP_ML, RP_CW,
          "Clusterkarten (lokales Moran's I) der Kennzahlen mit deutlichem "
          "Muster: Hot Spot = hoher Wert, Nachbarn hoch; Cold Spot = "
          "niedriger Wert, Nachbarn niedrig; Ausreißer = anders als die "
          "Nachbarn; grau = nicht deutlich; schraffiert = nicht berechnet.",
          9, 0, RP_INK);
  c->y += 4;
  for (size_t i = 0; i < c->a->n_lisa_maps; i++)
    cluster_map(c, &c->a->lisa_maps[i], i);
}
