/* model/results.c - accessors on results and data that renderers use:
 * a cell of the Ampel table, the counts of a row, the class of a value,
 * whether a value is there, whether an indicator is a count. Reading, not
 * deciding: the methods that fill these structs stay in compute. The
 * declarations stay in the headers of their topics (lights.h, classify.h,
 * select.h, disclosure.h). */
#include <math.h>
#include <stddef.h>
#include <string.h>

#include "ampel/classify.h"
#include "ampel/disclosure.h"
#include "ampel/lights.h"
#include "ampel/select.h"

/* ---- Ampel table (lights.h) ---- */

const ampel_lights_cell *ampel_lights_at(const ampel_lights *l, size_t r,
                                         size_t c) {
  return &l->cells[r * l->n_cols + c];
}

void ampel_lights_counts(const ampel_lights *l, size_t r,
                         size_t *out_critical, size_t *out_worse) {
  size_t nc = 0, nw = 0;
  for (size_t j = 0; j < l->n_cols; j++) {
    const ampel_lights_cell *c = ampel_lights_at(l, r, j);
    nc += c->status == AMPEL_LIGHT_CRITICAL;
    nw += c->trend == AMPEL_TREND_WORSE;
  }
  if (out_critical)
    *out_critical = nc;
  if (out_worse)
    *out_worse = nw;
}

/* ---- Classes (classify.h) ---- */

int ampel_class_of(double v, const double *b, size_t k) {
  if (!isfinite(v) || k == 0)
    return -1;
  for (size_t i = 1; i < k; i++)
    if (v < b[i])
      return (int)i - 1;
  return (int)k - 1;
}

/* ---- Values (select.h) ---- */

int ampel_has_value(const ampel_dataset *ds, size_t area, size_t ind,
                    size_t period) {
  const double *v = ampel_dataset_values(ds, ind, period);
  return v && !isnan(v[area]);
}

/* ---- Counts: the unit rule of disclosure.h (METHODS.md §7) ---- */

/* ASCII lower case with German umlauts written out (ü → ue, ß → ss). */
static void fold(const char *s, char *out, size_t size) {
  size_t o = 0;
  for (const unsigned char *p = (const unsigned char *)s; *p && o + 3 < size;
       p++) {
    if (p[0] == 0xC3 && p[1]) {
      const char *rep = NULL;
      switch (p[1]) {
      case 0xA4:
      case 0x84: rep = "ae"; break;
      case 0xB6:
      case 0x96: rep = "oe"; break;
      case 0xBC:
      case 0x9C: rep = "ue"; break;
      case 0x9F: rep = "ss"; break;
      default: break;
      }
      if (rep) {
        out[o++] = rep[0];
        out[o++] = rep[1];
        p++;
        continue;
      }
    }
    out[o++] = (char)((*p >= 'A' && *p <= 'Z') ? *p + 32 : *p);
  }
  out[o] = '\0';
}

static int has_word(const char *folded, const char *w) {
  size_t n = strlen(w);
  for (const char *p = strstr(folded, w); p; p = strstr(p + 1, w)) {
    int start = p == folded || p[-1] == ' ' || p[-1] == '(';
    char e = p[n];
    if (start && (e == '\0' || e == ' ' || e == '.' || e == ')'))
      return 1;
  }
  return 0;
}

int ampel_disclosure_is_count(const ampel_indicator *ind) {
  static const char *const words[] = {"anzahl",
                                      "anz",
                                      "personen",
                                      "person",
                                      "schueler",
                                      "kinder",
                                      "kind",
                                      "einwohner",
                                      "faelle",
                                      "fall",
                                      "haushalte",
                                      "bedarfsgemeinschaften",
                                      "leistungsberechtigte",
                                      "empfaenger",
                                      "beschaeftigte",
                                      "arbeitslose",
                                      "absolventen",
                                      "abgaenge",
                                      "jugendliche",
                                      "teilnehmende",
                                      "count",
                                      "persons",
                                      NULL};
  static const char *const ratio[] = {"je",     "pro",   "auf",  "per",
                                      "anteil", "quote", "rate", NULL};
  if (ind && ind->secrecy != AMPEL_SECRECY_UNSET) /* column Geheimhaltung */
    return ind->secrecy == AMPEL_SECRECY_YES;
  if (!ind || !ind->unit || !*ind->unit)
    return 0;
  char f[256];
  fold(ind->unit, f, sizeof f);
  if (strpbrk(f, "/%") || strstr(f, "\xe2\x80\xb0")) /* ‰ */
    return 0;
  for (size_t i = 0; ratio[i]; i++)
    if (has_word(f, ratio[i]))
      return 0;
  const char *p = f;
  while (*p == ' ')
    p++;
  for (size_t i = 0; words[i]; i++) {
    size_t n = strlen(words[i]);
    if (strncmp(p, words[i], n) == 0)
      return 1;
  }
  return 0;
}
